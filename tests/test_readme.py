"""The README's sample session is real: replaying its inputs gives exactly its output."""

from __future__ import annotations

import re

from click.testing import CliRunner

from bot.cli import cli
from tests.conftest import ROOT


def test_the_readme_transcript_is_what_the_chat_says() -> None:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```console\n\$ printf '(.*?)' \| guidebot chat\n(.*?)```", readme, re.S)
    assert block, "README lost its sample session"
    script = block.group(1).encode().decode("unicode_escape")
    result = CliRunner().invoke(cli, ["chat"], input=script)
    assert result.exit_code == 0
    assert result.output.rstrip("\n") == block.group(2).rstrip("\n")
