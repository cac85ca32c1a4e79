"""The OWL API (the library Protégé is built on) loads the ontology and built graphs with
zero OWL 2 DL profile violations and no triple it cannot map to OWL."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from conftest import OwlApiChecker, merged, require_extractor
from pipeline.ontology_build import ontology_dir
from pipeline.terms import EKG, RES

pytestmark = pytest.mark.slow


def _assert_dl(owlapi: OwlApiChecker, *paths: Path) -> str:
    code, report = owlapi.check(*paths)
    print(report)  # the violations, when there are any, show in the failure output
    assert code == 0, report
    for path in paths:
        assert f"{path}: format" in report and " 0 OWL 2 DL violations, 0 unparsed triples" in report
    return report


def test_ontology_owlapi_ontology_is_owl2_dl(owlapi: OwlApiChecker) -> None:
    report = _assert_dl(owlapi, ontology_dir() / "effikg.ttl", ontology_dir() / "effikg.owl")
    # Both documents are the same ontology: the same axiom count.
    counts = {line.split(", ")[1] for line in report.splitlines() if ": format" in line}
    assert len(counts) == 1, report


def test_ontology_owlapi_sample_graph_is_owl2_dl(owlapi: OwlApiChecker, sample_graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "sample.ttl"
    merged(sample_graph).serialize(path, format="turtle")
    report = _assert_dl(owlapi, path)
    assert "0 individuals" not in report


def test_ontology_owlapi_reports_violations(owlapi: OwlApiChecker, sample_graph: Graph, tmp_path: Path) -> None:
    # A property used as both an object and a data property is outside OWL 2 DL.
    broken = merged(sample_graph)
    broken.add((RES["method/triforce"], EKG.targets, Literal("a GPU")))
    path = tmp_path / "broken.ttl"
    broken.serialize(path, format="turtle")
    code, report = owlapi.check(path)
    assert code == 1
    assert "violation:" in report and "targets" in report


def test_ontology_owlapi_built_graph_is_owl2_dl(owlapi: OwlApiChecker, request, tmp_path: Path) -> None:
    require_extractor()
    built: Graph = request.getfixturevalue("built_graph")
    path = tmp_path / "built.ttl"
    merged(built).serialize(path, format="turtle")
    _assert_dl(owlapi, path)
