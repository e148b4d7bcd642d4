"""Practice and feedback on the console, through the session layer into the database."""

from __future__ import annotations

import io
from pathlib import Path

from click.testing import CliRunner

from bot.app import Settings, build_app
from bot.audit.runs import runs
from bot.channels.console import run_console
from bot.cli._chat import chat
from tests.test_leaks import assert_nothing_leaked, personal_details

T0 = 1_800_000_000.0


def test_a_practice_flow_with_feedback_is_logged_marked_and_scrubbed(tmp_path: Path) -> None:
    details = personal_details(7)
    comment = f"the card left out what to do about {details['name']} at {details['postcode']}"
    lines = ["record check", "feedback", "2", comment, "cancel", "first contact", "feedback", "1"]
    lines.append("skip")
    output = io.StringIO()
    with build_app(Settings(data_dir=tmp_path)) as app:
        run_console(
            app.sessions("console"),
            input_stream=io.StringIO("\n".join(lines) + "\n"),
            output=output,
            interactive=True,
            clock=lambda: T0,
            practice=True,
        )
        assert app.store is not None
        events = app.store.audit_events()
    shown = output.getvalue()
    assert "guidebot: Practice: nothing you do now is recorded as a real job." in shown
    assert "guidebot: That was practice: nothing was recorded as a real job." in shown
    assert "[1] Helpful   [2] Not helpful   [3] Wrong" in shown
    feedback = [e for e in events if e["kind"] == "feedback"]
    assert [(e["rating"], e["flow"], bool(e.get("practice"))) for e in feedback] == [
        ("not_helpful", "record-check", True),
        ("helpful", "initial-contact", False),
    ]
    assert feedback[0]["comment"].startswith("the card left out what to do about […]")
    assert feedback[0]["entries"] and "comment" not in feedback[1]
    practice_run, real_run = runs(events)[1:]
    assert practice_run.practice and practice_run.ended == "cancelled"
    assert not real_run.practice
    assert_nothing_leaked(tmp_path, list(details.values()))


def test_guidebot_chat_has_a_practice_switch() -> None:
    result = CliRunner().invoke(chat, ["--practice"], input="menu\n")
    assert result.exit_code == 0, result.output
    assert "Pick a flow to practise:" in result.output
    assert "--practice" in CliRunner().invoke(chat, ["--help"]).output
