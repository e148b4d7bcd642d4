"""The audit log's Merkle tree against RFC 6962/9162's published known answers.

Known answers first: the RFC 6962 reference tree of eight leaves, whose roots, node hashes and
proofs Certificate Transparency's implementations have all been tested against, and
transparency-dev/merkle's verifier probes (tests/data/merkle/README.md says where each came
from). Then the same definitions, transcribed recursively from the RFC, for every small tree,
and property tests for random ones.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.audit._merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    CompactRange,
    canonical_json,
    consistency_proof,
    event_leaf_hash,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

h = bytes.fromhex

# --- The RFC 6962 reference tree -------------------------------------------------------------
#
# Leaves, roots and proofs: google/certificate-transparency, cpp/merkletree/merkle_tree_test.cc
# (kInputs, kSHA256EmptyTreeHash, kSHA256Roots, kSHA256Paths, kSHA256Proofs) at commit
# 0fe5116f42890853e9fcf5120f1f5129d64f64ea (the file last changed in 335536d7), Apache-2.0.
# The same values, plus the node hashes, the compact ranges and the consistency proof 6 -> 7:
# transparency-dev/merkle, testonly/constants.go (LeafInputs, NodeHashes, RootHashes,
# CompactTrees) and cmd/proofgen/main.go (inclusionProofs, consistencyProofs) at commit
# 417fb0c314750d94e53942e9f92e79b6d35915db, Apache-2.0. Both number leaves from 1 in their
# proof tables; they are numbered from 0 here, as RFC 9162 does.

LEAF_INPUTS = [
    h(""),
    h("00"),
    h("10"),
    h("2021"),
    h("3031"),
    h("40414243"),
    h("5051525354555657"),
    h("606162636465666768696a6b6c6d6e6f"),
]

EMPTY_TREE_HASH = h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")

# ROOTS[n] is the root of the tree of the first n leaves.
ROOTS = [
    EMPTY_TREE_HASH,
    h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    h("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    h("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    h("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    h("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
]

# NODE_HASHES[level][i]: the root of the perfect subtree over leaves [i * 2^level, (i+1) * 2^level).
NODE_HASHES = [
    [
        h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
        h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
        h("0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"),
        h("07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7"),
        h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        h("4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658"),
        h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
        h("46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"),
    ],
    [
        h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
        h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
        h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
    ],
    [
        h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
    ],
    [
        h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
    ],
]

_N = NODE_HASHES
# The compact range (perfect subtrees' roots, largest first) for each size 0..8.
COMPACT_TREES: list[list[bytes]] = [
    [],
    [_N[0][0]],
    [_N[1][0]],
    [_N[1][0], _N[0][2]],
    [_N[2][0]],
    [_N[2][0], _N[0][4]],
    [_N[2][0], _N[1][2]],
    [_N[2][0], _N[1][2], _N[0][6]],
    [_N[3][0]],
]

# (leaf index, tree size, inclusion proof). The C++ table's (leaf 0, snapshot 0) row, an
# empty proof for no leaf at all, is an error here and is tested with the errors.
INCLUSION_VECTORS: list[tuple[int, int, list[bytes]]] = [
    (0, 1, []),
    (
        0,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        5,
        8,
        [
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        3,
        [h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")],
    ),
    (
        1,
        5,
        [
            h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
]

# (old size, new size, consistency proof).
CONSISTENCY_VECTORS: list[tuple[int, int, list[bytes]]] = [
    (1, 1, []),
    (
        1,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        5,
        [
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
    (
        6,
        7,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
]

LEAVES = [leaf_hash(data) for data in LEAF_INPUTS]


# --- Hashes and roots ------------------------------------------------------------------------


def test_the_empty_tree_hashes_as_sha256_of_nothing() -> None:
    assert EMPTY_ROOT == EMPTY_TREE_HASH == ROOTS[0]
    assert root([]) == EMPTY_ROOT
    assert HASH_SIZE == 32


def test_leaf_hashes_are_the_published_level_0_nodes() -> None:
    assert NODE_HASHES[0] == LEAVES
    assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest()


def test_node_hash_prefixes_one_and_concatenates() -> None:
    assert node_hash(LEAVES[0], LEAVES[1]) == NODE_HASHES[1][0]
    assert node_hash(b"l", b"r") == hashlib.sha256(b"\x01lr").digest()


@pytest.mark.parametrize("size", range(9))
def test_root_of_each_prefix_of_the_reference_tree(size: int) -> None:
    assert root(LEAVES[:size]) == ROOTS[size]


@pytest.mark.parametrize(
    ("level", "index"), [(lv, i) for lv, row in enumerate(NODE_HASHES) for i in range(len(row))]
)
def test_every_perfect_subtree_has_the_published_hash(level: int, index: int) -> None:
    width = 1 << level
    assert root(LEAVES[index * width : (index + 1) * width]) == NODE_HASHES[level][index]


def test_a_leaf_hash_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="leaf hash 2 is 3 bytes, not 32"):
        root([*LEAVES[:2], b"raw", LEAVES[3]])


# --- Inclusion proofs against the known answers ------------------------------------------------


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_VECTORS)
def test_inclusion_proofs_match_the_published_ones(
    index: int, size: int, proof: list[bytes]
) -> None:
    assert inclusion_proof(index, LEAVES[:size]) == proof
    assert verify_inclusion(LEAVES[index], index, size, proof, ROOTS[size])


@pytest.mark.parametrize(("index", "size"), [(i, n) for n in range(1, 9) for i in range(n)])
def test_every_inclusion_proof_in_the_reference_tree_verifies_against_its_root(
    index: int, size: int
) -> None:
    proof = inclusion_proof(index, LEAVES[:size])
    assert verify_inclusion(LEAVES[index], index, size, proof, ROOTS[size])
    assert proof == reference_path(index, LEAVES[:size])


def inclusion_forgeries(
    leaf: bytes, index: int, size: int, proof: list[bytes], tree_root: bytes
) -> list[tuple[str, bytes, int, int, list[bytes], bytes]]:
    """Every way of altering a good inclusion proof that a verifier must notice."""
    forged: list[tuple[str, bytes, int, int, list[bytes], bytes]] = []
    for wrong in {index - 1, index + 1, index ^ 2, size, -1} - {index}:
        forged.append((f"index {wrong}", leaf, wrong, size, proof, tree_root))
    # The tree size is vouched for by the checkpoint that signs it with its root, not by the
    # proof, so a proof is checked against each other size with that size's own root...
    for wrong in set(range(index + 1, len(ROOTS))) - {size}:
        forged.append((f"size {wrong}", leaf, index, wrong, proof, ROOTS[wrong]))
    # ... and, as the Go probes do, against double and half the size with this root.
    for wrong in {size * 2, size // 2} - {size}:
        forged.append((f"size {wrong}, same root", leaf, index, wrong, proof, tree_root))
    forged.append(("leaf", leaf_hash(b"WrongLeaf"), index, size, proof, tree_root))
    forged.append(("raw leaf", leaf[:31], index, size, proof, tree_root))
    forged.append(("empty root", leaf, index, size, proof, EMPTY_ROOT))
    for j in range(len(proof)):
        changed = list(proof)
        changed[j] = EMPTY_ROOT
        forged.append((f"element {j} replaced", leaf, index, size, changed, tree_root))
        for bit in (0, 7, 255):
            flipped = list(proof)
            flipped[j] = flip(proof[j], bit)
            forged.append((f"element {j} bit {bit}", leaf, index, size, flipped, tree_root))
    forged.append(("extended", leaf, index, size, [*proof, EMPTY_ROOT], tree_root))
    forged.append(("empty appended", leaf, index, size, [*proof, b""], tree_root))
    forged.append(("root appended", leaf, index, size, [*proof, tree_root], tree_root))
    forged.append(("prepended", leaf, index, size, [EMPTY_ROOT, *proof], tree_root))
    if proof:
        forged.append(("truncated", leaf, index, size, proof[:-1], tree_root))
        forged.append(("first dropped", leaf, index, size, proof[1:], tree_root))
    if proof[::-1] != proof:
        forged.append(("reversed", leaf, index, size, proof[::-1], tree_root))
    forged.append(("flipped root", leaf, index, size, proof, flip(tree_root, 3)))
    forged.append(("flipped leaf", flip(leaf, 200), index, size, proof, tree_root))
    return forged


@pytest.mark.parametrize(("index", "size"), [(i, n) for n in range(1, 9) for i in range(n)])
def test_altered_inclusion_proofs_are_rejected(index: int, size: int) -> None:
    proof = inclusion_proof(index, LEAVES[:size])
    for what, leaf, at, of, path, top in inclusion_forgeries(
        LEAVES[index], index, size, proof, ROOTS[size]
    ):
        assert not verify_inclusion(leaf, at, of, path, top), what


def test_swapped_leaves_are_rejected() -> None:
    swapped = list(LEAVES)
    swapped[2], swapped[5] = swapped[5], swapped[2]
    assert root(swapped) != ROOTS[8]
    for index in (2, 5):
        proof = inclusion_proof(index, swapped)
        assert verify_inclusion(swapped[index], index, 8, proof, root(swapped))
        assert not verify_inclusion(swapped[index], index, 8, proof, ROOTS[8])
        honest = inclusion_proof(index, LEAVES)
        assert not verify_inclusion(swapped[index], index, 8, honest, ROOTS[8])


# --- Consistency proofs against the known answers ----------------------------------------------


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY_VECTORS)
def test_consistency_proofs_match_the_published_ones(
    old: int, new: int, proof: list[bytes]
) -> None:
    assert consistency_proof(old, LEAVES[:new]) == proof
    assert verify_consistency(old, new, ROOTS[old], ROOTS[new], proof)


SIZE_PAIRS = [(m, n) for n in range(1, 9) for m in range(1, n + 1)]


@pytest.mark.parametrize(("old", "new"), SIZE_PAIRS)
def test_every_consistency_proof_in_the_reference_tree_verifies(old: int, new: int) -> None:
    proof = consistency_proof(old, LEAVES[:new])
    assert verify_consistency(old, new, ROOTS[old], ROOTS[new], proof)
    assert proof == reference_consistency(old, LEAVES[:new])


def consistency_forgeries(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes]
) -> list[tuple[str, int, int, bytes, bytes, list[bytes]]]:
    """Every way of altering a good consistency proof that a verifier must notice."""
    forged: list[tuple[str, int, int, bytes, bytes, list[bytes]]] = []
    for wrong in {old - 1, old + 1, old * 2, old // 2, 0} - {old}:
        forged.append((f"old size {wrong}", wrong, new, old_root, new_root, proof))
    # Other pairs of sizes, each with its own roots, as two signed checkpoints would give them.
    # Between equal sizes an empty proof is right whatever the size, so those pairs are left out.
    for m, n in SIZE_PAIRS:
        if (m, n) != (old, new) and (proof or m != n):
            forged.append((f"sizes {m} -> {n}", m, n, ROOTS[m], ROOTS[n], proof))
    for wrong in {new * 2, new // 2} - {new}:
        forged.append((f"new size {wrong}, same root", old, wrong, old_root, new_root, proof))
    forged.append(("old root", old, new, EMPTY_ROOT, new_root, proof))
    forged.append(("new root", old, new, old_root, EMPTY_ROOT, proof))
    forged.append(("flipped old root", old, new, flip(old_root, 9), new_root, proof))
    forged.append(("flipped new root", old, new, old_root, flip(new_root, 9), proof))
    if old != new:
        forged.append(("roots swapped", new, old, new_root, old_root, proof))
    for j in range(len(proof)):
        changed = list(proof)
        changed[j] = EMPTY_ROOT
        forged.append((f"element {j} replaced", old, new, old_root, new_root, changed))
        for bit in (0, 7, 255):
            flipped = list(proof)
            flipped[j] = flip(proof[j], bit)
            forged.append((f"element {j} bit {bit}", old, new, old_root, new_root, flipped))
    forged.append(("extended", old, new, old_root, new_root, [*proof, EMPTY_ROOT]))
    forged.append(("prepended", old, new, old_root, new_root, [EMPTY_ROOT, *proof]))
    if proof:
        forged.append(("truncated", old, new, old_root, new_root, proof[:-1]))
        forged.append(("first dropped", old, new, old_root, new_root, proof[1:]))
        forged.append(("emptied", old, new, old_root, new_root, []))
    return forged


@pytest.mark.parametrize(("old", "new"), SIZE_PAIRS)
def test_altered_consistency_proofs_are_rejected(old: int, new: int) -> None:
    proof = consistency_proof(old, LEAVES[:new])
    for what, m, n, first, second, path in consistency_forgeries(
        old, new, ROOTS[old], ROOTS[new], proof
    ):
        assert not verify_consistency(m, n, first, second, path), what


def test_a_log_rewritten_after_a_checkpoint_fails_consistency() -> None:
    rewritten = list(LEAVES)
    rewritten[1] = leaf_hash(b"rewritten")
    proof = consistency_proof(3, rewritten)
    assert not verify_consistency(3, 8, ROOTS[3], root(rewritten), proof)


# --- transparency-dev/merkle's verifier probes -------------------------------------------------

PROBES = Path(__file__).parent / "data" / "merkle" / "transparency-dev"

# Where this verifier is deliberately stricter than the Go one: every root must be 32 bytes,
# even between equal sizes, where Go only compares the two roots it is given.
STRICTER = {"consistency/additional/sizes-are-equal-one-and-proof-is-empty.json"}


def probe_files(kind: str) -> list[str]:
    return sorted(str(p.relative_to(PROBES)) for p in (PROBES / kind).rglob("*.json"))


def b64(text: str | None) -> bytes:
    return base64.b64decode(text or "")


def read_probe(name: str) -> dict[str, Any]:
    probe: dict[str, Any] = json.loads((PROBES / name).read_text(encoding="utf-8"))
    return probe


def test_the_probes_are_all_there() -> None:
    assert len(probe_files("inclusion")) == 98
    assert len(probe_files("consistency")) == 98


@pytest.mark.parametrize("name", probe_files("inclusion"))
def test_inclusion_probes(name: str) -> None:
    p = read_probe(name)
    proof = [b64(x) for x in p["proof"] or []]
    accepted = verify_inclusion(
        b64(p["leafHash"]), p["leafIdx"], p["treeSize"], proof, b64(p["root"])
    )
    assert accepted is (not p["wantErr"]), p["desc"]


@pytest.mark.parametrize("name", probe_files("consistency"))
def test_consistency_probes(name: str) -> None:
    p = read_probe(name)
    proof = [b64(x) for x in p["proof"] or []]
    accepted = verify_consistency(p["size1"], p["size2"], b64(p["root1"]), b64(p["root2"]), proof)
    expected = not p["wantErr"] and name not in STRICTER
    assert accepted is expected, p["desc"]


def test_the_stricter_probe_is_accepted_with_real_roots() -> None:
    p = read_probe(next(iter(STRICTER)))
    assert len(b64(p["root1"])) != HASH_SIZE and p["proof"] == [] and p["size1"] == p["size2"]
    assert verify_consistency(1, 1, ROOTS[1], ROOTS[1], [])


# --- The recursive definitions, for every small tree -----------------------------------------
#
# Transcribed from RFC 9162 §2.1.1 (MTH), §2.1.3.1 (PATH) and §2.1.4.1 (PROOF, SUBPROOF), over
# leaf hashes, with k found by doubling (as the C++ reference does) rather than by bit tricks.


def largest_power_of_two_below(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def reference_root(hashes: Sequence[bytes]) -> bytes:
    n = len(hashes)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashes[0]
    k = largest_power_of_two_below(n)
    return hashlib.sha256(
        b"\x01" + reference_root(hashes[:k]) + reference_root(hashes[k:])
    ).digest()


def reference_path(m: int, hashes: Sequence[bytes]) -> list[bytes]:
    n = len(hashes)
    if n == 1:
        return []
    k = largest_power_of_two_below(n)
    if m < k:
        return [*reference_path(m, hashes[:k]), reference_root(hashes[k:])]
    return [*reference_path(m - k, hashes[k:]), reference_root(hashes[:k])]


def reference_consistency(m: int, hashes: Sequence[bytes]) -> list[bytes]:
    return reference_subproof(m, hashes, True)


def reference_subproof(m: int, hashes: Sequence[bytes], b: bool) -> list[bytes]:
    n = len(hashes)
    if m == n:
        return [] if b else [reference_root(hashes)]
    k = largest_power_of_two_below(n)
    if m <= k:
        return [*reference_subproof(m, hashes[:k], b), reference_root(hashes[k:])]
    return [*reference_subproof(m - k, hashes[k:], False), reference_root(hashes[:k])]


def numbered_leaves(count: int) -> list[bytes]:
    return [leaf_hash(i.to_bytes(4, "big")) for i in range(count)]


def test_root_equals_the_recursive_definition_for_sizes_0_to_300() -> None:
    leaves = numbered_leaves(300)
    for size in range(301):
        assert root(leaves[:size]) == reference_root(leaves[:size]), size


@pytest.mark.parametrize("size", [1023, 1024, 1025, 4097, 65535, 65536, 65537])
def test_root_equals_the_recursive_definition_for_larger_sizes(size: int) -> None:
    leaves = numbered_leaves(size)
    assert root(leaves) == reference_root(leaves)


def test_proofs_equal_the_recursive_definitions_for_sizes_up_to_40() -> None:
    leaves = numbered_leaves(40)
    for size in range(1, 41):
        tree = leaves[:size]
        top = root(tree)
        for index in range(size):
            proof = inclusion_proof(index, tree)
            assert proof == reference_path(index, tree), (index, size)
            assert verify_inclusion(tree[index], index, size, proof, top)
        for old in range(1, size + 1):
            proof = consistency_proof(old, tree)
            assert proof == reference_consistency(old, tree), (old, size)
            assert verify_consistency(old, size, root(leaves[:old]), top, proof)


def test_proofs_in_a_large_tree() -> None:
    leaves = numbered_leaves(33_001)
    top = root(leaves)
    for index in (0, 1, 16_383, 32_767, 32_768, 33_000):
        proof = inclusion_proof(index, leaves)
        assert verify_inclusion(leaves[index], index, len(leaves), proof, top)
    for old in (1, 2, 3, 32_768, 32_769, 33_000):
        proof = consistency_proof(old, leaves)
        assert verify_consistency(old, len(leaves), root(leaves[:old]), top, proof)


# --- The compact range -----------------------------------------------------------------------


def test_the_compact_range_holds_the_published_compact_trees() -> None:
    compact = CompactRange()
    assert compact.size == 0 and compact.frontier == () and compact.root() == EMPTY_ROOT
    for size in range(1, 9):
        assert compact.append(LEAVES[size - 1]) == size - 1
        assert compact.size == size
        assert list(compact.frontier) == COMPACT_TREES[size]
        assert compact.root() == ROOTS[size]


def test_the_compact_range_root_equals_root_for_sizes_0_to_300() -> None:
    leaves = numbered_leaves(300)
    compact = CompactRange()
    assert compact.root() == root([])
    for size in range(1, 301):
        compact.append(leaves[size - 1])
        assert compact.root() == root(leaves[:size]), size
        assert len(compact.frontier) == size.bit_count()


@pytest.mark.parametrize("size", [4095, 4096, 4097, 65535, 65536, 65537, 100_003])
def test_the_compact_range_root_equals_root_for_larger_sizes(size: int) -> None:
    leaves = numbered_leaves(size)
    compact = CompactRange()
    compact.extend(leaves)
    assert compact.size == size
    assert compact.root() == root(leaves)


def test_a_compact_range_resumes_from_its_saved_frontier() -> None:
    leaves = numbered_leaves(1000)
    first = CompactRange()
    first.extend(leaves[:613])
    resumed = CompactRange.from_frontier(first.size, first.frontier)
    assert resumed.root() == first.root() == root(leaves[:613])
    resumed.extend(leaves[613:])
    assert resumed.size == 1000
    assert resumed.root() == root(leaves)


def test_a_resumed_empty_compact_range_is_empty() -> None:
    assert CompactRange.from_frontier(0, []).root() == EMPTY_ROOT


@pytest.mark.parametrize(
    ("size", "frontier", "message"),
    [
        (-1, [], "a tree size cannot be negative, not -1"),
        (3, [LEAVES[0]], "a tree of 3 leaves has 2 frontier hashes, not 1"),
        (4, [LEAVES[0], LEAVES[1]], "a tree of 4 leaves has 1 frontier hashes, not 2"),
        (0, [LEAVES[0]], "a tree of 0 leaves has 0 frontier hashes, not 1"),
        (2, [b"short"], "frontier hash 0 is 5 bytes, not 32"),
    ],
)
def test_a_frontier_that_does_not_fit_its_size_is_refused(
    size: int, frontier: list[bytes], message: str
) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        CompactRange.from_frontier(size, frontier)


def test_the_compact_range_refuses_a_raw_leaf_and_stays_as_it_was() -> None:
    compact = CompactRange()
    compact.append(LEAVES[0])
    with pytest.raises(ValueError, match=r"^a leaf hash is 32 bytes, not 2$"):
        compact.append(b"00")
    assert compact.size == 1 and compact.root() == ROOTS[1]


def test_the_compact_range_repr_shows_size_and_root() -> None:
    compact = CompactRange()
    compact.extend(LEAVES[:2])
    assert repr(compact) == f"CompactRange(size=2, root={ROOTS[2].hex()})"


# --- Invalid arguments -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: inclusion_proof(0, []), "leaf index 0 is outside a tree of 0 leaves"),
        (lambda: inclusion_proof(8, LEAVES), "leaf index 8 is outside a tree of 8 leaves"),
        (lambda: inclusion_proof(-1, LEAVES), "leaf index -1 is outside a tree of 8 leaves"),
        (
            lambda: inclusion_proof(0, [b"x"]),
            "leaf hash 0 is 1 bytes, not 32",
        ),
        (
            lambda: consistency_proof(0, LEAVES),
            "a consistency proof needs an old size of at least 1, not 0: "
            "every tree extends the empty tree",
        ),
        (
            lambda: consistency_proof(9, LEAVES),
            "the old size 9 is larger than the tree's 8 leaves",
        ),
        (
            lambda: consistency_proof(1, [LEAVES[0], b""]),
            "leaf hash 1 is 0 bytes, not 32",
        ),
    ],
)
def test_invalid_arguments_raise_a_plain_value_error(
    call: Callable[[], object], message: str
) -> None:
    with pytest.raises(ValueError) as raised:
        call()
    assert str(raised.value) == message


def test_verifiers_reject_rather_than_raise_on_nonsense() -> None:
    assert not verify_inclusion(LEAVES[0], 0, 0, [], EMPTY_ROOT)
    assert not verify_inclusion(LEAVES[0], -1, 1, [], ROOTS[1])
    assert not verify_inclusion(LEAVES[0], 1, 1, [], ROOTS[1])
    assert not verify_inclusion(LEAVES[0], 0, -5, [], ROOTS[1])
    assert not verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert not verify_consistency(0, 3, EMPTY_ROOT, ROOTS[3], [])
    assert not verify_consistency(4, 3, ROOTS[4], ROOTS[3], [])
    assert not verify_consistency(-1, 3, ROOTS[1], ROOTS[3], [])
    assert not verify_consistency(3, 4, ROOTS[3], ROOTS[4], [b"short"])
    # A proof far too long stops after at most one step per level: no work an attacker chooses.
    assert not verify_inclusion(LEAVES[0], 0, 8, [EMPTY_ROOT] * 100_000, ROOTS[8])


def test_a_single_leaf_tree_needs_no_proof() -> None:
    assert inclusion_proof(0, LEAVES[:1]) == []
    assert verify_inclusion(LEAVES[0], 0, 1, [], ROOTS[1])
    assert verify_consistency(1, 1, ROOTS[1], ROOTS[1], [])
    assert not verify_consistency(1, 1, ROOTS[1], ROOTS[2], [])


# --- Canonical JSON and event leaves ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"b": 1, "a": [1, 2, {"d": None, "c": True}]}, b'{"a":[1,2,{"c":true,"d":null}],"b":1}'),
        ({"name": "Zoë", "note": "né"}, '{"name":"Zoë","note":"né"}'.encode()),
        ({"emoji": "\U0001f476"}, b'{"emoji":"\xf0\x9f\x91\xb6"}'),
        ('quote " back \\ slash', b'"quote \\" back \\\\ slash"'),
        ("\b\t\n\f\r", b'"\\b\\t\\n\\f\\r"'),
        ("\x00\x1f\x7f", b'"\\u0000\\u001f\x7f"'),
        ("\u2028\u2029", '"\u2028\u2029"'.encode()),
        ([1.0, 0.5, 1733140800.25, 1e-7, 1e16, -0.0], b"[1.0,0.5,1733140800.25,1e-07,1e+16,-0.0]"),
        ((1, "two"), b'[1,"two"]'),
        ({"\u00e9": 1, "z": 2, "A": 3, "": 4}, '{"":4,"A":3,"z":2,"\u00e9":1}'.encode()),
        (2**64, b"18446744073709551616"),
        ({}, b"{}"),
    ],
)
def test_canonical_json_bytes(value: object, expected: bytes) -> None:
    assert canonical_json(value) == expected


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), {"t": -float("inf")}])
def test_canonical_json_refuses_what_json_cannot_carry(bad: object) -> None:
    with pytest.raises(ValueError):
        canonical_json(bad)


def test_canonical_json_refuses_a_lone_surrogate() -> None:
    with pytest.raises(ValueError):
        canonical_json({"text": "\ud800"})


def test_canonical_json_refuses_types_json_does_not_know() -> None:
    with pytest.raises(TypeError):
        canonical_json({"data": b"bytes"})


def test_event_leaf_hash_is_the_leaf_hash_of_salt_then_json() -> None:
    salt = bytes(range(16))
    canonical = canonical_json({"event": {"answer": "yes"}, "key": "k", "recorded_at": 1.5})
    expected = hashlib.sha256(b"\x00" + salt + canonical).digest()
    assert event_leaf_hash(salt, canonical) == leaf_hash(salt + canonical) == expected
    assert event_leaf_hash(bytes(16), canonical) != expected


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=["Cs"])),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(st.characters(exclude_categories=["Cs"])), children, max_size=4)
    ),
    max_leaves=12,
)


@given(json_values)
def test_canonical_json_reads_back_to_the_same_bytes(value: object) -> None:
    encoded = canonical_json(value)
    decoded = json.loads(encoded.decode("utf-8"))
    assert canonical_json(decoded) == encoded


# --- Properties of random trees --------------------------------------------------------------


def flip(data: bytes, bit: int) -> bytes:
    """``data`` with one bit flipped, counted from the first byte's lowest bit."""
    changed = bytearray(data)
    changed[(bit // 8) % len(changed)] ^= 1 << (bit % 8)
    return bytes(changed)


distinct_leaves = st.lists(st.binary(max_size=12), min_size=1, max_size=70, unique=True).map(
    lambda datas: [leaf_hash(d) for d in datas]
)
"""Distinct leaves: with two equal leaves, a proof for one is rightly a proof for the other."""


@settings(max_examples=150, deadline=None)
@given(distinct_leaves, st.data())
def test_every_inclusion_proof_verifies_and_any_flipped_bit_fails(
    log: list[bytes], data: st.DataObject
) -> None:
    size = data.draw(st.integers(1, len(log)), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    leaves = log[:size]
    compact = CompactRange()
    compact.extend(leaves)
    top = compact.root()
    assert top == root(leaves)
    proof = inclusion_proof(index, leaves)
    assert verify_inclusion(leaves[index], index, size, proof, top)

    bit = data.draw(st.integers(0, HASH_SIZE * 8 - 1), label="bit")
    assert not verify_inclusion(flip(leaves[index], bit), index, size, proof, top)
    assert not verify_inclusion(leaves[index], index, size, proof, flip(top, bit))
    if proof:
        j = data.draw(st.integers(0, len(proof) - 1), label="element")
        changed = list(proof)
        changed[j] = flip(proof[j], bit)
        assert not verify_inclusion(leaves[index], index, size, changed, top)
        assert not verify_inclusion(leaves[index], index, size, proof[:-1], top)
    assert not verify_inclusion(leaves[index], index, size, [*proof, top], top)
    wrong = data.draw(st.integers(-1, size).filter(lambda i: i != index), label="wrong index")
    assert not verify_inclusion(leaves[index], wrong, size, proof, top)
    for other in range(index + 1, len(log) + 1):
        if other != size:
            assert not verify_inclusion(leaves[index], index, other, proof, root(log[:other]))


@settings(max_examples=150, deadline=None)
@given(distinct_leaves, st.data())
def test_every_consistency_proof_verifies_and_any_flipped_bit_fails(
    log: list[bytes], data: st.DataObject
) -> None:
    new = data.draw(st.integers(1, len(log)), label="new size")
    old = data.draw(st.integers(1, new), label="old size")
    old_root, new_root = root(log[:old]), root(log[:new])
    proof = consistency_proof(old, log[:new])
    assert verify_consistency(old, new, old_root, new_root, proof)

    bit = data.draw(st.integers(0, HASH_SIZE * 8 - 1), label="bit")
    assert not verify_consistency(old, new, flip(old_root, bit), new_root, proof)
    assert not verify_consistency(old, new, old_root, flip(new_root, bit), proof)
    if proof:
        j = data.draw(st.integers(0, len(proof) - 1), label="element")
        changed = list(proof)
        changed[j] = flip(proof[j], bit)
        assert not verify_consistency(old, new, old_root, new_root, changed)
        assert not verify_consistency(old, new, old_root, new_root, proof[:-1])
    assert not verify_consistency(old, new, old_root, new_root, [*proof, new_root])
    wrong = data.draw(st.integers(0, new + 1).filter(lambda m: m != old), label="wrong old")
    assert not verify_consistency(wrong, new, old_root, new_root, proof)
    other_old = data.draw(st.integers(1, len(log)), label="other old size")
    other_new = data.draw(st.integers(other_old, len(log)), label="other new size")
    if (other_old, other_new) != (old, new) and (proof or other_old != other_new):
        assert not verify_consistency(
            other_old, other_new, root(log[:other_old]), root(log[:other_new]), proof
        )
