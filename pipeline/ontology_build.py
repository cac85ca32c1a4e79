"""Generate ontology/effikg.owl (RDF/XML, what Protégé opens by default) and the
diagram and term tables of ontology/README.md from effikg.ttl.

The Turtle file is the source; the .owl and the generated part of the README are never
edited by hand. The RDF/XML is written
by a small writer of our own because rdflib's serialisers order subjects and label
blank nodes differently on every run: here blank nodes get canonical labels
(rdflib.compare) and every subject, property and value is sorted, so the same Turtle
always gives the same bytes and a test can tell when the committed .owl is stale.

    python -m pipeline.ontology_build           # rewrite effikg.owl and the README section
    python -m pipeline.ontology_build --check   # exit 1 if either is out of date
    python -m pipeline.ontology_build --merge graphs/effikg.ttl effikg-full.owl
                                                # ontology + a built graph, for Protégé
"""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph

from pipeline.files import write_atomic
from pipeline.terms import EKG, PREFIXES

HEADER = (
    "<!-- GENERATED from effikg.ttl by `python -m pipeline.ontology_build`; "
    "do not edit: edit effikg.ttl and regenerate. -->\n"
)


def ontology_dir() -> Path:
    """The installed ontology folder (the repo's ontology/ in an editable install)."""
    return Path(str(resources.files("pipeline.ontology")))


def _split(iri: str) -> tuple[str, str]:
    """Namespace and local name of a property IRI (XML needs a QName for it)."""
    cut = max(iri.rfind("#"), iri.rfind("/")) + 1
    ns, local = iri[:cut], iri[cut:]
    if not local or not (local[0].isalpha() or local[0] == "_"):
        raise ValueError(f"property {iri} has no local name RDF/XML can write")
    return ns, local


def to_rdfxml(graph: Graph) -> bytes:
    """Deterministic, flat RDF/XML of `graph` (one rdf:Description a subject)."""
    canonical = to_canonical_graph(graph)
    namespaces: dict[str, str] = {}
    for _, p, _ in canonical:
        ns, _ = _split(str(p))
        namespaces.setdefault(ns, "")
    by_ns = {ns: prefix for prefix, ns in PREFIXES.items()}
    unknown = sorted(ns for ns in namespaces if ns not in by_ns)
    for i, ns in enumerate(unknown, start=1):
        by_ns[ns] = f"ns{i}"
    used = sorted(((by_ns[ns], ns) for ns in namespaces | {str(RDF): ""}),
                  key=lambda pn: (list(PREFIXES).index(pn[0]) if pn[0] in PREFIXES else 99, pn[0]))

    def qname(p: URIRef) -> str:
        ns, local = _split(str(p))
        return f"{by_ns[ns]}:{local}"

    def node_attr(node: URIRef | BNode, about: bool) -> str:
        if isinstance(node, BNode):
            return f"rdf:nodeID={quoteattr('b' + str(node))}"
        return f"rdf:{'about' if about else 'resource'}={quoteattr(str(node))}"

    lines = ['<?xml version="1.0" encoding="utf-8"?>', HEADER.rstrip("\n"), "<rdf:RDF"]
    lines += [f"  xmlns:{prefix}={quoteattr(ns)}" for prefix, ns in used]
    lines[-1] += ">"
    # Named subjects first (ontology header, then terms in IRI order), blank nodes last.
    subjects = sorted(set(canonical.subjects()), key=lambda s: (isinstance(s, BNode), str(s)))
    header = [s for s in subjects if (s, RDF.type, OWL.Ontology) in canonical]
    for subject in header + [s for s in subjects if s not in header]:
        lines.append(f"  <rdf:Description {node_attr(subject, about=True)}>")
        for p, o in sorted(canonical.predicate_objects(subject), key=lambda po: (str(po[0]), _sort_key(po[1]))):
            tag = qname(p)
            if isinstance(o, Literal):
                attrs = ""
                if o.language:
                    attrs = f" xml:lang={quoteattr(o.language)}"
                elif o.datatype is not None:
                    attrs = f" rdf:datatype={quoteattr(str(o.datatype))}"
                lines.append(f"    <{tag}{attrs}>{escape(str(o))}</{tag}>")
            else:
                lines.append(f"    <{tag} {node_attr(o, about=False)}/>")
        lines.append("  </rdf:Description>")
    lines.append("</rdf:RDF>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _sort_key(node: object) -> tuple[int, str, str]:
    if isinstance(node, Literal):
        return (2, str(node), f"{node.language or ''}|{node.datatype or ''}")
    return (1 if isinstance(node, BNode) else 0, str(node), "")


def read_turtle(path: Path) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


def save_owl(source: Path, target: Path) -> Path:
    """Write the RDF/XML of the Turtle `source` to `target`, atomically."""
    write_atomic(target, to_rdfxml(read_turtle(source)))
    return target


def is_current(source: Path, target: Path) -> bool:
    """Whether `target` holds exactly what `save_owl(source, target)` would write."""
    return target.is_file() and target.read_bytes() == to_rdfxml(read_turtle(source))


# ---------------------------------------------------------------------------------------
# ontology/README.md: a mermaid diagram and term tables, generated between two markers
# ---------------------------------------------------------------------------------------

BEGIN = "<!-- BEGIN GENERATED by `python -m pipeline.ontology_build`: edit ontology/effikg.ttl instead -->"
END = "<!-- END GENERATED -->"
EKG_NS = str(EKG)


def _curie(iri: URIRef) -> str:
    text = str(iri)
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns) and len(text) > len(ns):
            return ("" if prefix == "ekg" else prefix + ":") + text[len(ns):]
    return f"<{text}>"


def _qname(iri: URIRef) -> str:
    """Like _curie, but ekg: terms keep their prefix (for the tables)."""
    return f"ekg:{_curie(iri)}" if str(iri).startswith(EKG_NS) else _curie(iri)


def _mermaid_id(iri: URIRef) -> str:
    return _curie(iri).replace(":", "_")


def _en(graph: Graph, term: URIRef, prop: URIRef) -> str:
    values = sorted(str(o) for o in graph.objects(term, prop) if isinstance(o, Literal) and o.language in (None, "en"))
    return " ".join(" ".join(v.split()) for v in values)


def _members(graph: Graph, node: URIRef | BNode | None) -> list[URIRef]:
    """A class expression's named classes: itself, or the members of a union."""
    if node is None:
        return []
    if isinstance(node, URIRef):
        return [node]
    union = graph.value(node, OWL.unionOf)
    if union is not None:
        return [m for m in graph.items(union) if isinstance(m, URIRef)]
    return []


def _range_text(graph: Graph, prop: URIRef) -> str:
    rng = graph.value(prop, RDFS.range)
    if rng is None:
        return ""
    if isinstance(rng, URIRef):
        return _qname(rng)
    one_of = graph.value(rng, OWL.oneOf)
    if one_of is not None:
        return "one of " + ", ".join(f'"{v}"' for v in graph.items(one_of))
    base = graph.value(rng, OWL.onDatatype)
    if base is not None:
        facets = [f"{_curie(p)} {o}" for r in graph.items(graph.value(rng, OWL.withRestrictions))
                  for p, o in graph.predicate_objects(r)]
        return f"{_qname(base)} [{', '.join(facets)}]"
    return " or ".join(_qname(m) for m in _members(graph, rng))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_mermaid(graph: Graph) -> str:
    """A mermaid classDiagram: classes with their data properties, object properties as
    associations, sub-classes as inheritance, claim restrictions as associations."""
    own = sorted(s for s in graph.subjects(RDF.type, OWL.Class)
                 if isinstance(s, URIRef) and str(s).startswith(EKG_NS))
    lines = ["classDiagram", "    direction LR"]
    shown: set[URIRef] = set(own)
    attributes: dict[URIRef, list[str]] = {c: [] for c in own}
    for prop in sorted(graph.subjects(RDF.type, OWL.DatatypeProperty)):
        for domain in _members(graph, graph.value(prop, RDFS.domain)):
            rng = graph.value(prop, RDFS.range)
            kind = _curie(rng) if isinstance(rng, URIRef) else ("decimal 0..1" if graph.value(rng, OWL.onDatatype) else "string")
            attributes.setdefault(domain, []).append(f"+{_curie(prop)} {kind.replace('xsd:', '')}")
    edges: list[str] = []
    for sub, sup in sorted(graph.subject_objects(RDFS.subClassOf)):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef) and sub in shown:
            shown.add(sup)
            edges.append(f"    {_mermaid_id(sup)} <|-- {_mermaid_id(sub)}")
    for prop in sorted(graph.subjects(RDF.type, OWL.ObjectProperty)):
        if not str(prop).startswith(EKG_NS):
            continue
        for domain in _members(graph, graph.value(prop, RDFS.domain)):
            for rng in _members(graph, graph.value(prop, RDFS.range)):
                edges.append(f"    {_mermaid_id(domain)} --> {_mermaid_id(rng)} : {_curie(prop)}")
    for cls in own:  # restrictions such as Claim ⊑ ∃ prov:wasDerivedFrom.Paper
        for sup in graph.objects(cls, RDFS.subClassOf):
            if isinstance(sup, BNode) and (graph.value(sup, OWL.onProperty), None) is not None:
                prop = graph.value(sup, OWL.onProperty)
                target = graph.value(sup, OWL.someValuesFrom) or graph.value(sup, OWL.onClass)
                if isinstance(prop, URIRef) and not str(prop).startswith(EKG_NS) and isinstance(target, URIRef):
                    # Mermaid edge labels cannot hold a colon: "wasDerivedFrom [prov]".
                    prefix, local = _curie(prop).split(":", 1)
                    edges.append(f"    {_mermaid_id(cls)} --> {_mermaid_id(target)} : {local} [{prefix}]")
    for cls in sorted(shown):
        label = _curie(cls)
        name = _mermaid_id(cls)
        head = f'    class {name}["{label}"]' if name != label else f"    class {name}"
        attrs = sorted(attributes.get(cls, []))
        if attrs:
            lines.append(head + " {")
            lines += [f"        {a}" for a in attrs]
            lines.append("    }")
        else:
            lines.append(head)
    baseline = graph.value(EKG.Baseline, OWL.equivalentClass)
    if baseline is not None:
        lines.append('    note for Baseline "≡ inverse(outperforms) some Method: inferred by a reasoner"')
    lines += sorted(set(edges))
    return "\n".join(lines)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def to_readme_section(graph: Graph) -> str:
    """The generated part of ontology/README.md: diagram and one table a kind of term."""
    def own(kind: URIRef) -> list[URIRef]:
        return sorted(s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(EKG_NS))

    def domain(p: URIRef) -> str:
        return " or ".join(_qname(m) for m in _members(graph, graph.value(p, RDFS.domain)))

    parts = [BEGIN, "", "### Diagram", "", "```mermaid", to_mermaid(graph), "```", ""]
    parts += ["### Classes", ""]
    parts += _table(["class", "label", "sub-class of", "meaning", "example (seed abstracts)"], [
        [f"`ekg:{_curie(c)}`", _en(graph, c, RDFS.label),
         ", ".join(f"`{_qname(s)}`" for s in sorted(graph.objects(c, RDFS.subClassOf)) if isinstance(s, URIRef)),
         _en(graph, c, RDFS.comment), _en(graph, c, SKOS.example)]
        for c in own(OWL.Class)])
    parts += ["", "### Object properties", ""]
    parts += _table(["property", "domain → range", "meaning", "example (seed abstracts)"], [
        [f"`ekg:{_curie(p)}`", f"{domain(p)} → {_range_text(graph, p)}", _en(graph, p, RDFS.comment),
         _en(graph, p, SKOS.example)]
        for p in own(OWL.ObjectProperty)])
    parts += ["", "### Data properties", ""]
    parts += _table(["property", "domain → range", "meaning", "example (seed abstracts)"], [
        [f"`ekg:{_curie(p)}`", f"{domain(p)} → {_range_text(graph, p)}", _en(graph, p, RDFS.comment),
         _en(graph, p, SKOS.example)]
        for p in own(OWL.DatatypeProperty)])
    parts += ["", "### Metrics (SKOS concept scheme `ekg:Metrics`)", ""]
    parts += _table(["concept", "label", "definition", "example (seed abstracts)"], [
        [f"`ekg:{_curie(m)}`", _en(graph, m, SKOS.prefLabel), _en(graph, m, SKOS.definition), _en(graph, m, SKOS.example)]
        for m in sorted(graph.subjects(RDF.type, EKG.Metric))])
    reused = sorted(
        (s, t) for t in (OWL.Class, OWL.ObjectProperty, OWL.AnnotationProperty)
        for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef) and not str(s).startswith(EKG_NS)
    )
    parts += ["", "### Reused terms (declared in effikg.ttl for OWL 2 DL)", ""]
    parts += _table(["term", "declared as", "use here"], [
        [f"`{_curie(s)}`", f"`{_curie(t)}`", _en(graph, s, RDFS.comment)] for s, t in reused])
    parts += ["", END]
    return "\n".join(parts)


def render_readme(current: str, graph: Graph) -> str:
    """`current` with the text between the markers replaced by the generated section."""
    if BEGIN not in current or END not in current:
        raise ValueError(f"ontology/README.md lacks the markers {BEGIN!r} and {END!r}")
    head, rest = current.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + to_readme_section(graph) + tail


def save_readme(source: Path, readme: Path) -> Path:
    text = render_readme(readme.read_text(encoding="utf-8"), read_turtle(source))
    write_atomic(readme, text.encode("utf-8"))
    return readme


def readme_is_current(source: Path, readme: Path) -> bool:
    current = readme.read_text(encoding="utf-8")
    return render_readme(current, read_turtle(source)) == current


def save_merged(graph_path: Path, target: Path) -> Path:
    """The ontology plus a built graph as one RDF/XML file (one document for Protégé)."""
    merged = read_turtle(ontology_dir() / "effikg.ttl")
    try:
        merged.parse(graph_path)
    except Exception as err:  # rdflib raises many parser-specific types
        raise SystemExit(f"{graph_path}: not a readable RDF graph: {err}") from None
    write_atomic(target, to_rdfxml(merged))
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.ontology_build", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check that the .owl and README are up to date")
    parser.add_argument("--source", type=Path, default=ontology_dir() / "effikg.ttl")
    parser.add_argument("--target", type=Path, default=ontology_dir() / "effikg.owl")
    parser.add_argument("--readme", type=Path, default=ontology_dir() / "README.md")
    parser.add_argument("--merge", nargs=2, type=Path, metavar=("GRAPH", "OUT"),
                        help="write the ontology plus GRAPH as one RDF/XML file OUT (for Protégé)")
    args = parser.parse_args(argv)
    if args.merge:
        print(f"wrote {save_merged(*args.merge)}")
        return 0
    if args.check:
        stale = [p for p, ok in ((args.target, is_current(args.source, args.target)),
                                 (args.readme, readme_is_current(args.source, args.readme))) if not ok]
        for path in stale:
            print(f"{path} is stale: run `python -m pipeline.ontology_build`", file=sys.stderr)
        if not stale:
            print(f"{args.target} and {args.readme} are up to date with {args.source}")
        return 1 if stale else 0
    save_owl(args.source, args.target)
    save_readme(args.source, args.readme)
    print(f"wrote {args.target} and {args.readme}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
