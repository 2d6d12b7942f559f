"""The ACLs a participants file implies (pure: no broker)."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.sdk.registry import slugs
from contract.topology import CASE_STATE, PROGRESS_STATE, PROVENANCE, SEEN_STATE, WITHHELD
from hub.access.acl import Acl, Operation, Pattern, Resource, derive, plan, without_lapsed
from hub.access.participants import ParticipantsError, load_participants
from hub.core.desks import load_desks


@pytest.fixture(scope="module")
def acls() -> frozenset[Acl]:
    return derive(load_participants(), slugs(), load_desks())


def _topics(acls: frozenset[Acl], principal: str, operation: Operation) -> set[str]:
    return {
        a.name
        for a in acls
        if a.principal == f"User:{principal}"
        and a.resource is Resource.TOPIC
        and a.operation is operation
    }


def test_a_gateway_writes_its_input_and_reads_its_output_only(acls: frozenset[Acl]) -> None:
    assert _topics(acls, "net.refco", Operation.WRITE) == {"net.refco.in"}
    assert _topics(acls, "net.refco", Operation.READ) == {"net.refco.out"}
    groups = {
        a.name for a in acls if a.principal == "User:net.refco" and a.resource is Resource.GROUP
    }
    assert groups == {"net.refco."}


def test_a_desk_reads_its_own_desk_only(acls: frozenset[Acl]) -> None:
    assert _topics(acls, "desk.corruption", Operation.READ) == {"cca.desk.corruption.v1"}
    assert _topics(acls, "desk.corruption", Operation.WRITE) == set()


def test_custody_and_state_are_written_by_the_router_alone(acls: frozenset[Acl]) -> None:
    for topic in (PROVENANCE, SEEN_STATE, CASE_STATE, PROGRESS_STATE, WITHHELD):
        writers = {a.principal for a in acls if a.name == topic and a.operation is Operation.WRITE}
        assert writers == {"User:svc.router"}, topic


def test_no_desk_is_readable_by_any_network_or_service_but_the_custody_audit(
    acls: frozenset[Acl],
) -> None:
    readers = {
        a.principal
        for a in acls
        if a.name.startswith("cca.desk.") and a.operation is Operation.READ
    }
    # the audit checks that every desk record has its custody entry, exactly once
    assert readers == {f"User:desk.{d}" for d in load_desks().names} | {"User:svc.custody"}


def test_the_custody_audit_reads_and_writes_nothing_else(acls: frozenset[Acl]) -> None:
    mine = {a for a in acls if a.principal == "User:svc.custody"}
    assert {a.operation for a in mine} <= {Operation.READ, Operation.DESCRIBE}
    assert {a.resource for a in mine if a.operation is Operation.READ} == {Resource.TOPIC}
    read = _topics(acls, "svc.custody", Operation.READ)
    assert {PROVENANCE, "cca.custody.sth.v1", "cca.canonical.v1", "net.rempm.in"} <= read
    assert not any(t.endswith(".out") or t.endswith(".dlq") for t in read)


def test_an_adapter_service_commits_in_its_own_transactions_and_group(acls: frozenset[Acl]) -> None:
    mine = {a for a in acls if a.principal == "User:svc.adapter.refco"}
    assert (
        Acl(
            "User:svc.adapter.refco",
            Resource.TRANSACTIONAL_ID,
            "cca-adapter-refco-",
            Pattern.PREFIXED,
            Operation.WRITE,
        )
        in mine
    )
    assert {
        a.name for a in mine if a.resource is Resource.GROUP and a.operation is Operation.READ
    } == {
        "cca-adapter-refco",
        "cca-receipts-refco",
    }
    assert _topics(acls, "svc.adapter.refco", Operation.READ) == {
        "net.refco.in",
        "cca.receipts.refco.v1",
    }


def test_plan_adds_what_is_missing_and_removes_what_is_not_declared(acls: frozenset[Acl]) -> None:
    stray = Acl(
        "User:someone", Resource.TOPIC, "cca.desk.triage.v1", Pattern.LITERAL, Operation.READ
    )
    some = sorted(acls)[:5]
    change = plan(acls, [*some, stray])
    assert change.remove == (stray,)
    assert set(change.add) == set(acls) - set(some)
    assert plan(acls, acls).empty


def test_a_file_naming_an_unknown_network_desk_or_role_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "participants.toml"
    path.write_text(
        '[[gateway]]\nnetwork = "nowhere"\n[[service]]\nname = "svc.x"\nruns = ["mixer"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ParticipantsError, match=r"nowhere: no such network.*cannot run 'mixer'"):
        derive(load_participants(path), slugs(), load_desks())
    path.write_text('[[desk]]\ndesk = "triage"\n[[desk]]\ndesk = "triage"\n', encoding="utf-8")
    with pytest.raises(ParticipantsError, match="named twice"):
        load_participants(path)
    path.write_text('[[gateway]]\nnetwrk = "refco"\n', encoding="utf-8")
    with pytest.raises(ParticipantsError, match=r"participants.toml: gateway\.0"):
        load_participants(path)


def test_a_desk_without_a_clearance_in_force_gets_no_acl_and_nothing_else_changes(
    acls: frozenset[Acl],
) -> None:
    kept = without_lapsed(acls, load_participants(), ["corruption"])
    assert {a for a in acls - kept} == {a for a in acls if a.principal == "User:desk.corruption"}
    assert _topics(kept, "desk.corruption", Operation.READ) == set()
    assert _topics(kept, "desk.cybercrime", Operation.READ) == {"cca.desk.cybercrime.v1"}
    assert without_lapsed(acls, load_participants(), []) == acls
