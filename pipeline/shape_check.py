"""ontology/shapes.ttl compiled to SPARQL queries, run on a pyoxigraph store.

pySHACL walks the graph node by node in Python: on 1,000 abstracts it cost a quarter of
the build. The shapes use a small part of SHACL Core (targets, counts, datatypes,
classes, value lists, patterns, ranges, sh:or, sh:lessThan) plus SPARQL constraints;
each constraint here becomes one SELECT over the whole store that returns the offending
(focus, value) pairs, with the same verdicts as pySHACL (tests/test_validate.py holds
both to the same broken graphs). A construct this compiler does not know raises
ShapeError, so a new shape cannot be silently skipped: extend the compiler, or validate
with pySHACL (`effikg validate`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD
from rdflib.term import Node

RDFS_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
_STRING = str(XSD.string)
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

# Lexical forms of the datatypes the shapes name (SHACL: an ill-formed literal fails sh:datatype).
_LEXICAL = {
    XSD.nonNegativeInteger: r"^\+?[0-9]+$",
    XSD.integer: r"^[+-]?[0-9]+$",
    XSD.decimal: r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$",
    XSD.date: r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.gYearMonth: r"^-?[0-9]{4,}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.gYear: r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$",
}
# Keys of a shape this compiler reads or may ignore (they state nothing to check).
_IGNORED = {RDF.type, SH.message, SH.targetClass, SH.targetNode, SH.property, SH.path, SH.name,
            SH.description, SH.prefixes, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
            URIRef("http://www.w3.org/2000/01/rdf-schema#label"), SH.declare, SH.severity}


class ShapeError(ValueError):
    """shapes.ttl uses a SHACL construct this compiler does not implement."""


@dataclass(frozen=True)
class Check:
    """One constraint as a query: it selects ?this (the focus) and ?value (or leaves it unbound)."""

    query: str
    path: str  # the property path the result names, as a CURIE ("^ekg:supports"); "" for a node check
    message: str
    focus: URIRef | None = None  # SPARQL constraints: the target node the query was made for
    # sh:datatype: checked in Python on the triples as written, since a store keeps values,
    # not datatypes (pyoxigraph files "1"^^xsd:nonNegativeInteger as an xsd:integer); the
    # query then selects only the focus nodes, and `predicate` names the property.
    datatypes: frozenset[str] | None = None
    predicate: str = ""


def _n3(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        escaped = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        if term.language:
            return f'"{escaped}"@{term.language}'
        return f'"{escaped}"^^<{term.datatype or XSD.string}>'
    raise ShapeError(f"cannot use {term!r} in a check")


def _path(shapes: Graph, path: Node) -> str:
    if isinstance(path, URIRef):
        return f"<{path}>"
    inverse = shapes.value(path, SH.inversePath)
    if isinstance(inverse, URIRef):
        return f"^<{inverse}>"
    raise ShapeError(f"unsupported sh:path {path!r} in shapes.ttl")


def _has_class(var: str, cls: Node) -> str:
    return f"EXISTS {{ {var} {RDF_TYPE}/{RDFS_SUBCLASS}* {_n3(cls)} }}"


def _datatypes(shapes: Graph, key: Node, arg: Node) -> frozenset[str] | None:
    """The datatypes a property's sh:datatype, or sh:or of sh:datatype shapes, allows."""
    if key == SH.datatype:
        return frozenset({str(arg)})
    if key != SH["or"]:
        return None
    options = [dict(shapes.predicate_objects(alt)) for alt in Collection(shapes, arg)]
    if all(set(o) == {SH.datatype} for o in options):
        return frozenset(str(o[SH.datatype]) for o in options)
    return None


def datatype_ok(term: ox.Term, allowed: frozenset[str]) -> bool:
    """Whether a value is a well-formed literal of one of the allowed datatypes."""
    if not isinstance(term, ox.Literal):
        return False
    datatype = _LANG_STRING if term.language else term.datatype.value
    if datatype not in allowed:
        return False
    return _lexical_ok(datatype, term.value)


_LANG_STRING = str(RDF.langString)
_LEXICAL_BY_IRI = {str(datatype): re.compile(pattern) for datatype, pattern in _LEXICAL.items()}


@lru_cache(maxsize=1 << 14)  # counts, offsets and confidences recur across a graph's triples
def _lexical_ok(datatype: str, value: str) -> bool:
    pattern = _LEXICAL_BY_IRI.get(datatype)
    return pattern is None or pattern.match(value) is not None


def _value_ok(shapes: Graph, shape: Node, var: str) -> list[str]:
    """Conditions on one value node `var` that `shape` states (each must hold)."""
    return [condition for _, condition in _value_checks(shapes, shape, var)]


def _value_checks(shapes: Graph, shape: Node, var: str) -> list[tuple[Node, str]]:
    """(constraint, condition) for each constraint of `shape` on one value node `var`."""
    found = []
    for key, arg in sorted(shapes.predicate_objects(shape)):
        condition = _condition(shapes, key, arg, var)
        if condition is not None:
            found.append((key, condition))
    return found


def _condition(shapes: Graph, key: Node, arg: Node, var: str) -> str | None:
    """What constraint `key` with argument `arg` requires of value `var` (None: not a value check)."""
    if key == SH.datatype:
        raise ShapeError("shapes.ttl: sh:datatype is supported on a property shape (or an sh:or of them) only")
    if key == SH["class"]:
        return _has_class(var, arg)
    if key == SH.nodeKind:
        if arg != SH.IRI:
            raise ShapeError(f"unsupported sh:nodeKind {arg} in shapes.ttl")
        return f"isIRI({var})"
    if key == SH["in"]:
        return f"({var} IN ({', '.join(_n3(t) for t in Collection(shapes, arg))}))"
    if key == SH.minLength:
        return f"(!isBlank({var}) && STRLEN(STR({var})) >= {int(arg)})"
    if key == SH.pattern:
        return f"(!isBlank({var}) && REGEX(STR({var}), {_n3(Literal(str(arg)))}))"
    if key in (SH.minInclusive, SH.maxInclusive):
        return f"COALESCE({var} {'>=' if key == SH.minInclusive else '<='} {_n3(arg)}, false)"
    if key == SH["or"]:
        return _or(shapes, arg, var)
    if key in (SH.minCount, SH.maxCount, SH.lessThan, SH.hasValue, SH.sparql) or key in _IGNORED:
        return None
    raise ShapeError(f"unsupported SHACL constraint {key} in shapes.ttl")


def _conforms(shapes: Graph, shape: Node, var: str) -> str:
    """A condition true when node `var` conforms to the whole (small) `shape`."""
    conditions = list(_value_ok(shapes, shape, var)) if shapes.value(shape, SH.path) is None else []
    path = shapes.value(shape, SH.path)
    if path is not None:
        p = _path(shapes, path)
        values = _value_ok(shapes, shape, f"{var}_v")
        if values:
            conditions.append(f"NOT EXISTS {{ {var} {p} {var}_v FILTER (!({' && '.join(values)})) }}")
        low, high = shapes.value(shape, SH.minCount), shapes.value(shape, SH.maxCount)
        if low is not None and int(low) > 0:
            conditions.append(_count_at_least(var, p, int(low)))
        if high is not None:
            conditions.append(f"!({_count_at_least(var, p, int(high) + 1)})")
    return "(" + " && ".join(conditions or ["true"]) + ")"


def _count_at_least(var: str, path: str, n: int) -> str:
    names = [f"{var}_c{i}" for i in range(n)]
    pattern = " . ".join(f"{var} {path} {name}" for name in names)
    distinct = " && ".join(f"{a} != {b}" for i, a in enumerate(names) for b in names[i + 1:])
    return f"EXISTS {{ {pattern} {'FILTER (' + distinct + ')' if distinct else ''} }}"


def _or(shapes: Graph, alternatives: Node, var: str) -> str:
    return "(" + " || ".join(_conforms(shapes, alt, var) for alt in Collection(shapes, alternatives)) + ")"


def _focus(shapes: Graph, shape: Node) -> str | None:
    """The pattern binding ?this to the shape's targets (None: the shape targets nothing)."""
    classes = sorted(shapes.objects(shape, SH.targetClass))
    nodes = sorted(shapes.objects(shape, SH.targetNode))
    parts = [f"{{ ?this {RDF_TYPE}/{RDFS_SUBCLASS}* {_n3(c)} }}" for c in classes]
    if nodes:
        parts.append(f"{{ VALUES ?this {{ {' '.join(_n3(n) for n in nodes)} }} }}")
    return "{ " + " UNION ".join(parts) + " }" if parts else None


def _message(shapes: Graph, shape: Node, default: str) -> str:
    messages = sorted(str(m) for m in shapes.objects(shape, SH.message))
    return messages[0] if messages else default


def _select(focus: str, body: str) -> str:
    return f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {body} }}"


def _node_checks(shapes: Graph, shape: Node, focus: str) -> Iterator[Check]:
    for key, condition in _value_checks(shapes, shape, "?this"):
        default = f"does not satisfy its {_curie(shapes, key)} constraint"
        if key == SH["or"]:
            alternatives = Collection(shapes, shapes.value(shape, SH["or"]))
            default = "must conform to one of: " + " or ".join(_describe(shapes, a) for a in alternatives)
        body = f"BIND (?this AS ?value) FILTER (!({condition}))"
        yield Check(_select(focus, body), "", _message(shapes, shape, default))


def _describe(shapes: Graph, shape: Node) -> str:
    """A small shape in words: "[ekg:value sh:maxCount 0]"."""
    parts = [f"{_curie(shapes, k)} {_curie(shapes, v)}" for k, v in sorted(shapes.predicate_objects(shape))
             if k != SH.path and not isinstance(v, BNode)]
    path = shapes.value(shape, SH.path)
    return "[" + " ; ".join(([_curie(shapes, path)] if isinstance(path, URIRef) else []) + parts) + "]"


def _curie(shapes: Graph, term: Node) -> str:
    if isinstance(term, Literal):
        return str(term)
    return term.n3(shapes.namespace_manager)


def _property_checks(shapes: Graph, prop: Node, focus: str) -> Iterator[Check]:
    path_node = shapes.value(prop, SH.path)
    p = _path(shapes, path_node)
    name = _curie(shapes, path_node) if isinstance(path_node, URIRef) else "^" + _curie(
        shapes, shapes.value(path_node, SH.inversePath))

    def check(body: str, default: str) -> Check:
        predicate = str(path_node) if isinstance(path_node, URIRef) else ""
        return Check(_select(focus, body), name, _message(shapes, prop, default), predicate=predicate)

    low, high = shapes.value(prop, SH.minCount), shapes.value(prop, SH.maxCount)
    if low is not None and int(low) > 0:
        yield check(f"FILTER (!({_count_at_least('?this', p, int(low))}))", f"fewer than {low} values of {name}")
    if high is not None:
        yield check(f"FILTER ({_count_at_least('?this', p, int(high) + 1)})", f"more than {high} values of {name}")
    for key, arg in sorted(shapes.predicate_objects(prop)):
        default = f"a value of {name} does not satisfy its {_curie(shapes, key)} constraint"
        allowed = _datatypes(shapes, key, arg)
        if allowed is not None:
            if not isinstance(path_node, URIRef):
                raise ShapeError("shapes.ttl: sh:datatype on an inverse path")
            yield replace(check("", default), datatypes=allowed, predicate=str(path_node))
            continue
        condition = _condition(shapes, key, arg, "?value")
        if condition is not None:
            yield check(f"?this {p} ?value FILTER (!({condition}))", default)
    for other in shapes.objects(prop, SH.lessThan):
        yield check(f"?this {p} ?value . ?this {_n3(other)} ?other FILTER (!COALESCE(?value < ?other, false))",
                    f"a value of {name} is not below {_curie(shapes, other)}")
    for value in shapes.objects(prop, SH.hasValue):
        yield check(f"FILTER NOT EXISTS {{ ?this {p} {_n3(value)} }}", f"{name} lacks {_curie(shapes, value)}")


def _sparql_checks(shapes: Graph, shape: Node) -> Iterator[Check]:
    """SPARQL constraints, for shapes that target named nodes ($this is put in as the node)."""
    constraints = list(shapes.objects(shape, SH.sparql))
    nodes = sorted(shapes.objects(shape, SH.targetNode))
    if constraints and (not nodes or any(shapes.objects(shape, SH.targetClass))):
        raise ShapeError("shapes.ttl: a SPARQL constraint on a shape with no sh:targetNode")
    for constraint in constraints:
        prefixes = "".join(
            f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
            for source in shapes.objects(constraint, SH.prefixes) for d in shapes.objects(source, SH.declare)
        )
        select = str(shapes.value(constraint, SH.select))
        message = _message(shapes, constraint, "does not satisfy a SPARQL constraint")
        for node in nodes:
            yield Check(prefixes + select, "", message, focus=node)  # $this is pre-bound (run_checks)


@lru_cache(maxsize=4)
def compile_shapes(shapes: Graph) -> tuple[Check, ...]:
    """Every constraint of `shapes` as one query (ShapeError on what is not implemented)."""
    checks: list[Check] = []
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape))):
        focus = _focus(shapes, shape)
        if focus is None:
            continue
        checks += _node_checks(shapes, shape, focus)
        for prop in sorted(shapes.objects(shape, SH.property)):
            checks += _property_checks(shapes, prop, focus)
        checks += _sparql_checks(shapes, shape)
    return tuple(checks)


def run_checks(store: ox.Store, triples: Callable[[], Iterable[ox.Triple]], checks: tuple[Check, ...],
               ) -> Iterator[tuple[Check, Node, Node | None]]:
    """(check, focus, value) for every result of every check, as rdflib terms: the
    queries on `store`, the datatypes on `triples()` (the same graph, as written, streamed
    once: nothing of it is held but what a result names)."""
    results: list[tuple[Check, ox.Term, ox.Term | None]] = []
    wanted: set[tuple[ox.Term, str, str]] = set()  # typed values a result names, to show as written
    for check in checks:
        if check.datatypes is not None:
            continue
        bound = {ox.Variable("this"): ox.NamedNode(check.focus)} if check.focus is not None else None
        for row in store.query(check.query, substitutions=bound):
            value = row["value"]
            results.append((check, row["this"], value))
            if isinstance(value, ox.Literal) and value.datatype.value != _STRING:
                wanted.add((row["this"], check.predicate, value.value))
    typed, suspects = _read_as_written(triples(), checks, wanted)
    for check, this, value in results:
        if isinstance(value, ox.Literal):
            value = typed.get((this, check.predicate, value.value), value)
        focus = check.focus if check.focus is not None else to_rdflib(this)
        yield check, focus, None if value is None else to_rdflib(value)
    for check, triple in suspects:  # an ill-typed value: a violation if its subject is a focus
        if any(True for _ in store.query(check.query, substitutions={ox.Variable("this"): triple.subject})):
            yield check, to_rdflib(triple.subject), to_rdflib(triple.object)


def _read_as_written(triples: Iterable[ox.Triple], checks: tuple[Check, ...], wanted: set[tuple[ox.Term, str, str]],
                     ) -> tuple[dict[tuple[ox.Term, str, str], ox.Literal], list[tuple[Check, ox.Triple]]]:
    """One pass over the triples as written: the typed literals `wanted` names, and each
    value that fails a datatype check (whose subject may or may not be a focus)."""
    by_predicate: dict[str, list[Check]] = defaultdict(list)
    for check in checks:
        if check.datatypes is not None:
            by_predicate[check.predicate].append(check)
    typed: dict[tuple[ox.Term, str, str], ox.Literal] = {}
    suspects: list[tuple[Check, ox.Triple]] = []
    for triple in triples:
        predicate = triple.predicate.value
        for check in by_predicate.get(predicate, ()):
            if not datatype_ok(triple.object, check.datatypes):  # type: ignore[arg-type]
                suspects.append((check, triple))
        if wanted and isinstance(triple.object, ox.Literal) and triple.object.datatype.value != _STRING:
            key = (triple.subject, predicate, triple.object.value)
            if key in wanted:
                typed[key] = triple.object
    return typed, suspects


def to_rdflib(term: ox.Term) -> Node:
    """A pyoxigraph term as the rdflib term it stands for."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    return BNode(term.value)
