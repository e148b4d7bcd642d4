"""The tamper-evident audit log's cost: appending, verifying, proving (issue 10).

Run with ``.venv/bin/python benchmarks/bench_audit.py`` (``--events 1000000`` by default; a
few minutes, most of it building the log). Prints a table and writes
``benchmarks/results/audit.json``. The aims: 10,000 events a second appended (batched, WAL);
``verify`` over 1 million events under 10 s; an inclusion proof under 10 ms. Each is given in
wall time and in this process's CPU time (on a shared machine the wall time is mostly waiting).

Appending goes through :meth:`bot.store.Store.save`, as the session layer does, ten events a
save (a typical step logs two to four, so this is the batched case). The million-event log is
then built with the store's own append in large transactions, and ``verify`` and ``prove`` run
over it exactly as the CLI runs them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import DATABASE  # noqa: E402
from bot.audit.log import prove, sign_checkpoint, signing_key, verify  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.store._audit import append_events  # noqa: E402
from bot.store._sqlite import write_transaction  # noqa: E402

EVENT = {
    "kind": "answer",
    "flow": "initial-contact",
    "step": "danger",
    "outcome": "no",
    "at": 1_800_000_000.5,
    "run": 1,
    "seq": 4,
    "version": "3f2a9c1e",
    "step_seconds": 12.5,
    "channel": "telegram",
}


def measure_append(folder: Path, saves: int, per_save: int) -> dict[str, float]:
    """Events a second through Store.save, ``per_save`` events a save, fsync as configured."""
    with Store.open(folder / DATABASE) as store:
        started = time.perf_counter()
        cpu = time.process_time()
        for number in range(saves):
            store.save(
                f"c-{number}",
                {"phase": "step"},
                expected_version=0,
                audit=[EVENT] * per_save,
                now=1_800_000_000.0 + number,
            )
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu
    events = saves * per_save
    return {
        "events": events,
        "seconds": seconds,
        "events_per_s": events / seconds,
        "events_per_cpu_s": events / cpu_seconds,
    }


def build_log(folder: Path, events: int, batch: int = 20_000) -> float:
    """A log of ``events`` events, built in large transactions; seconds taken."""
    text = json.dumps(EVENT, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    started = time.perf_counter()
    with Store.open(folder / DATABASE) as store:
        db = store._db  # the benchmark builds at full speed; the store's own append is used
        done = 0
        while done < events:
            count = min(batch, events - done)
            with write_transaction(db):
                append_events(db, f"c-{done}", 1_800_000_000.0 + done, [text] * count)
            done += count
        sign_checkpoint(store, signing_key(folder), now=time.time(), reason="benchmark")
    return time.perf_counter() - started


def main() -> None:
    """Measure and print; save the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--saves", type=int, default=2_000)
    parser.add_argument("--proofs", type=int, default=5)
    parser.add_argument(
        "--output", type=Path, default=ROOT / "benchmarks" / "results" / "audit.json"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        append = measure_append(Path(scratch), args.saves, 10)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        built = build_log(folder, args.events)
        with Store.open(folder / DATABASE) as store:
            signer = signing_key(folder)
            started = time.perf_counter()
            cpu = time.process_time()
            report = verify(store, signer.verifier)
            verify_s = time.perf_counter() - started
            verify_cpu_s = time.process_time() - cpu
            assert report.ok, report.problems
            proof_times = []
            proof_cpu = []
            for number in range(args.proofs):
                event = 1 + (number * 7919) % args.events
                started = time.perf_counter()
                cpu = time.process_time()
                prove(store, signer, event, now=time.time())
                proof_times.append(time.perf_counter() - started)
                proof_cpu.append(time.process_time() - cpu)
    results = {
        "machine": platform.machine(),
        "python": platform.python_version(),
        "append_events_per_s": round(append["events_per_s"]),
        "append_events_per_cpu_s": round(append["events_per_cpu_s"]),
        "events": args.events,
        "build_s": round(built, 2),
        "verify_s": round(verify_s, 2),
        "verify_cpu_s": round(verify_cpu_s, 2),
        "proof_ms_median": round(statistics.median(proof_times) * 1000, 1),
        "proof_cpu_ms_median": round(statistics.median(proof_cpu) * 1000, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    # CPU time beside wall time: on a shared machine the wall time is mostly other jobs.
    print(f"{'measure':40} {'wall':>10} {'CPU':>10}  aim")
    appended = results["append_events_per_s"]
    per_cpu = results["append_events_per_cpu_s"]
    print(f"{'append (Store.save, 10 a save) events/s':40} {appended:>10} {per_cpu:>10}  10000")
    print(
        f"{'verify ' + str(args.events) + ' events, s':40} {results['verify_s']:>10} "
        f"{results['verify_cpu_s']:>10}  < 10"
    )
    print(
        f"{'inclusion proof, median ms':40} {results['proof_ms_median']:>10} "
        f"{results['proof_cpu_ms_median']:>10}  < 10"
    )
    print(f"{'(building the log, s)':40} {results['build_s']:>12}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nSaved {args.output}")


if __name__ == "__main__":
    main()
