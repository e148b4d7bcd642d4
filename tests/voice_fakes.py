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
