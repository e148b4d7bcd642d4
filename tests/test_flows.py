"""The shipped flows: they validate cleanly, cover what the issue asks for, and the ``flows``
commands (check, graph, coverage) behave as documented, exit codes and exact text included."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.channels import check_flow_folder, default_conversations_dir, read_flow_sources
from bot.cli import cli
from bot.engine import END, FlowSet, check_flows, mermaid
from bot.engine._compile import load_yaml
from bot.knowledge import KnowledgeBase, load_knowledge

ROOT = Path(__file__).resolve().parents[1]
BROKEN = ROOT / "tests" / "data" / "broken_flows"


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture(scope="module")
def flows(knowledge: KnowledgeBase) -> FlowSet:
    found, report = check_flow_folder(knowledge)
    assert report.ok, report.lines()
    return found


def test_shipped_flows_have_no_errors_and_no_warnings(knowledge: KnowledgeBase) -> None:
    _, report = check_flow_folder(knowledge)
    assert report.lines() == []


def test_the_five_flows_are_on_the_menu_in_order(flows: FlowSet) -> None:
    assert [flow.id for flow in flows] == [
        "initial-contact",
        "referral",
        "missing-child",
        "child-in-custody",
        "record-check",
    ]
    assert default_conversations_dir() == ROOT / "conversations"


REQUIRED_TOPICS = {
    "initial-contact": {
        "immediate-danger",
        "immediate-needs",
        "voice-of-child",
        "identify-risk-person",
        "neglect",
        "domestic-abuse",
        "child-exploitation",
        "missing-child",
        "online-sexual-abuse",
        "trafficking",
        "child-protection-plan-check",
        "case-history",
        "escalate-supervisor",
        "specialist-advice",
        "police-protection-s46",
        "referral-social-care",
        "recording-timely",
    },
    "referral": {
        "referral-social-care",
        "voice-of-child",
        "diversity-needs",
        "case-history",
        "information-sharing",
        "strategy-discussion",
        "s47-enquiry",
        "keep-child-informed",
    },
    "missing-child": {"missing-child", "child-exploitation", "information-sharing"},
    "child-in-custody": {
        "detention-necessity",
        "appropriate-adult",
        "mental-health-s136",
        "transfer-la-accommodation",
    },
    "record-check": {
        "recording-timely",
        "fact-vs-opinion",
        "record-child-views",
        "record-decision-rationale",
        "supervisor-signoff",
        "information-sharing",
    },
}


@pytest.mark.parametrize("flow_id", sorted(REQUIRED_TOPICS))
def test_each_flow_covers_the_topics_the_issue_names(flows: FlowSet, flow_id: str) -> None:
    named = {topic for step in flows[flow_id].spec.steps.values() for topic in step.topics}
    assert REQUIRED_TOPICS[flow_id] - named == set()


def test_every_flow_has_a_red_flag_and_every_red_flag_is_raised(flows: FlowSet) -> None:
    for flow in flows:
        raised = {flag for _, flag in flow.red_flag_points()}
        assert raised, f"{flow.id} has no red flag"
        assert raised == set(flow.spec.red_flags)


def test_yes_and_no_stay_words_in_flow_yaml() -> None:
    assert load_yaml("when: [yes, no, on, off]\nflag: true\n") == {
        "when": ["yes", "no", "on", "off"],
        "flag": True,
    }


def test_advisory_warnings_do_not_stop_a_flow(knowledge: KnowledgeBase) -> None:
    text = (BROKEN / "next-missing.yaml").read_text(encoding="utf-8")
    long_ask = "Have you told the MASH? " + "Tell them everything. " * 14
    text = text.replace("next: histroy", "next: end").replace("id: next-missing", "id: warned")
    text = text.replace('ask: "Is the child safe now?"', f'ask: "{long_ask.strip()}"')
    flows, report = check_flows({"conversations/warned.yaml": text}, knowledge)
    assert report.ok and list(flows.flows) == ["warned"]
    assert [str(w) for w in report.warnings] == [
        "conversations/warned.yaml: flow 'warned': step 'first': a message is 331 characters; "
        "aim for 300 so it fits a phone screen: 'Have you told the MASH? Tell them everyt...'",
        "conversations/warned.yaml: flow 'warned': step 'first': 'MASH' is first used without "
        "its expansion ('multi-agency safeguarding hub')",
    ]


def test_the_graph_is_drawn_from_the_transition_table(flows: FlowSet) -> None:
    flow = flows["referral"]
    diagram = mermaid(flow)
    assert diagram.startswith("flowchart TD\n")
    for edge in flow.edges():
        target = "finish" if edge.target == END else "s_" + edge.target.replace("-", "_")
        arrow = f'  s_{edge.source.replace("-", "_")} -- "{" / ".join(edge.outcomes)}" --> {target}'
        assert arrow in diagram
    assert '  rf1{{"RED FLAG: Significant harm suspected"}}' in diagram
    assert '  s_significant_harm -. "yes / unsure" .-> rf1' in diagram


# --- the commands --------------------------------------------------------------------------


def test_flows_check_passes_on_the_shipped_flows() -> None:
    result = CliRunner().invoke(cli, ["flows", "check"])
    assert result.exit_code == 0, result.output
    assert result.output == "5 flow(s) ready: 0 error(s), 0 warning(s).\n"


def test_flows_check_lists_every_error_and_exits_1() -> None:
    result = CliRunner().invoke(cli, ["flows", "check", "--flows", str(BROKEN)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert (
        "error: broken_flows/next-missing.yaml: flow 'next-missing': step 'first': next "
        "'histroy' does not exist"
    ) in lines
    assert lines[-1].startswith("1 flow(s) ready: 28 error(s), ")


def test_flows_check_on_a_folder_with_no_flows(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["flows", "check", "--flows", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path} holds no flow files (*.yaml).\n"


def test_flows_graph_prints_mermaid() -> None:
    result = CliRunner().invoke(cli, ["flows", "graph", "child-in-custody"])
    assert result.exit_code == 0
    assert result.output.startswith("flowchart TD\n")
    assert '  s_s136_place -. "police-station" .-> rf3' in result.output


def test_flows_graph_names_the_flows_when_one_is_unknown() -> None:
    result = CliRunner().invoke(cli, ["flows", "graph", "nope"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: There is no flow called 'nope'. The flows are: initial-contact, referral, "
        "missing-child, child-in-custody, record-check.\n"
    )


def test_flows_coverage_is_complete() -> None:
    result = CliRunner().invoke(cli, ["flows", "coverage"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "flow                  transitions  red flags   covered"
    assert lines[1] == "initial-contact             31/31        3/3    100.0%"
    assert lines[-1].startswith("total                                           100.0%  (")
    assert "not covered" not in result.output


def test_flows_coverage_lists_what_is_missing_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "one.yaml").write_text("turns:\n- text: record check\n- text: 'no'\n")
    result = CliRunner().invoke(cli, ["flows", "coverage", "--goldens", str(tmp_path)])
    assert result.exit_code == 1
    assert "record-check                 1/12        0/1      7.7%" in result.output
    assert "not covered: record-check: red flag urgent -> urgent-unactioned" in result.output


def test_flows_coverage_without_goldens(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["flows", "coverage", "--goldens", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: No golden conversations in {tmp_path}. Run this from a source checkout, or "
        "pass --goldens DIR.\n"
    )


def test_flow_sources_are_named_as_messages_show_them() -> None:
    names = sorted(read_flow_sources())
    assert names[0] == "conversations/child-in-custody.yaml"
    assert len(names) == 5
