"""Running the Telegram bot: the token, one instance per data folder, polling or webhook.

Start-up fails fast with a plain message (a bad token, a knowledge base or flows that do not
load, a second instance) rather than half-starting. SIGTERM or Ctrl-C stops fetching, lets the
updates in hand finish (each is saved as it is handled; their replies are tried once, and a
lost one is owned up to at the officer's next message), sets a backlog aside in the same way,
closes the database and exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import logging
import os
import secrets
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import (
    BadRequest,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application, ApplicationBuilder, ContextTypes
from telegram.request import HTTPXRequest

from bot.app import App, AppError
from bot.channels.telegram._channel import (
    Checkpoints,
    PersonalDataCheck,
    Pseudonyms,
    Roles,
    TelegramChannel,
    TrainerHeadline,
)
from bot.channels.telegram._contacts import Contacts
from bot.channels.telegram._http import cheap_request
from bot.channels.telegram._limits import (
    MESSAGES_PER_SECOND,
    SENDING_METHODS,
    ChatRateLimiter,
)
from bot.channels.telegram._marks import ChatMarks
from bot.channels.telegram._order import PerChatOrder
from bot.channels.telegram._voice import VoiceDesk, voice_desk
from bot.channels.telegram._webhook import WebhookServer
from bot.metrics import (
    ERRORS,
    REPLIES,
    RETRIES,
    UPDATE_SECONDS,
    UPDATES,
    MeasuredSessions,
    MetricsServer,
    error_kind,
    update_kind,
    watch_conversations,
)

TOKEN_VARIABLE = "TELEGRAM_BOT_TOKEN"
LOCK_FILE = "telegram.lock"
DEFAULT_API_URL = "https://api.telegram.org/bot"
DEFAULT_FILE_URL = "https://api.telegram.org/file/bot"
JSONDict = dict[str, Any]
CONNECTION_POOL_SIZE = 256
"""Bot API connections open at once at most: python-telegram-bot's own default."""
LOGGERS_THAT_PRINT_THE_TOKEN = ("httpx", "httpcore")
"""httpx logs every request's URL at INFO, and the Bot API's URLs hold the token."""

log = logging.getLogger("guidebot.telegram")


@dataclass(frozen=True)
class Webhook:
    """Where Telegram should POST updates, and where this process listens for them."""

    url: str
    listen: str = "127.0.0.1"
    port: int = 8443


@dataclass(frozen=True)
class TelegramSettings:
    """How to reach Telegram; the token is never shown in a repr or a log."""

    token: str = field(repr=False)
    api_url: str | None = None
    file_url: str | None = None
    webhook: Webhook | None = None
    delete_personal_data: bool = True
    timeout_seconds: float = 10.0
    tick_seconds: float = 60.0
    """How often idle conversations are looked for, closed and their officers told."""
    messages_per_second: float = MESSAGES_PER_SECOND
    """Messages the whole bot may send a second (Telegram's guideline is about 30; 0: no
    bot-wide limit, for a Bot API server or an account whose limit is raised)."""
    metrics: tuple[str, int] | None = None
    """Where to serve Prometheus metrics and ``/healthz`` (address, port); None: nowhere."""


def read_token(token_file: Path | None = None, environ: dict[str, str] | None = None) -> str:
    """The bot token from ``TELEGRAM_BOT_TOKEN``, else from a file named in the settings.

    Never from a command-line argument: those are visible to every user of the machine.

    Raises:
        AppError: no token was given, or the file cannot be read.
    """
    env = os.environ if environ is None else environ
    token = env.get(TOKEN_VARIABLE, "").strip()
    if token:
        return token
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise AppError(
                f"Could not read the bot token from {token_file}: {error.strerror}. "
                "Check the file exists and belongs to this account."
            ) from error
        if token:
            return token
        raise AppError(f"The token file {token_file} is empty. Put the token from BotFather in it.")
    raise AppError(
        f"No Telegram bot token. Set {TOKEN_VARIABLE}, or name a file holding it with "
        "--token-file (never the token itself on the command line)."
    )


class TokenFilter(logging.Filter):
    """Blank the token out of any log line that would carry it, whoever logs it."""

    def __init__(self, token: str) -> None:
        """Hide ``token``."""
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record without the token; never drop it."""
        if self._token and self._token in record.getMessage():
            record.msg = record.getMessage().replace(self._token, "[token]")
            record.args = None
        return True


@contextlib.contextmanager
def quiet_token(token: str) -> Iterator[None]:
    """Keep the token out of every log for the length of the block."""
    for name in LOGGERS_THAT_PRINT_THE_TOKEN:
        logging.getLogger(name).setLevel(logging.WARNING)
    hide = TokenFilter(token)
    handlers = logging.getLogger().handlers
    for handler in handlers:
        handler.addFilter(hide)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(hide)


@contextlib.contextmanager
def single_instance(data_dir: Path) -> Iterator[None]:
    """Hold the data directory's lock, or refuse: two bots on one token fight over updates.

    An OS lock (released when the process dies, however it dies) rather than a file's mere
    presence, so a crash never leaves the bot unable to start.
    """
    import fcntl

    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_FILE
    handle = path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        handle.close()
        raise AppError(
            f"Another guidebot is already running with the data folder {data_dir}. Stop it "
            "first: two bots on one token take each other's messages."
        ) from error
    try:
        os.chmod(path, 0o600)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


class MeasuredOrder(PerChatOrder):
    """Per-chat order, counting each update by kind and timing it to its last reply."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Handle the update as :class:`PerChatOrder` does, and count and time it."""
        with UPDATE_SECONDS.time():
            await super().do_process_update(update, coroutine)
        UPDATES.labels(update_kind(update)).inc()


class MeasuredLimiter(ChatRateLimiter):
    """Telegram's limits at the chosen bot-wide rate, counting replies sent and retries."""

    def __init__(self, messages_per_second: float = MESSAGES_PER_SECOND) -> None:
        """Send at most ``messages_per_second`` in all, and one chat's share as usual."""
        super().__init__(messages_per_second=messages_per_second)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Make the call as the limiter does, counting what it sent and what failed."""

        async def counted(*a: Any, **k: Any) -> bool | JSONDict | list[JSONDict]:
            try:
                result = await callback(*a, **k)
            except RetryAfter:
                RETRIES.labels("flood").inc()
                raise
            except TimedOut:
                RETRIES.labels("timeout").inc()
                raise
            except NetworkError as error:
                if not isinstance(error, BadRequest):
                    RETRIES.labels("network").inc()
                raise
            if endpoint in SENDING_METHODS:
                REPLIES.inc()
            return result

        return await super().process_request(counted, args, kwargs, endpoint, data, rate_limit_args)


async def _count_error(_update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    ERRORS.labels(error_kind(context.error)).inc()


def remember_sniffio_is_missing() -> None:
    """Make httpcore's look for the optional ``sniffio`` package fail at once.

    httpcore tries ``import sniffio`` each time it makes a lock, several times per Bot API
    call, and Python does not remember a failed import: each try searches every folder on the
    path again (about a tenth of the bot's time under load, in a profile). ``None`` in
    ``sys.modules`` is Python's own way to say "not installed", so the import fails at once,
    exactly as it did, and httpcore goes on with asyncio as before.
    """
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


def build_application(
    channel: TelegramChannel, settings: TelegramSettings, *, order: PerChatOrder | None = None
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The python-telegram-bot application with guidebot's handlers, order and limits."""
    remember_sniffio_is_missing()
    timeout = settings.timeout_seconds
    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_url or DEFAULT_API_URL)
        .base_file_url(settings.file_url or DEFAULT_FILE_URL)
        .concurrent_updates(order or MeasuredOrder())
        .rate_limiter(MeasuredLimiter(settings.messages_per_second))
        .request(cheap_request(CONNECTION_POOL_SIZE, timeout))
        .get_updates_request(HTTPXRequest(connection_pool_size=1, read_timeout=timeout + 30))
        .build()
    )
    channel.install(application)
    application.add_error_handler(_count_error)
    return application


async def serve(
    application: Application[Any, Any, Any, Any, Any, Any],
    channel: TelegramChannel,
    settings: TelegramSettings,
    stop: asyncio.Event,
    *,
    ready: Callable[[], None] | None = None,
    healthy: Callable[[], bool] | None = None,
) -> None:
    """Run until ``stop`` is set: start, fetch or receive updates, then stop cleanly.

    Raises:
        AppError: Telegram refused the token, or could not be reached at start-up.
    """
    try:
        await application.initialize()  # getMe: a bad token fails here, before anything runs
    except InvalidToken as error:
        raise AppError(
            "Telegram refused the bot token. Check it is the one BotFather gave you, in full."
        ) from error
    except NetworkError as error:
        raise AppError(
            f"Could not reach the Telegram Bot API ({type(error).__name__}). Check the network, "
            "or --api-url if you use your own Bot API server."
        ) from error
    server: WebhookServer | None = None
    metrics: MetricsServer | None = None

    def running() -> bool:
        return application.running and (healthy is None or healthy())

    try:
        await channel.register_commands(application)
        await application.start()
        if settings.metrics is not None:
            metrics = MetricsServer(*settings.metrics, ready=running)
            await metrics.start()
        if settings.webhook is None:
            assert application.updater is not None
            await application.bot.delete_webhook()
            await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        else:
            server = await _start_webhook(application, settings.webhook, running)
        ticking = asyncio.create_task(channel.keep_time(settings.tick_seconds))
        log.info("guidebot is running")
        if ready is not None:
            ready()
        await stop.wait()
        ticking.cancel()
        channel.begin_stopping()
        limiter = application.bot.rate_limiter
        if isinstance(limiter, ChatRateLimiter):
            limiter.stop_retrying()
    finally:
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if server is not None:
            await server.stop()
        if metrics is not None:
            await metrics.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        channel.sign_at_shutdown()


async def _start_webhook(
    application: Application[Any, Any, Any, Any, Any, Any],
    webhook: Webhook,
    ready: Callable[[], bool],
) -> WebhookServer:
    # A fresh secret each start: only this process's server knows it, and Telegram is told it
    # with the webhook, so no secret is ever stored.
    secret = secrets.token_urlsafe(32)
    server = WebhookServer(
        application,
        secret=secret,
        path=urlsplit(webhook.url).path or "/",
        host=webhook.listen,
        port=webhook.port,
        ready=ready,
    )
    await server.start()
    try:
        await application.bot.set_webhook(
            webhook.url, secret_token=secret, allowed_updates=Update.ALL_TYPES
        )
    except TelegramError:
        await server.stop()
        raise
    return server


def loaded(app: App) -> bool:
    """Ready for officers: the knowledge and flows are loaded and the database answers."""
    if app.store is None or not app.flows or app.knowledge is None:
        return False
    app.store.schema_version()  # raises StoreError if the database has gone away
    return True


def _voice_desk(app: App) -> VoiceDesk:
    """The voice desk as the deployment configured it; a piper voice that fails is refused.

    Raises:
        AppError: the configured piper voice is missing, does not match its SHA-256, or
            piper-tts is not installed.
    """
    from bot.voice import SpeakError

    settings = app.settings
    try:
        return voice_desk(
            app.engine,
            app.store,
            speech_engine=settings.speech_engine,
            speech_model=settings.speech_model,
            speaking_engine=settings.speaking_engine,
            speaking_model=settings.speaking_model,
            speaking_model_sha256=settings.speaking_model_sha256,
            replies_by_default=settings.voice_replies,
        )
    except SpeakError as error:
        raise AppError(f"Voice replies cannot start (speaking in the config): {error}") from None


def run(
    app: App,
    settings: TelegramSettings,
    *,
    pseudonyms: Pseudonyms,
    roles: Roles,
    marks: ChatMarks,
    contacts: Contacts | None,
    personal_data: PersonalDataCheck | None,
    checkpoints: Checkpoints | None = None,
    audit_summary: Callable[[float], str] | None = None,
    trainer_report: Callable[[float], TrainerHeadline] | None = None,
) -> None:
    """Run the bot until SIGTERM or Ctrl-C; the caller closes the app afterwards.

    Raises:
        AppError: a plain reason the bot could not start.
    """
    order = MeasuredOrder()
    voice = _voice_desk(app)
    channel = TelegramChannel(
        MeasuredSessions(app.engine, app.store, channel="telegram"),
        pseudonyms,
        roles,
        marks,
        personal_data=personal_data if settings.delete_personal_data else None,
        contacts=contacts,
        order=order,
        checkpoints=checkpoints,
        audit_summary=audit_summary,
        trainer_report=trainer_report,
        voice=voice,
    )
    if channel.voice is not None:
        channel.voice.warm_up()

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        application = build_application(channel, settings, order=order)
        await serve(application, channel, settings, stop, healthy=lambda: loaded(app))

    if app.store is not None:
        watch_conversations(app.store.open_conversations)

    with single_instance(app.settings.data_dir), quiet_token(settings.token):
        asyncio.run(main())
