"""``python -m bot``: the same as the ``guidebot`` command, where the script is not on PATH."""

from bot.cli import cli

cli(prog_name="guidebot")
