"""``guidebot keys``: see the key period and where the keys are kept, and rotate the key."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli._common import data_dir_option
from bot.keys import Keys, KeysError


def _open_keys(data_dir: Path) -> Keys:
    """The data directory's keys (made on first use), or a plain message and exit code 1.

    Beside a database with enrolled officers a missing key is never made anew (it would cut
    them all off): ``keys_for`` refuses and says to restore it from the backup.
    """
    from bot.app import DATABASE
    from bot.store import Store, StoreError
    from bot.users import keys_for

    database = data_dir / DATABASE
    try:
        if not database.exists():
            return Keys.open(data_dir)
        with Store.open(database) as store:
            return keys_for(store, data_dir)
    except (KeysError, StoreError) as exc:
        raise click.ClickException(str(exc)) from exc


@click.group()
def keys() -> None:
    """See and rotate the keys that turn Telegram ids into pseudonyms (never the keys)."""


@keys.command()
@data_dir_option
def show(data_dir: Path) -> None:
    """Print the key period and where the keys are kept; the keys themselves never appear.

    Back up both files with the database: without the pseudonym key, no one who enrolled can
    be recognised again; without the seal key, the bot cannot message a chat unprompted.
    """
    opened = _open_keys(data_dir)
    kept = ", ".join(str(period) for period in opened.kept_periods) or "none"
    click.echo(f"Key period: {opened.period}")
    click.echo(f"Pseudonym key: {opened.key_file}")
    click.echo(f"Seal key: {opened.seal_file}")
    click.echo(f"Earlier keys kept: {kept}")


@keys.command()
@data_dir_option
@click.option(
    "--keep-old",
    is_flag=True,
    help="Keep the old key in the key file, so old and new pseudonyms can still be linked.",
)
def rotate(data_dir: Path, keep_old: bool) -> None:
    """Start a new key period with a new key: every officer and chat gets a new pseudonym.

    Pseudonyms made from now on will not match earlier ones, so everyone must enrol again
    with a new code, and codes not yet used stop working. The old key is dropped unless
    --keep-old is given, so the two periods can never be linked. Restart the bot afterwards.
    """
    opened = _open_keys(data_dir)
    try:
        period = opened.rotate(keep_old=keep_old)
    except KeysError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Key period is now {period}.")
    click.echo(
        "Warning: pseudonyms from now on will not match earlier ones. Everyone must enrol "
        "again with a new code (guidebot users enrol), and codes not yet used no longer work."
    )
    if keep_old:
        click.echo(f"The old key is kept in {opened.key_file}, so the periods can be linked.")
    else:
        click.echo("The old key is gone, so earlier pseudonyms can never be linked to new ones.")
    click.echo("Restart the bot so it uses the new key.")


@keys.command()
@data_dir_option
def new(data_dir: Path) -> None:
    """Make a new pseudonym key where the old one is lost and no backup holds it.

    Only when the key file is missing: every officer enrolled under the old key must then
    enrol again with a new code. Restore pseudonym.key from your backup instead if you can;
    to change a key that is still there, use 'guidebot keys rotate'.
    """
    from bot.keys import PSEUDONYM_KEY_FILE

    path = data_dir / PSEUDONYM_KEY_FILE
    if path.exists():
        raise click.ClickException(
            f"{path} is there: 'keys new' only replaces a lost key. To change it, use "
            "'guidebot keys rotate'."
        )
    try:
        made = Keys.open(data_dir)
    except KeysError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"New pseudonym key made: {made.key_file} (period {made.period}).")
    click.echo(
        "Every officer enrolled before must enrol again with a new code (guidebot users "
        "enrol). Back the new key up with the database, and restart the bot."
    )
