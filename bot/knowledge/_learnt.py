"""A second opinion learnt from labelled questions: which taxonomy topics a message is about.

The matcher reads a message through the entries' own words; officers ask in words the entries
never use ("do I just go in", "who signs it off"). Questions that people have already labelled
with their topics carry that wording, so a classifier built from them (and from the entries'
own text, labelled with the entries' topics) recognises it. Each topic has a prototype: the
normalised sum of its examples' TF-IDF vectors over word, word-pair and character n-gram
features (a Rocchio classifier), then corrected on the officers' messages it reads wrongly
(perceptron updates, a few passes); a message's cosine similarity to each prototype, sharpened
by a softmax, is a probability per topic. It needs only numpy and is built in a second or two
with the matcher (then cached with the engine). A multinomial logistic regression trained by
gradient descent was tried first: on this 2-core machine its training took minutes, too slow
to build at start-up, so the prototypes were measured instead and kept.

Nothing is downloaded, and nothing an officer types is kept: a message is turned into
features, scored and dropped. The labelled questions are the evaluation sets already read for
development (``knowledge/questions.yaml``), never the sealed ones.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

from bot.knowledge._normalise import STOP_WORDS, content
from bot.language import YamlError, read_yaml
from bot.last_built import LastBuilt, settings_of

# Lengths of the character n-grams taken from each word (with its boundaries marked).
CHAR_SIZES = (3, 4, 5)
# Share of a message's feature weight given to each family, so that a long word's many
# character n-grams do not drown its few words.
WORD_SHARE = 0.5
PAIR_SHARE = 0.2
CHAR_SHARE = 0.3
# How sharply a closer prototype takes the probability (a softmax temperature's inverse). 40
# until the prototypes were corrected (``REFINE_PASSES``): corrected, they sit closer together,
# and 60 (with ``Matcher.LEARNT_SURE_AT`` 0.75) gave the most right answers for the fewest
# wrong ones, left out one set at a time over the ten read sets. 51 since the corrections were
# made gentler (``REFINE_RATE`` 0.05, 4 December 2026): see there.
SHARPNESS = 51.0
# How much one officer's labelled question counts in its topic's prototype, against one text
# of an entry (a title, a term, a line of guidance). An entry has dozens of texts and a topic
# only a few questions, so at equal weight the entries' wording (which officers rarely use)
# set the prototypes. Fitted leave-one-set-out over the five read sets (3 December 2026): 1.5
# to 2.5 all answer more messages confidently and rightly than 1, none more wrongly; 2 chosen.
QUESTION_WEIGHT = 2.0
# The prototypes, averages, are then corrected on the officers' own messages: each one a
# prototype of another topic reads better than (or within REFINE_MARGIN of) its own moves
# both, by REFINE_RATE of its vector, towards and away from it (a perceptron's update), for
# REFINE_PASSES passes in a fixed shuffled order. Averages let a topic whose entries share
# many words with another (recording a decision, reviewing it) draw that other's questions;
# the correction teaches the words that tell them apart. Fitted leave-one-set-out over the
# ten read sets (3 December 2026): see the notes on ``Matcher``. The rate was 0.2 until 4
# December 2026: each correction overshot, so a prototype corrected for one message misread
# others, and one question changed anywhere moved half a dozen answers elsewhere. Left out one
# set at a time over the sixteen read sets, the learnt opinion's first topic alone is right for
# 2,883 of 3,187 questions at 0.2, 2,950 at 0.1, 2,959 at 0.05 (2,962 at 0.02 with six
# passes); a margin of 0.3 rather than 0.1 adds 5, not kept. Gentler corrections leave the
# prototypes further apart, so the same ``SHARPNESS`` made the probabilities too sure (39
# confident wrong answers against 28); at 51 (0.85 of 60, chosen in all sixteen folds nested
# from 0.7 to 1.0 of 60) the matcher, left out one set at a time (``bench_learnt.py``),
# answers 2,548 -> 2,589 confidently and rightly, 34 -> 30 wrongly, top-3 3,104 -> 3,111
# (``Matcher.LEARNT_DOUBT_BELOW`` was then raised to 0.25: 2,573 right, 26 wrong).
REFINE_PASSES = 3
REFINE_RATE = 0.05
REFINE_MARGIN = 0.1
# The order the officers' messages are corrected in is shuffled with this seed, so that a
# build is always the same model.
REFINE_SEED = 7
# The label of an off-topic message: admin, chat, anything the base is not for.
OFF_TOPIC = "off-topic"
# The shipped labelled questions, next to the entries.
QUESTIONS_FILE = "questions.yaml"


@dataclass(frozen=True)
class LabelledQuestions:
    """Officers' questions with their acceptable topic ids, and off-topic messages."""

    labelled: tuple[tuple[str, tuple[str, ...]], ...] = ()
    off_topic: tuple[str, ...] = ()


def read_questions(directory: Path, topics: Iterable[str]) -> LabelledQuestions | None:
    """The knowledge folder's labelled questions, or None when it has none to learn from.

    A question whose topics are none of ``topics`` (an id since renamed) is left out rather
    than stopping the bot: it only ever teaches, never answers. A file that cannot be read is
    treated as absent for the same reason; ``tests/test_knowledge_base.py`` checks the shipped
    one reads and names only taxonomy topics.
    """
    path = directory / QUESTIONS_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    return _questions_in(text, frozenset(topics))


_last_read: LastBuilt[LabelledQuestions | None] = LastBuilt()


def _questions_in(text: str, known: frozenset[str]) -> LabelledQuestions | None:
    """The questions in the file's text; the file read last again when it has not changed.

    Thousands of questions take seconds to read as YAML 1.2, and a process that builds the
    knowledge again (after an entry is edited, or each test that builds its own) reads the same
    file (see :mod:`bot.last_built`).
    """
    return _last_read.get(lambda: _parse_questions(text, known), text, sorted(known))


def _parse_questions(text: str, known: frozenset[str]) -> LabelledQuestions | None:
    try:
        data = read_yaml(text)
    except YamlError:
        return None
    if not isinstance(data, dict):
        return None
    labelled = []
    for item in data.get("questions") or []:
        if isinstance(item, dict) and isinstance(item.get("text"), str):
            wanted = tuple(str(t) for t in item.get("topics") or [] if str(t) in known)
            if wanted:
                labelled.append((item["text"], wanted))
    off_topic = tuple(str(text) for text in data.get("off_topic") or [] if isinstance(text, str))
    return LabelledQuestions(tuple(labelled), off_topic)


def _character_grams(word: str) -> list[str]:
    """The word's character n-grams, its boundaries marked ("<kid>" gives "c <ki", ...)."""
    marked = "<" + word + ">"
    return [
        "c " + marked[i : i + size]
        for size in CHAR_SIZES
        for i in range(max(len(marked) - size + 1, 0))
    ]


def _features(words: Sequence[str], grams: dict[str, list[str]] | None = None) -> dict[str, float]:
    """The message's n-grams, each family scaled to its share (before IDF weighting).

    Args:
        words: the message's words as the matcher reads them.
        grams: each word's character n-grams already worked out, filled in as words are met:
            given only while the model is built (thousands of texts share their words), never
            while a message is read, so nothing an officer types is kept.
    """
    stems = content(words)
    characters: Counter[str] = Counter()
    for word in words:
        if word in STOP_WORDS:
            continue
        if grams is None:
            characters.update(_character_grams(word))
        else:
            if word not in grams:
                grams[word] = _character_grams(word)
            characters.update(grams[word])
    families: list[tuple[float, Counter[str]]] = [
        (WORD_SHARE, Counter("w " + token for token in stems)),
        (PAIR_SHARE, Counter("p " + a + " " + b for a, b in pairwise(stems))),
        (CHAR_SHARE, characters),
    ]
    found: dict[str, float] = {}
    for share, counts in families:
        for feature, times in counts.items():
            found[feature] = share * (1.0 + math.log(times))
    return found


_last_trained: LastBuilt[LearntTopics] = LastBuilt()


def trained(
    examples: Iterable[tuple[Sequence[str], Sequence[str]]],
    topics: Iterable[str],
    remembered: int = 0,
    remembered_weight: float = 1.0,
) -> LearntTopics:
    """:class:`LearntTopics` on these arguments: the one trained last when none of them changed.

    Training takes seconds, and a process that builds the knowledge again from the same entries
    and questions (a flow edited, each test that builds its own) would train the same opinion
    (see :mod:`bot.last_built`: by a digest, with the training settings). An opinion is never
    changed once trained, so matchers can share it.
    """
    listed = [(tuple(words), tuple(labels)) for words, labels in examples]
    wanted = tuple(topics)
    return _last_trained.get(
        lambda: LearntTopics(listed, wanted, remembered, remembered_weight),
        settings_of(globals()),
        listed,
        wanted,
        remembered,
        remembered_weight,
    )


class LearntTopics:
    """Topic probabilities for a message, from a classifier trained on labelled text.

    Args:
        examples: (the text's words as the matcher reads them, its acceptable topic ids);
            a text with several topics counts a share towards each.
        topics: every topic id the classifier may answer.
        remembered: how many of the last examples are officers' messages (questions and
            off-topic ones) kept for :meth:`nearest_off_topic`.
        remembered_weight: how much each of those counts in its topic's prototype, against
            one text of an entry (see :data:`QUESTION_WEIGHT`).
    """

    def __init__(
        self,
        examples: Iterable[tuple[Sequence[str], Sequence[str]]],
        topics: Iterable[str],
        remembered: int = 0,
        remembered_weight: float = 1.0,
    ) -> None:
        self.topics: tuple[str, ...] = tuple(sorted(set(topics)))
        column = {topic: i for i, topic in enumerate(self.topics)}
        raw: list[dict[str, float]] = []
        targets: list[list[int]] = []
        grams: dict[str, list[str]] = {}
        for words, labels in examples:
            wanted = [column[topic] for topic in labels if topic in column]
            features = _features(words, grams)
            if wanted and features:
                raw.append(features)
                targets.append(wanted)
        document_frequency: Counter[str] = Counter(f for features in raw for f in features)
        self._index: dict[str, int] = {f: i for i, f in enumerate(sorted(document_frequency))}
        count = len(raw)
        self._idf = np.array(
            [math.log((1.0 + count) / (1.0 + document_frequency[f])) + 1.0 for f in self._index],
            dtype=np.float64,
        )
        rows, cols, values = self._matrix(raw)
        target = np.zeros((count, len(self.topics)))
        first = count - min(remembered, count)
        for row, wanted in enumerate(targets):
            target[row, wanted] = (remembered_weight if row >= first else 1.0) / len(wanted)
        self._weights, self._bias = self._train(rows, cols, values, target)
        self._refine(rows, cols, values, target, first)
        # The remembered messages, column by column, and whether each is off-topic.
        kept = rows >= first
        order = np.argsort(cols[kept], kind="stable")
        self._memory_cols = cols[kept][order]
        self._memory_rows = rows[kept][order] - first
        self._memory_values = values[kept][order]
        self._memory_off = np.array(
            [OFF_TOPIC in [self.topics[i] for i in wanted] for wanted in targets[first:]],
            dtype=bool,
        )

    def _vector(self, features: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and L2-normalised TF-IDF values of the features the model knows."""
        known = [(self._index[f], v) for f, v in features.items() if f in self._index]
        if not known:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        cols = np.array([c for c, _ in known], dtype=np.int64)
        values = np.array([v for _, v in known]) * self._idf[cols]
        return cols, values / np.linalg.norm(values)

    def _matrix(self, raw: Sequence[dict[str, float]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows, cols, values = [], [], []
        for row, features in enumerate(raw):
            c, v = self._vector(features)
            rows.append(np.full(len(c), row, dtype=np.int64))
            cols.append(c)
            values.append(v)
        return np.concatenate(rows), np.concatenate(cols), np.concatenate(values)

    def _train(
        self, rows: np.ndarray, cols: np.ndarray, values: np.ndarray, target: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each topic's prototype: the normalised sum of its examples' vectors (Rocchio)."""
        width = len(self._index)
        prototypes: np.ndarray = np.stack(
            [
                np.bincount(cols, weights=values * target[rows, topic], minlength=width)
                for topic in range(target.shape[1])
            ],
            axis=1,
        )
        norms = np.linalg.norm(prototypes, axis=0)
        prototypes = prototypes / np.where(norms > 0, norms, 1.0)
        return prototypes, np.zeros(target.shape[1])

    def _refine(
        self, rows: np.ndarray, cols: np.ndarray, values: np.ndarray, target: np.ndarray, first: int
    ) -> None:
        """Correct the prototypes on the officers' messages they read wrongly (a perceptron).

        Only the remembered messages (rows from ``first``) teach here: they are the wording
        officers use, while the entries' own texts already made the averages.
        """
        weights = self._weights
        bounds = np.searchsorted(rows, np.arange(len(target) + 1))
        order = np.random.default_rng(REFINE_SEED)
        for _ in range(REFINE_PASSES):
            for row in order.permutation(np.arange(first, len(target))):
                start, end = bounds[row], bounds[row + 1]
                if start == end:
                    continue
                features, vector = cols[start:end], values[start:end]
                similarity = vector @ weights[features]
                wanted = target[row] > 0
                own = int(np.where(wanted, similarity, -np.inf).argmax())
                other = int(np.where(wanted, -np.inf, similarity).argmax())
                if similarity[other] + REFINE_MARGIN > similarity[own]:
                    weights[features, own] += REFINE_RATE * vector
                    weights[features, other] -= REFINE_RATE * vector
        norms = np.linalg.norm(weights, axis=0)
        self._weights = weights / np.where(norms > 0, norms, 1.0)

    def nearest_off_topic(self, words: Sequence[str]) -> bool:
        """Whether the remembered message most like this one is an off-topic one.

        The topic prototypes are averages, and an average of off-topic messages (admin, kit,
        chat) resembles nothing; one off-topic message ("my taser refresher training") can
        still be very like a new one, which then must not be made sure by the learnt opinion.
        """
        if not len(self._memory_off):
            return False
        cols, values = self._vector(_features(words))
        starts = np.searchsorted(self._memory_cols, cols, side="left")
        lengths = np.searchsorted(self._memory_cols, cols, side="right") - starts
        # Every stored (message, value) of every feature the message has, in one array: the
        # positions of each feature's run, laid end to end.
        runs = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        positions = runs + np.arange(int(lengths.sum()))
        similarity = np.bincount(
            self._memory_rows[positions],
            weights=np.repeat(values, lengths) * self._memory_values[positions],
            minlength=len(self._memory_off),
        )
        return bool(similarity.max() > 0 and self._memory_off[int(similarity.argmax())])

    def similarities(self, words: Sequence[str]) -> np.ndarray:
        """The message's cosine similarity to each topic's prototype, in ``topics`` order."""
        cols, values = self._vector(_features(words))
        result: np.ndarray = values @ self._weights[cols]
        return result

    def probabilities(self, words: Sequence[str]) -> dict[str, float]:
        """Each topic's probability for a message, given its words as the matcher reads them."""
        logits = SHARPNESS * self.similarities(words)
        logits -= logits.max()
        exp = np.exp(logits)
        exp /= exp.sum()
        return dict(zip(self.topics, exp.tolist(), strict=True))
