"""pipeline.serve: a real SPARQL client (SPARQLWrapper) gets over HTTP the answers
`effikg query` gives; the explorer is served beside the endpoint; updates are refused."""

from __future__ import annotations

import json
import os
import re
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


def _announced_port(proc: subprocess.Popen) -> int:
    """The port `effikg serve --port 0` announces: the kernel picks it, so tests running in
    parallel (pytest -n) never race for one."""
    deadline = time.monotonic() + 60
    line = b""
    while b"SPARQL endpoint" not in line:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        assert time.monotonic() < deadline, "effikg serve did not start"
        line = proc.stderr.readline() if proc.stderr else b""
    match = re.search(rb"http://127\.0\.0\.1:(\d+)/sparql", line)
    assert match, line
    return int(match.group(1))


@pytest.mark.slow
def test_serve_command_in_a_subprocess(built_graph_dir: Path) -> None:
    """`effikg serve` as a user runs it: a real process, a real port, stopped after."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from pipeline.cli import main; main()", "serve", "--graph", str(built_graph_dir / "effikg.ttl"),
         "--port", "0"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env,
    )
    try:
        port = _announced_port(proc)
        url = f"http://127.0.0.1:{port}"
        got = ask(url, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a ekg:Claim }")
        assert int(got["results"]["bindings"][0]["n"]["value"]) > 0
        # a second server on the same port fails with one line, not a traceback
        second = CliRunner().invoke(main, ["serve", "--graph", str(built_graph_dir / "effikg.ttl"), "--port", str(port)])
        assert second.exit_code == 1 and f"cannot listen on 127.0.0.1:{port}" in second.output
    finally:
        proc.terminate()
        proc.wait(timeout=20)


# -- read-only and hard to knock over -------------------------------------------------------------


def _start(server) -> Iterator[str]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_url(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def site(built_graph_dir: Path, tmp_path_factory) -> Path:
    """A build with things beside it that must never be served."""
    import shutil

    root = tmp_path_factory.mktemp("site") / "graphs"
    shutil.copytree(built_graph_dir, root)
    (root / ".ssh").mkdir()
    (root / ".ssh" / "id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[core]\n", encoding="utf-8")
    (root / "notes.txt").write_text("private\n", encoding="utf-8")
    (root / "papers" / "draft.html").write_text("<p>not published</p>\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def guarded(site: Path) -> Iterator[str]:
    """The server with short limits, so that the tests of them stay fast."""
    yield from _start(make_server(site / "effikg.ttl", port=0, quiet=True, timeout=2.0, max_rows=1000, read_timeout=1.0))


def _sparql(url: str, query: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
    from urllib.parse import quote

    return _request(f"{url}/sparql?query={quote(query)}", headers=headers)


CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.mark.slow
@pytest.mark.parametrize("query", [
    "SELECT * WHERE " + "{" * 2200 + "?s ?p ?o" + "}" * 2200,
    "SELECT * WHERE { ?s ?p ?o " + "FILTER(?o) " * 20000 + "}",
    "SELECT * WHERE { ?s ?p ?o FILTER(" + "&&".join(["?o"] * 10000) + ") }",
], ids=["2200 braces", "20000 FILTERs", "10000 &&"])
def test_serve_query_that_crashed_the_engine_is_400_and_the_server_stays_up(guarded: str, query: str) -> None:
    status, body, _ = _request(guarded + "/sparql", query.encode(), {"Content-Type": "application/sparql-query"})
    assert status == 400 and body.startswith(b"query refused: ") and b"limit" in body
    assert ask(guarded, "ASK { ?s ?p ?o }")["boolean"] is True


@pytest.mark.slow
def test_serve_service_is_refused_and_nothing_is_fetched(guarded: str) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    status, body, _ = _sparql(guarded, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")
    time.sleep(0.3)
    with pytest.raises(BlockingIOError):
        listener.accept()  # nobody came
    listener.close()
    assert status == 400 and b"SERVICE" in body


@pytest.mark.slow
def test_serve_slow_query_is_cut_off_while_a_normal_one_is_answered(guarded: str) -> None:
    slow: dict[str, object] = {}

    def run_slow() -> None:
        started = time.monotonic()
        slow["answer"] = _sparql(guarded, CROSS_PRODUCT)
        slow["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    got = ask(guarded, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a ekg:Claim }")
    assert time.monotonic() - started < 1.5, "a normal query waited for the slow one"
    assert int(got["results"]["bindings"][0]["n"]["value"]) > 0
    thread.join(timeout=30)
    status, body, _ = slow["answer"]  # type: ignore[misc]
    assert status == 503 and b"time limit" in body
    assert slow["seconds"] < 2.0 + 3


@pytest.mark.slow
def test_serve_row_cap_is_a_clear_error(guarded: str) -> None:
    status, body, _ = _sparql(guarded, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 400 and b"more than 1,000 rows" in body and b"--max-rows" in body
    status, _, _ = _sparql(guarded, "SELECT * WHERE { ?s ?p ?o } LIMIT 1000")
    assert status == 200


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/.ssh/id_rsa", "/.git/config", "/notes.txt", "/papers/draft.html",
                                  "/.effikg-manifest.json", "/%2e%2e/%2e%2e/etc/passwd", "/explorer/../notes.txt"])
def test_serve_only_the_builds_files_are_served(guarded: str, path: str) -> None:
    status, body, _ = _request(guarded + path)
    assert status == 404, (path, body)


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/", "/index.html", "/effikg.ttl", "/effikg.owl", "/explorer/explorer.js",
                                  "/explorer/vis-network.min.js", "/papers/2306.07215.html"])
def test_serve_the_graph_and_explorer_files_are_served(guarded: str, site: Path, path: str) -> None:
    status, body, _ = _request(guarded + path)
    assert status == 200 and body == (site / (path.lstrip("/") or "index.html")).read_bytes()


@pytest.mark.slow
def test_serve_no_cors_header_unless_asked(guarded: str, site: Path) -> None:
    for request in (lambda: _request(guarded + "/index.html"), lambda: _sparql(guarded, "ASK { ?s ?p ?o }")):
        _, _, headers = request()
        assert "Access-Control-Allow-Origin" not in headers
    origin = "https://explorer.example.org"
    for server in _start(make_server(site / "effikg.ttl", port=0, quiet=True, cors=origin, workers=1)):
        _, _, headers = _sparql(server, "ASK { ?s ?p ?o }")
        assert headers["Access-Control-Allow-Origin"] == origin


@pytest.mark.slow
@pytest.mark.parametrize("host,status", [("evil.example", 421), ("evil.example:7878", 421), ("localhost", 200),
                                         ("127.0.0.1", 200), ("[::1]:80", 200)])
def test_serve_host_header_must_name_this_server(guarded: str, host: str, status: int) -> None:
    got, _, _ = _request(guarded + "/index.html", headers={"Host": host})
    assert got == status


def _raw(url: str, request: bytes) -> bytes:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(request)
        reply = b""
        while chunk := conn.recv(65536):
            reply += chunk
    return reply


@pytest.mark.slow
@pytest.mark.parametrize("request_bytes,status", [
    (b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n"
     b"Content-Length: abc\r\n\r\nASK {}", b"400"),
    (b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n"
     b"Content-Length: -1\r\n\r\nASK {}", b"400"),
    (b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n"
     b"Content-Length: 99999999999\r\n\r\nASK {}", b"413"),
    (b"GET /%00 HTTP/1.1\r\nHost: localhost\r\n\r\n", b"404"),
    (b"GET /%ff%fe HTTP/1.1\r\nHost: localhost\r\n\r\n", b"404"),
    (b"GET /" + b"a" * 300 + b"/b HTTP/1.1\r\nHost: localhost\r\n\r\n", b"404"),
    (b"GET /papers/" + b"x" * 300 + b".html HTTP/1.1\r\nHost: localhost\r\n\r\n", b"404"),
    (b"PUT /effikg.ttl HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n", b"405"),
    (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", b"414"),
    (b"NONSENSE\r\n\r\n", b"400"),
], ids=["length abc", "length -1", "length huge", "nul", "bad utf-8", "long part", "long name", "put",
        "uri too long", "no version"])
def test_serve_malformed_requests_get_a_4xx_and_no_traceback(guarded: str, capfd, request_bytes: bytes, status: bytes) -> None:
    reply = _raw(guarded, request_bytes)
    assert reply.split(b" ", 2)[1] == status, reply[:200]
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.slow
def test_serve_sockets_time_out(guarded: str) -> None:
    host, port = guarded.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(b"GET /index.html HTTP/1.1\r\nHost: loc")  # and nothing more
        started = time.monotonic()
        assert conn.recv(100) == b""  # the server hangs up
        assert time.monotonic() - started < 5


@pytest.mark.slow
def test_serve_backlog_holds_a_burst_of_64_clients(site: Path) -> None:
    server = make_server(site / "effikg.ttl", port=0, quiet=True, workers=1)
    host, port = server.server_address[:2]
    clients = []
    try:
        for _ in range(64):  # connected before the server accepts any: the backlog holds them
            clients.append(socket.create_connection((host, port), timeout=1))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        for client in clients:
            client.settimeout(30)
            client.sendall(b"GET /effikg.ttl HTTP/1.0\r\nHost: localhost\r\n\r\n")
        for client in clients:
            assert client.recv(12).startswith(b"HTTP/1.0 200")
    finally:
        for client in clients:
            client.close()
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_serve_load_8_clients_of_200_requests(guarded: str) -> None:
    """A bounded load test: every request answered, none dropped, on 127.0.0.1."""
    from urllib.parse import quote

    paths = [f"/sparql?query={quote('SELECT ?m WHERE { ?m a ekg:Method } LIMIT 5')}", "/index.html",
             f"/sparql?query={quote('ASK { ?s ?p ?o }')}", "/explorer/explorer.css"]
    errors: list[str] = []

    def client(n: int) -> None:
        for i in range(200):
            path = paths[(n + i) % len(paths)]
            try:
                status, _, _ = _request(guarded + path)
            except OSError as err:
                errors.append(f"client {n} request {i}: {err}")
                continue
            if status != 200:
                errors.append(f"client {n} request {i}: {status}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []


@pytest.mark.slow
def test_serve_non_loopback_address_prints_a_warning(built_graph_dir: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", "from pipeline.cli import main; main()", "serve", "--graph",
         str(built_graph_dir / "effikg.ttl"), "--host", "0.0.0.0", "--port", "0", "--workers", "1"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline().decode()
        assert first.startswith("warning: listening on 0.0.0.0, not only on this machine"), first
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.slow
def test_serve_answers_from_the_new_build_after_a_rebuild(tmp_path: Path) -> None:
    """The query workers hold the build's store open; a rebuild into the same folder swaps
    in a new one (and removes the old files): the next query reads the new build."""
    from pipeline.build import run_build
    from pipeline.corpus import bundled_corpus

    out = tmp_path / "out"
    run_build(bundled_corpus()[:1], out)
    server = make_server(out / "effikg.ttl", port=0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    count = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a ekg:Paper }"
    try:
        url = server_url(server)
        before = {int(ask(url, count)["results"]["bindings"][0]["n"]["value"]) for _ in range(4)}  # every worker
        papers = run_build(bundled_corpus()[:2], out).papers
        after = {int(ask(url, count)["results"]["bindings"][0]["n"]["value"]) for _ in range(4)}
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert len(before) == 1 and before.pop() < papers
    assert after == {papers}
