"""An unmatched question, scrubbed by allow-list so it can be kept for trainers without a name.

When the knowledge base has no answer, the question says what the base lacks, and trainers
should see it. But officers type names, addresses and dates however often they are asked not
to, and nothing identifying may ever reach the disk. A block-list (find the names, blank them)
misses every name it has not met, so this module works the other way round: a word survives
only if it is known to be safe, and everything else becomes ``[…]``.

1. Whatever :func:`bot.personal_data.find_personal_data` finds (a cued name, a date, an
   address with its street name, a postcode, a phone, an email, a registration) is blanked
   whole, as is every run of characters holding a digit, ``@``, ``_``, ``#`` or a web address:
   numbers are dates, ages, phone numbers and references, and handles are people.
2. Each remaining word is kept only if it is in the knowledge base's own vocabulary or in
   ``language/en/common_words.txt``: everyday English with every first name and surname that
   could be found taken out (``scripts/build_common_words.py`` builds it and says how). A
   possessive keeps its base's verdict ("mum's" as "mum"), a hyphenated word each part's, and
   a plural of a vocabulary word its singular's ("sections" as "section").
3. Runs of blanks become one ``[…]``, so the shape of what was removed is not kept either.

A name that is also a word of the vocabulary survives: the vocabulary is the base's own terms
("section", "protection", "mash"), so a name there was put there by the base's authors ("abe"
is an interview, "clare's law" a scheme), and the caller, not this module, answers for it. The
plural rule is for the vocabulary only: a surname is often an everyday word plus s ("Mills",
"Banks", "Burns"), and the common list, which counts every form of a word on its own, has had
those forms taken out.

Everything here is pure and in memory; the word list is read once, the first time a question
has to be kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterator
from collections.abc import Set as AbstractSet

from bot.language import load_common_words
from bot.personal_data import find_personal_data

__all__ = ["CONTRACTIONS", "GAP", "load_common_words", "scrub_question"]

GAP = "[…]"
"""What a removed word, number or detail becomes; a run of them becomes one."""

_CONTRACTIONS_TEXT = """
    i'm i've i'll i'd you're you've you'll you'd he's he'll he'd she's she'll she'd it's it'll
    it'd we're we've we'll we'd they're they've they'll they'd that's that'll there's there'll
    what's what'll who's who'll who'd where's when's how's here's let's
    don't doesn't didn't can't couldn't won't wouldn't shan't shouldn't isn't aren't wasn't
    weren't hasn't haven't hadn't mustn't needn't mightn't ain't o'clock
"""

CONTRACTIONS: frozenset[str] = frozenset(_CONTRACTIONS_TEXT.split())
"""Grammar with an apostrophe, which the word list (letters only) cannot hold: no name among
them, and a question reads badly without them ("what if mum won't let us in")."""

_MASK = "\x00"
"""Stands in the text for a blanked stretch until the words are read."""

_RISKY_RUN = re.compile(
    r"(?<!\S)"
    r"(?:[^\s\d@_#]*+[\d@_#]|\S*?(?:://|www\.|\.(?:com|org|net|gov|uk|co|io|me|info|biz|app)\b))"
    r"\S*+"
)
"""A whole run of non-space characters with a digit, ``@``, ``_`` or ``#`` in it, or a web
address. It starts only where a run starts and its first part cannot backtrack, so each run is
read once or twice, however long: a 4,096-character message with no space is no slower."""

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})

_TOKEN = re.compile(
    r"(?P<mask>\x00)"
    r"|(?P<word>[^\W\d_]+(?:['\-][^\W\d_]+)*)"
    r"|(?P<punctuation>[.,?!;:()\"'/&\-])"
    r"|(?P<space>\s+)"
)
"""Blanks, words (with an apostrophe or hyphen inside), the punctuation kept, and spaces; any
other character (symbols, emoji) is dropped as a space."""

_GAP_RUN = re.compile(r"\[…\](?:[\s,;:()\"'/&\-]*\[…\])+")
"""Blanks side by side, or with only punctuation between ("[…], […]"): they become one. A
full stop or question mark between them stays, since it only says where a sentence ended."""

_SPACES = re.compile(r"\s+")


def scrub_question(
    text: str, vocabulary: Collection[str], common: Collection[str] | None = None
) -> str:
    """An officer's question in lower case with every word not known to be safe made ``[…]``.

    Never raises, since a failure here must not cost the officer an answer: if anything goes
    wrong the whole question becomes ``[…]``, which keeps nothing. Linear in the text's length:
    a 4,096-character message takes a few milliseconds, most of it the personal-data search.

    Args:
        text: the question as the officer typed it, capitals and all: the personal-data
            search reads capitals as evidence of a name ("her name is Grace").
        vocabulary: the knowledge base's own words, in lower case; a set is used as it is,
            any other collection is copied into one. A name among them survives (see the
            module's notes).
        common: everyday words allowed besides; by default :func:`load_common_words`.

    Returns:
        The question with blanks, lower case, single-spaced: "what do i do about […] at […]".
    """
    try:
        allowed = _as_set(load_common_words() if common is None else common)
        return _scrub(text, _as_set(vocabulary), allowed)
    except Exception:  # any failure keeps nothing, rather than costing the officer an answer
        return GAP


def _as_set(words: Collection[str]) -> AbstractSet[str]:
    """A set for fast look-ups: a list of 2,000 words searched per word would cost milliseconds."""
    return words if isinstance(words, AbstractSet) else frozenset(words)


def _scrub(text: str, vocabulary: AbstractSet[str], common: AbstractSet[str]) -> str:
    # Composed first: a name typed with separate accents ("The" and two combining marks, as
    # some phones send "Thế") would otherwise lose them and read as the word "the".
    composed = unicodedata.normalize("NFC", text)
    masked = _RISKY_RUN.sub(_MASK, _mask_personal_data(composed))
    lowered = masked.translate(_APOSTROPHES).lower()
    pieces: list[str] = []
    at = 0
    after_word = False  # a blank and a word that touch ("x" and a mask) get a space between
    for match in _TOKEN.finditer(lowered):
        if match.start() > at:
            pieces.append(" ")  # a character no group takes (a symbol, an emoji) parts words
            after_word = False
        at = match.end()
        kind = match.lastgroup
        if kind == "word" or kind == "mask":
            word = match[0]
            kept = kind == "word" and _kept(word, vocabulary, common)
            pieces.append(f" {word if kept else GAP}" if after_word else word if kept else GAP)
            after_word = True
        else:
            pieces.append(" " if kind == "space" else match[0])
            after_word = False
    joined = _GAP_RUN.sub(GAP, "".join(pieces))
    return _SPACES.sub(" ", joined).strip()


def _mask_personal_data(text: str) -> str:
    """``text`` with each detail the personal-data search finds replaced by a mask."""
    pieces: list[str] = []
    at = 0
    for span in find_personal_data(text):
        pieces += (text[at : span.start], _MASK)
        at = max(at, span.end)
    pieces.append(text[at:])
    return "".join(pieces)


def _kept(word: str, vocabulary: AbstractSet[str], common: AbstractSet[str]) -> bool:
    """Whether a lower-case word may be kept: listed, or built from listed words."""
    if word in vocabulary or word in common or word in CONTRACTIONS:
        return True
    if "-" in word:
        return all(_kept(part, vocabulary, common) for part in word.split("-"))
    if word.endswith("'s") and word.count("'") == 1:
        base = word[:-2]
        return base in vocabulary or base in common
    if "'" in word:
        return False  # "o'brien", "d'souza": never a contraction the list knows
    return any(base in vocabulary for base in _singulars(word))


def _singulars(word: str) -> Iterator[str]:
    """What a plural may be the plural of: "babies" of "baby", "boxes" of "box".

    Each is only a guess, checked against the vocabulary, where a wrong guess finds nothing.
    """
    if len(word) > 3 and word.endswith("ies"):
        yield word[:-3] + "y"
    if len(word) > 3 and word.endswith("es"):
        yield word[:-2]
    if len(word) > 2 and word.endswith("s") and not word.endswith("ss"):
        yield word[:-1]
