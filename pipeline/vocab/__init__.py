"""Gazetteers shipped as JSONL data: hardware, metric phrases and name stop-lists, and
the word classes (words.jsonl) the spaCy components test tokens against; and by them
which surface forms name an entity (`names_entity`: what may be its skos:altLabel, for
extraction's surface forms and assembly's claim texts alike).

Loaded once per process (they are read-only); the spaCy components build their
matchers from these at initialise time and read their word classes with word_class().
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from pipeline.normalize import match_key, plural_forms
from pipeline.records import CANONICAL_METRICS, Entity


@dataclass(frozen=True)
class HardwareEntry:
    """One gazetteer row: a device class, a named product or a product family."""

    type: str  # "class" | "product" | "family"
    label: str  # canonical label; families carry a "{model}" slot
    kind: str  # ontology class name (GPU, CPU, FPGA, ...); "GPU+EdgeDevice" for a thing of two kinds
    forms: tuple[str, ...] = ()  # class: surface phrases (singular)
    vendor: tuple[str, ...] = ()
    series: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # product: model names
    nouns: tuple[str, ...] = ()  # optional trailing nouns ("GPU", "board")
    pre_nouns: tuple[str, ...] = ()  # words before the name that count as its noun ("laptop 4090 GPU")
    family: tuple[str, ...] = ()  # family: the family word ("RTX", "Xeon")
    model: str | None = None  # family: regex a model token must match
    bare_model: str | None = None  # family: regex for a model named without its family
    require_context: bool = False  # ambiguous short names need a vendor or noun next to them
    noun_required: bool = False
    # Nouns right after it that make it a resource of another device, not a platform: an
    # FPGA's "DSP slices", "DSP resources" are no digital signal processor.
    resource_nouns: frozenset[str] = frozenset()


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
    # Lower-cased metric phrases that find a metric but do not name it ("faster",
    # "accelerates", "cheaper"): the claim's cue, never the metric's skos:altLabel.
    metric_cues: frozenset[str] = frozenset()
    # Lower-cased tasks ("keyword spotting"): what a method is for, never a method, so
    # neither is the acronym a paper gives one ("a keyword spotting (KWS) system").
    tasks: frozenset[str] = frozenset()


@dataclass(frozen=True)
class VocabExtra:
    """A user's additions to the shipped gazetteers (the [vocab] table of effikg.toml).

    `hardware` and `hardware_kinds` are applied by load_vocab(extra=...), before the model
    sees any text; `never_methods` and `merges` after extraction (pipeline.resolve), so
    that they hold whatever the extractor finds.
    """

    hardware: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (label, kind, aliases)
    hardware_kinds: tuple[tuple[str, str], ...] = ()  # (shipped hardware label, kind to give it)
    never_methods: tuple[str, ...] = ()  # names that are never a method
    merges: tuple[tuple[str, str], ...] = ()  # (name as written, the method it is)

    def to_json(self) -> str:
        """Canonical JSON: the same additions always give the same text (and hash)."""
        return json.dumps({
            "hardware": [list(h[:2]) + [list(h[2])] for h in self.hardware],
            "hardware_kinds": [list(k) for k in self.hardware_kinds],
            "never_methods": list(self.never_methods), "merges": [list(m) for m in self.merges],
        }, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> VocabExtra:
        data = json.loads(text) if text else {}
        return cls(
            hardware=tuple((h[0], h[1], tuple(h[2])) for h in data.get("hardware", ())),
            hardware_kinds=tuple((k[0], k[1]) for k in data.get("hardware_kinds", ())),
            never_methods=tuple(data.get("never_methods", ())),
            merges=tuple((m[0], m[1]) for m in data.get("merges", ())),
        )

    @property
    def empty(self) -> bool:
        return not (self.hardware or self.hardware_kinds or self.never_methods or self.merges)


def vocabulary_hash(extra: VocabExtra | None = None) -> str:
    """sha256 of the shipped gazetteers and the user's additions: what a build's vocabulary was."""
    digest = hashlib.sha256()
    for name in ("hardware.jsonl", "metrics.jsonl", "terms.jsonl"):
        digest.update(resources.files("pipeline.vocab").joinpath(name).read_bytes())
    digest.update((extra or VocabExtra()).to_json().encode("utf-8"))
    return digest.hexdigest()


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


def is_hardware_kind(kind: str) -> bool:
    """A kind is one ontology class name, or several joined by "+" (a Jetson module is a
    GPU and an edge device: "GPU+EdgeDevice")."""
    return bool(kind) and all(part in HARDWARE_KINDS for part in kind.split("+"))


def _hardware_entry(row: dict) -> HardwareEntry:
    if not is_hardware_kind(row["kind"]):
        raise ValueError(f"pipeline/vocab/hardware.jsonl: unknown kind {row['kind']!r} for {row['label']!r}")
    return HardwareEntry(
        type=row["type"], label=row["label"], kind=row["kind"],
        forms=tuple(row.get("forms", ())), vendor=tuple(row.get("vendor", ())),
        series=tuple(row.get("series", ())), names=tuple(row.get("names", ())),
        nouns=tuple(row.get("nouns", ())), pre_nouns=tuple(row.get("pre_nouns", ())),
        family=tuple(row.get("family", ())),
        model=row.get("model"), bare_model=row.get("bare_model"),
        require_context=bool(row.get("require_context", False)),
        noun_required=bool(row.get("noun_required", False)),
        resource_nouns=frozenset(w.lower() for w in row.get("resource_nouns", ())),
    )


def load_vocab(extra: VocabExtra | None = None) -> Vocab:
    """All gazetteers, validated, with the user's additions (`extra`) on top."""
    if extra is None or extra.empty:
        return _shipped_vocab()
    return _with_extra(extra)


@lru_cache(maxsize=8)
def _with_extra(extra: VocabExtra) -> Vocab:
    base = _shipped_vocab()
    kinds = dict(extra.hardware_kinds)
    for label, kind in list(kinds.items()) + [(h[0], h[1]) for h in extra.hardware]:
        if not is_hardware_kind(kind):
            raise ValueError(f"hardware {label!r}: unknown kind {kind!r}; use one of {', '.join(sorted(HARDWARE_KINDS))}")
    shipped = [replace(e, kind=kinds.get(e.label, e.kind)) for e in base.hardware]
    added = [HardwareEntry(type="class", label=label, kind=kind, forms=tuple(dict.fromkeys((label, *aliases))))
             for label, kind, aliases in extra.hardware]
    return replace(base, hardware=tuple(added + shipped))  # the user's rows match first


@lru_cache(maxsize=1)
def _shipped_vocab() -> Vocab:
    """All shipped gazetteers, validated."""
    metric_phrases: dict[str, str] = {}
    metric_cues: set[str] = set()
    for row in read_jsonl("metrics.jsonl"):
        if row["metric"] not in CANONICAL_METRICS:
            raise ValueError(f"pipeline/vocab/metrics.jsonl: {row['metric']!r} is not a canonical metric")
        for phrase in row["phrases"]:
            metric_phrases.setdefault(phrase.lower(), row["metric"])
        unknown = [c for c in row.get("cues", ()) if c not in row["phrases"]]
        if unknown:
            raise ValueError(f"pipeline/vocab/metrics.jsonl: {row['metric']!r} cues {unknown} are not among its phrases")
        metric_cues.update(c.lower() for c in row.get("cues", ()))
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
        metric_cues=frozenset(metric_cues),
        tasks=frozenset(terms.get("task", ())),
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


# ------------------------------------------------------------ which forms name an entity


@lru_cache(maxsize=1)
def _naming_keys() -> tuple[dict[str, set[str]], dict[str, str], dict[str, tuple[set[str], set[str]]],
                            frozenset[str]]:
    """(metric -> match keys of its gazetteer phrases but its cues; match key of every device-class
    form -> its class; product or family label -> (match keys of its names, of the words
    that alone do not name it: vendor, family, series, trailing nouns, a name's first word);
    match keys of every vendor)."""
    vocab = load_vocab()
    metric_keys: dict[str, set[str]] = {}
    for phrase, metric in vocab.metric_phrases.items():
        if phrase not in vocab.metric_cues:  # "faster" finds Speed but does not name it
            metric_keys.setdefault(metric, set()).update(match_key(f) for f in plural_forms(phrase))
    class_of = {match_key(p): e.label for e in vocab.hardware if e.type == "class"
                for f in (e.label, *e.forms) for p in plural_forms(f)}
    rows = {}
    vendors: set[str] = set()
    for e in vocab.hardware:
        if e.type != "class":
            names = {match_key(n) for n in e.names}
            partial = {match_key(w) for w in (*e.vendor, *e.family, *e.nouns, *e.series)}
            partial |= {match_key(n.split()[0]) for n in e.names if len(n.split()) > 1}
            rows[e.label] = (names, partial - names)
            vendors.update(match_key(v) for v in e.vendor)
    return metric_keys, class_of, rows, frozenset(vendors)


def names_entity(entity: Entity, text: str) -> bool:
    """Whether a surface form names this entity and may be its skos:altLabel: a metric's
    form must be one of its gazetteer phrases that name it ("latency" for Speed; not
    "outperforms", "superiority" or the cue phrases of metrics.jsonl, "faster",
    "accelerates", which are the claim's cue); a product's form is never a device-class
    word ("GPU" is not Arm Mali GPU) nor its vendor, family or noun alone ("ARM", "DSP",
    "Jetson"); a class's form is never another class's ("GPU" is not Arm GPU) nor a
    vendor's name ("ARM" is not Arm CPU)."""
    metric_keys, class_of, _, vendors = _naming_keys()
    key = match_key(text)
    if entity.type == "Metric":
        return key in metric_keys.get(entity.label, ())
    if entity.type != "Hardware" or key == match_key(entity.label):
        return True
    row = _naming_row(entity.label)
    if row is None:  # a device class, never named by a vendor alone ("ARM" is not Arm CPU)
        return class_of.get(key, entity.label) == entity.label and key not in vendors
    return key not in class_of and key not in row[1]


@lru_cache(maxsize=4096)
def _naming_row(label: str) -> tuple[set[str], set[str]] | None:
    """The naming keys of a product's or family's row (a family's labels hold "{model}");
    None for a device class."""
    rows = _naming_keys()[2]
    return rows.get(label) or next((r for name, r in rows.items() if "{model}" in name
                                    and label.startswith(name.split("{model}")[0])), None)
