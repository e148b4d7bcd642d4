"""Guidance cards fit a phone screen, and 'more' shows what was cut to make them fit."""

from __future__ import annotations

import pytest

from bot.engine import Conversation, Engine, Text


def _said(result: tuple[object, ...]) -> str:
    return "\n".join(e.text for e in result.replies)


def test_a_card_cut_short_says_so_and_more_shows_every_point(engine: Engine) -> None:
    state = engine.start(now=0.0).state
    result = engine.step(state, Text("ask what are the police protection duties", 1.0))
    state = result.state
    entry = engine.knowledge.get(state.shown[0])
    assert entry is not None and len(entry.guidance) > 2
    assert "Say 'more' for the rest." in _said(result)
    result = engine.step(state, Text("more", 2.0))
    state = result.state
    said = _said(result)
    assert all(point in said for point in entry.guidance)
    assert all(question in said for question in entry.ask_yourself)
    assert "Ask yourself:" in said and "Sources:" in said
    assert [e.entries for e in result.audit if e.kind == "more_shown"]
    assert state.shown == (), "'more' is for the card just shown"


def test_why_names_the_cards_it_left_out_and_more_shows_them(engine: Engine) -> None:
    flow = next(f for f in engine.flows if any(len(s.knowledge) > 2 for s in f.spec.steps.values()))
    step_id = next(i for i, s in flow.spec.steps.items() if len(s.knowledge) > 2)
    state = Conversation(phase="step", flow=flow.id, step=step_id, expires_at=100.0)
    result = engine.step(state, Text("why", 1.0))
    state = result.state
    assert "more card(s) behind this question: say 'more'" in _said(result)
    result = engine.step(state, Text("more", 2.0))
    state = result.state
    for entry_id in flow.spec.steps[step_id].knowledge[2:]:
        entry = engine.knowledge.get(entry_id)
        assert entry is not None and f"{entry.title}, in full:" in _said(result)
    assert state.step == step_id, "back at the question after"


def test_more_with_nothing_cut_short_says_what_to_do(engine: Engine) -> None:
    state = engine.start(now=0.0).state
    result = engine.step(state, Text("more", 1.0))
    assert "nothing more to show" in _said(result)


def test_a_saved_state_from_before_more_is_read_with_nothing_shown() -> None:
    old = Conversation().to_json() | {"schema_version": 2}
    old.pop("shown")
    assert Conversation.from_json(old).shown == ()


@pytest.mark.parametrize(
    ("question", "must_show"),
    [
        ("can I force entry to take a child into police protection", "no power of entry"),
        ("how do I get a police protection order", "no 'police protection order'"),
        ("can the solicitor be the appropriate adult", "never a solicitor"),
        ("child has disclosed sexual abuse what do I do", "exact words"),
        ("is a 17 year old a child", "anyone under 18 is a child"),
        ("how long can a child be held on a section 136", "up to 24 hours"),
        ("can an 11 year old go to secure accommodation", "12 or over"),
        ("4 month old baby with a bruise", "paediatric assessment"),
    ],
)
def test_an_officers_question_is_answered_on_the_card_they_see(
    engine: Engine, question: str, must_show: str
) -> None:
    """What an officer must not miss is on the card itself, not behind 'more'."""
    state = engine.start(now=0.0).state
    result = engine.step(state, Text(f"ask {question}", 1.0))
    state = result.state
    said = _said(result)
    assert must_show.lower() in said.lower(), said
