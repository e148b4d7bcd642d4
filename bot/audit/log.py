"""Checkpoints, verification, proofs and retention, as Certificate Transparency does them.

RFC 6962 and RFC 9162 define the tree and its proofs.

Every event is a leaf of an append-only Merkle tree (see :mod:`bot.store._audit`). A
checkpoint (log origin, size, root hash) is signed with Ed25519 as a C2SP signed note, under a
key kept in its own owner-only file, never in the database. Anyone holding the public key can
then check the whole log (``verify``), or that one event is in it (``prove`` and
``check_proof``) without the database: someone who alters, deletes, inserts or reorders an
event, cuts the tail off, or rebuilds the tree, cannot produce a signature that matches.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from bot._private import make_private_dirs, write_private_file
from bot.audit._merkle import (
    EMPTY_ROOT,
    CompactRange,
    event_leaf_hash,
    verify_inclusion,
)
from bot.audit._note import NoteError, Signer, Verifier, open_note
from bot.audit._tree import BLOCK, StoredTree, block_root
from bot.event_fields import PRACTICE_FIELD
from bot.keys import KeysError, refuse_a_lost_key
from bot.store import Store, StoreError, leaf_content, leaf_content_of_text

KEY_FILE = "audit-signing.key"
"""The signing key's file in the data folder: owner-only, never in the database."""
KEY_NAME = "guidebot-audit"
ORIGIN_PREFIX = "guidebot-audit/"
"""A checkpoint's first line: the log's origin, naming the key that signs it."""
PROOF_FORMAT = "guidebot-audit-proof/1"
DAY_SECONDS = 24 * 60 * 60


class AuditError(Exception):
    """The audit log cannot do what was asked; the message says why and what to do."""


def signing_key(data_dir: Path, *, create: bool = True) -> Signer:
    """The log's signing key from the data folder, made on first use (owner-only).

    Raises:
        AuditError: there is no key and ``create`` is off, or the key file is damaged.
    """
    path = data_dir / KEY_FILE
    if not path.exists():
        if not create:
            raise AuditError(
                f"No audit signing key at {path}: guidebot makes one when it first signs a "
                "checkpoint ('guidebot run' at its start, or 'guidebot audit checkpoint'); if "
                "one was made for this folder, restore it from your backup."
            )
        make_private_dirs(data_dir, what="the data folder")
        signer = Signer.generate(KEY_NAME)
        write_private_file(
            path, (signer.encoded() + "\n").encode(), what="the audit signing key", replace=False
        )
    try:
        return Signer.parse(path.read_text(encoding="ascii"))
    except (NoteError, UnicodeDecodeError) as error:
        raise AuditError(f"The audit signing key at {path} is damaged: {error}.") from error


def log_signing_key(store: Store, data_dir: Path) -> Signer:
    """The key that signs this store's checkpoints; made only while none has been signed.

    Once a checkpoint is signed, a missing key file means the key was lost or the wrong data
    folder was named: a new key would sign checkpoints that the public key supervisors kept
    cannot check, and could never vouch for the log's past, so it is refused, not replaced.

    Raises:
        AuditError: the key is missing though the log has checkpoints, or it is damaged.
    """
    try:
        refuse_a_lost_key(
            data_dir / KEY_FILE,
            relied_on=store.checkpoint_count(),
            name="audit signing key",
            reliance="the log's checkpoints were signed with one",
            loss=(
                "(without it those checkpoints cannot be verified here, and a new key could "
                "not vouch for the log's past); meanwhile 'guidebot audit verify --key' checks "
                "the log with the public key your supervisors kept"
            ),
        )
    except KeysError as error:
        raise AuditError(str(error)) from error
    return signing_key(data_dir)


def origin_of(verifier: Verifier) -> str:
    """The log's origin line: the same key always signs the same log."""
    return f"{ORIGIN_PREFIX}{verifier.hash:08x}"


@dataclass(frozen=True)
class Checkpoint:
    """What a signed checkpoint says: whose log, how many events, and their root hash."""

    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        """The checkpoint body as C2SP's checkpoint format lays it out."""
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    @classmethod
    def read(cls, note: str, verifier: Verifier) -> Checkpoint:
        """The checkpoint a note carries, once its signature is checked.

        Raises:
            NoteError: the note is not signed by ``verifier`` or is not a checkpoint.
        """
        lines = open_note(note, verifier).splitlines()
        if len(lines) < 3 or not lines[1].isdigit():
            raise NoteError("the note is not a checkpoint (origin, size, root hash)")
        try:
            digest = base64.b64decode(lines[2], validate=True)
        except ValueError as error:
            raise NoteError("the checkpoint's root hash is not base64") from error
        if len(digest) != 32:
            raise NoteError("the checkpoint's root hash is not a SHA-256 hash")
        return cls(lines[0], int(lines[1]), digest)


def sign_checkpoint(store: Store, signer: Signer, *, now: float, reason: str) -> str:
    """Sign and keep a checkpoint of the log as it stands; returns the signed note."""
    size = store.audit_size()
    digest = StoredTree(store, size).root()
    checkpoint = Checkpoint(origin_of(signer.verifier), size, digest)
    note = signer.sign(checkpoint.text())
    store.add_checkpoint(checkpoint.size, digest, note, signed_at=now, reason=reason)
    return note


def checkpoint_due(store: Store, now: float, every: float = DAY_SECONDS) -> bool:
    """Whether a day has passed since the last checkpoint (and events have come since)."""
    kept = store.checkpoints()
    if not kept:
        return store.audit_size() > 0
    return now - kept[-1].signed_at >= every and store.audit_size() > kept[-1].size


class Wrong(StrEnum):
    """What kind of thing ``verify`` found wrong: what a command decides on, never the words."""

    INSERTED = "inserted"
    DELETED = "deleted"
    MOVED = "moved"
    ALTERED = "altered"
    BLOCK_ALTERED = "block altered"
    BLOCKS_MISSING = "blocks missing"
    NOT_SIGNED_BY_KEY = "not signed by this key"
    ANOTHER_LOG = "another log"
    CUT_OFF = "cut off"
    UNLIKE_CHECKPOINT = "unlike a checkpoint"
    FIELDS_UNLIKE = "report fields unlike the log"
    NEVER_SIGNED = "never signed"
    """No checkpoint, stored or kept, vouches for the log: an empty log, or one logged before
    its first checkpoint. Nothing was found altered: commands tell it apart from tampering."""


@dataclass
class Verification:
    """What ``verify`` found: OK, or the first thing wrong, in words a supervisor can act on."""

    events: int = 0
    purged: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)
    wrong: Wrong | None = None
    """The kind of the first problem; None when nothing is wrong."""

    @property
    def ok(self) -> bool:
        """Nothing was found wrong."""
        return not self.problems

    @property
    def never_signed(self) -> bool:
        """The one thing wrong is that no checkpoint vouches for the log yet."""
        return self.wrong is Wrong.NEVER_SIGNED

    def found(self, wrong: Wrong, problem: str) -> None:
        """Record a problem with its kind; the first one found is the one shown and decided on."""
        if self.wrong is None:
            self.wrong = wrong
        self.problems.append(problem)


def verify(store: Store, verifier: Verifier, *, kept: Sequence[str] = ()) -> Verification:
    """Recompute the whole tree and check it against every signed checkpoint.

    ``kept`` are checkpoints someone kept outside the database (a supervisor's copy): they
    catch a tail cut off, or checkpoints replaced, after they were taken. Then, once the log
    itself holds, the report's copy of each event's fields must say what the event says, or a
    report could disagree with a log that verifies.
    """
    # The fields are read on a connection of their own while this thread hashes the tree:
    # SQLite works outside the GIL, so on a second core the check adds no waiting.
    with ThreadPoolExecutor(max_workers=1) as worker:
        fields = worker.submit(store.first_event_unlike_its_fields)
        report, signed = _verify_tree(store, verifier, kept)
        if report.problems:
            # An event altered into something that is not JSON also stops the fields' read;
            # the tree has already named that event, which is what the supervisor needs.
            fields.exception()
            return report
        unlike = fields.result()
    if unlike is not None:
        report.found(
            Wrong.FIELDS_UNLIKE,
            "Report fields are kept for an event that is not in the log: the event was "
            "deleted, or the fields were added, so reports made from them cannot be trusted."
            if unlike < 0
            else f"Event {unlike + 1}'s report fields do not match its logged content: they "
            "were altered, so reports made from them cannot be trusted.",
        )
        return report
    if not signed:
        report.found(
            Wrong.NEVER_SIGNED,
            "No signed checkpoint vouches for the log: run 'guidebot audit checkpoint'.",
        )
    return report


def _verify_tree(
    store: Store, verifier: Verifier, kept: Sequence[str]
) -> tuple[Verification, bool]:
    """The tree against the checkpoints; and whether any checkpoint, stored or kept, exists."""
    rows = store.audit_texts()
    stored = store.checkpoints()
    report = Verification(
        events=len(rows), purged=sum(not row[3] for row in rows), checkpoints=len(stored)
    )
    leaves = _check_leaves(rows, report)
    if report.problems:
        return report, True
    blocks = store.block_hashes(len(leaves) // BLOCK)
    for number, block in enumerate(blocks):
        if block != block_root(leaves[number * BLOCK : (number + 1) * BLOCK]):
            first = number * BLOCK + 1
            report.found(
                Wrong.BLOCK_ALTERED,
                f"The stored hash of events {first} to {first + BLOCK - 1} was altered: proofs "
                "made from it would not check out.",
            )
            return report, True
    if len(blocks) != len(leaves) // BLOCK:
        report.found(
            Wrong.BLOCKS_MISSING, "Stored block hashes are missing: proofs cannot be made."
        )
        return report, True
    notes = [(f"checkpoint {c.row_id} (signed {_when(c.signed_at)})", c.note) for c in stored]
    notes += [(f"kept checkpoint {n}", note) for n, note in enumerate(kept, 1)]
    read: list[tuple[str, Checkpoint]] = []
    for name, note in notes:
        try:
            checkpoint = Checkpoint.read(note, verifier)
        except NoteError as error:
            report.found(Wrong.NOT_SIGNED_BY_KEY, f"{name} is not signed by this key: {error}.")
            return report, True
        if checkpoint.origin != origin_of(verifier):
            report.found(Wrong.ANOTHER_LOG, f"{name} is for another log ({checkpoint.origin}).")
            return report, True
        if checkpoint.size > len(leaves):
            report.found(
                Wrong.CUT_OFF,
                f"{name} vouches for {checkpoint.size} events but the log holds "
                f"{len(leaves)}: events after event {len(leaves)} were cut off.",
            )
            return report, True
        read.append((name, checkpoint))
    # Every checkpoint's root is recomputed from the prefix of the one sequence of leaves, in a
    # single pass: matching them all is what consistency proofs between them would show.
    roots = _roots_at(leaves, {checkpoint.size for _, checkpoint in read})
    for name, checkpoint in read:
        if roots[checkpoint.size] != checkpoint.root:
            report.found(
                Wrong.UNLIKE_CHECKPOINT,
                f"The log does not match {name}: an event among the first {checkpoint.size} "
                "was altered, or the tree was rebuilt without the signing key.",
            )
            return report, True
    return report, bool(notes)


def _roots_at(leaves: Sequence[bytes], sizes: set[int]) -> dict[int, bytes]:
    """The tree's root at each of ``sizes``, appending every leaf once (O(n log n) at most)."""
    roots = {0: EMPTY_ROOT} if 0 in sizes else {}
    tree = CompactRange()
    for leaf in leaves:
        tree.append(leaf)
        if tree.size in sizes:
            roots[tree.size] = tree.root()
    return roots


def _check_leaves(rows: Sequence[AuditText], report: Verification) -> list[bytes]:
    """Each row's leaf hash, recomputed where its content is still there, in leaf order."""
    leaves: list[bytes] = []
    seen: set[int] = set()
    for position, (leaf, key, recorded_at, text, salt, digest) in enumerate(rows):
        number = position + 1
        if leaf is None or digest is None:
            report.found(Wrong.INSERTED, f"Event {number} was inserted: it is not in the tree.")
            return leaves
        if leaf != position:
            if leaf in seen:
                report.found(Wrong.INSERTED, f"Event {number} was inserted: its place is taken.")
            elif leaf > position and all(row[0] != position for row in rows[position:]):
                report.found(Wrong.DELETED, f"Event {position + 1} was deleted.")
            else:
                report.found(Wrong.MOVED, f"Event {number} was moved: the log is out of order.")
            return leaves
        seen.add(leaf)
        if text and not _holds(key, recorded_at, text, salt, digest):
            report.found(Wrong.ALTERED, f"Event {number} was altered after it was logged.")
            return leaves
        leaves.append(bytes(digest))
    return leaves


AuditText = tuple[int | None, str, float, str, bytes | None, bytes | None]


def _holds(key: str, recorded_at: float, text: str, salt: bytes | None, digest: bytes) -> bool:
    """Whether an event's stored content still hashes to the leaf it was logged as.

    The stored text is spliced in as it is (the fast way, for events stored canonically); an
    event logged before the store wrote canonical JSON is parsed and re-encoded instead.
    """
    if salt is None:
        return False
    if event_leaf_hash(salt, leaf_content_of_text(key, recorded_at, text)) == digest:
        return True
    try:
        content = leaf_content(key, recorded_at, json.loads(text))
    except ValueError:
        return False
    return event_leaf_hash(salt, content) == digest


def prove(store: Store, signer: Signer, event: int, *, now: float) -> dict[str, Any]:
    """A proof that event ``event`` (counted from 1) is in the log, checkable offline.

    Uses the latest checkpoint covering the event, signing a new one if none does.

    Raises:
        AuditError: there is no such event, or it has been purged.
    """
    row = store.audit_row(event - 1) if event >= 1 else None
    if row is None or row.leaf is None:
        raise AuditError(f"There is no event {event} in the log.")
    if row.event is None or row.salt is None:
        raise AuditError(f"Event {event} has been purged: only its hash is left to prove.")
    covering = [c for c in store.checkpoints() if c.size > row.leaf]
    note = covering[-1].note if covering else None
    if note is None:
        note = sign_checkpoint(store, signer, now=now, reason="proof")
    checkpoint = Checkpoint.read(note, signer.verifier)
    path = StoredTree(store, checkpoint.size).inclusion_proof(row.leaf)
    return {
        "format": PROOF_FORMAT,
        "checkpoint": note,
        "event_number": event,
        "key": row.key,
        "recorded_at": row.recorded_at,
        "event": row.event,
        "salt": base64.b64encode(row.salt).decode(),
        "inclusion": [base64.b64encode(h).decode() for h in path],
    }


@dataclass(frozen=True)
class ProofCheck:
    """The outcome of checking a proof file: whether it holds, and why not."""

    ok: bool
    message: str


def check_proof(proof: dict[str, Any], verifier: Verifier) -> ProofCheck:
    """Check a proof file with the public key alone: no database needed."""
    try:
        if proof.get("format") != PROOF_FORMAT:
            return ProofCheck(False, "This is not a guidebot audit proof.")
        checkpoint = Checkpoint.read(str(proof["checkpoint"]), verifier)
        index = int(proof["event_number"]) - 1
        salt = base64.b64decode(str(proof["salt"]), validate=True)
        path = [base64.b64decode(str(h), validate=True) for h in proof["inclusion"]]
        content = leaf_content(str(proof["key"]), float(proof["recorded_at"]), proof["event"])
    except NoteError as error:
        return ProofCheck(False, f"The checkpoint does not check out: {error}.")
    except (KeyError, TypeError, ValueError):
        return ProofCheck(False, "The proof file is damaged: a field is missing or unreadable.")
    if checkpoint.origin != origin_of(verifier):
        return ProofCheck(False, "The proof is for another log.")
    if not 0 <= index < checkpoint.size:
        return ProofCheck(False, "The event is not within the checkpoint.")
    leaf = event_leaf_hash(salt, content)
    if not verify_inclusion(leaf, index, checkpoint.size, path, checkpoint.root):
        return ProofCheck(False, "The event is not in the log as the checkpoint signs it.")
    return ProofCheck(
        True,
        f"OK: event {index + 1} is in the log of {checkpoint.size} events signed by "
        f"{verifier.encoded()}.",
    )


def purge(store: Store, *, older_than_days: float, now: float) -> int:
    """Empty events older than ``older_than_days``; the log still verifies afterwards."""
    if older_than_days < 0:
        raise AuditError("--older-than must be a number of days, 0 or more.")
    return store.purge_audit(now - older_than_days * DAY_SECONDS, now=now)


def read_proof(path: Path) -> dict[str, Any]:
    """A proof file's content.

    Raises:
        AuditError: the file cannot be read as a proof.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise AuditError(f"Could not read the proof {path}: {error}.") from error
    if not isinstance(data, dict):
        raise AuditError(f"{path} is not a guidebot audit proof.")
    return data


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")


class Checkpointer:
    """Signs checkpoints when they are due: daily, and at shutdown, if events came since."""

    def __init__(self, store: Store, signer: Signer) -> None:
        """Sign checkpoints of ``store``'s log with ``signer``."""
        self._store = store
        self._signer = signer

    def sign_if_new(self, *, now: float, reason: str) -> str | None:
        """Sign a checkpoint if any event came since the last one; the note, or None."""
        kept = self._store.checkpoints()
        size = self._store.audit_size()
        if size == 0 or (kept and kept[-1].size == size):
            return None
        return sign_checkpoint(self._store, self._signer, now=now, reason=reason)

    def daily(self, *, now: float) -> str | None:
        """Sign the day's checkpoint if a day has passed since the last; the note, or None."""
        if not checkpoint_due(self._store, now):
            return None
        return sign_checkpoint(self._store, self._signer, now=now, reason="daily")


def supervisor_summary(store: Store, *, now: float, hours: float = 24) -> str:
    """What ``/audit`` shows a supervisor, in pseudonyms and ids only.

    The red flags of the last day, any safety prompt left unacknowledged, and the latest signed
    checkpoint.
    """
    since = now - hours * 60 * 60
    raised: dict[tuple[str, int, str], float] = {}
    acknowledged: set[tuple[str, int, str]] = set()
    practice: set[tuple[str, int, str]] = set()
    try:
        events = store.audit_events()
    except StoreError:
        # The supervisor in Telegram cannot act on a server path; IT can, with verify.
        return (
            "The audit log cannot be read: an event in it was damaged or altered. Ask IT to "
            "run 'guidebot audit verify' and restore a backup that verifies."
        )
    for event in events:
        at = float(event.get("at") or event["recorded_at"])
        if at < since:
            continue
        flag = event.get("red_flag")
        if not flag:
            continue
        slot = (str(event["key"]), int(event.get("run", 0)), str(flag))
        if event.get(PRACTICE_FIELD):
            # A trainee's red flag is not a child at risk: kept apart, never listed as operational.
            if event["kind"] == "red_flag":
                practice.add(slot)
            continue
        if event["kind"] == "red_flag":
            raised.setdefault(slot, at)
        elif event["kind"] == "red_flag_acknowledged":
            acknowledged.add(slot)
    lines = [f"Red flags in the last {hours:g} hours: {len(raised)}"]
    for (key, run, flag), at in sorted(raised.items(), key=lambda item: item[1]):
        state = "acknowledged" if (key, run, flag) in acknowledged else "NOT acknowledged"
        lines.append(f"- {_when(at)} {flag} ({key}, run {run}): {state}")
    waiting = [slot for slot in raised if slot not in acknowledged]
    lines.append(f"Safety prompts not acknowledged: {len(waiting)}")
    if practice:
        lines.append(f"Red flags in practice conversations (not listed): {len(practice)}")
    kept = store.checkpoints()
    if kept:
        lines.append(f"Latest signed checkpoint ({_when(kept[-1].signed_at)}):")
        lines.append(kept[-1].note.rstrip("\n"))
    else:
        lines.append("No signed checkpoint yet.")
    return "\n".join(lines)
