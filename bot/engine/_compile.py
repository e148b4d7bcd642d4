"""Validate flow files in layers and compile each into a transition table.

Layer one is the YAML and its shape (:mod:`bot.engine._schema`); layer two the graph (every
target exists, every answer has a way out, every step is reachable and can reach the end);
layer three the references (knowledge entries, taxonomy topics, red flags, summary conditions).
Problems are collected, not raised one by one, so whoever edits a flow sees them all at once,
each naming the file, the flow and the step. Fatal errors and advisory warnings are kept apart:
a flow with errors is never run, a flow with warnings is.

The engine is handed the file texts; reading the folder is the caller's job, so this module
stays free of I/O like the rest of the engine.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import ValidationError

from bot.engine._commands import QUESTION_WORDS, command_words
from bot.engine._nations import LABELS, NATIONS, Nation, for_nation, one_nation_only
from bot.engine._negation import NEGATION_WORDS, PENDING_WORDS
from bot.engine._phrases import Phrase, phrase
from bot.engine._points import Point
from bot.engine._schema import (
    END,
    FLOW_SCHEMA_VERSION,
    OTHER,
    STEP_KINDS,
    AnyStep,
    Band,
    ChecklistStep,
    ChoiceStep,
    ConfirmStep,
    DurationStep,
    FlowFile,
    InfoStep,
    Item,
    NumberStep,
    RedFlagDef,
    SummaryLine,
    TextStep,
    flag_values_of,
    outcomes_of,
)
from bot.engine._words import LANGUAGE, words
from bot.knowledge import Entry, SearchResult, Taxonomy, stem, tokens
from bot.language import YamlError, read_yaml

KEBAB_CASE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_BUTTON = 20
MAX_MESSAGE = 300

ABBREVIATIONS: dict[str, str] = dict(LANGUAGE.abbreviations.spell_out)
EVERYTHING = frozenset(w for w in map(words, LANGUAGE.answers.everything) if w)
"""Every point at once ("all of it", "the lot"): at a list or a free answer, an answer, never
the 'more' command that "all of it" is elsewhere."""
"""Abbreviations a flow should spell out the first time it uses them (an advisory check)."""


class KnowledgeSource(Protocol):
    """What the engine needs from the knowledge base; :class:`bot.knowledge.KnowledgeBase` fits."""

    taxonomy: Taxonomy

    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id, or None."""

    def search(self, text: str, limit: int = 5) -> SearchResult:
        """Ranked entries for free text."""

    def applies(self, entry: Entry) -> bool:
        """Whether the entry holds in the nation (England or Wales) guidebot is deployed in."""


BUTTON_VALUE_BYTES = 64
"""Telegram's limit on a button's callback data."""

RULES: dict[str, str] = {
    "yaml": "the file is valid YAML",
    "not-a-mapping": "the file is a mapping of flow fields",
    "schema-version": "schema_version is the one this guidebot reads",
    "unknown-field": "no field outside the flow format",
    "nation-text": "text given per nation names both England and Wales",
    "missing-field": "every required field is present",
    "bad-value": "every field has the right type and range",
    "unknown-kind": "every step kind is one the engine runs",
    "flow-id": "the flow id is kebab-case and matches the file name",
    "duplicate-flow": "no two files define the same flow",
    "step-id": "step ids are kebab-case and not the reserved 'end'",
    "unknown-stage": "the flow's stage is in the taxonomy",
    "start-missing": "the start step exists",
    "next-missing": "every next target exists",
    "next-unknown-answer": "a next mapping names only answers the step can give",
    "no-way-out": "every answer of every step has a next target",
    "unreachable": "every step can be reached from the start",
    "no-exit": "every step can reach the end (no loop without a way out)",
    "unknown-knowledge": "every knowledge id exists in the knowledge base",
    "unknown-topic": "every topic is in the taxonomy",
    "undefined-red-flag": "every red flag a step raises is defined",
    "red-flag-prompt": "every red flag has a safety prompt",
    "red-flag-value": "a red flag is raised only on answers the step can give",
    "button-too-long": "button labels fit a phone (20 characters at most)",
    "duplicate-id": "option, item and band ids are unique within a step",
    "button-value": "a button's value (a flow, option, item or band id) fits Telegram's 64 bytes",
    "too-few-options": "a choice offers at least two options",
    "no-items": "a text or checklist step names what a good answer covers",
    "item-no-phrases": "every point of a free-text step can be recognised",
    "bands": "number and duration bands cover every value, without gaps or overlaps",
    "summary-condition": "summary conditions refer to real steps, answers and red flags",
    "command-word": "no option, label or phrase is a word that works at every step",
    "protect-first": "a flow has at most one protect-first red flag, and none named danger-now",
}
"""Every fatal rule, by code; ``tests/data/broken_flows/<code>.yaml`` breaks each one."""


@dataclass(frozen=True)
class FlowProblem:
    """One thing wrong with a flow file, located precisely enough to fix."""

    file: str
    rule: str
    message: str
    flow: str | None = None
    step: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.flow:
            where.append(f"flow '{self.flow}'")
        if self.step:
            where.append(f"step '{self.step}'")
        return f"{': '.join(where)}: {self.message}"


@dataclass
class FlowReport:
    """Fatal errors kept apart from advisory warnings."""

    errors: list[FlowProblem] = field(default_factory=list)
    warnings: list[FlowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing fatal was found."""
        return not self.errors

    def lines(self) -> list[str]:
        """Errors first, then warnings, one printable line each."""
        return [f"error: {p}" for p in self.errors] + [f"warning: {p}" for p in self.warnings]


class FlowError(Exception):
    """The flows have fatal problems; ``report`` lists them all."""

    def __init__(self, report: FlowReport) -> None:
        self.report = report
        lines = "\n".join(f"  {problem}" for problem in report.errors)
        super().__init__(f"The conversation flows have {len(report.errors)} problem(s):\n{lines}")


@dataclass(frozen=True)
class Edge:
    """One arrow of the flow graph: from a step to a target, on any of ``outcomes``."""

    source: str
    target: str
    outcomes: tuple[str, ...]

    @property
    def key(self) -> str:
        """A stable name for coverage reports, e.g. ``danger -> needs``."""
        return f"{self.source} -> {self.target}"


PROTECT_FIRST = "danger-now"
"""The id of the shared protect-first red flag (``language/en/danger.yaml``), raised at the menu
and in any flow without a protect-first flag of its own."""


def protect_first_flag() -> RedFlagDef:
    """The shared protect-first red flag, as the language pack defines it."""
    defined = LANGUAGE.danger.protect_first
    return RedFlagDef(
        title=defined.title,
        prompt=defined.prompt,
        knowledge=defined.knowledge,
        protect_first=True,
    )


@dataclass(frozen=True)
class StepWords:
    """What one step's answers sound like, read once when the flows are compiled.

    Attributes:
        labels: a confirm step's buttons by answer ("Done" for yes), taken when said exactly.
        meaning: a confirm step's own phrases by answer ("not safe" for yes), read anywhere.
        options: a choice step's options, a number step's bands, or a checklist's items, each
            with its label and phrases.
        points: a checklist or text step's points.
        answers: every label and phrase the step offers, as typed words: such an answer is
            read as the answer, never as an everywhere-word ("back" as in "the child is back").
        terms: every label and phrase the step expects in an answer, as meaningful stems:
            danger words among them ("knife" for signs of exploitation, "hit" for harm while
            away) are an answer to this question, not danger told now.
    """

    labels: Mapping[str, tuple[Phrase, ...]] = field(default_factory=dict)
    meaning: Mapping[str, tuple[Phrase, ...]] = field(default_factory=dict)
    options: tuple[tuple[str, tuple[Phrase, ...]], ...] = ()
    points: tuple[Point, ...] = ()
    answers: frozenset[str] = frozenset()
    terms: frozenset[tuple[str, ...]] = frozenset()


@dataclass(frozen=True)
class Flow:
    """A validated flow and its transition table, compiled once at load."""

    spec: FlowFile
    file: str
    table: Mapping[tuple[str, str], str]
    words: Mapping[str, StepWords] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """The flow id (also its file name)."""
        return self.spec.id

    @property
    def title(self) -> str:
        """The flow's title as shown to the officer."""
        return self.spec.title

    def step(self, step_id: str) -> AnyStep:
        """The step with this id (the engine only asks for ids the table produced)."""
        return self.spec.steps[step_id]

    @property
    def protect_first(self) -> str:
        """The red flag shown when an officer tells of danger now at any question of the flow.

        The flow's own (marked ``protect_first``) where it has one, otherwise the language
        pack's, shared by every flow and the menu.
        """
        return next(
            (flag_id for flag_id, flag in self.spec.red_flags.items() if flag.protect_first),
            PROTECT_FIRST,
        )

    def flag(self, flag_id: str) -> RedFlagDef:
        """A red flag's definition: the flow's own, or the shared protect-first prompt."""
        if flag_id in self.spec.red_flags:
            return self.spec.red_flags[flag_id]
        return protect_first_flag()

    def words_of(self, step_id: str) -> StepWords:
        """What the step's answers sound like (see :class:`StepWords`)."""
        return self.words.get(step_id, StepWords())

    def target(self, step_id: str, outcome: str) -> str:
        """Where the answer ``outcome`` to ``step_id`` leads: a step id or ``end``."""
        return self.table[(step_id, outcome)]

    def answers(self) -> tuple[tuple[str, str], ...]:
        """Every (step, answer) pair the flow can take, in file order.

        Finer than :meth:`edges`: two answers leading to the same step are one arrow but two
        answers, and a golden set that takes the arrow once may never try the other answer.
        """
        return tuple(self.table)

    def edges(self) -> tuple[Edge, ...]:
        """The arrows of the graph, answers with the same target grouped, in file order."""
        grouped: dict[tuple[str, str], list[str]] = {}
        for (source, outcome), target in self.table.items():
            grouped.setdefault((source, target), []).append(outcome)
        return tuple(Edge(s, t, tuple(o)) for (s, t), o in grouped.items())

    def red_flag_points(self) -> tuple[tuple[str, str], ...]:
        """Every (step, red flag) pair that can interrupt the flow."""
        return tuple(
            (step_id, rule.flag)
            for step_id, step in self.spec.steps.items()
            for rule in step.red_flags
        )


@dataclass(frozen=True)
class FlowSet:
    """Every flow, in menu order, and the advisory warnings found while loading them."""

    flows: Mapping[str, Flow]
    warnings: tuple[FlowProblem, ...] = ()

    def __getitem__(self, flow_id: str) -> Flow:
        return self.flows[flow_id]

    def __contains__(self, flow_id: object) -> bool:
        return flow_id in self.flows

    def __iter__(self) -> Iterator[Flow]:
        return iter(self.flows.values())

    def __len__(self) -> int:
        return len(self.flows)


# --- layer one: YAML and shape -------------------------------------------------------------


def _where(loc: tuple[Any, ...]) -> tuple[str | None, str]:
    """Turn a pydantic location into (step id, readable path of the field within it)."""
    parts = [str(part) for part in loc]
    step: str | None = None
    if len(parts) >= 2 and parts[0] == "steps":
        step = parts[1]
        parts = parts[2:]
        if parts and parts[0] in STEP_KINDS:
            parts = parts[1:]
    readable: list[str] = []
    index = 0
    while index < len(parts):
        part = parts[index]
        nxt = parts[index + 1] if index + 1 < len(parts) else None
        if (
            part in ("options", "items", "bands", "notifications", "record", "sources")
            and nxt is not None
        ):
            readable.append(f"{part} number {int(nxt) + 1}" if nxt.isdigit() else part)
            index += 2
            continue
        if part == "red_flags" and nxt is not None and step is None:
            readable.append(f"red flag '{nxt}'")
            index += 2
            continue
        if part == "red_flags" and nxt is not None and nxt.isdigit():
            readable.append(f"red flag rule number {int(nxt) + 1}")
            index += 2
            continue
        if "[" in part or part.startswith(("constrained-", "function-")):
            index += 1
            continue
        readable.append(f"field '{part}'")
        index += 1
    return step, ": ".join(readable)


_PLAIN_TYPES = {
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping of fields",
    "literal_error": "is not one of the allowed values",
}


def _shape_problems(exc: ValidationError, file: str, flow: str | None) -> list[FlowProblem]:
    problems: list[FlowProblem] = []
    seen: set[tuple[str | None, str]] = set()
    for error in exc.errors():
        step, path = _where(error["loc"])
        kind = error["type"]
        if kind == "union_tag_invalid":
            tag = error.get("ctx", {}).get("tag", "?")
            rule = "unknown-kind"
            message = f"kind '{tag}' is not a step kind ({', '.join(STEP_KINDS)})"
        elif kind == "union_tag_not_found":
            rule, message = "missing-field", "field 'kind' is missing"
        elif kind == "missing":
            rule, message = "missing-field", f"{path} is missing"
        elif kind == "extra_forbidden":
            rule, message = "unknown-field", f"{path} is not a known field (check the spelling)"
        else:
            detail = _PLAIN_TYPES.get(kind, error["msg"].replace("Value error, ", ""))
            if kind in ("too_short", "too_long", "string_too_short", "string_too_long"):
                limits = error.get("ctx", {})
                if "min_length" in limits and kind.endswith("too_short"):
                    detail = f"needs at least {limits['min_length']}"
                elif "max_length" in limits:
                    detail = f"allows at most {limits['max_length']}"
            rule, message = "bad-value", f"{path} {detail}" if path else detail
        if (step, message) in seen:
            continue
        seen.add((step, message))
        problems.append(FlowProblem(file, rule, message, flow, step))
    return problems


def _parse(
    file: str, text: str, report: FlowReport, nation: Nation | None = None
) -> FlowFile | None:
    """The flow as read in the deployment's nation; each nation's reading is checked too."""
    try:
        data = read_yaml(text)
    except YamlError as exc:
        report.errors.append(FlowProblem(file, "yaml", str(exc)))
        return None
    if not isinstance(data, dict):
        report.errors.append(
            FlowProblem(file, "not-a-mapping", "must be a mapping of flow fields (id, steps, ...)")
        )
        return None
    flow_id = data.get("id") if isinstance(data.get("id"), str) else None
    version = data.get("schema_version")
    if version != FLOW_SCHEMA_VERSION:
        report.errors.append(
            FlowProblem(
                file,
                "schema-version",
                f"schema_version is {version!r}; this guidebot reads {FLOW_SCHEMA_VERSION}",
                flow_id,
            )
        )
        return None
    before = len(report.errors)
    for path in one_nation_only(data):
        report.errors.append(
            FlowProblem(
                file,
                "nation-text",
                f"{path} gives text for one nation only: give both england and wales, "
                "or put it in a list (a summary line, a source) that the other can leave out",
                flow_id,
            )
        )
    if len(report.errors) > before:
        return None
    try:
        spec = FlowFile.model_validate(for_nation(data, nation))
    except ValidationError as exc:
        report.errors.extend(_shape_problems(exc, file, flow_id))
        return None
    for other in (*NATIONS, None):
        if other == nation:
            continue
        try:
            FlowFile.model_validate(for_nation(data, other))
        except ValidationError as exc:
            where = f"as read in {LABELS[other]}" if other else "with both nations shown"
            for problem in _shape_problems(exc, file, flow_id):
                report.errors.append(
                    FlowProblem(file, problem.rule, f"{problem.message} ({where})", flow_id)
                )
            return None
    return spec


# --- layers two and three: the graph and the references ------------------------------------


class _Checker:
    """Collects the graph and reference problems of one parsed flow."""

    def __init__(
        self, file: str, spec: FlowFile, knowledge: KnowledgeSource, report: FlowReport
    ) -> None:
        self.file = file
        self.spec = spec
        self.knowledge = knowledge
        self.report = report

    def error(self, rule: str, message: str, step: str | None = None) -> None:
        self.report.errors.append(FlowProblem(self.file, rule, message, self.spec.id, step))

    def warn(self, rule: str, message: str, step: str | None = None) -> None:
        self.report.warnings.append(FlowProblem(self.file, rule, message, self.spec.id, step))

    def check(self, stem: str) -> dict[tuple[str, str], str] | None:
        spec = self.spec
        if not KEBAB_CASE.match(spec.id) or spec.id != stem:
            self.error("flow-id", f"flow id '{spec.id}' must be kebab-case and match the file name")
        if spec.stage not in self.knowledge.taxonomy.stages:
            self.error("unknown-stage", f"stage '{spec.stage}' is not in the taxonomy")
        self._button(spec.menu_label, "menu_label", None)
        self._check_button_value(spec.id, "flow id", None)
        self._check_command_words(
            None,
            [
                ("menu_label", spec.menu_label),
                *(("menu phrase", p) for p in spec.phrases),
                *(("job", p) for p in spec.jobs),
            ],
        )
        for step_id in spec.steps:
            if step_id == END or not KEBAB_CASE.match(step_id):
                self.error(
                    "step-id",
                    "step id must be kebab-case and not 'end' (reserved for the end of the flow)",
                    step_id,
                )
        self._check_red_flag_defs()
        table: dict[tuple[str, str], str] = {}
        for step_id, step in spec.steps.items():
            self._check_step(step_id, step)
            table.update(self._transitions(step_id, step))
        if spec.start not in spec.steps:
            self.error("start-missing", f"start '{spec.start}' does not exist")
            return None
        self._check_graph(table)
        self._check_summary()
        self._warn_on_writing()
        return table

    # -- single steps ------------------------------------------------------------------------

    def _button(self, label: str, what: str, step: str | None) -> None:
        if len(label) > MAX_BUTTON:
            self.error(
                "button-too-long",
                f"{what} '{label}' is {len(label)} characters; buttons hold {MAX_BUTTON} at most",
                step,
            )

    def _knowledge(self, entry_id: str, step: str | None, what: str = "knowledge") -> None:
        if self.knowledge.get(entry_id) is None:
            self.error(
                "unknown-knowledge",
                f"{what} '{entry_id}' does not exist in the knowledge base",
                step,
            )

    def _topic(self, topic: str, step: str | None, what: str = "topic") -> None:
        if topic not in self.knowledge.taxonomy.topics:
            self.error("unknown-topic", f"{what} '{topic}' is not in the taxonomy", step)

    def _check_red_flag_defs(self) -> None:
        marked = [flag_id for flag_id, flag in self.spec.red_flags.items() if flag.protect_first]
        if len(marked) > 1:
            self.error(
                "protect-first",
                f"red flags {', '.join(repr(m) for m in marked)} are all marked protect_first: "
                "a flow has one protect-first prompt at most",
            )
        if PROTECT_FIRST in self.spec.red_flags:
            self.error(
                "protect-first",
                f"red flag id '{PROTECT_FIRST}' is reserved for the shared protect-first prompt",
            )
        for entry_id in protect_first_flag().knowledge:
            self._knowledge(entry_id, None, "language/en/danger.yaml: protect_first: knowledge")
        raised = {rule.flag for step in self.spec.steps.values() for rule in step.red_flags}
        for flag_id, flag in self.spec.red_flags.items():
            if not flag.prompt.strip():
                self.error(
                    "red-flag-prompt",
                    f"red flag '{flag_id}' has an empty prompt: write the safety prompt "
                    "the officer must acknowledge",
                )
            for entry_id in flag.knowledge:
                self._knowledge(entry_id, None, f"red flag '{flag_id}': knowledge")
            if flag_id not in raised:
                self.warn("unused-red-flag", f"red flag '{flag_id}' is never raised by any step")

    def _check_ids(self, step_id: str, what: str, ids: Iterable[str]) -> None:
        seen: set[str] = set()
        for value in ids:
            if value in seen:
                self.error("duplicate-id", f"{what} id '{value}' is used twice", step_id)
            seen.add(value)
            self._check_button_value(value, f"{what} id", step_id)

    def _check_button_value(self, value: str, what: str, step_id: str | None) -> None:
        """A pressed button sends its value back; Telegram carries at most 64 bytes of it."""
        size = len(value.encode("utf-8"))
        if size > BUTTON_VALUE_BYTES:
            self.error(
                "button-value",
                f"{what} '{value[:24]}...' is {size} bytes; a button's value must fit "
                f"{BUTTON_VALUE_BYTES} (Telegram's limit): shorten the id",
                step_id,
            )

    def _check_items(self, step_id: str, items: tuple[Item, ...], buttons: bool) -> None:
        if not items:
            self.error("no-items", "needs at least one item: what a good answer covers", step_id)
        self._check_ids(step_id, "item", (item.id for item in items))
        for item in items:
            if buttons:
                self._button(item.label, f"item '{item.id}' label", step_id)
            for text in item.phrases:
                if not tokens(text):
                    self.warn(
                        "phrase-never-matches",
                        f"item '{item.id}' phrase '{text}' has only common words, which "
                        "the matcher ignores, so no answer can match it",
                        step_id,
                    )
            if item.knowledge:
                self._knowledge(item.knowledge, step_id, f"item '{item.id}': knowledge")
            if item.topic:
                self._topic(item.topic, step_id, f"item '{item.id}': topic")

    def _check_bands(self, step_id: str, bands: tuple[Band, ...]) -> None:
        self._check_ids(step_id, "band", (band.id for band in bands))
        for band in bands:
            self._button(band.label, f"band '{band.id}' label", step_id)
        ordered = sorted(bands, key=lambda b: float("-inf") if b.at_least is None else b.at_least)
        problem = not ordered or ordered[0].at_least is not None or ordered[-1].below is not None
        for before, after in itertools.pairwise(ordered):
            if before.below is None or before.below != after.at_least:
                problem = True
        for band in ordered:
            if band.at_least is not None and band.below is not None and band.below <= band.at_least:
                problem = True
        if problem:
            self.error(
                "bands",
                "bands must cover every value once: the first has no 'at_least', the last no "
                "'below', and each 'at_least' equals the 'below' before it",
                step_id,
            )

    def _check_command_words(self, step_id: str | None, answers: Iterable[tuple[str, str]]) -> None:
        """An answer that is also an everywhere-word would be read as the command when typed."""
        commands = command_words()
        for what, text in answers:
            name = commands.get(words(text))
            if name is not None:
                self.error(
                    "command-word",
                    f"{what} '{text}' is also the command '{name}', so typing it could never "
                    "give this answer: reword it",
                    step_id,
                )

    def _check_step(self, step_id: str, step: AnyStep) -> None:
        self._check_command_words(step_id, _answers_offered(step))
        for entry_id in step.knowledge:
            self._knowledge(entry_id, step_id)
        for topic in step.topics:
            self._topic(topic, step_id)
        if isinstance(step, ConfirmStep):
            for outcome, label in step.labels.items():
                self._button(label, f"label for '{outcome}'", step_id)
        elif isinstance(step, ChoiceStep):
            if len(step.options) < 2:
                self.error("too-few-options", "a choice needs at least two options", step_id)
            self._check_ids(step_id, "option", (option.id for option in step.options))
            for option in step.options:
                self._button(option.label, f"option '{option.id}' label", step_id)
        elif isinstance(step, ChecklistStep):
            self._check_items(step_id, step.items, buttons=True)
        elif isinstance(step, TextStep):
            self._check_items(step_id, step.items, buttons=False)
            for item in step.items:
                if not item.phrases:
                    self.error(
                        "item-no-phrases",
                        f"item '{item.id}' has no phrases, so no answer could ever cover it",
                        step_id,
                    )
        elif isinstance(step, InfoStep):
            self._button(step.button, "button", step_id)
        elif isinstance(step, NumberStep | DurationStep):
            self._check_bands(step_id, step.bands)
        values = flag_values_of(step)
        for rule in step.red_flags:
            if rule.flag not in self.spec.red_flags:
                self.error(
                    "undefined-red-flag",
                    f"red flag '{rule.flag}' is not defined under red_flags",
                    step_id,
                )
            for value in rule.when:
                if value not in values:
                    self.error(
                        "red-flag-value",
                        f"red flag '{rule.flag}' is raised on '{value}', which this step "
                        f"cannot give ({', '.join(values)})",
                        step_id,
                    )
            for condition in rule.also:
                self._check_condition(f"step '{step_id}': red flag '{rule.flag}'", condition)

    def _transitions(self, step_id: str, step: AnyStep) -> dict[tuple[str, str], str]:
        outcomes = outcomes_of(step)
        if isinstance(step.next, str):
            return {(step_id, outcome): step.next for outcome in outcomes}
        table: dict[tuple[str, str], str] = {}
        for key in step.next:
            if key != OTHER and key not in outcomes:
                self.error(
                    "next-unknown-answer",
                    f"next names '{key}', which is not an answer to this step "
                    f"({', '.join(outcomes)})",
                    step_id,
                )
        for outcome in outcomes:
            target = step.next.get(outcome, step.next.get(OTHER))
            if target is None:
                self.error(
                    "no-way-out",
                    f"next has no target for '{outcome}' (add it, or '{OTHER}')",
                    step_id,
                )
                continue
            table[(step_id, outcome)] = target
        return table

    # -- the graph ---------------------------------------------------------------------------

    def _check_graph(self, table: dict[tuple[str, str], str]) -> None:
        steps = self.spec.steps
        forward: dict[str, set[str]] = {step_id: set() for step_id in steps}
        backward: dict[str, set[str]] = {step_id: set() for step_id in steps}
        backward[END] = set()
        missing: set[tuple[str, str]] = set()
        for (source, _outcome), target in table.items():
            if target != END and target not in steps:
                if (source, target) not in missing:
                    self.error("next-missing", f"next '{target}' does not exist", source)
                missing.add((source, target))
                continue
            forward[source].add(target)
            backward[target].add(source)
        if missing:
            return
        reached = _closure(self.spec.start, forward)
        for step_id in steps:
            if step_id not in reached:
                self.error("unreachable", "cannot be reached from the start", step_id)
        exits = _closure(END, backward)
        for step_id in steps:
            if step_id in reached and step_id not in exits:
                self.error(
                    "no-exit",
                    "cannot reach the end: it is caught in a loop with no way out",
                    step_id,
                )

    # -- the summary -------------------------------------------------------------------------

    def _check_summary(self) -> None:
        sections: tuple[tuple[str, tuple[SummaryLine, ...]], ...] = (
            ("notification", self.spec.summary.notifications),
            ("record line", self.spec.summary.record),
            ("source", self.spec.summary.sources),
        )
        for what, lines in sections:
            for number, line in enumerate(lines, start=1):
                for condition in line.when:
                    self._check_condition(f"summary: {what} {number}", condition)

    def _check_condition(self, where: str, condition: Any) -> None:
        if condition.red_flag is not None:
            if condition.red_flag not in self.spec.red_flags:
                self.error(
                    "summary-condition",
                    f"{where} refers to red flag '{condition.red_flag}', which is not defined",
                )
            return
        if condition.step is None or not condition.any:
            self.error(
                "summary-condition",
                f"{where}: a condition needs 'step' with 'any', or 'red_flag'",
            )
            return
        step = self.spec.steps.get(condition.step)
        if step is None:
            self.error(
                "summary-condition",
                f"{where} refers to step '{condition.step}', which does not exist",
            )
            return
        values = set(flag_values_of(step)) | set(outcomes_of(step))
        for value in condition.any:
            if value not in values:
                self.error(
                    "summary-condition",
                    f"{where} refers to '{value}', which step '{condition.step}' cannot give",
                )

    # -- advisory: writing for officers --------------------------------------------------------

    def _texts(self) -> Iterable[tuple[str | None, str]]:
        spec = self.spec
        if spec.intro:
            yield None, spec.intro
        for step_id, step in spec.steps.items():
            yield step_id, step.text if isinstance(step, InfoStep) else step.ask
            if isinstance(step, ConfirmStep) and step.action:
                yield step_id, step.action
            for text in step.say.values():
                yield step_id, text
            if isinstance(step, ChecklistStep | TextStep):
                for item in step.items:
                    yield step_id, item.prompt
            if isinstance(step, ChoiceStep):
                for option in step.options:
                    if option.note:
                        yield step_id, option.note
            for rule in step.red_flags:
                flag = spec.red_flags.get(rule.flag)
                if flag is not None:
                    yield step_id, flag.prompt

    def _warn_on_writing(self) -> None:
        first_use: set[str] = set()
        for step_id, text in self._texts():
            self._warn_if_long(text, step_id, "a message")
            for abbreviation, expansion in ABBREVIATIONS.items():
                if abbreviation in first_use or not _uses(text, abbreviation):
                    continue
                first_use.add(abbreviation)
                if expansion.lower() not in text.lower():
                    self.warn(
                        "abbreviation",
                        f"'{abbreviation}' is first used without its expansion ('{expansion}')",
                        step_id,
                    )
        self._warn_on_summary_writing()

    def _warn_if_long(self, text: str, step_id: str | None, what: str) -> None:
        if len(text) > MAX_MESSAGE:
            self.warn(
                "long-message",
                f"{what} is {len(text)} characters; aim for {MAX_MESSAGE} so it fits a "
                f"phone screen: '{text[:40]}...'",
                step_id,
            )

    def _warn_on_summary_writing(self) -> None:
        """The summary is copied on its own into notes, so it spells out its own abbreviations.

        Which of its lines show depends on the answers, so an expansion counts for the lines
        after it only when it sits in a line that always shows.
        """
        expanded: set[str] = set()
        sections: tuple[tuple[str, tuple[SummaryLine, ...]], ...] = (
            ("notification", self.spec.summary.notifications),
            ("record line", self.spec.summary.record),
        )
        for what, lines in sections:
            for number, line in enumerate(lines, start=1):
                where = f"summary: {what} {number}"
                self._warn_if_long(line.text, None, where)
                for abbreviation, expansion in ABBREVIATIONS.items():
                    if abbreviation in expanded or not _uses(line.text, abbreviation):
                        continue
                    if expansion.lower() in line.text.lower():
                        if not line.when:
                            expanded.add(abbreviation)
                        continue
                    self.warn(
                        "abbreviation",
                        f"{where}: '{abbreviation}' is used without its expansion "
                        f"('{expansion}'); the summary is read on its own",
                    )


def _uses(text: str, abbreviation: str) -> bool:
    return re.search(rf"\b{re.escape(abbreviation)}\b", text) is not None


def _answers_offered(step: AnyStep) -> list[tuple[str, str]]:
    """Every label and phrase a step offers as an answer, each with how a message names it."""
    offered: list[tuple[str, str]] = []
    if isinstance(step, ConfirmStep):
        offered += [(f"label for '{o}'", label) for o, label in step.labels.items()]
    elif isinstance(step, ChoiceStep):
        for option in step.options:
            offered.append((f"option '{option.id}' label", option.label))
            offered += [(f"option '{option.id}' phrase", p) for p in option.phrases]
    elif isinstance(step, ChecklistStep | TextStep):
        for item in step.items:
            offered.append((f"item '{item.id}' label", item.label))
            offered += [(f"item '{item.id}' phrase", p) for p in item.phrases]
    elif isinstance(step, NumberStep | DurationStep):
        offered += [(f"band '{band.id}' label", band.label) for band in step.bands]
    return offered


def _closure(start: str, graph: Mapping[str, set[str]]) -> set[str]:
    seen = {start}
    todo = [start]
    while todo:
        for other in graph.get(todo.pop(), ()):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def check_flows(
    sources: Mapping[str, str], knowledge: KnowledgeSource
) -> tuple[FlowSet, FlowReport]:
    """Validate flow files given as ``{display name: YAML text}`` and compile the good ones.

    The display name is how messages name the file (e.g. ``conversations/referral.yaml``); its
    stem must equal the flow id. Never raises for content problems: the report lists them all.
    """
    report = FlowReport()
    compiled: list[Flow] = []
    seen: dict[str, str] = {}
    read = _PhraseReader()
    nation = getattr(knowledge, "jurisdiction", None)
    for file, text in sorted(sources.items()):
        spec = _parse(file, text, report, nation)
        if spec is None:
            continue
        if spec.id in seen:
            report.errors.append(
                FlowProblem(
                    file, "duplicate-flow", f"flow is also defined in {seen[spec.id]}", spec.id
                )
            )
            continue
        seen[spec.id] = file
        errors_before = len(report.errors)
        stem = file.rsplit("/", 1)[-1].removesuffix(".yaml").removesuffix(".yml")
        table = _Checker(file, spec, knowledge, report).check(stem)
        if table is not None and len(report.errors) == errors_before:
            step_words = _step_words(spec, knowledge, read)
            compiled.append(Flow(spec=spec, file=file, table=table, words=step_words))
    compiled.sort(key=lambda flow: (flow.spec.menu_order, flow.id))
    flows = FlowSet({flow.id: flow for flow in compiled}, tuple(report.warnings))
    return flows, report


def _usable_term(term: str) -> bool:
    """Whether a knowledge term can show that a point was covered.

    Terms are written for finding guidance, so some describe a problem rather than a thing
    done: "no injuries", "skipper not answering", "need advice", "who do I ring". Those would
    tick a point the officer has not covered, so they are left out.
    """
    said = words(term).split()
    if not tokens(term):
        return False
    return not any(
        word in NEGATION_WORDS or word in PENDING_WORDS or word in QUESTION_WORDS for word in said
    )


class _PhraseReader:
    """Reads each phrase once per compile: flows share many ("nan", "done", knowledge terms)."""

    def __init__(self) -> None:
        self._read: dict[tuple[str, bool], Phrase] = {}

    def __call__(self, text: str, *, term: bool = False) -> Phrase:
        key = (text, term)
        if key not in self._read:
            self._read[key] = phrase(text, term=term)
        return self._read[key]

    def all(self, texts: Iterable[str]) -> tuple[Phrase, ...]:
        return tuple(self(text) for text in texts if text.strip())


def _borrowed_terms(
    step: ChecklistStep | TextStep, knowledge: KnowledgeSource
) -> dict[str, tuple[str, ...]]:
    """The terms each point of a free-text or checklist step borrows from its entry.

    An officer's own words for a point are often in the knowledge entry behind it ("body cam
    on" for body-worn video), so the entry's terms count as extra evidence, weaker than the
    point's own phrases (see :attr:`bot.engine._phrases.Phrase.term`). Only an entry named
    by one point of the step lends its terms: an entry shared by several points is broader
    than any one of them, and its terms would tick them all. Even then an entry covers more
    than the point, so a term lends itself only when it shares a word with the point's label or
    phrases ("body cam" for body-worn video, not "phone download"; the prompt's everyday verbs
    such as "check" would let in too much), and a term that is one of another point's own
    phrases is left to that point.
    """
    named = [item.knowledge for item in step.items if item.knowledge]
    own = {
        item.id: {tuple(sorted(tokens(p))) for p in item.phrases if tokens(p)}
        for item in step.items
    }
    lent: dict[str, tuple[str, ...]] = {}
    for item in step.items:
        if not item.knowledge:
            continue
        entry = knowledge.get(item.knowledge)
        if entry is None or named.count(item.knowledge) > 1:
            continue
        others = set().union(*(v for k, v in own.items() if k != item.id))
        about = set(tokens(" ".join((item.label, *item.phrases))))
        lent[item.id] = tuple(
            term
            for term in dict.fromkeys(entry.terms)
            if _usable_term(term)
            and about & set(tokens(term))
            and tuple(sorted(tokens(term))) not in own[item.id]
            and tuple(sorted(tokens(term))) not in others
        )
    return lent


def _step_words(
    spec: FlowFile, knowledge: KnowledgeSource, read: _PhraseReader
) -> dict[str, StepWords]:
    """Read every label and phrase of every step once, for every message to come."""
    found: dict[str, StepWords] = {}
    for step_id, step in spec.steps.items():
        answers = frozenset(w for w in map(words, _offered_words(step)) if w)
        if isinstance(step, ChecklistStep | TextStep):
            answers |= EVERYTHING
        terms = _expected_terms(step)
        if isinstance(step, ConfirmStep):
            found[step_id] = StepWords(
                labels={o: read.all([label]) for o, label in step.labels.items()},
                meaning={o: read.all(texts) for o, texts in step.phrases.items()},
                answers=answers,
                terms=terms,
            )
        elif isinstance(step, ChoiceStep):
            options = tuple(
                (o.id, read.all([o.label, o.id.replace("-", " "), *o.phrases]))
                for o in step.options
            )
            found[step_id] = StepWords(options=options, answers=answers, terms=terms)
        elif isinstance(step, NumberStep | DurationStep):
            bands = tuple((band.id, read.all([band.label])) for band in step.bands)
            found[step_id] = StepWords(options=bands, answers=answers, terms=terms)
        elif isinstance(step, ChecklistStep | TextStep):
            lent = _borrowed_terms(step, knowledge)
            step_points = tuple(
                Point(
                    id=item.id,
                    phrases=(
                        *read.all(item.phrases),
                        *(read(term, term=True) for term in lent.get(item.id, ())),
                    ),
                    needs=read.all(item.needs),
                    unless=frozenset(w for w in map(words, item.unless) if w),
                    for_child=item.for_child,
                )
                for item in step.items
            )
            # A checklist's items by label too: "everything apart from where the info came
            # from" names an item in its label's words, not one of its phrases.
            labelled = (
                tuple((item.id, read.all([item.label, *item.phrases])) for item in step.items)
                if isinstance(step, ChecklistStep)
                else ()
            )
            found[step_id] = StepWords(
                options=labelled, points=step_points, answers=answers, terms=terms
            )
        else:
            found[step_id] = StepWords(answers=answers, terms=terms)
    return found


def _expected_terms(step: AnyStep) -> frozenset[tuple[str, ...]]:
    """Every label and phrase a step expects in an answer, as meaningful stems.

    A point's needs ("unconscious", "bleeding") are not among them: told at "what have you dealt
    with?", they are danger now, not an answer.
    """
    texts = _offered_words(step)
    if isinstance(step, ConfirmStep):
        texts += [text for found in step.phrases.values() for text in found]
    return frozenset(
        tuple(stem(word) if word.isalpha() else word for word in words(text).split())
        for text in texts
        if words(text)
    )


def _offered_words(step: AnyStep) -> list[str]:
    """Everything a step itself offers as an answer: labels, option ids and its own phrases."""
    offered = [text for _, text in _answers_offered(step)]
    if isinstance(step, ChoiceStep):
        offered += [option.id.replace("-", " ") for option in step.options]
    return offered


def compile_flows(sources: Mapping[str, str], knowledge: KnowledgeSource) -> FlowSet:
    """Validate and compile flow files; refuse to return anything if one has a fatal problem.

    Raises:
        FlowError: at least one flow has a fatal problem; ``report`` lists every one.
    """
    flows, report = check_flows(sources, knowledge)
    if not report.ok:
        raise FlowError(report)
    if not flows.flows:
        report.errors.append(FlowProblem("conversations", "yaml", "holds no flow files"))
        raise FlowError(report)
    return flows
