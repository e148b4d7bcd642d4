"""The third voice set (benchmarks/data/voice3/): accents to tune on, agreeing with its files.

Tuning against answers taken wrong rests on the set's labels: a clip whose label names no real
answer, or a phrase the listener could not take even when heard perfectly, would count a right
hearing as wrong. These tests check the manifest against the files, the flows and the listener
(each phrase given as its own transcript), without decoding any audio.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from bot.engine import Engine
from bot.voice._listen import Listener
from bot.voice._recognise import Transcript
from tests.test_voice_set2 import answers_by_step, voices_of
from tests.voice_fakes import HeardAs

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / "bench_voice.py"
SCRIPT = ROOT / "scripts" / "make_voice_set3.py"
FIRST = ROOT / "benchmarks" / "data" / "voice"
THIRD = ROOT / "benchmarks" / "data" / "voice3"


@pytest.fixture(scope="module")
def bench() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location("bench_voice", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look it up by name
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def test_every_clip_of_the_third_set_is_on_disk_and_every_file_is_listed(
    bench: ModuleType,
) -> None:
    assert bench.disagreements(THIRD) == []
    assert len(bench.load_clips(THIRD)) >= 300


def test_the_third_set_is_all_to_tune_on_and_shares_no_voice_with_the_first(
    bench: ModuleType,
) -> None:
    voices, first = voices_of(THIRD), voices_of(FIRST)
    assert {v["split"] for v in voices.values()} == {"tune"}
    assert len(voices) >= 5 and len({v["synthesiser"] for v in voices.values()}) >= 2
    assert not set(voices) & set(first)
    assert not {v["model"] for v in voices.values()} & {v["model"] for v in first.values()}
    said_by: dict[tuple[str, str], set[str]] = {}
    for clip in bench.load_clips(THIRD):
        said_by.setdefault((clip.text, clip.step), set()).add(clip.voice)
    assert all(who == set(voices) for who in said_by.values())
    assert sum(path.stat().st_size for path in THIRD.iterdir()) < 4_000_000


def test_every_label_names_a_real_step_answer_or_topic(bench: ModuleType) -> None:
    steps = answers_by_step()
    for clip in bench.load_clips(THIRD):
        if clip.kind == "question":
            assert clip.step == "menu" and clip.answer is None and clip.topics, clip.file
            continue
        kind, answers = steps[clip.step]
        if clip.kind == "out-of-domain":
            assert clip.answer is None and kind in ("confirm", "choice"), clip.file
        elif clip.kind == "free":
            assert kind in ("text", "number", "duration"), clip.file
        else:
            assert kind == clip.kind and clip.answer in answers, clip.file


def test_every_answer_heard_perfectly_is_taken_and_no_out_of_domain_line_is(
    bench: ModuleType, engine: Engine
) -> None:
    """A phrase the listener cannot take from a perfect transcript would test the matcher,
    not the recogniser: each is taken, and no out-of-domain line is taken unasked."""
    heard = HeardAs("")
    listener = Listener(engine, recogniser=heard, denoise=False)
    seen: set[tuple[str, str]] = set()
    for clip in bench.load_clips(THIRD):
        if clip.kind not in ("confirm", "choice", "checklist", "out-of-domain"):
            continue
        if (clip.text, clip.step) in seen:
            continue
        seen.add((clip.text, clip.step))
        reading = bench.reference(clip.text)
        meant = listener._meaning(Transcript(reading, 0.9), bench.expected_for(engine, clip.step))
        if clip.answer is None:
            assert not meant[3], clip.text  # never taken unasked
        else:
            assert (meant[1], meant[3]) == (clip.answer, True), clip.text


@pytest.fixture
def maker(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_voice_set3", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclasses look it up by name
    spec.loader.exec_module(module)
    return module


def test_the_maker_s_help_names_the_committed_set_and_touches_nothing(
    maker: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted((p.name, p.stat().st_mtime_ns) for p in THIRD.iterdir())
    with pytest.raises(SystemExit) as done:
        maker.main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: make_voice_set3.py [-h] [--output FOLDER]")
    assert "benchmarks/data/voice3" in out
    assert sorted((p.name, p.stat().st_mtime_ns) for p in THIRD.iterdir()) == before


def test_the_maker_names_a_missing_tool_before_the_output_is_touched(
    maker: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng or sox to be found
    out = tmp_path / "set"
    with pytest.raises(SystemExit) as done:
        maker.main(["--output", str(out)])
    assert done.value.code == "espeak-ng is missing: apt-get install -y espeak-ng sox"
    assert not out.exists()
