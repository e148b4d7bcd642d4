"""Nothing identifying reaches disk: every byte the chat writes is scanned for what officers typed.

Officers will type names, addresses, dates of birth and phone numbers whatever the bot asks.
These tests replay every golden conversation with such details woven into every message, then
read back every file the run left behind (saved state and audit log) and look for them.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
import yaml

from bot.channels import load_flows
from bot.channels.console import run_console
from bot.engine import Engine
from bot.knowledge import load_knowledge

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
