"""Does the learnt second opinion generalise? Leave-one-set-out over the sets already read.

Run from the repository root::

    .venv/bin/python benchmarks/bench_learnt.py [--output PATH]

The shipped matcher learns from ``knowledge/questions.yaml``, which holds the read sets'
labelled questions (``scripts/gather_questions.py``), so ``bench_accuracy.py`` on those sets
measures it on questions it has learnt from. This script measures it honestly: for each read
set X, the matcher is built with the questions of every *other* read set and searched with X.
It also builds the matcher with no questions at all (the search before the learnt opinion), so
both columns come from the same code in the same run. Sealed sets are never read here.

After the table come the learnt column's counts (top-3 / confident and right / confident and
wrong) over every read set, over the long-situation sets, over the messages of more than 20
words, and the off-topic messages (negatives and near misses) answered confidently: the figures
a change to the matcher is judged by.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_accuracy import (  # noqa: E402
    READ_SETS,
    SETS,
    EvalSet,
    SetReport,
    evaluate,
    read_set,
    summarise,
)

from bot.knowledge import load_knowledge  # noqa: E402
from bot.knowledge._learnt import LabelledQuestions  # noqa: E402
from bot.knowledge._match import Matcher  # noqa: E402

DEFAULT_OUTPUT = ROOT / "benchmarks" / "results" / "learnt.json"
COLUMNS = ("top1", "top3", "confident_right", "confident_wrong")
# Sets of long situations that never name their topic (15 to 60 words, four writers).
LONG_SETS = ("blind18", "blind19", "blind21", "blind23")
# A message of more than this many words is a long one, whatever set it is in.
LONG_WORDS = 20


def questions_without(sets: Mapping[str, EvalSet], left_out: str) -> LabelledQuestions:
    """The labelled questions of every set but ``left_out``: what a matcher that never read
    ``left_out`` learns from (here, and in ``choose_gates.py``)."""
    others = [eval_set for name, eval_set in sets.items() if name != left_out]
    return LabelledQuestions(
        labelled=tuple((case.text, case.topics) for eval_set in others for case in eval_set.cases),
        off_topic=tuple(
            text
            for eval_set in others
            for text in (*eval_set.negatives, *eval_set.near_misses)
            if text.strip()
        ),
    )


def counts(reports: list[SetReport], long_only: bool = False) -> str:
    """Top-3 / confident and right / confident and wrong over these sets' messages, of n."""
    outcomes = [
        outcome
        for report in reports
        for outcome in report.outcomes
        if not long_only or len(outcome.case.text.split()) > LONG_WORDS
    ]
    top3 = sum(outcome.top3 for outcome in outcomes)
    right = sum(outcome.confident_right for outcome in outcomes)
    wrong = sum(outcome.confident_wrong for outcome in outcomes)
    return f"{top3:,} / {right:,} / {wrong:,} of {len(outcomes):,}"


def main(argv: list[str] | None = None) -> int:
    """Print, per read set, the search without learning and learning from the other sets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    sets = {name: read_set(name, SETS[name]) for name in READ_SETS}
    base = load_knowledge()
    entries = tuple(entry for entry in base.entries if base.applies(entry))
    results: dict[str, dict[str, object]] = {}
    learnt: dict[str, SetReport] = {}
    print(f"{'set':7} {'n':>4}  " + "  ".join(f"{c:>21}" for c in COLUMNS) + "  neg conf")
    for name, held_out in sets.items():
        questions = questions_without(sets, name)
        row: dict[str, object] = {}
        for label, given in (("without", None), ("learnt", questions)):
            base.__dict__["matcher"] = Matcher(
                entries, topics=base.taxonomy.topics, questions=given
            )
            report = evaluate(held_out, base)
            row[label] = summarise(report)
        learnt[name] = report
        results[name] = row
        before, after = row["without"], row["learnt"]
        assert isinstance(before, dict) and isinstance(after, dict)
        cells = "  ".join(f"{before[c]:>9.3f} -> {after[c]:>6.3f}    " for c in COLUMNS)
        negatives = (
            f"{before['negatives_status']['confident']} -> {after['negatives_status']['confident']}"
        )
        print(f"{name:7} {before['cases']:>4}  {cells}  {negatives}", flush=True)
    reports = list(learnt.values())
    print("\nlearnt, left out one set at a time: top-3 / confident and right / confident and wrong")
    print(f"  every read set        {counts(reports)}")
    for name in LONG_SETS:
        if name in learnt:
            print(f"  {name:21} {counts([learnt[name]])}")
    long_sets = [learnt[name] for name in LONG_SETS if name in learnt]
    print(f"  long-situation sets   {counts(long_sets)}")
    print(f"  over {LONG_WORDS} words         {counts(reports, long_only=True)}")
    negatives = sum(r.status == "confident" for report in reports for r in report.negatives)
    near = sum(r.status == "confident" for report in reports for r in report.near_misses)
    print(f"  off-topic confident   {negatives} negatives, {near} near misses")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"saved {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
