"""Turn what an officer typed or said into words that can be compared with the knowledge base.

Officers write from a phone, tired and in a hurry, or speak to a speech recogniser at a scene.
The same idea therefore arrives in many surface forms: "S.47", "sec 47" and "section forty
seven"; "paediatrician" and "pediatrician"; "safe guarding" and "safeguarding"; "too ours" for
"two hours". This module removes that variation in two layers:

* Vocabulary-free steps (:func:`normalise`, :func:`tokens`): case and accents, punctuation,
  chat shorthand, British spellings, numbers said as words, explicit section references, stop
  words and light stemming. They are the same for every caller, so the conversation engine can
  use them to compare an officer's free-text answer with the items it expects.
* Vocabulary-guided steps (:class:`Vocabulary`): repairs that are only safe when we know which
  words the knowledge base actually uses, namely homophones, letters spelt out ("en eff ay" ->
  ``nfa``), words split or run together, spoken section numbers ("three eight six" ->
  ``s38(6)``) and typo correction. A repair is only made when the officer's word is unknown to
  the base and the repaired word is known. A typo is mended, and a word split, only when the
  officer's word is no English word either (:func:`english_words`), so a real word is never
  "corrected" into another: "stack" stays "stack" though the base says "stuck".
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from rapidfuzz.distance import OSA, JaroWinkler
from symspellpy import SymSpell, Verbosity
from text_to_num import text2num

from bot.language import english

__all__ = [
    "STOP_WORDS",
    "Vocabulary",
    "british",
    "content",
    "english_counts",
    "english_words",
    "function_words",
    "max_slips",
    "normalise",
    "normalised_words",
    "numbers_to_digits",
    "one_message",
    "stem",
    "surface_words",
    "tokens",
]


def _word_set(text: str) -> frozenset[str]:
    """A set of words written as running text, which is easier to read and extend than a list."""
    return frozenset(text.split())


_LANGUAGE = english()

# Function words that carry no meaning for finding guidance (language/en/stop_words.yaml).
STOP_WORDS: frozenset[str] = frozenset(_LANGUAGE.stop_words.stop_words)

# Chat shorthand and what means this only after a number (language/en/abbreviations.yaml).
_SHORTHAND: dict[str, str] = dict(_LANGUAGE.abbreviations.shorthand)
_AFTER_NUMBER: dict[str, str] = dict(_LANGUAGE.abbreviations.after_number)

# Word families, British spellings (language/en/spelling.yaml).
_CANONICAL: dict[str, str] = dict(_LANGUAGE.spelling.families)
_SPELLING: dict[str, str] = dict(_LANGUAGE.spelling.british)
_SPELLING_PREFIXES: tuple[tuple[str, str], ...] = tuple(_LANGUAGE.spelling.british_starts.items())

_PREFIX_BRITISH = dict(_SPELLING_PREFIXES)
_PREFIX = re.compile("^(" + "|".join(_PREFIX_BRITISH) + ")")
# Verbs that double the final "l" in British English before -ed/-ing/-er.
_DOUBLE_L = _LANGUAGE.spelling.double_l
# Every listed word with the endings it takes, looked up in one step.
_WORD_FORMS: dict[str, str] = {
    american + ending: british_form + ending
    for american, british_form in _SPELLING.items()
    for ending in ("", "s", "es", "ed", "ing", "al")
} | {
    verb + ending: f"{verb}l{ending}" for verb in _DOUBLE_L for ending in ("ed", "ing", "er", "ers")
}
_IZE = re.compile(r"^([a-z]{3,})(?<!se)iz(e|es|ed|ing|ation|ations|er|ers)$")
_YZE = re.compile(r"^([a-z]{2,})yz(e|es|ed|ing|er|ers)$")

_NUMBERS = _LANGUAGE.numbers
_UNITS = dict(_NUMBERS.units)
_TEENS = dict(_NUMBERS.teens)
_TENS = dict(_NUMBERS.tens)
_NUMBER_WORDS = {**_UNITS, **_TEENS, **_TENS}

# Units of time: a number homophone right before one of these is a number ("too ours").
TIME_UNITS: frozenset[str] = frozenset(_NUMBERS.time_units)
# Words after a number that make it a quantity or an age, never a section of an Act.
_QUANTITY_WORDS: frozenset[str] = TIME_UNITS | frozenset(_NUMBERS.quantity_words)
# Number words a speech recogniser writes as their homophones; only read as numbers right
# before a unit of time, because "to" and "for" are far more often just "to" and "for".
_NUMBER_HOMOPHONES: dict[str, str] = {
    word: next(name for name, value in _UNITS.items() if value == number)
    for word, number in _NUMBERS.number_homophones.items()
}
# Sound-alikes of a number word after a word for a section, by their words: ("for", "tea") is
# "forty" in "section for tea seven".
_SECTION_HOMOPHONES: dict[tuple[str, ...], str] = {
    tuple(heard.split()): said for heard, said in _NUMBERS.section_homophones.items()
}
# Homophones that also read as plain English before a plural unit: "missing for hours" means
# for hours, not four; only "for hour", "for day" or a doubled "for for hours" is a number.
_PLAIN_BEFORE_PLURAL = frozenset(_NUMBERS.plain_before_plural)
_SINGULAR_UNITS = frozenset(_NUMBERS.singular_units)
# Time-unit homophones that follow a number: "72 ours", "forty eight our".
_UNIT_HOMOPHONES: dict[str, str] = dict(_NUMBERS.unit_homophones)

# Groups of words that sound alike (language/en/sounds.yaml). A word is swapped for another in
# its group only when the knowledge base does not use the word heard and does use the other.
_HOMOPHONE_GROUPS: tuple[tuple[str, ...], ...] = _LANGUAGE.sounds.homophones
_HOMOPHONES: dict[str, tuple[str, ...]] = {
    word: tuple(other for other in group if other != word)
    for group in _HOMOPHONE_GROUPS
    for word in group
}

_SUBSECTION = re.compile(
    r"\b(?:(?:section|sect|sec|ss?)\s*\.?\s*)?(\d{1,3}[a-z]?)\s*\(\s*(\d{1,2}[a-z]?)\s*\)"
)
_A_AND_E = re.compile(r"\ba\s*&\s*e\b|\ba and e\b|\ba n e\b")
_APOSTROPHE = re.compile(r"(?<=[a-z0-9])['’`](?=[a-z])")
_SECTION_GLUED = re.compile(r"\b(section|sect|sec)(?=\d)")
_DIGIT_THEN_LETTERS = re.compile(r"(?<=\d)(?=[a-z]{2,}\b)")
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")
_TOKEN = re.compile(r"s\d{1,3}[a-z]?\(\d{1,2}[a-z]?\)|[a-z0-9]+")
# "ess" is the letter S as a speech recogniser writes it: "ess forty seven" is s47.
_SECTION_WORDS = frozenset(_LANGUAGE.abbreviations.section_words)
_SECTION_TOKEN = re.compile(r"^s(\d{1,3}[a-z]?)(?:\((\d{1,2}[a-z]?)\))?$")
_VOWEL = re.compile(r"[aeiouy]")


def fold(text: str) -> str:
    """Lower-case, strip accents and tidy symbols so only letters, digits and spaces matter.

    Sub-section references such as "38(6)" are kept whole (as ``s38(6)``) before the brackets are
    thrown away, because "38 6" on its own could mean anything.
    """
    text = _without_marks(unicodedata.normalize("NFKD", text)).lower()
    text = _A_AND_E.sub(" ae ", text)
    text = text.replace("&", " and ").replace("+", " and ")
    text = _SUBSECTION.sub(lambda m: f" s{m.group(1)}({m.group(2)}) ", text)
    text = _APOSTROPHE.sub("", text)
    text = _SECTION_GLUED.sub(r"\1 ", text)
    text = _ORDINAL.sub(r"\1", text)
    return _DIGIT_THEN_LETTERS.sub(" ", text)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _without_marks(text: str) -> str:
    """The text without its combining marks (accents split off by NFKD).

    Only the few characters outside ASCII are looked at (no ASCII character is a mark): a long
    message is mostly ASCII, and checking each of its characters was a third of reading it.
    """
    if text.isascii():
        return text
    marks = {ch for ch in _NON_ASCII.findall(text) if unicodedata.combining(ch)}
    return text.translate(dict.fromkeys(map(ord, marks))) if marks else text


_PREFIX_STARTS = tuple(_PREFIX_BRITISH)


def british(word: str) -> str:
    """The British spelling the knowledge base uses for ``word`` (unchanged if already so)."""
    if word in _WORD_FORMS:
        return _WORD_FORMS[word]
    # Each pattern is tried only where the word holds what it needs: most words hold none.
    match = _PREFIX.match(word) if word.startswith(_PREFIX_STARTS) else None
    if match:
        return _PREFIX_BRITISH[match.group(1)] + word[match.end() :]
    match = _IZE.match(word) if "iz" in word else None
    if match:
        return f"{match.group(1)}is{match.group(2)}"
    match = _YZE.match(word) if "yz" in word else None
    if match:
        return f"{match.group(1)}ys{match.group(2)}"
    return word


_one_message: ContextVar[dict[tuple[str, str], tuple[str, ...]] | None] = ContextVar(
    "guidebot_one_message", default=None
)


@contextmanager
def one_message() -> Iterator[None]:
    """While one message is read, split each text into words once; forget them all after.

    A step reads the same message in many ways (commands, danger, the question's answers, the
    menu's flows), and each way began by splitting it into words again: seven times over, a
    quarter of reading a long message. Inside the block :func:`surface_words` and
    :func:`normalised_words` keep what they worked out, for this context (thread) only and
    only until the block ends, so nothing an officer typed outlives the message.
    """
    token = _one_message.set({})
    try:
        yield
    finally:
        _one_message.reset(token)


def _kept(kind: str, text: str, work: Callable[[str], list[str]]) -> list[str]:
    """``work(text)``, worked out once inside :func:`one_message` (a fresh list each time)."""
    memo = _one_message.get()
    if memo is None:
        return work(text)
    found = memo.get((kind, text))
    if found is None:
        found = memo[(kind, text)] = tuple(work(text))
    return list(found)


def surface_words(text: str) -> list[str]:
    """Words as written, folded, with shorthand expanded, word families merged, British spelt."""
    return _kept("surface", text, _surface_words)


def _surface_words(text: str) -> list[str]:
    words: list[str] = []
    # Each different word is spelt once per text (a long message says most of its words many
    # times); the table is dropped with the call, so nothing said outlives it.
    spelt: dict[str, str] = {}
    for raw in _TOKEN.findall(fold(text)):
        if raw in _AFTER_NUMBER and words and words[-1].isdigit():
            expanded = _AFTER_NUMBER[raw]
        else:
            expanded = _SHORTHAND.get(raw, raw)
        for word in expanded.split():
            form = spelt.get(word)
            if form is None:
                form = spelt[word] = british(_CANONICAL.get(word, word))
            words.append(form)
    return words


def _is_number(word: str) -> bool:
    return word.isdigit() or word in _NUMBER_WORDS


# Words that multiply the number said before them ("twelve hundred", "two thousand and ten");
# after "a" they are a number themselves ("a hundred and two").
_SCALES = frozenset({"hundred", "thousand"})
# The most words one number said the usual way takes ("nine hundred and ninety nine thousand"
# is seven): longer runs are several numbers, so no longer stretch is tried as one.
_LONGEST_COMPOUND = 8


def _compound(words: Sequence[str]) -> int | None:
    """The value of words that say one number the usual way, or None if they do not.

    text2num reads the compound ("forty eight", "one hundred and thirty six", "twelve
    hundred", "two thousand and ten") and refuses anything else ("one three six", "nineteen
    eighty nine"), which this module then reads by its own rules.
    """
    if words and words[0] == "a":
        words = ["one", *words[1:]]
    try:
        return int(text2num(" ".join(words), "en"))
    except ValueError:
        return None


def _parse_number_run(run: Sequence[str]) -> list[str]:
    """Read a run of number words as the digits a person meant.

    Compound numbers are read the usual way, the longest first ("forty eight" -> 48, "a hundred
    and two" -> 102, "twelve hundred" -> 1200). Digits said one at a time, as people read out
    section and phone numbers, are run together ("one three six" -> 136, "three eight six" ->
    386). "nineteen eighty nine" and "twenty twenty three" are years.
    """
    values: list[int] = []
    i = 0
    while i < len(run):
        longest = min(len(run), i + _LONGEST_COMPOUND)
        end, value = next(
            (
                (end, value)
                for end in range(longest, i, -1)
                if (value := _compound(run[i:end])) is not None
            ),
            # A number word of the language pack that text2num lacks, or a stray "and".
            (i + 1, _NUMBER_WORDS.get(run[i])),
        )
        if value is not None:
            values.append(value)
        i = end
    if len(values) >= 2 and all(v < 10 for v in values):
        return ["".join(str(v) for v in values)]
    if len(values) == 2 and values[0] in (19, 20) and 10 <= values[1] <= 99:
        return [f"{values[0]}{values[1]}"]
    return [str(v) for v in values]


def numbers_to_digits(words: Sequence[str]) -> list[str]:
    """Replace numbers said as words with digits: "forty eight hours" -> "48 hours".

    A homophone of a number ("too", "for", "won") counts as that number only right before a unit
    of time, so "missing for too hours" becomes "missing for 2 hours". "for" is also plain
    English there ("missing for hours"), so it is a number only where the plain reading makes
    no sense: before a singular unit ("a for hour wait") or after another "for". Right after a
    word for a section and before a number, it is a digit of the section: a speech recogniser
    writes "section four seven" as "section for seven" (s47), and "section forty seven" as
    "section for tea seven" (a sound-alike of a ten, ``section_homophones`` in numbers.yaml).
    """
    spoken = _section_sound_alikes(words)
    for i in range(len(spoken) - 1):
        word, unit = spoken[i], spoken[i + 1]
        if (
            word in _NUMBER_HOMOPHONES
            and i > 0
            and spoken[i - 1] in _SECTION_WORDS
            and unit in _NUMBER_WORDS
        ):
            spoken[i] = _NUMBER_HOMOPHONES[word]
            continue
        if word not in _NUMBER_HOMOPHONES or unit not in TIME_UNITS:
            continue
        plain = (
            word in _PLAIN_BEFORE_PLURAL
            and unit not in _SINGULAR_UNITS
            and (i == 0 or spoken[i - 1] != word)
        )
        if not plain:
            spoken[i] = _NUMBER_HOMOPHONES[word]
    out: list[str] = []
    i = 0
    while i < len(spoken):
        scaled = spoken[i] == "a" and i + 1 < len(spoken) and spoken[i + 1] in _SCALES
        if spoken[i] not in _NUMBER_WORDS and not scaled:
            out.append(spoken[i])
            i += 1
            continue
        j = i + 1
        while j < len(spoken):
            word = spoken[j]
            joins_scale = (
                word == "and"
                and spoken[j - 1] in _SCALES
                and j + 1 < len(spoken)
                and spoken[j + 1] in _NUMBER_WORDS
            )
            if word in _NUMBER_WORDS or word in _SCALES or joins_scale:
                j += 1
            else:
                break
        out.extend(_parse_number_run(spoken[i:j]))
        i = j
    return out


def _section_sound_alikes(words: Sequence[str]) -> list[str]:
    """The words with a sound-alike of a number word right after a section word read as it."""
    spoken = list(words)
    if not _SECTION_WORDS.intersection(spoken):
        return spoken
    out: list[str] = []
    i = 0
    while i < len(spoken):
        heard = next(
            (
                phrase
                for phrase in _SECTION_HOMOPHONES
                if out
                and out[-1] in _SECTION_WORDS
                and tuple(spoken[i : i + len(phrase)]) == phrase
            ),
            None,
        )
        if heard is None:
            out.append(spoken[i])
            i += 1
        else:
            out.append(_SECTION_HOMOPHONES[heard])
            i += len(heard)
    return out


def explicit_sections(words: Sequence[str]) -> list[str]:
    """Write "section 47", "sec 47" and "s 47" as the one token ``s47``."""
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if word in _SECTION_WORDS and re.fullmatch(r"\d{1,3}[a-z]?", nxt):
            out.append(f"s{nxt}")
            i += 2
            continue
        if word in _SECTION_WORDS and nxt.startswith("s") and _SECTION_TOKEN.match(nxt):
            out.append(nxt)
            i += 2
            continue
        out.append(word)
        i += 1
    return out


def unit_homophones(words: Sequence[str]) -> list[str]:
    """Read a sound-alike of a unit of time after a number as that unit: "72 ours" -> "72 hours"."""
    out: list[str] = []
    for word in words:
        if word in _UNIT_HOMOPHONES and out and _is_number(out[-1]):
            word = _UNIT_HOMOPHONES[word]
        out.append(word)
    return out


def normalised_words(text: str) -> list[str]:
    """All the vocabulary-free steps, keeping stop words (their order can matter to a reader)."""
    return _kept("normalised", text, _normalised_words)


def _normalised_words(text: str) -> list[str]:
    return explicit_sections(numbers_to_digits(unit_homophones(surface_words(text))))


def normalise(text: str) -> str:
    """The canonical written form of ``text``, for comparing or storing free text.

    Lower case, no accents or punctuation, chat shorthand expanded ("hrs" -> "hours"), word
    families merged ("kids" -> "child"), British spelling, numbers as digits and section
    references as one token: ``normalise("Section Forty-Seven for the KIDS")`` is
    ``"s47 for the child"``. Stop words are kept; :func:`tokens` drops them.
    """
    return " ".join(normalised_words(text))


# A short root ending consonant-vowel-consonant lost a silent e to -ed or -ing (Porter's rule).
_SHORT_SYLLABLE = re.compile(r"(?:^|[^aeiou])[aeiou][^aeiouwxy]$")


def stem(word: str) -> str:
    """A light stem, so "neglected", "neglecting" and "neglect" compare equal.

    Only plurals, -ing, -ed and a final silent e are removed: enough for the way officers vary
    a word, without the surprises of a full stemmer (no "-er", "-ly" or "-ion" stripping).
    Tokens with digits (ages, sections) are left alone.
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ied") or word.endswith("ying"):
        # "lied", "died" -> "lie", "die"; "tried", "bullied" -> "try", "bully"; "lying" -> "lie"
        root = word[:-3] if word.endswith("ied") else word[:-4]
        return root + ("ie" if len(root) == 1 else "y")
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for ending in ("ing", "ed"):
        if word.endswith(ending) and not word.endswith("eed"):
            root = word[: -len(ending)]
            if len(root) >= 3 and _VOWEL.search(root):
                if len(root) >= 4 and root[-1] == root[-2] and root[-1] not in "aeioulsz":
                    root = root[:-1]  # "stopped" -> "stop"
                elif len(root) <= 4 and _SHORT_SYLLABLE.search(root):
                    root += "e"  # "raped", "caring" -> "rape", "care", as their base forms stem
                word = root
            break
    if len(word) >= 5 and word.endswith("e") and not word.endswith("ee"):
        word = word[:-1]
    return word


_AGE_UNITS = frozenset(_LANGUAGE.numbers.age_units)


def content(words: Sequence[str]) -> list[str]:
    """Stems of the words that carry meaning: stop words dropped, each word stemmed.

    An age ("15 year old", "6 month old", "13yo") keeps only its number: "year old" is in
    nearly every officer's message and says nothing about which guidance is needed.
    """
    kept: list[str] = []
    for i, word in enumerate(words):
        if word in STOP_WORDS:
            continue
        before = words[i - 1] if i > 0 else ""
        after = words[i + 1] if i + 1 < len(words) else ""
        if word in _AGE_UNITS and before.isdigit() and after in ("old", "olds"):
            continue
        if word in ("old", "olds") and before in _AGE_UNITS and i > 1 and words[i - 2].isdigit():
            continue
        kept.append(stem(word))
    return kept


# Forms of the commonest verbs among the stop words, folded to one, so a phrase said one way
# fits a term written another: "who is doing what" fits "who does what".
_FUNCTION_FORMS: dict[str, str] = dict(_LANGUAGE.stop_words.verb_forms)


def function_words(words: Sequence[str]) -> list[str]:
    """The stop words :func:`content` drops, with verb forms folded ("doing" -> "do").

    They carry no meaning alone, but a question made mostly of them ("who is doing what by
    when") is recognised by them, so the matcher uses them to fit a message to a term.
    """
    return [_FUNCTION_FORMS.get(word, word) for word in words if word in STOP_WORDS]


def tokens(text: str) -> list[str]:
    """The meaningful, stemmed words of ``text``, in order, for matching.

    ``tokens("The kids were neglected for 2 hrs")`` is ``["child", "neglect", "2", "hour"]``.
    """
    return content(normalised_words(text))


_DOUBLED = re.compile(r"(.)\1+")


def _undouble(word: str) -> str:
    return _DOUBLED.sub(r"\1", word)


_LONG_STOP_WORDS: tuple[str, ...] = tuple(sorted(w for w in STOP_WORDS if len(w) >= 5))
"""Stop words long enough to be typo candidates (the same for every vocabulary)."""
_LONG_STOP_UNDOUBLED: dict[str, str] = {_undouble(w): w for w in reversed(_LONG_STOP_WORDS)}


# The most slips ever mended (see :func:`max_slips`), and the prefix SymSpell indexes: seven
# letters is its authors' balance of index size and speed, and a slip after the seventh letter
# is still found (the whole word is compared once the prefix matches).
_MOST_SLIPS = 2
_SPELLER_PREFIX = 7


def _speller(words: Iterable[str], counts: Counter[str]) -> SymSpell:
    """A SymSpell index of ``words``: each with its deletions pre-computed, for fast look-ups."""
    speller = SymSpell(_MOST_SLIPS, _SPELLER_PREFIX)
    for word in words:
        speller.create_dictionary_entry(word, max(counts[word], 1))
    return speller


# The longer stop words are candidates for every vocabulary: indexed once, not per vocabulary
# (a flow builds one small vocabulary per expected phrase).
_STOP_SPELLER = _speller(_LONG_STOP_WORDS, Counter())


def max_slips(word: str) -> int:
    """How many slips (a wrong, missing, extra or swapped letter) ``word`` may hold and be mended.

    One for a word of five to nine letters, two from ten letters. Shorter words are never
    mended, and longer ones get no more leeway, because real words lie that close together:
    "park" is one slip from "part", and "password" two from "passport".
    """
    length = len(word)
    if length < 5:
        return 0
    return 2 if length >= 10 else 1


# How often a two-letter word must occur in the word list to count as English: "go", "ex" and
# "re" do, while the list's rarer pairs are mostly abbreviations ("da", "cp" are not there).
_COMMON_PAIR = 1000


@cache
def english_words() -> frozenset[str]:
    """Every English word of three letters or more (two if common), American and British.

    A word that is itself English was most likely meant as written: a speech recogniser only
    writes real words, and a slip that lands on another real word cannot be told from a choice.
    Such a word is therefore never "mended" into a word of the base ("stack" is not "stuck",
    "waving" not "having", "shell" not "shall"). The list is pyspellchecker's English
    word-frequency dictionary, shipped inside the package (nothing is downloaded); it leans
    American, so each word's British spelling is added. Built once, on first use (about 0.3 s),
    unless a cached engine brought the list with it (:func:`adopt_english_words`).
    """
    if _adopted is not None:
        return _adopted
    frequencies = _english_frequencies()
    words = {
        word
        for word, count in frequencies
        if len(word) >= 3 or (len(word) == 2 and count >= _COMMON_PAIR)
    }
    # The commoner words with their counts, kept for :func:`english_counts` while the list is
    # at hand, so that building a matcher does not read it a second time.
    _common_counts.update((word, count) for word, count in frequencies if count >= _COMMON_COUNT)
    return frozenset(words | {british(word) for word in words})


def _english_frequencies() -> list[tuple[str, int]]:
    """Every word of pyspellchecker's English word-frequency list, with its count."""
    from spellchecker import SpellChecker  # its import and its list cost a fifth of a second

    return [
        (word, count)
        for word, count in SpellChecker(language="en").word_frequency.items()
        if word.isalpha()
    ]


# Counts of at least this many are kept when the list is read for :func:`english_words`.
_COMMON_COUNT = 1000
_common_counts: dict[str, int] = {}


def english_counts(least: int) -> dict[str, int]:
    """The words pyspellchecker's English word-frequency list counts at least ``least`` times.

    Read when a matcher is built, never while a message is read; a cached engine keeps what
    was worked out from it. Each word is also listed in its British spelling.

    Args:
        least: the fewest times a word must be counted to be listed.
    """
    if least >= _COMMON_COUNT and _common_counts:
        found = {word: count for word, count in _common_counts.items() if count >= least}
    else:
        found = {word: count for word, count in _english_frequencies() if count >= least}
    for word, count in list(found.items()):
        spelt = british(word)
        found[spelt] = max(found.get(spelt, 0), count)
    return found


_adopted: frozenset[str] | None = None


def adopt_english_words(words: frozenset[str]) -> frozenset[str]:
    """Use a list read back from a cache as :func:`english_words`, unless it is built already.

    A cached engine's vocabularies hold the list they were built with; adopting it spares
    the process a second copy and the fifth of a second pyspellchecker's list takes to build.
    The cache's key covers pyspellchecker's version and the spelling tables, so it is the
    list this process would build. Returns the list in use.
    """
    global _adopted
    if english_words.cache_info().currsize == 0:
        _adopted = words
    return english_words()


# Letters as a speech recogniser writes their names: "en eff ay" is NFA, "pee pee oh" PPO.
_LETTER_NAMES: dict[str, str] = dict(_LANGUAGE.sounds.letters)
# Letter names that are everyday words too: a run made only of these ("see you", "why are",
# "be a") is read as words; one plain letter name in the run ("see pee") makes it a spelling.
_WORDLIKE_LETTERS = frozenset(_LANGUAGE.sounds.wordlike_letters)

# Typo look-ups made while mending one message: word -> (known word, slips), or None.
_Memo = dict[str, "tuple[str, int] | None"]
# Longer than this, a run of letters is not a word anyone meant: it is not mended.
_LONGEST_WORD = 30
# The most letters read out as one abbreviation ("p n c", "c a i t", "dee ay ar ay").
_LONGEST_SPELLED = 6
# A joined word shorter than this, made of two real words, is too likely a chance: "is a" is
# not "ISA".
_SHORTEST_JOIN_OF_WORDS = 5


def _letter_at(words: Sequence[str], i: int) -> tuple[str, int, bool] | None:
    """The letter said at ``words[i]``, how many words it took, and whether it is plainly one.

    Plainly a letter means a single letter, or a name such as "eff" that is no everyday word;
    "see" or "you" may be a letter or a word, so they only count next to a plain one.
    """
    word = words[i]
    if len(word) == 1 and word.isalpha():
        return word, 1, True
    if word == "double" and i + 1 < len(words) and words[i + 1] in ("you", "u"):
        return "w", 2, True
    letter = _LETTER_NAMES.get(word)
    if letter is None:
        return None
    return letter, 1, word not in _WORDLIKE_LETTERS


# Endings that turn a word into another of its family ("strategic" and "strategy", "urgently"
# and "urgent", "approve" and "approval", "educate" and "education"), tried in this order on
# an English word the base lacks (see :meth:`Vocabulary.derived`). Endings that make many
# words of other meanings ("-er": "poster" is no post, "-ion": "notion" no note) are left out.
_DERIVATIONS: tuple[tuple[str, str], ...] = (
    ("ically", "y"),
    ("ically", ""),
    ("ally", ""),
    ("ly", ""),
    ("ly", "e"),
    ("ical", "y"),
    ("ic", "y"),
    ("ve", "val"),
    ("se", "sal"),
    ("ate", "ation"),
    ("ute", "ution"),
)
# Shorter words are left alone: too many short words are a family ending away from another.
_SHORTEST_DERIVED = 6

_DIRECT_COMPARISONS = 64
"""Up to this many words of about a join's length are compared with it directly."""


class Vocabulary:
    """The words the knowledge base uses, which steer every repair of an officer's words.

    Built once from the entries' text; every method is then cheap enough to call per message.
    """

    def __init__(
        self,
        texts: Iterable[str],
        synonyms: Iterable[Sequence[str]] = (),
        derive: bool = False,
    ) -> None:
        """Collect words, their stems and how often they occur.

        Args:
            texts: every title, term, summary, guidance bullet and question of the base.
            synonyms: groups of officers' words that mean the same thing, the base's wording
                first (language/en/synonyms.yaml); see :meth:`paraphrase`.
            derive: read an English word the base lacks as a word of the same family the base
                uses ("strategic" as "strategy"); see :meth:`derived`.
        """
        counts: Counter[str] = Counter()
        pairs: set[tuple[str, str]] = set()
        # The base's own text, already normalised, for :meth:`entry_tokens` to reuse.
        self._normalised: dict[str, list[str]] = {}
        for text in texts:
            if text not in self._normalised:
                self._normalised[text] = normalised_words(text)
            words = self._normalised[text]
            counts.update(words)
            pairs.update(itertools.pairwise(words))
        self.counts = counts
        self.words: frozenset[str] = frozenset(counts)
        self.stems: frozenset[str] = frozenset(
            stem(word) for word in counts if word not in STOP_WORDS
        )
        # Words the base uses side by side: a run-together word is only split into such a pair.
        self.pairs: frozenset[tuple[str, str]] = frozenset(pairs)
        self.cited_sections: frozenset[str] = frozenset(
            w for w in counts if _SECTION_TOKEN.match(w)
        )
        # Candidates for typo correction: the base's meaningful words long enough to judge, and
        # the longer stop words, so a slip in "thanks" is read as "thanks", not as "trans".
        own = tuple(
            sorted(
                (w for w in counts if w.isalpha() and len(w) >= 3 and w not in STOP_WORDS),
                key=lambda w: (-counts[w], w),
            )
        )
        prefixes = tuple(sorted({s[: len(s) - 2] for s in self.stems}))
        self._stem_prefixes: tuple[str, ...] | None = (
            prefixes if len(prefixes) <= _DIRECT_COMPARISONS and "" not in prefixes else None
        )
        # The base's words by length, for :meth:`_may_join`.
        by_length: dict[int, list[str]] = {}
        for word in own:
            by_length.setdefault(len(word), []).append(word)
        self._own_by_length = {size: tuple(words) for size, words in by_length.items()}
        # The base's own candidates with their deletions pre-computed (SymSpell), so a look-up
        # costs a few dictionary probes however large the base grows, instead of a comparison
        # with every candidate of about the right length; the stop words have their own index.
        # A slip in a word a family is folded from ("chilren", "childrne") is found through
        # that word and read as the family's form ("child"): the base only holds the form. For
        # the knowledge search only (``derive``): a flow's phrase keeps its own few candidates.
        folded = (
            tuple(
                sorted(
                    form
                    for form, family in _CANONICAL.items()
                    if form.isalpha() and len(form) >= 5 and family in counts and form not in counts
                )
            )
            if derive
            else ()
        )
        self._speller = _speller(own + folded, counts)
        # The same words keyed without doubled letters: "refferal" and "referral" are both
        # "referal", a slip (one letter doubled, another not) that counts as two edits. The
        # long stop words are candidates too (see :meth:`_undoubled`), kept once for all.
        self._own_undoubled: dict[str, str] = {}
        for word in reversed(own):
            self._own_undoubled[_undouble(word)] = word
        self._english = english_words()
        self._paraphrases = self._paraphrase_table(synonyms)
        self._derive = derive

    def _uses(self, words: Sequence[str]) -> bool:
        """Whether the base uses these words: a word of its own, or words it puts side by side."""
        if len(words) == 1:
            return self._known_content(words[0])
        return all(pair in self.pairs for pair in itertools.pairwise(words))

    def _paraphrase_table(
        self, synonyms: Iterable[Sequence[str]]
    ) -> dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]]:
        """Each member the base does not use, by its first word, with the wording it is read as.

        The wording is the group's first member the base uses; a group the base uses no member
        of is left out. Longer members come first, so "kick the door in" is tried before "kick
        the door".
        """
        table: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        for group in synonyms:
            members = [tuple(normalised_words(member)) for member in group]
            target = next((words for words in members if words and self._uses(words)), None)
            if target is None:
                continue
            for words in members:
                if words and words != target and not self._uses(words):
                    table.setdefault(words[0], []).append((words, target))
        return {
            first: tuple(sorted(found, key=lambda pair: -len(pair[0])))
            for first, found in table.items()
        }

    def paraphrase(self, words: Sequence[str]) -> list[str]:
        """Read officers' words the base does not use as the base's own ("perp" -> "suspect").

        Only words and phrases of a synonym group are read so, and only when the base does not
        use them itself: "banged up" is read as "prison", while "custody", a word of the base,
        stays as said.
        """
        if not self._paraphrases:
            return list(words)
        out: list[str] = []
        i = 0
        while i < len(words):
            for member, target in self._paraphrases.get(words[i], ()):
                if tuple(words[i : i + len(member)]) == member:
                    out.extend(target)
                    i += len(member)
                    break
            else:
                out.append(words[i])
                i += 1
        return out

    def derived(self, words: Sequence[str]) -> list[str]:
        """Read an English word the base lacks as one of its family that the base uses.

        Officers say "strategic", "accidental", "urgently", "approve" where the base writes
        "strategy", "accident", "urgent", "approval". Only an English word the base does not
        use is read so, and only as a word the base does use; a slip is left to
        :meth:`correct_typos`.
        """
        if not self._derive:
            return list(words)
        return [self._derived(word) for word in words]

    def _derived(self, word: str) -> str:
        if len(word) < _SHORTEST_DERIVED or not word.isalpha() or self.knows(word):
            return word
        if not self._is_english(word):
            return word
        for ending, replacement in _DERIVATIONS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                candidate = word[: len(word) - len(ending)] + replacement
                if candidate != word and self._known_content(candidate):
                    return candidate
        return word

    def __getstate__(self) -> dict[str, object]:
        """The vocabulary for the start-up cache, without the base's text it was built from.

        That text is kept only to save :meth:`entry_tokens` normalising it again while the
        matcher is built; a vocabulary read back from the cache is already built on it.
        """
        return {key: value for key, value in vars(self).items() if key != "_normalised"}

    def __setstate__(self, state: dict[str, object]) -> None:
        """Load a vocabulary stored by :meth:`__getstate__`."""
        vars(self).update(state)
        self._normalised = {}

    def _undoubled(self, word: str) -> str | None:
        """The candidate spelt as ``word`` is but for doubled letters: the base's own first."""
        key = _undouble(word)
        found = self._own_undoubled.get(key)
        return found if found is not None else _LONG_STOP_UNDOUBLED.get(key)

    def _real(self, word: str) -> bool:
        """A word someone could have meant as written: a stop word or an English word."""
        return word in STOP_WORDS or self._is_english(word)

    def _is_english(self, word: str) -> bool:
        """An English word, or a regular inflection of one ("texting" of "text").

        The word list lacks many inflections; without this "texting" would be "mended" into
        "sexting", a different matter altogether.
        """
        if word in self._english:
            return True
        for ending in ("ing", "ed"):  # not "s": "thans" is no plural of "than"
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                root = word[: -len(ending)]
                if root in self._english or root + "e" in self._english:
                    return True
                if len(root) >= 4 and root[-1] == root[-2] and root[:-1] in self._english:
                    return True
        return False

    def knows(self, word: str) -> bool:
        """True when the base uses this word, in any inflection, or it is a stop word."""
        return word in self.words or word in STOP_WORDS or self._stem_known(word)

    def _known_content(self, word: str) -> bool:
        return word not in STOP_WORDS and (word in self.words or self._stem_known(word))

    def _stem_known(self, word: str) -> bool:
        # A word can only stem to a stem it starts with (but for the last two letters, as in
        # "bullied" and "bully"); for a phrase's few stems that rules out most words of a long
        # message without stemming them.
        if self._stem_prefixes is not None and not word.startswith(self._stem_prefixes):
            return False
        return stem(word) in self.stems

    # --- repairs, in the order they are applied ---------------------------------------------

    def homophones(self, words: Sequence[str]) -> list[str]:
        """Swap a word for a known sound-alike when the base does not use the word heard."""
        out: list[str] = []
        for word in unit_homophones(words):
            # Most words have no sound-alike: look that up before asking whether it is known.
            others = _HOMOPHONES.get(word, ())
            if others and word not in STOP_WORDS and not self.knows(word):
                for other in others:
                    if self._known_content(other):
                        word = other
                        break
            out.append(word)
        return out

    def sections(self, words: Sequence[str]) -> list[str]:
        """Read numbers as sections of an Act where the base cites such a section.

        "s38 6", "38 6" and "386" become ``s38(6)``, a bare "136" becomes ``s136`` and a plural
        "s46s" ``s46``, but only
        when the base cites that section and the number is not a quantity or an age ("72
        hours", "a 17 year old"): bare numbers under 20 are left alone for that reason.
        """
        out: list[str] = []
        i = 0
        while i < len(words):
            word = words[i]
            nxt = words[i + 1] if i + 1 < len(words) else ""
            after = words[i + 2] if i + 2 < len(words) else ""
            match = _SECTION_TOKEN.match(word)
            digits = match.group(1) if match and not match.group(2) else None
            explicit = digits is not None
            if word.isdigit():
                digits = word
            if digits is None:
                out.append(word)
                i += 1
                continue
            joined = self._said_apart(digits, words[i + 1 :]) if explicit else None
            if joined is not None:
                out.append(f"s{joined[0]}")
                i += 1 + joined[1]
                continue
            if (
                nxt.isdigit()
                and f"s{digits}({nxt})" in self.cited_sections
                and (after not in _QUANTITY_WORDS)
            ):
                out.append(f"s{digits}({nxt})")
                i += 2
                continue
            if nxt in _QUANTITY_WORDS or (not explicit and int(digits) < 20):
                out.append(word)
                i += 1
                continue
            if f"s{digits}" in self.cited_sections:
                out.append(f"s{digits}")
            elif digits.endswith("s") and f"s{digits[:-1]}" in self.cited_sections:
                # Officers count sections as things: "two s46s" are two uses of s46.
                out.append(f"s{digits[:-1]}")
            else:
                out.append(self._split_subsection(digits) or word)
            i += 1
        return out

    def _said_apart(self, digits: str, after: Sequence[str]) -> tuple[str, int] | None:
        """A cited section said in pieces after a section word, and how many pieces followed.

        A speech recogniser, or a thumb, writes "section one three six" as "section 1 3 6" and
        "section fourty seven" as "section 40 7": digits said one at a time run together, and
        a ten followed by a digit adds up; the last digit may be a subsection ("section 3 8 6"
        is s38(6)). Only a section the base cites is read this way, and never before a quantity
        word ("section 1 3 hours").
        """
        singles = list(itertools.takewhile(lambda word: len(word) == 1 and word.isdigit(), after))
        candidates: list[tuple[str, int]] = []
        if len(digits) == 1 and digits.isdigit():
            for n in range(len(singles), 0, -1):
                said = digits + "".join(singles[: n - 1])
                # "section 3 8 6" is s38(6) where the base cites the subsection, not s386.
                candidates += [(said + singles[n - 1], n), (f"{said}({singles[n - 1]})", n)]
        if len(digits) == 2 and digits.endswith("0") and digits[0] != "1" and singles:
            candidates.append((str(int(digits) + int(singles[0])), 1))
        for section, used in candidates:
            following = after[used] if used < len(after) else ""
            if f"s{section}" in self.cited_sections and following not in _QUANTITY_WORDS:
                return section, used
        return None

    def _split_subsection(self, digits: str) -> str | None:
        for cut in range(len(digits) - 1, 0, -1):
            candidate = f"s{digits[:cut]}({digits[cut:]})"
            if candidate in self.cited_sections:
                return candidate
        return None

    def resegment(self, words: Sequence[str], memo: _Memo | None = None) -> list[str]:
        """Mend words a speech recogniser split ("safe guarding") or a thumb ran together.

        Adjacent words are joined when the join is a word of the base and at least one piece
        is not (or is a stop word or a single letter): "a lone" -> "alone", "a a" -> "aa",
        "en eff ay" -> "nfa" (letters said by name, see :meth:`_spelled_out`); a join with one
        slip in it is allowed too ("in mediate" -> "immediate"). An unknown word that is no
        English word either is split where the base uses its two halves side by side:
        "socialcare" -> "social care", "skipperat" -> "skipper at", but "password" and
        "everywhere" stay whole (see :meth:`_splits_into`).

        Args:
            words: the message's words.
            memo: look-ups already made for this message, to reuse (see :meth:`repair`).
        """
        memo = {} if memo is None else memo
        joined: list[str] = []
        i = 0
        while i < len(words):
            spelled = self._spelled_out(words, i)
            if spelled:
                joined.append(spelled[0])
                i += spelled[1]
                continue
            if i + 1 < len(words):
                merged = self._join(words[i], words[i + 1], memo)
                if merged:
                    joined.append(merged)
                    i += 2
                    continue
            joined.append(words[i])
            i += 1
        out: list[str] = []
        for word in joined:
            out.extend(self._split(word, memo))
        return out

    def _spelled_out(self, words: Sequence[str], start: int) -> tuple[str, int] | None:
        """The abbreviation spelt out letter by letter from ``start``, and how many words it took.

        Letters come as single letters ("n f a") or as their names ("en eff ay", "pee pee oh",
        "double you"). The longest run that the base uses as a word is taken; a run of names
        that are all everyday words ("see you") is left as words.
        """
        letters: list[tuple[str, int, bool]] = []
        i = start
        while len(letters) < _LONGEST_SPELLED and i < len(words):
            letter = _letter_at(words, i)
            if letter is None:
                break
            letters.append(letter)
            i += letter[1]
        for length in range(len(letters), 1, -1):
            run = letters[:length]
            spelled = "".join(letter for letter, _, _ in run)
            if not self._known_content(spelled):
                continue
            if any(clear for _, _, clear in run):
                return spelled, sum(taken for _, taken, _ in run)
        return None

    def _join(self, first: str, second: str, memo: _Memo) -> str | None:
        if not (first.isalpha() and second.isalpha()):
            return None
        first_solid = self._known_content(first) and len(first) > 1
        second_solid = self._known_content(second) and len(second) > 1
        if first_solid and second_solid:
            return None
        together = first + second
        # The join must be a word as the base writes it, or an English word the base knows in
        # another form: "a bus" is not "abus", which only matches the stem of "abuse".
        if together in self.words or (together in self._english and self._known_content(together)):
            # Two real words make a short word of the base by chance more often than by a
            # speech recogniser's split: "is a" is not "ISA".
            chance = (
                self._real(first)
                and self._real(second)
                and together not in self._english
                and len(together) < _SHORTEST_JOIN_OF_WORDS
            )
            return None if chance else together
        unknown = [piece for piece in (first, second) if not self.knows(piece)]
        if not unknown or len(together) < 6:
            return None
        if not self._may_join(together):
            return None
        joined = self._closest(together, memo)
        if joined is None or joined[0] in STOP_WORDS:
            return None
        # A join with a slip in it is taken only if it has a single slip and explains the words
        # at least as well as mending the unknown piece alone: "safe gaurding" is
        # "safeguarding", not "safe guardian", and "of france" is not "offence".
        alone = [found[1] for piece in unknown if (found := self._closest(piece, memo))]
        if joined[1] > 1 or (alone and joined[1] > min(alone)):
            return None
        return joined[0]

    def _may_join(self, together: str) -> bool:
        """Whether a word of the base could be one slip from this join (else no look-up).

        A join is taken only one slip from a word of the base, so only joins of about the
        length of one can be; for a phrase's few words the handful of that length are compared
        directly, ruling out nearly every pair of a long message before any look-up (what a
        4,096-character message costs at a question).
        """
        if self._undoubled(together) is not None:
            return True
        size = len(together)
        near = [
            word
            for length in (size - 1, size, size + 1)
            for word in self._own_by_length.get(length, ())
        ]
        if len(near) > _DIRECT_COMPARISONS:
            return True  # the knowledge base's own vocabulary: the look-up is the cheaper way
        return any(OSA.distance(together, word, score_cutoff=1) <= 1 for word in near)

    def _split(self, word: str, memo: _Memo) -> list[str]:
        if (
            not 5 <= len(word) <= _LONGEST_WORD
            or not word.isalpha()
            or self.knows(word)
            or self._is_english(word)
        ):
            return [word]
        close = self._closest(word, memo)
        if close is not None and close[1] == 1:
            return [close[0]]
        best: tuple[int, int] | None = None
        for cut in range(2, len(word) - 1):
            left, right = word[:cut], word[cut:]
            if self._splits_into(left, right):
                balance = min(len(left), len(right))
                if best is None or balance > best[0]:
                    best = (balance, cut)
        if best is None:
            return [word]
        return [word[: best[1]], word[best[1] :]]

    def _splits_into(self, left: str, right: str) -> bool:
        """Whether a run-together word is plausibly these two words.

        Both must be words of the base, and either the base uses them side by side, or every
        meaningful half is long enough not to be a chance reading: "cellsovernight" and
        "skipperat" split, "password" ("pass word") and "canteen" ("can teen") do not.
        """
        if not (self.knows(left) and self.knows(right)):
            return False
        if (left, right) in self.pairs:
            return True
        halves = (left, right)
        return all(len(half) >= (2 if half in STOP_WORDS else 5) for half in halves)

    def _closest(self, word: str, memo: _Memo) -> tuple[str, int] | None:
        """The known word ``word`` is most likely a slip for, and how many slips away it is.

        Slips are counted as optimal string alignment distance (a swap of two neighbouring
        letters is one slip, as a thumb makes it), and a word that differs only in which letters
        are doubled ("refferal", "acommodation") is one slip away. A word of five letters keeps
        its first letter: "hello" is not "jello".

        Look-ups are remembered only in ``memo``, for the one message: nothing an officer typed
        (a name one slip from a word of the base, say) outlives the message that carried it.
        A cache across messages was measured and bought no speed (search p99 0.65 ms either way).
        """
        if word in memo:
            return memo[word]
        slips = max_slips(word) if len(word) <= _LONGEST_WORD else 0
        best: tuple[str, int] | None = None
        undoubled = self._undoubled(word) if slips else None
        if undoubled is not None:
            best = (undoubled, 1)
        elif slips:
            found = [
                hit
                for speller in (self._speller, _STOP_SPELLER)
                for hit in speller.lookup(word, Verbosity.ALL, max_edit_distance=slips)
            ]
            usable = [
                (hit.term, hit.distance) for hit in found if len(word) > 5 or hit.term[0] == word[0]
            ]
            if usable:
                # Fewest slips first; among equals the word sharing more of its beginning and
                # letters (Jaro-Winkler: "safey" is "safety", not "safe"), then the commoner.
                best = min(
                    usable,
                    key=lambda hit: (
                        hit[1],
                        -JaroWinkler.similarity(word, hit[0]),
                        -self.counts[hit[0]],
                    ),
                )
        if best is not None and best[0] in _CANONICAL:
            best = (_CANONICAL[best[0]], best[1])
        memo[word] = best
        return best

    def correct_typos(self, words: Sequence[str], memo: _Memo | None = None) -> list[str]:
        """Replace each unknown word by the closest word of the base, if one is close enough.

        A word the base does not use but English does ("stack", "waving") is left as said:
        it was most likely meant, and mending it would put words in the officer's mouth.

        Args:
            words: the message's words.
            memo: look-ups already made for this message, to reuse (see :meth:`repair`).
        """
        memo = {} if memo is None else memo
        out: list[str] = []
        for word in words:
            if word.isalpha() and not self.knows(word) and not self._is_english(word):
                found = self._closest(word, memo)
                word = found[0] if found else word
            out.append(word)
        return out

    # --- whole pipelines ---------------------------------------------------------------------

    def repair(self, text: str, surface: Sequence[str] | None = None) -> list[str]:
        """Every step, vocabulary-free and guided, keeping stop words: the words mended.

        ``surface`` is :func:`surface_words` of the text, when the caller has it already: a
        message scored against many phrases is split into words once, not once per phrase.
        """
        words = list(surface) if surface is not None else surface_words(text)
        words = self.homophones(words)
        words = numbers_to_digits(words)
        words = explicit_sections(words)
        words = self.derived(self.paraphrase(self.sections(words)))
        memo: _Memo = {}
        words = self.resegment(words, memo)
        return self.correct_typos(words, memo)

    def tokens(self, text: str) -> list[str]:
        """Stemmed meaningful words of an officer's message, mended against the base."""
        return content(self.repair(text))

    def normalised(self, text: str) -> list[str]:
        """The words of the base's own text, read once when the vocabulary was built."""
        words = self._normalised.get(text)
        return words if words is not None else normalised_words(text)

    def entry_tokens(self, text: str) -> list[str]:
        """Stemmed meaningful words of the base's own text (no repairs: it is spelt right)."""
        words = self._normalised.get(text)
        return content(self.sections(words if words is not None else normalised_words(text)))

    def entry_function_words(self, text: str) -> list[str]:
        """The folded stop words of the base's own text (see :func:`function_words`)."""
        words = self._normalised.get(text)
        return function_words(words if words is not None else normalised_words(text))
