"""Flood control: Telegram's limits kept, and its "retry after" obeyed, for every call.

python-telegram-bot's :class:`~telegram.ext.AIORateLimiter` keeps a bot-wide limit and the
group limit, and retries a call refused with "retry after". Its bot-wide limit counts every
call that names a chat, edits and "typing..." included, while Telegram's broadcast guideline
(about 30 messages a second) is about messages sent: counting an answer's edits held guidebot
to about 14 officers' messages a second. Here only the methods that send a message wait for
the bot-wide allowance; edits, deletions, chat actions and answers to a tap go straight on (a
"retry after" from Telegram still pauses and retries them all). Telegram also asks for about
one message a second in one private chat, which python-telegram-bot does not keep: this adds
it, with a small burst so that a red flag and the question after it are not held apart.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

MESSAGES_PER_SECOND = 30.0
"""Messages the whole bot sends a second at most: Telegram's guideline for one bot. A force
whose limit Telegram raised, or that relays through its own Bot API server to a raised limit,
sets ``guidebot run --messages-per-second``; 0 turns the bot-wide limit off."""
PER_CHAT_BURST = 5
"""Messages one chat may be sent at once before the limit spaces them out."""
PER_CHAT_SECONDS = 5.0
"""... over this many seconds: about one message a second on average."""
RETRIES = 3
"""How many times a call refused with "retry after" is tried again before it is given up."""
SENDING_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendVoice",
        "sendDocument",
        "sendAudio",
        "sendVideo",
        "sendVideoNote",
        "sendAnimation",
        "sendSticker",
        "sendMediaGroup",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "sendDice",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
    }
)
"""The calls that put a new message in a chat: only these count against the bot-wide and the
per-chat limits. answerCallbackQuery, editMessage*, deleteMessage, sendChatAction, getFile and
setMyCommands do not wait for either."""
JSONDict = dict[str, Any]

MOST_CHATS_TRACKED = 2048
"""Beyond this many chats, limiters with their full allowance unused are forgotten."""


class ChatRateLimiter(AIORateLimiter):
    """:class:`~telegram.ext.AIORateLimiter` counting only messages sent, plus a per-chat limit.

    Args:
        burst: messages one private chat may be sent at once.
        seconds: the period over which ``burst`` messages are allowed.
        max_retries: tries again after a "retry after" before a call is given up.
        messages_per_second: messages the whole bot sends a second (0: no bot-wide limit).
    """

    def __init__(
        self,
        *,
        burst: int = PER_CHAT_BURST,
        seconds: float = PER_CHAT_SECONDS,
        max_retries: int = RETRIES,
        messages_per_second: float = MESSAGES_PER_SECOND,
    ) -> None:
        """Keep Telegram's limits and retry a refused call ``max_retries`` times."""
        super().__init__(overall_max_rate=messages_per_second, max_retries=max_retries)
        self._burst = burst
        self._seconds = seconds
        self._chats: dict[int, AsyncLimiter] = {}

    def stop_retrying(self) -> None:
        """From now on, a call refused with "retry after" is given up at once.

        For shutting down: a backlog that waits out Telegram's flood control three times over
        would hold the process for minutes, and a lost reply is owned up to at the officer's
        next message anyway.
        """
        self._max_retries = 0

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
        """Wait for the private chat's and the bot's allowance if this sends a message.

        :class:`~telegram.ext.AIORateLimiter` applies its bot-wide (and group) limit to any
        call that names a chat; a call that sends nothing is handed to it without the chat,
        so it only retries after a "retry after".
        """
        if endpoint not in SENDING_METHODS:
            unlimited = {key: value for key, value in data.items() if key != "chat_id"}
            return await super().process_request(
                callback, args, kwargs, endpoint, unlimited, rate_limit_args
            )
        chat_id = _private_chat(data.get("chat_id"))
        if chat_id is not None:
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
