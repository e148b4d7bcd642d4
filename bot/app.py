"""One way to build guidebot from its settings: knowledge, flows, engine and store.

The command line and every channel (the console now; Telegram and voice next) call
:func:`build_app`, so they load and check the same things in the same order and fail with the
same plain message. Nothing here parses arguments or prints: that is the caller's business.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot import _engine_cache
from bot.channels import load_flows
from bot.engine import DEFAULT_IDLE_SECONDS, Engine, FlowError, FlowSet
from bot.knowledge import Jurisdiction, KnowledgeBase, KnowledgeError, load_knowledge
from bot.session import Sessions
from bot.store import Store, StoreError

DATABASE = "guidebot.sqlite3"
"""The database file in the data directory: every conversation's state and the audit log."""


class AppError(Exception):
    """guidebot cannot start: the message says what is wrong and what to do."""


@dataclass(frozen=True)
class Settings:
    """Everything a deployment chooses; each has the default an officer's laptop needs."""

    data_dir: Path
    knowledge_dir: Path | None = None
    flows_dir: Path | None = None
    jurisdiction: Jurisdiction | None = None
    idle_seconds: float = DEFAULT_IDLE_SECONDS
    cache: bool = True
    """Keep what is built from the knowledge, flows and language files in ``data_dir/cache``
    and read it back while they are unchanged (see :mod:`bot._cache`); False always builds."""
    voice_replies: bool = False
    """Answer a voice note with a spoken reply as well as text, unless the officer says not."""
    speech_engine: str | None = None
    """The speech-to-text engine for voice notes (None: voice notes are explained, not read)."""
    speech_model: Path | None = None
    speech_model_sha256: str | None = None
    """The model file's expected SHA-256: a model changed on disk is refused, not loaded."""
    speaking_engine: str = "espeak"
    """The voice replies are read in: espeak (espeak-ng) or piper."""
    speaking_model: Path | None = None
    """piper: the voice model file, loaded only if it matches ``speaking_model_sha256``."""
    speaking_model_sha256: str | None = None

    @property
    def database(self) -> Path:
        """Where the store lives."""
        return self.data_dir / DATABASE


@dataclass
class App:
    """guidebot, built: the engine for the chosen flows and knowledge, and the store."""

    settings: Settings
    knowledge: KnowledgeBase
    flows: FlowSet
    engine: Engine
    store: Store | None
    _sessions: dict[str, Sessions] = field(default_factory=dict, repr=False)

    def sessions(self, channel: str) -> Sessions:
        """The session layer a channel sends its messages through (one per channel name)."""
        if channel not in self._sessions:
            self._sessions[channel] = Sessions(self.engine, self.store, channel=channel)
        return self._sessions[channel]

    def close(self) -> None:
        """Close the store; the app is not used after this."""
        if self.store is not None:
            self.store.close()

    def __enter__(self) -> App:
        """Use the app for the length of a ``with`` block."""
        return self

    def __exit__(self, *_: object) -> None:
        """Close the store however the block ended."""
        self.close()


def open_knowledge_base(
    directory: Path | None, jurisdiction: Jurisdiction | None = None
) -> KnowledgeBase:
    """The knowledge base, checked, or :class:`AppError` saying what a trainer can run."""
    try:
        return load_knowledge(directory, jurisdiction=jurisdiction)
    except (KnowledgeError, FileNotFoundError) as exc:
        raise AppError(
            f"{exc}\nRun 'guidebot kb check' for the full list, fix them and try again."
        ) from exc


def load_engine(settings: Settings) -> tuple[KnowledgeBase, FlowSet, Engine]:
    """The knowledge, flows and engine, each checked, or :class:`AppError` saying what to run.

    Building them takes seconds and reading them back from the cache a tenth of a second, so
    what was built is cached under a hash of every file it was built from and read back while
    none has changed (unless ``settings.cache`` is off). Only what passed every check is ever
    cached, so a broken file is always reported, never hidden by an older build.
    """
    import gc

    cached = _engine_cache.read_engine(settings)
    if cached is not None:
        return cached.knowledge, cached.flows, cached.engine
    knowledge = open_knowledge_base(settings.knowledge_dir, settings.jurisdiction)
    try:
        flows = load_flows(knowledge, settings.flows_dir)
    except (FlowError, FileNotFoundError) as exc:
        raise AppError(f"{exc}\nRun 'guidebot flows check' to see every problem.") from exc
    engine = Engine(flows, knowledge, idle_seconds=settings.idle_seconds)
    _engine_cache.write_engine(settings, _engine_cache.Built(knowledge, flows, engine))
    # What was built lives as long as the process: out of the cyclic collector's sight, its
    # first full collection (a fifth of a second, at an officer's first message) never comes.
    # Building leaves no cyclic garbage to be kept by this, and a discarded engine is still
    # freed (it holds no cycles).
    gc.freeze()
    return knowledge, flows, engine


def build_app(settings: Settings, *, store: bool = True) -> App:
    """Load and check everything a channel needs, then open the store (unless ``store`` is off).

    A channel that keeps nothing (a piped console session) passes ``store=False`` and its
    conversations live in memory only.

    Raises:
        AppError: the knowledge, the flows or the database cannot be used.
    """
    knowledge, flows, engine = load_engine(settings)
    opened: Store | None = None
    if store:
        try:
            opened = Store.open(settings.database)
        except StoreError as exc:
            raise AppError(str(exc)) from exc
    return App(settings, knowledge, flows, engine, opened)
