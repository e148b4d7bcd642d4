"""Shared fixtures: paths to the project's data and to the shared specification, and the
Telegram end-to-end tests' fake Bot API server, bot process and enrolled officers."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.app import DATABASE
from bot.engine import Engine
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
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The module's bot's data folder."""
    return tmp_path_factory.mktemp("guidebot-data")


@pytest.fixture(scope="module")
def bot(fake: FakeBotApi, data_dir: Path) -> Iterator[BotProcess]:
    """``guidebot run`` for the module's tests, stopped with SIGTERM at the end (exit 0)."""
    from tests.telegram_harness import BotProcess

    with BotProcess(fake, data_dir) as process:
        process.wait_ready(timeout=180)  # a first start builds the engine: slow on a busy machine
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
