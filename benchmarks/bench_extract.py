"""Throughput of bare nlp.pipe vs full effikg extraction, side by side, in abstracts/s.

The bundled corpus is repeated until it holds at least --min-abstracts abstracts. "bare"
is the pinned en_core_web_sm with the pipes effikg keeps (ner excluded, as make_nlp() does;
same texts); "extract" is pipeline.nlp.extract (clean-up, effikg's components: gazetteers,
method finder, rule reader, constructions, candidates with their features, the scorer;
Extraction records). The target is an overhead of at most 25%.

A third run is the same stock pipes with effikg's attribute rules in place of spaCy's
attribute_ruler, as make_nlp() runs them (pipeline/nlp/attributes.py: the same token
attributes without spaCy's Matcher): against it, the overhead is effikg's own work alone.

Both CPU time (this process only) and wall time are reported; the overhead is judged on CPU
time, which other jobs on a shared machine do not inflate the way they inflate wall time.

    python benchmarks/bench_extract.py [--min-abstracts 1000] [--batch-size 64] [--rounds 1]

With --rounds N both runs alternate N times and the fastest of each is kept (less noise
from other jobs on a shared machine).
"""

from __future__ import annotations

import argparse
import time
from itertools import islice

import spacy

from pipeline.corpus import bundled_corpus
from pipeline.ingest import read_papers
from pipeline.nlp import extract, make_nlp, model_path
from pipeline.nlp.attributes import use_attribute_rules
from pipeline.records import Paper
from pipeline.text import clean


def read_corpus(min_abstracts: int) -> list[Paper]:
    papers = [p for path in bundled_corpus() for p in read_papers(path) if isinstance(p, Paper)]
    copies = -(-min_abstracts // len(papers))
    return (papers * copies)[: max(min_abstracts, len(papers))]


def run_bare(papers: list[Paper], batch_size: int, effikg_rules: bool = False) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of the pinned model alone over the cleaned texts; with
    `effikg_rules`, its attribute rules applied as make_nlp() applies them
    (pipeline/nlp/attributes.py: the same token attributes without spaCy's Matcher)."""
    nlp = spacy.load(model_path(), exclude=["ner"])  # the pipes make_nlp() keeps
    if effikg_rules:
        use_attribute_rules(nlp)
    texts = [clean(p.abstract).text for p in papers]
    list(islice(nlp.pipe(texts[:32]), 32))  # warm-up
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    return time.process_time() - cpu, time.perf_counter() - wall


def run_extract(papers: list[Paper], batch_size: int) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of the full extraction, clean-up included."""
    nlp = make_nlp()
    list(extract(papers[:32], nlp=nlp))  # warm-up
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in extract(papers, nlp=nlp, batch_size=batch_size):
        pass
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-abstracts", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=1, help="alternate the two runs N times, keep the fastest")
    args = parser.parse_args()
    papers = read_corpus(args.min_abstracts)
    bare_runs, rules_runs, full_runs = [], [], []
    for _ in range(max(1, args.rounds)):
        bare_runs.append(run_bare(papers, args.batch_size))
        rules_runs.append(run_bare(papers, args.batch_size, effikg_rules=True))
        full_runs.append(run_extract(papers, args.batch_size))
    bare_cpu, bare_wall = min(r[0] for r in bare_runs), min(r[1] for r in bare_runs)
    rules_cpu, rules_wall = min(r[0] for r in rules_runs), min(r[1] for r in rules_runs)
    full_cpu, full_wall = min(r[0] for r in full_runs), min(r[1] for r in full_runs)
    n = len(papers)
    print(f"{n} abstracts (bundled corpus repeated), batch size {args.batch_size}, best of {max(1, args.rounds)}")
    print(f"{'':<34} {'abstracts/s (CPU)':>18} {'abstracts/s (wall)':>19}")
    print(f"{'bare nlp.pipe (stock pipes)':<34} {n / bare_cpu:18.1f} {n / bare_wall:19.1f}")
    print(f"{'bare nlp.pipe, effikg attribute rules':<34} {n / rules_cpu:18.1f} {n / rules_wall:19.1f}")
    print(f"{'effikg extract':<34} {n / full_cpu:18.1f} {n / full_wall:19.1f}")
    print(f"extraction overhead over the stock pipes: {100 * (full_cpu - bare_cpu) / bare_cpu:+.1f}% CPU time "
          f"({100 * (full_wall - bare_wall) / bare_wall:+.1f}% wall) (target <= +25%)")
    print(f"effikg's own work (clean-up, components, records) over the pipes it runs: "
          f"{100 * (full_cpu - rules_cpu) / rules_cpu:+.1f}% CPU time")


if __name__ == "__main__":
    main()
