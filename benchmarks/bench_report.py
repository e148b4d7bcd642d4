"""The trainers' report's cost: the full HTML report over 10k, 100k and 1M events (issue 10).

Run with ``.venv/bin/python benchmarks/bench_report.py`` (a few minutes, most of it writing
the logs). Prints a table and writes ``benchmarks/results/report.json``. The aim: the full HTML
report over 1 million synthetic events in under 5 s.

The events are real: a few hundred conversations are played through the engine (officers
who pick a flow, mostly answer well, sometimes go back, ask, cancel, walk away or time out;
about one in 20 rates the guidance last shown, some with a comment),
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
from bot.engine import Press, Start, Text, Tick  # noqa: E402
from bot.reports import (  # noqa: E402
    build_catalogue,
    build_report,
    default_outcomes,
    parse_period,
    render_html,
    store_events,
    tally_store,
)
from bot.session import Sessions  # noqa: E402
from bot.store import Store  # noqa: E402

NOVEMBER = 1_793_491_200.0  # Sunday 1 November 2026 00:00 UTC
MONTH = 30 * 24 * 3600.0
FLOWS = ["initial-contact", "referral", "missing-child", "child-in-custody", "record-check"]
FEEDBACK_RATE = 0.05
"""Conversations that end with feedback: about 1 in 20."""
COMMENTS = ("too long to read at the door", "missed what to do out of hours")
ANSWERS = [
    "nan is here, first aid done, calmed her down",
    "mum, dad and the baby, dad is drunk",
    "she said he hit her, bwv on",
    "not much yet",
]


def conversation(
    sessions: Sessions, key: str, rng: random.Random, now: float
) -> list[dict[str, Any]]:
    """One officer's run through a flow, with the habits real use shows."""
    events: list[dict[str, Any]] = []

    def take(result: Any) -> dict[str, str]:
        events.extend({**e.to_json(), "key": key, "recorded_at": now} for e in result.audit)
        buttons: dict[str, str] = {}
        for reply in result.replies:
            if reply.buttons:
                buttons = {b.label: b.value for b in reply.buttons}
        return buttons

    take(sessions.handle(key, Start(now)))
    now += 5
    buttons = take(sessions.handle(key, Press(rng.choices(FLOWS, [6, 2, 1, 1, 1])[0], now)))
    careful = rng.random()
    for _ in range(45):
        now += rng.uniform(8, 90)
        roll = rng.random()
        if roll < 0.015:
            take(sessions.handle(key, Text("cancel", now)))
            break
        if roll < 0.03:
            break
        if roll < 0.04:
            take(sessions.handle(key, Tick(now + 3 * 3600)))
            break
        if roll < 0.06:
            buttons = take(sessions.handle(key, Text("back", now)))
            continue
        if roll < 0.075:
            asked = rng.choice(["ask what is s46", "ask can I fly a plane to the moon"])
            buttons = take(sessions.handle(key, Text(asked, now)))
            continue
        if not buttons:
            buttons = take(sessions.handle(key, Text(rng.choice(ANSWERS), now)))
            continue
        labels = list(buttons)
        if labels == ["Menu"]:
            break
        good = [b for b in labels if b in ("Yes", "Done", "Understood", "Next")]
        pick = rng.choice(good) if good and rng.random() < careful else rng.choice(labels)
        buttons = take(sessions.handle(key, Press(buttons[pick], now)))
        if events and events[-1]["kind"] == "flow_completed":
            break
    # About one conversation in 20 ends with feedback on the last guidance shown, a third of
    # those with a comment. Its own generator, so the conversations are those timed before.
    verdict = random.Random(f"{key}/feedback")
    if verdict.random() < FEEDBACK_RATE:
        now += 10
        asked = take(sessions.handle(key, Text("feedback", now)))
        if "Helpful" in asked:
            pick = verdict.choices(["Helpful", "Not helpful", "Wrong"], [3, 2, 1])[0]
            now += 5
            take(sessions.handle(key, Press(asked[pick], now)))
            now += 20
            said = verdict.choice([*COMMENTS, "skip", "skip", "skip", "skip"])
            take(sessions.handle(key, Text(said, now)))
    return events


def pool(conversations: int, seed: int = 10) -> list[list[dict[str, Any]]]:
    """Conversations played through the engine, each starting at time 0."""
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Settings(data_dir=Path(folder)), store=False)
        sessions = app.sessions("telegram")
        rng = random.Random(seed)
        played = []
        for number in range(conversations):
            events = conversation(sessions, f"p{number}", rng, 0.0)
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
