"""Where extraction runs: in this process, in N worker processes, or on a Dask cluster;
and where the exports run under --jobs N: shared between the build process and N - 1
worker processes (SharedExports).

Papers go out in batches and come back as the batch's outcomes, in input order, whatever
order the workers finish in: the build (the reduce, resolution, assembly and every
write) stays in the calling process and sees exactly what `--jobs 1` would, so the
output is byte-identical. The workers are forks of this process's forkserver; a build
sure to run its NLP there starts that server first, which loads the default spaCy
pipeline once while the build reads and imports, and the workers come from it with the
model loaded (start_nlp_server); so does the first pool that starts it, for the default
pipeline. A worker that finds no model there loads the pipeline as it starts
(pipeline.nlp keeps it). At most a few batches a worker are in flight, so memory does not
grow with the corpus.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import BuildError, ExportError
from pipeline.export import load_exporters, run_exporters, select_exporters, share_exporters
from pipeline.ingest.common import describe_error
from pipeline.records import Extraction, Paper
from pipeline.vocab import VocabExtra

if TYPE_CHECKING:
    from pipeline.export import Exporter
    from pipeline.export.source import StoreSource

# Batches a worker may have queued beyond the one it is on.
AHEAD = 2
# CPU s an export worker spends before its first exporter in a build of 1,000 abstracts
# (its in-memory copy of the graph, the ontology read), in pipeline.export.Exporter.cost's units.
WORKER_START_COST = 0.3
# What the forkserver loads before it forks the NLP workers: the model, once for all of them.
NLP_PRELOAD = ("pipeline.nlp_server",)
# The variables start_nlp_server sets for the forkserver it starts, and where it keeps
# their values before (JSON) for pipeline/nlp_server.py to put back.
SERVER_ENV = ("PYTHONPATH", "PYTHONSAFEPATH")
SERVER_ENV_SAVED = "EFFIKG_SERVER_ENV"
_SERVER_START = threading.Lock()
# How long `--dask ADDRESS` waits for the scheduler to answer.
CONNECT_TIMEOUT = "10s"


@dataclass(frozen=True)
class Failed:
    """A paper the extractor raised on, and what it said."""

    paper: Paper
    problem: str


Outcome = Extraction | Failed


@dataclass(frozen=True)
class Extractor:
    """What a worker needs to extract as the build would: the confidence floor, the
    user's vocabulary overlay and the scorer folder (None: the shipped one)."""

    min_confidence: float = 0.0
    vocab: VocabExtra | None = None
    model: Path | None = None

    @property
    def default_pipeline(self) -> bool:
        """Whether it runs the pipeline NLP_PRELOAD loads: no overlay, the shipped scorer."""
        return (self.vocab is None or self.vocab.empty) and self.model is None


def extract_batch(papers: list[Paper], extractor: Extractor = Extractor()) -> list[Outcome]:
    """One outcome a paper; a failing batch is redone paper by paper so that one bad
    paper costs only itself. Runs in a worker (a process or a Dask worker) or in place."""
    if not papers:  # a batch all in the cache: no model is loaded for it
        return []
    from pipeline.nlp import extract, shared_nlp

    nlp = shared_nlp(extractor.vocab, extractor.model)
    min_confidence = extractor.min_confidence
    try:
        return list(extract(papers, nlp=nlp, min_confidence=min_confidence))
    except Exception:  # noqa: BLE001 - find the paper that failed, below
        pass
    done: list[Outcome] = []
    for paper in papers:
        try:
            done.extend(extract([paper], nlp=nlp, min_confidence=min_confidence))
        except Exception as err:  # noqa: BLE001 - the per-record boundary
            done.append(Failed(paper, f"extraction failed ({describe_error(err)})"))
    return done


def _warm_up(extractor: Extractor) -> None:
    """Load the pipeline when the worker starts, not inside its first batch."""
    from pipeline.nlp import shared_nlp

    shared_nlp(extractor.vocab, extractor.model)


def start_nlp_server() -> None:
    """Start this process's forkserver, with the default pipeline loaded in it
    (NLP_PRELOAD), so that the NLP worker processes are forked from it fully loaded; called
    early by a build sure to run its NLP in workers, so that the model loads while the build
    reads its first batch and imports what it assembles with. A server already running
    (started by an earlier pool of this process) is left as it is, with or without the
    model. The server stays up for this process's later pools, as a forkserver does.

    The server gets this process's module search path, and not the working folder first:
    Python 3.11's forkserver ignores the path it is given (CPython gh-117378, fixed in
    3.12.8 and 3.13.1), so its preload would import a `pipeline` folder of the working
    folder instead of effikg. pipeline/nlp_server.py puts the environment back as it was."""
    from multiprocessing import forkserver

    context = multiprocessing.get_context("forkserver")
    with _SERVER_START:
        context.set_forkserver_preload(list(NLP_PRELOAD))
        saved = {name: os.environ.get(name) for name in SERVER_ENV}
        os.environ[SERVER_ENV_SAVED] = json.dumps(saved)
        os.environ["PYTHONPATH"] = os.pathsep.join(entry or os.getcwd() for entry in sys.path)
        os.environ["PYTHONSAFEPATH"] = "1"
        try:
            with _sigint_ignored():  # from its start: Ctrl-C during its imports is the build's too
                forkserver.ensure_running()
        except OSError as err:
            raise BuildError(f"cannot start the worker processes ({err})") from None
        finally:
            # A server another pool restarts (after this one died) preloads nothing, as before.
            context.set_forkserver_preload([])
            os.environ.pop(SERVER_ENV_SAVED, None)
            put_environment(saved)


def put_environment(values: dict[str, str | None]) -> None:
    """Set each variable to its value, or unset it for None (as start_nlp_server saved them)."""
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


Submit = Callable[[list[Paper]], "Future[list[Outcome]]"]


def _in_order(batches: Iterable[list[Paper]], submit: Submit, window: int) -> Iterator[list[Outcome]]:
    """Submit batches keeping `window` in flight; yield their results in submission order.
    An empty batch (all of it cached) is not sent anywhere."""
    pending: deque[Future[list[Outcome]]] = deque()
    for batch in batches:
        if batch:
            pending.append(submit(batch))
        else:
            done: Future[list[Outcome]] = Future()
            done.set_result([])
            pending.append(done)
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """SIGINT ignored while processes are spawned: a new interpreter keeps an ignored SIGINT
    ignored, so that Ctrl-C reaches the build alone, which stops its workers (an idle
    worker would print a KeyboardInterrupt traceback). Only the main thread sets handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _process_pool(jobs: int, initializer: Callable[..., None], initargs: tuple = (),
                  method: str = "forkserver") -> ProcessPoolExecutor:
    """`jobs` forkserver processes (forks of the forkserver, which runs no Python thread,
    never of this possibly threaded process; numpy's OpenBLAS remakes its own thread pool
    after a fork), each running `initializer` as it starts; or, with method "spawn", fresh
    interpreters, which start at once, even while the forkserver is still loading."""
    context = multiprocessing.get_context(method)
    try:
        return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=initializer, initargs=initargs)
    except OSError as err:
        raise BuildError(f"cannot start {jobs} worker processes ({err})") from None


@contextmanager
def local_runner(jobs: int, extractor: Extractor) -> Iterator[Callable[[Iterable[list[Paper]]], Iterator[list[Outcome]]]]:
    """run(batches) -> outcomes a batch, in order: in place for one job, else in a pool of
    `jobs` forkserver processes (start_nlp_server: forked with the model loaded, for the
    default pipeline; never a fork of this possibly threaded process)."""
    if jobs <= 1:
        yield lambda batches: (extract_batch(b, extractor) for b in batches)
        return
    pools: list[ProcessPoolExecutor] = []

    def submit(batch: list[Paper]) -> Future[list[Outcome]]:
        if not pools:  # started on the first abstract the cache lacks, not before
            if extractor.default_pipeline:  # else the server's model is no use: each worker loads its own
                start_nlp_server()
            pools.append(_process_pool(jobs, _warm_up, (extractor,)))
        return pools[0].submit(extract_batch, batch, extractor)

    try:
        yield lambda batches: _in_order(batches, submit, window=jobs * (AHEAD + 1))
    finally:
        for pool in pools:
            pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def dask_runner(address: str, extractor: Extractor) -> Iterator[Callable[[Iterable[list[Paper]]], Iterator[list[Outcome]]]]:
    """The same over a Dask distributed cluster at `address` (tcp://host:8786): the
    workers extract, this process keeps the reduce and every write."""
    try:
        from distributed import Client
    except ImportError:
        raise BuildError("--dask needs dask[distributed]: pip install 'dask[distributed]'") from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as err:
        raise BuildError(f"{address}: cannot reach the Dask scheduler ({describe_error(err)})") from None
    try:
        workers = max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))
        # pure=False: the same batch twice (a repeated abstract) is still two tasks.
        submit = lambda b: client.submit(extract_batch, b, extractor, pure=False)  # noqa: E731
        yield lambda batches: _in_order(batches, submit, window=workers * (AHEAD + 1))
    finally:
        client.close()


class SharedExports:
    """The build's exports shared between this process and `jobs - 1` worker processes
    (one process for `jobs` 1: all of them here, in order). The workers start at once and
    import the exporters (the build makes this once its input is all read, so that the
    imports overlap the NLP's last batches, not the checks, or, when the NLP server loads
    before anything is read, at once, beside that load). They are spawned, not forked from
    the NLP server: they need none of its model, and a fork would wait for its load.
    `start` sends them their shares (pipeline.export.share_exporters), which they write
    into the same scratch folder from their own read-only view of the build's sorted lines
    and store (loading that view is their own start-up cost, `WORKER_START_COST`);
    `finish` writes this process's share, then collects theirs.
    On leaving, whatever happened, the workers are waited for, so that nothing writes
    into the scratch folder once the build has failed and removes it."""

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)
        self._pool = _process_pool(self.jobs - 1, load_exporters, method="spawn") if self.jobs > 1 else None
        with _sigint_ignored():  # as the NLP workers: Ctrl-C is the build's to handle
            for _ in range(self.jobs - 1):
                self._pool.submit(int)  # type: ignore[union-attr]  # each submit starts one process now
        self._own: list[Exporter] = []
        self._shares: list[Future[dict[str, list[Path]]]] = []
        self._names: list[str] = []

    def __enter__(self) -> SharedExports:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def start(self, source: StoreSource, out_dir: Path, names: list[str] | None, beside: float = 0.0) -> None:
        """Send the workers their shares of the exports `names` (pipeline.export.select_exporters);
        this process keeps the first, with `beside` seconds of other work to do first."""
        from pipeline.export.worker import save_store_exports  # here: the NLP workers import this module too

        exporters = select_exporters(names)
        self._names = [e.name for e in exporters]
        own, *shares = share_exporters(exporters, self.jobs, beside, worker_start=WORKER_START_COST)
        self._own = own
        self._shares = [self._pool.submit(save_store_exports, source.lines_path, source.store_path,  # type: ignore[union-attr]
                                          len(source), source.previous, out_dir, [e.name for e in share])
                        for share in shares if share]

    def finish(self, source: StoreSource, out_dir: Path) -> list[Path]:
        """This process's share written, the workers' collected: every file, in registry order."""
        written = run_exporters(source, out_dir, self._own)
        for share in self._shares:
            try:
                written.update(share.result())
            except BrokenProcessPool:
                raise ExportError("an export worker process stopped before it was done "
                                  "(killed, or out of memory)") from None
        return [p for name in self._names for p in written[name]]

