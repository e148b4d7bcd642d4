"""The shipped knowledge base: valid, complete against the taxonomy and the inspection criteria."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from bot.cli import cli
from bot.knowledge import coverage, default_knowledge_dir, load_knowledge, read_knowledge
from bot.language import read_yaml
from tests.conftest import DATA, shared_path

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
    base = load_knowledge()
    for topic in base.taxonomy.topics:
        entry = base.get(topic)
        assert entry is not None, f"no entry with id '{topic}'"
        assert topic in entry.topics


def test_every_inspection_bullet_in_scope_is_traced() -> None:
    rows = coverage(load_knowledge())
    assert [row.bullet.id for row in rows if row.untraced] == []


def test_every_entry_cites_a_seed_or_a_law() -> None:
    seed_citation = re.compile(r"^00[0-4]\b")
    law = re.compile(
        r"Act \d{4}|PACE|Code C|Working Together|Wales Safeguarding|APP|Circular|guidance", re.I
    )
    for entry in load_knowledge().entries:
        assert any(seed_citation.match(s) or law.search(s) for s in entry.source), entry.id


def test_unverified_facts_are_not_stated() -> None:
    """The facts sheet marks some claims UNVERIFIED; entries must not present them as fact."""
    for entry in load_knowledge().entries:
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
    for entry in load_knowledge().entries:
        if entry.jurisdiction != "both":
            assert entry.jurisdiction in entry.title.lower(), entry.id
