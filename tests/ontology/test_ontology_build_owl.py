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
    assert main(["--source", str(ttl), "--target", str(owl)]) == 0
    assert main(["--check", "--source", str(ttl), "--target", str(owl)]) == 0
    with ttl.open("a", encoding="utf-8") as f:
        f.write('\n<https://w3id.org/effikg/ontology#Paper> <http://www.w3.org/2004/02/skos/core#note> "changed"@en .\n')
    assert main(["--check", "--source", str(ttl), "--target", str(owl)]) == 1
    assert "stale" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["effikg.owl", "effikg.ttl"]
