"""Voice notes on Telegram: listened to in memory, handled as if typed, and replies read aloud.

A voice note (or an audio file, or a round video note) is fetched with getFile into memory,
decoded and transcribed in a worker thread, and its meaning goes through the very path a typed
message takes. Nothing of it is written anywhere: the audio and the transcript live only for
the length of the handler (a transcript waiting for "is that right?" stays in this process's
memory until the officer answers). The audit log gets only "by voice" and the confidence.

``/voice on`` makes replies come as a voice note as well, after the text (never holding it up:
synthesis runs in a worker thread after the text is sent). The choice is kept per officer
under their pseudonym, never their Telegram id.
"""

from __future__ import annotations

import asyncio
import html
import logging
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.engine import Button, Conversation, Engine, Reply, Text
from bot.metrics import transcribed

if TYPE_CHECKING:
    from bot.voice import Heard, Listener, Speaker

log = logging.getLogger("guidebot.telegram")

NOTE_CHANNEL = "telegram-voice"
"""The channel-notes name under which each officer's /voice choice is kept."""
CONFIRM_PREFIX = "voice:"
YES, NO = "voice:yes", "voice:no"

VOICE_HOW = (
    "Voice replies are {state}. Send /voice on to hear each reply as a voice note as well as "
    "reading it, or /voice off to stop."
)
VOICE_ON = "Voice replies are on: you'll get each reply as text, then as a voice note."
VOICE_OFF = "Voice replies are off."
NOT_HEARD = "I couldn't make out any words. Say it again, or type your answer."
NOT_AN_ANSWER = (
    "I heard: \u201c{heard}\u201d, which isn't an answer to this question. Say it again, tap a "
    "button, or type your answer."
)
IS_THAT_RIGHT = "I heard: \u201c{heard}\u201d \u2014 is that right?"
SAY_AGAIN = "OK, I've ignored it. Say it again, or type your answer."
CONFIRM_CLOSED = "That has already been answered."
MOVED_ON = (
    "The conversation has moved on since that voice note, so I haven't used it. Answer the "
    "question on screen."
)
VOICE_UNAVAILABLE = (
    "I can't listen to voice notes on this installation (the speech recogniser is missing). "
    "Please type your message."
)
STILL_LOADING = "I'm still getting ready to listen. Send the voice note again in a moment."


class VoiceChannel(Protocol):
    """What the voice desk asks of the channel it serves (:class:`TelegramChannel` is one).

    Defined here, beside its one user, so the desk depends on these few operations and never
    on the channel's module: words heard go through :meth:`take_words`, exactly the path a
    typed message takes, and everything else the desk says is a plain line or a voice note.
    """

    def chat_key(self, chat: int) -> str:
        """The chat's keyed pseudonym, under which its conversation is kept."""
        ...

    def officer_key(self, user: int) -> str:
        """The officer's keyed pseudonym, under which their /voice choice is kept."""
        ...

    def now(self) -> float:
        """The channel's time (the engine never reads a clock)."""
        ...

    def conversation(self, key: str) -> Conversation | None:
        """Where the chat's conversation stands (reads the database: call it in a thread)."""
        ...

    def typing(self, context: ContextTypes.DEFAULT_TYPE, chat: int) -> AbstractContextManager[None]:
        """Show "typing..." while the work inside takes longer than a moment."""
        ...

    async def send_plain(self, chat: int, text: str) -> None:
        """A line of the channel's own, with no keyboard."""
        ...

    async def remove_keyboard(self, chat: int, message_id: int) -> None:
        """Take the buttons off a message; already gone counts as done."""
        ...

    async def take_words(self, chat: int, key: str, words: Text) -> None:
        """Handle words as a typed message is handled: same session, same delivery."""
        ...

    async def send_voice(self, chat: int, note: bytes) -> None:
        """Send an OGG/Opus voice note (errors are the caller's to log)."""
        ...

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
        ...


class NoteStore(Protocol):
    """Where the /voice choice is kept (:class:`bot.store.Store` keeps channel notes)."""

    def channel_note(self, channel: str, key: str) -> dict[str, Any] | None:
        """The note, or None."""
        ...

    def set_channel_note(self, channel: str, key: str, note: dict[str, Any], *, now: float) -> None:
        """Replace the note."""
        ...


class MemoryNotes:
    """Notes in memory, for a bot run without a database."""

    def __init__(self) -> None:
        """No notes yet."""
        self._notes: dict[tuple[str, str], dict[str, Any]] = {}

    def channel_note(self, channel: str, key: str) -> dict[str, Any] | None:
        """The note, or None."""
        return self._notes.get((channel, key))

    def set_channel_note(self, channel: str, key: str, note: dict[str, Any], *, now: float) -> None:
        """Replace the note."""
        self._notes[(channel, key)] = dict(note)


async def _checked(channel: VoiceChannel, key: str, pending: _Pending, right: bool) -> None:
    """Log the officer's yes or no to a read-back, before the words (if yes) are used."""
    outcome = "confirmed" if right else "corrected"
    await channel.voice_checked(key, "read_back", outcome, pending.confidence)


def _moved_by_the_log(at: tuple[object, ...], logged: tuple[Conversation, Conversation]) -> bool:
    """Whether a voice event was logged on the conversation exactly where ``at`` says it was.

    Logging moves the conversation's sequence on, and a read-back's position includes it (so
    that any answer since is noticed): a position the log itself moved is moved with it. (A
    chat with no conversation yet has none: the log starts one, at the menu.)
    """
    return _position(logged[0]) == at or (at == () and logged[0].seq == 0)


@dataclass(frozen=True)
class _Pending:
    """A voice note read back to the officer, waiting for their yes or no (memory only)."""

    text: str
    confidence: float
    alternatives: tuple[str, ...]
    message_id: int
    at: tuple[object, ...]
    """Where the conversation was when it was heard: a yes after it moved on is refused."""


class VoiceDesk:
    """Everything voice for the Telegram channel.

    Args:
        engine: the engine (what each question expects is read from it).
        notes: where each officer's /voice choice is kept.
        listener: builds the recogniser; called once, in a worker thread, at :meth:`warm_up`
            or at the first voice note (None: voice notes are refused with a plain message).
        speaker: the voice replies are read in (None: /voice on is refused).
        replies_by_default: whether an officer who never sent /voice hears replies (the
            deployment's ``voice_replies`` setting).
    """

    def __init__(
        self,
        engine: Engine,
        notes: NoteStore,
        listener: Callable[[], Listener] | None,
        speaker: Speaker | None,
        *,
        replies_by_default: bool = False,
    ) -> None:
        self.engine = engine
        self.replies_by_default = replies_by_default
        self.notes = notes
        self._make_listener = listener
        self._listener: Listener | None = None
        self._loading = threading.Lock()
        self.speaker = speaker
        self._pending: dict[str, _Pending] = {}
        self._speaking: set[asyncio.Task[None]] = set()

    # -- start-up ------------------------------------------------------------------------------

    def listener(self) -> Listener | None:
        """The recogniser, built on first use (a few seconds, once); None if there is none."""
        if self._make_listener is None:
            return None
        with self._loading:
            if self._listener is None:
                self._listener = self._make_listener()
            return self._listener

    def warm_up(self) -> None:
        """Build the recogniser now, in a thread, so the first voice note need not wait."""
        threading.Thread(target=self._warm, name="guidebot-voice-warm-up", daemon=True).start()

    def _warm(self) -> None:
        try:
            self.listener()
        except Exception as error:  # the first voice note will say so plainly
            log.error("the speech recogniser could not be built: %s", type(error).__name__)

    # -- voice notes in ------------------------------------------------------------------------

    async def heard(
        self, channel: VoiceChannel, update: Update, context: ContextTypes.DEFAULT_TYPE
    ) -> None:
        """A voice note or audio file: listen, then act as on typed text (or ask first)."""
        from bot.voice import LARGEST_BYTES, LONGEST_SECONDS, VoiceProblem

        message = update.message
        if message is None or update.effective_chat is None:
            return
        chat = update.effective_chat.id
        media = message.voice or message.audio or message.video_note
        if media is None:
            return
        if self._make_listener is None:
            await channel.send_plain(chat, VOICE_UNAVAILABLE)
            return
        duration = media.duration
        seconds = duration.total_seconds() if isinstance(duration, timedelta) else duration or 0
        if seconds > LONGEST_SECONDS or (media.file_size or 0) > LARGEST_BYTES:
            await self._tell(channel, chat, _too_long_message())
            return
        key = channel.chat_key(chat)
        try:
            with channel.typing(context, chat):
                telegram_file = await context.bot.get_file(media.file_id)
                audio = bytes(await telegram_file.download_as_bytearray())
                listener = await asyncio.to_thread(self.listener)
                if listener is None:
                    await channel.send_plain(chat, VOICE_UNAVAILABLE)
                    return
                state = await asyncio.to_thread(channel.conversation, key)
                from bot.voice import READ_BACK, decode, expected_at

                pcm = await asyncio.to_thread(decode, audio)
                del audio
                pending = self._pending.get(key)
                if pending is not None and pending.at == _position(state):
                    # A spoken yes or no to "is that right?": hands-free, as a tap would be.
                    reply = await asyncio.to_thread(listener.hear_pcm, pcm, READ_BACK)
                    if reply.sure and reply.answer in ("yes", "no"):
                        await channel.remove_keyboard(chat, pending.message_id)
                        del self._pending[key]
                        await _checked(channel, key, pending, reply.answer == "yes")
                        if reply.answer == "yes":
                            await self._handle(
                                channel,
                                chat,
                                key,
                                pending.text,
                                pending.confidence,
                                pending.alternatives,
                            )
                        else:
                            await self._tell(channel, chat, SAY_AGAIN)
                        return
                expected = expected_at(self.engine, state)
                started = time.perf_counter()
                heard = await asyncio.to_thread(listener.hear_pcm, pcm, expected)
                transcribed(time.perf_counter() - started)
        except VoiceProblem as problem:
            await self._tell(channel, chat, str(problem))
            return
        await self._act_on(channel, context, chat, key, heard, _position(state))

    async def _act_on(
        self,
        channel: VoiceChannel,
        context: ContextTypes.DEFAULT_TYPE,
        chat: int,
        key: str,
        heard: Heard,
        at: tuple[object, ...],
    ) -> None:
        if heard.text is None:
            missed = "not-an-answer" if heard.transcript else "no-words"
            logged = await channel.voice_checked(key, "not_heard", missed, heard.confidence)
            waiting = self._pending.get(key)
            if waiting is not None and _moved_by_the_log(waiting.at, logged):
                self._pending[key] = replace(waiting, at=_position(logged[1]))
            if not heard.transcript:
                await self._tell(channel, chat, NOT_HEARD)
            else:
                await self._tell(channel, chat, NOT_AN_ANSWER.format(heard=heard.transcript))
            return
        alternatives = (heard.transcript, *heard.alternatives)
        if not heard.sure:
            shown = heard.transcript or heard.text
            markup = InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton("Yes", callback_data=YES),
                        InlineKeyboardButton("No", callback_data=NO),
                    ]
                ]
            )
            try:
                sent = await context.bot.send_message(
                    chat, html.escape(IS_THAT_RIGHT.format(heard=shown)), reply_markup=markup
                )
            except TelegramError as error:
                log.warning("a read-back could not be sent: %s", type(error).__name__)
                return
            logged = await channel.voice_checked(key, "read_back", "asked", heard.confidence)
            if _moved_by_the_log(at, logged):
                at = _position(logged[1])
            self._pending[key] = _Pending(
                heard.text, heard.confidence, alternatives, sent.message_id, at
            )
            # Hands-free, the question "is that right?" must be heard, not only shown.
            buttons = (Button("Yes", YES), Button("No", NO))
            self.speak_later(
                channel, chat, [Reply(IS_THAT_RIGHT.format(heard=shown), buttons, role="question")]
            )
            return
        await self._handle(channel, chat, key, heard.text, heard.confidence, alternatives)

    async def _tell(self, channel: VoiceChannel, chat: int, text: str) -> None:
        """A line in answer to a voice note: shown, and read aloud if the officer hears replies."""
        await channel.send_plain(chat, text)
        self.speak_later(channel, chat, [Reply(text)])

    async def _handle(
        self,
        channel: VoiceChannel,
        chat: int,
        key: str,
        text: str,
        confidence: float,
        alternatives: tuple[str, ...],
    ) -> None:
        """The words go through the typed path: same session, same delivery."""
        self._pending.pop(key, None)
        event = Text(
            text,
            channel.now(),
            via="voice",
            alternatives=tuple(a for a in alternatives if a and a != text),
            confidence=confidence,
        )
        await channel.take_words(chat, key, event)

    async def confirmed(
        self, channel: VoiceChannel, update: Update, context: ContextTypes.DEFAULT_TYPE
    ) -> None:
        """The officer's yes or no to "I heard ... is that right?"."""
        query = update.callback_query
        if query is None or update.effective_chat is None:
            return
        chat = update.effective_chat.id
        key = channel.chat_key(chat)
        pending = self._pending.get(key)
        on = query.message.message_id if query.message is not None else None
        if pending is None or on != pending.message_id:
            await _answer(query, CONFIRM_CLOSED)
            if on is not None:
                await channel.remove_keyboard(chat, on)
            return
        await _answer(query)
        await channel.remove_keyboard(chat, pending.message_id)
        del self._pending[key]
        state = await asyncio.to_thread(channel.conversation, key)
        if _position(state) != pending.at:
            await self._tell(channel, chat, MOVED_ON)
            return
        await _checked(channel, key, pending, query.data == YES)
        if query.data == YES:
            await self._handle(
                channel, chat, key, pending.text, pending.confidence, pending.alternatives
            )
        else:
            await self._tell(channel, chat, SAY_AGAIN)

    # -- /voice on|off -------------------------------------------------------------------------

    def speaks_to(self, officer: str) -> bool:
        """Whether this officer asked for voice replies."""
        note = self.notes.channel_note(NOTE_CHANNEL, officer)
        if note is None:
            return self.replies_by_default and self.speaker is not None
        return bool(note.get("on"))

    async def command(
        self, channel: VoiceChannel, update: Update, context: ContextTypes.DEFAULT_TYPE
    ) -> None:
        """``/voice on``, ``/voice off``, or ``/voice`` to hear which it is."""
        if update.effective_chat is None or update.effective_user is None:
            return
        chat = update.effective_chat.id
        officer = channel.officer_key(update.effective_user.id)
        choice = (context.args or [""])[0].lower()
        if choice not in ("on", "off"):
            state = "on" if self.speaks_to(officer) else "off"
            await channel.send_plain(chat, VOICE_HOW.format(state=state))
            return
        if choice == "on" and self.speaker is None:
            await channel.send_plain(chat, "Voice replies are not set up on this installation.")
            return
        await asyncio.to_thread(
            self.notes.set_channel_note,
            NOTE_CHANNEL,
            officer,
            {"on": choice == "on"},
            now=channel.now(),
        )
        await channel.send_plain(chat, VOICE_ON if choice == "on" else VOICE_OFF)

    # -- voice replies out ---------------------------------------------------------------------

    def speak_later(self, channel: VoiceChannel, chat: int, replies: Sequence[Reply]) -> None:
        """After the text is sent: synthesise and send the replies as a voice note, if asked.

        In a private chat (the only kind guidebot serves) the chat is the officer's own, so
        the officer's pseudonym is taken from the chat id.
        """
        if self.speaker is None or not replies:
            return
        officer = channel.officer_key(chat)
        if not self.speaks_to(officer):
            return
        task = asyncio.create_task(self._speak(channel, chat, tuple(replies)))
        self._speaking.add(task)
        task.add_done_callback(self._speaking.discard)

    async def _speak(self, channel: VoiceChannel, chat: int, replies: tuple[Reply, ...]) -> None:
        from bot.voice import voice_note

        speaker = self.speaker
        if speaker is None:
            return
        try:
            note = await asyncio.to_thread(voice_note, speaker, replies)
            if note is not None:
                await channel.send_voice(chat, note)
        except Exception as error:  # a voice reply is a courtesy: the text is already there
            log.warning("a voice reply could not be sent: %s", type(error).__name__)

    async def quiet(self) -> None:
        """Wait for voice replies under way (tests, and a clean shutdown)."""
        while self._speaking:
            await asyncio.gather(*list(self._speaking), return_exceptions=True)


def _position(state: Conversation | None) -> tuple[object, ...]:
    """Where a conversation is, precisely enough that any answer since changes it."""
    if state is None:
        return ()
    return (state.phase, state.flow, state.step, state.seq)


def _too_long_message() -> str:
    from bot.voice import LONGEST_SECONDS, too_long_message

    return too_long_message(LONGEST_SECONDS)


async def _answer(query: Any, text: str | None = None) -> None:
    try:
        await query.answer(text)
    except TelegramError as error:
        log.info("a button tap could not be answered: %s", type(error).__name__)


def voice_desk(
    engine: Engine,
    notes: NoteStore | None,
    *,
    speech_engine: str | None = None,
    speech_model: Path | None = None,
    speaking_engine: str = "espeak",
    speaking_model: Path | None = None,
    speaking_model_sha256: str | None = None,
    replies_by_default: bool = False,
) -> VoiceDesk:
    """The desk with the configured recogniser and voice, or without what is missing.

    pocketsphinx unless the deployment names another engine, which then needs its model
    directory; an officer who never sent /voice hears replies if ``replies_by_default``.
    Replies are read by espeak-ng (none if its wheel is missing), or by the piper voice the
    deployment names, which must be there, match its SHA-256 and load, or nothing starts.

    Raises:
        SpeakError: a piper voice was named and its model is missing, does not match its
            SHA-256, or piper-tts is not installed (the message says which).
    """
    listener: Callable[[], Listener] | None
    if speech_engine in (None, "pocketsphinx"):
        try:
            import pocketsphinx  # noqa: F401 - only whether it is there
        except ImportError:
            listener = None
        else:

            def listener() -> Listener:
                from bot.voice import Listener

                return Listener(engine)
    else:
        chosen: str = speech_engine

        def listener() -> Listener:
            from bot.voice import Listener, load_recogniser

            return Listener(engine, load_recogniser(chosen, model_dir=speech_model))

    speaker: Speaker | None
    if speaking_engine == "piper":
        from bot.voice import load_speaker

        speaker = load_speaker(speaking_model, speaking_model_sha256)
    else:
        try:
            import espeakng_loader  # noqa: F401

            from bot.voice import EspeakSpeaker

            speaker = EspeakSpeaker()
        except ImportError:
            speaker = None
    return VoiceDesk(
        engine,
        notes if notes is not None else MemoryNotes(),
        listener,
        speaker,
        replies_by_default=replies_by_default,
    )
