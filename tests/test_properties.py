"""Properties that hold for any message at any point: Hypothesis writes the messages.

The goldens fix what the bot says to messages someone thought of; these tests send messages no
one thought of (any Unicode, half-words, numbers in odd forms, button values from elsewhere) at
every state the goldens reach, and check what must always hold: a step never raises, nothing
the officer typed reaches the state or an audit event, and only digits and number words are
ever read as numbers.
"""

from __future__ import annotations

import json
import os
import string
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import Press, Text, replay
from bot.engine._numbers import read_age, read_hours, read_number
from bot.engine._state import Conversation
from bot.engine._words import words
from bot.language import english, read_yaml
from tests.conftest import shipped_engine

GOLDENS = sorted((Path(__file__).resolve().parent / "conversations").glob("*.yaml"))
NOW = 1_700_000_000.0
MARKER = "Zqxvyb"
"""A name no flow, entry or id holds: where it shows in a state or event, typed text leaked."""

EXAMPLES = settings(
    max_examples=int(os.environ.get("GUIDEBOT_PROPERTY_EXAMPLES", "250")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
"""250 messages per property in CI; set GUIDEBOT_PROPERTY_EXAMPLES higher for a long hunt."""


@dataclass(frozen=True)
class Reached:
    """A state a golden conversation reached, as saved, and the buttons then on screen."""

    saved: str
    buttons: tuple[str, ...]


_engine = shipped_engine


@cache
def _reached() -> tuple[Reached, ...]:
    """Every distinct state the goldens pass through, with the button values on offer."""
    seen: dict[str, Reached] = {}
    for path in GOLDENS:
        for result in replay(_engine(), read_yaml(path.read_text(encoding="utf-8"))):
            buttons = tuple(b.value for reply in result.replies for b in reply.buttons)
            seen.setdefault(result.state_json, Reached(result.state_json, buttons))
    return tuple(seen.values())


@cache
def _vocabulary() -> tuple[str, ...]:
    """Words the bot reads for meaning: answers, commands, numbers, danger cues, negation."""
    pack = english()
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.update(w for w in words(value).split() if w.isalpha())
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif hasattr(value, "model_dump"):
            walk(value.model_dump())

    walk(pack)
    return tuple(sorted(found))


def _sentences() -> st.SearchStrategy[str]:
    """Officer-like messages: the bot's own words in any order, a name, digits and odd numbers."""
    piece = st.one_of(
        st.sampled_from(_vocabulary()),
        st.just(MARKER),
        st.integers(min_value=-5, max_value=3000).map(str),
        st.sampled_from(["nan", "inf", "1e309", "3.5", "15½", "1 6", "0", "½", "٣", "１６"]),
        st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=8),
    )
    separator = st.sampled_from([" ", ", ", ". ", "? ", " - ", "! ", ": ", "\n"])
    return st.lists(st.tuples(piece, separator), min_size=1, max_size=25).map(
        lambda parts: "".join(p + s for p, s in parts).strip()
    )


MESSAGES = st.one_of(_sentences(), st.text(max_size=300), st.text(max_size=4096).map(str.upper))


def _leaked(result_state: Conversation, events: tuple[object, ...]) -> list[str]:
    saved = json.dumps(result_state.to_json()).lower()
    logged = [json.dumps(event.to_json()).lower() for event in events]  # type: ignore[attr-defined]
    marker = MARKER.lower()
    return (["the state"] if marker in saved else []) + [
        "an audit event" for line in logged if marker in line
    ]


@EXAMPLES
@given(at=st.data(), said=MESSAGES)
def test_any_text_at_any_state_is_answered_and_never_kept(at: st.DataObject, said: str) -> None:
    reached = at.draw(st.sampled_from(_reached()), label="state")
    said = at.draw(st.sampled_from([said, f"{said} {MARKER}", f"{MARKER} {said}"]), label="text")
    state = Conversation.from_json(json.loads(reached.saved))
    result = _engine().step(state, Text(said, NOW))
    new_state = result.state
    replies = list(result.replies)
    events = result.audit
    assert replies, "the officer always gets an answer"
    assert not _leaked(new_state, events), f"typed text reached {_leaked(new_state, events)}"
    Conversation.from_json(json.loads(json.dumps(new_state.to_json())))  # it saves and reloads


@EXAMPLES
@given(at=st.data())
def test_any_press_at_any_state_is_answered(at: st.DataObject) -> None:
    """A press from this screen, from another screen (a stale keyboard) or made up."""
    reached = at.draw(st.sampled_from(_reached()), label="state")
    anywhere = sorted({value for r in _reached() for value in r.buttons})
    value = at.draw(
        st.one_of(
            st.sampled_from(reached.buttons or ("menu",)),
            st.sampled_from(anywhere),
            st.text(max_size=64),
        ),
        label="press",
    )
    state = Conversation.from_json(json.loads(reached.saved))
    result = _engine().step(state, Press(value, NOW))
    new_state = result.state
    assert result.replies, "the officer always gets an answer"
    Conversation.from_json(json.loads(json.dumps(new_state.to_json())))


# --- numbers -------------------------------------------------------------------------------


@cache
def _number_words() -> frozenset[str]:
    """Every word numbers.yaml gives a meaning to ("fifteen", "half", "teatime", "yesterday")."""
    return frozenset(w for w in _vocabulary_of(english().numbers.model_dump()) if w.isalpha()) | {
        "a",
        "an",
    }


def _vocabulary_of(value: object) -> set[str]:
    if isinstance(value, str):
        return set(words(value).split())
    if isinstance(value, dict):
        return set().union(*map(_vocabulary_of, value.keys()), *map(_vocabulary_of, value.values()))
    if isinstance(value, list | tuple):
        return set().union(*map(_vocabulary_of, value))
    return set()


def _no_number_in(text: str) -> bool:
    plain = unicodedata.normalize("NFKC", text)
    heard = words(text)  # reads number words as digits: "ONE" is "1"
    return not any(ch.isdigit() for ch in plain + heard) and not (
        set(heard.split()) & _number_words()
    )


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(categories=["L", "Nl", "P", "Zs"]), max_size=40))
def test_no_word_without_a_digit_or_number_word_is_a_number(said: str) -> None:
    if not _no_number_in(said):
        return
    assert read_number(said) in (None, "unsure"), said
    assert read_age(said, NOW).value in (None, "unsure"), said
    assert not isinstance(read_hours(said, NOW), float), said


@pytest.mark.parametrize("said", ["nan", "NaN", "inf", "-inf", "infinity", "1e309", "nan says"])
def test_float_spellings_are_words(said: str) -> None:
    """Python's float() reads these; an officer means a grandmother, or nothing."""
    assert read_number(said) is None
    assert read_age(said, NOW).value is None


@pytest.mark.parametrize(
    ("said", "years"), [("3.5", 3.5), ("15½", 15.5), ("½", 0.5), ("1 6", 16), ("one six", 16)]
)
def test_decimals_and_fractions_are_not_digits_said_apart(said: str, years: float) -> None:
    """'3.5' is three and a half; only two digits said apart ('1 6') join into one number."""
    assert read_age(said, NOW).value == years
