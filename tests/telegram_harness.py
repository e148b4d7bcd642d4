"""Driving the real ``guidebot run`` process through the fake Bot API, as officers would.

Shared by the Telegram end-to-end tests and the Telegram benchmark. A plain module (no pytest
import) so a benchmark script can use it too.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from bot.app import DATABASE
from bot.channels.telegram._limits import PER_CHAT_BURST, PER_CHAT_SECONDS
from bot.keys import Keys
from bot.store import Store
from bot.users import Role, Users
from tests.fake_bot_api import BotMessage, Call, FakeBotApi

REPLY_SECONDS = 60.0
"""The longest an officer waits for the first message of a reply before the test fails."""
SETTLE_SECONDS = 0.25
"""A reply is complete once the chat has been quiet this long after its first message, when
the per-chat flood limit cannot be holding a message back (see :func:`reply_over`)."""
HELD_SECONDS = PER_CHAT_SECONDS / PER_CHAT_BURST
"""The longest the per-chat limit holds a message back once a chat has had its burst."""


class BotProcess:
    """``guidebot run`` in a child process, pointed at the fake Bot API."""

    def __init__(self, fake: FakeBotApi, data_dir: Path, *extra: str, token: str | None = None):
        """Start the bot; call :meth:`wait_ready` before sending it anything."""
        self.fake = fake
        self.data_dir = data_dir
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": token if token is not None else fake.token,
            "GUIDEBOT_DATA_DIR": str(data_dir),
        }
        env.pop("GUIDEBOT_TOKEN_FILE", None)
        self._polls_before = len(fake.calls("getUpdates"))
        self._webhooks_before = len(fake.calls("setWebhook"))
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot",
                "run",
                "--api-url",
                fake.base_url,
                "--file-url",
                fake.file_url,
                *extra,
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait_ready(self, timeout: float = 180.0, *, webhook: bool = False) -> None:
        """Block until the bot polls (or has set its webhook); fail with its output if it died.

        A start takes a second or two, but a minute and more on a machine under heavy load
        (Python's imports slow down with it), so the deadline is long; a bot that exits fails
        at once, and one still not polling at the deadline is killed and its output shown.
        """
        started = time.monotonic()
        while time.monotonic() < started + timeout:
            if self.process.poll() is not None:
                out, err = self.process.communicate()
                raise RuntimeError(f"guidebot run exited {self.process.returncode}: {err}{out}")
            if webhook and len(self.fake.calls("setWebhook")) > self._webhooks_before:
                return
            if not webhook and len(self.fake.calls("getUpdates")) > self._polls_before:
                return
            time.sleep(0.02)
        self.process.kill()
        out, err = self.process.communicate()
        raise TimeoutError(
            f"guidebot run did not start {'its webhook' if webhook else 'polling'} in "
            f"{timeout:.0f} s (load average {os.getloadavg()[0]:.1f}): {err}{out}"
        )

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> tuple[int, str, str]:
        """Signal the bot and wait for it: its exit code, stdout and stderr."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, out, err

    def __enter__(self) -> BotProcess:
        """Use the bot for a block; it is stopped however the block ends."""
        return self

    def __exit__(self, *_: object) -> None:
        """Stop the bot if the test has not already."""
        if self.process.poll() is None:
            self.stop(signal.SIGKILL)


def enrolment_code(data_dir: Path, role: Role = "officer", *, valid_for: float = 3600) -> str:
    """A one-time code, made as ``guidebot users enrol`` makes it."""
    with Store.open(data_dir / DATABASE) as store:
        users = Users(store, Keys.open(data_dir))
        return users.create_code(role, now=time.time(), valid_for=valid_for).code


class Officer:
    """One simulated officer in a private chat with the bot."""

    def __init__(self, fake: FakeBotApi, user_id: int) -> None:
        """Officer ``user_id``; their private chat has the same id."""
        self.fake = fake
        self.id = user_id

    @property
    def chat(self) -> list[BotMessage]:
        """Everything the bot has sent this officer, as it stands now."""
        return self.fake.messages(self.id)

    def enrol(self, data_dir: Path, role: Role = "officer") -> list[BotMessage]:
        """Enrol with a fresh code."""
        return self.send(f"/enrol {enrolment_code(data_dir, role)}")

    def send(self, text: str, *, expect_reply: bool = True) -> list[BotMessage]:
        """Type a message; the bot's messages in reply, once it has finished replying."""
        before = len(self.chat)
        started = time.perf_counter()
        self.fake.send_text(self.id, text)
        return self._replies(before, expect_reply, started)

    def press(self, label: str, *, expect_reply: bool = True) -> list[BotMessage]:
        """Tap the button with this label on the latest message that shows it.

        Waits for the button to appear, since a reply's later messages may still be on the way
        (the per-chat send limit spaces out a long burst).
        """
        try:
            message_id, data = self.fake.wait_for(lambda: self._button(label), timeout=10)
        except TimeoutError:
            raise AssertionError(f"no button {label!r} on screen: {self.screen()}") from None
        before = len(self.chat)
        started = time.perf_counter()
        self.fake.press(self.id, message_id, data)
        return self._replies(before, expect_reply, started)

    def _button(self, label: str) -> tuple[int, str] | None:
        for message in reversed(self.chat):
            for shown, data in message.buttons():
                if shown == label and data is not None and not message.deleted:
                    return message.message_id, data
        return None

    def press_on(self, message_id: int, data: str) -> list[BotMessage]:
        """Tap a button by its data on a given message, even one whose keyboard has gone."""
        before = len(self.chat)
        started = time.perf_counter()
        self.fake.press(self.id, message_id, data, check_button=False)
        return self._replies(before, False, started)

    def screen(self) -> list[str]:
        """The chat as text lines, for assertion messages."""
        return [f"{m.message_id}: {m.text[:80]} {m.buttons()}" for m in self.chat]

    def buttons(self) -> list[str]:
        """Labels of every keyboard still on screen."""
        return [label for m in self.chat if not m.deleted for label, _ in m.buttons()]

    def _replies(self, before: int, expect_reply: bool, started: float) -> list[BotMessage]:
        """The reply's new messages once it is over; or, if it only changed a question in
        place (a tick in "tick all that apply"), the questions changed."""
        if expect_reply:
            # The wait ends when the reply comes; the deadline is for a bot that never answers.
            # A reply that does real work (``/report`` draws charts) takes seconds, and many
            # more on a machine where every core runs a test worker and other work besides.
            self.fake.wait_for(lambda: self._answered(started), timeout=REPLY_SECONDS)
        wait_for_reply_end(self.fake, self.id)
        new = self.chat[before:]
        if new:
            return new
        return [m for m in self.chat if (m.edited_at or 0) >= started and m.buttons()]

    def _answered(self, started: float) -> bool:
        """A message has come, or a question was changed in place, since ``started``."""
        return any(
            call.method == "sendMessage"
            or (call.method == "editMessageText" and call.params.get("reply_markup"))
            for call in chat_calls(self.fake, self.id, started)
        )


def chat_calls(fake: FakeBotApi, chat_id: int, since: float = 0.0) -> list[Call]:
    """The bot's calls naming ``chat_id`` (sends, edits, deletions, chat actions) since then."""
    return [
        call
        for call in fake.calls()
        if call.at >= since and str(call.params.get("chat_id")) == str(chat_id)
    ]


def reply_over(fake: FakeBotApi, chat_id: int, now: float, quiet: float = SETTLE_SECONDS) -> bool:
    """Whether the bot's reply in a chat is over: nothing more can be on its way.

    The chat has been quiet for ``quiet`` (the handler's own steps are milliseconds apart)
    and, if the chat has had its per-chat burst of messages, also for as long as the flood
    limit can hold the next one back: a three-message reply spaced out over two seconds is
    never cut in two.
    """
    calls = chat_calls(fake, chat_id, now - PER_CHAT_SECONDS)
    if not calls:
        return True
    sent = sum(1 for call in calls if call.method == "sendMessage")
    needed = quiet + fake.delay + (HELD_SECONDS if sent >= PER_CHAT_BURST - 1 else 0.0)
    return now - calls[-1].at >= needed


def wait_for_reply_end(fake: FakeBotApi, chat_id: int, timeout: float = 30.0) -> None:
    """Block until the bot's reply in ``chat_id`` is over (see :func:`reply_over`)."""
    time.sleep(SETTLE_SECONDS)
    deadline = time.perf_counter() + timeout
    while not reply_over(fake, chat_id, time.perf_counter()):
        if time.perf_counter() > deadline:
            raise TimeoutError(f"the bot's reply in chat {chat_id} did not end in {timeout} s")
        time.sleep(0.05)


def settle(fake: FakeBotApi, quiet: float = SETTLE_SECONDS) -> None:
    """Wait until the bot has made no call for ``quiet`` seconds."""
    count = len(fake.calls())
    while True:
        time.sleep(quiet)
        now = len(fake.calls())
        # getUpdates is the bot idling, not replying
        if now == count or all(c.method == "getUpdates" for c in fake.calls()[count:]):
            return
        count = now


def files_under(directory: Path) -> bytes:
    """Every byte of every file under ``directory`` (database, WAL, keys, logs ...)."""
    return b"".join(p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file())


_SYNTHESISE = """
import base64, json, sys
import numpy as np
from bot.voice._audio import encode_ogg
from bot.voice._speak import EspeakSpeaker

takes, phrases = json.load(sys.stdin)
speaker = EspeakSpeaker(voice="en+f2", words_per_minute=160, seed=11)
notes = {}
for take in range(takes):
    for words in phrases:
        samples, rate = speaker.synthesise(words)
        quiet = np.zeros(rate // 4, dtype=np.int16)  # the breath either side of a held button
        note = encode_ogg(np.concatenate([quiet, samples, quiet]), rate)
        notes.setdefault(words, []).append(base64.b64encode(note).decode())
json.dump(notes, sys.stdout)
"""


def spoken_notes(phrases: Iterable[str], takes: int = 1) -> dict[str, list[bytes]]:
    """Each phrase as OGG/Opus voice notes (espeak-ng, "en+f2"), ``takes`` of each.

    espeak-ng's output for a text depends on what it synthesised before in the same process
    (its seed does not fix that), so the notes are made in a fresh process, in a fixed order:
    the same phrases give the same audio every run, whatever ran before. Takes after the first
    differ a little, as an officer says a word a little differently each time. Each note has a
    quarter second of quiet either side, as a note recorded by holding a button has: espeak-ng
    starts on the word, and a note with no pause at all reads as a very noisy one.
    """
    made = subprocess.run(
        [sys.executable, "-c", _SYNTHESISE],
        input=json.dumps([takes, list(dict.fromkeys(phrases))]),
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        words: [base64.b64decode(note) for note in notes]
        for words, notes in json.loads(made.stdout).items()
    }
