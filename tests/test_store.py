"""The shared SQLite store: versioned saves, the audit log, privacy of the files, upgrades."""

from __future__ import annotations

import logging
import math
import os
import sqlite3
import stat
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from bot.store import MIGRATIONS, Migration, Saved, StaleState, Store, StoreError, migrate

posix_only = pytest.mark.skipif(
    sys.platform == "win32", reason="Windows has no owner/group/other permission bits"
)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "guidebot.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store.open(db_path) as opened:
        yield opened


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def schema(path: Path) -> list[tuple[str, str, str]]:
    """Every table and index SQLite would rebuild the database from, in a stable order."""
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
        ).fetchall()
    connection.close()
    return [(kind, name, " ".join(sql.split())) for kind, name, sql in rows]


def build_database_at(path: Path, version: int) -> None:
    """A database as a guidebot that knew only the first ``version`` migrations left it."""
    db = Database(path)
    migrate(db, MIGRATIONS[:version])
    if version >= 1:
        # Version 1's columns: every later migration must keep these rows readable.
        db.table("conversations").insert(
            {"key": "chat-1", "state": '{"phase":"step","step":"history"}', "version": 3}
            | {"updated_at": 100.0}
        )
        db.table("conversations").insert(
            {"key": "chat-2", "state": None, "version": 2, "updated_at": 90.0}
        )
        for recorded_at, key, kind in [
            (80.0, "chat-2", "started"),
            (85.0, "chat-1", "started"),
            (90.0, "chat-2", "ended"),
            (95.0, "chat-1", "red_flag"),
        ]:
            db.table("audit").insert(
                {"key": key, "recorded_at": recorded_at, "event": f'{{"kind":"{kind}"}}'}
            )
    db.close()


# Saving and loading


def test_a_saved_state_loads_back_as_it_was_given(store: Store) -> None:
    state: dict[str, Any] = {
        "phase": "step",
        "answers": [{"step": "age", "outcome": "band:under-5"}],
        "expires_at": 1_700_000_000.5,
        "nation": "Cymru",
        "misses": 0,
        "flags": [],
        "done": False,
        "note": None,
    }
    version = store.save("chat-1", state, expected_version=0, now=1.0)
    assert version == 1
    assert store.load("chat-1") == Saved(state=state, version=1)


def test_a_conversation_never_saved_loads_as_none(store: Store) -> None:
    assert store.load("nobody") is None


def test_each_save_takes_the_next_version(store: Store) -> None:
    versions = []
    expected = 0
    for turn in range(5):
        expected = store.save("chat-1", {"turn": turn}, expected_version=expected, now=turn)
        versions.append(expected)
    assert versions == [1, 2, 3, 4, 5]
    assert store.load("chat-1") == Saved(state={"turn": 4}, version=5)


def test_each_key_has_its_own_versions(store: Store) -> None:
    store.save("chat-1", {"n": 1}, expected_version=0, now=1.0)
    store.save("chat-1", {"n": 2}, expected_version=1, now=2.0)
    assert store.save("chat-2", {"n": 1}, expected_version=0, now=3.0) == 1


@pytest.mark.parametrize("expected_version", [0, 1, 3])
def test_a_save_from_a_stale_load_is_refused_and_writes_nothing(
    store: Store, expected_version: int
) -> None:
    store.save("chat-1", {"n": 1}, expected_version=0, audit=[{"kind": "a"}], now=1.0)
    store.save("chat-1", {"n": 2}, expected_version=1, audit=[{"kind": "b"}], now=2.0)
    with pytest.raises(StaleState, match=r"expected version \d, saved version 2"):
        store.save(
            "chat-1",
            {"n": "stale"},
            expected_version=expected_version,
            audit=[{"kind": "stale"}],
            now=3.0,
        )
    assert store.load("chat-1") == Saved(state={"n": 2}, version=2)
    assert [event["kind"] for event in store.audit_events()] == ["a", "b"]


def test_a_first_save_expecting_an_existing_state_is_refused(store: Store) -> None:
    with pytest.raises(StaleState):
        store.save("chat-1", {"n": 1}, expected_version=1, audit=[{"kind": "a"}], now=1.0)
    assert store.load("chat-1") is None
    assert store.audit_events() == []


def test_ending_a_conversation_deletes_its_state_but_keeps_its_trail(store: Store) -> None:
    store.save("chat-1", {"n": 1}, expected_version=0, audit=[{"kind": "started"}], now=1.0)
    version = store.save("chat-1", None, expected_version=1, audit=[{"kind": "ended"}], now=2.0)
    assert version == 2
    assert store.load("chat-1") is None
    assert [event["kind"] for event in store.audit_events("chat-1")] == ["started", "ended"]


def test_a_writer_from_before_the_end_is_still_refused(store: Store) -> None:
    store.save("chat-1", {"n": 1}, expected_version=0, now=1.0)
    store.save("chat-1", None, expected_version=1, now=2.0)
    with pytest.raises(StaleState):
        store.save("chat-1", {"n": "late"}, expected_version=1, now=3.0)
    assert store.load("chat-1") is None


def test_a_new_conversation_after_the_end_carries_on_the_numbering(store: Store) -> None:
    store.save("chat-1", {"n": 1}, expected_version=0, now=1.0)
    store.save("chat-1", None, expected_version=1, now=2.0)
    # It loaded None, so it expects no saved state; versions are never reused.
    assert store.save("chat-1", {"n": "again"}, expected_version=0, now=3.0) == 3
    assert store.load("chat-1") == Saved(state={"n": "again"}, version=3)
    with pytest.raises(StaleState):
        store.save("chat-1", {"n": "second start"}, expected_version=0, now=4.0)


def test_a_save_with_an_unsaveable_event_writes_nothing_at_all(store: Store) -> None:
    store.save("chat-1", {"n": 1}, expected_version=0, audit=[{"kind": "started"}], now=1.0)
    events: list[dict[str, Any]] = [
        {"kind": "answered"},
        {"kind": "covered", "points": {"a", "b"}},
        {"kind": "more"},
    ]
    with pytest.raises(TypeError, match="audit event 2 cannot be saved as JSON"):
        store.save("chat-1", {"n": 2}, expected_version=1, audit=events, now=2.0)
    assert store.load("chat-1") == Saved(state={"n": 1}, version=1)
    assert [event["kind"] for event in store.audit_events()] == ["started"]
    # The failed save left no transaction open behind it.
    assert store.save("chat-1", {"n": 2}, expected_version=1, now=3.0) == 2


def test_a_database_failure_part_way_through_a_save_writes_nothing(
    store: Store, db_path: Path
) -> None:
    with sqlite3.connect(db_path) as other:
        other.execute(
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON audit WHEN NEW.event LIKE '%boom%' "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )
    other.close()
    events = [{"kind": "fine"}, {"kind": "boom"}]
    with pytest.raises(StoreError, match=r"could not save a conversation: .*refused by the test"):
        store.save("chat-1", {"n": 1}, expected_version=0, audit=events, now=1.0)
    assert store.load("chat-1") is None
    assert store.audit_events() == []


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ({"seen": {"a"}}, "the state cannot be saved as JSON"),
        ({"score": math.nan}, "the state cannot be saved as JSON"),
        (["not", "a", "dict"], "must be a dict or None"),
    ],
)
def test_a_state_that_cannot_be_saved_is_refused(store: Store, state: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        store.save("chat-1", state, expected_version=0, now=1.0)
    assert store.load("chat-1") is None


# The audit log


def test_audit_events_come_back_in_order_with_their_key_and_time(store: Store) -> None:
    store.save("chat-1", {}, expected_version=0, audit=[{"kind": "a1"}, {"kind": "a2"}], now=1.0)
    store.save("chat-2", {}, expected_version=0, audit=[{"kind": "b1"}], now=2.0)
    store.save("chat-1", {}, expected_version=1, audit=[{"kind": "a3"}], now=3.0)
    store.save("chat-2", None, expected_version=1, audit=[{"kind": "b2"}], now=4.0)
    assert store.audit_events() == [
        {"kind": "a1", "key": "chat-1", "recorded_at": 1.0},
        {"kind": "a2", "key": "chat-1", "recorded_at": 1.0},
        {"kind": "b1", "key": "chat-2", "recorded_at": 2.0},
        {"kind": "a3", "key": "chat-1", "recorded_at": 3.0},
        {"kind": "b2", "key": "chat-2", "recorded_at": 4.0},
    ]
    assert [event["kind"] for event in store.audit_events("chat-1")] == ["a1", "a2", "a3"]
    assert [event["kind"] for event in store.audit_events("chat-2")] == ["b1", "b2"]
    assert store.audit_events("nobody") == []


def test_the_store_prints_and_logs_nothing(
    db_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with Store.open(db_path) as store:
        store.save("chat-1", {"n": 1}, expected_version=0, audit=[{"kind": "a"}], now=1.0)
        with pytest.raises(StaleState):
            store.save("chat-1", {"n": 2}, expected_version=0, audit=[{"kind": "b"}], now=2.0)
        store.load("chat-1")
        store.audit_events()
    assert capsys.readouterr() == ("", "")
    assert caplog.records == []


# Files on disk


@posix_only
@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_the_database_and_new_folders_are_owner_only(tmp_path: Path, umask: int) -> None:
    path = tmp_path / "new" / "nested" / "guidebot.db"
    previous = os.umask(umask)
    try:
        with Store.open(path) as store:
            store.save("chat-1", {"n": 1}, expected_version=0, now=1.0)
            side_files = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
            assert all(side.exists() for side in side_files)
            assert {side.name: mode(side) for side in side_files} == {
                "guidebot.db-wal": 0o600,
                "guidebot.db-shm": 0o600,
            }
    finally:
        os.umask(previous)
    assert mode(path) == 0o600
    assert mode(tmp_path / "new" / "nested") == 0o700
    assert mode(tmp_path / "new") == 0o700


@posix_only
def test_a_folder_that_already_exists_keeps_its_mode(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o750)
    with Store.open(folder / "guidebot.db"):
        pass
    assert mode(folder) == 0o750
    assert mode(folder / "guidebot.db") == 0o600


@posix_only
def test_side_files_left_readable_are_made_owner_only_on_open(db_path: Path) -> None:
    with Store.open(db_path) as first:
        first.save("chat-1", {"n": 1}, expected_version=0, now=1.0)
        side_files = [db_path.with_name(db_path.name + suffix) for suffix in ("-wal", "-shm")]
        for side in side_files:
            side.chmod(0o644)
        with Store.open(db_path):
            assert [mode(side) for side in side_files] == [0o600, 0o600]


def test_write_ahead_logging_and_normal_sync_are_on(store: Store, db_path: Path) -> None:
    connection = store._db.conn
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    # Write-ahead logging is a property of the file, so every later connection has it too.
    other = sqlite3.connect(db_path)
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other.close()


def test_the_store_survives_closing_and_reopening(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.save("chat-1", {"n": 1}, expected_version=0, audit=[{"kind": "a"}], now=1.0)
    with Store.open(db_path) as store:
        assert store.load("chat-1") == Saved(state={"n": 1}, version=1)
        assert store.save("chat-1", {"n": 2}, expected_version=1, now=2.0) == 2
        assert store.schema_version() == len(MIGRATIONS)
        assert len(store.applied_migrations()) == len(MIGRATIONS)
    with Store.open(db_path) as store:
        assert store.load("chat-1") == Saved(state={"n": 2}, version=2)
        assert [event["kind"] for event in store.audit_events()] == ["a"]


def test_a_closed_store_refuses_work_and_closing_twice_is_harmless(db_path: Path) -> None:
    store = Store.open(db_path)
    store.close()
    store.close()
    with pytest.raises(StoreError, match=r"could not load a conversation: .*Store\.open"):
        store.load("chat-1")


# Refusing databases it cannot use


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "guidebot.db"
    content = b"officer notes, not a database\n" * 200
    path.write_bytes(content)
    with pytest.raises(StoreError) as refused:
        Store.open(path)
    message = str(refused.value)
    assert message.startswith(f"{path}: could not open the database: ")
    assert "not a SQLite database" in message
    assert "move it aside" in message
    assert path.read_bytes() == content


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "theirs.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    connection.close()
    with pytest.raises(StoreError, match=r"not made by guidebot .*: move it aside"):
        Store.open(path)
    assert schema(path) == [("table", "notes", "CREATE TABLE notes (text TEXT)")]


def test_a_database_from_a_newer_guidebot_is_refused(db_path: Path) -> None:
    with Store.open(db_path):
        pass
    newer = len(MIGRATIONS) + 1
    with sqlite3.connect(db_path) as connection:
        connection.execute(
            "INSERT INTO migrations (version, name, applied_at) VALUES (?, 'from the future', 0)",
            [newer],
        )
    connection.close()
    with pytest.raises(StoreError) as refused:
        Store.open(db_path)
    assert str(refused.value) == (
        f"{db_path}: made by a newer guidebot (schema {newer}; "
        f"this one knows up to {len(MIGRATIONS)}): update guidebot"
    )


# Migrations


def test_migrations_are_numbered_from_one_in_order_with_distinct_names() -> None:
    assert [migration.version for migration in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert len({migration.name for migration in MIGRATIONS}) == len(MIGRATIONS)
    assert len(MIGRATIONS) >= 2


def test_migrations_out_of_order_are_a_programming_mistake() -> None:
    with pytest.raises(ValueError, match="numbered 1, 2, 3"):
        migrate(Database(memory=True), [MIGRATIONS[1], MIGRATIONS[0]])


@pytest.mark.parametrize("version", range(len(MIGRATIONS)))
def test_a_database_from_each_earlier_schema_is_upgraded(tmp_path: Path, version: int) -> None:
    old = tmp_path / "old.db"
    build_database_at(old, version)
    fresh = tmp_path / "fresh.db"
    with Store.open(fresh):
        pass

    with Store.open(old) as store:
        assert store.schema_version() == len(MIGRATIONS)
        assert store.applied_migrations() == [(m.version, m.name) for m in MIGRATIONS]
        if version >= 1:
            assert store.load("chat-1") == Saved({"phase": "step", "step": "history"}, 3)
            assert store.load("chat-2") is None
            assert store.audit_events("chat-1") == [
                {"kind": "started", "key": "chat-1", "recorded_at": 85.0},
                {"kind": "red_flag", "key": "chat-1", "recorded_at": 95.0},
            ]
            assert len(store.audit_events()) == 4
            assert store.save("chat-1", {"phase": "menu"}, expected_version=3, now=200.0) == 4
    assert schema(old) == schema(fresh)


def test_migrating_again_applies_nothing(db_path: Path) -> None:
    with Store.open(db_path):
        pass
    db = Database(db_path)
    assert migrate(db, MIGRATIONS) == []
    versions = db.execute("SELECT version FROM migrations ORDER BY version").fetchall()
    db.close()
    assert versions == [(m.version,) for m in MIGRATIONS]


def test_a_failing_migration_leaves_the_last_good_schema(db_path: Path) -> None:
    with Store.open(db_path):
        pass

    def half_done(db: Database) -> None:
        db.execute("CREATE TABLE half_done (id INTEGER)")
        db.execute("INSERT INTO no_such_table VALUES (1)")

    broken = (*MIGRATIONS, Migration(len(MIGRATIONS) + 1, "half done", half_done))
    db = Database(db_path)
    with pytest.raises(StoreError, match=f"left at schema {len(MIGRATIONS)}"):
        migrate(db, broken)
    assert "half_done" not in db.table_names()
    assert db.execute("SELECT max(version) FROM migrations").fetchone()[0] == len(MIGRATIONS)
    db.close()


# Many threads, one store


def test_eight_threads_saving_one_conversation_lose_no_update(store: Store) -> None:
    def fifty_turns(thread: int) -> int:
        retries = 0
        for turn in range(50):
            while True:
                saved = store.load("chat-1")
                version = saved.version if saved else 0
                count = saved.state["count"] if saved else 0
                try:
                    store.save(
                        "chat-1",
                        {"count": count + 1},
                        expected_version=version,
                        audit=[{"thread": thread, "turn": turn}],
                        now=float(count),
                    )
                    break
                except StaleState:
                    retries += 1
        return retries

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(fifty_turns, range(8)))

    assert store.load("chat-1") == Saved(state={"count": 400}, version=400)
    events = store.audit_events("chat-1")
    assert len(events) == 400
    for thread in range(8):
        turns = [event["turn"] for event in events if event["thread"] == thread]
        assert turns == list(range(50))


def test_eight_threads_on_eight_conversations_do_not_mix_them(store: Store) -> None:
    def fifty_turns(thread: int) -> None:
        key = f"chat-{thread}"
        version = 0
        for turn in range(50):
            version = store.save(
                key,
                {"owner": thread, "turn": turn},
                expected_version=version,
                audit=[{"owner": thread, "turn": turn}],
                now=float(turn),
            )

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(fifty_turns, range(8)))

    for thread in range(8):
        key = f"chat-{thread}"
        assert store.load(key) == Saved(state={"owner": thread, "turn": 49}, version=50)
        events = store.audit_events(key)
        assert [(event["owner"], event["key"]) for event in events] == [(thread, key)] * 50
        assert [event["turn"] for event in events] == list(range(50))
    assert len(store.audit_events()) == 400
