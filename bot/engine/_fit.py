"""Does a saved conversation still fit the flows? Checked before every step.

A conversation saved last night refers to flows by id: its step, its answers' outcomes and
points, its red flags and where it resumes. If the flows were updated since (a step removed, an
option renamed), the state may name something that no longer exists, and the engine would crash
half-way through a reply. The issue says never a crash, so a state that does not fit is spotted
here, before anything is said, and the engine starts again with a plain message.
"""

from __future__ import annotations

from bot.engine._compile import PROTECT_FIRST, Flow, FlowSet
from bot.engine._schema import END, AnyStep, ChecklistStep, TextStep, outcomes_of
from bot.engine._state import Answer, Conversation


def _item_ids(step: AnyStep) -> set[str]:
    return {item.id for item in step.items} if isinstance(step, ChecklistStep | TextStep) else set()


def _answer_misfit(flow: Flow, answer: Answer) -> str | None:
    if answer.step not in flow.spec.steps:
        return f"an answer to step '{answer.step}', which no longer exists"
    step = flow.step(answer.step)
    if answer.outcome not in outcomes_of(step):
        return f"step '{answer.step}' has no answer '{answer.outcome}' any more"
    unknown = {*answer.covered, *answer.outstanding, *answer.not_needed} - _item_ids(step)
    if unknown:
        return f"step '{answer.step}' has no point '{sorted(unknown)[0]}' any more"
    return None


def misfits(flows: FlowSet, state: Conversation) -> list[str]:
    """Every way the state names something the flows no longer have (empty if it fits).

    A state at the menu fits whatever it holds: nothing in it is read until a flow starts.
    """
    if state.phase == "menu":
        return []
    if state.phase == "red_flag" and state.flow is None:
        # The protect-first prompt raised at the menu: nothing of a flow to fit.
        if [f.flag for f in state.red_flags] != [PROTECT_FIRST]:
            return ["a red flag at the menu that is not the protect-first prompt"]
        if state.resume not in (None, "menu") and state.resume not in flows:
            return [f"the flow to go on to, '{state.resume}', no longer exists"]
        return []
    if state.flow is None or state.flow not in flows:
        return [f"flow '{state.flow}' no longer exists"]
    flow = flows[state.flow]
    steps = flow.spec.steps
    found: list[str] = []
    if state.phase in ("step", "red_flag") and state.step is None:
        found.append("the conversation is in a flow but at no step")
    if state.step is not None and state.step not in steps:
        found.append(f"step '{state.step}' no longer exists")
    found += [problem for a in state.answers if (problem := _answer_misfit(flow, a)) is not None]
    for raised in state.red_flags:
        if raised.flag not in flow.spec.red_flags and raised.flag != PROTECT_FIRST:
            found.append(f"red flag '{raised.flag}' no longer exists")
        if raised.step not in steps:
            found.append(f"red flag '{raised.flag}' was raised at step '{raised.step}', now gone")
    if state.resume is not None and state.resume != END and state.resume not in steps:
        found.append(f"the flow was to resume at step '{state.resume}', which no longer exists")
    if state.pending is not None:
        if state.phase not in ("step", "red_flag") or state.step not in steps:
            found.append("points are pending outside a question")
        elif unknown := set(state.pending) - _item_ids(flow.step(state.step)):
            found.append(f"step '{state.step}' has no point '{sorted(unknown)[0]}' any more")
    if state.phase == "red_flag":
        if not state.unacknowledged:
            found.append("a red flag is showing but none is waiting")
        if state.resume is None:
            found.append("a red flag is showing with nowhere to resume")
    return found
