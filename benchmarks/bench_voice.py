"""How well does guidebot understand voice notes? Answers, questions and noise, many voices.

Run from the repository root::

    .venv/bin/python benchmarks/bench_voice.py [--set voice|voice2|voice3] [--split tune|held-out]
        [--recogniser NAME] [--output PATH] [--quiet] [--adaptation MLLR_FILE]

Every clip of the committed voice set (``benchmarks/data/voice/``, made by
``scripts/make_voice_set.py``: eight voices from festival, flite and espeak-ng, three speeds,
clean or with street-like noise at 20 or 10 dB SNR, OGG/Opus as Telegram sends them) is decoded
and heard exactly as the Telegram channel hears a voice note (``Listener.hear_pcm``), by two
recognisers built the product's way:

* ``general``: pocketsphinx with the domain language model only, the same at every question;
* ``step-biased``: the product, whose model at a question with set answers leans to them.

Both hear a very noisy note (``bot.voice._listen.VERY_NOISY_DB``) as the product does: through
WebRTC's noise suppressor first, with a one-syllable answer in it read back.

For each it reports the word error rate (jiwer) and real-time factor; at questions with set
answers, what became of the answer (taken right, right after the read-back, not understood,
wrong but read back so the officer says No, wrong and taken); for knowledge questions asked at
the menu, whether the real search's first three entries carry a right topic (with the typed
text's figure beside it: what a perfect transcript would get); and for out-of-domain speech,
that it is never taken as an answer. Figures come by synthesiser and noise level, and for the
voices tuned on apart from the held-out ones (the manifest's ``split``): tune only on the first,
judge on the second.

``--set voice2`` hears the second set instead (``benchmarks/data/voice2/``, made by
``scripts/make_voice_set2.py``: its own phrases, six voices the first set never used, babble,
wind and siren noise, a phone or clipped channel). Every voice of it is held out and nobody
tunes on it: it is measured once, to judge. ``--set voice3`` hears the third set
(``scripts/make_voice_set3.py``: Caribbean, New York, plain British and older RP espeak-ng
voices and a neural voice with British vowels; rain and engine noise; a room or a poor-signal
channel), made to be tuned on against answers taken wrong in accents.

A table is printed and the numbers saved as JSON (default ``benchmarks/results/SET.json``).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import datetime as dt
import functools
import json
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jiwer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import Settings, load_engine  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.language import read_yaml  # noqa: E402
from bot.voice._audio import Pcm, decode, syllables_heard  # noqa: E402
from bot.voice._domain import (  # noqa: E402
    CONFIRM,
    NO,
    UNSURE,
    YES,
    Expected,
    domain_corpus,
    menu_expected,
    said,
    step_corpus,
    step_expected,
)
from bot.voice._listen import Heard, Listener, explains, syllables  # noqa: E402
from bot.voice._recognise import PocketsphinxRecogniser, Transcript, spoken_words  # noqa: E402

VOICE_SET = ROOT / "benchmarks" / "data" / "voice"
SETS = {
    "voice": VOICE_SET,
    "voice2": ROOT / "benchmarks" / "data" / "voice2",
    "voice3": ROOT / "benchmarks" / "data" / "voice3",
}
"""The committed voice sets: ``voice`` (tune and held-out voices), ``voice2`` (all held
out, made differently, never tuned on) and ``voice3`` (accents neither uses, all to tune on)."""
RESULTS = ROOT / "benchmarks" / "results"
OUTCOMES = ("right", "right, read back", "not understood", "wrong, read back", "wrong, taken")
ANSWER_KINDS = ("confirm", "choice", "checklist")
"""Clips whose step has an answer to take: the accuracy the aims are about."""
LEVELS = ("clean", "20 dB", "10 dB")


@dataclass(frozen=True)
class Clip:
    """One voice note of the set, with what it should come to."""

    file: str
    text: str
    kind: str
    step: str
    voice: str
    synthesiser: str
    split: str
    speed: str
    noise: str
    answer: str | None
    topics: tuple[str, ...]
    channel: str = "direct"
    """How the phone took the note: ``direct``, ``phone`` (300 to 3,400 Hz) or ``clipped``."""

    @property
    def level(self) -> str:
        """The noise level without its colour: clean, 20 dB or 10 dB."""
        return " ".join(self.noise.split()[:2]) if self.noise != "clean" else "clean"


@dataclass(frozen=True)
class Result:
    """What one recogniser made of one clip."""

    clip: Clip
    recogniser: str
    transcript: str
    outcome: str | None
    top3: bool | None
    rtf: float
    cpu_rtf: float
    handed_on: bool = False
    """No answer taken, but the transcript handed to the engine as said: at a question with
    set answers, only a reading the danger check acts on is (``Listener._meaning``)."""


@functools.cache
def _parsed(path: Path, stamp: tuple[int, int]) -> dict[str, Any]:
    return dict(read_yaml(path.read_text(encoding="utf-8")))


def read_manifest(folder: Path) -> dict[str, Any]:
    """A set's manifest, parsed once while the file is unchanged (a second or two a set)."""
    path = folder / "manifest.yaml"
    stat = path.stat()
    return _parsed(path, (stat.st_mtime_ns, stat.st_size))


def load_clips(folder: Path = VOICE_SET) -> list[Clip]:
    """The manifest's clips, each with its voice's synthesiser and split."""
    manifest = read_manifest(folder)
    voices = manifest["voices"]
    return [
        Clip(
            file=raw["file"],
            text=raw["text"],
            kind=raw["kind"],
            step=raw["step"],
            voice=raw["voice"],
            synthesiser=voices[raw["voice"]]["synthesiser"],
            split=voices[raw["voice"]]["split"],
            speed=raw["speed"],
            noise=raw["noise"],
            answer=raw.get("answer"),
            topics=tuple(raw.get("topics", ())),
            channel=raw.get("channel", "direct"),
        )
        for raw in manifest["clips"]
    ]


def disagreements(folder: Path) -> list[str]:
    """Where a set's manifest and its files part ways: each a sentence saying what to do.

    A clip listed but missing (or not an OGG file) would stop a half-hour run midway, and a
    clip on disk but not listed would never be heard: both are found before anything runs.
    """
    manifest_path = folder / "manifest.yaml"
    if not manifest_path.is_file():
        return [f"{manifest_path} is missing: make the set again with its script."]
    manifest = read_manifest(folder)
    voices = manifest["voices"]
    listed = [raw["file"] for raw in manifest["clips"]]
    problems = [
        f"{name} is listed twice in {manifest_path}."
        for name, count in collections.Counter(listed).items()
        if count > 1
    ]
    for raw in manifest["clips"]:
        path = folder / raw["file"]
        if not path.is_file():
            problems.append(f"{raw['file']} is listed in {manifest_path} but not in {folder}.")
        elif path.read_bytes()[:4] != b"OggS":
            problems.append(f"{raw['file']} is not an OGG voice note: make the set again.")
        if raw["voice"] not in voices:
            problems.append(f"{raw['file']}: voice {raw['voice']!r} is not among the voices.")
    problems += [
        f"{path.name} is in {folder} but not in its manifest: delete it or make the set again."
        for path in sorted(folder.glob("*.ogg"))
        if path.name not in set(listed)
    ]
    return problems


def expected_for(engine: Engine, step: str) -> Expected:
    """What the conversation expects at the clip's point: a flow's step, the menu, confirm."""
    if step == "menu":
        return menu_expected(engine)
    if step == "confirm":
        return CONFIRM
    flow, _, step_id = step.partition(":")
    return step_expected(engine, flow, step_id)


def outcome(clip: Clip, heard: Heard) -> str:
    """What became of the answer (out of domain: anything taken or read back is wrong)."""
    got = heard.answer
    if got is None:
        return "not understood"
    if clip.answer is not None and got == clip.answer:
        return "right" if heard.sure else "right, read back"
    return "wrong, taken" if heard.sure else "wrong, read back"


def reference(text: str) -> str:
    """The words said, as a recogniser writes them (digits in words)."""
    return " ".join(spoken_words(said(text)))


def recognisers(
    engine: Engine, adaptation: Path | None = None
) -> dict[str, Callable[[], PocketsphinxRecogniser]]:
    """The recognisers compared, built only when asked for (each takes seconds)."""
    return {
        "general": lambda: PocketsphinxRecogniser(domain_corpus(engine), adaptation=adaptation),
        "step-biased": lambda: PocketsphinxRecogniser(
            domain_corpus(engine), step_corpus(engine), adaptation
        ),
    }


class Replaying:
    """A recogniser that replays the readings a real one made of each clip before.

    Tuning what is made of the readings (the matching, the read-back rules) needs no new
    decoding: with ``--readings FILE`` each clip's readings at its question are kept in that
    file (synthetic speech only, never an officer's) and a clip already there is not decoded
    again. Any change to the recogniser itself (its settings, its models) needs a fresh file.
    """

    def __init__(self, name: str, build: Callable[[], PocketsphinxRecogniser], kept: dict) -> None:
        self.name = name
        self._build = build
        self._real: PocketsphinxRecogniser | None = None
        self._kept = kept
        self.clip = ""

    def transcribe(self, pcm: Pcm, hints: Sequence[str] = ()) -> Transcript:
        key = f"{self.name}|{self.clip}|{'/'.join(sorted(set(hints)))}"
        if key not in self._kept:
            if self._real is None:
                self._real = self._build()
            self._kept[key] = dataclasses.asdict(self._real.transcribe(pcm, hints))
        kept = self._kept[key]
        return Transcript(**{k: tuple(v) if isinstance(v, list) else v for k, v in kept.items()})


def run(
    engine: Engine,
    clips: list[Clip],
    names: Iterable[str],
    quiet: bool,
    readings: Path | None = None,
    folder: Path = VOICE_SET,
    adaptation: Path | None = None,
) -> list[Result]:
    """Hear every clip with every recogniser named (replaying ``readings`` where kept)."""
    audio = {clip.file: decode((folder / clip.file).read_bytes()) for clip in clips}
    kept: dict[str, Any] = {}
    if readings is not None and readings.exists():
        kept = json.loads(readings.read_text(encoding="utf-8"))
    results = []
    for name in names:
        started = time.perf_counter()
        build = recognisers(engine, adaptation)[name]
        recogniser: Any = Replaying(name, build, kept) if readings is not None else build()
        listener = Listener(engine, recogniser=recogniser)
        if not quiet:
            print(f"{name}: built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        for clip in clips:
            if readings is not None:
                recogniser.clip = clip.file
            cpu = time.process_time()
            heard = listener.hear_pcm(audio[clip.file], expected_for(engine, clip.step))
            cpu = time.process_time() - cpu
            top3 = None
            if clip.kind == "question":
                matches = engine.knowledge.search(heard.text or "", limit=3).matches[:3]
                top3 = any(set(clip.topics) & set(m.entry.topics) for m in matches)
            results.append(
                Result(
                    clip=clip,
                    recogniser=name,
                    transcript=heard.transcript,
                    outcome=outcome(clip, heard)
                    if clip.kind in (*ANSWER_KINDS, "out-of-domain")
                    else None,
                    top3=top3,
                    rtf=heard.rtf,
                    cpu_rtf=cpu / heard.seconds,
                    handed_on=heard.answer is None and heard.text is not None,
                )
            )
    if readings is not None:
        readings.write_text(json.dumps(kept), encoding="utf-8")
    return results


def summary(results: list[Result]) -> dict[str, Any]:
    """Word error rate, real-time factor, answer outcomes, top-3 and out-of-domain figures."""
    if not results:
        return {"clips": 0}
    answered = [r for r in results if r.clip.kind in ANSWER_KINDS]
    outcomes = collections.Counter(r.outcome for r in answered)
    questions = [r for r in results if r.top3 is not None]
    ood = collections.Counter(r.outcome for r in results if r.clip.kind == "out-of-domain")
    rtfs = sorted(r.rtf for r in results)
    out: dict[str, Any] = {
        "clips": len(results),
        "wer": round(
            jiwer.wer(
                [reference(r.clip.text) for r in results],
                [r.transcript or "<none>" for r in results],
            ),
            3,
        ),
        "rtf_median": round(statistics.median(rtfs), 3),
        "rtf_p90": round(rtfs[int(0.9 * (len(rtfs) - 1))], 3),
        "cpu_rtf_median": round(statistics.median(r.cpu_rtf for r in results), 3),
    }
    if answered:
        out["answers"] = len(answered)
        out.update({o: round(outcomes[o] / len(answered), 3) for o in OUTCOMES})
        out["right in the end"] = round(
            (outcomes["right"] + outcomes["right, read back"]) / len(answered), 3
        )
    if questions:
        out["questions"] = len(questions)
        out["top3"] = round(sum(bool(r.top3) for r in questions) / len(questions), 3)
    if ood:
        total = sum(ood.values())
        out["out of domain"] = total
        out["ood rejected"] = round(ood["not understood"] / total, 3)
        out["ood taken"] = round(ood["wrong, taken"] / total, 3)
        # Counted as not understood (no answer taken), yet handed to the engine as danger.
        out["ood handed on"] = sum(r.handed_on for r in results if r.clip.kind == "out-of-domain")
    return out


def grouped(results: list[Result]) -> dict[str, dict[str, Any]]:
    """The summary for every recogniser by split, synthesiser, voice, noise level and kind."""
    keys: dict[str, Callable[[Result], str]] = {
        "split": lambda r: r.clip.split,
        "split, noise": lambda r: f"{r.clip.split}, {r.clip.level}",
        "synthesiser, noise": lambda r: f"{r.clip.synthesiser}, {r.clip.level}",
        "voice": lambda r: r.clip.voice,
        "speed": lambda r: r.clip.speed,
        "kind": lambda r: r.clip.kind,
        "noise, channel": lambda r: f"{r.clip.noise}, {r.clip.channel}",
        "channel": lambda r: r.clip.channel,
    }
    out: dict[str, dict[str, Any]] = {}
    for name in dict.fromkeys(r.recogniser for r in results):
        mine = [r for r in results if r.recogniser == name]
        by: dict[str, Any] = {"all": summary(mine)}
        for label, key in keys.items():
            groups: dict[str, list[Result]] = collections.defaultdict(list)
            for r in mine:
                groups[key(r)].append(r)
            by[label] = {group: summary(items) for group, items in sorted(groups.items())}
        out[name] = by
    return out


def typed_top3(engine: Engine, clips: list[Clip]) -> float | None:
    """Top-3 of the knowledge questions as typed: the ceiling a perfect transcript reaches."""
    texts = {c.text: c.topics for c in clips if c.kind == "question"}
    if not texts:
        return None
    hits = 0
    for text, topics in texts.items():
        matches = engine.knowledge.search(text, limit=3).matches[:3]
        hits += any(set(topics) & set(m.entry.topics) for m in matches)
    return round(hits / len(texts), 3)


def squeezed_rejected(clips: list[Clip], folder: Path = VOICE_SET) -> dict[str, float]:
    """Out-of-domain notes as if a recogniser had heard each as a short yes, no or not sure.

    Whatever the recogniser makes of them, the syllables in the sound must fit the reading: the
    share of (note, phrase) pairs rejected for that alone, by the phrase's syllables. It shows
    the rejection does not rest on the recogniser's luck in reading a sentence as a sentence.
    """
    phrases = {p for answer in (YES, NO, UNSURE) for p in answer.phrases}
    beats = [
        syllables_heard(decode((folder / c.file).read_bytes()))
        for c in clips
        if c.kind == "out-of-domain"
    ]
    out = {}
    for size in (1, 2, 3):
        pairs = [(b, p) for b in beats for p in phrases if syllables(p) == size]
        if pairs:
            rejected = sum(not explains(p, b) for b, p in pairs)
            out[f"{size} syllable{'s' if size > 1 else ''}"] = round(rejected / len(pairs), 3)
    return out


def _pct(value: Any) -> str:
    return f"{100 * value:5.1f}%" if isinstance(value, float | int) else "    - "


def print_table(figures: dict[str, dict[str, Any]]) -> None:
    """Answers at their step by split and noise, then by synthesiser, then the rest."""
    columns = ("right", "right, read back", "not understood", "wrong, read back", "wrong, taken")
    head = "  ".join(f"{c[:14]:>14}" for c in columns)
    for name, by in figures.items():
        everything = by["all"]
        print(
            f"\n{name}: {everything['clips']} clips, WER {everything['wer']:.2f}, real-time "
            f"factor median {everything['rtf_median']:.2f} (p90 {everything['rtf_p90']:.2f}; "
            f"CPU time alone {everything['cpu_rtf_median']:.2f})"
        )
        labels = ["split, noise", "synthesiser, noise", "speed"]
        if len(by["channel"]) > 1:
            labels.append("channel")
        for label in labels:
            print(f"\n  answers at their step, by {label}")
            print(f"  {'':26} {'n':>4} {'WER':>5}  {head}  {'top-3':>6} {'OOD ok':>6}")
            for group, s in by[label].items():
                shares = "  ".join(f"{_pct(s.get(c)):>14}" for c in columns)
                print(
                    f"  {group:26} {s.get('answers', 0):>4} {s['wer']:5.2f}  {shares}  "
                    f"{_pct(s.get('top3')):>6} {_pct(s.get('ood rejected')):>6}"
                )
        print("\n  by kind")
        for group, s in by["kind"].items():
            extra = ""
            if "answers" in s:
                extra = f"right {_pct(s['right'])}, in the end {_pct(s['right in the end'])}"
            if "top3" in s:
                extra = f"top-3 {_pct(s['top3'])}"
            if "ood rejected" in s:
                extra = (
                    f"rejected {_pct(s['ood rejected'])}, taken {_pct(s['ood taken'])}; "
                    f"{s['ood handed on']} handed to the engine as said (danger heard)"
                )
            print(f"  {group:14} n={s['clips']:<4} WER {s['wer']:.2f}  {extra}")


def synthesis_ms(engine: Engine) -> dict[str, float]:
    """Median time to read a reply aloud as a voice note: a question, and a long red flag."""
    from bot.engine import Reply
    from bot.voice._speak import EspeakSpeaker, voice_note

    speaker = EspeakSpeaker()
    flag = engine.flows["initial-contact"].spec.red_flags["child-in-danger"].prompt
    replies = {
        "question": [
            Reply("Is the child in danger right now, or would stepping in put them at risk?")
        ],
        "red flag": [Reply(flag, role="red_flag")],
    }
    out = {}
    for name, reply in replies.items():
        times = []
        for _ in range(5):
            started = time.perf_counter()
            voice_note(speaker, reply)
            times.append(time.perf_counter() - started)
        out[f"{name} ({len(reply[0].text)} characters)"] = round(1000 * statistics.median(times))
    return out


def main(argv: list[str] | None = None) -> int:
    """Hear the voice set, print the table, save the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--set",
        dest="voice_set",
        choices=tuple(SETS),
        default="voice",
        help="which committed voice set to hear (default voice; voice2 is held out whole, "
        "voice3 is all to tune on)",
    )
    parser.add_argument("--split", choices=("tune", "held-out"), help="only these voices")
    parser.add_argument(
        "--recogniser",
        action="append",
        choices=("general", "step-biased"),
        help="only this recogniser (repeatable; default both)",
    )
    parser.add_argument(
        "--output", type=Path, help="where to save the JSON (default benchmarks/results/SET.json)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument(
        "--readings",
        type=Path,
        help="keep each clip's readings in this file and replay them (real-time factor then "
        "measures the matching alone)",
    )
    parser.add_argument(
        "--adaptation",
        type=Path,
        help="an MLLR transform of the acoustic model to hear with (scripts/adapt_acoustic.py; "
        "default none: the wheel's model as it is)",
    )
    args = parser.parse_args(argv)
    folder = SETS[args.voice_set]
    output: Path = args.output or RESULTS / f"{args.voice_set}.json"
    problems = disagreements(folder)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    clips = [c for c in load_clips(folder) if args.split is None or c.split == args.split]
    if not clips:
        print(f"{args.voice_set} has no {args.split} voices: leave out --split.", file=sys.stderr)
        return 1
    engine = load_engine(Settings(data_dir=Path(tempfile.mkdtemp()), cache=False))[2]
    names = args.recogniser or ["general", "step-biased"]
    results = run(engine, clips, names, args.quiet, args.readings, folder, args.adaptation)
    figures = grouped(results)
    print_table(figures)
    typed = typed_top3(engine, clips)
    print(f"\nknowledge questions typed (a perfect transcript): top-3 {_pct(typed)}")
    squeezed = squeezed_rejected(clips, folder)
    print(
        "out-of-domain notes taken as a short yes / no / not sure, rejected by their syllables:",
        ", ".join(f"{k} {_pct(v).strip()}" for k, v in squeezed.items()),
    )
    speech_out = synthesis_ms(engine)
    print("reading a reply aloud (espeak-ng to OGG/Opus), median ms:", speech_out)
    wrongly_taken = [
        f"{r.recogniser} {r.clip.file} at {r.clip.step}: heard {r.transcript!r}"
        for r in results
        if r.outcome == "wrong, taken"
    ]
    print(f"\nwrong and taken ({len(wrongly_taken)}):")
    for line in wrongly_taken:
        print("  " + line)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps(
            {
                "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "machine": platform.machine(),
                "python": platform.python_version(),
                "set": args.voice_set,
                "split": args.split or "all",
                "typed top3": typed,
                "out of domain squeezed, rejected": squeezed,
                "speech out ms": speech_out,
                "recognisers": figures,
                "wrong and taken": wrongly_taken,
                "clips": [
                    {
                        "file": r.clip.file,
                        "recogniser": r.recogniser,
                        "heard": r.transcript,
                        "outcome": r.outcome,
                        "top3": r.top3,
                    }
                    for r in results
                ],
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nsaved {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
