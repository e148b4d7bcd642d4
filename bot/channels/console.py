"""The console chat: the engine in a terminal, with no token and no network.

Buttons are shown as numbered options; typing a number presses one (and says which), anything
else is sent as typed text. A question answered with a number (an age, a time) shows its
buttons unnumbered, so "3" there is three, never the third button. With standard input not a
terminal, each line is one message and the officer's line is echoed before the replies, so
``guidebot chat < script.txt`` prints a readable transcript.

An interactive session keeps its conversation through the session layer, in the data
directory's database (ids and categories, never what was typed), so that it survives the
terminal closing, or the process being killed, and an idle one is recognised on return. A
piped session keeps its conversation in memory only: a script must not replace an officer's
conversation, perhaps one with a red flag still waiting. What was typed is kept in memory only
when ``--golden`` asks for it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from bot.engine import (
    Button,
    Conversation,
    Press,
    Reply,
    StateError,
    StepResult,
    Text,
)
from bot.language import write_yaml
from bot.session import SET_ASIDE, Sessions

CHANNEL = "console"
PRACTICE_COMMAND = "practice"
"""The word that asks for practice (language/en/commands.yaml), sent for ``--practice``."""
CONSOLE_KEY = "console"
"""The console's one conversation: the person at this terminal."""
OLD_STATE_FILE = Path("console") / "conversation.json"
"""Where guidebot before the database kept the console's conversation (migrated once)."""
ONE_LINE_BUTTONS = 72
"""Buttons go on one line when they fit in this many characters, else one per line."""


def render_reply(reply: Reply) -> str:
    """A reply as the console shows it: the text, then the buttons as numbered options.

    When the question takes a number, the options are listed without numbers: a typed number
    is the answer there, not a button.
    """
    lines = [f"guidebot: {reply.text}"]
    if reply.buttons and reply.takes_number:
        labels = ", ".join(button.label for button in reply.buttons)
        lines.append(f"  Type a number, or one of: {labels}")
    elif reply.buttons:
        options = [f"[{number}] {button.label}" for number, button in enumerate(reply.buttons, 1)]
        row = "  " + "   ".join(options)
        lines.extend([row] if len(row) <= ONE_LINE_BUTTONS else [f"  {o}" for o in options])
    return "\n".join(lines)


@dataclass
class ConsoleChat:
    """One console session: sends each line through the session layer and shows the replies.

    Args:
        sessions: the session layer (with the database, or in memory for piped input).
        output: where replies go.
        clock: the time source; the engine itself never reads a clock.
        echo: print each message before its replies (for piped, scripted input).
        audit: where to write audit events as JSON lines (None: not written here).
        record: keep each message in ``turns`` for :meth:`golden` (it holds what was typed,
            so it is off unless asked for).
    """

    sessions: Sessions
    output: TextIO
    clock: Callable[[], float] = time.time
    echo: bool = False
    audit: TextIO | None = None
    record: bool = False
    key: str = CONSOLE_KEY
    state: Conversation | None = None
    buttons: tuple[Button, ...] = ()
    numbers_answer: bool = False
    turns: list[dict[str, Any]] = field(default_factory=list)

    def open(self, *, fresh: bool) -> None:
        """Start at the menu, or pick up the saved conversation (saying so if it expired)."""
        self._carry_out(self.sessions.open(self.key, self.clock(), fresh=fresh))

    def practise(self) -> None:
        """Ask for practice, as typing 'practice' would (``guidebot chat --practice``).

        Through the engine's own command, so the console and Telegram's ``/practice`` behave
        alike: a real job part-way through is not turned into practice, and the officer is
        told to finish or cancel it first.
        """
        self._carry_out(self.sessions.handle(self.key, Text(PRACTICE_COMMAND, self.clock())))

    def send(self, line: str) -> None:
        """Handle one line from the officer: a button number presses it, anything else is text.

        A press is echoed as "Noted: <label>" like a typed answer, so the officer sees what the
        number chose and can undo it with 'back', unless the engine says what the press did
        (a ticked option pressed again is "Unticked").
        """
        assert self.state is not None, "open() the chat first"
        typed = line.strip()
        if self.echo:
            self.output.write(f"> {typed}\n")
        event: Text | Press
        pressed = self._pressed(typed)
        if pressed is not None:
            event = Press(pressed.value, self.clock())
            turn: dict[str, Any] = {"press": event.value}
        else:
            event = Text(typed, self.clock())
            turn = {"text": typed}
        if self.record:
            self.turns.append(turn)
        result = self.sessions.handle(self.key, event)
        if pressed is not None and not (result.replies and result.replies[0].role == "echo"):
            # The engine says what some presses did ("Unticked: Police taking part."): then
            # "Noted" would say the opposite first.
            self.output.write(f"guidebot: Noted: {pressed.label}.\n")
        self._carry_out(result)

    def _pressed(self, typed: str) -> Button | None:
        """The button a typed number presses, if it is one (never where a number is an answer)."""
        if self.numbers_answer or not typed.isdigit():
            return None
        number = int(typed)
        return self.buttons[number - 1] if 1 <= number <= len(self.buttons) else None

    def _carry_out(self, result: StepResult) -> None:
        # A number only ever presses a button shown after the latest message: an old menu's
        # "1" must not answer a free-text question.
        self.state = result.state
        self.buttons = ()
        self.numbers_answer = False
        for reply in result.replies:
            self.output.write(render_reply(reply) + "\n")
            if reply.buttons:
                self.buttons = reply.buttons
                self.numbers_answer = reply.takes_number
        if self.audit is not None:
            for event in result.audit:
                self.audit.write(json.dumps(event.to_json(), sort_keys=True) + "\n")
        self.output.write("\n")
        self.output.flush()
        if self.turns:
            self.turns[-1]["at"] = _where(result.state)

    def golden(self) -> str:
        """The session as a golden transcript skeleton, to paste into tests/conversations/."""
        data = {
            "description": "Recorded with guidebot chat --golden; add 'says' phrases.",
            "turns": self.turns,
        }
        return write_yaml(data)


def migrate_old_state(sessions: Sessions, data_dir: Path, output: TextIO) -> None:
    """Move a conversation saved by guidebot before the database into it, once.

    The JSON file is removed afterwards either way: a damaged one is set aside with the reason
    (as a damaged state in the database would be), so it is never read twice.
    """
    old = data_dir / OLD_STATE_FILE
    if not old.is_file():
        return
    try:
        state = Conversation.from_json(json.loads(old.read_text(encoding="utf-8")))
    except (StateError, json.JSONDecodeError) as exc:
        reason = str(exc) if isinstance(exc, StateError) else "It is not valid JSON."
        output.write(f"guidebot: {SET_ASIDE} {reason}\n")
    else:
        if sessions.store.load(CONSOLE_KEY) is None:
            sessions.store.save(
                CONSOLE_KEY, state.to_json(), expected_version=0, now=state.expires_at
            )
    old.unlink()
    if not any(old.parent.iterdir()):
        old.parent.rmdir()


def _where(state: Conversation) -> str:
    if state.phase == "step":
        return f"{state.flow}/{state.step}"
    if state.phase == "red_flag":
        return f"{state.flow}/red-flag"
    return state.phase


def run_console(
    sessions: Sessions,
    *,
    input_stream: TextIO,
    output: TextIO,
    interactive: bool,
    fresh: bool = False,
    audit: TextIO | None = None,
    clock: Callable[[], float] = time.time,
    record: bool = False,
    practice: bool = False,
) -> ConsoleChat:
    """Run a chat until the input ends; returns the session (for ``--golden``).

    Interactive sessions resume the saved conversation (the session layer keeps it). Piped
    input always starts at the menu and should come with in-memory sessions, so that a script
    gives the same transcript every time and never replaces an officer's conversation.
    ``record`` keeps the messages for a golden skeleton. ``practice`` asks for practice once
    the chat is open: every audit event of the flow practised is marked practice.
    """
    chat = ConsoleChat(
        sessions=sessions,
        output=output,
        clock=clock,
        echo=not interactive,
        audit=audit,
        record=record,
    )
    chat.open(fresh=fresh or not interactive)
    if practice:
        chat.practise()
    while True:
        if interactive:
            output.write("> ")
            output.flush()
        line = input_stream.readline()
        if not line:
            break
        if not line.strip():
            continue
        chat.send(line)
    return chat
