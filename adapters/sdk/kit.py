"""The conformance kit: one call generates an adapter's standard test class.

    TestRefcoConformance = conformance_tests(RefcoAdapter, Path(__file__).parent / "golden")

Golden folders are named by behaviour (``golden/<case>/``) and hold:
- ``native.<ext>`` — the native message as the network sends it;
- ``canonical.jsonl`` — the expected canonical events, structured mode, unsigned;
- ``rejected.txt`` — the expected rejections (``record N: reason``), when there are any;
- ``reply.<ext>`` — the expected native reply, for networks that get one.
Run pytest with ``--update-golden`` to rewrite the expected files on purpose.

The kit's test tools (pytest, hypothesis) are the ``testing`` extra
(``pip install 'cca-hub[testing]'``): they are imported when a test class is generated,
never when this module is, so the runtime package needs neither.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError

from adapters.sdk.contract import Adapter, Receipt, Reject, Rejected, Result, Translated
from adapters.sdk.hostile import MUTATIONS, corpus
from adapters.sdk.pipeline import translate
from adapters.sdk.registry import adapter_class, slugs
from contract.envelope import from_structured, to_structured
from contract.envelope.sealing import sign_event, verify_event
from contract.keys.registry import KeyRegistry
from contract.signing import Signer

if TYPE_CHECKING:
    import pytest

#: The receive time used for every golden translation, so outputs are reproducible.
RECEIVED = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)
UPDATE_OPTION = "--update-golden"
UNSIGNED = ("signature", "keyid")


def golden_cases(golden_dir: Path) -> list[Path]:
    return sorted(p for p in golden_dir.iterdir() if p.is_dir()) if golden_dir.is_dir() else []


def native_file(case: Path) -> Path:
    found = sorted(case.glob("native.*"))
    if len(found) != 1:
        raise FileNotFoundError(f"{case}: expected exactly one native.* file, found {len(found)}")
    return found[0]


def expected_lines(results: list[Result]) -> tuple[list[str], list[str]]:
    """(canonical JSON lines, rejection lines) of a translation, as golden files hold them."""
    events, rejections = [], []
    for item in results:
        if isinstance(item, Translated):
            obj = {k: v for k, v in to_structured(item.event).items() if k not in UNSIGNED}
            events.append(json.dumps(obj, ensure_ascii=False, sort_keys=True))
        else:
            where = f"record {item.record}" if item.record is not None else "message"
            rejections.append(f"{where}: {item.reason}")
    return events, rejections


def receipt_for(results: list[Result]) -> Receipt:
    accepted = [r for r in results if isinstance(r, Translated)]
    return Receipt(
        received=RECEIVED,
        accepted=tuple(r.event for r in accepted),
        rejected=tuple(r for r in results if isinstance(r, Rejected)),
        accepted_records=tuple(r.record for r in accepted),
    )


def _compare_or_update(path: Path, actual: str, update: bool) -> None:
    if update:
        if actual:
            path.write_text(actual, encoding="utf-8")
        elif path.exists():
            path.unlink()
        return
    expected = path.read_text(encoding="utf-8") if path.exists() else ""
    assert actual == expected, f"{path} differs from the translation (rerun with {UPDATE_OPTION})"


def _text(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def _signer_and_registry(slug: str) -> tuple[Signer, KeyRegistry]:
    private = Ed25519PrivateKey.generate()
    registry = KeyRegistry()
    record = registry.add(
        slug,
        private.public_key(),
        not_before=datetime(2000, 1, 1, tzinfo=UTC),
        not_after=datetime.now(UTC) + timedelta(days=3650),
    )
    return Signer(record.key_id, private), registry


def conformance_tests(
    adapter_cls: type[Adapter],
    golden_dir: Path,
    *,
    min_cases: int = 1,
    registered: bool | None = None,
) -> type:
    """The standard test class of one adapter; assign it to a ``Test*`` name in a test module.

    ``registered``: True requires the adapter to be installed under its entry point; None
    checks the entry point only when one with the adapter's slug is installed.
    """
    try:
        import pytest
        from hypothesis import HealthCheck, given, settings
        from hypothesis import strategies as st
    except ImportError as missing:
        raise ImportError(
            f"the conformance kit needs the testing extra ({missing.name} is missing): "
            "pip install 'cca-hub[testing]'"
        ) from missing
    cases = golden_cases(golden_dir)
    case_ids = [c.name for c in cases]
    adapter = adapter_cls()
    hostile = corpus(adapter)

    def all_natives() -> list[bytes]:
        return [native_file(c).read_bytes() for c in cases]

    class Conformance:
        def test_has_enough_golden_cases(self) -> None:
            assert len(cases) >= min_cases, (
                f"{golden_dir} holds {len(cases)} golden cases; {min_cases} or more expected"
            )

        @pytest.mark.parametrize("case", cases, ids=case_ids)
        def test_golden_native_translates_to_its_canonical_file(
            self, case: Path, request: pytest.FixtureRequest
        ) -> None:
            update = bool(request.config.getoption(UPDATE_OPTION, default=False))
            results = translate(adapter, native_file(case).read_bytes(), received=RECEIVED)
            events, rejections = expected_lines(results)
            _compare_or_update(case / "canonical.jsonl", _text(events), update)
            _compare_or_update(case / "rejected.txt", _text(rejections), update)

        @pytest.mark.parametrize("case", cases, ids=case_ids)
        def test_golden_reply_renders_as_expected(
            self, case: Path, request: pytest.FixtureRequest
        ) -> None:
            update = bool(request.config.getoption(UPDATE_OPTION, default=False))
            results = translate(adapter, native_file(case).read_bytes(), received=RECEIVED)
            reply = adapter.render(receipt_for(results)) if adapter.replies else None
            path = case / f"reply{adapter.suffix}"
            if update:
                if reply is not None:
                    path.write_bytes(reply)
                elif path.exists():
                    path.unlink()
                return
            if not adapter.replies:
                assert reply is None
                return
            expected = path.read_bytes() if path.exists() else None
            assert reply == expected, f"{path} differs from the rendered reply"

        def test_every_output_validates_and_verifies_once_signed(self) -> None:
            signer, registry = _signer_and_registry(adapter.slug)
            translated = 0
            for native in all_natives():
                for item in translate(adapter, native, received=RECEIVED):
                    if not isinstance(item, Translated):
                        continue
                    translated += 1
                    signed = sign_event(item.event, signer)
                    again = from_structured(json.loads(json.dumps(to_structured(signed))))
                    assert again == signed
                    verify_event(registry, again)
                    assert again.source == adapter.source
            assert translated > 0, "no golden case translates to any event"

        def test_event_ids_are_stable_across_runs(self) -> None:
            for native in all_natives():
                first = translate(adapter, native, received=RECEIVED)
                later = translate(adapter, native, received=RECEIVED + timedelta(hours=5))
                ids = [r.event.id for r in first if isinstance(r, Translated)]
                assert ids == [r.event.id for r in later if isinstance(r, Translated)]
                assert len(set(ids)) == len(ids), "two records of one message share an id"

        @pytest.mark.parametrize("name", sorted(hostile))
        def test_hostile_input_is_refused_with_a_reason(self, name: str) -> None:
            results = translate(adapter, hostile[name], received=RECEIVED)
            assert results, "no result at all: the message would be lost"
            assert all(isinstance(r, Rejected) and r.reason.strip() for r in results)

        @pytest.mark.parametrize("mutation", sorted(MUTATIONS))
        def test_damaged_golden_input_never_crashes_the_adapter(self, mutation: str) -> None:
            for native in all_natives():
                damaged = MUTATIONS[mutation](native)
                _parse_raises_only_rejections(adapter, damaged)
                assert translate(adapter, damaged, received=RECEIVED)

        @settings(
            max_examples=200,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        )
        @given(st.binary(max_size=4096))
        def test_parse_never_raises_on_arbitrary_bytes(self, raw: bytes) -> None:
            _parse_raises_only_rejections(adapter, raw)

        def test_adapter_is_found_through_its_entry_point(self) -> None:
            if registered is None and adapter.slug not in slugs():
                pytest.skip(f"no adapter '{adapter.slug}' installed yet (add its entry point)")
            assert adapter.slug in slugs()
            assert adapter_class(adapter.slug) is adapter_cls

    Conformance.__name__ = Conformance.__qualname__ = f"Test{adapter_cls.__name__}Conformance"
    return Conformance


def _parse_raises_only_rejections(adapter: Adapter, raw: bytes) -> None:
    """``parse`` may refuse input only by raising Reject or a model ValidationError."""
    if not raw or len(raw) > adapter.max_bytes:
        return
    try:
        items: list[Any] = list(adapter.parse(raw))
    except Reject as exc:
        refused_with_reason = bool(exc.reason.strip())
        assert refused_with_reason, "a Reject must say why"
        return
    except ValidationError:  # canonical model refused a value: the pipeline names the field
        return
    for item in items:
        assert not isinstance(item, Exception)
