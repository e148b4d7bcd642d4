"""Danger now, told in an officer's own words, is read at the menu and at every question.

The detector is tested by kind (each kind of danger the issue names, and each way a cue is set
aside), then the engine is tested where it matters: the shared development set, stepped from the
menu and from every question of every flow, brings protect-first for every danger message and for
no ordinary one. The words are data (language/en/danger.yaml), so a trainer's new cue works with
no code changed.
"""

from __future__ import annotations

import copy
import pickle
import re
from pathlib import Path

import pytest

from bot.engine import Engine, FlowSet, Text, positions, protects_first
from bot.engine._confirm import read_yes_no
from bot.engine._danger import LEARNT, LEARNT_CATCH, LEARNT_ORDINARY, DangerCues
from bot.engine._danger_learnt import LearntDanger
from bot.engine._words import words
from bot.knowledge import stem
from bot.language import (
    default_language_dir,
    read_language,
    read_yaml,
    read_yaml_for_editing,
    write_yaml,
)
from bot.voice._domain import number_words
from tests.conftest import DATA, shared_path

DANGER = DangerCues()


BY_KIND = {
    "weapon": [
        "hes stood there with a meat cleaver",
        "lad in the stairwell is tooled up",
        "dads got a machette and wont put it down",
    ],
    "violence-now": [
        "stepdad is laying into the boy in the hallway",
        "shes got the kid by the throat",
        "can hear him battering her through the wall",
    ],
    "threat": [
        "he keeps saying hes going to kill the baby",
        "ex rang, says hes coming tonight to get the kids",
        "if she grasses hes dead, thats what they told her",
    ],
    "dangerous-person": [
        "the registered sex offender is in the bedroom with the 6 year old",
        "suspect is back at the address, kids still in there",
        "violent ex has just turned up at the door",
    ],
    "medical": [
        "baby isnt breathing",
        "the girl has gone floppy and wont wake up",
        "toddler swallowed bleach",
    ],
    "self-harm": [
        "teen on the bridge saying she wants to die",
        "found him with a ligature in the cell",
        "shes cutting herself in the bathroom",
    ],
    "fire": ["house full of smoke, kids upstairs", "the flat is on fire"],
    "abduction": [
        "girl bundled into a car by two men",
        "dad has snatched the baby and driven off",
    ],
    "shut-in": [
        "kid locked in a cupboard under the stairs",
        "the boy has been kept in his room with no food for days",
    ],
    "alone-danger": [
        "2 year old home alone, parents out",
        "mums passed out drunk and the baby is with her",
    ],
}
"""Danger now, by kind: written for these tests, not taken from any evaluation set."""

SET_ASIDE = {
    "denied": [
        "no weapons in the house",
        "he denies making any threats",
        "no sign of a knife",
        "Knives or guns at the address: no",
        "he has no thoughts of self harm or suicide",
    ],
    "everyday": [
        "the little one was waving a foam sword about, toy one from the party",
        "nan said shell kill him if he tracks mud in again, joking obviously",
        "shes shut in her room doing homework",
    ],
    "over": [
        "the knife has been seized",
        "fire is out now, kids fine",
        "baby checked over, breathing normally",
    ],
    "held": ["suspect arrested and in the van", "he is in custody now"],
    "past": [
        "he overdosed last year",
        "threatened her back in march",
        "history of self harm, nothing current",
    ],
    "hypothetical": ["what if he comes back tonight", "in case he turns up with a weapon"],
    "label": ["tick self harm risk on the form"],
    "not danger": ["the fire brigade did a home safety visit", "knife crime team are aware"],
}
"""Messages holding a cue word that is no danger now, by the rule that sets it aside."""


@pytest.mark.parametrize(
    ("kind", "said"), [(kind, said) for kind, lines in BY_KIND.items() for said in lines]
)
def test_each_kind_of_danger_is_read(kind: str, said: str) -> None:
    found = DANGER.read(said)
    assert kind in found.kinds, f"{said!r} read as {found.kinds}"


@pytest.mark.parametrize(
    ("rule", "said"), [(rule, said) for rule, lines in SET_ASIDE.items() for said in lines]
)
def test_danger_over_elsewhere_or_denied_is_no_alarm(rule: str, said: str) -> None:
    assert not DANGER.read(said), f"{rule}: {said!r} read as {DANGER.read(said).kinds}"


def test_a_forms_answer_denies_only_when_it_is_the_whole_last_clause() -> None:
    assert not DANGER.read("Trafficking or forced marriage: no concerns")
    assert DANGER.read("the 2 year old is on his own, no adult here"), "'no adult' is the danger"


def test_feeling_fine_ends_no_overdose() -> None:
    """An overdose may feel like nothing for hours: the child's 'fine' ends nothing."""
    assert DANGER.read("she swallowed a whole packet of paracetamol at lunch, says she feels fine")
    assert not DANGER.read("took too many tablets last year, fine now")


def test_everyday_words_do_not_hide_danger_in_another_sentence() -> None:
    """'Everyday' reaches only its own sentence: the toy is no alibi for the knife."""
    assert DANGER.read("kids playing with a toy car. dad has a knife to mums throat")
    assert DANGER.read("weapons: no. but hes hitting the baby now")


def test_now_wins_over_then() -> None:
    """A past word does not set a cue aside when the danger is still going on."""
    assert DANGER.read("locked in the shed since yesterday")
    assert DANGER.read("he rang 10 mins ago saying hell kill her")
    assert DANGER.read("beat her last night and hes still here, kids in bed").kinds


def test_a_cue_that_holds_a_negation_is_not_denied_by_it() -> None:
    assert DANGER.read("baby not breathing").kinds == ("medical",)
    assert DANGER.read("he wont wake up").kinds == ("medical",)


def test_the_knowledge_bases_slang_is_never_mended_into_a_cue() -> None:
    """A word of the base that is no English word is meant as written, never a cue's typo."""
    said = "hes got a machette"
    assert DANGER.read(said).kinds == ("weapon",), "a slip of 'machete' is read as it"
    assert not DangerCues(jargon={"machette"}).read(said), "unless the base uses the word"


def test_typos_and_dropped_letters_are_read_as_the_cue_they_slip_from() -> None:
    for said in ("kid unconsius on floor", "sex offndr in car w 10yo now", "dad has a knfe out"):
        assert DANGER.read(said), said
    assert DANGER.read("hes kickin the kid rn").kinds == ("violence-now",)


def test_an_everyday_word_typed_short_is_not_mended_into_a_cue() -> None:
    """ "chek" has "choke"'s consonants but is "check": a menu command raised protect-first."""
    for said in ("record chek", "misper chek", "chek on the kids", "cheked the kids, all fine"):
        assert not DANGER.read(said), said
    assert "medical" in DANGER.read("shes chokin").kinds, "a typo of the cue word still is"
    assert DANGER.read("ive cheked the kids, hes chokin her"), "checking hides no danger beside it"


def test_a_trainer_can_add_a_cue_with_no_code(tmp_path: Path) -> None:
    pack = tmp_path / "en"
    pack.mkdir()
    source = DATA.parent.parent / "language" / "en"
    for path in source.glob("*.yaml"):
        (pack / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    said = "hes brandishing a trident at the kids"
    assert "weapon" in DANGER.read(said).kinds  # "brandishing" is a cue already
    assert not DANGER.read("theres a lion loose in the garden")
    danger = read_yaml_for_editing((pack / "danger.yaml").read_text(encoding="utf-8"))
    danger["kinds"]["abduction"]["cues"].append("lion loose")
    (pack / "danger.yaml").write_text(write_yaml(danger), encoding="utf-8")
    extended = DangerCues(read_language(pack))
    assert extended.read("theres a lion loose in the garden").kinds == ("abduction",)


def test_reading_returns_kinds_and_the_datas_own_words_only() -> None:
    """Nothing an officer typed comes back: only kind ids and the cue words from the data."""
    found = DANGER.read("Jayden Smith at 14 Acacia Avenue has swallowed a load of tablets")
    assert "medical" in found.kinds
    assert found.terms, "the cue words come back, for the step to check against its answers"
    typed = {"jayden", "smith", "14", "acacia", "avenu", "avenue"}
    assert not {word for term in found.terms for word in term} & typed


# --- wherever the officer is -----------------------------------------------------------------


def _dev_set() -> dict[str, list[str]]:
    data = read_yaml((DATA / "danger_dev.yaml").read_text(encoding="utf-8"))
    return {"danger": list(data["danger"]), "ordinary": list(data["ordinary"])}


def test_the_dev_set_copy_equals_the_shared_one() -> None:
    shared = shared_path("eval", "danger_dev.yaml")
    assert (DATA / "danger_dev.yaml").read_bytes() == shared.read_bytes()


def test_the_dev_set_is_caught_at_every_question_of_every_flow(
    engine: Engine, flows: FlowSet
) -> None:
    now = 1_700_000_100.0
    missed: list[tuple[str, str]] = []
    alarms: list[tuple[str, str]] = []
    every = positions(flows)
    assert len(every) == 1 + sum(len(flow.spec.steps) for flow in flows)
    dev = _dev_set()
    for position in every:
        missed += [
            (position.name, said)
            for said in dev["danger"]
            if not protects_first(engine, position, said, now)
        ]
        alarms += [
            (position.name, said)
            for said in dev["ordinary"]
            if protects_first(engine, position, said, now)
        ]
    assert missed == []
    assert alarms == []


def test_after_protect_first_the_officer_is_back_at_their_question(engine: Engine) -> None:
    state = engine.start(1.0).state
    state = engine.step(state, Text("missing child", 2.0)).state
    state = engine.step(state, Text("still missing", 3.0)).state
    question = state.step
    state = engine.step(state, Text("hes been spotted getting into a car with a man", 4.0)).state
    assert state.phase == "red_flag"
    state = engine.step(state, Text("understood", 5.0)).state
    assert state.phase == "step" and state.step == question
    assert state.answers[-1].step == "status", "the message was not taken as an answer"


@pytest.mark.parametrize(
    "said",
    [
        "dads draggin her round the kitchen by her hair",  # a person, then an -ing: going on
        "her dad just walked in and smacked her across the face",  # "just" in the sentence
        "mum punchin the lad in the hallway",  # the g dropped as it is said
    ],
)
def test_violence_told_as_going_on_reads_as_now(said: str) -> None:
    """At a question about harm, violence told as going on must still interrupt."""
    reading = DANGER.read(said)
    assert reading.kinds == ("violence-now",) and reading.now, said


def test_a_medicine_named_is_an_overdose_and_a_headache_pill_is_not() -> None:
    assert "medical" in DANGER.read("shes taken about twenty of her antidepressants").kinds
    assert not DANGER.read("she took one paracetamol for a headache")


@pytest.mark.parametrize(
    ("said", "danger"),
    [
        ("how do I do CPR on a 6 month old, he's stopped breathing", True),  # told, not asked
        ("do we need to seize the knife?", False),  # procedure, in the cue's own clause
        ("if he comes back with a knife what do i do", False),  # a condition reaches on
        ("what if he turns up drunk and kicks off, can i arrest", False),
    ],
)
def test_a_question_sets_aside_only_what_it_asks_about(said: str, danger: bool) -> None:
    assert bool(DANGER.read(said)) is danger, said


# --- round 9: kinds met in set N, in new words ------------------------------------------------


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        # a dog set on a child, or one that will not let go
        ("the neighbours rottweiler has the 5 year old by the arm and wont let go", "violence-now"),
        ("hes set his staffy on the lad in the park", "violence-now"),
        # a threat by phone or note: who is next, driving off with the children
        ("voicemail from the ex saying your kids are next", "threat"),
        ("dad rang saying hell drive into the canal with the kids", "threat"),
        # released, under investigation or in breach, and back with the children
        ("stepdad RUId this morning and hes back at the house with the kids", "dangerous-person"),
        ("violent ex out of jail and heading straight to the kids", "dangerous-person"),
        # anaphylaxis, cold, something poisonous swallowed
        ("her lips are swelling up after a prawn and nobody can find her epipen", "medical"),
        ("pulled the boy out of the reservoir, he cant stop shivering", "medical"),
        ("the 2 year old has swallowed some weedkiller", "medical"),
        # suicidal intent with the means to hand, or loosening her hold on a bridge
        ("she says shes gonna end it, has a pile of tablets by the bed", "self-harm"),
        ("lad on the footbridge holding on with one hand", "self-harm"),
        # a fire told by the alarm or by what has gone up
        ("smoke alarm sounding in the flat above, kids in there", "fire"),
        ("the e scooter in the hall has gone up and the family are upstairs", "fire"),
        # pushed into a vehicle, driven off with the baby, collected by a stranger
        ("two men bundled the girl into the back of a transit", "abduction"),
        ("someone has driven off in mums car with the baby still in the back", "abduction"),
        ("the 4 year old was collected from nursery by a man nobody knows", "abduction"),
        # locked in and left, kept in the house for a marriage
        ("his dad has locked him in and gone to work", "shut-in"),
        ("she is not allowed to leave the house until she agrees to the marriage", "shut-in"),
        # alone up high or by water
        ("4 year old alone on the shed roof", "alone-danger"),
        ("3 year old on his own on the river bank", "alone-danger"),
        ("the 6 year old is on his own by the lake, no adults", "alone-danger"),
    ],
)
def test_round_9_danger_is_read(said: str, kind: str) -> None:
    found = DANGER.read(said)
    assert kind in found.kinds, f"{said!r} read as {found.kinds}"


@pytest.mark.parametrize(
    "said",
    [
        # idioms with a danger word in them
        "just killing time till the briefing",
        "my sergeant will kill me if this is late",
        "the lads would kill for a kebab",
        "the disco was fire lol",
        "shes got real fire in her belly about the appeal",
        "the magistrates shot down the bail application",
        "the rent on the flat has gone up again",
        # training and procedure questions
        "which section lets us force entry to save life?",
        "is a threat made by text an offence?",
        "does breach of a non mol need a new arrest?",
        "should a blade found in a school bag go to the MASH?",
        "after a fire at the flat, who finds the family a new place?",
        # danger that is over, or long ago
        "house fire next door, weve got the kids out and everyones out, fire crews there",
        "she says her uncle abused her when she was 8, hes dead now, recorded",
        "smoke alarm going off, it was burnt toast",
        # everyday words the new cues hold
        "your kids are next in the queue for the video suite",
        "she is going to end it with her boyfriend tonight",
        "a kitchen knife found in the boys bag, seized",
        "toddler playing with a plastic knife at nursery",
        "the roofers on the roof next door",
    ],
)
def test_round_9_idioms_questions_and_what_is_over_are_no_alarm(said: str) -> None:
    assert not DANGER.read(said), f"{said!r} read as {DANGER.read(said).kinds}"


@pytest.mark.parametrize(
    "said",
    [
        "3 year old alone by an open window on the 5th floor",
        "the boy is locked in the cellar, cant get him out",
        "can hear thuds and a kid screaming stop",
    ],
)
def test_danger_naming_its_hazard_interrupts_every_question(
    engine: Engine, flows: FlowSet, said: str
) -> None:
    """A question about neglect or harm asks about "alone" or "locked in", not about a child at
    an open window or one still stuck: the hazard named, or heard now, brings protect-first."""
    missed = [
        position.name
        for position in positions(flows)
        if not protects_first(engine, position, said, 1_700_000_100.0)
    ]
    assert missed == []


# --- round 10: kinds met in set O, in new words ------------------------------------------------


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        # held under water; knelt or sat on; a cut to the face or throat promised
        ("dad has the toddlers face under the water in the sink", "violence-now"),
        ("mums boyfriend is kneeling on the lads chest", "violence-now"),
        ("dad is sat on top of the girl and wont get off", "violence-now"),
        ("the dealer told him theyll cut his throat if he doesnt pay", "threat"),
        ("grandad phoned saying hell murder the teacher and the kids", "threat"),
        ("ex sent a picture of a gun, the kids are next", "threat"),
        # named by what they did to a child; handed the children, let in, barred, staying over
        ("nan left the twins with the neighbour who molested a girl", "dangerous-person"),
        ("the lodger is barred and hes in the house with the kids", "dangerous-person"),
        ("the uncle who touched her is staying the night", "dangerous-person"),
        ("convicted paedo has been let in by the lodger", "dangerous-person"),
        # a diabetic child going hypo; a wound bleeding out
        ("the boy is diabetic and sweaty and not making sense", "medical"),
        ("the lad has a gash on his arm and is losing loads of blood", "medical"),
        ("the boy is bleeding from his neck and going pale", "medical"),
        # picking or scratching skin open
        ("she is picking at her stitches until they bleed", "self-harm"),
        # something lit through the door; a carer setting light to things
        ("someone has shoved a lit rag through the letterbox", "fire"),
        ("dad is lighting the curtains with a lighter and the kids are upstairs", "fire"),
        # taken by men, off a ward, flown out, not given back
        ("two girls taken by men in a silver car", "abduction"),
        ("the family are planning to fly her out tomorrow to marry", "abduction"),
        ("the kids dad has them and is refusing to return them to mum", "abduction"),
        ("dad is taking the kids abroad tonight without telling mum", "abduction"),
        ("the baby has been taken off the ward and no one knows who by", "abduction"),
        # locked from outside or in; starved thin; kept in a box room, let out only for school
        ("theres a bolt on the outside of the door and the little girl is inside", "shut-in"),
        ("the boy is severely underweight and they lock the fridge", "shut-in"),
        ("they keep the twins in the box room all day", "shut-in"),
        ("they lock the boy in the shed at night", "shut-in"),
        ("the girl is kept in her room and only let out for school", "shut-in"),
        # a small child loose by a road or water; left while the carer is gone for days
        ("the toddler has got out and is on the main road", "alone-danger"),
        ("little girl on her own playing in the woods right next to the quarry", "alone-danger"),
        ("the kids say mum hasnt been home for three days", "alone-danger"),
    ],
)
def test_round_10_danger_is_read(said: str, kind: str) -> None:
    found = DANGER.read(said)
    assert kind in found.kinds, f"{said!r} read as {found.kinds}"


@pytest.mark.parametrize(
    "said",
    [
        # idioms and everyday words the new cues hold
        "i could murder a brew after that job",
        "the kids were shooting hoops at the youth club",
        "he threatened to sue the force over the arrest",
        "the note turned out to be a poem for english",
        "mum is taking the kids abroad with dads consent",
        "the nurse has taken the baby off the ward for an x ray",
        # danger that is over, or was never near a child
        "the knife from the stabbing is in an evidence bag",
        "the fire was in a derelict warehouse, no one inside",
        "he said he was starving so we got him some food, hes eaten now",
        "her scalds are healing well, dressing changed by the nurse",
        "the fight at the pub was adults only, no kids around",
        "the teen was out of it earlier but paramedics are with her now",
        "someone dropped a machete in the amnesty bin",
        "she hasnt been home for days, the kids are with nan",
    ],
)
def test_round_10_idioms_and_what_is_over_are_no_alarm(said: str) -> None:
    assert not DANGER.read(said), f"{said!r} read as {DANGER.read(said).kinds}"


@pytest.mark.parametrize(
    "said",
    [
        "uncle stood over the kids with a machete in his hand",  # what is done with it
        "dad is off his face on ket and on his own with the baby",  # alone says more than drunk
        "the 18 month old is alone in the bath with the tap running",  # the hazard named
        "the lad has been stabbed and is losing loads of blood",  # bleeding, not only stabbed
    ],
)
def test_danger_told_with_what_is_done_interrupts_every_question(
    engine: Engine, flows: FlowSet, said: str
) -> None:
    """A question listing weapons, drink or "left alone" asks about one found or a habit, not
    a weapon held over a child, a drunk carer alone with a baby, or a toddler alone in a bath."""
    missed = [
        position.name
        for position in positions(flows)
        if not protects_first(engine, position, said, 1_700_000_100.0)
    ]
    assert missed == []


# --- review: what a question names, every cue, openers, yes and no at a danger question ------


def _asked(*said: str) -> frozenset[tuple[str, ...]]:
    """A question's own phrases as the engine keeps them, stems, danger classes it names."""
    return DANGER.explained_by(tuple(tuple(stem(word) for word in words(s).split()) for s in said))


def test_a_question_naming_one_weapon_names_that_weapon_only() -> None:
    """'knife' on a checklist names knives ("kitchen knife" too), not every weapon: a gun told
    there is danger. 'weapons' names the whole class."""
    knife = _asked("knife", "drugs")
    assert DANGER.read("he has a kitchen knife").terms <= knife
    assert not DANGER.read("he has a gun").terms <= knife
    assert not DANGER.read("hes got a machete").terms <= knife
    weapons = _asked("drugs or weapons")
    assert DANGER.read("he has a gun").terms <= weapons
    assert DANGER.read("a machete in his bag").terms <= weapons


def test_a_general_word_names_a_class_only_through_class_words() -> None:
    """A class is named whole by its general word, listed in danger.yaml's class_words."""
    assert ("rottweiler",) in _asked("dogs") and ("rottweiler",) not in _asked("staffy")
    bat = _asked("bat")
    assert ("baseball", "bat") in bat, "a member named by its last word"
    assert ("gun",) not in bat


def test_every_cue_of_a_kind_counts_not_only_the_first() -> None:
    """A later, stronger cue of a kind already found brings its own words and its own now."""
    reading = DANGER.read("theres a knife on the side and hes holding a gun")
    assert ("gun",) in reading.terms and ("knif",) in reading.terms
    assert not reading.terms <= _asked("knife")
    later = DANGER.read("he had a bread knife earlier and is waving a machete right now")
    assert later.kinds == ("weapon",) and later.now, "the machete is now, the bread knife was not"


@pytest.mark.parametrize(
    ("said", "danger"),
    [
        ("what do i do hes got a knife", True),  # a clause of now, no comma
        ("what do i do, hes got a knife?", True),  # a question mark does not unsay it
        ("how do i stop him hes strangling her", True),
        ("how do i get the knife off him", True),  # a plea, not a question about procedure
        ("what do i do if hes got a knife", False),  # a condition: asked
        ("how do i get a knife off a kid?", False),  # a real question
        ("can we force entry if we think a child is locked in", False),  # the "if" after it
        ("what powers have we got to search a lad for a blade", False),  # law, not a plea
        ("can i arrest him for threatening to kill her", False),  # permission: asks
        ("can we get an ambulance hes not breathing", True),  # a clause of now
    ],
)
def test_an_opener_asks_only_in_a_real_question(said: str, danger: bool) -> None:
    assert bool(DANGER.read(said)) is danger, said


@pytest.mark.parametrize(
    ("said", "outcome"),
    [
        ("nobody is in danger", "no"),
        ("no one is in danger", "no"),
        ("none of them are in danger", "no"),
        ("no one is safe", "yes"),
        ("done", None),  # not an answer to whether the child is in danger: asked again
        ("done that", None),
        ("hes", None),  # "he's", never a slip for "yes"
        ("yse", "yes"),  # a slip is still mended
    ],
)
def test_yes_and_no_at_the_danger_question(said: str, outcome: str | None) -> None:
    step = {"yes": ["in danger", "not safe", "at risk"], "no": ["not in danger", "is safe"]}
    assert read_yes_no(said, step=step).outcome == outcome, said


def test_done_still_answers_a_question_about_an_action() -> None:
    assert read_yes_no("done", done=True).outcome == "yes"
    assert read_yes_no("done that", done=True).outcome == "yes"


@pytest.mark.parametrize(
    ("said", "answered"),
    [
        ("nobody is in danger", "no"),
        ("done that", None),
        ("hes", None),
        ("yes", "yes"),
    ],
)
def test_the_initial_contact_danger_question_reads_them_so(
    engine: Engine, said: str, answered: str | None
) -> None:
    state = engine.start(1.0).state
    state = engine.step(state, Text("kid at risk", 2.0)).state
    assert state.step == "danger"
    after = engine.step(state, Text(said, 3.0)).state
    got = [a.outcome for a in after.answers if a.step == "danger"]
    assert got == ([answered] if answered else []), said


# --- classes that compose: a verb class, a person, a place ---------------------------------------


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        # someone nobody knows, any taking verb, a child; taken from where a child should be safe
        ("some bloke has grabbed the little girl", "abduction"),
        ("the lad was snatched by two men outside the chippy", "abduction"),
        (
            "a woman lifted the toddler out of the trolley seat and out of the supermarket",
            "abduction",
        ),
        ("someone has whisked the baby away", "abduction"),
        ("dad took the 3 year old without consent and is on the run", "abduction"),
        # an intent, a menace, a person or a part of one
        ("he keeps saying hell snap the kids neck", "threat"),
        ("texted her saying theyre gonna bury him", "threat"),
        ("she says shes going to end herself tonight", "self-harm"),
        # standing where one jumps from; cutting one's own skin
        ("the girl is stood on the railway bridge", "self-harm"),
        ("lad cutting his thighs in the toilets", "self-harm"),
        # a weapon in use, in any words; harm said in the passive
        ("the neighbour is swinging a scaffold pole about", "weapon"),
        ("he came at the lad with a hammer", "weapon"),
        ("the little one is being battered in the kitchen", "violence-now"),
        # gas said in either order; kept in any room
        ("the flat reeks of gas and the kids are in bed", "fire"),
        ("they keep the girl locked in the back room", "shut-in"),
        # text-speak: "gna", "n", "r", "wiv"
        ("hes gna kill her n the kids r upstairs", "threat"),
        ("mums off her face wiv the baby on her own", "alone-danger"),
    ],
)
def test_composed_classes_read_danger_in_new_words(said: str, kind: str) -> None:
    found = DANGER.read(said)
    assert kind in found.kinds, f"{said!r} read as {found.kinds}"


@pytest.mark.parametrize(
    "said",
    [
        "is locking a child in a room an offence?",  # a question opened by a verb
        "does breach of bail count if he only waves at the kids?",
        "the stabbing was at a different address, not this family",  # elsewhere, composed
        "the fight was in another household across town",
        "gas engineer been, leak fixed",
        "a man took her statement at the front desk",  # a stranger taking, but no child
        "the officers pulled him off, hes in custody",  # pulled off a fight, not taken
        "mum is taking the kids to a different school next term",
    ],
)
def test_composed_classes_stay_quiet_on_everyday_and_elsewhere(said: str) -> None:
    assert not DANGER.read(said), f"{said!r} read as {DANGER.read(said).kinds}"


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        ("the girl was grabbed outside the shop by an unknown man", "abduction"),  # "by" further on
        ("the man she was abused by is at the door", "dangerous-person"),
        ("dad is not supposed to have any contact and hes in the kitchen", "dangerous-person"),
        ("mum is paralytic and the only adult in the flat", "alone-danger"),
    ],
)
def test_composed_classes_round_two(said: str, kind: str) -> None:
    found = DANGER.read(said)
    assert kind in found.kinds, f"{said!r} read as {found.kinds}"


# Set P's kinds of false alarm, each in sentences of our own: the danger word is there, the
# danger is not (declared never real, a day or a far-off time, a stated harmless purpose, an
# idiom, adults only, a named case, a training course, hearsay).
@pytest.mark.parametrize(
    ("said", "why"),
    [
        ("hoax call, the screaming was a fox in the garden", "dismissed before"),
        ("he said hed stab his cousin, its just a game they play on the xbox", "dismissed after"),
        ("the 10 yr old threatened to kill his sister over the remote, sibling stuff", "dismissed"),
        ("misunderstanding, the blood was paint from art class", "dismissed before"),
        ("dad punched the lad on weds, seen by the gp since", "day shortened"),
        ("she was slapped by her stepdad as a kid but not for years", "not for a long while"),
        ("gran wants to take the kids to pakistan one day for good", "a far-off time"),
        ("dad plans to snatch the lad back next year he says", "a far-off time"),
        ("the crowbar was for putting up the decking, no one threatened", "harmless purpose"),
        ("the rope in the car boot is for the garden fence", "harmless purpose"),
        ("the chain and lock are to keep the bikes in the hallway", "harmless purpose"),
        ("the collapsed man on the bus is an adult, no kids", "adults only"),
        ("house fire on the estate, nobody from this family lives there", "no one of this family"),
        ("doing the file for the stabbing incident from march", "a named case"),
        ("not breathing issues, just a cough", "a named condition, denied"),
        ("on the course they told us a baby can drown in an inch of water", "training"),
        ("rumours of a fight at the park after school, nothing confirmed", "hearsay"),
        ("i could murder a cuppa after that shift", "idiom"),
        ("his mum says hes gonna smash it in his exams this year", "idiom"),
        ("the coach says the lad is a proper weapon on the wing", "idiom"),
        ("the lad took a beating in the rugby, sore shoulder", "idiom"),
        ("my idea got shot down by the sarge", "idiom"),
        ("dad is dead against the referral but he is polite", "idiom"),
        ("mum threatened to complain about us to the inspector", "a lawful threat"),
        ("the smashing was the bottle bank being emptied", "idiom"),
    ],
)
def test_set_p_kinds_of_false_alarm_stay_quiet(said: str, why: str) -> None:
    assert not DANGER.read(said), f"{said!r} ({why}) read as {DANGER.read(said).kinds}"


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        # Dismissed before the danger, but the danger's own clause is told as now.
        ("false alarm earlier, but now hes back with a knife", "weapon"),
        ("mum said it was a hoax but the 6 yr old is locked in the shed", "shut-in"),
        # "no kids" ends a danger; "no kids food" does not.
        ("the 2 yr old is home alone, no kids food in the flat", "alone-danger"),
        # "one day" is a far-off time, "one day old" an age.
        ("the baby is one day old and wont wake up", "medical"),
        # A purpose elsewhere in the report does not cover a child left alone.
        ("mum went out for gardening stuff, the 2 yr old is home alone", "alone-danger"),
        # A far-off time elsewhere, now in the cue's clause.
        (
            "dad says hell take them to spain one day, now hes dragging the 5 yr old into a car",
            "abduction",
        ),
        # A stated purpose does not cover a blow told with it.
        ("hes hitting her with a hammer", "violence-now"),
        # "no kids" said of another place; the danger's clause is about a child.
        ("dad is strangling the 9 yr old", "violence-now"),
    ],
)
def test_set_p_kinds_leave_danger_now_standing(said: str, kind: str) -> None:
    found = DANGER.read(said)
    assert kind in found.kinds, f"{said!r} read as {found.kinds}"


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        # Set P's kinds of miss, in words of our own.
        ("the mum is barely breathing and the baby is next to her", "medical"),
        ("little girl has run onto the road at the junction, cars everywhere", "alone-danger"),
        ("the 4 yr old is sat in the middle of the road", "alone-danger"),
        ("a boy of 7 is walking towards the tracks by the station", "alone-danger"),
        ("the 10 yr old is taped to the radiator", "shut-in"),
        ("toddler is in a locked garage, been there since lunch", "shut-in"),
        ("dad wont unlock the cellar and the 9 yr old is down there", "shut-in"),
        ("the lad was dragged into a white van by two men", "abduction"),
        ("the kitchen is going up and the kids are upstairs", "fire"),
        ("hes put a hosepipe on the exhaust and the kids are in the car", "fire"),
        ("mum says she will take them all with her tonight", "threat"),
    ],
)
def test_set_p_kinds_of_miss_are_read(said: str, kind: str) -> None:
    found = DANGER.read(said)
    assert kind in found.kinds, f"{said!r} read as {found.kinds}"


# Voice notes: no punctuation, so where a clause ends is read from the words. A yes, no or not
# sure said first answers the question and the officer goes on; a correction ("actually no")
# does the same; "hes", "theres" open a statement of their own; "um" and "er" are not words.
@pytest.mark.parametrize(
    ("said", "kind"),
    [
        ("no hes still hitting her and the kids are watching", "violence-now"),
        ("not yet the ex has just come back in and the baby is with him", "dangerous-person"),
        ("not sure theres smoke coming under the door and the kids are upstairs", "fire"),
        ("cant the kitchen is on fire and the toddler is in there", "fire"),
        ("shes fine actually no hes started hitting the baby", "violence-now"),
        (
            "mum says all fine oh wait hes got a knife behind his back and the kids are here",
            "weapon",
        ),
        ("the baby isnt um breathing properly and er shes gone grey", "medical"),
    ],
)
def test_voice_notes_clauses_are_read_from_the_words(said: str, kind: str) -> None:
    found = DANGER.read(said)
    assert kind in found.kinds, f"{said!r} read as {found.kinds}"


@pytest.mark.parametrize(
    "said",
    [
        "no weapons found in the house",
        "not a knife just a comb in his pocket",
        "i dont think hes got a knife on him",
        "no the kids were not there when he hit her",
        "the fire uh drill at school today upset her a bit",
        "the smoke er alarm was tested today and works",
    ],
)
def test_voice_notes_negation_and_names_still_reach(said: str) -> None:
    assert not DANGER.read(said), f"{said!r} read as {DANGER.read(said).kinds}"


# Kinds of false alarm read from set R and the voice forms of the read sets, in words of our own.
@pytest.mark.parametrize(
    ("said", "why"),
    [
        ("is slapping a child on the legs an offence", "a question about the law, no ?"),
        ("does leaving a 10 yr old home alone count as neglect", "a question about the law"),
        ("how do i record a threat to kill on niche properly", "a question about a record"),
        ("if he hits her again does that breach his bail", "asked: does that"),
        ("typing up the report about yesterdays stabbing now", "a time dating the cue itself"),
        ("the kids were shut in the garage back in 2019 social care involved", "a year gone by"),
        ("she overdosed last year no more episodes since", "a now after the time, told of later"),
        ("he was stabbed last year the family are still grieving", "a now after the time"),
        ("the kidnap message was a scam, the bank confirmed it", "dismissed: a scam"),
        ("the shooting was on the telly, the kids were watching a film", "dismissed: on the telly"),
        ("the lads were just messing about, pretend fighting in the garden", "horseplay"),
        ("the gun was a water pistol, the kids were in the paddling pool", "a toy"),
        ("the knives in the van are his work kit, hes a chef", "tools of a trade"),
        ("the fight outside the pub was between two men, kids not involved", "no child in it"),
        ("if she ever turned up again shed probably shout at him, but she hasnt", "a guess"),
        ("im starving, no break all shift", "an idiom"),
        ("the 3 yr old was left alone for a minute while mum took the bins out, shes back", "over"),
        ("he was shut in his room earlier as punishment, door open now", "over"),
        ("what is the definition of a threat to kill, is it s16", "a question about the law"),
        ("the threats were made against an adult, a neighbour, not the family", "adult victim"),
        ("two men fighting in the street next door but its done now", "over"),
        ("the 17 yr old was locked up overnight in custody for the burglary", "held lawfully"),
        ("dad said hed murder a curry after his shift", "an idiom"),
    ],
)
def test_set_r_kinds_of_false_alarm_stay_quiet(said: str, why: str) -> None:
    assert not DANGER.read(said), f"{said!r} ({why}) read as {DANGER.read(said).kinds}"


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        # A record of the person ("who was arrested for") is no hold now.
        ("the man who was arrested for the rapes is in the car with her now", "dangerous-person"),
        # A release refused is no release.
        ("the boy is locked in the cellar and dad is refusing to let him out", "shut-in"),
        ("she is holding a shard of glass to the babys arm", "weapon"),
        # A person under an order, or with markers, named as officers name them.
        ("the ppo subject is at the door and the kids are inside", "dangerous-person"),
        ("her boyfriend with cse markers is picking her up from school now", "dangerous-person"),
        ("hes the one the order is against and hes in the house with the boys", "dangerous-person"),
        # A year ahead is not gone by; a clock time is no year.
        ("the ex turned up at 2015 with a knife and the kids are in the lounge", "weapon"),
        # A time right before the cue dates it, not a cue told after it.
        ("last night he hit her and now hes back with a knife", "weapon"),
        # A question's law word does not hide danger told in the same breath.
        ("how do i stop him hes strangling her and the kids are watching", "violence-now"),
    ],
)
def test_set_r_kinds_leave_danger_now_standing(said: str, kind: str) -> None:
    found = DANGER.read(said)
    assert kind in found.kinds, f"{said!r} read as {found.kinds}"


# A grown-up's emergency with no child named anywhere is not a child in danger (kinds marked
# `child_needed`); a parent's is, and a child named anywhere keeps it standing.
@pytest.mark.parametrize(
    ("said", "danger"),
    [
        ("the adult male at the bus stop has collapsed and isnt breathing", False),
        ("elderly lady fell down the stairs head injury bleeding a lot ambulance on way", False),
        ("a man on the bridge threatening to jump hes in his forties negotiator there", False),
        ("the woman in flat 2 has taken an overdose shes in her sixties lives alone", False),
        ("mum has collapsed and isnt breathing", True),
        ("a man has collapsed and isnt breathing and the baby is with him", True),
        ("a woman on the bridge threatening to jump holding her 3 yr old", True),
        ("lad on the bridge threatening to jump, no adult with him", True),
    ],
)
def test_a_grown_ups_emergency_with_no_child_is_no_childs_danger(said: str, danger: bool) -> None:
    assert bool(DANGER.read(said)) is danger, f"{said!r} read as {DANGER.read(said).kinds}"


def _as_voice_note(typed: str) -> str:
    """A typed message as a speech recogniser writes it: no capitals, apostrophes or
    punctuation, numbers as words, and an "um" or "er" now and then."""
    said = re.sub(r"[^\w\s]", " ", typed.lower().replace("'", "").replace("’", ""))
    spoken: list[str] = []
    for at, word in enumerate(said.split()):
        spoken.append(number_words(int(word)) if word.isdigit() and len(word) < 5 else word)
        if at % 5 == 2:
            spoken.append("um" if at % 2 else "er")
    return " ".join(spoken)


def test_the_dev_set_as_voice_notes_reads_as_typed() -> None:
    """Clauses found from words, not commas: the same message spoken is read the same."""
    dev = _dev_set()
    missed = [s for s in map(_as_voice_note, dev["danger"]) if not DANGER.read(s)]
    alarms = [s for s in map(_as_voice_note, dev["ordinary"]) if DANGER.read(s)]
    assert missed == []
    assert alarms == []


# Kinds of false alarm and miss named for the sealed sets (issue 6), in words of our own.
@pytest.mark.parametrize(
    ("said", "danger"),
    [
        # No child there at all, said anywhere: whatever else it tells of, no child is in it.
        ("two women brawling with a bottle in the car park, no kids about", False),
        ("he is punching his flatmate, no children live at the address", False),
        ("the husband is threatening her with a hammer, they dont have any kids", False),
        ("no kids downstairs but hes upstairs with the baby and a knife", True),
        # A grown-up's age, or a child's word that names a grown-up ("adult son", "who is 30").
        ("the man is 45 and has collapsed in the street", False),
        ("neighbour fell in the river, shes 62, fire service pulling her out", False),
        ("the old boy from number 4 is unconscious on his kitchen floor", False),
        ("her brother who is 30 has taken an overdose", False),
        ("shes 4 and not breathing", True),
        ("hes 20 mins away and the toddler is not breathing", True),
        # Fire, being shut in and being left are a child's danger only with a child named.
        ("a woman in her 70s has smoke pouring from her kitchen", False),
        ("an adult male is trapped in the lift between floors", False),
        ("smoke pouring from the kids bedroom window", True),
    ],
)
def test_no_child_anywhere_is_no_childs_danger(said: str, danger: bool) -> None:
    assert bool(DANGER.read(said)) is danger, f"{said!r} read as {DANGER.read(said).kinds}"


@pytest.mark.parametrize(
    ("said", "danger"),
    [
        # A "now" that opens a statement of its own: what was over was over before it.
        ("it was all fine earlier now hes got a knife to the lads throat", True),
        ("everyone was safe an hour ago now theres smoke coming out the babys room", True),
        ("he was calm earlier but the knife has been seized now", False),
        # Death promised without its word.
        ("hes told her the kids will be going home in a box", True),
        ("he says nobody leaves the flat alive and the boy is in there with him", True),
        ("the older lads told him hes a dead man if he grasses", True),
        ("nobody has come out of the address since we arrived", False),
        # A dangerous person's arrival, in more of the ways it is told.
        ("the ex with the non mol is pulling onto the drive and the kids are home", True),
        ("the violent ex has found the refuge", True),
        ("the man with the sex offence conviction is in the bath with the 6 year old", True),
    ],
)
def test_danger_told_in_new_ways_is_read(said: str, danger: bool) -> None:
    assert bool(DANGER.read(said)) is danger, f"{said!r} read as {DANGER.read(said).kinds}"


@pytest.mark.parametrize(
    "said",
    [
        "her dad cant come round tonight hes on nights",
        "the girl cant wake up in time for school and is late every day",
        "the kids were having a pillow fight on the landing when we arrived",
        "nan was carving the roast with the big knife when we got there",
        "mum was cutting his hair in the kitchen with the scissors",
        "dad had made a fire in the garden for marshmallows",
    ],
)
def test_everyday_uses_and_visiting_are_no_alarm(said: str) -> None:
    assert not DANGER.read(said), f"{said!r} read as {DANGER.read(said).kinds}"


def test_a_medical_cue_with_visiting_words_elsewhere_is_still_read() -> None:
    assert DANGER.read("the baby wont come round")


# Round three (branch h-danger2): kinds named by the lead for the sealed sets, in words of our
# own. A reply that opens with a whole answer, or answers chained ("no not yet"), ends there.
@pytest.mark.parametrize(
    ("said", "kind"),
    [
        ("no not yet mums fella is stamping on the lad", "violence-now"),
        ("not yet suicidal 15yo walking towards the motorway bridge", "self-harm"),
        ("nah not yet baby gone floppy and grey", "medical"),
        ("done that dad is kicking the door in and the kids are behind it", "dangerous-person"),
        ("not that we know of stepdad has a machete out and the kids are upstairs", "weapon"),
    ],
)
def test_a_whole_answer_said_first_does_not_deny_what_follows(said: str, kind: str) -> None:
    found = DANGER.read(said)
    assert kind in found.kinds, f"{said!r} read as {found.kinds}"


@pytest.mark.parametrize(
    "said",
    [
        "no not yet, no weapons in the house",
        "no not yet what counts as a threat to kill for the dash",
        "yes done that is locking a child in a room an offence",
        "is not breathing a reason to force entry?",
        "not really, the knife was seized and bagged",
    ],
)
def test_a_whole_answer_leaves_denials_and_questions_as_they_were(said: str) -> None:
    assert not DANGER.read(said), f"{said!r} read as {DANGER.read(said).kinds}"


# A bare "now" parts an ended danger from a new one in a voice note, unless what follows it goes
# on with the ended one (danger.yaml's now_goes_on).
@pytest.mark.parametrize(
    ("said", "danger"),
    [
        ("paramedics have gone now the uncle has a hammer and the kids are in the hall", True),
        ("knife seized earlier now mums ex is at the door with a bat", True),
        ("the fire crew have left now the toddler is fitting on the sofa", True),
        ("the knife has been seized now and bagged", False),
        ("hes been arrested now safe with nan", False),
        ("the fire is out now all the kids are with the neighbour", False),
    ],
)
def test_a_bare_now_parts_an_ended_danger_from_a_new_one(said: str, danger: bool) -> None:
    assert bool(DANGER.read(said)) is danger, f"{said!r} read as {DANGER.read(said).kinds}"


# Dialect: "wi", "hoose", "laddie"; and a Scots "no" before a verb is "not".
@pytest.mark.parametrize(
    ("said", "kind"),
    [
        ("the bairn is no breathin and his lips are blue", "medical"),
        ("wean no moving in the bath", "medical"),
        ("da is leathering the laddie wi his belt reet now", "violence-now"),
        ("a wifie has run off wi the bairn fae the pram", "abduction"),
        ("theres smoke pourin oot the hoose and the weans are upstairs", "fire"),
    ],
)
def test_dialect_words_and_a_scots_no_are_read(said: str, kind: str) -> None:
    found = DANGER.read(said)
    assert kind in found.kinds, f"{said!r} read as {found.kinds}"


@pytest.mark.parametrize(
    "said",
    [
        "the bairn has no breathing problems, just a cold",
        "no weapons in the hoose, bairns asleep",
        "the laddie was no hurt, nothing to worry about, home wi his mam",
    ],
)
def test_dialect_denials_still_deny(said: str) -> None:
    assert not DANGER.read(said), f"{said!r} read as {DANGER.read(said).kinds}"


# A recogniser's "night" for "knife", read as a knife only by a knife's kind or where it is held.
@pytest.mark.parametrize(
    ("said", "danger"),
    [
        ("er the stepdad is holding a bread night and the boy is stood right there", True),
        ("he has a night to her throat and the baby is on the floor", True),
        ("the kitchen night light was left on for the toddler", False),
        ("dad is on night shift so mum has the kids", False),
    ],
)
def test_a_knife_heard_as_night_is_read_where_a_knife_would_be(said: str, danger: bool) -> None:
    assert bool(DANGER.read(said)) is danger, f"{said!r} read as {DANGER.read(said).kinds}"


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        # A person's condition ("isnt allowed near") does not deny their arrival.
        ("the uncle who isnt allowed near the girls has just walked in", "dangerous-person"),
        # A fit told by what is seen; a child put into a vehicle by a stranger.
        ("the 3 year old is jerking on the floor and his eyes are rolling", "medical"),
        ("a woman was seen putting the boy in a van and driving off", "abduction"),
    ],
)
def test_arrivals_fits_and_vehicles_in_new_words(said: str, kind: str) -> None:
    found = DANGER.read(said)
    assert kind in found.kinds, f"{said!r} read as {found.kinds}"


@pytest.mark.parametrize(
    "said",
    [
        "bail conditions not to contact the children",
        "the lad is fighting off a chest infection",
        "she likes true crime podcasts about murders",
        "hes obsessed with a video game where you shoot zombies",
    ],
)
def test_conditions_illness_and_stories_are_no_alarm(said: str) -> None:
    assert not DANGER.read(said), f"{said!r} read as {DANGER.read(said).kinds}"


def test_round_three_probes_hold_their_measure() -> None:
    """The round's own probes (tests/data/danger_probes_round3.yaml), written before it and
    measured before (55/66 caught, 5/88 false alarms) and after: the after figures are a floor."""
    probes = read_yaml((DATA / "danger_probes_round3.yaml").read_text(encoding="utf-8"))
    caught = sum(bool(DANGER.read(row["text"])) for row in probes["danger"])
    alarms = sum(bool(DANGER.read(row["text"])) for row in probes["ordinary"])
    assert (len(probes["danger"]), len(probes["ordinary"])) == (66, 88)
    assert caught >= 61
    assert alarms <= 3


# Words pointing back ("that was ...") with a past time or an end date or end what was told
# before them, though it was told as going on; minutes ago, or a "now" after, do not.
@pytest.mark.parametrize(
    ("said", "danger"),
    [
        ("the stepdad is strangling the girl, but that was back in 2021 and hes moved", False),
        ("mum is dragging him by the hair, this was last summer, all fine since", False),
        ("a man is snatching a toddler off the swings, that was in another town", False),
        ("hes hitting her, that was ten minutes ago and the kids are screaming", True),
        ("he was punching the lad, that was last week but hes back now with a bat", True),
        ("hes got a knife, that was what the caller said, kids inside", True),
    ],
)
def test_that_was_then_dates_what_was_told_before_it(said: str, danger: bool) -> None:
    assert bool(DANGER.read(said)) is danger, f"{said!r} read as {DANGER.read(said).kinds}"


# -- the learnt second opinion --------------------------------------------------------------

# Danger in words no cue holds, written for these tests (not lines of any set): a car or van
# arriving, a child swung by the ankles, a window prised, a lighter and curtains, a car driven.
LEARNT_ONLY = [
    "his car has just pulled up outside and the kids are in the garden",
    "the boyfriend's van is reversing onto the drive and the baby is in the pram out front",
    "mum's boyfriend has picked the little lad up by his ankles and is swinging him",
    "theres a man at the window of the kids bedroom trying to prise it open",
    "the youngest has got hold of dads lighter and the curtains have caught",
    "the car with the kids in is being driven at us",
]


@pytest.mark.parametrize("said", LEARNT_ONLY)
def test_the_learnt_opinion_catches_danger_no_cue_holds(said: str) -> None:
    assert DANGER.learnt is not None, "the shipped pack has labelled examples to learn from"
    cues_alone = copy.copy(DANGER)
    cues_alone.learnt = None
    assert not cues_alone.read(said), "a cue found it: no test of the learnt opinion"
    reading = DANGER.read(said)
    assert reading.kinds == (LEARNT,), "recorded honestly as the learnt opinion's, no cue's"
    assert reading.learnt is not None and reading.learnt >= LEARNT_CATCH
    assert not reading.terms, "no cue words: a question's own subject cannot excuse it"


@pytest.mark.parametrize(
    "said",
    [
        "the kids are at school, mum wants advice about her ex",
        "just finished the visit, all three children seen and well",
        "can you remind me what a section 47 is",
        "dad picked the kids up from school in his car, all fine",
    ],
)
def test_the_learnt_opinion_is_quiet_on_ordinary_reports(said: str) -> None:
    assert not DANGER.read(said), f"{said!r} read as {DANGER.read(said).kinds}"


class _Opinion:
    """A learnt opinion that gives every message one probability."""

    def __init__(self, probability: float) -> None:
        self._probability = probability

    def probability(self, said: object) -> float:
        return self._probability


def _with_opinion(probability: float) -> DangerCues:
    cues = copy.copy(DANGER)
    cues.learnt = _Opinion(probability)  # type: ignore[assignment]
    return cues


@pytest.mark.parametrize(
    "said",
    [
        "the knife was seized and bagged an hour ago",
        "no weapons seen at the address, kids asleep",
        "there was a fire at the flat last year, family fine since",
        "he held a knife to the babys throat, that was back in 2019 at a different address",
        "if he turns up with a gun while the kids are there what do we do",
        "the old man next door has collapsed and isnt breathing, no children live there",
        "he was waving a machete at the kids, hes been arrested and the machete is bagged",
    ],
)
def test_the_learnt_opinion_never_overrules_a_cue_set_aside(said: str) -> None:
    """Over, elsewhere, denied, asked about, no child: however sure the learnt opinion is."""
    reading = _with_opinion(1.0).read(said)  # as sure as it could ever be
    assert not reading, f"{said!r} read as {reading.kinds}"
    assert reading.quieted, "the cues found danger and set it aside themselves"


def test_the_learnt_opinion_is_deterministic_and_survives_the_cache() -> None:
    """Trained by full-batch descent from zero: the same examples give the same model, and the
    start-up cache (a pickle of the cues) gives back the same opinion."""

    def read(text: str) -> list[tuple[str, str, int]]:
        return [(word, stem(word), 0) for word in words(text).split()]

    said = read("the van pulled up and the kids are out front")
    examples = [
        (read(text), label)
        for text, label in [
            ("van pulled up outside kids in garden", True),
            ("hes got a knife kids inside", True),
            ("kids at school all fine", False),
            ("dropped the referral off at the office", False),
        ]
    ]
    assert LearntDanger(examples).probability(said) == LearntDanger(examples).probability(said)
    again = pickle.loads(pickle.dumps(DANGER))
    for text in LEARNT_ONLY:
        assert again.read(text) == DANGER.read(text)
        assert DANGER.read(text) == DANGER.read(text)


# Pleas for help long enough for the learnt opinion to have a say, written for these tests: a
# plea reads like the questions about procedure the examples label ordinary.
PLEAS = [
    "what do i do hes got a knife to her throat in the kitchen",
    "how do i get the knife off him hes waving it at the kids",
    "can we get an ambulance hes not breathing and his lips are going blue",
    "please hurry hes got the baby and is threatening to jump off the balcony",
    "need backup now the stepdad is kicking the door in and the kids are inside",
    "help me he has locked the toddler in the car and it is boiling hot",
]


@pytest.mark.parametrize(
    "said",
    [
        *PLEAS,
        "what do i do hes got a knife",
        "how do i get the knife off him",
        "can we get an ambulance hes not breathing",
        *(said for examples in BY_KIND.values() for said in examples if len(said.split()) < 8),
        # Told as now: a record reads as ordinary, the "now" makes it danger.
        "the man we arrested last week for gbh is now back at the door",
        "his dad who has a violence marker is at the house right now with the kids",
    ],
)
def test_the_learnt_opinion_never_sets_aside_a_plea_a_short_message_or_now(said: str) -> None:
    """However sure it is that a message is ordinary: a plea for help reads like a question,
    a short message is all cue, its wording saying nothing more, and a cue told as now is so."""
    assert _with_opinion(0.0).read(said).kinds == DANGER.read(said).kinds != ()


@pytest.mark.parametrize("said", [*PLEAS, *(said for kind in BY_KIND.values() for said in kind)])
def test_the_shipped_learnt_opinion_keeps_the_cues_danger(said: str) -> None:
    """The shipped opinion is not sure enough that any danger of each kind is ordinary."""
    reading = DANGER.read(said)
    assert reading and reading.kinds != (LEARNT,), f"{said!r} read as {reading}"


@pytest.mark.parametrize(
    "said",
    [
        # A cue word in a sentence that tells of no danger, each kind written for this test.
        "my tutor asked me what the signs of poisoning in a toddler are for my portfolio",
        # ("the trainers are fire", "burnt her mouth" are figures of speech the cues now know.)
        "the fifteen year old says the new drill track is straight fire and the party was lit",
        "he got shut in the car for a couple of minutes by accident but the keys were found",
        "she said the tea was that hot it nearly burnt the skin off her lip and she was giggling",
    ],
)
def test_a_sure_learnt_opinion_sets_aside_a_cue_in_an_ordinary_report(said: str) -> None:
    """Very sure the message is ordinary, long enough, no plea: the cue word is set aside, and
    the reason is recorded by name only."""
    reading = _with_opinion(0.0).read(said)
    assert not reading
    assert LEARNT_ORDINARY in reading.quieted
    assert not reading.terms


@pytest.mark.parametrize(
    "said",
    [
        "my tutor asked me what the signs of poisoning in a toddler are for my portfolio",
        "she said the tea was that hot it nearly burnt the skin off her lip and she was giggling",
    ],
)
def test_the_shipped_learnt_opinion_sets_aside_a_cue_word_in_a_story(said: str) -> None:
    """A homework question, a child's exaggeration: the shipped opinion is sure of these."""
    cues_alone = copy.copy(DANGER)
    cues_alone.learnt = None
    assert cues_alone.read(said), "no cue found it: no test of setting a cue aside"
    assert LEARNT_ORDINARY in DANGER.read(said).quieted


@pytest.mark.parametrize("said", ["hes", "the boy", "mum and dad", "kids in the house"])
def test_the_learnt_opinion_needs_a_few_words(said: str) -> None:
    """A word or two tells of nothing, though danger is often told with them."""
    assert not _with_opinion(1.0).read(said)


@pytest.mark.parametrize("said", ["no just the baby", "yes done the baby", "not sure the two kids"])
def test_the_learnt_opinion_counts_its_few_words_after_the_answer(said: str) -> None:
    """An answer opening a reply tells nothing of danger: what follows it must be long enough."""
    assert not _with_opinion(1.0).read(said)


def test_the_cached_pack_holds_no_example_text() -> None:
    """The pack goes into the start-up cache in the data folder, where nothing may name anyone:
    its examples (which may) are kept as their file's path and read again only for a build."""
    pack = read_language(default_language_dir())
    examples = pack.danger_examples
    assert examples.danger and examples.ordinary
    kept = pickle.dumps(pack)
    for text in (*examples.danger[:50], *examples.ordinary[:50]):
        assert text.encode() not in kept
    again = pickle.loads(kept)
    assert again == pack
    assert again.danger_examples.loaded().danger == examples.danger


# -- a person dangerous by what they did, back now -------------------------------------------


@pytest.mark.parametrize(
    "said",
    [
        "arrested last week for GBH now back at the door",
        "the stepdad who put the baby in hospital last month is back in the house with the baby",
        "dad who broke her jaw in 2021 is at the door asking to see the kids",
        "hes back now, drunk, and the little ones are upstairs in bed, he went for her last time",
        "the one we nicked last week for battering her is back at the address with the kids",
    ],
)
def test_a_person_dangerous_by_past_acts_arriving_now_is_danger(said: str) -> None:
    """The time dates what the person did; their coming back is now."""
    assert DANGER.read(said).kinds == ("dangerous-person",), DANGER.read(said)


@pytest.mark.parametrize(
    "said",
    [
        "the one who hit her turned up last week but has not been back since",
        "he was arrested last year for gbh and has been in prison since",
        "the ex who assaulted her came back in 2019 and was arrested at the door",
    ],
)
def test_a_return_itself_told_as_past_is_not_danger_now(said: str) -> None:
    """A time after the return, its record told first, dates the return."""
    assert not DANGER.read(said), DANGER.read(said)


# -- the children told as somewhere else ------------------------------------------------------


@pytest.mark.parametrize(
    "said",
    [
        "two grown men are scrapping outside the pub and the kids are at school",
        "the knife is bagged in the boot of the car and the kids are at their nans",
        "a colleague got headbutted by the prisoner but the children were not there",
    ],
)
def test_danger_with_the_children_somewhere_else_is_no_childs_danger(said: str) -> None:
    """The children told as away ("at school", "at their nans", "not there"), none named else."""
    reading = DANGER.read(said)
    assert not reading, reading
    assert "no child" in reading.quieted


@pytest.mark.parametrize(
    "said",
    [
        "dad is battering mum in the kitchen and the baby is upstairs, the older two are at school",
        "hes got a knife and the toddler is with him, his sisters are at their nans",
    ],
)
def test_a_child_named_with_the_danger_keeps_it_though_others_are_away(said: str) -> None:
    assert DANGER.read(said), DANGER.read(said)


# -- how long a missing child has been gone ---------------------------------------------------


@pytest.mark.parametrize(
    "said",
    ["gone since sat", "been gone since yesterday", "got a misper been gone since yest"],
)
def test_a_missing_child_gone_since_is_no_alarm(engine: Engine, flows: FlowSet, said: str) -> None:
    """ "Gone since" is how an officer says how long a missing child has been away (the missing
    flow asks exactly that): only a carer gone since, leaving a child, is danger (review of 3
    December 2026: "gone since sat" raised protect-first at every question)."""
    fired = [
        position.name
        for position in positions(flows)
        if protects_first(engine, position, said, 1_700_000_100.0)
    ]
    assert fired == []


@pytest.mark.parametrize(
    "said",
    [
        "mum has been gone since tuesday and the 3 year old is in the flat",
        "the toddler is there and mum has been gone since this morning",
    ],
)
def test_a_carer_gone_since_with_a_small_child_is_still_danger(said: str) -> None:
    assert "alone-danger" in DANGER.read(said).kinds


# -- set w read: its kinds of miss, each with its twin that is over, elsewhere or denied -------

CUES_ALONE = copy.copy(DANGER)
CUES_ALONE.learnt = None


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        # a time before a turn dates what came before it; "just" after the turn is now
        (
            "saw him this morning he was calm but hes just come back and is kicking her",
            "violence-now",
        ),
        (
            "spoke to mum yesterday all ok but dad has just walked in and started hitting the boy",
            "violence-now",
        ),
        # an end said, then the danger taken up again after a turn
        (
            "he dropped the blade earlier but now hes picked it back up and the kids are there",
            "weapon",
        ),
        (
            "the fire was put out but its flared up again and the baby is in the back bedroom",
            "fire",
        ),
        # a carer or a child going, not the dangerous person
        (
            "the sex offender is in the lounge with the 6 year old, mum has gone to work",
            "dangerous-person",
        ),
        (
            "the perp has just walked in the back door, the kids are playing out there",
            "dangerous-person",
        ),
        # wanted or charged for harm done, and there now
        (
            "the man wanted for the stabbing last night is in the house with the toddler",
            "dangerous-person",
        ),
        # collected by someone nobody knows
        (
            "school say a woman they dont know collected the girl at 3 and mum never arranged it",
            "abduction",
        ),
        # caught fast by the body
        (
            "the toddlers head is stuck between the stair gate bars and she cant breathe right",
            "shut-in",
        ),
        # a car running in a closed garage
        (
            "dads sat in the car in the garage with the engine running and the lad is in the back",
            "fire",
        ),
        # a small child's age told without "year old"
        ("found a little girl on her own by the river, shes 3 and in her nightie", "alone-danger"),
        ("boy is on his own at the bus stop in the snow in a t shirt, hes about 4", "alone-danger"),
    ],
)
def test_set_w_kinds_of_miss_are_read(said: str, kind: str) -> None:
    """The cues alone read each kind of `w`'s misses, in our own words (not `w`'s lines)."""
    assert kind in CUES_ALONE.read(said).kinds, CUES_ALONE.read(said)


@pytest.mark.parametrize(
    "said",
    [
        # a time before a turn with no word of now still dates the cue
        "last week she was fine but then he hit her",
        # an end, and no danger taken up again
        "he put the knife down ten minutes ago and hes calm now",
        "knife seized but dad is still shouting at the neighbours",
        # the dangerous person going, told by a pronoun after the carer
        "the sex offender was in the flat with a 7 year old, mum says he has gone",
        # wanted for harm done, and circulated, not there
        "wanted for the stabbing on friday, circulated, no trace",
        # collected as arranged
        "nan collected the baby from nursery as arranged",
        # caught fast, and freed
        "the baby got her head stuck in the cot bars earlier, mum freed her, shes fine now",
        # a grown-up alone in the cold, no child
        "adult male on his own in a t shirt at the bus stop, its snowing, hes 40",
        # an age that is a time ("for 3 years"), a past age ("was twelve")
        "he has lived alone for 3 years",
        "the grooming happened online when she was 12 and hes been sentenced",
    ],
)
def test_set_w_kinds_twins_over_elsewhere_or_denied_are_no_alarm(said: str) -> None:
    assert not CUES_ALONE.read(said), CUES_ALONE.read(said)


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        # a time inside a clause of "who" or "that" dates that person's or animal's act
        (
            "the baby is with the uncle who punched her in june and he collected her at 4",
            "dangerous-person",
        ),
        (
            "18 month old left in the kitchen with the dog that bit his sister on monday",
            "alone-danger",
        ),
        # a record and a return, read apart from another cue on the same words
        (
            "the bloke who glassed her dad last night has turned up at the flat, kids there",
            "dangerous-person",
        ),
        (
            "the lad who did the stabbing last weekend just walked into the school",
            "dangerous-person",
        ),
        # an end tried, not done, or someone else's
        ("her nightie has caught on the fire and nan is trying to put it out", "fire"),
        (
            "lads on the bridge with a blade to his mates neck, we are trying to talk him down",
            "weapon",
        ),
        ("boy with a slashed arm, bleeding heavily, ambulance isnt here", "medical"),
        # told in passing in a long update
        ("toddler has got hold of grandads blood pressure tablets, no idea how many", "medical"),
        (
            "girl fell off the trampoline, landed on her head, now shes gone sleepy and been sick",
            "medical",
        ),
        (
            "sorry for the noise, smoke coming out of the upstairs window and the baby is up there",
            "fire",
        ),
        ("the newborn was taken from the maternity ward by a woman in a nurses tunic", "abduction"),
        (
            "dad has been let out on a tag and he is sat on the sofa with the kids",
            "dangerous-person",
        ),
    ],
)
def test_set_x_and_zz_kinds_of_miss_are_read(said: str, kind: str) -> None:
    """The cues alone read each kind of `x`'s and `zz`'s misses, in our own words."""
    assert kind in CUES_ALONE.read(said).kinds, CUES_ALONE.read(said)


@pytest.mark.parametrize(
    "said",
    [
        # the cue itself inside the clause of "who" and its time: dated
        ("the baby that stopped breathing an hour ago is fine now"),
        ("the uncle who punched her in june was remanded and is in prison"),
        # the end done, not tried
        ("the fire in the kitchen was put out by nan, everyone is outside and fine"),
        ("the lad was talked down off the bridge, hes with his mum now"),
        # a thing locked away, a weapon that fires nothing
        ("the shotguns are kept in a locked cabinet, licence checked"),
        ("it was a starting pistol from the running club, blank firing only"),
        # children playing at it, a game lost
        ("the kids were playing dead on the lawn, all giggling"),
        ("he got battered at fortnite by his cousin, proper sulking"),
        # over in many words, and elsewhere
        ("weve taken the lock off the door, hes been checked over, with foster carers now"),
        ("the fight was across town, not where the kids live"),
    ],
)
def test_set_x_and_zz_kinds_twins_over_elsewhere_or_denied_are_no_alarm(said: str) -> None:
    assert not CUES_ALONE.read(said), CUES_ALONE.read(said)


def test_no_cue_joins_words_across_a_correction() -> None:
    """What is taken back ("no wait") joins nothing to what follows; each side still counts."""
    # the review's false alarm in custody (docs/review-2026-12-03b.md)
    assert not CUES_ALONE.read("nicked for assault, no wait hes here voluntary")
    assert CUES_ALONE.read("hes got a knife no wait a machete and the baby is right by him")
    assert CUES_ALONE.read("no wait scratch that, hes just grabbed the baby and is hitting her")
