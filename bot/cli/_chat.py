"""``guidebot chat``: the console chat, the embedded default that needs no token."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.channels import load_flows
from bot.channels.console import run_console
from bot.cli._common import (
    data_dir_option,
    flows_option,
    jurisdiction_option,
    knowledge_option,
    open_knowledge,
)
from bot.engine import Engine, FlowError
from bot.knowledge import Jurisdiction


def open_engine(
    knowledge_dir: Path | None,
    flows_dir: Path | None,
    idle_minutes: float = 30,
    jurisdiction: Jurisdiction | None = None,
) -> Engine:
    """Load the knowledge and the flows, turning their errors into a plain message."""
    knowledge = open_knowledge(knowledge_dir, jurisdiction)
    try:
        flows = load_flows(knowledge, flows_dir)
    except (FlowError, FileNotFoundError) as exc:
        raise click.ClickException(
            f"{exc}\nRun 'guidebot flows check' to see every problem."
        ) from exc
    return Engine(flows, knowledge, idle_seconds=idle_minutes * 60)


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
    engine = open_engine(knowledge_dir, flows_dir, idle_minutes, jurisdiction)
    try:
        session = run_console(
            engine,
            input_stream=sys.stdin,
            output=sys.stdout,
            data_dir=data_dir,
            interactive=interactive,
            fresh=fresh,
            audit=sys.stderr if audit else None,
            record=golden,
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
