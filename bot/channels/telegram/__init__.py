"""The Telegram channel: guidebot as a python-telegram-bot application.

The public front door; :func:`run_bot` puts the parts together for ``guidebot run``.
"""

from __future__ import annotations

import logging
import os

# python-telegram-bot 22 warns on every flood-control error that "retry after" will become a
# timedelta; guidebot reads it only through the rate limiter, which takes either, so opt in.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from bot.app import App
from bot.channels.telegram._channel import CHANNEL, TelegramChannel
from bot.channels.telegram._contacts import Contacts
from bot.channels.telegram._marks import ChatMark, ChatMarks, MemoryMarks, StoreMarks
from bot.channels.telegram._render import MESSAGE_LIMIT, Outgoing, render
from bot.channels.telegram._run import (
    TOKEN_VARIABLE,
    TelegramSettings,
    Webhook,
    build_application,
    read_token,
    run,
    serve,
    single_instance,
)


def run_bot(app: App, settings: TelegramSettings) -> None:
    """Run the bot with guidebot's keys, enrolled users and store until it is stopped."""
    from bot.app import AppError
    from bot.audit.log import AuditError, Checkpointer, log_signing_key, supervisor_summary
    from bot.channels.telegram._personal import personal_data_described
    from bot.keys import KeysError, a_new_seal_key
    from bot.reports import trainers_headline
    from bot.users import Users, keys_for

    if app.store is None:
        raise ValueError("the Telegram bot needs the store: build the app with store=True")
    try:
        keys = keys_for(app.store, app.settings.data_dir)
    except KeysError as error:
        raise AppError(str(error)) from error
    store = app.store
    sealed = store.contact_count() if keys.seal_key_made else 0
    if cost := a_new_seal_key(keys.seal_file, sealed=sealed):
        logging.getLogger("guidebot").warning(cost)
    try:
        signer = log_signing_key(store, app.settings.data_dir)
    except AuditError as error:
        raise AppError(str(error)) from error
    run(
        app,
        settings,
        pseudonyms=keys,
        roles=Users(app.store, keys),
        marks=StoreMarks(app.store),
        contacts=Contacts(app.store, keys),
        personal_data=personal_data_described,
        checkpoints=Checkpointer(store, signer),
        audit_summary=lambda now: supervisor_summary(store, now=now),
        trainer_report=lambda now: trainers_headline(store.path, app.settings.data_dir, now),
    )


__all__ = [
    "CHANNEL",
    "MESSAGE_LIMIT",
    "TOKEN_VARIABLE",
    "ChatMark",
    "ChatMarks",
    "Contacts",
    "MemoryMarks",
    "Outgoing",
    "StoreMarks",
    "TelegramChannel",
    "TelegramSettings",
    "Webhook",
    "build_application",
    "read_token",
    "render",
    "run",
    "run_bot",
    "serve",
    "single_instance",
]
