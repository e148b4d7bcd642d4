"""A cache of what guidebot builds from its files, so that start-up skips work already done.

Reading the YAML (by the pure-Python YAML 1.2 loader) and compiling the flows, the knowledge
matcher and the danger cues takes seconds; loading the result takes a tenth of that. The
result is kept in one file per kind in the data directory's ``cache/`` folder, under a key that
hashes everything it was built from: every input file's bytes, guidebot's own code, the Python
version and every installed package's version. Any change to any of them is a new key, and an
entry under another key is never read: it is rebuilt and replaced.

The cache can never change what guidebot does, only how fast it starts:

* A file that is missing, unreadable, truncated, altered, written by someone else or under
  another key is ignored (the caller builds afresh); reading the cache never raises.
* Files are written owner-only (0600) in an owner-only folder (0700), atomically (a temporary
  file renamed over the old one), and read only when owned by this user and not writable by
  anyone else. The payload's SHA-256 is checked before it is unpickled.
* Nothing an officer types is ever cached: what is stored is built from guidebot's own files
  before any message is read. Nor is a data directory ever created for the cache: it is
  written only where the data directory already exists.

``GUIDEBOT_CACHE=off`` (or ``0``, ``no``, ``false``) turns every cache off for a process.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import stat
import sys
import time
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from bot import __version__

ENVIRONMENT_VARIABLE = "GUIDEBOT_CACHE"
"""Set to ``off``, ``0``, ``no`` or ``false`` to build everything afresh and write no cache."""

FOLDER = "cache"
"""The cache's folder inside the data directory."""

FORMAT = b"guidebot-cache 1\n"
"""The first line of every cache file; a new layout gets a new number, so old files are ignored."""

_DIGEST = 64
"""Length of a SHA-256 digest in hex: the key's, and the payload's."""

_OFF = frozenset({"off", "0", "no", "false"})

_folder: Path | None = None


def enabled() -> bool:
    """Whether caches may be read and written in this process (see :data:`ENVIRONMENT_VARIABLE`)."""
    return os.environ.get(ENVIRONMENT_VARIABLE, "").strip().lower() not in _OFF


def use_folder(data_dir: Path | None) -> None:
    """Say where this process keeps caches read before any settings are (the language pack).

    The language pack is read when guidebot's modules are first imported, so a command that
    wants it cached calls this with its data directory before importing them. Until then, and
    with ``None``, that pack is not cached (a test or a script is never surprised by a cache).
    """
    global _folder
    _folder = data_dir / FOLDER if data_dir is not None else None


def folder() -> Path | None:
    """The folder set by :func:`use_folder`, or None (no cache for what is read at import)."""
    return _folder


@cache
def code_digest() -> str:
    """A hash of guidebot's own Python code: a changed module must not reuse an old build."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@cache
def environment() -> str:
    """The Python and every installed package, by name and version, and guidebot's version.

    Read from the distribution folders' names on ``sys.path`` (``rapidfuzz-3.14.6.dist-info``),
    which costs a directory listing where asking each package would cost an import.
    """
    installed = sorted(
        name
        for entry in sys.path
        if os.path.isdir(entry)
        for name in os.listdir(entry)
        if name.endswith((".dist-info", ".egg-info"))
    )
    return "\n".join([__version__, sys.version, sys.implementation.cache_tag or "", *installed])


def files_digest(roots: Iterable[Path]) -> str:
    """A hash of every file under each folder (names and bytes), in a stable order."""
    digest = hashlib.sha256()
    for root in roots:
        digest.update(str(root.resolve()).encode() + b"\0")
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def make_key(kind: str, *parts: str) -> str:
    """The key of one build: its kind, the given parts, guidebot's code and the environment."""
    digest = hashlib.sha256()
    for part in (kind, code_digest(), environment(), *parts):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def read(path: Path, key: str, *, for_good: bool = False) -> Any | None:
    """What was cached at ``path`` under ``key``, or None (absent, stale, damaged or unsafe).

    ``for_good``: what is read lives as long as the process, so it is put out of the cyclic
    garbage collector's sight (``gc.freeze``) before the collector runs again; else its first
    run after the load walks every object just read (a tenth of a second, at start-up).
    """
    if not enabled():
        return None
    try:
        data = _read_own_file(path)
    except OSError:
        return None
    if data is None:
        return None
    header = FORMAT + key.encode() + b"\n"
    start = len(header) + _DIGEST + 1
    if not data.startswith(header) or data[start - 1 : start] != b"\n":
        return None
    payload = memoryview(data)[start:]
    if data[len(header) : start - 1] != _sha256(payload).encode():
        return None
    try:
        with _no_collection():
            value = pickle.loads(payload)
            if for_good:
                gc.freeze()
            return value
    except Exception:  # a cache that cannot be loaded is rebuilt, whatever the reason
        return None


def write(path: Path, key: str, value: Any) -> bool:
    """Cache ``value`` at ``path`` under ``key``; False when it could not be (never raises)."""
    if not enabled():
        return False
    try:
        with _no_collection():
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # something unpicklable: run without a cache rather than fail
        return False
    header = FORMAT + key.encode() + b"\n" + _sha256(payload).encode() + b"\n"
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        # Only the cache's own folder is made: a data directory that does not exist yet (a
        # piped chat on a machine that never kept a conversation) is left uncreated.
        path.parent.mkdir(mode=0o700, exist_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(header)
            stream.write(payload)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        return False
    _remove_stale(path)
    return True


_STALE_SECONDS = 600
"""A temporary file this old was left by a process that stopped while writing it."""


def _remove_stale(path: Path) -> None:
    """Remove temporary files that writers of ``path`` left when they stopped half-way."""
    for left in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            if time.time() - left.stat().st_mtime > _STALE_SECONDS:
                left.unlink()


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while a payload is made or read.

    A payload is hundreds of thousands of small objects, none of them garbage: the collector
    would walk them again and again as they are made (several times the load itself).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _read_own_file(path: Path) -> bytes | None:
    """The file's bytes if it is a regular file of this user's that nobody else may write."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(stream.fileno())
        if not _owned_safely(status):
            return None
        return stream.read()


def _owned_safely(status: os.stat_result) -> bool:
    if not stat.S_ISREG(status.st_mode) or status.st_mode & 0o022:
        return False
    getuid = getattr(os, "getuid", None)
    return getuid is None or status.st_uid == getuid()


def _sha256(data: bytes | memoryview) -> str:
    return hashlib.sha256(data).hexdigest()
