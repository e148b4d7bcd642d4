"""The seams between guidebot's packages, read from the code's own imports.

Each package under ``bot/`` keeps its implementation in private modules (``_x.py``) and hands
its neighbours what they need through the names in its ``__init__``'s ``__all__``. If a module
needs another package's private module, the seam is in the wrong place: these tests find every
such import, at the top of a file or inside a function (where the heavy voice parts are
imported), so a private module can change shape without breaking another package. And the
layers hold: the engine stays at the bottom, and nothing below the channels imports them.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

BOT = Path(__file__).resolve().parents[1] / "bot"

PACKAGES = sorted(path.parent.name for path in BOT.glob("*/__init__.py"))
"""The packages directly under ``bot/``: engine, knowledge, language, audit, store, voice,
channels, reports, cli."""


ABOVE_THE_ENGINE = ("channels", "store", "audit", "reports", "cli", "voice")
"""What nothing in ``bot/engine`` may import: the engine is a pure step function under them."""
BELOW_THE_CHANNELS = ("engine", "knowledge", "language", "store", "audit", "reports")
"""What never imports ``bot.channels``: the channels are the edge, put together above these."""


class Imported(NamedTuple):
    """One module an import statement names, and where the statement stands."""

    source: str
    """The importing file, relative to the repository (``bot/cli/_audit.py``)."""
    line: int
    module: str
    """The module imported from (``bot.audit``), or the module imported."""
    name: str | None
    """The name a ``from`` import takes from it; None for a plain ``import``."""


def module_name(path: Path) -> str:
    """``bot/voice/_listen.py`` -> ``bot.voice._listen``; a package's ``__init__`` is itself."""
    parts = list(path.relative_to(BOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_of(path: Path) -> str | None:
    """The package under ``bot/`` a file belongs to; None for a module of ``bot`` itself."""
    relative = path.relative_to(BOT).parts
    return relative[0] if len(relative) > 1 else None


def imports(path: Path) -> Iterator[Imported]:
    """Every ``bot.`` import in a file, anywhere in it (functions and TYPE_CHECKING too)."""
    source = str(path.relative_to(BOT.parent))
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Imported(source, node.lineno, alias.name, None)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve it against the importing module's package
                base = module_name(path).split(".")
                if path.name != "__init__.py":
                    base.pop()
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            for alias in node.names:
                yield Imported(source, node.lineno, module, alias.name)


def bot_imports() -> Iterator[tuple[str | None, Imported]]:
    """Every import of guidebot's own modules by a module under ``bot/``, with its package."""
    for path in sorted(BOT.rglob("*.py")):
        for imported in imports(path):
            if imported.module == "bot" or imported.module.startswith("bot."):
                yield package_of(path), imported


def is_private(dotted: str) -> bool:
    """Whether a part under the package is private (``bot.channels.telegram._run``)."""
    return any(part.startswith("_") and not part.startswith("__") for part in dotted.split(".")[2:])


def named(imported: Imported) -> str:
    """What the import reaches: the module, or ``module.name`` for a ``from`` import."""
    return imported.module if imported.name is None else f"{imported.module}.{imported.name}"


def test_the_walk_finds_the_packages_and_their_imports() -> None:
    # The checks below pass vacuously if the walk reads nothing: hold it to what is there.
    named_in_the_rules = {*ABOVE_THE_ENGINE, *BELOW_THE_CHANNELS}
    assert named_in_the_rules <= set(PACKAGES), named_in_the_rules - set(PACKAGES)
    found = {(package, imported.module) for package, imported in bot_imports()}
    assert ("channels", "bot.voice") in found  # inside functions: the voice parts load lazily
    assert ("cli", "bot.audit") in found
    assert ("reports", "bot.store") in found


def test_no_module_imports_another_packages_private_module() -> None:
    crossings = [
        f"{imported.source}:{imported.line} imports {named(imported)}"
        for package, imported in bot_imports()
        if imported.module.count(".") >= 1
        and imported.module.split(".")[1] in PACKAGES
        and imported.module.split(".")[1] != package
        and is_private(named(imported))
    ]
    assert not crossings, "use the package's public names instead:\n" + "\n".join(crossings)


def test_names_taken_from_a_package_are_in_its_all() -> None:
    unlisted = []
    for package, imported in bot_imports():
        if imported.name is None or imported.module.count(".") < 1:
            continue
        if imported.module.split(".")[1] == package:
            continue  # a package's own modules may share more than it hands on
        target = importlib.import_module(imported.module)
        if not hasattr(target, "__path__"):
            continue  # a public module, not a package's front door
        listed = set(getattr(target, "__all__", ()))
        submodule = (Path(target.__path__[0]) / f"{imported.name}.py").is_file()
        if imported.name in listed or (submodule and not imported.name.startswith("_")):
            continue
        unlisted.append(f"{imported.source}:{imported.line} takes {named(imported)}")
    assert not unlisted, "add the name to the package's __all__:\n" + "\n".join(unlisted)


def test_voice_uses_only_the_engines_public_names() -> None:
    # The engine's private modules may change shape at any time; voice reads steps and the
    # language pack through bot.engine's and bot.language's public names only.
    import bot.engine

    for package, imported in bot_imports():
        if package != "voice":
            continue
        assert not imported.module.startswith("bot.engine._"), imported
        if imported.module == "bot.engine":
            assert imported.name in bot.engine.__all__, imported


@pytest.mark.parametrize(
    ("importer", "forbidden"),
    [
        *(("engine", above) for above in ABOVE_THE_ENGINE),
        *((below, "channels") for below in BELOW_THE_CHANNELS),
    ],
)
def test_the_layers_hold(importer: str, forbidden: str) -> None:
    # The engine is a pure step function under everything; the channels are an edge that only
    # the command line and the app put together.
    upward = [
        f"{imported.source}:{imported.line} imports {named(imported)}"
        for package, imported in bot_imports()
        if package == importer
        and (
            named(imported) == f"bot.{forbidden}" or named(imported).startswith(f"bot.{forbidden}.")
        )
    ]
    assert not upward, "\n".join(upward)


def test_the_lazy_front_doors_load_nothing_heavy_until_a_name_is_used() -> None:
    # The channels import voice names inside functions so a bot that never hears a voice note
    # never loads the recogniser or PyAV, and the store hashes events through bot.audit without
    # loading cryptography: neither front door may undo that, and every name each lists loads.
    import subprocess
    import sys

    probe = (
        "import sys, bot.voice, bot.audit, bot.store\n"
        "heavy = [m for m in ('bot.voice._recognise', 'bot.voice._listen', 'bot.voice._speak',"
        " 'pocketsphinx', 'av', 'bot.audit._note', 'cryptography') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert all(hasattr(bot.voice, n) for n in bot.voice.__all__)\n"
        "assert all(hasattr(bot.audit, n) for n in bot.audit.__all__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=BOT.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
