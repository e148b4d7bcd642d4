"""Reading and validating the knowledge base, in layers: YAML, then shape, then references.

Errors are collected rather than raised one at a time, so a trainer editing the YAML sees every
problem in one run, each naming the file, the entry and the field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from bot.knowledge._model import (
    Entry,
    SeedBullet,
    SeedBulletsFile,
    Stage,
    Taxonomy,
    TaxonomyFile,
    Topic,
)
from bot.language import YamlError, read_yaml

SCHEMA_VERSION = 1
ENTRY_FIELDS = tuple(Entry.model_fields)
UNREADABLE = object()
"""What :func:`_read_yaml` returns for a file it has already reported, unlike an empty file."""

ITEM_MODELS: dict[str, type[BaseModel]] = {
    "stages": Stage,
    "topics": Topic,
    "bullets": SeedBullet,
}
"""The model of each item in the taxonomy and seed-bullet files, by the list that holds it."""

CITES_THE_FACTS_SHEET = re.compile(
    r"legal[\s-]+facts|recurring\s+(?:inspection\s+)?findings?", re.I
)
"""Words that point an officer at the project's checked-facts sheet or a finding's number in it.

Officers see an entry's text and its first source on their card; they can look up "Children Act
1989 s46" or "HMICFRS national child protection inspections", never the sheet behind them.
"""
NATION_LABELS: dict[str, str] = {"england": "England: ", "wales": "Wales: "}
"""How a source that holds in one nation only is labelled in an entry for both."""

CITED_FIELDS = ("title", "summary", "guidance", "ask_yourself", "source")
"""The fields an officer reads (``terms`` are search words only and are never shown)."""


def default_knowledge_dir() -> Path:
    """The knowledge shipped with guidebot: the source tree's, else the copy inside the wheel."""
    package_root = Path(__file__).resolve().parents[1]
    for candidate in (package_root.parent / "knowledge", package_root / "_data" / "knowledge"):
        if (candidate / "taxonomy.yaml").is_file():
            return candidate
    raise FileNotFoundError(
        "guidebot's knowledge folder is missing. Reinstall guidebot, or pass --knowledge DIR."
    )


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the knowledge base, located precisely enough to fix.

    ``entry`` names the item at fault and ``kind`` says what it is: an entry, or in the taxonomy
    a stage or topic, or in the seed-bullet list a bullet.
    """

    file: str
    message: str
    entry: str | None = None
    field: str | None = None
    kind: str = "entry"

    def __str__(self) -> str:
        where = [self.file]
        if self.entry:
            where.append(f"{self.kind} '{self.entry}'")
        if self.field:
            where.append(f"field '{self.field}'")
        return f"{': '.join(where)}: {self.message}"


@dataclass
class CheckReport:
    """Fatal errors (the base must not be used) kept apart from advisory warnings."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing fatal was found; warnings alone do not stop the bot."""
        return not self.errors

    def lines(self) -> list[str]:
        """Errors first, then warnings, one printable line each (as the flow report prints)."""
        return [f"error: {p}" for p in self.errors] + [f"warning: {p}" for p in self.warnings]


class KnowledgeError(Exception):
    """The knowledge base has fatal problems; ``report`` lists them all."""

    def __init__(self, report: CheckReport) -> None:
        self.report = report
        lines = "\n".join(f"  {problem}" for problem in report.errors)
        super().__init__(f"The knowledge base has {len(report.errors)} problem(s):\n{lines}")


@dataclass(frozen=True)
class LoadedKnowledge:
    """Everything read from a knowledge folder, validated."""

    directory: Path
    taxonomy: Taxonomy
    entries: tuple[Entry, ...]
    bullets: tuple[SeedBullet, ...]
    report: CheckReport


def _display(path: Path, root: Path) -> str:
    try:
        return f"{root.name}/{path.relative_to(root).as_posix()}"
    except ValueError:
        return str(path)


def _read_yaml(path: Path, root: Path, report: CheckReport) -> Any:
    """The file's data, or :data:`UNREADABLE` once the reason is in the report."""
    try:
        return read_yaml(path.read_text(encoding="utf-8"))
    except YamlError as exc:
        report.errors.append(Problem(_display(path, root), str(exc)))
    except OSError as exc:
        report.errors.append(Problem(_display(path, root), f"cannot be read ({exc.strerror})"))
    return UNREADABLE


def _describe_validation_error(error: ErrorDetails) -> tuple[str | None, str]:
    """Turn one pydantic error into (field, plain-English message) for a trainer."""
    location = [str(part) for part in error["loc"]]
    field_name = location[0] if location else None
    kind = error["type"]
    if kind == "missing":
        if field_name == "source":
            return (
                field_name,
                "missing: every entry must cite its source (seed and section, or statute)",
            )
        return field_name, f"missing: every entry needs a {field_name}"
    if kind == "extra_forbidden":
        allowed = ", ".join(ENTRY_FIELDS)
        return field_name, f"is not a known field (check the spelling; known fields: {allowed})"
    if kind in ("too_short", "too_long", "string_too_short", "string_too_long"):
        limits = error.get("ctx", {})
        if "min_length" in limits and kind.endswith("too_short"):
            return field_name, f"is too short: at least {limits['min_length']} needed"
        if "max_length" in limits:
            return field_name, f"is too long: at most {limits['max_length']} allowed"
    if kind.startswith("date"):
        return field_name, "must be a date written as YYYY-MM-DD"
    if kind == "literal_error":
        return field_name, f"must be one of {error['ctx']['expected']}"
    return field_name, error["msg"].replace("Value error, ", "")


def _and(names: Sequence[str]) -> str:
    quoted = [f"'{name}'" for name in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def _describe_file_error(error: ErrorDetails, kind: str, model: type[BaseModel]) -> str:
    """One pydantic error in the taxonomy or seed bullets, as a plain message for a trainer."""
    fields = list(model.model_fields)
    required = [name for name, info in model.model_fields.items() if info.is_required()]
    kind_of_error = error["type"]
    if kind_of_error == "missing":
        return f"missing: every {kind} needs {_and(required)}"
    if kind_of_error == "extra_forbidden":
        return f"is not a known field (check the spelling; known fields: {', '.join(fields)})"
    if kind_of_error == "string_type":
        return "must be text; put it in quotes (a number such as 001 is read as 1 otherwise)"
    if kind_of_error in ("string_too_short", "too_short"):
        return "must not be empty"
    if kind_of_error in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a mapping of {_and(fields)}"
    return error["msg"].removeprefix("Value error, ")


def _file_problems(
    shown: str, exc: ValidationError, data: dict[str, Any], file_model: type[BaseModel]
) -> list[Problem]:
    """Every shape error of the taxonomy or seed bullets, naming the stage, topic or bullet."""
    problems: list[Problem] = []
    errors = exc.errors()
    # pydantic measures a list after dropping the items it refused, so a list whose every item
    # is broken is also "too short": the item errors already say what to fix.
    with_item_errors = {str(error["loc"][0]) for error in errors if len(error["loc"]) > 1}
    for error in errors:
        loc = error["loc"]
        group = str(loc[0])
        if len(loc) == 1 and error["type"] == "too_short" and group in with_item_errors:
            continue
        if len(loc) == 1:
            problems.append(Problem(shown, _describe_group_error(error, file_model), field=group))
            continue
        kind = group.removesuffix("s")
        name = _item_name(data.get(group), loc[1])
        if len(loc) > 2 and loc[2] == "[key]":
            message = f"the {kind} id must be text, not a number"
            problems.append(Problem(shown, message, entry=name, kind=kind))
            continue
        field_name = str(loc[2]) if len(loc) > 2 else None
        message = _describe_file_error(error, kind, ITEM_MODELS[group])
        problems.append(Problem(shown, message, entry=name, field=field_name, kind=kind))
    return problems


def _describe_group_error(error: ErrorDetails, file_model: type[BaseModel]) -> str:
    """An error in a whole list (``stages``, ``topics``, ``bullets``) rather than one item."""
    kind_of_error = error["type"]
    fields = list(file_model.model_fields)
    if kind_of_error == "missing":
        return f"missing: the file needs {_and(fields)}"
    if kind_of_error == "extra_forbidden":
        return f"is not a known field (check the spelling; known fields: {', '.join(fields)})"
    if kind_of_error in ("list_type", "tuple_type"):
        return "must be a list of bullets, each a mapping"
    if kind_of_error == "dict_type":
        return "must be a mapping of ids, each to its fields"
    if kind_of_error == "too_short":
        return "must not be empty"
    return error["msg"].removeprefix("Value error, ")


def _item_name(items: object, key: object) -> str:
    """A stage or topic by its id; a bullet by its id if it has one, else its place in the list."""
    if isinstance(items, list) and isinstance(key, int):
        item = items[key] if key < len(items) else None
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            return item["id"]
        return f"number {key + 1}"
    return str(key)


def _load_taxonomy(root: Path, report: CheckReport) -> Taxonomy | None:
    path = root / "taxonomy.yaml"
    shown = _display(path, root)
    data = _read_yaml(path, root, report)
    if data is UNREADABLE:
        return None
    if not isinstance(data, dict):
        report.errors.append(Problem(shown, "must be a mapping with 'stages' and 'topics'"))
        return None
    try:
        parsed = TaxonomyFile.model_validate(data)
    except ValidationError as exc:
        report.errors.extend(_file_problems(shown, exc, data, TaxonomyFile))
        return None
    for topic_id, topic in parsed.topics.items():
        if topic.stage not in parsed.stages:
            report.errors.append(
                Problem(
                    shown,
                    f"unknown stage '{topic.stage}' (stages: {', '.join(parsed.stages)})",
                    topic_id,
                    "stage",
                    kind="topic",
                )
            )
    return parsed.taxonomy()


def _load_bullets(root: Path, report: CheckReport) -> tuple[SeedBullet, ...]:
    path = root / "seed-bullets.yaml"
    if not path.exists():
        return ()
    shown = _display(path, root)
    data = _read_yaml(path, root, report)
    if data is UNREADABLE:
        return ()
    if not isinstance(data, dict):
        report.errors.append(Problem(shown, "must be a mapping with a 'bullets:' list"))
        return ()
    try:
        bullets = SeedBulletsFile.model_validate(data).bullets
    except ValidationError as exc:
        report.errors.extend(_file_problems(shown, exc, data, SeedBulletsFile))
        return ()
    first_at: dict[str, int] = {}
    for number, bullet in enumerate(bullets, start=1):
        if bullet.id in first_at:
            report.errors.append(
                Problem(
                    shown,
                    f"duplicate id: bullet number {first_at[bullet.id]} has it too; give each "
                    "bullet its own id",
                    bullet.id,
                    "id",
                    kind="bullet",
                )
            )
        else:
            first_at[bullet.id] = number
    return bullets


def _load_entry_files(root: Path, report: CheckReport) -> list[tuple[str, Entry]]:
    """Parse every entries file; shape errors are reported and the entry left out."""
    loaded: list[tuple[str, Entry]] = []
    files = sorted((root / "entries").glob("*.yaml"))
    if not files:
        report.errors.append(Problem(_display(root / "entries", root), "holds no .yaml files"))
    for path in files:
        shown = _display(path, root)
        data = _read_yaml(path, root, report)
        if data is UNREADABLE or data is None:
            continue
        if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
            report.errors.append(Problem(shown, "must be a mapping with an 'entries:' list"))
            continue
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            report.errors.append(
                Problem(
                    shown, f"schema_version is {version!r}; this guidebot reads {SCHEMA_VERSION}"
                )
            )
            continue
        for position, raw in enumerate(data["entries"], start=1):
            if not isinstance(raw, dict):
                report.errors.append(Problem(shown, f"entry number {position} is not a mapping"))
                continue
            name = str(raw.get("id") or f"number {position}")
            try:
                loaded.append((shown, Entry.model_validate(raw)))
            except ValidationError as exc:
                for error in exc.errors():
                    field_name, message = _describe_validation_error(error)
                    report.errors.append(Problem(shown, message, entry=name, field=field_name))
    return loaded


def _check_references(
    loaded: Sequence[tuple[str, Entry]],
    taxonomy: Taxonomy,
    bullets: Sequence[SeedBullet],
    today: dt.date,
    report: CheckReport,
) -> None:
    first_seen: dict[str, str] = {}
    for shown, entry in loaded:
        if entry.id in first_seen:
            report.errors.append(
                Problem(
                    shown, f"duplicate id: also defined in {first_seen[entry.id]}", entry.id, "id"
                )
            )
        else:
            first_seen[entry.id] = shown
    bullet_ids = {bullet.id for bullet in bullets}
    for shown, entry in loaded:
        if entry.stage not in taxonomy.stages:
            report.errors.append(
                Problem(
                    shown, f"unknown stage '{entry.stage}' (see taxonomy.yaml)", entry.id, "stage"
                )
            )
        for topic in entry.topics:
            if topic not in taxonomy.topics:
                report.errors.append(
                    Problem(
                        shown, f"unknown topic '{topic}' (see taxonomy.yaml)", entry.id, "topics"
                    )
                )
        for other in entry.related:
            if other not in first_seen:
                report.errors.append(
                    Problem(shown, f"related entry '{other}' does not exist", entry.id, "related")
                )
        for bullet in entry.traces:
            if bullet_ids and bullet not in bullet_ids:
                report.errors.append(
                    Problem(
                        shown,
                        f"traces '{bullet}', which is not in seed-bullets.yaml",
                        entry.id,
                        "traces",
                    )
                )
        if entry.review_by < today:
            report.warnings.append(
                Problem(
                    shown,
                    f"review date {entry.review_by.isoformat()} has passed: check the entry "
                    "against its source and set a new date",
                    entry.id,
                    "review_by",
                )
            )
    covered = {topic for _, entry in loaded for topic in entry.topics}
    for topic in taxonomy.topics:
        if topic not in covered:
            report.errors.append(
                Problem("taxonomy.yaml", f"topic '{topic}' has no knowledge entry; write one")
            )
    _warn_on_shared_terms(loaded, report)


def _check_citations(loaded: Sequence[tuple[str, Entry]], report: CheckReport) -> None:
    """Refuse text an officer reads that cites the facts sheet instead of the source itself."""
    for shown, entry in loaded:
        for field_name in CITED_FIELDS:
            value = getattr(entry, field_name)
            texts = (value,) if isinstance(value, str) else value
            found = next((m for text in texts if (m := CITES_THE_FACTS_SHEET.search(text))), None)
            if found:
                report.errors.append(
                    Problem(
                        shown,
                        f"cites '{found.group(0)}', which officers cannot look up: cite the "
                        "statute, guidance or inspectorate document itself (for example "
                        "'Children Act 1989 s46', 'PACE Code C 11.15' or 'HMICFRS national "
                        "child protection inspections'), never the legal facts sheet or a "
                        "finding's number",
                        entry.id,
                        field_name,
                    )
                )


def _check_nation_sources(loaded: Sequence[tuple[str, Entry]], report: CheckReport) -> None:
    """A nation's label belongs on a source of an entry for both, and each nation keeps one."""
    for shown, entry in loaded:
        labelled = {
            source: nation
            for source in entry.source
            for nation, label in NATION_LABELS.items()
            if source.startswith(label)
        }
        if labelled and entry.jurisdiction != "both":
            report.errors.append(
                Problem(
                    shown,
                    f"labels a source for one nation, but the entry is for {entry.jurisdiction} "
                    "only: drop the label, or make the entry for both",
                    entry.id,
                    "source",
                )
            )
            continue
        for nation in NATION_LABELS:
            if all(labelled.get(source, nation) != nation for source in entry.source):
                report.errors.append(
                    Problem(
                        shown,
                        f"in {nation.title()} every source is labelled for the other nation, so "
                        "the entry would cite nothing: add a source that holds there",
                        entry.id,
                        "source",
                    )
                )


def _term_key(term: str) -> str:
    return " ".join("".join(ch if ch.isalnum() else " " for ch in term.lower()).split())


def _warn_on_shared_terms(loaded: Sequence[tuple[str, Entry]], report: CheckReport) -> None:
    """Warn when one term leads to unrelated entries: the matcher cannot tell them apart by it."""
    owners: dict[str, list[tuple[str, Entry]]] = defaultdict(list)
    for shown, entry in loaded:
        for key in {_term_key(term) for term in entry.terms}:
            if key:
                owners[key].append((shown, entry))
    for key, holders in sorted(owners.items()):
        for index, (shown, entry) in enumerate(holders):
            for _, other in holders[:index]:
                unrelated = (
                    not set(entry.topics) & set(other.topics)
                    and other.id not in entry.related
                    and entry.id not in other.related
                )
                if unrelated:
                    report.warnings.append(
                        Problem(
                            shown,
                            f"term '{key}' is also a term of unrelated entry '{other.id}'; "
                            "make it more specific, or link the entries with 'related'",
                            entry.id,
                            "terms",
                        )
                    )


def read_knowledge(directory: Path | None = None, today: dt.date | None = None) -> LoadedKnowledge:
    """Read and check a knowledge folder, returning every entry that parsed and a full report.

    Unlike :func:`bot.knowledge.load_knowledge` this never raises for content problems, so
    ``guidebot kb check`` can list them all.
    """
    root = directory or default_knowledge_dir()
    report = CheckReport()
    taxonomy = _load_taxonomy(root, report)
    bullets = _load_bullets(root, report)
    loaded = _load_entry_files(root, report)
    if taxonomy is not None:
        _check_references(loaded, taxonomy, bullets, today or dt.date.today(), report)
    _check_citations(loaded, report)
    _check_nation_sources(loaded, report)
    return LoadedKnowledge(
        directory=root,
        taxonomy=taxonomy or Taxonomy(stages={}, topics={}),
        entries=tuple(entry for _, entry in loaded),
        bullets=bullets,
        report=report,
    )
