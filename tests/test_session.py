"""The session layer: one message at a time per conversation, saved with its audit events."""

from __future__ import annotations

import io
import json
import os
import pty
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.app import DATABASE, AppError, Settings, build_app
from bot.channels.console import CONSOLE_KEY, OLD_STATE_FILE, migrate_old_state
from bot.engine import STATE_SCHEMA_VERSION, Engine, Press, Text
from bot.session import MemoryStore, SessionError, Sessions
from bot.store import StaleState, Store
from tests.conftest import WarmCache

T0 = 1_800_000_000.0


def test_a_message_is_saved_with_its_audit_events(engine: Engine, tmp_path: Path) -> None:
    with Store.open(tmp_path / DATABASE) as store:
        sessions = Sessions(engine, store, channel="telegram")
        sessions.open("k1", T0)
        result = sessions.handle("k1", Text("record check", T0 + 1))
        assert result.state.flow == "record-check"
        saved = store.load("k1")
        assert saved is not None and saved.state == result.state.to_json()
        logged = store.audit_events("k1")
        assert [e["seq"] for e in logged] == list(range(1, len(logged) + 1))
        assert {e["channel"] for e in logged} == {"telegram"}
        assert all(e["key"] == "k1" for e in logged)


def test_messages_at_one_key_at_once_lose_nothing(engine: Engine, tmp_path: Path) -> None:
    """A double tap, many times over: every message is applied to the state the last left."""
    with Store.open(tmp_path / DATABASE) as store:
        sessions = Sessions(engine, store, channel="telegram")
        sessions.open("k", T0)
        said = ["record check", "back", "help", "summary", "menu", "missing child", "menu"]

        def officer(number: int) -> None:
            for turn, text in enumerate(said):
                sessions.handle("k", Text(text, T0 + number + turn / 10))

        threads = [threading.Thread(target=officer, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        logged = store.audit_events("k")
        state = sessions.state("k")
        assert state is not None
        assert [e["seq"] for e in logged] == list(range(1, len(logged) + 1)), "no lost update"
        assert state.seq == len(logged)
        assert sum(e["kind"] == "flow_started" for e in logged) == state.run


def test_many_keys_at_once_never_mix(engine: Engine, tmp_path: Path) -> None:
    with Store.open(tmp_path / DATABASE) as store:
        sessions = Sessions(engine, store, channel="telegram")
        flows = ["record check", "missing child", "first contact", "referral"]

        def officer(key: str, flow: str) -> None:
            sessions.handle(key, Text(flow, T0))
            sessions.handle(key, Text("not sure", T0 + 1))

        threads = [
            threading.Thread(target=officer, args=(f"k{n}", flows[n % 4])) for n in range(16)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for n in range(16):
            events = store.audit_events(f"k{n}")
            assert {e["key"] for e in events} == {f"k{n}"}
            assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
            started = [e["flow"] for e in events if e["kind"] == "flow_started"]
            assert len(started) == 1


def test_a_second_process_saving_first_makes_the_message_apply_again(
    engine: Engine, tmp_path: Path
) -> None:
    """Two processes on one database: the loser of the race re-reads and re-applies."""
    with Store.open(tmp_path / DATABASE) as one, Store.open(tmp_path / DATABASE) as two:
        first = Sessions(engine, one, channel="console")
        second = Sessions(engine, two, channel="console")
        first.handle("k", Text("record check", T0))
        real_load = two.load
        raced = False

        def load_then_lose_the_race(key: str):  # type: ignore[no-untyped-def]
            nonlocal raced
            loaded = real_load(key)
            if not raced:
                raced = True
                first.handle(key, Press("no", T0 + 1))  # the other process answers first
            return loaded

        two.load = load_then_lose_the_race  # type: ignore[method-assign]
        second.handle("k", Text("back", T0 + 2))
        state = first.state("k")
        assert state is not None and state.step == "urgent" and state.answers == ()
        kinds = [e["kind"] for e in one.audit_events("k")]
        assert kinds.count("answer") == 1 and kinds.count("back") == 1


def test_a_conversation_that_keeps_changing_gives_up_with_a_plain_message(
    engine: Engine,
) -> None:
    class AlwaysStale(MemoryStore):
        def save(self, key, state, *, expected_version, audit=(), now):  # type: ignore[no-untyped-def]
            raise StaleState(key)

    sessions = Sessions(engine, AlwaysStale(), channel="console", retries=3)
    with pytest.raises(SessionError, match="Send it again"):
        sessions.handle("k", Text("record check", T0))


def test_a_damaged_state_in_the_database_is_set_aside_with_the_reason(
    engine: Engine, tmp_path: Path
) -> None:
    with Store.open(tmp_path / DATABASE) as store:
        store.save("k", {"schema_version": 99}, expected_version=0, now=T0)
        result = Sessions(engine, store, channel="console").open("k", T0)
        assert result.replies[0].text.startswith("The saved conversation was set aside.")
        assert "newer guidebot (version 99" in result.replies[0].text
        assert result.replies[-1].text == "What do you need help with?"
        saved = store.load("k")
        assert saved is not None and saved.state["schema_version"] == STATE_SCHEMA_VERSION


def test_a_tick_that_changes_nothing_saves_nothing(engine: Engine, tmp_path: Path) -> None:
    with Store.open(tmp_path / DATABASE) as store:
        sessions = Sessions(engine, store, channel="telegram")
        sessions.handle("k", Text("missing child", T0))
        before = store.load("k")
        assert sessions.tick("k", T0 + 60).replies == ()
        assert store.load("k") == before
        closed = sessions.tick("k", T0 + engine.idle_seconds + 61)
        assert closed.state.phase == "expired" and closed.replies
        assert store.audit_events("k")[-1]["kind"] == "expired"


def test_the_old_json_conversation_moves_into_the_database_once(
    engine: Engine, tmp_path: Path
) -> None:
    old = tmp_path / OLD_STATE_FILE
    old.parent.mkdir(parents=True)
    state = engine.step(engine.start(T0).state, Text("missing child", T0)).state
    old.write_text(json.dumps(state.to_json()))
    with Store.open(tmp_path / DATABASE) as store:
        sessions = Sessions(engine, store, channel="console")
        out = io.StringIO()
        migrate_old_state(sessions, tmp_path, out)
        assert out.getvalue() == ""
        assert not old.exists() and not old.parent.exists()
        assert sessions.state(CONSOLE_KEY) == state
        migrate_old_state(sessions, tmp_path, out)  # nothing left to move
        assert sessions.state(CONSOLE_KEY) == state


def test_a_damaged_old_json_conversation_is_set_aside_and_removed(
    engine: Engine, tmp_path: Path
) -> None:
    old = tmp_path / OLD_STATE_FILE
    old.parent.mkdir(parents=True)
    old.write_text("{not json")
    with Store.open(tmp_path / DATABASE) as store:
        out = io.StringIO()
        migrate_old_state(Sessions(engine, store, channel="console"), tmp_path, out)
    assert out.getvalue() == (
        "guidebot: The saved conversation was set aside. It is not valid JSON.\n"
    )
    assert not old.exists()


def test_build_app_says_what_is_wrong_and_what_to_do(tmp_path: Path, warm_cache: WarmCache) -> None:
    warm_cache.seed(tmp_path)  # the database's message is the one this start is for
    empty = tmp_path / "no-knowledge"
    empty.mkdir()
    with pytest.raises(AppError, match="guidebot kb check"):
        build_app(Settings(data_dir=tmp_path, knowledge_dir=empty))
    (tmp_path / DATABASE).write_text("this is not a database")
    with pytest.raises(AppError, match="move it aside"):
        build_app(Settings(data_dir=tmp_path))


def test_build_app_without_a_store_writes_nothing(tmp_path: Path) -> None:
    with build_app(Settings(data_dir=tmp_path / "data"), store=False) as app:
        sessions = app.sessions("console")
        assert app.sessions("console") is sessions
        sessions.handle("k", Text("record check", T0))
        assert sessions.state("k") is not None
    assert not (tmp_path / "data").exists()


# -- killed mid-conversation ------------------------------------------------------------------


def _read_until(fd: int, wanted: bytes, timeout: float = 60.0) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while wanted not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"never saw {wanted!r}; saw {seen[-400:]!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen


def _chat_in_a_terminal(data_dir: Path) -> tuple[subprocess.Popen[bytes], int]:
    """``guidebot chat`` as an officer runs it: in a terminal, so it keeps its place."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--data-dir", str(data_dir)],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    os.close(follower)
    return process, leader


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_chat_killed_between_messages_resumes_with_nothing_lost(
    tmp_path: Path, warm_cache: WarmCache
) -> None:
    data_dir = warm_cache.seed(tmp_path / "data")
    process, terminal = _chat_in_a_terminal(data_dir)
    try:
        _read_until(terminal, b"> ")
        os.write(terminal, b"child in custody\n")
        _read_until(terminal, b"How old is the child")
        os.write(terminal, b"15\n")
        _read_until(terminal, b"Why is the child with you?")
        os.write(terminal, b"arrested\n")
        _read_until(terminal, b"absolutely necessary")
    finally:
        process.send_signal(signal.SIGKILL)  # no goodbye, no clean shutdown
        process.wait(timeout=30)
        os.close(terminal)
    process, terminal = _chat_in_a_terminal(data_dir)
    try:
        shown = _read_until(terminal, b"> ")
        assert b"Picking up where you left off: Child in custody." in shown
        assert b"absolutely necessary" in shown
        os.write(terminal, b"summary\n")
        summary = _read_until(terminal, b"No personal details")
        assert b"Age: 12 to 17" in summary and b"Reason: Arrested" in summary
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        os.close(terminal)
    with Store.open(data_dir / DATABASE) as store:
        kinds = [e["kind"] for e in store.audit_events(CONSOLE_KEY)]
    assert kinds.count("answer") == 2 and "summary_shown" in kinds
