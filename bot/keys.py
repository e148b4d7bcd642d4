"""The keys guidebot keeps, and the pseudonyms and sealed ids made with them.

Nothing that identifies an officer or a chat is written to disk. Telegram's user and chat ids
are turned into pseudonyms (a keyed hash, so nobody without the key can work one back from an
id, or test a guess) before anything is stored, and the few chat ids the bot must message
unprompted (an idle notice, a daily summary) are sealed: encrypted under a second key. Both
keys live in owner-only files in the data directory, never in the database, so a copy of the
database alone links nothing to anyone. Neither key is ever logged, printed or put in a repr.

Pseudonyms belong to a key period. :meth:`Keys.rotate` starts a new period with a new key, and
from then on the same id gets a different pseudonym: by default the old key is destroyed, so
nobody (guidebot included) can link the two periods' pseudonyms again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Final, Literal, Self, TypeVar

from cryptography.fernet import Fernet, InvalidToken

from bot._private import PrivateFileError, make_private_dirs, write_private_file

PSEUDONYM_KEY_FILE: Final = "pseudonym.key"
"""The pseudonym key and its period, in the data directory."""

SEAL_KEY_FILE: Final = "seal.key"
"""The key that seals chat ids for unprompted messages, in the data directory."""

KEY_BYTES: Final = 32
"""A new pseudonym key's length: HMAC-SHA256's own block of security, 256 bits."""

PSEUDONYM_CHARACTERS: Final = 20
"""Base32 characters kept from the HMAC: 20 x 5 = 100 bits.

Why 100 bits is enough: a pseudonym is not a secret, only a name that must not collide and must
not be worked back. Collisions: among n pseudonyms of one kind the chance that any two share a
name is about n²/2^101; for a million officers and chats that is under 1 in 10^18. Working back
or guessing: without the key every pseudonym is as good as random (HMAC is a PRF), and the key,
not the length, is what stops someone running every possible Telegram id through it; with the
key, any length would fall to that search, so more characters would buy nothing.
"""

PseudonymKind = Literal["user", "chat", "officer", "code"]
"""What a pseudonym stands for. Each kind hashes separately, so a user and a chat with the same
number get unrelated pseudonyms; ``code`` is an enrolment code, kept only as its hash."""

_PREFIXES: Final[dict[str, str]] = {"user": "u", "chat": "c", "officer": "o", "code": "e"}
_DOMAIN: Final = b"guidebot pseudonym v1"
_FORMAT: Final = 1

T = TypeVar("T")


class KeysError(Exception):
    """A key cannot be made, read or used: the message says which file and what to do."""


def refuse_a_lost_key(path: Path, *, relied_on: int, name: str, reliance: str, loss: str) -> None:
    """Stop a key from being made anew where the store already holds what only it fits.

    Each key file is made on a new install. Once the store holds something made with it (an
    officer enrolled under a pseudonym, a checkpoint signed), a missing file means the key was
    lost or the wrong ``--data-dir`` was named, and a new key would silently break what is held:
    every officer cut off, or checkpoints the supervisors' public key cannot check. The one rule
    for the pseudonym key (:func:`bot.users.keys_for`) and the audit signing key
    (:func:`bot.audit.log.log_signing_key`); ``guidebot doctor`` calls those two, so it says
    what ``guidebot run`` would. (The seal key is replaced instead: :func:`a_new_seal_key`.)

    Args:
        path: The key file.
        relied_on: How many rows of the store only this key fits (0 on a new install).
        name: The key as the message names it ("pseudonym key").
        reliance: What relies on it, as the message says it ("officers are enrolled in this
            database").
        loss: What a new key would break, and any other way out, after "restore it".

    Raises:
        KeysError: the key file is missing and something relies on it.
    """
    if relied_on and not path.exists():
        raise KeysError(
            f"No {name} at {path}, but {reliance}: restore {path.name} from your backup {loss}."
        )


def a_new_seal_key(path: Path, *, sealed: int) -> str | None:
    """What a seal key made anew costs, or None when nothing was sealed under the lost one.

    The seal key is the one key guidebot replaces rather than refuses: what it seals is only
    how to reach a chat unprompted (an idle notice), and each chat's id is sealed again under
    the new key when its officer next writes (:class:`bot.channels.telegram.Contacts`). So
    ``guidebot run`` makes a missing one and says this, and ``guidebot doctor`` warns with the
    same words; the pseudonym and signing keys, which nothing can replace, go through
    :func:`refuse_a_lost_key` instead.

    Args:
        path: The seal key file, just made.
        sealed: How many chats' ids the store keeps sealed (under the lost key, if it was lost).
    """
    if not sealed:
        return None
    return (
        f"a new seal key was made at {path}: the {sealed} chat ids sealed under the old one "
        "cannot be opened, so those chats get no idle notice until their officers next write; "
        f"if your backup holds {path.name}, stop guidebot and restore it"
    )


class SealError(KeysError):
    """A sealed token cannot be opened: it was sealed under another key, or has been altered."""


class Keys:
    """The pseudonym key of the current period (and any kept from earlier ones) and the seal key.

    Open it with :meth:`open`. One object may be shared between threads; :meth:`rotate`
    changes the key for every later call. Another process's rotation is not seen until this
    one opens the keys again, which is why the command that rotates says to restart the bot.
    """

    def __init__(
        self,
        *,
        period: int,
        keys: dict[int, bytes],
        seal_key: bytes,
        key_file: Path | None,
        seal_file: Path,
        seal_key_made: bool = False,
    ) -> None:
        """Hold keys :meth:`open` has read; building one directly skips its checks."""
        self._period = period
        self._keys = dict(keys)
        self._fernet = Fernet(seal_key)
        self._key_file = key_file
        self._seal_file = seal_file
        self._lock = threading.Lock()
        self.seal_key_made = seal_key_made
        """Whether :meth:`open` found no seal key and made one (see :func:`a_new_seal_key`)."""

    @classmethod
    def open(cls, data_dir: Path, *, secret: bytes | Path | None = None) -> Self:
        """Read the keys from the data directory, making any missing one on first run.

        A new key is 32 bytes from :mod:`secrets`, in a file made owner-only (0o600) in a
        folder made owner-only (0o700); two processes starting at once end up with the same
        key, since only the first file written is kept.

        Args:
            data_dir: guidebot's data directory (the database's folder).
            secret: The pseudonym key from the settings instead of the data directory's file:
                the key itself (at least 32 bytes; its period is always 1, and it cannot be
                rotated here, only changed in the settings), or the path of a key file in
                guidebot's own format (made there if missing, and rotated there).

        Raises:
            KeysError: A key file cannot be made or read, or ``secret`` is too short.
        """
        data_dir = Path(data_dir)
        _private_dirs(data_dir)
        seal_file = data_dir / SEAL_KEY_FILE
        seal_made = not seal_file.exists()
        seal_key = _read_or_make(seal_file, _new_seal_file, _read_seal_file)
        if isinstance(secret, bytes | bytearray):
            if len(secret) < KEY_BYTES:
                raise KeysError(
                    f"the pseudonym key in the settings is {len(secret)} bytes: use at least "
                    f"{KEY_BYTES} random bytes (or leave it out, and guidebot makes one)"
                )
            return cls(
                period=1,
                keys={1: bytes(secret)},
                seal_key=seal_key,
                key_file=None,
                seal_file=seal_file,
                seal_key_made=seal_made,
            )
        key_file = Path(secret) if secret is not None else data_dir / PSEUDONYM_KEY_FILE
        if secret is not None:
            _private_dirs(key_file.parent)
        period, keys = _read_or_make(key_file, _new_key_file, _read_key_file)
        return cls(
            period=period,
            keys=keys,
            seal_key=seal_key,
            key_file=key_file,
            seal_file=seal_file,
            seal_key_made=seal_made,
        )

    @property
    def period(self) -> int:
        """The current key period: 1 at first, one more at each :meth:`rotate`."""
        return self._period

    @property
    def kept_periods(self) -> tuple[int, ...]:
        """Earlier periods whose keys were kept at rotation (oldest first); usually none."""
        return tuple(sorted(period for period in self._keys if period != self._period))

    @property
    def key_file(self) -> Path | None:
        """Where the pseudonym key is kept; None when it was given in the settings."""
        return self._key_file

    @property
    def seal_file(self) -> Path:
        """Where the seal key is kept."""
        return self._seal_file

    def pseudonym(self, kind: PseudonymKind, value: int | str, *, period: int | None = None) -> str:
        """The pseudonym for ``value`` of ``kind``, such as ``u-`` and 20 base32 characters.

        The same kind and value give the same pseudonym for as long as the key period lasts, so
        a stored row is found again by computing the pseudonym of the id that arrives. An int
        and its decimal string are the same value (Telegram ids arrive as ints).

        Args:
            kind: What the value is; the pseudonym starts with its letter and a dash.
            value: The id (or code) to hide.
            period: An earlier period whose key was kept, to link an old pseudonym to the new;
                the current period if None.

        Raises:
            KeysError: ``period`` is not the current one, nor one whose key was kept.
            ValueError: ``kind`` is not one of :data:`PseudonymKind`, or ``value`` is a bool.
        """
        if kind not in _PREFIXES:
            raise ValueError(f"unknown pseudonym kind {kind!r}: use one of {sorted(_PREFIXES)}")
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError(f"a pseudonym is made from an int or a str, not {type(value)}")
        with self._lock:
            wanted = self._period if period is None else period
            key = self._keys.get(wanted)
        if key is None:
            raise KeysError(
                f"the key for period {wanted} was not kept (the current period is "
                f"{self._period}): pseudonyms from that period cannot be linked any more"
            )
        # The kind and the value are separated by a byte that neither contains, so no two
        # different (kind, value) pairs hash the same bytes.
        message = b"\x00".join((_DOMAIN, kind.encode(), str(value).encode()))
        digest = hmac.new(key, message, hashlib.sha256).digest()
        text = base64.b32encode(digest).decode("ascii")[:PSEUDONYM_CHARACTERS].lower()
        return f"{_PREFIXES[kind]}-{text}"

    def seal(self, value: str) -> str:
        """Encrypt ``value`` (a chat id the bot must message unprompted) under the seal key.

        The token is authenticated: it opens only under this key and only as written. Each
        seal of the same value gives a different token, so tokens cannot be compared either.
        """
        return self._fernet.encrypt(value.encode()).decode("ascii")

    def unseal(self, token: str) -> str:
        """The value :meth:`seal` sealed into ``token``.

        Raises:
            SealError: The token was sealed under another seal key, or has been altered.
        """
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode()
        except (InvalidToken, UnicodeError) as error:
            raise SealError(
                f"a sealed chat id cannot be opened with the key in {self._seal_file}: it was "
                "sealed under another key or has been altered; the bot cannot message that "
                "chat until the officer writes to it again"
            ) from error

    def rotate(self, *, keep_old: bool = False) -> int:
        """Start a new key period with a new pseudonym key, and return its number.

        From now on every id gets a new pseudonym, unrelated to its old one. Unless
        ``keep_old`` is set the old key is dropped from the file, so pseudonyms from earlier
        periods can never be linked to later ones, by guidebot or anyone who copies the file
        later; an admin who must link them keeps it on purpose.

        Crash-safe: the new file is written whole and flushed beside the old, then renamed over
        it in one step, so a crash leaves the old key or the new, never neither.

        Raises:
            KeysError: The key was given in the settings as bytes, or the file cannot be
                read or written.
        """
        if self._key_file is None:
            raise KeysError(
                "the pseudonym key is given in the settings, so guidebot cannot rotate it: "
                "put a new key in the settings instead"
            )
        with self._lock:
            # Read the file again: another process may have rotated since this one opened it.
            period, keys = _read_key_file(self._key_file, _read_bytes(self._key_file))
            new_period = period + 1
            kept = keys if keep_old else {}
            kept = {**kept, new_period: secrets.token_bytes(KEY_BYTES)}
            content = _key_file_content(new_period, kept)
            try:
                write_private_file(self._key_file, content, what="the key file", replace=True)
            except PrivateFileError as error:
                raise KeysError(str(error)) from error
            self._period, self._keys = new_period, kept
        return new_period

    def __repr__(self) -> str:
        """Say which period and file, never a key."""
        return f"Keys(period={self._period}, key_file={self._key_file})"


def _private_dirs(folder: Path) -> None:
    """The keys' folder, made owner-only if missing."""
    try:
        make_private_dirs(folder, what="the folder for guidebot's keys")
    except PrivateFileError as error:
        raise KeysError(str(error)) from error


def _read_or_make(path: Path, make: Callable[[], bytes], read: Callable[[Path, bytes], T]) -> T:
    """Read the key file at ``path``, first writing a new one with ``make()`` if it is missing."""
    if not path.exists():
        try:
            write_private_file(path, make(), what="a new key file", replace=False)
        except FileExistsError:
            pass  # another process made it first: use theirs, so both share one key
        except PrivateFileError as error:
            raise KeysError(str(error)) from error
    return read(path, _read_bytes(path))


def _read_bytes(path: Path) -> bytes:
    """A key file's bytes, or a KeysError saying why it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise KeysError(
            f"{path}: cannot read the key file ({error.strerror}): check it is a file that "
            "belongs to the account running guidebot"
        ) from error


def _key_file_content(period: int, keys: dict[int, bytes]) -> bytes:
    """The key file's bytes: its format, the current period and each period's key."""
    document = {
        "format": _FORMAT,
        "period": period,
        "keys": {
            str(number): base64.b64encode(key).decode("ascii") for number, key in keys.items()
        },
    }
    return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()


def _new_key_file() -> bytes:
    """A first key file: period 1 and a new random key."""
    return _key_file_content(1, {1: secrets.token_bytes(KEY_BYTES)})


_NEW_PSEUDONYM_KEY = (
    "move it aside and run 'guidebot keys new' to make a new key (every officer must then "
    "enrol again)"
)
_NEW_SEAL_KEY = (
    "move it aside and guidebot will make a new key (the bot then cannot message a chat "
    "unprompted until its officer writes again)"
)


def _damaged(path: Path, why: str, *, then: str = _NEW_PSEUDONYM_KEY) -> KeysError:
    """The error for a key file guidebot cannot read, with what the admin can do about it."""
    return KeysError(
        f"{path}: not a usable guidebot key file ({why}): restore it from a backup; only if "
        f"there is none, {then}"
    )


def _read_key_file(path: Path, content: bytes) -> tuple[int, dict[int, bytes]]:
    """The current period and every key the file holds, refusing a damaged file."""
    try:
        document = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _damaged(path, "it is not JSON") from None  # never echo a key file's bytes
    if not isinstance(document, dict) or document.get("format") != _FORMAT:
        raise _damaged(path, f"it is not in key file format {_FORMAT}")
    period = document.get("period")
    encoded = document.get("keys")
    if not isinstance(period, int) or isinstance(period, bool) or period < 1:
        raise _damaged(path, "its period is not a whole number from 1")
    if not isinstance(encoded, dict):
        raise _damaged(path, "it has no keys")
    keys: dict[int, bytes] = {}
    for number, text in encoded.items():
        try:
            key = base64.b64decode(text, validate=True)
            keys[int(number)] = key
        except (TypeError, ValueError, binascii.Error):
            raise _damaged(path, f"the key for period {number} is not base64") from None
        if len(key) < KEY_BYTES:
            raise _damaged(path, f"the key for period {number} is shorter than {KEY_BYTES} bytes")
    if period not in keys:
        raise _damaged(path, f"it has no key for its period, {period}")
    return period, keys


def _new_seal_file() -> bytes:
    """A new seal key file: one Fernet key (AES-128-CBC and HMAC-SHA256), on a line of its own."""
    return Fernet.generate_key() + b"\n"


def _read_seal_file(path: Path, content: bytes) -> bytes:
    """The seal key, refusing a file that does not hold a Fernet key."""
    key = content.strip()
    try:
        Fernet(key)
    except (ValueError, binascii.Error):
        raise _damaged(path, "it does not hold a seal key", then=_NEW_SEAL_KEY) from None
    return key
