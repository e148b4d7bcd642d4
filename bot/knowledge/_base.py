"""The knowledge base as the rest of guidebot sees it: entries by id, and a search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bot.knowledge._load import KnowledgeError, read_knowledge
from bot.knowledge._model import Entry, SeedBullet, Taxonomy
from bot.knowledge._result import SearchResult

if TYPE_CHECKING:
    from bot.knowledge._match import Matcher


class KnowledgeBase:
    """A validated, read-only knowledge base.

    Build one with :func:`load_knowledge`. The matcher is built on first search, so commands
    that only check or list the base do not pay for it.
    """

    def __init__(
        self,
        entries: tuple[Entry, ...],
        taxonomy: Taxonomy,
        bullets: tuple[SeedBullet, ...] = (),
        directory: Path | None = None,
    ) -> None:
        self.entries = entries
        self.taxonomy = taxonomy
        self.bullets = bullets
        self.directory = directory
        self._by_id = {entry.id: entry for entry in entries}

    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id, or None."""
        return self._by_id.get(entry_id)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._by_id

    def __len__(self) -> int:
        return len(self.entries)

    @cached_property
    def matcher(self) -> Matcher:
        """The fuzzy matcher over these entries, built once."""
        from bot.knowledge._match import Matcher

        return Matcher(self.entries)

    def search(self, text: str, limit: int = 5) -> SearchResult:
        """Ranked entries for an officer's free text, with how confident the match is."""
        return self.matcher.search(text, limit=limit)


def load_knowledge(directory: Path | None = None, today: dt.date | None = None) -> KnowledgeBase:
    """Load and validate a knowledge folder (default: the one shipped with guidebot).

    Raises:
        KnowledgeError: the base has fatal problems; warnings alone never stop loading.
    """
    loaded = read_knowledge(directory, today=today)
    if not loaded.report.ok:
        raise KnowledgeError(loaded.report)
    return KnowledgeBase(loaded.entries, loaded.taxonomy, loaded.bullets, loaded.directory)


@dataclass(frozen=True)
class CoverageRow:
    """One seed bullet and the entries that cover it (or why it is out of scope)."""

    bullet: SeedBullet
    entry_ids: tuple[str, ...]

    @property
    def untraced(self) -> bool:
        """In scope for frontline practice, yet no entry covers it."""
        return not self.entry_ids and not self.bullet.out_of_scope


def coverage(base: KnowledgeBase) -> list[CoverageRow]:
    """Trace every seed bullet to the entries that name it in ``traces``."""
    return [
        CoverageRow(
            bullet=bullet,
            entry_ids=tuple(entry.id for entry in base.entries if bullet.id in entry.traces),
        )
        for bullet in base.bullets
    ]
