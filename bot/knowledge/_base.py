"""The knowledge base as the rest of guidebot sees it: entries by id, and a search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bot.knowledge._load import NATION_LABELS, KnowledgeError, read_knowledge
from bot.knowledge._model import Entry, Jurisdiction, SeedBullet, Taxonomy
from bot.knowledge._normalise import english_words, normalise
from bot.knowledge._result import SearchResult

if TYPE_CHECKING:
    from bot.knowledge._match import Matcher


class KnowledgeBase:
    """A validated, read-only knowledge base.

    Build one with :func:`load_knowledge`. The matcher is built on first search, so commands
    that only check or list the base do not pay for it.

    A force is in England or in Wales, never both, so ``jurisdiction`` is a deployment setting:
    when set, search and :meth:`applies` leave out the other nation's entries. ``get`` still
    finds every entry, because flows name both nations' entries and are checked against all.
    An entry for both nations may label a source "England: " or "Wales: " (Working Together
    in one, the Wales Safeguarding Procedures in the other): with a nation set, an officer sees
    only their own nation's sources, unlabelled; with none, every source, labelled.
    """

    def __init__(
        self,
        entries: tuple[Entry, ...],
        taxonomy: Taxonomy,
        bullets: tuple[SeedBullet, ...] = (),
        directory: Path | None = None,
        jurisdiction: Jurisdiction | None = None,
    ) -> None:
        if jurisdiction not in (None, "england", "wales"):
            raise ValueError(f"jurisdiction must be england or wales, not {jurisdiction!r}")
        if jurisdiction is not None:
            entries = tuple(_sources_for(entry, jurisdiction) for entry in entries)
        self.entries = entries
        self.taxonomy = taxonomy
        self.bullets = bullets
        self.directory = directory
        self.jurisdiction = jurisdiction
        self._by_id = {entry.id: entry for entry in entries}

    def applies(self, entry: Entry) -> bool:
        """Whether this entry holds where guidebot is deployed (always, when no nation is set)."""
        return self.jurisdiction is None or entry.jurisdiction in ("both", self.jurisdiction)

    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id, or None."""
        return self._by_id.get(entry_id)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._by_id

    def __len__(self) -> int:
        return len(self.entries)

    def jargon(self) -> frozenset[str]:
        """The base's own words that are no everyday English: "strat", "misper", "ppo", "rso".

        A reader that mends typos (the danger cues, say) must leave these as written: "strat" is
        a strategy discussion, not a slip for "strap".
        """
        english = english_words()
        return frozenset(
            word
            for entry in self.entries
            for text in (entry.title, *entry.terms)
            for word in normalise(text).split()
            if word.isalpha() and word not in english
        )

    @cached_property
    def matcher(self) -> Matcher:
        """The fuzzy matcher over these entries, built once."""
        from bot.knowledge._learnt import read_questions
        from bot.knowledge._match import Matcher

        return Matcher(
            tuple(entry for entry in self.entries if self.applies(entry)),
            topics=self.taxonomy.topics,
            questions=(
                read_questions(self.directory, self.taxonomy.topics)
                if self.directory is not None
                else None
            ),
        )

    def search(self, text: str, limit: int = 5) -> SearchResult:
        """Ranked entries for an officer's free text, with how confident the match is."""
        return self.matcher.search(text, limit=limit)


def _sources_for(entry: Entry, nation: str) -> Entry:
    """The entry with only the sources that hold in ``nation``, its own label dropped."""
    kept: list[str] = []
    for source in entry.source:
        labelled = [n for n, label in NATION_LABELS.items() if source.startswith(label)]
        if not labelled:
            kept.append(source)
        elif labelled[0] == nation:
            kept.append(source.removeprefix(NATION_LABELS[nation]))
    if kept == list(entry.source) or not kept:
        return entry
    return entry.model_copy(update={"source": tuple(kept)})


def load_knowledge(
    directory: Path | None = None,
    today: dt.date | None = None,
    jurisdiction: Jurisdiction | None = None,
) -> KnowledgeBase:
    """Load and validate a knowledge folder (default: the one shipped with guidebot).

    ``jurisdiction`` (england or wales) leaves the other nation's entries out of search.

    Raises:
        KnowledgeError: the base has fatal problems; warnings alone never stop loading.
    """
    loaded = read_knowledge(directory, today=today)
    if not loaded.report.ok:
        raise KnowledgeError(loaded.report)
    return KnowledgeBase(
        loaded.entries, loaded.taxonomy, loaded.bullets, loaded.directory, jurisdiction
    )


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


def warm_up(knowledge: KnowledgeBase | None = None) -> None:
    """Load now what reading and searching text would otherwise load on the first message.

    The English word list that typo-mending checks against (about 0.3 s) and a knowledge
    base's matcher (about 0.1 s) are built on first use, so that commands which never read an
    officer's words do not pay for them. A chat calls this once at start, so that no step does
    I/O and no officer's first message waits.
    """
    english_words()
    if knowledge is not None:
        _ = knowledge.matcher  # a cached property: reading it builds the matcher once
