"""The last thing built from given inputs, kept so that building it again from them is free.

A process may build the engine more than once from the same files: the cues recompiled after a
flow edit, or each test that builds its own engine. Training a learnt opinion or reading
thousands of labelled questions takes seconds each time. A :class:`LastBuilt` keeps only the
last result, keyed by a SHA-256 digest of what it was made from, so it holds no word of those
inputs and never grows; anything changed (an edited example, a setting a benchmark or test
changes) is a new digest and is built afresh. What it keeps must never be changed once built,
since every later build shares it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

Built = TypeVar("Built")


class LastBuilt(Generic[Built]):
    """One slot: the last result built, and the digest of what it was built from."""

    def __init__(self) -> None:
        """Empty: the first :meth:`get` builds."""
        self._last: tuple[str, Built] | None = None

    def get(self, build: Callable[[], Built], *made_from: object) -> Built:
        """What ``build`` returned last time ``made_from`` was the same; else build it now.

        ``made_from`` must be everything the result depends on, and its ``repr`` must show it
        whole (tuples, lists, strings and numbers).
        """
        digest = hashlib.sha256(repr(made_from).encode()).hexdigest()
        if self._last is None or self._last[0] != digest:
            self._last = (digest, build())
        return self._last[1]


def settings_of(namespace: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A module's tunable settings (its upper-case names), for a digest: a changed one counts."""
    return sorted((name, repr(value)) for name, value in namespace.items() if name.isupper())
