"""The chain of custody: every provenance record is a leaf of an append-only Merkle log
(RFC 9162, :mod:`contract.merkle`), and the router signs the log's head.

**One log per partition** of ``cca.provenance.v1``, which has the canonical topic's
partition count and takes each entry on its case's partition: a partition is owned by one
router at a time, so its log has one writer, and whoever rebuilds it from the topic
(a restarted router, the new owner after a rebalance, an auditor) reads the same entries
in the same order and gets the same tree. A total order across partitions would need one
writer for the whole hub.

Each entry carries its index in its partition's log (header ``hub.custody.index``), written
in the same transaction as the desk records, so nothing is delivered without its entry.
The router signs a **tree head** (log, size, root, time) with its key from the key
registry at least every ``every`` entries, and when entries have waited ``interval_s``
without one; heads go to ``cca.custody.sth.v1`` on the log's partition.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from contract.custody import TreeHead, decode_head, log_name
from contract.keys.registry import KeyRegistry
from contract.merkle import (
    MerkleLog,
    ProofError,
    consistency_proof,
    leaf_hash,
    roots_at,
    verify_consistency,
)
from contract.signing import Signer, VerificationError
from contract.topology import CUSTODY_INDEX_HEADER, ROUTER_PRINCIPAL

__all__ = [
    "Appended",
    "Audit",
    "CustodyLogs",
    "PartitionLog",
    "TreeHead",
    "audit",
    "check_deliveries",
    "decode_head",
    "index_of",
    "log_name",
    "verify_head",
]


def verify_head(head: TreeHead, registry: KeyRegistry) -> None:
    """The head's signature holds, by a router key valid at the head's time; else
    :class:`~contract.signing.VerificationError`."""
    registry.verify_detached(
        ROUTER_PRINCIPAL, head.key_id, head.payload(), head.signature, now=head.time()
    )


def index_of(headers: Iterable[tuple[str, bytes]]) -> int | None:
    """An entry's index in its log, from its header; None when absent or malformed."""
    found = [raw for name, raw in headers if name == CUSTODY_INDEX_HEADER]
    if len(found) != 1 or not found[0].isdigit() or len(found[0]) > 19:
        return None
    return int(found[0])


@dataclass(slots=True)
class PartitionLog:
    tree: MerkleLog = field(default_factory=lambda: MerkleLog(keep_hashes=False))
    #: the size of the last signed head, and when it was signed (epoch s)
    head_size: int = 0
    head_at: float = 0.0


@dataclass(slots=True)
class Appended:
    """A batch's entries, per partition, applied to the logs once it has committed."""

    hashes: dict[int, list[bytes]] = field(default_factory=dict)
    heads: dict[int, tuple[int, float]] = field(default_factory=dict)


class CustodyLogs:
    def __init__(self, *, every: int = 1000, interval_s: float = 10.0) -> None:
        self.every = every
        self.interval_s = interval_s
        self._logs: dict[int, PartitionLog] = {}

    def log(self, partition: int) -> PartitionLog:
        found = self._logs.get(partition)
        if found is None:
            found = self._logs[partition] = PartitionLog()
        return found

    def drop(self, partition: int) -> None:
        self._logs.pop(partition, None)

    def partitions(self) -> list[int]:
        return sorted(self._logs)

    def size(self, partition: int) -> int:
        found = self._logs.get(partition)
        return len(found.tree) if found is not None else 0

    def next_index(self, partition: int, appended: Appended) -> int:
        return self.size(partition) + len(appended.hashes.get(partition, ()))

    def add(self, partition: int, entry: bytes, appended: Appended) -> int:
        """Note ``entry`` as the next leaf of ``partition``'s log; its index."""
        index = self.next_index(partition, appended)
        appended.hashes.setdefault(partition, []).append(leaf_hash(entry))
        return index

    def heads(
        self,
        appended: Appended,
        now: float,
        at: str,
        router: str,
        signer: Signer | None,
        partitions: Iterable[int] = (),
    ) -> list[tuple[int, TreeHead]]:
        """The heads due after ``appended``: on each partition with ``every`` entries
        since its last head, or with entries older than ``interval_s`` without one (also
        the ``partitions`` given, for entries that have waited while nothing came)."""
        out: list[tuple[int, TreeHead]] = []
        for part in sorted({*appended.hashes, *partitions}):
            log = self.log(part)
            new = appended.hashes.get(part, [])
            size = len(log.tree) + len(new)
            waiting = size - log.head_size
            if waiting <= 0:
                continue
            if waiting < self.every and now - log.head_at < self.interval_s:
                continue
            tree = log.tree.copy()
            for value in new:
                tree.append_hash(value)
            head = TreeHead(log_name(part), size, tree.root(), at, router)
            out.append((part, head.signed(signer) if signer is not None else head))
            appended.heads[part] = (size, now)
        return out

    def apply(self, appended: Appended) -> None:
        for part, values in appended.hashes.items():
            tree = self.log(part).tree
            for value in values:
                tree.append_hash(value)
        for part, (size, when) in appended.heads.items():
            log = self.log(part)
            log.head_size, log.head_at = size, when

    def unheaded(self, partitions: Iterable[int]) -> list[int]:
        return [p for p in partitions if self.size(p) > self.log(p).head_size]


@dataclass
class Audit:
    """What an audit of the custody logs found: entries and heads per log, event ids with
    their entries, and every check that failed (empty when all hold)."""

    entries: dict[int, int] = field(default_factory=dict)
    heads: dict[int, int] = field(default_factory=dict)
    events: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def audit(
    entries: Mapping[int, Iterable[tuple[int | None, bytes]]],
    heads: Iterable[tuple[int, bytes]],
    registry: KeyRegistry,
) -> Audit:
    """Check each partition's log: entries indexed 0, 1, 2… in the order read, every head
    signed by a router key valid at its time and the root of its log at its size, and each
    head consistent with the one before (RFC 9162 proofs). ``entries``: per partition, the
    (index header, value) of its provenance records in offset order; ``heads``: (partition,
    value) of the head records."""
    found = Audit()
    trees: dict[int, MerkleLog] = {}
    for part, records in sorted(entries.items()):
        tree = trees[part] = MerkleLog()
        for index, value in records:
            if index != len(tree):
                found.problems.append(f"{log_name(part)}: entry {len(tree)} carries index {index}")
            tree.append(value)
            doc = json.loads(value)
            found.events.setdefault(str(doc.get("event_id")), []).append(doc)
        found.entries[part] = len(tree)
    by_part: dict[int, list[TreeHead]] = {}
    for part, raw in heads:
        try:
            by_part.setdefault(part, []).append(decode_head(raw))
        except (ValueError, KeyError) as exc:
            found.problems.append(f"{log_name(part)}: an unreadable tree head ({exc})")
    for part, part_heads in sorted(by_part.items()):
        part_heads.sort(key=lambda h: (h.size, h.at))
        found.heads[part] = len(part_heads)
        hashes = trees.get(part, MerkleLog()).hashes or []
        roots = roots_at(hashes, (h.size for h in part_heads))
        previous: TreeHead | None = None
        for head in part_heads:
            where = f"{log_name(part)}: head of size {head.size} at {head.at}"
            if head.log != log_name(part):
                found.problems.append(f"{where}: names log {head.log}")
            try:
                verify_head(head, registry)
            except VerificationError as exc:
                found.problems.append(f"{where}: signature: {exc}")
            if head.size > len(hashes):
                found.problems.append(f"{where}: the log has only {len(hashes)} entries")
                continue
            if roots[head.size] != head.root:
                found.problems.append(f"{where}: not the root of the log's first entries")
            if previous is not None:
                try:
                    verify_consistency(
                        previous.size,
                        head.size,
                        previous.root,
                        head.root,
                        consistency_proof(previous.size, hashes[: head.size]),
                    )
                except ProofError as exc:
                    found.problems.append(
                        f"{where}: not consistent with size {previous.size}: {exc}"
                    )
            previous = head
    return found


def check_deliveries(found: Audit, delivered: Iterable[tuple[str, str]]) -> list[str]:
    """What does not match between the custody log and the desks: each event routed by
    exactly one entry, each (desk, event) delivered in exactly one entry, each desk record
    with its entry, and each entry's delivery on its desk, once. ``delivered``: (desk, event
    id) of every event record on the desk topics."""
    problems: list[str] = []
    logged: Counter[tuple[str, str]] = Counter()
    for event_id, docs in sorted(found.events.items()):
        routed = sum(1 for d in docs if d.get("outcome") == "routed")
        if routed != 1:
            problems.append(f"event {event_id}: {routed} routed entries in custody, not 1")
        for doc in docs:
            desks = doc.get("desks")
            for desk in desks if isinstance(desks, list) else ():
                logged[(str(desk), event_id)] += 1
    on_desks = Counter(delivered)
    for (desk, event_id), count in sorted(logged.items()):
        if count != 1:
            problems.append(f"event {event_id}: delivered to {desk} by {count} entries")
        if on_desks.get((desk, event_id), 0) == 0:
            problems.append(f"event {event_id}: custody says {desk} got it; that desk has not")
    for (desk, event_id), count in sorted(on_desks.items()):
        if (desk, event_id) not in logged:
            problems.append(f"event {event_id} on {desk}: no custody entry delivers it there")
        elif count != 1:
            problems.append(f"event {event_id} on {desk}: {count} times")
    return problems
