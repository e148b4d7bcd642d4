"""Regenerate benchmarks/data/voice3/: a tuning set of accents neither other voice set uses.

The first set (``voice``) is American voices and one British RP voice; the second (``voice2``,
held out, judged by the lead) is British regional robotic voices, and on it answers were
*taken wrong*: a confident misreading of an accent gets past the strict scorer. This set is
for tuning against that, in accents of its own, so the held-out set stays a fair judge:

* espeak-ng 1.51's Caribbean (``en-029``), plain British (``en``, female variant), New York
  (``en-us-nyc``, female variant) and RP with a lower, older male variant (``en-gb-x-rp+m7``,
  pitch 30: the first set's RP voice is the default variant at pitch 50);
* a neural voice: hibari's ``heart`` voice (the one the ``hibari-tts`` wheel ships, Apache-2.0;
  a Kokoro distillation) reading through its British spelling-to-sound rules, so a
  natural-sounding speaker with British vowels ("not" as /nɒt/, "sure" without an r).

Its phrases are its own, written for this set. Speeds 0.9, 1.0 and 1.15 times as long;
noise of kinds neither other set uses, rain hiss (white noise, 1 to 6 kHz) and an idling
engine (a 40 Hz hum with its harmonics over brown rumble), at 20 or 10 dB below the speech;
and a channel: ``direct``, ``room`` (the phone on a dashboard or table: sox reverb) or
``lowrate`` (Opus at 8 kbit/s, as a phone on a poor signal sends). Every phrase is spoken by
every voice; speed, noise and channel rotate with the voice. Encoded as Telegram sends a voice
note (OGG/Opus 48 kHz mono).

Needs, on the machine that generates it only (never CI: the files are committed)::

    apt-get install -y espeak-ng sox
    python -m venv /tmp/tts && /tmp/tts/bin/pip install hibari-tts   # the neural voice
    python scripts/make_voice_set3.py [--output FOLDER] [--hibari /tmp/tts/bin/python]

Deterministic where the tools allow (espeak-ng seeded, hibari seeded, sox's noise repeatable).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_voice_set import (
    RATE,
    ROOT,
    Phrase,
    Voice,
    _read_wav,
    _run,
    _write_wav,
    manifest_entry,
    with_noise,
    write_manifest,
)

from bot.voice._audio import encode_ogg
from bot.voice._speak import EspeakSpeaker

COMMITTED_SET = ROOT / "benchmarks" / "data" / "voice3"
BITRATE = 16_000
LOW_BITRATE = 8_000
"""Opus bits a second on a poor signal: speech stays intelligible, its detail goes."""

VOICES = (
    Voice("espeak-en-029", "espeak-ng", "en-029+m3", "tune"),
    Voice("espeak-en-gb-f2", "espeak-ng", "en+f2", "tune"),
    Voice("espeak-en-us-nyc", "espeak-ng", "en-us-nyc+f4", "tune"),
    Voice("espeak-rp-older", "espeak-ng", "en-gb-x-rp+m7", "tune"),
    Voice("hibari-heart-gb", "hibari", "heart (British G2P)", "tune"),
)
"""Every voice is for tuning: this set exists to be studied, the second set judges."""
PITCH = {"espeak-rp-older": 30}
SPEEDS = {"slower": 1.15, "normal": 1.0, "quicker": 0.9}
NOISES = ("clean", "20 dB", "10 dB")
NOISE_KINDS = ("rain", "engine")
CHANNELS = ("direct", "room", "lowrate")

CONFIRM_STEPS = (
    "initial-contact:danger",
    "missing-child:immediate-risk",
    "initial-contact:see-child",
    "child-in-custody:appropriate-adult",
    "referral:submitted",
    "initial-contact:da-household",
    "record-check:child-voice",
    "missing-child:harm",
)
CONFIRM_WORDINGS = {
    "yes": ["absolutely", "yes it is", "correct", "of course", "yup", "yes sorted", "for sure"],
    "no": ["no way", "not at all", "nothing yet", "never", "not really", "negative", "no chance"],
    "unsure": ["no clue", "hard to say", "probably", "could be", "dunno", "I'm not certain"],
}
STEP_WORDINGS = [
    ("initial-contact:school-age", "yes he goes to school", "yes"),
    ("missing-child:immediate-risk", "no she isn't", "no"),
    ("child-in-custody:appropriate-adult", "yes they're here", "yes"),
    ("referral:submitted", "yes we have", "yes"),
]
CHOICES = [
    ("initial-contact:context", "online", "Online abuse"),
    ("initial-contact:context", "trafficking", "Trafficking"),
    ("initial-contact:context", "missing", "Missing"),
    ("initial-contact:context", "other", "Something else"),
    ("initial-contact:history", "escalating", "Getting worse"),
    ("initial-contact:history", "previous", "Past incidents"),
    ("initial-contact:context", "neglect", "it's neglect"),
    ("child-in-custody:reason", "police-protection", "Police protection"),
    ("child-in-custody:transfer-reason", "la-refused", "Council refused"),
    ("child-in-custody:transfer-reason", "certified", "Certified exception"),
    ("missing-child:grading", "medium", "Medium risk"),
    ("missing-child:grading", "low", "Low risk"),
    ("missing-child:status", "still-missing", "Still missing"),
    ("record-check:signoff", "not-required", "Not required"),
    ("record-check:signoff", "not-sure", "Not sure"),
    ("referral:family", "told", "Told them"),
]
CHECKLIST = [
    ("initial-contact:neglect-signs", "unsafe-home", "Unsafe home"),
    ("initial-contact:neglect-signs", "poor-hygiene", "Poor hygiene"),
    ("initial-contact:exploitation-signs", "older-associates", "Older associates"),
    ("initial-contact:exploitation-signs", "far-from-home", "Far from home"),
    ("missing-child:risk-factors", "self-harm", "Self-harm risk"),
    ("missing-child:risk-factors", "out-of-character", "Out of character"),
    ("referral:diversity", "disability", "Disability"),
    ("initial-contact:evidence", "medical-exam", "Medical examination"),
]
FREE = [
    ("child-in-custody:age", "thirteen"),
    ("missing-child:how-long", "since yesterday morning"),
    ("initial-contact:who-present", "just the grandmother"),
    ("initial-contact:needs", "he needs a doctor"),
]
QUESTIONS = [
    ("what is a section 47 enquiry", ("s47-enquiry",)),
    ("when can I use police protection", ("police-protection-s46",)),
    ("how long can a child be kept in police protection", ("police-protection-s46",)),
    ("who should be the appropriate adult", ("appropriate-adult",)),
    ("what are the signs of county lines", ("child-exploitation",)),
    ("what do I do if a child goes missing from care", ("missing-child",)),
    ("how do I make a referral to children's services", ("referral-social-care",)),
    ("should I get a medical examination for the child", ("medical-examination",)),
]
OUT_OF_DOMAIN = [
    "can you book me a taxi home",
    "the canteen shuts at nine",
    "my phone battery is nearly dead",
    "what time does the match start",
    "the car park barrier is broken",
    "tell me a joke",
]
OOD_STEPS = ("initial-contact:danger", "initial-contact:history", "missing-child:status")


def phrases() -> list[Phrase]:
    """Every phrase of the set, in a fixed order."""
    out = []
    index = 0
    for answer, wordings in CONFIRM_WORDINGS.items():
        for text in wordings:
            out.append(Phrase(text, "confirm", CONFIRM_STEPS[index % len(CONFIRM_STEPS)], answer))
            index += 1
    out += [Phrase(text, "confirm", step, answer) for step, text, answer in STEP_WORDINGS]
    out += [Phrase(text, "choice", step, answer) for step, answer, text in CHOICES]
    out += [Phrase(text, "checklist", step, answer) for step, answer, text in CHECKLIST]
    out += [Phrase(text, "free", step) for step, text in FREE]
    out += [Phrase(text, "question", "menu", topics=topics) for text, topics in QUESTIONS]
    out += [
        Phrase(text, "out-of-domain", OOD_STEPS[i % len(OOD_STEPS)])
        for i, text in enumerate(OUT_OF_DOMAIN)
    ]
    return out


_HIBARI = """
import sys
from hibari import Hibari
from hibari.g2p import G2P
voice = Hibari(g2p=G2P(british=True))
voice.save(sys.argv[1], sys.argv[2], speed=float(sys.argv[3]), seed=7)
"""


def synthesise(voice: Voice, text: str, stretch: float, work: Path, hibari: str) -> np.ndarray:
    """The text in this voice at this speed, as 16 kHz mono samples."""
    wav = work / "said.wav"
    if voice.synthesiser == "hibari":
        _run([hibari, "-c", _HIBARI, text, str(wav), str(round(1 / stretch, 3))])
        return _read_wav(wav)
    speaker = EspeakSpeaker(
        voice=voice.model,
        words_per_minute=round(170 / stretch),
        pitch=PITCH.get(voice.name, 50),
        seed=13,
    )
    samples, rate = speaker.synthesise(text)
    _write_wav(samples, wav, rate)
    return _read_wav(wav)


def noise_beds(work: Path) -> dict[str, np.ndarray]:
    """A minute of rain hiss and of an idling engine, from sox in its repeatable mode."""
    recipes = {
        "rain": ["synth", "60", "whitenoise", "sinc", "1000-6000", "tremolo", "3", "20"],
        "engine": [
            *("synth", "60", "brownnoise", "sine", "40", "sine", "80", "sine", "120"),
            *("tremolo", "0.5", "30"),
        ],
    }
    beds = {}
    for kind, effects in recipes.items():
        path, made = work / f"{kind}.wav", work / f"{kind}.raw.wav"
        channels = "4" if kind == "engine" else "1"  # one synth a channel, mixed down after
        _run(["sox", "-R", "-n", "-r", str(RATE), "-c", channels, "-b", "16", str(made), *effects])
        _run(["sox", str(made), "-c", "1", "-b", "16", "-e", "signed-integer", str(path)])
        with wave.open(str(path)) as handle:
            beds[kind] = np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2").astype(
                np.float64
            )
    return beds


def through_room(samples: np.ndarray, work: Path) -> np.ndarray:
    """The phone a metre or two away in a hard room: sox's reverb, the level kept."""
    dry, wet = work / "dry.wav", work / "wet.wav"
    _write_wav(samples, dry)
    _run(["sox", str(dry), str(wet), "reverb", "60", "50", "70", "gain", "-n", "-3"])
    with wave.open(str(wet)) as handle:
        return np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2").copy()


def clips() -> Iterator[tuple[int, Phrase, Voice, str, str, str, str]]:
    """Each phrase once per voice; speed, noise, its kind and the channel rotate."""
    speeds = list(SPEEDS)
    for p_index, phrase in enumerate(phrases()):
        for v_index, voice in enumerate(VOICES):
            speed = speeds[(p_index + 2 * v_index) % len(speeds)]
            noise = NOISES[(p_index + v_index) % len(NOISES)]
            kind = NOISE_KINDS[(p_index // 3 + v_index) % len(NOISE_KINDS)]
            channel = CHANNELS[(p_index // 2 + 2 * v_index) % len(CHANNELS)]
            yield p_index, phrase, voice, speed, noise, kind, channel


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: a script that overwrites committed files must say so before it runs."""
    parser = argparse.ArgumentParser(
        prog="make_voice_set3.py",
        description=(
            "Speak the third set's phrases in five voices of accents the other sets do not use, "
            "as OGG/Opus voice notes, with their manifest. Replaces every .ogg clip in the "
            "output folder. Needs espeak-ng, sox and a Python with hibari-tts."
        ),
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=COMMITTED_SET,
        metavar="FOLDER",
        help="folder to write the clips and manifest.yaml into (default: the committed set, "
        "benchmarks/data/voice3)",
    )
    parser.add_argument(
        "--hibari",
        default="python3",
        metavar="PYTHON",
        help="a Python that can import hibari (hibari-tts from PyPI; default python3)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Write every clip and the manifest (replacing the output folder's clips)."""
    args = parse_arguments(argv)
    out: Path = args.output
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing: apt-get install -y espeak-ng sox")
    if subprocess.run([args.hibari, "-c", "import hibari"], capture_output=True).returncode:
        sys.exit(f"{args.hibari} cannot import hibari: pip install hibari-tts into it")
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.ogg"):
        old.unlink()
    entries = []
    total = 0
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        beds = noise_beds(work)
        for p_index, phrase, voice, speed, noise, kind, channel in clips():
            speech = synthesise(voice, phrase.text, SPEEDS[speed], work, args.hibari)
            if channel == "room":
                speech = through_room(speech, work)
            snr = None if noise == "clean" else float(noise.split()[0])
            seed = int(hashlib.sha256(f"{p_index}:{voice.name}".encode()).hexdigest()[:8], 16)
            noisy = with_noise(speech, beds[kind] if snr else None, snr, seed)
            rate = LOW_BITRATE if channel == "lowrate" else BITRATE
            data = encode_ogg(noisy, RATE, bit_rate=rate)
            name = f"{p_index:03d}-{voice.name}.ogg"
            (out / name).write_bytes(data)
            total += len(data)
            entry = manifest_entry(name, phrase, voice, speed, noise, kind)
            entry["channel"] = channel
            entries.append(entry)
        print(f"{len(entries)} clips, {total / 1e6:.2f} MB", file=sys.stderr)
    write_manifest(
        entries,
        out,
        voices=VOICES,
        made_by="scripts/make_voice_set3.py",
        notes=("Every voice is for tuning; the second set (voice2) is the held-out judge.",),
    )


if __name__ == "__main__":
    main()
