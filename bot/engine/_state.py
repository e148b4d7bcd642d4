"""The conversation state: small, JSON-serialisable, and free of anything the officer typed.

Answers are kept as categories only (yes, no, unsure, a choice id, a band id, the ids of the
points a free answer covered), so a saved conversation can never leak a name or an address. The
state carries its own idle deadline, so an expired conversation is recognised after a restart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

STATE_SCHEMA_VERSION = 2
DEFAULT_IDLE_SECONDS = 30 * 60

Phase = Literal["menu", "step", "red_flag", "ended", "expired"]
PHASES: tuple[str, ...] = ("menu", "step", "red_flag", "ended", "expired")


def _add_misses(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 counts answers in a row the bot could not read (none, in an older state)."""
    return {**data, "misses": 0}


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _add_misses}
"""Upgrades of saved state: ``MIGRATIONS[n]`` turns a version ``n`` state into version ``n + 1``.

When the shape changes, add the step here rather than breaking every conversation saved before
the upgrade.
"""


class StateError(ValueError):
    """A saved conversation cannot be read; the message says what to do instead."""


@dataclass(frozen=True)
class Answer:
    """One answered step: its category, and for free answers the ids of the points involved."""

    step: str
    outcome: str
    covered: tuple[str, ...] = ()
    outstanding: tuple[str, ...] = ()
    not_needed: tuple[str, ...] = ()


@dataclass(frozen=True)
class RaisedFlag:
    """A red flag raised at a step, and whether the officer has acknowledged its prompt."""

    flag: str
    step: str
    acknowledged: bool = False


@dataclass(frozen=True)
class Conversation:
    """Where one officer is: the phase, the flow and step, and what has been answered so far.

    ``pending`` holds the ids ticked or covered so far while a checklist or free-text step is
    part-way through (None when the step has not been answered yet); it is kept while a red
    flag raised at that step waits. ``resume`` is where the flow goes once every raised red
    flag is acknowledged. ``misses`` counts the answers in a row the bot could not read, so
    the third is met with the options explained another way.
    """

    phase: Phase = "menu"
    flow: str | None = None
    step: str | None = None
    answers: tuple[Answer, ...] = ()
    red_flags: tuple[RaisedFlag, ...] = ()
    pending: tuple[str, ...] | None = None
    resume: str | None = None
    ended: Literal["completed", "cancelled"] | None = None
    expires_at: float = 0.0
    idle_seconds: float = DEFAULT_IDLE_SECONDS
    misses: int = 0
    schema_version: int = field(default=STATE_SCHEMA_VERSION)

    def with_changes(self, **changes: Any) -> Conversation:
        """A copy with some fields changed (the state itself never changes)."""
        return replace(self, **changes)

    def answer_to(self, step_id: str) -> Answer | None:
        """The latest answer to a step, if it was answered."""
        for answer in reversed(self.answers):
            if answer.step == step_id:
                return answer
        return None

    @property
    def unacknowledged(self) -> tuple[RaisedFlag, ...]:
        """Red flags still waiting for the officer to acknowledge them."""
        return tuple(flag for flag in self.red_flags if not flag.acknowledged)

    def to_json(self) -> dict[str, Any]:
        """A plain JSON object (ids, categories and numbers only)."""
        return {
            "schema_version": self.schema_version,
            "phase": self.phase,
            "flow": self.flow,
            "step": self.step,
            "answers": [
                {
                    "step": a.step,
                    "outcome": a.outcome,
                    "covered": list(a.covered),
                    "outstanding": list(a.outstanding),
                    "not_needed": list(a.not_needed),
                }
                for a in self.answers
            ],
            "red_flags": [
                {"flag": f.flag, "step": f.step, "acknowledged": f.acknowledged}
                for f in self.red_flags
            ],
            "pending": None if self.pending is None else list(self.pending),
            "resume": self.resume,
            "ended": self.ended,
            "expires_at": self.expires_at,
            "idle_seconds": self.idle_seconds,
            "misses": self.misses,
        }

    @classmethod
    def from_json(cls, data: object) -> Conversation:
        """Read a saved state, upgrading an older version or refusing with a clear message.

        Raises:
            StateError: the data is not a guidebot conversation, or its version cannot be read.
        """
        if not isinstance(data, dict) or "schema_version" not in data:
            raise StateError(
                "This is not a saved guidebot conversation. Start a fresh one with 'menu'."
            )
        data = migrate(data)
        try:
            return _build(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise StateError(
                f"The saved conversation is damaged ({exc}). Start a fresh one with 'menu'."
            ) from exc


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Upgrade saved state one version at a time to the version this guidebot reads.

    Raises:
        StateError: the version is newer than this guidebot, or older with no upgrade path.
    """
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise StateError(
            f"The saved conversation has version {version!r}, which guidebot cannot read. "
            "Start a fresh one with 'menu'."
        )
    if version > STATE_SCHEMA_VERSION:
        raise StateError(
            f"The saved conversation comes from a newer guidebot (version {version}; this one "
            f"reads up to {STATE_SCHEMA_VERSION}). Update guidebot, or start a fresh one with "
            "'menu'."
        )
    while version < STATE_SCHEMA_VERSION:
        upgrade = MIGRATIONS.get(version)
        if upgrade is None:
            raise StateError(
                f"The saved conversation comes from an older guidebot (version {version}) that "
                "this one cannot upgrade. Start a fresh one with 'menu'."
            )
        data = upgrade(dict(data))
        version += 1
        data["schema_version"] = version
    return data


def _ids(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError("a list of ids was expected")
    return tuple(value)


def _optional_text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"'{key}' must be an id")
    return value


def _build(data: dict[str, Any]) -> Conversation:
    phase = data["phase"]
    if phase not in PHASES:
        raise ValueError(f"unknown phase {phase!r}")
    ended = data.get("ended")
    if ended not in (None, "completed", "cancelled"):
        raise ValueError(f"unknown ending {ended!r}")
    answers = tuple(
        Answer(
            step=str(a["step"]),
            outcome=str(a["outcome"]),
            covered=_ids(a.get("covered", [])),
            outstanding=_ids(a.get("outstanding", [])),
            not_needed=_ids(a.get("not_needed", [])),
        )
        for a in data.get("answers", [])
    )
    flags = tuple(
        RaisedFlag(flag=str(f["flag"]), step=str(f["step"]), acknowledged=bool(f["acknowledged"]))
        for f in data.get("red_flags", [])
    )
    pending = data.get("pending")
    return Conversation(
        phase=phase,
        flow=_optional_text(data, "flow"),
        step=_optional_text(data, "step"),
        answers=answers,
        red_flags=flags,
        pending=None if pending is None else _ids(pending),
        resume=_optional_text(data, "resume"),
        ended=ended,
        expires_at=float(data["expires_at"]),
        idle_seconds=float(data.get("idle_seconds", DEFAULT_IDLE_SECONDS)),
        misses=int(data.get("misses", 0)),
        schema_version=STATE_SCHEMA_VERSION,
    )
