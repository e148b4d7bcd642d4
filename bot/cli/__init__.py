"""The ``guidebot`` command line: a thin layer over the library, one function per command."""

from __future__ import annotations

import click

from bot import __version__
from bot.cli._audit import audit
from bot.cli._chat import chat
from bot.cli._flows import flows
from bot.cli._kb import kb
from bot.cli._run import run


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="guidebot")
def cli() -> None:
    """guidebot: child-protection guidance prompts for police officers on shift.

    Runs offline: the knowledge base, the matcher and the console chat need no network.
    """


cli.add_command(kb)
cli.add_command(flows)
cli.add_command(chat)
cli.add_command(run)
cli.add_command(audit)

__all__ = ["cli"]
