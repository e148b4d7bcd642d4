"""The language pack: every table guidebot reads officers' words with, as data.

Yes and no words, negation cues, danger cues, commands, numbers, spellings, sound-alikes and
stop words live in ``language/en/*.yaml`` so that a trainer can read and extend them, and so
that a Welsh-language pack can later stand beside the English one. :func:`english` is the
shipped pack, read and checked once, the first time a module needs it.

:func:`read_yaml` is the YAML 1.2 reader every other part of guidebot uses too (flows, goldens,
knowledge); it lives here because this package depends on nothing else in the bot.
"""

from functools import cache

from bot.language._load import LanguageError, default_language_dir, read_language
from bot.language._model import FILES, Language
from bot.language._yaml import YamlError, read_yaml, read_yaml_for_editing, write_yaml


@cache
def english() -> Language:
    """The shipped English pack, read once per process.

    Raises:
        LanguageError: the shipped pack has been edited into an invalid state; the message
            lists every problem with its file and key.
    """
    return read_language(default_language_dir())


__all__ = [
    "FILES",
    "Language",
    "LanguageError",
    "YamlError",
    "default_language_dir",
    "english",
    "read_language",
    "read_yaml",
    "read_yaml_for_editing",
    "write_yaml",
]
