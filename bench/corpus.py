"""The benchmark corpus: realistic native messages from every Kafka-fed network, and the
canonical events the hub's adapters make of them.

Deterministic (``hub.demo.traffic`` with a fixed seed, no bad messages) and guarded by the
SHA-256 of the natives pinned in ``bench/corpus.sha256``: figures from two runs compare
only when they measured the same messages, so a run refuses a corpus whose hash differs.
Every native is unique (its own reference, hence its own event id), because the router
drops repeats; and every native translates to exactly one event (REMPM files with one row),
so one message in is one event out for every variant. INTERPOL is polled over HTTP, not fed
through Kafka, so it has no part here.

The raw and framework variants pass the canonical records through unchanged; they are
signed with fixed benchmark keys and a fixed arrival time, so their bytes are stable too.
"""

from __future__ import annotations

import hashlib
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adapters.sdk.registry import get_adapter
from contract.signing import Signer
from contract.topology import CANONICAL, native_in
from hub.core.adapter_core import AdapterCore, AdapterTally
from hub.core.records import Batch, Inbound
from hub.demo.traffic import traffic

SEED = 20261201
NATIVES = 120_000
CANONICAL_RECORDS = 4_000
ARRIVAL_MS = int(datetime(2026, 12, 1, tzinfo=UTC).timestamp() * 1000)
HASH_FILE = Path(__file__).with_name("corpus.sha256")

Headers = tuple[tuple[str, bytes], ...]


class CorpusMismatchError(RuntimeError):
    """The generated corpus is not the pinned one: figures would not compare."""


@dataclass(frozen=True, slots=True)
class NativeMessage:
    network: str
    value: bytes


@dataclass(frozen=True, slots=True)
class CanonicalRecord:
    key: bytes | None
    value: bytes
    headers: Headers


@dataclass(frozen=True)
class Corpus:
    natives: Sequence[NativeMessage]
    canonical: Sequence[CanonicalRecord]
    natives_sha256: str
    canonical_sha256: str

    def summary(self) -> dict[str, object]:
        return {
            "seed": SEED,
            "natives": len(self.natives),
            "natives_sha256": self.natives_sha256,
            "networks": sorted({n.network for n in self.natives}),
            "mean_native_bytes": round(statistics.mean(len(n.value) for n in self.natives)),
            "canonical_records": len(self.canonical),
            "canonical_sha256": self.canonical_sha256,
            "mean_canonical_value_bytes": round(
                statistics.mean(len(c.value) for c in self.canonical)
            ),
            "mean_canonical_header_bytes": round(
                statistics.mean(sum(len(k) + len(v) for k, v in c.headers) for c in self.canonical)
            ),
        }


def _one_event(network: str, value: bytes) -> bool:
    # a REMPM file carries one event per row after its header line
    return network != "rempm" or value.count(b"\r\n") == 2


def generate_natives(count: int = NATIVES) -> list[NativeMessage]:
    out: list[NativeMessage] = []
    for native in traffic(seed=SEED, bad_ratio=0.0):
        if not native.bad and _one_event(native.network, native.value):
            out.append(NativeMessage(native.network, native.value))
            if len(out) == count:
                return out
    raise AssertionError("unreachable: the traffic generator is endless")


def natives_digest(natives: Iterable[NativeMessage]) -> str:
    digest = hashlib.sha256()
    for native in natives:
        for part in (native.network.encode(), native.value):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.hexdigest()


def canonical_digest(records: Iterable[CanonicalRecord]) -> str:
    digest = hashlib.sha256()
    for record in records:
        parts = [record.key or b"", record.value]
        for name, value in record.headers:
            parts += [name.encode(), value]
        for part in parts:
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.hexdigest()


def _signer(network: str) -> Signer:
    seed = hashlib.sha256(f"cca-bench-{network}".encode()).digest()
    return Signer(f"bench-{network}", Ed25519PrivateKey.from_private_bytes(seed))


def canonical_records(natives: Sequence[NativeMessage]) -> list[CanonicalRecord]:
    """What the adapters put on the canonical topic for these natives, headers included."""
    cores: dict[str, AdapterCore] = {}
    out: list[CanonicalRecord] = []
    for offset, native in enumerate(natives):
        core = cores.get(native.network)
        if core is None:
            core = cores[native.network] = AdapterCore(
                get_adapter(native.network), _signer(native.network)
            )
        batch = Batch()
        inbound = Inbound(native_in(native.network), 0, offset, None, native.value, (), ARRIVAL_MS)
        core.process(inbound, batch, AdapterTally())
        events = [o for o in batch.outputs if o.topic == CANONICAL]
        if len(events) != 1 or events[0].value is None:
            raise CorpusMismatchError(
                f"native #{offset} ({native.network}) gave {len(events)} canonical events, not 1"
            )
        event = events[0]
        out.append(CanonicalRecord(event.key, event.value, tuple(event.headers)))  # type: ignore[arg-type]
    return out


def pinned() -> str:
    """The pinned natives hash: the first word of the first non-comment line."""
    for line in HASH_FILE.read_text(encoding="ascii").splitlines():
        if line.strip() and not line.startswith("#"):
            return line.split()[0]
    raise CorpusMismatchError(f"{HASH_FILE} holds no hash")


def pin(digest: str) -> None:
    HASH_FILE.write_text(
        "# SHA-256 of the benchmark corpus (bench/corpus.py): change it only on purpose,\n"
        "# with `python -m bench corpus --pin`; figures before and after do not compare.\n"
        f"{digest}  natives seed={SEED} count={NATIVES}\n",
        encoding="ascii",
    )


def load(*, check: bool = True) -> Corpus:
    natives = generate_natives()
    digest = natives_digest(natives)
    if check and digest != pinned():
        raise CorpusMismatchError(
            f"corpus hash {digest} differs from the pinned {pinned()} in {HASH_FILE}; "
            "the generator or its seed changed, so figures would not compare"
        )
    canonical = canonical_records(natives[:CANONICAL_RECORDS])
    return Corpus(natives, canonical, digest, canonical_digest(canonical))
