"""The store: conversations' saved state, the audit log and who may use the bot, in one file.

The public front door; implementation lives in the private modules.
"""

from bot.store._audit import LoggedEvent, StoredCheckpoint, leaf_content, leaf_content_of_text
from bot.store._errors import StaleState, StoreError
from bot.store._migrations import MIGRATIONS, Migration, migrate
from bot.store._store import Saved, Store
from bot.store._users import CodeRedemption, RedemptionOutcome, UserRecord

__all__ = [
    "MIGRATIONS",
    "CodeRedemption",
    "LoggedEvent",
    "Migration",
    "RedemptionOutcome",
    "Saved",
    "StaleState",
    "Store",
    "StoreError",
    "StoredCheckpoint",
    "UserRecord",
    "leaf_content",
    "leaf_content_of_text",
    "migrate",
]
