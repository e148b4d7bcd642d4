"""The trainers' voice table: counted from audit events only, the same in SQL and in Python,
and withheld so that no small count can be worked out from the figures around it."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest

from bot.app import DATABASE, App
from bot.engine import Text
from bot.reports import (
    Catalogue,
    Count,
    Report,
    build_ledger,
    build_report,
    default_outcomes,
    parse_period,
    protect,
    render_csv,
    render_json,
    render_text,
    tally,
    tally_store,
)
from bot.reports._suppress import exposed
from bot.reports._tally import VOICE_COLUMNS, Counts
from bot.session import Sessions
from bot.store import Store

NOVEMBER = 1_793_577_600.0  # Monday 2 November 2026 00:00 UTC
LATER = 1_900_000_000.0
DANGER = "initial-contact|danger"
"""Where the first question of first contact ("is the child in danger right now?") counts."""


@pytest.fixture(scope="module")
def logged(
    reporting: tuple[App, Catalogue], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[dict[str, Any]]]:
    """Twelve first contacts whose first answer came by voice in each way it can, and one
    voice note at the menu; logged through the real sessions into a real store."""
    app, _ = reporting
    folder = tmp_path_factory.mktemp("voice")
    with Store.open(folder / DATABASE) as store:
        sessions = Sessions(app.engine, store, channel="telegram")
        now = NOVEMBER
        for number in range(12):
            key, now = f"c-{number}", now + 600
            sessions.handle(key, Text("First contact", now))  # typed: not counted
            if number % 4 == 0:  # a note with no words in it, at the question
                sessions.voice_checked(key, "not_heard", "no-words", confidence=0.0, now=now + 5)
            sessions.voice_checked(key, "read_back", "asked", confidence=0.5, now=now + 10)
            if number % 3 == 0:  # yes, that is what I said: the words act
                sessions.voice_checked(key, "read_back", "confirmed", confidence=0.5, now=now + 20)
                sessions.handle(key, Text("no", now + 21, via="voice", confidence=0.5))
            elif number % 3 == 1:  # no: said again, typed this time
                sessions.voice_checked(key, "read_back", "corrected", confidence=0.5, now=now + 20)
                sessions.handle(key, Text("no", now + 30))
            else:  # the read-back left unanswered; a clear note answers instead
                sessions.handle(key, Text("no", now + 30, via="voice", confidence=0.9))
        sessions.voice_checked("c-menu", "not_heard", "not-an-answer", confidence=0.4, now=now)
        events = store.audit_events()
    return folder, events


def voice_cells(counts: Counts) -> dict[str, int]:
    return {cell: n for cell, n in counts.cells.items() if cell.startswith("voice_") and n}


def test_voice_is_counted_where_the_conversation_stood_from_the_events_alone(
    logged: tuple[Path, list[dict[str, Any]]],
) -> None:
    _, events = logged
    counts = tally(events, parse_period("2026-11"))[(False, 0)]
    assert voice_cells(counts) == {
        f"voice_answers|{DANGER}": 8,  # 4 confirmed, then 4 heard clearly
        f"voice_asked|{DANGER}": 12,
        f"voice_confirmed|{DANGER}": 4,
        f"voice_corrected|{DANGER}": 4,
        f"voice_missed|{DANGER}": 3,
        "voice_missed|menu|-": 1,
    }
    assert counts.cells["runs"] == 12  # typed answers and flows are counted as before


def test_a_voice_event_holds_categories_never_words(
    logged: tuple[Path, list[dict[str, Any]]],
) -> None:
    _, events = logged
    checks = [e for e in events if e["kind"] in ("read_back", "not_heard")]
    assert len(checks) == 12 + 4 + 4 + 3 + 1
    allowed = {"kind", "flow", "step", "outcome", "at", "run", "seq", "version", "channel"}
    for event in checks:
        assert set(event) - {"key", "recorded_at"} <= allowed | {"via", "confidence"}
        assert event["via"] == "voice"


def test_sql_counts_voice_as_the_python_tally_does(
    logged: tuple[Path, list[dict[str, Any]]],
) -> None:
    folder, events = logged
    period = parse_period("2026-11")
    in_sql = tally_store(folder / DATABASE, period, default_outcomes())
    in_python = tally(events, period, default_outcomes())
    assert +in_sql[(False, 0)].cells == +in_python[(False, 0)].cells
    assert voice_cells(in_sql[(False, 0)])  # not equal by both being empty


def test_voice_in_another_month_is_not_counted_in_this_one(
    logged: tuple[Path, list[dict[str, Any]]],
) -> None:
    folder, events = logged
    october = parse_period("2026-10")
    assert not voice_cells(tally(events, october).get((False, 0), Counts()))
    assert not voice_cells(tally_store(folder / DATABASE, october).get((False, 0), Counts()))


@pytest.fixture(scope="module")
def report(logged: tuple[Path, list[dict[str, Any]]], reporting: tuple[App, Catalogue]) -> Report:
    _, events = logged
    return build_report(events, parse_period("2026-11"), reporting[1], now=LATER)


def test_the_voice_table_is_in_every_format_with_small_counts_withheld(report: Report) -> None:
    section = report.section("operational")
    assert section is not None
    table = section.table("voice")
    assert table is not None
    menu, danger, total = table.rows
    assert menu[:2] == ("-", "At the menu") and danger[1] == "Child at risk: first contact"
    read_back = danger[3]
    assert isinstance(read_back, Count) and read_back.value == 12
    assert all(
        isinstance(v, Count) and v.value is None for v in (danger[4], danger[5], danger[6])
    )  # 4, 4 and 3: withheld
    assert total[0] == "All questions"
    assert "Voice notes" in render_text(report) and "Read back" in render_text(report)
    sheet = render_csv(report).splitlines()
    assert "Operational use,Voice notes,2,Read back,12" in sheet
    assert "Operational use,Voice notes,2,Confirmed,<10" in sheet
    data = json.loads(render_json(report))
    tables = {t["key"]: t for t in data["sections"][0]["tables"]}
    assert tables["voice"]["columns"][2:] == [
        "Answers by voice",
        "Read back",
        "Confirmed",
        "Corrected",
        "Not understood",
    ]


def test_the_read_back_identity_is_stated_and_nothing_withheld_is_pinned(
    logged: tuple[Path, list[dict[str, Any]]], reporting: tuple[App, Catalogue]
) -> None:
    """Read back = confirmed + corrected + unanswered: 12 published beside two withheld 4s
    would give one away from the other if the unanswered were printed anywhere."""
    _, events = logged
    counts = tally(events, parse_period("2026-11"))[(False, 0)]
    ledger = build_ledger(counts, reporting[1], default_outcomes())
    identities = {frozenset(r.cells) for r in ledger.relations}
    assert (
        frozenset(f"voice_{c}|{DANGER}" for c in ("asked", "confirmed", "corrected", "unanswered"))
        in identities
    )
    assert f"voice_unanswered|{DANGER}" not in ledger.shown
    decided = protect(ledger.values, ledger.relations, ledger.shown, 10)
    assert not exposed(
        ledger.values, ledger.relations, ledger.shown, decided.hidden, 10, decided.small
    )


# --- brute force: every voice table a reader could believe -----------------------------------

NO_FLOWS = Catalogue(flows={})
"""The voice cells' identities need no flows: the brute force runs without the engine."""

LEAVES = ("answers", "confirmed", "corrected", "unanswered", "missed")
"""Per question, what a grid gives: read back is confirmed + corrected + unanswered."""


def _voice_counts(grid: list[tuple[int, ...]]) -> Counts:
    counts = Counts()
    for number, (answers, confirmed, corrected, unanswered, missed) in enumerate(grid):
        place = f"initial-contact|step-{number}"
        asked = confirmed + corrected + unanswered
        for column, value in zip(
            VOICE_COLUMNS, (answers, asked, confirmed, corrected, missed), strict=True
        ):
            counts.cells[f"voice_{column}|{place}"] = value
    return counts


def _pinned(grid: list[tuple[int, ...]], catalogue: Catalogue, threshold: int) -> set[str]:
    """The withheld voice figures that every grid consistent with what is published shares.

    Written apart from the suppression's own check: each question's parts are enumerated over
    what their publication allows (exact; "<t" 1..t-1; "[c]" 1 up to a cap), its
    read-back count too (the never-printed unanswered is what is left, 0 or more), and every
    column's total is checked against its own publication.
    """
    ledger = build_ledger(_voice_counts(grid), catalogue, default_outcomes(), threshold)
    decided = protect(ledger.values, ledger.relations, ledger.shown, threshold)
    values = ledger.values
    cap = max(values.values(), default=0) + 2  # a lower cap only narrows what is found
    places = [f"initial-contact|step-{n}" for n in range(len(grid))]

    def allowed(cell: str) -> range:
        value = values.get(cell, 0)
        if cell not in decided.hidden or not value:
            return range(value, value + 1)
        return range(1, threshold) if cell in decided.small else range(1, cap + 1)

    enumerated = [f"voice_{c}|{place}" for place in places for c in VOICE_COLUMNS]
    seen: dict[str, set[int]] = {
        cell: set() for cell in values if cell in decided.hidden and values[cell]
    }
    for choice in itertools.product(*(allowed(cell) for cell in enumerated)):
        table = dict(zip(enumerated, choice, strict=True))
        if any(
            table[f"voice_asked|{p}"]
            < table[f"voice_confirmed|{p}"] + table[f"voice_corrected|{p}"]
            for p in places
        ):
            continue  # the unanswered would be negative
        for column in VOICE_COLUMNS:
            table[f"voice_{column}"] = sum(table[f"voice_{column}|{p}"] for p in places)
        if not all(table[f"voice_{c}"] in allowed(f"voice_{c}") for c in VOICE_COLUMNS):
            continue
        for cell, found in seen.items():
            found.add(table[cell])
    return {cell for cell, found in seen.items() if len(found) < 2}


@pytest.mark.parametrize(
    "grid",
    [
        [(0, 3, 0, 12, 0)],  # one small part beside a published read-back total
        [(0, 4, 4, 4, 0)],  # read back 12 = 4 + 4 + the unprinted unanswered
        [(1, 0, 0, 0, 0), (11, 0, 0, 0, 0)],  # one small answer count beside a column total
        [(9, 9, 9, 0, 9)],  # small parts of read-back totals that are not small
    ],
)
def test_no_withheld_voice_figure_can_be_worked_out(grid: list[tuple[int, ...]]) -> None:
    assert not _pinned(grid, NO_FLOWS, threshold=10)


def test_on_random_small_voice_tables_no_withheld_figure_is_ever_determined() -> None:
    """Small cells in one question's every column (threshold 5, to stay fast); tables of two
    questions are the cases above, as every withheld cell of two multiplies the search."""
    rng = random.Random(2026)
    for _ in range(30):
        grid = [tuple(rng.choice([0, 0, 1, 2, 3, 4, 6, 9]) for _ in LEAVES)]
        assert not _pinned(grid, NO_FLOWS, threshold=5), grid
