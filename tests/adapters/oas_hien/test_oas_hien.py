"""oas-hien adapter: the conformance kit over the goldens, and the spec's own examples
checked by hand through the ``hub translate`` command."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from adapters.oas_hien import OasHienAdapter
from adapters.sdk.kit import conformance_tests
from contract.envelope import CanonicalEvent, case_id, from_structured
from hub.cli import app
from hub.core.desks import load_desks
from hub.core.routing import Router
from schemas import ExtraditionRequest, MlaRequest, RequestStatus

GOLDEN = Path(__file__).parent / "golden"
MLA_EXAMPLE = GOLDEN / "mla_request_in_prefixed_namespace" / "native.xml"
EXTRADITION_EXAMPLE = GOLDEN / "extradition_request_in_default_namespace" / "native.xml"
STATUS_UPDATE = GOLDEN / "status_update_lands_on_the_request_case" / "native.xml"

TestOasHienAdapterConformance = conformance_tests(
    OasHienAdapter, GOLDEN, min_cases=6, registered=True
)


def translate_with_cli(path: Path) -> CanonicalEvent:
    result = CliRunner().invoke(app, ["translate", "oas-hien", str(path)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 1, "one HIEN document is one canonical event"
    return from_structured(json.loads(lines[0]))


def test_the_spec_mla_example_translates_to_what_the_spec_implies() -> None:
    event = translate_with_cli(MLA_EXAMPLE)
    data = event.data
    assert isinstance(data, MlaRequest)
    assert event.type == "cca.mla.request.v1"
    assert event.source == "urn:cca:net:oas-hien"
    # 16:42:10 at UTC-6 is 22:42:10 UTC
    assert event.time == datetime(2026, 11, 27, 22, 42, 10, tzinfo=UTC)
    assert event.subject == data.reference == "HIEN-MLA-2026-000481"
    assert event.caseid == case_id("oas-hien", "HIEN-MLA-2026-000481")
    assert event.classification == data.classification.level == "CONFIDENTIAL"
    assert data.classification.original == "CONFIDENTIAL"
    assert data.origin.country == "GT"
    assert data.origin.authority == (
        "Ministerio Público de Guatemala, Unidad de Asuntos Internacionales"
    )
    assert data.countries == ["GT", "MX"]

    request = data.request
    assert (request.requesting, request.requested) == ("GT", "MX")
    assert request.measures == ["BANK_RECORDS", "FREEZE_ASSETS"]
    assert request.urgency == "URGENT"
    assert request.reply_by is not None
    assert request.reply_by.isoformat() == "2026-12-15"
    assert request.legal_basis is not None
    assert request.legal_basis.treaty == "IACMACM"
    assert request.legal_basis.text == (
        "Convención Interamericana sobre Asistencia Mutua en Materia Penal"
    )
    assert request.warrant is None

    # drug trafficking (06012) and money laundering (07041), with the statutes cited
    assert [(o.label, o.iccs, o.statute) for o in data.offences] == [
        ("Tránsito internacional de drogas", "06012", "Ley contra la Narcoactividad, art. 36"),
        (
            "Lavado de dinero u otros activos",
            "07041",
            "Ley contra el Lavado de Dinero u Otros Activos, art. 2",
        ),
    ]
    assert data.summary.startswith("Entre marzo y octubre de 2026 una estructura trasladó")

    (person,) = data.persons
    assert person.full_name == "Marco Antonio López Hernández"
    assert (person.given_names, person.family_names) == ("Marco Antonio", "López Hernández")
    assert person.birth_date == "1979-03-14"
    assert person.nationalities == ["GT"]
    assert person.role == "ACCUSED"
    assert [(d.kind, d.number, d.issuer) for d in person.documents] == [
        ("PASSPORT", "199384211", "GT")
    ]


def test_the_spec_extradition_example_translates_to_what_the_spec_implies() -> None:
    event = translate_with_cli(EXTRADITION_EXAMPLE)
    data = event.data
    assert isinstance(data, ExtraditionRequest)
    assert event.type == "cca.extradition.request.v1"
    # 10:05 at UTC-3 is 13:05 UTC
    assert event.time == datetime(2026, 11, 29, 13, 5, tzinfo=UTC)
    assert data.reference == "HIEN-EXT-2026-000077"
    assert event.classification == "RESTRICTED"
    assert data.origin.country == "BR"
    assert data.origin.authority == "Ministério da Justiça e Segurança Pública, DRCI"
    assert data.countries == ["BR", "PY"]

    request = data.request
    assert (request.requesting, request.requested) == ("BR", "PY")
    assert request.measures == []
    assert request.urgency == "PRIORITY"
    assert request.reply_by is None
    assert request.legal_basis is not None
    assert request.legal_basis.treaty == "BILATERAL"
    assert request.legal_basis.text == "Tratado de Extradição Brasil–Paraguai"
    assert request.warrant is not None
    assert request.warrant.issued is not None
    assert request.warrant.issued.isoformat() == "2026-10-02"
    assert request.warrant.court == "1ª Vara Federal de Ponta Porã"

    # international firearms trafficking: 09012
    assert [(o.label, o.iccs, o.statute) for o in data.offences] == [
        ("Tráfico internacional de arma de fogo", "09012", "Lei 10.826/2003, art. 18")
    ]
    assert data.summary == "O extraditando importou fuzis e munições pela fronteira de Ponta Porã."

    (person,) = data.persons
    assert person.full_name == "Rogério Almeida Costa"
    assert (person.given_names, person.family_names) == ("Rogério", "Almeida Costa")
    assert person.birth_date == "1983"  # only the year is known
    assert person.nationalities == ["BR"]
    assert person.role == "ACCUSED"
    assert person.documents == []


def test_a_status_update_lands_on_the_case_of_the_request_it_reports_on() -> None:
    request = translate_with_cli(MLA_EXAMPLE)
    update = translate_with_cli(STATUS_UPDATE)
    data = update.data
    assert isinstance(data, RequestStatus)
    assert update.type == "cca.request.status.v1"
    assert update.caseid == request.caseid
    assert data.request_reference == data.status.request_reference == "HIEN-MLA-2026-000481"
    # 11:00 at UTC-6 is 17:00 UTC; the reference tells this update from the request's others
    assert update.time == datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
    assert data.reference == "HIEN-MLA-2026-000481/status/2026-12-03T17:00:00Z"
    assert data.status.status == "IN_EXECUTION"
    assert data.status.from_state == "MX"
    assert data.origin.country == "MX"
    assert data.countries == ["MX"]
    assert data.status.note is not None
    assert data.status.note.startswith("Se requirió")
    assert data.summary == data.status.note
    assert data.classification.level == "RESTRICTED"
    assert data.classification.original == "UNMARKED"
    assert update.id != request.id


def test_the_spec_examples_reach_the_desks_of_their_offences() -> None:
    router = Router(load_desks())
    assert router.route(translate_with_cli(MLA_EXAMPLE).data) == [
        "drug-trafficking",
        "money-laundering",
    ]
    assert router.route(translate_with_cli(EXTRADITION_EXAMPLE).data) == ["firearms-trafficking"]


def test_translate_exits_1_and_says_why_for_a_rejected_document() -> None:
    path = GOLDEN / "wrong_namespace_rejected" / "native.xml"
    result = CliRunner().invoke(app, ["translate", "oas-hien", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "namespace urn:oas:hien:2.0" in result.stderr
    assert "not a HIEN document" in result.stderr
