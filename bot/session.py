"""The session layer: one message for one conversation, from loading its state to logging it.

Every channel hands its messages here, keyed by a pseudonym for the conversation (never a
Telegram id or a name). For each message the session loads the saved state, lets the engine
step, and saves the new state together with the audit events in one transaction. Messages for
one key are handled strictly one at a time (a lock per key), and the save checks the version it
loaded, so a double tap, or a second process on the same database, can never drop an answer or
a red-flag acknowledgement: the loser of a race loads again and re-applies its message.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol

from bot.engine import (
    Conversation,
    Engine,
    Event,
    Reply,
    Start,
    StateError,
    StepResult,
    Text,
    Tick,
)
from bot.store import Saved, StaleState

SET_ASIDE = "The saved conversation was set aside."
HEARD_KINDS = frozenset(
    {
        "answer",
        "not_understood",
        "red_flag_acknowledged",
        "danger_now",
        "search",
        "back",
        "skip",
        "read_back",
        "not_heard",
    }
)
"""Audit events that a message's words brought about: marked when the words were spoken."""


class SessionError(Exception):
    """A message could not be handled: the conversation kept changing under it."""


class StateStore(Protocol):
    """What the session layer needs of a store (:class:`bot.store.Store` is one)."""

    def load(self, key: str) -> Saved | None:
        """The conversation's saved state and version, or None."""
        ...

    def save(
        self,
        key: str,
        state: dict[str, Any] | None,
        *,
        expected_version: int,
        audit: Sequence[dict[str, Any]] = (),
        now: float,
    ) -> int:
        """Save if still at ``expected_version`` (else :class:`StaleState`); the new version."""
        ...

    def conversation_keys(self) -> list[str]:
        """Every conversation with a saved state."""
        ...


@dataclass
class MemoryStore:
    """States kept in memory only, for a session that must leave nothing behind (piped input).

    Audit events are not kept: the channel prints them if asked to.
    """

    states: dict[str, Saved] = field(default_factory=dict)

    def load(self, key: str) -> Saved | None:
        """The conversation's state and version, or None."""
        return self.states.get(key)

    def save(
        self,
        key: str,
        state: dict[str, Any] | None,
        *,
        expected_version: int,
        audit: Sequence[dict[str, Any]] = (),
        now: float,
    ) -> int:
        """Keep the state if still at ``expected_version``, as the database store does."""
        current = self.states.get(key)
        if (current.version if current else 0) != expected_version:
            raise StaleState(f"conversation {key!r} changed since it was loaded")
        version = expected_version + 1
        if state is None:
            self.states.pop(key, None)
        else:
            self.states[key] = Saved(state, version)
        return version

    def conversation_keys(self) -> list[str]:
        """Every conversation kept."""
        return sorted(self.states)


class Sessions:
    """Handle messages for many conversations, each one at a time, through one store.

    Args:
        engine: the engine with the flows and knowledge loaded.
        store: where states and audit events go (None: in memory, nothing written).
        channel: the channel's name, stamped on every audit event ("console", "telegram").
        retries: how many times a message is re-applied when another process got in first.
    """

    def __init__(  # noqa: D107 - the class docstring lists the arguments
        self,
        engine: Engine,
        store: StateStore | None,
        *,
        channel: str,
        retries: int = 5,
    ) -> None:
        self.engine = engine
        self.store: StateStore = store if store is not None else MemoryStore()
        self.channel = channel
        self.retries = retries
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def open(self, key: str, now: float, *, fresh: bool = False) -> StepResult:
        """Show where the officer is: the menu, or their conversation picked up again.

        ``fresh`` starts at the menu whatever was saved (the summary and any red flag of a
        conversation left open go through the engine's own 'menu', so neither is lost).
        """
        with self._lock(key):
            return self._apply(key, now, lambda state: self._opening(state, now, fresh))

    def handle(self, key: str, event: Event) -> StepResult:
        """Apply one message (or press, start or tick) to a conversation and save the result."""
        spoken = event if isinstance(event, Text) and event.via == "voice" else None
        with self._lock(key):
            return self._apply(
                key, event.now, lambda state: self._stepped(state, event), spoken=spoken
            )

    def voice_checked(
        self,
        key: str,
        kind: Literal["read_back", "not_heard"],
        outcome: str,
        *,
        confidence: float | None,
        now: float,
    ) -> tuple[Conversation, Conversation]:
        """Log what became of a voice note that reached no answer (see Engine.voice_checked).

        Marked "by voice" with the recogniser's confidence, like what a voice note's words do;
        the words themselves are never passed here.

        Returns:
            The conversation the event was logged on, and as saved after it (its log's
            sequence moved on): a channel that keeps where a voice note was heard moves it on
            too, or its own event would read as the conversation having moved.
        """
        spoken = Text("", now, via="voice", confidence=confidence)
        logged_on: list[Conversation] = []

        def log(state: Conversation | None) -> StepResult:
            logged_on.append(state if state is not None else self._new(now))
            return self.engine.voice_checked(logged_on[-1], kind, outcome, now)

        with self._lock(key):
            result = self._apply(key, now, log, spoken=spoken)
        return logged_on[-1], result.state

    def tick(self, key: str, now: float) -> StepResult:
        """Let time pass for a conversation: an idle one is closed and the officer told."""
        return self.handle(key, Tick(now))

    def idle(self, now: float) -> list[str]:
        """Conversations past their idle deadline at ``now``: the ones a timer must tick."""
        return [
            key
            for key in self.store.conversation_keys()
            if (state := self.state(key)) is not None and self.engine.is_expired(state, now)
        ]

    def state(self, key: str) -> Conversation | None:
        """The conversation as saved (None if there is none, or it cannot be read)."""
        saved = self.store.load(key)
        if saved is None:
            return None
        try:
            return Conversation.from_json(saved.state)
        except StateError:
            return None

    # -- inside the lock -------------------------------------------------------------------

    def _opening(self, state: Conversation | None, now: float, fresh: bool) -> StepResult:
        if state is None:
            return self.engine.start(now)
        if fresh:
            return self.engine.step(state, Start(now))
        return self.engine.resume(state, now)

    def _stepped(self, state: Conversation | None, event: Event) -> StepResult:
        if state is None:
            # A first message goes straight to the menu's reading ("child in danger" is
            # protect-first at once), without a menu shown first that nobody saw.
            state = self._new(event.now)
        return self.engine.step(state, event)

    def _new(self, now: float) -> Conversation:
        """A conversation at the menu, for a first message."""
        return Conversation(
            expires_at=now + self.engine.idle_seconds, idle_seconds=self.engine.idle_seconds
        )

    def _apply(
        self,
        key: str,
        now: float,
        step: Callable[[Conversation | None], StepResult],
        *,
        spoken: Text | None = None,
    ) -> StepResult:
        for _ in range(self.retries):
            saved = self.store.load(key)
            state, notice = _read(saved)
            result = step(state)
            if notice:
                result = replace(result, replies=(Reply(notice), *result.replies))
            unchanged = (
                saved is not None
                and state is not None
                and result.state == state
                and not result.audit
            )
            if unchanged:
                return result  # a tick that changed nothing: nothing to save
            stamped = tuple(
                replace(event, channel=self.channel, **_heard(event.kind, spoken))
                for event in result.audit
            )
            result = replace(result, audit=stamped)
            try:
                self.store.save(
                    key,
                    result.state.to_json(),
                    expected_version=saved.version if saved else 0,
                    audit=[event.to_json() for event in stamped],
                    now=now,
                )
            except StaleState:
                continue  # another process saved first: load its state and apply again
            return result
        raise SessionError(
            "This conversation kept changing while your message was handled. Send it again."
        )


def _heard(kind: str, spoken: Text | None) -> dict[str, Any]:
    """'By voice' and the recogniser's confidence, for what a voice note did; never its words."""
    if spoken is None or kind not in HEARD_KINDS:
        return {}
    confidence = None if spoken.confidence is None else round(spoken.confidence, 3)
    return {"via": "voice", "confidence": confidence}


def _read(saved: Saved | None) -> tuple[Conversation | None, str | None]:
    """The saved state, or None with the reason it was set aside."""
    if saved is None:
        return None, None
    try:
        return Conversation.from_json(saved.state), None
    except StateError as exc:
        return None, f"{SET_ASIDE} {exc}"
