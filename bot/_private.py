"""Owner-only folders and files, for everything guidebot keeps on disk.

The store's database and the keys both hold what must stay on this account: a folder or file
readable by others would let anyone on the machine link pseudonyms back to officers. So both
make their folders 0o700 and their files 0o600 the same way, from the moment they exist.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


class PrivateFileError(Exception):
    """A private folder or file cannot be made: the message names it and says what to do.

    Callers re-raise it as their own error (a StoreError, a KeysError) with the same message,
    so the person running guidebot sees one plain sentence, not a traceback.
    """


def make_private_dirs(directory: Path, *, what: str) -> None:
    """Create the missing folders owner-only; a folder that already exists keeps its mode.

    Args:
        directory: The folder to make, with any missing parents.
        what: What the folder is for, as it reads in "cannot create ``what``", for the message.

    Raises:
        PrivateFileError: A folder cannot be created.
    """
    missing: list[Path] = []
    while not directory.exists() and directory != directory.parent:
        missing.append(directory)
        directory = directory.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            continue  # made by someone else meanwhile: its mode is theirs to choose
        except OSError as error:
            raise PrivateFileError(
                f"{folder}: cannot create {what} ({error.strerror}): "
                "check the path, and that this account can write to its parent folder"
            ) from error
        # mkdir's mode passes through the umask, which could leave the owner without access.
        os.chmod(folder, PRIVATE_DIR_MODE)


def make_private_file(path: Path, *, what: str) -> None:
    """Create an empty file owner-only, unless it exists already (it then keeps its mode).

    Letting another library create it would apply the umask (often world-readable) for the
    moment before a chmod; O_EXCL also refuses to follow a symlink planted at the path.

    Raises:
        PrivateFileError: The file cannot be created.
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return  # an existing file keeps the mode its owner gave it
    except OSError as error:
        raise PrivateFileError(
            f"{path}: cannot create {what} ({error.strerror}): "
            "check the path, and that this account can write to its folder"
        ) from error
    os.close(descriptor)
    os.chmod(path, PRIVATE_FILE_MODE)  # the umask can only take bits away; put the owner's back


def write_private_file(path: Path, content: bytes, *, what: str, replace: bool) -> None:
    """Put ``content`` at ``path`` all at once, owner-only: a reader sees the old file or the new.

    The content is written to a new owner-only file beside ``path`` and flushed to the disk
    first; only then is it moved into place, which the file system does in one step. A crash
    at any moment leaves either the old file whole or the new one whole, never a mixture or an
    empty file (a stray ``.new`` file at worst, which is ignored).

    Args:
        path: Where the file goes; its folder must exist.
        content: The whole of the new file.
        what: What the file is, as it reads in "cannot write ``what``", for the message.
        replace: Replace a file already there; if False, an existing file wins and
            :class:`FileExistsError` is raised, so two processes creating it at once agree.

    Raises:
        FileExistsError: ``replace`` is False and the file exists.
        PrivateFileError: The file cannot be written.
    """
    try:
        # mkstemp creates the file 0o600 with O_EXCL, under a name no other writer is using.
        descriptor, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".new"
        )
    except OSError as error:
        raise PrivateFileError(
            f"{path}: cannot write {what} ({error.strerror}): "
            "check that this account can write to its folder"
        ) from error
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            # A hard link fails if the path exists, where a rename would overwrite it.
            os.link(temporary, path)
            os.unlink(temporary)
    except FileExistsError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise PrivateFileError(
            f"{path}: cannot write {what} ({error.strerror}): "
            "check the disk, and that this account can write to its folder"
        ) from error
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry for a renamed file, so the rename itself survives a power cut."""
    if sys.platform == "win32":
        return  # Windows cannot open a folder to flush it; its renames are journalled anyway
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
