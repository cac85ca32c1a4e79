"""`effikg serve`: the built graph over the SPARQL 1.1 Protocol, and the HTML explorer beside it.

One in-memory Oxigraph store (the graph plus the ontology, as `effikg query` sees it)
behind the standard library's threading HTTP server, on 127.0.0.1 by default:

- `/sparql`: SPARQL 1.1 Protocol queries by GET (`?query=`), by POST of a form
  (`query=`) or by POST of `application/sparql-query`. Results as SPARQL JSON (default),
  XML, CSV or TSV; CONSTRUCT / DESCRIBE as Turtle (default), N-Triples, RDF/XML or JSON-LD,
  by the Accept header. Read-only: updates get 403. A GET with no query returns a form.
- everything else: static files from the graph's folder (index.html and the paper pages
  of the explorer, the graph files themselves).
"""

from __future__ import annotations

import html
import mimetypes
import sys
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pyoxigraph as ox

from pipeline.errors import QueryError, ServeError
from pipeline.query import load_store, with_prefixes

DEFAULT_PORT = 7878
MAX_BODY = 10 * 1024 * 1024  # a query larger than this is a mistake, not a query

_RESULT_TYPES: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPH_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
# SPARQLWrapper and others also say what they want with ?format= / ?output=.
_FORMAT_WORDS = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                 "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle",
                 "n3": "text/turtle", "nt": "application/n-triples", "rdf+xml": "application/rdf+xml",
                 "json-ld": "application/ld+json"}
mimetypes.add_type("text/turtle", ".ttl")
mimetypes.add_type("application/n-triples", ".nt")
mimetypes.add_type("application/ld+json", ".jsonld")
mimetypes.add_type("application/rdf+xml", ".owl")
mimetypes.add_type("application/graphml+xml", ".graphml")
mimetypes.add_type("application/sparql-query", ".rq")


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


def _choose(accept: str, hint: str | None, table: dict, default: str) -> tuple[str, object] | None:
    wanted = ([_FORMAT_WORDS.get(hint.lower(), hint)] if hint else []) + _accepted(accept or "*/*")
    for media in wanted:
        if media in table:
            return media, table[media]
        if media in ("*/*", "application/*", "text/*"):
            return default, table[default]
    return None


_FORM = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>effikg SPARQL endpoint</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:60em}}textarea{{width:100%;height:16em;font-family:monospace}}</style>
</head><body><h1>effikg SPARQL endpoint</h1>
<p>SPARQL 1.1 Protocol at <code>/sparql</code> over {graph}. <a href="/">The graph explorer</a>.</p>
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


class SparqlHandler(BaseHTTPRequestHandler):
    """One request: SPARQL at /sparql, static files elsewhere. Set up by make_server."""

    server_version = "effikg"
    store: ox.Store
    html_dir: Path | None
    graph_name: str
    quiet: bool = False

    # ------------------------------------------------------------------ plumbing

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base signature
        if not self.quiet:
            super().log_message(format, *args)

    def _send(self, status: int, body: bytes, content_type: str, head_only: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Vary", "Accept")
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._send(status, (message.rstrip() + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    def _body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {MAX_BODY} bytes")
            return None
        return self.rfile.read(length) if length else b""

    # ------------------------------------------------------------------ verbs

    def do_OPTIONS(self) -> None:  # noqa: N802 - http.server naming
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.end_headers()

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

    def do_HEAD(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path == "/sparql":
            self._send(HTTPStatus.OK, b"", "text/html; charset=utf-8", head_only=True)
        else:
            self._static(url.path, head_only=True)

    def do_POST(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path != "/sparql":
            self._error(HTTPStatus.METHOD_NOT_ALLOWED, "POST goes to /sparql")
            return
        body = self._body()
        if body is None:
            return
        params = parse_qs(url.query, keep_blank_values=True)
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            self._error(HTTPStatus.BAD_REQUEST, "the request body is not UTF-8")
            return
        if content_type == "application/x-www-form-urlencoded":
            for key, values in parse_qs(text, keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        elif content_type == "application/sparql-query":
            params["query"] = [text]
        elif content_type == "application/sparql-update":
            params["update"] = [text]
        else:
            self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                        "send application/x-www-form-urlencoded or application/sparql-query")
            return
        self._sparql(params)

    # ------------------------------------------------------------------ SPARQL

    def _form(self) -> None:
        page = _FORM.format(graph=html.escape(self.graph_name), query=html.escape(_EXAMPLE))
        self._send(HTTPStatus.OK, page.encode("utf-8"), "text/html; charset=utf-8")

    def _sparql(self, params: dict[str, list[str]]) -> None:
        if "update" in params:
            self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: rebuild the graph with `effikg build`")
            return
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            self._error(HTTPStatus.BAD_REQUEST, "this endpoint serves one graph: default-graph-uri / named-graph-uri are not supported")
            return
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            self._error(HTTPStatus.BAD_REQUEST, "give exactly one non-empty query parameter")
            return
        hint = (params.get("format") or params.get("output") or [None])[0]
        try:
            result = self.store.query(with_prefixes(queries[0]))
        except (SyntaxError, ValueError) as err:
            self._error(HTTPStatus.BAD_REQUEST, f"query error: {err}")
            return
        except OSError as err:
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"store error: {err}")
            return
        accept = self.headers.get("Accept") or "*/*"
        if isinstance(result, ox.QueryTriples):
            chosen = _choose(accept, hint, _GRAPH_TYPES, "text/turtle")
        else:
            chosen = _choose(accept, hint, _RESULT_TYPES, "application/sparql-results+json")
        if chosen is None:
            self._error(HTTPStatus.NOT_ACCEPTABLE, f"cannot answer this query as {accept}")
            return
        media, fmt = chosen
        body = result.serialize(format=fmt)  # type: ignore[arg-type]
        charset = "" if media.endswith("json") or media.endswith("xml") else "; charset=utf-8"
        self._send(HTTPStatus.OK, body or b"", media + charset)

    # ------------------------------------------------------------------ static files

    def _static(self, url_path: str, head_only: bool = False) -> None:
        if self.html_dir is None:
            self._error(HTTPStatus.NOT_FOUND, "no explorer folder; the endpoint is at /sparql")
            return
        relative = unquote(url_path).lstrip("/") or "index.html"
        root = self.html_dir.resolve()
        target = (root / relative).resolve()
        if target.is_dir():
            target = target / "index.html"
        if root != target and root not in target.parents:
            self._error(HTTPStatus.FORBIDDEN, "outside the served folder")
            return
        if not target.is_file():
            self._error(HTTPStatus.NOT_FOUND, f"not found: /{relative}")
            return
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in ("application/javascript", "application/json"):
            content_type += "; charset=utf-8"
        self._send(HTTPStatus.OK, target.read_bytes(), content_type, head_only)


def make_server(
    graph_path: Path | str,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    html_dir: Path | str | None = None,
    quiet: bool = False,
) -> ThreadingHTTPServer:
    """A ready, not yet serving, HTTP server over the graph; port 0 picks a free port.

    html_dir defaults to the graph's folder, where `effikg build` writes the explorer.
    """
    graph_path = Path(graph_path)
    try:
        store = load_store(graph_path)
    except QueryError as err:
        raise ServeError(str(err)) from None
    folder = Path(html_dir) if html_dir is not None else graph_path.parent
    handler = type("Handler", (SparqlHandler,), {
        "store": store, "html_dir": folder if folder.is_dir() else None,
        "graph_name": graph_path.name, "quiet": quiet,
    })
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError as err:
        raise ServeError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    server.daemon_threads = True
    return server


def server_url(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"


def serve(
    graph_path: Path | str,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    html_dir: Path | str | None = None,
    announce: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
    ready: threading.Event | None = None,
) -> None:
    """Serve until interrupted (Ctrl-C)."""
    server = make_server(graph_path, host, port, html_dir)
    url = server_url(server)
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
