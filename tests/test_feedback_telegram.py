"""/practice and /feedback on Telegram, end to end: the real ``guidebot run`` process through
the fake Bot API, then the audit log read back from the database it wrote."""

from __future__ import annotations

from pathlib import Path

from bot.app import DATABASE
from bot.channels.telegram import _texts as say
from bot.store import Store
from tests.conftest import WarmCache
from tests.fake_bot_api import FakeBotApi
from tests.telegram_harness import BotProcess, Officer, files_under
from tests.test_leaks import personal_details


def test_practice_and_feedback_by_buttons(
    own_fake: FakeBotApi, tmp_path: Path, warm_cache: WarmCache
) -> None:
    details = personal_details(21)
    user = 7_012_345_951
    warm_cache.seed(tmp_path)
    with BotProcess(own_fake, tmp_path) as process:
        process.wait_ready()
        names = [command["command"] for command in own_fake.commands()]
        assert {"practice", "feedback"} <= set(names)
        officer = Officer(own_fake, user)
        officer.enrol(tmp_path)
        officer.send("/start")
        told = officer.send("/practice")
        assert told[0].text.startswith("Practice: nothing you do now is recorded as a real job")
        officer.press("Record check")
        asked = officer.send("/feedback")
        assert asked[-1].text.startswith("Feedback on the question ")
        assert [label for label, _ in asked[-1].buttons()] == ["Helpful", "Not helpful", "Wrong"]
        officer.press("Not helpful")
        assert "Skip" in officer.buttons()
        officer.send(f"the card should say what to do when {details['name']} is not at school")
        assert any("your feedback goes to the trainers" in m.text for m in officer.chat)
        officer.send("/cancel")
        assert any("That was practice" in m.text for m in officer.chat)
        officer.send("first contact")
        officer.send("/feedback")
        officer.press("Wrong")
        officer.press("Skip")
        code, _out, err = process.stop()
    assert code == 0, err
    with Store.open(tmp_path / DATABASE) as store:
        events = store.audit_events()
    feedback = [e for e in events if e["kind"] == "feedback"]
    assert [(e["rating"], e["flow"], bool(e.get("practice"))) for e in feedback] == [
        ("not_helpful", "record-check", True),
        ("wrong", "initial-contact", False),
    ]
    assert feedback[0]["comment"] == "the card should say what to do when […] is not at school"
    assert "comment" not in feedback[1] and all(e["channel"] == "telegram" for e in feedback)
    practising = [e for e in events if e.get("practice")]
    assert {e["kind"] for e in practising} >= {"practice_started", "flow_started", "cancelled"}
    assert all(e.get("practice") for e in events if e.get("flow") == "record-check")
    assert not any(e.get("practice") for e in events if e.get("flow") == "initial-contact")
    written = files_under(tmp_path).lower()
    for secret in [details["name"].lower(), str(user)]:
        assert secret.encode() not in written, secret
    assert say.COMMANDS  # the menu the bot registered is the channel's own list
