"""SHACL validation of a built graph against ontology/shapes.ttl (pySHACL).

The report lists one violation a line (node, property, what is wrong, the offending
value), sorted, so that a failing build or `effikg validate` says exactly what to fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from pipeline.errors import GraphReadError
from pipeline.shape_check import compile_shapes, run_checks
from pipeline.terms import SHAPES, to_curie

# The focus of the graph-wide checks in shapes.ttl; their offending node is the value.
GRAPH_NODE = SHAPES["graph"]


@dataclass(frozen=True)
class Violation:
    """One SHACL result: which node broke which constraint, and with what value."""

    focus: str
    path: str
    message: str
    value: str
    severity: str

    def __str__(self) -> str:
        where = f"{self.focus} {self.path}" if self.path else self.focus
        value = f" (value: {self.value})" if self.value else ""
        return f"{self.severity}: {where}: {self.message}{value}"


@dataclass(frozen=True)
class ValidationResult:
    """Whether a graph conforms to the shapes, and a readable report."""

    conforms: bool
    text: str
    violations: tuple[Violation, ...] = ()


@lru_cache(maxsize=1)
def read_shapes() -> Graph:
    """ontology/shapes.ttl as installed (pipeline.ontology), parsed once."""
    shapes = Graph()
    source = resources.files("pipeline.ontology") / "shapes.ttl"
    shapes.parse(data=source.read_text(encoding="utf-8"), format="turtle")
    return shapes


def _short(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, Literal):
        text = str(node)
        text = text if len(text) <= 80 else text[:77] + "..."
        suffix = f"^^{_short(node.datatype)}" if node.datatype else (f"@{node.language}" if node.language else "")
        return f'"{text}"{suffix}'
    if isinstance(node, URIRef):
        return to_curie(str(node)) or f"<{node}>"
    return str(node)


def _path(results: Graph, path: Node | None) -> str:
    if path is None:
        return ""
    inverse = results.value(path, SH.inversePath) if not isinstance(path, URIRef) else None
    return f"^{_short(inverse)}" if inverse is not None else _short(path)


def _violations(results: Graph) -> list[Violation]:
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus, value = results.value(result, SH.focusNode), results.value(result, SH.value)
        if focus == GRAPH_NODE and value is not None:
            focus, value = value, None
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        severity = results.value(result, SH.resultSeverity)
        found.append(Violation(
            focus=_short(focus),
            path=_path(results, results.value(result, SH.resultPath)),
            message=messages[0] if messages else _short(results.value(result, SH.sourceConstraintComponent)),
            # SPARQL constraints report the focus node itself as the value: say it once.
            value="" if value == focus else _short(value),
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
        ))
    return sorted(set(found), key=lambda v: (v.focus, v.path, v.message, v.value))


def check_store(store: ox.Store, triples: Callable[[], Iterable[ox.Triple]], count: int) -> ValidationResult:
    """Check the built graph, loaded in `store` (on disk or in memory) and streamed as
    written by `triples()` (`count` of them), against ontology/shapes.ttl with SPARQL
    queries (pipeline.shape_check): the verdicts of `validate` (pySHACL), at a fraction of
    its cost and with nothing of the graph held in memory."""
    found = set()
    for check, this, value in run_checks(store, triples, compile_shapes(read_shapes())):
        if this == GRAPH_NODE and value is not None:  # as _violations does for pySHACL's report
            this, value = value, None
        found.add(Violation(focus=_short(this), path=check.path, message=check.message,
                            value="" if value == this else _short(value), severity="Violation"))
    return _result(tuple(sorted(found, key=lambda v: (v.focus, v.path, v.message, v.value))), count)


def check_triples(triples: list[ox.Triple]) -> ValidationResult:
    """check_store over pyoxigraph triples in memory (GraphSource.triples: the sorted lines, parsed)."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return check_store(store, lambda: triples, len(triples))


def _result(violations: tuple[Violation, ...], triples: int, conforms: bool | None = None) -> ValidationResult:
    conforms = not violations if conforms is None else conforms
    if conforms:
        text = f"Conforms: the graph ({triples} triples) satisfies ontology/shapes.ttl."
    else:
        lines = [f"Does not conform: {len(violations)} violation(s) of ontology/shapes.ttl"]
        lines += [f"  {v}" for v in violations]
        text = "\n".join(lines)
    return ValidationResult(conforms=conforms, text=text, violations=violations)


def validate(graph: Graph) -> ValidationResult:
    """Check `graph` (instance data, types materialised) against ontology/shapes.ttl (pySHACL)."""
    from pyshacl import validate as shacl_validate

    conforms, results, _ = shacl_validate(
        graph, shacl_graph=read_shapes(), inference="none", abort_on_first=False,
        allow_infos=True, allow_warnings=True,
    )
    if not isinstance(results, Graph):  # pySHACL reports a broken shapes file this way
        raise RuntimeError(f"ontology/shapes.ttl cannot be used: {results}")
    violations = tuple(_violations(results))
    return _result(violations, len(graph), conforms=bool(conforms))


def read_graph(path: Path | str) -> Graph:
    """Parse a graph file (format from its extension, Turtle by default) or fail clearly."""
    from rdflib.util import guess_format

    path = Path(path)
    if not path.is_file():
        raise GraphReadError(f"{path}: no such file (build one with `effikg build`)")
    graph = Graph()
    try:
        graph.parse(path, format=guess_format(str(path)) or "turtle")
    except Exception as err:  # rdflib raises many parser-specific types
        raise GraphReadError(f"{path}: not a readable RDF graph: {_parse_problem(err)}") from err
    return graph


# How rdflib's Turtle / N3 parser (BadSyntax) says where and why it gave up.
_BAD_SYNTAX = re.compile(r"\Aat line (?P<line>\d+) of <[^>]*>:\nBad syntax \((?P<why>.*?)\) at \^ in:")


def _parse_problem(err: Exception) -> str:
    """One line saying where and why a parser gave up."""
    bad_syntax = _BAD_SYNTAX.match(str(err))
    if bad_syntax:
        return f"line {bad_syntax['line']}: bad syntax ({bad_syntax['why']})"
    text = " ".join(str(err).split())
    return (text[:197] + "...") if len(text) > 200 else text or type(err).__name__


def validate_file(path: Path | str) -> ValidationResult:
    """Read a graph file and validate it."""
    return validate(read_graph(path))
