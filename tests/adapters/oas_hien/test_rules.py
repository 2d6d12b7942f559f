"""The format's rules one at a time: each accepted variant maps as the spec says, each
broken one is refused with a reason that names what and where."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.oas_hien import OasHienAdapter
from adapters.sdk.contract import Rejected, Translated
from adapters.sdk.kit import RECEIVED
from adapters.sdk.pipeline import translate
from schemas import CanonicalData, ExtraditionRequest, MlaRequest, RequestStatus

ADAPTER = OasHienAdapter()
GOLDEN = Path(__file__).parent / "golden"
MLA = (GOLDEN / "mla_request_in_prefixed_namespace" / "native.xml").read_text("utf-8")
EXT = (GOLDEN / "extradition_request_in_default_namespace" / "native.xml").read_text("utf-8")
STATUS = (GOLDEN / "status_update_without_note_from_utc_sender" / "native.xml").read_text("utf-8")


def edit(document: str, *changes: tuple[str, str]) -> str:
    for old, new in changes:
        assert old in document, f"{old!r} is not in the document"
        document = document.replace(old, new)
    return document


def accepted(document: str | bytes) -> CanonicalData:
    native = document.encode("utf-8") if isinstance(document, str) else document
    (result,) = translate(ADAPTER, native, received=RECEIVED)
    assert isinstance(result, Translated), result
    return result.event.data


def refused(document: str | bytes) -> Rejected:
    native = document.encode("utf-8") if isinstance(document, str) else document
    (result,) = translate(ADAPTER, native, received=RECEIVED)
    assert isinstance(result, Rejected), "the document was translated"
    return result


def mla_request(document: str | bytes) -> MlaRequest:
    data = accepted(document)
    assert isinstance(data, MlaRequest)
    return data


def extradition_request(document: str | bytes) -> ExtraditionRequest:
    data = accepted(document)
    assert isinstance(data, ExtraditionRequest)
    return data


def status_update(document: str | bytes) -> RequestStatus:
    data = accepted(document)
    assert isinstance(data, RequestStatus)
    return data


# --- kinds and ids --------------------------------------------------------------------


def test_an_ext_id_under_kind_mla_is_refused_naming_both() -> None:
    reason = refused(edit(EXT, ('kind="EXTRADITION"', 'kind="MLA"'))).reason
    assert "'HIEN-EXT-2026-000077' names an EXT request" in reason
    assert "kind is MLA" in reason


def test_a_request_without_kind_is_refused() -> None:
    assert "no 'kind' attribute" in refused(edit(EXT, (' kind="EXTRADITION"', ""))).reason


def test_an_unknown_kind_is_refused() -> None:
    reason = refused(edit(EXT, ('kind="EXTRADITION"', 'kind="TRANSFER"'))).reason
    assert reason == "kind of <Request> 'TRANSFER' is not one of EXTRADITION, MLA"


@pytest.mark.parametrize(
    "bad_id", ["HIEN-EXT-26-000077", "HIEN-EXT-2026-77", "HIEN-XYZ-2026-000077", "EXT-2026-000077"]
)
def test_a_malformed_request_id_is_refused(bad_id: str) -> None:
    reason = refused(edit(EXT, ("HIEN-EXT-2026-000077", bad_id))).reason
    assert reason == (f"<RequestId> '{bad_id}' is not of the form HIEN-<MLA|EXT>-<year>-<6 digits>")


def test_a_rejection_after_the_id_was_read_names_the_request() -> None:
    rejected = refused(edit(EXT, ("<RequestedState>PRY", "<RequestedState>PYY")))
    assert rejected.reference == "HIEN-EXT-2026-000077"
    assert rejected.reason == "<RequestedState> 'PYY' is not an ISO 3166-1 alpha-3 country code"


# --- roots, namespaces, shapes ---------------------------------------------------------


def test_a_wrong_root_in_the_namespace_is_refused() -> None:
    document = (
        '<Notice xmlns="urn:oas:hien:1.0"><RequestId>HIEN-MLA-2026-000001</RequestId></Notice>'
    )
    assert refused(document).reason.startswith("root element <Notice> is not a HIEN document")


def test_a_root_without_namespace_is_refused() -> None:
    reason = refused(edit(EXT, (' xmlns="urn:oas:hien:1.0"', ""))).reason
    assert reason.startswith("root element <Request> (no namespace) is not a HIEN document")


def test_a_prefixed_root_with_default_namespace_children_is_the_same_document() -> None:
    document = edit(
        EXT,
        (
            '<Request xmlns="urn:oas:hien:1.0"',
            '<h:Request xmlns:h="urn:oas:hien:1.0" xmlns="urn:oas:hien:1.0"',
        ),
        ("</Request>", "</h:Request>"),
    )
    same, original = extradition_request(document), extradition_request(EXT)
    assert same.model_copy(update={"provenance": None}) == original.model_copy(
        update={"provenance": None}
    )


def test_a_foreign_element_inside_a_person_is_refused() -> None:
    document = edit(
        EXT, ("<BirthDate>", '<x:Alias xmlns:x="urn:example:other">Roger</x:Alias><BirthDate>')
    )
    reason = refused(document).reason
    assert reason == (
        "element <Alias> (namespace urn:example:other) is outside the namespace urn:oas:hien:1.0"
    )


def test_an_element_given_twice_is_refused() -> None:
    document = edit(EXT, ("<Urgency>PRIORITY</Urgency>", "<Urgency>PRIORITY</Urgency>" * 2))
    assert refused(document).reason == "element <Urgency> appears more than once in <Request>"


def test_a_leaf_holding_elements_is_refused() -> None:
    document = edit(
        EXT, ("<Facts>O extraditando", "<Facts><Urgency>URGENT</Urgency>O extraditando")
    )
    assert refused(document).reason == "<Facts> in <Request> holds elements; it must hold text only"


@pytest.mark.parametrize(
    ("element", "text"),
    [
        ("Sent", "2026-11-29T10:05:00-03:00"),
        ("RequestingState", "BRA"),
        ("RequestedState", "PRY"),
        ("Confidentiality", "RESTRICTED"),
    ],
)
def test_a_missing_required_element_is_refused(element: str, text: str) -> None:
    document = edit(EXT, (f"<{element}>{text}</{element}>", ""))
    assert refused(document).reason == f"element <{element}> is missing in <Request>"


def test_an_empty_request_id_is_refused() -> None:
    document = edit(EXT, ("HIEN-EXT-2026-000077", "  "))
    assert refused(document).reason == "element <RequestId> is empty in <Request>"


def test_elements_the_data_can_do_without_may_be_left_out() -> None:
    document = EXT
    for element in ("CentralAuthority", "LegalBasis", "Urgency", "Offences", "Facts", "Persons"):
        start = document.index(f"<{element}")
        end = document.index(f"</{element}>") + len(f"</{element}>")
        document = document[:start] + document[end:]
    document = edit(
        document, ('<Warrant issued="2026-10-02" court="1ª Vara Federal de Ponta Porã"/>', "")
    )
    data = extradition_request(document)
    assert data.origin.authority is None
    assert data.request.authority is None
    assert data.request.legal_basis is None
    assert data.request.urgency is None
    assert data.request.warrant is None
    assert (data.offences, data.persons, data.summary) == ([], [], "")
    assert data.countries == ["BR", "PY"]


# --- encodings -------------------------------------------------------------------------


def test_latin1_bytes_under_an_iso_8859_1_declaration_are_read_as_latin1() -> None:
    native = edit(EXT, ('encoding="UTF-8"', "encoding='iso-8859-1'"), ("–", "-")).encode("latin-1")
    data = extradition_request(native)
    assert data.persons[0].full_name == "Rogério Almeida Costa"
    assert data.summary.endswith("fronteira de Ponta Porã.")


def test_windows_1252_punctuation_in_a_latin1_document_is_read_as_meant() -> None:
    native = edit(EXT, ('encoding="UTF-8"', 'encoding="ISO-8859-1"')).encode("cp1252")
    assert b"\x96" in native  # the en dash, as windows-1252 writes it
    legal_basis = extradition_request(native).request.legal_basis
    assert legal_basis is not None
    assert legal_basis.text == "Tratado de Extradição Brasil–Paraguai"


def test_latin1_bytes_without_a_declaration_are_refused_as_bad_utf8() -> None:
    native = edit(EXT, ('<?xml version="1.0" encoding="UTF-8"?>\n', ""), ("–", "-")).encode(
        "latin-1"
    )
    native = b"\n  " + native  # stray white space before the root is allowed
    offset = native.index("é".encode("latin-1"))
    reason = refused(native).reason
    assert reason.startswith(f"byte 0xe9 at offset {offset} is not valid UTF-8")


def test_an_encoding_other_than_utf8_or_latin1_is_refused() -> None:
    native = edit(EXT, ('encoding="UTF-8"', 'encoding="windows-1252"')).encode("utf-8")
    assert refused(native).reason == (
        "encoding 'WINDOWS-1252' in the XML declaration is not accepted: "
        "the network sends UTF-8 or ISO-8859-1"
    )


def test_a_utf16_document_is_refused() -> None:
    native = edit(EXT, ('encoding="UTF-8"', 'encoding="UTF-16"')).encode("utf-16")
    assert "UTF-16 or UTF-32" in refused(native).reason


def test_a_utf8_byte_order_mark_is_accepted() -> None:
    assert accepted(b"\xef\xbb\xbf" + EXT.encode("utf-8")).reference == "HIEN-EXT-2026-000077"


def test_a_malformed_xml_declaration_is_refused() -> None:
    native = edit(EXT, ('<?xml version="1.0" encoding="UTF-8"?>', "<?xml version=1.0?>"))
    assert refused(native).reason == "XML declaration '<?xml version=1.0?>' is malformed"


# --- values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("<Urgency>PRIORITY", "<Urgency>SOON", "<Urgency> 'SOON' is not one of"),
        (
            "<Confidentiality>RESTRICTED",
            "<Confidentiality>INTERNAL",
            "<Confidentiality> 'INTERNAL' is not one of",
        ),
        (
            'treaty="BILATERAL"',
            'treaty="MERCOSUR"',
            "treaty of <LegalBasis> 'MERCOSUR' is not one of",
        ),
        ('role="ACCUSED"', 'role="WANTED"', "role of person 1 'WANTED' is not one of"),
        (
            "<Nationality>BRA",
            "<Nationality>BR",
            "<Nationality> of person 1 'BR' is not an ISO 3166-1 alpha-3",
        ),
        (
            "<Sent>2026-11-29T10:05:00-03:00",
            "<Sent>2026-11-29T10:05:00",
            "<Sent> '2026-11-29T10:05:00' is not an ISO 8601 date and time with an offset",
        ),
        (
            "<Sent>2026-11-29T10:05",
            "<Sent>2026-02-30T10:05",
            "<Sent> '2026-02-30T10:05:00-03:00' is not a real date and time",
        ),
        (
            'issued="2026-10-02"',
            'issued="02/10/2026"',
            "issued date of <Warrant> '02/10/2026' is not a date of the form YYYY-MM-DD",
        ),
        (
            "<BirthDate>1983",
            "<BirthDate>1983-02-30",
            "<BirthDate> of person 1 '1983-02-30' is not a real date",
        ),
        (
            "<BirthDate>1983",
            "<BirthDate>14/03/1983",
            "<BirthDate> of person 1 '14/03/1983' is not a date of the form",
        ),
        (
            "<BirthDate>1983",
            "<BirthDate>2027",
            "<BirthDate> of person 1 '2027' is later than the document's Sent date",
        ),
    ],
)
def test_a_value_outside_the_format_is_refused_naming_field_and_value(
    old: str, new: str, reason: str
) -> None:
    assert refused(edit(EXT, (old, new))).reason.startswith(reason)


def test_an_unknown_measure_is_refused() -> None:
    reason = refused(edit(MLA, ("FREEZE_ASSETS", "FREEZE"))).reason
    assert reason.startswith(
        "measure 2 in <AssistanceRequested> 'FREEZE' is not one of BANK_RECORDS"
    )


def test_an_unknown_document_type_is_refused() -> None:
    reason = refused(edit(MLA, ('type="PASSPORT"', 'type="VISA"'))).reason
    assert reason.startswith("type of document 1 of person 1 'VISA' is not one of")


def test_a_birth_date_known_to_the_month_is_kept_to_the_month() -> None:
    data = extradition_request(edit(EXT, ("<BirthDate>1983", "<BirthDate>1983-06")))
    assert data.persons[0].birth_date == "1983-06"


def test_sent_in_utc_and_with_fractions_of_a_second_is_read() -> None:
    data = status_update(edit(STATUS, ("2026-12-05T09:30:00Z", "2026-12-05T10:30:00.250+01:00")))
    assert data.reference == "HIEN-EXT-2026-000077/status/2026-12-05T09:30:00.25Z"


# --- kind-specific elements ---------------------------------------------------------------


def test_assistance_requested_in_an_extradition_request_is_refused() -> None:
    document = edit(
        EXT,
        (
            "<Warrant ",
            "<AssistanceRequested><Measure>OTHER</Measure></AssistanceRequested><Warrant ",
        ),
    )
    assert refused(document).reason == (
        "<AssistanceRequested> belongs to MLA requests only, not to kind EXTRADITION"
    )


def test_a_warrant_in_an_mla_request_is_refused() -> None:
    document = edit(MLA, ("<hien:ReplyBy>", '<hien:Warrant court="Juzgado"/><hien:ReplyBy>'))
    assert (
        refused(document).reason
        == "<Warrant> belongs to EXTRADITION requests only, not to kind MLA"
    )


def test_a_warrant_carrying_text_is_refused_rather_than_losing_it() -> None:
    document = edit(EXT, ('Porã"/>', 'Porã">Mandado 0001234-56</Warrant>'))
    assert "<Warrant> carries text" in refused(document).reason


# --- facts, offences, persons, countries ----------------------------------------------------


def test_facts_up_to_1_mb_are_kept_whole_and_longer_ones_refused() -> None:
    original = "O extraditando importou fuzis e munições pela fronteira de Ponta Porã."
    longest = "x" * (1024 * 1024)
    assert extradition_request(edit(EXT, (original, longest))).summary == longest
    reason = refused(edit(EXT, (original, longest + "é"))).reason
    assert reason == "<Facts> is 1048578 bytes long, over the format's 1048576 bytes"


def test_facts_keep_their_lines_and_cdata_is_read_as_text() -> None:
    document = edit(
        EXT,
        (
            "<Facts>O extraditando importou fuzis",
            "<Facts>\n  Primeira linha <![CDATA[com <marcas> & símbolos]]>\n  Segunda linha: fuzis",
        ),
    )
    summary = extradition_request(document).summary
    assert summary.startswith("Primeira linha com <marcas> & símbolos\n  Segunda linha: fuzis")


def test_an_offence_without_text_is_refused() -> None:
    document = edit(EXT, (">Tráfico internacional de arma de fogo<", "> <"))
    assert refused(document).reason == "offence 1 in <Offences> has no text"


def test_an_offence_no_code_fits_is_kept_with_its_label_and_no_code() -> None:
    document = edit(EXT, ("Tráfico internacional de arma de fogo", "Desacato à autoridade"))
    (offence,) = extradition_request(document).offences
    assert (offence.label, offence.iccs) == ("Desacato à autoridade", None)


def test_a_person_without_any_name_is_refused() -> None:
    document = edit(
        EXT, ("<GivenNames>Rogério</GivenNames>", ""), ("<Surnames>Almeida Costa</Surnames>", "")
    )
    assert refused(document).reason == "person 1 has neither <GivenNames> nor <Surnames>"


def test_a_person_known_by_surnames_only_is_named_by_them() -> None:
    person = extradition_request(edit(EXT, ("<GivenNames>Rogério</GivenNames>", ""))).persons[0]
    assert (person.full_name, person.given_names, person.family_names) == (
        "Almeida Costa",
        None,
        "Almeida Costa",
    )


def test_countries_list_requesting_requested_nationalities_then_document_issuers() -> None:
    document = edit(
        EXT,
        (
            "<Nationality>BRA</Nationality>",
            "<Nationality>BRA</Nationality><Nationality>ITA</Nationality>"
            "<Nationality>bra</Nationality>"
            '<Document type="PASSPORT" issuer="PRT">CB123456</Document>'
            '<Document type="NATIONAL_ID" issuer="BRA">12.345.678-9</Document>',
        ),
    )
    data = extradition_request(document)
    assert data.persons[0].nationalities == ["BR", "IT"]
    assert [(d.kind, d.issuer) for d in data.persons[0].documents] == [
        ("PASSPORT", "PT"),
        ("NATIONAL_ID", "BR"),
    ]
    assert data.countries == ["BR", "PY", "IT", "PT"]


# --- status updates -----------------------------------------------------------------------


def test_a_status_update_from_the_hub_itself_is_refused() -> None:
    reason = refused(edit(STATUS, ("<FromState>PRY", "<FromState>CCA"))).reason
    assert reason == "<FromState> 'CCA' is the hub itself: its own acknowledgement came back in"


def test_an_unknown_status_is_refused() -> None:
    reason = refused(edit(STATUS, ("ADDITIONAL_INFO_REQUESTED", "PENDING"))).reason
    assert reason.startswith("<Status> 'PENDING' is not one of ADDITIONAL_INFO_REQUESTED")


def test_a_marked_status_update_keeps_its_marking() -> None:
    document = edit(STATUS, ("</Status>", "</Status>\n  <Confidentiality>secret</Confidentiality>"))
    data = status_update(document)
    assert (data.classification.level, data.classification.original) == ("SECRET", "secret")


def test_the_same_instant_in_another_offset_gives_the_same_status_reference() -> None:
    shifted = edit(STATUS, ("2026-12-05T09:30:00Z", "2026-12-05T06:30:00-03:00"))
    assert status_update(shifted).reference == status_update(STATUS).reference


def test_a_long_note_is_whole_in_the_summary_and_shortened_in_the_status() -> None:
    note = "Se solicita información adicional. " * 40
    document = edit(STATUS, ("</Status>", f"</Status>\n  <Note>{note}</Note>"))
    data = status_update(document)
    assert data.summary == note.strip()
    assert data.status.note is not None
    assert len(data.status.note) == 500
    assert data.status.note.endswith("…")


def test_a_lower_case_request_id_names_the_same_case() -> None:
    lower = edit(STATUS, ("HIEN-EXT-2026-000077", "hien-ext-2026-000077"))
    (upper_result,) = translate(ADAPTER, STATUS.encode(), received=RECEIVED)
    (lower_result,) = translate(ADAPTER, lower.encode(), received=RECEIVED)
    assert isinstance(upper_result, Translated)
    assert isinstance(lower_result, Translated)
    assert lower_result.event.caseid == upper_result.event.caseid
    assert status_update(lower).request_reference == "HIEN-EXT-2026-000077"


def test_a_huge_hostile_value_is_cut_short_in_the_reason() -> None:
    reason = refused(edit(EXT, ("<Urgency>PRIORITY", "<Urgency>" + "X" * 100_000))).reason
    assert len(reason) < 300
    assert "'XXXX" in reason
    assert "…'" in reason
