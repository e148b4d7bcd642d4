"""Roots and proofs read through stored blocks are exactly RFC 9162's over all the leaves."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from bot.app import DATABASE
from bot.audit._merkle import EMPTY_ROOT, inclusion_proof, root
from bot.audit._tree import BLOCK, StoredTree, block_root
from bot.audit.log import sign_checkpoint, signing_key, verify
from bot.store import Store, leaf_content, leaf_content_of_text


class Leaves:
    """A log of leaf hashes in memory, blocks computed as the store computes them."""

    def __init__(self, count: int) -> None:
        self.leaves = [hashlib.sha256(n.to_bytes(4, "big")).digest() for n in range(count)]
        self.reads = 0

    def leaf_hash_range(self, start: int, stop: int) -> list[bytes]:
        self.reads += stop - start
        return self.leaves[start:stop]

    def block_hashes(self, stop: int) -> list[bytes]:
        return [block_root(self.leaves[b * BLOCK : (b + 1) * BLOCK]) for b in range(stop)]


@pytest.mark.parametrize(
    "size", [0, 1, 2, 3, 255, 256, 257, 511, 512, 513, 767, 1000, 1024, 1025, 2049, 4000]
)
def test_roots_and_every_sampled_proof_match_the_reference(size: int) -> None:
    log = Leaves(size)
    tree = StoredTree(log, size)
    assert tree.root() == (root(log.leaves) if size else EMPTY_ROOT)
    for index in sorted({0, 1, size // 3, size // 2, size - 2, size - 1} & set(range(size))):
        assert tree.inclusion_proof(index) == inclusion_proof(index, log.leaves)


def test_a_proof_in_a_large_log_reads_few_leaves() -> None:
    log = Leaves(100_003)
    tree = StoredTree(log, 100_003)
    assert tree.inclusion_proof(54_321) == inclusion_proof(54_321, log.leaves)
    assert log.reads <= 2 * BLOCK


def test_the_store_keeps_blocks_and_verify_catches_an_altered_one(tmp_path: Path) -> None:
    with Store.open(tmp_path / DATABASE) as store:
        for number in range(13):
            store.save(
                f"c-{number}",
                {"phase": "step"},
                expected_version=0,
                audit=[{"kind": "answer", "seq": seq} for seq in range(50)],
                now=1_800_000_000.0 + number,
            )
        assert store.audit_size() == 650
        leaves = store.leaf_hashes()
        assert store.block_hashes(10) == [
            block_root(leaves[b * BLOCK : (b + 1) * BLOCK]) for b in range(650 // BLOCK)
        ]
        signer = signing_key(tmp_path)
        sign_checkpoint(store, signer, now=1_800_000_100.0, reason="test")
        assert store.checkpoints()[0].root == root(leaves)
        assert verify(store, signer.verifier).ok
        with sqlite3.connect(tmp_path / DATABASE) as raw:
            raw.execute("UPDATE audit_blocks SET hash = zeroblob(32) WHERE block = 1")
        report = verify(store, signer.verifier)
        assert "events 257 to 512 was altered" in report.problems[0]


@pytest.mark.parametrize(
    ("key", "recorded_at", "event"),
    [
        ("c-abc", 1_800_000_000.25, {"kind": "answer", "outcome": "no", "items": ["a", "b"]}),
        ("c-ünï", 1e16, {"z": 1, "a": {"y": [1.5, None, True]}, "é": 'caf\u00e9 "q" \\'}),
        ("c-1", 0.1, {}),
    ],
)
def test_spliced_text_is_the_canonical_content_the_leaf_covers(
    key: str, recorded_at: float, event: dict[str, object]
) -> None:
    text = json.dumps(event, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    assert leaf_content_of_text(key, recorded_at, text) == leaf_content(key, recorded_at, event)


def test_an_event_logged_before_canonical_text_still_verifies(tmp_path: Path) -> None:
    with Store.open(tmp_path / DATABASE) as store:
        store.save(
            "c-1", {"p": 1}, expected_version=0, audit=[{"seq": 1, "kind": "answer"}], now=5.0
        )
        with sqlite3.connect(tmp_path / DATABASE) as raw:  # as an older guidebot wrote it
            raw.execute("""UPDATE audit SET event = '{"seq":1,"kind":"answer"}'""")
        signer = signing_key(tmp_path)
        sign_checkpoint(store, signer, now=6.0, reason="test")
        assert verify(store, signer.verifier).ok
