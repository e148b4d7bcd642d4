"""Voice notes in and out of memory: Telegram's OGG/Opus to 16 kHz mono samples, and back.

PyAV carries its own FFmpeg libraries in the wheel, so nothing is asked of the system and no
audio ever passes through a file: bytes come in, samples go out, both only in memory.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

RATE = 16_000
"""Samples a second the recognisers expect."""
LONGEST_SECONDS = 120.0
"""A voice note longer than this is refused: an answer or a question is a few seconds."""
LARGEST_BYTES = 8 * 1024 * 1024
"""Two minutes of Opus is well under 1 MB; anything far bigger is not a voice note."""
SILENT_RMS = 120.0
"""Below this root-mean-square level (of 32,767) in every 30 ms, a note holds no speech."""
TELEGRAM_RATE = 48_000
VOWEL_BAND_HZ = (300.0, 2500.0)
"""Where a vowel's energy lies, and street noise's (traffic rumble, wind) mostly does not."""
BEAT_ABOVE_DB = 10.0
"""A syllable's vowel stands at least this far above the quietest tenth of the note."""
BEAT_DIP_DB = 3.0
"""Two vowels are two syllables when the sound dips at least this much between them."""

Samples = npt.NDArray[np.int16]


class VoiceProblem(Exception):
    """Audio that cannot be listened to; the message tells the officer what to do."""

    kind = "voice"


class TooLong(VoiceProblem):
    """Over the two-minute limit."""

    kind = "too_long"


class EmptyAudio(VoiceProblem):
    """No audio at all."""

    kind = "empty"


class SilentAudio(VoiceProblem):
    """Audio with no speech in it."""

    kind = "silent"


class CorruptAudio(VoiceProblem):
    """Bytes that are not audio that can be read."""

    kind = "corrupt"


@dataclass(frozen=True)
class Pcm:
    """Speech as 16 kHz mono 16-bit samples, ready for a recogniser."""

    samples: Samples

    @property
    def seconds(self) -> float:
        """How long the audio lasts."""
        return len(self.samples) / RATE

    def raw(self) -> bytes:
        """The samples as little-endian bytes, as pocketsphinx reads them."""
        return self.samples.astype("<i2").tobytes()


def decode(data: bytes, *, longest: float = LONGEST_SECONDS) -> Pcm:
    """Read a voice note or audio file (any format FFmpeg knows) into 16 kHz mono samples.

    Raises:
        EmptyAudio: no bytes, or no samples in them.
        TooLong: longer than ``longest`` seconds (read no further than that).
        CorruptAudio: not audio, or damaged past reading.
        SilentAudio: nothing louder than background hiss.
    """
    import av  # PyAV's FFmpeg loads only when a voice note first arrives

    if not data:
        raise EmptyAudio("That voice note was empty. Hold the microphone button and speak.")
    if len(data) > LARGEST_BYTES:
        raise TooLong(too_long_message(longest))
    parts: list[Samples] = []
    total = 0
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.audio:
                raise CorruptAudio(_corrupt())
            resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    part = out.to_ndarray().reshape(-1).astype(np.int16, copy=False)
                    parts.append(part)
                    total += len(part)
                if total > longest * RATE:
                    raise TooLong(too_long_message(longest))
            for out in resampler.resample(None):
                parts.append(out.to_ndarray().reshape(-1).astype(np.int16, copy=False))
    except VoiceProblem:
        raise
    except (av.FFmpegError, ValueError, OSError, IndexError) as error:
        raise CorruptAudio(_corrupt()) from error
    samples = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)
    if len(samples) == 0:
        raise EmptyAudio(
            "That voice note had no sound in it. Hold the microphone button and speak."
        )
    if len(samples) > longest * RATE:
        raise TooLong(too_long_message(longest))
    if is_silent(samples):
        raise SilentAudio(
            "I couldn't hear any speech in that voice note. Hold the phone closer and try again, "
            "or type your answer."
        )
    return Pcm(samples)


def is_silent(samples: Samples) -> bool:
    """True when no 30 ms stretch rises above background hiss."""
    window = RATE * 30 // 1000
    usable = len(samples) - len(samples) % window
    if usable == 0:
        return True
    frames = samples[:usable].astype(np.float64).reshape(-1, window)
    loudest = float(np.sqrt((frames**2).mean(axis=1)).max())
    return loudest < SILENT_RMS


def syllables_heard(pcm: Pcm) -> int:
    """How many syllables were spoken: the loud vowel peaks in the note's sound.

    Counted from the sound alone, never from what a recogniser made of it, so a recogniser
    that squeezes a long sentence into a short answer ("who won the match last night" heard
    as "have done") is caught out: six beats cannot be two words. Speed does not change the
    count, as it would a duration. On the voice set's tuned voices it is within one of the
    words' syllables for 93% of answers, and never more than three over.
    """
    window, hop = 400, 160  # 25 ms frames every 10 ms
    sound = pcm.samples.astype(np.float64)
    count = 1 + (len(sound) - window) // hop
    if count < 3:
        return 0
    starts = hop * np.arange(count)[:, None]
    frames = sound[starts + np.arange(window)[None, :]] * np.hanning(window)
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    hertz = np.fft.rfftfreq(window, 1 / RATE)
    low, high = VOWEL_BAND_HZ
    level = 10 * np.log10(power[:, (hertz >= low) & (hertz <= high)].sum(axis=1) + 1e-9)
    level = np.convolve(level, np.ones(5) / 5, mode="same")  # 50 ms: one vowel, one peak
    loud_enough = max(float(np.percentile(level, 10)) + BEAT_ABOVE_DB, float(level.max()) - 25)
    beats = 0
    last_peak: float | None = None
    valley = float("inf")
    for i in range(1, len(level) - 1):
        here = float(level[i])
        valley = min(valley, here)
        if not (here >= level[i - 1] and here > level[i + 1] and here > loud_enough):
            continue
        if last_peak is None or (
            here - valley >= BEAT_DIP_DB and last_peak - valley >= BEAT_DIP_DB
        ):
            beats += 1
            last_peak = valley = here
        elif here > last_peak:  # the same vowel, still rising
            last_peak = valley = here
    return beats


def speech_over_noise_db(pcm: Pcm) -> float:
    """How far the note's speech stands above its background noise, in dB: a per-note SNR.

    The loud end of the note's 20 ms levels is speech, the quiet end what lies under it (a
    pause, the breath before the first word), so their gap is the note's signal-to-noise
    ratio near enough to tell a quiet room from a street. On the voice set, clean notes come
    at 61 dB and more, those mixed at 20 dB SNR at 20 to 33, and at 10 dB at 12 to 24 (95% of
    them under 20.5). A note
    spoken without a pause reads lower than it is, which only makes it treated as noisy.
    """
    window = RATE * 20 // 1000
    usable = len(pcm.samples) - len(pcm.samples) % window
    if usable < 2 * window:
        return 0.0
    frames = pcm.samples[:usable].astype(np.float64).reshape(-1, window)
    level = 10 * np.log10((frames**2).mean(axis=1) + 1.0)
    return float(np.percentile(level, 95) - np.percentile(level, 10))


def encode_ogg(samples: Samples, rate: int, *, bit_rate: int | None = None) -> bytes:
    """Mono 16-bit samples at ``rate`` as an OGG/Opus voice note (48 kHz, as Telegram sends).

    ``bit_rate`` (bits a second) is for test sets that must stay small; the bot leaves libopus
    its own default.
    """
    import av

    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=TELEGRAM_RATE)
        stream.layout = "mono"
        if bit_rate is not None:
            stream.bit_rate = bit_rate
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(samples, dtype=np.int16).reshape(1, -1),
            format="s16",
            layout="mono",
        )
        frame.sample_rate = rate
        resampler = av.AudioResampler(format="s16", layout="mono", rate=TELEGRAM_RATE)
        for part in [*resampler.resample(frame), *resampler.resample(None)]:
            for packet in stream.encode(part):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()


def too_long_message(longest: float) -> str:
    """What an officer is told of a note over ``longest`` seconds, in whole minutes."""
    minutes = int(longest // 60)
    return (
        f"That voice note is over {minutes} minutes long. Send a shorter one (a few seconds is "
        "enough for an answer), or type it."
    )


def _corrupt() -> str:
    return (
        "I couldn't play that audio: it may be damaged or in a format I can't read. Record a "
        "new voice note, or type your answer."
    )
