"""Where extraction runs: in this process, in N worker processes, or on a Dask cluster.

Papers go out in batches and come back as the batch's outcomes, in input order, whatever
order the workers finish in: the build (the reduce, resolution, assembly and every
write) stays in the calling process and sees exactly what `--jobs 1` would, so the
output is byte-identical. Each worker process loads the spaCy pipeline once (the first
batch it gets loads it; pipeline.nlp keeps it). At most a few batches a worker are in
flight, so memory does not grow with the corpus.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import BuildError
from pipeline.ingest.common import describe_error
from pipeline.records import Extraction, Paper
from pipeline.vocab import VocabExtra

# Batches a worker may have queued beyond the one it is on.
AHEAD = 2
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
def local_runner(jobs: int, extractor: Extractor) -> Iterator[Callable[[Iterable[list[Paper]]], Iterator[list[Outcome]]]]:
    """run(batches) -> outcomes a batch, in order: in place for one job, else in a pool of
    `jobs` processes (forkserver: a fresh interpreter each, never a fork of a threaded parent)."""
    if jobs <= 1:
        yield lambda batches: (extract_batch(b, extractor) for b in batches)
        return
    pools: list[ProcessPoolExecutor] = []

    def submit(batch: list[Paper]) -> Future[list[Outcome]]:
        if not pools:  # started on the first abstract the cache lacks, not before
            context = multiprocessing.get_context("forkserver")
            try:
                pools.append(ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_warm_up,
                                                 initargs=(extractor,)))
            except OSError as err:
                raise BuildError(f"cannot start {jobs} worker processes ({err})") from None
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
