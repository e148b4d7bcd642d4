"""The fake Bot API, driven by a real python-telegram-bot client (and raw httpx) as the bot is."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from collections.abc import AsyncIterator

import httpx
import pytest
import telegram
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters
from telegram.request import HTTPXRequest

from tests.fake_bot_api import FakeBotApi

USER = 1001


@pytest.fixture(autouse=True)
def _timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    """python-telegram-bot 22 warns on every int time period (even inside RetryAfter's
    constructor) unless this opt-in is set, and warnings fail tests here."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.title(), callback_data=d) for d in data]])


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server
    assert server.internal_errors() == []


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[telegram.Bot]:
    async with telegram.Bot(api.token, base_url=api.base_url, base_file_url=api.file_url) as b:
        yield b


async def test_get_me_is_the_bot(bot: telegram.Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123456789, True, "guidebot_test_bot")
    assert me.api_kwargs == {}


async def test_a_wrong_token_is_refused_as_telegram_refuses_it(api: FakeBotApi) -> None:
    wrong = "987654321:AAE-this-is-not-the-right-token_012"
    with pytest.raises(InvalidToken, match="was rejected by the server"):
        async with telegram.Bot(wrong, base_url=api.base_url):
            pass
    assert api.calls() == []


async def test_send_edit_delete_round_trip(api: FakeBotApi, bot: telegram.Bot) -> None:
    api.send_text(USER, "hello")
    sent = await bot.send_message(
        USER, "<b>Step 1</b> &amp; more", parse_mode="HTML", reply_markup=keyboard("yes", "no")
    )
    assert sent.text == "Step 1 & more"
    assert sent.entities[0].type == "bold" and sent.entities[0].length == 6
    assert sent.reply_markup == keyboard("yes", "no")

    with pytest.raises(BadRequest, match="Message is not modified: specified new message"):
        await bot.edit_message_text(
            "<b>Step 1</b> &amp; more",
            USER,
            sent.message_id,
            parse_mode="HTML",
            reply_markup=keyboard("yes", "no"),
        )

    # Editing the text without reply_markup drops the keyboard, as in Telegram.
    edited = await bot.edit_message_text("Step 1 done", USER, sent.message_id)
    assert isinstance(edited, telegram.Message)
    assert edited.reply_markup is None and edited.edit_date is not None
    (shown,) = api.messages(USER)
    assert (shown.text, shown.reply_markup, shown.edit_count) == ("Step 1 done", None, 1)

    await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=keyboard("next"))
    assert api.messages(USER)[0].buttons() == [("Next", "next")]
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=keyboard("next"))

    assert await bot.delete_message(USER, sent.message_id) is True
    assert api.messages(USER)[0].deleted
    assert api.messages(USER, include_deleted=False) == []
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("again", USER, sent.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(USER, sent.message_id)
    assert [c.method for c in api.calls()] == [
        "getMe",
        "sendMessage",
        "editMessageText",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageReplyMarkup",
        "deleteMessage",
        "editMessageText",
        "deleteMessage",
    ]


async def test_sending_checks_what_telegram_checks(api: FakeBotApi, bot: telegram.Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(USER, "nobody has written yet")
    api.send_text(USER, "hi")
    # 4,096 characters of text pass however much markup surrounds them; one more does not.
    await bot.send_message(USER, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(USER, "a" * 4097)
    with pytest.raises(BadRequest, match='unsupported start tag "br" at byte offset 3'):
        await bot.send_message(USER, "one<br>two", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"character '\.' is reserved"):
        await bot.send_message(USER, "Done.", parse_mode="MarkdownV2")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(USER, "   ")
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(USER, "pick", reply_markup=keyboard("x" * 65))
    ok = await bot.send_message(USER, r"*Done*\.", parse_mode="MarkdownV2")
    assert ok.text == "Done." and ok.entities[0].type == "bold"
    assert len(api.messages(USER)) == 2


async def test_user_messages_can_be_deleted_for_48_hours(
    api: FakeBotApi, bot: telegram.Bot
) -> None:
    first = api.send_text(USER, "my name is on this")
    second = api.send_text(USER, "and on this")
    assert first.message_id is not None and second.message_id is not None
    assert await bot.delete_message(USER, first.message_id)
    assert [m.deleted for m in api.user_messages(USER)] == [True, False]
    api.advance_clock(48 * 3600 + 1)
    with pytest.raises(BadRequest, match="Message can't be deleted"):
        await bot.delete_message(USER, second.message_id)
    group = api.send_text(USER, "in a group", chat_type="group")
    assert group.chat_id == -USER and group.message_id is not None
    with pytest.raises(BadRequest, match="Message can't be deleted"):
        await bot.delete_message(-USER, group.message_id)
    api.set_bot_admin(-USER)
    assert await bot.delete_message(-USER, group.message_id)


async def test_updates_of_every_kind_parse_in_ptb(
    api: FakeBotApi, bot: telegram.Bot, recwarn: pytest.WarningsRecorder
) -> None:
    text = api.send_text(USER, "/start now", username="officer1")
    sent = await bot.send_message(USER, "Choose", reply_markup=keyboard("yes"))
    press = api.press(USER, sent.message_id, "yes")
    for kind in ("sticker", "photo", "document", "location", "contact", "poll"):
        api.send_other(USER, kind)
    assert text.message_id is not None
    api.edit_text(USER, text.message_id, "/start later")
    api.channel_post("news")
    group = api.send_text(USER, "hello all", chat_type="supergroup")

    updates = await bot.get_updates(timeout=0)
    ids = [u.update_id for u in updates]
    assert ids == sorted(ids) and ids[0] == text.update_id and len(ids) == 11
    message = updates[0].message
    assert message is not None and message.text == "/start now"
    assert message.from_user is not None and message.from_user.username == "officer1"
    assert message.chat.type == "private" and message.chat.id == USER
    assert message.parse_entities([telegram.MessageEntity.BOT_COMMAND]) != {}
    query = updates[1].callback_query
    assert query is not None and query.data == "yes" and query.id == press.callback_query_id
    assert isinstance(query.message, telegram.Message) and query.message.text == "Choose"
    kinds = updates[2:8]
    assert kinds[0].message is not None and kinds[0].message.sticker is not None
    assert kinds[1].message is not None and len(kinds[1].message.photo) == 2
    assert kinds[2].message is not None and kinds[2].message.document is not None
    assert kinds[3].message is not None and kinds[3].message.location is not None
    assert kinds[4].message is not None and kinds[4].message.contact is not None
    assert kinds[5].message is not None and kinds[5].message.poll is not None
    edited = updates[8].edited_message
    assert edited is not None and edited.text == "/start later" and edited.edit_date is not None
    post = updates[9].channel_post
    assert post is not None and post.text == "news" and post.chat.type == "channel"
    supergroup = updates[10].message
    assert supergroup is not None and supergroup.chat.id == group.chat_id
    assert str(group.chat_id).startswith("-100")
    for update in updates:
        assert update.api_kwargs == {}
        assert update.effective_message is None or update.effective_message.api_kwargs == {}
    assert [str(w.message) for w in recwarn] == []

    # Confirming with offset forgets them; nothing is left.
    assert await bot.get_updates(offset=ids[-1] + 1, timeout=0) == ()
    assert api.pending_updates() == 0


async def test_raw_updates_and_the_latency_knob(api: FakeBotApi, bot: telegram.Bot) -> None:
    chat = {"id": -4242, "title": "Night shift", "type": "group"}
    user = {"id": 7, "is_bot": False, "first_name": "Sam"}
    raw = api.send_raw(
        {"message": {"message_id": 77, "date": 1_700_000_000, "chat": chat, "from": user}}
    )
    assert (raw.chat_id, raw.message_id) == (-4242, 77)
    (update,) = await bot.get_updates(timeout=0)
    assert update.update_id == raw.update_id and update.effective_chat is not None
    assert update.effective_chat.title == "Night shift"
    api.delay = 0.3
    started = time.perf_counter()
    await bot.send_message(-4242, "noted")
    assert time.perf_counter() - started >= 0.3
    assert [m.text for m in api.messages(-4242)] == ["noted"]


async def test_long_polling_returns_as_soon_as_an_update_is_queued(
    api: FakeBotApi, bot: telegram.Bot
) -> None:
    loop = asyncio.get_running_loop()
    loop.call_later(0.2, api.send_text, USER, "now")
    started = time.perf_counter()
    updates = await bot.get_updates(timeout=10)
    assert time.perf_counter() - started < 2
    assert [u.message.text for u in updates if u.message] == ["now"]
    (timing,) = api.timings()
    assert timing.delivered_at is not None and timing.delivered_at >= timing.queued_at


async def test_a_second_long_poll_ends_the_first_with_409(api: FakeBotApi) -> None:
    async with (
        telegram.Bot(api.token, base_url=api.base_url) as first,
        telegram.Bot(api.token, base_url=api.base_url) as second,
    ):
        polling = asyncio.create_task(first.get_updates(timeout=10))
        await asyncio.sleep(0.2)
        await second.get_updates(timeout=0)
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await polling


async def test_allowed_updates_filters_delivery(api: FakeBotApi, bot: telegram.Bot) -> None:
    api.send_text(USER, "hi")
    sent = await bot.send_message(USER, "Choose", reply_markup=keyboard("a"))
    api.press(USER, sent.message_id, "a")
    updates = await bot.get_updates(timeout=0, allowed_updates=["callback_query"])
    assert [u.callback_query is not None for u in updates] == [True]


async def test_callback_queries_are_answered_once_and_expire(
    api: FakeBotApi, bot: telegram.Bot
) -> None:
    api.send_text(USER, "hi")
    sent = await bot.send_message(USER, "Choose", reply_markup=keyboard("a", "b"))
    with pytest.raises(ValueError, match="shows no button with data 'c'"):
        api.press(USER, sent.message_id, "c")
    first = api.press(USER, sent.message_id, "a")
    assert first.callback_query_id is not None
    assert await bot.answer_callback_query(first.callback_query_id, text="Noted")
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(first.callback_query_id)
    late = api.press(USER, sent.message_id, "b")
    assert late.callback_query_id is not None
    api.advance_clock(60)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(late.callback_query_id)
    assert [(a.text, a.show_alert) for a in api.answered_callbacks()] == [("Noted", False)]


async def test_flood_fault_raises_retry_after_and_sends_nothing(
    api: FakeBotApi, bot: telegram.Bot
) -> None:
    api.send_text(USER, "hi")
    api.fail_next("sendMessage", "flood", retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "first try")
    assert caught.value.retry_after == dt.timedelta(seconds=7)
    assert api.messages(USER) == []
    await bot.send_message(USER, "second try")
    assert [m.text for m in api.messages(USER)] == ["second try"]


async def test_server_and_network_faults_raise_network_error(
    api: FakeBotApi, bot: telegram.Bot
) -> None:
    api.send_text(USER, "hi")
    api.fail_next("sendMessage", "server", times=2)
    api.fail_next("sendMessage", "network")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(USER, "one")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(USER, "two")
    with pytest.raises(NetworkError, match="RemoteProtocolError"):
        await bot.send_message(USER, "three")
    await bot.send_message(USER, "four")
    assert [m.text for m in api.messages(USER)] == ["four"]
    assert api.call_counts()["sendMessage"] == 4


async def test_timeout_fault_outlasts_the_client(api: FakeBotApi) -> None:
    api.send_text(USER, "hi")
    api.fail_next("sendMessage", "timeout")
    request = HTTPXRequest(read_timeout=0.3)
    async with telegram.Bot(api.token, base_url=api.base_url, request=request) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(USER, "lost")
        await bot.send_message(USER, "arrives")
    assert [m.text for m in api.messages(USER)] == ["arrives"]


async def test_webhook_posts_updates_with_the_secret(api: FakeBotApi, bot: telegram.Bot) -> None:
    received: list[tuple[str | None, dict[str, object]]] = []
    arrived = asyncio.Event()

    async def receive(request: web.Request) -> web.Response:
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        arrived.set()
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        url = f"http://127.0.0.1:{port}/hook"
        assert await bot.set_webhook(url, secret_token="s3cret_token-1")
        with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
            await bot.get_updates()
        sent = api.send_text(USER, "via webhook")
        await asyncio.wait_for(arrived.wait(), 5)
        secret, body = received[0]
        assert secret == "s3cret_token-1"
        assert body["update_id"] == sent.update_id
        update = Update.de_json(body, bot)
        assert update.message is not None and update.message.text == "via webhook"
        info = await bot.get_webhook_info()
        assert info.url == url and info.pending_update_count == 0
        assert await bot.delete_webhook()
        api.send_text(USER, "via polling")
        (polled,) = await bot.get_updates(timeout=1)
        assert polled.message is not None and polled.message.text == "via polling"
    finally:
        await runner.cleanup()


async def test_a_registered_file_downloads_through_get_file(
    api: FakeBotApi, bot: telegram.Bot
) -> None:
    voice = api.send_voice(USER, b"OggS\x00 fake opus", duration=3)
    (update,) = await bot.get_updates(timeout=0)
    assert update.message is not None and update.message.voice is not None
    assert update.message.voice.file_id == voice.file_id
    assert update.message.voice.duration == dt.timedelta(seconds=3)
    file = await bot.get_file(update.message.voice.file_id)
    assert file.file_path is not None and file.file_path.endswith(".oga")
    buffer = await file.download_as_bytearray()
    assert bytes(buffer) == b"OggS\x00 fake opus"
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("nonsense")


async def test_uploads_are_recorded_whole(api: FakeBotApi, bot: telegram.Bot) -> None:
    api.send_text(USER, "send me the leaflet")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (200).to_bytes(4, "big") * 2
    await bot.send_document(USER, b"%PDF-1.4 leaflet", filename="leaflet.pdf", caption="Here")
    photo = await bot.send_photo(USER, png, caption="<i>map</i>", parse_mode="HTML")
    await bot.send_voice(USER, b"OggS reply", duration=2)
    document, picture, voice = api.messages(USER)
    assert document.upload is not None and document.upload.data == b"%PDF-1.4 leaflet"
    assert document.upload.filename == "leaflet.pdf" and document.text == "Here"
    assert picture.text == "map" and photo.photo[-1].width == 200
    assert voice.kind == "voice" and voice.upload is not None
    assert voice.upload.data == b"OggS reply"
    assert [c.method for c in api.calls()][-3:] == ["sendDocument", "sendPhoto", "sendVoice"]
    # What the bot sent can be fetched back, as from Telegram.
    assert picture.file_id is not None
    file = await bot.get_file(picture.file_id)
    assert bytes(await file.download_as_bytearray()) == png


async def test_commands_and_chat_actions(api: FakeBotApi, bot: telegram.Bot) -> None:
    api.send_text(USER, "hi")
    commands = [telegram.BotCommand("start", "Start again"), telegram.BotCommand("help", "Help")]
    assert await bot.set_my_commands(commands)
    assert await bot.get_my_commands() == tuple(commands)
    assert api.commands() == [c.to_dict() for c in commands]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([telegram.BotCommand("Not Valid", "x")])
    assert await bot.send_chat_action(USER, "typing")
    with pytest.raises(BadRequest, match="Wrong parameter action"):
        await bot.send_chat_action(USER, "dancing")


async def test_raw_http_json_bodies_and_unknown_methods(api: FakeBotApi) -> None:
    api.send_text(USER, "hi")
    async with httpx.AsyncClient(base_url=f"{api.base_url}{api.token}") as client:
        response = await client.post(
            "/sendMessage",
            json={"chat_id": USER, "text": "json body", "reply_markup": keyboard("a").to_dict()},
        )
        body = response.json()
        assert body["ok"] is True and body["result"]["reply_markup"]["inline_keyboard"]
        response = await client.get("/sendMessage", params={"chat_id": USER, "text": "query"})
        assert response.json()["result"]["text"] == "query"
        response = await client.post("/sendInvoice", data={"chat_id": str(USER)})
        assert response.status_code == 404
        assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        api.fail_next("getMe", "flood", retry_after=3)
        response = await client.post("/getMe")
        assert response.status_code == 429
        assert response.json() == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 3",
            "parameters": {"retry_after": 3},
        }
    assert [c.method for c in api.calls()] == ["sendMessage", "sendMessage", "sendInvoice", "getMe"]
    assert api.calls("sendinvoice")[0].params == {"chat_id": str(USER)}


async def test_a_real_application_answers_through_the_fake(api: FakeBotApi) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        text = update.effective_message.text
        await update.effective_message.reply_text(f"you said: {text}", do_quote=True)

    application = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.file_url)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        sent = api.send_text(USER, "hello")
        (reply,) = await api.wait_for_replies_async(USER, 1, timeout=5)
        await application.updater.stop()
        await application.stop()
    assert reply.text == "you said: hello"
    assert reply.reply_to_message_id == sent.message_id
    (latency,) = api.reply_latencies()
    assert 0 < latency < 5
    with pytest.raises(RuntimeError, match="use wait_for_replies_async"):
        api.wait_for_replies(USER, 1, timeout=0.1)


def test_a_threaded_server_serves_a_bot_on_another_thread() -> None:
    """A synchronous test: the fake on its own thread, the "bot" on another, waits from here."""
    stop = threading.Event()
    failures: list[BaseException] = []

    async def echo_bot(api: FakeBotApi) -> None:
        async with telegram.Bot(api.token, base_url=api.base_url) as bot:
            offset = 0
            while not stop.is_set():
                for update in await bot.get_updates(offset=offset, timeout=1):
                    offset = update.update_id + 1
                    if update.message and update.message.text:
                        await bot.send_message(update.message.chat_id, update.message.text.upper())

    def run(api: FakeBotApi) -> None:
        try:
            asyncio.run(echo_bot(api))
        except BaseException as error:  # handed to the test thread
            failures.append(error)

    with FakeBotApi.start_in_thread() as api:
        worker = threading.Thread(target=run, args=(api,))
        worker.start()
        try:
            api.send_text(USER, "first")
            assert [m.text for m in api.wait_for_replies(USER, 1)] == ["FIRST"]
            api.send_text(USER, "second")
            assert [m.text for m in api.wait_for_replies(USER, 1)] == ["SECOND"]
            found = api.wait_for(lambda: len(api.calls("sendMessage")) == 2, timeout=1)
            assert found is True
            with pytest.raises(TimeoutError, match="no chat 999"):
                api.wait_for_replies(999, 1, timeout=0.1)
        finally:
            stop.set()
            worker.join(timeout=10)
    assert failures == []
    assert api.messages(USER)[-1].text == "SECOND"
