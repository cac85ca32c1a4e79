"""Throughput of bare nlp.pipe vs full effikg extraction, side by side, in abstracts/s.

The bundled corpus is repeated until it holds at least --min-abstracts abstracts. "bare"
is the pinned en_core_web_sm as loaded (same pipes, same texts); "extract" is
pipeline.nlp.extract (clean-up, effikg components, Extraction records). The target is an
overhead of at most 25%.

    python benchmarks/bench_extract.py [--min-abstracts 1000] [--batch-size 64]
"""

from __future__ import annotations

import argparse
import time
from itertools import islice

import spacy

from pipeline.build import bundled_corpus
from pipeline.ingest import read_papers
from pipeline.nlp import extract, make_nlp, model_path
from pipeline.records import Paper
from pipeline.text import clean


def read_corpus(min_abstracts: int) -> list[Paper]:
    papers = [p for path in bundled_corpus() for p in read_papers(path) if isinstance(p, Paper)]
    copies = -(-min_abstracts // len(papers))
    return (papers * copies)[: max(min_abstracts, len(papers))]


def run_bare(papers: list[Paper], batch_size: int) -> float:
    nlp = spacy.load(model_path())
    texts = [clean(p.abstract).text for p in papers]
    list(islice(nlp.pipe(texts[:32]), 32))  # warm-up
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    return time.perf_counter() - start


def run_extract(papers: list[Paper], batch_size: int) -> float:
    nlp = make_nlp()
    list(extract(papers[:32], nlp=nlp))  # warm-up
    start = time.perf_counter()
    for _ in extract(papers, nlp=nlp, batch_size=batch_size):
        pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-abstracts", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    papers = read_corpus(args.min_abstracts)
    bare = run_bare(papers, args.batch_size)
    full = run_extract(papers, args.batch_size)
    n = len(papers)
    print(f"{n} abstracts (bundled corpus repeated), batch size {args.batch_size}")
    print(f"{'bare nlp.pipe':<16} {n / bare:8.1f} abstracts/s  ({bare:.1f} s)")
    print(f"{'effikg extract':<16} {n / full:8.1f} abstracts/s  ({full:.1f} s)")
    print(f"extraction overhead: {100 * (full - bare) / bare:+.1f}% (target <= +25%)")


if __name__ == "__main__":
    main()
