"""The console chat: numbered buttons, scripted input, saved state, and the ``chat`` command."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.channels import load_flows
from bot.channels.console import STATE_FILE, ConsoleChat, render_reply, run_console
from bot.cli import cli
from bot.engine import Button, Engine, Reply
from bot.knowledge import load_knowledge

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def engine() -> Engine:
    knowledge = load_knowledge()
    return Engine(load_flows(knowledge), knowledge)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def test_buttons_are_numbered_on_one_line_when_they_fit() -> None:
    reply = Reply("Is the child safe?", (Button("Yes", "yes"), Button("No", "no")))
    assert render_reply(reply) == "guidebot: Is the child safe?\n  [1] Yes   [2] No"


def test_many_buttons_go_one_per_line() -> None:
    labels = ["First contact", "Referral", "Missing child", "Child in custody", "Record check"]
    reply = Reply("Pick one", tuple(Button(label, label) for label in labels))
    assert render_reply(reply).splitlines()[1:] == [
        f"  [{n}] {label}" for n, label in enumerate(labels, 1)
    ]


def test_a_number_presses_the_latest_buttons_only(engine: Engine) -> None:
    out = io.StringIO()
    chat = ConsoleChat(engine=engine, output=out, clock=Clock())
    chat.open(fresh=True)
    chat.send("1")
    assert chat.state is not None and chat.state.step == "danger"
    chat.send("2")
    assert chat.state.step == "needs"
    assert chat.buttons == ()
    chat.send("1")
    assert chat.state.pending == ()
    assert "I couldn't match that to the usual points." in out.getvalue()


def test_piped_input_echoes_each_line_and_always_starts_at_the_menu(
    engine: Engine, tmp_path: Path
) -> None:
    saved = tmp_path / STATE_FILE
    saved.parent.mkdir(parents=True)
    saved.write_text(
        json.dumps(
            {
                "schema_version": 1,
                "phase": "step",
                "flow": "referral",
                "step": "content",
                "expires_at": 9e99,
            }
        )
    )
    out = io.StringIO()
    run_console(
        engine,
        input_stream=io.StringIO("first contact\n\nyes\n"),
        output=out,
        data_dir=tmp_path,
        interactive=False,
        clock=Clock(),
    )
    text = out.getvalue()
    assert text.startswith("guidebot: What do you need help with?\n  [1] First contact\n")
    assert "\n> first contact\nguidebot: First contact with a child at risk." in text
    assert "\n> yes\nguidebot: Noted: Yes.\nguidebot: RED FLAG: Child in danger now." in text
    assert "Picking up" not in text


def test_a_terminal_session_resumes_and_spots_expiry(engine: Engine, tmp_path: Path) -> None:
    clock = Clock()
    first = io.StringIO()
    run_console(
        engine,
        input_stream=io.StringIO("missing child\nstill missing\n"),
        output=first,
        data_dir=tmp_path,
        interactive=True,
        clock=clock,
    )
    saved = (tmp_path / STATE_FILE).read_text()
    assert json.loads(saved)["step"] == "how-long"
    assert "still missing" not in saved.replace("still-missing", "")
    clock.now += 60
    again = io.StringIO()
    run_console(
        engine,
        input_stream=io.StringIO(""),
        output=again,
        data_dir=tmp_path,
        interactive=True,
        clock=clock,
    )
    assert again.getvalue().startswith(
        "guidebot: Picking up where you left off: Missing child.\n"
        "guidebot: How long has the child been missing?"
    )
    clock.now += 3600
    later = io.StringIO()
    run_console(
        engine,
        input_stream=io.StringIO("2\n"),
        output=later,
        data_dir=tmp_path,
        interactive=True,
        clock=clock,
    )
    assert later.getvalue().startswith("guidebot: This conversation was idle for over 30 minutes")
    assert "Summary: Missing child (so far)" in later.getvalue()


def test_a_damaged_saved_state_is_set_aside(engine: Engine, tmp_path: Path) -> None:
    saved = tmp_path / STATE_FILE
    saved.parent.mkdir(parents=True)
    saved.write_text('{"schema_version": 99}')
    out = io.StringIO()
    run_console(
        engine,
        input_stream=io.StringIO(""),
        output=out,
        data_dir=tmp_path,
        interactive=True,
        clock=Clock(),
    )
    assert out.getvalue().startswith(
        "guidebot: The saved conversation was set aside. The saved conversation comes from a "
        "newer guidebot (version 99; this one reads up to 1)."
    )
    assert "What do you need help with?" in out.getvalue()


def test_guidebot_chat_runs_a_script(tmp_path: Path) -> None:
    script = "record check\nno\nyes\n"
    result = CliRunner().invoke(cli, ["chat", "--data-dir", str(tmp_path)], input=script)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("guidebot: What do you need help with?\n")
    assert "> record check\nguidebot: A quick check before you submit the record." in result.stdout
    assert (tmp_path / STATE_FILE).exists()


def test_guidebot_chat_can_print_audit_events_and_a_golden(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["chat", "--data-dir", str(tmp_path), "--audit", "--golden"], input="5\nyes\n"
    )
    assert result.exit_code == 0
    events = [json.loads(line) for line in result.stderr.splitlines()]
    assert {
        "kind": "red_flag",
        "flow": "record-check",
        "step": "urgent",
        "red_flag": "urgent-unactioned",
    } in events
    assert result.stdout.endswith(
        "turns:\n- press: record-check\n  at: record-check/urgent\n- text: 'yes'\n"
        "  at: record-check/red-flag\n"
    )


def test_guidebot_chat_refuses_broken_flows(tmp_path: Path) -> None:
    broken = ROOT / "tests" / "data" / "broken_flows"
    result = CliRunner().invoke(cli, ["chat", "--flows", str(broken)], input="")
    assert result.exit_code == 1
    assert result.output.startswith("Error: The conversation flows have 28 problem(s):\n")
    assert result.output.endswith("Run 'guidebot flows check' to see every problem.\n")
