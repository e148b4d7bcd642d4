"""guidebot's log lines: one event a line, JSON for a log shipper, text for a person.

A force's log platform (Splunk, Elastic, journald) reads one JSON object a line; a person at a
terminal reads text. Either way a line carries what happened (the event's words, written by
guidebot, never the officer's), its level and source, and for an error the error's kind and
where it was raised: never the exception's message, which could quote what was typed. The
token filter (:class:`bot.channels.telegram._run.TokenFilter`) sits on the same handler.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Literal, TextIO

LogFormat = Literal["auto", "json", "text"]
LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonLines(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, event, and an error's kind and place."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single JSON line."""
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            kind, _error, trace = record.exc_info
            line["error"] = kind.__name__
            # Where it was raised, not what it said: a message may quote an officer's words.
            line["where"] = [
                f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} {frame.name}"
                for frame in traceback.extract_tb(trace)[-3:]
            ]
        return json.dumps(line, ensure_ascii=False)


class PlainText(logging.Formatter):
    """Text for a person, with an error's kind and place but not its message."""

    def __init__(self) -> None:
        """The usual time, level, logger and event."""
        super().__init__(TEXT_FORMAT)

    def formatException(self, ei: Any) -> str:
        """The error's kind and the last frames, without the message it carried."""
        kind: type[BaseException] = ei[0]
        trace: TracebackType | None = ei[2]
        frames = traceback.extract_tb(trace)[-3:]
        places = ", ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in frames)
        return f"  {kind.__name__} at {places}"


def use_json(fmt: LogFormat, stream: TextIO) -> bool:
    """JSON when asked, or when ``auto`` and the stream is not a terminal (a service's log)."""
    if fmt == "auto":
        isatty = getattr(stream, "isatty", None)
        return not (isatty is not None and isatty())
    return fmt == "json"


def setup_logging(level: str, fmt: LogFormat = "auto", stream: TextIO | None = None) -> None:
    """Send every log line to ``stream`` (standard error) in the chosen format and level.

    Replaces handlers set before, so a second call (a test's) does not double every line.
    """
    out = sys.stderr if stream is None else stream
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonLines() if use_json(fmt, out) else PlainText())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(LEVELS[level])


__all__ = ["LEVELS", "JsonLines", "LogFormat", "PlainText", "setup_logging", "use_json"]
