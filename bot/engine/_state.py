"""The conversation state: small, JSON-serialisable, and free of anything the officer typed.

Answers are kept as categories only (yes, no, unsure, a choice id, a band id, the ids of the
points a free answer covered), so a saved conversation can never leak a name or an address. The
state carries its own idle deadline, so an expired conversation is recognised after a restart.

The state is frozen pydantic types with unknown fields refused: a saved conversation is
checked field by field when it is read back, and it has no field for what the officer said,
only ids, categories and numbers. Reading goes through :func:`migrate` first, so an older
saved state is upgraded one version at a time before it is checked against today's shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.dataclasses import dataclass
from pydantic_core import ErrorDetails

STATE_SCHEMA_VERSION = 6
DEFAULT_IDLE_SECONDS = 30 * 60

Phase = Literal["menu", "step", "red_flag", "ended", "expired"]
PHASES: tuple[str, ...] = get_args(Phase)


def _add_misses(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 counts answers in a row the bot could not read (none, in an older state)."""
    return {**data, "misses": 0}


def _add_shown(data: dict[str, Any]) -> dict[str, Any]:
    """Version 3 remembers which guidance cards 'more' can finish (none, in an older state)."""
    return {**data, "shown": []}


def _add_log_counters(data: dict[str, Any]) -> dict[str, Any]:
    """Version 4 numbers the audit log's runs and events and times the open question.

    An older state starts counting from nothing, and its open question has no start time.
    """
    return {**data, "run": 0, "seq": 0, "asked_at": None}


def _add_practice_and_feedback(data: dict[str, Any]) -> dict[str, Any]:
    """Version 5 marks practice, and remembers the guidance last shown for 'feedback'.

    An older state is operational (practice did not exist) and has shown nothing to rate yet.
    """
    return {**data, "practice": False, "guidance": None, "feedback": None}


def _add_ahead(data: dict[str, Any]) -> dict[str, Any]:
    """Version 6 keeps the answers an opener gave to later questions (none, in an older state)."""
    return {**data, "ahead": []}


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    1: _add_misses,
    2: _add_shown,
    3: _add_log_counters,
    4: _add_practice_and_feedback,
    5: _add_ahead,
}
"""Upgrades of saved state: ``MIGRATIONS[n]`` turns a version ``n`` state into version ``n + 1``.

When the shape changes, add the step here rather than breaking every conversation saved before
the upgrade.
"""


class StateError(ValueError):
    """A saved conversation cannot be read; the message says what to do instead."""


SAVED_FIELDS = ("phase", "expires_at")
"""Fields a saved conversation must state: a default would quietly put it back at the menu,
or make it expire at once, instead of saying it is damaged."""


NO_EXTRA_FIELDS = ConfigDict(extra="forbid")
"""Unknown fields refused, so a saved state holds exactly these fields and nothing typed."""


@dataclass(frozen=True, config=NO_EXTRA_FIELDS)
class Answer:
    """One answered step: its category, and for free answers the ids of the points involved.

    A pydantic dataclass rather than a model so that the steps can write ``Answer(id, "yes")``;
    it is validated when built, and as part of a saved conversation when read back.
    """

    step: str
    outcome: str
    covered: tuple[str, ...] = ()
    outstanding: tuple[str, ...] = ()
    not_needed: tuple[str, ...] = ()


@dataclass(frozen=True, config=NO_EXTRA_FIELDS)
class RaisedFlag:
    """A red flag raised at a step, and whether the officer has acknowledged its prompt."""

    flag: str
    step: str
    acknowledged: bool = False


@dataclass(frozen=True, config=NO_EXTRA_FIELDS)
class Shown:
    """The guidance last put in front of the officer: what a 'feedback' rates.

    ``entries`` are the knowledge ids of the cards shown (``cards``), or of the question's own
    guidance (none, for a question with no card behind it); ``flow`` and ``step`` say where.
    """

    flow: str | None = None
    step: str | None = None
    entries: tuple[str, ...] = ()
    cards: bool = False


@dataclass(frozen=True, config=NO_EXTRA_FIELDS)
class FeedbackDraft:
    """Feedback part-way through: what it rates and, once pressed, the rating.

    Kept in the state (ids and a category only) so a restart between the rating and the
    comment loses nothing; the comment itself is never kept here, only in the event, scrubbed.
    """

    about: Shown
    rating: Literal["helpful", "not_helpful", "wrong"] | None = None


class Conversation(BaseModel):
    """Where one officer is: the phase, the flow and step, and what has been answered so far.

    ``pending`` holds the ids ticked or covered so far while a checklist or free-text step is
    part-way through (None when the step has not been answered yet); it is kept while a red
    flag raised at that step waits. ``resume`` is where the flow goes once every raised red
    flag is acknowledged. ``misses`` counts the answers in a row the bot could not read, so
    the third is met with the options explained another way. ``shown`` holds the ids of the
    knowledge entries whose cards the last reply cut short, so 'more' can show the rest.
    ``run`` and ``seq`` number the flow runs and the audit events of this conversation, and
    ``asked_at`` is when the open question was shown, so the log can say how long it took.
    ``practice`` marks a practice conversation: every audit event it gives is marked too, and
    it lasts until the flow it covers ends. ``guidance`` is what was shown last, for
    'feedback', and ``feedback`` a rating in progress. ``ahead`` holds what an opener typed at
    the menu answered of questions further on ("on a 136" says why the child is in custody,
    though age is asked first), as categories only: each is taken, and said back, when the flow
    reaches its question, so the officer is not asked twice and can still undo it with 'back'.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: int = STATE_SCHEMA_VERSION
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
    shown: tuple[str, ...] = ()
    run: int = 0
    seq: int = 0
    asked_at: float | None = None
    practice: bool = False
    guidance: Shown | None = None
    feedback: FeedbackDraft | None = None
    ahead: tuple[Answer, ...] = ()

    def with_changes(self, **changes: Any) -> Conversation:
        """A copy with some fields changed (the state itself never changes).

        Like :func:`dataclasses.replace`, and as cheap: the engine calls it several times a
        step, so the values are not validated again, but a misspelt field name is refused.

        Raises:
            TypeError: a change names a field the state does not have.
        """
        unknown = changes.keys() - type(self).model_fields.keys()
        if unknown:
            raise TypeError(f"a conversation has no field {', '.join(sorted(unknown))}")
        return self.model_copy(update=changes)

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
        return self.model_dump(mode="json")

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
        reasons = [f"'{key}' is missing" for key in SAVED_FIELDS if key not in data]
        if not reasons:
            try:
                return cls.model_validate(data)
            except ValidationError as exc:
                reasons = [_reason(error) for error in exc.errors()]
        raise StateError(
            f"The saved conversation is damaged ({'; '.join(reasons)}). Start a fresh one with "
            "'menu'."
        )


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


_PLAIN = {
    "string_type": "must be an id (text)",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
    "dataclass_type": "must be a mapping",
    "dataclass_exact_type": "must be a mapping",
}
_MISSING = ("missing", "missing_argument", "missing_keyword_only_argument")
_UNKNOWN = ("extra_forbidden", "unexpected_keyword_argument")


def _reason(error: ErrorDetails) -> str:
    """One pydantic error as a short reason: ``unknown phase 'dancing'``, ``'misses' ...``."""
    loc = error["loc"]
    kind = error["type"]
    if loc in (("phase",), ("ended",)) and kind == "literal_error":
        name = "phase" if loc == ("phase",) else "ending"
        return f"unknown {name} {error['input']!r}"
    where = " ".join(f"item {part + 1}" if isinstance(part, int) else f"'{part}'" for part in loc)
    if kind in _MISSING:
        return f"{where} is missing"
    if kind in _UNKNOWN:
        return f"{where} is not part of a saved conversation"
    return f"{where} {_PLAIN.get(kind, error['msg'])}"
