"""A report as data: tables of counts and shares, every count named by its cell id.

Renderers (text, CSV, JSON, HTML, charts) only lay these out; what is withheld was decided
once, when the report was built, so every format shows the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from bot.reports._period import Period
from bot.reports._suppress import Relation

SECONDARY = "[c]"
"""The mark of a figure withheld so that a small one cannot be worked out from it."""


def half_up(value: float, places: int = 0, *, scale: int = 1) -> str:
    """``value`` times ``scale`` to ``places`` decimals, halves rounded up, as trainers round.

    Python's own formatting rounds halves to even (10 of 16 would print 62%, where anyone
    checking by hand writes 63%), and scaling the float first can fall just under a half.
    """
    exact = Decimal(repr(value)) * scale
    return str(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def percent(share: float) -> str:
    """A share as a whole percentage: 0.625 -> '63%'."""
    return f"{half_up(share, scale=100)}%"


@dataclass(frozen=True)
class Count:
    """A count as published: ``value`` is None when withheld, and ``mark`` says why."""

    cell: str
    value: int | None
    mark: str = ""

    def __str__(self) -> str:
        return self.mark if self.value is None else f"{self.value:,}"


@dataclass(frozen=True)
class Share:
    """A share of two published counts (None when either is withheld, or there are none)."""

    value: float | None
    of: tuple[str, str]

    def __str__(self) -> str:
        return "–" if self.value is None else percent(self.value)


@dataclass(frozen=True)
class Rate:
    """Per 100 conversations, from two published counts (None when either is withheld)."""

    value: float | None
    of: tuple[str, str]

    def __str__(self) -> str:
        return "–" if self.value is None else half_up(self.value, 1)


@dataclass(frozen=True)
class Seconds:
    """A median time; None when too few answers to show it without singling anyone out."""

    value: float | None

    def __str__(self) -> str:
        if self.value is None:
            return "–"
        if self.value < 90:
            return f"{self.value:.0f} s"
        return f"{self.value / 60:.1f} min"


Value = str | Count | Share | Rate | Seconds


@dataclass(frozen=True)
class Table:
    """One table of a report, with a stable key the charts and tests find it by."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]
    note: str = ""
    flow: str | None = None
    """The flow the table is about (a funnel), for ``--flow``."""


@dataclass(frozen=True)
class Section:
    """Operational or practice use: its tables and the identities between their counts."""

    name: str
    title: str
    tables: tuple[Table, ...]
    relations: tuple[Relation, ...] = ()

    def table(self, key: str) -> Table | None:
        """The table with this key, if the section has it."""
        return next((t for t in self.tables if t.key == key), None)


@dataclass(frozen=True)
class Report:
    """A trainers' report for one period."""

    period: Period
    threshold: int
    sections: tuple[Section, ...]
    self_assessment: Table
    flows: tuple[str, ...] = ()
    """The flows the report is limited to (empty: all)."""
    versions: tuple[str, ...] = field(default=())
    """The content versions (flows and knowledge) in force during the period."""
    purged: int = 0
    """Events of the period purged under the retention rule: the figures leave them out."""

    def section(self, name: str) -> Section | None:
        """The operational or practice section."""
        return next((s for s in self.sections if s.name == name), None)
