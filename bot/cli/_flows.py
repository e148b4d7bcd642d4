"""``guidebot flows``: check the conversation flows, draw one, and measure golden coverage."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from bot.channels import check_flow_folder, default_conversations_dir
from bot.cli._common import data_dir_option, flows_option, knowledge_option, open_knowledge
from bot.engine import (
    Engine,
    FlowCoverage,
    FlowSet,
    StateError,
    TranscriptError,
    TurnResult,
    check_transcript,
    coverage,
    mermaid,
    replay,
)
from bot.knowledge import KnowledgeBase
from bot.language import YamlError, read_yaml


def _valid_flows(knowledge: KnowledgeBase, flows_dir: Path | None) -> FlowSet:
    try:
        flows, report = check_flow_folder(knowledge, flows_dir)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    if not report.ok:
        lines = "\n".join(f"  {problem}" for problem in report.errors)
        raise click.ClickException(
            f"The flows have {len(report.errors)} problem(s):\n{lines}\n"
            "Run 'guidebot flows check' after fixing them."
        )
    return flows


@click.group()
def flows() -> None:
    """Check the conversation flows, draw one for trainers, and measure golden coverage."""


@flows.command()
@flows_option
@knowledge_option
@data_dir_option
def check(flows_dir: Path | None, knowledge_dir: Path | None, data_dir: Path) -> None:
    """Validate every flow; exit 1 if any error is found.

    Errors (a target that does not exist, a step no path reaches, a loop with no way out, an
    unknown knowledge id or topic, a red flag with no prompt...) stop the flow from running and
    name the file, the flow and the step. Warnings (a long message, an abbreviation not spelt
    out on first use) do not, but should be fixed.
    """
    knowledge = open_knowledge(knowledge_dir)
    try:
        found, report = check_flow_folder(knowledge, flows_dir)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in report.lines():
        click.echo(line)
    click.echo(
        f"{len(found)} flow(s) ready: {len(report.errors)} error(s), "
        f"{len(report.warnings)} warning(s)."
    )
    if report.errors:
        sys.exit(1)


@flows.command()
@click.argument("flow")
@flows_option
@knowledge_option
@data_dir_option
def graph(flow: str, flows_dir: Path | None, knowledge_dir: Path | None, data_dir: Path) -> None:
    """Print FLOW as a Mermaid diagram (paste it into any Mermaid viewer).

    The diagram is drawn from the same transition table the bot runs, with the answers on the
    arrows and red flags in red.
    """
    found = _valid_flows(open_knowledge(knowledge_dir), flows_dir)
    if flow not in found:
        names = ", ".join(f.id for f in found)
        raise click.ClickException(f"There is no flow called '{flow}'. The flows are: {names}.")
    click.echo(mermaid(found[flow]), nl=False)


def default_goldens_dir() -> Path:
    """The golden conversations of a source checkout (they are not shipped in the wheel)."""
    return default_conversations_dir().parent / "tests" / "conversations"


@flows.command(name="coverage")
@click.option(
    "--goldens",
    "goldens_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of golden conversations (default: tests/conversations of this checkout).",
)
@click.option(
    "--min",
    "minimum",
    type=click.FloatRange(0, 100),
    default=100.0,
    show_default=True,
    help="Exit 1 when transition and red-flag coverage is below this percentage.",
)
@click.option(
    "--min-answers",
    "minimum_answers",
    type=click.FloatRange(0, 100),
    default=100.0,
    show_default=True,
    help="Exit 1 when answer coverage (every answer of every step) is below this percentage.",
)
@flows_option
@knowledge_option
@data_dir_option
def coverage_command(
    goldens_dir: Path | None,
    minimum: float,
    minimum_answers: float,
    flows_dir: Path | None,
    knowledge_dir: Path | None,
    data_dir: Path,
) -> None:
    """Report which transitions, answers and red flags the golden conversations exercise.

    Every golden is replayed with the state saved to JSON and loaded back between turns.
    Transitions are the arrows of each flow's graph (answers leading to the same step count as
    one arrow); answers are every answer of every step, so an arrow taken by one answer does
    not hide the others. Anything never taken is listed.
    """
    folder = goldens_dir or default_goldens_dir()
    paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not paths:
        raise click.ClickException(
            f"No golden conversations in {folder}. Run this from a source checkout, "
            "or pass --goldens DIR."
        )
    # Every file is read and checked before the seconds the knowledge, flows and engine take.
    transcripts = [(path, _read_golden(path)) for path in paths]
    knowledge = open_knowledge(knowledge_dir)
    found = _valid_flows(knowledge, flows_dir)
    engine = Engine(found, knowledge)
    runs = [_replay_file(engine, path, transcript) for path, transcript in transcripts]
    rows = coverage(found, runs)
    _print_table(rows, len(paths))
    if _share(rows, "main") < minimum or _share(rows, "answers") < minimum_answers:
        sys.exit(1)


def _read_golden(path: Path) -> Any:
    """One golden, read and checked, or a plain message naming the file and what is wrong."""
    try:
        transcript = read_yaml(path.read_text(encoding="utf-8"))
    except YamlError as exc:
        raise click.ClickException(f"{path.name}: {exc}.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{path.name}: cannot be read ({exc}).") from exc
    try:
        check_transcript(transcript)
    except TranscriptError as exc:
        raise click.ClickException(f"{path.name}: {exc}") from exc
    return transcript


def _replay_file(engine: Engine, path: Path, transcript: Any) -> list[TurnResult]:
    """Replay one golden read by :func:`_read_golden`; a state it cannot load is named plainly."""
    try:
        return replay(engine, transcript)
    except (TranscriptError, StateError) as exc:
        raise click.ClickException(f"{path.name}: {exc}") from exc


def _share(rows: list[FlowCoverage], which: str) -> float:
    """Percentage covered, over every flow: transitions and red flags, or answers."""
    if which == "answers":
        covered = sum(sum(row.answers.values()) for row in rows)
        total = sum(len(row.answers) for row in rows)
    else:
        covered = sum(row.covered for row in rows)
        total = sum(row.total for row in rows)
    return 100.0 * covered / total if total else 100.0


def _print_table(rows: list[FlowCoverage], goldens: int) -> None:
    click.echo(f"{'flow':<20} {'transitions':>12} {'red flags':>10} {'answers':>9}")
    for row in rows:
        edges = f"{sum(row.edges.values())}/{len(row.edges)}"
        flags = f"{sum(row.red_flags.values())}/{len(row.red_flags)}"
        answers = f"{sum(row.answers.values())}/{len(row.answers)}"
        click.echo(f"{row.flow:<20} {edges:>12} {flags:>10} {answers:>9}")
    click.echo(
        f"{'total':<20} {_share(rows, 'main'):>11.1f}% {'':>10} {_share(rows, 'answers'):>8.1f}%"
        f"  ({goldens} golden conversations)"
    )
    for row in rows:
        for item in [*row.missing, *row.missing_answers]:
            click.echo(f"not covered: {row.flow}: {item}")
