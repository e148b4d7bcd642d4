"""The one way the store writes: a transaction that holds SQLite's write lock from its start."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlite_utils


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """Run a block as one transaction holding the write lock from BEGIN; undo it all on error.

    Every write here reads first (the version before a save, the schema before a migration) and
    must write on the strength of what it read. ``db.atomic()`` begins DEFERRED, so the lock
    would be taken only at the first write; if another process committed in between, SQLite
    refuses that upgrade outright (SQLITE_BUSY_SNAPSHOT) instead of waiting its turn. IMMEDIATE
    waits up to the busy timeout at BEGIN and then cannot be overtaken.

    ``with db.conn:`` is no substitute: in sqlite-utils 4 ``db.execute()`` commits the implicit
    transaction the driver opens for the first write, so that write would survive the rollback.
    An explicit BEGIN is left alone by ``db.execute()``, which is why this one is used.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.rollback()
        raise
    try:
        db.commit()
    except BaseException:
        db.rollback()
        raise
