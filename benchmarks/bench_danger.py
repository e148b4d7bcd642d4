"""Is danger now caught wherever the officer is, and only then? Protect-first by position.

Run from the repository root::

    .venv/bin/python benchmarks/bench_danger.py [--sets dev,a,c,d] [--output PATH] [--unseal]

Each message of a set is sent from the menu and from every question of every flow (a fresh
state sitting there), and the replies are checked for the protect-first prompt. A ``danger``
message must bring it at every position; an ``ordinary`` one at none. The product is judged
on a held-out set of the same kinds (at least 95% caught, at most 10% false alarms).

Sets (``benchmarks/data`` unless said):

* ``dev``: ``tests/data/danger_dev.yaml``, the shared development set;
* ``a``: written blind, then read for development after its first measure;
* ``b``: written blind with ``a``, SEALED: only its totals are printed or saved unless
  ``--unseal`` is given, so it can still measure honestly;
* ``c`` (radio and voice-to-text), ``d`` (rambling), ``e`` (terse), ``f`` (at a question),
  ``g`` and ``h`` (mixed, with everyday uses of danger words), ``i`` (mixed, dialects), ``j``
  (answers at the flows' questions), ``k`` (voice notes and long updates): written blind by
  other writers, read for development after their first measures. Their first measures, the
  honest ones, are kept in ``benchmarks/README.md``;
* ``q``, ``s`` and ``t``: written blind later and sealed like ``b`` until 3 December 2026
  (measured only in totals before and after each round), read for development since;
* ``w``: written blind later, sealed like ``b`` until the afternoon of 3 December 2026, read
  since;
* ``x`` and ``zz``: written blind later, sealed like ``b`` until the evening of 3 December 2026
  (``zz`` measured in totals twice, ``x`` over several rounds), read since;
* ``u``, ``y``, ``z``, ``aa`` and ``ab``: written blind later and SEALED like ``b`` (totals
  only);
* ``ac`` (long end-of-job updates and handovers, one danger in passing): written blind later,
  sealed like ``b`` until 4 December 2026 (measured once, in totals), read since;
* ``ad`` (questions and hypotheticals: "what do I do, he has a knife" against "what if a kid
  ever has a knife"): written blind on 4 December 2026, sealed like ``b`` until the evening of
  that day (measured in totals twice), read since;
* ``ae`` (one-thumb text-speak answers to the bot's questions, danger slipped in): written blind
  on 4 December 2026 and SEALED like ``b``; ``af`` (questions and hypotheticals again, by
  another writer, to judge work on ``ad``): written blind at the end of that day, sealed until
  the night of 4 December 2026 (measured in totals twice), read since;
* ``ag`` (regional English and street words: bairn, our kid, a shank, "mam'll kill me"):
  written blind on the evening of 4 December 2026, sealed until that night (measured in totals
  twice), read since; ``ah`` (the same kind, by another writer, written blind that evening and
  read for development at once);
* ``ai`` (questions and hypotheticals, a third writer) and ``aj`` (regional English and street
  words, a third writer): written blind at the end of 4 December 2026 and SEALED like ``b``,
  so a later round can read ``af`` and ``ag`` and still be judged on their kinds;
* ``ak`` (history and the present in one message: past harm, records, bail and disclosures
  told with how things stand now): written blind on the night of 4 December 2026 and SEALED
  like ``b``; ``al`` (the same kind, by another writer, written blind that night and read for
  development at once: the round's work on the kind is judged by ``ak``); ``am`` (the same
  kind, a third writer): written blind that night, sealed (measured in totals twice) and read
  since 5 December 2026 for that kind's next round, judged by ``ak`` and ``an``;
* ``an`` (the same kind, a fourth writer: what others and the records said, then how things
  stand as the officer types): written blind on 5 December 2026, sealed (measured in totals
  twice: 89.9 / 6.0, then 91.8 / 6.0), and read by the lead that night (its misses looked at
  when reading it was tried: regenerating the danger examples with it cost three catches on
  the other read sets, so they were not regenerated until the learnt opinion was refitted on
  each line's own threshold, branch ``h-then``); ``ao`` (the same kind and brief, a fifth
  writer): written blind later that day and SEALED, judging with ``ak`` the rounds that read
  ``an``; ``ap`` (the same kind, a sixth writer: a running account of a live job, from before
  to now, where the newest part decides): written blind early on 5 December 2026 and SEALED,
  first measured on the round that reads ``an`` properly;
* ``v``: written blind on 3 December 2026, measured once by the lead, then read: the
  validation set the learnt danger opinion's thresholds were chosen on.

Also measured: the detector alone (each message read once), and the time to read a message.
A table is printed and the numbers saved as JSON (default ``benchmarks/results/danger.json``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.channels import load_flows  # noqa: E402
from bot.engine import Engine, positions, protects_first  # noqa: E402
from bot.knowledge import load_knowledge  # noqa: E402
from bot.language import read_yaml  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
SETS: dict[str, Path] = {
    "dev": ROOT / "tests" / "data" / "danger_dev.yaml",
    "a": DATA / "danger_blind_a.yaml",
    "b": DATA / "danger_blind_b.yaml",
    "c": DATA / "danger_blind_c.yaml",
    "d": DATA / "danger_blind_d.yaml",
    "e": DATA / "danger_blind_e.yaml",
    "f": DATA / "danger_blind_f.yaml",
    "g": DATA / "danger_blind_g.yaml",
    "h": DATA / "danger_blind_h.yaml",
    "i": DATA / "danger_blind_i.yaml",
    "j": DATA / "danger_blind_j.yaml",
    "k": DATA / "danger_blind_k.yaml",
    "l": DATA / "danger_blind_l.yaml",
    "m": DATA / "danger_blind_m.yaml",
    "n": DATA / "danger_blind_n.yaml",
    "o": DATA / "danger_blind_o.yaml",
    "p": DATA / "danger_blind_p.yaml",
    "q": DATA / "danger_blind_q.yaml",
    "r": DATA / "danger_blind_r.yaml",
    "s": DATA / "danger_blind_s.yaml",
    "t": DATA / "danger_blind_t.yaml",
    "u": DATA / "danger_blind_u.yaml",
    "v": DATA / "danger_blind_v.yaml",
    "w": DATA / "danger_blind_w.yaml",
    "x": DATA / "danger_blind_x.yaml",
    "y": DATA / "danger_blind_y.yaml",
    "z": DATA / "danger_blind_z.yaml",
    "zz": DATA / "danger_blind_zz.yaml",
    "aa": DATA / "danger_blind_aa.yaml",
    "ab": DATA / "danger_blind_ab.yaml",
    "ac": DATA / "danger_blind_ac.yaml",
    "ad": DATA / "danger_blind_ad.yaml",
    "ae": DATA / "danger_blind_ae.yaml",
    "af": DATA / "danger_blind_af.yaml",
    "ag": DATA / "danger_blind_ag.yaml",
    "ah": DATA / "danger_blind_ah.yaml",
    "ai": DATA / "danger_blind_ai.yaml",
    "aj": DATA / "danger_blind_aj.yaml",
    "ak": DATA / "danger_blind_ak.yaml",
    "al": DATA / "danger_blind_al.yaml",
    "am": DATA / "danger_blind_am.yaml",
    "an": DATA / "danger_blind_an.yaml",
    "ao": DATA / "danger_blind_ao.yaml",
    "ap": DATA / "danger_blind_ap.yaml",
}
SEALED = {"b", "u", "y", "z", "aa", "ab", "ae", "ai", "aj", "ak", "ao", "ap"}
NOW = 1_700_000_100.0


def _rows(path: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    data = read_yaml(path.read_text(encoding="utf-8"))

    def rows(items: list[Any]) -> list[dict[str, str]]:
        return [
            {"kind": "", **item} if isinstance(item, dict) else {"text": item, "kind": ""}
            for item in items
        ]

    return rows(data["danger"]), rows(data["ordinary"])


def measure(engine: Engine, name: str, path: Path, unseal: bool) -> dict[str, Any]:
    """Every message of one set at every position, and the detector alone."""
    danger, ordinary = _rows(path)
    places = positions(engine.flows)
    missed: Counter[str] = Counter()
    alarms: Counter[str] = Counter()
    kinds_missed: Counter[str] = Counter()
    kinds_alarmed: Counter[str] = Counter()
    for place in places:
        for row in danger:
            if not protects_first(engine, place, row["text"], NOW):
                missed[row["text"]] += 1
                kinds_missed[row["kind"]] += 1
        for row in ordinary:
            if protects_first(engine, place, row["text"], NOW):
                alarms[row["text"]] += 1
                kinds_alarmed[row["kind"]] += 1
    timings: list[float] = []
    alone_caught = alone_alarms = 0
    for row in danger + ordinary:
        started = time.perf_counter_ns()
        found = bool(engine.danger.read(row["text"]))
        timings.append((time.perf_counter_ns() - started) / 1e6)
        if row in danger:
            alone_caught += found
        else:
            alone_alarms += found
    danger_steps = len(danger) * len(places)
    ordinary_steps = len(ordinary) * len(places)
    result: dict[str, Any] = {
        "set": name,
        "danger": len(danger),
        "ordinary": len(ordinary),
        "positions": len(places),
        "caught": round(1 - sum(missed.values()) / max(danger_steps, 1), 4),
        "false_alarms": round(sum(alarms.values()) / max(ordinary_steps, 1), 4),
        "caught_everywhere": round(1 - len(missed) / max(len(danger), 1), 4),
        "detector_caught": round(alone_caught / max(len(danger), 1), 4),
        "detector_false_alarms": round(alone_alarms / max(len(ordinary), 1), 4),
        "read_ms_median": round(statistics.median(timings), 3),
        "read_ms_max": round(max(timings), 3),
    }
    if name not in SEALED or unseal:
        result["missed_by_kind"] = dict(kinds_missed)
        result["alarms_by_kind"] = dict(kinds_alarmed)
        result["missed"] = [{"text": text, "positions": n} for text, n in missed.most_common()]
        result["alarms"] = [{"text": text, "positions": n} for text, n in alarms.most_common()]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default=",".join(n for n, p in SETS.items() if p.is_file()))
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks/results/danger.json")
    parser.add_argument("--unseal", action="store_true", help="show the sealed set's failures")
    parser.add_argument("--quiet", action="store_true", help="print the table only")
    args = parser.parse_args()
    knowledge = load_knowledge()
    engine = Engine(load_flows(knowledge), knowledge)
    results = [
        measure(engine, name, SETS[name], args.unseal)
        for name in args.sets.split(",")
        if name in SETS and SETS[name].is_file()
    ]
    header = (
        f"{'set':5} {'danger':>6} {'ordin':>6} {'pos':>4} {'caught':>7} {'alarms':>7} "
        f"{'every':>6} {'det.c':>6} {'det.a':>6} {'ms med':>7} {'ms max':>7}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['set']:5} {r['danger']:6} {r['ordinary']:6} {r['positions']:4} "
            f"{r['caught']:7.3f} {r['false_alarms']:7.3f} {r['caught_everywhere']:6.3f} "
            f"{r['detector_caught']:6.3f} {r['detector_false_alarms']:6.3f} "
            f"{r['read_ms_median']:7.3f} {r['read_ms_max']:7.3f}"
        )
    if not args.quiet:
        for r in results:
            for key in ("missed", "alarms"):
                for row in r.get(key, [])[:40]:
                    print(
                        f"[{r['set']}] {key[:-1] if key == 'alarms' else 'miss'} "
                        f"x{row['positions']}: {row['text']}"
                    )
            if r["set"] in SEALED and not args.unseal:
                print(f"[{r['set']}] sealed: failures not shown (--unseal shows them)")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    saved = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "sets": results,
    }
    args.output.write_text(json.dumps(saved, indent=2) + "\n", encoding="utf-8")
    print(f"saved {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
