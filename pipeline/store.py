"""The build's on-disk graph: assembled out of core into a pyoxigraph store on disk.

A build hands each paper's Extraction over as the NLP finishes it (`StoreAssembly.add`),
settled by `pipeline.resolve.resolve_paper`: a paper's triples do not depend on the rest
of the corpus, so they are made at once (`pipeline.graph.Assembler`), while its mentions
are counted as votes for the corpus's names (`pipeline.resolve.NameVotes`); what spans
papers, the entities under their settled names and the support counts, comes at the end.
Every triple is formatted as an N-Triples line and sorted on disk (pipeline.export.
ntriples.LineSpool: sorted runs, merged) into one file of sorted, distinct lines, which is
bulk-loaded into `Store(path)`. Validation queries that store, and every export streams
from it or from the sorted lines it was loaded from (pipeline.export.source.StoreSource).
Nothing holds the graph in memory: what the build holds grows with the distinct entities
and assertions, not with the papers.

The store goes into the build folder as DIR/.effikg-store (pipeline.outdir.STORE_DIR),
with the ontology added once the exports are written, the very data `effikg query` and
`effikg serve` answer from (pipeline.query.load_store loads the same into memory from a
graph file). `open_store` opens it read-only for them, while the graph file it was built
with is unchanged (DIR/.effikg-store/graph.json records each RDF file's size and mtime).
"""

from __future__ import annotations

import json
import os
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from pipeline.export.ntriples import LineSpool, ontology_lines, to_ntriples
from pipeline.export.source import StoreSource
from pipeline.graph import Assembler, BuildInfo, add_build
from pipeline.outdir import STORE_DIR
from pipeline.records import Extraction
from pipeline.resolve import NameVotes, Resolution

SOURCES_FILE = "graph.json"  # in the store folder: the graph files it holds, by size and mtime
_OXIGRAPH = "oxigraph"  # the RocksDB folder inside the store folder
RDF_FILES = ("effikg.ttl", "effikg.nt", "effikg.jsonld", "effikg.owl")
LOAD_LINES = 50_000


class StoreAssembly:
    """The graph made into an on-disk store as the extractions stream past (one a paper id,
    each settled by resolve.resolve_paper): `add` formats a paper's triples as N-Triples
    lines into the on-disk sort under `work` and counts its votes for the corpus's names
    (pipeline.resolve.NameVotes), so that nothing waits for the last paper but what spans
    papers; `finish` adds that (the entities, named by the votes; the support counts),
    merges the sorted runs into work/graph.nt and bulk-loads it into a new store (or
    leaves that to `fill_store`)."""

    def __init__(self, work: Path, build: BuildInfo | None = None) -> None:
        self.work = Path(work)
        self.spool = LineSpool(self.work / "runs")
        self.votes = NameVotes()
        self.assembler = Assembler(self.spool.add)
        self.build = build

    def add(self, extraction: Extraction) -> None:
        self.votes.add(extraction)
        self.assembler.extraction(extraction)

    def finish(self, folder: Path, defer_load: bool = False) -> StoreSource:
        """The StoreSource the checks and exports read, its store in `folder` loaded.

        With `defer_load`, a graph the checks and exporters read from its lines alone (up
        to StoreSource.MEMORY_TRIPLES) is not loaded yet: `fill_store(source)` does it, so
        that the build can first start the export workers, who need only the lines."""
        if self.build is not None:
            add_build(self.assembler, self.build)
        self.assembler.finish(Resolution((), self.votes.entities()))
        lines = self.work / "graph.nt"
        count = self.spool.merge(lines)
        # What spans papers is written: not held through the checks and the exports.
        self.assembler = self.votes = self.spool = None  # type: ignore[assignment]
        folder.mkdir(parents=True, exist_ok=True)
        source = StoreSource(lines, folder / _OXIGRAPH, count, loaded=False)
        if not (defer_load and source.in_memory):
            fill_store(source)
        return source


def fill_store(source: StoreSource) -> None:
    """Bulk-load the source's on-disk store from its lines, unless that is done."""
    if not source.loaded:
        load_lines(source.store, source.lines_path)
        source.loaded = True
        source.release()


def load_lines(store: ox.Store, path: Path, chunk: int = LOAD_LINES) -> None:
    """Bulk-load an N-Triples file into `store` `chunk` lines at a time (one bulk load of
    the whole file buffers it: 320 MB for 380,000 triples, 100 MB in chunks), then compact
    it (the shape checks then run a third faster)."""
    with open(path, "rb") as f:
        while block := b"".join(islice(f, chunk)):
            store.bulk_load(input=block, format=ox.RdfFormat.N_TRIPLES)
    store.optimize()


def finish_store(source: StoreSource, folder: Path) -> None:
    """Add the ontology (as pipeline.query.load_store does) and record the graph files
    written beside the store folder; call once the exports are written. (A store left
    unfilled is filled first: query and serve answer from it.)"""
    fill_store(source)
    source.store.bulk_load(input=to_ntriples(ontology_lines()), format=ox.RdfFormat.N_TRIPLES)
    source.store.flush()
    files = {}
    for name in RDF_FILES:
        path = folder.parent / name
        if path.is_file():
            stat = path.stat()
            files[name] = [stat.st_size, stat.st_mtime_ns]
    (folder / SOURCES_FILE).write_text(json.dumps({"files": files}, indent=1) + "\n", encoding="utf-8")


def store_folder(graph_path: Path) -> Path | None:
    """The store folder built with the graph file at graph_path, while that file is as the
    build wrote it; else None."""
    graph_path = Path(graph_path)
    folder = graph_path.parent / STORE_DIR
    try:
        files = json.loads((folder / SOURCES_FILE).read_text(encoding="utf-8"))["files"]
        stat = graph_path.stat()
    except (OSError, ValueError, KeyError, TypeError):
        return None
    recorded = files.get(graph_path.name)
    if recorded != [stat.st_size, stat.st_mtime_ns] or not (folder / _OXIGRAPH).is_dir():
        return None
    return folder


def open_store(graph_path: Path) -> ox.Store | None:
    """The build's store of the graph file at graph_path, opened read-only; None when
    there is none (a graph file from elsewhere, or edited since the build)."""
    folder = store_folder(graph_path)
    return None if folder is None else open_store_folder(folder)


def open_store_folder(folder: Path) -> ox.Store | None:
    """A build's store folder (DIR/.effikg-store) opened read-only; None if it holds none."""
    if not (Path(folder) / SOURCES_FILE).is_file() or not (Path(folder) / _OXIGRAPH).is_dir():
        return None
    try:
        return ox.Store.read_only(str(Path(folder) / _OXIGRAPH))
    except OSError:
        return None


def store_size(folder: Path) -> int:
    """Bytes on disk of a store folder."""
    return sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file() and not os.path.islink(f))
