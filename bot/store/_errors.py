"""The two ways the store refuses: someone else got in first, or the database cannot be used."""

from __future__ import annotations


class StaleState(Exception):
    """The conversation changed since it was loaded (another message for the same key got in first).

    Nothing was written: the caller loads the conversation again and replays the message against
    what is saved now, so no officer's answer is silently overwritten by a slower reply.
    """


class StoreError(Exception):
    """The database cannot be used: message says what is wrong and what to do, in plain English.

    Messages start with the database's path, as the flow loader's start with the file's, so the
    person running guidebot knows which file to look at without reading a traceback.
    """
