"""The resolve stage, between extraction and assembly: the names extraction found, made the
entities the graph holds.

Extraction names each mention within its paper (`pipeline.nlp.entities`: a method by its
case- and plural-insensitive key, hardware by its gazetteer row, a metric by its canonical
label). Resolution settles them, in two steps:

- a paper (`resolve_paper`): the user's never-methods dropped and forced merges made
  (`apply_vocab_extra`), and a coined name's typo merged with the name it misspells
  (`merge_typos`: "IncepitonNeXt" and "InceptionNeXt" in one abstract are one method);
- the corpus (`resolve_corpus`): one extraction a paper id, and each method's and
  hardware's one label (the most frequent across the corpus, ties to the alphabetically
  first), kind and other labels, as a `Resolution` that assembly (`pipeline.graph`) only
  writes out.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from itertools import combinations

from pipeline.normalize import match_key
from pipeline.records import Entity, Extraction
from pipeline.vocab import VocabExtra

EntityId = tuple[str, str]  # (type, key): one IRI


@dataclass(frozen=True)
class Canonical:
    """One method's or hardware's name as the corpus settles it."""

    label: str  # the rdfs:label
    kind: str | None = None  # Hardware: the ontology class name the records give it most
    aliases: tuple[str, ...] = ()  # the other labels records gave it, sorted


@dataclass(frozen=True)
class Resolution:
    """The corpus, resolved: what assembly turns into triples."""

    extractions: tuple[Extraction, ...]  # one a paper id, sorted by id
    entities: Mapping[EntityId, Canonical]  # every method and hardware of those

    def canonical(self, entity: Entity) -> Canonical:
        """The settled name of a method or hardware entity."""
        return self.entities[(entity.type, entity.key)]


def resolve(extractions: Iterable[Extraction], extra: VocabExtra | None = None) -> Resolution:
    """Every paper settled (`resolve_paper`, with the user's `extra`), then the corpus."""
    return resolve_corpus(resolve_paper(e, extra) for e in extractions)


def resolve_paper(extraction: Extraction, extra: VocabExtra | None = None) -> Extraction:
    """What one abstract settles: the user's never-methods and merges, then typo merges."""
    return merge_typos(apply_vocab_extra(extraction, extra))


def resolve_corpus(extractions: Iterable[Extraction]) -> Resolution:
    """One extraction a paper id and each entity's label, kind and aliases, over papers
    `resolve_paper` has settled. Every mention a paper makes (a proposed method, an end
    or a context of a distinct claim) is one vote for the label it carries."""
    picked = pick_extractions(extractions)
    return Resolution(tuple(picked), corpus_entities(picked))


def corpus_entities(extractions: Iterable[Extraction]) -> dict[EntityId, Canonical]:
    """Each method's and hardware's label, kind and aliases, voted over `extractions` (one
    a paper id) as they stream past (`NameVotes`)."""
    votes = NameVotes()
    for extraction in extractions:
        votes.add(extraction)
    return votes.entities()


class NameVotes:
    """The corpus's votes for each method's and hardware's label and kind, a paper at a
    time: only the votes are held, so a build settles the names as the NLP hands each
    paper over, without keeping or re-reading the papers."""

    def __init__(self) -> None:
        self.labels: dict[EntityId, Counter[str]] = defaultdict(Counter)
        self.kinds: dict[EntityId, Counter[str]] = defaultdict(Counter)

    def add(self, extraction: Extraction) -> None:
        for entity in _mentions(extraction):
            if entity.type != "Metric":  # metrics are the ontology's, labels and all
                self.labels[(entity.type, entity.key)][entity.label] += 1
                if entity.kind:
                    self.kinds[(entity.type, entity.key)][entity.kind] += 1

    def entities(self) -> dict[EntityId, Canonical]:
        entities = {}
        for eid, votes in self.labels.items():
            label = _most_frequent(votes)
            kind = _most_frequent(self.kinds[eid]) if self.kinds.get(eid) else None
            entities[eid] = Canonical(label, kind, tuple(sorted(set(votes) - {label})))
        return entities


def pick_extractions(extractions: Iterable[Extraction]) -> list[Extraction]:
    """One extraction per paper id, sorted by id; duplicates resolved independently of order."""
    by_id: dict[str, list[Extraction]] = defaultdict(list)
    for extraction in extractions:
        by_id[extraction.paper.id].append(extraction)
    return [
        min(group, key=lambda e: (e.paper.source, e.paper.position, e.paper.abstract))
        for _, group in sorted(by_id.items())
    ]


def _most_frequent(votes: Counter[str]) -> str:
    """The most frequent value; ties go to the alphabetically first."""
    return min(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _mentions(extraction: Extraction) -> Iterator[Entity]:
    """Every entity a paper mentions, once a proposal and once a role of a distinct claim."""
    yield from extraction.methods
    for claim in set(extraction.claims):
        yield from (e for e in (claim.subject, claim.object, claim.hardware, claim.baseline, claim.metric)
                    if e is not None)


def apply_vocab_extra(extraction: Extraction, extra: VocabExtra | None) -> Extraction:
    """The user's never-methods dropped and forced merges made, after extraction.

    A method named in `never_methods` (matched as the annotation guide matches names)
    is no longer proposed, and every claim it is the method or the object of is dropped;
    a name in `merges` becomes the method it is merged into, its spelling kept as an alias.
    """
    if extra is None or (not extra.never_methods and not extra.merges):
        return extraction
    from pipeline.nlp.entities import to_method_entity  # here: the package loads spaCy

    never = {match_key(n) for n in extra.never_methods}
    into = {match_key(alias): to_method_entity(target) for alias, target in extra.merges}

    def fix(entity: Entity) -> Entity | None:
        if match_key(entity.label) in never or entity.key in never:
            return None
        return into.get(match_key(entity.label), entity)

    return _rename_methods(extraction, fix)


def _rename_methods(extraction: Extraction, fix: Callable[[Entity], Entity | None]) -> Extraction:
    """Every method entity of a paper replaced by fix(entity); a claim whose method or
    object it drops (None) goes with it, a surface form follows its entity's new key."""
    def fixed(entity: Entity | None) -> Entity | None:
        return fix(entity) if entity is not None and entity.type == "Method" else entity

    renamed = {e.key: f.key for e in _methods_of(extraction) if (f := fixed(e)) is not None}
    claims = []
    for claim in extraction.claims:
        subject, obj = fixed(claim.subject), fixed(claim.object)
        if subject is None or obj is None:
            continue
        claims.append(replace(claim, subject=subject, object=obj, baseline=fixed(claim.baseline)))
    methods = tuple(dict.fromkeys(m for m in map(fixed, extraction.methods) if m is not None))
    forms = tuple(sorted({(renamed[k], t) if k in renamed else (k, t) for k, t in extraction.surface_forms}))
    return replace(extraction, methods=methods, claims=tuple(claims), surface_forms=forms)


def _methods_of(extraction: Extraction) -> list[Entity]:
    found = list(extraction.methods)
    for claim in extraction.claims:
        found += [e for e in (claim.subject, claim.object, claim.baseline) if e is not None and e.type == "Method"]
    return found


# A coined name as a typo may spoil it: one word of letters and digits, six or more, with
# a capital inside it after a lower-case letter ("InceptionNeXt", "FlashAttention").
_COINED = re.compile(r"(?=[A-Za-z0-9]*[a-z][A-Z])[A-Za-z0-9]{6,}")


def is_typo_of(a: str, b: str) -> bool:
    """Whether two coined names in one abstract are one name, one of them misspelt: one or
    two letters changed, added or dropped, or two neighbours swapped ("IncepitonNeXt" /
    "InceptionNeXt"), the capitals, the digits, the first three and the last two
    characters all the same. So "MCUNet" / "MCUNetV2", "ResNet18" / "ResNet50" and
    "DeepSpeed" / "DeepSpeech" stay apart."""
    if a == b or not (_COINED.fullmatch(a) and _COINED.fullmatch(b)):
        return False
    if a[:3] != b[:3] or a[-2:] != b[-2:] or a.lower() == b.lower():
        return False
    if re.sub(r"[^A-Z]", "", a) != re.sub(r"[^A-Z]", "", b) or re.findall(r"\d+", a) != re.findall(r"\d+", b):
        return False
    return _edit_distance(a, b) <= 2


def _edit_distance(a: str, b: str) -> int:
    """Edits (a change, an addition, a removal, or a swap of neighbours) from a to b."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def merge_typos(extraction: Extraction) -> Extraction:
    """A coined method name misspelt in the same abstract (`is_typo_of`) merged into the
    spelling the paper's title and abstract use more often, the typo kept as an alias; a
    tie merges nothing, as there is then no telling which is the typo."""
    by_key: dict[str, Entity] = {}
    for entity in _methods_of(extraction):
        by_key.setdefault(entity.key, entity)
    text = f"{extraction.paper.title or ''}\n{extraction.paper.abstract}"
    into: dict[str, Entity] = {}
    for a, b in combinations(sorted(by_key.values(), key=lambda e: e.key), 2):
        if is_typo_of(a.label, b.label):
            uses = text.count(a.label), text.count(b.label)
            if uses[0] != uses[1]:
                typo, name = (a, b) if uses[0] < uses[1] else (b, a)
                into.setdefault(typo.key, name)
    if not into:
        return extraction
    for key, name in into.items():  # a typo of a typo: to the end of the chain (uses only grow)
        while name.key in into:
            name = into[name.key]
        into[key] = name
    merged = _rename_methods(extraction, lambda e: into.get(e.key, e))
    typos = {(into[e.key].key, e.label) for e in _methods_of(extraction) if e.key in into}
    return replace(merged, surface_forms=tuple(sorted(set(merged.surface_forms) | typos)))
