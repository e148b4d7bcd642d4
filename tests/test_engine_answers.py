"""Reading officers' answers as they are really typed or dictated: slang, typos, speech slips."""

from __future__ import annotations

import pytest

from bot.engine import read_confirm, read_hours, read_number
from bot.engine._commands import (
    Command,
    command_words,
    read_acknowledgement,
    read_command,
    read_indexes,
)
from bot.engine._confirm import read_yes_no
from bot.engine._numbers import describe_hours
from bot.engine._phrases import best_option, phrase, phrases
from bot.engine._points import Point, covered_items, read_points
from bot.engine._words import words


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
    assert read_confirm("elsewhere", {"no": ("Elsewhere",)}) == "no"
    assert read_confirm("elsewhere") is None
    # "later" is not yet wherever it is said, and opens a longer answer too
    assert read_confirm("later") == "no"
    assert read_confirm("later, next shift", {"no": ("Later",)}) == "no"


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
        ("look up county lines", None),
        ("search done on niche nothing known", None),
        ("find the mum", None),
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
    # the words said around the numbers (review 12): only the numbers are read
    assert read_indexes("ticked 1 and 2", 4) == (0, 1)
    assert read_indexes("press 3 pls", 4) == (2,)
    assert read_indexes("1 and 2 but not 3", 4) is None


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


# --- negation in free answers (review finding 1) -----------------------------------------------

NEEDS = [
    (
        "medical-care",
        (
            *("cut", "injury", "injured", "hurt", "ambulance", "paramedic", "first aid"),
            *("no injuries", "not injured"),
        ),
    ),
    ("reassurance", ("crying", "upset", "calmed", "reassured", "calm")),
    ("safe-adult", ("safe adult", "nan", "grandma", "neighbour", "relative")),
]


@pytest.mark.parametrize(
    ("said", "covered"),
    [
        ("haven't called an ambulance yet", ()),
        ("no first aid yet and no safe adult found", ()),
        ("havent got a safe adult", ()),
        ("didnt need first aid, nan here", ("safe-adult",)),
        ("need to call an ambulance", ()),
        ("waiting for the ambulance", ()),
        ("still need to find a safe adult", ()),
        ("yet to find a relative", ()),
        ("ambulance needed", ()),
        ("ambulance not called yet", ()),
        ("first aid still to do", ()),
        ("nan will come", ()),
        ("can't find a neighbour", ()),
        ("without first aid", ()),
        ("no cut", ()),
        # a phrase that is itself a completed check is covered by its own negation
        ("no injuries", ("medical-care",)),
        ("no visible injuries, nan is here", ("medical-care", "safe-adult")),
        ("not injured but crying", ("medical-care", "reassurance")),
        # ...but not when the check itself has not been done
        ("havent checked for injuries yet", ()),
        # a negation reaches only its own clause
        ("no ambulance needed, first aid done", ("medical-care",)),
        ("not crying, calm now", ("reassurance",)),
        (
            "ambulance called, nan here, calmed him down",
            ("medical-care", "reassurance", "safe-adult"),
        ),
        ("paramedics on the way and mum's upset", ("reassurance",)),  # on the way: still to come
        ("ambulence called", ("medical-care",)),
    ],
)
def test_a_denied_or_pending_point_is_outstanding_not_covered(
    said: str, covered: tuple[str, ...]
) -> None:
    assert covered_items(said, NEEDS, actions=True) == covered


def test_a_need_is_a_finding_unless_the_points_are_actions() -> None:
    needs = [("language", ("interpreter",)), ("medical-care", ("ambulance",))]
    assert covered_items("mum needs an interpreter", needs) == ("language",)
    assert covered_items("child needs an ambulance", needs, actions=True) == ()
    assert covered_items("interpreter needed", needs) == ("language",)
    assert covered_items("ambulance needed", needs, actions=True) == ()
    # a plain denial is a denial either way
    assert covered_items("no interpreter needed", needs) == ()


def test_a_phrase_with_its_own_negation_needs_that_negation() -> None:
    why = [("why", ("fell out", "didn't want", "wanted to")), ("never", ("never done this",))]
    assert covered_items("she didnt want to go home", why) == ("why",)
    assert covered_items("wanted to see her mates", why) == ("why",)
    assert covered_items("she's never done this before", why) == ("never",)
    assert covered_items("done this before", why) == ()


def test_a_phrase_own_small_words_do_not_put_it_off() -> None:
    strategy = [("police-attend", ("attending", "will attend"))]
    assert covered_items("we will attend", strategy, actions=True) == ("police-attend",)
    assert covered_items("cant attend", strategy, actions=True) == ()


def test_a_different_word_is_not_a_typo() -> None:
    hygiene = [("poor-hygiene", ("dirty", "soiled", "hygiene"))]
    assert covered_items("told the skipper and rang the duty social worker", hygiene) == ()
    assert covered_items("nappy soild", hygiene) == ("poor-hygiene",)
    assert covered_items("gran is with her", [("safe-adult", ("granny",))]) == ("safe-adult",)


def test_negation_applies_to_findings_too() -> None:
    signs = [("drugs-weapons", ("drugs", "knife")), ("cash-phones", ("cash", "second phone"))]
    assert covered_items("no drugs or knife found, loads of cash", signs) == ("cash-phones",)
    assert covered_items("knife in his bag", signs) == ("drugs-weapons",)


# --- knowledge terms as weaker evidence (review finding 3) --------------------------------------


def test_a_knowledge_term_needs_every_word_said_close_together_and_not_denied() -> None:
    items = [
        (
            "bwv",
            (
                "body worn",
                "camera",
                phrase("body cam", term=True),
                phrase("seize phones", term=True),
            ),
        ),
        ("words", ("said", "told me")),
    ]
    assert covered_items("body cam on", items) == ("bwv",)
    assert covered_items("bodycam on", items) == ()  # a term allows no typo or run-together
    assert covered_items("no body cam", items) == ()
    assert covered_items("the body had a cut from a cam", items) == ()  # words apart
    assert covered_items("phones seized", items) == ("bwv",)
    assert covered_items("body of evidence, a cam", items) == ()


# --- confirm answers, negation-aware (review finding 6) -----------------------------------------


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("yeah nah", "no"),
        ("nah yeah", "yes"),
        ("working on it", "no"),
        ("in progress", "no"),
        ("doing it now", "no"),
        ("on it", "no"),
        ("not needed", "no"),
        ("I have not", "no"),
        ("it is not", "no"),
        ("we have not", "no"),
        ("not that i know of", "no"),
        ("not really", "no"),
        ("not really sure", "unsure"),
        ("not 100% sure", "unsure"),
        ("search done on niche nothing known", "yes"),
        ("nothing done yet", "no"),
        ("yes, in hand", "yes"),
    ],
)
def test_confirm_answers_read_negation_and_things_under_way(
    said: str, expected: str | None
) -> None:
    assert read_confirm(said) == expected


def test_not_needed_is_its_own_answer_where_the_step_offers_it() -> None:
    assert read_confirm("not needed", {"not-needed": ()}) == "not-needed"
    assert read_confirm("no need", {"not-needed": ()}) == "not-needed"
    assert read_confirm("not needed") == "no"


# --- acknowledging a red flag: the whole message (review finding 5) ------------------------------


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("yes but cant get in", False),
        ("ok but mum wont let me in", False),
        ("sake", False),
        ("ok what now", False),
        ("ok thanks", True),
        ("will do sarge", True),
        ("Got it, thanks.", True),
        ("k", True),
        ("ok will do", True),
        ("roger that", True),
        ("on it now", True),
        ("acknowledgd", True),
    ],
)
def test_only_a_whole_message_acknowledges(said: str, expected: bool) -> None:
    assert read_acknowledgement(said) is expected


# --- commands give way to the step's own answers (review finding 2) ------------------------------


def _choice(*labels: str) -> frozenset[str]:
    """A choice step's own answers, as the compiled flow offers them to ``read_command``."""
    return frozenset(words(label) for label in labels)


def test_an_answer_the_step_offers_wins_over_a_command() -> None:
    step = _choice("Back", "Still missing")
    assert read_command("back") == Command("back")
    assert read_command("back", step) is None
    assert read_command("Still missing", step) is None
    assert read_command("menu", step) == Command("menu")


def test_a_typo_of_a_command_that_is_also_a_typo_of_an_answer_is_an_answer() -> None:
    step = _choice("Black", "White")
    assert read_command("blakc") is None
    assert read_command("bakc", step) == Command("back")
    assert read_command("blck", step) is None


def test_command_words_are_normalised_for_flows_check() -> None:
    found = command_words()
    assert found["back"] == found["previous"] == "back"
    assert found["so far"] == "summary" and found["ask"] == "ask"
    assert "found" not in found


# --- lengths of time (review finding 4) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "hours"),
    [
        ("day and a half", 36.0),
        ("a day and a half", 36.0),
        ("a couple of days", 48.0),
        ("couple of hours", 2.0),
        ("a few hours", 3.0),
        ("2-3 days", 72.0),
        ("2 or 3 days", 72.0),
        ("a day or two", 48.0),
        ("1.5 days", 36.0),
        ("half a day", 12.0),
        ("three quarters of an hour", 0.75),
        ("two and a half hours", 2.5),
        ("forty-eight hours", 48.0),
        ("for ours", 4.0),
        ("too ours", 2.0),
        ("48 ours", 48.0),
        ("missing for hours", None),
        # chat spellings of "and": never "a half" alone (30 minutes, a band too low)
        ("bout 2 n a half hrs", 2.5),
        ("a day n a half", 36.0),
        ("day n half", 36.0),
        ("two n half days", 60.0),
        ("two and half days", 60.0),
        ("roughly 3 hours", 3.0),
    ],
)
def test_durations_as_officers_say_them(said: str, hours: float | None) -> None:
    assert read_hours(said) == hours


def test_a_time_of_day_without_a_clock_reads_as_under_a_day() -> None:
    for said in ("since this morning", "since 10pm", "since 22:30", "last seen at 7"):
        read = read_hours(said)
        assert isinstance(read, float) and read < 24, said
        assert describe_hours(read).startswith("under a day"), said
    assert describe_hours(read_hours("since 10pm")) == "under a day (since 10pm)"  # type: ignore[arg-type]
    assert read_hours("since friday") is None  # a day name needs the clock


def test_since_a_time_is_counted_from_the_clock_in_local_time() -> None:
    now = 1_700_000_000.0  # Tuesday 14 November 2023, 22:13 in London

    def since(said: str) -> float:
        read = read_hours(said, now)
        assert isinstance(read, float), said
        return round(read, 1)

    assert since("since 10pm") == 0.2  # 13 minutes, read as at least a quarter of an hour
    assert since("since 9pm") == 1.2
    assert since("since 22:30") == 23.7  # yesterday evening: 22:30 today is still to come
    assert since("since 8") == 14.2  # 08:00, not 20:00: read on the long, safe side
    assert since("since 9 this morning") == 13.2
    assert since("since yesterday morning") == 40.2
    assert since("since tea time") == 5.2
    assert since("since yesterday teatime") == 29.2
    assert since("since half 3") == 18.7  # 03:30 rather than 15:30: the long side
    assert since("since half 3 this afternoon") == 6.7
    assert since("since this morning") == 16.2
    assert since("since friday") == 4 * 24 + 22.2
    assert since("since tuesday") == 7 * 24 + 22.2
    assert since("3 hours") == 3.0
    # chat spellings and hedges between "since" and the time (numbers.yaml)
    assert since("since last nite") == since("since last night") == 29.2
    assert since("since yday") == since("since yest") == since("since yesterday")
    assert since("since about 9") == since("since 9") == 13.2
    assert since("since about 8 last night") == since("since 8 last night") == 26.2
    assert since("since bout 6") == 16.2


DANGER_PHRASES = {
    "yes": ["not safe", "in danger", "knife"],
    "no": ["safe now", "not in danger", "is safe"],
}


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("hes not safe", "yes"),  # "not" alone would read as no
        ("kid is in danger", "yes"),
        ("dad has a knife", "yes"),
        ("not in danger, mum is with him", "no"),  # the longest phrase wins over "in danger"
        ("safe now", "no"),
        ("safe now but dad has a knife", None),  # the question's phrases disagree: ask again
        ("yes", "yes"),  # plain answers still read as ever
        ("nope", "no"),
    ],
)
def test_a_questions_own_phrases_decide_what_a_sentence_means(
    said: str, expected: str | None
) -> None:
    assert read_confirm(said, phrases=DANGER_PHRASES) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("there is no other way", None),  # a "no" deep in a sentence answers nothing
        ("the kid has no coat on", None),
        ("no, mum is with him now", "no"),
        ("yes mum hit him again", "yes"),
        ("search done on niche nothing known", "yes"),
    ],
)
def test_in_a_longer_answer_only_a_leading_yes_or_no_counts(
    said: str, expected: str | None
) -> None:
    assert read_confirm(said) == expected


# --- done for the child, or for someone else ---------------------------------------------------


def _for_child_points() -> tuple[Point, ...]:
    medical = Point(
        "medical-care",
        phrases(("paramedics", "first aid", "checked over")),
        needs=phrases(("cut", "bleeding")),
        for_child=True,
    )
    return (medical,)


@pytest.mark.parametrize(
    ("said", "covered", "described"),
    [
        ("first aid for mum", (), ()),
        ("mums got a cut lip, paramedics seen to her", (), ()),  # "her" is mum
        ("dads bleeding, paramedics checked him over", (), ()),
        ("mums got a cut lip, paramedics seen to him", ("medical-care",), ()),  # "him" is the boy
        ("paramedics checked her", ("medical-care",), ()),  # no one else named: the child
        ("the girl has a cut, paramedics seen to her", ("medical-care",), ()),
        ("mum has a cut lip", (), ()),  # mum's need, not the child's
        ("she has a cut", (), ("medical-care",)),
    ],
)
def test_what_was_done_for_an_adult_is_not_done_for_the_child(
    said: str, covered: tuple[str, ...], described: tuple[str, ...]
) -> None:
    read = read_points(said, _for_child_points(), actions=True)
    assert (read.covered, read.described) == (covered, described)


def test_a_pronoun_beside_an_adult_is_someone_else_the_child() -> None:
    """'nan with her': the 'her' is not nan, so 'calmed her down' after it is the child."""
    reassurance = Point("reassurance", phrases(("calmed",)), for_child=True)
    read = read_points(
        "first aid done, nan with her, calmed her down", (reassurance,), actions=True
    )
    assert read.covered == ("reassurance",)


def test_a_pronoun_after_an_adult_who_is_only_there_is_the_child() -> None:
    """'nan here, reassured her': nan is only there, so the child was reassured (review 22)."""
    reassurance = Point("reassurance", phrases(("reassured",)), for_child=True)
    done = read_points("first aid done, nan here, reassured her", (reassurance,), actions=True)
    assert done.covered == ("reassurance",)
    upset = read_points("nan here in bits, reassured her", (reassurance,), actions=True)
    assert upset.covered == ()  # something is said of nan: "her" may be nan


@pytest.mark.parametrize("said", ["working on it", "on its way", "needs doing"])
def test_something_under_way_answers_only_a_question_about_an_action(said: str) -> None:
    assert read_yes_no(said, done=True, under_way=True).outcome == "no"
    assert read_yes_no(said, under_way=False).outcome is None
