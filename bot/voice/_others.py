"""Recognisers an operator may choose instead of pocketsphinx, with a model they provide.

Neither package is a dependency of guidebot and no model is ever downloaded: the operator
installs the package and points guidebot at a model directory already on the machine.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.voice._audio import RATE, Pcm
from bot.voice._recognise import RecogniserError, Transcript


class VoskRecogniser:
    """vosk (Kaldi) with a model directory such as vosk-model-small-en-us."""

    name = "vosk"

    def __init__(self, model_dir: Path) -> None:
        try:
            import vosk  # type: ignore[import-not-found]
        except ImportError as error:
            raise RecogniserError("vosk is not installed. Run: pip install vosk") from error
        vosk.SetLogLevel(-1)
        self._vosk: Any = vosk
        self._model = vosk.Model(str(model_dir))

    def transcribe(self, pcm: Pcm, hints: Sequence[str] = ()) -> Transcript:
        """Vosk's best reading and the mean of its word confidences."""
        recogniser = self._vosk.KaldiRecognizer(self._model, RATE)
        recogniser.SetWords(True)
        recogniser.AcceptWaveform(pcm.raw())
        result = json.loads(recogniser.FinalResult())
        words = result.get("result", [])
        confidence = sum(w.get("conf", 0.0) for w in words) / len(words) if words else 0.0
        return Transcript(str(result.get("text", "")), float(confidence))


class WhisperRecogniser:
    """faster-whisper with a CTranslate2 model directory the operator converted or copied."""

    name = "faster-whisper"

    def __init__(self, model_dir: Path) -> None:
        try:
            from faster_whisper import WhisperModel  # type: ignore[import-not-found]
        except ImportError as error:
            raise RecogniserError(
                "faster-whisper is not installed. Run: pip install faster-whisper"
            ) from error
        self._model = WhisperModel(str(model_dir), device="cpu", compute_type="int8")

    def transcribe(self, pcm: Pcm, hints: Sequence[str] = ()) -> Transcript:
        """Whisper's text, the hints given as its initial prompt."""
        import math

        audio = pcm.samples.astype("float32") / 32768.0
        segments, _info = self._model.transcribe(
            audio, language="en", initial_prompt=", ".join(hints) or None
        )
        texts, logprobs = [], []
        for segment in segments:
            texts.append(segment.text.strip())
            logprobs.append(segment.avg_logprob)
        confidence = math.exp(sum(logprobs) / len(logprobs)) if logprobs else 0.0
        return Transcript(" ".join(texts).strip(), float(confidence))
