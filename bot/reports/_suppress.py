"""Small-count suppression that subtraction cannot undo: a fixed-point rule, checked by bounds.

1. Primary suppression: a count from 1 to ``threshold - 1`` is withheld (shown "<10").
2. The report states the identities between its figures: every table's totals (a flow's
   conversations are those completed plus those stopped; a step's stops are its cancels,
   time-outs and conversations left open; a question's answers are its yes, no and not sure;
   ...). A figure is one *cell*, named by ids, wherever it is printed, so the identities of
   every table of a section are checked together.
3. What a reader can work out is computed by interval propagation: a published figure is
   exact, a "<10" lies in 1..threshold-1, a "[c]" in 1..infinity (it may hide a small count:
   step 5), a figure never printed and not zero in 0..infinity. Each identity narrows each
   withheld cell in it from the intervals of the others, until nothing changes; then the
   same runs again over the identities' reduced row echelon form, which writes out every
   combination of them (a cell pinned by rows, columns and the grand total together).
4. Secondary suppression: while a withheld cell's interval holds fewer than ``protection``
   whole numbers (by default: it is pinned to one value), the smallest non-zero published
   figure in one of its identities is withheld as well ("[c]"), and the propagation runs
   again. Each round withholds at least one more figure, so it ends.
5. A cell pinned though every figure beside it is withheld is pinned by the bounds "<10"
   promises (nine "<10" parts of a "<10" total are nine ones): the largest "<10" beside it is
   then shown as "[c]" instead, which promises no upper bound.

Zero is shown as 0: it singles no one out. The rule is fast (linear in the identities per
round) and never fails; tests/test_reports.py checks by brute force, enumerating every table
a reader could believe, on edge cases and random small tables, that no withheld cell's value
is determined by what is published.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

PROTECTION = 2
"""A withheld count must stay consistent with at least this many values (2: never pinned)."""

INF = math.inf


@dataclass(frozen=True)
class Relation:
    """An identity between figures: the sum of coefficient times count is zero."""

    terms: tuple[tuple[str, float], ...]

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


Bounds = dict[str, tuple[float, float]]


def _narrow(
    relations: list[Relation], by_cell: Mapping[str, list[int]], bounds: Bounds, rounds: int
) -> Bounds:
    """Interval propagation to a fixed point (or ``rounds`` passes over a changed identity).

    Only cells in ``bounds`` are unknown; every other cell of a relation is exact.
    """
    queue = list(range(len(relations)))
    waiting = set(queue)
    visits = [0] * len(relations)
    while queue:
        index = queue.pop()
        waiting.discard(index)
        visits[index] += 1
        if visits[index] > rounds:
            continue
        terms = relations[index].terms
        # The sum's least and greatest values: finite parts, and how many parts are unbounded.
        low = high = 0.0
        low_open = high_open = 0
        for cell, k in terms:
            lo, hi = bounds[cell]
            least, most = (k * lo, k * hi) if k > 0 else (k * hi, k * lo)
            if least == -INF:
                low_open += 1
            else:
                low += least
            if most == INF:
                high_open += 1
            else:
                high += most
        for cell, k in terms:
            lo, hi = bounds[cell]
            if lo == hi:
                continue
            least, most = (k * lo, k * hi) if k > 0 else (k * hi, k * lo)
            # The other terms' sum lies in [rest_low, rest_high].
            if least == -INF:
                rest_low = low if low_open == 1 else -INF
            else:
                rest_low = low - least if low_open == 0 else -INF
            if most == INF:
                rest_high = high if high_open == 1 else INF
            else:
                rest_high = high - most if high_open == 0 else INF
            # k * x = -rest, so x lies in [-rest_high / k, -rest_low / k] when k > 0.
            if k > 0:
                new_lo, new_hi = -rest_high / k, -rest_low / k
            else:
                new_lo, new_hi = -rest_low / k, -rest_high / k
            new_lo = math.ceil(new_lo - 1e-9) if new_lo != -INF else -INF
            new_hi = math.floor(new_hi + 1e-9) if new_hi != INF else INF
            tightened = (max(lo, new_lo), min(hi, new_hi))
            if tightened != (lo, hi):
                if tightened[0] > tightened[1]:  # identities the counts do not bear out
                    continue
                bounds[cell] = tightened
                for other in by_cell[cell]:
                    if other not in waiting:
                        waiting.add(other)
                        queue.append(other)
    return bounds


def exposed(
    values: Mapping[str, int],
    relations: Collection[Relation],
    shown: Collection[str],
    hidden: Collection[str],
    threshold: int,
    small: Collection[str],
    *,
    protection: int = PROTECTION,
    rounds: int = 50,
    exact: bool = True,
) -> dict[str, tuple[float, float]]:
    """The withheld cells a reader could narrow to fewer than ``protection`` values.

    With the interval each could be narrowed to.
    """
    listed = list(relations)
    by_cell: dict[str, list[int]] = defaultdict(list)
    for index, relation in enumerate(listed):
        for cell in relation.cells:
            by_cell[cell].append(index)
    bounds: Bounds = {}
    for cell in by_cell:
        value = values.get(cell, 0)
        if cell in hidden and value:
            bounds[cell] = (1, threshold - 1) if cell in small else (1, INF)
        elif cell in shown:
            bounds[cell] = (value, value)
        else:
            bounds[cell] = (0, INF)
    narrowed = _narrow(listed, by_cell, dict(bounds), rounds)
    quick = {
        cell: narrowed[cell]
        for cell in hidden
        if cell in narrowed and _values_in(narrowed[cell]) < protection
    }
    if quick or not exact:
        return quick
    combined = listed + _reduced(listed, narrowed)
    by_cell = defaultdict(list)
    for index, relation in enumerate(combined):
        for cell in relation.cells:
            by_cell[cell].append(index)
    narrowed[ONE] = (1, 1)
    narrowed = _narrow(combined, by_cell, narrowed, rounds)
    return {
        cell: narrowed[cell]
        for cell in hidden
        if cell in narrowed and _values_in(narrowed[cell]) < protection
    }


def _values_in(span: tuple[float, float]) -> float:
    """How many whole numbers lie in a closed interval (infinitely many when unbounded)."""
    low, high = span
    if high == INF:
        return INF
    return math.floor(high + 1e-6) - math.ceil(low - 1e-6) + 1


def _components(relations: list[Relation], unknown: Collection[str]) -> list[list[int]]:
    """The identities grouped by the unknown cells they share (each group solved alone)."""
    parent: dict[str, str] = {}

    def find(cell: str) -> str:
        while parent.setdefault(cell, cell) != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    for relation in relations:
        cells = [c for c in relation.cells if c in unknown]
        for other in cells[1:]:
            parent[find(other)] = find(cells[0])
    groups: dict[str, list[int]] = defaultdict(list)
    for index, relation in enumerate(relations):
        cells = [c for c in relation.cells if c in unknown]
        if cells:
            groups[find(cells[0])].append(index)
    return list(groups.values())


ONE = "__one__"
"""A pseudo-cell that is always 1: the constant term of a derived identity."""


def _reduced(relations: list[Relation], bounds: Bounds) -> list[Relation]:
    """Each group's identities in reduced row echelon form, the known figures substituted.

    A reader can add and subtract identities: a cell tied by two tables' totals (rows and
    columns, through a grand total) may be pinned by a combination though no single identity
    pins it. Elimination writes each such combination out as an identity of its own, so that
    interval propagation sees it.
    """
    import numpy as np

    unknown = {c for c, (lo, hi) in bounds.items() if lo != hi}
    derived: list[Relation] = []
    for group in _components(relations, unknown):
        names = sorted({c for i in group for c in relations[i].cells if c in unknown})
        if len(names) < 2 or len(group) < 2:
            continue
        column = {c: n for n, c in enumerate(names)}
        matrix = np.zeros((len(group), len(names) + 1))
        for row, index in enumerate(group):
            for cell, k in relations[index].terms:
                if cell in column:
                    matrix[row, column[cell]] += k
                else:
                    matrix[row, -1] -= k * bounds[cell][0]
        pivot_row = 0
        for col in range(len(names)):
            if pivot_row == len(group):
                break
            best = pivot_row + int(np.argmax(np.abs(matrix[pivot_row:, col])))
            if abs(matrix[best, col]) < 1e-9:
                continue
            matrix[[pivot_row, best]] = matrix[[best, pivot_row]]
            matrix[pivot_row] /= matrix[pivot_row, col]
            others = np.abs(matrix[:, col]) > 1e-12
            others[pivot_row] = False
            matrix[others] -= np.outer(matrix[others, col], matrix[pivot_row])
            pivot_row += 1
        matrix[np.abs(matrix) < 1e-9] = 0.0
        for row in matrix[:pivot_row]:
            terms = [(names[n], float(k)) for n, k in enumerate(row[:-1]) if k]
            derived.append(Relation((*terms, (ONE, -float(row[-1]))) if row[-1] else tuple(terms)))
    return derived


def protect(
    values: Mapping[str, int],
    relations: Collection[Relation],
    shown: Collection[str],
    threshold: int,
    *,
    protection: int = PROTECTION,
) -> Suppression:
    """Withhold the small published counts, and as few others as keep them from being worked out.

    ``values`` holds every count (printed or not); ``shown`` the cells the report prints;
    ``relations`` every identity a reader could use between them.
    """
    small = {c for c in shown if 0 < values.get(c, 0) < threshold}
    hidden = set(small)
    listed = list(relations)
    by_cell: dict[str, list[int]] = defaultdict(list)
    for index, relation in enumerate(listed):
        for cell, _ in relation.terms:
            by_cell[cell].append(index)
    stuck: set[str] = set()
    while True:
        # Interval propagation first (fast, finds nearly every case), then the exact check.
        pinned = exposed(
            values, listed, shown, hidden, threshold, small, protection=protection, exact=False
        )
        if not pinned:
            pinned = exposed(values, listed, shown, hidden, threshold, small, protection=protection)
        touched: set[int] = set()
        added = False
        for cell in sorted(c for c in pinned if c not in stuck):
            if touched.intersection(by_cell[cell]):
                continue  # a figure beside it was withheld this round: look again first
            # The identities where it stands most alone are the ones that pin it.
            alone = min(
                (sum(c in hidden for c in listed[i].cells) for i in by_cell[cell]), default=0
            )
            candidates = {
                other
                for index in by_cell[cell]
                if sum(c in hidden for c in listed[index].cells) == alone
                for other in listed[index].cells
                if other in shown and other not in hidden and values.get(other, 0) > 0
            }
            if not candidates:
                candidates = {
                    other
                    for index in by_cell[cell]
                    for other in listed[index].cells
                    if other in shown and other not in hidden and values.get(other, 0) > 0
                }
            if not candidates:
                # Pinned by a combination of identities: look further along the withheld
                # cells it is tied to, for the nearest published figures.
                candidates = _further(cell, listed, by_cell, shown, hidden, values)
            if not candidates:
                # Everything beside it is withheld already: what pins it are the bounds "<10"
                # gives (nine "<10" parts of a "<10" total are nine ones). The largest small
                # count beside it is then marked "[c]", which promises no bound at all.
                marked = {
                    other
                    for index in by_cell[cell]
                    for other in listed[index].cells
                    if other in small
                }
                if not marked:
                    stuck.add(cell)
                    continue
                small.discard(max(marked, key=lambda c: (values.get(c, 0), c)))
                touched.update(by_cell[cell])
                added = True
                continue
            chosen = min(candidates, key=lambda c: (values.get(c, 0), c))
            hidden.add(chosen)
            touched.update(by_cell[chosen])
            added = True
        if not added:
            break
    return Suppression(frozenset(hidden), frozenset(small))


def _further(
    cell: str,
    relations: list[Relation],
    by_cell: Mapping[str, list[int]],
    shown: Collection[str],
    hidden: Collection[str],
    values: Mapping[str, int],
) -> set[str]:
    """The published non-zero figures nearest ``cell`` through identities of withheld cells."""
    seen = {cell}
    frontier = [cell]
    while frontier:
        found: set[str] = set()
        following: list[str] = []
        for current in frontier:
            for index in by_cell[current]:
                for other in relations[index].cells:
                    if other in seen:
                        continue
                    seen.add(other)
                    if other in shown and other not in hidden and values.get(other, 0) > 0:
                        found.add(other)
                    elif other in hidden or not values.get(other, 0):
                        following.append(other)
        if found:
            return found
        frontier = following
    return set()
