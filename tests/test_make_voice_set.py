"""scripts/make_voice_set.py: asking it for help, or for another folder, never overwrites the
committed voice set the benchmark is measured on.

The script's ``main`` is called in this process, as its command line would call it: a
subprocess cost four to five seconds a test in imports alone."""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "make_voice_set.py"
COMMITTED = ROOT / "benchmarks" / "data" / "voice"


def committed_set_fingerprint() -> str:
    """One hash over every committed clip's name and bytes and the manifest."""
    digest = hashlib.sha256()
    for path in sorted(COMMITTED.iterdir()):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_script(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_voice_set", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclasses look it up by name
    spec.loader.exec_module(module)
    return module


def test_help_prints_usage_and_leaves_the_committed_set_alone(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = committed_set_fingerprint()
    with pytest.raises(SystemExit) as done:
        load_script(monkeypatch).main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: make_voice_set.py [-h] [--output FOLDER]")
    assert "benchmarks/data/voice" in out
    assert committed_set_fingerprint() == before


def test_an_unknown_option_is_refused_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = committed_set_fingerprint()
    with pytest.raises(SystemExit) as done:
        load_script(monkeypatch).main(["--ouput", str(tmp_path / "set")])
    assert done.value.code == 2
    assert "unrecognized arguments: --ouput" in capsys.readouterr().err
    assert not (tmp_path / "set").exists()
    assert committed_set_fingerprint() == before


def test_missing_synthesisers_are_named_before_the_output_is_touched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = load_script(monkeypatch)
    monkeypatch.setenv("PATH", str(tmp_path))  # no festival, flite or sox to be found
    out = tmp_path / "set"
    with pytest.raises(SystemExit) as done:
        script.main(["--output", str(out)])
    # sys.exit with a message: printed to stderr, exit status 1
    assert str(done.value.code).startswith("text2wave is missing: apt-get install -y festival")
    assert not out.exists()


@pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("text2wave", "flite", "sox")),
    reason="needs festival, flite and sox",
)
def test_output_writes_clips_and_manifest_there_and_only_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = committed_set_fingerprint()
    script = load_script(monkeypatch)
    every_clip = script.clips

    def two_flite_clips() -> Iterator[tuple[object, ...]]:
        chosen = (clip for clip in every_clip() if clip[2].synthesiser == "flite")
        yield next(chosen)
        yield next(chosen)

    monkeypatch.setattr(script, "clips", two_flite_clips)
    out = tmp_path / "set"
    script.main(["--output", str(out)])
    clips = sorted(path.name for path in out.glob("*.ogg"))
    assert clips == ["000-flite-kal16.ogg", "000-flite-rms.ogg"]
    assert all((out / name).read_bytes()[:4] == b"OggS" for name in clips)
    manifest = (out / "manifest.yaml").read_text(encoding="utf-8")
    assert manifest.count('- {"file": "000-flite-') == 2
    assert committed_set_fingerprint() == before
