"""An unmatched question kept for trainers: not one name, number or detail survives the scrub.

The leak tests type Faker's fake people (en_GB and the other locales officers in England and
Wales meet) into realistic questions, with addresses, postcodes, phone numbers, dates of birth,
emails and registrations; no name token may come out, as a whole word in any case. The other
side is measured too: ordinary officers' questions keep their words, so the kept questions
still say what the knowledge base lacks.
"""

from __future__ import annotations

import importlib.util
import random
import re
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.scrub import CONTRACTIONS, GAP, load_common_words, scrub_question

ROOT = Path(__file__).resolve().parents[1]
WORDS_FILE = ROOT / "language" / "en" / "common_words.txt"
GENERATOR = ROOT / "scripts" / "build_common_words.py"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


JARGON = _words(
    "ppo mash camhs section protection strategy encompass sudi fgm referral lado police entry"
)
"""A stand-in for the knowledge base's vocabulary with no word that is also a name: the leak
tests use it, since a name in the vocabulary survives by design."""

VOCABULARY = JARGON | _words(
    "abe power harm young person house parent foster fostering carer trafficked honour"
)
"""A fuller stand-in: the jargon and some of the base's words that are names too ("young",
"power", "harm", "foster"), which only the vocabulary keeps."""

COMMON = load_common_words()

_LETTERS = r"[^\W\d_]"
_WORD = re.compile(rf"{_LETTERS}+(?:['\-]{_LETTERS}+)*")


def _fold(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c)
    )


def _has_word(text: str, word: str) -> bool:
    """``word`` in ``text`` as a whole word, in any case ("ann" is in "ann's", not in "anne")."""
    pattern = rf"(?<!{_LETTERS}){re.escape(word.lower())}(?!{_LETTERS})"
    return re.search(pattern, text.lower()) is not None


# --- Faker's people, typed into officers' questions -------------------------------------------

LOCALES = {
    "en_GB": 10,
    "en_IE": 2,
    "en_US": 1,
    "en_IN": 2,
    "pl_PL": 2,
    "ro_RO": 2,
    "pt_PT": 1,
    "es_ES": 1,
    "it_IT": 1,
    "tr_TR": 1,
    "de_DE": 1,
    "fr_FR": 1,
    "nl_NL": 1,
}
"""Where the 500 fake people come from, weighted towards en_GB; they all live in the UK."""

TEMPLATES = (
    "what do I do about {first} {last} at {address}",
    "can I share info on {first} {last} dob {dob} with school",
    "who do I call for {first_lower}",
    "her name is {first} and she lives at {address} {postcode}",
    "mum {first} {last} says the kids are with nan, ring her on {phone}",
    "is {first} {last} on a plan? dob {dob}",
    "{first_upper} {last_upper} {dob} {postcode} - what checks do I do",
    "dad's new partner {first} {last} has a car {registration}, can I check it",
    "{first}'s stepdad {last} is at {address}, do I need a warrant",
    "can i email {email} about {first_lower} {last_lower}",
    "what if {first} won't open the door at {address}",
    "the boy called {first} {last} aged {age} was found at {address} {postcode}",
    "lad known as {first_lower} from {street}, what is county lines",
    "girl {first} {last} (dob {dob}) disclosed abuse by {last}",
    "does {first}-{last} need a strategy meeting",
    "ask what is a ppo for {first} {last}, mum's number {phone}",
    "who is {last_lower}'s social worker",
    "can I take {first} to hospital? the GP is Dr {last}",
    "{first} {last}, {address}, {postcode}, {phone}, {email}",
    "registration {registration} seen outside {first_lower}'s school on {dob}",
)
"""Questions as officers type them: names in every case, after cues and with none, possessive,
hyphenated, beside an address, a date, a phone, an email or a registration."""

DATE_FORMATS = ("%d/%m/%Y", "%-d/%-m/%Y", "%d.%m.%y", "%Y-%m-%d", "%-d %B %Y", "%dth %b %Y")


@dataclass(frozen=True)
class Case:
    """One question with the details worked into it, and what must never come out."""

    question: str
    name_tokens: tuple[str, ...]
    strings: tuple[str, ...]


def _name_tokens(*names: str) -> Iterator[str]:
    for name in names:
        for token in re.split(r"[\s\-]+", name):
            if token:
                yield token
                if _fold(token) != token.lower():
                    yield _fold(token)


def fake_cases(count: int = 500, seed: int = 20240611) -> list[Case]:
    """``count`` questions about fake people, the same every run."""
    rng = random.Random(seed)
    fakers = {locale: Faker(locale) for locale in LOCALES}
    for offset, faker in enumerate(fakers.values()):
        faker.seed_instance(seed + offset)
    uk = fakers["en_GB"]
    locales = rng.choices(list(LOCALES), weights=list(LOCALES.values()), k=count)
    cases = []
    for index, locale in enumerate(locales):
        faker = fakers[locale]
        first, last = faker.first_name(), faker.last_name()
        lines = uk.street_address().split("\n")
        address = ", ".join(lines)
        street_words = [w for w in lines[-1].split() if not any(c.isdigit() for c in w)]
        street = " ".join(street_words)
        details = {
            "address": address,
            "street": street,
            "postcode": uk.postcode(),
            "phone": uk.phone_number(),
            "dob": uk.date_of_birth(minimum_age=0, maximum_age=17).strftime(
                rng.choice(DATE_FORMATS)
            ),
            "email": uk.email(),
            "registration": uk.license_plate(),
            "age": str(rng.randrange(1, 18)),
        }
        question = TEMPLATES[index % len(TEMPLATES)].format(
            first=first,
            last=last,
            first_lower=first.lower(),
            last_lower=last.lower(),
            first_upper=first.upper(),
            last_upper=last.upper(),
            **details,
        )
        # The street's own name is a first name or a surname ("Johnson Circles").
        tokens = tuple(_name_tokens(first, last, *street_words[:-1]))
        strings = tuple(v for k, v in details.items() if k not in {"street", "age"})
        cases.append(Case(question, tokens, strings))
    return cases


CASES = fake_cases()


def _name_tokens_kept(cases: list[Case]) -> tuple[int, list[tuple[str, str, str]]]:
    total = 0
    kept: list[tuple[str, str, str]] = []
    for case in cases:
        scrubbed = scrub_question(case.question, JARGON)
        for token in case.name_tokens:
            total += 1
            if _has_word(scrubbed, token):
                kept.append((token, case.question, scrubbed))
    return total, kept


def test_no_name_token_of_500_fake_people_survives() -> None:
    total, kept = _name_tokens_kept(CASES)
    assert total > 1_000, "too few name tokens to prove anything"
    assert not kept, f"{len(kept)} of {total} name tokens survived, e.g. {kept[:5]}"


def test_no_detail_of_500_fake_people_survives() -> None:
    for case in CASES:
        scrubbed = scrub_question(case.question, JARGON)
        for secret in case.strings:
            assert secret.lower() not in scrubbed, (secret, case.question, scrubbed)
        assert not any(c.isdigit() for c in scrubbed), (case.question, scrubbed)
        assert "@" not in scrubbed, (case.question, scrubbed)


@pytest.mark.parametrize(
    ("question", "scrubbed"),
    [
        ("what do I do about Kayleigh Smith at 14 Fern Road", "what do i do about […] at […]"),
        (
            "can I share info on Tomasz Nowak dob 3/4/2015 with school",
            "can i share info on […] with school",
        ),
        ("who do I call for jayden", "who do i call for […]"),
        ("ask what is a ppo", "ask what is a ppo"),
        ("her name is Grace, she's 14", "her name is […], she's […]"),
        ("Kayleigh Smith, Jayden Smith and 14 Fern Road", "[…] and […]"),
        ("email jay.smith@example.org or call 07700 900123", "email […] or call […]"),
        ("snap is kaylz_x or cool_kid, see www.example.com", "snap is […] or […] see […]"),
        ("MUM'S BOYFRIEND WON'T LET US IN", "mum's boyfriend won't let us in"),
        ("the kids’ nan lives with them", "the kids' nan lives with them"),
        ("is O'Brien-Smith's son at risk?", "is […] son at risk?"),
        ("parked AB12 CDE outside", "parked […] outside"),
    ],
)
def test_examples(question: str, scrubbed: str) -> None:
    assert scrub_question(question, JARGON) == scrubbed


_UK_NAMES = """
    oliver harry george jack jacob noah charlie muhammad thomas oscar william james leo alfie
    henry joshua freddie archie ethan isaac joseph edward samuel max logan lucas daniel theo
    arthur mohammed harrison mason finley sebastian adam dylan riley teddy toby jake elijah
    reuben arlo hugo jaxon matthew harvey reggie michael harley jude albert tommy luke stanley
    jenson frankie jayden gabriel elliot ronnie louis nathan lewis blake rory ollie ryan tyler
    jackson dexter ezra kai rowan hunter austin ellis ralph liam bobby finn caleb kian carter
    roman sonny aaron connor ibrahim jasper jesse eli ben felix ryder cody
    olivia amelia isla ava mia ivy lily isabella rosie sophia grace willow freya florence emily
    ella poppy evie elsie charlotte evelyn sienna sofia daisy phoebe sophie alice harper matilda
    ruby emilia maya millie eva luna jessica maisie arabella esme lucy chloe scarlett bella erin
    imogen aria layla violet hallie thea holly penelope mila eliza ellie harriet lottie molly
    nancy summer orla iris darcie ada zara hannah georgia aurora martha bonnie robyn maryam lola
    kayleigh chantelle jordan brandon kyle callum jade shannon courtney chelsea paige jodie
    danielle stacey leanne kelly gemma kirsty carly demi tia keira brooke kayden bradley reece
    jamie declan mikey dean wayne darren lee craig shaun scott gary stuart mark paul karl kieran
    aiden cameron keeley tanya tracey sharon donna lisa michelle nicola claire joanne tasha
    smith jones williams taylor brown davies evans wilson johnson roberts robinson thompson
    wright walker white edwards hughes green hall harris clarke patel wood turner martin cooper
    hill ward morris moore clark king baker morgan allen phillips watson davis parker price
    bennett young griffiths mitchell cook richardson bailey collins bell shaw murphy miller cox
    richards khan marshall anderson simpson adams singh begum wilkinson foster chapman powell
    webb rogers gray ali hunt hussain campbell matthews owen palmer holmes mills barnes knight
    lloyd butler russell barker fisher stevens jenkins murray dixon pearson ahmed fletcher walsh
    kaur gibson howard andrews stewart reynolds saunders payne fox ford pearce day brooks west
    lawrence cole atkinson spencer gill dawson ball burton rose booth perry grant wells
    armstrong rees hayes hart hudson newman barrett webster gregory carr lowe page marsh dunn
    woods parsons berry stone reid holland hawkins harding porter newton reed kennedy bird
    gardner shah lane cooke bates henderson parry burgess bishop walton burns shepherd cross
    long freeman warren hamilton byrne sutton yates curtis hopkins harper coleman watkins moss
    chambers griffin sharp hardy wheeler potter osborne gordon doyle wallace burke may willis
    miah rahman uddin islam hossain akhtar iqbal mahmood mohamed abdi farah nowak kowalski popescu
    popa silva santos ferreira costa oliveira garcia lopez rossi russo yilmaz kaya demir nguyen
    tran pham okafor mensah
"""
UK_NAMES = _UK_NAMES.split()
"""Common given names and surnames in England and Wales, typed from public lists (ONS baby
names, the commonest surnames) by hand, independently of Faker's lists."""


def test_no_common_uk_name_is_a_common_word() -> None:
    assert [name for name in UK_NAMES if name in COMMON] == []


def test_a_name_alone_in_any_case_is_scrubbed() -> None:
    for name in UK_NAMES:
        for typed in (name, name.capitalize(), name.upper()):
            assert scrub_question(f"can I speak to {typed} alone", JARGON) == (
                "can i speak to […] alone"
            )


# --- Ordinary questions keep their words ----------------------------------------------------

OFFICER_QUESTIONS = """
what is the power of entry to save life
what is a ppo
when can i use police protection
how long does police protection last
who do i tell at the mash
can i share information with the school without consent
do i need a warrant to enter the house
what counts as significant harm
the baby has a bruise on his arm what should i do
mum is drunk and the kids are alone what now
who decides if the children go into care
can the child stay with her nan tonight
what happens after a strategy meeting
how do i refer to children's social care out of hours
what is the threshold for a section forty seven enquiry
should i take the child to hospital
do i need to tell the parents before i make a referral
what if the dad refuses to let us in
can i remove a child from hospital
what is the difference between section seventeen and section forty seven
how do i record the voice of the child
what should i write in the referral
who is the designated officer for allegations
a teacher has hit a pupil what do i do
what is county lines
the boy has been missing for two days what should i do
how do i report a missing child
what is child criminal exploitation
what are the signs of sexual exploitation
can a child consent to sex at fifteen
is sexting a crime for teenagers
what do i do with indecent images on a phone
should i seize the phone as evidence
how do i speak to a child who has disclosed abuse
can i ask leading questions
who should do the interview
what is an achieving best evidence interview
how quickly should a strategy discussion happen
is domestic abuse a child protection issue
the children saw their dad hit their mum
what is operation encompass
do i need to notify the school about domestic abuse
can i arrest the mother for neglect
what does neglect look like in a house
there is no food in the house and the heating is off
the flat is filthy and there are dogs everywhere
what is a child protection plan
who attends an initial child protection conference
can police attend the conference
what if the parent is aggressive at the door
how do i safeguard a baby when the father is violent
when should i call an ambulance for a child
the toddler has a burn on his hand
what injuries are suspicious in a baby who is not mobile
what is sudden unexpected death in infancy
what do i do at the scene of a child death
who leads the investigation into a child death
what is female genital mutilation
is there a duty to report female genital mutilation
what is a forced marriage protection order
the girl says she is being taken abroad to marry
what is honour based abuse
can i stop a child leaving the country
how do i get an emergency protection order
what is the role of the local authority designated officer
a coach has been messaging a child online
what is grooming
the child is being bullied at school is that a police matter
the young person says she wants to hurt herself
what do i do if a child self harms in custody
can a child be held in a police cell overnight
what is an appropriate adult
when do i need an interpreter for a child
the parents only speak arabic what do i do
is smacking a child legal
what counts as reasonable punishment
the mum has mental health problems and the kids are scared
the dad is using drugs in front of the children
what is a child in need
can i make a referral on behalf of a neighbour
a neighbour heard screaming from the flat next door
how do i check if a child is already known to social services
what checks should i do on the address
who can see the notes i write
do i have to tell the family who made the referral
what should i do if the child runs away from care
a foster carer has reported a child missing again
is a child in care treated differently when missing
what is a return home interview
what is private fostering
the child is living with a family friend and not the parents
how do i know if a child is trafficked
what is the national referral mechanism
the boy was found in a cannabis factory
can a child be both a victim and an offender
what is modern slavery
the girl is pregnant and under sixteen
do i need to report underage sex to social care
what if the child doesn't want me to tell anyone
how do i explain to a child what happens next
can i give my opinion in a statement
what is a joint visit with social care
""".strip().splitlines()
"""A hundred questions with no personal detail, as officers ask them: the words they keep are
what trainers read."""


def _share_of_words_kept(vocabulary: frozenset[str]) -> tuple[float, dict[str, int]]:
    total = 0
    lost: dict[str, int] = {}
    for question in OFFICER_QUESTIONS:
        scrubbed = set(_WORD.findall(scrub_question(question, vocabulary)))
        for word in _WORD.findall(question):
            total += 1
            if word not in scrubbed:
                lost[word] = lost.get(word, 0) + 1
    return 1 - sum(lost.values()) / total, lost


def test_ordinary_questions_keep_nearly_every_word() -> None:
    assert len(OFFICER_QUESTIONS) == 102
    share, lost = _share_of_words_kept(VOCABULARY)
    assert share >= 0.97, f"kept {share:.1%}; lost {sorted(lost.items(), key=lambda i: -i[1])}"


def test_ordinary_questions_keep_most_words_with_no_vocabulary_at_all() -> None:
    share, lost = _share_of_words_kept(frozenset())
    assert share >= 0.95, f"kept {share:.1%}; lost {sorted(lost.items(), key=lambda i: -i[1])}"


@pytest.mark.parametrize(
    "question",
    [
        "what is the power of entry to save life",
        "can i share information with the school without consent",
        "mum is drunk and the kids are alone, what now?",
        "how do i refer to children's social care out of hours",
        "what if the dad won't let us in",
        "the flat is filthy: there are dogs everywhere",
        "is a multi-agency meeting needed",
        "what about well-being checks",
    ],
)
def test_an_ordinary_question_comes_back_whole(question: str) -> None:
    assert scrub_question(question, {"power", "entry", "multi"}) == question


# --- The rules for word forms -----------------------------------------------------------------


def test_a_possessive_keeps_the_verdict_of_its_word() -> None:
    assert scrub_question("mum's boyfriend", set()) == "mum's boyfriend"
    assert scrub_question("Smith's boyfriend", set()) == "[…] boyfriend"
    assert scrub_question("the ppo's conditions", {"ppo"}) == "the ppo's conditions"


def test_a_plural_is_read_as_its_singular_for_the_vocabulary_only() -> None:
    assert scrub_question("two ppos and mashes", {"ppo", "mash"}) == "two ppos and mashes"
    assert "mill" in COMMON
    assert scrub_question("Mills and Banks", set()) == "[…] and […]"


def test_a_hyphenated_word_is_kept_only_if_every_part_is() -> None:
    assert scrub_question("well-being", set()) == "well-being"
    assert scrub_question("Smith-Jones", set()) == "[…]"
    assert scrub_question("well-smith", set()) == "[…]"


def test_a_name_in_the_vocabulary_survives_as_the_module_says() -> None:
    assert scrub_question("an abe interview with Abe", {"abe", "interview"}) == (
        "an abe interview with abe"
    )


def test_an_apostrophe_name_is_never_a_contraction() -> None:
    assert scrub_question("O'Neill and D'Souza", set()) == "[…] and […]"
    assert "won't" in CONTRACTIONS


def test_a_name_typed_with_separate_accents_keeps_them_and_goes() -> None:
    decomposed = "Nguyen The\u0302\u0301 Anh"  # "Thế" as some phones send it
    assert scrub_question(f"what about {decomposed}", set()) == "what about […]"


def test_an_initial_is_scrubbed_but_a_and_i_are_not() -> None:
    assert scrub_question("J Smith and K said a thing I heard", set()) == (
        "[…] and […] a thing i heard"
    )


def test_a_vocabulary_word_with_a_digit_is_still_removed() -> None:
    assert scrub_question("is a s47 needed", {"s47", "needed"}) == "is a […] needed"


def test_symbols_and_other_scripts_do_not_survive() -> None:
    assert scrub_question("£50 🙂 Олег and 王伟 [ok]", set()) == "[…] and […] ok"


def test_a_list_vocabulary_works_like_a_set() -> None:
    assert scrub_question("what is a ppo", ["ppo"]) == "what is a ppo"


def test_common_words_can_be_given() -> None:
    assert scrub_question("what is a ppo", set(), {"what", "is"}) == "what is […]"


class _Broken(frozenset[str]):
    def __contains__(self, word: object) -> bool:
        raise RuntimeError("broken")


def test_it_never_raises_and_keeps_nothing_when_something_breaks() -> None:
    assert scrub_question("what is a ppo", _Broken()) == GAP
    assert scrub_question("", set()) == ""
    assert scrub_question("\x00\x00 [\u2026] ' - ", set()) == "[…] ' -"


# --- The word list ------------------------------------------------------------------------------


def test_the_word_list_is_sorted_lower_case_letters_with_a_header() -> None:
    lines = WORDS_FILE.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# Generated by scripts/build_common_words.py")
    words = lines[1:]
    assert words == sorted(set(words))
    assert all(re.fullmatch("[a-z]+", word) for word in words)
    assert 10_000 <= len(words) <= 20_000
    assert frozenset(words) == COMMON


def test_the_word_list_is_read_from_a_given_file(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    path.write_text("# a header\nWhat\n\nis\n", encoding="utf-8")
    assert load_common_words(path) == {"what", "is"}


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_common_words", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_word_list_is_what_the_generator_builds() -> None:
    kept, header, _ = _generator().build()
    shipped = WORDS_FILE.read_text(encoding="utf-8")
    assert shipped == "\n".join([header, *kept]) + "\n", (
        "language/en/common_words.txt is stale: run python scripts/build_common_words.py"
    )


def test_every_name_word_kept_back_is_explained() -> None:
    generator = _generator()
    names, _, _ = generator.faker_names(generator.NAME_LOCALES)
    names |= set(generator.EXTRA_NAMES.split())
    assert COMMON & names == set(generator.KEEP)
    assert all(reason.strip() for reason in generator.KEEP.values())


# --- Properties and time ------------------------------------------------------------------------

_POOL = sorted(COMMON)[::50] + sorted(VOCABULARY) + UK_NAMES[::3]


def _allowed(word: str) -> bool:
    """An independent statement of what may come out: listed words, or forms of them."""
    listed = VOCABULARY | COMMON | CONTRACTIONS
    if word in listed:
        return True
    if "-" in word:
        return all(_allowed(part) for part in word.split("-"))
    if word.endswith("'s") and word.count("'") == 1:
        return word[:-2] in VOCABULARY | COMMON
    singulars = {word[:-1], word[:-2], word[:-3] + "y"}
    return word.endswith("s") and "'" not in word and bool(singulars & VOCABULARY)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_POOL),
            st.sampled_from(_POOL).map(str.upper),
            st.text(max_size=12),
            st.from_regex(r"[a-z]{1,8}[0-9@_.'\-#]{1,3}[a-z]{0,6}", fullmatch=True),
            st.sampled_from(["@", "'s", "-", "’", ",", "?", "07700 900123", "3/4/2015", "\n"]),
        ),
        max_size=40,
    ).map(" ".join)
)
def test_no_digit_no_at_and_no_unlisted_word_ever_comes_out(text: str) -> None:
    scrubbed = scrub_question(text, VOCABULARY)
    assert not any(c.isdigit() for c in scrubbed)
    assert "@" not in scrubbed
    assert scrubbed == scrubbed.lower()
    for word in _WORD.findall(scrubbed.replace(GAP, " ")):
        assert _allowed(word), (word, text, scrubbed)


def _fake_message(seed: int = 7) -> str:
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < 4_096:
        case = CASES[(seed + len(parts)) % len(CASES)]
        parts.append(case.question)
    return " ".join(parts)[:4_096]


SLOW_INPUTS: dict[str, Callable[[], str]] = {
    "fake people": _fake_message,
    "ordinary words": lambda: " ".join(OFFICER_QUESTIONS * 5)[:4_096],
    "one long word": lambda: "a" * 4_096,
    "one long number": lambda: "7" * 4_096,
    "letters then a digit": lambda: "a" * 4_095 + "1",
    "hyphens": lambda: "ab-" * 1_365,
    "apostrophes": lambda: "o'" * 2_048,
    "dots": lambda: "a." * 2_048,
    "at signs": lambda: "a@" * 2_048,
}


@pytest.mark.parametrize("make", SLOW_INPUTS.values(), ids=SLOW_INPUTS.keys())
def test_a_full_length_message_is_scrubbed_in_bounded_time(make: Callable[[], str]) -> None:
    text = make()
    assert len(text) <= 4_096
    scrub_question(text, VOCABULARY)  # the word list is read and cached once
    # The best of 20: with other test workers beside it, a busy spell can outlast 5 tries.
    best = min(_timed(lambda: scrub_question(text, VOCABULARY)) for _ in range(20))
    # 5 ms is the goal on an ordinary machine; the bound here is generous so that a loaded test
    # machine passes, while anything quadratic (a second or more at this length) fails.
    assert best < 0.025, f"{best * 1000:.1f} ms"


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start
