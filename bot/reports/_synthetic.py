"""Officers' conversations played through the engine, for the report's tests and benchmark.

The report is held cell for cell to a Python reference over events the engine really logs, so
the tests and ``benchmarks/bench_report.py`` play the same kind of officer: one who picks a
flow, mostly answers well, sometimes goes back, asks, cancels, walks away or times out, and
now and then rates the guidance last shown. One copy of that officer, so the benchmark times
the conversations the tests check.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from bot.engine import Press, Start, Text, Tick

if TYPE_CHECKING:
    from bot.engine import StepResult
    from bot.session import Sessions

FLOWS = ("initial-contact", "referral", "missing-child", "child-in-custody", "record-check")
FLOW_WEIGHTS = (6, 2, 1, 1, 1)
"""First contact is what most officers open; the rest now and then."""
ANSWERS = (
    "nan is here, first aid done, calmed her down",
    "mum, dad and the baby, dad is drunk",
    "she said he hit her, bwv on",
    "not much yet",
)
"""Free-text answers: no real names or places, so nothing personal is ever logged."""
COMMENTS = ("too long to read at the door", "missed what to do out of hours")
"""Feedback comments, short enough to survive scrubbing."""


def wander(
    sessions: Sessions,
    key: str,
    rng: random.Random,
    now: float,
    *,
    practice: bool = False,
    feedback_rate: float = 0.35,
    skipped_comments: int = 2,
    timed: bool = False,
) -> tuple[list[dict[str, Any]], float]:
    """An officer with habits, through one flow; returns the events logged and the clock.

    Args:
        sessions: The conversations to play in.
        key: The conversation's id; every event carries it as ``key``.
        rng: Chooses the flow and each move, so a seed replays the same conversation.
        now: The clock when the officer opens the menu.
        practice: Mark every event as practice, as ``/practice`` does.
        feedback_rate: The share of conversations that end with feedback. Decided by a
            generator of its own (seeded by the key), so the conversations themselves do not
            depend on it.
        skipped_comments: Against each of the two comments, how many officers skip the
            comment: the comment is chosen among ``COMMENTS`` and this many skips.
        timed: Stamp each event with ``recorded_at`` (the clock when it was logged), as the
            store does; otherwise the store's append takes the event's own ``at``.
    """
    events: list[dict[str, Any]] = []

    def take(result: StepResult) -> dict[str, str]:
        stamped = [{**e.to_json(), "key": key} for e in result.audit]
        if timed:
            stamped = [{**e, "recorded_at": now} for e in stamped]
        if practice:
            stamped = [{**e, "practice": True} for e in stamped]
        events.extend(stamped)
        found: dict[str, str] = {}
        for reply in result.replies:
            if reply.buttons:
                found = {b.label: b.value for b in reply.buttons}
        return found

    take(sessions.handle(key, Start(now)))
    flow = rng.choices(FLOWS, FLOW_WEIGHTS)[0]
    now += 5
    buttons = take(sessions.handle(key, Press(flow, now)))
    careful = rng.random()
    for _ in range(45):
        now += rng.uniform(8, 90)
        roll = rng.random()
        if roll < 0.015:
            take(sessions.handle(key, Text("cancel", now)))
            break
        if roll < 0.03:
            break  # walked away: left open
        if roll < 0.04:
            take(sessions.handle(key, Tick(now + 3 * 3600)))
            break
        if roll < 0.06:
            buttons = take(sessions.handle(key, Text("back", now)))
            continue
        if roll < 0.075:
            question = rng.choice(["ask what is s46", "ask can I fly a plane to the moon"])
            buttons = take(sessions.handle(key, Text(question, now)))
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
    verdict = random.Random(f"{key}/feedback")
    if verdict.random() < feedback_rate:
        now += 10
        asked = take(sessions.handle(key, Text("feedback", now)))
        if "Helpful" in asked:
            pick = verdict.choices(["Helpful", "Not helpful", "Wrong"], [3, 2, 1])[0]
            now += 5
            take(sessions.handle(key, Press(asked[pick], now)))
            comment = verdict.choice([*COMMENTS, *["skip"] * skipped_comments])
            now += 20
            take(sessions.handle(key, Text(comment, now)))
    return events, now
