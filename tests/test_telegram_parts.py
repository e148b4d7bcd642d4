"""The Telegram channel's parts in one process: the idle timer, per-chat order, flood limits,
the token and the single-instance lock."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from bot.app import AppError, Settings, build_app
from bot.channels.telegram import (
    Contacts,
    StoreMarks,
    TelegramChannel,
    TelegramSettings,
    _channel,
    build_application,
    read_token,
    serve,
    single_instance,
)
from bot.channels.telegram import _texts as say
from bot.channels.telegram._limits import ChatRateLimiter
from bot.channels.telegram._order import PerChatOrder
from bot.channels.telegram._run import TokenFilter
from bot.engine import Event, StepResult
from bot.keys import Keys
from bot.session import Sessions
from bot.users import Users
from tests.fake_bot_api import FakeBotApi


class Clock:
    """A clock the test moves on; the bot reads the time only through it."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_an_idle_conversation_is_closed_and_the_officer_told_unprompted(
    tmp_path: Path,
) -> None:
    clock = Clock()
    with build_app(Settings(data_dir=tmp_path, idle_seconds=600)) as app:
        assert app.store is not None
        keys = Keys.open(tmp_path)
        users = Users(app.store, keys)
        order = PerChatOrder()
        channel = TelegramChannel(
            app.sessions("telegram"),
            keys,
            users,
            StoreMarks(app.store),
            contacts=Contacts(app.store, keys),
            order=order,
            clock=clock,
        )
        async with FakeBotApi() as fake:
            settings = TelegramSettings(
                token=fake.token, api_url=fake.base_url, file_url=fake.file_url, tick_seconds=0.05
            )
            officer = 7_012_345_678
            code = users.create_code("officer", now=clock()).code
            stop = asyncio.Event()
            application = build_application(channel, settings, order=order)
            running = asyncio.create_task(serve(application, channel, settings, stop))
            fake.send_text(officer, f"/enrol {code}")
            await fake.wait_for_replies_async(officer)
            fake.send_text(officer, "first contact")
            await fake.wait_for_async(lambda: any(m.buttons() for m in fake.messages(officer)))
            question = [m for m in fake.messages(officer) if m.buttons()][-1]
            clock.now += 601  # the officer is called away; nobody writes
            closed = await fake.wait_for_async(
                lambda: [m for m in fake.messages(officer) if "closed" in m.text.lower()],
                timeout=5,
            )
            assert closed
            # the question left open has its buttons taken away
            await fake.wait_for_async(
                lambda: (
                    not next(
                        m for m in fake.messages(officer) if m.message_id == question.message_id
                    ).buttons()
                )
            )
            # nobody is told twice
            told = len(fake.messages(officer))
            await asyncio.sleep(0.3)
            assert len(fake.messages(officer)) == told
            stop.set()
            await running
        # the chat id is kept only sealed
        sealed = app.store.contact(keys.pseudonym("chat", officer))
        assert sealed is not None and str(officer) not in sealed
        assert keys.unseal(sealed) == str(officer)


async def test_one_chat_in_order_while_other_chats_go_ahead() -> None:
    order = PerChatOrder()
    log: list[str] = []
    gate = asyncio.Event()

    async def handle(chat: int, name: str, wait: bool = False) -> None:
        async with order.lock_for(chat):
            log.append(f"start {name}")
            if wait:
                await gate.wait()
            log.append(f"end {name}")

    first = asyncio.create_task(handle(1, "a1", wait=True))
    await asyncio.sleep(0)
    second = asyncio.create_task(handle(1, "a2"))
    other = asyncio.create_task(handle(2, "b1"))
    await asyncio.sleep(0.05)
    assert log == ["start a1", "start b1", "end b1"]  # chat 2 did not wait for chat 1
    gate.set()
    await asyncio.gather(first, second, other)
    assert log[3:] == ["end a1", "start a2", "end a2"]
    assert order._locks == {}  # nothing kept for chats with nothing in hand


async def test_a_private_chat_is_sent_about_a_message_a_second_after_a_burst() -> None:
    limiter = ChatRateLimiter(burst=2, seconds=0.4)
    await limiter.initialize()
    sent: list[float] = []
    loop = asyncio.get_running_loop()

    async def send(*_: Any, **__: Any) -> bool:
        sent.append(loop.time())
        return True

    for _ in range(4):
        await limiter.process_request(send, (), {}, "sendMessage", {"chat_id": 42}, None)
    # two at once, then spaced out; another chat is not held back by this one
    assert sent[1] - sent[0] < 0.05
    assert sent[3] - sent[0] >= 0.3
    started = loop.time()
    await limiter.process_request(send, (), {}, "sendMessage", {"chat_id": 43}, None)
    await limiter.process_request(send, (), {}, "editMessageText", {"chat_id": 42}, None)
    assert loop.time() - started < 0.1
    await limiter.shutdown()


def test_the_token_comes_from_the_environment_or_a_file_never_an_argument(
    tmp_path: Path,
) -> None:
    assert read_token(environ={"TELEGRAM_BOT_TOKEN": " 1:abc \n"}) == "1:abc"
    token_file = tmp_path / "token"
    token_file.write_text("2:def\n")
    assert read_token(token_file, environ={}) == "2:def"
    with pytest.raises(AppError, match="No Telegram bot token"):
        read_token(None, environ={})
    with pytest.raises(AppError, match="is empty"):
        (tmp_path / "empty").write_text("")
        read_token(tmp_path / "empty", environ={})
    with pytest.raises(AppError, match="Could not read the bot token"):
        read_token(tmp_path / "missing", environ={})


def test_the_token_is_blanked_out_of_any_log_line() -> None:
    record = logging.LogRecord(
        "httpx", logging.INFO, "", 0, "POST %s", ("https://x/bot1:secret/getMe",), None
    )
    assert TokenFilter("1:secret").filter(record)
    assert record.getMessage() == "POST https://x/bot[token]/getMe"
    settings = TelegramSettings(token="1:secret")
    assert "secret" not in repr(settings)


def test_only_one_bot_may_use_a_data_folder(tmp_path: Path) -> None:
    with (
        single_instance(tmp_path),
        pytest.raises(AppError, match="Another guidebot is already running"),
        single_instance(tmp_path),
    ):
        pass  # pragma: no cover
    with single_instance(tmp_path):
        pass  # released when the first one ended
    assert (tmp_path / "telegram.lock").stat().st_mode & 0o777 == 0o600


async def test_an_error_in_one_update_is_logged_without_content_and_the_bot_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    class Flaky(Users):
        fail = True

        def role_of(self, user: str, now: float) -> Any:
            if Flaky.fail:
                Flaky.fail = False
                raise RuntimeError("the database vanished: Kayleigh 7012345678")
            return "officer"

    with build_app(Settings(data_dir=tmp_path)) as app:
        assert app.store is not None
        keys = Keys.open(tmp_path)
        channel = TelegramChannel(
            app.sessions("telegram"), keys, Flaky(app.store, keys), StoreMarks(app.store)
        )
        async with FakeBotApi() as fake:
            settings = TelegramSettings(token=fake.token, api_url=fake.base_url)
            stop = asyncio.Event()
            running = asyncio.create_task(
                serve(build_application(channel, settings), channel, settings, stop)
            )
            officer = 7_012_345_678
            with caplog.at_level(logging.ERROR, logger="guidebot.telegram"):
                fake.send_text(officer, "Kayleigh is safe")
                (sorry,) = await fake.wait_for_replies_async(officer)
                fake.send_text(officer, "menu")
                await fake.wait_for_replies_async(officer)
            stop.set()
            await running
    assert sorry.text == "Something went wrong and your message wasn't used. Please send it again."
    assert "What do you need help with?" in fake.messages(officer)[-1].text
    logged = caplog.text
    assert "RuntimeError" in logged and keys.pseudonym("chat", officer) in logged
    assert "Kayleigh" not in logged and "7012345678" not in logged


async def test_personal_details_are_kept_in_the_chat_when_deletion_is_off(tmp_path: Path) -> None:
    with build_app(Settings(data_dir=tmp_path)) as app:
        assert app.store is not None
        keys = Keys.open(tmp_path)
        users = Users(app.store, keys)
        channel = TelegramChannel(
            app.sessions("telegram"), keys, users, StoreMarks(app.store), personal_data=None
        )
        async with FakeBotApi() as fake:
            settings = TelegramSettings(token=fake.token, api_url=fake.base_url)
            stop = asyncio.Event()
            running = asyncio.create_task(
                serve(build_application(channel, settings), channel, settings, stop)
            )
            officer = 7_012_345_679
            fake.send_text(officer, f"/enrol {users.create_code('officer', now=1e9 + 9e8).code}")
            await fake.wait_for_replies_async(officer)
            fake.send_text(officer, "her dob is 12/03/2014")
            await fake.wait_for_replies_async(officer)
            await asyncio.sleep(0.2)
            stop.set()
            await running
    assert not any(m.deleted for m in fake.user_messages(officer))
    assert not any("deleted" in m.text for m in fake.messages(officer))


async def test_typing_shows_only_while_a_reply_takes_over_half_a_second(tmp_path: Path) -> None:
    class Slow(Sessions):
        delay = 0.0

        def handle(self, key: str, event: Event) -> StepResult:
            time.sleep(Slow.delay)
            return super().handle(key, event)

    with build_app(Settings(data_dir=tmp_path)) as app:
        assert app.store is not None
        keys = Keys.open(tmp_path)
        users = Users(app.store, keys)
        sessions = Slow(app.engine, app.store, channel="telegram")
        channel = TelegramChannel(sessions, keys, users, StoreMarks(app.store))
        async with FakeBotApi() as fake:
            settings = TelegramSettings(token=fake.token, api_url=fake.base_url)
            stop = asyncio.Event()
            running = asyncio.create_task(
                serve(build_application(channel, settings), channel, settings, stop)
            )
            officer = 7_012_345_680
            fake.send_text(officer, f"/enrol {users.create_code('officer', now=time.time()).code}")
            await fake.wait_for_replies_async(officer)
            fake.send_text(officer, "menu")  # quick: no typing shown
            await fake.wait_for_replies_async(officer)
            assert fake.calls("sendChatAction") == []
            Slow.delay = 0.8
            fake.send_text(officer, "first contact")
            await fake.wait_for_replies_async(officer)
            stop.set()
            await running
    (typing,) = fake.calls("sendChatAction")
    assert typing.params["action"] == "typing"


async def test_only_messages_sent_wait_for_the_bot_wide_limit() -> None:
    limiter = ChatRateLimiter(messages_per_second=2, burst=1000, seconds=1.0)
    await limiter.initialize()
    loop = asyncio.get_running_loop()
    started = loop.time()

    async def call(*_: Any, **__: Any) -> bool:
        return True

    # Two messages a second bot-wide: nothing else a bot does waits for that allowance.
    for chat in range(1, 4):
        await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": chat}, None)
    for method in (
        "answerCallbackQuery",
        "editMessageText",
        "editMessageReplyMarkup",
        "deleteMessage",
        "sendChatAction",
        "getFile",
        "setMyCommands",
    ):
        before = loop.time()
        for _ in range(20):
            await limiter.process_request(call, (), {}, method, {"chat_id": 5}, None)
        assert loop.time() - before < 0.1, method
    for method in ("sendPhoto", "sendVoice", "sendDocument"):
        await limiter.process_request(call, (), {}, method, {"chat_id": 7}, None)
    # six messages at two a second: the last four spaced half a second apart
    assert loop.time() - started >= 1.4
    await limiter.shutdown()


async def test_the_bot_wide_limit_is_a_setting_and_zero_turns_it_off() -> None:
    loop = asyncio.get_running_loop()

    async def call(*_: Any, **__: Any) -> bool:
        return True

    for rate, least in ((0, 0.0), (100, 0.0), (5, 0.9)):
        limiter = ChatRateLimiter(messages_per_second=rate, burst=1000, seconds=1.0)
        before = loop.time()
        for chat in range(1, 11):
            await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": chat}, None)
        took = loop.time() - before
        assert took >= least, rate
        if not least:
            assert took < 0.1, rate
    settings = TelegramSettings(token="1:x")
    assert settings.messages_per_second == 30


async def test_retry_after_is_obeyed_for_calls_outside_the_limit_too() -> None:
    from telegram.error import RetryAfter

    limiter = ChatRateLimiter()
    tries: list[float] = []
    loop = asyncio.get_running_loop()

    async def edit(*_: Any, **__: Any) -> bool:
        tries.append(loop.time())
        if len(tries) == 1:
            raise RetryAfter(0)
        return True

    assert await limiter.process_request(edit, (), {}, "editMessageText", {"chat_id": 3}, None)
    assert len(tries) == 2
    limiter.stop_retrying()  # shutting down: a refusal is given up at once
    tries.clear()
    with pytest.raises(RetryAfter):
        await limiter.process_request(edit, (), {}, "editMessageText", {"chat_id": 3}, None)
    assert len(tries) == 1


class Held(Sessions):
    """Sessions whose handling of one chosen chat waits until the test lets it go."""

    held: str | None = None
    release = threading.Event()

    def handle(self, key: str, event: Event) -> StepResult:
        if key == Held.held:
            Held.release.wait(10)
        return super().handle(key, event)


async def test_a_tap_is_answered_and_read_at_once_while_every_slot_is_taken(tmp_path: Path) -> None:
    with build_app(Settings(data_dir=tmp_path)) as app:
        assert app.store is not None
        keys = Keys.open(tmp_path)
        users = Users(app.store, keys)
        order = PerChatOrder(max_concurrent_updates=1)  # one update in hand at a time
        channel = TelegramChannel(
            Held(app.engine, app.store, channel="telegram"),
            keys,
            users,
            StoreMarks(app.store),
            order=order,
        )
        busy, tapping = 7_012_345_690, 7_012_345_691
        async with FakeBotApi() as fake:
            settings = TelegramSettings(token=fake.token, api_url=fake.base_url)
            stop = asyncio.Event()
            running = asyncio.create_task(
                serve(build_application(channel, settings, order=order), channel, settings, stop)
            )
            for officer in (busy, tapping):
                code = users.create_code("officer", now=time.time()).code
                fake.send_text(officer, f"/enrol {code}")
                await fake.wait_for_replies_async(officer)
            fake.send_text(tapping, "/start")
            (menu,) = await fake.wait_for_replies_async(tapping)
            Held.release.clear()
            Held.held = keys.pseudonym("chat", busy)
            fake.send_text(busy, "menu")  # takes the only slot, and keeps it
            await asyncio.sleep(0.3)
            pressed = fake.press(tapping, menu.message_id, "initial-contact")
            answered = await fake.wait_for_async(
                lambda: [
                    a
                    for a in fake.answered_callbacks()
                    if a.callback_query_id == pressed.callback_query_id
                ],
                timeout=5,
            )
            assert answered[0].text is None
            # a tap takes no slot: its reply comes too, while the other chat's is still held
            await fake.wait_for_async(lambda: len(fake.messages(tapping)) == 3, timeout=5)
            assert len(fake.messages(busy)) == 1  # "enrolled" only
            Held.release.set()
            await fake.wait_for_replies_async(busy)
            # answered once, not again in its turn
            assert len(fake.calls("answerCallbackQuery")) == 1
            stop.set()
            await running


async def test_a_stale_tap_is_told_at_once_and_a_double_tap_waits_its_turn(
    tmp_path: Path,
) -> None:
    with build_app(Settings(data_dir=tmp_path)) as app:
        assert app.store is not None
        keys = Keys.open(tmp_path)
        users = Users(app.store, keys)
        order = PerChatOrder()
        channel = TelegramChannel(
            Held(app.engine, app.store, channel="telegram"),
            keys,
            users,
            StoreMarks(app.store),
            order=order,
        )
        officer = 7_012_345_692
        async with FakeBotApi() as fake:
            settings = TelegramSettings(token=fake.token, api_url=fake.base_url)
            stop = asyncio.Event()
            running = asyncio.create_task(
                serve(build_application(channel, settings, order=order), channel, settings, stop)
            )
            fake.send_text(officer, f"/enrol {users.create_code('officer', now=time.time()).code}")
            await fake.wait_for_replies_async(officer)
            fake.send_text(officer, "/start")
            (menu,) = await fake.wait_for_replies_async(officer)
            fake.press(officer, menu.message_id, "initial-contact")
            await fake.wait_for_async(lambda: len(fake.messages(officer)) == 3)
            question = fake.messages(officer)[-1]
            Held.release.clear()
            Held.held = keys.pseudonym("chat", officer)
            fake.press(officer, question.message_id, "no")  # held in hand
            await asyncio.sleep(0.2)
            fake.press(officer, menu.message_id, "referral", check_button=False)  # stale
            await fake.wait_for_async(lambda: len(fake.answered_callbacks()) == 3, timeout=5)
            assert fake.answered_callbacks()[-1].text == say.QUESTION_CLOSED
            fake.press(officer, question.message_id, "no", check_button=False)  # a double tap
            await asyncio.sleep(0.3)
            assert len(fake.answered_callbacks()) == 3  # not answered until its turn
            Held.release.set()
            await fake.wait_for_async(lambda: len(fake.answered_callbacks()) == 4, timeout=5)
            assert fake.answered_callbacks()[-1].text == say.QUESTION_CLOSED
            stop.set()
            await running
    needs = [m for m in fake.messages(officer) if m.text.startswith("What immediate needs")]
    assert len(needs) == 1


async def test_a_backlog_at_shutdown_is_set_aside_and_owned_up_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_channel, "STOP_GRACE_SECONDS", 0.0)
    with build_app(Settings(data_dir=tmp_path)) as app:
        assert app.store is not None
        keys = Keys.open(tmp_path)
        users = Users(app.store, keys)
        marks = StoreMarks(app.store)
        order = PerChatOrder(max_concurrent_updates=1)
        channel = TelegramChannel(
            Held(app.engine, app.store, channel="telegram"), keys, users, marks, order=order
        )
        officers = list(range(7_012_345_700, 7_012_345_720))
        async with FakeBotApi() as fake:
            settings = TelegramSettings(token=fake.token, api_url=fake.base_url)
            stop = asyncio.Event()
            running = asyncio.create_task(
                serve(build_application(channel, settings, order=order), channel, settings, stop)
            )
            for officer in officers:
                fake.send_text(officer, f"/enrol {users.create_code('officer', now=1e10).code}")
            for officer in officers:
                await fake.wait_for_replies_async(officer, timeout=30)
            Held.release.clear()
            Held.held = keys.pseudonym("chat", officers[0])
            for officer in officers:
                fake.send_text(officer, "menu")
            await fake.wait_for_async(lambda: fake.pending_updates() == 0)
            await asyncio.sleep(0.3)  # the first in hand, the rest waiting for the slot
            fake.fail_next("sendMessage", "server", times=1000, status=500)
            stop.set()
            await asyncio.sleep(0.1)
            Held.release.set()
            started = time.perf_counter()
            await asyncio.wait_for(running, 20)
            took = time.perf_counter() - started
        # the one in hand was tried once; the other nineteen were not tried at all
        assert took < 5
        assert len(fake.calls("sendMessage")) == len(officers) + 1
        for officer in officers:
            mark = marks.chat_mark(keys.pseudonym("chat", officer))
            assert mark is not None and mark.undelivered, officer


def test_a_missing_optional_package_is_looked_for_once_not_at_every_call() -> None:
    import importlib.util
    import sys

    from bot.channels.telegram._run import remember_sniffio_is_missing

    if importlib.util.find_spec("sniffio") is not None:
        pytest.skip("sniffio is installed here: nothing to remember")
    remember_sniffio_is_missing()
    assert sys.modules["sniffio"] is None
    with pytest.raises(ImportError):
        import sniffio  # noqa: F401
