"""One pass over the audit events: each conversation's runs, folded into counts by week.

Pure and streaming: events come in as dicts in the order they were logged (from
``Store.audit_events()`` today, from whatever holds the audit log tomorrow), and only the run
each conversation is in is kept in memory, so a million events need no more than the open
runs. A run belongs to the week its flow started in; a search, or a red flag at the menu,
to the week it happened in. Counts are kept by ids (flow, step, point, knowledge entry).

A run's answers are its *standing* answers: 'back' takes the last one away, as the engine
does, so a withdrawn answer is never counted as given. A step counts as reached once per run
however often the officer came back to it, and a run ends once, where it ended: completed,
cancelled (or left for the menu), timed out, or left open (no end in the log, or the flows
changed under it).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.event_fields import (
    COMMENT_FIELD,
    FEEDBACK_KIND,
    QUESTION_FIELD,
    RATING_FIELD,
    RATINGS,
)
from bot.reports._outcomes import Outcome, Standing
from bot.reports._period import Period

REASONS = ("cancelled", "expired", "open")
"""How a run that did not complete ended: cancelled (or left for the menu), timed out, or left
open (no end in the log, or the flows changed under it)."""

NO_ENTRY = "-"
"""The entry feedback is counted under when it rated guidance with no knowledge id."""

VOICE_COLUMNS = ("answers", "asked", "confirmed", "corrected", "missed")
"""What the voice table counts at each question: answers taken from voice notes; read-backs
("I heard ... is that right?") asked, confirmed and corrected; and voice notes not understood
(no words made out, words that were no answer, or words the question could not read)."""

MENU = "menu"
"""The flow a figure is counted under when it happened at the menu, before any flow."""


def voice_column(event: Mapping[str, Any]) -> str | None:
    """The voice table's column an event counts in, or None (the SQL holds to the same rule)."""
    kind = event["kind"]
    if kind == "not_heard":
        return "missed"
    if event.get("via") != "voice":
        return None
    if kind == "answer":
        return "answers"
    if kind == "not_understood":
        return "missed"
    if kind == "read_back" and event.get("outcome") in ("asked", "confirmed", "corrected"):
        return str(event["outcome"])
    return None


_IGNORED = frozenset(
    {
        "read_back",
        "not_heard",
        "transition",
        "menu_shown",
        "help",
        "why",
        "more_shown",
        "summary_shown",
        "not_understood",
        "skip",
        "skip_refused",
        "red_flag_blocked",
        "danger_now",
    }
)


_VOICE_KINDS = frozenset({"answer", "not_understood", "read_back", "not_heard"})


@dataclass
class Counts:
    """The counts of one week for operational or practice use, by cell id."""

    cells: Counter[str] = field(default_factory=Counter)
    seconds: dict[tuple[str, str], Counter[float]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    """Per (flow, step): how many runs took each time on the question (whole seconds)."""
    questions: Counter[str] = field(default_factory=Counter)
    """Scrubbed texts of unmatched questions, once search events carry them."""
    comments: Counter[tuple[str, str]] = field(default_factory=Counter)
    """Scrubbed feedback comments, by (knowledge entry rated, comment)."""

    def add(self, other: Counts) -> None:
        """Add another week's counts to these (a month is the sum of its weeks)."""
        self.cells.update(other.cells)
        for key, values in other.seconds.items():
            self.seconds[key].update(values)
        self.questions.update(other.questions)
        self.comments.update(other.comments)


class _Run:
    """One flow run, from its start to the next start in the same conversation."""

    __slots__ = (
        "acked",
        "answers",
        "bucket",
        "channel",
        "end",
        "flags",
        "flow",
        "number",
        "reached",
        "seconds",
        "where",
    )

    def __init__(self, flow: str, number: object, bucket: Counts | None, channel: str) -> None:
        self.flow = flow
        self.number = number
        self.bucket = bucket
        self.channel = channel
        self.reached: set[str] = set()
        self.answers: list[tuple[str, str, Sequence[str], Sequence[str]]] = []
        self.seconds: dict[str, float] = {}
        self.flags: set[tuple[str, str]] = set()
        self.acked: set[tuple[str, str]] = set()
        self.end: tuple[str, str | None] | None = None
        self.where: str | None = None


class Tally:
    """Fold audit events into :class:`Counts` per (practice, week index) for given weeks."""

    def __init__(self, period: Period, outcomes: Sequence[Outcome] = ()) -> None:
        """Count for ``period``, judging ``outcomes`` on each run."""
        self.start = period.start.timestamp()
        self.end = period.end.timestamp()
        self.outcomes: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in outcomes:
            self.outcomes[outcome.flow].append(outcome)
        self.buckets: dict[tuple[bool, int], Counts] = {}
        self._runs: dict[str, _Run] = {}
        self._menu_flags: dict[str, list[tuple[str, Counts]]] = defaultdict(list)

    def bucket(self, practice: bool, index: int) -> Counts:
        """The counts of one week (by index) for practice or operational use."""
        key = (practice, index)
        found = self.buckets.get(key)
        if found is None:
            found = self.buckets[key] = Counts()
        return found

    def _bucket_at(self, event: Mapping[str, Any]) -> Counts | None:
        at = event.get("at")
        if at is None:
            at = event.get("recorded_at")
        if at is None:
            return None
        if self.start <= at < self.end:
            return self.bucket(event.get("practice") is True, 0)
        return None

    def feed(self, events: Iterable[Mapping[str, Any]]) -> Tally:
        """Count every event; call :meth:`close` once all are in."""
        runs = self._runs
        ignored = _IGNORED
        for event in events:
            kind = event["kind"]
            if kind in _VOICE_KINDS:
                self._voice(event)
            if kind in ignored:
                continue
            key = event.get("key", "")
            if kind == "flow_started":
                previous = runs.get(key)
                if previous is not None:
                    self._finish(previous)
                runs[key] = _Run(
                    event.get("flow") or "",
                    event.get("run"),
                    self._bucket_at(event),
                    event.get("channel") or "unknown",
                )
                continue
            if kind == "search":
                self._search(event)
                continue
            if kind == FEEDBACK_KIND:
                self._feedback(event)
                continue
            flow = event.get("flow")
            if flow is None:
                self._at_menu(key, kind, event)
                continue
            run = runs.get(key)
            if run is None or run.bucket is None or run.flow != flow:
                continue
            if run.number != event.get("run"):
                continue
            step: str = event.get("step") or ""
            if kind == "prompt_shown":
                run.reached.add(step)
                run.where = step
            elif kind == "answer":
                run.reached.add(step)
                run.where = step
                took = event.get("step_seconds")
                if took is not None:
                    run.seconds[step] = run.seconds.get(step, 0.0) + took
                outcome: str = event.get("outcome") or ""
                if outcome != "in-progress":
                    run.answers.append(
                        (step, outcome, event.get("items", ()), event.get("outstanding", ()))
                    )
            elif kind == "back":
                if event.get("withdrawn") != "part-answer" and run.answers:
                    run.answers.pop()
                run.where = step
                run.end = None
            elif kind == "red_flag":
                run.flags.add((event.get("red_flag") or "", step))
            elif kind == "red_flag_acknowledged":
                run.acked.add((event.get("red_flag") or "", step))
            elif kind == "flow_completed":
                run.end = ("completed", None)
            elif kind in ("cancelled", "expired"):
                run.end = (kind, step or run.where)
            elif kind == "state_outdated":
                run.end = ("open", run.where)
        return self

    def _voice(self, event: Mapping[str, Any]) -> None:
        """A voice note's fate, counted where the conversation stood, in the period it happened."""
        column = voice_column(event)
        bucket = self._bucket_at(event) if column is not None else None
        if bucket is None:
            return
        flow, step = event.get("flow") or MENU, event.get("step") or "-"
        bucket.cells[f"voice_{column}|{flow}|{step}"] += 1

    def _search(self, event: Mapping[str, Any]) -> None:
        bucket = self._bucket_at(event)
        if bucket is None:
            return
        cells = bucket.cells
        status = event.get("status") or "none"
        cells["searches"] += 1
        cells[f"search|{status}"] += 1
        entries = event.get("entries")
        if entries:
            cells[f"looked_up|{entries[0]}"] += 1
        question = event.get(QUESTION_FIELD)
        if question and status == "none":
            bucket.questions[str(question)] += 1

    def _feedback(self, event: Mapping[str, Any]) -> None:
        """A verdict on guidance, counted once for each knowledge entry it rated."""
        bucket = self._bucket_at(event)
        rating = event.get(RATING_FIELD)
        if bucket is None or rating not in RATINGS:
            return
        comment = event.get(COMMENT_FIELD)
        for entry in dict.fromkeys(event.get("entries") or (NO_ENTRY,)):
            bucket.cells[f"feedback|{entry}|{rating}"] += 1
            if comment:
                bucket.comments[(str(entry), str(comment))] += 1

    def _at_menu(self, key: str, kind: str, event: Mapping[str, Any]) -> None:
        """Red flags raised at the menu, before any flow: open until acknowledged."""
        waiting = self._menu_flags[key]
        if kind == "red_flag":
            bucket = self._bucket_at(event)
            if bucket is not None:
                flag = event.get("red_flag") or ""
                bucket.cells[f"flag|menu|{flag}"] += 1
                waiting.append((flag, bucket))
        elif kind == "red_flag_acknowledged":
            flag = event.get("red_flag")
            waiting[:] = [(f, b) for f, b in waiting if f != flag]

    def _menu_flags_open(self, key: str) -> None:
        for flag, bucket in self._menu_flags.pop(key, ()):
            bucket.cells[f"flag_open|menu|{flag}"] += 1

    def _finish(self, run: _Run) -> None:
        """Fold a run that is over (or can no longer be added to) into its week."""
        bucket = run.bucket
        if bucket is None:
            return
        cells = bucket.cells
        flow = run.flow
        cells["runs"] += 1
        cells[f"runs|{flow}"] += 1
        cells[f"channel|{run.channel}"] += 1
        reason, at = run.end if run.end is not None else ("open", run.where)
        if reason == "completed":
            cells[f"completed|{flow}"] += 1
        else:
            at = at or "-"
            cells[f"stopped|{flow}"] += 1
            cells[f"{reason}|{flow}"] += 1
            cells[f"stopped|{flow}|{at}"] += 1
            cells[f"{reason}|{flow}|{at}"] += 1
        for step in run.reached:
            cells[f"reached|{flow}|{step}"] += 1
        standing: dict[str, Standing] = {}
        for step, outcome, items, outstanding in run.answers:
            standing[step] = (outcome, items, outstanding)
        for step, (outcome, items, outstanding) in standing.items():
            cells[f"answered|{flow}|{step}"] += 1
            cells[f"outcome|{flow}|{step}|{outcome}"] += 1
            for item in items:
                cells[f"covered|{flow}|{step}|{item}"] += 1
            for item in outstanding:
                cells[f"left_out|{flow}|{step}|{item}"] += 1
        raised = {flag for flag, _ in run.flags}
        for flag in raised:
            cells[f"flag|{flow}|{flag}"] += 1
        for flag in raised - {flag for flag, _ in run.acked}:
            cells[f"flag_open|{flow}|{flag}"] += 1
        for step, took in run.seconds.items():
            bucket.seconds[(flow, step)][int(took + 0.5)] += 1
        for outcome_def in self.outcomes.get(flow, ()):
            asked, evidenced = outcome_def.judge(standing)
            if asked:
                cells[f"outcome_asked|{outcome_def.id}"] += 1
            if evidenced:
                cells[f"outcome_evidenced|{outcome_def.id}"] += 1

    def close(self) -> dict[tuple[bool, int], Counts]:
        """Finish every run still open and every red flag still waiting; the counts."""
        for run in self._runs.values():
            self._finish(run)
        self._runs.clear()
        for key in list(self._menu_flags):
            self._menu_flags_open(key)
        return self.buckets


def tally(
    events: Iterable[Mapping[str, Any]], period: Period, outcomes: Sequence[Outcome] = ()
) -> dict[tuple[bool, int], Counts]:
    """Count ``events`` of the conversations started in ``period``: keys are (practice, 0)."""
    return Tally(period, outcomes).feed(events).close()
