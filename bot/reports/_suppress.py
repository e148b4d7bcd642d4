"""Small-count suppression that subtraction cannot undo: primary, secondary and an exact audit.

The method, as statistical offices apply it to frequency tables (ONS, the tau-ARGUS tools):

1. Primary suppression: a count from 1 to ``threshold - 1`` is withheld ("<10").
2. Every count that can be worked out from published ones is protected too, though never
   shown: e.g. a question's "yes" and its number of answers give away the rest.
3. Secondary suppression: the report states the identities between its figures (a flow's
   runs are those completed plus those stopped; a step's stops are its cancels, time-outs
   and runs left open; stops at every step add up to the flow's; ...). While any withheld
   count could be narrowed by them to fewer than ``protection`` values, the smallest figure
   of ``threshold`` or more that takes part in one of its identities is withheld as well
   (shown as "[c]"), and the audit runs again.
4. The audit is exact: for each withheld count it solves two integer programmes (the least
   and the most the count could be, given every published figure and identity) with the
   HiGHS solver in SciPy. The attacker it assumes knows more than a reader is told: that a
   "<10" is 1 to 9, that a "[c]" is 10 or more, and that a count never printed is zero when
   it is (the usual case, such as no one going back, that a reader would guess).

Zero is shown as 0: it singles no one out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

PROTECTION = 3
"""A withheld count must stay consistent with at least this many values (e.g. 1, 2 or 3)."""


@dataclass(frozen=True)
class Relation:
    """An identity between figures: the sum of coefficient times count is zero."""

    terms: tuple[tuple[str, int], ...]

    @classmethod
    def total(cls, total: str, parts: Iterable[str]) -> Relation:
        """``total`` is the sum of ``parts``."""
        coefficients: dict[str, int] = defaultdict(int)
        coefficients[total] -= 1
        for part in parts:
            coefficients[part] += 1
        return cls(tuple((cell, c) for cell, c in coefficients.items() if c))

    @property
    def cells(self) -> tuple[str, ...]:
        """The counts the identity ties together."""
        return tuple(cell for cell, _ in self.terms)


@dataclass(frozen=True)
class Suppression:
    """Which counts are withheld, and which of them are small ones ("<10")."""

    hidden: frozenset[str]
    small: frozenset[str]


class _Audit:
    """The integer programmes of one set of figures, identities and withheld counts."""

    def __init__(
        self,
        values: Mapping[str, int],
        relations: Collection[Relation],
        threshold: int,
        protection: int,
    ) -> None:
        self.values = values
        self.printed: Collection[str] = ()
        self.threshold = threshold
        self.protection = protection
        self.by_cell: dict[str, list[Relation]] = defaultdict(list)
        for relation in relations:
            for cell in relation.cells:
                self.by_cell[cell].append(relation)

    def bounds(self, cell: str, hidden: Collection[str]) -> tuple[float, float]:
        """What the strongest reader knows of a count: its value if shown, else its class."""
        value = self.values.get(cell, 0)
        if cell not in hidden:
            return value, value
        if value == 0:
            return 0, 0
        if cell not in self.printed:  # never printed: no mark tells the reader its class
            return 0, float("inf")
        if value < self.threshold:
            return 1, self.threshold - 1
        return self.threshold, float("inf")

    def component(self, start: str, hidden: Collection[str]) -> set[str]:
        """The withheld counts tied to ``start`` through identities with other withheld ones."""
        seen = {start}
        todo = [start]
        while todo:
            cell = todo.pop()
            for relation in self.by_cell.get(cell, ()):
                for other in relation.cells:
                    if other not in seen and other in hidden and self.values.get(other, 0):
                        seen.add(other)
                        todo.append(other)
        return seen

    def ranges(
        self, members: set[str], hidden: Collection[str], wanted: Iterable[str]
    ) -> dict[str, tuple[float, float]]:
        """How far apart the values each ``wanted`` count could take are, enough to judge it.

        The range returned is exact when it is narrower than the protection; a wider one may
        be shown narrower than it is (the search stops once it is wide enough).
        """
        import numpy as np
        from scipy.optimize import (  # type: ignore[import-untyped]
            Bounds,
            LinearConstraint,
            milp,
        )

        order = sorted(members)
        index = {cell: n for n, cell in enumerate(order)}
        relations = {id(r): r for cell in order for r in self.by_cell.get(cell, ())}.values()
        rows: list[list[float]] = []
        rhs: list[float] = []
        for relation in relations:
            row = [0.0] * len(order)
            constant = 0.0
            for cell, coefficient in relation.terms:
                if cell in index:
                    row[index[cell]] += coefficient
                else:
                    low, _ = self.bounds(cell, hidden)
                    constant -= coefficient * low
            if any(row):
                rows.append(row)
                rhs.append(constant)
        lows, highs = zip(*(self.bounds(cell, hidden) for cell in order), strict=True)
        bounds = Bounds(np.array(lows, dtype=float), np.array(highs, dtype=float))
        constraints = (
            [LinearConstraint(np.array(rows), np.array(rhs), np.array(rhs))] if rows else []
        )
        integrality = np.ones(len(order))
        wanted = list(wanted)
        truth = np.array([self.values.get(cell, 0) for cell in order], dtype=float)
        seen_low = {cell: truth[index[cell]] for cell in wanted}
        seen_high = dict(seen_low)

        def solve(objective: np.ndarray, alone: str | None = None) -> None:
            result = milp(
                objective, integrality=integrality, bounds=bounds, constraints=constraints
            )
            if result.x is None:
                # The true counts satisfy every identity, so no solution means no bound: the
                # count pushed up alone can grow without end.
                if alone is not None and objective[index[alone]] < 0:
                    seen_high[alone] = float("inf")
                return
            for cell in wanted:
                value = round(result.x[index[cell]])
                seen_low[cell] = min(seen_low[cell], value)
                seen_high[cell] = max(seen_high[cell], value)

        def settled(cell: str) -> bool:
            return seen_high[cell] - seen_low[cell] + 1 >= self.protection

        # Every solution found is a set of counts the reader cannot rule out, so one that
        # moves many counts at once shows all of them safe; each count left is solved alone.
        for sign in (-1.0, 1.0):
            open_cells = [c for c in wanted if not settled(c)]
            if not open_cells:
                break
            objective = np.zeros(len(order))
            for cell in open_cells:
                objective[index[cell]] = sign
            solve(objective)
        for cell in wanted:
            for sign in (-1.0, 1.0):
                if settled(cell):
                    break
                objective = np.zeros(len(order))
                objective[index[cell]] = sign
                solve(objective, cell)
        return {cell: (seen_low[cell], seen_high[cell]) for cell in wanted}


def protect(
    values: Mapping[str, int],
    relations: Collection[Relation],
    shown: Collection[str],
    threshold: int,
    *,
    locked: Mapping[str, bool] | None = None,
    protection: int = PROTECTION,
) -> Suppression:
    """Decide which of the ``shown`` counts to withhold so no small count can be worked out.

    Args:
        values: every count, shown or not (a count not given is zero).
        relations: the identities between counts that a reader could use.
        shown: the counts the report prints; any other count is never printed, and is
            protected all the same when it is small.
        threshold: counts from 1 to ``threshold - 1`` are small.
        locked: counts already published elsewhere (a month's weeks): True if withheld there,
            False if shown. They are audited but never chosen to withhold.
        protection: how many values a small count must stay consistent with.
    """
    locked = dict(locked or {})
    protection = max(1, min(protection, threshold - 1))
    audit = _Audit(values, relations, threshold, protection)
    shown_set = set(shown) - set(locked)
    audit.printed = set(shown) | {cell for cell, withheld in locked.items() if withheld}
    cells = set(values) | set(audit.by_cell) | set(shown_set)
    small = {c for c in cells if 0 < values.get(c, 0) < threshold}
    hidden = {c for c in cells if c not in shown_set and c not in locked}  # never printed
    hidden |= {c for c, withheld in locked.items() if withheld}
    hidden |= small & shown_set
    # Only small counts that an identity touches can be worked out; others are safe as hidden.
    pending = sorted(c for c in small if c in audit.by_cell and c in hidden)
    safe: set[str] = set()
    while True:
        failing = None
        for cell in pending:
            if cell in safe:
                continue
            members = audit.component(cell, hidden)
            wanted = sorted(m for m in members if m in small and m not in safe)
            ranges = audit.ranges(members, hidden, wanted)
            for member, (low, high) in ranges.items():
                if high - low + 1 >= protection:
                    safe.add(member)
                elif failing is None:
                    failing = member
            if failing is not None:
                break
        if failing is None:
            break
        members = audit.component(failing, hidden)
        choice = _complement(audit, failing, members, hidden, shown_set, threshold)
        if not choice:
            # Everything around it is withheld already: what pins it is only what the
            # strongest reader is assumed to know of withheld figures (their class). It is
            # enough that even that reader cannot tell its value exactly.
            low, high = audit.ranges(members, hidden, [failing])[failing]
            if high > low:
                safe.add(failing)
                continue
            raise RuntimeError(f"no figure left to withhold to protect {failing}")
        # Withholding more only widens what every count could be: what was safe stays safe.
        hidden.update(choice)
    return Suppression(frozenset(hidden), frozenset(small))


def _complement(
    audit: _Audit,
    failing: str,
    members: set[str],
    hidden: set[str],
    shown: set[str],
    threshold: int,
) -> list[str]:
    """The figure to withhold next: the smallest of ``threshold`` or more beside ``failing``."""

    def beside(cells: Iterable[str]) -> list[str]:
        found = {
            other
            for cell in cells
            for relation in audit.by_cell.get(cell, ())
            for other in relation.cells
            if other in shown and other not in hidden
        }
        return sorted(found, key=lambda c: (audit.values.get(c, 0), c))

    for group in ([failing], members):
        large = [c for c in beside(group) if audit.values.get(c, 0) >= threshold]
        if large:
            return large[:1]
    return beside(members)
