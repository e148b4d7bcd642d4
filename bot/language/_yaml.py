"""The one YAML reader and writer guidebot uses: YAML 1.2, with plain messages for bad files.

Every file guidebot reads (flows, golden transcripts, knowledge, the language pack) is YAML
1.2, where ``yes``, ``no``, ``on`` and ``off`` are words, not booleans: they are answers in a
flow and words in a phrase list, so YAML 1.1 would silently turn them into ``True``. Reading
them all through here keeps that rule in one place, and gives every check the same message
for a file that is not YAML, naming the line.

The module imports nothing else from guidebot, so the language pack stays free of the rest of
the bot while knowledge and flows share its reader.
"""

from __future__ import annotations

import io
import re
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError as _ParserError
    from ruamel.yaml.representer import RoundTripRepresenter

# ruamel.yaml is imported where a text is read or written, not with this module: a start-up
# that finds everything in its cache (see bot._cache) reads no YAML and need not load it.

WIDTH = 100
"""Longest line ``write_yaml`` aims for, as the goldens have always been written."""

YAML_11_BOOLEANS = frozenset(
    variant
    for word in ("yes", "no", "on", "off")
    for variant in (word, word.capitalize(), word.upper())
)
"""Words YAML 1.1 reads as booleans: written quoted, so an editor or an older tool reads words."""

_DUPLICATE_KEY = re.compile(r'duplicate key "(?P<key>[^"]*)"')


class YamlError(ValueError):
    """A text that is not valid YAML, with the line where reading stopped.

    ``str()`` is the plain message every check prints after the file name, for example
    ``is not valid YAML at line 6; check the indentation there``.
    """

    def __init__(self, problem: str, line: int | None) -> None:
        self.problem = problem
        self.line = line
        super().__init__(problem)

    @classmethod
    def from_parser(cls, error: _ParserError) -> YamlError:
        """Translate ruamel's error (0-based marks, parser wording) into a message for a person."""
        from ruamel.yaml.constructor import DuplicateKeyError
        from ruamel.yaml.error import MarkedYAMLError

        mark = None
        if isinstance(error, MarkedYAMLError):
            mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        at = f" at line {line}" if line is not None else ""
        if isinstance(error, DuplicateKeyError):
            found = _DUPLICATE_KEY.search(str(error.problem))
            key = f"the key '{found['key']}'" if found else "a key"
            return cls(f"is not valid YAML{at}: {key} appears twice in one mapping; keep one", line)
        return cls(f"is not valid YAML{at}; check the indentation there", line)


def read_yaml(text: str) -> Any:
    """Parse YAML 1.2 into plain dicts, lists, strings and numbers.

    The pure-Python loader is asked for on purpose: where ruamel's C extension is installed it
    is used otherwise, and its documentation warns that it sometimes behaves like a YAML 1.1
    loader, which is the very thing this reader exists to avoid.

    Raises:
        YamlError: the text is not valid YAML (or repeats a key in one mapping).
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError as _ParserError

    try:
        return YAML(typ="safe", pure=True).load(text)
    except _ParserError as error:
        raise YamlError.from_parser(error) from error


def read_yaml_for_editing(text: str) -> Any:
    """Parse YAML keeping its comments, key order and quoting, for a tool that rewrites the file.

    The result behaves as dicts and lists; pass it, changed, to :func:`write_yaml`.

    Raises:
        YamlError: the text is not valid YAML (or repeats a key in one mapping).
    """
    from ruamel.yaml.error import YAMLError as _ParserError

    try:
        return _round_trip().load(text)
    except _ParserError as error:
        raise YamlError.from_parser(error) from error


def write_yaml(data: Any) -> str:
    """YAML text for ``data``, keeping the comments and order :func:`read_yaml_for_editing` read.

    Lines are folded at about :data:`WIDTH` characters and non-ASCII text (``§``, ``’``) is
    written as it is, not escaped.
    """
    stream = io.StringIO()
    _round_trip().dump(data, stream, transform=_strip_fold_spaces)
    return stream.getvalue()


def _strip_fold_spaces(text: str) -> str:
    """Drop the space ruamel's emitter leaves where it folds a long line (ruamel ticket 508).

    It is never content: a string whose text really has a space before a line break is written
    double-quoted with escapes, so only fold points end in a space.
    """
    return "\n".join(line.rstrip(" ") for line in text.split("\n"))


def _represent_str(representer: RoundTripRepresenter, value: str) -> Any:
    style = "'" if value in YAML_11_BOOLEANS else None
    return representer.represent_scalar("tag:yaml.org,2002:str", value, style=style)


@cache
def _representer() -> type[RoundTripRepresenter]:
    """The round-trip representer that quotes the YAML 1.1 booleans (see YAML_11_BOOLEANS)."""
    from ruamel.yaml.representer import RoundTripRepresenter

    class _Representer(RoundTripRepresenter):
        """Round-trip representer that quotes the YAML 1.1 booleans."""

    _Representer.add_representer(str, _represent_str)
    return _Representer


def _round_trip() -> YAML:
    """A fresh round-trip YAML (instances are not safe to share between threads)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt", pure=True)
    yaml.Representer = _representer()
    yaml.width = WIDTH
    yaml.allow_unicode = True
    yaml.preserve_quotes = True
    return yaml
