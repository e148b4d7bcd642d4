"""The second voice set (benchmarks/data/voice2/) and the benchmark's ``--set`` option.

The set is held out whole: nobody runs the recogniser on it here. These tests only check that
what the manifest says agrees with the files and with the flows, so the lead's one measure
of it cannot be spoiled by a missing clip, a label naming no real answer, or a voice the first
set already used. The benchmark is loaded in this process, as its command line would load it.
"""

from __future__ import annotations

import collections
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bot.language import read_yaml

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / "bench_voice.py"
SCRIPT = ROOT / "scripts" / "make_voice_set2.py"
FIRST = ROOT / "benchmarks" / "data" / "voice"
SECOND = ROOT / "benchmarks" / "data" / "voice2"
CONFIRM_ANSWERS = {"yes", "no", "unsure"}
CHECKLIST_ENDS = {"finished", "nothing"}
"""A checklist's Done and None of these, as the first set labels them."""


@pytest.fixture(scope="module")
def bench() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location("bench_voice", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look it up by name
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def voices_of(folder: Path) -> dict[str, Any]:
    """A manifest's voices, read from its head alone: the clips take seconds to parse."""
    head = (folder / "manifest.yaml").read_text(encoding="utf-8").split("\nclips:\n")[0]
    return dict(read_yaml(head)["voices"])


def answers_by_step() -> dict[str, tuple[str, set[str]]]:
    """Every flow step as ``flow:step``: its kind and the answers it can take."""
    out = {}
    for path in sorted((ROOT / "conversations").glob("*.yaml")):
        flow = read_yaml(path.read_text(encoding="utf-8"))
        for step_id, step in flow["steps"].items():
            ids = {x["id"] for key in ("options", "items", "bands") for x in step.get(key) or ()}
            if step["kind"] == "confirm":
                ids = CONFIRM_ANSWERS
            if step["kind"] == "checklist":
                ids |= CHECKLIST_ENDS
            out[f"{flow['id']}:{step_id}"] = (step["kind"], ids)
    return out


def test_every_clip_of_the_second_set_is_on_disk_and_every_file_is_listed(
    bench: ModuleType,
) -> None:
    assert bench.disagreements(SECOND) == []
    clips = bench.load_clips(SECOND)
    assert len(clips) == len(list(SECOND.glob("*.ogg")))
    assert {c.channel for c in clips} == {"direct", "phone", "clipped"}
    assert {c.level for c in clips} == {"clean", "20 dB", "10 dB"}


def test_a_missing_clip_a_stray_clip_and_a_broken_clip_are_each_named(
    bench: ModuleType, tmp_path: Path
) -> None:
    # Clips as the first set lists them (no channel): one on disk, one gone, one broken, and
    # the first listed again by a voice the manifest does not declare.
    names = [("000-v.ogg", "v"), ("001-v.ogg", "v"), ("002-v.ogg", "v"), ("000-v.ogg", "w")]
    clip = '"text": "yes", "kind": "confirm", "step": "confirm", "speed": "slow", "noise": "clean"'
    (tmp_path / "manifest.yaml").write_text(
        'voices:\n  v: {"synthesiser": "s", "model": "m", "split": "tune"}\nclips:\n'
        + "".join(f'  - {{"file": "{name}", "voice": "{v}", {clip}}}\n' for name, v in names),
        encoding="utf-8",
    )
    note = next(SECOND.glob("*.ogg")).read_bytes()
    (tmp_path / "000-v.ogg").write_bytes(note)
    (tmp_path / "002-v.ogg").write_bytes(b"RIFF not a voice note")
    (tmp_path / "999-stray.ogg").write_bytes(note)
    assert bench.disagreements(tmp_path) == [
        f"000-v.ogg is listed twice in {tmp_path / 'manifest.yaml'}.",
        f"001-v.ogg is listed in {tmp_path / 'manifest.yaml'} but not in {tmp_path}.",
        "002-v.ogg is not an OGG voice note: make the set again.",
        "000-v.ogg: voice 'w' is not among the voices.",
        f"999-stray.ogg is in {tmp_path} but not in its manifest: delete it or make the set again.",
    ]


def test_a_clip_without_a_channel_as_in_the_first_set_reads_as_direct(
    bench: ModuleType, tmp_path: Path
) -> None:
    (tmp_path / "manifest.yaml").write_text(
        'voices:\n  v: {"synthesiser": "s", "model": "m", "split": "tune"}\nclips:\n'
        '  - {"file": "000-v.ogg", "text": "yes", "kind": "confirm", "step": "confirm", '
        '"voice": "v", "speed": "slow", "noise": "20 dB pink"}\n'
        '  - {"file": "001-v.ogg", "text": "no", "kind": "confirm", "step": "confirm", '
        '"voice": "v", "speed": "slow", "noise": "10 dB wind", "channel": "phone"}\n',
        encoding="utf-8",
    )
    clips = bench.load_clips(tmp_path)
    assert [(c.channel, c.level) for c in clips] == [("direct", "20 dB"), ("phone", "10 dB")]


def test_every_label_names_a_real_step_answer_or_topic(bench: ModuleType) -> None:
    steps = answers_by_step()
    topics = set(read_yaml((ROOT / "knowledge" / "taxonomy.yaml").read_text("utf-8"))["topics"])
    for clip in bench.load_clips(SECOND):
        if clip.kind == "question":
            assert clip.step == "menu" and clip.answer is None, clip.file
            assert clip.topics and set(clip.topics) <= topics, clip.file
            continue
        assert not clip.topics, clip.file
        kind, answers = steps.get(clip.step, ("confirm", CONFIRM_ANSWERS))
        assert clip.step in steps or clip.step == "confirm", clip.file
        if clip.kind == "out-of-domain":
            # a question with set answers, so taking the line as one of them would be wrong
            assert clip.answer is None and kind in ("confirm", "choice"), clip.file
        elif clip.kind == "free":
            assert kind in ("text", "number", "duration"), clip.file
            assert clip.answer is None or clip.answer in answers, clip.file
        else:
            assert kind == clip.kind and clip.answer in answers, clip.file


def test_the_second_set_is_held_out_whole_and_shares_no_voice_with_the_first(
    bench: ModuleType,
) -> None:
    voices, first = voices_of(SECOND), voices_of(FIRST)
    assert {v["split"] for v in voices.values()} == {"held-out"}
    assert len(voices) >= 5 and len({v["synthesiser"] for v in voices.values()}) >= 3
    assert not set(voices) & set(first)
    assert not {v["model"] for v in voices.values()} & {v["model"] for v in first.values()}
    said_by = collections.defaultdict(set)
    for clip in bench.load_clips(SECOND):
        said_by[clip.text, clip.step].add(clip.voice)
    assert all(who == set(voices) for who in said_by.values())
    assert sum(path.stat().st_size for path in SECOND.iterdir()) < 8_000_000


def test_the_benchmark_reads_the_second_set_when_asked_and_the_first_by_default(
    bench: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A set whose files disagree stops the run before the engine is built, and names the
    # clip: so which folder was read shows in the message.
    for name, gone in (("voice", "111-first.ogg"), ("voice2", "222-second.ogg")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "manifest.yaml").write_text(
            f'voices: {{}}\nclips:\n  - {{"file": "{gone}", "voice": "v"}}\n', encoding="utf-8"
        )
        monkeypatch.setitem(bench.SETS, name, folder)
    assert bench.main(["--set", "voice2", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"222-second.ogg is listed in {tmp_path / 'voice2' / 'manifest.yaml'}")
    assert bench.main(["--quiet"]) == 1
    assert capsys.readouterr().err.startswith("111-first.ogg is listed")


def test_the_second_set_has_no_voices_to_tune_on(
    bench: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench.main(["--set", "voice2", "--split", "tune", "--quiet"]) == 1
    assert capsys.readouterr().err == "voice2 has no tune voices: leave out --split.\n"


def test_an_unknown_set_is_refused(bench: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        bench.main(["--set", "voice9"])
    assert done.value.code == 2
    assert "invalid choice: 'voice9'" in capsys.readouterr().err


@pytest.fixture
def maker(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_voice_set2", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclasses look it up by name
    spec.loader.exec_module(module)
    return module


def test_the_maker_s_help_names_the_committed_set_and_touches_nothing(
    maker: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted((p.name, p.stat().st_mtime_ns) for p in SECOND.iterdir())
    with pytest.raises(SystemExit) as done:
        maker.main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: make_voice_set2.py [-h] [--output FOLDER]")
    assert "benchmarks/data/voice2" in out
    assert sorted((p.name, p.stat().st_mtime_ns) for p in SECOND.iterdir()) == before


def test_the_maker_names_a_missing_synthesiser_before_the_output_is_touched(
    maker: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no festival, flite, sox or espeak to be found
    out = tmp_path / "set"
    with pytest.raises(SystemExit) as done:
        maker.main(["--output", str(out)])
    assert done.value.code == (
        "text2wave is missing: apt-get install -y festival festvox-kdlpc16k flite sox "
        "espeak-ng espeak"
    )
    assert not out.exists()
