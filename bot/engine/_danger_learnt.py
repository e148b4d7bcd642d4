"""A second opinion on danger now, learnt from officers' messages already labelled.

The cues read danger through words a trainer wrote down; a fresh writer tells the same danger
in words no cue holds ("his car has just pulled up", "shes gone a funny colour"). The
evaluation sets already read for development hold thousands of messages labelled danger or
ordinary, in many writers' words: a classifier learnt from them recognises the wording of
danger, where the cues recognise its parts. How its opinion is combined with the cues' is
``learnt_says`` in :mod:`bot.engine._danger`.

It reads the message as the cues do (their words, typos of cue words mended, shorthand
expanded, "um" and "er" dropped), so both judge the same thing: word stems, pairs of
neighbouring stems within a clause, and character n-grams of the words, each family scaled to
its share and weighted by TF-IDF, then a logistic regression, trained by full-batch gradient
descent (Adam) in numpy in a few seconds when the cues are compiled, and cached with them.
scikit-learn would do the same with a larger install and a slower start-up; numpy is there.

Nothing an officer types is kept: a message's features are made, scored and dropped, and the
model holds only what it was trained on (the shipped examples' feature weights). It holds
even those features by a 64-bit hash, in one sorted array, not as strings: the engine cache
written to disk then holds no word of any example (an example may name a person, and the
leak tests scan every byte written for names), and the memory-walk privacy test meets one
array, not a string per n-gram.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import pairwise

import numpy as np

from bot.last_built import LastBuilt, settings_of

CHAR_SIZES = (3, 4, 5)
"""Lengths of the character n-grams taken from each word (its boundaries marked)."""

WORD_SHARE = 1.0
PAIR_SHARE = 1.0
CHAR_SHARE = 1.0
"""Each family's weight in a message's vector before IDF weighting."""

ROUNDS = 120
STEP = 0.2
SHRINK = 1e-5
"""Training: gradient steps, Adam's step size and the L2 penalty. Chosen leave-one-set-out
over the read sets (3 December 2026; ``benchmarks/bench_danger_learnt.py``): fewer rounds or a
larger penalty leave the probabilities timid (a danger line at 0.6), more change little."""

REFITS = 2
REFIT_ROUNDS = 40
REFIT_MARGIN = 0.3
REFIT_WEIGHT = 2.0
"""Learning again what was learnt too timidly. A labelled message may come with the line its
probability must be read past for the cues and the learnt opinion together to read it as
labelled (over the line to raise danger the cues found no word of, under the line to set aside
the cues' danger): after the first rounds, each still within ``REFIT_MARGIN`` (in log-odds: 0.3
is 0.87 to 0.92 about 0.9, 0.05 to 0.09 about 0.07) of the wrong side
counts ``REFIT_WEIGHT`` times more for ``REFIT_ROUNDS`` further rounds, ``REFITS`` times.
Without it a message read for development sat at 0.90 or 0.91 and fell under the line when
another set was learnt (three danger lines of the read sets lost when set ``an`` was added, 5
December 2026): reading more sets must not cost a line already read."""


Word = tuple[str, str, int]
"""A word as the cues read it: as said (mended), its stem, and its clause's number."""


def features(said: Sequence[Word]) -> dict[str, float]:
    """The message's n-grams with their (log-damped) counts times their family's share."""
    counts: Counter[str] = Counter()
    for _, stem, _ in said:
        counts["w " + stem] += 1
    pairs: Counter[str] = Counter(
        "p " + a[1] + " " + b[1] for a, b in pairwise(said) if a[2] == b[2]
    )
    chars: Counter[str] = Counter(
        "c " + marked[i : i + size]
        for text, _, _ in said
        for marked in ("<" + text + ">",)
        for size in CHAR_SIZES
        for i in range(max(len(marked) - size + 1, 0))
    )
    found: dict[str, float] = {}
    for share, family in ((WORD_SHARE, counts), (PAIR_SHARE, pairs), (CHAR_SHARE, chars)):
        for feature, times in family.items():
            found[feature] = share * (1.0 + math.log(times))
    return found


def _key(feature: str) -> int:
    """A feature's stable 64-bit hash (Python's own ``hash`` of a string changes per process)."""
    return int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "little")


_last_trained: LastBuilt[LearntDanger] = LastBuilt()


Example = tuple[Sequence[Word], bool, float | None]
"""A labelled message: its words, whether it is danger, and the line its probability must be
read past (over it for danger, under it for ordinary), or None where the learnt opinion has no
say on it (the cues decide: a plea for help, a short message, danger set aside as over)."""


def trained(examples: Iterable[Example]) -> LearntDanger:
    """A model trained on ``examples``: the one trained last when nothing it learns from changed.

    Training takes seconds; a process that builds the engine again from the same examples (the
    cues recompiled after a flow or knowledge edit, each test that builds its own) reuses the
    model (see :mod:`bot.last_built`: by a digest, with the training settings). The model is
    never changed once trained, so engines can share it.
    """
    listed = [(tuple(said), danger, line) for said, danger, line in examples]
    return _last_trained.get(lambda: LearntDanger(listed), settings_of(globals()), listed)


class LearntDanger:
    """The probability that a message tells of danger now, learnt from labelled messages.

    Args:
        examples: each labelled message's words as the cues read them, whether it is danger
            (True) or ordinary (False), and optionally the line it must be read past
            (:data:`Example`).
    """

    def __init__(self, examples: Iterable[Example | tuple[Sequence[Word], bool]]) -> None:
        raw: list[dict[str, float]] = []
        labels: list[float] = []
        lines: list[float] = []
        for said, danger, *line in examples:
            found = features(said)
            if found:
                raw.append(found)
                labels.append(1.0 if danger else 0.0)
                lines.append(math.nan if not line or line[0] is None else line[0])
        frequency: Counter[int] = Counter(_key(f) for found in raw for f in found)
        self._keys = np.array(sorted(frequency), dtype=np.uint64)
        count = len(raw)
        self._idf = np.array(
            [math.log((1.0 + count) / (1.0 + frequency[int(k)])) + 1.0 for k in self._keys]
        )
        self._weights = np.zeros(len(self._keys))
        self._bias = 0.0
        if count and 0 < sum(labels) < count:
            self._train(raw, np.array(labels), np.array(lines))

    def _vector(self, found: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and L2-normalised TF-IDF values of the features the model knows."""
        if not found or not len(self._keys):
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        keys = np.fromiter((_key(f) for f in found), dtype=np.uint64, count=len(found))
        values = np.fromiter(found.values(), dtype=np.float64, count=len(found))
        cols = np.minimum(np.searchsorted(self._keys, keys), len(self._keys) - 1)
        known = self._keys[cols] == keys
        if not known.any():
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        cols, values = cols[known].astype(np.int64), values[known]
        values *= self._idf[cols]
        return cols, values / np.linalg.norm(values)

    def _train(
        self, raw: Sequence[dict[str, float]], labels: np.ndarray, lines: np.ndarray
    ) -> None:
        """Logistic regression over the sparse examples, by full-batch Adam.

        Then refitted (:data:`REFITS`) on those read too near the wrong side of their line.
        """
        rows_, cols_, values_ = [], [], []
        for row, found in enumerate(raw):
            c, v = self._vector(found)
            rows_.append(np.full(len(c), row, dtype=np.int64))
            cols_.append(c)
            values_.append(v)
        rows, cols, values = np.concatenate(rows_), np.concatenate(cols_), np.concatenate(values_)
        count, width = len(raw), len(self._keys)
        weights = np.zeros(width)
        bias = 0.0
        moment, energy = np.zeros(width), np.zeros(width)
        bias_moment = bias_energy = 0.0
        counts = np.ones(count)
        with np.errstate(divide="ignore", invalid="ignore"):
            bounds = np.log(lines / (1.0 - lines))  # each line in log-odds, NaN where none
        danger = labels > 0.5
        schedule = [ROUNDS] + [REFIT_ROUNDS] * REFITS
        step = 0
        for stage, rounds in enumerate(schedule):
            if stage:
                scores = np.bincount(rows, weights=values * weights[cols], minlength=count) + bias
                timid = np.where(
                    danger, scores < bounds + REFIT_MARGIN, scores >= bounds - REFIT_MARGIN
                )
                counts = np.where(timid, counts * REFIT_WEIGHT, counts)
            share = counts / counts.sum()
            for _ in range(rounds):
                step += 1
                scores = np.bincount(rows, weights=values * weights[cols], minlength=count) + bias
                error = (1.0 / (1.0 + np.exp(-scores)) - labels) * share
                gradient = (
                    np.bincount(cols, weights=values * error[rows], minlength=width)
                    + SHRINK * weights
                )
                bias_gradient = float(error.sum())
                moment = 0.9 * moment + 0.1 * gradient
                energy = 0.999 * energy + 0.001 * gradient * gradient
                bias_moment = 0.9 * bias_moment + 0.1 * bias_gradient
                bias_energy = 0.999 * bias_energy + 0.001 * bias_gradient * bias_gradient
                first, second = 1 - 0.9**step, 1 - 0.999**step
                weights -= STEP * (moment / first) / (np.sqrt(energy / second) + 1e-8)
                bias -= STEP * (bias_moment / first) / (math.sqrt(bias_energy / second) + 1e-8)
        self._weights, self._bias = weights, bias

    def probability(self, said: Sequence[Word]) -> float:
        """How likely the message is danger now, from 0 to 1 (0.5 when nothing is known)."""
        cols, values = self._vector(features(said))
        score = float(values @ self._weights[cols]) + self._bias
        return 1.0 / (1.0 + math.exp(-max(min(score, 40.0), -40.0)))
