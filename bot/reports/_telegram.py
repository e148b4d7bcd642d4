"""What the Telegram ``/report`` command sends: charts, gaps, and guidance found wanting.

The headline charts, the five biggest gaps, then the guidance officers most often called
wrong or not helpful.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.reports import _charts
from bot.reports._model import Count, Report, Section
from bot.reports._period import Period, parse_period


@dataclass(frozen=True)
class TelegramReport:
    """Charts as PNG images (with a caption each) and a few lines of text to send after them."""

    pictures: tuple[tuple[str, bytes], ...]
    lines: tuple[str, ...]

    @property
    def png(self) -> bytes:
        """The first chart (the outcomes), or nothing."""
        return self.pictures[0][1] if self.pictures else b""


def last_complete_month(now: float) -> Period:
    """The calendar month before the one ``now`` falls in: the last one that is over."""
    today = datetime.fromtimestamp(now, UTC)
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return parse_period(f"{year}-{month:02d}")


def telegram_report(report: Report) -> TelegramReport:
    """The headline of the operational section: outcomes and gaps as PNGs, the gaps as text.

    Only published figures appear, so the pictures and the lines withhold what the full
    report withholds.
    """
    section = report.section("operational")
    purged = (
        [f"Retention: {report.purged:,} events of {report.period.title} were purged; these "
         "figures count only the events still held."]
        if report.purged
        else []
    )  # fmt: skip
    if section is None:
        return TelegramReport((), (f"No conversations in {report.period.title}.", *purged))
    pictures: list[tuple[str, bytes]] = []
    outcomes = _charts.outcome_bars(section)
    if outcomes:
        figure = _charts.draw(outcomes, "Outcomes evidenced", share=True)
        pictures.append((f"Outcomes evidenced, {report.period.title}", _charts.png(figure)))
    gaps = _charts.gap_bars(section, 5)
    if gaps:
        figure = _charts.draw(gaps, "Biggest training gaps", share=True, colour=_charts.WARN)
        pictures.append((f"Biggest training gaps, {report.period.title}", _charts.png(figure)))
    lines = [f"Biggest training gaps, {report.period.title}:"]
    lines += [f"{n}. {bar.label}: {bar.text}" for n, bar in enumerate(gaps, start=1)]
    if not gaps:
        lines.append("None to show: too few answers to report without singling anyone out.")
    lines += _wanting(section)
    lines += purged
    lines.append("The full report: guidebot report --period " + report.period.name)
    return TelegramReport(tuple(pictures), tuple(lines))


FEEDBACK_SHOWN = 3
"""How many entries of guidance found wanting the headline names."""


def _wanting(section: Section) -> list[str]:
    """The guidance officers most often called wrong or not helpful, from published counts.

    An entry is named only when both its 'wrong' and its 'not helpful' are published, so the
    headline never says more about a small count than the full report does.
    """
    table = section.table("feedback")
    if table is None or not table.rows:
        return []
    named: list[str] = []
    for row in table.rows:
        title, total, not_helpful, wrong = row[0], row[2], row[4], row[5]
        if not (isinstance(not_helpful, Count) and isinstance(wrong, Count)):
            continue
        if not_helpful.value is None or wrong.value is None:
            continue
        if not not_helpful.value + wrong.value:
            continue
        of = f" of {total}" if isinstance(total, Count) and total.value is not None else ""
        named.append(f"- {title}: {wrong.value} wrong, {not_helpful.value} not helpful{of}")
        if len(named) == FEEDBACK_SHOWN:
            break
    heading = "Guidance most often called wrong or not helpful:"
    if not named:
        return [heading, "None to show: too little feedback to report without singling anyone out."]
    return [heading, *named]


def trainers_headline(database: Path, data_dir: Path, now: float) -> TelegramReport:
    """``/report``: the last complete month's headline, counted from the store's database."""
    from bot.app import Settings, load_engine
    from bot.reports._build import build_report
    from bot.reports._catalogue import build_catalogue
    from bot.reports._outcomes import default_outcomes
    from bot.reports._sql import purged_in, tally_store

    period = last_complete_month(now)
    knowledge, flows, _ = load_engine(Settings(data_dir=data_dir))
    counted = tally_store(database, period, default_outcomes())
    report = build_report(
        (),
        period,
        build_catalogue(flows, knowledge),
        now=now,
        counted=counted,
        purged=purged_in(database, period),
    )
    return telegram_report(report)
