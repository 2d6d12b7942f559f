"""The operators' view, proven against a real Prometheus scraping the running hub.

The hub runs as in production (router, every adapter, the notice feed poller) on the real
broker, with traffic that includes bad messages, a resent message and one tampered
canonical event. Prometheus (the Debian binary) scrapes both services every second and
evaluates the repository's alert rules. Then:

* every query of every panel of the Grafana dashboard, and its template variable, must
  return data: at least one sample that is a number (not NaN), with ``$network`` as
  "all", ``$__rate_interval`` as 10m (longer than the test runs) and ``$__range`` as 1h;
* every alert rule must load and evaluate without error, and every alert expression must
  be shown to stand on data. An alert expression is a condition (``x > 100``, ``a and
  b``) that is empty while all is well, so an empty result proves nothing. Each one is
  therefore cut at its top-level set operators (``and``, ``or``, ``unless``) into
  operands; in each operand every comparison gets the ``bool`` modifier (so it returns
  0 or 1 for every series instead of filtering them out), ``offset`` is dropped (the
  test has no hours of history) and ``absent(x)`` is replaced by ``x`` (absent is empty
  exactly when x has data). Every operand must return data, and so must every series
  selector in the expression on its own;
* the tampered event actually fires ``HubSignatureFailures`` in Prometheus;
* ``hub status`` reads the same hub from the broker: counts, dead letters, and lag that
  drains to zero.

No fixed sleeps: each check polls until it holds or its deadline passes, and a failure
lists the queries that stayed empty.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from adapters.interpol.testing import publish_notices, red_detail, running_feed, yellow_detail
from adapters.sdk import Translated, get_adapter, slugs, translate
from contract.envelope import to_kafka
from contract.envelope.sealing import sign_event
from contract.topology import CANONICAL
from hub.cli.status import NetworkCounts, Status, render
from hub.demo.traffic import traffic
from hub.keys.store import KeyStore
from hub.localkafka.ports import free_ports
from hub.ops.lag import PartitionLag, hub_groups
from tests._support.hub import ServiceProcess, expected_for, hub_env, prepare_hub, produce_natives
from tests._support.prometheus import Prometheus, has_number, until

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "cca-hub.json"
DATASOURCE = ROOT / "deploy" / "grafana" / "provisioning" / "datasources" / "prometheus.yml"
GRAFANA_VARIABLES = {"$network": ".*", "$__rate_interval": "10m", "$__range": "1h"}
WAIT_S = 120.0


# ---- PromQL, cut for probing -----------------------------------------------------------


def masked(expr: str) -> str:
    """The expression with string literals and label matchers blanked out with ``#`` (same
    length), so operators and keywords are found only where PromQL sees them."""
    out: list[str] = []
    quote: str | None = None
    escaped = False
    braces = 0
    for ch in expr:
        if quote is not None:
            out.append("#")
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = None
        elif ch in "\"'`":
            quote = ch
            out.append("#")
        elif ch in "{}":
            braces += 1 if ch == "{" else -1
            out.append("#")
        else:
            out.append("#" if braces else ch)
    return "".join(out)


def _depths(text: str) -> list[int]:
    depth, out = 0, []
    for ch in text:
        if ch == ")":
            depth -= 1
        out.append(depth)
        if ch == "(":
            depth += 1
    return out


SET_OPERATOR = re.compile(r"\b(and|or|unless)\b(\s*\b(on|ignoring)\s*\([^)]*\))?")
COMPARISON = re.compile(r"(==|!=|>=|<=|>|<)(?!\s*bool\b)")
OFFSET = re.compile(r"\s+offset\s+-?(\d+(ms|[smhdwy]))+")
SELECTOR_NAME = re.compile(r"(?<![\w:])(hub_[a-z0-9_]+|faststream_[a-z0-9_]+|up)\b(?!\s*\()")


def operands(expr: str) -> list[str]:
    """The expression cut at its top-level ``and``/``or``/``unless``."""
    text = masked(expr)
    depth = _depths(text)
    cuts = [m for m in SET_OPERATOR.finditer(text) if depth[m.start()] == 0]
    bounds = [0, *(i for m in cuts for i in (m.start(), m.end())), len(expr)]
    return [expr[a:b].strip() for a, b in zip(bounds[::2], bounds[1::2], strict=True)]


def probe(operand: str) -> str:
    """An operand that returns every series it looks at: comparisons made ``bool``,
    ``offset`` dropped, ``absent(x)`` as ``x``."""
    for m in reversed(list(OFFSET.finditer(masked(operand)))):
        operand = operand[: m.start()] + operand[m.end() :]
    for m in reversed(list(COMPARISON.finditer(masked(operand)))):
        operand = operand[: m.end()] + " bool" + operand[m.end() :]
    text = masked(operand)
    inner = _depths(text)[len("absent(") : -1]
    if text.startswith("absent(") and text.endswith(")") and min(inner, default=0) >= 1:
        operand = operand[len("absent(") : -1]
    return operand.strip()


def selectors(expr: str) -> list[str]:
    """Every series selector (name and its matchers) of the hub's and Prometheus's series."""
    text = masked(expr)
    found = []
    for m in SELECTOR_NAME.finditer(text):
        end = m.end()
        if expr[end : end + 1] == "{":
            end = expr.index("}", end) + 1
        found.append(expr[m.start() : end])
    return list(dict.fromkeys(found))


def alert_rules(*, without: tuple[str, ...] = ()) -> dict[str, str]:
    """Every alert's expression, by name; ``without``: leave out those rule groups."""
    loaded = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    return {
        r["alert"]: r["expr"]
        for g in loaded["groups"]
        if g["name"] not in without
        for r in g["rules"]
        if "alert" in r
    }


def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return loaded


def panels() -> Iterator[dict[str, Any]]:
    for panel in dashboard()["panels"]:
        if panel["type"] != "row":
            yield panel
        yield from panel.get("panels", [])


def grafana_to_promql(expr: str) -> str:
    for name, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(name, value)
    return expr


def dashboard_queries() -> dict[str, str]:
    """'panel title / refId' -> PromQL, with Grafana's variables filled in."""
    return {
        f"{p['title']} / {t['refId']}": grafana_to_promql(t["expr"])
        for p in panels()
        for t in p["targets"]
    }


# ---- checks that need nothing running --------------------------------------------------


def test_probing_cuts_conditions_into_operands_that_keep_every_series() -> None:
    expr = (
        'sum by (network) (increase(x{network!="interpol"}[6h])) == 0\n'
        'and on (network)\ncount by (network) (x{a="b or c"} offset 6h)'
    )
    parts = operands(expr)
    assert [probe(p) for p in parts] == [
        'sum by (network) (increase(x{network!="interpol"}[6h])) == bool 0',
        'count by (network) (x{a="b or c"})',
    ]
    assert probe("a > on (n) 2 * b") == "a > bool on (n) 2 * b"
    assert probe('absent(up{job="cca-router"})') == 'up{job="cca-router"}'
    assert probe("(a > bool 1)") == "(a > bool 1)"
    assert selectors('rate(hub_x_total{a="up"}[5m]) / up') == ['hub_x_total{a="up"}', "up"]


def test_every_alert_expression_has_operands_and_selectors_to_probe() -> None:
    for name, expr in alert_rules().items():
        assert all(operands(expr)), name
        assert selectors(expr), name


def test_the_dashboard_reads_the_provisioned_datasource_and_filters_by_network() -> None:
    source = yaml.safe_load(DATASOURCE.read_text(encoding="utf-8"))["datasources"][0]
    variables = {v["name"]: v for v in dashboard()["templating"]["list"]}
    assert variables["network"]["datasource"]["uid"] == source["uid"]
    assert variables["network"]["includeAll"]
    titles = set()
    for panel in panels():
        titles.add(panel["title"])
        assert panel["datasource"]["uid"] == source["uid"], panel["title"]
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["expr"].strip(), panel["title"]
            if "{network" in target["expr"] or "hub_messages" in target["expr"]:
                assert "$network" in target["expr"], panel["title"]
    assert len(titles) == len(list(panels())), "panel titles must be unique"
    queries = " ".join(dashboard_queries().values())
    for series in (
        "hub_messages_in_total",
        "hub_messages_out_total",
        "hub_dlq_total",
        "hub_rejected_total",
        "hub_stage_seconds_bucket",
        "hub_consumer_lag",
        "hub_end_to_end_seconds_bucket",
        "up{",
        "hub_ready",
    ):
        assert series in queries, series


def test_status_of_an_unreachable_broker_is_a_clear_error() -> None:
    port = free_ports(1)[0]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "hub",
            "status",
            "--bootstrap",
            f"127.0.0.1:{port}",
            "--timeout",
            "5",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"cannot read the hub's status from the Kafka broker at 127.0.0.1:{port}" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


def test_status_tables_show_counts_missing_topics_and_lag_per_group() -> None:
    status = Status(
        "kafka:9092",
        networks=[NetworkCounts("refco", 12, 9, 3), NetworkCounts("aiamp", None, None, None)],
        desks={"drug-trafficking": 7, "triage": None},
        router_dead_letters=1,
        lag=[PartitionLag("cca-router", CANONICAL, p, 5, 9, 4 - p) for p in range(2)],
    )
    text = render(status, partitions=False)
    assert re.search(r"^refco +12 +9 +3$", text, re.MULTILINE)
    assert re.search(r"^aiamp +- +- +-$", text, re.MULTILINE)
    assert re.search(r"^triage +-$", text, re.MULTILINE)
    assert "router dead letters (cca.dlq.v1): 1" in text
    assert re.search(r"^cca-router +cca\.canonical\.v1 +7$", text, re.MULTILINE)
    detailed = render(status, partitions=True)
    assert re.search(r"^cca-router +cca\.canonical\.v1 +1 +3$", detailed, re.MULTILINE)


# ---- the running hub -------------------------------------------------------------------


async def produce_tampered_event(bootstrap: str, state: Path, native: bytes) -> str:
    """A refco event signed with refco's real key, then changed: what the router must
    refuse with ``bad_signature``. Returns its event id."""
    result = next(
        r
        for r in translate(get_adapter("refco"), native, received=datetime.now(UTC))
        if isinstance(r, Translated)
    )
    key, value, headers = to_kafka(sign_event(result.event, KeyStore(state).signer_for("refco")))
    data = json.loads(value)
    data["summary"] = "changed after signing"
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(
            CANONICAL, json.dumps(data).encode(), key=key, headers=list(headers)
        )
    finally:
        await producer.stop()
    return result.event.id


async def hub_status(bootstrap: str) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "hub",
        "status",
        "--json",
        "--bootstrap",
        bootstrap,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "HUB_KAFKA_SECURITY": "plaintext"},  # the suite's plaintext listener
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode == 0, err.decode()
    loaded: dict[str, Any] = json.loads(out)
    return loaded


async def test_every_dashboard_query_and_alert_expression_returns_data_from_a_real_prometheus(
    kafka_bootstrap: str, tmp_path: Path, prometheus_binary: str
) -> None:
    state = tmp_path / "state"
    await prepare_hub(kafka_bootstrap, state)
    env = hub_env(kafka_bootstrap, state)
    stream = traffic(seed=11, bad_ratio=0.15, tag=uuid.uuid4().hex)
    natives = [(n.network, n.value) for n in (next(stream) for _ in range(90))]
    refco = next(
        value
        for network, value in natives
        if network == "refco"
        and any(
            isinstance(r, Translated)
            for r in translate(get_adapter("refco"), value, received=datetime.now(UTC))
        )
    )
    # good native messages sent again: the router drops their events as duplicates
    resent = [n for n in natives if not expected_for([n]).dlq[n[0]]][:3]
    expected = expected_for(natives)
    assert sum(expected.dlq.values()) > 0

    with running_feed() as feed:
        publish_notices(feed, "RED", [red_detail(f"2026/7{i:04d}") for i in range(3)], 160)
        publish_notices(feed, "YELLOW", [yellow_detail("2026/70001")], 160)
        publish_notices(feed, "UN", [], 160)
        env.update({"HUB_INTERPOL_URL": feed.base_url, "HUB_INTERPOL_INTERVAL_S": "1"})
        services = [
            ServiceProcess("router", ["--router", "--instance", "obs"], env, tmp_path),
            ServiceProcess("adapters", ["--all-adapters", "--instance", "obs"], env, tmp_path),
        ]
        prometheus = Prometheus(
            prometheus_binary,
            tmp_path,
            {
                "cca-router": services[0].port,
                "cca-adapters": services[1].port,
            },
        )
        try:
            for s in services:
                s.start()
            for s in services:
                await s.wait_ready()
            prometheus.start()
            async with httpx.AsyncClient(timeout=10) as client:
                await _check(
                    client,
                    prometheus,
                    services,
                    kafka_bootstrap,
                    state,
                    natives,
                    resent,
                    refco,
                    expected.dlq,
                )
        except BaseException:
            print("---- prometheus log\n" + prometheus.tail())
            for s in services:
                print(f"---- {s.name} log\n{s.tail()}")
            raise
        finally:
            prometheus.stop()
            codes = [s.stop() for s in services]
    assert codes == [0, 0]


async def _check(
    client: httpx.AsyncClient,
    prometheus: Prometheus,
    services: list[ServiceProcess],
    bootstrap: str,
    state: Path,
    natives: list[tuple[str, bytes]],
    resent: list[tuple[str, bytes]],
    refco: bytes,
    dead_letters: dict[str, int],
) -> None:
    await prometheus.ready(client)

    for s in services:
        health = (await client.get(f"http://127.0.0.1:{s.port}/health")).json()
        assert health["ready"], health
        assert health["checks"]["broker"] is True, health

    async def targets_up() -> bool:
        found = await prometheus.query(client, "up")
        return len(found) == 2 and all(r["value"][1] == "1" for r in found)

    await until(targets_up, 60, lambda: "both services scraped")

    await produce_natives(bootstrap, natives)
    await produce_natives(bootstrap, resent)
    await produce_tampered_event(bootstrap, state, refco)

    # the traffic is counted as it went: dead letters per network, the duplicates, the forgery
    async def counted() -> bool:
        dlq = {
            r["metric"]["network"]: int(float(r["value"][1]))
            for r in await prometheus.query(
                client, 'sum by (network) (hub_dlq_total{dlq="adapter"})'
            )
        }
        dups = await prometheus.query(client, "sum(hub_duplicates_dropped_total)")
        forged = await prometheus.query(
            client, 'sum(hub_signature_failures_total{network="refco", reason="bad_signature"})'
        )
        return (
            all(dlq.get(n, 0) >= c for n, c in dead_letters.items())
            and bool(dups)
            and float(dups[0]["value"][1]) >= len(resent)
            and bool(forged)
            and float(forged[0]["value"][1]) == 1
        )

    await until(counted, WAIT_S, lambda: "dead letters, duplicates and the forgery counted")

    # every panel query and the network variable
    pending = dict(dashboard_queries())

    async def panels_have_data() -> bool:
        for name, expr in list(pending.items()):
            if has_number(await prometheus.query(client, expr)):
                del pending[name]
        return not pending

    await until(panels_have_data, WAIT_S, lambda: f"panels without data: {pending}")
    networks = await prometheus.api(
        client, "label/network/values", **{"match[]": "hub_messages_in_total"}
    )
    assert set(networks) == set(slugs())

    # every alert expression: each operand, probed, and each selector
    probes = {
        f"{name}: {text}": text
        # no custody monitor runs here: its alerts have their promtool tests
        # (deploy/prometheus/tests/custody.yml)
        for name, expr in alert_rules(without=("cca-hub-custody",)).items()
        for text in [*(probe(o) for o in operands(expr)), *selectors(expr)]
    }

    async def alerts_have_data() -> bool:
        for label, expr in list(probes.items()):
            if has_number(await prometheus.query(client, expr)):
                del probes[label]
        return not probes

    await until(alerts_have_data, WAIT_S, lambda: f"alert probes without data: {list(probes)}")

    # the rules run in Prometheus itself, and the forgery fires its alert there
    async def rules_evaluated() -> bool:
        groups = (await prometheus.api(client, "rules"))["groups"]
        rules = [r for g in groups for r in g["rules"]]
        return len(rules) == len(alert_rules()) and all(
            r["health"] == "ok" and r["lastEvaluation"] > "2000" for r in rules
        )

    await until(rules_evaluated, 60, lambda: "every rule evaluated without error")

    async def forgery_alerted() -> bool:
        firing = (await prometheus.api(client, "alerts"))["alerts"]
        return any(
            a["labels"]["alertname"] == "HubSignatureFailures"
            and a["labels"].get("network") == "refco"
            and a["labels"].get("reason") == "bad_signature"
            and a["state"] == "firing"
            for a in firing
        )

    await until(forgery_alerted, 60, lambda: "HubSignatureFailures firing for refco")

    # the same hub seen from the broker
    last: dict[str, Any] = {}

    planned = {g.group for g in hub_groups(slugs())}

    async def drained() -> bool:
        last.update(await hub_status(bootstrap))
        mine = [p for p in last["lag"] if p["group"] in planned]
        return {p["group"] for p in mine} == planned and all(p["lag"] == 0 for p in mine)

    await until(drained, WAIT_S, lambda: f"lag left: {[p for p in last['lag'] if p['lag']]}")
    counts = {n["network"]: n for n in last["networks"]}
    for network, count in dead_letters.items():
        assert counts[network]["dead_letters"] >= count, network
    assert last["router_dead_letters"] >= 1
    assert sum(c or 0 for c in last["desks"].values()) > 0
    assert {"cca-router", "cca-adapter-refco", "cca-receipts-refco"} <= planned
