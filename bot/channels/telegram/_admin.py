"""``/users`` in chat: what an admin can do with ``guidebot users``, from their phone.

Users are named by pseudonym only, as on the command line: the bot never learns or shows who a
pseudonym belongs to.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from bot.users import (
    EnrolmentCode,
    Role,
    User,
    UsersError,
    as_role,
    duration_words,
    parse_duration,
    role_phrase,
)

DEFAULT_CODE_SECONDS = 24 * 60 * 60

HOW = (
    "Admin commands:\n"
    "/users list - who is enrolled\n"
    "/users enrol ROLE [24h] - a one-time code (officer, trainer, supervisor or admin)\n"
    "/users revoke PSEUDONYM - stop someone using guidebot\n"
    "/users set-role PSEUDONYM ROLE - change someone's role"
)


@runtime_checkable
class UserAdmin(Protocol):
    """What an admin may do (:class:`bot.users.Users` is one)."""

    def create_code(
        self,
        role: Role,
        *,
        now: float,
        valid_for: float = ...,
        access_for: float | None = ...,
    ) -> EnrolmentCode:
        """A one-time code for ``role``."""
        ...

    def list_users(self) -> list[User]:
        """Everyone enrolled."""
        ...

    def revoke(self, user: str, now: float) -> None:
        """Stop a user."""
        ...

    def set_role(self, user: str, role: Role) -> None:
        """Change a user's role."""
        ...


def users_command(users: UserAdmin, args: Sequence[str], now: float) -> str:
    """Carry out ``/users ...`` for an admin; the reply says what happened or what to type."""
    verb = args[0].lower() if args else "list"
    rest = list(args[1:])
    try:
        if verb == "list":
            return _listed(users.list_users(), now)
        if verb == "enrol" and rest:
            role = as_role(rest[0].lower())
            seconds = parse_duration(rest[1]) if len(rest) > 1 else DEFAULT_CODE_SECONDS
            if role is None or seconds is None:
                return HOW
            code = users.create_code(role, now=now, valid_for=seconds)
            return (
                f"One-time code for {role_phrase(role)}: {code.code}\n"
                f"It works once, for {duration_words(seconds)}. They send /enrol {code.code} "
                "to this bot in a private chat."
            )
        if verb == "revoke" and len(rest) == 1:
            users.revoke(rest[0], now)
            return f"{rest[0]} can no longer use guidebot."
        if verb == "set-role" and len(rest) == 2:
            role = as_role(rest[1].lower())
            if role is None:
                return HOW
            users.set_role(rest[0], role)
            return f"{rest[0]} is now {role_phrase(role)}."
    except UsersError as error:
        return f"{str(error)[:1].upper()}{str(error)[1:]}."
    return HOW


def _listed(users: Sequence[User], now: float) -> str:
    if not users:
        return "Nobody is enrolled yet. /users enrol officer makes a code."
    lines = [
        f"{user.pseudonym}  {user.role}  {'active' if user.active(now) else 'not active'}"
        for user in users
    ]
    active = sum(user.active(now) for user in users)
    return "\n".join([*lines, f"{active} of {len(users)} active."])
