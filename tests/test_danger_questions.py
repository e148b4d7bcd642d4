"""Danger told and then asked about, against the same words asked in general (issue 6).

Officers ask what to do with the danger in front of them: "is it s46 if the kids are locked in",
"can I arrest, he's in the bedroom with her", "how do I talk him down, he's got a blade". That is
danger now. The same words in a hypothetical, a past job, training or planning are not. Each kind
is tested with its twins: what is over, elsewhere, denied, past or hypothetical. Context reports
an officer gives at a question (a disclosure, a parent who will not come to custody, police
protection taken) are no danger now. A lone danger word a recogniser doubts is read back.

The detector is the shipped engine's (the shared start-up cache), so these tests build nothing.
"""

from __future__ import annotations

import numpy as np
import pytest

from bot.engine import Engine
from bot.voice._audio import encode_ogg
from bot.voice._domain import step_expected
from bot.voice._listen import OPEN_SURE, Listener
from bot.voice._speak import EspeakSpeaker
from tests.voice_fakes import HeardAs

TOLD_THEN_ASKED = {
    # "is it X if ..." with a present-tense premise about someone definite: the job in front of them
    "premise now": [
        "is it s46 if the toddler is locked in the shed and mums gone out",
        "does it count as s17 if we can hear him battering the boy",
        "is it a firearms job if hes got a rifle pointed at the kids",
    ],
    # an end the officer asks about has not happened: "can I arrest", "how do I talk him down"
    "end asked about": [
        "can I arrest, the sex offender is in the bedroom with the 6 year old right now",
        "hes got a blade to his wrist, how do I talk him down",
        "dads in the flat with the baby and hes banned from contact, can I move him on",
    ],
    # an end refused is no end
    "end refused": ["the boys been shut in the cupboard for days and mums refusing to unlock it"],
    # a threat reported with its own "if", then a question
    "threat reported with if": ["what do I do, dad says if we come in hell stab the baby"],
}

ASKED_NOT_TOLD = {
    "hypothetical": [
        "what if the toddler is locked in the shed when we go back tomorrow",
        "is it s46 if a kid is ever locked in a shed",
        "is it s46 if he comes back tonight and hits her",
        "what powers have I got if hes got a knife and wont let us in",
    ],
    "past": [
        "is it s46 if the toddler was locked in the shed last week",
        "how should I have recorded it when he pulled a knife on the kids last month",
    ],
    "in general": [
        "whats the threshold for a threat to kill charge? just revising",
        "what do I do if a parent hits a child in front of me? for training",
        "what are the signs of a head injury in a baby, for future reference",
    ],
    "over": [
        "can I close it, the knife has been seized and the kids are with nan",
        "the fights over and the lads have gone home, do I need to do anything",
        "he threatened to hurt himself and hes been sectioned, do I refer?",
    ],
    "denied": ["do I need to refer, no weapons and hes calm now"],
    "elsewhere": ["mum doesnt speak english, can I use her 12 yo to translate?"],
    "asked as the object of an end": ["do we seize the kitchen knives if we leave her there?"],
}

CONTEXT = {
    # police protection, said as the officer's own act, is no dangerous person
    "ppo as a verb": [
        "we ppo'd the baby last night",
        "had to ppo both kids, theyre at foster carers",
    ],
    # a parent who will not come to custody is nobody refusing to come in off a ledge
    "parent wont come in": ["17yo in custody, mum wont come in"],
    "taken into police protection": ["ppo taken on the toddler, hes at foster carers"],
}

CONTEXT_TWINS = [
    "the ppo subject is in the flat with the baby",  # the person, not the act
    "Yes - PPO in place but nan has just let the father in and hes upstairs with the baby",
    "hes on the ledge and wont come in",  # the ledge, not the station
]


@pytest.mark.parametrize(
    ("kind", "said"), [(kind, said) for kind, lines in TOLD_THEN_ASKED.items() for said in lines]
)
def test_danger_told_then_asked_about_is_danger(engine: Engine, kind: str, said: str) -> None:
    assert engine.danger.read(said), (kind, said)


@pytest.mark.parametrize(
    ("kind", "said"), [(kind, said) for kind, lines in ASKED_NOT_TOLD.items() for said in lines]
)
def test_the_same_words_asked_not_told_are_no_alarm(engine: Engine, kind: str, said: str) -> None:
    assert not engine.danger.read(said), (kind, said, engine.danger.read(said))


@pytest.mark.parametrize(
    ("kind", "said"), [(kind, said) for kind, lines in CONTEXT.items() for said in lines]
)
def test_context_at_a_question_is_no_alarm(engine: Engine, kind: str, said: str) -> None:
    assert not engine.danger.read(said), (kind, said, engine.danger.read(said))


@pytest.mark.parametrize("said", CONTEXT_TWINS)
def test_the_context_words_beside_danger_still_bring_it(engine: Engine, said: str) -> None:
    assert engine.danger.read(said), said


def test_a_told_premise_counts_only_after_asking_what_the_job_is(engine: Engine) -> None:
    # The same premise: told when the officer asks what the job is, asked when it is a case
    # ("what do I do if ..." plans for it); a word of time to come makes either a plan.
    assert engine.danger.read("is it s46 if hes got a knife to the babys throat")
    assert not engine.danger.read("what do I do if hes got a knife to the babys throat")
    assert not engine.danger.read("is it s46 if hes got a knife to the babys throat tomorrow")


def _note(text: str) -> bytes:
    """A short spoken note: the fake recogniser below decides what is heard in it."""
    samples, rate = EspeakSpeaker(voice="en+f2", words_per_minute=160, seed=11).synthesise(text)
    quiet = np.zeros(rate // 4, dtype=np.int16)
    return encode_ogg(np.concatenate([quiet, samples, quiet]), rate)


def test_a_lone_danger_word_a_recogniser_doubts_is_read_back(engine: Engine) -> None:
    # Noise decodes to "threat": protect-first raised silently on it would cry wolf, so it is
    # read back first ("I heard threat, is that right?"), and a Yes brings protect-first.
    where = step_expected(engine, "initial-contact", "context")
    doubted = OPEN_SURE / 2
    heard = Listener(engine, recogniser=HeardAs("threat", confidence=doubted)).hear(
        _note("threat"), where
    )
    assert (heard.text, heard.sure) == ("threat", False)
    # Heard with confidence, or told in words, danger goes straight to the engine as said.
    sure = Listener(engine, recogniser=HeardAs("threat", confidence=0.9)).hear(
        _note("threat"), where
    )
    assert (sure.text, sure.sure) == ("threat", True)
    told = "hes got a knife to the babys throat"
    clear = Listener(engine, recogniser=HeardAs(told, confidence=doubted)).hear(_note(told), where)
    assert (clear.text, clear.sure) == (told, True)
    assert engine.danger.read(told)
