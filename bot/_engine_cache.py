"""The built engine in the start-up cache: knowledge, flows and everything compiled from them.

Kept apart from :mod:`bot._cache`, whose file primitives the language pack also uses, so that
the cache's lowest layer imports nothing of guidebot's and only this module, above the engine,
the knowledge and the channels, knows what an engine is.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple, Protocol

from bot._cache import FOLDER, enabled, files_digest, make_key, read, write
from bot.engine import Engine, FlowSet
from bot.knowledge import KnowledgeBase, adopt_english_words, english_words


class Settings(Protocol):
    """What the cache reads of :class:`bot.app.Settings` (named here, so nothing imports up)."""

    @property
    def data_dir(self) -> Path: ...
    @property
    def knowledge_dir(self) -> Path | None: ...
    @property
    def flows_dir(self) -> Path | None: ...
    @property
    def jurisdiction(self) -> str | None: ...
    @property
    def idle_seconds(self) -> float: ...
    @property
    def cache(self) -> bool: ...


class Built(NamedTuple):
    """What :func:`bot.app.load_engine` builds from the files, as cached."""

    knowledge: KnowledgeBase
    flows: FlowSet
    engine: Engine


ENGINE_FILE = "engine.pickle"


def engine_entry(settings: Settings) -> tuple[Path, str] | None:
    """Where the settings' engine is cached and its key; None when the cache is off for them.

    The key covers every file under the knowledge, flows and language folders (so a trainer's
    edit is a new key), where those folders are, the nation, and :func:`make_key`'s code and
    environment. The idle time is left out: it is applied to the engine after loading. A
    folder that cannot be read gives None, so that the build reports it as usual.
    """
    if not (settings.cache and enabled()):
        return None
    # Looked up when called, so that a test (or a command) pointing a folder elsewhere counts.
    from bot.channels import default_conversations_dir
    from bot.knowledge import default_knowledge_dir
    from bot.language import default_language_dir

    try:
        roots = [
            settings.knowledge_dir or default_knowledge_dir(),
            settings.flows_dir or default_conversations_dir(),
            default_language_dir(),
        ]
        inputs = files_digest(roots)
    except OSError:
        return None
    key = make_key("engine", inputs, settings.jurisdiction or "both")
    return settings.data_dir / FOLDER / ENGINE_FILE, key


def read_engine(settings: Settings) -> Built | None:
    """The engine cached for these settings, with their idle time; None if there is none."""
    entry = engine_entry(settings)
    cached = read(*entry, for_good=True) if entry is not None else None
    if not isinstance(cached, tuple) or len(cached) != len(Built._fields) + 1:
        return None

    english, knowledge, flows, engine = cached
    if not (
        isinstance(english, frozenset)
        and isinstance(knowledge, KnowledgeBase)
        and isinstance(flows, FlowSet)
        and isinstance(engine, Engine)
    ):
        return None
    adopt_english_words(english)
    return Built(knowledge, flows, engine.with_idle_seconds(settings.idle_seconds))


def write_engine(settings: Settings, built: Built) -> bool:
    """Cache a freshly built engine for these settings; False if it could not be."""
    entry = engine_entry(settings)
    if entry is None:
        return False

    # The English word list goes first and is shared: every vocabulary refers to it.
    return write(*entry, (english_words(), *built))
