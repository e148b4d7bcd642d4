"""The one YAML reader and writer (bot.language.read_yaml and friends), and that it is the one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.language import YamlError, read_yaml, read_yaml_for_editing, write_yaml

ROOT = Path(__file__).resolve().parents[1]


def test_yes_no_on_and_off_are_words_and_true_is_a_boolean() -> None:
    assert read_yaml("when: [yes, no, on, off, Yes, NO]\nflag: true\n") == {
        "when": ["yes", "no", "on", "off", "Yes", "NO"],
        "flag": True,
    }


def test_invalid_yaml_names_the_line() -> None:
    with pytest.raises(YamlError) as raised:
        read_yaml("id: x\nsteps:\n  first: [kind, confirm\n  second: x\n")
    assert raised.value.line == 4
    assert str(raised.value) == "is not valid YAML at line 4; check the indentation there"


def test_a_repeated_key_is_refused_with_its_name_and_line() -> None:
    with pytest.raises(YamlError) as raised:
        read_yaml("id: x\nask: first\nask: second\n")
    assert str(raised.value) == (
        "is not valid YAML at line 3: the key 'ask' appears twice in one mapping; keep one"
    )


def test_written_yaml_reads_back_the_same_and_quotes_the_old_booleans() -> None:
    data = {
        "turns": [
            {"text": "yes", "bot": [{"text": " ".join(["Source: 001 §1; the child’s view"] * 6)}]},
            {"press": "No", "after": 1.5},
        ]
    }
    text = write_yaml(data)
    assert "- text: 'yes'\n" in text and "- press: 'No'\n" in text
    assert "§" in text and "’" in text
    lines = text.splitlines()
    assert len(lines) > 6, "a long reply is folded over several lines"
    assert [line for line in lines if line.endswith(" ")] == []
    assert read_yaml(text) == data


def test_reading_for_editing_keeps_comments_and_order() -> None:
    text = "# why this file exists\nzeta: 1  # first on purpose\nalpha: [a, b]\n"
    data = read_yaml_for_editing(text)
    data["alpha"].append("c")
    data["middle"] = "new"
    assert write_yaml(data) == (
        "# why this file exists\nzeta: 1  # first on purpose\nalpha: [a, b, c]\nmiddle: new\n"
    )


def test_nothing_imports_pyyaml() -> None:
    """One YAML loader: PyYAML reads 'yes' as True, so it must not come back by accident."""
    sources = [
        path for folder in ("bot", "tests", "benchmarks") for path in (ROOT / folder).rglob("*.py")
    ]
    importing = [
        path.relative_to(ROOT).as_posix()
        for path in sources
        if re.search(r"^\s*(import yaml|from yaml\b)", path.read_text(encoding="utf-8"), re.M)
    ]
    assert importing == []


def test_the_language_package_depends_on_nothing_else_in_the_bot() -> None:
    imports = {
        match.group(1)
        for path in (ROOT / "bot" / "language").glob("*.py")
        for match in re.finditer(r"^\s*(?:from|import) (bot\.[\w.]+)", path.read_text(), re.M)
    }
    assert {name for name in imports if not name.startswith("bot.language")} == set()
