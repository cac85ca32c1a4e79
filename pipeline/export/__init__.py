"""The exporters, registered by name: `effikg build --export ttl,nt,...` picks from EXPORTERS.

Each target is one module with a `save_<name>(graph, out_dir) -> list[Path]` that takes an
rdflib Graph or the source of a run (pipeline.export.source: a GraphSource, or the build's
StoreSource). Adding a format is that
module and one line below. A save function is named by "module:function" and imported
only when it runs, so reading this table (the CLI does, for its help) imports no exporter.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import ExportError

if TYPE_CHECKING:
    from pipeline.export.source import GraphLike, GraphSource, StoreSource


@dataclass(frozen=True)
class Exporter:
    """One target: its name on the command line, what it is for, what it writes."""

    name: str
    description: str
    files: tuple[str, ...]  # what it writes into the build folder; a trailing "/" is a folder
    target: str  # "module:function" of its save function
    # Its CPU seconds in a build of 1,000 abstracts (docs/benchmarks.md; measured again
    # 2026-12-08, every abstract new, in one in-process --jobs 1 build): how
    # `share_exporters` balances the exports between processes under --jobs N.
    cost: float = 0.5

    def load(self) -> Callable[[GraphLike, Path], list[Path]]:
        module, _, function = self.target.partition(":")
        return getattr(importlib.import_module(module), function)

    def save(self, graph: GraphLike, out_dir: Path) -> list[Path]:
        """Write this export of `graph` into out_dir; return the files written."""
        return self.load()(graph, out_dir)


EXPORTERS: dict[str, Exporter] = {e.name: e for e in (
    Exporter("ttl", "Turtle: the graph query, serve, report and validate read", ("effikg.ttl",),
             "pipeline.export.rdf:save_ttl", 0.11),
    Exporter("nt", "N-Triples, one triple a line, sorted", ("effikg.nt",), "pipeline.export.rdf:save_nt", 0.03),
    Exporter("jsonld", "JSON-LD with a @context that maps to the ontology", ("effikg.jsonld",),
             "pipeline.export.rdf:save_jsonld", 0.40),
    Exporter("owl", "RDF/XML with the ontology merged in, for Protégé", ("effikg.owl",),
             "pipeline.export.rdf:save_owl", 0.34),
    Exporter("graphml", "GraphML for Gephi, Cytoscape, yEd and networkx", ("effikg.graphml",),
             "pipeline.export.graphml:save_graphml", 0.24),
    Exporter("neo4j", "CSVs for neo4j-admin import and a Cypher script", ("neo4j/",),
             "pipeline.export.neo4j:save_neo4j", 0.53),
    Exporter("html", "the interactive explorer: the whole graph and one page a paper",
             ("index.html", "papers/", "explorer/"), "pipeline.export.html:save_html", 1.68),
)}
# The design contract: `effikg build --out DIR` always writes DIR/effikg.ttl.
ALWAYS = ("ttl",)


def explain_unknown(names: Sequence[str]) -> str | None:
    """What is wrong with a list of export names, or None when every one is registered."""
    choices = ", ".join(EXPORTERS)
    if not names:
        return f"name at least one export; choose from: {choices}"
    unknown = [name for name in names if name not in EXPORTERS]
    return f"unknown export {', '.join(map(repr, unknown))}; choose from: {choices}" if unknown else None


def select_exporters(names: Sequence[str] | None = None) -> list[Exporter]:
    """The exporters named (all of them for None), plus ALWAYS, in the order of EXPORTERS."""
    if names is None:
        return list(EXPORTERS.values())
    problem = explain_unknown(names)
    if problem:
        raise ExportError(problem)
    wanted = {*names, *ALWAYS}
    return [e for e in EXPORTERS.values() if e.name in wanted]


def save_exports(graph: GraphLike, out_dir: Path, names: Sequence[str] | None = None) -> list[Path]:
    """Write the named exports of `graph` (default: all) into out_dir; return the files.

    One source serves them all (pipeline.export.source): for a Graph, a GraphSource, whose
    sorted lines and their parse are made once for every exporter; for the build, its
    StoreSource, released after each exporter, so that what one exporter read of the store
    is not held while the next runs.
    """
    from pipeline.export.source import as_source

    return [p for paths in run_exporters(as_source(graph), Path(out_dir), select_exporters(names)).values() for p in paths]


def run_exporters(source: GraphSource | StoreSource, out_dir: Path,
                  exporters: Sequence[Exporter]) -> dict[str, list[Path]]:
    """Each exporter's files, written one exporter after the other from one source."""
    written: dict[str, list[Path]] = {}
    for exporter in exporters:
        written[exporter.name] = exporter.save(source, out_dir)
        source.release()  # a store-backed source closes its store between exporters
    return written


def share_exporters(exporters: Sequence[Exporter], parts: int, beside: float = 0.0,
                    worker_start: float = 0.0) -> list[list[Exporter]]:
    """`exporters` in `parts` shares of about equal cost, each in registry order: the
    costliest first, each to the share with the least so far. The first share is the
    calling process's, which also spends `beside` seconds on other work (the shape checks);
    each other share's process spends `worker_start` seconds before its first exporter."""
    shares: list[list[Exporter]] = [[] for _ in range(max(1, parts))]
    load = [beside] + [worker_start] * (len(shares) - 1)
    for exporter in sorted(exporters, key=lambda e: -e.cost):
        least = load.index(min(load))
        shares[least].append(exporter)
        load[least] += exporter.cost
    order = list(EXPORTERS)
    return [sorted(share, key=lambda e: order.index(e.name)) for share in shares]


def load_exporters() -> None:
    """Import every exporter's module (an export worker does it as it starts, while the
    build's NLP finishes its last batches)."""
    for exporter in EXPORTERS.values():
        exporter.load()
