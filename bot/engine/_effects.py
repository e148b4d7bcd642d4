"""What goes into the engine (events) and what comes out of it (effects).

All of them are small frozen dataclasses so that a channel (Telegram, the console, a test) only
carries them out and the engine itself never touches a network, a disk or a clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Start:
    """The officer opened the chat (or asked for a fresh start): show the menu."""

    now: float


@dataclass(frozen=True)
class Text:
    """A typed or spoken message.

    The text is read by the step that receives it and then dropped: the engine never copies it
    into the conversation state or an audit event.
    """

    text: str
    now: float


@dataclass(frozen=True)
class Press:
    """A button press, carrying the button's value rather than its label."""

    value: str
    now: float


Event = Start | Text | Press


@dataclass(frozen=True)
class Button:
    """One option offered to the officer.

    ``label`` is what is shown (1 to 3 words); ``value`` is what a press sends back, so a
    relabelled button never changes what an answer means.
    """

    label: str
    value: str


@dataclass(frozen=True)
class Reply:
    """A message for the officer, with any buttons to show under it.

    ``takes_number`` marks a question answered with a number (an age, a time): a bare number
    typed now is the answer, so a channel that lets a typed number press a button must not do
    so here ("3" is three hours, not the third button). ``copyable`` marks a summary meant to
    be copied into a note: it may run longer than a phone screen, and a channel may show it
    so that it is easy to copy.
    """

    text: str
    buttons: tuple[Button, ...] = ()
    takes_number: bool = False
    copyable: bool = False


@dataclass(frozen=True)
class AuditEvent:
    """Something an auditor or trainer may later count: categories and ids only, never text.

    ``kind`` is one of the names in :data:`AUDIT_KINDS`. ``items`` holds the ids of the points a
    free answer covered (or left outstanding, in ``outstanding``); ``entries`` holds knowledge
    entry ids, e.g. the results of a search.
    """

    kind: str
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
        ):
            value = getattr(self, name)
            if value:
                data[name] = list(value) if isinstance(value, tuple) else value
        return data


AUDIT_KINDS = (
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
)

Effect = Reply | AuditEvent
