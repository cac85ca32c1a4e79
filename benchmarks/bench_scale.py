"""Whole builds at scale: abstracts/s with --jobs 1 and 2, peak RSS, time by stage, the
incremental rebuild, and a local Dask cluster against --jobs 2. Figures: docs/benchmarks.md.

The bundled abstracts are cycled to N distinct records (arXiv ids, titles), written as one
arXiv-snapshot JSON Lines file. Each build runs in its own process (`effikg build`) under
/usr/bin/time, so wall and CPU seconds and the peak RSS of the build and its workers are
the kernel's figures; the share of time by stage comes from one instrumented run
(--stages) in process.

    python benchmarks/bench_scale.py --sizes 1000,5000 --jobs 1,2 [--rounds 2] [--incremental] [--dask] [--stages] [--serial]
    python benchmarks/bench_scale.py --sizes "" --rss 1000,5000,20000     # out of core: peak RSS

With --rounds N the --jobs runs of a size alternate (1, 2, 1, 2, ...), each row with the
load average (/proc/loadavg) when it started and ended: the machine may be shared.
--serial times the build process's own work once the extraction has ended (an in-process
--jobs 2 build; its CPU s are what load does not distort). --stages, --serial,
--incremental and --dask use the first of --sizes (1,000 when --sizes is empty).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from pipeline.corpus import bundled_corpus
from pipeline.ingest import read_papers
from pipeline.records import Paper

EFFIKG = str(Path(sys.executable).parent / "effikg")


def write_corpus(path: Path, n: int, first: int = 0, titles: bool = True) -> Path:
    """n distinct snapshot records (ids 2401.00000 on), the bundled abstracts cycled.

    With titles (numbered, "... (copy 86)"), every record is a new abstract to the
    extraction cache; without, copies of one abstract share its cache entry (the key is
    the cleaned text and the title), so only the first 86 run the NLP. (Copies cannot keep
    the same title: the dedup would make them one paper.)"""
    papers = [p for f in bundled_corpus() for p in read_papers(f) if isinstance(p, Paper)]
    with path.open("w", encoding="utf-8") as out:
        for k in range(first, first + n):
            p = papers[k % len(papers)]
            title = p.title or " ".join(p.abstract.split()[:8])
            record = {"id": f"24{k // 100000 % 12 + 1:02d}.{k % 100000:05d}", "title": f"{title} (copy {k})" if titles else "",
                      "abstract": p.abstract, "categories": "cs.LG cs.AR", "update_date": "2024-01-01",
                      "versions": [{"version": "v1", "created": "Mon, 1 Jan 2024 00:00:00 GMT"}],
                      "authors": "A. Author", "doi": None, "journal-ref": None, "submitter": None}
            out.write(json.dumps(record) + "\n")
    return path


def _tree(root: int) -> dict[int, tuple[float, int]]:
    """pid -> (CPU s, RSS bytes) of root and every descendant (forkserver workers are not
    the build's children, so wait4's figures miss them; /proc does not)."""
    parents: dict[int, int] = {}
    stats: dict[int, tuple[float, int]] = {}
    tick, page = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        stats[int(entry)] = ((int(fields[11]) + int(fields[12])) / tick, int(fields[21]) * page)
    found = {}
    for pid in stats:
        p = pid
        while p in parents and p != root and p > 1:
            p = parents[p]
        if p == root:
            found[pid] = stats[pid]
    return found


def _pss(pid: int) -> int:
    """Proportional set size in bytes: a page shared by n processes counts 1/n in each
    (the NLP workers share the model pages of the forkserver they were forked from, which
    RSS counts in every one of them)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def timed_build(args: list[str]) -> dict[str, float]:
    """Wall s, CPU s of the build and all its processes, peak RSS of the largest process
    and of all of them together (MB), sampled from /proc every 0.1 s; and the kernel's
    peak RSS of the build process itself (wait4's ru_maxrss: no spike between samples
    escapes it; its workers, if any, are not in it); and the peak of all processes' PSS
    together, which counts shared pages once."""
    start = time.perf_counter()
    proc = subprocess.Popen([EFFIKG, "build", "--no-progress", *args], stdout=subprocess.DEVNULL)
    cpu: dict[int, float] = {}
    peak = peak_total = peak_pss = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        tree = _tree(proc.pid)
        for child, (seconds, _) in tree.items():
            cpu[child] = max(cpu.get(child, 0.0), seconds)
        peak = max([peak, *(rss for _, rss in tree.values())])
        peak_total = max(peak_total, sum(rss for _, rss in tree.values()))
        peak_pss = max(peak_pss, sum(_pss(child) for child in tree))
        time.sleep(0.1)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"effikg build {' '.join(args)} failed ({proc.returncode})")
    own = usage.ru_maxrss * 1024  # KiB on Linux
    return {"wall": wall, "cpu": sum(cpu.values()), "rss_mb": max(peak, own) / 2**20,
            "rss_total_mb": max(peak_total, own) / 2**20, "maxrss_mb": own / 2**20,
            "pss_total_mb": peak_pss / 2**20}


def bench_jobs(corpus: Path, n: int, jobs: int, work: Path) -> dict[str, float]:
    out = work / f"out-{n}-{jobs}"
    shutil.rmtree(out, ignore_errors=True)
    result = timed_build([str(corpus), "--out", str(out), "--jobs", str(jobs), "--no-cache"])
    result["rate"] = n / result["wall"]
    return result


# Ten abstracts the bundled corpus does not hold (the cycled copies share every method and
# edge with earlier copies, so they change little of the graph): what a real update brings.
UNSEEN = Path(__file__).resolve().parent.parent / "tests" / "data" / "dev2-arxiv.jsonl"


def bench_incremental(n: int, work: Path) -> dict[str, float]:
    """A first build of n with the cache, then n + 10 into a copy of that folder, twice:
    10 more cycled copies (new titles), and 10 abstracts the corpus does not hold (UNSEEN's
    first ten: new methods, new edges to the hubs, new aliases). Each rebuild is checked
    byte for byte (diff -rq) against a clean --no-cache build of the same inputs."""
    first = write_corpus(work / f"inc-{n}.jsonl", n)
    copies = write_corpus(work / "inc-extra.jsonl", 10, first=n)
    unseen = work / "inc-unseen.jsonl"
    with UNSEEN.open(encoding="utf-8") as source:
        unseen.write_text("".join(islice(source, 10)), encoding="utf-8")
    cold_out = work / "inc-out"
    shutil.rmtree(cold_out, ignore_errors=True)
    cold = timed_build([str(first), "--out", str(cold_out), "--jobs", "1"])
    result = {"cold_wall": cold["wall"], "cold_cpu": cold["cpu"]}
    for name, extra in (("warm", copies), ("unseen", unseen)):
        out = work / f"inc-{name}"
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(cold_out, out, symlinks=True)
        warm = timed_build([str(first), str(extra), "--out", str(out), "--jobs", "1"])
        # Byte-identical to a clean build of the same inputs (the store and cache folders
        # aside: a database's bytes differ build to build, and the cache is a cache).
        clean = work / "inc-clean"
        shutil.rmtree(clean, ignore_errors=True)
        timed_build([str(first), str(extra), "--out", str(clean), "--jobs", "1", "--no-cache"])
        diff = subprocess.run(["diff", "-rq", "-x", ".effikg-store", "-x", ".effikg-cache", str(clean), str(out)],
                              capture_output=True, text=True)
        if diff.returncode:
            raise SystemExit(f"the incremental rebuild differs from a clean build:\n{diff.stdout}{diff.stderr}")
        result.update({f"{name}_wall": warm["wall"], f"{name}_cpu": warm["cpu"], f"{name}_share": warm["cpu"] / cold["cpu"]})
    return result


def bench_dask(corpus: Path, n: int, work: Path) -> dict[str, float]:
    """The same build on a local cluster: `dask scheduler` and two one-thread `dask worker`s."""
    dask = str(Path(sys.executable).parent / "dask")
    info = work / "scheduler.json"
    info.unlink(missing_ok=True)
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(info)], stderr=subprocess.DEVNULL)]
    try:
        procs += [subprocess.Popen([dask, "worker", "--scheduler-file", str(info), "--nthreads", "1",
                                    "--no-dashboard", "--host", "127.0.0.1"], stderr=subprocess.DEVNULL)
                  for _ in range(2)]
        while not info.is_file():
            time.sleep(0.2)
        from distributed import Client

        address = json.loads(info.read_text())["address"]
        with Client(address) as client:
            client.wait_for_workers(2)
            client.run(lambda: __import__("pipeline.nlp", fromlist=["shared_nlp"]).shared_nlp() and None)
        out = work / "out-dask"
        shutil.rmtree(out, ignore_errors=True)
        result = timed_build([str(corpus), "--out", str(out), "--dask", address, "--no-cache"])
        result["rate"] = n / result["wall"]
        return result
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait()


def bench_rss(sizes: list[int], work: Path) -> Iterator[dict[str, float]]:
    """Peak RSS and time of whole builds whose NLP is all cache hits: what assembly,
    validation and the exports cost as the corpus grows (the out-of-core build, issue
    12.5). The cache is warmed first with one build of the 86 distinct abstracts (that one
    runs the NLP); every measured build then hits it for every abstract and loads no model."""
    cache = work / "rss-cache"
    shutil.rmtree(cache, ignore_errors=True)
    warm = write_corpus(work / "rss-warm.jsonl", 86, titles=False)
    timed_build([str(warm), "--out", str(work / "rss-warm"), "--jobs", "1", "--cache", str(cache)])
    for n in sizes:
        corpus = write_corpus(work / f"rss-{n}.jsonl", n, titles=False)
        out = work / f"rss-out-{n}"
        shutil.rmtree(out, ignore_errors=True)
        r = timed_build([str(corpus), "--out", str(out), "--jobs", "1", "--cache", str(cache)])
        r["n"], r["store_mb"] = n, sum(f.stat().st_size for f in (out / ".effikg-store").rglob("*") if f.is_file()) / 2**20
        r["ttl_mb"] = (out / "effikg.ttl").stat().st_size / 2**20
        r["pages"] = len(list((out / "papers").glob("*.html")))
        shutil.rmtree(out, ignore_errors=True)
        yield r


def bench_stages(corpus: Path, work: Path) -> dict[str, float]:
    """CPU seconds by stage of one in-process build (--jobs 1): read + NLP, assembly (each
    paper's triples into the on-disk sort as it comes, then what spans papers, the merge
    and the store's bulk load), validation (the shape checks on the store) and the exports."""
    import pipeline.build as build
    import pipeline.parallel as parallel
    import pipeline.store as store
    import pipeline.validate as validate

    spent: dict[str, float] = {}

    def clock(name, fn):
        def wrapper(*args, **kwargs):
            start = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - start
        return wrapper

    extract_each = build.extract_each

    def timed_extract(*args, **kwargs):
        stream = extract_each(*args, **kwargs)
        while True:
            start = time.process_time()
            try:
                item = next(stream)
            except StopIteration:
                return
            finally:
                spent["read + NLP"] = spent.get("read + NLP", 0.0) + time.process_time() - start
            yield item

    build.extract_each = timed_extract
    assembly = "assembly (papers -> sorted lines -> store)"
    store.StoreAssembly.add = clock(assembly, store.StoreAssembly.add)
    store.StoreAssembly.finish = clock(assembly, store.StoreAssembly.finish)
    validate.check_store = clock("validation (shape checks on the store)", validate.check_store)
    # With --jobs 1 every exporter runs here (parallel.SharedExports.finish).
    parallel.run_exporters = clock("exports", parallel.run_exporters)
    total = time.process_time()
    build.run_build([corpus], work / "out-stages", force=True)
    spent["whole build"] = time.process_time() - total
    return spent


def bench_serial(corpus: Path, work: Path, jobs: int = 2) -> dict[str, float]:
    """The build process's own CPU s and wall s once the extraction has ended (what of the
    assembly spans papers, the sort's merge and the store's load, the shape checks, its share
    of the exports, the wait for the workers' share; since 2026-12-07 each paper's own
    triples are made during the extraction, so earlier figures included those too), one
    in-process `--jobs` build, every abstract new to the NLP: the serial part, which
    other jobs' load on the machine does not inflate (its wall they do)."""
    import pipeline.build as build

    spent: dict[str, float] = {}
    after_extraction = build._assemble_and_export

    def timed(*args, **kwargs):
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return after_extraction(*args, **kwargs)
        finally:
            spent["cpu"], spent["wall"] = time.process_time() - cpu, time.perf_counter() - wall

    build._assemble_and_export = timed
    cpu = time.process_time()
    build.run_build([corpus], work / "out-serial", force=True, extract=build.ExtractOptions(jobs=jobs))
    spent["whole_cpu"] = time.process_time() - cpu
    return spent


def _load() -> str:
    """The 1-minute load average and runnable/total tasks, from /proc/loadavg."""
    try:
        fields = Path("/proc/loadavg").read_text().split()
        return f"{fields[0]} ({fields[3]})"
    except OSError:
        return f"{os.getloadavg()[0]:.2f}"


def _cpu_ticks() -> tuple[int, int]:
    """(steal, total) jiffies of all CPUs so far, from /proc/stat: time the host gave this
    virtual machine's CPUs to someone else shows up as steal, and slows a 2-job run most."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    return (fields[7] if len(fields) > 7 else 0), sum(fields[:8])


def _steal_since(before: tuple[int, int]) -> str:
    steal, total = _cpu_ticks()
    return f"{(steal - before[0]) / max(1, total - before[1]):.0%}"


def _corpus(work: Path, n: int) -> Path:
    path = work / f"corpus-{n}.jsonl"
    return path if path.is_file() else write_corpus(path, n)


def bench_sizes(sizes: list[int], jobs_list: list[int], rounds: int, work: Path) -> dict[tuple[int, int], list[float]]:
    """The --jobs rows: each size, the job counts alternated `rounds` times; abstracts/s a run."""
    print("" if not sizes else "| abstracts | jobs | round | wall s | CPU s | abstracts/s (wall) | abstracts/s (CPU) "
          "| peak RSS MB (largest process) | (all processes) | peak PSS MB (all processes) "
          "| load average at start, end | CPU stolen by the host |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|")
    rates: dict[tuple[int, int], list[float]] = {}
    for n in sizes:
        corpus = _corpus(work, n)
        for round_ in range(1, rounds + 1):
            for jobs in jobs_list:
                start, ticks = _load(), _cpu_ticks()
                r = bench_jobs(corpus, n, jobs, work)
                rates.setdefault((n, jobs), []).append(r["rate"])
                print(f"| {n:,} | {jobs} | {round_} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['rate']:.1f} "
                      f"| {n / r['cpu']:.1f} | {r['rss_mb']:.0f} | {r['rss_total_mb']:.0f} | {r['pss_total_mb']:.0f} "
                      f"| {start}, {_load()} "
                      f"| {_steal_since(ticks)} |", flush=True)
        if (n, 1) in rates and (n, 2) in rates:
            best = max(rates[(n, 2)]) / max(rates[(n, 1)])
            # Each round's pair ran back to back, under the same load: their ratio is the
            # side-by-side figure; its median over rounds is what one slow run cannot sway.
            paired = [two / one for one, two in zip(rates[(n, 1)], rates[(n, 2)])]
            print(f"  {n:,}: --jobs 2 / --jobs 1 = {best:.2f}x abstracts/s (wall, best run of each); "
                  f"by round {', '.join(f'{r:.2f}x' for r in paired)}, median {statistics.median(paired):.2f}x",
                  flush=True)
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--rounds", type=int, default=1, help="alternate the --jobs runs of a size this many times")
    parser.add_argument("--incremental", action="store_true")
    parser.add_argument("--dask", action="store_true")
    parser.add_argument("--stages", action="store_true")
    parser.add_argument("--serial", action="store_true", help="the build process's CPU s after the extraction, --jobs 2")
    parser.add_argument("--rss", default="", help="sizes for the peak-RSS builds whose NLP is all cache hits "
                        "(e.g. 1000,5000,20000)")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="effikg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"cores: {len(os.sched_getaffinity(0))}; load average: {os.getloadavg()[0]:.2f}")
    sizes = [int(s) for s in args.sizes.split(",") if s]
    first = sizes[0] if sizes else 1000  # what --stages, --incremental and --dask build
    rates = bench_sizes(sizes, [int(j) for j in args.jobs.split(",") if j], args.rounds, work)
    if args.rss:
        rss_sizes = [int(x) for x in args.rss.split(",")]
        print("\nout of core, every abstract an extraction-cache hit (no NLP), --jobs 1:\n"
              "| abstracts | wall s | CPU s | peak RSS MB (kernel, build process) | vs the first | effikg.ttl MB | store MB | paper pages |\n"
              "|---|---|---|---|---|---|---|---|")
        base = None
        for r in bench_rss(rss_sizes, work):
            base = base or r["maxrss_mb"]
            print(f"| {int(r['n']):,} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['maxrss_mb']:.0f} | "
                  f"{r['maxrss_mb'] / base:.2f}x | {r['ttl_mb']:.1f} | {r['store_mb']:.1f} | {r['pages']:,} |", flush=True)
    if args.stages:
        spent = bench_stages(_corpus(work, first), work)
        whole = spent["whole build"]
        print(f"\nstages of one --jobs 1 build of {first:,} (CPU s, share):")
        for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
            print(f"  {name}: {seconds:.1f} s ({seconds / whole:.0%})")
    if args.serial:
        start = _load()
        r = bench_serial(_corpus(work, first), work)
        print(f"\nthe build process after the extraction ({first:,}, --jobs 2, in process): {r['cpu']:.2f} CPU s, "
              f"{r['wall']:.1f} s wall (the whole build: {r['whole_cpu']:.1f} CPU s in this process); "
              f"load average {start}, {_load()}", flush=True)
    if args.incremental:
        r = bench_incremental(first, work)
        print(f"\nincremental: {first:,} cold {r['cold_wall']:.1f} s wall / {r['cold_cpu']:.1f} s CPU; "
              f"+10 new copies: {r['warm_wall']:.1f} s wall / {r['warm_cpu']:.1f} s CPU = {r['warm_share']:.0%} "
              f"of the first build; +10 unseen abstracts: {r['unseen_wall']:.1f} s wall / {r['unseen_cpu']:.1f} s CPU "
              f"= {r['unseen_share']:.0%}; each byte-identical to a clean build (diff -rq)")
    if args.dask:
        start = _load()
        r = bench_dask(_corpus(work, first), first, work)
        jobs2 = f"; --jobs 2: {max(rates[(first, 2)]):.1f} abstracts/s" if (first, 2) in rates else ""
        print(f"\ndask (local scheduler + 2 one-thread workers), {first:,}: {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU (the client's), "
              f"{r['rate']:.1f} abstracts/s (client peak RSS {r['rss_mb']:.0f} MB){jobs2}; load average {start}, {_load()}")


if __name__ == "__main__":
    main()
