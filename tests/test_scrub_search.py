"""An unmatched question reaches the audit log scrubbed, and a matched one not at all.

The engine scrubs before it builds the ``search`` event (see ``bot/engine/_kept.py``), so the
tests read the events the engine hands back: no other copy of the question exists to check.
"""

from __future__ import annotations

import json
import random

import pytest
from faker import Faker

from bot.engine import QUESTION_FIELD as ENGINE_QUESTION_FIELD
from bot.engine import AuditEvent, Conversation, Engine, Text, leaks, replay
from bot.event_fields import QUESTION_FIELD
from bot.scrub import GAP
from tests.test_leaks import _nhs_number

T0 = 1_800_000_000.0


def _searches(engine: Engine, state: Conversation, message: str) -> list[AuditEvent]:
    result = engine.step(state, Text(message, T0 + 1))
    return [event for event in result.audit if event.kind == "search"]


def _fake_person(seed: int) -> dict[str, str]:
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    return {
        "name": fake.name(),
        "postcode": fake.postcode(),
        "phone": fake.phone_number(),
        "date of birth": fake.date_of_birth(minimum_age=1, maximum_age=17).strftime("%d/%m/%Y"),
        "email": fake.email(),
        "nhs number": _nhs_number(random.Random(seed)),
    }


def test_the_field_name_is_one_constant_that_the_event_has() -> None:
    assert QUESTION_FIELD == ENGINE_QUESTION_FIELD == "question"
    assert QUESTION_FIELD in AuditEvent.__dataclass_fields__


@pytest.mark.parametrize("seed", range(6))
def test_an_unmatched_question_keeps_its_words_and_loses_every_detail(
    engine: Engine, seed: int
) -> None:
    person = _fake_person(seed)
    message = (
        f"ask can the mash strategy lend a canoe to {person['name']} born {person['date of birth']}"
        f" at {person['postcode']}, phone {person['phone']}, email {person['email']},"
        f" nhs {person['nhs number']}"
    )
    searches = _searches(engine, engine.start(T0).state, message)
    assert [event.status for event in searches] == ["none"]
    kept = searches[0].to_json()[QUESTION_FIELD]
    # "mash" and "strategy" are the knowledge base's words; the NHS number goes with its cue.
    assert kept.startswith("can the mash strategy lend a canoe to […] born […]"), kept
    assert kept.endswith("phone […], email […], […]") or kept.endswith("email […]"), kept
    line = json.dumps(searches[0].to_json()).lower()
    for detail in person.values():
        assert detail.lower() not in line, detail
        for part in detail.split():
            if len(part) > 2 and part.lower() not in ("nhs",):
                assert f" {part.lower()} " not in f" {kept} ", part


def test_an_unmatched_question_at_a_step_is_scrubbed_too(engine: Engine) -> None:
    state = engine.step(engine.start(T0).state, Text("first contact", T0)).state
    searches = _searches(engine, state, "can Mrs Okonkwo-Barnes lend us her canoe?")
    assert searches[0].status == "none"
    assert searches[0].question == "can […] lend us her canoe?"  # "Mrs" goes with the name


def test_a_matched_question_keeps_no_text_at_all(engine: Engine) -> None:
    searches = _searches(
        engine, engine.start(T0).state, "ask how do i get a police protection order"
    )
    assert searches and searches[0].status != "none" and searches[0].entries
    assert searches[0].question is None
    assert QUESTION_FIELD not in searches[0].to_json()


def test_a_question_of_nothing_but_details_keeps_nothing(engine: Engine) -> None:
    searches = _searches(
        engine, engine.start(T0).state, "ask Zebedee Quigley-Ffoulkes 07700 900123?"
    )
    assert searches[0].status == "none"
    assert searches[0].question is None
    assert GAP not in json.dumps(searches[0].to_json(), ensure_ascii=False)


def test_the_golden_leak_check_allows_a_question_kept_whole_by_the_scrub(engine: Engine) -> None:
    turn = {"text": "ask can the gliding club lend a canoe to the mash"}
    results = replay(engine, {"turns": [turn]})
    (search,) = [e for e in results[1].events if e.kind == "search"]
    assert search.question == "can the gliding club lend a canoe to the mash"
    assert leaks(turn, results[1]) == []
