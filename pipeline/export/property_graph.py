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

from collections import defaultdict
from dataclasses import dataclass

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


@dataclass(frozen=True)
class PropertyGraph:
    nodes: tuple[Node, ...]  # sorted by id
    edges: tuple[Edge, ...]  # sorted by (type, start, end, claim)

    def node(self, node_id: str) -> Node:
        return self._index[node_id]

    @property
    def _index(self) -> dict[str, Node]:
        cached = self.__dict__.get("_index_cache")
        if cached is None:
            cached = {n.id: n for n in self.nodes}
            object.__setattr__(self, "_index_cache", cached)
        return cached


def to_python(literal: Literal) -> str | int | float | bool:
    """A literal as a property value: numbers stay numbers, everything else its lexical form."""
    if literal.datatype in _INTEGERS:
        try:
            return int(str(literal))
        except ValueError:
            pass
    elif literal.datatype in _FLOATS:
        try:
            return float(str(literal))
        except ValueError:
            pass
    elif literal.datatype == XSD.boolean and str(literal) in ("true", "false", "1", "0"):
        return str(literal) in ("true", "1")
    return str(literal)


def local_name(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[cut + 1 :] or iri


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
        vals = sorted(values[key], key=lambda v: (str(type(v)), v))
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


def _to_nodes(graph: rdflib.Graph, node_ids: set[str], types: dict[str, set[str]]) -> tuple[Node, ...]:
    literal_preds: set[str] = set()
    values: dict[str, dict[str, list[str | int | float | bool]]] = defaultdict(lambda: defaultdict(list))
    skip = {str(RDF.type), *(str(EKG[r]) for r in RELATIONSHIP_TYPES)}
    raw: list[tuple[str, str, str | int | float | bool]] = []
    for node_id in node_ids:
        for pred, obj in graph.predicate_objects(URIRef(node_id)):
            if str(pred) in skip:
                continue
            if isinstance(obj, Literal):
                literal_preds.add(str(pred))
                raw.append((node_id, str(pred), to_python(obj)))
            elif isinstance(obj, URIRef):
                # links to things that are not nodes (rdfs:seeAlso, skos:inScheme): keep the IRI
                literal_preds.add(str(pred))
                raw.append((node_id, str(pred), str(obj)))
    keys = _keys_for(literal_preds)
    lists = set(ALWAYS_LISTS)
    for node_id, pred, value in raw:
        values[node_id][keys[pred]].append(value)
    for node_id in node_ids:
        for key, vals in values[node_id].items():
            if len(vals) > 1:
                lists.add(key)
    return tuple(
        Node(node_id, _node_labels(types.get(node_id, set())), _pack(values[node_id], lists))
        for node_id in sorted(node_ids)
    )


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
        key = _CLAIM_RENAMES.get(p) or local_name(p)
        props[key].append(to_python(value) if isinstance(value, Literal) else str(value))
    return props


def to_property_graph(graph: rdflib.Graph) -> PropertyGraph:
    """Nodes and relationships of the built graph (see the module docstring for the mapping)."""
    types: dict[str, set[str]] = defaultdict(set)
    for s, o in graph.subject_objects(RDF.type):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            types[str(s)].add(str(o))
    node_ids = {
        s for s, ts in types.items()
        if any(t.startswith(_EKG) and local_name(t) not in NOT_NODES for t in ts)
    }

    # direct triple (s, relation, o) -> assertion and the claims that support it
    support: dict[tuple[str, str, str], int] = {}
    claims: dict[tuple[str, str, str], list[URIRef]] = defaultdict(list)
    assertion_of: dict[str, tuple[str, str, str]] = {}
    for a in graph.subjects(RDF.type, EKG.Assertion):
        s, rel, o = (graph.value(a, p) for p in (EKG.assertionSubject, EKG.relation, EKG.assertionObject))
        if s is None or rel is None or o is None or str(rel) not in RELATIONSHIP_TYPES:
            continue
        key = (str(s), str(rel), str(o))
        count = graph.value(a, EKG.supportCount)
        if isinstance(count, Literal):
            support[key] = int(str(count))
        assertion_of[str(a)] = key
    for c, a in graph.subject_objects(EKG.supports):
        if str(a) in assertion_of:
            claims[assertion_of[str(a)]].append(c)  # type: ignore[arg-type]

    direct: set[tuple[str, str, str]] = set(claims) | set(support)
    for rel in RELATIONSHIP_TYPES:
        for s, o in graph.subject_objects(EKG[rel]):
            direct.add((str(s), rel, str(o)))

    rows: list[tuple[str, str, str, dict[str, list[str | int | float | bool]]]] = []
    for s, rel, o in sorted(direct):
        node_ids.update((s, o))
        base: dict[str, list[str | int | float | bool]] = {}
        if (s, rel, o) in support:
            base["support"] = [support[(s, rel, o)]]
        for c in sorted(claims.get((s, rel, o), [])) or [None]:
            props = dict(base)
            if c is not None:
                props.update(_claim_properties(graph, c, o))
            rows.append((s, RELATIONSHIP_TYPES[rel], o, props))
    # A key is a list on every relationship if it is one on any, so each has one type.
    lists = {"hardware", "metric", "baseline"} | {
        k for *_, props in rows for k, v in props.items() if len(v) > 1
    }
    edges = [Edge(s, t, o, _pack(props, lists & set(props))) for s, t, o, props in rows]
    edges.sort(key=lambda e: (e.type, e.start, e.end, dict(e.properties).get("claim", "")))
    return PropertyGraph(_to_nodes(graph, node_ids, types), tuple(edges))
