"""Practice conversations: every event they log is marked, no operational event is, and the
officer is told plainly, at the start and in the summary, that nothing is a real job."""

from __future__ import annotations

import json

from bot.audit.runs import runs
from bot.engine import (
    AUDIT_KINDS,
    AuditEvent,
    Conversation,
    Engine,
    Press,
    Start,
    StepResult,
    Text,
    Tick,
)
from bot.event_fields import FEEDBACK_KIND, PRACTICE_FIELD, PRACTICE_STARTED_KIND
from bot.session import Sessions

T0 = 1_800_000_000.0


class Run:
    """Messages through the engine, the state saved as JSON and read back between them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        opened = engine.start(T0)
        self.state: Conversation = opened.state
        self.events: list[AuditEvent] = list(opened.audit)
        self.said: list[str] = [r.text for r in opened.replies]
        self.now = T0

    def _take(self, result: StepResult) -> StepResult:
        self.state = Conversation.from_json(json.loads(json.dumps(result.state.to_json())))
        self.events += result.audit
        self.said += [reply.text for reply in result.replies]
        return result

    def send(self, text: str) -> StepResult:
        self.now += 5
        return self._take(self.engine.step(self.state, Text(text, self.now)))

    def press(self, value: str) -> StepResult:
        self.now += 5
        return self._take(self.engine.step(self.state, Press(value, self.now)))

    def wait(self, seconds: float) -> StepResult:
        self.now += seconds
        return self._take(self.engine.step(self.state, Tick(self.now)))


RECORD_CHECK = (
    "record check",
    "no",
    "yes",
    "yes",
    "not yet",
    "1 3",
    "press:done",
    "yes",
    "yes they were removed",
    "not sure",
    "needed, not yet",
    "skip",
    "yes",
)
"""A whole record check, as the golden record-check.full has it."""


def _record_check(run: Run, answers: tuple[str, ...] = RECORD_CHECK) -> StepResult:
    result = None
    for answer in answers:
        pressed = answer.removeprefix("press:")
        result = run.press(pressed) if pressed != answer else run.send(answer)
    assert result is not None
    return result


def test_a_practice_conversations_events_are_all_marked_and_an_operational_ones_none(
    engine: Engine,
) -> None:
    practice = Run(engine)
    practice.events.clear()  # the opening menu came before practice was asked for
    practice.send("practice")
    _record_check(practice)
    assert practice.state.phase == "ended" and practice.state.ended == "completed"
    kinds = [event.kind for event in practice.events]
    assert kinds[0] == "practice_started" and "flow_completed" in kinds
    assert all(event.practice for event in practice.events)
    assert all(event.to_json()[PRACTICE_FIELD] is True for event in practice.events)

    real = Run(engine)
    _record_check(real)
    assert real.state.ended == "completed"
    assert not any(event.practice for event in real.events)
    assert not any(PRACTICE_FIELD in event.to_json() for event in real.events)


def test_the_officer_is_told_at_the_start_and_in_the_summary(engine: Engine) -> None:
    run = Run(engine)
    started = run.send("practice")
    assert started.replies[0].text.startswith("Practice: nothing you do now is recorded")
    assert started.replies[-1].buttons  # the menu to pick a flow from
    run.send("record check")
    summary = [r for r in run.send("summary").replies if r.role == "summary"]
    assert summary and summary[0].text.startswith("Summary: PRACTICE: Record check")
    assert "Practice only: not a real job" in summary[0].text
    finished = _record_check(run, RECORD_CHECK[1:])
    texts = [r.text for r in finished.replies]
    assert any(t.startswith("That was practice: nothing was recorded as a real job") for t in texts)
    final = next(r for r in finished.replies if r.role == "summary")
    assert final.summary is not None and final.summary.title == "PRACTICE: Record check"


def test_practice_ends_with_its_flow_and_the_next_flow_is_real(engine: Engine) -> None:
    run = Run(engine)
    run.send("practice")
    run.send("first contact")
    assert run.state.practice
    left = run.send("cancel")
    assert any("That was practice" in r.text for r in left.replies)
    run.events.clear()
    run.send("record check")
    assert not run.state.practice
    assert run.events and not any(event.practice for event in run.events)


def test_a_real_job_part_way_through_is_never_turned_into_practice(engine: Engine) -> None:
    run = Run(engine)
    run.send("first contact")
    refused = run.send("practice")
    assert refused.replies[0].text.startswith("Practice starts from the menu")
    assert not run.state.practice and run.state.phase == "step"
    assert not any(event.practice for event in run.events)


def test_practice_survives_a_restart_and_an_idle_practice_closes_as_practice(
    engine: Engine,
) -> None:
    run = Run(engine)
    run.send("practice")
    run.send("first contact")
    resumed = engine.resume(run.state, run.now + 60)
    assert resumed.state.practice
    closed = run.wait(engine.idle_seconds + 60)
    assert [e.kind for e in closed.audit] == ["expired"] and closed.audit[0].practice
    assert any("That was practice" in r.text for r in closed.replies)
    run.events.clear()
    run.press("restart")
    assert not run.state.practice
    assert not any(event.practice for event in run.events)


def test_danger_in_practice_still_protects_first_and_is_logged_as_practice(
    engine: Engine,
) -> None:
    run = Run(engine)
    run.send("practice")
    run.events.clear()
    raised = run.send("he's got a knife to the baby right now")
    assert any(r.role == "red_flag" for r in raised.replies)
    assert {"danger_now", "red_flag"} <= {e.kind for e in raised.audit}
    assert all(event.practice for event in run.events)


def test_a_fresh_start_at_a_practice_menu_stays_practice(engine: Engine) -> None:
    run = Run(engine)
    run.send("practice")
    again = engine.step(run.state, Start(run.now + 1))
    assert again.state.practice and all(event.practice for event in again.audit)


def test_the_session_layer_passes_the_mark_to_the_store(engine: Engine) -> None:
    sessions = Sessions(engine, None, channel="console")
    sessions.open("k", T0)
    result = sessions.handle("k", Text("practice", T0 + 1))
    assert result.audit and all(e.practice and e.channel == "console" for e in result.audit)
    assert sessions.state("k") is not None and sessions.state("k").practice  # type: ignore[union-attr]


def test_an_older_saved_state_reads_as_operational() -> None:
    old = {"schema_version": 4, "phase": "menu", "expires_at": T0, "run": 0, "seq": 0}
    state = Conversation.from_json({**old, "misses": 0, "shown": [], "asked_at": None})
    assert state.practice is False and state.guidance is None and state.feedback is None


def test_practice_after_a_real_job_is_a_run_of_its_own(engine: Engine) -> None:
    run = Run(engine)
    _record_check(run)
    run.send("practice")
    run.send("practice")  # asked twice: still one practice run
    run.send("first contact")
    run.send("cancel")
    run.send("referral")
    logged = [{**event.to_json(), "key": "k"} for event in run.events]
    found = {r.run: r for r in runs(logged)}
    assert (found[1].flow, found[1].practice) == ("record-check", False)
    assert (found[2].flow, found[2].practice, found[2].ended) == (
        "initial-contact",
        True,
        "cancelled",
    )
    assert (found[3].flow, found[3].practice) == ("referral", False)
    assert [e.kind for e in run.events].count("practice_started") == 1
    assert set(found) == {0, 1, 2, 3}


def test_an_outdated_practice_state_ends_practice_and_says_so(engine: Engine) -> None:
    run = Run(engine)
    run.send("practice")
    run.send("first contact")
    gone = run.state.with_changes(step="a-step-since-removed")
    result = engine.step(gone, Text("yes", run.now + 1))
    assert not result.state.practice
    assert any(r.text.startswith("That was practice") for r in result.replies)


def test_the_kinds_readers_import_are_the_engines() -> None:
    assert {PRACTICE_STARTED_KIND, FEEDBACK_KIND} <= set(AUDIT_KINDS)
    assert PRACTICE_FIELD in AuditEvent.__dataclass_fields__
