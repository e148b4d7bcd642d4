"""What the Telegram ``/report`` command sends: the headline charts and the five biggest gaps."""

from __future__ import annotations

from dataclasses import dataclass

from bot.reports import _charts
from bot.reports._model import Report


@dataclass(frozen=True)
class TelegramReport:
    """A PNG of the headline charts and a few lines of text to send with it."""

    png: bytes
    lines: tuple[str, ...]


def telegram_report(report: Report) -> TelegramReport:
    """The headline of the operational section: outcomes and gaps as one PNG, gaps as text.

    Only published figures appear, so the picture and the lines withhold what the full
    report withholds.
    """
    section = report.section("operational")
    if section is None:
        return TelegramReport(b"", (f"No conversations in {report.period.title}.",))
    picture = _charts.png(_charts.headline(section))
    gaps = _charts.gap_bars(section, 5)
    lines = [f"Biggest training gaps, {report.period.title}:"]
    lines += [f"{n}. {bar.label}: {bar.text}" for n, bar in enumerate(gaps, start=1)]
    if not gaps:
        lines.append("None to show: too few answers to report without singling anyone out.")
    return TelegramReport(picture, tuple(lines))
