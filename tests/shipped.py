"""The shipped knowledge, flows and engine, built once a test run however many workers it has.

Building them takes seconds (minutes when every module did it on a busy machine). Every step
is pure and none of them is changed by a test, so tests share one of each; a test that edits
the files, or watches what a build loads, builds its own. The suite runs on several workers
(pytest-xdist), each a process of its own: the first to need a build makes it as a first start
does, into the start-up cache in a folder the run's workers share, and the others read it back
(a tenth of the time), as every start of a deployment after its first does.

A module of its own, not part of ``conftest.py``: pytest imports that as ``conftest`` and the
tests as ``tests.conftest``, two copies, where this is one module however it is reached.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from bot._cache import FOLDER as CACHE_FOLDER
from bot.app import Settings, load_engine
from bot.engine import Engine, FlowSet
from bot.knowledge import Jurisdiction, KnowledgeBase
from bot.language import keep_english

_run_folder: Path | None = None
"""The folder every worker of this run shares, set when the session begins."""


def share_builds_in(folder: Path | None) -> None:
    """Say where this run's workers keep the builds they share (None: the session is over)."""
    global _run_folder
    _run_folder = folder


@contextlib.contextmanager
def one_worker_at_a_time(lock: Path) -> Iterator[None]:
    """Hold ``lock`` against the run's other workers: one builds while the others wait to read.

    Only work is saved: the cache writes each file whole (a temporary file renamed into
    place), so two workers building at once would each still read a whole file, or none.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX: every worker builds its own
        yield
        return
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@cache
def shipped_start(jurisdiction: Jurisdiction | None = None) -> Path:
    """The data folder where the run's first start on the shipped files wrote its cache."""
    assert _run_folder is not None, "builds are shared from the session's start (conftest.py)"
    name = f"shipped-{jurisdiction or 'both'}"
    data_dir = _run_folder / name
    with one_worker_at_a_time(_run_folder / f"{name}.lock"):
        data_dir.mkdir(mode=0o700, exist_ok=True)
        # The first start builds and caches; a later one (another worker) reads the cache.
        load_engine(Settings(data_dir=data_dir, jurisdiction=jurisdiction))
        # and ``guidebot run`` the language pack it reads on import (made here, in-process)
        assert keep_english(data_dir / CACHE_FOLDER), "the language pack is cached beside it"
    assert (data_dir / CACHE_FOLDER).is_dir(), "a first start caches what it built"
    return data_dir


@cache
def _shipped(jurisdiction: Jurisdiction | None) -> tuple[KnowledgeBase, FlowSet, Engine]:
    """The knowledge, flows and engine of the shipped files, read once a worker."""
    return load_engine(Settings(data_dir=shipped_start(jurisdiction), jurisdiction=jurisdiction))


def shipped_knowledge(jurisdiction: Jurisdiction | None = None) -> KnowledgeBase:
    """The knowledge shipped with guidebot, for both nations (None) or one."""
    return _shipped(jurisdiction)[0]


def shipped_flows(jurisdiction: Jurisdiction | None = None) -> FlowSet:
    """The shipped flows, compiled against :func:`shipped_knowledge`."""
    return _shipped(jurisdiction)[1]


def shipped_engine(jurisdiction: Jurisdiction | None = None) -> Engine:
    """The engine of the shipped flows and knowledge."""
    return _shipped(jurisdiction)[2]


class WarmCache:
    """A start-up cache as a first start writes it, made once a run.

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
