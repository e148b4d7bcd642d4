"""What a force's monitoring sees: Prometheus metrics and a readiness probe, never who or what.

Counts, timings and a gauge, on a port of their own (never the webhook's, which faces
Telegram). No label carries an officer, a chat, a pseudonym or anything typed: labels are
drawn from short fixed lists (an update's kind, an error's class, a retry's reason), so a
scrape says how busy and how healthy the bot is and nothing about anyone using it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

from bot.session import Sessions

if TYPE_CHECKING:
    from bot.engine import Event, StepResult

REGISTRY = CollectorRegistry(auto_describe=True)
"""guidebot's own registry: no process or platform collectors that could be misread."""

UPDATE_KINDS = ("message", "command", "button", "voice", "edited", "other")
RETRY_REASONS = ("flood", "timeout", "network")

UPDATES = Counter(
    "guidebot_updates_handled",
    "Telegram updates handled, by kind.",
    ["kind"],
    registry=REGISTRY,
)
REPLIES = Counter(
    "guidebot_replies_sent", "Messages the bot sent that Telegram accepted.", registry=REGISTRY
)
ERRORS = Counter(
    "guidebot_errors",
    "Errors while handling an update, by the error's class (never its message).",
    ["kind"],
    registry=REGISTRY,
)
RETRIES = Counter(
    "guidebot_telegram_retries",
    "Bot API calls refused by flood control, timed out or cut off (most are tried again).",
    ["reason"],
    registry=REGISTRY,
)
STEP_SECONDS = Histogram(
    "guidebot_step_seconds",
    "Time to read one message and save the conversation (engine step and database).",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
    registry=REGISTRY,
)
UPDATE_SECONDS = Histogram(
    "guidebot_update_seconds",
    "Time from picking an update up to its last reply sent (Bot API calls included).",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=REGISTRY,
)
VOICE_SECONDS = Histogram(
    "guidebot_voice_transcription_seconds",
    "Time to turn one voice note into text on this machine.",
    buckets=(0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0),
    registry=REGISTRY,
)
ACTIVE = Gauge(
    "guidebot_active_conversations",
    "Conversations part-way through a flow and not yet idle past their deadline.",
    registry=REGISTRY,
)

log = logging.getLogger("guidebot.metrics")


def update_kind(update: object) -> str:
    """Which of :data:`UPDATE_KINDS` an update is, read from its shape alone."""
    message = getattr(update, "message", None)
    if getattr(update, "callback_query", None) is not None:
        return "button"
    if getattr(update, "edited_message", None) is not None:
        return "edited"
    if message is not None:
        if getattr(message, "voice", None) is not None:
            return "voice"
        text = getattr(message, "text", None) or ""
        return "command" if text.startswith("/") else "message"
    return "other"


def error_kind(error: BaseException | None) -> str:
    """An error's class name: a short fixed word, never the message it carried."""
    return "none" if error is None else type(error).__name__


def transcribed(seconds: float) -> None:
    """Record one voice note's transcription time (called by the voice channel)."""
    VOICE_SECONDS.observe(seconds)


def watch_conversations(count: Callable[[float], int]) -> None:
    """Read the active conversations from ``count(now)`` at each scrape.

    A count that fails (the database closed at shutdown, or gone) reads as NaN, so a scrape
    still answers and the health check, not the metrics, reports the database.
    """

    def active() -> float:
        try:
            return float(count(time.time()))
        except Exception as error:  # a scrape must answer, whatever broke
            log.warning("counting active conversations failed: %s", error_kind(error))
            return float("nan")

    ACTIVE.set_function(active)


class MeasuredSessions(Sessions):
    """The session layer, timing each step (the engine and the save) for the histogram."""

    def handle(self, key: str, event: Event) -> StepResult:
        """Apply one message as :class:`Sessions` does, and time it."""
        with STEP_SECONDS.time():
            return super().handle(key, event)

    def open(self, key: str, now: float, *, fresh: bool = False) -> StepResult:
        """Show where the officer is, as :class:`Sessions` does, and time it."""
        with STEP_SECONDS.time():
            return super().open(key, now, fresh=fresh)


def scrape() -> bytes:
    """The metrics in Prometheus's text format, as the metrics port serves them."""
    return generate_latest(REGISTRY)


class MetricsServer:
    """``/metrics`` and ``/healthz`` on their own port, for monitoring and container probes."""

    def __init__(self, host: str, port: int, ready: Callable[[], bool]) -> None:
        """Serve on ``host:port``; ``/healthz`` answers 200 only while ``ready()`` is True."""
        self._host = host
        self._port = port
        self._ready = ready
        self._runner: web.AppRunner | None = None

    async def start(self) -> int:
        """Start listening; returns the port (useful when 0 asked for a free one)."""
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/healthz", health_handler(self._ready))
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._port).start()
        addresses = self._runner.addresses
        return int(addresses[0][1]) if addresses else self._port

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _metrics(self, _request: web.Request) -> web.Response:
        body = scrape()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def health_handler(
    ready: Callable[[], bool],
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A ``/healthz`` handler: 200 "ready" while ``ready()`` holds, else 503, nothing more."""

    async def healthz(_request: web.Request) -> web.StreamResponse:
        try:
            ok = ready()
        except Exception as error:  # a probe must answer, whatever broke
            log.warning("health check failed: %s", error_kind(error))
            ok = False
        if ok:
            return web.Response(text="ready\n")
        return web.Response(status=503, text="not ready\n")

    return healthz


__all__ = [
    "ACTIVE",
    "ERRORS",
    "REGISTRY",
    "REPLIES",
    "RETRIES",
    "STEP_SECONDS",
    "UPDATES",
    "UPDATE_SECONDS",
    "VOICE_SECONDS",
    "MeasuredSessions",
    "MetricsServer",
    "error_kind",
    "health_handler",
    "scrape",
    "transcribed",
    "update_kind",
    "watch_conversations",
]
