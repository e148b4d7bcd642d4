"""The shape of a flow file: strict models, so a misspelt key fails at load, not on shift.

This is the first validation layer (fields and types). The graph and the references to the
knowledge base are checked afterwards, in :mod:`bot.engine._compile`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

FLOW_SCHEMA_VERSION = 1
END = "end"
"""The reserved target that finishes a flow and shows the summary."""

STEP_KINDS = ("confirm", "choice", "checklist", "text", "info", "number", "duration")
CONFIRM_OUTCOMES = ("yes", "no", "unsure")
SKIPPED = "skipped"
OTHER = "other"
"""A key of a ``next`` mapping that catches every outcome not named on its own."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _as_list(value: object) -> object:
    """One string where a list is expected is a list of one: fewer YAML slips for trainers."""
    return [value] if isinstance(value, str) else value


class Condition(_Strict):
    """Holds when ``step`` was answered with (or covered) any of ``any``, or a flag was raised."""

    step: str | None = None
    any: tuple[str, ...] = ()
    red_flag: str | None = None

    _list = field_validator("any", mode="before")(_as_list)


class RedFlagRule(_Strict):
    """Raise ``flag`` when the answer to the step is (or covers) any of ``when``.

    ``also`` narrows it by what was answered before: any one of its conditions must hold
    ("certified exception" is a red flag only for a child under 12).
    """

    flag: str
    when: tuple[str, ...] = Field(min_length=1)
    also: tuple[Condition, ...] = ()

    _list = field_validator("when", mode="before")(_as_list)

    @field_validator("also", mode="before")
    @classmethod
    def _one_condition_is_a_list(cls, value: object) -> object:
        return [value] if isinstance(value, dict) else value


class RedFlagDef(_Strict):
    """A safety prompt that interrupts the flow and must be acknowledged.

    ``protect_first`` marks the flow's own "child in danger now" prompt: the one shown when an
    officer tells of danger now at any question of the flow. A flow without one uses the
    language pack's (``language/en/danger.yaml``).
    """

    title: str = Field(min_length=3, max_length=80)
    prompt: str
    knowledge: tuple[str, ...] = ()
    protect_first: bool = False

    _list = field_validator("knowledge", mode="before")(_as_list)


class Option(_Strict):
    """One answer to a choice step, shown as a button and also accepted typed.

    ``note`` is a follow-up the answer leaves the officer with; the summary lists it.
    """

    id: str
    label: str
    phrases: tuple[str, ...] = ()
    note: str | None = None


class Item(_Strict):
    """One point a good answer covers; ``prompt`` is said when it was left out.

    Only an ``optional`` point can be answered "not needed": the core points of a step (the
    child's safety, their voice) stay on the follow-up list until they are done, so one tap
    cannot clear them all.

    ``phrases`` show the point done (or, for a checklist of findings, present); ``needs`` only
    describe the need ("cut", "crying") and never cover it; ``unless`` are words that undo it
    in the same clause ("nan is here but drunk"); ``for_child`` says the point is done for the
    child, so a clause about an adult alone ("first aid for mum") does not cover it.
    """

    id: str
    label: str
    phrases: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    for_child: bool = False
    prompt: str
    knowledge: str | None = None
    topic: str | None = None
    optional: bool = False


class Band(_Strict):
    """A range of numbers (``at_least`` <= value < ``below``) that counts as one answer."""

    id: str
    label: str
    at_least: float | None = None
    below: float | None = None


class SummaryLine(_Strict):
    """A line of the closing summary, shown always or only when ``when`` holds."""

    text: str
    when: tuple[Condition, ...] = ()

    @field_validator("when", mode="before")
    @classmethod
    def _one_condition_is_a_list(cls, value: object) -> object:
        return [value] if isinstance(value, dict) else value


class SummarySpec(_Strict):
    """What the closing summary adds to the answers: notifications due and what to record.

    ``sources`` adds to the flow's own the sources of a path, only when it was taken: a
    voluntary interview's summary has no business citing the rules on detention.
    """

    notifications: tuple[SummaryLine, ...] = ()
    record: tuple[SummaryLine, ...] = ()
    sources: tuple[SummaryLine, ...] = ()


Next = str | dict[str, str]


class _StepBase(_Strict):
    label: str | None = None
    help: str | None = None
    knowledge: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    red_flags: tuple[RedFlagRule, ...] = ()
    say: dict[str, str] = Field(default_factory=dict)
    skippable: bool = False
    next: Next

    _lists = field_validator("knowledge", "topics", mode="before")(_as_list)


class ConfirmStep(_StepBase):
    """Yes, no or not sure; ``action`` is the follow-up owed when the answer is not yes.

    ``for_child`` marks a question about something done with the child ("Have you seen and
    spoken to the child?"): an action said only of an adult ("spoke to mum", "mum is here")
    does not answer it.
    """

    kind: Literal["confirm"]
    ask: str
    labels: dict[Literal["yes", "no", "unsure"], str] = Field(default_factory=dict)
    phrases: dict[Literal["yes", "no", "unsure"], tuple[str, ...]] = Field(default_factory=dict)
    """What this question's answers sound like in a sentence: "not safe" answers "is the
    child in danger?" with yes, though "not" alone would read as no."""
    action: str | None = None
    outstanding_when: tuple[Literal["yes", "no", "unsure"], ...] = ("no", "unsure")
    for_child: bool = False


class ChoiceStep(_StepBase):
    """One of several options."""

    kind: Literal["choice"]
    ask: str
    options: tuple[Option, ...]


class ChecklistStep(_StepBase):
    """Several of a list: things done (the rest are outstanding) or things present (findings)."""

    kind: Literal["checklist"]
    ask: str
    purpose: Literal["done", "present"] = "done"
    items: tuple[Item, ...]
    none: tuple[str, ...] = ()
    """What "none of these" sounds like at this question only, when no item is named: "mum"
    or "a social worker" answer "Is the appropriate adult any of these?" as none of them, where
    "mum" would be no answer anywhere else."""


class TextStep(_StepBase):
    """A free answer, checked for the points in ``items``."""

    kind: Literal["text"]
    ask: str
    items: tuple[Item, ...]


class InfoStep(_StepBase):
    """A guidance card to read, then move on."""

    kind: Literal["info"]
    text: str
    button: str = "Next"


class NumberStep(_StepBase):
    """A number (such as an age), kept only as the band it falls in."""

    kind: Literal["number"]
    ask: str
    unit: str
    bands: tuple[Band, ...]
    least: float | None = None
    most: float | None = None
    """The smallest and largest believable answers: outside them ("0" or "2010" as an age) the
    officer is asked again, with the reason, rather than the number being banded."""


class DurationStep(_StepBase):
    """A length of time, read in hours and kept only as the band it falls in."""

    kind: Literal["duration"]
    ask: str
    bands: tuple[Band, ...]


Step = Annotated[
    ConfirmStep | ChoiceStep | ChecklistStep | TextStep | InfoStep | NumberStep | DurationStep,
    Field(discriminator="kind"),
]


class FlowFile(_Strict):
    """One flow file.

    ``phrases`` name the flow at the menu ("need to do a referral"); ``jobs`` are the jobs an
    officer opens it from ("da job kids in the house"), read only when no flow is named, so
    "referral after a da job" is still the referral.
    """

    schema_version: int
    id: str
    title: str = Field(min_length=3, max_length=80)
    menu_label: str
    menu_order: int = 100
    phrases: tuple[str, ...] = ()
    jobs: tuple[str, ...] = ()
    stage: str
    intro: str | None = None
    start: str
    sources: tuple[str, ...] = Field(min_length=1)
    red_flags: dict[str, RedFlagDef] = Field(default_factory=dict)
    steps: dict[str, Step]
    summary: SummarySpec = SummarySpec()

    _lists = field_validator("sources", "phrases", "jobs", mode="before")(_as_list)


SummaryLine.model_rebuild()
SummarySpec.model_rebuild()
FlowFile.model_rebuild()

AnyStep = ConfirmStep | ChoiceStep | ChecklistStep | TextStep | InfoStep | NumberStep | DurationStep


def outcomes_of(step: AnyStep) -> tuple[str, ...]:
    """Every answer category the step can produce: the keys its ``next`` must account for."""
    if isinstance(step, ConfirmStep):
        found: tuple[str, ...] = CONFIRM_OUTCOMES
    elif isinstance(step, ChoiceStep):
        found = tuple(option.id for option in step.options)
    elif isinstance(step, ChecklistStep):
        found = ("complete", "partial") if step.purpose == "done" else ("some", "none")
    elif isinstance(step, TextStep):
        found = ("complete", "partial")
    elif isinstance(step, InfoStep):
        found = ("seen",)
    else:
        found = (*(band.id for band in step.bands), "unsure")
    return (*found, SKIPPED) if step.skippable else found


def flag_values_of(step: AnyStep) -> tuple[str, ...]:
    """What a red flag rule's ``when`` may name on this step: outcomes, or the points covered."""
    if isinstance(step, ChecklistStep | TextStep):
        return tuple(item.id for item in step.items)
    return tuple(o for o in outcomes_of(step) if o != SKIPPED)
