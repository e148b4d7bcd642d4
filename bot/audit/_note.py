"""Signed notes, as Certificate Transparency's successors sign their checkpoints.

The format is C2SP's signed-note (the Go checksum database's ``golang.org/x/mod/sumdb/note``):
a text ending in a newline, a blank line, then one line per signature,
``— <name> <base64(key hash ‖ Ed25519 signature)>``. A verifier key is one line,
``<name>+<key hash>+<base64(0x01 ‖ public key)>``, that a supervisor can keep on paper; any
tool that reads signed notes checks guidebot's checkpoints without guidebot.
"""

from __future__ import annotations

import base64
import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

ED25519 = 0x01
"""The signed-note algorithm byte for Ed25519."""
DASH = "—"
"""U+2014: a signature line starts with an em dash and a space."""


class NoteError(ValueError):
    """A key or a note is not in the signed-note format; the message says which part."""


def key_hash(name: str, key: bytes) -> int:
    """The 32-bit hash that names a key: SHA-256(name, newline, algorithm, key), first 4 bytes."""
    digest = hashlib.sha256(name.encode() + b"\n" + key).digest()
    return int(struct.unpack(">I", digest[:4])[0])


def _check_name(name: str) -> str:
    if not name or "+" in name or any(c.isspace() for c in name):
        raise NoteError(f"a key name must be one word with no '+', not {name!r}")
    return name


@dataclass(frozen=True)
class Verifier:
    """A public key with its name: checks signatures, and prints as one line to keep."""

    name: str
    public_key: bytes

    @property
    def hash(self) -> int:
        """The key's 32-bit hash, as in its signatures."""
        return key_hash(self.name, bytes([ED25519]) + self.public_key)

    def encoded(self) -> str:
        """``name+hash+base64(0x01 ‖ key)``: the verifier key to print and keep."""
        key = base64.b64encode(bytes([ED25519]) + self.public_key).decode()
        return f"{self.name}+{self.hash:08x}+{key}"

    @classmethod
    def parse(cls, text: str) -> Verifier:
        """Read a verifier key line, checking its hash and algorithm.

        Raises:
            NoteError: the line is not a guidebot (Ed25519) verifier key.
        """
        parts = text.strip().split("+", 2)  # base64 may itself hold '+'
        if len(parts) != 3 or len(parts[1]) != 8:
            raise NoteError("a verifier key reads name+8 hex digits+base64 key")
        name, claimed, key = _read_key("verifier key", *parts)
        if claimed != key_hash(name, bytes([ED25519]) + key):
            raise NoteError("the verifier key's hash does not match its name and key")
        return cls(name, key)

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is this key's over ``message``."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class Signer:
    """A private key with its name: signs notes. Never printed or logged."""

    name: str
    seed: bytes

    def __repr__(self) -> str:
        """Name only: a repr in a log must never carry the key."""
        return f"Signer({self.name!r})"

    @classmethod
    def generate(cls, name: str) -> Signer:
        """A new random key."""
        key = Ed25519PrivateKey.generate()
        seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return cls(_check_name(name), seed)

    @property
    def verifier(self) -> Verifier:
        """The matching public key."""
        public = Ed25519PrivateKey.from_private_bytes(self.seed).public_key()
        return Verifier(self.name, public.public_bytes(Encoding.Raw, PublicFormat.Raw))

    def encoded(self) -> str:
        """``PRIVATE+KEY+name+hash+base64(0x01 ‖ seed)``, for the key file."""
        seed = base64.b64encode(bytes([ED25519]) + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.hash:08x}+{seed}"

    @classmethod
    def parse(cls, text: str) -> Signer:
        """Read a private key line, checking it matches its own hash.

        Raises:
            NoteError: the text is not a signed-note Ed25519 private key.
        """
        parts = text.strip().split("+", 4)  # base64 may itself hold '+'
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("a signing key reads PRIVATE+KEY+name+hash+base64 key")
        name, claimed, key = _read_key("signing key", *parts[2:])
        signer = cls(name, key)
        if claimed != signer.verifier.hash:
            raise NoteError("the signing key's hash does not match its key")
        return signer

    def sign(self, text: str) -> str:
        """The note: ``text``, a blank line and this key's signature line."""
        if not text.endswith("\n") or "\n\n" in text:
            raise NoteError("a note's text must end in a newline and hold no blank line")
        signature = Ed25519PrivateKey.from_private_bytes(self.seed).sign(text.encode())
        tagged = base64.b64encode(struct.pack(">I", self.verifier.hash) + signature).decode()
        return f"{text}\n{DASH} {self.name} {tagged}\n"


def _read_key(what: str, name: str, hash_hex: str, encoded: str) -> tuple[str, int, bytes]:
    """A key line's name, claimed hash and 32-byte Ed25519 key (the algorithm byte removed).

    Raises:
        NoteError: a part is unreadable, or the key is not Ed25519.
    """
    _check_name(name)
    try:
        key = base64.b64decode(encoded, validate=True)
        claimed = int(hash_hex, 16)
    except ValueError as error:
        raise NoteError(f"the {what}'s hash or key is not readable") from error
    if len(key) != 33 or key[0] != ED25519:
        raise NoteError(f"the {what} is not an Ed25519 key")
    return name, claimed, key[1:]


def open_note(note: str, verifier: Verifier) -> str:
    """The text of a note signed by ``verifier``'s key.

    Raises:
        NoteError: the note is malformed, or carries no valid signature by that key.
    """
    text, separator, signatures = note.rpartition("\n\n")
    if not separator:
        raise NoteError("a signed note has its text, a blank line, then signature lines")
    text += "\n"
    for line in signatures.splitlines():
        prefix = f"{DASH} {verifier.name} "
        if not line.startswith(prefix):
            continue
        try:
            tagged = base64.b64decode(line[len(prefix) :], validate=True)
        except ValueError:
            continue
        if len(tagged) != 68 or struct.unpack(">I", tagged[:4])[0] != verifier.hash:
            continue
        if verifier.verify(text.encode(), tagged[4:]):
            return text
    raise NoteError(f"the note carries no valid signature by {verifier.name}")
