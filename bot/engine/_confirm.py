"""Reading yes, no or not sure, as officers really say it.

"yep", "nah", "dunno", "not yet", "yes already done", "nto sure", "know" (a speech slip for
"no"): each is read to a category. So are answers that mix: "no, actually yes" (the last clear
answer counts), "no but she took a knife from the kitchen" (not a plain no: the bot asks again,
or reads it as not sure where the child's safety depends on it) and "yes and no" (the bot asks
which part). The words come from ``language/en/answers.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from bot.engine._negation import (
    NEGATION_WORDS,
    PENDING_PHRASES,
    PENDING_WORDS,
    UNFULFILLED_PHRASES,
)
from bot.engine._phrases import Phrase, phrases
from bot.engine._points import ADULT_WORDS, CHILD_WORDS, POSSESSIVES
from bot.engine._words import LANGUAGE, has, near, spans, word_list, words
from bot.knowledge import english_words, tokens

_ANSWERS = LANGUAGE.answers

YES_WORDS = word_list((*_ANSWERS.yes, *_ANSWERS.yes_to_all))
NO_WORDS = word_list(_ANSWERS.no)
UNSURE_WORDS = word_list(_ANSWERS.unsure)
NOT_YET_WORDS = word_list(_ANSWERS.not_yet)
"""Something under way but not finished: read as "not yet" (a no), so it stays on the list."""
NOT_NEEDED_WORDS = word_list(_ANSWERS.not_needed)
NOT_NEEDED = "not-needed"
"""The category for "not needed", where a step offers it; elsewhere "not needed" reads as no."""
IDIOMS: dict[str, str] = {words(phrase): verdict for phrase, verdict in _ANSWERS.idioms.items()}
"""Answers whose last word decides ("yeah nah" is a no), or ``ask``: which part is which?"""
SPEECH_SLIPS: dict[str, str] = {
    words(heard): words(meant) for heard, meant in _ANSWERS.speech_slips.items()
}
"""Whole messages that speech recognition produces for a short answer."""
CORRECTIONS = word_list(_ANSWERS.corrections)
CONTRAST = word_list(_ANSWERS.contrast)
RISK_WORDS = word_list(_ANSWERS.risk)
RISK_STEMS = tuple(tuple(tokens(word)) for word in RISK_WORDS)
DONE_WORDS = word_list(_ANSWERS.done)
"""An action said on its own ("requested", "mum told"): done, where the Yes button is Done."""
_DONE_YES = frozenset(phrase for phrase in YES_WORDS if phrase in DONE_WORDS)
"""Yes phrases that say something was done ("done", "done that"): an answer only to a question
about an action. "Is the child in danger right now?" answered "done" says nothing of the child."""

_NEGATED_BY = (frozenset(NEGATION_WORDS) - {"no"}) | {
    words("no one"),
    "noone",
    "nobodys",
    words("no ones"),
}
"""A negation said right before a question's own phrase turns its meaning round: "nobody is in
danger" is no, "no one is safe" is yes. A bare "no" is an answer of its own, not one of these:
"no, not safe" is left to the reading of mixed answers."""
_LINKS = frozenset(["is", "are", "was", "were", "be", "been", "being", "s", "currently", "now"])
"""Words that may stand between such a negation and the phrase ("nobody is in danger")."""

_HEDGES = "|".join(re.escape(hedge) for hedge in word_list(_ANSWERS.unsure_hedges))
UNSURE_PATTERN = re.compile(rf"(?<![a-z0-9])not (?:(?:{_HEDGES}) )?(?:sure|certain)(?![a-z0-9])")
"""'Not really sure', 'not 100% sure': a hedge word between 'not' and 'sure'."""

LEADING_WORDS = 2
"""In an answer of more than three words, a bare yes or no counts only among its first words:
"no, mum's with him" is a no, but in "there is no other way" the "no" answers nothing."""

ASK = "ask"


@dataclass(frozen=True)
class ConfirmReading:
    """How a message answers a yes/no question.

    Attributes:
        outcome: yes, no, unsure, not-needed, or None when it cannot be taken as one.
        mixed: the answer said first when it was followed by something that may change it
            ("no but she took a knife"), or "ask" when the officer said both ("yes and no").
            The step decides whether to ask again or read it as not sure.
        corrected: the officer corrected themselves ("no, actually yes"); ``outcome`` is what
            they said last.
        of_an_adult: an action was said only of an adult ("spoke to mum") at a question about
            the child; ``outcome`` is then None, and the officer is asked about the child.
        earlier: the message opens with a correction ("scratch that, ...") and the rest does
            not answer this question: it changes an earlier answer, which 'back' is for.
        by_someone_else: the question's own words for yes were said of someone else ("nan has
            seen her") at a question about what the officer did with the child.
    """

    outcome: str | None
    mixed: str | None = None
    corrected: bool = False
    of_an_adult: bool = False
    earlier: bool = False
    by_someone_else: bool = False


def _categories(said: str) -> list[tuple[int, int, str]]:
    """The yes, no, not-sure and not-yet phrases of an answer, longest first where they overlap."""
    candidates = [
        (start, end, category)
        for category, vocabulary in (
            ("unsure", UNSURE_WORDS),
            ("no", NO_WORDS),
            ("yes", YES_WORDS),
            ("not-yet", NOT_YET_WORDS),
        )
        for start, end in spans(said, vocabulary)
    ]
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    chosen: list[tuple[int, int, str]] = []
    for start, end, category in candidates:
        if chosen and start < chosen[-1][1]:
            continue
        chosen.append((start, end, category))
    return chosen


def _step_meaning(said: str, step: Mapping[str, Sequence[Phrase]]) -> tuple[bool, str | None]:
    """Whether a question's own phrases were said, and the answer they give (None: they disagree).

    Where phrases overlap the longest wins ("not safe" over "safe"); two different answers
    left standing ("safe now but dad has a knife") are not guessed between.
    """
    candidates = sorted(
        (
            (start, end, category)
            for category, found in step.items()
            for start, end in spans(said, [item.said for item in found if item.said])
        ),
        key=lambda c: (-(c[1] - c[0]), c[0]),
    )
    chosen: list[tuple[int, int, str]] = []
    for start, end, category in candidates:
        if not any(start < other_end and other_start < end for other_start, other_end, _ in chosen):
            chosen.append((start, end, category))
    heard = said.split()
    categories = {
        _OPPOSITE.get(category, category) if _negated(heard, start) else category
        for start, _, category in chosen
    }
    if not categories:
        return False, None
    return True, categories.pop() if len(categories) == 1 else None


_OPPOSITE = {"yes": "no", "no": "yes"}


def _negated(heard: Sequence[str], start: int) -> bool:
    """Whether a negation stands right before the word at ``start``, "is" and "are" aside.

    "nobody is in danger", "no one is at risk", "isnt in danger": the question's yes phrase
    said with a negation before it is a no (and a no phrase a yes: "no one is safe").
    """
    at = start
    while at > 0 and heard[at - 1] in _LINKS:
        at -= 1
    if at > 0 and heard[at - 1] in _NEGATED_BY:
        return True
    if at > 1 and " ".join(heard[at - 2 : at]) in _NEGATED_BY:
        return True
    # "none of them are in danger", "neither of the kids is at risk"
    return any(
        at >= reach and heard[at - reach] in ("none", "neither") and heard[at - reach + 1] == "of"
        for reach in (3, 4)
    )


def corrected_part(text: str) -> str | None:
    """What follows the last self-correction in a message ("arrested, no wait, voluntary")."""
    split = split_at_correction(words(text))
    return split[1] if split is not None else None


def opens_with_correction(text: str) -> bool:
    """Whether a message starts by correcting something said before ("actually, 2 days")."""
    return _opening_correction(words(text)) > 0


def _opening_correction(said: str) -> int:
    """How many words a self-correction takes at the very start ("scratch that, ..."), or 0.

    Only when more follows: "sorry" alone, or "wait", is no correction of anything.
    """
    heard = said.split()
    ends = [end for start, end in spans(said, CORRECTIONS) if start == 0 and end < len(heard)]
    return max(ends, default=0)


def split_at_correction(said: str) -> tuple[str, str] | None:
    """The answer before and after the last self-correction ("no, actually yes"), if any."""
    heard = said.split()
    found = [
        (start, end) for start, end in spans(said, CORRECTIONS) if start > 0 and end < len(heard)
    ]
    if not found:
        return None
    start, end = max(found)
    return " ".join(heard[:start]), " ".join(heard[end:])


def _risky(rest: str, step: Mapping[str, Sequence[Phrase]], against: str) -> bool:
    """Whether what follows "but" may change the answer: a risk, or the step's other answer.

    Words are compared by their stems, so "cuts" is the risk "cut".
    """
    said = set(tokens(rest))
    if any(stems and set(stems) <= said for stems in RISK_STEMS):
        return True
    opposite = [item for category, found in step.items() if category != against for item in found]
    if any(item.stems and set(item.stems) <= said for item in opposite):
        return True
    if against == "yes":
        return any(category == "no" for _, _, category in _categories(rest))
    return False


def _contrast_after(said: str, end: int) -> str | None:
    """What follows a contrast word ("but", "although") said after the answer, if any."""
    heard = said.split()
    found = [(start, stop) for start, stop in spans(said, CONTRAST) if end <= start]
    if not found:
        return None
    _, stop = min(found)
    return " ".join(heard[stop:]) if stop < len(heard) else None


def _done_said(heard: Sequence[str], word: str, *, put_off: bool = False) -> bool:
    """Whether an action word is said, and not denied ("requested", not "not requested").

    Nor put off ("to be requested", "will be notified", "should have told"): with ``put_off``
    True, whether it is said put off, which is not done yet.
    """
    wanted = word.split()
    last = len(heard) - len(wanted)
    # The rest is compared only where the first word is said: a long answer has hundreds.
    starts = (at for at, said in enumerate(heard) if said == wanted[0]) if wanted else range(1)
    for at in starts:
        if at <= last and heard[at : at + len(wanted)] == wanted:
            before = heard[max(0, at - 2) : at]
            if any(w in ("not", "no", "never", "havent", "hasnt", "didnt") for w in before):
                continue
            if _put_off(heard, at) is put_off:
                return True
    return False


_PUT_OFF_REACH = 3
"""How many words before an action word may put it off ("will have been requested")."""


def _put_off(heard: Sequence[str], at: int) -> bool:
    """Whether words just before ``at`` put the action off rather than say it was done."""
    before = tuple(heard[max(0, at - _PUT_OFF_REACH) : at])
    if any(word in PENDING_WORDS for word in before):
        return True
    return any(
        before[i : i + len(phrase)] == phrase
        for phrase in PENDING_PHRASES
        for i in range(len(before) - len(phrase) + 1)
    )


PART_NOT_DONE = (
    "not",
    "havent",
    "hasnt",
    "isnt",
    "wasnt",
    "forgot",
    "missed",
    "still to",
    "yet to",
    "apart from",
    "except",
)
"""After a yes to an action, words that leave part of it undone ("dash done, baby not on")."""


def part_not_done(said: str, after: int) -> bool:
    """Whether something is said to be not done yet after ``after`` ("dash done, baby not on").

    A finding ("search done, nothing known") is no part left undone.
    """
    rest = " ".join(said.split()[after:])
    return any(category == "not-yet" for _, _, category in _categories(rest)) or any(
        has(rest, word) for word in PART_NOT_DONE
    )


def _opens(said: str, label: str) -> bool:
    """Whether a renamed button's own word opens the answer ("later, next shift" for Later).

    Labels that are plain answers ("Yes", "Done", "Not yet") are left to the reading of yes
    and no, which also looks at what follows them ("yes but he has a knife").
    """
    plain = {*YES_WORDS, *NO_WORDS, *UNSURE_WORDS, *NOT_YET_WORDS}
    return label not in plain and said.startswith(label + " ")


def _leads(said: str, idiom: str) -> bool:
    """Whether an idiom that cannot be read ("yes and no") opens a longer message.

    Two-word idioms made of answers ("yes no") are read only whole: "yes, no injuries" is a
    yes that goes on to say something else.
    """
    parts = idiom.split()
    if len(parts) < 3 and parts[0] in {*YES_WORDS, *NO_WORDS}:
        return False
    return said.startswith(idiom + " ")


def _yes_then_but_no(said: str, step: Mapping[str, Sequence[Phrase]]) -> bool:
    """Whether a bare yes opens the answer and only after a "but" come the question's no words.

    "yes but it's been passed to CID" at "anything urgent nobody has acted on?". The other way
    round ("no but he has a knife") the question's own words are read: its yes is the safe side.
    """
    found = _categories(said)
    if not found or found[0][0] != 0 or found[0][2] != "yes":
        return False
    rest = _contrast_after(said, found[0][1])
    if rest is None:
        return False
    heard = said.split()
    before = " ".join(heard[: len(heard) - len(rest.split())])
    return not _step_meaning(before, step)[0] and _step_meaning(rest, step) == (True, "no")


def _step_yes_put_off(said: str, step: Mapping[str, Sequence[Phrase]]) -> bool:
    """Whether every yes phrase of the question said is said as not done ("should have")."""
    heard = said.split()
    found = spans(said, [item.said for item in step.get("yes", ()) if item.said])
    return bool(found) and all(_unfulfilled(heard, start) for start, _ in found)


def _unfulfilled(heard: Sequence[str], at: int) -> bool:
    """Whether words just before ``at`` say it ought to have been done and was not."""
    before = tuple(heard[max(0, at - _PUT_OFF_REACH) : at])
    return any(
        before[i : i + len(phrase)] == phrase
        for phrase in UNFULFILLED_PHRASES
        for i in range(len(before) - len(phrase) + 1)
    )


def _step_answer_then_but_other(
    said: str, step: Mapping[str, Sequence[Phrase]], starts: frozenset[int] = frozenset()
) -> str | None:
    """The answer the question's own words give before a "but" or a new clause, then undone.

    Read only where the question's phrases disagree: what comes first is what the officer
    answered, and what follows qualifies it ("seen her, not alone tho"). None when either side
    is itself mixed.
    """
    heard = said.split()
    breaks = [*spans(said, CONTRAST), *((at, at) for at in sorted(starts) if 0 < at < len(heard))]
    for start, stop in breaks:
        before, after = " ".join(heard[:start]), " ".join(heard[stop:])
        said_before, first = _step_meaning(before, step)
        said_after, then = _step_meaning(after, step)
        if said_before and said_after and first is not None and then is not None:
            return first if first != then else None
    return None


OTHERS = ADULT_WORDS | frozenset(word_list(LANGUAGE.people.professionals))
"""Who an action word may be said of that is not the officer or the child."""
_BEFORE_ACTION = frozenset({"is", "s", "are", "now", "just", "been", "has", "have", "all", "also"})


def _said_of_others(heard: Sequence[str], at: int) -> bool:
    """Whether the action said at ``at`` has an adult or a professional for its subject."""
    before = at - 1
    while before >= 0 and heard[before] in _BEFORE_ACTION:
        before -= 1
    subject = heard[before] if before >= 0 else ""
    return subject in OTHERS or (subject.endswith("s") and subject[:-1] in OTHERS)


def _step_yes_by_others(said: str, step: Mapping[str, Sequence[Phrase]]) -> bool:
    """Whether every one of the question's yes phrases said has someone else for its subject.

    "nan has seen her", "sw has spoken with him": the child was seen, but not by the officer
    the question asks; "seen her, nan here" and "i have seen her" are the officer's.
    """
    heard = said.split()
    found = spans(said, [item.said for item in step.get("yes", ()) if item.said])
    return bool(found) and all(_said_of_others(heard, start) for start, _ in found)


def _done_only_by_others(heard: Sequence[str]) -> bool:
    """Whether every action word said is said of an adult or a professional ("ambos here").

    "ambos here now checking the baby" names the child, but says the paramedics are there,
    not that the officer saw the child; "mum is here, spoke to her" is still the officer's.
    """
    places = [
        (at, len(word.split()))
        for word in DONE_WORDS
        for at in range(len(heard))
        if heard[at : at + len(word.split())] == word.split()
    ]
    if not places:
        return False
    return all(_said_of_others(heard, at) for at, _ in places)


def _adult_word(word: str) -> bool:
    return word in ADULT_WORDS or (word.endswith("s") and word[:-1] in ADULT_WORDS)


def _only_adults(heard: Sequence[str], starts: frozenset[int] = frozenset()) -> bool:
    """Whether words name an adult ("mum", "nan's") and nobody who may be the child.

    A pronoun may be the child ("mum is here, spoke to her"), so it keeps the answer, unless
    it only says whose adult it is: "spoke to her nan" is the nan, not the child. ``starts``
    are where clauses begin, so "spoke to her, nan here" still may be the child.
    """
    named = [
        word
        for at, word in enumerate(heard)
        if word not in CHILD_WORDS
        or (
            word in POSSESSIVES
            and at + 1 < len(heard)
            and at + 1 not in starts
            and _adult_word(heard[at + 1])
        )
    ]
    return len(named) == len(heard) and any(_adult_word(word) for word in named)


def _plain(
    said: str,
    labels: Mapping[str, Sequence[Phrase]],
    step: Mapping[str, Sequence[Phrase]],
    done: bool,
    starts: frozenset[int] = frozenset({0}),
    for_child: bool = False,
    under_way: bool = True,
) -> ConfirmReading:
    """Read an answer holding no self-correction.

    ``starts`` are the word positions where a clause begins ("spoke to sarge, yes we're taking
    it": a yes there answers as a yes at the start would); ``done`` marks a question about an
    action, where something said to be not yet done alongside a yes makes the whole a no;
    ``for_child`` a question about the child, which an action said of an adult does not answer;
    ``under_way`` whether something under way ("on its way") answers the question, as not yet.
    """
    for category, named in labels.items():
        if any(said == item.said or _opens(said, item.said) for item in named):
            return ConfirmReading(category)
    for idiom, verdict in IDIOMS.items():
        if said == idiom or (verdict == ASK and _leads(said, idiom)):
            return ConfirmReading(None, mixed=ASK) if verdict == ASK else ConfirmReading(verdict)
    if step:
        said_one, meant = _step_meaning(said, step)
        if said_one and meant == "no" and _yes_then_but_no(said, step):
            # "yes but it's been passed to CID": what follows may undo the yes, or only say
            # who has it now; never a plain no, so the yes's red flag is not dropped.
            return ConfirmReading(None, mixed="yes")
        if said_one and for_child and meant == "yes" and _step_yes_by_others(said, step):
            return ConfirmReading(None, by_someone_else=True)
        if said_one and done and meant == "yes" and _step_yes_put_off(said, step):
            # "should have told mum by now": the question's own "told mum", still to do.
            return ConfirmReading("no")
        if said_one and meant is None:
            first = _step_answer_then_but_other(said, step, starts)
            if first is not None:
                # "seen him but not alone", "no signs of self harm but she's diabetic": the
                # answer is qualified by what follows, never plain; the step decides how.
                return ConfirmReading(None, mixed=first)
        if said_one:
            return ConfirmReading(meant)
    found = _categories(said)
    unsure = UNSURE_PATTERN.search(said) is not None or any(c == "unsure" for _, _, c in found)
    if unsure:
        return ConfirmReading("unsure")
    if any(has(said, phrase) for phrase in NOT_NEEDED_WORDS):
        return ConfirmReading(NOT_NEEDED if NOT_NEEDED in labels else "no")
    if len(said) <= 12:
        # A typo inside a two-word answer ("nto sure") must not leave only "sure" to read.
        for category, vocabulary in (("unsure", UNSURE_WORDS), ("no", NO_WORDS)):
            if any(" " in p and OSA.distance(said, p) <= 1 for p in vocabulary):
                return ConfirmReading(category)
    heard = said.split()
    if step and not done:
        # A question with its own words for yes and no asks whether something is so ("in
        # danger", "safe"): "done" or "done that" is no answer to it, and is asked again.
        found = [
            (start, end, category)
            for start, end, category in found
            if category != "yes" or " ".join(heard[start:end]) not in _DONE_YES
        ]
    for start, end, category in found:
        leading = any(0 <= start - begin < LEADING_WORDS for begin in starts)
        reported = start > 0 and heard[start - 1] in ("says", "said", "say")
        if len(heard) > 3 and not (leading or reported):
            continue
        if for_child and not reported and start > 0 and _only_adults(heard, starts):
            # "auntie hasnt turned up yet": an answer said of an adult, not of the child.
            return ConfirmReading(None, of_an_adult=True)
        if category == "not-yet" and not under_way:
            # "on its way", "needs doing": something under way answers whether it was done,
            # never whether something is so ("Was a decision made?", "In danger now?").
            continue
        # "yeh defo not": a yes followed at once by a firm no ("definitely not") is that no.
        denied = (end < len(heard) and heard[end] in ("not", "nt", "never")) or any(
            begin == end and kind == "no" and finish - begin > 1 and heard[finish - 1] == "not"
            for begin, finish, kind in found
        )
        if category == "yes" and denied:
            category = "no"
        outcome = "no" if category == "not-yet" else category
        if done and outcome == "yes" and part_not_done(said, end):
            return ConfirmReading(None, mixed="yes")
        rest = _contrast_after(said, end)
        if rest is not None and _risky(rest, step, outcome):
            return ConfirmReading(None, mixed=outcome)
        return ConfirmReading(outcome)
    done_now = done and any(_done_said(heard, word) for word in DONE_WORDS)
    if done and not done_now and any(_done_said(heard, word, put_off=True) for word in DONE_WORDS):
        # "referral to be done", "school will be notified": still to do.
        return ConfirmReading("no")
    if done_now:
        if for_child and (_only_adults(heard, starts) or _done_only_by_others(heard)):
            # "spoke to mum", "mum is here": done, but not with the child the question is about.
            return ConfirmReading(None, of_an_adult=True)
        if part_not_done(said, 0):
            return ConfirmReading(None, mixed="yes")
        # "mum is here but shes drunk": an action word followed by "but" and a risk is no
        # plain "done", as a "yes but" is no plain yes.
        rest = _contrast_after(said, 0)
        if rest is not None and _risky(rest, step, "yes"):
            return ConfirmReading(None, mixed="yes")
        return ConfirmReading("yes")
    if len(heard) <= 2:
        # A word that is a word is meant as written: "hes" is "he's", never a slip for "yes".
        english = english_words()
        guesses = {
            category
            for token in heard
            if token not in english
            for category, vocabulary in (
                ("unsure", UNSURE_WORDS),
                ("no", NO_WORDS),
                ("yes", YES_WORDS),
            )
            if near(token, [v for v in vocabulary if " " not in v])
        }
        if len(guesses) == 1:
            return ConfirmReading(guesses.pop())
    return ConfirmReading(None)


def read_yes_no(
    text: str,
    labels: Mapping[str, Sequence[str | Phrase]] | None = None,
    step: Mapping[str, Sequence[str | Phrase]] | None = None,
    *,
    done: bool = False,
    for_child: bool = False,
    under_way: bool = True,
) -> ConfirmReading:
    """How a message answers a yes/no question (see :class:`ConfirmReading`).

    ``labels`` are the step's renamed buttons ("Later" for no), taken when said exactly;
    ``step`` the question's own ways of saying each answer, read first and anywhere in the
    message; when they disagree the answer is None, so the officer is asked again rather than
    recorded wrongly. ``done`` is True where the Yes button reads "Done": an action said on its
    own ("requested", "mum told") is then a yes, unless ``for_child`` says the question is about
    the child and the action was said only of an adult ("spoke to mum"): see ``of_an_adult``.
    ``under_way`` False is for a question whether something is so ("Was a decision made?"):
    something under way ("on its way to skipper") is then no answer to it.

    Not sure wins over yes and no, except inside a longer phrase ("I don't think so" is a no).
    Something under way ("working on it") is not done yet, so it reads as no and stays on the
    follow-up list. "Not needed" is its own category when ``labels`` offer one, otherwise no.
    A yes phrase that is then denied ("I have not") is a no. When a short answer leads a longer
    message, it decides ("yes, no injuries" is a yes), unless a "but" follows with a risk ("no
    but she took a knife"): then it is ``mixed``. A self-correction ("no, actually yes") counts
    what was said last.
    """
    said = words(text)
    said = SPEECH_SLIPS.get(said, said)
    if not said:
        return ConfirmReading(None)
    compiled_labels = {k: phrases(v) for k, v in (labels or {}).items()}
    compiled_step = {k: phrases(v) for k, v in (step or {}).items()}
    opening = _opening_correction(said)
    if opening:
        # "no wait, first aid done": a correction said first corrects what was said before
        # this message. The rest may still answer this question; if not, it is a change to
        # an earlier answer.
        rest = read_yes_no(
            " ".join(said.split()[opening:]),
            labels,
            step,
            done=done,
            for_child=for_child,
            under_way=under_way,
        )
        if rest.outcome is not None or rest.mixed is not None:
            return rest
        return ConfirmReading(None, earlier=True)
    split = split_at_correction(said)
    if split is not None:
        before, after = split
        last = _plain(
            after, compiled_labels, compiled_step, done, for_child=for_child, under_way=under_way
        )
        if last.outcome is not None:
            return ConfirmReading(last.outcome, corrected=True)
        first = _plain(
            before, compiled_labels, compiled_step, done, for_child=for_child, under_way=under_way
        )
        if first.outcome is not None or first.mixed is not None:
            return first
    plain = _plain(
        said, compiled_labels, compiled_step, done, _clause_starts(text), for_child, under_way
    )
    if plain.outcome in _BARE_ANSWERS and (
        _later_clause_ends_in(text, _BARE_ANSWERS[plain.outcome])
        or _ends_in_the_other_answer(said, plain.outcome)
    ):
        # "yes - name yes, time no", and spoken with no commas, "mum yes LA no": a part
        # answered the other way is no plain answer.
        return ConfirmReading(None, mixed=plain.outcome)
    if plain.outcome is None and plain.mixed is None:
        for outcome in _BARE_ANSWERS:
            if _ends_in_the_other_answer(said, outcome):
                # "kids words yes mums views no": the question's own words for each part
                # disagree, and the answer given first is qualified by the one after.
                return ConfirmReading(None, mixed=outcome)
    if (plain.outcome == "yes" or (done and plain.outcome is None)) and _other_part_denied(said):
        # "one was seen alone the other wasnt", "the older one yes the baby no": one of two
        # done, the other not, is part of it still to do.
        return ConfirmReading(None, mixed="yes")
    return plain


OTHER_PART = word_list(_ANSWERS.other_part)
_DENIALS = frozenset(
    {word for word in NO_WORDS if " " not in word} - {"na", "none", "nothing", "unable"}
) | {"wasn", "isn", "hasn", "didn", "weren", "aren", "haven"}
"""Single words that deny what they follow ("wasnt", "not", "no"): "t" of "wasn t" aside."""
_OTHER_REACH = 4
"""How many words after "the other" its own no may stand ("the other one still hasnt")."""


def _ends_in_the_other_answer(said: str, outcome: str) -> bool:
    """Whether an answer with no commas ends in the other answer: "mum yes LA no".

    A speech recogniser writes no commas, so the parts are told apart by a word that is no
    answer standing between the two. "yes no" and "yeah nah" are idioms, read before this;
    "no, not yet no" has answer words only, and is one answer said twice.
    """
    heard = said.split()
    if len(heard) < 4 or heard[-1] not in _BARE_ANSWERS[outcome]:
        return False
    said_first = {"yes": _BARE_ANSWERS["no"], "no": _BARE_ANSWERS["yes"]}[outcome]
    first = next((at for at, word in enumerate(heard) if word in said_first), None)
    if first is None or first == len(heard) - 1:
        return False
    between = heard[first + 1 : -1]
    plain_words = {*YES_WORDS, *NO_WORDS, *NOT_YET_WORDS, "not", "yet"}
    return any(word not in plain_words for word in between)


def _other_part_denied(said: str) -> bool:
    """Whether, after something said of the first of two, the other is said to be not so.

    "one was seen alone the other wasnt", "the older one yes the baby no". A no already said
    of the first ("one wasnt seen, the other wasnt either") leaves nothing answered yes.
    """
    heard = said.split()
    for start, end in spans(said, OTHER_PART):
        before = heard[:start]
        if not before or any(word in _DENIALS for word in before):
            continue
        if any(word in _DENIALS for word in heard[end : end + _OTHER_REACH]):
            return True
    return False


_BARE_ANSWERS = {
    "yes": frozenset({"no", "nope", "nah", "not"}),
    "no": frozenset({"yes", "yeah", "yep", "yup"}),
}
"""For each answer, the bare words of the other that may end a later clause ("time no")."""


def _later_clause_ends_in(text: str, answers: frozenset[str]) -> bool:
    """Whether a clause after the first ends in one of ``answers`` ("yes, name yes, time no")."""
    clauses = [words(piece).split() for piece in re.split(r"[,.;:!?\n]+|\s[-–—]+\s", text)]
    return any(clause and clause[-1] in answers for clause in clauses[1:])


def _clause_starts(text: str) -> frozenset[int]:
    """The word positions (as :func:`words` reads the text) where a clause begins."""
    starts = [0]
    count = 0
    for piece in re.split(r"[,.;:!?\n]+|\s[-–—]+\s", text)[:-1]:
        count += len(words(piece).split())
        starts.append(count)
    return frozenset(starts)


_BARE_ANSWER_WORDS = frozenset(
    (*YES_WORDS, *NO_WORDS, *UNSURE_WORDS, *NOT_YET_WORDS, *DONE_WORDS, *NOT_NEEDED_WORDS)
)
"""Words that answer any question ("all done", "sorted", "not yet"): none is about one."""


def read_meaning(text: str, step: Mapping[str, Sequence[str | Phrase]]) -> str | None:
    """The answer a question's own phrases give ("significant harm"), never bare yes or no.

    Used where a message was not written as an answer to the question (an opener typed at the
    menu): only words that are about the question count. A phrase of the question's that is
    also a bare answer ("all done" for nothing urgent) says nothing about it there: "record
    check, all done" is the record written, not nothing urgent left in it.
    """
    own = {
        category: [p for p in phrases(found) if p.said not in _BARE_ANSWER_WORDS]
        for category, found in step.items()
    }
    said_one, meant = _step_meaning(words(text), own)
    return meant if said_one else None


def read_confirm(
    text: str,
    extra: Mapping[str, Sequence[str | Phrase]] | None = None,
    phrases: Mapping[str, Sequence[str | Phrase]] | None = None,
) -> str | None:
    """Yes, no or unsure from a short answer, or None if it reads as neither (or is mixed)."""
    return read_yes_no(text, extra, phrases).outcome


_SAID_YES = frozenset({"yes", "yeah", "yep", "yup", "y"})
_SAID_NO = frozenset({"no", "nope", "nah", "n"})


def without_parts_said_no(said: str) -> str:
    """An answer with the parts given a spoken "no" taken out: "in care yes missing before no".

    A speech recogniser writes a tick list read aloud with no commas, each option followed by
    its yes or no. Only a "no" that ends the message, or is followed by another bare yes or no
    (a list of pairs), closes a part: "in care no longer" is no pair.
    """
    heard = said.split()
    marks = [at for at, word in enumerate(heard) if word in _SAID_YES | _SAID_NO]
    closing = [
        at
        for at in marks
        if at > 0 and heard[at] in _SAID_NO and (at == len(heard) - 1 or at != marks[-1])
    ]
    if not closing:
        return said
    kept: list[str] = []
    part: list[str] = []
    for at, word in enumerate(heard):
        if at in marks:
            if word in _SAID_YES or at not in closing:
                kept += part
            part = []
        else:
            part.append(word)
    return " ".join(kept + part)
