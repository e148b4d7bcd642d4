"""The shipped flows: they validate cleanly, cover what the issue asks for, and the ``flows``
commands (check, graph, coverage) behave as documented, exit codes and exact text included."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.channels import check_flow_folder, default_conversations_dir, read_flow_sources
from bot.cli import cli
from bot.engine import END, Engine, FlowSet, check_flows, mermaid
from bot.engine._commands import Command, read_command
from bot.engine._points import Point, read_points
from bot.knowledge import KnowledgeBase
from bot.language import read_yaml
from tests.conftest import shipped_engine, shipped_flows, shipped_knowledge

ROOT = Path(__file__).resolve().parents[1]
BROKEN = ROOT / "tests" / "data" / "broken_flows"


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
    assert read_yaml("when: [yes, no, on, off]\nflag: true\n") == {
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
    assert lines[-1].startswith("1 flow(s) ready: 32 error(s), ")


def test_flows_check_on_a_folder_with_no_flows(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["flows", "check", "--flows", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path} holds no flow files (*.yaml).\n"


def test_flows_graph_prints_mermaid() -> None:
    result = CliRunner().invoke(cli, ["flows", "graph", "child-in-custody"])
    assert result.exit_code == 0
    assert result.output.startswith("flowchart TD\n")
    assert '  s_s136_place -. "police-station" .-> rf8' in result.output


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
    assert lines[0] == "flow                  transitions  red flags   answers"
    assert lines[1] == "initial-contact             41/41        4/4     77/77"
    assert lines[-1].startswith("total                      100.0%               100.0%  (")
    assert "not covered" not in result.output


@pytest.fixture
def shipped_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """``flows coverage`` on the session's shipped knowledge, flows and engine.

    For tests of what it reports of other goldens and when it exits 1: each run would
    otherwise load and build all three again (seconds, on a busy machine tens of seconds).
    Its own loading and checking of the shipped files is tested by
    ``test_flows_coverage_is_complete``, which builds them as a user's run does.
    """
    import bot.cli._flows as command

    def knowledge(directory: Path | None) -> KnowledgeBase:
        assert directory is None, "only the shipped knowledge is shared"
        return shipped_knowledge()

    def valid(knowledge: KnowledgeBase, directory: Path | None) -> FlowSet:
        assert directory is None and knowledge is shipped_knowledge()
        return shipped_flows()

    def engine(flows: FlowSet, knowledge: KnowledgeBase) -> Engine:
        assert flows is shipped_flows() and knowledge is shipped_knowledge()
        return shipped_engine()

    monkeypatch.setattr(command, "open_knowledge", knowledge)
    monkeypatch.setattr(command, "_valid_flows", valid)
    monkeypatch.setattr(command, "Engine", engine)


@pytest.mark.usefixtures("shipped_build")
def test_flows_coverage_lists_what_is_missing_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "one.yaml").write_text("turns:\n- text: record check\n- text: 'no'\n")
    result = CliRunner().invoke(cli, ["flows", "coverage", "--goldens", str(tmp_path)])
    assert result.exit_code == 1
    assert "record-check                 1/12        0/1      1/34" in result.output
    assert "not covered: record-check: red flag urgent -> urgent-unactioned" in result.output
    assert "not covered: record-check: answer urgent: yes" in result.output
    assert "not covered: record-check: answer urgent: no" not in result.output


@pytest.mark.usefixtures("shipped_build")
def test_flows_coverage_thresholds_are_separate(tmp_path: Path) -> None:
    (tmp_path / "one.yaml").write_text("turns:\n- text: record check\n- text: 'no'\n")
    args = ["flows", "coverage", "--goldens", str(tmp_path), "--min", "0"]
    assert CliRunner().invoke(cli, args).exit_code == 1  # answers still below 100%
    assert CliRunner().invoke(cli, [*args, "--min-answers", "0.4"]).exit_code == 0  # 1 of 239


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "turns:\n- text: record check\n  says: x: y\n",
            "Error: bad.yaml: is not valid YAML at line 3; check the indentation there.\n",
        ),
        (
            "turns:\n- text: record check\n  after: abc\n",
            "Error: bad.yaml: turn 1: 'after' must be a number of seconds, got 'abc'\n",
        ),
        (
            "- text: record check\n",
            "Error: bad.yaml: a transcript must be a mapping with a 'turns' list, not list\n",
        ),
        (
            "clock: soon\nturns:\n- text: record check\n",
            "Error: bad.yaml: 'clock' must be a number of seconds, got 'soon'\n",
        ),
        (
            "turns:\n- 3\n",
            "Error: bad.yaml: turn 1 must be a mapping\n",
        ),
        ("turns: []\n", "Error: bad.yaml: a transcript needs a non-empty 'turns' list\n"),
        (
            "turns:\n- text: record check\n- after: 5\n",
            "Error: bad.yaml: turn 2 needs 'text', 'press' or 'start: true'\n",
        ),
    ],
)
def test_flows_coverage_names_the_file_and_turn_of_a_bad_golden(
    tmp_path: Path, text: str, message: str
) -> None:
    (tmp_path / "bad.yaml").write_text(text)
    result = CliRunner().invoke(cli, ["flows", "coverage", "--goldens", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == message
    assert "Traceback" not in result.output


def test_flows_coverage_names_a_bad_golden_before_reading_the_flows(tmp_path: Path) -> None:
    """Every golden is checked first: a broken one is named at once, not after the seconds the
    knowledge, flows and engine take (here the flows are broken too, and never reached)."""
    goldens = tmp_path / "goldens"
    goldens.mkdir()
    shutil.copy(ROOT / "tests" / "conversations" / "record-check.full.yaml", goldens / "a.yaml")
    (goldens / "z.yaml").write_text("turns:\n- text: record check\n- 3\n")
    args = ["flows", "coverage", "--goldens", str(goldens), "--flows", str(BROKEN)]
    result = CliRunner().invoke(cli, args)
    assert (result.exit_code, result.output) == (1, "Error: z.yaml: turn 2 must be a mapping\n")


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


# --- what a good answer covers: the knowledge entries' terms (review finding 3) ------------------


def _item(flows: FlowSet, flow: str, step: str, item: str) -> tuple[list[str], list[str]]:
    """An item's own phrases and the knowledge terms it was lent at compile time."""
    found = next(p for p in flows[flow].words_of(step).points if p.id == item)
    terms = [p.text for p in found.phrases if p.term]
    return [p.text for p in found.phrases if not p.term], terms


def _points(flows: FlowSet, flow: str, step: str, *, terms: bool = True) -> tuple[Point, ...]:
    """A step's compiled points, with or without the terms they borrowed."""
    return tuple(
        Point(p.id, tuple(x for x in p.phrases if terms or not x.term), p.needs, p.unless)
        for p in flows[flow].words_of(step).points
    )


def _covered(text: str, found: tuple[Point, ...]) -> tuple[str, ...]:
    return read_points(text, found, actions=False).covered


def test_an_item_borrows_the_terms_of_the_entry_it_names(flows: FlowSet) -> None:
    own, terms = _item(flows, "initial-contact", "child-account", "body-worn-video")
    assert "body cam" in terms and "body cam" not in own
    said = "rang the duty social worker"
    assert _covered(said, _points(flows, "initial-contact", "advice", terms=False)) == ()
    assert _covered(said, _points(flows, "initial-contact", "advice")) == ("specialist",)


def test_terms_that_would_over_match_are_not_lent(flows: FlowSet) -> None:
    _, terms = _item(flows, "initial-contact", "child-account", "body-worn-video")
    # a problem, not a thing done; off the point (phones); a finding stated with a negation
    assert {"word against word", "phone download", "no injuries", "nothing to go on"}.isdisjoint(
        terms
    )
    _, supervisor = _item(flows, "initial-contact", "advice", "supervisor")
    assert "skipper not answering" not in supervisor and "need a decision" not in supervisor
    # one entry named by every point of a step would tick them all, so it lends nothing
    for item in ("medical-care", "reassurance", "safe-adult"):
        assert _item(flows, "initial-contact", "needs", item)[1] == []
    needs = _points(flows, "initial-contact", "needs")
    assert _covered("first aid done", needs) == ("medical-care",)


def test_terms_change_no_golden_reading_and_nothing_over_matches(
    flows: FlowSet, knowledge: KnowledgeBase
) -> None:
    """Every free answer in the goldens and the officer utterance sets, read with and without
    the lent terms: the terms may only add a point the answer really names."""
    texts = [
        turn["text"]
        for path in sorted((ROOT / "tests" / "conversations").glob("*.yaml"))
        for turn in read_yaml(path.read_text(encoding="utf-8"))["turns"]
        if isinstance(turn.get("text"), str)
    ]
    utterances = 0
    for name in ("dev_utterances.yaml", "extra_utterances.yaml"):
        data = read_yaml((ROOT / "tests" / "data" / name).read_text(encoding="utf-8"))
        sections = data.values() if isinstance(data, dict) else [data]
        rows = [row for section in sections for row in section]
        utterances += len(rows)
        texts += [row["text"] if isinstance(row, dict) else str(row) for row in rows]
    # Every officer message of both sets is read: 33 shared and 66 extra, 21 negatives, 3 near.
    assert utterances == 33 + 66 + 21 + 3
    added: set[tuple[str, str, str]] = set()
    for flow in flows:
        for step_id in flow.spec.steps:
            full = _points(flows, flow.id, step_id)
            own = _points(flows, flow.id, step_id, terms=False)
            for text in texts:
                extra = set(_covered(text, full)) - set(_covered(text, own))
                added |= {(step_id, item, text) for item in extra}
    assert added == {
        ("advice", "specialist", "advice line for child protection"),
        ("advice", "specialist", "told the skipper and rang the duty social worker"),
        # "share info" is lent by the information-sharing entry; asked as a question it is
        # searched, not ticked, at a free-text step (a "?" makes it a search there).
        ("strategy", "information-ready", "can I share info with the school without consent"),
    }


# --- writing for officers: the summary spells out its own abbreviations (review finding 12) ------


def test_the_summary_lines_are_checked_for_abbreviations_and_length(
    knowledge: KnowledgeBase,
) -> None:
    text = (BROKEN / "next-missing.yaml").read_text(encoding="utf-8")
    text = text.replace("next: histroy", "next: end").replace("id: next-missing", "id: warned")
    text = text.replace(
        'ask: "Is the child safe now?"',
        'ask: "Have you told the MASH (multi-agency safeguarding hub)?"',
    )
    text += (
        "summary:\n"
        "  notifications:\n"
        '    - text: "Children\'s social care or the MASH: the referral."\n'
        "      when: {step: first, any: [yes]}\n"
        "  record:\n"
        '    - text: "' + "Every decision and why. " * 14 + '"\n'
    )
    _, report = check_flows({"conversations/warned.yaml": text}, knowledge)
    assert [str(w) for w in report.warnings] == [
        "conversations/warned.yaml: flow 'warned': summary: notification 1: 'MASH' is used "
        "without its expansion ('multi-agency safeguarding hub'); the summary is read on its own",
        "conversations/warned.yaml: flow 'warned': summary: record line 1 is 335 characters; aim "
        "for 300 so it fits a phone screen: 'Every decision and why. Every decision a...'",
    ]


def test_a_phrase_of_only_common_words_is_a_warning(knowledge: KnowledgeBase) -> None:
    text = (BROKEN / "item-no-phrases.yaml").read_text(encoding="utf-8")
    text = text.replace("id: item-no-phrases", "id: dead").replace(
        '        label: "Medical care"\n',
        '        label: "Medical care"\n        phrases: [first aid, "on their own"]\n',
    )
    _, report = check_flows({"conversations/dead.yaml": text}, knowledge)
    assert report.ok
    assert [str(w) for w in report.warnings] == [
        "conversations/dead.yaml: flow 'dead': step 'first': item 'medical' phrase 'on their "
        "own' has only common words, which the matcher ignores, so no answer can match it"
    ]


def test_only_optional_points_can_be_not_needed(flows: FlowSet) -> None:
    optional = {
        (flow.id, step_id, item.id)
        for flow in flows
        for step_id, step in flow.spec.steps.items()
        for item in getattr(step, "items", ())
        if item.optional
    }
    assert optional == {
        ("referral", "content", "action-taken"),
        ("initial-contact", "evidence", "medical-exam"),
        ("initial-contact", "evidence", "phones"),
        ("child-in-custody", "aa-present", "woman-for-girl"),
        ("child-in-custody", "aa-present", "search-with-aa"),
    }


def test_no_shipped_answer_is_a_command_word(flows: FlowSet) -> None:
    status = flows["missing-child"].step("status")
    assert [o.label for o in status.options] == ["Still missing", "Found"]  # type: ignore[union-attr]
    answers = flows["missing-child"].words_of("status").answers
    assert read_command("back", answers) == Command("back")
    assert read_command("found", answers) is None
