"""pipeline.export.rdf: every RDF file parses with rdflib and an independent parser, and all
say the same thing as the graph they were written from."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, XSD

from pipeline.errors import ExportError
from pipeline.export.ntriples import to_ntriples_lines
from pipeline.export.rdf import jsonld_context, save_rdf, save_turtle
from pipeline.graph import read_ontology
from pipeline.terms import EKG

RAPPER = shutil.which("rapper")


def rapper_graph(path: Path, syntax: str) -> rdflib.Graph:
    """Parse with Debian's rapper (Raptor, C), handing rdflib only its N-Triples output."""
    proc = subprocess.run(
        [RAPPER, "-q", "-i", syntax, "-o", "ntriples", str(path)],
        capture_output=True, check=False,
    )
    assert proc.returncode == 0, f"rapper rejected {path.name}: {proc.stderr.decode()[-500:]}"
    return rdflib.Graph().parse(data=proc.stdout.decode("utf-8"), format="nt")


def oxigraph_graph(path: Path, fmt: ox.RdfFormat) -> rdflib.Graph:
    """Parse with pyoxigraph (Rust), handing rdflib only N-Triples."""
    triples = list(ox.parse(path=str(path), format=fmt))
    return rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")


def check_rdf_files(graph: rdflib.Graph, out: Path) -> None:
    files = {p.name for p in out.iterdir()}
    assert {"effikg.nt", "effikg.jsonld", "effikg.owl"} <= files
    with_ontology = read_ontology() + graph

    nt = rdflib.Graph().parse(out / "effikg.nt", format="nt")
    assert len(nt) == len(graph)
    assert isomorphic(nt, graph)
    jsonld = rdflib.Graph().parse(out / "effikg.jsonld", format="json-ld")
    assert isomorphic(jsonld, graph)
    assert isomorphic(oxigraph_graph(out / "effikg.jsonld", ox.RdfFormat.JSON_LD), graph)
    owl = rdflib.Graph().parse(out / "effikg.owl", format="xml")
    assert isomorphic(owl, with_ontology)
    if (out / "effikg.ttl").exists():
        assert isomorphic(rdflib.Graph().parse(out / "effikg.ttl", format="turtle"), graph)
        assert isomorphic(oxigraph_graph(out / "effikg.ttl", ox.RdfFormat.TURTLE), graph)
    # The independent parser is the point of this check: say so loudly when it is missing.
    if RAPPER is None:
        pytest.skip("rapper (Debian raptor2-utils) is not installed: the independent parser check did not run")
    assert isomorphic(rapper_graph(out / "effikg.nt", "ntriples"), graph)
    assert isomorphic(rapper_graph(out / "effikg.owl", "rdfxml"), with_ontology)
    if (out / "effikg.ttl").exists():
        assert isomorphic(rapper_graph(out / "effikg.ttl", "turtle"), graph)


def test_rdf_sample_files_parse_and_are_isomorphic(sample_graph: rdflib.Graph, tmp_path: Path) -> None:
    save_turtle(sample_graph, tmp_path / "effikg.ttl")
    written = save_rdf(sample_graph, tmp_path)
    assert [p.name for p in written] == ["effikg.nt", "effikg.jsonld", "effikg.owl"]
    check_rdf_files(sample_graph, tmp_path)


@pytest.mark.slow
def test_rdf_built_corpus_files_parse_and_are_isomorphic(built_graph: rdflib.Graph, built_graph_dir: Path) -> None:
    check_rdf_files(built_graph, built_graph_dir)


def test_rdf_turtle_written_from_the_same_sorted_lines(sample_graph: rdflib.Graph, tmp_path: Path) -> None:
    written = save_rdf(sample_graph, tmp_path, turtle=True)
    assert [p.name for p in written] == ["effikg.ttl", "effikg.nt", "effikg.jsonld", "effikg.owl"]
    check_rdf_files(sample_graph, tmp_path)
    text = (tmp_path / "effikg.ttl").read_text(encoding="utf-8")
    # instance IRIs in full (a res: local name would need \/ escapes), vocabulary compacted
    assert "\\/" not in text and "<https://w3id.org/effikg/resource/method/triforce> a ekg:Method" in text
    shuffled = rdflib.Graph()
    for t in sorted(sample_graph, reverse=True):
        shuffled.add(t)
    save_turtle(shuffled, tmp_path / "again.ttl")
    assert (tmp_path / "again.ttl").read_bytes() == (tmp_path / "effikg.ttl").read_bytes()


def test_rdf_output_is_byte_identical_whatever_the_insertion_order(
    sample_graph: rdflib.Graph, tmp_path: Path
) -> None:
    triples = list(sample_graph)
    random.Random(7).shuffle(triples)
    shuffled = rdflib.Graph()
    for t in triples:
        shuffled.add(t)
    save_rdf(sample_graph, tmp_path / "a")
    save_rdf(shuffled, tmp_path / "b")
    for name in ("effikg.nt", "effikg.jsonld", "effikg.owl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    lines = (tmp_path / "a" / "effikg.nt").read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines == sorted(lines)


def test_rdf_jsonld_context_maps_every_key_to_the_ontology(sample_graph: rdflib.Graph, tmp_path: Path) -> None:
    save_rdf(sample_graph, tmp_path)
    doc = json.loads((tmp_path / "effikg.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == jsonld_context()
    keys = {k for node in doc["@graph"] for k in node if not k.startswith("@")}
    # Every property the graph uses has a short term, and every ekg term is an ontology property.
    assert keys <= set(doc["@context"]), sorted(keys - set(doc["@context"]))
    onto = read_ontology()
    declared = set(onto.subjects(RDF.type, OWL.ObjectProperty)) | set(onto.subjects(RDF.type, OWL.DatatypeProperty))
    for term, definition in doc["@context"].items():
        iri = definition["@id"] if isinstance(definition, dict) else definition
        if iri.startswith("ekg:"):
            assert URIRef(EKG + iri[4:]) in declared, term
    triforce = next(n for n in doc["@graph"] if n["@id"] == "res:method/triforce")
    assert triforce["label"] == "TriForce"
    assert "res:hardware/nvidia-a100-gpu" in triforce["targets"]


def test_rdf_owl_declares_classes_and_typed_individuals(sample_graph: rdflib.Graph, tmp_path: Path) -> None:
    save_rdf(sample_graph, tmp_path)
    owl = rdflib.Graph().parse(tmp_path / "effikg.owl", format="xml")
    assert (None, RDF.type, OWL.Ontology) in owl
    assert (URIRef(EKG + "Method"), RDF.type, OWL.Class) in owl
    assert (URIRef(EKG + "targets"), RDF.type, OWL.ObjectProperty) in owl
    triforce = URIRef("https://w3id.org/effikg/resource/method/triforce")
    assert (triforce, RDF.type, URIRef(EKG + "Method")) in owl
    assert (triforce, URIRef(EKG + "targets"), URIRef("https://w3id.org/effikg/resource/hardware/nvidia-a100-gpu")) in owl


def test_rdf_blank_nodes_get_stable_labels(tmp_path: Path) -> None:
    def make() -> rdflib.Graph:
        g = rdflib.Graph()
        b = BNode()  # a fresh, random label each time
        g.add((URIRef("https://w3id.org/effikg/resource/method/x"), RDFS.seeAlso, b))
        g.add((b, RDFS.label, Literal("note", lang="en")))
        return g

    first, second = make(), make()
    assert to_ntriples_lines(first) == to_ntriples_lines(second)
    save_rdf(first, tmp_path)
    assert isomorphic(rdflib.Graph().parse(tmp_path / "effikg.nt", format="nt"), first)
    assert isomorphic(rdflib.Graph().parse(tmp_path / "effikg.jsonld", format="json-ld"), first)


def test_rdf_literals_survive_escaping(tmp_path: Path) -> None:
    g = rdflib.Graph()
    s = URIRef("https://w3id.org/effikg/resource/paper/x")
    for text in ('quote " and \\ backslash', "line\nbreak\r\n", "tab\there ×—é 中文 \U0001F600", "<b>&amp;</b>"):
        g.add((s, RDFS.comment, Literal(text)))
    g.add((s, URIRef(EKG + "value"), Literal("2.310", datatype=XSD.decimal)))
    save_rdf(g, tmp_path)
    check_rdf_files(g, tmp_path)


def test_rdf_xml_invalid_character_is_one_clear_error(tmp_path: Path) -> None:
    g = rdflib.Graph()
    g.add((URIRef("https://w3id.org/effikg/resource/paper/x"), RDFS.comment, Literal("bell \x07")))
    with pytest.raises(ExportError, match="XML 1.0"):
        save_rdf(g, tmp_path)
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_rdf_lines_are_the_graphs_own_triples(sample_graph: rdflib.Graph) -> None:
    lines = to_ntriples_lines(sample_graph)
    assert len(lines) == len(sample_graph) and lines == sorted(lines)
    # a graph sharing its store with another must not see the other's triples
    ds = rdflib.Dataset()
    a = ds.graph(URIRef("urn:a"))
    b = ds.graph(URIRef("urn:b"))
    a.add((URIRef("urn:s"), RDFS.label, Literal("a")))
    b.add((URIRef("urn:s"), RDFS.label, Literal("b")))
    assert to_ntriples_lines(a) == ['<urn:s> <http://www.w3.org/2000/01/rdf-schema#label> "a" .\n']
    assert to_ntriples_lines(b) == ['<urn:s> <http://www.w3.org/2000/01/rdf-schema#label> "b" .\n']


def test_rdf_exports_get_the_mode_open_would_give(sample_graph: rdflib.Graph, tmp_path: Path) -> None:
    """Not mkstemp's 0o600: a web server or a colleague must be able to read the files."""
    import os
    import stat

    from pipeline.export.graphml import save_graphml
    from pipeline.export.html import save_html
    from pipeline.export.neo4j import save_neo4j

    old = os.umask(0o022)
    try:
        written = [*save_rdf(sample_graph, tmp_path, turtle=True), *save_graphml(sample_graph, tmp_path),
                   *save_neo4j(sample_graph, tmp_path), *save_html(sample_graph, tmp_path)]
    finally:
        os.umask(old)
    assert {p.relative_to(tmp_path).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in written} == {
        p.relative_to(tmp_path).as_posix(): 0o644 for p in written
    }
