"""Street noise taken out of a voice note before recognition: WebRTC's noise suppressor.

The noise suppressor of WebRTC's audio processing module (BSD-3-Clause), the one browsers' and
phones' calls use, through the ``webrtc-noise-gain`` wheel (Apache-2.0; by the Home Assistant
authors, for its voice pipeline; Linux x86_64 and aarch64 for every Python from 3.9, no other
dependency, nothing downloaded). It learns the noise's spectrum from the note itself, 10 ms at
a time, and takes it out of the speech, with a high-pass filter for wind and traffic rumble.

It runs only on a very noisy note (:data:`bot.voice._listen.VERY_NOISY_DB`): on the voice
set it wins answers back at 10 dB SNR and loses them at 20 dB, where it shaves the speech.
A trained denoiser, RNNoise (the ``pyrnnoise`` wheel), was measured too and lost at both
levels, at fifty times the cost (see ``benchmarks/README.md``).
"""

from __future__ import annotations

import numpy as np

from bot.voice._audio import RATE, Pcm
from bot.voice._recognise import RecogniserError

FRAME = RATE // 100
"""The suppressor takes 10 ms at a time."""
SUPPRESSION = 2
"""How hard noise is suppressed, from 0 (not at all) to 4; the wheel's own suggestion, and the
one level measured on the voice set."""


class DenoiserMissing(RecogniserError):
    """The denoiser is not installed; the message says what to install."""


class Denoiser:
    """WebRTC noise suppression over whole voice notes, a fresh state for each note.

    Raises:
        DenoiserMissing: webrtc-noise-gain is not installed.
    """

    def __init__(self, suppression: int = SUPPRESSION) -> None:
        try:
            from webrtc_noise_gain import AudioProcessor
        except ImportError as error:
            raise DenoiserMissing(
                "The noise suppressor is not installed. Run: pip install webrtc-noise-gain"
            ) from error
        self._processor = AudioProcessor
        self.suppression = suppression

    def clean(self, pcm: Pcm) -> Pcm:
        """The note with its background noise taken out, the same length, 16 kHz mono."""
        count = len(pcm.samples)
        sound = np.zeros(-(-count // FRAME) * FRAME, dtype="<i2")
        sound[:count] = pcm.samples
        raw = sound.tobytes()
        step = FRAME * 2
        # A suppressor of its own for each note: what it learnt of one street's noise must not
        # colour the next officer's note, and notes may be heard in several threads at once.
        processor = self._processor(0, self.suppression)  # no gain: the levels as they came
        parts = [processor.Process10ms(raw[i : i + step]).audio for i in range(0, len(raw), step)]
        return Pcm(np.frombuffer(b"".join(parts), dtype="<i2")[:count].astype(np.int16))
