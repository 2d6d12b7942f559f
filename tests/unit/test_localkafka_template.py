"""The rendered server.properties is one small KRaft node on loopback that never
creates topics on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.localkafka.template import (
    listener_address,
    parse_properties,
    render_server_properties,
)


def _rendered(broker_port: int = 9092, controller_port: int = 9093) -> dict[str, str]:
    text = render_server_properties(
        node_id=1,
        host="127.0.0.1",
        broker_port=broker_port,
        controller_port=controller_port,
        log_dirs=Path("/state/kafka/data"),
    )
    assert "$" not in text
    return parse_properties(text)


def test_the_node_is_broker_and_controller_with_a_static_single_voter_quorum() -> None:
    props = _rendered()
    assert props["process.roles"] == "broker,controller"
    assert props["node.id"] == "1"
    assert props["controller.quorum.voters"] == "1@127.0.0.1:9093"
    assert props["controller.listener.names"] == "CONTROLLER"
    assert props["log.dirs"] == "/state/kafka/data"


def test_both_ports_are_template_parameters_and_listen_on_loopback_only() -> None:
    props = _rendered(broker_port=19092, controller_port=19093)
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.1:19092"
    assert listener_address(props) == ("127.0.0.1", 19092)


def test_topics_are_never_created_implicitly() -> None:
    assert _rendered()["auto.create.topics.enable"] == "false"


def test_internal_topics_fit_a_single_node() -> None:
    props = _rendered()
    for key in (
        "offsets.topic.replication.factor",
        "transaction.state.log.replication.factor",
        "transaction.state.log.min.isr",
        "share.coordinator.state.topic.replication.factor",
        "share.coordinator.state.topic.min.isr",
        "default.replication.factor",
        "min.insync.replicas",
    ):
        assert props[key] == "1", key
    assert props["offsets.topic.num.partitions"] == "3"
    assert props["transaction.state.log.num.partitions"] == "3"


def test_the_footprint_is_small() -> None:
    props = _rendered()
    assert props["num.network.threads"] == "2"
    assert props["num.io.threads"] == "2"
    assert props["log.cleaner.dedupe.buffer.size"] == str(16 * 1024 * 1024)
    assert props["group.initial.rebalance.delay.ms"] == "0"


def test_a_placeholder_without_a_value_is_an_error_not_an_empty_setting() -> None:
    with pytest.raises(ValueError, match="unknown_setting"):
        render_server_properties(
            node_id=1,
            host="127.0.0.1",
            broker_port=1,
            controller_port=2,
            log_dirs=Path("/x"),
            template="a=${unknown_setting}\n",
        )


def test_properties_are_read_without_comments_or_blank_lines() -> None:
    text = "# comment\n! also a comment\n\n key = value \nurl=a=b\nnot a setting\n"
    assert parse_properties(text) == {"key": "value", "url": "a=b"}


def test_a_config_without_an_advertised_listener_has_no_address() -> None:
    assert listener_address({}) is None
    assert listener_address({"advertised.listeners": "PLAINTEXT://nohost"}) is None
