"""The Telegram channel's parts in one process: the idle timer, per-chat order, flood limits,
the token and the single-instance lock."""

from __future__ import annotations

import asyncio
import logging
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
    build_application,
    read_token,
    serve,
    single_instance,
)
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
