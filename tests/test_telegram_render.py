"""The engine's replies as Telegram messages: grouped, marked up, within the length limit."""

from __future__ import annotations

import html
import re

from bot.channels.telegram import MESSAGE_LIMIT, render
from bot.channels.telegram._render import keyboard_rows
from bot.engine import Button, Card, Reply, SummaryData, SummarySection

YES_NO = (Button("Yes", "yes"), Button("No", "no"), Button("Not sure", "unsure"))


def _plain_length(markup: str) -> int:
    """What Telegram counts: the text once tags are gone and entities decoded."""
    return len(html.unescape(re.sub(r"</?(b|i|pre)>", "", markup)))


def test_an_echo_and_the_next_question_are_one_message_with_its_keyboard() -> None:
    messages = render(
        [
            Reply("Noted: No.", role="echo", step="danger"),
            Reply("Is anyone hurt?", YES_NO, role="question", step="injuries"),
        ]
    )
    assert len(messages) == 1
    assert messages[0].html == "Noted: No.\n\nIs anyone hurt?"
    assert messages[0].keyboard == (YES_NO,)
    assert messages[0].step == "injuries"


def test_a_red_flag_is_its_own_message_with_a_bold_headline_and_its_source() -> None:
    messages = render(
        [
            Reply("Noted: Not sure.", role="echo", step="danger"),
            Reply("RED FLAG: Child in danger now.", role="red_flag"),
            Reply("Protect the child first <now> & assess after.", role="red_flag"),
            Reply("Source: 001 §1", (Button("Understood", "ack"),), role="red_flag"),
            Reply("What have you done?", role="question", step="needs"),
        ]
    )
    assert [m.html.split("\n")[0] for m in messages] == [
        "Noted: Not sure.",
        "<b>RED FLAG: Child in danger now.</b>",
        "What have you done?",
    ]
    flag = messages[1]
    assert "Protect the child first &lt;now&gt; &amp; assess after." in flag.html
    assert flag.html.endswith("<i>Source: 001 §1</i>")
    assert flag.keyboard == ((Button("Understood", "ack"),),)
    assert messages[2].keyboard == ()


def test_a_headline_and_its_advice_in_one_reply_are_split_into_bold_and_plain() -> None:
    (message,) = render([Reply("RED FLAG: Weapon. Step back and call for help.", role="red_flag")])
    assert message.html == "<b>RED FLAG: Weapon.</b>\n\nStep back and call for help."


def test_a_card_is_laid_out_from_its_data_once_whatever_replies_carry_it() -> None:
    card = Card(
        entry="s47-enquiry",
        title="Section 47 enquiries",
        summary="Social care leads; police investigate crime alongside.",
        points=("Police protection triggers s47 enquiries.",),
        sources=("Children Act 1989 s47",),
        cut_short=True,
    )
    messages = render(
        [
            Reply("Section 47 enquiries: ...", role="card", card=card),
            Reply("• Police protection ...", role="card", card=card),
            Reply("Anything else?", (Button("Referral", "referral"),), role="question"),
        ]
    )
    assert len(messages) == 2
    assert messages[0].html == (
        "<b>Section 47 enquiries</b>\n\nSocial care leads; police investigate crime alongside."
        "\n\n• Police protection triggers s47 enquiries.\n\n<i>Source: Children Act 1989 s47</i>"
        "\n\nSay 'more' for the rest."
    )
    assert messages[1].keyboard == ((Button("Referral", "referral"),),)


def test_a_summary_is_a_preformatted_block_to_copy() -> None:
    summary = SummaryData("First contact", False, (SummarySection("Noted", ("a",)),), (), "")
    (message,) = render(
        [Reply("Summary: First contact\n\n<a> & b", role="summary", summary=summary)]
    )
    assert message.html == "<pre>Summary: First contact\n\n&lt;a&gt; &amp; b</pre>"


def test_long_texts_are_split_under_the_limit_at_line_boundaries() -> None:
    lines = [f"- Point number {n} about what was done and what is still to do." for n in range(300)]
    text = "\n".join(lines)
    messages = render([Reply(text, role="summary"), Reply("Next?", YES_NO, role="question")])
    summaries = [m for m in messages if m.html.startswith("<pre>")]
    assert len(summaries) >= 4
    assert all(_plain_length(m.html) <= MESSAGE_LIMIT for m in messages)
    rebuilt = "\n".join(html.unescape(m.html[5:-6]) for m in summaries)
    assert rebuilt == text  # nothing lost, every cut at a line end
    assert messages[-1].keyboard == (YES_NO,)
    assert all(m.keyboard == () for m in messages[:-1])


def test_an_unbroken_run_of_text_is_still_cut_under_the_limit() -> None:
    text = "x" * (MESSAGE_LIMIT * 2 + 10)
    messages = render([Reply(text, role="notice")])
    assert [len(m.html) for m in messages] == [MESSAGE_LIMIT, MESSAGE_LIMIT, 10]


def test_short_answers_share_a_row_and_a_menu_has_one_option_a_row() -> None:
    assert keyboard_rows(YES_NO) == (YES_NO,)
    menu = tuple(
        Button(label, label.lower())
        for label in (
            "First contact",
            "Referral",
            "Missing child",
            "Child in custody",
            "Record check",
        )
    )
    assert keyboard_rows(menu) == tuple((button,) for button in menu)
    assert keyboard_rows(()) == ()


def test_a_summary_shares_one_message_with_the_words_around_it() -> None:
    summary = SummaryData("First contact", False, (SummarySection("Noted", ("a",)),), (), "")
    menu = (Button("Menu", "menu"),)
    messages = render(
        [
            Reply("Stopped. Here is what you covered:", role="notice"),
            Reply("Summary: First contact\n\nDone: a", role="summary", summary=summary),
            Reply("Send anything to start again.", menu, role="notice"),
        ]
    )
    assert [m.html for m in messages] == [
        "Stopped. Here is what you covered:\n\n<pre>Summary: First contact\n\nDone: a</pre>"
        "\n\nSend anything to start again."
    ]
    assert messages[0].keyboard == (menu,)


def test_a_summary_is_not_joined_to_a_question_before_it_or_a_red_flag() -> None:
    summary = Reply("Summary: x", role="summary")
    flag = Reply("RED FLAG: Weapon. Step back.", role="red_flag")
    asked = render([Reply("Is anyone hurt?", YES_NO, role="question", step="q"), summary])
    assert [m.html for m in asked] == ["Is anyone hurt?", "<pre>Summary: x</pre>"]
    assert asked[0].keyboard == (YES_NO,)
    flagged = render([summary, flag])
    assert [m.html.split("\n")[0] for m in flagged] == [
        "<pre>Summary: x</pre>",
        "<b>RED FLAG: Weapon.</b>",
    ]
