"""The report's counts made inside SQLite, from the fields the store keeps beside each event.

A million events parsed into Python dicts, or even by SQLite's JSON functions, take longer
than the whole report may (the aim is under 5 s). The store writes each event's fields into
``audit_fields`` as it logs it (:data:`bot.store._audit.FIELDS`; ``verify`` holds them to the
JSON), with an index that keeps each run's steps in order: the steps are grouped straight off
that index, the few other events a report counts are read into a temporary table, and every
count after that is an aggregate over plain columns.
The rules are those of :mod:`bot.reports._tally` (which stays the reference the tests hold
this to): a run belongs to the period its flow started in; a step counts once per run however
often it was reached; an answer stands unless a later 'back' to its step took it away; a run
ends once, where it ended (a 'back' after the end reopens it); a red flag is open unless
acknowledged in the same run.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from bot.event_fields import FEEDBACK_KIND, RATINGS
from bot.reports._outcomes import Outcome
from bot.reports._period import Period
from bot.reports._tally import MENU, NO_ENTRY, Counts
from bot.store import STEP_EVENT_KINDS, create_fields

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
_SCATTERED = tuple(kind for kind in USED if kind not in ("prompt_shown", "answer"))
"""The kinds read into the temporary table: each a few in a hundred events (a 'back' is read
both here, as a run's possible end, and with the steps)."""


def _fields(db: sqlite3.Connection) -> None:
    """Make sure ``audit_fields`` and its indexes can be read, as the store keeps them.

    The store writes every event's fields there as it logs it (checked against the JSON by
    ``guidebot audit verify``), so a report need not parse a million events. A database no
    guidebot has opened since that table came in is read from the JSON into a temporary copy.
    """
    found = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_fields'"
    ).fetchone()
    if found:
        return
    create_fields(db, "temp.")


def _extract(db: sqlite3.Connection, period: Period) -> None:
    """Read the period's events other than steps into a temporary table of plain columns."""
    _fields(db)
    wanted = ", ".join(f"'{kind}'" for kind in _SCATTERED)
    db.execute("DROP TABLE IF EXISTS temp.ev")
    # The audit id as the row id: a look-up by id is free.
    db.execute(f"CREATE TEMP TABLE ev (id INTEGER PRIMARY KEY, {_COLUMNS})")
    db.execute(
        f"""
        INSERT INTO ev SELECT id, {_COLUMNS} FROM audit_fields
        WHERE kind IN ({wanted}) AND recorded_at >= ? AND recorded_at < ?
        """,
        _window(period),
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


def _window(period: Period) -> tuple[float, float]:
    """The times of the events read: from a day before the period to two days after it."""
    return period.start.timestamp() - 24 * 3600.0, period.end.timestamp() + MARGIN


def _standing(db: sqlite3.Connection, period: Period) -> None:
    """Each run's steps in one pass, with the answer standing at each.

    An answer stands if it was the last given at its step and no later 'back' to that step
    took it away. ``rid`` is the run's row in ``runs``; ``last`` the run's last event at the
    step, for where a run stopped.
    """
    db.execute("DROP TABLE IF EXISTS temp.steps")
    # Read in the step index's order, so the grouping needs no sort.
    db.execute(
        f"""
        CREATE TEMP TABLE steps AS
        SELECT s.p, s.rid, s.key, s.run, s.flow, s.step, s.reached, s.seconds, s.last,
               a.id IS NOT NULL AS answered, a.outcome, a.items, a.outstanding
        FROM (
            SELECT r.practice AS p, r.rowid AS rid, g.* FROM (
                SELECT key, run, flow, step,
                       max(kind IN ('prompt_shown', 'answer')) AS reached,
                       max(CASE WHEN kind = 'answer' AND outcome != 'in-progress' THEN id END)
                           AS answer,
                       max(CASE WHEN kind = 'back' AND withdrawn != 'part-answer' THEN id END)
                           AS undone,
                       sum(seconds) AS seconds,
                       max(id) AS last
                FROM audit_fields INDEXED BY audit_fields_by_step
                WHERE kind IN {STEP_EVENT_KINDS!r} AND flow IS NOT NULL
                  AND recorded_at >= ? AND recorded_at < ?
                GROUP BY key, run, flow, step
            ) g JOIN runs r ON g.key = r.key AND g.run = r.run AND g.flow = r.flow
        ) s LEFT JOIN audit_fields a
            ON a.id = s.answer AND (s.undone IS NULL OR s.undone < s.answer)
        """,
        _window(period),
    )
    db.execute("DROP VIEW IF EXISTS temp.standing")
    db.execute(
        """
        CREATE TEMP VIEW standing AS
        SELECT p, key, run, flow, step, outcome, items, outstanding FROM steps WHERE answered
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
        _standing(db, period)
        return _count(db, period, outcomes)
    finally:
        db.close()


def purged_in(database: Path, period: Period) -> int:
    """How many of the events logged in the period were purged under the retention rule.

    A purge keeps each event's time and hash but not its fields, so a report of a purged
    period counts only what is left: a trainer must be told, or a month purged in part reads
    as a quiet one.
    """
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        row = db.execute(
            "SELECT count(*) FROM audit WHERE purged_at IS NOT NULL "
            "AND recorded_at >= ? AND recorded_at < ?",
            [period.start.timestamp(), period.end.timestamp()],
        ).fetchone()
    finally:
        db.close()
    return int(row[0])


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
    # Steps reached, each run's time on each step, and the answers standing, in one sort.
    for practice, flow, step, reached, seconds, answered, outcome, number in db.execute(
        """
        SELECT p, flow, step, reached, CAST(seconds + 0.5 AS INTEGER), answered, outcome,
               count(*)
        FROM steps GROUP BY 1, 2, 3, 4, 5, 6, 7
        """
    ):
        found = cells(practice)
        if reached:
            found[f"reached|{flow}|{step}"] += number
        if seconds is not None:
            bucket(practice).seconds[(flow, step)][seconds] += number
        if answered:
            found[f"answered|{flow}|{step}"] += number
            found[f"outcome|{flow}|{step}|{outcome}"] += number
    # How each run ended, and where: its last ending (or 'back', which reopens it), and the
    # step it was last at.
    for practice, flow, reason, where, number in db.execute(
        """
        WITH last_end AS (
            SELECT key, run, flow, max(id) AS id FROM ev
            WHERE kind IN ('flow_completed', 'cancelled', 'expired', 'state_outdated', 'back')
            GROUP BY key, run, flow
        ), last_at AS (
            SELECT rid, max(last) AS id FROM steps GROUP BY rid
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
        LEFT JOIN last_at la ON la.rid = r.rowid
        LEFT JOIN audit_fields w ON w.id = la.id
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
    # Points covered and left out: each distinct list once (officers' lists repeat), read in
    # Python, rather than every answer's list unpacked and sorted in SQL.
    for practice, flow, step, items, outstanding, number in db.execute(
        """
        SELECT p, flow, step, items, outstanding, count(*) FROM standing
        WHERE items IS NOT NULL OR outstanding IS NOT NULL GROUP BY 1, 2, 3, 4, 5
        """
    ):
        found = cells(practice)
        for name, points in (("covered", items), ("left_out", outstanding)):
            for point in _elements(points):
                found[f"{name}|{flow}|{step}|{point}"] += number
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
    _count_voice(db, period, cells)
    single = [o for o in outcomes if _one_step(o)]
    for counts in buckets.values():
        _outcomes_from_cells(counts.cells, single)
    _count_outcomes(db, [o for o in outcomes if not _one_step(o)], cells)
    return buckets


def _count_voice(
    db: sqlite3.Connection, period: Period, cells: Callable[[object], Counter[str]]
) -> None:
    """The voice table's counts, by :func:`bot.reports._tally.voice_column`'s rule.

    ``audit_fields`` keeps no "by voice", so the few kinds that can carry it are read with
    their event's JSON, matched first as text (cheap) and then exactly.
    """
    start, end = period.start.timestamp(), period.end.timestamp()
    window = _window(period)
    for practice, flow, step, column, number in db.execute(
        f"""
        SELECT p, flow, step, col, count(*) FROM (
            SELECT f.practice AS p, coalesce(f.flow, '{MENU}') AS flow,
                   coalesce(f.step, '-') AS step,
                   CASE WHEN f.kind = 'not_heard' THEN 'missed'
                        WHEN json_extract(a.event, '$.via') IS NOT 'voice' THEN NULL
                        WHEN f.kind = 'answer' THEN 'answers'
                        WHEN f.kind = 'not_understood' THEN 'missed'
                        WHEN f.outcome IN ('asked', 'confirmed', 'corrected') THEN f.outcome
                   END AS col
            FROM audit_fields f JOIN audit a ON a.id = f.id
            WHERE f.kind IN ('answer', 'not_understood', 'read_back', 'not_heard')
              AND f.recorded_at >= ? AND f.recorded_at < ? AND f.at >= ? AND f.at < ?
              AND (f.kind = 'not_heard' OR a.event LIKE '%"via":"voice"%')
        ) WHERE col IS NOT NULL GROUP BY 1, 2, 3, 4
        """,
        (*window, start, end),
    ):
        cells(practice)[f"voice_{column}|{flow}|{step}"] += number


def _elements(text: str | None) -> list[object]:
    """The values SQLite's ``json_each`` gives for a JSON text, as the SQL counted them.

    An array's elements (the engine logs lists of point ids), an object's values, or the one
    scalar; true and false as 1 and 0, a nested array or object as its JSON.
    """
    if text is None:
        return []
    value = json.loads(text)
    if isinstance(value, dict):
        value = list(value.values())
    elif not isinstance(value, list):
        value = [value]
    found: list[object] = []
    for element in value:
        if isinstance(element, bool):
            element = int(element)
        elif isinstance(element, (list, dict)):
            element = json.dumps(element, separators=(",", ":"), ensure_ascii=False)
        found.append(element)
    return found


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
    # CROSS JOIN keeps the answers outside: one pass over them, each looked up in the few
    # evidence rows, where SQLite would otherwise index the answers afresh for each query.
    find: Mapping[str, str] = {
        "asked": """
            SELECT e.outcome, s.p, count(DISTINCT s.key || '#' || s.run)
            FROM standing s CROSS JOIN (SELECT DISTINCT outcome, flow, step FROM evidence) e
              ON s.flow = e.flow AND s.step = e.step GROUP BY 1, 2
        """,
        "evidenced": """
            SELECT e.outcome, s.p, count(DISTINCT s.key || '#' || s.run)
            FROM standing s CROSS JOIN evidence e ON s.flow = e.flow AND s.step = e.step
            WHERE (e.what = 'answer' AND s.outcome = e.value)
               OR (e.what = 'point' AND s.items IS NOT NULL AND EXISTS (
                    SELECT 1 FROM json_each(s.items) j WHERE j.value = e.value))
            GROUP BY 1, 2
        """,
    }
    for name, query in find.items():
        for outcome, practice, number in db.execute(query):
            cells(practice)[f"outcome_{name}|{outcome}"] += number
