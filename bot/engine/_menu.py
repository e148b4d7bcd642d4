"""The menu: which flow an officer's opening message asks for.

Officers open with whatever is in front of them ("dv job kids present", "kid in cells", "ppo",
"hi"), not with a flow's name. A message that names a flow starts it; a greeting shows the menu;
anything else is looked up in the knowledge base and the flow that best fits the guidance found
is suggested (never started on a guess), so an opener is never a dead end.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine._answers import best_option, read_indexes, words
from bot.engine._compile import Flow, FlowSet
from bot.engine._effects import Button
from bot.engine._schema import RedFlagDef
from bot.engine._steps import phrases
from bot.knowledge import Entry

GREETINGS = (
    "hi",
    "hello",
    "hey",
    "hiya",
    "yo",
    "alright",
    "morning",
    "good morning",
    "afternoon",
    "good afternoon",
    "evening",
    "good evening",
    "start",
    "begin",
    "hi there",
    "hello there",
)
"""Whole messages that open a chat rather than ask for anything (``/start`` reads as start)."""

# How strongly a flow fits an entry: the flow names the entry itself, shares one of its topics,
# or only works in the same stage of the child's journey.
_NAMES_ENTRY = 4
_SHARES_TOPIC = 2
_SAME_STAGE = 1


@dataclass(frozen=True)
class _Reach:
    """What one flow refers to, gathered once so that fitting an entry is a few set look-ups."""

    flow: Flow
    knowledge: frozenset[str]
    topics: frozenset[str]


def _reach(flow: Flow) -> _Reach:
    knowledge: set[str] = set()
    topics: set[str] = set()
    for step in flow.spec.steps.values():
        knowledge.update(step.knowledge)
        topics.update(step.topics)
        for item in getattr(step, "items", ()):
            if item.knowledge:
                knowledge.add(item.knowledge)
            if item.topic:
                topics.add(item.topic)
    for definition in flow.spec.red_flags.values():
        knowledge.update(definition.knowledge)
    return _Reach(flow, frozenset(knowledge), frozenset(topics))


class Menu:
    """The flows in menu order, and how an opening message picks one.

    Args:
        flows: the compiled flows.
    """

    def __init__(self, flows: FlowSet) -> None:
        self.flows = flows
        self._reach = [_reach(flow) for flow in flows]

    def buttons(self) -> list[Button]:
        """One button per flow, in menu order."""
        return [Button(flow.spec.menu_label, flow.id) for flow in self.flows]

    def named(self, text: str) -> Flow | None:
        """The flow a message names: by its number, its label or one of its phrases."""
        flows = list(self.flows)
        indexes = read_indexes(text, len(flows))
        if indexes is not None and len(indexes) == 1:
            return flows[indexes[0]]
        chosen = best_option(
            text, [(f.id, phrases(f.spec.menu_label, f.spec.phrases, f.id)) for f in flows]
        )
        return None if chosen is None else self.flows[chosen]

    @staticmethod
    def is_greeting(text: str) -> bool:
        """True for a message that only opens the chat ("hi", "/start", "morning")."""
        return words(text) in GREETINGS

    def safety_first(self, entry: Entry) -> RedFlagDef | None:
        """The red flag a flow raises at its very first question when this entry is the matter.

        An officer who opens with "kid in danger dad has a knife" needs "protect first" before
        any menu. The flows already say what their first question is about (its knowledge)
        and which red flag guards it, so this is read from them, not written twice.
        """
        for reach in self._reach:
            spec = reach.flow.spec
            first = spec.steps[spec.start]
            if entry.id in first.knowledge and first.red_flags:
                return spec.red_flags[first.red_flags[0].flag]
        return None

    def fitting(self, entry: Entry) -> Flow | None:
        """The flow that best fits a knowledge entry, or None if none touches it at all.

        A flow that names the entry beats one that shares a topic, which beats one that only
        works in the same stage; a tie goes to the flow higher in the menu.
        """
        best: Flow | None = None
        best_score = 0
        for reach in self._reach:
            score = (
                (_NAMES_ENTRY if entry.id in reach.knowledge else 0)
                + (_SHARES_TOPIC if reach.topics & set(entry.topics) else 0)
                + (_SAME_STAGE if reach.flow.spec.stage == entry.stage else 0)
            )
            if score > best_score:
                best, best_score = reach.flow, score
        return best
