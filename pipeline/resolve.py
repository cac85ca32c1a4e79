"""Surface forms -> canonical records.Entity with a stable, readable slug key.

Hardware is canonicalised by the gazetteer row it matched ("A100", "Tesla A100 GPUs" ->
"NVIDIA A100 GPU"); metrics by the eight canonical labels; methods by a case- and
punctuation-insensitive key ("SARATHI" and "Sarathi" share one), so that distinct names
("MCUNet" / "MCUNetV2", "A100" / "A6000") stay distinct.
"""

from __future__ import annotations

import re

from pipeline.records import CANONICAL_METRICS, Entity
from pipeline.terms import slugify
from pipeline.vocab import HardwareEntry


def to_metric_entity(metric: str) -> Entity:
    """The Metric entity of a canonical metric label ("Model size" -> key "model-size")."""
    if metric not in CANONICAL_METRICS:
        raise ValueError(f"not a canonical metric: {metric!r}")
    return Entity(type="Metric", label=metric, key=slugify(metric))


def to_hardware_entity(entry: HardwareEntry, model: str | None = None) -> Entity:
    """The Hardware entity a gazetteer row stands for (families filled with their model)."""
    label = entry.label
    if "{model}" in label:
        label = label.format(model=(model or "").strip()).replace("  ", " ").strip()
    return Entity(type="Hardware", label=label, key=slugify(label), kind=entry.kind)


_TRAILING_HEADS = re.compile(
    r"\s+(?:method|approach|framework|system|model|models|technique|algorithm|architecture|"
    r"network|networks|scheme|strategy|engine|library|compiler|accelerator|module|design)$",
    re.IGNORECASE,
)


def canonical_method_label(text: str) -> str:
    """A method name as it should be labelled: whitespace normalised, no generic head."""
    text = re.sub(r"\s+", " ", text).strip(" ,.;:'\"()[]")
    stripped = _TRAILING_HEADS.sub("", text)
    return stripped if stripped else text


# A coined name in the plural: CamelCase or an acronym with a lower-case "s" ("HaloNets",
# "PCBMs"), not a word that ends in s ("Petals") nor an acronym ending in S ("ACS").
_CODED_PLURAL = re.compile(r"^(?=\S*(?:[a-z][A-Z]|[A-Z]{2}))\S{3,}[^s\s]s$")


def method_key(text: str) -> str:
    """Case- and plural-insensitive slug of a method name: "SARATHI" and "Sarathi" ->
    "sarathi"; "HaloNets" and "HaloNet" -> "halonet"; "MCUNet" and "MCUNetV2" stay apart."""
    label = canonical_method_label(text)
    return slugify(label[:-1] if _CODED_PLURAL.match(label) else label)


def to_method_entity(text: str) -> Entity:
    """The Method entity for a name as written; the label keeps the paper's spelling."""
    return Entity(type="Method", label=canonical_method_label(text), key=method_key(text))
