"""What a knowledge search returns: ranked matches and how sure the matcher is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.knowledge._model import Entry

MatchStatus = Literal["confident", "ambiguous", "none"]


@dataclass(frozen=True)
class Match:
    """One entry and its score, 0 to 100 (higher is closer)."""

    entry: Entry
    score: float


@dataclass(frozen=True)
class SearchResult:
    """Ranked matches for one query.

    ``status`` lets every caller say honestly how sure it is: ``confident`` (lead with the top
    entry), ``ambiguous`` (offer the top options and let the officer choose) or ``none`` (say
    nothing fits and point to a supervisor or specialist advice). ``matches`` is best first and
    may be non-empty even for ``none`` (the closest guesses, for display as such). ``also``
    holds, for a ``confident`` answer, entries of the first one's topic that the search could
    hardly tell from it: shown as related guidance, so leading with one never hides the other.
    """

    query: str
    status: MatchStatus
    matches: tuple[Match, ...]
    also: tuple[Entry, ...] = ()

    def to_json(self) -> dict:
        """The JSON line shape of ``guidebot kb search --json``."""
        return {
            "query": self.query,
            "status": self.status,
            "results": [
                {
                    "id": m.entry.id,
                    "title": m.entry.title,
                    "stage": m.entry.stage,
                    "topics": list(m.entry.topics),
                    "score": round(m.score, 1),
                    "source": list(m.entry.source),
                }
                for m in self.matches
            ],
            "also": [entry.id for entry in self.also],
        }
