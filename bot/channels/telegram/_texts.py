"""Everything the Telegram channel itself says, in one place for review.

The engine says everything about child protection; these lines only explain the channel: who
may use it, what it can read, and what it keeps.
"""

from __future__ import annotations

NOT_ENROLLED = (
    "guidebot is only for enrolled officers. If your force gave you an enrolment code, "
    "send /enrol and the code."
)
GROUP_CHAT = (
    "guidebot only works in a private chat, so nothing about a child is shared with a group. "
    "Message me directly instead."
)
CANNOT_READ = "I can only read typed messages and button taps. Please type your message."
EDITED = "I can't use an edited message. Send the corrected words as a new message."
NO_VOICE_YET = "I can't listen to voice notes yet. Please type your message."
QUESTION_CLOSED = "That question has closed. Use the buttons on the latest message."
UNDELIVERED = "My last reply didn't reach you, so your message wasn't used. Here's where you are:"
FAILED = "Something went wrong and your message wasn't used. Please send it again."
PERSONAL_DATA = (
    "I've deleted your message from this chat because it looked like it held {what}. guidebot "
    "never needs personal details, and Telegram keeps chats on its servers: please leave them out."
)
NOT_SET_UP = "{command} is not set up yet: it comes with the audit log and reports."
NOT_YOUR_ROLE = "{command} is for {roles} only."
ENROL_HOW = (
    "Send /enrol followed by the code your force gave you, for example /enrol K7QF-M2PX-9HRT."
)

PRIVACY = """\
What guidebot keeps
- Where you are in a conversation: which question, and your answers as categories (yes, no, \
not sure, which points you covered). Never the words you typed: they are read in memory and \
dropped.
- A log of which prompts, guidance and red flags came up, for trainers and supervisors. You \
appear in it only as a code made from your account, not your name, phone number or Telegram id.
- A question guidebot had no guidance for, and any feedback comment, with every word that \
could be a name or a detail replaced by […]: trainers use them to fill gaps in the guidance.

What guidebot does not keep
- Names, addresses, dates of birth or anything else about a child or family.

What Telegram keeps
- Telegram stores this chat on its own servers, like any Telegram chat, and guidebot cannot \
change that. So don't send personal details at all: guidebot never needs them. If a message \
looks like it holds some, guidebot deletes it from the chat and says so.

Questions about this go to your force's data protection officer."""

COMMANDS = (
    ("start", "Start, or pick up where you left off"),
    ("menu", "Go back to the menu"),
    ("summary", "See what you've covered so far"),
    ("back", "Undo your last answer"),
    ("cancel", "Stop the current flow"),
    ("help", "What you can say"),
    ("feedback", "Rate the guidance you were just shown"),
    ("practice", "Practise a flow: not recorded as a real job"),
    ("voice", "Hear replies as voice notes too: /voice on or /voice off"),
    ("privacy", "What guidebot keeps and what it doesn't"),
)
"""The command menu Telegram shows under the '/' button (registered at start-up)."""
