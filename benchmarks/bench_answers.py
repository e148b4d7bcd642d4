"""Does guidebot read officers' answers as a colleague would? Answer reading, by kind.

Run from the repository root::

    .venv/bin/python benchmarks/bench_answers.py [--sets a,b] [--output PATH] [--unseal]

Each answer of a set is sent at its question (a fresh state sitting there) or, for ``menu``,
as the opening message, and what the engine took is compared with what an experienced
colleague would take (``expect``):

* a yes/no question: ``yes``, ``no``, ``unsure`` or ``ask-again``; a choice: the option id or
  ``ask-again``; a number or duration: the band id or ``ask-again`` (durations at 22:13 on a
  Wednesday, UK time, as the set says);
* a checklist or free answer: ``{covered: [points]}``, the points taken as done or present;
* the menu: ``{flow: id, answers: {first step: answer}}``.

Also counted: answers interrupted by the protect-first prompt (danger told in the answer), and
"safe side" readings, where doubt was recorded and counted as yes for safety though the colleague
read a plain yes. The sets were written blind to the code (``benchmarks/data``): ``a`` is read
for development, ``b`` is SEALED (only totals, unless ``--unseal``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.channels import load_flows  # noqa: E402
from bot.engine import Conversation, Engine, Text  # noqa: E402
from bot.engine._golden import PROTECT_FIRST_WORDS  # noqa: E402
from bot.knowledge import load_knowledge  # noqa: E402
from bot.language import read_yaml  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
SETS = {"a": DATA / "answers_blind_a.yaml", "b": DATA / "answers_blind_b.yaml"}
SEALED = {"b"}
NOW = dt.datetime(2026, 12, 2, 22, 13, tzinfo=ZoneInfo("Europe/London")).timestamp()
"""Wednesday 2 December 2026, 22:13 in London: the time the sets' durations are read at."""


def _state(flow: str, step: str) -> Conversation:
    if flow == "menu":
        return Conversation(expires_at=NOW + 1800)
    return Conversation(phase="step", flow=flow, step=step, expires_at=NOW + 1800)


def read(engine: Engine, row: dict[str, Any]) -> tuple[Any, bool]:
    """What the engine took from one answer, and whether it interrupted with protect-first."""
    flow, step = row["flow"], row.get("step", "")
    result = engine.step(_state(flow, step), Text(row["text"], NOW))
    state = result.state
    said = " ".join(e.text for e in result.replies).lower()
    protect = PROTECT_FIRST_WORDS in said
    if flow == "menu":
        if state.flow is None or state.phase == "menu":
            return {"flow": None}, protect
        taken = {a.step: a.outcome for a in state.answers}
        return {"flow": state.flow, "answers": taken}, protect
    answer = state.answer_to(step)
    kind = engine.flows[flow].step(step).kind
    if kind in ("checklist", "text"):
        if answer is not None:
            return {"covered": sorted(answer.covered)}, protect
        if state.step == step and state.pending is not None:
            return {"covered": sorted(state.pending)}, protect
        return {"covered": [], "ask-again": True}, protect
    return (answer.outcome if answer is not None else "ask-again"), protect


def _matches(expect: Any, got: Any) -> bool:
    if isinstance(expect, dict) and "flow" in expect:
        if got.get("flow") != expect["flow"]:
            return False
        wanted = expect.get("answers") or {}
        return all(got.get("answers", {}).get(k) == v for k, v in wanted.items())
    if isinstance(expect, dict):
        if expect.get("ask-again"):
            return bool(got.get("ask-again"))
        return sorted(expect.get("covered") or []) == got.get("covered")
    return expect == got


def measure(engine: Engine, name: str, path: Path, unseal: bool) -> dict[str, Any]:
    """Every answer of one set, scored by kind."""
    rows = read_yaml(path.read_text(encoding="utf-8"))["answers"]
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    interrupted = safe_side = 0
    failures: list[dict[str, Any]] = []
    for row in rows:
        got, protect = read(engine, row)
        kind = row.get("kind", "")
        total[kind] += 1
        ok = _matches(row["expect"], got)
        if not ok and row["expect"] == "yes" and got == "unsure":
            safe_side += 1
        if protect and not (row["flow"] == "initial-contact" and row.get("step") == "danger"):
            interrupted += 1
        right[kind] += ok
        if not ok:
            failures.append(
                {
                    "at": f"{row['flow']}/{row.get('step', '')}",
                    "text": row["text"],
                    "expect": row["expect"],
                    "got": got,
                    "protect_first": protect,
                }
            )
    result: dict[str, Any] = {
        "set": name,
        "answers": len(rows),
        "right": round(sum(right.values()) / max(len(rows), 1), 4),
        "by_kind": {k: round(right[k] / total[k], 3) for k in sorted(total)},
        "safe_side": safe_side,
        "interrupted": interrupted,
    }
    if name not in SEALED or unseal:
        result["failures"] = failures
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default="a,b")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks/results/answers.json")
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
    kinds = sorted({k for r in results for k in r["by_kind"]})
    header = f"{'set':4} {'n':>4} {'right':>6} " + " ".join(f"{k[:10]:>10}" for k in kinds)
    header += f" {'safe':>5} {'intr':>5}"
    print(header)
    print("-" * len(header))
    for r in results:
        cells = " ".join(f"{r['by_kind'].get(k, float('nan')):10.3f}" for k in kinds)
        print(
            f"{r['set']:4} {r['answers']:4} {r['right']:6.3f} {cells} "
            f"{r['safe_side']:5} {r['interrupted']:5}"
        )
    if not args.quiet:
        grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in results:
            for failure in r.get("failures", []):
                grouped[r["set"]].append(failure)
            if r["set"] in SEALED and not args.unseal:
                print(f"[{r['set']}] sealed: failures not shown (--unseal shows them)")
        for name, failures in grouped.items():
            for f in failures:
                flag = " [protect-first]" if f["protect_first"] else ""
                print(
                    f"[{name}] {f['at']}: {f['text']!r} expected {f['expect']} got {f['got']}{flag}"
                )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    saved = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "sets": results,
    }
    args.output.write_text(json.dumps(saved, indent=2) + "\n", encoding="utf-8")
    print(f"saved {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
