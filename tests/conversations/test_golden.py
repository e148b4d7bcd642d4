"""Replay every golden conversation, state reloaded from JSON between turns, and measure coverage.

Each ``<flow>.<case>.yaml`` beside this file holds the officer's inputs (typos, slang and speech
slips included) and what the bot must say. A failure prints the turn and the difference; after
a deliberate change, rerun with ``--update`` (see conftest.py): it rewrites only the snapshots
that changed, keeping the file's comments, key order and hand-written ``says``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.engine import (
    Engine,
    FlowSet,
    TurnResult,
    check_turn,
    coverage,
    leaks,
    replay,
)
from bot.language import read_yaml, read_yaml_for_editing, write_yaml

HERE = Path(__file__).resolve().parent
GOLDENS = sorted(HERE.glob("*.yaml"))


def _load(path: Path) -> dict[str, Any]:
    data = read_yaml(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} must be a mapping"
    return data


def _rewrite(path: Path, results: list[TurnResult]) -> None:
    """Put what the engine now says into the golden's ``opening``, ``at`` and ``bot`` snapshots.

    The file is read for editing, so its comments, key order and quoting survive; a snapshot
    that still matches is left as written, and a golden with nothing to change is not written.
    """
    transcript = read_yaml_for_editing(path.read_text(encoding="utf-8"))
    changed = False

    def put(mapping: dict[str, Any], key: str, value: object) -> None:
        nonlocal changed
        if mapping.get(key) != value:
            mapping[key] = value
            changed = True

    put(transcript, "opening", results[0].snapshot())
    for turn, result in zip(transcript["turns"], results[1:], strict=True):
        put(turn, "at", result.at)
        put(turn, "bot", result.snapshot())
    if changed:
        path.write_text(write_yaml(transcript), encoding="utf-8")


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
        _rewrite(path, results)
    elif transcript.get("opening") != results[0].snapshot():
        problems.append("turn 0: the opening menu differs from the snapshot")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


HAND_WRITTEN = """\
# A trainer's note about this golden: it must survive --update.
description: First contact, asked for by name.
turns:
- text: first contact  # the officer's own words
  says:
  - in danger right now
  bot:
  - text: An old wording the engine no longer uses.
"""


def test_update_keeps_comments_and_key_order(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "initial-contact.note.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    results = replay(engine, _load(path))
    _rewrite(path, results)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# A trainer's note about this golden: it must survive --update.\n")
    assert "- text: first contact  # the officer's own words\n" in text
    rewritten = _load(path)
    assert list(rewritten) == ["description", "turns", "opening"]
    assert list(rewritten["turns"][0]) == ["text", "says", "bot", "at"]
    assert rewritten["turns"][0]["bot"] == results[1].snapshot()
    assert rewritten["turns"][0]["at"] == "initial-contact/danger"
    assert check_turn(rewritten["turns"][0], results[1]) == []


def test_update_leaves_a_golden_that_still_matches_untouched(
    engine: Engine, tmp_path: Path
) -> None:
    source = GOLDENS[0]
    path = tmp_path / source.name
    path.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    _rewrite(path, replay(engine, _load(path)))
    assert path.read_text(encoding="utf-8") == source.read_text(encoding="utf-8")


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
