"""Golden conversations: replay a transcript through the engine and measure what it exercised.

A transcript is plain data (parsed from ``tests/conversations/*.yaml`` by the caller): the
officer's inputs and what the bot must say. Between every turn the state goes to JSON text and
back, exactly as a restart would, so a golden that passes proves the conversation survives one
at any point. Coverage counts the arrows of each flow's graph and each red flag that the golden
set took at least once, and, more finely, each answer of each step (two answers leading to the
same step are one arrow, but only trying both shows that both are read and recorded).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.engine._compile import FlowSet
from bot.engine._effects import AuditEvent, Event, Press, Reply, Start, Text
from bot.engine._engine import Engine
from bot.engine._state import Conversation
from bot.event_fields import COMMENT_FIELD, QUESTION_FIELD

DEFAULT_CLOCK = 1_700_000_000.0
DEFAULT_GAP = 20.0
"""Seconds between turns unless a turn says otherwise (``after:``)."""


class TranscriptError(ValueError):
    """A transcript is not in the expected shape; the message names the turn."""


@dataclass(frozen=True)
class TurnResult:
    """What one turn produced, after the state went through JSON and back."""

    number: int
    replies: tuple[Reply, ...]
    events: tuple[AuditEvent, ...]
    state: Conversation
    state_json: str

    @property
    def at(self) -> str:
        """Where the conversation is: ``flow/step``, or the phase (``menu``, ``red_flag``...)."""
        if self.state.phase == "step":
            return f"{self.state.flow}/{self.state.step}"
        if self.state.phase == "red_flag":
            return f"{self.state.flow}/red-flag"
        return self.state.phase

    def snapshot(self) -> list[dict[str, Any]]:
        """The replies as plain data, the form kept in the transcript under ``bot``."""
        shown: list[dict[str, Any]] = []
        for reply in self.replies:
            item: dict[str, Any] = {"text": reply.text}
            if reply.buttons:
                item["buttons"] = [button.label for button in reply.buttons]
            shown.append(item)
        return shown


def _seconds(value: object, where: str) -> float:
    """A number of seconds from a transcript, or a plain message naming where it is wrong."""
    if isinstance(value, bool):
        raise TranscriptError(f"{where} must be a number of seconds, got {value!r}")
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise TranscriptError(f"{where} must be a number of seconds, got {value!r}") from None


def _event(turn: Mapping[str, Any], number: int, now: float) -> Event:
    if "text" in turn:
        return Text(str(turn["text"]), now)
    if "press" in turn:
        return Press(str(turn["press"]), now)
    if turn.get("start"):
        return Start(now)
    raise TranscriptError(f"turn {number} needs 'text', 'press' or 'start: true'")


def check_transcript(transcript: object) -> None:
    """Raise :class:`TranscriptError` for the first way a transcript is malformed, running nothing.

    :func:`replay` checks this before its first turn; a command replaying many files checks
    each one before it builds an engine (seconds), so a broken file is named at once.
    """
    if not isinstance(transcript, Mapping):
        raise TranscriptError(
            f"a transcript must be a mapping with a 'turns' list, not {type(transcript).__name__}"
        )
    _seconds(transcript.get("clock", DEFAULT_CLOCK), "'clock'")
    turns = transcript.get("turns")
    if not isinstance(turns, list) or not turns:
        raise TranscriptError("a transcript needs a non-empty 'turns' list")
    for number, turn in enumerate(turns, start=1):
        if not isinstance(turn, dict):
            raise TranscriptError(f"turn {number} must be a mapping")
        _seconds(turn.get("after", DEFAULT_GAP), f"turn {number}: 'after'")
        _event(turn, number, 0.0)


def replay(engine: Engine, transcript: Mapping[str, Any]) -> list[TurnResult]:
    """Run a transcript's inputs, reloading the state from JSON before every turn.

    Turn 0 is the opening menu. The clock starts at ``clock`` (default a fixed instant) and moves
    on ``after`` seconds before each turn (default 20), so idle expiry can be tested too.
    """
    check_transcript(transcript)  # every shape below is checked there, before any turn runs
    now = _seconds(transcript.get("clock", DEFAULT_CLOCK), "'clock'")
    result = engine.start(now)
    state = result.state
    text = json.dumps(state.to_json(), sort_keys=True)
    results = [TurnResult(0, result.replies, result.audit, state, text)]
    for number, turn in enumerate(transcript["turns"], start=1):
        now += _seconds(turn.get("after", DEFAULT_GAP), f"turn {number}: 'after'")
        state = Conversation.from_json(json.loads(text))
        result = engine.step(state, _event(turn, number, now))
        state = result.state
        text = json.dumps(state.to_json(), sort_keys=True)
        results.append(TurnResult(number, result.replies, result.audit, state, text))
    return results


def check_turn(turn: Mapping[str, Any], result: TurnResult) -> list[str]:
    """Every way a turn's result differs from what the transcript expects (empty if none)."""
    problems: list[str] = []
    said = "\n".join(reply.text for reply in result.replies)
    for phrase in turn.get("says", []):
        if not isinstance(phrase, str):
            raise TranscriptError(f"turn {result.number}: 'says' must list text, got {phrase!r}")
        if phrase.lower() not in said.lower():
            problems.append(f"turn {result.number}: the bot did not say {phrase!r}")
    if "bot" in turn and turn["bot"] != result.snapshot():
        problems.append(
            f"turn {result.number}: replies differ from the snapshot\n"
            f"  expected: {json.dumps(turn['bot'], ensure_ascii=False)}\n"
            f"  got:      {json.dumps(result.snapshot(), ensure_ascii=False)}"
        )
    if "at" in turn and turn["at"] != result.at:
        problems.append(
            f"turn {result.number}: expected to be at {turn['at']!r}, got {result.at!r}"
        )
    for kind in turn.get("audit", []):
        if kind not in {event.kind for event in result.events}:
            problems.append(f"turn {result.number}: no {kind!r} audit event")
    return problems


def leaks(turn: Mapping[str, Any], result: TurnResult) -> list[str]:
    """Where the officer's own words reached the state or an audit event (there must be none)."""
    said = str(turn.get("text", "")).strip().lower()
    if len(said) < 4 or " " not in said:
        return []
    found: list[str] = []
    if said in result.state_json.lower():
        found.append(f"turn {result.number}: the state holds the officer's text")
    for event in result.events:
        # A question nothing answered and a feedback comment are kept after allow-list
        # scrubbing, which keeps a message of everyday words whole by design: they are tested
        # in tests/test_scrub*.py and tests/test_leaks.py, not here.
        logged = {
            name: value
            for name, value in event.to_json().items()
            if name not in (QUESTION_FIELD, COMMENT_FIELD)
        }
        if said in json.dumps(logged).lower():
            found.append(f"turn {result.number}: audit event {event.kind!r} holds the text")
    return found


@dataclass
class FlowCoverage:
    """Which arrows, answers and red flags of one flow the golden set exercised.

    ``edges`` are the issue's transitions (arrows from one step to another, answers with the
    same target grouped); ``answers`` are every (step, answer) pair, keyed ``step: answer``.
    """

    flow: str
    edges: dict[str, bool] = field(default_factory=dict)
    red_flags: dict[str, bool] = field(default_factory=dict)
    answers: dict[str, bool] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Arrows plus red-flag points."""
        return len(self.edges) + len(self.red_flags)

    @property
    def covered(self) -> int:
        """How many of them were taken."""
        return sum(self.edges.values()) + sum(self.red_flags.values())

    @property
    def missing(self) -> list[str]:
        """The arrows and red flags never taken, for the report."""
        return [key for key, hit in self.edges.items() if not hit] + [
            f"red flag {key}" for key, hit in self.red_flags.items() if not hit
        ]

    @property
    def missing_answers(self) -> list[str]:
        """The (step, answer) pairs no golden gives, for the report."""
        return [f"answer {key}" for key, hit in self.answers.items() if not hit]


def coverage(flows: FlowSet, runs: Sequence[Sequence[TurnResult]]) -> list[FlowCoverage]:
    """Transition, answer and red-flag coverage of every flow, from replayed transcripts."""
    report = {
        flow.id: FlowCoverage(
            flow.id,
            edges={edge.key: False for edge in flow.edges()},
            red_flags={f"{step} -> {flag}": False for step, flag in flow.red_flag_points()},
            answers={f"{step}: {outcome}": False for step, outcome in flow.answers()},
        )
        for flow in flows
    }
    for run in runs:
        for result in run:
            for event in result.events:
                if event.flow not in report:
                    continue
                row = report[event.flow]
                if event.kind == "transition":
                    key = f"{event.step} -> {event.to_step}"
                    if key in row.edges:
                        row.edges[key] = True
                    answer = f"{event.step}: {event.outcome}"
                    if answer in row.answers:
                        row.answers[answer] = True
                elif event.kind == "red_flag":
                    key = f"{event.step} -> {event.red_flag}"
                    if key in row.red_flags:
                        row.red_flags[key] = True
    return list(report.values())


# --- every place an officer can be ---------------------------------------------------------------

PROTECT_FIRST_WORDS = "protect the child first"
"""What every protect-first prompt says, the flows' own and the shared one alike."""


@dataclass(frozen=True)
class Position:
    """A place an officer can send a message from: the menu, or a question of a flow."""

    name: str
    state: Conversation


def positions(flows: FlowSet, now: float = DEFAULT_CLOCK) -> list[Position]:
    """The menu and every question of every flow, each as a fresh state sitting there.

    An evaluation that must hold "wherever the officer is" (danger now, above all) steps a
    message from each of these.
    """
    found = [Position("menu", Conversation(expires_at=now + 1800))]
    for flow in flows:
        for step_id in flow.spec.steps:
            state = Conversation(phase="step", flow=flow.id, step=step_id, expires_at=now + 1800)
            found.append(Position(f"{flow.id}/{step_id}", state))
    return found


def protects_first(engine: Engine, position: Position, text: str, now: float) -> bool:
    """Whether a message sent from a position brings a protect-first prompt at once.

    Only a red flag counts: a guidance card found by a question ("what counts as immediate
    danger?") may quote the same words without interrupting anything.
    """
    replies = engine.step(position.state, Text(text, now)).replies
    said = " ".join(reply.text for reply in replies if reply.role == "red_flag").lower()
    return PROTECT_FIRST_WORDS in said
