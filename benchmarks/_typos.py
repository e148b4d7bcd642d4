"""Typing slips for benchmark inputs: shared so both benchmarks make the same kind of noise."""

from __future__ import annotations

import random


def slip(word: str, rng: random.Random) -> str:
    """One typing slip in a word: a swapped, dropped, doubled or wrong letter."""
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + word[i + 1 :]


def with_typo(text: str, rng: random.Random, chance: float = 1.0) -> str:
    """The text with, at this chance, one slip in one of its words of five letters or more."""
    words = text.split()
    long_words = [i for i, word in enumerate(words) if len(word) >= 5 and word.isalpha()]
    if long_words and rng.random() < chance:
        i = rng.choice(long_words)
        words[i] = slip(words[i], rng)
    return " ".join(words)
