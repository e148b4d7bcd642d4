"""Shared fixtures: paths to the project's data and to the shared specification, the shipped
knowledge, flows and engine (built once a run), and the Telegram end-to-end tests' fake Bot
API server, bot process and enrolled officers."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot._cache import FOLDER as CACHE_FOLDER
from bot.app import DATABASE, App, Settings, build_app, load_engine
from bot.engine import Engine, FlowSet
from bot.knowledge import KnowledgeBase
from bot.reports import Catalogue, build_catalogue
from bot.session import Sessions
from bot.store import Store
from tests.shipped import (
    WarmCache,
    share_builds_in,
    shipped_engine,
    shipped_flows,
    shipped_knowledge,
    shipped_start,
)

if TYPE_CHECKING:
    from tests.fake_bot_api import FakeBotApi
    from tests.telegram_harness import BotProcess, Officer

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"


# The files that take longest, longest first (seconds of one worker's time, summed over a file's
# tests, from `pytest --durations=0` on 3 December 2026 at a load average of 11 on 2 cores, so
# about five times a quiet machine's). pytest-xdist's `--dist=loadfile` hands files out in the
# order they are collected: a long file left to the end holds the whole run up while the other
# worker idles, so these are collected first.
LONGEST_FILES: tuple[str, ...] = (
    "tests/test_startup.py",  # 826 s
    "tests/test_telegram_parts.py",  # 517 s
    "tests/test_telegram.py",  # 305 s
    "tests/test_voice_telegram.py",  # 280 s
    "tests/test_danger.py",  # 248 s
    "tests/test_flows.py",  # 233 s
    "tests/test_jurisdiction.py",  # 224 s
    "tests/test_privacy.py",  # 211 s
    "tests/test_engine.py",  # 202 s
    "tests/test_doctor.py",  # 195 s
    "tests/test_migrations.py",  # 188 s
    "tests/test_voice.py",  # 159 s
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Collect the longest files first, keeping every other test in its usual order."""
    rank = {name: place for place, name in enumerate(LONGEST_FILES)}

    def place(item: pytest.Item) -> int:
        return rank.get(item.nodeid.split("::", 1)[0], len(LONGEST_FILES))

    items.sort(key=place)  # stable: within a file, and among the rest, the order is kept


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test may touch the real per-user data directory."""
    data_dir = tmp_path / "guidebot-data"
    monkeypatch.setenv("GUIDEBOT_DATA_DIR", str(data_dir))
    return data_dir


# -- The shipped knowledge, flows and engine, built once a run (see tests/shipped.py) ----------


@pytest.fixture(scope="session", autouse=True)
def _shared_builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Let :func:`shipped_engine` and the rest share their builds through the run's folder."""
    base = tmp_path_factory.getbasetemp()
    # pytest-xdist makes each worker's folder inside the run's own
    share_builds_in(base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base)
    yield
    share_builds_in(None)


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    """The shipped knowledge base (both nations)."""
    return shipped_knowledge()


@pytest.fixture(scope="session")
def flows() -> FlowSet:
    """The shipped flows."""
    return shipped_flows()


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The engine an officer's laptop runs: the shipped flows and knowledge, both nations."""
    return shipped_engine()


@pytest.fixture(scope="session")
def warm_cache() -> WarmCache:
    """The cache a first start on the shipped files writes (see :class:`WarmCache`)."""
    return WarmCache(shipped_start() / CACHE_FOLDER)


@pytest.fixture(scope="module")
def reporting(
    tmp_path_factory: pytest.TempPathFactory, warm_cache: WarmCache
) -> tuple[App, Catalogue]:
    """An app started on the shipped files with no store, and the reports' catalogue of them.

    The reports tests drive real sessions through the app and count what they log against the
    catalogue; one a module, started from the warm cache.
    """
    data_dir = warm_cache.seed(tmp_path_factory.mktemp("engine"))
    knowledge, flows, _ = load_engine(Settings(data_dir=data_dir))
    return build_app(Settings(data_dir=data_dir), store=False), build_catalogue(flows, knowledge)


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test where it is absent (as in a user's clone)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here; it exists only beside the project's own checkout")
    return path


def console_sessions(engine: Engine, data_dir: Path | None) -> Sessions:
    """The console's session layer: on a database in ``data_dir``, or in memory (None)."""
    store = Store.open(data_dir / DATABASE) if data_dir is not None else None
    return Sessions(engine, store, channel="console")


# -- Telegram end to end: the real ``guidebot run`` against the fake Bot API -------------------
# A test module that takes ``officer`` (or ``bot``) shares one fake server and one bot process
# between its tests, each officer with an account of their own, as a real bot serves many
# officers at once. A module overrides ``data_dir`` to start its bot on a prepared folder;
# tests that stop, kill or restart a bot take ``own_fake`` and start their own.


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeBotApi]:
    """One fake Bot API server for the module's tests."""
    from tests.fake_bot_api import FakeBotApi

    with FakeBotApi.start_in_thread() as api:
        yield api


@pytest.fixture
def own_fake() -> Iterator[FakeBotApi]:
    """A fake Bot API server for one test alone (its bot is started and stopped in the test)."""
    from tests.fake_bot_api import FakeBotApi

    with FakeBotApi.start_in_thread() as api:
        yield api


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, warm_cache: WarmCache) -> Path:
    """The module's bot's data folder, with the start-up cache a first start leaves there."""
    return warm_cache.seed(tmp_path_factory.mktemp("guidebot-data"))


@pytest.fixture(scope="module")
def bot(fake: FakeBotApi, data_dir: Path) -> Iterator[BotProcess]:
    """``guidebot run`` for the module's tests, stopped with SIGTERM at the end (exit 0)."""
    from tests.telegram_harness import BotProcess

    with BotProcess(fake, data_dir) as process:
        process.wait_ready()
        yield process
        code, _out, err = process.stop()
        assert code == 0, err


_officer_ids = itertools.count(7_012_345_600)
"""Realistic 10-digit Telegram ids, a new one for each officer of the session."""


@pytest.fixture
def officer(fake: FakeBotApi, data_dir: Path, bot: BotProcess) -> Officer:
    """A newly enrolled officer of the module's bot."""
    from tests.telegram_harness import Officer

    person = Officer(fake, next(_officer_ids))
    (reply,) = person.enrol(data_dir)
    assert "enrolled" in reply.text
    return person
