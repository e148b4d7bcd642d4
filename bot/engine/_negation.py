"""Negation and "not yet": whether a phrase found in an answer is said the way it is meant.

Negation matters more here than anywhere else in guidebot: "haven't called an ambulance yet"
mentions an ambulance, but it is an outstanding action, not a covered one. The cues come from
``language/en/negation.yaml`` in NegEx's terms: preceding cues deny what follows them, following
cues what came before, and termination words (a new clause) stop either from reaching further.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

from bot.engine._words import LANGUAGE, Word, starts, word_list

_NEGATION = LANGUAGE.negation


def _single(phrases: Sequence[str]) -> frozenset[str]:
    return frozenset(phrase for phrase in word_list(phrases) if " " not in phrase)


def _multi(phrases: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(phrase.split()) for phrase in word_list(phrases) if " " in phrase)


NEGATION_WORDS = _single(_NEGATION.preceding)
"""Words that deny what follows them: "no first aid", "haven't called an ambulance"."""

DENIAL_WORDS = _single(_NEGATION.denial)
"""Negations that can make a finding ("no injuries", "not injured"), not only deny an action."""

PSEUDO_NEGATIONS = _multi(_NEGATION.pseudo)
"""Phrases that look like a negation and deny nothing ("no doubt", "not only")."""

BEFORE_WINDOW = _NEGATION.reach.preceding
"""How many meaningful words back a negation may stand from what it denies."""

AFTER_WINDOW = _NEGATION.reach.following
"""How many words after a phrase an "after" word ("yet", "not done") may stand."""

DENIAL_REACH = _NEGATION.reach.denial
"""A denial makes a finding only when it stands this close ("no visible injuries")."""


@dataclass(frozen=True)
class Cues:
    """The words around a phrase that mean it was not (or not yet) said to be so."""

    before: frozenset[str]
    before_phrases: tuple[tuple[str, ...], ...]
    after: frozenset[str]
    after_phrases: tuple[tuple[str, ...], ...]


FINDING_CUES = Cues(
    before=NEGATION_WORDS | _single(_NEGATION.unfinished.preceding),
    before_phrases=(
        *_multi(_NEGATION.preceding),
        *_multi(_NEGATION.unfinished.preceding),
        *_multi(_NEGATION.unfinished.preceding_phrases),
    ),
    after=_single(_NEGATION.following) | _single(_NEGATION.unfinished.following),
    after_phrases=(
        *_multi(_NEGATION.following),
        *_multi(_NEGATION.unfinished.following),
        *_multi(_NEGATION.unfinished.following_phrases),
    ),
)
"""Cues for any point: "haven't", "no", "waiting for", "yet to", "still need to", "... not yet".

Used for findings ("which signs do you see?"), where "mum needs an interpreter" is a finding,
not a need left unmet.
"""

ACTION_CUES = Cues(
    before=FINDING_CUES.before | _single(_NEGATION.future.preceding),
    before_phrases=(
        *FINDING_CUES.before_phrases,
        *_multi(_NEGATION.future.preceding),
        *_multi(_NEGATION.future.preceding_phrases),
    ),
    after=FINDING_CUES.after | _single(_NEGATION.future.following),
    after_phrases=(
        *FINDING_CUES.after_phrases,
        *_multi(_NEGATION.future.following),
        *_multi(_NEGATION.future.following_phrases),
    ),
)
"""Cues for actions the officer should have taken ("what have you done?"): a point still in the
future ("needs an ambulance", "nan will come", "nan is on her way") is not done either."""

NEGATION_CUES = Cues(
    before=NEGATION_WORDS,
    before_phrases=_multi(_NEGATION.preceding),
    after=_single(_NEGATION.following),
    after_phrases=_multi(_NEGATION.following),
)
"""Only real negations: for naming a choice or a flow, where "need to do a referral" names the
referral rather than putting it off."""

OPENER_CUES = Cues(
    before=NEGATION_WORDS,
    before_phrases=_multi(_NEGATION.preceding),
    after=frozenset(),
    after_phrases=(),
)
"""For naming a flow at the menu: only a negation before the name denies it ("not a referral");
"misper still not turned up" names the missing child, whatever follows."""

PENDING_WORDS = ACTION_CUES.before - NEGATION_WORDS
"""Words that put what follows off, rather than deny it."""

UNFULFILLED_PHRASES = tuple(tuple(phrase.split()) for phrase in word_list(_NEGATION.unfulfilled))
"""What ought to have been done and was not ("should have", "meant to")."""

PENDING_PHRASES = (
    *_multi(_NEGATION.unfinished.preceding),
    *_multi(_NEGATION.unfinished.preceding_phrases),
    *_multi(_NEGATION.future.preceding),
    *_multi(_NEGATION.future.preceding_phrases),
)
"""Phrases that put what follows off ("to be", "will be", "should have"), rather than deny it."""


class _Texts(Sequence[str]):
    """The words' texts, read only where a cue is looked for.

    A cue is looked for around each place a phrase is found; listing every word of a long
    answer for each of them made reading a 4,096-character answer quadratic.
    """

    __slots__ = ("_said",)

    def __init__(self, said: Sequence[Word]) -> None:
        self._said = said

    def __len__(self) -> int:
        return len(self._said)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [word.text for word in self._said[index]]
        return self._said[index].text


def _pseudo_at(texts: Sequence[str], index: int) -> bool:
    return any(
        starts(texts, index - offset, phrase)
        for phrase in PSEUDO_NEGATIONS
        for offset in range(len(phrase))
        if index - offset >= 0
    )


def cue_before(said: Sequence[Word], start: int, cues: Cues) -> str | None:
    """The negation or future word governing the word at ``start``, if any.

    Looks back within the clause, past at most :data:`BEFORE_WINDOW` meaningful words. Returns
    the cue word itself, or "pending" for a phrase such as "going to".
    """
    if start <= 0 or start > len(said):
        return None
    clause = said[start - 1].clause if start == len(said) else said[start].clause
    texts = _Texts(said)
    meaningful = 0
    index = start - 1
    while index >= 0 and said[index].clause == clause and meaningful <= BEFORE_WINDOW:
        word = said[index]
        if word.text in cues.before and not _pseudo_at(texts, index):
            return word.text
        if any(
            starts(texts, index, phrase)
            for phrase in cues.before_phrases
            if not phrase or phrase[0] == word.text  # only a phrase that starts here can stand
        ):
            return "pending"
        if word.stem:
            meaningful += 1
        index -= 1
    return None


def cue_after(said: Sequence[Word], end: int, cues: Cues) -> bool:
    """True when an "after" word ("yet", "not done", "still to do") follows the word at ``end``."""
    if end >= len(said) - 1:
        return False
    clause = said[end].clause
    texts = _Texts(said)
    for index in range(end + 1, min(len(said), end + 1 + AFTER_WINDOW)):
        if said[index].clause != clause:
            return False
        if said[index].text in cues.after:
            return True
        if any(
            starts(texts, index, phrase)
            for phrase in cues.after_phrases
            if not phrase or phrase[0] == said[index].text
        ):
            return True
    return False


def negation_in(said: Sequence[Word], start: int, end: int, accepted: frozenset[str]) -> bool:
    """True when one of ``accepted`` stands in the span or just before it, in the same clause."""
    for index in range(end, max(-1, start - 1 - DENIAL_REACH - 1), -1):
        if said[index].clause != said[end].clause:
            return False
        if said[index].text in accepted:
            return True
    return False
