"""Offence labels to ICCS: the taxonomy's seed vocabulary, the networks' examples, and labels
the vocabulary has never seen, in Spanish, Portuguese, English and French."""

from __future__ import annotations

import pytest

from adapters.sdk.normalize.offences import MAX_LABEL_CHARS, classify, classify_all, vocabulary
from schemas.iccs import is_known_iccs

# shared/taxonomy.md, "Seed vocabulary", line by line.
SEED = [
    ("narcotráfico", "06012"),
    ("tráfico ilícito de drogas", "06012"),
    ("tráfico de estupefacientes", "06012"),
    ("tránsito internacional de drogas", "06012"),
    ("posesión para el consumo", "06011"),
    ("tráfico de drogas", "06012"),
    ("tráfico ilícito de entorpecentes", "06012"),
    ("drug trafficking", "06012"),
    ("trafic de stupéfiants", "06012"),
    ("trata de personas", "0204"),
    ("trata de personas con fines de explotación sexual", "02041"),
    ("trata de personas con fines de trabajo forzoso", "02042"),
    ("tráfico de pessoas", "0204"),
    ("tráfico internacional de pessoa para fim de exploração sexual", "02041"),
    ("trafficking in persons", "0204"),
    ("human trafficking", "0204"),
    ("traite des êtres humains", "0204"),
    ("tráfico ilícito de migrantes", "08051"),
    ("contrabando de migrantes", "08051"),
    ("promoção de migração ilegal", "08051"),
    ("migrant smuggling", "08051"),
    ("smuggling of migrants", "08051"),
    ("tráfico ilícito de armas de fuego", "09012"),
    ("contrabando de armas", "09012"),
    ("portación ilegal de armas de fuego", "09011"),
    ("tráfico internacional de arma de fogo", "09012"),
    ("firearms trafficking", "09012"),
    ("arms trafficking", "09012"),
    ("lavado de dinero", "07041"),
    ("lavado de activos", "07041"),
    ("blanqueo de capitales", "07041"),
    ("lavagem de dinheiro", "07041"),
    ("money laundering", "07041"),
    ("blanchiment d'argent", "07041"),
    ("cohecho", "07031"),
    ("soborno", "07031"),
    ("peculado", "07032"),
    ("malversación", "07032"),
    ("enriquecimiento ilícito", "07035"),
    ("corrupção passiva", "07031"),
    ("corrupção ativa", "07031"),
    ("bribery", "07031"),
    ("acceso ilícito a sistemas informáticos", "0903"),
    ("ciberdelito", "0903"),
    ("delito informático", "0903"),
    ("invasão de dispositivo informático", "0903"),
    ("computer intrusion", "0903"),
    ("ransomware", "0903"),
    ("secuestro", "020221"),
    ("secuestro extorsivo", "020221"),
    ("sequestro", "020221"),
    ("extorsão mediante sequestro", "020221"),
    ("kidnapping", "020221"),
    ("extorsión", "02051"),
    ("extorsão", "02051"),
    ("minería ilegal", "1004"),
    ("tala ilegal", "1004"),
    ("tráfico de fauna silvestre", "1003"),
    ("tráfico de especies", "1003"),
    ("crime ambiental", "1004"),
    ("garimpo ilegal", "1004"),
    ("wildlife trafficking", "1003"),
    ("asociación ilícita", "09051"),
    ("organización criminal", "09051"),
    ("crimen organizado", "09051"),
    ("associação criminosa", "09051"),
    ("organização criminosa", "09051"),
    ("participation in an organized criminal group", "09051"),
    ("homicidio", "0101"),
    ("asesinato", "0101"),
    ("homicídio", "0101"),
    ("murder", "0101"),
    ("homicide", "0101"),
    ("estafa", "0701"),
    ("fraude", "0701"),
    ("estelionato", "0701"),
    ("falsificación de documentos", "0702"),
    ("terrorismo", "0906"),
]

# The offence labels in the examples of shared/networks/*.md.
NETWORK_EXAMPLES = [
    ("Tránsito internacional de drogas", "06012"),  # oas-hien
    ("Lavado de dinero u otros activos", "07041"),  # oas-hien
    ("Tráfico internacional de arma de fogo", "09012"),  # oas-hien
    ("Trata de personas con fines de explotación sexual", "02041"),  # refco
    ("Asociación ilícita", "09051"),  # refco
    ("trafico ilicito de armas de fuego", "09012"),  # refco
    ("Tráfico internacional de pessoa para fim de exploração sexual", "02041"),  # aiamp
    ("Tráfico internacional de estupefacientes", "06012"),  # rempm, interpol
    ("Asociación criminal", "09051"),  # rempm
    ("Lavagem de dinheiro", "07041"),  # rempm
    ("Contrabando de armas de fuego", "09012"),  # rempm
    ("TRAFICO DE ESTUPEFACIENTES", "06012"),  # ameripol
    ("LAVADO DE ACTIVOS", "07041"),  # ameripol
    ("International drug trafficking", "06012"),  # interpol charge_translation
]

CLACIP_TAGS = [
    ("narcotrafico", "06012"),
    ("trata-de-personas", "0204"),
    ("trafico-de-migrantes", "08051"),
    ("trafico-de-armas", "09012"),
    ("lavado-de-activos", "07041"),
    ("corrupcion", "0703"),
    ("ciberdelito", "0903"),
    ("secuestro", "020221"),
    ("extorsion", "02051"),
    ("delito-ambiental", "10"),
    ("mineria-ilegal", "1004"),
]

# Labels that are not in the seed vocabulary.
UNSEEN_SPANISH = [
    ("Tráfico ilícito de sustancias estupefacientes agravado", "06012"),
    ("narcotraficante", "06012"),  # the person noun names the offence
    ("Narcomenudeo", "06012"),
    ("Microtráfico de estupefacientes", "06012"),
    ("Siembra y cultivo de marihuana", "06012"),
    ("Tenencia de estupefacientes con fines de comercialización", "06012"),
    ("Desvío de precursores químicos", "06012"),
    ("Tráfico de drogas en menor cuantía", "06012"),
    ("Delito contra la salud en su modalidad de transporte", "06012"),  # Mexico
    ("Posesión simple de drogas", "0601"),  # no purpose stated: the division
    ("Tenencia para consumo personal", "06011"),
    ("Blanqueo de capitales procedentes del narcotráfico", "07041"),
    ("Lavado de activos provenientes de la extorsión", "07041"),
    ("Operaciones con recursos de procedencia ilícita", "07041"),  # Mexico
    ("Legitimación de capitales", "07041"),  # Venezuela
    ("Trata de mujeres con fines de explotación sexual", "02041"),
    ("Trata de personas con fines de explotación laboral", "02042"),
    ("Trata de personas en la modalidad de extracción de órganos", "02043"),
    ("Trata de personas con fines de adopción irregular", "02044"),
    ("Trata de personas con fines de explotación sexual y laboral", "0204"),
    ("Trata de niñas, niños y adolescentes", "0204"),
    ("Tráfico de menores", "0204"),
    ("Tráfico ilegal de personas", "08051"),  # smuggling in Central American law
    ("Tráfico de personas con fines de explotación sexual", "02041"),
    ("Tráfico de migrantes menores de edad", "08051"),
    ("Tráfico de armas, municiones y explosivos", "09012"),
    ("Fabricación ilegal de armas de fuego", "09012"),
    ("Tenencia ilegal de armas de fuego de uso privativo", "09011"),
    ("Disparo de arma de fuego", "09011"),
    ("Tráfico de influencias", "07034"),
    ("Cohecho pasivo propio", "07031"),
    ("Soborno transnacional", "07031"),
    ("Malversación de caudales públicos", "07032"),
    ("Abuso de autoridad", "07033"),
    ("Concusión", "0703"),
    ("Acceso abusivo a un sistema informático", "0903"),
    ("Daño informático", "0903"),
    ("Secuestro de datos", "0903"),  # ransomware, not kidnapping
    ("Estafa informática", "0701"),  # fraud by computer is fraud
    ("Secuestro extorsivo agravado", "020221"),
    ("Secuestro de aeronave", "020223"),
    ("Privación ilegal de la libertad", "02022"),
    ("Desaparición forzada de personas", "020222"),
    ("Extorsión agravada", "02051"),
    ("Homicidio agravado en grado de tentativa", "0102"),
    ("Feminicidio", "0101"),
    ("Homicidio culposo", "01032"),
    ("Homicidio culposo en accidente de tránsito", "010321"),
    ("Sicariato", "0101"),
    ("Robo a mano armada", "0401"),
    ("Amenazas con arma de fuego", "02012"),
    ("Lesiones culposas", "0206"),
    ("Violación agravada", "03011"),
    ("Pornografía infantil por internet", "030221"),
    ("Explotación sexual comercial de niños, niñas y adolescentes", "03022"),
    ("Minería ilegal agravada", "1004"),
    ("Explotación ilícita de yacimiento minero", "1004"),
    ("Tráfico ilegal de madera", "1004"),
    ("Tráfico de especies de flora y fauna silvestre amenazadas", "1003"),
    ("Contaminación ambiental", "1001"),
    ("Tráfico ilícito de residuos peligrosos", "1002"),
    ("Delitos contra el medio ambiente", "10"),
    ("Falsificación de moneda", "07021"),
    ("Uso de documento falso", "0702"),
    ("Contrabando de mercancías", "0804"),
    ("Financiamiento del terrorismo", "09062"),
    ("Pertenencia a organización terrorista", "09061"),
    ("Concierto para delinquir agravado", "09051"),  # Colombia
    ("Agrupaciones ilícitas", "09051"),
    ("Crimen organizado transnacional", "09051"),
    ("Tráfico de drogas por organización criminal", "06012"),
]

UNSEEN_PORTUGUESE = [
    ("Associação para o tráfico de drogas", "06012"),  # Law 11.343 art. 35: see offences.toml
    ("Importação de cocaína", "06012"),
    ("Posse de drogas para consumo pessoal", "06011"),
    ("Tráfico internacional de drogas (Lei 11.343/06, art. 33 c/c art. 40, I)", "06012"),
    ("Tráfico de pessoas para fins de trabalho escravo", "02042"),
    ("Redução a condição análoga à de escravo", "0203"),
    ("Porte ilegal de arma de fogo de uso restrito", "09011"),
    ("Comércio ilegal de arma de fogo", "09012"),
    ("Roubo majorado pelo emprego de arma de fogo", "0401"),
    ("Furto qualificado", "0502"),
    ("Corrupção ativa", "07031"),
    ("Peculato-desvio", "07032"),
    ("Tráfico de influência", "07034"),
    ("sequestro extorsivo", "020221"),
    ("Extorsão mediante sequestro seguida de morte", "020221"),
    ("Homicídio qualificado", "0101"),
    ("Homicídio culposo na direção de veículo automotor", "010321"),
    ("Lesão corporal grave", "02011"),
    ("Estupro de vulnerável", "03011"),
    ("crimes contra o meio ambiente", "10"),
    ("Crimes ambientais", "1004"),  # plural of the seed's "crime ambiental"
    ("Desmatamento ilegal", "1004"),
    ("Poluição", "1001"),
    ("Moeda falsa", "07021"),
    ("Falsidade ideológica", "0702"),
    ("Descaminho", "0804"),
    ("Sonegação fiscal", "0804"),
    ("Quadrilha ou bando", "09051"),
    ("Constituição de milícia privada", "09051"),
]

UNSEEN_ENGLISH = [
    ("trafficking of firearms and ammunition", "09012"),
    ("Illegal possession of a firearm", "09011"),
    ("Illicit manufacturing of firearms", "09012"),
    ("Possession with intent to supply a controlled drug", "06012"),
    ("Conspiracy to import cocaine", "06012"),
    ("Cultivation of cannabis", "06012"),
    ("Trafficking in persons for the purpose of sexual exploitation", "02041"),
    ("Trafficking of human beings for forced labour", "02042"),
    ("Sex trafficking of children", "02041"),
    ("Alien smuggling", "08051"),
    ("Human smuggling", "08051"),
    ("Money laundering conspiracy", "07041"),
    ("Bribery of foreign public officials", "07031"),
    ("Embezzlement of public funds", "07032"),
    ("Trading in influence", "07034"),
    ("Unauthorized access to a computer system", "0903"),
    ("Distributed denial of service attack", "0903"),
    ("Kidnapping for ransom", "020221"),
    ("Attempted murder", "0102"),
    ("Armed robbery", "0401"),
    ("Theft of motor vehicle", "05021"),
    ("Child sexual abuse material", "030221"),
    ("Counterfeit currency", "07021"),
    ("Tax evasion", "0804"),
    ("Financing of terrorism", "09062"),
    ("Illegal logging", "1004"),
    ("Illegal dumping of hazardous waste", "1002"),
    ("Environmental crime", "10"),
    ("Organized crime", "09051"),
]

UNSEEN_FRENCH = [
    ("trafic d'armes", "09012"),
    ("Trafic d'armes et de munitions", "09012"),
    ("Détention d'armes de catégorie A", "09011"),
    ("traite de personnes aux fins d'exploitation sexuelle", "02041"),
    ("Traite des êtres humains aux fins de travail forcé", "02042"),
    ("Importation de stupéfiants en bande organisée", "06012"),
    ("Trafic de cocaïne", "06012"),
    ("Aide à l'entrée et au séjour irréguliers d'étrangers en bande organisée", "08051"),
    ("Trafic d'influence", "07034"),
    ("Détournement de fonds publics", "07032"),
    ("Accès frauduleux dans un système de traitement automatisé de données", "0903"),
    ("Enlèvement et séquestration", "020221"),
    ("Tentative de meurtre", "0102"),
    ("Homicide involontaire", "01032"),
    ("Vol à main armée", "0401"),
    ("Faux et usage de faux", "0702"),
    ("Escroquerie en bande organisée", "0701"),
    ("Financement du terrorisme", "09062"),
    ("Association de malfaiteurs", "09051"),
    ("Trafic d'espèces protégées", "1003"),
    ("Orpaillage illégal", "1004"),
]

UNKNOWN = [
    "infracción de tránsito",
    "daños",
    "",
    "   ",
    "xyz",
    "Delito",
    "Otros",
    "N/A",
    "art. 296 CP",
    "Ley 1340",
    "Tráfico",
    "Tráfico ilícito",
    "Asociación",
    "Violación de domicilio",  # trespass, not rape
    "Violación de datos personales",
    "Corrupción de menores",  # sexual in some codes, not in others
    "Piratería",  # maritime or copyright
    "Conducción en estado de ebriedad",
    "tid",  # abbreviations count only in capitals
]


def _ids(cases: list[tuple[str, str]]) -> list[str]:
    return [label for label, _ in cases]


@pytest.mark.parametrize(("label", "code"), SEED, ids=_ids(SEED))
def test_seed_vocabulary_maps_to_its_code(label: str, code: str) -> None:
    assert classify(label) == code


@pytest.mark.parametrize(("label", "code"), NETWORK_EXAMPLES, ids=_ids(NETWORK_EXAMPLES))
def test_network_example_labels_map_to_their_code(label: str, code: str) -> None:
    assert classify(label) == code


@pytest.mark.parametrize(("tag", "code"), CLACIP_TAGS, ids=_ids(CLACIP_TAGS))
def test_clacip_report_labels_classify_with_hyphens_as_spaces(tag: str, code: str) -> None:
    assert classify(tag) == code


@pytest.mark.parametrize(
    ("label", "code"),
    UNSEEN_SPANISH + UNSEEN_PORTUGUESE + UNSEEN_ENGLISH + UNSEEN_FRENCH,
    ids=_ids(UNSEEN_SPANISH + UNSEEN_PORTUGUESE + UNSEEN_ENGLISH + UNSEEN_FRENCH),
)
def test_labels_never_seen_map_to_the_most_specific_code(label: str, code: str) -> None:
    assert classify(label) == code


@pytest.mark.parametrize("label", UNKNOWN)
def test_labels_without_a_justifiable_code_give_none(label: str) -> None:
    assert classify(label) is None


def _variants(label: str) -> list[str]:
    return [
        label.upper(),
        label.title(),
        label.replace("í", "i").replace("á", "a").replace("ã", "a").replace("ç", "c"),
        f"  {label.replace(' ', '   ')}  ",
        f"Delito de {label}",
        f"Crime de {label} (Ley 1.234, art. 56)",
        f"{label} agravado",
        f"{label} en grado de tentativa",
        f"{label} [art. 296 CP]",
    ]


@pytest.mark.parametrize(("label", "code"), SEED, ids=_ids(SEED))
def test_case_accents_spacing_and_legal_phrasing_do_not_change_the_code(
    label: str, code: str
) -> None:
    if code in ("0101",):  # an attempted homicide has its own code
        variants = [v for v in _variants(label) if "tentativa" not in v]
    else:
        variants = _variants(label)
    assert {v: classify(v) for v in variants} == dict.fromkeys(variants, code)


def test_statute_in_parentheses_is_read_only_when_the_label_alone_says_nothing() -> None:
    assert classify("Lavado de dinero (Ley contra la Narcoactividad)") == "07041"
    assert classify("Infracción a la Ley 23.737 (estupefacientes)") == "0601"


def test_upper_case_abbreviations_are_spelled_out() -> None:
    assert classify("TID") == "06012"
    assert classify("Delito de TID agravado") == "06012"
    assert classify("TIM") == "08051"
    assert classify("CSAM distribution") == "030221"


def test_the_main_offence_wins_over_what_qualifies_it() -> None:
    assert classify("Tráfico de drogas por organización criminal") == "06012"
    assert classify("Lavado de activos y financiamiento del terrorismo") == "07041"
    assert classify("Homicidio con arma de fuego") == "0101"
    assert classify("Robo con arma de fuego") == "0401"


def test_labels_longer_than_the_limit_get_no_code() -> None:
    assert classify("tráfico de drogas " * (MAX_LABEL_CHARS // 10)) is None


def test_classify_all_keeps_each_label_beside_its_code_in_order() -> None:
    labels = ["TRAFICO DE ESTUPEFACIENTES", "daños", "LAVADO DE ACTIVOS"]
    assert classify_all(labels) == [
        ("TRAFICO DE ESTUPEFACIENTES", "06012"),
        ("daños", None),
        ("LAVADO DE ACTIVOS", "07041"),
    ]


def test_every_rule_gives_a_known_iccs_code_and_every_concept_is_used() -> None:
    vocab = vocabulary()
    assert all(rule.code is None or is_known_iccs(rule.code) for rule in vocab.rules)
    used = set().union(*(set().union(*rule.when, rule.unless) for rule in vocab.rules))
    terms = [t for ts in vocab.by_trigger.values() for t in ts] + list(vocab.prefix_terms)
    assert {t.concept for t in terms} <= used
