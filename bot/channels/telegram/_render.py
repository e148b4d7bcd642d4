"""The engine's replies laid out for Telegram: few messages, HTML, inline keyboards.

A step's replies (an echo, a notice, the next question) become one Telegram message rather than
three, so an officer's phone buzzes once per answer and the per-chat send limit is rarely met.
A red flag and each guidance card get messages of their own, so that each can be found again
by scrolling; a summary shares its message only with the few words that lead into it and out
of it ("Stopped. Here is what you covered:", "Back to your question"), and a long one has its
own. Only what the engine marked (its role and data) decides the look; the text itself is never
inspected for meaning.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.engine import Button, Card, Reply

MESSAGE_LIMIT = 4096
"""Telegram's limit on a message's text, counted after HTML entities are parsed."""
ONE_ROW_LABELS = 30
"""Buttons share one row when their labels together are this short ("Yes", "No", "Not sure")."""
ONE_ROW_MOST = 3
"""More options than this go one per row, so a thumb hits the one it means."""


@dataclass(frozen=True)
class Outgoing:
    """One Telegram message to send: its HTML text and the keyboard under it, if any.

    ``step`` is the question the keyboard answers (None for the menu or a red flag), kept so
    that a press can be checked against the question still open.
    """

    html: str
    keyboard: tuple[tuple[Button, ...], ...] = ()
    step: str | None = None


@dataclass(frozen=True)
class _Block:
    """A piece of a message: its HTML and the length Telegram counts (the plain text)."""

    html: str
    plain: str


def render(replies: Sequence[Reply]) -> list[Outgoing]:
    """Lay a step's replies out as Telegram messages, each within Telegram's length limit."""
    groups: list[list[Reply]] = []
    group: list[Reply] = []
    for reply in replies:
        if group and _starts_new_message(group[-1], reply):
            groups.append(group)
            group = []
        group.append(reply)
        if reply.buttons:
            groups.append(group)
            group = []
    if group:
        groups.append(group)
    messages: list[Outgoing] = []
    for laid_out in _with_summaries_joined([_lay_out(group) for group in groups]):
        messages.extend(laid_out.messages())
    return messages


def keyboard_rows(buttons: Sequence[Button]) -> tuple[tuple[Button, ...], ...]:
    """Buttons in rows: short answers side by side, longer or many options one per row."""
    if not buttons:
        return ()
    labels = sum(len(button.label) for button in buttons)
    if len(buttons) <= ONE_ROW_MOST and labels <= ONE_ROW_LABELS:
        return (tuple(buttons),)
    return tuple((button,) for button in buttons)


def _kind(reply: Reply) -> str:
    """Replies of one kind share a message: the talk of a step, a red flag, a card, a summary."""
    if reply.role in ("echo", "notice", "question"):
        return "talk"
    if reply.role == "card" and reply.card is not None:
        return f"card:{reply.card.entry}"
    return reply.role


def _starts_new_message(previous: Reply, reply: Reply) -> bool:
    return _kind(previous) != _kind(reply)


@dataclass(frozen=True)
class _LaidOut:
    """A group of replies as blocks, before they are packed into messages."""

    kind: str
    blocks: tuple[_Block, ...]
    keyboard: tuple[tuple[Button, ...], ...] = ()
    step: str | None = None

    @property
    def length(self) -> int:
        """What Telegram would count if the blocks were one message."""
        return sum(len(block.plain) for block in self.blocks) + 2 * (len(self.blocks) - 1)

    def messages(self) -> list[Outgoing]:
        """The blocks packed under the limit, the keyboard under the last message."""
        chunks = _pack(self.blocks)
        return [
            Outgoing(chunk, self.keyboard if index == len(chunks) - 1 else (), self.step)
            for index, chunk in enumerate(chunks)
        ]


def _lay_out(group: Sequence[Reply]) -> _LaidOut:
    kind = _kind(group[0])
    last = group[-1]
    if kind.startswith("card:") and group[0].card is not None:
        blocks = _card_blocks(group[0].card)
    elif kind == "red_flag":
        blocks = _red_flag_blocks(group)
    elif kind == "summary":
        blocks = _summary_blocks(group)
    else:
        blocks = [_plain(reply.text) for reply in group if reply.text]
    step = last.step if last.buttons else None
    return _LaidOut(kind, tuple(blocks), keyboard_rows(last.buttons), step)


def _with_summaries_joined(parts: Sequence[_LaidOut]) -> list[_LaidOut]:
    """A summary that fits in one message shares it with the talk just before and after it.

    "Stopped. Here is what you covered:", the summary, and "Send anything to start again"
    arrive as one message rather than three: one buzz for the officer, and one call to
    Telegram's per-chat and bot-wide limits instead of three. The summary stays one
    preformatted block, copied with a tap. A summary too long for one message keeps messages
    of its own; a red flag or a card is never joined to anything.
    """
    joined: list[_LaidOut] = []
    for part in parts:
        previous = joined[-1] if joined else None
        if previous is not None and _joinable(previous, part):
            # Talk may still follow a lead-in and its summary; nothing follows the talk after.
            kind = "summary" if part.kind == "summary" else "joined"
            joined[-1] = _LaidOut(kind, previous.blocks + part.blocks, part.keyboard, part.step)
        else:
            joined.append(part)
    return joined


def _joinable(first: _LaidOut, second: _LaidOut) -> bool:
    if (first.kind, second.kind) not in (("talk", "summary"), ("summary", "talk")):
        return False
    if first.keyboard:
        return False  # the talk before ends with a question: its keyboard must stay last
    summary = first if first.kind == "summary" else second
    return summary.length <= MESSAGE_LIMIT and first.length + second.length + 2 <= MESSAGE_LIMIT


def _plain(text: str) -> _Block:
    return _Block(html.escape(text, quote=False), text)


def _bold(text: str) -> _Block:
    return _Block(f"<b>{html.escape(text, quote=False)}</b>", text)


def _italic(text: str) -> _Block:
    return _Block(f"<i>{html.escape(text, quote=False)}</i>", text)


_HEADLINE = re.compile(r"^(RED FLAG:[^.!?]*[.!?])\s*(.*)$", re.S)


def _red_flag_blocks(group: Sequence[Reply]) -> list[_Block]:
    """The flag's name in bold, then what to do, then its source in italics."""
    blocks: list[_Block] = []
    for reply in group:
        if not reply.text:
            continue
        headline = _HEADLINE.match(reply.text)
        if headline:
            blocks.append(_bold(headline.group(1)))
            if headline.group(2):
                blocks.append(_plain(headline.group(2)))
        elif reply.text.startswith("Source:"):
            blocks.append(_italic(reply.text))
        else:
            blocks.append(_plain(reply.text))
    return blocks


def _card_blocks(card: Card) -> list[_Block]:
    """A guidance card from its data: title, summary, points, questions, source."""
    blocks = [_bold(card.title), _plain(card.summary)]
    if card.points:
        blocks.append(_plain("\n".join(f"• {point}" for point in card.points)))
    if card.ask_yourself:
        questions = "\n".join(f"• {question}" for question in card.ask_yourself)
        blocks.append(_plain(f"Ask yourself:\n{questions}"))
    if card.sources:
        blocks.append(_italic(f"Source: {'; '.join(card.sources)}"))
    if card.cut_short:
        blocks.append(_plain("Say 'more' for the rest."))
    return blocks


def _summary_blocks(group: Sequence[Reply]) -> list[_Block]:
    """A summary in a preformatted block: one tap copies it into a note or a referral."""
    # The text already starts with its title; a bold copy above it would be copied twice.
    blocks: list[_Block] = []
    for reply in group:
        for piece in _split(reply.text, MESSAGE_LIMIT - 64):
            blocks.append(_Block(f"<pre>{html.escape(piece, quote=False)}</pre>", piece))
    return blocks


def _pack(blocks: Iterable[_Block]) -> list[str]:
    """Join blocks with blank lines into as few messages as fit under the limit.

    A block too long on its own is split at the best boundary available (a blank line, a line,
    a sentence, a word) and each piece escaped on its own, so no tag is ever cut in two.
    """
    chunks: list[str] = []
    current_html: list[str] = []
    current_length = 0
    for block in blocks:
        pieces = [block] if len(block.plain) <= MESSAGE_LIMIT else _split_block(block)
        for piece in pieces:
            extra = len(piece.plain) + (2 if current_html else 0)
            if current_html and current_length + extra > MESSAGE_LIMIT:
                chunks.append("\n\n".join(current_html))
                current_html, current_length = [], 0
                extra = len(piece.plain)
            current_html.append(piece.html)
            current_length += extra
    if current_html:
        chunks.append("\n\n".join(current_html))
    return chunks or [""]


def _split_block(block: _Block) -> list[_Block]:
    """An over-long block as plain pieces (any bold or italics of so long a block are lost)."""
    return [_plain(piece) for piece in _split(block.plain, MESSAGE_LIMIT)]


_BOUNDARIES = ("\n\n", "\n", ". ", " ")


def _split(text: str, limit: int) -> list[str]:
    """Text in pieces of at most ``limit`` characters, cut at the latest sensible boundary."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = -1
        for boundary in _BOUNDARIES:
            at = rest.rfind(boundary, 0, limit)
            if at > limit // 2:
                cut = at + (1 if boundary == ". " else 0)
                break
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces
