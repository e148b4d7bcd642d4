"""The audit log's rows as leaves of a Merkle tree, appended with the conversation's save.

Each event is stored with a random salt and its leaf hash, SHA-256(0x00 ‖ salt ‖ canonical
JSON of {key, recorded_at, event}), and a leaf number that counts up from 0 without gaps. The
salt keeps a low-entropy event ("answer = yes") from being guessed back from its hash; the leaf
hash outlives a purge of the event, so the tree still verifies after retention has run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from bot.audit._merkle import canonical_json, event_leaf_hash
from bot.audit._tree import BLOCK, block_root

SALT_BYTES = 16
"""128 random bits per event: far beyond guessing, and small beside the event itself."""


def leaf_content(key: str, recorded_at: float, event: dict[str, Any]) -> bytes:
    """The canonical bytes an event's leaf hash is taken over (key and time included)."""
    return canonical_json({"event": event, "key": key, "recorded_at": recorded_at})


def leaf_content_of_text(key: str, recorded_at: float, event_text: str) -> bytes:
    """:func:`leaf_content` from an event's stored text, with no parsing.

    The store writes each event as canonical JSON, so splicing its text into the outer object
    gives the very bytes :func:`leaf_content` makes; verifying a million events then costs a
    hash each rather than a parse and a re-encoding.
    """
    quoted = json.dumps(key, ensure_ascii=False)
    return f'{{"event":{event_text},"key":{quoted},"recorded_at":{recorded_at!r}}}'.encode()


def append_events(
    db: sqlite_utils.Database,
    key: str,
    recorded_at: float,
    texts: Sequence[str],
) -> None:
    """Append events, each as its canonical JSON text, as the next leaves, in order.

    Runs inside the caller's write transaction, so the leaf numbers it reads stay its own.
    """
    if not texts:
        return
    row = db.execute("SELECT coalesce(max(leaf), -1) FROM audit").fetchone()
    leaf = int(row[0]) + 1
    for text in texts:
        salt = os.urandom(SALT_BYTES)
        digest = event_leaf_hash(salt, leaf_content_of_text(key, recorded_at, text))
        db.execute(
            "INSERT INTO audit (key, recorded_at, event, leaf, salt, leaf_hash) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [key, recorded_at, text, leaf, salt, digest],
        )
        leaf += 1
        if leaf % BLOCK == 0:
            _store_block(db, leaf // BLOCK - 1)


def _store_block(db: sqlite_utils.Database, block: int) -> None:
    """Keep the hash of a block just completed, so proofs need not read its leaves."""
    rows = db.execute(
        "SELECT leaf_hash FROM audit WHERE leaf >= ? AND leaf < ? ORDER BY leaf",
        [block * BLOCK, (block + 1) * BLOCK],
    ).fetchall()
    db.execute(
        "INSERT OR REPLACE INTO audit_blocks (block, hash) VALUES (?, ?)",
        [block, block_root([bytes(row[0]) for row in rows])],
    )


def add_blocks(db: sqlite_utils.Database) -> None:
    """Migration 6: the hash of every complete block of leaves already logged."""
    db.execute("CREATE TABLE audit_blocks (block INTEGER PRIMARY KEY, hash BLOB NOT NULL)")
    row = db.execute("SELECT count(*) FROM audit WHERE leaf IS NOT NULL").fetchone()
    for block in range(int(row[0]) // BLOCK):
        _store_block(db, block)


def add_leaves_to_existing_events(db: sqlite_utils.Database) -> None:
    """Migration 5: give every event already logged a salt, a leaf hash and a leaf number."""
    for column, kind in (
        ("leaf", "INTEGER"),
        ("salt", "BLOB"),
        ("leaf_hash", "BLOB"),
        ("purged_at", "REAL"),
    ):
        db.execute(f"ALTER TABLE audit ADD COLUMN {column} {kind}")
    rows = db.execute("SELECT id, key, recorded_at, event FROM audit ORDER BY id").fetchall()
    for leaf, (row_id, key, recorded_at, text) in enumerate(rows):
        salt = os.urandom(SALT_BYTES)
        digest = event_leaf_hash(salt, leaf_content(key, recorded_at, json.loads(text)))
        db.execute(
            "UPDATE audit SET leaf = ?, salt = ?, leaf_hash = ? WHERE id = ?",
            [leaf, salt, digest, row_id],
        )
    db.execute("CREATE UNIQUE INDEX audit_by_leaf ON audit (leaf)")
    db.execute(
        """
        CREATE TABLE checkpoints (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            size INTEGER NOT NULL,
            root BLOB NOT NULL,
            note TEXT NOT NULL,
            signed_at REAL NOT NULL,
            reason TEXT NOT NULL
        )
        """
    )


@dataclass(frozen=True)
class LoggedEvent:
    """One row of the audit log as stored: its payload is None once purged."""

    row_id: int
    leaf: int | None
    key: str
    recorded_at: float
    event: dict[str, Any] | None
    salt: bytes | None
    leaf_hash: bytes | None
    purged_at: float | None


@dataclass(frozen=True)
class StoredCheckpoint:
    """A signed checkpoint as kept in the database."""

    row_id: int
    size: int
    root: bytes
    note: str
    signed_at: float
    reason: str
