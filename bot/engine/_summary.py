"""The summary an officer can act on: built from answer categories and flow text only.

Because the state holds no free text, the summary cannot contain a name, an address or anything
else the officer typed: it is safe to copy into a note or read out to a supervisor.
"""

from __future__ import annotations

from bot.engine._compile import Flow
from bot.engine._effects import SummaryData, SummarySection
from bot.engine._schema import (
    SKIPPED,
    ChecklistStep,
    ChoiceStep,
    Condition,
    ConfirmStep,
    DurationStep,
    InfoStep,
    NumberStep,
    SummaryLine,
    TextStep,
)
from bot.engine._state import Answer, Conversation
from bot.engine._turn import separator

CONFIRM_WORDS = {"yes": "yes", "no": "no", "unsure": "not sure"}


def condition_holds(condition: Condition, state: Conversation) -> bool:
    """True when the answers (or raised red flags) so far meet a summary condition."""
    if condition.red_flag is not None:
        return any(raised.flag == condition.red_flag for raised in state.red_flags)
    answer = state.answer_to(condition.step or "")
    if answer is None:
        return False
    return answer.outcome in condition.any or bool(set(answer.covered) & set(condition.any))


def _applies(line: SummaryLine, state: Conversation) -> bool:
    return not line.when or any(condition_holds(c, state) for c in line.when)


def step_label(flow: Flow, step_id: str) -> str:
    """A step as the summary names it: its label, else its question."""
    step = flow.step(step_id)
    if step.label:
        return step.label
    return step.text if isinstance(step, InfoStep) else step.ask


def _lines_for(flow: Flow, answer: Answer) -> tuple[list[str], list[str], list[str]]:
    """(done, to follow up, noted) lines for one answer."""
    step = flow.step(answer.step)
    label = step_label(flow, answer.step)
    done: list[str] = []
    follow: list[str] = []
    noted: list[str] = []
    if answer.outcome == SKIPPED:
        follow.append(f"{label} (skipped)")
        return done, follow, noted
    if isinstance(step, ConfirmStep):
        if step.action and answer.outcome in step.outstanding_when:
            follow.append(step.action)
        elif step.action:
            done.append(label)
        else:
            noted.append(f"{label}: {CONFIRM_WORDS[answer.outcome]}")
    elif isinstance(step, ChoiceStep):
        chosen = next(o for o in step.options if o.id == answer.outcome)
        noted.append(f"{label}: {chosen.label}")
        if chosen.note:
            follow.append(chosen.note)
    elif isinstance(step, ChecklistStep | TextStep):
        names = {item.id: item.label for item in step.items}
        if isinstance(step, ChecklistStep) and step.purpose == "present":
            present = [names[i] for i in answer.covered]
            found = separator(present).join(present) or "none"
            noted.append(f"{label}: {found}")
        else:
            prompts = {item.id: item.prompt for item in step.items}
            done.extend(names[i] for i in answer.covered)
            follow.extend(prompts[i] for i in answer.outstanding)
            noted.extend(f"{names[i]}: not needed" for i in answer.not_needed)
    elif isinstance(step, NumberStep | DurationStep):
        bands = {band.id: band.label for band in step.bands}
        noted.append(f"{label}: {bands.get(answer.outcome, 'not sure')}")
    return done, follow, noted


NO_PERSONAL_DETAILS = "No personal details are kept here: add them only to force systems."


def summary_data(flow: Flow, state: Conversation, *, final: bool) -> SummaryData:
    """The summary as data: red flags, done, to follow up, noted, notifications, the record."""
    done: list[str] = []
    follow: list[str] = []
    noted: list[str] = []
    for answer in state.answers:
        d, f, n = _lines_for(flow, answer)
        done += d
        follow += f
        noted += n
    flags: list[str] = []
    for raised in state.red_flags:
        title = flow.flag(raised.flag).title
        status = "acknowledged" if raised.acknowledged else "NOT acknowledged"
        line = f"{title} ({status})"
        if line not in flags:  # danger told twice is one red flag on the summary
            flags.append(line)
    sections = (
        ("Red flags", flags),
        ("Done", done),
        ("To follow up", follow),
        ("Noted", noted),
        (
            "Referrals and notifications due",
            [line.text for line in flow.spec.summary.notifications if _applies(line, state)],
        ),
        (
            "The record should show",
            [line.text for line in flow.spec.summary.record if _applies(line, state)],
        ),
    )
    taken = [line.text for line in flow.spec.summary.sources if _applies(line, state)]
    return SummaryData(
        title=flow.title,
        final=final,
        sections=tuple(SummarySection(h, tuple(lines)) for h, lines in sections if lines),
        sources=tuple(dict.fromkeys([*flow.spec.sources, *taken])),
        note=NO_PERSONAL_DETAILS,
    )


def render_summary(data: SummaryData) -> str:
    """Plain, copyable text, the same in every channel that shows text."""
    parts = [f"Summary: {data.title}" + ("" if data.final else " (so far)")]
    for section in data.sections:
        parts.append("\n".join([f"{section.heading}:", *(f"- {line}" for line in section.lines)]))
    if not data.sections:
        parts.append("Nothing answered yet.")
    parts.append("Sources: " + "; ".join(data.sources))
    parts.append(data.note)
    return "\n\n".join(parts)


def build_summary(flow: Flow, state: Conversation, *, final: bool) -> str:
    """Plain, copyable text: red flags, done, to follow up, notifications due, what to record."""
    return render_summary(summary_data(flow, state, final=final))
