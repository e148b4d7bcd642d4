"""The names of the audit event fields that readers of the log (runs, reports) look for.

Kept here, in a module that imports nothing and belongs to no package, because both sides of
the log need it: the engine, which writes the events and must import nothing above it (not
:mod:`bot.audit`), and the store, the audit log and the reports, which read them without
importing the engine. The engine's :class:`~bot.engine.AuditEvent` has a field of each of these
names, and a test holds the two together.
"""

from __future__ import annotations

from typing import Final, Literal

QUESTION_FIELD: Final = "question"
"""On a ``search`` that found nothing (status ``none``): the officer's question after
:func:`bot.scrub.scrub_question`, so trainers see what the knowledge base lacks. Left out when
nothing but ``[…]`` would be kept. Never on a search that found guidance: the entries found say
what was asked, and nothing typed is kept that does not have to be."""

PRACTICE_FIELD: Final = "practice"
"""``true`` on every event of a practice conversation (``/practice``, ``guidebot chat
--practice``); left out of operational events, so its absence means operational."""

FEEDBACK_KIND: Final = "feedback"
"""An officer's verdict on the guidance last shown: ``entries`` (the knowledge ids of the card
or question rated), ``flow`` and ``step`` where it was shown, :data:`RATING_FIELD` and, if one
was given, :data:`COMMENT_FIELD`."""

RATING_FIELD: Final = "rating"
COMMENT_FIELD: Final = "comment"
"""A feedback comment after :func:`bot.scrub.scrub_question`, at most
:data:`COMMENT_LIMIT` characters; never the words as typed."""

COMMENT_LIMIT: Final = 200

Rating = Literal["helpful", "not_helpful", "wrong"]
RATINGS: Final[tuple[Rating, ...]] = ("helpful", "not_helpful", "wrong")
"""What an officer may say of the guidance shown, in the order the buttons offer them."""

PRACTICE_STARTED_KIND: Final = "practice_started"
"""The officer asked to practise: the menu that follows, and the flow picked from it, are
practice."""
