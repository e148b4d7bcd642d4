"""Shared fixtures: paths to the project's data and to the shared specification, the shipped
knowledge, flows and engine (built once a session), and the Telegram end-to-end tests' fake Bot
API server, bot process and enrolled officers."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot._cache import FOLDER as CACHE_FOLDER
from bot.app import DATABASE, Settings, load_engine
from bot.channels import load_flows
from bot.engine import Engine, FlowSet
from bot.knowledge import Jurisdiction, KnowledgeBase, load_knowledge
from bot.language import keep_english
from bot.session import Sessions
from bot.store import Store

if TYPE_CHECKING:
    from tests.fake_bot_api import FakeBotApi
    from tests.telegram_harness import BotProcess, Officer

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test may touch the real per-user data directory."""
    data_dir = tmp_path / "guidebot-data"
    monkeypatch.setenv("GUIDEBOT_DATA_DIR", str(data_dir))
    return data_dir


# -- The shipped knowledge, flows and engine, built once a session ------------------------------
# Building them takes seconds (minutes when every module did it on a busy machine). Every step
# is pure and none of them is changed by a test, so tests share one of each; a test that edits
# the files, or watches what a build loads, builds its own.


@cache
def shipped_knowledge(jurisdiction: Jurisdiction | None = None) -> KnowledgeBase:
    """The knowledge shipped with guidebot, for both nations (None) or one, read once."""
    return load_knowledge(jurisdiction=jurisdiction)


@cache
def shipped_flows(jurisdiction: Jurisdiction | None = None) -> FlowSet:
    """The shipped flows, compiled once against :func:`shipped_knowledge`."""
    return load_flows(shipped_knowledge(jurisdiction))


@cache
def shipped_engine(jurisdiction: Jurisdiction | None = None) -> Engine:
    """The engine of the shipped flows and knowledge, built once."""
    return Engine(shipped_flows(jurisdiction), shipped_knowledge(jurisdiction))


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


class WarmCache:
    """A start-up cache as a first start writes it, made once a session.

    A bot, a chat or an app started on a new data folder builds the engine (seconds) and caches
    it; seeded with a copy of this, it reads the engine back instead, as every start after a
    deployment's first does. The key inside the file still decides: a start with other
    knowledge, flows or nation finds its key missing and builds its own.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def seed(self, data_dir: Path) -> Path:
        """Put the cache into ``data_dir`` (made owner-only if it is not there) and return it."""
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.copytree(self.folder, data_dir / CACHE_FOLDER, dirs_exist_ok=True)
        return data_dir


@pytest.fixture(scope="session")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> WarmCache:
    """The cache a first start on the shipped files writes (see :class:`WarmCache`)."""
    first_start = tmp_path_factory.mktemp("first-start")
    load_engine(Settings(data_dir=first_start))
    folder = first_start / CACHE_FOLDER
    assert folder.is_dir(), "a first start caches what it built"
    # and ``guidebot run`` the language pack it reads on import (made here, in-process, after)
    assert keep_english(folder), "the language pack is cached beside the build"
    return WarmCache(folder)


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
