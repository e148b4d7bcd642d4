"""Charts drawn once with matplotlib: inline SVG for the HTML report, PNG for Telegram.

matplotlib rather than hand-written SVG because the Telegram ``/report`` needs a picture
(PNG) and the HTML page needs vectors: one drawing, saved two ways, keeps them the same. Its
wheels carry the Agg renderer and fonts, so nothing is fetched and no system library is
needed. Only published figures are drawn: a withheld count is never a bar length, only a
label, so a chart gives away nothing the tables do not.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.reports._model import Count, Section, Share, Table, percent

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

INK = "#1f2a44"
ACCENT = "#1d4f91"
WARN = "#b5452b"
MUTED = "#8a94a6"
GRID = "#e3e7ee"


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its length (None when withheld) and the text beside it."""

    label: str
    value: float | None
    text: str


def _figure(height: float, width: float = 7.5) -> Figure:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    matplotlib.rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "svg.fonttype": "none",
            "svg.hashsalt": "guidebot",
            "axes.edgecolor": MUTED,
            "axes.labelcolor": INK,
            "xtick.color": INK,
            "ytick.color": INK,
        }
    )
    return Figure(figsize=(width, height), dpi=110)


def _bars(axes: Axes, bars: Sequence[Bar], *, share: bool, colour: str, title: str) -> None:
    labels = ["\n".join(textwrap.wrap(b.label, 38)) or "–" for b in bars]
    positions = list(range(len(bars)))[::-1]
    lengths = [b.value or 0.0 for b in bars]
    axes.barh(positions, lengths, color=colour, height=0.62)
    top = 1.0 if share else max([*lengths, 1.0])
    for y, bar in zip(positions, bars, strict=True):
        if bar.value is None:
            axes.barh(y, top * 0.04, color="none", edgecolor=MUTED, hatch="////", height=0.62)
        axes.text(
            (bar.value or top * 0.04) + top * 0.01,
            y,
            bar.text,
            va="center",
            fontsize=8.5,
            color=INK if bar.value is not None else MUTED,
        )
    axes.set_yticks(positions, labels)
    axes.set_xlim(0, top * (1.18 if share else 1.4))
    if share:
        axes.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
    axes.grid(axis="x", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.tick_params(axis="y", length=0)
    axes.set_title(title, loc="left", fontsize=10.5, color=INK, fontweight="bold")


def gap_bars(section: Section, limit: int = 8) -> list[Bar]:
    """The biggest published training gaps: yes/no questions and points left out together."""
    found: list[tuple[float, Bar]] = []
    for key, label_at, of_at in (("gaps", 0, 3), ("points", 0, 4)):
        table = section.table(key)
        if table is None:
            continue
        for row in table.rows:
            share, whole = row[-1], row[of_at]
            if not isinstance(share, Share) or share.value is None:
                continue
            label = str(row[label_at]) if key == "gaps" else f"{row[0]} ({row[1]})"
            shown = f"{percent(share.value)} of {whole}"
            found.append((share.value, Bar(label, share.value, shown)))
    found.sort(key=lambda pair: -pair[0])
    return [bar for _, bar in found[:limit]]


def outcome_bars(section: Section) -> list[Bar]:
    """The seed outcomes: share evidenced, or why it is not shown."""
    table = section.table("outcomes")
    bars: list[Bar] = []
    for row in table.rows if table else ():
        share, asked = row[-1], row[3]
        if isinstance(share, Share) and share.value is not None:
            bars.append(Bar(str(row[0]), share.value, f"{percent(share.value)} of {asked}"))
        else:
            why = "none asked" if isinstance(asked, Count) and asked.value == 0 else "withheld"
            bars.append(Bar(str(row[0]), None, why))
    return bars


def funnel_bars(table: Table) -> list[Bar]:
    """Runs that reached each step; stops beside them."""
    bars: list[Bar] = []
    for row in table.rows:
        reached, stopped = row[2], row[3]
        value = reached.value if isinstance(reached, Count) else None
        extra = f", {stopped} stopped" if isinstance(stopped, Count) and stopped.value != 0 else ""
        bars.append(Bar(str(row[0]), value, f"{reached}{extra}"))
    return bars


def draw(bars: Sequence[Bar], title: str, *, share: bool, colour: str = ACCENT) -> Figure:
    """One horizontal bar chart."""
    height = 0.9 + 0.36 * max(len(bars), 1)
    figure = _figure(height)
    axes = figure.add_subplot()
    _bars(axes, bars, share=share, colour=colour, title=title)
    _fixed_margins(figure, height, left=0.42)
    return figure


def _fixed_margins(figure: Figure, height: float, *, left: float, wspace: float = 0.0) -> None:
    """Margins set by hand: tight_layout measures every label and costs more than the drawing.

    Labels are wrapped at 38 characters, so a fixed left margin fits them.
    """
    figure.subplots_adjust(
        left=left, right=0.97, top=1 - 0.42 / height, bottom=0.38 / height, wspace=wspace
    )


def headline(section: Section) -> Figure:
    """The two headline charts side by side: outcomes, and the biggest gaps."""
    outcomes, gaps = outcome_bars(section), gap_bars(section, 5)
    height = 1.2 + 0.42 * max(len(outcomes), len(gaps), 1)
    figure = _figure(height, width=11)
    left, right = figure.subplots(1, 2)
    _bars(left, outcomes, share=True, colour=ACCENT, title="Outcomes evidenced")
    _bars(right, gaps, share=True, colour=WARN, title="Biggest training gaps")
    _fixed_margins(figure, height, left=0.2, wspace=0.95)
    return figure


_ID = re.compile(r'id="([^"]+)"')


def svg(figure: Figure, prefix: str) -> str:
    """The figure as an inline ``<svg>`` element, its ids made unique to ``prefix``."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    ids = set(_ID.findall(text))
    for name in sorted(ids, key=len, reverse=True):
        text = text.replace(f'id="{name}"', f'id="{prefix}-{name}"')
        text = text.replace(f"#{name})", f"#{prefix}-{name})")
        text = text.replace(f'"#{name}"', f'"#{prefix}-{name}"')
    return text


def png(figure: Figure) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=144, facecolor="white")
    return buffer.getvalue()
