"""What officers say to guidebot: the domain's words, and what each question expects.

Built once from the flows, the knowledge base and the language pack, so the recogniser is
taught the words of this work (section 46, strategy discussion, Operation Encompass), and each
question's answers (yes / no / not sure, its choice labels) can be listened for there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from bot.engine import (
    ChecklistStep,
    ChoiceStep,
    ConfirmStep,
    Conversation,
    Engine,
    InfoStep,
    TextStep,
    is_action,
    safety_depends_on,
)
from bot.language import english

LANGUAGE = english()
"""The language pack the engine reads typed answers with, so that a spoken answer is read the
same way: voice takes it from :mod:`bot.language`, never from the engine's insides."""

ACKNOWLEDGE = "understood"
"""What a spoken acknowledgement of a red flag is handed to the engine as."""


@dataclass(frozen=True)
class Answer:
    """One answer a question takes: its id, the text the engine is handed, how it is said."""

    id: str
    text: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Expected:
    """What the officer can say at this point of the conversation.

    ``closed``: only the answers (and the commands) make sense, so anything else is not
    understood; an open question (free text, a number, the menu) takes the transcript as said.
    """

    where: str
    answers: tuple[Answer, ...]
    closed: bool
    no_answer: frozenset[str] = frozenset()
    """Whole messages that answer nothing here, so nothing is matched to them ("done" to "Is
    the child in danger?"): the officer is asked again, as when it is typed."""
    echoes: frozenset[str] = frozenset()
    """The question's own words, which an answer may repeat around its phrases without
    changing it ("the appropriate adult is on the way")."""
    clears_safety: frozenset[str] = frozenset()
    """Answers that raise no safety prompt where another answer here would (the No to "Is the
    child in danger?", "none" to a list whose items raise one): heard wrongly, they are the
    error that leaves a child unprotected, so in a very noisy note they are read back."""

    def phrases(self) -> Iterator[tuple[str, Answer]]:
        """Every phrase with the answer it means."""
        for answer in self.answers:
            for phrase in answer.phrases:
                yield phrase, answer


def said(text: str) -> str:
    """Text as a recogniser writes it and the phrase lists are written: lower case, no marks."""
    text = text.lower().replace("’", "'").replace("'", "")
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    return " ".join(text.split())


def _phrases(*groups: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for group in groups for phrase in group if (p := said(phrase))))


_ANSWERS = LANGUAGE.answers
_COMMANDS = tuple(
    Answer(name, name, _phrases([name], phrases))
    for name, phrases in LANGUAGE.commands.commands.items()
)
COMMANDS = frozenset(answer.id for answer in _COMMANDS)
"""The words that work at every step ("back", "cancel"): heard, they are read back first."""
YES = Answer("yes", "yes", _phrases(_ANSWERS.yes))
NO = Answer("no", "no", _phrases(_ANSWERS.no))
UNSURE = Answer("unsure", "not sure", _phrases(_ANSWERS.unsure))
_NOT_YET = _phrases(_ANSWERS.not_yet)
"""Something under way ("on the way", "working on it"): a no to a question about an action."""
_DONE = tuple(p for p in _phrases(_ANSWERS.done) if p not in _NOT_YET)
"""Words that say an action was done ("requested", "mum told"), a yes only to a question
about one; the engine reads "on it" as under way, so it is left to "not yet"."""
CONFIRM = Expected("confirm", (YES, NO, UNSURE, *_COMMANDS), closed=True)
READ_BACK = Expected("read-back", (YES, NO), closed=True)
"""The answer to "I heard ... is that right?": yes or no, nothing else."""
"""A generic yes / no / not sure question (``guidebot transcribe --expect confirm``)."""


_DENIALS = frozenset(
    said(w) for w in (*LANGUAGE.negation.preceding, *LANGUAGE.negation.following) if " " not in w
)


def echoed_words(question: str, answers: Iterable[Answer]) -> frozenset[str]:
    """The question's words an answer may say again without changing what it answers.

    "Has an appropriate adult been told?" is answered "the appropriate adult is on the way".
    A word of the question that is also in one of the answers' phrases ("danger" of "in
    danger", "found" of "still missing, or found") carries an answer, so it is left out, and
    so is any word that denies.
    """
    in_answers = {
        word for answer in answers for phrase in answer.phrases for word in phrase.split()
    }
    return frozenset(set(said(question).split()) - in_answers - _DENIALS)


def expected_at(engine: Engine, state: Conversation | None) -> Expected:
    """What the officer's next message is expected to be, from the saved conversation."""
    if state is None or state.phase in ("menu", "ended", "expired") or state.flow is None:
        return menu_expected(engine)
    if state.phase == "red_flag":
        return Expected(
            "red_flag",
            (
                Answer(ACKNOWLEDGE, ACKNOWLEDGE, _phrases(_ANSWERS.acknowledgements)),
                *_COMMANDS,
            ),
            closed=True,
        )
    if state.flow not in engine.flows or state.step is None:
        return menu_expected(engine)
    return step_expected(engine, state.flow, state.step)


def menu_expected(engine: Engine) -> Expected:
    """The menu: a flow by its label or phrases, or any question (so the menu is open)."""
    flows = tuple(
        Answer(flow.id, flow.spec.menu_label, _phrases([flow.spec.menu_label], flow.spec.phrases))
        for flow in engine.flows
    )
    return Expected("menu", (*flows, *_COMMANDS), closed=False)


def step_expected(engine: Engine, flow_id: str, step_id: str) -> Expected:
    """A step's answers: closed for yes/no, choice and card steps, open for the rest.

    Raises:
        KeyError: no such flow or step.
    """
    step = engine.flows[flow_id].step(step_id)
    where = f"{flow_id}:{step_id}"
    if isinstance(step, ConfirmStep):
        action = is_action(step)
        own = {
            base.id: _phrases(
                [step.labels[base.id]] if base.id in step.labels else [],
                step.phrases.get(base.id, ()),  # type: ignore[call-overload]
            )
            for base in (YES, NO, UNSURE)
        }
        answers = []
        for base in (YES, NO, UNSURE):
            general = base.phrases
            if base.id == "yes" and step.phrases and not action:
                # As the engine reads typed answers: "done" says nothing to "Is the child in
                # danger right now?", so it is no answer there, heard or typed.
                general = tuple(p for p in general if p not in _DONE)
            elif base.id == "yes" and action:
                general = (*general, *_DONE)  # "requested", "mum told": done, as typed
            elif base.id == "no" and action:
                general = (*general, *_NOT_YET)  # "working on it": not done yet, as typed
            # The question's own words come first, as the engine reads them: "on the way" is
            # a yes where the question says so, though it is "not yet" elsewhere.
            taken = {p for other, phrases in own.items() if other != base.id for p in phrases}
            general = tuple(p for p in general if p not in taken)
            answers.append(Answer(base.id, base.text, _phrases(own[base.id], general)))
        no_answer = frozenset(_DONE) if step.phrases and not action else frozenset()
        every = (*answers, *_COMMANDS)
        return Expected(
            where,
            every,
            closed=True,
            no_answer=no_answer,
            echoes=echoed_words(step.ask, every),
            clears_safety=_clearing(step, [answer.id for answer in answers]),
        )
    if isinstance(step, ChoiceStep):
        options = tuple(
            Answer(option.id, option.label, _phrases([option.label], option.phrases))
            for option in step.options
        )
        every = (*options, *_COMMANDS)
        return Expected(
            where,
            every,
            closed=True,
            echoes=echoed_words(step.ask, every),
            clears_safety=_clearing(step, [option.id for option in options]),
        )
    if isinstance(step, InfoStep):
        carry_on = Answer("next", step.button, _phrases([step.button], _ANSWERS.carry_on))
        return Expected(where, (carry_on, *_COMMANDS), closed=True)
    if isinstance(step, ChecklistStep | TextStep):
        # Open (an officer lists several things in a sentence), but the items' words bias
        # recognition, and a message that is just one item's label is read as that item.
        items = tuple(
            Answer(item.id, item.label, _phrases([item.label], item.phrases)) for item in step.items
        )
        ends = (
            Answer("finished", "done", _phrases(_ANSWERS.finished)),
            Answer("nothing", "none", _phrases(_ANSWERS.nothing)),
        )
        extra = ends if isinstance(step, ChecklistStep) else ()
        every = (*items, *extra, *_COMMANDS)
        raises = any(safety_depends_on(step, item.id) for item in items)
        return Expected(
            where,
            every,
            closed=False,
            echoes=echoed_words(step.ask, every),
            clears_safety=frozenset(end.id for end in extra) if raises else frozenset(),
        )
    return Expected(where, _COMMANDS, closed=False)


def _clearing(step: ConfirmStep | ChoiceStep, outcomes: Iterable[str]) -> frozenset[str]:
    """The outcomes that raise no safety prompt, where another of them would raise one."""
    outcomes = tuple(outcomes)
    raising = {o for o in outcomes if safety_depends_on(step, o)}
    return frozenset(o for o in outcomes if o not in raising) if raising else frozenset()


@dataclass
class Corpus:
    """Sentences of the domain, for the language model; each answer phrase counted often."""

    sentences: list[str] = field(default_factory=list)

    def add(self, text: str, times: int = 1) -> None:
        """Add a text (split into sentences) ``times`` times."""
        for sentence in re.split(r"[.?!;:\n]+", text):
            words = said(sentence)
            if words:
                self.sentences.extend([words] * times)

    def text(self) -> str:
        """One sentence a line, as the model builder reads it."""
        return "\n".join(self.sentences)


ANSWER_WEIGHT = 20
"""How much more often an expected answer counts than a sentence of guidance."""
STEP_WEIGHT = 100
"""In a question's own model, how often each of its phrases counts: the step's bias."""


def domain_corpus(engine: Engine) -> Corpus:
    """Everything officers are likely to say: the answers, commands, flows and guidance."""
    corpus = Corpus()
    groups = [
        _ANSWERS.yes,
        _ANSWERS.no,
        _ANSWERS.unsure,
        _ANSWERS.not_yet,
        _ANSWERS.not_needed,
        _ANSWERS.acknowledgements,
        _ANSWERS.finished,
        _ANSWERS.nothing,
        _ANSWERS.carry_on,
        _ANSWERS.corrections,
        LANGUAGE.commands.greetings,
        LANGUAGE.commands.ask,
        *LANGUAGE.commands.commands.values(),
    ]
    for group in groups:
        for phrase in group:
            corpus.add(phrase, ANSWER_WEIGHT)
    for flow in engine.flows:
        spec = flow.spec
        for text in (spec.menu_label, *spec.phrases):
            corpus.add(text, ANSWER_WEIGHT)
        corpus.add(spec.title)
        for flag in spec.red_flags.values():
            corpus.add(flag.title)
            corpus.add(flag.prompt)
        for step_id in spec.steps:
            expected = step_expected(engine, flow.id, step_id)
            for phrase, _answer in expected.phrases():
                corpus.add(phrase, ANSWER_WEIGHT)
            step = spec.steps[step_id]
            for name in ("ask", "text", "help", "label"):
                value = getattr(step, name, None)
                if isinstance(value, str):
                    corpus.add(value)
            for item in getattr(step, "items", ()):
                corpus.add(item.label, ANSWER_WEIGHT)
                for phrase in item.phrases:
                    corpus.add(phrase, ANSWER_WEIGHT)
    knowledge = engine.knowledge
    for entry in getattr(knowledge, "entries", ()):
        corpus.add(entry.title, 3)
        corpus.add(f"ask {entry.title}", 3)
        corpus.add(entry.summary)
        for text in (*entry.guidance, *entry.ask_yourself):
            corpus.add(text)
        for term in entry.terms:
            corpus.add(term, 2)
            corpus.add(f"what is {term}", 1)
    for number in _NUMBER_WORDS:
        corpus.add(number, 5)
        for unit in ("hours", "minutes", "days", "years old", "weeks", "months"):
            corpus.add(f"{number} {unit}", 2)
    return corpus


def step_corpus(engine: Engine) -> Corpus:
    """What every question's own model starts from.

    The answers and commands, the menu, and the knowledge titles and terms, also as asked
    ("ask section 46", which every question takes): so that speech that is none of the
    question's answers still has other words to fall into.
    """
    corpus = Corpus()
    groups = [
        _ANSWERS.yes,
        _ANSWERS.no,
        _ANSWERS.unsure,
        _ANSWERS.acknowledgements,
        _ANSWERS.carry_on,
        *LANGUAGE.commands.commands.values(),
    ]
    for group in groups:
        for phrase in group:
            corpus.add(phrase, 5)
    for flow in engine.flows:
        for text in (flow.spec.menu_label, *flow.spec.phrases):
            corpus.add(text, 2)
    for entry in getattr(engine.knowledge, "entries", ()):
        corpus.add(entry.title)
        corpus.add(f"ask {entry.title}")
        for term in entry.terms:
            corpus.add(term)
            corpus.add(f"ask {term}")  # every question takes "ask ..." as well as its answers
    return corpus


def number_words(number: int) -> str:
    """46 -> 'forty six': the dictionary has words, not digits (0 to 9,999)."""
    ones = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ]
    tens = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    if number < 20:
        return ones[number]
    if number < 100:
        return tens[number // 10] + ("" if number % 10 == 0 else f" {ones[number % 10]}")
    if number < 1000:
        rest = number % 100
        head = f"{ones[number // 100]} hundred"
        return head + (f" and {number_words(rest)}" if rest else "")
    if 1900 <= number < 2100:  # a year, as said: "nineteen eighty nine", "twenty twenty one"
        return f"{number_words(number // 100)} {number_words(number % 100)}".replace(
            " zero", " hundred"
        )
    rest = number % 1000
    head = f"{ones[number // 1000]} thousand"
    return head + (f" {number_words(rest)}" if rest else "")


_NUMBER_WORDS = [
    *(number_words(n) for n in (*range(1, 21), 30, 40, 50, 60)),
    "half",
    "an",
    "a",
]
