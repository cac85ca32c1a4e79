"""pipeline.export.graphml: the GraphML loads back into networkx with every node and edge."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
import rdflib
from rdflib.namespace import RDF

from pipeline.export.graphml import save_graphml
from pipeline.terms import EKG

NODE_CLASSES = (EKG.Paper, EKG.Method, EKG.Hardware, EKG.Metric)


def rdf_nodes(graph: rdflib.Graph) -> set[str]:
    return {str(s) for cls in NODE_CLASSES for s in graph.subjects(RDF.type, cls)}


def rdf_edges(graph: rdflib.Graph) -> set[tuple[str, str, str]]:
    return {
        (str(s), rel, str(o))
        for rel in ("proposes", "targets", "improves", "outperforms")
        for s, o in graph.subject_objects(EKG[rel])
    }


def check_graphml(path: Path, graph: rdflib.Graph) -> nx.MultiDiGraph:
    loaded = nx.read_graphml(path, force_multigraph=True)
    assert loaded.is_directed()
    assert set(loaded.nodes) == rdf_nodes(graph)
    assert loaded.number_of_edges() == len(rdf_edges(graph))
    assert {(u, d["relation"], v) for u, v, d in loaded.edges(data=True)} == rdf_edges(graph)
    for node, attrs in loaded.nodes(data=True):
        assert attrs["label"] and attrs["type"], node
    for u, v, attrs in loaded.edges(data=True):
        assert {"relation", "figure", "support"} <= set(attrs), (u, v)
        assert attrs["support"] >= 1
    return loaded


def test_graphml_sample_loads_back(sample_graph: rdflib.Graph, sample_export_dir: Path) -> None:
    loaded = check_graphml(sample_export_dir / "effikg.graphml", sample_graph)
    triforce = "https://w3id.org/effikg/resource/method/triforce"
    speed = "https://w3id.org/effikg/ontology#Speed"
    assert loaded.nodes[triforce]["label"] == "TriForce"
    assert loaded.nodes["https://w3id.org/effikg/resource/hardware/nvidia-a100-gpu"]["type"] == "GPU"
    (edge,) = [d for u, v, d in loaded.edges(data=True) if (u, v) == (triforce, speed)]
    assert edge["relation"] == "improves" and edge["figure"] == "up to 2.31×" and edge["support"] == 1
    (targets,) = [d for u, v, d in loaded.edges(data=True)
                  if u == triforce and v.endswith("nvidia-a100-gpu")]
    assert targets["support"] == 2  # stated by two papers


@pytest.mark.slow
def test_graphml_built_corpus_loads_back(built_graph: rdflib.Graph, built_graph_dir: Path) -> None:
    check_graphml(built_graph_dir / "effikg.graphml", built_graph)


def test_graphml_is_byte_identical_whatever_the_insertion_order(
    sample_graph: rdflib.Graph, sample_export_dir: Path, tmp_path: Path
) -> None:
    shuffled = rdflib.Graph()
    for t in sorted(sample_graph, reverse=True):
        shuffled.add(t)
    save_graphml(shuffled, tmp_path)
    assert (tmp_path / "effikg.graphml").read_bytes() == (sample_export_dir / "effikg.graphml").read_bytes()
