"""The report's counts made inside SQLite: one pass over the log, then GROUP BY over columns.

A million events parsed into Python dicts take longer than the whole report may (the aim is
under 5 s); SQLite's JSON functions read each event once, in C, into a temporary table of the
few fields a report needs, and every count after that is an aggregate over plain columns.
The rules are those of :mod:`bot.reports._tally` (which stays the reference the tests hold
this to): a run belongs to the period its flow started in; a step counts once per run however
often it was reached; an answer stands unless a later 'back' to its step took it away; a run
ends once, where it ended (a 'back' after the end reopens it); a red flag is open unless
acknowledged in the same run.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from bot.audit.fields import FEEDBACK_KIND, RATINGS
from bot.reports._outcomes import Outcome
from bot.reports._period import Period
from bot.reports._tally import NO_ENTRY, Counts
from bot.store import Store
from bot.store._audit import FIELDS_OF_EVENTS

MARGIN = 2 * 24 * 3600.0
"""Events of a run started in the period are read up to two days after it ends: a
conversation times out long before that."""

USED = (
    "flow_started",
    "prompt_shown",
    "answer",
    "back",
    "red_flag",
    "red_flag_acknowledged",
    "search",
    "cancelled",
    "flow_completed",
    "expired",
    "state_outdated",
    FEEDBACK_KIND,
)
"""The kinds a report counts; the rest (transitions, menus, help) are never parsed."""

_COLUMNS = (
    "key, kind, flow, step, run, at, outcome, seconds, items, outstanding, withdrawn, flag, "
    "status, entry, question, practice, channel, rating, comment, entries"
)


def _source(db: sqlite3.Connection) -> str:
    """Where the events' fields are read: the store's copy, or the JSON itself.

    The store keeps every event's fields in ``audit_fields`` as it logs it (checked against
    the JSON by ``guidebot audit verify``), so a report need not parse a million events. A
    database no guidebot has opened since that table came in is read as before, from the JSON.
    """
    found = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_fields'"
    ).fetchone()
    return "audit_fields" if found else f"({FIELDS_OF_EVENTS})"


def _extract(db: sqlite3.Connection, period: Period) -> None:
    """Read the period's events once into a temporary table of plain columns."""
    wanted = ", ".join(f"'{kind}'" for kind in USED)
    db.execute("DROP TABLE IF EXISTS temp.ev")
    # The audit id as the row id: the events go in in that order, and a look-up by id is free.
    db.execute(f"CREATE TEMP TABLE ev (id INTEGER PRIMARY KEY, {_COLUMNS})")
    db.execute(
        f"""
        INSERT INTO ev SELECT id, {_COLUMNS} FROM {_source(db)}
        WHERE recorded_at >= ? AND recorded_at < ? AND kind IN ({wanted})
        """,
        (period.start.timestamp() - 24 * 3600.0, period.end.timestamp() + MARGIN),
    )
    start, end = period.start.timestamp(), period.end.timestamp()
    db.execute("DROP TABLE IF EXISTS temp.runs")
    db.execute(
        """
        CREATE TEMP TABLE runs AS
        SELECT key, run, flow, coalesce(practice, 0) AS practice,
               coalesce(channel, 'unknown') AS channel
        FROM ev WHERE kind = 'flow_started' AND at >= ? AND at < ?
        """,
        (start, end),
    )
    db.execute("CREATE INDEX temp.runs_by_run ON runs (key, run)")
    # Every event of a counted run, with the run's practice mark; the run's own flow only.


def _standing(db: sqlite3.Connection) -> None:
    """Each run's steps in one pass, and the answer standing at each.

    An answer stands if it was the last given at its step and no later 'back' to that step
    took it away.
    """
    db.execute("DROP TABLE IF EXISTS temp.steps")
    db.execute(
        """
        CREATE TEMP TABLE steps AS
        SELECT r.practice AS p, s.* FROM (
            SELECT key, run, flow, step,
                   max(kind IN ('prompt_shown', 'answer')) AS reached,
                   max(CASE WHEN kind = 'answer' AND outcome != 'in-progress' THEN id END)
                       AS answer,
                   max(CASE WHEN kind = 'back' AND withdrawn != 'part-answer' THEN id END)
                       AS undone,
                   sum(seconds) AS seconds
            FROM ev WHERE kind IN ('prompt_shown', 'answer', 'back') AND flow IS NOT NULL
            GROUP BY key, run, flow, step
        ) s JOIN runs r ON s.key = r.key AND s.run = r.run AND s.flow = r.flow
        """
    )
    db.execute("DROP TABLE IF EXISTS temp.standing")
    db.execute(
        """
        CREATE TEMP TABLE standing AS
        SELECT s.p, s.key, s.run, s.flow, s.step, a.outcome, a.items, a.outstanding
        FROM steps s JOIN ev a ON a.id = s.answer
        WHERE s.undone IS NULL OR s.undone < s.answer
        """
    )


def tally_store(
    database: Path, period: Period, outcomes: Sequence[Outcome] = ()
) -> dict[tuple[bool, int], Counts]:
    """Count the period's conversations in the store's database: keys are (practice, 0)."""
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        db.execute("PRAGMA temp_store = MEMORY")
        _extract(db, period)
        _standing(db)
        return _count(db, period, outcomes)
    finally:
        db.close()


def _count(
    db: sqlite3.Connection, period: Period, outcomes: Sequence[Outcome]
) -> dict[tuple[bool, int], Counts]:
    buckets: dict[tuple[bool, int], Counts] = {}

    def cells(practice: object) -> Counter[str]:
        return bucket(practice).cells

    def bucket(practice: object) -> Counts:
        key = (bool(practice), 0)
        if key not in buckets:
            buckets[key] = Counts()
        return buckets[key]

    for practice, flow, channel, number in db.execute(
        "SELECT practice, flow, channel, count(*) FROM runs GROUP BY 1, 2, 3"
    ):
        found = cells(practice)
        found["runs"] += number
        found[f"runs|{flow}"] += number
        found[f"channel|{channel}"] += number
    # Steps reached, and each run's time on each step, in one sort.
    for practice, flow, step, reached, seconds, number in db.execute(
        """
        SELECT p, flow, step, reached, CAST(seconds + 0.5 AS INTEGER), count(*) FROM steps
        GROUP BY 1, 2, 3, 4, 5
        """
    ):
        if reached:
            cells(practice)[f"reached|{flow}|{step}"] += number
        if seconds is not None:
            bucket(practice).seconds[(flow, step)][seconds] += number
    # How each run ended, and where: its last ending (or 'back', which reopens it), and the
    # step it was last at.
    for practice, flow, reason, where, number in db.execute(
        """
        WITH last_end AS (
            SELECT key, run, flow, max(id) AS id FROM ev
            WHERE kind IN ('flow_completed', 'cancelled', 'expired', 'state_outdated', 'back')
            GROUP BY key, run, flow
        ), last_at AS (
            SELECT key, run, flow, max(id) AS id FROM ev
            WHERE kind IN ('prompt_shown', 'answer', 'back') GROUP BY key, run, flow
        )
        SELECT r.practice, r.flow,
               CASE e.kind WHEN 'flow_completed' THEN 'completed'
                           WHEN 'cancelled' THEN 'cancelled'
                           WHEN 'expired' THEN 'expired' ELSE 'open' END AS reason,
               CASE WHEN e.kind IN ('cancelled', 'expired') AND e.step IS NOT NULL THEN e.step
                    ELSE w.step END AS at_step,
               count(*)
        FROM runs r
        LEFT JOIN last_end le ON le.key = r.key AND le.run = r.run AND le.flow = r.flow
        LEFT JOIN ev e ON e.id = le.id
        LEFT JOIN last_at la ON la.key = r.key AND la.run = r.run AND la.flow = r.flow
        LEFT JOIN ev w ON w.id = la.id
        GROUP BY 1, 2, 3, 4
        """
    ):
        found = cells(practice)
        if reason == "completed":
            found[f"completed|{flow}"] += number
            continue
        step = where or "-"
        found[f"stopped|{flow}"] += number
        found[f"{reason}|{flow}"] += number
        found[f"stopped|{flow}|{step}"] += number
        found[f"{reason}|{flow}|{step}"] += number
    for practice, flow, step, outcome, number in db.execute(
        "SELECT p, flow, step, outcome, count(*) FROM standing GROUP BY 1, 2, 3, 4"
    ):
        found = cells(practice)
        found[f"answered|{flow}|{step}"] += number
        found[f"outcome|{flow}|{step}|{outcome}"] += number
    for name, column in (("covered", "items"), ("left_out", "outstanding")):
        for practice, flow, step, item, number in db.execute(
            f"""
            SELECT s.p, s.flow, s.step, j.value, count(*)
            FROM standing s, json_each(s.{column}) j
            WHERE s.{column} IS NOT NULL GROUP BY 1, 2, 3, 4
            """
        ):
            cells(practice)[f"{name}|{flow}|{step}|{item}"] += number
    for practice, flow, flag, raised, left_open in db.execute(
        """
        SELECT p, flow, flag, count(*), sum(NOT acked) FROM (
            SELECT r.practice AS p, e.key, e.run, e.flow, e.flag,
                   max(e.kind = 'red_flag_acknowledged') AS acked,
                   max(e.kind = 'red_flag') AS up
            FROM ev e JOIN runs r ON e.key = r.key AND e.run = r.run AND e.flow = r.flow
            WHERE e.kind IN ('red_flag', 'red_flag_acknowledged') AND e.flag IS NOT NULL
            GROUP BY e.key, e.run, e.flow, e.flag
        ) WHERE up GROUP BY 1, 2, 3
        """
    ):
        found = cells(practice)
        found[f"flag|{flow}|{flag}"] += raised
        if left_open:
            found[f"flag_open|{flow}|{flag}"] += left_open
    start, end = period.start.timestamp(), period.end.timestamp()
    for practice, flag, raised, left_open in db.execute(
        """
        SELECT coalesce(f.practice, 0), f.flag, count(*), sum(NOT EXISTS (
            SELECT 1 FROM ev a WHERE a.key = f.key AND a.kind = 'red_flag_acknowledged'
              AND a.flow IS NULL AND a.flag = f.flag AND a.id > f.id))
        FROM ev f
        WHERE f.kind = 'red_flag' AND f.flow IS NULL AND f.at >= ? AND f.at < ?
          AND f.flag IS NOT NULL
        GROUP BY 1, 2
        """,
        (start, end),
    ):
        found = cells(practice)
        found[f"flag|menu|{flag}"] += raised
        if left_open:
            found[f"flag_open|menu|{flag}"] += left_open
    for practice, status, entry, question, number in db.execute(
        """
        SELECT coalesce(practice, 0), coalesce(status, 'none'), entry, question, count(*)
        FROM ev WHERE kind = 'search' AND at >= ? AND at < ? GROUP BY 1, 2, 3, 4
        """,
        (start, end),
    ):
        found = cells(practice)
        found["searches"] += number
        found[f"search|{status}"] += number
        if entry:
            found[f"looked_up|{entry}"] += number
        if question and status == "none":
            bucket(practice).questions[str(question)] += number
    # Feedback: once for each knowledge entry it rated (an entry named twice, once).
    ratings = ", ".join(f"'{rating}'" for rating in RATINGS)
    for practice, entry, rating, comment, number in db.execute(
        f"""
        SELECT p, entry, rating, comment, count(*) FROM (
            SELECT DISTINCT e.id, coalesce(e.practice, 0) AS p,
                   coalesce(j.value, '{NO_ENTRY}') AS entry, e.rating, e.comment
            FROM ev e LEFT JOIN json_each(e.entries) j
            WHERE e.kind = '{FEEDBACK_KIND}' AND e.at >= ? AND e.at < ?
              AND e.rating IN ({ratings})
        ) GROUP BY 1, 2, 3, 4
        """,
        (start, end),
    ):
        found = cells(practice)
        found[f"feedback|{entry}|{rating}"] += number
        if comment:
            bucket(practice).comments[(str(entry), str(comment))] += number
    single = [o for o in outcomes if _one_step(o)]
    for counts in buckets.values():
        _outcomes_from_cells(counts.cells, single)
    _count_outcomes(db, [o for o in outcomes if not _one_step(o)], cells)
    return buckets


def _one_step(outcome: Outcome) -> bool:
    """Whether the outcome rests on one step's answers, or on one point.

    Then its figures are that step's counts, and no run can be counted twice.
    """
    if len(outcome.evidence) != 1:
        return False
    line = outcome.evidence[0]
    return not line.points or (not line.answers and len(line.points) == 1)


def _outcomes_from_cells(found: Counter[str], outcomes: Sequence[Outcome]) -> None:
    """Outcomes resting on one step, read off the counts of that step's standing answers."""
    for outcome in outcomes:
        line = outcome.evidence[0]
        asked = found.get(f"answered|{outcome.flow}|{line.step}", 0)
        evidenced = sum(
            found.get(f"outcome|{outcome.flow}|{line.step}|{answer}", 0) for answer in line.answers
        ) + sum(found.get(f"covered|{outcome.flow}|{line.step}|{p}", 0) for p in line.points)
        if asked:
            found[f"outcome_asked|{outcome.id}"] += asked
        if evidenced:
            found[f"outcome_evidenced|{outcome.id}"] += evidenced


def _count_outcomes(
    db: sqlite3.Connection, outcomes: Sequence[Outcome], cells: Callable[[object], Counter[str]]
) -> None:
    """Runs asked about each outcome, and runs whose standing answers evidence it."""
    if not outcomes:
        return
    db.execute("DROP TABLE IF EXISTS temp.evidence")
    db.execute(
        "CREATE TEMP TABLE evidence (outcome TEXT, flow TEXT, step TEXT, what TEXT, value TEXT)"
    )
    rows = [
        (o.id, o.flow, line.step, what, value)
        for o in outcomes
        for line in o.evidence
        for what, values in (("answer", line.answers), ("point", line.points))
        for value in values
    ]
    db.executemany("INSERT INTO evidence VALUES (?, ?, ?, ?, ?)", rows)
    find: Mapping[str, str] = {
        "asked": """
            SELECT e.outcome, s.p, count(DISTINCT s.key || '#' || s.run)
            FROM standing s JOIN (SELECT DISTINCT outcome, flow, step FROM evidence) e
              ON s.flow = e.flow AND s.step = e.step GROUP BY 1, 2
        """,
        "evidenced": """
            SELECT e.outcome, s.p, count(DISTINCT s.key || '#' || s.run)
            FROM standing s JOIN evidence e ON s.flow = e.flow AND s.step = e.step
            WHERE (e.what = 'answer' AND s.outcome = e.value)
               OR (e.what = 'point' AND s.items IS NOT NULL AND EXISTS (
                    SELECT 1 FROM json_each(s.items) j WHERE j.value = e.value))
            GROUP BY 1, 2
        """,
    }
    for name, query in find.items():
        for outcome, practice, number in db.execute(query):
            cells(practice)[f"outcome_{name}|{outcome}"] += number


def store_events(store: Store, events: Iterable[Mapping[str, Any]], batch: int = 20_000) -> int:
    """Append events (each with its ``key``) to a store's log in large transactions.

    For tests and the benchmark: the store's own append (leaf hashes and all), without a
    conversation's save around every few events. Returns how many were appended.
    """
    from bot.audit._merkle import canonical_json
    from bot.store._audit import append_events
    from bot.store._sqlite import write_transaction

    db = store._db
    done = 0
    pending: list[tuple[str, float, str]] = []

    def flush() -> None:
        with write_transaction(db):
            for key, at, text in pending:
                append_events(db, key, at, [text])
        pending.clear()

    for event in events:
        body = {k: v for k, v in event.items() if k not in ("key", "recorded_at")}
        at = float(event.get("recorded_at") or event.get("at") or 0.0)
        pending.append((str(event["key"]), at, canonical_json(body).decode()))
        done += 1
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return done
