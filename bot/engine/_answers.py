"""Reading an officer's answer: yes or no, a choice, the points a free answer covers, a number.

Officers type on a phone, tired and in a hurry, or dictate: "yep", "nah", "dunno", "not yet",
"yes already done", "nto sure", "know" (a speech slip for "no"). Each reader returns a category
or None ("I didn't catch that"); none of them keeps the text. Normalising and fuzzy phrase
matching come from the knowledge matcher so that the bot has one idea of what words mean.

Negation matters more here than anywhere else in guidebot: "haven't called an ambulance yet"
mentions an ambulance, but it is an outstanding action, not a covered one. So every reader that
looks for words inside a longer answer also looks at the few words around them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.engine._schema import (
    AnyStep,
    ChecklistStep,
    ChoiceStep,
    ConfirmStep,
    DurationStep,
    NumberStep,
    TextStep,
)
from bot.knowledge import content, normalise, phrase_score, tokens


def _word_set(text: str) -> frozenset[str]:
    """A set of words written as running text, easier to read and extend than a list."""
    return frozenset(text.split())


PHRASE_THRESHOLD = 80.0
"""How well (0 to 100) an item's phrase must appear in an answer to count it covered."""

OPTION_THRESHOLD = 80.0
"""How well a typed answer must match an option's label or phrases to choose it."""

UNSURE_WORDS = (
    "not sure",
    "unsure",
    "dont know",
    "do not know",
    "don t know",
    "dunno",
    "dno",
    "idk",
    "no idea",
    "no clue",
    "maybe",
    "possibly",
    "perhaps",
    "might be",
    "not certain",
    "uncertain",
    "cant tell",
    "cannot tell",
    "can t tell",
    "cant say",
    "cannot say",
    "unknown",
    "not known",
    "unclear",
    "not clear",
    "no way of knowing",
    "hard to say",
    "think so",
    "probably",
    "i guess",
)
UNSURE_PATTERN = re.compile(
    r"(?<![a-z0-9])not (?:really |totally |entirely |completely |quite |100 |too |very |that )?"
    r"(?:sure|certain)(?![a-z0-9])"
)
"""'Not really sure', 'not 100% sure': a hedge word between 'not' and 'sure'."""

NO_WORDS = (
    "no",
    "n",
    "nah",
    "nope",
    "naw",
    "noo",
    "nay",
    "negative",
    "not",
    "not yet",
    "not done",
    "havent",
    "haven t",
    "have not",
    "hasnt",
    "has not",
    "didnt",
    "didn t",
    "did not",
    "not really",
    "none",
    "never",
    "nothing",
    "no way",
    "not at all",
    "isnt",
    "isn t",
    "is not",
    "wasnt",
    "was not",
    "arent",
    "are not",
    "not that i know of",
    "not as far as i know",
    "not that i am aware",
    "not that im aware",
)
YES_WORDS = (
    "yes",
    "yeah",
    "yea",
    "yep",
    "yup",
    "ya",
    "yah",
    "yas",
    "yess",
    "aye",
    "y",
    "affirmative",
    "correct",
    "sure",
    "definitely",
    "absolutely",
    "of course",
    "done",
    "all done",
    "already done",
    "already",
    "did it",
    "sorted",
    "completed",
    "it is",
    "they are",
    "i have",
    "we have",
    "have done",
    "in hand",
    "roger",
)
NOT_YET_WORDS = (
    "working on it",
    "on it",
    "in progress",
    "doing it now",
    "doing it",
    "doing that now",
    "about to",
    "going to",
    "gonna",
    "will do",
    "will do it",
    "on the way",
    "on its way",
    "in the process",
    "sorting it",
    "sorting it now",
    "arranging it",
    "pending",
    "waiting",
    "waiting for",
    "still waiting",
)
"""Something under way but not finished: read as "not yet" (a no), so it stays on the list."""

NOT_NEEDED_WORDS = (
    "not needed",
    "not required",
    "no need",
    "not necessary",
    "not relevant",
    "not applicable",
    "doesnt apply",
    "does not apply",
    "n a",
)
NOT_NEEDED = "not-needed"
"""The category for "not needed", where a step offers it; elsewhere "not needed" reads as no."""

IDIOMS = {
    "yeah nah": "no",
    "yea nah": "no",
    "yeah no": "no",
    "yes no": None,
    "nah yeah": "yes",
    "no yeah": "yes",
}
"""Two-word answers whose last word decides ("yeah nah" is a no), or that cannot be read."""

SPEECH_SLIPS = {"know": "no", "knot sure": "not sure", "yes sir": "yes"}
"""Whole messages that speech recognition produces for a short answer."""

ACKNOWLEDGE_WORDS = (
    "understood",
    "ok",
    "okay",
    "k",
    "kk",
    "done",
    "yes",
    "yeah",
    "yep",
    "will do",
    "got it",
    "noted",
    "ack",
    "acknowledged",
    "on it",
    "roger",
    "roger that",
    "copy",
    "copy that",
    "got that",
    "agreed",
    "i understand",
    "read",
    "seen",
)
COURTESY_WORDS = _word_set("thanks thank you cheers ta sarge skipper boss mate sir maam now")
"""Words around an acknowledgement that do not change it ("ok thanks", "will do sarge")."""

FUZZY_ACK_MIN = 5
"""An acknowledgement is recognised with one typo only when it is at least this long."""

COMMANDS: dict[str, tuple[str, ...]] = {
    "back": ("back", "go back", "undo", "previous", "prev", "back one"),
    "skip": ("skip", "skip this", "skip it", "skip question"),
    "cancel": ("cancel", "stop", "quit", "exit", "abort", "cancel this", "end this"),
    "menu": ("menu", "main menu", "start again", "restart", "start over", "new", "new job"),
    "help": ("help", "commands", "what can i say", "what can i type", "how does this work"),
    "summary": ("summary", "summarise", "summarize", "sum up", "recap", "progress", "so far"),
    "why": ("why", "why is that", "more info", "tell me more", "explain", "why does it matter"),
}
ASK_PREFIXES = ("ask",)
"""Only an explicit 'ask ...' (or a message ending in '?') is a knowledge search: 'search done
on niche' and 'find the mum' are answers, not requests."""

PLAUSIBLE_WORD = 70.0
"""A phrase is scored in full only when one of its words is at least this close to a word said."""

FUZZY_COMMAND_MIN = 4
"""Single-word commands at least this long are also recognised with one typo."""


def command_words() -> dict[str, str]:
    """Every word or phrase that works at any step, as the matcher normalises it, by command.

    ``flows check`` refuses an option, label or phrase equal to one of these: typed, it would
    be read as the command, never as the answer.
    """
    found = {words(phrase): name for name, phrases in COMMANDS.items() for phrase in phrases}
    return found | {words(prefix): "ask" for prefix in ASK_PREFIXES}


# --- negation ------------------------------------------------------------------------------

NEGATION_WORDS = _word_set("""
    no not never none without nor neither cant cannot unable
    havent hasnt hadnt didnt dont doesnt couldnt wont wouldnt isnt arent wasnt werent shouldnt
    """)
"""Words that deny what follows them: "no first aid", "haven't called an ambulance"."""

DENIAL_WORDS = frozenset({"no", "not", "none", "without", "never", "nil", "zero"})
"""Negations that can make a finding ("no injuries", "not injured"), not only deny an action."""


@dataclass(frozen=True)
class Cues:
    """The words around a phrase that mean it was not (or not yet) said to be so."""

    before: frozenset[str]
    before_phrases: tuple[tuple[str, ...], ...]
    after: frozenset[str]
    after_phrases: tuple[tuple[str, ...], ...]


FINDING_CUES = Cues(
    before=NEGATION_WORDS | {"waiting", "awaiting"},
    before_phrases=(("yet", "to"), ("still", "to"), ("need", "to"), ("needs", "to")),
    after=_word_set("yet not outstanding pending tbc todo"),
    after_phrases=(("to", "do"), ("still", "to"), ("to", "be", "done")),
)
"""Cues for any point: "haven't", "no", "waiting for", "yet to", "still need to", "... not yet".

Used for findings ("which signs do you see?"), where "mum needs an interpreter" is a finding,
not a need left unmet.
"""

ACTION_CUES = Cues(
    before=FINDING_CUES.before | _word_set("need needs will gonna"),
    before_phrases=(
        *FINDING_CUES.before_phrases,
        ("going", "to"),
        ("about", "to"),
        ("trying", "to"),
        ("have", "to"),
        ("has", "to"),
        ("to", "be"),
    ),
    after=FINDING_CUES.after | _word_set("needed required later awaited will"),
    after_phrases=(*FINDING_CUES.after_phrases, ("to", "follow"), ("needs", "doing")),
)
"""Cues for actions the officer should have taken ("what have you done?"): a point still in the
future ("needs an ambulance", "nan will come", "ambulance needed") is not done either."""

PENDING_WORDS = ACTION_CUES.before - NEGATION_WORDS
"""Words that put what follows off, rather than deny it."""

CLAUSE_WORDS = _word_set(
    "and but so then because although though however whereas while whilst plus also"
)
"""Words that start a new clause, so a negation before them does not reach past them."""

CLAUSE_BREAK = re.compile(r"[.,;:!?\n()]+|\s[-–—]+\s")

BEFORE_WINDOW = 4
"""How many meaningful words back a negation may stand from what it denies."""

AFTER_WINDOW = 3
"""How many words after a phrase an "after" word ("yet", "not done") may stand."""

DENIAL_REACH = 2
"""A denial makes a finding only when it stands this close ("no visible injuries")."""

WORD_SIMILARITY = 75.0
"""How alike (0 to 100) two words must be for the matcher's phrase score to count them."""


class KnowledgeTerm(str):
    """A term borrowed from the knowledge entry an item names, not written for the item.

    Terms are weaker evidence than the item's own phrases: they count only when every one of
    their meaningful words is said, close together, with no typo allowance, and never when
    denied.
    """

    __slots__ = ()


def _stem(word: str) -> str:
    """The meaningful stem of one normalised word, or "" for a stop word.

    The word is already normalised (see :func:`words`), so only the last step of
    :func:`~bot.knowledge.tokens` is left to do: running the whole pipeline again for every
    word of every answer cost a third of a free-text step.
    """
    found = content((word,))
    return found[0] if found else ""


@lru_cache(maxsize=8192)
def _phrase_stem(word: str) -> str:
    """:func:`_stem` for a word of a flow's own phrases, cached.

    Only the flow author's words are cached: an officer's words must not outlive the message
    that carried them, so their stems are worked out afresh each time.
    """
    return _stem(word)


@dataclass(frozen=True)
class _Word:
    text: str
    stem: str
    clause: int


CLAUSE_MARK = "zzclause"
"""Stands in for punctuation that ends a clause while the answer is normalised in one go."""


def _clause_words(text: str) -> tuple[_Word, ...]:
    """The answer's normalised words, each tagged with the clause it stands in."""
    found: list[_Word] = []
    clause = 0
    marked = CLAUSE_BREAK.sub(f" {CLAUSE_MARK} ", text.replace("'", "").replace("’", ""))
    for word in normalise(marked).split():
        if word in CLAUSE_WORDS or word == CLAUSE_MARK:
            clause += 1
            continue
        found.append(_Word(word, _stem(word), clause))
    return tuple(found)


def _starts(sequence: Sequence[str], at: int, phrase: tuple[str, ...]) -> bool:
    return tuple(sequence[at : at + len(phrase)]) == phrase


def _cue_before(said: Sequence[_Word], start: int, cues: Cues) -> str | None:
    """The negation or future word governing the word at ``start``, if any.

    Looks back within the clause, past at most :data:`BEFORE_WINDOW` meaningful words. Returns
    the cue word itself, or "pending" for a phrase such as "going to".
    """
    if start <= 0 or start > len(said):
        return None
    clause = said[start - 1].clause if start == len(said) else said[start].clause
    texts = [word.text for word in said]
    meaningful = 0
    index = start - 1
    while index >= 0 and said[index].clause == clause and meaningful <= BEFORE_WINDOW:
        word = said[index]
        if word.text in cues.before:
            return word.text
        if any(_starts(texts, index, phrase) for phrase in cues.before_phrases):
            return "pending"
        if word.stem:
            meaningful += 1
        index -= 1
    return None


def _cue_after(said: Sequence[_Word], end: int, cues: Cues) -> bool:
    """True when an "after" word ("yet", "not done", "still to do") follows the word at ``end``."""
    if end >= len(said) - 1:
        return False
    clause = said[end].clause
    texts = [word.text for word in said]
    for index in range(end + 1, min(len(said), end + 1 + AFTER_WINDOW)):
        if said[index].clause != clause:
            return False
        if said[index].text in cues.after:
            return True
        if any(_starts(texts, index, phrase) for phrase in cues.after_phrases):
            return True
    return False


def _negation_in(said: Sequence[_Word], start: int, end: int, accepted: frozenset[str]) -> bool:
    """True when one of ``accepted`` stands in the span or just before it, in the same clause."""
    for index in range(end, max(-1, start - 1 - DENIAL_REACH - 1), -1):
        if said[index].clause != said[end].clause:
            return False
        if said[index].text in accepted:
            return True
    return False


def _typo_of(said: str, wanted: str) -> bool:
    """True when a said word is the wanted word with a typo or two, not another word.

    One slip in a short word, two in a long one, or a short form: "ambulence" is "ambulance"
    and "gran" is "granny", but "social" is not "soiled", though the two are 80% alike.
    """
    if min(len(said), len(wanted)) < 4 or not (said.isalpha() and wanted.isalpha()):
        return said == wanted
    if said.startswith(wanted) or wanted.startswith(said):
        return True  # a short form: "gran" for "granny"
    return OSA.distance(said, wanted) <= (1 if max(len(said), len(wanted)) <= 6 else 2)


def _another_word(wanted: tuple[str, ...], said: Sequence[_Word]) -> bool:
    """True when a phrase word looks like a said word that is neither it nor a typo of it."""
    return any(
        fuzz.ratio(word.stem, target) >= WORD_SIMILARITY and not _typo_of(word.stem, target)
        for word in said
        if word.stem
        for target in wanted
    )


@lru_cache(maxsize=4096)
def _negation_of(phrase: str) -> frozenset[str]:
    """The negation words of a phrase that is itself a finding ("no injuries", "didn't want")."""
    return frozenset(word for word in _phrase_text(phrase).split() if word in NEGATION_WORDS)


def _occurrences(
    wanted: tuple[str, ...], said: Sequence[_Word], exact: bool
) -> list[tuple[int, int]]:
    """Where the phrase's words stand in the answer, as (first, last) word spans.

    Each word of the phrase is found exactly or, unless ``exact``, with a typo; found words
    standing close together form one occurrence.
    """
    hits: list[int] = []
    for position, word in enumerate(said):
        if not word.stem:
            continue
        for target in wanted:
            if word.stem == target or (not exact and _typo_of(word.stem, target)):
                hits.append(position)
                break
    spans: list[tuple[int, int]] = []
    reach = len(wanted) + (1 if exact else 2)
    for position in hits:
        if (
            spans
            and position - spans[-1][1] <= reach
            and said[position].clause == (said[spans[-1][0]].clause)
        ):
            spans[-1] = (spans[-1][0], position)
        else:
            spans.append((position, position))
    return spans


def _polarity_fits(
    phrase: str, spans: list[tuple[int, int]], said: Sequence[_Word], cues: Cues
) -> bool:
    """Whether the phrase is said the way it is meant: asserted, or for a finding, denied.

    A phrase such as "ambulance" counts only where nothing denies it or puts it off ("haven't
    called an ambulance yet" does not). A phrase that itself holds a negation ("no injuries",
    "didn't want") counts only where its negation is said with it, and nothing puts it off:
    that is a finding, or a completed check, not an action left undone. When the matcher found
    the phrase but its words cannot be placed (words run together, a heavy typo), any denial
    in the answer counts against it: safety first.
    """
    negation = _negation_of(phrase)
    if not spans:
        return not negation and not any(word.text in cues.before for word in said)
    # "no visible injuries" states what "no injuries" does: any denial will do for a denial.
    accepted = negation | DENIAL_WORDS if negation & DENIAL_WORDS else negation
    for start, end in spans:
        if negation:
            # "not back yet", "no injuries yet": what follows a denial only reinforces it.
            if _negation_in(said, start, end, accepted):
                return True
        elif _cue_before(said, _with_lead(phrase, said, start), cues) is None and not _cue_after(
            said, end, cues
        ):
            return True
    return False


@lru_cache(maxsize=4096)
def _lead_of(phrase: str) -> tuple[str, ...]:
    """The small words a phrase starts with, before its first meaningful one."""
    lead: list[str] = []
    for word in _phrase_text(phrase).split():
        if _phrase_stem(word):
            break
        lead.append(word)
    return tuple(lead)


def _with_lead(phrase: str, said: Sequence[_Word], start: int) -> int:
    """Where the phrase starts when its own leading small words are said too ("will attend").

    A phrase such as "will attend" is found by "attend"; its "will" belongs to it and does not
    put it off.
    """
    lead = _lead_of(phrase)
    begin = start - len(lead)
    if lead and begin >= 0 and tuple(w.text for w in said[begin:start]) == lead:
        return begin
    return start


# --- words -----------------------------------------------------------------------------------


def words(text: str) -> str:
    """The text as the matcher sees it, with apostrophes dropped ("don't" reads "dont")."""
    return normalise(text.replace("'", "").replace("’", ""))


@lru_cache(maxsize=16384)
def _phrase_text(phrase: str) -> str:
    """:func:`words` for a flow's own labels and phrases, cached.

    The same labels and phrases are compared with every message. Officers' messages are never
    cached, so nothing they typed is kept once the message has been read.
    """
    return words(phrase)


def _has(haystack: str, phrase: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", haystack) is not None


def _near(token: str, vocabulary: Iterable[str], minimum: int = 3) -> str | None:
    """The one vocabulary word this token is a single typo away from, if it is long enough."""
    if len(token) < minimum:
        return None
    close = [word for word in vocabulary if len(word) >= minimum and OSA.distance(token, word) <= 1]
    return close[0] if len(close) == 1 else None


def _spans(said: str, vocabulary: Iterable[str]) -> list[tuple[int, int]]:
    """Every (start, end) word span of ``said`` that one of the vocabulary phrases fills."""
    heard = said.split()
    found: list[tuple[int, int]] = []
    for phrase in vocabulary:
        wanted = phrase.split()
        for start in range(len(heard) - len(wanted) + 1):
            if heard[start : start + len(wanted)] == wanted:
                found.append((start, start + len(wanted)))
    return found


def _leftmost_longest(said: str) -> list[tuple[int, int, str]]:
    """The yes, no and not-yet phrases of an answer, longest first where they overlap."""
    candidates = [
        (start, end, category)
        for category, vocabulary in (
            ("no", NO_WORDS),
            ("yes", YES_WORDS),
            ("not-yet", NOT_YET_WORDS),
        )
        for start, end in _spans(said, vocabulary)
    ]
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    chosen: list[tuple[int, int, str]] = []
    for start, end, category in candidates:
        if chosen and start < chosen[-1][1]:
            continue
        chosen.append((start, end, category))
    return chosen


def _step_meaning(said: str, phrases: dict[str, Sequence[str]]) -> tuple[bool, str | None]:
    """Whether a question's own phrases were said, and the answer they give (None: they disagree).

    Where phrases overlap the longest wins ("not safe" over "safe"); two different answers
    left standing ("safe now but dad has a knife") are not guessed between.
    """
    candidates = sorted(
        (
            (start, end, category)
            for category, vocabulary in phrases.items()
            for start, end in _spans(said, [_phrase_text(phrase) for phrase in vocabulary])
        ),
        key=lambda c: (-(c[1] - c[0]), c[0]),
    )
    chosen: list[tuple[int, int, str]] = []
    for start, end, category in candidates:
        if not any(start < other_end and other_start < end for other_start, other_end, _ in chosen):
            chosen.append((start, end, category))
    categories = {category for _, _, category in chosen}
    if not categories:
        return False, None
    return True, categories.pop() if len(categories) == 1 else None


LEADING_WORDS = 2
"""In an answer of more than three words, a bare yes or no counts only among its first words:
"no, mum's with him" is a no, but in "there is no other way" the "no" answers nothing."""


def read_confirm(
    text: str,
    extra: dict[str, Sequence[str]] | None = None,
    phrases: dict[str, Sequence[str]] | None = None,
) -> str | None:
    """Yes, no or unsure from a short answer, or None if it reads as neither.

    ``phrases`` are the question's own ways of saying each answer, read first and anywhere in
    the message; when they disagree the answer is None, so the officer is asked again rather
    than recorded wrongly.

    Unsure is checked first ("not really sure" holds both "not" and "sure"). Something under way
    ("working on it", "in progress") is not done yet, so it reads as no and stays on the
    follow-up list. "Not needed" is its own category when ``extra`` offers one, otherwise no.
    A yes phrase that is then denied ("I have not", "it is not") is a no, and when an answer
    holds both, the first one said decides ("yes, no injuries" is a yes; "search done,
    nothing known" a yes), except for "yeah nah", which every officer knows is a no.
    """
    said = words(text)
    said = SPEECH_SLIPS.get(said, said)
    if not said:
        return None
    for category, labels in (extra or {}).items():
        if any(said == _phrase_text(label) for label in labels):
            return category
    if phrases:
        said_one, meant = _step_meaning(said, phrases)
        if said_one:
            return meant
    if said in IDIOMS:
        return IDIOMS[said]
    if UNSURE_PATTERN.search(said) or any(_has(said, phrase) for phrase in UNSURE_WORDS):
        return "unsure"
    if any(_has(said, phrase) for phrase in NOT_NEEDED_WORDS):
        return NOT_NEEDED if extra and NOT_NEEDED in extra else "no"
    if len(said) <= 12:
        # A typo inside a two-word answer ("nto sure") must not leave only "sure" to read.
        for category, vocabulary in (("unsure", UNSURE_WORDS), ("no", NO_WORDS)):
            if any(" " in p and OSA.distance(said, p) <= 1 for p in vocabulary):
                return category
    heard = said.split()
    found: list[str] = []
    for start, end, category in _leftmost_longest(said):
        if len(heard) > 3 and start >= LEADING_WORDS:
            continue
        denied = end < len(heard) and heard[end] in ("not", "nt", "never")
        if category == "yes" and denied:
            category = "no"
        found.append("no" if category == "not-yet" else category)
    if found:
        return found[0]
    if len(heard) <= 2:
        guesses = {
            category
            for token in heard
            for category, vocabulary in (
                ("unsure", UNSURE_WORDS),
                ("no", NO_WORDS),
                ("yes", YES_WORDS),
            )
            if _near(token, [v for v in vocabulary if " " not in v])
        }
        if len(guesses) == 1:
            return guesses.pop()
    return None


def read_acknowledgement(text: str) -> bool:
    """True when the whole message reads as "understood" to a safety prompt.

    Only an acknowledgement and nothing else counts ("ok", "will do sarge", "got it, thanks"):
    "yes but can't get in" or "ok but mum won't let me in" tells the bot something is wrong,
    so the prompt is shown again rather than waved through.
    """
    heard = [word for word in words(text).split() if word not in COURTESY_WORDS]
    if not heard:
        return False
    phrases = sorted((p.split() for p in ACKNOWLEDGE_WORDS), key=len, reverse=True)
    index = 0
    while index < len(heard):
        for phrase in phrases:
            if heard[index : index + len(phrase)] == phrase:
                index += len(phrase)
                break
        else:
            single = [p for p in ACKNOWLEDGE_WORDS if " " not in p]
            if _near(heard[index], single, FUZZY_ACK_MIN) is None:
                return False
            index += 1
    return True


# --- everywhere-words ------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    """A word that works at any step; ``question`` is set only for ``ask``."""

    name: str
    question: str = ""


def step_answers(step: AnyStep) -> tuple[str, ...]:
    """Everything a step itself offers as an answer: labels and phrases, normalised."""
    offered: list[str] = []
    if isinstance(step, ConfirmStep):
        offered += list(step.labels.values())
    elif isinstance(step, ChoiceStep):
        for option in step.options:
            offered += [option.label, option.id.replace("-", " "), *option.phrases]
    elif isinstance(step, ChecklistStep | TextStep):
        for item in step.items:
            offered += [item.label, *(p for p in item.phrases if not isinstance(p, KnowledgeTerm))]
    elif isinstance(step, NumberStep | DurationStep):
        offered += [band.label for band in step.bands]
    return tuple(
        dict.fromkeys(found for found in (_phrase_text(text) for text in offered) if found)
    )


def read_command(text: str, step: AnyStep | None = None) -> Command | None:
    """The command a message is, if it is one (whole-message match, one typo allowed).

    Given the current ``step``, an answer the step itself offers wins over a command, so a
    word that is both can still be given as an answer (``flows check`` keeps the shipped flows
    free of such clashes, but a typo of a command can still be a real answer).
    """
    stripped = text.strip()
    if stripped in ("?", "/help"):
        return Command("help")
    lowered = stripped.lower().lstrip("/")
    said = words(lowered)
    if step is not None and said and said in step_answers(step):
        return None
    for prefix in ASK_PREFIXES:
        if lowered.startswith(prefix + " ") and len(lowered) > len(prefix) + 1:
            return Command("ask", stripped.lstrip("/")[len(prefix) + 1 :].strip())
    if not said:
        return None
    for name, phrases in COMMANDS.items():
        if said in phrases:
            return Command(name)
    if " " not in said and len(said) >= FUZZY_COMMAND_MIN:
        if step is not None and _near(said, step_answers(step)) is not None:
            return None
        for name, phrases in COMMANDS.items():
            single = [p for p in phrases if " " not in p and len(p) >= FUZZY_COMMAND_MIN]
            if _near(said, single):
                return Command(name)
    return None


def read_indexes(text: str, count: int) -> tuple[int, ...] | None:
    """Option numbers typed as "1 3", "1,3" or "2 and 4" (1-based), if that is all the text is."""
    said = text.strip().lower()
    if not re.fullmatch(r"\d+(?:\s*(?:,|and|&|\s)\s*\d+)*", said):
        return None
    numbers = tuple(int(n) for n in re.findall(r"\d+", said))
    if all(1 <= n <= count for n in numbers):
        return tuple(dict.fromkeys(n - 1 for n in numbers))
    return None


# --- choices and free answers ----------------------------------------------------------------


@lru_cache(maxsize=4096)
def _phrase_words(phrase: str) -> tuple[str, ...]:
    return tuple(tokens(phrase))


@dataclass(frozen=True)
class _Said:
    """One answer, normalised once, for scoring against many phrases."""

    text: str
    words: frozenset[str]
    joined: str

    @classmethod
    def of(cls, text: str) -> _Said:
        found = tokens(text)
        return cls(text, frozenset(found), " ".join(found))

    @cached_property
    def placed(self) -> tuple[_Word, ...]:
        """The answer's words with their clauses, worked out only once a phrase matches."""
        return _clause_words(self.text)


def _plausible(wanted: tuple[str, ...], said: _Said) -> bool:
    """A cheap first look: could the full phrase score reach the threshold at all?

    :func:`phrase_score` mends the text against each phrase, which costs a fraction of a
    millisecond; most phrases share no word at all with the answer, and skipping them keeps a
    free-text step well under the 2 ms aim.
    """
    if not said.words:
        return False
    for word in wanted:
        if process.extractOne(word, said.words, scorer=fuzz.ratio, score_cutoff=PLAUSIBLE_WORD):
            return True
    return fuzz.partial_ratio(" ".join(wanted), said.joined) >= PLAUSIBLE_WORD


def _score(phrase: str, said: _Said) -> float:
    wanted = _phrase_words(phrase)
    if not wanted or not _plausible(wanted, said):
        return 0.0
    return phrase_score(phrase, said.text)


def best_option(text: str, options: Sequence[tuple[str, Sequence[str]]]) -> str | None:
    """The option a typed answer names, or None if none or several fit equally well.

    ``options`` pairs each option id with the phrases that name it (label, synonyms, slang).
    An answer that is exactly one option's phrase wins outright; this matters because fuzzy
    scoring ignores negation, so "not required" would otherwise also read as "required". After
    that, the best fuzzy score wins, a longer matching phrase breaking a tie ("bail refused"
    over "bailed"), and a real tie is refused rather than guessed.
    """
    said = words(text)
    if not said:
        return None
    exact = {
        option_id
        for option_id, phrases in options
        if any(said == _phrase_text(phrase) for phrase in phrases if phrase.strip())
    }
    if len(exact) == 1:
        return exact.pop()
    heard = _Said.of(text)
    ranked: list[tuple[float, int, str]] = []
    for option_id, phrases in options:
        best = (0.0, 0)
        for phrase in phrases:
            if phrase.strip():
                score = _score(phrase, heard)
                if score >= OPTION_THRESHOLD and not _as_meant(
                    phrase, heard, whole=False, cues=FINDING_CUES
                ):
                    score = 0.0
                best = max(best, (score, len(_phrase_words(phrase))))
        ranked.append((*best, option_id))
    ranked.sort(reverse=True)
    if not ranked or ranked[0][0] < OPTION_THRESHOLD:
        return None
    if len(ranked) > 1 and ranked[1][:2] == ranked[0][:2]:
        return None
    return ranked[0][2]


def _as_meant(phrase: str, heard: _Said, *, whole: bool, cues: Cues) -> bool:
    """Whether a phrase the scores found is really said, and said the way it is meant.

    ``whole`` is True when every word of the phrase was said exactly. Otherwise the fuzzy
    score must come from typos of the phrase's own words, not from different words that look
    alike. Then the phrase must not be denied or put off (see :func:`_polarity_fits`);
    knowledge terms must also be said whole and together.
    """
    wanted = _phrase_words(phrase)
    term = isinstance(phrase, KnowledgeTerm)
    said = heard.placed
    spans = _occurrences(wanted, said, exact=term)
    if not whole and not spans and _another_word(wanted, said):
        return False  # the fuzzy score came from a different word ("social" for "soiled")
    if term:
        spans = [span for span in spans if _span_holds(wanted, said, span)]
        if not spans:
            return False
    return _polarity_fits(phrase, spans, said, cues)


def covered_items(
    text: str, items: Sequence[tuple[str, Sequence[str]]], *, actions: bool = False
) -> tuple[str, ...]:
    """The ids of the points a free answer covers, in the order the step lists them.

    ``actions`` is True when the points are things the officer should have done (a text step,
    a checklist of things done): then a point said to be still to come ("needs an ambulance",
    "nan will come") is not covered either. Otherwise the points are findings, and "mum needs
    an interpreter" is one.

    A phrase counts only when it is said the way it is meant: "haven't called an ambulance yet"
    and "no first aid" leave medical care outstanding, while "no injuries", a phrase the flow
    lists as a completed check, covers it. Terms borrowed from a knowledge entry
    (:class:`KnowledgeTerm`) need every word said exactly, close together.
    """
    if not words(text):
        return ()
    heard = _Said.of(text)
    cues = ACTION_CUES if actions else FINDING_CUES

    def covers(phrase: str) -> bool:
        wanted = _phrase_words(phrase)
        if not wanted:
            return False
        whole = heard.words.issuperset(wanted)
        if not whole and (
            isinstance(phrase, KnowledgeTerm) or _score(phrase, heard) < PHRASE_THRESHOLD
        ):
            return False
        return _as_meant(phrase, heard, whole=whole, cues=cues)

    return tuple(item_id for item_id, phrases in items if any(covers(p) for p in phrases))


def _span_holds(wanted: tuple[str, ...], said: Sequence[_Word], span: tuple[int, int]) -> bool:
    """True when a knowledge term's words, and no others, fill this span of the answer.

    Only the meaningful words count ("body cam on" and "phones seized" hold their terms), but
    any other meaningful word in between breaks the term.
    """
    inside = [said[i].stem for i in range(span[0], span[1] + 1) if said[i].stem]
    return sorted(inside) == sorted(wanted)


# --- numbers and lengths of time ---------------------------------------------------------------


def read_number(text: str) -> float | str | None:
    """A number ("15", "fifteen", "about 15", "15 and a half"), "unsure", or None.

    Number words are read by the knowledge normaliser, so "twenty one" and "forty-eight" mean
    the same here as everywhere else in guidebot.
    """
    for kind, value in _quantities(text):
        if kind == "number":
            return value
    if read_confirm(text) == "unsure":
        return "unsure"
    return None


UNIT_HOURS = {
    "minute": 1 / 60,
    "minutes": 1 / 60,
    "min": 1 / 60,
    "m": 1 / 60,
    "hour": 1.0,
    "hours": 1.0,
    "h": 1.0,
    "day": 24.0,
    "days": 24.0,
    "d": 24.0,
    "night": 24.0,
    "nights": 24.0,
    "week": 168.0,
    "weeks": 168.0,
    "fortnight": 336.0,
    "fortnights": 336.0,
    "month": 720.0,
    "months": 720.0,
}
SPOKEN_UNITS = {"ours": "hours", "our": "hour", "daze": "days", "weak": "week", "weaks": "weeks"}
SPOKEN_NUMBERS = {"for": 4.0, "fore": 4.0, "too": 2.0, "to": 2.0, "won": 1.0, "ate": 8.0}
"""Speech slips for a number and a unit said together: "for ours" is "four hours"."""

QUANTITY_WORDS = {
    "a": 1.0,
    "an": 1.0,
    "one": 1.0,
    "couple": 2.0,
    "few": 3.0,
    "several": 3.0,
    "half": 0.5,
    "quarter": 0.25,
    "quarters": 0.25,
}
"""Everyday amounts, read on the long side so that a band is never lower than meant."""

RELATIVE_HOURS = (
    ("since yesterday", 24.0),
    ("yesterday", 24.0),
    ("since last night", 12.0),
    ("last night", 12.0),
    ("overnight", 12.0),
    ("all night", 12.0),
    ("since the weekend", 72.0),
    ("since last week", 168.0),
    ("just now", 0.25),
    ("a moment ago", 0.25),
)
"""Everyday answers to "how long?", read as a rough figure; the bot says how it read them."""

DAY_NAMES = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "weds": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
PARTS_OF_DAY = {
    "this morning": 6,
    "morning": 6,
    "lunchtime": 12,
    "lunch": 12,
    "noon": 12,
    "midday": 12,
    "this afternoon": 12,
    "afternoon": 12,
    "teatime": 17,
    "tea time": 17,
    "tea": 17,
    "this evening": 17,
    "evening": 17,
    "tonight": 17,
    "midnight": 0,
}
"""When a part of today begins, taken early so that the time since it is never under-read."""

SINCE = r"(?:since|from|last seen(?: at| on)?)"
CLOCK = re.compile(
    rf"{SINCE} (\d{{1,2}})(?:[:. ](\d{{2}}))? ?(am|pm|oclock|o clock)?"
    r"(?![\d.])(?! ?(?:hours?|days?|minutes?|weeks?|nights?|months?|to|or|and|half)\b)"
)
LOCAL_TIME = "Europe/London"
UNDER_A_DAY = 23.5
"""Read for a time of day when there is no clock to count from: under a day, on the long side."""


class Estimate(float):
    """A length of time read from a rough answer, and how to say it back to the officer."""

    description: str

    def __new__(cls, hours: float, description: str) -> Estimate:
        made = super().__new__(cls, hours)
        made.description = description
        return made


def _local(now: float) -> dt.datetime:
    try:
        zone: dt.tzinfo = ZoneInfo(LOCAL_TIME)
    except ZoneInfoNotFoundError:  # pragma: no cover - tz data ships with Python or tzdata
        zone = dt.UTC
    return dt.datetime.fromtimestamp(now, zone)


def _hours_since(now: float, start: dt.datetime) -> float:
    return max(0.25, (now - start.timestamp()) / 3600)


def _since_clock(said: str, now: float | None) -> float | None:
    """Answers like "since 10pm", "since 22:30" or "last seen 7": a time within the last day."""
    match = CLOCK.search(said)
    if match is None:
        return None
    hour, minute, marker = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if hour > 23 or minute > 59 or (marker in ("am", "pm") and not 1 <= hour <= 12):
        return None
    suffix = marker if marker in ("am", "pm") else ""
    shown = f"{hour}:{minute:02d}{suffix}" if match.group(2) else f"{hour}{suffix or ':00'}"
    if now is None:
        return Estimate(UNDER_A_DAY, f"under a day (since {shown})")
    local = _local(now)
    if marker == "pm" and hour < 12:
        candidates = [hour + 12]
    elif marker == "am":
        candidates = [hour % 12]
    elif hour <= 12:
        candidates = [hour % 12, hour % 12 + 12]
    else:
        candidates = [hour]
    best: dt.datetime | None = None
    for candidate in candidates:
        start = local.replace(hour=candidate, minute=minute, second=0, microsecond=0)
        if start > local:
            start -= dt.timedelta(days=1)
        if best is None or start > best:
            best = start
    assert best is not None
    return _hours_since(now, best)


def _since_day(said: str, now: float | None) -> float | None:
    """Answers like "since friday" or "since this morning", counted from that part of the day."""
    match = re.search(rf"{SINCE} (?:last )?([a-z]+)", said)
    if match and match.group(1) in DAY_NAMES:
        if now is None:
            return None
        local = _local(now)
        back = (local.weekday() - DAY_NAMES[match.group(1)]) % 7 or 7
        start = (local - dt.timedelta(days=back)).replace(hour=0, minute=0, second=0)
        return _hours_since(now, start)
    for part, hour in PARTS_OF_DAY.items():
        if _has(said, f"since {part}") or _has(said, f"from {part}"):
            if now is None:
                return Estimate(UNDER_A_DAY, f"under a day (since {part})")
            local = _local(now)
            start = local.replace(hour=hour, minute=0, second=0, microsecond=0)
            if start > local:
                start -= dt.timedelta(days=1)
            return _hours_since(now, start)
    return None


def _duration_words(text: str) -> list[str]:
    """The answer as normalised words, with decimals kept whole and spoken units mended."""
    found: list[str] = []
    for piece in re.split(r"(\d+\.\d+)", text.lower()):
        if re.fullmatch(r"\d+\.\d+", piece):
            found.append(piece)
        else:
            found += words(re.sub(r"(?<=\d)\s*-\s*(?=\d)", " to ", piece)).split()
    for index, word in enumerate(found[:-1]):
        if word in SPOKEN_NUMBERS and found[index + 1] in SPOKEN_UNITS:
            found[index] = f"{SPOKEN_NUMBERS[word]:g}"
    return [
        SPOKEN_UNITS[word] if word in SPOKEN_UNITS and index and _number(found[index - 1]) else word
        for index, word in enumerate(found)
    ]


def _number(word: str) -> float | None:
    try:
        return float(word)
    except ValueError:
        return None


def _amount(said: list[str], index: int) -> tuple[float, int] | None:
    """An amount starting at ``said[index]`` ("3", "2.5", "a", "couple of", "3 quarters of")."""
    if index >= len(said):
        return None
    word = said[index]
    value = _number(word)
    if value is None:
        if word not in QUANTITY_WORDS:
            return None
        value = QUANTITY_WORDS[word]
    index += 1
    if word in ("a", "an") and index < len(said) and said[index] in QUANTITY_WORDS:
        value = QUANTITY_WORDS[said[index]]
        index += 1
    if word in ("half", "quarter") and index < len(said) and said[index] in ("a", "an"):
        index += 1
    if index < len(said) and said[index] in ("quarter", "quarters"):
        value *= 0.25
        index += 1
    if said[index : index + 3] == ["and", "a", "half"]:
        value += 0.5
        index += 3
    if index < len(said) and said[index] == "of":
        index += 1
        if index < len(said) and said[index] in ("a", "an"):
            index += 1
    return value, index


def _quantities(text: str) -> list[tuple[str, float]]:
    """The amounts an answer states: ("hours", n) for a length of time, ("number", n) otherwise."""
    said = _duration_words(text)
    found: list[tuple[str, float]] = []
    index = 0
    while index < len(said):
        amount = _amount(said, index)
        if amount is None:
            if said[index] in UNIT_HOURS and said[index + 1 : index + 4] == ["and", "a", "half"]:
                found.append(("hours", 1.5 * UNIT_HOURS[said[index]]))
                index += 4
                continue
            index += 1
            continue
        value, index = amount
        if index + 1 < len(said) and said[index] in ("or", "to"):
            other = _amount(said, index + 1)
            if other is not None and other[1] < len(said) and said[other[1]] in UNIT_HOURS:
                value, index = max(value, other[0]), other[1]
        if index < len(said) and said[index] in UNIT_HOURS:
            unit = UNIT_HOURS[said[index]]
            index += 1
            if said[index : index + 3] == ["and", "a", "half"]:
                value += 0.5
                index += 3
            elif said[index : index + 2] == ["or", "2"]:
                value = max(value, 2.0)
                index += 2
            found.append(("hours", value * unit))
        elif said[index - 1] not in QUANTITY_WORDS or said[index - 1] == "half":
            found.append(("number", value))
    return found


def read_hours(text: str, now: float | None = None) -> float | str | None:
    """A length of time in hours ("3 hours", "day and a half", "since 10pm"), or "unsure".

    Returns None when no length of time can be read. ``now`` (seconds since the epoch, from the
    event) lets "since 10pm" or "since Friday" be counted; without it a time of day still reads
    as under a day, but a day name cannot be read. Rough amounts are read on the long side
    ("a couple of days" is 2 days, "2 or 3 days" is 3), so a band is never lower than meant.
    """
    said = words(text)
    for reader in (_since_clock, _since_day):
        since = reader(said, now)
        if since is not None:
            return since
    for phrase, hours in RELATIVE_HOURS:
        if _has(said, phrase):
            return hours
    found = _quantities(text)
    lengths = [value for kind, value in found if kind == "hours"]
    if lengths:
        return sum(lengths)
    if read_confirm(text) == "unsure":
        return "unsure"
    if len(found) == 1 and len(said.split()) <= 2:
        return found[0][1]
    return None


def describe_hours(hours: float) -> str:
    """A rough, readable length of time, to show the officer how an answer was read."""
    if isinstance(hours, Estimate):
        return hours.description
    if hours < 1:
        minutes = round(hours * 60)
        return f"about {minutes} minute{'s' if minutes != 1 else ''}"
    if hours < 48:
        whole = round(hours, 1)
        shown = int(whole) if whole == int(whole) else whole
        return f"about {shown} hour{'s' if whole != 1 else ''}"
    days = round(hours / 24, 1)
    shown_days = int(days) if days == int(days) else days
    return f"about {shown_days} days"
