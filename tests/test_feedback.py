"""Feedback on the guidance shown: Helpful, Not helpful or Wrong, then an optional comment.

The event names the knowledge entries rated (trainers read feedback per entry), and a comment
reaches it only scrubbed: no name, number or detail the officer typed survives.
"""

from __future__ import annotations

import json
import random

import pytest
from faker import Faker

from bot.engine import AUDIT_KINDS, AuditEvent, Engine
from bot.event_fields import COMMENT_FIELD, FEEDBACK_KIND, RATING_FIELD, RATINGS
from tests.test_leaks import _nhs_number
from tests.test_practice import RECORD_CHECK, Run, _record_check

SKIP = "feedback:skip"


def _feedback(run: Run) -> list[AuditEvent]:
    return [event for event in run.events if event.kind == FEEDBACK_KIND]


def test_the_kind_and_fields_are_the_ones_readers_import() -> None:
    assert FEEDBACK_KIND in AUDIT_KINDS
    assert {RATING_FIELD, COMMENT_FIELD} <= set(AuditEvent.__dataclass_fields__)
    assert RATINGS == ("helpful", "not_helpful", "wrong")


def test_feedback_on_a_question_names_it_and_logs_its_entries(engine: Engine) -> None:
    run = Run(engine)
    run.send("first contact")
    asked = run.send("feedback")
    assert asked.replies[-1].text.startswith("Feedback on the question ")
    assert [b.label for b in asked.replies[-1].buttons] == ["Helpful", "Not helpful", "Wrong"]
    commented = run.press("feedback:helpful")
    assert [b.value for b in commented.replies[-1].buttons] == [SKIP]
    back = run.press(SKIP)
    assert [r.text for r in back.replies[:2]] == [
        "Thanks: your feedback goes to the trainers who keep the guidance up to date.",
        "Back to your question:",
    ]
    assert run.state.phase == "step" and run.state.step == "danger"
    (event,) = _feedback(run)
    step = engine.flows["initial-contact"].step("danger")
    assert event.to_json() == {
        "kind": "feedback",
        "flow": "initial-contact",
        "step": "danger",
        "entries": list(step.knowledge),
        "rating": "helpful",
        "at": event.at,
        "run": 1,
        "seq": event.seq,
        "version": engine.version,
    }
    assert step.knowledge  # the question has guidance behind it, so the ids say what was rated


def test_feedback_after_a_card_rates_the_card(engine: Engine) -> None:
    run = Run(engine)
    run.send("ask how do i get a police protection order")
    card = run.state.guidance
    assert card is not None and card.cards and card.entries
    asked = run.send("feedback")
    title = engine.knowledge.get(card.entries[0]).title  # type: ignore[union-attr]
    assert asked.replies[-1].text == f"Feedback on the guidance '{title}': was it helpful?"
    run.send("wrong")
    run.send("skip")
    (event,) = _feedback(run)
    assert event.rating == "wrong" and event.entries == card.entries and event.flow is None
    assert run.said[-1] == "Anything else? Pick one:"


@pytest.mark.parametrize("seed", range(4))
def test_a_comment_is_kept_only_scrubbed(engine: Engine, seed: int) -> None:
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    details = [
        fake.name(),
        fake.postcode(),
        fake.phone_number(),
        fake.date_of_birth(minimum_age=1, maximum_age=17).strftime("%d/%m/%Y"),
        fake.email(),
        _nhs_number(random.Random(seed)),
    ]
    comment = (
        f"the strategy card missed {details[0]} born {details[3]} at {details[1]}, "
        f"mum on {details[2]} or {details[4]}, nhs {details[5]}"
    )
    run = Run(engine)
    run.send("record check")
    run.send("feedback")
    run.send("not helpful")
    run.send(comment)
    (event,) = _feedback(run)
    assert event.rating == "not_helpful"
    kept = event.comment
    assert kept is not None and kept.startswith("the strategy card missed […] born […] at […]")
    logged = json.dumps([e.to_json() for e in run.events]).lower()
    saved = json.dumps(run.state.to_json()).lower()
    for detail in details:
        assert detail.lower() not in logged and detail.lower() not in saved, detail
        for part in detail.lower().replace(",", " ").split():
            if len(part) > 2:
                assert f" {part} " not in f" {kept} ", part


def test_a_comment_of_nothing_but_details_is_left_out(engine: Engine) -> None:
    run = Run(engine)
    run.send("record check")
    for message in ("feedback", "3", "Zebedee Quigley-Ffoulkes 07700 900123"):
        run.send(message)
    (event,) = _feedback(run)
    assert event.rating == "wrong" and COMMENT_FIELD not in event.to_json()


def test_a_long_comment_is_cut_short(engine: Engine) -> None:
    run = Run(engine)
    run.send("record check")
    for message in ("feedback", "1", "the card is far too long " * 30):
        run.send(message)
    (event,) = _feedback(run)
    assert event.comment is not None and len(event.comment) <= 200
    assert event.comment.endswith("…")


def test_cancel_before_a_rating_sends_nothing(engine: Engine) -> None:
    run = Run(engine)
    run.send("first contact")
    run.send("feedback")
    left = run.send("cancel")
    assert left.replies[0].text == "No feedback sent."
    assert run.state.phase == "step" and run.state.feedback is None
    assert not _feedback(run)


def test_something_else_at_the_rating_asks_again(engine: Engine) -> None:
    run = Run(engine)
    run.send("first contact")
    run.send("feedback")
    again = run.send("it was a bit long")
    assert again.replies[0].text.startswith("Pick Helpful, Not helpful or Wrong")
    assert again.replies[0].buttons and run.state.feedback is not None


def test_another_command_mid_feedback_sends_the_rating_and_is_carried_out(engine: Engine) -> None:
    run = Run(engine)
    run.send("first contact")
    run.send("feedback")
    run.send("helpful")
    shown = run.send("summary")
    assert any(r.role == "summary" for r in shown.replies)
    (event,) = _feedback(run)
    assert event.rating == "helpful" and event.comment is None
    assert run.state.feedback is None


def test_danger_mid_feedback_protects_first_and_keeps_the_rating(engine: Engine) -> None:
    run = Run(engine)
    run.send("record check")
    run.send("feedback")
    run.send("wrong")
    told = run.send("dad has a knife to the child right now")
    assert any(r.role == "red_flag" for r in told.replies)
    (event,) = _feedback(run)
    assert event.rating == "wrong" and event.comment is None
    assert run.state.phase == "red_flag" and run.state.feedback is None


@pytest.mark.parametrize(
    "comment", ["the weapons card was out of date", "needs more on self harm and knives"]
)
def test_a_comment_about_danger_guidance_is_a_comment(engine: Engine, comment: str) -> None:
    run = Run(engine)
    run.send("first contact")
    run.send("feedback")
    run.send("not helpful")
    back = run.send(comment)
    assert not any(r.role == "red_flag" for r in back.replies)
    (event,) = _feedback(run)
    assert event.comment == comment and run.state.phase == "step"


def test_danger_told_as_now_in_a_comment_still_protects_first(engine: Engine) -> None:
    run = Run(engine)
    run.send("first contact")
    run.send("feedback")
    run.send("helpful")
    told = run.send("he has a knife to her throat right now")
    assert any(r.role == "red_flag" for r in told.replies)
    (event,) = _feedback(run)
    assert event.comment is None


def test_a_red_flag_comes_before_feedback(engine: Engine) -> None:
    run = Run(engine)
    run.send("first contact")
    run.send("yes")
    blocked = run.send("feedback")
    assert "Press Understood first" in blocked.replies[0].text
    assert run.state.feedback is None


def test_nothing_shown_yet_means_nothing_to_rate(engine: Engine) -> None:
    run = Run(engine)
    told = run.send("feedback")
    assert told.replies[0].text.startswith("There's nothing to give feedback on yet")
    assert run.state.feedback is None and not _feedback(run)


def test_feedback_at_the_end_of_a_flow_rates_its_last_question(engine: Engine) -> None:
    run = Run(engine)
    _record_check(run, RECORD_CHECK)
    assert run.state.phase == "ended"
    last = run.state.guidance
    assert last is not None and last.flow == "record-check" and not last.cards
    run.send("feedback")
    run.send("helpful")
    run.send("too short and missed the follow up")
    (event,) = _feedback(run)
    assert (event.flow, event.step, event.comment) == (
        "record-check",
        last.step,
        "too short and missed the follow up",
    )
    assert run.said[-1] == "Anything else? Pick one:"


def test_a_restart_mid_feedback_sends_the_rating_and_shows_the_question(engine: Engine) -> None:
    run = Run(engine)
    run.send("first contact")
    run.send("feedback")
    run.send("not helpful")
    resumed = engine.resume(run.state, run.now + 30)
    assert resumed.state.feedback is None
    assert [e.kind for e in resumed.audit] == ["feedback", "prompt_shown"]
    assert resumed.replies[-1].role == "question"


def test_feedback_in_practice_is_marked_practice(engine: Engine) -> None:
    run = Run(engine)
    run.send("practice")
    run.send("record check")
    run.send("feedback")
    run.send("helpful")
    run.send("skip")
    (event,) = _feedback(run)
    assert event.practice
