"""The Telegram channel: updates in, engine events out, replies rendered back.

It translates and never decides. Who may talk to the bot is the users module's answer, what a
message means is the engine's, and what is kept is the session layer's. Telegram ids are turned
into keyed pseudonyms the moment an update arrives and are never stored or logged; the officer's
words go to the engine in memory and are dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import html
import logging
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, Protocol

from telegram import (
    BotCommand,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError, TimedOut
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.channels.telegram import _texts as say
from bot.channels.telegram._admin import UserAdmin, users_command
from bot.channels.telegram._contacts import Contacts
from bot.channels.telegram._marks import ChatMark, ChatMarks
from bot.channels.telegram._order import PerChatOrder
from bot.channels.telegram._render import MESSAGE_LIMIT, Outgoing, render
from bot.channels.telegram._voice import CONFIRM_PREFIX, VoiceDesk
from bot.engine import Conversation, Press, StepResult, Text
from bot.session import Sessions


class TrainerHeadline(Protocol):
    """What ``/report`` sends (bot.reports.TelegramReport): captioned PNG charts, then text."""

    @property
    def pictures(self) -> tuple[tuple[str, bytes], ...]:
        """Each chart's caption and PNG bytes."""
        ...

    @property
    def lines(self) -> tuple[str, ...]:
        """The lines of text sent after the charts."""
        ...


CHANNEL = "telegram"
TYPING_AFTER_SECONDS = 0.5
"""Show "typing..." only when a reply takes longer than this (most take a few milliseconds)."""
SEND_ATTEMPTS = 3
"""Tries for a message that met a timeout or a network error (flood control has its own)."""
SEND_BACKOFF_SECONDS = 0.5
"""The wait before the second try; it doubles for each try after."""
NOT_ENROLLED_EVERY_SECONDS = 60.0
"""An unknown account is told how to enrol at most this often, so the bot cannot be made to
spam anyone."""
STOP_GRACE_SECONDS = 5.0
"""After SIGTERM, updates whose turn comes within this long are still handled; later ones (a
backlog) are set aside: the officer is told at their next message that it was not used."""
MOST_EARLY_ANSWERS = 10_000
"""Taps answered ahead of their turn and not yet reached, kept at most (a bound, never met)."""

log = logging.getLogger("guidebot.telegram")


class Pseudonyms(Protocol):
    """Keyed pseudonyms for Telegram's ids (:class:`bot.keys.Keys` is one)."""

    def pseudonym(self, kind: Literal["user", "chat"], value: int | str) -> str:
        """The same string for the same id, from which the id cannot be recovered."""
        ...


class Redeemed(Protocol):
    """What came of an enrolment code (:class:`bot.users.Redemption` is one)."""

    @property
    def enrolled(self) -> bool:
        """Whether the code worked."""
        ...

    @property
    def message(self) -> str:
        """What to tell the officer, in plain English."""
        ...


class Roles(Protocol):
    """Who may use the bot, and enrolment (:class:`bot.users.Users` is one)."""

    def role_of(self, user: str, now: float) -> str | None:
        """The user's role, or None for an unknown, revoked or expired user."""
        ...

    def redeem(
        self, user: str, code: str, now: float, *, conversation: str | None = None
    ) -> Redeemed:
        """Enrol with a one-time code, from the chat whose pseudonym is ``conversation``."""
        ...


class Checkpoints(Protocol):
    """Signing the audit log's checkpoints (:class:`bot.audit.log.Checkpointer` is one)."""

    def sign_if_new(self, *, now: float, reason: str) -> str | None:
        """Sign a checkpoint if events came since the last."""
        ...

    def daily(self, *, now: float) -> str | None:
        """Sign the day's checkpoint if it is due."""
        ...


PersonalDataCheck = Callable[[str], Sequence[str]]
"""What kinds of personal data a message seems to hold, described for the officer."""


@dataclass
class TelegramChannel:
    """The handlers python-telegram-bot calls, and how replies are sent back.

    Args:
        sessions: the session layer, channel "telegram".
        pseudonyms: turns Telegram ids into the keys everything else uses.
        roles: who is enrolled, in which role.
        marks: each chat's open keyboard and lost replies.
        personal_data: the check that finds personal details in a message; None turns the
            deletion of such messages off.
        contacts: sealed chat ids, so an idle conversation's officer can be told it closed
            (None: idle conversations are closed at the officer's next message instead).
        order: the per-chat order updates are handled in, which the idle timer joins.
        checkpoints: signs the audit log's checkpoint daily (the timer) and at shutdown.
        audit_summary: what ``/audit`` shows supervisors, given the time now.
        clock: the time source (the engine never reads a clock).
    """

    sessions: Sessions
    pseudonyms: Pseudonyms
    roles: Roles
    marks: ChatMarks
    personal_data: PersonalDataCheck | None = None
    contacts: Contacts | None = None
    order: PerChatOrder | None = None
    checkpoints: Checkpoints | None = None
    audit_summary: Callable[[float], str] | None = None
    trainer_report: Callable[[float], TrainerHeadline] | None = None
    clock: Callable[[], float] = time.time
    send_backoff: float = SEND_BACKOFF_SECONDS
    voice: VoiceDesk | None = None

    def __post_init__(self) -> None:
        """Start with no unknown accounts told yet, and no application to send through."""
        self._told_unknown: dict[str, float] = {}
        self._application: Application[Any, Any, Any, Any, Any, Any] | None = None
        self._answered_early: set[str] = set()
        self._stopping_since: float | None = None
        self._unreachable = False

    # -- wiring ----------------------------------------------------------------------------

    def install(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Add the handlers, in the order they must be tried, and the error handler."""
        self._application = application
        application.add_handler(TypeHandler(Update, self._gate), group=-1)
        only_new = filters.UpdateType.MESSAGE
        application.add_handler(MessageHandler(filters.UpdateType.EDITED, self._edited))
        application.add_handler(CommandHandler("enrol", self._enrol, filters=only_new))
        application.add_handler(CommandHandler("privacy", self._privacy, filters=only_new))
        application.add_handler(CommandHandler("start", self._start, filters=only_new))
        application.add_handler(
            CommandHandler(["report", "audit", "users"], self._role_command, filters=only_new)
        )
        if self.voice is not None:
            voice_desk = self.voice
            application.add_handler(
                CommandHandler(
                    "voice", lambda u, c: voice_desk.command(self, u, c), filters=only_new
                )
            )
            application.add_handler(
                CallbackQueryHandler(
                    lambda u, c: voice_desk.confirmed(self, u, c), pattern=f"^{CONFIRM_PREFIX}"
                )
            )
        application.add_handler(CallbackQueryHandler(self._press))
        voice = filters.VOICE | filters.AUDIO | filters.VIDEO_NOTE
        application.add_handler(MessageHandler(only_new & voice, self._voice))
        application.add_handler(MessageHandler(only_new & filters.TEXT, self._text))
        application.add_handler(MessageHandler(filters.ALL, self._cannot_read))
        application.add_error_handler(self._error)
        if self.order is not None:
            self.order.answer_first = self.answer_first

    @staticmethod
    async def register_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Show guidebot's commands in Telegram's '/' menu."""
        await application.bot.set_my_commands(
            [BotCommand(name, description) for name, description in say.COMMANDS]
        )

    # -- who may talk to the bot -----------------------------------------------------------

    async def _gate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stop anything not from an enrolled officer in a private chat, before any handler."""
        chat = update.effective_chat
        if chat is None:
            raise ApplicationHandlerStop  # nothing guidebot uses comes without a chat
        if self._set_aside_now():
            self._set_aside(update)
            raise ApplicationHandlerStop
        if chat.type != ChatType.PRIVATE or update.effective_user is None:
            # A group, or a channel the bot was added to (its posts come from nobody): point
            # them to a private chat, and keep nothing.
            await self._refuse_group(update)
            raise ApplicationHandlerStop
        user = self.pseudonyms.pseudonym("user", update.effective_user.id)
        if self.roles.role_of(user, self.clock()) is not None:
            return
        message = update.message
        if message is not None and message.text and _command(message.text) == "enrol":
            return  # the one thing an unknown account may do
        if update.callback_query is not None:
            await self._answer_once(update.callback_query, say.NOT_ENROLLED)
        elif self._may_tell_unknown(user):
            await self._send_plain(chat.id, say.NOT_ENROLLED)
        raise ApplicationHandlerStop

    def _may_tell_unknown(self, user: str) -> bool:
        now = self.clock()
        last = self._told_unknown.get(user)
        if last is not None and now - last < NOT_ENROLLED_EVERY_SECONDS:
            return False
        self._told_unknown[user] = now
        return True

    async def _refuse_group(self, update: Update) -> None:
        if update.callback_query is not None:
            await self._answer_once(update.callback_query, say.GROUP_CHAT)
        elif update.effective_message is not None and update.effective_chat is not None:
            await self._send_plain(update.effective_chat.id, say.GROUP_CHAT)

    async def _enrol(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat, user = _chat_and_user(update)
        if not context.args:
            await self._send_plain(chat, say.ENROL_HOW)
            return
        who = self.pseudonyms.pseudonym("user", user)
        redeemed = await asyncio.to_thread(
            partial(self.roles.redeem, conversation=self.chat_key(chat)),
            who,
            " ".join(context.args),
            self.clock(),
        )
        await self._send_plain(chat, redeemed.message)

    async def _role_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat, user = _chat_and_user(update)
        text = update.message.text if update.message and update.message.text else ""
        command = f"/{_command(text)}"
        allowed = {"/report": ("trainer", "admin"), "/audit": ("supervisor", "admin")}.get(
            command, ("admin",)
        )
        role = self.roles.role_of(self.pseudonyms.pseudonym("user", user), self.clock())
        if role not in allowed:
            roles = " and ".join(f"{name}s" for name in allowed)
            await self._send_plain(chat, say.NOT_YOUR_ROLE.format(command=command, roles=roles))
            return
        if command == "/audit" and self.audit_summary is not None:
            summary = await asyncio.to_thread(self.audit_summary, self.clock())
            await self._send_plain(chat, summary)
            return
        if command == "/report" and self.trainer_report is not None:
            await self._report(chat)
            return
        if command == "/users" and isinstance(self.roles, UserAdmin):
            answer = await asyncio.to_thread(
                users_command, self.roles, list(context.args or ()), self.clock()
            )
            await self._send_plain(chat, answer)
            return
        await self._send_plain(chat, say.NOT_SET_UP.format(command=command))

    async def _report(self, chat: int) -> None:
        """``/report``: the month's headline charts, its biggest gaps, guidance found wanting."""
        assert self.trainer_report is not None
        headline = await asyncio.to_thread(self.trainer_report, self.clock())
        if self._application is not None:
            for caption, picture in headline.pictures:
                await self._application.bot.send_photo(chat, picture, caption=caption)
        await self._send_plain(chat, "\n".join(headline.lines))

    # -- what officers send ----------------------------------------------------------------

    async def _start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Pick up where the officer was, or show the menu to a new one."""
        chat, _user = _chat_and_user(update)
        key = self.pseudonyms.pseudonym("chat", chat)
        mark = self.marks.chat_mark(key)
        result = await asyncio.to_thread(self.sessions.open, key, self.clock())
        await self._deliver(chat, key, result, mark)

    async def _text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None or message.text is None:
            return
        chat, _user = _chat_and_user(update)
        key = self.pseudonyms.pseudonym("chat", chat)
        mark = self.marks.chat_mark(key)
        if mark is not None and mark.undelivered:
            await self._show_where(chat, key, mark)
        else:
            with self._typing(context, chat):
                event = Text(message.text, self.clock())
                result = await asyncio.to_thread(self.sessions.handle, key, event)
            await self._deliver(chat, key, result, mark)
        await self._delete_if_personal(message)

    async def _press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        chat, _user = _chat_and_user(update)
        key = self.pseudonyms.pseudonym("chat", chat)
        mark = self.marks.chat_mark(key)
        pressed_on = query.message.message_id if query.message is not None else None
        if _closed(mark, pressed_on):
            # An old question's keyboard, or a double tap on one just answered.
            await self._answer_once(query, say.QUESTION_CLOSED)
            shown = query.message.reply_markup if isinstance(query.message, Message) else None
            if pressed_on is not None and (
                shown is not None or not isinstance(query.message, Message)
            ):
                # Its buttons are still there (or the message is too old to tell): take them away.
                await self._remove_keyboard(chat, pressed_on)
            return
        assert mark is not None
        await self._answer_once(query)
        if mark.undelivered:
            await self._show_where(chat, key, mark)
            return
        with self._typing(context, chat):
            event = Press(query.data or "", self.clock())
            result = await asyncio.to_thread(self.sessions.handle, key, event)
        await self._deliver(chat, key, result, mark, pressed=_pressed(query))

    async def _voice(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat, _user = _chat_and_user(update)
        if self.voice is not None:
            await self.voice.heard(self, update, context)
            return
        await self._send_plain(chat, say.NO_VOICE_YET)

    async def _edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat, _user = _chat_and_user(update)
        await self._send_plain(chat, say.EDITED)

    async def _cannot_read(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat is not None:
            await self._send_plain(update.effective_chat.id, say.CANNOT_READ)

    async def _privacy(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat, _user = _chat_and_user(update)
        await self._send_plain(chat, say.PRIVACY)

    # -- taps answered first ----------------------------------------------------------------

    def answer_first(self, update: Update, busy: bool) -> Coroutine[Any, Any, None] | None:
        """Answer a tap at once, ahead of its turn, whatever else the bot has in hand.

        Called by :class:`PerChatOrder` as the tap arrives, before it waits for a free slot
        or for its chat's earlier updates, so a button never spins while a thousand other
        officers' replies wait on Telegram's limits. What is certain now decides the answer:
        a group, an unknown account, a question already closed. A tap on the open question of
        a chat still busy with an earlier update (a double tap) waits and is answered in its
        turn, when that update has said whether the question is still open. Returns the call
        to make, or None to leave the answer to the handler.
        """
        query = update.callback_query
        chat = update.effective_chat
        if query is None or chat is None:
            return None
        text: str | None = None
        if chat.type != ChatType.PRIVATE or update.effective_user is None:
            text = say.GROUP_CHAT
        else:
            user = self.pseudonyms.pseudonym("user", update.effective_user.id)
            if self.roles.role_of(user, self.clock()) is None:
                text = say.NOT_ENROLLED
            else:
                mark = self.marks.chat_mark(self.pseudonyms.pseudonym("chat", chat.id))
                pressed_on = query.message.message_id if query.message is not None else None
                if _closed(mark, pressed_on):
                    text = say.QUESTION_CLOSED
                elif busy:
                    return None
        if len(self._answered_early) >= MOST_EARLY_ANSWERS:
            self._answered_early.clear()
        self._answered_early.add(query.id)
        return _answer(query, text)

    async def _answer_once(self, query: CallbackQuery, text: str | None = None) -> None:
        """Answer a tap in its turn, unless it was answered as it arrived."""
        if query.id in self._answered_early:
            self._answered_early.discard(query.id)
            return
        await _answer(query, text)

    # -- stopping --------------------------------------------------------------------------

    def begin_stopping(self) -> None:
        """SIGTERM: finish what is in hand, try each reply once, and set a backlog aside."""
        self._stopping_since = time.monotonic()

    def _set_aside_now(self) -> bool:
        """Whether an update reaching its turn now is set aside rather than handled."""
        if self._stopping_since is None:
            return False
        return self._unreachable or time.monotonic() - self._stopping_since > STOP_GRACE_SECONDS

    def _set_aside(self, update: Update) -> None:
        """Leave an update unread as the bot stops, so the officer is told at their next message.

        Its state was never touched; the chat is marked as a lost reply is, so the officer's
        next message is answered with "your message wasn't used" and where they are. Nothing
        is kept for a group or an account that is not enrolled.
        """
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None or chat.type != ChatType.PRIVATE:
            return
        if self.roles.role_of(self.pseudonyms.pseudonym("user", user.id), self.clock()) is None:
            return
        key = self.pseudonyms.pseudonym("chat", chat.id)
        mark = self.marks.chat_mark(key) or ChatMark()
        self.marks.set_chat_mark(key, dataclasses.replace(mark, undelivered=True), now=self.clock())

    # -- replies ---------------------------------------------------------------------------

    async def _show_where(self, chat: int, key: str, mark: ChatMark) -> None:
        """After a lost reply: say so, and show the question the officer is at."""
        result = await asyncio.to_thread(self.sessions.open, key, self.clock())
        await self._send_plain(chat, say.UNDELIVERED)
        await self._deliver(chat, key, result, mark)

    async def _deliver(
        self,
        chat: int,
        key: str,
        result: StepResult,
        mark: ChatMark | None,
        *,
        pressed: Pressed | None = None,
    ) -> None:
        """Send a step's replies, closing the keyboard answered, and remember the new one.

        The state is already saved when this runs: a reply lost on the way is marked, and the
        officer is shown where they are at their next message rather than losing an answer.
        """
        outgoing_messages = render(result.replies)
        if await self._updated_in_place(chat, key, result, mark, pressed, outgoing_messages):
            return
        # A reply that asks something closes the question before it; a notice alone ("press
        # Understood once you have read it") leaves that question's buttons where they are.
        asks = any(reply.buttons or reply.role == "question" for reply in result.replies)
        open_before = mark.keyboard_message if mark is not None else None
        if asks and open_before is not None:
            if pressed is not None and pressed.message_id == open_before:
                await self._mark_answered(chat, pressed)
            else:
                await self._remove_keyboard(chat, open_before)
        keyboard_message = open_before if not asks else None
        keyboard_step = mark.keyboard_step if mark is not None and not asks else None
        for outgoing in outgoing_messages:
            sent = await self._send(chat, outgoing)
            if sent is None:
                self.marks.set_chat_mark(key, ChatMark(undelivered=True), now=self.clock())
                return
            if outgoing.keyboard:
                keyboard_message, keyboard_step = sent.message_id, outgoing.step
        self.marks.set_chat_mark(key, ChatMark(keyboard_message, keyboard_step), now=self.clock())
        if self.contacts is not None:
            self.contacts.remember(key, chat, now=self.clock())
        if self.voice is not None:
            self.voice.speak_later(self, chat, result.replies)

    async def _updated_in_place(
        self,
        chat: int,
        key: str,
        result: StepResult,
        mark: ChatMark | None,
        pressed: Pressed | None,
        outgoing: Sequence[Outgoing],
    ) -> bool:
        """A tap that leaves its question open (a tick in "tick all that apply") edits it.

        The question is asked again with what is ticked so far: rather than close it and send
        it again below (an edit and a message, and a copy of the question per tick), the
        tapped message is changed in place, as Telegram's own check lists are. Only when the
        reply is that one question and nothing else; True if it was done.
        """
        if (
            pressed is None
            or mark is None
            or mark.keyboard_step is None
            or pressed.message_id != mark.keyboard_message
            or len(outgoing) != 1
            or not outgoing[0].keyboard
            or outgoing[0].step != mark.keyboard_step
            or any(reply.role not in ("echo", "notice", "question") for reply in result.replies)
        ):
            return False
        try:
            await self._bot.edit_message_text(
                outgoing[0].html,
                chat_id=chat,
                message_id=pressed.message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=_markup(outgoing[0]),
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except BadRequest as error:
            if "not modified" not in str(error):
                return False  # sent as a new message instead
        except TelegramError:
            return False
        return True  # the same question is open on the same message: the mark stands

    # -- time passing ----------------------------------------------------------------------

    async def keep_time(self, every: float) -> None:
        """Every ``every`` seconds, close idle conversations and tell their officers.

        Runs until cancelled. Each chat's tick waits its turn behind any update in hand for
        that chat, so a timer never interleaves with an officer's message.
        """
        while True:
            await asyncio.sleep(every)
            try:
                await self.tick_all()
                if self.checkpoints is not None:
                    await asyncio.to_thread(self._daily_checkpoint)
            except Exception as error:  # one bad tick must not stop the timer for good
                log.error("closing idle conversations failed: %s", type(error).__name__)

    def _daily_checkpoint(self) -> None:
        if self.checkpoints is not None:
            self.checkpoints.daily(now=self.clock())

    def sign_at_shutdown(self) -> None:
        """Sign the audit log's checkpoint as the bot stops, if events came since the last."""
        if self.checkpoints is not None:
            self.checkpoints.sign_if_new(now=self.clock(), reason="shutdown")

    async def tick_all(self) -> int:
        """Tick the conversations gone idle; returns how many officers were told something.

        Only those past their deadline are ticked, so a chat id is unsealed, and a chat's turn
        taken, only for a conversation that is closing.
        """
        if self.contacts is None:
            return 0
        keys = await asyncio.to_thread(self.sessions.idle, self.clock())
        told = 0
        for key in keys:
            chat = self.contacts.chat_of(key)
            if chat is None:
                continue
            lock = self.order.lock_for(chat) if self.order is not None else contextlib.nullcontext()
            async with lock:
                result = await asyncio.to_thread(self.sessions.tick, key, self.clock())
                if result.replies:
                    await self._deliver(chat, key, result, self.marks.chat_mark(key))
                    told += 1
        return told

    async def _send(self, chat: int, outgoing: Outgoing) -> Message | None:
        """Send one message, trying again after a timeout or network error; None if lost."""
        markup = _markup(outgoing)
        wait = self.send_backoff
        # Stopping, a reply gets one try: a lost one is owned up to at the next message.
        attempts = 1 if self._stopping_since is not None else SEND_ATTEMPTS
        for attempt in range(1, attempts + 1):
            try:
                return await self._bot.send_message(
                    chat,
                    outgoing.html,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
            except (TimedOut, NetworkError) as error:
                stopping = self._stopping_since is not None
                if isinstance(error, BadRequest) or attempt == attempts or stopping:
                    log.warning("a reply could not be sent: %s", type(error).__name__)
                    self._unreachable = stopping
                    return None
                await asyncio.sleep(wait)
                wait *= 2
            except TelegramError as error:
                log.warning("a reply could not be sent: %s", type(error).__name__)
                return None
        return None

    async def _send_plain(self, chat: int, text: str) -> None:
        """A line of the channel's own (no keyboard), tried as often as a reply is."""
        await self._send(chat, Outgoing(html.escape(text, quote=False)))

    async def _mark_answered(self, chat: int, pressed: Pressed) -> None:
        """Show the answer under the question it answered, and take the buttons away.

        One edit does both, so the chat reads as question and answer without an extra message;
        a question too long to add to is only closed.
        """
        if pressed.label is None or pressed.html is None:
            await self._remove_keyboard(chat, pressed.message_id)
            return
        text = f"{pressed.html}\n\n✓ <i>{html.escape(pressed.label, quote=False)}</i>"
        if len(pressed.plain) + len(pressed.label) + 4 > MESSAGE_LIMIT:
            await self._remove_keyboard(chat, pressed.message_id)
            return
        try:
            await self._bot.edit_message_text(
                text,
                chat_id=chat,
                message_id=pressed.message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=None,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except BadRequest as error:
            if "not modified" not in str(error):
                await self._remove_keyboard(chat, pressed.message_id)
        except TelegramError:
            await self._remove_keyboard(chat, pressed.message_id)

    async def _remove_keyboard(self, chat: int, message_id: int) -> None:
        """Take the buttons off an answered question; already gone counts as done."""
        try:
            await self._bot.edit_message_reply_markup(chat, message_id, reply_markup=None)
        except BadRequest as error:
            if "not modified" not in str(error) and "not found" not in str(error):
                log.info("a keyboard could not be removed: %s", type(error).__name__)
        except TelegramError as error:
            log.info("a keyboard could not be removed: %s", type(error).__name__)

    async def _delete_if_personal(self, message: Message) -> None:
        """Delete a message that looks like it holds personal details, and say why."""
        if self.personal_data is None or message.text is None:
            return
        kinds = self.personal_data(message.text)
        if not kinds:
            return
        try:
            await message.delete()
        except TelegramError as error:
            log.info(
                "a message with personal details could not be deleted: %s", type(error).__name__
            )
            return
        await self._send_plain(message.chat_id, say.PERSONAL_DATA.format(what=_listed(kinds)))

    @contextmanager
    def _typing(self, context: ContextTypes.DEFAULT_TYPE, chat: int) -> Iterator[None]:
        """Show "typing..." if the work inside takes longer than half a second.

        A timer, not a task: most replies take a few milliseconds, and then nothing at all is
        sent or scheduled beyond a timer cancelled.
        """
        loop = asyncio.get_running_loop()
        shown: list[asyncio.Task[None]] = []

        async def show() -> None:
            with contextlib.suppress(TelegramError):  # only a courtesy
                await context.bot.send_chat_action(chat, ChatAction.TYPING)

        timer = loop.call_later(
            TYPING_AFTER_SECONDS, lambda: shown.append(loop.create_task(show()))
        )
        try:
            yield
        finally:
            timer.cancel()
            for task in shown:
                task.cancel()

    # -- what the voice desk uses (its VoiceChannel) -----------------------------------------

    def chat_key(self, chat: int) -> str:
        """The chat's keyed pseudonym, under which its conversation is kept."""
        return self.pseudonyms.pseudonym("chat", chat)

    def officer_key(self, user: int) -> str:
        """The officer's keyed pseudonym, under which their /voice choice is kept."""
        return self.pseudonyms.pseudonym("user", user)

    def now(self) -> float:
        """The channel's time (the engine never reads a clock)."""
        return self.clock()

    def conversation(self, key: str) -> Conversation | None:
        """Where the chat's conversation stands (reads the database: call it in a thread)."""
        return self.sessions.state(key)

    def typing(self, context: ContextTypes.DEFAULT_TYPE, chat: int) -> AbstractContextManager[None]:
        """Show "typing..." while the work inside takes longer than half a second."""
        return self._typing(context, chat)

    async def send_plain(self, chat: int, text: str) -> None:
        """A line of the channel's own, with no keyboard."""
        await self._send_plain(chat, text)

    async def remove_keyboard(self, chat: int, message_id: int) -> None:
        """Take the buttons off a message; already gone counts as done."""
        await self._remove_keyboard(chat, message_id)

    async def take_words(self, chat: int, key: str, words: Text) -> None:
        """Handle words as a typed message is handled: same session, same delivery.

        After a lost reply the officer is first shown where they are, as a typed message is.
        """
        mark = self.marks.chat_mark(key)
        if mark is not None and mark.undelivered:
            await self._show_where(chat, key, mark)
            return
        result = await asyncio.to_thread(self.sessions.handle, key, words)
        await self._deliver(chat, key, result, mark)

    async def send_voice(self, chat: int, note: bytes) -> None:
        """Send an OGG/Opus voice note (errors are the caller's to log)."""
        await self._bot.send_voice(chat, note)

    async def voice_checked(
        self,
        key: str,
        kind: Literal["read_back", "not_heard"],
        outcome: str,
        confidence: float | None,
    ) -> tuple[Conversation, Conversation]:
        """Log what became of a voice note that reached no answer: categories, never words.

        Returns the conversation the event was logged on and as it stands after.
        """
        return await asyncio.to_thread(
            self.sessions.voice_checked,
            key,
            kind,
            outcome,
            confidence=confidence,
            now=self.now(),
        )

    # -- errors ----------------------------------------------------------------------------

    async def _error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log an error's kind and the chat's pseudonym: never the update, which holds text."""
        error = context.error
        chat = update.effective_chat if isinstance(update, Update) else None
        who = self.pseudonyms.pseudonym("chat", chat.id) if chat is not None else "-"
        log.error("handling an update failed: %s (chat %s)", type(error).__name__, who)
        if chat is not None and chat.type == ChatType.PRIVATE and not isinstance(error, Forbidden):
            await self._send_plain(chat.id, say.FAILED)

    @property
    def _bot(self) -> Any:
        if self._application is None:
            raise RuntimeError("install() the channel on an application first")
        return self._application.bot


@dataclass(frozen=True)
class Pressed:
    """The question message a button was pressed on, and the label of the button pressed."""

    message_id: int
    label: str | None
    html: str | None
    plain: str


def _pressed(query: CallbackQuery) -> Pressed | None:
    message = query.message
    if not isinstance(message, Message):
        return None  # too old to read: only its id is known
    label = None
    if message.reply_markup is not None:
        for row in message.reply_markup.inline_keyboard:
            for button in row:
                if button.callback_data == query.data:
                    label = button.text
    text = message.text or ""
    return Pressed(message.message_id, label, message.text_html if text else None, text)


def _markup(outgoing: Outgoing) -> InlineKeyboardMarkup | None:
    """The message's inline keyboard, or None."""
    if not outgoing.keyboard:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.value) for b in row]
            for row in outgoing.keyboard
        ]
    )


def _closed(mark: ChatMark | None, pressed_on: int | None) -> bool:
    """Whether a tap is on a question no longer open (an old keyboard, or a double tap)."""
    return mark is None or pressed_on is None or pressed_on != mark.keyboard_message


def _chat_and_user(update: Update) -> tuple[int, int]:
    """The chat and user ids of an update the gate let through (both are always there)."""
    assert update.effective_chat is not None and update.effective_user is not None
    return update.effective_chat.id, update.effective_user.id


def _command(text: str) -> str:
    """The command a message starts with ('/enrol@guidebot X' -> 'enrol'), or ''."""
    if not text.startswith("/"):
        return ""
    return text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else ""


async def _answer(query: CallbackQuery, text: str | None = None) -> None:
    """Answer a tap so its button stops spinning; a query too old to answer is no error."""
    try:
        await query.answer(text)
    except TelegramError as error:
        log.info("a button tap could not be answered: %s", type(error).__name__)


def _listed(kinds: Sequence[str]) -> str:
    """'a name', 'a name and a phone number', 'a name, a postcode and an email address'."""
    items = list(dict.fromkeys(kinds))
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} and {items[-1]}"
