"""Voice replies: what is read aloud, in what order, and the voices guidebot may load."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from bot.engine import Button, Reply
from bot.voice._audio import decode
from bot.voice._speak import (
    EspeakSpeaker,
    SpeakError,
    load_speaker,
    short_sentences,
    speech_text,
    voice_note,
)


def test_red_flags_are_read_first_and_the_options_are_read_out() -> None:
    replies = [
        Reply(
            "Is the child in danger right now?",
            buttons=(Button("Yes", "yes"), Button("No", "no"), Button("Not sure", "unsure")),
            role="question",
        ),
        Reply("Protect the child first.", role="red_flag"),
    ]
    text = speech_text(replies)
    assert text.startswith("Protect the child first.")
    assert text.endswith("Say Yes, No or Not sure.")


def test_long_sentences_are_read_as_short_ones() -> None:
    long = (
        "Removing the child is police protection, which gives no power of entry; use section "
        "17 to save life or limb, else a warrant, and tell your supervisor once the child is "
        "safe, then record what you did and why you did it."
    )
    pieces = short_sentences(long)
    assert len(pieces) > 1
    assert all(len(piece.split()) <= 22 for piece in pieces)
    assert " ".join(pieces).replace(".", "").replace(",", "").split()[:4] == [
        "Removing", "the", "child", "is",
    ]  # fmt: skip


def test_a_reply_becomes_an_ogg_opus_voice_note_quickly() -> None:
    started = time.perf_counter()
    note = voice_note(EspeakSpeaker(), [Reply("Is the child safe? Say yes or no.")])
    took = time.perf_counter() - started
    assert note is not None and note[:4] == b"OggS"
    assert 1.0 < decode(note).seconds < 6.0
    assert took < 10.0  # about 50 ms on an idle machine; generous for a shared one


def test_nothing_to_say_gives_no_voice_note() -> None:
    assert voice_note(EspeakSpeaker(), []) is None


def test_a_piper_voice_with_the_wrong_hash_is_refused_before_loading(tmp_path: Path) -> None:
    model = tmp_path / "en_GB-voice.onnx"
    model.write_bytes(b"not really a voice model")
    wrong = hashlib.sha256(b"something else").hexdigest()
    with pytest.raises(SpeakError, match="does not match its configured SHA-256"):
        load_speaker(model, wrong)
    with pytest.raises(SpeakError, match="needs its SHA-256"):
        load_speaker(model, None)
    with pytest.raises(SpeakError, match="64 hexadecimal"):
        load_speaker(model, "abc")


def test_the_default_voice_is_espeak_ng() -> None:
    assert load_speaker().name == "espeak-ng"
