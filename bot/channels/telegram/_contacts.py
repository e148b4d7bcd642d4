"""The chats the bot may message unprompted (to say an idle conversation has closed).

Only a conversation's pseudonym is ever stored in clear; its chat id is kept sealed (encrypted
under a key held outside the database), and opened only at the moment a message must go out.
"""

from __future__ import annotations

from typing import Protocol

from bot.keys import SealError


class Sealer(Protocol):
    """Authenticated encryption of a short text (:class:`bot.keys.Keys` is one)."""

    def seal(self, value: str) -> str:
        """The sealed text."""
        ...

    def unseal(self, token: str) -> str:
        """The text again (raises if the token was altered or sealed under another key)."""
        ...


class ContactStore(Protocol):
    """Where sealed chat ids are kept (:class:`bot.store.Store` is one)."""

    def save_contact(self, key: str, sealed_chat: str, *, now: float) -> None:
        """Keep the sealed chat id for conversation ``key``."""
        ...

    def contact(self, key: str) -> str | None:
        """The sealed chat id for conversation ``key``, or None."""
        ...


class Contacts:
    """Remember how to reach a conversation's chat, sealed; look it up when a timer needs it."""

    def __init__(self, store: ContactStore, sealer: Sealer) -> None:
        """Keep sealed chat ids in ``store``, sealed by ``sealer``."""
        self._store = store
        self._sealer = sealer
        self._known: set[str] = set()

    def remember(self, key: str, chat: int, *, now: float) -> None:
        """Keep the chat id for ``key``, checked once per process (a private chat's never changes).

        A kept id that no longer opens (sealed under a seal key since lost and made anew) is
        sealed again: that is what lets a new seal key mend itself as officers write.
        """
        if key in self._known:
            return
        if self.chat_of(key) != chat:
            self._store.save_contact(key, self._sealer.seal(str(chat)), now=now)
        self._known.add(key)

    def chat_of(self, key: str) -> int | None:
        """The chat id for ``key``, or None if none is kept or it cannot be opened."""
        sealed = self._store.contact(key)
        if sealed is None:
            return None
        try:
            return int(self._sealer.unseal(sealed))
        except (ValueError, SealError):  # a damaged row, or sealed under another key
            return None
