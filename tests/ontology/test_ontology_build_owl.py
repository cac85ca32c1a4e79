"""ontology/effikg.owl is generated from effikg.ttl, deterministically, and is current."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from rdflib import Graph
from rdflib.compare import isomorphic

from pipeline.ontology_build import is_current, main, ontology_dir, read_turtle, to_rdfxml


def test_ontology_build_owl_is_current() -> None:
    ttl, owl = ontology_dir() / "effikg.ttl", ontology_dir() / "effikg.owl"
    assert is_current(ttl, owl), "ontology/effikg.owl is stale: run `python -m pipeline.ontology_build`"


def test_ontology_build_owl_holds_the_same_triples() -> None:
    ttl = read_turtle(ontology_dir() / "effikg.ttl")
    owl = Graph().parse(ontology_dir() / "effikg.owl", format="xml")
    assert len(owl) == len(ttl) > 500
    assert isomorphic(owl, ttl)


def test_ontology_build_owl_is_byte_identical_across_processes() -> None:
    # Another interpreter with another hash seed must write the same bytes.
    code = ("import sys; from pipeline.ontology_build import to_rdfxml, read_turtle, ontology_dir; "
            "sys.stdout.buffer.write(to_rdfxml(read_turtle(ontology_dir() / 'effikg.ttl')))")
    env = dict(os.environ, PYTHONHASHSEED="12345")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, check=True).stdout
    assert other == to_rdfxml(read_turtle(ontology_dir() / "effikg.ttl"))


def test_ontology_build_check_fails_on_a_stale_copy(tmp_path: Path, capsys) -> None:
    ttl = tmp_path / "effikg.ttl"
    ttl.write_text((ontology_dir() / "effikg.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    owl = tmp_path / "effikg.owl"
    # A copy of the README too: without --readme, main() would rewrite the repository's.
    readme = tmp_path / "README.md"
    readme.write_text((ontology_dir() / "README.md").read_text(encoding="utf-8"), encoding="utf-8")
    paths = ["--source", str(ttl), "--target", str(owl), "--readme", str(readme)]
    assert main(paths) == 0
    assert main(["--check", *paths]) == 0
    with ttl.open("a", encoding="utf-8") as f:
        f.write('\n<https://w3id.org/effikg/ontology#Paper> <http://www.w3.org/2004/02/skos/core#note> "changed"@en .\n')
    assert main(["--check", *paths]) == 1
    assert "stale" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md", "effikg.owl", "effikg.ttl"]


def test_ontology_build_readme_is_current() -> None:
    from pipeline.ontology_build import readme_is_current

    assert readme_is_current(ontology_dir() / "effikg.ttl", ontology_dir() / "README.md"), (
        "ontology/README.md is stale: run `python -m pipeline.ontology_build`")


def test_ontology_build_readme_shows_every_term() -> None:
    from rdflib import OWL, RDF

    from pipeline.ontology_build import EKG_NS, to_mermaid, to_readme_section

    onto = read_turtle(ontology_dir() / "effikg.ttl")
    section, diagram = to_readme_section(onto), to_mermaid(onto)
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in onto.subjects(RDF.type, kind):
            if str(term).startswith(EKG_NS):
                name = str(term)[len(EKG_NS):]
                assert f"| `ekg:{name}` |" in section
                assert name in diagram
    assert "Paper --> Method : proposes" in diagram
    assert "Hardware <|-- GPU" in diagram
    assert "Claim --> Paper : wasDerivedFrom [prov]" in diagram


def test_ontology_build_merge_writes_ontology_and_graph(tmp_path: Path) -> None:
    from pipeline.export.rdf import save_turtle
    from pipeline.graph import to_rdf
    from test_graph import all_extractions

    graph = to_rdf(all_extractions())
    ttl = save_turtle(graph, tmp_path / "effikg.ttl")
    out = tmp_path / "full.owl"
    assert main(["--merge", str(ttl), str(out)]) == 0
    full = Graph().parse(out, format="xml")
    assert isomorphic(full, read_turtle(ontology_dir() / "effikg.ttl") + graph)
