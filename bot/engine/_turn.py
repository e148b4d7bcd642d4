"""One step's output as it is put together: replies and audit events, in order.

Officers read replies on a phone, often at 3 a.m., so the rules for fitting a message to a screen
live here, in one place: a list that would run past a screen goes out as several short messages,
and a knowledge card is its title, summary and source, with the guidance points after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.engine._compile import KnowledgeSource
from bot.engine._effects import (
    AuditEvent,
    AuditKind,
    Button,
    Card,
    Effect,
    Reply,
    ReplyRole,
    SummaryData,
)
from bot.knowledge import Entry

MESSAGE_LIMIT = 300
"""About what fits on a phone screen without scrolling (style.md, "Writing for officers")."""


@dataclass
class Turn:
    """The effects of one step, collected in the order a channel must carry them out."""

    effects: list[Effect] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    """Knowledge entries whose cards this turn cut short: 'more' shows the rest next."""
    cards: list[str] = field(default_factory=list)
    """Knowledge entries whose cards this turn showed: what a 'feedback' next would rate."""
    prompted: tuple[str, str, tuple[str, ...]] | None = None
    """The question this turn asked last (flow, step, its knowledge entries), for 'feedback'."""

    def say(
        self,
        text: str,
        buttons: Sequence[Button] = (),
        *,
        takes_number: bool = False,
        copyable: bool = False,
        role: ReplyRole = "notice",
        step: str | None = None,
        card: Card | None = None,
        summary: SummaryData | None = None,
    ) -> None:
        """Add a reply (see :class:`~bot.engine.Reply` for what each field is for)."""
        self.effects.append(
            Reply(text, tuple(buttons), takes_number, copyable, role, step, card, summary)
        )

    def say_fitted(
        self,
        text: str,
        buttons: Sequence[Button] = (),
        *,
        takes_number: bool = False,
        role: ReplyRole = "notice",
        step: str | None = None,
        card: Card | None = None,
    ) -> None:
        """Say a text of several lines as messages that each fit a screen, split at line ends.

        The buttons go under the last message, where the question is. A single line longer
        than a screen is sent whole rather than cut mid-sentence.
        """
        chunks: list[str] = []
        for line in text.split("\n"):
            if chunks and len(chunks[-1]) + 1 + len(line) <= MESSAGE_LIMIT:
                chunks[-1] = f"{chunks[-1]}\n{line}"
            else:
                chunks.append(line)
        for chunk in chunks[:-1]:
            self.say(chunk, role=role, step=step, card=card)
        self.say(chunks[-1], buttons, takes_number=takes_number, role=role, step=step, card=card)

    def say_list(
        self,
        heading: str,
        lines: Sequence[str],
        *,
        role: ReplyRole = "notice",
        step: str | None = None,
    ) -> None:
        """A heading and one line per item, carried on in a next message if it runs long.

        A follow-up list can hold a dozen prompts; sent as one paragraph it needs scrolling and
        the officer loses their place.
        """
        self.say_fitted(
            "\n".join([heading, *(f"- {line}" for line in lines)]), role=role, step=step
        )

    def audit(self, kind: AuditKind, **fields: object) -> None:
        """Add an audit event: categories and ids only, never what the officer typed."""
        self.effects.append(AuditEvent(kind, **fields))  # type: ignore[arg-type]


def separator(names: Sequence[str]) -> str:
    """How to separate names in a list: a semicolon when one of them holds a comma itself.

    "What you saw, heard, Your judgement" reads as three things ticked where two were:
    "What you saw, heard; Your judgement" does not.
    """
    return "; " if any("," in name for name in names) else ", "


def join(names: Sequence[str]) -> str:
    """Names as a sentence would list them: "a", "a and b", "a, b and c"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{separator(names).join(names[:-1])} and {names[-1]}"


def sources(knowledge: KnowledgeSource, entry_ids: Sequence[str]) -> str:
    """The first source of each entry, without repeats: what a prompt is grounded in."""
    found: list[str] = []
    for entry_id in entry_ids:
        entry = knowledge.get(entry_id)
        if entry is not None:
            found += [s for s in entry.source[:1] if s not in found]
    return "; ".join(found)


KEY_POINTS = 2
"""Guidance points a card shows at once; 'more' shows the rest."""

MORE_HINT = "Say 'more' for the rest."


def say_card(turn: Turn, entry: Entry, *, points: bool = True) -> None:
    """A knowledge entry as short messages: what to do and its source, then two key points.

    The summary is the one sentence to act on, so it comes first with the source that backs
    it; the guidance points (unless ``points`` is False) follow on their own lines, so neither
    message needs scrolling on a phone. A card cut short says so, and 'more' shows the rest.
    """
    shown = entry.guidance[:KEY_POINTS] if points else ()
    card = Card(
        entry.id,
        entry.title,
        entry.summary,
        tuple(shown),
        entry.source[:1],
        cut_short=len(entry.guidance) > len(shown),
    )
    turn.say(f"{entry.title}: {entry.summary} (Source: {entry.source[0]})", role="card", card=card)
    if shown:
        lines = [f"• {line}" for line in shown]
        if len(entry.guidance) > len(shown):
            lines.append(MORE_HINT)
        turn.say("\n".join(lines), role="card", card=card)
    turn.shown.append(entry.id)
    turn.cards.append(entry.id)


def say_full_card(turn: Turn, entry: Entry) -> None:
    """Everything a card holds: every guidance point, the questions to ask yourself, sources."""
    lines = [f"{entry.title}, in full:", *(f"• {line}" for line in entry.guidance)]
    if entry.ask_yourself:
        lines += ["Ask yourself:", *(f"- {line}" for line in entry.ask_yourself)]
    lines.append(f"Sources: {'; '.join(entry.source)}")
    card = Card(
        entry.id,
        entry.title,
        entry.summary,
        entry.guidance,
        entry.source,
        ask_yourself=entry.ask_yourself,
    )
    turn.say_fitted("\n".join(lines), role="card", card=card)
    turn.cards.append(entry.id)
