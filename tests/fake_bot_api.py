"""A local stand-in for the Telegram Bot API, for the test suite and the benchmarks.

A real python-telegram-bot ``Bot`` or ``Application`` is pointed at it with ``base_url`` and
``base_file_url``, so the bot under test runs its own HTTP client, JSON parsing, error mapping
and retry logic unchanged: only the far end is fake. It speaks the Bot API's wire format (form,
multipart or JSON bodies in; ``{"ok": ..., "result": ...}`` out, with the real error texts) and
keeps enough per-chat state (messages, edits, deletions, callback queries, files) for a test to
check what a person would have seen in the chat.

It runs on 127.0.0.1 on a free port, either inside the test's event loop
(``async with FakeBotApi() as api``) or on a thread with its own loop
(``FakeBotApi.start_in_thread()``) when the bot under test is another process driven from
synchronous test code. Every public method that injects updates or reads results is safe to call
from any thread; the blocking waits refuse to run on the server's own loop thread (use the
``*_async`` twins there) because they would stall the server they wait for.

It is a plain module with no pytest import, so a benchmark script can import it as
``tests.fake_bot_api`` (the project root is on ``sys.path`` through the editable install).
"""

from __future__ import annotations

import asyncio
import bisect
import collections
import contextlib
import dataclasses
import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar

import aiohttp
from aiohttp import web

__all__ = [
    "BOT_ID",
    "TOKEN",
    "BotMessage",
    "Call",
    "CallbackAnswer",
    "FakeBotApi",
    "Injected",
    "UpdateTiming",
    "Upload",
    "UserMessage",
]

Json = dict[str, Any]
T = TypeVar("T")
ChatType = Literal["private", "group", "supergroup"]
FaultKind = Literal["flood", "server", "timeout", "network"]
OtherKind = Literal[
    "sticker",
    "photo",
    "document",
    "location",
    "contact",
    "poll",
    "venue",
    "dice",
    "video",
    "audio",
    "animation",
    "video_note",
]

BOT_ID = 123456789
# The shape of a real token: the bot's id, a colon and 35 characters of [A-Za-z0-9_-].
TOKEN = f"{BOT_ID}:AAE-fake-token-for-tests-only_01234"
_TOKEN_SHAPE = re.compile(r"^\d+:[A-Za-z0-9_-]{30,}$")

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
DELETE_WINDOW = 48 * 3600
DOWNLOAD_LIMIT = 20 * 1024 * 1024

_BAD = "Bad Request: "
_ENTITIES = _BAD + "can't parse entities: "
CHAT_NOT_FOUND = _BAD + "chat not found"
TEXT_EMPTY = _BAD + "message text is empty"
TEXT_TOO_LONG = _BAD + "message is too long"
EDIT_TOO_LONG = _BAD + "MESSAGE_TOO_LONG"
CAPTION_TOO_LONG = _BAD + "message caption is too long"
NOT_MODIFIED = (
    _BAD + "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
EDIT_NOT_FOUND = _BAD + "message to edit not found"
CANT_EDIT = _BAD + "message can't be edited"
NO_TEXT_TO_EDIT = _BAD + "there is no text in the message to edit"
DELETE_NOT_FOUND = _BAD + "message to delete not found"
CANT_DELETE = _BAD + "message can't be deleted"
REPLY_NOT_FOUND = _BAD + "message to be replied not found"
QUERY_TOO_OLD = _BAD + "query is too old and response timeout expired or query ID is invalid"
BUTTON_DATA_INVALID = _BAD + "BUTTON_DATA_INVALID"
BUTTON_URL_INVALID = _BAD + "BUTTON_URL_INVALID"
TEXT_BUTTONS = (
    _BAD + "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
)
KEYBOARD_NOT_ARRAYS = (
    _BAD + 'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
)
BAD_MARKUP = _BAD + "can't parse reply keyboard markup JSON object"
INLINE_EXPECTED = _BAD + "inline keyboard expected"
INVALID_FILE_ID = _BAD + "invalid file_id"
WRONG_FILE_ID = _BAD + "wrong file identifier/HTTP URL specified"
FILE_TOO_BIG = _BAD + "file is too big"
BAD_PARSE_MODE = _BAD + "unsupported parse_mode"
WRONG_ACTION = _BAD + "wrong parameter action in request"
BOT_COMMAND_INVALID = _BAD + "BOT_COMMAND_INVALID"
COMMAND_DESCRIPTION_INVALID = _BAD + "command description is empty or too long"
BAD_WEBHOOK_URL = _BAD + "bad webhook: An HTTPS URL must be provided for webhook"
BAD_SECRET = _BAD + "secret token contains unallowed characters"
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
OTHER_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
WEBHOOK_SET_WHILE_POLLING = "Conflict: terminated by setWebhook request"
UNAUTHORIZED = "Unauthorized"
NOT_FOUND = "Not Found"

# Update types a bot receives when it never named any (or named an empty list).
_NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Parameters that arrive as JSON text in form bodies (python-telegram-bot json.dumps them).
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "allowed_updates",
        "commands",
        "scope",
        "entities",
        "caption_entities",
        "reply_parameters",
        "link_preview_options",
        "media",
    }
)
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_LEADING_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{1,64})?")
_FILE_PREFIX = {
    "voice": ("voice", ".oga", "AwACAgQAAxkBAAI"),
    "document": ("documents", "", "BQACAgQAAxkBAAI"),
    "photo": ("photos", ".jpg", "AgACAgQAAxkBAAI"),
    "sticker": ("stickers", ".webp", "CAACAgQAAxkBAAI"),
    "video": ("videos", ".mp4", "BAACAgQAAxkBAAI"),
    "audio": ("music", ".mp3", "CQACAgQAAxkBAAI"),
    "animation": ("animations", ".mp4", "CgACAgQAAxkBAAI"),
    "video_note": ("video_notes", ".mp4", "DQACAgQAAxkBAAI"),
}


# ---------------------------------------------------------------------------------------------
# What tests read back
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Call:
    """One API call as the bot made it, so a test can assert on order and parameters.

    ``params`` holds the decoded parameters: JSON-valued ones (``reply_markup``, ``commands``,
    ``allowed_updates`` ...) as Python objects, uploaded files as :class:`Upload`, the rest as
    the strings or numbers sent.
    """

    method: str
    params: Mapping[str, Any]
    at: float


@dataclasses.dataclass(frozen=True)
class Upload:
    """A file the bot uploaded in a multipart body, kept whole so a test can check the bytes."""

    field: str
    filename: str | None
    content_type: str
    data: bytes


@dataclasses.dataclass
class BotMessage:
    """A message the bot sent, in its current state (edits applied, deletion marked).

    ``text`` is what the person sees: the plain text after HTML/Markdown parsing and Telegram's
    trimming of outer white space (the caption, for a voice note, document or photo);
    ``source_text`` is exactly what the bot sent. Copies are handed out, so a test's reference
    never changes under it.
    """

    chat_id: int
    message_id: int
    date: int
    kind: str
    text: str
    source_text: str
    parse_mode: str | None
    entities: tuple[Json, ...]
    reply_markup: Json | None
    sent_at: float
    media: Any = None
    upload: Upload | None = None
    file_id: str | None = None
    reply_to_message_id: int | None = None
    deleted: bool = False
    edit_count: int = 0
    edit_date: int | None = None
    edited_at: float | None = None

    def buttons(self) -> list[tuple[str, str | None]]:
        """The inline buttons as (text, callback_data or url), row by row, for short asserts."""
        if not self.reply_markup:
            return []
        return [
            (button["text"], button.get("callback_data", button.get("url")))
            for row in self.reply_markup.get("inline_keyboard", [])
            for button in row
        ]


@dataclasses.dataclass
class UserMessage:
    """A message a simulated person sent, kept so deleting or editing it behaves as in Telegram."""

    chat_id: int
    message_id: int
    user_id: int | None
    date: int
    kind: str
    text: str | None
    payload: Json
    deleted: bool = False


@dataclasses.dataclass(frozen=True)
class Injected:
    """What an injected update produced: the ids a test needs for its next step or assert."""

    update_id: int
    chat_id: int | None = None
    message_id: int | None = None
    callback_query_id: str | None = None
    file_id: str | None = None


@dataclasses.dataclass(frozen=True)
class CallbackAnswer:
    """One answerCallbackQuery the bot made (the toast or alert the person saw)."""

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int | None
    answered_at: float


@dataclasses.dataclass(frozen=True)
class UpdateTiming:
    """When an update was queued, handed to the bot, and first acted on (perf_counter seconds).

    ``replied_at`` is the bot's first send, edit or delete in the update's chat at or after
    ``queued_at``; a benchmark's update-to-reply latency is ``replied_at - queued_at``.
    """

    update_id: int
    kind: str
    chat_id: int | None
    queued_at: float
    delivered_at: float | None
    replied_at: float | None


# ---------------------------------------------------------------------------------------------
# Entity parsing: the text a person sees, and where the bot's HTML or Markdown was wrong
# ---------------------------------------------------------------------------------------------


class _ParseError(Exception):
    """A formatting mistake, worded as Telegram words it after "can't parse entities: "."""


@dataclasses.dataclass
class _Span:
    kind: str
    start: int
    end: int
    extra: dict[str, str] = dataclasses.field(default_factory=dict)


def _utf16_len(text: str) -> int:
    """Telegram's offsets and lengths count UTF-16 code units, not code points."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(source: str, index: int) -> int:
    """Telegram's parse errors point at a UTF-8 byte offset in what the bot sent."""
    return len(source[:index].encode())


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_PLAIN = re.compile(r"[^<&]+")
_HTML_NAME = re.compile(r"[a-zA-Z0-9-]*")
_HTML_ATTRIBUTE = re.compile(r"""([a-zA-Z0-9_-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
_HTML_ENTITY = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_LANGUAGE = "\0language"


def _html_entity(match: re.Match[str]) -> str:
    if match.group(3):
        return _NAMED_ENTITIES[match.group(3)]
    code = int(match.group(1)) if match.group(1) else int(match.group(2), 16)
    return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"


def _parse_html(source: str) -> tuple[str, list[_Span]]:
    """Telegram's HTML: a closed set of tags, four named entities, every tag closed in order."""
    out: list[str] = []
    size = 0
    stack: list[tuple[str, int, dict[str, str]]] = []
    spans: list[_Span] = []
    index, end = 0, len(source)
    while index < end:
        char = source[index]
        if char == "&":
            match = _HTML_ENTITY.match(source, index)
            piece = _html_entity(match) if match else "&"
            index = match.end() if match else index + 1
            out.append(piece)
            size += len(piece)
            continue
        if char != "<":
            plain = _HTML_PLAIN.match(source, index)
            assert plain is not None
            out.append(plain.group())
            size += len(plain.group())
            index = plain.end()
            continue
        at = _byte_offset(source, index)
        closing = source.startswith("</", index)
        name_match = _HTML_NAME.match(source, index + (2 if closing else 1))
        assert name_match is not None
        name, cursor = name_match.group().lower(), name_match.end()
        if closing:
            while cursor < end and source[cursor].isspace():
                cursor += 1
            if cursor >= end or source[cursor] != ">":
                raise _ParseError(f"Unclosed end tag at byte offset {at}")
            if not stack:
                raise _ParseError(f"Unexpected end tag at byte offset {at}")
            tag, start, opened_with = stack.pop()
            if name != tag:
                raise _ParseError(
                    f'Unmatched end tag at byte offset {at}, expected "</{tag}>", found "</{name}>"'
                )
            _close_html_tag(tag, start, size, opened_with, stack, spans)
            index = cursor + 1
            continue
        if name not in _HTML_TAGS:
            raise _ParseError(f'Unsupported start tag "{name}" at byte offset {at}')
        attributes: dict[str, str] = {}
        while True:
            while cursor < end and source[cursor].isspace():
                cursor += 1
            if cursor >= end:
                raise _ParseError(f"Unclosed start tag at byte offset {at}")
            if source[cursor] == ">":
                break
            attribute = _HTML_ATTRIBUTE.match(source, cursor)
            if attribute is None:
                raise _ParseError(f"Unclosed start tag at byte offset {at}")
            value = next((g for g in attribute.group(2, 3, 4) if g is not None), "")
            attributes[attribute.group(1).lower()] = _HTML_ENTITY.sub(_html_entity, value)
            cursor = attribute.end()
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise _ParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
        stack.append((name, size, attributes))
        index = cursor + 1
    if stack:
        raise _ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), spans


def _close_html_tag(
    tag: str,
    start: int,
    end: int,
    attributes: dict[str, str],
    stack: list[tuple[str, int, dict[str, str]]],
    spans: list[_Span],
) -> None:
    kind = _HTML_TAGS[tag]
    extra: dict[str, str] = {}
    if tag == "a":
        if not attributes.get("href"):
            return
        extra["url"] = attributes["href"]
    elif tag == "code" and stack and stack[-1][0] == "pre":
        language = attributes.get("class", "")
        if language.startswith("language-"):
            stack[-1][2][_LANGUAGE] = language.removeprefix("language-")
            return
    elif tag == "pre" and _LANGUAGE in attributes:
        extra["language"] = attributes[_LANGUAGE]
    elif tag == "blockquote" and "expandable" in attributes:
        kind = "expandable_blockquote"
    elif tag == "tg-emoji":
        extra["custom_emoji_id"] = attributes.get("emoji-id", "")
    spans.append(_Span(kind, start, end, extra))


_MD2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MD2_PLAIN = re.compile(r"[^_*\[\]()~`>#+\-=|{}.!\\\n]+")
_MD2_MARKERS = {
    "*": "bold",
    "_": "italic",
    "__": "underline",
    "~": "strikethrough",
    "||": "spoiler",
}
_MD2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def _md2_unclosed(source: str, kind: str, index: int) -> _ParseError:
    return _ParseError(
        f"Can't find end of {_MD2_NAMES[kind]} entity at byte offset {_byte_offset(source, index)}"
    )


def _md2_code(source: str, index: int, fence: str) -> tuple[str, int]:
    """The text of a code or pre block, where only '`' and '\\' may be escaped."""
    out: list[str] = []
    cursor, end = index, len(source)
    while cursor < end:
        if source.startswith(fence, cursor):
            return "".join(out), cursor + len(fence)
        if source[cursor] == "\\" and cursor + 1 < end:
            out.append(source[cursor + 1])
            cursor += 2
            continue
        out.append(source[cursor])
        cursor += 1
    raise _md2_unclosed(source, "pre" if fence == "```" else "code", index - len(fence))


def _parse_markdown_v2(source: str) -> tuple[str, list[_Span]]:
    """MarkdownV2: every reserved character outside an entity must be escaped with a backslash."""
    out: list[str] = []
    size = 0
    stack: list[tuple[str, int, int]] = []
    spans: list[_Span] = []
    quote: tuple[str, int] | None = None
    quote_end = 0
    line_start = True
    index, end = 0, len(source)
    while index < end:
        char = source[index]
        if line_start and not stack:
            expandable = source.startswith("**>", index)
            if char == ">" or expandable:
                if quote is None:
                    quote = ("expandable_blockquote" if expandable else "blockquote", size)
                index += 3 if expandable else 1
                line_start = False
                continue
            if quote is not None:
                spans.append(_Span(quote[0], quote[1], quote_end))
                quote = None
        line_start = False
        if char == "\\" and index + 1 < end and 0 < ord(source[index + 1]) <= 126:
            out.append(source[index + 1])
            size += 1
            index += 2
            continue
        if char == "\n":
            quote_end = size
            out.append(char)
            size += 1
            index += 1
            line_start = True
            continue
        if char not in _MD2_RESERVED:
            plain = _MD2_PLAIN.match(source, index)
            piece = plain.group() if plain else char
            out.append(piece)
            size += len(piece)
            index += len(piece)
            continue
        if char == "`":
            fence = "```" if source.startswith("```", index) else "`"
            body, after = _md2_code(source, index + len(fence), fence)
            extra: dict[str, str] = {}
            if fence == "```":
                first, newline, rest = body.partition("\n")
                if newline and first and not first.isspace():
                    extra["language"], body = first, rest
                elif newline and not first:
                    body = rest
            out.append(body)
            spans.append(_Span("pre" if fence == "```" else "code", size, size + len(body), extra))
            size += len(body)
            index = after
            continue
        if char == "[" or source.startswith("![", index):
            kind = "text_link" if char == "[" else "custom_emoji"
            stack.append((kind, size, index))
            index += 1 if char == "[" else 2
            continue
        if char == "]" and stack and stack[-1][0] in ("text_link", "custom_emoji"):
            kind, start, _ = stack.pop()
            url = ""
            index += 1
            if source.startswith("(", index):
                url_chars: list[str] = []
                cursor = index + 1
                while cursor < end and source[cursor] != ")":
                    if source[cursor] == "\\" and cursor + 1 < end:
                        cursor += 1
                    url_chars.append(source[cursor])
                    cursor += 1
                if cursor >= end:
                    raise _ParseError(
                        f"Can't find end of a URL at byte offset {_byte_offset(source, index)}"
                    )
                url, index = "".join(url_chars), cursor + 1
            if url and kind == "text_link":
                spans.append(_Span(kind, start, size, {"url": url}))
            elif url:
                emoji_id = url.partition("id=")[2]
                spans.append(_Span(kind, start, size, {"custom_emoji_id": emoji_id}))
            continue
        marker = source[index : index + 2] if source[index : index + 2] in ("__", "||") else char
        if marker not in _MD2_MARKERS:
            raise _ParseError(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        if (
            marker == "||"
            and quote is not None
            and quote[0] == "expandable_blockquote"
            and source[index + 2 : index + 3] in ("", "\n")
            and not any(kind == "spoiler" for kind, _, _ in stack)
        ):
            index += 2
            continue
        kind = _MD2_MARKERS[marker]
        if any(open_kind == kind for open_kind, _, _ in stack):
            if stack[-1][0] != kind:
                raise _md2_unclosed(source, stack[-1][0], stack[-1][2])
            _, start, _ = stack.pop()
            spans.append(_Span(kind, start, size))
        else:
            stack.append((kind, size, index))
        index += len(marker)
    if stack:
        raise _md2_unclosed(source, stack[-1][0], stack[-1][2])
    if quote is not None:
        spans.append(_Span(quote[0], quote[1], size))
    return "".join(out), spans


def _parse_markdown(source: str) -> tuple[str, list[_Span]]:
    """Legacy Markdown: *bold*, _italic_, `code`, ```pre``` and [text](url), never nested."""
    out: list[str] = []
    size = 0
    spans: list[_Span] = []
    index, end = 0, len(source)
    kinds = {"*": "bold", "_": "italic", "`": "code"}
    while index < end:
        char = source[index]
        if char == "\\" and index + 1 < end and source[index + 1] in "_*`[":
            out.append(source[index + 1])
            size += 1
            index += 2
            continue
        if char not in "*_`[":
            out.append(char)
            size += 1
            index += 1
            continue
        at = _byte_offset(source, index)
        unclosed = _ParseError(f"Can't find end of the entity starting at byte offset {at}")
        if char == "[":
            close = source.find("]", index + 1)
            if close < 0 or not source.startswith("(", close + 1):
                raise unclosed
            url_end = source.find(")", close + 2)
            if url_end < 0:
                raise unclosed
            label = source[index + 1 : close]
            out.append(label)
            spans.append(
                _Span("text_link", size, size + len(label), {"url": source[close + 2 : url_end]})
            )
            size += len(label)
            index = url_end + 1
            continue
        fence = "```" if source.startswith("```", index) else char
        close = source.find(fence, index + len(fence))
        if close < 0:
            raise unclosed
        body = source[index + len(fence) : close]
        out.append(body)
        spans.append(_Span("pre" if fence == "```" else kinds[char], size, size + len(body)))
        size += len(body)
        index = close + len(fence)
    return "".join(out), spans


def _spans_from_entities(text: str, entities: Any) -> list[_Span]:
    """Entities given explicitly (UTF-16 offsets) turned into character spans for trimming."""
    if not entities:
        return []
    if not isinstance(entities, list):
        raise _ApiError(400, _BAD + "can't parse entities JSON object")
    boundaries = [0]
    for char in text:
        boundaries.append(boundaries[-1] + (2 if ord(char) > 0xFFFF else 1))
    spans = []
    for entity in entities:
        try:
            start16, length16 = int(entity["offset"]), int(entity["length"])
            kind = str(entity["type"])
        except (KeyError, TypeError, ValueError):
            raise _ApiError(400, _BAD + "can't parse MessageEntity") from None
        start = bisect.bisect_left(boundaries, start16)
        stop = bisect.bisect_left(boundaries, start16 + length16)
        extra = {k: v for k, v in entity.items() if k not in ("type", "offset", "length")}
        spans.append(_Span(kind, start, stop, extra))
    return spans


def _format_text(text: str, parse_mode: str | None, entities: Any = None) -> tuple[str, list[Json]]:
    """The text and entities Telegram would store for what the bot sent.

    Raises ``_ApiError`` with Telegram's "can't parse entities" wording when the markup is wrong,
    so a bot's escaping bug fails in tests as it would in production.
    """
    mode = (parse_mode or "").lower()
    try:
        if mode == "html":
            plain, spans = _parse_html(text)
        elif mode == "markdownv2":
            plain, spans = _parse_markdown_v2(text)
        elif mode == "markdown":
            plain, spans = _parse_markdown(text)
        elif mode == "":
            plain, spans = text, _spans_from_entities(text, entities)
        else:
            raise _ApiError(400, BAD_PARSE_MODE)
    except _ParseError as error:
        raise _ApiError(400, _ENTITIES + str(error)) from None
    stripped = plain.strip()
    lead = len(plain) - len(plain.lstrip())
    result: list[Json] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        start = max(span.start - lead, 0)
        end = min(span.end - lead, len(stripped))
        if end <= start:
            continue
        result.append(
            {
                "type": span.kind,
                "offset": _utf16_len(stripped[:start]),
                "length": _utf16_len(stripped[start:end]),
                **span.extra,
            }
        )
    return stripped, result


# ---------------------------------------------------------------------------------------------
# Server state
# ---------------------------------------------------------------------------------------------


class _ApiError(Exception):
    """An error response in the Bot API's own shape, raised anywhere inside a method."""

    def __init__(self, code: int, description: str, parameters: Json | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> Json:
        body: Json = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


class _Gone(Exception):
    """Raised inside a wait when the thing waited on (a webhook) was replaced or stopped."""


@dataclasses.dataclass
class _Chat:
    id: int
    type: str
    payload: Json
    next_message_id: int = 1
    by_id: dict[int, BotMessage | UserMessage] = dataclasses.field(default_factory=dict)
    bot_messages: list[BotMessage] = dataclasses.field(default_factory=list)
    bot_ids: list[int] = dataclasses.field(default_factory=list)
    user_messages: list[UserMessage] = dataclasses.field(default_factory=list)
    last_input_id: int = 0
    activity: list[float] = dataclasses.field(default_factory=list)
    bot_is_admin: bool = False

    def take_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclasses.dataclass
class _Pending:
    update_id: int
    kind: str
    update: Json
    chat_key: Any
    dropped: bool = False


@dataclasses.dataclass
class _Timing:
    update_id: int
    kind: str
    chat_id: int | None
    queued_at: float
    delivered_at: float | None = None


@dataclasses.dataclass
class _Fault:
    kind: str
    remaining: int
    retry_after: int
    status: int
    hold: float


@dataclasses.dataclass
class _StoredFile:
    file_id: str
    unique_id: str
    path: str
    data: bytes
    mime_type: str | None
    file_name: str | None


@dataclasses.dataclass
class _Query:
    id: str
    chat_id: int
    message_id: int
    created: float
    answered: bool = False


@dataclasses.dataclass
class _Webhook:
    url: str
    secret: str | None
    max_connections: int
    allowed_updates: list[str] | None
    chats: dict[Any, deque[_Pending]] = dataclasses.field(default_factory=dict)
    ready: deque[Any] = dataclasses.field(default_factory=deque)
    busy: set[Any] = dataclasses.field(default_factory=set)
    pending: int = 0
    last_error_date: int | None = None
    last_error_message: str | None = None
    session: aiohttp.ClientSession | None = None
    tasks: list[asyncio.Task[None]] = dataclasses.field(default_factory=list)


_Waiter = tuple[asyncio.AbstractEventLoop, "asyncio.Future[None]"]
_Handler = Callable[[Json, dict[str, Upload]], Any]


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _inline(markup: Json | None) -> Json | None:
    """Only an inline keyboard belongs to a message; a reply keyboard belongs to the chat."""
    return markup if markup is not None and "inline_keyboard" in markup else None


def _int(params: Mapping[str, Any], name: str, default: int | None = None) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _ApiError(400, f"{_BAD}invalid {name} specified") from None


def _float(params: Mapping[str, Any], name: str, default: float) -> float:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise _ApiError(400, f"{_BAD}invalid {name} specified") from None


def _bool(params: Mapping[str, Any], name: str) -> bool:
    value = params.get(name)
    if isinstance(value, str):
        return value.lower() in ("true", "1")
    return bool(value)


def _str(params: Mapping[str, Any], name: str) -> str | None:
    value = params.get(name)
    return None if value is None else str(value)


def _image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG or JPEG, so an uploaded photo's sizes look like the file's."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:2] == b"\xff\xd8":
        index = 2
        while index + 9 < len(data) and data[index] == 0xFF:
            marker = data[index + 1]
            length = int.from_bytes(data[index + 2 : index + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2):
                height = int.from_bytes(data[index + 5 : index + 7], "big")
                width = int.from_bytes(data[index + 7 : index + 9], "big")
                return width, height
            index += 2 + length
    return 1280, 720


# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------


class FakeBotApi:
    """A fake Bot API server with the state of every chat, for tests and benchmarks.

    Args:
        token: The only token accepted; any other of a token's shape gets 401 Unauthorized, as
            a revoked token does, and a malformed one 404 Not Found, as in Telegram (both are
            InvalidToken in python-telegram-bot).
        delay: Seconds added before every response, to model a slow network (settable later).
        bot_username: The bot's @username in getMe and in group commands.
        bot_first_name: The bot's display name in getMe and in its messages' ``from``.
        callback_query_ttl: Seconds (by the fake clock) after which answerCallbackQuery fails
            as "query is too old"; Telegram's own window is short.
        webhook_retry_delay: Seconds before a failed webhook delivery is tried again.
        webhook_timeout: Seconds the fake waits for the bot's webhook to answer a POST.
    """

    def __init__(
        self,
        *,
        token: str = TOKEN,
        delay: float = 0.0,
        bot_username: str = "guidebot_test_bot",
        bot_first_name: str = "Guidebot",
        callback_query_ttl: float = 15.0,
        webhook_retry_delay: float = 0.2,
        webhook_timeout: float = 10.0,
    ) -> None:
        self._token = token
        self.delay = delay
        self.callback_query_ttl = callback_query_ttl
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_timeout = webhook_timeout
        bot_id = int(token.partition(":")[0]) if token.partition(":")[0].isdigit() else BOT_ID
        self._bot_short: Json = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self._bot_full: Json = {
            **self._bot_short,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._update_waiters: set[_Waiter] = set()
        self._hook_waiters: set[_Waiter] = set()
        self._result_waiters: set[_Waiter] = set()
        self._chats: dict[int, _Chat] = {}
        self._queue: deque[_Pending] = deque()
        self._next_update_id = 500_000_001
        self._allowed: frozenset[str] | None = None
        self._poll_generation = 0
        self._webhook: _Webhook | None = None
        self._timings: dict[int, _Timing] = {}
        self._calls: list[Call] = []
        self._counts: collections.Counter[str] = collections.Counter()
        self._faults: dict[str, deque[_Fault]] = {}
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._queries: dict[str, _Query] = {}
        self._answers: list[CallbackAnswer] = []
        self._commands: dict[tuple[str, str], list[Json]] = {}
        self._descriptions: dict[tuple[str, str], str] = {}
        self._errors: list[str] = []
        self._clock_offset = 0.0
        self._serial = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._runner: web.AppRunner | None = None
        self._stopping: asyncio.Event | None = None
        self._closing = False
        self._port = 0
        self._thread: threading.Thread | None = None
        self._methods: dict[str, tuple[str, _Handler]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "answerCallbackQuery": self._answer_callback_query,
                "sendChatAction": self._send_chat_action,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "setMyDescription": self._set_description("description"),
                "setMyShortDescription": self._set_description("short_description"),
                "getMyDescription": self._get_description("description"),
                "getMyShortDescription": self._get_description("short_description"),
                "getFile": self._get_file,
                "sendVoice": self._send_media("voice"),
                "sendDocument": self._send_media("document"),
                "sendPhoto": self._send_media("photo"),
            }.items()
        }

    # -- addresses ------------------------------------------------------------------------------

    @property
    def token(self) -> str:
        """The token the bot under test must use."""
        return self._token

    @property
    def port(self) -> int:
        """The loopback port the server listens on (0 before start)."""
        return self._port

    @property
    def base_url(self) -> str:
        """For ``Bot(base_url=...)`` / ``ApplicationBuilder().base_url(...)``: the token follows."""
        return f"http://127.0.0.1:{self._port}/bot"

    @property
    def file_url(self) -> str:
        """For ``base_file_url``: downloads are this + token + "/" + file_path."""
        return f"http://127.0.0.1:{self._port}/file/bot"

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> FakeBotApi:
        """Listen on 127.0.0.1 on a free port, in the running event loop."""
        if self._runner is not None:
            raise RuntimeError("FakeBotApi is already started; make a new one")
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._stopping = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind(("127.0.0.1", 0))
            site = web.SockSite(runner, sock)
            await site.start()
        except BaseException:
            sock.close()
            await runner.cleanup()
            raise
        self._port = sock.getsockname()[1]
        self._runner = runner
        return self

    async def aclose(self) -> None:
        """Stop serving: pending long polls return, held faults end, webhook delivery stops."""
        if self._runner is None or self._closing:
            return
        with self._lock:
            self._closing = True
            hook = self._webhook
            self._wake(self._update_waiters)
            self._wake(self._hook_waiters)
            self._notify_results()
        assert self._stopping is not None
        self._stopping.set()
        if hook is not None:
            await self._stop_webhook(hook)
        await self._runner.cleanup()

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    @classmethod
    def start_in_thread(cls, **options: Any) -> FakeBotApi:
        """A server on its own thread and event loop, for synchronous tests; ``stop()`` ends it.

        Takes the same keyword options as the constructor. Usable as ``with
        FakeBotApi.start_in_thread() as api:``.
        """
        api = cls(**options)
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            try:
                loop.run_until_complete(api.start())
            except BaseException as error:
                failure.append(error)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        thread = threading.Thread(target=run, name="fake-bot-api", daemon=True)
        thread.start()
        if not ready.wait(30):
            raise RuntimeError("the fake Bot API did not start within 30 s")
        if failure:
            thread.join()
            raise failure[0]
        api._thread = thread
        return api

    def stop(self) -> None:
        """End a server started with :meth:`start_in_thread` (idempotent)."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            if self._runner is not None and not self._closing:
                raise RuntimeError("not started on a thread: use `await api.aclose()`")
            return
        asyncio.run_coroutine_threadsafe(self.aclose(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        self._thread = None

    def __enter__(self) -> FakeBotApi:
        if self._thread is None:
            raise RuntimeError("use `with FakeBotApi.start_in_thread() as api:`")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- fake clock and knobs -------------------------------------------------------------------

    def now(self) -> float:
        """The fake clock (Unix seconds): real time plus whatever :meth:`advance_clock` added."""
        return time.time() + self._clock_offset

    def advance_clock(self, seconds: float) -> None:
        """Move the fake clock on, to age messages past 48 hours or callback queries past TTL."""
        with self._lock:
            self._clock_offset += seconds

    def fail_next(
        self,
        method: str,
        kind: FaultKind,
        times: int = 1,
        retry_after: int = 1,
        *,
        status: int = 502,
        hold: float = 60.0,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail before they have any effect.

        ``flood``: 429 "Too Many Requests: retry after N" with ``parameters.retry_after``;
        ``server``: ``status`` (502 or 500) in the Bot API's JSON shape; ``timeout``: hold the
        request ``hold`` seconds (longer than the client's read timeout), then close the
        connection without answering; ``network``: close the connection at once. Faults queue
        up in order per method.
        """
        if kind not in ("flood", "server", "timeout", "network"):
            raise ValueError(f"unknown fault kind {kind!r}")
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._faults.setdefault(method.lower(), deque()).append(
                _Fault(kind, times, retry_after, status, hold)
            )

    def set_bot_admin(self, chat_id: int, admin: bool = True) -> None:
        """Let the bot delete others' messages in a group, as an administrator may."""
        with self._lock:
            self._known_chat(chat_id).bot_is_admin = admin

    def register_file(
        self,
        data: bytes,
        *,
        kind: str = "document",
        mime_type: str | None = None,
        file_name: str | None = None,
    ) -> str:
        """Keep ``data`` as a file on "Telegram's servers" and give its file_id for getFile."""
        with self._lock:
            return self._store_file(kind, data, mime_type, file_name).file_id

    # -- injecting updates ----------------------------------------------------------------------

    def send_text(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        chat_type: ChatType = "private",
        first_name: str = "Test",
        username: str | None = None,
    ) -> Injected:
        """A person sends ``text``; a leading /command gets its bot_command entity as in Telegram.

        ``chat_id`` defaults to ``user_id`` in a private chat and to a negative id derived from
        it in a group (-user_id) or supergroup (-100...user_id).
        """
        fields: Json = {"text": text}
        command = _LEADING_COMMAND.match(text)
        if command:
            length = _utf16_len(command.group())
            fields["entities"] = [{"offset": 0, "length": length, "type": "bot_command"}]
        return self._inject_message(
            user_id, chat_id, chat_type, first_name, username, fields, "text", text
        )

    def send_voice(
        self,
        user_id: int,
        file_bytes: bytes,
        duration: int,
        mime_type: str = "audio/ogg",
        *,
        chat_id: int | None = None,
        chat_type: ChatType = "private",
        first_name: str = "Test",
        username: str | None = None,
    ) -> Injected:
        """A person sends a voice note; its bytes are downloadable through getFile."""
        with self._lock:
            stored = self._store_file("voice", file_bytes, mime_type, None)
        voice = {
            "duration": duration,
            "mime_type": mime_type,
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": len(file_bytes),
        }
        injected = self._inject_message(
            user_id, chat_id, chat_type, first_name, username, {"voice": voice}, "voice", None
        )
        return dataclasses.replace(injected, file_id=stored.file_id)

    def send_other(
        self,
        user_id: int,
        kind: OtherKind,
        *,
        chat_id: int | None = None,
        chat_type: ChatType = "private",
        first_name: str = "Test",
        username: str | None = None,
    ) -> Injected:
        """A person sends something a text bot should politely refuse (sticker, photo, poll ...)."""
        fields, file_id = self._other_fields(kind)
        injected = self._inject_message(
            user_id, chat_id, chat_type, first_name, username, fields, kind, None
        )
        return dataclasses.replace(injected, file_id=file_id)

    def edit_text(
        self, user_id: int, message_id: int, new_text: str, *, chat_id: int | None = None
    ) -> Injected:
        """A person edits a message they sent earlier: an ``edited_message`` update."""
        with self._lock:
            chat = self._known_chat(user_id if chat_id is None else chat_id)
            record = chat.by_id.get(message_id)
            if not isinstance(record, UserMessage) or record.user_id != user_id:
                raise ValueError(f"user {user_id} sent no message {message_id} in chat {chat.id}")
            if record.kind != "text":
                raise ValueError(f"message {message_id} has no text to edit")
            payload = {**record.payload, "text": new_text, "edit_date": int(self.now())}
            payload.pop("entities", None)
            command = _LEADING_COMMAND.match(new_text)
            if command:
                length = _utf16_len(command.group())
                payload["entities"] = [{"offset": 0, "length": length, "type": "bot_command"}]
            record.payload, record.text = payload, new_text
            chat.last_input_id = chat.next_message_id - 1
            update_id = self._enqueue("edited_message", payload, chat.id)
        return Injected(update_id=update_id, chat_id=chat.id, message_id=message_id)

    def press(
        self,
        user_id: int,
        message_id: int,
        data: str,
        *,
        chat_id: int | None = None,
        check_button: bool = True,
        first_name: str = "Test",
        username: str | None = None,
    ) -> Injected:
        """A person presses an inline button of the bot's message ``message_id``.

        With ``check_button`` (the default) the message must still be there and show a button
        with this callback data, as a real client only lets a person press what is on screen;
        without it, a press on a deleted message arrives with an inaccessible message (date 0),
        which python-telegram-bot's ``effective_message`` warns about.
        """
        with self._lock:
            chat = self._known_chat(user_id if chat_id is None else chat_id)
            message = chat.by_id.get(message_id)
            if not isinstance(message, BotMessage):
                raise ValueError(f"the bot sent no message {message_id} in chat {chat.id}")
            if check_button:
                if message.deleted:
                    raise ValueError(f"message {message_id} was deleted; nothing to press")
                shown = [d for _, d in message.buttons()]
                if data not in shown:
                    raise ValueError(
                        f"message {message_id} shows no button with data {data!r}; it shows "
                        f"{shown!r}"
                    )
            self._serial += 1
            query_id = str(4_000_000_000_000_000_000 + self._serial)
            if message.deleted:
                shown_message: Json = {"chat": chat.payload, "message_id": message_id, "date": 0}
            else:
                shown_message = self._bot_message_json(chat, message)
            query = {
                "id": query_id,
                "from": self._user_json(user_id, first_name, username),
                "message": shown_message,
                "chat_instance": str(-(7_000_000_000_000_000_000 + abs(chat.id))),
                "data": data,
            }
            self._queries[query_id] = _Query(query_id, chat.id, message_id, self.now())
            chat.last_input_id = chat.next_message_id - 1
            update_id = self._enqueue("callback_query", query, chat.id)
        return Injected(
            update_id=update_id,
            chat_id=chat.id,
            message_id=message_id,
            callback_query_id=query_id,
        )

    def channel_post(
        self, text: str, *, chat_id: int = -1001000000001, title: str = "Test channel"
    ) -> Injected:
        """A post in a channel the bot is in: a ``channel_post`` update with no ``from``."""
        with self._lock:
            chat = self._chats.get(chat_id)
            if chat is None:
                payload = {"id": chat_id, "title": title, "type": "channel"}
                chat = self._chats[chat_id] = _Chat(chat_id, "channel", payload)
            message_id = chat.take_id()
            date = int(self.now())
            message = {
                "message_id": message_id,
                "sender_chat": chat.payload,
                "chat": chat.payload,
                "date": date,
                "text": text,
            }
            record = UserMessage(chat_id, message_id, None, date, "text", text, message)
            chat.by_id[message_id] = record
            chat.user_messages.append(record)
            chat.last_input_id = message_id
            update_id = self._enqueue("channel_post", message, chat_id)
        return Injected(update_id=update_id, chat_id=chat_id, message_id=message_id)

    def send_raw(self, update: Mapping[str, Any]) -> Injected:
        """Queue any update as given; ``update_id`` is assigned when absent.

        A chat named in the update that the fake has not seen is added, so the bot can answer.
        """
        body = {key: value for key, value in update.items() if key != "update_id"}
        if len(body) != 1:
            raise ValueError("an update has exactly one field besides update_id")
        ((kind, payload),) = body.items()
        inner = payload.get("message") if isinstance(payload, Mapping) else None
        if kind != "callback_query":
            inner = payload
        chat = inner.get("chat") if isinstance(inner, Mapping) else None
        chat_id = chat.get("id") if isinstance(chat, Mapping) else None
        message_id = inner.get("message_id") if isinstance(inner, Mapping) else None
        with self._lock:
            if (
                isinstance(chat, Mapping)
                and isinstance(chat_id, int)
                and chat_id not in self._chats
            ):
                chat_type = str(chat.get("type", "private"))
                self._chats[chat_id] = _Chat(chat_id, chat_type, dict(chat))
            given = update.get("update_id")
            update_id = self._enqueue(kind, payload, chat_id, update_id=given)
        return Injected(update_id=update_id, chat_id=chat_id, message_id=message_id)

    # -- reading results ------------------------------------------------------------------------

    def messages(self, chat_id: int, *, include_deleted: bool = True) -> list[BotMessage]:
        """The bot's messages in ``chat_id`` in order, as they stand now."""
        with self._lock:
            chat = self._chats.get(chat_id)
            if chat is None:
                return []
            return [
                dataclasses.replace(m)
                for m in chat.bot_messages
                if include_deleted or not m.deleted
            ]

    def user_messages(self, chat_id: int) -> list[UserMessage]:
        """The simulated people's messages in ``chat_id``, with whether the bot deleted them."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return [dataclasses.replace(m) for m in chat.user_messages] if chat else []

    def calls(self, method: str | None = None) -> list[Call]:
        """Every API call in arrival order, or only those of ``method`` (any letter case)."""
        with self._lock:
            if method is None:
                return list(self._calls)
            wanted = method.lower()
            return [call for call in self._calls if call.method.lower() == wanted]

    def call_counts(self) -> dict[str, int]:
        """Calls per method so far, faulted and unknown ones too; file downloads as "(download)"."""
        with self._lock:
            return dict(self._counts)

    def answered_callbacks(self) -> list[CallbackAnswer]:
        """Every successful answerCallbackQuery, in order."""
        with self._lock:
            return list(self._answers)

    def commands(self, *, scope: Json | None = None, language_code: str = "") -> list[Json]:
        """The command list the bot set for this scope and language (default scope: all)."""
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code)
        with self._lock:
            return [dict(command) for command in self._commands.get(key, [])]

    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by the bot (through offset or a webhook 2xx)."""
        with self._lock:
            if self._webhook is not None:
                return self._webhook.pending
            return sum(1 for p in self._queue if not p.dropped)

    def timings(self) -> list[UpdateTiming]:
        """Per update: queued, delivered, and first acted on (see :class:`UpdateTiming`)."""
        with self._lock:
            result = []
            for timing in self._timings.values():
                replied = None
                chat = self._chats.get(timing.chat_id) if timing.chat_id is not None else None
                if chat is not None:
                    at = bisect.bisect_left(chat.activity, timing.queued_at)
                    replied = chat.activity[at] if at < len(chat.activity) else None
                result.append(
                    UpdateTiming(
                        timing.update_id,
                        timing.kind,
                        timing.chat_id,
                        timing.queued_at,
                        timing.delivered_at,
                        replied,
                    )
                )
            return result

    def reply_latencies(self) -> list[float]:
        """Seconds from each answered update being queued to the bot's first action in its chat."""
        return [t.replied_at - t.queued_at for t in self.timings() if t.replied_at is not None]

    def internal_errors(self) -> list[str]:
        """Bugs in the fake itself (answered as 500): a test can assert there were none."""
        with self._lock:
            return list(self._errors)

    # -- waiting --------------------------------------------------------------------------------

    def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:
        """Block until ``predicate()`` is truthy and return it; TimeoutError after ``timeout``.

        Wakes on every change the bot makes (no polling). Not on the server's own loop thread:
        use :meth:`wait_for_async` there.
        """
        self._refuse_on_server_loop("wait_for")
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                value = predicate()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closing:
                    raise TimeoutError(f"condition not met within {timeout} s")
                self._changed.wait(remaining)

    def wait_for_replies(
        self, chat_id: int, count: int = 1, timeout: float = 5.0
    ) -> list[BotMessage]:
        """Block until the bot has sent ``count`` messages in ``chat_id`` since the last input.

        "Since the last input" means with a message id above every message that existed when
        the latest update for that chat was injected, so a reply to an earlier message that
        arrives late is counted too. Returns those messages in their current state.
        """
        self._refuse_on_server_loop("wait_for_replies")
        try:
            return self.wait_for(lambda: self._replies(chat_id, count) or [], timeout)
        except TimeoutError:
            raise TimeoutError(self._replies_missing(chat_id, count, timeout)) from None

    async def wait_for_async(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:
        """:meth:`wait_for` for async tests (any loop, including the server's)."""

        def check() -> T | None:
            value = predicate()
            return value if value else None

        value = await self._wait(self._result_waiters, check, timeout)
        if value is None:
            raise TimeoutError(f"condition not met within {timeout} s")
        return value

    async def wait_for_replies_async(
        self, chat_id: int, count: int = 1, timeout: float = 5.0
    ) -> list[BotMessage]:
        """:meth:`wait_for_replies` for async tests (any loop, including the server's)."""
        value = await self._wait(
            self._result_waiters, lambda: self._replies(chat_id, count), timeout
        )
        if value is None:
            raise TimeoutError(self._replies_missing(chat_id, count, timeout))
        return value

    def _replies(self, chat_id: int, count: int) -> list[BotMessage] | None:
        with self._lock:
            chat = self._chats.get(chat_id)
            if chat is None:
                return None
            start = bisect.bisect_right(chat.bot_ids, chat.last_input_id)
            found = chat.bot_messages[start:]
            if len(found) < count:
                return None
            return [dataclasses.replace(m) for m in found]

    def _replies_missing(self, chat_id: int, count: int, timeout: float) -> str:
        with self._lock:
            chat = self._chats.get(chat_id)
            if chat is None:
                return f"no chat {chat_id}: inject a message there first"
            start = bisect.bisect_right(chat.bot_ids, chat.last_input_id)
            got = [m.text for m in chat.bot_messages[start:]]
            recent = [m.text for m in chat.bot_messages[-3:]]
            return (
                f"chat {chat_id}: {len(got)} of {count} replies within {timeout} s: {got!r}; "
                f"the bot's last messages there: {recent!r}"
            )

    def _refuse_on_server_loop(self, name: str) -> None:
        serving = self._runner is not None and not self._closing
        if serving and self._loop_thread == threading.get_ident():
            raise RuntimeError(
                f"{name} would block the fake server's own event loop; use {name}_async"
            )

    # -- internals: state -----------------------------------------------------------------------

    def _wake(self, waiters: set[_Waiter]) -> None:
        """Resolve every registered waiter's future on its own loop (call with the lock held)."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        for loop, future in waiters:
            if loop is running:
                _resolve(future)
            else:
                # A closed loop's waiter went with it.
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(_resolve, future)
        waiters.clear()

    def _wake_one(self, waiters: set[_Waiter]) -> None:
        """Hand a newly ready chat to one idle webhook worker, not all of them."""
        if waiters:
            self._wake({waiters.pop()})

    def _notify_results(self) -> None:
        self._changed.notify_all()
        self._wake(self._result_waiters)

    async def _wait(
        self, waiters: set[_Waiter], check: Callable[[], T | None], timeout: float
    ) -> T | None:
        """Wait until ``check()`` (run under the lock) gives a value; None on timeout or close."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            with self._lock:
                value = check()
                if value is not None:
                    return value
                remaining = deadline - loop.time()
                if self._closing or remaining <= 0:
                    return None
                waiter: _Waiter = (loop, loop.create_future())
                waiters.add(waiter)
            try:
                await asyncio.wait((waiter[1],), timeout=remaining)
            finally:
                with self._lock:
                    waiters.discard(waiter)
                waiter[1].cancel()

    def _user_json(self, user_id: int, first_name: str, username: str | None) -> Json:
        user: Json = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        user["language_code"] = "en"
        return user

    def _ensure_chat(
        self,
        user_id: int,
        chat_id: int | None,
        chat_type: str,
        first_name: str,
        username: str | None,
    ) -> _Chat:
        if chat_type == "private":
            chat_id = user_id if chat_id is None else chat_id
            if chat_id != user_id:
                raise ValueError("a private chat's id is the user's id")
        elif chat_type == "group":
            chat_id = -abs(user_id) if chat_id is None else chat_id
        elif chat_type == "supergroup":
            chat_id = -(10**12 + abs(user_id)) if chat_id is None else chat_id
        else:
            raise ValueError(f"unknown chat type {chat_type!r}")
        if chat_type != "private" and chat_id >= 0:
            raise ValueError("group and supergroup ids are negative")
        chat = self._chats.get(chat_id)
        if chat is not None:
            if chat.type != chat_type:
                raise ValueError(f"chat {chat_id} is a {chat.type}, not a {chat_type}")
            return chat
        if chat_type == "private":
            payload: Json = {"id": chat_id, "first_name": first_name}
            if username:
                payload["username"] = username
            payload["type"] = "private"
        else:
            title = "Test group" if chat_type == "group" else "Test supergroup"
            payload = {"id": chat_id, "title": title, "type": chat_type}
        chat = self._chats[chat_id] = _Chat(chat_id, chat_type, payload)
        return chat

    def _known_chat(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            raise ValueError(f"no chat {chat_id}: inject a message there first")
        return chat

    def _inject_message(
        self,
        user_id: int,
        chat_id: int | None,
        chat_type: str,
        first_name: str,
        username: str | None,
        fields: Json,
        kind: str,
        text: str | None,
    ) -> Injected:
        with self._lock:
            chat = self._ensure_chat(user_id, chat_id, chat_type, first_name, username)
            message_id = chat.take_id()
            date = int(self.now())
            message = {
                "message_id": message_id,
                "from": self._user_json(user_id, first_name, username),
                "chat": chat.payload,
                "date": date,
                **fields,
            }
            record = UserMessage(chat.id, message_id, user_id, date, kind, text, message)
            chat.by_id[message_id] = record
            chat.user_messages.append(record)
            chat.last_input_id = message_id
            update_id = self._enqueue("message", message, chat.id)
        return Injected(update_id=update_id, chat_id=chat.id, message_id=message_id)

    def _other_fields(self, kind: str) -> tuple[Json, str | None]:
        with self._lock:
            self._serial += 1
            serial = self._serial

            def stored(file_kind: str, mime: str, name: str | None = None) -> Json:
                data = f"fake {file_kind} {serial}".encode()
                item = self._store_file(file_kind, data, mime, name)
                return {
                    "file_id": item.file_id,
                    "file_unique_id": item.unique_id,
                    "file_size": len(data),
                }

            location = {"latitude": 51.501009, "longitude": -0.141588}
            if kind == "sticker":
                sticker = stored("sticker", "image/webp")
                fields: Json = {
                    "sticker": {
                        "width": 512,
                        "height": 512,
                        "emoji": "\N{THUMBS UP SIGN}",
                        "set_name": "TestStickers",
                        "is_animated": False,
                        "is_video": False,
                        "type": "regular",
                        **sticker,
                    }
                }
                return fields, sticker["file_id"]
            if kind == "photo":
                small, large = stored("photo", "image/jpeg"), stored("photo", "image/jpeg")
                sizes = [
                    {**small, "width": 90, "height": 68},
                    {**large, "width": 1280, "height": 960},
                ]
                return {"photo": sizes}, large["file_id"]
            if kind == "document":
                document = stored("document", "application/pdf", "notes.pdf")
                fields = {
                    "document": {
                        "file_name": "notes.pdf",
                        "mime_type": "application/pdf",
                        **document,
                    }
                }
                return fields, document["file_id"]
            if kind == "location":
                return {"location": location}, None
            if kind == "contact":
                return {"contact": {"phone_number": "+447700900123", "first_name": "Sam"}}, None
            if kind == "poll":
                poll = {
                    "id": str(5_000_000_000_000_000_000 + serial),
                    "question": "Which one?",
                    "options": [
                        {"persistent_id": "0", "text": "This", "voter_count": 0},
                        {"persistent_id": "1", "text": "That", "voter_count": 0},
                    ],
                    "total_voter_count": 0,
                    "is_closed": False,
                    "is_anonymous": True,
                    "type": "regular",
                    "allows_multiple_answers": False,
                    # Bot API 9.6 and 10.0 made these required; python-telegram-bot 22.8 checks.
                    "allows_revoting": False,
                    "members_only": False,
                }
                return {"poll": poll}, None
            if kind == "venue":
                venue = {
                    "location": location,
                    "title": "Buckingham Palace",
                    "address": "London SW1A",
                }
                return {"venue": venue, "location": location}, None
            if kind == "dice":
                return {"dice": {"emoji": "\N{GAME DIE}", "value": 4}}, None
            if kind == "video":
                video = stored("video", "video/mp4")
                fields = {
                    "video": {
                        "duration": 5,
                        "width": 640,
                        "height": 360,
                        "mime_type": "video/mp4",
                        **video,
                    }
                }
                return fields, video["file_id"]
            if kind == "audio":
                audio = stored("audio", "audio/mpeg", "track.mp3")
                fields = {
                    "audio": {
                        "duration": 30,
                        "file_name": "track.mp3",
                        "mime_type": "audio/mpeg",
                        **audio,
                    }
                }
                return fields, audio["file_id"]
            if kind == "animation":
                animation = stored("animation", "video/mp4", "funny.mp4")
                details = {"file_name": "funny.mp4", "mime_type": "video/mp4", **animation}
                fields = {
                    "animation": {"duration": 3, "width": 320, "height": 240, **details},
                    "document": details,
                }
                return fields, animation["file_id"]
            if kind == "video_note":
                note = stored("video_note", "video/mp4")
                return {"video_note": {"duration": 4, "length": 240, **note}}, note["file_id"]
        raise ValueError(f"unknown kind {kind!r}")

    def _store_file(
        self, kind: str, data: bytes, mime_type: str | None, file_name: str | None
    ) -> _StoredFile:
        folder, suffix, prefix = _FILE_PREFIX.get(kind, (kind + "s", "", "BQACAgQAAxkBAAI"))
        if file_name and "." in file_name and not suffix:
            suffix = "." + file_name.rsplit(".", 1)[1]
        self._serial += 1
        serial = self._serial
        stored = _StoredFile(
            file_id=f"{prefix}{serial:07d}fake",
            unique_id=f"AgAD{serial:07d}",
            path=f"{folder}/file_{serial}{suffix}",
            data=data,
            mime_type=mime_type,
            file_name=file_name,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.path] = stored
        return stored

    def _enqueue(
        self, kind: str, payload: Any, chat_id: int | None, *, update_id: int | None = None
    ) -> int:
        if update_id is None:
            update_id = self._next_update_id
        self._next_update_id = max(self._next_update_id, update_id + 1)
        pending = _Pending(
            update_id,
            kind,
            {"update_id": update_id, kind: payload},
            chat_id if chat_id is not None else ("update", update_id),
        )
        self._timings[update_id] = _Timing(update_id, kind, chat_id, time.perf_counter())
        if self._webhook is not None:
            self._webhook_add(self._webhook, pending)
        else:
            self._queue.append(pending)
            self._wake(self._update_waiters)
        return update_id

    def _allows(self, kind: str) -> bool:
        if self._allowed is None:
            return kind not in _NOT_BY_DEFAULT
        return kind in self._allowed

    def _set_allowed(self, value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _ApiError(400, _BAD + "can't parse allowed updates JSON object")
        self._allowed = frozenset(value) if value else None

    def _bot_message_json(self, chat: _Chat, message: BotMessage, *, nested: bool = False) -> Json:
        data: Json = {
            "message_id": message.message_id,
            "from": self._bot_short,
            "chat": chat.payload,
            "date": message.date,
        }
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        if message.reply_to_message_id is not None and not nested:
            target = chat.by_id.get(message.reply_to_message_id)
            if isinstance(target, BotMessage):
                data["reply_to_message"] = self._bot_message_json(chat, target, nested=True)
            elif isinstance(target, UserMessage):
                data["reply_to_message"] = target.payload
        if message.kind == "text":
            data["text"] = message.text
            if message.entities:
                data["entities"] = list(message.entities)
        else:
            data[message.kind] = message.media
            if message.text:
                data["caption"] = message.text
                if message.entities:
                    data["caption_entities"] = list(message.entities)
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data

    def _add_bot_message(self, chat: _Chat, **fields: Any) -> BotMessage:
        now = time.perf_counter()
        message = BotMessage(
            chat_id=chat.id,
            message_id=chat.take_id(),
            date=int(self.now()),
            sent_at=now,
            **fields,
        )
        chat.by_id[message.message_id] = message
        chat.bot_messages.append(message)
        chat.bot_ids.append(message.message_id)
        chat.activity.append(now)
        self._notify_results()
        return message

    # -- internals: HTTP ------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path.startswith("/file/bot"):
            token, _, file_path = path[len("/file/bot") :].partition("/")
            return await self._download(token, file_path)
        if not path.startswith("/bot"):
            return web.json_response(_ApiError(404, NOT_FOUND).body(), status=404)
        token, _, method_name = path[len("/bot") :].partition("/")
        if token != self._token:
            code = 401 if _TOKEN_SHAPE.match(token) else 404
            error = _ApiError(code, UNAUTHORIZED if code == 401 else NOT_FOUND)
            return web.json_response(error.body(), status=code)
        try:
            params, uploads = await self._read_params(request)
        except _ApiError as error:
            return web.json_response(error.body(), status=error.code)
        canonical, handler = self._methods.get(method_name.lower(), (method_name, None))
        with self._lock:
            recorded = {**params, **uploads}
            self._calls.append(Call(canonical, recorded, time.perf_counter()))
            self._counts[canonical] += 1
            fault = self._take_fault(canonical)
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        if fault is not None:
            return await self._apply_fault(request, fault)
        if handler is None:
            return web.json_response(_ApiError(404, NOT_FOUND).body(), status=404)
        try:
            result = await handler(params, uploads)
        except _ApiError as error:
            return web.json_response(error.body(), status=error.code)
        except Exception as error:
            with self._lock:
                self._errors.append(f"{canonical}: {error!r}")
            body = _ApiError(500, f"Internal Server Error: {error!r}").body()
            return web.json_response(body, status=500)
        if isinstance(result, tuple):
            value, description = result
            return web.json_response({"ok": True, "result": value, "description": description})
        return web.json_response({"ok": True, "result": result})

    async def _read_params(self, request: web.Request) -> tuple[Json, dict[str, Upload]]:
        params: Json = dict(request.query)
        uploads: dict[str, Upload] = {}
        if request.method == "POST" and request.can_read_body:
            content_type = request.content_type
            if content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise _ApiError(400, _BAD + "can't parse JSON object") from None
                if not isinstance(body, dict):
                    raise _ApiError(400, _BAD + "can't parse JSON object")
                params.update(body)
            elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        uploads[key] = Upload(
                            key, value.filename, value.content_type, value.file.read()
                        )
                    else:
                        params[key] = value
        for name in _JSON_PARAMS.intersection(params):
            value = params[name]
            if isinstance(value, str) and value:
                try:
                    params[name] = json.loads(value)
                except ValueError:
                    if name == "reply_markup":
                        raise _ApiError(400, BAD_MARKUP) from None
                    raise _ApiError(400, f"{_BAD}can't parse {name} JSON object") from None
        return params, uploads

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method.lower())
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.popleft()
        return fault

    async def _apply_fault(self, request: web.Request, fault: _Fault) -> web.StreamResponse:
        if fault.kind == "flood":
            error = _ApiError(
                429,
                f"Too Many Requests: retry after {fault.retry_after}",
                {"retry_after": fault.retry_after},
            )
            return web.json_response(error.body(), status=429)
        if fault.kind == "server":
            phrase = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
            description = phrase.get(fault.status, "Internal Server Error")
            return web.json_response(
                _ApiError(fault.status, description).body(), status=fault.status
            )
        if fault.kind == "timeout":
            assert self._stopping is not None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), fault.hold)
        if request.transport is not None:
            request.transport.close()
        return web.Response()

    async def _download(self, token: str, file_path: str) -> web.StreamResponse:
        if token != self._token:
            return web.json_response(_ApiError(401, UNAUTHORIZED).body(), status=401)
        with self._lock:
            stored = self._files_by_path.get(file_path)
            self._counts["(download)"] += 1
        if stored is None:
            return web.json_response(_ApiError(404, NOT_FOUND).body(), status=404)
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    # -- internals: resolving parameters ---------------------------------------------------------

    def _chat_for(self, params: Json) -> _Chat:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _ApiError(400, _BAD + "chat_id is empty")
        if isinstance(raw, str) and raw.startswith("@"):
            for known in self._chats.values():
                if known.payload.get("username") == raw[1:]:
                    return known
            raise _ApiError(400, CHAT_NOT_FOUND)
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise _ApiError(400, CHAT_NOT_FOUND) from None
        chat = self._chats.get(chat_id)
        if chat is None:
            raise _ApiError(400, CHAT_NOT_FOUND)
        return chat

    def _markup(self, params: Json, *, inline_only: bool = False) -> Json | None:
        markup = params.get("reply_markup")
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise _ApiError(400, BAD_MARKUP)
        if "inline_keyboard" not in markup:
            if inline_only:
                raise _ApiError(400, INLINE_EXPECTED)
            if not {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
                raise _ApiError(400, BAD_MARKUP)
            return markup
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _ApiError(400, KEYBOARD_NOT_ARRAYS)
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise _ApiError(
                        400,
                        _BAD + 'can\'t parse inline keyboard button: Field "text" must be of '
                        "type String",
                    )
                if not any(action in button for action in _BUTTON_ACTIONS):
                    raise _ApiError(400, TEXT_BUTTONS)
                if "callback_data" in button:
                    data = button["callback_data"]
                    size = len(data.encode()) if isinstance(data, str) else 0
                    if not 1 <= size <= CALLBACK_DATA_LIMIT:
                        raise _ApiError(400, BUTTON_DATA_INVALID)
                if "url" in button and not re.match(r"^(https?|tg)://\S+$", str(button["url"])):
                    raise _ApiError(400, BUTTON_URL_INVALID)
        if not any(rows):
            return None
        return {"inline_keyboard": rows}

    def _reply_target(self, chat: _Chat, params: Json) -> int | None:
        reply = params.get("reply_parameters")
        message_id: int | None
        allow_missing = _bool(params, "allow_sending_without_reply")
        if isinstance(reply, dict):
            message_id = _int(reply, "message_id")
            allow_missing = allow_missing or bool(reply.get("allow_sending_without_reply"))
        else:
            message_id = _int(params, "reply_to_message_id")
        if message_id is None:
            return None
        target = chat.by_id.get(message_id)
        if target is None or target.deleted:
            if allow_missing:
                return None
            raise _ApiError(400, REPLY_NOT_FOUND)
        return message_id

    def _bot_message_for_edit(self, params: Json) -> tuple[_Chat, BotMessage]:
        if params.get("inline_message_id"):
            raise _ApiError(400, _BAD + "MESSAGE_ID_INVALID")
        chat = self._chat_for(params)
        message_id = _int(params, "message_id")
        target = chat.by_id.get(message_id) if message_id is not None else None
        if target is None or target.deleted:
            raise _ApiError(400, EDIT_NOT_FOUND)
        if not isinstance(target, BotMessage):
            raise _ApiError(400, CANT_EDIT)
        return chat, target

    # -- internals: methods ---------------------------------------------------------------------

    async def _get_me(self, params: Json, uploads: dict[str, Upload]) -> Any:
        return self._bot_full

    async def _get_updates(self, params: Json, uploads: dict[str, Upload]) -> Any:
        offset = _int(params, "offset", 0) or 0
        limit = min(max(_int(params, "limit", 100) or 100, 1), 100)
        timeout = max(_float(params, "timeout", 0.0), 0.0)
        with self._lock:
            if self._webhook is not None:
                raise _ApiError(409, WEBHOOK_ACTIVE)
            self._set_allowed(params.get("allowed_updates"))
            self._poll_generation += 1
            generation = self._poll_generation
            self._wake(self._update_waiters)

        def check() -> list[_Pending] | None:
            if self._poll_generation != generation:
                raise _ApiError(409, OTHER_POLL)
            if self._webhook is not None:
                raise _ApiError(409, WEBHOOK_SET_WHILE_POLLING)
            self._confirm(offset)
            found = self._collect(limit)
            return found or None

        found = await self._wait(self._update_waiters, check, timeout) or []
        now = time.perf_counter()
        with self._lock:
            for pending in found:
                timing = self._timings.get(pending.update_id)
                if timing is not None and timing.delivered_at is None:
                    timing.delivered_at = now
        return [pending.update for pending in found]

    def _confirm(self, offset: int) -> None:
        queue = self._queue
        if offset > 0:
            while queue and queue[0].update_id < offset:
                queue.popleft()
        elif offset < 0:
            while len(queue) > -offset:
                queue.popleft()

    def _collect(self, limit: int) -> list[_Pending]:
        found: list[_Pending] = []
        for pending in self._queue:
            if pending.dropped:
                continue
            if not self._allows(pending.kind):
                pending.dropped = True
                continue
            found.append(pending)
            if len(found) >= limit:
                break
        return found

    async def _set_webhook(self, params: Json, uploads: dict[str, Upload]) -> Any:
        url = _str(params, "url") or ""
        if not url:
            return await self._delete_webhook(params, uploads)
        if not re.match(r"^https?://[^/\s]+", url):
            raise _ApiError(400, BAD_WEBHOOK_URL)
        secret = _str(params, "secret_token") or None
        if secret is not None and not _SECRET.match(secret):
            raise _ApiError(400, BAD_SECRET)
        max_connections = min(max(_int(params, "max_connections", 40) or 40, 1), 100)
        allowed = params.get("allowed_updates")
        with self._lock:
            self._set_allowed(allowed)
            old = self._webhook
            pending = self._drain_webhook(old) if old is not None else list(self._queue)
            self._queue.clear()
            if _bool(params, "drop_pending_updates"):
                pending = []
            hook = _Webhook(url, secret, max_connections, allowed if allowed else None)
            self._webhook = hook
            for item in pending:
                self._webhook_add(hook, item)
            self._wake(self._update_waiters)
            self._wake(self._hook_waiters)
        if old is not None:
            await self._stop_webhook(old)
        hook.session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self.webhook_timeout)
        )
        hook.tasks = [
            asyncio.create_task(self._webhook_worker(hook)) for _ in range(max_connections)
        ]
        return True, "Webhook was set"

    async def _delete_webhook(self, params: Json, uploads: dict[str, Upload]) -> Any:
        with self._lock:
            hook = self._webhook
            self._webhook = None
            if hook is not None:
                self._queue = deque(self._drain_webhook(hook))
            if _bool(params, "drop_pending_updates"):
                self._queue.clear()
            self._wake(self._update_waiters)
            self._wake(self._hook_waiters)
        if hook is None:
            return True, "Webhook is already deleted"
        await self._stop_webhook(hook)
        return True, "Webhook was deleted"

    async def _get_webhook_info(self, params: Json, uploads: dict[str, Upload]) -> Any:
        with self._lock:
            hook = self._webhook
            if hook is None:
                return {
                    "url": "",
                    "has_custom_certificate": False,
                    "pending_update_count": sum(1 for p in self._queue if not p.dropped),
                }
            info: Json = {
                "url": hook.url,
                "has_custom_certificate": False,
                "pending_update_count": hook.pending,
                "max_connections": hook.max_connections,
                "ip_address": "127.0.0.1",
            }
            if hook.allowed_updates is not None:
                info["allowed_updates"] = hook.allowed_updates
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
            return info

    def _webhook_add(self, hook: _Webhook, pending: _Pending) -> None:
        queue = hook.chats.get(pending.chat_key)
        if queue is None:
            queue = hook.chats[pending.chat_key] = deque()
        queue.append(pending)
        hook.pending += 1
        if len(queue) == 1 and pending.chat_key not in hook.busy:
            hook.ready.append(pending.chat_key)
            self._wake_one(self._hook_waiters)

    def _drain_webhook(self, hook: _Webhook) -> list[_Pending]:
        items = sorted(
            (p for queue in hook.chats.values() for p in queue), key=lambda p: p.update_id
        )
        hook.chats.clear()
        hook.ready.clear()
        hook.pending = 0
        return items

    async def _stop_webhook(self, hook: _Webhook) -> None:
        for task in hook.tasks:
            task.cancel()
        await asyncio.gather(*hook.tasks, return_exceptions=True)
        hook.tasks = []
        if hook.session is not None:
            await hook.session.close()
            hook.session = None

    def _webhook_release(self, hook: _Webhook, key: Any) -> None:
        hook.busy.discard(key)
        queue = hook.chats.get(key)
        if queue:
            hook.ready.append(key)
            self._wake_one(self._hook_waiters)
        elif queue is not None:
            del hook.chats[key]

    async def _webhook_worker(self, hook: _Webhook) -> None:
        """Deliver one chat's updates at a time, in order; other chats go in parallel."""

        def next_chat() -> Any:
            if self._webhook is not hook:
                raise _Gone
            if hook.ready:
                key = hook.ready.popleft()
                hook.busy.add(key)
                return key
            return None

        while True:
            try:
                key = await self._wait(self._hook_waiters, next_chat, 3600.0)
            except _Gone:
                return
            if key is None:
                if self._closing:
                    return
                continue
            with self._lock:
                if self._webhook is not hook:
                    return
                queue = hook.chats[key]
                pending = queue[0]
                if not self._allows(pending.kind):
                    queue.popleft()
                    hook.pending -= 1
                    self._webhook_release(hook, key)
                    continue
                timing = self._timings.get(pending.update_id)
                if timing is not None and timing.delivered_at is None:
                    timing.delivered_at = time.perf_counter()
            error = await self._post_update(hook, pending.update)
            with self._lock:
                if self._webhook is not hook:
                    return
                if error is None:
                    queue.popleft()
                    hook.pending -= 1
                    self._webhook_release(hook, key)
                    continue
                hook.last_error_date = int(self.now())
                hook.last_error_message = error
            await asyncio.sleep(self.webhook_retry_delay)
            with self._lock:
                if self._webhook is not hook:
                    return
                self._webhook_release(hook, key)

    async def _post_update(self, hook: _Webhook, update: Json) -> str | None:
        assert hook.session is not None
        headers = {"Content-Type": "application/json"}
        if hook.secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret
        try:
            async with hook.session.post(hook.url, data=json.dumps(update), headers=headers) as r:
                await r.read()
                if 200 <= r.status < 300:
                    return None
                return f"Wrong response from the webhook: {r.status} {r.reason}"
        except TimeoutError:
            return "Read timeout expired"
        except aiohttp.ClientConnectorError:
            return "Connection refused"
        except aiohttp.ClientError as error:
            return f"Connection error: {type(error).__name__}"

    async def _send_message(self, params: Json, uploads: dict[str, Upload]) -> Any:
        with self._lock:
            chat = self._chat_for(params)
            source = _str(params, "text") or ""
            parse_mode = _str(params, "parse_mode") or None
            text, entities = _format_text(source, parse_mode, params.get("entities"))
            if not text:
                raise _ApiError(400, TEXT_EMPTY)
            if len(text) > TEXT_LIMIT:
                raise _ApiError(400, TEXT_TOO_LONG)
            markup = self._markup(params)
            reply_to = self._reply_target(chat, params)
            message = self._add_bot_message(
                chat,
                kind="text",
                text=text,
                source_text=source,
                parse_mode=parse_mode,
                entities=tuple(entities),
                reply_markup=markup,
                reply_to_message_id=reply_to,
            )
            return self._bot_message_json(chat, message)

    def _apply_edit(self, chat: _Chat, message: BotMessage, **changes: Any) -> Json:
        for name, value in changes.items():
            setattr(message, name, value)
        message.edit_count += 1
        message.edit_date = int(self.now())
        message.edited_at = time.perf_counter()
        chat.activity.append(message.edited_at)
        self._notify_results()
        return self._bot_message_json(chat, message)

    async def _edit_message_text(self, params: Json, uploads: dict[str, Upload]) -> Any:
        with self._lock:
            chat, message = self._bot_message_for_edit(params)
            if message.kind != "text":
                raise _ApiError(400, NO_TEXT_TO_EDIT)
            source = _str(params, "text") or ""
            parse_mode = _str(params, "parse_mode") or None
            text, entities = _format_text(source, parse_mode, params.get("entities"))
            if not text:
                raise _ApiError(400, TEXT_EMPTY)
            if len(text) > TEXT_LIMIT:
                raise _ApiError(400, EDIT_TOO_LONG)
            markup = self._markup(params, inline_only=True)
            if (
                text == message.text
                and tuple(entities) == message.entities
                and markup == _inline(message.reply_markup)
            ):
                raise _ApiError(400, NOT_MODIFIED)
            return self._apply_edit(
                chat,
                message,
                text=text,
                source_text=source,
                parse_mode=parse_mode,
                entities=tuple(entities),
                reply_markup=markup,
            )

    async def _edit_message_reply_markup(self, params: Json, uploads: dict[str, Upload]) -> Any:
        with self._lock:
            chat, message = self._bot_message_for_edit(params)
            markup = self._markup(params, inline_only=True)
            if markup == _inline(message.reply_markup):
                raise _ApiError(400, NOT_MODIFIED)
            return self._apply_edit(chat, message, reply_markup=markup)

    async def _delete_message(self, params: Json, uploads: dict[str, Upload]) -> Any:
        with self._lock:
            chat = self._chat_for(params)
            message_id = _int(params, "message_id")
            target = chat.by_id.get(message_id) if message_id is not None else None
            if target is None or target.deleted:
                raise _ApiError(400, DELETE_NOT_FOUND)
            if self.now() - target.date > DELETE_WINDOW:
                raise _ApiError(400, CANT_DELETE)
            if (
                isinstance(target, UserMessage)
                and chat.type in ("group", "supergroup", "channel")
                and not chat.bot_is_admin
            ):
                raise _ApiError(400, CANT_DELETE)
            target.deleted = True
            if isinstance(target, BotMessage):
                chat.activity.append(time.perf_counter())
            self._notify_results()
            return True

    async def _answer_callback_query(self, params: Json, uploads: dict[str, Upload]) -> Any:
        with self._lock:
            query_id = _str(params, "callback_query_id") or ""
            query = self._queries.get(query_id)
            if (
                query is None
                or query.answered
                or self.now() - query.created > self.callback_query_ttl
            ):
                raise _ApiError(400, QUERY_TOO_OLD)
            query.answered = True
            self._answers.append(
                CallbackAnswer(
                    callback_query_id=query_id,
                    text=_str(params, "text"),
                    show_alert=_bool(params, "show_alert"),
                    url=_str(params, "url"),
                    cache_time=_int(params, "cache_time"),
                    answered_at=time.perf_counter(),
                )
            )
            self._notify_results()
            return True

    async def _send_chat_action(self, params: Json, uploads: dict[str, Upload]) -> Any:
        with self._lock:
            self._chat_for(params)
            if _str(params, "action") not in _CHAT_ACTIONS:
                raise _ApiError(400, WRONG_ACTION)
            return True

    @staticmethod
    def _command_key(params: Json) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), _str(params, "language_code") or ""

    async def _set_my_commands(self, params: Json, uploads: dict[str, Upload]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _ApiError(400, _BAD + "can't parse commands JSON object")
        cleaned = []
        for command in commands:
            if not isinstance(command, dict):
                raise _ApiError(400, _BAD + "can't parse BotCommand")
            name = str(command.get("command", "")).removeprefix("/")
            description = str(command.get("description", ""))
            if not _COMMAND.match(name):
                raise _ApiError(400, BOT_COMMAND_INVALID)
            if not 1 <= len(description.strip()) <= 256:
                raise _ApiError(400, COMMAND_DESCRIPTION_INVALID)
            cleaned.append({"command": name, "description": description})
        with self._lock:
            self._commands[self._command_key(params)] = cleaned
        return True

    async def _get_my_commands(self, params: Json, uploads: dict[str, Upload]) -> Any:
        with self._lock:
            return list(self._commands.get(self._command_key(params), []))

    async def _delete_my_commands(self, params: Json, uploads: dict[str, Upload]) -> Any:
        with self._lock:
            self._commands.pop(self._command_key(params), None)
        return True

    def _set_description(self, field: str) -> _Handler:
        async def handler(params: Json, uploads: dict[str, Upload]) -> Any:
            with self._lock:
                key = (field, _str(params, "language_code") or "")
                self._descriptions[key] = _str(params, field) or ""
            return True

        return handler

    def _get_description(self, field: str) -> _Handler:
        async def handler(params: Json, uploads: dict[str, Upload]) -> Any:
            with self._lock:
                key = (field, _str(params, "language_code") or "")
                return {field: self._descriptions.get(key, "")}

        return handler

    async def _get_file(self, params: Json, uploads: dict[str, Upload]) -> Any:
        with self._lock:
            stored = self._files.get(_str(params, "file_id") or "")
            if stored is None:
                raise _ApiError(400, INVALID_FILE_ID)
            if len(stored.data) > DOWNLOAD_LIMIT:
                raise _ApiError(400, FILE_TOO_BIG)
            return {
                "file_id": stored.file_id,
                "file_unique_id": stored.unique_id,
                "file_size": len(stored.data),
                "file_path": stored.path,
            }

    def _send_media(self, kind: str) -> _Handler:
        async def handler(params: Json, uploads: dict[str, Upload]) -> Any:
            with self._lock:
                chat = self._chat_for(params)
                stored, upload = self._media_input(kind, params, uploads)
                source = _str(params, "caption") or ""
                parse_mode = _str(params, "parse_mode") or None
                caption, entities = _format_text(source, parse_mode, params.get("caption_entities"))
                if len(caption) > CAPTION_LIMIT:
                    raise _ApiError(400, CAPTION_TOO_LONG)
                markup = self._markup(params)
                reply_to = self._reply_target(chat, params)
                ids = {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.unique_id,
                    "file_size": len(stored.data),
                }
                media: Any
                if kind == "voice":
                    media = {
                        "duration": _int(params, "duration", 0),
                        "mime_type": stored.mime_type or "audio/ogg",
                        **ids,
                    }
                elif kind == "document":
                    media = {
                        "file_name": stored.file_name or "document",
                        "mime_type": stored.mime_type or "application/octet-stream",
                        **ids,
                    }
                else:
                    width, height = _image_size(stored.data)
                    scale = 90 / max(width, height, 1)
                    thumb = {
                        **ids,
                        "file_unique_id": stored.unique_id + "s",
                        "width": max(int(width * scale), 1),
                        "height": max(int(height * scale), 1),
                    }
                    media = [thumb, {**ids, "width": width, "height": height}]
                message = self._add_bot_message(
                    chat,
                    kind=kind,
                    text=caption,
                    source_text=source,
                    parse_mode=parse_mode,
                    entities=tuple(entities),
                    reply_markup=markup,
                    media=media,
                    upload=upload,
                    file_id=stored.file_id,
                    reply_to_message_id=reply_to,
                )
                return self._bot_message_json(chat, message)

        return handler

    def _media_input(
        self, kind: str, params: Json, uploads: dict[str, Upload]
    ) -> tuple[_StoredFile, Upload | None]:
        value = params.get(kind)
        upload = uploads.get(kind)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = uploads.get(value.removeprefix("attach://"))
        if upload is not None:
            mime = upload.content_type
            if mime == "application/octet-stream" and kind == "voice":
                mime = "audio/ogg"
            return self._store_file(kind, upload.data, mime, upload.filename), upload
        if isinstance(value, str) and value:
            if value.startswith(("http://", "https://")):
                raise _ApiError(400, _BAD + "failed to get HTTP URL content")
            stored = self._files.get(value)
            if stored is None:
                raise _ApiError(400, WRONG_FILE_ID)
            return stored, None
        raise _ApiError(400, f"{_BAD}there is no {kind} in the request")
