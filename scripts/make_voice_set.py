"""Regenerate benchmarks/data/voice/: officers' answers and questions spoken by many voices.

The voice benchmark (``benchmarks/bench_voice.py``) must not be judged on one synthesiser:
espeak's robotic speech is far harder for pocketsphinx than a person, and tuning to one voice
teaches nothing. So every phrase here is spoken by eight voices from four synthesisers
(festival's HTS and diphone voices, four flite voices, two espeak-ng voices), at three speeds,
with street-like noise (pink, brown, and brown rumble that swells and fades like traffic) at
20 or 10 dB below the speech or none, and encoded as Telegram sends a voice note (OGG/Opus,
48 kHz, mono, 16 kbit/s). Each phrase gets every voice once; its speed and noise rotate with
the voice, so every voice meets every speed and noise level across the set.

Needs Debian's synthesisers on the machine that generates the set (never on CI, which only
reads the committed files)::

    apt-get install -y festival festvox-us-slt-hts festvox-kallpc16k flite sox
    python scripts/make_voice_set.py [--output FOLDER]

Without ``--output`` it replaces the committed set (``benchmarks/data/voice``): to try a change
to the phrases or voices without touching it, name another folder.

Deterministic where the tools allow: festival, flite and espeak-ng (seeded) give the same
samples for the same text, sox's noise is made in its repeatable mode, and the noise's
offset comes from a seeded generator.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import wave
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.language import read_yaml  # noqa: E402
from bot.voice._audio import encode_ogg  # noqa: E402
from bot.voice._speak import EspeakSpeaker  # noqa: E402

COMMITTED_SET = ROOT / "benchmarks" / "data" / "voice"
"""Where the benchmark reads the set from, and where it is written unless told otherwise."""
RATE = 16_000
BITRATE = 16_000
"""Opus bits a second: Telegram's own notes are about this; speech stays clear at it."""
PAD = 0.3
"""Seconds of room tone around each phrase, as a phone records before and after speech."""


@dataclass(frozen=True)
class Voice:
    """One synthesiser voice, and whether the benchmark may tune on it."""

    name: str
    synthesiser: str
    model: str
    split: str  # "tune" or "held-out"


VOICES = (
    Voice("festival-kal", "festival", "voice_kal_diphone", "tune"),
    Voice("flite-kal16", "flite", "kal16", "tune"),
    Voice("flite-rms", "flite", "rms", "tune"),
    Voice("espeak-en-us", "espeak-ng", "en-us", "tune"),
    Voice("festival-slt-hts", "festival", "voice_cmu_us_slt_arctic_hts", "held-out"),
    Voice("flite-slt", "flite", "slt", "held-out"),
    Voice("flite-awb", "flite", "awb", "held-out"),
    Voice("espeak-en-gb-rp", "espeak-ng", "en-gb-x-rp", "held-out"),
)
"""Split so each held-out voice differs from every tuned one: slt (both of its voices), awb
and espeak's British RP are never tuned on, and the kal voices (the same speaker) are both in
the tuned half."""
SPEEDS = {"slow": 1.2, "normal": 1.0, "fast": 0.85}
"""Duration stretch (espeak: words a minute 145, 175, 205)."""
NOISES = ("clean", "20 dB", "10 dB")
NOISE_KINDS = ("pink", "brown", "traffic")


@dataclass(frozen=True)
class Phrase:
    """What an officer says, where, and what it should come to."""

    text: str
    kind: str  # confirm, choice, checklist, free, question, out-of-domain
    step: str  # flow:step, "menu", or "confirm" for a generic yes / no / not sure question
    answer: str | None = None
    topics: tuple[str, ...] = ()


CONFIRM_STEPS = (
    "initial-contact:danger",
    "initial-contact:see-child",
    "initial-contact:da-assessment",
    "referral:child-views",
    "missing-child:safe-well",
    "record-check:decisions",
    "child-in-custody:welfare-told",
    "initial-contact:checks",
)
CONFIRM_WORDINGS = {
    "yes": ["yes", "yeah", "yes done", "yep", "definitely", "all done", "yeah done", "aye"],
    "no": ["no", "nope", "not yet", "no not yet", "nah", "not done yet"],
    "unsure": ["not sure", "I don't know", "no idea", "maybe", "not sure yet", "I'm not sure"],
}
STEP_WORDINGS = [
    ("initial-contact:danger", "the child is safe now", "no"),
    ("initial-contact:danger", "yes she's in danger", "yes"),
    ("initial-contact:da-high-risk", "high risk", "yes"),
    ("initial-contact:da-high-risk", "standard risk", "no"),
    ("initial-contact:school-age", "she goes to school", "yes"),
    ("initial-contact:da-children-seen", "they're asleep", "no"),
    ("child-in-custody:appropriate-adult", "the appropriate adult is on the way", "yes"),
    ("referral:significant-harm", "significant harm", "yes"),
]
CHOICES = [
    ("initial-contact:context", "neglect", "Neglect"),
    ("initial-contact:context", "domestic-abuse", "Domestic abuse"),
    ("initial-contact:context", "exploitation", "Exploitation"),
    ("initial-contact:context", "exploitation", "county lines"),
    ("initial-contact:context", "domestic-abuse", "parents fighting"),
    ("initial-contact:history", "nothing-known", "Nothing known"),
    ("initial-contact:history", "previous", "Past incidents"),
    ("initial-contact:history", "on-a-plan", "On a plan"),
    ("initial-contact:history", "on-a-plan", "she's got a social worker"),
    ("referral:family", "told", "Told them"),
    ("referral:family", "not-safe", "Not safe to"),
    ("referral:family", "not-yet", "Not yet"),
    ("missing-child:status", "still-missing", "Still missing"),
    ("missing-child:status", "returned", "Found"),
    ("missing-child:status", "returned", "she's back home now"),
    ("missing-child:grading", "no-apparent-risk", "No apparent risk"),
    ("missing-child:grading", "low", "Low"),
    ("missing-child:grading", "medium", "Medium"),
    ("missing-child:grading", "high", "High"),
    ("missing-child:grading", "not-graded", "Not graded yet"),
    ("child-in-custody:reason", "arrested", "Arrested"),
    ("child-in-custody:reason", "voluntary", "Voluntary interview"),
    ("child-in-custody:charge", "not-charged", "Not charged yet"),
    ("child-in-custody:charge", "released", "Released or bailed"),
    ("child-in-custody:charge", "bail-refused", "Bail refused"),
    ("child-in-custody:transfer-reason", "behaviour", "Their behaviour"),
    ("child-in-custody:transfer-reason", "offence", "The offence"),
    ("child-in-custody:transfer-reason", "no-secure-bed", "No secure bed"),
    ("child-in-custody:s136-place", "police-station", "Police station"),
    ("child-in-custody:s136-place", "health-setting", "Health setting"),
    ("child-in-custody:s136-place", "other-place", "Somewhere else"),
    ("record-check:signoff", "signed-off", "Signed off"),
    ("record-check:signoff", "needed", "Needed, not yet"),
]
CHECKLIST = [
    ("initial-contact:child-account", "own-words", "Their own words"),
    ("initial-contact:child-account", "body-worn-video", "Body-worn video"),
    ("initial-contact:evidence", "phones", "Phones and devices"),
    ("initial-contact:neglect-signs", "no-food", "No food"),
    ("initial-contact:neglect-signs", "left-alone", "Left alone"),
    ("initial-contact:neglect-signs", "finished", "That's all"),
    ("missing-child:risk-factors", "missing-before", "Missing before"),
    ("missing-child:risk-factors", "in-care", "In care"),
    ("missing-child:risk-factors", "nothing", "None of these"),
    ("referral:diversity", "language", "Interpreter"),
    ("initial-contact:advice", "supervisor", "Supervisor"),
    ("child-in-custody:protection", "welfare-checks", "Welfare checks"),
]
FREE = [
    ("child-in-custody:age", "fourteen"),
    ("child-in-custody:age", "she's twelve"),
    ("missing-child:how-long", "about three hours"),
    ("missing-child:how-long", "two days"),
    ("child-in-custody:s136-time", "six hours"),
    ("initial-contact:who-present", "mum and her partner and two kids"),
    ("initial-contact:needs", "she needs a safe adult"),
    ("referral:content", "dad hit him with a belt last night"),
]
OUT_OF_DOMAIN = [
    "my favourite football team is arsenal",
    "could you order me a large pizza",
    "the train to manchester leaves at noon",
    "what is the weather like tomorrow",
    "turn the radio up please",
    "I left my keys in the van",
    "let's get a coffee after this",
    "the printer on the second floor is jammed again",
    "who won the match last night",
    "put the kettle on",
]
OOD_STEPS = ("initial-contact:danger", "initial-contact:context", "missing-child:grading")
QUESTION_SETS = (
    ROOT / "benchmarks" / "data" / "blind_utterances.yaml",
    ROOT / "benchmarks" / "data" / "blind2_utterances.yaml",
    ROOT / "tests" / "data" / "dev_utterances.yaml",
)
"""Read sets only: the sealed blind3, 4 and 5 are never opened here."""
QUESTIONS_EACH = 12
SPOKEN = {"tmrw": "tomorrow", "canabis": "cannabis"}
"""Typing shortcuts and slips in the written sets, as an officer would say them."""


def questions() -> list[Phrase]:
    """Short spoken-style questions from the read sets: plain words a voice can say."""
    chosen = []
    for path in QUESTION_SETS:
        data = read_yaml(path.read_text(encoding="utf-8"))
        cases = data["utterances"] if isinstance(data, dict) else data
        usable = [
            case
            for case in cases
            if 4 <= len(case["text"].split()) <= 9
            and all(c.isalpha() or c in " '," for c in case["text"])
            and not any(len(w) > 1 and w.isupper() for w in case["text"].split())
        ]
        step = max(1, len(usable) // QUESTIONS_EACH)
        for case in usable[::step][:QUESTIONS_EACH]:
            text = " ".join(SPOKEN.get(word, word) for word in case["text"].split())
            chosen.append(Phrase(text, "question", "menu", topics=tuple(case["topics"])))
    return chosen


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
    out += questions()
    out += [
        Phrase(text, "out-of-domain", OOD_STEPS[i % len(OOD_STEPS)])
        for i, text in enumerate(OUT_OF_DOMAIN)
    ]
    return out


# -- synthesis ----------------------------------------------------------------------------------


def _run(args: list[str]) -> None:
    subprocess.run(args, check=True, capture_output=True)


def _read_wav(path: Path) -> np.ndarray:
    """A wave file resampled to 16 kHz mono 16-bit by sox."""
    out = path.with_suffix(".16k.wav")
    _run(["sox", str(path), "-r", str(RATE), "-c", "1", "-b", "16", str(out)])
    with wave.open(str(out)) as handle:
        return np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2").copy()


def _write_wav(samples: Sequence[int] | np.ndarray, path: Path, rate: int = RATE) -> None:
    """Mono 16-bit samples as a wave file, for sox to work on."""
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(np.asarray(samples, dtype="<i2").tobytes())


def synthesise(voice: Voice, text: str, stretch: float, work: Path) -> np.ndarray:
    """The text in this voice at this speed, as 16 kHz mono samples."""
    wav = work / "said.wav"
    if voice.synthesiser == "festival":
        (work / "said.txt").write_text(text + "\n", encoding="utf-8")
        _run(
            [
                "text2wave",
                "-eval",
                f"({voice.model})",
                "-eval",
                f"(Parameter.set 'Duration_Stretch {stretch})",
                str(work / "said.txt"),
                "-o",
                str(wav),
            ]
        )
        return _read_wav(wav)
    if voice.synthesiser == "flite":
        _run(
            [
                "flite",
                "-voice",
                voice.model,
                "--setf",
                f"duration_stretch={stretch}",
                "-t",
                text,
                "-o",
                str(wav),
            ]
        )
        return _read_wav(wav)
    speaker = EspeakSpeaker(voice=voice.model, words_per_minute=round(175 / stretch), seed=11)
    samples, rate = speaker.synthesise(text)
    _write_wav(samples, wav, rate)
    return _read_wav(wav)


def noise_beds(work: Path) -> dict[str, np.ndarray]:
    """A minute of each street-like noise, from sox in its repeatable mode."""
    beds = {}
    for kind in NOISE_KINDS:
        path = work / f"{kind}.wav"
        colour = "pinknoise" if kind == "pink" else "brownnoise"
        effects = ["tremolo", "0.25", "70"] if kind == "traffic" else []
        _run(
            [
                *("sox", "-R", "-n", "-r", str(RATE), "-c", "1", "-b", "16", str(path)),
                *("synth", "60", colour, *effects),
            ]
        )
        with wave.open(str(path)) as handle:
            beds[kind] = np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2").astype(
                np.float64
            )
    return beds


def with_noise(
    speech: np.ndarray, bed: np.ndarray | None, snr_db: float | None, seed: int
) -> np.ndarray:
    """Room tone around the phrase, then the noise ``snr_db`` below the speech's power."""
    pad = np.zeros(int(PAD * RATE))
    signal = np.concatenate([pad, speech.astype(np.float64), pad])
    if bed is None or snr_db is None:
        return signal.astype(np.int16)
    voiced = speech.astype(np.float64)
    loud = voiced[np.abs(voiced) > 0.05 * np.abs(voiced).max()]
    power = float(np.mean(loud**2))
    start = int(np.random.default_rng(seed).integers(0, len(bed) - len(signal)))
    noise = bed[start : start + len(signal)]
    noise = noise * np.sqrt(power / 10 ** (snr_db / 10) / float(np.mean(noise**2)))
    return np.clip(signal + noise, -32768, 32767).astype(np.int16)


def encode(samples: np.ndarray) -> bytes:
    """OGG/Opus, 48 kHz mono, as Telegram sends a voice note, at :data:`BITRATE`."""
    return encode_ogg(samples, RATE, bit_rate=BITRATE)


def clips() -> Iterator[tuple[int, Phrase, Voice, str, str, str]]:
    """Each phrase once per voice; speed and noise rotate so each voice meets every one."""
    speeds = list(SPEEDS)
    for p_index, phrase in enumerate(phrases()):
        for v_index, voice in enumerate(VOICES):
            speed = speeds[(p_index + 2 * v_index) % len(speeds)]
            noise = NOISES[(p_index + v_index) % len(NOISES)]
            kind = NOISE_KINDS[(p_index // 3 + v_index) % len(NOISE_KINDS)]
            yield p_index, phrase, voice, speed, noise, kind


def manifest_entry(
    name: str, phrase: Phrase, voice: Voice, speed: str, noise: str, kind: str
) -> dict[str, object]:
    """One clip's line of the manifest."""
    entry: dict[str, object] = {
        "file": name,
        "text": phrase.text,
        "kind": phrase.kind,
        "step": phrase.step,
        "voice": voice.name,
        "speed": speed,
        "noise": noise if noise == "clean" else f"{noise} {kind}",
    }
    if phrase.answer is not None:
        entry["answer"] = phrase.answer
    if phrase.topics:
        entry["topics"] = list(phrase.topics)
    return entry


def write_manifest(
    entries: list[dict[str, object]],
    out: Path,
    *,
    voices: Sequence[Voice] = VOICES,
    made_by: str = "scripts/make_voice_set.py",
    notes: Sequence[str] = (),
) -> None:
    """The manifest: the voices with their split, then one line a clip.

    ``voices``, ``made_by`` and ``notes`` (extra comment lines) let another set's script
    (``make_voice_set2.py``) write the same format the benchmark reads.
    """
    lines = [
        f"# Made by {made_by}: change the script and run it again, not this file.",
        "# Read by benchmarks/bench_voice.py. `answer`: the answer id the step should take;",
        "# `topics`: taxonomy ids, any of which in the first 3 results is right; a clip at a",
        "# question with set answers and no `answer` (out of domain) must be taken as none.",
        *(f"# {note}" for note in notes),
        "voices:",
        *(
            f"  {v.name}: "
            + json.dumps({"synthesiser": v.synthesiser, "model": v.model, "split": v.split})
            for v in voices
        ),
        "clips:",
        *(f"  - {json.dumps(entry)}" for entry in entries),
    ]
    text = "\n".join(lines) + "\n"
    (out / "manifest.yaml").write_text(text, encoding="utf-8")


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: a script that overwrites committed files must say so before it runs."""
    parser = argparse.ArgumentParser(
        prog="make_voice_set.py",
        description=(
            "Speak every benchmark phrase in eight voices, three speeds and three noise levels, "
            "as OGG/Opus voice notes, and write them with their manifest. Replaces every .ogg "
            "clip in the output folder. Needs festival, flite and sox on this machine."
        ),
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=COMMITTED_SET,
        metavar="FOLDER",
        help=(
            "folder to write the clips and manifest.yaml into (default: the committed set, "
            "benchmarks/data/voice; restore it with git checkout -- benchmarks/data/voice)"
        ),
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Write every clip and the manifest (replacing the output folder's clips)."""
    out: Path = parse_arguments(argv).output
    for tool in ("text2wave", "flite", "sox"):
        if shutil.which(tool) is None:
            sys.exit(
                f"{tool} is missing: apt-get install -y festival festvox-us-slt-hts "
                "festvox-kallpc16k flite sox"
            )
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.ogg"):
        old.unlink()
    entries = []
    total = 0
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        beds = noise_beds(work)
        for p_index, phrase, voice, speed, noise, kind in clips():
            speech = synthesise(voice, phrase.text, SPEEDS[speed], work)
            snr = None if noise == "clean" else float(noise.split()[0])
            seed = int(hashlib.sha256(f"{p_index}:{voice.name}".encode()).hexdigest()[:8], 16)
            noisy = with_noise(speech, beds[kind] if snr else None, snr, seed)
            name = f"{p_index:03d}-{voice.name}.ogg"
            data = encode(noisy)
            (out / name).write_bytes(data)
            total += len(data)
            entries.append(manifest_entry(name, phrase, voice, speed, noise, kind))
        print(f"{len(entries)} clips, {total / 1e6:.2f} MB", file=sys.stderr)
    write_manifest(entries, out)


if __name__ == "__main__":
    main()
