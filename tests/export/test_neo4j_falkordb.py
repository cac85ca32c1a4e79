"""pipeline.export.neo4j: the Cypher script builds, on a real openCypher engine (FalkorDB),
the same nodes, relationships and claim properties as the RDF graph holds; the CSVs are in
neo4j-admin import format and reference only ids that exist."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from pipeline.export.neo4j import read_cypher_statements, save_neo4j
from pipeline.terms import EKG

RELATIONS = ("targets", "improves", "outperforms")


# --------------------------------------------------------------------------- expectations from RDF


def rdf_label_counts(graph: rdflib.Graph) -> Counter[str]:
    """Instances by effikg class, Claim and Assertion excepted (they are not nodes)."""
    counts: Counter[str] = Counter()
    for s, cls in graph.subject_objects(RDF.type):
        if str(cls).startswith(str(EKG)) and cls not in (EKG.Claim, EKG.Assertion):
            counts[str(cls)[len(str(EKG)):]] += 1
    return counts


def rdf_claims(graph: rdflib.Graph, relation: str) -> dict[str, tuple]:
    """claim IRI -> (method, object, figure, evidence, paper) for one relation."""
    role = {"targets": EKG.hardware, "improves": EKG.metric, "outperforms": EKG.baseline}[relation]
    out = {}
    for claim in graph.subjects(EKG.relation, Literal(relation)):
        if (claim, RDF.type, EKG.Claim) not in graph:
            continue
        assertion = graph.value(claim, EKG.supports)
        obj = graph.value(assertion, EKG.assertionObject)
        assert (claim, role, obj) in graph
        figure = graph.value(claim, EKG.figureText)
        out[str(claim)] = (
            str(graph.value(claim, EKG.method)), str(obj),
            None if figure is None else str(figure),
            str(graph.value(claim, EKG.evidence)), str(graph.value(claim, PROV.wasDerivedFrom)),
        )
    return out


def rdf_relationship_counts(graph: rdflib.Graph) -> Counter[str]:
    """One relationship a claim; a direct triple with no claim still counts once."""
    counts: Counter[str] = Counter({"PROPOSES": len(set(graph.subject_objects(EKG.proposes)))})
    for rel in RELATIONS:
        claimed = {(m, o) for m, o, *_ in rdf_claims(graph, rel).values()}
        direct = {(str(s), str(o)) for s, o in graph.subject_objects(EKG[rel])}
        counts[rel.upper()] = len(rdf_claims(graph, rel)) + len(direct - claimed)
    return counts


# --------------------------------------------------------------------------- the database


def load_into_falkordb(server: tuple[str, int], script: Path, name: str):
    from falkordb import FalkorDB

    db = FalkorDB(host=server[0], port=server[1])
    graph = db.select_graph(name)
    for statement in read_cypher_statements(script.read_text(encoding="utf-8")):
        graph.query(statement)
    return graph


def check_database_matches_rdf(db, graph: rdflib.Graph) -> None:
    labels = Counter({l: n for l, n in db.query("MATCH (n) UNWIND labels(n) AS l RETURN l, count(*)").result_set})
    assert labels == rdf_label_counts(graph)
    types = Counter({t: n for t, n in db.query("MATCH ()-[r]->() RETURN type(r), count(r)").result_set})
    assert types == rdf_relationship_counts(graph)

    # The direct triples are the distinct end points of each type.
    for rel in RELATIONS:
        pairs = {tuple(row) for row in db.query(f"MATCH (a)-[:{rel.upper()}]->(b) RETURN a.iri, b.iri").result_set}
        assert pairs == {(str(s), str(o)) for s, o in graph.subject_objects(EKG[rel])}, rel

        # Every claim's figure, evidence and paper is a property of its relationship.
        rows = db.query(
            f"MATCH (a)-[r:{rel.upper()}]->(b) WHERE r.claim IS NOT NULL "
            "RETURN r.claim, a.iri, b.iri, r.figure, r.evidence, r.paper"
        ).result_set
        assert {row[0]: tuple(row[1:]) for row in rows} == rdf_claims(graph, rel), rel

    # Node properties: label and every alias, and text with quotes, backslashes and newlines.
    for iri, label, aliases, abstract in db.query(
        "MATCH (n) RETURN n.iri, n.label, n.altLabel, n.abstract"
    ).result_set:
        node = URIRef(iri)
        assert label == str(graph.value(node, RDFS.label))
        assert sorted(aliases or []) == sorted(str(a) for a in graph.objects(node, SKOS.altLabel))
        if abstract is not None:
            assert abstract == str(graph.value(node, rdflib.URIRef("http://purl.org/dc/terms/abstract")))


@pytest.mark.slow
def test_neo4j_cypher_on_falkordb_sample(sample_graph, sample_export_dir: Path, falkordb_server) -> None:
    db = load_into_falkordb(falkordb_server, sample_export_dir / "neo4j" / "effikg.cypher", "sample")
    try:
        check_database_matches_rdf(db, sample_graph)
        # The figure of a result lands on the relationship with its number and unit.
        row = db.query(
            "MATCH (:Method {label: 'TriForce'})-[r:IMPROVES]->(:Metric {label: 'Speed'}) "
            "RETURN r.figure, r.value, r.unit, r.hardware"
        ).result_set
        assert row == [["up to 2.31×", 2.31, "x", ["https://w3id.org/effikg/resource/hardware/nvidia-a100-gpu"]]]
    finally:
        db.delete()


@pytest.mark.slow
def test_neo4j_cypher_on_falkordb_built_corpus(built_graph, built_graph_dir: Path, falkordb_server) -> None:
    db = load_into_falkordb(falkordb_server, built_graph_dir / "neo4j" / "effikg.cypher", "built")
    try:
        check_database_matches_rdf(db, built_graph)
    finally:
        db.delete()


# --------------------------------------------------------------------------- CSVs


def read_import_csvs(folder: Path) -> tuple[dict[str, list[dict]], dict[str, list[dict]], str]:
    readme = (folder / "README.md").read_text(encoding="utf-8")
    delimiter = re.search(r'--array-delimiter="(.)"', readme).group(1)
    nodes, rels = {}, {}
    for path in sorted(folder.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        (nodes if path.name.startswith("nodes_") else rels)[path.name] = rows
        # every file named in the README import command, and the README names only these
        assert f"import/{path.name}" in readme
    return nodes, rels, delimiter


def check_csvs(folder: Path, graph: rdflib.Graph) -> None:
    nodes, rels, delimiter = read_import_csvs(folder)
    ids: set[str] = set()
    label_counts: Counter[str] = Counter()
    for name, rows in nodes.items():
        assert rows and list(rows[0])[:2] == ["iri:ID", ":LABEL"], name
        for row in rows:
            assert row["iri:ID"] not in ids, f"duplicate id {row['iri:ID']}"
            ids.add(row["iri:ID"])
            label_counts.update(row[":LABEL"].split(delimiter))
            if "altLabel:string[]" in row:
                got = [a for a in row["altLabel:string[]"].split(delimiter) if a]
                assert sorted(got) == sorted(str(a) for a in graph.objects(URIRef(row["iri:ID"]), SKOS.altLabel))
    assert label_counts == rdf_label_counts(graph)
    type_counts: Counter[str] = Counter()
    for name, rows in rels.items():
        assert list(rows[0])[:3] == [":START_ID", ":END_ID", ":TYPE"], name
        for row in rows:
            assert row[":START_ID"] in ids and row[":END_ID"] in ids, f"{name}: dangling id in {row}"
            type_counts[row[":TYPE"]] += 1
    assert type_counts == rdf_relationship_counts(graph)
    assert set(type_counts) <= {"TARGETS", "IMPROVES", "OUTPERFORMS", "PROPOSES"}


def test_neo4j_csvs_reference_only_existing_ids_sample(sample_graph, sample_export_dir: Path) -> None:
    check_csvs(sample_export_dir / "neo4j", sample_graph)
    # "Tri-Force; v2|beta" holds ';' and '|', so the array delimiter moved on.
    _, _, delimiter = read_import_csvs(sample_export_dir / "neo4j")
    assert delimiter not in ";|"


@pytest.mark.slow
def test_neo4j_csvs_reference_only_existing_ids_built_corpus(built_graph, built_graph_dir: Path) -> None:
    check_csvs(built_graph_dir / "neo4j", built_graph)


def test_neo4j_output_is_deterministic(sample_graph, sample_export_dir: Path, tmp_path: Path) -> None:
    shuffled = rdflib.Graph()
    for t in sorted(sample_graph, reverse=True):
        shuffled.add(t)
    save_neo4j(shuffled, tmp_path)
    for path in sorted((sample_export_dir / "neo4j").iterdir()):
        assert (tmp_path / "neo4j" / path.name).read_bytes() == path.read_bytes(), path.name


def test_neo4j_statement_split_matches_cypher_shell_rules() -> None:
    script = '// comment\nCREATE (n:A {s: "a;\\nb"});\n\nUNWIND [\n{x: "y;"}\n] AS row\nCREATE (n:B) SET n = row;\n'
    assert read_cypher_statements(script) == [
        'CREATE (n:A {s: "a;\\nb"})',
        'UNWIND [\n{x: "y;"}\n] AS row\nCREATE (n:B) SET n = row',
    ]


def test_neo4j_readme_import_command_is_neo4j_5_syntax(sample_export_dir: Path) -> None:
    folder = sample_export_dir / "neo4j"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```sh\n(.*?)```", readme, re.S) if "neo4j-admin" in b)
    args = block.replace("\\\n", " ").split()
    # `database import full DBNAME` first: since Neo4j 5.19 a name after the --nodes /
    # --relationships lists is taken for one more file.
    assert args[:5] == ["bin/neo4j-admin", "database", "import", "full", "neo4j"]
    assert all(a.startswith("--") for a in args[5:]), args
    named = sorted(a.split("=import/", 1)[1] for a in args if a.startswith(("--nodes=", "--relationships=")))
    assert named == sorted(p.name for p in folder.glob("*.csv"))
    cypher = next(b for b in re.findall(r"```sh\n(.*?)```", readme, re.S) if "cypher-shell" in b)
    assert cypher.split()[0] == "cypher-shell" and "-f effikg.cypher" in cypher
