"""Voice on Telegram end to end: the real ``guidebot run`` against the fake Bot API.

A voice note answering a question moves the flow on, a doubtful one is read back with Yes and
No first, /voice on brings a voice note after each text reply, and neither the audio nor the
transcript reaches the disk.
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.app import DATABASE
from bot.cli import cli
from bot.keys import Keys
from bot.store import Store
from bot.voice._audio import decode
from tests.telegram_harness import BotProcess, Officer, settle, spoken_notes

PHRASES = (
    "no",
    "undo",
    "yes",
    "could you order me a large pizza with extra cheese",
    "could you order me a large pizza",
)
"""Everything the officers here say, made once (see :func:`spoken_notes`: the same audio every
run, whatever ran before)."""
NOTES: dict[str, list[bytes]] = {}


def spoken(text: str) -> bytes:
    """``text`` as a voice note, as Telegram sends it."""
    if not NOTES:
        NOTES.update(spoken_notes(PHRASES))
    return NOTES[text][0]


def say(officer: Officer, text: str, timeout: float = 60.0) -> list[str]:
    """Send ``text`` as a voice note; the texts of the bot's replies once it has finished."""
    before = len(officer.chat)
    note = spoken(text)
    officer.fake.send_voice(officer.id, note, duration=max(1, round(decode(note).seconds)))
    officer.fake.wait_for(lambda: len(officer.chat) > before, timeout=timeout)
    settle(officer.fake, 0.5)
    return [message.text for message in officer.chat[before:]]


def test_a_voice_note_answers_the_question_and_moves_the_flow_on(
    officer: Officer, data_dir: Path
) -> None:
    officer.send("/start")
    officer.press("First contact")
    assert "danger right now" in officer.chat[-1].text
    replies = say(officer, "no")
    assert not any("danger right now" in text for text in replies), replies
    assert any("?" in text for text in replies)  # the next question
    with Store.open(data_dir / DATABASE) as store:
        answers = [e for e in store.audit_events() if e["kind"] == "answer"]
    assert answers[-1]["step"] == "danger" and answers[-1]["via"] == "voice"
    assert 0 <= answers[-1]["confidence"] <= 1


def read_backs(data_dir: Path, officer: Officer) -> list[dict[str, object]]:
    """The officer's read-back events as logged (categories only, never the words)."""
    key = Keys.open(data_dir).pseudonym("chat", officer.id)
    with Store.open(data_dir / DATABASE) as store:
        return [e for e in store.audit_events(key) if e["kind"] == "read_back"]


LOGGED_FIELDS = {"kind", "flow", "step", "outcome", "at", "run", "seq", "version", "channel"}
"""What a read-back event may hold: where, what became of it, "by voice" and the confidence."""


def test_a_doubtful_voice_note_is_read_back_before_acting(officer: Officer, data_dir: Path) -> None:
    officer.send("/start")
    officer.press("First contact")
    replies = say(officer, "undo")  # a command is always read back before it acts
    assert replies and "is that right?" in replies[-1], replies
    assert officer.buttons() == ["Yes", "No"] or "Yes" in officer.buttons()
    after = officer.press("No")
    assert "ignored" in after[-1].text
    assert officer.buttons() == ["Yes", "No", "Not sure"]  # the question is still open
    replies = say(officer, "undo")
    assert "is that right?" in replies[-1], replies
    after = officer.press("Yes")  # now the words act, exactly as if typed
    assert after and all("is that right" not in m.text and "ignored" not in m.text for m in after)
    logged = read_backs(data_dir, officer)
    assert [e["outcome"] for e in logged] == ["asked", "corrected", "asked", "confirmed"]
    for event in logged:  # for the trainers' voice table: where, and what became of it
        assert (event["flow"], event["step"], event["via"]) == (
            "initial-contact",
            "danger",
            "voice",
        )
        assert set(event) <= LOGGED_FIELDS | {"via", "confidence", "key", "recorded_at"}


def test_a_read_back_can_be_answered_by_voice_hands_free(officer: Officer, data_dir: Path) -> None:
    officer.send("/start")
    officer.press("First contact")
    replies = say(officer, "undo")
    assert "is that right?" in replies[-1], replies
    replies = say(officer, "no")  # to the read-back, not to the question
    assert "ignored" in replies[-1], replies
    assert officer.buttons() == ["Yes", "No", "Not sure"]  # still at the question
    assert [e["outcome"] for e in read_backs(data_dir, officer)] == ["asked", "corrected"]


def test_a_read_back_left_unanswered_cannot_act_after_the_flow_moved_on(
    officer: Officer, data_dir: Path
) -> None:
    officer.send("/start")
    officer.press("First contact")
    replies = say(officer, "undo")
    assert "is that right?" in replies[-1], replies
    read_back = officer.chat[-1].message_id
    officer.press("Not sure")  # the question answered by its own button instead
    before = len(officer.chat)
    officer.press_on(read_back, "voice:yes")
    officer.fake.wait_for(
        lambda: any("moved on" in m.text for m in officer.chat[before:]), timeout=30
    )
    assert [e["outcome"] for e in read_backs(data_dir, officer)] == ["asked"]  # unanswered


def test_out_of_domain_speech_is_not_taken_as_an_answer(officer: Officer) -> None:
    officer.send("/start")
    officer.press("First contact")
    replies = say(officer, "could you order me a large pizza with extra cheese")
    assert "isn't an answer to this question" in replies[-1] or "is that right" in replies[-1]


def test_silent_and_broken_notes_get_a_plain_message(officer: Officer) -> None:
    before = len(officer.chat)
    officer.fake.send_voice(officer.id, b"OggS not really audio", duration=2)
    officer.fake.wait_for(lambda: len(officer.chat) > before, timeout=30)
    assert "couldn't play that audio" in officer.chat[-1].text
    before = len(officer.chat)
    officer.fake.send_voice(officer.id, spoken("yes"), duration=180)
    officer.fake.wait_for(lambda: len(officer.chat) > before, timeout=30)
    assert "over 2 minutes" in officer.chat[-1].text


def test_voice_on_sends_a_voice_note_after_the_text(officer: Officer) -> None:
    (reply,) = officer.send("/voice on")
    assert "Voice replies are on" in reply.text
    officer.send("/start")
    officer.fake.wait_for(lambda: officer.chat[-1].kind == "voice", timeout=30)
    kinds = [message.kind for message in officer.chat[-3:]]
    assert kinds[-1] == "voice" and "text" in kinds[:-1]
    note = officer.chat[-1]
    assert note.upload is not None and note.upload.data[:4] == b"OggS"
    (reply,) = officer.send("/voice off")
    assert "off" in reply.text
    settle(officer.fake, 0.5)
    before = len(officer.chat)
    officer.send("/start")
    time.sleep(1.0)
    assert all(message.kind != "voice" for message in officer.chat[before:])


def test_no_audio_or_transcript_reaches_the_disk(
    officer: Officer, data_dir: Path, bot: BotProcess
) -> None:
    officer.send("/start")
    officer.press("First contact")
    note = spoken("no")
    officer.fake.send_voice(officer.id, note, duration=1)
    settle(officer.fake, 1.0)
    say(officer, "could you order me a large pizza")
    # The start-up cache holds only what is built from the public knowledge and word lists
    # (which know the word "pizza"); everything else is scanned.
    written = b"".join(
        path.read_bytes()
        for path in sorted(data_dir.rglob("*"))
        if path.is_file() and "cache" not in path.relative_to(data_dir).parts
    )
    assert b"OggS" not in written
    assert note[40:80] not in written
    for words in (b"pizza", b"order me"):
        assert words not in written
    assert str(officer.id).encode() not in written


@pytest.mark.parametrize(
    ("written", "configured", "expected"),
    [
        (None, b"the voice", "does not exist"),
        (b"the voice as published", b"another voice", "does not match its configured SHA-256"),
        (b"the voice as published", b"the voice as published", "piper-tts is not installed"),
    ],
)
def test_a_piper_voice_that_fails_its_check_stops_run_at_start(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    written: bytes | None,
    configured: bytes,
    expected: str,
) -> None:
    """The config names a piper voice: a missing, changed or unloadable one starts nothing."""
    monkeypatch.setitem(sys.modules, "piper", None)  # not installed, even where it is
    model = tmp_path / "en_GB-voice.onnx"
    if written is not None:
        model.write_bytes(written)
    config = tmp_path / "guidebot.yaml"
    config.write_text(
        f"data_dir: {tmp_path / 'data'}\nspeaking:\n  engine: piper\n  model_path: {model}\n"
        f"  model_sha256: '{hashlib.sha256(configured).hexdigest()}'\n",
        encoding="utf-8",
    )
    env = {"TELEGRAM_BOT_TOKEN": "123456789:AAE-fake-token-for-tests-only_01234"}
    result = CliRunner().invoke(
        cli, ["--config", str(config), "run", "--api-url", "http://127.0.0.1:9/bot"], env=env
    )
    assert result.exit_code == 1, result.output
    assert "Voice replies cannot start (speaking in the config)" in result.output
    assert expected in result.output
    assert "Traceback" not in result.output
