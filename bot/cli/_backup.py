"""``guidebot backup`` and ``guidebot restore``: the database copied safely, and put back safely.

A backup is taken with SQLite's online backup while the bot runs, so nobody has to stop
officers' conversations for it. A restore is the dangerous direction: it checks the copy
first (a SQLite file that passes its integrity check, a schema this guidebot can read, an audit
log that verifies against the public key) and only then replaces the database, keeping the
one it replaces aside. The keys are never in a backup: a copy of the database alone links
nothing to anyone, so the keys are kept apart, in the force's secret store.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import click

from bot.app import DATABASE
from bot.cli._common import data_dir_option

BACKUP_NAME = "guidebot-{stamp}.sqlite3"
"""A backup's name when DEST is a folder: sorts by time, says what it is."""
SIDE_FILES = ("", "-wal", "-shm")
KEY_FILES = ("pseudonym.key", "seal.key", "audit-signing.key")
"""The data folder's keys (bot.keys and bot.audit.log name each), never in a backup."""
KEYS_REMINDER = (
    "The keys are not in the backup: keep pseudonym.key, seal.key and audit-signing.key from "
    "the data folder in your secret store, apart from the database copies."
)


class BackupError(Exception):
    """A backup cannot be taken or restored: the message says why and what to do."""


@dataclass(frozen=True)
class Checked:
    """What restore found in a backup before touching anything."""

    schema: int
    conversations: int
    events: int
    checkpoints: int
    note: str = ""


def _stamp() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def take_backup(database: Path, destination: Path) -> Path:
    """Copy ``database`` to ``destination`` (a file, or a folder to put a dated file in).

    Opens the file directly, not through the store, so a backup never runs a migration.

    Raises:
        BackupError: there is no database, the destination exists, or the copy failed.
    """
    from bot.store import StoreError, backup_to

    if not database.is_file():
        raise BackupError(f"No guidebot database at {database}: check --data-dir or the config.")
    target = (
        destination / BACKUP_NAME.format(stamp=_stamp()) if destination.is_dir() else destination
    )
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new name, or move the old one.")
    source = sqlite3.connect(database, timeout=30)
    try:
        backup_to(source, target)
    except StoreError as error:
        raise BackupError(str(error)) from error
    finally:
        source.close()
    return target


def check_backup(source: Path, data_dir: Path, public_key: str | None = None) -> Checked:
    """Check a backup as restore must before it replaces anything; raise saying what is wrong.

    The checks run on a private copy, so the backup itself is never changed (opening it
    through the store would upgrade its schema).

    Raises:
        BackupError: the file is missing or not SQLite, fails its integrity check, has a
            schema this guidebot cannot read, or its audit log does not verify.
    """
    from bot.audit import NoteError, Verifier
    from bot.audit.log import AuditError, signing_key, verify
    from bot.store import MIGRATIONS, Store, StoreError

    if not source.is_file():
        raise BackupError(f"No backup at {source}: check the path.")
    try:
        connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            (integrity,) = connection.execute("PRAGMA integrity_check").fetchone()
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
            schema = 0
            if "migrations" in tables:
                (schema,) = connection.execute(
                    "SELECT coalesce(max(version), 0) FROM migrations"
                ).fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source} is not a usable SQLite database ({error}).") from error
    if integrity != "ok":
        raise BackupError(f"{source} fails SQLite's integrity check ({integrity}): it is damaged.")
    if schema == 0:
        raise BackupError(f"{source} is not a guidebot database (no record of its schema).")
    if schema > len(MIGRATIONS):
        raise BackupError(
            f"{source} was made by a newer guidebot (schema {schema}; this one reads up to "
            f"{len(MIGRATIONS)}): restore it with that version."
        )
    if public_key is None and not (data_dir / KEY_FILES[2]).exists():
        raise BackupError(
            f"Cannot check the backup's audit log: there is no {KEY_FILES[2]} in {data_dir}. Put "
            "it back from your secret store first, or give the log's public key with --key "
            "(the line 'guidebot audit key' printed)."
        )
    try:
        verifier = (
            Verifier.parse(public_key)
            if public_key is not None
            else signing_key(data_dir, create=False).verifier
        )
    except (AuditError, NoteError) as error:
        raise BackupError(f"Cannot check the audit log without its public key: {error}") from error
    with tempfile.TemporaryDirectory(prefix="guidebot-restore-") as scratch:
        copy = Path(scratch) / DATABASE
        original = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            with sqlite3.connect(copy) as target:
                original.backup(target)
            target.close()
        finally:
            original.close()
        try:
            with Store.open(copy) as store:
                report = verify(store, verifier)
                conversations = len(store.conversation_keys())
        except StoreError as error:
            raise BackupError(f"{source}: {error}") from error
    note = ""
    if not report.ok:
        problem = report.problems[0]
        if not report.never_signed:
            raise BackupError(f"{source}: its audit log does not verify: {problem}")
        if report.events:
            note = "no checkpoint vouches for its log yet (it was backed up before the first)"
    if schema < len(MIGRATIONS):
        upgrade = f"schema {schema} is upgraded at the next start, with a backup first"
        note = f"{note}; {upgrade}" if note else upgrade
    return Checked(schema, conversations, report.events, report.checkpoints, note)


def put_in_place(source: Path, data_dir: Path) -> Path | None:
    """Replace the data folder's database with ``source``; the old one is moved aside.

    Returns where the old database went (None if there was none). The database, its
    write-ahead log and index move together, so the old one stays whole. The new copy is
    written beside the database and renamed into place: at no moment is there half a file.
    """
    from bot._private import make_private_dirs, make_private_file
    from bot.store import BACKUPS_FOLDER

    database = data_dir / DATABASE
    aside: Path | None = None
    if database.exists():
        folder = data_dir / BACKUPS_FOLDER
        make_private_dirs(folder, what="the backups folder")
        aside = folder / f"{database.stem}.replaced-{_stamp()}{database.suffix}"
        for suffix in SIDE_FILES:
            old = database.with_name(database.name + suffix)
            if old.exists():
                os.replace(old, aside.with_name(aside.name + suffix))
    partial = data_dir / f".{DATABASE}.restoring"
    partial.unlink(missing_ok=True)
    make_private_file(partial, what="the restored database")
    with source.open("rb") as reading, partial.open("r+b") as writing:
        shutil.copyfileobj(reading, writing)
        writing.flush()
        os.fsync(writing.fileno())
    os.replace(partial, database)
    return aside


@click.command()
@data_dir_option
@click.argument("destination", type=click.Path(path_type=Path))
def backup(data_dir: Path, destination: Path) -> None:
    """Copy the database to a file while the bot runs (SQLite's online backup).

    DESTINATION is a file to create, or a folder to put guidebot-<time>.sqlite3 in. The copy
    is owner-only and consistent as of one moment, however busy the bot is.
    """
    try:
        target = take_backup(data_dir / DATABASE, destination)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    size = target.stat().st_size
    click.echo(f"Backed up {data_dir / DATABASE} to {target} ({size:,} bytes).")
    click.echo(KEYS_REMINDER)


@click.command()
@data_dir_option
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "--key",
    "public_key",
    default=None,
    help="The audit log's public key line (default: the data folder's own signing key's).",
)
def restore(data_dir: Path, source: Path, public_key: str | None) -> None:
    """Check a backup, then put it in place of the database (the old one kept aside).

    The backup must pass SQLite's integrity check, have a schema this guidebot reads, and
    have an audit log that verifies against the public key; otherwise nothing is changed.
    Stop the bot first: restore refuses while it runs.
    """
    from bot.app import AppError
    from bot.channels.telegram import single_instance

    try:
        checked = check_backup(source, data_dir, public_key)
    except BackupError as error:
        raise click.ClickException(f"{error}\nNothing was changed.") from error
    try:
        with single_instance(data_dir):
            aside = put_in_place(source, data_dir)
    except AppError as error:
        raise click.ClickException(f"{error}\nNothing was changed.") from error
    click.echo(
        f"Checked {source}: schema {checked.schema}, integrity ok, {checked.events} audit events "
        f"and {checked.checkpoints} checkpoints verify, {checked.conversations} open conversations."
    )
    if checked.note:
        click.echo(f"Note: {checked.note}.")
    if aside is not None:
        click.echo(f"Restored. The database it replaced is kept at {aside}.")
    else:
        click.echo("Restored.")
    missing = [name for name in KEY_FILES if not (data_dir / name).exists()]
    if missing:
        # The keys are never in a backup: without them guidebot would refuse to start beside
        # enrolled officers or signed checkpoints, or make new keys that fit nothing here.
        click.echo(
            f"Before starting guidebot, put {', '.join(missing)} from your secret store in "
            f"{data_dir}: the backup holds no keys."
        )
