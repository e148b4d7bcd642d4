"""Done when: an officer completes the initial-contact flow by voice alone, through the fake server.

The real ``guidebot run`` process against the fake Bot API. After ``/enrol`` and ``/voice on``
(typed, once), the officer never types or taps again: the flow is chosen by voice, every
question is answered with an OGG/Opus voice note fetched through getFile, and every
"I heard ... is that right?" is answered by voice too, yes when it heard what was said and no
(then saying it again) when it did not, as an officer reading the screen would. Every reply
comes back as a voice note as well as text.

The notes are spoken by espeak-ng. Its output for a text depends on what it synthesised before
in the same process (a seed does not fix that), so every phrase is synthesised in a fresh
process, in a fixed order, twice (two slightly different takes, said in turn, as an officer
says "yes" a little differently each time): every run sends the same audio, whatever ran
before. Robotic speech is hard for pocketsphinx; the words are those an officer would say,
chosen where it hears them. What the recogniser misheard on the way is shown on failure and
counted: a question may take a second try, never a third.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from bot.app import DATABASE
from bot.store import Store
from bot.voice._audio import decode
from bot.voice._domain import said
from tests.fake_bot_api import BotMessage
from tests.telegram_harness import Officer, settle, spoken_notes

TAKES = 2

WHAT_THE_OFFICER_SAYS = (
    # (words on screen that show which question it is, what the officer says to it)
    ("What do you need help with?", "first contact"),
    ("in danger right now", "no"),
    ("What immediate needs have you dealt with", "ambulance checked her"),
    ("Done or not yet?", "yes"),  # a free answer's follow-up: the rest is done
    ("Have you seen and spoken to the child yourself", "yes"),
    ("What have you noted about the child so far?", ["how they seemed", "finished"]),
    ("Evidence beyond what you saw", "nothing"),
    ("Who else is there", "mum and dad"),
    ("What is the main concern?", "domestic abuse"),
    ("have you listed every child present", "yes done"),
    ("risk assessed as high?", "no"),
    ("Have you seen and spoken to every child of the household", "yes"),
    ("Is any child of the household of school age", "yes"),
    ("Operation Encompass: have you made", "yes done"),
    ("Have you checked force systems", "yes"),
    ("What does the history show?", "nothing known"),
    ("Who have you told or asked for advice?", ["supervisor", "finished"]),
    ("Do you need police protection", "no"),
    ("a referral to children's social care", "yes done"),
    ("Will you write the record soon after the event", "yes"),
)
"""One path through initial-contact, from the menu to the summary: a domestic abuse call."""

EXPECTED_ANSWERS = {
    # step: (outcome, points covered) as the audit log records the voice answers
    "danger": ("no", ()),
    "needs": ("complete", ("medical-care", "reassurance", "safe-adult")),
    "see-child": ("yes", ()),
    "child-account": ("partial", ("demeanour",)),
    "evidence": ("partial", ()),
    "who-present": ("complete", ("adults", "other-children", "risk")),
    "context": ("domestic-abuse", ()),
    "da-assessment": ("yes", ()),
    "da-high-risk": ("no", ()),
    "da-children-seen": ("yes", ()),
    "school-age": ("yes", ()),
    "encompass": ("yes", ()),
    "checks": ("yes", ()),
    "history": ("nothing-known", ()),
    "advice": ("partial", ("supervisor",)),
    "police-protection": ("no", ()),
    "referral": ("yes", ()),
    "record": ("yes", ()),
}
MOST_TRIES = TAKES
"""Tries a question may take: a note misheard and refused at the read-back, then said again."""
READ_BACK = re.compile(r"I heard: \u201c(?P<heard>.*)\u201d \u2014 is that right\?")
NOT_TAKEN = ("isn't an answer", "couldn't make out", "I've ignored it", "didn't catch")


@pytest.fixture(scope="module")
def notes() -> dict[str, list[bytes]]:
    """Each phrase the officer says, as OGG/Opus voice notes: one for each try."""
    phrases = ["yes", "no"]
    for _question, words in WHAT_THE_OFFICER_SAYS:
        phrases += [words] if isinstance(words, str) else words
    return spoken_notes(phrases, TAKES)


@dataclass
class Hearing:
    """What happened to each voice note: for the failure message and the closing counts."""

    notes: dict[str, list[bytes]]
    sent: int = 0
    said: dict[str, int] = field(default_factory=dict)
    read_backs: list[tuple[str, str, str]] = field(default_factory=list)
    """(what was said, what was heard, the officer's answer)."""
    misses: list[tuple[str, str]] = field(default_factory=list)
    """(the question, what was said) for each note not taken as meant."""
    log: list[str] = field(default_factory=list)
    """Each note said and the first words of the bot's text reply."""

    def __str__(self) -> str:
        lines = [f"{self.sent} notes"]
        lines += [
            f"read back: said {s!r}, heard {h!r}, answered {a}" for s, h, a in self.read_backs
        ]
        lines += [f"missed at {q!r}: said {s!r}" for q, s in self.misses]
        lines += self.log
        return "\n".join(lines)


def speak(officer: Officer, words: str, hearing: Hearing) -> list[BotMessage]:
    """Send ``words`` as a voice note; the bot's text messages, once they have been read aloud."""
    takes = hearing.notes[words]
    note = takes[hearing.said.get(words, 0) % len(takes)]
    hearing.said[words] = hearing.said.get(words, 0) + 1
    before = len(officer.chat)
    officer.fake.send_voice(officer.id, note, duration=max(1, round(decode(note).seconds)))
    hearing.sent += 1
    # Every text reply is read aloud after it: wait for the text, then for its voice note, so
    # that nothing of this reply is still on its way when the officer speaks again.
    officer.fake.wait_for(lambda: any(m.kind == "text" for m in officer.chat[before:]), 60)
    officer.fake.wait_for(lambda: officer.chat[-1].kind == "voice", timeout=60)
    settle(officer.fake, 0.1)
    replies = [m for m in officer.chat[before:] if m.kind == "text"]
    shown = " | ".join(" ".join(m.text.split())[:70] for m in replies)
    hearing.log.append(f"  said {words!r}: {shown}")
    return replies


def answer(officer: Officer, words: str, question: str, hearing: Hearing) -> bool:
    """Say ``words`` to the question; answer any read-back by voice. True if taken as meant."""
    replies = speak(officer, words, hearing)
    shown = replies[-1].text if replies else ""
    read_back = READ_BACK.search(shown)
    if read_back is not None:
        heard = read_back["heard"]
        meant = fuzz.ratio(said(heard), said(words)) >= 70  # "mum and" for "mum and dad"
        verdict = "yes" if meant else "no"
        hearing.read_backs.append((words, heard, verdict))
        replies = speak(officer, verdict, hearing)
        shown = replies[-1].text if replies else ""
        if not meant:
            assert "ignored" in shown, f"a spoken no to the read-back was not taken: {shown!r}"
            hearing.misses.append((question, words))
            return False
        assert not READ_BACK.search(shown), (
            f"a spoken yes to the read-back was not taken\n{hearing}"
        )
    if any(words_shown in shown for words_shown in NOT_TAKEN):
        hearing.misses.append((question, words))
        return False
    return True


def on_screen(officer: Officer) -> str:
    """The bot's latest text message: what the officer is looking at."""
    return next(m.text for m in reversed(officer.chat) if m.kind == "text")


def test_an_officer_completes_initial_contact_by_voice_alone(
    officer: Officer, data_dir: Path, notes: dict[str, list[bytes]]
) -> None:
    started = time.perf_counter()
    (reply,) = officer.send("/voice on")
    assert "Voice replies are on" in reply.text
    typed_until = len(officer.fake.calls())
    officer.send("/start")  # the menu: from here on, voice alone
    script = {question: words for question, words in WHAT_THE_OFFICER_SAYS}
    said_at: dict[str, int] = {}
    hearing = Hearing(notes)
    for _turn in range(60):
        screen = on_screen(officer)
        if "Summary:" in screen:
            break
        question = next((q for q in script if q in screen), None)
        assert question is not None, f"unexpected: {screen!r}\n{hearing}\n{officer.screen()}"
        answers = script[question]
        turn = said_at.get(question, 0)
        words = answers if isinstance(answers, str) else answers[min(turn, len(answers) - 1)]
        for _try in range(MOST_TRIES):
            if answer(officer, words, question, hearing):
                break
        else:
            raise AssertionError(
                f"{question!r}: {words!r} not taken in {MOST_TRIES} tries\n{hearing}"
            )
        said_at[question] = turn + 1
    else:
        raise AssertionError(f"the flow did not end\n{hearing}")
    took = time.perf_counter() - started

    summary = on_screen(officer)
    assert "Summary: Child at risk: first contact" in summary, summary
    calls = officer.fake.calls()
    officer_calls = [
        c for c in calls[typed_until:] if str(c.params.get("chat_id")) == str(officer.id)
    ]
    # No button was tapped: after /start, the loop above sends voice notes and nothing else.
    assert not [c for c in calls[typed_until:] if c.method == "answerCallbackQuery"]
    voice_replies = [c for c in officer_calls if c.method == "sendVoice"]
    assert len(voice_replies) >= len(EXPECTED_ANSWERS), "a reply came back without its voice note"
    assert officer.chat[-1].kind == "voice" and officer.chat[-1].upload is not None
    assert officer.chat[-1].upload.data[:4] == b"OggS"

    with Store.open(data_dir / DATABASE) as store:
        events = [e for e in store.audit_events() if e.get("flow") == "initial-contact"]
    answers = {e["step"]: e for e in events if e["kind"] == "answer"}
    recorded = {
        step: (event["outcome"], tuple(event.get("items", ()))) for step, event in answers.items()
    }
    assert recorded == EXPECTED_ANSWERS, f"{recorded}\n{hearing}"
    assert all(e.get("via") == "voice" for e in answers.values())
    assert all(0 <= e["confidence"] <= 1 for e in answers.values())
    assert [e["kind"] for e in events].count("flow_completed") == 1
    print(f"\n{hearing}\n{took:.1f} s")  # shown with -s
