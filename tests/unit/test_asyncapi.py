"""The committed AsyncAPI document is the one the code builds, it names every external topic
with its message and headers, and the standard AsyncAPI parser reads it without a warning."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from adapters.sdk.registry import adapter_class, slugs
from contract.signing import SIGNED_ATTRIBUTES
from contract.topology import desk_topic, native_dlq, native_in, native_out
from hub.cli import app
from hub.cli.asyncapi import render
from hub.core.desks import load_desks
from hub.core.dissemination import Held
from hub.core.state.withheld import Withheld, content_free

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs" / "asyncapi.yaml"
CHECKER = ROOT / "tests" / "asyncapi"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    return loaded


def _addresses(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["address"]: c for c in document["channels"].values()}


def test_the_committed_document_is_current() -> None:
    assert DOCUMENT.read_text(encoding="utf-8") == render(), (
        "docs/asyncapi.yaml is stale: run `hub asyncapi --out docs/asyncapi.yaml`"
    )


def test_check_flag_fails_on_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "asyncapi.yaml"
    stale.write_text(render().replace("net.refco.in", "net.refco.inbox"), encoding="utf-8")
    result = CliRunner().invoke(app, ["asyncapi", "--check", str(stale)])
    assert result.exit_code == 1
    assert "stale" in result.output
    current = tmp_path / "current.yaml"
    current.write_text(render(), encoding="utf-8")
    assert CliRunner().invoke(app, ["asyncapi", "--check", str(current)]).exit_code == 0


def test_every_network_topic_is_a_channel(document: dict[str, Any]) -> None:
    channels = _addresses(document)
    for slug in slugs():
        cls = adapter_class(slug)
        assert native_dlq(slug) in channels
        assert (native_out(slug) in channels) == cls.replies
        if not getattr(cls, "polled", False):
            assert native_in(slug) in channels


def test_every_desk_carries_every_canonical_type(document: dict[str, Any]) -> None:
    channels = _addresses(document)
    messages = document["components"]["messages"]
    for desk in (*load_desks().names, "triage"):
        channel = channels[desk_topic(desk)]
        names = {
            messages[ref["$ref"].rsplit("/", 1)[1]]["name"] for ref in channel["messages"].values()
        }
        assert "cca.case.referral.v1" in names
        assert "cca.notice.v1" in names
        # and on triage, the content-free notice of each withholding
        assert len(names) == (7 if desk == "triage" else 6)
        assert ("cca.withheld.notice.v1" in names) == (desk == "triage")


def test_the_withheld_notice_schema_admits_what_the_router_writes(
    document: dict[str, Any],
) -> None:
    schema = document["components"]["messages"]["withheldNotice"]["payload"]
    entry = Withheld(
        event_id="e1",
        case_id="CCA-AAAA-BBBB-CCCC-DDDD",
        network="refco",
        type="cca.case.referral.v1",
        level="SECRET",
        tlp=None,
        held=(Held("corruption", "level", "the desk is cleared for CONFIDENTIAL"),),
        released=(),
        headers=(),
        value=b"{}",
        withheld_at="2026-12-07T00:00:00Z",
        router="0",
    )
    notice = {"notice": "withheld", **content_free(entry), "at": "2026-12-07T00:00:00Z"}
    jsonschema.validate(notice, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**notice, "summary": "content of the case"}, schema)


def test_event_headers_are_the_signed_attributes_and_the_signature(
    document: dict[str, Any],
) -> None:
    headers = document["components"]["schemas"]["eventHeaders"]
    for name in (*SIGNED_ATTRIBUTES, "signature", "keyid", "specversion"):
        assert f"ce_{name}" in headers["required"]
    assert "ce_tlp" in headers["properties"]
    assert "ce_tlp" not in headers["required"]


def test_payload_references_all_resolve(document: dict[str, Any]) -> None:
    refs: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                refs.append(ref)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    assert refs
    for ref in refs:
        node: Any = document
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        assert node is not None, ref


def test_the_standard_asyncapi_parser_reads_it_without_warnings(document: dict[str, Any]) -> None:
    node = shutil.which("node")
    if node is None or not (CHECKER / "node_modules" / "@asyncapi" / "parser").exists():
        if os.environ.get("CI"):
            pytest.fail("the AsyncAPI parser is not installed: run scripts/bootstrap")
        pytest.skip("the AsyncAPI parser is not installed (scripts/bootstrap installs it)")
    result = subprocess.run(
        [node, str(CHECKER / "check.mjs"), str(DOCUMENT)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout, result.stdout
    assert "warning" not in result.stdout, result.stdout
    assert f"channels {len(document['channels'])} " in result.stdout
