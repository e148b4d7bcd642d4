"""Checks on the repository's own files that no other test would notice."""

from __future__ import annotations

import re

from tests.conftest import ROOT

SKIPPED = {".git", ".venv", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis"}
MARKER = re.compile(r"^(<{7}|>{7}) |^={7}$", re.MULTILINE)


def test_no_file_holds_a_merge_conflict_marker() -> None:
    """A conflict left in the changelog once landed on main; a reader cannot tell which side."""
    found = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*")
        if path.suffix in {".md", ".py", ".yaml", ".toml", ".txt"}
        and not SKIPPED & set(path.relative_to(ROOT).parts)
        and MARKER.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert found == []
