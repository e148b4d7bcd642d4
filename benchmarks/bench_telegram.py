"""Guidebot under load through the fake Bot API, with a minimal echo bot as the floor.

Run with ``.venv/bin/python benchmarks/bench_telegram.py`` (``--quick`` for 10 and 100 chats
and a shorter script). Prints a table and writes ``benchmarks/results/telegram.json``.

Simulated officers, each in their own private chat, drive a whole flow through the fake Bot API
(``tests/fake_bot_api.py``), each waiting for the bot's reply before the next message, at 10,
100 and 1,000 chats at once and in two modes: ``flat`` (flat out: throughput and the bot's CPU
time per message) and ``pace`` (an officer's pace: a message every two seconds, starts spread
over two seconds; latency from an update being available to the bot's first action in that
chat, median and p99). The same officers drive, in the same run and scenario by scenario, a
minimal python-telegram-bot echo bot (``benchmarks/echo_bot.py``): guidebot's CPU per message
and throughput are reported as ratios to it. The aims (the Telegram load issue): CPU per
message within 1.5 times the echo bot's at 100 chats; at an officer's pace, p99 under 50 ms at
100 chats on loopback.

A third bot, ``gb-raised``, is guidebot with its bot-wide limit raised (``guidebot run
--messages-per-second``, 100 unless ``--raised`` says otherwise; the per-chat limit kept), as
for a bot whose limit Telegram raised: at 100 chats, an officer's pace offers about 50
messages a second, above Telegram's 30. A fourth, ``gb-nolimit``, has every flood limit lifted
(the per-chat allowance too, swapped in the child process before the bot is built): what
guidebot's own code costs, apart from any wait the limits impose. ``--bots`` chooses; by
default echo, guidebot and gb-raised.

Every bot is a child process (its CPU time is read from ``/proc/<pid>/stat`` before and after
each measured scenario, so start-up, enrolment and warm-up are not counted); the fake server
and the officers share this process's event loop, whose own CPU share is reported (``drv%``)
so a saturated driver cannot pass for a slow bot.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import DATABASE  # noqa: E402
from bot.channels.telegram import _texts as say  # noqa: E402
from bot.keys import Keys  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.users import Users  # noqa: E402
from tests.fake_bot_api import BotMessage, FakeBotApi  # noqa: E402

PACE_SECONDS = 2.0
"""An officer's pace: one message every this many seconds (or as soon as a slower reply is in)."""
STAGGER_SECONDS = 2.0
"""At an officer's pace, the officers' first messages are spread evenly over this long."""
FIRST_OFFICER = 7_100_000_001
"""Officers' Telegram ids (and their private chats' ids) count up from here."""
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
SETTLE_SECONDS = 1.5
"""After a scenario, how long to listen for replies that came later than expected."""
BOTS = ("echo", "guidebot", "gb-raised", "gb-nolimit")
DEFAULT_BOTS = ("echo", "guidebot", "gb-raised")
RAISED = 100.0
"""gb-raised's bot-wide limit, in messages a second."""
LISTEN_BACKLOG = 4096
"""The fake's listen queue (the kernel caps it at net.core.somaxconn)."""
NO_FLOOD_LIMITS = """
from bot.channels.telegram import _run
from bot.channels.telegram._limits import ChatRateLimiter


class NoFloodLimits(ChatRateLimiter):
    def __init__(self, **_):
        super().__init__(burst=1_000_000, seconds=1.0, messages_per_second=0)


_run.ChatRateLimiter = NoFloodLimits
from bot.cli import cli

cli(prog_name="guidebot")
"""
"""``python -c`` code: guidebot run, with the flood limits lifted (the ``gb-nolimit`` bot)."""


@dataclasses.dataclass(frozen=True)
class Step:
    """One thing an officer does, and how guidebot's reply to it ends.

    ``text`` is what is typed, or the label of the button pressed; ``press`` the button's
    callback data. Guidebot's reply is complete at the message holding ``ends``, which is its
    ``replies``-th message (the per-chat flood limit can space a long reply out over seconds,
    so "the chat went quiet" is no sign of the end). The echo bot's reply is one message.
    """

    text: str
    ends: str
    press: str | None = None
    replies: int = 1
    """Messages in guidebot's reply, a question changed in place counted as one."""


FULL = (
    Step("/start", "What do you need help with?"),
    Step("First contact", "Is the child in danger right now", press="initial-contact"),
    Step("No", "What immediate needs have you dealt with", press="no"),
    Step(
        "nan is here and he is safe, paramedics checked him, I told him who I am",
        "Done or not yet?",
    ),
    Step("Done", "Have you seen and spoken to the child yourself", press="done"),
    Step("yes spoke to him on his own in the kitchen", "What have you noted about the child"),
    Step(
        "he said his step dad hit him last night, he has a bruise on his arm",
        "Ticked: Their own words.",
    ),
    Step("How they seemed", "Ticked: Their own words, How they seemed.", press="demeanour"),
    Step("Done", "Evidence beyond what you saw", press="done"),
    Step("summary", "Back to your question"),
    Step("cancel", "Send anything to start again."),
)
"""First contact, mixing presses and typed answers, a summary, then cancel: 11 messages."""
QUICK = (*FULL[:5], FULL[-1])
"""The first five messages, then cancel: 6 messages."""


class HookedFake(FakeBotApi):
    """The fake Bot API, telling each officer of the bot's new messages in their chat at once.

    ``wait_for_async`` wakes every waiter at every change, so a thousand officers waiting
    would each re-check their chat at every message the bot sends anywhere: the driver, not
    the bot, would be measured. Here the message goes straight to its chat's officer.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.listeners: dict[int, Officer] = {}

    async def start(self) -> HookedFake:
        """Listen as the fake does, with a listen queue as long as a real server's.

        aiohttp's default queue of 128 overflows when a bot opens a few hundred connections at
        once; the kernel then drops the connection attempt and the client tries again a second
        later, a stall that belongs to the harness, not the bot. Listening again on the same
        socket lengthens the queue (Linux).
        """
        await super().start()
        for site in self._runner.sites if self._runner is not None else ():
            server = getattr(site, "_server", None)
            for listening in getattr(server, "sockets", ()):
                again = socket.socket(fileno=os.dup(listening.fileno()))
                again.listen(LISTEN_BACKLOG)
                again.close()
        return self

    def _add_bot_message(self, chat: Any, **fields: Any) -> BotMessage:
        message = super()._add_bot_message(chat, **fields)
        officer = self.listeners.get(chat.id)
        if officer is not None:
            officer.arrive(message)
        return message

    def _apply_edit(self, chat: Any, message: BotMessage, **changes: Any) -> Any:
        """A question changed in place (a tick in "tick all that apply") is a reply too.

        Edits that take a keyboard away (an answer shown under its question) are not.
        """
        result = super()._apply_edit(chat, message, **changes)
        officer = self.listeners.get(chat.id)
        if officer is not None and message.buttons():
            officer.arrive(message)
        return result


class Lost(Exception):
    """A reply that never came (or a button that never appeared): the officer gives up."""


@dataclasses.dataclass
class Tally:
    """What one scenario's officers saw."""

    sent: int = 0
    lost: int = 0
    wrong_count: int = 0
    late: int = 0
    failed: int = 0
    full_latencies: list[float] = dataclasses.field(default_factory=list)
    last_reply: float = 0.0
    update_ids: list[int] = dataclasses.field(default_factory=list)
    lost_examples: list[str] = dataclasses.field(default_factory=list)


class Officer:
    """One simulated officer in a private chat, who waits for each whole reply."""

    def __init__(self, fake: HookedFake, user_id: int, *, guidebot: bool) -> None:
        self.fake = fake
        self.id = user_id
        self.guidebot = guidebot
        self.inbox: list[str] = []
        self.arrived = asyncio.Event()
        self.keyboards: dict[str, int] = {}
        self.latest: int | None = None
        self.matched = 0
        fake.listeners[user_id] = self

    def arrive(self, message: BotMessage) -> None:
        """A new message from the bot in this chat (called on the loop, by the fake)."""
        self.inbox.append(message.text)
        self.latest = message.message_id
        for _, data in message.buttons():
            if data is not None:
                self.keyboards[data] = message.message_id
        self.arrived.set()

    def leftover(self) -> int:
        """Messages that arrived after the last reply was complete."""
        return len(self.inbox) - self.matched

    async def do(self, step: Step, tally: Tally, timeout: float) -> None:
        """Type or press, and wait until the whole reply is in."""
        tally.late += self.leftover()
        self.inbox.clear()
        self.matched = 0
        self.arrived.clear()
        started = time.perf_counter()
        if step.press is None:
            injected = self.fake.send_text(self.id, step.text)
        elif self.guidebot:
            on = self.keyboards.get(step.press)
            if on is None:
                raise Lost(f"no button {step.text!r} ({step.press}) on screen")
            injected = self.fake.press(self.id, on, step.press)
        else:
            if self.latest is None:
                raise Lost("nothing to press on")
            injected = self.fake.press(self.id, self.latest, step.press, check_button=False)
        tally.sent += 1
        tally.update_ids.append(injected.update_id)
        deadline = started + timeout
        while True:
            for index in range(self.matched, len(self.inbox)):
                text = self.inbox[index]
                if text.startswith((say.FAILED, say.UNDELIVERED)):
                    tally.failed += 1
                if not self.guidebot or step.ends in text:
                    self.matched = index + 1
                    tally.last_reply = time.perf_counter()
                    tally.full_latencies.append(tally.last_reply - started)
                    expected = step.replies if self.guidebot else 1
                    if self.matched != expected:
                        tally.wrong_count += 1
                    return
            self.matched = len(self.inbox)
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise Lost(f"{step.text!r}: no reply holding {step.ends!r}, got {self.inbox!r}")
            self.arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), remaining)


class BotChild:
    """A bot in a child process, its output in files (a pipe nobody reads could stall it)."""

    def __init__(self, name: str, fake: HookedFake, work: Path, raised: float = RAISED) -> None:
        self.name = name
        self.fake = fake
        self.data_dir = work / name
        self.data_dir.mkdir()
        self.guidebot = name != "echo"
        urls = ["--api-url", fake.base_url, "--file-url", fake.file_url]
        if name == "echo":
            command = [sys.executable, str(ROOT / "benchmarks" / "echo_bot.py"), *urls]
        elif name == "guidebot":
            command = [sys.executable, "-m", "bot", "run", *urls]
        elif name == "gb-raised":
            command = [
                *(sys.executable, "-m", "bot", "run", *urls),
                *("--messages-per-second", str(raised)),
            ]
        else:
            command = [sys.executable, "-c", NO_FLOOD_LIMITS, "run", *urls]
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": fake.token,
            "GUIDEBOT_DATA_DIR": str(self.data_dir),
        }
        env.pop("GUIDEBOT_TOKEN_FILE", None)
        self.stderr_path = work / f"{name}.stderr"
        with (
            (work / f"{name}.stdout").open("w") as out,
            self.stderr_path.open("w") as err,
        ):
            self.process = subprocess.Popen(command, env=env, stdout=out, stderr=err, cwd=ROOT)
        self.launched = time.perf_counter()

    async def ready(self, timeout: float = 120.0) -> float:
        """Wait until the bot long-polls; the seconds from its launch (bots start together)."""
        while time.perf_counter() - self.launched < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited {self.process.returncode}: "
                    f"{self.stderr_path.read_text()[-2000:]}"
                )
            polls = self.fake.calls("getUpdates")
            if polls:
                return polls[0].at - self.launched
            await asyncio.sleep(0.05)
        raise TimeoutError(f"{self.name} did not start polling within {timeout} s")

    def cpu_seconds(self) -> float:
        """User and system CPU time of the bot process so far (all its threads)."""
        return _cpu(Path(f"/proc/{self.process.pid}/stat"))

    def loop_cpu_seconds(self) -> float:
        """... of its main thread alone: the event loop (python-telegram-bot, HTTP, handlers).

        The rest is worker threads: guidebot runs the engine, the session layer and their
        SQLite writes there (``asyncio.to_thread``); the echo bot has none.
        """
        return _cpu(Path(f"/proc/{self.process.pid}/task/{self.process.pid}/stat"))

    async def stop(self) -> dict[str, Any]:
        """SIGTERM and wait: the exit code, seconds to exit, and what the bot logged."""
        started = time.perf_counter()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.to_thread(self.process.wait, 300)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = await asyncio.to_thread(self.process.wait)
        lines = self.stderr_path.read_text(errors="replace").splitlines()
        return {
            "exit_code": code,
            "stop_s": round(time.perf_counter() - started, 1),
            "problems": _problems(lines),
        }


def _cpu(stat: Path) -> float:
    fields = stat.read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def enrolment_codes(data_dir: Path, count: int) -> list[str]:
    """``count`` one-time officer codes, made as ``guidebot users enrol`` makes them."""
    with Store.open(data_dir / DATABASE) as store:
        users = Users(store, Keys.open(data_dir))
        now = time.time()
        return [
            users.create_code("officer", now=now, valid_for=6 * 3600).code for _ in range(count)
        ]


def step_timeout(chats: int) -> float:
    """Long enough for a reply queued behind every other chat's at 30 sends a second."""
    return 120.0 + 0.3 * chats


async def enrol(bot: BotChild, officers: Sequence[Officer]) -> float:
    """Every officer sends ``/enrol CODE`` and waits to be told they are enrolled."""
    codes = await asyncio.to_thread(enrolment_codes, bot.data_dir, len(officers))
    tally = Tally()
    started = time.perf_counter()
    await asyncio.gather(
        *(
            officer.do(Step(f"/enrol {code}", "You're enrolled"), tally, step_timeout(len(codes)))
            for officer, code in zip(officers, codes, strict=True)
        )
    )
    return time.perf_counter() - started


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


async def scenario(
    bot: BotChild,
    officers: Sequence[Officer],
    script: Sequence[Step],
    rounds: int,
    mode: str,
) -> dict[str, Any]:
    """All officers drive ``script`` ``rounds`` times at once; what it cost and how fast."""
    tally = Tally()
    timeout = step_timeout(len(officers))
    loop = asyncio.get_running_loop()

    async def drive(officer: Officer, start_at: float) -> None:
        next_at = start_at
        try:
            for _ in range(rounds):
                for step in script:
                    if mode == "pace":
                        await asyncio.sleep(max(0.0, next_at - loop.time()))
                        next_at = loop.time() + PACE_SECONDS
                    await officer.do(step, tally, timeout)
        except Lost as lost:
            tally.lost += 1
            if len(tally.lost_examples) < 5:
                tally.lost_examples.append(str(lost)[:300])
        except ValueError as refused:  # the fake refused a press: the chat is not as expected
            tally.lost += 1
            if len(tally.lost_examples) < 5:
                tally.lost_examples.append(str(refused)[:300])

    calls_before = Counter(bot.fake.call_counts())
    taps_before = len(bot.fake.answered_callbacks())
    cpu_before = bot.cpu_seconds()
    loop_before = bot.loop_cpu_seconds()
    driver_before = time.process_time()
    started = time.perf_counter()
    first = loop.time()
    spread = STAGGER_SECONDS if mode == "pace" else 0.0
    await asyncio.gather(
        *(
            drive(officer, first + spread * index / len(officers))
            for index, officer in enumerate(officers)
        )
    )
    # To the last whole reply: an officer whose reply never came waits out the timeout, which
    # is no part of the bot's throughput.
    wall = (tally.last_reply or time.perf_counter()) - started
    cpu = bot.cpu_seconds() - cpu_before
    loop_cpu = bot.loop_cpu_seconds() - loop_before
    driver = time.process_time() - driver_before
    calls = Counter(bot.fake.call_counts()) - calls_before
    answered_taps = len(bot.fake.answered_callbacks()) - taps_before
    await asyncio.sleep(SETTLE_SECONDS)
    tally.late += sum(officer.leftover() for officer in officers)
    for officer in officers:
        officer.matched = len(officer.inbox)

    timings = {t.update_id: t for t in bot.fake.timings()}
    first_action = [
        timings[u].replied_at - timings[u].queued_at  # type: ignore[operator]
        for u in tally.update_ids
        if u in timings and timings[u].replied_at is not None
    ]
    polled = [
        timings[u].delivered_at - timings[u].queued_at  # type: ignore[operator]
        for u in tally.update_ids
        if u in timings and timings[u].delivered_at is not None
    ]
    answered = len(tally.full_latencies)
    work_calls = sum(n for method, n in calls.items() if method != "getUpdates")
    return {
        "bot": bot.name,
        "chats": len(officers),
        "mode": mode,
        "rounds": rounds,
        "messages": tally.sent,
        "answered": answered,
        "lost": tally.lost,
        "wrong_count": tally.wrong_count,
        "late": tally.late,
        "failed": tally.failed,
        "taps_answered_too_late": calls["answerCallbackQuery"] - answered_taps,
        "wall_s": round(wall, 2),
        "per_second": round(answered / wall, 1),
        "cpu_ms_per_message": round(1000 * cpu / max(answered, 1), 2),
        "worker_cpu_ms_per_message": round(1000 * (cpu - loop_cpu) / max(answered, 1), 2),
        "bot_cpu_share": round(cpu / wall, 3),
        "driver_cpu_share": round(driver / wall, 3),
        "calls_per_message": round(work_calls / max(answered, 1), 2),
        "calls": dict(sorted(calls.items())),
        "first_action_median_ms": _ms(statistics.median(first_action)) if first_action else None,
        "first_action_p99_ms": _ms(_percentile(first_action, 0.99)) if first_action else None,
        "first_action_max_ms": _ms(max(first_action)) if first_action else None,
        "poll_median_ms": _ms(statistics.median(polled)) if polled else None,
        "full_reply_median_ms": _ms(statistics.median(tally.full_latencies)) if answered else None,
        "full_reply_p99_ms": _ms(_percentile(tally.full_latencies, 0.99)) if answered else None,
        "lost_examples": tally.lost_examples,
    }


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def rounds_for(chats: int, mode: str, given: int | None) -> int:
    """Scripts per officer in one repeat: enough messages at 10 chats for a stable median."""
    if given is not None:
        return given
    return 3 if chats <= 10 and mode == "flat" else 1


def repeats_for(chats: int, given: int | None) -> int:
    """Repeats of a scenario (each bot in turn each time); 1,000 chats take too long to repeat."""
    if given is not None:
        return given
    return 3 if chats <= 100 else 1


SUMMED = (
    "messages",
    "answered",
    "lost",
    "wrong_count",
    "late",
    "failed",
    "taps_answered_too_late",
)
MEASURES = (
    "wall_s",
    "per_second",
    "cpu_ms_per_message",
    "worker_cpu_ms_per_message",
    "bot_cpu_share",
    "driver_cpu_share",
    "calls_per_message",
    "first_action_median_ms",
    "first_action_p99_ms",
    "first_action_max_ms",
    "poll_median_ms",
    "full_reply_median_ms",
    "full_reply_p99_ms",
)


def summarise(repeats: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One row for a bot's repeats of a scenario: medians of the measures, sums of the counts."""
    first = repeats[0]
    row: dict[str, Any] = {key: first[key] for key in ("bot", "chats", "mode", "rounds")}
    row["repeats"] = len(repeats)
    for key in SUMMED:
        row[key] = sum(r[key] for r in repeats)
    for key in MEASURES:
        values = [r[key] for r in repeats if r[key] is not None]
        row[key] = round(statistics.median(values), 3) if values else None
    calls: Counter[str] = Counter()
    for r in repeats:
        calls.update(r["calls"])
    row["calls"] = dict(sorted(calls.items()))
    row["lost_examples"] = [e for r in repeats for e in r["lost_examples"]][:5]
    row["each_repeat"] = [{key: r[key] for key in REPEAT_KEYS} for r in repeats]
    return row


REPEAT_KEYS = (
    "wall_s",
    "per_second",
    "cpu_ms_per_message",
    "worker_cpu_ms_per_message",
    "driver_cpu_share",
    "first_action_median_ms",
    "first_action_p99_ms",
)


COLUMNS = (
    ("bot", "bot", 10, "s"),
    ("chats", "chats", 5, "d"),
    ("mode", "mode", 4, "s"),
    ("msgs", "messages", 6, "d"),
    ("wall s", "wall_s", 7, ".1f"),
    ("msg/s", "per_second", 7, ".1f"),
    ("CPU ms/msg", "cpu_ms_per_message", 10, ".2f"),
    ("wrk ms", "worker_cpu_ms_per_message", 6, ".2f"),
    ("bot%", "bot_cpu_share", 5, ".0%"),
    ("drv%", "driver_cpu_share", 5, ".0%"),
    ("calls/msg", "calls_per_message", 9, ".2f"),
    ("median ms", "first_action_median_ms", 9, ".1f"),
    ("p99 ms", "first_action_p99_ms", 8, ".1f"),
    ("full p99", "full_reply_p99_ms", 8, ".0f"),
    ("lost", "lost", 4, "d"),
)


def _cell(value: Any, width: int, form: str) -> str:
    if value is None:
        return f"{'-':>{width}}"
    if form == "s":
        return f"{value:<{width}}" if width == 10 else f"{value:>{width}}"
    return f"{value:>{width}{form}}"


def print_table(rows: Sequence[dict[str, Any]]) -> None:
    print(" ".join(f"{title:<{w}}" if w == 10 else f"{title:>{w}}" for title, _, w, _ in COLUMNS))
    for row in rows:
        print(" ".join(_cell(row[key], w, form) for _, key, w, form in COLUMNS))


def ratios(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each guidebot's CPU per message and throughput over the echo bot's, scenario by scenario."""
    echo = {(r["chats"], r["mode"]): r for r in rows if r["bot"] == "echo"}
    found = []
    for row in rows:
        floor = echo.get((row["chats"], row["mode"]))
        if row["bot"] == "echo" or floor is None:
            continue
        found.append(
            {
                "bot": row["bot"],
                "chats": row["chats"],
                "mode": row["mode"],
                "cpu_per_message": _ratio(row["cpu_ms_per_message"], floor["cpu_ms_per_message"]),
                "throughput": _ratio(row["per_second"], floor["per_second"]),
                "p99": _ratio(row["first_action_p99_ms"], floor["first_action_p99_ms"]),
            }
        )
    return found


def _ratio(mine: float | None, floor: float | None) -> float | None:
    if mine is None or not floor:
        return None
    return round(mine / floor, 2)


def aims(rows: Sequence[dict[str, Any]], found: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The issue's two aims, for each guidebot measured at 100 chats."""
    result: dict[str, Any] = {}
    for ratio in found:
        if ratio["chats"] == 100 and ratio["mode"] == "flat":
            met = ratio["cpu_per_message"] is not None and ratio["cpu_per_message"] <= 1.5
            result[f"{ratio['bot']}: CPU per message within 1.5x echo at 100 chats"] = met
    for row in rows:
        if row["bot"] != "echo" and row["chats"] == 100 and row["mode"] == "pace":
            p99 = row["first_action_p99_ms"]
            result[f"{row['bot']}: p99 under 50 ms at 100 chats, officer's pace"] = (
                p99 is not None and p99 < 50
            )
    return result


def _problems(lines: Sequence[str]) -> dict[str, int]:
    """The bot's warning and error lines, counted by what they say (times stripped)."""
    counted: Counter[str] = Counter()
    for line in lines:
        if any(word in line for word in (" WARNING ", " ERROR ", " CRITICAL ", "Traceback")):
            counted[line.split(" ", 2)[-1][:200] if line[:2] == "20" else line[:200]] += 1
    return dict(counted.most_common(20))


async def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    run_started = time.perf_counter()
    running = asyncio.current_task()
    if running is not None:  # SIGTERM: stop as Ctrl-C does
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, running.cancel)
    script = QUICK if args.quick else FULL
    most = max(args.chats)
    rows: list[dict[str, Any]] = []
    setup: dict[str, Any] = {}
    stopped: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-telegram-") as folder:
        work = Path(folder)
        async with contextlib.AsyncExitStack() as stack:
            bots: dict[str, BotChild] = {}
            officers: dict[str, list[Officer]] = {}
            for name in args.bots:
                fake = await stack.enter_async_context(HookedFake())
                bot = BotChild(name, fake, work, args.raised)
                bots[name] = bot
                officers[name] = [
                    Officer(fake, FIRST_OFFICER + n, guidebot=bot.guidebot) for n in range(most)
                ]
            try:
                for name, bot in bots.items():
                    ready = await bot.ready()
                    enrolled = await enrol(bot, officers[name]) if bot.guidebot else 0.0
                    warm = await scenario(bot, officers[name][:10], QUICK, 1, "flat")
                    setup[name] = {
                        "start_s": round(ready, 2),
                        "enrol_s": round(enrolled, 2),
                        "warm_up_lost": warm["lost"],
                    }
                    print(
                        f"{name}: polling after {ready:.1f} s, {most} officers enrolled in "
                        f"{enrolled:.1f} s",
                        flush=True,
                    )
                for chats in args.chats:
                    for mode in args.modes:
                        rounds = rounds_for(chats, mode, args.rounds)
                        done: dict[str, list[dict[str, Any]]] = {name: [] for name in bots}
                        for repeat in range(repeats_for(chats, args.repeats)):
                            for name, bot in bots.items():
                                row = await scenario(
                                    bot, officers[name][:chats], script, rounds, mode
                                )
                                done[name].append(row)
                                print(
                                    f"  {name:10} {chats:5} {mode:5} #{repeat + 1} "
                                    f"{row['messages']:6} messages in {row['wall_s']:7.1f} s: "
                                    f"{row['per_second']:7.1f}/s, {row['cpu_ms_per_message']:6.2f}"
                                    f" CPU ms each, lost {row['lost']}",
                                    flush=True,
                                )
                        rows.extend(summarise(repeats) for repeats in done.values())
            finally:
                ends = await asyncio.gather(*(bot.stop() for bot in bots.values()))
                stopped.update(zip(bots, ends, strict=True))
    found = ratios(rows)
    return {
        "date": datetime.date.today().isoformat(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "script": [step.text for step in script],
        "pace_seconds": PACE_SECONDS,
        "stagger_seconds": STAGGER_SECONDS,
        "gb_raised_messages_per_second": args.raised,
        "setup": setup,
        "scenarios": rows,
        "ratios": found,
        "aims": aims(rows, found),
        "bots_stopped": stopped,
        "run_seconds": round(time.perf_counter() - run_started, 1),
    }


def _chats(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def _names(allowed: Sequence[str]) -> Any:
    def parse(text: str) -> list[str]:
        names = [part.strip() for part in text.split(",") if part.strip()]
        unknown = [name for name in names if name not in allowed]
        if unknown or not names:
            raise argparse.ArgumentTypeError(f"choose from {', '.join(allowed)}")
        return names

    return parse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--chats", type=_chats, default=None, help="chats at once, e.g. 10,100 (10,100,1000)"
    )
    parser.add_argument(
        "--modes", type=_names(("flat", "pace")), default=["flat", "pace"], help="flat,pace"
    )
    parser.add_argument(
        "--bots",
        type=_names(BOTS),
        default=list(DEFAULT_BOTS),
        help=f"{','.join(BOTS)} ({','.join(DEFAULT_BOTS)})",
    )
    parser.add_argument(
        "--raised",
        type=float,
        default=RAISED,
        help=f"gb-raised's bot-wide limit, messages a second ({RAISED:g})",
    )
    parser.add_argument(
        "--quick", action="store_true", help="10 and 100 chats only, a 6-message script"
    )
    parser.add_argument(
        "--rounds", type=int, default=None, help="scripts per officer (3 at 10 chats flat, else 1)"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="repeats per scenario, medians reported (3 up to 100 chats, 1 at 1,000 and --quick)",
    )
    parser.add_argument(
        "--output", type=Path, default=ROOT / "benchmarks" / "results" / "telegram.json"
    )
    args = parser.parse_args(argv)
    if args.chats is None:
        args.chats = [10, 100] if args.quick else [10, 100, 1000]
    if args.quick and args.repeats is None:
        args.repeats = 1
    if "echo" not in args.bots:
        args.bots.insert(0, "echo")  # the floor every ratio is taken against
    if not Path("/proc/self/stat").exists():
        parser.error("reads the bots' CPU time from /proc: Linux only")
    # Ctrl-C even when started in the background: asyncio.run then cancels the run, whose
    # clean-up stops the bots while the fake still answers them.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        result = asyncio.run(benchmark(args))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("Interrupted: the bots are stopped, nothing is saved.")
        return 130
    rows = result["scenarios"]
    print()
    print_table(rows)
    print(f"\n{'ratio to echo':24} {'chats':>5} {'mode':>4} {'CPU/msg':>8} {'msg/s':>7} {'p99':>7}")
    for ratio in result["ratios"]:
        print(
            f"{ratio['bot'] + ' / echo':24} {ratio['chats']:5} {ratio['mode']:>4} "
            f"{_cell(ratio['cpu_per_message'], 8, '.2f')} {_cell(ratio['throughput'], 7, '.2f')} "
            f"{_cell(ratio['p99'], 7, '.2f')}"
        )
    print()
    for aim, met in result["aims"].items():
        print(f"{'meets' if met else 'MISSES'}: {aim}")
    for name, stopped in result["bots_stopped"].items():
        problems = stopped["problems"]
        print(
            f"{name}: exit {stopped['exit_code']} {stopped['stop_s']} s after SIGTERM, "
            f"{sum(problems.values())} warnings or errors"
        )
        for line, count in problems.items():
            print(f"  {count:5} x {line}")
    troubles = [
        r
        for r in rows
        if r["lost"] or r["wrong_count"] or r["late"] or r["failed"] or r["taps_answered_too_late"]
    ]
    for row in troubles:
        print(
            f"{row['bot']} {row['chats']} {row['mode']}: lost {row['lost']}, reply of another "
            f"length {row['wrong_count']}, late {row['late']}, failed {row['failed']}, "
            f"taps answered too late {row['taps_answered_too_late']}"
        )
        for example in row["lost_examples"]:
            print(f"  {example}")
    print(f"\nThe run took {result['run_seconds'] / 60:.1f} minutes.")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"Saved {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
