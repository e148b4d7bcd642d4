"""Regenerate tests/data/voice/*.ogg: short answers spoken by espeak-ng, as Telegram sends them.

Offline: espeak-ng comes from the espeakng-loader wheel and PyAV encodes OGG/Opus at 48 kHz.
Run from the repository root: python scripts/make_voice_fixtures.py
"""

from __future__ import annotations

from pathlib import Path

from bot.voice._audio import encode_ogg
from bot.voice._speak import EspeakSpeaker

FIXTURES = {
    "yes.ogg": "yes",
    "no.ogg": "no",
    "not-sure.ogg": "not sure",
    "domestic-abuse.ogg": "domestic abuse",
    "pizza.ogg": "could you order me a large pizza with extra cheese",
}
SPEAKER = EspeakSpeaker(voice="en+f2", words_per_minute=160, seed=11)


def main() -> None:
    """Write each fixture (a few kilobytes each)."""
    folder = Path(__file__).resolve().parents[1] / "tests" / "data" / "voice"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in FIXTURES.items():
        samples, rate = SPEAKER.synthesise(text)
        data = encode_ogg(samples, rate)
        (folder / name).write_bytes(data)
        print(f"{name}: {len(data):,} bytes")


if __name__ == "__main__":
    main()
