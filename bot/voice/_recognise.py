"""Speech to text, offline: the recogniser interface and pocketsphinx, taught guidebot's words.

pocketsphinx's PyPI wheel carries an English acoustic model and dictionary, so it works on a
fresh install. At start-up a trigram language model is built in memory from the domain corpus
(every answer phrase, command, flow question and knowledge entry), so decoding is open (any
word of the domain can be heard) yet leans towards what officers say here. Its best few
readings (the n-best list) go to the matcher, which biases towards the current question's
answers; the acoustic model's own probability is not trusted to tell right from wrong.
"""

from __future__ import annotations

import collections
import importlib
import io
import os
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from bot.voice._audio import RATE, Pcm
from bot.voice._domain import STEP_WEIGHT, Corpus, number_words

NBEST = 8
"""Readings kept per voice note: enough for the step bias to find a near miss."""
LANGUAGE_WEIGHT = 8.0
"""How far the language model outweighs the sounds in the decoder's first pass (pocketsphinx's
default is 6.5; its later passes keep their own 8.5 and 9.5). At 10 the first pass pruned the
right words before the lattice could weigh them ("she goes to school" heard "see goes to
scheduled", "their behaviour" as "their missing your"); at 8 no answer of the tuned voices was
lost and five were won. At 7 two more were won, but a sentence about pizza was heard with
"threat" in it, which the danger check rightly acts on: out-of-domain speech must stay
not understood (benchmarks/README.md's voice section)."""
DECODER_SETTINGS: dict[str, Any] = {"lw": LANGUAGE_WEIGHT}
"""pocketsphinx settings for the domain decoder, each measured on the voice set
(``benchmarks/bench_voice.py``)."""
FRONT_END: dict[str, str] = {}
"""Changes to the acoustic model's own front end (its ``feat.params``: ``upperf``, ``lowerf``,
``cmn``), which the model applies over any setting passed to the decoder, so they go in a copy
of that file, in memory. None is kept: see benchmarks/README.md's voice section."""
PAD_SECONDS = 0.25
"""Quiet added around a note: a recogniser misses a word that starts on the first sample."""


class RecogniserError(Exception):
    """A recogniser could not be set up; the message says what to install or configure."""


@dataclass(frozen=True)
class Transcript:
    """What a recogniser heard: its best reading, its confidence (0 to 1) and other readings."""

    text: str
    confidence: float
    alternatives: tuple[str, ...] = ()


class Recogniser(Protocol):
    """Anything that turns 16 kHz mono speech into text (pocketsphinx, vosk, faster-whisper)."""

    name: str

    def transcribe(self, pcm: Pcm, hints: Sequence[str] = ()) -> Transcript:
        """What was said; ``hints`` are phrases likely here, which an engine may favour."""
        ...


# -- pocketsphinx ------------------------------------------------------------------------------


def spoken_words(sentence: str) -> list[str]:
    """A corpus sentence as words a speaker says: digits in words, section numbers split.

    A "t" left by an apostrophe typed as a space ("don t know", "haven t", kept in the answer
    lists for typed text) is joined back ("dont know"): nobody says "t", and as a word of the
    model it turned up in readings of other speech ("t goes to school"). A section typed as
    officers type it ("s47") is said as one ("section forty seven").
    """
    out: list[str] = []
    last = ""
    for word in sentence.split():
        section = re.fullmatch(r"s(\d{1,3})([a-z]?)", word)
        match = re.fullmatch(r"(\d{1,4})([a-z]*)", word)
        if section:  # "s47" is said "section forty seven"
            out.extend(["section", *number_words(int(section.group(1))).split()])
            out.extend(section.group(2))
        elif match:
            out.extend(number_words(int(match.group(1))).split())
            if match.group(2):
                out.extend(match.group(2))
        elif word == "t" and last.endswith("n") and out:
            out[-1] += "t"
        else:
            out.append(word)
        last = word
    return out


def build_arpa(corpus: Corpus, known: set[str]) -> str:
    """A trigram model (ARPA text) of the corpus, its words limited to ``known`` ones."""
    from pocketsphinx.lm import ArpaBoLM

    counts = collections.Counter(corpus.sentences)
    model = ArpaBoLM()
    for sentence, times in counts.items():
        words = ["<s>", *(w for w in spoken_words(sentence) if w in known), "</s>"]
        if len(words) == 2:
            continue
        for index, word in enumerate(words):
            model.grams_1[word] += times
            if index + 1 < len(words):
                model.grams_2[word][words[index + 1]] += times
                if index + 2 < len(words):
                    model.grams_3[word][words[index + 1]][words[index + 2]] += times
    model.compute()
    text = io.StringIO()
    model.write(text)
    return text.getvalue()


class PocketsphinxRecogniser:
    """pocketsphinx with the wheel's English model, taught guidebot's domain.

    With a ``corpus``, the pronunciation dictionary is cut down to the domain's words (read
    from the wheel's CMUdict, kept in memory) and a trigram model of the corpus is the open
    search. With a ``step_corpus`` as well, each question with set answers gets its own small
    model, built on first use (a few hundredths of a second) and kept: the step corpus (every
    answer and command, the menu and the knowledge titles, so other speech still has words to
    fall into) with the question's own phrases counted far more often. That is the step bias.

    An ``adaptation`` is an MLLR transform of the acoustic model's means, which pocketsphinx
    applies at load time (``scripts/adapt_acoustic.py`` makes one from a voice set). None ships:
    made from one tuning set and judged on the other, it won no voices over as a whole and
    took more answers wrong or lost knowledge questions (benchmarks/README.md, bench_voice),
    so it is a seam to measure one with (``bench_voice.py --adaptation``).

    One decoder, one voice note at a time (a lock): the Telegram channel runs it in a worker
    thread.

    Raises:
        RecogniserError: pocketsphinx is not installed, or the adaptation named is missing.
    """

    name = "pocketsphinx"

    def __init__(
        self,
        corpus: Corpus | None = None,
        step_corpus: Corpus | None = None,
        adaptation: Path | None = None,
    ) -> None:
        try:
            import pocketsphinx
        except ImportError as error:
            raise RecogniserError(
                "pocketsphinx is not installed. Run: pip install pocketsphinx"
            ) from error
        self._ps = pocketsphinx
        self._lock = threading.Lock()
        self._steps: dict[tuple[str, ...], str] = {}
        self._step_corpus = step_corpus
        self.domain = corpus is not None
        adapted = {} if adaptation is None else {"mllr": str(_transform(adaptation))}
        if corpus is None:
            self._decoder = pocketsphinx.Decoder(
                samprate=RATE, loglevel="FATAL", bestpath=True, **adapted
            )
            self._known: set[str] = set()
            self._cmn = self._decoder.get_cmn()
            return
        words = {w for sentence in corpus.sentences for w in spoken_words(sentence)}
        if step_corpus is not None:
            words |= {w for sentence in step_corpus.sentences for w in spoken_words(sentence)}
        fd = _memory_file("guidebot-dictionary", _dictionary(pocketsphinx, words))
        front = _memory_file("guidebot-front-end", _front_end(pocketsphinx, FRONT_END))
        try:
            self._decoder = pocketsphinx.Decoder(
                samprate=RATE,
                loglevel="FATAL",
                bestpath=True,
                lm=None,
                dict=f"/proc/self/fd/{fd}",
                featparams=f"/proc/self/fd/{front}",
                **DECODER_SETTINGS,
                **adapted,
            )
        finally:
            os.close(fd)
            os.close(front)
        self._known = {w for w in words if self._decoder.lookup_word(w) is not None}
        self._cmn = self._decoder.get_cmn()
        self._add_model("domain", build_arpa(corpus, self._known))
        self._decoder.activate_search("domain")

    def _add_model(self, name: str, arpa: str) -> None:
        """Load ARPA text through an anonymous in-memory file: nothing touches the disk."""
        fd = _memory_file("guidebot-lm", arpa)
        try:
            model = self._ps.NGramModel(
                self._decoder.config, self._decoder.logmath, f"/proc/self/fd/{fd}"
            )
        finally:
            os.close(fd)
        self._decoder.add_lm(name, model)

    def prepare(self, hints: Sequence[str]) -> str:
        """The search for a question with these phrases, built now if it is new."""
        if not hints or self._step_corpus is None:
            return "domain" if self.domain else self._decoder.current_search()
        key = tuple(sorted(set(hints)))
        with self._lock:
            name = self._steps.get(key)
            if name is None:
                corpus = Corpus(list(self._step_corpus.sentences))
                for hint in key:
                    corpus.add(hint, STEP_WEIGHT)
                name = f"step{len(self._steps)}"
                self._add_model(name, build_arpa(corpus, self._known))
                self._steps[key] = name
            return name

    def transcribe(self, pcm: Pcm, hints: Sequence[str] = ()) -> Transcript:
        """The best reading, its posterior probability and the n-best alternatives.

        ``hints``: the phrases of a question with set answers, which bias recognition there.
        """
        search = self.prepare(hints) if self.domain else None
        pad = np.zeros(int(PAD_SECONDS * RATE), dtype=np.int16)
        raw = np.concatenate([pad, pcm.samples, pad]).astype("<i2").tobytes()
        with self._lock:
            decoder = self._decoder
            if search is not None:
                decoder.activate_search(search)
            # Each note starts from the same channel estimate: notes come from different
            # officers' phones, and the last one's must not colour the next one's reading.
            decoder.set_cmn(self._cmn)
            decoder.start_utt()
            decoder.process_raw(raw, full_utt=True)
            decoder.end_utt()
            hypothesis = decoder.hyp()
            text = hypothesis.hypstr if hypothesis is not None else ""
            probability = float(decoder.get_prob()) if hypothesis is not None else 0.0
            alternatives: list[str] = []
            try:
                for index, other in enumerate(decoder.nbest()):
                    if index >= NBEST:
                        break
                    if other is None:
                        continue
                    reading = _clean(other.hypstr)
                    if reading and reading != _clean(text) and reading not in alternatives:
                        alternatives.append(reading)
            except RuntimeError:
                pass  # no lattice for this note: the best reading alone
        confidence = probability if 0.0 <= probability <= 1.0 else 0.0
        return Transcript(_clean(text), confidence, tuple(alternatives))


def _transform(path: Path) -> Path:
    """An adaptation file that is there: pocketsphinx, given none, says only that it failed."""
    if not path.is_file():
        raise RecogniserError(
            f"The acoustic model's adaptation {path} is missing: make it with "
            "scripts/adapt_acoustic.py, or leave it out."
        )
    return path


def _memory_file(name: str, text: str) -> int:
    """An anonymous in-memory file holding ``text`` (pocketsphinx reads models by path)."""
    fd = os.memfd_create(name)
    os.write(fd, text.encode())
    return fd


def _front_end(pocketsphinx: Any, changes: dict[str, str]) -> str:
    """The acoustic model's ``feat.params`` with ``changes`` made (name without its dash)."""
    path = Path(pocketsphinx.get_model_path("en-us/en-us")) / "feat.params"
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        name, _, _value = line.strip().partition(" ")
        key = name.lstrip("-")
        lines.append(f"{name} {changes[key]}" if key in changes else line)
    return "\n".join(lines) + "\n"


def _dictionary(pocketsphinx: Any, words: set[str]) -> str:
    """The pronunciation dictionary's text for ``words`` (see :func:`pronunciations`)."""
    lines = []
    for key, ways in pronunciations(words, pocketsphinx).items():
        for index, phones in enumerate(ways):
            lines.append(f"{key if index == 0 else f'{key}({index + 1})'} {phones}\n")
    return "".join(lines)


def pronunciations(words: Iterable[str], pocketsphinx: Any = None) -> dict[str, list[str]]:
    """The wheel's CMUdict pronunciations of ``words`` only, each under its spoken form.

    The full dictionary has 134,000 words: every search built over it pays for all of them
    (seconds for a small step model), and the domain needs about 3,000. The corpus is written
    as the matcher reads it, without apostrophes ("dont know", "shes back"), so "don't" is kept
    as "dont": otherwise every contraction an officer says falls out of the vocabulary and is
    heard as some other word ("she's" as "cheers").

    CMUdict is American: a word it lacks is said as its American spelling ("offence" as
    "offense", "authorise", "paediatric"), its stem with an ending ("carers", "actioned") or its
    two halves ("stepdad", "bodycam"), where those are in it. A word of the domain missing from
    the dictionary cannot be heard at all: "the offence", an answer, came out as "the phones".
    """
    if pocketsphinx is None:
        pocketsphinx = importlib.import_module("pocketsphinx")
    wanted = set(words)
    path = pocketsphinx.get_model_path("en-us/cmudict-en-us.dict")
    sounds = _read_dictionary(path, wanted)
    missing = sorted(wanted - set(sounds))
    parts = _read_dictionary(path, {part for word in missing for part in _parts(word)})
    for key in missing:
        derived = _sounded_out(key, parts)
        if derived is not None:
            sounds[key] = [derived]
    return sounds


def _read_dictionary(path: str, wanted: set[str]) -> dict[str, list[str]]:
    """CMUdict's pronunciations of the ``wanted`` words, apostrophes dropped."""
    sounds: dict[str, list[str]] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            word, _, phones = line.rstrip("\n").partition(" ")
            key = re.sub(r"\(\d+\)$", "", word).replace("'", "")
            if key in wanted and phones not in sounds.setdefault(key, []):
                sounds[key].append(phones)
    return sounds


_SPELLINGS = (
    ("ence", "ense"),
    ("isation", "ization"),
    ("ise", "ize"),
    ("ising", "izing"),
    ("ae", "e"),
    ("tred", "tered"),
    ("tre", "ter"),
    ("enquir", "inquir"),
    ("our", "or"),
    ("ogue", "og"),
    ("lled", "led"),
    ("lling", "ling"),
)
"""British spellings and their American forms, which CMUdict has."""
_ENDINGS = (("s", "Z"), ("d", "D"), ("es", "IH Z"), ("ed", "D"), ("ing", "IH NG"))
"""Endings said after a stem CMUdict has ("carers", "actioned")."""
_VOICELESS = frozenset({"P", "T", "K", "F", "TH"})


def _parts(word: str) -> Iterator[str]:
    """The words a missing word may be said as: its American spellings, stem, or halves."""
    for british, american in _SPELLINGS:
        if british in word:
            yield word.replace(british, american)
    for ending, _phones in _ENDINGS:
        if word.endswith(ending):
            yield word[: -len(ending)]
    for cut in range(SHORTEST_HALF, len(word) - SHORTEST_HALF + 1):
        yield word[:cut]
        yield word[cut:]


SHORTEST_HALF = 3
"""Letters in the shorter half of a word said as two ("bodycam": "body" and "cam")."""
SHORTEST_STEM = 4
"""Letters in a stem said with an ending ("carers"), so a typo ("yess") is not "yes" + s."""


def _sounded_out(word: str, every: dict[str, list[str]]) -> str | None:
    """A pronunciation for a word CMUdict lacks, from words it has, or None.

    A half said as letters ("abs" of "absconder", more sounds than letters) is no half.
    """
    for british, american in _SPELLINGS:
        if british in word:
            found = every.get(word.replace(british, american))
            if found:
                return found[0]
    for ending, phones in _ENDINGS:
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= SHORTEST_STEM and stem in every:
            said_stem = every[stem][0]
            if phones == "Z" and said_stem.split()[-1] in _VOICELESS:
                phones = "S"
            return f"{said_stem} {phones}"
    for cut in range(len(word) - SHORTEST_HALF, SHORTEST_HALF - 1, -1):
        halves = [(half, every.get(half)) for half in (word[:cut], word[cut:])]
        if all(said and len(said[0].split()) <= len(half) for half, said in halves):
            return " ".join(said[0] for _half, said in halves if said)
    return None


def _clean(text: str) -> str:
    """Drop pocketsphinx's noise and silence tokens and alternate-pronunciation marks."""
    words = [re.sub(r"\(\d+\)$", "", w) for w in text.split()]
    return " ".join(w for w in words if w and not w.startswith(("<", "[", "+")))


# -- other engines -----------------------------------------------------------------------------


ENGINES = {
    "vosk": "bot.voice._others:VoskRecogniser",
    "faster-whisper": "bot.voice._others:WhisperRecogniser",
}
"""Engines an operator can choose with a model directory of their own; neither is installed."""


def load_recogniser(
    engine: str = "pocketsphinx",
    *,
    corpus: Corpus | None = None,
    step_corpus: Corpus | None = None,
    model_dir: Path | None = None,
    factory: Any = None,
) -> Recogniser:
    """The recogniser the operator chose: pocketsphinx (the default) or one with a model dir.

    ``factory`` stands in for the engine's class (tests use it to show the seam without the
    engine installed).

    Raises:
        RecogniserError: an unknown engine, a missing model directory, or the engine's package
            is not installed.
    """
    if engine == "pocketsphinx":
        return PocketsphinxRecogniser(corpus, step_corpus)
    if engine not in ENGINES:
        known = ", ".join(["pocketsphinx", *ENGINES])
        raise RecogniserError(f"Unknown speech engine {engine!r}: choose one of {known}.")
    if model_dir is None or not model_dir.is_dir():
        raise RecogniserError(
            f"The {engine} engine needs a model directory you provide (none is downloaded): "
            f"{model_dir or 'none given'} is not a directory."
        )
    if factory is None:
        module, _, attribute = ENGINES[engine].partition(":")
        factory = getattr(importlib.import_module(module), attribute)
    recogniser: Recogniser = factory(model_dir)
    return recogniser
