"""A long message is read like a short one: what it says, wherever it says it."""

from __future__ import annotations

import pytest

from bot.engine import Engine, Text, positions
from bot.engine._phrases import LONG_ANSWER

NOW = 1_800_000_000.0
FILLER = (
    "attended the address with my colleague after a call from the neighbour about shouting "
    "earlier in the evening and spoke to everyone present at some length about the history "
)


def _at(engine: Engine, name: str):  # type: ignore[no-untyped-def]
    return next(p.state for p in positions(engine.flows, now=NOW) if p.name == name)


def _long(said: str, *, before: int = 6, after: int = 6) -> str:
    text = " ".join([FILLER * before, said, FILLER * after])
    assert len(text.split()) > LONG_ANSWER
    return text


@pytest.mark.parametrize(
    ("place", "said"),
    [
        ("initial-contact/needs", "paramedics checked her, nan is with her, calmed her down"),
        ("initial-contact/needs", "paramedcs chekced her over and her nan is sat with her"),
        (
            "referral/content",
            "told them what happened, the risk from dad and that two kids live there",
        ),
        ("missing-child/status", "she has been found at her boyfriends flat"),
    ],
)
def test_a_long_answer_is_read_as_the_short_one_is(engine: Engine, place: str, said: str) -> None:
    state = _at(engine, place)
    short = engine.step(state, Text(said, NOW + 1))
    long = engine.step(state, Text(_long(said), NOW + 1))
    assert long.state.answers == short.state.answers
    assert long.state.pending == short.state.pending
    assert long.state.step == short.state.step


def test_a_long_message_at_the_menu_starts_the_flow_it_names(engine: Engine) -> None:
    state = engine.start(NOW).state
    result = engine.step(state, Text(_long("so i need to do a referral to the MASH"), NOW + 1))
    assert result.state.flow == "referral"


def test_a_telegram_length_message_is_read_at_every_position(engine: Engine) -> None:
    text = (FILLER * 40)[:4096]
    for place in positions(engine.flows, now=NOW):
        assert engine.step(place.state, Text(text, NOW + 1)).replies, place.name
