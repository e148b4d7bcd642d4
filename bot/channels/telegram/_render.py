"""The engine's replies laid out for Telegram: few messages, HTML, inline keyboards.

A step's replies (an echo, a notice, the next question) become one Telegram message rather than
three, so an officer's phone buzzes once per answer and the per-chat send limit is rarely met.
A red flag, each guidance card and a summary get messages of their own, so that each can be
found again by scrolling. Only what the engine marked (its role and data) decides the look; the
text itself is never inspected for meaning.
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
    messages: list[Outgoing] = []
    group: list[Reply] = []
    for reply in replies:
        if group and _starts_new_message(group[-1], reply):
            messages.extend(_render_group(group))
            group = []
        group.append(reply)
        if reply.buttons:
            messages.extend(_render_group(group))
            group = []
    if group:
        messages.extend(_render_group(group))
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


def _render_group(group: Sequence[Reply]) -> list[Outgoing]:
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
    keyboard = keyboard_rows(last.buttons)
    step = last.step if last.buttons else None
    chunks = _pack(blocks)
    return [
        Outgoing(chunk, keyboard if index == len(chunks) - 1 else (), step)
        for index, chunk in enumerate(chunks)
    ]


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
