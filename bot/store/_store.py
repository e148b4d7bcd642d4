"""The SQLite store every channel shares: each conversation's saved state and its audit log.

It knows nothing about the engine. A state is a JSON-able dict the engine has already cleared
of anything the officer typed, and an audit event is a JSON-able dict of ids and categories;
the store keeps them as they are given and never logs or prints either. Saves are
compare-and-set on a per-key version, so two messages for one conversation handled at once
cannot silently overwrite each other: the slower one is told with :class:`StaleState`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import sqlite_utils

from bot._private import PRIVATE_FILE_MODE, PrivateFileError, make_private_dirs, make_private_file
from bot.audit import canonical_json
from bot.store import _users
from bot.store._audit import (
    LoggedEvent,
    StoredCheckpoint,
    append_events,
    first_event_unlike_its_fields,
)
from bot.store._errors import StaleState, StoreError
from bot.store._migrations import MIGRATIONS, MIGRATIONS_TABLE, migrate, recorded_version
from bot.store._sqlite import write_transaction
from bot.store._users import CodeRedemption, UserRecord

BUSY_TIMEOUT_SECONDS = 5.0
"""How long an operation waits for another process's write to finish before it gives up."""

SIDE_FILE_SUFFIXES = ("-wal", "-shm")
"""SQLite's write-ahead log and its index sit beside the database and hold the same data."""


@dataclass(frozen=True)
class Saved:
    """A conversation as last saved, with the version to hand back to :meth:`Store.save`."""

    state: dict[str, Any]
    version: int


_REMEDIES: dict[str, tuple[str, str]] = {
    "SQLITE_NOTADB": (
        "the file is not a SQLite database",
        "move it aside, and guidebot will start a new database in its place",
    ),
    "SQLITE_CORRUPT": (
        "the database is damaged",
        "move it aside and restore a backup (or let guidebot start a new, empty one)",
    ),
    "SQLITE_BUSY": (
        "another program held the database for too long",
        "try again; if it keeps happening, stop any other guidebot using this file",
    ),
    "SQLITE_LOCKED": (
        "another program held the database for too long",
        "try again; if it keeps happening, stop any other guidebot using this file",
    ),
    "SQLITE_FULL": ("the disk is full", "free some space and try again"),
    "SQLITE_IOERR": ("the disk reported an error", "check the disk, then try again"),
    "SQLITE_READONLY": (
        "the database cannot be written",
        "check the file and its folder belong to the account running guidebot",
    ),
    "SQLITE_CANTOPEN": (
        "the database file cannot be opened",
        "check the path is a file, and that it and its folder belong to this account",
    ),
}
_UNKNOWN = (
    "SQLite could not use the database",
    "check the disk and the file's permissions, then try again",
)


def _explain(path: Path, doing: str, error: sqlite3.Error) -> str:
    """Turn SQLite's terse error into what went wrong and what the person running it can do."""
    name = getattr(error, "sqlite_errorname", "")
    primary = "_".join(name.split("_")[:2])  # SQLITE_IOERR_WRITE shares SQLITE_IOERR's advice
    cause, remedy = _REMEDIES.get(name) or _REMEDIES.get(primary) or _UNKNOWN
    return f"{path}: could not {doing}: {cause} ({error}): {remedy}"


def _make_private_dirs(directory: Path) -> None:
    """Create the database's missing folders owner-only, as the shared helper does."""
    try:
        make_private_dirs(directory, what="the folder for the database")
    except PrivateFileError as error:
        raise StoreError(str(error)) from error.__cause__


def _make_private_file(path: Path) -> None:
    """Create an empty database file owner-only before SQLite opens it (and applies the umask)."""
    try:
        make_private_file(path, what="the database file")
    except PrivateFileError as error:
        raise StoreError(str(error)) from error.__cause__


def _make_side_files_private(path: Path) -> None:
    """Make the write-ahead log and its index owner-only, since they hold the same data.

    SQLite gives new side files the database's own mode, so this matters for a database whose
    side files were left with a wider mode by something else.
    """
    for suffix in SIDE_FILE_SUFFIXES:
        try:
            os.chmod(path.with_name(path.name + suffix), PRIVATE_FILE_MODE)
        except FileNotFoundError:
            continue


def _parse_event(path: Path, row_id: int, leaf: int | None, text: str) -> dict[str, Any]:
    """An audit event's stored JSON as a dict, or a StoreError naming the event to look at.

    The store only ever writes an object here, so anything else was damaged or altered
    outside guidebot: the supervisor is sent to ``verify`` rather than shown a traceback.
    """
    try:
        event = json.loads(text)
    except ValueError:
        event = None
    if not isinstance(event, dict):
        number = f"event {leaf + 1}" if leaf is not None else f"the event in row {row_id}"
        raise StoreError(
            f"{path}: the audit log's {number} cannot be read: it was damaged or altered "
            "after it was logged. Run 'guidebot audit verify' to check the log, and restore "
            "a backup that verifies."
        )
    return event


def _logged(path: Path, row: Sequence[Any]) -> LoggedEvent:
    """An audit row as read (id, leaf, key, time, event, salt, leaf hash, purged at)."""
    leaf = None if row[1] is None else int(row[1])
    return LoggedEvent(
        row_id=int(row[0]),
        leaf=leaf,
        key=str(row[2]),
        recorded_at=float(row[3]),
        event=_parse_event(path, int(row[0]), leaf, row[4]) if row[4] else None,
        salt=None if row[5] is None else bytes(row[5]),
        leaf_hash=None if row[6] is None else bytes(row[6]),
        purged_at=None if row[7] is None else float(row[7]),
    )


def _to_json(value: Any, what: str, *, canonical: bool = False) -> str:
    """JSON text for a state or event, refusing what would not read back as it was given."""
    try:
        # allow_nan=False: NaN and infinity are not JSON, and would read back wrongly elsewhere.
        return json.dumps(
            value,
            ensure_ascii=False,
            allow_nan=False,
            separators=(",", ":"),
            sort_keys=canonical,
        )
    except (TypeError, ValueError) as error:
        # json's message names the offending type, never the value, so it is safe to pass on.
        raise TypeError(
            f"{what} cannot be saved as JSON ({error}): use only strings, numbers, booleans, "
            "None, lists and dicts"
        ) from error


BACKUPS_FOLDER = "backups"
"""Beside the database: the copies taken before a schema upgrade."""


def backup_to(source: sqlite3.Connection, destination: Path) -> None:
    """Copy a database with SQLite's online backup into an owner-only file at ``destination``.

    The copy is consistent as of one moment while this and other processes keep writing: it
    is taken in one step under a read transaction, which with write-ahead logging holds no
    writer up. It is written beside ``destination`` and moved into place once complete, so a
    crash never leaves a half-written backup under the final name.

    Raises:
        StoreError: The copy cannot be made or written.
    """
    destination = Path(destination)
    partial = destination.with_name(f".{destination.name}.partial")
    try:
        partial.unlink(missing_ok=True)
        _make_private_file(partial)
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal
        finally:
            target.close()
        os.replace(partial, destination)
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise StoreError(_explain(destination, "write the backup", error)) from error
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise StoreError(
            f"{destination}: could not write the backup ({error.strerror}): check the folder "
            "exists, has space, and that this account may write to it"
        ) from error


def _backup_before_upgrade(db: sqlite_utils.Database, path: Path) -> Path | None:
    """Keep a copy of a database an upgrade is about to change; None when none is needed.

    A new database (schema 0) or one already up to date is not copied. The copy is named
    after the schema it holds, so restoring it with an older guidebot is a plain choice.
    """
    current = recorded_version(db) if db.table(MIGRATIONS_TABLE).exists() else 0
    if current == 0 or current >= len(MIGRATIONS):
        return None
    folder = path.parent / BACKUPS_FOLDER
    _make_private_dirs(folder)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    copy = folder / f"{path.stem}.schema-{current}.{stamp}{path.suffix}"
    backup_to(db.conn, copy)
    return copy


class Store:
    """Each conversation's saved state and the append-only audit log, in one SQLite file.

    One connection per store, every operation under one re-entrant lock, so a single store can
    be shared between threads (and called from an asyncio loop: each call is short). Several
    processes may share the file as well; their writes queue for SQLite's lock.

    Open it with :meth:`open`, which makes the file private and brings the schema up to date;
    use it as a context manager, or call :meth:`close`, to let go of the file.
    """

    def __init__(self, db: sqlite_utils.Database, path: Path) -> None:
        """Wrap a database :meth:`open` has prepared; building one directly skips those checks."""
        self._db = db
        self._path = path
        self._lock = threading.RLock()
        self._closed = False
        # Always there once open() has migrated; only a test's older schema lacks it.
        self._keeps_fields = db.table("audit_fields").exists()

    @classmethod
    def open(cls, path: Path) -> Self:
        """Open (or create) the database at ``path`` and bring its schema up to date.

        Missing folders are created owner-only (0o700) and a new file owner-only (0o600)
        before SQLite writes anything to it. Write-ahead logging lets a load proceed while
        another process saves; ``synchronous=NORMAL`` is safe with it (a power cut can lose
        the last saves, never corrupt the file) and saves without waiting for the disk.

        Raises:
            StoreError: The file cannot be created or opened, is not a SQLite database, was
                made by a newer guidebot or by another program, or could not be upgraded.
        """
        path = Path(path)
        _make_private_dirs(path.parent)
        _make_private_file(path)
        try:
            connection = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False
            )
        except sqlite3.Error as error:
            raise StoreError(_explain(path, "open the database", error)) from error
        try:
            # No plugins: nothing outside guidebot gets a hook into this connection.
            db = sqlite_utils.Database(connection, execute_plugins=False)
            db.enable_wal()
            if db.journal_mode != "wal":
                raise StoreError(
                    f"SQLite would not use write-ahead logging here (journal mode "
                    f"'{db.journal_mode}'): keep the database on a local disk"
                )
            db.execute("PRAGMA synchronous=NORMAL")  # per connection, so set on every open
            _backup_before_upgrade(db, path)
            migrate(db, MIGRATIONS)
        except StoreError as error:
            connection.close()
            raise StoreError(f"{path}: {error}") from error
        except sqlite3.Error as error:
            connection.close()
            raise StoreError(_explain(path, "open the database", error)) from error
        _make_side_files_private(path)
        return cls(db, path)

    @property
    def path(self) -> Path:
        """The database file, for messages that must say which file is meant."""
        return self._path

    @contextmanager
    def _using(self, doing: str) -> Iterator[sqlite_utils.Database]:
        """Hold the lock for one operation, turning SQLite's errors into plain StoreErrors."""
        with self._lock:
            if self._closed:
                raise StoreError(
                    f"{self._path}: could not {doing}: the store has been closed: "
                    "open it again with Store.open"
                )
            try:
                yield self._db
            except sqlite3.Error as error:
                raise StoreError(_explain(self._path, doing, error)) from error

    def load(self, key: str) -> Saved | None:
        """The conversation's latest saved state and version; None if none is saved (or ended).

        Raises:
            StoreError: The database cannot be read.
        """
        with self._using("load a conversation") as db:
            rows = list(db.query("SELECT state, version FROM conversations WHERE key = ?", [key]))
        if not rows or rows[0]["state"] is None:
            return None
        return Saved(state=json.loads(rows[0]["state"]), version=int(rows[0]["version"]))

    def save(
        self,
        key: str,
        state: dict[str, Any] | None,
        *,
        expected_version: int,
        audit: Sequence[dict[str, Any]] = (),
        now: float,
    ) -> int:
        """Save the conversation and append its audit events, all or nothing.

        The save goes ahead only if the conversation is still as the caller loaded it: its
        version is ``expected_version``, or ``expected_version`` is 0 and no state is saved.
        Versions count every save of the key, deletions included, and are never reused, so a
        writer holding a version from before a deletion is refused as well.

        Args:
            key: The conversation's id.
            state: The state to keep; None ends the conversation and deletes its state, while
                still recording the audit events and taking a new version.
            expected_version: The version :meth:`load` returned, or 0 if it returned None.
            audit: Events to append, in order, each one row.
            now: When this happened (seconds since the epoch), for ``updated_at`` and the
                events' ``recorded_at``.

        Returns:
            The new version, to pass as ``expected_version`` next time.

        Raises:
            StaleState: Another save for this key got in first; nothing was written.
            TypeError: The state or an event cannot be saved as JSON; nothing was written.
            StoreError: The database cannot be written; nothing was written.
        """
        if state is not None and not isinstance(state, dict):
            raise TypeError(f"a conversation's state must be a dict or None, not {type(state)}")
        with self._using("save a conversation") as db, write_transaction(db):
            # The version is read inside the write transaction, so no other save can come
            # between this check and the write below.
            row = db.execute(
                "SELECT state IS NOT NULL, version FROM conversations WHERE key = ?", [key]
            ).fetchone()
            has_state, current = (bool(row[0]), int(row[1])) if row else (False, 0)
            if expected_version != current and (expected_version != 0 or has_state):
                raise StaleState(
                    f"the conversation changed since it was loaded (expected version "
                    f"{expected_version}, saved version {current}): load it again and retry"
                )
            version = current + 1
            # Plain SQL rather than table.upsert()/insert(): the schema is fixed by the
            # migrations, so the helpers' column inspection would only add queries while the
            # write lock is held.
            db.execute(
                """
                INSERT INTO conversations (key, state, version, updated_at)
                VALUES (?, ?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET
                    state = excluded.state,
                    version = excluded.version,
                    updated_at = excluded.updated_at
                """,
                [key, None if state is None else _to_json(state, "the state"), version, now],
            )
            # Canonical JSON (sorted keys): the text is then exactly what the event's leaf
            # hash covers, and verification need not parse it.
            texts = [
                _to_json(event, f"audit event {number}", canonical=True)
                for number, event in enumerate(audit, start=1)
            ]
            append_events(db, key, now, texts, fields=self._keeps_fields)
        return version

    def audit_events(self, key: str | None = None) -> list[dict[str, Any]]:
        """Every audit event in the order appended (for one key, or all), with its key and time.

        Each event comes back as saved with ``"key"`` and ``"recorded_at"`` added.

        Raises:
            StoreError: The database cannot be read, or an event in it is not the JSON object
                the store wrote (damaged or altered).
        """
        with self._using("read the audit log") as db:
            # A purged event keeps its row (and leaf hash) with its content emptied.
            if key is None:
                rows = list(
                    db.query(
                        "SELECT id, leaf, key, recorded_at, event FROM audit "
                        "WHERE event != '' ORDER BY id"
                    )
                )
            else:
                rows = list(
                    db.query(
                        "SELECT id, leaf, key, recorded_at, event FROM audit "
                        "WHERE key = ? AND event != '' ORDER BY id",
                        [key],
                    )
                )
        return [
            {
                **_parse_event(self._path, row["id"], row["leaf"], row["event"]),
                "key": row["key"],
                "recorded_at": row["recorded_at"],
            }
            for row in rows
        ]

    # Who may use the bot. Roles are plain strings here and the rules live in bot.users.

    def add_enrolment_code(
        self,
        code_hash: str,
        role: str,
        *,
        now: float,
        expires_at: float,
        access_seconds: float | None = None,
    ) -> None:
        """Record a new enrolment code by its hash, unused, valid until ``expires_at``.

        Args:
            code_hash: The code's keyed hash; the code itself is never given to the store.
            role: The role the code enrols with.
            now: When the code was made.
            expires_at: The first moment the code no longer works.
            access_seconds: How long an enrolment made with it lasts; None: until revoked.

        Raises:
            StoreError: The database cannot be written (or already holds this hash).
        """
        with self._using("record an enrolment code") as db, write_transaction(db):
            _users.add_code(
                db,
                code_hash,
                role,
                now=now,
                expires_at=expires_at,
                access_seconds=access_seconds,
            )

    def redeem_enrolment_code(
        self,
        code_hash: str,
        pseudonym: str,
        *,
        now: float,
        key_period: int,
        delay_after: Callable[[int], float],
        conversation: str | None = None,
    ) -> CodeRedemption:
        """Enrol ``pseudonym`` with the code's role, all in one transaction, or say why not.

        ``conversation``, the pseudonym of the chat the code was sent from, is kept with the
        enrolment: the audit log is keyed by chat, and this is its one link to the person.

        The code is used once however many attempts arrive at the same moment. A person with
        ``n`` failed attempts must wait ``delay_after(n)`` seconds after the last before any
        attempt is looked at; one made sooner is refused without being counted or using the
        code. An unknown, used or expired code counts one more failure; enrolling clears them.

        Raises:
            StoreError: The database cannot be written; nothing was written.
        """
        with self._using("redeem an enrolment code") as db, write_transaction(db):
            return _users.redeem_code(
                db,
                code_hash,
                pseudonym,
                now=now,
                key_period=key_period,
                delay_after=delay_after,
                conversation=conversation,
            )

    def user(self, pseudonym: str) -> UserRecord | None:
        """The user enrolled under ``pseudonym`` (revoked or expired too), or None.

        Raises:
            StoreError: The database cannot be read.
        """
        with self._using("read a user") as db:
            return _users.get_user(db, pseudonym)

    def users(self) -> list[UserRecord]:
        """Every user, revoked and expired ones too, oldest enrolment first.

        Raises:
            StoreError: The database cannot be read.
        """
        with self._using("read the users") as db:
            return _users.all_users(db)

    def user_count(self) -> int:
        """How many users were ever enrolled (revoked and expired ones too), without reading them.

        Raises:
            StoreError: The database cannot be read.
        """
        with self._using("count the users") as db:
            return int(db.execute("SELECT count(*) FROM users").fetchone()[0])

    def revoke_user(self, pseudonym: str, *, now: float) -> bool:
        """Mark the user revoked from ``now`` (an earlier revocation keeps its time).

        Returns:
            False if no user has this pseudonym.

        Raises:
            StoreError: The database cannot be written.
        """
        with self._using("revoke a user") as db, write_transaction(db):
            return _users.revoke_user(db, pseudonym, now=now)

    def set_user_role(self, pseudonym: str, role: str) -> bool:
        """Give the user a new role, leaving the rest of their enrolment as it is.

        Returns:
            False if no user has this pseudonym.

        Raises:
            StoreError: The database cannot be written.
        """
        with self._using("change a user's role") as db, write_transaction(db):
            return _users.set_user_role(db, pseudonym, role)

    def save_contact(self, key: str, sealed_chat: str, *, now: float) -> None:
        """Keep the sealed chat id the bot may message unprompted about conversation ``key``.

        Raises:
            StoreError: The database cannot be written.
        """
        with self._using("save a contact") as db, write_transaction(db):
            _users.save_contact(db, key, sealed_chat, now=now)

    def contact(self, key: str) -> str | None:
        """The sealed chat id kept for conversation ``key``, or None.

        Raises:
            StoreError: The database cannot be read.
        """
        with self._using("read a contact") as db:
            return _users.get_contact(db, key)

    def contact_count(self) -> int:
        """How many chats' ids are kept sealed, without reading them.

        Raises:
            StoreError: The database cannot be read.
        """
        with self._using("count the contacts") as db:
            return int(db.execute("SELECT count(*) FROM contacts").fetchone()[0])

    def forget_contact(self, key: str) -> None:
        """Drop the sealed chat id kept for conversation ``key``, if any.

        Raises:
            StoreError: The database cannot be written.
        """
        with self._using("forget a contact") as db, write_transaction(db):
            _users.forget_contact(db, key)

    def audit_texts(self) -> list[tuple[int | None, str, float, str, bytes | None, bytes | None]]:
        """Every audit row as stored, in the order appended, unparsed: what verify hashes.

        Each is (leaf, key, time, event text, salt, leaf hash); a purged event's text is ''.

        Raises:
            StoreError: The database cannot be read.
        """
        with self._using("read the audit log") as db:
            return db.execute(
                "SELECT leaf, key, recorded_at, event, salt, leaf_hash FROM audit ORDER BY id"
            ).fetchall()

    def audit_row(self, leaf: int) -> LoggedEvent | None:
        """The audit log's row at ``leaf`` (counted from 0), or None.

        Raises:
            StoreError: The database cannot be read.
        """
        with self._using("read the audit log") as db:
            row = db.execute(
                "SELECT id, leaf, key, recorded_at, event, salt, leaf_hash, purged_at "
                "FROM audit WHERE leaf = ?",
                [leaf],
            ).fetchone()
        return None if row is None else _logged(self._path, row)

    def audit_rows(self, *, first_leaf: int = 0) -> list[LoggedEvent]:
        """Every row of the audit log as stored, in the order appended, for verification.

        Raises:
            StoreError: The database cannot be read.
        """
        with self._using("read the audit log") as db:
            rows = db.execute(
                "SELECT id, leaf, key, recorded_at, event, salt, leaf_hash, purged_at "
                "FROM audit WHERE leaf IS NULL OR leaf >= ? ORDER BY id",
                [first_leaf],
            ).fetchall()
        return [_logged(self._path, row) for row in rows]

    def leaf_hashes(self) -> list[bytes]:
        """Every event's leaf hash in leaf order: all a Merkle root or a proof needs.

        Raises:
            StoreError: The database cannot be read.
        """
        with self._using("read the audit log's leaves") as db:
            rows = db.execute("SELECT leaf_hash FROM audit ORDER BY leaf").fetchall()
        return [bytes(row[0]) for row in rows]

    def leaf_hash_range(self, start: int, stop: int) -> list[bytes]:
        """Leaf hashes ``start`` to ``stop - 1`` in order, for a proof's edges.

        Raises:
            StoreError: The database cannot be read.
        """
        with self._using("read the audit log's leaves") as db:
            rows = db.execute(
                "SELECT leaf_hash FROM audit WHERE leaf >= ? AND leaf < ? ORDER BY leaf",
                [start, stop],
            ).fetchall()
        return [bytes(row[0]) for row in rows]

    def block_hashes(self, stop: int) -> list[bytes]:
        """The stored hashes of complete blocks ``0`` to ``stop - 1``, in order.

        Raises:
            StoreError: The database cannot be read.
        """
        with self._using("read the audit log's blocks") as db:
            rows = db.execute(
                "SELECT hash FROM audit_blocks WHERE block < ? ORDER BY block", [stop]
            ).fetchall()
        return [bytes(row[0]) for row in rows]

    def audit_size(self) -> int:
        """How many events the log holds (purged ones included).

        Raises:
            StoreError: The database cannot be read.
        """
        with self._using("count the audit log") as db:
            row = db.execute("SELECT coalesce(max(leaf), -1) + 1 FROM audit").fetchone()
        return int(row[0])

    def add_checkpoint(
        self, size: int, root: bytes, note: str, *, signed_at: float, reason: str
    ) -> None:
        """Keep a signed checkpoint of the audit log.

        Raises:
            StoreError: The database cannot be written.
        """
        with self._using("save a checkpoint") as db, write_transaction(db):
            db.execute(
                "INSERT INTO checkpoints (size, root, note, signed_at, reason) "
                "VALUES (?, ?, ?, ?, ?)",
                [size, root, note, signed_at, reason],
            )

    def checkpoint_count(self) -> int:
        """How many checkpoints were signed, without reading their notes.

        Raises:
            StoreError: The database cannot be read.
        """
        with self._using("count the checkpoints") as db:
            return int(db.execute("SELECT count(*) FROM checkpoints").fetchone()[0])

    def checkpoints(self) -> list[StoredCheckpoint]:
        """Every signed checkpoint, oldest first.

        Raises:
            StoreError: The database cannot be read.
        """
        with self._using("read the checkpoints") as db:
            rows = db.execute(
                "SELECT id, size, root, note, signed_at, reason FROM checkpoints ORDER BY id"
            ).fetchall()
        return [
            StoredCheckpoint(int(r[0]), int(r[1]), bytes(r[2]), str(r[3]), float(r[4]), str(r[5]))
            for r in rows
        ]

    def purge_audit(self, before: float, *, now: float) -> int:
        """Empty the content and salt of events recorded before ``before``; returns how many.

        Their leaf hashes stay, so the log still verifies.

        Raises:
            StoreError: The database cannot be written.
        """
        with self._using("purge the audit log") as db, write_transaction(db):
            # The report's copy of each event's fields goes with the event's content.
            db.execute(
                "DELETE FROM audit_fields WHERE id IN "
                "(SELECT id FROM audit WHERE recorded_at < ? AND purged_at IS NULL)",
                [before],
            )
            cursor = db.execute(
                "UPDATE audit SET event = '', salt = NULL, purged_at = ? "
                "WHERE recorded_at < ? AND purged_at IS NULL",
                [now, before],
            )
            return int(cursor.rowcount)

    def first_event_unlike_its_fields(self) -> int | None:
        """The leaf of the first event whose report fields are not what its JSON says, or None.

        -1 stands for fields kept for an event no longer in the log. See
        :data:`bot.store._audit.FIELDS`.

        Raises:
            StoreError: The database cannot be read.
        """
        with self._lock:
            if self._closed:
                raise StoreError(f"{self._path}: could not read the audit log's fields: closed")
        # A read-only connection of its own, so verify can run this beside its own reads
        # (this store's one connection serves one thread at a time).
        try:
            connection = sqlite3.connect(
                f"{self._path.resolve().as_uri()}?mode=ro",
                uri=True,
                timeout=BUSY_TIMEOUT_SECONDS,
                check_same_thread=False,
            )
            try:
                return first_event_unlike_its_fields(connection)
            finally:
                connection.close()
        except sqlite3.Error as error:
            raise StoreError(_explain(self._path, "read the audit log's fields", error)) from error

    def channel_note(self, channel: str, key: str) -> dict[str, Any] | None:
        """What ``channel`` noted about conversation ``key`` (ids and flags only), or None.

        Raises:
            StoreError: The database cannot be read.
        """
        with self._using("read a channel note") as db:
            rows = list(
                db.query(
                    "SELECT note FROM channel_notes WHERE channel = ? AND key = ?", [channel, key]
                )
            )
        if not rows:
            return None
        note: dict[str, Any] = json.loads(rows[0]["note"])
        return note

    def set_channel_note(self, channel: str, key: str, note: dict[str, Any], *, now: float) -> None:
        """Replace what ``channel`` notes about conversation ``key``.

        Raises:
            StoreError: The database cannot be written, or the note is not JSON-able.
        """
        text = _to_json(note, "a channel note")
        with self._using("save a channel note") as db, write_transaction(db):
            db.execute(
                "INSERT INTO channel_notes (channel, key, note, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (channel, key) DO UPDATE SET note = excluded.note, "
                "updated_at = excluded.updated_at",
                [channel, key, text, now],
            )

    def conversation_keys(self) -> list[str]:
        """Every conversation with a saved state, for a timer that closes idle ones.

        Raises:
            StoreError: The database cannot be read.
        """
        with self._using("list conversations") as db:
            rows = db.execute(
                "SELECT key FROM conversations WHERE state IS NOT NULL ORDER BY key"
            ).fetchall()
        return [str(row[0]) for row in rows]

    def open_conversations(self, now: float) -> int:
        """How many conversations are part-way through a flow and not idle past their deadline.

        Counted in SQL from the saved states' phase and deadline (no state is read into
        Python), so a metrics scrape costs one query however many officers there are.

        Raises:
            StoreError: The database cannot be read.
        """
        with self._using("count open conversations") as db:
            row = db.execute(
                "SELECT count(*) FROM conversations WHERE state IS NOT NULL "
                "AND json_extract(state, '$.phase') IN ('step', 'red_flag') "
                "AND json_extract(state, '$.expires_at') >= ?",
                [now],
            ).fetchone()
        return int(row[0])

    def backup(self, destination: Path) -> None:
        """Copy the whole database to ``destination`` while it is in use: see :func:`backup_to`.

        Raises:
            StoreError: The copy cannot be made or written.
        """
        with self._using("back up the database") as db:
            backup_to(db.conn, destination)

    def applied_migrations(self) -> list[tuple[int, str]]:
        """Every migration this database records, as (version, name), oldest first."""
        with self._using("read the migrations") as db:
            rows = list(db.query(f"SELECT version, name FROM {MIGRATIONS_TABLE} ORDER BY version"))
        return [(int(row["version"]), str(row["name"])) for row in rows]

    def schema_version(self) -> int:
        """The newest migration applied to this database."""
        with self._using("read the schema version") as db:
            return recorded_version(db)

    def close(self) -> None:
        """Let go of the file; closing twice is harmless, any other use afterwards is refused."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._db.close()

    def __enter__(self) -> Self:
        """Use the store for the length of a ``with`` block."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the store however the block ended."""
        self.close()


def store_events(store: Store, events: Iterable[Mapping[str, Any]], batch: int = 20_000) -> int:
    """Append events (each with its ``key``) to a store's log in large transactions.

    For tests and the reports' benchmark: the store's own append (leaf hashes and all),
    without a conversation's save around every few events. Returns how many were appended.
    """
    db = store._db
    done = 0
    pending: list[tuple[str, float, str]] = []

    def flush() -> None:
        with write_transaction(db):
            for key, at, text in pending:
                append_events(db, key, at, [text])
        pending.clear()

    for event in events:
        body = {k: v for k, v in event.items() if k not in ("key", "recorded_at")}
        at = float(event.get("recorded_at") or event.get("at") or 0.0)
        pending.append((str(event["key"]), at, canonical_json(body).decode()))
        done += 1
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return done
