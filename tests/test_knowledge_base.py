"""The shipped knowledge base: valid, complete against the taxonomy and the inspection criteria."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.knowledge import Entry, coverage, default_knowledge_dir, read_knowledge
from bot.language import read_yaml
from tests.conftest import DATA, shared_path, shipped_knowledge

KNOWLEDGE = default_knowledge_dir()


def test_taxonomy_copy_equals_the_shared_contract() -> None:
    shared = shared_path("spec", "taxonomy.yaml")
    assert (KNOWLEDGE / "taxonomy.yaml").read_bytes() == shared.read_bytes()


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()


def test_every_seed_bullet_is_quoted_from_its_seed() -> None:
    seeds = shared_path("seeds")
    bullets = read_yaml((KNOWLEDGE / "seed-bullets.yaml").read_text())["bullets"]
    for bullet in bullets:
        (seed_file,) = seeds.glob(f"{bullet['seed']}_*.txt")
        seed_text = _squash(seed_file.read_text())
        # "[…]" marks where a row breaks across pages in the seed, with other text between.
        for part in bullet["text"].split("[…]"):
            assert _squash(part) in seed_text, bullet["id"]


def test_every_bullet_of_seed_001_is_listed() -> None:
    seed = shared_path("seeds").glob("001_*.txt")
    count = sum(line.strip().startswith("•") for line in next(seed).read_text().splitlines())
    bullets = read_yaml((KNOWLEDGE / "seed-bullets.yaml").read_text())["bullets"]
    assert sum(bullet["seed"] == "001" for bullet in bullets) == count


def test_the_shipped_base_has_no_errors() -> None:
    report = read_knowledge().report
    assert [str(problem) for problem in report.errors] == []


def test_every_topic_has_an_entry_named_after_it() -> None:
    """Flows refer to a topic's main entry by the topic id, so each must exist."""
    base = shipped_knowledge()
    for topic in base.taxonomy.topics:
        entry = base.get(topic)
        assert entry is not None, f"no entry with id '{topic}'"
        assert topic in entry.topics


def test_every_inspection_bullet_in_scope_is_traced() -> None:
    rows = coverage(shipped_knowledge())
    assert [row.bullet.id for row in rows if row.untraced] == []


def test_every_entry_cites_a_seed_or_a_law() -> None:
    seed_citation = re.compile(r"^00[0-4]\b")
    law = re.compile(
        r"Act \d{4}|PACE|Code C|Working Together|Wales Safeguarding|APP|Circular|guidance", re.I
    )
    for entry in shipped_knowledge().entries:
        assert any(seed_citation.match(s) or law.search(s) for s in entry.source), entry.id


def test_unverified_facts_are_not_stated() -> None:
    """The facts sheet marks some claims UNVERIFIED; entries must not present them as fact."""
    for entry in shipped_knowledge().entries:
        text = " ".join((entry.summary, *entry.guidance)).lower()
        assert "17/2008" not in text, entry.id
        assert "within 24 hours" not in text or "local" in text, entry.id


def test_cli_coverage_prints_every_bullet_and_the_untraced_count(tmp_path: Path) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(DATA / "knowledge_min", root)
    result = CliRunner().invoke(cli, ["kb", "coverage", "--knowledge", str(root)])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "001-1.3   immediate-danger",
        "001-8.6   fact-vs-opinion",
        "001-8.11  out of scope: Organisational.",
        "3 bullets: 2 traced, 1 out of scope, 0 untraced.",
    ]


def test_cli_coverage_exits_1_when_a_bullet_is_untraced(tmp_path: Path) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(DATA / "knowledge_min", root)
    entries = root / "entries" / "valid.yaml"
    entries.write_text(entries.read_text().replace("traces: [001-8.6]", "traces: []"))
    result = CliRunner().invoke(cli, ["kb", "coverage", "--knowledge", str(root)])
    assert result.exit_code == 1
    assert "001-8.6   UNTRACED" in result.output
    assert result.output.splitlines()[-1] == "3 bullets: 1 traced, 1 out of scope, 1 untraced."


def test_cli_show_prints_an_entry_and_refuses_an_unknown_id(tmp_path: Path) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(DATA / "knowledge_min", root)
    shown = CliRunner().invoke(cli, ["kb", "show", "fact-vs-opinion", "--knowledge", str(root)])
    assert shown.exit_code == 0
    assert shown.output.splitlines()[:2] == [
        "Fact or opinion",
        "Record facts apart from your judgement and opinion.",
    ]
    missing = CliRunner().invoke(cli, ["kb", "show", "nope", "--knowledge", str(root)])
    assert missing.exit_code == 1
    assert "No entry has the id 'nope'" in missing.output


def test_an_entry_for_one_nation_says_so_in_its_title() -> None:
    """Shown without a jurisdiction setting, an officer must see which nation it is for."""
    for entry in shipped_knowledge().entries:
        if entry.jurisdiction != "both":
            assert entry.jurisdiction in entry.title.lower(), entry.id


def _entry(entry_id: str) -> Entry:
    entry = shipped_knowledge().get(entry_id)
    assert entry is not None, entry_id
    return entry


def _card(entry_id: str) -> str:
    """What an officer's chat card shows of an entry: the summary and the first two points."""
    entry = _entry(entry_id)
    return " ".join((entry.summary, *entry.guidance[:2])).lower()


# An officer's question, the entry that must come first, and what its card must say.
ANSWERED_ON_THE_CARD = [
    (
        "can I force entry to take a child into police protection",
        "police-protection-limits",
        ["no power of entry", "s17(1)(e)", "warrant"],
    ),
    (
        "how do I get a police protection order",
        "police-protection-s46",
        ["no 'police protection order'"],
    ),
    (
        "can the duty solicitor be the appropriate adult",
        "appropriate-adult-who",
        ["never a solicitor acting for the child", "duty solicitor included"],
    ),
    (
        "child has disclosed sexual abuse to me",
        "first-account-abe-interview",
        ["safe now", "exact words", "don't question in depth", "refer", "abe"],
    ),
    (
        "is a 17 year old a child",
        "under-18-is-a-child",
        ["anyone under 18 is a child", "code c 1.5"],
    ),
    (
        "how long can a child be held on a 136",
        "mental-health-s136",
        ["24 hours", "extendable by 12", "never a place of safety for anyone under 18"],
    ),
    ("what age for secure accommodation under s38(6)", "transfer-la-accommodation", ["12 or over"]),
    (
        "4 month old with a bruise",
        "bruising-non-mobile-baby",
        ["children's social care", "paediatric assessment", "local protocol"],
    ),
]


@pytest.mark.parametrize(("question", "entry_id", "says"), ANSWERED_ON_THE_CARD)
def test_an_officers_question_is_answered_first_and_on_the_card(
    question: str, entry_id: str, says: list[str]
) -> None:
    first = shipped_knowledge().search(question).matches[0].entry
    assert first.id == entry_id
    card = _card(entry_id)
    assert [phrase for phrase in says if phrase not in card] == []


def _officer_text(entry: Entry) -> str:
    return " ".join((entry.title, entry.summary, *entry.guidance, *entry.ask_yourself)).lower()


def test_corrected_law_is_stated_where_officers_see_it() -> None:
    interview = _card("appropriate-adult-interview")
    assert "must not" in interview and "superintendent" in interview
    assert "custody officer" in interview  # says it cannot authorise
    designated = _officer_text(_entry("police-protection-designated-officer"))
    assert "s46(10)" in designated and "s46(11)" in designated
    assert "s19" in _card("online-sexual-abuse")
    assert "s45" in _card("child-exploitation") and "nrm" in _card("child-exploitation")
    assert "s77(2)(b)" in _officer_text(_entry("transfer-not-impracticable"))
    assert "marac" in _card("dash-dara-risk-assessment")
    assert "forward" in _card("record-removal-decisions")


def test_no_entry_repeats_a_corrected_error() -> None:
    for entry in shipped_knowledge().entries:
        text = _officer_text(entry)
        assert "not an offender" not in text, entry.id
        assert "custody officer before relying" not in text, entry.id
        assert "retention policy before" not in text, entry.id
        assert "aa should be there" not in text, entry.id


def test_a_local_boards_framework_is_never_cited_as_national() -> None:
    """Seed 004 is one safeguarding board's 2017 framework: cited only as a local example."""
    for entry in shipped_knowledge().entries:
        for source in entry.source:
            if source.startswith("004"):
                assert "local example" in source, entry.id
        assert not entry.source[0].startswith("004"), entry.id
    assert not any(source.startswith("000") for source in _entry("training-gaps").source)
