"""The shape of a knowledge entry, of the taxonomy it is filed under and of the seed bullets.

The models are strict (unknown fields are refused) so that a typo in a YAML key is caught at
load instead of silently dropping guidance an officer needed, or an inspection bullet a
coverage report should have counted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

KEBAB_CASE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

Jurisdiction = Literal["england", "wales", "both"]


class Entry(BaseModel):
    """One piece of guidance an officer can act on, with where it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: str = Field(description="Unique kebab-case identifier; flows and logs refer to it.")
    stage: str = Field(description="One stage id from the taxonomy.")
    topics: tuple[str, ...] = Field(min_length=1, description="Topic ids from the taxonomy.")
    title: str = Field(min_length=3, max_length=80)
    summary: str = Field(min_length=10, max_length=300, description="One sentence to act on.")
    guidance: tuple[str, ...] = Field(min_length=2, max_length=6, description="What to do.")
    ask_yourself: tuple[str, ...] = Field(min_length=1, description="Prompt questions.")
    terms: tuple[str, ...] = Field(
        default=(), description="Synonyms, slang, abbreviations and misspellings officers use."
    )
    source: tuple[str, ...] = Field(
        min_length=1, description="Seed file and section, or statute or guidance."
    )
    jurisdiction: Jurisdiction
    review_by: dt.date
    related: tuple[str, ...] = Field(default=(), description="Ids of entries worth reading next.")
    traces: tuple[str, ...] = Field(
        default=(), description="Ids of the seed bullets (knowledge/seed-bullets.yaml) it covers."
    )

    @field_validator("id")
    @classmethod
    def _id_is_kebab_case(cls, value: str) -> str:
        if not KEBAB_CASE.match(value):
            raise ValueError("must be kebab-case: lower-case letters, digits and single hyphens")
        return value

    @field_validator("source")
    @classmethod
    def _sources_not_blank(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not item.strip() for item in value):
            raise ValueError("a source must name a seed and section, or a statute or guidance")
        return value

    @field_validator("source", "topics", "guidance", "ask_yourself", "terms", mode="before")
    @classmethod
    def _one_string_is_a_list_of_one(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


@dataclass(frozen=True)
class Taxonomy:
    """Stage and topic identifiers: the contract shared by knowledge, flows and reports."""

    stages: dict[str, str]
    topics: dict[str, str]
    topic_stage: dict[str, str] = field(default_factory=dict)


class _Strict(BaseModel):
    """Unknown fields refused and blank text refused, as for entries: a slip is caught at load."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Stage(_Strict):
    """One stage of the child's journey, as ``knowledge/taxonomy.yaml`` defines it."""

    title: str = Field(min_length=1)
    source: str = Field(min_length=1, description="Seed and section the stage comes from.")


class Topic(_Strict):
    """One topic, filed under one stage, as ``knowledge/taxonomy.yaml`` defines it."""

    stage: str = Field(min_length=1, description="The id of the stage it belongs to.")
    what: str = Field(min_length=1, description="What the topic covers, in a phrase.")
    source: str = Field(min_length=1)


class TaxonomyFile(_Strict):
    """The whole of ``knowledge/taxonomy.yaml``, checked before anything relies on its ids."""

    stages: dict[str, Stage] = Field(min_length=1)
    topics: dict[str, Topic] = Field(min_length=1)

    def taxonomy(self) -> Taxonomy:
        """The ids and their descriptions, as the rest of guidebot reads them."""
        return Taxonomy(
            stages={key: stage.title for key, stage in self.stages.items()},
            topics={key: topic.what for key, topic in self.topics.items()},
            topic_stage={key: topic.stage for key, topic in self.topics.items()},
        )


class SeedBullet(_Strict):
    """One inspection expectation (seed 001 bullet or seed 003 row) that entries trace to."""

    id: str = Field(min_length=1)
    seed: str = Field(min_length=1, description="The seed document, quoted: '001', not 001.")
    section: str = Field(min_length=1)
    text: str = Field(min_length=1, description="Quoted from the seed.")
    out_of_scope: str | None = Field(
        default=None, min_length=1, description="Why it does not bear on frontline practice."
    )


class SeedBulletsFile(_Strict):
    """The whole of ``knowledge/seed-bullets.yaml``."""

    bullets: tuple[SeedBullet, ...] = Field(min_length=1)
