"""A mention as extraction names it: the Entity record with its key within the paper.

Hardware is named by the gazetteer row it matched ("A100", "Tesla A100 GPUs" -> "NVIDIA
A100 GPU"); metrics by the eight canonical labels; methods by a case- and
punctuation-insensitive key (`pipeline.terms.method_key`: "SARATHI" and "Sarathi" share
one), so that distinct names ("MCUNet" / "MCUNetV2", "A100" / "A6000") stay distinct.
The corpus-wide choice of each entity's label, and merges, are `pipeline.resolve`'s.
"""

from __future__ import annotations

from pipeline.normalize import canonical_method_label
from pipeline.records import CANONICAL_METRICS, Entity
from pipeline.terms import method_key, slugify
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


def to_method_entity(text: str) -> Entity:
    """The Method entity for a name as written; the label keeps the paper's spelling."""
    return Entity(type="Method", label=canonical_method_label(text), key=method_key(text))
