"""What the flows and the knowledge base say about each step: labels, order, points, ids.

Figures are kept by flow, step, point and knowledge id, never by a question's wording, so a
reworded question keeps its history. The catalogue turns those ids back into words for the
reader, from the flows in force; an id the flows no longer have is still reported, by its id.
Built once from :class:`~bot.engine.FlowSet` and :class:`~bot.knowledge.KnowledgeBase`, then
plain data, so reports and their tests need no engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.engine import (
    END,
    ChecklistStep,
    ConfirmStep,
    FlowSet,
    InfoStep,
    TextStep,
    outcomes_of,
)
from bot.knowledge import KnowledgeBase

CONFIRM_LABELS = {"yes": "Yes", "no": "No", "unsure": "Not sure", "skipped": "Skipped"}


@dataclass(frozen=True)
class PointInfo:
    """One point a free-text or checklist answer should cover."""

    id: str
    label: str
    knowledge: str | None


@dataclass(frozen=True)
class StepInfo:
    """One step of a flow, as a report names it."""

    id: str
    kind: str
    label: str
    knowledge: tuple[str, ...]
    outcomes: tuple[str, ...]
    outcome_labels: dict[str, str]
    gap_outcomes: tuple[str, ...]
    """The answers that show a training gap: for a question with a follow-up (``action``),
    the answers that leave it owed (no and not sure by default); for any other yes/no
    question only "not sure", since "no" to "is the child in danger?" is no gap at all."""
    points: tuple[PointInfo, ...]
    """The points to cover, for a free answer or a checklist of things done (not findings)."""
    next_steps: tuple[str, ...]
    """Where its answers lead: step ids, and ``end`` for the summary."""


@dataclass(frozen=True)
class FlowInfo:
    """One flow: its title, its start and its steps in file order."""

    id: str
    title: str
    start: str
    steps: dict[str, StepInfo]


@dataclass(frozen=True)
class Catalogue:
    """Every flow's steps and points, knowledge titles, and the self-assessment rows."""

    flows: dict[str, FlowInfo]
    entries: dict[str, str] = field(default_factory=dict)
    """Knowledge entry titles by id."""
    rows: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Seed 003 self-assessment rows in scope: id -> (section, indicator text)."""
    traces: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Seed 003 row id -> the knowledge entries that trace it."""

    def step(self, flow: str, step: str) -> StepInfo | None:
        """The step, if the flows in force still have it."""
        found = self.flows.get(flow)
        return found.steps.get(step) if found else None

    def flow_title(self, flow: str) -> str:
        """The flow's title, or its id if it is gone."""
        return self.flows[flow].title if flow in self.flows else flow

    def step_label(self, flow: str, step: str) -> str:
        """The step's label, or its id marked as no longer in the flows."""
        found = self.step(flow, step)
        return found.label if found else f"{step} (no longer in the flows)"


def build_catalogue(flows: FlowSet, knowledge: KnowledgeBase | None = None) -> Catalogue:
    """Read the flows (and the knowledge base, for titles and seed rows) into a catalogue."""
    infos: dict[str, FlowInfo] = {}
    for flow in flows:
        steps: dict[str, StepInfo] = {}
        for step_id, step in flow.spec.steps.items():
            outcomes = outcomes_of(step)
            labels = {o: o for o in outcomes}
            gap: tuple[str, ...] = ()
            points: tuple[PointInfo, ...] = ()
            if isinstance(step, ConfirmStep):
                labels = {**CONFIRM_LABELS, **{k: v for k, v in step.labels.items()}}
                gap = tuple(step.outstanding_when) if step.action else ("unsure",)
            elif hasattr(step, "options"):
                labels = {option.id: option.label for option in step.options}
            elif hasattr(step, "bands"):
                labels = {band.id: band.label for band in step.bands}
            if isinstance(step, TextStep) or (
                isinstance(step, ChecklistStep) and step.purpose == "done"
            ):
                points = tuple(PointInfo(i.id, i.label, i.knowledge) for i in step.items)
            text = step.text if isinstance(step, InfoStep) else step.ask
            targets = tuple(dict.fromkeys(t for (s, _), t in flow.table.items() if s == step_id))
            steps[step_id] = StepInfo(
                id=step_id,
                kind=step.kind,
                label=step.label or text,
                knowledge=tuple(step.knowledge),
                outcomes=outcomes,
                outcome_labels=labels,
                gap_outcomes=gap,
                points=points,
                next_steps=targets,
            )
        infos[flow.id] = FlowInfo(flow.id, flow.title, flow.spec.start, steps)
    entries: dict[str, str] = {}
    rows: dict[str, tuple[str, str]] = {}
    traces: dict[str, tuple[str, ...]] = {}
    if knowledge is not None:
        entries = {entry.id: entry.title for entry in knowledge.entries}
        for bullet in knowledge.bullets:
            if bullet.seed == "003" and not bullet.out_of_scope:
                rows[bullet.id] = (bullet.section, bullet.text)
                traces[bullet.id] = tuple(
                    entry.id for entry in knowledge.entries if bullet.id in entry.traces
                )
    return Catalogue(infos, entries, rows, traces)


__all__ = ["END", "Catalogue", "FlowInfo", "PointInfo", "StepInfo", "build_catalogue"]
