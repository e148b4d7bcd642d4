"""Shared fixtures: paths to the project's data and to the shared specification."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import DATABASE
from bot.engine import Engine
from bot.session import Sessions
from bot.store import Store

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
