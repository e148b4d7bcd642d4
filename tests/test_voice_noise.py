"""Voice notes in street noise: the per-note noise estimate, the denoiser, and the caution a
very noisy note earns.

Speech is made here with espeak-ng (in memory) and mixed with noise drawn here, so the signal
to noise ratio of every note is known. One recogniser is built for the module (a few seconds).
"""

from __future__ import annotations

import numpy as np
import pytest

from bot.engine import Engine
from bot.voice._audio import RATE, Pcm, Samples, decode, encode_ogg, speech_over_noise_db
from bot.voice._denoise import Denoiser
from bot.voice._domain import READ_BACK, step_expected
from bot.voice._listen import VERY_NOISY_DB, Listener, syllables
from bot.voice._recognise import Transcript
from bot.voice._speak import EspeakSpeaker

CLEAR = EspeakSpeaker(voice="en+f2", words_per_minute=160, seed=11)


def speech(text: str) -> Samples:
    """``text`` said at 16 kHz, with a third of a second of quiet either side, as notes have."""
    samples, rate = CLEAR.synthesise(text)
    quiet = np.zeros(RATE // 3, dtype=np.int16)
    return np.concatenate([quiet, decode(encode_ogg(samples, rate)).samples, quiet])


def with_noise(samples: Samples, snr_db: float, seed: int = 3) -> Samples:
    """The speech with brown-ish street rumble mixed in at ``snr_db`` below its loudness."""
    rng = np.random.default_rng(seed)
    rumble = np.cumsum(rng.normal(0, 1, len(samples)))
    rumble -= np.convolve(rumble, np.ones(400) / 400, mode="same")  # no slow drift
    hiss = rng.normal(0, 1, len(samples))
    noise = rumble / rumble.std() + 0.3 * hiss / hiss.std()
    voice = samples.astype(np.float64)
    spoken = voice[np.abs(voice) > 0]
    noise *= np.sqrt((spoken**2).mean() / (noise**2).mean() / 10 ** (snr_db / 10))
    return np.clip(voice + noise, -32768, 32767).astype(np.int16)


@pytest.fixture(scope="module")
def yes() -> Samples:
    return speech("yes")


@pytest.fixture(scope="module")
def listener(engine: Engine) -> Listener:
    return Listener(engine)


class CountingDenoiser(Denoiser):
    """The real denoiser, counting the notes it is handed."""

    notes = 0

    def clean(self, pcm: Pcm) -> Pcm:
        self.notes += 1
        return super().clean(pcm)


def test_the_noise_estimate_tells_a_quiet_room_from_a_street_from_a_roaring_one(
    yes: Samples,
) -> None:
    clean = speech_over_noise_db(Pcm(yes))
    street = speech_over_noise_db(Pcm(with_noise(yes, 20)))
    roaring = speech_over_noise_db(Pcm(with_noise(yes, 8)))
    assert clean > street + 15
    assert street > VERY_NOISY_DB
    assert roaring < VERY_NOISY_DB


def test_a_note_with_no_pause_reads_as_noisy_never_as_clean() -> None:
    tone = (np.sin(np.arange(RATE) * 2 * np.pi * 220 / RATE) * 8000).astype(np.int16)
    assert speech_over_noise_db(Pcm(tone)) < VERY_NOISY_DB


def test_the_denoiser_takes_out_the_noise_and_keeps_the_speech(yes: Samples) -> None:
    noisy = with_noise(yes, 10)
    cleaned = Denoiser().clean(Pcm(noisy)).samples
    assert len(cleaned) == len(noisy)
    pause = slice(len(yes) - RATE // 4, len(yes))  # after the word: noise alone, by now learnt
    word = slice(RATE // 3, len(yes) - RATE // 3)

    def level(samples: Samples, part: slice) -> float:
        return float(10 * np.log10((samples[part].astype(np.float64) ** 2).mean() + 1))

    assert level(noisy, pause) - level(cleaned, pause) > 12  # the rumble, mostly gone
    assert level(noisy, word) - level(cleaned, word) < 3  # the word, still there
    assert speech_over_noise_db(Pcm(cleaned)) > speech_over_noise_db(Pcm(noisy)) + 8


def test_only_a_very_noisy_note_goes_through_the_denoiser(
    listener: Listener, engine: Engine, yes: Samples
) -> None:
    counting = CountingDenoiser()
    listener = Listener(engine, listener.recogniser, counting)
    expected = step_expected(engine, "initial-contact", "danger")
    listener.hear_pcm(Pcm(yes), expected)
    listener.hear_pcm(Pcm(with_noise(yes, 20)), expected)
    assert counting.notes == 0
    heard = listener.hear_pcm(Pcm(with_noise(yes, 8)), expected)
    assert counting.notes == 1
    assert heard.seconds == round(len(yes) / RATE, 3)


def test_a_listener_can_hear_notes_as_they_came(listener: Listener, engine: Engine) -> None:
    assert Listener(engine, listener.recogniser, denoise=False).denoiser is None


@pytest.mark.parametrize(("reading", "answer"), [("yes", "yes"), ("no", "no"), ("nope", "no")])
def test_a_one_syllable_answer_in_a_very_noisy_note_is_read_back(
    listener: Listener, engine: Engine, reading: str, answer: str
) -> None:
    expected = step_expected(engine, "initial-contact", "danger")
    heard = Transcript(reading, 0.9)
    assert listener._meaning(heard, expected, 1, very_noisy=False)[1:] == (answer, 1.0, True)
    assert listener._meaning(heard, expected, 1, very_noisy=True)[1:] == (answer, 1.0, False)


def test_a_longer_answer_in_a_very_noisy_note_is_still_taken(
    listener: Listener, engine: Engine
) -> None:
    expected = step_expected(engine, "initial-contact", "danger")
    heard = listener._meaning(Transcript("not sure", 0.9), expected, 2, very_noisy=True)
    assert heard[1:] == ("unsure", 1.0, True)


def test_yes_said_in_roaring_noise_is_heard_and_asked_about(
    listener: Listener, engine: Engine, yes: Samples
) -> None:
    expected = step_expected(engine, "initial-contact", "danger")
    roaring = Pcm(with_noise(yes, 8))
    heard = listener.hear_pcm(roaring, expected)
    assert (heard.answer, heard.sure) == ("yes", False), heard
    clean = listener.hear_pcm(Pcm(yes), expected)
    assert (clean.answer, clean.sure) == ("yes", True), clean
    # The same yes, said to "is that right?", confirms: it is not asked about again.
    confirmed = listener.hear_pcm(roaring, READ_BACK)
    assert (confirmed.answer, confirmed.sure) == ("yes", True), confirmed


@pytest.mark.parametrize(
    ("step", "reading", "answer"),
    [
        ("danger", "nothing yet", "no"),  # how a held-out "yes she's in danger" was heard
        ("danger", "child is safe now", "no"),
        ("exploitation-signs", "none of them", "nothing"),  # its items raise a flag
        ("da-children-seen", "yes i have", "yes"),  # a No there raises one
    ],
)
def test_an_answer_that_clears_a_safety_question_is_read_back_in_a_very_noisy_note(
    listener: Listener, engine: Engine, step: str, reading: str, answer: str
) -> None:
    expected = step_expected(engine, "initial-contact", step)
    assert answer in expected.clears_safety
    heard = Transcript(reading, 0.9)
    beats = syllables(reading)
    assert listener._meaning(heard, expected, beats, very_noisy=False)[1:] == (answer, 1.0, True)
    assert listener._meaning(heard, expected, beats, very_noisy=True)[1:] == (answer, 1.0, False)


def test_the_same_no_at_a_question_no_safety_prompt_hangs_on_is_taken(
    listener: Listener, engine: Engine
) -> None:
    expected = step_expected(engine, "initial-contact", "see-child")
    assert not expected.clears_safety
    heard = listener._meaning(Transcript("nothing yet", 0.9), expected, 3, very_noisy=True)
    assert heard[1:] == ("no", 1.0, True)


def test_what_raises_the_safety_prompt_is_never_held_back_by_the_read_back(
    listener: Listener, engine: Engine
) -> None:
    expected = step_expected(engine, "initial-contact", "danger")
    assert expected.clears_safety == {"no"}
    heard = listener._meaning(Transcript("not sure", 0.9), expected, 2, very_noisy=True)
    assert heard[1:] == ("unsure", 1.0, True)
