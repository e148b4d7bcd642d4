"""Roots and inclusion proofs of a large log without reading every leaf.

The store keeps, beside each event's leaf hash, the hash of every complete, aligned block of
:data:`BLOCK` leaves. Every large subtree a root or a proof needs is then hashed from blocks
(a million events are 3,907 of them) and only the few leaves at the edges are read, so a proof
costs milliseconds however long the log has grown. The result is exactly RFC 9162's: the
blocks are the tree's own subtrees, and tests compare every root and proof with
:mod:`bot.audit._merkle` computed from all the leaves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.audit._merkle import EMPTY_ROOT, node_hash, root

BLOCK = 256
"""Leaves per stored block: a power of two, so a block is a subtree of every larger tree."""


class HashSource(Protocol):
    """Where leaf and block hashes are read from (:class:`bot.store.Store` is one)."""

    def leaf_hash_range(self, start: int, stop: int) -> list[bytes]:
        """Leaf hashes ``start`` to ``stop - 1``, in order."""
        ...

    def block_hashes(self, stop: int) -> list[bytes]:
        """The hashes of blocks ``0`` to ``stop - 1``, in order."""
        ...


def block_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """The hash stored for one complete block of :data:`BLOCK` leaf hashes."""
    if len(leaf_hashes) != BLOCK:
        raise ValueError(f"a block holds {BLOCK} leaves, not {len(leaf_hashes)}")
    return root(leaf_hashes)


def _largest_power_of_two_below(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


class StoredTree:
    """The tree of the first ``size`` leaves of a log, read through its blocks."""

    def __init__(self, source: HashSource, size: int) -> None:
        """Read the blocks once; leaves are read only where a proof needs them."""
        self.size = size
        self._source = source
        self._blocks = source.block_hashes(size // BLOCK)
        if len(self._blocks) != size // BLOCK:
            raise ValueError(f"the log holds {len(self._blocks)} blocks, not {size // BLOCK}")

    def root(self) -> bytes:
        """The Merkle tree hash of the first ``size`` leaves."""
        return self._subtree(0, self.size)

    def inclusion_proof(self, index: int) -> list[bytes]:
        """RFC 9162's inclusion path for leaf ``index``, from the leaf up."""
        if not 0 <= index < self.size:
            raise ValueError(f"leaf index {index} is outside a tree of {self.size} leaves")
        path: list[bytes] = []
        start, size = 0, self.size
        while size > 1:
            split = _largest_power_of_two_below(size)
            if index - start < split:
                path.append(self._subtree(start + split, size - split))
                size = split
            else:
                path.append(self._subtree(start, split))
                start, size = start + split, size - split
        path.reverse()
        return path

    def _subtree(self, start: int, size: int) -> bytes:
        """MTH of leaves ``start`` to ``start + size - 1`` (a subtree of the RFC's split)."""
        if size == 0:
            return EMPTY_ROOT
        perfect = size & (size - 1) == 0
        if perfect and size >= BLOCK and start % BLOCK == 0:
            return root(self._blocks[start // BLOCK : (start + size) // BLOCK])
        if size <= BLOCK:
            return root(self._source.leaf_hash_range(start, start + size))
        split = _largest_power_of_two_below(size)
        return node_hash(self._subtree(start, split), self._subtree(start + split, size - split))
