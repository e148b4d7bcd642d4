"""Engine speed: steps per second and median / p99 latency of one step, by kind of step.

Run with ``.venv/bin/python benchmarks/bench_engine.py``. Prints a table and writes
``benchmarks/results/engine.json``. The aim (issue 3) is p99 under 2 ms for a step that checks a
free-text answer against the knowledge base. Loading the knowledge and the flows is not timed:
it happens once when the bot starts.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.channels import load_flows  # noqa: E402
from bot.engine import Conversation, Engine, Event, Press, Text, replay  # noqa: E402
from bot.engine._compile import load_yaml  # noqa: E402
from bot.knowledge import load_knowledge  # noqa: E402

REPEATS = 2000
WARM_UP = 50
T0 = 1_700_000_000.0
RESULTS = ROOT / "benchmarks" / "results" / "engine.json"


def _state_at(engine: Engine, inputs: list[str]) -> Conversation:
    state, _ = engine.start(T0)
    for text in inputs:
        state, _ = engine.step(state, Text(text, T0 + 1))
    return state


def _time_step(engine: Engine, state: Conversation, make: Callable[[], Event]) -> list[float]:
    for _ in range(WARM_UP):
        engine.step(state, make())
    timings: list[float] = []
    for _ in range(REPEATS):
        event = make()
        started = time.perf_counter_ns()
        engine.step(state, event)
        timings.append((time.perf_counter_ns() - started) / 1e6)
    return timings


def _row(name: str, timings: list[float]) -> dict[str, float | str | int]:
    ordered = sorted(timings)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {
        "scenario": name,
        "steps": len(timings),
        "steps_per_second": round(len(timings) / (sum(timings) / 1000), 1),
        "median_ms": round(statistics.median(timings), 4),
        "p99_ms": round(p99, 4),
    }


def main() -> int:
    knowledge = load_knowledge()
    engine = Engine(load_flows(knowledge), knowledge)
    at_danger = _state_at(engine, ["first contact"])
    at_needs = _state_at(engine, ["first contact", "no"])
    at_account = _state_at(engine, ["first contact", "no", "cut, crying, nan", "yes"])
    at_content = _state_at(engine, ["referral", "no"])
    at_how_long = _state_at(engine, ["missing child", "still missing"])
    issue_text = "he has a cut on his arm and is crying, mum is drunk"
    referral_text = (
        "dad punched mum in front of the kids, hes got previous for DV, 2 kids live with mum, "
        "dad arrested and bailed"
    )
    rows = [
        _row("confirm: typed 'yep'", _time_step(engine, at_danger, lambda: Text("yep", T0 + 2))),
        _row("confirm: button press", _time_step(engine, at_danger, lambda: Press("no", T0 + 2))),
        _row(
            "free text: issue example (3 points)",
            _time_step(engine, at_needs, lambda: Text(issue_text, T0 + 2)),
        ),
        _row(
            "free text: referral (4 points)",
            _time_step(engine, at_content, lambda: Text(referral_text, T0 + 2)),
        ),
        _row(
            "checklist: typed words",
            _time_step(engine, at_account, lambda: Text("her words and how she seemed", T0 + 2)),
        ),
        _row(
            "duration: 'since yesterday'",
            _time_step(engine, at_how_long, lambda: Text("since yesterday", T0 + 2)),
        ),
    ]
    goldens = sorted((ROOT / "tests" / "conversations").glob("*.yaml"))
    transcripts = [load_yaml(path.read_text(encoding="utf-8")) for path in goldens]
    replay_rounds = 5
    started = time.perf_counter()
    steps = 0
    for _ in range(replay_rounds):
        for transcript in transcripts:
            steps += len(replay(engine, transcript))
    elapsed = time.perf_counter() - started
    golden_row = {
        "scenario": "golden replays, JSON round trip each turn",
        "steps": steps,
        "steps_per_second": round(steps / elapsed, 1),
        "median_ms": None,
        "p99_ms": None,
    }
    print(f"{'scenario':<44} {'steps':>7} {'steps/s':>10} {'median ms':>10} {'p99 ms':>8}")
    for row in [*rows, golden_row]:
        median = "-" if row["median_ms"] is None else f"{row['median_ms']:.3f}"
        p99 = "-" if row["p99_ms"] is None else f"{row['p99_ms']:.3f}"
        print(
            f"{row['scenario']:<44} {row['steps']:>7} {row['steps_per_second']:>10.0f} "
            f"{median:>10} {p99:>8}"
        )
    worst_text = max(r["p99_ms"] for r in rows if str(r["scenario"]).startswith("free text"))
    verdict = "meets" if worst_text < 2.0 else "MISSES"
    print(f"\nFree-text step p99 {worst_text:.3f} ms: {verdict} the 2 ms aim.")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "python": platform.python_version(),
                "machine": platform.machine(),
                "repeats": REPEATS,
                "results": [*rows, golden_row],
                "free_text_p99_ms": worst_text,
                "meets_2ms_aim": worst_text < 2.0,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"Saved {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
