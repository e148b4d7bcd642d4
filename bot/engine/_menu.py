"""The menu: which flow an officer's opening message asks for.

Officers open with whatever is in front of them ("dv job kids present", "kid in cells", "ppo",
"hi"), not with a flow's name. A message that names a flow starts it, and so does one that names
a job the flow is for ("da job kids in the house": First contact); a greeting shows the menu;
anything else is looked up in the knowledge base and the flow that best fits the guidance found
is suggested (never started on a guess), so an opener is never a dead end.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine._commands import QUESTION_WORDS, is_greeting, read_indexes
from bot.engine._compile import Flow, FlowSet
from bot.engine._effects import Button
from bot.engine._negation import OPENER_CUES
from bot.engine._phrases import Phrase, best_option, phrase
from bot.engine._points import ADULT_WORDS
from bot.engine._words import CLAUSE_BREAK, LANGUAGE, spans, typo_of, word_list, words
from bot.knowledge import Entry

QUESTION_WORDS_OPENING = (QUESTION_WORDS - {"nothing"}) | {
    "whats",
    "wats",
    "hows",
    "whos",
    "do",
    "does",
    "is",
    "are",
    "whens",
    "wheres",
    "whys",
}
"""Words that open a question when they come first ("whats a strat", "do I need an AA")."""

_ALSO_ANSWERS = frozenset({"do", "does", "is", "are"})
"""Question words that open an answer as often as a question ("is with nan", "do it later")."""

_LINKING = frozenset({"is", "s", "was", "been", "got", "has", "have", "now", "just", "also"})
"""Words between an adult and what is said of them ("dad has been arrested")."""


def _adult(word: str) -> bool:
    """Whether a word names an adult ("dad", "stepdads"), never the child."""
    return word in ADULT_WORDS or (word.endswith("s") and word[:-1] in ADULT_WORDS)


FACT_QUESTIONS = frozenset(word_list(LANGUAGE.commands.fact_questions))
"""Words opening a question after a fact ("whats the time limit on a 136"), not help with a job."""

MEANING_QUESTIONS = word_list(LANGUAGE.commands.meaning_questions)
"""Openings of a question about what a word means ("what does reassurance mean")."""

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
        # Read once here, for every opening message to come.
        self._names: tuple[tuple[str, tuple[Phrase, ...]], ...] = tuple(
            (
                flow.id,
                tuple(
                    phrase(text)
                    for text in (
                        flow.spec.menu_label,
                        flow.id.replace("-", " "),
                        *flow.spec.phrases,
                    )
                ),
            )
            for flow in flows
        )
        self._name_words = frozenset(
            name.said for _, names in self._names for name in names if name.said
        )
        self._jobs: tuple[tuple[str, tuple[Phrase, ...]], ...] = tuple(
            (flow.id, tuple(phrase(text) for text in flow.spec.jobs))
            for flow in flows
            if flow.spec.jobs
        )

    def buttons(self) -> list[Button]:
        """One button per flow, in menu order."""
        return [Button(flow.spec.menu_label, flow.id) for flow in self.flows]

    def named(self, text: str) -> Flow | None:
        """The flow a message names: by its number, its label or one of its phrases.

        A flow's words said of an adult name nothing: "DA job, 2 kids, dad arrested" is a
        domestic abuse job (First contact), not a child in custody.
        """
        flows = list(self.flows)
        indexes = read_indexes(text, len(flows))
        if indexes is not None and len(indexes) == 1:
            return flows[indexes[0]]
        text = self._without_adults_names(text)
        # "need to do a referral" names the referral: only a real negation ("not a referral")
        # keeps a flow's name from counting here.
        chosen = best_option(text, self._names, cues=OPENER_CUES)
        if chosen is None and self._jobs:
            # "da job kids in the house": a job that names no flow starts the one it is done in.
            chosen = best_option(text, self._jobs, cues=OPENER_CUES)
        return None if chosen is None else self.flows[chosen]

    def _without_adults_names(self, text: str) -> str:
        """The opener without the flows' words that an adult beside them is the subject of."""
        kept: list[str] = []
        changed = False
        for clause in CLAUSE_BREAK.split(text):
            said = words(clause)
            heard = said.split()
            dropped: set[int] = set()
            for start, end in spans(said, self._name_words):
                before = start - 1
                while before >= 0 and heard[before] in _LINKING:
                    before -= 1
                subject = heard[before] if before >= 0 else ""
                after = heard[end] if end < len(heard) else ""
                if _adult(subject) or _adult(after):
                    dropped.update(range(start, end))
            changed = changed or bool(dropped)
            kept.append(" ".join(word for at, word in enumerate(heard) if at not in dropped))
        return ", ".join(kept) if changed else text

    def says_more(self, flow: Flow, text: str) -> bool:
        """Whether an opener says more than the flow's name ("found a misper", not "misper").

        Only then may it also answer the flow's first question: "child in custody" names the
        flow and answers nothing, while "on a 136" names it and says why the child is there.
        """
        said = words(text)
        names = next(found for flow_id, found in self._names if flow_id == flow.id)
        return (
            not said.isdigit()
            and all(said != name.said for name in names)
            and not self.names_without_more(flow, text)
        )

    def without_name_words(self, flow: Flow, text: str) -> str:
        """The opener without the single words that named the flow, mistyped or not.

        Read again at the first question when the whole opener ties there: the word that
        picked Missing child says nothing about whether the child is still missing.
        """
        names = next(found for flow_id, found in self._names if flow_id == flow.id)
        single = {name.said for name in names if " " not in name.said}
        return " ".join(
            word
            for word in words(text).split()
            if not any(word == name or typo_of(word, name) for name in single)
        )

    @staticmethod
    def without_title_words(flow: Flow, text: str) -> str:
        """The opener without the words of the flow's own title ("kid in custody": "kid").

        Read for the questions further on: "in custody" is why Child in custody was picked and
        says nothing of why the child is there, where "on a 136" or "arrested" does.
        """
        title = set(words(f"{flow.spec.menu_label} {flow.id.replace('-', ' ')}").split())
        return " ".join(word for word in words(text).split() if word not in title)

    @staticmethod
    def asks_a_fact(text: str) -> bool:
        """True for a question after a fact ("whats the time limit on a 136", "what is a PPO").

        Typed at the menu it gets the guidance that answers it, even when a word in it names a
        flow: walking the officer through Child in custody does not tell them the time limit.
        """
        said = words(text).split()
        return len(said) >= 2 and said[0] in FACT_QUESTIONS

    def names_without_more(self, flow: Flow, text: str) -> bool:
        """Whether an opener only names the flow, however misspelt ("misssing child", "custdy").

        Then it answers none of the flow's questions: "misssing" is "missing" mistyped, and
        says nothing about whether the child is still missing.
        """
        names = next(found for flow_id, found in self._names if flow_id == flow.id)
        said = words(text).split()
        return any(
            len(said) == len(name.said.split())
            and all(
                word == meant or typo_of(word, meant)
                for word, meant in zip(said, name.said.split(), strict=True)
            )
            for name in names
        )

    @staticmethod
    def is_greeting(text: str) -> bool:
        """True for a message that only opens the chat ("hi", "/start", "morning")."""
        return is_greeting(text)

    @staticmethod
    def is_question(text: str) -> bool:
        """True for a message that asks something ("whats a strat", "can I take her to nan's?").

        Asked at the menu, a question gets the guidance that answers it, never a safety prompt
        or a flow started on a guess.
        """
        said = words(text).split()
        return text.strip().endswith("?") or bool(said and said[0] in QUESTION_WORDS_OPENING)

    @staticmethod
    def asks(text: str) -> bool:
        """True for a message that opens with a question word and says more ("whats a strat").

        Read only where a message answered nothing: then it is a question to look up, not an
        answer the bot failed to read. "do", "is" and "are" open answers too ("is with nan").
        """
        said = words(text).split()
        return len(said) >= 2 and said[0] in QUESTION_WORDS_OPENING - _ALSO_ANSWERS

    @staticmethod
    def asks_what_it_means(text: str) -> bool:
        """True for a question about what a word means ("whats a safe adult", "what does NFA mean").

        Asked at a question, it names the very word the question is about, so read as an answer
        it would tick that point ("Taken as done: a safe adult"): it is looked up instead.
        """
        said = words(text)
        return len(said.split()) >= 3 and any(
            said.startswith(opening + " ") for opening in MEANING_QUESTIONS
        )

    @staticmethod
    def asks_or_ends_in_question(text: str) -> bool:
        """True for a question put mid-flow: one ending in "?", or :meth:`asks` one."""
        return text.strip().endswith("?") or Menu.asks(text)

    def fitting(self, entry: Entry) -> Flow | None:
        """The flow that best fits a knowledge entry, or None if none touches it at all.

        A flow that names the entry beats one that shares a topic, which beats one that only
        works in the same stage. Of two that fit as well, the one the entry's title names wins
        ("Missing child: first steps" is Missing child's, though First contact names it too,
        for a child found missing); otherwise the flow higher in the menu.
        """
        titled = self.named(entry.title) or self.named(entry.title.partition(":")[0])
        best: Flow | None = None
        best_score = (0, False)
        for reach in self._reach:
            score = (
                (_NAMES_ENTRY if entry.id in reach.knowledge else 0)
                + (_SHARES_TOPIC if reach.topics & set(entry.topics) else 0)
                + (_SAME_STAGE if reach.flow.spec.stage == entry.stage else 0),
                reach.flow is titled,
            )
            if score[0] and score > best_score:
                best, best_score = reach.flow, score
        return best
