"""What the engine hands a channel: structured replies, and audit events fit for a log."""

from __future__ import annotations

import json
from pathlib import Path

from bot.engine import (
    AUDIT_KINDS,
    Conversation,
    Engine,
    Press,
    Start,
    Text,
    Tick,
    render_summary,
    replay,
    speakable,
)
from bot.language import read_yaml

GOLDENS = sorted((Path(__file__).resolve().parent / "conversations").glob("*.yaml"))
T0 = 1_800_000_000.0


def test_each_reply_says_what_it_is_and_which_question_it_belongs_to(engine: Engine) -> None:
    opened = engine.start(T0)
    assert [r.role for r in opened.replies] == ["question"]
    started = engine.step(opened.state, Text("first contact", T0 + 1))
    question = started.replies[-1]
    assert question.role == "question" and question.step == "danger" and question.buttons
    answered = engine.step(started.state, Text("yes", T0 + 2))
    roles = [r.role for r in answered.replies]
    assert roles[0] == "echo" and answered.replies[0].step == "danger"
    assert set(roles[1:]) == {"red_flag"}
    assert answered.replies[-1].buttons[0].label == "Understood"


def test_a_guidance_card_and_a_summary_come_as_data(engine: Engine) -> None:
    state = engine.start(T0).state
    asked = engine.step(state, Text("ask how do i get a police protection order", T0 + 1))
    cards = [r for r in asked.replies if r.role == "card"]
    assert cards and all(r.card is not None for r in cards)
    card = cards[0].card
    assert card is not None and card.entry == asked.state.shown[0]
    assert card.title and card.summary and card.points and card.sources and card.cut_short
    state = engine.step(asked.state, Text("record check", T0 + 2)).state
    summary = engine.step(state, Text("summary", T0 + 3)).replies
    shown = next(r for r in summary if r.role == "summary")
    assert shown.summary is not None and shown.copyable
    assert shown.text == render_summary(shown.summary)
    assert shown.summary.title == "Record check" and not shown.summary.final
    assert shown.summary.sources and shown.summary.note.startswith("No personal details")


def test_every_reply_has_a_plain_text_to_read_aloud(engine: Engine) -> None:
    for path in GOLDENS:
        for result in replay(engine, read_yaml(path.read_text(encoding="utf-8"))):
            for reply in result.replies:
                spoken = reply.speech
                assert spoken, f"{path.stem} turn {result.number}: nothing to say"
                for symbol in ("§", "•", "[1]", "\n"):
                    assert symbol not in spoken, f"{path.stem} turn {result.number}: {spoken!r}"
                for button in reply.buttons:
                    assert button.label in spoken


def test_speech_reads_sections_and_options_as_words() -> None:
    assert speakable("Police protection (Children Act 1989 s46). See 001 §1.") == (
        "Police protection (Children Act 1989 section 46). See 001 section 1."
    )
    assert speakable("Still to do:\n- First.\n- Second") == "Still to do: First. Second"


def test_danger_in_any_reading_of_a_voice_note_protects_first(engine: Engine) -> None:
    state = engine.start(T0).state
    state = engine.step(state, Text("first contact", T0 + 1)).state
    state = engine.step(state, Text("no", T0 + 2)).state
    assert state.step == "needs"
    misheard = Text(
        "he's got a life and the kids are in the front room",
        T0 + 3,
        via="voice",
        alternatives=("he's got a knife and the kids are in the front room",),
        confidence=0.41,
    )
    result = engine.step(state, misheard)
    assert result.state.phase == "red_flag"
    assert any(r.text.startswith("RED FLAG: Child in danger now") for r in result.replies)
    assert [e.kind for e in result.audit][:1] == ["danger_now"]


def test_a_timer_tick_closes_an_idle_conversation_and_tells_the_officer(engine: Engine) -> None:
    state = engine.start(T0).state
    state = engine.step(state, Text("missing child", T0 + 1)).state
    early = engine.step(state, Tick(T0 + 60))
    assert early.state == state and early.replies == () and early.audit == ()
    late = engine.step(state, Tick(T0 + 1 + engine.idle_seconds + 1))
    assert late.state.phase == "expired"
    assert late.replies and [e.kind for e in late.audit] == ["expired"]
    assert engine.step(engine.start(T0).state, Tick(T0 + 99_999)).replies == ()


def test_audit_events_are_numbered_timed_and_versioned_for_the_log(engine: Engine) -> None:
    results = replay(engine, read_yaml((GOLDENS[0].parent / "record-check.full.yaml").read_text()))
    events = [e for result in results for e in result.events]
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert {e.version for e in events} == {engine.version} and len(engine.version) == 12
    for result in results:
        times = {e.at for e in result.events}
        assert len(times) <= 1, "every event of a turn carries that turn's time"
    started = [e for e in events if e.kind == "flow_started"]
    assert started and started[0].run == 1
    assert all(e.run == 0 for e in events[: events.index(started[0])])
    answers = [e for e in events if e.kind == "answer"]
    assert answers and all(e.step_seconds == 20.0 for e in answers), "goldens answer every 20 s"
    assert all(e.kind in AUDIT_KINDS for e in events)


def test_runs_and_sequence_carry_on_across_a_return_to_the_menu(engine: Engine) -> None:
    state = engine.start(T0).state
    kinds: list[tuple[str, int, int]] = []
    for number, said in enumerate(["record check", "menu", "missing child"], start=1):
        result = engine.step(state, Text(said, T0 + number))
        kinds += [(e.kind, e.run, e.seq) for e in result.audit]
        state = result.state
    runs = [run for kind, run, _ in kinds if kind == "flow_started"]
    assert runs == [1, 2]
    seqs = [seq for _, _, seq in kinds]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert state.run == 2 and state.seq == seqs[-1]


def test_back_says_which_answer_it_withdrew(engine: Engine) -> None:
    state = engine.start(T0).state
    state = engine.step(state, Text("record check", T0 + 1)).state
    state = engine.step(state, Text("no", T0 + 2)).state
    result = engine.step(state, Text("back", T0 + 3))
    back = next(e for e in result.audit if e.kind == "back")
    assert back.step == "urgent" and back.withdrawn == "no"
    assert "withdrawn" in back.to_json() and "at" in back.to_json()


def test_a_press_and_a_start_are_stamped_too(engine: Engine) -> None:
    state = engine.start(T0).state
    pressed = engine.step(state, Press("record-check", T0 + 1))
    assert pressed.audit and all(e.at == T0 + 1 for e in pressed.audit)
    restarted = engine.step(pressed.state, Start(T0 + 2))
    assert all(e.seq > pressed.audit[-1].seq for e in restarted.audit)


def test_a_version_3_state_is_upgraded_with_its_log_counters_at_zero() -> None:
    saved = {"schema_version": 3, "phase": "menu", "expires_at": 5.0, "shown": []}
    state = Conversation.from_json(json.loads(json.dumps(saved)))
    assert (state.run, state.seq, state.asked_at) == (0, 0, None)
