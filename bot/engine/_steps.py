"""How each kind of step is asked, and how one message answers it.

Everything here is a pure function of the step, its compiled words, the points gathered so far
and the message: no state is changed and nothing is said. The engine decides what to do with a
:class:`Reading` (record the answer, keep the step open, ask again, or say it did not catch
that), so the rules for reading an answer can be read, and tested, apart from the rules for
moving through a flow.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.engine._commands import OPTION_WORDS, read_acknowledgement, read_indexes
from bot.engine._compile import StepWords
from bot.engine._confirm import (
    RISK_WORDS,
    SPEECH_SLIPS,
    YES_WORDS,
    corrected_part,
    part_not_done,
    read_confirm,
    read_yes_no,
    without_parts_said_no,
)
from bot.engine._effects import Button
from bot.engine._menu import Menu
from bot.engine._numbers import describe_hours, read_age, read_hours
from bot.engine._phrases import best_option
from bot.engine._points import ADULT_WORDS, read_points
from bot.engine._schema import (
    AnyStep,
    Band,
    ChecklistStep,
    ChoiceStep,
    ConfirmStep,
    DurationStep,
    InfoStep,
    NumberStep,
    TextStep,
)
from bot.engine._state import Answer
from bot.engine._turn import join, separator
from bot.engine._words import LANGUAGE, has, word_list, words

# Button values: what a press sends back. Labels may change; these never do.
ACK = "ack"
DONE = "done"
NONE = "none"
_FIRST_CLAUSE = re.compile(r"\s*[,;:.!]\s*|\s+-+\s+")
"""Where an answer's first clause ends ("none, it's his nan")."""
NOT_YET = "not-yet"
NOT_NEEDED = "not-needed"
NEXT = "next"
SKIP = "skip"
UNSURE = "unsure"

CONFIRM_LABELS = {"yes": "Yes", "no": "No", "unsure": "Not sure"}
_CONFIRM_ITEMS: tuple[tuple[Literal["yes", "no", "unsure"], str], ...] = (
    ("yes", "Yes"),
    ("no", "No"),
    ("unsure", "Not sure"),
)
_ANSWERS = LANGUAGE.answers
NOT_NEEDED_WORDS = word_list(_ANSWERS.not_needed)
FINISHED_WORDS = word_list(_ANSWERS.finished)
NOTHING_WORDS = word_list(_ANSWERS.nothing)
NEXT_WORDS = word_list(_ANSWERS.carry_on)
ALL_WORDS = word_list(_ANSWERS.everything)
"""Every point of a checklist at once ("all of them", "all 4 ticked")."""
ALL_BUT_WORDS = sorted(word_list(_ANSWERS.everything_but), key=len, reverse=True)
"""What turns "all" into "all but ..." ("except", "apart from"), longest first."""


@dataclass(frozen=True)
class Reading:
    """What one message did to the current step.

    Either ``answer`` is set (the step is answered: record it and move on), or ``pending`` is
    (a checklist or free answer is part-way: these points so far, ask for the rest), or
    ``retry`` is (the message was read but cannot be taken as an answer: say why and ask
    again).

    Attributes:
        answer: the finished answer, as categories and ids only.
        pending: the points ticked or covered so far, when the step stays open.
        echo: how a typed answer was read ("Noted: Yes."), so a misreading can be undone.
        note: a remark said on its own before anything else ("Taken as done: ...").
        flag_items: the points that may raise a red flag, when not the points covered.
        described: points of a free answer described as needed but not dealt with.
        coming: points of a free answer said to be on their way or still to do.
        retry: why the message is not taken as an answer, said before the question again.
        flag_as: the answer whose red flags the answer raises, when not its own: doubt read
            from "no but ..." counts as yes where a yes raises a safety prompt.
    """

    answer: Answer | None = None
    pending: tuple[str, ...] | None = None
    echo: str | None = None
    note: str | None = None
    flag_items: tuple[str, ...] | None = None
    described: tuple[str, ...] = ()
    coming: tuple[str, ...] = ()
    retry: str | None = None
    flag_as: str | None = None


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


def prompt_text(
    step: AnyStep,
    pending: tuple[str, ...] | None,
    described: Sequence[str] = (),
    coming: Sequence[str] = (),
) -> str:
    """The question as asked now: a checklist shows what is ticked, a free answer what is left.

    ``described`` are the points of a free answer the officer has just described as needed
    ("she has a cut") without saying what was done.
    """
    if isinstance(step, InfoStep):
        return step.text
    if isinstance(step, ChecklistStep):
        ticked = [item.label for item in step.items if item.id in (pending or ())]
        so_far = f" Ticked: {separator(ticked).join(ticked)}." if ticked else ""
        return f"{step.ask} Tick all that apply, then Done.{so_far}"
    if isinstance(step, TextStep) and pending is not None:
        return follow_up_text(step, pending, described, coming)
    return step.ask


def follow_up_text(
    step: TextStep,
    covered: Sequence[str],
    described: Sequence[str] = (),
    coming: Sequence[str] = (),
) -> str:
    """What a part-way free answer was taken to cover, and the points still to cover.

    The officer sees what was taken as done, so a misreading can be put right with 'back'; a
    need described but not dealt with is named as such, never counted as done.
    """
    got = [item.label.lower() for item in step.items if item.id in covered]
    needed = [
        item.label.lower() for item in step.items if item.id in described and item.id not in covered
    ]
    to_come = [
        item.label.lower() for item in step.items if item.id in coming and item.id not in covered
    ]
    missing = [item for item in step.items if item.id not in covered]
    said: list[str] = []
    if got:
        said.append(f"Taken as done: {join(got)}.")
    if to_come:
        said.append(f"Still to come, so not done yet: {join(to_come)}.")
    if needed:
        said.append(f"You've described a need for {join(needed)}, but not what's been done.")
    opening = " ".join(said) or "I couldn't match that to the usual points."
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
        # Free answers ask for things done, people present, a referral or an account: one wording
        # fits them all.
        return "I didn't catch that. Answer the question below in a few words."
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


EARLIER_ANSWER = "That sounds like a change to an earlier answer: 'back' goes to it."
"""Said when a correction answers nothing here; the engine names the answer it changes where
it can tell (an age or a time given again)."""


def read_answer(
    step: AnyStep,
    step_words: StepWords,
    step_id: str,
    pending: tuple[str, ...] | None,
    value: str | None,
    text: str,
    now: float | None = None,
) -> Reading | None:
    """How a press (``value``) or a typed message (``text``) answers a step; None if it doesn't.

    ``now`` is the event's time, so that "since 10pm" or "since Friday" can be counted, and a
    year of birth turned into an age, without the engine reading a clock.
    """
    if isinstance(step, ConfirmStep):
        return _read_confirm(step, step_words, step_id, value, text)
    if isinstance(step, ChoiceStep):
        return _read_choice(step, step_words, step_id, value, text)
    if isinstance(step, NumberStep | DurationStep):
        return _read_band(step, step_words, step_id, value, text, now)
    if isinstance(step, InfoStep):
        typed_ok = value is None and (words(text) in NEXT_WORDS or read_acknowledgement(text))
        return Reading(Answer(step_id, "seen")) if value == NEXT or typed_ok else None
    if isinstance(step, ChecklistStep):
        return _read_checklist(step, step_words, step_id, pending, value, text)
    return _read_text(step, step_words, step_id, pending, value, text)


def is_action(step: ConfirmStep) -> bool:
    """Whether a yes/no question asks if something was done ("Done" / "Not yet" buttons)."""
    return words(step.labels.get("yes", "")) == "done" or words(step.labels.get("no", "")) in (
        "not yet",
        "later",
    )


def safety_depends_on(step: AnyStep, outcome: str) -> bool:
    """Whether an answer raises one of the step's red flags: then doubt must count as it does."""
    return any(outcome in rule.when for rule in step.red_flags)


def _read_confirm(
    step: ConfirmStep, step_words: StepWords, step_id: str, value: str | None, text: str
) -> Reading | None:
    if value is not None:
        return Reading(Answer(step_id, value)) if value in CONFIRM_LABELS else None
    labels: dict[str, str] = {o: step.labels.get(o, default) for o, default in _CONFIRM_ITEMS}
    action = is_action(step)
    read = read_yes_no(
        text,
        step_words.labels,
        step_words.meaning,
        done=action,
        for_child=step.for_child,
        under_way=action,
    )
    options = f"{labels['yes']}, {labels['no']} or {labels['unsure']}"
    if read.earlier:
        return Reading(retry=EARLIER_ANSWER)
    if read.of_an_adult:
        return Reading(retry="That sounds like an adult, not the child.")
    if read.by_someone_else:
        return Reading(retry="That sounds like someone else did it, not you.")
    if read.mixed is not None and action and read.mixed in ("yes", "ask"):
        # "dash done but the baby isn't on it yet", "partly": an action part done is not done,
        # and what is left stays on the follow-up list.
        return Reading(
            Answer(step_id, "no"), echo=f"Noted: {labels['no']} (part of it is still to do)."
        )
    if read.mixed is not None:
        # "no but she took a knife", "yes and no": never a plain answer. Where the child's
        # safety hangs on doubt, doubt is what is recorded; otherwise the officer is asked.
        said = (
            "you said more than yes or no"
            if read.mixed == "ask"
            else (f"you said {labels[read.mixed].lower()}, but added something that may change it")
        )
        if safety_depends_on(step, "unsure"):
            return Reading(Answer(step_id, "unsure"), echo=f"Noted: {labels['unsure']} ({said}).")
        if safety_depends_on(step, "yes") and read.mixed != "yes":
            return Reading(
                Answer(step_id, "unsure"),
                echo=f"Noted: {labels['unsure']} ({said}), so it counts as yes for safety.",
                flag_as="yes",
            )
        if read.mixed == "ask":
            return Reading(
                retry=f"You said both. If any part is not done, that part is {labels['no']}: "
                f"which is it overall, {options}?"
            )
        return Reading(
            retry=f"You said {labels[read.mixed].lower()}, but then added something that may "
            f"change it. Which is it: {options}?"
        )
    if read.outcome is None:
        return None
    label = labels[read.outcome]
    return Reading(Answer(step_id, read.outcome), echo=f"Noted: {label}.")


def _read_choice(
    step: ChoiceStep, step_words: StepWords, step_id: str, value: str | None, text: str
) -> Reading | None:
    ids = [option.id for option in step.options]
    if value is not None:
        return Reading(Answer(step_id, value)) if value in ids else None
    indexes = read_indexes(text, len(ids))
    if indexes is not None and len(indexes) == 1:
        chosen: str | None = ids[indexes[0]]
    else:
        # "arrested, no wait, he's here voluntary": what was said last counts, and so does
        # what follows a "but" ("was gone since tuesday but turned up now" is found).
        after = corrected_part(text) or _after_but(text)
        chosen = best_option(after, step_words.options) if after else None
        chosen = chosen or best_option(text, step_words.options)
    if chosen is None:
        return None
    label = next(o.label for o in step.options if o.id == chosen)
    return Reading(Answer(step_id, chosen), echo=f"Noted: {label}.")


def _after_but(text: str) -> str | None:
    """What an answer says after its last "but", where things stand now, if it says more."""
    said = words(text).split()
    if "but" not in said[1:-1]:
        return None
    last = len(said) - 1 - said[::-1].index("but")
    return " ".join(said[last + 1 :])


def _band_hit(bands: Sequence[Band], value: float) -> str | None:
    """The band a number falls in; None when it fits none (never the last band by default)."""
    for band in bands:
        low = float("-inf") if band.at_least is None else band.at_least
        high = float("inf") if band.below is None else band.below
        if low <= value < high:
            return band.id
    return None


def _read_band(
    step: NumberStep | DurationStep,
    step_words: StepWords,
    step_id: str,
    value: str | None,
    text: str,
    now: float | None,
) -> Reading | None:
    bands = {band.id: band for band in step.bands}
    if value is not None:
        return Reading(Answer(step_id, value)) if value in bands or value == UNSURE else None
    if isinstance(step, NumberStep):
        age = read_age(text, now, least=step.least, most=step.most, unit=step.unit)
        if age.retry is not None:
            return Reading(retry=age.retry)
        read: float | str | None = age.value
        other = age.other
        shown = age.shown
        if (
            isinstance(read, float)
            and other is not None
            and _band_hit(step.bands, read) != _band_hit(step.bands, other)
        ):
            return Reading(
                retry=f"{(age.said or '').capitalize()}: they could be {read:g} or "
                f"{age.other:g}. Which is it, in {step.unit}?"
            )
    else:
        read = read_hours(text, now)
        shown = None if isinstance(read, str) or read is None else describe_hours(read)
    if read is None:
        label_hit = best_option(text, step_words.options)
        if label_hit is None:
            return None
        return Reading(Answer(step_id, label_hit), echo=f"Noted: {bands[label_hit].label}.")
    if read == UNSURE:
        return Reading(Answer(step_id, UNSURE), echo="Noted: Not sure.")
    band_id = _band_hit(step.bands, float(read))
    if band_id is None:
        return None
    # "not sure, mum reckons since last weekend": the time given is read, and the doubt said
    # back, so the officer knows the band rests on a guess.
    doubt = " (you weren't sure)" if read_confirm(text) == UNSURE else ""
    return Reading(
        Answer(step_id, band_id), echo=f"Read as {shown}: {bands[band_id].label}{doubt}."
    )


def _read_checklist(
    step: ChecklistStep,
    step_words: StepWords,
    step_id: str,
    pending: tuple[str, ...] | None,
    value: str | None,
    text: str,
) -> Reading | None:
    ids = [item.id for item in step.items]
    labels = {item.id: item.label for item in step.items}
    ticked = list(pending or ())
    finish = False
    note: str | None = None
    if value is not None:
        if value in ids:
            if value in ticked:
                ticked = [i for i in ticked if i != value]
                note = f"Unticked: {labels[value]}."
            else:
                ticked.append(value)
        elif value == DONE:
            finish = True
        elif value == NONE:
            ticked, finish = [], True
        else:
            return None
    else:
        indexes = read_indexes(text, len(ids))
        if indexes is None:
            # "2 3 no wait just 3": the numbers after the correction are the ones meant.
            after = corrected_part(text)
            indexes = read_indexes(after, len(ids)) if after else None
        still_to_do = _numbers_not_yet(text, len(ids)) if indexes is None else None
        if still_to_do is not None:
            # "2 on its way", "3 not yet": left unticked, and said so.
            waiting = [ids[i] for i in still_to_do]
            ticked = [i for i in ticked if i not in waiting]
            note = f"Not ticked, still to do: {join([labels[i] for i in waiting])}."
            return Reading(pending=tuple(i for i in ids if i in ticked), note=note)
        said = words(text)
        left_out = _all_but(said)
        if left_out is not None:
            # "all except the opinion one": every option but those named after the exception.
            named = read_indexes(left_out, len(ids))
            out = (
                [ids[i] for i in named]
                if named is not None
                else read_points(left_out, step_words.points, actions=False).covered
            )
            if not out:
                # "everything apart from where the info came from": the option named by its
                # label in other words, not by one of its phrases.
                by_label = best_option(left_out, step_words.options)
                out = () if by_label is None else (by_label,)
            if out:
                indexes = tuple(at for at, item in enumerate(ids) if item not in out)
        found = (
            [ids[i] for i in indexes]
            if indexes is not None
            else list(
                read_points(
                    # "in care yes missing before no": what was said no to is not ticked
                    text if (kept := without_parts_said_no(said)) == said else kept,
                    step_words.points,
                    actions=step.purpose == "done",
                ).covered
            )
        )
        if not found and _all_said(said):
            found = list(ids)
        if found and all(i in ticked for i in found):
            # Nothing new: said so, rather than the question again as if nothing was read.
            note = f"Already ticked: {join([labels[i] for i in ids if i in found])}."
        elif found:
            ticked += [i for i in found if i not in ticked]
        elif said in FINISHED_WORDS or said in NOTHING_WORDS:
            finish = True
        elif ticked and SPEECH_SLIPS.get(said, said) in YES_WORDS:
            # "yes" (or a one-thumb "y") after ticking: that's the lot. With nothing ticked it
            # says nothing of which.
            finish = True
            if said in NOTHING_WORDS and said not in FINISHED_WORDS:
                ticked = []
        elif words(_FIRST_CLAUSE.split(text, maxsplit=1)[0]) in NOTHING_WORDS:
            # "none, it's his nan": nothing of these, and a word on why.
            ticked, finish = [], True
        elif not ticked and any(has(said, words(phrase)) for phrase in step.none):
            # "mum" at "Is the appropriate adult any of these?": this question's own none,
            # said back so the officer can correct it.
            ticked, finish, note = [], True, "Taken as none of these."
        else:
            return None
    ordered = tuple(i for i in ids if i in ticked)
    if not finish:
        return Reading(pending=ordered, note=note)
    missing = tuple(i for i in ids if i not in ordered)
    if step.purpose == "done":
        outcome = "partial" if missing else "complete"
        return Reading(Answer(step_id, outcome, covered=ordered, outstanding=missing), echo=note)
    return Reading(Answer(step_id, "some" if ordered else "none", covered=ordered), echo=note)


def _all_said(said: str) -> bool:
    """Whether a checklist answer ticks everything: "all of them", "ticked all of them"."""
    heard = said.split()
    return said in ALL_WORDS or (
        len(heard) > 1 and heard[0] in OPTION_WORDS and " ".join(heard[1:]) in ALL_WORDS
    )


def _all_but(said: str) -> str | None:
    """What an "all except ..." answer leaves out ("all but 3" gives "3"), or None."""
    heard = said.split()
    for end in range(1, len(heard)):
        before = heard[:end]
        if before[0] in OPTION_WORDS and len(before) > 1:
            before = before[1:]
        if " ".join(before) not in ALL_WORDS:
            continue
        for but in ALL_BUT_WORDS:
            size = len(but.split())
            if " ".join(heard[end : end + size]) == but and end + size < len(heard):
                return " ".join(heard[end + size :])
    return None


_NUMBERS_FIRST = re.compile(r"\s*(\d+(?:\s*(?:,|and|&|\s)\s*\d+)*)\b(.+)$", re.IGNORECASE)


def _numbers_not_yet(text: str, count: int) -> tuple[int, ...] | None:
    """The options of "2 on its way" or "1 and 3 not yet": numbers said to be still to do."""
    found = _NUMBERS_FIRST.match(text)
    if found is None:
        return None
    indexes = read_indexes(found[1], count)
    if indexes is None or read_yes_no(found[2], done=True, under_way=True).outcome != "no":
        return None
    return indexes


def _verdict(text: str, pending: tuple[str, ...] | None) -> str | None:
    """Done, not yet or not needed, typed in answer to a part-way free answer's follow-up.

    As a first answer only "no", "not sure" and "not needed" are verdicts: "done" names none of
    the points, so the officer is asked which.
    """
    said = words(text)
    if pending is None:
        if said in NOT_NEEDED_WORDS:
            return NOT_NEEDED
        return NOT_YET if read_yes_no(text).outcome in ("no", "unsure") else None
    if said in NOT_NEEDED_WORDS or any(
        said.startswith(p + " ") for p in NOT_NEEDED_WORDS if " " in p
    ):
        return NOT_NEEDED
    read = read_yes_no(text)
    if read.mixed is not None:
        return NOT_YET
    if read.outcome == "yes" and part_not_done(said, 1):
        # "yeah, all except the baby": part of what is left is still to do.
        return NOT_YET
    return {"yes": DONE, "no": NOT_YET, "unsure": NOT_YET}.get(read.outcome or "")


def _not_done_yet(text: str, step: TextStep, missing: Sequence[str]) -> bool:
    """Whether a follow-up answer that is neither done nor not yet still says it isn't done.

    "mum is here but she's drunk", "nan's coming": a statement about a person, a need still
    described, or a risk leaves the points outstanding; the officer is told so and can say
    'back'.
    """
    said = words(text)
    if not said or text.strip().endswith("?"):
        return False
    heard = set(said.split())
    if heard & ADULT_WORDS or any(has(said, word) for word in RISK_WORDS):
        return True
    missing_items = [item for item in step.items if item.id in missing]
    return any(has(said, words(need)) for item in missing_items for need in item.needs)


def _read_text(
    step: TextStep,
    step_words: StepWords,
    step_id: str,
    pending: tuple[str, ...] | None,
    value: str | None,
    text: str,
) -> Reading | None:
    ids = [item.id for item in step.items]
    covered = list(pending or ())
    verdict: str | None = None
    found: list[str] = []
    described: tuple[str, ...] = ()
    coming: tuple[str, ...] = ()
    echo: str | None = None
    if value is not None:
        if pending is None or value not in (DONE, NOT_YET, NOT_NEEDED):
            return None
        verdict = value
    else:
        read = read_points(text, step_words.points, actions=True)
        found = [i for i in read.covered if i not in covered]
        described = tuple(i for i in read.described if i not in covered)
        coming = tuple(i for i in read.coming if i not in covered)
        if not found and not described and not coming and Menu.asks_or_ends_in_question(text):
            return None  # "what's a MASH" at "what does your referral say?": looked up
        if found:
            covered += found
        elif described and pending is None:
            pass
        else:
            verdict = _verdict(text, pending)
            if verdict is None and pending is not None:
                still = [i for i in ids if i not in covered]
                if described or coming or _not_done_yet(text, step, still):
                    verdict, echo = NOT_YET, "Taken as not yet: it stays on your follow-up list."
            if verdict is None and (pending is not None or not words(text)):
                return None
    ordered = tuple(i for i in ids if i in covered)
    missing = tuple(i for i in ids if i not in covered)
    if verdict == DONE:
        # "Done" vouches for the remaining points but names none of them, so it raises no red
        # flag tied to a point: only the officer's own words can do that.
        answer = Answer(step_id, "complete", covered=(*ordered, *missing))
        if value is None and missing:
            # A typed "yes" at "Done or not yet?" is said back, so the officer can correct it
            # ('back') if it was meant for only some of the points still to cover.
            labels = {item.id: item.label.lower() for item in step.items}
            echo = f"Taken as done: {join([labels[i] for i in missing])}."
        return Reading(answer, flag_items=ordered, echo=echo)
    if verdict == NOT_NEEDED:
        # Only optional points can be not needed; the core ones stay on the follow-up list.
        optional = _optional_missing(step, ordered)
        owed = tuple(i for i in missing if i not in optional)
        outcome = "partial" if owed else "complete"
        answer = Answer(step_id, outcome, covered=ordered, outstanding=owed, not_needed=optional)
        return Reading(answer)
    if verdict == NOT_YET:
        answer = Answer(step_id, "partial", covered=ordered, outstanding=missing)
        return Reading(answer, echo=echo)
    if missing:
        return Reading(pending=ordered, described=described, coming=coming)
    labels = {item.id: item.label.lower() for item in step.items}
    note = f"Taken as done: {join([labels[i] for i in ids if i in (found or ordered)])}."
    return Reading(Answer(step_id, "complete", covered=ordered), note=note if ordered else None)
