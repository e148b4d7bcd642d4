"""``guidebot audit``: the supervisors' tamper-evident log: checkpoints, verify, proofs, purge.

The commands read the database file directly, so access to that file (and to the signing key
beside it) is the control: keep the data folder owner-only, as guidebot makes it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.app import DATABASE
from bot.cli._common import data_dir_option, write_output

if TYPE_CHECKING:  # imported when a command runs, so 'guidebot --help' stays quick
    from bot.audit import Signer, Verifier
    from bot.store import Store

DEFAULT_RETENTION_DAYS = 365
"""Purge events older than a year unless told otherwise (GUIDEBOT_AUDIT_RETENTION_DAYS)."""


@contextmanager
def _store(data_dir: Path) -> Iterator[Store]:
    from bot.store import Store, StoreError

    path = data_dir / DATABASE
    if not path.exists():
        raise click.ClickException(
            f"No guidebot database at {path}: check --data-dir (on a new install, "
            "'guidebot doctor' makes the database and keys as the first start would)."
        )
    try:
        with Store.open(path) as store:
            yield store
    except StoreError as error:
        raise click.ClickException(str(error)) from error


def _signer(store: Store, data_dir: Path) -> Signer:
    """The log's signing key, never silently replaced once a checkpoint needs the old one."""
    from bot.audit.log import AuditError, log_signing_key

    try:
        return log_signing_key(store, data_dir)
    except AuditError as error:
        raise click.ClickException(str(error)) from error


def _verifier(text: str | None, data_dir: Path) -> Verifier:
    from bot.audit import NoteError, Verifier
    from bot.audit.log import AuditError, signing_key

    if text is None:
        try:
            return signing_key(data_dir, create=False).verifier
        except AuditError as error:
            raise click.ClickException(str(error)) from error
    candidate = Path(text)
    if candidate.is_file():
        text = candidate.read_text(encoding="utf-8")
    try:
        return Verifier.parse(text)
    except NoteError as error:
        raise click.ClickException(f"That public key is not usable: {error}.") from error


@click.group()
def audit() -> None:
    """Check the tamper-evident audit log, prove an event is in it, and apply retention."""


@audit.command()
@data_dir_option
def key(data_dir: Path) -> None:
    """Print the public key that checks the log's checkpoints: keep it somewhere safe.

    Supervisors and professional standards keep this line outside guidebot; with it, anyone
    can check the log or a proof, and nobody can forge a checkpoint without the signing key.
    """
    with _store(data_dir) as store:
        click.echo(_signer(store, data_dir).verifier.encoded())


@audit.command()
@data_dir_option
def checkpoint(data_dir: Path) -> None:
    """Sign a checkpoint of the log now and print it (keep a copy to catch later tampering)."""
    from bot.audit.log import sign_checkpoint

    with _store(data_dir) as store:
        signer = _signer(store, data_dir)
        click.echo(sign_checkpoint(store, signer, now=time.time(), reason="on demand"), nl=False)


@audit.command()
@data_dir_option
def head(data_dir: Path) -> None:
    """Print the latest signed checkpoint."""
    with _store(data_dir) as store:
        kept = store.checkpoints()
        if not kept:
            raise click.ClickException("No checkpoint yet: run 'guidebot audit checkpoint'.")
        click.echo(kept[-1].note, nl=False)


@audit.command()
@data_dir_option
@click.option(
    "--key",
    "public_key",
    default=None,
    help="The public key line (or a file holding it); default: this folder's own.",
)
@click.option(
    "--checkpoint",
    "kept",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A checkpoint kept outside the database, to catch a cut-off tail.",
)
def verify(data_dir: Path, public_key: str | None, kept: tuple[Path, ...]) -> None:
    """Recompute the log's tree and check every signed checkpoint against it.

    Exits 0 and prints OK, or exits 1 naming the first event altered, deleted, inserted or
    moved, or the events cut off after a kept checkpoint.
    """
    from bot.audit import Signer
    from bot.audit.log import KEY_FILE, KEY_NAME
    from bot.audit.log import verify as check

    notes = [path.read_text(encoding="utf-8") for path in kept]
    with _store(data_dir) as store:
        unsigned = public_key is None and not (data_dir / KEY_FILE).exists()
        if unsigned and not notes and not store.checkpoint_count():
            # A console chat logs without ever signing, so there is no key yet and nothing
            # signed to check: the events' own hashes are still checked (a throwaway key
            # checks no signature), and the supervisor is told what is true and what to do.
            report = check(store, Signer.generate(KEY_NAME).verifier)
            if report.never_signed:
                report.problems[0] = (
                    "No signed checkpoint vouches for the log, and no signing key was made for "
                    "this folder yet (the first checkpoint makes it): run 'guidebot audit "
                    "checkpoint' to make the key and sign the first."
                )
        else:
            if unsigned and store.checkpoint_count():
                _signer(store, data_dir)  # refused, in run's words: the lost key is not made
            report = check(store, _verifier(public_key, data_dir), kept=notes)
    summary = f"{report.events} events ({report.purged} purged), {report.checkpoints} checkpoints"
    if not report.events and report.never_signed:
        # Nothing logged yet: nothing can have been altered, as doctor says ("empty").
        click.echo(f"OK: {summary}: the log is empty, nothing to verify yet.")
        return
    if report.ok:
        click.echo(f"OK: {summary}, all consistent.")
        return
    click.echo(f"NOT OK: {summary}.\n{report.problems[0]}", err=True)
    raise SystemExit(1)


@audit.command()
@data_dir_option
@click.argument("event", type=click.IntRange(min=1))
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the proof (default: proof-EVENT.json here).",
)
def prove(data_dir: Path, event: int, output: Path | None) -> None:
    """Write a proof that EVENT (its number in the log) is in it, checkable without the database.

    Give the file and the public key to whoever needs it (a complaint, a case review, a
    court): 'guidebot audit check-proof FILE --key KEY' checks it offline.
    """
    from bot.audit.log import AuditError
    from bot.audit.log import prove as make_proof

    with _store(data_dir) as store:
        signer = _signer(store, data_dir)
        try:
            proof = make_proof(store, signer, event, now=time.time())
        except AuditError as error:
            raise click.ClickException(str(error)) from error
    target = output or Path(f"proof-{event}.json")
    write_output(target, json.dumps(proof, indent=1, sort_keys=True) + "\n")
    click.echo(f"Wrote {target}.")


@audit.command(name="check-proof")
@data_dir_option
@click.argument("proof_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--key",
    "public_key",
    required=True,
    help="The log's public key line (from 'guidebot audit key'), or a file holding it.",
)
def check_proof(data_dir: Path, proof_file: Path, public_key: str) -> None:
    """Check a proof file with the public key alone: no database, no network.

    --data-dir is accepted like every command's, and not used.
    """
    from bot.audit.log import AuditError, read_proof
    from bot.audit.log import check_proof as check

    try:
        proof = read_proof(proof_file)
    except AuditError as error:
        raise click.ClickException(str(error)) from error
    result = check(proof, _verifier(public_key, Path(".")))
    click.echo(result.message, err=not result.ok)
    if not result.ok:
        raise SystemExit(1)


@audit.command()
@data_dir_option
@click.option(
    "--older-than",
    "days",
    type=click.FloatRange(min=0),
    envvar="GUIDEBOT_AUDIT_RETENTION_DAYS",
    default=DEFAULT_RETENTION_DAYS,
    show_default=True,
    help="Purge events recorded more than this many days ago.",
)
def purge(data_dir: Path, days: float) -> None:
    """Delete old events' content, keeping their hashes so the log still verifies."""
    from bot.audit.log import purge as run_purge
    from bot.audit.log import sign_checkpoint

    with _store(data_dir) as store:
        signer = _signer(store, data_dir)
        now = time.time()
        count = run_purge(store, older_than_days=days, now=now)
        sign_checkpoint(store, signer, now=now, reason="after purge")
    click.echo(f"Purged {count} events older than {days:g} days; the log still verifies.")


def _day(text: str | None) -> float | None:
    """A date (YYYY-MM-DD, UTC) as a timestamp at its midnight."""
    if text is None:
        return None
    from datetime import UTC, datetime

    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC).timestamp()
    except ValueError as error:
        raise click.BadParameter(f"{text!r} is not a date: write it as 2026-11-30") from error


@audit.command(name="list")
@data_dir_option
@click.option("--since", default=None, help="First day, YYYY-MM-DD (UTC), inclusive.")
@click.option("--until", default=None, help="Day to stop before, YYYY-MM-DD (UTC).")
@click.option(
    "--officer",
    default=None,
    help="Only one person's runs: their pseudonym (u-..., as 'users list' names them) or "
    "their conversation's (c-..., as this list names it).",
)
@click.option("--flow", default=None, help="Only runs of this flow.")
@click.option("--red-flags", is_flag=True, help="Only runs that raised a red flag.")
def list_runs(
    data_dir: Path,
    since: str | None,
    until: str | None,
    officer: str | None,
    flow: str | None,
    red_flags: bool,
) -> None:
    """List flow runs: who (pseudonym), which flow, when, how it ended, and its red flags.

    A red flag never acknowledged is marked; 'guidebot audit show RUN' shows a run's events.
    """
    from bot.audit.runs import runs, select, table

    with _store(data_dir) as store:
        if officer is not None and officer.startswith("u-"):
            officer = _conversation_of(store, officer)
        every = runs(store.audit_events())
    chosen = select(
        every,
        since=_day(since),
        until=_day(until),
        officer=officer,
        flow=flow,
        red_flags_only=red_flags,
    )
    click.echo(table(chosen))


def _conversation_of(store: Store, user: str) -> str:
    """The chat pseudonym the log keeps an enrolled user's conversations under.

    The log is keyed by chat, ``users list`` by person: without the link kept at enrolment a
    supervisor asking for a person would get "0 runs.", which reads as never prompted.
    """
    found = store.user(user)
    if found is None:
        raise click.ClickException(
            f"No one is enrolled as {user}: 'guidebot users list' names everyone enrolled."
        )
    if found.conversation is None:
        raise click.ClickException(
            f"{user} enrolled before guidebot kept the chat each person enrolled from, and the "
            "log names conversations by chat (c-...), which cannot be linked to a person "
            "without their Telegram id. Once they enrol again with a new code, this finds all "
            "their runs of this key period; until then, find them by day, flow or red flag "
            "(--since, --until, --flow, --red-flags)."
        )
    click.echo(f"{user}'s conversations are logged as {found.conversation}.")
    return found.conversation


@audit.command()
@data_dir_option
@click.argument("run")
def show(data_dir: Path, run: str) -> None:
    """Show one run's events in order (RUN as 'audit list' names it: PSEUDONYM:NUMBER)."""
    from bot.audit.runs import runs
    from bot.audit.runs import show as render

    with _store(data_dir) as store:
        every = runs(store.audit_events())
    for candidate in every:
        if candidate.name == run:
            click.echo(render(candidate))
            return
    raise click.ClickException(f"No run {run} in the log: 'guidebot audit list' names them.")


@audit.command()
@data_dir_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl"]),
    default="csv",
    show_default=True,
    help="CSV for a spreadsheet, JSON lines for tools.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: standard output).",
)
def export(data_dir: Path, fmt: str, output: Path | None) -> None:
    """Export every event still held (categories, ids and pseudonyms; never text)."""
    from bot.audit.runs import export as render

    with _store(data_dir) as store:
        text = render(store.audit_events(), fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_output(output, text)
        click.echo(f"Wrote {output}.")
