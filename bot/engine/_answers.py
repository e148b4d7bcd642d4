"""Reading an officer's answer: yes or no, a choice, the points a free answer covers, a number.

Officers type on a phone, tired and in a hurry, or dictate: "yep", "nah", "dunno", "not yet",
"yes already done", "nto sure", "know" (a speech slip for "no"). Each reader returns a category
or None ("I didn't catch that"); none of them keeps the text. Normalising and fuzzy phrase
matching come from the knowledge matcher so that the bot has one idea of what words mean.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.knowledge import normalise, phrase_score, tokens

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
NO_WORDS = (
    "no",
    "n",
    "nah",
    "nope",
    "naw",
    "noo",
    "nay",
    "negative",
    "not yet",
    "not done",
    "havent",
    "haven t",
    "have not",
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
    "on it",
    "roger",
)
SPEECH_SLIPS = {"know": "no", "knot sure": "not sure", "yes sir": "yes"}
"""Whole messages that speech recognition produces for a short answer."""

ACKNOWLEDGE_WORDS = (
    "understood",
    "ok",
    "okay",
    "k",
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
    "safe",
    "child safe",
    "agreed",
    "i understand",
)

COMMANDS: dict[str, tuple[str, ...]] = {
    "back": ("back", "go back", "undo", "previous", "prev", "back one"),
    "skip": ("skip", "skip this", "skip it", "skip question"),
    "cancel": ("cancel", "stop", "quit", "exit", "abort", "cancel this", "end this"),
    "menu": ("menu", "main menu", "start again", "restart", "start over", "new", "new job"),
    "help": ("help", "commands", "what can i say", "what can i type", "how does this work"),
    "summary": ("summary", "summarise", "summarize", "sum up", "recap", "progress", "so far"),
    "why": ("why", "why is that", "more info", "tell me more", "explain", "why does it matter"),
}
ASK_PREFIXES = ("ask", "search", "look up", "lookup", "find")
PLAUSIBLE_WORD = 70.0
"""A phrase is scored in full only when one of its words is at least this close to a word said."""

FUZZY_COMMAND_MIN = 4
"""Single-word commands at least this long are also recognised with one typo."""

NUMBER_WORDS = {
    "zero": 0,
    "none": 0,
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "couple": 2,
    "three": 3,
    "few": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
}
UNIT_HOURS = {
    "minute": 1 / 60,
    "minutes": 1 / 60,
    "min": 1 / 60,
    "mins": 1 / 60,
    "m": 1 / 60,
    "hour": 1.0,
    "hours": 1.0,
    "hr": 1.0,
    "hrs": 1.0,
    "h": 1.0,
    "day": 24.0,
    "days": 24.0,
    "d": 24.0,
    "night": 24.0,
    "nights": 24.0,
    "week": 168.0,
    "weeks": 168.0,
    "wk": 168.0,
    "wks": 168.0,
    "fortnight": 336.0,
}
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


def words(text: str) -> str:
    """The text as the matcher sees it, with apostrophes dropped ("don't" reads "dont")."""
    return normalise(text.replace("'", "").replace("’", ""))


def _has(haystack: str, phrase: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", haystack) is not None


def _near(token: str, vocabulary: Sequence[str]) -> str | None:
    """The one vocabulary word this token is a single typo away from, if it is long enough."""
    if len(token) < 3:
        return None
    close = [word for word in vocabulary if len(word) >= 3 and OSA.distance(token, word) <= 1]
    return close[0] if len(close) == 1 else None


def read_confirm(text: str, extra: dict[str, Sequence[str]] | None = None) -> str | None:
    """Yes, no or unsure from a short answer, or None if it reads as neither.

    "Not sure" is checked before "no" and "yes" because it contains words of both. When an
    answer holds both a yes and a no word ("yes, no injuries") its first word decides.
    """
    said = words(text)
    said = SPEECH_SLIPS.get(said, said)
    if not said:
        return None
    for category, phrases in (extra or {}).items():
        if any(said == words(phrase) for phrase in phrases):
            return category
    if any(_has(said, phrase) for phrase in UNSURE_WORDS):
        return "unsure"
    if len(said) <= 12:
        # A typo inside a two-word answer ("nto sure") must not leave only "sure" to read.
        for category, vocabulary in (("unsure", UNSURE_WORDS), ("no", NO_WORDS)):
            if any(" " in p and OSA.distance(said, p) <= 1 for p in vocabulary):
                return category
    found = {
        category
        for category, vocabulary in (("no", NO_WORDS), ("yes", YES_WORDS))
        if any(_has(said, phrase) for phrase in vocabulary)
    }
    if len(found) == 1:
        return found.pop()
    first = said.split()[0]
    if found:
        if first in NO_WORDS:
            return "no"
        if first in YES_WORDS:
            return "yes"
        return None
    tokens = said.split()
    if len(tokens) <= 2:
        guesses = {
            category
            for token in tokens
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
    """True when a message reads as "understood" to a safety prompt."""
    said = words(text)
    if any(said == phrase or said.startswith(phrase + " ") for phrase in ACKNOWLEDGE_WORDS):
        return True
    tokens = said.split()
    return len(tokens) == 1 and _near(tokens[0], ACKNOWLEDGE_WORDS) is not None


@dataclass(frozen=True)
class Command:
    """A word that works at any step; ``question`` is set only for ``ask``."""

    name: str
    question: str = ""


def read_command(text: str) -> Command | None:
    """The command a message is, if it is one (whole-message match, one typo allowed)."""
    stripped = text.strip()
    if stripped in ("?", "/help"):
        return Command("help")
    lowered = stripped.lower().lstrip("/")
    for prefix in ASK_PREFIXES:
        if lowered.startswith(prefix + " ") and len(lowered) > len(prefix) + 1:
            return Command("ask", stripped.lstrip("/")[len(prefix) + 1 :].strip())
    said = words(lowered)
    if not said:
        return None
    for name, phrases in COMMANDS.items():
        if said in phrases:
            return Command(name)
    if " " not in said and len(said) >= FUZZY_COMMAND_MIN:
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
        if any(said == words(phrase) for phrase in phrases if phrase.strip())
    }
    if len(exact) == 1:
        return exact.pop()
    heard = _Said.of(text)
    ranked: list[tuple[float, int, str]] = []
    for option_id, phrases in options:
        best = (0.0, 0)
        for phrase in phrases:
            if phrase.strip():
                best = max(best, (_score(phrase, heard), len(_phrase_words(phrase))))
        ranked.append((*best, option_id))
    ranked.sort(reverse=True)
    if not ranked or ranked[0][0] < OPTION_THRESHOLD:
        return None
    if len(ranked) > 1 and ranked[1][:2] == ranked[0][:2]:
        return None
    return ranked[0][2]


def covered_items(text: str, items: Sequence[tuple[str, Sequence[str]]]) -> tuple[str, ...]:
    """The ids of the points a free answer covers, in the order the step lists them."""
    if not words(text):
        return ()
    heard = _Said.of(text)

    def covers(phrase: str) -> bool:
        wanted = _phrase_words(phrase)
        if wanted and heard.words.issuperset(wanted):
            return True
        return _score(phrase, heard) >= PHRASE_THRESHOLD

    return tuple(item_id for item_id, phrases in items if any(covers(p) for p in phrases))


def _number_at(tokens: list[str], index: int) -> tuple[float, int] | None:
    """A number starting at ``tokens[index]`` and how many tokens it took."""
    token = tokens[index]
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([a-z]*)", token)
    if match:
        return float(match.group(1)), 1
    if token == "half":
        after = tokens[index + 1] if index + 1 < len(tokens) else ""
        return 0.5, 2 if after in ("a", "an") else 1
    if token in NUMBER_WORDS:
        value = float(NUMBER_WORDS[token])
        if token in ("a", "an") and index + 1 < len(tokens) and tokens[index + 1] == "half":
            return 0.5, 2
        if (
            token in ("twenty", "thirty", "forty", "fifty")
            and index + 1 < len(tokens)
            and tokens[index + 1] in NUMBER_WORDS
            and NUMBER_WORDS[tokens[index + 1]] < 10
        ):
            return value + NUMBER_WORDS[tokens[index + 1]], 2
        return value, 1
    return None


def read_number(text: str) -> float | str | None:
    """A number ("15", "fifteen", "about 15"), "unsure", or None."""
    if read_confirm(text) == "unsure":
        return "unsure"
    tokens = re.findall(r"\d+(?:\.\d+)?[a-z]*|[a-z]+", text.lower())
    for index, token in enumerate(tokens):
        if token in ("a", "an", "none"):
            continue
        found = _number_at(tokens, index)
        if found is not None:
            return found[0]
    return None


def read_hours(text: str) -> float | str | None:
    """A length of time in hours ("3 hours", "2 days", "half an hour", "since yesterday").

    Returns "unsure" for "not sure" and None when no length of time can be read.
    """
    if read_confirm(text) == "unsure":
        return "unsure"
    said = words(text)
    for phrase, hours in RELATIVE_HOURS:
        if _has(said, phrase):
            return hours
    tokens = re.findall(r"\d+(?:\.\d+)?|[a-z]+", said)
    total = 0.0
    found = False
    index = 0
    while index < len(tokens):
        number = _number_at(tokens, index)
        if number is None:
            index += 1
            continue
        value, used = number
        index += used
        if (
            index < len(tokens)
            and tokens[index] == "and"
            and tokens[index + 1 : index + 3]
            == [
                "a",
                "half",
            ]
        ):
            value += 0.5
            index += 3
        if index < len(tokens) and tokens[index] in UNIT_HOURS:
            unit = UNIT_HOURS[tokens[index]]
            index += 1
            if tokens[index : index + 3] == ["and", "a", "half"]:
                value += 0.5
                index += 3
            total += value * unit
            found = True
        elif index >= len(tokens) and not found and tokens[0] not in ("a", "an"):
            total += value
            found = True
    return total if found else None


def describe_hours(hours: float) -> str:
    """A rough, readable length of time, to show the officer how an answer was read."""
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
