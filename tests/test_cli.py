"""The command line as a whole: data folder resolution, help and docs for every command."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.cli._common import data_dir_option, default_data_dir
from tests.conftest import ROOT


def test_data_dir_comes_from_the_environment_when_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GUIDEBOT_DATA_DIR", str(tmp_path / "elsewhere"))
    assert default_data_dir() == tmp_path / "elsewhere"


def test_data_dir_defaults_to_a_guidebot_folder_in_user_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GUIDEBOT_DATA_DIR", raising=False)
    assert default_data_dir().name == "guidebot"


def test_data_dir_option_prefers_the_flag_over_the_environment(tmp_path: Path) -> None:
    seen: list[Path] = []

    @click.command()
    @data_dir_option
    def probe(data_dir: Path) -> None:
        seen.append(data_dir)

    runner = CliRunner()
    runner.invoke(probe, ["--data-dir", str(tmp_path / "flag")], catch_exceptions=False)
    runner.invoke(probe, [], env={"GUIDEBOT_DATA_DIR": str(tmp_path / "env")})
    assert seen == [tmp_path / "flag", tmp_path / "env"]


def _leaf_commands(group: click.Group, prefix: str = "guidebot") -> list[tuple[str, click.Command]]:
    leaves: list[tuple[str, click.Command]] = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            leaves.extend(_leaf_commands(command, path))
        else:
            leaves.append((path, command))
    return leaves


COMMANDS = _leaf_commands(cli)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[path for path, _ in COMMANDS])
def test_every_command_has_help_data_dir_and_a_readme_section(
    path: str, command: click.Command
) -> None:
    assert command.help and len(command.help.strip()) > 20
    assert "data_dir" in {param.name for param in command.params}
    readme = (ROOT / "README.md").read_text()
    assert re.search(rf"^#+ `{re.escape(path)}\b", readme, re.M), f"README has no section {path}"
