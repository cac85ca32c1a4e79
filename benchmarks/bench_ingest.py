"""Reading speed and peak memory of the readers, on an arXiv snapshot file made up of the
extra corpus repeated (new ids each copy) until it holds --records records.

Peak memory (tracemalloc, Python allocations) shows that records stream: it is a small
fraction of the file, and what grows with it is only the ids kept to drop duplicate
records (a few hundred bytes a record, against kilobytes of abstract). CPU time is this
process only, so other jobs on a shared machine inflate it less than wall time.

    python benchmarks/bench_ingest.py [--records 20000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import tracemalloc
from pathlib import Path

from pipeline.ingest import read_papers
from pipeline.records import Paper

EXTRA = Path(__file__).resolve().parent.parent / "tests" / "data" / "extra-arxiv.jsonl"


def write_snapshot(path: Path, n_records: int) -> int:
    """An arXiv-snapshot JSONL of n_records (extra corpus lines, renumbered); its size in bytes."""
    with open(EXTRA, encoding="utf-8") as f:
        base = [json.loads(line) for line in f]
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n_records):
            record = dict(base[i % len(base)], id=f"2401.{i:05d}", update_date="2024-01-02")
            record["abstract"] = f"({i}) " + record["abstract"]  # distinct, so none is a duplicate
            out.write(json.dumps(record) + "\n")
    return path.stat().st_size


def measure(path: Path, trace: bool) -> tuple[int, float, float, int]:
    """(papers read, CPU seconds, wall seconds, peak traced bytes or 0)."""
    if trace:
        tracemalloc.start()
    cpu, wall = time.process_time(), time.perf_counter()
    papers = sum(1 for r in read_papers(path) if isinstance(r, Paper))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak = 0
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return papers, cpu, wall, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'records':>8} {'MB':>7} {'papers/s (CPU)':>15} {'MB/s (CPU)':>11} {'peak MB (traced)':>17} {'peak B/record':>14}")
        for n in (args.records // 10, args.records):
            path = Path(tmp) / f"snapshot-{n}.jsonl"
            size = write_snapshot(path, n)
            papers, cpu, _, _ = measure(path, trace=False)
            _, _, _, peak = measure(path, trace=True)
            assert papers == n, f"read {papers} of {n}"
            print(f"{n:>8} {size / 1e6:>7.1f} {papers / cpu:>15,.0f} {size / 1e6 / cpu:>11.1f} {peak / 1e6:>17.2f} {peak / n:>14,.0f}")


if __name__ == "__main__":
    main()
