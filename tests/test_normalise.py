"""How an officer's words are normalised before matching: one group of specs per kind of variation.

The vocabulary-free steps (``normalise``, ``tokens``) are tested on their own. The repairs that
need to know the knowledge base's words (homophones, split and run-together words, spoken
section numbers, typos) are tested against a small vocabulary built here, so each test shows
exactly which known word made a repair possible.
"""

from __future__ import annotations

import pytest

from bot.knowledge._normalise import (
    Vocabulary,
    british,
    english_words,
    max_slips,
    normalise,
    stem,
    tokens,
)

VOCABULARY = Vocabulary(
    [
        "Safeguarding referral to children's social care",
        "Child in immediate danger: protect first",
        "Neglected child, no food in the house",
        "Missing for hours; wait for the return home interview",
        "Police protection lasts at most 72 hours (Children Act 1989 s46)",
        "Transfer to local authority accommodation under PACE 38(6)",
        "Mental Health Act s136: a police station is never a place of safety",
        "Appropriate adult (AA) for a juvenile; NFA decisions reviewed",
        "Keep the siblings apart",
        "Part of the plan",
        "Passport and travel documents",
        "Paediatrician and medical examination",
        "Bail conditions breached",
        "Call the skipper or the sergeant",
        "A safety plan keeps the child safe",
        "Support for a trans child or a teen",
        "Keep a child in the cells overnight only when necessary",
        "Pass on the child's own word",
    ]
)


def repaired(text: str) -> str:
    return " ".join(VOCABULARY.repair(text))


# --- case, accents, punctuation, shorthand -------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("  CHILD in DANGER!!! ", "child in danger"),
        ("Café—naïve", "cafe naive"),
        ("children's social care", "child social care"),
        ("children’s home", "child home"),
        ("kids, kiddies & children", "child child and child"),
        ("13yo lad", "13 year old lad"),
        ("yo mate", "yo mate"),
        ("missing 24hrs", "missing 24 hours"),
        ("seen at A&E", "seen at ae"),
        ("on the 3rd visit", "on the 3 visit"),
    ],
)
def test_case_accents_punctuation_and_shorthand_do_not_matter(said: str, expected: str) -> None:
    assert normalise(said) == expected


# --- numbers said as words ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("forty eight hours", "48 hours"),
        ("forty-eight hours", "48 hours"),
        ("seventy two", "72"),
        ("fifteen year old", "15 year old"),
        ("one hundred and thirty six", "136"),
        ("one three six", "136"),
        ("three eight six", "386"),
        ("thirty eight six", "38 6"),
        ("nineteen eighty nine", "1989"),
        ("twenty twenty three", "2023"),
        ("a hundred and two", "102"),
        ("twelve hundred hours", "1200 hours"),
        ("two thousand and ten", "2010"),
        ("a thousand times", "1000 times"),
        ("fourty eight", "48"),
    ],
)
def test_numbers_said_as_words_become_digits(said: str, expected: str) -> None:
    assert normalise(said) == expected


def test_a_scale_word_alone_or_and_between_numbers_stays_a_word() -> None:
    assert normalise("hundreds of calls") == "hundreds of calls"
    assert normalise("hundred") == "hundred"
    assert normalise("one and two") == "1 and 2"


def test_a_number_homophone_is_a_number_only_before_a_unit_of_time() -> None:
    assert normalise("missing for too hours") == "missing for 2 hours"
    assert normalise("gone for four days") == "gone for 4 days"
    assert normalise("went to school for lunch") == "went to school for lunch"


def test_a_unit_of_time_misheard_after_a_number_is_read_as_the_unit() -> None:
    assert normalise("seventy two ours") == "72 hours"
    assert normalise("48 our limit") == "48 hour limit"
    assert normalise("our officers") == "our officers"


# --- sections of Acts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "said", ["s47", "S47", "s 47", "s.47", "sec 47", "sec47", "section 47", "section forty seven"]
)
def test_every_way_of_writing_a_section_is_one_token(said: str) -> None:
    assert normalise(said) == "s47"


@pytest.mark.parametrize("said", ["38(6)", "s38(6)", "s.38 (6)", "section 38 (6)"])
def test_a_subsection_is_kept_whole(said: str) -> None:
    assert normalise(said) == "s38(6)"


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("three eight six", "s38(6)"),
        ("thirty eight six", "s38(6)"),
        ("section 38 6", "s38(6)"),
        ("pace 386", "pace s38(6)"),
        ("one three six", "s136"),
        ("a 136", "a s136"),
        ("section forty six", "s46"),
    ],
)
def test_spoken_section_numbers_are_read_as_the_sections_the_base_cites(
    said: str, expected: str
) -> None:
    assert repaired(said) == expected


@pytest.mark.parametrize("said", ["72 hours", "136 hours", "a 17 year old", "number 19"])
def test_quantities_and_ages_are_never_read_as_sections(said: str) -> None:
    assert repaired(said) == normalise(said)


def test_a_section_the_base_does_not_cite_is_left_as_said() -> None:
    assert repaired("section 20") == "s20"
    assert repaired("47") == "47"


# --- British and American spelling --------------------------------------------------------------


@pytest.mark.parametrize(
    ("american", "british_form"),
    [
        ("color", "colour"),
        ("behavior", "behaviour"),
        ("behaviors", "behaviours"),
        ("behavioral", "behavioural"),
        ("pediatrician", "paediatrician"),
        ("pedophile", "paedophile"),
        ("program", "programme"),
        ("programs", "programmes"),
        ("judgment", "judgement"),
        ("organize", "organise"),
        ("organization", "organisation"),
        ("recognized", "recognised"),
        ("analyze", "analyse"),
        ("counselor", "counsellor"),
        ("traveled", "travelled"),
        ("defense", "defence"),
        ("center", "centre"),
        ("inquiries", "enquiries"),
        ("mom", "mom"),
    ],
)
def test_american_spellings_become_british(american: str, british_form: str) -> None:
    assert british(american) == british_form


@pytest.mark.parametrize("word", ["size", "seize", "prize", "senior", "colour", "citizen"])
def test_words_that_only_look_american_are_left_alone(word: str) -> None:
    assert british(word) == word


def test_spelling_variants_and_word_families_give_the_same_tokens() -> None:
    assert tokens("pediatrician's behavior") == tokens("paediatricians behaviour")
    assert normalise("Mom and Dad") == "mum and dad"
    assert normalise("teenager, teenagers, teens") == "teen teen teen"


# --- stop words and light stemming --------------------------------------------------------------


@pytest.mark.parametrize(
    "family",
    [
        ("neglect", "neglected", "neglecting", "neglects"),
        ("bruise", "bruises", "bruised", "bruising"),
        ("abuse", "abused", "abusing", "abuses"),
        ("stop", "stopped", "stopping"),
        ("baby", "babies"),
        ("witness", "witnesses", "witnessed"),
    ],
)
def test_light_stemming_makes_a_word_family_compare_equal(family: tuple[str, ...]) -> None:
    assert len({stem(word) for word in family}) == 1


def test_irregular_ied_and_ying_forms_stem_to_their_verb() -> None:
    assert {stem(word) for word in ("lie", "lied", "lies", "lying")} == {"lie"}
    assert {stem(word) for word in ("bully", "bullied", "bullying")} == {"bully"}


@pytest.mark.parametrize("word", ["s47", "s38(6)", "72", "aa", "bus", "status", "crisis"])
def test_stemming_leaves_short_words_numbers_and_latin_plurals_alone(word: str) -> None:
    assert stem(word) == word


def test_tokens_keep_only_words_that_carry_meaning() -> None:
    assert tokens("The kids were neglected for 2 hrs") == ["child", "neglect", "2", "hour"]
    assert tokens("what is it that you are doing here") == []


def test_an_age_keeps_only_its_number() -> None:
    assert tokens("a 15 year old girl") == ["15", "girl"]
    assert tokens("13yo") == ["13"]
    assert tokens("missing 2 years") == ["miss", "2", "year"]


# --- homophones (vocabulary-guided) -------------------------------------------------------------


def test_a_homophone_is_swapped_when_the_base_only_knows_its_sound_alike() -> None:
    assert repaired("missing for too ours") == "missing for 2 hours"
    assert repaired("long weight for the skipper") == "long wait for the skipper"
    assert repaired("breached his bale") == "breached his bail"


def test_a_word_the_base_knows_is_never_swapped() -> None:
    assert repaired("bail conditions") == "bail conditions"
    assert repaired("what weather is it") == "what weather is it"


# --- words split or run together ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("safe guarding referral", "safeguarding referral"),
        ("in mediate danger", "immediate danger"),
        ("kept a part", "kept apart"),
        ("needs an a a", "needs an aa"),
        ("n f a decision", "nfa decision"),
        ("socialcare", "social care"),
        ("policeprotection", "police protection"),
        ("skipperat the scene", "skipper at the scene"),
        ("in the cellsovernight", "in the cells overnight"),
        ("tell the ser geant", "tell the sergeant"),
    ],
)
def test_split_and_run_together_words_are_mended(said: str, expected: str) -> None:
    assert repaired(said) == expected


def test_two_known_words_side_by_side_are_not_joined() -> None:
    assert repaired("social care") == "social care"
    assert repaired("part of the plan") == "part of the plan"


def test_an_unknown_word_is_not_split_into_short_chance_words() -> None:
    """The base knows "pass", "word", "can" and "teen", but never says them side by side."""
    assert repaired("password") == "password"
    assert repaired("canteen") == "canteen"


# --- typos and dropped letters ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("negleted", "neglected"),
        ("neglcted", "neglected"),
        ("safegaurding", "safeguarding"),
        ("referal", "referral"),
        ("refferal", "referral"),
        ("imediate", "immediate"),
        ("paediatrition", "paediatrician"),
        ("acommodation", "accommodation"),
    ],
)
def test_a_typo_is_mended_to_the_closest_word_of_the_base(said: str, expected: str) -> None:
    assert repaired(said) == expected


def test_among_equally_close_words_the_one_sharing_more_letters_wins() -> None:
    assert repaired("safey plan") == "safety plan"
    assert repaired("thans") == "thanks"


@pytest.mark.parametrize("said", ["chilren", "chidlren", "childrne", "childen"])
def test_a_slip_in_a_word_folded_into_a_family_is_read_as_the_family(said: str) -> None:
    """The base holds "child", never "children": the search finds the slip through the word."""
    search = Vocabulary(["Child in immediate danger: protect first"], derive=True)
    assert search.repair(said) == ["child"]


def test_a_five_letter_slip_keeps_its_first_letter() -> None:
    assert (repaired("chlid"), repaired("cjild")) == ("child", "child")
    assert (repaired("bhild"), repaired("xdult")) == ("bhild", "xdult")


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("overnigth", "overnight"),  # a slip past the letters the index keys on
        ("examinatoin", "examination"),
        ("accomodatoin", "accommodation"),  # two slips in a long word
    ],
)
def test_a_slip_anywhere_in_a_long_word_is_mended(said: str, expected: str) -> None:
    assert repaired(said) == expected


def test_a_short_word_is_never_mended_because_real_words_lie_too_close() -> None:
    assert max_slips("park") == 0
    assert repaired("park") == "park"


def test_a_word_far_from_every_word_of_the_base_is_left_alone() -> None:
    assert repaired("pizza") == "pizza"
    assert repaired("password") == "password"


def test_the_bases_own_text_is_not_repaired() -> None:
    assert VOCABULARY.entry_tokens("Safe guarding the kids") == ["safe", "guard", "child"]


# --- real English words are never "mended" -----------------------------------------------------

# A base whose words lie one slip from everyday words an officer may well mean as written.
NEAR_WORDS = Vocabulary(
    [
        "The call is stuck in the queue",
        "Where is the child staying tonight",
        "Having a weapon in the house",
        "You shall tell the child what happens next",
        "Lads hanging around the flat",
        "Living with an older partner",
        "Information sharing agreement (ISA)",
        "Signs of abuse",
        "Every where the child goes",
        "Ask for advice",
        "Keep the siblings apart",
    ]
)


def near(text: str) -> str:
    return " ".join(NEAR_WORDS.repair(text))


@pytest.mark.parametrize(
    "said",
    [
        "sat on the stack",
        "staring at the floor",
        "waving a knife",
        "shell be home soon",
        "loads of cash",
        "giving her lifts",
    ],
)
def test_a_real_english_word_is_never_mended_into_another_word(said: str) -> None:
    """A slip from "stuck" to "stack" or "having" to "waving" lands on a word officers use."""
    assert near(said) == normalise(said)


def test_a_misspelling_that_is_no_english_word_is_still_mended() -> None:
    assert near("stuk in the queue") == "stuk in the queue"  # too short to judge: left alone
    assert near("stayinng tonight") == "staying tonight"
    assert near("adivce") == "advice"


def test_an_english_word_is_never_split_into_two() -> None:
    """The base says "every" and "where", but "everywhere" is a word too."""
    assert near("everywhere") == "everywhere"
    assert near("overtime") == "overtime"


def test_two_real_words_are_not_joined_into_a_short_word_by_chance() -> None:
    assert near("what is a safety plan") == "what is a safety plan"
    assert near("on a bus") == "on a bus"


def test_a_split_word_is_still_joined_when_the_join_is_a_real_word() -> None:
    assert near("kept a part") == "kept apart"


def test_a_commonly_confused_word_is_swapped_only_when_the_base_lacks_it() -> None:
    assert near("need advise") == "need advice"
    assert repaired("need advise") == "need advise"  # this base has neither


def test_the_english_word_list_has_british_spellings_and_no_police_slang() -> None:
    words = english_words()
    assert {"neighbour", "paediatrician", "organise", "stack", "waving"} <= words
    assert not {"misper", "safegaurding", "refferal"} & words


# --- homophones of numbers need a number-like neighbour -----------------------------------------


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("missing for hours", "missing for hours"),
        ("gone for days", "gone for days"),
        ("a for hour wait", "a 4 hour wait"),
        ("missing for for hours", "missing for 4 hours"),
        ("a for year old", "a 4 year old"),
        ("missing for too days", "missing for 2 days"),
    ],
)
def test_for_is_a_number_only_where_the_plain_word_makes_no_sense(said: str, expected: str) -> None:
    assert normalise(said) == expected


# --- letters spelt out by name ------------------------------------------------------------------

SPELLED = Vocabulary(
    [
        "NFA decisions are reviewed",
        "PPO: police protection",
        "Check whether the child is on a CP plan",
        "BWV footage of the scene",
        "DA at the address",
        "Custody unit (CU)",
        "Child sexual exploitation (CSE)",
    ]
)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("en eff ay decision", "nfa decision"),
        ("pee pee oh", "ppo"),
        ("on a see pee plan", "on a cp plan"),
        ("bee double you vee footage", "bwv footage"),
        ("dee ay at the address", "da at the address"),
        ("see ess ee concerns", "cse concerns"),
        ("n f a", "nfa"),
    ],
)
def test_letters_said_by_name_become_the_abbreviation_the_base_uses(
    said: str, expected: str
) -> None:
    assert " ".join(SPELLED.repair(said)) == expected


def test_letter_names_are_joined_only_into_a_word_the_base_uses() -> None:
    assert " ".join(SPELLED.repair("en eff")) == "en eff"


def test_letter_names_that_are_everyday_words_stay_words() -> None:
    """The base uses "CU", but "see you" alone is a farewell, not C and U."""
    assert " ".join(SPELLED.repair("see you later")) == "see you later"


@pytest.mark.parametrize("said", ["ess forty seven", "ess 47", "section forty seven"])
def test_a_section_spoken_with_the_letter_s_is_one_token(said: str) -> None:
    assert normalise(said) == "s47"


@pytest.mark.parametrize(
    ("inflected", "base"),
    [
        ("raped", "rape"),
        ("caring", "care"),
        ("cared", "care"),
        ("hoping", "hope"),
        ("dated", "date"),
    ],
)
def test_a_silent_e_lost_to_ed_or_ing_comes_back(inflected: str, base: str) -> None:
    """Otherwise "raped" (rap) and "rape" (rape) never match each other."""
    assert stem(inflected) == stem(base)


@pytest.mark.parametrize(("doubled", "base"), [("stopped", "stop"), ("hitting", "hit")])
def test_a_doubled_consonant_does_not_gain_an_e(doubled: str, base: str) -> None:
    assert stem(doubled) == stem(base)


def test_an_inflection_of_an_english_word_is_not_mended_into_a_base_word() -> None:
    """The word list lacks "texting" but has "text": it must not become "sexting"."""
    vocabulary = Vocabulary(["sexting between teenagers"])
    assert vocabulary.repair("texting my wife")[0] == "texting"
    assert vocabulary.repair("sextin")[0] == "sexting"
