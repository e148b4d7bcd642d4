"""The matcher: how it ranks entries, how sure it says it is, and how often it is right.

The first part specifies behaviour on a small base written here, so each test shows why an
entry wins. The second part measures accuracy on the shipped knowledge base against the shared
development set and the project's own extra messages and out-of-domain negatives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.knowledge import Entry, KnowledgeBase, SearchResult
from bot.knowledge._match import EntryScore, Matcher, phrase_score, without_openers
from bot.knowledge._normalise import normalised_words
from bot.language import read_yaml
from tests.conftest import DATA, ROOT, shipped_knowledge

BLIND = ROOT / "benchmarks" / "data"


def entry(
    entry_id: str,
    title: str,
    terms: Sequence[str],
    summary: str = "Act on this to keep the child safe.",
    topics: Sequence[str] | None = None,
) -> Entry:
    """A valid entry where only the fields the matcher reads differ."""
    return Entry(
        id=entry_id,
        stage="initial-contact",
        topics=tuple(topics or (entry_id,)),
        title=title,
        summary=summary,
        guidance=("Protect the child first.", "Tell your supervisor."),
        ask_yourself=("Is the child safe now?",),
        terms=tuple(terms),
        source=("001 §1",),
        jurisdiction="both",
        review_by=dt.date(2027, 1, 1),
    )


SMALL_BASE = (
    entry(
        "police-protection",
        "Police protection (section 46)",
        ["PPO", "police protection", "72 hours", "remove a child", "s46"],
        summary="Use police protection to remove a child to safety for up to 72 hours.",
    ),
    entry(
        "police-protection-designated-officer",
        "The designated officer for police protection",
        ["designated officer", "inspector reviews the PPO"],
        topics=["police-protection"],
    ),
    entry("missing-child", "Missing child", ["misper", "missing from home", "ran away"]),
    entry(
        "neglect",
        "Neglect",
        ["neglected", "no food in the house", "dirty house", "left alone"],
        summary="Look at the home conditions and whether the child's basic needs are met.",
    ),
    entry("domestic-abuse", "Domestic abuse", ["domestic", "DA", "domestic violence"]),
    entry("appropriate-adult", "Appropriate adult", ["AA", "appropriate adult", "juvenile"]),
    entry("referral", "Referral to children's social care", ["MASH", "refer", "social worker"]),
    entry(
        "mental-health",
        "Section 136 for a child",
        ["s136", "section 136", "place of safety", "mental health crisis"],
    ),
    entry(
        "transfer",
        "Transfer to local authority accommodation",
        ["38(6)", "PACE 38(6)", "la accommodation", "refused bail"],
    ),
    entry(
        "recording",
        "Record what you saw and did",
        ["write up", "paperwork", "crime report"],
        summary="Record the order of events soon after, with the time and your name.",
    ),
)


@pytest.fixture(scope="module")
def small() -> Matcher:
    return Matcher(SMALL_BASE)


def top_id(result: SearchResult) -> str:
    assert result.matches, f"no matches for {result.query!r}"
    return result.matches[0].entry.id


# --- ranking -------------------------------------------------------------------------------------


def test_an_exact_term_leads_confidently(small: Matcher) -> None:
    result = small.search("misper")
    assert (top_id(result), result.status) == ("missing-child", "confident")


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("polise protecton", "police-protection"),
        ("seventy two ours limit", "police-protection"),
        ("kids left a lone", "neglect"),
        ("negleted", "neglect"),
        ("refered to the M A S H", "referral"),
        ("one three six for a 15 year old", "mental-health"),
        ("section won three six for a 15 year old", "mental-health"),
        ("does section for six let me take him", "police-protection"),
        ("does section for tea six let me take him", "police-protection"),
        ("section 1 3 6 for a 15 year old", "mental-health"),
        ("la accommodation under three eight six", "transfer"),
        ("juvie needs an a a", "appropriate-adult"),
        ("DOMESTIC VIOLENCE!!!", "domestic-abuse"),
    ],
)
def test_typos_slips_and_spoken_numbers_still_find_the_entry(
    small: Matcher, said: str, expected: str
) -> None:
    assert top_id(small.search(said)) == expected


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("section for seven", ["s47"]),
        ("sec won three six", ["s136"]),
        ("refer under section to protect", ["refer", "under", "section", "to", "protect"]),
        ("missing for two hours", ["missing", "for", "2", "hours"]),
        ("section for tea seven", ["s47"]),
        ("ess for ty six", ["s46"]),
        ("gone for tea at seven", ["gone", "for", "tea", "at", "7"]),
    ],
)
def test_a_number_sound_alike_after_section_is_a_digit_of_it(said: str, read: list[str]) -> None:
    """A speech recogniser writes "section four seven" as "section for seven"."""
    assert normalised_words(said) == read


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("section 1 3 6", ["s136"]),
        ("section fourty 6", ["s46"]),
        ("sec 3 8 6", ["s38(6)"]),
        # Not a section the base cites, or a quantity after the pieces: left as said.
        ("section 20 7 kids", ["s20", "7", "child"]),
        ("section 1 3 6 hours", ["s1", "3", "6", "hours"]),
        ("4 6 kids", ["4", "6", "child"]),
    ],
)
def test_a_cited_section_said_in_pieces_is_read_whole(
    small: Matcher, said: str, read: list[str]
) -> None:
    assert small.vocabulary.repair(said) == read


def test_a_term_outranks_a_word_mentioned_in_passing(small: Matcher) -> None:
    """'order' is only in the recording entry's summary; 'PPO' is a police protection term."""
    ranked = [match.entry.id for match in small.search("PPO order").matches]
    assert ranked[0] == "police-protection"


def test_scores_are_best_first_within_0_and_100_and_limited(small: Matcher) -> None:
    result = small.search("police protection for a neglected missing child", limit=3)
    scores = [match.score for match in result.matches]
    assert len(scores) == 3
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= score <= 100.0 for score in scores)
    assert small.search("police protection", limit=0).matches == ()


def test_the_result_keeps_the_query_as_typed(small: Matcher) -> None:
    assert small.search("  MISPER?? ").query == "  MISPER?? "


# --- status calibration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "said",
    [
        "",
        "   ",
        "?!",
        "hello",
        "thanks",
        "what's the weather",
        "order a pizza",
        "who won the match",
    ],
)
def test_out_of_domain_text_is_none(small: Matcher, said: str) -> None:
    assert small.search(said).status == "none"


def test_nothing_in_common_gives_no_matches_at_all(small: Matcher) -> None:
    assert small.search("banana smoothie recipe").matches == ()


def test_none_may_still_show_the_closest_guesses(small: Matcher) -> None:
    """A word in passing ('order') is too little to go on, but the guess is still shown."""
    result = small.search("order a pizza")
    assert result.status == "none"
    assert [match.entry.id for match in result.matches] == ["recording"]


def test_two_entries_that_fit_equally_well_are_ambiguous(small: Matcher) -> None:
    result = small.search("misper neglected")
    assert result.status == "ambiguous"
    assert {match.entry.id for match in result.matches[:2]} == {"missing-child", "neglect"}


def test_a_runner_up_on_the_same_topic_does_not_make_the_answer_ambiguous(
    small: Matcher,
) -> None:
    """Both police protection entries fit 'PPO'; either leads the officer to the same topic."""
    result = small.search("PPO inspector")
    assert result.status == "confident"
    assert {match.entry.id for match in result.matches[:2]} == {
        "police-protection",
        "police-protection-designated-officer",
    }


def test_the_bases_jargon_lets_a_clear_leader_answer_from_a_middling_score(
    small: Matcher,
) -> None:
    """'misper' is no everyday word: the message is about the base's subject, whatever else."""
    jargon = small.search("misper seen at the canal")
    plain = small.search("ran away at the canal")
    assert top_id(jargon) == top_id(plain) == "missing-child"
    for result in (jargon, plain):
        assert Matcher.JARGON_CONFIDENT_AT <= result.matches[0].score < Matcher.CONFIDENT_AT
    assert (jargon.status, plain.status) == ("confident", "ambiguous")


def test_the_bases_jargon_does_not_settle_a_close_contest(small: Matcher) -> None:
    assert small.search("misper neglected").status == "ambiguous"


def test_a_lone_common_word_is_not_enough_to_be_confident(small: Matcher) -> None:
    assert small.search("child").status != "confident"


def test_a_matcher_over_no_entries_finds_nothing() -> None:
    assert Matcher(()).search("child in danger") == SearchResult("child in danger", "none", ())


def test_a_pasted_wall_of_text_is_handled(small: Matcher) -> None:
    assert small.search("x" * 5000).status == "none"
    # Filler of stop words: a run of "a a" would be read as the letters of "AA" (appropriate
    # adult), a tie with the misper entry rather than a wall of nothing.
    assert top_id(small.search("misper " + "the " * 2000)) == "missing-child"


def test_explain_shows_which_words_matched_where(small: Matcher) -> None:
    explanation = small.explain("misper with no food in the house")
    best = explanation.scores[0]
    assert best.entry.id in {"missing-child", "neglect"}
    assert explanation.words[:1] == ("misper",)
    assert set(explanation.weights) == {"misper", "food", "hous"}
    neglect = next(score for score in explanation.scores if score.entry.id == "neglect")
    assert neglect.matched == {"food": "terms", "hous": "terms"}
    assert neglect.best_phrase == "no food in the house"
    assert neglect.phrase_fit == pytest.approx(1.0)


# --- phrase_score --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("first aid", "I gave her first aid straight away"),
        ("first aid", "gave furst aid"),
        ("safe adult", "left the kids with a safe adults"),
        ("safeguarding", "made a safe guarding referral"),
        ("social care", "rang socialcare"),
        ("paediatrician", "seen by the pediatrician"),
        ("48 hours", "missing for forty eight ours"),
        ("section 47", "s47 done"),
        ("appropriate adult", "got an apropriate adult"),
    ],
)
def test_phrase_score_finds_the_phrase_despite_variation(phrase: str, text: str) -> None:
    assert phrase_score(phrase, text) >= 85.0


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("first aid", "called an ambulance"),
        ("safe adult", "the house was filthy"),
        ("48 hours", "missing for 24 hours"),
        ("section 47", "section 46"),
    ],
)
def test_phrase_score_is_low_when_the_phrase_is_absent(phrase: str, text: str) -> None:
    assert phrase_score(phrase, text) < 60.0


def test_phrase_score_gives_partial_credit_for_part_of_the_phrase() -> None:
    assert 40.0 <= phrase_score("safe adult", "no adult at home") < 85.0


def test_phrase_score_of_nothing_is_zero() -> None:
    assert phrase_score("first aid", "") == 0.0
    assert phrase_score("", "first aid given") == 0.0


# --- accuracy on the shipped knowledge base ------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    return shipped_knowledge()


def test_a_term_typed_word_for_word_keeps_the_entry_a_trainer_wrote_it_for(
    shipped: KnowledgeBase,
) -> None:
    """The learnt opinion never puts another card before the one whose term the message is.

    The labelled questions can learn one word of a term for another topic ("counts" for
    performance figures): "who counts as a child", the under-18 card's own term, was answered
    confidently with the performance-indicators card, and 222 of the 2,636 terms the search
    alone puts first lost their card the same way. Every term the search without the learnt
    opinion finds first is still first with it.
    """
    search_alone = Matcher(shipped.matcher.entries, topics=shipped.taxonomy.topics)
    moved = [
        (term, entry.id, found.matches[0].entry.id)
        for entry in shipped.matcher.entries
        for term in entry.terms
        if (alone := search_alone.search(term)).matches
        and alone.matches[0].entry.id == entry.id
        and (found := shipped.search(term)).matches[0].entry.id != entry.id
    ]
    assert moved == []
    assert shipped.search("who counts as a child").matches[0].entry.id == "under-18-is-a-child"


def _cases(path: Path, key: str | None = None) -> list[dict]:
    data = read_yaml(path.read_text(encoding="utf-8"))
    return data[key] if key else data


def _searched(base: KnowledgeBase, cases: list[dict]) -> list[tuple[dict, SearchResult]]:
    """Each case with its search, once: the status does not depend on how many are listed."""
    return [(case, base.search(case["text"], limit=3)) for case in cases]


def _top3_accuracy(searched: list[tuple[dict, SearchResult]]) -> tuple[float, list[str]]:
    misses = []
    for case, result in searched:
        if not any(set(m.entry.topics) & set(case["topics"]) for m in result.matches[:3]):
            got = [m.entry.id for m in result.matches[:3]]
            misses.append(f"{case['text']!r}: wanted {case['topics']}, got {got}")
    return 1.0 - len(misses) / len(searched), misses


# Floors sit at what the sets scored when they were last raised (see benchmarks/README.md): a
# change that loses ground fails here, not months later. Raise them when the scores rise.
READ_SETS = {
    # set: (path, key, top-3 floor, confident-and-right floor, confident-and-wrong ceiling,
    #       share of negatives answered none)
    # Since 3 December 2026 these sets are also what the learnt second opinion is trained on
    # (knowledge/questions.yaml), so the confident-and-right floors are in-sample; the
    # leave-one-set-out figures (benchmarks/bench_learnt.py) are in benchmarks/README.md.
    "dev": (DATA / "dev_utterances.yaml", None, 1, 0.96, 0.0, None),
    # 3 December 2026, officers' words added to entries' terms: extra's confident-and-right
    # floor 0.98 -> 0.95 and blind6's 0.82 -> 0.81, as two-topic questions are now offered as
    # a choice of right entries (ambiguous, never wrong); top-3 floors raised. Back to 1.0
    # with blind9 and blind10 learnt from and the learnt opinion's agreement (seventh round).
    "extra": (DATA / "extra_utterances.yaml", "utterances", 1, 1, 0.0, 1.0),
    # Blind sets already read for development: no longer blind, still worth holding.
    "blind": (BLIND / "blind_utterances.yaml", "utterances", 1, 0.97, 0.0, 0.90),
    "blind2": (BLIND / "blind2_utterances.yaml", "utterances", 1, 0.96, 0.0, 0.92),
    # blind3, blind4 and blind5 were sealed until 3 December 2026, blind7 and blind8 until
    # later that day, blind9 and blind10 until that afternoon (their last sealed measures are
    # in benchmarks/README.md); held at what they score in-sample since. None is answered
    # confidently and wrongly in-sample since the learnt prototypes were corrected on the
    # officers' questions (3 December 2026); left out one set at a time
    # (benchmarks/bench_learnt.py) the fourteen sets answer 26 of 2,668 wrongly. Top-3 held
    # at 0.99 or 1.0 in-sample since the learnt opinion offers its first topic third (eighth
    # round); blind9's and blind10's confident-and-right floors came down (0.89 -> 0.88, 0.84
    # -> 0.81) when blind11 and blind12 were learnt from, before any rule of that round.
    "blind3": (BLIND / "blind3_utterances.yaml", "utterances", 1, 0.96, 0.0, 0.93),
    "blind4": (BLIND / "blind4_utterances.yaml", "utterances", 1, 0.95, 0.0, 0.85),
    "blind5": (BLIND / "blind5_utterances.yaml", "utterances", 1, 0.9, 0.0, 0.90),
    # blind6 was first measured (before any tuning) at 0.033 confidently wrong.
    "blind6": (BLIND / "blind6_utterances.yaml", "utterances", 0.99, 0.91, 0.0, 0.83),
    "blind7": (BLIND / "blind7_utterances.yaml", "utterances", 0.99, 0.91, 0.0, 0.76),
    "blind8": (BLIND / "blind8_utterances.yaml", "utterances", 1, 0.91, 0.0, 1.0),
    "blind9": (BLIND / "blind9_utterances.yaml", "utterances", 1, 0.92, 0.0, 0.96),
    "blind10": (BLIND / "blind10_utterances.yaml", "utterances", 1, 0.88, 0.0, 0.90),
    # blind11 and blind12 were sealed until the evening of 3 December 2026 (their last sealed
    # measures are in benchmarks/README.md); they have no negatives.
    "blind11": (BLIND / "blind11_utterances.yaml", "utterances", 0.99, 0.9, 0.0, None),
    "blind12": (BLIND / "blind12_utterances.yaml", "utterances", 1, 0.89, 0.0, None),
    # blind13 and blind14 were sealed until 4 December 2026 (last sealed measures, top-3;
    # confident and right; confident and wrong: blind13 0.943; 0.770; 0.026, blind14 0.984;
    # 0.673; 0.004). Learning from them brought nine older sets' confident-and-right floors
    # down by one to three messages in a hundred (dev 0.96 -> 0.93, blind 0.98 -> 0.97, blind2
    # 0.96 -> 0.93, blind3 0.95 -> 0.94, blind4 0.92 -> 0.90, blind6 0.85 -> 0.84, blind8 0.84
    # -> 0.83, blind10 0.81 -> 0.80, blind11 0.85 -> 0.83) and three top-3 floors from 1.0 to
    # 0.99 (blind3, blind7, blind9: one message each), before any rule of that round; left
    # out one set at a time the sixteen sets answer 2,518 of 3,187 confidently and rightly.
    # The learnt opinion's first topic agreeing with a leader from 48 (``AGREED_FIRST_AT``)
    # raised blind11's floor 0.83 -> 0.84 and blind12's 0.74 -> 0.75 (2,543 left out).
    # Gentler corrections of the learnt prototypes (REFINE_RATE 0.2 -> 0.05, SHARPNESS 60 ->
    # 51) and LEARNT_DOUBT_BELOW 0.15 -> 0.25 (2,573 right and 26 wrong left out, from 2,543
    # and 28): the learnt opinion memorises the questions it learnt from less, so in-sample
    # figures moved both ways. Raised: top-3 on blind3, blind7, blind8, blind9 and blind12 to
    # 1.0, confident-and-right on dev (0.93 -> 0.96), blind2, blind3, blind4, blind7, blind8,
    # blind9, blind10, blind12 and blind14. Lowered by one message each: extra's
    # confident-and-right 1.0 -> 0.98 ("family only speak polish and the child is deaf" is now
    # a choice of its two right entries), blind13's top-3 0.99 -> 0.98, and one confident wrong
    # answer in-sample on blind8 and on blind13 (ceiling 0.0 -> 0.004; left out, blind8 4 -> 3
    # and blind13 5 -> 2 wrong).
    "blind13": (BLIND / "blind13_utterances.yaml", "utterances", 0.99, 0.9, 0.0, None),
    "blind14": (BLIND / "blind14_utterances.yaml", "utterances", 1, 0.88, 0.0, None),
    # blind18 (long situations that never name the topic) was sealed until the evening of 4
    # December 2026 (last sealed measure: top-3 0.875, confident and right 0.449, confident and
    # wrong 0.034); it has no negatives. Learning from it, before any rule of that round, brought
    # five older sets' floors down by one or two messages in a hundred (confident and right:
    # blind5 0.86 -> 0.85, blind8 0.84 -> 0.83, blind10 0.81 -> 0.80, blind12 0.78 -> 0.76,
    # blind13 0.85 -> 0.84; top-3: blind10 1.0 -> 0.99, one message); left out one set at a time
    # the seventeen sets answer 2,685 of 3,452 confidently and rightly, 36 wrongly. Then a card
    # of the leader's own topic a point or less behind it no longer made the officer choose
    # (``Matcher.LEARNT_TIE`` 1 -> 0, the other card named as related): confident-and-right
    # floors ratcheted to what every set scores in-sample (left out: 2,685 -> 2,706 right, 36
    # wrong), and blind13's top-3 0.98 -> 0.99.
    "blind18": (BLIND / "blind18_utterances.yaml", "utterances", 1, 0.85, 0.0, None),
    # blind19 (long situations, a third writer) was sealed until the night of 4 December 2026
    # (last sealed measure: top-3 0.814, confident and right 0.415, confident and wrong 0.035);
    # it has no negatives. Learning from it, before any other change, brought five older sets'
    # floors down by one or two messages (confident and right: blind 0.98 -> 0.97, blind3 0.95
    # -> 0.94, blind6 0.86 -> 0.85, blind9 0.90 -> 0.88; blind7's top-3 1.0 -> 0.99 and one
    # confident wrong answer on blind10, ceiling 0.0 -> 0.004); left out one set at a time the
    # eighteen sets answer 2,838 of 3,710 confidently and rightly (top-3 3,573), 44 wrongly.
    "blind19": (BLIND / "blind19_utterances.yaml", "utterances", 1, 0.81, 0.0, None),
    # blind21 (long situations, another writer) was sealed until 5 December 2026 (last
    # sealed measure: top-3 0.927, confident and right 0.492, confident and wrong 0.031); it has
    # no negatives. Learning from it, before any other change, brought four older sets' floors
    # down (confident and right: blind2 0.95 -> 0.94, blind8 0.85 -> 0.84, blind14 0.83 ->
    # 0.81, blind18 0.63 -> 0.62; top-3 on blind18 and blind19 1.0 -> 0.99, one message each);
    # left out one set at a time the nineteen sets answer 2,957 of 3,970 confidently and
    # rightly (top-3 3,812), 50 wrongly. Four learnt gates loosened where what they held back
    # was nearly all right (``Matcher.LEARNT_SURE_AT`` 0.6, ``LEARNT_RESCUE_AT`` 0.7,
    # ``REORDERED_SURE_AT`` 0.8, ``LONG_AGREED_FIRST_AT`` 33; left out: 3,025 right, 50 wrong)
    # raised the confident-and-right floors of blind2, blind3, blind5 to blind11, blind13,
    # blind14, blind18, blind19 and blind21 to what they score in-sample. The learnt opinion's
    # first topic then shown first (``Matcher.LEARNT_LEADS_AT`` 0.9, and from 0.5 in a long
    # situation, sure there from ``LONG_LEARNT_SURE_AT`` 0.95; left out: 3,097 right, 46 wrong)
    # raised them again, most on the long sets, and a shorter message sure from 0.98 when the
    # search found it too (``SHORT_LEARNT_SURE_AT``; left out: 3,125 right, 46 wrong) again on
    # every set; in-sample the learnt opinion has read these very questions (its first entry is
    # right for 0.97 to 1.0 of them), so the left-out figures in benchmarks/README.md are the
    # ones to judge by.
    "blind21": (BLIND / "blind21_utterances.yaml", "utterances", 1, 0.81, 0.0, None),
    # blind17 (terms and roles officers half-know) and blind23 (long situations, 20-60 words, a
    # fourth writer) were sealed until 5 December 2026 (last sealed measures, top-3; confident
    # and right; confident and wrong: blind17 0.955; 0.777; 0.007, blind23 0.903; 0.554;
    # 0.026); neither has negatives. Learning from them (4,508 labelled questions, not 3,970)
    # shifted the learnt belief, and in-sample floors fell by one to eight messages (confident
    # and right: dev 1.0 -> 0.96 (one message), blind 0.98 -> 0.97, blind3 0.97 -> 0.96, blind4
    # 0.96 -> 0.95 (one message), blind7 0.92 -> 0.91,
    # blind9 0.94 -> 0.92, blind10 0.90 -> 0.88, blind11 0.91 -> 0.90, blind14 0.90 -> 0.88,
    # blind19 0.84 -> 0.81; blind6's top-3 1.0 -> 0.99, one message) while blind18's and
    # blind21's rose and no read set answers confidently and wrongly in-sample any more. Left
    # out one set at a time, the figures that estimate the sealed sets, the twenty-one sets
    # give 4,355 / 3,493 / 58 of 4,508 with the gates chosen on nineteen, which the gates
    # chosen again on twenty-one (benchmarks/choose_gates.py, nested) did not beat: see
    # benchmarks/README.md, "Gates chosen again with every set learnt".
    "blind17": (BLIND / "blind17_utterances.yaml", "utterances", 0.99, 0.88, 0.0, None),
    "blind23": (BLIND / "blind23_utterances.yaml", "utterances", 0.98, 0.81, 0.0, None),
}


def test_a_same_topic_entry_a_point_behind_is_named_beside_a_sure_answer(
    shipped: KnowledgeBase,
) -> None:
    """Two cards of one topic the search can hardly tell apart: lead with one, name the other."""
    result = shipped.search("LA wont take the kid after charge", limit=3)
    assert result.status == "confident"
    first, second = result.matches[0], result.matches[1]
    assert 0 < first.score - second.score <= Matcher.SAME_TOPIC_NEAR
    assert set(first.entry.topics) & set(second.entry.topics)
    assert second.entry in result.also
    assert result.to_json()["also"] == [entry.id for entry in result.also]


def test_a_clear_leader_names_no_related_entry(shipped: KnowledgeBase) -> None:
    result = shipped.search("PACE 38(6) transfer", limit=3)
    assert result.status == "confident"
    assert result.matches[0].score - result.matches[1].score > Matcher.SAME_TOPIC_NEAR
    assert result.also == ()


def test_every_card_of_the_topic_close_behind_is_named(shipped: KnowledgeBase) -> None:
    """Asked "police protection", three s46 cards score within a point: two are named."""
    result = shipped.search("police protection", limit=3)
    assert result.status == "confident"
    assert {match.entry.id for match in result.matches[1:]} == {e.id for e in result.also}
    assert all(
        "police-protection-s46" in match.entry.topics and match.score >= result.matches[0].score - 1
        for match in result.matches
    )


def test_an_answer_left_as_a_choice_names_nothing_beside_it(shipped: KnowledgeBase) -> None:
    result = shipped.search("child protection", limit=3)
    assert result.status == "ambiguous"
    assert result.also == ()


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("voice note so we took the two kids under s46", "so we took the two kids under s46"),
        ("Voice note, sorry weird one: mum says", "mum says"),
        ("quick one - kid in the cells", "kid in the cells"),
    ],
)
def test_how_a_message_was_sent_is_not_read_as_what_it_is_about(said: str, read: str) -> None:
    assert without_openers(said) == read


@pytest.mark.parametrize(
    "said", ["she sent him a voice note saying sorry", "sorrowful kid at the door", "quickly now"]
)
def test_the_same_words_later_in_a_message_or_inside_a_word_are_kept(said: str) -> None:
    assert without_openers(said) == said


def test_a_voice_note_opener_does_not_point_at_the_childs_voice(shipped: KnowledgeBase) -> None:
    said = "mum says a man on a game console asked her eleven year old son to turn his camera on"
    plain, dictated = shipped.search(said, limit=3), shipped.search("voice note " + said, limit=3)
    assert dictated.status == plain.status
    assert [m.entry.id for m in dictated.matches] == [m.entry.id for m in plain.matches]


@pytest.mark.parametrize("name", READ_SETS)
def test_accuracy_holds_its_floor_on_every_set_already_read(
    shipped: KnowledgeBase, name: str
) -> None:
    path, key, top3_floor, right_floor, wrong_ceiling, _ = READ_SETS[name]
    cases = _cases(path, key)
    searched = _searched(shipped, cases)
    accuracy, misses = _top3_accuracy(searched)
    assert accuracy >= top3_floor, f"{name}: top-3 {accuracy:.3f}\n" + "\n".join(misses)
    right = wrong = 0
    for case, result in searched:
        if result.status == "confident":
            fits = bool(set(result.matches[0].entry.topics) & set(case["topics"]))
            right += fits
            wrong += not fits
    share = right / len(cases)
    assert share >= right_floor, f"{name}: confident and right {share:.3f}"
    assert wrong / len(cases) <= wrong_ceiling, f"{name}: confident and wrong {wrong}"


@pytest.mark.parametrize("name", [name for name, row in READ_SETS.items() if row[5] is not None])
def test_no_negative_of_a_set_already_read_is_answered_confidently(
    shipped: KnowledgeBase, name: str
) -> None:
    """Out of domain is never led to guidance, and the share answered with nothing holds."""
    path, _, _, _, _, none_floor = READ_SETS[name]
    # A negative is written as plain text or as a mapping with a text.
    texts = [item["text"] if isinstance(item, dict) else item for item in _cases(path, "negatives")]
    results = {text: shipped.search(text).status for text in texts}
    assert [text for text, status in results.items() if status == "confident"] == []
    none = sum(status == "none" for status in results.values()) / len(results)
    assert none >= none_floor, f"{name}: negatives answered none {none:.3f}"


def test_extra_set_covers_every_stage_and_has_enough_cases(shipped: KnowledgeBase) -> None:
    cases = _cases(DATA / "extra_utterances.yaml", "utterances")
    stages = {shipped.taxonomy.topic_stage[topic] for case in cases for topic in case["topics"]}
    assert len(cases) >= 30
    assert stages == set(shipped.taxonomy.stages)
    assert len(_cases(DATA / "extra_utterances.yaml", "negatives")) >= 15


def test_every_out_of_domain_negative_is_none(shipped: KnowledgeBase) -> None:
    wrong = {
        text: (result.status, [m.entry.id for m in result.matches[:2]])
        for text in _cases(DATA / "extra_utterances.yaml", "negatives")
        if (result := shipped.search(text)).status != "none"
    }
    assert wrong == {}


def test_near_misses_are_never_confident(shipped: KnowledgeBase) -> None:
    """Off-topic messages that share everyday words with a term may be shown as options."""
    for text in _cases(DATA / "extra_utterances.yaml", "near_misses"):
        assert shipped.search(text).status != "confident", text


def test_a_confident_answer_is_nearly_always_right(shipped: KnowledgeBase) -> None:
    """When the matcher leads with one entry, that entry carries an acceptable topic."""
    cases = _cases(DATA / "dev_utterances.yaml") + _cases(
        DATA / "extra_utterances.yaml", "utterances"
    )
    confident = wrong = 0
    for case in cases:
        result = shipped.search(case["text"])
        if result.status == "confident":
            confident += 1
            wrong += not set(result.matches[0].entry.topics) & set(case["topics"])
    assert confident >= len(cases) // 2
    assert wrong / confident <= 0.05


# --- long messages, single everyday words, questions made of small words ---------------------

WORDY_BASE = (
    *SMALL_BASE,
    entry(
        "child-death",
        "Unexpected death of a child",
        ["SUDI", "died", "found dead", "not breathing"],
        summary="Preserve the scene and support the family after a child dies.",
    ),
    entry(
        "escalate",
        "Tell your supervisor",
        ["skipper", "sergeant", "inspector", "out of my depth"],
    ),
    entry(
        "safety-plan",
        "Safety plan for the child",
        ["safety plan", "who does what by when", "plan"],
    ),
    entry(
        "protection-plan",
        "Check whether the child has a protection plan",
        ["CP plan", "on a plan", "plan"],
    ),
)


@pytest.fixture(scope="module")
def wordy() -> Matcher:
    return Matcher(WORDY_BASE)


def test_words_the_base_never_uses_do_not_bury_a_clear_match(wordy: Matcher) -> None:
    """Canal, railway, bridge and cousin say nothing about which guidance is needed."""
    result = wordy.search("misper last seen by the canal near the railway bridge with a cousin")
    assert top_id(result) == "missing-child"
    assert result.status != "none"


def test_n_unknown_words_weigh_as_much_as_the_square_root_of_n(wordy: Matcher) -> None:
    weights = wordy.explain("misper canal railway towpath").weights
    unknown = [weights[word] for word in ("canal", "railway", "towpath")]
    assert sum(unknown) == pytest.approx(wordy.unknown_weight * 3**0.5, abs=0.02)


def test_everyday_words_with_unknown_details_still_find_the_entry(wordy: Matcher) -> None:
    result = wordy.search("no food in the house, kids neglected, narrowboat on the towpath")
    assert top_id(result) == "neglect"
    assert result.status != "none"


def test_a_message_mostly_of_unknown_words_keeps_less_of_every_score(wordy: Matcher) -> None:
    assert wordy.explain("no food in the house").kept == 1.0
    assert wordy.explain("house keys lost, locksmith booked for tuesday").kept < 1.0


@pytest.mark.parametrize(
    "said",
    [
        "radio battery died",
        "retirement do for the inspector",
        "printer jammed again, died on me",
    ],
)
def test_one_everyday_word_among_unknown_words_is_not_a_match(wordy: Matcher, said: str) -> None:
    assert wordy.search(said).status == "none"


def test_one_everyday_clue_counts_less_than_one_telling_clue(wordy: Matcher) -> None:
    """'died' is everyday English; 'SUDI' is no everyday word, so it is telling on its own."""
    everyday = wordy.search("died at the house").matches[0]
    telling = wordy.search("SUDI at the house").matches[0]
    assert everyday.entry.id == telling.entry.id == "child-death"
    assert telling.score > everyday.score


def test_an_everyday_word_with_a_second_clue_still_finds_its_entry(wordy: Matcher) -> None:
    result = wordy.search("child found dead in the cot")
    assert (top_id(result), result.status) == ("child-death", "confident")


def test_a_question_made_of_small_words_fits_a_term_made_of_them(wordy: Matcher) -> None:
    result = wordy.search("who is doing what by when on the plan")
    assert top_id(result) == "safety-plan"
    assert result.status != "none"
    assert wordy.explain("who is doing what by when on the plan").scores[0].best_phrase == (
        "who does what by when"
    )


def test_stop_words_left_out_of_a_terse_message_cost_nothing(wordy: Matcher) -> None:
    terse = wordy.explain("no food house").scores[0]
    full = wordy.explain("no food in the house").scores[0]
    assert terse.entry.id == full.entry.id == "neglect"
    assert terse.phrase_fit == full.phrase_fit == pytest.approx(1.0)


# --- officers' synonyms, everyday words, topic descriptions, a child named ---------------------

SYNONYMS = (
    ("suspect", "perp", "assailant"),
    ("prison", "banged up", "locked up", "jail"),
    ("misper", "missing from home", "absconder"),
)

SYNONYM_BASE = (
    *SMALL_BASE,
    entry(
        "suspect-released",
        "Suspect released from prison",
        ["suspect released", "out of prison", "jail"],
    ),
)


@pytest.fixture(scope="module")
def with_synonyms() -> Matcher:
    return Matcher(SYNONYM_BASE, synonyms=SYNONYMS)


def test_an_officers_word_the_base_lacks_is_read_as_the_bases_own(
    with_synonyms: Matcher,
) -> None:
    assert with_synonyms.vocabulary.repair("perp banged up again") == ["suspect", "prison", "again"]
    assert top_id(with_synonyms.search("perp banged up again")) == "suspect-released"


def test_a_synonym_the_base_uses_is_left_as_said(with_synonyms: Matcher) -> None:
    """'jail' is a term of the base: reading it as 'prison' would take it from its entry."""
    assert with_synonyms.vocabulary.repair("jail") == ["jail"]
    assert with_synonyms.vocabulary.repair("missing from home") == ["missing", "from", "home"]
    assert with_synonyms.vocabulary.repair("absconder") == ["misper"]


def test_a_group_the_base_uses_no_member_of_changes_nothing() -> None:
    matcher = Matcher(SMALL_BASE, synonyms=(("ambulance", "ambo"),))
    assert matcher.vocabulary.repair("ambo") == ["ambo"]


def test_the_shipped_synonyms_are_read_and_only_the_search_uses_them() -> None:
    from bot.knowledge._normalise import normalise
    from bot.knowledge._synonyms import shipped_synonyms

    groups = shipped_synonyms()
    assert len(groups) > 50
    assert all(len(group) >= 2 for group in groups)
    assert normalise("the perp") == "the perp"  # flows and danger cues read the officer's words
    assert shipped_knowledge().matcher.vocabulary.repair("the perp") == ["the", "suspect"]


@pytest.mark.parametrize(
    ("asked", "meant"),
    [
        ("what does MASH stand for", "what does MASH mean"),
        ("whats CSE short for", "whats CSE mean"),
    ],
)
def test_asking_what_a_term_stands_for_finds_what_asking_its_meaning_finds(
    shipped: KnowledgeBase, asked: str, meant: str
) -> None:
    """Officers ask what a term stands for: "stand" and "short" must not bury the term."""
    said, plain = shipped.search(asked, limit=3), shipped.search(meant, limit=3)
    assert said.status == plain.status != "none"
    assert [m.entry.id for m in said.matches] == [m.entry.id for m in plain.matches]


def test_short_for_in_passing_is_no_term_to_look_up(shipped: KnowledgeBase) -> None:
    assert shipped.search("we are short for cover on nights").status != "confident"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("groups: [[perp]]", "group 1 must list two or more members"),
        ("groups: [[suspect, Perp]]", "'Perp' must be written as the bot reads it"),
        ('groups: [[suspect, "perp\'s"]]', "must be written as the bot reads it"),
        ("words: []", "needs a list 'groups'"),
    ],
)
def test_a_broken_synonyms_file_is_refused_with_its_place(
    tmp_path: Path, text: str, problem: str
) -> None:
    from bot.knowledge._synonyms import read_synonyms
    from bot.language import LanguageError

    path = tmp_path / "en" / "synonyms.yaml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LanguageError, match=problem) as raised:
        read_synonyms(path)
    assert "en/synonyms.yaml" in str(raised.value)


def test_an_everyday_word_weighs_less_than_a_rare_word_the_base_uses_as_often(
    small: Matcher,
) -> None:
    """'house' and 'misper' are each in one entry; 'house' is everyday English."""
    assert small.idf["hous"] < small.idf["misper"]
    weights = small.explain("misper canal bridge").weights
    assert weights["bridg"] < weights["canal"]  # everyday even where the base lacks it


def test_an_entry_is_found_by_its_topics_description() -> None:
    topics = {"neglect": "signs a child is neglected: squalor, head lice, no heating"}
    plain = Matcher(SMALL_BASE, synonyms=())
    described = Matcher(SMALL_BASE, synonyms=(), topics=topics)
    assert plain.search("head lice").matches == ()
    assert top_id(described.search("head lice")) == "neglect"
    assert described.explain("head lice").scores[0].matched == {"head": "topic", "lice": "topic"}


@pytest.mark.parametrize(
    ("words", "named"),
    [
        ("the child is upset", True),
        ("toddler on the balcony", True),
        ("a 14 year old on the bridge", True),
        ("little one crying", True),
        ("14 years in the job", False),
        ("adult male shoplifting", False),
    ],
)
def test_a_message_naming_a_child_is_recognised(words: str, named: bool) -> None:
    from bot.knowledge._match import names_child
    from bot.knowledge._normalise import normalised_words

    assert names_child(normalised_words(words)) is named


def test_naming_a_child_lets_a_clear_leader_answer_from_a_middling_score(
    small: Matcher,
) -> None:
    """Like jargon: a message about a child is about the base's subject."""
    child = small.search("13 year old ran away from the canal")
    adult = small.search("ran away from the canal")
    assert top_id(child) == top_id(adult) == "missing-child"
    for result in (child, adult):
        assert Matcher.JARGON_CONFIDENT_AT <= result.matches[0].score < Matcher.CONFIDENT_AT
    assert (child.status, adult.status) == ("confident", "ambiguous")


def test_an_english_word_the_base_lacks_is_read_as_one_of_its_family() -> None:
    matcher = Matcher(SMALL_BASE, synonyms=())
    assert matcher.vocabulary.repair("strategically urgently") == ["strategically", "urgently"]
    strategy = Matcher((*SMALL_BASE, entry("strategy", "Strategy discussion", ["urgent"])))
    assert strategy.vocabulary.repair("strategically urgently") == ["strategy", "urgent"]
    # A word of the base, and a slip that is no English word, are left to the other repairs.
    assert strategy.vocabulary.repair("strategy strategicly") == ["strategy", "strategicly"]


def test_every_shipped_synonym_group_leads_with_the_bases_own_wording() -> None:
    """A group whose first member the base does not use reads nothing: the base has changed."""
    from bot.knowledge._normalise import normalised_words
    from bot.knowledge._synonyms import shipped_synonyms

    vocabulary = shipped_knowledge().matcher.vocabulary
    stale = [
        group[0] for group in shipped_synonyms() if not vocabulary._uses(normalised_words(group[0]))
    ]
    assert stale == []


@pytest.mark.parametrize("postcode", ["WF6E 0DA", "da1 2ab", "SW1A 1AA", "ls1 4dy"])
def test_a_postcode_in_a_question_never_steers_the_guidance(
    shipped: KnowledgeBase, postcode: str
) -> None:
    # "DA" is the base's abbreviation for domestic abuse; a postcode's letters must not be read
    # as it (a Faker postcode once turned a search question into domestic-abuse guidance).
    for question in ("can a child be searched", "lad found after being missing"):
        plain = shipped.search(question, limit=3)
        placed = shipped.search(f"{question} at {postcode}", limit=3)
        assert [m.entry.id for m in placed.matches] == [m.entry.id for m in plain.matches]
        assert placed.status == plain.status


@pytest.mark.parametrize("born", ["21/12/2018", "21.12.18", "16-3-2011", "21/7/2012"])
def test_a_date_in_a_question_never_steers_the_guidance(shipped: KnowledgeBase, born: str) -> None:
    # A date's day and month once read as the base's sections ("s21", "outcome 21"): a question
    # nothing answers became a confident-looking choice of custody and sexting entries.
    for question in ("can the canoe club take a child", "can a child be searched"):
        plain = shipped.search(f"{question} born", limit=3)
        placed = shipped.search(f"{question} born {born}", limit=3)
        assert [m.entry.id for m in placed.matches] == [m.entry.id for m in plain.matches]
        assert placed.status == plain.status


def test_sections_and_times_are_not_taken_for_dates(shipped: KnowledgeBase) -> None:
    from bot.knowledge._match import _DATE

    for text in ("s38(6)", "section 21", "24/7 care", "6.30pm", "pace code c 11.15"):
        assert _DATE.search(text) is None, text


def test_sections_times_and_ordinals_are_not_taken_for_postcodes(shipped: KnowledgeBase) -> None:
    from bot.knowledge._match import _POSTCODE

    for text in ("s47 6pm", "s47 3rd visit", "age 2 2yo", "da incident"):
        assert _POSTCODE.search(text) is None, text


# --- the full-text second opinion ------------------------------------------------------------


def _own(score: EntryScore, kept: float) -> float:
    """The main score alone: coverage and phrase fit, before the full text is blended in."""
    return 100.0 * (0.7 * score.coverage + 0.3 * score.phrase_fit) * kept


@pytest.mark.parametrize(
    "text",
    ["remove the child to safety", "keep the child safe at home", "social worker at the house"],
)
def test_the_full_text_is_blended_in_on_the_leaders_scale(small: Matcher, text: str) -> None:
    explanation = small.explain(text, limit=3)
    leader = explanation.scores[0]
    best = _own(leader, explanation.kept)
    assert leader.full_text == 1.0
    assert leader.score == pytest.approx(best, abs=0.2)
    for score in explanation.scores[1:]:
        blended = (_own(score, explanation.kept) + 0.3 * best * score.full_text) / 1.3
        assert score.score == pytest.approx(blended, abs=0.2)


def test_a_runner_up_the_full_text_favours_gains_ground(small: Matcher) -> None:
    """The neglect entry speaks of the home in its summary, not its terms: it climbs a little."""
    explanation = small.explain("keep the child safe at home", limit=3)
    neglect = next(score for score in explanation.scores if score.entry.id == "neglect")
    assert neglect.score > _own(neglect, explanation.kept)


def _checklist_points() -> list[tuple[str, str]]:
    """(point's label, the card it names) for every checklist point of the shipped flows."""
    points: list[tuple[str, str]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("label"), str) and isinstance(node.get("knowledge"), str):
                points.append((node["label"], node["knowledge"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted((ROOT / "conversations").glob("*.yaml")):
        walk(read_yaml(path.read_text(encoding="utf-8")))
    return points


@pytest.mark.parametrize(("label", "card"), _checklist_points())
def test_asking_what_a_checklist_point_means_offers_its_card(
    shipped: KnowledgeBase, label: str, card: str
) -> None:
    """Asked mid-flow, "whats a safe adult" is looked up (docs/review-2026-12-07.md): the card
    the point names must be among those shown, not "Is a 17-year-old a child?" for "adult"."""
    result = shipped.search(f"whats {label.lower()}", limit=3)
    assert card in [match.entry.id for match in result.matches]


def test_asking_what_a_safe_adult_is_shows_the_immediate_needs_card_first(
    shipped: KnowledgeBase,
) -> None:
    result = shipped.search("whats a safe adult", limit=3)
    assert result.matches[0].entry.id == "immediate-needs"
