"""Which points of a free answer or a checklist an officer's words cover, or only describe.

"What immediate needs have you dealt with?" is answered with what was done ("paramedics
checked her", "nan is with them") but just as often with what is wrong ("she has a cut", "he's
crying", "nan is on her way"). Only the first covers a point; a need described, something still
to come, or something done for another person ("first aid for mum") leaves the point on the
follow-up list, and the bot says which points it took as done so the officer can correct it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.engine._negation import ACTION_CUES, DENIAL_WORDS, FINDING_CUES, Cues
from bot.engine._phrases import Heard, Phrase, covers, phrases
from bot.engine._words import LANGUAGE, Word, word_list

_PEOPLE = LANGUAGE.people
ADULT_WORDS = frozenset(word_list(_PEOPLE.adult))
PRONOUNS = frozenset(word_list(_PEOPLE.pronouns))
POSSESSIVES = frozenset(word_list(_PEOPLE.possessives))
CHILD_WORDS = frozenset(word_list(_PEOPLE.child)) | PRONOUNS
"""Words naming someone: an adult, or the child (a pronoun may stand for the child)."""


@dataclass(frozen=True)
class Point:
    """One point of a text or checklist step, as compiled from its item.

    Attributes:
        id: the item id.
        phrases: words that show the point was done, or for a finding that it is so (with any
            terms borrowed from the item's knowledge entry).
        needs: words that only describe the need ("cut", "crying"): never done.
        unless: words that undo the point in the same clause ("nan is here but drunk").
        for_child: the point is something done for the child, so a clause about an adult
            alone ("paramedics checked mum") does not cover it.
    """

    id: str
    phrases: tuple[Phrase, ...]
    needs: tuple[Phrase, ...] = ()
    unless: frozenset[str] = frozenset()
    for_child: bool = False


@dataclass(frozen=True)
class PointsRead:
    """What a message said about a step's points: covered, described as needed, or to come.

    ``coming`` are points said to be on their way or still to do ("nan is on her way",
    "ambulance called, not here yet"): not done, and said back as such.
    """

    covered: tuple[str, ...] = ()
    described: tuple[str, ...] = ()
    coming: tuple[str, ...] = ()


def points(items: Sequence[tuple[str, Sequence[str | Phrase]]]) -> tuple[Point, ...]:
    """Points from plain (id, phrases) pairs: a test's or a one-off check's shorthand."""
    return tuple(Point(item_id, phrases(texts)) for item_id, texts in items)


def _clause(said: Sequence[Word], span: tuple[int, int]) -> list[Word]:
    clause = said[span[0]].clause if said else 0
    return [word for word in said if word.clause == clause]


def _names(clause: Sequence[Word], people: frozenset[str]) -> bool:
    texts = {word.text for word in clause}
    joined = " ".join(word.text for word in clause)
    return any(word in texts or (" " in word and word in joined) for word in people)


SHE = frozenset(word_list(_PEOPLE.she))
HE = frozenset(word_list(_PEOPLE.he))
WOMEN = frozenset(word_list(_PEOPLE.women))
MEN = frozenset(word_list(_PEOPLE.men))
NOUNS = ADULT_WORDS | (CHILD_WORDS - PRONOUNS)
ONLY_THERE = frozenset(word_list(_PEOPLE.only_there))
"""Words that only say an adult is there ("nan here", "mum arrived")."""


def _only_there(clause: Sequence[Word]) -> bool:
    """Whether a clause only says who is there ("nan here", "mum's just arrived").

    A pronoun after it is not taken to be that adult's: "nan here, reassured her" reassured the
    child, while "mum's got a cut lip, paramedics saw to her" says something of mum.
    """
    said = [word.text for word in clause]
    joined = f" {' '.join(said)} "
    for phrase in sorted(ADULT_WORDS | ONLY_THERE, key=len, reverse=True):
        joined = joined.replace(f" {phrase} ", " ")
    return not joined.strip() and _names(clause, ADULT_WORDS)


def _someone_else(clause: Sequence[Word]) -> bool:
    """True when a clause is about an adult and not the child ("gave mum first aid").

    A possessive is the adult's own ("dad has a cut on his head"); a pronoun standing alone
    may be the child ("nan is with her").
    """
    return (
        _names(clause, ADULT_WORDS)
        and not _names(clause, CHILD_WORDS - PRONOUNS)
        and not _someone_beside(clause, PRONOUNS)
    )


def _someone_beside(clause: Sequence[Word], pronouns: frozenset[str]) -> bool:
    """Whether a pronoun in the clause stands for someone beside the adult it names.

    "nan with her" and "nan sat with her on the sofa": "her" is someone else (the child). A
    pronoun followed by a word that means something is a possessive and may be the adult's own
    ("dad has a cut on his head").
    """
    for at, word in enumerate(clause):
        if word.text in pronouns and (at + 1 == len(clause) or not clause[at + 1].stem):
            return True
    return False


def _for_someone_else(said: Sequence[Word], span: tuple[int, int]) -> bool:
    """Whether what stands at ``span`` was done for an adult, not the child.

    Its clause names an adult and not the child ("first aid for mum"), or it names only a
    pronoun that agrees with the adult named last before it ("mum's got a cut lip, paramedics
    saw to her"); a pronoun that does not agree ("...saw to him") may be the child.
    """
    clause = _clause(said, span)
    if _someone_else(clause):
        return True
    if _names(clause, NOUNS):
        return False
    texts = {word.text for word in clause}
    for people, pronouns in ((WOMEN, SHE), (MEN, HE)):
        if not texts & pronouns:
            continue
        for before in range(said[span[0]].clause - 1, -1, -1):
            earlier = [word for word in said if word.clause == before]
            if _names(earlier, NOUNS):
                return (
                    _names(earlier, people)
                    and not _only_there(earlier)
                    and not _someone_beside(earlier, pronouns)
                    and not _names(earlier, CHILD_WORDS - PRONOUNS)
                )
    return False


def _said_of(said: Sequence[Word], span: tuple[int, int]) -> list[Word]:
    """The words said of what stands at ``span``: its clause, and the next if it names no one.

    "nan is here but drunk" and "nan's here, but she's had a drink" say "drunk" of nan; "nan is
    here, mum is drunk" does not.
    """
    clause = _clause(said, span)
    following = [word for word in said if word.clause == said[span[0]].clause + 1]
    if following and not _names(following, NOUNS):
        return [*clause, *following]
    return clause


def _denies_an_action(point: Point, said: Sequence[Word], span: tuple[int, int]) -> bool:
    """Whether the denial before a finding denies one of the point's actions instead.

    "no injuries" is a check done, but in "not checked for injuries yet" the "not" is of the
    checking: the child has not been looked at, and medical care is still to do.
    """
    actions = {
        item.stems[0] for item in point.phrases if len(item.stems) == 1 and not item.negation
    }
    for index in range(span[0] - 1, -1, -1):
        word = said[index]
        if word.clause != said[span[0]].clause or word.text in DENIAL_WORDS:
            return False
        if word.stem in actions:
            return True
    return False


def _counts(point: Point, heard: Heard, cues: Cues) -> bool:
    for item in point.phrases:
        found = covers(item, heard, cues)
        if not found:
            continue
        if not point.unless and not point.for_child and not item.negation:
            return True
        said = heard.placed
        for span in found:
            if item.negation and _denies_an_action(point, said, span):
                continue
            if point.unless and any(word.text in point.unless for word in _said_of(said, span)):
                continue
            if point.for_child and _for_someone_else(said, span):
                continue
            return True
    return False


def _described(point: Point, heard: Heard) -> bool:
    """Whether the answer describes the point's need, for the child ("mum's cut lip" is not)."""
    for item in point.needs:
        for span in covers(item, heard, FINDING_CUES):
            if not (point.for_child and _for_someone_else(heard.placed, span)):
                return True
    return False


def read_points(text: str, step_points: Sequence[Point], *, actions: bool) -> PointsRead:
    """The points a free answer covers, and those it only describes, in the step's order.

    ``actions`` is True when the points are things the officer should have done (a text step,
    a checklist of things done): then a point said to be still to come ("needs an ambulance",
    "nan will come", "nan is on her way") is not covered either. Otherwise the points are
    findings, and "mum needs an interpreter" is one.

    A phrase counts only when it is said the way it is meant: "haven't called an ambulance yet"
    and "no first aid" leave medical care outstanding, while "no injuries", a phrase the flow
    lists as a completed check, covers it. Terms borrowed from a knowledge entry need every
    word said exactly, close together.
    """
    if not text.strip():
        return PointsRead()
    heard = Heard.of(text)
    if not heard.words:
        return PointsRead()
    cues = ACTION_CUES if actions else FINDING_CUES
    covered: list[str] = []
    described: list[str] = []
    coming: list[str] = []
    for point in step_points:
        if _counts(point, heard, cues):
            covered.append(point.id)
        elif actions and _counts(point, heard, FINDING_CUES):
            coming.append(point.id)  # said, not denied, but not done: on its way or to do
        elif _described(point, heard):
            described.append(point.id)
    return PointsRead(tuple(covered), tuple(described), tuple(coming))


def covered_items(
    text: str, items: Sequence[tuple[str, Sequence[str | Phrase]]], *, actions: bool = False
) -> tuple[str, ...]:
    """The ids of the points a free answer covers (see :func:`read_points`)."""
    return read_points(text, points(items), actions=actions).covered
