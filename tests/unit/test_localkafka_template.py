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


def _rendered(
    broker_port: int = 9092, controller_port: int = 9093, local_port: int | None = None
) -> dict[str, str]:
    text = render_server_properties(
        node_id=1,
        host="127.0.0.1",
        broker_port=broker_port,
        scram_port=9094,
        controller_port=controller_port,
        log_dirs=Path("/state/kafka/data"),
        keystore=Path("/state/kafka/node-keystore.pem"),
        truststore=Path("/state/pki/ca.pem"),
        super_users=["broker.local", "hub.admin"],
        local_port=local_port,
    )
    assert "${" not in text  # every placeholder filled (the mapping rules keep their $1)
    return parse_properties(text)


def test_the_node_is_broker_and_controller_with_a_static_single_voter_quorum() -> None:
    props = _rendered()
    assert props["process.roles"] == "broker,controller"
    assert props["node.id"] == "1"
    assert props["controller.quorum.voters"] == "1@127.0.0.1:9093"
    assert props["controller.listener.names"] == "CONTROLLER"
    assert props["log.dirs"] == "/state/kafka/data"


def test_every_port_is_a_template_parameter_and_listens_on_loopback_only() -> None:
    props = _rendered(broker_port=19092, controller_port=19093)
    assert props["listeners"] == (
        "MTLS://127.0.0.1:19092,SCRAM://127.0.0.1:9094,CONTROLLER://127.0.0.1:19093"
    )
    assert props["advertised.listeners"] == "MTLS://127.0.0.1:19092,SCRAM://127.0.0.1:9094"
    assert listener_address(props) == ("127.0.0.1", 19092)
    assert listener_address(props, "SCRAM") == ("127.0.0.1", 9094)
    assert listener_address(props, "LOCAL") is None


def test_every_listener_authenticates_and_the_authorizer_denies_by_default() -> None:
    props = _rendered()
    protocols = dict(p.split(":") for p in props["listener.security.protocol.map"].split(","))
    assert [protocols[n] for n in ("MTLS", "SCRAM", "CONTROLLER")] == ["SSL", "SASL_SSL", "SSL"]
    assert props["ssl.client.auth"] == "required"
    assert props["listener.name.scram.sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
    assert props["authorizer.class.name"].endswith("StandardAuthorizer")
    assert props["allow.everyone.if.no.acl.found"] == "false"
    assert props["super.users"] == "User:broker.local;User:hub.admin"
    assert props["ssl.keystore.location"] == "/state/kafka/node-keystore.pem"
    assert "password" not in "".join(props)  # the keystore is a file, never a secret here


def test_plaintext_is_a_loopback_listener_only_when_asked() -> None:
    props = _rendered(local_port=19095)
    assert props["listeners"].endswith(",LOCAL://127.0.0.1:19095")
    assert listener_address(props, "LOCAL") == ("127.0.0.1", 19095)


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
            scram_port=3,
            controller_port=2,
            log_dirs=Path("/x"),
            keystore=Path("/k"),
            truststore=Path("/t"),
            super_users=[],
            template="a=${unknown_setting}\n",
        )


def test_properties_are_read_without_comments_or_blank_lines() -> None:
    text = "# comment\n! also a comment\n\n key = value \nurl=a=b\nnot a setting\n"
    assert parse_properties(text) == {"key": "value", "url": "a=b"}


def test_a_config_without_an_advertised_listener_has_no_address() -> None:
    assert listener_address({}) is None
    assert listener_address({"advertised.listeners": "PLAINTEXT://nohost"}) is None
