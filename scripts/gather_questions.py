"""Write knowledge/questions.yaml: the read evaluation sets' labelled questions, for learning.

The matcher's learnt second opinion (bot/knowledge/_learnt.py) is trained on officers'
questions that people have labelled with their topics. Those are the evaluation sets already
read for development: the sealed sets (blind15, blind16 and any the lead names)
are never gathered, so they still measure the product on words it never learnt from. Rerun
after a read set changes:

    .venv/bin/python scripts/gather_questions.py
    .venv/bin/python benchmarks/choose_gates.py --write

then choose the learnt opinion's gates again (the second line, knowledge/gates.json): they fit
the belief it learnt from the old questions, and one more set shifts that belief.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_accuracy import READ_SETS, SEALED, SETS, read_set  # noqa: E402

OUTPUT = ROOT / "knowledge" / "questions.yaml"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main() -> int:
    """Gather the read sets into the one file the matcher learns from."""
    if SEALED & set(READ_SETS):
        raise SystemExit("a sealed set is listed as read; it must never be learnt from")
    lines = [
        "# Officers' questions labelled with their taxonomy topics, and off-topic messages, that",
        "# the matcher learns its second opinion from (bot/knowledge/_learnt.py). Gathered by",
        "# scripts/gather_questions.py from the evaluation sets already read for development:",
        "# " + ", ".join(READ_SETS) + ". Sealed sets are never gathered. Do not edit: change the",
        "# sets and rerun the script.",
        "questions:",
    ]
    off_topic: list[str] = []
    for name in READ_SETS:
        eval_set = read_set(name, SETS[name])
        lines.append(f"  # {name}")
        for case in eval_set.cases:
            lines.append(f"  - {{text: {_quoted(case.text)}, topics: [{', '.join(case.topics)}]}}")
        off_topic += [text for text in (*eval_set.negatives, *eval_set.near_misses) if text.strip()]
    lines.append("off_topic:")
    lines += [f"  - {_quoted(text)}" for text in off_topic]
    OUTPUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT}; now choose the gates again: benchmarks/choose_gates.py --write")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
