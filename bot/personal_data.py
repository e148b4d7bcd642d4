"""Whether an officer's message looks like personal data, and which kinds: never the words.

Officers will type names, addresses and dates of birth however often they are asked not to. The
Telegram channel answers such a message as usual, then deletes it from the chat and says why in
one line ("That looked like it held a name and a date of birth"); the audit log keeps only the
kinds. So this module says *whether* and *which kinds*, and gives spans (offsets, never text) only
so that :func:`redact` can blank them in memory before the text is matched or scrubbed.

Everything is pure and fast: the patterns are compiled and the word lists loaded once, at
import, so a call does no I/O. A 100-character message takes well under 0.2 ms and a
4,096-character one a few milliseconds: every pattern is anchored so that it is tried from the
start of a run only, and no repeat can be split two ways (possessive quantifiers), so the time
grows with the length of the message and nothing else.

False alarms matter as much as misses: a deleted ordinary message ("called mum", "child is 14",
"s46 police protection", "CAD 1234 12/03") teaches an officer that the bot is in the way. The
choices below lean that way, and each is written where it is made:

- **Names** are found only after a cue ("called", "her name is", "known as", "aka", "Mr"):
  there is no list of names, and a capitalised word alone is no evidence (sentence starts,
  "MASH", "Social Services"). After "called" or "named", which are ordinary verbs too, the next
  word must be capitalised or not everyday English ("called jayden", not "called mum" or "called
  for backup"); after a stronger cue ("name is", "known as", "a boy called") a lower-case word
  counts unless it is common English. So "her name is grace" is missed while "her name is Grace"
  and "her name is kayleigh" are caught. A name typed with no cue ("Jayden Smith at 14 Acacia
  Avenue") is found only by what stands beside it (the address).
- **Dates**: any full calendar date (12/03/2014, 12.3.14, 3rd March 2014, 2014-03-12) is taken
  as a date-of-birth risk, whatever it is the date of. A day and month with no year counts only
  after "dob", "born" or "date of birth" ("dob 12/3"); a bare year or a month and year never does
  ("born 2010", "born March 2010"): thousands of children share it, and ages and years are
  everywhere in officers' messages. A dotted number after "para" or "section" is a paragraph.
- **Phones** are UK numbers only, 01, 02, 03 and 07, with the length and prefix each really
  has; 0800 and 0808 numbers are helplines (Childline), not personal data.
- **NHS numbers** must pass the modulus-11 check, which turns away about nine in ten random
  10-digit numbers; one that starts with 0 is a landline, not an NHS number.
- **Vehicle registrations** in the current format (AB12 CDE) count anywhere, except in lower case
  with a space before an everyday word ("home by10 and"); the older formats (A123 BCD, ABC 123D)
  look too much like references ("S136 MHA") to count without "reg", "car" or "plate" before.
- **Addresses** need a house number, a word or more, then a street word ("14 fern rd"); a street
  word that is an everyday word too ("close", "park", "drive", "view") counts only capitalised
  or after "at", "lives" or "address", so "3 car park checks" and "20 min drive" are no address.
- **Postcodes** must start with a real postcode area ("LU", "SW", "B"), so "PC12 3AB" is none;
  "b4 2nd interview" (chat shorthand before an ordinal, in lower case) is none either.

The word lists are data, in ``language/en/personal_data.yaml``, with the people words of
``people.yaml`` and the function words of ``stop_words.yaml``; everyday English is
pyspellchecker's word-frequency list, shipped inside that package.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rapidfuzz import process
from rapidfuzz.distance import OSA
from spellchecker import SpellChecker

from bot.language import (
    Language,
    LanguageError,
    Phrase,
    Phrases,
    YamlError,
    default_language_dir,
    english,
    read_language,
    read_yaml,
)

FILE = "personal_data.yaml"
"""The file of a language pack this module reads: not one of the pack's checked FILES."""


class PersonalDataKind(StrEnum):
    """A kind of detail that identifies a child or family; its value is what the audit log keeps.

    Declared in the order a reply lists them, so "a name and a phone number" reads the same way
    every time.
    """

    NAME = "name"
    DATE_OF_BIRTH = "date_of_birth"
    ADDRESS = "address"
    POSTCODE = "postcode"
    PHONE = "phone"
    EMAIL = "email"
    NHS_NUMBER = "nhs_number"
    NI_NUMBER = "ni_number"
    VEHICLE_REGISTRATION = "vehicle_registration"

    @property
    def description(self) -> str:
        """What the bot says it found, in plain English: "a date of birth", "a phone number"."""
        return DESCRIPTIONS[self]


Kind = PersonalDataKind

_PRIORITY: tuple[Kind, ...] = (
    Kind.EMAIL,
    Kind.NHS_NUMBER,
    Kind.NI_NUMBER,
    Kind.PHONE,
    Kind.DATE_OF_BIRTH,
    Kind.POSTCODE,
    Kind.VEHICLE_REGISTRATION,
    Kind.ADDRESS,
    Kind.NAME,
)
"""Which kind keeps a stretch of text two kinds both claim: the most exact pattern first, so the
digits of a phone number are never also a date, nor the name in an email address a name."""


@dataclass(frozen=True, slots=True)
class PersonalDataSpan:
    """Where in a message one detail stands: offsets and a kind, never the text itself."""

    kind: PersonalDataKind
    start: int
    end: int


class PersonalDataWords(BaseModel):
    """personal_data.yaml: the cues and word lists the reader is built from (see the file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    descriptions: dict[PersonalDataKind, str]
    last_joiner: Phrase
    name_cues: Phrases = Field(min_length=1)
    name_labels: Phrases = ()
    called: Phrases = ()
    person_before_called: Phrases = ()
    pronouns_before_is: Phrases = ()
    is_words: Phrases = ()
    titles: Phrases = ()
    titles_also_words: Phrases = ()
    name_list_words: Phrases = ()
    not_names: Phrases = ()
    dob_cues: Phrases = Field(min_length=1)
    filler: Phrases = ()
    months: dict[Phrase, int]
    numbering_words: Phrases = ()
    street_words: Phrases = Field(min_length=1)
    street_words_also_words: Phrases = ()
    flat_words: Phrases = ()
    house_number_words: Phrases = ()
    address_cues: Phrases = ()
    not_street_names: Phrases = ()
    vehicle_cues: Phrases = ()
    postcode_areas: Phrases = Field(min_length=1)


def read_personal_data_words(folder: Path) -> PersonalDataWords:
    """Read and check ``personal_data.yaml`` from a language pack folder.

    Raises:
        LanguageError: the file is missing, is not YAML, or does not fit
            :class:`PersonalDataWords`; every problem is listed with the file and key.
    """
    shown = f"{folder.parent.name}/{folder.name}/{FILE}"
    path = folder / FILE
    if not path.is_file():
        raise LanguageError([f"{shown}: is missing"])
    try:
        data = read_yaml(path.read_text(encoding="utf-8"))
    except YamlError as exc:
        raise LanguageError([f"{shown}: {exc}"]) from exc
    try:
        words = PersonalDataWords.model_validate(data)
    except ValidationError as exc:
        raise LanguageError([f"{shown}: {_where(error)}" for error in exc.errors()]) from exc
    missing = [kind.value for kind in Kind if kind not in words.descriptions]
    if missing:
        raise LanguageError([f"{shown}: key 'descriptions': no description for {missing}"])
    return words


def _where(error: Any) -> str:
    """One pydantic error as ``key 'months' key 'jan': message``, the language pack's way."""
    parts = [f"item {p + 1}" if isinstance(p, int) else f"key '{p}'" for p in error["loc"]]
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{' '.join(parts)}: {message}" if parts else message


EVERYDAY = 5_000
"""Word-list count from which a word is everyday English: after "called" it is a verb's object
("called control"), not a name. Names as rare as "tyler" (1,828) and "chloe" (1,573) are under
it; "john" (6,920) and "jack" are over, so "called john" is missed, "called John" caught."""
COMMON = 15_000
"""Count from which a word is common English even after a strong cue ("known as county
lines"): "her name is jack" is caught, "her name is grace" (24,102) is not."""


def everyday_word_counts(least: int = EVERYDAY) -> dict[str, int]:
    """English words as often used as ``least`` or more, with their counts in pyspellchecker's list.

    The list ships inside pyspellchecker (nothing is downloaded) and holds first names too, so
    a name is "rare" only by its count: "kayleigh" is not there, "sarah" is at 3,890.
    """
    return {
        word: count
        for word, count in SpellChecker(language="en").word_frequency.items()
        if count >= least and word.isalpha()
    }


# --- Pattern pieces ------------------------------------------------------------------------
#
# Speed: Python's regex engine skips ahead fast only when a pattern begins with a set of plain
# characters. A leading lookbehind or an ignore-case alternation makes it try the whole pattern
# at every position (a 4,096-character message then cost 5-10 ms). So every pattern starts with
# its first character, and the "not inside a word" check comes right after it, as a two-character
# lookbehind; cue words are spelt out in the cases officers type ("dob", "Dob", "DOB") instead
# of being matched ignoring case.

_LETTER = r"[^\W\d_]"
_AFTER_FIRST_NOT_LETTER = rf"(?<!{_LETTER}.)"
"""Placed after a pattern's first character: no letter stands before it."""
_AFTER_FIRST_NOT_ALNUM = r"(?<![^\W_].)"
"""Placed after a pattern's first character: no letter or digit stands before it."""
_NOT_BEFORE_LETTER = rf"(?!{_LETTER})"
_NOT_BEFORE_ALNUM = r"(?![^\W_])"
_TOKEN = rf"{_LETTER}(?:{_LETTER}|['’\-](?={_LETTER})){{0,30}}"
"""A word that may be a name: letters, with an apostrophe or hyphen inside ("O'Brien")."""
_CUE_GAP = r"[\s'’.\-]*"
"""What a space in a cue matches: "name s" is "name's", "d o b" is "d.o.b" and "dob"."""
_CUE_GAP_CHARACTERS = re.compile(r"[\s'’.\-:=,;\"“‘(–]+")
_SEPARATORS = r"[\s:=,;.\-–]*+"
"""Punctuation between a cue and what it introduces; possessive, so never split two ways."""
_ORDINAL_SUFFIX = r"(?:st|nd|rd|th|ST|ND|RD|TH)?"
_DIGIT = re.compile(r"[0-9]")
_POSSESSIVE = re.compile(r"['’]s?$")


def _spellings(phrase: str) -> set[str]:
    """The ways an officer capitalises a phrase, matched instead of ignoring case.

    "name is", "Name is", "Name Is", "NAME IS"; a short one every way ("dob", "DoB", "DOB").
    """
    letters = phrase.replace(" ", "")
    if len(letters) <= 3:
        found = {""}
        for character in phrase:
            found = {f"{done}{case}" for done in found for case in {character, character.upper()}}
        return found
    return {phrase, phrase.capitalize(), phrase.title(), phrase.upper()}


_END = "\x00"
"""Marks, in a trie of spellings, that a phrase may end here (followed by what it ends with)."""


def _alternation(phrases: Iterable[str], boundary: str = "", end: str = "") -> str:
    """A regex for every spelling of the phrases, each followed by ``end``; see :func:`_trie`."""
    return _trie([(phrases, end)], boundary)


def _trie(groups: Iterable[tuple[Iterable[str], str]], boundary: str = "") -> str:
    """One regex for many phrases, written as a trie: "j(?:an(?:uary|)|u(?:ly|ne|l|n))".

    Python's engine tries the alternatives of a plain list one by one at every position; a trie
    shares each prefix, so a list of 150 spellings costs about what a few do. Each group is
    phrases and what must follow them. ``boundary`` goes after each first character, where the
    engine can still skip ahead on that character; where one phrase is the start of another,
    the longer is tried first ("first name is" before "first name").
    """
    root: dict[str, Any] = {}
    for phrases, end in groups:
        for phrase in phrases:
            for spelling in _spellings(phrase):
                node = root
                for character in spelling:
                    node = node.setdefault(character, {})
                node.setdefault(_END + end, {})
    return _branches(root, boundary)


def _branches(node: dict[str, Any], boundary: str) -> str:
    found: list[str] = []
    ends: list[str] = []
    for key in sorted(node):
        if key.startswith(_END):
            ends.append(key[len(_END) :])
            continue
        piece = _CUE_GAP if key == " " else re.escape(key)
        found.append(piece + boundary + _branches(node[key], ""))
    found += ends  # ending here is tried last, so the longest spelling wins
    return found[0] if len(found) == 1 else f"(?:{'|'.join(found)})"


def _key(cue: str) -> str:
    """A cue as typed, compared without case, gaps or colon: "Name's" and "names" are "names"."""
    return _CUE_GAP_CHARACTERS.sub("", cue).lower()


def _single_words(phrases: Iterable[str]) -> frozenset[str]:
    return frozenset(phrase for phrase in phrases if " " not in phrase)


def _valid_day_month(day: int, month: int) -> bool:
    """A real day of a real month; 29 February allowed, since the year may be a leap year."""
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(2000, month)[1]


def _valid_year(year: str) -> bool:
    """A four-digit year from 1900 to 2099, or any two-digit year ("'14", "14")."""
    digits = year.lstrip("'’")
    return len(digits) == 2 or (len(digits) == 4 and 1900 <= int(digits) <= 2099)


def nhs_check_digit_ok(digits: str) -> bool:
    """True when ten digits pass the NHS modulus-11 check.

    The first nine digits are weighted 10 down to 2; eleven minus the remainder of the sum by
    eleven is the check digit (11 reads as 0, and 10 means no number has those first nine).
    """
    if len(digits) != 10 or not digits.isdigit():
        return False
    weights = range(10, 1, -1)
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], weights, strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


_PHONE_PREFIXES = {"1": None, "2": "03489", "3": "0347", "7": "12345789"}
"""The digit after 01, 02, 03 and 07 that a real number can have (01 takes any): 020, 023,
024, 028, 029; 030, 033, 034, 037; 07 but not 076 (pagers) or 070 (personal numbers)."""

_ORDINAL = re.compile(r"(?:1st|2nd|3rd|[04-9]th)")

_NI_NOT_PREFIXES = frozenset({"bg", "gb", "kn", "nk", "nt", "tn", "zz"})
"""National Insurance prefixes never issued (HMRC NIM39110), on top of the letters ruled out
in each place: D, F, I, Q, U and V first; D, F, I, O, Q, U and V second."""

_VEHICLE_AGES = frozenset(range(2, 30)) | frozenset(range(51, 80))
"""Age identifiers of the current format: March 2002 ("02") to 2029, September 2001 ("51") to
September 2029 ("79"). "00", "01" and "50" were never issued."""


class PersonalDataReader:
    """Finds personal details in a message, built once from a language pack's words.

    Build one with :meth:`from_folder`, or use the module's functions, which share the English
    reader built at import.
    """

    def __init__(
        self, words: PersonalDataWords, language: Language, counts: Mapping[str, int]
    ) -> None:
        """Compile every pattern and word set once; nothing is read or built per message."""
        self.descriptions: Mapping[Kind, str] = MappingProxyType(dict(words.descriptions))
        self.last_joiner = words.last_joiner
        self._counts = counts
        people = language.people
        people_words = _single_words(
            (
                *people.child,
                *people.adult,
                *people.pronouns,
                *people.she,
                *people.he,
                *people.women,
                *people.men,
            )
        )
        function_words = frozenset(language.stop_words.stop_words)
        shorthand = frozenset(language.abbreviations.shorthand)
        self._not_names = _single_words(words.not_names) | people_words | function_words | shorthand
        self._typo_targets = sorted(
            word for word in _single_words(words.not_names) if len(word) >= 5
        )
        self._person_before_called = _single_words(words.person_before_called) | _single_words(
            people.child
        )
        self._pronouns_before_is = _single_words(words.pronouns_before_is)
        self._is_words = _single_words(words.is_words)
        self._loose_titles = _single_words(words.titles_also_words)
        self._not_street_names = (
            _single_words(words.not_street_names) | people_words | function_words
        )
        self._weak_street_words = _single_words(words.street_words_also_words)
        self._address_cues = _single_words(words.address_cues)
        self._not_plate_ends = function_words | shorthand | self._not_names
        self._months = dict(words.months)
        self._compile(words)

    @classmethod
    def from_folder(cls, folder: Path, language: Language | None = None) -> PersonalDataReader:
        """A reader for the language pack in ``folder`` (``language`` defaults to that pack's).

        Raises:
            LanguageError: ``personal_data.yaml`` is missing or has a mistake.
        """
        words = read_personal_data_words(folder)
        return cls(words, language or read_language(folder), everyday_word_counts())

    # --- Compiling --------------------------------------------------------------------------

    def _compile(self, words: PersonalDataWords) -> None:
        self._called_keys = {_key(cue) for cue in words.called}
        cues = _trie(
            [
                ((*words.name_cues, *words.called), _NOT_BEFORE_LETTER),
                (words.name_labels, r"[ \t]*+[:=\-–]"),
            ],
            _AFTER_FIRST_NOT_LETTER,
        )
        # A name stands on the cue's line: "called\n- Transfer" is a list, not a name.
        self._name_cue = re.compile(
            rf"{cues}[ \t:=,;\"'“‘(\-–]{{0,6}}+(?P<initial>[A-Z]\.?[ \t]++)?(?P<first>{_TOKEN})"
        )
        titles = _alternation((*words.titles, *words.titles_also_words), _AFTER_FIRST_NOT_LETTER)
        self._title = re.compile(
            rf"(?P<title>{titles})\.?[ \t]++(?P<initial>[A-Za-z]\.?[ \t]++)?(?P<first>{_TOKEN})"
        )
        self._next_token = re.compile(rf"[ \t]++(?P<token>{_TOKEN})")
        self._next_name = re.compile(
            rf"(?:[ \t]*+[,/&][ \t]*+|[ \t]++(?:{_alternation(words.name_list_words)})[ \t]++)"
            rf"(?P<token>{_TOKEN})"
        )
        self._preceding_words = re.compile(rf"{_LETTER}+")

        no_date_before = r"(?![\w/]|[.:\-][0-9])"
        self._numeric_date = re.compile(
            rf"(?P<a>[0-9](?<![\w/.:\-].)[0-9]?)(?P<sep>[/.\-])(?P<b>[0-9]{{1,2}})(?P=sep)"
            rf"(?P<y>[0-9]{{4}}|[0-9]{{2}}){no_date_before}"
        )
        self._iso_date = re.compile(
            rf"(?P<y>(?:1(?<![\w/.:\-].)9|2(?<![\w/.:\-].)0)[0-9]{{2}})(?P<sep>[/.\-])"
            rf"(?P<m>[0-9]{{1,2}})"
            rf"(?P=sep)(?P<d>[0-9]{{1,2}}){no_date_before}"
        )
        self._numbered = re.compile(
            rf"(?<!{_LETTER})(?:{_alternation(words.numbering_words)})\.?\s*$"
        )
        months = _alternation(words.months)
        months_first = _alternation(words.months, _AFTER_FIRST_NOT_LETTER)
        day = rf"[0-9]{_AFTER_FIRST_NOT_ALNUM}[0-9]?"
        year = r"(?:19|20)[0-9]{2}|['’]?[0-9]{2}"

        def day_then_month(p: str, first: bool) -> str:
            day_pattern = day if first else r"[0-3]?[0-9]"
            return (
                rf"(?P<{p}d>{day_pattern}){_ORDINAL_SUFFIX}[\s/\-]*+(?:of[ \t]++)?"
                rf"(?P<{p}m>{months})\.?{_NOT_BEFORE_LETTER}"
            )

        def month_then_day(p: str, first: bool) -> str:
            return (
                rf"(?P<{p}m>{months_first if first else months})\.?[ \t]++"
                rf"(?P<{p}d>[0-3]?[0-9]){_ORDINAL_SUFFIX}{_NOT_BEFORE_ALNUM}"
            )

        self._day_month_year = re.compile(
            rf"{day_then_month('a', True)}[\s/\-,.]*+(?P<ay>{year}){_NOT_BEFORE_ALNUM}"
        )
        self._month_day_year = re.compile(
            rf"{month_then_day('b', True)},?[ \t]++(?P<by>(?:19|20)[0-9]{{2}}){_NOT_BEFORE_ALNUM}"
        )
        filler = _alternation(words.filler)
        self._dob = re.compile(
            rf"(?:{_alternation(words.dob_cues, _AFTER_FIRST_NOT_LETTER)}){_NOT_BEFORE_LETTER}"
            rf"{_SEPARATORS}(?:(?:{filler}){_NOT_BEFORE_LETTER}{_SEPARATORS}){{0,6}}"
            rf"(?P<date>"
            rf"(?P<cd>[0-3]?[0-9])(?P<csep>[/.\-]|[ \t]++)(?P<cm>[01]?[0-9])"
            rf"(?:(?P=csep)(?P<cy>(?:19|20)[0-9]{{2}}|[0-9]{{2}}))?(?![0-9]|[/.\-][0-9])"
            rf"|(?P<run>[0-9]{{8}}|[0-9]{{6}})(?![0-9])"
            rf"|{day_then_month('t', False)}(?:[\s/\-,.]*+(?P<ty>{year}){_NOT_BEFORE_ALNUM})?"
            rf"|{month_then_day('u', False)}"
            rf")"
        )

        separator = r"(?:[ \-]|\)[ ]?)?"
        not_after = r"(?<![\w+].)"
        self._phone = re.compile(
            rf"(?:\+{not_after}[ ]?44[ ]?(?:\(0\)[ ]?)?|0{not_after}044[ ]?"
            rf"|\({not_after}0|0{not_after})"
            rf"(?P<national>[1237](?:{separator}[0-9]){{8,9}})(?![0-9])"
        )
        self._nhs = re.compile(
            rf"(?P<a>[1-9]{not_after}[0-9]{{2}})(?P<sep>[ \-]?)(?P<b>[0-9]{{3}})(?P=sep)"
            rf"(?P<c>[0-9]{{4}})(?![0-9])"
        )
        self._ni = re.compile(
            rf"(?P<prefix>[A-CEGHJ-PR-TW-Za-ceghj-pr-tw-z]{_AFTER_FIRST_NOT_ALNUM}"
            rf"[A-CEGHJ-NPR-TW-Za-ceghj-npr-tw-z])[ ]?"
            rf"[0-9]{{2}}[ ]?[0-9]{{2}}[ ]?[0-9]{{2}}[ ]?[A-Da-d]{_NOT_BEFORE_ALNUM}"
        )
        self._email = re.compile(
            r"(?<![\w.%+\-])[\w.%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63})*"
            r"\.[A-Za-z]{2,24}(?![\w\-])"
        )
        self._postcode_areas = frozenset(words.postcode_areas)
        self._postcode = re.compile(
            rf"(?P<area>[A-Za-z]{_AFTER_FIRST_NOT_ALNUM}[A-Za-z]?)(?P<district>[0-9][0-9A-Za-z]?)"
            rf"(?P<gap>[ ]?)(?P<in>[0-9][ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{{2}}){_NOT_BEFORE_ALNUM}"
        )
        memory = rf"[A-HK-PR-Ya-hk-pr-y]{_AFTER_FIRST_NOT_ALNUM}[A-HJ-PR-Ya-hj-pr-y]"
        self._plate = re.compile(
            rf"(?P<memory>{memory})(?P<age>[0-9]{{2}})(?P<gap>[ ]?)"
            rf"(?P<rest>[A-HJ-PR-Za-hj-pr-z]{{3}}){_NOT_BEFORE_ALNUM}"
        )
        self._cued_plate = re.compile(
            rf"(?:{_alternation(words.vehicle_cues, _AFTER_FIRST_NOT_LETTER)}){_NOT_BEFORE_LETTER}"
            rf"{_SEPARATORS}(?:(?:{filler}){_NOT_BEFORE_LETTER}{_SEPARATORS}){{0,3}}"
            rf"(?P<plate>(?i:[A-HK-PR-Y][A-HJ-PR-Y][0-9]{{2}}[ ]?[A-HJ-PR-Z]{{3}}"
            rf"|[A-Z][0-9]{{1,3}}[ ]?[A-Z]{{3}}|[A-Z]{{3}}[ ]?[0-9]{{1,3}}[A-Z]))"
            rf"{_NOT_BEFORE_ALNUM}"
        )
        house_number = _alternation(words.house_number_words)
        self._house_number_word = re.compile(rf"(?<!{_LETTER})(?:{house_number})\.?[ \t]*$")
        self._address = re.compile(
            rf"(?P<number>[0-9](?<![\w:/].)[0-9]{{0,3}}[A-Za-z]?){_NOT_BEFORE_ALNUM}"
            rf",?[ \t]++(?P<words>(?:{_TOKEN}[ \t,]++){{1,3}}?)"
            rf"(?P<street>{_alternation(words.street_words)})\.?{_NOT_BEFORE_LETTER}"
        )
        self._flat = re.compile(
            rf"(?:{_alternation(words.flat_words, _AFTER_FIRST_NOT_LETTER)})\.?[ \t]*+"
            rf"(?:(?:{house_number})\.?[ \t]*+)?[0-9]{{1,4}}[A-Za-z]?{_NOT_BEFORE_ALNUM}"
            rf"(?![ \t]++(?:{_alternation(words.not_street_names)}){_NOT_BEFORE_LETTER})"
        )

    # --- Reading ----------------------------------------------------------------------------

    def find(self, text: str) -> tuple[PersonalDataSpan, ...]:
        """Every personal detail in ``text``, in order, none overlapping another."""
        found: list[tuple[Kind, int, int]] = []
        if _DIGIT.search(text):
            found += ((Kind.DATE_OF_BIRTH, s, e) for s, e in self._dates(text))
            found += ((Kind.PHONE, s, e) for s, e in self._phones(text))
            found += ((Kind.NHS_NUMBER, s, e) for s, e in self._nhs_numbers(text))
            found += ((Kind.NI_NUMBER, s, e) for s, e in self._ni_numbers(text))
            found += ((Kind.POSTCODE, s, e) for s, e in self._postcodes(text))
            found += ((Kind.VEHICLE_REGISTRATION, s, e) for s, e in self._plates(text))
            found += ((Kind.ADDRESS, s, e) for s, e in self._addresses(text))
        if "@" in text:
            found += ((Kind.EMAIL, m.start(), m.end()) for m in self._email.finditer(text))
        found += ((Kind.NAME, s, e) for s, e in self._names(text))
        return _resolve(found, len(text))

    def kinds(self, text: str) -> frozenset[PersonalDataKind]:
        """The kinds of personal detail ``text`` seems to hold; empty when it holds none."""
        return frozenset(span.kind for span in self.find(text))

    def redact(self, text: str) -> str:
        """``text`` with each detail replaced by its kind in brackets: "dob [date_of_birth]"."""
        pieces: list[str] = []
        at = 0
        for span in self.find(text):
            pieces += (text[at : span.start], f"[{span.kind.value}]")
            at = span.end
        pieces.append(text[at:])
        return "".join(pieces)

    def describe(self, kinds: Iterable[PersonalDataKind]) -> str:
        """The kinds in plain English, in a fixed order: "a name, a postcode and a phone number"."""
        wanted = set(kinds)
        said = [self.descriptions[kind] for kind in Kind if kind in wanted]
        if len(said) <= 1:
            return "".join(said)
        return f"{', '.join(said[:-1])} {self.last_joiner} {said[-1]}"

    # --- Names ------------------------------------------------------------------------------

    def _names(self, text: str) -> Iterator[tuple[int, int]]:
        for match in self._name_cue.finditer(text):
            cue_end = match.start("initial") if match["initial"] else match.start("first")
            strong = _key(text[match.start() : cue_end]) not in self._called_keys
            if not strong:
                strong = self._person_before(text, match.start())
            yield from self._name_list(text, match, strong)
        for match in self._title.finditer(text):
            strong = match["title"].lower() not in self._loose_titles
            for start, end in self._name_list(text, match, strong):
                yield min(start, match.start()), end
                break

    def _person_before(self, text: str, at: int) -> bool:
        """Whether "called" follows a person ("a boy called", "she's called", "lad is called").

        A pronoun alone is not enough: "he called mum" is a call, "he's called Jay" a name.
        """
        before = [word.lower() for word in self._preceding_words.findall(text, max(0, at - 40), at)]
        if not before:
            return False
        if before[-1] in self._person_before_called:
            return True
        if before[-1] in self._is_words and len(before) >= 2:
            person = before[-2]
            return person in self._person_before_called or person in self._pronouns_before_is
        return False

    def _name_list(
        self, text: str, match: re.Match[str], strong: bool
    ) -> Iterator[tuple[int, int]]:
        """The name a cue introduces, and any listed after it ("jayden, tyler and chloe").

        A name is its first word (after an initial: "Mrs K Smith") and up to two more words
        that are names too; a list goes on while each next word is a name.
        """
        first = match["first"]
        if not self._is_name(first, strong):
            return
        start = match.start("initial") if match["initial"] else match.start("first")
        end = self._name_end(text, match.end("first"), first)
        yield start, end
        for _ in range(6):
            more = self._next_name.match(text, end)
            if more is None or not self._is_name(more["token"], strong):
                return
            end = self._name_end(text, more.end(), more["token"])
            yield more.start("token"), end

    def _name_end(self, text: str, end: int, first: str) -> int:
        """Where a name ends: up to two more words after its first ("Jayden Okonkwo").

        They must be written as the first was, and be names however weak the cue: so
        "Mrs K Smith rang" ends at "Smith", and "kayleigh smith" takes "smith" (a rare word).
        """
        for _ in range(2):
            more = self._next_token.match(text, end)
            if more is None:
                break
            token = more["token"]
            if token[0].isupper() != first[0].isupper() or not self._is_name(token, False):
                break
            end = more.end()
        return end

    def _is_name(self, token: str, strong: bool) -> bool:
        """Whether a word after a name cue is a name rather than an ordinary word.

        Capitalised, it is, unless it is a role, a service or a function word ("called Control",
        "called The duty SW"); short and all in capitals after "called" it is an abbreviation
        ("called EDT"). In lower case it must not be everyday English (common English after a
        strong cue), nor one slip from a role word ("called ambulnce").
        """
        word = _POSSESSIVE.sub("", token).lower()
        if len(word) < 2 or word in self._not_names or word.removesuffix("s") in self._not_names:
            return False  # "called mums phone" is mum's
        if token[0].isupper():
            return strong or not (token.isupper() and len(word) <= 4)
        if len(word) < 3 or self._counts.get(word, 0) >= (COMMON if strong else EVERYDAY):
            return False
        return not self._slip_of_not_name(word)

    def _slip_of_not_name(self, word: str) -> bool:
        if len(word) < 5:
            return False
        most = 1 if len(word) < 8 else 2
        return (
            process.extractOne(word, self._typo_targets, scorer=OSA.distance, score_cutoff=most)
            is not None
        )

    # --- Dates ------------------------------------------------------------------------------

    def _dates(self, text: str) -> Iterator[tuple[int, int]]:
        for match in self._numeric_date.finditer(text):
            a, b = int(match["a"]), int(match["b"])
            if (
                (_valid_day_month(a, b) or _valid_day_month(b, a))
                and _valid_year(match["y"])
                and not (match["sep"] == "." and self._is_numbering(text, match.start()))
            ):
                yield match.span()
        for match in self._iso_date.finditer(text):
            if _valid_day_month(int(match["d"]), int(match["m"])):
                yield match.span()
        for match in self._day_month_year.finditer(text):
            if self._word_date_ok(match["ad"], match["am"], match["ay"]):
                yield match.span()
        for match in self._month_day_year.finditer(text):
            if self._word_date_ok(match["bd"], match["bm"], match["by"]):
                yield match.span()
        for match in self._dob.finditer(text):
            if self._cued_date_ok(match):
                yield match.span("date")

    def _is_numbering(self, text: str, at: int) -> bool:
        """Whether a dotted number is a paragraph or section ("para 3.1.12"), not a date.

        Only dots number paragraphs, so only dotted dates are checked: it keeps a message full
        of dates cheap.
        """
        return self._numbered.search(text, max(0, at - 16), at) is not None

    def _word_date_ok(self, day: str, month: str, year: str | None) -> bool:
        """A real day of a named month, with a year when one is needed.

        "may" is a verb as well as a month, so "3 may 14" needs a four-digit year or an
        apostrophe ("3 May '14") to be a date.
        """
        number = self._months.get(month.lower())
        if number is None or not _valid_day_month(int(day), number):
            return False
        if year is None:
            return True
        if not _valid_year(year):
            return False
        return not (month.lower() == "may" and len(year) == 2)

    def _cued_date_ok(self, match: re.Match[str]) -> bool:
        """A date after "dob", "born" or "date of birth", year or no year.

        Numbers with spaces ("dob 12 03 14") need the year: "born 12 3" is too easily a count.
        """
        if match["cd"] is not None:
            day, month, year = int(match["cd"]), int(match["cm"]), match["cy"]
            if match["csep"].strip() == "" and year is None:
                return False
            return _valid_day_month(day, month) or _valid_day_month(month, day)
        if match["run"] is not None:
            run = match["run"]
            year = run[4:]
            return _valid_day_month(int(run[:2]), int(run[2:4])) and _valid_year(year)
        if match["td"] is not None:
            return self._word_date_ok(match["td"], match["tm"], match["ty"])
        return self._word_date_ok(match["ud"], match["um"], None)

    # --- Numbers ----------------------------------------------------------------------------

    def _phones(self, text: str) -> Iterator[tuple[int, int]]:
        for match in self._phone.finditer(text):
            digits = "0" + re.sub(r"[^0-9]", "", match["national"])
            second, third = digits[1], digits[2]
            allowed = _PHONE_PREFIXES[second]
            if second == "1":
                ok = len(digits) in (10, 11)
            else:
                ok = len(digits) == 11 and allowed is not None and third in allowed
            if ok:
                yield match.span()

    def _nhs_numbers(self, text: str) -> Iterator[tuple[int, int]]:
        for match in self._nhs.finditer(text):
            if nhs_check_digit_ok(match["a"] + match["b"] + match["c"]):
                yield match.span()

    def _ni_numbers(self, text: str) -> Iterator[tuple[int, int]]:
        for match in self._ni.finditer(text):
            if match["prefix"].lower() not in _NI_NOT_PREFIXES:
                yield match.span()

    def _postcodes(self, text: str) -> Iterator[tuple[int, int]]:
        """UK postcodes; in lower case, shorthand before an ordinal is chat ("b4 2nd")."""
        for match in self._postcode.finditer(text):
            if match["area"].lower() not in self._postcode_areas:
                continue
            if match[0].islower() and match["gap"] and _ORDINAL.fullmatch(match["in"]):
                continue
            yield match.span()

    def _plates(self, text: str) -> Iterator[tuple[int, int]]:
        for match in self._plate.finditer(text):
            if int(match["age"]) not in _VEHICLE_AGES:
                continue
            rest = match["rest"]
            if (
                match["gap"]
                and rest.islower()
                and (rest in self._not_plate_ends or rest in self._counts)
            ):
                continue  # "home by10 and", unless a cue says it is a vehicle (below)
            yield match.span()
        for match in self._cued_plate.finditer(text):
            yield match.span("plate")

    # --- Addresses --------------------------------------------------------------------------

    def _addresses(self, text: str) -> Iterator[tuple[int, int]]:
        for match in self._address.finditer(text):
            names = [word.lower() for word in re.split(r"[ \t,]+", match["words"]) if word]
            if any(word in self._not_street_names for word in names):
                continue
            start = match.start()
            house = self._house_number_word.search(text, max(0, start - 16), start)
            street = match["street"]
            if street.lower() in self._weak_street_words and not (
                street[0].isupper() or house or self._address_cue_before(text, start)
            ):
                continue
            yield (house.start() if house else start), match.end()
        for match in self._flat.finditer(text):
            yield match.span()

    def _address_cue_before(self, text: str, at: int) -> bool:
        before = self._preceding_words.findall(text, max(0, at - 24), at)
        return any(word.lower() in self._address_cues for word in before[-2:])


def _resolve(found: list[tuple[Kind, int, int]], length: int) -> tuple[PersonalDataSpan, ...]:
    """Spans with no overlaps: one kind's overlapping finds joined, then the stronger kind kept.

    A stretch claimed by two kinds goes to the earlier kind of :data:`_PRIORITY`; the other
    kind's span is dropped whole, so it is never reported for digits that are not its own.
    Linear in the text's length: taken characters are marked, not compared pair by pair.
    """
    if not found:
        return ()
    taken = bytearray(length)
    kept: list[PersonalDataSpan] = []
    by_kind: dict[Kind, list[tuple[int, int]]] = {}
    for kind, start, end in found:
        by_kind.setdefault(kind, []).append((start, end))
    for kind in _PRIORITY:
        for start, end in _merged(by_kind.get(kind, [])):
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\x01" * (end - start)
            kept.append(PersonalDataSpan(kind, start, end))
    return tuple(sorted(kept, key=lambda span: span.start))


def _merged(spans: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Overlapping spans of one kind joined into one ("dob 12/3/14" found twice)."""
    current: tuple[int, int] | None = None
    for start, end in sorted(spans):
        if current is not None and start < current[1]:
            current = (current[0], max(current[1], end))
            continue
        if current is not None:
            yield current
        current = (start, end)
    if current is not None:
        yield current


def _english() -> PersonalDataReader:
    folder = default_language_dir()
    return PersonalDataReader(read_personal_data_words(folder), english(), everyday_word_counts())


_ENGLISH = _english()
"""The shipped English reader, built at import so that no call reads a file or a word list."""

DESCRIPTIONS: Mapping[PersonalDataKind, str] = _ENGLISH.descriptions
"""What the bot says it found, per kind: "a date of birth", "a postcode". Any full date is
described as a date of birth: the officer is told it *looked like* one."""


def find_personal_data(text: str) -> tuple[PersonalDataSpan, ...]:
    """Where ``text`` seems to hold personal details: kinds and offsets, never the words.

    For redacting in memory only; keep nothing but the kinds.
    """
    return _ENGLISH.find(text)


def personal_data_kinds(text: str) -> frozenset[PersonalDataKind]:
    """The kinds of personal detail ``text`` seems to hold: empty for an ordinary message."""
    return _ENGLISH.kinds(text)


def redact(text: str) -> str:
    """``text`` with each personal detail replaced by ``[kind]``, for in-memory use only."""
    return _ENGLISH.redact(text)


def describe_kinds(kinds: Iterable[PersonalDataKind]) -> str:
    """The kinds in plain English for the bot's one-line reason: "a name and a phone number"."""
    return _ENGLISH.describe(kinds)


__all__ = [
    "COMMON",
    "DESCRIPTIONS",
    "EVERYDAY",
    "PersonalDataKind",
    "PersonalDataReader",
    "PersonalDataSpan",
    "PersonalDataWords",
    "describe_kinds",
    "everyday_word_counts",
    "find_personal_data",
    "nhs_check_digit_ok",
    "personal_data_kinds",
    "read_personal_data_words",
    "redact",
]
