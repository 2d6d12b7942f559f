"""Regression tests for what the fuzzers found: each input once broke its target's contract
(its full input is in the target's corpus too, so the replay covers it as well)."""

from __future__ import annotations

from pathlib import Path

from adapters.sdk import Translated, get_adapter, translate
from contract.envelope import case_id, to_kafka
from contract.envelope.sealing import sign_event
from contract.topology import CANONICAL
from hub.core.records import Inbound
from hub.core.router_core import key_partition
from tests.fuzz.adapter_target import RECEIVED, check_translate
from tests.fuzz.router_target import PARTITIONS, make_keys, new_core, run_batch
from tests.samples import event

GOLDEN = Path(__file__).resolve().parents[1] / "adapters"


def golden(slug: str, case: str) -> bytes:
    folder = GOLDEN / slug.replace("-", "_") / "golden" / case
    return next(folder.glob("native.*")).read_bytes()


def test_ameripol_person_item_without_any_label_is_kept_as_a_name() -> None:
    """Found by the short run: an item under ``PERSONAS:`` without a single label (here the
    vehicle, after a damaged ``VEHICULOS:`` line was skipped as unknown) raised ValueError
    out of ``zip(..., strict=True)`` in ``adapters/ameripol/persons.py::labelled``."""
    native = golden("ameripol", "spec_example_alerta_operativa").replace(
        b"VEHICULOS:", b"^EHICULOS:"
    )
    check_translate(get_adapter("ameripol"), native)
    (result,) = translate(get_adapter("ameripol"), native, received=RECEIVED)
    assert isinstance(result, Translated)
    unlabelled = result.event.data.persons[-1]
    assert unlabelled.full_name == 'BUQUE "MSC ANYA" IMO 9454436 BANDERA PAN'
    assert unlabelled.role == "SUBJECT"


def test_interpol_list_page_without_notices_is_refused_not_silently_empty() -> None:
    """Found by the short run on the corpus the long run merged: a list page whose
    ``_embedded.notices`` is empty (here while ``total`` says 1) translated to nothing at
    all, so `hub translate` said nothing and a message fed to the adapter left no trace."""
    native = (
        b'{"total": 1, "query": {"page": 0, "res": 20}, "_embedded": {"notices": []}, '
        b'"_links": {"self": {"href": "https://notices.example/notices/v1/yellow"}}}'
    )
    check_translate(get_adapter("interpol"), native)
    (result,) = translate(get_adapter("interpol"), native, received=RECEIVED)
    assert not isinstance(result, Translated)
    assert (
        result.reason
        == "a list page without notices: nothing to translate although it says total 1"
    )


def test_router_one_event_id_signed_on_two_cases_is_routed_once() -> None:
    """Found by the long run: the network re-signs an event it already sent with only
    ``caseid`` changed; the two copies map to different partitions, each partition's memory
    of routed ids was checked alone, and both copies reached the desks, though the design
    says duplicates are removed by the event id. Now the id is derived from the case too
    and the router derives it again, so the copy's id is not its own: refused."""
    keys = make_keys()
    first = event("cca.mla.request.v1")
    other_case = case_id("oas-hien", "ANOTHER-REFERENCE-7")
    records = []
    for offset, copy in enumerate([first, first.model_copy(update={"caseid": other_case})]):
        key, value, headers = to_kafka(sign_event(copy, keys.signers["oas-hien"]))
        partition = key_partition(key, PARTITIONS)
        records.append(Inbound(CANONICAL, partition, offset, key, value, headers))
    assert records[0].partition != records[1].partition
    fates = run_batch(new_core(), keys, records)
    assert fates == ["routed", "refused"], fates
