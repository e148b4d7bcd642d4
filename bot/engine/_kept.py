"""What the engine keeps of an officer's own words: scrubbed, before any event is built.

An unmatched question and a feedback comment are worth keeping, and only by allow-list (see
:mod:`bot.scrub`). The scrub runs here, in the engine, rather than in the session layer as
events are written: the engine is the only place that knows which words were the question (an
``ask`` prefix taken off, a question typed at a step) and that nothing was found, and scrubbing
before the event exists means no event ever holds the raw text, not even in memory on its way
to the console's ``--audit`` stream or a test. The scrub is pure (no clock, no network); the
list of common English words is read when the engine is built, and cached with it.

:mod:`bot.scrub` itself is imported at the first question kept, not with the engine: it brings
the personal-data reader (its YAML and pyspellchecker's word list, about a second), which a
start from the cache must not pay for (``tests/test_startup.py``). The Telegram bot imports it
at start-up anyway, to delete messages holding personal details; a console session pays once,
at its first unmatched question or feedback comment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.engine._compile import KnowledgeSource
from bot.engine._words import ENGLISH_WORDS
from bot.event_fields import COMMENT_LIMIT
from bot.knowledge import KnowledgeBase

_LETTERS = re.compile(r"[^\W\d_]+")


def vocabulary_of(knowledge: KnowledgeSource) -> frozenset[str]:
    """The knowledge base's own words, from its entries' titles and search terms.

    Titles and terms only, never the guidance text: they are the words officers search with
    ("mash", "strategy", "encompass"), written by the base's authors. A single letter ("b" of
    "s47(b)") is left out: alone, it is more likely someone's initial.
    """
    if not isinstance(knowledge, KnowledgeBase):
        return frozenset()
    texts = (text for entry in knowledge.entries for text in (entry.title, *entry.terms))
    return frozenset(word for word in _words(texts) if len(word) > 1)


def _words(texts: Iterable[str]) -> Iterable[str]:
    for text in texts:
        yield from (word.lower() for word in _LETTERS.findall(text))


class Keeper:
    """Scrubs an officer's words against one knowledge base's vocabulary and the common words.

    Args:
        knowledge: the base whose titles and terms are safe to keep.
    """

    def __init__(self, knowledge: KnowledgeSource) -> None:
        self.vocabulary = vocabulary_of(knowledge)
        self.common = ENGLISH_WORDS

    def question(self, text: str) -> str | None:
        """An unmatched question as trainers may see it, or None if nothing but gaps is left."""
        return self._scrubbed(text)

    def comment(self, text: str) -> str | None:
        """A feedback comment, scrubbed and cut to :data:`COMMENT_LIMIT` characters, or None."""
        kept = self._scrubbed(text)
        if kept is None or len(kept) <= COMMENT_LIMIT:
            return kept
        return kept[: COMMENT_LIMIT - 1].rsplit(" ", 1)[0] + "…"

    def _scrubbed(self, text: str) -> str | None:
        """The text scrubbed, unless no word survived: a bare ``[…]`` tells a trainer nothing."""
        from bot.scrub import GAP, scrub_question

        scrubbed = scrub_question(text, self.vocabulary, self.common)
        return scrubbed if _LETTERS.search(scrubbed.replace(GAP, "")) else None
