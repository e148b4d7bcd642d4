"""What the Telegram channel must remember about a chat between messages, and nothing more.

Which message holds the keyboard still open (a tap on any other is on a closed question), and
whether the last reply failed to arrive (the officer is then shown where they are before
anything else). Message ids count up within one chat and identify nobody; the chat itself
appears only as its pseudonym.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class ChatMark:
    """A chat's open keyboard, and whether a reply to it was lost."""

    keyboard_message: int | None = None
    keyboard_step: str | None = None
    undelivered: bool = False


class ChatMarks(Protocol):
    """Where marks are kept (:class:`bot.store.Store` keeps them in its database)."""

    def chat_mark(self, key: str) -> ChatMark | None:
        """The chat's mark, or None for a chat the bot has not answered yet."""
        ...

    def set_chat_mark(self, key: str, mark: ChatMark, *, now: float) -> None:
        """Remember the chat's mark, replacing the last."""
        ...


class MemoryMarks:
    """Marks in memory only, for a bot run that keeps no database."""

    def __init__(self) -> None:
        """Start with no chats."""
        self._marks: dict[str, ChatMark] = {}

    def chat_mark(self, key: str) -> ChatMark | None:
        """The chat's mark, or None."""
        return self._marks.get(key)

    def set_chat_mark(self, key: str, mark: ChatMark, *, now: float) -> None:
        """Remember the chat's mark."""
        self._marks[key] = mark


class StoreMarks:
    """Marks kept in the store's channel notes, so a restart keeps the open keyboard working."""

    CHANNEL = "telegram"

    def __init__(self, store: NoteStore) -> None:
        """Keep marks in ``store``."""
        self._store = store

    def chat_mark(self, key: str) -> ChatMark | None:
        """The chat's mark as last saved, or None."""
        note = self._store.channel_note(self.CHANNEL, key)
        if note is None:
            return None
        return ChatMark(
            keyboard_message=note.get("keyboard_message"),
            keyboard_step=note.get("keyboard_step"),
            undelivered=bool(note.get("undelivered", False)),
        )

    def set_chat_mark(self, key: str, mark: ChatMark, *, now: float) -> None:
        """Save the chat's mark."""
        note = {
            "keyboard_message": mark.keyboard_message,
            "keyboard_step": mark.keyboard_step,
            "undelivered": mark.undelivered,
        }
        self._store.set_channel_note(self.CHANNEL, key, note, now=now)


class NoteStore(Protocol):
    """The part of :class:`bot.store.Store` that keeps channel notes."""

    def channel_note(self, channel: str, key: str) -> dict[str, Any] | None:
        """The note, or None."""
        ...

    def set_channel_note(self, channel: str, key: str, note: dict[str, Any], *, now: float) -> None:
        """Replace the note."""
        ...
