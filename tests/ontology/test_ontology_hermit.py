"""HermiT (through owlready2) finds the ontology and built graphs consistent and infers
ekg:Baseline members from ekg:outperforms once the materialised types are removed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef

from conftest import merged, require_extractor
from pipeline.ontology_build import ontology_dir
from pipeline.terms import EKG, RES

pytestmark = pytest.mark.slow


def run_hermit(graph: Graph, path: Path) -> set[str]:
    """Reason over `graph` with HermiT; return the IRIs it classifies as ekg:Baseline.

    Raises owlready2.OwlReadyInconsistentOntologyError when the graph is inconsistent.
    """
    import owlready2

    if shutil.which("java") is None:
        pytest.fail("java is not on PATH: HermiT needs a JRE")
    graph.serialize(path, format="nt", encoding="utf-8")  # owlready2 reads N-Triples, not Turtle
    world = owlready2.World()
    # Named, not guessed: owlready2 guesses RDF/XML when the first line is over 1,000 bytes.
    onto = world.get_ontology(path.as_uri()).load(format="ntriples")
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    baseline = world[str(EKG.Baseline)]
    return {i.iri for i in baseline.instances()}


def without_baseline_types(graph: Graph) -> Graph:
    g = merged(graph)
    g.remove((None, RDF.type, EKG.Baseline))
    return g


def test_ontology_hermit_ontology_alone_is_consistent(tmp_path: Path) -> None:
    onto = Graph().parse(ontology_dir() / "effikg.owl", format="xml")
    assert run_hermit(onto, tmp_path / "onto.nt") == set()


def test_ontology_hermit_infers_baselines_in_sample_graph(sample_graph: Graph, tmp_path: Path) -> None:
    materialised = {str(s) for s in sample_graph.subjects(RDF.type, EKG.Baseline)}
    assert materialised == {str(RES["method/deepspeed-zero-inference"]), str(RES["hardware/intel-xeon-8358p-cpu"])}
    inferred = run_hermit(without_baseline_types(sample_graph), tmp_path / "sample.nt")
    assert inferred == materialised


def test_ontology_hermit_detects_inconsistency(sample_graph: Graph, tmp_path: Path) -> None:
    import owlready2

    # Papers and methods are disjoint: one IRI cannot be both.
    broken = merged(sample_graph)
    broken.add((URIRef(RES["method/triforce"]), RDF.type, EKG.Paper))
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        run_hermit(broken, tmp_path / "broken.nt")


def test_ontology_hermit_infers_baselines_in_built_graph(request, tmp_path: Path) -> None:
    require_extractor()
    built: Graph = request.getfixturevalue("built_graph")
    materialised = {str(s) for s in built.subjects(RDF.type, EKG.Baseline)}
    outperformed = {str(o) for o in built.objects(None, EKG.outperforms)}
    assert materialised == outperformed
    inferred = run_hermit(without_baseline_types(built), tmp_path / "built.nt")
    assert inferred == materialised
