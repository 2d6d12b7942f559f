"""Realistic native messages for every network, some of them bad on purpose.

Deterministic for a seed, so a test can replay exactly the same traffic. Each message
is unique (its own reference), so the hub's de-duplication never hides one.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass

#: the TLP 2.0 marking definitions' official STIX 2.1 ids
TLP_MARKINGS = {
    "CLEAR": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

CRIMES_ES = [
    "Tráfico ilícito de drogas",
    "Narcotráfico",
    "Trata de personas con fines de explotación sexual",
    "Tráfico ilícito de migrantes",
    "Tráfico ilícito de armas de fuego",
    "Lavado de activos",
    "Cohecho",
    "Peculado",
    "Secuestro extorsivo",
    "Extorsión",
    "Minería ilegal",
    "Tráfico de fauna silvestre",
    "Acceso ilícito a sistemas informáticos",
    "Homicidio",
    "Estafa",
    "Asociación ilícita",
]
CRIMES_PT = [
    "Tráfico de drogas",
    "Tráfico internacional de pessoa para fim de exploração sexual",
    "Lavagem de dinheiro",
    "Corrupção passiva",
    "Tráfico internacional de arma de fogo",
    "Garimpo ilegal",
    "Extorsão mediante sequestro",
    "Invasão de dispositivo informático",
    "Associação criminosa",
    "Estelionato",
]
CRIMES_EN = [
    "Drug trafficking",
    "Money laundering",
    "Human trafficking",
    "Kidnapping",
    "Arms trafficking",
    "Murder",
    "Wildlife trafficking",
    "Ransomware",
]
CRIMES_CAPS = [
    "TRAFICO DE ESTUPEFACIENTES",
    "LAVADO DE ACTIVOS",
    "TRATA DE PERSONAS",
    "TRAFICO DE ARMAS",
    "SECUESTRO",
    "EXTORSION",
    "MINERIA ILEGAL",
    "HOMICIDIO",
]
GIVEN = [
    "Ana Lucía",
    "José Mauricio",
    "Marco Antonio",
    "María José",
    "Carlos Alberto",
    "Luis Eduardo",
    "João Pedro",
    "Rogério",
    "Juan David",
    "Pablo",
    "Edgar Gonzalo",
]
FAMILY = [
    "Gómez Rivas",
    "Henríquez Paz",
    "López Hernández",
    "Duarte Benítez",
    "Silva Santos",
    "Almeida Costa",
    "Restrepo Ochoa",
    "Martín Ruiz",
    "Pintos Montero",
    "Quispe Mamani",
]
REFCO_COUNTRIES = [
    ("Guatemala", "guatemalteca"),
    ("El Salvador", "salvadoreño"),
    ("Honduras", "hondureña"),
    ("Panamá", "panameño"),
    ("República Dominicana", "dominicana"),
    ("Costa Rica", "costarricense"),
]
MONTHS = ["ENE", "FEB", "MAR", "ABR", "MAY", "JUN", "JUL", "AGO", "SEP", "OCT", "NOV", "DIC"]


def _day(rng: random.Random, rest: str) -> str:
    """A day of month followed by ``rest`` with a random month ``{m}`` and year ``{y}``."""
    return f"{rng.randint(1, 28):02d}" + rest.format(m=rng.randint(1, 9), y=rng.randint(60, 99))


@dataclass(frozen=True)
class Native:
    network: str
    value: bytes
    bad: bool = False


def _refco(rng: random.Random, n: int, bad: bool, tag: str) -> bytes:
    pais, demonym = rng.choice(REFCO_COUNTRIES)
    given, family = rng.choice(GIVEN), rng.choice(FAMILY).split()
    day = (
        "31/02/2026 10:00"
        if bad
        else f"{rng.randint(1, 28):02d}/11/2026 {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
    )
    doc = {
        "version": "2.1",
        "tipo": "REMISION_CASO",
        "expediente": f"MP-DEMO-{n:07d}",
        "fiscalia": "Fiscalía contra el Crimen Organizado",
        "pais": pais,
        "fecha": day,
        "nivel_reserva": rng.choice(["RESERVADO", "confidencial", "PUBLICO", "SECRETO"]),
        "delitos": rng.sample(CRIMES_ES, rng.randint(1, 2)),
        "hechos": f"Estructura criminal con operaciones en varios países de la región.{tag}",
        "imputados": [
            {
                "nombres": given,
                "primer_apellido": family[0],
                "segundo_apellido": family[-1],
                "nacionalidad": demonym,
                "nacimiento": _day(rng, "/0{m}/19{y}"),
            }
        ],
        "lugares": [
            {
                "descripcion": "Puerto Barrios, Izabal",
                "pais": "Guatemala",
                "coordenadas": "15.7278,-88.5944",
            }
        ],
        "paises_vinculados": ["Mexico"],
    }
    return json.dumps(doc, ensure_ascii=False).encode()


def _aiamp(rng: random.Random, n: int, bad: bool, tag: str) -> bytes:
    red, crimes = rng.choice(
        [
            ("RFAI", CRIMES_ES),
            ("REDTRAM", CRIMES_PT),
            ("CIBERRED", []),
            ("REDCOR", CRIMES_PT),
            ("REDMA", CRIMES_ES),
        ]
    )
    doc = {
        "cabecera": {
            "id": f"AIAMP-{red}-2026-{n:06d}",
            "red": red,
            "tipo": rng.choice(["SOLICITUD_COOPERACION", "INFORMACION_ESPONTANEA"]),
            "emisor": "Ministério Público Federal",
            "pais_emisor": rng.choice(["BR", "AR", "ES"]),
            "idioma": "pt",
            "emitido_ms": 1764356400000 + n * 1000,
            "reserva": rng.random() < 0.5,
        },
        "cuerpo": {
            "asunto": "Cooperação internacional",
            "tipificacion": rng.sample(crimes, min(1, len(crimes))),
            "personas": [{"nombre_completo": "SILVA SANTOS, João Pedro", "rol": "INVESTIGADO"}],
            "paises_involucrados": ["BR", "PY"],
            "resumen": f"Resumo do caso.{tag}",
        },
    }
    if bad:
        header = doc["cabecera"]
        assert isinstance(header, dict)
        header["emitido_ms"] = "yesterday"
    return json.dumps(doc, ensure_ascii=False).encode()


def _oas(rng: random.Random, n: int, bad: bool, tag: str) -> bytes:
    kind, code = rng.choice([("MLA", "MLA"), ("EXTRADITION", "EXT")])
    crime = rng.choice(CRIMES_ES + CRIMES_EN)
    doctype = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>' if bad else ""
    extra = (
        (
            "<hien:AssistanceRequested><hien:Measure>BANK_RECORDS</hien:Measure>"
            "</hien:AssistanceRequested>"
        )
        if kind == "MLA"
        else ""
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
        f'<hien:Request xmlns:hien="urn:oas:hien:1.0" kind="{kind}">'
        f"<hien:RequestId>HIEN-{code}-2026-{n % 1_000_000:06d}</hien:RequestId>"
        "<hien:Sent>2026-11-27T16:42:10-06:00</hien:Sent>"
        "<hien:RequestingState>GTM</hien:RequestingState><hien:RequestedState>MEX</hien:RequestedState>"
        "<hien:CentralAuthority>Ministerio Público de Guatemala</hien:CentralAuthority>"
        '<hien:LegalBasis treaty="IACMACM">Convención Interamericana</hien:LegalBasis>'
        "<hien:Urgency>URGENT</hien:Urgency><hien:Confidentiality>CONFIDENTIAL</hien:Confidentiality>"
        f"<hien:Offences><hien:Offence>{crime}</hien:Offence></hien:Offences>"
        f"<hien:Facts>Hechos del caso.{tag}</hien:Facts>"
        '<hien:Persons><hien:Person role="ACCUSED"><hien:GivenNames>Marco Antonio</hien:GivenNames>'
        "<hien:Surnames>López Hernández</hien:Surnames><hien:BirthDate>1979</hien:BirthDate>"
        "<hien:Nationality>GTM</hien:Nationality></hien:Person></hien:Persons>"
        f"{extra}</hien:Request>"
    ).encode()


def _rempm(rng: random.Random, n: int, bad: bool, tag: str) -> bytes:
    header = (
        "protocolo;pais_origem;data_registro;tipificacao;descricao;investigados;nascimentos;"
        "municipio;uf;latitude;longitude;paises_relacionados;sigilo"
    )
    rows = []
    for i in range(rng.randint(1, 4)):
        day = "30/02/2026" if bad and i == 0 else f"{rng.randint(1, 28):02d}/11/2026"
        crime = rng.choice(CRIMES_PT)
        rows.append(
            f'BR-DEMO-{n:07d}-{i};BRA;{day};{crime};"Descrição; com ponto e vírgula{tag}";'
            f"LUIZ FERNANDO PRADO|MARIA JOSE BENITEZ;03/08/1969|;Foz do Iguaçu;PR;"
            f"-25,5163;-54,5854;PRY|ARG;{rng.randint(0, 2)}"
        )
    return ("\r\n".join([header, *rows]) + "\r\n").encode("latin-1")


def _clacip(rng: random.Random, n: int, bad: bool, tag: str) -> bytes:
    label = rng.choice(
        [
            "narcotrafico",
            "trata-de-personas",
            "trafico-de-armas",
            "lavado-de-activos",
            "ciberdelito",
            "mineria-ilegal",
            "secuestro",
        ]
    )
    report_id = f"report--{n:08d}-0000-4000-8000-{rng.getrandbits(48):012x}"
    handling = rng.choice(["RESERVADO", "RESERVADO", "CONFIDENCIAL", "SECRETO"])
    # TLP 2.0 by its official STIX marking ids; some reports carry none
    marking = rng.choice([None, None, *TLP_MARKINGS.values()])
    report = {
        "type": "report",
        "spec_version": "2.1",
        "id": report_id,
        "created": "2026-11-28T13:00:00.000Z",
        "modified": "2026-11-28T13:00:00.000Z",
        "name": "Informe de inteligencia",
        "published": "2026-11-28T13:05:00.000Z",
        "description": f"Ruta de tráfico detectada.{tag}",
        "labels": [label],
        "x_clacip_level": "TACTICO",
        "x_clacip_grading": {"source": "B", "information": "2"},
        "x_clacip_origin": "CO",
        "x_clacip_handling": handling,
        "object_refs": ["location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64"],
    }
    if marking is not None:
        report["object_marking_refs"] = [marking]
    objects = [
        report,
        {
            "type": "location",
            "spec_version": "2.1",
            "id": "location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64",
            "created": "2026-11-28T13:00:00.000Z",
            "modified": "2026-11-28T13:00:00.000Z",
            "city": "Tumaco",
            "country": "CO",
            "latitude": 1.8067,
            "longitude": -78.7647,
        },
    ]
    if bad:
        objects.append(dict(report, id=report_id.replace("report--0", "report--1")))
    return json.dumps(
        {"type": "bundle", "id": f"bundle--{n:08d}-0000-4000-8000-000000000000", "objects": objects}
    ).encode()


def _ameripol(rng: random.Random, n: int, bad: bool, tag: str) -> bytes:
    crimes = " / ".join(rng.sample(CRIMES_CAPS, 2))
    day = f"{rng.randint(1, 28):02d}{rng.choice(MONTHS)}2026"
    day += f" {rng.randint(0, 23):02d}{rng.randint(0, 59):02d}Z"
    text = (
        f"AMERIPOL//ALERTA OPERATIVA//NR 2026-DEMO-{n:06d}\n"
        "DE: POLICIA NACIONAL DE COLOMBIA - DIJIN\nPARA: CCA\n"
        f"FECHA: {day}\nPRIORIDAD: INMEDIATA\nCLASIFICACION: RESERVADO\n"
        "ASUNTO: ENVIO DE COCAINA EN CONTENEDOR\n"
        f"DELITOS: {crimes}\nPERSONAS:\n"
        " 1. APELLIDOS: RESTREPO OCHOA NOMBRES: JUAN DAVID NAC: COL FN: 02ABR1984\n"
        "LUGARES:\n 1. BUENAVENTURA, VALLE DEL CAUCA, COL 03.8801N 077.0312W\n"
        f"TEXTO:\nSE SOLICITA INSPECCION DEL CONTENEDOR.{tag.upper()}\n"
    )
    if not bad:
        text += "FIN DEL MENSAJE\n"
    return text.encode()


GENERATORS = {
    "refco": _refco,
    "aiamp": _aiamp,
    "oas-hien": _oas,
    "rempm": _rempm,
    "clacip": _clacip,
    "ameripol": _ameripol,
}


def traffic(seed: int = 1, bad_ratio: float = 0.03, tag: str = "") -> Iterator[Native]:
    """An endless, deterministic stream of native messages across the networks.

    References count from 1 in every stream; ``tag`` goes into each message's free text,
    so streams with different tags never repeat a message (the hub would rightly drop a
    repeated one as a duplicate)."""
    suffix = f" [{tag}]" if tag else ""
    rng = random.Random(seed)
    names = sorted(GENERATORS)
    n = 0
    while True:
        n += 1
        network = names[n % len(names)]
        bad = rng.random() < bad_ratio
        yield Native(network, GENERATORS[network](rng, n, bad, suffix), bad)
