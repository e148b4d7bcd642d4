"""Start-up time: from process start to ``guidebot chat``'s first prompt, cold and warm cache.

Run with ``.venv/bin/python benchmarks/bench_startup.py``. Every measure is a fresh process,
repeated ``--runs`` times (median and 90th percentile reported, in seconds):

* ``guidebot --help``: the command line alone.
* ``guidebot chat`` to its first prompt (the menu fully printed, read from a pipe): with the
  cache off (``GUIDEBOT_CACHE=off``, as every start was before the cache), cold (a data folder
  with no cache yet: everything is built, then cached) and warm (an earlier start's cache).
* The split by phase, timed inside a fresh process: importing what the chat imports, then
  loading the knowledge, compiling the flows and building the engine (cache off), or reading
  the cached engine back (warm).

The aim (issue 8): the first prompt in under 1 s. The JSON (``benchmarks/results/startup.json``
by default) holds every run's seconds, with the Python version and the machine type.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The installed ``guidebot`` script, run from the repository so this checkout's code is used.
GUIDEBOT = [
    sys.executable,
    "-c",
    "import sys; from bot.cli import cli; sys.exit(cli(prog_name='guidebot'))",
]
MENU_END = "\n\n"
"""The first prompt is complete when the menu's buttons are followed by a blank line."""

PHASES = r"""
import json, os, sys, time
started = time.perf_counter()
data_dir = sys.argv[1]
timings = {}
try:
    from bot import _cache, _engine_cache
    _cache.use_folder(__import__("pathlib").Path(data_dir))
except ImportError:  # a checkout from before the cache
    _cache = None
import bot.app
import bot.channels.console
from bot.app import Settings
timings["import"] = time.perf_counter() - started
settings = Settings(data_dir=__import__("pathlib").Path(data_dir))
if _cache is not None and _cache.enabled():
    mark = time.perf_counter()
    found = _engine_cache.read_engine(settings)
    if found is not None:
        timings["cache read"] = time.perf_counter() - mark
        print(json.dumps(timings))
        raise SystemExit(0)
mark = time.perf_counter()
knowledge = bot.app.open_knowledge_base(None)
timings["knowledge"] = time.perf_counter() - mark
mark = time.perf_counter()
flows = bot.app.load_flows(knowledge)
timings["flows"] = time.perf_counter() - mark
mark = time.perf_counter()
engine = bot.app.Engine(flows, knowledge)
timings["engine"] = time.perf_counter() - mark
if _cache is not None and _cache.enabled():
    mark = time.perf_counter()
    _engine_cache.write_engine(settings, _engine_cache.Built(knowledge, flows, engine))
    timings["cache write"] = time.perf_counter() - mark
print(json.dumps(timings))
"""


def _environment(data_dir: Path | None, cache: bool) -> dict[str, str]:
    env = dict(os.environ)
    if data_dir is not None:
        env["GUIDEBOT_DATA_DIR"] = str(data_dir)
    # Python's own bytecode cache on, as for an installed guidebot (some shells turn it off).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if cache:
        env.pop("GUIDEBOT_CACHE", None)
    else:
        env["GUIDEBOT_CACHE"] = "off"
    return env


def help_seconds() -> float:
    started = time.perf_counter()
    subprocess.run(
        [*GUIDEBOT, "--help"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        env=_environment(None, cache=True),
    )
    return time.perf_counter() - started


def first_prompt_seconds(data_dir: Path, *, cache: bool) -> float:
    """Seconds from starting ``guidebot chat`` to the whole menu on its standard output."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [*GUIDEBOT, "chat"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=_environment(data_dir, cache),
    )
    assert process.stdout is not None and process.stdin is not None
    shown = b""
    while MENU_END.encode() not in shown:
        chunk = os.read(process.stdout.fileno(), 65536)
        if not chunk:
            raise SystemExit(f"guidebot chat ended before its first prompt: {shown!r}")
        shown += chunk
    took = time.perf_counter() - started
    process.stdin.close()
    process.wait()
    return took


def phase_seconds(data_dir: Path, *, cache: bool) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", PHASES, str(data_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=_environment(data_dir, cache),
    )
    return {name: float(value) for name, value in json.loads(done.stdout).items()}


def _summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return {"median_s": round(statistics.median(ordered), 3), "p90_s": round(p90, 3)}


def _repeat(runs: int, measure: Callable[[], float]) -> list[float]:
    return [measure() for _ in range(runs)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="fresh processes per measure")
    parser.add_argument(
        "--output", type=Path, default=ROOT / "benchmarks" / "results" / "startup.json"
    )
    args = parser.parse_args(argv)
    runs: dict[str, list[float]] = {}
    phases: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        warm = base / "warm"
        warm.mkdir()
        first_prompt_seconds(warm, cache=True)  # untimed: writes the cache the warm runs read
        counter = iter(range(10**6))

        def fresh() -> Path:
            # An officer's data folder with no cache yet (the cache never creates the folder).
            folder = base / f"cold-{next(counter)}"
            folder.mkdir()
            return folder

        runs["guidebot --help"] = _repeat(args.runs, help_seconds)
        runs["guidebot chat, cache off"] = _repeat(
            args.runs, lambda: first_prompt_seconds(fresh(), cache=False)
        )
        runs["guidebot chat, cold cache"] = _repeat(
            args.runs, lambda: first_prompt_seconds(fresh(), cache=True)
        )
        runs["guidebot chat, warm cache"] = _repeat(
            args.runs, lambda: first_prompt_seconds(warm, cache=True)
        )
        for name, directory, cache in (
            ("cache off", lambda: base, False),
            ("cold cache", fresh, True),
            ("warm cache", lambda: warm, True),
        ):
            found: dict[str, list[float]] = {}
            for _ in range(args.runs):
                for phase, seconds in phase_seconds(directory(), cache=cache).items():
                    found.setdefault(phase, []).append(seconds)
            phases[name] = found
    print(f"{'measure (fresh process each run)':40} {'median s':>9} {'p90 s':>7}")
    for name, times in runs.items():
        summary = _summary(times)
        print(f"{name:40} {summary['median_s']:9.3f} {summary['p90_s']:7.3f}")
    print(f"\n{'phase, inside the process':40} {'median s':>9} {'p90 s':>7}")
    for name, found in phases.items():
        for phase, times in found.items():
            summary = _summary(times)
            print(f"{name + ': ' + phase:40} {summary['median_s']:9.3f} {summary['p90_s']:7.3f}")
    warm_median = statistics.median(runs["guidebot chat, warm cache"])
    verdict = "meets" if warm_median < 1 else "MISSES"
    print(f"\nFirst prompt, warm cache: {warm_median:.3f} s ({verdict} the 1 s aim)")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {
                "python": platform.python_version(),
                "machine": platform.machine(),
                "runs": args.runs,
                "measures": {name: {**_summary(t), "seconds": t} for name, t in runs.items()},
                "phases": {
                    name: {phase: {**_summary(t), "seconds": t} for phase, t in found.items()}
                    for name, found in phases.items()
                },
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"Saved {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
