"""A graph as sorted, distinct N-Triples lines: what every RDF file is written from.

Python only formats and sorts lines; pyoxigraph (Rust) parses them back for the writers
that need structure (Turtle, RDF/XML, the JSON-LD grouping) and for the query engine.
Sorting makes every file byte-identical for the same graph, whatever the order its
triples were added in (rdflib's serialisers follow hash-seeded sets).
"""

from __future__ import annotations

import heapq
import os
import tempfile
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import XSD

from pipeline.errors import ExportError
from pipeline.graph import read_ontology


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )


def _nt_term(term: rdflib.term.Node) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        lexical = f'"{_escape(str(term))}"'
        if term.language:
            return f"{lexical}@{term.language}"
        # RDF 1.1: a simple literal *is* an xsd:string, so the explicit type is dropped
        # (pyoxigraph and rapper drop it too; keeping it would make the files disagree).
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{lexical}^^<{term.datatype}>"
        return lexical
    raise ExportError(f"cannot write {term!r} as N-Triples")


def to_ntriples_lines(graph: rdflib.Graph) -> list[str]:
    """The graph as sorted, distinct N-Triples lines (each ending in a newline).

    One pass over the graph through rdflib's public iterator (its Memory store works out
    the contexts of every triple it yields, a good part of the cost; see
    benchmarks/bench_export.py), each distinct term formatted once. Blank nodes get
    canonical labels first (rdflib.compare), so that their labels, and so the output, do
    not depend on the parse that made them.
    """
    done: dict[rdflib.term.Node, str] = {}
    lines: set[str] = set()
    # Unrolled by hand: this loop runs once a triple, a million times on a large graph.
    for s, p, o in graph:
        s_text, p_text, o_text = done.get(s), done.get(p), done.get(o)
        if s_text is None or p_text is None or o_text is None:
            if isinstance(s, BNode) or isinstance(p, BNode) or isinstance(o, BNode):
                return _canonical_lines(graph)
            s_text = s_text or done.setdefault(s, _nt_term(s))
            p_text = p_text or done.setdefault(p, _nt_term(p))
            o_text = o_text or done.setdefault(o, _nt_term(o))
        lines.add(f"{s_text} {p_text} {o_text} .\n")
    return sorted(lines)


def _canonical_lines(graph: rdflib.Graph) -> list[str]:
    canonical = to_canonical_graph(graph)
    return sorted({f"{_nt_term(s)} {_nt_term(p)} {_nt_term(o)} .\n" for s, p, o in canonical})


def to_ntriples(lines: Iterable[str]) -> bytes:
    """The lines as one N-Triples document."""
    return "".join(lines).encode("utf-8")


def parse_lines(lines: Iterable[str]) -> list[ox.Triple]:
    """pyoxigraph triples in the order of the lines (its parser keeps blank node labels)."""
    return list(ox.parse(to_ntriples(lines), format=ox.RdfFormat.N_TRIPLES))


@lru_cache(maxsize=1)
def ontology_lines() -> tuple[str, ...]:
    """The ontology (ontology/effikg.ttl) as sorted N-Triples lines, made once."""
    return tuple(to_ntriples_lines(read_ontology()))


# --------------------------------------------------------------------------- out of core

# A run of lines is sorted in memory and spilled to disk past this many characters; the
# runs are then merged from disk, so the graph's size never has to fit in memory.
RUN_CHARS = 16 * 2**20


class TermLines:
    """IRIs and short literals formatted once (the same predicate, class or entity occurs
    on every node); long literals (abstracts, sentences) are met once and not kept."""

    SHORT = 80

    def __init__(self, size: int = 1 << 14) -> None:
        self._done: dict[rdflib.term.Node, str] = {}
        self._size = size

    def term(self, t: rdflib.term.Node) -> str:
        text = self._done.get(t)
        if text is None:
            text = _nt_term(t)
            if len(text) <= self.SHORT:
                if len(self._done) >= self._size:  # bounded: most instance terms are not met again
                    self._done.clear()
                self._done[t] = text
        return text

    def line(self, s: rdflib.term.Node, p: rdflib.term.Node, o: rdflib.term.Node) -> str:
        return f"{self.term(s)} {self.term(p)} {self.term(o)} .\n"


class LineSpool:
    """An external sort of N-Triples lines: sorted runs spilled to `folder`, then merged
    into one file of sorted, distinct lines (the graph every RDF file is written from)."""

    def __init__(self, folder: Path, run_chars: int = RUN_CHARS) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.run_chars = run_chars
        self._lines: set[str] = set()
        self._chars = 0
        self._runs: list[Path] = []
        self._terms = TermLines()

    def add(self, s: rdflib.term.Node, p: rdflib.term.Node, o: rdflib.term.Node) -> None:
        line = self._terms.line(s, p, o)
        if line not in self._lines:
            self._lines.add(line)
            self._chars += len(line)
            if self._chars >= self.run_chars:
                self._spill()

    def _spill(self) -> None:
        fd, name = tempfile.mkstemp(prefix="run-", suffix=".nt", dir=self.folder)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.writelines(sorted(self._lines))
        self._runs.append(Path(name))
        self._lines, self._chars = set(), 0

    def merge(self, path: Path) -> int:
        """Write the sorted, distinct lines to `path` (the runs are removed); return how many."""
        if not self._runs:  # all of it in memory (a graph below RUN_CHARS): no run to write and read back
            lines = sorted(self._lines)
            with open(path, "w", encoding="utf-8", newline="") as out:
                out.writelines(lines)
            self._lines, self._chars = set(), 0
            return len(lines)
        if self._lines:
            self._spill()
        files = [open(run, encoding="utf-8", newline="") for run in self._runs]
        count = 0
        try:
            with open(path, "w", encoding="utf-8", newline="") as out:
                for line, _ in groupby(heapq.merge(*files)):
                    out.write(line)
                    count += 1
        finally:
            for f in files:
                f.close()
            for run in self._runs:
                run.unlink(missing_ok=True)
        self._runs = []
        return count


def read_lines(path: Path) -> Iterator[str]:
    """The lines of an N-Triples file, one at a time."""
    with open(path, encoding="utf-8", newline="") as f:
        yield from f


def parse_file(path: Path) -> Iterator[ox.Triple]:
    """pyoxigraph triples of an N-Triples file, streamed in file order."""
    return ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)


def to_rdflib(term: ox.Term | None) -> rdflib.term.Node | None:
    """A pyoxigraph term as an rdflib one, the store's lexical form kept (None stays None)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
