"""Options and helpers every command shares.

Nothing heavy is imported here: every command module imports this one, and a command pays only
for what it uses (the knowledge base is imported by :func:`open_knowledge`, when called).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from bot.knowledge import Jurisdiction, KnowledgeBase

F = TypeVar("F", bound=Callable[..., Any])


def default_data_dir() -> Path:
    """Where guidebot keeps its files unless told otherwise.

    ``GUIDEBOT_DATA_DIR`` wins over the per-user data directory so that tests, benchmarks and
    several deployments on one host never share state by accident.
    """
    override = os.environ.get("GUIDEBOT_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs  # only where no folder is given: the look-up costs an import

    return Path(platformdirs.user_data_dir("guidebot", appauthor=False))


def data_dir_option(command: F) -> F:
    """Add ``--data-dir DIR`` to a command; the value arrives as the ``data_dir`` Path argument."""
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder for guidebot's files (default: GUIDEBOT_DATA_DIR, else the user data folder).",
        callback=lambda _ctx, _param, value: value if value is not None else default_data_dir(),
    )(command)


def jurisdiction_option(command: F) -> F:
    """Add ``--jurisdiction england|wales``; arrives as ``jurisdiction`` (None: show both).

    A deployment setting, never a question for the officer: a force is in one nation or the
    other. ``GUIDEBOT_JURISDICTION`` sets it for a whole deployment.
    """
    return click.option(
        "--jurisdiction",
        type=click.Choice(["england", "wales"]),
        envvar="GUIDEBOT_JURISDICTION",
        default=None,
        help="Show only guidance that holds in this nation (default: both nations' entries).",
    )(command)


def knowledge_option(command: F) -> F:
    """Add ``--knowledge DIR``, for trainers trying an edited copy of the base."""
    return click.option(
        "--knowledge",
        "knowledge_dir",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=None,
        help="Knowledge folder to use (default: the one shipped with guidebot).",
    )(command)


def flows_option(command: F) -> F:
    """Add ``--flows DIR``, for trainers trying an edited copy of the flows."""
    return click.option(
        "--flows",
        "flows_dir",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=None,
        help="Folder of flows to use (default: the ones shipped with guidebot).",
    )(command)


def open_knowledge(
    knowledge_dir: Path | None, jurisdiction: Jurisdiction | None = None
) -> KnowledgeBase:
    """Load the knowledge base, or stop with a message a trainer can act on."""
    from bot.app import AppError, open_knowledge_base

    try:
        return open_knowledge_base(knowledge_dir, jurisdiction)
    except AppError as exc:
        raise click.ClickException(str(exc)) from exc


def write_output(path: Path, text: str) -> None:
    """Write a command's ``--output`` file, or stop with what was wrong and what to do.

    A mistyped folder is the usual cause, and a trainer or supervisor should read that, not a
    traceback.
    """
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        reason = (error.strerror or type(error).__name__).lower()
        raise click.ClickException(
            f"Could not write {path}: {reason}. Check the folder exists and this account can "
            "write to it."
        ) from error
