"""Replies read aloud: each reply's speech text synthesised offline into an OGG/Opus voice note.

The default voice is espeak-ng, whose library and data ship inside the ``espeakng-loader``
wheel (so ``pip install`` alone gives a working voice, from a package of known origin). A
neural piper voice sounds far better, but voice models come from many hands: it is used only
when the operator names the model file *and* its SHA-256, checked before the model is loaded.
"""

from __future__ import annotations

import ctypes
import hashlib
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from bot.engine import Reply
from bot.voice._audio import Samples, encode_ogg

LONGEST_SENTENCE_WORDS = 22
"""A sentence longer than this is read as shorter ones, broken at its commas and semicolons."""
MOST_WORDS = 160
"""About a minute of speech: past this the voice says the rest is in the chat."""
REST_IN_CHAT = "The rest is in the chat."


class SpeakError(Exception):
    """A voice could not be set up; the message says what to check."""


class Speaker(Protocol):
    """A text-to-speech engine: plain text in, mono 16-bit samples and their rate out."""

    @property
    def name(self) -> str:
        """The engine's name, for the README's choice and the benchmark."""
        ...

    def synthesise(self, text: str) -> tuple[Samples, int]:
        """The text spoken, and the sample rate."""
        ...


def speech_text(replies: Sequence[Reply]) -> str:
    """What to read aloud for one step's replies: red flags first, in short sentences.

    Each reply's own speech text (options said as words) is used; a summary meant to be
    copied is only named, since reading a page aloud helps nobody at a scene.
    """
    ordered = [r for r in replies if r.role == "red_flag"] + [
        r for r in replies if r.role != "red_flag"
    ]
    sentences: list[str] = []
    for reply in ordered:
        if reply.copyable and reply.summary is not None:
            sentences.append(f"{reply.summary.title}. The summary is in the chat to copy.")
            continue
        sentences.extend(short_sentences(reply.speech))
    spoken: list[str] = []
    count = 0
    for sentence in sentences:
        words = len(sentence.split())
        if count + words > MOST_WORDS and spoken:
            spoken.append(REST_IN_CHAT)
            break
        spoken.append(sentence)
        count += words
    return " ".join(spoken)


_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_BREAKS = re.compile(r"(?<=[,;:])\s+|\s+(?=\()")


def short_sentences(text: str) -> list[str]:
    """Sentences of at most about :data:`LONGEST_SENTENCE_WORDS` words each."""
    out: list[str] = []
    for sentence in _SENTENCE_END.split(text.strip()):
        if not sentence:
            continue
        if len(sentence.split()) <= LONGEST_SENTENCE_WORDS:
            out.append(sentence)
            continue
        piece: list[str] = []
        for part in _BREAKS.split(sentence):
            if piece and len(" ".join([*piece, part]).split()) > LONGEST_SENTENCE_WORDS:
                out.append(_ended(" ".join(piece)))
                piece = []
            piece.append(part)
        if piece:
            out.append(_ended(" ".join(piece)))
    return out


def _ended(text: str) -> str:
    text = text.rstrip(" ,;:")
    return text if text.endswith((".", "?", "!")) else f"{text}."


def voice_note(speaker: Speaker, replies: Sequence[Reply]) -> bytes | None:
    """The replies as an OGG/Opus voice note, or None when there is nothing to say.

    Slow (tens of milliseconds a sentence): call it off the event loop.
    """
    text = speech_text(replies)
    if not text:
        return None
    samples, rate = speaker.synthesise(text)
    if len(samples) == 0:
        return None
    return encode_ogg(samples, rate)


# -- espeak-ng ---------------------------------------------------------------------------------

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_RATE = 1
_PITCH = 3
_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class _EspeakLibrary:
    """The one espeak-ng library in the process: it keeps global state, so one lock guards it."""

    _instance: _EspeakLibrary | None = None
    _made = threading.Lock()

    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError as error:
            raise SpeakError(
                "The espeak-ng voice is not installed. Run: pip install espeakng-loader"
            ) from error
        self.lock = threading.Lock()
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        lib.espeak_SetSynthCallback.argtypes = [_CALLBACK]
        data = espeakng_loader.get_data_path().encode()
        self.rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data, _INITIALIZE_DONT_EXIT)
        if self.rate <= 0:
            raise SpeakError("espeak-ng could not start: reinstall espeakng-loader.")
        self._chunks: list[Samples] = []
        self._callback = _CALLBACK(self._collect)  # kept referenced: C holds only a pointer
        lib.espeak_SetSynthCallback(self._callback)
        self.lib = lib

    @classmethod
    def get(cls) -> _EspeakLibrary:
        with cls._made:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def _collect(self, wav: Any, count: int, _events: Any) -> int:
        if count > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0

    def synthesise(
        self, text: str, voice: str, words_per_minute: int, pitch: int, seed: int | None
    ) -> Samples:
        with self.lock:
            if seed is not None:
                self.lib.espeak_ng_SetRandSeed(ctypes.c_long(seed))
            if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise SpeakError(f"espeak-ng has no voice called {voice!r}.")
            self.lib.espeak_SetParameter(_RATE, words_per_minute, 0)
            self.lib.espeak_SetParameter(_PITCH, pitch, 0)
            self._chunks = []
            encoded = text.encode("utf-8") + b"\0"
            buffer = ctypes.create_string_buffer(encoded, len(encoded))
            self.lib.espeak_Synth(
                ctypes.cast(buffer, ctypes.c_void_p),
                len(encoded),
                0,
                _POS_CHARACTER,
                0,
                _CHARS_UTF8,
                None,
                None,
            )
            chunks, self._chunks = self._chunks, []
        if not chunks:
            return np.zeros(0, dtype=np.int16)
        return np.concatenate(chunks).astype(np.int16, copy=False)


@dataclass(frozen=True)
class EspeakSpeaker:
    """espeak-ng from the ``espeakng-loader`` wheel: robotic, but clear, instant and offline.

    Args:
        voice: an espeak-ng voice name, with an optional variant ("en-gb-x-rp", "en+f2").
        words_per_minute: reading speed; a little slower than espeak's 175 for a noisy street.
        pitch: 0 to 99.
    """

    voice: str = "en-gb-x-rp"
    words_per_minute: int = 160
    pitch: int = 50
    seed: int | None = None
    """Fixes espeak-ng's random breath noise (some variants, e.g. "+f2", use it), so a fresh
    process speaking the same texts in the same order gives the same samples. Within one
    process a text still comes out a little different at each call (espeak-ng carries its
    wave generator's state from one text to the next, and no call resets it), so a test that
    needs the very same audio every run makes it in a fresh process."""
    name: str = "espeak-ng"

    def synthesise(self, text: str) -> tuple[Samples, int]:
        """The text spoken at espeak-ng's own rate (22,050 a second)."""
        library = _EspeakLibrary.get()
        samples = library.synthesise(text, self.voice, self.words_per_minute, self.pitch, self.seed)
        return samples, library.rate


# -- piper -------------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    """The file's SHA-256, read in blocks (voice models are tens of megabytes)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class PiperSpeaker:
    """A piper neural voice, loaded only from a model file whose SHA-256 the operator gave.

    Raises:
        SpeakError: the file is missing, its hash differs from the one configured, or
            piper-tts is not installed.
    """

    name = "piper"

    def __init__(self, model: Path, sha256: str) -> None:
        expected = sha256.strip().lower()
        if not re.fullmatch(r"[0-9a-f]{64}", expected):
            raise SpeakError("The piper voice's SHA-256 must be 64 hexadecimal characters.")
        if not model.is_file():
            raise SpeakError(f"The piper voice model {model} does not exist.")
        actual = sha256_of(model)
        if actual != expected:
            raise SpeakError(
                f"The piper voice model {model.name} does not match its configured SHA-256 "
                f"(it is {actual[:12]}..., expected {expected[:12]}...). It was not loaded: "
                "check you have the file you meant, and its published hash."
            )
        try:
            from piper import PiperVoice  # type: ignore[import-not-found]
        except ImportError as error:
            raise SpeakError(
                "piper-tts is not installed. Run: pip install piper-tts, or use espeak-ng."
            ) from error
        self._voice = PiperVoice.load(str(model))
        self._lock = threading.Lock()

    def synthesise(self, text: str) -> tuple[Samples, int]:
        """The text in the neural voice (piper 1.3's chunks, or 1.2's raw stream)."""
        with self._lock:
            voice = self._voice
            if hasattr(voice, "synthesize_stream_raw"):
                raw = b"".join(voice.synthesize_stream_raw(text))
                rate = int(voice.config.sample_rate)
                return np.frombuffer(raw, dtype="<i2").astype(np.int16), rate
            parts: Iterable[Any] = voice.synthesize(text)
            arrays = []
            rate = 22_050
            for chunk in parts:
                arrays.append(np.asarray(chunk.audio_int16_array, dtype=np.int16).reshape(-1))
                rate = int(chunk.sample_rate)
        if not arrays:
            return np.zeros(0, dtype=np.int16), rate
        return np.concatenate(arrays), rate


def load_speaker(piper_model: Path | None = None, piper_sha256: str | None = None) -> Speaker:
    """The voice the operator configured: piper with a checked model, else espeak-ng.

    Raises:
        SpeakError: a piper model was named without its hash, or failed its check.
    """
    if piper_model is not None:
        if not piper_sha256:
            raise SpeakError(
                "A piper voice needs its SHA-256 as well as the model file, so that a swapped "
                "or damaged model is never loaded."
            )
        return PiperSpeaker(piper_model, piper_sha256)
    return EspeakSpeaker()
