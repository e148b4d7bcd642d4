"""Practice and feedback: what the engine says, and how a rating is read.

Trainers need two things the operational log cannot give them: conversations where a trainee
may try a flow without it counting as a real job (practice), and officers' own verdict on a
prompt or a card (feedback). Both are kept as the log keeps everything: categories and ids,
and a comment only after scrubbing.
"""

from __future__ import annotations

from bot.engine._compile import FlowSet, KnowledgeSource
from bot.engine._effects import Button, Event, Press, Text
from bot.engine._state import Shown
from bot.engine._summary import step_label
from bot.engine._words import word_list, words
from bot.event_fields import RATINGS, Rating

PRACTICE_START = (
    "Practice: nothing you do now is recorded as a real job. It is logged as practice, for "
    "training only, and kept apart from operational figures. When the flow you pick ends, "
    "guidebot is back to real use."
)
PRACTICE_MENU = "Pick a flow to practise:"
PRACTICE_STILL = "You're still practising: nothing is recorded as a real job."
PRACTICE_IN_A_REAL_FLOW = (
    "Practice starts from the menu, so this job stays real. Finish it, or say 'cancel', then "
    "say 'practice'."
)
PRACTICE_OVER = (
    "That was practice: nothing was recorded as a real job. The next flow you start is real; "
    "say 'practice' to practise again."
)
PRACTICE_TITLE = "PRACTICE"
PRACTICE_NOTE = "Practice only: not a real job, and not recorded as one."

FEEDBACK_VALUE = "feedback:"
"""What the feedback buttons' values start with, so no flow's answer is ever taken for one."""
SKIP_COMMENT = f"{FEEDBACK_VALUE}skip"
RATING_LABELS: dict[Rating, str] = {
    "helpful": "Helpful",
    "not_helpful": "Not helpful",
    "wrong": "Wrong",
}
RATING_WORDS: dict[Rating, tuple[str, ...]] = {
    "helpful": word_list(["helpful", "useful", "it helped", "very helpful", "good"]),
    "not_helpful": word_list(["not helpful", "unhelpful", "not useful", "no help", "no use"]),
    "wrong": word_list(["wrong", "incorrect", "its wrong", "it is wrong", "out of date"]),
}
"""Ratings typed rather than pressed; a bare yes or no is not one (it may mean "no thanks")."""

FEEDBACK_NOTHING = (
    "There's nothing to give feedback on yet. Say 'feedback' just after a question or a "
    "guidance card."
)
FEEDBACK_PICK = "Pick Helpful, Not helpful or Wrong, or say 'cancel' to leave it."
FEEDBACK_COMMENT = (
    "Thanks. Anything to add in a few words, such as what was missing or wrong? Leave out "
    "names and details. Or press Skip."
)
FEEDBACK_THANKS = "Thanks: your feedback goes to the trainers who keep the guidance up to date."
FEEDBACK_DROPPED = "No feedback sent."


def rating_buttons() -> list[Button]:
    """Helpful, Not helpful, Wrong: in that order, so the console's 1, 2 and 3 never change."""
    return [Button(RATING_LABELS[r], f"{FEEDBACK_VALUE}{r}") for r in RATINGS]


def read_rating(event: Event) -> Rating | None:
    """The rating a press or a typed message gives, if it gives one ("2" is Not helpful)."""
    if isinstance(event, Press):
        value = event.value.removeprefix(FEEDBACK_VALUE)
        return next((r for r in RATINGS if r == value), None)
    if not isinstance(event, Text):
        return None
    said = event.text.strip()
    if said.isdigit() and 1 <= int(said) <= len(RATINGS):
        return RATINGS[int(said) - 1]
    heard = words(said)
    return next((r for r in RATINGS if heard in RATING_WORDS[r]), None)


def feedback_question(about: Shown, flows: FlowSet, knowledge: KnowledgeSource) -> str:
    """The question that opens feedback, naming what is rated so nobody rates the wrong thing.

    The question asked ("the question 'Urgent safety issues'"), or the cards shown ("the
    guidance 'Police protection'"): a question's cards are named only once shown.
    """
    flow = flows[about.flow] if about.flow is not None and about.flow in flows else None
    if not about.cards and flow is not None and about.step in flow.spec.steps:
        return f"Feedback on the question '{step_label(flow, about.step)}': was it helpful?"
    titles = [entry.title for e in about.entries[:2] if (entry := knowledge.get(e)) is not None]
    if titles:
        what = " and ".join(f"'{title}'" for title in titles)
        return f"Feedback on the guidance {what}: was it helpful?"
    return "Feedback on the guidance you were just shown: was it helpful?"


def practice_summary_title(title: str) -> str:
    """A practice summary's title, so that it is never copied into a record as a real job's."""
    return f"{PRACTICE_TITLE}: {title}"
