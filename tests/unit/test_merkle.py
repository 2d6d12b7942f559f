"""RFC 9162 Merkle trees: the published Certificate Transparency test vectors, the RFC's
definitions as a reference for larger trees, and proofs that must fail when anything in
them changes.

The vectors (leaf inputs, root hashes of the trees of sizes 1–8, inclusion and consistency
proofs) are those of RFC 6962's reference test suite as published by the transparency-dev
project: github.com/transparency-dev/merkle, ``testonly/constants.go`` (``LeafInputs``,
``RootHashes``, ``NodeHashes``) and ``proof/verify_test.go`` (``inclusionProofs``,
``consistencyProofs``; leaf numbers there are 1-based). RFC 9162 keeps RFC 6962's hashing.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract.merkle import (
    EMPTY_ROOT,
    MerkleLog,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    roots_at,
    verify_consistency,
    verify_inclusion,
)

LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = {
    0: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}
LEAF_HASHES = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
    "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
]
#: (leaf index, tree size) -> audit path
INCLUSION = {
    (0, 8): [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    (5, 8): [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
    (2, 3): ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    (1, 5): [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
    (0, 1): [],
}
#: (old size, new size) -> consistency proof
CONSISTENCY = {
    (1, 1): [],
    (1, 8): [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    (6, 8): [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
    (2, 5): [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
    (6, 7): [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
}
HASHED = [leaf_hash(x) for x in LEAVES]


def hexes(values: list[bytes]) -> list[str]:
    return [v.hex() for v in values]


def reference_root(entries: list[bytes]) -> bytes:
    """MTH exactly as RFC 9162 §2.1.1 writes it, over the entries themselves."""
    n = len(entries)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + entries[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(
        b"\x01" + reference_root(entries[:k]) + reference_root(entries[k:])
    ).digest()


def test_leaf_hashes_and_roots_of_trees_of_sizes_0_to_8_match_the_vectors() -> None:
    assert hexes(HASHED) == LEAF_HASHES
    assert EMPTY_ROOT.hex() == ROOTS[0]
    for size, expected in ROOTS.items():
        assert root(HASHED[:size]).hex() == expected, size
        assert MerkleLog(HASHED[:size]).root().hex() == expected, size


def test_inclusion_proofs_match_the_vectors_and_verify() -> None:
    for (index, size), expected in INCLUSION.items():
        proof = inclusion_proof(index, HASHED[:size])
        assert hexes(proof) == expected, (index, size)
        verify_inclusion(index, size, HASHED[index], proof, bytes.fromhex(ROOTS[size]))


def test_consistency_proofs_match_the_vectors_and_verify() -> None:
    for (old, new), expected in CONSISTENCY.items():
        proof = consistency_proof(old, HASHED[:new])
        assert hexes(proof) == expected, (old, new)
        verify_consistency(old, new, bytes.fromhex(ROOTS[old]), bytes.fromhex(ROOTS[new]), proof)


def _flip(value: bytes) -> bytes:
    return bytes([value[0] ^ 8]) + value[1:]


@pytest.mark.parametrize(("index", "size"), [k for k, v in INCLUSION.items() if v])
def test_an_inclusion_proof_fails_when_anything_in_it_changes(index: int, size: int) -> None:
    proof = [bytes.fromhex(h) for h in INCLUSION[(index, size)]]
    good_root, leaf = bytes.fromhex(ROOTS[size]), HASHED[index]
    other = hashlib.sha256(b"another").digest()
    probes = [
        (index - 1, size, leaf, proof, good_root),
        (index + 1, size, leaf, proof, good_root),
        (index ^ 2, size, leaf, proof, good_root),
        (index, size * 2, leaf, proof, good_root),
        (index, size // 2, leaf, proof, good_root),
        (index, size, other, proof, good_root),
        (index, size, leaf, proof, EMPTY_ROOT),
        (index, size, leaf, [*proof, good_root], good_root),
        (index, size, leaf, [good_root, *proof], good_root),
        (index, size, leaf, proof[:-1], good_root),
        (index, size, leaf, [proof[0], other, *proof[1:]], good_root),
        (index, size, leaf, [*proof, b""], good_root),
        *((index, size, leaf, [*proof[:i], _flip(p), *proof[i + 1 :]], good_root)
          for i, p in enumerate(proof)),
    ]  # fmt: skip
    for probe in probes:
        with pytest.raises(ProofError):
            verify_inclusion(*probe)


@pytest.mark.parametrize(("old", "new"), [k for k, v in CONSISTENCY.items() if v])
def test_a_consistency_proof_fails_when_anything_in_it_changes(old: int, new: int) -> None:
    proof = [bytes.fromhex(h) for h in CONSISTENCY[(old, new)]]
    r1, r2 = bytes.fromhex(ROOTS[old]), bytes.fromhex(ROOTS[new])
    other = hashlib.sha256(b"another").digest()
    probes = [
        (old - 1, new, r1, r2, proof),
        (old + 1, new, r1, r2, proof),
        (old ^ 2, new, r1, r2, proof),
        (old, new * 2, r1, r2, proof),
        (old, new // 2, r1, r2, proof),
        (old, new, other, r2, proof),
        (old, new, r1, other, proof),
        (old, new, r2, r1, proof),
        (old, new, r1, r2, []),
        (old, new, r1, r2, [*proof, r1]),
        (old, new, r1, r2, [*proof, r2]),
        (old, new, r1, r2, [r1, *proof]),
        (old, new, r1, r2, [proof[0], *proof]),
        (old, new, r1, r2, proof[:-1]),
        *((old, new, r1, r2, [*proof[:i], _flip(p), *proof[i + 1 :]])
          for i, p in enumerate(proof)),
    ]  # fmt: skip
    for probe in probes:
        with pytest.raises(ProofError):
            verify_consistency(*probe)


def test_trivial_consistency_holds_and_time_travel_does_not() -> None:
    verify_consistency(0, 5, EMPTY_ROOT, bytes.fromhex(ROOTS[5]), [])
    verify_consistency(3, 3, bytes.fromhex(ROOTS[3]), bytes.fromhex(ROOTS[3]), [])
    with pytest.raises(ProofError):
        verify_consistency(3, 3, bytes.fromhex(ROOTS[3]), bytes.fromhex(ROOTS[4]), [])
    with pytest.raises(ProofError):
        verify_consistency(5, 3, bytes.fromhex(ROOTS[5]), bytes.fromhex(ROOTS[3]), [])
    with pytest.raises(ProofError):
        verify_consistency(0, 1, EMPTY_ROOT, bytes.fromhex(ROOTS[1]), [EMPTY_ROOT])


def test_a_larger_tree_agrees_with_the_rfcs_definition_at_every_size() -> None:
    entries = [f"custody entry {i}".encode() for i in range(1100)]
    log = MerkleLog()
    for size, entry in enumerate(entries, start=1):
        log.append(entry)
        if size in (9, 15, 16, 17, 31, 33, 100, 127, 128, 129, 511, 1000, 1024, 1025, 1100):
            assert log.root() == reference_root(entries[:size]), size
    assert log.hashes is not None
    assert root(log.hashes) == reference_root(entries)


@settings(max_examples=300, deadline=None)
@given(size=st.integers(1, 160), data=st.data())
def test_every_proof_of_a_random_tree_verifies_and_names_its_own_leaf_only(
    size: int, data: st.DataObject
) -> None:
    entries = [f"e{i}".encode() for i in range(size)]
    log = MerkleLog(leaf_hash(e) for e in entries)
    assert log.hashes is not None
    index = data.draw(st.integers(0, size - 1))
    old = data.draw(st.integers(0, size))
    head = log.root()
    verify_inclusion(index, size, log.hashes[index], log.inclusion_proof(index), head)
    if size > 1:
        wrong = (index + 1) % size
        with pytest.raises(ProofError):
            verify_inclusion(wrong, size, log.hashes[index], log.inclusion_proof(index), head)
    old_root = MerkleLog(log.hashes[:old], keep_hashes=False).root()
    verify_consistency(old, size, old_root, head, log.consistency_proof(old))


def test_node_hash_is_ordered_and_domain_separated_from_leaves() -> None:
    a, b = leaf_hash(b"a"), leaf_hash(b"b")
    assert node_hash(a, b) != node_hash(b, a)
    assert node_hash(a, b) != leaf_hash(a + b)


def test_roots_at_several_sizes_are_the_tree_hashes_of_those_prefixes() -> None:
    hashes = [leaf_hash(bytes([n])) for n in range(37)]
    sizes = [0, 1, 5, 5, 8, 21, 37, 40]
    found = roots_at(hashes, sizes)
    assert found == {s: root(hashes[:s]) for s in sizes if s <= len(hashes)}
