"""How fast is a knowledge search? Latency, throughput and build time of the matcher.

Run from the repository root::

    .venv/bin/python benchmarks/bench_search.py [--repetitions N] [--output PATH]

Two bases are measured: the shipped knowledge base, and a synthetic one ten times larger made
by cloning every entry nine times with a new id and a slip in one word of each term (so the
vocabulary grows too, as it would with a bigger base). The query mix is every message of the
development and extra test sets plus the out-of-domain negatives; on every pass half of them
get a fresh random typo, so the typo-mending path (the slowest) is measured rather than
answered from its cache. The first pass over a newly built matcher (nothing cached) is reported
apart from the steady state.

A table is printed and the numbers saved as JSON (default ``benchmarks/results/search.json``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path

import rapidfuzz

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _typos import with_typo  # noqa: E402

from bot.knowledge import Entry, Matcher, default_knowledge_dir, load_knowledge  # noqa: E402
from bot.knowledge._learnt import LabelledQuestions, read_questions  # noqa: E402
from bot.language import read_yaml  # noqa: E402

DATA = ROOT / "tests" / "data"
SEED = 20_251_121
COPIES = 10


def load_queries() -> list[str]:
    """The realistic query mix: officers' messages, misspelt ones and off-topic chatter."""
    dev = read_yaml((DATA / "dev_utterances.yaml").read_text(encoding="utf-8"))
    extra = read_yaml((DATA / "extra_utterances.yaml").read_text(encoding="utf-8"))
    queries = [case["text"] for case in dev] + [case["text"] for case in extra["utterances"]]
    return queries + list(extra["negatives"]) + list(extra.get("near_misses", []))


def synthetic_base(entries: Sequence[Entry], copies: int, rng: random.Random) -> list[Entry]:
    """The base cloned ``copies`` times over, each clone with a new id and perturbed terms."""
    grown = list(entries)
    for copy in range(1, copies):
        for entry in entries:
            terms = tuple(with_typo(term, rng) for term in entry.terms)
            grown.append(entry.model_copy(update={"id": f"{entry.id}-c{copy}", "terms": terms}))
    return grown


def percentile(sorted_values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    rank = max(0, min(len(sorted_values) - 1, round(share * len(sorted_values) + 0.5) - 1))
    return sorted_values[rank]


def time_builds(
    entries: Sequence[Entry], runs: int, questions: LabelledQuestions | None = None
) -> list[float]:
    """Milliseconds to build a matcher, ``runs`` times."""
    times = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        Matcher(entries, questions=questions)
        times.append((time.perf_counter_ns() - start) / 1e6)
    return times


def time_searches(search: Callable[[str], object], queries: Sequence[str]) -> list[float]:
    """Milliseconds for each search, in order."""
    times = []
    for query in queries:
        start = time.perf_counter_ns()
        search(query)
        times.append((time.perf_counter_ns() - start) / 1e6)
    return times


def measure(
    name: str,
    entries: Sequence[Entry],
    queries: Sequence[str],
    repetitions: int,
    questions: LabelledQuestions | None = None,
) -> dict:
    """Build time, cold first pass, steady-state latency and throughput on one base.

    ``questions``: the labelled questions the shipped matcher learns from (its build trains
    the learnt second opinion, and each search that is not plainly none consults it).
    """
    rng = random.Random(SEED)
    builds = time_builds(entries, 5 if len(entries) < 500 else 3, questions)
    matcher = Matcher(entries, questions=questions)
    cold = sorted(time_searches(matcher.search, queries))

    def mix() -> list[str]:
        return [with_typo(q, rng) if i % 2 else q for i, q in enumerate(queries)]

    for _ in range(3):  # warm-up
        time_searches(matcher.search, mix())
    latencies: list[float] = []
    for _ in range(repetitions):
        latencies.extend(time_searches(matcher.search, mix()))
    latencies.sort()

    batches = [mix() for _ in range(repetitions)]
    start = time.perf_counter_ns()
    count = 0
    for batch in batches:
        for query in batch:
            matcher.search(query)
        count += len(batch)
    elapsed = (time.perf_counter_ns() - start) / 1e9

    return {
        "base": name,
        "entries": len(entries),
        "terms": sum(len(entry.terms) for entry in entries),
        "vocabulary_words": len(matcher.vocabulary.words),
        "build_ms_median": round(statistics.median(builds), 1),
        "cold_first_pass": {
            "searches": len(cold),
            "median_ms": round(statistics.median(cold), 3),
            "p99_ms": round(percentile(cold, 0.99), 3),
            "max_ms": round(cold[-1], 3),
        },
        "steady": {
            "searches": len(latencies),
            "median_ms": round(statistics.median(latencies), 3),
            "p90_ms": round(percentile(latencies, 0.90), 3),
            "p99_ms": round(percentile(latencies, 0.99), 3),
            "max_ms": round(latencies[-1], 3),
        },
        "queries_per_second": round(count / elapsed),
    }


def print_table(rows: Sequence[dict]) -> None:
    """The results as a plain table a reviewer can paste into an issue."""
    header = (
        f"{'base':<10} {'entries':>7} {'terms':>6} {'build ms':>9} {'cold p99':>9} "
        f"{'median':>8} {'p90':>7} {'p99':>7} {'max':>7} {'qps':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        steady = row["steady"]
        print(
            f"{row['base']:<10} {row['entries']:>7} {row['terms']:>6} "
            f"{row['build_ms_median']:>9.1f} {row['cold_first_pass']['p99_ms']:>9.3f} "
            f"{steady['median_ms']:>8.3f} {steady['p90_ms']:>7.3f} {steady['p99_ms']:>7.3f} "
            f"{steady['max_ms']:>7.3f} {row['queries_per_second']:>7}"
        )
    print("(latencies in milliseconds per search; qps = searches per second, one thread)")


def main(argv: Sequence[str] | None = None) -> int:
    """Measure both bases, print the table and write the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repetitions", type=int, default=30, help="passes over the query mix (default 30)"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=ROOT / "benchmarks" / "results" / "search.json",
        help="where to write the JSON results",
    )
    args = parser.parse_args(argv)
    if args.repetitions < 1:
        parser.error("--repetitions must be at least 1")

    base = load_knowledge()
    entries = base.entries
    questions = read_questions(default_knowledge_dir(), base.taxonomy.topics)
    queries = load_queries()
    big = synthetic_base(entries, COPIES, random.Random(SEED))
    rows = [
        measure("shipped", entries, queries, args.repetitions, questions),
        measure(f"{COPIES}x", big, queries, max(1, args.repetitions // 3)),
    ]
    print_table(rows)
    result = {
        "benchmark": "search",
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "rapidfuzz": rapidfuzz.__version__,
        "symspellpy": metadata.version("symspellpy"),
        "machine": platform.machine(),
        "queries_in_mix": len(queries),
        "results": rows,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"Saved to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
