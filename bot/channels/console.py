"""The console chat: the engine in a terminal, with no token and no network.

Buttons are shown as numbered options; typing a number presses one (and says which), anything
else is sent as typed text. A question answered with a number (an age, a time) shows its
buttons unnumbered, so "3" there is three, never the third button. With standard input not a
terminal, each line is one message and the officer's line is echoed before the replies, so
``guidebot chat < script.txt`` prints a readable transcript.

Only an interactive session keeps its conversation state on disk (ids and categories, never
what was typed), so that it survives the terminal closing and an idle one is recognised on
return. A piped session neither reads nor writes it: a script must not replace an officer's
conversation, perhaps one with a red flag still waiting. What was typed is kept in memory only
when ``--golden`` asks for it.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from bot.engine import (
    Button,
    Conversation,
    Engine,
    Press,
    Reply,
    StateError,
    StepResult,
    Text,
)
from bot.language import write_yaml

CHANNEL = "console"
STATE_FILE = Path("console") / "conversation.json"
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
    """One console session: carries the engine's effects out and keeps the state on disk.

    Args:
        engine: the engine with the flows and knowledge loaded.
        output: where replies go.
        state_path: where the conversation state is saved between messages (None: nowhere).
        clock: the time source; the engine itself never reads a clock.
        echo: print each message before its replies (for piped, scripted input).
        audit: where to write audit events as JSON lines (None: not written).
        record: keep each message in ``turns`` for :meth:`golden` (it holds what was typed,
            so it is off unless asked for).
    """

    engine: Engine
    output: TextIO
    state_path: Path | None = None
    clock: Callable[[], float] = time.time
    echo: bool = False
    audit: TextIO | None = None
    record: bool = False
    state: Conversation | None = None
    buttons: tuple[Button, ...] = ()
    numbers_answer: bool = False
    turns: list[dict[str, Any]] = field(default_factory=list)

    def open(self, *, fresh: bool) -> None:
        """Start at the menu, or pick up a saved conversation (saying so if it expired)."""
        now = self.clock()
        saved = None if fresh else self._load()
        result = self.engine.start(now) if saved is None else self.engine.resume(saved, now)
        self.state = result.state
        self._carry_out(result)

    def send(self, line: str) -> None:
        """Handle one line from the officer: a button number presses it, anything else is text.

        A press is echoed as "Noted: <label>" like a typed answer, so the officer sees what the
        number chose and can undo it with 'back'.
        """
        assert self.state is not None, "open() the chat first"
        typed = line.strip()
        if self.echo:
            self.output.write(f"> {typed}\n")
        event: Text | Press
        pressed = self._pressed(typed)
        if pressed is not None:
            event = Press(pressed.value, self.clock())
            self.output.write(f"guidebot: Noted: {pressed.label}.\n")
            turn: dict[str, Any] = {"press": event.value}
        else:
            event = Text(typed, self.clock())
            turn = {"text": typed}
        if self.record:
            self.turns.append(turn)
        result = self.engine.step(self.state, event)
        self.state = result.state
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
        self.buttons = ()
        self.numbers_answer = False
        for reply in result.replies:
            self.output.write(render_reply(reply) + "\n")
            if reply.buttons:
                self.buttons = reply.buttons
                self.numbers_answer = reply.takes_number
        if self.audit is not None:
            for event in result.audit:
                logged = replace(event, channel=CHANNEL)
                self.audit.write(json.dumps(logged.to_json(), sort_keys=True) + "\n")
        self.output.write("\n")
        self.output.flush()
        if self.turns and self.state is not None:
            self.turns[-1]["at"] = _where(self.state)
        self._save()

    def _load(self) -> Conversation | None:
        if self.state_path is None or not self.state_path.exists():
            return None
        try:
            return Conversation.from_json(json.loads(self.state_path.read_text(encoding="utf-8")))
        except (StateError, json.JSONDecodeError) as exc:
            reason = str(exc) if isinstance(exc, StateError) else "It is not valid JSON."
            self.output.write(f"guidebot: The saved conversation was set aside. {reason}\n")
            return None

    def _save(self) -> None:
        if self.state_path is None or self.state is None:
            return
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.state_path.with_suffix(".tmp")
        partial.write_text(json.dumps(self.state.to_json(), sort_keys=True), encoding="utf-8")
        os.replace(partial, self.state_path)

    def golden(self) -> str:
        """The session as a golden transcript skeleton, to paste into tests/conversations/."""
        data = {
            "description": "Recorded with guidebot chat --golden; add 'says' phrases.",
            "turns": self.turns,
        }
        return write_yaml(data)


def _where(state: Conversation) -> str:
    if state.phase == "step":
        return f"{state.flow}/{state.step}"
    if state.phase == "red_flag":
        return f"{state.flow}/red-flag"
    return state.phase


def run_console(
    engine: Engine,
    *,
    input_stream: TextIO,
    output: TextIO,
    data_dir: Path | None,
    interactive: bool,
    fresh: bool = False,
    audit: TextIO | None = None,
    clock: Callable[[], float] = time.time,
    record: bool = False,
) -> ConsoleChat:
    """Run a chat until the input ends; returns the session (for ``--golden``).

    Interactive sessions resume a saved conversation and keep it on disk. Piped input always
    starts at the menu and leaves the saved conversation alone, so that a script gives the same
    transcript every time and never replaces an officer's conversation. ``record`` keeps the
    messages for a golden skeleton.
    """
    chat = ConsoleChat(
        engine=engine,
        output=output,
        state_path=data_dir / STATE_FILE if interactive and data_dir is not None else None,
        clock=clock,
        echo=not interactive,
        audit=audit,
        record=record,
    )
    chat.open(fresh=fresh or not interactive)
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
