"""pipeline.validate: SHACL shapes accept what to_rdf builds and reject broken graphs
with a report that names the node, the property and the problem."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import PROV

from pipeline.cli import main
from pipeline.export.rdf import save_turtle
from pipeline.graph import to_rdf
from pipeline.terms import EKG, RES, to_curie
from pipeline.export.ntriples import parse_lines, to_ntriples_lines
from pipeline.shape_check import ShapeError, compile_shapes
from pipeline.validate import GraphReadError, check_triples, read_graph, validate
from pipeline.graph import claim_id, claim_iri
from test_graph import all_extractions, triforce_extraction

# TriForce targets NVIDIA A100 GPU
CLAIM = claim_iri("2404.11912", claim_id(next(c for c in triforce_extraction().claims if c.relation == "targets")))
C = to_curie(str(CLAIM))
ASSERTION = RES["assertion/triforce/targets/hardware/nvidia-a100-gpu"]
TRIFORCE = RES["method/triforce"]
A100 = RES["hardware/nvidia-a100-gpu"]
PAPER = RES["paper/2404.11912"]


@pytest.fixture(scope="module")
def good() -> Graph:
    return to_rdf(all_extractions())


def _copy(graph: Graph) -> Graph:
    out = Graph()
    for t in graph:
        out.add(t)
    return out


def test_validate_assembled_graph_conforms(good: Graph) -> None:
    result = validate(good)
    assert result.conforms, result.text
    assert result.violations == ()
    assert result.text.startswith("Conforms")


Mutation = Callable[[Graph], None]

BROKEN: list[tuple[str, Mutation, str, str]] = [
    ("no method", lambda g: g.remove((CLAIM, EKG.method, None)),
     f"{C} ekg:method", "exactly one ekg:method"),
    ("two methods", lambda g: g.add((CLAIM, EKG.method, RES["method/marca"])),
     f"{C} ekg:method", "exactly one ekg:method"),
    ("no paper", lambda g: g.remove((CLAIM, PROV.wasDerivedFrom, None)),
     f"{C} prov:wasDerivedFrom", "exactly one prov:wasDerivedFrom"),
    ("unknown relation", lambda g: g.set((CLAIM, EKG.relation, Literal("beats"))),
     f"{C} ekg:relation", "\"targets\", \"improves\" or \"outperforms\""),
    ("value as text", lambda g: g.set((CLAIM, EKG.value, Literal("2.31x"))),
     f"{C} ekg:value", "xsd:decimal"),
    ("negative offset", lambda g: g.set((CLAIM, EKG.evidenceStart, Literal(-3))),
     f"{C} ekg:evidenceStart", "xsd:nonNegativeInteger"),
    ("confidence above 1", lambda g: g.set((CLAIM, EKG.confidence, Literal("1.5", datatype=XSD.decimal))),
     f"{C} ekg:confidence", "from 0 to 1"),
    ("no evidence", lambda g: g.remove((CLAIM, EKG.evidence, None)),
     f"{C} ekg:evidence", "evidence sentence"),
    ("value without figure text", lambda g: g.remove((CLAIM, EKG.figureText, None)),
     C, "ekg:value"),
    ("two labels", lambda g: g.add((TRIFORCE, RDFS.label, Literal("Tri-Force"))),
     "res:method/triforce rdfs:label", "exactly one"),
    ("paper without label", lambda g: g.remove((PAPER, RDFS.label, None)),
     "res:paper/2404.11912 rdfs:label", "exactly one"),
    ("support count zero", lambda g: g.set((ASSERTION, EKG.supportCount, Literal(0, datatype=XSD.nonNegativeInteger))),
     "res:assertion/triforce/targets/hardware/nvidia-a100-gpu ekg:supportCount", "at least 1"),
    ("support count wrong", lambda g: g.set((ASSERTION, EKG.supportCount, Literal(5, datatype=XSD.nonNegativeInteger))),
     "res:assertion/triforce/targets/hardware/nvidia-a100-gpu", "distinct papers"),
    ("direct triple missing", lambda g: g.remove((TRIFORCE, EKG.targets, A100)),
     C, "do not match the direct triple"),
    ("baseline nobody beats", lambda g: g.add((A100, RDF.type, EKG.Baseline)),
     "res:hardware/nvidia-a100-gpu ^ekg:outperforms", "no method ekg:outperforms it"),
    # EKG is closed: a term outside the ontology has to be minted by hand.
    ("unknown metric", lambda g: g.add((URIRef(str(EKG) + "Latency"), RDF.type, EKG.Metric)),
     "ekg:Latency", "eight canonical"),
    ("targets a metric", lambda g: g.add((TRIFORCE, EKG.targets, EKG.Speed)),
     "res:method/triforce ekg:targets", "ekg:Hardware"),
    ("bad date", lambda g: g.set((PAPER, URIRef("http://purl.org/dc/terms/date"), Literal("April 2024"))),
     "res:paper/2404.11912 dcterms:date", "xsd:date"),
]


@pytest.mark.parametrize("name,mutate,where,message", BROKEN, ids=[b[0] for b in BROKEN])
def test_validate_broken_graph_fails_with_readable_report(
    good: Graph, name: str, mutate: Mutation, where: str, message: str
) -> None:
    broken = _copy(good)
    mutate(broken)
    result = validate(broken)
    assert not result.conforms
    assert result.text.startswith("Does not conform:")
    lines = [line.strip() for line in result.text.splitlines()[1:]]
    assert any(where in line and message in line for line in lines), result.text


def _fast(graph: Graph):
    return check_triples(parse_lines(to_ntriples_lines(graph)))


def test_validate_check_triples_conforms_on_assembled_graph(good: Graph) -> None:
    result = _fast(good)
    assert result.conforms, result.text
    assert result.text == validate(good).text


@pytest.mark.parametrize("name,mutate,where,message", BROKEN, ids=[b[0] for b in BROKEN])
def test_validate_check_triples_same_verdicts_as_pyshacl(
    good: Graph, name: str, mutate: Mutation, where: str, message: str
) -> None:
    """The build's SPARQL checks (pipeline.shape_check) find what pySHACL finds, node for
    node and value for value, and say it in the shapes' words."""
    broken = _copy(good)
    mutate(broken)
    fast, full = _fast(broken), validate(broken)
    assert not fast.conforms and not full.conforms
    assert {(v.focus, v.path, v.value) for v in fast.violations} == {(v.focus, v.path, v.value) for v in full.violations}
    lines = [line.strip() for line in fast.text.splitlines()[1:]]
    assert any(where in line and message in line for line in lines), fast.text


def test_validate_check_triples_refuses_unknown_shacl(tmp_path: Path) -> None:
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:uniqueLang true ] .""", format="turtle")
    with pytest.raises(ShapeError, match="uniqueLang"):
        compile_shapes(shapes)


def test_validate_cli_good_and_broken(good: Graph, tmp_path: Path) -> None:
    path = save_turtle(good, tmp_path / "effikg.ttl")
    ok = CliRunner().invoke(main, ["validate", str(path)])
    assert ok.exit_code == 0, ok.output
    assert "Conforms" in ok.output

    broken = _copy(good)
    broken.remove((CLAIM, EKG.method, None))
    bad_path = save_turtle(broken, tmp_path / "broken.ttl")
    bad = CliRunner().invoke(main, ["validate", str(bad_path)])
    assert bad.exit_code == 1
    assert "Does not conform: 1 violation(s)" in bad.output
    assert f"{C} ekg:method: a claim needs exactly one ekg:method" in bad.output


def test_validate_cli_defaults_to_graphs_effikg_ttl(good: Graph, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    missing = CliRunner().invoke(main, ["validate"])
    assert missing.exit_code != 0
    assert "graphs/effikg.ttl: no such file" in missing.output
    save_turtle(good, tmp_path / "graphs" / "effikg.ttl")
    assert CliRunner().invoke(main, ["validate"]).exit_code == 0


def test_validate_unreadable_file_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "garbage.ttl"
    path.write_text("this is <not turtle", encoding="utf-8")
    with pytest.raises(GraphReadError, match="garbage.ttl: not a readable RDF graph"):
        read_graph(path)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code != 0
    assert len(result.output.strip().splitlines()) == 1
    assert "garbage.ttl: not a readable RDF graph: line 1: bad syntax (" in result.output


@pytest.mark.slow
def test_validate_built_corpus_conforms(built_graph: Graph) -> None:
    result = validate(built_graph)
    assert result.conforms, result.text
