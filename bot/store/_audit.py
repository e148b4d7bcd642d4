"""The audit log's rows as leaves of a Merkle tree, appended with the conversation's save.

Each event is stored with a random salt and its leaf hash, SHA-256(0x00 ‖ salt ‖ canonical
JSON of {key, recorded_at, event}), and a leaf number that counts up from 0 without gaps. The
salt keeps a low-entropy event ("answer = yes") from being guessed back from its hash; the leaf
hash outlives a purge of the event, so the tree still verifies after retention has run.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from bot.audit import BLOCK, block_root, canonical_json, event_leaf_hash
from bot.event_fields import COMMENT_FIELD, PRACTICE_FIELD, QUESTION_FIELD, RATING_FIELD

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


FIELDS: tuple[tuple[str, str], ...] = (
    ("kind", "json_extract(event, '$.kind')"),
    ("flow", "json_extract(event, '$.flow')"),
    ("step", "json_extract(event, '$.step')"),
    ("run", "coalesce(json_extract(event, '$.run'), 0)"),
    ("at", "coalesce(json_extract(event, '$.at'), recorded_at)"),
    ("outcome", "json_extract(event, '$.outcome')"),
    ("seconds", "json_extract(event, '$.step_seconds')"),
    ("items", "json_extract(event, '$.items')"),
    ("outstanding", "json_extract(event, '$.outstanding')"),
    ("withdrawn", "json_extract(event, '$.withdrawn')"),
    ("flag", "json_extract(event, '$.red_flag')"),
    ("status", "json_extract(event, '$.status')"),
    ("entry", "json_extract(event, '$.entries[0]')"),
    ("question", f"json_extract(event, '$.{QUESTION_FIELD}')"),
    ("practice", f"json_extract(event, '$.{PRACTICE_FIELD}') IS 1"),
    ("channel", "json_extract(event, '$.channel')"),
    ("rating", f"json_extract(event, '$.{RATING_FIELD}')"),
    ("comment", f"json_extract(event, '$.{COMMENT_FIELD}')"),
    ("entries", "json_extract(event, '$.entries')"),
)
"""The fields the trainers' report counts, as ``audit_fields`` holds them, each with the SQL
that reads it from an event's JSON (a run's number 0 if it has none, its time the time it was
recorded if it has none, practice 1 or 0).

``audit_fields`` is a cache of the log, never a second record: each row is written from the
event's JSON by this SQL as the event is appended, and ``verify`` reads every event's JSON
with the same SQL and compares, so a report can be made without parsing a million events, and
still cannot be made to disagree with the log that verifies. A purge deletes the row with the
event's content.
"""

_FIELD_NAMES = ", ".join(name for name, _ in FIELDS)
_FIELDS_FROM_EVENT = ", ".join(f"{sql} AS {name}" for name, sql in FIELDS)
FIELDS_OF_EVENTS = f"SELECT id, key, recorded_at, {_FIELDS_FROM_EVENT} FROM audit WHERE event != ''"
"""Every logged event's :data:`FIELDS` read from its JSON (purged events have none): what
``audit_fields`` must hold, row for row."""

FILL_FIELDS = f"INSERT INTO audit_fields (id, key, recorded_at, {_FIELD_NAMES}) {FIELDS_OF_EVENTS}"
"""Fills ``audit_fields`` from the events' JSON; the append adds ``AND leaf >= ?``."""


STEP_EVENT_KINDS = ("prompt_shown", "answer", "back")
"""The events that say where in a flow an officer was, and what they answered there."""

FIELD_INDEXES = (
    # Each run's steps, in the order the report groups them, with all it reads of each step's
    # events: the report scans this index instead of sorting half a million events.
    "CREATE INDEX {schema}audit_fields_by_step ON audit_fields "
    "(key, run, flow, step, kind, id, outcome, withdrawn, seconds, recorded_at) "
    f"WHERE kind IN {STEP_EVENT_KINDS!r} AND flow IS NOT NULL",
)
"""The indexes ``audit_fields`` is read by, with the schema left to fill in (a report over a
database from before them builds the same on a temporary copy)."""


def create_fields(db: sqlite_utils.Database | sqlite3.Connection, schema: str = "") -> None:
    """Migration 7: ``audit_fields``, filled from every event already logged, and its indexes.

    A report over a database from before migration 7 makes the same in ``schema`` "temp.".
    """
    db.execute(
        f"""
        CREATE TABLE {schema}audit_fields (
            id INTEGER PRIMARY KEY, key TEXT NOT NULL, recorded_at REAL NOT NULL, {_FIELD_NAMES}
        )
        """
    )
    db.execute(FILL_FIELDS.replace("INTO audit_fields", f"INTO {schema}audit_fields", 1))
    for index in FIELD_INDEXES:
        db.execute(index.format(schema=schema))


def first_event_unlike_its_fields(db: sqlite_utils.Database | sqlite3.Connection) -> int | None:
    """The leaf of the first event whose ``audit_fields`` row is not what its JSON says.

    Also an event with content but no row, and a row left for an event purged or removed
    (reported as the leaf before the first event, -1, when that event is gone). None when
    every row matches.
    """
    names = ("key", "recorded_at", *(name for name, _ in FIELDS))
    differs = " OR ".join(f"f.{name} IS NOT e.{name}" for name in names)
    row = db.execute(
        f"""
        SELECT e.leaf FROM (SELECT leaf, {FIELDS_OF_EVENTS.removeprefix("SELECT ")}) e
        LEFT JOIN audit_fields f ON f.id = e.id
        WHERE f.id IS NULL OR {differs}
        ORDER BY e.id LIMIT 1
        """
    ).fetchone()
    if row is not None:
        return int(row[0]) if row[0] is not None else -1
    row = db.execute(
        """
        SELECT coalesce(a.leaf, -1) FROM audit_fields f LEFT JOIN audit a ON a.id = f.id
        WHERE a.id IS NULL OR a.event = '' ORDER BY f.id LIMIT 1
        """
    ).fetchone()
    return None if row is None else int(row[0])


def append_events(
    db: sqlite_utils.Database,
    key: str,
    recorded_at: float,
    texts: Sequence[str],
    *,
    fields: bool = True,
) -> None:
    """Append events, each as its canonical JSON text, as the next leaves, in order.

    Runs inside the caller's write transaction, so the leaf numbers it reads stay its own.
    ``fields`` off leaves ``audit_fields`` alone: a database at a schema from before it (as
    the migration tests build one) has no such table yet.
    """
    if not texts:
        return
    row = db.execute("SELECT coalesce(max(leaf), -1) FROM audit").fetchone()
    leaf = first = int(row[0]) + 1
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
    if not fields:
        return
    db.execute(f"{FILL_FIELDS} AND leaf >= ?", [first])


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
