"""The ``guidebot`` command line: a thin layer over the library, one function per command.

Commands are imported only when they run: ``guidebot chat`` must not pay for the knowledge
checker, the flow tools or the user administration, so each command is registered below by
where it lives, and ``guidebot --help`` lists them from their summaries without importing any.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import NamedTuple

import click

from bot import __version__


class Registered(NamedTuple):
    """Where a command lives, and the first paragraph of its help for ``guidebot --help``."""

    where: str
    """``module:attribute``, imported when the command runs (or its help is asked for)."""
    summary: str = ""
    """The first paragraph of the command's docstring, so the command list needs no import
    (``tests/test_startup.py`` checks it still matches); empty: imported to list it."""


COMMANDS: dict[str, Registered] = {
    "audit": Registered(
        "bot.cli._audit:audit",
        "Check the tamper-evident audit log, prove an event is in it, and apply retention.",
    ),
    "backup": Registered(
        "bot.cli._backup:backup",
        "Copy the database to a file while the bot runs (SQLite's online backup).",
    ),
    "chat": Registered(
        "bot.cli._chat:chat", "Chat with guidebot in this terminal: no token, no network."
    ),
    "doctor": Registered(
        "bot.cli._doctor:doctor",
        "Check everything a deployment needs, one pass or fail line for each.",
    ),
    "flows": Registered(
        "bot.cli._flows:flows",
        "Check the conversation flows, draw one for trainers, and measure golden coverage.",
    ),
    "kb": Registered("bot.cli._kb:kb", "Check, trace and search the knowledge base."),
    "keys": Registered(
        "bot.cli._keys:keys",
        "See and rotate the keys that turn Telegram ids into pseudonyms (never the keys).",
    ),
    "report": Registered(
        "bot.cli._report:report",
        "Report to trainers on one month or week: training gaps, funnels and outcomes.",
    ),
    "restore": Registered(
        "bot.cli._backup:restore",
        "Check a backup, then put it in place of the database (the old one kept aside).",
    ),
    "run": Registered(
        "bot.cli._run:run", "Run guidebot as a Telegram bot until stopped (Ctrl-C or SIGTERM)."
    ),
    "transcribe": Registered(
        "bot.cli._transcribe:transcribe",
        "Transcribe audio files offline with the voice recogniser guidebot uses.",
    ),
    "users": Registered(
        "bot.cli._users:users",
        "Enrol officers, see who may use guidebot, revoke access and change roles.",
    ),
}
"""Every command by name. To add one, add a line here; a module that does not exist (yet) is
left out of the list rather than breaking the rest."""


def available(name: str) -> bool:
    """Whether the command's module is there to import (found without importing it)."""
    module = COMMANDS[name].where.partition(":")[0]
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def load(name: str) -> click.Command:
    """Import a registered command."""
    module, _, attribute = COMMANDS[name].where.partition(":")
    command = getattr(importlib.import_module(module), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"{COMMANDS[name].where} is not a click command")
    return command


class _Commands(MutableMapping[str, click.Command]):
    """The group's commands: every name known at once, each command imported on first use."""

    def __init__(self) -> None:
        self._loaded: dict[str, click.Command] = {}

    def _names(self) -> list[str]:
        return sorted({*self._loaded, *(name for name in COMMANDS if available(name))})

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            if name not in COMMANDS or not available(name):
                raise KeyError(name)
            self._loaded[name] = load(name)
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def is_loaded(self, name: str) -> bool:
        """Whether the command has been imported (or added directly)."""
        return name in self._loaded


class LazyGroup(click.Group):
    """A click group whose commands are imported when run, and listed from their summaries."""

    commands: _Commands

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands as click does, using each summary instead of importing it."""
        rows: list[tuple[str, click.Command]] = []
        for name in self.list_commands(ctx):
            summary = COMMANDS[name].summary if name in COMMANDS else ""
            if summary and not self.commands.is_loaded(name):
                rows.append((name, click.Command(name, help=summary)))
                continue
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in rows])


@click.group(
    cls=LazyGroup, commands=_Commands(), context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="guidebot")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="GUIDEBOT_CONFIG",
    default=None,
    help="A deployment's YAML config file (see deploy/config.example.yaml).",
)
@click.pass_context
def cli(ctx: click.Context, config_file: Path | None) -> None:
    """guidebot: child-protection guidance prompts for police officers on shift.

    Runs offline: the knowledge base, the matcher and the console chat need no network.
    """
    _apply_config(ctx, config_file)


CONFIGURED = frozenset({"run", "doctor", "backup", "restore", "audit"})
"""Commands that read the deployment's settings (from GUIDEBOT_ variables) even with no file."""


def _apply_config(ctx: click.Context, config_file: Path | None) -> None:
    """Check the config before the command runs, and make its settings the commands' defaults.

    ``guidebot run``'s options, the console's nation and idle time and ``audit purge``'s
    retention default to the config's settings (an option given still wins); every command
    finds the data folder through the variable its ``--data-dir`` already reads. ``doctor`` is
    handed a bad config to report as its first failed check.
    """
    command = ctx.invoked_subcommand
    if config_file is None and command not in CONFIGURED:
        return  # the console chat and the trainers' tools need no config
    import os

    from bot.config import ConfigError, load_config

    try:
        config = load_config(config_file)
    except ConfigError as error:
        if command == "doctor":
            ctx.obj = error
            return
        raise click.ClickException(str(error)) from None
    ctx.obj = config
    ctx.default_map = config.command_defaults()
    if config.data_dir is not None:  # read by every command's --data-dir default
        os.environ["GUIDEBOT_DATA_DIR"] = str(config.data_dir)


__all__ = ["COMMANDS", "LazyGroup", "Registered", "cli"]
