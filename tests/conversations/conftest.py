"""Fixtures for the golden conversations, and the ``--update`` option that rewrites them.

Run ``.venv/bin/pytest tests/conversations --update`` after a deliberate change to the wording
of a flow or the knowledge base: the ``bot`` and ``at`` snapshots of every transcript are
rewritten from what the engine now says. The hand-written ``says`` phrases are never rewritten,
so the intent of each golden survives an update; so do its comments and key order (the file is
rewritten in ruamel's round-trip mode, and only where a snapshot changed).
"""

from __future__ import annotations

import pytest

from bot.channels import load_flows
from bot.engine import Engine, FlowSet
from bot.knowledge import KnowledgeBase, load_knowledge


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update",
        action="store_true",
        default=False,
        help="Rewrite the bot/at snapshots of the golden conversations from the current engine.",
    )


@pytest.fixture(scope="session")
def update(request: pytest.FixtureRequest) -> bool:
    """True when the run should rewrite snapshots instead of failing on them."""
    return bool(request.config.getoption("--update", default=False))


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    """The shipped knowledge base, loaded once."""
    return load_knowledge()


@pytest.fixture(scope="session")
def flows(knowledge: KnowledgeBase) -> FlowSet:
    """The shipped flows, compiled once."""
    return load_flows(knowledge)


@pytest.fixture(scope="session")
def engine(flows: FlowSet, knowledge: KnowledgeBase) -> Engine:
    """One engine for every golden: it holds no per-conversation state."""
    return Engine(flows, knowledge)
