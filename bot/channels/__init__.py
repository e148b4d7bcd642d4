"""Channels carry the engine's effects out (the console now, Telegram later).

This is the edge where files are read: the engine itself is handed flow texts, never paths.
"""

from __future__ import annotations

from pathlib import Path

from bot.engine import FlowReport, FlowSet, KnowledgeSource, check_flows, compile_flows

FLOW_SUFFIXES = (".yaml", ".yml")


def default_conversations_dir() -> Path:
    """The flows shipped with guidebot: the source tree's, else the copy inside the wheel."""
    package_root = Path(__file__).resolve().parents[1]
    for candidate in (
        package_root.parent / "conversations",
        package_root / "_data" / "conversations",
    ):
        if candidate.is_dir() and any(candidate.glob("*.yaml")):
            return candidate
    raise FileNotFoundError(
        "guidebot's conversations folder is missing. Reinstall guidebot, or pass --flows DIR."
    )


def read_flow_sources(directory: Path | None = None) -> dict[str, str]:
    """Every flow file in a folder as ``{display name: text}``, named as messages show them.

    Raises:
        FileNotFoundError: the folder does not exist or holds no flow files.
    """
    root = directory or default_conversations_dir()
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a folder of conversation flows.")
    files = sorted(p for p in root.iterdir() if p.suffix in FLOW_SUFFIXES and p.is_file())
    if not files:
        raise FileNotFoundError(f"{root} holds no flow files (*.yaml).")
    return {f"{root.name}/{path.name}": path.read_text(encoding="utf-8") for path in files}


def load_flows(knowledge: KnowledgeSource, directory: Path | None = None) -> FlowSet:
    """Read, validate and compile a folder of flows.

    Raises:
        FileNotFoundError: no flows to read.
        FlowError: a flow has fatal problems; the error lists them all.
    """
    return compile_flows(read_flow_sources(directory), knowledge)


def check_flow_folder(
    knowledge: KnowledgeSource, directory: Path | None = None
) -> tuple[FlowSet, FlowReport]:
    """Read and check a folder of flows, returning every problem instead of raising."""
    return check_flows(read_flow_sources(directory), knowledge)


__all__ = ["check_flow_folder", "default_conversations_dir", "load_flows", "read_flow_sources"]
