"""Query workers for `effikg serve`: each query runs in a child process, under a time limit
and a row cap, and a query past its time is stopped by killing its process.

pyoxigraph evaluates a query in Rust, which no Python thread can interrupt: a cross
product would run on, long after its client left, until the server restarts. So the
server hands each query to one of a few worker processes (each loads the graph once and
answers queries one at a time) and waits at most `timeout` seconds; a worker still busy
then is killed and a fresh one started in the background, while the others go on
answering. Solutions come from pyoxigraph lazily, so a worker counts rows as it takes
them and stops at the row cap (or at the deadline) without computing the rest.

A worker cannot open a network connection (a seccomp filter denies socket(2)), so no
query can make it fetch anything, whatever pipeline.query_check might have missed.

Between server and worker: a frame is a 4-byte big-endian length, then that many bytes;
a request is one JSON frame; an answer is a JSON frame (status, media, error) and a body
frame.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import platform
import queue
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from rdflib.namespace import XSD

from pipeline.errors import QueryError, WorkerError

_XSD_STRING = str(XSD.string)
_GRACE = 1.0  # seconds a worker gets past the deadline to stop by itself before it is killed
_CHECK_EVERY = 256  # rows between two looks at the clock


@dataclass(frozen=True)
class Answer:
    status: int
    media: str  # Content-Type of body
    body: bytes


# --------------------------------------------------------------------------- framing


def _write_frame(stream: BinaryIO, data: bytes) -> None:
    stream.write(struct.pack(">I", len(data)) + data)


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            raise EOFError("the query worker closed its pipe")
        data += chunk
    return data


def _read_frame(stream: BinaryIO) -> bytes:
    (size,) = struct.unpack(">I", _read_exactly(stream, 4))
    return _read_exactly(stream, size)


# --------------------------------------------------------------------------- the worker process


def deny_network() -> bool:
    """Install a seccomp filter that makes socket(2) fail: this process can then open no
    connection of any kind. Returns False where the filter is not available."""
    arches = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}  # AUDIT_ARCH, __NR_socket
    if sys.platform != "linux" or platform.machine() not in arches:
        return False
    audit_arch, nr_socket = arches[platform.machine()]
    ld, jeq, ret, allow = 0x20, 0x15, 0x06, 0x7FFF0000
    program = [
        (ld, 0, 0, 4), (jeq, 1, 0, audit_arch), (ret, 0, 0, allow),  # another ABI: leave it be
        (ld, 0, 0, 0), (jeq, 0, 1, nr_socket), (ret, 0, 0, 0x00050000 | errno.EACCES), (ret, 0, 0, allow),
    ]

    class Filter(ctypes.Structure):
        _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(Filter))]

    filters = (Filter * len(program))(*(Filter(*step) for step in program))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS, required to install a filter
        return False
    return libc.prctl(22, 2, ctypes.byref(Program(len(program), filters)), 0, 0) == 0  # PR_SET_SECCOMP, FILTER


def worker_main(graph: str) -> int:
    """`python -m pipeline.query_workers GRAPH`: load the graph, then answer until stdin ends."""
    from pipeline.query import load_store

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's: it ends its workers
    out, requests = sys.stdout.buffer, sys.stdin.buffer
    _exit_with_parent()
    stamp = graph_stamp(Path(graph))
    try:
        store = load_store(Path(graph))
    except QueryError as err:
        _write_frame(out, json.dumps({"error": str(err)}).encode())
        out.flush()
        return 1
    if not deny_network():
        print("effikg serve: warning: this system has no seccomp filter; queries are kept from "
              "SERVICE by the query check alone", file=sys.stderr)
    _write_frame(out, json.dumps({"ready": True}).encode())
    out.flush()
    while True:
        try:
            request = json.loads(_read_frame(requests))
        except EOFError:
            return 0
        store, stamp = _current(store, stamp, Path(graph))
        answer = answer_query(store, request)
        _write_frame(out, json.dumps({"status": answer.status, "media": answer.media}).encode())
        _write_frame(out, answer.body)
        out.flush()


def graph_stamp(graph: Path) -> tuple[int, ...] | None:
    """What says the graph was rebuilt: its file's (or store folder's record's) inode, size
    and mtime; a rebuild swaps in new files. None while it cannot be read (mid-swap)."""
    from pipeline.store import SOURCES_FILE

    target = graph / SOURCES_FILE if graph.is_dir() else graph
    try:
        info = target.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def _current(store: ox.Store, stamp: tuple[int, ...] | None, graph: Path) -> tuple[ox.Store, tuple[int, ...] | None]:
    """The store to answer from: the one loaded, or, when the graph was rebuilt since, the
    new build's (the old handle is dropped: a rebuild removes the files it reads). If the
    new graph cannot be loaded yet, the old store answers until it can."""
    from pipeline.query import load_store

    now = graph_stamp(graph)
    if now is None or now == stamp:
        return store, stamp
    try:
        return load_store(graph), now
    except QueryError:
        return store, stamp


def _exit_with_parent() -> None:
    """End this worker when the server is gone, even in the middle of a query (pyoxigraph
    lets other threads run while it evaluates): no query outlives its server."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGKILL)  # at once, even inside the engine: no cleanup to run

    threading.Thread(target=watch, daemon=True, name="effikg-parent-watch").start()


def answer_query(store: ox.Store, request: dict) -> Answer:
    """Run one query within its deadline and row cap; serialise what the client asked for."""
    deadline = time.monotonic() + float(request["timeout"])
    max_rows = int(request["max_rows"])
    try:
        result = store.query(request["query"])
    except (SyntaxError, ValueError) as err:
        return _error(400, f"query error: {err}")
    except OSError as err:
        return _error(500, f"store error: {err}")
    try:
        if isinstance(result, ox.QueryBoolean):
            return _serialise_boolean(bool(result), request["solutions_media"])
        if isinstance(result, ox.QueryTriples):
            return _serialise_triples(_capped(result, max_rows, deadline), request["graph_media"])
        names = [v.value for v in result.variables]
        return _serialise_solutions(names, _capped(result, max_rows, deadline), request["solutions_media"])
    except _Stopped as stop:
        return _error(stop.status, str(stop))
    except (OSError, ValueError, SyntaxError) as err:  # evaluation errors surface while iterating
        return _error(400, f"query error: {err}")


class _Stopped(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _capped(items: Iterator, max_rows: int, deadline: float) -> list:
    rows = []
    for n, item in enumerate(items, start=1):
        if n > max_rows:
            raise _Stopped(400, f"query stopped: it gives more than {max_rows:,} rows (the --max-rows limit); "
                                "add a LIMIT, or narrow it down")
        if n % _CHECK_EVERY == 0 and time.monotonic() > deadline:
            raise _Stopped(503, "query stopped: it ran past the time limit (--timeout)")
        rows.append(item)
    return rows


def _error(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


# --------------------------------------------------------------------------- serialisers


_GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
SOLUTION_MEDIA = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                  "text/tab-separated-values")
GRAPH_MEDIA = tuple(_GRAPH_FORMATS)


def _not_acceptable(kind: str) -> Answer:
    return _error(406, f"cannot answer this {kind} query in the format asked for (the Accept header or ?format=)")


def _serialise_triples(triples: list, media: str | None) -> Answer:
    if media is None:
        return _not_acceptable("CONSTRUCT or DESCRIBE")
    return Answer(200, _with_charset(media), ox.serialize(triples, format=_GRAPH_FORMATS[media]) or b"")


def _serialise_boolean(value: bool, media: str | None) -> Answer:
    if media is None:
        return _not_acceptable("ASK")
    text = "true" if value else "false"
    body = {
        "application/sparql-results+json": json.dumps({"head": {}, "boolean": value}),
        "application/sparql-results+xml": '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/'
        f'sparql-results#"><head/><boolean>{text}</boolean></sparql>\n',
        "text/csv": f"_askResult\r\n{text}\r\n",
        "text/tab-separated-values": f"?_askResult\n{text}\n",
    }[media]
    return Answer(200, _with_charset(media), body.encode("utf-8"))


def _serialise_solutions(names: list[str], rows: list, media: str | None) -> Answer:
    if media is None:
        return _not_acceptable("SELECT")
    writer = {
        "application/sparql-results+json": _solutions_json,
        "application/sparql-results+xml": _solutions_xml,
        "text/csv": _solutions_csv,
        "text/tab-separated-values": _solutions_tsv,
    }[media]
    return Answer(200, _with_charset(media), writer(names, rows).encode("utf-8"))


def _with_charset(media: str) -> str:
    return media if media.endswith(("json", "xml")) else media + "; charset=utf-8"


def _json_term(term: object) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    triple: ox.Triple = term  # type: ignore[assignment]
    return {"type": "triple", "value": {"subject": _json_term(triple.subject), "predicate": _json_term(triple.predicate),
                                        "object": _json_term(triple.object)}}


def _solutions_json(names: list[str], rows: list) -> str:
    bindings = [{n: _json_term(row[n]) for n in names if row[n] is not None} for row in rows]
    return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False)


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"  # a quoted triple: its N-Triples text


def _solutions_xml(names: list[str], rows: list) -> str:
    head = "".join(f"<variable name={quoteattr(n)}/>" for n in names)
    results = "".join(
        "<result>" + "".join(f"<binding name={quoteattr(n)}>{_xml_term(row[n])}</binding>"
                             for n in names if row[n] is not None) + "</result>"
        for row in rows
    )
    return (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>{head}</head>'
            f"<results>{results}</results></sparql>\n")


def _solutions_csv(names: list[str], rows: list) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow(["" if row[n] is None else _plain(row[n]) for n in names])
    return buffer.getvalue()


def _plain(term: object) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else str(term)


def _solutions_tsv(names: list[str], rows: list) -> str:
    lines = ["\t".join(f"?{n}" for n in names)]
    lines += ["\t".join("" if row[n] is None else str(row[n]) for n in names) for row in rows]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- the pool (server side)


class _Worker:
    """One worker process and its pipes."""

    def __init__(self, graph: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipeline.query_workers", str(graph)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.requests, self.answers = self.process.stdin, self.process.stdout

    def wait_ready(self, timeout: float) -> None:
        if not self._readable(timeout):
            self.kill()
            raise WorkerError(f"a query worker did not load the graph within {timeout:g} s")
        try:
            message = json.loads(_read_frame(self.answers))
        except EOFError:
            self.kill()
            raise WorkerError("a query worker exited while loading the graph") from None
        if "error" in message:
            self.kill()
            raise WorkerError(message["error"])

    def _readable(self, timeout: float) -> bool:
        poll = select.poll()
        poll.register(self.answers.fileno(), select.POLLIN | select.POLLHUP)
        return bool(poll.poll(max(0, int(timeout * 1000))))

    def ask(self, request: dict, timeout: float) -> Answer | None:
        """The answer, or None if the worker was still busy after `timeout` (it is killed)."""
        _write_frame(self.requests, json.dumps(request).encode())
        self.requests.flush()
        if not self._readable(timeout):
            return None
        header = json.loads(_read_frame(self.answers))
        return Answer(int(header["status"]), str(header["media"]), _read_frame(self.answers))

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        for stream in (self.requests, self.answers):
            try:
                stream.close()
            except OSError:
                pass


class QueryPool:
    """A few workers over one graph; `run` sends a query to an idle one."""

    def __init__(self, graph: Path, *, size: int = 2, timeout: float = 10.0, max_rows: int = 10_000,
                 load_timeout: float = 300.0) -> None:
        self.graph, self.size, self.timeout, self.max_rows = Path(graph), size, timeout, max_rows
        self.load_timeout = load_timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()  # idle or busy: close() ends every one
        self._lock = threading.Lock()
        self._closed = False
        workers = [self._start() for _ in range(size)]
        try:
            for worker in workers:
                worker.wait_ready(load_timeout)
        except WorkerError:
            self.close()
            raise
        for worker in workers:
            self._idle.put(worker)

    def _start(self) -> _Worker:
        worker = _Worker(self.graph)
        with self._lock:
            self._all.add(worker)
        return worker

    def _end(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)

    def run(self, sparql: str, solutions_media: str | None, graph_media: str | None) -> Answer:
        """The answer to one query: its result, or a 4xx/5xx with a one-line reason."""
        try:
            # Busy workers finish or are killed within the time limit: wait about that long.
            worker = self._idle.get(timeout=2 * self.timeout + 5)
        except queue.Empty:
            return _error(503, f"all {self.size} query workers are busy; try again shortly")
        request = {"query": sparql, "solutions_media": solutions_media, "graph_media": graph_media,
                   "max_rows": self.max_rows, "timeout": self.timeout}
        try:
            answer = worker.ask(request, self.timeout + _GRACE)
        except (EOFError, OSError, ValueError):
            self._end(worker)  # it crashed on this query; the server stays up
            self._replace()
            return _error(500, "the query engine failed on this query; the endpoint is still up")
        if answer is None:
            self._end(worker)
            self._replace()
            return _error(503, f"query stopped: it ran past the {self.timeout:g} s time limit (--timeout)")
        self._idle.put(worker)
        return answer

    def _replace(self) -> None:
        """Start a new worker in the background; requests meanwhile go to the others."""
        def start() -> None:
            while not self._closed:
                worker = None
                try:
                    worker = self._start()
                    worker.wait_ready(self.load_timeout)
                except (WorkerError, OSError, ValueError) as err:
                    if worker is not None:
                        self._end(worker)
                    if self._closed:
                        return  # the server stopped while the worker was starting
                    print(f"effikg serve: cannot start a query worker: {err}; retrying", file=sys.stderr)
                    time.sleep(5)
                    continue
                if self._closed:
                    self._end(worker)
                else:
                    self._idle.put(worker)
                return

        threading.Thread(target=start, daemon=True, name="effikg-worker-start").start()

    def pids(self) -> set[int]:
        """The process ids of the workers alive now (idle or busy)."""
        with self._lock:
            return {w.process.pid for w in self._all}

    def close(self) -> None:
        """End every worker, busy ones included."""
        self._closed = True
        with self._lock:
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.kill()


if __name__ == "__main__":
    sys.exit(worker_main(sys.argv[1]))
