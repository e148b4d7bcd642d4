"""The rows behind who may use the bot: users, enrolment codes, failed attempts, contacts.

Plain functions on an open database, each called by a :class:`~bot.store.Store` method that
holds the store's lock and, where it writes, one write transaction. The store knows nothing
of what a role means or how long a failed attempt is made to wait: roles are strings here and
the delay is a function the caller hands in, so the rules live in ``bot.users`` alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import sqlite_utils

RedemptionOutcome = Literal["enrolled", "unknown", "used", "expired", "throttled"]


@dataclass(frozen=True)
class UserRecord:
    """One enrolled person, under the pseudonym of their Telegram user id."""

    pseudonym: str
    role: str
    enrolled_at: float
    expires_at: float | None
    revoked_at: float | None
    key_period: int
    conversation: str | None = None
    """The pseudonym of the private chat they enrolled from, under which the audit log keeps
    their conversations; None for an enrolment made before guidebot kept it."""


@dataclass(frozen=True)
class CodeRedemption:
    """What became of one attempt to redeem an enrolment code.

    ``role`` is the role enrolled with (only when ``outcome`` is ``"enrolled"``);
    ``wait_seconds`` is how long the person must still wait (only when ``"throttled"``).
    """

    outcome: RedemptionOutcome
    role: str | None = None
    wait_seconds: float = 0.0


_USER_COLUMNS = "pseudonym, role, enrolled_at, expires_at, revoked_at, key_period, conversation"


def _user(row: Sequence[Any]) -> UserRecord:
    """A users row, in :data:`_USER_COLUMNS` order, as a record."""
    pseudonym, role, enrolled_at, expires_at, revoked_at, key_period, conversation = row
    return UserRecord(
        pseudonym=str(pseudonym),
        role=str(role),
        enrolled_at=float(enrolled_at),
        expires_at=None if expires_at is None else float(expires_at),
        revoked_at=None if revoked_at is None else float(revoked_at),
        key_period=int(key_period),
        conversation=None if conversation is None else str(conversation),
    )


def add_code(
    db: sqlite_utils.Database,
    code_hash: str,
    role: str,
    *,
    now: float,
    expires_at: float,
    access_seconds: float | None,
) -> None:
    """Record a new code by its hash; the code itself is never given to the store."""
    db.execute(
        """
        INSERT INTO enrolment_codes (code_hash, role, created_at, expires_at, access_seconds)
        VALUES (?, ?, ?, ?, ?)
        """,
        [code_hash, role, now, expires_at, access_seconds],
    )


def redeem_code(
    db: sqlite_utils.Database,
    code_hash: str,
    pseudonym: str,
    *,
    now: float,
    key_period: int,
    delay_after: Callable[[int], float],
    conversation: str | None = None,
) -> CodeRedemption:
    """Enrol ``pseudonym`` with the code's role if the code is good and they need not wait.

    ``conversation`` is the pseudonym of the chat the code came from, kept so that a
    supervisor can find the person's conversations in the audit log, which is keyed by chat.

    Runs inside the caller's write transaction, so the checks and the writes cannot be split
    by another attempt: a code is used once however many people send it at the same moment.
    An attempt made while the person must wait is refused unread and not counted (it tells
    them nothing, so there is nothing to slow further); any other refusal adds one failure.
    """
    failures = db.execute(
        "SELECT count, last_at FROM enrolment_failures WHERE pseudonym = ?", [pseudonym]
    ).fetchone()
    if failures is not None:
        count, last_at = int(failures[0]), float(failures[1])
        wait = last_at + delay_after(count) - now
        if wait > 0:
            return CodeRedemption("throttled", wait_seconds=wait)
    code = db.execute(
        """
        SELECT role, expires_at, access_seconds, used_at
        FROM enrolment_codes WHERE code_hash = ?
        """,
        [code_hash],
    ).fetchone()
    outcome: RedemptionOutcome
    if code is None:
        outcome = "unknown"
    elif code[3] is not None:
        outcome = "used"
    elif now >= float(code[1]):
        outcome = "expired"
    else:
        role, access_seconds = str(code[0]), code[2]
        db.execute(
            "UPDATE enrolment_codes SET used_at = ?, used_by = ? WHERE code_hash = ?",
            [now, pseudonym, code_hash],
        )
        # Enrolling again with a new code replaces the old enrolment whole: its role, its
        # expiry, and any revocation (an admin chose to hand this person a new code).
        db.execute(
            f"""
            INSERT INTO users ({_USER_COLUMNS}) VALUES (?, ?, ?, ?, NULL, ?, ?)
            ON CONFLICT (pseudonym) DO UPDATE SET
                role = excluded.role,
                enrolled_at = excluded.enrolled_at,
                expires_at = excluded.expires_at,
                revoked_at = NULL,
                key_period = excluded.key_period,
                conversation = coalesce(excluded.conversation, conversation)
            """,
            [
                pseudonym,
                role,
                now,
                None if access_seconds is None else now + float(access_seconds),
                key_period,
                conversation,
            ],
        )
        db.execute("DELETE FROM enrolment_failures WHERE pseudonym = ?", [pseudonym])
        return CodeRedemption("enrolled", role=role)
    db.execute(
        """
        INSERT INTO enrolment_failures (pseudonym, count, last_at) VALUES (?, 1, ?)
        ON CONFLICT (pseudonym) DO UPDATE SET count = count + 1, last_at = excluded.last_at
        """,
        [pseudonym, now],
    )
    return CodeRedemption(outcome)


def get_user(db: sqlite_utils.Database, pseudonym: str) -> UserRecord | None:
    """The user enrolled under ``pseudonym``, if any (revoked and expired ones included)."""
    row = db.execute(
        f"SELECT {_USER_COLUMNS} FROM users WHERE pseudonym = ?", [pseudonym]
    ).fetchone()
    return None if row is None else _user(row)


def all_users(db: sqlite_utils.Database) -> list[UserRecord]:
    """Every user, in the order they enrolled (oldest first)."""
    rows = db.execute(f"SELECT {_USER_COLUMNS} FROM users ORDER BY enrolled_at, pseudonym")
    return [_user(row) for row in rows.fetchall()]


def revoke_user(db: sqlite_utils.Database, pseudonym: str, *, now: float) -> bool:
    """Mark the user revoked (keeping the first revocation's time); False if there is none."""
    cursor = db.execute(
        "UPDATE users SET revoked_at = coalesce(revoked_at, ?) WHERE pseudonym = ?",
        [now, pseudonym],
    )
    return cursor.rowcount > 0


def set_user_role(db: sqlite_utils.Database, pseudonym: str, role: str) -> bool:
    """Give the user a new role; False if there is no such user."""
    cursor = db.execute("UPDATE users SET role = ? WHERE pseudonym = ?", [role, pseudonym])
    return cursor.rowcount > 0


def save_contact(db: sqlite_utils.Database, key: str, sealed_chat: str, *, now: float) -> None:
    """Keep (or replace) the sealed chat id the bot may message unprompted for ``key``."""
    db.execute(
        """
        INSERT INTO contacts (key, sealed_chat, updated_at) VALUES (?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET
            sealed_chat = excluded.sealed_chat,
            updated_at = excluded.updated_at
        """,
        [key, sealed_chat, now],
    )


def get_contact(db: sqlite_utils.Database, key: str) -> str | None:
    """The sealed chat id kept for ``key``, if any."""
    row = db.execute("SELECT sealed_chat FROM contacts WHERE key = ?", [key]).fetchone()
    return None if row is None else str(row[0])


def forget_contact(db: sqlite_utils.Database, key: str) -> None:
    """Drop the sealed chat id for ``key`` (nothing happens if none is kept)."""
    db.execute("DELETE FROM contacts WHERE key = ?", [key])
