"""``guidebot flows``: check the conversation flows, draw one, and measure golden coverage."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.channels import check_flow_folder, default_conversations_dir
from bot.cli._common import data_dir_option
from bot.engine import (
    Engine,
    FlowCoverage,
    FlowSet,
    StateError,
    TranscriptError,
    coverage,
    mermaid,
    replay,
)
from bot.engine._compile import load_yaml
from bot.knowledge import KnowledgeBase, KnowledgeError, load_knowledge


def _flows_option(command: click.Command) -> click.Command:
    return click.option(
        "--flows",
        "flows_dir",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=None,
        help="Folder of flows to use (default: the ones shipped with guidebot).",
    )(command)


def _knowledge_option(command: click.Command) -> click.Command:
    return click.option(
        "--knowledge",
        "knowledge_dir",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=None,
        help="Knowledge folder to check references against (default: the shipped one).",
    )(command)


def _knowledge(knowledge_dir: Path | None) -> KnowledgeBase:
    try:
        return load_knowledge(knowledge_dir)
    except (KnowledgeError, FileNotFoundError) as exc:
        raise click.ClickException(f"{exc}\nRun 'guidebot kb check' to see every problem.") from exc


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
@_flows_option
@_knowledge_option
@data_dir_option
def check(flows_dir: Path | None, knowledge_dir: Path | None, data_dir: Path) -> None:
    """Validate every flow; exit 1 if any error is found.

    Errors (a target that does not exist, a step no path reaches, a loop with no way out, an
    unknown knowledge id or topic, a red flag with no prompt...) stop the flow from running and
    name the file, the flow and the step. Warnings (a long message, an abbreviation not spelt
    out on first use) do not, but should be fixed.
    """
    knowledge = _knowledge(knowledge_dir)
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
@_flows_option
@_knowledge_option
@data_dir_option
def graph(flow: str, flows_dir: Path | None, knowledge_dir: Path | None, data_dir: Path) -> None:
    """Print FLOW as a Mermaid diagram (paste it into any Mermaid viewer).

    The diagram is drawn from the same transition table the bot runs, with the answers on the
    arrows and red flags in red.
    """
    found = _valid_flows(_knowledge(knowledge_dir), flows_dir)
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
    help="Exit 1 when total coverage is below this percentage.",
)
@_flows_option
@_knowledge_option
@data_dir_option
def coverage_command(
    goldens_dir: Path | None,
    minimum: float,
    flows_dir: Path | None,
    knowledge_dir: Path | None,
    data_dir: Path,
) -> None:
    """Report which transitions and red flags the golden conversations exercise.

    Every golden is replayed with the state saved to JSON and loaded back between turns. Each
    arrow of each flow's graph and each red flag counts once; anything never taken is listed.
    """
    knowledge = _knowledge(knowledge_dir)
    found = _valid_flows(knowledge, flows_dir)
    folder = goldens_dir or default_goldens_dir()
    paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not paths:
        raise click.ClickException(
            f"No golden conversations in {folder}. Run this from a source checkout, "
            "or pass --goldens DIR."
        )
    engine = Engine(found, knowledge)
    runs = []
    for path in paths:
        try:
            runs.append(replay(engine, load_yaml(path.read_text(encoding="utf-8"))))
        except (TranscriptError, StateError, AttributeError, TypeError) as exc:
            raise click.ClickException(f"{path.name}: {exc}") from exc
    rows = coverage(found, runs)
    _print_table(rows, len(paths))
    total = sum(row.total for row in rows)
    percent = 100.0 * sum(row.covered for row in rows) / total if total else 100.0
    if percent < minimum:
        sys.exit(1)


def _print_table(rows: list[FlowCoverage], goldens: int) -> None:
    click.echo(f"{'flow':<20} {'transitions':>12} {'red flags':>10} {'covered':>9}")
    for row in rows:
        edges = f"{sum(row.edges.values())}/{len(row.edges)}"
        flags = f"{sum(row.red_flags.values())}/{len(row.red_flags)}"
        share = 100.0 * row.covered / row.total if row.total else 100.0
        click.echo(f"{row.flow:<20} {edges:>12} {flags:>10} {share:>8.1f}%")
    covered = sum(row.covered for row in rows)
    total = sum(row.total for row in rows)
    share = 100.0 * covered / total if total else 100.0
    click.echo(f"{'total':<20} {'':>12} {'':>10} {share:>8.1f}%  ({goldens} golden conversations)")
    for row in rows:
        for item in row.missing:
            click.echo(f"not covered: {row.flow}: {item}")
