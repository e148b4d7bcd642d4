"""Read and check a language pack: every file, every key, every error with its place.

A pack is a folder of YAML files (``language/en/``), one per table (see
:data:`bot.language._model.FILES`). Errors are collected, not raised one by one, so a trainer
who edits several tables sees every slip at once, each as ``language/en/answers.yaml: key
'yes' item 4: ...``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.language._model import FILES, DangerExamples, Language
from bot.language._yaml import YamlError, read_yaml

CLASS_NAME = re.compile(r"<([a-z-]+)>")
PEOPLE_CLASSES = ("child", "young-child", "adult")
"""Classes a danger cue may name that come from people.yaml rather than danger.yaml."""


class LanguageError(Exception):
    """A language pack has problems; ``problems`` lists each with its file and key."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"The language pack has {len(problems)} problem(s):\n{lines}")


EXAMPLES = "danger_examples"
"""The pack's optional file of labelled messages the learnt danger opinion is trained on."""


def default_language_dir() -> Path:
    """The English pack shipped with guidebot: the source tree's, else the wheel's copy."""
    package_root = Path(__file__).resolve().parents[1]
    for candidate in (package_root.parent / "language", package_root / "_data" / "language"):
        if (candidate / "en" / "answers.yaml").is_file():
            return candidate / "en"
    raise FileNotFoundError(
        "guidebot's language folder is missing. Reinstall guidebot to restore it."
    )


COMMON_WORDS_FILE = "common_words.txt"


@cache
def load_common_words(path: Path | None = None) -> frozenset[str]:
    """The pack's everyday English words (names taken out), read once per path.

    Kept with the pack's loaders, not the scrubber, because the engine reads it too ("sound" is
    never a typo of "wound") and must not import the scrubber's word lists to do so.

    Args:
        path: a word list, one lower-case word a line, ``#`` lines ignored; by default the
            shipped ``language/en/common_words.txt`` (``bot/_data/language`` in a wheel).

    Raises:
        OSError: the file cannot be read (guidebot's language folder is missing or damaged).
    """
    lines = (path or default_language_dir() / COMMON_WORDS_FILE).read_text(encoding="utf-8")
    return frozenset(
        word
        for line in lines.splitlines()
        if (word := line.strip().lower()) and not word.startswith("#")
    )


def _key_path(loc: Iterable[Any]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"item {part + 1}")
        elif str(part).startswith(("function-", "constrained-")) or "[" in str(part):
            continue
        else:
            parts.append(f"key '{part}'")
    return " ".join(parts)


def _shape_problems(file: str, exc: ValidationError) -> list[str]:
    found: list[str] = []
    for error in exc.errors():
        where = _key_path(error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "missing":
            message = "is missing"
        elif error["type"] == "extra_forbidden":
            message = "is not a known key (check the spelling)"
        found.append(f"{file}: {where}: {message}" if where else f"{file}: {message}")
    return found


def _cross_problems(language: Language, file: str) -> list[str]:
    """Layer two: every ``<class>`` a danger cue names exists."""
    danger = language.danger
    known = set(danger.classes) | set(PEOPLE_CLASSES)
    found: list[str] = []
    cues: list[tuple[str, str]] = [
        (f"key 'classes' key '{name}'", cue)
        for name, cues in danger.classes.items()
        for cue in cues
    ]
    cues += [
        (f"key 'kinds' key '{kind}' key 'cues'", cue)
        for kind, definition in danger.kinds.items()
        for cue in definition.cues
    ]
    for where, cue in cues:
        for name in CLASS_NAME.findall(cue):
            if name not in known:
                found.append(
                    f"{file}: {where}: cue '{cue}' names class <{name}>, which is not defined "
                    f"(classes: {', '.join(sorted(known))})"
                )
    return found


def read_language(folder: Path) -> Language:
    """Read a language pack folder, checking every file against its model.

    Raises:
        LanguageError: a file is missing, not YAML, or does not fit its model; or a danger cue
            names a class that does not exist. Every problem is listed.
    """
    shown = f"{folder.parent.name}/{folder.name}"
    problems: list[str] = []
    tables: dict[str, Any] = {}
    for name, model in FILES.items():
        file = f"{shown}/{name}.yaml"
        path = folder / f"{name}.yaml"
        if not path.is_file():
            problems.append(f"{file}: is missing")
            continue
        try:
            data = read_yaml(path.read_text(encoding="utf-8"))
        except YamlError as exc:
            problems.append(f"{file}: {exc}")
            continue
        if not isinstance(data, dict):
            problems.append(f"{file}: must be a mapping of keys")
            continue
        try:
            tables[name] = model.model_validate(data)
        except ValidationError as exc:
            problems.extend(_shape_problems(file, exc))
    examples = folder / f"{EXAMPLES}.yaml"
    if examples.is_file():
        try:
            data = read_yaml(examples.read_text(encoding="utf-8"))
            tables[EXAMPLES] = DangerExamples.model_validate(data).from_file(examples)
        except YamlError as exc:
            problems.append(f"{shown}/{EXAMPLES}.yaml: {exc}")
        except ValidationError as exc:
            problems.extend(_shape_problems(f"{shown}/{EXAMPLES}.yaml", exc))
    if problems:
        raise LanguageError(problems)
    language = Language(code=folder.name, **tables)
    problems = _cross_problems(language, f"{shown}/danger.yaml")
    if problems:
        raise LanguageError(problems)
    return language
