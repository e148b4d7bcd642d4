"""`guidebot kb check`: each validation rule, its broken fixture and its exact message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.knowledge import KnowledgeError, load_knowledge, read_knowledge
from tests.conftest import DATA

BROKEN = DATA / "broken_knowledge"
BROKEN_TAXONOMY = DATA / "broken_taxonomy"
BROKEN_BULLETS = DATA / "broken_bullets"
FILE = "knowledge/entries/zz-broken.yaml"

# rule (fixture name) -> (errors, warnings) exactly as `guidebot kb check` prints them.
EXPECTED: dict[str, tuple[list[str], list[str]]] = {
    "invalid-yaml": ([f"{FILE}: is not valid YAML at line 5; check the indentation there"], []),
    "duplicate-key": (
        [
            f"{FILE}: is not valid YAML at line 9: the key 'summary' appears twice in one "
            "mapping; keep one"
        ],
        [],
    ),
    "entries-not-a-list": ([f"{FILE}: must be a mapping with an 'entries:' list"], []),
    "wrong-schema-version": ([f"{FILE}: schema_version is 2; this guidebot reads 1"], []),
    "unknown-field": (
        [
            f"{FILE}: entry 'misspelt-field': field 'sumary': is not a known field (check the "
            "spelling; known fields: id, stage, topics, title, summary, guidance, ask_yourself, "
            "terms, source, jurisdiction, review_by, related, traces)"
        ],
        [],
    ),
    "missing-source": (
        [
            f"{FILE}: entry 'uncited': field 'source': missing: every entry must cite its source "
            "(seed and section, or statute)"
        ],
        [],
    ),
    "missing-title": (
        [f"{FILE}: entry 'untitled': field 'title': missing: every entry needs a title"],
        [],
    ),
    "unknown-topic": (
        [f"{FILE}: entry 'wrong-topic': field 'topics': unknown topic 'mash' (see taxonomy.yaml)"],
        [],
    ),
    "unknown-stage": (
        [
            f"{FILE}: entry 'wrong-stage': field 'stage': unknown stage 'first-contact' "
            "(see taxonomy.yaml)"
        ],
        [],
    ),
    "duplicate-id": (
        [
            f"{FILE}: entry 'immediate-danger': field 'id': duplicate id: also defined in "
            "knowledge/entries/valid.yaml"
        ],
        [],
    ),
    "related-missing": (
        [
            f"{FILE}: entry 'dangling-related': field 'related': related entry 'no-such-entry' "
            "does not exist"
        ],
        [],
    ),
    "traces-unknown": (
        [
            f"{FILE}: entry 'wrong-trace': field 'traces': traces '001-9.9', which is not in "
            "seed-bullets.yaml"
        ],
        [],
    ),
    "id-not-kebab-case": (
        [
            f"{FILE}: entry 'Bad_Id': field 'id': must be kebab-case: lower-case letters, digits "
            "and single hyphens"
        ],
        [],
    ),
    "too-few-guidance": (
        [f"{FILE}: entry 'one-bullet': field 'guidance': is too short: at least 2 needed"],
        [],
    ),
    "bad-jurisdiction": (
        [
            f"{FILE}: entry 'scotland': field 'jurisdiction': must be one of 'england', 'wales' "
            "or 'both'"
        ],
        [],
    ),
    "bad-review-date": (
        [f"{FILE}: entry 'bad-date': field 'review_by': must be a date written as YYYY-MM-DD"],
        [],
    ),
    "nation-source": (
        [
            f"{FILE}: entry 'labelled-in-one-nation': field 'source': labels a source for one "
            "nation, but the entry is for england only: drop the label, or make the entry for "
            "both",
            f"{FILE}: entry 'nothing-left-in-wales': field 'source': in Wales every source is "
            "labelled for the other nation, so the entry would cite nothing: add a source that "
            "holds there",
        ],
        [],
    ),
    "cites-the-facts-sheet": (
        [
            f"{FILE}: entry 'cites-the-sheet': field 'guidance': cites 'recurring finding', which "
            "officers cannot look up: cite the statute, guidance or inspectorate document itself "
            "(for example 'Children Act 1989 s46', 'PACE Code C 11.15' or 'HMICFRS national child "
            "protection inspections'), never the legal facts sheet or a finding's number",
            f"{FILE}: entry 'cites-the-sheet': field 'source': cites 'legal facts', which officers "
            "cannot look up: cite the statute, guidance or inspectorate document itself (for "
            "example 'Children Act 1989 s46', 'PACE Code C 11.15' or 'HMICFRS national child "
            "protection inspections'), never the legal facts sheet or a finding's number",
        ],
        [],
    ),
    "past-review-date": (
        [],
        [
            f"{FILE}: entry 'stale': field 'review_by': review date 2020-01-01 has passed: check "
            "the entry against its source and set a new date"
        ],
    ),
    "shared-term": (
        [],
        [
            f"{FILE}: entry 'shares-a-term': field 'terms': term 'first aid' is also a term of "
            "unrelated entry 'immediate-needs'; make it more specific, or link the entries with "
            "'related'"
        ],
    ),
}


TAXONOMY = "knowledge/taxonomy.yaml"
BULLETS = "knowledge/seed-bullets.yaml"

# rule (fixture name in broken_taxonomy/) -> the errors, exactly; each replaces taxonomy.yaml.
EXPECTED_TAXONOMY: dict[str, list[str]] = {
    "not-a-mapping": [f"{TAXONOMY}: must be a mapping with 'stages' and 'topics'"],
    "missing-topics": [
        f"{TAXONOMY}: field 'topics': missing: the file needs 'stages' and 'topics'"
    ],
    "unknown-field": [
        f"{TAXONOMY}: topic 'immediate-danger': field 'owner': is not a known field (check the "
        "spelling; known fields: stage, what, source)"
    ],
    "missing-field": [
        f"{TAXONOMY}: topic 'immediate-needs': field 'what': missing: every topic needs 'stage', "
        "'what' and 'source'"
    ],
    "empty-field": [f"{TAXONOMY}: stage 'initial-contact': field 'title': must not be empty"],
    "not-a-mapping-of-fields": [
        f"{TAXONOMY}: stage 'initial-contact': must be a mapping of 'title' and 'source'"
    ],
    "unknown-stage": [
        f"{TAXONOMY}: topic 'fact-vs-opinion': field 'stage': unknown stage 'recordng' (stages: "
        "initial-contact, recording)"
    ],
}

# rule (fixture name in broken_bullets/) -> the errors, exactly; each replaces seed-bullets.yaml.
EXPECTED_BULLETS: dict[str, list[str]] = {
    "not-a-mapping": [f"{BULLETS}: must be a mapping with a 'bullets:' list"],
    "bullets-not-a-list": [
        f"{BULLETS}: field 'bullets': must be a list of bullets, each a mapping"
    ],
    "unknown-field": [
        f"{BULLETS}: bullet '001-8.11': field 'out_of_scop': is not a known field (check the "
        "spelling; known fields: id, seed, section, text, out_of_scope)"
    ],
    "missing-field": [
        f"{BULLETS}: bullet '001-8.6': field 'text': missing: every bullet needs 'id', 'seed', "
        "'section' and 'text'"
    ],
    "not-text": [
        f"{BULLETS}: bullet '001-1.3': field 'seed': must be text; put it in quotes (a number "
        "such as 001 is read as 1 otherwise)"
    ],
    "duplicate-id": [
        f"{BULLETS}: bullet '001-8.6': field 'id': duplicate id: bullet number 2 has it too; "
        "give each bullet its own id"
    ],
}


def knowledge_with(tmp_path: Path, fixture: str | None) -> Path:
    """The minimal valid base, plus one broken file when a fixture is named."""
    root = tmp_path / "knowledge"
    shutil.copytree(DATA / "knowledge_min", root)
    if fixture:
        shutil.copy(BROKEN / f"{fixture}.yaml", root / "entries" / "zz-broken.yaml")
    return root


def knowledge_replacing(tmp_path: Path, name: str, fixture: Path) -> Path:
    """The minimal valid base with one of its own files (taxonomy, seed bullets) replaced."""
    root = knowledge_with(tmp_path, None)
    shutil.copy(fixture, root / name)
    return root


def test_every_broken_fixture_has_an_expected_message() -> None:
    assert {path.stem for path in BROKEN.glob("*.yaml")} == set(EXPECTED)
    assert {path.stem for path in BROKEN_TAXONOMY.glob("*.yaml")} == set(EXPECTED_TAXONOMY)
    assert {path.stem for path in BROKEN_BULLETS.glob("*.yaml")} == set(EXPECTED_BULLETS)


def test_the_minimal_base_is_valid(tmp_path: Path) -> None:
    report = read_knowledge(knowledge_with(tmp_path, None)).report
    assert (report.errors, report.warnings) == ([], [])


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_broken_knowledge_gives_the_exact_message(rule: str, tmp_path: Path) -> None:
    report = read_knowledge(knowledge_with(tmp_path, rule)).report
    errors, warnings = EXPECTED[rule]
    assert [str(problem) for problem in report.errors] == errors
    assert [str(problem) for problem in report.warnings] == warnings


@pytest.mark.parametrize("rule", sorted(EXPECTED_TAXONOMY))
def test_a_broken_taxonomy_gives_the_exact_message(rule: str, tmp_path: Path) -> None:
    root = knowledge_replacing(tmp_path, "taxonomy.yaml", BROKEN_TAXONOMY / f"{rule}.yaml")
    report = read_knowledge(root).report
    assert ([str(problem) for problem in report.errors], report.warnings) == (
        EXPECTED_TAXONOMY[rule],
        [],
    )


@pytest.mark.parametrize("rule", sorted(EXPECTED_BULLETS))
def test_broken_seed_bullets_give_the_exact_message(rule: str, tmp_path: Path) -> None:
    root = knowledge_replacing(tmp_path, "seed-bullets.yaml", BROKEN_BULLETS / f"{rule}.yaml")
    report = read_knowledge(root).report
    assert ([str(problem) for problem in report.errors], report.warnings) == (
        EXPECTED_BULLETS[rule],
        [],
    )


def test_an_empty_taxonomy_is_an_error_not_a_pass(tmp_path: Path) -> None:
    root = knowledge_with(tmp_path, None)
    (root / "taxonomy.yaml").write_text("# emptied by mistake\n")
    report = read_knowledge(root).report
    assert [str(problem) for problem in report.errors] == [
        f"{TAXONOMY}: must be a mapping with 'stages' and 'topics'"
    ]


@pytest.mark.parametrize(
    ("name", "fixture", "expected"),
    [
        (
            "taxonomy.yaml",
            BROKEN_TAXONOMY / "missing-field.yaml",
            EXPECTED_TAXONOMY["missing-field"],
        ),
        ("seed-bullets.yaml", BROKEN_BULLETS / "not-text.yaml", EXPECTED_BULLETS["not-text"]),
    ],
    ids=["taxonomy", "seed-bullets"],
)
def test_cli_check_reports_a_malformed_file_without_a_traceback(
    name: str, fixture: Path, expected: list[str], tmp_path: Path
) -> None:
    root = knowledge_replacing(tmp_path, name, fixture)
    result = CliRunner().invoke(cli, ["kb", "check", "--knowledge", str(root)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), "no traceback, just the exit code"
    assert result.output.splitlines() == [
        f"error: {expected[0]}",
        "3 entries checked: 1 error(s), 0 warning(s).",
    ]


def test_a_topic_without_any_entry_is_an_error(tmp_path: Path) -> None:
    root = knowledge_with(tmp_path, None)
    taxonomy = (root / "taxonomy.yaml").read_text()
    extra = '  missing-child: {stage: initial-contact, what: "missing", source: "001 §1"}\n'
    (root / "taxonomy.yaml").write_text(taxonomy + extra)
    report = read_knowledge(root).report
    assert [str(problem) for problem in report.errors] == [
        "taxonomy.yaml: topic 'missing-child' has no knowledge entry; write one"
    ]


def test_loading_a_broken_base_raises_with_every_error(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(knowledge_with(tmp_path, "unknown-topic"))
    assert "unknown topic 'mash'" in str(raised.value)


def test_warnings_alone_do_not_stop_loading(tmp_path: Path) -> None:
    base = load_knowledge(knowledge_with(tmp_path, "past-review-date"))
    assert base.get("stale") is not None


def test_cli_check_exits_1_and_prints_errors_then_the_count(tmp_path: Path) -> None:
    root = knowledge_with(tmp_path, "unknown-topic")
    result = CliRunner().invoke(cli, ["kb", "check", "--knowledge", str(root)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"error: {EXPECTED['unknown-topic'][0][0]}",
        "4 entries checked: 1 error(s), 0 warning(s).",
    ]


def test_cli_check_exits_0_with_warnings_only(tmp_path: Path) -> None:
    root = knowledge_with(tmp_path, "past-review-date")
    result = CliRunner().invoke(cli, ["kb", "check", "--knowledge", str(root)])
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "4 entries checked: 0 error(s), 1 warning(s)."


def test_cli_search_on_a_broken_base_says_what_to_do(tmp_path: Path) -> None:
    root = knowledge_with(tmp_path, "duplicate-id")
    result = CliRunner().invoke(cli, ["kb", "search", "danger", "--knowledge", str(root)])
    assert result.exit_code == 1
    assert "Run 'guidebot kb check' for the full list, fix them and try again." in result.output


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        ("legal-facts.md, police protection", "legal-facts"),
        ("Children Act 1989 s46 (Legal Facts Sheet)", "Legal Facts"),
        ("HMICFRS recurring inspection findings, item 9", "recurring inspection findings"),
        ("HMICFRS inspections, recurring findings 1 and 2", "recurring findings"),
    ],
)
def test_every_way_of_citing_the_facts_sheet_is_an_error(
    text: str, cited: str, tmp_path: Path
) -> None:
    root = knowledge_with(tmp_path, "cites-the-facts-sheet")
    broken = root / "entries" / "zz-broken.yaml"
    fixture = broken.read_text()
    fixture = fixture.replace(" (recurring finding 2)", "")
    broken.write_text(fixture.replace("Children Act 1989 s46 (legal facts sheet)", text))
    report = read_knowledge(root).report
    assert [(p.entry, p.field) for p in report.errors] == [("cites-the-sheet", "source")]
    assert report.errors[0].message.startswith(f"cites '{cited}', which officers cannot")


def test_citing_the_documents_themselves_passes(tmp_path: Path) -> None:
    root = knowledge_with(tmp_path, "cites-the-facts-sheet")
    broken = root / "entries" / "zz-broken.yaml"
    fixture = broken.read_text().replace(" (recurring finding 2)", "")
    broken.write_text(
        fixture.replace(
            "Children Act 1989 s46 (legal facts sheet)",
            "HMICFRS national child protection inspections",
        )
    )
    assert read_knowledge(root).report.errors == []
