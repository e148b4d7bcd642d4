"""Danger now told with the past in one message: records, bail, call-outs and how things stand.

Officers tell what is on the system and what is happening in front of them together: "history
of DA, he's at the door screaming he'll do her", "kid pulled out the canal, was reported misper
yesterday, he's not breathing". The present part decides: a cue told in the present fires
however much history stands before or after it, and the history alone does not. Each kind is
tested with its twins: the same history with the danger over, elsewhere, denied, past or
hypothetical is no alarm (language/en/danger.yaml, the section "History and the present").

The detector is the shipped engine's (the shared start-up cache), so these tests build nothing.
"""

from __future__ import annotations

import pytest

from bot.engine import Engine, positions, protects_first

TOLD_NOW_WITH_HISTORY = {
    # a record in a clause of its own, before or after a clause told in the present
    "record before": [
        "history of DA, hes at the door screaming hell do her",
        "previous neglect, the toddler is on the open window ledge",
    ],
    "record after": [
        "hes got a knife to her throat, previous DV at the address",
        "toddler alone in the flat with the front door open, seen before on the system",
    ],
    # a record is about another time whatever the cue's tense: read as the cue alone (a deed
    # told bare in the past is an account for violence, "dad hit mum, previous DV", but not for
    # a child's medical emergency)
    "record beside a cue in the past": ["mum took an overdose, previous DV"],
    # a time in a clause of its own dates that clause, not a cue told in the present
    "time in another clause": [
        "kid pulled out the canal, was reported misper yesterday, hes not breathing",
        "school referral about bruising last term, now theres smashing and screaming",
    ],
    # a record describing the one who acts, before a verb of the present tense
    "record of the one who acts": ["the 11yo known for firesetting has set his bedroom on fire"],
    # after a threat on record, the one who made it coming now
    "coming now after a record": [
        "previous threats to burn the house down, hes just phoned and said hes on his way",
    ],
    # a voice note: the record opens a statement of its own though no comma marks it
    "record in a voice note": [
        "flames coming from the flat kids at the window cant get out previous call here last month",
    ],
    # left before is a record, not the one left having gone
    "left before": [
        "the 3yo is alone in the house with the bath running, shes been left before",
        "the 5yo is alone in the flat with the gas on, previous neglect",
    ],
    # an arrest dated in its own clause is a record, not an end of what is going on now
    "arrest on record after": [
        "hes currently kicking the boy, dad was arrested last year for assaulting him",
    ],
    # a place named after the cue is no label ("train station" is not "training")
    "a place after the cue": ["a young girl, maybe 5, on her own at the train station at 2am"],
}

HISTORY_ALONE_OR_OVER = {
    "history alone": ["history of DA at the address, previous threats to kill"],
    "over": [
        "history of DA, the knife has been seized and hes in custody",
        "threatened to burn the house down last year, hes in prison now",
        "the 3yo was left alone in the bath last year, shes with nan now",
        "he hit her, he was arrested last night",
    ],
    "elsewhere": ["previous DV at the address, the fight is at a different address"],
    "denied": ["history of DA, no weapons in the house and hes calm"],
    # the time in the cue's own clause, or a clause of the time alone, still dates it
    "past": [
        "history of DA, he hit her last week",
        "dad hit her, last week",
        "lad says hes been beaten up before, but not for a year",
        "the 11yo known for firesetting set his bedroom on fire last year",
        "kids were at the window last month no previous calls",
        # a season or a visit gone by
        "the 5yo left alone with the gas on was last winter",
    ],
    "hypothetical": ["history of DA, what if he comes back with a knife"],
    "label": ["self harm training today"],
}


@pytest.mark.parametrize(
    ("kind", "said"),
    [(kind, said) for kind, lines in TOLD_NOW_WITH_HISTORY.items() for said in lines],
)
def test_danger_told_now_beside_history_is_danger(engine: Engine, kind: str, said: str) -> None:
    assert engine.danger.read(said), (kind, said)


@pytest.mark.parametrize(
    ("kind", "said"),
    [(kind, said) for kind, lines in HISTORY_ALONE_OR_OVER.items() for said in lines],
)
def test_history_alone_or_with_the_danger_ended_is_no_alarm(
    engine: Engine, kind: str, said: str
) -> None:
    assert not engine.danger.read(said), (kind, said, engine.danger.read(said))


def test_the_present_part_decides_at_every_question(engine: Engine) -> None:
    # The same record, with danger now and with the danger over, at the menu and at every
    # question of every flow: protect-first for the one, never for the other.
    now = 1_700_000_100.0
    told = "previous neglect, the toddler is on the open window ledge"
    over = "history of DA, the knife has been seized and hes in custody"
    every = positions(engine.flows)
    assert [p.name for p in every if not protects_first(engine, p, told, now)] == []
    assert [p.name for p in every if protects_first(engine, p, over, now)] == []
