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

SALT_BYTES = 16
"""128 random bits per event: far beyond guessing, and small beside the event itself."""


def leaf_content(key: str, recorded_at: float, event: dict[str, Any]) -> bytes:
    """The canonical bytes an event's leaf hash is taken over (key and time included)."""
    return canonical_json({"event": event, "key": key, "recorded_at": recorded_at})


def append_events(
    db: sqlite_utils.Database,
    key: str,
    recorded_at: float,
    events: Sequence[tuple[dict[str, Any], str]],
) -> None:
    """Append events (each as its dict and its JSON text) as the next leaves, in order.

    Runs inside the caller's write transaction, so the leaf numbers it reads stay its own.
    """
    if not events:
        return
    row = db.execute("SELECT coalesce(max(leaf), -1) FROM audit").fetchone()
    leaf = int(row[0]) + 1
    for event, text in events:
        salt = os.urandom(SALT_BYTES)
        digest = event_leaf_hash(salt, leaf_content(key, recorded_at, event))
        db.execute(
            "INSERT INTO audit (key, recorded_at, event, leaf, salt, leaf_hash) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [key, recorded_at, text, leaf, salt, digest],
        )
        leaf += 1


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
