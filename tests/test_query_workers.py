"""pipeline.query_workers: queries run in worker processes that cannot reach the network,
under a row cap and a time limit that stop the work, not just the wait."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.query_workers import QueryPool

JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def pool(built_graph_dir: Path) -> Iterator[QueryPool]:
    workers = QueryPool(built_graph_dir / "effikg.ttl", size=2, timeout=2.0, max_rows=50)
    try:
        yield workers
    finally:
        workers.close()


def test_query_workers_deny_network_makes_socket_fail() -> None:
    script = (
        "import socket, sys\n"
        "from pipeline.query_workers import deny_network\n"
        "if not deny_network(): sys.exit(2)\n"
        "try:\n    socket.socket()\nexcept PermissionError:\n    sys.exit(0)\n"
        "sys.exit(1)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    if result.returncode == 2:
        pytest.skip("no seccomp on this system: the query check alone keeps SERVICE out")
    assert result.returncode == 0, result.stderr.decode()


@pytest.mark.slow
def test_query_workers_fetch_nothing_even_past_the_check(pool: QueryPool) -> None:
    """SERVICE sent straight to a worker (as if the check had missed it): no connection."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    seen: list[object] = []
    done = threading.Event()

    def accept() -> None:
        while not done.is_set():
            try:
                seen.append(listener.accept())
            except TimeoutError:
                continue

    watcher = threading.Thread(target=accept)
    watcher.start()
    answer = pool.run(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}", JSON, None)
    time.sleep(0.5)  # time for a late connection to show
    done.set()
    watcher.join()
    listener.close()
    assert seen == [], "a query worker opened a connection"
    assert answer.status >= 400


@pytest.mark.slow
def test_query_workers_row_cap_stops_the_query(pool: QueryPool) -> None:
    answer = pool.run("SELECT ?s WHERE { ?s ?p ?o }", JSON, None)
    assert answer.status == 400 and b"more than 50 rows" in answer.body
    assert pool.run("SELECT ?s WHERE { ?s ?p ?o } LIMIT 50", JSON, None).status == 200


@pytest.mark.slow
def test_query_workers_time_limit_kills_the_worker(pool: QueryPool) -> None:
    before = pool.pids()
    started = time.monotonic()
    answer = pool.run("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", JSON, None)
    assert answer.status == 503 and b"time limit" in answer.body
    assert time.monotonic() - started < 2.0 + 3
    killed = before - pool.pids()
    assert len(killed) == 1
    for pid in killed:  # the work stopped with its process
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    deadline = time.monotonic() + 60
    while len(pool.pids()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)  # a new worker is started in the background
    assert len(pool.pids()) == 2
    assert pool.run("ASK { ?s ?p ?o }", JSON, None).body == b'{"head": {}, "boolean": true}'
