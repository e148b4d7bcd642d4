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
from rapidfuzz.distance import Levenshtein

from bot.app import Settings, load_engine
from bot.engine import Reply
from bot.engine._schema import ChoiceStep
from bot.voice._audio import decode, encode_ogg
from bot.voice._domain import Expected, domain_corpus, step_corpus, step_expected
from bot.voice._listen import Heard, Listener
from bot.voice._recognise import PocketsphinxRecogniser
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


def outcome(answer: str | None, heard: Heard) -> str:
    """How a note went: right, read back (right or wrong), rejected, or wrong and taken."""
    got = heard.answer if heard.understood else None
    if answer is None:
        return "rejected" if got is None else ("wrong, read back" if not heard.sure else "wrong")
    if got is None:
        return "rejected"
    if got == answer:
        return "right" if heard.sure else "right, read back"
    return "wrong, read back" if not heard.sure else "wrong"


OUTCOMES = ("right", "right, read back", "rejected", "wrong, read back", "wrong")


def main() -> None:
    """Build the recognisers once, then hear every case in every voice and noise level."""
    engine = load_engine(Settings(data_dir=Path(tempfile.mkdtemp()), cache=False))[2]
    listeners = {}
    for name, recogniser in (
        ("default model", lambda: PocketsphinxRecogniser()),
        ("domain model", lambda: PocketsphinxRecogniser(domain_corpus(engine))),
        ("step-biased", lambda: PocketsphinxRecogniser(domain_corpus(engine), step_corpus(engine))),
    ):
        started = time.perf_counter()
        listeners[name] = Listener(engine, recogniser=recogniser())
        print(f"{name}: built in {time.perf_counter() - started:.1f} s")
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
    tally: dict[tuple[str, ...], collections.Counter[str]] = collections.defaultdict(
        collections.Counter
    )
    errors: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    rtfs: dict[str, list[float]] = collections.defaultdict(list)
    taken_wrong: list[str] = []
    for voice in VOICES:
        speaker = EspeakSpeaker(voice=voice, words_per_minute=160, seed=11)
        for snr in NOISE_DB:
            level = "clean" if snr is None else f"{snr:g} dB"
            for index, (kind, said, expected, answer) in enumerate(cases):
                samples, rate = speaker.synthesise(said)
                pcm = decode(encode_ogg(noisy(samples, snr, index), rate))
                for name, listener in listeners.items():
                    heard = listener.hear_pcm(pcm, expected)
                    rtfs[name].append(heard.rtf)
                    said_words = said.lower().split()
                    errors[name][0] += Levenshtein.distance(said_words, heard.transcript.split())
                    errors[name][1] += len(said_words)
                    result = outcome(answer, heard)
                    for key in ((kind, level, name), (kind, "all", name)):
                        tally[key][result] += 1
                    if name == "step-biased":
                        tally[(kind, voice, "by voice")][result] += 1
                        if result == "wrong":
                            taken_wrong.append(
                                f"{voice} {level} {expected.where}: {said!r} heard "
                                f"{heard.transcript!r} -> {heard.answer}"
                            )
            print(f"{voice} {level} done", file=sys.stderr)
    header = f"{'step type':14} {'noise/voice':15} {'recogniser':14} n    "
    print("\n" + header + "   ".join(f"{o:>8}" for o in OUTCOMES))
    for (kind, level, name), counts in sorted(tally.items()):
        n = sum(counts.values())
        shares = "   ".join(f"{100 * counts[o] / n:7.1f}%" for o in OUTCOMES)
        print(f"{kind:14} {level:15} {name:14} {n:<4} {shares}")
    print()
    for name in listeners:
        ood = tally[("out-of-domain", "all", name)]
        n = sum(ood.values())
        wrong, total = errors[name]
        print(
            f"{name}: word error rate {wrong / total:.2f}; out of domain rejected "
            f"{100 * ood['rejected'] / n:.1f}%, read back {100 * ood['wrong, read back'] / n:.1f}%,"
            f" taken as an answer {100 * ood['wrong'] / n:.1f}%; real-time factor median "
            f"{statistics.median(rtfs[name]):.2f}, 90th percentile "
            f"{sorted(rtfs[name])[int(0.9 * len(rtfs[name]))]:.2f}"
        )
    print("\ntaken wrongly (step-biased):")
    for line in taken_wrong:
        print("  " + line)
    speaker = EspeakSpeaker()
    flag = engine.flows["initial-contact"].spec.red_flags["child-in-danger"].prompt
    replies = [
        [Reply("Is the child in danger right now, or would stepping in put them at risk?")],
        [Reply(flag, role="red_flag")],
    ]
    for reply in replies:
        times = []
        for _ in range(5):
            started = time.perf_counter()
            voice_note(speaker, reply)
            times.append(time.perf_counter() - started)
        print(
            f"synthesis of a {len(reply[0].text)}-character reply to OGG/Opus: median "
            f"{1000 * statistics.median(times):.0f} ms"
        )


if __name__ == "__main__":
    main()
