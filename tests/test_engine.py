"""The step function: state, red flags, the everywhere-words, expiry, privacy and determinism.

Driven through the shipped flows, with the state saved to JSON and loaded back after every step
as a restart would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.engine import (
    AUDIT_KINDS,
    STATE_SCHEMA_VERSION,
    Answer,
    AuditEvent,
    Conversation,
    Engine,
    FlowSet,
    Press,
    RaisedFlag,
    Reply,
    Start,
    StateError,
    StepResult,
    Text,
    compile_flows,
    replay,
)
from bot.engine import _state as state_module
from bot.engine._steps import skip_refusal
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.knowledge._normalise import english_words
from bot.language import read_yaml

T0 = 1_700_000_000.0


@dataclass
class Chat:
    """Drives an engine like a channel would, reloading the state from JSON every turn."""

    engine: Engine
    now: float = T0
    state: Conversation = field(init=False)
    replies: list[Reply] = field(default_factory=list)
    events: list[AuditEvent] = field(default_factory=list)

    def __post_init__(self) -> None:
        result = self.engine.start(self.now)
        self.state = result.state
        self._keep(result)

    def _keep(self, result: StepResult) -> None:
        self.replies = list(result.replies)
        self.events = list(result.audit)

    def send(self, text: str, after: float = 10) -> str:
        return self._step(Text(text, self.now + after))

    def press(self, value: str, after: float = 10) -> str:
        return self._step(Press(value, self.now + after))

    def _step(self, event: Text | Press | Start) -> str:
        self.now = event.now
        self.state = Conversation.from_json(json.loads(json.dumps(self.state.to_json())))
        result = self.engine.step(self.state, event)
        self.state = result.state
        self._keep(result)
        return "\n".join(reply.text for reply in self.replies)

    @property
    def kinds(self) -> list[str]:
        return [event.kind for event in self.events]

    @property
    def buttons(self) -> list[str]:
        return [button.label for button in self.replies[-1].buttons]


def _to_needs(chat: Chat) -> None:
    chat.send("first contact")
    chat.send("no")
    assert chat.state.step == "needs"


def test_the_menu_offers_the_five_flows(engine: Engine) -> None:
    chat = Chat(engine)
    assert chat.replies[0].text == "What do you need help with?"
    assert chat.buttons == [
        "First contact",
        "Referral",
        "Missing child",
        "Child in custody",
        "Record check",
    ]
    assert chat.state.phase == "menu"


def test_the_issue_example_prompts_for_a_safe_adult(engine: Engine) -> None:
    chat = Chat(engine)
    _to_needs(chat)
    said = chat.send("he has a cut on his arm and is crying, mum is drunk")
    # Describing the injury and the tears is not having dealt with them.
    assert said.startswith(
        "You've described a need for medical care and reassurance, but not what's been done."
    )
    assert chat.buttons == ["Done", "Not yet"]
    assert chat.state.pending == ()
    said = chat.send("first aid done, nan is on her way")
    assert said.startswith("Taken as done: medical care.")
    assert chat.state.pending == ("medical-care",)
    chat.send("mum is here but shes drunk")
    answer = chat.state.answer_to("needs")
    assert answer is not None and answer.outstanding == ("reassurance", "safe-adult")
    assert answer.outcome == "partial" and answer.covered == ("medical-care",)


def test_state_and_audit_never_hold_the_officers_words(engine: Engine) -> None:
    chat = Chat(engine)
    _to_needs(chat)
    secret = "cut on jaydens arm at 14 acacia avenue"
    chat.send(secret)
    assert "jayden" not in json.dumps(chat.state.to_json())
    assert all("jayden" not in json.dumps(e.to_json()) for e in chat.events)
    chat.send("ask what should i do about jaydens nan")
    search = [e for e in chat.events if e.kind == "search"]
    assert search and search[0].status in ("confident", "ambiguous", "none")
    assert "jayden" not in json.dumps(search[0].to_json())


def test_a_red_flag_cannot_be_bypassed(engine: Engine) -> None:
    chat = Chat(engine)
    chat.send("first contact")
    said = chat.send("yes")
    assert "RED FLAG: Child in danger now.\nProtect the child first" in said
    assert chat.buttons == ["Understood"]
    for attempt, reply in (
        (
            "back",
            "Press Understood first (protect the child first), then say 'back' to change "
            "your answer.",
        ),
        (
            "skip",
            "A safety prompt can't be skipped. Press Understood first (protect the child "
            "first), then carry on.",
        ),
        (
            "menu",
            "Press Understood first (protect the child first), then say 'menu'. To stop "
            "now, say 'cancel': the red flag stays on the summary.",
        ),
        (
            "ask what is s46",
            "Press Understood first (protect the child first), then ask your question again.",
        ),
        (
            "why",
            "Press Understood first (protect the child first), then say 'why' for the "
            "guidance behind the question.",
        ),
    ):
        chat.send(attempt)
        assert chat.replies[0].text == reply
        assert chat.replies[1].text.startswith("RED FLAG: Child in danger now.")
        assert chat.kinds == ["red_flag_blocked"]
        assert chat.state.phase == "red_flag"
    assert chat.engine.step(chat.state, Start(chat.now + 1)).state.phase == "red_flag"
    chat.send("what")
    assert chat.replies[0].text.startswith("I didn't catch that. Press Understood")
    chat.send("help")
    assert chat.state.phase == "red_flag"
    chat.send("understood")
    assert chat.kinds[0] == "red_flag_acknowledged"
    assert chat.state.step == "needs"


def _raise_danger_flag(chat: Chat) -> None:
    chat.send("first contact")
    chat.send("yes")
    assert chat.state.phase == "red_flag" and chat.state.unacknowledged


def test_back_after_cancel_shows_the_waiting_red_flag_first(engine: Engine) -> None:
    chat = Chat(engine)
    _raise_danger_flag(chat)
    chat.send("cancel")
    assert chat.state.phase == "ended"
    said = chat.send("back")
    assert said.startswith("RED FLAG: Child in danger now.")
    assert chat.state.phase == "red_flag" and chat.buttons == ["Understood"]
    chat.send("no")
    assert chat.state.phase == "red_flag", "a question's answer must not pass the red flag"
    chat.press("ack")
    assert chat.state.phase == "step" and chat.state.step == "danger"
    assert chat.state.red_flags[0].acknowledged
    # Answering again does not raise an acknowledged flag a second time.
    chat.send("yes")
    assert chat.state.step == "needs" and len(chat.state.red_flags) == 1


def test_back_after_expiry_and_summary_shows_the_waiting_red_flag_first(engine: Engine) -> None:
    chat = Chat(engine)
    _raise_danger_flag(chat)
    chat.send("anything", after=31 * 60)
    assert chat.state.phase == "expired"
    assert "Child in danger now (NOT acknowledged)" in chat.press("summary")
    said = chat.send("back")
    assert said.startswith("RED FLAG: Child in danger now.")
    assert chat.state.phase == "red_flag"
    chat.send("no")
    assert chat.state.phase == "red_flag"


def test_a_saved_step_with_a_waiting_red_flag_shows_the_flag_first(engine: Engine) -> None:
    # A state saved by an older guidebot: in a step, with a red flag nobody acknowledged.
    saved = Conversation(
        phase="step",
        flow="initial-contact",
        step="needs",
        answers=(Answer("danger", "yes"),),
        red_flags=(RaisedFlag("child-in-danger", "danger"),),
        expires_at=T0 + 600,
    )
    result = engine.resume(saved, T0 + 60)
    state = result.state
    texts = [e.text for e in result.replies]
    assert texts[0] == "Picking up where you left off: Child at risk: first contact."
    assert texts[1].startswith("RED FLAG: Child in danger now.")
    assert state.phase == "red_flag" and state.resume == "needs"
    result = engine.step(saved, Text("cut on arm, crying", T0 + 60))
    state = result.state
    texts = [e.text for e in result.replies]
    assert texts[0].startswith("RED FLAG: Child in danger now.")
    assert state.phase == "red_flag" and state.answers == saved.answers
    state = engine.step(state, Press("ack", T0 + 70)).state
    assert state.phase == "step" and state.step == "needs"


def test_a_fresh_start_mid_flow_shows_the_summary_first(engine: Engine) -> None:
    chat = Chat(engine)
    _to_needs(chat)
    said = chat._step(Start(chat.now + 5))
    assert said.startswith("Stopped. Here is what you covered:")
    assert said.endswith("What do you need help with?")
    assert chat.state.phase == "ended"


def test_cancel_during_a_red_flag_keeps_it_on_the_summary(engine: Engine) -> None:
    chat = Chat(engine)
    chat.send("first contact")
    chat.send("not sure")
    said = chat.send("cancel")
    assert "- Child in danger now (NOT acknowledged)" in said
    cancelled = [e for e in chat.events if e.kind == "cancelled"]
    assert cancelled[0].red_flags == ("child-in-danger",)
    assert chat.state.phase == "ended"
    assert chat.state.red_flags[0].acknowledged is False


def test_back_undoes_the_last_answer_and_at_the_first_goes_back_to_the_menu(
    engine: Engine,
) -> None:
    chat = Chat(engine)
    chat.send("first contact")
    assert chat.send("back").startswith("Back to the menu: nothing was answered yet.")
    assert chat.state.phase == "ended" and len(chat.buttons) == len(engine.flows)
    assert "cancelled" in chat.kinds
    chat.send("first contact")
    _ = chat.send("no")
    chat.send("first aid, calmed him")
    assert chat.state.pending == ("medical-care", "reassurance")
    chat.send("back")
    assert chat.state.step == "needs" and chat.state.pending is None
    chat.send("back")
    assert chat.state.step == "danger" and chat.state.answers == ()


def test_skip_only_where_the_step_allows_it(engine: Engine) -> None:
    chat = Chat(engine)
    chat.send("first contact")
    said = chat.send("skip")
    assert said.startswith("This one can't be skipped")
    assert chat.kinds[0] == "skip_refused" and chat.state.step == "danger"
    chat = Chat(engine)
    chat.send("referral")
    for answer in ("no", "not yet", "not yet", "yes", "none", "yes"):
        chat.send(answer)
    assert chat.state.step == "sharing"
    assert "Skip" in chat.buttons
    chat.send("skip")
    assert chat.state.answer_to("sharing").outcome == "skipped"  # type: ignore[union-attr]
    assert "- Information shared with partners (skipped)" in chat.send("summary")


def test_ask_and_help_keep_the_officers_place(engine: Engine) -> None:
    chat = Chat(engine)
    _to_needs(chat)
    before = chat.state
    said = chat.send("ask what is a ppo")
    assert "(Source: " in said and said.endswith(
        "What immediate needs have you dealt with so far? A few words is fine."
    )
    assert chat.state.step == before.step and chat.state.answers == before.answers
    said = chat.send("what's a strat?")
    assert "search" in chat.kinds and chat.state.step == "needs"
    said = chat.send("help")
    assert said.startswith("Answer with a button or type it your way.")


def test_an_unreadable_answer_lists_the_options(engine: Engine) -> None:
    chat = Chat(engine)
    chat.send("first contact")
    said = chat.send("purple")
    assert said.startswith("I didn't catch that. Choose: 'Yes'; 'No'; 'Not sure'.")
    assert chat.kinds[0] == "not_understood"
    said = chat.press("next")
    assert said.startswith("That button belongs to an earlier question.")


def test_an_old_button_at_a_question_in_words_says_to_answer_it(engine: Engine) -> None:
    chat = Chat(engine)
    _to_needs(chat)
    said = chat.press("yes")
    assert said.startswith("That button belongs to an earlier question. Answer this one:")
    assert "Choose: ." not in said


def test_idle_conversations_expire_even_after_a_restart(engine: Engine) -> None:
    chat = Chat(engine)
    _to_needs(chat)
    saved = json.dumps(chat.state.to_json())
    restored = Conversation.from_json(json.loads(saved))
    assert engine.is_expired(restored, chat.now + 30 * 60 + 1)
    assert not engine.is_expired(restored, chat.now + 30 * 60 - 1)
    said = chat.send("cut on arm", after=31 * 60)
    assert said == (
        "This conversation was idle for over 30 minutes, so it has closed. Start again, or see "
        "the summary of what you covered?"
    )
    assert chat.buttons == ["Start again", "Summary"]
    assert chat.kinds == ["expired"]
    said = chat.press("summary")
    assert said.startswith("Summary: Child at risk: first contact (so far)")
    assert chat.state.phase == "ended"


def test_the_idle_limit_is_configurable(flows: FlowSet, knowledge: KnowledgeBase) -> None:
    chat = Chat(Engine(flows, knowledge, idle_seconds=60))
    chat.send("first contact")
    assert "idle for over 1 minutes" in chat.send("yes", after=61)
    with pytest.raises(ValueError, match="idle_seconds must be more than zero"):
        Engine(flows, knowledge, idle_seconds=0)


def test_resume_picks_up_or_reports_expiry(engine: Engine) -> None:
    chat = Chat(engine)
    _to_needs(chat)
    result = engine.resume(chat.state, chat.now + 60)
    state = result.state
    texts = [e.text for e in result.replies]
    assert texts[0] == "Picking up where you left off: Child at risk: first contact."
    assert state.step == "needs"
    result = engine.resume(chat.state, chat.now + 3600)
    state = result.state
    assert state.phase == "expired"


def test_a_state_from_changed_flows_starts_again(engine: Engine) -> None:
    stale = Conversation(phase="step", flow="initial-contact", step="gone", expires_at=T0 + 100)
    result = engine.step(stale, Text("yes", T0))
    state = result.state
    texts = [e.text for e in result.replies]
    assert texts[0].startswith("The guidance has been updated since this conversation began")
    assert state.phase == "menu"


def test_the_same_events_always_give_the_same_replies(engine: Engine) -> None:
    def run() -> list[str]:
        chat = Chat(engine)
        out = []
        for text in (
            "misper",
            "still missing",
            "3 hours",
            "no",
            "none",
            "medium",
            "none",
            "no",
            "yes",
        ):
            out.append(chat.send(text))
        return out

    assert run() == run()


def test_every_audit_event_kind_is_declared(engine: Engine) -> None:
    chat = Chat(engine)
    seen = set(chat.kinds)
    for text in (
        "first contact",
        "yes",
        "back",
        "ok",
        "cut",
        "not yet",
        "why",
        "summary",
        "skip",
        "ask s46",
        "purple",
        "cancel",
    ):
        chat.send(text)
        seen |= set(chat.kinds)
    assert seen <= set(AUDIT_KINDS)


def test_done_vouches_for_points_but_raises_no_red_flag_tied_to_one(
    knowledge: KnowledgeBase,
) -> None:
    text = """
schema_version: 1
id: weapons
title: "Weapons check"
menu_label: "Weapons"
stage: initial-contact
start: what
sources: ["001 §1"]
red_flags:
  weapon:
    title: "Weapon mentioned"
    prompt: "Make the scene safe first."
steps:
  what:
    kind: text
    ask: "What did you find?"
    items:
      - {id: knife, label: "A knife", phrases: [knife, blade], prompt: "Check for blades."}
      - {id: phone, label: "A phone", phrases: [phone], prompt: "Check for phones."}
    red_flags: [{flag: weapon, when: [knife]}]
    next: end
"""
    chat = Chat(Engine(compile_flows({"conversations/weapons.yaml": text}, knowledge), knowledge))
    chat.send("1")
    chat.send("a phone")
    chat.press("done")
    assert chat.state.phase == "ended" and chat.state.red_flags == ()
    chat.press("menu")
    chat.send("1")
    assert "RED FLAG: Weapon mentioned" in chat.send("found a blade and a phone")


# --- saved state -----------------------------------------------------------------------------


def test_state_round_trips_through_json(engine: Engine) -> None:
    chat = Chat(engine)
    _to_needs(chat)
    chat.send("first aid and calmed him")
    data = chat.state.to_json()
    assert data["schema_version"] == STATE_SCHEMA_VERSION
    assert Conversation.from_json(json.loads(json.dumps(data))) == chat.state


@pytest.mark.parametrize(
    ("saved", "message"),
    [
        ([], "This is not a saved guidebot conversation. Start a fresh one with 'menu'."),
        (
            {"phase": "menu"},
            "This is not a saved guidebot conversation. Start a fresh one with 'menu'.",
        ),
        (
            {"schema_version": 7},
            "The saved conversation comes from a newer guidebot (version 7; this one reads up "
            f"to {STATE_SCHEMA_VERSION}). Update guidebot, or start a fresh one with 'menu'.",
        ),
        (
            {"schema_version": 0},
            "The saved conversation comes from an older guidebot (version 0) that this one "
            "cannot upgrade. Start a fresh one with 'menu'.",
        ),
        (
            {"schema_version": "1"},
            "The saved conversation has version '1', which guidebot cannot read. Start a fresh "
            "one with 'menu'.",
        ),
        (
            {"schema_version": 1, "phase": "dancing", "expires_at": 0},
            "The saved conversation is damaged (unknown phase 'dancing'). Start a fresh one with "
            "'menu'.",
        ),
        (
            {"schema_version": 2, "expires_at": 0},
            "The saved conversation is damaged ('phase' is missing). Start a fresh one with "
            "'menu'.",
        ),
        (
            {"schema_version": 2, "phase": "menu", "expires_at": 0, "note": "Jayden, 12 Elm Rd"},
            "The saved conversation is damaged ('note' is not part of a saved conversation). "
            "Start a fresh one with 'menu'.",
        ),
        (
            {
                "schema_version": 2,
                "phase": "step",
                "expires_at": "soon",
                "answers": [{"step": "needs", "outcome": "some", "covered": "first aid"}],
                "red_flags": [{"flag": "child-in-danger", "step": "danger", "said": "help"}],
            },
            "The saved conversation is damaged ('answers' item 1 'covered' must be a list; "
            "'red_flags' item 1 'said' is not part of a saved conversation; 'expires_at' must "
            "be a number). Start a fresh one with 'menu'.",
        ),
    ],
)
def test_unreadable_state_is_refused_with_a_clear_message(saved: object, message: str) -> None:
    with pytest.raises(StateError) as caught:
        Conversation.from_json(saved)
    assert str(caught.value) == message


def test_a_version_1_state_is_read_with_no_misses() -> None:
    saved = {
        "schema_version": 1,
        "phase": "step",
        "flow": "initial-contact",
        "step": "needs",
        "answers": [{"step": "danger", "outcome": "no"}],
        "expires_at": T0,
    }
    state = Conversation.from_json(saved)
    assert state.misses == 0 and state.schema_version == STATE_SCHEMA_VERSION
    assert state.answers == (Answer("danger", "no"),)
    assert state.to_json()["schema_version"] == STATE_SCHEMA_VERSION


def test_a_state_is_changed_only_by_copying_and_only_in_its_own_fields() -> None:
    state = Conversation(expires_at=T0)
    moved = state.with_changes(phase="step", flow="referral", step="content")
    assert (state.phase, moved.phase, moved.step) == ("menu", "step", "content")
    with pytest.raises(TypeError, match="a conversation has no field phse"):
        state.with_changes(phse="step")
    with pytest.raises(ValidationError):
        state.phase = "step"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        Answer("danger", 3)  # type: ignore[arg-type]


def test_older_state_is_upgraded_one_version_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    def rename_stage(data: dict) -> dict:  # type: ignore[type-arg]
        data["phase"] = data.pop("stage")
        return data

    monkeypatch.setattr(state_module, "STATE_SCHEMA_VERSION", 2)
    monkeypatch.setitem(state_module.MIGRATIONS, 1, rename_stage)
    old = {"schema_version": 1, "stage": "menu", "expires_at": 5.0}
    upgraded = Conversation.from_json(old)
    assert upgraded.phase == "menu" and upgraded.schema_version == 2


# --- saved state that no longer fits the flows ------------------------------------------------

OUTDATED = "The guidance has been updated since this conversation began; starting again."


def _saved(**fields: object) -> Conversation:
    base: dict[str, object] = {
        "phase": "step",
        "flow": "initial-contact",
        "step": "needs",
        "answers": (Answer("danger", "no"),),
        "expires_at": T0 + 600,
    }
    base.update(fields)
    return Conversation(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "stale",
    [
        _saved(flow="a-removed-flow"),
        _saved(step="a-removed-step"),
        _saved(answers=(Answer("a-removed-step", "yes"),)),
        _saved(answers=(Answer("danger", "a-removed-answer"),)),
        _saved(step="history", answers=(Answer("context", "a-removed-option"),)),
        _saved(step="see-child", answers=(Answer("needs", "partial", covered=("gone",)),)),
        _saved(pending=("a-removed-point",)),
        _saved(phase="red_flag", step="danger", resume="needs"),
        _saved(
            phase="red_flag",
            step="danger",
            red_flags=(RaisedFlag("child-in-danger", "danger"),),
            resume="a-removed-step",
        ),
        _saved(red_flags=(RaisedFlag("a-removed-flag", "danger", True),)),
        _saved(phase="ended", ended="cancelled", answers=(Answer("a-removed-step", "yes"),)),
        _saved(phase="expired", answers=(Answer("danger", "a-removed-answer"),)),
    ],
    ids=[
        "flow",
        "step",
        "answered-step",
        "confirm-answer",
        "choice-option",
        "point-covered",
        "point-pending",
        "red-flag-phase-without-a-flag",
        "resume-target",
        "red-flag-id",
        "ended-summary",
        "expired-summary",
    ],
)
def test_a_saved_state_that_no_longer_fits_the_flows_starts_again(
    engine: Engine, stale: Conversation
) -> None:
    for event in (Text("summary", T0 + 10), Text("back", T0 + 10), Press("summary", T0 + 10)):
        result = engine.step(stale, event)
        state = result.state
        texts = [e.text for e in result.replies]
        assert texts == [OUTDATED, "What do you need help with?"]
        assert state.phase == "menu" and state.answers == ()
        assert "state_outdated" in [e.kind for e in result.audit]
    result = engine.resume(stale, T0 + 10)
    state = result.state
    assert next(e.text for e in result.replies) == OUTDATED
    assert state.phase == "menu"
    result = engine.step(stale, Start(T0 + 10))
    state = result.state
    assert next(e.text for e in result.replies) == OUTDATED


def test_a_saved_state_that_fits_is_not_restarted(engine: Engine) -> None:
    result = engine.step(_saved(), Text("summary", T0 + 10))
    state = result.state
    assert state.step == "needs"
    assert next(e.text for e in result.replies).startswith("Summary:")


def test_reopening_an_expired_conversation_offers_the_choice_again(engine: Engine) -> None:
    chat = Chat(engine)
    _to_needs(chat)
    chat.send("cut", after=31 * 60)
    assert chat.state.phase == "expired"
    result = engine.resume(chat.state, chat.now + 3600)
    state = result.state
    replies = list(result.replies)
    assert replies[0].text.startswith("This conversation was idle for over 30 minutes")
    assert [b.label for b in replies[0].buttons] == ["Start again", "Summary"]
    assert "Picking up" not in replies[0].text
    result = engine.step(state, Press("summary", chat.now + 3610))
    state = result.state
    replies = list(result.replies)
    assert replies[0].text.startswith("Summary: Child at risk: first contact (so far)")
    assert state.phase == "ended"


# --- no I/O inside a step ---------------------------------------------------------------------


def test_building_an_engine_loads_what_a_step_would_otherwise_load(flows: FlowSet) -> None:
    english_words.cache_clear()
    base = load_knowledge()
    assert "matcher" not in vars(base)
    Engine(flows, base)
    assert english_words.cache_info().currsize == 1, "the word list typo-mending uses"
    assert "matcher" in vars(base), "the matcher 'ask' uses"


# --- wording ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "step", "refusal"),
    [
        ([], "danger", "If you don't know, say 'not sure'."),
        (["no", "first aid, calmed him, safe adult", "yes"], "child-account", "press None yet."),
        (
            ["no", "first aid, calmed him, safe adult", "yes", "ok", "phone seized", "done"],
            "who-present",
            "say 'not yet'.",
        ),
    ],
)
def test_a_skip_refusal_offers_only_what_the_step_accepts(
    engine: Engine, answers: list[str], step: str, refusal: str
) -> None:
    chat = Chat(engine)
    chat.send("first contact")
    for answer in answers:
        chat.send(answer)
    assert chat.state.step == step
    chat.send("skip")
    assert chat.replies[0].text.startswith("This one can't be skipped: it matters for the child's")
    assert chat.replies[0].text.endswith(refusal)
    assert chat.state.step == step and chat.kinds[0] == "skip_refused"


def test_skip_refusals_are_worded_per_kind_of_step(flows: FlowSet) -> None:
    refusals = {}
    for flow in flows:
        for step in flow.spec.steps.values():
            refusals.setdefault(step.kind, skip_refusal(step))
    assert refusals["confirm"].endswith("If you don't know, say 'not sure'.")
    assert refusals["number"].endswith("If you don't know, say 'not sure'.")
    assert refusals["duration"].endswith("If you don't know, say 'not sure'.")
    assert refusals["choice"].endswith("Pick the closest option; 'back' lets you change it later.")
    assert refusals["checklist"].endswith(("press None yet.", "press None of these."))
    assert refusals["text"].endswith("If you haven't done these yet, say 'not yet'.")
    assert refusals["info"].startswith("This one can't be skipped")


# --- the menu -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opener", "label"),
    [
        ("ppo", "First contact"),
        ("transfer to la accommodation after charge", "Child in custody"),
    ],
)
def test_a_menu_opener_that_names_no_flow_suggests_the_one_that_fits(
    engine: Engine, opener: str, label: str
) -> None:
    chat = Chat(engine)
    said = chat.send(opener)
    assert f"The '{label}' questions cover it: press it to start, or pick another." in said
    assert said.startswith("Found guidance: ")
    assert chat.buttons[0] == "First contact" and len(chat.buttons) == len(engine.flows)
    assert chat.state.phase == "menu", "a guess never starts a flow"
    assert "search" in chat.kinds


@pytest.mark.parametrize(
    ("opener", "step"),
    [
        ("da job kids in the house", "initial-contact/danger"),
        ("dv job kids present", "initial-contact/danger"),
        ("neglect job", "initial-contact/danger"),
        # a flow named beats the job it came from
        ("need to do a referral after a da job", "referral/significant-harm"),
        ("misper from a domestic job", "missing-child/status"),
    ],
)
def test_a_job_named_at_the_menu_starts_the_flow_it_is_done_in(
    engine: Engine, opener: str, step: str
) -> None:
    chat = Chat(engine)
    chat.send(opener)
    assert f"{chat.state.flow}/{chat.state.step}" == step
    assert "flow_started" in chat.kinds


@pytest.mark.parametrize(
    ("opener", "step"),
    [
        ("missing kid found", "missing-child/safe-well"),  # "missing" named the flow
        ("missing kid, not found yet", "missing-child/how-long"),
        ("misper still not back", "missing-child/how-long"),
        ("misper returned home", "missing-child/safe-well"),
        ("found missing child", "missing-child/safe-well"),
        ("misssing child", "missing-child/status"),  # the flow's name mistyped says no more
        ("mising kid found", "missing-child/safe-well"),
    ],
)
def test_a_missing_child_opener_goes_on_as_found_or_still_missing(
    engine: Engine, opener: str, step: str
) -> None:
    chat = Chat(engine)
    chat.send(opener)
    assert f"{chat.state.flow}/{chat.state.step}" == step


@pytest.mark.parametrize(
    ("opener", "age", "taken", "step"),
    [
        ("on a 136", "15", "Reason: Section 136", "child-in-custody/s136-place"),
        ("vol interview", "14", "Reason: Voluntary interview", "child-in-custody/aa-voluntary"),
        ("on a 136", "8", "Under 10: section 136: Yes", "child-in-custody/s136-place"),
    ],
)
def test_what_an_opener_says_of_a_later_question_is_taken_there_and_said_back(
    engine: Engine, opener: str, age: str, taken: str, step: str
) -> None:
    chat = Chat(engine)
    chat.send(opener)
    assert chat.state.step == "age" and chat.state.ahead  # asked the age first, the rest kept
    said = chat.send(age)
    assert f"Taken from what you said: {taken}." in said
    assert f"{chat.state.flow}/{chat.state.step}" == step
    taken_at = chat.state.answers[-1].step
    assert taken_at not in {answer.step for answer in chat.state.ahead}  # taken once
    # 'back' undoes the taken answer: the officer is then asked the question itself.
    chat.send("back")
    assert chat.state.step == taken_at and chat.state.answers[-1].step == "age"


@pytest.mark.parametrize("opener", ["kid in custody", "juvenile in custody", "custody"])
def test_the_words_that_picked_a_flow_answer_no_later_question(engine: Engine, opener: str) -> None:
    chat = Chat(engine)
    chat.send(opener)
    chat.send("15")
    assert chat.state.step == "reason"  # "in custody" does not say the child was arrested


@pytest.mark.parametrize(
    ("opener", "answered"),
    [
        ("record check, all done", None),  # the record written, not "nothing urgent" in it
        ("record check, sorted", None),
        ("record check, nothing urgent", "no"),  # the question's own words still answer it
        ("referral, significant harm", "yes"),
    ],
)
def test_a_bare_answer_in_an_opener_answers_no_question_not_yet_asked(
    engine: Engine, opener: str, answered: str | None
) -> None:
    """Review 8: "all done" is one of "anything urgent nobody has acted on?"'s own no phrases,
    but typed with the flow's name it says the record is done: the safety question is asked."""
    chat = Chat(engine)
    chat.send(opener)
    first = chat.state.answers[0].outcome if chat.state.answers else None
    assert first == answered


@pytest.mark.parametrize(
    ("opener", "step"),
    [
        ("misper 14 since yesterday", "missing-child/immediate-risk"),  # a length of time
        ("misper 14", "missing-child/how-long"),  # an age, never 14 hours
        ("misper 15 from care", "missing-child/how-long"),
    ],
)
def test_a_length_of_time_in_an_opener_is_taken_only_when_said_as_one(
    engine: Engine, opener: str, step: str
) -> None:
    chat = Chat(engine)
    chat.send(opener)
    chat.send("still missing")
    assert f"{chat.state.flow}/{chat.state.step}" == step


@pytest.mark.parametrize(
    "question", ["whats the time limit on a 136", "what is a mash referral", "when does a 136 end"]
)
def test_a_question_after_a_fact_at_the_menu_gets_guidance_not_a_flow(
    engine: Engine, question: str
) -> None:
    chat = Chat(engine)
    chat.send(question)
    assert chat.state.phase == "menu" and chat.state.flow is None
    assert "flow_started" not in chat.kinds


@pytest.mark.parametrize("opener", ["how do i do a referral", "can you help with a misper"])
def test_a_question_about_doing_a_job_at_the_menu_starts_it(engine: Engine, opener: str) -> None:
    chat = Chat(engine)
    chat.send(opener)
    assert "flow_started" in chat.kinds


@pytest.mark.parametrize("greeting", ["hi", "Hello!", "/start", "morning"])
def test_a_greeting_shows_the_menu(engine: Engine, greeting: str) -> None:
    chat = Chat(engine)
    assert chat.send(greeting) == "What do you need help with?"
    assert chat.kinds == ["menu_shown"]


@pytest.mark.parametrize("thanks", ["cheers", "ta mate", "Thanks!", "nice one"])
def test_thanks_at_the_menu_gets_a_word_back_and_the_menu(engine: Engine, thanks: str) -> None:
    chat = Chat(engine)
    assert chat.send(thanks) == "No problem. Anything else? Pick one:"
    assert chat.kinds == ["menu_shown"] and len(chat.buttons) == len(engine.flows)


def test_thanks_with_a_request_is_still_the_request(engine: Engine) -> None:
    chat = Chat(engine)
    chat.send("cheers, need to do a referral")
    assert chat.state.flow == "referral"


def test_an_opener_with_no_guidance_gets_the_menu_with_a_plain_message(engine: Engine) -> None:
    chat = Chat(engine)
    assert chat.send("wot") == "I didn't catch that. Pick one of these:"
    assert len(chat.buttons) == len(engine.flows)


@pytest.mark.parametrize("letters", ["n", "k", "b", "n f"])
def test_lone_letters_at_the_menu_are_not_searched(engine: Engine, letters: str) -> None:
    """ "n" once found the NFA card through a term spelt out letter by letter ("N F A")."""
    chat = Chat(engine)
    assert chat.send(letters) == "I didn't catch that. Pick one of these:"
    assert "search" not in chat.kinds
    assert len(chat.buttons) == len(engine.flows)


def test_an_opener_the_guidance_fits_only_loosely_is_said_to_be_unsure(engine: Engine) -> None:
    """No flow to suggest and no sure card ("nan"): say so, as a question's search does."""
    chat = Chat(engine)
    reply = chat.send("nan")
    assert reply.startswith("I'm not sure which guidance you mean. The closest:")
    assert "ask your supervisor or the specialist child protection team" in reply
    assert chat.state.flow is None
    assert "search" in chat.kinds


def test_a_sure_opener_with_no_flow_still_gets_its_card_directly(engine: Engine) -> None:
    chat = Chat(engine)
    reply = chat.send("performance figures")
    assert "not sure" not in reply
    assert chat.state.flow is None


# --- messages fit a phone ---------------------------------------------------------------------

GOLDEN_DIR = Path(__file__).resolve().parent / "conversations"
PHONE_LIMIT = 350


def test_every_message_in_the_goldens_fits_a_phone_screen(engine: Engine) -> None:
    too_long = []
    for path in sorted(GOLDEN_DIR.glob("*.yaml")):
        for result in replay(engine, read_yaml(path.read_text(encoding="utf-8"))):
            for reply in result.replies:
                if not reply.copyable and len(reply.text) > PHONE_LIMIT:
                    too_long.append(f"{path.stem} turn {result.number}: {len(reply.text)}")
    assert not too_long, "messages longer than a phone screen:\n" + "\n".join(too_long)


def test_only_summaries_are_marked_to_copy(engine: Engine) -> None:
    chat = Chat(engine)
    _to_needs(chat)
    chat.send("summary")
    assert [r.copyable for r in chat.replies] == [True, False, False]
    assert chat.replies[0].text.startswith("Summary: ")


def test_a_knowledge_card_is_its_summary_and_source_then_two_points(engine: Engine) -> None:
    chat = Chat(engine)
    chat.send("first contact")
    chat.send("why")
    card, points = chat.replies[0].text, chat.replies[1].text
    assert card.startswith("Child in immediate danger: ") and card.endswith("(Source: 001 §1)")
    assert points.startswith("• ") and points.count("\n• ") == 1
    assert all(len(reply.text) <= 300 for reply in chat.replies)


def test_an_unsure_search_says_so_and_points_to_a_supervisor(engine: Engine) -> None:
    chat = Chat(engine)
    _to_needs(chat)
    said = chat.send("ask child protection")
    search = [e for e in chat.events if e.kind == "search"]
    assert search[-1].status == "ambiguous"
    assert said.startswith("I'm not sure which guidance you mean. The closest:")
    assert "Also close: " in said
    assert any(
        line.endswith("ask your supervisor or the specialist child protection team.")
        for line in said.splitlines()
    )
    assert chat.state.step == "needs", "the officer keeps their place"


def test_a_confident_search_shows_the_card_without_hedging(engine: Engine) -> None:
    chat = Chat(engine)
    _to_needs(chat)
    said = chat.send("ask PACE 38(6) transfer")
    assert [e.status for e in chat.events if e.kind == "search"] == ["confident"]
    assert "not sure" not in said.lower()
    assert "38(6)" in said


def test_a_sure_search_names_the_card_it_could_hardly_tell_from_the_one_shown(
    engine: Engine,
) -> None:
    chat = Chat(engine)
    _to_needs(chat)
    said = chat.send("ask LA wont take the kid after charge")
    search = [e for e in chat.events if e.kind == "search"]
    assert [e.status for e in search] == ["confident"]
    first, second = (engine.knowledge.get(entry_id) for entry_id in search[-1].entries[:2])
    assert first is not None and second is not None
    assert "not sure" not in said.lower()
    assert said.startswith(f"{first.title}: ")
    assert f"Related: {second.title}." in said.splitlines()


def test_a_sure_search_with_a_clear_leader_names_nothing_related(engine: Engine) -> None:
    chat = Chat(engine)
    _to_needs(chat)
    said = chat.send("ask PACE 38(6) transfer")
    assert "Related: " not in said


def test_an_emergency_typed_at_the_menu_gets_protect_first_before_the_menu(
    engine: Engine,
) -> None:
    chat = Chat(engine)
    said = chat.send("kid in danger dad has a knife")
    assert said.startswith("RED FLAG: Child in danger now. Protect the child first")
    assert chat.buttons == ["Understood"] and chat.state.phase == "red_flag"
    assert chat.send("menu").startswith("Press Understood first")
    said = chat.send("ok")
    assert said.startswith("When the child is safe, pick what you need:")
    assert chat.state.phase == "menu", "the officer still chooses; nothing starts unasked"
    assert "red_flag_acknowledged" in chat.kinds


def test_an_opener_that_is_no_emergency_gets_no_safety_lead(engine: Engine) -> None:
    chat = Chat(engine)
    said = chat.send("misper from care home")
    assert "Protect the child first" not in said


def test_an_unbelievable_age_is_asked_again_not_banded(engine: Engine) -> None:
    chat = Chat(engine)
    chat.send("child in custody")
    chat.send("arrested")
    assert chat.state.step == "age"
    said = chat.send("200")
    assert chat.state.step == "age", "200 is no age"
    assert said.startswith("200 doesn't look right here: give the number in years.")
    assert chat.send("0").startswith("0 doesn't look right here")
    assert chat.send("16").startswith("Read as 16 years: 12 to 17.")
    chat.send("back")
    # A year of birth is an age, counted from the message's time (November 2023 here).
    assert chat.send("dob 2010").startswith("Read as born 2010: 12 or 13: 12 to 17.")


def test_a_summary_cites_only_the_rules_of_the_path_taken(engine: Engine) -> None:
    """A voluntary interview is no detention: its summary cites no detention rule (Code C 3.13)."""
    chat = Chat(engine)
    for said in ("child in custody", "15", "voluntary interview", "yes", "none", "summary"):
        chat.send(said)
    summary = next(r.text for r in chat.replies if r.text.startswith("Summary:"))
    sources = summary.split("Sources: ")[1]
    assert "11.15" in sources and "3.13" not in sources and "s38(6)" not in sources
    assert "s136" not in sources


@pytest.mark.parametrize(
    "opener", ["need a strat for a DA job", "strat meeting needed", "need a strategy discussion"]
)
def test_a_strategy_discussion_asked_for_at_the_menu_starts_referral(
    engine: Engine, opener: str
) -> None:
    chat = Chat(engine)
    chat.send(opener)
    assert f"{chat.state.flow}/{chat.state.step}" == "referral/significant-harm"


@pytest.mark.parametrize("greeting", ["start", "begin"])
def test_a_greeting_is_never_read_as_a_mistyped_flow_name(engine: Engine, greeting: str) -> None:
    chat = Chat(engine)
    assert chat.send(greeting) == "What do you need help with?"  # "start" is no typo of "strat"
    assert chat.state.flow is None


def test_an_answer_typed_at_a_red_flag_is_not_kept_and_the_officer_is_told(engine: Engine) -> None:
    chat = Chat(engine)
    chat.send("referral")
    chat.send("yes")  # significant harm: a red flag before the strategy discussion
    said = chat.send("1 and 3")
    assert said.startswith("That reads as your next answer, so it isn't kept yet")
    assert chat.state.phase == "red_flag" and chat.state.pending is None
    # Neither a bare "no" nor words answering nothing are taken for an answer.
    for other in ("no", "banana"):
        assert chat.send(other).startswith("I didn't catch that. Press Understood")
    chat.send("understood")
    assert chat.state.step == "strategy" and chat.state.pending is None  # asked, not ticked
    chat.send("1 and 3")
    assert chat.state.pending == ("police-attend", "roles-clear")


@pytest.mark.parametrize(
    ("opener", "flow"),
    [
        ("DA job, 2 kids, dad arrested", "initial-contact"),  # dad arrested, not the child
        ("arrested dad, kids present", None),  # no flow named: guidance and a suggestion
        ("15yo arrested, mum on way", "child-in-custody"),  # the child arrested, mum coming
        ("dad says hes been arrested", "child-in-custody"),  # "he" may be the child
        ("mum reported missing", "missing-child"),  # mum reported it, not missing herself
    ],
)
def test_a_flows_words_said_of_an_adult_do_not_name_it(
    engine: Engine, opener: str, flow: str | None
) -> None:
    chat = Chat(engine)
    chat.send(opener)
    assert chat.state.flow == flow
    if flow != "child-in-custody":
        assert chat.state.answer_to("age") is None  # "2 kids" is never read as a child of 2


@pytest.mark.parametrize(
    ("opener", "flow"), [("MFH", "missing-child"), ("1st contact", "initial-contact")]
)
def test_officers_short_names_for_a_flow_start_it(engine: Engine, opener: str, flow: str) -> None:
    chat = Chat(engine)
    chat.send(opener)
    assert chat.state.flow == flow and "flow_started" in chat.kinds


def test_guidance_titled_for_a_flow_suggests_that_flow(engine: Engine) -> None:
    # "Missing child: first steps" is named by First contact too (a child found missing), but
    # its title is Missing child's: that flow is suggested, not the one higher in the menu.
    entries = {entry.id: entry for entry in engine.knowledge.entries}
    for entry_id in ("missing-child", "missing-risk-grading"):
        assert engine.menu.fitting(entries[entry_id]).spec.id == "missing-child"  # type: ignore[union-attr]
    assert engine.menu.fitting(entries["voice-of-child"]).spec.id == "initial-contact"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("opener", "age", "step"),
    [
        ("4", "15", "child-in-custody/reason"),  # the menu's number answers no question
        ("custody, 2 lads", "15", "child-in-custody/reason"),  # a count, never a child of 2
        ("custody 14", None, "child-in-custody/reason"),  # "custody" picked the flow: asked why
        ("15yo in custody", None, "child-in-custody/reason"),
        ("arrested 14 year old", None, "child-in-custody/necessity"),  # arrested says why
    ],
)
def test_numbers_and_names_in_an_opener_answer_only_what_they_say(
    engine: Engine, opener: str, age: str | None, step: str
) -> None:
    chat = Chat(engine)
    chat.send(opener)
    if age is not None:
        said = chat.send(age)
        assert "Read as 15 years" in said and "Taken from what you said" not in said
    assert f"{chat.state.flow}/{chat.state.step}" == step
