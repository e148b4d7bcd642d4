"""``guidebot run``: the Telegram bot, by long polling or a webhook."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bot import _cache
from bot.cli._chat import open_app
from bot.cli._common import data_dir_option, flows_option, jurisdiction_option, knowledge_option

if TYPE_CHECKING:
    from bot.app import App, Settings
    from bot.config import Config
    from bot.knowledge import Jurisdiction
    from bot.logs import LogFormat


@click.command()
@data_dir_option
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="GUIDEBOT_TOKEN_FILE",
    default=None,
    help="File holding the bot token, if TELEGRAM_BOT_TOKEN is not set. Never the token itself.",
)
@click.option("--webhook", is_flag=True, help="Receive updates by webhook instead of polling.")
@click.option("--listen", default="127.0.0.1", show_default=True, help="Webhook: address to bind.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8443,
    show_default=True,
    help="Webhook: port to bind.",
)
@click.option(
    "--url",
    "public_url",
    default=None,
    help="Webhook: the public HTTPS address Telegram posts to (its path is served).",
)
@click.option(
    "--api-url",
    default=None,
    help="Bot API server to use, e.g. http://127.0.0.1:8081/bot for a self-hosted one.",
)
@click.option("--file-url", default=None, help="Bot API file server (with --api-url).")
@click.option(
    "--keep-personal-messages",
    is_flag=True,
    help="Do not delete officers' messages that look like they hold personal details.",
)
@click.option(
    "--idle-minutes",
    type=click.FloatRange(min=1),
    default=30,
    show_default=True,
    help="Close a conversation after this long without a message, and tell the officer.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds to wait for the Bot API before a request is tried again.",
)
@click.option(
    "--messages-per-second",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="Messages the whole bot may send a second: Telegram's limit for a bot is about 30. "
    "Raise it only if Telegram raised your bot's limit; 0 turns the bot-wide limit off.",
)
@click.option("--verbose", is_flag=True, help="Log each start, stop and error (never text or ids).")
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="warning",
    show_default=True,
    help="Least serious log line written (--verbose: info).",
)
@click.option(
    "--log-format",
    type=click.Choice(["auto", "json", "text"]),
    default="auto",
    show_default=True,
    help="JSON lines or text; auto: JSON unless standard error is a terminal.",
)
@click.option(
    "--metrics-port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Serve Prometheus metrics on this port (loopback unless the config says otherwise).",
)
@flows_option
@knowledge_option
@jurisdiction_option
def run(
    data_dir: Path,
    token_file: Path | None,
    webhook: bool,
    listen: str,
    port: int,
    public_url: str | None,
    api_url: str | None,
    file_url: str | None,
    keep_personal_messages: bool,
    idle_minutes: float,
    timeout: float,
    messages_per_second: float,
    verbose: bool,
    log_level: str,
    log_format: LogFormat,
    metrics_port: int | None,
    flows_dir: Path | None,
    knowledge_dir: Path | None,
    jurisdiction: Jurisdiction | None,
) -> None:
    """Run guidebot as a Telegram bot until stopped (Ctrl-C or SIGTERM).

    The token comes from TELEGRAM_BOT_TOKEN, or from the file named by --token-file. Only
    enrolled users get answers: enrol the first admin with 'guidebot users enrol --role admin'
    and send the code to the bot as /enrol CODE.
    """
    # The language pack is read as the bot's modules are imported: name the cache folder
    # first, so that a restart reads the pack back rather than parsing its YAML again (a
    # second of every start). Only the shipped pack is kept there, nothing an officer sent.
    _cache.use_folder(data_dir)
    from bot.app import AppError
    from bot.channels.telegram import TelegramSettings, Webhook, read_token, run_bot
    from bot.config import Config
    from bot.logs import setup_logging

    if webhook and not public_url:
        raise click.UsageError("--webhook needs --url, the public HTTPS address Telegram posts to.")
    found = click.get_current_context().find_root().obj
    config = found if isinstance(found, Config) else Config()
    if verbose and log_level in ("warning", "error"):
        log_level = "info"
    setup_logging(log_level, log_format)
    logging.getLogger("guidebot").info(
        "settings from %s; %s; metrics %s",
        config.source,
        "webhook" if webhook else "long polling",
        f"on port {metrics_port}" if metrics_port else "off",
    )
    settings = settings_from(
        config,
        data_dir=data_dir,
        knowledge_dir=knowledge_dir,
        flows_dir=flows_dir,
        jurisdiction=jurisdiction,
        idle_seconds=idle_minutes * 60,
    )
    try:
        token = read_token(token_file)
        telegram = TelegramSettings(
            token=token,
            api_url=api_url,
            file_url=file_url,
            webhook=Webhook(public_url, listen, port) if webhook and public_url else None,
            delete_personal_data=not keep_personal_messages,
            timeout_seconds=timeout,
            messages_per_second=messages_per_second,
            metrics=(config.metrics.listen, metrics_port) if metrics_port else None,
        )
        with open_app(settings, store=True) as app:
            code_file = config.first_admin.code_file
            if code_file is not None and app.store is not None:
                first_admin_code(app, code_file, valid_hours=config.first_admin.valid_hours)
            run_bot(app, telegram)
    except AppError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("guidebot stopped.")


def settings_from(config: Config, **chosen: Any) -> Settings:
    """The app's settings: what the command line chose, and the rest from the config."""
    from bot.app import Settings

    return Settings(
        **chosen,
        voice_replies=config.voice_replies,
        speech_engine=config.speech.engine,
        speech_model=config.speech.model_path,
        speech_model_sha256=config.speech.model_sha256,
        speaking_engine=config.speaking.engine,
        speaking_model=config.speaking.model_path,
        speaking_model_sha256=config.speaking.model_sha256,
    )


def first_admin_code(app: App, code_file: Path, *, valid_hours: float) -> bool:
    """On a new install, write a one-time admin code to ``code_file``; True if one was written.

    Only while nobody holds the admin role and no code file is waiting: once the first admin
    has enrolled, later admins are enrolled by them with /users, and a restart never mints a
    second code behind the IT team's back. The file is owner-only and holds the code alone.
    """
    import time

    from bot._private import PrivateFileError, write_private_file
    from bot.app import AppError
    from bot.keys import KeysError
    from bot.users import Users, keys_for

    assert app.store is not None
    now = time.time()
    try:
        keys = keys_for(app.store, app.settings.data_dir)
    except KeysError as error:
        raise AppError(str(error)) from error
    users = Users(app.store, keys)
    if any(user.role == "admin" and user.active(now) for user in users.list_users()):
        return False
    if code_file.exists():
        return False
    code = users.create_code("admin", now=now, valid_for=valid_hours * 3600)
    try:
        write_private_file(
            code_file, (code.code + "\n").encode(), what="the first admin's code", replace=False
        )
    except PrivateFileError as error:
        raise AppError(str(error)) from error
    logging.getLogger("guidebot").warning(
        "no admin is enrolled: a one-time admin code was written to the first_admin code file"
    )
    return True
