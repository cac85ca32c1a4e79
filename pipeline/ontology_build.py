"""Generate ontology/effikg.owl (RDF/XML, what Protégé opens by default) from effikg.ttl.

The Turtle file is the source; the .owl is never edited by hand. The RDF/XML is written
by a small writer of our own because rdflib's serialisers order subjects and label
blank nodes differently on every run: here blank nodes get canonical labels
(rdflib.compare) and every subject, property and value is sorted, so the same Turtle
always gives the same bytes and a test can tell when the committed .owl is stale.

    python -m pipeline.ontology_build           # rewrite ontology/effikg.owl
    python -m pipeline.ontology_build --check   # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph

HEADER = (
    "<!-- GENERATED from effikg.ttl by `python -m pipeline.ontology_build`; "
    "do not edit: edit effikg.ttl and regenerate. -->\n"
)
# Preferred prefixes for the namespaces the ontology uses, in the order they are written.
KNOWN_PREFIXES: dict[str, str] = {
    "rdf": str(RDF),
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "ekg": "https://w3id.org/effikg/ontology#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "bibo": "http://purl.org/ontology/bibo/",
    "vann": "http://purl.org/vocab/vann/",
}


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
    by_ns = {ns: prefix for prefix, ns in KNOWN_PREFIXES.items()}
    unknown = sorted(ns for ns in namespaces if ns not in by_ns)
    for i, ns in enumerate(unknown, start=1):
        by_ns[ns] = f"ns{i}"
    used = sorted(((by_ns[ns], ns) for ns in namespaces | {str(RDF): ""}),
                  key=lambda pn: (list(KNOWN_PREFIXES).index(pn[0]) if pn[0] in KNOWN_PREFIXES else 99, pn[0]))

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
    header = [s for s in subjects if (s, RDF.type, URIRef(KNOWN_PREFIXES["owl"] + "Ontology")) in canonical]
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
    data = to_rdfxml(read_turtle(source))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def is_current(source: Path, target: Path) -> bool:
    """Whether `target` holds exactly what `save_owl(source, target)` would write."""
    return target.is_file() and target.read_bytes() == to_rdfxml(read_turtle(source))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.ontology_build", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check that the .owl is up to date")
    parser.add_argument("--source", type=Path, default=ontology_dir() / "effikg.ttl")
    parser.add_argument("--target", type=Path, default=ontology_dir() / "effikg.owl")
    args = parser.parse_args(argv)
    if args.check:
        if is_current(args.source, args.target):
            print(f"{args.target} is up to date with {args.source}")
            return 0
        print(f"{args.target} is stale: run `python -m pipeline.ontology_build`", file=sys.stderr)
        return 1
    save_owl(args.source, args.target)
    print(f"wrote {args.target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
