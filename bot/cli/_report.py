"""``guidebot report``: the trainers' report for one month or ISO week."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import click

from bot.cli._common import data_dir_option, flows_option, knowledge_option, write_output

FORMATS = ("table", "csv", "json", "html")


@click.command()
@data_dir_option
@click.option(
    "--period",
    required=True,
    help="A calendar month (2026-11) or an ISO week (2026-W47), in UTC. Never a free range: "
    "reports over overlapping ranges could be subtracted from each other to single out one "
    "officer's conversations.",
)
@click.option(
    "--flow", "flows", multiple=True, help="Only this flow's figures (repeat for several)."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Plain tables, CSV, JSON, or one self-contained HTML file (charts inline, printable).",
)
@click.option(
    "--practice",
    is_flag=True,
    help="Only practice conversations (reported apart from operational ones in any case).",
)
@click.option(
    "--self-assessment",
    is_flag=True,
    help="Only the inspection self-assessment rows the period's use evidences.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of the screen.",
)
@click.option(
    "--threshold",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Withhold counts below this (1 to 9 show as <10), and any that would give one away.",
)
@flows_option
@knowledge_option
def report(
    data_dir: Path,
    period: str,
    flows: tuple[str, ...],
    output_format: str,
    practice: bool,
    self_assessment: bool,
    output: Path | None,
    threshold: int,
    flows_dir: Path | None,
    knowledge_dir: Path | None,
) -> None:
    """Report to trainers on one month or week: training gaps, funnels and outcomes.

    Counts from the audit log (ids and categories, never text): the share of "no" and "not
    sure" per question, the points left out, where officers stop, time per step, red flags,
    unmatched questions and the outcomes the inspection looks for. Practice is reported apart.
    Small counts are withheld, and so is any figure that would let one be worked out. Periods
    are whole calendar months or ISO weeks (UTC), and only once they are over: a free range
    could be subtracted from an overlapping one to reach a single conversation.

        guidebot report --period 2026-11 --format html --output november.html
    """
    from bot.app import AppError, Settings, load_engine
    from bot.reports import (
        PeriodError,
        build_catalogue,
        build_report,
        default_outcomes,
        parse_period,
        purged_in,
        render_csv,
        render_html,
        render_json,
        render_self_assessment,
        render_self_assessment_csv,
        render_self_assessment_html,
        render_text,
        tally_store,
    )
    from bot.store import StoreError

    try:
        chosen = parse_period(period)
    except PeriodError as exc:
        raise click.UsageError(str(exc)) from exc
    database = Settings(data_dir=data_dir).database
    if not database.exists():
        raise click.ClickException(f"No guidebot database in {data_dir}: nothing to report.")
    settings = Settings(data_dir=data_dir, flows_dir=flows_dir, knowledge_dir=knowledge_dir)
    now = time.time()
    if not chosen.is_over(now):
        raise click.ClickException(
            f"{chosen.name} is not over yet: report on it once it has ended ({chosen.dates})."
        )
    try:
        knowledge, flow_set, _ = load_engine(settings)
        counted = tally_store(database, chosen, default_outcomes())
        purged = purged_in(database, chosen)
    except (AppError, StoreError) as exc:
        raise click.ClickException(str(exc)) from exc
    except sqlite3.Error as exc:
        raise click.ClickException(f"Could not read the audit log in {database}: {exc}.") from exc
    try:
        built = build_report(
            (),
            chosen,
            build_catalogue(flow_set, knowledge),
            now=now,
            threshold=threshold,
            flows=flows,
            counted=counted,
            only=("practice",) if practice else ("operational", "practice"),
            purged=purged,
        )
    except PeriodError as exc:
        raise click.ClickException(str(exc)) from exc
    if self_assessment:
        text = {
            "csv": render_self_assessment_csv,
            "html": render_self_assessment_html,
        }.get(output_format, render_self_assessment)(built)
    else:
        text = {
            "table": render_text,
            "csv": render_csv,
            "json": render_json,
            "html": render_html,
        }[output_format](built)
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    write_output(output, text)
    click.echo(f"Wrote {output}.")
