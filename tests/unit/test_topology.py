"""The topology names and their inverse agree for every network and desk."""

from __future__ import annotations

import pytest

from adapters.sdk.registry import adapter_class, slugs
from contract.topology import (
    desk_topic,
    native_dlq,
    native_in,
    native_out,
    network_of,
    receipts_topic,
    replies_through_router,
    source_for,
    topic_role,
)
from hub.core.desks import load_desks


@pytest.mark.parametrize("slug", slugs())
def test_every_network_topic_reads_back_as_its_role_and_network(slug: str) -> None:
    assert topic_role(native_in(slug)) == ("native-in", slug)
    assert topic_role(native_out(slug)) == ("native-out", slug)
    assert topic_role(native_dlq(slug)) == ("native-dlq", slug)
    assert topic_role(receipts_topic(slug)) == ("receipts", slug)
    assert network_of(source_for(slug)) == slug


def test_every_desk_topic_reads_back_as_its_desk() -> None:
    for desk in (*load_desks().names, "triage"):
        assert topic_role(desk_topic(desk)) == ("desk", desk)


@pytest.mark.parametrize(
    "topic", ["cca.canonical.v1", "cca.dlq.v1", "net..in", "cca.desk..v1", "net.refco"]
)
def test_other_topics_have_no_role(topic: str) -> None:
    assert topic_role(topic) is None


@pytest.mark.parametrize("source", ["", "urn:cca:net:", "urn:other:refco", "URN:CCA:NET:refco"])
def test_a_source_outside_the_scheme_names_no_network(source: str) -> None:
    assert network_of(source) == ""


def test_batch_networks_answer_themselves_and_silent_networks_get_no_receipts() -> None:
    through_router = {s for s in slugs() if replies_through_router(adapter_class(s))}
    for slug in slugs():
        cls = adapter_class(slug)
        assert (slug in through_router) == (cls.replies and not cls.batch_receipts)
    assert "rempm" not in through_router  # a batch format: answered as the file is read
    assert "refco" in through_router
