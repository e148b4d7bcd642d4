"""Personal details in an officer's message, described for the line that says it was deleted.

Only the kinds are described: the details themselves are never repeated back or kept.
"""

from __future__ import annotations

from bot.personal_data import PersonalDataKind, personal_data_kinds


def personal_data_described(text: str) -> list[str]:
    """What kinds of personal details ``text`` seems to hold, as the officer is told them.

    In the detector's own order (a name before a date of birth before an address), the order
    an officer would list them in.
    """
    found = personal_data_kinds(text)
    return [kind.description for kind in PersonalDataKind if kind in found]
