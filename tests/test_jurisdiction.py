"""England or Wales is a deployment setting: the other nation's guidance is left out of answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.engine import Conversation, Engine, Text, replay
from bot.engine._nations import for_nation
from bot.knowledge import load_knowledge
from bot.language import read_yaml
from tests.conftest import shipped_engine, shipped_knowledge


def _ids_found(jurisdiction: str | None, query: str) -> list[str]:
    base = shipped_knowledge(jurisdiction)  # type: ignore[arg-type]
    return [match.entry.id for match in base.search(query, limit=10).matches]


def test_without_a_setting_both_nations_guidance_is_searchable() -> None:
    found = _ids_found(None, "return home interview after a misper")
    assert {"return-home-interview-england", "return-home-interview-wales"} <= set(found)


@pytest.mark.parametrize(("nation", "other"), [("england", "wales"), ("wales", "england")])
def test_a_deployment_never_shows_the_other_nations_entries(nation: str, other: str) -> None:
    base = shipped_knowledge(nation)  # type: ignore[arg-type]
    own = [entry for entry in base.entries if entry.jurisdiction == nation]
    foreign = [entry for entry in base.entries if entry.jurisdiction == other]
    assert own and foreign
    assert all(base.applies(entry) for entry in own)
    assert not any(base.applies(entry) for entry in foreign)
    for entry in foreign:
        found = {match.entry.id for match in base.search(entry.title, limit=10).matches}
        assert entry.id not in found
    assert base.get(foreign[0].id) is not None, "flows still resolve every id"


def test_an_unknown_nation_is_refused() -> None:
    with pytest.raises(ValueError, match="england or wales"):
        load_knowledge(jurisdiction="scotland")  # type: ignore[arg-type]


def test_the_why_cards_of_a_flow_leave_out_the_other_nation() -> None:
    engine = shipped_engine("wales")
    state = engine.start(now=0.0).state
    state = engine.step(state, Text("missing child", 1.0)).state
    assert (state.flow, state.phase) == ("missing-child", "step")
    # The return home interview question names both nations' entries behind its "why".
    state = state.with_changes(step="return-interview")
    result = engine.step(state, Text("why", 2.0))
    cards = [effect.text for effect in result.replies]
    wales = shipped_knowledge().get("return-home-interview-wales")
    england = shipped_knowledge().get("return-home-interview-england")
    assert wales is not None and england is not None
    assert any(wales.title in card for card in cards)
    assert not any(england.title in card for card in cards)


def test_cli_search_takes_the_setting_from_the_flag_or_the_environment() -> None:
    runner = CliRunner()
    query = ["kb", "search", "--json", "return home interview", "--limit", "10"]
    flag = runner.invoke(cli, [*query, "--jurisdiction", "wales"])
    env = runner.invoke(cli, query, env={"GUIDEBOT_JURISDICTION": "england"})
    wales_ids = {row["id"] for row in json.loads(flag.output)["results"]}
    england_ids = {row["id"] for row in json.loads(env.output)["results"]}
    assert "return-home-interview-wales" in wales_ids
    assert "return-home-interview-england" not in wales_ids
    assert "return-home-interview-england" in england_ids
    assert "return-home-interview-wales" not in england_ids
    bad = runner.invoke(cli, [*query, "--jurisdiction", "scotland"])
    assert bad.exit_code == 2


# --- the flows' own text, by nation -----------------------------------------------------------

GOLDENS = sorted((Path(__file__).resolve().parent / "conversations").glob("*.yaml"))
OTHER_NATION = {
    "england": (
        "Wales:",
        "In Wales",
        "Social Services and Well-being (Wales)",
        "Wales Safeguarding Procedures",
        "s77(2)(b)",
        "child protection register",
        "care and support protection plan",
    ),
    "wales": (
        "England:",
        "In England",
        "Working Together",
        "s21(2)(b)",
        "child protection plan",
    ),
}
"""Words only the other nation's law or guidance uses: a deployment must never show them."""


@pytest.mark.parametrize("nation", ["england", "wales"])
def test_every_golden_replayed_in_one_nation_shows_none_of_the_others_text(nation: str) -> None:
    engine = shipped_engine(nation)  # type: ignore[arg-type]
    found: list[str] = []
    for path in GOLDENS:
        for result in replay(engine, read_yaml(path.read_text(encoding="utf-8"))):
            said = "\n".join(reply.text for reply in result.replies)
            found += [
                f"{path.stem} turn {result.number}: {marker!r}"
                for marker in OTHER_NATION[nation]
                if marker.lower() in said.lower()
            ]
    assert found == []


def test_with_no_nation_set_both_are_shown_and_labelled(engine: Engine) -> None:
    state = Conversation(phase="step", flow="referral", step="history", expires_at=100.0)
    state = state.with_changes(step="timescales")
    result = engine.step(state, Text("why", 1.0))
    shown = "\n".join(effect.text for effect in result.replies)
    assert "England: " in shown and "Wales: " in shown


def test_for_nation_picks_labels_and_leaves_out() -> None:
    data = {
        "ask": {"england": "E text.", "wales": "W text."},
        "lines": [{"text": {"wales": "Only Wales."}}, {"text": "Both."}, {"england": "Src E"}],
    }
    assert for_nation(data, "england") == {
        "ask": "E text.",
        "lines": [{"text": "Both."}, "Src E"],
    }
    assert for_nation(data, "wales") == {
        "ask": "W text.",
        "lines": [{"text": "Only Wales."}, {"text": "Both."}],
    }
    assert for_nation(data, None)["ask"] == "England: E text. Wales: W text."
    assert for_nation(data, None)["lines"][0] == {"text": "Wales: Only Wales."}


def test_a_source_labelled_for_a_nation_is_cited_only_there() -> None:
    both = shipped_knowledge().get("strategy-discussion")
    wales = shipped_knowledge("wales").get("strategy-discussion")
    england = shipped_knowledge("england").get("strategy-discussion")
    assert both is not None and wales is not None and england is not None
    assert "England: Working Together to Safeguard Children 2023; check local procedure" in (
        both.source
    )
    assert "Wales: Wales Safeguarding Procedures" in both.source
    assert "Wales Safeguarding Procedures" in wales.source
    assert not any("Working Together" in s or s.startswith("Wales:") for s in wales.source)
    assert "Working Together to Safeguard Children 2023; check local procedure" in england.source
    assert not any("Wales" in s for s in england.source)
