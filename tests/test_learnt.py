"""The learnt second opinion: topic prototypes from labelled questions, and how it sways."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import bot.knowledge._learnt as learnt_module
from bot.knowledge._learnt import (
    OFF_TOPIC,
    QUESTIONS_FILE,
    LabelledQuestions,
    LearntTopics,
    read_questions,
)
from bot.knowledge._match import Matcher
from bot.knowledge._normalise import normalised_words
from bot.knowledge._result import SearchResult
from bot.language import read_yaml
from tests.conftest import shipped_knowledge
from tests.test_match import SMALL_BASE

BRIDGE = LabelledQuestions(
    labelled=(
        (
            "teen on the bridge in a crisis, do I refer or take him somewhere safe",
            ("mental-health",),
        ),
        ("girl in crisis on the bridge, social worker not answering", ("mental-health",)),
        ("lad on the bridge railings in crisis", ("mental-health",)),
        ("kid in crisis on a bridge, who do I refer to", ("mental-health",)),
        ("hasnt come home from school", ("missing-child",)),
    ),
    off_topic=("my taser refresher training is next week",),
)


@pytest.fixture(scope="module")
def learnt() -> Matcher:
    return Matcher(SMALL_BASE, questions=BRIDGE)


class SearchLeads(Matcher):
    """The learnt opinion never puts its first topic first: the rules before it, alone."""

    LEARNT_LEADS_AT = 1.01
    LONG_LEARNT_LEADS_AT = 1.01


@pytest.fixture(scope="module")
def search_leads() -> Matcher:
    return SearchLeads(SMALL_BASE, questions=BRIDGE)


def test_a_question_worded_like_labelled_ones_gets_their_topic(learnt: Matcher) -> None:
    assert learnt.learnt is not None
    probabilities = learnt.learnt.probabilities(normalised_words("boy in crisis on a bridge"))
    assert max(probabilities, key=probabilities.__getitem__) == "mental-health"
    assert sum(probabilities.values()) == pytest.approx(1.0)


def test_a_confident_leader_the_labelled_questions_put_elsewhere_is_offered_as_a_choice(
    search_leads: Matcher,
) -> None:
    """Labelled officers say "in crisis on the bridge" of mental health, not of a referral."""
    said = "girl in crisis on the bridge, social worker?"
    plain = Matcher(SMALL_BASE).search(said)
    assert plain.status == "confident"
    result = search_leads.search(said)
    assert result.status == "ambiguous"
    # Mental health scores over 30 points behind: offered, but not put first by these rules.
    assert plain.matches[0].score - plain.matches[1].score > Matcher.VETOED_PROMOTE_WITHIN
    assert [match.entry.id for match in result.matches[:2]] == ["referral", "mental-health"]


GIRL_ON_THE_BRIDGE = "girl in crisis on the bridge, social worker?"


def _bridge_belief(said: str) -> float:
    matcher = Matcher(SMALL_BASE, questions=BRIDGE)
    assert matcher.learnt is not None
    return matcher.learnt.probabilities(matcher._query(said).words)["mental-health"]


def test_a_topic_the_learnt_opinion_is_sure_of_is_shown_first_though_the_search_is_far_behind() -> (
    None
):
    """Its first topic right more often than the search's first card: that card leads."""

    class NeverSure(Matcher):
        SHORT_LEARNT_SURE_AT = 1.01

    assert _bridge_belief(GIRL_ON_THE_BRIDGE) >= Matcher.LEARNT_LEADS_AT
    result = NeverSure(SMALL_BASE, questions=BRIDGE).search(GIRL_ON_THE_BRIDGE)
    assert [match.entry.id for match in result.matches[:2]] == ["mental-health", "referral"]
    # Under the sure bar, a short message the two readings disagree about stays a choice.
    assert result.status == "ambiguous"


def test_a_short_message_the_learnt_opinion_is_nearly_certain_of_and_the_search_found_is_sure(
    learnt: Matcher,
) -> None:
    assert _bridge_belief(GIRL_ON_THE_BRIDGE) >= Matcher.SHORT_LEARNT_SURE_AT
    plain = Matcher(SMALL_BASE).search(GIRL_ON_THE_BRIDGE)
    assert plain.matches[0].score >= Matcher.NONE_BELOW
    result = learnt.search(GIRL_ON_THE_BRIDGE)
    assert result.matches[0].entry.id == "mental-health"
    assert result.status == "confident"


def test_a_short_message_the_search_does_not_find_stays_unanswered_however_sure() -> None:
    """Only the learnt opinion reading it is as often admin worded like a question."""

    class FindsLess(Matcher):
        NONE_BELOW = 90.0

    result = FindsLess(SMALL_BASE, questions=BRIDGE).search(GIRL_ON_THE_BRIDGE)
    assert result.matches[0].entry.id == "mental-health"
    assert result.status == "none"


def test_a_topic_the_learnt_opinion_believes_under_its_lead_bar_is_not_put_first() -> None:
    class JustUnder(Matcher):
        LEARNT_LEADS_AT = _bridge_belief(GIRL_ON_THE_BRIDGE) + 1e-9

    result = JustUnder(SMALL_BASE, questions=BRIDGE).search(GIRL_ON_THE_BRIDGE)
    assert [match.entry.id for match in result.matches[:2]] == ["referral", "mental-health"]
    assert result.status == "ambiguous"


class Long(Matcher):
    """A message of eight words is long here, to test the long-situation rule on a small base."""

    LONG_FROM = 8


def test_a_long_situation_the_learnt_opinion_is_sure_of_is_answered_with_its_topic() -> None:
    """Told in many words, the search spreads over entries; the labelled questions read it."""
    assert len(Long(SMALL_BASE)._query(GIRL_ON_THE_BRIDGE).words) >= Long.LONG_FROM
    assert _bridge_belief(GIRL_ON_THE_BRIDGE) >= Long.LONG_LEARNT_SURE_AT
    result = Long(SMALL_BASE, questions=BRIDGE).search(GIRL_ON_THE_BRIDGE)
    assert result.matches[0].entry.id == "mental-health"
    assert result.status == "confident"


def test_a_long_situation_the_learnt_opinion_is_less_sure_of_is_led_by_its_topic_as_a_choice() -> (
    None
):
    class LessSure(Long):
        LONG_LEARNT_SURE_AT = _bridge_belief(GIRL_ON_THE_BRIDGE) + 1e-9

    result = LessSure(SMALL_BASE, questions=BRIDGE).search(GIRL_ON_THE_BRIDGE)
    assert result.matches[0].entry.id == "mental-health"
    assert result.status == "ambiguous"


def test_a_message_the_learnt_opinion_reads_as_off_topic_keeps_the_search_order(
    learnt: Matcher, search_leads: Matcher
) -> None:
    """Admin sharing an entry's words ("social worker") is never led to guidance by it."""
    said = "my taser refresher training is next week, refer the social worker"
    assert learnt.learnt is not None
    belief = learnt.learnt.probabilities(learnt._query(said).words)
    assert max(belief, key=belief.__getitem__) == OFF_TOPIC
    for matcher in (learnt, Long(SMALL_BASE, questions=BRIDGE)):
        result = matcher.search(said)
        assert result.matches == search_leads.search(said).matches
        assert result.status != "confident"


def test_a_vetoed_leader_gives_way_to_a_runner_up_the_labelled_questions_are_sure_of(
    learnt: Matcher,
) -> None:
    """Within 30 points, the topic the labelled questions are sure of goes first, and is sure."""
    said = "boy in crisis on the bridge, refer?"
    plain = Matcher(SMALL_BASE).search(said)
    assert plain.status == "confident"
    assert [match.entry.id for match in plain.matches[:2]] == ["referral", "mental-health"]
    result = learnt.search(said)
    assert result.status == "confident"
    assert [match.entry.id for match in result.matches[:2]] == ["mental-health", "referral"]


def test_the_learnt_opinion_leaves_clear_answers_and_nothing_alone(learnt: Matcher) -> None:
    assert learnt.search("mental health crisis refer").status == "confident"
    assert learnt.search("s136").status == "confident"
    assert learnt.search("order a pizza").status == "none"


def test_a_message_most_like_an_off_topic_one_is_recognised() -> None:
    model = LearntTopics(
        [
            (normalised_words("refresher training on the s136 powers"), ("mental-health",)),
            (normalised_words("my taser refresher training is next week"), (OFF_TOPIC,)),
        ],
        ("mental-health", OFF_TOPIC),
        remembered=2,
    )
    assert model.nearest_off_topic(normalised_words("taser refresher training next month"))
    assert not model.nearest_off_topic(normalised_words("s136 powers for a teen"))


def test_officers_questions_weigh_more_than_an_entrys_own_wording() -> None:
    """A topic's prototype leans towards how officers ask, not how its entry is written."""
    examples = [
        (normalised_words("section 136 place of safety powers"), ("mental-health",)),
        (normalised_words("make a referral to the crisis team"), ("referral",)),
        (normalised_words("lad on the bridge in crisis"), ("mental-health",)),
    ]
    asked = normalised_words("boy on the bridge in crisis")

    def sure(weight: float) -> float:
        model = LearntTopics(
            examples, ("mental-health", "referral"), remembered=1, remembered_weight=weight
        )
        return model.probabilities(asked)["mental-health"]

    assert sure(2.0) > sure(1.0) > 0.5


def test_every_shipped_question_is_learnt_from() -> None:
    """No question is dropped for naming a topic the taxonomy lacks (a renamed id, a slip)."""
    shipped = shipped_knowledge()
    assert shipped.directory is not None
    raw = read_yaml((shipped.directory / QUESTIONS_FILE).read_text(encoding="utf-8"))
    questions = read_questions(shipped.directory, shipped.taxonomy.topics)
    assert questions is not None
    assert len(questions.labelled) == len(raw["questions"]) >= 600
    assert len(questions.off_topic) == len(raw["off_topic"]) >= 100
    assert shipped.matcher.learnt is not None


def test_a_folder_without_questions_learns_nothing(tmp_path: Path) -> None:
    assert read_questions(tmp_path, ["neglect"]) is None


# Officers who say "juvenile" and "domestic" together in these labelled questions are asking
# about an appropriate adult for the child arrested, not about the domestic.
ARRESTED_AT_A_DOMESTIC = LabelledQuestions(
    labelled=(
        ("juvenile arrested at a domestic, needs someone with him", ("appropriate-adult",)),
        ("juvenile in custody for a domestic, parents wont come", ("appropriate-adult",)),
        ("juvenile detained after a domestic, who sits in", ("appropriate-adult",)),
        ("juvenile nicked for a domestic at home", ("appropriate-adult",)),
        ("hasnt come home from school", ("missing-child",)),
    ),
    off_topic=("my taser refresher training is next week",),
)


def test_a_close_runner_up_the_learnt_opinion_is_sure_of_goes_first() -> None:
    """Scores 3 points apart cannot tell the entries apart; the labelled questions can."""
    said = "juvenile saw the domestic"
    plain = Matcher(SMALL_BASE).search(said, limit=3)
    assert plain.status == "ambiguous"
    assert [match.entry.id for match in plain.matches[:2]] == [
        "domestic-abuse",
        "appropriate-adult",
    ]
    learnt = Matcher(SMALL_BASE, questions=ARRESTED_AT_A_DOMESTIC).search(said, limit=3)
    assert learnt.status == "confident"
    # Reordered, not rescored: the set of entries offered is the same, each keeps its score.
    assert [match.entry.id for match in learnt.matches[:2]] == [
        "appropriate-adult",
        "domestic-abuse",
    ]
    assert {(m.entry.id, m.score) for m in learnt.matches} == {
        (m.entry.id, m.score) for m in plain.matches
    }


# Officers in these labelled questions who say "crisis" and "refer" together are asking about
# the child's mental health, not about a referral.
CRISIS_REFER = LabelledQuestions(
    labelled=tuple((text, ("mental-health",)) for text in ("crisis, refer?", "crisis refer")),
)


def test_a_runner_up_the_learnt_odds_favour_enough_goes_first() -> None:
    """15 points behind: the learnt opinion's odds outweigh the gap, so the runner-up leads."""
    said = "crisis, refer"
    plain = Matcher(SMALL_BASE).search(said, limit=3)
    top, runner_up = plain.matches[:2]
    assert (top.entry.id, runner_up.entry.id) == ("referral", "mental-health")
    # Beyond the window in which a runner-up the learnt opinion is sure of is promoted...
    assert Matcher.LEARNT_PROMOTE_WITHIN < top.score - runner_up.score < Matcher.LEARNT_ODDS_WITHIN
    matcher = Matcher(SMALL_BASE, questions=CRISIS_REFER)
    assert matcher.learnt is not None
    belief = matcher.learnt.probabilities(normalised_words(said))
    # ...but within what the odds can make up: 5 points for each factor of e.
    gained = Matcher.LEARNT_ODDS_POINTS * math.log(belief["mental-health"] / belief["referral"])
    assert gained > top.score - runner_up.score
    result = matcher.search(said, limit=3)
    assert [match.entry.id for match in result.matches[:2]] == ["mental-health", "referral"]
    # Reordered, not rescored; sure, as the learnt opinion's belief is over the bar.
    assert result.matches[0].score == runner_up.score
    assert belief["mental-health"] >= Matcher.REORDERED_SURE_AT
    assert result.status == "confident"


def test_a_runner_up_put_first_by_the_odds_below_the_bar_is_offered_as_a_choice() -> None:
    """The two readings disagreed: only a belief of at least the bar makes the new leader sure."""

    class Cautious(Matcher):
        REORDERED_SURE_AT = 1.01
        SHORT_LEARNT_SURE_AT = 1.01

    result = Cautious(SMALL_BASE, questions=CRISIS_REFER).search("crisis, refer", limit=3)
    assert [match.entry.id for match in result.matches[:2]] == ["mental-health", "referral"]
    assert result.status == "ambiguous"


def test_a_runner_up_far_behind_is_not_put_first_however_sure_the_learnt_opinion() -> None:
    """Beyond the odds' window the search's own reading stands: the learnt opinion only tempers.

    The shipped window is 30 points; narrowed here so that the small base can show it.
    """

    class Narrow(SearchLeads):
        LEARNT_ODDS_WITHIN = 10.0

    said = "crisis, refer"
    plain = Matcher(SMALL_BASE).search(said, limit=3)
    assert plain.matches[0].score - plain.matches[1].score > Narrow.LEARNT_ODDS_WITHIN
    result = Narrow(SMALL_BASE, questions=CRISIS_REFER).search(said, limit=3)
    assert result.matches[0].entry.id == plain.matches[0].entry.id == "referral"


def test_the_averages_are_corrected_on_the_questions_they_misread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Entries about recording a decision say "decision" and "signed off" more than the one
    officers' question about a supervisor's review does: averaged, the prototypes read that
    question (and others worded like it) as recording; corrected on it, as review."""
    examples = [
        (normalised_words("record the decision and the reasons for the decision"), ("recording",)),
        (normalised_words("write down the decision you made"), ("recording",)),
        (normalised_words("record who made the decision and when"), ("recording",)),
        (normalised_words("the decision log is signed off and kept"), ("recording",)),
        (normalised_words("skipper decision recorded"), ("recording",)),
        (normalised_words("supervisor reviews the plan"), ("review",)),
        (normalised_words("sergeant checks the risk assessment"), ("review",)),
        (normalised_words("inspector looks again at the case"), ("review",)),
        (normalised_words("the inspector reviews it within the hour"), ("review",)),
        (normalised_words("decision signed off by the skipper"), ("review",)),
    ]

    def first_topic(said: str) -> str:
        model = LearntTopics(examples, ("recording", "review"), remembered=1)
        belief = model.probabilities(normalised_words(said))
        return max(belief, key=belief.__getitem__)

    asked, reworded = "decision signed off by the skipper", "skipper signed off my decision"
    corrected = (first_topic(asked), first_topic(reworded), first_topic("record the decision"))
    monkeypatch.setattr(learnt_module, "REFINE_PASSES", 0)
    averaged = (first_topic(asked), first_topic(reworded), first_topic("record the decision"))
    assert averaged == ("recording", "recording", "recording")
    assert corrected == ("review", "review", "recording")


def test_a_leader_holding_one_of_two_topics_the_learnt_opinion_splits_is_sure() -> None:
    """Officers asking about a juvenile at a domestic ask about both; either entry is right.

    Here the learnt opinion gives the appropriate adult 0.84: the odds would make up the three
    points and put it first (as would the promotion of a close runner-up at 0.8), so the split
    is shown on its own, with neither reordering.
    """

    class SplitOnly(Matcher):
        LEARNT_ODDS_WITHIN = -1.0
        LEARNT_PROMOTE_AT = 1.01

    both = LabelledQuestions(
        labelled=(
            (
                "juvenile arrested at a domestic, needs someone with him",
                ("appropriate-adult", "domestic-abuse"),
            ),
            (
                "juvenile in custody for a domestic, parents wont come",
                ("appropriate-adult", "domestic-abuse"),
            ),
            ("juvenile detained after a domestic, who sits in", ("appropriate-adult",)),
        ),
    )
    said = "juvenile domestic"
    plain = Matcher(SMALL_BASE).search(said, limit=3)
    assert plain.status == "ambiguous"
    matcher = SplitOnly(SMALL_BASE, questions=both)
    assert matcher.learnt is not None
    split = matcher.learnt.probabilities(normalised_words(said))
    # The leader's topic is the learnt opinion's second, the two together nearly all of it.
    assert split["appropriate-adult"] > split["domestic-abuse"] >= Matcher.LEARNT_SPLIT_AT
    assert split["appropriate-adult"] + split["domestic-abuse"] >= Matcher.LEARNT_SPLIT_MASS
    result = matcher.search(said, limit=3)
    assert result.status == "confident"
    assert result.matches[0].entry.id == plain.matches[0].entry.id == "domestic-abuse"


# Officers describe a child who keeps leaving a care home in words the small base never uses.
RUNNING_OFF = LabelledQuestions(
    labelled=(
        ("keeps running off from the care home at night", ("missing-child",)),
        ("she keeps running off from her foster placement", ("missing-child",)),
        ("lad running off from the care home again, staff rang it in", ("missing-child",)),
        ("fridge empty and the kids are filthy", ("neglect",)),
        ("kids filthy, fridge empty, mum asleep", ("neglect",)),
    ),
)


def test_a_situation_the_base_lacks_words_for_is_answered_when_the_learnt_opinion_is_sure() -> None:
    """Under NONE_BELOW nothing fits by the entries' words; the labelled wording settles it."""
    said = "keeps running off from the care home"
    matcher = Matcher(SMALL_BASE, questions=RUNNING_OFF)
    query = matcher._query(said)
    _, scores = matcher._ranked(query)
    assert Matcher.LEARNT_RESCUE_FLOOR <= scores.lexical_best < Matcher.NONE_BELOW
    assert Matcher(SMALL_BASE).search(said).status == "none"
    assert matcher.learnt is not None
    belief = matcher.learnt.probabilities(query.words)["missing-child"]
    assert belief >= Matcher.LEARNT_RESCUE_AT
    result = matcher.search(said)
    assert result.status == "confident"
    assert result.matches[0].entry.id == "missing-child"


def test_a_message_under_the_rescue_floor_stays_none_however_sure_the_learnt_opinion() -> None:
    """A score of a point or two is one shared word: too little to lead an officer anywhere."""
    said = "fridge empty and the kids are filthy"
    matcher = Matcher(SMALL_BASE, questions=RUNNING_OFF)
    query = matcher._query(said)
    _, scores = matcher._ranked(query)
    assert scores.lexical_best < Matcher.LEARNT_RESCUE_FLOOR
    assert matcher.learnt is not None
    assert matcher.learnt.probabilities(query.words)["neglect"] >= Matcher.LEARNT_RESCUE_AT
    assert matcher.search(said).status == "none"


def test_a_rescue_the_learnt_opinion_is_not_sure_enough_of_stays_none() -> None:
    class Demanding(Matcher):
        LEARNT_RESCUE_AT = 1.01

    said = "keeps running off from the care home"
    assert Demanding(SMALL_BASE, questions=RUNNING_OFF).search(said).status == "none"


# Officers asking to refer a neglect job mean the neglect guidance first.
REFER_NEGLECT = LabelledQuestions(
    labelled=(
        ("refer the neglect job", ("neglect",)),
        ("neglect at the house, refer?", ("neglect",)),
        ("refer to the MASH", ("referral",)),
    ),
)


class AgreementOnly(Matcher):
    """The learnt opinion's own sure levels out of reach, so only its agreement can make sure."""

    LEARNT_SURE_AT = 1.01
    SHORT_LEARNT_SURE_AT = 1.01
    LONG_LEARNT_SURE_AT = 1.01


def test_a_leader_at_the_jargon_level_that_is_the_learnt_first_topic_is_sure() -> None:
    said = "refer the neglect"
    plain = Matcher(SMALL_BASE).search(said, limit=3)
    assert plain.status == "ambiguous"
    assert plain.matches[0].entry.id == "neglect"
    assert plain.matches[0].score >= Matcher.JARGON_CONFIDENT_AT
    matcher = AgreementOnly(SMALL_BASE, questions=REFER_NEGLECT)
    assert matcher.learnt is not None
    belief = matcher.learnt.probabilities(normalised_words(said))
    assert belief["neglect"] >= Matcher.LEARNT_AGREE_AT
    result = matcher.search(said, limit=3)
    assert result.status == "confident"
    assert result.matches[0].entry.id == "neglect"


def test_agreement_under_the_jargon_level_is_offered_as_a_choice() -> None:
    """A middling leader the learnt opinion only half believes in is not enough together."""
    said = "juvenile saw the domestic"
    plain = Matcher(SMALL_BASE).search(said, limit=3)
    assert plain.matches[0].entry.id == "domestic-abuse"
    assert plain.matches[0].score < Matcher.AGREED_FIRST_AT < Matcher.JARGON_CONFIDENT_AT
    questions = LabelledQuestions(labelled=(("saw the domestic", ("domestic-abuse",)),))
    matcher = AgreementOnly(SMALL_BASE, questions=questions)
    assert matcher.learnt is not None
    assert matcher.learnt.probabilities(normalised_words(said))["domestic-abuse"] >= 0.5
    result = matcher.search(said, limit=3)
    assert result.matches[0].entry.id == "domestic-abuse"
    assert result.status == "ambiguous"


class AgreementAlone(AgreementOnly):
    """Nothing reorders the entries, so the leader is the search's own."""

    LEARNT_LEADS_AT = 1.01
    LONG_LEARNT_LEADS_AT = 1.01
    LEARNT_ODDS_WITHIN = -1.0
    LEARNT_PROMOTE_AT = 1.01
    LEARNT_SPLIT_AT = 1.01


# "misper and neglect today": the missing-child entry leads at 52, under the jargon level.
MISPER_TODAY = "misper and neglect today"


def _agreement_case(labelled: tuple[tuple[str, str], ...]) -> tuple[float, SearchResult]:
    questions = LabelledQuestions(labelled=tuple((text, (topic,)) for text, topic in labelled))
    matcher = AgreementAlone(SMALL_BASE, questions=questions)
    assert matcher.learnt is not None
    belief = matcher.learnt.probabilities(normalised_words(MISPER_TODAY))
    return belief["missing-child"], matcher.search(MISPER_TODAY, limit=3)


def test_a_leader_under_the_jargon_level_that_is_the_learnt_first_topic_is_sure() -> None:
    """The officer's situation explains less of itself to the entries; the questions read it."""
    plain = Matcher(SMALL_BASE).search(MISPER_TODAY, limit=3)
    assert plain.status == "ambiguous"
    assert plain.matches[0].entry.id == "missing-child"
    assert Matcher.AGREED_FIRST_AT <= plain.matches[0].score < Matcher.JARGON_CONFIDENT_AT
    belief, result = _agreement_case(
        (
            ("misper back today, anything else to do", "missing-child"),
            ("misper found today", "missing-child"),
            ("neglect job today", "neglect"),
        )
    )
    assert belief >= Matcher.LEARNT_AGREE_AT
    assert result.status == "confident"
    assert result.matches[0].entry.id == "missing-child"


def test_a_leader_under_the_jargon_level_the_learnt_opinion_puts_second_is_a_choice() -> None:
    belief, result = _agreement_case(
        (("misper today", "missing-child"), ("neglect today", "neglect"))
    )
    assert belief < 0.5
    assert result.matches[0].entry.id == "missing-child"
    assert result.status == "ambiguous"


def test_a_leader_under_the_first_topic_bar_is_a_choice_however_the_learnt_opinion_agrees() -> None:
    class HigherBar(AgreementAlone):
        AGREED_FIRST_AT = 53.0

    questions = LabelledQuestions(
        labelled=(
            ("misper back today, anything else to do", ("missing-child",)),
            ("misper found today", ("missing-child",)),
            ("neglect job today", ("neglect",)),
        )
    )
    result = HigherBar(SMALL_BASE, questions=questions).search(MISPER_TODAY, limit=3)
    assert result.matches[0].entry.id == "missing-child"
    assert result.status == "ambiguous"


class LongSituations(AgreementAlone):
    """The short-message bar out of reach, so only the long-situation bar can make it sure.

    The small base's leader scores 52: the long bar is set under that and the first-topic bar
    over it, and "long" made four words, the length of the message, to test the rule's logic.
    """

    AGREED_FIRST_AT = 53.0
    LONG_AGREED_FIRST_AT = 50.0
    LONG_FROM = 4


AGREEING = (
    ("misper back today, anything else to do", "missing-child"),
    ("misper found today", "missing-child"),
    ("neglect job today", "neglect"),
)


def _long_case(matcher_class: type[Matcher], labelled: tuple[tuple[str, str], ...]) -> SearchResult:
    questions = LabelledQuestions(labelled=tuple((text, (topic,)) for text, topic in labelled))
    return matcher_class(SMALL_BASE, questions=questions).search(MISPER_TODAY, limit=3)


def test_a_long_situation_whose_leader_is_the_learnt_first_topic_is_sure_from_a_lower_score() -> (
    None
):
    """A long message explains less of itself to the entries; the questions still read it."""
    result = _long_case(LongSituations, AGREEING)
    assert result.matches[0].entry.id == "missing-child"
    assert result.matches[0].score >= LongSituations.LONG_AGREED_FIRST_AT
    assert result.matches[0].score < LongSituations.AGREED_FIRST_AT
    assert result.status == "confident"


def test_a_shorter_message_at_the_same_score_is_still_a_choice() -> None:
    class Shorter(LongSituations):
        LONG_FROM = 5

    result = _long_case(Shorter, AGREEING)
    assert result.matches[0].entry.id == "missing-child"
    assert result.status == "ambiguous"


def test_a_long_situation_the_learnt_opinion_reads_weakly_is_still_a_choice() -> None:
    class Doubting(LongSituations):
        LONG_AGREE_AT = 0.95

    result = _long_case(Doubting, AGREEING)
    assert result.matches[0].entry.id == "missing-child"
    assert result.status == "ambiguous"


# Officers ask when to write up in words the small base's recording entry never uses.
NOTES_LATER = LabelledQuestions(
    labelled=(
        ("ok to do my notes at the end of the week", ("recording",)),
        ("can my notes wait till im back on days", ("recording",)),
        ("notes at the end of the set of shifts, is that ok", ("recording",)),
        ("hasnt come home from school", ("missing-child",)),
    ),
    off_topic=("when is my annual leave year end",),
)


class NoOffer(SearchLeads):
    """The learnt opinion never offers a topic: the order the search and its rules give."""

    LEARNT_OFFER_AT = 1.01


def test_the_learnt_first_topic_missing_from_the_three_shown_takes_the_third_place() -> None:
    """A situation told without the topic's words still shows the topic among the three."""
    said = "police protection and a domestic and a missing kid, can my notes wait till the end"
    plain = NoOffer(SMALL_BASE, questions=NOTES_LATER).search(said, limit=3)
    assert len(plain.matches) == 3
    assert "recording" not in [match.entry.id for match in plain.matches]
    matcher = SearchLeads(SMALL_BASE, questions=NOTES_LATER)
    assert matcher.learnt is not None
    belief = matcher.learnt.probabilities(normalised_words(said))
    assert max(belief, key=belief.__getitem__) == "recording"
    assert belief["recording"] >= Matcher.LEARNT_OFFER_AT
    result = matcher.search(said, limit=3)
    assert result.matches[2].entry.id == "recording"
    # The first two and the status are the search's own: the offer never makes anything sure.
    assert result.matches[:2] == plain.matches[:2]
    assert result.status == plain.status


def test_a_learnt_first_topic_under_the_offer_bar_is_not_offered() -> None:
    said = "police protection and a domestic and a missing kid, can my notes wait till the end"
    matcher = Matcher(SMALL_BASE, questions=NOTES_LATER)
    assert matcher.learnt is not None
    belief = matcher.learnt.probabilities(normalised_words(said))["recording"]

    class JustOver(SearchLeads):
        LEARNT_OFFER_AT = belief + 0.01

    result = JustOver(SMALL_BASE, questions=NOTES_LATER).search(said, limit=3)
    assert "recording" not in [match.entry.id for match in result.matches]


def test_a_topic_already_shown_or_off_topic_is_not_offered() -> None:
    matcher = Matcher(SMALL_BASE, questions=NOTES_LATER)
    shown = matcher.search("write up my notes, they can wait till the end of the week", limit=3)
    assert [match.entry.id for match in shown.matches].count("recording") == 1
    said = "when is my annual leave year end"
    assert matcher.learnt is not None
    belief = matcher.learnt.probabilities(normalised_words(said))
    assert max(belief, key=belief.__getitem__) == OFF_TOPIC
    plain = NoOffer(SMALL_BASE, questions=NOTES_LATER).search(said, limit=3)
    assert matcher.search(said, limit=3).matches == plain.matches


# The labelled questions read "can my notes wait" as recording, second to the domestic.
DOMESTIC_NOTES = "PPO and a domestic, kid missing, can my notes wait"


def _second_belief() -> float:
    matcher = Matcher(SMALL_BASE, questions=NOTES_LATER)
    assert matcher.learnt is not None
    belief = matcher.learnt.probabilities(matcher._query(DOMESTIC_NOTES).words)
    ordered = sorted(belief, key=belief.__getitem__, reverse=True)
    assert ordered[:2] == ["domestic-abuse", "recording"]
    return belief["recording"]


def test_the_learnt_second_topic_missing_from_the_three_shown_takes_a_place_it_lacks() -> None:
    """A message with two topics shows both: the learnt opinion reads the second too."""

    class OffersSecond(Matcher):
        LEARNT_SECOND_OFFER_AT = _second_belief() - 1e-9

    plain = NotSecond(SMALL_BASE, questions=NOTES_LATER).search(DOMESTIC_NOTES, limit=3)
    assert "recording" not in [match.entry.id for match in plain.matches]
    result = OffersSecond(SMALL_BASE, questions=NOTES_LATER).search(DOMESTIC_NOTES, limit=3)
    # The third card carried neither of the learnt opinion's two topics: it gives way.
    assert [match.entry.id for match in result.matches] == [
        *(match.entry.id for match in plain.matches[:2]),
        "recording",
    ]
    assert result.status == plain.status


class NotSecond(Matcher):
    """The learnt opinion never offers its second topic."""

    LEARNT_SECOND_OFFER_AT = 1.01


def test_a_learnt_second_topic_under_its_offer_bar_is_not_offered() -> None:
    class JustOver(Matcher):
        LEARNT_SECOND_OFFER_AT = _second_belief() + 1e-9

    result = JustOver(SMALL_BASE, questions=NOTES_LATER).search(DOMESTIC_NOTES, limit=3)
    plain = NotSecond(SMALL_BASE, questions=NOTES_LATER).search(DOMESTIC_NOTES, limit=3)
    assert result.matches == plain.matches
