"""A report as plain text, CSV or JSON: the same figures for a terminal, a sheet or a program."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from bot.reports._model import Count, Rate, Report, Seconds, Share, Table, Value

LEGEND = (
    "<{t}: a count from 1 to {s} (withheld so that no officer can be singled out). "
    "[c]: withheld so that a count under {t} cannot be worked out by subtraction (it may "
    "be any count from 1 up). "
    "–: a share of a withheld count, or a median of fewer than {t} answers."
)


def legend(report: Report) -> str:
    """What the marks in the report mean."""
    said = LEGEND.format(t=report.threshold, s=report.threshold - 1)
    if report.purged:
        said += (
            f" Retention: {report.purged:,} events logged in this period were purged "
            "('guidebot audit purge'); the figures count only the events still held, so they "
            "understate the period."
        )
    return said


def _tables(report: Report) -> list[tuple[str, Table]]:
    found = [(section.title, table) for section in report.sections for table in section.tables]
    if report.self_assessment.rows:
        found.append(("Operational use", report.self_assessment))
    return found


def heading(report: Report) -> str:
    """The report's title line."""
    only = f" ({', '.join(report.flows)} only)" if report.flows else ""
    return f"guidebot trainers' report: {report.period.title}{only}, {report.period.dates}"


def render_text(report: Report) -> str:
    """Aligned plain-text tables, one after another, for a terminal."""
    out = [heading(report), legend(report), ""]
    if not report.sections:
        out.append("No conversations of this kind in the period.")
    for section in report.sections:
        out += [f"== {section.title} ==", ""]
        for table in section.tables:
            out += _text_table(table)
    if report.self_assessment.rows:
        out += ["== Self-assessment ==", ""]
        out += _text_table(report.self_assessment)
    return "\n".join(out)


def render_self_assessment(report: Report) -> str:
    """Only the self-assessment rows, as text."""
    return "\n".join([heading(report), legend(report), "", *_text_table(report.self_assessment)])


def render_self_assessment_csv(report: Report) -> str:
    """The self-assessment rows as a sheet: one line a row of the template and figure."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    table = report.self_assessment
    writer.writerow(["period", *table.columns])
    for row in table.rows:
        writer.writerow([report.period.name, *(_plain(value) for value in row)])
    return buffer.getvalue()


def _text_table(table: Table) -> list[str]:
    lines = [table.title]
    if not table.rows:
        return [*lines, "  (nothing in this period)", ""]
    cells = [list(table.columns), *[[str(v) for v in row] for row in table.rows]]
    widths = [min(48, max(len(row[i]) for row in cells)) for i in range(len(table.columns))]
    for number, row in enumerate(cells):
        fitted = [
            (value if len(value) <= widths[i] else value[: widths[i] - 1] + "…").ljust(widths[i])
            if not _numeric(value)
            else value.rjust(widths[i])
            for i, value in enumerate(row)
        ]
        lines.append("  " + "  ".join(fitted).rstrip())
        if number == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    if table.note:
        lines.append(f"  {table.note}")
    return [*lines, ""]


def _numeric(value: str) -> bool:
    return bool(value) and (value[0].isdigit() or value[0] in "<[–")


def render_csv(report: Report, *, only: str | None = None) -> str:
    """One CSV: section, table, then the table's own columns; withheld counts as marked."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "table", "row", "column", "value"])
    for section_title, table in _tables(report):
        if only is not None and table.key != only:
            continue
        for number, row in enumerate(table.rows, start=1):
            for column, value in zip(table.columns, row, strict=True):
                writer.writerow([section_title, table.title, number, column, _plain(value)])
    return buffer.getvalue()


def _plain(value: Value) -> str:
    if isinstance(value, Share):
        return "" if value.value is None else f"{value.value:.4f}"
    if isinstance(value, Rate):
        return "" if value.value is None else f"{value.value:.2f}"
    if isinstance(value, Seconds):
        return "" if value.value is None else f"{value.value:.1f}"
    return str(value) if not isinstance(value, Count) or value.value is None else str(value.value)


def _json_value(value: Value) -> Any:
    if isinstance(value, Count):
        if value.value is None:
            return {"cell": value.cell, "count": None, "withheld": value.mark}
        return {"cell": value.cell, "count": value.value}
    if isinstance(value, Share | Rate):
        kind = "share" if isinstance(value, Share) else "per_100"
        return {kind: value.value, "of": list(value.of)}
    if isinstance(value, Seconds):
        return {"median_seconds": value.value}
    return value


def report_json(report: Report) -> dict[str, Any]:
    """The report as JSON-able data: every count with its cell id, and the identities.

    With the identities between counts, anyone can check that no withheld count can be
    worked out from the published ones.
    """

    def table(t: Table) -> dict[str, Any]:
        return {
            "key": t.key,
            "title": t.title,
            "note": t.note,
            "columns": list(t.columns),
            "rows": [[_json_value(v) for v in row] for row in t.rows],
        }

    return {
        "period": {
            "name": report.period.name,
            "kind": report.period.kind,
            "start": report.period.start.isoformat(),
            "end": report.period.end.isoformat(),
        },
        "threshold": report.threshold,
        "purged_events": report.purged,
        "flows": list(report.flows),
        "legend": legend(report),
        "sections": [
            {
                "name": s.name,
                "title": s.title,
                "tables": [table(t) for t in s.tables],
                "identities": [[[c, k] for c, k in r.terms] for r in s.relations],
            }
            for s in report.sections
        ],
        "self_assessment": table(report.self_assessment),
    }


def render_json(report: Report) -> str:
    """The report as indented JSON text."""
    return json.dumps(report_json(report), indent=1, ensure_ascii=False) + "\n"
