"""Regenerate benchmarks/data/voice2/: a second voice set, held out, made differently.

The first set's held-out voices (``benchmarks/data/voice``) have been measured after several
rounds of tuning, so they no longer judge fairly. This set is never tuned on: the lead measures
it once, and nobody reads its phrases to fix the recogniser. It was made blind, without
opening the recogniser, its word lists or the first set's phrases, and it differs from the
first set in every way it can:

* its own phrases (``PHRASES``), written afresh as officers would say them into a phone;
* voices the first set never used: festival's ked diphone voice, espeak-ng's Scottish,
  Lancaster and (with its Klatt synthesiser) West Midlands voices, the older eSpeak 1.48's
  northern English voice, and flite's slt lowered by 350 cents with sox, so it sounds like
  another speaker (five synthesisers or synthesiser settings, six voices);
* other speeds (0.8, 1.0 and 1.25 times as long, rotating);
* other noise: babble (four background talkers, synthesised), wind (low rumble in gusts) and
  a wailing siren, at 20 or 10 dB below the speech or none;
* a channel: straight, a phone's band (300 to 3,400 Hz), or overdriven into clipping.

Every phrase is spoken by every voice; speed, noise and channel rotate with the voice so each
voice meets every one. Clips are encoded as Telegram sends a voice note (OGG/Opus, 48 kHz,
mono, 16 kbit/s) by ``make_voice_set.encode``.

Needs, on the machine that generates the set only (CI reads the committed files)::

    apt-get install -y festival festvox-kdlpc16k flite sox espeak-ng espeak
    python scripts/make_voice_set2.py [--output FOLDER]

(Debian 12 has no MBROLA voices, nor festival's rab or don voices, so none is used.) Without
``--output`` it replaces the committed set (``benchmarks/data/voice2``).

Deterministic in sound: festival, flite, espeak-ng and eSpeak give the same samples for the
same text, sox runs in its repeatable mode (``SOX_OPTS=-R``: its dither is otherwise random),
and the noise beds and offsets come from seeded generators. The OGG files' bytes still differ
from run to run (the encoder picks a random stream serial number); what they decode to does not.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
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
    encode,
    manifest_entry,
    synthesise,
    with_noise,
    write_manifest,
)

COMMITTED_SET = ROOT / "benchmarks" / "data" / "voice2"
"""Where ``bench_voice.py --set voice2`` reads the set from, and where it is written unless
told otherwise."""
TOOLS = ("text2wave", "flite", "sox", "espeak-ng", "espeak")
INSTALL = "apt-get install -y festival festvox-kdlpc16k flite sox espeak-ng espeak"


@dataclass(frozen=True)
class Recipe(Voice):
    """A voice as the manifest names it, and how to make it: program, its voice, a pitch shift."""

    program: str = ""
    program_voice: str = ""
    pitch_cents: int = 0


VOICES = (
    Recipe(
        "festival-ked", "festival", "voice_ked_diphone", "held-out", "festival", "voice_ked_diphone"
    ),
    Recipe(
        "espeak-ng-scotland-f3",
        "espeak-ng",
        "en-gb-scotland+f3",
        "held-out",
        "espeak-ng",
        "en-gb-scotland+f3",
    ),
    Recipe(
        "espeak-ng-lancaster",
        "espeak-ng",
        "en-gb-x-gbclan+m3",
        "held-out",
        "espeak-ng",
        "en-gb-x-gbclan+m3",
    ),
    Recipe(
        "espeak-ng-wmids-klatt",
        "espeak-ng-klatt",
        "en-gb-x-gbcwmd+klatt2",
        "held-out",
        "espeak-ng",
        "en-gb-x-gbcwmd+klatt2",
    ),
    Recipe(
        "espeak-1.48-north",
        "espeak",
        "en-uk-north (eSpeak 1.48)",
        "held-out",
        "espeak",
        "en-uk-north",
    ),
    Recipe("flite-slt-low", "flite+sox", "slt, pitch -350 cents", "held-out", "flite", "slt", -350),
)
"""All held out. None is a voice of the first set (its festival kal and slt HTS, flite kal16,
rms, slt and awb, espeak-ng en-us and en-gb-x-rp): flite-slt-low starts from slt, which the
first set held out and never tuned on, but sounds like another, lower speaker."""
SPEEDS = {"slow": 1.25, "normal": 1.0, "fast": 0.8}
"""Duration stretch (espeak-ng and eSpeak: 175 words a minute divided by it)."""
LEVELS = ("clean", "20 dB", "10 dB")
NOISE_KINDS = ("babble", "wind", "siren")
CHANNELS = ("direct", "phone", "clipped")
"""How the note reached the phone: straight, through a phone's 300 to 3,400 Hz band, or
overdriven (an officer shouting into a handset held close)."""

# -- phrases --------------------------------------------------------------------------------------

YES, NO, UNSURE = "yes", "no", "unsure"
CONFIRM: list[tuple[str, str, str]] = [
    # (step, what the officer says, the answer it should come to)
    ("confirm", "yup", YES),
    ("confirm", "affirmative", YES),
    ("confirm", "correct", YES),
    ("confirm", "absolutely", YES),
    ("confirm", "that's right", YES),
    ("initial-contact:see-child", "yes I've spoken to her on her own", YES),
    ("initial-contact:danger", "yes the dad is still kicking off", YES),
    ("child-in-custody:welfare-told", "yes his mum knows", YES),
    ("referral:submitted", "it's gone in", YES),
    ("missing-child:safe-well", "yes I've seen her and she's fine", YES),
    ("initial-contact:encompass", "already sorted", YES),
    ("child-in-custody:necessity", "yes it is", YES),
    ("initial-contact:school-age", "yeah the eldest is nine", YES),
    ("referral:history", "that's all in there", YES),
    ("child-in-custody:transfer", "that's been arranged", YES),
    ("confirm", "negative", NO),
    ("confirm", "no chance", NO),
    ("confirm", "not really", NO),
    ("initial-contact:see-child", "no I haven't", NO),
    ("initial-contact:referral", "not as yet", NO),
    ("initial-contact:nrm", "haven't had the chance", NO),
    ("initial-contact:danger", "no she's safe with her nan", NO),
    ("child-in-custody:child-at-risk", "not at the moment", NO),
    ("child-in-custody:s136-told", "no nobody's told them", NO),
    ("record-check:urgent", "no there isn't", NO),
    ("record-check:timely", "I'll do it later", NO),
    ("child-in-custody:appears-young", "no he's definitely an adult", NO),
    ("confirm", "dunno", UNSURE),
    ("confirm", "possibly", UNSURE),
    ("confirm", "hard to say", UNSURE),
    ("confirm", "could be", UNSURE),
    ("confirm", "haven't a clue", UNSURE),
    ("initial-contact:checks", "I'd have to check", UNSURE),
    ("referral:significant-harm", "can't tell yet", UNSURE),
    ("initial-contact:da-high-risk", "I'm not certain", UNSURE),
    ("record-check:big-decision", "I'm not too sure about that", UNSURE),
    ("missing-child:harm", "couldn't tell you", UNSURE),
    ("child-in-custody:s136-consult", "not sure to be honest", UNSURE),
]
CHOICES: list[tuple[str, str, str]] = [
    # (step, what the officer says, the option id): labels as on the button, then natural words
    ("initial-contact:context", "online abuse", "online"),
    ("initial-contact:context", "trafficking", "trafficking"),
    ("initial-contact:context", "something else", "other"),
    ("initial-contact:context", "it's a neglect job", "neglect"),
    ("initial-contact:context", "kids are being used to run drugs", "exploitation"),
    ("initial-contact:context", "the child's gone missing", "missing"),
    ("initial-contact:context", "it's a domestic", "domestic-abuse"),
    ("initial-contact:history", "getting worse", "escalating"),
    ("initial-contact:history", "there's loads of previous", "previous"),
    ("initial-contact:history", "there's a child protection plan", "on-a-plan"),
    ("initial-contact:history", "nothing on the system", "nothing-known"),
    ("missing-child:status", "she's turned up", "returned"),
    ("missing-child:status", "we still can't find him", "still-missing"),
    ("missing-child:grading", "no apparent risk", "no-apparent-risk"),
    ("missing-child:grading", "graded medium", "medium"),
    ("missing-child:grading", "it's high risk", "high"),
    ("missing-child:grading", "low risk", "low"),
    ("missing-child:grading", "nobody's graded it", "not-graded"),
    ("child-in-custody:reason", "section one thirty six", "s136"),
    ("child-in-custody:reason", "he's been arrested", "arrested"),
    ("child-in-custody:reason", "he came in voluntarily", "voluntary"),
    ("child-in-custody:charge", "he's been bailed", "released"),
    ("child-in-custody:charge", "still not charged", "not-charged"),
    ("child-in-custody:charge", "they refused him bail", "bail-refused"),
    ("child-in-custody:transfer-reason", "council refused", "la-refused"),
    ("child-in-custody:transfer-reason", "certified exception", "certified"),
    ("child-in-custody:transfer-reason", "there's no secure bed anywhere", "no-secure-bed"),
    ("child-in-custody:s136-place", "at the hospital", "health-setting"),
    ("child-in-custody:s136-place", "in the custody suite", "police-station"),
    ("record-check:signoff", "not required", "not-required"),
    ("record-check:signoff", "sarge has signed it", "signed-off"),
    ("record-check:signoff", "it still needs signing", "needed"),
    ("referral:family", "we've told mum what happens next", "told"),
    ("referral:family", "it wouldn't be safe", "not-safe"),
]
CHECKLIST: list[tuple[str, str, str]] = [
    # (step, what the officer says, the item ticked, or finished / nothing for Done / None)
    ("initial-contact:evidence", "medical examination", "medical-exam"),
    ("initial-contact:evidence", "we've seized his phone", "phones"),
    ("initial-contact:child-account", "how she seemed", "demeanour"),
    ("initial-contact:child-account", "what he wants to happen", "wishes"),
    ("initial-contact:exploitation-signs", "older associates", "older-associates"),
    ("initial-contact:exploitation-signs", "he had a wad of cash on him", "cash-phones"),
    ("missing-child:risk-factors", "self harm", "self-harm"),
    ("missing-child:risk-factors", "totally out of character", "out-of-character"),
    ("referral:diversity", "they need a translator", "language"),
    ("initial-contact:pp-duties", "parents told", "tell-parents"),
    ("child-in-custody:protection", "kept away from the adults", "apart-from-adults"),
    ("initial-contact:advice", "I've spoken to my sergeant", "supervisor"),
    ("initial-contact:exploitation-signs", "that's everything", "finished"),
    ("child-in-custody:aa-who", "none of them", "nothing"),
]
FREE: list[tuple[str, str, str | None]] = [
    # (step, what the officer says, the band it falls in where the step has bands)
    ("child-in-custody:age", "sixteen", "12-to-17"),
    ("child-in-custody:age", "he looks about fifteen", "12-to-17"),
    ("child-in-custody:age", "she's only nine", "under-10"),
    ("child-in-custody:age", "he turned eleven last week", "10-to-11"),
    ("missing-child:how-long", "about forty minutes", "under-a-day"),
    ("missing-child:how-long", "four days now", "over-three-days"),
    ("missing-child:how-long", "since yesterday morning", None),
    ("child-in-custody:s136-time", "twenty hours", "under-24-hours"),
    ("child-in-custody:s136-time", "nearly thirty hours", "24-to-36-hours"),
    ("initial-contact:who-present", "just her grandad and her baby brother", None),
    ("initial-contact:needs", "first aid done and his nan is coming to sit with him", None),
    ("missing-child:child-account", "she was at a flat in town with some older lads", None),
    ("referral:content", "mum's partner punched her in front of the kids", None),
]
QUESTIONS: list[tuple[str, tuple[str, ...]]] = [
    ("can I take a child into police protection without a warrant", ("police-protection-s46",)),
    ("how long does police protection last", ("police-protection-s46",)),
    ("what should a referral to social care include", ("referral-social-care",)),
    ("do I need consent to share information with the school", ("information-sharing",)),
    ("who leads a strategy meeting", ("strategy-discussion",)),
    ("what is a section forty seven enquiry", ("s47-enquiry",)),
    (
        "when does the family need an interpreter",
        ("interpreters-intermediaries", "diversity-needs"),
    ),
    ("how do I get the child's views on record", ("record-child-views", "voice-of-child")),
    ("what counts as neglect", ("neglect",)),
    ("signs a kid is being used for county lines", ("child-exploitation",)),
    ("what do I do if a baby dies suddenly", ("unexpected-child-death",)),
    ("how soon should I write up my notes", ("recording-timely",)),
    ("difference between fact and opinion in my notes", ("fact-vs-opinion",)),
    ("does my sergeant need to sign this off", ("supervisor-signoff", "escalate-supervisor")),
    (
        "can a fifteen year old be kept in the cells overnight",
        ("transfer-la-accommodation", "detention-necessity"),
    ),
    ("who can act as an appropriate adult", ("appropriate-adult",)),
    ("can I use section one thirty six in someone's house", ("mental-health-s136",)),
    ("how do I grade a missing child", ("missing-child",)),
    ("what is the national referral mechanism", ("trafficking", "child-exploitation")),
    ("a girl is sending pictures to a man online", ("online-sexual-abuse",)),
    ("the kids were there during the domestic what now", ("domestic-abuse",)),
    ("should the child have a medical", ("medical-examination",)),
    ("how do I stop the child being interviewed over and over", ("avoid-repeat-interviews",)),
    ("what can I promise the child", ("no-overpromising",)),
    ("how do I keep the child updated on the case", ("keep-child-informed", "inform-outcome")),
    ("when should I ask for specialist advice", ("specialist-advice",)),
    ("how do I check if the child is on a plan", ("child-protection-plan-check",)),
    (
        "a sex offender is living with the kids",
        ("identify-risk-person", "assess-manage-risk-person"),
    ),
    ("what evidence should I capture at the scene", ("evidence-capture",)),
    ("the risk has changed since the referral what should I do", ("risk-change-alerts",)),
    ("who reviews a no further action decision", ("nfa-review",)),
    ("how do I record why I made a decision", ("record-decision-rationale",)),
]
OUT_OF_DOMAIN = [
    "the battery on my radio is dying",
    "what time does the canteen shut",
    "I need to fill the car up with diesel",
    "remind me to ring the garage tomorrow",
    "is it going to snow this weekend",
    "play some music",
    "how many miles is it to birmingham",
    "my shift finishes at six",
    "the dog next door keeps barking",
    "did you watch the rugby on saturday",
    "set an alarm for seven",
    "can you get me a sandwich from the shop",
]
OOD_STEPS = (
    "initial-contact:see-child",
    "child-in-custody:reason",
    "missing-child:status",
    "record-check:signoff",
    "referral:significant-harm",
    "initial-contact:history",
)
"""Questions with set answers (yes / no / not sure, or choices): none of these lines answers
them, so each must be taken as no answer at all."""


def phrases() -> list[Phrase]:
    """Every phrase of the set, in a fixed order (the order numbers the clips)."""
    out = [Phrase(text, "confirm", step, answer) for step, text, answer in CONFIRM]
    out += [Phrase(text, "choice", step, answer) for step, text, answer in CHOICES]
    out += [Phrase(text, "checklist", step, answer) for step, text, answer in CHECKLIST]
    out += [Phrase(text, "free", step, answer) for step, text, answer in FREE]
    out += [Phrase(text, "question", "menu", topics=topics) for text, topics in QUESTIONS]
    out += [
        Phrase(text, "out-of-domain", OOD_STEPS[i % len(OOD_STEPS)])
        for i, text in enumerate(OUT_OF_DOMAIN)
    ]
    return out


# -- voices ---------------------------------------------------------------------------------------


def speak(voice: Recipe, text: str, stretch: float, work: Path) -> np.ndarray:
    """The text in this voice at this speed, as 16 kHz mono samples."""
    if voice.program in ("festival", "flite"):
        base = Voice(voice.name, voice.program, voice.program_voice, voice.split)
        samples = synthesise(base, text, stretch, work)
    else:
        wav = work / "said.wav"
        wpm = str(round(175 / stretch))
        _run([voice.program, "-v", voice.program_voice, "-s", wpm, "-w", str(wav), text])
        samples = _read_wav(wav)
    if not voice.pitch_cents:
        return samples
    _write_wav(samples, work / "plain.wav")
    _run(
        ["sox", str(work / "plain.wav"), str(work / "shifted.wav"), "pitch", str(voice.pitch_cents)]
    )
    return _read_wav(work / "shifted.wav")


# -- noise and channel ----------------------------------------------------------------------------

BED_SECONDS = 60
BABBLE_LINES = (
    "the forecast says rain later with sunny spells by the weekend",
    "add milk and bread to the list and some of those biscuits",
    "the match kicked off late because of the traffic on the bypass",
    "we are going to my sister's for dinner on sunday afternoon",
    "the bus was packed this morning and it smelled of wet coats",
    "they have opened a new cafe by the station that does nice cake",
)
"""Everyday chatter for the babble bed: nothing an officer would say at a question."""
BABBLE_TALKERS = ("en-us+f2", "en+m4", "en-029+m1", "en-gb-x-rp+f4")
"""espeak-ng voices in the background only, never the foreground voices."""


def _bed(samples: np.ndarray) -> np.ndarray:
    """Zero-mean, unit-power float samples: ``with_noise`` scales a bed to its level."""
    samples = samples.astype(np.float64) - float(np.mean(samples))
    return samples / float(np.sqrt(np.mean(samples**2)))


def babble(work: Path) -> np.ndarray:
    """Four people chatting at once behind the officer, each on a loop of everyday lines."""
    length = BED_SECONDS * RATE
    mix = np.zeros(length)
    for index, talker in enumerate(BABBLE_TALKERS):
        said = []
        for line in BABBLE_LINES[index:] + BABBLE_LINES[:index]:
            wav = work / "babble.wav"
            _run(["espeak-ng", "-v", talker, "-s", "165", "-w", str(wav), line])
            said += [_read_wav(wav).astype(np.float64), np.zeros(RATE // 4)]
        loop = np.concatenate(said)
        start = index * len(loop) // len(BABBLE_TALKERS)
        mix += _bed(np.tile(loop, length // len(loop) + 2)[start : start + length])
    return _bed(mix)


def _lowpass(samples: np.ndarray, low: float, high: float) -> np.ndarray:
    """Keep ``low`` to ``high`` Hz, with a 10% ramp each side so nothing rings."""
    spectrum = np.fft.rfft(samples)
    hz = np.fft.rfftfreq(len(samples), 1 / RATE)
    gain = np.clip((hz - 0.9 * low) / (0.2 * low), 0, 1) if low > 0 else np.ones_like(hz)
    gain *= np.clip((1.1 * high - hz) / (0.2 * high), 0, 1)
    return np.fft.irfft(spectrum * gain, n=len(samples))


def wind(rng: np.random.Generator) -> np.ndarray:
    """Wind across the phone's microphone: rumble under 400 Hz that rises and drops in gusts."""
    length = BED_SECONDS * RATE
    rumble = _lowpass(rng.standard_normal(length), 0, 400)
    slow = _lowpass(rng.standard_normal(length), 0, 0.4)
    gusts = np.exp(1.5 * slow / float(np.std(slow)))
    return _bed(rumble * gusts)


def siren(rng: np.random.Generator) -> np.ndarray:
    """An emergency siren's wail (600 to 1,300 Hz and back every four seconds) passing by."""
    t = np.arange(BED_SECONDS * RATE) / RATE
    hz = 950 + 350 * np.sin(2 * np.pi * t / 4.0 + rng.uniform(0, 2 * np.pi))
    phase = 2 * np.pi * np.cumsum(hz) / RATE
    tone = np.sin(phase) + 0.4 * np.sin(3 * phase) + 0.2 * np.sin(5 * phase)
    passing = 0.35 + 0.65 * np.sin(np.pi * t / BED_SECONDS) ** 2
    hiss = 0.05 * rng.standard_normal(len(t))
    return _bed(tone * passing + hiss)


def noise_beds(work: Path) -> dict[str, np.ndarray]:
    """A minute of each kind of noise, the same on every run."""
    rng = np.random.default_rng(2026_12_04)
    return {"babble": babble(work), "wind": wind(rng), "siren": siren(rng)}


def through(channel: str, samples: np.ndarray) -> np.ndarray:
    """The note as the phone recorded it: straight, band-limited, or overdriven and clipped."""
    if channel == "direct":
        return samples
    signal = samples.astype(np.float64)
    if channel == "phone":
        signal = _lowpass(signal, 300, 3400)
    else:
        signal = signal * (2.5 * 32767 / max(1.0, float(np.abs(signal).max())))
    return np.clip(signal, -32767, 32767).astype(np.int16)


# -- the set --------------------------------------------------------------------------------------


def clips() -> Iterator[tuple[int, Phrase, Recipe, str, str, str, str]]:
    """Each phrase once per voice; level, noise, speed and channel rotate with the voice.

    Each counts the phrases in a different base (1, 3, 9, 27), so every voice meets every
    combination of them, none tied to another, and each phrase is heard at every level, in
    every noise, speed and channel by two voices.
    """
    speeds = list(SPEEDS)
    for p_index, phrase in enumerate(phrases()):
        for v_index, voice in enumerate(VOICES):
            level = LEVELS[(p_index + v_index) % 3]
            kind = NOISE_KINDS[(p_index // 3 + v_index) % 3]
            speed = speeds[(p_index // 9 + v_index) % 3]
            channel = CHANNELS[(p_index // 27 + v_index) % 3]
            yield p_index, phrase, voice, speed, level, kind, channel


NOTES = (
    "HELD OUT: never tune on this set; measure it once. `noise` is the level and kind",
    "(babble, wind, siren); `channel` how the phone took it (direct, phone band, clipped).",
)


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: a script that overwrites committed files must say so before it runs."""
    parser = argparse.ArgumentParser(
        prog="make_voice_set2.py",
        description=(
            "Speak every phrase of the held-out second voice set in six voices, with babble, "
            "wind or siren noise and a phone or clipped channel, as OGG/Opus voice notes, and "
            "write them with their manifest. Replaces every .ogg clip in the output folder. "
            f"Needs: {INSTALL}."
        ),
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=COMMITTED_SET,
        metavar="FOLDER",
        help=(
            "folder to write the clips and manifest.yaml into (default: the committed set, "
            "benchmarks/data/voice2; restore it with git checkout -- benchmarks/data/voice2)"
        ),
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Write every clip and the manifest (replacing the output folder's clips)."""
    out: Path = parse_arguments(argv).output
    for tool in TOOLS:
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing: {INSTALL}")
    os.environ["SOX_OPTS"] = "-R"  # sox dithers at random when it resamples, unless told
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.ogg"):
        old.unlink()
    entries = []
    total = 0
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        beds = noise_beds(work)
        for p_index, phrase, voice, speed, level, kind, channel in clips():
            speech = speak(voice, phrase.text, SPEEDS[speed], work)
            snr = None if level == "clean" else float(level.split()[0])
            seed = int(hashlib.sha256(f"{p_index}:{voice.name}".encode()).hexdigest()[:8], 16)
            noisy = with_noise(speech, beds[kind] if snr else None, snr, seed)
            name = f"{p_index:03d}-{voice.name}.ogg"
            data = encode(through(channel, noisy))
            (out / name).write_bytes(data)
            total += len(data)
            entry = manifest_entry(name, phrase, voice, speed, level, kind)
            entries.append({**entry, "channel": channel})
        print(f"{len(entries)} clips, {total / 1e6:.2f} MB", file=sys.stderr)
    write_manifest(entries, out, voices=VOICES, made_by="scripts/make_voice_set2.py", notes=NOTES)


if __name__ == "__main__":
    main()
