"""Knowledge: load, validate and search the guidance officers are prompted with.

The public front door; implementation lives in the private modules.
"""

from bot.knowledge._base import CoverageRow, KnowledgeBase, coverage, load_knowledge, warm_up
from bot.knowledge._load import (
    CheckReport,
    KnowledgeError,
    Problem,
    default_knowledge_dir,
    read_knowledge,
)
from bot.knowledge._match import Matcher, PhraseScorer, phrase_score
from bot.knowledge._model import Entry, Jurisdiction, SeedBullet, Taxonomy
from bot.knowledge._normalise import (
    STOP_WORDS,
    adopt_english_words,
    content,
    english_words,
    normalise,
    one_message,
    stem,
    surface_words,
    tokens,
)
from bot.knowledge._result import Match, MatchStatus, SearchResult

__all__ = [
    "STOP_WORDS",
    "CheckReport",
    "CoverageRow",
    "Entry",
    "Jurisdiction",
    "KnowledgeBase",
    "KnowledgeError",
    "Match",
    "MatchStatus",
    "Matcher",
    "PhraseScorer",
    "Problem",
    "SearchResult",
    "SeedBullet",
    "Taxonomy",
    "adopt_english_words",
    "content",
    "coverage",
    "default_knowledge_dir",
    "english_words",
    "load_knowledge",
    "normalise",
    "one_message",
    "phrase_score",
    "read_knowledge",
    "stem",
    "surface_words",
    "tokens",
    "warm_up",
]
