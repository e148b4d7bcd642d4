"""The store: each conversation's saved state and the audit log, in one SQLite file.

The public front door; implementation lives in the private modules.
"""

from bot.store._errors import StaleState, StoreError
from bot.store._migrations import MIGRATIONS, Migration, migrate
from bot.store._store import Saved, Store

__all__ = [
    "MIGRATIONS",
    "Migration",
    "Saved",
    "StaleState",
    "Store",
    "StoreError",
    "migrate",
]
