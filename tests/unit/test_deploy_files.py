"""The production deployment files say what the design promises: three Kafka nodes that
keep an acknowledged write on two of them, pinned images, and only `hub` commands that
exist. Checked without a Docker engine, by reading the files."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from hub.cli import app
from hub.localkafka.paths import pom_kafka_version
from hub.localkafka.template import parse_properties
from hub.settings import HubSettings

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "docker" / "Dockerfile"
SERVER_TEMPLATE = ROOT / "deploy" / "kafka" / "server.properties.template"
HUB_IMAGE = "cca-hub"


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def services() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose()["services"]
    return found


def kafka_nodes() -> dict[str, dict[str, Any]]:
    return {
        name: service
        for name, service in services().items()
        if str(service.get("image", "")).startswith("apache/kafka:")
    }


def hub_services() -> dict[str, dict[str, Any]]:
    return {
        name: service
        for name, service in services().items()
        if str(service.get("image", "")).split(":")[0] == HUB_IMAGE
    }


def broker_properties(environment: dict[str, Any]) -> dict[str, str]:
    """The server.properties the apache/kafka image writes from KAFKA_* variables:
    '___' is '-', '__' is '_', '_' is '.'."""
    skip = {"KAFKA_HEAP_OPTS", "KAFKA_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS"}
    props = {}
    for key, value in environment.items():
        if not key.startswith("KAFKA_") or key in skip:
            continue
        name = key.removeprefix("KAFKA_").lower()
        name = name.replace("___", "\0").replace("__", "\1").replace("_", ".")
        props[name.replace("\0", "-").replace("\1", "_")] = str(value)
    return props


def test_the_cluster_is_three_kraft_nodes_of_the_local_brokers_kafka_version() -> None:
    nodes = kafka_nodes()
    assert len(nodes) == 3
    assert {s["image"] for s in nodes.values()} == {f"apache/kafka:{pom_kafka_version()}"}
    envs = [s["environment"] for s in nodes.values()]
    assert sorted(str(e["KAFKA_NODE_ID"]) for e in envs) == ["1", "2", "3"]
    assert len({e["CLUSTER_ID"] for e in envs}) == 1
    for name, service in nodes.items():
        props = broker_properties(service["environment"])
        assert props["process.roles"] == "broker,controller"
        voters = dict(v.split("@") for v in props["controller.quorum.voters"].split(","))
        assert sorted(h.split(":")[0] for h in voters.values()) == sorted(nodes)
        assert props["advertised.listeners"] == f"MTLS://{name}:9092,SCRAM://{name}:9094"
        assert any(str(v).endswith(":/var/lib/kafka/data") for v in service["volumes"])


def test_every_node_admits_only_the_federations_principals_and_enforces_acls() -> None:
    for name, service in kafka_nodes().items():
        props = broker_properties(service["environment"])
        protocols = dict(p.split(":") for p in props["listener.security.protocol.map"].split(","))
        listeners = [entry.split("://")[0] for entry in props["listeners"].split(",")]
        assert {protocols[n] for n in listeners} <= {"SSL", "SASL_SSL"}, name
        assert props["ssl.client.auth"] == "required"
        assert props["authorizer.class.name"].endswith("StandardAuthorizer")
        assert props["allow.everyone.if.no.acl.found"] == "false"
        assert props["ssl.keystore.location"].endswith(f"/{name}.keystore.pem")
        assert props["listener.name.scram.scram-sha-512.sasl.jaas.config"].startswith(
            "org.apache.kafka.common.security.scram.ScramLoginModule"
        )
        supers = set(props["super.users"].split(";"))
        assert supers == {f"User:{n}" for n in kafka_nodes()} | {"User:hub.admin"}
    hub_env = {name: s.get("environment", {}) for name, s in hub_services().items()}
    assert all(env.get("HUB_KAFKA_SECURITY") == "mtls" for env in hub_env.values())
    assert hub_services()["acl"]["command"][:2] == ["acl", "apply"]


def test_every_node_keeps_an_acknowledged_write_on_two_replicas_and_never_elects_a_laggard() -> (
    None
):
    for service in kafka_nodes().values():
        props = broker_properties(service["environment"])
        assert props["default.replication.factor"] == "3"
        assert props["min.insync.replicas"] == "2"
        assert props["unclean.leader.election.enable"] == "false"
        assert props["offsets.topic.replication.factor"] == "3"
        assert props["transaction.state.log.replication.factor"] == "3"
        assert props["transaction.state.log.min.isr"] == "2"
        assert props["auto.create.topics.enable"] == "false"


def test_records_as_large_as_the_local_broker_takes_fit_in_the_cluster() -> None:
    local = parse_properties(SERVER_TEMPLATE.read_text(encoding="utf-8"))
    for service in kafka_nodes().values():
        props = broker_properties(service["environment"])
        assert props["message.max.bytes"] == local["message.max.bytes"]
        assert props["replica.fetch.max.bytes"] == local["replica.fetch.max.bytes"]


def test_the_topics_job_creates_topics_replicated_three_times_with_two_in_sync(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    topics = services()["topics"]
    assert topics["command"] == ["topics", "create"]
    for key in [k for k in os.environ if k.startswith("HUB_")]:
        monkeypatch.delenv(key)
    for key, value in topics["environment"].items():
        monkeypatch.setenv(key, str(value))
    settings = HubSettings()
    assert settings.replication == 3
    assert settings.min_insync_replicas == 2
    assert settings.replication <= len(kafka_nodes())
    assert {h.split(":")[0] for h in settings.kafka_bootstrap.split(",")} == set(kafka_nodes())


def test_the_router_is_scaled_out_with_one_transactional_instance_id_each() -> None:
    routers = [s["command"] for s in hub_services().values() if "--router" in s["command"]]
    assert len(routers) >= 2
    instances = [c[c.index("--instance") + 1] for c in routers]
    assert len(set(instances)) == len(instances)


@pytest.mark.parametrize("name", sorted(hub_services()))
def test_every_hub_command_in_the_deployment_exists_with_its_options(name: str) -> None:
    command = [str(part) for part in hub_services()[name]["command"]]
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, f"{name}: `hub {' '.join(command)}` {result.output}"


def test_hub_health_checks_probe_the_port_each_service_serves() -> None:
    for name, service in hub_services().items():
        command = [str(part) for part in service["command"]]
        if command[0] != "serve":
            continue
        port = command[command.index("--metrics-port") + 1]
        probe = " ".join(service["healthcheck"]["test"])
        assert f"127.0.0.1:{port}/health" in probe, name


def test_every_image_is_pinned_to_a_version() -> None:
    for name, service in services().items():
        image = str(service["image"])
        repository, _, tag = image.rpartition(":")
        assert repository, f"{name}: image {image} has no tag"
        assert "/" not in tag, f"{name}: image {image} has no tag"
        assert re.match(r"v?\d", tag), f"{name}: image {image} is not pinned to a version"
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", DOCKERFILE.read_text(), re.MULTILINE)
    assert base is not None
    assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+", base.group(1))


def test_the_hub_image_runs_hub_as_a_non_root_user() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    users = re.findall(r"^USER (\S+)$", text, re.MULTILINE)
    assert users
    assert users[-1].split(":")[0] not in ("root", "0")
    assert re.search(r'^ENTRYPOINT \["hub"\]$', text, re.MULTILINE)


def test_files_mounted_from_the_repository_exist() -> None:
    for name, service in services().items():
        for volume in service.get("volumes", []):
            source = str(volume).split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), f"{name} mounts {source}, which is missing"


def test_prometheus_scrapes_names_the_deployment_defines_on_the_metrics_port() -> None:
    config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    prometheus_networks = set(services()["prometheus"]["networks"])
    reachable: dict[str, set[str]] = {}
    for name, service in services().items():
        networks = service.get("networks", [])
        for network in networks:
            if network not in prometheus_networks:
                continue
            options = networks[network] if isinstance(networks, dict) else None
            for alias in [name, *((options or {}).get("aliases", []))]:
                reachable.setdefault(alias, set()).add(name)
    for job in config["scrape_configs"]:
        for sd in job.get("dns_sd_configs", []):
            for dns_name in sd["names"]:
                assert dns_name in reachable, f"{job['job_name']}: no service answers {dns_name}"
                for name in reachable[dns_name]:
                    command = [str(part) for part in services()[name].get("command", [])]
                    assert "--metrics-port" in command, f"{name} serves no /metrics"
                    port = command[command.index("--metrics-port") + 1]
                    assert str(sd["port"]) == port, f"{job['job_name']} scrapes {name}:{sd['port']}"
