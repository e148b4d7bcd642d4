"""The learnt second opinion's gates, as data chosen again each time the opinion learns.

The matcher's rules that lean on the learnt opinion (:class:`bot.knowledge._match.Matcher`
explains each) compare its belief, or the search's score, with a bar. Those bars fit the
opinion's belief as it was trained: learning one more read set shifts that belief, and bars
chosen on the old one then answer wrongly where they answered rightly before (learning
``blind17`` with the old bars cost every other sealed set confident right answers). So they
live in ``knowledge/gates.json`` beside the labelled questions, and
``benchmarks/choose_gates.py`` chooses them again, left out one read set at a time, whenever
``scripts/gather_questions.py`` gathers the questions again.

The file is read once, when the matcher's module is imported, and checked here: a missing or
unknown gate, or a value of the wrong kind, stops the bot with the file and the key at fault,
never a traceback from deep inside a search. It is JSON, not YAML like the trainers' files,
because a script writes it and every start imports the matcher: a start that reads everything
else back from the start-up cache need not load the YAML reader for eighteen numbers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.knowledge._load import default_knowledge_dir

GATES_FILE = "gates.json"

ABOUT = (
    "The learnt second opinion's gates: how much belief (or score) each rule of the matcher"
    " needs before the learnt opinion may reorder the entries, make an answer sure or doubt it"
    " (bot/knowledge/_match.py, class Matcher, explains each). They are chosen on the labelled"
    " questions the opinion learns from (questions.yaml), so they are chosen again whenever that"
    " file is gathered again: benchmarks/choose_gates.py picks them, left out one read set at a"
    " time, and writes this file. Do not edit by hand: rerun the script."
)


class GatesError(ValueError):
    """The gates file cannot be used: the message names the file and the key at fault."""


class Gates(BaseModel):
    """Every bar of the matcher's learnt rules, by the name the matcher gives it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    LEARNT_SURE_AT: float = Field(ge=0.5, le=1.0)
    LEARNT_DOUBT_BELOW: float = Field(ge=0.0, le=1.0)
    LEARNT_PROMOTE_AT: float = Field(ge=0.5, le=1.0)
    VETOED_PROMOTE_AT: float = Field(ge=0.5, le=1.0)
    REORDERED_SURE_AT: float = Field(ge=0.5, le=1.0)
    LEARNT_RESCUE_AT: float = Field(ge=0.5, le=1.0)
    LEARNT_AGREE_AT: float = Field(ge=0.0, le=1.0)
    AGREED_FIRST_AT: float = Field(ge=0.0, le=100.0)
    LEARNT_RESCUE_FLOOR: float = Field(ge=0.0, le=100.0)
    LEARNT_OFFER_AT: float = Field(ge=0.0, le=1.0)
    LONG_FROM: int = Field(ge=1)
    LONG_AGREE_AT: float = Field(ge=0.0, le=1.0)
    LONG_AGREED_FIRST_AT: float = Field(ge=0.0, le=100.0)
    LEARNT_LEADS_AT: float = Field(ge=0.5, le=1.01)
    LONG_LEARNT_LEADS_AT: float = Field(ge=0.0, le=1.01)
    LONG_LEARNT_SURE_AT: float = Field(ge=0.5, le=1.01)
    SHORT_LEARNT_SURE_AT: float = Field(ge=0.5, le=1.01)
    LEARNT_SECOND_OFFER_AT: float = Field(ge=0.0, le=1.0)


def read_gates(path: Path) -> Gates:
    """The gates in ``path``, checked.

    Raises:
        GatesError: the file is missing, not JSON, or a gate is missing, unknown or out of its
            range; the message says which and how to mend it.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise GatesError(
            f"{path}: cannot be read ({error.strerror}); rerun benchmarks/choose_gates.py."
        ) from None
    except json.JSONDecodeError as error:
        raise GatesError(
            f"{path}: not JSON ({error.msg}, line {error.lineno}); rerun"
            " benchmarks/choose_gates.py --write."
        ) from None
    gates = data.get("gates") if isinstance(data, dict) else None
    if not isinstance(gates, dict):
        raise GatesError(f"{path}: 'gates' should map each gate's name to its value.")
    try:
        return Gates.model_validate(gates)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']) or 'file'}: {problem['msg']}"
            for problem in error.errors()
        )
        raise GatesError(f"{path}: {problems}") from None


def shipped_gates() -> Gates:
    """The gates shipped beside the labelled questions."""
    return read_gates(default_knowledge_dir() / GATES_FILE)


def write_gates(path: Path, gates: Gates, chosen_on: Sequence[str]) -> None:
    """Write the gates where the matcher reads them, saying what they were chosen on."""
    data = {"about": ABOUT, "chosen_on": list(chosen_on), "gates": gates.model_dump()}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
