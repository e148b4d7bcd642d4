"""What monitoring sees: metrics that count and time the bot's work, a readiness probe, JSON logs.

The bot runs as ``guidebot run`` against the fake Bot API, as in the Telegram tests; the
metrics port is scraped as Prometheus would, and no label may carry an id or anything typed.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import socket
import sys
from pathlib import Path
from types import SimpleNamespace

import httpx
from aiohttp.test_utils import make_mocked_request
from prometheus_client.parser import text_string_to_metric_families

from bot import metrics
from bot.channels.telegram._run import TokenFilter, _count_error
from bot.keys import Keys
from bot.logs import JsonLines, setup_logging
from tests.conftest import WarmCache
from tests.fake_bot_api import FakeBotApi
from tests.telegram_harness import BotProcess, Officer, settle

OFFICER = 7_012_355_501
ALLOWED_LABEL_VALUE = re.compile(r"^[A-Za-z][A-Za-z0-9_.+-]{0,40}$")
"""Label values are kinds and reasons (short words) or bucket bounds, never ids."""
BUCKET = re.compile(r"^[0-9.e+-]+$|^\+Inf$")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def scrape(port: int) -> str:
    return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text


def samples(text: str) -> list[tuple[str, dict[str, str], float]]:
    return [
        (sample.name, sample.labels, sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    ]


def value(text: str, name: str, **labels: str) -> float:
    """The sum of ``name``'s samples with these labels (all of them if none given)."""
    return sum(
        found
        for sample, shown, found in samples(text)
        if sample == name and all(shown.get(k) == v for k, v in labels.items())
    )


def test_metrics_count_the_work_and_no_label_carries_an_id(
    own_fake: FakeBotApi, tmp_path: Path, warm_cache: WarmCache
) -> None:
    port = free_port()
    warm_cache.seed(tmp_path)
    with BotProcess(own_fake, tmp_path, "--metrics-port", str(port), "--log-level", "info") as bot:
        bot.wait_ready()
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
        person = Officer(own_fake, OFFICER)
        person.enrol(tmp_path)
        person.send("/start")
        person.press("First contact")
        person.send("Kayleigh Smith lives at 14 Acacia Avenue")
        own_fake.fail_next("sendMessage", "flood", retry_after=1)
        person.send("/summary")
        settle(own_fake, 1.0)
        text = scrape(port)
        code, _out, err = bot.stop()
    assert code == 0, err
    assert value(text, "guidebot_updates_handled_total", kind="command") >= 3
    assert value(text, "guidebot_updates_handled_total", kind="button") >= 1
    assert value(text, "guidebot_updates_handled_total", kind="message") >= 1
    assert value(text, "guidebot_replies_sent_total") >= 4
    assert value(text, "guidebot_telegram_retries_total", reason="flood") >= 1
    assert value(text, "guidebot_step_seconds_count") >= 4
    assert value(text, "guidebot_update_seconds_count") >= 4
    assert value(text, "guidebot_active_conversations") == 1  # the officer is in a flow
    assert "guidebot_voice_transcription_seconds_count" in text  # registered, fed by voice
    # No label value is an id, a pseudonym, a name or anything typed.
    keys = Keys.open(tmp_path)
    forbidden = [
        str(OFFICER),
        keys.pseudonym("user", OFFICER),
        keys.pseudonym("chat", OFFICER),
        "Kayleigh",
        "Acacia",
        own_fake.token.split(":")[1],
    ]
    for name, labels, _ in samples(text):
        for label, shown in labels.items():
            assert label in ("kind", "reason", "le"), (name, label)
            assert ALLOWED_LABEL_VALUE.match(shown) or BUCKET.match(shown), (name, shown)
    for secret in forbidden:
        assert secret not in text, secret
    # The log is JSON lines (stderr is a pipe here), one event a line, without text or ids.
    lines = [row for row in err.splitlines() if row.strip()]
    assert lines, "nothing was logged at info"
    for row in lines:
        event = json.loads(row)
        assert {"time", "level", "logger", "event"} <= event.keys()
    for secret in (*forbidden, own_fake.token):
        assert secret not in err, secret


def test_webhook_serves_healthz_beside_the_update_path(
    own_fake: FakeBotApi, tmp_path: Path, warm_cache: WarmCache
) -> None:
    port = free_port()
    warm_cache.seed(tmp_path)
    url = f"http://127.0.0.1:{port}/telegram"
    with BotProcess(own_fake, tmp_path, "--webhook", "--port", str(port), "--url", url) as bot:
        bot.wait_ready(webhook=True)
        health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
        assert (health.status_code, health.text) == (200, "ready\n")
        # the update path still wants Telegram's secret
        assert httpx.post(url, json={"update_id": 1}, timeout=5).status_code == 403
        assert bot.stop()[0] == 0


async def test_healthz_is_503_until_ready_and_when_the_database_is_gone() -> None:
    states = iter([False])

    def not_yet() -> bool:
        return next(states)

    def broken() -> bool:
        raise RuntimeError("the database file was removed")

    for ready in (not_yet, broken):
        handler = metrics.health_handler(ready)
        response = await handler(make_mocked_request("GET", "/healthz"))
        assert response.status == 503


async def test_errors_are_counted_by_kind_only() -> None:
    before = metrics.ERRORS.labels("ValueError")._value.get()
    context = SimpleNamespace(error=ValueError("Kayleigh at 14 Acacia Avenue"))
    await _count_error(object(), context)  # type: ignore[arg-type]
    assert metrics.ERRORS.labels("ValueError")._value.get() == before + 1
    assert "Kayleigh" not in metrics.scrape().decode()


def test_json_lines_carry_an_errors_kind_and_place_but_not_its_message() -> None:
    stream = io.StringIO()
    setup_logging("info", "json", stream)
    logger = logging.getLogger("guidebot.test")
    try:
        raise ValueError("Kayleigh Smith, 14 Acacia Avenue")
    except ValueError:
        logger.exception("handling an update failed")
    setup_logging("warning", "text", sys.stderr)
    (row,) = stream.getvalue().splitlines()
    event = json.loads(row)
    assert event["event"] == "handling an update failed" and event["error"] == "ValueError"
    assert "Kayleigh" not in row and "Acacia" not in row
    assert any("test_metrics.py" in place for place in event["where"])


def test_text_logs_at_a_terminal_and_json_when_piped() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        setup_logging("info", "auto", stream)
        logging.getLogger("guidebot.test").info("guidebot is running")
    setup_logging("warning", "text", sys.stderr)
    assert "INFO guidebot.test: guidebot is running" in terminal.getvalue()
    assert json.loads(pipe.getvalue())["event"] == "guidebot is running"


def test_the_token_filter_works_on_json_lines() -> None:
    token = "123456789:AAE-fake-token-for-tests-only_01234"
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "GET /bot%s/getMe", (token,), None
    )
    TokenFilter(token).filter(record)
    assert token not in JsonLines().format(record)


def test_active_conversations_count_flows_in_hand_only(tmp_path: Path) -> None:
    from bot.store import Store

    with Store.open(tmp_path / "db.sqlite3") as store:
        for key, phase, expires in [
            ("a", "step", 200.0),
            ("b", "red_flag", 200.0),
            ("c", "menu", 200.0),
            ("d", "step", 50.0),  # idle past its deadline
        ]:
            store.save(key, {"phase": phase, "expires_at": expires}, expected_version=0, now=1.0)
        assert store.open_conversations(100.0) == 2
        metrics.watch_conversations(store.open_conversations)
        assert "guidebot_active_conversations" in metrics.scrape().decode()


def test_the_metrics_server_serves_both_paths() -> None:
    async def main() -> tuple[int, int, str]:
        server = metrics.MetricsServer("127.0.0.1", 0, ready=lambda: True)
        port = await server.start()
        try:
            async with httpx.AsyncClient() as client:
                health = await client.get(f"http://127.0.0.1:{port}/healthz")
                scraped = await client.get(f"http://127.0.0.1:{port}/metrics")
        finally:
            await server.stop()
        return health.status_code, scraped.status_code, scraped.text

    health, status, text = asyncio.run(main())
    assert (health, status) == (200, 200)
    assert "# TYPE guidebot_replies_sent_total counter" in text
