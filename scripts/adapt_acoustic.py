"""Make an MLLR transform that adapts pocketsphinx's US acoustic model to other voices.

The recogniser's acoustic model (the pocketsphinx wheel's ``en-us``) was trained on American
speakers; British and robotic voices come out far worse (benchmarks/README.md, bench_voice).
No British acoustic model ships on PyPI or in Debian 12, but a model can be *adapted*:
maximum-likelihood linear regression (MLLR) finds one linear map of every Gaussian's mean
(per feature stream) that makes the adaptation speech most likely under its own transcripts.
The map is a small text file (5 kB) pocketsphinx applies at load time (its ``mllr`` setting),
so guidebot would ship the file and nothing else: the tools that make it are needed only here.

None ships: made from one tuning set and judged on the other (``bench_voice.py --adaptation
FILE``), a global transform won no voices over as a whole (benchmarks/README.md,
bench_voice, "acoustic adaptation"). The script stays so the next voices (real officers'
recordings, with consent) can be tried the same way.

The adaptation speech is a voice set's clips (``benchmarks/data/<set>/``), decoded as the bot
decodes a voice note (OGG/Opus to 16 kHz mono), with the manifest's text as the transcript.
Out-of-domain lines count too: they are speech with a known text like any other.

Needs, on the machine that makes the transform only (never CI, never at run time)::

    apt-get install -y sphinxtrain sphinxbase-utils pocketsphinx
    # sphinx_fe (features), pocketsphinx_mdef_convert (text model definition),
    # bw (Baum-Welch counts) and mllr_solve (the transform), from /usr/lib/sphinxtrain
    PYTHONPATH=. python scripts/adapt_acoustic.py --set voice3 --output /tmp/voice3.mllr
    PYTHONPATH=. python benchmarks/bench_voice.py --set voice --adaptation /tmp/voice3.mllr

The wheel's model has no ``mixture_weights`` file, which ``bw`` reads: they are rebuilt from
its quantised ``sendump`` (the format sphinxtrain's own Python 2 ``sendump.py`` reads). Its
means, variances, transition matrices and model definition are byte for byte Debian's
``pocketsphinx-en-us``, so a transform made against either fits the wheel's.
"""

from __future__ import annotations

import argparse
import shutil
import struct
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.language import read_yaml  # noqa: E402
from bot.voice._audio import RATE, decode  # noqa: E402
from bot.voice._domain import said  # noqa: E402
from bot.voice._recognise import PAD_SECONDS, pronunciations, spoken_words  # noqa: E402

SPHINXTRAIN = Path("/usr/lib/sphinxtrain")
SETS = ROOT / "benchmarks" / "data"
HELD_OUT = frozenset({"voice2"})
"""Sets nobody tunes on: adapting to one would make its measure worthless."""
MODEL_FILES = ("means", "variances", "transition_matrices", "noisedict", "feat.params")


def _model_dir() -> Path:
    import pocketsphinx

    return Path(pocketsphinx.get_model_path("en-us/en-us"))


def _run(*command: str | Path) -> None:
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({done.returncode}):\n{done.stderr[-3000:]}")


def read_sendump(path: Path) -> np.ndarray:
    """The mixture weights (senone, stream, codeword) from pocketsphinx's quantised sendump."""
    data = path.read_bytes()
    at = 0

    def text() -> str | None:
        nonlocal at
        (size,) = struct.unpack_from("<I", data, at)
        at += 4
        if size == 0:
            return None
        value = data[at : at + size - 1].decode()
        at += size
        return value

    text()  # the title
    header: dict[str, int] = {}
    while (line := text()) is not None:
        name, _, value = line.partition(" ")
        header[name] = int(value) if value.strip().isdigit() else 0
    senones = header.get("mixture_count", 0)
    codewords = header.get("model_count", 0)
    streams = header.get("feature_count", 0)
    shift = header.get("mixw_shift", 10)
    if header.get("cluster_count", 0):
        raise SystemExit("a clustered sendump: not the wheel's model")
    if not senones:
        codewords, senones = struct.unpack_from("<II", data, at)
        at += 8
    weights = np.empty((senones, streams, codewords))
    for stream in range(streams):
        for codeword in range(codewords):
            row = np.frombuffer(data, dtype=np.uint8, count=senones, offset=at).astype(np.int64)
            at += senones
            weights[:, stream, codeword] = np.power(1.0001, -(row << shift).astype(np.float64))
    return weights


def write_mixw(weights: np.ndarray, path: Path) -> None:
    """Sphinx-III binary mixture weights, as ``bw`` reads them."""
    header = b"s3\nversion 1.0\n"
    pad = (len(header) + len(b"endhdr\n")) & 3
    header += (b" " * (4 - pad) if pad else b"") + b"endhdr\n"
    body = struct.pack("<i", 0x11223344) + struct.pack("<IIII", *weights.shape, weights.size)
    path.write_bytes(header + body + weights.astype("<f4").tobytes())


def prepare_model(work: Path) -> Path:
    """A model folder bw can read: the wheel's files, a text mdef and mixture weights."""
    source = _model_dir()
    model = work / "model"
    model.mkdir()
    for name in MODEL_FILES:
        shutil.copy(source / name, model / name)
    _run("pocketsphinx_mdef_convert", "-text", source / "mdef", model / "mdef.txt")
    write_mixw(read_sendump(source / "sendump"), model / "mixture_weights")
    return model


def clips(sets: list[str], noise: set[str]) -> list[tuple[Path, str]]:
    """Each clip's file and its words, from the named sets' manifests.

    Raises:
        SystemExit: a held-out set was named (it judges; it is never adapted to).
    """
    if HELD_OUT & set(sets):
        raise SystemExit(
            f"{', '.join(sorted(HELD_OUT & set(sets)))} is held out: never adapt to it"
        )
    out = []
    for name in sets:
        folder = SETS / name
        manifest = read_yaml((folder / "manifest.yaml").read_text(encoding="utf-8"))
        for clip in manifest["clips"]:
            level = str(clip["noise"]).split()[0]
            if noise and level not in noise:
                continue
            out.append((folder / clip["file"], " ".join(spoken_words(said(clip["text"])))))
    return out


def main(argv: list[str] | None = None) -> int:
    """Extract the features, count with bw against the transcripts, solve for the transform."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", dest="sets", action="append", required=True)
    parser.add_argument(
        "--noise",
        action="append",
        default=[],
        help="only clips at this level: clean, 20, 10 (repeatable; default all)",
    )
    parser.add_argument(
        "--shift-only",
        action="store_true",
        help="move the means only (no rotation or scaling): fewer figures to fit to few voices",
    )
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--keep", type=Path, help="keep the working folder here")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="adapt-"))
    try:
        model = prepare_model(work)
        chosen = clips(args.sets, set(args.noise))
        words = {w for _file, text in chosen for w in text.split()}
        sounds = pronunciations(words)
        missing = words - set(sounds)
        audio = work / "audio"
        audio.mkdir()
        ids, lines = [], []
        pad = np.zeros(int(PAD_SECONDS * RATE), dtype=np.int16)
        for index, (file, text) in enumerate(chosen):
            if not text or set(text.split()) & missing:
                continue
            pcm = decode(file.read_bytes())
            name = f"u{index:05d}"
            with wave.open(str(audio / f"{name}.wav"), "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(RATE)
                out.writeframes(np.concatenate([pad, pcm.samples, pad]).astype("<i2").tobytes())
            ids.append(name)
            lines.append(f"<s> {text} </s> ({name})")
        (work / "ids").write_text("\n".join(ids) + "\n")
        (work / "transcripts").write_text("\n".join(lines) + "\n")
        with (work / "dict").open("w") as out:
            for word, ways in sorted(sounds.items()):
                for n, phones in enumerate(ways):
                    out.write(f"{word if n == 0 else f'{word}({n + 1})'} {phones}\n")
        print(f"{len(ids)} clips ({len(chosen) - len(ids)} left out: words unsaid)")
        _run(
            "sphinx_fe",
            *("-argfile", model / "feat.params", "-samprate", str(RATE)),
            *("-c", work / "ids", "-di", audio, "-do", audio, "-ei", "wav", "-eo", "mfc"),
            *("-mswav", "yes"),
        )
        accum = work / "accum"
        accum.mkdir()
        _run(
            SPHINXTRAIN / "bw",
            *("-hmmdir", model, "-moddeffn", model / "mdef.txt", "-ts2cbfn", ".ptm."),
            *("-feat", "1s_c_d_dd", "-svspec", "0-12/13-25/26-38", "-cmn", "batch"),
            *("-agc", "none", "-dictfn", work / "dict", "-fdictfn", model / "noisedict"),
            *("-ctlfn", work / "ids", "-lsnfn", work / "transcripts", "-cepdir", audio),
            *("-accumdir", accum),
        )
        _run(
            SPHINXTRAIN / "mllr_solve",
            *("-meanfn", model / "means", "-varfn", model / "variances"),
            *("-outmllrfn", args.output, "-accumdir", accum),
            *(("-mllrmult", "no") if args.shift_only else ()),
        )
        print(f"wrote {args.output} ({args.output.stat().st_size} bytes)")
    finally:
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
