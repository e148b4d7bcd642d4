"""``guidebot run``: the Telegram bot, by long polling or a webhook."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from bot.app import AppError, Settings
from bot.cli._chat import open_app
from bot.cli._common import data_dir_option, flows_option, jurisdiction_option, knowledge_option
from bot.knowledge import Jurisdiction


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
    flows_dir: Path | None,
    knowledge_dir: Path | None,
    jurisdiction: Jurisdiction | None,
) -> None:
    """Run guidebot as a Telegram bot until stopped (Ctrl-C or SIGTERM).

    The token comes from TELEGRAM_BOT_TOKEN, or from the file named by --token-file. Only
    enrolled users get answers: enrol the first admin with 'guidebot users enrol --role admin'
    and send the code to the bot as /enrol CODE.
    """
    from bot.channels.telegram import TelegramSettings, Webhook, read_token, run_bot

    if webhook and not public_url:
        raise click.UsageError("--webhook needs --url, the public HTTPS address Telegram posts to.")
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    settings = Settings(
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
        )
        with open_app(settings, store=True) as app:
            run_bot(app, telegram)
    except AppError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("guidebot stopped.")
