"""Choose the learnt opinion's gates again, left out one read set at a time, and write them.

Run from the repository root after ``scripts/gather_questions.py`` has gathered the labelled
questions again::

    .venv/bin/python benchmarks/choose_gates.py [--write] [--without SET ...]

The matcher's learnt rules compare the learnt opinion's belief (or the search's score) with
bars (``knowledge/gates.json``, explained on ``bot.knowledge._match.Matcher``). Those bars fit
the belief as it was trained; learning another set shifts it, so the bars are chosen again
with every new set learnt. This script does that honestly:

1. For each read set X, the matcher learns from every other read set and reads X's messages
   (as ``bench_learnt.py`` does). What the gates decide from (the scored entries, the learnt
   belief in each topic, whether the nearest labelled message is off-topic) is kept, and the
   shipped gates are replayed on it and checked against the matcher's own answer.
2. Replaying is cheap, so the gates are chosen by a climb (each gate in turn moved one step
   of its grid when that gains at least ``--least-gain``, passes until nothing moves) on a
   reward: right and confident answers plus top-3 hits, less ``--wrong-costs`` for each
   confident wrong answer and each off-topic message answered confidently. ``--jump`` lets a
   gate move to any value of its grid: left out, that fitted the other sets by chance more
   often (benchmarks/README.md, "Gates chosen again with every set learnt").
3. Nested: for each read set X the gates are chosen on the other sets' left-out answers only,
   and X is scored with them: that is the honest left-out figure (a gate never saw the set it
   is scored on). Then they are chosen on every read set: those are written (``--write``).

Sealed sets are never read. ``--without`` leaves read sets out (as before they were read), so
that a choice can be compared with the one made on fewer sets.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_accuracy import LIMIT, READ_SETS, SEALED, SETS, EvalSet, read_set  # noqa: E402
from bench_learnt import questions_without  # noqa: E402

from bot.knowledge import load_knowledge  # noqa: E402
from bot.knowledge._gates import GATES_FILE, Gates, write_gates  # noqa: E402
from bot.knowledge._load import default_knowledge_dir  # noqa: E402
from bot.knowledge._match import Matcher, _Query, _Scores  # noqa: E402
from bot.knowledge._result import MatchStatus  # noqa: E402

DEFAULT_OUTPUT = ROOT / "benchmarks" / "results" / "gates.json"
# Sets of long situations that never name their topic, and of terms officers half-know.
LONG_SETS = ("blind18", "blind19", "blind21", "blind23")
TERM_SETS = ("blind13", "blind17")
# A message of more than this many words is a long one, whatever set it is in.
LONG_WORDS = 20


def _steps(low: float, high: float, step: float) -> tuple[float, ...]:
    count = round((high - low) / step)
    return tuple(round(low + i * step, 4) for i in range(count + 1))


# Each gate's candidate values: around the values chosen before, wide enough that a bar at
# either end of its grid says the grid should widen. 1.01 switches a rule off.
GRIDS: dict[str, tuple[float, ...]] = {
    "LEARNT_SURE_AT": _steps(0.5, 0.85, 0.05),
    "LEARNT_DOUBT_BELOW": _steps(0.0, 0.4, 0.05),
    "LEARNT_PROMOTE_AT": _steps(0.6, 0.95, 0.05),
    "VETOED_PROMOTE_AT": (*_steps(0.7, 0.95, 0.05), 0.98),
    "REORDERED_SURE_AT": _steps(0.6, 0.95, 0.05),
    "LEARNT_RESCUE_AT": _steps(0.55, 0.95, 0.05),
    "LEARNT_AGREE_AT": _steps(0.2, 0.6, 0.05),
    "AGREED_FIRST_AT": _steps(40.0, 64.0, 2.0),
    "LEARNT_RESCUE_FLOOR": (10.0, 12.0, 15.0, 18.0, 20.0),
    "LEARNT_OFFER_AT": _steps(0.1, 0.6, 0.05),
    "LONG_FROM": _steps(10, 24, 2),
    "LONG_AGREE_AT": _steps(0.3, 0.65, 0.05),
    "LONG_AGREED_FIRST_AT": _steps(27.0, 42.0, 3.0),
    "LEARNT_LEADS_AT": (*_steps(0.75, 0.95, 0.05), 0.97, 1.01),
    "LONG_LEARNT_LEADS_AT": _steps(0.4, 0.9, 0.05),
    "LONG_LEARNT_SURE_AT": (*_steps(0.85, 0.95, 0.01), 0.97, 0.99, 1.01),
    "SHORT_LEARNT_SURE_AT": (0.95, 0.96, 0.97, 0.98, 0.99, 0.995, 1.01),
    "LEARNT_SECOND_OFFER_AT": (0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3),
}
NAMES: tuple[str, ...] = tuple(Gates.model_fields)

# What one message's answer came to, as bits: confident, first entry right, right in top 3.
CONFIDENT, FIRST, TOP3 = 1, 2, 4


@dataclass(frozen=True)
class Evidence:
    """What the gates decide from, for one message read by a matcher that never learnt it."""

    query: _Query
    ranked: tuple[tuple[float, int], ...]
    scores: _Scores
    probabilities: Mapping[str, float] | None
    near_off_topic: bool
    wanted: frozenset[str]


class _Remembered:
    """Stands in for the learnt opinion while replaying: the one answer the gates ask of it."""

    def __init__(self) -> None:
        self.near_off_topic = False

    def nearest_off_topic(self, words: Sequence[str]) -> bool:
        return self.near_off_topic


def _valid(gates: Mapping[str, float]) -> bool:
    """The bars' own order: the learnt first topic is offered among the three before it leads,
    so leading never changes which three are shown (see ``Matcher._learnt_leads``)."""
    return gates["LEARNT_OFFER_AT"] <= min(gates["LONG_LEARNT_LEADS_AT"], gates["LEARNT_LEADS_AT"])


class Replay:
    """The matcher's gates replayed on kept evidence, one answer code per message."""

    def __init__(self, matcher: Matcher, evidence: Sequence[Evidence]) -> None:
        self.matcher = matcher
        self.stand_in = _Remembered()
        matcher.learnt = self.stand_in  # type: ignore[assignment]
        self.evidence = evidence
        self._codes: dict[tuple[float, ...], np.ndarray] = {}

    def decide(
        self, evidence: Evidence, gates: Mapping[str, float]
    ) -> tuple[MatchStatus, list[tuple[float, int]]]:
        """What the matcher answers with these gates (as ``Matcher._decide``)."""
        matcher = self.matcher
        for name, value in gates.items():
            setattr(matcher, name, value)
        self.stand_in.near_off_topic = evidence.near_off_topic
        probabilities = evidence.probabilities
        status, ranked = matcher._judge(
            list(evidence.ranked), evidence.query, evidence.scores, probabilities
        )
        if probabilities is not None:
            ranked = matcher._offered(ranked, probabilities)
            status, ranked = matcher._learnt_leads(
                status, ranked, evidence.query, evidence.scores, probabilities
            )
            ranked = matcher._second_offered(ranked, probabilities)
        return status, ranked

    def codes(self, gates: Mapping[str, float]) -> np.ndarray:
        """Every message's answer code with these gates (remembered: folds share settings)."""
        key = tuple(gates[name] for name in NAMES)
        known = self._codes.get(key)
        if known is not None:
            return known
        codes = np.zeros(len(self.evidence), dtype=np.int8)
        entries = self.matcher.entries
        for number, evidence in enumerate(self.evidence):
            status, ranked = self.decide(evidence, gates)
            code = CONFIDENT if status == "confident" else 0
            if evidence.wanted:
                hits = [bool(evidence.wanted & set(entries[i].topics)) for _, i in ranked[:LIMIT]]
                code |= (FIRST if hits[:1] == [True] else 0) | (TOP3 if any(hits) else 0)
            codes[number] = code
        self._codes[key] = codes
        return codes


@dataclass(frozen=True)
class Messages:
    """Which set each message belongs to, whether it is in-domain, and how long it is."""

    sets: np.ndarray
    in_domain: np.ndarray
    long: np.ndarray


def tally(codes: np.ndarray, mask: np.ndarray, messages: Messages) -> dict[str, int]:
    """Top-3, confident and right, confident and wrong, off-topic confident, over ``mask``."""
    cases = mask & messages.in_domain
    confident = (codes & CONFIDENT) > 0
    first = (codes & FIRST) > 0
    return {
        "n": int(cases.sum()),
        "top3": int(((codes & TOP3) > 0)[cases].sum()),
        "right": int((confident & first)[cases].sum()),
        "wrong": int((confident & ~first)[cases].sum()),
        "off_topic_confident": int(confident[mask & ~messages.in_domain].sum()),
    }


def reward(counts: Mapping[str, int], wrong_costs: float) -> float:
    """What a choice is worth: right answers and top-3 hits, less the dangerous answers."""
    return (
        counts["right"]
        + counts["top3"]
        - wrong_costs * (counts["wrong"] + counts["off_topic_confident"])
    )


def _candidates(name: str, now: float, neighbours: bool) -> list[float]:
    """The values a gate may take next, nearest the present one first."""
    grid = sorted(GRIDS[name])
    if neighbours:
        below = [value for value in grid if value < now][-1:]
        above = [value for value in grid if value > now][:1]
        grid = below + above
    return sorted(grid, key=lambda value: abs(value - now))


def choose(
    replay: Replay,
    start: Mapping[str, float],
    mask: np.ndarray,
    messages: Messages,
    wrong_costs: float,
    least_gain: float = 1.0,
    neighbours: bool = False,
    passes: int = 3,
) -> dict[str, float]:
    """The gates that do best on the messages in ``mask``: coordinate ascent from ``start``.

    A gate moves only for a reward at least ``least_gain`` better, so with little to gain the
    values chosen before stand; between equally good values the one nearest the old stays.
    With ``neighbours``, a gate moves one step of its grid at a time (a climb, not a jump to a
    far value that fits these sets by chance).
    """
    gates = dict(start)
    best = reward(tally(replay.codes(gates), mask, messages), wrong_costs)
    for _ in range(passes):
        moved = False
        for name in NAMES:
            for value in _candidates(name, gates[name], neighbours):
                trial = {**gates, name: value}
                if value == gates[name] or not _valid(trial):
                    continue
                gained = reward(tally(replay.codes(trial), mask, messages), wrong_costs)
                if gained >= best + least_gain:
                    best, gates, moved = gained, trial, True
        if not moved:
            break
    return gates


def gather(
    sets: Mapping[str, EvalSet],
) -> tuple[Replay, list[str], Messages, dict[str, float]]:
    """Every read set's messages read by a matcher that learnt from the other sets only."""
    base = load_knowledge()
    entries = tuple(entry for entry in base.entries if base.applies(entry))
    shipped = {name: getattr(Matcher, name) for name in NAMES}
    evidence: list[Evidence] = []
    texts: list[str] = []
    owners: list[str] = []
    in_domain: list[bool] = []
    answers: list[tuple[str, list[str]]] = []
    matcher: Matcher | None = None
    for name, held_out in sets.items():
        started = time.perf_counter()
        questions = questions_without(sets, name)
        matcher = Matcher(entries, topics=base.taxonomy.topics, questions=questions)
        learnt = matcher.learnt
        assert learnt is not None
        messages = [(case.text, frozenset(case.topics)) for case in held_out.cases] + [
            (text, frozenset()) for text in (*held_out.negatives, *held_out.near_misses)
        ]
        for text, wanted in messages:
            query = matcher._query(text)
            ranked, scores = matcher._ranked(query)
            probabilities = learnt.probabilities(query.words) if ranked else None
            kept = Evidence(
                query=query,
                ranked=tuple(ranked),
                scores=scores,
                probabilities=probabilities,
                near_off_topic=learnt.nearest_off_topic(query.words),
                wanted=wanted,
            )
            evidence.append(kept)
            result = matcher.search(text, limit=LIMIT)
            answers.append((result.status, [match.entry.id for match in result.matches]))
            texts.append(text)
            owners.append(name)
            in_domain.append(bool(wanted))
        print(f"  {name:8} read, {time.perf_counter() - started:.1f} s", flush=True)
    assert matcher is not None
    # The last fold's matcher replays every fold: the entries and their scores are the same in
    # each, and only what the learnt opinion said (kept above) differs.
    replay = Replay(matcher, evidence)
    messages_of = Messages(
        sets=np.array(owners),
        in_domain=np.array(in_domain),
        long=np.array([len(text.split()) > LONG_WORDS for text in texts]),
    )
    check_replay(replay, answers, shipped)
    return replay, texts, messages_of, shipped


def check_replay(
    replay: Replay, answers: Sequence[tuple[str, list[str]]], shipped: Mapping[str, float]
) -> None:
    """Stop unless replaying the shipped gates answers every message as the matcher did.

    A rule changed in the matcher but not in the replay (or the other way round) would make
    every choice below meaningless.
    """
    for number, (evidence, answer) in enumerate(zip(replay.evidence, answers, strict=True)):
        status, ranked = replay.decide(evidence, shipped)
        shown = [replay.matcher.entries[index].id for _, index in ranked[:LIMIT]]
        if (status, shown) != answer:
            raise SystemExit(
                f"replaying the gates disagrees with the matcher on message {number}:"
                " the replay in benchmarks/choose_gates.py must follow Matcher._decide."
            )


def summary_rows(
    label: str, codes: np.ndarray, messages: Messages, names: Sequence[str]
) -> dict[str, dict[str, int]]:
    """The counts a change is judged by: all sets, long sets, long messages, terms sets."""
    everything = np.ones(len(codes), dtype=bool)
    rows = {
        "all": tally(codes, everything, messages),
        "long sets": tally(
            codes, np.isin(messages.sets, [s for s in LONG_SETS if s in names]), messages
        ),
        f"over {LONG_WORDS} words": tally(codes, messages.long, messages),
    }
    for name in (*LONG_SETS, *TERM_SETS):
        if name in names:
            rows[name] = tally(codes, messages.sets == name, messages)
    print(f"\n{label}: top-3 / confident and right / confident and wrong (off-topic confident)")
    for row, counts in rows.items():
        print(
            f"  {row:16} {counts['top3']:>5,} / {counts['right']:>5,} / {counts['wrong']:>3,}"
            f" of {counts['n']:>5,}  ({counts['off_topic_confident']})"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    """Choose the gates nested and on every read set; print the left-out counts; write them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--without", nargs="*", default=[], help="read sets to leave out")
    parser.add_argument("--wrong-costs", type=float, default=10.0)
    parser.add_argument(
        "--least-gain", type=float, default=5.0, help="reward a gate must gain to move"
    )
    parser.add_argument(
        "--jump",
        action="store_true",
        help="let a gate move to any value of its grid, not one step at a time",
    )
    parser.add_argument(
        "--evidence",
        type=Path,
        help="keep what the matchers said in this file, and read it back if it is there"
        " (the entries and read sets must not have changed in between)",
    )
    parser.add_argument("--write", action="store_true", help="write knowledge/gates.json")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--write-from",
        type=Path,
        help="write knowledge/gates.json from a saved run's choice (its --output); choose nothing",
    )
    args = parser.parse_args(argv)
    if args.write_from is not None:
        saved = json.loads(args.write_from.read_text(encoding="utf-8"))
        path = default_knowledge_dir() / GATES_FILE
        write_gates(path, Gates.model_validate(saved["chosen"]), list(saved["folds"]))
        print(f"wrote {path}")
        return 0
    names = [name for name in READ_SETS if name not in args.without]
    if SEALED & set(names):
        raise SystemExit("a sealed set is listed as read; it must never be measured here")
    sets = {name: read_set(name, SETS[name]) for name in names}
    print(f"reading {len(sets)} read sets, each by a matcher that learnt from the others")
    if args.evidence is not None and args.evidence.exists():
        with args.evidence.open("rb") as kept:
            evidence, texts, messages, shipped = pickle.load(kept)
        base = load_knowledge()
        entries = tuple(entry for entry in base.entries if base.applies(entry))
        replay = Replay(Matcher(entries, topics=base.taxonomy.topics), evidence)
    else:
        replay, texts, messages, shipped = gather(sets)
        if args.evidence is not None:
            with args.evidence.open("wb") as kept:
                pickle.dump((replay.evidence, texts, messages, shipped), kept)
    print("replaying the shipped gates answers as the matcher does")
    before = replay.codes(shipped)
    results: dict[str, object] = {
        "sets": names,
        "shipped": shipped,
        "wrong_costs": args.wrong_costs,
    }
    results["before"] = summary_rows("shipped gates, left out", before, messages, names)
    nested = np.zeros_like(before)
    folds: dict[str, dict[str, float]] = {}
    for name in names:
        started = time.perf_counter()
        chosen = choose(
            replay,
            shipped,
            messages.sets != name,
            messages,
            args.wrong_costs,
            args.least_gain,
            not args.jump,
        )
        folds[name] = chosen
        held = messages.sets == name
        nested[held] = replay.codes(chosen)[held]
        moved = {gate: value for gate, value in chosen.items() if value != shipped[gate]}
        print(f"  fold {name:8} {time.perf_counter() - started:5.1f} s  {moved}", flush=True)
    results["nested"] = summary_rows("chosen nested, left out", nested, messages, names)
    everywhere = choose(
        replay,
        shipped,
        np.ones(len(texts), dtype=bool),
        messages,
        args.wrong_costs,
        args.least_gain,
        not args.jump,
    )
    results["chosen"] = everywhere
    results["folds"] = folds
    results["after"] = summary_rows(
        "chosen on every read set, left out (not honest)",
        replay.codes(everywhere),
        messages,
        names,
    )
    agreeing = {
        gate: sum(fold[gate] == everywhere[gate] for fold in folds.values()) for gate in NAMES
    }
    print("\ngate                     shipped -> chosen  (folds choosing the same)")
    for gate in NAMES:
        print(
            f"  {gate:24} {shipped[gate]:>6} -> {everywhere[gate]:<6}"
            f" ({agreeing[gate]} of {len(folds)})"
        )
    by_set = {}
    for name in names:
        held = messages.sets == name
        by_set[name] = {
            "before": tally(before, held, messages),
            "nested": tally(nested, held, messages),
        }
    results["by_set"] = by_set
    print("\nby set, left out: shipped gates -> chosen nested (top-3 / right / wrong of n)")
    for name, row in by_set.items():
        b, a = row["before"], row["nested"]
        print(
            f"  {name:8} {b['top3']:>4} / {b['right']:>4} / {b['wrong']:>3}"
            f"  ->  {a['top3']:>4} / {a['right']:>4} / {a['wrong']:>3}  of {b['n']}"
        )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"saved {args.output}")
    if args.write:
        path = default_knowledge_dir() / GATES_FILE
        write_gates(path, Gates.model_validate(everywhere), names)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
