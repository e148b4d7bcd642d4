"""How each kind of step is asked, and how one message answers it.

Everything here is a pure function of the step, the points gathered so far and the message: no
state is changed and nothing is said. The engine decides what to do with a :class:`Reading`
(record the answer, keep the step open, or say it did not catch that), so the rules for reading
an answer can be read, and tested, apart from the rules for moving through a flow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.engine._answers import (
    best_option,
    covered_items,
    describe_hours,
    read_acknowledgement,
    read_confirm,
    read_hours,
    read_indexes,
    read_number,
    words,
)
from bot.engine._effects import Button
from bot.engine._schema import (
    AnyStep,
    Band,
    ChecklistStep,
    ChoiceStep,
    ConfirmStep,
    DurationStep,
    InfoStep,
    Item,
    NumberStep,
    TextStep,
)
from bot.engine._state import Answer
from bot.engine._turn import join

# Button values: what a press sends back. Labels may change; these never do.
ACK = "ack"
DONE = "done"
NONE = "none"
NOT_YET = "not-yet"
NOT_NEEDED = "not-needed"
NEXT = "next"
SKIP = "skip"
UNSURE = "unsure"

CONFIRM_LABELS = {"yes": "Yes", "no": "No", "unsure": "Not sure"}
NOT_NEEDED_WORDS = (
    "not needed",
    "not relevant",
    "not applicable",
    "n a",
    "na",
    "doesnt apply",
    "does not apply",
    "no need",
    "not required",
)
FINISHED_WORDS = ("done", "finished", "thats all", "thats it", "that is all", "all done", "ok")
NOTHING_WORDS = (
    "none",
    "nothing",
    "none of them",
    "none of these",
    "none yet",
    "no",
    "nope",
    "nah",
)
NEXT_WORDS = ("next", "continue", "go on", "carry on", "ok", "okay", "read", "seen", "got it")


@dataclass(frozen=True)
class Reading:
    """What one message did to the current step.

    Either ``answer`` is set (the step is answered: record it and move on) or ``pending`` is
    (a checklist or free answer is part-way: these points so far, ask for the rest).

    Attributes:
        answer: the finished answer, as categories and ids only.
        pending: the points ticked or covered so far, when the step stays open.
        echo: how a typed answer was read ("Noted: Yes."), so a misreading can be undone.
        note: a remark said on its own before anything else ("Good: you've covered ...").
        flag_items: the points that may raise a red flag, when not the points covered.
    """

    answer: Answer | None = None
    pending: tuple[str, ...] | None = None
    echo: str | None = None
    note: str | None = None
    flag_items: tuple[str, ...] | None = None


# -- asking -----------------------------------------------------------------------------------


def buttons_for(step: AnyStep, pending: tuple[str, ...] | None) -> list[Button]:
    """The buttons under a step's question (``pending``: points gathered so far, if any)."""
    buttons: list[Button]
    if isinstance(step, ConfirmStep):
        buttons = [
            Button(step.labels.get(o, CONFIRM_LABELS[o]), o) for o in ("yes", "no", "unsure")
        ]
    elif isinstance(step, ChoiceStep):
        buttons = [Button(option.label, option.id) for option in step.options]
    elif isinstance(step, ChecklistStep):
        buttons = [Button(item.label, item.id) for item in step.items]
        buttons.append(Button("Done", DONE))
        none_label = "None yet" if step.purpose == "done" else "None of these"
        buttons.append(Button(none_label, NONE))
    elif isinstance(step, TextStep):
        buttons = [Button("Done", DONE), Button("Not yet", NOT_YET)] if pending is not None else []
        if pending is not None and _optional_missing(step, pending):
            buttons.append(Button("Not needed", NOT_NEEDED))
    elif isinstance(step, InfoStep):
        buttons = [Button(step.button, NEXT)]
    else:
        buttons = [Button(band.label, band.id) for band in step.bands]
        buttons.append(Button("Not sure", UNSURE))
    if step.skippable and not isinstance(step, InfoStep):
        buttons.append(Button("Skip", SKIP))
    return buttons


def prompt_text(step: AnyStep, pending: tuple[str, ...] | None) -> str:
    """The question as asked now: a checklist shows what is ticked, a free answer what is left."""
    if isinstance(step, InfoStep):
        return step.text
    if isinstance(step, ChecklistStep):
        ticked = [item.label for item in step.items if item.id in (pending or ())]
        so_far = f" Ticked: {', '.join(ticked)}." if ticked else ""
        return f"{step.ask} Tick all that apply, then Done.{so_far}"
    if isinstance(step, TextStep) and pending is not None:
        return follow_up_text(step, pending)
    return step.ask


def follow_up_text(step: TextStep, covered: Sequence[str]) -> str:
    """What a part-way free answer covered, and the points still to cover."""
    got = [item.label.lower() for item in step.items if item.id in covered]
    missing = [item for item in step.items if item.id not in covered]
    opening = (
        f"You've covered {join(got)}." if got else "I couldn't match that to the usual points."
    )
    choices = (
        "Done, not yet, or not needed?" if _optional_missing(step, covered) else "Done or not yet?"
    )
    if len(missing) == 1:
        return f"{opening} {missing[0].prompt} {choices}"
    asks = "\n".join(f"- {item.prompt}" for item in missing)
    return f"{opening} Still to cover:\n{asks}\n{choices}"


def _optional_missing(step: TextStep, covered: Sequence[str]) -> tuple[str, ...]:
    """The points not covered yet that the flow lets the officer answer "not needed"."""
    return tuple(item.id for item in step.items if item.optional and item.id not in covered)


def not_understood_text(step: AnyStep) -> str:
    """The first words of the reply to an answer that could not be read, by kind of step."""
    if isinstance(step, TextStep):
        return "I didn't catch that. Tell me in a few words what you've done."
    if isinstance(step, NumberStep):
        return f"I didn't catch that. Give a number in {step.unit}."
    if isinstance(step, DurationStep):
        return "I didn't catch that. Give a time, e.g. '3 hours' or '2 days'."
    return "I didn't catch that."


def skip_refusal(step: AnyStep) -> str:
    """Why a step cannot be skipped, and what to answer instead: only what that step accepts."""
    opening = "This one can't be skipped: it matters for the child's safety."
    if isinstance(step, ConfirmStep | NumberStep | DurationStep):
        return f"{opening} If you don't know, say 'not sure'."
    if isinstance(step, ChoiceStep):
        return f"{opening} Pick the closest option; 'back' lets you change it later."
    if isinstance(step, ChecklistStep):
        none_label = "None yet" if step.purpose == "done" else "None of these"
        return f"{opening} If nothing applies, press {none_label}."
    if isinstance(step, TextStep):
        return f"{opening} If you haven't done these yet, say 'not yet'."
    return f"{opening} Press {step.button} once you have read it."


# -- reading ----------------------------------------------------------------------------------


def phrases(label: str, extra: Sequence[str], identifier: str) -> tuple[str, ...]:
    """Everything that names an option: its label, its id in words, and its phrases."""
    return (label, identifier.replace("-", " "), *extra)


def read_answer(
    step: AnyStep,
    step_id: str,
    pending: tuple[str, ...] | None,
    value: str | None,
    text: str,
    now: float | None = None,
) -> Reading | None:
    """How a press (``value``) or a typed message (``text``) answers a step; None if it doesn't.

    ``now`` is the event's time, so that "since 10pm" or "since Friday" can be counted without
    the engine reading a clock.
    """
    if isinstance(step, ConfirmStep):
        return _read_confirm(step, step_id, value, text)
    if isinstance(step, ChoiceStep):
        return _read_choice(step, step_id, value, text)
    if isinstance(step, NumberStep | DurationStep):
        return _read_band(step, step_id, value, text, now)
    if isinstance(step, InfoStep):
        typed_ok = value is None and (words(text) in NEXT_WORDS or read_acknowledgement(text))
        return Reading(Answer(step_id, "seen")) if value == NEXT or typed_ok else None
    if isinstance(step, ChecklistStep):
        return _read_checklist(step, step_id, pending, value, text)
    return _read_text(step, step_id, pending, value, text)


def _read_confirm(step: ConfirmStep, step_id: str, value: str | None, text: str) -> Reading | None:
    if value is not None:
        return Reading(Answer(step_id, value)) if value in CONFIRM_LABELS else None
    outcome = read_confirm(
        text,
        {o: (label,) for o, label in step.labels.items()},
        {answer: phrases for answer, phrases in step.phrases.items()},
    )
    if outcome is None:
        return None
    label = step.labels.get(outcome, CONFIRM_LABELS[outcome])  # type: ignore[call-overload]
    return Reading(Answer(step_id, outcome), echo=f"Noted: {label}.")


def _read_choice(step: ChoiceStep, step_id: str, value: str | None, text: str) -> Reading | None:
    ids = [option.id for option in step.options]
    if value is not None:
        return Reading(Answer(step_id, value)) if value in ids else None
    indexes = read_indexes(text, len(ids))
    if indexes is not None and len(indexes) == 1:
        chosen: str | None = ids[indexes[0]]
    else:
        chosen = best_option(
            text, [(o.id, phrases(o.label, o.phrases, o.id)) for o in step.options]
        )
    if chosen is None:
        return None
    label = next(o.label for o in step.options if o.id == chosen)
    return Reading(Answer(step_id, chosen), echo=f"Noted: {label}.")


def _band_hit(bands: Sequence[Band], value: float) -> str:
    for band in bands:
        low = float("-inf") if band.at_least is None else band.at_least
        high = float("inf") if band.below is None else band.below
        if low <= value < high:
            return band.id
    return bands[-1].id


def _read_band(
    step: NumberStep | DurationStep, step_id: str, value: str | None, text: str, now: float | None
) -> Reading | None:
    bands = {band.id: band for band in step.bands}
    if value is not None:
        return Reading(Answer(step_id, value)) if value in bands or value == UNSURE else None
    if isinstance(step, NumberStep):
        read = read_number(text)
        shown = None if isinstance(read, str) or read is None else f"{read:g} {step.unit}"
    else:
        read = read_hours(text, now)
        shown = None if isinstance(read, str) or read is None else describe_hours(read)
    if read is None:
        label_hit = best_option(text, [(b.id, (b.label,)) for b in step.bands])
        if label_hit is None:
            return None
        return Reading(Answer(step_id, label_hit), echo=f"Noted: {bands[label_hit].label}.")
    if read == UNSURE:
        return Reading(Answer(step_id, UNSURE), echo="Noted: Not sure.")
    if isinstance(step, NumberStep) and step.most is not None and float(read) > step.most:
        return None
    band_id = _band_hit(step.bands, float(read))
    return Reading(Answer(step_id, band_id), echo=f"Read as {shown}: {bands[band_id].label}.")


def _item_phrases(items: Sequence[Item]) -> list[tuple[str, Sequence[str]]]:
    return [(item.id, item.phrases) for item in items]


def _read_checklist(
    step: ChecklistStep,
    step_id: str,
    pending: tuple[str, ...] | None,
    value: str | None,
    text: str,
) -> Reading | None:
    ids = [item.id for item in step.items]
    ticked = list(pending or ())
    finish = False
    if value is not None:
        if value in ids:
            ticked = [i for i in ticked if i != value] if value in ticked else [*ticked, value]
        elif value == DONE:
            finish = True
        elif value == NONE:
            ticked, finish = [], True
        else:
            return None
    else:
        indexes = read_indexes(text, len(ids))
        found = (
            [ids[i] for i in indexes]
            if indexes is not None
            else list(
                covered_items(text, _item_phrases(step.items), actions=step.purpose == "done")
            )
        )
        said = words(text)
        if found:
            ticked += [i for i in found if i not in ticked]
        elif said in FINISHED_WORDS or said in NOTHING_WORDS:
            finish = True
        else:
            return None
    ordered = tuple(i for i in ids if i in ticked)
    if not finish:
        return Reading(pending=ordered)
    missing = tuple(i for i in ids if i not in ordered)
    if step.purpose == "done":
        outcome = "partial" if missing else "complete"
        return Reading(Answer(step_id, outcome, covered=ordered, outstanding=missing))
    return Reading(Answer(step_id, "some" if ordered else "none", covered=ordered))


def _verdict(text: str, pending: tuple[str, ...] | None) -> str | None:
    """Done, not yet or not needed, typed in answer to a part-way free answer's follow-up.

    As a first answer only "no", "not sure" and "not needed" are verdicts: "done" names none of
    the points, so the officer is asked which.
    """
    said = words(text)
    if pending is None:
        if said in NOT_NEEDED_WORDS:
            return NOT_NEEDED
        return NOT_YET if read_confirm(text) in ("no", "unsure") else None
    if said in NOT_NEEDED_WORDS or any(
        said.startswith(p + " ") for p in NOT_NEEDED_WORDS if " " in p
    ):
        return NOT_NEEDED
    return {"yes": DONE, "no": NOT_YET, "unsure": NOT_YET}.get(read_confirm(text) or "")


def _read_text(
    step: TextStep,
    step_id: str,
    pending: tuple[str, ...] | None,
    value: str | None,
    text: str,
) -> Reading | None:
    ids = [item.id for item in step.items]
    covered = list(pending or ())
    verdict: str | None = None
    found: list[str] = []
    if value is not None:
        if pending is None or value not in (DONE, NOT_YET, NOT_NEEDED):
            return None
        verdict = value
    else:
        found = [
            i
            for i in covered_items(text, _item_phrases(step.items), actions=True)
            if i not in covered
        ]
        if not found and text.strip().endswith("?"):
            return None
        if found:
            covered += found
        else:
            verdict = _verdict(text, pending)
            if verdict is None and (pending is not None or not words(text)):
                return None
    ordered = tuple(i for i in ids if i in covered)
    missing = tuple(i for i in ids if i not in covered)
    if verdict == DONE:
        # "Done" vouches for the remaining points but names none of them, so it raises no red
        # flag tied to a point: only the officer's own words can do that.
        answer = Answer(step_id, "complete", covered=(*ordered, *missing))
        return Reading(answer, flag_items=ordered)
    if verdict == NOT_NEEDED:
        # Only optional points can be not needed; the core ones stay on the follow-up list.
        optional = _optional_missing(step, ordered)
        owed = tuple(i for i in missing if i not in optional)
        outcome = "partial" if owed else "complete"
        answer = Answer(step_id, outcome, covered=ordered, outstanding=owed, not_needed=optional)
        return Reading(answer)
    if verdict == NOT_YET:
        return Reading(Answer(step_id, "partial", covered=ordered, outstanding=missing))
    if missing:
        return Reading(pending=ordered)
    labels = {item.id: item.label.lower() for item in step.items}
    if pending is None:
        note = f"Good: you've covered {join([labels[i] for i in ordered])}."
    else:
        note = f"Got it: {join([labels[i] for i in ids if i in found])}."
    return Reading(Answer(step_id, "complete", covered=ordered), note=note if ordered else None)
