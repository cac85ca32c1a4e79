"""How long the explorer of a 2,000-node graph takes to load and settle in headless Chromium.

A benchmark, not a test: it prints figures and asserts nothing. The synthetic graph goes
through the real path (extraction records -> pipeline.graph.to_rdf -> save_html), with a
seeded random mix of papers, methods, baselines, hardware of every kind and the metrics.

    python benchmarks/bench_html.py [--nodes 2000] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from pipeline.export.html import DEFAULT_TOP_N, LAYOUT_BUDGET_MS, save_html
from pipeline.graph import to_networkx, to_rdf
from pipeline.records import CANONICAL_METRICS, Claim, Entity, Extraction, Paper

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
KINDS = ("GPU", "CPU", "FPGA", "ASIC", "NPU", "Microcontroller", "EdgeDevice", "MobileDevice",
         "InMemoryComputing")


def make_extractions(n_nodes: int, seed: int = 7) -> list[Extraction]:
    """About n_nodes nodes: 30% papers, 30% proposed methods, 15% baselines, the rest hardware."""
    rng = random.Random(seed)
    n_papers = int(n_nodes * 0.3)
    n_baselines = int(n_nodes * 0.15)
    n_hardware = n_nodes - 2 * n_papers - n_baselines - len(CANONICAL_METRICS)
    hardware = [Entity("Hardware", f"Device {i}", f"device-{i}", KINDS[i % len(KINDS)]) for i in range(n_hardware)]
    baselines = [Entity("Method", f"Baseline{i}", f"baseline{i}") for i in range(n_baselines)]
    metrics = [Entity("Metric", m, m.lower().replace(" ", "-")) for m in CANONICAL_METRICS]
    # A few popular objects, many rare ones: degree follows a long tail as in real corpora.
    pick = lambda xs: xs[min(int(rng.paretovariate(1.2)) - 1, len(xs) - 1) if rng.random() < 0.5 else rng.randrange(len(xs))]
    unused = {"targets": list(reversed(hardware)), "outperforms": list(reversed(baselines))}
    out = []
    for i in range(n_papers):
        method = Entity("Method", f"Method{i}", f"method{i}")
        sentence = f"Method{i} is {rng.randint(2, 40)}x faster on Device {i % n_hardware}."
        paper = Paper(id=f"2401.{i:05d}", arxiv_id=f"2401.{i:05d}", title=f"Synthetic paper {i}",
                      abstract=f"We propose Method{i}. {sentence}")
        start = paper.abstract.index(sentence)
        claims = []
        for _ in range(rng.randint(2, 6)):
            relation = rng.choice(("targets", "improves", "outperforms"))
            if unused.get(relation):  # every entity appears at least once
                obj = unused[relation].pop()
            else:
                obj = {"targets": lambda: pick(hardware), "improves": lambda: rng.choice(metrics),
                       "outperforms": lambda: pick(baselines)}[relation]()
            claims.append(Claim(paper.id, method, relation, obj, method.label, obj.label, sentence,
                                start, start + len(sentence), confidence=round(rng.uniform(0.4, 1.0), 2)))
        out.append(Extraction(paper=paper, methods=(method,), claims=tuple(claims)))
    return out


def measure(browser, url: str) -> dict[str, float]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    blocked: list[str] = []
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
               else (blocked.append(r.request.url), r.abort()))
    t0 = time.perf_counter()
    page.goto(url, wait_until="load")
    loaded = time.perf_counter() - t0
    page.wait_for_function("window.effikg && window.effikg.stabilized", timeout=600_000, polling=50)
    settled = time.perf_counter() - t0
    counts = page.evaluate("() => effikg.counts()")
    in_page = page.evaluate("() => effikg.stabilizeMs") / 1000
    cut_short = page.evaluate("() => effikg.cutShort")
    page.close()
    assert not blocked, blocked
    return {"load": loaded, "settled": settled, "in_page": in_page, "cut_short": cut_short, **counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    t = time.perf_counter()
    graph = to_rdf(make_extractions(args.nodes))
    nxg = to_networkx(graph)
    print(f"graph: {nxg.number_of_nodes()} nodes, {nxg.number_of_edges()} edges, {len(graph)} triples "
          f"(built in {time.perf_counter() - t:.1f} s)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        t = time.perf_counter()
        written = save_html(graph, out)
        size = (out / "index.html").stat().st_size
        print(f"save_html: {time.perf_counter() - t:.1f} s, {len(written)} files, index.html {size / 1e6:.2f} MB")
        index = (out / "index.html").resolve().as_uri()
        cases = [(f"default cap (top {DEFAULT_TOP_N} nodes), clustered", index),
                 ("all nodes, clustered (#top=0)", index + "#top=0"),
                 ("all nodes, every node drawn (#top=0&cluster=none)", index + "#top=0&cluster=none")]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for name, url in cases:
                runs = [measure(browser, url) for _ in range(args.runs)]
                med = {k: statistics.median(r[k] for r in runs) for k in ("load", "settled", "in_page")}
                cut = sum(1 for r in runs if r["cut_short"])
                print(f"{name}: drew {runs[0]['nodes']} nodes / {runs[0]['edges']} edges; median of {args.runs}: "
                      f"load {med['load']:.2f} s, load + layout settled {med['settled']:.2f} s "
                      f"(script start to physics off {med['in_page']:.2f} s; "
                      f"stopped by the {LAYOUT_BUDGET_MS / 1000:.0f} s layout limit in {cut} of {args.runs} runs)")
            browser.close()


if __name__ == "__main__":
    main()
