"""Trainers' reports: counts from real engine events, suppression that subtraction cannot undo,
periods, formats, the outcome table, the Telegram headline and the command."""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.app import DATABASE, App, Settings, build_app
from bot.cli._report import report as report_command
from bot.engine import Press, Text
from bot.reports import (
    Catalogue,
    Count,
    PeriodError,
    Relation,
    Report,
    Share,
    Suppression,
    build_ledger,
    build_report,
    default_outcomes,
    parse_period,
    protect,
    purged_in,
    render_csv,
    render_json,
    render_text,
    report_json,
    tally,
    tally_store,
    telegram_report,
)
from bot.reports._suppress import exposed
from bot.reports._synthetic import wander
from bot.session import Sessions
from bot.store import Store, store_events
from tests.conftest import WarmCache

NOVEMBER = 1_793_577_600.0  # Monday 2 November 2026 00:00 UTC, the start of ISO week 45
FIRST_OF_NOVEMBER = 1_793_491_200.0  # Sunday 1 November 2026 00:00 UTC
LATER = 1_900_000_000.0  # long after every period the tests report on

FULL_FIRST_CONTACT = [
    "First contact", "No", "nan is here, first aid done, calmed her down", "Done", "Yes",
    "Their own words", "Done", "None yet", "mum and dad, no other children, no risk", "Neglect",
    "None", "No", "Done", "Nothing known", "Supervisor", "Done", "No", "Done", "Yes",
]  # fmt: skip


@pytest.fixture(scope="module")
def catalogue(reporting: tuple[App, Catalogue]) -> Catalogue:
    return reporting[1]


def drive(
    sessions: Sessions, key: str, moves: Sequence[str], now: float, step: float = 30
) -> tuple[list[dict[str, Any]], float]:
    """Play one conversation: a move is a button's label if one is showing, else typed text.

    Returns the audit events as the store would hold them (with the key) and the clock.
    """
    events: list[dict[str, Any]] = []
    buttons: dict[str, str] = {}
    for move in moves:
        now += step
        event = Press(buttons[move], now) if move in buttons else Text(move, now)
        result = sessions.handle(key, event)
        events += [{**e.to_json(), "key": key} for e in result.audit]
        for reply in result.replies:
            if reply.buttons:
                buttons = {b.label: b.value for b in reply.buttons}
    return events, now


def synthetic(
    sessions: Sessions, conversations: int, seed: int, start: float = NOVEMBER, gap: float = 1200
) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    events: list[dict[str, Any]] = []
    now = start
    for number in range(conversations):
        produced, now = wander(sessions, f"c{seed}-{number}", rng, now, practice=number % 9 == 0)
        events += produced
        now += gap
    return events


@pytest.fixture(scope="module")
def month_events(reporting: tuple[App, Catalogue]) -> list[dict[str, Any]]:
    app, _ = reporting
    return synthetic(app.sessions("telegram"), 160, seed=7, gap=12000)


@pytest.fixture(scope="module")
def month_report(month_events: list[dict[str, Any]], catalogue: Catalogue) -> Report:
    return build_report(month_events, parse_period("2026-11"), catalogue, now=LATER)


# --- periods ---------------------------------------------------------------------------------


def test_a_month_is_its_calendar_days_in_utc_and_a_week_is_monday_to_sunday() -> None:
    november = parse_period("2026-11")
    assert november.start.timestamp() == FIRST_OF_NOVEMBER
    assert november.dates == "Sunday 1 November to Monday 30 November 2026 (UTC)"
    assert parse_period("2026-10").end == november.start  # no day falls between or in both
    assert parse_period("2026-12").end.isoformat() == "2027-01-01T00:00:00+00:00"
    week = parse_period("2026-W45")
    assert week.start.timestamp() == NOVEMBER
    assert week.dates == "Monday 2 November to Sunday 8 November 2026 (UTC)"


def test_the_events_of_a_month_are_those_whose_conversation_started_in_it(
    reporting: tuple[App, Catalogue],
) -> None:
    app, _ = reporting
    sessions = app.sessions("console")
    last_of_october, _ = drive(sessions, "oct", ["Referral", "Yes"], FIRST_OF_NOVEMBER - 200)
    first_of_november, _ = drive(sessions, "nov", ["Referral", "Yes"], FIRST_OF_NOVEMBER)
    counted = tally(last_of_october + first_of_november, parse_period("2026-11"))
    assert counted[(False, 0)].cells["runs|referral"] == 1
    counted = tally(last_of_october + first_of_november, parse_period("2026-10"))
    assert counted[(False, 0)].cells["runs|referral"] == 1


@pytest.mark.parametrize(
    "text", ["2026-11-03", "2026-11-01..2026-11-15", "2026-13", "2026-W54", "last week", ""]
)
def test_anything_but_a_month_or_an_iso_week_is_refused(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(text)


def test_a_period_not_yet_over_is_refused(catalogue: Catalogue) -> None:
    with pytest.raises(PeriodError, match="not over yet"):
        build_report([], parse_period("2026-11"), catalogue, now=NOVEMBER + 86400)


# --- counting ------------------------------------------------------------------------------


def test_a_completed_first_contact_is_counted_step_by_step(
    reporting: tuple[App, Catalogue], catalogue: Catalogue
) -> None:
    app, _ = reporting
    events, _ = drive(app.sessions("console"), "one", FULL_FIRST_CONTACT, NOVEMBER + 60)
    cells = tally(events, parse_period("2026-W45"), default_outcomes())[(False, 0)].cells
    assert cells["runs|initial-contact"] == 1
    assert cells["completed|initial-contact"] == 1
    assert cells["reached|initial-contact|danger"] == 1
    assert cells["outcome|initial-contact|see-child|yes"] == 1
    assert cells["outcome|initial-contact|needs|complete"] == 1
    assert cells["covered|initial-contact|advice|supervisor"] == 1
    assert cells["left_out|initial-contact|advice|specialist"] == 1
    assert cells["left_out|initial-contact|child-account|wishes"] == 1
    for outcome in ("child-seen", "needs-met", "supervisor-told", "referral-made"):
        assert cells[f"outcome_evidenced|{outcome}"] == 1, outcome
    assert cells["outcome_asked|encompass-done"] == 0  # no domestic abuse: never asked
    assert cells["channel|console"] == 1


def test_back_withdraws_an_answer_and_a_step_counts_once_however_often_reached(
    reporting: tuple[App, Catalogue],
) -> None:
    app, _ = reporting
    moves = ["First contact", "Not sure", "Understood", "back", "back", "No", "cancel"]
    events, _ = drive(app.sessions("console"), "back", moves, NOVEMBER + 60)
    assert [e["withdrawn"] for e in events if e["kind"] == "back"], "the engine logged a back"
    cells = tally(events, parse_period("2026-W45"))[(False, 0)].cells
    assert cells["reached|initial-contact|danger"] == 1
    assert cells["outcome|initial-contact|danger|no"] == 1
    assert cells["outcome|initial-contact|danger|unsure"] == 0  # withdrawn by 'back'
    assert cells["cancelled|initial-contact"] == 1
    assert cells["stopped|initial-contact|needs"] == 1
    assert cells["flag|initial-contact|child-in-danger"] == 1
    assert cells["flag_open|initial-contact|child-in-danger"] == 0


def test_a_red_flag_cancelled_before_it_was_acknowledged_is_counted_as_not_acknowledged(
    reporting: tuple[App, Catalogue],
) -> None:
    app, _ = reporting
    events, _ = drive(app.sessions("console"), "flag", ["First contact", "Yes", "cancel"], NOVEMBER)
    cells = tally(events, parse_period("2026-W45"))[(False, 0)].cells
    assert cells["flag_open|initial-contact|child-in-danger"] == 1


def test_danger_at_the_menu_is_a_red_flag_of_the_menu(reporting: tuple[App, Catalogue]) -> None:
    app, _ = reporting
    sessions = app.sessions("console")
    events, now = drive(sessions, "menu", ["dad has a knife and is going for the kids"], NOVEMBER)
    more, _ = drive(sessions, "menu2", ["dad has a knife and is going for the kids", "ok"], now)
    cells = tally(events + more, parse_period("2026-W45"))[(False, 0)].cells
    assert cells["flag|menu|danger-now"] == 2
    assert cells["flag_open|menu|danger-now"] == 1  # the first was never acknowledged


def test_searches_count_by_status_and_keep_a_seam_for_the_scrubbed_text() -> None:
    at = NOVEMBER + 100
    events = [
        {"kind": "search", "status": "none", "at": at, "key": "a", "question": "fly a plane"},
        {"kind": "search", "status": "none", "at": at, "key": "b"},
        {"kind": "search", "status": "confident", "entries": ["police-protection-s46"], "at": at},
    ]
    counts = tally(events, parse_period("2026-W45"))[(False, 0)]
    assert counts.cells["search|none"] == 2
    assert counts.cells["looked_up|police-protection-s46"] == 1
    assert counts.questions == {"fly a plane": 1}


def test_practice_is_counted_apart_and_events_outside_the_period_not_at_all() -> None:
    def run(key: str, at: float, practice: bool) -> list[dict[str, Any]]:
        extra = {"practice": True} if practice else {}
        common = {"flow": "referral", "run": 1, "key": key, "at": at, **extra}
        return [{"kind": "flow_started", **common}, {"kind": "flow_completed", **common}]

    events = run("a", NOVEMBER + 10, False) + run("b", NOVEMBER + 20, True)
    events += run("c", NOVEMBER - 10, False)
    buckets = tally(events, parse_period("2026-W45"))
    assert buckets[(False, 0)].cells["runs"] == 1
    assert buckets[(True, 0)].cells["runs"] == 1


# --- suppression ---------------------------------------------------------------------------

Grid = list[list[int]]


def _table(grid: Grid) -> tuple[dict[str, int], list[Relation]]:
    """A table with row totals, column totals and a grand total, as a report prints one."""
    values: dict[str, int] = {}
    relations: list[Relation] = []
    rows, columns = len(grid), len(grid[0])
    for r in range(rows):
        for c in range(columns):
            values[f"x{r}{c}"] = grid[r][c]
        values[f"row{r}"] = sum(grid[r])
        relations.append(Relation.total(f"row{r}", [f"x{r}{c}" for c in range(columns)]))
    for c in range(columns):
        values[f"col{c}"] = sum(grid[r][c] for r in range(rows))
        relations.append(Relation.total(f"col{c}", [f"x{r}{c}" for r in range(rows)]))
    values["all"] = sum(map(sum, grid))
    relations.append(Relation.total("all", [f"row{r}" for r in range(rows)]))
    relations.append(Relation.total("all", [f"col{c}" for c in range(columns)]))
    return values, relations


def _pinned(grid: Grid, hidden: frozenset[str], small: frozenset[str], threshold: int) -> set[str]:
    """The withheld cells whose value every table consistent with the published figures shares.

    Written apart from the suppression's own check: every table a reader could believe is
    enumerated. A "<t" is 1..t-1; a "[c]" is 1 or more (up to a cap beyond which no table fits
    the published totals anyway, or which only narrows what is found).
    """
    values, _ = _table(grid)
    rows, columns = len(grid), len(grid[0])
    cap = max(values.values()) + threshold

    def allowed(name: str) -> range:
        if name not in hidden:
            return range(values[name], values[name] + 1)
        return range(1, threshold) if name in small else range(1, cap + 1)

    def fits(name: str, value: int) -> bool:
        return value in allowed(name)

    seen: dict[str, set[int]] = {name: set() for name in hidden}
    table = [[0] * columns for _ in range(rows)]
    cells = [(r, c) for r in range(rows) for c in range(columns)]

    def fill(k: int) -> bool:
        if all(len(found) > 1 for found in seen.values()):
            return True  # nothing left to learn
        if k == len(cells):
            sums = {f"col{c}": sum(table[r][c] for r in range(rows)) for c in range(columns)}
            sums["all"] = sum(map(sum, table))
            if not all(fits(name, value) for name, value in sums.items()):
                return False
            sums |= {f"row{r}": sum(table[r]) for r in range(rows)}
            sums |= {f"x{r}{c}": table[r][c] for r, c in cells}
            for name, found in seen.items():
                found.add(sums[name])
            return False
        r, c = cells[k]
        for value in allowed(f"x{r}{c}"):
            table[r][c] = value
            if c == columns - 1 and not fits(f"row{r}", sum(table[r])):
                continue
            if fill(k + 1):
                return True
        return False

    fill(0)
    return {name for name, found in seen.items() if len(found) < 2}


def _suppress(grid: Grid, threshold: int = 10) -> Suppression:
    values, relations = _table(grid)
    return protect(values, relations, set(values), threshold)


@pytest.mark.parametrize(
    "grid",
    [
        [[0, 0], [0, 3]],  # one non-zero cell
        [[1, 2], [3, 4]],  # every cell small
        [[4, 25, 30]],  # a single row
        [[4], [25], [30]],  # a single column
        [[7]],  # a single cell
        [[0, 0], [0, 0]],  # nothing at all
        [[1, 1], [0, 0]],  # two ones: a total of 2 would pin both
        [[9, 9], [9, 9]],  # small cells whose totals are not small
        [[2, 5, 11], [0, 0, 6], [0, 1, 8]],  # pinned only by rows, columns and total together
    ],
)
def test_suppression_never_fails_and_never_lets_a_withheld_cell_be_worked_out(
    grid: Grid,
) -> None:
    suppression = _suppress(grid, threshold=10)
    values, _ = _table(grid)
    assert suppression.small == {c for c, v in values.items() if 0 < v < 10}
    assert not _pinned(grid, suppression.hidden, suppression.small, 10)


def test_a_table_without_small_counts_is_published_whole() -> None:
    assert not _suppress([[10, 20], [30, 45]]).hidden


def test_one_small_cell_takes_no_more_with_it_than_it_must() -> None:
    # A 2 in a 3x3 table with every total: withholding it and the smallest figure beside it
    # in its row, its column, and the one that closes the rectangle is the least that works.
    grid = [[2, 40, 50], [30, 60, 70], [45, 80, 90]]
    suppression = _suppress(grid)
    assert suppression.small == {"x00"}
    assert suppression.hidden == {"x00", "x01", "x10", "x11"}
    assert not _pinned(grid, suppression.hidden, suppression.small, 10)


def test_on_random_small_tables_no_withheld_cell_is_ever_determined() -> None:
    rng = random.Random(2026)
    for _ in range(60):
        rows, columns = rng.randint(1, 3), rng.randint(1, 3)
        if rows * columns > 6:
            columns = 6 // rows
        grid = [
            [rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 11, 14]) for _ in range(columns)]
            for _ in range(rows)
        ]
        suppression = _suppress(grid, threshold=5)
        pinned = _pinned(grid, suppression.hidden, suppression.small, 5)
        assert not pinned, (grid, sorted(suppression.hidden), pinned)


def test_in_a_real_report_no_withheld_figure_is_pinned_and_no_count_is_negative(
    month_events: list[dict[str, Any]], catalogue: Catalogue, month_report: Report
) -> None:
    counts = tally(month_events, parse_period("2026-11"), default_outcomes())[(False, 0)]
    ledger = build_ledger(counts, catalogue, default_outcomes())
    decided = protect(ledger.values, ledger.relations, ledger.shown, 10)
    assert decided.small and decided.hidden > decided.small  # secondary suppression happened
    still = exposed(
        ledger.values, ledger.relations, ledger.shown, decided.hidden, 10, decided.small
    )
    assert not still
    section = month_report.section("operational")
    assert section is not None
    for table in section.tables:
        for row in table.rows:
            for value in row:
                if isinstance(value, Count):
                    assert (value.value is None) == (
                        value.cell in decided.hidden and bool(ledger.values.get(value.cell))
                    ), value
                    assert value.value is None or value.value == ledger.values.get(value.cell, 0)
                    assert value.value is None or value.value >= 0


def test_shares_of_withheld_counts_are_withheld_too(month_report: Report) -> None:
    for section in month_report.sections:
        for table in section.tables:
            for row in table.rows:
                counts = {v.cell: v for v in row if isinstance(v, Count)}
                for value in row:
                    if isinstance(value, Share) and value.value is not None:
                        for cell in value.of:
                            assert cell not in counts or counts[cell].value is not None


def test_a_flow_filter_withholds_exactly_what_the_full_report_does(
    month_events: list[dict[str, Any]], catalogue: Catalogue
) -> None:
    full = report_json(build_report(month_events, parse_period("2026-11"), catalogue, now=LATER))
    only = report_json(
        build_report(
            month_events, parse_period("2026-11"), catalogue, now=LATER, flows=["referral"]
        )
    )
    seen = {
        v["cell"]: v["count"]
        for t in full["sections"][0]["tables"]
        for row in t["rows"]
        for v in row
        if isinstance(v, dict) and "cell" in v
    }
    for table in only["sections"][0]["tables"]:
        for row in table["rows"]:
            for v in row:
                if isinstance(v, dict) and "cell" in v:
                    assert seen[v["cell"]] == v["count"]
    keys = [t["key"] for t in only["sections"][0]["tables"]]
    assert "funnel|referral" in keys and "funnel|initial-contact" not in keys


# --- the report's contents -----------------------------------------------------------------


def test_the_month_report_has_every_part_the_trainers_asked_for(month_report: Report) -> None:
    operational = month_report.section("operational")
    practice = month_report.section("practice")
    assert operational is not None and practice is not None
    keys = {t.key for t in operational.tables}
    assert {"conversations", "gaps", "points", "red_flags", "outcomes", "searches"} <= keys
    assert "funnel|initial-contact" in keys
    gaps = operational.table("gaps")
    assert gaps is not None and gaps.rows
    shares = [row[-1].value for row in gaps.rows if isinstance(row[-1], Share)]
    published = [s for s in shares if s is not None]
    assert published == sorted(published, reverse=True), "ranked by published share"
    funnel = operational.table("funnel|initial-contact")
    assert funnel is not None
    for row in funnel.rows:
        for value in row:
            assert not (isinstance(value, Count) and value.value is not None and value.value < 0)
    text = render_text(month_report)
    assert "Operational use" in text and "Practice" in text


def test_every_outcome_names_flows_steps_answers_points_and_rows_that_exist(
    catalogue: Catalogue,
) -> None:
    for outcome in default_outcomes():
        flow = catalogue.flows[outcome.flow]
        for line in outcome.evidence:
            step = flow.steps[line.step]
            assert set(line.answers) <= set(step.outcomes), (outcome.id, line)
            assert set(line.points) <= {p.id for p in step.points}, (outcome.id, line)
        assert set(outcome.rows) <= set(catalogue.rows), outcome.id


def test_the_self_assessment_lists_rows_the_use_evidences(month_report: Report) -> None:
    rows = month_report.self_assessment.rows
    assert rows
    assert {row[0] for row in rows} >= {"003-initial-contact", "003-assessment-and-help"}
    for row in rows:
        assert isinstance(row[4], Count)


def test_the_telegram_headline_is_a_png_and_the_five_biggest_gaps(month_report: Report) -> None:
    headline = telegram_report(month_report)
    assert headline.png.startswith(b"\x89PNG\r\n\x1a\n") and len(headline.png) > 10_000
    assert headline.lines[0] == "Biggest training gaps, November 2026:"
    wanting = headline.lines.index("Guidance most often called wrong or not helpful:")
    assert 1 < wanting <= 6
    gaps = headline.lines[1:wanting]
    assert all("%" in line for line in gaps) or gaps == (
        "None to show: too few answers to report without singling anyone out.",
    )
    assert headline.lines[-1] == "The full report: guidebot report --period 2026-11"


@pytest.mark.parametrize("fields_kept", [True, False], ids=["fields kept", "older database"])
def test_counting_in_sql_gives_every_figure_the_python_tally_gives(
    month_events: list[dict[str, Any]], tmp_path: Path, fields_kept: bool
) -> None:
    """The store's events counted by SQLite (as the command does) and by the reference pass.

    From the fields the store keeps beside each event, and from a database made before it
    kept them (read from the events' JSON instead).
    """
    with Store.open(tmp_path / DATABASE) as store:
        assert store_events(store, month_events) == len(month_events)
    if not fields_kept:
        with sqlite3.connect(tmp_path / DATABASE) as raw:
            raw.execute("DROP TABLE audit_fields")
        raw.close()
    period = parse_period("2026-11")
    in_sql = tally_store(tmp_path / DATABASE, period, default_outcomes())
    in_python = tally(month_events, period, default_outcomes())
    assert set(in_sql) == set(in_python) == {(False, 0), (True, 0)}
    for key, counts in in_python.items():
        assert +in_sql[key].cells == +counts.cells
        assert +in_sql[key].comments == +counts.comments
        assert {k: +v for k, v in in_sql[key].seconds.items()} == {
            k: +v for k, v in counts.seconds.items()
        }
    assert in_python[(False, 0)].cells["runs"] > 100
    assert in_python[(False, 0)].comments and in_python[(True, 0)].comments
    assert sum(v for c, v in in_python[(False, 0)].cells.items() if c.startswith("feedback|")) > 20


def test_csv_and_json_carry_the_same_figures(month_report: Report) -> None:
    rows = render_csv(month_report).splitlines()
    assert rows[0] == "section,table,row,column,value"
    data = json.loads(render_json(month_report))
    assert data["period"]["start"] == "2026-11-01T00:00:00+00:00"
    assert any(line.endswith(",<10") for line in rows)


# --- the command -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, warm_cache: WarmCache) -> Path:
    """A data folder whose store was filled by conversations through a real Store."""
    folder = warm_cache.seed(tmp_path_factory.mktemp("data"))
    app = build_app(Settings(data_dir=folder), store=False)
    with Store.open(folder / DATABASE) as store:
        sessions = Sessions(app.engine, store, channel="console")
        synthetic(sessions, 40, seed=3)
    return folder


def test_the_command_prints_the_report_for_a_month(data_dir: Path) -> None:
    result = CliRunner().invoke(
        report_command, ["--period", "2026-11", "--data-dir", str(data_dir)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "guidebot trainers' report: November 2026, Sunday 1 November to Monday 30 November"
    )
    assert "Funnel: Child at risk: first contact" in result.output


def test_the_command_writes_html_and_self_assessment(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        report_command,
        ["--period", "2026-W45", "--format", "html", "--output", str(out), "--data-dir",
         str(data_dir)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {out}.\n"
    assert out.read_text().startswith("<!DOCTYPE html>")
    result = CliRunner().invoke(
        report_command, ["--period", "2026-11", "--self-assessment", "--data-dir", str(data_dir)]
    )
    assert result.exit_code == 0 and "003-initial-contact" in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--period", "2026-11-02"], "is not a period"),
        (["--period", "2999-01"], "is not over yet"),
        (["--period", "2026-11", "--flow", "nope"], "No flow 'nope'"),
    ],
)
def test_the_command_explains_what_it_refuses(
    data_dir: Path, arguments: list[str], message: str
) -> None:
    result = CliRunner().invoke(report_command, [*arguments, "--data-dir", str(data_dir)])
    assert result.exit_code in (1, 2)
    assert message in result.output


def test_the_command_says_when_it_cannot_write_the_output(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "no-such-folder" / "november.html"
    result = CliRunner().invoke(
        report_command,
        ["--period", "2026-11", "--format", "html", "--output", str(out), "--data-dir",
         str(data_dir)],
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.output == (
        f"Error: Could not write {out}: no such file or directory. Check the folder exists and "
        "this account can write to it.\n"
    )
    assert not out.parent.exists()


def test_the_command_says_when_there_is_no_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        report_command, ["--period", "2026-11", "--data-dir", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert result.output == f"Error: No guidebot database in {tmp_path}: nothing to report.\n"


def test_shares_and_rates_round_halves_up_as_a_trainer_checking_by_hand_does() -> None:
    from bot.reports._model import Rate, Share

    assert [str(Share(n / d, ("a", "b"))) for n, d in ((10, 16), (1, 8), (2, 3), (0, 12))] == [
        "63%",
        "13%",
        "67%",
        "0%",
    ]
    assert str(Rate(51 * 100 / 80, ("a", "b"))) == "63.8"
    assert str(Rate(20 * 100 / 80, ("a", "b"))) == "25.0"


def test_a_month_purged_in_part_says_so_in_every_format(data_dir: Path, tmp_path: Path) -> None:
    """After retention a report counts what is left: unsaid, a trainer reads a quiet month."""
    import shutil

    shutil.copy(data_dir / DATABASE, tmp_path / DATABASE)
    november = parse_period("2026-11")
    with Store.open(tmp_path / DATABASE) as store:
        middle = november.start.timestamp() + 15 * 24 * 3600
        purged = store.purge_audit(middle, now=middle)
    assert purged > 0 and purged_in(tmp_path / DATABASE, november) == purged
    assert purged_in(data_dir / DATABASE, november) == 0
    said = (
        f"Retention: {purged:,} events logged in this period were purged ('guidebot audit "
        "purge'); the figures count only the events still held, so they understate the period."
    )
    report = build_report((), november, Catalogue({}), now=LATER, purged=purged)
    as_json = json.loads(render_json(report))
    assert as_json["purged_events"] == purged and as_json["legend"].endswith(said)
    assert render_text(report).splitlines()[1].endswith(said)
