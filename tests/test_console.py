"""The console chat: numbered buttons, scripted input, saved state, and the ``chat`` command."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.app import DATABASE
from bot.channels.console import (
    CONSOLE_KEY,
    ConsoleChat,
    render_reply,
    run_console,
)
from bot.cli import _chat as chat_command
from bot.cli import cli
from bot.engine import STATE_SCHEMA_VERSION, Button, Engine, Reply
from bot.store import Store
from tests.conftest import WarmCache
from tests.conftest import console_sessions as _sessions

ROOT = Path(__file__).resolve().parents[1]


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
    chat = ConsoleChat(sessions=_sessions(engine, None), output=out, clock=Clock())
    chat.open(fresh=True)
    chat.send("1")
    assert chat.state is not None and chat.state.step == "danger"
    chat.send("2")
    assert chat.state.step == "needs"
    assert chat.buttons == ()
    chat.send("1")
    assert chat.state.pending == ()
    assert "I couldn't match that to the usual points." in out.getvalue()


def test_a_number_press_says_which_button_it_pressed(engine: Engine) -> None:
    out = io.StringIO()
    chat = ConsoleChat(sessions=_sessions(engine, None), output=out, clock=Clock())
    chat.open(fresh=True)
    chat.send("3")
    assert "guidebot: Noted: Missing child.\nguidebot: Missing child." in out.getvalue()
    chat.send("1")
    assert "guidebot: Noted: Still missing.\n" in out.getvalue()
    assert chat.state is not None and chat.state.step == "how-long"


def test_a_ticked_option_pressed_again_is_not_noted_before_it_is_unticked(
    engine: Engine,
) -> None:
    out = io.StringIO()
    chat = ConsoleChat(sessions=_sessions(engine, None), output=out, clock=Clock())
    chat.open(fresh=True)
    for line in ("referral", "yes", "ok", "1"):
        chat.send(line)
    ticked = out.tell()
    assert "guidebot: Noted: Police taking part.\n" in out.getvalue()
    chat.send("1")
    assert out.getvalue()[ticked:].startswith("guidebot: Unticked: Police taking part.\n")
    assert chat.state is not None and chat.state.pending == ()


def test_a_bare_number_answers_a_duration_question_instead_of_pressing(engine: Engine) -> None:
    out = io.StringIO()
    chat = ConsoleChat(sessions=_sessions(engine, None), output=out, clock=Clock())
    chat.open(fresh=True)
    chat.send("missing child")
    chat.send("still missing")
    shown = out.getvalue()
    assert (
        "guidebot: How long has the child been missing? e.g. '3 hours', 'since yesterday'.\n"
        "  Type a number, or one of: Under a day, 1 to 3 days, Over 3 days, Not sure\n"
    ) in shown
    assert "[3] Over 3 days" not in shown
    chat.send("3")
    assert chat.state is not None
    answer = chat.state.answer_to("how-long")
    assert answer is not None and answer.outcome == "under-a-day"
    # The echo shows how the number was read, so a misreading can be undone with 'back'.
    assert "3 hours: Under a day.\n" in out.getvalue()
    assert "Noted: Over 3 days" not in out.getvalue()


def test_a_bare_number_answers_an_age_question(engine: Engine) -> None:
    chat = ConsoleChat(sessions=_sessions(engine, None), output=io.StringIO(), clock=Clock())
    chat.open(fresh=True)
    chat.send("child in custody")
    chat.send("arrested")
    assert chat.numbers_answer, "the age question takes a number"
    chat.send("2")
    assert chat.state is not None
    answer = chat.state.answer_to("age")
    assert answer is not None and answer.outcome == "under-10"


def test_messages_are_kept_in_memory_only_for_a_golden(engine: Engine) -> None:
    plain = ConsoleChat(sessions=_sessions(engine, None), output=io.StringIO(), clock=Clock())
    plain.open(fresh=True)
    plain.send("first contact")
    plain.send("no")
    assert plain.turns == []
    recorded = ConsoleChat(
        sessions=_sessions(engine, None), output=io.StringIO(), clock=Clock(), record=True
    )
    recorded.open(fresh=True)
    recorded.send("first contact")
    assert recorded.turns == [{"text": "first contact", "at": "initial-contact/danger"}]


def _saved(data_dir: Path) -> dict[str, object]:
    """The console's conversation as the database holds it."""
    with Store.open(data_dir / DATABASE) as store:
        saved = store.load(CONSOLE_KEY)
    assert saved is not None
    return saved.state


def _save(data_dir: Path, state: dict[str, object]) -> None:
    with Store.open(data_dir / DATABASE) as store:
        store.save(CONSOLE_KEY, state, expected_version=0, now=0.0)


def _save_mid_flow_red_flag(data_dir: Path) -> str:
    text = json.dumps(
        {
            "schema_version": 1,
            "phase": "red_flag",
            "flow": "initial-contact",
            "step": "danger",
            "answers": [{"step": "danger", "outcome": "yes"}],
            "red_flags": [{"flag": "child-in-danger", "step": "danger", "acknowledged": False}],
            "resume": "needs",
            "expires_at": 9e99,
        }
    )
    _save(data_dir, json.loads(text))
    return text


def test_piped_input_never_reads_or_replaces_the_saved_conversation(
    engine: Engine, tmp_path: Path
) -> None:
    before = _save_mid_flow_red_flag(tmp_path)
    out = io.StringIO()
    run_console(
        _sessions(engine, None),
        input_stream=io.StringIO("x\nrecord check\nno\n"),
        output=out,
        interactive=False,
        clock=Clock(),
    )
    assert _saved(tmp_path) == json.loads(before)
    assert "RED FLAG" not in out.getvalue()
    again = io.StringIO()
    run_console(
        _sessions(engine, tmp_path),
        input_stream=io.StringIO(""),
        output=again,
        interactive=True,
        clock=Clock(),
    )
    assert again.getvalue().startswith(
        "guidebot: Picking up where you left off: Child at risk: first contact.\n"
        "guidebot: RED FLAG: Child in danger now."
    )


def test_piped_input_echoes_each_line_and_always_starts_at_the_menu(
    engine: Engine, tmp_path: Path
) -> None:
    _save_mid_flow_red_flag(tmp_path)
    out = io.StringIO()
    run_console(
        _sessions(engine, None),
        input_stream=io.StringIO("first contact\n\nyes\n"),
        output=out,
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
        _sessions(engine, tmp_path),
        input_stream=io.StringIO("missing child\nstill missing\n"),
        output=first,
        interactive=True,
        clock=clock,
    )
    saved = json.dumps(_saved(tmp_path))
    assert json.loads(saved)["step"] == "how-long"
    assert "still missing" not in saved.replace("still-missing", "")
    clock.now += 60
    again = io.StringIO()
    run_console(
        _sessions(engine, tmp_path),
        input_stream=io.StringIO(""),
        output=again,
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
        _sessions(engine, tmp_path),
        input_stream=io.StringIO("2\n"),
        output=later,
        interactive=True,
        clock=clock,
    )
    assert later.getvalue().startswith("guidebot: This conversation was idle for over 30 minutes")
    assert "Summary: Missing child (so far)" in later.getvalue()


def test_a_conversation_saved_after_it_expired_offers_the_choice_again(
    engine: Engine, tmp_path: Path
) -> None:
    clock = Clock()
    run_console(
        _sessions(engine, tmp_path),
        input_stream=io.StringIO("first contact\nno\n"),
        output=io.StringIO(),
        interactive=True,
        clock=clock,
    )
    clock.now += 3600
    run_console(
        _sessions(engine, tmp_path),
        input_stream=io.StringIO("cut on his arm\n"),
        output=io.StringIO(),
        interactive=True,
        clock=clock,
    )
    assert _saved(tmp_path)["phase"] == "expired"
    clock.now += 60
    again = io.StringIO()
    run_console(
        _sessions(engine, tmp_path),
        input_stream=io.StringIO("summary\n"),
        output=again,
        interactive=True,
        clock=clock,
    )
    shown = again.getvalue()
    assert shown.startswith(
        "guidebot: This conversation was idle for over 30 minutes, so it has closed. Start "
        "again, or see the summary of what you covered?\n  [1] Start again   [2] Summary\n"
    )
    assert "Picking up" not in shown
    assert "Summary: Child at risk: first contact (so far)" in shown


def test_a_damaged_saved_state_is_set_aside(engine: Engine, tmp_path: Path) -> None:
    _save(tmp_path, {"schema_version": 99})
    out = io.StringIO()
    run_console(
        _sessions(engine, tmp_path),
        input_stream=io.StringIO(""),
        output=out,
        interactive=True,
        clock=Clock(),
    )
    assert out.getvalue().startswith(
        "guidebot: The saved conversation was set aside. The saved conversation comes from a "
        f"newer guidebot (version 99; this one reads up to {STATE_SCHEMA_VERSION})."
    )
    assert "What do you need help with?" in out.getvalue()


def test_guidebot_chat_runs_a_script(tmp_path: Path, warm_cache: WarmCache) -> None:
    script = "record check\nno\nyes\n"
    warm_cache.seed(tmp_path)
    result = CliRunner().invoke(cli, ["chat", "--data-dir", str(tmp_path)], input=script)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("guidebot: What do you need help with?\n")
    assert "> record check\nguidebot: A quick check before you submit the record." in result.stdout
    assert not (tmp_path / DATABASE).exists(), "a piped session keeps nothing on disk"


def test_guidebot_chat_can_print_audit_events_and_a_golden(
    tmp_path: Path, warm_cache: WarmCache
) -> None:
    warm_cache.seed(tmp_path)
    result = CliRunner().invoke(
        cli, ["chat", "--data-dir", str(tmp_path), "--audit", "--golden"], input="5\nyes\n"
    )
    assert result.exit_code == 0
    events = [json.loads(line) for line in result.stderr.splitlines()]
    flag = next(event for event in events if event["kind"] == "red_flag")
    assert (
        flag.items()
        >= {
            "flow": "record-check",
            "step": "urgent",
            "red_flag": "urgent-unactioned",
            "channel": "console",
            "run": 1,
        }.items()
    )
    assert [event["seq"] for event in events] == list(range(1, len(events) + 1))
    assert all(isinstance(event["at"], float) and len(event["version"]) == 12 for event in events)
    assert result.stdout.endswith(
        "turns:\n- press: record-check\n  at: record-check/urgent\n- text: 'yes'\n"
        "  at: record-check/red-flag\n"
    )


def test_guidebot_chat_refuses_a_golden_in_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chat_command, "stdin_is_terminal", lambda: True)
    result = CliRunner().invoke(cli, ["chat", "--data-dir", str(tmp_path), "--golden"], input="")
    assert result.exit_code == 2
    assert result.output.endswith(
        "Error: --golden prints everything typed in the session, so it only works with piped "
        "input: guidebot chat --golden < script.txt\n"
    )
    assert not (tmp_path / DATABASE).exists()


def test_the_golden_option_warns_that_it_holds_what_was_typed() -> None:
    result = CliRunner().invoke(cli, ["chat", "--help"])
    assert result.exit_code == 0
    assert "It contains everything that was typed" in " ".join(result.output.split())


def test_guidebot_chat_refuses_broken_flows(tmp_path: Path) -> None:
    broken = ROOT / "tests" / "data" / "broken_flows"
    result = CliRunner().invoke(cli, ["chat", "--flows", str(broken)], input="")
    assert result.exit_code == 1
    # Every broken fixture holds one problem; the count grows as rules are added.
    assert re.match(r"Error: The conversation flows have \d+ problem\(s\):\n", result.output)
    assert result.output.endswith("Run 'guidebot flows check' to see every problem.\n")
