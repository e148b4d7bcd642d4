"""What goes into the engine (events) and what comes out of it (effects).

All of them are small frozen dataclasses so that a channel (Telegram, the console, a test) only
carries them out and the engine itself never touches a network, a disk or a clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal, get_args


@dataclass(frozen=True)
class Start:
    """The officer opened the chat (or asked for a fresh start): show the menu."""

    now: float


@dataclass(frozen=True)
class Text:
    """A typed or spoken message.

    The text is read by the step that receives it and then dropped: the engine never copies it
    into the conversation state or an audit event. A voice note comes ``via`` voice, with the
    recogniser's other readings in ``alternatives`` and its ``confidence`` (0 to 1): danger in
    any reading is danger, because a misheard "knife" must still bring protect-first.
    """

    text: str
    now: float
    via: Literal["typed", "voice"] = "typed"
    alternatives: tuple[str, ...] = ()
    confidence: float | None = None


@dataclass(frozen=True)
class Press:
    """A button press, carrying the button's value rather than its label."""

    value: str
    now: float


@dataclass(frozen=True)
class Tick:
    """Time passing with no message: a channel's timer.

    An idle conversation is then closed, and the officer told, when it happens, not when they
    next write.
    """

    now: float


Event = Start | Text | Press | Tick


@dataclass(frozen=True)
class Button:
    """One option offered to the officer.

    ``label`` is what is shown (1 to 3 words); ``value`` is what a press sends back, so a
    relabelled button never changes what an answer means.
    """

    label: str
    value: str


ReplyRole = Literal["question", "echo", "red_flag", "card", "summary", "notice"]
"""What a reply is for, so a channel can render it (a red flag in bold, a summary to copy, a
question whose keyboard is removed once answered) without reading its text."""


@dataclass(frozen=True)
class Card:
    """A knowledge entry as data: a channel lays it out, a voice reads it."""

    entry: str
    title: str
    summary: str
    points: tuple[str, ...]
    sources: tuple[str, ...]
    ask_yourself: tuple[str, ...] = ()
    cut_short: bool = False
    """Some points were left out to fit a phone screen; 'more' shows them."""


@dataclass(frozen=True)
class SummarySection:
    """One heading of a summary ("Red flags", "To follow up") and its lines."""

    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class SummaryData:
    """A flow's summary as data; :attr:`Reply.text` holds it rendered as plain text."""

    title: str
    final: bool
    sections: tuple[SummarySection, ...]
    sources: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Reply:
    """A message for the officer, with any buttons to show under it.

    ``takes_number`` marks a question answered with a number (an age, a time): a bare number
    typed now is the answer, so a channel that lets a typed number press a button must not do
    so here ("3" is three hours, not the third button). ``copyable`` marks a summary meant to
    be copied into a note: it may run longer than a phone screen, and a channel may show it
    so that it is easy to copy. ``role`` and ``step`` say what the reply is and which question
    it asks or answers; ``card`` and ``summary`` carry guidance and summaries as data.
    """

    text: str
    buttons: tuple[Button, ...] = ()
    takes_number: bool = False
    copyable: bool = False
    role: ReplyRole = "notice"
    step: str | None = None
    card: Card | None = None
    summary: SummaryData | None = None

    @property
    def speech(self) -> str:
        """The reply as it should be read aloud: no symbols, and the options said as words."""
        spoken = speakable(self.text)
        if self.buttons:
            labels = [button.label for button in self.buttons]
            options = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} or {labels[-1]}"
            if spoken and spoken[-1] not in ".?!":
                spoken += "."
            spoken = f"{spoken} Say {options}." if spoken else f"Say {options}."
        return spoken


_SPOKEN = (
    (re.compile(r"§§?\s*"), "section "),
    (re.compile(r"\bs(\d+[A-Z]?)(?=[\s(),.;:]|$)"), r"section \1"),
    (re.compile(r"\[\d+\]\s*"), ""),
    (re.compile(r"^\s*[•\-]\s+", re.M), ""),
    (re.compile(r"\s*\n+\s*"), ". "),
    (re.compile(r"([.?!:;])\.\s"), r"\1 "),
    (re.compile(r"\s{2,}"), " "),
)


def speakable(text: str) -> str:
    """Text a speech synthesiser reads well.

    "§" and "s46" become "section", bullets and numbers in brackets go, lines become sentences.
    """
    spoken = text
    for pattern, replacement in _SPOKEN:
        spoken = pattern.sub(replacement, spoken)
    return spoken.strip()


AuditKind = Literal[
    "menu_shown",
    "flow_started",
    "prompt_shown",
    "answer",
    "transition",
    "not_understood",
    "red_flag",
    "red_flag_acknowledged",
    "red_flag_blocked",
    "danger_now",
    "back",
    "skip",
    "skip_refused",
    "help",
    "why",
    "more_shown",
    "summary_shown",
    "search",
    "cancelled",
    "flow_completed",
    "expired",
    "state_outdated",
    "practice_started",
    "feedback",
    "read_back",
    "not_heard",
]
"""Every kind of audit event; mypy refuses any other."""


@dataclass(frozen=True)
class AuditEvent:
    """Something an auditor or trainer may later count: categories and ids only, never text.

    ``kind`` is one of :data:`AuditKind`. ``items`` holds the ids of the points a free answer
    covered (or left outstanding, in ``outstanding``); ``entries`` holds knowledge entry ids,
    e.g. the results of a search. The engine stamps every event of a step with ``at`` (the
    event's time), ``run`` (which flow run of the conversation, new at each flow start),
    ``seq`` (its place in the conversation's log, never reused), ``version`` (a hash of the
    flows and knowledge in force) and, on an answer, ``step_seconds`` (how long the question
    was open). ``withdrawn`` is the outcome a 'back' took away. ``channel`` is stamped by the
    session that carried the message (console, telegram). ``practice`` marks every event of a
    practice conversation. ``question`` (a search that found nothing) and ``comment`` (on
    ``feedback``, with its ``rating``) hold text only after :func:`bot.scrub.scrub_question`:
    the engine scrubs before it builds the event, so no event ever holds the words as typed
    (:mod:`bot.event_fields` names these fields for the log's readers).
    """

    kind: AuditKind
    flow: str | None = None
    step: str | None = None
    outcome: str | None = None
    to_step: str | None = None
    red_flag: str | None = None
    status: str | None = None
    items: tuple[str, ...] = ()
    outstanding: tuple[str, ...] = ()
    entries: tuple[str, ...] = ()
    red_flags: tuple[str, ...] = field(default=())
    withdrawn: str | None = None
    at: float | None = None
    run: int = 0
    seq: int = 0
    version: str | None = None
    step_seconds: float | None = None
    channel: str | None = None
    practice: bool = False
    question: str | None = None
    rating: str | None = None
    comment: str | None = None
    via: Literal["voice"] | None = None
    """Set by the session on what a voice note did (never the words heard)."""
    confidence: float | None = None
    """How sure the recogniser was of that voice note (0 to 1)."""

    def to_json(self) -> dict[str, Any]:
        """A compact JSON object: empty fields are left out so a log line stays short."""
        data: dict[str, Any] = {"kind": self.kind}
        for name in (
            "flow",
            "step",
            "outcome",
            "to_step",
            "red_flag",
            "status",
            "items",
            "outstanding",
            "entries",
            "red_flags",
            "withdrawn",
            "at",
            "run",
            "seq",
            "version",
            "step_seconds",
            "channel",
            "practice",
            "question",
            "rating",
            "comment",
            "via",
            "confidence",
        ):
            value = getattr(self, name)
            if value or (name in ("step_seconds", "confidence") and value is not None):
                data[name] = list(value) if isinstance(value, tuple) else value
        return data


AUDIT_KINDS: tuple[AuditKind, ...] = get_args(AuditKind)

Effect = Reply | AuditEvent
