"""Telegram ``/report``: trainers get the last complete month's headline charts and gaps.

Through the real ``guidebot run`` process and the fake Bot API. The log is filled first with
conversations played through the engine, dated in the last complete month.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from bot.app import DATABASE, Settings, build_app
from bot.reports import last_complete_month
from bot.store import Store, store_events
from tests.conftest import WarmCache
from tests.fake_bot_api import FakeBotApi
from tests.telegram_harness import BotProcess, Officer
from tests.test_reports import synthetic


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, warm_cache: WarmCache) -> Path:
    """A data folder whose log holds a busy month: 160 conversations, each five times over."""
    folder = warm_cache.seed(tmp_path_factory.mktemp("guidebot-data"))
    month = last_complete_month(time.time())
    app: Any = build_app(Settings(data_dir=folder), store=False)
    played = synthetic(
        app.sessions("telegram"), 160, seed=7, start=month.start.timestamp() + 3600, gap=12000
    )
    copies = [
        {**event, "key": f"{event['key']}/{copy}", "recorded_at": event["at"] + copy * 600}
        for copy in range(5)
        for event in played
    ]
    with Store.open(folder / DATABASE) as store:
        store_events(store, copies)
    return folder


def test_a_trainer_gets_the_headline_charts_and_the_five_biggest_gaps(
    fake: FakeBotApi, bot: BotProcess, data_dir: Path
) -> None:
    trainer = Officer(fake, 7_099_000_071)
    trainer.enrol(data_dir, "trainer")
    month = last_complete_month(time.time())
    trainer.send("/report")
    fake.wait_for(
        lambda: any("Biggest training gaps" in m.text and m.kind == "text" for m in trainer.chat),
        timeout=120,
    )
    photos = [m for m in trainer.chat if m.kind == "photo"]
    assert [m.text for m in photos] == [
        f"Outcomes evidenced, {month.title}",
        f"Biggest training gaps, {month.title}",
    ]
    for photo in photos:
        assert photo.upload is not None and photo.upload.data.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(photo.upload.data) > 10_000
    (gaps,) = [m for m in trainer.chat if m.kind == "text" and "Biggest training gaps" in m.text]
    lines = gaps.text.splitlines()
    assert lines[0] == f"Biggest training gaps, {month.title}:"
    numbered = [line for line in lines if line[:2] in {f"{n}." for n in range(1, 6)}]
    assert 1 <= len(numbered) <= 5
    assert all("%" in line and " of " in line for line in numbered)
    assert lines[-1] == f"The full report: guidebot report --period {month.name}"
    # After the gaps: the guidance most often called wrong or not helpful, published only.
    at = lines.index("Guidance most often called wrong or not helpful:")
    assert at > max(lines.index(line) for line in numbered)
    wanting = lines[at + 1 : -1]
    assert 1 <= len(wanting) <= 3
    for line in wanting:
        assert line.startswith("- ") and " wrong, " in line and " not helpful" in line
        assert "<10" not in line and "[c]" not in line


def test_report_is_for_trainers_only(fake: FakeBotApi, bot: BotProcess, data_dir: Path) -> None:
    officer = Officer(fake, 7_099_000_072)
    officer.enrol(data_dir)
    (reply,) = officer.send("/report")
    assert reply.text.startswith("/report is for trainers and admins")
    assert not [m for m in officer.chat if m.kind == "photo"]


def test_the_headline_of_a_purged_month_says_its_figures_leave_the_purged_events_out() -> None:
    from bot.reports import Report, Table, telegram_report

    november = last_complete_month(time.mktime((2026, 12, 3, 12, 0, 0, 0, 0, 0)))
    emptied = Report(november, 10, (), Table("self_assessment", "", (), ()), purged=4478)
    assert telegram_report(emptied).lines == (
        "No conversations in November 2026.",
        "Retention: 4,478 events of November 2026 were purged; these figures count only the "
        "events still held.",
    )
