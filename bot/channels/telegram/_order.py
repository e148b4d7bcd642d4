"""Updates from one chat in the order they came, different chats at the same time.

python-telegram-bot handles one update at a time for the whole bot by default, and its
``concurrent_updates`` gives no order within a chat. An officer who taps two buttons quickly
must have both read in order, while a hundred other officers are not kept waiting behind them,
so each chat gets its own lock here.

A button tap is answered as it arrives, before it waits for anything (see
:meth:`PerChatOrder.process_update`): its spinner must stop even when every slot is taken by
replies waiting on Telegram's limits.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 256
"""Updates in hand at once across all chats; more wait their turn."""
UNBOUNDED = 1 << 30
"""python-telegram-bot's own count of updates in hand, never reached (see PerChatOrder)."""

AnswerFirst = Callable[[Update, bool], Coroutine[Any, Any, None] | None]
"""Given a tap and whether its chat is busy: the call answering it now, or None to wait."""


def chat_of(update: object) -> int | None:
    """The chat an update belongs to (None for updates with no chat, such as a poll's)."""
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PerChatOrder(BaseUpdateProcessor):
    """Run updates concurrently, but one chat's strictly one after another."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        """Allow ``max_concurrent_updates`` at once in all, one at a time per chat.

        python-telegram-bot's own slot count is left unbounded (its ``process_update``, which
        takes a slot before anything else, may not be overridden): the slots are taken here,
        after a tap has been answered.
        """
        super().__init__(UNBOUNDED)
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self._arrived: dict[int, int] = {}
        self.answer_first: AnswerFirst | None = None
        """Set by the channel: how a tap is answered as it arrives."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Answer a tap at once; then wait for a free slot and the chat's earlier updates.

        The answer is decided before anything is awaited and sent alongside, so the update
        still takes its place in its chat's order exactly as it arrived.
        """
        answering: asyncio.Task[None] | None = None
        chat = chat_of(update)
        tap = isinstance(update, Update) and update.callback_query is not None
        if self.answer_first is not None and tap:
            assert isinstance(update, Update)
            answer = self.answer_first(update, chat is not None and chat in self._arrived)
            if answer is not None:
                answering = asyncio.create_task(answer)
        if chat is None:
            async with self._slots:
                await coroutine
            return
        self._arrived[chat] = self._arrived.get(chat, 0) + 1
        # A tap takes no slot: it waits only for its own chat's earlier update (a double tap
        # waits to be told whether its question is still open), never for a thousand other
        # chats' replies held by Telegram's limits. One per chat is in hand at a time anyway.
        slot: contextlib.AbstractAsyncContextManager[Any] = (
            contextlib.nullcontext() if tap else self._slots
        )
        try:
            async with slot, self.lock_for(chat):
                await coroutine
        finally:
            self._arrived[chat] -= 1
            if not self._arrived[chat]:
                del self._arrived[chat]
            if answering is not None:
                await answering  # long done, in practice; never left behind at shutdown

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
