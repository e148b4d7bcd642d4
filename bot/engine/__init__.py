"""The conversation engine: flows compiled from YAML and a pure step function.

``Engine.step(state, event)`` returns the new state and the effects (replies with buttons, audit
events) for a channel to carry out. Nothing here reads files, the network or the clock: flow
texts, the knowledge base and the time are all handed in.
"""

from bot.engine._compile import (
    RULES,
    Edge,
    Flow,
    FlowError,
    FlowProblem,
    FlowReport,
    FlowSet,
    KnowledgeSource,
    check_flows,
    compile_flows,
)
from bot.engine._confirm import read_confirm
from bot.engine._effects import (
    AUDIT_KINDS,
    AuditEvent,
    AuditKind,
    Button,
    Card,
    Effect,
    Event,
    Press,
    Reply,
    ReplyRole,
    Start,
    SummaryData,
    SummarySection,
    Text,
    Tick,
    speakable,
)
from bot.engine._engine import Engine, StepResult, content_version
from bot.engine._golden import (
    FlowCoverage,
    Position,
    TranscriptError,
    TurnResult,
    check_turn,
    coverage,
    leaks,
    positions,
    protects_first,
    replay,
)
from bot.engine._graph import mermaid
from bot.engine._numbers import read_hours, read_number
from bot.engine._schema import END, STEP_KINDS, FlowFile
from bot.engine._state import (
    DEFAULT_IDLE_SECONDS,
    MIGRATIONS,
    STATE_SCHEMA_VERSION,
    Answer,
    Conversation,
    RaisedFlag,
    StateError,
)
from bot.engine._summary import build_summary, render_summary, summary_data

__all__ = [
    "AUDIT_KINDS",
    "DEFAULT_IDLE_SECONDS",
    "END",
    "MIGRATIONS",
    "RULES",
    "STATE_SCHEMA_VERSION",
    "STEP_KINDS",
    "Answer",
    "AuditEvent",
    "AuditKind",
    "Button",
    "Card",
    "Conversation",
    "Edge",
    "Effect",
    "Engine",
    "Event",
    "Flow",
    "FlowCoverage",
    "FlowError",
    "FlowFile",
    "FlowProblem",
    "FlowReport",
    "FlowSet",
    "KnowledgeSource",
    "Position",
    "Press",
    "RaisedFlag",
    "Reply",
    "ReplyRole",
    "Start",
    "StateError",
    "StepResult",
    "SummaryData",
    "SummarySection",
    "Text",
    "Tick",
    "TranscriptError",
    "TurnResult",
    "build_summary",
    "check_flows",
    "check_turn",
    "compile_flows",
    "content_version",
    "coverage",
    "leaks",
    "mermaid",
    "positions",
    "protects_first",
    "read_confirm",
    "read_hours",
    "read_number",
    "render_summary",
    "replay",
    "speakable",
    "summary_data",
]
