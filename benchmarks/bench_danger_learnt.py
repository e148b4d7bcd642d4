"""How well does the learnt danger opinion generalise? Leave one read set out at a time.

Run from the repository root::

    .venv/bin/python benchmarks/bench_danger_learnt.py [--sets dev,a,c] [--catch 0.9]

For each read set (never a sealed one: they are refused), the learnt opinion is trained on
every other read set (and the read answers set's plain answers, as the shipped examples are)
and measured on the one left out, at the detector (each message read
once): alone, at 0.5 and at the shipped threshold (``LEARNT_CATCH``) or ``--catch``; and
combined with the cues as the product combines them (``learnt_says``: the learnt opinion at the
threshold where the cues found no cue word and set nothing aside, and the cues' danger set
aside where it is below ``LEARNT_QUIET`` or ``--quiet`` in a long enough message with no plea
for help, no word of now and no kind it may not set aside). The cues were tuned on every read
set, so the cues' figures flatter them; the learnt opinion's figures alone, and what it adds
to or takes from the cues, are honest estimates of what it does on fresh text, since it never
saw the set it is measured on.

Also timed: reading every line with and without the learnt opinion (CPU, median of repeats),
and training it once on every read set. A table is printed and the numbers saved as JSON
(default ``benchmarks/results/danger_learnt.json``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_danger import SEALED, SETS, _rows  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))
from make_danger_examples import plain_answers  # noqa: E402

from bot.engine._danger import (  # noqa: E402
    LEARNT_CATCH,
    LEARNT_CATCH_SHORT,
    LEARNT_FEWEST_WORDS,
    LEARNT_OVERRULE,
    LEARNT_QUIET,
    LEARNT_QUIET_NOW,
    DangerCues,
    DangerReading,
    _learnt_words,
    learnt_line,
    learnt_says,
)
from bot.engine._danger_learnt import LearntDanger, Word  # noqa: E402


def _share(hits: int, of: int) -> float:
    return round(hits / max(of, 1), 4)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    read_sets = [n for n, p in SETS.items() if n not in SEALED and p.is_file()]
    parser.add_argument("--sets", default=",".join(read_sets), help="the sets left out in turn")
    parser.add_argument("--catch", type=float, default=LEARNT_CATCH, help="threshold to raise")
    parser.add_argument("--quiet", type=float, default=LEARNT_QUIET, help="threshold to quiet")
    parser.add_argument(
        "--overrule", type=float, default=LEARNT_OVERRULE, help="threshold to raise over or past"
    )
    parser.add_argument(
        "--quiet-now",
        type=float,
        default=LEARNT_QUIET_NOW,
        help="threshold to quiet danger told as now in a long report",
    )
    parser.add_argument("--sweep", action="store_true", help="combined at other thresholds")
    parser.add_argument("--repeats", type=int, default=3, help="timing repeats")
    parser.add_argument(
        "--misses", action="store_true", help="list each read set's combined misses and alarms"
    )
    parser.add_argument(
        "--output", type=Path, default=ROOT / "benchmarks/results/danger_learnt.json"
    )
    args = parser.parse_args()
    held_out = [name for name in args.sets.split(",") if name in read_sets]
    if any(name in SEALED for name in args.sets.split(",")):
        print("sealed sets are never measured here", file=sys.stderr)
        return 2
    cues = DangerCues()
    shipped = cues.learnt
    cues.learnt = None  # the cues alone, for their readings
    lines: dict[str, list[tuple[list[Word], bool, DangerReading, int, bool]]] = {}
    told_as: dict[str, list[tuple[str, str]]] = {}  # each line's text and kind, for --misses
    texts: list[str] = []
    for name in read_sets:
        danger, ordinary = _rows(SETS[name])
        rows = []
        told_as[name] = []
        for label, items in ((True, danger), (False, ordinary)):
            for row in items:
                told_as[name].append((row["text"], row["kind"]))
                reading = cues.read(row["text"])
                tokens = cues._tokens(row["text"])
                said = _learnt_words(tokens)
                told = len(tokens) - cues._answered(tokens) if tokens else 0
                rows.append((said, label, reading, told, cues.keeps(tokens, reading)))
                texts.append(row["text"])
        lines[name] = rows
    results: list[dict[str, Any]] = []
    scored: list[tuple[float, bool, DangerReading, int, bool]] = []
    answers = []
    for text in plain_answers():
        tokens = cues._tokens(text)
        answers.append((_learnt_words(tokens), False, cues._learnt_line(tokens)))
    totals = dict.fromkeys(("d", "o", "a5", "f5", "ac", "fc", "rc", "rf", "cc", "cf"), 0)
    for name in held_out:
        learnt = LearntDanger(
            [
                *(
                    (said, label, learnt_line(reading, told, kept))
                    for other, rows in lines.items()
                    if other != name
                    for said, label, reading, told, kept in rows
                ),
                *answers,
            ]
        )
        counts = dict.fromkeys(totals, 0)
        for (said, label, reading, told, kept), (text, kind) in zip(
            lines[name], told_as[name], strict=True
        ):
            p = learnt.probability(said)
            scored.append((p, label, reading, told, kept))
            alone5, alone = p >= 0.5, p >= args.catch
            combined = learnt_says(
                reading,
                told,
                p,
                args.catch,
                args.quiet,
                kept,
                args.overrule,
                quiet_now=args.quiet_now,
            )
            if args.misses and combined != label:
                print(
                    f"[{name}] {'miss' if label else 'alarm'} {kind or '-'} p={p:.3f} "
                    f"cues={','.join(reading.kinds) or '-'} "
                    f"quieted={','.join(sorted(reading.quieted)) or '-'} now={reading.now} "
                    f"kept={kept} words={told}: {text}"
                )
            rules = bool(reading)
            side = "d" if label else "o"
            counts[side] += 1
            for key, fired in (("5", alone5), ("c", alone)):
                counts[("a" if label else "f") + key] += fired
            counts["r" + ("c" if label else "f")] += rules
            counts["c" + ("c" if label else "f")] += combined
        for key in totals:
            totals[key] += counts[key]
        results.append({"set": name, **counts})
    results.append({"set": "ALL", **totals})
    # CPU per message, the cues alone against the cues with the shipped learnt opinion.
    timing: dict[str, list[float]] = {"cues": [], "with learnt": []}
    for _ in range(args.repeats):
        for label, opinion in (("cues", None), ("with learnt", shipped)):
            cues.learnt = opinion
            started = time.process_time()
            for text in texts:
                cues.read(text)
            timing[label].append((time.process_time() - started) * 1000 / len(texts))
    started = time.process_time()
    LearntDanger(
        [
            *(
                (s, label, learnt_line(reading, told, kept))
                for rows in lines.values()
                for s, label, reading, told, kept in rows
            ),
            *answers,
        ]
    )
    train_s = time.process_time() - started
    header = (
        f"{'set':5} {'danger':>6} {'ordin':>6} | {'alone .5':>13} | "
        f"{f'alone {args.catch:g}':>13} | {'cues':>13} | {'combined':>13}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        d, o = r["d"], r["o"]
        cells = [
            f"{_share(r[c], d):.3f} {_share(r[f], o):.3f}".rjust(13)
            for c, f in (("a5", "f5"), ("ac", "fc"), ("rc", "rf"), ("cc", "cf"))
        ]
        print(f"{r['set']:5} {d:6} {o:6} | " + " | ".join(cells))
    sweep = []
    if args.sweep:
        print("combined over the sets left out, by threshold (caught, false alarms):")
        d = sum(1 for row in scored if row[1])
        o = len(scored) - d
        catches = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.01)
        settings = [(catch, args.quiet, args.overrule) for catch in catches]
        settings += [
            (args.catch, quiet, args.overrule) for quiet in (0.0, 0.02, 0.05, 0.08, 0.1, 0.15, 0.2)
        ]
        settings += [
            (args.catch, args.quiet, overrule)
            for overrule in (0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 1.01)
        ]
        settings4 = [(*setting, LEARNT_FEWEST_WORDS) for setting in settings]
        settings4 += [(args.catch, args.quiet, args.overrule, fewest) for fewest in (3, 5, 6)]
        settings4 += [(0.85, args.quiet, args.overrule, fewest) for fewest in (5, 6)]
        settings5 = [(*setting, args.quiet_now) for setting in settings4]
        settings5 += [
            (args.catch, args.quiet, args.overrule, LEARNT_FEWEST_WORDS, quiet_now)
            for quiet_now in (0.0, 0.01, 0.02, 0.03, 0.05, 0.08)
        ]
        settings6 = [(*setting, LEARNT_CATCH_SHORT) for setting in settings5]
        settings6 += [
            (args.catch, args.quiet, args.overrule, LEARNT_FEWEST_WORDS, args.quiet_now, short)
            for short in (0.9, 0.93, 0.95, 0.97, 0.99)
        ]
        for catch, quiet, overrule, fewest, quiet_now, short in settings6:
            caught = alarms = 0
            for p, label, reading, said, kept in scored:
                fired = learnt_says(
                    reading, said, p, catch, quiet, kept, overrule, fewest, quiet_now, short
                )
                caught += fired and label
                alarms += fired and not label
            sweep.append(
                {
                    "catch": catch,
                    "quiet": quiet,
                    "overrule": overrule,
                    "fewest": fewest,
                    "quiet_now": quiet_now,
                    "catch_short": short,
                    "c": caught,
                    "a": alarms,
                }
            )
            print(
                f"  catch {catch:4.2f} quiet {quiet:4.2f} overrule {overrule:5.3f} "
                f"fewest {fewest} quiet now {quiet_now:4.2f} short {short:4.2f}: "
                f"{caught}/{d} {_share(caught, d):.3f}, {alarms}/{o} {_share(alarms, o):.3f}"
            )
    ms = {label: round(statistics.median(values), 3) for label, values in timing.items()}
    print(
        f"CPU per message (median of {args.repeats}): cues {ms['cues']} ms, with learnt "
        f"{ms['with learnt']} ms ({ms['with learnt'] / ms['cues']:.2f}x); "
        f"training on every read set {train_s:.1f} s"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    saved = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "catch": args.catch,
        "quiet": args.quiet,
        "columns": "d/o: lines; a5/f5 and ac/fc: learnt alone at 0.5 and at catch, caught of "
        "danger and alarms of ordinary; rc/rf: cues alone; cc/cf: combined",
        "sets": results,
        "sweep": sweep,
        "cpu_ms_per_message": ms,
        "train_seconds": round(train_s, 2),
    }
    args.output.write_text(json.dumps(saved, indent=2) + "\n", encoding="utf-8")
    print(f"saved {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
