"""The audit log read as a supervisor reads it: conversations' flow runs.

Each run goes from its start to how it ended, with the red flags raised and whether each was
acknowledged.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

ENDINGS = {"flow_completed": "completed", "cancelled": "cancelled", "expired": "expired"}
STARTS = frozenset({"flow_started", "practice_started"})
"""The events a run after the first menu begins with (``run`` counts flow starts)."""


@dataclass
class Run:
    """One flow run of one conversation: ``key:run`` names it in ``audit show``."""

    key: str
    run: int
    flow: str | None = None
    started_at: float | None = None
    ended_at: float | None = None
    ended: str = "open"
    channel: str | None = None
    practice: bool = False
    red_flags: list[str] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)
    events: list[Mapping[str, Any]] = field(default_factory=list)
    purged: bool = False
    """Its first events were emptied by retention: what is left is the run's later part."""

    @property
    def label(self) -> str:
        """The run's flow as listed: its id, "(menu)" before any flow, "(purged)" if unknown."""
        return self.flow or ("(purged)" if self.purged else "(menu)")

    @property
    def name(self) -> str:
        """How the run is named on the command line."""
        return f"{self.key}:{self.run}"

    @property
    def unacknowledged(self) -> list[str]:
        """Red flags raised in the run and never acknowledged."""
        return [flag for flag in self.red_flags if flag not in self.acknowledged]


def _time(event: Mapping[str, Any]) -> float:
    return float(event.get("at") or event.get("recorded_at") or 0.0)


def runs(events: Iterable[Mapping[str, Any]]) -> list[Run]:
    """Group events (as :meth:`bot.store.Store.audit_events` gives them) into runs, in order."""
    found: dict[tuple[str, int], Run] = {}
    for event in events:
        slot = (str(event["key"]), int(event.get("run", 0)))
        run = found.get(slot)
        if run is None:
            run = found[slot] = Run(*slot, started_at=_time(event))
        run.events.append(event)
        run.flow = run.flow or event.get("flow")
        run.channel = run.channel or event.get("channel")
        run.practice = run.practice or bool(event.get("practice"))
        kind = event["kind"]
        if kind == "red_flag" and event.get("red_flag"):
            run.red_flags.append(str(event["red_flag"]))
        elif kind == "red_flag_acknowledged" and event.get("red_flag"):
            run.acknowledged.add(str(event["red_flag"]))
        elif kind in ENDINGS:
            run.ended, run.ended_at = ENDINGS[kind], _time(event)
    for run in found.values():
        if run.run > 0 and not any(event["kind"] in STARTS for event in run.events):
            # Each run after the first menu begins with its flow's start, so a run without
            # one had its first events purged: its start time is not known, and if it has
            # no flow left it is named for what happened, not shown as the menu.
            run.started_at = None
            run.purged = True
            if run.ended == "open" and any(event["kind"] == "menu_shown" for event in run.events):
                run.ended = "purged"  # the menu came back, so the run ended: how is purged
        elif run.flow is None and run.ended == "open":
            # The menu before any flow was picked: nothing was started, so nothing is left
            # open, and "open" there would swell a supervisor's count of runs left open.
            run.ended = "-"
    return list(found.values())


def select(
    all_runs: Sequence[Run],
    *,
    since: float | None = None,
    until: float | None = None,
    officer: str | None = None,
    flow: str | None = None,
    red_flags_only: bool = False,
) -> list[Run]:
    """The runs a supervisor asked for."""
    return [
        run
        for run in all_runs
        if (since is None or (run.started_at or 0) >= since)
        and (until is None or (run.started_at or 0) < until)
        and (officer is None or run.key == officer)
        and (flow is None or run.flow == flow)
        and (not red_flags_only or run.red_flags)
    ]


def when(timestamp: float | None) -> str:
    """A UTC time to the second, as the log keeps times; '-' for none."""
    if timestamp is None:
        return "-"
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S")


def table(selected: Sequence[Run]) -> str:
    """The runs as a plain table, one line each."""
    lines = [
        "run                                  flow               started (UTC)        ended "
        "     red flags"
    ]
    for run in selected:
        flags = (
            ", ".join(
                f"{flag}{'' if flag in run.acknowledged else ' (NOT acknowledged)'}"
                for flag in run.red_flags
            )
            or "-"
        )
        practice = " [practice]" if run.practice else ""
        lines.append(
            f"{run.name:36} {run.label:18} {when(run.started_at):20} "
            f"{run.ended:10} {flags}{practice}"
        )
    lines.append(f"{len(selected)} runs.")
    return "\n".join(lines)


SHOWN = (
    "kind",
    "flow",
    "step",
    "outcome",
    "to_step",
    "red_flag",
    "status",
    "items",
    "outstanding",
    "entries",
    "withdrawn",
    "step_seconds",
    "channel",
    "via",
    "confidence",
)


def show(run: Run) -> str:
    """One run's events in order, each on one line (categories and ids only)."""
    lines = [f"Run {run.name}: {run.label}, {run.ended}, channel {run.channel or '-'}"]
    for event in run.events:
        fields = " ".join(
            f"{name}={_value(event[name])}"
            for name in SHOWN
            if event.get(name) not in (None, [], "")
        )
        lines.append(f"{when(_time(event))}  #{event.get('seq', '-')}  {fields}")
    return "\n".join(lines)


def _value(value: Any) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


EXPORT_FIELDS = (
    "key",
    "recorded_at",
    "at",
    "run",
    "seq",
    *SHOWN[1:],
    "red_flags",
    "version",
    "practice",
)


def export(events: Iterable[Mapping[str, Any]], fmt: str) -> str:
    """Every event as CSV (one column per field) or JSON lines.

    The CSV has a column for every field any event holds, the usual ones first, so that a
    spreadsheet holds what the JSON lines hold: a field no column named (a feedback's rating,
    a voice note's confidence) is never dropped without a word.
    """
    if fmt == "jsonl":
        return "".join(
            json.dumps(dict(e), sort_keys=True, ensure_ascii=False) + "\n" for e in events
        )
    events = list(events)
    known = ["kind", *EXPORT_FIELDS]
    others = sorted({name for event in events for name in event} - set(known))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*known, *others])
    writer.writeheader()
    for event in events:
        writer.writerow({k: _value(v) if isinstance(v, list) else v for k, v in event.items()})
    return out.getvalue()
