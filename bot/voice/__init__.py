"""Voice notes in and voice replies out, offline.

The front door the channels and the command line use. Importing it is cheap: each name is
imported from its private module the first time it is asked for (PEP 562), so a bot that never
hears a voice note never loads the recogniser, the speech engine or PyAV, and a channel's
``from bot.voice import Listener`` inside a function stays as lazy as it was.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.voice._audio import (
        LARGEST_BYTES,
        LONGEST_SECONDS,
        VoiceProblem,
        decode,
        too_long_message,
    )
    from bot.voice._domain import CONFIRM, READ_BACK, Expected, expected_at, step_expected
    from bot.voice._listen import Heard, Listener
    from bot.voice._recognise import RecogniserError, load_recogniser
    from bot.voice._speak import EspeakSpeaker, Speaker, SpeakError, load_speaker, voice_note

_WHERE = {
    **dict.fromkeys(
        ("LARGEST_BYTES", "LONGEST_SECONDS", "VoiceProblem", "decode", "too_long_message"),
        "bot.voice._audio",
    ),
    **dict.fromkeys(
        ("CONFIRM", "READ_BACK", "Expected", "expected_at", "step_expected"), "bot.voice._domain"
    ),
    **dict.fromkeys(("Heard", "Listener"), "bot.voice._listen"),
    **dict.fromkeys(("RecogniserError", "load_recogniser"), "bot.voice._recognise"),
    **dict.fromkeys(
        ("EspeakSpeaker", "SpeakError", "Speaker", "load_speaker", "voice_note"), "bot.voice._speak"
    ),
}
"""Each public name and the private module it is imported from when first asked for."""


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(where), name)
    globals()[name] = value
    return value


__all__ = [
    "CONFIRM",
    "LARGEST_BYTES",
    "LONGEST_SECONDS",
    "READ_BACK",
    "EspeakSpeaker",
    "Expected",
    "Heard",
    "Listener",
    "RecogniserError",
    "SpeakError",
    "Speaker",
    "VoiceProblem",
    "decode",
    "expected_at",
    "load_recogniser",
    "load_speaker",
    "step_expected",
    "too_long_message",
    "voice_note",
]
