"""Feedback in the trainers' report, end to end: officers' conversations through the console
session layer into a real store, then ``guidebot report`` in every format.

Officers type Faker en_GB names and postcodes into unmatched questions and feedback comments;
the report shows practice apart from operational use, the questions and comments scrubbed,
feedback counted per knowledge entry, and small counts withheld.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from faker import Faker

from bot.app import DATABASE, Settings, build_app, load_engine
from bot.cli._report import report as report_command
from bot.engine import Text
from bot.reports import (
    build_catalogue,
    build_report,
    parse_period,
    render_csv,
    render_html,
    render_json,
    render_text,
    report_json,
    tally,
    tally_store,
    telegram_report,
)
from bot.session import Sessions
from bot.store import Store, store_events
from tests.conftest import WarmCache, shipped_flows, shipped_knowledge
from tests.test_leaks import assert_nothing_leaked

NOVEMBER = 1_793_577_600.0  # Monday 2 November 2026 00:00 UTC
LATER = 1_900_000_000.0

RATED = "supervisor-signoff"
"""The knowledge behind record check's first question, which every officer here rates."""

QUESTION = "can […] of […] ride a […] to the […]"
COMMENT = "the card missed […] at […] entirely"
PRACTICE_COMMENT = "wrong about […] in […]"

OPERATIONAL_UNHAPPY = 12
OPERATIONAL_HAPPY = 3
PRACTICE_WRONG = 11
FIRST_CONTACT_WRONG = 2
MISSING_WRONG = 10


def _talk(sessions: Sessions, key: str, lines: Sequence[str], now: float) -> float:
    for line in lines:
        now += 30
        sessions.handle(key, Text(line, now))
    return now


@pytest.fixture(scope="module")
def logged(
    tmp_path_factory: pytest.TempPathFactory, warm_cache: WarmCache
) -> tuple[Path, list[str]]:
    """A month of officers through the console session layer: the data folder, and every
    name and postcode they typed."""
    folder = warm_cache.seed(tmp_path_factory.mktemp("feedback-data"))
    app = build_app(Settings(data_dir=folder), store=False)
    fake = Faker("en_GB")
    fake.seed_instance(2026)
    typed: list[str] = []
    now = NOVEMBER + 3600

    def person() -> tuple[str, str]:
        name, postcode = fake.name(), fake.postcode()
        while "DA" in postcode:  # "WF6E 0DA" reads as DA (domestic abuse) to the search
            postcode = fake.postcode()
        typed.extend([name, postcode])
        return name, postcode

    with Store.open(folder / DATABASE) as store:
        sessions = Sessions(app.engine, store, channel="console")
        for n in range(OPERATIONAL_UNHAPPY):
            name, postcode = person()
            lines = [
                "record check",
                f"ask can {name} of {postcode} ride a unicycle to the moon",
                "feedback",
                "not helpful",
                f"the card missed {name} at {postcode} entirely",
                "cancel",
            ]
            now = _talk(sessions, f"op{n}", lines, now) + 900
        for n in range(OPERATIONAL_HAPPY):
            lines = ["record check", "feedback", "helpful", "skip", "cancel"]
            now = _talk(sessions, f"happy{n}", lines, now) + 900
        for n in range(FIRST_CONTACT_WRONG):
            name, _ = person()
            lines = ["first contact", "feedback", "wrong", f"{name} was not covered", "cancel"]
            now = _talk(sessions, f"fc{n}", lines, now) + 900
        for n in range(MISSING_WRONG):
            lines = ["missing child", "feedback", "wrong", "skip", "cancel"]
            now = _talk(sessions, f"mc{n}", lines, now) + 900
        for n in range(PRACTICE_WRONG):
            name, postcode = person()
            lines = [
                "practice",
                "record check",
                f"ask can {name} of {postcode} ride a unicycle to the moon",
                "feedback",
                "wrong",
                f"wrong about {name} in {postcode}",
                "cancel",
            ]
            now = _talk(sessions, f"pr{n}", lines, now) + 900
    return folder, typed


def _report(folder: Path, output_format: str) -> str:
    result = CliRunner().invoke(
        report_command,
        ["--period", "2026-11", "--format", output_format, "--data-dir", str(folder)],
    )
    assert result.exit_code == 0, result.output
    return result.output


def _rows(section: dict[str, Any], key: str) -> list[list[Any]]:
    (table,) = [t for t in section["tables"] if t["key"] == key]
    return table["rows"]


def _count(value: dict[str, Any]) -> int | str:
    """A published count, or its mark."""
    return value["count"] if value["count"] is not None else value["withheld"]


def test_the_json_report_shows_feedback_per_entry_practice_apart_and_small_counts_withheld(
    logged: tuple[Path, list[str]],
) -> None:
    folder, _ = logged
    data = json.loads(_report(folder, "json"))
    operational, practice = data["sections"]
    assert (operational["name"], practice["name"]) == ("operational", "practice")
    runs = {row[1]["cell"]: _count(row[1]) for row in _rows(operational, "conversations")}
    # 15 record checks and 2 first contacts: the 2 withheld, and with it one of the others.
    assert runs["runs|initial-contact"] in ("<10", "[c]")
    assert runs["runs|record-check"] in (15, "[c]") and runs["runs"] in (27, "[c]")
    assert runs["runs|missing-child"] in (MISSING_WRONG, "[c]")
    assert "[c]" in (runs["runs|record-check"], runs["runs"])

    # Operational: 12 not helpful and 3 helpful on the record check's first question.
    rated = {row[1]: row for row in _rows(operational, "feedback")}
    total, helpful, not_helpful, wrong = (rated[RATED][i] for i in (2, 3, 4, 5))
    assert helpful["withheld"] == "<10" and helpful["count"] is None
    assert wrong["count"] == 0
    published = {v["cell"]: v["count"] for v in (total, not_helpful) if v["count"] is not None}
    assert (
        published.items() <= {f"feedback|{RATED}": 15, f"feedback|{RATED}|not_helpful": 12}.items()
    )
    assert len(published) < 2, "total and 'not helpful' together would give 'helpful' away"
    assert {_count(v) for v in (total, not_helpful)} - {15, 12} == {"[c]"}
    # The two first-contact ratings: counted, withheld, and their comments not shown at all.
    first_contact = [row for row in rated.values() if row[5]["cell"].endswith("danger|wrong")]
    assert first_contact and all(row[5]["withheld"] == "<10" for row in first_contact)
    missing = [row for row in rated.values() if _count(row[5]) == MISSING_WRONG]
    assert missing and all(_count(row[2]) == MISSING_WRONG for row in missing)
    comments = _rows(operational, "feedback_comments")
    assert [(row[1], row[2], _count(row[3])) for row in comments] == [
        (RATED, COMMENT, OPERATIONAL_UNHAPPY)
    ]
    assert [(row[0], _count(row[1])) for row in _rows(operational, "unmatched")] == [
        (QUESTION, OPERATIONAL_UNHAPPY)
    ]

    # Practice: its own figures, none of them mixed into operational use.
    runs = {row[1]["cell"]: _count(row[1]) for row in _rows(practice, "conversations")}
    assert runs["runs|record-check"] == PRACTICE_WRONG and "runs|initial-contact" not in runs
    (row,) = _rows(practice, "feedback")
    assert row[1] == RATED
    assert [_count(v) for v in row[2:]] == [PRACTICE_WRONG, 0, 0, PRACTICE_WRONG]
    assert [(r[2], _count(r[3])) for r in _rows(practice, "feedback_comments")] == [
        (PRACTICE_COMMENT, PRACTICE_WRONG)
    ]
    assert [(r[0], _count(r[1])) for r in _rows(practice, "unmatched")] == [
        (QUESTION, PRACTICE_WRONG)
    ]


def test_no_name_or_postcode_reaches_any_format_or_the_data_folder(
    logged: tuple[Path, list[str]], tmp_path: Path
) -> None:
    folder, typed = logged
    assert len(typed) == 2 * (OPERATIONAL_UNHAPPY + PRACTICE_WRONG + FIRST_CONTACT_WRONG)
    outputs = {f: _report(folder, f) for f in ("table", "csv", "json", "html")}
    for output_format, text in outputs.items():
        assert "Feedback on the guidance" in text, output_format
        assert COMMENT in text and QUESTION in text, output_format
        assert "was not covered" not in text, "a comment on guidance rated under 10 times"
        lowered = text.lower()
        for detail in typed:
            assert detail.lower() not in lowered, (output_format, detail)
    (tmp_path / "outputs.txt").write_text("\n".join(outputs.values()))
    assert_nothing_leaked(tmp_path, typed)
    assert_nothing_leaked(folder, typed)


def test_the_html_report_has_the_feedback_tables(logged: tuple[Path, list[str]]) -> None:
    folder, _ = logged
    page = _report(folder, "html")
    assert page.count("<h3>Feedback on the guidance</h3>") == 2  # operational and practice
    assert page.count("<h3>Feedback comments</h3>") == 2
    assert "<td>the card missed […] at […] entirely</td>" in page


def test_the_telegram_headline_names_only_published_feedback(
    logged: tuple[Path, list[str]],
) -> None:
    folder, _ = logged
    knowledge, flows, _ = load_engine(Settings(data_dir=folder))
    catalogue = build_catalogue(flows, knowledge)
    period = parse_period("2026-11")
    report = build_report(
        (), period, catalogue, now=LATER, counted=tally_store(folder / DATABASE, period)
    )
    lines = telegram_report(report).lines
    at = lines.index("Guidance most often called wrong or not helpful:")
    named = list(lines[at + 1 : -1])
    section = report.section("operational")
    assert section is not None
    table = section.table("feedback")
    assert table is not None
    rows = {str(row[1]): row for row in table.rows}
    # The missing-child ratings (10 wrong) are published; the record check's 'not helpful' is
    # withheld ([c], so that its 3 'helpful' stay hidden), so it is not named at all.
    assert str(rows[RATED][4]) == "[c]"
    missing = [entry for entry, row in rows.items() if str(row[5]) == str(MISSING_WRONG)]
    assert missing
    assert (
        named
        == [
            f"- {catalogue.entries[entry]}: {MISSING_WRONG} wrong, 0 not helpful of {MISSING_WRONG}"
            for entry in missing
        ][:3]
    )
    assert not any(catalogue.entries[RATED] in line for line in named)


def _catalogue() -> Any:
    """The shipped flows and knowledge's catalogue (built once a session, see conftest)."""
    return build_catalogue(shipped_flows(), shipped_knowledge())


RARE = "can a kite be flown over a custody suite"


def test_a_question_asked_under_10_times_is_in_no_format_not_even_the_identities(
    tmp_path: Path,
) -> None:
    at = NOVEMBER + 100
    events = [
        {"kind": "search", "status": "none", "at": at + n, "key": f"o{n}", "question": RARE}
        for n in range(1)
    ] + [
        {"kind": "search", "status": "none", "at": at + n, "key": f"m{n}", "question": "often"}
        for n in range(12)
    ]
    report = build_report(events, parse_period("2026-11"), _catalogue(), now=LATER)
    data = report_json(report)
    for text in (render_json(report), render_csv(report), render_text(report), render_html(report)):
        assert RARE not in text
        assert "often" in text
    (section,) = data["sections"]
    assert [(r[0], _count(r[1])) for r in _rows(section, "unmatched")] == [("often", 12)]


def test_feedback_is_counted_the_same_in_sql_and_in_python(tmp_path: Path) -> None:
    """Edge cases: an entry named twice counts once, no entries counts under '-', an unknown
    rating or a feedback outside the month is not counted, practice is apart."""
    at = NOVEMBER + 100
    made = [
        ({"entries": ["a", "a", "b"], "rating": "wrong", "comment": "too long"}, 4),
        ({"entries": [], "rating": "helpful"}, 2),
        ({"rating": "not_helpful", "comment": "no card"}, 1),
        ({"entries": ["a"], "rating": "meh"}, 3),
        ({"entries": ["a"], "rating": "helpful", "practice": True, "comment": "ok"}, 5),
    ]
    events: list[dict[str, Any]] = []
    for fields, times in made:
        for n in range(times):
            key = f"k{len(events)}"
            events.append({"kind": "feedback", "at": at + n, "key": key, **fields})
    events.append({"kind": "feedback", "at": NOVEMBER - 40 * 86400, "key": "old",
                   "entries": ["a"], "rating": "wrong"})  # fmt: skip
    with Store.open(tmp_path / DATABASE) as store:
        store_events(store, events)
    period = parse_period("2026-11")
    in_sql = tally_store(tmp_path / DATABASE, period)
    in_python = tally(events, period)
    for key in ((False, 0), (True, 0)):
        assert +in_sql[key].cells == +in_python[key].cells
        assert +in_sql[key].comments == +in_python[key].comments
    assert +in_python[(False, 0)].cells == {
        "feedback|a|wrong": 4,
        "feedback|b|wrong": 4,
        "feedback|-|helpful": 2,
        "feedback|-|not_helpful": 1,
    }
    assert in_python[(False, 0)].comments == {("a", "too long"): 4, ("b", "too long"): 4,
                                              ("-", "no card"): 1}  # fmt: skip
    assert in_python[(True, 0)].cells == {"feedback|a|helpful": 5}
