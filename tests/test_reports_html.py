"""The HTML report in a real browser: Debian's headless Chromium draws its charts.

Skipped only where chromium is not installed (.ci/run installs it first). The page is
opened from a file with networking off, so the test also shows the report needs nothing
fetched.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bot.app import Settings, build_app, load_engine
from bot.reports import build_catalogue, build_report, parse_period, render_html
from tests.conftest import WarmCache

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
NOVEMBER = 1_793_577_600.0
LATER = 1_900_000_000.0

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


def _browser(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--window-size=1200,2000",
            *extra,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory, warm_cache: WarmCache) -> Path:
    """The HTML report of a month of conversations played through the engine."""
    from tests.test_reports import synthetic

    folder = warm_cache.seed(tmp_path_factory.mktemp("html"))
    knowledge, flows, _ = load_engine(Settings(data_dir=folder))
    app: Any = build_app(Settings(data_dir=folder), store=False)
    events = synthetic(app.sessions("telegram"), 160, seed=7, gap=12000)
    report = build_report(
        events, parse_period("2026-11"), build_catalogue(flows, knowledge), now=LATER
    )
    out = folder / "report.html"
    out.write_text(render_html(report), encoding="utf-8")
    return out


def test_the_report_is_one_file_that_fetches_nothing(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<link" not in html and "<script" not in html
    assert "@media print" in html


def test_chromium_draws_every_chart_with_its_bars(page: Path, tmp_path: Path) -> None:
    dom = _browser(page, tmp_path / "profile", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    charts = re.findall(r"<figure[^>]*>\s*<svg[^>]*>", dom.stdout)
    assert len(charts) >= 3, "outcomes, gaps and at least one funnel"
    for svg in charts:
        width = re.search(r'width="([\d.]+)pt"', svg)
        height = re.search(r'height="([\d.]+)pt"', svg)
        assert width and height and float(width.group(1)) > 200 and float(height.group(1)) > 50
    assert dom.stdout.count("<path") > 50  # bars, axes and ticks were laid out


def test_the_screenshot_shows_the_charts_in_ink(page: Path, tmp_path: Path) -> None:
    from matplotlib import image

    shot = tmp_path / "report.png"
    done = _browser(page, tmp_path / "profile", f"--screenshot={shot}")
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    pixels = image.imread(shot)[:, :, :3]
    assert pixels.shape[1] == 1200
    ink = (pixels < 0.9).any(axis=2)
    # Below the header band, the first screen holds the first charts: bars are drawn in ink.
    body = ink[200:2000]
    assert body.mean() > 0.03, f"only {body.mean():.1%} of the page is drawn"
    # The report's accent and warning colours (bars) are present, not only black text.
    blue = (abs(pixels[:, :, 0] - 0x1D / 255) < 0.06) & (abs(pixels[:, :, 2] - 0x91 / 255) < 0.06)
    assert blue.sum() > 2000, "no bars in the report's blue"
