"""Schema changes as numbered, named migrations, each applied together with its record.

A database is brought up to date one migration at a time, each in its own transaction with the
row in ``migrations`` that says it was applied: a crash or a failing migration leaves the
database at the last version that was fully applied, never half-way, and the next start
carries on from there. A database that records a version this code does not know is refused
rather than guessed at, since an older guidebot writing to a newer schema could lose data.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlite_utils

from bot.store._audit import add_blocks, add_leaves_to_existing_events, create_fields
from bot.store._errors import StoreError
from bot.store._sqlite import write_transaction

MIGRATIONS_TABLE = "migrations"


@dataclass(frozen=True)
class Migration:
    """One change to the schema, applied once per database and recorded under its version."""

    version: int
    name: str
    apply: Callable[[sqlite_utils.Database], None]


def _create_conversations_and_audit(db: sqlite_utils.Database) -> None:
    """Conversations hold one row per key; the audit log is append-only, ids never reused."""
    # Plain SQL rather than table.create(): a migration must make the same schema whichever
    # sqlite-utils is installed, and AUTOINCREMENT (an audit id is never reused, even after the
    # newest row is removed) has no spelling in the table helpers.
    db.execute(
        """
        CREATE TABLE conversations (
            key TEXT PRIMARY KEY,
            state TEXT,
            version INTEGER NOT NULL,
            updated_at REAL NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            key TEXT NOT NULL,
            recorded_at REAL NOT NULL,
            event TEXT NOT NULL
        )
        """
    )


def _index_audit_by_conversation(db: sqlite_utils.Database) -> None:
    """One conversation's trail is read in order; without the index that scans the whole log."""
    db.table("audit").create_index(["key", "id"], index_name="audit_by_key")


def _add_users_conversation(db: sqlite_utils.Database) -> None:
    """The pseudonym of the chat a user enrolled from: the audit log's key for their conversations.

    Users enrolled before stay NULL (their chat was never seen with their enrolment); enrolling
    again fills it.
    """
    db.execute("ALTER TABLE users ADD COLUMN conversation TEXT")


def _create_users_codes_and_contacts(db: sqlite_utils.Database) -> None:
    """Who may use the bot, the codes that enrol them, and the chats the bot may message first.

    Every person and chat is a pseudonym (a keyed hash of the Telegram id), a code is kept only
    as its keyed hash, and a chat id the bot must message unprompted only sealed (encrypted
    under a key kept outside this file): the database alone names and reaches nobody.
    """
    # key_period: pseudonyms change at each key rotation, so a row made under an earlier key
    # can be told apart (and no longer matches anyone who writes in).
    db.execute(
        """
        CREATE TABLE users (
            pseudonym TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            enrolled_at REAL NOT NULL,
            expires_at REAL,
            revoked_at REAL,
            key_period INTEGER NOT NULL
        )
        """
    )
    # access_seconds: how long the enrolment it makes lasts (NULL: until revoked).
    db.execute(
        """
        CREATE TABLE enrolment_codes (
            code_hash TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            access_seconds REAL,
            used_at REAL,
            used_by TEXT
        )
        """
    )
    db.execute(
        """
        CREATE TABLE enrolment_failures (
            pseudonym TEXT PRIMARY KEY,
            count INTEGER NOT NULL,
            last_at REAL NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE contacts (
            key TEXT PRIMARY KEY,
            sealed_chat TEXT NOT NULL,
            updated_at REAL NOT NULL
        )
        """
    )


def _create_channel_notes(db: sqlite_utils.Database) -> None:
    """What a channel remembers about a conversation between messages, apart from its state.

    Telegram notes which message holds the keyboard still open and whether a reply was lost;
    kept apart from the engine's state so that a channel's bookkeeping never moves the
    conversation's version.
    """
    db.execute(
        """
        CREATE TABLE channel_notes (
            channel TEXT NOT NULL,
            key TEXT NOT NULL,
            note TEXT NOT NULL,
            updated_at REAL NOT NULL,
            PRIMARY KEY (channel, key)
        )
        """
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "create conversations and audit", _create_conversations_and_audit),
    Migration(2, "index audit by conversation", _index_audit_by_conversation),
    Migration(3, "create users, enrolment codes and contacts", _create_users_codes_and_contacts),
    Migration(4, "create channel notes", _create_channel_notes),
    Migration(5, "make the audit log a Merkle tree", add_leaves_to_existing_events),
    Migration(6, "keep the hashes of complete blocks of the audit log", add_blocks),
    Migration(7, "keep the fields reports count beside each audit event", create_fields),
    Migration(8, "keep the chat each user enrolled from", _add_users_conversation),
)
"""Every schema change, oldest first, numbered 1..N. Add to the end; never edit one in place,
since databases already made by it will not run it again."""


def recorded_version(db: sqlite_utils.Database) -> int:
    """The newest schema version the database records as applied (0 for a new database)."""
    if not db.table(MIGRATIONS_TABLE).exists():
        return 0
    row = db.execute(f"SELECT coalesce(max(version), 0) FROM {MIGRATIONS_TABLE}").fetchone()
    return int(row[0])


def _check_numbering(migrations: Sequence[Migration]) -> None:
    """Versions are compared as numbers, so a gap or a repeat would skip or rerun a change."""
    versions = [migration.version for migration in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError(f"migrations must be numbered 1, 2, 3 and so on in order; got {versions}")


def _ensure_migrations_table(db: sqlite_utils.Database) -> None:
    """Start the record of migrations, refusing a database that some other program made."""
    if db.table(MIGRATIONS_TABLE).exists():
        return
    # Only a brand-new file may be adopted: migrating somebody else's tables could damage them.
    theirs = [name for name in db.table_names() if not name.startswith("sqlite_")]
    if theirs:
        raise StoreError(
            "this SQLite database was not made by guidebot (it has tables but no record of "
            "guidebot's migrations): move it aside or choose another path"
        )
    db.execute(
        f"""
        CREATE TABLE {MIGRATIONS_TABLE} (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at REAL NOT NULL
        )
        """
    )


def migrate(
    db: sqlite_utils.Database,
    migrations: Sequence[Migration] = MIGRATIONS,
    *,
    now: Callable[[], float] = time.time,
) -> list[Migration]:
    """Bring a database up to the last of ``migrations``, one transaction per migration.

    Tests pass the first few migrations to build a database as an older guidebot left it. The
    version is read again inside each transaction, so two processes starting at once apply
    each migration only once.

    Args:
        db: The database to bring up to date.
        migrations: The migrations this code knows, numbered 1..N in order.
        now: The clock for each record's ``applied_at``.

    Returns:
        The migrations applied by this call, in order (none when already up to date).

    Raises:
        StoreError: The database records a newer schema than ``migrations`` reach, it was made
            by another program, or a migration failed (its changes are rolled back).
        ValueError: ``migrations`` are not numbered 1..N in order.
    """
    _check_numbering(migrations)
    known = len(migrations)
    with write_transaction(db):
        _ensure_migrations_table(db)
        current = recorded_version(db)
    if current > known:
        raise StoreError(
            f"made by a newer guidebot (schema {current}; this one knows up to {known}): "
            "update guidebot"
        )
    applied: list[Migration] = []
    for migration in migrations[current:]:
        try:
            with write_transaction(db):
                if recorded_version(db) >= migration.version:
                    continue  # another process applied it while this one waited for the lock
                migration.apply(db)
                db.table(MIGRATIONS_TABLE).insert(
                    {"version": migration.version, "name": migration.name, "applied_at": now()}
                )
        except sqlite3.Error as error:
            raise StoreError(
                f"could not upgrade the database to schema {migration.version} "
                f"({migration.name}): {error}: it is left at schema {migration.version - 1}; "
                "restore a backup or move the file aside"
            ) from error
        applied.append(migration)
    return applied
