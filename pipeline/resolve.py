"""Surface forms -> canonical records.Entity with a stable, readable slug key.

Hardware is canonicalised by the gazetteer row it matched ("A100", "Tesla A100 GPUs" ->
"NVIDIA A100 GPU"); metrics by the eight canonical labels; methods by a case- and
punctuation-insensitive key ("SARATHI" and "Sarathi" share one), so that distinct names
("MCUNet" / "MCUNetV2", "A100" / "A6000") stay distinct.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.normalize import match_key
from pipeline.records import CANONICAL_METRICS, Entity, Extraction
from pipeline.terms import slugify
from pipeline.vocab import HardwareEntry, VocabExtra


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


def apply_vocab_extra(extraction: Extraction, extra: VocabExtra | None) -> Extraction:
    """The user's never-methods dropped and forced merges made, after extraction.

    A method named in `never_methods` (matched as the annotation guide matches names)
    is no longer proposed, and every claim it is the method or the object of is dropped;
    a name in `merges` becomes the method it is merged into, its spelling kept as an alias.
    """
    if extra is None or (not extra.never_methods and not extra.merges):
        return extraction
    never = {match_key(n) for n in extra.never_methods}
    into = {match_key(alias): to_method_entity(target) for alias, target in extra.merges}

    def fix(entity: Entity | None) -> Entity | None:
        if entity is None or entity.type != "Method":
            return entity
        if match_key(entity.label) in never or entity.key in never:
            return None
        return into.get(match_key(entity.label), entity)

    renamed = {e.key: fixed.key for e in _methods_of(extraction) if (fixed := fix(e)) is not None}
    claims = []
    for claim in extraction.claims:
        subject, obj = fix(claim.subject), fix(claim.object)
        if subject is None or obj is None:
            continue
        claims.append(replace(claim, subject=subject, object=obj, baseline=fix(claim.baseline)))
    methods = tuple(dict.fromkeys(m for m in map(fix, extraction.methods) if m is not None))
    forms = tuple(sorted({(renamed[k], t) if k in renamed else (k, t) for k, t in extraction.surface_forms}))
    return replace(extraction, methods=methods, claims=tuple(claims), surface_forms=forms)


def _methods_of(extraction: Extraction) -> list[Entity]:
    found = list(extraction.methods)
    for claim in extraction.claims:
        found += [e for e in (claim.subject, claim.object, claim.baseline) if e is not None and e.type == "Method"]
    return found
