"""One broken flow per validation rule, each mapped to the exact message a trainer would see.

A rule without a fixture, a fixture without a rule, or a step kind that no fixture breaks all
fail here, so a new rule or step kind cannot arrive untested.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import RULES, STEP_KINDS, check_flows
from bot.knowledge import KnowledgeBase
from bot.language import read_yaml

BROKEN = Path(__file__).resolve().parent / "data" / "broken_flows"

EXPECTED: dict[str, str] = {
    "yaml": "broken_flows/yaml.yaml: is not valid YAML at line 6; check the indentation there",
    "not-a-mapping": (
        "broken_flows/not-a-mapping.yaml: must be a mapping of flow fields (id, steps, ...)"
    ),
    "schema-version": (
        "broken_flows/schema-version.yaml: flow 'schema-version': schema_version is 2; "
        "this guidebot reads 1"
    ),
    "unknown-field": (
        "broken_flows/unknown-field.yaml: flow 'unknown-field': step 'first': field 'ask' is not "
        "a known field (check the spelling)"
    ),
    "nation-text": (
        "broken_flows/nation-text.yaml: flow 'nation-text': steps.first.text gives text for one "
        "nation only: give both england and wales, or put it in a list (a summary line, a source) "
        "that the other can leave out"
    ),
    "missing-field": (
        "broken_flows/missing-field.yaml: flow 'missing-field': step 'first': field 'bands' is "
        "missing"
    ),
    "bad-value": (
        "broken_flows/bad-value.yaml: flow 'bad-value': field 'menu_order' must be a whole number"
    ),
    "unknown-kind": (
        "broken_flows/unknown-kind.yaml: flow 'unknown-kind': step 'first': kind 'yesno' is not "
        "a step kind (confirm, choice, checklist, text, info, number, duration)"
    ),
    "flow-id": (
        "broken_flows/flow-id.yaml: flow 'first-contact': flow id 'first-contact' must be "
        "kebab-case and match the file name"
    ),
    "duplicate-flow": (
        "other/duplicate-flow.yaml: flow 'duplicate-flow': flow is also defined in "
        "broken_flows/duplicate-flow.yaml"
    ),
    "step-id": (
        "broken_flows/step-id.yaml: flow 'step-id': step 'First_Step': step id must be "
        "kebab-case and not 'end' (reserved for the end of the flow)"
    ),
    "unknown-stage": (
        "broken_flows/unknown-stage.yaml: flow 'unknown-stage': stage 'first-contact' is not in "
        "the taxonomy"
    ),
    "start-missing": (
        "broken_flows/start-missing.yaml: flow 'start-missing': start 'begin' does not exist"
    ),
    "next-missing": (
        "broken_flows/next-missing.yaml: flow 'next-missing': step 'first': next 'histroy' does "
        "not exist"
    ),
    "next-unknown-answer": (
        "broken_flows/next-unknown-answer.yaml: flow 'next-unknown-answer': step 'first': next "
        "names 'maybe', which is not an answer to this step (yes, no, unsure)"
    ),
    "no-way-out": (
        "broken_flows/no-way-out.yaml: flow 'no-way-out': step 'first': next has no target for "
        "'unsure' (add it, or 'other')"
    ),
    "unreachable": (
        "broken_flows/unreachable.yaml: flow 'unreachable': step 'orphan': cannot be reached "
        "from the start"
    ),
    "no-exit": (
        "broken_flows/no-exit.yaml: flow 'no-exit': step 'stuck': cannot reach the end: it is "
        "caught in a loop with no way out"
    ),
    "unknown-knowledge": (
        "broken_flows/unknown-knowledge.yaml: flow 'unknown-knowledge': step 'first': knowledge "
        "'immediate-dangers' does not exist in the knowledge base"
    ),
    "unknown-topic": (
        "broken_flows/unknown-topic.yaml: flow 'unknown-topic': step 'first': topic "
        "'danger-now' is not in the taxonomy"
    ),
    "undefined-red-flag": (
        "broken_flows/undefined-red-flag.yaml: flow 'undefined-red-flag': step 'first': red "
        "flag 'fire' is not defined under red_flags"
    ),
    "red-flag-prompt": (
        "broken_flows/red-flag-prompt.yaml: flow 'red-flag-prompt': red flag 'danger' has an "
        "empty prompt: write the safety prompt the officer must acknowledge"
    ),
    "protect-first": (
        "broken_flows/protect-first.yaml: flow 'protect-first': red flags 'danger', 'harm' are "
        "all marked protect_first: a flow has one protect-first prompt at most"
    ),
    "red-flag-value": (
        "broken_flows/red-flag-value.yaml: flow 'red-flag-value': step 'first': red flag "
        "'danger' is raised on 'maybe', which this step cannot give (yes, no, unsure)"
    ),
    "button-too-long": (
        "broken_flows/button-too-long.yaml: flow 'button-too-long': step 'first': item "
        "'medical' label 'Medical care for every injury' is 29 characters; buttons hold 20 at "
        "most"
    ),
    "duplicate-id": (
        "broken_flows/duplicate-id.yaml: flow 'duplicate-id': step 'first': option id "
        "'neglect' is used twice"
    ),
    "button-value": (
        "broken_flows/button-value.yaml: flow 'button-value': step 'first': option id "
        "'neglect-of-the-child-see...' is 71 bytes; a button's value must fit 64 (Telegram's "
        "limit): shorten the id"
    ),
    "too-few-options": (
        "broken_flows/too-few-options.yaml: flow 'too-few-options': step 'first': a choice "
        "needs at least two options"
    ),
    "no-items": (
        "broken_flows/no-items.yaml: flow 'no-items': step 'first': needs at least one item: "
        "what a good answer covers"
    ),
    "item-no-phrases": (
        "broken_flows/item-no-phrases.yaml: flow 'item-no-phrases': step 'first': item "
        "'medical' has no phrases, so no answer could ever cover it"
    ),
    "bands": (
        "broken_flows/bands.yaml: flow 'bands': step 'first': bands must cover every value "
        "once: the first has no 'at_least', the last no 'below', and each 'at_least' equals "
        "the 'below' before it"
    ),
    "summary-condition": (
        "broken_flows/summary-condition.yaml: flow 'summary-condition': summary: notification 1 "
        "refers to step 'context', which does not exist"
    ),
    "command-word": (
        "broken_flows/command-word.yaml: flow 'command-word': step 'first': option 'returned' "
        "phrase 'Back' is also the command 'back', so typing it could never give this answer: "
        "reword it"
    ),
}


def _sources(rule: str) -> dict[str, str]:
    text = (BROKEN / f"{rule}.yaml").read_text(encoding="utf-8")
    sources = {f"broken_flows/{rule}.yaml": text}
    if rule == "duplicate-flow":
        sources[f"other/{rule}.yaml"] = text
    return sources


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_each_broken_flow_gives_exactly_its_message(rule: str, knowledge: KnowledgeBase) -> None:
    flows, report = check_flows(_sources(rule), knowledge)
    assert [str(problem) for problem in report.errors] == [EXPECTED[rule]]
    assert [problem.rule for problem in report.errors] == [rule]
    assert rule != "duplicate-flow" or list(flows.flows) == ["duplicate-flow"]
    assert rule == "duplicate-flow" or not flows.flows


def test_every_rule_has_one_fixture_and_one_expected_message() -> None:
    fixtures = {path.stem for path in BROKEN.glob("*.yaml")}
    assert fixtures == set(RULES)
    assert set(EXPECTED) == set(RULES)


def test_every_step_kind_is_broken_by_some_fixture(knowledge: KnowledgeBase) -> None:
    broken_kinds: set[str] = set()
    for rule in EXPECTED:
        _, report = check_flows(_sources(rule), knowledge)
        step_id = report.errors[0].step
        if step_id is None:
            continue
        data = read_yaml((BROKEN / f"{rule}.yaml").read_text(encoding="utf-8"))
        broken_kinds.add(data["steps"][step_id]["kind"])
    known = broken_kinds & set(STEP_KINDS)
    assert known == set(STEP_KINDS), f"no broken fixture for: {set(STEP_KINDS) - known}"
