"""pipeline.serve: a real SPARQL client (SPARQLWrapper) gets over HTTP the answers
`effikg query` gives; the explorer is served beside the endpoint; updates are refused."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from SPARQLWrapper import CSV, JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from pipeline.cli import main
from pipeline.query import find_query, list_queries, to_bound_sparql
from pipeline.serve import ServeError, make_server, server_url


@pytest.fixture(scope="module")
def endpoint(built_graph_dir: Path) -> Iterator[str]:
    """The server over the bundled corpus's build, in a thread on a free port."""
    server = make_server(built_graph_dir / "effikg.ttl", port=0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_url(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def ask(url: str, sparql: str, method: str | None = None) -> dict:
    client = SPARQLWrapper(url + "/sparql")
    client.setQuery(sparql)
    client.setReturnFormat(JSON)
    if method:
        client.setMethod(method)
    return client.queryAndConvert()  # type: ignore[return-value]


@pytest.mark.slow
@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_serve_answers_like_effikg_query(endpoint: str, built_graph_dir: Path, name: str) -> None:
    cli = CliRunner().invoke(main, ["query", name, "--format", "json", "--graph", str(built_graph_dir / "effikg.ttl")])
    assert cli.exit_code == 0, cli.output
    expected = json.loads(cli.output)
    sparql = to_bound_sparql(find_query(name))
    for method in (None, POST):  # GET with ?query=, and POST of a form
        got = ask(endpoint, sparql, method)
        assert got["head"]["vars"] == expected["head"]["vars"]
        assert got["results"]["bindings"] == expected["results"]["bindings"], name


@pytest.mark.slow
def test_serve_answers_with_parameters_bound(endpoint: str, built_graph_dir: Path) -> None:
    params = {"hardware": "NVIDIA A100 GPU"}
    sparql = to_bound_sparql(find_query("methods-targeting-hardware"), params)
    got = ask(endpoint, sparql)
    methods = {b["method"]["value"] for b in got["results"]["bindings"]}
    assert "TriForce" in methods


@pytest.mark.slow
def test_serve_other_formats_and_query_forms(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint + "/sparql")
    client.setQuery("SELECT ?m WHERE { ?m a ekg:Method } ORDER BY ?m LIMIT 3")
    client.setReturnFormat(CSV)
    lines = client.queryAndConvert().decode("utf-8").splitlines()
    assert lines[0] == "m" and len(lines) == 4

    client.setQuery("CONSTRUCT { ?m ekg:targets ?h } WHERE { ?m ekg:targets ?h }")
    client.setReturnFormat(TURTLE)
    graph_text = client.queryAndConvert().decode("utf-8")
    import rdflib

    assert len(rdflib.Graph().parse(data=graph_text, format="turtle")) > 0

    ask_result = ask(endpoint, "ASK { ?m ekg:targets ?h }")
    assert ask_result["boolean"] is True


@pytest.mark.slow
def test_serve_bad_query_is_400(endpoint: str) -> None:
    with pytest.raises(QueryBadFormed):
        ask(endpoint, "SELECT ?x WHERE { ?x ")


def _request(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes, dict]:
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read(), dict(resp.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read(), dict(err.headers)


@pytest.mark.slow
def test_serve_is_read_only(endpoint: str) -> None:
    status, body, _ = _request(endpoint + "/sparql", b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                               {"Content-Type": "application/sparql-update"})
    assert status == 403 and b"read-only" in body
    status, _, _ = _request(endpoint + "/sparql", b"update=CLEAR+ALL",
                            {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403
    assert ask(endpoint, "ASK { ?s ?p ?o }")["boolean"] is True


@pytest.mark.slow
def test_serve_explorer_and_files_beside_the_endpoint(endpoint: str, built_graph_dir: Path) -> None:
    status, body, headers = _request(endpoint + "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert body == (built_graph_dir / "index.html").read_bytes()
    status, body, headers = _request(endpoint + "/effikg.ttl")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    status, body, _ = _request(endpoint + "/sparql")
    assert status == 200 and b"<form" in body  # a query form when no query is given
    for sneaky in ("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd"):
        status, _, _ = _request(endpoint + sneaky)
        assert status in (403, 404), sneaky


def test_serve_missing_graph_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ServeError, match="no such graph file"):
        make_server(tmp_path / "effikg.ttl", port=0)
    result = CliRunner().invoke(main, ["serve", "--graph", str(tmp_path / "effikg.ttl"), "--port", "0"])
    assert result.exit_code == 1 and "no such graph file" in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_serve_command_in_a_subprocess(built_graph_dir: Path) -> None:
    """`effikg serve` as a user runs it: a real process, a real port, stopped after."""
    port = _free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from pipeline.cli import main; main()", "serve", "--graph", str(built_graph_dir / "effikg.ttl"),
         "--port", str(port)],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env,
    )
    try:
        deadline = time.monotonic() + 60
        line = b""
        while b"SPARQL endpoint" not in line:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "effikg serve did not start"
            line = proc.stderr.readline() if proc.stderr else b""
        assert f"http://127.0.0.1:{port}/sparql".encode() in line
        url = f"http://127.0.0.1:{port}"
        got = ask(url, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a ekg:Claim }")
        assert int(got["results"]["bindings"][0]["n"]["value"]) > 0
        # a second server on the same port fails with one line, not a traceback
        second = CliRunner().invoke(main, ["serve", "--graph", str(built_graph_dir / "effikg.ttl"), "--port", str(port)])
        assert second.exit_code == 1 and f"cannot listen on 127.0.0.1:{port}" in second.output
    finally:
        proc.terminate()
        proc.wait(timeout=20)
