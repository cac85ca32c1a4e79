"""The records that flow between stages: read -> extract -> resolve -> assemble.

Frozen dataclasses so a stage can never mutate what an earlier stage produced; every
stage after `ingest` takes and returns these, never raw dicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pipeline.normalize import printable

Relation = Literal["targets", "improves", "outperforms"]
EntityType = Literal["Method", "Hardware", "Metric"]

RELATIONS: tuple[Relation, ...] = ("targets", "improves", "outperforms")

# The eight canonical metrics of the annotation guide, in its order.
CANONICAL_METRICS: tuple[str, ...] = (
    "Speed",
    "Throughput",
    "Memory",
    "Energy",
    "Accuracy",
    "Model size",
    "Computation",
    "Cost",
)


@dataclass(frozen=True)
class Paper:
    """One abstract with the metadata its source gave it."""

    id: str  # arXiv id when known, else "h-" + a short hash of the normalised abstract
    abstract: str  # the abstract as written in the source (after joining hard line breaks)
    title: str | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    venue: str | None = None  # where it appeared: journal-ref, venue, booktitle ("EMNLP 2023")
    date: str | None = None  # ISO 8601 (YYYY-MM-DD or YYYY-MM) when the source gives one
    n_authors: int | None = None
    code_url: str | None = None
    categories: tuple[str, ...] = ()
    source: str = ""  # the file it was read from
    position: int = 0  # 0-based index of the record within that file
    authors: tuple[str, ...] = ()  # names, in the order the source gives them
    comment: str | None = None  # free-text comments ("12 pages, 5 figures"), never the venue


@dataclass(frozen=True)
class Skipped:
    """A record a reader could not turn into a Paper, and why (reported, never fatal)."""

    source: str
    line: int | None  # 1-based line number where it applies
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return printable(f"{where}: {self.reason}")


@dataclass(frozen=True)
class Notice:
    """A record that was kept but changed on the way in (an abstract cut to the limit, ...)."""

    source: str
    line: int | None  # 1-based line number where it applies
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return printable(f"{where}: {self.message}")


@dataclass(frozen=True)
class Entity:
    """A canonical thing: one per IRI. `key` is the IRI slug, stable across runs."""

    type: EntityType
    label: str  # canonical name, the rdfs:label
    key: str  # readable slug of the canonical name, e.g. "nvidia-a100-gpu"
    kind: str | None = None  # Hardware only: the ontology class name (GPU, CPU, FPGA, ...)


@dataclass(frozen=True)
class Figure:
    """A number as stated for a result: "up to 2.31×" -> value 2.31, unit "x"."""

    text: str  # as written in the abstract
    value: float | None = None  # the number (upper end of a range)
    unit: str | None = None  # "x", "%", "KB", "tokens/s", ...
    direction: Literal["increase", "decrease"] | None = None
    qualifier: str | None = None  # "up to", "on average", "over", ...


@dataclass(frozen=True)
class Claim:
    """One stated result: one direct triple, with everything that supports it."""

    paper_id: str
    subject: Entity  # the Method
    relation: Relation
    object: Entity  # Hardware for targets, Metric for improves, Method/Hardware for outperforms
    subject_text: str  # surface forms as written, kept for skos:altLabel
    object_text: str
    sentence: str  # the evidence sentence, as written in the original abstract
    start: int  # character span of the sentence in Paper.abstract
    end: int
    confidence: float = 1.0
    figure: Figure | None = None
    # Context the same sentence states, if any (the hardware and the baseline of a figure).
    hardware: Entity | None = None
    baseline: Entity | None = None
    metric: Entity | None = None


@dataclass(frozen=True)
class Extraction:
    """What the extractor found in one paper."""

    paper: Paper
    methods: tuple[Entity, ...] = ()  # the paper's own (proposed) methods
    claims: tuple[Claim, ...] = ()
    # Every surface form seen for each entity key in this paper (for skos:altLabel).
    surface_forms: tuple[tuple[str, str], ...] = field(default=())  # (entity key, text)
