"""A flow's phrases, read once when the flows are compiled, and matched against answers.

Options, checklist points and confirm answers are recognised by their phrases ("first aid",
"nan", "not safe"). Everything the matcher needs to know about a phrase (its words, stems,
negation, the scorer that mends a message against it) is worked out in :func:`phrase` at
compile time and kept in the compiled flow. Reading an officer's message then only compares:
nothing is built or cached beyond the message's own :class:`Heard` (its phrase scores, worked
out once for every point that asks), which is dropped with it, so no cache can grow with, or
keep, what an officer typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz import fuzz, process

from bot.engine._negation import (
    DENIAL_WORDS,
    FINDING_CUES,
    NEGATION_WORDS,
    Cues,
    cue_after,
    cue_before,
    negation_in,
)
from bot.engine._words import Word, clause_words, stem_of, typo_of, words
from bot.knowledge import PhraseScorer, surface_words, tokens

PHRASE_THRESHOLD = 80.0
"""How well (0 to 100) an item's phrase must appear in an answer to count it covered."""

OPTION_THRESHOLD = 80.0
"""How well a typed answer must match an option's label or phrases to choose it."""

PLAUSIBLE_WORD = 70.0
"""A phrase is scored in full only when one of its words is at least this close to a word said."""

WORD_SIMILARITY = 75.0
"""How alike (0 to 100) two words must be for the matcher's phrase score to count them."""

LONG_ANSWER = 60
"""Words beyond which a phrase is scored only on the stretches of the answer near its words."""

NEAR_WORD = 60.0
"""How alike a said word must be to a phrase's word to keep the stretch around it."""

STRETCH = 4
"""Words kept either side of a word near the phrase's: room for a split or run-together word."""

FIRST_PLACES = 2
"""Stretches kept per word like the phrase's: its first places, since a word said again scores
no better."""


@dataclass(frozen=True, slots=True)
class Phrase:
    """One phrase of a flow, read once.

    Attributes:
        text: as the flow writes it.
        said: as :func:`~bot.engine._words.words` reads it (for whole-message comparisons).
        stems: its meaningful stems, in order.
        negation: the negation words it holds itself ("no injuries", "didn't want").
        lead: the small words it starts with, before its first meaningful one ("will attend").
        term: True for a term borrowed from a knowledge entry, not written for the point: it is
            weaker evidence, counting only when every meaningful word is said exactly, close
            together, and never when denied.
        scorer: mends a message against the phrase's words and scores the fit.
    """

    text: str
    said: str
    stems: tuple[str, ...]
    negation: frozenset[str]
    lead: tuple[str, ...]
    term: bool
    scorer: PhraseScorer


def phrase(text: str, *, term: bool = False) -> Phrase:
    """Read a flow's phrase once, for every message it will be compared with."""
    said = words(text)
    lead: list[str] = []
    for word in said.split():
        if stem_of(word):
            break
        lead.append(word)
    return Phrase(
        text=text,
        said=said,
        stems=tuple(tokens(text)),
        negation=frozenset(word for word in said.split() if word in NEGATION_WORDS),
        lead=tuple(lead),
        term=term,
        scorer=PhraseScorer(text),
    )


def phrases(texts: Sequence[str | Phrase]) -> tuple[Phrase, ...]:
    """Phrases as given, reading any still written as plain text (tests, a one-off check)."""
    return tuple(item if isinstance(item, Phrase) else phrase(item) for item in texts)


Options = Sequence[tuple[str, Sequence[str | Phrase]]]
"""Option or point ids, each with the phrases that name it."""


@dataclass(frozen=True)
class Heard:
    """One answer, normalised once, for scoring against many phrases."""

    text: str
    words: frozenset[str]
    joined: str

    @classmethod
    def of(cls, text: str) -> Heard:
        """Read a message once for every phrase it is compared with."""
        found = tokens(text)
        return cls(text, frozenset(found), " ".join(found))

    @cached_property
    def surface(self) -> tuple[str, ...]:
        """The answer split into words once, for every phrase's mender to start from."""
        return tuple(surface_words(self.text))

    @cached_property
    def places(self) -> dict[str, list[int]]:
        """Where each different word of the answer stands (for long answers only)."""
        found: dict[str, list[int]] = {}
        for at, word in enumerate(self.surface):
            found.setdefault(word, []).append(at)
        return found

    @cached_property
    def different(self) -> tuple[str, ...]:
        """Each different word of the answer once, for finding the ones like a phrase's."""
        return tuple(self.places)

    def near(self, wanted: Sequence[str]) -> tuple[str, ...]:
        """The answer's words around those like a phrase's, in order; all of a short answer.

        A phrase's score only ever rests on the said words like its own and their neighbours
        (a word split or run together is mended with the next one), so in a long answer the
        rest is left out before mending: a 4,096-character message is mended once per phrase
        over a few stretches, not over every word.
        """
        if len(self.surface) <= LONG_ANSWER:
            return self.surface
        keep: set[int] = set()
        for word in wanted:
            for said, _, _ in process.extract(
                word, self.different, scorer=fuzz.ratio, score_cutoff=NEAR_WORD, limit=None
            ):
                for at in self.places[said][:FIRST_PLACES]:
                    keep.update(range(max(0, at - STRETCH), at + STRETCH + 1))
        return tuple(self.surface[at] for at in sorted(keep) if at < len(self.surface))

    @cached_property
    def placed(self) -> tuple[Word, ...]:
        """The answer's words with their clauses, worked out only once a phrase matches."""
        return clause_words(self.text)

    @cached_property
    def scores(self) -> dict[int, tuple[Phrase, float]]:
        """Each phrase's score against this answer, by the phrase's id, once it is worked out.

        A point's phrases are read with the action cues and again with the finding cues, and a
        score does not depend on the cues. The phrase is kept with its score so that its id
        cannot pass to another phrase while this answer is read.
        """
        return {}

    @cached_property
    def close_to(self) -> dict[str, bool]:
        """Whether a phrase's word is close to a word said, for each word asked about so far.

        Hundreds of phrases share their words ("mum", "child", "called"): each is compared
        with the answer's words once.
        """
        return {}


def _plausible(wanted: tuple[str, ...], heard: Heard) -> bool:
    """A cheap first look: could the full phrase score reach the threshold at all?

    Mending the text against a phrase costs a fraction of a millisecond; most phrases share no
    word at all with the answer, and skipping them keeps a free-text step fast.
    """
    if not heard.words:
        return False
    if not heard.words.isdisjoint(wanted):
        return True  # a word said exactly: its look-up below would find it
    close_to = heard.close_to
    for word in wanted:
        close = close_to.get(word)
        if close is None:
            close = close_to[word] = bool(
                process.extractOne(
                    word, heard.words, scorer=fuzz.ratio, score_cutoff=PLAUSIBLE_WORD
                )
            )
        if close:
            return True
    return fuzz.partial_ratio(" ".join(wanted), heard.joined) >= PLAUSIBLE_WORD


def score(item: Phrase, heard: Heard) -> float:
    """How well the phrase appears in the answer (0 to 100), ignoring negation."""
    known = heard.scores.get(id(item))
    if known is not None:
        return known[1]
    if not item.stems or not _plausible(item.stems, heard):
        value = 0.0
    else:
        value = item.scorer.score(heard.text, heard.near(item.scorer.expected))
    heard.scores[id(item)] = (item, value)
    return value


def _another_word(wanted: tuple[str, ...], said: Sequence[Word]) -> bool:
    """True when a phrase word looks like a said word that is neither it nor a typo of it."""
    different = dict.fromkeys(word.stem for word in said if word.stem)  # each stem once
    return any(
        fuzz.ratio(stem, target) >= WORD_SIMILARITY and not typo_of(stem, target)
        for stem in different
        for target in wanted
    )


def occurrences(
    wanted: tuple[str, ...], said: Sequence[Word], exact: bool
) -> list[tuple[int, int]]:
    """Where the phrase's words stand in the answer, as (first, last) word spans.

    Each word of the phrase is found exactly or, unless ``exact``, with a typo; found words
    standing close together form one occurrence.
    """
    hits: list[int] = []
    # Whether each different stem is one of the phrase's, worked out once: a long answer says
    # most of its words many times.
    fits: dict[str, bool] = {}
    for position, word in enumerate(said):
        if not word.stem:
            continue
        fit = fits.get(word.stem)
        if fit is None:
            fit = fits[word.stem] = any(
                word.stem == target or (not exact and typo_of(word.stem, target))
                for target in wanted
            )
        if fit:
            hits.append(position)
    found: list[tuple[int, int]] = []
    reach = len(wanted) + (1 if exact else 2)
    for position in hits:
        if (
            found
            and position - found[-1][1] <= reach
            and said[position].clause == (said[found[-1][0]].clause)
        ):
            found[-1] = (found[-1][0], position)
        else:
            found.append((position, position))
    return found


def _with_lead(item: Phrase, said: Sequence[Word], start: int) -> int:
    """Where the phrase starts when its own leading small words are said too ("will attend").

    A phrase such as "will attend" is found by "attend"; its "will" belongs to it and does not
    put it off.
    """
    begin = start - len(item.lead)
    if item.lead and begin >= 0 and tuple(w.text for w in said[begin:start]) == item.lead:
        return begin
    return start


def polarity_fits(
    item: Phrase, found: list[tuple[int, int]], said: Sequence[Word], cues: Cues
) -> bool:
    """Whether the phrase is said the way it is meant: asserted, or for a finding, denied.

    A phrase such as "ambulance" counts only where nothing denies it or puts it off ("haven't
    called an ambulance yet" does not). A phrase that itself holds a negation ("no injuries",
    "didn't want") counts only where its negation is said with it, and nothing puts it off:
    that is a finding, or a completed check, not an action left undone. When the matcher found
    the phrase but its words cannot be placed (words run together, a heavy typo), any denial
    in the answer counts against it: safety first.
    """
    negation = item.negation
    if not found:
        return not negation and not any(word.text in cues.before for word in said)
    # "no visible injuries" states what "no injuries" does: any denial will do for a denial.
    accepted = negation | DENIAL_WORDS if negation & DENIAL_WORDS else negation
    for start, end in found:
        if negation:
            # "not back yet", "no injuries yet": what follows a denial only reinforces it.
            if negation_in(said, start, end, accepted):
                return True
        elif cue_before(said, _with_lead(item, said, start), cues) is None and not cue_after(
            said, end, cues
        ):
            return True
    return False


def _span_holds(wanted: tuple[str, ...], said: Sequence[Word], span: tuple[int, int]) -> bool:
    """True when a knowledge term's words, and no others, fill this span of the answer.

    Only the meaningful words count ("body cam on" and "phones seized" hold their terms), but
    any other meaningful word in between breaks the term.
    """
    inside = [said[i].stem for i in range(span[0], span[1] + 1) if said[i].stem]
    return sorted(inside) == sorted(wanted)


def where_meant(item: Phrase, heard: Heard, *, whole: bool, cues: Cues) -> list[tuple[int, int]]:
    """Where a phrase the scores found is said the way it is meant (empty: nowhere).

    ``whole`` is True when every word of the phrase was said exactly. Otherwise the fuzzy
    score must come from typos of the phrase's own words, not from different words that look
    alike. Then the phrase must not be denied or put off (see :func:`polarity_fits`);
    knowledge terms must also be said whole and together. A phrase found but not placeable
    (words run together) gives the whole answer as its span.
    """
    said = heard.placed
    found = occurrences(item.stems, said, exact=item.term)
    if not whole and not found and _another_word(item.stems, said):
        return []
    if item.term:
        found = [span for span in found if _span_holds(item.stems, said, span)]
        if not found:
            return []
    if not polarity_fits(item, found, said, cues):
        return []
    if not found:
        return [(0, max(len(said) - 1, 0))]
    return [(start, end) for start, end in found if polarity_fits(item, [(start, end)], said, cues)]


def as_meant(item: Phrase, heard: Heard, *, whole: bool, cues: Cues) -> bool:
    """Whether a phrase the scores found is really said, the way it is meant."""
    return bool(where_meant(item, heard, whole=whole, cues=cues))


def best_option(text: str, options: Options, *, cues: Cues = FINDING_CUES) -> str | None:
    """The option a typed answer names, or None if none or several fit equally well.

    ``options`` pairs each option id with the phrases that name it (label, synonyms, slang).
    An answer that is exactly one option's phrase wins outright; this matters because fuzzy
    scoring ignores negation, so "not required" would otherwise also read as "required". After
    that, the best fuzzy score wins, a longer matching phrase breaking a tie ("bail refused"
    over "bailed"), and a real tie is refused rather than guessed.
    """
    said = words(text)
    if not said:
        return None
    compiled = [(option_id, phrases(texts)) for option_id, texts in options]
    exact = {
        option_id
        for option_id, found in compiled
        if any(said == item.said for item in found if item.said)
    }
    if len(exact) == 1:
        return exact.pop()
    heard = Heard.of(text)
    ranked: list[tuple[float, int, str]] = []
    for option_id, found in compiled:
        best = (0.0, 0)
        for item in found:
            if item.said:
                value = score(item, heard)
                if value >= OPTION_THRESHOLD and not as_meant(item, heard, whole=False, cues=cues):
                    value = 0.0
                best = max(best, (value, len(item.stems)))
        ranked.append((*best, option_id))
    ranked.sort(reverse=True)
    if not ranked or ranked[0][0] < OPTION_THRESHOLD:
        return None
    if len(ranked) > 1 and ranked[1][:2] == ranked[0][:2]:
        return None
    return ranked[0][2]


def covers(item: Phrase, heard: Heard, cues: Cues) -> list[tuple[int, int]]:
    """Where in the answer a point's phrase is said as meant (empty when it is not)."""
    if not item.stems:
        return []
    whole = heard.words.issuperset(item.stems)
    if not whole and (item.term or score(item, heard) < PHRASE_THRESHOLD):
        return []
    return where_meant(item, heard, whole=whole, cues=cues)
