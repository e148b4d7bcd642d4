"""Danger now buried in a long handover, and the long handovers that tell of none.

Set ``ac`` (long end-of-job updates and shift handovers) showed the kinds tested here: an end
still being done or asked for ("we're getting them out now") read as the danger over; a voice
note's pause ("erm") not read as the start of a new statement; job words and figures of speech
read as danger ("an emergency placement", "fire the statement over", "the older girl", "my feet
are killing me"); and a bare word that describes rather than tells ("violent" given as a reason).
Each kind has its twins: the danger told, and the same told as over, elsewhere, denied, past or
asked about. The lines are written for these tests, in the kinds' words, not taken from a set.
"""

from __future__ import annotations

import pytest

from bot.engine._danger import LEARNT_FEWEST_WORDS, DangerCues

DANGER = DangerCues()


@pytest.mark.parametrize(
    ("said", "danger"),
    [
        # An end still being done or asked for: danger now.
        (
            "quick update, referral done and school told, also the flat below is on fire "
            "and we're getting the kids out now",
            True,
        ),
        (
            "forms all done, oh and the boy has just been pulled out of the pool, hes not "
            "breathing and we're doing rescue breaths",
            True,
        ),
        (
            "all the checks done and the nan spoken to, the uncle is in the kitchen waving a "
            "machete about, can you get us another unit",
            True,
        ),
        (
            "statements are in, the kitchen is on fire and staff are evacuating the little ones "
            "as we speak",
            True,
        ),
        # Its twins: the end done, the danger over.
        (
            "quick update, referral done and school told, the flat below was on fire but we got "
            "the kids out and the fire brigade have put it out, all safe",
            False,
        ),
        (
            "forms all done, the boy who went under in the pool was rescued, paramedics checked "
            "him over and hes fine",
            False,
        ),
    ],
)
def test_an_end_still_being_done_is_no_end(said: str, danger: bool) -> None:
    assert bool(DANGER.read(said)) is danger


@pytest.mark.parametrize(
    ("said", "danger"),
    [
        # A pause in a voice note starts the news: the "plan for" was said of something else.
        (
            "spoke to the social worker who is happy with the plan for the family erm the car "
            "on the drive is on fire and the kids are in the front room",
            True,
        ),
        # Its twin: the plan is for a fire that may come (hypothetical), said as one statement.
        (
            "spoke to the social worker about a safety plan for the family in case the car on "
            "the drive is set on fire again",
            False,
        ),
        # A filler inside a phrase still joins it: "last um year" is last year.
        ("he had a knife last um year but none since and hes in prison", False),
    ],
)
def test_a_pause_before_a_new_statement_starts_a_clause(said: str, danger: bool) -> None:
    assert bool(DANGER.read(said)) is danger


@pytest.mark.parametrize(
    ("said", "danger"),
    [
        # Job words and figures of speech in a long update: no danger.
        ("the older girl said she looks after her brother after school most days", False),
        ("emergency placement sorted with the foster carers for tonight, both kids settled", False),
        ("done the house to house, going to fire the statement over to the cps tonight", False),
        ("the fire safety team are fitting a letterbox guard tonight as a precaution", False),
        ("bleach and the tablets are now in a high cupboard with a lock on it", False),
        ("im gonna kill this paperwork before the end of the shift", False),
        ("my feet are killing me, been on them since six", False),
        ("the traffic is murder on the ring road, be there in ten", False),
        ("the lads new trainers are fire apparently and his band is called the knife edge", False),
        ("mum says shes dying to get the kids back to school after the holidays", False),
        ("the lad is 15 and watching his sister while mum pops to tesco", False),
        ("the boy says his teacher will literally kill him if he forgets his kit", False),
        # Their twins: the same words telling of danger now.
        ("hes got a knife and hes in tesco with the kids", True),
        ("the older brother says if she tells the teacher hell batter her", True),
        ("the olders have got the boy in a car and are driving off with him", True),
        ("emergency, the house is on fire and the baby is still inside", True),
        ("the toddler has got into the bleach under the sink and drunk some", True),
        ("hes saying hes going to kill her and the kids tonight", True),
        ("the lad has a knife to his brothers throat in the kitchen", True),
    ],
)
def test_job_words_and_figures_of_speech_are_not_danger(said: str, danger: bool) -> None:
    assert bool(DANGER.read(said)) is danger


@pytest.mark.parametrize(
    ("said", "danger"),
    [
        # A reason given at a question, not violence happening.
        ("yes its necessary, no other option - violent", False),
        # Its twin: violence told as it happens.
        ("hes getting violent with the kids now", True),
        ("dad has turned violent and is throwing things at the kids", True),
    ],
)
def test_a_bare_violent_is_a_description_not_violence_now(said: str, danger: bool) -> None:
    assert bool(DANGER.read(said)) is danger


@pytest.mark.parametrize(
    ("said", "danger"),
    [
        # A spoken "so" or "right" before a question: still a question about procedure.
        ("so is it still immediate danger if the dad is in custody and mum is worried", False),
        ("right is it an offence to leave a 12 year old home alone for an hour", False),
        # Its twin: danger told, then the question.
        ("so the dad is back and hes got a knife, is it still immediate danger", True),
    ],
)
def test_a_spoken_opener_does_not_hide_a_question(said: str, danger: bool) -> None:
    assert bool(DANGER.read(said)) is danger


@pytest.mark.parametrize(
    ("said", "danger"),
    [
        # Over: moved on, handed back, rehomed, locked away, turned out to be someone else.
        ("the ex turned up but hes been moved on and response are following him out", False),
        ("the toddler who was on the road has been handed back to his dad by a passer by", False),
        ("the dog went for the little one last month and its been rehomed since", False),
        ("dad has a sword collection in the loft but its locked away and he lives alone", False),
        (
            "the stranger talking to the kids at the park turned out to be a dad after his dog",
            False,
        ),
        # Their twins: the same danger told as now.
        ("the ex has turned up at the door and the kids are in the hallway", True),
        ("the toddler is wandering in the middle of the road on his own", True),
        ("the dog is attacking the little one in the garden", True),
        ("dad has got the sword down from the loft and is waving it at the kids", True),
    ],
)
def test_what_is_over_by_kind(said: str, danger: bool) -> None:
    assert bool(DANGER.read(said)) is danger


def test_a_few_words_of_household_are_never_danger_alone() -> None:
    """The learnt opinion raises danger from five words on: "kids in the house" tells of none."""
    assert LEARNT_FEWEST_WORDS == 5
    assert not DANGER.read("kids in the house")
    assert DANGER.read("kids in the house and hes got a gun")
