"""Nothing identifying reaches disk: every byte the chat writes is scanned for what officers typed.

Officers will type names, addresses, dates of birth and phone numbers whatever the bot asks.
These tests replay every golden conversation with such details woven into every message, then
read back every file the run left behind (saved state and audit log) and look for them.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app import DATABASE
from bot.channels.console import run_console
from bot.engine import Engine, Text
from bot.language import read_yaml
from tests.conftest import console_sessions as _sessions

GOLDENS = sorted((Path(__file__).parent / "conversations").glob("*.yaml"))

PERSONAL = (
    "Jayden Okonkwo-Smith of 14 Acacia Avenue, Luton LU4 9ZZ, born 03/04/2012, "
    "mum Kerry-Ann on 07700 900123"
)
# Each fragment alone would identify the child or family if it reached disk.
FRAGMENTS = (
    "jayden",
    "okonkwo",
    "acacia",
    "luton",
    "lu4 9zz",
    "03/04/2012",
    "2012",
    "kerry",
    "07700",
    "900123",
)


def _officer_lines(golden: Path) -> list[str]:
    """The golden's inputs, each carrying personal details, plus details sent on their own."""
    lines: list[str] = []
    for turn in read_yaml(golden.read_text())["turns"]:
        if "text" in turn:
            text = str(turn["text"])
        elif "press" in turn:  # the console has no button ids: type the button's words
            text = str(turn["press"]).replace("-", " ")
        else:
            continue
        lines.append(f"ask is {PERSONAL} known to us")
        lines.append(PERSONAL)
        lines.append(f"{text} re {PERSONAL}" if len(text.split()) > 2 else text)
    lines.append("summary")
    return lines


def _every_byte_under(folder: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}


@pytest.mark.parametrize("golden", GOLDENS, ids=[path.stem for path in GOLDENS])
def test_personal_details_never_reach_disk(
    golden: Path, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    script = "\n".join(_officer_lines(golden)) + "\n"
    ticks = iter(range(10_000))
    with open(data_dir / "audit.jsonl", "w", encoding="utf-8") as audit:
        run_console(
            _sessions(engine, data_dir),
            input_stream=io.StringIO(script),
            output=io.StringIO(),
            interactive=True,
            audit=audit,
            # A fixed clock: a real one's digits could hold "2012" by chance and fail the scan.
            clock=lambda: 1_800_000_000.0 + 15 * next(ticks),
        )
    written = _every_byte_under(tmp_path)
    assert data_dir / "audit.jsonl" in written and written[data_dir / "audit.jsonl"]
    assert data_dir / DATABASE in written, "the conversation state and audit log were saved"
    for path, content in written.items():
        lowered = content.lower()
        leaked = [fragment for fragment in FRAGMENTS if fragment.encode() in lowered]
        assert leaked == [], f"{path.relative_to(tmp_path)} holds {leaked}"
    assert sorted(os.listdir(tmp_path)) == ["data"], "nothing is written outside the data folder"


def _caches() -> dict[str, Callable[..., object]]:
    """Every memoised function guidebot has: module functions and methods, by qualified name."""
    import bot.channels.console  # noqa: F401 - loaded so that its caches are counted too

    found: dict[str, Callable[..., object]] = {}
    for name, module in sorted(sys.modules.items()):
        if not (name == "bot" or name.startswith("bot.")):
            continue
        for owner in [module, *(v for v in vars(module).values() if isinstance(v, type))]:
            for attribute, value in vars(owner).items():
                if hasattr(value, "cache_info") and hasattr(value, "cache_clear"):
                    found[f"{name}.{getattr(owner, '__name__', '')}.{attribute}"] = value
    return found


def _sizes(caches: dict[str, Callable[..., object]]) -> dict[str, int]:
    return {name: cache.cache_info().currsize for name, cache in caches.items()}  # type: ignore[attr-defined]


def test_no_cache_grows_while_officers_messages_are_read(engine: Engine) -> None:
    """Everything a step needs about the flows' phrases is worked out when they are compiled.

    Every golden is stepped with personal details in every message; no memoised function may
    hold one more entry afterwards than before, so nothing typed can be kept in one.
    """
    caches = _caches()
    assert caches, "the caches to watch were found"
    for golden in GOLDENS:  # warm up everything a first step may load once (word lists)
        _replay_with_details(engine, golden)
    before = _sizes(caches)
    for golden in GOLDENS:
        _replay_with_details(engine, golden)
    grown = {
        name: (before[name], size) for name, size in _sizes(caches).items() if size != before[name]
    }
    assert grown == {}


def _replay_with_details(engine: Engine, golden: Path) -> None:
    state = engine.start(1.0).state
    for number, line in enumerate(_officer_lines(golden)):
        state = engine.step(state, Text(line, 2.0 + number)).state


class TooManyObjects(AssertionError):
    """The walk reached its limit: it cannot vouch for what it did not see."""


def _strings_reachable_from(root: object, limit: int = 3_000_000) -> list[str]:
    """Strings held by an object, through its attributes, slots and containers.

    The limit only stops a walk that would never end: the shipped engine, loaded from the
    start-up cache (where unpickled strings are no longer shared), passed a million objects on 3
    December 2026 as the danger cues and the knowledge base grew, so it is set well above that.

    Raises:
        TooManyObjects: more objects than ``limit`` are reachable; the walk would otherwise
            pass without having looked at everything.
    """
    seen: set[int] = set()
    found: list[str] = []
    stack = [root]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        if len(seen) >= limit:
            raise TooManyObjects(f"more than {limit} objects are reachable from {root!r}")
        seen.add(id(item))
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
        elif not isinstance(item, type | int | float | bool | bytes) and item is not None:
            if hasattr(item, "__dict__"):
                stack.extend(vars(item).values())
            for cls in type(item).__mro__:
                for slot in getattr(cls, "__slots__", ()):
                    if hasattr(item, slot):
                        stack.append(getattr(item, slot))
    return found


def test_the_memory_walk_fails_at_its_limit_and_walks_slots() -> None:
    @dataclass(frozen=True, slots=True)
    class Slotted:
        secret: str

    assert _strings_reachable_from(Slotted("quinnell")) == ["quinnell"]
    with pytest.raises(TooManyObjects):
        _strings_reachable_from([[str(n)] for n in range(100)], limit=50)


def test_nothing_typed_outlives_its_message_in_memory(engine: Engine) -> None:
    """Raw text is read in memory and dropped: nothing reachable from the engine holds it."""
    state = engine.start(1.0).state
    for said in ("first contact", "no"):
        state = engine.step(state, Text(said, 2.0)).state
    surname = "".join(("quin", "nell"))  # built at run time, so no code object holds it
    messages = [
        f"Tayla {surname.title()} of Marsh Lane is bleeding, nan here",
        f"ask is tayla {surname} on a plan",
        f"{surname} has a knife, kids in the house",
    ]
    for message in messages:
        engine.step(state, Text(message, 4.0))
    held = [text for text in _strings_reachable_from(engine) if surname in text.lower()]
    assert held == []
