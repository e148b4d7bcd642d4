"""The step function: ``(state, event) -> (state, effects)``, with no I/O and no clock.

Every rule for moving through a conversation lives here: where an answer leads, when a red flag
interrupts, and what the everywhere-words (back, skip, cancel, menu, help, summary, why, ask)
do. How a step is asked and how a message answers it is in :mod:`bot.engine._steps`; which flow
an opening message asks for is in :mod:`bot.engine._menu`. Channels only carry the effects out.
Time arrives with each event, so the same events always give the same replies, which is what
lets the golden transcripts pin the behaviour down.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Literal

from bot.engine._commands import (
    Command,
    is_thanks,
    read_acknowledgement,
    read_command,
    read_indexes,
)
from bot.engine._compile import PROTECT_FIRST, Flow, FlowSet, KnowledgeSource, protect_first_flag
from bot.engine._confirm import (
    corrected_part,
    opens_with_correction,
    read_confirm,
    read_meaning,
)
from bot.engine._danger import DangerCues, DangerReading
from bot.engine._effects import AuditEvent, Button, Event, Press, Reply, Start, Text, Tick
from bot.engine._feedback import (
    FEEDBACK_COMMENT,
    FEEDBACK_DROPPED,
    FEEDBACK_NOTHING,
    FEEDBACK_PICK,
    FEEDBACK_THANKS,
    PRACTICE_IN_A_REAL_FLOW,
    PRACTICE_MENU,
    PRACTICE_NOTE,
    PRACTICE_OVER,
    PRACTICE_START,
    PRACTICE_STILL,
    SKIP_COMMENT,
    feedback_question,
    practice_summary_title,
    rating_buttons,
    read_rating,
)
from bot.engine._fit import misfits
from bot.engine._kept import Keeper
from bot.engine._menu import Menu
from bot.engine._numbers import says_a_length_of_time
from bot.engine._points import ADULT_WORDS, CHILD_WORDS, PRONOUNS
from bot.engine._schema import (
    END,
    SKIPPED,
    AnyStep,
    ChecklistStep,
    ChoiceStep,
    ConfirmStep,
    DurationStep,
    InfoStep,
    NumberStep,
    RedFlagDef,
    TextStep,
)
from bot.engine._state import (
    DEFAULT_IDLE_SECONDS,
    Answer,
    Conversation,
    FeedbackDraft,
    RaisedFlag,
    Shown,
)
from bot.engine._steps import (
    ACK,
    CONFIRM_LABELS,
    EARLIER_ANSWER,
    SKIP,
    UNSURE,
    Reading,
    buttons_for,
    is_action,
    not_understood_text,
    prompt_text,
    read_answer,
    skip_refusal,
)
from bot.engine._summary import condition_holds, render_summary, step_label, summary_data
from bot.engine._turn import MESSAGE_LIMIT, Turn, say_card, say_full_card, sources
from bot.engine._words import CLAUSE_BREAK, emoji_said, words
from bot.knowledge import KnowledgeBase, one_message, warm_up

MENU = "menu"
SUMMARY = "summary"
RESTART = "restart"
PEOPLE_WORDS = (CHILD_WORDS | ADULT_WORDS) - PRONOUNS
"""Words for people, after a number: "2 kids" counts them."""

ASK_MENU = "What do you need help with?"
HELP_TEXT = (
    "Answer with a button or type it your way. Words that work anywhere: back (undo), skip "
    "(where allowed), summary, why (the guidance behind a question), more (the rest of a "
    "card), ask + a question, feedback (rate the last prompt), practice (training), menu, "
    "cancel."
)
OUTDATED_TEXT = "The guidance has been updated since this conversation began; starting again."
FIRST_UNDERSTOOD = "Press Understood first (protect the child first), then"
AFTER_RED_FLAG = {
    "back": f"{FIRST_UNDERSTOOD} say 'back' to change your answer.",
    "skip": f"A safety prompt can't be skipped. {FIRST_UNDERSTOOD} carry on.",
    "menu": (
        f"{FIRST_UNDERSTOOD} say 'menu'. To stop now, say 'cancel': the red flag stays on the "
        "summary."
    ),
    "ask": f"{FIRST_UNDERSTOOD} ask your question again.",
    "why": f"{FIRST_UNDERSTOOD} say 'why' for the guidance behind the question.",
    "more": f"{FIRST_UNDERSTOOD} say 'more' for the rest of the card.",
    "feedback": f"{FIRST_UNDERSTOOD} say 'feedback'.",
    "practice": f"{FIRST_UNDERSTOOD} finish or cancel, then say 'practice' at the menu.",
}
"""What an everywhere-word gets while a red flag waits: the flag first, then what was asked."""

MENU_STEP = "menu"
"""Where a red flag raised at the menu is recorded as raised (no flow, no question yet)."""

BACK_TO_QUESTION = "Back to your question:"
NOT_AN_ACKNOWLEDGEMENT = "I didn't catch that. Press Understood once you have read this prompt."
ANSWER_AT_RED_FLAG = (
    "That reads as your next answer, so it isn't kept yet: this red flag comes first. Press "
    "Understood once you have read it, then answer again."
)
AFTER_DANGER_AT_MENU = "When the child is safe, pick what you need:"
MISSES_BEFORE_HELP = 2
OPENER_STEPS = 3
"""How many of a flow's first questions an opener typed at the menu may answer."""
"""After this many "I didn't catch that" in a row, the options are explained differently."""


@dataclass(frozen=True)
class StepResult:
    """What one event does: the new state, the replies to show, the audit events to log.

    Named, so that a channel takes what it needs (the replies) and the session layer the rest
    (the state to save, the events to append), and nobody sorts effects by type.
    """

    state: Conversation
    replies: tuple[Reply, ...]
    audit: tuple[AuditEvent, ...]


def content_version(flows: FlowSet, knowledge: KnowledgeSource) -> str:
    """A short hash of the flows and knowledge in force, stamped on every audit event.

    An auditor can then tell which wording an officer saw, and a report can keep runs under
    different versions apart.
    """
    digest = hashlib.sha256()
    for flow in flows:
        digest.update(flow.spec.model_dump_json().encode())
    if isinstance(knowledge, KnowledgeBase):
        for entry in knowledge.entries:
            digest.update(entry.model_dump_json().encode())
        digest.update((knowledge.jurisdiction or "both").encode())
    return digest.hexdigest()[:12]


class Engine:
    """Runs the flows against the knowledge base; every method is pure.

    Building one loads, once, everything a step might otherwise load on first use (the English
    word list that typo-mending checks against, the knowledge matcher), so that no step reads a
    file and no officer's first message waits for it.

    Args:
        flows: the compiled flows, in menu order.
        knowledge: the knowledge base (for guidance cards and ``ask``).
        idle_seconds: how long a conversation may sit idle before it expires.

    Raises:
        ValueError: ``idle_seconds`` is not more than zero.
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
        self.menu = Menu(flows)
        self.danger = DangerCues(
            jargon=knowledge.jargon() if isinstance(knowledge, KnowledgeBase) else ()
        )
        # What each question asks about, in the danger cues' terms, worked out once.
        self._explained = {
            (flow.id, step_id): self.danger.explained_by(flow.words_of(step_id).terms)
            for flow in flows
            for step_id in flow.spec.steps
        }
        self.version = content_version(flows, knowledge)
        self.keeper = Keeper(knowledge)
        warm_up(knowledge if isinstance(knowledge, KnowledgeBase) else None)

    # -- public --------------------------------------------------------------------------------

    def with_idle_seconds(self, idle_seconds: float) -> Engine:
        """The same engine, everything compiled shared, with another idle time.

        An engine read back from the start-up cache was built with whatever idle time was set
        then; a deployment's own is applied here rather than rebuilding.

        Raises:
            ValueError: ``idle_seconds`` is not more than zero.
        """
        if idle_seconds <= 0:
            raise ValueError("idle_seconds must be more than zero")
        if float(idle_seconds) == self.idle_seconds:
            return self
        engine = copy.copy(self)
        engine.idle_seconds = float(idle_seconds)
        return engine

    def start(self, now: float, before: Conversation | None = None) -> StepResult:
        """A fresh conversation showing the menu (``before``: the one it replaces, if any)."""
        turn = Turn()
        self._show_menu(turn, ASK_MENU)
        practice = before is not None and _practising(before)
        fresh = self._fresh(now + self.idle_seconds, self.idle_seconds, practice=practice)
        return self._result(before or fresh, fresh, turn, now)

    def is_expired(self, state: Conversation, now: float) -> bool:
        """True when a conversation in a flow has been idle past its own deadline."""
        return state.phase in ("step", "red_flag") and now > state.expires_at

    def resume(self, state: Conversation, now: float) -> StepResult:
        """What to show when a channel reopens a saved conversation (e.g. after a restart).

        A red flag still waiting is shown before any question; a conversation that expired is
        offered its choice again (start again or the summary); a state that no longer fits the
        flows starts again with a plain message rather than failing part-way through a reply.
        """
        turn = Turn()
        before = state
        if misfits(self.flows, state):
            return self._result(before, self._outdated(state, now, turn), turn, now)
        # Feedback half-given is not shown again: a rating pressed is sent, and the officer
        # sees where they are, so their next message is never taken for a comment.
        state = self._end_feedback(state, turn)
        if state.phase == "expired":
            # It closed while nobody was looking: offer the same choice again, or it is a dead
            # end that rejects every answer.
            self._offer_after_expiry(state, turn)
            return self._result(before, state, turn, now)
        if self.is_expired(state, now):
            return self._result(before, self._expire(state, turn), turn, now)
        state = state.with_changes(expires_at=now + state.idle_seconds)
        if state.phase in ("menu", "ended"):
            self._show_menu(turn, ASK_MENU)
            fresh = self._fresh(state.expires_at, state.idle_seconds, practice=_practising(state))
            return self._result(before, fresh, turn, now)
        flow = self.flows[state.flow]  # type: ignore[index]
        turn.say(f"Picking up where you left off: {flow.title}.")
        return self._result(before, self._reopen(flow, state, turn), turn, now)

    def voice_checked(
        self, state: Conversation, kind: Literal["read_back", "not_heard"], outcome: str, now: float
    ) -> StepResult:
        """Log what became of a voice note the channel dealt with before any answer was taken.

        A voice note read back for a yes or no (``read_back``, outcome ``asked``, then
        ``confirmed`` or ``corrected``; one left unanswered logs only ``asked``), or one with no
        words the channel could use (``not_heard``: ``no-words``, ``not-an-answer``) never
        reaches :meth:`step`, yet a trainer needs to see where voice falters. The event is
        stamped where the conversation stands (its flow and step, run and sequence) and nothing
        else changes: no reply, and the idle deadline is left as it was.
        """
        turn = Turn()
        turn.audit(kind, flow=state.flow, step=state.step, outcome=outcome)
        return self._result(state, state, turn, now)

    def step(self, state: Conversation, event: Event) -> StepResult:
        """Apply one event; return the new state and the replies and audit events to carry out.

        The state is checked against the flows first: one saved before the flows changed (a
        step, an answer or a red flag that no longer exists) starts again with a plain message.
        A :class:`Tick` only closes a conversation idle past its deadline (telling the officer
        so); otherwise it changes nothing and says nothing.
        """
        turn = Turn()
        before = state
        now = event.now
        if misfits(self.flows, state):
            return self._result(before, self._outdated(state, now, turn), turn, now)
        if isinstance(event, Tick):
            if self.is_expired(state, now):
                return self._result(before, self._expire(state, turn), turn, now)
            return StepResult(state, (), ())
        if isinstance(event, Start):
            # A fresh start mid-flow goes through 'menu', so the summary so far is shown and an
            # unacknowledged red flag still cannot be walked past.
            live = state.phase in ("step", "red_flag")
            if live and not self.is_expired(state, now):
                state = state.with_changes(expires_at=now + state.idle_seconds)
                state = self._handle(state, Text(MENU, now), turn)
                return self._result(before, self._remember_cards(state, turn), turn, now)
            return self.start(now, before)
        if self.is_expired(state, now):
            return self._result(before, self._expire(state, turn), turn, now)
        state = state.with_changes(expires_at=now + state.idle_seconds)
        if isinstance(event, Text) and (said := emoji_said(event.text)) != event.text:
            event = dataclasses.replace(event, text=said)  # "✅" alone is "done"
        with one_message():  # the message is split into words once, however often it is read
            state = self._handle(state, event, turn)
        return self._result(before, self._remember_cards(state, turn), turn, now)

    def _result(
        self, before: Conversation, after: Conversation, turn: Turn, now: float
    ) -> StepResult:
        """Stamp the step's audit events for the log and carry the log's counters forward.

        Each event gets the time, the run it belongs to (a new run at each flow start), its
        sequence number and the content version; an answer gets how long its question was open.
        The counters live in the state, so a fresh menu state (built anew by the engine) never
        restarts them. Asking for practice opens a run of its own, which the flow picked from
        the practice menu joins: its practice-marked events never land in the run of a real
        job that ended just before (a log reader marks a whole run practice from any event).
        """
        run, seq = before.run, before.seq
        stamped: list[AuditEvent] = []
        replies: list[Reply] = []
        asked_at = before.asked_at
        run_open = _at_practice_menu(before)
        for effect in turn.effects:
            if isinstance(effect, Reply):
                replies.append(effect)
                continue
            if effect.kind == "practice_started" or (
                effect.kind == "flow_started" and not run_open
            ):
                run += 1
            seq += 1
            took = None
            if effect.kind == "answer" and before.asked_at is not None:
                took = round(max(0.0, now - before.asked_at), 3)
            stamped.append(
                replace(
                    effect,
                    at=now,
                    run=run,
                    seq=seq,
                    version=self.version,
                    step_seconds=took,
                    practice=after.practice,
                )
            )
            if effect.kind == "prompt_shown":
                asked_at = now
        if after.phase not in ("step", "red_flag"):
            asked_at = None
        counters: dict[str, object] = {"run": run, "seq": seq, "asked_at": asked_at}
        guidance = _guidance_shown(after, turn)
        if guidance is not None:
            counters["guidance"] = guidance
        if any(getattr(after, name) != value for name, value in counters.items()):
            after = after.with_changes(**counters)
        return StepResult(after, tuple(replies), tuple(stamped))

    def _danger_of(self, event: Text) -> DangerReading:
        """Danger in the message, or in any other reading a speech recogniser offered."""
        danger = self.danger.read(event.text)
        for other in event.alternatives:
            if danger:
                break
            danger = self.danger.read(other)
        return danger

    @staticmethod
    def _remember_cards(state: Conversation, turn: Turn) -> Conversation:
        """Keep the ids of the cards this turn cut short, for 'more' next turn, and no others."""
        shown = tuple(dict.fromkeys(turn.shown))
        return state if shown == state.shown else state.with_changes(shown=shown)

    # -- dispatch ------------------------------------------------------------------------------

    @staticmethod
    def _fresh(expires_at: float, idle_seconds: float, *, practice: bool = False) -> Conversation:
        return Conversation(expires_at=expires_at, idle_seconds=idle_seconds, practice=practice)

    def _outdated(self, state: Conversation, now: float, turn: Turn) -> Conversation:
        """A saved state naming steps, answers or flags the flows no longer have: start again."""
        turn.audit("state_outdated", flow=state.flow)
        turn.say(OUTDATED_TEXT)
        if state.practice:
            turn.say(PRACTICE_OVER)  # the practice flow is gone; 'practice' starts another
        self._show_menu(turn, ASK_MENU)
        return self._fresh(now + state.idle_seconds, state.idle_seconds)

    def _handle(self, state: Conversation, event: Text | Press, turn: Turn) -> Conversation:
        if state.feedback is not None:
            state, handled = self._in_feedback(state, event, turn)
            if handled:
                return state
        if state.phase == "step":
            flow = self.flows[state.flow]  # type: ignore[index]
            if state.unacknowledged:
                # Only a state saved by an older guidebot can be here: the red flag comes first,
                # and this message is not read as an answer to a prompt the officer never saw.
                return self._reopen(flow, state, turn)
            if isinstance(event, Text):
                interrupted = self._danger_in_step(flow, state, event, turn)
                if interrupted is not None:
                    return interrupted
            # Given the step, an answer it offers ("back" as in "the child is back") is read as
            # that answer, not as the everywhere-word.
            answers = flow.words_of(state.step or "").answers
            command = read_command(event.text, answers) if isinstance(event, Text) else None
            if command is not None:
                return self._command(flow, state, command, turn)
            return self._answer(flow, state, event, turn)
        if isinstance(event, Text):
            danger = self._danger_of(event)
            if danger:
                named = self.menu.named(event.text) if state.phase != "red_flag" else None
                return self._interrupt(state, danger.kinds, turn, then=named)
        command = read_command(event.text) if isinstance(event, Text) else None
        if state.phase == "red_flag":
            return self._in_red_flag(state, event, command, turn)
        if state.phase == "expired":
            return self._in_expired(state, event, command, turn)
        return self._in_menu(state, event, command, turn)

    # -- the menu ------------------------------------------------------------------------------

    def _show_menu(self, turn: Turn, text: str) -> None:
        turn.say(text, self.menu.buttons(), role="question")
        turn.audit("menu_shown")

    def _finished_flow(self, state: Conversation) -> Flow | None:
        """The flow a conversation ended in, for 'summary' and 'back' at the menu."""
        return self.flows[state.flow] if state.phase == "ended" and state.flow else None

    def _in_menu(
        self, state: Conversation, event: Text | Press, command: Command | None, turn: Turn
    ) -> Conversation:
        if command is not None:
            return self._menu_command(state, command, turn)
        if isinstance(event, Text):
            return self._menu_text(state, event.text, turn, event.now)
        if event.value in self.flows:
            return self._start_flow(self.flows[event.value], state, turn)
        if event.value == SUMMARY and self._finished_flow(state) is not None:
            return self._menu_command(state, Command("summary"), turn)
        if event.value in (MENU, RESTART):
            self._show_menu(turn, ASK_MENU)
            return state
        turn.audit("not_understood")
        self._show_menu(turn, "That button belongs to an earlier question. Pick one of these:")
        return state

    def _menu_command(self, state: Conversation, command: Command, turn: Turn) -> Conversation:
        finished = self._finished_flow(state)
        if command.name == "practice":
            return self._start_practice(state, turn)
        if command.name == "feedback":
            return self._start_feedback(state, turn)
        if command.name == "ask":
            self._search(command.question, turn, None, None)
            self._show_menu(turn, "Anything else? Pick one:")
            return state
        if command.name == "summary" and finished is not None:
            self._say_summary(finished, state, turn, final=state.ended == "completed")
            turn.audit("summary_shown", flow=finished.id)
            self._show_menu(turn, "Start another?")
            return state
        if command.name == "back" and finished is not None and state.answers:
            return self._back(finished, state.with_changes(phase="step", ended=None), turn)
        if command.name == "help":
            turn.say("Pick what you are dealing with. " + HELP_TEXT)
            turn.audit("help")
        if command.name == "more":
            self._more(state, turn, None, None)
            self._show_menu(turn, "Anything else? Pick one:")
            return state
        self._show_menu(turn, ASK_MENU)
        return state

    def _menu_text(self, state: Conversation, text: str, turn: Turn, now: float) -> Conversation:
        # A greeting is a whole message, read first: "start" is no mistyped "strat" (Referral).
        if self.menu.is_greeting(text):
            self._show_menu(turn, ASK_MENU)
            return state
        named = None if self.menu.asks_a_fact(text) else self.menu.named(text)
        if named is not None:
            return self._start_flow(named, state, turn, opener=text, now=now)
        if is_thanks(text):
            self._show_menu(turn, "No problem. Anything else? Pick one:")
            return state
        if self.menu.is_question(text):
            self._search(text, turn, None, None)
            self._show_menu(turn, "Anything else? Pick one:")
            return state
        return self._suggest_flow(state, text, turn)

    def _suggest_flow(self, state: Conversation, text: str, turn: Turn) -> Conversation:
        """An opener that names no flow ("dv job kids present"): find guidance, suggest a flow.

        A message of lone letters ("n", "k") asks nothing: the search would find a term spelt
        out letter by letter ("N F A"). Guidance found but not surely, with no flow to suggest,
        is said to be unsure as any question's is (:meth:`_search`), never shown as the answer.
        """
        said = words(text).split()
        lone_letters = all(len(word) == 1 and not word.isdigit() for word in said)
        result = self.knowledge.search(text, limit=3) if said and not lone_letters else None
        if result is None or result.status == "none" or not result.matches:
            turn.audit("not_understood")
            self._show_menu(turn, "I didn't catch that. Pick one of these:")
            return state
        entry = result.matches[0].entry
        fitting = self.menu.fitting(entry)
        if fitting is None and result.status != "confident":
            self._search(text, turn, None, None)
            self._show_menu(turn, "Anything else? Pick one:")
            return state
        turn.audit("search", status=result.status, entries=(entry.id,))
        if fitting is None:
            say_card(turn, entry)
            self._show_menu(turn, "Anything else? Pick one:")
            return state
        label = fitting.spec.menu_label
        self._show_menu(
            turn,
            f"Found guidance: {entry.title}. The '{label}' questions cover it: press it to "
            "start, or pick another.",
        )
        return state

    def _start_flow(
        self,
        flow: Flow,
        state: Conversation,
        turn: Turn,
        *,
        opener: str | None = None,
        now: float | None = None,
        prompt: bool = True,
    ) -> Conversation:
        """Start a flow; an opener typed at the menu may also answer its first questions.

        "found a misper" starts Missing child as found; "on a 136" starts Child in custody under
        section 136; "referral, definitely significant harm" answers the referral's first
        question. A yes/no question is answered only by its own phrases ("significant harm",
        "safe with the neighbour"), never by a bare yes or no in words that named the flow.
        What the opener answers of a question further on ("on a 136", where age is asked
        first) is kept, as categories, and taken when the flow gets there.
        """
        state = self._open_flow(flow, state, turn, opener=opener, now=now, prompt=prompt)
        if opener is None or state.flow != flow.id or state.phase not in ("step", "red_flag"):
            return state
        rest = self.menu.without_title_words(flow, opener)
        return state.with_changes(ahead=self._answers_ahead(flow, state, rest, now))

    def _open_flow(
        self,
        flow: Flow,
        state: Conversation,
        turn: Turn,
        *,
        opener: str | None,
        now: float | None,
        prompt: bool,
    ) -> Conversation:
        state = Conversation(
            phase="step",
            flow=flow.id,
            step=flow.spec.start,
            expires_at=state.expires_at,
            idle_seconds=state.idle_seconds,
            # Practice covers the flow picked from a practice menu; one picked after a practice
            # flow ended is a real job again.
            practice=_practising(state),
        )
        turn.audit("flow_started", flow=flow.id)
        if flow.spec.intro:
            turn.say(flow.spec.intro)
        if opener is not None and self.menu.says_more(flow, opener):
            # The opener may answer the first questions in turn: "shes 16 and on a 136" gives
            # Child in custody the age and the reason. Each answer is recorded as if typed; the
            # chain stops at a question it does not answer, or at a red flag.
            # After the first, only the words after the flow's title count, as further on: the
            # "in custody" of "custody 14" picked the flow and says nothing of why the child is
            # there, so the reason is asked.
            rest = self.menu.without_title_words(flow, opener)
            answered = False
            for _ in range(OPENER_STEPS):
                if state.phase != "step" or state.step is None:
                    return state
                read = self._opener_answer(flow, state.step, rest if answered else opener, now)
                if read is None:
                    break
                answer, echo = read
                after = self._opener_answer_follows(flow, answer, rest, state, now)
                state = self._record(flow, state, answer, turn, echo=echo, prompt=not after)
                answered = True
                if not after:
                    return state
            if answered:
                if state.phase == "step" and prompt:
                    self._prompt(flow, state, turn)
                return state
        if prompt:
            self._prompt(flow, state, turn)
        return state

    # -- prompts -------------------------------------------------------------------------------

    def _prompt(
        self,
        flow: Flow,
        state: Conversation,
        turn: Turn,
        described: tuple[str, ...] = (),
        coming: tuple[str, ...] = (),
    ) -> None:
        step = flow.step(state.step)  # type: ignore[arg-type]
        turn.say_fitted(
            prompt_text(step, state.pending, described, coming),
            buttons_for(step, state.pending),
            takes_number=isinstance(step, NumberStep | DurationStep),
            role="question",
            step=state.step,
        )
        turn.audit("prompt_shown", flow=flow.id, step=state.step)
        turn.prompted = (flow.id, state.step or "", step.knowledge)

    def _reopen(self, flow: Flow, state: Conversation, turn: Turn) -> Conversation:
        """Show where the officer is, a red flag still waiting coming before any question.

        Every way back into a flow (resume, 'back' after it ended, a state saved mid-flow) goes
        through here, so an unacknowledged red flag can never be walked past.
        """
        if state.phase == "red_flag" or state.unacknowledged:
            if state.phase != "red_flag":
                state = state.with_changes(
                    phase="red_flag", resume=state.step or END, pending=None, ended=None
                )
                waiting = state.unacknowledged[0]
                turn.audit(
                    "red_flag_blocked", flow=flow.id, step=waiting.step, red_flag=waiting.flag
                )
            self._show_red_flag(state, turn)
            return state
        self._prompt(flow, state, turn)
        return state

    def _say_summary(
        self,
        flow: Flow,
        state: Conversation,
        turn: Turn,
        *,
        final: bool,
        buttons: Sequence[Button] = (),
    ) -> None:
        data = summary_data(flow, state, final=final)
        if state.practice:
            data = replace(
                data,
                title=practice_summary_title(data.title),
                note=f"{PRACTICE_NOTE} {data.note}",
            )
        turn.say(render_summary(data), buttons, copyable=True, role="summary", summary=data)

    # -- everywhere-words ----------------------------------------------------------------------

    def _command(
        self, flow: Flow, state: Conversation, command: Command, turn: Turn
    ) -> Conversation:
        step = flow.step(state.step)  # type: ignore[arg-type]
        name = command.name
        if name == "back":
            return self._back(flow, state, turn)
        if name == "skip":
            return self._skip(flow, state, step, turn)
        if name in ("cancel", "menu"):
            return self._leave(flow, state, turn, to_menu=name == "menu")
        if name == "help":
            turn.audit("help", flow=flow.id, step=state.step)
            self._say_help(step, turn)
        elif name == "summary":
            turn.audit("summary_shown", flow=flow.id, step=state.step)
            self._say_summary(flow, state, turn, final=False)
        elif name == "why":
            turn.audit("why", flow=flow.id, step=state.step, entries=step.knowledge)
            self._cards(step.knowledge, turn)
        elif name == "more":
            self._more(state, turn, flow.id, state.step)
        elif name == "ask":
            self._search(command.question, turn, flow.id, state.step)
        elif name == "feedback":
            return self._start_feedback(state, turn)
        elif name == "practice":
            turn.say(PRACTICE_STILL if state.practice else PRACTICE_IN_A_REAL_FLOW)
        turn.say("Back to your question:")
        self._prompt(flow, state, turn)
        return state

    @staticmethod
    def _say_help(step: AnyStep, turn: Turn) -> None:
        if not step.help:
            turn.say(HELP_TEXT)
        elif len(together := f"{step.help} {HELP_TEXT}") <= MESSAGE_LIMIT:
            turn.say(together)
        else:
            turn.say(step.help)
            turn.say(HELP_TEXT)

    def _skip(self, flow: Flow, state: Conversation, step: AnyStep, turn: Turn) -> Conversation:
        if not step.skippable:
            turn.audit("skip_refused", flow=flow.id, step=state.step)
            turn.say(skip_refusal(step))
            self._prompt(flow, state, turn)
            return state
        turn.audit("skip", flow=flow.id, step=state.step)
        answer = Answer(state.step or "", SKIPPED)
        return self._record(flow, state.with_changes(pending=None), answer, turn, echo=None)

    def _other_flow_named(self, flow: Flow, event: Text | Press) -> Flow | None:
        """Another flow, when a message that answers nothing here is only that flow's name."""
        if not isinstance(event, Text):
            return None
        named = self.menu.named(event.text)
        if named is None or named is flow or not self.menu.names_without_more(named, event.text):
            return None
        return named

    @staticmethod
    def _earlier_answer_changed(
        flow: Flow, state: Conversation, text: str, now: float
    ) -> str | None:
        """What a correction said questions later changes ("sorry, she's 13 not 15").

        Only an age or a time can be told apart from an answer to the question asked now. If it
        falls in the band already recorded, nothing needs undoing; otherwise the officer is told
        how many times to say 'back' to reach the question, since 'back' undoes one answer.
        """
        said = corrected_part(text) or text
        for backs, earlier in enumerate(reversed(state.answers), start=1):
            step = flow.step(earlier.step)
            if not isinstance(step, (NumberStep, DurationStep)):
                continue
            reading = read_answer(
                step, flow.words_of(earlier.step), earlier.step, None, None, said, now
            )
            if reading is None or reading.answer is None or reading.answer.outcome == UNSURE:
                continue
            name = step.label or earlier.step
            if reading.answer.outcome == earlier.outcome:
                return f"{reading.echo} Your answer to '{name}' stays as it was: nothing changes."
            times = "once" if backs == 1 else "twice" if backs == 2 else f"{backs} times"
            return (
                f"{reading.echo} That changes your answer to '{name}': say 'back' {times} to "
                "reach that question and answer it again."
            )
        return None

    def _back(self, flow: Flow, state: Conversation, turn: Turn) -> Conversation:
        if state.pending is not None:
            state = state.with_changes(pending=None)
            withdrawn = "part-answer"
        elif state.answers:
            last = state.answers[-1]
            state = state.with_changes(step=last.step, answers=state.answers[:-1])
            withdrawn = last.outcome
        elif not state.red_flags:
            # 'back' at the first question, nothing answered: a colleague would go back to the
            # menu (the flow may have been picked by mistake).
            turn.audit("cancelled", flow=flow.id, step=state.step, red_flags=())
            turn.say("Back to the menu: nothing was answered yet.")
            if state.practice:
                turn.say(PRACTICE_OVER)
            self._show_menu(turn, ASK_MENU)
            return state.with_changes(phase="ended", ended="cancelled", pending=None, resume=None)
        else:
            turn.say("This is the first question: there is nothing to undo.")
            return self._reopen(flow, state, turn)
        turn.audit("back", flow=flow.id, step=state.step, withdrawn=withdrawn)
        return self._reopen(flow, state, turn)

    def _leave(self, flow: Flow, state: Conversation, turn: Turn, *, to_menu: bool) -> Conversation:
        open_flags = tuple(flag.flag for flag in state.unacknowledged)
        turn.audit("cancelled", flow=flow.id, step=state.step, red_flags=open_flags)
        state = state.with_changes(phase="ended", ended="cancelled", pending=None, resume=None)
        if state.answers or state.red_flags:
            turn.say("Stopped. Here is what you covered:")
            self._say_summary(flow, state, turn, final=False)
        else:
            turn.say("Stopped.")
        if state.practice:
            turn.say(PRACTICE_OVER)
        if to_menu:
            self._show_menu(turn, ASK_MENU)
        else:
            turn.say("Send anything to start again.", [Button("Menu", MENU)])
        return state

    def _cards(self, entry_ids: Sequence[str], turn: Turn) -> None:
        found = (self.knowledge.get(entry_id) for entry_id in entry_ids)
        entries = [entry for entry in found if entry is not None and self.knowledge.applies(entry)]
        if not entries:
            turn.say("There is no extra guidance for this question. Ask your supervisor if unsure.")
        for number, entry in enumerate(entries[:2]):
            # The first entry's key points come with it; a second one is its summary alone, so
            # 'why' stays a few short messages. 'more' shows the rest of both, and any others.
            say_card(turn, entry, points=number == 0)
        if len(entries) > 2:
            turn.shown.extend(entry.id for entry in entries[2:])
            turn.say(f"{len(entries) - 2} more card(s) behind this question: say 'more'.")

    def _more(self, state: Conversation, turn: Turn, flow: str | None, step: str | None) -> None:
        """The rest of the cards the last reply cut short: every point, and any cards left."""
        found = (self.knowledge.get(entry_id) for entry_id in state.shown)
        entries = [entry for entry in found if entry is not None and self.knowledge.applies(entry)]
        turn.audit("more_shown", flow=flow, step=step, entries=tuple(e.id for e in entries))
        if not entries:
            turn.say(
                "There's nothing more to show just now. Say 'why' for the guidance behind the "
                "question, or 'ask' and your question."
            )
            return
        for entry in entries:
            say_full_card(turn, entry)

    def _search(self, question: str, turn: Turn, flow: str | None, step: str | None) -> None:
        if not question.strip():
            turn.say("Ask what? Send 'ask' and your question, e.g. 'ask what is s46'.")
            return
        result = self.knowledge.search(question, limit=3)
        entries = tuple(match.entry.id for match in result.matches)
        unmatched = result.status == "none" or not result.matches
        shown = () if unmatched else entries
        # Only a question nothing answered is kept, and only scrubbed (see _kept.py): it says
        # what the knowledge base lacks. An ambiguous one found guidance, and its entries say
        # what was asked.
        kept = self.keeper.question(question) if unmatched else None
        turn.audit(
            "search", flow=flow, step=step, status=result.status, entries=shown, question=kept
        )
        if unmatched:
            turn.say(
                "I couldn't find guidance on that. Ask your supervisor or the specialist "
                "child protection team."
            )
            return
        if result.status == "ambiguous":
            # Never a silent guess: say it is not sure before showing the closest entry.
            turn.say("I'm not sure which guidance you mean. The closest:")
        say_card(turn, result.matches[0].entry)
        if result.also:
            # Guidance the search could hardly tell from the card shown: named, never hidden.
            related = "; ".join(entry.title for entry in result.also)
            turn.say(f"Related: {related}.")
        if result.status == "ambiguous":
            others = "; ".join(match.entry.title for match in result.matches[1:])
            also = f"Also close: {others}. " if others else ""
            turn.say(
                f"{also}Ask again with more detail, or ask your supervisor or the specialist "
                "child protection team."
            )

    # -- answers -------------------------------------------------------------------------------

    def _not_understood(
        self, flow: Flow, state: Conversation, turn: Turn, event: Text | Press
    ) -> Conversation:
        if isinstance(event, Text) and self.menu.asks_or_ends_in_question(event.text):
            # "whats a strat" mid-question: looked up, then back to the question.
            self._search(event.text, turn, flow.id, state.step)
            turn.say(BACK_TO_QUESTION)
            self._prompt(flow, state, turn)
            return state
        other = self._other_flow_named(flow, event)
        if other is not None:
            # "missing" typed in the middle of Child in custody: how to switch, said once.
            turn.audit("not_understood", flow=flow.id, step=state.step, status="asked-again")
            turn.say(
                f"That sounds like the '{other.spec.menu_label}' questions. To switch, say "
                "'menu': you get a summary of what you've covered here, then pick it. Or answer "
                "this question:"
            )
            self._prompt(flow, state, turn)
            return state
        if isinstance(event, Text) and opens_with_correction(event.text):
            # "actually since yesterday morning" at a later list: the answer it changes.
            changed = self._earlier_answer_changed(flow, state, event.text, event.now)
            if changed is not None:
                turn.audit("not_understood", flow=flow.id, step=state.step, status="asked-again")
                turn.say(changed)
                self._prompt(flow, state, turn)
                return state
        step = flow.step(state.step)  # type: ignore[arg-type]
        turn.audit("not_understood", flow=flow.id, step=state.step)
        misses = state.misses + 1
        state = state.with_changes(misses=misses)
        if isinstance(event, Press):
            # A question answered in words has no buttons to list: the prompt that follows
            # says what to do.
            options = "; ".join(f"'{b.label}'" for b in buttons_for(step, state.pending))
            hint = f" Choose: {options}." if options else " Answer this one:"
            turn.say(f"That button belongs to an earlier question.{hint}")
        elif misses >= MISSES_BEFORE_HELP:
            # Saying the same thing a third time helps nobody: explain the options another way.
            turn.say(self._explain_options(step, state))
        else:
            options = "; ".join(f"'{b.label}'" for b in buttons_for(step, state.pending))
            hint = f" Choose: {options}." if options else ""
            turn.say(not_understood_text(step) + hint)
        self._prompt(flow, state, turn)
        return state

    @staticmethod
    def _explain_options(step: AnyStep, state: Conversation) -> str:
        """The options put another way, after two answers in a row the bot couldn't read."""
        buttons = buttons_for(step, state.pending)
        if buttons:
            numbered = "; ".join(
                f"{number} for {button.label}" for number, button in enumerate(buttons, start=1)
            )
            how = f"Press a button or type its number: {numbered}."
        else:
            how = "Say in a few words what you have done, or 'not yet'."
        return (
            f"I'm still not reading that. {how} If none fits, say 'help', or 'ask' and your "
            "question; your supervisor can help too."
        )

    def _answer(
        self, flow: Flow, state: Conversation, event: Text | Press, turn: Turn
    ) -> Conversation:
        step_id = state.step or ""
        step = flow.step(step_id)
        value = event.value if isinstance(event, Press) else None
        if value == SKIP:
            return self._command(flow, state, Command("skip"), turn)
        text = event.text if isinstance(event, Text) else ""
        if self.menu.asks_what_it_means(text):
            # "whats a safe adult" names the point it asks about: looked up, never ticked.
            return self._not_understood(flow, state, turn, event)
        reading = read_answer(
            step, flow.words_of(step_id), step_id, state.pending, value, text, event.now
        )
        if reading is None:
            return self._not_understood(flow, state, turn, event)
        state = state.with_changes(misses=0)
        if reading.retry is not None:
            turn.audit("not_understood", flow=flow.id, step=step_id, status="asked-again")
            retry = reading.retry
            if retry == EARLIER_ANSWER:
                retry = self._earlier_answer_changed(flow, state, text, event.now) or retry
            turn.say(retry)
            self._prompt(flow, state, turn)
            return state
        if reading.answer is None:
            return self._part_way(flow, state, step, step_id, reading, turn)
        if reading.note:
            turn.say(reading.note, role="echo", step=step_id)
        ticked = self._carried(flow, state, reading, text, event.now)
        state = self._said_ahead(flow, state, step, reading.answer, text, event.now)
        state = self._record(
            flow,
            state.with_changes(pending=None),
            reading.answer,
            turn,
            echo=reading.echo,
            flag_items=reading.flag_items,
            flag_as=reading.flag_as,
            prompt=not ticked,
        )
        if ticked and state.phase == "step":
            state = state.with_changes(pending=ticked)
            self._prompt(flow, state, turn)
        return state

    def _said_ahead(
        self,
        flow: Flow,
        state: Conversation,
        step: AnyStep,
        answer: Answer,
        text: str,
        now: float,
    ) -> Conversation:
        """Keep what the clause after an answer says of the next choice, number or time asked.

        An experienced officer answers in one line ("15, arrested", "still missing, since 6pm"):
        the first clause answers this question and the next clause the next one, said back when
        it is taken ("Taken from what you said"), and 'back' changes it. A yes/no question is
        not answered this way: what follows an answer mostly says more about it ("not yet, the
        baby is asleep upstairs" is no answer to whether a child is of school age). A free answer
        reads the whole message itself.
        """
        target = flow.target(answer.step, answer.outcome)
        if not text or isinstance(step, TextStep) or target == END:
            return state
        if not isinstance(flow.step(target), ChoiceStep | NumberStep | DurationStep):
            return state
        clauses = [c for c in CLAUSE_BREAK.split(text, maxsplit=1) if c and c.strip()]
        if len(clauses) < 2:
            return state
        read = self._opener_answer(flow, target, clauses[1], now)
        if read is None or read[0].outcome == UNSURE:
            return state
        return state.with_changes(ahead=(*(a for a in state.ahead if a.step != target), read[0]))

    def _carried(
        self, flow: Flow, state: Conversation, reading: Reading, text: str, now: float
    ) -> tuple[str, ...]:
        """What an answer's words already tick at the next question, if it is a "which of these".

        "mum is coming in to be the AA but she's the one he assaulted" answers whether an AA is
        called and, in the same breath, ticks "Victim or witness" at who the AA is: the officer
        is asked to confirm, not to say it again. Only a list of things present or found is
        pre-ticked (a list of things done is never assumed), and only when the answer raises no
        red flag of its own.
        """
        answer = reading.answer
        if not text or answer is None:
            return ()
        target = flow.target(answer.step, answer.outcome)
        if target == END:
            return ()
        following = flow.step(target)
        if not (isinstance(following, ChecklistStep) and following.purpose == "present"):
            return ()
        items = answer.covered if reading.flag_items is None else reading.flag_items
        if _raised(
            flow.step(answer.step), answer.step, reading.flag_as or answer.outcome, items, state
        ):
            return ()
        ahead = read_answer(following, flow.words_of(target), target, None, None, text, now)
        if ahead is None or ahead.answer is not None or ahead.retry is not None:
            return ()
        return ahead.pending or ()

    def _part_way(
        self,
        flow: Flow,
        state: Conversation,
        step: AnyStep,
        step_id: str,
        reading: Reading,
        turn: Turn,
    ) -> Conversation:
        """A checklist or free answer still open: these points so far, ask for the rest."""
        state = state.with_changes(pending=reading.pending)
        if reading.note:
            turn.say(reading.note, role="echo", step=step_id)
        if isinstance(step, TextStep):
            turn.audit(
                "answer",
                flow=flow.id,
                step=step_id,
                outcome="in-progress",
                items=state.pending,
                outstanding=reading.described,
            )
        self._prompt(flow, state, turn, reading.described, reading.coming)
        return state

    # -- danger now ------------------------------------------------------------------------

    def _danger_in_step(
        self, flow: Flow, state: Conversation, event: Text, turn: Turn
    ) -> Conversation | None:
        """Danger now told at a question: protect first, before the message is read as an answer.

        At the flow's own danger question ("Is the child in danger right now?") danger told in
        any words is its answer, yes, and raises its red flag the usual way. Anywhere else it
        interrupts, and the officer comes back to the question once the prompt is acknowledged.
        Some answers are read as answers all the same, so that an officer is never stuck: the
        step's own words said whole ("Drugs or weapons" for that checklist button); danger words
        that are what the question asks about, not told as happening now ("self harms" at "any
        risk factors?"); and, once protect-first was acknowledged at this question, danger told
        again not as happening now (the officer has been prompted and is answering).
        """
        danger = self._danger_of(event)
        if not danger:
            return None
        step_id = state.step or ""
        step = flow.step(step_id)
        for rule in step.red_flags:
            if rule.flag == flow.protect_first and isinstance(step, ConfirmStep):
                outcome = "yes" if "yes" in rule.when else rule.when[0]
                label = step.labels.get(outcome, "Yes")  # type: ignore[call-overload]
                answer = Answer(step_id, outcome)
                return self._record(flow, state, answer, turn, echo=f"Noted: {label}.")
        words_of = flow.words_of(step_id)
        if words(event.text) in words_of.answers:
            return None
        explained = self._explained[(flow.id, step_id)]
        if danger.terms and not danger.now and danger.terms <= explained:
            # "self harms" at "any risk factors?", "drugs and a knife" at "signs of
            # exploitation?": the danger words are what the question asks about.
            return None
        prompted = any(
            f.flag == flow.protect_first and f.step == step_id and f.acknowledged
            for f in state.red_flags
        )
        if prompted and not danger.now:
            return None
        return self._interrupt(state, danger.kinds, turn)

    def _interrupt(
        self,
        state: Conversation,
        kinds: tuple[str, ...],
        turn: Turn,
        *,
        then: Flow | None = None,
    ) -> Conversation:
        """Raise the protect-first red flag now, wherever the officer is, and show it first.

        In a flow the question waits, answers and points so far kept, until the flag is
        acknowledged; at the menu (or after a conversation ended) the menu does.
        """
        in_flow = state.phase in ("step", "red_flag") and state.flow in self.flows
        if in_flow:
            flow = self.flows[state.flow]  # type: ignore[index]
            flag_id, step_id = flow.protect_first, state.step or MENU_STEP
        else:
            # At the menu, a message that also names a flow ("first contact, dad's got a knife")
            # goes on to that flow once the prompt is acknowledged.
            practice = _practising(state)
            state = self._fresh(state.expires_at, state.idle_seconds, practice=practice)
            state = state.with_changes(resume=then.id if then is not None else MENU_STEP)
            flag_id, step_id = PROTECT_FIRST, MENU_STEP
        raised = RaisedFlag(flag_id, step_id)
        kept = tuple(f for f in state.red_flags if (f.flag, f.step) != (flag_id, step_id))
        done = tuple(f for f in kept if f.acknowledged)
        waiting = tuple(f for f in kept if not f.acknowledged)
        resume = state.resume if state.phase == "red_flag" or not in_flow else state.step
        state = state.with_changes(
            phase="red_flag", red_flags=(*done, raised, *waiting), resume=resume, misses=0
        )
        turn.audit("danger_now", flow=state.flow, step=step_id, items=kinds)
        turn.audit("red_flag", flow=state.flow, step=step_id, red_flag=flag_id)
        self._show_red_flag(state, turn)
        return state

    # -- recording an answer and moving on -----------------------------------------------------

    def _opener_answer(
        self, flow: Flow, step_id: str, opener: str, now: float | None
    ) -> tuple[Answer, str | None] | None:
        """What an opener typed at the menu answers at one of the flow's first questions.

        A choice, a number, a length of time said as one ("since yesterday", never the 14 of
        "misper 14"), or a yes/no question's own phrases ("significant harm", "safe with the
        neighbour"), never a bare yes or no in the words that named the flow.
        """
        step = flow.step(step_id)
        if isinstance(step, DurationStep) and not says_a_length_of_time(opener):
            return None
        if isinstance(step, ChoiceStep | NumberStep | DurationStep):
            # "missing kid found": "missing" named the flow; the rest says where things are.
            for said in dict.fromkeys((opener, self.menu.without_name_words(flow, opener))):
                if isinstance(step, ChoiceStep) and read_indexes(said, len(step.options)):
                    # A number in an opener is the menu's ("4") or a count ("custody, 2 lads"),
                    # never an option of a question not asked yet.
                    continue
                if isinstance(step, NumberStep) and _counts_people(said):
                    continue  # "custody, 2 lads": two of them, not a child of 2
                reading = read_answer(step, flow.words_of(step_id), step_id, None, None, said, now)
                if reading is not None and reading.answer is not None:
                    return reading.answer, reading.echo
        elif isinstance(step, ConfirmStep):
            meant = read_meaning(opener, flow.words_of(step_id).meaning)
            if meant is not None:
                label = step.labels.get(meant, CONFIRM_LABELS[meant])  # type: ignore[call-overload]
                return Answer(step_id, meant), f"Noted: {label}."
        return None

    def _opener_answer_follows(
        self, flow: Flow, answer: Answer, opener: str, state: Conversation, now: float | None
    ) -> bool:
        """Whether the opener also answers the question this answer leads to."""
        target = flow.target(answer.step, answer.outcome)
        if target == END or _raised(flow.step(answer.step), answer.step, answer.outcome, (), state):
            return False
        return self._opener_answer(flow, target, opener, now) is not None

    def _answers_ahead(
        self, flow: Flow, state: Conversation, opener: str, now: float | None
    ) -> tuple[Answer, ...]:
        """What the opener answers of the questions a few steps on, kept for when they come.

        "on a 136" cannot answer "How old is the child?", asked first, but says why the child
        is in custody. A yes/no about something done, or done with the child, is asked when
        it comes: telling done from described needs the question. A doubt ("not sure") is
        left for the question itself to hear.
        """
        answered = {answer.step for answer in state.answers}
        here = state.step if state.phase == "step" else state.resume
        seen = {here} | answered
        frontier = [here] if here is not None else []
        found: list[Answer] = []
        for _ in range(OPENER_STEPS):
            following: list[str] = []
            for source in frontier:
                for (step_id, _outcome), target in flow.table.items():
                    if step_id != source or target in seen or target == END:
                        continue
                    seen.add(target)
                    following.append(target)
                    step = flow.step(target)
                    if isinstance(step, ConfirmStep) and (is_action(step) or step.for_child):
                        continue
                    read = self._opener_answer(flow, target, opener, now)
                    if read is not None and read[0].outcome != UNSURE:
                        found.append(read[0])
            frontier = following
        return tuple(found)

    def _take_ahead(
        self, flow: Flow, state: Conversation, turn: Turn, *, prompt: bool
    ) -> Conversation | None:
        """Answer the question just reached from the opener, if it said ("on a 136")."""
        given = next((answer for answer in state.ahead if answer.step == state.step), None)
        if given is None:
            return None
        state = state.with_changes(ahead=tuple(a for a in state.ahead if a is not given))
        echo = (
            f"Taken from what you said: {step_label(flow, given.step)}: "
            f"{_outcome_label(flow.step(given.step), given.outcome)}. Say 'back' to change it."
        )
        return self._record(flow, state, given, turn, echo=echo, prompt=prompt)

    def _record(
        self,
        flow: Flow,
        state: Conversation,
        answer: Answer,
        turn: Turn,
        *,
        echo: str | None,
        flag_items: tuple[str, ...] | None = None,
        flag_as: str | None = None,
        prompt: bool = True,
    ) -> Conversation:
        step = flow.step(answer.step)
        turn.audit(
            "answer",
            flow=flow.id,
            step=answer.step,
            outcome=answer.outcome,
            items=answer.covered,
            outstanding=answer.outstanding,
        )
        state = state.with_changes(answers=(*state.answers, answer), pending=None)
        self._say_recorded(step, answer, echo, turn)
        target = flow.target(answer.step, answer.outcome)
        turn.audit(
            "transition", flow=flow.id, step=answer.step, outcome=answer.outcome, to_step=target
        )
        items = answer.covered if flag_items is None else flag_items
        raised = _raised(step, answer.step, flag_as or answer.outcome, items, state)
        if not raised and not state.unacknowledged:
            return self._go(flow, state, target, turn, prompt=prompt)
        present = {(f.flag, f.step) for f in state.red_flags}
        new = tuple(RaisedFlag(f, answer.step) for f in raised if (f, answer.step) not in present)
        state = state.with_changes(
            phase="red_flag", red_flags=(*state.red_flags, *new), resume=target
        )
        for flag in raised:
            turn.audit("red_flag", flow=flow.id, step=answer.step, red_flag=flag)
        self._show_red_flag(state, turn)
        return state

    @staticmethod
    def _say_recorded(step: AnyStep, answer: Answer, echo: str | None, turn: Turn) -> None:
        """How the answer was read, what the flow says to it, and what is left to follow up."""
        said: list[str] = []
        # A confirm step's own "Not yet? ..." message already shows how a plain answer was read;
        # an answer read from more than yes or no ("no but ...") and a number read from words
        # are always echoed, so a misreading can be undone with 'back'.
        plain = echo is not None and echo.endswith(".") and "(" not in echo
        if echo and not (isinstance(step, ConfirmStep) and answer.outcome in step.say and plain):
            said.append(echo)
        if answer.outcome in step.say:
            said.append(step.say[answer.outcome])
        if (
            isinstance(step, ConfirmStep)
            and step.action
            and answer.outcome in step.outstanding_when
        ):
            said.append(f"Added to your follow-up list: {step.action}")
        if said:
            turn.say(" ".join(said), role="echo", step=answer.step)
        if isinstance(step, ChecklistStep | TextStep) and answer.outstanding:
            prompts = [item.prompt for item in step.items if item.id in answer.outstanding]
            turn.say_list("Still to do:", prompts, role="echo", step=answer.step)

    def _go(
        self, flow: Flow, state: Conversation, target: str, turn: Turn, *, prompt: bool = True
    ) -> Conversation:
        if target == END:
            state = state.with_changes(phase="ended", ended="completed", step=None, resume=None)
            turn.audit("flow_completed", flow=flow.id)
            if state.practice:
                turn.say(PRACTICE_OVER)
            self._say_summary(flow, state, turn, final=True, buttons=[Button("Menu", MENU)])
            return state
        state = state.with_changes(phase="step", step=target, resume=None)
        taken = self._take_ahead(flow, state, turn, prompt=prompt)
        if taken is not None:
            return taken
        if prompt:
            self._prompt(flow, state, turn)
        return state

    # -- red flags -----------------------------------------------------------------------------

    def _flag_definition(self, state: Conversation, flag_id: str) -> RedFlagDef:
        if state.flow is not None and state.flow in self.flows:
            return self.flows[state.flow].flag(flag_id)
        return protect_first_flag()

    def _show_red_flag(self, state: Conversation, turn: Turn) -> None:
        waiting = state.unacknowledged[0]
        definition = self._flag_definition(state, waiting.flag)
        understood = [Button("Understood", ACK)]
        cited = sources(self.knowledge, definition.knowledge)
        alert = f"RED FLAG: {definition.title}. {definition.prompt}"
        # The action stays with the flag; only a prompt too long for one screen is split off.
        messages = (
            [alert]
            if len(alert) <= MESSAGE_LIMIT
            else [f"RED FLAG: {definition.title}.", definition.prompt]
        )
        if cited:
            messages.append(f"Source: {cited}")
        for message in messages[:-1]:
            turn.say(message, role="red_flag")
        turn.say(messages[-1], understood, role="red_flag")

    def _in_red_flag(
        self, state: Conversation, event: Text | Press, command: Command | None, turn: Turn
    ) -> Conversation:
        if state.flow is None:
            return self._in_menu_red_flag(state, event, command, turn)
        flow = self.flows[state.flow]
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
                self._show_red_flag(state, turn)
                return state
            if state.resume == waiting.step and state.resume != END:
                # Raised by danger told at a question: the question is still unanswered.
                turn.say(BACK_TO_QUESTION)
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
            self._say_summary(flow, state, turn, final=False)
        elif command is not None:
            turn.audit("red_flag_blocked", flow=flow.id, step=waiting.step, red_flag=waiting.flag)
            turn.say(AFTER_RED_FLAG.get(command.name, AFTER_RED_FLAG["menu"]))
        else:
            turn.audit("not_understood", flow=flow.id, step=waiting.step)
            answers = isinstance(event, Text) and self._answers_behind_flag(flow, state, event)
            turn.say(ANSWER_AT_RED_FLAG if answers else NOT_AN_ACKNOWLEDGEMENT)
        self._show_red_flag(state, turn)
        return state

    @staticmethod
    def _answers_behind_flag(flow: Flow, state: Conversation, event: Text) -> bool:
        """Whether a message typed at a red flag answers the question waiting behind it.

        Typed before the prompt was read, the answer is not kept: it is given again once the
        flag is acknowledged, with the flag in mind ("phone the MASH now" may change what is in
        hand for the strategy discussion). A bare "no" says nothing of which question it meant.
        """
        target = state.resume
        if target is None or target == END or target not in flow.spec.steps:
            return False
        step = flow.step(target)
        if isinstance(step, InfoStep) or (
            len(words(event.text).split()) < 2 and read_confirm(event.text)
        ):
            return False
        reading = read_answer(
            step, flow.words_of(target), target, None, None, event.text, event.now
        )
        return reading is not None and (reading.answer is not None or bool(reading.pending))

    def _in_menu_red_flag(
        self, state: Conversation, event: Text | Press, command: Command | None, turn: Turn
    ) -> Conversation:
        """The protect-first prompt raised at the menu: acknowledged, the menu comes back."""
        waiting = state.unacknowledged[0]
        acknowledged = (isinstance(event, Press) and event.value == ACK) or (
            isinstance(event, Text) and command is None and read_acknowledgement(event.text)
        )
        if acknowledged or (command is not None and command.name == "cancel"):
            fresh = self._fresh(state.expires_at, state.idle_seconds, practice=state.practice)
            if not acknowledged:
                turn.audit("cancelled", red_flags=(waiting.flag,))
                self._show_menu(turn, AFTER_DANGER_AT_MENU)
                return fresh
            turn.audit("red_flag_acknowledged", step=waiting.step, red_flag=waiting.flag)
            if state.resume in self.flows:
                return self._start_after_danger(self.flows[state.resume], fresh, turn)  # type: ignore[index]
            self._show_menu(turn, AFTER_DANGER_AT_MENU)
            return fresh
        if command is not None and command.name == "help":
            turn.audit("help")
            turn.say(
                "A red flag means the child may not be safe. Act on it first; press Understood "
                "when you have read it and are acting on it."
            )
        elif command is not None:
            turn.audit("red_flag_blocked", step=waiting.step, red_flag=waiting.flag)
            turn.say(AFTER_RED_FLAG.get(command.name, AFTER_RED_FLAG["menu"]))
        else:
            turn.audit("not_understood", step=waiting.step)
            turn.say(NOT_AN_ACKNOWLEDGEMENT)
        self._show_red_flag(state, turn)
        return state

    def _start_after_danger(self, flow: Flow, state: Conversation, turn: Turn) -> Conversation:
        """The flow the officer named with the danger, its danger question already answered.

        The protect-first prompt has just been acknowledged, so a flow whose first question is
        "is the child in danger now?" records yes without showing the prompt a second time.
        """
        state = self._start_flow(flow, state, turn, prompt=False)
        start = flow.spec.start
        first = flow.step(start)
        if isinstance(first, ConfirmStep) and any(
            rule.flag == flow.protect_first for rule in first.red_flags
        ):
            seen = RaisedFlag(flow.protect_first, start, acknowledged=True)
            state = state.with_changes(red_flags=(seen,))
            return self._record(flow, state, Answer(start, "yes"), turn, echo="Noted: Yes.")
        self._prompt(flow, state, turn)
        return state

    # -- practice and feedback ---------------------------------------------------------------

    def _start_practice(self, state: Conversation, turn: Turn) -> Conversation:
        """The menu, marked practice: the flow picked from it, and all it logs, is practice.

        Only from the menu, after a flow ended or after one expired: a real job part-way
        through is never turned into practice (the step's own 'practice' refuses).
        """
        if _at_practice_menu(state):
            turn.say(PRACTICE_STILL)  # already asked for: the run it opened is still open
        else:
            turn.audit("practice_started")
            turn.say(PRACTICE_START)
        self._show_menu(turn, PRACTICE_MENU)
        return self._fresh(state.expires_at, state.idle_seconds, practice=True)

    def _start_feedback(self, state: Conversation, turn: Turn) -> Conversation:
        """Ask how the guidance last shown was.

        The question names what it rates, so nobody rates the wrong card.
        """
        if state.guidance is None:
            turn.say(FEEDBACK_NOTHING)
            self._back_to_where(state, turn)
            return state
        question = feedback_question(state.guidance, self.flows, self.knowledge)
        turn.say(question, rating_buttons(), role="question")
        return state.with_changes(feedback=FeedbackDraft(state.guidance))

    def _in_feedback(
        self, state: Conversation, event: Text | Press, turn: Turn
    ) -> tuple[Conversation, bool]:
        """A message while feedback is open: the rating, then a comment or Skip.

        Returns the state and whether the message was used up; a command other than cancel,
        back or skip closes the feedback and is then carried out as usual. Danger told
        mid-feedback brings the protect-first prompt at once, as anywhere else (in a comment,
        danger told as happening now).
        """
        draft = state.feedback
        assert draft is not None
        command = read_command(event.text) if isinstance(event, Text) else None
        if isinstance(event, Text) and (danger := self._danger_of(event)):
            # A comment is about guidance, and the guidance is about danger ("the weapons card
            # is out of date"): there only danger told as happening now interrupts, as at a
            # question whose own subject the danger words are.
            commenting = draft.rating is not None and command is None
            if danger.now or not commenting:
                state = self._end_feedback(state, turn)
                return self._interrupt(state, danger.kinds, turn), True
        if draft.rating is None:
            rating = read_rating(event)
            if rating is not None:
                turn.say(FEEDBACK_COMMENT, [Button("Skip", SKIP_COMMENT)], role="question")
                return state.with_changes(feedback=FeedbackDraft(draft.about, rating)), True
            if command is None:
                turn.say(FEEDBACK_PICK, rating_buttons(), role="question")
                return state, True
            state = state.with_changes(feedback=None)
            if command.name not in ("cancel", "back", "skip"):
                return state, False
            turn.say(FEEDBACK_DROPPED)
            self._back_to_where(state, turn)
            return state, True
        # The rating is in: a comment, or Skip (a button, or a word that works anywhere).
        comment = event.text if isinstance(event, Text) and command is None else None
        state = self._end_feedback(state, turn, comment)
        turn.say(FEEDBACK_THANKS)
        if command is not None and command.name not in ("cancel", "back", "skip"):
            return state, False
        self._back_to_where(state, turn)
        return state, True

    def _end_feedback(
        self, state: Conversation, turn: Turn, comment: str | None = None
    ) -> Conversation:
        """Close any open feedback, logging it if a rating was given (the comment scrubbed)."""
        draft = state.feedback
        if draft is None:
            return state
        if draft.rating is not None:
            turn.audit(
                "feedback",
                flow=draft.about.flow,
                step=draft.about.step,
                entries=draft.about.entries,
                rating=draft.rating,
                comment=self.keeper.comment(comment) if comment else None,
            )
        return state.with_changes(feedback=None)

    def _back_to_where(self, state: Conversation, turn: Turn) -> None:
        """After feedback: the question the officer was at, the expiry choice, or the menu."""
        if state.phase == "step" and state.flow in self.flows:
            turn.say(BACK_TO_QUESTION)
            self._prompt(self.flows[state.flow], state, turn)  # type: ignore[index]
        elif state.phase == "expired":
            self._offer_after_expiry(state, turn)
        else:
            self._show_menu(turn, "Anything else? Pick one:")

    # -- idle expiry ---------------------------------------------------------------------------

    def _expire(self, state: Conversation, turn: Turn) -> Conversation:
        state = self._end_feedback(state, turn)
        turn.audit(
            "expired",
            flow=state.flow,
            step=state.step,
            red_flags=tuple(flag.flag for flag in state.unacknowledged),
        )
        state = state.with_changes(phase="expired", pending=None)
        if state.practice:
            turn.say(PRACTICE_OVER)
        self._offer_after_expiry(state, turn)
        return state

    @staticmethod
    def _offer_after_expiry(state: Conversation, turn: Turn) -> None:
        minutes = round(state.idle_seconds / 60)
        turn.say(
            f"This conversation was idle for over {minutes} minutes, so it has closed. "
            "Start again, or see the summary of what you covered?",
            [Button("Start again", RESTART), Button("Summary", SUMMARY)],
        )

    def _in_expired(
        self, state: Conversation, event: Text | Press, command: Command | None, turn: Turn
    ) -> Conversation:
        wants_summary = (isinstance(event, Press) and event.value == SUMMARY) or (
            command is not None and command.name == "summary"
        )
        restart = (isinstance(event, Press) and event.value in (RESTART, MENU)) or (
            command is not None and command.name in ("menu", "cancel")
        )
        if command is not None and command.name == "practice":
            return self._start_practice(state, turn)
        if command is not None and command.name == "feedback":
            return self._start_feedback(state, turn)
        if wants_summary and state.flow in self.flows:
            flow = self.flows[state.flow]  # type: ignore[index]
            turn.audit("summary_shown", flow=flow.id)
            self._say_summary(flow, state, turn, final=False, buttons=[Button("Menu", MENU)])
            return state.with_changes(phase="ended", ended="cancelled")
        if restart or wants_summary:
            self._show_menu(turn, ASK_MENU)
            return self._fresh(state.expires_at, state.idle_seconds)
        turn.audit("not_understood", flow=state.flow)
        turn.say(
            "I didn't catch that. Start again, or see the summary?",
            [Button("Start again", RESTART), Button("Summary", SUMMARY)],
        )
        return state


def _raised(
    step: AnyStep,
    step_id: str,
    outcome: str,
    items: tuple[str, ...],
    state: Conversation,
) -> list[str]:
    """The red flags an answer raises; one already acknowledged at this step is not raised again.

    A flag raised here but still waiting (only a state saved by an older guidebot can hold one
    outside the red-flag phase) is raised again, so that it is shown rather than walked past.
    """
    acknowledged = {(f.flag, f.step) for f in state.red_flags if f.acknowledged}
    raised: list[str] = []
    for rule in step.red_flags:
        hit = outcome in rule.when or bool(set(items) & set(rule.when))
        hit = hit and (not rule.also or any(condition_holds(c, state) for c in rule.also))
        if hit and (rule.flag, step_id) not in acknowledged and rule.flag not in raised:
            raised.append(rule.flag)
    return raised


def _practising(state: Conversation) -> bool:
    """Whether practice carries on from this state to the next.

    Not once its flow has ended (completed, cancelled or expired): guidebot is back to real use.
    """
    return state.practice and state.phase not in ("ended", "expired")


def _at_practice_menu(state: Conversation) -> bool:
    """A practice menu (or a red flag raised there): practice asked for, no flow started yet."""
    return state.practice and state.flow is None and state.phase in ("menu", "red_flag")


def _guidance_shown(state: Conversation, turn: Turn) -> Shown | None:
    """What a 'feedback' after this turn would rate: the cards shown, else the question asked.

    A card wins over the question shown after it ("ask" at a step shows the card, then the
    question again): the card is what the officer has just read. None when the turn showed
    neither, so the last guidance stays what feedback is about (a summary is not guidance).
    """
    if turn.cards:
        in_flow = state.phase in ("step", "red_flag")
        return Shown(
            state.flow if in_flow else None,
            state.step if in_flow else None,
            tuple(dict.fromkeys(turn.cards)),
            cards=True,
        )
    if turn.prompted is not None:
        flow, step, entries = turn.prompted
        return Shown(flow, step, entries)
    return None


def _outcome_label(step: AnyStep, outcome: str) -> str:
    """An answer as its button says it ("Section 136", "12 to 17"), for saying it back."""
    if isinstance(step, ChoiceStep):
        return next(option.label for option in step.options if option.id == outcome)
    if isinstance(step, NumberStep | DurationStep):
        return next(band.label for band in step.bands if band.id == outcome)
    if isinstance(step, ConfirmStep):
        return str(step.labels.get(outcome, CONFIRM_LABELS[outcome]))  # type: ignore[call-overload]
    return outcome


def _counts_people(text: str) -> bool:
    """Whether a number in the text counts people ("2 kids", "3 lads"), not an age or a time."""
    heard = words(text).split()
    return any(word.isdigit() and following in PEOPLE_WORDS for word, following in pairwise(heard))
