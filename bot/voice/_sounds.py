"""What was heard, by its sound: words as phones, and how far two phone strings are apart.

A recogniser that mishears a word writes another word that sounds like it ("the phones" for
"the offence", "defence"): by letters the two are far apart, by sound they are near. The
phones come from pocketsphinx's own pronunciation dictionary (CMUdict, in its wheel), the one
the decoder hears with, so a reading and an answer's phrase are compared as the decoder would
have said them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from bot.voice._domain import said

VOWELS = frozenset(
    ["AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"]
)
_KINDRED = (
    frozenset({"P", "B"}),
    frozenset({"T", "D", "DH", "TH"}),
    frozenset({"K", "G"}),
    frozenset({"F", "V", "TH"}),
    frozenset({"S", "Z", "SH", "ZH"}),
    frozenset({"CH", "JH", "SH", "ZH"}),
    frozenset({"M", "N", "NG"}),
    frozenset({"L", "R", "ER"}),
    frozenset({"W", "Y"}),
)
"""Consonants a recogniser takes for one another: the same place or manner, voiced or not."""
WEAK = frozenset({"AH", "HH", "IH"})
"""Sounds a recogniser drops or adds freely (the schwa of "the offence", an h)."""
NEAR = 0.5
"""What a near slip (vowel for vowel, a kindred consonant, a weak sound lost) costs; any other
change costs 1."""


def _substitution(one: str, other: str) -> float:
    if one == other:
        return 0.0
    if one in VOWELS and other in VOWELS:
        return NEAR
    if any(one in kin and other in kin for kin in _KINDRED):
        return NEAR
    return 1.0


def _indel(phone: str) -> float:
    return NEAR if phone in WEAK else 1.0


def phone_distance(heard: Sequence[str], meant: Sequence[str]) -> float:
    """How far apart two phone strings sound, 0 (the same) to 1 or more (nothing alike).

    A weighted edit distance over the longer string's length: a vowel for a vowel, a voiced
    consonant for its voiceless twin or a weak sound lost costs half a change, so "the phones"
    (DH AH F OW N Z) is 0.21 from "the offence" (DH AH AH F EH N S), and "yes" from "no" 0.83.
    """
    if not heard or not meant:
        return 1.0
    previous = [0.0]
    for phone in meant:
        previous.append(previous[-1] + _indel(phone))
    for one in heard:
        current = [previous[0] + _indel(one)]
        for column, other in enumerate(meant, start=1):
            current.append(
                min(
                    previous[column] + _indel(one),
                    current[column - 1] + _indel(other),
                    previous[column - 1] + _substitution(one, other),
                )
            )
        previous = current
    return previous[-1] / max(len(heard), len(meant))


class Sounds:
    """Words as the decoder says them (the first pronunciation of each)."""

    def __init__(self, pronunciations: Mapping[str, Sequence[str]]) -> None:
        self._phones = {
            word: tuple(ways[0].split()) for word, ways in pronunciations.items() if ways
        }

    def __bool__(self) -> bool:
        return bool(self._phones)

    def phones(self, text: str) -> tuple[str, ...] | None:
        """The text's phones, or None when a word of it is not in the dictionary."""
        out: list[str] = []
        for word in said(text).split():
            phones = self._phones.get(word)
            if phones is None:
                return None
            out.extend(phones)
        return tuple(out)

    @classmethod
    def of(cls, words: Iterable[str]) -> Sounds:
        """The wheel's dictionary for these words; none at all without pocketsphinx."""
        from bot.voice._recognise import pronunciations

        try:
            return cls(pronunciations(set(words)))
        except (ImportError, OSError):
            return cls({})
