"""Harm told as an account, questions with danger in them, and regional words (issue 6).

Read sets ``af`` (questions and hypotheticals) and ``ag`` (regional English and street words)
showed the kinds tested here, and officers' reviews the first: a deed told as done or as a habit
("he hits her", "shes disclosed her stepdad hits her", "dad slapped him, lives with mum") with
nothing of now in the message is an account for a referral, not violence going on; the same
deed with a word of now, told as going on, or by someone still there is danger. Questions: an
apology's "if" is no hypothetical ("sorry if this is a silly one but ..."), a threat's own
condition may hold a negation ("if she doesnt open up hell kill the baby"), an end the officer
asks which to do ("arrest or remove first?") has not happened, a danger word asked and answered
"no" is denied, and "its not a toy" denies the everyday reading. Regional and street words: a
man named by what he was done for, bins "set going" against a house, a child alone where trains
run or lost on the moors, a child held "as payback", a grandparent picking a child up, a brother
"trapping" (dealing) and a football shirt. Every kind has its twins; the lines are written for
these tests, not taken from any set. The detector is the shipped engine's (the shared start-up
cache), so these tests build nothing.
"""

from __future__ import annotations

import pytest

from bot.engine import Engine

TOLD_AS_DONE = {
    # a disclosure: what the child said was done, at a question about harm or in a referral
    "disclosed": [
        "shes disclosed her stepdad hits her",
        "the boy says his brother punched him at school",
    ],
    # a habit or a past deed, with no word of now anywhere
    "habit or past": [
        "he hits her",
        "dad slapped him, lives with mum and his sister",
        "used to keep a blade years back",
    ],
}

TOLD_AS_NOW = {
    # the same deeds with a word of now, told as going on, or by someone still there
    "now": [
        "he hits her and hes in the house with her now",
        "she says he hit her and hes in the kitchen now",
        "the nine year old says dads hitting him right now",
    ],
    "going on": ["hes hitting her"],
    "still there": ["stepdad punched the boy, hes still here shouting"],
    # a deed that tells who is there now, not what was done
    "describing who is there": ["we've a dog thats bitten a kid loose in the flat with a toddler"],
}

QUESTIONS = {
    "an apology's if": [
        "sorry if this is a silly one but hes waving a machete and the kids are behind him,"
        " what first?"
    ],
    "a threat's own condition": ["hes shouting if she doesnt open up hell kill the baby, what now"],
    "which end to take, asked": [
        "the registered sex offender is in the bedroom with the 7 year old now, arrest or remove"
        " first?"
    ],
    "asked and answered yes": ["kidnapped? yes, a man bundled her into a van"],
    "the everyday reading denied": [
        "its not a toy, its a real gun and hes pointing it at the kids",
    ],
}

QUESTIONS_TWINS = {
    "asked and answered no": ["kidnapped? no, she was at her nans"],
    "denied before the condition": ["he says he wont hurt her if she comes home"],
    "hypothetical": ["what if he pulls a knife when we go back tomorrow"],
    "over": ["knife seized and bagged, do we need to refer?"],
    "elsewhere": ["the fire is next door, empty house, the kids are with us, do I refer?"],
    "the everyday reading": [
        "its a toy gun, not a real one",
        "mum says ill kill him when he wont tidy his room, just a saying",
    ],
}

REGIONAL = {
    # the same words beside danger: a child unfed and shut in, a laptop used to hit
    "shut-in": [
        "the 6 year old is locked in the cupboard for punishment and has gone quiet",
        "the boy is locked in the shed and hasnt had tea for days",
    ],
    "violence-now": ["hes smashing the laptop over her head"],
    "dangerous-person": [
        "the lads sister is with the fella who was done for gbh on a child, theyre in his flat now"
    ],
    "fire": [
        "they've set the bins going against the back door and the kids are asleep upstairs",
        "yes still in there, smokes black and pouring out",
    ],
    "alone-danger": [
        "the 4 year old is alone on the platform edge",
        "toddler's wandered off on the moors and the fog is coming in",
        "baby alone in the flat since mums been arrested",
    ],
    "abduction": ["they're holding the young lad in a flat as payback for what his brother owes"],
    "self-harm": ["the 15 year old is leaning out over the motorway from the footbridge"],
}

REGIONAL_TWINS = {
    "a football shirt": ["the lads gone blue, chelsea top, over the moon"],
    # teen talk and drill lyrics, said to be so; a game; a parent's sanction; the office's things
    "said to be talk": [
        "she says shell kill herself if she misses the bus, just teen talk",
        "his bars are about shanking the opps, its just drill talk",
    ],
    "good at a game": ["our kids a proper weapon on the playstation"],
    "a sanction": ["mams threatening to ground her for a week"],
    "the office": ["im gonna strangle this photocopier"],
    "a threat to set fire, over": [
        "he said hed burn the house down but hes been sectioned and the kids are with nan"
    ],
    "fed": ["the 10 year old says hes starving, hes had his tea though"],
    "a cellar locked for the damp": ["cellar padlocked cos of the damp, nothing down there"],
    "dealing, on county lines": ["her brothers been trapping for years"],
    "a grandparent's care": ["picked up by her nan and put in the car after school"],
}


def _lines(table: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(kind, said) for kind, lines in table.items() for said in lines]


@pytest.mark.parametrize(("kind", "said"), _lines(TOLD_AS_DONE))
def test_a_deed_told_as_done_or_a_habit_is_no_danger_now(
    engine: Engine, kind: str, said: str
) -> None:
    reading = engine.danger.read(said)
    assert not reading, (kind, said, reading)


@pytest.mark.parametrize(("kind", "said"), _lines(TOLD_AS_NOW))
def test_the_same_deed_told_as_now_is_danger(engine: Engine, kind: str, said: str) -> None:
    assert "violence-now" in engine.danger.read(said).kinds, (kind, said)


@pytest.mark.parametrize(("kind", "said"), _lines(QUESTIONS))
def test_danger_in_a_question_is_danger(engine: Engine, kind: str, said: str) -> None:
    assert engine.danger.read(said), (kind, said)


@pytest.mark.parametrize(("kind", "said"), _lines(QUESTIONS_TWINS))
def test_the_same_words_denied_over_or_asked_are_no_alarm(
    engine: Engine, kind: str, said: str
) -> None:
    reading = engine.danger.read(said)
    assert not reading, (kind, said, reading)


@pytest.mark.parametrize(("kind", "said"), _lines(REGIONAL))
def test_regional_and_street_words_for_danger_bring_their_kind(
    engine: Engine, kind: str, said: str
) -> None:
    assert kind in engine.danger.read(said).kinds, (kind, said)


@pytest.mark.parametrize(("kind", "said"), _lines(REGIONAL_TWINS))
def test_the_same_words_in_everyday_use_are_no_alarm(engine: Engine, kind: str, said: str) -> None:
    reading = engine.danger.read(said)
    assert not reading, (kind, said, reading)
