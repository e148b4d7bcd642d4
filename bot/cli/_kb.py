"""``guidebot kb``: check, trace and search the knowledge base."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from bot.cli._common import (
    data_dir_option,
    jurisdiction_option,
    knowledge_option,
    open_knowledge,
)
from bot.knowledge import (
    Jurisdiction,
    SearchResult,
    coverage,
    read_knowledge,
)

NO_MATCH_ADVICE = (
    "Nothing in the guidance fits that well enough. Try other words, or ask your supervisor "
    "or the specialist child protection advice line."
)


@click.group()
def kb() -> None:
    """Check, trace and search the knowledge base."""


@kb.command()
@knowledge_option
@data_dir_option
def check(knowledge_dir: Path | None, data_dir: Path) -> None:
    """Validate every knowledge entry, the taxonomy and the seed bullets; exit 1 on any error.

    Errors (unknown topic, duplicate id, missing source, a related entry that does not exist,
    a topic with no entry, a source or officer-facing text that cites the legal facts sheet or
    a finding's number, a malformed taxonomy or seed-bullets file) stop the bot from using
    the base. Warnings (a past review date, a
    term shared by unrelated entries) do not, but should be fixed.
    """
    loaded = read_knowledge(knowledge_dir)
    for line in loaded.report.lines():
        click.echo(line)
    errors, warnings = len(loaded.report.errors), len(loaded.report.warnings)
    click.echo(f"{len(loaded.entries)} entries checked: {errors} error(s), {warnings} warning(s).")
    if errors:
        sys.exit(1)


@kb.command(name="coverage")
@knowledge_option
@data_dir_option
def coverage_command(knowledge_dir: Path | None, data_dir: Path) -> None:
    """Trace every inspection bullet (seeds 001 and 003) to the entries that cover it.

    Exit 1 when a bullet that bears on frontline practice has no entry.
    """
    base = open_knowledge(knowledge_dir)
    rows = coverage(base)
    width = max((len(row.bullet.id) for row in rows), default=8)
    for row in rows:
        if row.entry_ids:
            covered_by = ", ".join(row.entry_ids)
        elif row.bullet.out_of_scope:
            covered_by = f"out of scope: {row.bullet.out_of_scope}"
        else:
            covered_by = "UNTRACED"
        click.echo(f"{row.bullet.id:<{width}}  {covered_by}")
    untraced = sum(row.untraced for row in rows)
    out_of_scope = sum(1 for row in rows if not row.entry_ids and row.bullet.out_of_scope)
    click.echo(
        f"{len(rows)} bullets: {len(rows) - untraced - out_of_scope} traced, "
        f"{out_of_scope} out of scope, {untraced} untraced."
    )
    if untraced:
        sys.exit(1)


def _print_result(result: SearchResult) -> None:
    if result.status == "none":
        click.echo(NO_MATCH_ADVICE)
        if result.matches:
            click.echo("Closest, but not a good fit:")
    elif result.status == "ambiguous":
        click.echo("Not sure which you mean. Closest options:")
    for rank, match in enumerate(result.matches, start=1):
        entry = match.entry
        click.echo(f"{rank}. {entry.title} [{entry.id}] score {match.score:.0f}")
        click.echo(f"   {entry.summary}")
        click.echo(f"   Source: {'; '.join(entry.source)}")
    if result.status == "ambiguous":
        click.echo(
            "If none of these fits, ask your supervisor or specialist child protection advice."
        )


@kb.command()
@click.argument("text")
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 50))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per query.")
@jurisdiction_option
@knowledge_option
@data_dir_option
def search(
    text: str,
    limit: int,
    as_json: bool,
    jurisdiction: Jurisdiction | None,
    knowledge_dir: Path | None,
    data_dir: Path,
) -> None:
    """Search the guidance for TEXT, as an officer would type or say it.

    Pass - as TEXT to read one query per line from standard input; with --json each answer is
    one line: {"query", "status", "results": [{"id", "title", "stage", "topics", "score",
    "source"}]}, status being confident, ambiguous or none. --jurisdiction leaves out the
    other nation's guidance.
    """
    base = open_knowledge(knowledge_dir, jurisdiction)
    queries = [line.rstrip("\n") for line in sys.stdin] if text == "-" else [text]
    for query in queries:
        if text == "-" and not query.strip():
            continue
        result = base.search(query, limit=limit)
        if as_json:
            click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            _print_result(result)


@kb.command()
@click.argument("entry_id")
@knowledge_option
@data_dir_option
def show(entry_id: str, knowledge_dir: Path | None, data_dir: Path) -> None:
    """Print one entry in full, as an officer would see it."""
    base = open_knowledge(knowledge_dir)
    entry = base.get(entry_id)
    if entry is None:
        raise click.ClickException(
            f"No entry has the id '{entry_id}'. Use 'guidebot kb search' to find it."
        )
    click.echo(entry.title)
    click.echo(entry.summary)
    for bullet in entry.guidance:
        click.echo(f"- {bullet}")
    click.echo("Ask yourself:")
    for question in entry.ask_yourself:
        click.echo(f"- {question}")
    click.echo(f"Source: {'; '.join(entry.source)}")
