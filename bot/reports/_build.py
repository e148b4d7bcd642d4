"""Build a trainers' report: count the events, state the identities, withhold, lay out tables.

Every figure is a *cell* named by ids (``reached|initial-contact|see-child``), so the same
quantity is one cell wherever it appears and is withheld everywhere or nowhere. The cells are
counted per week; a month is the sum of its weeks, and its suppression is decided with its
weeks' reports taken as published, so a month less its other weeks never gives a withheld
weekly figure away. A report limited to some flows is the full report, filtered afterwards,
so it withholds exactly what the full report does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.event_fields import RATINGS
from bot.reports._catalogue import Catalogue, FlowInfo
from bot.reports._model import (
    SECONDARY,
    Count,
    Rate,
    Report,
    Seconds,
    Section,
    Share,
    Table,
    Value,
)
from bot.reports._outcomes import Outcome, default_outcomes
from bot.reports._period import Period, PeriodError
from bot.reports._suppress import PROTECTION, Relation, Suppression, protect
from bot.reports._tally import MENU, NO_ENTRY, REASONS, VOICE_COLUMNS, Counts, tally

THRESHOLD = 10
"""Counts from 1 to 9 are withheld (the ONS threshold for counts of people)."""

REASON_TITLES = {"cancelled": "Cancelled", "expired": "Timed out", "open": "Left open"}
NO_STEP = "-"


@dataclass
class Ledger:
    """Every count of one week or month, the identities between them, and those printed."""

    values: dict[str, int]
    relations: list[Relation] = field(default_factory=list)
    shown: set[str] = field(default_factory=set)
    seconds: dict[tuple[str, str], Counter[float]] = field(default_factory=dict)
    questions: dict[str, int] = field(default_factory=dict)
    comments: dict[tuple[str, str], int] = field(default_factory=dict)
    """Scrubbed feedback comments by (entry, text): only those of entries whose feedback
    reached the threshold, so no comment can be tied to one officer's single use."""
    broken: list[Relation] = field(default_factory=list)
    """Identities the counts did not bear out (only a log from other flows could cause one):
    left out, since no reader could rely on them either."""


def _flows_in(cells: Iterable[str], catalogue: Catalogue) -> dict[str, list[str]]:
    """Each flow's steps, in the flows' own order, then any the flows no longer have."""
    seen: dict[str, set[str]] = {}
    for cell in cells:
        parts = cell.split("|")
        if parts[0] in ("runs", "reached", "stopped", "answered") and len(parts) >= 2:
            steps = seen.setdefault(parts[1], set())
            if len(parts) >= 3:
                steps.add(parts[2])
    found: dict[str, list[str]] = {}
    for flow_id, info in catalogue.flows.items():
        extra = sorted(seen.get(flow_id, set()) - set(info.steps))
        found[flow_id] = [*info.steps, *extra]
    for flow_id in sorted(set(seen) - set(catalogue.flows)):
        found[flow_id] = sorted(seen[flow_id])
    return found


def build_ledger(
    counts: Counts,
    catalogue: Catalogue,
    outcomes: Sequence[Outcome],
    threshold: int = THRESHOLD,
) -> Ledger:
    """The cells of one period and every identity a reader could use between them."""
    values: dict[str, int] = dict(counts.cells)
    # A text asked fewer than ``threshold`` times is never named, not even in the identities
    # the JSON lists: it falls into the unnamed rest of the unmatched questions.
    asked = {text: n for text, n in counts.questions.items() if n >= threshold}
    ledger = Ledger(values, seconds=dict(counts.seconds), questions=asked)
    entries = _rated(values)
    ledger.comments = {
        (entry, text): number
        for (entry, text), number in counts.comments.items()
        if sum(values.get(f"feedback|{entry}|{r}", 0) for r in RATINGS) >= threshold
    }
    relations = ledger.relations
    shown = ledger.shown

    def v(cell: str) -> int:
        return values.get(cell, 0)

    def derive(cell: str, value: int) -> bool:
        """Keep a count no one prints but anyone could work out; False if it is negative."""
        if value < 0:
            return False
        values[cell] = value
        return True

    flows = _flows_in(counts.cells, catalogue)
    relations.append(Relation.total("runs", (f"runs|{f}" for f in flows)))
    channels = sorted(c for c in values if c.startswith("channel|"))
    relations.append(Relation.total("runs", channels))
    shown.update(["runs", *channels])
    for flow_id, steps in flows.items():
        info = catalogue.flows.get(flow_id)
        runs, completed, stopped = f"runs|{flow_id}", f"completed|{flow_id}", f"stopped|{flow_id}"
        shown.update([runs, completed, *(f"{r}|{flow_id}" for r in REASONS)])
        relations.append(Relation.total(runs, [completed, stopped]))
        relations.append(Relation.total(stopped, (f"{r}|{flow_id}" for r in REASONS)))
        where = [*steps, NO_STEP]
        for total in (*REASONS, "stopped"):
            relations.append(
                Relation.total(f"{total}|{flow_id}", (f"{total}|{flow_id}|{s}" for s in where))
            )
        for step in where:
            relations.append(
                Relation.total(
                    f"stopped|{flow_id}|{step}", (f"{r}|{flow_id}|{step}" for r in REASONS)
                )
            )
            shown.update(f"{r}|{flow_id}|{step}" for r in (*REASONS, "stopped"))
        for step in steps:
            reached, answered = f"reached|{flow_id}|{step}", f"answered|{flow_id}|{step}"
            shown.add(reached)
            if derive(f"unanswered|{flow_id}|{step}", v(reached) - v(answered)):
                relations.append(
                    Relation.total(reached, [answered, f"unanswered|{flow_id}|{step}"])
                )
            _step_relations(ledger, catalogue, info, flow_id, step)
        if info is not None:
            _graph_relations(ledger, info)
        for cell in [c for c in values if c.startswith(f"flag|{flow_id}|")]:
            flag = cell.split("|")[2]
            shown.update([cell, f"flag_open|{flow_id}|{flag}"])
            acked = f"flag_ack|{flow_id}|{flag}"
            if derive(acked, v(cell) - v(f"flag_open|{flow_id}|{flag}")):
                relations.append(Relation.total(cell, [f"flag_open|{flow_id}|{flag}", acked]))
    for cell in [c for c in values if c.startswith("flag|menu|")]:
        flag = cell.split("|")[2]
        shown.update([cell, f"flag_open|menu|{flag}"])
        if derive(f"flag_ack|menu|{flag}", v(cell) - v(f"flag_open|menu|{flag}")):
            relations.append(
                Relation.total(cell, [f"flag_open|menu|{flag}", f"flag_ack|menu|{flag}"])
            )
    for outcome in outcomes:
        _outcome_relations(ledger, outcome)
    _search_relations(ledger)
    _feedback_relations(ledger, entries)
    _voice_relations(ledger)
    ledger.broken = [r for r in relations if sum(v(c) * k for c, k in r.terms)]
    ledger.relations = [r for r in relations if r not in ledger.broken]
    return ledger


def _step_relations(
    ledger: Ledger, catalogue: Catalogue, info: FlowInfo | None, flow_id: str, step: str
) -> None:
    """A step's answers add up to its answered runs, and so do its points' states.

    Points covered, left out and neither; a yes/no question's gap is its gap answers.
    """
    values, relations, shown = ledger.values, ledger.relations, ledger.shown
    answered = f"answered|{flow_id}|{step}"
    prefix = f"outcome|{flow_id}|{step}|"
    known = catalogue.step(flow_id, step)
    outcomes = set(known.outcomes if known else ())
    outcomes |= {c[len(prefix) :] for c in values if c.startswith(prefix)}
    relations.append(Relation.total(answered, (prefix + o for o in sorted(outcomes))))
    if known is not None and known.kind == "confirm":
        shown.add(answered)
        shown.update(prefix + o for o in outcomes)
        gap = f"gap|{flow_id}|{step}"
        values[gap] = sum(values.get(prefix + o, 0) for o in known.gap_outcomes)
        relations.append(Relation.total(gap, (prefix + o for o in known.gap_outcomes)))
        shown.add(gap)
    if known is not None and known.points:
        shown.add(answered)
        for point in known.points:
            covered = f"covered|{flow_id}|{step}|{point.id}"
            left = f"left_out|{flow_id}|{step}|{point.id}"
            rest = f"unmarked|{flow_id}|{step}|{point.id}"
            value = values.get(answered, 0) - values.get(covered, 0) - values.get(left, 0)
            shown.add(left)
            if value >= 0:
                values[rest] = value
                relations.append(Relation.total(answered, [covered, left, rest]))


def _graph_relations(ledger: Ledger, info: FlowInfo) -> None:
    """Runs that reached a step and did not stop there reached one of the steps after it.

    So ``reached(step) - stopped(step) + extra = sum of reached(next)``, where ``extra``
    counts runs seen on more than one way on (after 'back'): zero when no one went back,
    which makes a drop-off between two steps the difference of their reached counts.
    """
    values, relations = ledger.values, ledger.relations
    flow_id = info.id
    if values.get(f"reached|{flow_id}|{info.start}", 0) == values.get(f"runs|{flow_id}", 0):
        relations.append(Relation.total(f"runs|{flow_id}", [f"reached|{flow_id}|{info.start}"]))
    for step in info.steps.values():
        after = [
            f"completed|{flow_id}" if target == "end" else f"reached|{flow_id}|{target}"
            for target in step.next_steps
        ]
        on = values.get(f"reached|{flow_id}|{step.id}", 0) - values.get(
            f"stopped|{flow_id}|{step.id}", 0
        )
        extra = sum(values.get(cell, 0) for cell in after) - on
        if extra < 0:  # runs from older flows took another way: the identity does not hold
            continue
        cell = f"extra|{flow_id}|{step.id}"
        values[cell] = extra
        relations.append(
            Relation(
                (
                    (f"reached|{flow_id}|{step.id}", 1),
                    (f"stopped|{flow_id}|{step.id}", -1),
                    (cell, 1),
                    *((a, -1) for a in after),
                )
            )
        )


def _outcome_relations(ledger: Ledger, outcome: Outcome) -> None:
    values, relations, shown = ledger.values, ledger.relations, ledger.shown
    runs = f"runs|{outcome.flow}"
    asked, evidenced = f"outcome_asked|{outcome.id}", f"outcome_evidenced|{outcome.id}"
    shown.update([asked, evidenced])
    values[f"outcome_unasked|{outcome.id}"] = values.get(runs, 0) - values.get(asked, 0)
    relations.append(Relation.total(runs, [asked, f"outcome_unasked|{outcome.id}"]))
    values[f"outcome_missing|{outcome.id}"] = values.get(asked, 0) - values.get(evidenced, 0)
    relations.append(Relation.total(asked, [evidenced, f"outcome_missing|{outcome.id}"]))
    answered = [f"answered|{outcome.flow}|{line.step}" for line in outcome.evidence]
    clauses: list[str] = []
    for line in outcome.evidence:
        named = [f"outcome|{outcome.flow}|{line.step}|{a}" for a in line.answers]
        named += [f"covered|{outcome.flow}|{line.step}|{p}" for p in line.points]
        if len(named) != 1:
            clauses = []
            break
        clauses.append(named[0])
    for total, parts, name in ((asked, answered, "asked"), (evidenced, clauses, "evidenced")):
        if not parts:
            continue
        overlap = f"overlap_{name}|{outcome.id}"
        value = sum(values.get(p, 0) for p in parts) - values.get(total, 0)
        if value >= 0:
            values[overlap] = value
            # The union of the lines is their sum less the runs counted by more than one.
            relations.append(Relation(((total, 1), (overlap, 1), *((part, -1) for part in parts))))


def _search_relations(ledger: Ledger) -> None:
    values, relations, shown = ledger.values, ledger.relations, ledger.shown
    statuses = sorted(
        {"confident", "ambiguous", "none"}
        | {c.split("|")[1] for c in values if c.startswith("search|")}
    )
    cells = [f"search|{s}" for s in statuses]
    shown.update(["searches", *cells])
    relations.append(Relation.total("searches", cells))
    looked = sorted(c for c in values if c.startswith("looked_up|"))
    shown.update(looked)
    found = values.get("search|confident", 0) + values.get("search|ambiguous", 0)
    unlisted = found - sum(values[c] for c in looked)
    if unlisted >= 0:
        values["looked_up_none"] = unlisted
        relations.append(
            Relation(
                (
                    ("search|confident", 1),
                    ("search|ambiguous", 1),
                    *((c, -1) for c in looked),
                    ("looked_up_none", -1),
                )
            )
        )
    texts = [f"question|{text}" for text in sorted(ledger.questions)]
    for text, count in ledger.questions.items():
        values[f"question|{text}"] = count
    shown.update(texts)
    other = values.get("search|none", 0) - sum(ledger.questions.values())
    if other >= 0:
        values["question_other"] = other
        relations.append(Relation.total("search|none", [*texts, "question_other"]))


def _voiced_at(values: Mapping[str, int]) -> list[str]:
    """The places ("flow|step") where a voice figure of the period is counted."""
    return sorted(
        {c.split("|", 1)[1] for c in values if c.startswith("voice_") and "|" in c and values[c]}
    )


def _voice_relations(ledger: Ledger) -> None:
    """Each voice column's total is the sum of its questions; a read-back is one of its three.

    A read-back ends confirmed, corrected or unanswered (the conversation moved on): the
    unanswered are never printed, but anyone can subtract, so the identity is stated, at each
    question and in the totals, and the suppression honours it like every other.
    """
    values, relations, shown = ledger.values, ledger.relations, ledger.shown
    places = _voiced_at(values)
    if not places:
        return
    for column in VOICE_COLUMNS:
        parts = [f"voice_{column}|{place}" for place in places]
        values[f"voice_{column}"] = sum(values.get(part, 0) for part in parts)
        relations.append(Relation.total(f"voice_{column}", parts))
        shown.update([f"voice_{column}", *parts])
    for suffix in (*(f"|{place}" for place in places), ""):
        asked, confirmed, corrected = (
            values.get(f"voice_{c}{suffix}", 0) for c in ("asked", "confirmed", "corrected")
        )
        if asked - confirmed - corrected < 0:
            continue  # a read-back asked before the period and answered in it: no identity
        unanswered = f"voice_unanswered{suffix}"
        values[unanswered] = asked - confirmed - corrected
        relations.append(
            Relation.total(
                f"voice_asked{suffix}",
                [f"voice_confirmed{suffix}", f"voice_corrected{suffix}", unanswered],
            )
        )


def _rated(values: Mapping[str, int]) -> list[str]:
    """The knowledge entries with feedback in the period."""
    return sorted({c.split("|")[1] for c in values if c.startswith("feedback|") and values[c]})


def _feedback_relations(ledger: Ledger, entries: Sequence[str]) -> None:
    """An entry's feedback is its helpful, not helpful and wrong; its comments are part of it.

    The comments of one entry add up to no more than its feedback: the feedback left
    without a comment (never printed) closes the identity.
    """
    values, relations, shown = ledger.values, ledger.relations, ledger.shown
    for entry in entries:
        total = f"feedback|{entry}"
        parts = [f"feedback|{entry}|{r}" for r in RATINGS]
        values[total] = sum(values.get(p, 0) for p in parts)
        relations.append(Relation.total(total, parts))
        shown.update([total, *parts])
        said = [(text, n) for (e, text), n in ledger.comments.items() if e == entry]
        if not said:
            continue
        cells = [f"comment|{entry}|{text}" for text, _ in said]
        for cell, (_, number) in zip(cells, said, strict=True):
            values[cell] = number
        shown.update(cells)
        if values[total] >= sum(n for _, n in said):
            values[f"comment_none|{entry}"] = values[total] - sum(n for _, n in said)
            relations.append(Relation.total(total, [*cells, f"comment_none|{entry}"]))


# --- building ------------------------------------------------------------------------------


class _Publish:
    """Turns cells into published counts and shares, honouring the suppression."""

    def __init__(self, ledger: Ledger, suppression: Suppression, threshold: int) -> None:
        self.ledger = ledger
        self.suppression = suppression
        self.small_mark = f"<{threshold}"
        self.threshold = threshold

    def count(self, cell: str) -> Count:
        value = self.ledger.values.get(cell, 0)
        if cell in self.suppression.hidden and value:
            mark = self.small_mark if cell in self.suppression.small else SECONDARY
            return Count(cell, None, mark)
        return Count(cell, value)

    def share(self, part: str, whole: str) -> Share:
        top, bottom = self.count(part), self.count(whole)
        if top.value is None or bottom.value is None or not bottom.value:
            return Share(None, (part, whole))
        return Share(top.value / bottom.value, (part, whole))

    def rate(self, part: str, whole: str) -> Rate:
        share = self.share(part, whole)
        if share.value is None:
            return Rate(None, (part, whole))
        # From the counts, not the share: 51 of 80 is 63.75 per 100, which share * 100 misses.
        top, bottom = self.count(part).value or 0, self.count(whole).value or 1
        return Rate(top * 100 / bottom, (part, whole))

    def median(self, flow: str, step: str) -> Seconds:
        """The median time on a step, from at least ``threshold`` conversations' times."""
        times = self.ledger.seconds.get((flow, step))
        if not times or times.total() < self.threshold:
            return Seconds(None)
        return Seconds(_median(times))


def _median(times: Counter[float]) -> float:
    """The median of values given with how often each occurs (a histogram)."""
    total = times.total()
    wanted = ((total - 1) // 2, total // 2)
    found: list[float] = []
    seen = 0
    for value, count in sorted(times.items()):
        seen += count
        while len(found) < 2 and seen > wanted[len(found)]:
            found.append(value)
        if len(found) == 2:
            break
    return (found[0] + found[1]) / 2


def _published(value: Value) -> float:
    """A sort key from what is printed only: a withheld figure sorts as unknown (last)."""
    if isinstance(value, Share | Rate | Count):
        return -1.0 if value.value is None else float(value.value)
    return -1.0


def build_section(
    name: str,
    ledger: Ledger,
    suppression: Suppression,
    catalogue: Catalogue,
    outcomes: Sequence[Outcome],
    threshold: int,
) -> Section:
    """Lay one section's tables out from its published cells, in the order a report shows them."""
    pub = _Publish(ledger, suppression, threshold)
    values = ledger.values
    flows = _flows_in(values, catalogue)
    tables = [
        _conversations_table(flows, values, pub, catalogue),
        _gaps_table(flows, values, pub, catalogue),
        _points_table(flows, values, pub, catalogue),
        *_funnel_tables(flows, values, pub, catalogue),
        _flags_table(values, pub, catalogue),
        _outcomes_table(outcomes, pub, catalogue),
        *_search_tables(ledger, pub, threshold),
        _looked_up_table(values, pub, catalogue),
        *_feedback_tables(ledger, pub, catalogue, threshold),
        _usage_table(values, pub),
        _voice_table(values, pub, catalogue),
    ]
    title = "Operational use" if name == "operational" else "Practice"
    return Section(name, title, tuple(tables), tuple(ledger.relations))


def _conversations_table(
    flows: Mapping[str, list[str]], values: Mapping[str, int], pub: _Publish, catalogue: Catalogue
) -> Table:
    overview: list[tuple[Value, ...]] = [
        (
            catalogue.flow_title(f),
            pub.count(f"runs|{f}"),
            pub.count(f"completed|{f}"),
            *(pub.count(f"{r}|{f}") for r in REASONS),
            pub.share(f"completed|{f}", f"runs|{f}"),
        )
        for f in flows
        if values.get(f"runs|{f}", 0)
    ]
    overview.append(("All flows", pub.count("runs"), "", "", "", "", ""))
    return Table(
        "conversations",
        "Conversations",
        (
            "Flow",
            "Conversations",
            "Completed",
            "Cancelled",
            "Timed out",
            "Left open",
            "Completed share",
        ),
        tuple(overview),
        "A conversation is one run of a flow, from its start to its summary, a cancel, a "
        "time-out, or being left.",
    )


def _gaps_table(
    flows: Mapping[str, list[str]], values: Mapping[str, int], pub: _Publish, catalogue: Catalogue
) -> Table:
    """The yes/no questions, ranked by the share of answers that leave a gap."""
    gaps: list[tuple[Value, ...]] = []
    for f, steps in flows.items():
        for step in steps:
            known = catalogue.step(f, step)
            if known is None or known.kind != "confirm":
                continue
            if not values.get(f"answered|{f}|{step}", 0):
                continue
            prefix = f"outcome|{f}|{step}|"
            gaps.append(
                (
                    catalogue.step_label(f, step),
                    catalogue.flow_title(f),
                    ", ".join(known.knowledge),
                    pub.count(f"answered|{f}|{step}"),
                    pub.count(prefix + "yes"),
                    pub.count(prefix + "no"),
                    pub.count(prefix + "unsure"),
                    " and ".join(
                        known.outcome_labels.get(o, o).lower() for o in known.gap_outcomes
                    ),
                    pub.share(f"gap|{f}|{step}", f"answered|{f}|{step}"),
                )
            )
    gaps.sort(key=lambda row: (-_published(row[-1]), str(row[0])))
    return Table(
        "gaps",
        "Training gaps: yes/no questions",
        (
            "Question",
            "Flow",
            "Knowledge",
            "Answered",
            "Yes",
            "No",
            "Not sure",
            "Gap answers",
            "Gap share",
        ),
        tuple(gaps),
        'Ranked by the share of gap answers: "no" and "not sure" where the question '
        'leaves a follow-up owed, otherwise "not sure" alone. The answer counted is the '
        "one that stood at the end of the conversation, after any 'back'.",
    )


def _points_table(
    flows: Mapping[str, list[str]], values: Mapping[str, int], pub: _Publish, catalogue: Catalogue
) -> Table:
    """The expected points of free-text questions and checklists, ranked by how often left out."""
    points: list[tuple[Value, ...]] = []
    for f, steps in flows.items():
        for step in steps:
            known = catalogue.step(f, step)
            if known is None or not known.points:
                continue
            if not values.get(f"answered|{f}|{step}", 0):
                continue
            for point in known.points:
                points.append(
                    (
                        point.label,
                        catalogue.step_label(f, step),
                        catalogue.flow_title(f),
                        point.knowledge or ", ".join(known.knowledge),
                        pub.count(f"answered|{f}|{step}"),
                        pub.count(f"left_out|{f}|{step}|{point.id}"),
                        pub.share(f"left_out|{f}|{step}|{point.id}", f"answered|{f}|{step}"),
                    )
                )
    points.sort(key=lambda row: (-_published(row[-1]), str(row[0])))
    return Table(
        "points",
        "Training gaps: points left out",
        ("Point", "Question", "Flow", "Knowledge", "Answered", "Left out", "Left-out share"),
        tuple(points),
        "For free-text questions and checklists of things done: the expected points "
        "still outstanding when the answer was given.",
    )


def _funnel_tables(
    flows: Mapping[str, list[str]], values: Mapping[str, int], pub: _Publish, catalogue: Catalogue
) -> list[Table]:
    """One funnel a flow run in the period: where its conversations reached and stopped."""
    tables: list[Table] = []
    for f, steps in flows.items():
        if not values.get(f"runs|{f}", 0):
            continue
        rows: list[tuple[Value, ...]] = []
        for step in [*steps, NO_STEP]:
            if not values.get(f"reached|{f}|{step}", 0) and not values.get(
                f"stopped|{f}|{step}", 0
            ):
                continue
            label = "(before any question)" if step == NO_STEP else catalogue.step_label(f, step)
            rows.append(
                (
                    label,
                    step,
                    pub.count(f"reached|{f}|{step}"),
                    pub.count(f"stopped|{f}|{step}"),
                    *(pub.count(f"{r}|{f}|{step}") for r in REASONS),
                    pub.median(f, step),
                )
            )
        rows.append(("Completed", "end", pub.count(f"completed|{f}"), "", "", "", "", ""))
        tables.append(
            Table(
                f"funnel|{f}",
                f"Funnel: {catalogue.flow_title(f)}",
                (
                    "Step",
                    "Step id",
                    "Reached",
                    "Stopped here",
                    "Cancelled",
                    "Timed out",
                    "Left open",
                    "Median time",
                ),
                tuple(rows),
                "Each conversation counts once at each step it reached, however often it came "
                "back with 'back', and stops once, where it ended. Median time: from the "
                "question being put to its answer.",
                flow=f,
            )
        )
    return tables


def _flags_table(values: Mapping[str, int], pub: _Publish, catalogue: Catalogue) -> Table:
    flags: list[tuple[Value, ...]] = []
    for cell in sorted(c for c in values if c.startswith("flag|")):
        _, f, flag = cell.split("|")
        title = "At the menu" if f == "menu" else catalogue.flow_title(f)
        whole = "runs" if f == "menu" else f"runs|{f}"
        flags.append(
            (
                flag,
                title,
                pub.count(cell),
                pub.rate(cell, whole),
                pub.count(f"flag_open|{f}|{flag}"),
            )
        )
    flags.sort(key=lambda row: (-_published(row[3]), str(row[0])))
    return Table(
        "red_flags",
        "Red flags",
        ("Red flag", "Where", "Conversations", "Per 100 conversations", "Not acknowledged"),
        tuple(flags),
        "Conversations in which the flag was raised; not acknowledged: cancelled, timed "
        "out or left while the prompt waited.",
    )


def _outcomes_table(outcomes: Sequence[Outcome], pub: _Publish, catalogue: Catalogue) -> Table:
    outcome_rows = [
        (
            outcome.label,
            catalogue.flow_title(outcome.flow),
            pub.count(f"runs|{outcome.flow}"),
            pub.count(f"outcome_asked|{outcome.id}"),
            pub.count(f"outcome_evidenced|{outcome.id}"),
            pub.share(f"outcome_evidenced|{outcome.id}", f"outcome_asked|{outcome.id}"),
        )
        for outcome in outcomes
    ]
    return Table(
        "outcomes",
        "Outcomes the inspection looks for",
        ("Outcome", "Flow", "Conversations", "Asked", "Evidenced", "Evidenced share"),
        tuple(outcome_rows),
        "Asked: the conversation reached a question that evidences it. Share: of those "
        "asked. The answers behind each outcome: bot/reports/outcomes.yaml.",
    )


def _search_tables(ledger: Ledger, pub: _Publish, threshold: int) -> list[Table]:
    """What 'ask' found, and the questions it found nothing for (those asked often enough)."""
    values = ledger.values
    tables: list[Table] = []
    statuses = sorted(c.split("|")[1] for c in values if c.startswith("search|") and values[c])
    search_rows: list[tuple[Value, ...]] = [
        (_STATUS.get(s, s), pub.count(f"search|{s}"), pub.share(f"search|{s}", "searches"))
        for s in statuses
    ]
    search_rows.append(("All questions asked", pub.count("searches"), ""))
    tables.append(
        Table(
            "searches",
            "Questions asked ('ask')",
            ("Result", "Questions", "Share"),
            tuple(search_rows),
            "No match: guidebot found no guidance, the list of what to add next. The text of "
            "unmatched questions (scrubbed of personal details) is listed below; only a "
            f"question asked {threshold} times or more is shown.",
        )
    )
    tables.append(
        Table(
            "unmatched",
            "Unmatched questions",
            ("Question (scrubbed)", "Times asked"),
            tuple(
                sorted(
                    (
                        (text, pub.count(f"question|{text}"))
                        for text in ledger.questions
                        if pub.count(f"question|{text}").value is not None
                    ),
                    key=lambda row: -_published(row[1]),
                )
            ),
        )
    )
    return tables


def _looked_up_table(values: Mapping[str, int], pub: _Publish, catalogue: Catalogue) -> Table:
    looked = [
        (
            catalogue.entries.get(c.split("|", 1)[1], c.split("|", 1)[1]),
            c.split("|", 1)[1],
            pub.count(c),
        )
        for c in values
        if c.startswith("looked_up|")
    ]
    looked = [row for row in looked if row[2].value]
    looked.sort(key=lambda row: (-_published(row[2]), row[1]))
    return Table(
        "looked_up",
        "Guidance found by questions",
        ("Guidance", "Knowledge", "Questions"),
        tuple(looked[:15]),
    )


def _usage_table(values: Mapping[str, int], pub: _Publish) -> Table:
    return Table(
        "usage",
        "How guidebot was used",
        ("Measure", "Count"),
        (
            *(
                (f"Conversations on {c.split('|')[1]}", pub.count(c))
                for c in sorted(values)
                if c.startswith("channel|")
            ),
        ),
    )


def _voice_table(values: Mapping[str, int], pub: _Publish, catalogue: Catalogue) -> Table:
    """Where officers answer by voice, and where voice is read back, corrected or missed."""
    order = {
        flow: (number, list(info.steps))
        for number, (flow, info) in enumerate(catalogue.flows.items())
    }

    def place_order(place: str) -> tuple[int, int, str]:
        flow, step = place.split("|", 1)
        number, steps = order.get(flow, (len(order), []))
        return (-1 if flow == MENU else number, steps.index(step) if step in steps else 999, place)

    rows: list[tuple[Value, ...]] = []
    for place in sorted(_voiced_at(values), key=place_order):
        flow, step = place.split("|", 1)
        if flow == MENU:
            where, question = "At the menu", "-"
        else:
            where = catalogue.flow_title(flow)
            question = (
                "(between questions)" if step == NO_STEP else catalogue.step_label(flow, step)
            )
        rows.append((question, where, *(pub.count(f"voice_{c}|{place}") for c in VOICE_COLUMNS)))
    if rows:
        rows.append(("All questions", "", *(pub.count(f"voice_{c}") for c in VOICE_COLUMNS)))
    return Table(
        "voice",
        "Voice notes",
        (
            "Question",
            "Flow",
            "Answers by voice",
            "Read back",
            "Confirmed",
            "Corrected",
            "Not understood",
        ),
        tuple(rows),
        "Where the conversation stood when a voice note came. Read back: guidebot was not sure "
        "what it heard and asked \u201cis that right?\u201d; confirmed: the officer said yes; "
        "corrected: no, and said it again; the rest went unanswered. Not understood: no words "
        "made out, or words that were no answer to the question. No words are ever kept."
        if rows
        else "No voice notes in this period.",
    )


def _feedback_tables(
    ledger: Ledger, pub: _Publish, catalogue: Catalogue, threshold: int
) -> tuple[Table, Table]:
    """Feedback per knowledge entry, most often found wanting first; then the comments."""
    rows: list[tuple[Value, ...]] = []
    for entry in _rated(ledger.values):
        title = "(no knowledge entry)" if entry == NO_ENTRY else catalogue.entries.get(entry, entry)
        rows.append(
            (
                title,
                entry,
                pub.count(f"feedback|{entry}"),
                *(pub.count(f"feedback|{entry}|{r}") for r in RATINGS),
            )
        )

    def wanting(row: tuple[Value, ...]) -> tuple[float, str]:
        """Published 'not helpful' plus 'wrong' (a withheld one adds nothing), most first."""
        return (-sum(max(_published(v), 0.0) for v in row[4:6]), str(row[1]))

    rows.sort(key=wanting)
    order = {str(row[1]): n for n, row in enumerate(rows)}
    comments: list[tuple[Value, ...]] = [
        (rows[order[entry]][0], entry, text, pub.count(f"comment|{entry}|{text}"))
        for entry, text in ledger.comments
        if entry in order
    ]
    comments.sort(key=lambda row: (order[str(row[1])], -_published(row[3]), str(row[2])))
    return (
        Table(
            "feedback",
            "Feedback on the guidance",
            ("Guidance", "Knowledge", "Feedback", "Helpful", "Not helpful", "Wrong"),
            tuple(rows),
            "What officers said of the guidance shown (the question or card they rated), per "
            "knowledge entry; feedback on guidance from several entries counts for each. "
            "Ranked by 'not helpful' and 'wrong' together.",
        ),
        Table(
            "feedback_comments",
            "Feedback comments",
            ("Guidance", "Knowledge", "Comment (scrubbed)", "Times"),
            tuple(comments),
            "Comments as logged: scrubbed of names, addresses, numbers and dates. Shown only "
            f"for guidance rated {threshold} times or more in the period, so that no comment "
            "can be tied to one officer's single use.",
        ),
    )


_STATUS = {"confident": "Found", "ambiguous": "Unsure which guidance", "none": "No match"}


def _self_assessment(
    section: Section | None,
    ledger: Ledger | None,
    suppression: Suppression | None,
    catalogue: Catalogue,
    outcomes: Sequence[Outcome],
    threshold: int,
) -> Table:
    """Which rows of the self-assessment template the period's use evidences, with figures."""
    rows: list[tuple[Value, ...]] = []
    if section is None or ledger is None or suppression is None:
        return Table("self_assessment", "Self-assessment evidence", (), ())
    pub = _Publish(ledger, suppression, threshold)
    values = ledger.values
    for row_id, (heading, text) in catalogue.rows.items():
        for outcome in outcomes:
            if row_id in outcome.rows and values.get(f"outcome_asked|{outcome.id}", 0):
                rows.append(
                    (
                        row_id,
                        heading,
                        text,
                        f"{outcome.label} (of conversations asked)",
                        pub.count(f"outcome_evidenced|{outcome.id}"),
                        pub.share(f"outcome_evidenced|{outcome.id}", f"outcome_asked|{outcome.id}"),
                    )
                )
        entries = set(catalogue.traces.get(row_id, ()))
        for flow_id, info in catalogue.flows.items():
            for step in info.steps.values():
                named = set(step.knowledge) | {p.knowledge for p in step.points if p.knowledge}
                if named & entries and values.get(f"reached|{flow_id}|{step.id}", 0):
                    rows.append(
                        (
                            row_id,
                            heading,
                            text,
                            f"Officers prompted: {step.label} ({info.title})",
                            pub.count(f"reached|{flow_id}|{step.id}"),
                            "",
                        )
                    )
        for entry in sorted(entries):
            if values.get(f"looked_up|{entry}", 0):
                rows.append(
                    (
                        row_id,
                        heading,
                        text,
                        f"Guidance found by questions: {catalogue.entries.get(entry, entry)}",
                        pub.count(f"looked_up|{entry}"),
                        "",
                    )
                )
    return Table(
        "self_assessment",
        "Self-assessment evidence (HMIC self-assessment template)",
        ("Row", "Section", "Indicator", "Evidence from guidebot", "Count", "Share"),
        tuple(rows),
        "Operational use only. Counts are conversations (or questions, for guidance found).",
    )


def build_report(
    events: Iterable[Mapping[str, Any]],
    period: Period,
    catalogue: Catalogue,
    *,
    now: float,
    threshold: int = THRESHOLD,
    flows: Sequence[str] = (),
    outcomes: Sequence[Outcome] | None = None,
    protection: int = PROTECTION,
    counted: Mapping[tuple[bool, int], Counts] | None = None,
    only: Sequence[str] = ("operational", "practice"),
    purged: int = 0,
) -> Report:
    """Count the events of one period once, withhold small counts, and lay the report out.

    ``counted`` are counts already made (by :func:`bot.reports.tally_store`, in SQL); then
    ``events`` is not read. ``purged`` (:func:`bot.reports.purged_in`) is said in the legend.

    Raises:
        PeriodError: the period is not over yet (its figures would still change, and two
            reports of it made at different times could be subtracted), or a flow named in
            ``flows`` does not exist.
    """
    if not period.is_over(now):
        raise PeriodError(
            f"{period.name} is not over yet: report on it once it has ended ({period.dates})."
        )
    unknown = [f for f in flows if f not in catalogue.flows]
    if unknown:
        raise PeriodError(f"No flow {unknown[0]!r}. The flows are: {', '.join(catalogue.flows)}.")
    chosen = tuple(default_outcomes() if outcomes is None else outcomes)
    if counted is None:
        counted = tally(events, period, chosen)
    sections: list[Section] = []
    self_assessment = _self_assessment(None, None, None, catalogue, chosen, threshold)
    for practice in (False, True):
        counts = counted.get((practice, 0), Counts())
        if (practice and not counts.cells) or (
            "practice" if practice else "operational"
        ) not in only:
            continue
        ledger = build_ledger(counts, catalogue, chosen, threshold)
        decided = protect(
            ledger.values, ledger.relations, ledger.shown, threshold, protection=protection
        )
        name = "practice" if practice else "operational"
        section = build_section(name, ledger, decided, catalogue, chosen, threshold)
        if flows:
            section = _only(section, flows)
        sections.append(section)
        if not practice:
            self_assessment = _self_assessment(
                section, ledger, decided, catalogue, chosen, threshold
            )
    return Report(period, threshold, tuple(sections), self_assessment, tuple(flows), purged=purged)


def _only(section: Section, flows: Sequence[str]) -> Section:
    """The section limited to some flows: the same figures, fewer rows."""
    titles = set(flows)
    kept: list[Table] = []
    for table in section.tables:
        if table.flow is not None:
            if table.flow in titles:
                kept.append(table)
            continue
        kept.append(table)
    return Section(section.name, section.title, tuple(kept), section.relations)
