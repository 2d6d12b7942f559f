"""The demo's live counts: events on desks, and what is withheld from desks and released."""

from __future__ import annotations

import json

from contract.topology import WITHHELD, WITHHELD_NOTICE_TYPE, desk_topic
from hub.demo.counts import Counts


def entry(event_id: str, held: list[str], released: list[str]) -> bytes:
    return json.dumps(
        {"event_id": event_id, "held": [{"desk": d} for d in held], "released": released}
    ).encode()


def test_withheld_desks_are_counted_once_per_event_and_releases_as_they_come() -> None:
    counts = Counts()
    counts.add(WITHHELD, [], entry("e1", ["corruption", "cybercrime"], []))
    counts.add(WITHHELD, [], entry("e2", ["corruption"], []))
    counts.add(WITHHELD, [], entry("e1", ["cybercrime"], ["corruption"]))
    counts.add(WITHHELD, [], entry("e1", ["cybercrime"], ["corruption"]))  # written again
    counts.add(WITHHELD, [], b"not json")
    assert counts.withheld == {"corruption": 2, "cybercrime": 1}
    assert counts.released == {"corruption": 1}


def test_the_triage_notice_of_a_withholding_is_not_counted_as_an_event_on_the_desk() -> None:
    counts = Counts()
    event = [("ce_id", b"e1"), ("ce_source", b"urn:cca:net:refco"), ("ce_type", b"x")]
    notice = [("ce_id", b"e1.withheld"), ("ce_type", WITHHELD_NOTICE_TYPE.encode())]
    counts.add(desk_topic("triage"), event)
    counts.add(desk_topic("triage"), notice)
    assert counts.desks == {"triage": 1}
    assert counts.routed == {"refco": 1}
