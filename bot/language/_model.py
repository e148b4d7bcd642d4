"""The shape of a language pack: one strict model per file, so a slip fails at load, not on shift.

A trainer extends these files; a misspelt key, a phrase in capitals or a number where words are
expected is reported with the file and the key (see :mod:`bot.language._load`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from bot.language._yaml import read_yaml

_PHRASE = re.compile(r"^[a-z0-9<>]+(?: [a-z0-9<>.]+)*$")
_CUE = re.compile(r"^(?:[a-z0-9]+!?|<[a-z-]+>|\.\.\.?|~)(?: (?:[a-z0-9]+!?|<[a-z-]+>|\.\.\.?|~))*$")


def _phrase(value: str) -> str:
    if not _PHRASE.fullmatch(value):
        raise ValueError(
            f"'{value}' must be written as the bot reads it: lower-case words and digits, one "
            "space apart, no punctuation or apostrophes"
        )
    return value


def _cue(value: str) -> str:
    if not _CUE.fullmatch(value) or value.startswith(("..", "~")) or value.endswith(("..", "~")):
        raise ValueError(
            f"'{value}' is not a cue: lower-case words, <class> names and '..' or '...' between "
            "words, one space apart"
        )
    return value


_MARKED = re.compile(r"^(?:[a-z0-9]+!?|<[a-z-]+>)(?: (?:[a-z0-9]+!?|<[a-z-]+>))*$")


def _marked(value: str) -> str:
    if not _MARKED.fullmatch(value):
        raise ValueError(
            f"'{value}' must be written as the bot reads it: lower-case words and digits, one "
            "space apart, a word ending in '!' to be matched exactly as written, <class> names"
        )
    return value


Phrase = Annotated[str, AfterValidator(_phrase)]
"""Words as the bot reads them: lower case, no punctuation ("dont know")."""
Cue = Annotated[str, AfterValidator(_cue)]
"""A danger cue: words, ``<class>`` names and ``...`` gaps."""
Phrases = tuple[Phrase, ...]
Marked = tuple[Annotated[str, AfterValidator(_marked)], ...]
"""Danger phrases: words as the bot reads them, "!" after a word to match it as written."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Verdict = Literal["yes", "no", "unsure", "ask"]


class Answers(_Strict):
    """answers.yaml: how officers say yes, no, not sure, not yet, not needed."""

    yes: Phrases = Field(min_length=1)
    yes_to_all: Phrases = ()
    """Yes to a question naming several things, typed; never offered to speech recognition."""
    no: Phrases = Field(min_length=1)
    unsure: Phrases = Field(min_length=1)
    unsure_hedges: Phrases = ()
    not_yet: Phrases = ()
    not_needed: Phrases = Field(min_length=1)
    idioms: dict[Phrase, Verdict] = Field(default_factory=dict)
    speech_slips: dict[Phrase, Phrase] = Field(default_factory=dict)
    heard_alike: tuple[tuple[Phrase, Phrase], ...] = ()
    corrections: Phrases = ()
    contrast: Phrases = ()
    risk: Phrases = ()
    done: Phrases = ()
    acknowledgements: Phrases = Field(min_length=1)
    courtesy: Phrases = ()
    finished: Phrases = ()
    nothing: Phrases = ()
    carry_on: Phrases = ()
    everything: Phrases = ()
    everything_but: Phrases = ()
    """Words after "all" that leave the options named next out ("all except 3")."""
    emoji: dict[str, Phrase] = Field(default_factory=dict)
    """A reply of only an emoji, read as the words it stands for ("✅": done)."""
    other_part: Phrases = ()
    """Words naming the other of two ("the other one"): a no said of it after an answer about
    the first ("one was seen alone, the other wasn't") leaves part of the answer undone."""

    @model_validator(mode="after")
    def _yes_is_not_no(self) -> Answers:
        both = sorted(set(self.yes + self.yes_to_all) & set(self.no))
        if both:
            raise ValueError(f"'{both[0]}' is under both yes and no: keep it under one")
        return self


class Commands(_Strict):
    """commands.yaml: words that work at every step, greetings and question words."""

    commands: dict[
        Literal[
            "back",
            "skip",
            "cancel",
            "menu",
            "help",
            "summary",
            "why",
            "more",
            "practice",
            "feedback",
        ],
        Phrases,
    ]
    ask: Phrases = Field(min_length=1)
    greetings: Phrases = ()
    thanks: Phrases = ()
    """Whole messages that only thank the bot ("cheers", "ta mate")."""
    question_words: Phrases = ()
    fact_questions: Phrases = ()
    """Words opening a question after a fact ("whats the time limit on a 136"): at the menu it
    gets guidance even when it names a flow, where "how do i do a referral" starts one."""
    meaning_questions: Phrases = ()
    """Openings of a question about what a word means ("whats a safe adult"): asked at a
    question, it is looked up, never read as an answer naming that word."""
    option_words: Phrases = ()
    """Words said around option numbers ("ticked 1 and 2", "press 3", "options 1 & 3")."""


class Scope(_Strict):
    """Cues of one kind of "not (yet) so", before and after what they govern."""

    preceding: Phrases = ()
    preceding_phrases: Phrases = ()
    following: Phrases = ()
    following_phrases: Phrases = ()


class Reach(_Strict):
    """How far a negation reaches: meaningful words before, words after, and for a denial."""

    preceding: int = Field(default=4, ge=1, le=10)
    following: int = Field(default=3, ge=1, le=10)
    denial: int = Field(default=2, ge=0, le=10)


class Negation(_Strict):
    """negation.yaml: NegEx cues (preceding, following, termination, pseudo) and "not yet"."""

    preceding: Phrases = Field(min_length=1)
    following: Phrases = ()
    termination: Phrases = Field(min_length=1)
    pseudo: Phrases = ()
    denial: Phrases = Field(min_length=1)
    reach: Reach = Reach()
    unfinished: Scope = Scope()
    future: Scope = Scope()
    unfulfilled: Phrases = ()
    """What ought to have been done and was not ("should have told mum"): said before even a
    question's own words for done, it is not done."""


class Numbers(_Strict):
    """numbers.yaml: number words, units, amounts and times of day."""

    units: dict[Phrase, int]
    teens: dict[Phrase, int]
    tens: dict[Phrase, int]
    number_homophones: dict[Phrase, int] = Field(default_factory=dict)
    section_homophones: dict[Phrase, Phrase] = Field(default_factory=dict)
    """Sound-alikes of a number word, read as it only right after a word for a section."""
    plain_before_plural: Phrases = ()
    unit_homophones: dict[Phrase, Phrase] = Field(default_factory=dict)
    unit_hours: dict[Phrase, float] = Field(min_length=1)
    time_units: Phrases = ()
    singular_units: Phrases = ()
    quantity_words: Phrases = ()
    age_units: Phrases = ()
    amounts: dict[Phrase, float] = Field(default_factory=dict)
    relative_hours: dict[Phrase, float] = Field(default_factory=dict)
    days: dict[Phrase, Annotated[int, Field(ge=0, le=6)]] = Field(default_factory=dict)
    parts_of_day: dict[Phrase, Annotated[int, Field(ge=0, le=23)]] = Field(default_factory=dict)
    months: dict[Phrase, Annotated[int, Field(ge=1, le=12)]] = Field(default_factory=dict)
    """Month names, read after a day of the month ("since the 1st of Dec", "from 30 nov")."""
    appearance: Phrases = ()
    """Words before the age a person looks ("looks about 15"): that age is the one asked for."""
    yesterday: Phrases = ()
    time_shorthand: dict[Phrase, Phrase] = Field(default_factory=dict)
    hedges: Phrases = ()
    school_year: Phrases = ()
    """Words before a school year ("year 9", "yr 7"): an age from the year, never the number."""
    school_starts: int = Field(default=4, ge=3, le=6)
    """The age at which Year 1 starts is this plus one: in Year N a child is N+4 or N+5."""
    age_to_come: Phrases = ()
    """Words before an age not reached yet ("turns 18 tomorrow", "will be 17"): one less now."""
    age_soon: Phrases = ()
    """Words after an age not reached yet ("18 next week"): one less now."""
    age_before: Phrases = ()
    """Words said just before an age ("aged 15"): the number the answer gives as the age,
    whatever other numbers it holds ("flat 9, aged 15")."""
    age_after: Phrases = ()
    """Words said just after an age ("15 years old", "15yo"), as ``age_before``."""
    one_is_a_child_after: Phrases = ()
    """Words after which "one" is a child, not a number ("the older one is 15")."""
    one_as_a_word: dict[Phrase, Phrase] = Field(default_factory=dict)
    """Phrases where "one" is no number, and what they are read as ("no one knows": nobody)."""
    reported_times: Phrases = ()
    """Words giving someone's guess at a clock time ("mum reckons half 9"): read as "since"."""
    opener_times: Phrases = ()
    """Words showing an opener gives a length of time ("misper since yesterday"), not an age."""


class Spelling(_Strict):
    """spelling.yaml: word families and British spellings."""

    families: dict[Phrase, Phrase] = Field(default_factory=dict)
    british: dict[Phrase, Phrase] = Field(default_factory=dict)
    british_starts: dict[Phrase, Phrase] = Field(default_factory=dict)
    double_l: Phrases = ()


class Abbreviations(_Strict):
    """abbreviations.yaml: chat shorthand, section words, and what a flow must spell out."""

    shorthand: dict[Phrase, Phrase] = Field(default_factory=dict)
    after_number: dict[Phrase, Phrase] = Field(default_factory=dict)
    section_words: Phrases = ()
    spell_out: dict[str, str] = Field(default_factory=dict)


class Sounds(_Strict):
    """sounds.yaml: homophones and letters said by name."""

    homophones: tuple[Annotated[tuple[Phrase, ...], Field(min_length=2)], ...] = ()
    letters: dict[Phrase, Annotated[str, Field(pattern=r"^[a-z]$")]] = Field(default_factory=dict)
    wordlike_letters: Phrases = ()


class StopWords(_Strict):
    """stop_words.yaml: words that carry no meaning for finding guidance."""

    stop_words: Phrases = Field(min_length=1)
    verb_forms: dict[Phrase, Phrase] = Field(default_factory=dict)
    openers: Phrases = ()
    """How a message was sent or is begun ("voice note"), said before what it is about."""


class People(_Strict):
    """people.yaml: the child, a very young child, the adults around them."""

    child: Phrases = Field(min_length=1)
    pronouns: Phrases = ()
    young_child: Phrases = Field(min_length=1)
    young_age: int = Field(default=5, ge=0, le=17)
    adult: Phrases = Field(min_length=1)
    she: Phrases = ()
    """The pronouns for a woman or girl, so "her" can be told to stand for mum, not the boy."""
    he: Phrases = ()
    women: Phrases = ()
    """The adults a "she" may stand for."""
    men: Phrases = ()
    professionals: Phrases = ()
    """People there in their work ("ambos", "paramedics"): "ambos here" is not the officer
    having seen the child."""
    possessives: Phrases = ()
    """Pronouns that say whose an adult is ("her nan"): then not the child themselves."""
    only_there: Phrases = ()
    """Words that only say an adult is there ("nan here", "mum arrived"): a pronoun after such a
    clause is not taken to be that adult's."""


class ProtectFirst(_Strict):
    """The protect-first safety prompt used where a flow has none of its own."""

    title: str = Field(min_length=3, max_length=80)
    prompt: str = Field(min_length=10)
    knowledge: tuple[str, ...] = ()


class DangerKind(_Strict):
    """One kind of danger now: its cues, and words that say it has ended."""

    name: str = Field(min_length=3)
    cues: tuple[Cue, ...] = Field(min_length=1)
    over: Marked = ()
    everyday: Marked = ()
    """Said anywhere in the sentence, these make the cue an everyday thing ("toy gun", "joking")."""
    held: bool = False
    """A person is the danger: it ends when they are held ("arrested", "in the cells")."""
    conditional: bool = False
    """Its cues are often said with "if" ("if he talks he's dead"): "if" never sets them aside."""
    attributes: bool = False
    """A person's record ("violence marker", "convicted") makes it worse, not past."""
    lasting: bool = False
    """Earlier today still matters ("took the pills an hour ago"): only long ago is past."""
    learnt_quiets: bool = True
    """The learnt opinion may set this kind's cues aside when very sure a message is ordinary.
    Not a dangerous person's: "the man she was abused by is at the door" reads, word by word,
    as the records officers report every day."""
    told_past: bool = False
    """Its deed told as done or as a habit ("he hits her", "shes disclosed he hit her"), with no
    word of now, no plea and nothing going on anywhere in the message, is an account of what
    happened, not danger now; someone still there after it keeps it standing."""
    child_needed: bool = False
    """The one in danger is whoever is named ("not breathing", "trapped in the fire"): about a
    grown-up named so (danger.yaml's `adult_only`, or a grown-up's age) with no child named
    anywhere, it is not a child in danger."""


class Danger(_Strict):
    """danger.yaml: what makes guidebot interrupt with the protect-first prompt."""

    protect_first: ProtectFirst
    shorthand: dict[Phrase, Phrase] = Field(default_factory=dict)
    classes: dict[Annotated[str, Field(pattern=r"^[a-z][a-z-]*$")], tuple[Cue, ...]] = Field(
        default_factory=dict
    )
    kinds: dict[Annotated[str, Field(pattern=r"^[a-z][a-z-]*$")], DangerKind] = Field(min_length=1)
    class_words: dict[str, Phrases] = Field(default_factory=dict)
    """A class's general words ("weapon", "weapons"): a question that says one of them names
    every member of the class; one that says "knife" names knives, not every weapon."""
    over: Marked = ()
    dismissed: Marked = ()
    """Said anywhere in the sentence, before or after the cue: the report was never danger
    ("false alarm", "nothing to worry about", "its a game")."""
    everyday: Marked = ()
    """Every kind's everyday words: a stated harmless purpose ("was for the fence")."""
    held: Marked = ()
    past: Marked = ()
    later: Marked = ()
    """A time to come, far off: not now ("next summer", "one day"); read as `past` is."""
    earlier: Marked = ()
    history: Marked = ()
    present: Marked = ()
    hypothetical: Marked = ()
    questions: Marked = ()
    procedure: Marked = ()
    pleas: Marked = ()
    """Openers that may ask for help in the middle of it ("how do I stop him"): they ask about
    procedure only in a real question (a question mark, or an "if" or "when" clause)."""
    calls_for_help: Marked = ()
    """Words asking for help now ("help", "ambulance", "backup"), or an opener that may plead
    ("what do I do"): said anywhere, the learnt opinion may not set the cues' danger aside, as a
    plea reads like the questions officers ask about procedure."""
    still_there: Marked = ()
    taken_up_again: Marked = ()
    """Words of a danger begun again after it ended ("put the knife down but hes just picked it
    back up"): said after a turn, they undo an `over` said before the turn."""
    label_after: Marked = ()
    not_danger: Marked = ()
    answered_no: Marked = ()
    """A form's question answered "no" after the cue: "Weapons: none seen"."""
    not_over: Marked = ()
    """Phrases holding an `over` word that do not end a danger ("says she feels fine")."""
    refused: Marked = ()
    """Words before an `over` word saying it is refused, not done ("refusing to unlock it")."""
    reported: Marked = ()
    """Words reporting what someone says ("mum says", "shouting"): an "if" right after them is
    part of the threat reported ("mum says if they take her kids she'll kill them"), not the
    officer's own hypothetical."""
    asks_what_it_is: Marked = ()
    """Openers asking what the job in front of the officer is ("is it s46 if ..."): after one,
    an "if" with a present-tense clause about someone definite tells of now."""
    premise_to_come: Marked = ()
    """Words after an "if" that put its clause to come ("if a kid ever", "when we next call"):
    the premise is planned or imagined, not the job in front of the officer."""
    in_general: Marked = ()
    """Said anywhere in the message, it asks in general, for study or planning ("just revising",
    "for future reference", "for the school talk"): no cue in it is danger now."""
    polite_if: Marked = ()
    """Words before an "if" that make it politeness, not a condition ("sorry if this is a
    daft question but hes holding a bottle"): that "if" makes nothing hypothetical."""
    asked_then_no: Marked = ()
    """Words opening the answer to a danger word asked as a question ("kidnapped? no, she went
    to her dads"): the danger is asked about and denied."""
    ongoing_from: Marked = ()
    """Words before a past time that make it the start of something still going on ("since")."""
    law_words: Marked = ()
    """Words of the law or a procedure ("an offence", "classed as", "threshold"): a sentence
    opened as a question that names one asks, though no question mark ends it."""
    adult_only: Marked = ()
    """Words naming a grown-up who is nobody's parent here ("an adult male", "elderly lady")."""
    no_child: Marked = ()
    """Words saying no child is there at all ("no kids live there"): with no child named
    anywhere else in the message, nothing in it is a child in danger."""
    fillers: Phrases = ()
    """Sounds a speech recogniser writes that mean nothing ("um", "er"): read as not said."""
    fillers_kept_after: Phrases = ()
    """Words after which a filler of two words is meant ("do you know", "if you know")."""
    sentence_openers: Phrases = ()
    """Words a spoken sentence starts with before what it says ("so", "right", "basically"):
    "so is it still immediate danger if ..." is opened as a question by its "is it"."""
    fillers_open: Phrases = ()
    """Words that, after a filler, open a statement of its own ("erm the car is on fire"): the
    pause starts a clause though no punctuation marks it."""
    told_now: Phrases = ()
    """Words that open a statement of their own ("hes", "shes", "theres"): a clause starts
    there though no punctuation marks it, as in a voice note."""
    carries_into: Phrases = ()
    """Words after which a `told_now` word goes on the same clause ("says hes", "think hes")."""
    answer_openers: Phrases = ()
    """After a yes or no said first, words that start the officer's next clause ("no he ...")."""
    whole_answers: Phrases = ()
    """Answers complete in themselves ("not yet", "done that"): said first, whatever follows
    starts a clause of its own ("no not yet carer is slapping the lad")."""
    now_goes_on: Phrases = ()
    """Words after a "now" that go on with what was said before it ("gone now and", "safe now
    with nan"); after any other word, the "now" parts an ended danger from a new one."""
    told_back: Marked = ()
    """Words pointing back at what was told ("that was"): with a past time or an end right
    after them, they date or end it, though it was told as going on."""
    told_elsewhere: Marked = ()
    """Places that, after `told_back` words, put what was told elsewhere, for every kind."""
    no_as_not_after: Phrases = ()
    """Words after which a "no" denies the verb that follows, as "not" does, as Scots and
    Geordie speakers say it ("hes no breathing", "bairn no moving")."""
    no_as_not_before: Phrases = ()
    """Words (besides any ending "ing", "in" or "ed") before which such a "no" is "not"."""
    present_tense: Phrases = ()
    """Words of the present tense ("is", "hes", "has"): a cue in a clause holding one is told
    as so now, and a record or a time told in another clause ("previous neglect") is not its
    date."""
    tense_carries_after: Phrases = ()
    """Words opening a clause that goes on in the tense of the clause before it ("and")."""
    coming_now: Marked = ()
    """The one who was the danger coming now ("on his way", "just turned up"): after violence
    or a threat told as past, in a later clause, danger now, as `still_there` is."""
    record_words: Phrases = ()
    """Words opening a `past` phrase that tell of a record ("previous", "prior"): in a clause of
    its own, such a record dates no cue in another clause."""
    record_opens: Phrases = ()
    """Words opening a record ("previous", "history of"): in a voice note, a clause of its own."""
    record_joined_after: Phrases = ()
    """Words after which a `record_opens` word goes on the same clause ("no previous")."""
    time_alone_with: Phrases = ()
    """Words that may stand with a time in a clause of its own that dates the cue beside it
    ("but not for a year", "it was last week"): the clause tells nothing else."""
    compared_with: Phrases = ()
    """Words before a past time that compare the present with it ("like last time", "same
    junction as last week"): the time is of the time before, not the cue's."""
    again_after: Phrases = ()
    """Words after a past time that say it happened then too ("she did this last summer too"):
    the time is of the time before, not the cue's."""
    named_times: Phrases = ()
    """Times that name a thing after them with an "s" ("last weeks referral", "last nights
    job"): such a time dates the thing named, not a cue in the rest of its clause."""
    nobody_with: Marked = ()
    """Nobody with the child ("nobody is with the toddler"): a negation that tells of the child
    alone, and denies no cue said after it."""
    told_of_being: Phrases = ()
    """Words telling of a disclosure before "being" ("disclosed being groomed"): what was told,
    not a thing going on now."""
    ing_not_doing: Phrases = ()
    """Words ending "ing" that tell of no doing ("morning", "nothing"): a clause opening with one
    is not told as going on."""

    @model_validator(mode="after")
    def _class_words_name_classes(self) -> Danger:
        unknown = sorted(set(self.class_words) - set(self.classes))
        if unknown:
            raise ValueError(f"class_words names '{unknown[0]}', which is not under classes")
        return self


class DangerExamples(_Strict):
    """danger_examples.yaml: officers' messages labelled danger now or ordinary, to learn from.

    Optional: a pack without it has no learnt second opinion, only the cues.

    The examples are needed once, to train the learnt opinion when the cues are built; the
    pack is also kept in the start-up cache, and the cache must hold none of their text (an
    example may name a person, and nothing written to the data folder may). So a pack read
    from its file is pickled as that file's path alone, and read from it again, through
    :meth:`loaded`, only if a new build asks for them.
    """

    danger: tuple[str, ...] = ()
    ordinary: tuple[str, ...] = ()
    _source: Path | None = PrivateAttr(default=None)

    def from_file(self, source: Path) -> DangerExamples:
        """These examples, remembered as read from ``source`` (for the cache)."""
        self._source = source
        return self

    def loaded(self) -> DangerExamples:
        """The examples with their text: read again from their file after a cache load."""
        if self._source is None or self.danger or self.ordinary:
            return self
        data = read_yaml(self._source.read_text(encoding="utf-8"))
        return DangerExamples.model_validate(data).from_file(self._source)

    def __eq__(self, other: object) -> bool:
        """The same examples, whether read from the file or left in it by the cache."""
        if not isinstance(other, DangerExamples):
            return NotImplemented
        mine, theirs = self.loaded(), other.loaded()
        return (mine.danger, mine.ordinary) == (theirs.danger, theirs.ordinary)

    def __hash__(self) -> int:
        return hash(DangerExamples)

    def __reduce__(self) -> tuple[Any, ...]:
        if self._source is None:
            return (DangerExamples, (), {"__dict__": dict(self.__dict__)})
        return (_examples_at, (str(self._source),))


def _examples_at(source: str) -> DangerExamples:
    """A pack's examples left in their file until a build needs them (see ``loaded``)."""
    return DangerExamples().from_file(Path(source))


class Language(_Strict):
    """A whole language pack: every table guidebot reads officers' words with."""

    code: str
    answers: Answers
    commands: Commands
    negation: Negation
    numbers: Numbers
    spelling: Spelling
    abbreviations: Abbreviations
    sounds: Sounds
    stop_words: StopWords
    people: People
    danger: Danger
    danger_examples: DangerExamples = DangerExamples()


FILES: dict[str, type[_Strict]] = {
    "answers": Answers,
    "commands": Commands,
    "negation": Negation,
    "numbers": Numbers,
    "spelling": Spelling,
    "abbreviations": Abbreviations,
    "sounds": Sounds,
    "stop_words": StopWords,
    "people": People,
    "danger": Danger,
}
"""Each file of a pack (``<name>.yaml``) and the model it must fit."""
