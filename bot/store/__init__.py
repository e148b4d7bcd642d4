"""The store: conversations' saved state, the audit log and who may use the bot, in one file.

The public front door; implementation lives in the private modules.
"""

from bot.store._audit import (
    STEP_EVENT_KINDS,
    LoggedEvent,
    StoredCheckpoint,
    create_fields,
    leaf_content,
    leaf_content_of_text,
)
from bot.store._errors import StaleState, StoreError
from bot.store._migrations import MIGRATIONS, Migration, migrate
from bot.store._store import BACKUPS_FOLDER, Saved, Store, backup_to, store_events
from bot.store._users import CodeRedemption, RedemptionOutcome, UserRecord

__all__ = [
    "BACKUPS_FOLDER",
    "MIGRATIONS",
    "STEP_EVENT_KINDS",
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
    "backup_to",
    "create_fields",
    "leaf_content",
    "leaf_content_of_text",
    "migrate",
    "store_events",
]
