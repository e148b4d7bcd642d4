"""``guidebot report``: the trainers' report for one month or ISO week."""

from __future__ import annotations

import time
from pathlib import Path

import click

from bot.cli._common import data_dir_option, flows_option, knowledge_option

FORMATS = ("table", "csv", "json", "html", "self-assessment")


@click.command()
@data_dir_option
@click.option(
    "--period",
    required=True,
    help="A month (2026-11) or an ISO week (2026-W47), in UTC; never a free range.",
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
    help="Plain tables, CSV, JSON, one self-contained HTML file, or the self-assessment rows.",
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
    are whole ISO weeks, or months of whole weeks, and only once they are over:

        guidebot report --period 2026-11 --format html --output november.html
    """
    from bot.app import AppError, Settings, load_engine
    from bot.reports import (
        PeriodError,
        build_catalogue,
        build_report,
        parse_period,
        render_csv,
        render_html,
        render_json,
        render_self_assessment,
        render_text,
    )
    from bot.store import Store, StoreError

    try:
        chosen = parse_period(period)
    except PeriodError as exc:
        raise click.UsageError(str(exc)) from exc
    database = Settings(data_dir=data_dir).database
    if not database.exists():
        raise click.ClickException(f"No guidebot database in {data_dir}: nothing to report.")
    settings = Settings(data_dir=data_dir, flows_dir=flows_dir, knowledge_dir=knowledge_dir)
    try:
        knowledge, flow_set, _ = load_engine(settings)
        with Store.open(database) as store:
            events = store.audit_events()
    except (AppError, StoreError) as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        built = build_report(
            events,
            chosen,
            build_catalogue(flow_set, knowledge),
            now=time.time(),
            threshold=threshold,
            flows=flows,
        )
    except PeriodError as exc:
        raise click.ClickException(str(exc)) from exc
    if self_assessment:
        output_format = "self-assessment"
    text = {
        "table": render_text,
        "csv": render_csv,
        "json": render_json,
        "html": render_html,
        "self-assessment": render_self_assessment,
    }[output_format](built)
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {output}.")
