"""England or Wales: a flow's text where the law or the guidance differs between the two.

A force is in one nation or the other, so the nation is a deployment setting (the knowledge
base's ``jurisdiction``), never a question. Anywhere a flow has officer-facing text it may give
it per nation instead of once::

    ask:
      england: "Has social care acknowledged the referral (Working Together 2023)?"
      wales: "Have social services recorded their decision (Wales Safeguarding Procedures)?"

The flow is read for the deployment's nation; with none set, both are shown, each labelled,
and the sentences the two share at the start and the end are said once, so a phone screen
holds both.
A list item (a summary line, a source) that has text for one nation only is left out in the
other.
"""

from __future__ import annotations

import re
from typing import Any, Literal

Nation = Literal["england", "wales"]
NATIONS: tuple[Nation, ...] = ("england", "wales")
LABELS = {"england": "England", "wales": "Wales"}


def per_nation(value: object) -> bool:
    """Whether a YAML value is text given per nation (``{england: ..., wales: ...}``)."""
    return (
        isinstance(value, dict)
        and bool(value)
        and set(value) <= set(NATIONS)
        and all(isinstance(text, str) for text in value.values())
    )


def for_nation(value: Any, nation: Nation | None) -> Any:
    """The flow data as read in ``nation`` (None: both nations, labelled)."""
    if per_nation(value):
        return _choose(value, nation)
    if isinstance(value, dict):
        return {key: for_nation(item, nation) for key, item in value.items()}
    if isinstance(value, list):
        kept = []
        for item in value:
            read = for_nation(item, nation)
            if read == "" or (isinstance(read, dict) and read.get("text") == ""):
                continue  # one nation's line only, and this is the other nation
            kept.append(read)
        return kept
    return value


def one_nation_only(value: Any, path: str = "") -> list[str]:
    """Where text is given for one nation only outside a list: the other would get nothing."""
    found: list[str] = []
    if per_nation(value):
        if set(value) != set(NATIONS):
            found.append(path)
        return found
    if isinstance(value, dict):
        for key, item in value.items():
            found += one_nation_only(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for at, item in enumerate(value):
            if per_nation(item) or (isinstance(item, dict) and per_nation(item.get("text"))):
                continue  # a list item may be one nation's alone
            found += one_nation_only(item, f"{path}[{at}]")
    return found


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")


def _choose(texts: dict[str, str], nation: Nation | None) -> str:
    if nation is not None:
        return " ".join(texts.get(nation, "").split())
    given = [n for n in NATIONS if texts.get(n, "").strip()]
    if len(given) < 2:
        return " ".join(f"{LABELS[n]}: {' '.join(texts[n].split())}" for n in given)
    sentences = [_SENTENCE_END.split(" ".join(texts[n].split())) for n in given]
    if all(s == sentences[0] for s in sentences):
        return " ".join(sentences[0])
    lead = 0
    while all(lead < len(s) - 1 for s in sentences) and len({s[lead] for s in sentences}) == 1:
        lead += 1
    tail = 0
    while (
        all(lead + tail < len(s) - 1 for s in sentences)
        and len({s[-1 - tail] for s in sentences}) == 1
    ):
        tail += 1
    first = sentences[0]
    middle = [
        f"{LABELS[n]}: {' '.join(s[lead : len(s) - tail])}"
        for n, s in zip(given, sentences, strict=True)
    ]
    return " ".join([*first[:lead], *middle, *first[len(first) - tail :]])
