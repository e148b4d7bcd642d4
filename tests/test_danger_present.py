"""History and the present in one message, told as other writers tell it.

A past time or a record beside danger now dated the danger when it was of something else: a
time compared with ("out on the road again, like last month"), a time naming a thing ("the lad
from last night's job"), a record in a clause of its own ("previous for it"), a record holding
a word that sounds like an end ("known for living in it"). A clause opened by a verb's "ing"
("cutting her arms") is told as going on. After violence or a threat told as past, the one who
did it arriving now in a sentence of its own is danger now; an end told in a sentence of its
own after the danger ends it, unless it is only tried ("staff attempting to cut it off").

Each kind has its twins: the same words with the danger over, elsewhere, denied, past or
hypothetical are no alarm. The detector is the shipped engine's (the shared start-up cache).
"""

from __future__ import annotations

import pytest

from bot.engine import Engine, positions, protects_first

TOLD_NOW = {
    # a time compared with, or said to have been so then too, is the time before
    "compared with a time before": [
        "the 5 year old is out on the dual carriageway again, like last month",
        "shes climbed out onto the garage roof at the same spot as last time, 6 year old",
        "baby left in the car outside the bookies, dad did this at christmas too",
    ],
    # a time naming a thing dates the thing
    "a time naming a thing": ["the lad from last nights job is stood on the bridge railings"],
    # a clause opened by a verb's "ing" is told as going on
    "a clause opened by doing": [
        "was in care last year, cutting her arms with a razor in the toilets",
    ],
    # a record alone in its clause is a record, never the cue's date
    "a record alone in its clause": [
        "mum out drinking, previous for it, 2 year old on his own in the flat",
    ],
    # the one who threatened, arriving now in a sentence of its own
    "arriving in a sentence of its own": [
        "she told us on monday he threatened to stab her. hes just turned up at the house",
    ],
    # a weapon on record, in hand now in a sentence of its own
    "a weapon on record in hand now": [
        "intel says he has a machete. hes in the garden waving it about, kids at the window",
    ],
    # a child protection plan's word for the one it protects from
    "the named risk arriving": ["on a CP plan, the named risk has just pulled up outside"],
    # nobody with the child is the child alone, not a denial
    "nobody with the child": [
        "nobody is with the toddler, hes alone in the flat",
        "no adult with the baby, hes on his own in the car",
    ],
    # a word of an end inside a record ends nothing now
    "an end inside a record": [
        "flat fire, family known for living in the one room, baby still inside",
    ],
    # an end only tried is no end
    "an end tried": [
        "hes got a knife in his coat. officers trying to take it off him",
        "shes got a cord round her neck in the toilets, staff attempting to cut it off",
    ],
}

# An end missing from a kind's own list, a service's name read as a plea, a disclosure's
# "being" read as going on: each with the danger told now as its twin.
ENDS_AND_NAMES = {
    "passed": (
        "the 9 year old had an asthma attack at school but its passed and shes with her mum",
        "the 9 year old is having an asthma attack and cant get her breath",
    ),
    "awake and talking": (
        "the 14 year old was knocked out in the fight, hes awake and talking now",
        "the 14 year old was knocked out in the fight and is still not responding",
    ),
    "taken by the paramedics": (
        "the baby was fitting but the paramedics have taken him",
        "the baby is fitting, ambulance on the way",
    ),
    "a service named help": (
        "family known to early help, now closed",
        "need help now, hes got a knife and the kids are here",
    ),
    "a disclosure of being harmed": (
        "boy disclosed being punched by his stepdad last month, hes at school today",
        "boy says hes being punched by his stepdad right now",
    ),
}

NO_ALARM = {
    "over": [
        "5 year old wandered onto the dual carriageway, just like last month, nan has him now"
        " and hes safe",
        "the lad from last nights job was on the bridge railings last night, hes home with mum now",
        "wrists cut with a razor last year, doing well now",
        "mum out drinking, previous for it, 2 year old was on his own in the flat but nan is"
        " with him now",
        "she told us on monday he threatened to stab her. he is in custody",
        "intel says he has a machete. it was seized last night and hes in custody",
        "on a CP plan, the named risk is in prison",
        "nobody was with the toddler, he was alone in the flat, nan is with him now",
        "flat fire, baby got out, family known for living in the one room",
        # an end in a sentence of its own
        "he carries a knife in his coat. we have taken it off him and hes in the van",
        "she had a cord round her neck in the toilets, its been cut off, shes talking now",
    ],
    "elsewhere": [
        "she told us on monday he threatened to stab her. she is at her sisters in leeds now",
        "mum out drinking, previous for it, 2 year old is with his dad",
    ],
    "denied": [
        "the 5 year old is not on the dual carriageway, that was last month",
        "the toddler is not alone, nan is with him",
    ],
    "past": [
        "the 5 year old was on the dual carriageway last month",
        "was in care last year, was cutting her arms back then",
        # "like" as a hedge, not a comparison: the time is the cue's own
        "the fit was like weeks ago shes fine now",
        # a time naming the cue right before it still dates it
        "officers writing up last nights fire now",
    ],
    "hypothetical": [
        "what if he gets onto the dual carriageway like last month",
        "what if nobody is with the toddler and hes alone",
    ],
}


@pytest.mark.parametrize(
    ("kind", "said"), [(kind, said) for kind, lines in TOLD_NOW.items() for said in lines]
)
def test_the_present_beside_history_is_danger(engine: Engine, kind: str, said: str) -> None:
    assert engine.danger.read(said), (kind, said)


@pytest.mark.parametrize(
    ("kind", "said"), [(kind, said) for kind, lines in NO_ALARM.items() for said in lines]
)
def test_the_same_history_with_no_danger_now_is_no_alarm(
    engine: Engine, kind: str, said: str
) -> None:
    assert not engine.danger.read(said), (kind, said, engine.danger.read(said))


def test_a_time_compared_with_at_every_question(engine: Engine) -> None:
    # The same comparison, with the child on the road now and with the child safe, at the menu
    # and at every question of every flow: protect-first for the one, never for the other.
    now = 1_700_000_100.0
    told = TOLD_NOW["compared with a time before"][0]
    over = NO_ALARM["over"][0]
    every = positions(engine.flows)
    assert [p.name for p in every if not protects_first(engine, p, told, now)] == []
    assert [p.name for p in every if protects_first(engine, p, over, now)] == []


@pytest.mark.parametrize("kind", list(ENDS_AND_NAMES))
def test_an_end_or_a_name_is_no_alarm_and_its_twin_told_now_is(engine: Engine, kind: str) -> None:
    ended, told = ENDS_AND_NAMES[kind]
    assert not engine.danger.read(ended), (kind, ended, engine.danger.read(ended))
    assert engine.danger.read(told), (kind, told)


# Words missing from the kinds' own lists, met in set `an` (read): tablets eaten, as a toddler
# does, a child going sleepy after them, and a child being flown out as it is told. Each with
# its twins: the same words over, denied, past, hypothetical or everyday.
MISSING_WORDS = {
    "tablets eaten": (
        [
            "the 2 year old has eaten a strip of nans blood pressure pills",
            "toddler ate some of mums tablets, shes going sleepy on us",
        ],
        [
            "2yo ate some of mums tablets yesterday, checked at hospital, fine now",
            "no tablets eaten, all accounted for in the blister pack",
            "the toddler is going sleepy, its way past his bedtime",
        ],
    ),
    "flown out as it is told": (
        [
            "dad is boarding a plane with his son as we speak, no consent",
            "mum is getting on a plane with the baby at manchester now, order in place",
        ],
        [
            "he boarded a plane with his son last year, both back since",
            "if dad gets on a plane with the kids what can we actually do",
            "family on holiday, kids got on a plane with mum last week, all agreed",
        ],
    ),
}


@pytest.mark.parametrize("kind", list(MISSING_WORDS))
def test_words_missing_from_a_kind_are_danger_and_their_twins_are_not(
    engine: Engine, kind: str
) -> None:
    told, twins = MISSING_WORDS[kind]
    assert [said for said in told if not engine.danger.read(said)] == [], kind
    assert [said for said in twins if engine.danger.read(said)] == [], kind
