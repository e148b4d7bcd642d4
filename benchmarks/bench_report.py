"""The trainers' report's cost: the full HTML report over 10k, 100k and 1M events (issue 10).

Run with ``.venv/bin/python benchmarks/bench_report.py`` (a few minutes, most of it writing
the logs). Prints a table and writes ``benchmarks/results/report.json``. The aim: the full HTML
report over 1 million synthetic events in under 5 s.

The events are real: a few hundred conversations are played through the engine (officers
who pick a flow, mostly answer well, sometimes go back, ask, cancel, walk away or time out;
about one in 20 rates the guidance last shown, some with a comment: the officer the report's
tests play, ``bot/reports/_synthetic.py``),
and the log is made of copies of them under new conversation keys, spread over November
2026, appended with the store's own append (leaf hashes and all). The report is then made as
``guidebot report --period 2026-11 --format html`` makes it: counted in SQL, withheld, laid
out, charts drawn.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import DATABASE, Settings, build_app, load_engine  # noqa: E402
from bot.reports import (  # noqa: E402
    build_catalogue,
    build_report,
    default_outcomes,
    parse_period,
    render_html,
    tally_store,
)
from bot.reports._synthetic import wander  # noqa: E402
from bot.store import Store, store_events  # noqa: E402

NOVEMBER = 1_793_491_200.0  # Sunday 1 November 2026 00:00 UTC
MONTH = 30 * 24 * 3600.0
FEEDBACK_RATE = 0.05
"""Conversations that end with feedback: about 1 in 20, a third of those with a comment."""


def pool(conversations: int, seed: int = 10) -> list[list[dict[str, Any]]]:
    """Conversations played through the engine, each starting at time 0."""
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Settings(data_dir=Path(folder)), store=False)
        sessions = app.sessions("telegram")
        rng = random.Random(seed)
        played = []
        for number in range(conversations):
            events, _ = wander(
                sessions,
                f"p{number}",
                rng,
                0.0,
                feedback_rate=FEEDBACK_RATE,
                skipped_comments=4,
                timed=True,
            )
            if events:
                played.append(events)
        return played


def synthetic(played: list[list[dict[str, Any]]], events: int, seed: int = 11):  # type: ignore[no-untyped-def]
    """Copies of the played conversations, under new keys, spread over November 2026."""
    rng = random.Random(seed)
    made = 0
    copy = 0
    while made < events:
        for number, conversation_events in enumerate(played):
            shift = NOVEMBER + rng.uniform(0, MONTH - 4 * 3600)
            key = f"k{copy}-{number}"
            for event in conversation_events:
                if made >= events:
                    return
                moved = {**event, "key": key, "recorded_at": event["recorded_at"] + shift}
                if "at" in moved:
                    moved["at"] += shift
                yield moved
                made += 1
        copy += 1


def measure(database: Path, data_dir: Path, repeats: int) -> dict[str, float]:
    """Seconds for the whole report (count, withhold, lay out, draw), median of ``repeats``."""
    knowledge, flows, _ = load_engine(Settings(data_dir=data_dir))
    catalogue = build_catalogue(flows, knowledge)
    period = parse_period("2026-11")
    times: dict[str, list[float]] = {
        "count": [],
        "build": [],
        "html": [],
        "total": [],
        "total_cpu": [],
    }
    size = 0
    for _ in range(repeats):
        started = time.perf_counter()
        cpu = time.process_time()
        counted = tally_store(database, period, default_outcomes())
        counting = time.perf_counter()
        report = build_report((), period, catalogue, now=time.time(), counted=counted)
        building = time.perf_counter()
        page = render_html(report)
        done = time.perf_counter()
        size = len(page)
        times["count"].append(counting - started)
        times["build"].append(building - counting)
        times["html"].append(done - building)
        times["total"].append(done - started)
        times["total_cpu"].append(time.process_time() - cpu)
    return {name: statistics.median(values) for name, values in times.items()} | {
        "html_bytes": size
    }


def main() -> None:
    """Build each log, time the report over it, print a table and save the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--conversations", type=int, default=300)
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks/results/report.json")
    args = parser.parse_args()
    started = time.perf_counter()
    played = pool(args.conversations)
    rated = sum(1 for events in played for e in events if e["kind"] == "feedback")
    print(
        f"{len(played)} conversations played through the engine "
        f"({sum(map(len, played)):,} events, {rated} feedback) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            data_dir = Path(folder)
            building = time.perf_counter()
            with Store.open(data_dir / DATABASE) as store:
                store_events(store, synthetic(played, size))
            built = time.perf_counter() - building
            result = measure(data_dir / DATABASE, data_dir, args.repeats)
        rows.append({"events": size, "log_built_s": built, **result})
        print(
            f"{size:>9,} events: report {result['total']:.2f} s, "
            f"CPU {result['total_cpu']:.2f} s (count {result['count']:.2f}, "
            f"withhold and lay out {result['build']:.2f}, HTML and charts {result['html']:.2f}); "
            f"log built in {built:.0f} s"
        )
    print()
    print(
        "| events | full HTML report (median, wall) | CPU time | count (SQL) "
        "| withhold + lay out | HTML + charts |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['events']:,} | {row['total']:.2f} s | {row['total_cpu']:.2f} s | "
            f"{row['count']:.2f} s | "
            f"{row['build']:.2f} s | {row['html']:.2f} s |"
        )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {
                "aim": "full HTML report over 1,000,000 events under 5 s",
                "repeats": args.repeats,
                "python": platform.python_version(),
                "machine": platform.machine(),
                "rows": rows,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nSaved {args.output}")


if __name__ == "__main__":
    main()
