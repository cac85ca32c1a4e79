"""Export speed on a synthetic graph of >= 1M triples shaped like the real one.

    python benchmarks/bench_export.py [--triples 1000000] [--skip-rdflib-slow]

The graph is made by the real assembler (pipeline.graph.to_rdf) from generated extraction
records: papers with metadata, a proposed method, and claims that target hardware, improve
metrics with figures and outperform baselines, so its shape (claims, assertions, literals)
is that of a build. It then times, side by side, each way of writing each format:

- rdflib's own serialisers (Turtle, N-Triples, RDF/XML, JSON-LD),
- the oxrdflib store (pyoxigraph under rdflib's API), loading included,
- pyoxigraph directly, fed the sorted N-Triples lines,
- what effikg ships (pipeline.export.*), with the output checked to be the same graph.

Speed is only measured here, never asserted in tests (rdflib issue #2135: its Turtle
serialiser wrote 2.2M triples in 86 minutes).
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import rdflib

from pipeline.export import save_exports
from pipeline.export.graphml import to_graphml
from pipeline.export.neo4j import save_neo4j
from pipeline.export.ntriples import to_ntriples_lines
from pipeline.export.rdf import save_rdf, to_jsonld, to_owl, to_turtle
from pipeline.graph import to_rdf
from pipeline.records import CANONICAL_METRICS, Claim, Entity, Extraction, Figure, Paper
from pipeline.terms import PREFIXES

KINDS = ("GPU", "CPU", "FPGA", "ASIC", "NPU", "Microcontroller", "EdgeDevice", "MobileDevice", "InMemoryComputing")
WORDS = ("sparse attention kernel cache quantization latency memory accelerator throughput "
         "inference model edge device speculative decoding pruning distillation energy").split()
TRIPLES_PER_PAPER = 105  # measured on the generator below; used only to size the first try


def _name(rng: random.Random, i: int) -> str:
    return "".join(rng.choice("BCDFGKLMPRSTVZ") + rng.choice("aeiou") for _ in range(3)) + f"-{i}"


def make_extractions(n_papers: int, seed: int = 1) -> list[Extraction]:
    """Papers like the corpus's: one proposed method, 4-5 claims with figures and evidence."""
    rng = random.Random(seed)
    hardware = [Entity("Hardware", f"Board {_name(rng, i)} {k}", f"board-{i}", k)
                for i, k in enumerate(rng.choice(KINDS) for _ in range(400))]
    metrics = [Entity("Metric", m, m.lower().replace(" ", "-")) for m in CANONICAL_METRICS]
    methods = [Entity("Method", _name(rng, i), f"method-{i}") for i in range(n_papers)]
    out: list[Extraction] = []
    for i in range(n_papers):
        sentences = [" ".join(rng.choice(WORDS) for _ in range(18)).capitalize() + "." for _ in range(6)]
        abstract = " ".join(sentences)
        paper = Paper(
            id=f"2{i // 10000:03d}.{i % 10000:05d}", abstract=abstract, title=sentences[0][:80],
            arxiv_id=f"2{i // 10000:03d}.{i % 10000:05d}", date="2024-05-01", n_authors=rng.randint(1, 12),
            code_url=f"https://github.com/x/repo{i}" if i % 3 == 0 else None, source="synthetic.jsonl", position=i,
        )
        me = methods[i]
        spans = []
        pos = 0
        for s in sentences:
            spans.append((s, pos, pos + len(s)))
            pos += len(s) + 1
        hw, metric, other = rng.choice(hardware), rng.choice(metrics), rng.choice(metrics)
        baseline = methods[rng.randrange(n_papers)]
        value = round(rng.uniform(1.1, 20), 2)
        fig = Figure(f"up to {value}×", value, "x", "increase", "up to")
        pct = Figure(f"{round(rng.uniform(1, 60), 1)}%", round(rng.uniform(1, 60), 1), "%", "decrease")
        claims = [
            Claim(paper.id, me, "targets", hw, me.label, hw.label, *spans[1], 0.9),
            Claim(paper.id, me, "improves", metric, me.label, metric.label, *spans[2], 0.8, fig, hardware=hw),
            Claim(paper.id, me, "improves", other, me.label, other.label, *spans[3], 0.7, pct),
            Claim(paper.id, me, "outperforms", baseline, me.label, baseline.label, *spans[4], 0.85, fig,
                  hardware=hw, metric=metric),
        ]
        if i % 2:
            hw2 = rng.choice(hardware)
            claims.append(Claim(paper.id, me, "targets", hw2, me.label, hw2.label, *spans[5], 0.6))
        out.append(Extraction(paper, (me,), tuple(claims), ((me.key, me.label.upper()),)))
    return out


def make_graph(min_triples: int) -> rdflib.Graph:
    n = max(10, min_triples // TRIPLES_PER_PAPER)
    while True:
        graph = to_rdf(make_extractions(n))
        if len(graph) >= min_triples:
            return graph
        n = int(n * min_triples / len(graph)) + 10


# --------------------------------------------------------------------------- timing


def timed(label: str, fn: Callable[[], object], rows: list[tuple[str, str, float, str]], fmt: str) -> object:
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    size = f"{len(result) / 1e6:.1f} MB" if isinstance(result, (bytes, str)) else ""
    rows.append((fmt, label, seconds, size))
    print(f"  {fmt:<10} {label:<52} {seconds:8.1f} s  {size}", file=sys.stderr, flush=True)
    return result


def _oxrdflib_graph(nt: bytes) -> rdflib.Graph:
    graph = rdflib.Graph(store="Oxigraph")
    graph.parse(data=nt, format="ox-nt")
    return graph


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="minimum size of the synthetic graph")
    parser.add_argument("--skip-rdflib-slow", action="store_true",
                        help="skip rdflib's Turtle, pretty RDF/XML and JSON-LD serialisers (minutes each)")
    args = parser.parse_args(argv)
    rows: list[tuple[str, str, float, str]] = []

    print(f"building a synthetic graph of >= {args.triples:,} triples with pipeline.graph.to_rdf ...", file=sys.stderr)
    start = time.perf_counter()
    graph = make_graph(args.triples)
    print(f"  {len(graph):,} triples in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    prefixes = PREFIXES

    # N-Triples ------------------------------------------------------------------------
    timed("rdflib serialize(format='nt')  (unsorted)", lambda: graph.serialize(format="nt", encoding="utf-8"), rows, "N-Triples")
    lines: list[str] = timed("effikg: streaming lines, sorted  [shipped]", lambda: to_ntriples_lines(graph), rows, "N-Triples")  # type: ignore[assignment]
    nt = "".join(lines).encode("utf-8")
    triples = timed("pyoxigraph parse of those lines (reused below)",
                    lambda: list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)), rows, "N-Triples")
    timed("pyoxigraph serialize (sorted input)", lambda: ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), rows, "N-Triples")  # type: ignore[arg-type]
    ox_graph = timed("oxrdflib: load into Graph(store='Oxigraph')", lambda: _oxrdflib_graph(nt), rows, "N-Triples")
    timed("oxrdflib serialize(format='ox-nt')", lambda: ox_graph.serialize(format="ox-nt", encoding="utf-8"), rows, "N-Triples")  # type: ignore[union-attr]

    # Turtle ---------------------------------------------------------------------------
    if not args.skip_rdflib_slow:
        timed("rdflib serialize(format='turtle')",
              lambda: graph.serialize(format="turtle", encoding="utf-8"), rows, "Turtle")
    timed("oxrdflib serialize(format='ox-turtle')", lambda: ox_graph.serialize(format="ox-turtle", encoding="utf-8"), rows, "Turtle")  # type: ignore[union-attr]
    timed("pyoxigraph serialize, sorted input, prefixes",
          lambda: ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes), rows, "Turtle")  # type: ignore[arg-type]
    turtle = timed("effikg: pyoxigraph over the sorted lines  [save_rdf(turtle=True)]",
                   lambda: to_turtle(lines), rows, "Turtle")

    # RDF/XML --------------------------------------------------------------------------
    timed("rdflib serialize(format='xml')", lambda: graph.serialize(format="xml", encoding="utf-8"), rows, "RDF/XML")
    if not args.skip_rdflib_slow:
        timed("rdflib serialize(format='pretty-xml')", lambda: graph.serialize(format="pretty-xml", encoding="utf-8"), rows, "RDF/XML")
    timed("oxrdflib serialize(format='ox-xml')", lambda: ox_graph.serialize(format="ox-xml", encoding="utf-8"), rows, "RDF/XML")  # type: ignore[union-attr]
    timed("effikg.owl: + ontology, pyoxigraph  [shipped]", lambda: to_owl(lines), rows, "RDF/XML")

    # JSON-LD --------------------------------------------------------------------------
    if not args.skip_rdflib_slow:
        timed("rdflib serialize(format='json-ld', auto_compact)",
              lambda: graph.serialize(format="json-ld", encoding="utf-8", auto_compact=True), rows, "JSON-LD")
    timed("pyoxigraph serialize (expanded, no @context)",
          lambda: ox.serialize(triples, format=ox.RdfFormat.JSON_LD), rows, "JSON-LD")  # type: ignore[arg-type]
    jsonld = timed("effikg: grouped, @context from ontology  [shipped]", lambda: to_jsonld(lines), rows, "JSON-LD")

    # All four RDF files as the build writes them: one pass over the graph, one parse.
    with tempfile.TemporaryDirectory() as tmp:
        timed("effikg save_rdf(turtle=True): ttl+nt+jsonld+owl  [shipped]",
              lambda: save_rdf(graph, Path(tmp), turtle=True), rows, "all RDF")

    # Property graphs ------------------------------------------------------------------
    timed("effikg GraphML (to_networkx + networkx)  [shipped]", lambda: to_graphml(graph), rows, "GraphML")
    with tempfile.TemporaryDirectory() as tmp:
        timed("effikg neo4j/ CSVs + Cypher  [shipped]", lambda: save_neo4j(graph, Path(tmp)), rows, "Neo4j")

    # What a build writes, but the explorer (benchmarks/bench_html.py): one GraphSource.
    with tempfile.TemporaryDirectory() as tmp:
        timed("effikg save_exports: ttl nt jsonld owl graphml neo4j  [build]",
              lambda: save_exports(graph, Path(tmp), ["nt", "jsonld", "owl", "graphml", "neo4j"]), rows, "all")

    # Same graph? (the shipped JSON-LD and Turtle read back by pyoxigraph, compared as sorted N-Triples)
    expected = sorted(set(str(t) + " .\n" for t in triples))  # type: ignore[union-attr]
    same = True
    for name, data, fmt in (("JSON-LD", jsonld, ox.RdfFormat.JSON_LD), ("Turtle", turtle, ox.RdfFormat.TURTLE)):
        back = sorted({str(t) + " .\n" for t in ox.parse(data, format=fmt)})  # type: ignore[arg-type]
        same = same and back == expected
        print(f"shipped {name} read back by pyoxigraph is the same graph: {back == expected}", file=sys.stderr)

    out = io.StringIO()
    out.write(f"\nExport timings on a synthetic graph of {len(graph):,} triples "
              f"(Python {sys.version.split()[0]}, rdflib {rdflib.__version__}, pyoxigraph {ox.__version__ if hasattr(ox, '__version__') else ''})\n\n")
    out.write(f"| format | path | seconds | output |\n|---|---|---:|---:|\n")
    for fmt, label, seconds, size in rows:
        out.write(f"| {fmt} | {label} | {seconds:.1f} | {size} |\n")
    print(out.getvalue())
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
