"""England or Wales is a deployment setting: the other nation's guidance is left out of answers."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot.channels import load_flows
from bot.cli import cli
from bot.engine import Engine, Reply, Text
from bot.knowledge import load_knowledge


def _ids_found(jurisdiction: str | None, query: str) -> list[str]:
    base = load_knowledge(jurisdiction=jurisdiction)  # type: ignore[arg-type]
    return [match.entry.id for match in base.search(query, limit=10).matches]


def test_without_a_setting_both_nations_guidance_is_searchable() -> None:
    found = _ids_found(None, "return home interview after a misper")
    assert {"return-home-interview-england", "return-home-interview-wales"} <= set(found)


@pytest.mark.parametrize(("nation", "other"), [("england", "wales"), ("wales", "england")])
def test_a_deployment_never_shows_the_other_nations_entries(nation: str, other: str) -> None:
    base = load_knowledge(jurisdiction=nation)  # type: ignore[arg-type]
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
    knowledge = load_knowledge(jurisdiction="wales")
    engine = Engine(load_flows(knowledge), knowledge)
    state, _ = engine.start(now=0.0)
    state, _ = engine.step(state, Text("missing child", 1.0))
    assert (state.flow, state.phase) == ("missing-child", "step")
    # The return home interview question names both nations' entries behind its "why".
    state = state.with_changes(step="return-interview")
    _, effects = engine.step(state, Text("why", 2.0))
    cards = [effect.text for effect in effects if isinstance(effect, Reply)]
    wales = load_knowledge().get("return-home-interview-wales")
    england = load_knowledge().get("return-home-interview-england")
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
