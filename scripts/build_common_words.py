"""Build ``language/en/common_words.txt``: everyday English with every name we can find taken out.

An unmatched question is kept for trainers only after :func:`bot.scrub.scrub_question` has
blanked every word that is not in the knowledge base's vocabulary or in this list. So the list
decides what can reach the disk: a name left in it is a leak, while an ordinary word left out is
only a lost word. It is built, not written by hand, so that it can be checked and rebuilt:

1. pyspellchecker's English word-frequency list (shipped inside that package, so nothing is
   downloaded), keeping words of the letters a-z only that occur at least :data:`THRESHOLD`
   times. Accented words there are mostly foreign proper nouns ("velázquez", "zürich").
2. Plus the British spellings of those words (:func:`british_forms`: "neighbour", "organised",
   from the language pack's ``spelling.yaml``), since the list is counted from American text,
   and the single words of the pack's people, stop-word and word-family tables
   (:func:`pack_words`: "carer", "grandad", "bairn", "hiya"), officers' own words.
3. Minus every first name, middle name and surname in Faker's person lists for the English
   locales and for the countries the largest groups of people born abroad in England and Wales
   come from (:data:`NAME_LOCALES`), accents folded ("Łukasz" is "lukasz"); each part of a
   double-barrelled or particle name too ("Smith-Jones", "van Dijk", "O'Brien").
4. Minus the nicknames, short forms, modern given names and everyday-word surnames of
   :data:`EXTRA_NAMES`, which Faker's lists miss or which officers are sure to type ("gaz",
   "kaz", "blue", "legend", "sugar").
5. Plus back only the words of :data:`KEEP`, each with the reason its leak risk is accepted:
   grammar a question cannot be read without, "nan", and placeholders from birth records that
   Faker copied as names ("Baby", "Infant"). Safeguarding words that are also names ("harm",
   "young", "power") are not kept back here: the knowledge base's own vocabulary keeps those
   it uses, and the rest are better lost than leaked.
6. Minus single letters other than "a", "i" and "u": alone, a letter is an initial.

The scrubber takes these words exactly as listed: it reads a plural as its singular ("kids" as
"kid") for the knowledge base's vocabulary only, since a surname is often an everyday word plus
s ("Mills", "Banks", "Burns") and pyspellchecker counts every form of a word on its own anyway.

Run ``python scripts/build_common_words.py``: the file is rewritten byte for byte the same for
the same versions of pyspellchecker and Faker, and the counts are printed for the changelog.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from spellchecker import SpellChecker

from bot.language import english

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "language" / "en" / "common_words.txt"

THRESHOLD = 1_000
"""Least count in pyspellchecker's list: 18,380 words of a-z reach it (12,761 reach 2,000).
Officers' questions are everyday words, and the rarer the word the likelier it is a place or a
surname, so the list stops where words like "perfected" and "jerky" stop being everyday."""

NAME_LOCALES: tuple[str, ...] = (
    # English-speaking: Faker's en_AU and en_CA have no person lists and fall back to en_US.
    "en",
    "en_GB",
    "en_US",
    "en_IE",
    "en_NZ",
    "en_IN",
    "en_PK",
    "en_NG",
    "en_KE",
    "ga_IE",
    # The countries of birth most often met in England and Wales (ONS census 2021), where
    # Faker has a Latin-script list or a romanised one.
    "pl_PL",
    "ro_RO",
    "pt_PT",
    "pt_BR",
    "es_ES",
    "it_IT",
    "tr_TR",
    "de_DE",
    "fr_FR",
    "nl_NL",
    "lt_LT",
    "lv_LV",
    "hu_HU",
    "cs_CZ",
    "sk_SK",
    "hr_HR",
    "yo_NG",
    "ig_NG",
    "ha_NG",
    "tw_GH",
    "sw",
    "zu_ZA",
    "vi_VN",
    "zh_CN",
    "zh_TW",
)
"""Faker locales whose name lists are read; one Faker does not have is skipped and reported."""

_NAME_LIST = re.compile(
    r"(?:first|last|middle)_(?:romanized_)?names(?:_\w+)?|(?:male|unisex)_last_names"
)
"""The attributes of a Faker person provider that hold names (``first_names_female``,
``last_names``, ``first_romanized_names``...), whatever the locale calls them; kana and the
(kanji, kana, romaji) pairs are left out, being no Latin script or repeating the romaji."""

EXTRA_NAMES = """
    al alf alfie archie baz bea bert bev bex bill billie billy bob bobbie bobby brad chaz chez
    col danny daz dave davey dec del des di dom don dot eddie eddy ed fliss fred freddie frankie
    gaz gem ged gus hal jay jaz jem jen jess jez jim jimmy jo joe joey jon jonny kaz kel ken
    kev kez kit lenny les lex lol lou mags mandy mel mick micky mike mo mon nat ned nell nick
    nicky nobby pat patsy peg pete phil ray reg rich rick ricky rob robbie rod ron ronnie roz
    sal sam sammy shaz sid stan steph steve stevie sue suze tam tash taz ted teddy tel terry
    tez tom tommy toni tony tricia val vic viv wes zak zac
    ace angel arlo ash autumn bailey bear blaze blue bonnie brooke buddy cash chance chase
    cherry clover cookie crystal daisy destiny dolly ember faith fern flora frost gem ginger
    glory grace happy harley harmony hazel heaven holly honey hope indie ivy jade jazz jewel
    journey joy justice karma king kitty lace legend liberty lily lucky maple marley meadow
    melody mercy misty nova ocean paris peace pebbles penny pepper phoenix poppy precious
    prince princess queen rain raven reign river robin rocky rose rowan royal ruby rusty saint
    sage sandy scarlet shadow sky skye sonny spike star storm summer sunny sunshine tiger
    treasure trinity velvet willow winter wolf
    abdi abdullahi ahmed ahmad ali amir amin aisha bilal fatima farah hamza hassan hussain
    hussein ibrahim imran islam khan mohamed mohammed muhammad omar rahman shah tariq uddin
    miah begum yusuf zainab nadia noor said sultan malik haji
    singh kaur patel sharma gupta raj priya ravi dev jai
    kwame kofi ama ade emeka chidi femi tunde bisi
    cotton crow crisp darling gold jolly lake pond pool pound singer steel sugar swan sweet
    warden
"""
"""Given names and short forms officers write, as they would type them, in lower case: UK
nicknames ("gaz", "kaz", "shaz"), virtue, nature and title names given to children in England
and Wales ("legend", "blue", "storm"), and common names from Arabic, Urdu, Somali, Bengali,
Punjabi, Gujarati and West African languages in the romanised spellings Faker lacks; and
English surnames that are everyday words, missing from Faker's short surname lists."""

KEEP: dict[str, str] = {
    # Grammar: a question cannot be read without them, and as a name each is a fragment, a
    # romanised syllable or a name so rare in England and Wales that keeping it says nothing
    # about who was named. Not "will", "may", "more" (an Indian surname) or "said" (an Arabic
    # given name): those are names officers meet, so they go, as the default is.
    "a": "article; a fragment of Irish and Kenyan names (Mac a Déise, Ng'ang'a), never alone",
    "an": "article; a fragment of Irish names (Mac an Aba), never alone",
    "the": "article; a Vietnamese name (Thế) with its accent folded away, typed with it",
    "i": "pronoun; a romanised Taiwanese name syllable (Hsin-I), never typed alone",
    "u": "'can u', chat for 'you'; a fragment of Kenyan names (Ndung'u), never alone",
    "he": "pronoun; a romanised Chinese surname (Hé), rarely met",
    "she": "pronoun; a romanised Taiwanese surname (Shé), rarely met",
    "us": "pronoun; a Turkish surname, rarely met",
    "are": "verb; a fragment of Kenyan names (Mong'are), never alone",
    "were": "verb; a Kenyan surname, rarely met",
    "made": "verb; a Balinese given name in Faker's Latvian and Zulu lists, rarely met",
    "cant": "'can't' typed without its apostrophe; a Dutch surname, rarely met",
    "too": "adverb; a Kenyan surname, rarely met",
    "less": "'less than'; a given name, rarely met",
    "else": "'anything else'; an old German and Danish given name, rarely met",
    "ever": "'has she ever'; a given name, rarely met",
    "over": "preposition; a Turkish surname (Över), rarely met",
    "till": "preposition; a German given name, rarely met",
    "as": "conjunction; an Irish given name (Ás), rarely met",
    "each": "determiner; an Irish given name, rarely met",
    "such": "determiner; a Polish surname, rarely met",
    "way": "'by the way'; a surname, rarely met",
    "lot": "'a lot'; a Dutch given name, rarely met",
    "theres": "'there's' typed without its apostrophe; a German short form of Theresia, rarely met",
    # Family words of the language pack's people table ("the child is with her nan").
    "nan": "grandmother; an old short form of Ann, seldom given now (not 'nana': a Ghanaian title"
    " and given name)",
    # Faker's en list copies these from birth records, where they stand in for a name not yet
    # given ("Baby Smith", "Infant Boy", "Unknown"): as given names they are not met, and each
    # is a word officers' questions turn on ("her son", "the baby's doctor").
    "baby": "a placeholder in birth records, not a given name",
    "infant": "a placeholder in birth records, not a given name",
    "unknown": "a placeholder in birth records, not a given name",
    "son": "a placeholder in birth records, not a given name",
    "sister": "a placeholder in birth records, not a given name",
    "friend": "a placeholder in birth records, not a given name",
    "lady": "a placeholder in birth records, not a given name",
    "doctor": "a placeholder in birth records, not a given name",
}
"""Words kept although a name list holds them, each with why the leak risk is accepted."""

_FOLDED = str.maketrans(
    {"ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ı": "i", "þ": "th", "ð": "d"}
)
"""Letters that Unicode decomposition does not reduce to a-z: "Łukasz" is "lukasz"."""

_NOT_LETTER = re.compile(r"[^a-z]+")


def fold(name: str) -> str:
    """A name as an officer with an English keyboard types it: lower case, no accents."""
    lowered = name.lower().translate(_FOLDED)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_words(name: str) -> Iterator[str]:
    """The words a name may be typed as: each part, and the parts run together.

    "Smith-Jones" is "smith", "jones" and "smithjones"; "O'Brien" is "o", "brien" and "obrien".
    A name in another script gives nothing.
    """
    parts = [part for part in _NOT_LETTER.split(fold(name)) if part]
    yield from parts
    if len(parts) > 1:
        yield "".join(parts)


def faker_names(locales: Iterable[str]) -> tuple[set[str], list[str], list[str]]:
    """Every name word in the locales' person lists, with the locales read and those missing."""
    found: set[str] = set()
    read: list[str] = []
    missing: list[str] = []
    for locale in locales:
        try:
            module = importlib.import_module(f"faker.providers.person.{locale}")
        except ModuleNotFoundError:
            missing.append(locale)
            continue
        read.append(locale)
        provider = module.Provider
        for attribute in sorted(dir(provider)):
            if not _NAME_LIST.fullmatch(attribute):
                continue
            names = getattr(provider, attribute)
            if not isinstance(names, tuple | list | dict | set | frozenset):
                continue  # a property computed per instance (es_CL): its parts are listed too
            for name in names:
                if isinstance(name, str):
                    found.update(name_words(name))
    return found, read, missing


def frequent_words(threshold: int) -> dict[str, int]:
    """Words of a-z only from pyspellchecker's English list, counted ``threshold`` or more."""
    frequency = SpellChecker(language="en").word_frequency
    return {
        word: count
        for word, count in frequency.items()
        if count >= threshold and word.isascii() and word.isalpha()
    }


_ENDINGS = ("", "s", "es", "ed", "ing", "al")
"""The endings spelling.yaml says each British spelling is read with ("honoured", "centres")."""

_IZE = re.compile(r"([a-z]{4,}[iy])z(e|es|ed|ing|ation|ations|er|ers)")
"""An -ize or -yze word with a stem long enough to be one ("organize", "analyzed"), not "size",
"prize" or "seize", which keep their z."""

_SIZE = re.compile(r"(?:over|under|down|up|out|cap|re|super|king|bite)siz")
"""Words built on "size" ("oversized", "capsize"), which keep their z in British English too."""

_VOWELS = frozenset("aeiouy")


def _with_ending(us: str, uk: str, ending: str) -> str:
    """The British word with an ending, spelt as British English spells it.

    "centre" and "ed" is "centred", "nappy" and "s" is "nappies", and "fulfil" and "ed" is
    "fulfilled" (its American form "fulfill" already doubles the l).
    """
    if not ending:
        return uk
    if uk.endswith("e") and ending[0] in _VOWELS:
        return uk[:-1] + ending
    if uk.endswith("y") and uk[-2:-1] not in _VOWELS and ending in {"s", "es"}:
        return uk[:-1] + "ies"
    if us.endswith("ll") and not uk.endswith("ll") and ending[0] in _VOWELS:
        return uk + "l" + ending
    return uk + ending


def british_forms(american: Iterable[str]) -> set[str]:
    """British spellings of the American words pyspellchecker mostly counts.

    Officers in England and Wales write "neighbour", "behaviour", "organised": from the
    language pack's spelling tables (``spelling.yaml``: whole words with their endings, word
    starts such as "paediatr", verbs that double an l) and the -ise family.
    """
    words = set(american)
    spelling = english().spelling
    found: set[str] = set()
    for us, uk in spelling.british.items():
        for ending in _ENDINGS:
            if ending == "al" and us.endswith("er"):
                continue  # "liter" and "al" is "literal", not a litre
            if us + ending in words:
                found.add(_with_ending(us, uk, ending))
    for word in words:
        for us, uk in spelling.british_starts.items():
            if word.startswith(us):
                rest = word[len(us) :]
                drop_e = uk.endswith("e") and rest[:1] in _VOWELS
                found.add((uk[:-1] if drop_e else uk) + rest)
        if (match := _IZE.fullmatch(word)) and not _SIZE.match(word):
            found.add(f"{match[1]}s{match[2]}")
    for verb in spelling.double_l:
        for ending in ("ed", "ing", "er", "ers"):
            if verb + ending in words:
                found.add(f"{verb}l{ending}")
    return {word for word in found if word.isascii() and word.isalpha()}


def pack_words() -> set[str]:
    """The single words of the language pack's people, stop-word and word-family tables.

    "carer", "nan", "grandad", "bairn", "nain" (Welsh), "cheers", "hiya": officers' own words,
    which a list built from American text lacks.
    """
    pack = english()
    phrases = [
        *pack.people.child,
        *pack.people.young_child,
        *pack.people.adult,
        *pack.people.women,
        *pack.people.men,
        *pack.stop_words.stop_words,
        *pack.spelling.families,
        *pack.spelling.families.values(),
    ]
    return {word for phrase in phrases for word in phrase.split() if re.fullmatch("[a-z]+", word)}


def build() -> tuple[list[str], str, dict[str, int]]:
    """The kept words (sorted), the header line, and the counts for the report."""
    frequent = frequent_words(THRESHOLD)
    british = british_forms(frequent) - frequent.keys()
    pack = pack_words() - frequent.keys() - british
    candidates = set(frequent) | british | pack
    names, read, missing = faker_names(NAME_LOCALES)
    extra = set(EXTRA_NAMES.split())
    all_names = names | extra
    as_names = candidates & all_names
    stale = sorted(word for word in KEEP if word not in as_names)
    if stale:
        raise SystemExit(f"KEEP lists words no name list removes: {stale}")
    removed = as_names - KEEP.keys()
    # A letter alone is an initial ("J Smith") far more often than a word, bar these three.
    initials = {word for word in candidates if len(word) == 1} - {"a", "i", "u"} - removed
    kept = sorted(candidates - removed - initials)
    spell = importlib.metadata.version("pyspellchecker")
    faker = importlib.metadata.version("faker")
    header = (
        f"# Generated by scripts/build_common_words.py: pyspellchecker {spell} English word "
        f"frequency list, a-z words counted {THRESHOLD:,} or more ({len(frequent):,}), plus "
        f"{len(british):,} British spellings of them and {len(pack):,} words of the language "
        f"pack's people, stop-word and family tables, minus {len(removed):,} first names and "
        f"surnames (Faker {faker} person lists for {', '.join(read)}; {len(extra)} hand-listed "
        f"nicknames, given names and surnames), {len(KEEP)} name words kept back as grammar, "
        f"family words or birth-record placeholders (reasons in the script), and minus the "
        f"{len(initials)} single letters that are initials. {len(kept):,} words, lower case, "
        f"sorted; do not edit, rebuild."
    )
    counts = {
        "frequent": len(frequent),
        "british_spellings_added": len(british),
        "language_pack_words_added": len(pack),
        "name_words_in_lists": len(all_names),
        "names_among_candidates": len(as_names),
        "removed": len(removed),
        "kept_back": len(KEEP),
        "initials_removed": len(initials),
        "kept": len(kept),
        "missing_locales": len(missing),
    }
    if missing:
        print(f"Faker has no person lists for: {', '.join(missing)}", file=sys.stderr)
    return kept, header, counts


def main() -> None:
    """Rewrite the word list and print what went into it."""
    kept, header, counts = build()
    OUTPUT.write_text("\n".join([header, *kept]) + "\n", encoding="utf-8")
    for key, value in counts.items():
        print(f"{key}: {value:,}")
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({OUTPUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
