"""Start-up: commands imported only when run, and a cache that changes nothing but the speed.

The engine read back from the cache must answer every golden conversation, every danger
message and every search exactly as the engine built from the files does; a changed input file
must be a new build; a damaged, foreign or unsafe cache file is ignored, never an error.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import weakref
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from bot import _cache, _engine_cache
from bot.app import AppError, Settings, load_engine
from bot.cli import COMMANDS, cli
from bot.engine import Engine, Text, replay
from bot.knowledge import default_knowledge_dir
from bot.language import Language, default_language_dir, english, read_language, read_yaml
from tests.conftest import DATA, ROOT
from tests.shipped import WarmCache

GOLDENS = sorted((ROOT / "tests" / "conversations").glob("*.yaml"))
NOW = 1_800_000_000.0


def _transcript(path: Path) -> dict[str, Any]:
    data = read_yaml(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _cache_file(data_dir: Path) -> Path:
    return data_dir / _cache.FOLDER / _engine_cache.ENGINE_FILE


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The engine as built from the files, no cache involved."""
    data_dir = tmp_path_factory.mktemp("built")
    engine = load_engine(Settings(data_dir=data_dir, cache=False))[2]
    assert not (data_dir / _cache.FOLDER).exists(), "cache off writes nothing"
    return engine


@pytest.fixture(scope="module")
def first_start(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory where a first start has built the engine and cached it."""
    data_dir = tmp_path_factory.mktemp("first-start")
    load_engine(Settings(data_dir=data_dir))
    assert _cache_file(data_dir).is_file()
    return data_dir


@pytest.fixture(scope="module")
def cached(first_start: Path, built: Engine) -> Engine:
    """The engine read back from the cache the first start wrote."""
    settings = Settings(data_dir=first_start)
    assert _engine_cache.read_engine(settings) is not None, "the second start reads the cache"
    engine = load_engine(settings)[2]
    assert engine is not built
    return engine


# --- the cache changes nothing ----------------------------------------------------------------


@pytest.mark.parametrize("path", GOLDENS, ids=[p.stem for p in GOLDENS])
def test_a_cached_engine_replays_every_golden_as_the_built_one(
    path: Path, built: Engine, cached: Engine
) -> None:
    transcript = _transcript(path)
    expected = [(r.replies, r.events, r.state_json) for r in replay(built, transcript)]
    assert [(r.replies, r.events, r.state_json) for r in replay(cached, transcript)] == expected


def test_a_cached_engine_reads_danger_and_searches_as_the_built_one(
    built: Engine, cached: Engine
) -> None:
    danger = _transcript(DATA / "danger_dev.yaml")
    messages = [*danger["danger"], *danger["ordinary"]]
    assert [cached.danger.read(m) for m in messages] == [built.danger.read(m) for m in messages]
    utterances = read_yaml((DATA / "dev_utterances.yaml").read_text(encoding="utf-8"))
    texts = [item["text"] for item in utterances]
    assert [cached.knowledge.search(t) for t in texts] == [built.knowledge.search(t) for t in texts]


def test_a_cached_engine_reads_a_long_message_at_the_menu_as_the_built_one(
    built: Engine, cached: Engine
) -> None:
    text = " ".join(["mum said the lad has a knife and nan is with him now"] * 80)[:4096]
    results = [
        engine.step(engine.start(NOW).state, Text(text, NOW + 1)) for engine in (built, cached)
    ]
    assert results[0] == results[1]


# --- what makes a new build --------------------------------------------------------------------


def _copied_inputs(tmp_path: Path) -> tuple[Path, Path]:
    knowledge = tmp_path / "knowledge"
    flows = tmp_path / "conversations"
    shutil.copytree(default_knowledge_dir(), knowledge)
    shutil.copytree(ROOT / "conversations", flows)
    return knowledge, flows


def _menu(engine: Engine) -> str:
    return engine.start(NOW).replies[0].text


def test_an_edit_is_a_new_build_and_a_broken_edit_is_reported(tmp_path: Path) -> None:
    knowledge, flows = _copied_inputs(tmp_path)
    settings = Settings(data_dir=tmp_path, knowledge_dir=knowledge, flows_dir=flows)
    first = load_engine(settings)
    assert _engine_cache.read_engine(settings) is not None
    # A flow's title changed: the old build is not read, the new one is cached in its place.
    referral = flows / "referral.yaml"
    text = referral.read_text(encoding="utf-8")
    edited = text.replace(f'title: "{first[2].flows["referral"].title}"', 'title: "Referral now"')
    assert edited != text
    referral.write_text(edited, encoding="utf-8")
    assert _engine_cache.read_engine(settings) is None
    assert load_engine(settings)[2].flows["referral"].title == "Referral now"
    assert _engine_cache.read_engine(settings) is not None
    # A knowledge entry's title changed.
    entry = first[0].entries[0]
    path = next(
        p for p in sorted((knowledge / "entries").glob("*.yaml")) if entry.title in p.read_text()
    )
    path.write_text(path.read_text().replace(entry.title, "A new title"), encoding="utf-8")
    assert _engine_cache.read_engine(settings) is None
    assert load_engine(settings)[0].get(entry.id).title == "A new title"  # type: ignore[union-attr]
    # A broken flow is reported, never hidden by the build cached before it.
    referral.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(AppError, match="guidebot flows check"):
        load_engine(settings)


def test_a_changed_language_file_or_nation_is_another_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    entry = _engine_cache.engine_entry(settings)
    assert entry is not None
    wales = _engine_cache.engine_entry(Settings(data_dir=tmp_path / "data", jurisdiction="wales"))
    assert wales is not None and wales[1] != entry[1]
    language = tmp_path / "language" / "en"
    shutil.copytree(default_language_dir(), language)
    monkeypatch.setattr("bot.language.default_language_dir", lambda: language)
    copied = _engine_cache.engine_entry(settings)
    assert copied is not None and copied == _engine_cache.engine_entry(settings), (
        "the key is stable"
    )
    stop_words = language / "stop_words.yaml"
    stop_words.write_text(stop_words.read_text() + "\n# edited\n", encoding="utf-8")
    edited = _engine_cache.engine_entry(settings)
    assert edited is not None and edited[1] != copied[1]


# --- a cache that cannot be trusted is ignored -------------------------------------------------


@pytest.fixture(scope="module")
def pristine(first_start: Path) -> bytes:
    """A cache file as a first start writes it."""
    return _cache_file(first_start).read_bytes()


@pytest.fixture
def written(tmp_path: Path, pristine: bytes) -> Settings:
    """Settings whose cache file is in place and would be read."""
    settings = Settings(data_dir=tmp_path)
    path = _cache_file(tmp_path)
    path.parent.mkdir(mode=0o700)
    path.write_bytes(pristine)
    path.chmod(0o600)
    assert _engine_cache.read_engine(settings) is not None
    return settings


@pytest.mark.parametrize(
    "damage",
    ["truncated", "flipped", "garbage", "empty", "other key", "not an engine", "group writable"],
)
def test_a_damaged_or_unsafe_cache_is_ignored(written: Settings, damage: str) -> None:
    path = _cache_file(written.data_dir)
    data = path.read_bytes()
    entry = _engine_cache.engine_entry(written)
    assert entry is not None
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        path.write_bytes(data[:-100] + bytes([data[-100] ^ 1]) + data[-99:])
    elif damage == "garbage":
        path.write_bytes(b"not a cache at all")
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "other key":
        _cache.write(path, "0" * 64, ("anything",))
    elif damage == "not an engine":
        _cache.write(path, entry[1], ("a", "tuple", "of", "strings"))
    else:
        path.chmod(0o664)
    assert _engine_cache.read_engine(written) is None


def test_a_damaged_cache_is_rebuilt_and_replaced(written: Settings) -> None:
    path = _cache_file(written.data_dir)
    path.write_bytes(path.read_bytes()[:1000])
    engine = load_engine(written)[2]
    assert _menu(engine).startswith("What do you need help with?")
    assert _engine_cache.read_engine(written) is not None, "rebuilt and cached again"


def test_the_cache_is_written_owner_only(first_start: Path) -> None:
    path = _cache_file(first_start)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert [p.name for p in path.parent.iterdir()] == [_engine_cache.ENGINE_FILE], (
        "no temporary left"
    )


def test_a_cached_engine_takes_the_idle_time_of_its_settings(written: Settings) -> None:
    settings = Settings(data_dir=written.data_dir, idle_seconds=600)
    assert _engine_cache.read_engine(settings) is not None
    engine = load_engine(settings)[2]
    assert engine.idle_seconds == 600
    assert engine.start(NOW).state.expires_at == NOW + 600


@pytest.mark.parametrize("cache", [False, True], ids=["built", "read back"])
def test_a_discarded_engine_is_freed_though_kept_from_the_collector(
    written: Settings, cache: bool
) -> None:
    """load_engine puts the engine out of the collector's sight: it must hold no cycles."""
    loaded = load_engine(Settings(data_dir=written.data_dir, cache=cache))
    references = [weakref.ref(part) for part in loaded]
    del loaded
    assert [reference() for reference in references] == [None, None, None]


def test_a_temporary_file_left_by_a_stopped_writer_is_removed(tmp_path: Path) -> None:
    folder = tmp_path / _cache.FOLDER
    folder.mkdir()
    old = folder / f".{_engine_cache.ENGINE_FILE}.99999.tmp"
    recent = folder / f".{_engine_cache.ENGINE_FILE}.99998.tmp"
    old.write_bytes(b"half a cache")
    recent.write_bytes(b"being written now")
    os.utime(old, (1, 1))
    assert _cache.write(folder / _engine_cache.ENGINE_FILE, "0" * 64, ("anything",))
    assert not old.exists() and recent.exists()


def test_a_cache_that_cannot_be_written_only_costs_speed(tmp_path: Path) -> None:
    (tmp_path / _cache.FOLDER).write_text("a file where the folder should be", encoding="utf-8")
    assert not _cache.write(_cache_file(tmp_path), "0" * 64, ("anything",))


def test_no_data_directory_is_created_for_the_cache(tmp_path: Path) -> None:
    assert not _cache.write(_cache_file(tmp_path / "not yet"), "0" * 64, ("anything",))
    assert not (tmp_path / "not yet").exists()


def test_the_environment_variable_turns_the_cache_off(
    written: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(_cache.ENVIRONMENT_VARIABLE, "off")
    assert _engine_cache.read_engine(written) is None
    assert not _cache.write(written.data_dir / _cache.FOLDER / "other.pickle", "0" * 64, (1,))
    assert not (written.data_dir / _cache.FOLDER / "other.pickle").exists()


def test_the_language_pack_is_cached_where_a_command_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_cache, "_folder", None)
    _cache.use_folder(tmp_path)
    read = english.__wrapped__  # the pack as a fresh process reads it
    first = read()
    assert (tmp_path / _cache.FOLDER / "language.pickle").is_file()
    again = read()
    assert isinstance(again, Language) and again is not first
    assert again == first == read_language(default_language_dir())


def test_run_keeps_the_language_pack_in_its_data_folders_cache(tmp_path: Path) -> None:
    """``guidebot run`` names its cache before importing the bot, so a restart reads the pack
    back; here it stops at once for want of a token, after reading the pack."""
    env = {**os.environ, "GUIDEBOT_DATA_DIR": str(tmp_path)}
    for name in ("TELEGRAM_BOT_TOKEN", "GUIDEBOT_TOKEN_FILE", "GUIDEBOT_CONFIG", "GUIDEBOT_CACHE"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert done.returncode == 1 and "token" in done.stderr.lower(), done.stderr
    kept = _cache.read(tmp_path / _cache.FOLDER / "language.pickle", _language_key())
    assert kept == english()


def _language_key() -> str:
    from bot.language import _cache_entry

    return _cache_entry(Path())[1]


# --- the command line --------------------------------------------------------------------------


def test_every_registered_summary_is_its_commands_help() -> None:
    """``guidebot --help`` lists commands from the table: it must say what the help says."""
    for name in cli.list_commands(click.Context(cli)):
        command = cli.commands[name]
        assert command.help is not None
        first_paragraph = " ".join(command.help.split("\n\n")[0].split())
        assert COMMANDS[name].summary == first_paragraph, (
            f"bot/cli/__init__.py: set the summary of '{name}' to {first_paragraph!r}"
        )


def test_a_command_whose_module_is_not_there_is_not_listed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.cli import Registered

    monkeypatch.setitem(COMMANDS, "later", Registered("bot.cli._not_written_yet:later", "Soon."))
    assert "later" not in cli.list_commands(click.Context(cli))
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0 and "later" not in result.output
    assert "chat" in result.output
    assert CliRunner().invoke(cli, ["later"]).exit_code == 2


def _imported_by(arguments: list[str], data_dir: Path) -> set[str]:
    """The modules a fresh ``guidebot ARGUMENTS`` process imports, with no input."""
    script = (
        "import json, sys\n"
        "from bot.cli import cli\n"
        "try:\n"
        f"    cli({arguments!r}, prog_name='guidebot')\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stderr.write(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input="",
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "GUIDEBOT_DATA_DIR": str(data_dir)},
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_help_imports_no_command(tmp_path: Path) -> None:
    imported = _imported_by(["--help"], tmp_path)
    assert not {name for name in imported if name.startswith("bot.cli._")}
    assert "bot.engine" not in imported


def test_chat_imports_only_what_it_uses(tmp_path: Path, warm_cache: WarmCache) -> None:
    # A start after the first: the cache a first start writes (engine and language pack).
    imported = _imported_by(["chat"], warm_cache.seed(tmp_path))
    assert "bot.engine" in imported
    unused = {
        "bot.cli._kb",
        "bot.cli._flows",
        "bot.cli._users",
        "bot.cli._keys",
        "bot.cli._run",
        "ruamel.yaml",  # no YAML is parsed when everything comes from the cache
        "spellchecker",  # its word list comes with the cached engine
    }
    assert imported & unused == set()
