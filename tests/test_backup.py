"""Backups taken while the bot writes, and restores that check everything before replacing."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.app import DATABASE
from bot.audit.log import sign_checkpoint, signing_key, verify
from bot.channels.telegram._run import single_instance
from bot.cli import cli
from bot.store import MIGRATIONS, Store
from bot.store._store import BACKUPS_FOLDER


def run(*args: str, data_dir: Path) -> Result:
    return CliRunner().invoke(
        cli, list(args), env={"GUIDEBOT_DATA_DIR": str(data_dir), "GUIDEBOT_CONFIG": None}
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data folder with conversations, a logged trail and a signed checkpoint."""
    data = tmp_path / "data"
    with Store.open(data / DATABASE) as store:
        for number in range(5):
            store.save(
                f"o-{number}",
                {"phase": "step", "n": number},
                expected_version=0,
                audit=[{"kind": "flow_started"}, {"kind": "answer"}],
                now=float(number),
            )
        sign_checkpoint(store, signing_key(data), now=10.0, reason="test")
    return data


class Writer:
    """Officers' conversations saved flat out on another connection, as the running bot does."""

    def __init__(self, database: Path) -> None:
        self.store = Store.open(database)
        self.saves = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._write, daemon=True)

    def _write(self) -> None:
        versions: dict[str, int] = {}
        while not self.stop.is_set():
            key = f"busy-{self.saves % 7}"
            versions[key] = self.store.save(
                key,
                {"phase": "step", "turn": self.saves},
                expected_version=versions.get(key, 0),
                audit=[{"kind": "answer"}],
                now=100.0 + self.saves,
            )
            self.saves += 1

    def __enter__(self) -> Writer:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join(timeout=30)
        self.store.close()


def test_backups_taken_while_a_writer_runs_are_whole_and_consistent(
    data_dir: Path, tmp_path: Path
) -> None:
    copies = tmp_path / "backups"
    copies.mkdir()
    taken: list[Path] = []
    with Writer(data_dir / DATABASE) as writer:
        for number in range(4):
            while writer.saves < 50 * (number + 1):  # let the writer get well into its work
                threading.Event().wait(0.01)
            result = run("backup", str(copies / f"copy-{number}.sqlite3"), data_dir=data_dir)
            assert result.exit_code == 0, result.output
            assert "keys are not in the backup" in result.output
            taken.append(copies / f"copy-{number}.sqlite3")
        during = writer.saves
    assert during >= 200
    counts = []
    for copy in taken:
        assert copy.stat().st_mode & 0o777 == 0o600
        with sqlite3.connect(copy) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            # Each save wrote its state's version and its event in one transaction: a copy
            # from one moment holds as many busy events as the busy conversations' versions.
            (versions,) = connection.execute(
                "SELECT coalesce(sum(version), 0) FROM conversations WHERE key LIKE 'busy-%'"
            ).fetchone()
            (events,) = connection.execute(
                "SELECT count(*) FROM audit WHERE key LIKE 'busy-%'"
            ).fetchone()
        connection.close()
        assert versions == events
        counts.append(events)
        with Store.open(copy) as store:
            assert verify(store, signing_key(data_dir).verifier).ok
    assert counts == sorted(counts) and counts[0] < counts[-1]  # taken at different moments


def test_a_backup_into_a_folder_is_dated_and_never_overwrites(
    data_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "nightly"
    folder.mkdir()
    result = run("backup", str(folder), data_dir=data_dir)
    assert result.exit_code == 0, result.output
    (made,) = folder.glob("guidebot-*.sqlite3")
    again = run("backup", str(made), data_dir=data_dir)
    assert again.exit_code == 1 and "already exists" in again.output


def test_backup_without_a_database_says_so(tmp_path: Path) -> None:
    result = run("backup", str(tmp_path / "copy.sqlite3"), data_dir=tmp_path / "empty")
    assert result.exit_code == 1 and "No guidebot database" in result.output


def test_restore_checks_then_replaces_keeping_the_old_database(
    data_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "good.sqlite3"
    assert run("backup", str(copy), data_dir=data_dir).exit_code == 0
    with Store.open(data_dir / DATABASE) as store:  # changes after the backup, lost on restore
        store.save("after", {"phase": "menu"}, expected_version=0, now=50.0)
    result = run("restore", str(copy), data_dir=data_dir)
    assert result.exit_code == 0, result.output
    assert f"schema {len(MIGRATIONS)}, integrity ok, 10 audit events" in result.output
    (aside,) = (data_dir / BACKUPS_FOLDER).glob("guidebot.replaced-*.sqlite3")
    with Store.open(aside) as old:  # kept whole, with what was written after the backup
        assert old.load("after") is not None
    with Store.open(data_dir / DATABASE) as store:
        assert store.load("after") is None and store.load("o-3") is not None
        assert verify(store, signing_key(data_dir).verifier).ok
    assert (data_dir / DATABASE).stat().st_mode & 0o777 == 0o600


def refused(result: Result, data_dir: Path, before: str, expected: str) -> None:
    assert result.exit_code == 1, result.output
    assert expected in result.output and "Nothing was changed." in result.output
    assert digest(data_dir / DATABASE) == before
    assert not (data_dir / BACKUPS_FOLDER).exists()


def test_restore_refuses_a_damaged_file(data_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "damaged.sqlite3"
    assert run("backup", str(copy), data_dir=data_dir).exit_code == 0
    with sqlite3.connect(copy) as connection:
        (page_size,) = connection.execute("PRAGMA page_size").fetchone()
        (root,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'conversations'"
        ).fetchone()
    connection.close()
    content = bytearray(copy.read_bytes())
    start = (root - 1) * page_size
    content[start : start + 12] = b"\x0d\xff\xff\xff\xff" + b"\x00" * 7  # a scrambled header
    copy.write_bytes(bytes(content))
    before = digest(data_dir / DATABASE)
    result = run("restore", str(copy), data_dir=data_dir)
    assert result.exit_code == 1
    assert "integrity check" in result.output or "not a usable SQLite" in result.output
    refused(result, data_dir, before, "Nothing was changed.")


def test_restore_refuses_a_file_that_is_not_a_database(data_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "notes.txt"
    copy.write_text("not a database at all\n" * 200, encoding="utf-8")
    before = digest(data_dir / DATABASE)
    refused(run("restore", str(copy), data_dir=data_dir), data_dir, before, "not a usable SQLite")


def test_restore_refuses_a_newer_schema(data_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "newer.sqlite3"
    assert run("backup", str(copy), data_dir=data_dir).exit_code == 0
    with sqlite3.connect(copy) as connection:
        connection.execute("INSERT INTO migrations VALUES (99, 'from the future', 0)")
    connection.close()
    before = digest(data_dir / DATABASE)
    refused(run("restore", str(copy), data_dir=data_dir), data_dir, before, "made by a newer")


def test_restore_refuses_a_backup_whose_audit_log_was_altered(
    data_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "altered.sqlite3"
    assert run("backup", str(copy), data_dir=data_dir).exit_code == 0
    with sqlite3.connect(copy) as connection:
        connection.execute('UPDATE audit SET event = \'{"kind":"answer2"}\' WHERE leaf = 3')
    connection.close()
    before = digest(data_dir / DATABASE)
    refused(run("restore", str(copy), data_dir=data_dir), data_dir, before, "does not verify")


def test_restore_refuses_a_backup_from_another_forces_key(data_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    with Store.open(other / DATABASE) as store:
        store.save("x", {"phase": "menu"}, expected_version=0, audit=[{"kind": "a"}], now=1.0)
        sign_checkpoint(store, signing_key(other), now=2.0, reason="test")
    before = digest(data_dir / DATABASE)
    refused(
        run("restore", str(other / DATABASE), data_dir=data_dir),
        data_dir,
        before,
        "not signed by this key",
    )


def test_restore_refuses_while_the_bot_runs(data_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "good.sqlite3"
    assert run("backup", str(copy), data_dir=data_dir).exit_code == 0
    before = digest(data_dir / DATABASE)
    with single_instance(data_dir):  # what 'guidebot run' holds while it runs
        result = run("restore", str(copy), data_dir=data_dir)
    refused(result, data_dir, before, "Another guidebot is already running")


def test_the_backup_itself_is_not_changed_by_checking_it(data_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "good.sqlite3"
    assert run("backup", str(copy), data_dir=data_dir).exit_code == 0
    before = digest(copy)
    assert run("restore", str(copy), data_dir=data_dir).exit_code == 0
    assert digest(copy) == before


@pytest.fixture(autouse=True)
def _no_leftovers(tmp_path: Path) -> Iterator[None]:
    yield
    assert not list(tmp_path.rglob("*.partial")) and not list(tmp_path.rglob("*.restoring"))


def test_restoring_into_a_folder_without_its_keys_says_which_to_put_back(tmp_path: Path) -> None:
    """A backup holds no keys: restored to a new folder, the admin is told which to bring."""
    from bot.audit.log import KEY_FILE
    from bot.cli._backup import KEY_FILES
    from bot.keys import PSEUDONYM_KEY_FILE, SEAL_KEY_FILE, Keys

    assert KEY_FILES == (PSEUDONYM_KEY_FILE, SEAL_KEY_FILE, KEY_FILE)
    old = tmp_path / "old"
    with Store.open(old / DATABASE) as store:
        store.save("c-1", {"phase": "menu"}, expected_version=0, audit=[{"kind": "x"}], now=1.0)
    public = signing_key(old).verifier.encoded()
    Keys.open(old)
    copy = tmp_path / "copy.sqlite3"
    runner = CliRunner()
    assert runner.invoke(cli, ["backup", str(copy), "--data-dir", str(old)]).exit_code == 0
    new = tmp_path / "new"
    refused = runner.invoke(cli, ["restore", str(copy), "--data-dir", str(new)])
    assert refused.exit_code == 1
    assert f"there is no audit-signing.key in {new}. Put it back" in refused.output
    assert "--key" in refused.output and "'guidebot run'" not in refused.output
    done = runner.invoke(cli, ["restore", str(copy), "--data-dir", str(new), "--key", public])
    assert done.exit_code == 0, done.output
    assert done.output.splitlines()[-1] == (
        "Before starting guidebot, put pseudonym.key, seal.key, audit-signing.key from your "
        f"secret store in {new}: the backup holds no keys."
    )
    for name in KEY_FILES:
        (new / name).write_bytes((old / name).read_bytes())
    again = runner.invoke(cli, ["restore", str(copy), "--data-dir", str(new), "--key", public])
    assert "Before starting guidebot" not in again.output
