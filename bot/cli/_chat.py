"""``guidebot chat``: the console chat, the embedded default that needs no token."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot import _cache
from bot.cli._common import (
    data_dir_option,
    flows_option,
    jurisdiction_option,
    knowledge_option,
)

if TYPE_CHECKING:
    from bot.app import App, Settings
    from bot.knowledge import Jurisdiction


def open_app(settings: Settings, *, store: bool) -> App:
    """Build guidebot from its settings, turning what stops it into a plain message."""
    from bot.app import AppError, build_app

    try:
        return build_app(settings, store=store)
    except AppError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command()
@data_dir_option
@click.option("--fresh", is_flag=True, help="Ignore any saved conversation; start at the menu.")
@click.option(
    "--idle-minutes",
    type=click.FloatRange(min=1),
    default=30,
    show_default=True,
    help="Close a conversation after this long without a message.",
)
@flows_option
@knowledge_option
@jurisdiction_option
@click.option("--audit", is_flag=True, help="Write audit events (ids only) to stderr as JSON.")
@click.option(
    "--practice",
    is_flag=True,
    help="Practise a flow: it is logged as practice, kept apart from real jobs.",
)
@click.option(
    "--golden",
    is_flag=True,
    help=(
        "With piped input only: at the end, print the session as a golden transcript skeleton. "
        "It contains everything that was typed, so never use it with real case details."
    ),
)
def chat(
    data_dir: Path,
    fresh: bool,
    idle_minutes: float,
    flows_dir: Path | None,
    knowledge_dir: Path | None,
    jurisdiction: Jurisdiction | None,
    audit: bool,
    practice: bool,
    golden: bool,
) -> None:
    """Chat with guidebot in this terminal: no token, no network.

    Buttons are numbered: type the number to press one, or type your answer in your own words
    (where the question takes a number, such as an age or a time, a number is the answer).
    Type 'help' at any point. In a terminal, a conversation left open is picked up next time
    (the saved state holds answer categories only, never what you typed). Piped input, one
    message a line, always starts at the menu and never touches the saved conversation:

        guidebot chat < script.txt
    """
    interactive = stdin_is_terminal()
    if golden and interactive:
        raise click.UsageError(
            "--golden prints everything typed in the session, so it only works with piped "
            "input: guidebot chat --golden < script.txt"
        )
    # The language pack is read as the engine's modules are imported: name the cache folder
    # first, so that the pack is read back from it rather than parsed again.
    _cache.use_folder(data_dir)
    from bot.app import Settings
    from bot.channels.console import CHANNEL, migrate_old_state, run_console

    settings = Settings(
        data_dir=data_dir,
        knowledge_dir=knowledge_dir,
        flows_dir=flows_dir,
        jurisdiction=jurisdiction,
        idle_seconds=idle_minutes * 60,
    )
    # Piped input keeps nothing: no database is opened, so a script never touches (or
    # creates) the officer's saved conversation.
    with open_app(settings, store=interactive) as app:
        sessions = app.sessions(CHANNEL)
        if interactive:
            migrate_old_state(sessions, data_dir, sys.stdout)
        try:
            session = run_console(
                sessions,
                input_stream=sys.stdin,
                output=sys.stdout,
                interactive=interactive,
                fresh=fresh,
                audit=sys.stderr if audit else None,
                record=golden,
                practice=practice,
            )
        except KeyboardInterrupt:
            place = " Your place is saved; run 'guidebot chat' to carry on." if interactive else ""
            click.echo(f"\nBye.{place}")
            sys.exit(130)
    if golden:
        click.echo(session.golden(), nl=False)


def stdin_is_terminal() -> bool:
    """Whether someone is typing (a terminal) rather than a script being piped in."""
    return sys.stdin.isatty()
