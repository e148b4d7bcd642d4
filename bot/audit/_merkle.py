"""An append-only Merkle tree exactly as Certificate Transparency defines it.

The audit log is tamper-evident because every event is a leaf of one Merkle tree whose root is
signed: anyone holding an old root can check that the log has only grown since (a consistency
proof) and that a given event is in it (an inclusion proof), with nothing but SHA-256. The tree,
its hashes and both proofs are RFC 6962 §2.1 as restated by RFC 9162 §2.1, to the byte, rather
than a scheme of our own, so an independent verifier (transparency-dev/merkle in Go, or the
RFC's pseudo-code in an afternoon) can check guidebot's log, and the published test vectors can
check this module.

- A leaf hashes as SHA-256(0x00 ‖ data) and an inner node as SHA-256(0x01 ‖ left ‖ right). The
  prefixes keep the two apart, so nobody can pass an inner node off as a leaf (a second
  preimage); the empty tree's root is SHA-256 of nothing.
- The tree over n leaves splits at k, the largest power of two smaller than n: left holds the
  first k leaves, right the rest. Every root, proof and verification below keeps that shape.

Pure and dependency-free: hashlib and json only, no I/O. The store reads and writes the leaf
hashes; this module only does the arithmetic on them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Final

HASH_SIZE: Final = 32
"""Bytes in a SHA-256 hash: every leaf hash, node hash, root and proof element."""

EMPTY_ROOT: Final = hashlib.sha256(b"").digest()
"""The root of the tree with no leaves: SHA-256 of the empty string (RFC 9162 §2.1.1)."""

_LEAF_PREFIX: Final = b"\x00"
_NODE_PREFIX: Final = b"\x01"
_sha256 = hashlib.sha256


def leaf_hash(data: bytes) -> bytes:
    """The hash of one leaf: SHA-256(0x00 ‖ data)."""
    return _sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an inner node from its children's: SHA-256(0x01 ‖ left ‖ right)."""
    return _sha256(_NODE_PREFIX + left + right).digest()


def canonical_json(obj: object) -> bytes:
    r"""The one byte string an event's leaf is hashed over, which a verifier must rebuild.

    The rules, for anyone writing a verifier in another language (they are exactly what
    ``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    allow_nan=False).encode("utf-8")`` does):

    - UTF-8 JSON (RFC 8259) with no whitespace between tokens: ``,`` and ``:`` only.
    - Object members sorted by key, comparing keys by Unicode code point.
    - Strings: characters outside ASCII written as themselves in UTF-8, never as ``\u``
      escapes; ``"`` and ``\`` as ``\"`` and ``\\``; the controls U+0008, U+0009, U+000A,
      U+000C and U+000D as ``\b``, ``\t``, ``\n``, ``\f`` and ``\r``; every other control
      below U+0020 as ``\u00xx`` (lower-case hex). U+007F, U+2028 and U+2029 are written as
      themselves.
    - Integers in plain decimal; ``true``, ``false`` and ``null``; tuples as arrays.
    - Floats as Python's ``repr``: the shortest digits that read back to the same double,
      always with a ``.`` or an exponent (``1.0``, ``1733140800.25``, ``1e-07``, ``1e+16``).

    For strings, integers, booleans and null (with keys in the Basic Multilingual Plane) these
    are RFC 8785's (JCS) rules too. Floats are where encoders disagree: JCS writes ``1.0`` as
    ``1`` and ``1e+16`` as ``10000000000000000``, so a verifier in another language must
    format floats as Python's ``repr`` does (a whole-second float time is ``1733140800.0``).
    JCS also sorts keys by UTF-16 code unit, which differs only for keys mixing characters
    above U+FFFF with ones in U+E000 to U+FFFF, and JavaScript loses integers beyond ±2^53.

    Raises:
        ValueError: ``obj`` holds NaN or an infinity (they are not JSON), or a string with a
            lone surrogate (it has no UTF-8 form).
        TypeError: ``obj`` holds something JSON cannot carry (bytes, a set, a datetime).
    """
    text = json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def event_leaf_hash(salt: bytes, canonical: bytes) -> bytes:
    """An audit event's leaf hash: SHA-256(0x00 ‖ salt ‖ canonical JSON).

    The salt (random, kept beside the event) stops anyone who sees a leaf hash, in a proof or a
    copy of the tree, from confirming a guess at a low-entropy event ("answer = yes"). Once the
    event and its salt are purged, the leaf hash alone still holds the tree together.

    Callers must use one fixed salt length, so there is only one place the salt can end and
    the JSON begin; the length is the store's to choose, and is not checked here, so that a
    proof file with a malformed salt fails verification rather than raising.
    """
    return leaf_hash(salt + canonical)


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """The Merkle tree hash (RFC 9162 §2.1.1) over leaf hashes already computed.

    Raises:
        ValueError: a leaf hash is not 32 bytes (usually raw leaf data passed by mistake).
    """
    _check_hashes(leaf_hashes, "leaf hash")
    return _tree_hash(leaf_hashes)


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """The inclusion proof (RFC 9162 §2.1.3.1) for leaf ``index`` in the tree of these leaves.

    The proof is for the tree of exactly ``len(leaf_hashes)`` leaves; for an older checkpoint,
    pass ``leaf_hashes[:size]``. Hashes are ordered from the leaf's sibling up to the root's
    child. Costs about ``len(leaf_hashes)`` node hashes, because only leaf hashes are given.

    Raises:
        ValueError: ``index`` is not a leaf of the tree, or a leaf hash is not 32 bytes.
    """
    size = len(leaf_hashes)
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of {size} leaves")
    _check_hashes(leaf_hashes, "leaf hash")
    # Walk down from the root, as PATH(m, D[n]) recurses; each step's sibling subtree is the
    # next proof element up, so the list is reversed at the end.
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        split = start + _split(end - start)
        if index < split:
            path.append(_tree_hash(leaf_hashes[split:end]))
            end = split
        else:
            path.append(_tree_hash(leaf_hashes[start:split]))
            start = split
    path.reverse()
    return path


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether ``proof`` shows the leaf at ``index`` in the tree of ``size`` leaves has ``root``.

    The algorithm of RFC 9162 §2.1.3.2, step for step. Anything malformed (an index outside
    the tree, a hash that is not 32 bytes, a proof too long or too short) fails verification:
    it returns False rather than raising, because its inputs come from whoever hands over a
    proof, and the RFC says to "fail the proof verification".
    """
    if not 0 <= index < size:
        return False
    if len(leaf_hash) != HASH_SIZE or len(root) != HASH_SIZE:
        return False
    if any(len(p) != HASH_SIZE for p in proof):
        return False
    fn, sn = index, size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def consistency_proof(old_size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """The consistency proof (RFC 9162 §2.1.4.1) from the first ``old_size`` leaves to them all.

    The newer tree is the one of exactly ``len(leaf_hashes)`` leaves. A proof between equal
    sizes is empty. Costs about ``len(leaf_hashes)`` node hashes.

    Raises:
        ValueError: ``old_size`` is 0 (every tree extends the empty one, so there is nothing to
            prove and RFC 9162 defines no proof), or larger than the tree, or a leaf hash is
            not 32 bytes.
    """
    size = len(leaf_hashes)
    if old_size < 1:
        raise ValueError(
            f"a consistency proof needs an old size of at least 1, not {old_size}: "
            "every tree extends the empty tree"
        )
    if old_size > size:
        raise ValueError(f"the old size {old_size} is larger than the tree's {size} leaves")
    _check_hashes(leaf_hashes, "leaf hash")
    # Walk down from the root as SUBPROOF(m, D[n], b) recurses, with m counted from ``start``;
    # the recursion appends each sibling after the deeper part, so the list is reversed.
    path: list[bytes] = []
    start, end, m = 0, size, old_size
    old_root_known = True  # b in the RFC: the old tree's root is the verifier's own.
    while m != end - start:
        split = _split(end - start)
        if m <= split:
            path.append(_tree_hash(leaf_hashes[start + split : end]))
            end = start + split
        else:
            path.append(_tree_hash(leaf_hashes[start : start + split]))
            start += split
            m -= split
            old_root_known = False
    if not old_root_known:
        path.append(_tree_hash(leaf_hashes[start:end]))
    path.reverse()
    return path


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows the tree of ``new_size`` leaves extends that of ``old_size``.

    The algorithm of RFC 9162 §2.1.4.2, step for step, for 0 < old_size < new_size. Between
    equal sizes the proof must be empty and the roots equal. From size 0 it always fails, as
    transparency-dev/merkle's does: any tree extends the empty one, so a caller starting from
    an empty log has nothing to check. Anything malformed returns False rather than raising,
    as for :func:`verify_inclusion`.
    """
    if not 0 < old_size <= new_size:
        return False
    if len(old_root) != HASH_SIZE or len(new_root) != HASH_SIZE:
        return False
    if any(len(c) != HASH_SIZE for c in proof):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    # Step 1.
    if not proof:
        return False
    # Step 2: a power-of-two old tree is a node of the new one, so its root starts the path.
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    # Steps 3 and 4.
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # Step 5.
    fr = sr = path[0]
    # Step 6.
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    # Step 7.
    return fr == old_root and sr == new_root and sn == 0


class CompactRange:
    """The tree's right edge, so appending a leaf and reading the root cost O(log n).

    Keeps one hash per 1-bit of the size: the roots of the perfect subtrees that the leaves so
    far fall into, largest (leftmost) first, as transparency-dev/merkle's compact range over
    [0, size) does. At a million leaves that is at most 20 hashes; the store can keep them
    beside its last leaf and carry on after a restart (``from_frontier``) without reading every
    leaf hash back.
    """

    __slots__ = ("_frontier", "_size")

    def __init__(self) -> None:
        """Start with the empty tree."""
        self._size = 0
        self._frontier: list[bytes] = []

    @classmethod
    def from_frontier(cls, size: int, frontier: Iterable[bytes]) -> CompactRange:
        """Resume from a size and the frontier saved from :attr:`frontier` at that size.

        Raises:
            ValueError: ``size`` is negative, the number of hashes is not the number of 1-bits
                in ``size``, or a hash is not 32 bytes.
        """
        hashes = list(frontier)
        if size < 0:
            raise ValueError(f"a tree size cannot be negative, not {size}")
        expected = size.bit_count()
        if len(hashes) != expected:
            raise ValueError(
                f"a tree of {size} leaves has {expected} frontier hashes, not {len(hashes)}"
            )
        _check_hashes(hashes, "frontier hash")
        compact = cls()
        compact._size = size
        compact._frontier = hashes
        return compact

    @property
    def size(self) -> int:
        """How many leaves have been appended."""
        return self._size

    @property
    def frontier(self) -> tuple[bytes, ...]:
        """The perfect subtrees' roots, largest first: what to save to resume later."""
        return tuple(self._frontier)

    def append(self, leaf_hash: bytes) -> int:
        """Add one leaf hash to the right; returns its index. One node hash on average.

        Raises:
            ValueError: ``leaf_hash`` is not 32 bytes.
        """
        if len(leaf_hash) != HASH_SIZE:
            raise ValueError(f"a leaf hash is {HASH_SIZE} bytes, not {len(leaf_hash)}")
        index = self._size
        # Like adding 1 in binary: each trailing 1-bit of the size is a perfect subtree of the
        # same height as the one being carried, so the two merge and carry on up.
        carry, bits = leaf_hash, index
        frontier = self._frontier
        while bits & 1:
            carry = node_hash(frontier.pop(), carry)
            bits >>= 1
        frontier.append(carry)
        self._size = index + 1
        return index

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append each leaf hash in turn.

        Raises:
            ValueError: a leaf hash is not 32 bytes; those before it have been appended.
        """
        for digest in leaf_hashes:
            self.append(digest)

    def root(self) -> bytes:
        """The root of the tree so far, equal to ``root(all leaf hashes)``.

        The split at the largest power of two below the size puts the largest perfect subtree
        on the left and the tree of the rest on the right, so folding the frontier from the
        right gives the RFC's root.
        """
        if not self._frontier:
            return EMPTY_ROOT
        digest = self._frontier[-1]
        for left in reversed(self._frontier[:-1]):
            digest = node_hash(left, digest)
        return digest

    def __repr__(self) -> str:
        """Size and root, which are public; the leaves are not held."""
        return f"CompactRange(size={self._size}, root={self.root().hex()})"


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n ≥ 2): where RFC 9162 splits a tree."""
    return 1 << ((n - 1).bit_length() - 1)


def _check_hashes(hashes: Sequence[bytes], what: str) -> None:
    """Refuse anything but 32-byte hashes, as the store's and the verifier's must all be."""
    if hashes and set(map(len, hashes)) != {HASH_SIZE}:
        bad = next(i for i, h in enumerate(hashes) if len(h) != HASH_SIZE)
        raise ValueError(f"{what} {bad} is {len(hashes[bad])} bytes, not {HASH_SIZE}")


def _tree_hash(hashes: Sequence[bytes]) -> bytes:
    """MTH over checked leaf hashes, level by level instead of by recursion.

    Pairing neighbours level by level, and carrying an odd last node up unpaired, builds the
    same tree as splitting at the largest power of two: the RFC's splits cut the leaves into
    perfect subtrees of falling powers of two, each starting at a multiple of its own size, and
    those are exactly the aligned blocks that pairing builds; a node left over at the end of
    an odd level is one the RFC joins only higher up, so it is carried up unchanged. (The tests
    check this against the recursive definition.) A million leaves take under half a second.
    """
    count = len(hashes)
    if count == 0:
        return EMPTY_ROOT
    level = list(hashes)
    sha256, prefix = _sha256, _NODE_PREFIX
    while count > 1:
        pairs = iter(level)
        paired = [
            sha256(prefix + left + right).digest()
            for left, right in zip(pairs, pairs, strict=False)
        ]
        if count & 1:
            paired.append(level[-1])
        level = paired
        count = len(level)
    return level[0]
