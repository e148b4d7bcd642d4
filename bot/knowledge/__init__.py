"""Knowledge: load, validate and search the guidance officers are prompted with.

The public front door; implementation lives in the private modules.
"""

from bot.knowledge._base import CoverageRow, KnowledgeBase, coverage, load_knowledge
from bot.knowledge._load import (
    CheckReport,
    KnowledgeError,
    Problem,
    default_knowledge_dir,
    iter_problems,
    read_knowledge,
)
from bot.knowledge._match import Matcher, phrase_score
from bot.knowledge._model import Entry, Jurisdiction, SeedBullet, Taxonomy
from bot.knowledge._normalise import content, english_words, normalise, tokens
from bot.knowledge._result import Match, MatchStatus, SearchResult


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


__all__ = [
    "CheckReport",
    "CoverageRow",
    "Entry",
    "Jurisdiction",
    "KnowledgeBase",
    "KnowledgeError",
    "Match",
    "MatchStatus",
    "Matcher",
    "Problem",
    "SearchResult",
    "SeedBullet",
    "Taxonomy",
    "content",
    "coverage",
    "default_knowledge_dir",
    "iter_problems",
    "load_knowledge",
    "normalise",
    "phrase_score",
    "read_knowledge",
    "tokens",
    "warm_up",
]
