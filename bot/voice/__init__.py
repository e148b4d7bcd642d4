"""Voice notes in and voice replies out, offline."""

from bot.voice._recognise import RecogniserError, load_recogniser

__all__ = ["RecogniserError", "load_recogniser"]
