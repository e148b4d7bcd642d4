"""Reading more sets must not cost a line already read: the learnt opinion's refit.

The learnt opinion raises danger the cues found no word of at one line (0.9) and sets the cues'
danger aside under another (0.06). A message learnt from but read just past the wrong side of
its line (0.90 against 0.91) fell over it when another writer's set was learnt. Each labelled
message now comes with the line it must clear (``learnt_line``) and is learnt again until it
clears it by a margin. Messages with no line (the cues decide) and the twins of each case are
checked too. The model here is trained on a few made-up messages: fast, and no set's lines.
"""

from __future__ import annotations

from bot.engine._danger import (
    LEARNT_CATCH,
    LEARNT_QUIET,
    DangerReading,
    learnt_line,
)
from bot.engine._danger_learnt import LearntDanger, Word


def _said(text: str) -> list[Word]:
    return [(word, word, 0) for word in text.split()]


TIMID = "a man in a van is following the girl home from school"
# The same words labelled ordinary by other writers (it was the girl's dad, say): learnt from
# alone, the danger reading sits under the catch line.
ORDINARY_LIKE = [TIMID, TIMID, "the van was parked by the school all morning"]


def _examples(line: float | None) -> list[tuple[list[Word], bool, float | None]]:
    danger = [
        ("hes got a knife to her throat in the kitchen", None),
        ("the baby isnt breathing and has gone blue", None),
        (TIMID, line),
    ]
    return [
        *((_said(text), True, own) for text, own in danger),
        *((_said(text), False, None) for text in ORDINARY_LIKE),
    ]


def test_a_danger_line_read_too_timidly_is_learnt_again() -> None:
    with_line = LearntDanger(_examples(LEARNT_CATCH)).probability(_said(TIMID))
    without = LearntDanger(_examples(None)).probability(_said(TIMID))
    assert with_line > without


def test_an_ordinary_line_read_too_near_danger_is_learnt_again() -> None:
    said = _said(TIMID)
    lined = [
        (words, label, LEARNT_QUIET if not label else line)
        for words, label, line in _examples(None)
    ]
    assert LearntDanger(lined).probability(said) < LearntDanger(_examples(None)).probability(said)


def test_messages_given_without_a_line_train_as_before() -> None:
    plain = [(words, label) for words, label, _ in _examples(None)]
    said = _said(TIMID)
    assert LearntDanger(plain).probability(said) == LearntDanger(_examples(None)).probability(said)


FOUND = DangerReading(("weapon",), frozenset())
NOTHING = DangerReading((), frozenset())
SET_ASIDE = DangerReading((), frozenset(), quieted=frozenset(["over"]))


def test_the_line_is_the_one_the_learnt_opinion_decides_at() -> None:
    # a cue found in a long message: set aside under the quiet line
    assert learnt_line(FOUND, 12, kept=False) == LEARNT_QUIET
    # no cue found in a long message: raised over the catch line
    assert learnt_line(NOTHING, 12, kept=False) == LEARNT_CATCH


def test_no_line_where_the_cues_decide() -> None:
    # a plea for help or a kind the learnt opinion may not set aside: the cues' danger stands
    assert learnt_line(FOUND, 12, kept=True) is None
    # a short message is all cue
    assert learnt_line(FOUND, 4, kept=False) is None
    # too few words for wording alone to raise danger
    assert learnt_line(NOTHING, 3, kept=False) is None
    # danger told and set aside as over: the learnt opinion never raises it again
    assert learnt_line(SET_ASIDE, 12, kept=False) is None
