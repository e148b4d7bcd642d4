"""Flood control: Telegram's limits kept, and its "retry after" obeyed, for every call.

python-telegram-bot's :class:`~telegram.ext.AIORateLimiter` keeps the bot-wide limit (about 30
messages a second) and the group limit, and retries a call refused with "retry after". It has
no limit for one private chat, where Telegram asks for about one message a second; this adds
one, with a small burst so that a red flag and the question after it are not held apart.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

PER_CHAT_BURST = 5
"""Messages one chat may be sent at once before the limit spaces them out."""
PER_CHAT_SECONDS = 5.0
"""... over this many seconds: about one message a second on average."""
RETRIES = 3
"""How many times a call refused with "retry after" is tried again before it is given up."""
LIMITED_METHODS = frozenset({"sendMessage", "sendVoice", "sendDocument", "sendPhoto", "sendAudio"})
"""Sending counts against a chat's limit; edits, deletions and answers to a tap do not."""
JSONDict = dict[str, Any]

MOST_CHATS_TRACKED = 2048
"""Beyond this many chats, limiters with their full allowance unused are forgotten."""


class ChatRateLimiter(AIORateLimiter):
    """:class:`~telegram.ext.AIORateLimiter`, plus about one message a second per private chat."""

    def __init__(
        self,
        *,
        burst: int = PER_CHAT_BURST,
        seconds: float = PER_CHAT_SECONDS,
        max_retries: int = RETRIES,
    ) -> None:
        """Keep Telegram's limits and retry a refused call ``max_retries`` times."""
        super().__init__(max_retries=max_retries)
        self._burst = burst
        self._seconds = seconds
        self._chats: dict[int, AsyncLimiter] = {}

    def _chat_limiter(self, chat_id: int) -> AsyncLimiter:
        if len(self._chats) > MOST_CHATS_TRACKED:
            for chat, limiter in list(self._chats.items()):
                if chat != chat_id and limiter.has_capacity(self._burst):
                    del self._chats[chat]
        if chat_id not in self._chats:
            self._chats[chat_id] = AsyncLimiter(self._burst, self._seconds)
        return self._chats[chat_id]

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Wait for the private chat's allowance, then let the bot-wide limiter do the rest."""
        chat_id = _private_chat(data.get("chat_id"))
        if endpoint in LIMITED_METHODS and chat_id is not None:
            async with self._chat_limiter(chat_id):
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )


def _private_chat(chat_id: object) -> int | None:
    """The chat id if it is a private chat's (a positive number), else None."""
    try:
        number = int(chat_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None
