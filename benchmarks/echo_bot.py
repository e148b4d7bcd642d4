"""The floor for ``bench_telegram.py``: a minimal python-telegram-bot echo bot.

Run by the benchmark as a child process, as guidebot is, so their CPU time is counted the same
way: ``python benchmarks/echo_bot.py --api-url URL --file-url URL`` with ``TELEGRAM_BOT_TOKEN``
set. It long-polls, handles updates concurrently (no order, no flood limits: the least a
python-telegram-bot bot can do), answers a typed message with the same text, and a button press
with answerCallbackQuery and a message with a keyboard, sent as guidebot sends its replies (HTML,
no link preview). A press answered too late (a long queue) still gets its message, as in
guidebot. SIGTERM stops it.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

CONCURRENT_UPDATES = 256
"""As many updates in hand at once as guidebot allows."""
KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Yes", callback_data="yes"),
            InlineKeyboardButton("No", callback_data="no"),
            InlineKeyboardButton("Not sure", callback_data="unsure"),
        ]
    ]
)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the text back."""
    message = update.message
    if message is None or message.text is None:
        return
    await context.bot.send_message(
        message.chat_id,
        html.escape(message.text, quote=False),
        parse_mode=ParseMode.HTML,
        link_preview_options=NO_PREVIEW,
    )


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop the button spinning, then say what was pressed, with a keyboard."""
    query = update.callback_query
    if query is None or update.effective_chat is None:
        return
    with contextlib.suppress(TelegramError):  # too old to answer: reply all the same, as guidebot
        await query.answer()
    await context.bot.send_message(
        update.effective_chat.id,
        f"You chose <i>{html.escape(query.data or '', quote=False)}</i>. Anything else?",
        parse_mode=ParseMode.HTML,
        reply_markup=KEYBOARD,
        link_preview_options=NO_PREVIEW,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-url", required=True, help="the Bot API, e.g. a fake's base_url")
    parser.add_argument("--file-url", required=True, help="the Bot API's file server")
    args = parser.parse_args(argv)
    application = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(args.api_url)
        .base_file_url(args.file_url)
        .concurrent_updates(CONCURRENT_UPDATES)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.add_handler(CallbackQueryHandler(pressed))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
