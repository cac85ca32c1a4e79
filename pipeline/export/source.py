"""What one export run reads: the built graph, and the views of it several exporters share.

Every exporter takes a GraphSource, or a plain rdflib Graph (wrapped on the way in). Two
kinds serve the same views:

- `GraphSource`: an rdflib Graph in memory (tests, notebooks, `save_exports(graph, ...)`);
  its sorted N-Triples lines and their parse are made on first use and kept for the run.
- `StoreSource`: what `effikg build` hands over, the graph on disk: a file of sorted,
  distinct N-Triples lines (what every RDF file is streamed from) and the on-disk
  pyoxigraph store loaded from it (what graph-shaped views read, through `StoreView`,
  a read-only rdflib-style view). Past MEMORY_TRIPLES nothing of the graph is held in
  memory; below it, the views read an in-memory copy of the store (`reader`).

Either way `iter_lines()` and `iter_triples()` stream the sorted lines and their parse,
and `view` answers rdflib's pattern calls (subjects, objects, value, ...). The exporters
stream from those (GraphML node by node, the explorer the part it draws); `networkx`, the
whole networkx view (pipeline.graph.to_networkx) made once and kept, is for callers that
want it in memory (graphml.to_graphml_graph).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from pipeline.export.ntriples import parse_file, parse_lines, read_lines, to_ntriples_lines, to_rdflib
from pipeline.graph import to_networkx



class GraphSource:
    """The built graph in memory, with its sorted N-Triples lines, their parse and its
    networkx view."""

    in_memory = True  # (as StoreSource.in_memory: the graph is read from memory)

    def __init__(self, graph: rdflib.Graph) -> None:
        self.graph = graph

    @cached_property
    def lines(self) -> list[str]:
        return to_ntriples_lines(self.graph)

    @cached_property
    def triples(self) -> list[ox.Triple]:
        """The lines parsed by pyoxigraph: parsing a million lines costs more than writing them."""
        return parse_lines(self.lines)

    def release(self) -> None:
        """Nothing to close: the views are kept for the next exporter."""

    def drop_networkx(self) -> None:
        """Free the networkx view (an exporter that will not draw it: the large explorer)."""
        self.__dict__.pop("networkx", None)

    def iter_lines(self) -> Iterator[str]:
        return iter(self.lines)

    def iter_triples(self) -> Iterator[ox.Triple]:
        return iter(self.triples)

    @property
    def view(self) -> rdflib.Graph:
        return self.graph

    def __len__(self) -> int:
        return len(self.lines)

    @cached_property
    def networkx(self) -> nx.MultiDiGraph:
        return to_networkx(self.graph)


class StoreSource:
    """The built graph on disk: sorted N-Triples lines in `lines_path`, and the on-disk
    pyoxigraph store in `store_path` holding the same triples (and nothing else), opened
    when first used. `release()` closes it: RocksDB keeps what it has read in caches that
    grow with the store (50 MB after the shape checks of 20,000 abstracts), so the build
    closes it between stages, and memory stays flat whatever the corpus.

    What the shape checks and the graph-shaped exporters read is `reader`: up to
    MEMORY_TRIPLES triples, an in-memory pyoxigraph store loaded once from the lines (the
    same engine and the same answers, read ten times faster than RocksDB: every term of a
    quad read from disk is one more lookup; about 15 MB a 85,000 triples); past that, the
    on-disk store itself, so memory stays bounded."""

    MEMORY_TRIPLES = 250_000

    def __init__(self, lines_path: Path, store_path: Path, size: int, loaded: bool = True) -> None:
        self.lines_path = Path(lines_path)
        self.store_path = Path(store_path)
        self.size = size
        self._store: ox.Store | None = None
        self._memory: ox.Store | None = None
        # What the views converted, kept across them: each exporter meets the same terms.
        self._terms: dict[ox.Term, Node] = {}
        # The earlier build in the output folder, if any: an exporter may take what it
        # wrote from the same inputs instead of making it again (html's paper pages).
        self.previous: Path | None = None
        # Whether the on-disk store holds the lines yet (StoreAssembly.finish may leave
        # that to pipeline.store.fill_store).
        self.loaded = loaded

    @property
    def in_memory(self) -> bool:
        """Whether the graph is read from its lines (an in-memory copy), not the on-disk store."""
        return self.size <= self.MEMORY_TRIPLES

    @property
    def store(self) -> ox.Store:
        """The on-disk store (what becomes DIR/.effikg-store)."""
        if self._store is None:
            self._store = ox.Store(str(self.store_path))
        return self._store

    @property
    def reader(self) -> ox.Store:
        """The store to read the graph from: in memory while the graph is small (kept
        until the source goes: bounded by MEMORY_TRIPLES), else the on-disk one."""
        if not self.in_memory:
            return self.store
        if self._memory is None:
            self._memory = ox.Store()
            self._memory.bulk_load(path=str(self.lines_path), format=ox.RdfFormat.N_TRIPLES)
        return self._memory

    def release(self) -> None:
        """Close the store and drop the views made of it (reopened on next use), and, past
        MEMORY_TRIPLES, give the freed heap back to the system (a full garbage collection:
        a second or more on a large heap, not worth it on a small graph). Below it the
        networkx view, which holds nothing of the store, is kept for the next exporter:
        GraphML and the explorer draw the same one."""
        self._store = None
        self.__dict__.pop("view", None)
        if not self.in_memory:
            self.__dict__.pop("networkx", None)
            release_memory()

    def drop_networkx(self) -> None:
        """Free the networkx view that release() keeps below MEMORY_TRIPLES (an exporter
        that will not draw it: the large explorer)."""
        self.__dict__.pop("networkx", None)

    def iter_lines(self) -> Iterator[str]:
        return read_lines(self.lines_path)

    def iter_triples(self) -> Iterator[ox.Triple]:
        return parse_file(self.lines_path)

    @cached_property
    def view(self) -> StoreView:
        return StoreView(self.reader, self._terms)

    @property
    def graph(self) -> StoreView:
        return self.view

    def __len__(self) -> int:
        return self.size

    @cached_property
    def networkx(self) -> nx.MultiDiGraph:
        return to_networkx(self.view)  # type: ignore[arg-type]  # duck-typed: StoreView


def release_memory() -> None:
    """Collect garbage and return the heap's free pages to the system (glibc's malloc_trim;
    elsewhere nothing): a long build frees much more than it keeps."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def to_ox(term: Node | None) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
    """An rdflib term as a pyoxigraph one (None stays a wildcard)."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    raise TypeError(f"not an RDF term: {term!r}")


class StoreView:
    """The read-only part of rdflib's Graph API that the graph-shaped exporters call
    (`subjects`, `objects`, `subject_objects`, `predicate_objects`, `value`, `triples`),
    answered from a pyoxigraph store's indexes. The store keeps values, not lexical forms
    ("1"^^xsd:nonNegativeInteger reads back as "1"^^xsd:integer): what these exporters
    read of a typed literal is its value (an int, a float, a date), the same either way;
    the RDF files are written from the lines as written (StoreSource.iter_lines)."""

    TERMS = 1 << 16  # terms converted and kept; past it the table starts again (memory stays flat)

    def __init__(self, store: ox.Store, terms: dict[ox.Term, Node] | None = None) -> None:
        self.store = store
        self._terms: dict[ox.Term, Node] = {} if terms is None else terms  # (a table to share, or a new one)
        self._iris: dict[URIRef, ox.NamedNode] = {}  # pattern IRIs, converted once

    def _pattern(self, term: Node | None) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
        """to_ox(term), each IRI converted once (the exporters ask about the same
        predicates and nodes again and again)."""
        if type(term) is not URIRef:
            return to_ox(term)
        found = self._iris.get(term)
        if found is None:
            if len(self._iris) >= self.TERMS:
                self._iris.clear()
            found = self._iris[term] = ox.NamedNode(str(term))
        return found

    def _term(self, term: ox.Term) -> Node:
        """to_rdflib(term), each term converted once: the same IRIs recur on every node."""
        found = self._terms.get(term)
        if found is None:
            found = to_rdflib(term)
            if len(self._terms) >= self.TERMS:
                self._terms.clear()
            self._terms[term] = found  # type: ignore[assignment]
        return found  # type: ignore[return-value]

    def _quads(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[ox.Quad]:
        return self.store.quads_for_pattern(self._pattern(s), self._pattern(p), self._pattern(o), ox.DefaultGraph())

    # Each accessor converts only the terms it returns: they run a hundred thousand times a build.
    def triples(self, pattern: tuple[Node | None, Node | None, Node | None]) -> Iterator[tuple[Node, Node, Node]]:
        term = self._term
        for quad in self._quads(*pattern):
            yield term(quad.subject), term(quad.predicate), term(quad.object)

    def subjects(self, predicate: Node | None = None, object: Node | None = None) -> Iterator[Node]:
        term = self._term
        return (term(q.subject) for q in self._quads(None, predicate, object))

    def objects(self, subject: Node | None = None, predicate: Node | None = None) -> Iterator[Node]:
        term = self._term
        return (term(q.object) for q in self._quads(subject, predicate, None))

    def subject_objects(self, predicate: Node | None = None) -> Iterator[tuple[Node, Node]]:
        term = self._term
        return ((term(q.subject), term(q.object)) for q in self._quads(None, predicate, None))

    def predicate_objects(self, subject: Node | None = None) -> Iterator[tuple[Node, Node]]:
        term = self._term
        return ((term(q.predicate), term(q.object)) for q in self._quads(subject, None, None))

    def value(self, subject: Node | None = None, predicate: Node | None = None) -> Node | None:
        return next(self.objects(subject, predicate), None)

    def __iter__(self) -> Iterator[tuple[Node, Node, Node]]:
        return self.triples((None, None, None))

    def __len__(self) -> int:
        return len(self.store)


Source = GraphSource | StoreSource
GraphLike = rdflib.Graph | GraphSource | StoreSource


def as_source(graph: GraphLike) -> Source:
    """`graph` as a GraphSource (itself when it is a source already)."""
    return graph if isinstance(graph, (GraphSource, StoreSource)) else GraphSource(graph)
