"""The learnt opinion's gates are data the chooser writes and the matcher reads, checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.knowledge._gates import GATES_FILE, Gates, GatesError, read_gates, write_gates
from bot.knowledge._load import default_knowledge_dir
from bot.knowledge._match import Matcher

SHIPPED = default_knowledge_dir() / GATES_FILE


def test_the_matcher_reads_every_gate_the_shipped_file_holds() -> None:
    gates = read_gates(SHIPPED)
    for name, value in gates.model_dump().items():
        assert getattr(Matcher, name) == value, name


def test_the_shipped_gates_keep_the_learnt_first_topic_offered_before_it_leads() -> None:
    """Leading must never change which three cards are shown (``Matcher._learnt_leads``)."""
    gates = read_gates(SHIPPED)
    assert min(gates.LONG_LEARNT_LEADS_AT, gates.LEARNT_LEADS_AT) >= gates.LEARNT_OFFER_AT


def test_written_gates_read_back_as_they_were_chosen(tmp_path: Path) -> None:
    chosen = read_gates(SHIPPED).model_copy(update={"LEARNT_SURE_AT": 0.65, "LONG_FROM": 16})
    path = tmp_path / GATES_FILE
    write_gates(path, chosen, ["dev", "blind"])
    assert read_gates(path) == chosen
    assert json.loads(path.read_text(encoding="utf-8"))["chosen_on"] == ["dev", "blind"]


def _written(tmp_path: Path, text: str) -> Path:
    path = tmp_path / GATES_FILE
    path.write_text(text, encoding="utf-8")
    return path


def _shipped_with(**changed: object) -> str:
    """The shipped file's text with gates changed (a value of None drops the gate)."""
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    for name, value in changed.items():
        if value is None:
            del data["gates"][name]
        else:
            data["gates"][name] = value
    return json.dumps(data)


def test_a_missing_gate_is_named_with_the_file(tmp_path: Path) -> None:
    path = _written(tmp_path, _shipped_with(LEARNT_SURE_AT=None))
    with pytest.raises(GatesError, match=r"gates\.json: LEARNT_SURE_AT: Field required"):
        read_gates(path)


def test_an_unknown_gate_is_named_with_the_file(tmp_path: Path) -> None:
    path = _written(tmp_path, _shipped_with(LEARNT_SURE_ATT=0.6))
    with pytest.raises(GatesError, match=r"gates\.json: LEARNT_SURE_ATT: Extra inputs"):
        read_gates(path)


def test_a_gate_out_of_its_range_is_named(tmp_path: Path) -> None:
    path = _written(tmp_path, _shipped_with(LEARNT_SURE_AT=7))
    with pytest.raises(GatesError, match=r"LEARNT_SURE_AT: Input should be less than"):
        read_gates(path)


def test_a_gate_file_that_is_not_json_or_absent_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(GatesError, match=r"gates\.json: cannot be read .*choose_gates\.py"):
        read_gates(tmp_path / GATES_FILE)
    with pytest.raises(GatesError, match=r"gates\.json: not JSON .*line 1.*choose_gates\.py"):
        read_gates(_written(tmp_path, '{"gates": {"LEARNT_SURE_AT": [0.6}'))
    with pytest.raises(GatesError, match=r"'gates' should map each gate"):
        read_gates(_written(tmp_path, "[0.6]"))
    with pytest.raises(GatesError, match=r"'gates' should map each gate"):
        read_gates(_written(tmp_path, '{"gates": [0.6]}'))


@pytest.mark.parametrize("name", list(Gates.model_fields))
def test_every_gate_refuses_a_bar_below_any_belief_or_score(name: str) -> None:
    """A negative bar would let a rule fire on nothing; the file is refused, not used."""
    values = read_gates(SHIPPED).model_dump()
    with pytest.raises(ValueError, match=name):
        Gates.model_validate({**values, name: -1})
