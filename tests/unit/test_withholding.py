"""The router's need-to-know, without a broker: what a desk may not have is withheld with
its reason and a content-free notice on triage, released once when the desk's clearance
allows, and every decision is in provenance. A property over random events and random
registries holds the router (not only the rules) to it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract.envelope import to_kafka
from contract.envelope.binary import header_attributes
from contract.envelope.sealing import sign_event
from contract.keys.registry import KeyRegistry
from contract.seal import ROUTER_PRINCIPAL, check_seal
from contract.signing import Signer
from contract.topology import (
    PROVENANCE,
    WITHHELD,
    WITHHELD_NOTICE_TYPE,
    desk_topic,
    receipts_topic,
)
from hub.core.clearance import rank
from hub.core.desks import load_desks
from hub.core.records import Batch, Inbound, Outbound
from hub.core.router_core import Cleared, RouterCore, Tally, prepare
from hub.core.routing import Router
from hub.core.state.cases import CaseDesks
from hub.core.state.integrity import StateMac
from hub.core.state.seen import SeenByPartition
from hub.core.state.withheld import decode
from hub.core.verifier import verify_items
from schemas import EVENT_MODELS
from schemas.models.values import LEVELS, TLP_VALUES, Level
from tests.samples import event

DESKS = load_desks()
#: an ICCS code per desk, and one that selects no desk (triage)
CODES = {"06012": "drug-trafficking", "02051": "kidnapping-extortion", "07031": "corruption"}


@pytest.fixture(scope="module")
def keys() -> tuple[Signer, Signer, KeyRegistry]:
    origin, router = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    registry = KeyRegistry()
    until = datetime.now(UTC) + timedelta(days=30)
    since = datetime(2020, 1, 1, tzinfo=UTC)
    o = registry.add("oas-hien", origin.public_key(), not_before=since, not_after=until)
    r = registry.add(ROUTER_PRINCIPAL, router.public_key(), not_before=since, not_after=until)
    return Signer(o.key_id, origin), Signer(r.key_id, router), registry


class Registry:
    """Clearances that a test changes between batches, as an edited file would."""

    def __init__(self, levels: dict[str, Level | None]) -> None:
        self.levels = levels

    def __call__(self) -> Cleared:
        return dict(self.levels)


def core(router_key: Signer, cleared: Registry) -> RouterCore:
    return RouterCore(
        Router(DESKS),
        SeenByPartition(10_000),
        CaseDesks(),
        replies_for=lambda n: n == "oas-hien",
        networks=frozenset({"oas-hien"}),
        state_mac=StateMac([router_key]),
        receipt_signer=router_key,
        cleared=cleared,
    )


def record(
    signer: Signer, level: Level, tlp: str | None, codes: list[str], ref: str = "REF-1"
) -> Inbound:
    data = {
        "reference": ref,
        "classification": {"level": level, "original": level, "tlp": tlp},
        "offences": [{"label": f"offence {c}", "iccs": c} for c in codes],
    }
    key, value, headers = to_kafka(sign_event(event("cca.case.referral.v1", **data), signer))
    return Inbound("cca.canonical.v1", 1, 0, key, value, headers)


def route(rc: RouterCore, registry: KeyRegistry, *records: Inbound) -> Batch:
    items = [prepare(r) for r in records]
    answers = iter(verify_items(registry, [i.verify for i in items if i.verify], datetime.now(UTC)))
    verdicts = [next(answers) if i.verify else None for i in items]
    batch = Batch()
    rc.apply(rc.decide(items, verdicts, batch, Tally()))
    return batch


def release(rc: RouterCore) -> Batch:
    batch = Batch()
    rc.apply(rc.release(rc.withheld.partitions(), batch, Tally()))
    return batch


def on(batch: Batch, topic: str) -> list[Outbound]:
    return [o for o in batch.outputs if o.topic == topic]


def cleared_all(level: Level | None) -> dict[str, Level | None]:
    return dict.fromkeys(DESKS.names, level)


def test_a_secret_case_is_withheld_from_a_confidential_desk_with_a_notice_on_triage(
    keys: tuple[Signer, Signer, KeyRegistry],
) -> None:
    origin, router_key, registry = keys
    levels = cleared_all("SECRET") | {"corruption": "CONFIDENTIAL"}
    rc = core(router_key, Registry(levels))
    inbound = record(origin, "SECRET", None, ["06012", "07031"])
    batch = route(rc, registry, inbound)

    assert len(on(batch, desk_topic("drug-trafficking"))) == 1
    assert on(batch, desk_topic("corruption")) == []
    (held,) = on(batch, WITHHELD)
    entry = decode(held.value or b"")
    assert held.key == entry.event_id.encode()
    assert held.partition == 1
    assert [(h.desk, h.rule) for h in entry.held] == [("corruption", "level")]
    assert entry.held[0].reason == "the desk is cleared for CONFIDENTIAL, the event is SECRET"
    assert entry.value == on(batch, desk_topic("drug-trafficking"))[0].value
    assert StateMac([router_key]).check(WITHHELD, held.key, held.value, held.headers) == ""

    (notice,) = on(batch, desk_topic("triage"))
    covered = check_seal(registry, notice.topic, notice.key, notice.value, notice.headers)
    assert dict(covered)["ce_type"] == WITHHELD_NOTICE_TYPE.encode()
    body = json.loads(notice.value or b"")
    assert [h["desk"] for h in body["held"]] == ["corruption"]
    assert body["level"] == "SECRET"
    text = (notice.value or b"").decode()
    case_content = json.loads(inbound.value or b"")
    for secret in (case_content["summary"], case_content["persons"][0]["full_name"]):
        assert secret not in text, "the notice carries content of the case"

    (provenance,) = on(batch, PROVENANCE)
    doc = json.loads(provenance.value or b"")
    assert doc["outcome"] == "routed"
    assert doc["level"] == "SECRET"
    assert doc["tlp"] is None
    assert doc["desks"] == ["drug-trafficking"]
    assert doc["withheld"] == ["corruption"]
    by_desk = {d["desk"]: d for d in doc["decisions"]}
    assert by_desk["corruption"]["clearance"] == "CONFIDENTIAL"
    assert by_desk["corruption"]["rule"] == "level"
    assert by_desk["drug-trafficking"]["outcome"] == "delivered"
    receipt = on(batch, receipts_topic("oas-hien"))[0]
    assert dict(receipt.headers)["hub.desks"] == b"drug-trafficking"


def test_raising_the_clearance_releases_the_event_to_the_desk_once(
    keys: tuple[Signer, Signer, KeyRegistry],
) -> None:
    origin, router_key, registry = keys
    clearances = Registry(cleared_all("SECRET") | {"corruption": "CONFIDENTIAL"})
    rc = core(router_key, clearances)
    first = route(rc, registry, record(origin, "SECRET", "AMBER", ["07031"]))
    assert on(first, desk_topic("corruption")) == []
    assert release(rc).outputs == [], "nothing is released while the clearance is short"

    clearances.levels["corruption"] = "SECRET"
    released = release(rc)
    (delivered,) = on(released, desk_topic("corruption"))
    verified = decode(on(first, WITHHELD)[0].value or b"")
    assert delivered.value == verified.value
    assert list(delivered.headers) == list(verified.headers)
    assert header_attributes(list(delivered.headers))["id"] == verified.event_id
    (entry,) = on(released, WITHHELD)
    after = decode(entry.value or b"")
    assert after.held == ()
    assert after.released == ("corruption",)
    assert StateMac([router_key]).check(WITHHELD, entry.key, entry.value, entry.headers) == ""
    doc = json.loads(on(released, PROVENANCE)[0].value or b"")
    assert doc["outcome"] == "released"
    assert doc["desks"] == ["corruption"]
    assert doc["decisions"] == [
        {"clearance": "SECRET", "desk": "corruption", "outcome": "delivered", "rule": "level+tlp"}
    ]
    assert release(rc).outputs == [], "released once"
    assert rc.withheld.total() == 0


def test_tlp_red_is_held_from_every_desk_and_no_clearance_releases_it(
    keys: tuple[Signer, Signer, KeyRegistry],
) -> None:
    origin, router_key, registry = keys
    rc = core(router_key, Registry(cleared_all("SECRET")))
    batch = route(rc, registry, record(origin, "RESTRICTED", "RED", ["06012"]))
    assert on(batch, desk_topic("drug-trafficking")) == []
    entry = decode(on(batch, WITHHELD)[0].value or b"")
    assert [(h.desk, h.rule) for h in entry.held] == [("drug-trafficking", "tlp")]
    assert len(on(batch, desk_topic("triage"))) == 1
    assert release(rc).outputs == []


def test_amber_strict_reaches_the_desks_but_no_receipt_carries_it_back_out(
    keys: tuple[Signer, Signer, KeyRegistry],
) -> None:
    origin, router_key, registry = keys
    rc = core(router_key, Registry(cleared_all("SECRET")))
    batch = route(rc, registry, record(origin, "SECRET", "AMBER+STRICT", ["06012"]))
    assert len(on(batch, desk_topic("drug-trafficking"))) == 1
    assert on(batch, receipts_topic("oas-hien")) == []
    assert on(batch, WITHHELD) == []


def test_a_desk_whose_clearance_lapsed_gets_nothing_and_keeps_nothing_pending_wrongly(
    keys: tuple[Signer, Signer, KeyRegistry],
) -> None:
    origin, router_key, registry = keys
    clearances = Registry(cleared_all("SECRET") | {"drug-trafficking": None})
    rc = core(router_key, clearances)
    batch = route(rc, registry, record(origin, "PUBLIC", "CLEAR", ["06012"]))
    assert on(batch, desk_topic("drug-trafficking")) == []
    assert rc.withheld.total() == 1
    clearances.levels["drug-trafficking"] = "PUBLIC"
    assert len(on(release(rc), desk_topic("drug-trafficking"))) == 1


event_specs = st.lists(
    st.tuples(
        st.sampled_from(LEVELS),
        st.sampled_from((*TLP_VALUES, None)),
        st.lists(st.sampled_from([*CODES, "0101"]), min_size=1, max_size=3, unique=True),
    ),
    min_size=1,
    max_size=4,
)
registries = st.fixed_dictionaries({desk: st.sampled_from((*LEVELS, None)) for desk in DESKS.names})


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=event_specs, before=registries, after=registries)
def test_no_event_reaches_a_desk_it_may_not_and_every_allowed_desk_gets_it_once(
    keys: tuple[Signer, Signer, KeyRegistry],
    specs: list[tuple[Level, str | None, list[str]]],
    before: dict[str, Level | None],
    after: dict[str, Level | None],
) -> None:
    origin, router_key, registry = keys
    clearances = Registry(dict(before))
    rc = core(router_key, clearances)
    records = [
        record(origin, level, tlp, codes, ref=f"REF-{i}")
        for i, (level, tlp, codes) in enumerate(specs)
    ]
    batches = [route(rc, registry, *records)]
    clearances.levels = dict(after)
    batches.append(release(rc))
    batches.append(release(rc))

    deliveries: dict[tuple[str, str], int] = {}
    for batch in batches:
        for out in batch.outputs:
            attrs = (
                header_attributes(list(out.headers)) if out.topic.startswith("cca.desk.") else {}
            )
            if attrs.get("type") == "cca.case.referral.v1":
                desk = out.topic.removeprefix("cca.desk.").removesuffix(".v1")
                key = (attrs["id"], desk)
                deliveries[key] = deliveries.get(key, 0) + 1
    assert all(n == 1 for n in deliveries.values()), "a desk got an event twice"

    router = Router(DESKS)
    for inbound, (level, tlp, _codes) in zip(records, specs, strict=True):
        attrs = header_attributes(list(inbound.headers))
        data = json.loads(inbound.value or b"")
        selected = router.route(EVENT_MODELS["cca.case.referral.v1"].model_validate(data))
        for desk in selected:
            got = (attrs["id"], desk) in deliveries
            ever = [c for c in (before.get(desk), after.get(desk)) if c is not None]
            may = tlp != "RED" and any(rank(c) >= rank(level) for c in ever)
            if got:
                assert may, f"{desk} got a {level} {tlp} event it was never cleared for"
            now = after.get(desk)
            if tlp != "RED" and now is not None and rank(now) >= rank(level):
                assert got, f"{desk} is cleared for {now} and never got the {level} event"
            if not got:
                held = [
                    decode(o.value or b"")
                    for b in batches
                    for o in on(b, WITHHELD)
                    if o.key == attrs["id"].encode()
                ]
                assert held, f"{desk}: the event was neither delivered nor withheld"
                assert desk in {h.desk for h in held[-1].held}, f"{desk}: lost, not withheld"
