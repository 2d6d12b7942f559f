"""Build an evidence package: one or more cases as the hub received and delivered them, in
the form :mod:`contract.evidence` checks offline.

Pure: the caller reads the custody logs, the tree heads, the canonical events, their native
originals and the key registry from the broker (:mod:`hub.services.custody_reader`) and
passes them in. The builder rebuilds each log from its entries and refuses to write a
package whose logs disagree with their signed heads: a package it writes verifies, unless
what it was given was altered.

Each entry of a case is proven against the **earliest** signed head that covers it, and
that head against the **newest** head of its log by a consistency proof; so a court sees
both that the entry was logged soon after it was written and that nothing since has
rewritten the log.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from contract.custody import TreeHead, log_name
from contract.evidence import FORMAT, KEYS, MANIFEST, README
from contract.merkle import MerkleLog, leaf_hash, roots_at
from contract.signing import KEYID_ATTRIBUTE, canonical_json
from contract.topology import network_of

__all__ = ["EvidenceError", "Original", "build_package", "case_entries"]


class EvidenceError(ValueError):
    """The package cannot be built: what is missing or inconsistent."""


@dataclass(frozen=True, slots=True)
class Original:
    """A canonical event as the router read it, and its native original where retained."""

    attributes: Mapping[str, str]
    data: bytes
    native: bytes | None = None
    #: the record of the native the adapter translated, when it is not the native itself
    #: (a row of a file, a document fetched by a poller)
    record: bytes | None = None
    #: where the native was read, or why it is not in the package
    note: str = ""


@dataclass(frozen=True, slots=True)
class _Entry:
    partition: int
    index: int
    value: bytes
    doc: Mapping[str, Any]


def case_entries(
    case_ids: Sequence[str], logs: Mapping[int, Sequence[bytes]]
) -> list[tuple[int, int, Mapping[str, Any]]]:
    """(partition, index, entry) of every custody entry of ``case_ids``, in log order."""
    wanted = set(case_ids)
    out: list[tuple[int, int, Mapping[str, Any]]] = []
    for part, values in sorted(logs.items()):
        for index, value in enumerate(values):
            doc = json.loads(value)
            if doc.get("case_id") in wanted:
                out.append((part, index, doc))
    return out


def _path(text: str) -> str:
    """A member name from an id: the characters a package may hold."""
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in text)[:200]


def build_package(
    case_ids: Sequence[str],
    logs: Mapping[int, Sequence[bytes]],
    heads: Mapping[int, Sequence[TreeHead]],
    events: Mapping[str, Original],
    keys: Sequence[Mapping[str, Any]],
    created_at: str,
) -> bytes:
    """The package (zip bytes) of ``case_ids``. ``logs``: each partition's custody entries
    in index order; ``heads``: its signed heads; ``events``: the canonical event of each
    entry's event id; ``keys``: the key registry's records (as JSON objects)."""
    selected = [_Entry(p, i, logs[p][i], doc) for p, i, doc in case_entries(case_ids, logs)]
    if not selected:
        raise EvidenceError(f"no custody entry names case {', '.join(case_ids)}")
    trees: dict[int, MerkleLog] = {}
    newest: dict[int, TreeHead] = {}
    # every log read is checked against its heads, not only those of the case: an entry
    # of the case removed from its log would otherwise go unseen
    for part in sorted({*logs, *heads}):
        tree = trees[part] = MerkleLog(leaf_hash(value) for value in logs.get(part, ()))
        known = sorted(heads.get(part, ()), key=lambda h: (h.size, h.at))
        roots = roots_at(tree.hashes or [], (h.size for h in known))
        for head in known:
            if head.size > len(tree):
                raise EvidenceError(
                    f"{log_name(part)}: a head of size {head.size}, but the log read has "
                    f"{len(tree)} entries"
                )
            if roots[head.size] != head.root:
                raise EvidenceError(
                    f"{log_name(part)}: the head of size {head.size} at {head.at} is not the "
                    "root of the log read from the broker"
                )
        if known:
            newest[part] = known[-1]

    files: dict[str, bytes] = {}
    used: dict[int, dict[int, TreeHead]] = {}
    items: list[dict[str, Any]] = []
    for entry in selected:
        covering = [h for h in heads.get(entry.partition, ()) if h.size > entry.index]
        if not covering:
            raise EvidenceError(
                f"{log_name(entry.partition)}: entry {entry.index} (event "
                f"{entry.doc.get('event_id')}) is not under a signed head yet"
            )
        head = min(covering, key=lambda h: (h.size, h.at))
        used.setdefault(entry.partition, {})[head.size] = head
        event_id = str(entry.doc.get("event_id"))
        original = events.get(event_id)
        if original is None:
            raise EvidenceError(f"the canonical event {event_id} was not found")
        base = f"events/{_path(event_id)}"
        entry_path = f"custody/{entry.partition}/{entry.index}.json"
        files[entry_path] = entry.value
        files[f"{base}/attributes.json"] = canonical_json(dict(original.attributes))
        files[f"{base}/data.json"] = original.data
        item: dict[str, Any] = {
            "id": event_id,
            "attributes": f"{base}/attributes.json",
            "data": f"{base}/data.json",
            "native": None,
            "native_note": original.note,
            "record": None,
            "entry": {"log": log_name(entry.partition), "index": entry.index, "path": entry_path},
            "head": head.size,
            "inclusion": [
                h.hex() for h in trees[entry.partition].inclusion_proof(entry.index, head.size)
            ],
        }
        if original.native is not None:
            files[f"{base}/native.bin"] = original.native
            item["native"] = f"{base}/native.bin"
            if original.record is not None:
                files[f"{base}/record.bin"] = original.record
                item["record"] = f"{base}/record.bin"
        items.append(item)

    log_docs: list[dict[str, Any]] = []
    for part, by_size in sorted(used.items()):
        last = newest[part]
        by_size[last.size] = last
        for size, head in by_size.items():
            files[f"heads/{part}/{size}.json"] = head.encode()
        log_docs.append(
            {
                "log": log_name(part),
                "heads": [{"path": f"heads/{part}/{s}.json"} for s in sorted(by_size)],
                "consistency": [
                    {
                        "from": size,
                        "to": last.size,
                        "proof": [h.hex() for h in trees[part].consistency_proof(size, last.size)],
                    }
                    for size in sorted(by_size)
                    if size < last.size
                ],
            }
        )
    needed = {str(o.attributes.get(KEYID_ATTRIBUTE, "")) for o in events.values()}
    needed |= {h.key_id for by_size in used.values() for h in by_size.values()}
    key_docs = [dict(k) for k in keys if k.get("key_id") in needed]
    manifest = {
        "format": FORMAT,
        "cases": list(case_ids),
        "created_at": created_at,
        "logs": log_docs,
        "events": items,
    }
    files[MANIFEST] = json.dumps(manifest, indent=2, sort_keys=True).encode()
    files[KEYS] = json.dumps({"keys": key_docs}, indent=2, sort_keys=True).encode()
    files[README] = _readme(case_ids, created_at, selected, events, key_docs, used).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return out.getvalue()


def _readme(
    case_ids: Sequence[str],
    created_at: str,
    selected: Sequence[_Entry],
    events: Mapping[str, Original],
    keys: Sequence[Mapping[str, Any]],
    used: Mapping[int, Mapping[int, TreeHead]],
) -> str:
    """The human-readable manifest: what the case is, who sent what and when, which desks
    got it, every signature and who holds its key."""
    holders = {str(k.get("key_id")): str(k.get("network")) for k in keys}
    lines = [
        "CCA integration hub: evidence package",
        "",
        f"Cases: {', '.join(case_ids)}",
        f"Exported: {created_at}",
        "",
        "To check it (no broker, no hub, only Python 3.11 and the `cryptography` package):",
        "    python -m contract.evidence THIS_FILE.zip",
        "with the hub's contract/ folder on the path (see docs/evidence.md). It prints",
        "every check and its result, and names the first broken link.",
        "",
        "Events, in the order the router logged them:",
    ]
    for entry in selected:
        doc = entry.doc
        attributes = events[str(doc.get("event_id"))].attributes
        network = network_of(attributes.get("source", ""))
        key_id = str(doc.get("key_id", ""))
        delivered = ", ".join(doc.get("desks") or []) or "no desk"
        lines += [
            "",
            f"- {doc.get('type')} from {network}, event {doc.get('event_id')}",
            f"  case {doc.get('case_id')}; subject {attributes.get('subject', '')!r}",
            f"  sent {attributes.get('time', '?')}; {doc.get('outcome')} by "
            f"{doc.get('router')} at {doc.get('routed_at')}",
            f"  delivered to: {delivered}",
        ]
        if doc.get("withheld"):
            lines.append(f"  withheld from: {', '.join(doc['withheld'])}")
        lines += [
            f"  signed with key {key_id}, held by {holders.get(key_id, 'an unknown holder')}",
            f"  native SHA-256 {doc.get('native_sha256') or '(as first logged)'}",
            f"  canonical SHA-256 {doc.get('canonical_sha256')}",
            f"  custody entry {entry.index} of {log_name(entry.partition)}",
        ]
        note = events[str(doc.get("event_id"))].note
        if note:
            lines.append(f"  native original: {note}")
    lines += ["", "Signed tree heads:"]
    for _part, by_size in sorted(used.items()):
        for size, head in sorted(by_size.items()):
            lines.append(
                f"- {head.log} size {size} at {head.at}, root {head.root.hex()}, signed with "
                f"key {head.key_id}, held by {holders.get(head.key_id, 'an unknown holder')}"
            )
    lines += ["", "Keys (validity as the hub's key registry records it):"]
    for key in keys:
        revoked = f", revoked {key['revoked_at']}" if key.get("revoked_at") else ""
        lines.append(
            f"- {key.get('key_id')} ({key.get('network')}): {key.get('not_before')} to "
            f"{key.get('not_after')}{revoked}"
        )
    return "\n".join(lines) + "\n"
