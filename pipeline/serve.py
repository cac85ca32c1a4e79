"""`effikg serve`: the built graph over the SPARQL 1.1 Protocol, and the HTML explorer beside it.

The standard library's threading HTTP server, on 127.0.0.1 by default, in front of a few
query worker processes (pipeline.query_workers) that each hold the graph plus the
ontology, as `effikg query` sees it:

- `/sparql`: SPARQL 1.1 Protocol queries by GET (`?query=`), by POST of a form
  (`query=`) or by POST of `application/sparql-query`. Results as SPARQL JSON (default),
  XML, CSV or TSV; CONSTRUCT / DESCRIBE as Turtle (default), N-Triples, RDF/XML or JSON-LD,
  by the Accept header. A GET with no query returns a form.
- everything else: the files of the build beside the graph, from an allow-list (the
  build's manifest: the graph files and the explorer's pages); any other path is 404.

Read-only and hard to knock over: updates get 403; a query is checked for size and
nesting before the engine sees it (pipeline.query_check), SERVICE is refused and the
workers cannot open network connections; each query has a time limit and a row cap, past
which its client gets a clear error and its worker is stopped. The Host header must name
this server (DNS rebinding), no Access-Control-Allow-Origin is sent unless `cors` names
an origin, malformed requests get a 4xx, and sockets time out.
"""

from __future__ import annotations

import html
import ipaddress
import mimetypes
import socket
import sys
import threading
from collections.abc import Callable
from functools import wraps
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from pipeline.errors import ServeError
from pipeline.query import with_prefixes
from pipeline.query_check import check_query
from pipeline.normalize import printable
from pipeline.query_workers import GRAPH_MEDIA, SOLUTION_MEDIA, QueryPool, WorkerError

DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 10.0  # seconds a query may run
DEFAULT_MAX_ROWS = 10_000  # rows (or triples) a query may return
DEFAULT_WORKERS = 2  # query processes: one slow query never holds up the others
MAX_BODY = 10 * 1024 * 1024  # a query larger than this is a mistake, not a query
SOCKET_TIMEOUT = 20.0  # seconds a client may take to send the next piece of its request
BACKLOG = 128  # connections the kernel queues while every handler is busy

_RESULT_TYPES = {media: media for media in SOLUTION_MEDIA} | {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
}
_GRAPH_TYPES = {media: media for media in GRAPH_MEDIA}
# SPARQLWrapper and others also say what they want with ?format= / ?output=.
_FORMAT_WORDS = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                 "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle",
                 "n3": "text/turtle", "nt": "application/n-triples", "rdf+xml": "application/rdf+xml",
                 "json-ld": "application/ld+json"}
_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "localhost.localdomain"})
# Files served without a manifest (a graph built before manifests, or a graph alone).
_STATIC_SUFFIXES = frozenset({".html", ".js", ".css", ".ttl", ".nt", ".jsonld", ".owl", ".graphml", ".csv", ".cypher"})
mimetypes.add_type("text/turtle", ".ttl")
mimetypes.add_type("application/n-triples", ".nt")
mimetypes.add_type("application/ld+json", ".jsonld")
mimetypes.add_type("application/rdf+xml", ".owl")
mimetypes.add_type("application/graphml+xml", ".graphml")
mimetypes.add_type("application/sparql-query", ".rq")
mimetypes.add_type("text/plain", ".cypher")


def _accepted(accept: str) -> list[str]:
    """Media types of an Accept header, best first (q-values honoured, ties in order)."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, i, fields[0].lower()))
    return [media for _, _, media in sorted(ranked)]


def _choose(accept: str, hint: str | None, table: dict[str, str], default: str) -> str | None:
    wanted = ([_FORMAT_WORDS.get(hint.lower(), hint)] if hint else []) + _accepted(accept or "*/*")
    for media in wanted:
        if media in table:
            return table[media]
        if media in ("*/*", "application/*", "text/*"):
            return default
    return None


_FORM = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>effikg SPARQL endpoint</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:60em}}textarea{{width:100%;height:16em;font-family:monospace}}</style>
</head><body><h1>effikg SPARQL endpoint</h1>
<p>SPARQL 1.1 Protocol at <code>/sparql</code> over {graph}. <a href="/">The graph explorer</a>.
Each query may run {timeout:g} s and return {max_rows:,} rows.</p>
<form method="post" action="/sparql">
<textarea name="query">{query}</textarea>
<p><label>Results as <select name="format">
<option value="json">JSON</option><option value="csv">CSV</option><option value="tsv">TSV</option>
<option value="xml">XML</option></select></label> <button type="submit">Run</button></p>
</form></body></html>
"""
_EXAMPLE = with_prefixes("""SELECT ?method ?hardware WHERE {
  ?m ekg:targets ?h . ?m rdfs:label ?method . ?h rdfs:label ?hardware .
} ORDER BY ?method LIMIT 50
""")  # with its PREFIX lines, so that it also runs when pasted into another tool


class _BadRequest(Exception):
    """A request this server answers with a 4xx and a one-line reason."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


def _guarded(method: Callable[[SparqlHandler], None]) -> Callable[[SparqlHandler], None]:
    """Answer a bad request with its 4xx, a server bug with a 500; never a traceback."""

    @wraps(method)
    def run(self: SparqlHandler) -> None:
        try:
            self.check_host()
            method(self)
        except _BadRequest as bad:
            self.close_connection = True  # the rest of the request may still be unread
            self._error(bad.status, str(bad))
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True  # the client left or stalled: nothing to answer
        except Exception as err:  # noqa: BLE001 - one log line and a 500, the server stays up
            self.close_connection = True
            self.log_error("internal error on %r: %s: %s", self.path, type(err).__name__, err)
            if not self._replied:
                self._error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error; the endpoint is still up")

    return run


class SparqlHandler(BaseHTTPRequestHandler):
    """One request: SPARQL at /sparql, the build's files elsewhere. Set up by make_server."""

    server_version = "effikg"
    default_request_version = "HTTP/1.0"  # a garbled request line still gets a status line
    timeout = SOCKET_TIMEOUT  # StreamRequestHandler sets it on the socket: every read times out
    pool: QueryPool
    site: _Site | None
    graph_name: str
    hosts: _Hosts
    cors: str | None = None
    quiet: bool = False
    _replied = False

    # ------------------------------------------------------------------ plumbing

    def version_string(self) -> str:
        return self.server_version  # no Python version in the Server header

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base signature
        if not self.quiet:
            super().log_message(format, *args)

    def send_response(self, code: int, message: str | None = None) -> None:
        self._replied = True
        super().send_response(code, message)

    def _send(self, status: int, body: bytes, content_type: str, head_only: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self._send_cors()
        self.send_header("Vary", "Accept, Origin" if self.cors else "Accept")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def _send_cors(self) -> None:
        if self.cors is not None:
            self.send_header("Access-Control-Allow-Origin", self.cors)

    def _error(self, status: int, message: str) -> None:
        text = printable(message.rstrip()) + "\n"  # it may quote the request: no raw control characters
        self._send(status, text.encode("utf-8", "replace"), "text/plain; charset=utf-8")

    def check_host(self) -> None:
        """Refuse a Host header that names another server: a page on evil.example whose
        name is re-pointed at 127.0.0.1 (DNS rebinding) must not read the graph."""
        host = self.headers.get("Host")
        if host is not None and not self.hosts.allows(host):
            raise _BadRequest(HTTPStatus.MISDIRECTED_REQUEST,
                              f"Host {host[:100]!r} does not name this server; use its address")

    def _body(self) -> bytes:
        raw = self.headers.get("Content-Length")
        if raw is None:
            if self.headers.get("Transfer-Encoding"):
                raise _BadRequest(HTTPStatus.LENGTH_REQUIRED, "send the body with a Content-Length, not chunked")
            return b""
        if not raw.strip().isdigit():
            raise _BadRequest(HTTPStatus.BAD_REQUEST, f"Content-Length {raw[:40]!r} is not a number of bytes")
        length = int(raw)
        if length > MAX_BODY:
            raise _BadRequest(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {MAX_BODY} bytes")
        body = self.rfile.read(length)
        if len(body) < length:
            raise _BadRequest(HTTPStatus.BAD_REQUEST, "the request body ended before its Content-Length")
        return body

    # ------------------------------------------------------------------ verbs

    @_guarded
    def do_OPTIONS(self) -> None:  # noqa: N802 - http.server naming
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Allow", "GET, HEAD, POST, OPTIONS")
        if self.cors is not None:
            self._send_cors()
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
            self.send_header("Vary", "Origin")
        self.end_headers()

    @_guarded
    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path == "/sparql":
            params = parse_qs(url.query, keep_blank_values=True)
            if "query" not in params:
                self._form()
                return
            self._sparql(params)
        else:
            self._static(url.path)

    @_guarded
    def do_HEAD(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path == "/sparql":
            self._send(HTTPStatus.OK, b"", "text/html; charset=utf-8", head_only=True)
        else:
            self._static(url.path, head_only=True)

    @_guarded
    def do_POST(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path != "/sparql":
            raise _BadRequest(HTTPStatus.METHOD_NOT_ALLOWED, "POST goes to /sparql")
        body = self._body()
        params = parse_qs(url.query, keep_blank_values=True)
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise _BadRequest(HTTPStatus.BAD_REQUEST, "the request body is not UTF-8") from None
        if content_type == "application/x-www-form-urlencoded":
            for key, values in parse_qs(text, keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        elif content_type == "application/sparql-query":
            params["query"] = [text]
        elif content_type == "application/sparql-update":
            params["update"] = [text]
        else:
            raise _BadRequest(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                              "send application/x-www-form-urlencoded or application/sparql-query")
        self._sparql(params)

    @_guarded
    def do_PUT(self) -> None:  # noqa: N802 - nothing here can be written
        raise _BadRequest(HTTPStatus.METHOD_NOT_ALLOWED, "this endpoint is read-only: GET, HEAD, POST and OPTIONS only")

    do_DELETE = do_PATCH = do_PUT  # noqa: N815

    # ------------------------------------------------------------------ SPARQL

    def _form(self) -> None:
        page = _FORM.format(graph=html.escape(self.graph_name), query=html.escape(_EXAMPLE),
                            timeout=self.pool.timeout, max_rows=self.pool.max_rows)
        self._send(HTTPStatus.OK, page.encode("utf-8"), "text/html; charset=utf-8")

    def _sparql(self, params: dict[str, list[str]]) -> None:
        if "update" in params:
            raise _BadRequest(HTTPStatus.FORBIDDEN, "this endpoint is read-only: rebuild the graph with `effikg build`")
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            raise _BadRequest(HTTPStatus.BAD_REQUEST, "this endpoint serves one graph: "
                              "default-graph-uri / named-graph-uri are not supported")
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            raise _BadRequest(HTTPStatus.BAD_REQUEST, "give exactly one non-empty query parameter")
        sparql = with_prefixes(queries[0])
        if (reason := check_query(sparql)) is not None:
            raise _BadRequest(HTTPStatus.BAD_REQUEST, f"query refused: {reason}")
        hint = (params.get("format") or params.get("output") or [None])[0]
        accept = self.headers.get("Accept") or "*/*"
        answer = self.pool.run(
            sparql,
            _choose(accept, hint, _RESULT_TYPES, "application/sparql-results+json"),
            _choose(accept, hint, _GRAPH_TYPES, "text/turtle"),
        )
        self._send(answer.status, answer.body, answer.media)

    # ------------------------------------------------------------------ static files

    def _static(self, url_path: str, head_only: bool = False) -> None:
        if self.site is None:
            raise _BadRequest(HTTPStatus.NOT_FOUND, "no explorer folder; the endpoint is at /sparql")
        relative = unquote(url_path, errors="replace").lstrip("/") or "index.html"
        target = self.site.find(relative)
        if target is None:
            raise _BadRequest(HTTPStatus.NOT_FOUND, f"not found: /{relative[:200]}")
        try:
            data = target.read_bytes()
        except OSError:
            raise _BadRequest(HTTPStatus.NOT_FOUND, f"not found: /{relative[:200]}") from None
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in ("application/javascript", "application/json"):
            content_type += "; charset=utf-8"
        self._send(HTTPStatus.OK, data, content_type, head_only)


class _Site:
    """The files the server hands out: those the build's manifest names, and the graph.

    Read again whenever the manifest changes (a rebuild). Without a manifest, the build's
    own kinds of file (pages, scripts, graph exports) in the folder and its explorer/,
    papers/ and neo4j/ sub-folders. Nothing else, whatever lies beside the graph."""

    def __init__(self, root: Path, graph: Path) -> None:
        self.root, self.graph = root.resolve(), graph
        self._stamp: tuple | None = None
        self._files: frozenset[str] = frozenset()
        self._lock = threading.Lock()

    def find(self, relative: str) -> Path | None:
        if relative not in self._allowed():
            return None
        target = (self.root / relative).resolve()
        return target if self.root in target.parents and target.is_file() else None

    def _allowed(self) -> frozenset[str]:
        from pipeline.outdir import MANIFEST, read_owned

        manifest = self.root / MANIFEST
        try:
            info = manifest.stat()
            stamp: tuple = (info.st_ino, info.st_mtime_ns, info.st_size)
        except OSError:
            stamp = ()
        with self._lock:
            if stamp != self._stamp:
                self._stamp = stamp
                files = set(read_owned(self.root, force=True)) if stamp else self._by_kind()
                self._files = frozenset(files | {self.graph.name})
            return self._files

    def _by_kind(self) -> set[str]:
        found = set()
        for folder in (self.root, self.root / "explorer", self.root / "papers", self.root / "neo4j"):
            if folder.is_dir():
                found |= {p.relative_to(self.root).as_posix() for p in folder.iterdir()
                          if p.is_file() and p.suffix in _STATIC_SUFFIXES}
        return found


class _Hosts:
    """The Host header values that name this server."""

    def __init__(self, host: str, port: int) -> None:
        self.port = port
        names = {host.lower().strip("[]")} | _LOOPBACK_NAMES
        self.wildcard = host in ("", "0.0.0.0", "::")
        if not is_loopback(host):
            names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
        self.names = frozenset(names)

    def allows(self, header: str) -> bool:
        value = header.strip().lower()
        if value.startswith("["):
            name = value[1:].split("]", 1)[0]
        else:
            name = value.rsplit(":", 1)[0] if value.count(":") == 1 else value
        if name in self.names:
            return True
        if self.wildcard:  # any address of this machine; an IP cannot be re-pointed by DNS
            try:
                ipaddress.ip_address(name)
                return True
            except ValueError:
                return False
        return False


def is_loopback(host: str) -> bool:
    """Whether `host` only accepts connections from this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _Server(ThreadingHTTPServer):
    """A threading server that queues a burst of clients and logs errors in one line."""

    request_queue_size = BACKLOG
    daemon_threads = True
    pool: QueryPool | None = None

    def handle_error(self, request: object, client_address: tuple) -> None:
        err = sys.exc_info()[1]
        if not isinstance(err, (BrokenPipeError, ConnectionResetError, TimeoutError)):
            print(f"effikg serve: {client_address[0]}: {type(err).__name__}: {err}", file=sys.stderr)

    def server_close(self) -> None:
        super().server_close()
        if self.pool is not None:
            self.pool.close()


def make_server(
    graph_path: Path | str,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    html_dir: Path | str | None = None,
    quiet: bool = False,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int = DEFAULT_MAX_ROWS,
    cors: str | None = None,
    workers: int = DEFAULT_WORKERS,
    read_timeout: float = SOCKET_TIMEOUT,
) -> ThreadingHTTPServer:
    """A ready, not yet serving, HTTP server over the graph; port 0 picks a free port.

    html_dir defaults to the graph's folder, where `effikg build` writes the explorer.
    server_close() also stops the query workers.
    """
    graph_path = Path(graph_path)
    if not graph_path.is_file():
        raise ServeError(f"{graph_path}: no such graph file (run `effikg build` first)")
    try:
        pool = QueryPool(graph_path, size=workers, timeout=timeout, max_rows=max_rows)
    except (WorkerError, OSError) as err:
        raise ServeError(str(err)) from None
    folder = Path(html_dir) if html_dir is not None else graph_path.parent
    handler = type("Handler", (SparqlHandler,), {
        "pool": pool, "site": _Site(folder, graph_path) if folder.is_dir() else None,
        "graph_name": graph_path.name, "quiet": quiet, "cors": cors, "hosts": _Hosts(host, port),
        "timeout": read_timeout,
    })
    try:
        server = _Server((host, port), handler)
    except OSError as err:
        pool.close()
        raise ServeError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    server.pool = pool
    handler.hosts = _Hosts(host, server.server_address[1])
    return server


def server_url(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://[{host}]:{port}" if ":" in str(host) else f"http://{host}:{port}"


def serve(
    graph_path: Path | str,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    html_dir: Path | str | None = None,
    announce: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
    ready: threading.Event | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int = DEFAULT_MAX_ROWS,
    cors: str | None = None,
    workers: int = DEFAULT_WORKERS,
) -> None:
    """Serve until interrupted (Ctrl-C)."""
    server = make_server(graph_path, host, port, html_dir, timeout=timeout, max_rows=max_rows, cors=cors,
                         workers=workers)
    url = server_url(server)
    if not is_loopback(host):
        announce(f"warning: listening on {host or '0.0.0.0'}, not only on this machine: anyone who can "
                 f"reach port {server.server_address[1]} can query the graph and read the explorer")
    announce(f"SPARQL endpoint: {url}/sparql")
    announce(f"Graph explorer:  {url}/")
    announce("Press Ctrl-C to stop.")
    if ready is not None:
        ready.set()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


__all__ = ["DEFAULT_MAX_ROWS", "DEFAULT_PORT", "DEFAULT_TIMEOUT", "ServeError", "make_server", "serve", "server_url"]
