"""``guidebot users``: enrol officers, list who may use the bot, revoke, change roles."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click

from bot.app import Settings
from bot.cli._common import data_dir_option
from bot.keys import KeysError
from bot.store import Store, StoreError
from bot.users import (
    ROLES,
    Role,
    Users,
    UsersError,
    duration_words,
    keys_for,
    parse_duration,
    role_phrase,
)


class Duration(click.ParamType):
    """A length of time as a number and a unit, ``90m``, ``24h`` or ``7d``, read as seconds."""

    name = "duration"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        """The duration in seconds, or a usage error showing the forms that work."""
        if isinstance(value, int | float):
            return float(value)
        seconds = parse_duration(str(value))
        if seconds is None:
            self.fail(
                f"{value!r} is not a length of time: write a whole number and m, h or d, "
                "such as 90m, 24h or 7d",
                param,
                ctx,
            )
        return seconds


def _when(timestamp: float | None) -> str:
    """A time in this computer's time zone, to the minute; '-' for none."""
    if timestamp is None:
        return "-"
    return datetime.fromtimestamp(timestamp).astimezone().strftime("%Y-%m-%d %H:%M %Z")


@contextmanager
def _opened(data_dir: Path) -> Iterator[Users]:
    """The users of the data directory's database, or a plain message and exit code 1."""
    settings = Settings(data_dir=data_dir)
    try:
        store = Store.open(settings.database)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        keys = keys_for(store, data_dir)
    except (KeysError, StoreError) as exc:
        store.close()
        raise click.ClickException(str(exc)) from exc
    try:
        yield Users(store, keys)
    except (UsersError, StoreError) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        store.close()


def _pseudonym(text: str) -> str:
    """A pseudonym as typed by an admin: the list prints it lower case, spaces are slips."""
    return text.strip().lower()


@click.group()
def users() -> None:
    """Enrol officers, see who may use guidebot, revoke access and change roles."""


@users.command()
@data_dir_option
@click.option(
    "--role",
    type=click.Choice(ROLES),
    required=True,
    help="What the person enrolled with this code may do.",
)
@click.option(
    "--expires",
    type=Duration(),
    default="24h",
    show_default=True,
    help="How long the code works: 90m, 24h or 7d (at most 30d).",
)
@click.option(
    "--access-for",
    type=Duration(),
    default=None,
    help="End the enrolment this long after it is made, e.g. 30d (default: until revoked).",
)
def enrol(data_dir: Path, role: Role, expires: float, access_for: float | None) -> None:
    """Make a one-time enrolment code and print it, once.

    Give the code to one person, who sends /enrol and the code to the bot in a private chat.
    It works once, until it expires, and is kept only as a hash: it cannot be shown again,
    so make a new one if it is lost.
    """
    with _opened(data_dir) as opened:
        made = opened.create_code(role, now=time.time(), valid_for=expires, access_for=access_for)
    click.echo(f"Enrolment code for {role_phrase(role)}: {made.code}")
    click.echo(
        f"It works once, until {_when(made.expires_at)} ({duration_words(expires)}), "
        "and is not shown again."
    )
    click.echo(f"The {role} sends /enrol {made.code} to the bot in a private chat.")


@users.command(name="list")
@data_dir_option
def list_command(data_dir: Path) -> None:
    """List everyone enrolled: pseudonym, role, when enrolled, expiry, revocation, key period.

    People appear only as pseudonyms (codes made from their Telegram account); times are in
    this computer's time zone. The last column is the pseudonym the audit log keeps their
    conversations under ('guidebot audit list --officer' takes either); '-' for someone who
    enrolled before guidebot kept it.
    """
    with _opened(data_dir) as opened:
        found = opened.list_users()
    if not found:
        click.echo("No one is enrolled yet. Make a code with: guidebot users enrol --role officer")
        return
    rows = [("pseudonym", "role", "enrolled", "expires", "revoked", "period", "conversations")]
    rows += [
        (
            user.pseudonym,
            user.role,
            _when(user.enrolled_at),
            _when(user.expires_at),
            _when(user.revoked_at),
            str(user.key_period),
            user.conversation or "-",
        )
        for user in found
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    now = time.time()
    active = sum(user.active(now) for user in found)
    click.echo(f"{len(found)} enrolled, {active} active now.")


@users.command()
@data_dir_option
@click.argument("pseudonym")
def revoke(data_dir: Path, pseudonym: str) -> None:
    """Stop the person with this pseudonym using guidebot, from now on.

    Their record stays in the list, marked revoked. To let them back, give them a new code.
    """
    pseudonym = _pseudonym(pseudonym)
    with _opened(data_dir) as opened:
        earlier = next(
            (u.revoked_at for u in opened.list_users() if u.pseudonym == pseudonym), None
        )
        opened.revoke(pseudonym, time.time())
    if earlier is not None:
        # The first revocation keeps its time: say so, not "revoked" as if it happened now.
        click.echo(f"{pseudonym} was already revoked on {_when(earlier)}: nothing changed.")
        return
    click.echo(f"Revoked {pseudonym}: they can no longer use guidebot.")


@users.command(name="set-role")
@data_dir_option
@click.argument("pseudonym")
@click.argument("role", type=click.Choice(ROLES))
def set_role(data_dir: Path, pseudonym: str, role: Role) -> None:
    """Give the person with this pseudonym a new role (officer, trainer, supervisor or admin).

    The rest of their enrolment (its expiry, any revocation) is unchanged.
    """
    pseudonym = _pseudonym(pseudonym)
    with _opened(data_dir) as opened:
        opened.set_role(pseudonym, role)
    click.echo(f"{pseudonym} is now {role_phrase(role)}.")
