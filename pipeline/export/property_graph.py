"""The built RDF graph as a labelled property graph, shared by the Neo4j and GraphML exports.

Mapping (documented for users in the Neo4j README):

- Every instance of an effikg class other than Claim and Assertion becomes a node: papers,
  methods, hardware and metrics. Its labels are the local names of its effikg classes
  (`Method`, `Baseline`, `Hardware`, `GPU`, ...); its properties are its literal values
  keyed by local name (`label`, `altLabel`, `title`, ...), plus `iri`.
- `ekg:proposes` becomes a PROPOSES relationship.
- Each Claim becomes one TARGETS / IMPROVES / OUTPERFORMS relationship from its method to
  the object of the direct triple it supports, carrying what the claim says: `figure` (as
  written), `value`, `unit`, `direction`, `evidence` (the sentence), its span, `confidence`,
  `paper` (the paper's IRI), `claim` (the claim's IRI), `support` (how many papers state
  the direct triple) and any context hardware / metric / baseline as IRIs. A direct triple
  that several claims support therefore becomes several parallel relationships; a direct
  triple with no claim becomes one relationship without claim properties. Claims and
  Assertions are not nodes: nothing they hold is lost, it sits on the relationships.
"""

from __future__ import annotations

from collections import Counter, defaultdict
import pickle
import tempfile
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

from pipeline.terms import EKG, PREFIXES

Value = str | int | float | bool | tuple[str, ...] | tuple[int, ...] | tuple[float, ...]

RELATIONSHIP_TYPES: dict[str, str] = {
    "proposes": "PROPOSES",
    "targets": "TARGETS",
    "improves": "IMPROVES",
    "outperforms": "OUTPERFORMS",
}
NOT_NODES = frozenset({"Claim", "Assertion"})
# The label a node is matched by, most general first; "Resource" for untyped endpoints.
PRIMARY_LABELS: tuple[str, ...] = ("Paper", "Method", "Hardware", "Metric")
FALLBACK_LABEL = "Resource"
# Literal properties that hold several values by nature, always lists.
ALWAYS_LISTS = frozenset({"altLabel"})

_INTEGERS = {XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.int, XSD.long,
             XSD.short, XSD.negativeInteger, XSD.nonPositiveInteger, XSD.unsignedInt,
             XSD.unsignedLong}
_FLOATS = {XSD.decimal, XSD.double, XSD.float}
# Claim properties that are structure, not payload: already the relationship's ends.
# Predicates as plain strings: the mapping compares str(predicate), and an rdflib URIRef
# is never equal to the str of the same IRI, so a set of one would not find the other.
_EKG = str(EKG)
_CLAIM_STRUCTURE = {str(EKG.method), str(EKG.supports), str(EKG.relation), str(RDF.type)}
_CLAIM_RENAMES = {str(EKG.figureText): "figure", str(PROV.wasDerivedFrom): "paper"}
_CONTEXT = {str(EKG.hardware): "hardware", str(EKG.metric): "metric", str(EKG.baseline): "baseline"}
# What a node's values leave out: its types and its relations (those are relationships).
_NOT_VALUES = frozenset({str(RDF.type), *(str(EKG[r]) for r in RELATIONSHIP_TYPES)})


@dataclass(frozen=True)
class Node:
    id: str  # the IRI
    labels: tuple[str, ...]  # primary label first, the others sorted
    properties: tuple[tuple[str, Value], ...]

    @property
    def label(self) -> str:
        return self.labels[0]


@dataclass(frozen=True)
class Edge:
    start: str
    type: str  # TARGETS, IMPROVES, OUTPERFORMS, PROPOSES
    end: str
    properties: tuple[tuple[str, Value], ...]


_BOOLEAN = XSD.boolean


def to_python(literal: Literal) -> str | int | float | bool:
    """A literal as a property value: numbers stay numbers, everything else its lexical form."""
    datatype = literal.datatype
    if datatype in _INTEGERS:
        try:
            return int(str(literal))
        except ValueError:
            pass
    elif datatype in _FLOATS:
        try:
            return float(str(literal))
        except ValueError:
            pass
    elif datatype == _BOOLEAN and str(literal) in ("true", "false", "1", "0"):
        return str(literal) in ("true", "1")
    return str(literal)


def local_name(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[cut + 1 :] or iri


@lru_cache(maxsize=1024)
def _claim_key(predicate: str) -> str:
    """A claim property's key (the graph has a few dozen predicates; a claim is read for each)."""
    return _CLAIM_RENAMES.get(predicate) or local_name(predicate)


def _keys_for(predicates: set[str]) -> dict[str, str]:
    """predicate IRI -> property key: its local name, prefixed when two share one."""
    keys: dict[str, str] = {}
    taken: set[str] = set()
    for pred in sorted(predicates, key=lambda p: (not p.startswith(_EKG), p)):
        key = local_name(pred)
        if key in taken or key == "iri":
            prefix = next((p for p, ns in sorted(PREFIXES.items()) if pred.startswith(ns)), "x")
            key = f"{prefix}_{key}"
        taken.add(key)
        keys[pred] = key
    return keys


def _pack(values: dict[str, list[str | int | float | bool]], lists: set[str]) -> tuple[tuple[str, Value], ...]:
    packed: list[tuple[str, Value]] = []
    for key in sorted(values):
        vals = values[key]
        if len(vals) > 1:  # (most keys hold one value: nothing to sort)
            vals = sorted(vals, key=lambda v: (str(type(v)), v))
        if key in lists or len(vals) > 1:
            # Neo4j arrays hold one type; mixed values fall back to their text.
            if len({type(v) for v in vals}) > 1:
                vals = sorted(str(v) for v in vals)
            packed.append((key, tuple(vals)))  # type: ignore[arg-type]
        else:
            packed.append((key, vals[0]))
    return tuple(packed)


def _node_labels(types: set[str]) -> tuple[str, ...]:
    names = {local_name(t) for t in types if t.startswith(_EKG)} - NOT_NODES
    primary = next((p for p in PRIMARY_LABELS if p in names), None)
    if primary is None:
        primary = min(names) if names else FALLBACK_LABEL
    return (primary, *sorted(names - {primary}))


def _node_values(graph: rdflib.Graph, node_id: str) -> list[tuple[str, str | int | float | bool]]:
    """(predicate, value) of a node's literal and IRI values, relations and types left out."""
    skip = _NOT_VALUES
    raw: list[tuple[str, str | int | float | bool]] = []
    for pred, obj in graph.predicate_objects(URIRef(node_id)):
        if str(pred) in skip:
            continue
        if isinstance(obj, Literal):
            raw.append((str(pred), to_python(obj)))
        elif isinstance(obj, URIRef):
            # links to things that are not nodes (rdfs:seeAlso, skos:inScheme): keep the IRI
            raw.append((str(pred), str(obj)))
    return raw


def _claim_properties(graph: rdflib.Graph, claim: URIRef, obj: str) -> dict[str, list[str | int | float | bool]]:
    props: dict[str, list[str | int | float | bool]] = defaultdict(list)
    props["claim"].append(str(claim))
    for pred, value in graph.predicate_objects(claim):
        p = str(pred)
        if p in _CLAIM_STRUCTURE:
            continue
        if p in _CONTEXT:
            if str(value) != obj:
                props[_CONTEXT[p]].append(str(value))
            continue
        props[_claim_key(p)].append(to_python(value) if isinstance(value, Literal) else str(value))
    return props


class PropertyGraphStream:
    """The property graph of a graph (a Graph or a store's view), made node by node and
    relationship by relationship. The graph is read once, when the stream is made: each
    node's values and each relationship's properties are spooled to a temporary file (in
    `work`, default the system's temporary folder) as they are read, and `nodes()` and
    `edges()` read that file back, as often as they are called. What the stream holds in
    memory is the nodes' ids and labels and the direct triples' ends, never their
    properties, so an exporter can write a graph of any size."""

    def __init__(self, graph: rdflib.Graph, work: Path | None = None) -> None:
        qualified = {str(s) for s, o in graph.subject_objects(RDF.type)
                     if isinstance(s, URIRef) and isinstance(o, URIRef) and str(o).startswith(_EKG)
                     and local_name(str(o)) not in NOT_NODES}
        direct = _direct(graph)
        node_ids = qualified | {n for s, _, o, _ in direct for n in (s, o)}
        # Each node's labels, made once (a tuple, not its set of types: there may be millions).
        self.labels = {n: _node_labels({str(t) for t in graph.objects(URIRef(n), RDF.type) if isinstance(t, URIRef)})
                       for n in node_ids}
        self._nodes, self._edges = tempfile.TemporaryFile(dir=work), tempfile.TemporaryFile(dir=work)
        counts: dict[str, int] = {}
        for node_id in sorted(self.labels):
            raw = _node_values(graph, node_id)
            pickle.dump((node_id, raw), self._nodes, protocol=pickle.HIGHEST_PROTOCOL)
            for pred, n in Counter(pred for pred, _ in raw).items():
                counts[pred] = max(counts.get(pred, 0), n)
        self.keys = _keys_for(set(counts))
        self.node_lists = set(ALWAYS_LISTS) | {self.keys[p] for p, n in counts.items() if n > 1}
        self.edge_lists = {"hardware", "metric", "baseline"}
        for row in _edge_rows(graph, direct):
            pickle.dump(row, self._edges, protocol=pickle.HIGHEST_PROTOCOL)
            self.edge_lists.update(k for k, v in row[3].items() if len(v) > 1)

    def nodes(self) -> Iterator[Node]:
        """The nodes, sorted by id."""
        for node_id, raw in _read_spool(self._nodes):
            values: dict[str, list[str | int | float | bool]] = defaultdict(list)
            for pred, value in raw:
                values[self.keys[pred]].append(value)
            yield Node(node_id, self.labels[node_id], _pack(values, self.node_lists))

    def edges(self) -> Iterator[Edge]:
        """The relationships, sorted by (type, start, end, claim)."""
        for s, rel_type, o, props in _read_spool(self._edges):
            yield Edge(s, rel_type, o, _pack(props, self.edge_lists & set(props)))

    def close(self) -> None:
        """Remove the spooled files."""
        self._nodes.close()
        self._edges.close()

    def __enter__(self) -> PropertyGraphStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read_spool(f: typing.BinaryIO) -> Iterator[typing.Any]:
    """The records pickled into f, in order; each reader keeps its own position."""
    position = 0
    while True:
        f.seek(position)
        try:
            record = pickle.load(f)
        except EOFError:
            return
        position = f.tell()
        yield record


def _direct(graph: rdflib.Graph) -> list[tuple[str, str, str, tuple[URIRef, ...]]]:
    """Every direct triple (s, relation, o, its assertions), sorted as the relationships are."""
    assertions: dict[tuple[str, str, str], list[URIRef]] = defaultdict(list)
    for a in graph.subjects(RDF.type, EKG.Assertion):
        s, rel, o = (graph.value(a, p) for p in (EKG.assertionSubject, EKG.relation, EKG.assertionObject))
        if s is not None and rel is not None and o is not None and str(rel) in RELATIONSHIP_TYPES:
            assertions[(str(s), str(rel), str(o))].append(a)  # type: ignore[arg-type]
    direct = set(assertions)
    for rel in RELATIONSHIP_TYPES:
        direct.update((str(s), rel, str(o)) for s, o in graph.subject_objects(EKG[rel]))
    ordered = sorted(direct, key=lambda d: (RELATIONSHIP_TYPES[d[1]], d[0], d[2]))
    return [(s, rel, o, tuple(assertions.get((s, rel, o), ()))) for s, rel, o in ordered]


def _edge_rows(graph: rdflib.Graph, direct: list[tuple[str, str, str, tuple[URIRef, ...]]],
               ) -> Iterator[tuple[str, str, str, dict[str, list[str | int | float | bool]]]]:
    for s, rel, o, assertions in direct:
        base: dict[str, list[str | int | float | bool]] = {}
        for a in assertions:
            count = graph.value(a, EKG.supportCount)
            if isinstance(count, Literal):
                base["support"] = [int(str(count))]
        claims = sorted({c for a in assertions for c in graph.subjects(EKG.supports, a)})
        for c in claims or [None]:
            props = dict(base)
            if c is not None:
                props.update(_claim_properties(graph, c, o))  # type: ignore[arg-type]
            yield s, RELATIONSHIP_TYPES[rel], o, props
