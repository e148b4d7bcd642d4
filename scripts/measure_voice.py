"""Measure voice recognition on espeak-ng speech: per step type, out of domain, speed, synthesis.

Offline and repeatable: every note is synthesised here with espeak-ng (several voices), noise
added at a set signal-to-noise ratio, encoded as Telegram sends it (OGG/Opus 48 kHz) and
decoded again. Prints a table; run from the repository root:

    python scripts/measure_voice.py
"""

from __future__ import annotations

import collections
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bot.app import Settings, load_engine
from bot.engine import Reply
from bot.engine._schema import ChoiceStep
from bot.voice._audio import encode_ogg
from bot.voice._domain import Expected, step_expected
from bot.voice._listen import ACCEPT, CONFIRM, Listener, best_match
from bot.voice._speak import EspeakSpeaker, voice_note

VOICES = ("en+f2", "en-us", "en-gb-x-rp", "en-gb-scotland")
NOISE_DB = (None, 10.0)
CONFIRM_SAID = {"yes": "yes", "no": "no", "not sure": "unsure", "yeah": "yes", "nope": "no"}
OUT_OF_DOMAIN = (
    "my favourite football team is arsenal",
    "could you order me a large pizza with extra cheese",
    "the train to manchester leaves at noon",
    "blorp fizzle wug",
    "what is the weather like tomorrow",
    "turn the radio up please",
)


def noisy(samples: np.ndarray, snr_db: float | None, seed: int) -> np.ndarray:
    """White noise at ``snr_db`` below the speech (None: clean), as a street would add."""
    if snr_db is None:
        return samples
    power = float(np.mean(samples.astype(np.float64) ** 2))
    noise = np.random.default_rng(seed).normal(
        0, np.sqrt(power / 10 ** (snr_db / 10)), len(samples)
    )
    return np.clip(samples + noise, -32768, 32767).astype(np.int16)


def main() -> None:
    """Build the recogniser once, then hear every case in every voice and noise level."""
    engine = load_engine(Settings(data_dir=Path(tempfile.mkdtemp()), cache=False))[2]
    started = time.perf_counter()
    listener = Listener(engine)
    print(f"recogniser built in {time.perf_counter() - started:.1f} s")
    cases: list[tuple[str, str, Expected, str | None]] = []  # kind, said, expected, answer
    danger = step_expected(engine, "initial-contact", "danger")
    for said, answer in CONFIRM_SAID.items():
        cases.append(("confirm", said, danger, answer))
    for flow in engine.flows:
        for step_id, step in flow.spec.steps.items():
            if isinstance(step, ChoiceStep):
                expected = step_expected(engine, flow.id, step_id)
                for option in step.options:
                    cases.append(("choice", option.label, expected, option.id))
    context = step_expected(engine, "initial-contact", "context")
    for said in OUT_OF_DOMAIN:
        cases.append(("out-of-domain", said, danger, None))
        cases.append(("out-of-domain", said, context, None))
    tally: dict[tuple[str, str, str], collections.Counter[str]] = collections.defaultdict(
        collections.Counter
    )
    rtfs: list[float] = []
    for voice in VOICES:
        speaker = EspeakSpeaker(voice=voice, words_per_minute=160)
        for snr in NOISE_DB:
            level = "clean" if snr is None else f"{snr:g} dB"
            for index, (kind, said, expected, answer) in enumerate(cases):
                samples, rate = speaker.synthesise(said)
                note = encode_ogg(noisy(samples, snr, index), rate)
                heard = listener.hear(note, expected)
                rtfs.append(heard.rtf)
                general = best_match([heard.transcript], expected)
                general_answer = (
                    general[0].id
                    if general and general[1] >= CONFIRM and heard.transcript
                    else None
                )
                for mode, got, sure in (
                    ("step-biased", heard.answer if heard.understood else None, heard.sure),
                    ("1-best only", general_answer, bool(general and general[1] >= ACCEPT)),
                ):
                    if answer is None:
                        outcome = (
                            "rejected" if got is None else ("read back" if not sure else "wrong")
                        )
                    elif got is None:
                        outcome = "rejected"
                    elif got == answer:
                        outcome = "right" if sure else "right, read back"
                    else:
                        outcome = "wrong, read back" if not sure else "wrong"
                    tally[(kind, level, mode)][outcome] += 1
                    tally[(kind, "all", mode)][outcome] += 1
            print(f"{voice} {level} done", file=sys.stderr)
    print(
        f"\n{'step type':14} {'noise':7} {'mode':12} n    right  right-rb rejected wrong-rb wrong"
    )
    for (kind, level, mode), counts in sorted(tally.items()):
        n = sum(counts.values())
        share = [
            f"{100 * counts[o] / n:5.1f}%"
            for o in ("right", "right, read back", "rejected", "wrong, read back", "wrong")
        ]
        print(f"{kind:14} {level:7} {mode:12} {n:<4} " + "  ".join(share))
    ood = tally[("out-of-domain", "all", "step-biased")]
    print(
        f"\nout-of-domain rejected {100 * ood['rejected'] / sum(ood.values()):.1f}%, "
        f"read back {100 * ood['read back'] / sum(ood.values()):.1f}%, "
        f"taken as an answer {100 * ood['wrong'] / sum(ood.values()):.1f}%"
    )
    print(
        f"real-time factor: median {statistics.median(rtfs):.2f}, "
        f"90th percentile {sorted(rtfs)[int(0.9 * len(rtfs))]:.2f}"
    )
    speaker = EspeakSpeaker()
    replies = [
        [Reply("Is the child in danger right now, or would stepping in put them at risk?")],
        [
            Reply(
                engine.flows["initial-contact"].spec.red_flags["child-in-danger"].prompt,
                role="red_flag",
            )
        ],
    ]
    for reply in replies:
        times = []
        for _ in range(5):
            t = time.perf_counter()
            voice_note(speaker, reply)
            times.append(time.perf_counter() - t)
        print(
            f"synthesis of a {len(reply[0].text)}-character reply: median "
            f"{1000 * statistics.median(times):.0f} ms"
        )


if __name__ == "__main__":
    main()
