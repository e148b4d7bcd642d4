"""The Telegram bot end to end: the real ``guidebot run`` process against a fake Bot API.

Most tests share one bot process and give each officer their own account, as a real bot
serves many officers at once; tests that stop, kill or restart the bot start their own.
"""

from __future__ import annotations

import re
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.app import DATABASE
from bot.channels.telegram import _texts as say
from bot.keys import Keys
from bot.store import Store
from tests.conftest import WarmCache
from tests.fake_bot_api import FakeBotApi
from tests.telegram_harness import (
    BotProcess,
    Officer,
    chat_calls,
    enrolment_code,
    files_under,
    settle,
)


def test_start_registers_the_command_menu(fake: FakeBotApi, bot: BotProcess) -> None:
    names = [command["command"] for command in fake.commands()]
    assert names == [name for name, _ in say.COMMANDS]


def test_a_flow_by_buttons_with_a_red_flag_that_cannot_be_skipped(officer: Officer) -> None:
    (menu,) = officer.send("/start")
    assert menu.text == "What do you need help with?"
    officer.press("First contact")
    menu_now = next(m for m in officer.chat if m.message_id == menu.message_id)
    assert menu_now.buttons() == [] and menu_now.text.endswith("✓ First contact")
    officer.press("Not sure")
    flag = next(m for m in officer.chat if m.text.startswith("RED FLAG"))
    assert any(e["type"] == "bold" for e in flag.entities)
    assert flag.buttons() == [("Understood", "ack")]
    replies = officer.send("skip")  # a red flag cannot be skipped
    assert "needs" not in " ".join(m.text for m in replies)
    assert "Understood" in officer.buttons()
    officer.press("Understood")
    assert officer.chat[-1].text.startswith("What immediate needs have you dealt with")
    assert "Understood" not in officer.buttons()


def test_an_answer_is_one_edit_and_a_tick_changes_its_question_in_place(
    officer: Officer,
) -> None:
    (menu,) = officer.send("/start")
    started = time.perf_counter()
    officer.press("First contact")
    calls = [c.method for c in chat_calls(officer.fake, officer.id, started)]
    # the answer shown under the question and its buttons removed in one edit, then the reply
    assert calls == ["editMessageText", "sendMessage"]
    officer.press("No")
    officer.send("nan is here and he is safe, paramedics checked him")
    officer.press("Done")
    (ticks,) = officer.send("yes spoke to him on his own in the kitchen")
    assert "Tick all that apply" in ticks.text
    started = time.perf_counter()
    (changed,) = officer.press("How they seemed")
    assert [c.method for c in chat_calls(officer.fake, officer.id, started)] == ["editMessageText"]
    assert changed.message_id == ticks.message_id and changed.text.endswith(
        "Ticked: How they seemed."
    )
    assert ("Done", "done") in changed.buttons()
    officer.press("Their own words")
    assert officer.chat[-1].message_id == ticks.message_id
    assert officer.chat[-1].text.endswith("Ticked: Their own words, How they seemed.")
    (done,) = officer.send("/cancel")  # the covered list in one message, with the menu button
    assert done.text.startswith("Stopped.") and "Summary:" in done.text
    assert [e["type"] for e in done.entities] == ["pre"]
    assert done.buttons() == [("Menu", "menu")]
    assert menu.message_id < ticks.message_id


def test_typed_answers_work_where_buttons_do(officer: Officer) -> None:
    officer.send("/start")
    officer.send("first contact")
    replies = officer.send("no")
    assert replies[-1].text == (
        "Noted: No.\n\nWhat immediate needs have you dealt with so far? A few words is fine."
    )
    # the typed answer closed the question's keyboard
    assert officer.buttons() == []


def test_back_summary_help_and_cancel_commands(officer: Officer) -> None:
    officer.send("/start")
    officer.press("First contact")
    officer.press("No")
    summary = officer.send("/summary")
    assert any(m.text.startswith("Summary:") for m in summary)
    block = next(m for m in summary if m.text.startswith("Summary:"))
    assert [e["type"] for e in block.entities] == ["pre"]
    back = officer.send("/back")
    assert back[-1].text.startswith("Is the child in danger right now")
    assert "Answer with a button or type it your way." in officer.send("/help")[0].text
    cancelled = officer.send("/cancel")
    assert cancelled[0].text.startswith("Stopped.")


def test_a_stale_button_says_the_question_has_closed_and_changes_nothing(
    officer: Officer,
) -> None:
    (menu,) = officer.send("/start")
    officer.press("First contact")
    before = officer.screen()
    assert officer.press_on(menu.message_id, "referral") == []
    answer = officer.fake.answered_callbacks()[-1]
    assert answer.text == say.QUESTION_CLOSED
    assert officer.screen() == before


def test_a_double_tap_is_read_once(officer: Officer, fake: FakeBotApi) -> None:
    officer.send("/start")
    officer.press("First contact")
    question = next(m for m in reversed(officer.chat) if m.buttons())
    fake.press(officer.id, question.message_id, "no")
    fake.press(officer.id, question.message_id, "no", check_button=False)
    fake.wait_for(lambda: len(fake.answered_callbacks()) >= 2)
    settle(fake)
    needs = [m for m in officer.chat if m.text.startswith("What immediate needs")]
    assert len(needs) == 1
    assert say.QUESTION_CLOSED in [a.text for a in fake.answered_callbacks()[-2:]]


def test_unknown_users_get_one_line_and_nothing_is_kept(
    fake: FakeBotApi, bot: BotProcess, data_dir: Path
) -> None:
    stranger = Officer(fake, 7_099_000_001)
    (line,) = stranger.send("child in danger, hes got a knife")
    assert line.text == say.NOT_ENROLLED
    assert stranger.send("hello?", expect_reply=False) == []  # told once a minute at most
    key = Keys.open(data_dir).pseudonym("chat", stranger.id)
    with Store.open(data_dir / DATABASE) as store:
        assert store.load(key) is None
        assert store.audit_events(key) == []


def test_enrolment_codes_are_single_use_and_expire(
    fake: FakeBotApi, bot: BotProcess, data_dir: Path
) -> None:
    code = enrolment_code(data_dir)
    first, second = Officer(fake, 7_099_000_002), Officer(fake, 7_099_000_003)
    assert "enrolled" in first.send(f"/enrol {code}")[0].text
    reused = second.send(f"/enrol {code.lower()}")[0].text
    assert "enrolled" not in reused.lower().replace("not enrolled", "")
    expired = enrolment_code(data_dir, valid_for=0.5)
    time.sleep(0.6)
    late = Officer(fake, 7_099_000_004).send(f"/enrol {expired}")[0].text
    assert "expired" in late.lower()


def test_enrolment_keeps_the_chat_the_audit_log_knows_the_officer_by(
    fake: FakeBotApi, bot: BotProcess, data_dir: Path
) -> None:
    """The log is keyed by chat and 'users list' by person: this link is the only way across."""
    newcomer = Officer(fake, 7_099_000_031)
    assert "enrolled" in newcomer.send(f"/enrol {enrolment_code(data_dir)}")[0].text
    keys = Keys.open(data_dir)
    with Store.open(data_dir / DATABASE) as store:
        enrolled = store.user(keys.pseudonym("user", newcomer.id))
    assert enrolled is not None
    assert enrolled.conversation == keys.pseudonym("chat", newcomer.id)


def test_group_chats_are_refused_with_nothing_kept(
    fake: FakeBotApi, officer: Officer, data_dir: Path
) -> None:
    injected = fake.send_text(officer.id, "/start", chat_type="group")
    assert injected.chat_id is not None
    fake.wait_for(lambda: fake.messages(injected.chat_id))  # type: ignore[arg-type]
    settle(fake)
    (line,) = fake.messages(injected.chat_id)  # type: ignore[arg-type]
    assert line.text == say.GROUP_CHAT
    key = Keys.open(data_dir).pseudonym("chat", injected.chat_id)  # type: ignore[arg-type]
    with Store.open(data_dir / DATABASE) as store:
        assert store.load(key) is None


@pytest.mark.parametrize("kind", ["sticker", "photo", "document", "location", "contact", "poll"])
def test_messages_it_cannot_read_get_one_polite_line(officer: Officer, kind: str) -> None:
    before = len(officer.chat)
    officer.fake.send_other(officer.id, kind)  # type: ignore[arg-type]
    officer.fake.wait_for(lambda: len(officer.chat) > before)
    settle(officer.fake)
    assert [m.text for m in officer.chat[before:]] == [say.CANNOT_READ]


def test_edited_messages_and_voice_notes_are_explained(officer: Officer, fake: FakeBotApi) -> None:
    sent = fake.send_text(officer.id, "/start")
    settle(fake)
    before = len(officer.chat)
    fake.edit_text(officer.id, sent.message_id, "/menu")  # type: ignore[arg-type]
    fake.wait_for(lambda: len(officer.chat) > before)
    assert officer.chat[-1].text == say.EDITED
    before = len(officer.chat)
    fake.send_voice(officer.id, b"OggS fake", duration=2)
    fake.wait_for(lambda: len(officer.chat) > before)
    # Voice notes are read now (tests/test_voice_telegram.py); a damaged one is explained.
    assert officer.chat[-1].text.startswith("I couldn't play that audio")


def test_an_oversized_message_is_answered(officer: Officer) -> None:
    officer.send("/start")
    replies = officer.send(("the child is with nan and safe " * 200)[:4096])
    assert replies


def test_danger_typed_mid_flow_protects_first(officer: Officer) -> None:
    officer.send("/start")
    officer.press("Referral")
    replies = officer.send("hang on stepdad has just come back in and grabbed the baby")
    assert any(m.text.startswith("RED FLAG") for m in replies)


def test_personal_details_are_deleted_and_the_officer_told(officer: Officer) -> None:
    officer.send("/start")
    officer.press("First contact")
    officer.send("her dob is 12/03/2014 and she lives at 14 Acacia Avenue")
    officer.fake.wait_for(lambda: officer.fake.user_messages(officer.id)[-1].deleted)
    settle(officer.fake)
    notice = next(m for m in reversed(officer.chat) if m.text.startswith("I've deleted"))
    assert "date of birth" in notice.text
    assert "12/03/2014" not in notice.text


def test_flood_control_is_waited_out_and_nothing_lost(officer: Officer) -> None:
    officer.send("/start")
    officer.fake.fail_next("sendMessage", "flood", retry_after=1)
    started = time.monotonic()
    officer.press("First contact")
    # the refused send is retried after the wait Telegram asked for, and nothing is lost
    officer.fake.wait_for(
        lambda: any(m.text.startswith("First contact with a child at risk") for m in officer.chat)
    )
    assert time.monotonic() - started >= 1.0


def test_a_lost_reply_is_owned_up_to_at_the_next_message(officer: Officer) -> None:
    officer.send("/start")
    officer.fake.fail_next("sendMessage", "server", times=3, status=500)  # every try fails
    officer.press("First contact", expect_reply=False)
    settle(officer.fake, 1.5)
    replies = officer.send("no")
    assert replies[0].text == say.UNDELIVERED
    # the lost question is shown again, and "no" was not taken as its answer
    assert "Is the child in danger right now" in replies[-1].text


def test_second_instance_is_refused(fake: FakeBotApi, bot: BotProcess, data_dir: Path) -> None:
    second = BotProcess(fake, data_dir)
    code = second.process.wait(timeout=60)
    err = second.process.communicate()[1]
    assert code != 0
    assert "Another guidebot is already running" in err


def test_a_bad_token_fails_fast_with_a_plain_message(
    fake: FakeBotApi, tmp_path: Path, warm_cache: WarmCache
) -> None:
    warm_cache.seed(tmp_path)
    process = BotProcess(fake, tmp_path, token="123456:not-the-right-token")
    code = process.process.wait(timeout=60)
    err = process.process.communicate()[1]
    assert code == 1
    assert "Telegram refused the bot token" in err
    assert "not-the-right-token" not in err


@pytest.fixture
def own_fake() -> Iterator[FakeBotApi]:
    """A Bot API of the test's own, for a bot that must not share updates with the others."""
    with FakeBotApi.start_in_thread() as api:
        yield api


def test_restart_and_kill_mid_conversation_lose_nothing(
    own_fake: FakeBotApi, tmp_path: Path, warm_cache: WarmCache
) -> None:
    fake = own_fake
    warm_cache.seed(tmp_path)
    person = Officer(fake, 7_099_000_010)
    with BotProcess(fake, tmp_path) as first:
        first.wait_ready()
        person.enrol(tmp_path)
        person.send("/start")
        person.press("First contact")
        assert first.stop()[0] == 0
    with Store.open(tmp_path / DATABASE) as store:  # the log was signed as the bot stopped
        (checkpoint,) = store.checkpoints()
        assert checkpoint.reason == "shutdown" and checkpoint.size == len(store.leaf_hashes())
    with BotProcess(fake, tmp_path) as second:
        second.wait_ready()
        person.press("No")  # the keyboard sent before the restart still works
        assert person.chat[-1].text.startswith("What immediate needs")
        second.stop(signal.SIGKILL)
    with BotProcess(fake, tmp_path) as third:
        third.wait_ready()
        replies = person.send("/summary")
        assert any("Child in danger now: no" in m.text for m in replies)
        assert third.stop()[0] == 0


def test_webhook_mode_checks_the_secret_header(
    own_fake: FakeBotApi, tmp_path: Path, warm_cache: WarmCache
) -> None:
    fake = own_fake
    warm_cache.seed(tmp_path)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    with BotProcess(
        fake, tmp_path, "--webhook", "--listen", "127.0.0.1", "--port", str(port), "--url", url
    ) as process:
        process.wait_ready(webhook=True)
        call = fake.calls("setWebhook")[-1]
        assert call.params["url"] == url
        assert len(call.params["secret_token"]) >= 32
        # Telegram's POSTs carry the secret: the bot answers through them.
        person = Officer(fake, 7_099_000_020)
        assert person.send("hello")[0].text == say.NOT_ENROLLED
        # Anyone else's POST is refused and changes nothing.
        forged = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "text": "/start",
                "chat": {"id": 7_099_000_021, "type": "private"},
                "from": {"id": 7_099_000_021, "is_bot": False, "first_name": "X"},
            },
        }
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guess"}):
            response = httpx.post(url, json=forged, headers=headers)
            assert response.status_code == 403
        settle(fake)
        assert fake.messages(7_099_000_021) == []
        assert process.stop()[0] == 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_no_id_or_personal_detail_reaches_the_disk(
    fake: FakeBotApi, officer: Officer, data_dir: Path, bot: BotProcess
) -> None:
    officer.send("/start")
    officer.press("First contact")
    officer.send("Kayleigh Smith dob 12/03/2014 lives at 14 Acacia Avenue LS1 4AB mob 07700 900123")
    settle(officer.fake)
    written = files_under(data_dir)
    for secret in (
        str(officer.id),
        f"{officer.id:x}",
        "Kayleigh",
        "Smith",
        "Acacia",
        "LS1 4AB",
        "07700 900123",
        "12/03/2014",
    ):
        assert secret.encode() not in written, secret
    assert not re.search(rb"70123456\d\d", written)


def test_an_admin_enrols_an_officer_from_chat_and_roles_gate_the_reports(
    fake: FakeBotApi, bot: BotProcess, data_dir: Path
) -> None:
    admin = Officer(fake, 7_099_000_030)
    admin.enrol(data_dir, "admin")
    (made,) = admin.send("/users enrol officer 2h")
    code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", made.text)
    assert code is not None and "for 2 hours" in made.text
    newcomer = Officer(fake, 7_099_000_031)
    assert "enrolled as an officer" in newcomer.send(f"/enrol {code.group()}")[0].text
    assert newcomer.send("/report")[0].text == say.NOT_YOUR_ROLE.format(
        command="/report", roles="trainers and admins"
    )
    assert newcomer.send("/users")[0].text.startswith("/users is for admins only")
    listed = admin.send("/users list")[0].text
    pseudonym = Keys.open(data_dir).pseudonym("user", newcomer.id)
    assert f"{pseudonym}  officer  active" in listed
    assert str(newcomer.id) not in listed
    assert admin.send(f"/users set-role {pseudonym} trainer")[0].text.endswith("a trainer.")
    newcomer.send(
        "/report"
    )  # now a trainer: the last month's headline (tests/test_telegram_report.py)
    fake.wait_for(
        lambda: any("Biggest training gaps" in m.text for m in newcomer.chat), timeout=120
    )
    admin.send(f"/users revoke {pseudonym}")
    assert newcomer.send("/start")[0].text == say.NOT_ENROLLED


def test_a_channel_post_is_pointed_to_a_private_chat(fake: FakeBotApi, bot: BotProcess) -> None:
    injected = fake.channel_post("anyone there?")
    assert injected.chat_id is not None
    fake.wait_for(lambda: fake.messages(injected.chat_id))  # type: ignore[arg-type]
    assert [m.text for m in fake.messages(injected.chat_id)] == [say.GROUP_CHAT]  # type: ignore[arg-type]


def test_privacy_says_honestly_what_is_kept_and_what_telegram_keeps(officer: Officer) -> None:
    (reply,) = officer.send("/privacy")
    assert reply.text == say.PRIVACY
    assert "Telegram stores this chat on its own servers" in reply.text


def test_timeouts_and_dropped_connections_are_retried(
    own_fake: FakeBotApi, tmp_path: Path, warm_cache: WarmCache
) -> None:
    fake = own_fake
    warm_cache.seed(tmp_path)
    with BotProcess(fake, tmp_path, "--timeout", "1") as process:
        process.wait_ready()
        person = Officer(fake, 7_099_000_040)
        person.enrol(tmp_path)
        fake.fail_next("sendMessage", "timeout", hold=3)
        fake.fail_next("sendMessage", "network")
        (menu,) = person.send("/start")
        assert menu.text == "What do you need help with?"
        # one try timed out, one lost its connection: the third reached the officer, once
        assert len([m for m in person.chat if m.text == menu.text]) == 1
        assert process.stop()[0] == 0


def test_logs_hold_no_text_token_or_id(
    own_fake: FakeBotApi, tmp_path: Path, warm_cache: WarmCache
) -> None:
    fake = own_fake
    warm_cache.seed(tmp_path)
    with BotProcess(fake, tmp_path, "--verbose") as process:
        process.wait_ready()
        person = Officer(fake, 7_012_399_999)
        person.enrol(tmp_path)
        person.send("/start")
        person.send("Kayleigh is with her nan at 14 Acacia Avenue")
        fake.fail_next("sendMessage", "server", times=3, status=500)  # an error to log
        person.send("first contact", expect_reply=False)
        settle(fake, 1.5)
        code, out, err = process.stop()
    assert code == 0
    logged = out + err
    assert "guidebot is running" in logged  # --verbose logs, and this is what it logs
    for secret in (fake.token, fake.token.split(":")[1], str(person.id), "Kayleigh", "Acacia"):
        assert secret not in logged, secret


def test_a_broken_knowledge_base_stops_start_up_with_a_plain_message(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    empty = tmp_path / "knowledge"
    empty.mkdir()
    process = BotProcess(fake, tmp_path / "data", "--knowledge", str(empty))
    code = process.process.wait(timeout=60)
    err = process.process.communicate()[1]
    assert code == 1
    assert "guidebot kb check" in err and "Traceback" not in err


def test_sigterm_finishes_the_update_in_hand(
    own_fake: FakeBotApi, tmp_path: Path, warm_cache: WarmCache
) -> None:
    fake = own_fake
    warm_cache.seed(tmp_path)
    with BotProcess(fake, tmp_path) as process:
        process.wait_ready()
        person = Officer(fake, 7_099_000_050)
        person.enrol(tmp_path)
        fake.delay = 0.4  # every Bot API call now takes a while
        sent = fake.send_text(person.id, "/start")
        # stop the bot once it has the update in hand, while its reply is still under way
        fake.wait_for(
            lambda: any(
                t.update_id == sent.update_id and t.delivered_at is not None for t in fake.timings()
            ),
            timeout=10,
        )
        code, _out, err = process.stop()
        assert code == 0, err
    assert person.chat[-1].text == "What do you need help with?"


def test_a_supervisor_sees_the_days_red_flags_with_audit(
    fake: FakeBotApi, bot: BotProcess, data_dir: Path
) -> None:
    officer = Officer(fake, 7_099_000_060)
    officer.enrol(data_dir)
    officer.send("/start")
    officer.send("hes got a knife and the kids are in the house")  # protect-first, not yet read
    supervisor = Officer(fake, 7_099_000_061)
    supervisor.enrol(data_dir, "supervisor")
    (summary,) = supervisor.send("/audit")
    assert summary.text.startswith("Red flags in the last 24 hours:")
    key = Keys.open(data_dir).pseudonym("chat", officer.id)
    assert f"({key}, run 0): NOT acknowledged" in summary.text
    assert str(officer.id) not in summary.text
    assert officer.send("/audit")[0].text.startswith("/audit is for supervisors and admins")
