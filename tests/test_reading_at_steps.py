"""Officers' answers at real questions of the shipped flows, read as a colleague would.

Each case sends one message from a fresh state at a question (or the menu) and checks where the
conversation went and what it recorded: the kinds of misreading issue 6 found, in other words.
"""

from __future__ import annotations

import pytest

from bot.engine import Engine, Text, positions
from bot.engine._numbers import read_age
from bot.engine._state import Conversation

NOW = 1_700_000_000.0


@pytest.fixture(scope="module")
def at(engine: Engine) -> dict[str, Conversation]:
    return {p.name: p.state for p in positions(engine.flows)}


def _step(engine: Engine, state: Conversation, said: str) -> tuple[Conversation, str]:
    result = engine.step(state, Text(said, NOW))
    new = result.state
    return new, "\n".join(e.text for e in result.replies)


def _recorded(
    engine: Engine, at: dict[str, Conversation], where: str, said: str
) -> tuple[list[str], str]:
    """The outcomes recorded at the question ``where`` ("flow/step") after ``said``, and replies."""
    new, replies = _step(engine, at[where], said)
    step = where.split("/")[1]
    return [a.outcome for a in new.answers if a.step == step], replies


@pytest.mark.parametrize(
    ("said", "reason"),
    [
        ("shes on a s.136", "s136"),  # the dot in "s.136" is no full stop
        ("hes on a sec 136 for his own safety", "s136"),
        ("got nicked for robbery", "arrested"),
        ("in the cells at the nick", None),  # where the child is, not why: asked again
        ("charged", "arrested"),  # a child charged was arrested first
        ("charged and bail refused", "arrested"),
    ],
)
def test_why_the_child_is_in_custody(
    engine: Engine, at: dict[str, Conversation], said: str, reason: str | None
) -> None:
    state, _ = _step(engine, at["child-in-custody/reason"], said)
    recorded = {a.step: a.outcome for a in state.answers}
    assert recorded.get("reason") == reason


@pytest.mark.parametrize(
    ("said", "says"),
    [
        ("grandad is on his way over", "Still to come, so not done yet: a safe adult"),
        ("dads got a cut on his head, paramedics seen to him", "couldn't match"),
        ("her brother has a burn, ambulance checked him over", "Taken as done: medical care"),
        ("told him hes not in trouble", "Taken as done: reassurance"),
        ("grandad here but hes had a skinful", "couldn't match"),  # no safe adult
        ("yeah seen him", "couldn't match"),  # the child seen: no medical care named
        ("ambos otw, nan with her", "Still to come, so not done yet: medical care"),
        ("paramedics due in 10", "Still to come, so not done yet: medical care"),
        ("he has a wound on his arm, paramedics on way", "Still to come, so not done yet"),
    ],
)
def test_done_coming_or_done_for_someone_else_is_said_back(
    engine: Engine, at: dict[str, Conversation], said: str, says: str
) -> None:
    state, replies = _step(engine, at["initial-contact/needs"], said)
    assert says in replies
    if "not done" in says or "couldn't" in says:
        assert "medical-care" not in (state.pending or ())


@pytest.mark.parametrize(
    ("place", "said", "ticked"),
    [
        (
            "child-in-custody/appropriate-adult",
            "mum is coming in to be the AA but shes the one he assaulted",
            ("victim-witness",),
        ),
        (
            "child-in-custody/aa-voluntary",
            "yes, the duty solicitor is going to act as the AA",
            ("solicitor",),
        ),
        ("initial-contact/context", "neglect, no food in the house and its filthy", None),
    ],
)
def test_an_answer_ticks_what_it_names_at_the_list_that_follows(
    engine: Engine,
    at: dict[str, Conversation],
    place: str,
    said: str,
    ticked: tuple[str, ...] | None,
) -> None:
    """Said once, confirmed once: the officer is shown the ticks and presses Done."""
    new, replies = _step(engine, at[place], said)
    if ticked is None:  # a list of signs found: ticked from the same words
        assert new.step == "neglect-signs" and new.pending and "no-food" in new.pending
    else:
        assert new.step in ("aa-who", "aa-who-voluntary") and new.pending == ticked
    assert "Ticked:" in replies
    assert new.answers[-1].step == place.split("/")[1]


def test_a_list_of_things_done_is_never_ticked_ahead(
    engine: Engine, at: dict[str, Conversation]
) -> None:
    """What was done is confirmed at its own question, never assumed from an earlier answer."""
    said = "yes spoke to her, got her own words and bwv was on"
    new, _ = _step(engine, at["initial-contact/see-child"], said)
    assert new.step == "child-account" and new.pending is None


@pytest.mark.parametrize("said", ["none, its his nan", "none of these - his nan"])
def test_none_with_a_word_on_why_answers_a_which_of_these(
    engine: Engine, at: dict[str, Conversation], said: str
) -> None:
    new, _ = _step(engine, at["child-in-custody/aa-who"], said)
    assert new.step == "aa-present"
    assert new.answers[-1].step == "aa-who" and new.answers[-1].outcome == "none"


@pytest.mark.parametrize(
    "said",
    [
        "none of em",
        "nah not yet",
        "nowt",
        "none of those apply",
        "nothing in hand yet",
        "nothing in place yet",
    ],
)
@pytest.mark.parametrize(
    ("where", "outcome"),
    [
        ("missing-child/risk-factors", "none"),  # None of these: nothing applies
        ("referral/strategy", "partial"),  # None yet: every action stays to do
    ],
)
def test_none_in_an_officers_words_finishes_a_checklist_with_nothing_ticked(
    engine: Engine, at: dict[str, Conversation], where: str, outcome: str, said: str
) -> None:
    new, replies = _step(engine, at[where], said)
    assert new.step != at[where].step, replies  # not "I didn't catch that"
    assert new.answers[-1].step == where.split("/")[1]
    assert new.answers[-1].outcome == outcome


@pytest.mark.parametrize("said", ["later, next shift", "sarge is doing it", "pending"])
def test_a_grade_still_to_come_is_not_graded_yet(
    engine: Engine, at: dict[str, Conversation], said: str
) -> None:
    new, replies = _step(engine, at["missing-child/grading"], said)
    assert "Not graded yet" in replies
    assert new.answers[-1].outcome == "not-graded"


@pytest.mark.parametrize(
    ("said", "outcome"),
    [
        ("end of shift", "yes"),
        ("before i go off", "yes"),
        ("later, next shift", "no"),
        ("tomorrow", "no"),
    ],
)
def test_when_the_record_is_written_in_an_officers_words(
    engine: Engine, at: dict[str, Conversation], said: str, outcome: str
) -> None:
    new, replies = _step(engine, at["record-check/timely"], said)
    assert new.answers[-1].step == "timely", replies
    assert new.answers[-1].outcome == outcome


@pytest.mark.parametrize(
    ("said", "band"),
    [
        ("bout 2 n a half hrs", "Under a day"),
        ("two n half days", "1 to 3 days"),
        ("since last nite", "1 to 3 days"),  # 22:13 on a Tuesday: since 17:00 on Monday
        ("since yday", "1 to 3 days"),
    ],
)
def test_how_long_missing_in_chat_spellings(
    engine: Engine, at: dict[str, Conversation], said: str, band: str
) -> None:
    _, replies = _step(engine, at["missing-child/how-long"], said)
    assert f": {band}." in replies, replies


@pytest.mark.parametrize(
    ("said", "done"),
    [
        ("gave him a plaster n calmed him down", "Taken as done: medical care and reassurance"),
        ("put an ice pack on her knee", "Taken as done: medical care"),
    ],
)
def test_first_aid_in_an_officers_words_is_medical_care_done(
    engine: Engine, at: dict[str, Conversation], said: str, done: str
) -> None:
    _, replies = _step(engine, at["initial-contact/needs"], said)
    assert done in replies, replies


@pytest.mark.parametrize(
    ("where", "said"),
    [
        ("initial-contact/see-child", "mum is here but shes drunk"),
        ("initial-contact/see-child", "nan is present but shes kicking off"),
    ],
)
def test_an_action_word_then_but_and_a_risk_is_not_done(
    engine: Engine, at: dict[str, Conversation], where: str, said: str
) -> None:
    recorded, replies = _recorded(engine, at, where, said)
    assert recorded != ["yes"], replies


@pytest.mark.parametrize("said", ["tick all", "all of em", "they all apply"])
def test_every_point_at_once_in_an_officers_words(
    engine: Engine, at: dict[str, Conversation], said: str
) -> None:
    _, replies = _step(engine, at["missing-child/risk-factors"], said)
    # every point ticked, and the list waits for Done (not "I didn't catch that")
    assert "didn't catch" not in replies
    assert "Ticked: Very young, Out of character, Missing before, Self-harm risk" in replies


@pytest.mark.parametrize("said", ["yes", "done", "all sorted"])
def test_done_typed_at_done_or_not_yet_says_what_was_taken_as_done(
    engine: Engine, at: dict[str, Conversation], said: str
) -> None:
    asked, _ = _step(engine, at["initial-contact/needs"], "calmed her down")
    assert asked.pending is not None  # "Done or not yet?" for the other points
    _, replies = _step(engine, asked, said)
    assert "Taken as done: medical care and a safe adult." in replies, replies


@pytest.mark.parametrize(
    ("where", "said", "outcome"),
    [
        ("initial-contact/see-child", "spoke to mum", None),
        ("initial-contact/see-child", "mum is here", None),
        ("initial-contact/da-children-seen", "spoken to the ex partner", None),
        ("missing-child/safe-well", "nan is with us", None),
        ("initial-contact/see-child", "shes here with me", "yes"),
        ("initial-contact/see-child", "spoke to her on her own", "yes"),
        ("missing-child/safe-well", "spoke to mum and the lad", "yes"),
        # the paramedics there, not the officer seeing the child (review 3c)
        ("initial-contact/see-child", "ambos here now checking the baby", None),
        ("initial-contact/see-child", "paramedics with her, spoke to her after", "yes"),
        # "her nan" is whose nan, not the child; "seen her" is the officer seeing the child
        ("initial-contact/see-child", "spoke to her nan", None),
        ("missing-child/safe-well", "spoke to his mum on the phone", "no"),  # a call: not seen
        ("initial-contact/see-child", "spoke to her, nan here", "yes"),
        ("initial-contact/see-child", "seen her with her nan", "yes"),
        ("missing-child/safe-well", "seen him, hes fine", "yes"),
        ("missing-child/safe-well", "not seen him yet", "no"),
    ],
)
def test_an_action_said_of_an_adult_does_not_answer_a_question_about_the_child(
    engine: Engine, at: dict[str, Conversation], where: str, said: str, outcome: str | None
) -> None:
    recorded, replies = _recorded(engine, at, where, said)
    assert recorded == ([outcome] if outcome else []), replies
    if outcome is None:
        assert "That sounds like an adult, not the child." in replies


@pytest.mark.parametrize(
    "said", ["yes but its been passed to cid", "yeah but its been handed over to the dsl"]
)
def test_yes_then_but_and_the_questions_no_words_is_not_a_plain_answer(
    engine: Engine, at: dict[str, Conversation], said: str
) -> None:
    """Passed on may or may not be acted on: doubt is recorded, and the red flag still shows."""
    new, replies = _step(engine, at["record-check/urgent"], said)
    assert [a.outcome for a in new.answers if a.step == "urgent"] == ["unsure"], replies
    assert "you said yes, but added something that may change it" in replies
    assert "RED FLAG: Something urgent in the record" in replies


@pytest.mark.parametrize(
    ("said", "outcome"),
    [("its been passed to cid", "no"), ("no but its still outstanding", "yes")],
)
def test_the_urgent_matter_in_an_officers_words(
    engine: Engine, at: dict[str, Conversation], said: str, outcome: str
) -> None:
    new, replies = _step(engine, at["record-check/urgent"], said)
    assert [a.outcome for a in new.answers if a.step == "urgent"] == [outcome], replies


@pytest.mark.parametrize(
    "said", ["scratch that, auntie hasnt turned up yet", "no wait, first aid done and nan's here"]
)
def test_a_correction_said_first_that_answers_nothing_here_points_to_back(
    engine: Engine, at: dict[str, Conversation], said: str
) -> None:
    """It changes the answer before: never read as this question's yes or no."""
    new, replies = _step(engine, at["initial-contact/see-child"], said)
    assert not [a for a in new.answers if a.step == "see-child"], replies
    assert "'back' goes to it" in replies


@pytest.mark.parametrize(("said", "outcome"), [("sorry, not yet", "no"), ("well yeh", "yes")])
def test_a_correction_said_first_then_an_answer_is_the_answer(
    engine: Engine, at: dict[str, Conversation], said: str, outcome: str
) -> None:
    new, replies = _step(engine, at["initial-contact/see-child"], said)
    assert [a.outcome for a in new.answers if a.step == "see-child"] == [outcome], replies


@pytest.mark.parametrize(
    ("said", "read"),
    [
        # 22:13: the 24-hour clock says which half of the day
        ("since 0200", "since 02:00 today, about 20 hours: Under a day."),
        ("since 02:00", "since 02:00 today, about 20 hours: Under a day."),
        ("since about half 8 this eve", "since 20:30 today, about 1.7 hours: Under a day."),
        ("since the early hours", "since 00:00 today, about 22 hours: Under a day."),
        # a correction: the last figure counts, never the two added up
        ("3 hours, no wait 30 hours", "about 30 hours: 1 to 3 days."),
        # a day of the month, counted from its midnight; school out at 15:00; a time with doubt
        ("since the 12th", "since Sunday 12 November, about 2.9 days: 1 to 3 days."),
        ("since 1st nov", "since Wednesday 1 November, about 13.9 days: Over 3 days."),
        ("since 2am, her 1st time", "since 02:00 today, about 20 hours: Under a day."),
        ("since she left school yesterday", "since 15:00 yesterday, about 31 hours: 1 to 3"),
        ("not sure, mum reckons since last weekend", "since 00:00 Friday, about 4.9 days: Over 3"),
        # a correction keeps the unit or the "since" it corrects
        ("2 days no wait 3", "about 3 days: Over 3 days."),
        ("since 2am no wait 3am", "since 03:00 today, about 19 hours: Under a day."),
        # a date and a time on it: from that time, not the date's midnight
        ("since the 12th at 6pm", "since 18:00 Sunday 12 November, about 2.2 days: 1 to 3"),
        ("since 12/11 at half 10", "since 10:30 Sunday 12 November, about 2.5 days: 1 to 3"),
        # two guesses joined by "or": the earlier, each borrowing the other's half of the day
        ("since 7, or maybe half 6", "since 06:30 today, about 16 hours: Under a day"),
        ("since 9 this eve or maybe 8", "since 20:00 today, about 2.2 hours: Under a day"),
        ("since 11 or 12 last night", "since 23:00 yesterday, about 23 hours: Under a day."),
        ("since 7 or 8 hours", "about 8 hours: Under a day."),  # a length, not 07:00
        # someone's guess at a clock time inside not sure; "ish" run on; breakfast
        ("not sure, dad thinks half 9", "since 09:30 today, about 13 hours: Under a day"),
        ("not sure mum reckons 11ish last night", "since 23:00 yesterday, about 23 hours: Under"),
        ("not sure, mum says 2 or 3 days", "about 3 days: Over 3 days"),
        ("since brekkie", "since 06:00 today, about 16 hours: Under a day."),
        # dinner is midday in much of England and Wales: the long side; arvo is the afternoon
        ("since dinner", "since 12:00 today, about 10 hours: Under a day."),
        ("since this arvo", "since 12:00 today, about 10 hours: Under a day."),
    ],
)
def test_how_long_missing_said_oddly(
    engine: Engine, at: dict[str, Conversation], said: str, read: str
) -> None:
    _, replies = _step(engine, at["missing-child/how-long"], said)
    assert f"Read as {read}" in replies, replies
    doubted = "not sure" in said or "maybe" in said
    assert ("(you weren't sure)." in replies) == doubted, replies


@pytest.mark.parametrize("said", ["14, no wait 15", "13 sorry 15"])
def test_an_age_corrected_counts_the_last(
    engine: Engine, at: dict[str, Conversation], said: str
) -> None:
    _, replies = _step(engine, at["child-in-custody/age"], said)
    assert "Read as 15 years: 12 to 17." in replies, replies


@pytest.mark.parametrize(
    "said", ["d.o.b. 3.5.11", "dob 03-05-2011", "dob 3rd of May 2011", "born 3 may 11"]
)
def test_a_date_of_birth_however_written_gives_the_age(
    engine: Engine, at: dict[str, Conversation], said: str
) -> None:
    # 14 November 2023: born 3 May 2011 is 12, never "3.5 years: Under 10"
    _, replies = _step(engine, at["child-in-custody/age"], said)
    assert "Read as born 03/05/2011: 12: 12 to 17." in replies, replies


@pytest.mark.parametrize(
    ("said", "says"),
    [
        ("year 9 at school", "Read as year 9 at school: 13 or 14: 12 to 17."),  # never Under 10
        ("yr 5", "Year 5 at school: they could be 9 or 10. Which is it, in years?"),
        ("born 2005", "Born 2005: they could be 17 or 18. Which is it, in years?"),
        ("born 2008", "Read as born 2008: 14 or 15: 12 to 17."),  # one band: nothing to ask
        ("turns 18 tomorrow", "Read as 17 years, not yet 18: 12 to 17."),  # still a child
        ("17 next week", "Read as 16 years, not yet 17: 12 to 17."),
        # a birthday in a month named is still to come: under 10 now, and a child now
        ("10 in march", "Read as 9 years, not yet 10: Under 10."),
        ("18 in feb", "Read as 17 years, not yet 18: 12 to 17."),
        ("12 in the new year", "Read as 11 years, not yet 12: 10 or 11."),
        ("just turned 18", "Read as 18 years: 18 or over."),
        ("could be 15", "Read as 15 years: 12 to 17 (you weren't sure)."),
        ("15 year old", "Read as 15 years: 12 to 17."),
    ],
)
def test_a_school_year_or_an_age_still_to_come_is_read_as_the_age_now(
    engine: Engine, at: dict[str, Conversation], said: str, says: str
) -> None:
    _, replies = _step(engine, at["child-in-custody/age"], said)
    assert says in replies, replies


@pytest.mark.parametrize(
    ("said", "source", "shown"),
    [
        ("born 2005", "born 2005", "born 2005: 17 or 18"),
        ("dob 03/05/2011", "born 03/05/2011", "born 03/05/2011: 12"),
        ("yr 5", "year 5 at school", "year 5 at school: 9 or 10"),
        ("15", None, "15 years"),
    ],
)
def test_an_age_keeps_what_it_was_read_from_apart_from_how_it_is_said_back(
    said: str, source: str | None, shown: str
) -> None:
    # The question "which is it?" names the source; it is kept, not cut from the words said
    # back at their colon, so a source holding a colon (a time, a note) would stay whole.
    age = read_age(said, NOW, least=0, most=25, unit="years")
    assert (age.said, age.shown) == (source, shown)


def test_the_age_a_child_appears_is_the_age_asked_for(
    engine: Engine, at: dict[str, Conversation]
) -> None:
    _, replies = _step(engine, at["child-in-custody/age"], "he says hes 18 but looks about 15")
    assert "Read as 15 years, as they appear: 12 to 17." in replies, replies


@pytest.mark.parametrize("said", ["needs doing", "still needs doing", "on my list"])
def test_still_to_do_in_an_officers_words_is_not_yet(
    engine: Engine, at: dict[str, Conversation], said: str
) -> None:
    new, replies = _step(engine, at["record-check/child-voice"], said)
    assert [a.outcome for a in new.answers if a.step == "child-voice"] == ["no"], replies


@pytest.mark.parametrize(
    ("where", "said"),
    [
        ("record-check/big-decision", "on its way to skipper"),
        ("initial-contact/danger", "on its way"),
    ],
)
def test_something_under_way_does_not_answer_whether_something_is_so(
    engine: Engine, at: dict[str, Conversation], where: str, said: str
) -> None:
    new, replies = _step(engine, at[where], said)
    assert new.step == at[where].step and not new.answers[len(at[where].answers) :], replies
    assert "didn't catch" in replies


@pytest.mark.parametrize(
    ("where", "said", "card"),
    [
        ("record-check/timely", "what is a strat", "Strategy discussion"),
        ("record-check/timely", "whats a strat", "Strategy discussion"),
        # at a question answered in words too (review 3c)
        ("referral/content", "what's a MASH", "MASH"),
    ],
)
def test_a_question_asked_mid_flow_without_ask_is_looked_up(
    engine: Engine, at: dict[str, Conversation], where: str, said: str, card: str
) -> None:
    new, replies = _step(engine, at[where], said)
    assert card in replies and "didn't catch" not in replies, replies
    assert "couldn't match" not in replies and "Back to your question" in replies, replies
    assert new.step == at[where].step and len(new.answers) == len(at[where].answers)


def test_option_numbers_said_to_be_still_to_do_are_left_unticked(
    engine: Engine, at: dict[str, Conversation]
) -> None:
    ticked, _ = _step(engine, at["referral/strategy"], "1 and 2")
    new, replies = _step(engine, ticked, "2 on its way")
    assert "Not ticked, still to do: Our info ready." in replies, replies
    assert new.pending == ("police-attend",)
    # a typed number of an option already ticked: said so, not the question bare again
    already, replies = _step(engine, ticked, "1")
    assert replies.startswith("Already ticked: Police taking part."), replies
    assert already.pending == ticked.pending
    everything, replies = _step(engine, at["referral/strategy"], "ticked all of them")
    assert len(everything.pending or ()) == 3, replies


@pytest.mark.parametrize(
    ("said", "outcome"),
    [
        ("skipper graded it high", "high"),
        ("graded medium", "medium"),
        ("skipper is doing it", "not-graded"),
    ],
)
def test_a_grade_given_by_someone_else_is_that_grade(
    engine: Engine, at: dict[str, Conversation], said: str, outcome: str
) -> None:
    new, replies = _step(engine, at["missing-child/grading"], said)
    assert [a.outcome for a in new.answers if a.step == "grading"] == [outcome], replies


@pytest.mark.parametrize(
    ("said", "outcome"),
    [
        ("skipper's off, will get it done tomorrow", "needed"),
        ("sgt signed", "signed-off"),
        ("done", "signed-off"),
    ],
)
def test_a_sign_off_still_to_come_is_needed(
    engine: Engine, at: dict[str, Conversation], said: str, outcome: str
) -> None:
    new, replies = _step(engine, at["record-check/signoff"], said)
    assert [a.outcome for a in new.answers if a.step == "signoff"] == [outcome], replies


def test_signed_off_by_the_sergeant_is_signed_off(
    engine: Engine, at: dict[str, Conversation]
) -> None:
    for said, outcome in (
        ("signed off by skipper", "signed-off"),
        ("sarge has signed it", "signed-off"),
        ("skipper hasnt signed it yet", "needed"),
    ):
        new, replies = _step(engine, at["record-check/signoff"], said)
        assert new.answers[-1].step == "signoff" and new.answers[-1].outcome == outcome, replies


@pytest.mark.parametrize(
    ("said", "ticked"),
    [
        ("shes 13 and in care, first time missing", "Ticked: Out of character, In care."),
        ("never gone missing before", "Ticked: Out of character."),
        ("goes missing a lot, in care", "Ticked: Missing before, In care."),
    ],
)
def test_a_first_time_missing_is_not_missing_before(
    engine: Engine, at: dict[str, Conversation], said: str, ticked: str
) -> None:
    _, replies = _step(engine, at["missing-child/risk-factors"], said)
    assert ticked in replies, replies


@pytest.mark.parametrize(
    ("said", "outcome"),
    [
        ("yeah, all except the baby who was asleep", "partial"),
        ("yes apart from the little one", "partial"),
        ("yes done", "complete"),
    ],
)
def test_done_or_not_yet_with_a_part_left_is_not_yet(
    engine: Engine, at: dict[str, Conversation], said: str, outcome: str
) -> None:
    asked, _ = _step(engine, at["initial-contact/needs"], "first aid done, nan here")
    assert asked.pending is not None  # "Done or not yet?" for reassurance
    new, replies = _step(engine, asked, said)
    assert [a.outcome for a in new.answers if a.step == "needs"] == [outcome], replies


@pytest.mark.parametrize("said", ["yes - name yes, time no", "name yes, time no"])
def test_a_part_answered_the_other_way_is_no_plain_answer(
    engine: Engine, at: dict[str, Conversation], said: str
) -> None:
    new, replies = _step(engine, at["record-check/author-date"], said)
    assert [a.outcome for a in new.answers if a.step == "author-date"] == ["no"], replies
    assert "Noted: Not yet (part of it is still to do)." in replies


@pytest.mark.parametrize(
    ("said", "done"),
    [
        ("neighbour looking after her but not checked for injuries yet", False),
        ("havent checked her for injuries, nan here", False),
        ("checked her over, no injuries, nan here", True),
        ("not seen any injuries, nan here", True),  # a finding: the check is done
    ],
)
def test_a_check_denied_is_not_a_finding_of_no_injuries(
    engine: Engine, at: dict[str, Conversation], said: str, done: bool
) -> None:
    state, replies = _step(engine, at["initial-contact/needs"], said)
    assert "Taken as done: " in replies, replies
    assert ("medical care" in replies.split("Taken as done: ")[1].split(".")[0]) == done, replies
    assert ("medical-care" in (state.pending or ())) == done


@pytest.mark.parametrize(
    ("where", "said", "outcome"),
    [
        ("initial-contact/danger", "yeh defo not", "no"),
        ("initial-contact/danger", "yeah definitely", "yes"),
        ("child-in-custody/welfare-told", "yeh defo not", "no"),
        ("child-in-custody/welfare-told", "yes definitely", "yes"),
        ("child-in-custody/appropriate-adult", "nobody yet", "no"),
        ("child-in-custody/appropriate-adult", "nobody yet, trying mum", "no"),
    ],
)
def test_a_firm_no_after_a_yes_word_and_nobody_yet_are_no(
    engine: Engine, at: dict[str, Conversation], where: str, said: str, outcome: str
) -> None:
    recorded, replies = _recorded(engine, at, where, said)
    assert recorded == [outcome], replies


@pytest.mark.parametrize(
    ("said", "ticked"),
    [
        ("all except the opinion one", ("facts", "judgement", "sources")),
        ("all but 3", ("facts", "judgement", "sources")),
        ("ticked all except 2 and 4", ("facts", "opinion")),
        ("all of them", ("facts", "judgement", "opinion", "sources")),
        # the option left out named in its label's words, not one of its phrases
        ("everything apart from where the info came from", ("facts", "judgement", "opinion")),
        ("all except my judgement", ("facts", "opinion", "sources")),
    ],
)
def test_all_except_some_ticks_every_option_but_those(
    engine: Engine, at: dict[str, Conversation], said: str, ticked: tuple[str, ...]
) -> None:
    new, replies = _step(engine, at["record-check/fact-opinion"], said)
    assert new.pending == ticked, replies


@pytest.mark.parametrize(
    ("where", "said", "outcome"),
    [
        ("missing-child/status", "was gone since tuesday but turned up now", "returned"),
        ("missing-child/status", "turned up at 6 but gone again since", "still-missing"),
        ("child-in-custody/reason", "arrested but now voluntary", "voluntary"),
        ("child-in-custody/reason", "voluntary but arrested now", "arrested"),
        ("missing-child/status", "found but not seen him yet", "returned"),
    ],
)
def test_what_follows_but_is_how_things_stand_at_a_choice(
    engine: Engine, at: dict[str, Conversation], where: str, said: str, outcome: str
) -> None:
    recorded, replies = _recorded(engine, at, where, said)
    assert recorded == [outcome], replies


@pytest.mark.parametrize(
    ("where", "said", "outcome"),
    [
        ("record-check/timely", "end of tour", "yes"),
        ("record-check/timely", "next tour", "no"),
        ("initial-contact/see-child", "got her account on bwv, she seemed scared", "yes"),
        ("initial-contact/see-child", "havent got her account yet", "no"),
        # an AA who will not come is not an AA called (the delay red flag follows)
        ("child-in-custody/appropriate-adult", "mum said she wont come", "no"),
        ("child-in-custody/appropriate-adult", "mums coming", "yes"),
        ("record-check/sharing", "shared with MASH", "yes"),
        ("record-check/sharing", "not shared with mash yet", "no"),
        # a disclosure in the child's reported words is harm told (the red flag follows)
        ("missing-child/harm", "says a man gave her drugs", "yes"),
        ("missing-child/harm", "says she had to sell stuff for them", "yes"),
        ("missing-child/harm", "no, says nobody gave her drugs", "no"),
    ],
)
def test_an_officers_words_for_this_shift_and_for_having_seen_the_child(
    engine: Engine, at: dict[str, Conversation], where: str, said: str, outcome: str
) -> None:
    recorded, replies = _recorded(engine, at, where, said)
    assert recorded == [outcome], replies


@pytest.mark.parametrize(
    ("said", "need"),
    [
        ("she's with her aunty now who seems sound", False),  # "sound" is a word, not "wound"
        ("nan here, she is calmer now", False),
        ("she has a wound on her leg, nan here", True),
        ("she has a wund on her leg, nan here", True),  # a slip, not another word
    ],
)
def test_an_everyday_word_is_never_mended_into_another(
    engine: Engine, at: dict[str, Conversation], said: str, need: bool
) -> None:
    _, replies = _step(engine, at["initial-contact/needs"], said)
    assert ("described a need for medical care" in replies) == need, replies


@pytest.mark.parametrize(
    ("where", "said", "outcome"),
    [
        ("initial-contact/see-child", "nan has seen her", None),  # the nan saw her, not you
        ("initial-contact/see-child", "sw has spoken with him", None),
        ("missing-child/safe-well", "mum has seen him, hes home", None),
        ("initial-contact/see-child", "seen her, nan here", "yes"),
        ("initial-contact/see-child", "nan and i have seen her", "yes"),
        ("missing-child/safe-well", "seen him at the house", "yes"),
    ],
)
def test_a_child_seen_by_someone_else_is_not_seen_by_the_officer(
    engine: Engine, at: dict[str, Conversation], where: str, said: str, outcome: str | None
) -> None:
    recorded, replies = _recorded(engine, at, where, said)
    assert recorded == ([] if outcome is None else [outcome]), replies
    if outcome is None:
        assert replies.startswith("That sounds like someone else did it, not you."), replies


@pytest.mark.parametrize(
    ("where", "said", "outcome"),
    [
        # a question naming several things: all of them is yes, and a no to all of them no
        ("record-check/child-voice", "all of them", "yes"),
        ("record-check/child-voice", "all three", "yes"),
        ("record-check/child-voice", "none of them", "no"),
        # "n/a" at sign-off: not required
        ("record-check/signoff", "n/a", "not-required"),
        ("record-check/signoff", "na", "not-required"),
        # the AA named: told and asked (a refusal to come is still not yet)
        ("child-in-custody/appropriate-adult", "mums the AA", "yes"),
        ("child-in-custody/appropriate-adult", "waiting for the aa", "no"),
    ],
)
def test_all_of_them_at_a_question_naming_several_things(
    engine: Engine, at: dict[str, Conversation], where: str, said: str, outcome: str
) -> None:
    recorded, replies = _recorded(engine, at, where, said)
    assert recorded == [outcome], replies


@pytest.mark.parametrize(
    ("where", "said", "ticked"),
    [
        ("initial-contact/child-account", "got her account", ("own-words",)),
        ("missing-child/child-account", "didnt go home cos she rowed with mum", ("why",)),
        # the child not talking to you is not why they went
        ("missing-child/child-account", "didnt want to talk", ()),
        ("missing-child/child-account", "she didnt want to say", ()),
        ("initial-contact/needs", "told him he wasnt in trouble", ("reassurance",)),
    ],
)
def test_what_the_child_told_or_would_not_tell(
    engine: Engine, at: dict[str, Conversation], where: str, said: str, ticked: tuple[str, ...]
) -> None:
    new, replies = _step(engine, at[where], said)
    answer = new.answer_to(where.split("/")[1])
    covered = tuple(new.pending or ()) + (answer.covered if answer is not None else ())
    assert covered == ticked, replies


def test_yes_after_ticking_finishes_a_list_and_yes_alone_is_asked_again(
    engine: Engine, at: dict[str, Conversation]
) -> None:
    ticked, _ = _step(engine, at["referral/diversity"], "1 2")
    finished, replies = _step(engine, ticked, "yes")
    assert finished.answer_to("diversity") is not None, replies
    assert finished.answer_to("diversity").covered == ticked.pending  # type: ignore[union-attr]
    untouched, replies = _step(engine, at["referral/diversity"], "yes")
    assert untouched.answer_to("diversity") is None and "didn't catch" in replies
    # a one-thumb "y" is the same yes (review 8), and as alone says nothing of which
    finished, replies = _step(engine, ticked, "y")
    assert finished.answer_to("diversity") is not None, replies
    untouched, replies = _step(engine, at["referral/diversity"], "y")
    assert untouched.answer_to("diversity") is None and "didn't catch" in replies


@pytest.mark.parametrize("said", ["all of it", "the lot"])
def test_all_of_it_at_a_free_answer_is_an_answer_not_the_more_command(
    engine: Engine, at: dict[str, Conversation], said: str
) -> None:
    _, replies = _step(engine, at["referral/content"], said)
    assert "nothing more to show" not in replies and "Still to cover" in replies, replies


@pytest.mark.parametrize(
    ("said", "ticked"),
    [
        ("2 3 no wait just 3", ("missing-before",)),  # the numbers after the correction
        ("just 3", ("missing-before",)),
        ("1 2, sorry 1 and 4", ("very-young", "self-harm")),
    ],
)
def test_option_numbers_corrected_tick_the_last_ones_said(
    engine: Engine, at: dict[str, Conversation], said: str, ticked: tuple[str, ...]
) -> None:
    new, replies = _step(engine, at["missing-child/risk-factors"], said)
    assert new.pending == ticked, replies


@pytest.mark.parametrize(
    ("said", "outcome"),
    [
        ("seen the older one, baby asleep", "no"),  # the baby not seen: not every child
        ("only seen one of them", "no"),
        ("spoke to the older one, not the little one", "no"),
        ("seen both", "yes"),
        ("seen them all, spoke to the eldest alone", "yes"),
        ("seen baby asleep in cot, spoke to older one", "yes"),  # the sleeping baby looked in on
    ],
)
def test_some_of_the_children_seen_is_not_yet(
    engine: Engine, at: dict[str, Conversation], said: str, outcome: str
) -> None:
    recorded, replies = _recorded(engine, at, "initial-contact/see-child", said)
    assert recorded == [outcome], replies


@pytest.mark.parametrize("said", ["police protection", "pp", "in pp, no arrest", "s46"])
def test_police_protection_at_the_station_is_no_custody_reason(
    engine: Engine, at: dict[str, Conversation], said: str
) -> None:
    state, replies = _step(engine, at["child-in-custody/reason"], said)
    assert state.answer_to("reason").outcome == "police-protection"  # type: ignore[union-attr]
    assert state.step == "police-protection" and "is not an arrest" in replies
    assert "First contact" in replies  # where the police protection duties are asked
    # The other reasons still go where they did.
    for other, step in (("nicked for robbery", "necessity"), ("on a 136", "s136-place")):
        assert _step(engine, at["child-in-custody/reason"], other)[0].step == step


@pytest.mark.parametrize(
    "where", ["missing-child/child-account", "initial-contact/who-present", "referral/content"]
)
def test_an_empty_message_at_a_free_answer_asks_for_that_answer(
    engine: Engine, at: dict[str, Conversation], where: str
) -> None:
    state, replies = _step(engine, at[where], "")
    assert state.step == where.split("/")[1] and state.pending is None
    assert "Answer the question below in a few words" in replies
    assert "what you've done" not in replies  # an account or a list of people is not an action


def test_the_care_of_a_woman_is_asked_of_a_girl_only(
    engine: Engine, at: dict[str, Conversation]
) -> None:
    ticked, _ = _step(engine, at["child-in-custody/aa-present"], "1 2")
    _, replies = _step(engine, ticked, "done")
    assert "If the child is a girl: while detained she must be in the care of a woman" in replies
    assert "A girl under 18 must" not in replies  # shown for boys too, so never said as if of her


@pytest.mark.parametrize(
    ("where", "said", "outcome"),
    [
        # known from before is domestic abuse in the household, whatever happened tonight
        ("initial-contact/da-household", "not tonight but there's history", "yes"),
        ("initial-contact/da-household", "no, no history", "no"),
        # a grade given says the risk assessment was done
        ("initial-contact/da-assessment", "dash is medium", "yes"),
        ("initial-contact/da-assessment", "not graded yet", "no"),
        # one child of school age is enough for Operation Encompass
        ("initial-contact/school-age", "1 is, 1 isnt", "yes"),
        ("initial-contact/school-age", "no both under 2", "no"),
        # checks done that found nothing are checks done
        ("initial-contact/checks", "PNC and niche done, nothing", "yes"),
        ("initial-contact/checks", "no, not checked niche yet", "no"),
        ("initial-contact/referral", "MASH'd it", "yes"),
        ("initial-contact/referral", "not referred yet", "no"),
        # seen, but not away from the adults the question names
        ("initial-contact/see-child", "yeah but mum was there", "no"),
        ("initial-contact/see-child", "yes, spoke to her alone, mum was in the kitchen", "yes"),
        # Missing child: a call is no safe and well check
        ("missing-child/safe-well", "spoke to her on the phone", "no"),
        ("missing-child/safe-well", "yes seen her", "yes"),
        # a child who would not say is not sure, which counts as yes for safety
        ("missing-child/harm", "no comment", "unsure"),
        ("missing-child/harm", "says not", "no"),
        # what makes being out now a serious risk, and the same denied
        ("missing-child/immediate-risk", "shes 12 and its freezing", "yes"),
        ("missing-child/immediate-risk", "possible CSE", "yes"),
        ("missing-child/immediate-risk", "no, no cse concerns", "no"),
        ("missing-child/immediate-risk", "no known risks, takes no meds", "no"),
        ("missing-child/return-interview", "she declined it", "yes"),  # offered: asked for
        ("missing-child/return-interview", "not offered yet", "no"),
        # Child in custody: any room of a home is the home; a voicemail is not telling them
        ("child-in-custody/s136-dwelling", "from his bedroom", "yes"),
        ("child-in-custody/s136-dwelling", "in the street outside his house", "no"),
        ("child-in-custody/welfare-told", "left voicemail", "no"),
        # Referral: neither one nor the other is not sure (yes for safety); early help is below
        ("referral/significant-harm", "borderline", "unsure"),
        ("referral/significant-harm", "early help", "no"),
        ("referral/sharing", "shared with school and HV", "yes"),
        ("referral/submitted", "on PVP", "yes"),
        # Record check: what is on the record is not "I'm on it"; police protection removes
        ("record-check/author-date", "yes collar number and time on it", "yes"),
        ("record-check/author-date", "no time on it", "no"),
        ("record-check/timely", "day after", "no"),
        ("record-check/big-decision", "PP taken", "yes"),
        ("record-check/big-decision", "no removal", "no"),
        ("record-check/sharing", "MASH will get it", "yes"),
        ("record-check/signoff", "sgt to review", "needed"),
        # review 8: the action asked about, said in the past tense, is done
        ("initial-contact/checks", "checked", "yes"),
        ("initial-contact/da-assessment", "did the dash", "yes"),
        ("missing-child/safe-well", "did a safe and well", "yes"),
        ("initial-contact/record", "written it up", "yes"),
        ("missing-child/return-interview", "refused", "yes"),  # offered and turned down
        ("child-in-custody/appropriate-adult", "mum is AA", "yes"),
        ("child-in-custody/appropriate-adult", "aa is not coming", "no"),
        # promised for later in the shift is not yet
        ("initial-contact/referral", "will submit end of shift", "no"),
        ("initial-contact/referral", "submitted the referral", "yes"),
        # an action put off ("to be", "will be", "will have been") is not done yet
        ("initial-contact/referral", "referral to be done", "no"),
        ("child-in-custody/appropriate-adult", "aa to be called", "no"),
        ("child-in-custody/appropriate-adult", "aa being called", "no"),
        ("initial-contact/encompass", "school will be notified", "no"),
        ("missing-child/return-interview", "will have been requested by day shift", "no"),
        ("child-in-custody/welfare-told", "meant to call mum", "no"),
        ("child-in-custody/welfare-told", "should have told mum by now", "no"),  # its own words
        ("child-in-custody/welfare-told", "told mum", "yes"),
        # a role arranged for later is arranged: the AA is told and asked to attend
        ("child-in-custody/aa-voluntary", "the duty solicitor is going to act as the AA", "yes"),
        ("child-in-custody/appropriate-adult", "aa has been called", "yes"),
        ("initial-contact/encompass", "school notified", "yes"),
        # the professional consulted before a section 136 named
        ("child-in-custody/s136-consult", "spoke to amhp", "yes"),
        ("child-in-custody/s136-consult", "consulted mh nurse", "yes"),
        ("child-in-custody/s136-consult", "wasnt practicable", "no"),
    ],
)
def test_a_yes_or_no_in_an_officers_own_terms(
    engine: Engine, at: dict[str, Conversation], where: str, said: str, outcome: str
) -> None:
    recorded, replies = _recorded(engine, at, where, said)
    assert recorded == [outcome], replies


@pytest.mark.parametrize(
    ("said", "concern"),
    [
        ("sexual abuse", "other"),  # a concern the list does not name is Something else
        ("FGM", "other"),
        ("dunno really, bit of everything", "other"),
        ("kid found wandering", "neglect"),
        ("DV", "domestic-abuse"),
    ],
)
def test_a_concern_the_list_does_not_name_is_something_else(
    engine: Engine, at: dict[str, Conversation], said: str, concern: str
) -> None:
    recorded, replies = _recorded(engine, at, "initial-contact/context", said)
    assert recorded == [concern], replies


@pytest.mark.parametrize(
    ("where", "said", "ticked"),
    [
        ("initial-contact/advice", "rang EDT", ("specialist",)),  # the emergency duty team
        ("initial-contact/advice", "spoke to sgt", ("supervisor",)),  # a sergeant abbreviated
        ("initial-contact/advice", "nobody yet", None),  # none yet: the checklist is answered
        ("missing-child/exploitation", "none seen", None),
        (
            "child-in-custody/protection",
            "all in place",
            ("apart-from-adults", "welfare-checks", "health"),
        ),
        ("referral/diversity", "speaks urdu only", ("language",)),  # a language named
        ("referral/diversity", "polish family", ("language",)),
    ],
)
def test_a_checklist_answered_in_an_officers_words(
    engine: Engine,
    at: dict[str, Conversation],
    where: str,
    said: str,
    ticked: tuple[str, ...] | None,
) -> None:
    state, replies = _step(engine, at[where], said)
    if ticked is None:
        step = where.split("/")[1]
        assert state.answer_to(step) is not None and state.step != step, replies
    else:
        assert state.pending == ticked, replies


@pytest.mark.parametrize(
    ("where", "said"),
    [
        ("initial-contact/needs", "what does reassurance mean"),  # a free answer's point
        ("initial-contact/needs", "whats a safe adult"),
        ("child-in-custody/reason", "what is a voluntary interview"),  # a choice's option
        ("child-in-custody/aa-who", "what is an estranged parent"),  # a checklist's option
        ("initial-contact/danger", "what does danger mean here"),  # a yes/no question's word
    ],
)
def test_a_question_about_what_a_word_means_is_looked_up_never_taken_as_an_answer(
    engine: Engine, at: dict[str, Conversation], where: str, said: str
) -> None:
    """A probationer's "what does reassurance mean" names the very point it asks about."""
    new, replies = _step(engine, at[where], said)
    assert "Taken as done" not in replies and "Ticked" not in replies, replies
    assert "Back to your question" in replies, replies
    assert new.pending == at[where].pending and len(new.answers) == len(at[where].answers)


@pytest.mark.parametrize(
    ("where", "said", "covered"),
    [
        ("initial-contact/needs", "reassured him, told him what happens next", "reassurance"),
        ("initial-contact/needs", "whats happening is nan is with her", "safe-adult"),
    ],
)
def test_an_answer_that_opens_with_what_still_answers(
    engine: Engine, at: dict[str, Conversation], where: str, said: str, covered: str
) -> None:
    new, replies = _step(engine, at[where], said)
    assert covered in (new.pending or ()), replies


@pytest.mark.parametrize(
    ("where", "said", "outcome"),
    [
        ("initial-contact/danger", "dk", "unsure"),  # don't know: yes for safety
        ("initial-contact/danger", "ns", "unsure"),  # not sure
        ("initial-contact/danger", "d/k", "unsure"),
        ("initial-contact/danger", "n/k", "unsure"),  # not known
        ("missing-child/how-long", "dk", "unsure"),
        ("initial-contact/danger", "n", "no"),  # the one-letter answers stay what they were
        ("initial-contact/danger", "y", "yes"),
    ],
)
def test_one_thumb_shorthand_for_not_sure(
    engine: Engine, at: dict[str, Conversation], where: str, said: str, outcome: str
) -> None:
    recorded, replies = _recorded(engine, at, where, said)
    assert recorded == [outcome], replies


@pytest.mark.parametrize(
    ("where", "said", "outcome", "flagged"),
    [
        # the question's own yes, then "but" and its own no: part still to do
        ("initial-contact/see-child", "seen him but not alone", "no", False),
        ("initial-contact/see-child", "seen her, not alone tho", "no", False),  # a new clause
        ("missing-child/immediate-risk", "no concerns, shes diabetic", "unsure", True),
        # its own no, then "but" and its own yes: doubt, which counts as yes for safety
        ("missing-child/immediate-risk", "no signs of self harm but shes diabetic", "unsure", True),
        # either side alone is a plain answer
        ("missing-child/immediate-risk", "no signs of self harm", "no", False),
        ("missing-child/immediate-risk", "shes diabetic", "yes", True),
        ("initial-contact/see-child", "seen him", "yes", False),
    ],
)
def test_a_questions_answer_then_but_and_its_other_answer_is_not_plain(
    engine: Engine,
    at: dict[str, Conversation],
    where: str,
    said: str,
    outcome: str,
    flagged: bool,
) -> None:
    recorded, replies = _recorded(engine, at, where, said)
    assert recorded == [outcome], replies
    assert ("RED FLAG" in replies) is flagged, replies


@pytest.mark.parametrize(
    ("said", "ticked"),
    [
        ("mum", None),  # a parent is none of these (PACE Code C 1.7(a))
        ("social worker", None),
        ("its his dad", None),
        ("mum, but she saw it happen", ("victim-witness",)),  # an option named still ticks
        ("estranged dad", ("estranged",)),
        ("his brother", "asked"),  # a sibling may be under 18: not taken as none
    ],
)
def test_who_the_appropriate_adult_is_answers_whether_they_are_any_of_these(
    engine: Engine, at: dict[str, Conversation], said: str, ticked: tuple[str, ...] | str | None
) -> None:
    new, replies = _step(engine, at["child-in-custody/aa-who"], said)
    if ticked is None:
        assert new.answer_to("aa-who") is not None, replies
        assert new.answer_to("aa-who").outcome == "none"  # type: ignore[union-attr]
        assert "Taken as none of these" in replies
    elif ticked == "asked":
        assert new.answer_to("aa-who") is None and new.pending is None, replies
    else:
        assert new.pending == ticked, replies


@pytest.mark.parametrize(
    ("said", "covered"),
    [
        ("kid is fine", ()),  # how the child is, not what the officer did
        ("nothing needed, kid is fine", ()),
        ("shes calmed down now, I reassured her", ("reassurance",)),
    ],
)
def test_the_child_being_fine_is_no_reassurance_given(
    engine: Engine, at: dict[str, Conversation], said: str, covered: tuple[str, ...]
) -> None:
    new, replies = _step(engine, at["initial-contact/needs"], said)
    assert tuple(new.pending or ()) == covered, replies
    assert ("Taken as done: reassurance" in replies) is bool(covered), replies


def test_an_age_or_time_corrected_questions_later_says_what_it_changes(
    engine: Engine, at: dict[str, Conversation]
) -> None:
    """'back' undoes one answer: the officer is told how far back the answer is, or that the
    band it falls in is unchanged. Nothing is changed without the officer."""
    state, _ = _step(engine, at["child-in-custody/age"], "15")
    state, _ = _step(engine, state, "arrested")
    state, _ = _step(engine, state, "yes")
    assert state.step == "welfare-told"
    same, replies = _step(engine, state, "sorry, she's 13 not 15")
    assert "Read as 13 years: 12 to 17" in replies and "stays as it was" in replies, replies
    assert same.answers == state.answers and same.step == state.step
    changed, replies = _step(engine, state, "sorry, shes 9 not 15")
    assert "Under 10" in replies and "say 'back' 3 times" in replies, replies
    assert changed.answers == state.answers
    # at a checklist, a correction opening the message is read the same way
    state, _ = _step(engine, at["missing-child/how-long"], "2 hours")
    state, _ = _step(engine, state, "no")
    assert state.step == "risk-factors"
    _, replies = _step(engine, state, "actually since yesterday morning")
    assert "1 to 3 days" in replies and "say 'back' twice" in replies, replies
    assert "didn't catch" not in replies


def test_the_clause_after_an_answer_answers_the_next_question(
    engine: Engine, at: dict[str, Conversation]
) -> None:
    """An experienced officer's one line: the next choice, number or time is said back when
    it is taken; a yes/no question, or what was done, is still asked."""
    start = at["child-in-custody/age"]
    state, replies = _step(engine, start, "15, arrested, not necessary, mum told")
    recorded = [(a.step, a.outcome) for a in state.answers[len(start.answers) :]]
    assert recorded == [("age", "12-to-17"), ("reason", "arrested")], replies
    assert "Taken from what you said: Reason: Arrested" in replies
    assert state.step == "necessity" and not state.ahead
    state, replies = _step(engine, at["missing-child/status"], "still missing, since 6pm")
    assert state.answer_to("how-long") is not None and state.step == "immediate-risk", replies
    # what follows an answer to a yes/no question mostly says more about it
    state, replies = _step(engine, at["missing-child/status"], "found, seen her, safe and well")
    assert state.step == "safe-well" and state.answer_to("safe-well") is None, replies
    # one clause is one answer: nothing is kept for later
    state, _ = _step(engine, start, "15")
    assert state.step == "reason" and not state.ahead


@pytest.mark.parametrize(
    ("where", "said", "says"),
    [
        ("child-in-custody/necessity", "missing", "'Missing child' questions"),
        ("missing-child/safe-well", "custody", "'Child in custody' questions"),
        ("missing-child/safe-well", "referral", "'Referral' questions"),
    ],
)
def test_another_flows_name_mid_flow_says_how_to_switch(
    engine: Engine, at: dict[str, Conversation], where: str, said: str, says: str
) -> None:
    """A flow abandoned for another: 'menu' gives the summary and the menu, said once."""
    new, replies = _step(engine, at[where], said)
    assert says in replies and "say 'menu'" in replies and "didn't catch" not in replies
    assert new.step == at[where].step and new.answers == at[where].answers


@pytest.mark.parametrize(
    ("where", "said", "outcome"),
    [
        ("initial-contact/context", "missing", "missing"),  # an option of this question
        ("child-in-custody/necessity", "custody", None),  # this flow's own name: asked again
    ],
)
def test_a_flows_name_that_answers_here_or_names_this_flow_is_no_switch(
    engine: Engine, at: dict[str, Conversation], where: str, said: str, outcome: str | None
) -> None:
    recorded, replies = _recorded(engine, at, where, said)
    assert recorded == ([outcome] if outcome else []) and "To switch" not in replies, replies


# review 9 (8 Dec): voice-to-text, two children at once, hedges and questions asked back


@pytest.mark.parametrize(
    ("where", "said", "outcome"),
    [
        # a no turned round is no no: "I wouldn't say no" to danger is doubt, counted as yes
        ("initial-contact/danger", "I wouldn't say no", "unsure"),
        ("referral/significant-harm", "i wouldnt say no", "unsure"),
        ("initial-contact/danger", "cant rule it out", "unsure"),
        # ... and its twin, a no said softly, is a no
        ("initial-contact/danger", "I wouldn't say so", "no"),
        ("record-check/urgent", "i wouldnt say so", "no"),
        ("initial-contact/danger", "as far as im aware no", "no"),
        ("initial-contact/danger", "no weapons as far as we know", "no"),
        # a yes hoped or believed is not known: it goes on the follow-up list
        ("record-check/findable", "i hope so", "unsure"),
        ("record-check/author-date", "should do", "unsure"),
        ("record-check/sharing", "i believe so", "unsure"),
        ("record-check/sharing", "yes", "yes"),
        # most of it is part still to do
        ("record-check/decisions", "mostly", "no"),
        ("record-check/decisions", "most of them", "no"),
        ("record-check/decisions", "all of them", "yes"),
    ],
)
def test_a_hedge_or_a_double_negative_is_read_as_meant(
    engine: Engine, at: dict[str, Conversation], where: str, said: str, outcome: str
) -> None:
    recorded, replies = _recorded(engine, at, where, said)
    assert recorded == [outcome], replies


@pytest.mark.parametrize(
    ("where", "said", "outcome"),
    [
        ("initial-contact/danger", "year", "yes"),  # "yeah", as a speech recogniser heard it
        ("referral/submitted", "year", "yes"),
        ("initial-contact/danger", "know", "no"),
    ],
)
def test_a_yes_or_no_heard_as_its_homophone(
    engine: Engine, at: dict[str, Conversation], where: str, said: str, outcome: str
) -> None:
    recorded, replies = _recorded(engine, at, where, said)
    assert recorded == [outcome], replies


def test_year_at_a_number_question_is_no_yes() -> None:
    """The twin elsewhere: "year 10" is a school year, "year" alone no age at all."""
    assert read_age("year 10").value == 14.0
    assert read_age("year").value is None


@pytest.mark.parametrize(
    ("where", "said", "outcome"),
    [
        # one child seen, the other not: part of it is still to do
        ("initial-contact/see-child", "one was seen alone the other wasnt", "no"),
        ("initial-contact/see-child", "one was seen alone, the other wasn't", "no"),
        ("initial-contact/da-children-seen", "one was seen alone, the other wasn't", "no"),
        ("record-check/child-voice", "the older one yes the younger one no", "no"),
        # spoken with no commas: "mum yes LA no" tells the parents but not the council
        ("child-in-custody/s136-told", "mum yes LA no", "no"),
        ("record-check/child-voice", "kids words yes mums views no", "no"),
        # twins: both done, or a no throughout, stay plain
        ("child-in-custody/s136-told", "parents told", "yes"),
        ("initial-contact/see-child", "yes seen both", "yes"),
        ("initial-contact/danger", "no the baby is not hurt", "no"),
        ("initial-contact/danger", "no not yet no", "no"),
    ],
)
def test_one_of_two_done_and_the_other_not_is_part_still_to_do(
    engine: Engine, at: dict[str, Conversation], where: str, said: str, outcome: str
) -> None:
    recorded, replies = _recorded(engine, at, where, said)
    assert recorded == [outcome], replies
    if outcome == "no" and "danger" not in where:
        assert "part of it is still to do" in replies


@pytest.mark.parametrize(
    ("where", "said", "card"),
    [
        ("referral/significant-harm", "what counts as significant harm?", "Section 47"),
        ("referral/significant-harm", "what counts as significant harm", "Section 47"),
        ("initial-contact/danger", "why do you need that?", "Child in immediate danger"),
        ("initial-contact/danger", "why are you asking", "Child in immediate danger"),
        ("initial-contact/danger", "why", "Child in immediate danger"),  # the command's own word
    ],
)
def test_a_question_asked_back_is_answered_and_answers_nothing(
    engine: Engine, at: dict[str, Conversation], where: str, said: str, card: str
) -> None:
    """'What counts as significant harm?' names the question's own words: it was taken as Yes,
    with the red flag. Asked back, a question gets guidance and the question again."""
    recorded, replies = _recorded(engine, at, where, said)
    assert recorded == [] and card in replies and "Back to your question" in replies, replies


@pytest.mark.parametrize(
    "said",
    ["significant harm, he has bruises", "yes significant harm", "it counts as significant harm"],
)
def test_the_questions_own_words_said_as_an_answer_still_answer(
    engine: Engine, at: dict[str, Conversation], said: str
) -> None:
    recorded, replies = _recorded(engine, at, "referral/significant-harm", said)
    assert recorded == ["yes"], replies


@pytest.mark.parametrize(
    ("said", "band"),
    [
        ("the older one is 15 the baby is 8 months", "12-to-17"),  # "one" is a child, not 1
        ("one of them is 15", "12-to-17"),
        ("flat 9 aged 15", "12-to-17"),  # the house number is no age
        ("lives at 14 acacia avenue, fifteen years old", "12-to-17"),
        ("15yo at 22 elm road", "12-to-17"),
        ("no one knows", "unsure"),  # nobody, never a 1-year-old
        # twins: an age said alone, or a number that is the age, still reads
        ("one", "under-10"),
        ("aged 9", "under-10"),
        ("9 lives at flat 15", "under-10"),
    ],
)
def test_an_age_is_the_number_said_as_an_age(
    engine: Engine, at: dict[str, Conversation], said: str, band: str
) -> None:
    recorded, replies = _recorded(engine, at, "child-in-custody/age", said)
    assert recorded == [band], replies


@pytest.mark.parametrize(
    ("where", "said", "band"),
    [
        ("missing-child/how-long", "since half past ten this morning", "under-a-day"),
        ("missing-child/how-long", "last seen half past nine last night", "one-to-three-days"),
        ("child-in-custody/s136-time", "since half past ten", "under-24-hours"),
    ],
)
def test_half_past_as_a_speech_recogniser_writes_it(
    engine: Engine, at: dict[str, Conversation], where: str, said: str, band: str
) -> None:
    recorded, replies = _recorded(engine, at, where, said)
    assert recorded == [band], replies
    assert ":30" in replies


@pytest.mark.parametrize(
    ("where", "said", "ticked"),
    [
        # a tick list read aloud: each option followed by its yes or no
        ("missing-child/risk-factors", "in care yes missing before no", ("in-care",)),
        ("record-check/fact-opinion", "facts yes opinions no", ("facts",)),
        ("record-check/fact-opinion", "opinions no facts yes", ("facts",)),
        ("initial-contact/advice", "sarge yes mash no", ("supervisor",)),
        # twins: the options named with no yes or no are all ticked
        ("missing-child/risk-factors", "in care, missing before", ("missing-before", "in-care")),
        ("initial-contact/advice", "told sarge and mash", ("supervisor", "specialist")),
    ],
)
def test_an_option_said_no_to_aloud_is_not_ticked(
    engine: Engine, at: dict[str, Conversation], where: str, said: str, ticked: tuple[str, ...]
) -> None:
    state, replies = _step(engine, at[where], said)
    assert state.pending == ticked, replies


@pytest.mark.parametrize(
    "said", ["none that im aware of", "not that im aware of", "none as far as im aware"]
)
def test_none_said_softly_is_none_of_these(
    engine: Engine, at: dict[str, Conversation], said: str
) -> None:
    recorded, replies = _recorded(engine, at, "missing-child/risk-factors", said)
    assert recorded == ["none"], replies


@pytest.mark.parametrize(
    ("said", "outcome"),
    [
        ("will go in end of shift", "yes"),  # this shift
        ("will go in", "yes"),
        ("going in this shift", "yes"),
        # twins: going in, but not this shift, is not yet
        ("will go in tomorrow", "no"),
        ("going in tomorrow", "no"),
        ("going in next shift", "no"),
        ("will go in when i get back", "no"),
    ],
)
def test_a_referral_going_in_this_shift_or_later(
    engine: Engine, at: dict[str, Conversation], said: str, outcome: str
) -> None:
    recorded, replies = _recorded(engine, at, "referral/submitted", said)
    assert recorded == [outcome], replies


@pytest.mark.parametrize("said", ["07700900123", "07700 900123", "12032011"])
def test_a_long_number_at_an_age_is_never_said_back(
    engine: Engine, at: dict[str, Conversation], said: str
) -> None:
    """A phone number typed at the age was said back as '7.7009e+09': personal data, mangled."""
    recorded, replies = _recorded(engine, at, "child-in-custody/age", said)
    assert recorded == [] and "That long number doesn't look right" in replies, replies
    assert "7700" not in replies and "900123" not in replies and "e+" not in replies


def test_a_short_number_out_of_range_is_said_back() -> None:
    """The twin: '200' as an age is said back, so the officer sees the slip."""
    assert read_age("200", least=0, most=120).retry == (
        "200 doesn't look right here: give the number in years."
    )


@pytest.mark.parametrize(
    ("where", "said", "outcome"),
    [
        ("initial-contact/record", "✅", "yes"),  # a tick is done
        ("initial-contact/record", "✔️", "yes"),
        ("initial-contact/record", "❌", "no"),
        ("missing-child/risk-factors", "❌", "none"),
        # twins: a thumbs up answers no question, and a tick says nothing of danger
        ("initial-contact/record", "👍", None),
        ("initial-contact/danger", "✅", None),
        ("initial-contact/danger", "👍🏽", None),
    ],
)
def test_a_reply_of_only_an_emoji_is_read_as_its_words(
    engine: Engine, at: dict[str, Conversation], where: str, said: str, outcome: str | None
) -> None:
    recorded, replies = _recorded(engine, at, where, said)
    assert recorded == ([outcome] if outcome else []), replies
    if outcome is None:
        assert "didn't catch" in replies


def test_a_thumbs_up_acknowledges_a_red_flag(engine: Engine, at: dict[str, Conversation]) -> None:
    state, _ = _step(engine, at["initial-contact/danger"], "yes")
    assert state.phase == "red_flag"
    state, replies = _step(engine, state, "👍")
    assert state.phase == "step" and state.step == "needs", replies


@pytest.mark.parametrize("said", ["ok", "OK THANKS", "done", "👍", "ta"])
def test_a_closing_word_at_the_menu_gets_a_word_back(
    engine: Engine, at: dict[str, Conversation], said: str
) -> None:
    """'ok', 'done' or a thumbs up after a summary got "I didn't catch that"."""
    state, replies = _step(engine, at["menu"], said)
    assert replies.startswith("No problem. Anything else?") and state.phase == "menu", replies
