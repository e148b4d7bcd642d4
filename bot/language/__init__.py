"""The language pack: every table guidebot reads officers' words with, as data.

Yes and no words, negation cues, danger cues, commands, numbers, spellings, sound-alikes and
stop words live in ``language/en/*.yaml`` so that a trainer can read and extend them, and so
that a Welsh-language pack can later stand beside the English one. :func:`english` is the
shipped pack, read and checked once, the first time a module needs it.

:func:`read_yaml` is the YAML 1.2 reader every other part of guidebot uses too (flows, goldens,
knowledge); it lives here because this package depends on nothing else in the bot.
"""

from functools import cache
from pathlib import Path

from bot import _cache
from bot.language._load import (
    LanguageError,
    default_language_dir,
    load_common_words,
    read_language,
)
from bot.language._model import FILES, Language, Phrase, Phrases
from bot.language._yaml import YamlError, read_yaml, read_yaml_for_editing, write_yaml


@cache
def english() -> Language:
    """The shipped English pack, read once per process.

    Every module that reads officers' words takes its tables from here when it is imported, so
    where a command has named a cache folder (:func:`bot._cache.use_folder`) the checked pack
    is kept there, keyed by the pack's files, and read back instead of parsing ten YAML files.

    Raises:
        LanguageError: the shipped pack has been edited into an invalid state; the message
            lists every problem with its file and key.
    """
    where = _cache.folder()
    if where is None:
        return read_language(default_language_dir())
    path, key = _cache_entry(where)
    cached = _cache.read(path, key)
    if isinstance(cached, Language):
        return cached
    language = read_language(default_language_dir())
    _cache.write(path, key, language)
    return language


def keep_english(where: Path) -> bool:
    """Cache the shipped pack in the cache folder ``where`` as a command's first start would.

    For a process that has read the pack already (the tests' first start, made in-process):
    the bots they start then read it back. False when it could not be written.
    """
    path, key = _cache_entry(where)
    return _cache.write(path, key, english())


def _cache_entry(where: Path) -> tuple[Path, str]:
    """The shipped pack's file in the cache folder ``where``, and its key (its files' hash)."""
    return where / "language.pickle", _cache.make_key(
        "language", _cache.files_digest([default_language_dir()])
    )


__all__ = [
    "FILES",
    "Language",
    "LanguageError",
    "Phrase",
    "Phrases",
    "YamlError",
    "default_language_dir",
    "english",
    "keep_english",
    "load_common_words",
    "read_language",
    "read_yaml",
    "read_yaml_for_editing",
    "write_yaml",
]
