"""The seed outcomes and the answers that evidence them, read from ``outcomes.yaml``.

One data table rather than code, so that when a flow is edited the trainer who edits it
changes one file, and a test names any id that no longer exists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bot.language import read_yaml

OUTCOMES_FILE = Path(__file__).with_name("outcomes.yaml")


Standing = tuple[str, Sequence[str], Sequence[str]]
"""A run's standing answer at a step: its category, the points covered, the points left out."""


@dataclass(frozen=True)
class Evidence:
    """One line of evidence: the answer at ``step`` is one of ``answers``, or covers ``points``."""

    step: str
    answers: tuple[str, ...] = ()
    points: tuple[str, ...] = ()

    def holds(self, outcome: str, covered: Sequence[str]) -> bool:
        """Whether an answer (its category and the points it covered) is this evidence."""
        return outcome in self.answers or any(point in covered for point in self.points)


@dataclass(frozen=True)
class Outcome:
    """An outcome the seeds care about, in one flow, with its evidence and template rows."""

    id: str
    label: str
    flow: str
    evidence: tuple[Evidence, ...]
    rows: tuple[str, ...] = ()

    def judge(self, standing: Mapping[str, Standing]) -> tuple[bool, bool]:
        """(asked, evidenced) for one run, from its standing answers by step."""
        asked = evidenced = False
        for line in self.evidence:
            answer = standing.get(line.step)
            if answer is None:
                continue
            asked = True
            if line.holds(answer[0], answer[1]):
                evidenced = True
        return asked, evidenced


def _outcome(raw: Mapping[str, Any]) -> Outcome:
    return Outcome(
        id=str(raw["id"]),
        label=str(raw["label"]),
        flow=str(raw["flow"]),
        evidence=tuple(
            Evidence(
                step=str(line["step"]),
                answers=tuple(str(a) for a in line.get("answers", ())),
                points=tuple(str(p) for p in line.get("points", ())),
            )
            for line in raw["evidence"]
        ),
        rows=tuple(str(r) for r in raw.get("rows", ())),
    )


def read_outcomes(path: Path = OUTCOMES_FILE) -> tuple[Outcome, ...]:
    """The outcomes table at ``path`` (the one shipped with guidebot by default)."""
    data = read_yaml(path.read_text(encoding="utf-8"))
    return tuple(_outcome(raw) for raw in data["outcomes"])


@cache
def default_outcomes() -> tuple[Outcome, ...]:
    """The shipped outcomes table, read once."""
    return read_outcomes()
