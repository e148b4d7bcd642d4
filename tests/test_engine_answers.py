"""Reading officers' answers as they are really typed or dictated: slang, typos, speech slips."""

from __future__ import annotations

import pytest

from bot.engine import read_confirm, read_hours, read_number
from bot.engine._answers import (
    Command,
    best_option,
    covered_items,
    describe_hours,
    read_acknowledgement,
    read_command,
    read_indexes,
)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("yep", "yes"),
        ("Yeah", "yes"),
        ("yes already done", "yes"),
        ("done", "yes"),
        ("sorted", "yes"),
        ("yse", "yes"),
        ("y", "yes"),
        ("Yes, no injuries", "yes"),
        ("nah", "no"),
        ("NO", "no"),
        ("not yet", "no"),
        ("nope not yet", "no"),
        ("havent", "no"),
        ("no, she's fine", "no"),
        ("know", "no"),
        ("n", "no"),
        ("dunno", "unsure"),
        ("not sure", "unsure"),
        ("Not Sure!", "unsure"),
        ("nto sure", "unsure"),
        ("don't know", "unsure"),
        ("no idea", "unsure"),
        ("maybe", "unsure"),
        ("i think so", "unsure"),
        ("banana", None),
        ("", None),
    ],
)
def test_confirm_answers(said: str, expected: str | None) -> None:
    assert read_confirm(said) == expected


def test_a_renamed_button_is_read_as_its_answer() -> None:
    assert read_confirm("later", {"no": ("Later",)}) == "no"
    assert read_confirm("later") is None


@pytest.mark.parametrize(
    ("said", "hours"),
    [
        ("3 hours", 3.0),
        ("3hrs", 3.0),
        ("two days", 48.0),
        ("since yesterday", 24.0),
        ("overnight", 12.0),
        ("half an hour", 0.5),
        ("45 mins", 0.75),
        ("an hour and a half", 1.5),
        ("1 day 3 hours", 27.0),
        ("a week", 168.0),
        ("2", 2.0),
        ("dunno", "unsure"),
        ("blue", None),
    ],
)
def test_durations(said: str, hours: float | str | None) -> None:
    assert read_hours(said) == hours


@pytest.mark.parametrize(
    ("said", "number"),
    [
        ("15", 15.0),
        ("fifteen", 15.0),
        ("about 15", 15.0),
        ("looks about 19", 19.0),
        ("twenty one", 21.0),
        ("not sure", "unsure"),
        ("teen", None),
    ],
)
def test_numbers(said: str, number: float | str | None) -> None:
    assert read_number(said) == number


def test_durations_are_described_roughly() -> None:
    assert describe_hours(0.5) == "about 30 minutes"
    assert describe_hours(24) == "about 24 hours"
    assert describe_hours(60) == "about 2.5 days"


@pytest.mark.parametrize(
    ("said", "command"),
    [
        ("back", Command("back")),
        ("go back", Command("back")),
        ("bakc", Command("back")),
        ("undo", Command("back")),
        ("hepl", Command("help")),
        ("?", Command("help")),
        ("/help", Command("help")),
        ("summry", Command("summary")),
        ("cancle", Command("cancel")),
        ("Menu", Command("menu")),
        ("skip", Command("skip")),
        ("why", Command("why")),
        ("ask what is s47", Command("ask", "what is s47")),
        ("look up county lines", Command("ask", "county lines")),
        ("no", None),
        ("home", None),
        ("backpack", None),
        ("ask", None),
    ],
)
def test_everywhere_words(said: str, command: Command | None) -> None:
    assert read_command(said) == command


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("understood", True),
        ("ok", True),
        ("will do", True),
        ("got it", True),
        ("undrestood", True),
        ("no", False),
        ("what?", False),
    ],
)
def test_acknowledging_a_red_flag(said: str, expected: bool) -> None:
    assert read_acknowledgement(said) is expected


def test_option_numbers() -> None:
    assert read_indexes("1 3", 4) == (0, 2)
    assert read_indexes("2, 4 and 1", 4) == (1, 3, 0)
    assert read_indexes("5", 4) is None
    assert read_indexes("1 cut", 4) is None


SIGNOFF = [
    ("signed-off", ("Signed off", "signed off", "approved")),
    ("needed", ("Needed, not yet", "needed", "not yet")),
    ("not-required", ("Not required", "not required", "not needed")),
]


@pytest.mark.parametrize(
    ("said", "chosen"),
    [
        ("not required", "not-required"),
        ("needed, not yet", "needed"),
        ("signed off by the sarge", "signed-off"),
        ("aproved", "signed-off"),
        ("purple", None),
    ],
)
def test_typed_choices_respect_negation_and_refuse_ties(said: str, chosen: str | None) -> None:
    assert best_option(said, SIGNOFF) == chosen


def test_a_longer_matching_phrase_breaks_a_tie() -> None:
    options = [("released", ("released", "bailed")), ("refused", ("bail refused",))]
    assert best_option("bail refused", options) == "refused"
    assert best_option("released on bail", options) == "released"


def test_the_issue_example_covers_medical_care_and_reassurance_only() -> None:
    items = [
        ("medical-care", ("cut", "injury", "ambulance", "first aid")),
        ("reassurance", ("crying", "upset", "calmed", "reassured")),
        ("safe-adult", ("safe adult", "nan", "grandma", "neighbour", "relative")),
    ]
    said = "he has a cut on his arm and is crying, mum is drunk"
    assert covered_items(said, items) == ("medical-care", "reassurance")
    assert covered_items("first aid dun, nan sat with him", items) == ("medical-care", "safe-adult")
