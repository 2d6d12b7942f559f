"""Merkle trees as RFC 9162 (Certificate Transparency 2.0, §2.1) defines them: the hash of a
log of entries, inclusion proofs (an entry is in the tree of a given size) and consistency
proofs (a tree is a prefix of a larger one).

* leaf hash ``SHA-256(0x00 || entry)``, node hash ``SHA-256(0x01 || left || right)``;
* the tree of ``n`` leaves splits at ``k``, the largest power of two smaller than ``n``:
  ``MTH(D[n]) = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n]))``; the empty tree hashes to
  ``SHA-256("")``.

One module for everything in the hub that must show a court that nothing was altered,
dropped or reordered (the custody log and its signed tree heads, batch signatures). It
depends on the standard library only, so an offline verifier can carry it as it is.
Proof verification follows the RFC's algorithms (§2.1.3.2, §2.1.4.2) step by step and
raises :class:`ProofError` with what did not hold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Final

HASH_SIZE: Final = 32
LEAF_PREFIX: Final = b"\x00"
NODE_PREFIX: Final = b"\x01"
EMPTY_ROOT: Final = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof that does not hold, and why."""


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def split(size: int) -> int:
    """The largest power of two smaller than ``size`` (``size`` > 1)."""
    return 1 << ((size - 1).bit_length() - 1)


def root(hashes: Sequence[bytes]) -> bytes:
    """The tree hash of the leaves whose leaf hashes are ``hashes``."""
    if not hashes:
        return EMPTY_ROOT
    if len(hashes) == 1:
        return hashes[0]
    k = split(len(hashes))
    return node_hash(root(hashes[:k]), root(hashes[k:]))


def inclusion_proof(index: int, hashes: Sequence[bytes]) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of ``hashes`` (RFC 9162 §2.1.3.1)."""
    if not 0 <= index < len(hashes):
        raise ProofError(f"leaf {index} is not in a tree of {len(hashes)}")
    if len(hashes) == 1:
        return []
    k = split(len(hashes))
    if index < k:
        return [*inclusion_proof(index, hashes[:k]), root(hashes[k:])]
    return [*inclusion_proof(index - k, hashes[k:]), root(hashes[:k])]


def consistency_proof(old_size: int, hashes: Sequence[bytes]) -> list[bytes]:
    """The proof that the tree of the first ``old_size`` leaves is a prefix of the tree of
    all of ``hashes`` (RFC 9162 §2.1.4.1); empty when the sizes are equal or 0."""
    if not 0 <= old_size <= len(hashes):
        raise ProofError(f"a tree of {old_size} is not a prefix of a tree of {len(hashes)}")
    if old_size in (0, len(hashes)):
        return []
    return _subproof(old_size, hashes, complete=True)


def _subproof(m: int, hashes: Sequence[bytes], *, complete: bool) -> list[bytes]:
    n = len(hashes)
    if m == n:
        return [] if complete else [root(hashes)]
    k = split(n)
    if m <= k:
        return [*_subproof(m, hashes[:k], complete=complete), root(hashes[k:])]
    return [*_subproof(m - k, hashes[k:], complete=False), root(hashes[:k])]


def _check_hashes(proof: Iterable[bytes], *more: bytes) -> None:
    for value in (*proof, *more):
        if len(value) != HASH_SIZE:
            raise ProofError(f"a hash of {len(value)} bytes, not {HASH_SIZE}")


def _to_set_bit(fn: int, sn: int) -> tuple[int, int]:
    """Right-shift both equally until the lowest bit of ``fn`` is set or ``fn`` is 0 (the
    step both RFC 9162 verifications take after hashing in a left sibling)."""
    while not (fn & 1 or fn == 0):
        fn >>= 1
        sn >>= 1
    return fn, sn


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes
) -> None:
    """That the leaf with hash ``leaf`` is at ``index`` in the tree of ``size`` whose hash
    is ``expected_root``; raises :class:`ProofError` otherwise (RFC 9162 §2.1.3.2)."""
    _check_hashes(proof, leaf, expected_root)
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("the inclusion proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            fn, sn = _to_set_bit(fn, sn)
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the inclusion proof is shorter than the tree is deep")
    if r != expected_root:
        raise ProofError("the inclusion proof leads to another root")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """That the tree of ``old_size`` with hash ``old_root`` is a prefix of the tree of
    ``new_size`` with hash ``new_root``; raises :class:`ProofError` otherwise (RFC 9162
    §2.1.4.2)."""
    _check_hashes(proof, old_root, new_root)
    if not 0 <= old_size <= new_size:
        raise ProofError(f"a tree of {old_size} cannot be a prefix of a tree of {new_size}")
    if old_size == new_size:
        if proof:
            raise ProofError("trees of the same size need an empty consistency proof")
        if old_root != new_root:
            raise ProofError("two trees of the same size with different roots")
        return
    if old_size == 0:
        if proof:
            raise ProofError("the empty tree needs an empty consistency proof")
        return
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # an exact power of two: its root starts the path
        path.insert(0, old_root)
    if not path:
        raise ProofError("an empty consistency proof between different sizes")
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            fn, sn = _to_set_bit(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the consistency proof is shorter than the tree is deep")
    if fr != old_root:
        raise ProofError("the consistency proof does not lead to the older root")
    if sr != new_root:
        raise ProofError("the consistency proof does not lead to the newer root")


class MerkleLog:
    """An append-only log's tree hash, kept current in O(log n) per append: the roots of
    the perfect subtrees the leaves make, from the left, largest first (the RFC's tree
    shape folds them from the right). With ``keep_hashes`` it also keeps every leaf hash,
    for proofs; without, it holds O(log n) hashes whatever its size."""

    __slots__ = ("_frontier", "_size", "hashes")

    def __init__(self, hashes: Iterable[bytes] = (), *, keep_hashes: bool = True) -> None:
        self.hashes: list[bytes] | None = [] if keep_hashes else None
        self._frontier: list[tuple[int, bytes]] = []  # (leaves, hash) per perfect subtree
        self._size = 0
        for value in hashes:
            self.append_hash(value)

    def __len__(self) -> int:
        return self._size

    def copy(self) -> MerkleLog:
        other = MerkleLog(keep_hashes=self.hashes is not None)
        other._frontier = list(self._frontier)
        other._size = self._size
        if self.hashes is not None:
            other.hashes = list(self.hashes)
        return other

    def append(self, entry: bytes) -> int:
        """Add an entry; its index."""
        return self.append_hash(leaf_hash(entry))

    def append_hash(self, value: bytes) -> int:
        if self.hashes is not None:
            self.hashes.append(value)
        self._size += 1
        self._frontier.append((1, value))
        while len(self._frontier) > 1 and self._frontier[-1][0] == self._frontier[-2][0]:
            (size, right), (_, left) = self._frontier.pop(), self._frontier.pop()
            self._frontier.append((size * 2, node_hash(left, right)))
        return self._size - 1

    def root(self) -> bytes:
        if not self._frontier:
            return EMPTY_ROOT
        value = self._frontier[-1][1]
        for _, left in reversed(self._frontier[:-1]):
            value = node_hash(left, value)
        return value

    def _kept(self, size: int | None) -> list[bytes]:
        if self.hashes is None:
            raise ProofError("this log keeps no leaf hashes: it cannot make proofs")
        return self.hashes[: self._size if size is None else size]

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Leaf ``index``'s audit path in the tree of the first ``size`` leaves (all)."""
        return inclusion_proof(index, self._kept(size))

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        return consistency_proof(old_size, self._kept(new_size))


def roots_at(hashes: Sequence[bytes], sizes: Iterable[int]) -> dict[int, bytes]:
    """The tree hash of the first ``size`` leaves, for each of ``sizes`` up to
    ``len(hashes)``, in one pass over the leaves (O(n + k log n), not O(n·k))."""
    walk = MerkleLog(keep_hashes=False)
    out: dict[int, bytes] = {}
    for size in sorted(set(sizes)):
        if size > len(hashes):
            break
        while len(walk) < size:
            walk.append_hash(hashes[len(walk)])
        out[size] = walk.root()
    return out
