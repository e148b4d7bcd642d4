"""Officers' words for what the knowledge base says another way, read for the search only.

Officers paraphrase: "perp" for suspect, "ambo" for ambulance, "banged up" for prison. The
groups live in ``language/en/synonyms.yaml`` as data a trainer can read and extend; the
matcher reads a member the base does not use as the group's first member the base does use
(see :meth:`bot.knowledge._normalise.Vocabulary.paraphrase`). Only the search reads them: the
flows and the danger cues keep the officer's own words.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from bot.language import LanguageError, YamlError, default_language_dir, read_yaml

__all__ = ["read_synonyms", "shipped_synonyms"]

FILE_NAME = "synonyms.yaml"
# As the bot reads words: lower case letters and digits, one space apart.
_AS_READ = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")


def read_synonyms(path: Path) -> tuple[tuple[str, ...], ...]:
    """The synonym groups of one file, checked; every problem is listed with its place.

    Args:
        path: a ``synonyms.yaml`` file.

    Raises:
        LanguageError: the file cannot be read, or a group is not a list of two or more
            members written as the bot reads them.
    """
    shown = f"{path.parent.parent.name}/{path.parent.name}/{path.name}"
    try:
        data = read_yaml(path.read_text(encoding="utf-8"))
    except (OSError, YamlError) as error:
        raise LanguageError([f"{shown}: {error}"]) from None
    groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(groups, list):
        raise LanguageError([f"{shown}: needs a list 'groups' of synonym groups"])
    problems: list[str] = []
    read: list[tuple[str, ...]] = []
    for number, group in enumerate(groups, start=1):
        if not isinstance(group, list) or len(group) < 2:
            problems.append(f"{shown}: group {number} must list two or more members")
            continue
        for member in group:
            if not isinstance(member, str) or not _AS_READ.fullmatch(member):
                problems.append(
                    f"{shown}: group {number}: {member!r} must be written as the bot reads it "
                    "(lower case, no punctuation, words one space apart)"
                )
        read.append(tuple(str(member) for member in group))
    if problems:
        raise LanguageError(problems)
    return tuple(read)


@cache
def shipped_synonyms() -> tuple[tuple[str, ...], ...]:
    """The shipped groups, read once per process (none if the pack has no such file)."""
    path = default_language_dir() / FILE_NAME
    return read_synonyms(path) if path.is_file() else ()
