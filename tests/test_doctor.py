"""``guidebot doctor``: passes on a new install, and each check fails on a real broken setup."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from bot.app import DATABASE
from bot.audit.log import KEY_FILE, AuditError, log_signing_key, sign_checkpoint, signing_key
from bot.channels.telegram import Contacts
from bot.cli import _doctor, cli
from bot.keys import PSEUDONYM_KEY_FILE, SEAL_KEY_FILE, Keys, KeysError, a_new_seal_key
from bot.store import Store
from bot.users import Users, keys_for
from tests.conftest import WarmCache
from tests.fake_bot_api import FakeBotApi

TOKEN = "123456789:AAE-fake-token-for-tests-only_01234"


BUILT: list[Path] = []
"""The knowledge and flows' cache, built once: each new data folder starts with a copy."""


@pytest.fixture(scope="module", autouse=True)
def _built(warm_cache: WarmCache) -> None:
    assert warm_cache.folder.is_dir(), "the build was cached, for every test's new folder"
    BUILT[:] = [warm_cache.folder]


def doctor(data_dir: Path, *args: str, token: str | None = TOKEN, **env: str | None) -> Result:
    if BUILT and BUILT[0].exists() and not data_dir.exists() and data_dir.parent.is_dir():
        data_dir.mkdir(mode=0o700)  # a new install, but the build a first start makes is there
        shutil.copytree(BUILT[0], data_dir / "cache")
    environ: dict[str, str | None] = {
        "GUIDEBOT_DATA_DIR": str(data_dir),
        "TELEGRAM_BOT_TOKEN": token,
        "GUIDEBOT_CONFIG": None,
        "GUIDEBOT_TOKEN_FILE": None,
        **env,
    }
    return CliRunner().invoke(
        cli,
        [*args[:2], "doctor", *args[2:]] if args[:1] == ("--config",) else ["doctor", *args],
        env=environ,
    )


def line(result: Result, name: str) -> str:
    (found,) = [row for row in result.output.splitlines() if row[6:].startswith(f"{name}:")]
    return found


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    """A data folder as a first start leaves it, with a few logged events and a checkpoint."""
    data = tmp_path / "data"
    first = doctor(data)
    assert first.exit_code == 0, first.output
    with Store.open(data / DATABASE) as store:
        store.save("o-1", {"phase": "menu"}, expected_version=0, audit=[{"kind": "x"}], now=1.0)
        store.save("o-2", {"phase": "menu"}, expected_version=0, audit=[{"kind": "y"}], now=2.0)
        sign_checkpoint(store, signing_key(data), now=3.0, reason="test")
    return data


def test_a_new_install_passes_every_check(tmp_path: Path) -> None:
    data = tmp_path / "new"
    result = doctor(data)
    assert result.exit_code == 0, result.output
    names = [row[6:].split(":")[0] for row in result.output.splitlines()]
    assert names == [
        "config",
        "token",
        "knowledge and flows",
        "data folder",
        "pseudonym key",
        "seal key",
        "audit log",
        "speech engine",
        "voice replies",
        "free disk",
        "clock",
    ]
    assert "FAIL" not in result.output
    assert line(result, "speech engine").endswith("pocketsphinx and espeak-ng (the defaults) load")
    assert line(result, "speech engine").startswith("PASS")
    assert line(result, "voice replies").startswith("PASS")
    assert (data / PSEUDONYM_KEY_FILE).exists() and (data / KEY_FILE).exists()
    assert TOKEN not in result.output and TOKEN.split(":")[1] not in result.output


def test_an_install_with_events_and_a_checkpoint_passes(installed: Path) -> None:
    result = doctor(installed)
    assert result.exit_code == 0, result.output
    assert "2 events, 1 checkpoints" in line(result, "audit log")


def test_a_bad_config_fails_its_line_and_the_rest_still_run(tmp_path: Path) -> None:
    config = tmp_path / "guidebot.yaml"
    config.write_text("jurisdiction: scotland\nwebhok: {}\n", encoding="utf-8")
    result = doctor(tmp_path / "data", "--config", str(config))
    assert result.exit_code == 1
    assert line(result, "config").startswith("FAIL")
    assert "jurisdiction" in line(result, "config") and "webhok" in line(result, "config")
    assert line(result, "knowledge and flows").startswith("PASS")
    # the config may name another data folder: nothing is made in the default one
    assert line(result, "data folder") == "SKIP  data folder: fix the config first"
    assert not (tmp_path / "data" / "pseudonym.key").exists()


@pytest.mark.parametrize(
    ("token", "expected"),
    [(None, "No Telegram bot token"), ("not-a-token", "not shaped like a Bot API token")],
)
def test_a_missing_or_malformed_token_fails(
    tmp_path: Path, token: str | None, expected: str
) -> None:
    result = doctor(tmp_path / "data", token=token)
    assert result.exit_code == 1
    assert line(result, "token").startswith("FAIL") and expected in line(result, "token")


def test_an_empty_token_file_fails(tmp_path: Path) -> None:
    empty = tmp_path / "token"
    empty.write_text("\n", encoding="utf-8")
    result = doctor(tmp_path / "data", token=None, GUIDEBOT_TOKEN_FILE=str(empty))
    assert result.exit_code == 1 and "is empty" in line(result, "token")


def test_online_telegram_accepts_the_token_and_the_clock_agrees(
    tmp_path: Path, fake: FakeBotApi
) -> None:
    result = doctor(tmp_path / "data", "--online", "--api-url", fake.base_url, token=fake.token)
    assert result.exit_code == 0, result.output
    assert "Telegram accepts it" in line(result, "token")
    assert line(result, "clock").startswith("PASS")


def test_online_a_revoked_token_fails(tmp_path: Path, fake: FakeBotApi) -> None:
    other = "987654321:" + "x" * 35  # well formed, but not this bot's
    result = doctor(tmp_path / "data", "--online", "--api-url", fake.base_url, token=other)
    assert result.exit_code == 1
    assert "Telegram refused the token" in line(result, "token")


def test_online_an_unreachable_bot_api_fails(tmp_path: Path) -> None:
    result = doctor(tmp_path / "data", "--online", "--api-url", "http://127.0.0.1:9/bot")
    assert result.exit_code == 1 and "could not reach the Bot API" in line(result, "token")


def test_a_clock_far_from_telegrams_warns() -> None:
    ctx = _doctor.Context(None, Path("."), None, None, "", online=True, server_date=1000.0)
    assert _doctor.check_clock(ctx, now=lambda: 1010.0).outcome == "PASS"
    late = _doctor.check_clock(ctx, now=lambda: 1045.0)
    assert late.outcome == "WARN" and "45 s ahead of Telegram's" in late.detail
    early = _doctor.check_clock(ctx, now=lambda: 900.0)
    assert early.outcome == "WARN" and "behind" in early.detail


def test_a_broken_knowledge_base_fails(tmp_path: Path) -> None:
    empty = tmp_path / "knowledge"
    empty.mkdir()
    result = doctor(tmp_path / "data", "--knowledge", str(empty))
    assert result.exit_code == 1
    assert line(result, "knowledge and flows").startswith("FAIL")
    assert "guidebot kb check" in line(result, "knowledge and flows")


def test_a_data_folder_others_can_write_fails(installed: Path) -> None:
    os.chmod(installed, 0o777)
    result = doctor(installed)
    assert result.exit_code == 1
    assert "can be written by others (mode 777): chmod 700" in line(result, "data folder")


def test_a_data_folder_that_is_a_file_fails(tmp_path: Path) -> None:
    file = tmp_path / "data"
    file.write_text("", encoding="utf-8")
    result = doctor(file)
    assert result.exit_code == 1 and line(result, "data folder").startswith("FAIL")
    assert line(result, "pseudonym key").startswith("SKIP")


def test_a_lost_pseudonym_key_is_reported_not_replaced(installed: Path) -> None:
    with Store.open(installed / DATABASE) as store:
        users = Users(store, Keys.open(installed))
        code = users.create_code("officer", now=time.time())
        assert users.redeem("u-officer", code.code, time.time()).enrolled
    (installed / PSEUDONYM_KEY_FILE).unlink()
    result = doctor(installed)
    assert result.exit_code == 1
    with Store.open(installed / DATABASE) as store, pytest.raises(KeysError) as run_says:
        keys_for(store, installed)  # what 'guidebot run' does at its start
    assert line(result, "pseudonym key") == f"FAIL  pseudonym key: {run_says.value}"
    assert "a new key would cut every enrolled officer off" in str(run_says.value)
    assert not (installed / PSEUDONYM_KEY_FILE).exists()
    assert line(result, "seal key").startswith("PASS")  # its own line, not the pseudonym rule


def enrolled_with_a_sealed_chat(data: Path) -> None:
    with Store.open(data / DATABASE) as store:
        users = Users(store, Keys.open(data))
        code = users.create_code("officer", now=time.time())
        assert users.redeem("u-officer", code.code, time.time()).enrolled
        Contacts(store, Keys.open(data)).remember("c-officer", 7012345678, now=time.time())


def test_a_lost_seal_key_is_made_anew_as_run_makes_it_and_warns_what_that_costs(
    installed: Path,
) -> None:
    """Not the pseudonym key's words: a new seal key cuts nobody off, it delays idle notices."""
    enrolled_with_a_sealed_chat(installed)
    (installed / SEAL_KEY_FILE).unlink()
    result = doctor(installed)
    assert result.exit_code == 0, result.output
    assert line(result, "pseudonym key").startswith("PASS")
    assert line(result, "seal key") == "WARN  seal key: " + str(
        a_new_seal_key(installed / SEAL_KEY_FILE, sealed=1)
    )
    assert "cut every enrolled officer off" not in result.output
    assert (installed / SEAL_KEY_FILE).exists()
    again = doctor(installed)
    assert line(again, "seal key") == "PASS  seal key: present, owner-only"


def test_a_lost_seal_key_beside_officers_but_no_sealed_chat_is_made_without_a_warning(
    installed: Path,
) -> None:
    with Store.open(installed / DATABASE) as store:
        users = Users(store, Keys.open(installed))
        code = users.create_code("officer", now=time.time())
        assert users.redeem("u-officer", code.code, time.time()).enrolled
    (installed / SEAL_KEY_FILE).unlink()
    ctx = _doctor.Context(None, installed, None, None, "", online=False)
    assert _doctor.check_data_dir(ctx).outcome == "PASS"
    assert _doctor.check_pseudonym_key(ctx).outcome == "PASS"
    assert _doctor.check_seal_key(ctx) == _doctor.Check(
        "seal key", "PASS", "present, owner-only (made now: no chat id was sealed yet)"
    )


def test_a_seal_key_others_can_read_fails(installed: Path) -> None:
    os.chmod(installed / SEAL_KEY_FILE, 0o644)
    ctx = _doctor.Context(None, installed, None, None, "", online=False)
    assert _doctor.check_data_dir(ctx).outcome == "PASS"
    assert _doctor.check_pseudonym_key(ctx).outcome == "PASS"
    seal = _doctor.check_seal_key(ctx)
    assert seal.outcome == "FAIL" and "chmod 600" in seal.detail


def test_keys_missing_beside_a_database_nothing_relies_on_are_made_not_sent_to_a_backup(
    tmp_path: Path,
) -> None:
    """A console chat opens the database before any key exists: there is no backup to restore."""
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    with Store.open(data / DATABASE) as store:
        store.save("o-1", {"phase": "menu"}, expected_version=0, audit=[{"kind": "x"}], now=1.0)
    ctx = _doctor.Context(None, data, None, None, "", online=False)
    assert _doctor.check_data_dir(ctx).outcome == "PASS" and not ctx.fresh
    keys = _doctor.check_pseudonym_key(ctx)
    assert (keys.outcome, keys.detail.endswith("(made now: nobody enrolled yet)")) == ("PASS", True)
    log = _doctor.check_audit(ctx)
    assert (log.outcome, log.detail.startswith("No signed checkpoint")) == ("WARN", True)
    assert (data / PSEUDONYM_KEY_FILE).exists() and (data / KEY_FILE).exists()


def test_a_pseudonym_key_others_can_read_fails(installed: Path) -> None:
    os.chmod(installed / PSEUDONYM_KEY_FILE, 0o644)
    result = doctor(installed)
    assert result.exit_code == 1 and "chmod 600" in line(result, "pseudonym key")


def test_a_lost_signing_key_is_reported_not_replaced(installed: Path) -> None:
    (installed / KEY_FILE).unlink()
    result = doctor(installed)
    assert result.exit_code == 1
    with Store.open(installed / DATABASE) as store, pytest.raises(AuditError) as run_says:
        log_signing_key(store, installed)  # what 'guidebot run' does at its start
    assert line(result, "audit log") == f"FAIL  audit log: {run_says.value}"
    assert "restore audit-signing.key from your backup" in str(run_says.value)
    assert "those checkpoints cannot be verified" in str(run_says.value)
    assert not (installed / KEY_FILE).exists()


def test_a_tampered_audit_log_fails(installed: Path) -> None:
    with Store.open(installed / DATABASE) as store:
        store._db.execute("UPDATE audit SET event = ? WHERE leaf = 0", ['{"kind":"z"}'])
    result = doctor(installed)
    assert result.exit_code == 1
    assert line(result, "audit log").startswith("FAIL")
    assert "guidebot audit verify" in line(result, "audit log")


def test_a_log_signed_by_another_key_fails(installed: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    signing_key(other)
    shutil.copy(other / KEY_FILE, installed / KEY_FILE)
    result = doctor(installed)
    assert result.exit_code == 1 and "not signed by this key" in line(result, "audit log")


def test_events_with_no_checkpoint_yet_only_warn(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert doctor(data).exit_code == 0
    with Store.open(data / DATABASE) as store:
        store.save("o-1", {"phase": "menu"}, expected_version=0, audit=[{"kind": "x"}], now=1.0)
    result = doctor(data)
    assert result.exit_code == 0, result.output
    assert line(result, "audit log").startswith("WARN")


def config_with_speech(tmp_path: Path, **speech: Any) -> Path:
    path = tmp_path / "guidebot.yaml"
    lines = ["speech:", *(f"  {key}: {value}" for key, value in speech.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_speech_model_that_changed_on_disk_fails(tmp_path: Path) -> None:
    model = tmp_path / "model.bin"
    model.write_bytes(b"the model as shipped")
    config = config_with_speech(
        tmp_path, engine="whisper", model_path=model, model_sha256='"' + "0" * 64 + '"'
    )
    result = doctor(tmp_path / "data", "--config", str(config))
    assert result.exit_code == 1
    assert "does not match speech.model_sha256" in line(result, "speech engine")


def test_a_missing_speech_model_fails(tmp_path: Path) -> None:
    config = config_with_speech(tmp_path, engine="whisper", model_path=tmp_path / "gone.bin")
    result = doctor(tmp_path / "data", "--config", str(config))
    assert result.exit_code == 1 and "is missing" in line(result, "speech engine")


def test_a_speech_engine_without_voice_support_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "bot.voice" else real(name, *a),
    )
    config = config_with_speech(tmp_path, engine="whisper")
    result = doctor(tmp_path / "data", "--config", str(config))
    assert result.exit_code == 1 and "no voice support" in line(result, "speech engine")


def config_with_piper(tmp_path: Path, model: Path, sha256: str) -> Path:
    path = tmp_path / "guidebot.yaml"
    path.write_text(
        f"speaking:\n  engine: piper\n  model_path: {model}\n  model_sha256: '{sha256}'\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("written", "configured", "expected"),
    [
        (None, b"the voice", "does not exist"),
        (b"the voice as published", b"another voice", "does not match its configured SHA-256"),
        (b"the voice as published", b"the voice as published", "piper-tts is not installed"),
    ],
)
def test_a_piper_voice_that_would_not_load_fails(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    written: bytes | None,
    configured: bytes,
    expected: str,
) -> None:
    """A missing model, one changed on disk, and a right one without piper-tts installed."""
    import hashlib
    import sys

    monkeypatch.setitem(sys.modules, "piper", None)  # not installed, even where it is
    model = tmp_path / "en_GB-voice.onnx"
    if written is not None:
        model.write_bytes(written)
    config = config_with_piper(tmp_path, model, hashlib.sha256(configured).hexdigest())
    result = doctor(tmp_path / "data", "--config", str(config))
    assert result.exit_code == 1, result.output
    found = line(result, "voice replies")
    assert found.startswith("FAIL") and expected in found


def test_little_free_disk_warns_but_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        _doctor.shutil,
        "disk_usage",
        lambda _p: shutil._ntuple_diskusage(  # type: ignore[attr-defined]
            10 << 30, (10 << 30) - (200 << 20), 200 << 20
        ),
    )
    result = doctor(tmp_path / "data")
    assert result.exit_code == 0, result.output
    assert line(result, "free disk").startswith("WARN") and "0.20 GB free" in result.output


def test_health_probe_fails_when_nothing_is_listening(tmp_path: Path) -> None:
    config = tmp_path / "guidebot.yaml"
    config.write_text("metrics:\n  port: 9\n", encoding="utf-8")
    started = time.monotonic()
    result = doctor(tmp_path / "data", "--config", str(config), "--health")
    assert result.exit_code == 1 and result.output.startswith("FAIL  health:")
    assert time.monotonic() - started < 10


def test_the_health_probe_imports_nothing_heavy() -> None:
    assert _doctor.DATABASE == DATABASE  # named twice so --health stays light
    import subprocess
    import sys

    probe = (
        "import sys; from bot.cli import _doctor; "
        "print(sorted(m for m in sys.modules if m in ('bot.app', 'bot.engine', 'telegram')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
