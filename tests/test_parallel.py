"""pipeline.parallel: the NLP in worker processes or on a Dask cluster writes what one
process writes, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.build import ExtractOptions, run_build
from pipeline.parallel import Failed, _in_order, default_jobs, extract_batch
from test_cache import _files


def test_parallel_default_jobs_is_the_cores_we_may_use() -> None:
    import os

    assert default_jobs() == len(os.sched_getaffinity(0))


def test_parallel_one_batch_runs_in_place(tmp_path: Path) -> None:
    """Fewer abstracts than a batch start no workers (each would load the model for nothing)."""
    from pipeline.build import BuildSummary, extract_each

    summary = BuildSummary()
    assert list(extract_each([], summary, options=ExtractOptions(jobs=2))) == []
    assert summary.jobs == 1


def test_parallel_in_order_keeps_submission_order() -> None:
    from concurrent.futures import ThreadPoolExecutor
    import time

    def slow_first(batch):
        time.sleep(0.05 if batch[0] == 0 else 0)
        return [n * 10 for n in batch]

    with ThreadPoolExecutor(4) as pool:
        out = list(_in_order([[0], [], [1], [2, 3]], lambda b: pool.submit(slow_first, b), window=3))
    assert out == [[0], [], [10], [20, 30]]


@pytest.mark.slow
def test_parallel_failing_paper_costs_only_itself() -> None:
    from dataclasses import replace

    from test_graph import all_extractions

    good = all_extractions()[0].paper
    bad = replace(good, id="bad", abstract=None)  # type: ignore[arg-type]  # what the extractor cannot take
    outcomes = extract_batch([good, bad, good])
    assert [type(o).__name__ for o in outcomes] == ["Extraction", "Failed", "Extraction"]
    assert isinstance(outcomes[1], Failed) and "extraction failed" in outcomes[1].problem


@pytest.mark.slow
def test_cache_parallel_build_is_byte_identical(tmp_path: Path) -> None:
    from pipeline.corpus import bundled_corpus

    inputs = bundled_corpus()  # 86 abstracts: two batches, so two workers get work
    run_build(inputs, tmp_path / "one")
    summary = run_build(inputs, tmp_path / "two", extract=ExtractOptions(jobs=2))
    assert summary.jobs == 2
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


def _dask(*args: str, log: Path) -> "subprocess.Popen[bytes]":
    import subprocess
    import sys

    exe = Path(sys.executable).parent / "dask"
    return subprocess.Popen([str(exe), *args], stdout=log.open("wb"), stderr=subprocess.STDOUT)


def _stop(procs) -> None:
    import subprocess

    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture()
def dask_cluster(tmp_path: Path):
    """A real `dask scheduler` and two `dask worker`s on 127.0.0.1 (ports the kernel picks)."""
    import json
    import time

    pytest.importorskip("distributed")
    info = tmp_path / "scheduler.json"
    procs = [_dask("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                   "--scheduler-file", str(info), log=tmp_path / "scheduler.log")]
    try:
        for n in (1, 2):
            procs.append(_dask("worker", "--scheduler-file", str(info), "--nthreads", "1", "--host", "127.0.0.1",
                               "--no-dashboard", "--name", f"w{n}", log=tmp_path / f"worker{n}.log"))
        from distributed import Client

        deadline = time.monotonic() + 120
        while not info.is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(info.read_text())["address"]
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        _stop(procs)


@pytest.mark.slow
def test_parallel_dask_build_is_byte_identical(dask_cluster: str, tmp_path: Path) -> None:
    from pipeline.corpus import bundled_corpus

    inputs = bundled_corpus()[:2]
    run_build(inputs, tmp_path / "local")
    summary = run_build(inputs, tmp_path / "dask", extract=ExtractOptions(dask=dask_cluster))
    assert summary.papers > 0 and summary.jobs == 0
    assert _files(tmp_path / "local") == _files(tmp_path / "dask")


@pytest.mark.slow  # the client waits CONNECT_TIMEOUT for an answer
def test_parallel_dask_unreachable_scheduler_is_one_clear_error(tmp_path: Path) -> None:
    import socket

    from pipeline.errors import BuildError

    pytest.importorskip("distributed")
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(BuildError, match=f"tcp://127.0.0.1:{port}: cannot reach the Dask scheduler"):
        run_build([], tmp_path / "out", extract=ExtractOptions(dask=f"tcp://127.0.0.1:{port}"))
    assert not (tmp_path / "out").exists()


def _written(root: Path, paths: list[Path]) -> list[tuple[str, bytes]]:
    return [(p.relative_to(root).as_posix(), p.read_bytes()) for p in paths]


def test_parallel_shared_exports_write_what_one_process_writes(tmp_path: Path) -> None:
    """Under --jobs 2 a worker process writes its share of the exports (the explorer, in
    the balance of Exporter.cost) beside this process's: the same files, in the same order."""
    from pipeline.export import save_exports
    from pipeline.parallel import SharedExports
    from test_store import _store_source

    source = _store_source(tmp_path)
    alone = save_exports(source, tmp_path / "one")
    with SharedExports(2) as exports:
        exports.start(source, tmp_path / "two", None, beside=1.0)
        shared = exports.finish(source, tmp_path / "two")
    assert _written(tmp_path / "two", shared) == _written(tmp_path / "one", alone)


def test_parallel_export_worker_error_reaches_the_build(tmp_path: Path) -> None:
    """A worker's failure is raised here as the worker raised it (the build turns an
    OSError into one line), and leaving waits for the workers: nothing writes afterwards."""
    from pipeline.parallel import SharedExports
    from test_store import _store_source

    source = _store_source(tmp_path)
    out = tmp_path / "out"
    (out / "index.html").mkdir(parents=True)  # where the explorer, the worker's share, writes
    with pytest.raises(OSError) as failed, SharedExports(2) as exports:
        exports.start(source, out, ["html"], beside=1.0)
        exports.finish(source, out)
    assert "index.html" in str(failed.value)
    assert not [p for p in out.rglob("*") if p.name.startswith(".") and p.is_file()]  # no temp file left
    # This process failing (the shape checks) while the worker may be writing: leaving
    # cancels its share or waits for it, so nothing is written once the block is left.
    import time

    other = tmp_path / "other"
    with pytest.raises(RuntimeError), SharedExports(2) as exports:
        exports.start(source, other, ["html"], beside=1.0)
        raise RuntimeError("the graph does not conform")
    left = sorted(other.rglob("*"))
    time.sleep(1.0)
    assert sorted(other.rglob("*")) == left
    assert not [p for p in left if p.name.endswith(".tmp")]


def test_parallel_export_worker_reads_the_store_read_only_beside_the_build(tmp_path: Path, monkeypatch) -> None:
    """Past MEMORY_TRIPLES a worker reads the on-disk store while the build process holds
    it open: opened read-only, it writes what the build process would."""
    from pipeline.export import save_exports
    from pipeline.export.source import StoreSource
    from pipeline.export.worker import save_store_exports
    from test_store import _store_source

    monkeypatch.setattr(StoreSource, "MEMORY_TRIPLES", 0)
    import pyoxigraph as ox

    source = _store_source(tmp_path)
    names = ["graphml", "neo4j", "html"]
    alone = save_exports(source, tmp_path / "one", names)
    held = ox.Store(str(source.store_path))  # open, as the build process holds it during the shape checks
    shared = save_store_exports(source.lines_path, source.store_path, len(source), None, tmp_path / "two", names)
    assert len(held) == len(source)
    got = [p for name in ["ttl", *names] for p in shared.get(name, [])]
    assert _written(tmp_path / "two", got) == _written(tmp_path / "one", [p for p in alone if p.name != "effikg.ttl"])


def test_parallel_last_batches_are_small_so_workers_finish_together() -> None:
    from pipeline.build import _batches

    sizes = [len(b) for b in _batches(range(300), 64, tail=128)]
    assert sizes == [64, 64, *[16] * 10, 12]  # the last 172: between tail and tail + one batch
    assert [len(b) for b in _batches(range(150), 64)] == [64, 64, 22]  # one job: no tail
    assert [p for b in _batches(range(300), 64, tail=128) for p in b] == list(range(300))


def test_parallel_workers_start_early_only_when_the_nlp_is_certain_there(tmp_path: Path) -> None:
    """The forkserver loads the model before anything is read only for a build whose NLP
    surely runs in local workers on the default pipeline: not in place (one batch), not on
    Dask, not with a cache that may hold it all, not for another vocabulary or scorer."""
    from pipeline.build import EARLY_START_BYTES, EXTRACT_BATCH, _nlp_certain_in_workers
    from pipeline.cache import CACHE_FILE
    from pipeline.corpus import bundled_corpus
    from pipeline.vocab import VocabExtra

    empty, filled = tmp_path / "empty", tmp_path / "filled"
    filled.mkdir()
    (filled / CACHE_FILE).write_bytes(b"")
    small = tmp_path / "small.jsonl"
    small.write_bytes(b"x" * (EARLY_START_BYTES - 1))
    big = [bundled_corpus()[0].parent]  # a folder: 86 abstracts

    def certain(options: ExtractOptions, cache: Path | None = None, inputs=big, limit: int | None = None) -> bool:
        return _nlp_certain_in_workers(options, cache, inputs, limit)

    assert certain(ExtractOptions(jobs=2))
    assert certain(ExtractOptions(jobs=2), empty)
    assert certain(ExtractOptions(jobs=2, vocab=VocabExtra()))  # an empty overlay is none
    assert certain(ExtractOptions(jobs=2), inputs=[small, *big], limit=EXTRACT_BATCH + 1)
    assert not certain(ExtractOptions(jobs=2), filled)
    assert not certain(ExtractOptions(jobs=1))
    assert not certain(ExtractOptions(jobs=2, dask="tcp://127.0.0.1:1"))
    assert not certain(ExtractOptions(jobs=2, model=tmp_path))
    assert not certain(ExtractOptions(jobs=2, vocab=VocabExtra(never_methods=("Foo",))))
    assert not certain(ExtractOptions(jobs=2), inputs=[small])  # too small for two batches
    assert not certain(ExtractOptions(jobs=2), inputs=[tmp_path / "missing.jsonl"])
    assert not certain(ExtractOptions(jobs=2), limit=EXTRACT_BATCH)
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"x" * 2000)
    assert not certain(ExtractOptions(jobs=2), inputs=[folder])  # a folder counts by its files
    packed = tmp_path / "snapshot.jsonl.gz"
    packed.write_bytes(b"x" * (EARLY_START_BYTES // 2))
    assert certain(ExtractOptions(jobs=2), inputs=[packed])  # compressed: more text than bytes
    assert not certain(ExtractOptions(jobs=2), inputs=[tmp_path / ("x" * 300 + ".txt")])  # too long a name


@pytest.mark.slow
def test_parallel_export_workers_start_beside_an_early_model_load(tmp_path: Path, monkeypatch) -> None:
    """When the model loads before anything is read, the export worker is spawned then too
    (a core would idle while the forkserver loads), before the NLP workers are forked;
    otherwise once the input is all read, after them, as before. The output is the same."""
    import pipeline.parallel as parallel
    from pipeline.corpus import bundled_corpus

    pools: list[str] = []
    make = parallel._process_pool

    def recorded(jobs: int, initializer, initargs: tuple = (), method: str = "forkserver"):
        pools.append(f"{method} {jobs}")
        return make(jobs, initializer, initargs, method=method)

    monkeypatch.setattr(parallel, "_process_pool", recorded)
    corpus = [bundled_corpus()[0].parent]  # 86 abstracts: two batches, early start
    run_build(corpus, tmp_path / "early", extract=ExtractOptions(jobs=2))
    assert pools == ["spawn 1", "forkserver 2"]  # the export worker first, then the NLP's two
    pools.clear()
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "extractions.sqlite").write_bytes(b"")  # a cache that may hold it all: no early start
    run_build(corpus, tmp_path / "late", extract=ExtractOptions(jobs=2, cache=cache))
    assert pools == ["forkserver 2", "spawn 1"]
    assert _files(tmp_path / "early") == _files(tmp_path / "late")


@pytest.mark.slow
def test_parallel_ctrl_c_stops_the_build_without_a_traceback(tmp_path: Path) -> None:
    """Ctrl-C on a terminal reaches the whole process group: the build stops with one
    "Aborted!" line and leaves no output folder, and no worker, the NLP's or the export
    worker waiting for its share, prints a KeyboardInterrupt traceback."""
    import json
    import os
    import signal
    import subprocess
    import sys
    import time

    from pipeline.corpus import bundled_corpus
    from pipeline.ingest import read_papers
    from pipeline.records import Paper

    papers = [p for f in bundled_corpus() for p in read_papers(f) if isinstance(p, Paper)]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"2401.{k:05d}", "title": f"copy {k}", "abstract": papers[k % len(papers)].abstract})
                              + "\n" for k in range(400)), encoding="utf-8")
    out = tmp_path / "out"
    effikg = Path(sys.executable).parent / "effikg"
    build = subprocess.Popen([str(effikg), "build", str(corpus), "--out", str(out), "--jobs", "2", "--no-progress",
                              "--no-cache"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)

    def in_session() -> int:
        def sid(pid: str) -> int | None:
            try:
                return os.getsid(int(pid))
            except OSError:
                return None
        return sum(1 for pid in os.listdir("/proc") if pid.isdigit() and sid(pid) == build.pid)

    deadline = time.monotonic() + 60
    while in_session() < 5 and build.poll() is None and time.monotonic() < deadline:  # the build, the server, 3 workers
        time.sleep(0.05)
    time.sleep(1.0)  # the NLP under way, the export worker waiting
    assert build.poll() is None, "the build ended before it could be interrupted"
    os.killpg(build.pid, signal.SIGINT)
    _, err = build.communicate(timeout=120)
    assert build.returncode == 1
    assert b"Traceback" not in err, err.decode()
    assert err.decode().strip().splitlines()[-1] == "Aborted!"
    assert not out.exists()


# Run in a fresh interpreter: the forkserver is one a process, and another test in this
# one may have started it already.
_FORKED_LOADED = """
import multiprocessing, os
from concurrent.futures import ProcessPoolExecutor
import pipeline
from pipeline.parallel import Extractor, _warm_up, start_nlp_server

def seen():
    from pipeline.nlp.loading import _cached_nlp
    before = _cached_nlp.cache_info().currsize
    _warm_up(Extractor())  # what a worker does as it starts: no load of its own
    return before, _cached_nlp.cache_info().misses, pipeline.__file__, os.environ.get("PYTHONSAFEPATH")

if __name__ == "__main__":
    start_nlp_server()
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver")) as pool:
        before, misses, where, safepath = pool.submit(seen).result()
    print(before, misses, where == pipeline.__file__, safepath == os.environ.get("PYTHONSAFEPATH"))
"""


@pytest.mark.slow
def test_parallel_workers_are_forked_with_the_model_loaded_from_effikg(tmp_path: Path) -> None:
    """A worker forked from the started server has the default pipeline before its first
    batch and does not load another (N workers cost one load of the model, not N); the
    model is effikg's even when the working folder holds a `pipeline` folder of its own
    (Python 3.11's forkserver would put the working folder first); the worker's environment
    is the build's."""
    import subprocess
    import sys

    script = tmp_path / "script" / "forked.py"
    script.parent.mkdir()
    script.write_text(_FORKED_LOADED, encoding="utf-8")
    work = tmp_path / "work"
    (work / "pipeline").mkdir(parents=True)
    (work / "pipeline" / "steps.yaml").write_text("steps: []\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=work)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "1", "True", "True"]
