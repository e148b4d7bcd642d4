"""Stand-ins for a speech recogniser, shared by the voice tests.

What is made of a reading (the matching, the read-backs) is tested with the reading given:
decoding real speech takes a second or more a note, so only the tests that must hear a note
whole build the real recogniser.
"""

from __future__ import annotations

from bot.voice._audio import Pcm
from bot.voice._recognise import Transcript


class HeardAs:
    """A recogniser that hears every note as one fixed reading, however long the speech."""

    name = "fake"

    def __init__(self, reading: str, *others: str, confidence: float = 0.9) -> None:
        self.transcript = Transcript(reading, confidence, others)

    def transcribe(self, pcm: Pcm, hints: object = ()) -> Transcript:
        return self.transcript


class HeardTwice:
    """A recogniser whose reading leans to the question's answers when it is given them.

    The listener decodes a note again without the question's bias to check a guess; this one
    hears ``biased`` with the question's phrases as hints and ``unbiased`` without, and counts
    the decodings asked of it.
    """

    name = "fake"

    def __init__(self, biased: Transcript, unbiased: Transcript) -> None:
        self.biased = biased
        self.unbiased = unbiased
        self.decoded = 0

    def transcribe(self, pcm: Pcm, hints: object = ()) -> Transcript:
        self.decoded += 1
        return self.biased if hints else self.unbiased
