"""What was heard, matched by sound: the dictionary's words as phones, and the read-back they earn.

No speech is decoded here: the readings are given (``tests/voice_fakes.py``), so these run in
about a second, the phones read once for the engine from pocketsphinx's wheel. That a British
word is heard in a real note is ``tests/test_voice.py``'s, whose recogniser is built anyway.
"""

from __future__ import annotations

import numpy as np
import pytest

from bot.engine import Engine
from bot.voice._audio import Pcm
from bot.voice._domain import CONFIRM, Expected, step_expected
from bot.voice._listen import Listener, sounds_like
from bot.voice._recognise import pronunciations, spoken_words
from bot.voice._sounds import Sounds, phone_distance
from tests.voice_fakes import HeardAs


@pytest.fixture(scope="module")
def listener(engine: Engine) -> Listener:
    return Listener(engine, recogniser=HeardAs(""), denoise=False)


@pytest.fixture(scope="module")
def transfer(engine: Engine) -> Expected:
    return step_expected(engine, "child-in-custody", "transfer-reason")


def speech_of(beats: int) -> Pcm:
    """A note of ``beats`` loud bursts a fifth of a second apart, with quiet around them."""
    rate = 16000
    burst = (np.sin(np.arange(rate // 8) * 2 * np.pi * 600 / rate) * 9000).astype(np.int16)
    gap = np.zeros(rate // 8, dtype=np.int16)
    quiet = np.zeros(rate // 3, dtype=np.int16)
    return Pcm(np.concatenate([quiet, *([burst, gap] * beats), quiet]))


def test_british_spellings_and_compounds_are_in_the_decoders_dictionary() -> None:
    # CMUdict is American: without these, "the offence" could never be heard at all.
    sounds = pronunciations({"offence", "authorise", "paediatric", "carers", "stepdad", "yes"})
    assert sounds["offence"] == ["AH F EH N S"]  # as "offense"
    assert sounds["authorise"] == ["AO TH ER AY Z"]
    assert sounds["carers"] == ["K EH R ER Z"]  # "carer" and its ending
    assert sounds["stepdad"] == ["S T EH P D AE D"]  # its two halves
    assert "Y EH S" in sounds["yes"]
    # a typo is not a stem and its ending, nor an abbreviation two halves said as letters
    assert "yess" not in pronunciations({"yess"})
    assert "absconder" not in pronunciations({"absconder"})


def test_a_section_typed_as_officers_type_it_is_said_as_a_section() -> None:
    assert spoken_words("s47 strategy") == ["section", "forty", "seven", "strategy"]
    assert spoken_words("s136a") == ["section", "one", "hundred", "and", "thirty", "six", "a"]


def test_words_that_sound_alike_are_near_and_answers_that_differ_are_far() -> None:
    sounds = Sounds(pronunciations({"the", "phones", "offence", "defence", "yes", "no"}))

    def apart(heard: str, meant: str) -> float:
        one, other = sounds.phones(heard), sounds.phones(meant)
        assert one and other
        return phone_distance(one, other)

    assert apart("the phones", "the offence") < 0.25
    assert apart("defence", "offence") <= 0.25
    assert apart("yes", "no") > 0.8
    assert apart("offence", "offence") == 0.0
    assert sounds.phones("zzqx") is None


@pytest.mark.parametrize("reading", ["the phones", "defence"])
def test_a_misheard_word_that_sounds_like_an_answer_is_read_back(
    engine: Engine, transfer: Expected, reading: str
) -> None:
    listener = Listener(engine, recogniser=HeardAs(reading), denoise=False)
    heard = listener.hear_pcm(speech_of(3), transfer)
    assert (heard.answer, heard.sure) == ("offence", False), heard


def test_sound_alone_never_takes_an_answer_and_never_reaches_out_of_domain_speech(
    listener: Listener, transfer: Expected, engine: Engine
) -> None:
    sounds = listener.sounds
    assert sounds_like("the phones", transfer, sounds) is not None
    for reading in (
        "what time is it",
        "who won the match last night",
        "the bones",  # a single sound off more than one answer's phrase is too far
        "could you order me a pizza",
    ):
        assert sounds_like(reading, transfer, sounds) is None, reading
    danger = step_expected(engine, "initial-contact", "danger")
    assert sounds_like("know", danger, sounds) is None  # too short to trust its sound


def test_a_denial_or_a_risk_keeps_a_reading_from_being_heard_by_sound(
    listener: Listener, transfer: Expected
) -> None:
    assert sounds_like("not the phones", transfer, listener.sounds) is None
    assert sounds_like("the phones and a knife", transfer, listener.sounds) is None


def test_two_answers_that_sound_alike_are_neither_reached_by_sound(
    listener: Listener,
) -> None:
    sounds = listener.sounds
    # "done" and "none" end a tick list in opposite ways and are a sound apart: neither wins.
    ends = Expected(
        "list",
        (
            *step_expected_answers("finished", ("all done",)),
            *step_expected_answers("nothing", ("all none",)),
        ),
        closed=True,
    )
    assert sounds_like("all dun", ends, sounds) is None


def step_expected_answers(answer_id: str, phrases: tuple[str, ...]) -> tuple:  # type: ignore[type-arg]
    from bot.voice._domain import Answer

    return (Answer(answer_id, answer_id, phrases),)


def test_a_sound_match_is_only_for_a_question_with_set_answers(
    engine: Engine, listener: Listener
) -> None:
    # At an open question the transcript goes to the engine as said.
    needs = step_expected(engine, "initial-contact", "needs")
    assert not needs.closed
    heard = Listener(engine, recogniser=HeardAs("the phones"), denoise=False).hear_pcm(
        speech_of(3), needs
    )
    assert heard.text == "the phones" and heard.answer is None
    assert CONFIRM.closed


def test_listeners_of_one_engine_read_the_dictionary_once(engine: Engine) -> None:
    # Half a second of the wheel's dictionary for each listener would be paid by every channel
    # and every test that builds one.
    one = Listener(engine, recogniser=HeardAs(""), denoise=False)
    other = Listener(engine, recogniser=HeardAs(""), denoise=False)
    assert one.sounds is other.sounds
    assert one.sounds.phones("offence") is not None


def test_a_front_end_change_reaches_the_decoder_through_a_copy_of_the_models_settings() -> None:
    # The acoustic model's feat.params outweighs a setting passed to the decoder ("-cmn live"
    # passed is read as "batch"), so a change is made in a copy of that file, in memory.
    import pocketsphinx

    from bot.voice._recognise import _front_end

    changed = _front_end(pocketsphinx, {"upperf": "6000", "cmn": "live"}).splitlines()
    model = _front_end(pocketsphinx, {}).splitlines()
    assert "-upperf 6000" in changed and "-cmn live" in changed
    assert "-upperf 6800" in model and "-cmn batch" in model
    assert [line for line in changed if line not in model] == ["-upperf 6000", "-cmn live"]
    assert len(changed) == len(model)
