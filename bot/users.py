"""Who may use the bot: enrolment by one-time code, roles, revocation.

An admin makes an enrolment code (``guidebot users enrol``) and hands it to one officer, who
sends ``/enrol CODE`` to the bot. The code works once, for a day unless told otherwise, and is
kept only as its keyed hash. From then on the officer's Telegram id, as its pseudonym, has a
role until it is revoked or its enrolment expires.

Repeated wrong codes from one person are slowed: after three, each further try must wait 30
seconds, doubling to at most an hour, so guessing a code (about 2^59 of them) is hopeless.

Every method takes the time as ``now`` rather than reading a clock, so the rules can be tested
second by second.
"""

from __future__ import annotations

import math
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal, get_args

from bot.keys import PSEUDONYM_KEY_FILE, Keys, refuse_a_lost_key
from bot.store import Store, UserRecord

Role = Literal["officer", "trainer", "supervisor", "admin"]
"""What a person may do: officers ask for guidance, trainers and supervisors see reports,
admins manage who may use the bot."""

ROLES: Final[tuple[Role, ...]] = get_args(Role)

CODE_ALPHABET: Final = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""Digits and capitals without 0, O, 1, I and L, which are easily misread or mistyped."""

CODE_GROUPS: Final = 3
CODE_GROUP_LENGTH: Final = 4
"""Three groups of four, like ``K7QF-M2PX-9HRT``: about 59 bits, easy to type on a phone."""

DEFAULT_CODE_SECONDS: Final = 24 * 60 * 60
"""A code works for a day unless the admin says otherwise."""

MAX_CODE_SECONDS: Final = 30 * 24 * 60 * 60
"""A code lying around for longer than a month is more likely found than used as meant."""

FREE_ATTEMPTS: Final = 3
"""Wrong codes allowed before any wait: room for the odd typo."""

FIRST_DELAY_SECONDS: Final = 30
MAX_DELAY_SECONDS: Final = 60 * 60

Refusal = Literal["malformed", "unknown", "used", "expired", "throttled"]
"""Why a code was refused: not shaped like a code at all, no such code (or a typo), used
already, past its time, or sent before the wait after too many wrong codes was over."""


def keys_for(store: Store, data_dir: Path) -> Keys:
    """The pseudonym keys of a store, made only while nobody has enrolled.

    Every enrolled officer is known by the keyed pseudonym of their Telegram id: a new key
    beside a store that has users (the key file lost, or a mistyped ``--data-dir`` pointing at
    another store) would silently cut every one of them off, and nothing could link them back.
    So a missing key is made on a new install only, as ``guidebot doctor`` already says; where
    officers are enrolled it is refused with what to do. (A damaged key file is reported by
    :meth:`Keys.open` as before.)

    Raises:
        KeysError: the key file is missing but the store has enrolled users, or a key file
            cannot be made or read.
    """
    refuse_a_lost_key(
        data_dir / PSEUDONYM_KEY_FILE,
        relied_on=store.user_count(),
        name="pseudonym key",
        reliance="officers are enrolled in this database",
        loss=(
            "(a new key would cut every enrolled officer off), or check --data-dir; only if no "
            "backup holds it, 'guidebot keys new' makes a new key and every officer must enrol "
            "again"
        ),
    )
    return Keys.open(data_dir)


class UsersError(Exception):
    """A request about users cannot be done: the message says what was wrong and what to do."""


@dataclass(frozen=True)
class EnrolmentCode:
    """A new code, to be shown once to the admin who made it; only its hash is kept."""

    code: str = field(repr=False)  # never in a log line or a traceback's locals
    role: Role
    expires_at: float


@dataclass(frozen=True)
class User:
    """One enrolled person, known only by the pseudonym of their Telegram id."""

    pseudonym: str
    role: Role
    enrolled_at: float
    expires_at: float | None
    revoked_at: float | None
    key_period: int
    conversation: str | None = None
    """The pseudonym of the chat they enrolled from, the audit log's key for their
    conversations (``guidebot audit list --officer``); None if enrolled before it was kept."""

    def active(self, now: float) -> bool:
        """Whether the enrolment holds at ``now``: not revoked and not past its expiry."""
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


_UNITS = {"m": 60, "h": 60 * 60, "d": 24 * 60 * 60}
_UNIT_WORDS = {"m": "minute", "h": "hour", "d": "day"}


def parse_duration(text: str) -> float | None:
    """``90m``, ``24h`` or ``7d`` as seconds; None for anything else (or nothing at all)."""
    match = re.fullmatch(r"\s*(\d+)\s*([mhd])\s*", text.lower())
    if not match or int(match.group(1)) == 0:
        return None
    return float(int(match.group(1)) * _UNITS[match.group(2)])


def duration_words(seconds: float) -> str:
    """'90 minutes', '24 hours', '7 days': as an admin would say it (a day is 24 hours)."""
    whole = int(seconds)
    for unit, least in (("d", 2), ("h", 1), ("m", 1)):
        count, remainder = divmod(whole, _UNITS[unit])
        if count >= least and not remainder:
            return f"{count} {_UNIT_WORDS[unit]}{'s' if count != 1 else ''}"
    return f"{whole} seconds"


def role_phrase(role: str) -> str:
    """'an officer', 'a trainer': a role as it reads in a sentence."""
    return f"an {role}" if role[0] in "aeiou" else f"a {role}"


@dataclass(frozen=True)
class Redemption:
    """The answer to ``/enrol CODE``: enrolled with a role, or refused with the reason.

    ``wait_seconds`` is how long to wait before trying again, when refused as throttled.
    """

    role: Role | None = None
    refusal: Refusal | None = None
    wait_seconds: int = 0

    @property
    def enrolled(self) -> bool:
        """Whether the code enrolled the person."""
        return self.role is not None

    @property
    def message(self) -> str:
        """What to tell the person who sent the code, in words that say what to do next."""
        if self.role is not None:
            return f"You're enrolled as {role_phrase(self.role)}. Send /start to begin."
        if self.refusal == "malformed":
            return (
                "That isn't an enrolment code. A code is 12 letters and numbers, like "
                "K7QF-M2PX-9HRT: send /enrol and your code."
            )
        if self.refusal == "used":
            return "That code has been used already. Each code works once: ask for a new one."
        if self.refusal == "expired":
            return "That code has expired. Ask for a new one."
        if self.refusal == "throttled":
            return f"Too many wrong codes. Wait {_wait_words(self.wait_seconds)}, then try again."
        return (
            "That code isn't one I know. Check it for typos and send /enrol with it again, "
            "or ask for a new one."
        )


def _wait_words(seconds: int) -> str:
    """'30 seconds', '4 minutes': a wait in the unit a person would say."""
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"


def delay_after(failures: int) -> float:
    """Seconds a person must wait after their last wrong code, having sent ``failures`` of them.

    None for the first two; 30 seconds after the third, then doubling with each one more
    (60, 120, ...) up to an hour.
    """
    if failures < FREE_ATTEMPTS:
        return 0.0
    doublings = min(failures - FREE_ATTEMPTS, 16)  # 30 x 2^16 is far past the cap already
    return float(min(FIRST_DELAY_SECONDS * 2**doublings, MAX_DELAY_SECONDS))


def new_code() -> str:
    """A fresh random code from :mod:`secrets`, in groups: ``K7QF-M2PX-9HRT``."""
    characters = "".join(
        secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LENGTH)
    )
    return _grouped(characters)


def _grouped(characters: str) -> str:
    """Twelve code characters as three dash-separated groups of four."""
    return "-".join(
        characters[start : start + CODE_GROUP_LENGTH]
        for start in range(0, len(characters), CODE_GROUP_LENGTH)
    )


def normalise_code(text: str) -> str | None:
    """The code as it was made (``K7QF-M2PX-9HRT``) from what a person typed, or None.

    Case, spaces and dashes (any kind a phone's keyboard puts in) do not matter; a wrong
    length or a character no code contains (such as 0 or O) makes it not a code.
    """
    characters = "".join(
        character.upper()
        for character in text
        if not (character.isspace() or unicodedata.category(character) == "Pd")
    )
    if len(characters) != CODE_GROUPS * CODE_GROUP_LENGTH:
        return None
    if any(character not in CODE_ALPHABET for character in characters):
        return None
    return _grouped(characters)


def as_role(text: str) -> Role | None:
    """The role a stored string names, or None for one this guidebot does not know."""
    for role in ROLES:
        if role == text:
            return role
    return None


def _check_role(role: str) -> Role:
    """The role, or :class:`UsersError` naming the roles there are."""
    known = as_role(role)
    if known is None:
        raise UsersError(f"there is no role {role!r}: use one of {', '.join(ROLES)}")
    return known


class Users:
    """Enrolment, roles and revocation, over the store's tables and the keys' hashes.

    The store keeps rows; this decides what they mean. Codes are hashed under the pseudonym
    key (HMAC-SHA256) rather than with plain SHA-256: a code has only about 59 bits, few
    enough that someone with a copy of the database could try every one against a plain
    hash, while a keyed hash is worthless without the key file. A key rotation therefore also
    voids every code not yet used, which suits it: a rotation is a fresh start.
    """

    def __init__(self, store: Store, keys: Keys) -> None:
        """Work on ``store``'s users and codes, hashing codes with ``keys``."""
        self._store = store
        self._keys = keys

    def create_code(
        self,
        role: Role,
        *,
        now: float,
        valid_for: float = DEFAULT_CODE_SECONDS,
        access_for: float | None = None,
    ) -> EnrolmentCode:
        """Make a one-time code that enrols whoever redeems it with ``role``.

        Args:
            role: The role the code enrols with.
            now: The time now (seconds since the epoch).
            valid_for: Seconds the code works for (at most 30 days).
            access_for: Seconds the enrolment lasts once made; None: until revoked.

        Returns:
            The code, to be shown once: only its hash is kept, so it cannot be shown again.

        Raises:
            UsersError: The role is unknown, or a time is not positive (or too long).
            StoreError: The database cannot be written.
        """
        role = _check_role(role)
        if valid_for <= 0:
            raise UsersError("a code must work for some time: choose up to 30d, such as 24h")
        if valid_for > MAX_CODE_SECONDS:
            raise UsersError(
                f"a code can work for at most {duration_words(MAX_CODE_SECONDS)}, not "
                f"{duration_words(valid_for)}: choose a shorter time, such as 7d"
            )
        if access_for is not None and access_for <= 0:
            raise UsersError("an enrolment must last some time: give --access-for as 30d or 90m")
        code = new_code()
        expires_at = now + valid_for
        self._store.add_enrolment_code(
            self._keys.pseudonym("code", code),
            role,
            now=now,
            expires_at=expires_at,
            access_seconds=access_for,
        )
        return EnrolmentCode(code=code, role=role, expires_at=expires_at)

    def redeem(
        self, user: str, code: str, now: float, *, conversation: str | None = None
    ) -> Redemption:
        """Enrol ``user`` (a pseudonym) with the role of ``code``, or say why not.

        ``conversation`` is the pseudonym of the chat the code came from, kept with the
        enrolment so that ``guidebot audit list --officer`` can find the person's runs.

        A code that is well formed but unknown, used or expired counts as a wrong code; after
        three, :func:`delay_after` says how long the person must wait, during which any code,
        even a right one, is refused without being used. Enrolling again with a new code
        replaces the old enrolment (the new role, and no revocation). Text that is not shaped
        like a code is refused without counting, since it cannot be a guess.

        Raises:
            StoreError: The database cannot be written.
        """
        normalised = normalise_code(code)
        if normalised is None:
            return Redemption(refusal="malformed")
        result = self._store.redeem_enrolment_code(
            self._keys.pseudonym("code", normalised),
            user,
            now=now,
            key_period=self._keys.period,
            delay_after=delay_after,
            conversation=conversation,
        )
        if result.outcome == "enrolled":
            role = as_role(result.role or "")
            if role is None:  # a code made by a newer guidebot: grant nothing rather than guess
                return Redemption(refusal="unknown")
            return Redemption(role=role)
        if result.outcome == "throttled":
            return Redemption(refusal="throttled", wait_seconds=math.ceil(result.wait_seconds))
        return Redemption(refusal=result.outcome)

    def role_of(self, user: str, now: float) -> Role | None:
        """The role ``user`` (a pseudonym) has at ``now``; None if unknown, revoked or expired.

        Raises:
            StoreError: The database cannot be read.
        """
        record = self._store.user(user)
        if record is None or record.key_period != self._keys.period:
            return None
        found = _user(record)
        if found is None or not found.active(now):
            return None
        return found.role

    def list_users(self) -> list[User]:
        """Every user, oldest enrolment first, revoked and expired ones included.

        Raises:
            UsersError: A user has a role this guidebot does not know.
            StoreError: The database cannot be read.
        """
        found: list[User] = []
        for record in self._store.users():
            user = _user(record)
            if user is None:
                raise UsersError(
                    f"user {record.pseudonym} has the role {record.role!r}, which this "
                    "guidebot does not know: update guidebot"
                )
            found.append(user)
        return found

    def revoke(self, user: str, now: float) -> None:
        """Stop ``user`` (a pseudonym) using the bot from ``now`` on.

        Raises:
            UsersError: No user has this pseudonym.
            StoreError: The database cannot be written.
        """
        if not self._store.revoke_user(user, now=now):
            raise _unknown(user)

    def set_role(self, user: str, role: Role) -> None:
        """Give ``user`` (a pseudonym) a new role; their enrolment is otherwise unchanged.

        Raises:
            UsersError: The role is unknown, or no user has this pseudonym.
            StoreError: The database cannot be written.
        """
        role = _check_role(role)
        if not self._store.set_user_role(user, role):
            raise _unknown(user)


def _user(record: UserRecord) -> User | None:
    """The stored row as a :class:`User`, or None if its role is not one this guidebot knows."""
    role = as_role(record.role)
    if role is None:
        return None
    return User(
        pseudonym=record.pseudonym,
        role=role,
        enrolled_at=record.enrolled_at,
        expires_at=record.expires_at,
        revoked_at=record.revoked_at,
        key_period=record.key_period,
        conversation=record.conversation,
    )


def _unknown(user: str) -> UsersError:
    """The error for a pseudonym no user has."""
    return UsersError(
        f"no user has the pseudonym {user!r}: check it against the list of users "
        "(guidebot users list)"
    )
