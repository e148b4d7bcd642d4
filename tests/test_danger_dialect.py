"""Danger told in regional English and street words, and the same words in ordinary use.

Set ``ah`` (read) showed the kinds tested here: officers across England and Wales name the
child, the parent and the stranger in their own words ("the bairn", "our kid", "me ma's fella",
"some geezer"), tell of stabbing and county lines in street words ("wet him up", "the mandem who
had him on the line"), and tell of self-harm short ("cutting again", "hanging in the garage");
and they use the same words for nothing dangerous: "dead" for "very", the weather "battering it
down", a battered sausage, a mam who'll "kill me if I'm late", a lad "on fire" on the pitch.
Each kind of danger has its twins: the same told as over, elsewhere, denied, past or as a
figure of speech. The lines are written for these tests, in the kinds' words, not taken from any
set. The cues are read alone (no learnt opinion), so the data's words are what is tested.
"""

from __future__ import annotations

import copy

import pytest

from bot.engine._danger import DangerCues

CUES_ALONE = copy.copy(DangerCues())
CUES_ALONE.learnt = None


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        # regional words for the child, the parent's partner and a stranger
        ("me ma's fella is leathering the babby in the kitchen", "violence-now"),
        ("some geezer's snatched the young un and put her in the back of a van", "abduction"),
        ("the wean's been lifted by a fella in a car outside the chippy", "abduction"),
        ("the bairn's just been lifted off the street by a fella in a van", "abduction"),
        # stabbing in street words, and those who run children on county lines
        ("they've come to wet him up, the yute is 15 and they're at the door", "threat"),
        ("the olders are outside the flat saying they'll bore him up, he's 14", "threat"),
        ("the mandem who had him on the line are outside his school right now", "dangerous-person"),
        # a weapon not put down is still in hand
        ("mam's fella hasn't put the machete down and the bairns are right by him", "weapon"),
        # self-harm told short
        ("our kid's been cutting again, there's blood in the bathroom", "self-harm"),
        ("the lass is hanging in the garage, get an ambulance", "self-harm"),
        ("the lass says she's gonna do herself in tonight", "self-harm"),
        # beaten in Scotland's and Northern Ireland's word, and blood from the ear
        ("he's been paggered, 13, blood coming out his ear", "medical"),
        # "ting" for a weapon still reads so
        ("he's got a ting on him and the little one's with him", "weapon"),
        # gone back to where the children are is arriving, not gone away
        (
            "the violent ex has gone straight back round to hers and the bairns are in",
            "dangerous-person",
        ),
        # the carer gone out, leaving the child locked in
        ("mam locks the bairn in the box room when she goes out, she's gone out now", "shut-in"),
        # unconscious said with a negation
        ("the bairn's still not conscious after the fit", "medical"),
        # "'ll" run on to a person is the person and "will"
        ("mam says her fella'll kill the bairn if she grasses", "threat"),
    ],
)
def test_danger_in_regional_and_street_words_is_read(said: str, kind: str) -> None:
    assert kind in CUES_ALONE.read(said).kinds, CUES_ALONE.read(said)


@pytest.mark.parametrize(
    "said",
    [
        # over: arrested, seized, sentenced, remanded, come round
        "me ma's fella was leathering the babby, he's been arrested and he's in the van now",
        "mam's fella has put the machete down and it's been seized",
        "the mandem who had him on the line are all remanded",
        "the bairn wasn't conscious after the fit but she's come round and talking now",
        "she was locked in her room by mum, mum's gone out now and we've let her out, she's fine",
        # past
        "the young un was snatched off the street last year, the man got sentenced",
        "he got wet up two years back, fully recovered, no threats since",
        "the olders bored him up in 2022, they're all in prison now",
        "our kid used to cut when she was 13, nothing since",
        # elsewhere, or gone away
        "he's gone, left for his brother's in Leeds, kids safe with mam",
        # the same words in ordinary use
        "the wean's been lifted by her nan from school as arranged",
        "the lass is hanging out in the garage with her mates",
        "he's chilling with his ting at the park",
        "the ting with the opps is squashed now, no beef",
        # "lifted" for arrested
        "the stepdad who hit her got lifted by the polis last night, he's in the cells",
        # better again, said so
        "mam had a hypo, she's got her colour back and she's right as rain now",
    ],
)
def test_the_same_words_over_past_elsewhere_or_ordinary_are_no_alarm(said: str) -> None:
    assert not CUES_ALONE.read(said), CUES_ALONE.read(said)


@pytest.mark.parametrize(
    "said",
    [
        # "dead" for "very"
        "he's dead tired after footy, gone to bed",
        # the weather, the chippy, a temper over nothing
        "it's battering it down out here, kids are inside watching telly",
        "battered cod and chips for the bairns",
        "the nipper's kicking off about bedtime, normal stuff",
        # a parent's temper over lateness and mess
        "me mam'll kill me if I'm late home again",
        "she'll murder him when she sees the state of his room",
        # strapped in, sharp as a knife, on fire at sport, smashed it, strapped for cash
        "the babby's strapped in his car seat, fast asleep",
        "our kid's sharp as a knife, top of his class",
        "the lad's on fire on the pitch, scored a hat trick",
        "the lass smashed it in her exams",
        "our kid's strapped for cash this month",
        # a drink necked, a game that will not let go, a dog shut away
        "the lad necked a can of red bull and he's bouncing off the walls",
        "he's locked in on the xbox, won't come down for tea",
        "the dog's shut in the kitchen while we talk to mam",
        # alone where it is safe, a carer listening
        "the toddler's asleep on her own in her cot, monitor on, mam's downstairs",
        "the nipper's playing out on his own in the garden on his scooter, fence all round",
        # better again, a harmless purpose
        "he was blue with cold after swimming but he's warmed up now",
        "mam had a hypo earlier, she's eaten and she's right as rain now",
        "the rope in the shed is for the boat",
    ],
)
def test_regional_figures_of_speech_are_no_alarm(said: str) -> None:
    assert not CUES_ALONE.read(said), CUES_ALONE.read(said)


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        # the figure of speech's words, with danger told beside them
        ("me mam'll kill me, he's battering the babby right now", "violence-now"),
        ("the dog's shut in the kitchen and the toddler's locked in the cupboard", "shut-in"),
        ("the baby's on her own in her cot and mam's passed out drunk downstairs", "alone-danger"),
        ("our kid's strapped in his car seat and dad's got a knife to his throat", "weapon"),
        ("it's battering it down and the bairn's gone floppy and blue", "medical"),
    ],
)
def test_a_figure_of_speech_hides_no_danger_told_beside_it(said: str, kind: str) -> None:
    assert kind in CUES_ALONE.read(said).kinds, CUES_ALONE.read(said)
