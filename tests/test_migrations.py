"""Upgrades: a database from the previous schema, and flows changed under open conversations.

The schema test builds the database as the previous guidebot left it (the store opened with
every migration but the last), with conversations, a logged trail and a signed checkpoint;
the upgrade must keep a backup first, keep every row, and leave a log that still verifies.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.app import DATABASE, Settings, build_app
from bot.audit._merkle import root
from bot.audit.log import Checkpoint, origin_of, signing_key, verify
from bot.engine import Text
from bot.engine._engine import OUTDATED_TEXT
from bot.store import MIGRATIONS, Store
from bot.store import _store as store_module
from bot.store._store import BACKUPS_FOLDER

REPOSITORY = Path(__file__).parent.parent
T0 = 1_800_000_000.0
OFFICER = "o-7QX2"


def build_previous_schema(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The database a guidebot one migration behind would have made and used."""
    with monkeypatch.context() as older:
        older.setattr(store_module, "MIGRATIONS", MIGRATIONS[:-1])
        with Store.open(database) as store:
            assert store.schema_version() == len(MIGRATIONS) - 1
            for number in range(20):
                store.save(
                    f"o-{number}",
                    {"phase": "step", "n": number},
                    expected_version=0,
                    audit=[{"kind": "flow_started"}, {"kind": "answer"}],
                    now=T0 + number,
                )
            # Signed as the previous guidebot signed, from every leaf: it kept no block hashes.
            signer = signing_key(database.parent)
            leaves = store.leaf_hashes()
            checkpoint = Checkpoint(origin_of(signer.verifier), len(leaves), root(leaves))
            store.add_checkpoint(
                checkpoint.size,
                checkpoint.root,
                signer.sign(checkpoint.text()),
                signed_at=T0 + 30,
                reason="test",
            )


def test_the_previous_schema_is_backed_up_then_upgraded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    database = data / DATABASE
    build_previous_schema(database, monkeypatch)
    previous = len(MIGRATIONS) - 1

    with Store.open(database) as store:
        assert store.schema_version() == len(MIGRATIONS)
        assert store.load("o-7") is not None and store.load("o-7").state["n"] == 7  # type: ignore[union-attr]
        assert len(store.audit_events()) == 40
        # The fields reports count, read from every event the previous guidebot logged.
        with sqlite3.connect(database) as raw:
            kinds = raw.execute("SELECT kind, count(*) FROM audit_fields GROUP BY 1").fetchall()
        raw.close()
        assert sorted(kinds) == [("answer", 20), ("flow_started", 20)]
        report = verify(store, signing_key(data).verifier)
        assert report.ok, report.problems

    (kept,) = (data / BACKUPS_FOLDER).glob(f"guidebot.schema-{previous}.*.sqlite3")
    assert kept.stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(kept) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        (version,) = connection.execute("SELECT max(version) FROM migrations").fetchone()
        (rows,) = connection.execute("SELECT count(*) FROM conversations").fetchone()
    connection.close()
    assert (version, rows) == (previous, 20)

    # Opening again (up to date) takes no further backup.
    with Store.open(database):
        pass
    assert len(list((data / BACKUPS_FOLDER).iterdir())) == 1


def test_a_new_database_takes_no_backup(tmp_path: Path) -> None:
    with Store.open(tmp_path / DATABASE):
        pass
    assert not (tmp_path / BACKUPS_FOLDER).exists()


def test_the_backup_before_an_upgrade_restores_with_guidebot_restore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from bot.cli import cli

    data = tmp_path / "data"
    build_previous_schema(data / DATABASE, monkeypatch)
    with Store.open(data / DATABASE):
        pass
    (kept,) = (data / BACKUPS_FOLDER).glob("guidebot.schema-*.sqlite3")
    result = CliRunner().invoke(
        cli, ["restore", str(kept)], env={"GUIDEBOT_DATA_DIR": str(data), "GUIDEBOT_CONFIG": None}
    )
    assert result.exit_code == 0, result.output
    assert "upgraded at the next start, with a backup first" in result.output


# --- flows changed while conversations are open ------------------------------------------------


def flows_copy(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    shutil.copytree(REPOSITORY / "conversations", folder)
    return folder


def open_in_the_middle(data: Path, flows: Path) -> None:
    """An officer starts 'first contact' and answers the first question; then guidebot stops."""
    with build_app(Settings(data_dir=data, flows_dir=flows, cache=False)) as app:
        sessions = app.sessions("telegram")
        sessions.handle(OFFICER, Text("first contact", T0))
        result = sessions.handle(OFFICER, Text("no, the child is safe now", T0 + 10))
        assert result.state.step == "needs"
        assert any("What immediate needs" in reply.text for reply in result.replies)


def test_a_conversation_carries_on_after_a_compatible_flows_upgrade(tmp_path: Path) -> None:
    data = tmp_path / "data"
    flows = flows_copy(tmp_path, "flows")
    open_in_the_middle(data, flows)
    # The upgrade rewords the open question and nothing else the saved state names.
    path = flows / "initial-contact.yaml"
    text = path.read_text(encoding="utf-8")
    reworded = text.replace(
        "What immediate needs have you dealt with so far?",
        "Which of the child's immediate needs have you met so far?",
    )
    assert reworded != text
    path.write_text(reworded, encoding="utf-8")
    with build_app(Settings(data_dir=data, flows_dir=flows, cache=False)) as app:
        sessions = app.sessions("telegram")
        back = sessions.open(OFFICER, T0 + 60)
        texts = [reply.text for reply in back.replies]
        assert any(t.startswith("Picking up where you left off") for t in texts), texts
        assert any("Which of the child's immediate needs" in t for t in texts), texts
        assert back.state.step == "needs"
        answered = sessions.handle(OFFICER, Text("ambulance checked her over", T0 + 70))
        assert answered.state.flow == "initial-contact"
        assert answered.state.answer_to("danger") is not None  # nothing answered was lost
        assert answered.state.answer_to("needs") is not None or answered.state.step == "needs"


def test_a_conversation_whose_step_was_removed_is_told_plainly_and_starts_again(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    flows = flows_copy(tmp_path, "flows")
    open_in_the_middle(data, flows)
    # The upgrade renames the step the officer is on: the saved state no longer fits.
    path = flows / "initial-contact.yaml"
    text = path.read_text(encoding="utf-8")
    renamed = text.replace("\n  needs:\n", "\n  immediate-needs:\n").replace(
        "next: needs\n", "next: immediate-needs\n"
    )
    assert renamed.count("immediate-needs:") == 1
    path.write_text(renamed, encoding="utf-8")
    with build_app(Settings(data_dir=data, flows_dir=flows, cache=False)) as app:
        sessions = app.sessions("telegram")
        back = sessions.open(OFFICER, T0 + 60)
        texts = [reply.text for reply in back.replies]
        assert OUTDATED_TEXT in texts, texts
        assert back.state.phase == "menu"
        assert app.store is not None
        kinds = [event["kind"] for event in app.store.audit_events(OFFICER)]
        assert "state_outdated" in kinds
        # and the officer can start again at once
        again = sessions.handle(OFFICER, Text("first contact", T0 + 70))
        assert again.state.flow == "initial-contact" and again.state.step == "danger"
