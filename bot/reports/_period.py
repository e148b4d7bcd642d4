"""Report periods: one calendar month or one ISO week, in UTC; never a range a user picks.

Reports over ranges picked freely could be subtracted from each other (the 1st to the 20th
less the 1st to the 19th) to reach the figures of a single day, or a single conversation. So
a period is one calendar month (``2026-11``: the conversations whose flow started from the
1st at 00:00 UTC up to the next month's 1st) or one ISO week (``2026-W47``: Monday to Sunday,
UTC). A week that straddles two months still belongs to both: docs/privacy.md says what that
leaves a reader able to subtract, and why it is small.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal


class PeriodError(ValueError):
    """The period is not one a report can be made for; the message says which are."""


@dataclass(frozen=True)
class Period:
    """One ISO week or one calendar month; ``start`` inclusive, ``end`` exclusive (UTC)."""

    name: str
    kind: Literal["month", "week"]
    start: datetime
    end: datetime

    @property
    def title(self) -> str:
        """How a trainer reads the period: "November 2026" or "Week 47 of 2026"."""
        if self.kind == "week":
            year, week = self.name.split("-W")
            return f"Week {int(week)} of {year}"
        return datetime.strptime(self.name, "%Y-%m").strftime("%B %Y")

    @property
    def dates(self) -> str:
        """The days covered, e.g. "Monday 2 November to Sunday 29 November 2026 (UTC)"."""
        last = self.end - timedelta(days=1)
        first = f"{self.start:%A} {self.start.day} {self.start:%B}"
        if self.start.year != last.year:
            first += f" {self.start.year}"
        return f"{first} to {last:%A} {last.day} {last:%B %Y} (UTC)"

    def is_over(self, now: float) -> bool:
        """Whether the period has ended: figures for a period still running would change."""
        return self.end.timestamp() <= now


def _week_starting(monday: datetime) -> Period:
    year, week, _ = monday.date().isocalendar()
    return Period(f"{year}-W{week:02d}", "week", monday, monday + timedelta(days=7))


def _monday(day: date) -> datetime:
    monday = day - timedelta(days=day.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=UTC)


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_period(text: str) -> Period:
    """Read ``YYYY-MM`` (a calendar month) or ``YYYY-Www`` (an ISO week).

    Raises:
        PeriodError: anything else, such as a range or a single day.
    """
    text = text.strip()
    if found := _WEEK.match(text):
        year, week = int(found.group(1)), int(found.group(2))
        try:
            monday = date.fromisocalendar(year, week, 1)
        except ValueError:
            raise PeriodError(f"{text}: {year} has no ISO week {week}.") from None
        return _week_starting(_monday(monday))
    if found := _MONTH.match(text):
        year, month = int(found.group(1)), int(found.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(f"{text}: there is no month {month}.")
        start = datetime(year, month, 1, tzinfo=UTC)
        end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
        return Period(text, "month", start, end)
    raise PeriodError(
        f"{text!r} is not a period. Use a calendar month (2026-11) or an ISO week (2026-W47): "
        "reports cover whole months or weeks only, so that two reports over overlapping "
        "ranges cannot be subtracted to single out an officer."
    )
