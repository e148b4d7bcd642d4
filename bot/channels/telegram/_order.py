"""Updates from one chat in the order they came, different chats at the same time.

python-telegram-bot handles one update at a time for the whole bot by default, and its
``concurrent_updates`` gives no order within a chat. An officer who taps two buttons quickly
must have both read in order, while a hundred other officers are not kept waiting behind them,
so each chat gets its own lock here.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 256
"""Updates in hand at once across all chats; more wait their turn."""


def chat_of(update: object) -> int | None:
    """The chat an update belongs to (None for updates with no chat, such as a poll's)."""
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PerChatOrder(BaseUpdateProcessor):
    """Run updates concurrently, but one chat's strictly one after another."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        """Allow ``max_concurrent_updates`` at once in all, one at a time per chat."""
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's earlier updates to finish, then handle this one."""
        chat = chat_of(update)
        if chat is None:
            await coroutine
            return
        async with self.lock_for(chat):
            await coroutine

    @asynccontextmanager
    async def lock_for(self, chat: int) -> AsyncIterator[None]:
        """Hold the chat's turn: for an update, or for a timer that must not interleave."""
        lock = self._locks.setdefault(chat, asyncio.Lock())
        self._waiting[chat] = self._waiting.get(chat, 0) + 1
        try:
            async with lock:
                yield
        finally:
            # Forget a chat's lock once nobody holds or waits for it, so a bot that has met
            # thousands of chats keeps only the busy ones.
            self._waiting[chat] -= 1
            if not self._waiting[chat]:
                del self._waiting[chat]
                del self._locks[chat]

    async def initialize(self) -> None:
        """Nothing to set up: locks are made as chats appear."""

    async def shutdown(self) -> None:
        """Nothing to release: a lock left is dropped with the processor."""
