"""Words that work at any step, and the replies that acknowledge a safety prompt.

The everywhere-words are back, skip, cancel, menu, help, summary, why and ask.
The words come from ``language/en/commands.yaml`` and ``answers.yaml``. A command is a whole
message ("back", "go back"), never a word inside an answer: "the child is back" is an answer.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from bot.engine._words import LANGUAGE, near, word_list, words

_COMMANDS = LANGUAGE.commands
COMMANDS: dict[str, tuple[str, ...]] = {
    name: word_list(phrases) for name, phrases in _COMMANDS.commands.items()
}
ASK_PREFIXES = word_list(_COMMANDS.ask)
"""Only an explicit 'ask ...' (or a message ending in '?') is a knowledge search: 'search done
on niche' and 'find the mum' are answers, not requests."""
GREETINGS = frozenset(word_list(_COMMANDS.greetings))
"""Whole messages that open a chat rather than ask for anything (``/start`` reads as start)."""
QUESTION_WORDS = frozenset(word_list(_COMMANDS.question_words))
"""A knowledge term phrased as a question ("who do I ring") is a search, not evidence."""

ACKNOWLEDGE_WORDS = word_list(LANGUAGE.answers.acknowledgements)
COURTESY_WORDS = frozenset(word_list(LANGUAGE.answers.courtesy))
"""Words around an acknowledgement that do not change it ("ok thanks", "will do sarge")."""

FUZZY_ACK_MIN = 5
"""An acknowledgement is recognised with one typo only when it is at least this long."""

FUZZY_COMMAND_MIN = 4
"""Single-word commands at least this long are also recognised with one typo."""


def command_words() -> dict[str, str]:
    """Every word or phrase that works at any step, as the matcher normalises it, by command.

    ``flows check`` refuses an option, label or phrase equal to one of these: typed, it would
    be read as the command, never as the answer.
    """
    found = {phrase: name for name, phrases in COMMANDS.items() for phrase in phrases}
    return found | {prefix: "ask" for prefix in ASK_PREFIXES}


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
            if near(heard[index], single, FUZZY_ACK_MIN) is None:
                return False
            index += 1
    return True


THANKS = frozenset(word_list(_COMMANDS.thanks))


def is_thanks(text: str) -> bool:
    """True for a message that only thanks the bot ("cheers", "ta mate")."""
    return words(text) in THANKS


def is_greeting(text: str) -> bool:
    """True for a message that only opens the chat ("hi", "/start", "morning")."""
    return words(text) in GREETINGS


@dataclass(frozen=True)
class Command:
    """A word that works at any step; ``question`` is set only for ``ask``."""

    name: str
    question: str = ""


def read_command(text: str, answers: Collection[str] = ()) -> Command | None:
    """The command a message is, if it is one (whole-message match, one typo allowed).

    ``answers`` are the current step's own answers (labels and phrases, as :func:`words`
    reads them): an answer the step offers wins over a command, so a word that is both can
    still be given as an answer (``flows check`` keeps the shipped flows free of such clashes,
    but a typo of a command can still be a real answer).
    """
    stripped = text.strip()
    if stripped in ("?", "/help"):
        return Command("help")
    lowered = stripped.lower().lstrip("/")
    said = words(lowered)
    if said and said in answers:
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
        if answers and near(said, answers) is not None:
            return None
        for name, phrases in COMMANDS.items():
            single = [p for p in phrases if " " not in p and len(p) >= FUZZY_COMMAND_MIN]
            if near(said, single):
                return Command(name)
    return None


OPTION_WORDS = frozenset(word_list(LANGUAGE.commands.option_words))
"""Words said around option numbers or "all of them" ("ticked", "press", "go with")."""
_OPTION_WORDS = re.compile(
    r"(?<![\w'])(?:"
    + "|".join(
        re.escape(word).replace(r"\ ", r"['\s]?")
        for word in sorted(LANGUAGE.commands.option_words, key=len, reverse=True)
    )
    + r")(?![\w'])[.!]*"
)


def _without_option_words(said: str) -> str:
    """The numbers of "ticked 1 and 2" or "press 3 pls", with the words around them dropped.

    Only words around numbers are dropped, and only when a number is left: "done" alone is
    still the Done button's word, read elsewhere.
    """
    if not any(char.isdigit() for char in said):
        return said
    return re.sub(r"\s+", " ", _OPTION_WORDS.sub(" ", said)).strip(" ,")


def read_indexes(text: str, count: int) -> tuple[int, ...] | None:
    """Option numbers typed as "1 3", "1,3" or "2 and 4" (1-based), if that is all the text is."""
    said = _without_option_words(text.strip().lower())
    if not re.fullmatch(r"\d+(?:\s*(?:,|and|&|\s)\s*\d+)*", said):
        return None
    numbers = tuple(int(n) for n in re.findall(r"\d+", said))
    if all(1 <= n <= count for n in numbers):
        return tuple(dict.fromkeys(n - 1 for n in numbers))
    return None
