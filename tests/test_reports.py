"""Trainers' reports: counts from real engine events, suppression that subtraction cannot undo,
periods, formats, the outcome table, the Telegram headline and the command."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from scipy.optimize import Bounds, LinearConstraint, milp

from bot.app import DATABASE, Settings, build_app, load_engine
from bot.cli._report import report as report_command
from bot.engine import Press, Start, Text, Tick
from bot.reports import (
    Catalogue,
    Count,
    PeriodError,
    Relation,
    Report,
    Share,
    build_catalogue,
    build_report,
    default_outcomes,
    parse_period,
    protect,
    render_csv,
    render_json,
    render_text,
    report_json,
    tally,
    telegram_report,
)
from bot.session import Sessions
from bot.store import Store

NOVEMBER = 1_793_577_600.0  # Monday 2 November 2026 00:00 UTC, the start of ISO week 45
LATER = 1_900_000_000.0  # long after every period the tests report on

FULL_FIRST_CONTACT = [
    "First contact", "No", "nan is here, first aid done, calmed her down", "Done", "Yes",
    "Their own words", "Done", "None yet", "mum and dad, no other children, no risk", "Neglect",
    "None", "No", "Done", "Nothing known", "Supervisor", "Done", "No", "Done", "Yes",
]  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Catalogue]:
    data_dir = tmp_path_factory.mktemp("engine")
    knowledge, flows, _ = load_engine(Settings(data_dir=data_dir))
    return build_app(Settings(data_dir=data_dir), store=False), build_catalogue(flows, knowledge)


@pytest.fixture(scope="module")
def catalogue(built: tuple[Any, Catalogue]) -> Catalogue:
    return built[1]


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


def wander(
    sessions: Sessions, key: str, rng: random.Random, now: float, *, practice: bool = False
) -> tuple[list[dict[str, Any]], float]:
    """An officer with habits: picks a flow, mostly answers well, sometimes goes back, asks,
    cancels, or walks away; a few conversations time out."""
    events: list[dict[str, Any]] = []

    def take(result: Any) -> dict[str, str]:
        stamped = [{**e.to_json(), "key": key} for e in result.audit]
        if practice:
            stamped = [{**e, "practice": True} for e in stamped]
        events.extend(stamped)
        found: dict[str, str] = {}
        for reply in result.replies:
            if reply.buttons:
                found = {b.label: b.value for b in reply.buttons}
        return found

    buttons = take(sessions.handle(key, Start(now)))
    flow = rng.choices(
        ["initial-contact", "referral", "missing-child", "child-in-custody", "record-check"],
        [6, 2, 1, 1, 1],
    )[0]
    now += 5
    buttons = take(sessions.handle(key, Press(flow, now)))
    careful = rng.random()
    for _ in range(45):
        now += rng.uniform(8, 90)
        roll = rng.random()
        if roll < 0.015:
            take(sessions.handle(key, Text("cancel", now)))
            break
        if roll < 0.03:
            break  # walked away: left open
        if roll < 0.04:
            take(sessions.handle(key, Tick(now + 3 * 3600)))
            break
        if roll < 0.06:
            buttons = take(sessions.handle(key, Text("back", now)))
            continue
        if roll < 0.075:
            question = rng.choice(["ask what is s46", "ask can I fly a plane to the moon"])
            buttons = take(sessions.handle(key, Text(question, now)))
            continue
        if not buttons:
            answer = rng.choice(
                [
                    "nan is here, first aid done, calmed her down",
                    "mum, dad and the baby, dad is drunk",
                    "she said he hit her, bwv on",
                    "not much yet",
                ]
            )
            buttons = take(sessions.handle(key, Text(answer, now)))
            continue
        labels = list(buttons)
        if "Menu" in labels and len(labels) == 1:
            break
        good = [b for b in labels if b in ("Yes", "Done", "Understood", "Next")]
        pick = rng.choice(good) if good and rng.random() < careful else rng.choice(labels)
        buttons = take(sessions.handle(key, Press(buttons[pick], now)))
        if events and events[-1]["kind"] == "flow_completed":
            break
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
def month_events(built: tuple[Any, Catalogue]) -> list[dict[str, Any]]:
    app, _ = built
    return synthetic(app.sessions("telegram"), 160, seed=7, gap=12000)


@pytest.fixture(scope="module")
def month_report(month_events: list[dict[str, Any]], catalogue: Catalogue) -> Report:
    return build_report(month_events, parse_period("2026-11"), catalogue, now=LATER)


# --- periods ---------------------------------------------------------------------------------


def test_a_month_is_its_whole_iso_weeks_so_it_is_their_exact_sum() -> None:
    november = parse_period("2026-11")
    assert [w.name for w in november.weeks] == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    assert november.start.timestamp() == NOVEMBER
    assert november.dates == "Monday 2 November to Sunday 29 November 2026 (UTC)"
    october = parse_period("2026-10")
    assert october.end == november.start  # no day falls between or in both
    assert [w.name for w in october.weeks][-1] == "2026-W44"


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
    built: tuple[Any, Catalogue], catalogue: Catalogue
) -> None:
    app, _ = built
    events, _ = drive(app.sessions("console"), "one", FULL_FIRST_CONTACT, NOVEMBER + 60)
    cells = tally(events, parse_period("2026-W45").weeks, default_outcomes())[(False, 0)].cells
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
    built: tuple[Any, Catalogue],
) -> None:
    app, _ = built
    moves = ["First contact", "Not sure", "Understood", "back", "back", "No", "cancel"]
    events, _ = drive(app.sessions("console"), "back", moves, NOVEMBER + 60)
    assert [e["withdrawn"] for e in events if e["kind"] == "back"], "the engine logged a back"
    cells = tally(events, parse_period("2026-W45").weeks)[(False, 0)].cells
    assert cells["reached|initial-contact|danger"] == 1
    assert cells["outcome|initial-contact|danger|no"] == 1
    assert cells["outcome|initial-contact|danger|unsure"] == 0  # withdrawn by 'back'
    assert cells["cancelled|initial-contact"] == 1
    assert cells["stopped|initial-contact|needs"] == 1
    assert cells["flag|initial-contact|child-in-danger"] == 1
    assert cells["flag_open|initial-contact|child-in-danger"] == 0


def test_a_red_flag_cancelled_before_it_was_acknowledged_is_counted_as_not_acknowledged(
    built: tuple[Any, Catalogue],
) -> None:
    app, _ = built
    events, _ = drive(app.sessions("console"), "flag", ["First contact", "Yes", "cancel"], NOVEMBER)
    cells = tally(events, parse_period("2026-W45").weeks)[(False, 0)].cells
    assert cells["flag_open|initial-contact|child-in-danger"] == 1


def test_danger_at_the_menu_is_a_red_flag_of_the_menu(built: tuple[Any, Catalogue]) -> None:
    app, _ = built
    sessions = app.sessions("console")
    events, now = drive(sessions, "menu", ["dad has a knife and is going for the kids"], NOVEMBER)
    more, _ = drive(sessions, "menu2", ["dad has a knife and is going for the kids", "ok"], now)
    cells = tally(events + more, parse_period("2026-W45").weeks)[(False, 0)].cells
    assert cells["flag|menu|danger-now"] == 2
    assert cells["flag_open|menu|danger-now"] == 1  # the first was never acknowledged


def test_searches_count_by_status_and_keep_a_seam_for_the_scrubbed_text() -> None:
    at = NOVEMBER + 100
    events = [
        {"kind": "search", "status": "none", "at": at, "key": "a", "question": "fly a plane"},
        {"kind": "search", "status": "none", "at": at, "key": "b"},
        {"kind": "search", "status": "confident", "entries": ["police-protection-s46"], "at": at},
    ]
    counts = tally(events, parse_period("2026-W45").weeks)[(False, 0)]
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
    buckets = tally(events, parse_period("2026-W45").weeks)
    assert buckets[(False, 0)].cells["runs"] == 1
    assert buckets[(True, 0)].cells["runs"] == 1


# --- suppression -----------------------------------------------------------------------------


def _range(
    values: Mapping[str, int | None], relations: Iterable[Relation], cell: str, threshold: int
) -> tuple[float, float]:
    """What a reader who knows every published figure and identity can say of ``cell``.

    Written apart from the report's own audit: a withheld "<10" is 1 to 9, any other withheld
    figure 10 or more; every identity holds.
    """
    unknown = sorted(c for c, v in values.items() if v is None)
    index = {c: n for n, c in enumerate(unknown)}
    rows, rhs = [], []
    for relation in relations:
        row = np.zeros(len(unknown))
        constant = 0.0
        for name, coefficient in relation.terms:
            if name in index:
                row[index[name]] += coefficient
            else:
                constant -= coefficient * (values.get(name) or 0)
        if row.any():
            rows.append(row)
            rhs.append(constant)
    low = [1 if values.get(f"<{c}") else threshold for c in unknown]
    high = [threshold - 1 if values.get(f"<{c}") else np.inf for c in unknown]
    ends = []
    for sign in (1, -1):
        objective = np.zeros(len(unknown))
        objective[index[cell]] = sign
        constraints = [LinearConstraint(np.array(rows), rhs, rhs)] if rows else []
        found = milp(objective, integrality=np.ones(len(unknown)), bounds=Bounds(low, high),
                     constraints=constraints)  # fmt: skip
        ends.append(np.inf if found.status == 3 else found.x[index[cell]])
    return ends[0], ends[1]


def _published(section: Mapping[str, Any]) -> tuple[dict[str, int | None], list[Relation]]:
    """The counts a reader sees in a JSON section (None: withheld, '<c' keys mark small)."""
    values: dict[str, int | None] = {}
    for table in section["tables"]:
        for row in table["rows"]:
            for value in row:
                if isinstance(value, dict) and "cell" in value:
                    values[value["cell"]] = value["count"]
                    if value.get("withheld", "").startswith("<"):
                        values["<" + value["cell"]] = 1
    relations = [Relation(tuple((c, k) for c, k in terms)) for terms in section["identities"]]
    for relation in relations:
        for cell in relation.cells:
            values.setdefault(cell, None)  # never printed: unknown to the reader
    return values, relations


def test_one_small_cell_in_a_row_takes_the_next_smallest_with_it() -> None:
    values = {"answered": 305, "yes": 290, "no": 12, "unsure": 3}
    relations = [Relation.total("answered", ["yes", "no", "unsure"])]
    decided = protect(values, relations, list(values), 10)
    assert decided.hidden == {"unsure", "no"}
    assert decided.small == {"unsure"}


def test_a_small_cell_that_a_total_would_still_pin_takes_more_with_it() -> None:
    # unsure 1 and no 10 sum to 11: knowing no >= 10 would pin unsure at 1.
    values = {"answered": 301, "yes": 290, "no": 10, "unsure": 1}
    relations = [Relation.total("answered", ["yes", "no", "unsure"])]
    decided = protect(values, relations, list(values), 10)
    assert {"unsure", "no"} < decided.hidden


def test_a_drop_off_between_two_steps_cannot_be_worked_out_from_their_reached_counts() -> None:
    values = {"reached|a": 120, "stopped|a": 3, "reached|b": 117, "extra|a": 0}
    relations = [Relation((("reached|a", 1), ("stopped|a", -1), ("extra|a", 1), ("reached|b", -1)))]
    decided = protect(values, relations, ["reached|a", "stopped|a", "reached|b"], 10)
    assert "stopped|a" in decided.hidden
    assert {"reached|a", "reached|b"} & decided.hidden


@pytest.mark.parametrize("period", ["2026-11", "2026-W45", "2026-W47"])
def test_no_withheld_count_in_any_table_can_be_worked_out(
    period: str, month_events: list[dict[str, Any]], catalogue: Catalogue
) -> None:
    report = build_report(month_events, parse_period(period), catalogue, now=LATER)
    data = report_json(report)
    checked = 0
    for section in data["sections"]:
        values, relations = _published(section)
        for cell, value in list(values.items()):
            if value is None and values.get("<" + cell):
                low, high = _range(values, relations, cell, 10)
                assert high > low, f"{period} {section['name']}: {cell} is {low}..{high}"
                checked += 1
        # subtraction alone: no identity leaves exactly one withheld count
        for relation in relations:
            unknown = [c for c in relation.cells if values.get(c) is None]
            assert len(unknown) != 1 or not values.get("<" + unknown[0]), relation
    assert checked, "the synthetic month has small counts to protect"


@pytest.mark.skip(reason="month-week linked suppression is switched off: its audit is too slow")
def test_a_month_never_gives_away_a_figure_withheld_in_one_of_its_weeks(
    month_events: list[dict[str, Any]], catalogue: Catalogue
) -> None:
    month = report_json(build_report(month_events, parse_period("2026-11"), catalogue, now=LATER))
    weeks = [
        report_json(build_report(month_events, parse_period(f"2026-W{n}"), catalogue, now=LATER))
        for n in (45, 46, 47, 48)
    ]
    values, relations = _published(month["sections"][0])
    for number, week in enumerate(weeks):
        published, identities = _published(week["sections"][0])
        for cell, value in published.items():
            values[f"w{number}:{cell}"] = value
        relations += [
            Relation(tuple((f"w{number}:{c}", k) for c, k in r.terms)) for r in identities
        ]
    for cell in [c for c in values if ":" not in c and not c.startswith("<")]:
        parts = [f"w{n}:{cell}" for n in range(4) if f"w{n}:{cell}" in values]
        if parts:
            relations.append(Relation.total(cell, parts))
    for cell, value in list(values.items()):
        if value is None and values.get("<" + cell) and cell.startswith("w"):
            low, high = _range(values, relations, cell, 10)
            assert high > low, f"{cell} is {low}..{high} from the month and its weeks"


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
    assert 1 < len(headline.lines) <= 6
    assert all("%" in line for line in headline.lines[1:])


def test_csv_and_json_carry_the_same_figures(month_report: Report) -> None:
    rows = render_csv(month_report).splitlines()
    assert rows[0] == "section,table,row,column,value"
    data = json.loads(render_json(month_report))
    assert data["period"]["weeks"] == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    assert any(line.endswith(",<10") for line in rows)


# --- speed -----------------------------------------------------------------------------------


def _copies(events: list[dict[str, Any]], times: int) -> Iterable[dict[str, Any]]:
    """The same conversations again under other pseudonyms, later in the month."""
    for copy in range(times):
        shift = (copy % 20) * 3600.0
        for event in events:
            yield {**event, "key": f"{event.get('key')}/{copy}", "at": event["at"] + shift}


def test_fifty_thousand_events_make_a_full_html_report_quickly(
    month_events: list[dict[str, Any]], catalogue: Catalogue
) -> None:
    from bot.reports import render_html

    times = 50_000 // len(month_events) + 1
    started = time.perf_counter()
    report = build_report(_copies(month_events, times), parse_period("2026-11"), catalogue,
                          now=LATER)  # fmt: skip
    html = render_html(report)
    took = time.perf_counter() - started
    assert "<svg" in html
    assert took < 20, f"{took:.1f} s"


# --- the command -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose store was filled by conversations through a real Store."""
    folder = tmp_path_factory.mktemp("data")
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
        "guidebot trainers' report: November 2026, Monday 2 November to Sunday 29 November"
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


def test_the_command_says_when_there_is_no_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        report_command, ["--period", "2026-11", "--data-dir", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert result.output == f"Error: No guidebot database in {tmp_path}: nothing to report.\n"
