"""Proof that nothing leaks: officers type realistic fake personal data (Faker's en_GB locale)
into whole conversations, on the console and on Telegram, and not one of those strings, nor any
Telegram id, is found in any byte under the data folder afterwards: the database and its WAL,
the keys, logs, audit exports, proofs, checkpoints and the trainers' reports in every format."""

from __future__ import annotations

import io
import random
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from faker import Faker

from bot.app import DATABASE, Settings, build_app
from bot.channels.console import run_console
from bot.cli._audit import audit
from bot.store import Store
from tests.conftest import WarmCache
from tests.fake_bot_api import FakeBotApi
from tests.telegram_harness import BotProcess, Officer, files_under, settle


def _nhs_number(rng: random.Random) -> str:
    """A valid NHS number (modulus 11 check digit), as officers would type it: 3-3-4."""
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        check = 11 - sum(d * (10 - i) for i, d in enumerate(digits)) % 11
        if check == 10:
            continue
        check = 0 if check == 11 else check
        text = "".join(map(str, [*digits, check]))
        return f"{text[:3]} {text[3:6]} {text[6:]}"


def personal_details(seed: int) -> dict[str, str]:
    """One child's and family's details, as an officer would type them."""
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    return {
        "name": fake.name(),
        "address": fake.street_address(),
        "postcode": fake.postcode(),
        "phone": fake.phone_number(),
        "date of birth": fake.date_of_birth(minimum_age=1, maximum_age=17).strftime("%d/%m/%Y"),
        "email": fake.email(),
        "nhs number": _nhs_number(random.Random(seed)),
        "ni number": fake.ssn(),
        "registration": fake.license_plate(),
        "username": f"@{fake.user_name()}",
    }


def _messages(details: dict[str, str]) -> list[str]:
    """A first-contact conversation with the details worked in, the way officers write."""
    return [
        "first contact",
        f"not sure, the child is {details['name']} dob {details['date of birth']}",
        "ok",
        f"nan is with her at {details['address']} {details['postcode']}, paramedics checked her",
        f"mum on {details['phone']} email {details['email']}",
        f"nhs no {details['nhs number']} ni {details['ni number']} car {details['registration']}",
        f"ask what do I do about {details['name']} and {details['username']}",
        # Kept scrubbed: a question nothing answers, and a feedback comment.
        f"ask can the canoe club take {details['name']} born {details['date of birth']} from "
        f"{details['postcode']}, nhs {details['nhs number']}?",
        "feedback",
        "not helpful",
        f"should cover {details['name']} at {details['address']} on {details['phone']}, "
        f"{details['email']} {details['ni number']} {details['registration']}",
        "summary",
        "cancel",
    ]


def assert_scrubbed_text_was_kept(events: list[dict[str, Any]], conversations: int = 1) -> None:
    """The scrubbed question and comment reached the log: the scan that follows scanned them."""
    kept = [str(e["question"]) for e in events if e["kind"] == "search" and e.get("question")]
    canoe = [question for question in kept if question.startswith("can the canoe club take […]")]
    assert len(canoe) == conversations, kept
    feedback = [e for e in events if e["kind"] == "feedback"]
    assert [e["rating"] for e in feedback] == ["not_helpful"] * conversations
    assert all(str(e["comment"]).startswith("should cover […]") for e in feedback), feedback


def assert_nothing_leaked(folder: Path, secrets: list[str]) -> None:
    """No secret, in any letter case, in any file under ``folder``."""
    written = files_under(folder).lower()
    assert written, "nothing was written: the test proves nothing"
    for secret in secrets:
        assert secret.lower().encode() not in written, f"{secret!r} leaked"


def _audit_files(folder: Path) -> None:
    """Checkpoint, export and proof files, written into the data folder so they are scanned."""
    runner = CliRunner()
    where = ["--data-dir", str(folder)]
    shown = []
    for args in (
        ["checkpoint", *where],
        ["export", *where, "--output", str(folder / "export.csv")],
        ["export", *where, "--format", "jsonl", "--output", str(folder / "export.jsonl")],
        ["prove", "3", *where, "--output", str(folder / "proof.json")],
        ["list", *where],
    ):
        result = runner.invoke(audit, args)
        assert result.exit_code == 0, result.output
        shown.append(result.output)
    (folder / "cli-output.txt").write_text("".join(shown))


def _report_files(folder: Path, period: str) -> None:
    """The trainers' report of the period, in every format, written into the data folder.

    Made as ``guidebot report`` makes it (counted in SQL from the database), with the clock
    moved past the period's end so that the month the conversations fell in can be reported.
    """
    from bot.app import DATABASE, load_engine
    from bot.reports import (
        build_catalogue,
        build_report,
        default_outcomes,
        parse_period,
        render_csv,
        render_html,
        render_json,
        render_self_assessment_csv,
        render_text,
        tally_store,
        telegram_report,
    )

    chosen = parse_period(period)
    knowledge, flows, _ = load_engine(Settings(data_dir=folder))
    counted = tally_store(folder / DATABASE, chosen, default_outcomes())
    assert counted, "the report counted nothing: the test proves nothing"
    report = build_report(
        (), chosen, build_catalogue(flows, knowledge), now=4_000_000_000.0, counted=counted
    )
    for name, render in (
        ("report.txt", render_text),
        ("report.csv", render_csv),
        ("report.json", render_json),
        ("report.html", render_html),
        ("self-assessment.csv", render_self_assessment_csv),
    ):
        (folder / name).write_text(render(report), encoding="utf-8")
    headline = telegram_report(report)
    (folder / "report-telegram.txt").write_text("\n".join(headline.lines), encoding="utf-8")
    for number, (_, picture) in enumerate(headline.pictures):
        (folder / f"report-chart-{number}.png").write_bytes(picture)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_nothing_typed_on_the_console_reaches_the_disk(
    tmp_path: Path, seed: int, warm_cache: WarmCache
) -> None:
    details = personal_details(seed)
    warm_cache.seed(tmp_path)
    with build_app(Settings(data_dir=tmp_path)) as app:
        output = io.StringIO()
        run_console(
            app.sessions("console"),
            input_stream=io.StringIO("\n".join(_messages(details)) + "\n"),
            output=output,
            interactive=True,
            clock=lambda: 1_800_000_000.0,
        )
        assert app.store is not None
        assert_scrubbed_text_was_kept(app.store.audit_events())
    assert "Noted" in output.getvalue()
    _audit_files(tmp_path)
    _report_files(tmp_path, "2027-01")
    assert_nothing_leaked(tmp_path, list(details.values()))


def test_nothing_typed_on_telegram_reaches_the_disk(
    own_fake: FakeBotApi, tmp_path: Path, warm_cache: WarmCache
) -> None:
    ids = [7_012_345_901, 7_012_345_902]
    warm_cache.seed(tmp_path)
    secrets = [str(i) for i in ids] + [f"{i:x}" for i in ids]
    with BotProcess(own_fake, tmp_path, "--verbose") as process:
        process.wait_ready()
        for number, user in enumerate(ids):
            details = personal_details(10 + number)
            secrets += list(details.values())
            officer = Officer(own_fake, user)
            officer.enrol(tmp_path)
            officer.send("/start")
            for message in _messages(details):
                officer.send(message)
        settle(own_fake)
        code, out, err = process.stop()
    assert code == 0
    with Store.open(tmp_path / DATABASE) as store:
        assert_scrubbed_text_was_kept(store.audit_events(), conversations=len(ids))
    (tmp_path / "bot.log").write_text(out + err)
    _audit_files(tmp_path)
    _report_files(tmp_path, time.strftime("%Y-%m", time.gmtime()))
    assert_nothing_leaked(tmp_path, secrets)


def test_the_scan_would_find_a_leak(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.log").write_bytes(b"...RUTH BAKER...")
    with pytest.raises(AssertionError, match="leaked"):
        assert_nothing_leaked(tmp_path, ["Ruth Baker"])
