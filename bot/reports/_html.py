"""The report as one self-contained HTML file: styles and charts inline, nothing fetched.

A trainer can open it offline, print it (A4, tables kept whole where they fit) or email it.
"""

from __future__ import annotations

from html import escape

from bot.reports import _charts
from bot.reports._model import Count, Rate, Report, Section, Share, Table, Value
from bot.reports._render import heading, legend

CSS = """
:root { --ink: #1f2a44; --muted: #5d6778; --line: #dfe3ea; --band: #f4f6f9; --accent: #1d4f91; }
* { box-sizing: border-box; }
body { font: 14px/1.45 "Segoe UI", "Helvetica Neue", Arial, sans-serif; color: var(--ink);
       margin: 0; background: #fff; }
header { background: var(--accent); color: #fff; padding: 22px 36px 18px; }
header h1 { margin: 0 0 4px; font-size: 22px; font-weight: 600; }
header p { margin: 0; opacity: .9; }
main { padding: 8px 36px 40px; max-width: 1100px; }
h2 { font-size: 18px; margin: 30px 0 8px; padding-bottom: 4px;
     border-bottom: 2px solid var(--accent); }
h3 { font-size: 15px; margin: 22px 0 6px; }
.legend { font-size: 12px; color: var(--muted); margin: 14px 0 0; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 14px 0 4px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 150px; }
.card b { display: block; font-size: 22px; }
.card span { font-size: 12px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; margin: 4px 0 2px; }
th { text-align: left; font-weight: 600; border-bottom: 1px solid var(--ink); padding: 4px 6px; }
td { border-bottom: 1px solid var(--line); padding: 3px 6px; vertical-align: top; }
tr:nth-child(even) td { background: var(--band); }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.w { color: var(--muted); font-style: italic; }
.note { font-size: 12px; color: var(--muted); margin: 2px 0 10px; }
figure { margin: 8px 0 4px; }
figure svg { max-width: 100%; height: auto; }
.empty { color: var(--muted); font-style: italic; }
@media print {
  header { background: none; color: var(--ink); border-bottom: 2px solid var(--ink);
           padding: 0 0 8px; }
  main { padding: 0; max-width: none; }
  table, figure { page-break-inside: avoid; }
  h2 { page-break-after: avoid; }
  @page { size: A4; margin: 14mm; }
}
"""


def _cell(value: Value) -> str:
    if isinstance(value, Count):
        if value.value is None:
            return f'<td class="n w" title="withheld">{escape(value.mark)}</td>'
        return f'<td class="n">{value.value:,}</td>'
    if isinstance(value, Share | Rate):
        css = "n" if value.value is not None else "n w"
        return f'<td class="{css}">{escape(str(value))}</td>'
    text = str(value)
    css = ' class="n"' if text.endswith((" s", " min")) or text == "–" else ""
    return f"<td{css}>{escape(text)}</td>"


def _table(table: Table, *, level: str = "h3") -> str:
    parts = [f"<{level}>{escape(table.title)}</{level}>"]
    if not table.rows:
        parts.append('<p class="empty">Nothing in this period.</p>')
    else:
        head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
        body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in table.rows)
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    if table.note:
        parts.append(f'<p class="note">{escape(table.note)}</p>')
    return "\n".join(parts)


def _chart(figure_svg: str, caption: str) -> str:
    return f'<figure role="img" aria-label="{escape(caption)}">{figure_svg}</figure>'


def _cards(section: Section) -> str:
    overview = section.table("conversations")
    searches = section.table("searches")
    flags = section.table("red_flags")
    total = overview.rows[-1][1] if overview and overview.rows else "0"
    unmatched = next(
        (row[1] for row in (searches.rows if searches else ()) if row[0] == "No match"), 0
    )
    raised = sum(
        row[2].value
        for row in (flags.rows if flags else ())
        if isinstance(row[2], Count) and row[2].value is not None
    )
    cards = [
        (total, "conversations"),
        (raised, "red flags raised (published counts)"),
        (unmatched, "questions with no guidance found"),
    ]
    return (
        '<div class="cards">'
        + "".join(
            f"<div class='card'><b>{escape(str(v))}</b><span>{escape(t)}</span></div>"
            for v, t in cards
        )
        + "</div>"
    )


def _section(section: Section, number: int) -> str:
    tag = f"s{number}"
    parts = [f"<h2>{escape(section.title)}</h2>", _cards(section)]
    outcomes = _charts.outcome_bars(section)
    if outcomes:
        figure = _charts.draw(
            outcomes, "Outcomes evidenced (share of conversations asked)", share=True
        )
        parts.append(_chart(_charts.svg(figure, f"{tag}-outcomes"), "Outcomes evidenced"))
    gaps = _charts.gap_bars(section)
    if gaps:
        figure = _charts.draw(gaps, "Biggest training gaps", share=True, colour=_charts.WARN)
        parts.append(_chart(_charts.svg(figure, f"{tag}-gaps"), "Biggest training gaps"))
    for table in section.tables:
        if table.key.startswith("funnel|"):
            bars = _charts.funnel_bars(table)
            figure = _charts.draw(bars, "Conversations reaching each step", share=False)
            name = f"{tag}-{table.key.replace('|', '-')}"
            parts.append(_chart(_charts.svg(figure, name), table.title))
        parts.append(_table(table))
    return "\n".join(parts)


def render_html(report: Report) -> str:
    """The whole report as one HTML page."""
    title = heading(report)
    body = [
        f"<header><h1>{escape(title.split(': ', 1)[0])}</h1>"
        f"<p>{escape(report.period.title)} · {escape(report.period.dates)}"
        f"{' · ' + escape(', '.join(report.flows)) if report.flows else ''}</p></header>",
        "<main>",
        f'<p class="legend">{escape(legend(report))} Practice conversations are reported '
        "apart from operational ones.</p>",
    ]
    for number, section in enumerate(report.sections):
        body.append(_section(section, number))
    if report.self_assessment.rows:
        body.append(_table(report.self_assessment, level="h2"))
    body.append("</main>")
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def render_self_assessment_html(report: Report) -> str:
    """Only the self-assessment rows, as one printable HTML page."""
    title = f"Self-assessment evidence: {report.period.title}"
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>\n"
        f"<header><h1>{escape(title)}</h1><p>{escape(report.period.dates)}</p></header><main>"
        f'<p class="legend">{escape(legend(report))}</p>'
        + _table(report.self_assessment, level="h2")
        + "</main>\n</body></html>\n"
    )
