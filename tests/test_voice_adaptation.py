"""Adapting the acoustic model (an MLLR transform) and the script that makes one.

None ships (benchmarks/README.md, bench_voice: it won no held-out voices over), but the
benchmark hears with one (``--adaptation``), so the recogniser must apply the file it is given,
refuse a missing one plainly, and the script must read the wheel's model as ``bw`` needs it.
Each recogniser here knows three phrases only, so it builds in well under a second.
"""

from __future__ import annotations

import importlib.util
import struct
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from bot.voice._audio import decode
from bot.voice._domain import Corpus
from bot.voice._recognise import PocketsphinxRecogniser, RecogniserError
from tests.test_voice import spoken

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "adapt_acoustic.py"
PHRASES = Corpus(["yes", "no", "not sure", "the child is safe"])


def transform(path: Path, scale: float, shift: float) -> Path:
    """A global MLLR transform in pocketsphinx's text form: every mean ``scale`` times + shift."""
    lines = ["1", "3"]
    for _stream in range(3):
        lines.append("13")
        lines.extend(" ".join(str(scale if i == j else 0.0) for j in range(13)) for i in range(13))
        lines.append(" ".join([str(shift)] * 13))
        lines.append(" ".join(["1.0"] * 13))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def heard(adaptation: Path | None, text: str) -> str:
    recogniser = PocketsphinxRecogniser(PHRASES, adaptation=adaptation)
    return recogniser.transcribe(decode(spoken(text))).text


def test_an_identity_adaptation_hears_as_the_model_does(tmp_path: Path) -> None:
    plain = heard(None, "the child is safe")
    assert plain == "the child is safe"
    assert heard(transform(tmp_path / "same.mllr", 1.0, 0.0), "the child is safe") == plain


def test_an_adaptation_named_is_applied_to_the_model(tmp_path: Path) -> None:
    # Every mean moved far off the speech: had the file been ignored, the words would stand.
    assert heard(transform(tmp_path / "far.mllr", 1.0, 40.0), "the child is safe") != (
        "the child is safe"
    )


def test_a_missing_adaptation_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(RecogniserError, match=r"absent\.mllr is missing"):
        PocketsphinxRecogniser(PHRASES, adaptation=tmp_path / "absent.mllr")


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("adapt_acoustic", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


def test_the_wheels_quantised_weights_read_back_as_mixtures(script: ModuleType) -> None:
    weights = script.read_sendump(script._model_dir() / "sendump")
    assert weights.shape == (5126, 3, 128)  # senones, feature streams, Gaussians
    # Each senone's weights in each stream are a mixture: they add up to one, a little under
    # it as quantising rounds every weight down (a byte in steps of 1.0001 ** 1024).
    sums = weights.sum(axis=2)
    assert sums.min() > 0.9 and sums.max() <= 1.0


def test_mixture_weights_are_written_as_bw_reads_them(script: ModuleType, tmp_path: Path) -> None:
    weights = np.full((2, 3, 4), 0.25)
    script.write_mixw(weights, tmp_path / "mixture_weights")
    data = (tmp_path / "mixture_weights").read_bytes()
    start = data.index(b"endhdr\n") + len(b"endhdr\n")
    assert data.startswith(b"s3\n") and start % 4 == 0
    assert struct.unpack_from("<iIIII", data, start) == (0x11223344, 2, 3, 4, 24)
    assert np.array_equal(np.frombuffer(data, "<f4", offset=start + 20), weights.ravel())


def test_the_held_out_voice_set_is_never_adapted_to(script: ModuleType) -> None:
    with pytest.raises(SystemExit, match="voice2 is held out"):
        script.clips(["voice3", "voice2"], set())
    assert script.clips(["voice3"], {"clean"})  # a tuning set is read
