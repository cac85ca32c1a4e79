"""Gazetteers shipped as JSONL data: hardware, metric phrases and name stop-lists, and
the word classes (words.jsonl) the spaCy components test tokens against.

Loaded once per process (they are read-only); the spaCy components build their
matchers from these at initialise time and read their word classes with word_class().
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from pipeline.records import CANONICAL_METRICS


@dataclass(frozen=True)
class HardwareEntry:
    """One gazetteer row: a device class, a named product or a product family."""

    type: str  # "class" | "product" | "family"
    label: str  # canonical label; families carry a "{model}" slot
    kind: str  # ontology class name (GPU, CPU, FPGA, ...)
    forms: tuple[str, ...] = ()  # class: surface phrases (singular)
    vendor: tuple[str, ...] = ()
    series: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # product: model names
    nouns: tuple[str, ...] = ()  # optional trailing nouns ("GPU", "board")
    family: tuple[str, ...] = ()  # family: the family word ("RTX", "Xeon")
    model: str | None = None  # family: regex a model token must match
    bare_model: str | None = None  # family: regex for a model named without its family
    require_context: bool = False  # ambiguous short names need a vendor or noun next to them
    noun_required: bool = False


@dataclass(frozen=True)
class Vocab:
    hardware: tuple[HardwareEntry, ...]
    metric_phrases: dict[str, str]  # lower-cased phrase -> canonical metric
    not_a_name: frozenset[str]  # lower-cased
    datasets: frozenset[str]  # lower-cased
    object_models: frozenset[str]  # lower-cased
    generic_heads: frozenset[str]  # lower-cased
    stop_exact: frozenset[str] = frozenset()  # not_a_name + datasets as written ("GitHub", "BraTS")
    software: frozenset[str] = frozenset()  # libraries: never proposed, may be beaten ("PyTorch")


HARDWARE_KINDS = frozenset(
    {"GPU", "CPU", "FPGA", "ASIC", "NPU", "Microcontroller", "EdgeDevice", "MobileDevice", "InMemoryComputing"}
)


def read_jsonl(name: str) -> list[dict]:
    """Rows of one JSONL file shipped in this package; a bad line names the file and line."""
    text = resources.files("pipeline.vocab").joinpath(name).read_text(encoding="utf-8")
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise ValueError(f"pipeline/vocab/{name}:{number}: invalid JSON ({err.msg})") from None
    return rows


def _hardware_entry(row: dict) -> HardwareEntry:
    if row["kind"] not in HARDWARE_KINDS:
        raise ValueError(f"pipeline/vocab/hardware.jsonl: unknown kind {row['kind']!r} for {row['label']!r}")
    return HardwareEntry(
        type=row["type"], label=row["label"], kind=row["kind"],
        forms=tuple(row.get("forms", ())), vendor=tuple(row.get("vendor", ())),
        series=tuple(row.get("series", ())), names=tuple(row.get("names", ())),
        nouns=tuple(row.get("nouns", ())), family=tuple(row.get("family", ())),
        model=row.get("model"), bare_model=row.get("bare_model"),
        require_context=bool(row.get("require_context", False)),
        noun_required=bool(row.get("noun_required", False)),
    )


@lru_cache(maxsize=1)
def load_vocab() -> Vocab:
    """All gazetteers, validated."""
    metric_phrases: dict[str, str] = {}
    for row in read_jsonl("metrics.jsonl"):
        if row["metric"] not in CANONICAL_METRICS:
            raise ValueError(f"pipeline/vocab/metrics.jsonl: {row['metric']!r} is not a canonical metric")
        for phrase in row["phrases"]:
            metric_phrases.setdefault(phrase.lower(), row["metric"])
    terms: dict[str, set[str]] = {}
    exact: set[str] = set()
    software: set[str] = set()
    for row in read_jsonl("terms.jsonl"):
        terms.setdefault(row["kind"], set()).update(w.lower() for w in row["words"])
        if row["kind"] in {"not_a_name", "dataset"}:
            exact.update(row["words"])
        if row["kind"] == "software":
            software.update(row["words"])
    return Vocab(
        hardware=tuple(_hardware_entry(r) for r in read_jsonl("hardware.jsonl")),
        metric_phrases=metric_phrases,
        not_a_name=frozenset(terms.get("not_a_name", ())),
        datasets=frozenset(terms.get("dataset", ())),
        object_models=frozenset(terms.get("object_model", ())),
        generic_heads=frozenset(terms.get("generic_head", ())),
        stop_exact=frozenset(exact),
        software=frozenset(software),
    )


@lru_cache(maxsize=1)
def word_classes() -> dict[str, frozenset[str]]:
    """Every word class of words.jsonl by name: the closed word lists (beat verbs, change
    words, keeping-quality words, generic heads, ...) the spaCy components test tokens
    against. Words are lower-case unless the row says "cased"."""
    classes: dict[str, frozenset[str]] = {}
    for row in read_jsonl("words.jsonl"):
        if row["class"] in classes:
            raise ValueError(f"pipeline/vocab/words.jsonl: class {row['class']!r} is defined twice")
        classes[row["class"]] = frozenset(row["words"])
    return classes


def word_class(name: str) -> frozenset[str]:
    """One word class of words.jsonl ("beat_verbs" -> the lemmas of the beat verbs)."""
    try:
        return word_classes()[name]
    except KeyError:
        raise KeyError(f"no word class {name!r} in pipeline/vocab/words.jsonl") from None
