"""The step function: ``(state, event) -> (state, effects)``, with no I/O and no clock.

Every rule of the conversation lives here: how an answer is read, where it leads, when a red
flag interrupts, and what the everywhere-words (back, skip, cancel, menu, help, summary, why,
ask) do. Channels only carry the effects out. Time arrives with each event, so the same events
always give the same replies, which is what lets the golden transcripts pin the behaviour down.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.engine._answers import (
    Command,
    best_option,
    covered_items,
    describe_hours,
    read_acknowledgement,
    read_command,
    read_confirm,
    read_hours,
    read_indexes,
    read_number,
    words,
)
from bot.engine._compile import Flow, FlowSet, KnowledgeSource
from bot.engine._effects import AuditEvent, Button, Effect, Event, Press, Reply, Start, Text
from bot.engine._schema import (
    END,
    SKIPPED,
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
from bot.engine._state import DEFAULT_IDLE_SECONDS, Answer, Conversation, RaisedFlag
from bot.engine._summary import build_summary
from bot.knowledge import Entry

ACK = "ack"
DONE = "done"
NONE = "none"
NOT_YET = "not-yet"
NOT_NEEDED = "not-needed"
NEXT = "next"
MENU = "menu"
SUMMARY = "summary"
RESTART = "restart"
SKIP = "skip"

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
NOTHING_WORDS = ("none", "nothing", "none of them", "none yet", "no", "nope", "nah")
NEXT_WORDS = ("next", "continue", "go on", "carry on", "ok", "okay", "read", "seen", "got it")

HELP_TEXT = (
    "Answer with a button or type it your way. Words that work anywhere: back (undo), skip "
    "(where allowed), summary, why (the guidance behind a question), ask + a question, menu, "
    "cancel."
)
BLOCKED_TEXT = (
    "This safety prompt can't be skipped. Protect the child first, then press Understood. "
    "(Cancel ends the conversation, but the red flag stays on the summary.)"
)


@dataclass
class _Turn:
    """The effects of one step, collected in order."""

    effects: list[Effect] = field(default_factory=list)

    def say(self, text: str, buttons: Sequence[Button] = ()) -> None:
        self.effects.append(Reply(text, tuple(buttons)))

    def audit(self, kind: str, **fields: object) -> None:
        self.effects.append(AuditEvent(kind, **fields))  # type: ignore[arg-type]


def _bands_hit(bands: Sequence[Band], value: float) -> str:
    for band in bands:
        low = float("-inf") if band.at_least is None else band.at_least
        high = float("inf") if band.below is None else band.below
        if low <= value < high:
            return band.id
    return bands[-1].id


def _phrases(label: str, phrases: Sequence[str], identifier: str) -> tuple[str, ...]:
    return (label, identifier.replace("-", " "), *phrases)


class Engine:
    """Runs the flows against the knowledge base; every method is pure.

    Args:
        flows: the compiled flows, in menu order.
        knowledge: the knowledge base (for guidance cards and ``ask``).
        idle_seconds: how long a conversation may sit idle before it expires.
    """

    def __init__(
        self,
        flows: FlowSet,
        knowledge: KnowledgeSource,
        idle_seconds: float = DEFAULT_IDLE_SECONDS,
    ) -> None:
        if idle_seconds <= 0:
            raise ValueError("idle_seconds must be more than zero")
        self.flows = flows
        self.knowledge = knowledge
        self.idle_seconds = float(idle_seconds)

    # -- public --------------------------------------------------------------------------------

    def start(self, now: float) -> tuple[Conversation, tuple[Effect, ...]]:
        """A fresh conversation showing the menu."""
        state = Conversation(expires_at=now + self.idle_seconds, idle_seconds=self.idle_seconds)
        turn = _Turn()
        self._show_menu(turn, "What do you need help with?")
        return state, tuple(turn.effects)

    def is_expired(self, state: Conversation, now: float) -> bool:
        """True when a conversation in a flow has been idle past its own deadline."""
        return state.phase in ("step", "red_flag") and now > state.expires_at

    def resume(self, state: Conversation, now: float) -> tuple[Conversation, tuple[Effect, ...]]:
        """What to show when a channel reopens a saved conversation (e.g. after a restart)."""
        turn = _Turn()
        if self.is_expired(state, now):
            return self._expire(state, turn), tuple(turn.effects)
        state = state.with_changes(expires_at=now + state.idle_seconds)
        flow = self._flow_of(state)
        if flow is None or state.phase in ("menu", "ended"):
            self._show_menu(turn, "What do you need help with?")
            return Conversation(
                expires_at=state.expires_at, idle_seconds=state.idle_seconds
            ), tuple(turn.effects)
        turn.say(f"Picking up where you left off: {flow.title}.")
        self._reprompt(flow, state, turn)
        return state, tuple(turn.effects)

    def step(self, state: Conversation, event: Event) -> tuple[Conversation, tuple[Effect, ...]]:
        """Apply one event; return the new state and the replies and audit events to carry out."""
        turn = _Turn()
        if isinstance(event, Start):
            # A fresh start mid-flow goes through 'menu', so the summary so far is shown and an
            # unacknowledged red flag still cannot be walked past.
            live = state.phase in ("step", "red_flag") and self._flow_of(state) is not None
            if live and not self.is_expired(state, event.now):
                state = state.with_changes(expires_at=event.now + state.idle_seconds)
                return self._handle(state, Text(MENU, event.now), turn), tuple(turn.effects)
            return self.start(event.now)
        if self.is_expired(state, event.now):
            return self._expire(state, turn), tuple(turn.effects)
        state = state.with_changes(expires_at=event.now + state.idle_seconds)
        if state.phase in ("step", "red_flag") and self._flow_of(state) is None:
            turn.say(
                "The guidance has been updated since this conversation began, so it starts again."
            )
            fresh = Conversation(expires_at=state.expires_at, idle_seconds=state.idle_seconds)
            self._show_menu(turn, "What do you need help with?")
            return fresh, tuple(turn.effects)
        return self._handle(state, event, turn), tuple(turn.effects)

    # -- dispatch ------------------------------------------------------------------------------

    def _flow_of(self, state: Conversation) -> Flow | None:
        if state.flow is None or state.flow not in self.flows:
            return None
        flow = self.flows[state.flow]
        if state.phase == "step" and state.step not in flow.spec.steps:
            return None
        return flow

    def _handle(self, state: Conversation, event: Text | Press, turn: _Turn) -> Conversation:
        command = read_command(event.text) if isinstance(event, Text) else None
        if state.phase == "red_flag":
            return self._in_red_flag(state, event, command, turn)
        if state.phase == "expired":
            return self._in_expired(state, event, command, turn)
        if state.phase == "step":
            flow = self.flows[state.flow]  # type: ignore[index]
            if command is not None:
                return self._command(flow, state, command, turn)
            return self._answer(flow, state, event, turn)
        return self._in_menu(state, event, command, turn)

    # -- the menu ------------------------------------------------------------------------------

    def _menu_buttons(self) -> list[Button]:
        return [Button(flow.spec.menu_label, flow.id) for flow in self.flows]

    def _show_menu(self, turn: _Turn, text: str) -> None:
        turn.say(text, self._menu_buttons())
        turn.audit("menu_shown")

    def _in_menu(
        self, state: Conversation, event: Text | Press, command: Command | None, turn: _Turn
    ) -> Conversation:
        finished = state.phase == "ended" and state.flow in self.flows
        if command is not None:
            if command.name == "ask":
                self._search(command.question, turn, None, None)
                self._show_menu(turn, "Anything else? Pick one:")
                return state
            if command.name == "summary" and finished:
                flow = self.flows[state.flow]  # type: ignore[index]
                turn.say(build_summary(flow, state, final=state.ended == "completed"))
                turn.audit("summary_shown", flow=flow.id)
                self._show_menu(turn, "Start another?")
                return state
            if command.name == "back" and finished and state.answers:
                flow = self.flows[state.flow]  # type: ignore[index]
                return self._back(flow, state.with_changes(phase="step", ended=None), turn)
            if command.name == "help":
                turn.say("Pick what you are dealing with. " + HELP_TEXT)
                turn.audit("help")
                self._show_menu(turn, "What do you need help with?")
                return state
            self._show_menu(turn, "What do you need help with?")
            return state
        flow_id: str | None = None
        if isinstance(event, Press):
            flow_id = event.value if event.value in self.flows else None
            if event.value == MENU:
                self._show_menu(turn, "What do you need help with?")
                return state
            if event.value == SUMMARY and finished:
                return self._in_menu(state, Text("summary", event.now), Command("summary"), turn)
        else:
            flows = list(self.flows)
            indexes = read_indexes(event.text, len(flows))
            if indexes is not None and len(indexes) == 1:
                flow_id = flows[indexes[0]].id
            else:
                flow_id = best_option(
                    event.text,
                    [(f.id, _phrases(f.spec.menu_label, f.spec.phrases, f.id)) for f in flows],
                )
            if flow_id is None and event.text.strip().endswith("?"):
                self._search(event.text, turn, None, None)
                self._show_menu(turn, "Anything else? Pick one:")
                return state
        if flow_id is None:
            turn.audit("not_understood")
            self._show_menu(turn, "I didn't catch that. Pick one of these:")
            return state
        return self._start_flow(self.flows[flow_id], state, turn)

    def _start_flow(self, flow: Flow, state: Conversation, turn: _Turn) -> Conversation:
        state = Conversation(
            phase="step",
            flow=flow.id,
            step=flow.spec.start,
            expires_at=state.expires_at,
            idle_seconds=state.idle_seconds,
        )
        turn.audit("flow_started", flow=flow.id)
        if flow.spec.intro:
            turn.say(flow.spec.intro)
        self._prompt(flow, state, turn)
        return state

    # -- prompts -------------------------------------------------------------------------------

    def _buttons(self, step: AnyStep, state: Conversation) -> list[Button]:
        buttons: list[Button]
        if isinstance(step, ConfirmStep):
            buttons = [
                Button(step.labels.get(o, CONFIRM_LABELS[o]), o)  # type: ignore[call-overload]
                for o in ("yes", "no", "unsure")
            ]
        elif isinstance(step, ChoiceStep):
            buttons = [Button(option.label, option.id) for option in step.options]
        elif isinstance(step, ChecklistStep):
            buttons = [Button(item.label, item.id) for item in step.items]
            buttons.append(Button("Done", DONE))
            none_label = "None yet" if step.purpose == "done" else "None of these"
            buttons.append(Button(none_label, NONE))
        elif isinstance(step, TextStep):
            buttons = (
                [Button("Done", DONE), Button("Not yet", NOT_YET), Button("Not needed", NOT_NEEDED)]
                if state.pending is not None
                else []
            )
        elif isinstance(step, InfoStep):
            buttons = [Button(step.button, NEXT)]
        else:
            buttons = [Button(band.label, band.id) for band in step.bands]
            buttons.append(Button("Not sure", "unsure"))
        if step.skippable and not isinstance(step, InfoStep):
            buttons.append(Button("Skip", SKIP))
        return buttons

    def _prompt_text(self, step: AnyStep, state: Conversation) -> str:
        if isinstance(step, InfoStep):
            return step.text
        if isinstance(step, ChecklistStep):
            ticked = [item.label for item in step.items if item.id in (state.pending or ())]
            so_far = f" Ticked: {', '.join(ticked)}." if ticked else ""
            return f"{step.ask} Tick all that apply, then Done.{so_far}"
        if isinstance(step, TextStep) and state.pending is not None:
            return self._follow_up_text(step, state.pending)
        return step.ask

    def _prompt(self, flow: Flow, state: Conversation, turn: _Turn) -> None:
        step = flow.step(state.step)  # type: ignore[arg-type]
        turn.say(self._prompt_text(step, state), self._buttons(step, state))
        turn.audit("prompt_shown", flow=flow.id, step=state.step)

    def _reprompt(self, flow: Flow, state: Conversation, turn: _Turn) -> None:
        if state.phase == "red_flag":
            self._show_red_flag(flow, state, turn)
        else:
            self._prompt(flow, state, turn)

    def _follow_up_text(self, step: TextStep, covered: Sequence[str]) -> str:
        got = [item.label.lower() for item in step.items if item.id in covered]
        missing = [item for item in step.items if item.id not in covered]
        opening = (
            f"You've covered {_join(got)}." if got else "I couldn't match that to the usual points."
        )
        asks = " ".join(item.prompt for item in missing)
        return f"{opening} {asks} Done, not yet, or not needed?"

    # -- everywhere-words ----------------------------------------------------------------------

    def _command(
        self, flow: Flow, state: Conversation, command: Command, turn: _Turn
    ) -> Conversation:
        step = flow.step(state.step)  # type: ignore[arg-type]
        name = command.name
        if name == "back":
            return self._back(flow, state, turn)
        if name == "skip":
            if not step.skippable:
                turn.audit("skip_refused", flow=flow.id, step=state.step)
                turn.say(
                    "This one can't be skipped: it matters for the child's safety. "
                    "If you don't know, say 'not sure'."
                )
                self._prompt(flow, state, turn)
                return state
            turn.audit("skip", flow=flow.id, step=state.step)
            return self._record(flow, state, Answer(state.step or "", SKIPPED), turn, echo=None)
        if name in ("cancel", "menu"):
            return self._leave(flow, state, turn, to_menu=name == "menu")
        if name == "help":
            turn.audit("help", flow=flow.id, step=state.step)
            turn.say(f"{step.help} {HELP_TEXT}" if step.help else HELP_TEXT)
        elif name == "summary":
            turn.audit("summary_shown", flow=flow.id, step=state.step)
            turn.say(build_summary(flow, state, final=False))
        elif name == "why":
            turn.audit("why", flow=flow.id, step=state.step, entries=step.knowledge)
            self._cards(step.knowledge, turn)
        elif name == "ask":
            self._search(command.question, turn, flow.id, state.step)
        turn.say("Back to your question:")
        self._prompt(flow, state, turn)
        return state

    def _back(self, flow: Flow, state: Conversation, turn: _Turn) -> Conversation:
        if state.pending is not None:
            state = state.with_changes(pending=None)
        elif state.answers:
            last = state.answers[-1]
            state = state.with_changes(step=last.step, answers=state.answers[:-1])
        else:
            turn.say("This is the first question: there is nothing to undo.")
            self._prompt(flow, state, turn)
            return state
        turn.audit("back", flow=flow.id, step=state.step)
        self._prompt(flow, state, turn)
        return state

    def _leave(
        self, flow: Flow, state: Conversation, turn: _Turn, *, to_menu: bool
    ) -> Conversation:
        open_flags = tuple(flag.flag for flag in state.unacknowledged)
        turn.audit("cancelled", flow=flow.id, step=state.step, red_flags=open_flags)
        state = state.with_changes(phase="ended", ended="cancelled", pending=None, resume=None)
        if state.answers or state.red_flags:
            summary = build_summary(flow, state, final=False)
            turn.say(f"Stopped. Here is what you covered:\n\n{summary}")
        else:
            turn.say("Stopped.")
        if to_menu:
            self._show_menu(turn, "What do you need help with?")
        else:
            turn.say("Send anything to start again.", [Button("Menu", MENU)])
        return state

    def _cards(self, entry_ids: Sequence[str], turn: _Turn) -> None:
        found = (self.knowledge.get(entry_id) for entry_id in entry_ids)
        entries = [entry for entry in found if entry is not None and self.knowledge.applies(entry)]
        if not entries:
            turn.say("There is no extra guidance for this question. Ask your supervisor if unsure.")
        for entry in entries[:2]:
            turn.say(_card(entry))

    def _search(self, question: str, turn: _Turn, flow: str | None, step: str | None) -> None:
        if not question.strip():
            turn.say("Ask what? Send 'ask' and your question, e.g. 'ask what is s46'.")
            return
        result = self.knowledge.search(question, limit=3)
        entries = tuple(match.entry.id for match in result.matches)
        shown = entries if result.status != "none" else ()
        turn.audit("search", flow=flow, step=step, status=result.status, entries=shown)
        if result.status == "none" or not result.matches:
            turn.say(
                "I couldn't find guidance on that. Ask your supervisor or the specialist "
                "child protection team."
            )
            return
        turn.say(_card(result.matches[0].entry))
        if result.status == "ambiguous" and len(result.matches) > 1:
            others = "; ".join(match.entry.title for match in result.matches[1:])
            turn.say(f"Not quite it? Also close: {others}. Ask again with more detail.")

    # -- answers -------------------------------------------------------------------------------

    def _not_understood(
        self, flow: Flow, state: Conversation, turn: _Turn, event: Text | Press
    ) -> Conversation:
        if isinstance(event, Text) and event.text.strip().endswith("?"):
            self._search(event.text, turn, flow.id, state.step)
            turn.say("Back to your question:")
            self._prompt(flow, state, turn)
            return state
        step = flow.step(state.step)  # type: ignore[arg-type]
        turn.audit("not_understood", flow=flow.id, step=state.step)
        options = ", ".join(b.label for b in self._buttons(step, state))
        hint = f" Choose: {options}." if options else ""
        if isinstance(event, Press):
            turn.say("That button belongs to an earlier question." + hint)
        elif isinstance(step, TextStep):
            turn.say("I didn't catch that. Tell me in a few words what you've done." + hint)
        elif isinstance(step, NumberStep):
            turn.say(f"I didn't catch that. Give a number in {step.unit}." + hint)
        elif isinstance(step, DurationStep):
            turn.say("I didn't catch that. Give a time, e.g. '3 hours' or '2 days'." + hint)
        else:
            turn.say("I didn't catch that." + hint)
        self._prompt(flow, state, turn)
        return state

    def _answer(
        self, flow: Flow, state: Conversation, event: Text | Press, turn: _Turn
    ) -> Conversation:
        step_id = state.step or ""
        step = flow.step(step_id)
        value = event.value if isinstance(event, Press) else None
        text = event.text if isinstance(event, Text) else ""
        if value == SKIP:
            return self._command(flow, state, Command("skip"), turn)
        answer: Answer | None = None
        echo: str | None = None
        if isinstance(step, ConfirmStep):
            extra = {o: (label,) for o, label in step.labels.items()}
            outcome = value if value in CONFIRM_LABELS else None
            if value is None:
                outcome = read_confirm(text, extra)
                echo = f"Noted: {step.labels.get(outcome, CONFIRM_LABELS.get(outcome, ''))}."  # type: ignore[call-overload]
            if outcome is not None:
                answer = Answer(step_id, outcome)
        elif isinstance(step, ChoiceStep):
            answer, echo = self._read_choice(step, step_id, value, text)
        elif isinstance(step, NumberStep | DurationStep):
            answer, echo = self._read_band(step, step_id, value, text)
        elif isinstance(step, InfoStep):
            typed_ok = value is None and (words(text) in NEXT_WORDS or read_acknowledgement(text))
            if value == NEXT or typed_ok:
                answer = Answer(step_id, "seen")
        elif isinstance(step, ChecklistStep):
            return self._checklist(flow, state, step, value, text, turn, event)
        elif isinstance(step, TextStep):
            return self._free_text(flow, state, step, value, text, turn, event)
        if answer is None:
            return self._not_understood(flow, state, turn, event)
        return self._record(flow, state, answer, turn, echo=echo if value is None else None)

    def _read_choice(
        self, step: ChoiceStep, step_id: str, value: str | None, text: str
    ) -> tuple[Answer | None, str | None]:
        ids = [option.id for option in step.options]
        chosen: str | None = value if value in ids else None
        if value is None:
            indexes = read_indexes(text, len(ids))
            if indexes is not None and len(indexes) == 1:
                chosen = ids[indexes[0]]
            else:
                chosen = best_option(
                    text, [(o.id, _phrases(o.label, o.phrases, o.id)) for o in step.options]
                )
        if chosen is None:
            return None, None
        label = next(o.label for o in step.options if o.id == chosen)
        return Answer(step_id, chosen), f"Noted: {label}."

    def _read_band(
        self, step: NumberStep | DurationStep, step_id: str, value: str | None, text: str
    ) -> tuple[Answer | None, str | None]:
        bands = {band.id: band for band in step.bands}
        if value is not None:
            chosen = value if value in bands or value == "unsure" else None
            return (Answer(step_id, chosen), None) if chosen else (None, None)
        if isinstance(step, NumberStep):
            read = read_number(text)
            shown = None if isinstance(read, str) or read is None else f"{read:g} {step.unit}"
        else:
            read = read_hours(text)
            shown = None if isinstance(read, str) or read is None else describe_hours(read)
        if read is None:
            label_hit = best_option(text, [(b.id, (b.label,)) for b in step.bands])
            if label_hit is None:
                return None, None
            return Answer(step_id, label_hit), f"Noted: {bands[label_hit].label}."
        if read == "unsure":
            return Answer(step_id, "unsure"), "Noted: not sure."
        band_id = _bands_hit(step.bands, float(read))
        return Answer(step_id, band_id), f"Read as {shown}: {bands[band_id].label}."

    def _checklist(
        self,
        flow: Flow,
        state: Conversation,
        step: ChecklistStep,
        value: str | None,
        text: str,
        turn: _Turn,
        event: Text | Press,
    ) -> Conversation:
        ids = [item.id for item in step.items]
        ticked = list(state.pending or ())
        finish = False
        if value is not None:
            if value in ids:
                ticked = [i for i in ticked if i != value] if value in ticked else [*ticked, value]
            elif value == DONE:
                finish = True
            elif value == NONE:
                ticked, finish = [], True
            else:
                return self._not_understood(flow, state, turn, event)
        else:
            said = words(text)
            indexes = read_indexes(text, len(ids))
            found = (
                [ids[i] for i in indexes]
                if indexes is not None
                else list(covered_items(text, _item_phrases(step.items)))
            )
            if found:
                ticked += [i for i in found if i not in ticked]
            elif said in FINISHED_WORDS or said in NOTHING_WORDS:
                finish = True
            else:
                return self._not_understood(flow, state, turn, event)
        ordered = tuple(i for i in ids if i in ticked)
        if not finish:
            state = state.with_changes(pending=ordered)
            self._prompt(flow, state, turn)
            return state
        missing = tuple(i for i in ids if i not in ordered)
        if step.purpose == "done":
            outcome = "partial" if missing else "complete"
            answer = Answer(state.step or "", outcome, covered=ordered, outstanding=missing)
        else:
            answer = Answer(state.step or "", "some" if ordered else "none", covered=ordered)
        return self._record(flow, state.with_changes(pending=None), answer, turn, echo=None)

    def _free_text(
        self,
        flow: Flow,
        state: Conversation,
        step: TextStep,
        value: str | None,
        text: str,
        turn: _Turn,
        event: Text | Press,
    ) -> Conversation:
        ids = [item.id for item in step.items]
        covered = list(state.pending or ())
        step_id = state.step or ""
        verdict: str | None = None
        found: list[str] = []
        if value is not None:
            if state.pending is None or value not in (DONE, NOT_YET, NOT_NEEDED):
                return self._not_understood(flow, state, turn, event)
            verdict = value
        else:
            found = [i for i in covered_items(text, _item_phrases(step.items)) if i not in covered]
            if not found and text.strip().endswith("?"):
                return self._not_understood(flow, state, turn, event)
            if found:
                covered += found
            elif state.pending is not None:
                said = words(text)
                if said in NOT_NEEDED_WORDS or any(
                    said.startswith(p + " ") for p in NOT_NEEDED_WORDS if " " in p
                ):
                    verdict = NOT_NEEDED
                else:
                    verdict = {"yes": DONE, "no": NOT_YET, "unsure": NOT_YET}.get(
                        read_confirm(text) or ""
                    )
                if verdict is None:
                    return self._not_understood(flow, state, turn, event)
            elif read_confirm(text) in ("no", "unsure"):
                covered = []
            elif not words(text):
                return self._not_understood(flow, state, turn, event)
        ordered = tuple(i for i in ids if i in covered)
        missing = tuple(i for i in ids if i not in covered)
        if verdict == DONE:
            # "Done" vouches for the remaining points but names none of them, so it raises no
            # red flag tied to a point: only the officer's own words can do that.
            answer = Answer(step_id, "complete", covered=(*ordered, *missing))
            state = state.with_changes(pending=None)
            return self._record(flow, state, answer, turn, echo=None, flag_items=ordered)
        elif verdict == NOT_NEEDED:
            answer = Answer(step_id, "complete", covered=ordered, not_needed=missing)
        elif verdict == NOT_YET:
            answer = Answer(step_id, "partial", covered=ordered, outstanding=missing)
        elif not missing:
            answer = Answer(step_id, "complete", covered=ordered)
        else:
            state = state.with_changes(pending=ordered)
            turn.audit("answer", flow=flow.id, step=step_id, outcome="in-progress", items=ordered)
            self._prompt(flow, state, turn)
            return state
        if verdict is None and ordered:
            if state.pending is None:
                names = [item.label.lower() for item in step.items if item.id in ordered]
                turn.say(f"Good: you've covered {_join(names)}.")
            else:
                newly = [item.label.lower() for item in step.items if item.id in found]
                turn.say(f"Got it: {_join(newly)}.")
        return self._record(flow, state.with_changes(pending=None), answer, turn, echo=None)

    # -- recording an answer and moving on -----------------------------------------------------

    def _record(
        self,
        flow: Flow,
        state: Conversation,
        answer: Answer,
        turn: _Turn,
        *,
        echo: str | None,
        flag_items: tuple[str, ...] | None = None,
    ) -> Conversation:
        step_id = answer.step
        step = flow.step(step_id)
        turn.audit(
            "answer",
            flow=flow.id,
            step=step_id,
            outcome=answer.outcome,
            items=answer.covered,
            outstanding=answer.outstanding,
        )
        state = state.with_changes(answers=(*state.answers, answer), pending=None)
        said: list[str] = []
        # A confirm step's own "Not yet? ..." message already shows how the answer was read; a
        # number read from words is always echoed, so a misreading can be undone with 'back'.
        if echo and not (isinstance(step, ConfirmStep) and answer.outcome in step.say):
            said.append(echo)
        if answer.outcome in step.say:
            said.append(step.say[answer.outcome])
        if (
            isinstance(step, ConfirmStep)
            and step.action
            and answer.outcome in step.outstanding_when
        ):
            said.append(f"Added to your follow-up list: {step.action}")
        if isinstance(step, ChecklistStep | TextStep) and answer.outstanding:
            missing = [item for item in step.items if item.id in answer.outstanding]
            said.append("Still to do: " + " ".join(item.prompt for item in missing))
        if said:
            turn.say(" ".join(said))
        target = flow.target(step_id, answer.outcome)
        turn.audit("transition", flow=flow.id, step=step_id, outcome=answer.outcome, to_step=target)
        items = answer.covered if flag_items is None else flag_items
        raised = self._raised(step, answer.step, answer.outcome, items, state)
        if raised:
            state = state.with_changes(
                phase="red_flag",
                red_flags=(
                    *state.red_flags,
                    *(RaisedFlag(flag, step_id) for flag in raised),
                ),
                resume=target,
            )
            for flag in raised:
                turn.audit("red_flag", flow=flow.id, step=step_id, red_flag=flag)
            self._show_red_flag(flow, state, turn)
            return state
        return self._go(flow, state, target, turn)

    def _raised(
        self,
        step: AnyStep,
        step_id: str,
        outcome: str,
        items: tuple[str, ...],
        state: Conversation,
    ) -> list[str]:
        already = {(raised.flag, raised.step) for raised in state.red_flags}
        raised: list[str] = []
        for rule in step.red_flags:
            hit = outcome in rule.when or bool(set(items) & set(rule.when))
            if hit and (rule.flag, step_id) not in already and rule.flag not in raised:
                raised.append(rule.flag)
        return raised

    def _go(self, flow: Flow, state: Conversation, target: str, turn: _Turn) -> Conversation:
        if target == END:
            state = state.with_changes(phase="ended", ended="completed", step=None, resume=None)
            turn.audit("flow_completed", flow=flow.id)
            turn.say(build_summary(flow, state, final=True), [Button("Menu", MENU)])
            return state
        state = state.with_changes(phase="step", step=target, resume=None)
        self._prompt(flow, state, turn)
        return state

    # -- red flags -----------------------------------------------------------------------------

    def _show_red_flag(self, flow: Flow, state: Conversation, turn: _Turn) -> None:
        waiting = state.unacknowledged[0]
        definition = flow.spec.red_flags[waiting.flag]
        sources = _sources(self.knowledge, definition.knowledge)
        cite = f" (Source: {sources})" if sources else ""
        turn.say(
            f"RED FLAG: {definition.title}. {definition.prompt}{cite}",
            [Button("Understood", ACK)],
        )

    def _in_red_flag(
        self, state: Conversation, event: Text | Press, command: Command | None, turn: _Turn
    ) -> Conversation:
        flow = self.flows[state.flow]  # type: ignore[index]
        waiting = state.unacknowledged[0]
        acknowledged = (isinstance(event, Press) and event.value == ACK) or (
            isinstance(event, Text) and command is None and read_acknowledgement(event.text)
        )
        if acknowledged:
            flags = tuple(
                RaisedFlag(f.flag, f.step, True) if f == waiting else f for f in state.red_flags
            )
            state = state.with_changes(red_flags=flags)
            turn.audit(
                "red_flag_acknowledged", flow=flow.id, step=waiting.step, red_flag=waiting.flag
            )
            if state.unacknowledged:
                self._show_red_flag(flow, state, turn)
                return state
            return self._go(flow, state, state.resume or END, turn)
        if command is not None and command.name == "cancel":
            return self._leave(flow, state, turn, to_menu=False)
        if command is not None and command.name == "help":
            turn.audit("help", flow=flow.id, step=waiting.step)
            turn.say(
                "A red flag means the child may not be safe. Act on it first; press Understood "
                "when you have read it and are acting on it."
            )
        elif command is not None and command.name == "summary":
            turn.audit("summary_shown", flow=flow.id, step=waiting.step)
            turn.say(build_summary(flow, state, final=False))
        elif command is not None:
            turn.audit("red_flag_blocked", flow=flow.id, step=waiting.step, red_flag=waiting.flag)
            turn.say(BLOCKED_TEXT)
        else:
            turn.audit("not_understood", flow=flow.id, step=waiting.step)
            turn.say("I didn't catch that. Press Understood once you have read this prompt.")
        self._show_red_flag(flow, state, turn)
        return state

    # -- idle expiry ---------------------------------------------------------------------------

    def _expire(self, state: Conversation, turn: _Turn) -> Conversation:
        minutes = round(state.idle_seconds / 60)
        turn.audit(
            "expired",
            flow=state.flow,
            step=state.step,
            red_flags=tuple(flag.flag for flag in state.unacknowledged),
        )
        turn.say(
            f"This conversation was idle for over {minutes} minutes, so it has closed. "
            "Start again, or see the summary of what you covered?",
            [Button("Start again", RESTART), Button("Summary", SUMMARY)],
        )
        return state.with_changes(phase="expired", pending=None)

    def _in_expired(
        self, state: Conversation, event: Text | Press, command: Command | None, turn: _Turn
    ) -> Conversation:
        wants_summary = (isinstance(event, Press) and event.value == SUMMARY) or (
            command is not None and command.name == "summary"
        )
        restart = (isinstance(event, Press) and event.value in (RESTART, MENU)) or (
            command is not None and command.name in ("menu", "cancel")
        )
        if wants_summary and state.flow in self.flows:
            flow = self.flows[state.flow]  # type: ignore[index]
            turn.audit("summary_shown", flow=flow.id)
            turn.say(build_summary(flow, state, final=False), [Button("Menu", MENU)])
            return state.with_changes(phase="ended", ended="cancelled")
        if restart or wants_summary:
            self._show_menu(turn, "What do you need help with?")
            return Conversation(expires_at=state.expires_at, idle_seconds=state.idle_seconds)
        turn.audit("not_understood", flow=state.flow)
        turn.say(
            "I didn't catch that. Start again, or see the summary?",
            [Button("Start again", RESTART), Button("Summary", SUMMARY)],
        )
        return state


def _item_phrases(items: Sequence[Item]) -> list[tuple[str, Sequence[str]]]:
    return [(item.id, item.phrases) for item in items]


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _sources(knowledge: KnowledgeSource, entry_ids: Sequence[str]) -> str:
    found: list[str] = []
    for entry_id in entry_ids:
        entry = knowledge.get(entry_id)
        if entry is not None:
            found += [s for s in entry.source[:1] if s not in found]
    return "; ".join(found)


def _card(entry: Entry) -> str:
    """A knowledge entry as one short message: what to do, two key points, and the source."""
    points = " ".join(f"• {line}" for line in entry.guidance[:2])
    return f"{entry.title}: {entry.summary} {points} (Source: {entry.source[0]})"
