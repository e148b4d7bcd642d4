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
    """Marks kept in the store's channel notes, so a restart keeps the open keyboard working.

    Every mark is written through to the database as before; what was last read or written
    is also kept in memory, so an update does not read its chat's note back (a tap read it
    twice: once to answer it as it arrived, once in its turn) and a mark that did not change
    is not written again. Only this process writes the Telegram channel's notes (one bot per
    data folder, held by its lock file), so the copy in memory is the database's.
    """

    CHANNEL = "telegram"
    MOST_KEPT = 10_000
    """Chats whose mark is kept in memory at most; beyond it the oldest are read again."""

    def __init__(self, store: NoteStore) -> None:
        """Keep marks in ``store``."""
        self._store = store
        self._known: dict[str, ChatMark | None] = {}

    def chat_mark(self, key: str) -> ChatMark | None:
        """The chat's mark as last saved, or None."""
        if key in self._known:
            return self._known[key]
        note = self._store.channel_note(self.CHANNEL, key)
        mark = (
            None
            if note is None
            else ChatMark(
                keyboard_message=note.get("keyboard_message"),
                keyboard_step=note.get("keyboard_step"),
                undelivered=bool(note.get("undelivered", False)),
            )
        )
        self._keep(key, mark)
        return mark

    def set_chat_mark(self, key: str, mark: ChatMark, *, now: float) -> None:
        """Save the chat's mark (a mark the database already holds is not written again)."""
        if key in self._known and self._known[key] == mark:
            return
        note = {
            "keyboard_message": mark.keyboard_message,
            "keyboard_step": mark.keyboard_step,
            "undelivered": mark.undelivered,
        }
        # Kept only once written: a failed write leaves memory as the database is.
        self._known.pop(key, None)
        self._store.set_channel_note(self.CHANNEL, key, note, now=now)
        self._keep(key, mark)

    def _keep(self, key: str, mark: ChatMark | None) -> None:
        if len(self._known) >= self.MOST_KEPT:
            del self._known[next(iter(self._known))]  # the chat kept longest ago
        self._known[key] = mark


class NoteStore(Protocol):
    """The part of :class:`bot.store.Store` that keeps channel notes."""

    def channel_note(self, channel: str, key: str) -> dict[str, Any] | None:
        """The note, or None."""
        ...

    def set_channel_note(self, channel: str, key: str, note: dict[str, Any], *, now: float) -> None:
        """Replace the note."""
        ...
