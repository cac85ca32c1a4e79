"""The out-of-core build (issue 12.5): papers assembled as they come, the on-disk sort, the store, and
every export streamed from it, held to what the in-memory path (graph.to_rdf,
GraphSource) writes of the same records."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from pipeline.export import save_exports
from pipeline.export.graphml import to_graphml, to_graphml_graph
from pipeline.export.ntriples import LineSpool, to_ntriples_lines
from pipeline.export.source import GraphSource, StoreSource
from pipeline.graph import to_networkx, to_rdf
from pipeline.resolve import resolve_paper
from pipeline.store import StoreAssembly, finish_store, open_store, store_folder
from pipeline.validate import check_store, check_triples

def _export_samples():
    """tests/export/conftest.py's hand-built records (a conftest is not importable by name)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_export_samples", Path(__file__).parent / "export" / "conftest.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


_SAMPLES = _export_samples()
sample_extractions = _SAMPLES.sample_extractions


def _store_source(tmp_path: Path, extractions=None):
    assembly = StoreAssembly(tmp_path / "work")
    for extraction in extractions if extractions is not None else sample_extractions():
        assembly.add(resolve_paper(extraction))
    return assembly.finish(tmp_path / "out" / ".effikg-store")


def test_store_line_spool_sorts_and_dedups_across_runs(tmp_path: Path) -> None:
    spool = LineSpool(tmp_path / "runs", run_chars=200)  # a run every few lines
    triples = [(URIRef(f"http://x/{i % 17}"), URIRef("http://p"), Literal(f"v{i % 5}")) for i in range(200)]
    for triple in triples:
        spool.add(*triple)
    assert spool.merge(tmp_path / "all.nt") == len(set(triples))
    expected = Graph()
    for triple in triples:
        expected.add(triple)
    assert (tmp_path / "all.nt").read_text(encoding="utf-8") == "".join(to_ntriples_lines(expected))
    assert list((tmp_path / "runs").iterdir()) == []


def test_store_assembly_out_of_core_makes_the_in_memory_graph(tmp_path: Path) -> None:
    source = _store_source(tmp_path)
    memory = GraphSource(to_rdf(sample_extractions()))
    assert list(source.iter_lines()) == memory.lines
    assert len(source) == len(memory.lines) == len(source.store)


# The exporters read an in-memory copy of a small store (StoreSource.reader); 0 makes them
# read the on-disk store itself, as they do past StoreSource.MEMORY_TRIPLES.
READERS = pytest.mark.parametrize("memory_triples", [StoreSource.MEMORY_TRIPLES, 0], ids=["memory-copy", "on-disk"])


@READERS
def test_store_exports_are_byte_identical_to_the_in_memory_ones(tmp_path: Path, monkeypatch, memory_triples: int) -> None:
    monkeypatch.setattr(StoreSource, "MEMORY_TRIPLES", memory_triples)
    source = _store_source(tmp_path)
    assert (source.reader is source.store) == (memory_triples == 0)
    memory = to_rdf(sample_extractions())
    names = ["ttl", "nt", "jsonld", "owl", "graphml", "neo4j", "html"]
    from_store = save_exports(source, tmp_path / "a", names)
    from_memory = save_exports(memory, tmp_path / "b", names)
    rel = sorted(p.relative_to(tmp_path / "a").as_posix() for p in from_store)
    assert rel == sorted(p.relative_to(tmp_path / "b").as_posix() for p in from_memory)
    assert [r for r in rel if (tmp_path / "a" / r).read_bytes() != (tmp_path / "b" / r).read_bytes()] == []


def test_store_graphml_is_what_networkx_writes(tmp_path: Path) -> None:
    from pipeline.records import Extraction, Paper

    TRIFORCE = _SAMPLES.TRIFORCE

    odd = 'tab\there, "quotes" & <tags>\r\nand a new line'
    paper = Paper(id="odd", abstract=odd + ". TriForce is fast.", title=odd)
    extra = Extraction(paper, (TRIFORCE,), (), (("triforce", odd),))
    graph = to_rdf([*sample_extractions(), extra])
    buffer = io.BytesIO()
    nx.write_graphml(to_graphml_graph(graph), buffer, encoding="utf-8", prettyprint=True)
    assert to_graphml(graph) == buffer.getvalue()
    empty = io.BytesIO()
    nx.write_graphml(nx.MultiDiGraph(), empty, encoding="utf-8", prettyprint=True)
    assert to_graphml(Graph()) == empty.getvalue()


def test_store_validation_on_disk_gives_the_in_memory_verdicts(tmp_path: Path) -> None:
    source = _store_source(tmp_path)
    assert check_store(source.store, source.iter_triples, len(source)).conforms
    # A claim with two confidences, one ill-typed: both checks fire, on disk as in memory.
    claim = next(q.subject for q in source.store.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode("https://w3id.org/effikg/ontology#Claim")))
    bad = ox.Triple(claim, ox.NamedNode("https://w3id.org/effikg/ontology#confidence"), ox.Literal("high"))
    source.store.add(ox.Quad(bad.subject, bad.predicate, bad.object))
    triples = [*source.iter_triples(), bad]
    on_disk = check_store(source.store, lambda: triples, len(triples))
    assert not on_disk.conforms
    assert on_disk.text == check_triples(triples).text


def test_store_query_opens_the_build_store_while_the_file_is_unchanged(tmp_path: Path) -> None:
    from pipeline.query import load_store, run_query

    source = _store_source(tmp_path)
    out = tmp_path / "out"
    save_exports(source, out, ["ttl"])
    finish_store(source, out / ".effikg-store")
    source.release()  # closed, as the build leaves it
    ttl = out / "effikg.ttl"
    assert store_folder(ttl) == out / ".effikg-store"
    on_disk = run_query(ttl, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    in_memory = run_query(Graph().parse(ttl), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert on_disk.rows == in_memory.rows  # the store holds the graph and the ontology
    assert open_store(ttl) is not None and len(load_store(out / ".effikg-store")) > 0
    text = ttl.read_bytes()
    ttl.write_bytes(text.replace(b"TriForce", b"TriFarce"))  # edited: the file is read, not the store
    stat = ttl.stat()
    os.utime(ttl, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert store_folder(ttl) is None and open_store(ttl) is None
    farce = run_query(ttl, 'SELECT ?s WHERE { ?s ?p "TriFarce" }')
    assert len(farce.rows) > 0


@pytest.mark.slow
@READERS
def test_store_large_explorer_holds_the_top_and_a_page_a_paper(tmp_path: Path, monkeypatch, memory_triples: int) -> None:
    import pipeline.export.html as html

    monkeypatch.setattr(StoreSource, "MEMORY_TRIPLES", memory_triples)
    monkeypatch.setattr(html, "LARGE_GRAPH_NODES", 5)
    monkeypatch.setattr(html, "RELEASE_PAGES", 2)  # the store closed and opened again between pages
    source = _store_source(tmp_path)
    written = html.save_html(source, tmp_path / "site", top_n=4)
    pages = sorted(p.name for p in written if p.parent.name == "papers")
    assert pages == ["2404.11912.html", "2405.04437.html", "h-1ba9a9a645.html", "index.html", "nodes.js"]
    # The table the paper pages read: every linked node but the papers, as the whole graph has it.
    whole = to_networkx(source.view)
    text = (tmp_path / "site" / "papers" / "nodes.js").read_text(encoding="utf-8")
    table = json.loads(text.removeprefix("window.effikgNodes = ").removesuffix(";\n"))
    linked = [n for n, d in whole.nodes(data=True) if d["type"] != "Paper" and whole.degree(n)]
    short = {n: n.removeprefix(table["prefix"]) for n in linked}
    assert table["degrees"] == {short[n]: whole.degree(n) for n in linked}
    assert table["aliases"] == {short[n]: whole.nodes[n]["aliases"] for n in linked if whole.nodes[n]["aliases"]}
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "the 4 most connected of" in index

    data = json.loads(index.split('id="effikg-data">', 1)[1].split("</script>", 1)[0])
    assert len(data["nodes"]) == 4  # the top nodes only
    listing = (tmp_path / "site" / "papers" / "index.html").read_text(encoding="utf-8")
    assert listing.count("<li>") == 3


def test_store_assembly_defers_the_store_load_only_for_a_graph_read_from_its_lines(tmp_path: Path, monkeypatch) -> None:
    """finish(defer_load=True) leaves the on-disk store unmade while the exporters read the
    lines: an export worker writes every format from them without opening it (the build
    starts the workers first); fill_store then loads it, once. A graph past
    StoreSource.MEMORY_TRIPLES, which the workers read from the store, is loaded at once."""
    import pipeline.store as store
    from pipeline.export import EXPORTERS
    from pipeline.export.worker import save_store_exports

    loads = []
    load_lines = store.load_lines
    monkeypatch.setattr(store, "load_lines", lambda *args: (loads.append(1), load_lines(*args)))
    assembly = StoreAssembly(tmp_path / "work")
    for extraction in sample_extractions():
        assembly.add(resolve_paper(extraction))
    source = assembly.finish(tmp_path / "deferred" / ".effikg-store", defer_load=True)
    written = save_store_exports(source.lines_path, source.store_path, len(source), None, tmp_path / "deferred",
                                 list(EXPORTERS))
    assert set(written) == set(EXPORTERS) and all(written.values())
    assert not source.loaded and not source.store_path.exists() and loads == []
    store.fill_store(source)
    store.fill_store(source)  # a second call does nothing
    assert source.loaded and loads == [1] and len(source.store) == len(source) > 0

    monkeypatch.setattr(StoreSource, "MEMORY_TRIPLES", 10)
    large = StoreAssembly(tmp_path / "work2")
    for extraction in sample_extractions():
        large.add(resolve_paper(extraction))
    source = large.finish(tmp_path / "at-once", defer_load=True)
    assert source.loaded and loads == [1, 1] and len(source.store) == len(source) > 10
