"""From a voice note to what the officer meant: decode, transcribe, then match strictly.

A recogniser always returns *something*, and pocketsphinx's own probability does not tell a
right reading from a wrong one. So at a question with set answers (yes / no / not sure, a
choice, "Understood"), the transcript and the recogniser's other readings are matched to that
question's phrases with a strict whole-message score: close enough and the answer is taken,
nearly close enough and the officer is asked "I heard ... is that right?", below that it is not
understood. Speech from outside the domain therefore comes out as not understood rather than a
confident wrong answer. An answer the question's model only nearly heard, or heard only in a
lower reading, is taken where the note, decoded again with the domain's model alone, says it
plainly (:func:`_bears_out`), and one it heard plainly is read back where that decoding hears
another answer (:func:`_second_witness`). Danger is never held back by this: a reading in
which the engine hears danger now goes to the engine as said, so a misheard "knife" still
brings protect-first.
"""

from __future__ import annotations

import logging
import re
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.engine import Engine
from bot.voice._audio import Pcm, decode, speech_over_noise_db, syllables_heard
from bot.voice._denoise import Denoiser, DenoiserMissing
from bot.voice._domain import (
    COMMANDS,
    LANGUAGE,
    READ_BACK,
    Answer,
    Expected,
    domain_corpus,
    said,
    step_corpus,
)
from bot.voice._recognise import Recogniser, Transcript, load_recogniser, spoken_words
from bot.voice._sounds import Sounds, phone_distance

log = logging.getLogger("guidebot.voice")

ACCEPT = 0.9
"""A match at least this close is taken as the answer."""
CONFIRM = 0.75
"""A match at least this close (but under :data:`ACCEPT`) is read back for a yes or no."""
OPEN_SURE = 0.5
"""At an open question, a transcript with a posterior under this is read back first."""

LONE_DANGER_WORDS = 1
"""A reading of at most this many words that holds danger is a lone danger word: under
:data:`OPEN_SURE` it is read back, not acted on silently (noise decodes to "threat")."""

RANK_PENALTY = 0.04
"""Each step down the recogniser's n-best list costs this much of a match's score."""
_FILLERS = frozenset(
    {"um", "uh", "er", "erm", "ah", "hmm", "mm", *(said(w) for w in LANGUAGE.answers.courtesy)}
)
_FRAMING = frozenset(
    {"the", "a", "an", "i", "im", "he", "she", "they", "hes", "shes", "theyre", "its", "it"}
    | {"is", "are", "was", "were"}
)
"""Words that frame an answer without changing it: "the child is safe now", "they're asleep",
"I'm not sure", "yes done it". Speakers wrap a set answer in them, the answers are written
without them, and none of them turns a yes into a no. Pronouns, articles and "is" only: with
"that" or "so" set aside, "that soiled" (a misheard "that's all") would stand for "soiled"."""
SPARE_BEATS = 2
"""Syllables a note may hold beyond its reading's (and half as many again for a long reading)
before the reading cannot be what was said: a slow or noisy "no" can sound as two or three
beats, a six-word sentence read as "have done" cannot. On the tuned voices no answer heard
right came over by more than three, a long one; out-of-domain notes came at four to eleven."""
RIVAL_READINGS = 3
"""A reading this high in the n-best list that matches another answer as closely as the best
makes the answer a guess: it is read back ("no" heard as "dunno", with "no" next)."""
WITNESS_SCORE = 0.9
"""How closely a reading of the domain model's decoding must match another answer to
contradict an answer the question's model heard plainly (see :func:`_second_witness`)."""
WITNESS_UNSURE = 0.12
"""Under this posterior, an answer the question's model heard plainly is taken only where the
domain model's best reading hears the same answer: all four answers taken wrong in voice3's
accents came under it, and 29% of those taken right on the first set (read back only where the
domain model does not bear them out: 3% of that set's answers)."""
LOST_BEATS = 2
"""Syllables a note may fall short of a longer answer's phrase and still be it with its first
words lost: the count is within one of the words' for most answers, and one more is spare."""
LONGEST_WHOLE = 12
"""Words beyond which a reading is no answer said whole but a sentence of its own."""
WITHIN_SPARE = 3
"""Words a reading may hold besides an answer's phrase for that answer to be read back."""
VERY_NOISY_DB = 20.0
"""A note whose speech stands less than this above its background (``speech_over_noise_db``)
is as noisy as the voice set's 10 dB SNR notes (95% of them come under 20.5, none of its 20 dB
or clean ones): it is denoised before recognition, and a one-syllable answer heard in it is
read back, never taken, as is any answer that would clear a safety question
(``clears_safety``). Denoising a note at 20 dB SNR lost more answers than it won."""
SOUND_CUTOFF = 0.25
"""How far (:func:`phone_distance`) a reading may sound from an answer's phrase and still be
read back as it: "the phones" is 0.21 from "the offence"; "yes" is 0.83 from "no"."""
SOUND_MARGIN = 0.15
"""How much nearer the answer reached by sound must be than any other answer."""
SHORTEST_SOUND = 3
"""Phones a reading needs before its sound is matched: shorter ones sound like too much."""
_AROUND = _FILLERS | _FRAMING | frozenset({"got", "there", "their", "theyve", "ive", "weve"})
"""Words that may stand between and around an answer's phrases said whole ("yes she's in
danger", "she's got a social worker"); "there" and "their" are how a recogniser writes "they're"."""

_CHANGES_AN_ANSWER = frozenset(
    word
    for group in (
        LANGUAGE.negation.preceding,
        LANGUAGE.negation.following,
        LANGUAGE.negation.termination,
        LANGUAGE.answers.contrast,
        LANGUAGE.answers.risk,
        LANGUAGE.answers.corrections,
    )
    for phrase in group
    for word in said(phrase).split()
)
"""Words that may deny, join, qualify or correct an answer, or bring a risk into it ("not",
"and", "but", "knife", "actually"): a reading holding one is never read back as a bare answer."""


@dataclass(frozen=True)
class Heard:
    """What a voice note meant, as far as guidebot can tell.

    ``text`` is what the engine is handed (an answer's own words at a set question, the
    transcript at an open one) or None when it was not understood; ``answer`` is the answer's
    id at a set question. ``sure`` False: read it back and ask before acting on it.
    """

    transcript: str
    text: str | None
    answer: str | None
    confidence: float
    sure: bool
    seconds: float
    took: float
    alternatives: tuple[str, ...] = ()

    @property
    def understood(self) -> bool:
        """Whether there is anything to hand to the engine."""
        return self.text is not None

    @property
    def rtf(self) -> float:
        """The real-time factor: seconds of work per second of audio."""
        return self.took / self.seconds if self.seconds else 0.0


def _core(reading: str, around: frozenset[str] = _FILLERS) -> str:
    """The reading without fillers and courtesies around it ("um yes sarge" -> "yes")."""
    words = said(reading).split()
    while words and words[0] in around:
        words.pop(0)
    while words and words[-1] in around:
        words.pop()
    return " ".join(words)


def _cores(reading: str, slips: dict[str, str]) -> list[str]:
    """The reading's core, and its core without framing words when that differs."""
    cores = []
    for core in (_core(reading), _core(reading, _FILLERS | _FRAMING)):
        core = slips.get(core, core)
        if core and core not in cores:
            cores.append(core)
    return cores


def syllables(text: str) -> int:
    """Syllables in written words, counted by their vowel groups ("have done": 2)."""
    count = 0
    for word in said(text).split():
        groups = len(re.findall(r"[aeiouy]+", word))
        if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and groups > 1:
            groups -= 1  # a silent e: "done", "have", "safe"
        count += max(1, groups)
    return count


def explains(reading: str, beats: int | None) -> bool:
    """Whether a reading has syllables enough for the beats heard in the note (None: unknown)."""
    if beats is None:
        return True
    own = syllables(reading)
    return beats <= own + SPARE_BEATS + own // 2


def best_match(
    readings: Sequence[str], expected: Expected, beats: int | None = None
) -> tuple[Answer, float, str] | None:
    """The answer the readings are closest to, its score (0 to 1) and the reading it matched.

    The score is a whole-message similarity (``rapidfuzz`` ratio), never a partial one: "yes"
    inside "what is the weather like today yes" does not count. A reading too short for the
    syllables heard in the note (``beats``) is no reading of it and is passed over.
    """
    best: tuple[Answer, float, str] | None = None
    slips = {said(k): said(v) for k, v in LANGUAGE.answers.speech_slips.items()}
    for rank, reading in enumerate(readings):
        if not explains(reading, beats):
            continue
        penalty = 1.0 - RANK_PENALTY * rank
        for core in _cores(reading, slips):
            if core in expected.no_answer:
                continue
            for phrase, answer in expected.phrases():
                score = fuzz.ratio(core, phrase, score_cutoff=CONFIRM * 100) / 100 * penalty
                if best is None or score > best[1]:
                    best = (answer, score, reading)
        core = _core(reading)
        whole = said_whole(core, expected) if core not in expected.no_answer else None
        if whole is not None and (best is None or penalty > best[1]):
            best = (whole, penalty, reading)  # said in so many words: as good as exact
        within = None
        if rank == 0 and whole is None and expected.closed:
            within = said_within(core, expected)  # an open question takes a sentence as said
        if within is not None and (best is None or best[1] < CONFIRM):
            best = (within, CONFIRM, reading)  # worth asking about, never taken unasked
    return best


def said_within(reading: str, expected: Expected) -> Answer | None:
    """The one answer whose phrase of two words or more stands whole in a short reading.

    The recogniser often gets an answer's distinctive words right and the little words
    around them wrong ("chase got the social worker" for "she's got a social worker"). Such a
    reading is no answer said whole, so it is only ever read back, and only where nothing in
    it could change the answer: no other answer's phrase, no word that denies or contrasts,
    no risk word, and few words besides the phrase.
    """
    words = said(reading).split()
    if not words or len(words) > LONGEST_WHOLE:
        return None
    if set(words) & _CHANGES_AN_ANSWER:
        return None
    padded = f" {' '.join(words)} "
    named: dict[str, int] = {}
    answers: dict[str, Answer] = {}
    for phrase, answer in expected.phrases():
        if f" {phrase} " in padded:
            length = len(phrase.split())
            named[answer.id] = max(named.get(answer.id, 0), length)
            answers[answer.id] = answer
    if len(named) != 1:
        return None
    ((answer_id, length),) = named.items()
    if length < 2 or len(words) - length > WITHIN_SPARE or answer_id in COMMANDS:
        return None
    return answers[answer_id]


def said_whole(reading: str, expected: Expected) -> Answer | None:
    """The answer a reading says in so many words: its phrases said whole, words around them.

    The reading is split into as few pieces as it can be, each an answer's phrase exactly or
    one word that frames it (a pronoun, "is", the question's own words). Every phrase must
    belong to one answer: "yes she's in danger" is a yes, "yes and no" or "not in danger yes"
    are none, and a word that is neither (a content word, "but") leaves the reading unmatched.
    Exact phrases only: a near miss goes through the fuzzy whole-message score instead.
    """
    words = said(reading).split()
    if not words or len(words) > LONGEST_WHOLE:
        return None
    meaning: dict[tuple[str, ...], set[str]] = {}
    answers: dict[str, Answer] = {}
    for phrase, answer in expected.phrases():
        meaning.setdefault(tuple(phrase.split()), set()).add(answer.id)
        answers.setdefault(answer.id, answer)
    longest = max((len(key) for key in meaning), default=0)
    around = _AROUND | expected.echoes
    # best[i]: the fewest pieces that cover words[i:], with every set of answers they name.
    never = len(words) + 1
    best: list[tuple[int, set[frozenset[str]]]] = [(never, set()) for _ in words]
    best.append((0, {frozenset()}))
    for start in range(len(words) - 1, -1, -1):
        pieces: list[tuple[int, frozenset[str]]] = []
        if words[start] in around:
            pieces.append((start + 1, frozenset()))
        for end in range(start + 1, min(len(words), start + longest) + 1):
            meant = meaning.get(tuple(words[start:end]))
            if meant is not None:
                pieces.extend((end, frozenset({one})) for one in meant)
        fewest, named = never, set[frozenset[str]]()
        for end, piece in pieces:
            cost = best[end][0] + 1
            if cost >= never:
                continue
            if cost < fewest:
                fewest, named = cost, set()
            if cost == fewest:
                named |= {piece | rest for rest in best[end][1]}
        best[start] = (fewest, named)
    choices = {ids for ids in best[0][1] if ids}
    if len(choices) != 1:
        return None
    (chosen,) = choices
    if len(chosen) != 1:
        return None
    return answers[next(iter(chosen))]


def sounds_like(
    reading: str, expected: Expected, sounds: Sounds, beats: int | None = None
) -> Answer | None:
    """The one answer whose phrase the reading sounds like, though its letters are far off.

    A recogniser that cannot place a word writes one that sounds like it: "the phones" or
    "defence" for "the offence". Reading and phrases are compared as phones, with and without
    the words that frame them, and one answer must come within :data:`SOUND_CUTOFF` with every
    other answer at least :data:`SOUND_MARGIN` further away. Only the best reading is heard so,
    never one holding a word that denies, contrasts or brings a risk, and the answer it reaches
    is only ever read back.
    """
    if not sounds or not explains(reading, beats):
        return None
    if set(said(reading).split()) & _CHANGES_AN_ANSWER:
        return None
    nearest: dict[str, tuple[float, Answer]] = {}
    for core in {_core(reading), _core(reading, _FILLERS | _FRAMING)}:
        heard = sounds.phones(core) if core and core not in expected.no_answer else None
        if not heard or len(heard) < SHORTEST_SOUND:
            continue
        for phrase, answer in expected.phrases():
            if answer.id in COMMANDS:
                continue
            for form in {phrase, _core(phrase, _FILLERS | _FRAMING)}:
                meant = sounds.phones(form)
                if not meant:
                    continue
                distance = phone_distance(heard, meant)
                if distance < nearest.get(answer.id, (2.0, answer))[0]:
                    nearest[answer.id] = (distance, answer)
    ranked = sorted(nearest.values(), key=lambda pair: pair[0])
    if not ranked or ranked[0][0] > SOUND_CUTOFF:
        return None
    if len(ranked) > 1 and ranked[1][0] < ranked[0][0] + SOUND_MARGIN:
        return None
    return ranked[0][1]


def _rivalled(
    readings: Sequence[str], answer: Answer, expected: Expected, beats: int | None
) -> bool:
    """True when one of the next readings matches another answer closely: a coin toss."""
    for reading in readings[1:RIVAL_READINGS]:
        found = best_match([reading], expected, beats)
        if found is not None and found[0].id not in (answer.id, *COMMANDS) and found[1] >= ACCEPT:
            return True
    return False


class Listener:
    """Voice notes to engine input, for one engine's flows and knowledge.

    Args:
        engine: the engine whose flows and knowledge the recogniser is taught.
        recogniser: another engine than pocketsphinx (None: pocketsphinx with the domain's
            language model, built now: a few seconds, once).
        denoiser: what takes the noise out of a very noisy note first (None: WebRTC's noise
            suppressor; pass ``denoise=False`` to hear every note as it came).
        denoise: whether noisy notes are denoised at all.
    """

    def __init__(
        self,
        engine: Engine,
        recogniser: Recogniser | None = None,
        denoiser: Denoiser | None = None,
        *,
        denoise: bool = True,
    ) -> None:
        self.engine = engine
        self.recogniser = recogniser or load_recogniser(
            corpus=domain_corpus(engine), step_corpus=step_corpus(engine)
        )
        self.denoiser = denoiser
        self._sounds: Sounds | None = None
        if denoise and denoiser is None:
            try:
                self.denoiser = Denoiser()
            except DenoiserMissing:
                # Voice still works without it, a little worse in a roaring street.
                log.warning("the noise suppressor is not installed: noisy notes heard as sent")
        elif not denoise:
            self.denoiser = None

    @property
    def sounds(self) -> Sounds:
        """The domain's words as phones, read from the recogniser's dictionary on first use."""
        if self._sounds is None:
            self._sounds = _domain_sounds(self.engine)
        return self._sounds

    def hear(self, audio: bytes, expected: Expected) -> Heard:
        """What a voice note (any audio file's bytes) meant at a point of the conversation.

        Raises:
            VoiceProblem: too long, empty, silent or unreadable (the message says what to do).
        """
        return self.hear_pcm(decode(audio), expected)

    def hear_pcm(self, pcm: Pcm, expected: Expected) -> Heard:
        """What decoded speech meant where ``expected`` says the conversation is."""
        started = time.perf_counter()
        noise = speech_over_noise_db(pcm)
        seconds = pcm.seconds
        if self.denoiser is not None and noise < VERY_NOISY_DB:
            pcm = self.denoiser.clean(pcm)
        biased = any(answer.id not in COMMANDS for answer in expected.answers)
        hints = [phrase for phrase, _answer in expected.phrases()] if biased else []
        transcript = self.recogniser.transcribe(pcm, hints)
        # The yes or no to "is that right?" is itself the officer's check: asking it again
        # would only ask again, so a very noisy note's caution is for the conversation's own
        # questions.
        very_noisy = noise < VERY_NOISY_DB and expected is not READ_BACK
        heard = self._meaning(
            transcript,
            expected,
            syllables_heard(pcm),
            very_noisy=very_noisy,
            unbiased=(lambda: self.recogniser.transcribe(pcm, ())) if hints else None,
        )
        took = time.perf_counter() - started
        return Heard(
            transcript=transcript.text,
            text=heard[0],
            answer=heard[1],
            confidence=round(heard[2], 3),
            sure=heard[3],
            seconds=round(seconds, 3),
            took=took,
            alternatives=transcript.alternatives,
        )

    def _meaning(
        self,
        transcript: Transcript,
        expected: Expected,
        beats: int | None = None,
        *,
        very_noisy: bool = False,
        unbiased: Callable[[], Transcript] | None = None,
    ) -> tuple[str | None, str | None, float, bool]:
        readings = [transcript.text, *transcript.alternatives]
        found = best_match(readings, expected, beats)
        text = transcript.text
        if not text:
            return None, None, 0.0, False
        if found is not None and found[1] >= CONFIRM:
            answer, score, reading = found
            # A near miss or a lower reading may be no more than the question's model pulling
            # the sound towards its answers: a decoding without that pull can settle it.
            guessed = score < ACCEPT or reading != text
            doubted = (
                answer.id in COMMANDS  # a misheard "cancel" must not act unasked
                # Another answer close behind is the sound itself in two minds, and a second
                # decoding of the same sound hears it with the same acoustic model: "the
                # appropriate adult is on the way" was "on my way" in both, and taken wrong.
                or _rivalled(readings, answer, expected, beats)
                or _half_of_another(_core(reading), answer, expected, beats)
                or _heard_alike(_core(reading), answer, expected)
                or (very_noisy and syllables(_core(reading)) < 2)
                # In a roaring street a No at "Is the child in danger?" is read back however
                # long it sounded: "yes she's in danger" was heard as "nothing yet". A wrong
                # Yes costs a tap; a wrong No leaves a child unprotected.
                or (very_noisy and answer.id in expected.clears_safety)
            )
            if guessed and not doubted and unbiased is not None:
                guessed = not _bears_out(unbiased(), answer, expected, beats)
            elif not guessed and not doubted and unbiased is not None:
                # Heard plainly by the question's model, which leans hard to its answers: an
                # accent the acoustic model never learnt is pulled into one of them. A second
                # witness, the domain model leaning to none, must not hear another answer, and
                # where the first was unsure it must hear the same one.
                doubted = not _second_witness(
                    unbiased(),
                    answer,
                    expected,
                    beats,
                    unsure=transcript.confidence < WITNESS_UNSURE,
                )
            return answer.text, answer.id, score, not guessed and not doubted
        if any(self.engine.danger.read(reading) for reading in readings if reading):
            # Danger now is the engine's to act on, matched or not: as said, and no read-back,
            # when it is clear: told in words ("he's got a knife"), or heard with confidence. A
            # lone danger word the recogniser doubts is what noise decodes to ("threat" out of a
            # roaring street): read back like any doubtful reading, so a Yes brings protect-first
            # a tap later and noise never raises it silently.
            lone = len(set(_core(text).split())) <= LONE_DANGER_WORDS
            return text, None, transcript.confidence, not lone or transcript.confidence >= OPEN_SURE
        if expected.closed:
            near = sounds_like(text, expected, self.sounds, beats)
            if near is not None:  # reached by sound alone: asked about, never taken
                return near.text, near.id, CONFIRM, False
        if expected.closed and not _asks(text):
            return None, None, found[1] if found else 0.0, False
        return text, None, transcript.confidence, transcript.confidence >= OPEN_SURE


_SOUNDS: weakref.WeakKeyDictionary[Engine, Sounds] = weakref.WeakKeyDictionary()
"""Each engine's words as phones: reading them from the wheel's dictionary takes half a second,
and the same engine's listeners (one per channel, many in tests) need the same ones."""


def _domain_sounds(engine: Engine) -> Sounds:
    """The phones of every word the engine's domain and question models can hear."""
    sounds = _SOUNDS.get(engine)
    if sounds is None:
        words = {
            word
            for corpus in (domain_corpus(engine), step_corpus(engine))
            for sentence in corpus.sentences
            for word in spoken_words(sentence)
        }
        sounds = _SOUNDS[engine] = Sounds.of(words)
    return sounds


def _bears_out(
    transcript: Transcript, answer: Answer, expected: Expected, beats: int | None
) -> bool:
    """Whether the note decoded without the question's lean hears the same answer plainly.

    The question's own model pulls what was heard towards its answers, so a guess there (a
    near miss, or an answer only in a lower reading: "shape goes to school" first, "she goes to
    school" second) may be that pull and nothing more. The domain model, which leans to no
    answer, hearing the same answer as its best reading, whole and unrivalled, is a second
    witness: the guess is taken. What a second decoding of the same sound cannot settle (a
    rival answer close behind, a lost "not", a command, a very noisy note) is read back all the
    same. See benchmarks/README.md's voice section, tenth round.
    """
    readings = [transcript.text, *transcript.alternatives]
    found = best_match(readings, expected, beats)
    if found is None or not transcript.text:
        return False
    other, score, reading = found
    return (
        other.id == answer.id
        and score >= ACCEPT
        and reading == transcript.text
        and not _rivalled(readings, answer, expected, beats)
        and not _half_of_another(_core(reading), answer, expected, beats)
        and not _heard_alike(_core(reading), answer, expected)
    )


def _second_witness(
    transcript: Transcript,
    answer: Answer,
    expected: Expected,
    beats: int | None,
    *,
    unsure: bool,
) -> bool:
    """Whether the note decoded with the domain's model alone lets a plain answer stand.

    The question's own model chooses among its answers whatever the sound: "yes they're here"
    in an older RP voice came out "yet to" (Not yet), "I'm not certain" in a neural voice with
    British vowels "will phoned". The domain model, which leans to no answer, is a second
    witness of the same sound: any of its first :data:`RIVAL_READINGS` readings matching
    another answer (not a command) at least :data:`WITNESS_SCORE` closely is the sound in two
    minds, and the answer is read back. Where the question's model was itself ``unsure`` (a
    posterior under :data:`WITNESS_UNSURE`), the witness's best reading must hear the same
    answer; hearing nothing, or something else, is no support. Readings only: a second decoding
    cannot find a "not" both lost (:func:`_half_of_another` covers that).
    """
    readings = [transcript.text, *transcript.alternatives][:RIVAL_READINGS]
    for reading in readings:
        found = best_match([reading], expected, beats) if reading else None
        rival = found is not None and found[0].id not in (answer.id, *COMMANDS)
        if rival and found is not None and found[1] >= WITNESS_SCORE:
            return False
    if not unsure:
        return True
    found = best_match([transcript.text], expected, beats) if transcript.text else None
    return found is not None and found[0].id == answer.id and found[1] >= CONFIRM


def _half_of_another(
    core: str, answer: Answer, expected: Expected, beats: int | None = None
) -> bool:
    """True when what was heard ends another answer's phrase: "sure" of "not sure".

    A short first word is the easiest to lose in a noisy street, and losing it here turns
    one answer into its opposite, so such a match is read back rather than taken. Unless the
    note's syllables (``beats``) leave no room for what would have been lost: "not" heard in a
    note of one beat was not "possibly not" (four), while "found" may always have been "not
    found", as a beat more or less is within the count's own error.
    """
    return any(
        other.id != answer.id
        and phrase != core
        and phrase.endswith(f" {core}")
        and (beats is None or beats + LOST_BEATS >= syllables(phrase))
        for phrase, other in expected.phrases()
    )


_ALIKE = {
    said(one): said(other)
    for pair in LANGUAGE.answers.heard_alike
    for one, other in (pair, pair[::-1])
}


def _heard_alike(core: str, answer: Answer, expected: Expected) -> bool:
    """True when what was heard is a word often heard for another answer's: "done" for "none".

    At a tick list the two end it in opposite ways (all ticked so far, or nothing applies), and
    pocketsphinx takes one for the other in several voices, so such an answer is read back.
    """
    alike = _ALIKE.get(core)
    return alike is not None and any(
        other.id != answer.id and phrase == alike for phrase, other in expected.phrases()
    )


def _asks(text: str) -> bool:
    """An 'ask ...' question, which every question takes as well as its answers."""
    first = said(text).split()[:1]
    return bool(first) and first[0] in {said(w) for w in LANGUAGE.commands.ask}
