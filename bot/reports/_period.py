"""Report periods: whole ISO weeks, and months made of whole ISO weeks, in UTC.

Reports over ranges a user picks freely could be subtracted from each other to reach the
figures of a single day, or a single conversation. So a period is never a free range: it is
one ISO week (``2026-W47``) or one month (``2026-11``). A month is the ISO weeks whose Thursday
falls in it (four or five whole weeks, the rule ISO 8601 uses to give a week to a year), so a
month is always the exact sum of its weeks and no week belongs to two months: had a month
been its calendar days, the month less the whole weeks inside it would leave the figures of
its first and last days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

WEEK_SECONDS = 7 * 24 * 3600


class PeriodError(ValueError):
    """The period is not one a report can be made for; the message says which are."""


@dataclass(frozen=True)
class Period:
    """One ISO week or one month of whole ISO weeks; ``start`` inclusive, ``end`` exclusive."""

    name: str
    kind: Literal["month", "week"]
    start: datetime
    end: datetime

    @property
    def weeks(self) -> tuple[Period, ...]:
        """The ISO weeks that make up the period (a week is its own only week)."""
        if self.kind == "week":
            return (self,)
        count = (self.end - self.start).days // 7
        return tuple(_week_starting(self.start + timedelta(days=7 * n)) for n in range(count))

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
    """Read ``YYYY-MM`` (a month) or ``YYYY-Www`` (an ISO week).

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
        first_thursday = next(
            date(year, month, day) for day in range(1, 8) if date(year, month, day).weekday() == 3
        )
        following = date(year + month // 12, month % 12 + 1, 1)
        next_thursday = next(
            following + timedelta(days=n)
            for n in range(7)
            if (following + timedelta(days=n)).weekday() == 3
        )
        return Period(text, "month", _monday(first_thursday), _monday(next_thursday))
    raise PeriodError(
        f"{text!r} is not a period. Use a month (2026-11) or an ISO week (2026-W47): reports "
        "cover whole months or weeks only, so that two reports cannot be subtracted to single "
        "out an officer."
    )
