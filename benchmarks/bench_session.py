"""The application core's cost: start-up, a message of any length, and session throughput.

Run with ``.venv/bin/python benchmarks/bench_session.py``. Prints three tables and writes
``benchmarks/results/session.json``. The aims (issue 8): from process start to the first prompt
under 1 s; a 4,096-character message (Telegram's longest) under 20 ms at any step; messages per
second through the session layer with the SQLite store (WAL, synchronous=NORMAL), for one
conversation and for 100 at once, reported.

Start-up is timed in fresh processes (``guidebot chat`` with no input, to its first prompt, and
each loading stage on its own), median of ``--starts``. Long messages are officer-style words
repeated to 4,096 characters, sent once at each question of every flow (the positions the
goldens reach) and at the menu. Throughput sends the same scripted conversation through
:class:`bot.session.Sessions` from 1 thread on 1 key and from 100 threads on 100 keys.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import DATABASE  # noqa: E402
from bot.channels import load_flows  # noqa: E402
from bot.engine import Engine, Text, positions  # noqa: E402
from bot.knowledge import load_knowledge  # noqa: E402
from bot.session import Sessions  # noqa: E402
from bot.store import Store  # noqa: E402

SEED = 8
WORDS = (
    "mum said the lad has been at his nans most of the week and the school have no concerns "
    "about attendance he was calm and polite when we spoke to him in the kitchen nan is with "
    "him now paramedics checked his arm and social care are aware of the referral"
)
SCRIPT = ["record check", "no", "yes", "back", "yes", "summary", "menu", "missing child", "menu"]
STAGES = {
    "import": "import bot.cli",
    "knowledge": "from bot.knowledge import load_knowledge; load_knowledge()",
    "flows": (
        "from bot.knowledge import load_knowledge; from bot.channels import load_flows; "
        "load_flows(load_knowledge())"
    ),
    "engine": (
        "from bot.knowledge import load_knowledge; from bot.channels import load_flows; "
        "from bot.engine import Engine; k = load_knowledge(); Engine(load_flows(k), k)"
    ),
}


def _seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def start_up(starts: int) -> list[dict[str, object]]:
    """Median seconds of each loading stage, each in a fresh process, and the whole chat."""
    rows: list[dict[str, object]] = []
    for stage, code in STAGES.items():
        times = [_seconds([sys.executable, "-c", code]) for _ in range(starts)]
        rows.append(
            {"stage": f"python -c: {stage}", "median_s": round(statistics.median(times), 3)}
        )
    with tempfile.TemporaryDirectory() as data:
        chat = [sys.executable, "-m", "bot", "chat", "--data-dir", data]
        times = [_seconds(chat) for _ in range(starts)]
    rows.append(
        {
            "stage": "guidebot chat to its first prompt",
            "median_s": round(statistics.median(times), 3),
        }
    )
    return rows


def long_messages(engine: Engine) -> dict[str, object]:
    """A 4,096-character message at every position: the slowest, the median, and where."""
    rng = random.Random(SEED)
    words = WORDS.split(" ")
    text = " ".join(rng.choice(words) for _ in range(1500))[:4096]
    timings: list[tuple[float, str]] = []
    now = 1_800_000_000.0
    for place in positions(engine.flows, now=now):
        started = time.perf_counter()
        engine.step(place.state, Text(text, now + 1))
        timings.append(((time.perf_counter() - started) * 1000, place.name))
    timings.sort(reverse=True)
    return {
        "characters": len(text),
        "positions": len(timings),
        "median_ms": round(statistics.median(t for t, _ in timings), 1),
        "max_ms": round(timings[0][0], 1),
        "slowest": [{"at": name, "ms": round(ms, 1)} for ms, name in timings[:5]],
        "meets_20ms_aim": timings[0][0] < 20,
    }


def throughput(engine: Engine, keys: int, rounds: int) -> dict[str, object]:
    """Messages per second through the session layer and the store, ``keys`` at once."""
    with tempfile.TemporaryDirectory() as data, Store.open(Path(data) / DATABASE) as store:
        sessions = Sessions(engine, store, channel="bench")
        latencies: list[float] = []
        guard = threading.Lock()

        def officer(key: str) -> None:
            mine: list[float] = []
            now = 1_800_000_000.0
            for _ in range(rounds):
                for said in SCRIPT:
                    now += 5
                    started = time.perf_counter()
                    sessions.handle(key, Text(said, now))
                    mine.append((time.perf_counter() - started) * 1000)
            with guard:
                latencies.extend(mine)

        threads = [threading.Thread(target=officer, args=(f"k{n}",)) for n in range(keys)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "keys": keys,
        "messages": len(latencies),
        "per_second": round(len(latencies) / elapsed),
        "median_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=5, help="fresh processes per stage")
    parser.add_argument("--rounds", type=int, default=20, help="scripts per conversation")
    parser.add_argument(
        "--output", type=Path, default=ROOT / "benchmarks" / "results" / "session.json"
    )
    args = parser.parse_args(argv)
    starts = start_up(args.starts)
    print(f"{'start-up stage':45} median s")
    for row in starts:
        print(f"{row['stage']:45} {row['median_s']:8.3f}")
    knowledge = load_knowledge()
    engine = Engine(load_flows(knowledge), knowledge)
    long = long_messages(engine)
    print(
        f"\n{long['characters']}-character message at {long['positions']} positions: median "
        f"{long['median_ms']} ms, slowest {long['max_ms']} ms "
        f"({'meets' if long['meets_20ms_aim'] else 'MISSES'} the 20 ms aim)"
    )
    for slow in long["slowest"]:  # type: ignore[attr-defined]
        print(f"  {slow['at']:40} {slow['ms']:8.1f} ms")
    flows = [throughput(engine, 1, args.rounds), throughput(engine, 100, max(1, args.rounds // 10))]
    print(f"\n{'keys':>5} {'messages':>9} {'msg/s':>7} {'median ms':>10} {'p99 ms':>8}")
    for row in flows:
        print(
            f"{row['keys']:5} {row['messages']:9} {row['per_second']:7} "
            f"{row['median_ms']:10} {row['p99_ms']:8}"
        )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {
                "python": platform.python_version(),
                "machine": platform.machine(),
                "start_up": starts,
                "long_message": long,
                "throughput": flows,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nSaved {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
