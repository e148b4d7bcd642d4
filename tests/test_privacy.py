"""Nothing identifying reaches disk: every byte the chat writes is scanned for what officers typed.

Officers will type names, addresses, dates of birth and phone numbers whatever the bot asks.
These tests replay every golden conversation with such details woven into every message, then
read back every file the run left behind (saved state and audit log) and look for them.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from bot.channels import load_flows
from bot.channels.console import run_console
from bot.engine import Engine, Text
from bot.engine._answers import words
from bot.knowledge import load_knowledge, tokens

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


@pytest.fixture(scope="module")
def engine() -> Engine:
    knowledge = load_knowledge()
    return Engine(load_flows(knowledge), knowledge)


def _officer_lines(golden: Path) -> list[str]:
    """The golden's inputs, each carrying personal details, plus details sent on their own."""
    lines: list[str] = []
    for turn in yaml.safe_load(golden.read_text())["turns"]:
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
    with open(data_dir / "audit.jsonl", "w", encoding="utf-8") as audit:
        run_console(
            engine,
            input_stream=io.StringIO(script),
            output=io.StringIO(),
            data_dir=data_dir,
            interactive=True,
            audit=audit,
        )
    written = _every_byte_under(tmp_path)
    assert data_dir / "audit.jsonl" in written and written[data_dir / "audit.jsonl"]
    assert any(path.suffix == ".json" for path in written), "the conversation state was saved"
    for path, content in written.items():
        lowered = content.lower()
        leaked = [fragment for fragment in FRAGMENTS if fragment.encode() in lowered]
        assert leaked == [], f"{path.relative_to(tmp_path)} holds {leaked}"
    assert sorted(os.listdir(tmp_path)) == ["data"], "nothing is written outside the data folder"


def _memoised() -> list[Callable[[str], object]]:
    """Every memoised function in the modules that read officers' words."""
    from bot.engine import _answers, _steps
    from bot.knowledge import _match, _normalise

    found = [
        value
        for module in (_answers, _steps, _match, _normalise)
        for value in vars(module).values()
        if hasattr(value, "cache_info") and hasattr(value, "cache_clear")
    ]
    # Probing a function can fill the caches of the helpers it calls, so helpers go first.
    helpers = {_answers._phrase_text, _answers._phrase_stem}
    return sorted(found, key=lambda function: function not in helpers)


def _was_cached(function: Callable[[str], object], key: str) -> bool:
    """Whether a memoised function already held this key: calling it again is then a hit."""
    hits = function.cache_info().hits  # type: ignore[attr-defined]
    try:
        function(key)
    except TypeError:  # takes no single string: it cannot have been given one
        return False
    return function.cache_info().hits > hits  # type: ignore[attr-defined]


def _strings_reachable_from(root: object, limit: int = 200_000) -> list[str]:
    """Strings held by an object, through its attributes and containers."""
    seen: set[int] = set()
    found: list[str] = []
    stack = [root]
    while stack and len(seen) < limit:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
        elif hasattr(item, "__dict__") and not isinstance(item, type):
            stack.extend(vars(item).values())
    return found


def test_nothing_typed_outlives_its_message_in_memory(engine: Engine) -> None:
    """Raw text is read in memory and dropped: no cache keeps an officer's words.

    After answers naming a child, no memoised function holds the name as a key, and nothing
    reachable from the engine holds it either.
    """
    state, _ = engine.start(1.0)
    for said in ("first contact", "no"):
        state, _ = engine.step(state, Text(said, 2.0))
    surname = "".join(("quin", "nell"))  # built at run time, so no code object holds it
    messages = [
        f"Tayla {surname.title()} of Marsh Lane is bleeding, nan here",
        f"ask is tayla {surname} on a plan",
    ]
    for message in messages:
        engine.step(state, Text(message, 4.0))
    keys = {surname, f"tayla {surname}", *messages, *(m.lower() for m in messages)}
    keys |= {word for message in messages for word in words(message).split()}
    keys |= {words(message) for message in messages} | set(tokens(" ".join(messages)))
    leaked = [
        (function.__name__, key)
        for function in _memoised()
        for key in sorted(keys)
        if surname in key and _was_cached(function, key)
    ]
    assert leaked == []
    held = [text for text in _strings_reachable_from(engine) if surname in text.lower()]
    assert held == []
