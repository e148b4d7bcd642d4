"""The tamper-evident audit log: a Merkle tree of events with signed checkpoints.

:mod:`bot.audit.log` holds checkpoints, verification, proofs and retention. This front door
hands on only the pure pieces its neighbours need: the hashing the store does as it appends
each event (so the store never pulls in the log, which reads the store), and the signed-note
reader the command line checks keys and backups with. The note's names are imported on first
use (PEP 562), because they load the ``cryptography`` package, which the store must not pay for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bot.audit._merkle import canonical_json, event_leaf_hash
from bot.audit._tree import BLOCK, block_root

if TYPE_CHECKING:
    from bot.audit._note import NoteError, Signer, Verifier

_SIGNED_NOTES = {"NoteError", "Signer", "Verifier"}
"""The names :mod:`bot.audit._note` hands on, imported when first asked for."""


def __getattr__(name: str) -> Any:
    if name not in _SIGNED_NOTES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module("bot.audit._note"), name)
    globals()[name] = value
    return value


__all__ = [
    "BLOCK",
    "NoteError",
    "Signer",
    "Verifier",
    "block_root",
    "canonical_json",
    "event_leaf_hash",
]
