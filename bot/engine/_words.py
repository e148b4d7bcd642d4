"""Words as the engine reads them: normalised, split into clauses, compared allowing typos.

Normalising comes from the knowledge matcher, so that the bot has one idea of what words mean
("kids" is "child", "forty-eight" is 48). Nothing here keeps what it reads: every function
works on the message in hand and returns; there is no cache an officer's words could outlive
their message in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from bot.knowledge import content, normalise
from bot.language import english, load_common_words

LANGUAGE = english()

EMOJI: dict[str, str] = dict(LANGUAGE.answers.emoji)
_SKIN_TONES_AND_JOINERS = re.compile("[\U0001f3fb-\U0001f3ff\ufe0f\u200d]")


def emoji_said(text: str) -> str:
    """A reply of only emoji ("✅", "👍👍") as the words they stand for; other text as it is.

    The words are then read as any typed answer is. Emoji in a longer message are left alone:
    "👍 mum told" is read as its words.
    """
    plain = "".join(_SKIN_TONES_AND_JOINERS.sub("", text).split())
    meant = {EMOJI.get(mark) for mark in plain}
    if plain and None not in meant and len(meant) == 1:
        return str(meant.pop())
    return text


ENGLISH_WORDS = load_common_words()
"""Everyday English words (language/en/common_words.txt), read once: one of them is never taken
for a typo of another ("sound" is not "wound", "calmer" is not "calmed")."""


def words(text: str) -> str:
    """The text as the matcher sees it, with apostrophes dropped ("don't" reads "dont")."""
    return normalise(text.replace("'", "").replace("’", ""))


def word_list(phrases: Iterable[str]) -> tuple[str, ...]:
    """Phrases from the language pack as :func:`words` reads them, without repeats."""
    return tuple(dict.fromkeys(found for found in map(words, phrases) if found))


def has(haystack: str, phrase: str) -> bool:
    """True when ``phrase`` stands in ``haystack`` as whole words."""
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", haystack) is not None


def near(token: str, vocabulary: Iterable[str], minimum: int = 3) -> str | None:
    """The one vocabulary word this token is a single typo away from, if it is long enough."""
    if len(token) < minimum:
        return None
    close = [word for word in vocabulary if len(word) >= minimum and OSA.distance(token, word) <= 1]
    return close[0] if len(close) == 1 else None


def spans(said: str, vocabulary: Iterable[str]) -> list[tuple[int, int]]:
    """Every (start, end) word span of ``said`` that one of the vocabulary phrases fills."""
    heard = said.split()
    # Where each word stands, so a phrase is only compared where its first word is said: a
    # long answer has hundreds of places, and most phrases share no first word with it.
    places: dict[str, list[int]] = {}
    for at, word in enumerate(heard):
        places.setdefault(word, []).append(at)
    found: list[tuple[int, int]] = []
    for phrase in vocabulary:
        starts_at = places.get(phrase.partition(" ")[0])
        if starts_at is None:
            continue
        wanted = phrase.split()
        last = len(heard) - len(wanted)
        for start in starts_at:
            if start <= last and heard[start : start + len(wanted)] == wanted:
                found.append((start, start + len(wanted)))
    return found


def typo_of(said: str, wanted: str) -> bool:
    """True when a said word is the wanted word with a typo or two, not another word.

    One slip in a short word, two in a long one, or a short form: "ambulence" is "ambulance"
    and "gran" is "granny", but "social" is not "soiled", though the two are 80% alike, and an
    everyday word is never a slip for another: "aunty who seems sound" has no wound in it.
    """
    if min(len(said), len(wanted)) < 4 or not (said.isalpha() and wanted.isalpha()):
        return said == wanted
    if said.startswith(wanted) or wanted.startswith(said):
        return True  # a short form: "gran" for "granny"
    if said in ENGLISH_WORDS and wanted in ENGLISH_WORDS:
        return False
    return OSA.distance(said, wanted) <= (1 if max(len(said), len(wanted)) <= 6 else 2)


def stem_of(word: str) -> str:
    """The meaningful stem of one normalised word, or "" for a stop word.

    The word is already normalised (see :func:`words`), so only the last step of
    :func:`~bot.knowledge.tokens` is left to do: running the whole pipeline again for every
    word of every answer cost a third of a free-text step.
    """
    found = content((word,))
    return found[0] if found else ""


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a message: as read, its stem ("" for a stop word), and its clause."""

    text: str
    stem: str
    clause: int


CLAUSE_WORDS = frozenset(word_list(LANGUAGE.negation.termination))
"""Words that start a new clause, so a negation before them does not reach past them (NegEx's
termination words)."""

CLAUSE_BREAK = re.compile(r"(?:[,;:!?\n()]|\.(?![^\W_]))+|\s[-–—]+\s")
CLAUSE_MARK = "zzclause"
"""Stands in for punctuation that ends a clause while the answer is normalised in one go."""


def clause_words(text: str) -> tuple[Word, ...]:
    """The message's normalised words, each tagged with the clause it stands in."""
    found: list[Word] = []
    clause = 0
    marked = CLAUSE_BREAK.sub(f" {CLAUSE_MARK} ", text.replace("'", "").replace("’", ""))
    stems: dict[str, str] = {}  # each different word stemmed once; dropped with the call
    for word in normalise(marked).split():
        if word in CLAUSE_WORDS or word == CLAUSE_MARK:
            clause += 1
            continue
        stem = stems.get(word)
        if stem is None:
            stem = stems[word] = stem_of(word)
        found.append(Word(word, stem, clause))
    return tuple(found)


def starts(sequence: Sequence[str], at: int, phrase: tuple[str, ...]) -> bool:
    """True when ``phrase`` stands in ``sequence`` from position ``at``."""
    return tuple(sequence[at : at + len(phrase)]) == phrase
