"""Replay every golden conversation, state reloaded from JSON between turns, and measure coverage.

Each ``<flow>.<case>.yaml`` beside this file holds the officer's inputs (typos, slang and speech
slips included) and what the bot must say. A failure prints the turn and the difference; after
a deliberate change, rerun with ``--update`` (see conftest.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.engine import (
    Engine,
    FlowSet,
    TurnResult,
    check_turn,
    coverage,
    leaks,
    load_flow_yaml,
    replay,
)

HERE = Path(__file__).resolve().parent
GOLDENS = sorted(HERE.glob("*.yaml"))


def _load(path: Path) -> dict[str, Any]:
    data = load_flow_yaml(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} must be a mapping"
    return data


def _rewrite(path: Path, transcript: dict[str, Any], results: list[TurnResult]) -> None:
    transcript["opening"] = results[0].snapshot()
    for turn, result in zip(transcript["turns"], results[1:], strict=True):
        turn["at"] = result.at
        turn["bot"] = result.snapshot()
    text = yaml.safe_dump(transcript, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")


def test_there_are_goldens_for_every_flow(flows: FlowSet) -> None:
    named = {path.name.split(".")[0] for path in GOLDENS}
    assert {flow.id for flow in flows} <= named


@pytest.mark.parametrize("path", GOLDENS, ids=[p.stem for p in GOLDENS])
def test_golden_conversation(path: Path, engine: Engine, update: bool) -> None:
    transcript = _load(path)
    results = replay(engine, transcript)
    problems: list[str] = []
    for turn, result in zip(transcript["turns"], results[1:], strict=True):
        problems += leaks(turn, result)
        checked = check_turn(turn, result)
        if update:
            checked = [p for p in checked if "did not say" in p or "audit event" in p]
        problems += checked
    if update:
        _rewrite(path, transcript, results)
    elif transcript.get("opening") != results[0].snapshot():
        problems.append("turn 0: the opening menu differs from the snapshot")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_goldens_cover_every_transition_and_red_flag(engine: Engine, flows: FlowSet) -> None:
    runs = [replay(engine, _load(path)) for path in GOLDENS]
    report = coverage(flows, runs)
    missing = {row.flow: row.missing for row in report if row.missing}
    assert not missing, f"transitions or red flags no golden takes: {missing}"


ANSWER_COVERAGE = 1.0
"""The share of (step, answer) pairs the goldens must give: every one. Never lower it; when a
flow gains an answer, add a golden that gives it."""


def test_goldens_give_every_answer_of_every_step(engine: Engine, flows: FlowSet) -> None:
    runs = [replay(engine, _load(path)) for path in GOLDENS]
    report = coverage(flows, runs)
    given = sum(sum(row.answers.values()) for row in report)
    total = sum(len(row.answers) for row in report)
    missing = {row.flow: row.missing_answers for row in report if row.missing_answers}
    assert given >= ANSWER_COVERAGE * total, f"answers no golden gives: {missing}"
