"""What every reader shares: inputs opened once, bounded line streaming, safe text, Paper ids,
arXiv ids, dates, code links.

An input is opened once (`open_input`): a FIFO, a process substitution or standard input
cannot be read twice, so the head that format detection looks at is replayed to the reader
from the same stream. Lines are read as bytes, at most MAX_LINE_BYTES at a time, and
decoded one by one, so that one bad line costs one record (reported as a `Skipped`) rather
than the whole file, and so that no reader holds more than a bounded piece of any input in
memory, however long its lines.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import select
import stat
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from pipeline.errors import InputError
from pipeline.normalize import printable
from pipeline.records import Notice, Paper, Skipped

SNIFF_BYTES = 64 * 1024
STDIN = "-"  # the input name that reads standard input
# A line longer than this is cut there (text formats) or skipped (JSON Lines, CSV): one
# 50 MB line would otherwise be held whole, then handed whole to the model. A record with
# a long abstract under it is read and its abstract cut to MAX_ABSTRACT_CHARS.
MAX_LINE_BYTES = 8 * 1024 * 1024
# How long a FIFO may go without a writer before it is given up on (a stale named pipe
# would otherwise hang the build for ever). A writer that is there but slow is waited for.
FIFO_WAIT_SECONDS = 30.0
_CHUNK = 64 * 1024


# -- inputs --------------------------------------------------------------------------------

# The inputs open in this process, the one being read last: where reading has got to, for
# a progress bar's estimate of the time left (`reading`).
_OPEN: list[Input] = []


def reading() -> tuple[str, int] | None:
    """(name, bytes read of the file) of the input being read now; None between inputs or
    when it is a pipe. A compressed file counts its compressed bytes."""
    try:
        current = _OPEN[-1]
    except IndexError:
        return None
    position = current.position()
    return None if position is None else (current.name, position)


class Input:
    """One input, opened once: its name, the head detection looks at, and a line stream
    that starts again from the first byte (the head is replayed, never re-read)."""

    def __init__(self, name: str, raw: BinaryIO, head: bytes, file: BinaryIO | None = None) -> None:
        self.name = name
        self.head = head
        self._raw = raw
        self._file = raw if file is None else file  # the file on disk (under a decompressor: its input)
        self.stream = io.BufferedReader(_Replay(head, raw), buffer_size=_CHUNK)  # type: ignore[arg-type]
        _OPEN.append(self)

    def __str__(self) -> str:
        return self.name

    def position(self) -> int | None:
        """The bytes of the file read so far (of a compressed file, its compressed bytes);
        None for a pipe or standard input."""
        try:
            return os.lseek(self._file.fileno(), 0, os.SEEK_CUR)
        except (OSError, ValueError, AttributeError):  # not seekable, or closed
            return None

    @property
    def suffix(self) -> str:
        """The extension that says the format: "x.jsonl.gz" is ".jsonl"."""
        path = Path(self.name)
        if path.suffix.lower() in COMPRESSED_SUFFIXES:
            path = path.with_suffix("")
        return path.suffix.lower()

    def close(self) -> None:
        if self in _OPEN:
            _OPEN.remove(self)
        self.stream.close()
        if self._raw is not sys.stdin.buffer:
            self._raw.close()

    def __enter__(self) -> Input:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Replay(io.RawIOBase):
    """The head already read, then the rest of the underlying stream."""

    def __init__(self, head: bytes, raw: BinaryIO) -> None:
        self._head = memoryview(head)
        self._raw = raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = _read_some(self._raw, len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:  # the underlying stream belongs to the Input
        super().close()


# Compressed inputs, known by their first bytes: (magic, what it is, the module that reads it).
COMPRESSIONS: tuple[tuple[bytes, str, str], ...] = (
    (b"\x1f\x8b", "gzip", "gzip"),
    (b"BZh", "bzip2", "bz2"),
    (b"\x28\xb5\x2f\xfd", "zstd", "zstandard"),
)
COMPRESSED_SUFFIXES = (".gz", ".bz2", ".zst")


class _Decompress(io.RawIOBase):
    """The decompressed bytes of a compressed input, streamed; a damaged stream is one
    InputError naming the file (no reader has to know compression exists)."""

    def __init__(self, name: str, kind: str, reader: BinaryIO, raw: BinaryIO) -> None:
        self._name, self._kind, self._reader, self._raw = name, kind, reader, raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            data = self._reader.read(len(buffer))
        except (OSError, EOFError, ValueError) as err:  # zstandard.ZstdError is a ValueError
            raise InputError(self._name, f"is a damaged {self._kind} file ({err})") from None
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._reader.close()
        if self._raw is not sys.stdin.buffer:
            self._raw.close()
        super().close()


def _decompressed(name: str, raw: BinaryIO, head: bytes) -> tuple[BinaryIO, bytes]:
    """(stream, head) of the text inside a gzip, bzip2 or zstd input; the input itself otherwise."""
    kind = next(((k, module) for magic, k, module in COMPRESSIONS if head.startswith(magic)), None)
    if kind is None:
        return raw, head
    replay = io.BufferedReader(_Replay(head, raw), buffer_size=_CHUNK)  # type: ignore[arg-type]
    if kind[0] == "gzip":
        import gzip

        reader: BinaryIO = gzip.GzipFile(fileobj=replay, mode="rb")  # type: ignore[assignment]
    elif kind[0] == "bzip2":
        import bz2

        reader = bz2.BZ2File(replay, mode="rb")  # type: ignore[assignment]
    else:
        try:
            import zstandard
        except ImportError:
            raise InputError(name, "is zstd-compressed; install zstandard (pip install zstandard) "
                             "or decompress it first") from None
        reader = zstandard.ZstdDecompressor().stream_reader(replay, read_across_frames=True)  # type: ignore[assignment]
    stream = _Decompress(name, kind[0], reader, raw)
    return stream, _read_head(stream, SNIFF_BYTES)  # type: ignore[arg-type]


def _read_some(raw: BinaryIO, size: int) -> bytes:
    read1 = getattr(raw, "read1", None)  # one system call: a slow pipe's records flow on
    return (read1 or raw.read)(size) or b""


def open_input(path: Path | str) -> Input:
    """Open a file, a FIFO or standard input (`-`) once; raise InputError unless it is text."""
    name = str(path)
    if name == STDIN:
        raw, head = sys.stdin.buffer, b""
        name = "<stdin>"
    else:
        raw, head = _open_path(Path(path))
    file = raw
    try:
        head += _read_head(raw, SNIFF_BYTES - len(head))
        raw, head = _decompressed(name, raw, head)
        check_head(name, head)
    except (InputError, OSError) as err:
        if raw is not sys.stdin.buffer:
            raw.close()
        if isinstance(err, InputError):
            raise
        raise InputError(name, f"cannot be read ({err.strerror or err})") from None
    return Input(name, raw, head, file=file)


def _open_path(path: Path) -> tuple[BinaryIO, bytes]:
    """The file opened for reading, and any bytes already taken from it (a FIFO's first)."""
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(path, "is a folder, expected a file")
        if stat.S_ISFIFO(mode):
            fd, first = _open_fifo(path)
            return os.fdopen(fd, "rb", buffering=0), first
        return open(path, "rb", buffering=0), b""
    except FileNotFoundError:
        raise InputError(path, "no such file or folder") from None
    except PermissionError:
        raise InputError(path, "cannot be read (permission denied)") from None
    except OSError as err:
        raise InputError(path, f"cannot be read ({err.strerror or err})") from None


def _open_fifo(path: Path) -> tuple[int, bytes]:
    """A FIFO's descriptor in blocking mode once a writer is there (or has been), and any
    byte the wait took from it.

    Opened non-blocking, so that opening never hangs; then a writer is waited for at most
    FIFO_WAIT_SECONDS. A writer that holds the pipe open without writing yet is waited
    for without limit: someone is producing the input on purpose.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    poll = select.poll()
    poll.register(fd, select.POLLIN)
    deadline = time.monotonic() + FIFO_WAIT_SECONDS
    while True:
        remaining = deadline - time.monotonic()
        first = b""
        if poll.poll(max(0, min(200, int(remaining * 1000)))):
            break  # data, or a writer that came and went (the end of the input)
        try:
            first = os.read(fd, 1)  # no writer: b"" at once; a silent writer: EAGAIN
        except BlockingIOError:
            break
        if first:
            break  # data arrived between select and read: keep the byte
        if remaining <= 0:
            os.close(fd)
            raise InputError(path, f"is a FIFO that no program opened for writing within {FIFO_WAIT_SECONDS:g} s")
    os.set_blocking(fd, True)
    return fd, first


def _read_head(raw: BinaryIO, size: int) -> bytes:
    """Up to `size` bytes from the start (a pipe may deliver them in several pieces)."""
    parts: list[bytes] = []
    while size > 0:
        data = _read_some(raw, size)
        if not data:
            break
        parts.append(data)
        size -= len(data)
    return b"".join(parts)


def check_file(path: Path) -> bytes:
    """Raise InputError unless `path` is a readable, non-empty text file; return its head."""
    with open_input(path) as source:
        return source.head


def check_head(name: str, head: bytes) -> None:
    """Raise InputError unless the first bytes of an input look like UTF-8 text."""
    if not head:
        raise InputError(name, "empty file")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(name, "is UTF-16 text; save it as UTF-8")
    if b"\x00" in head or _control_share(head) > 0.1:
        raise InputError(name, "is a binary file, not text")
    lines = [line for line in head.splitlines() if line.strip()]
    if not lines:
        raise InputError(name, "empty file (only whitespace)")
    # A file cut mid-character at SNIFF_BYTES would fail on its last line only.
    whole = lines if len(head) < SNIFF_BYTES else lines[:-1] or lines
    bad = [line for line in whole if not _decodes(line)]
    if len(bad) == len(whole):
        raise InputError(name, f"is not UTF-8 text ({_first_bad_byte(bad[0])})")


def _control_share(head: bytes) -> float:
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(head)


def _decodes(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _first_bad_byte(line: bytes) -> str:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as err:
        return f"invalid byte 0x{line[err.start]:02x} at column {err.start + 1}"
    return "invalid UTF-8"


# -- lines ---------------------------------------------------------------------------------


def read_lines(source: Path | Input, *, cut_long: bool = True) -> Iterator[tuple[int, str] | Skipped]:
    """Stream (1-based line number, text without line ending); bad UTF-8 lines as Skipped.

    A line over MAX_LINE_BYTES keeps its first MAX_LINE_BYTES (cut_long, for text formats,
    whose abstracts are cut later anyway) or is a Skipped (a JSON or CSV record cut in two
    means nothing); either way the rest of it is read past, never held.
    """
    name = str(source)
    if isinstance(source, Input):
        yield from _decoded_lines(source.stream, name, cut_long)
        return
    with open(source, "rb") as f:
        yield from _decoded_lines(f, name, cut_long)


def _decoded_lines(stream: BinaryIO, name: str, cut_long: bool) -> Iterator[tuple[int, str] | Skipped]:
    for number, (raw, cut) in enumerate(_bounded_lines(stream), start=1):
        if cut and not cut_long:
            yield Skipped(name, number, f"line longer than {MAX_LINE_BYTES:,} bytes, the most one record may take; skipped")
            continue
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]  # the UTF-8 byte order mark some editors write
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            if cut and err.start >= len(raw) - 3 and err.reason == "unexpected end of data":
                text = raw[: err.start].decode("utf-8")  # the cut fell inside a character
            else:
                yield Skipped(
                    name, number,
                    f"invalid UTF-8 (byte 0x{raw[err.start]:02x} at column {err.start + 1}); line skipped",
                )
                continue
        yield number, text.rstrip("\r\n")


def _bounded_lines(stream: BinaryIO) -> Iterator[tuple[bytes, bool]]:
    """(line, was it cut) for each line; never more than MAX_LINE_BYTES of one in memory."""
    while True:
        line = stream.readline(MAX_LINE_BYTES)
        if not line:
            return
        if len(line) < MAX_LINE_BYTES or line.endswith(b"\n"):
            yield line, False
            continue
        rest = line
        while rest and not rest.endswith(b"\n"):
            rest = stream.readline(_CHUNK)
        yield line, True


# -- safe records ------------------------------------------------------------------------

# The most of one abstract that is kept (cut at a word boundary, with a Notice): arXiv caps
# abstracts at 1,920 characters, and the model must never be handed a whole book.
MAX_ABSTRACT_CHARS = 20_000
MAX_FIELD_CHARS = 2_000  # titles, venues and other metadata
MAX_AUTHORS = 100_000
# What a reader holds of one abstract while reading it: past this it is cut anyway.
HOLD_CHARS = 2 * MAX_ABSTRACT_CHARS
# Characters Python and Unicode count as white space or line breaks: a space in the text
# (a form feed from pdftotext is a page break), never a line break inside a sentence.
_AS_SPACE = re.compile("[\x0b\x0c\x1c-\x1f\x85\u2028\u2029]")
# What no output can carry: XML 1.0 forbids C0 controls, U+FFFE/U+FFFF and lone
# surrogates (which UTF-8 cannot even encode); C1 controls and DEL are terminal escapes.
_UNWRITABLE = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]")
_DOI = re.compile(r"10\.\S+")


class Pieces(list):  # type: ignore[type-arg]
    """The lines of one abstract as a reader gathers them, kept only up to HOLD_CHARS in
    all, so that endless text without a record break costs no more than one abstract."""

    def __init__(self, first: Iterable[str] = ()) -> None:
        super().__init__()
        self.size = 0
        for text in first:
            self.append(text)

    def append(self, text: str) -> None:  # type: ignore[override]
        if self.size <= HOLD_CHARS:
            super().append(text[: HOLD_CHARS + 1 - self.size])
        self.size += len(text)


def to_safe_text(text: str) -> tuple[str, list[str]]:
    """`text` with white-space controls as spaces and unwritable characters taken out
    (a lone surrogate becomes U+FFFD); also the characters taken out."""
    text = _AS_SPACE.sub(" ", text)
    found = _UNWRITABLE.findall(text)
    if found:
        text = _UNWRITABLE.sub(lambda m: "\ufffd" if "\ud800" <= m.group() <= "\udfff" else "", text)
    return text, found


def cut_text(text: str, limit: int) -> str:
    """The first `limit` characters at most, ending at a word boundary when one is near."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    space = head.rfind(" ", limit - 1000)
    return (head[:space] if space > 0 else head).rstrip()


def to_safe_records(records: Iterator[Paper | Skipped], name: str) -> Iterator[Paper | Skipped | Notice]:
    """Every Paper made safe to write (`to_safe_paper`); a reader that breaks down on an
    input nobody foresaw costs the rest of that file, never the records already read."""
    count = 0
    try:
        for record in records:
            if isinstance(record, Paper):
                count += 1
                yield from to_safe_paper(record)
            else:
                yield record
    except InputError:
        raise
    except Exception as err:  # noqa: BLE001 - the per-file boundary: report, never crash
        yield Skipped(name, None, f"reading stopped after {count} record(s) ({describe_error(err)}); "
                                  "the rest of the file is skipped")


def describe_error(err: BaseException, limit: int = 200) -> str:
    """One line naming an unexpected error: its type and the start of its message."""
    text = " ".join(str(err).split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def to_safe_paper(paper: Paper) -> Iterator[Paper | Skipped | Notice]:
    """The Paper with every text field writable and bounded, and a Notice saying what changed;
    a Skipped if no abstract is left."""
    where = f"record {paper.position + 1}"
    changes: list[str] = []
    removed: list[str] = []

    def field(value: str | None, limit: int, label: str) -> str | None:
        if value is None:
            return None
        text, found = to_safe_text(value)
        removed.extend(found)
        if len(text) > limit:
            text = cut_text(text, limit)
            changes.append(f"{label} cut to its first {len(text):,} characters (at most {limit:,} are kept)")
        return text if text.strip() else None

    abstract = field(paper.abstract, MAX_ABSTRACT_CHARS, "abstract")
    if abstract is None:
        yield Skipped(paper.source, None, f"{where}: the abstract holds no text once control characters are removed; skipped")
        return
    doi = field(paper.doi, MAX_FIELD_CHARS, "doi")
    if doi is not None and not _DOI.fullmatch(doi):
        changes.append(f"doi {doi[:40]!r} is not a DOI (10.NNNN/...); dropped")
        doi = None
    n_authors = paper.n_authors
    if n_authors is not None and not 0 <= n_authors <= MAX_AUTHORS:
        changes.append(f"author count {n_authors} is not believable; dropped")
        n_authors = None
    safe = replace(
        paper, abstract=abstract, doi=doi, n_authors=n_authors,
        title=field(paper.title, MAX_FIELD_CHARS, "title"),
        venue=field(paper.venue, MAX_FIELD_CHARS, "venue"),
        code_url=field(paper.code_url, MAX_FIELD_CHARS, "code link"),
        categories=tuple(c for c in (field(c, 100, "category") for c in paper.categories) if c),
        authors=tuple(a for a in (field(a, 300, "author name") for a in paper.authors[:MAX_AUTHORS]) if a),
        comment=field(paper.comment, MAX_FIELD_CHARS, "comment"),
        source=printable(paper.source),
    )
    if safe.abstract != paper.abstract and paper.arxiv_id is None:
        safe = replace(safe, id=hash_id(safe.abstract))
    if removed:
        shown = ", ".join(printable(ch) for ch in dict.fromkeys(removed[:50]))
        changes.append(f"removed {len(removed)} character(s) no output can carry ({shown})")
    if changes:
        yield Notice(paper.source, None, f"{where}: " + "; ".join(changes))
    yield safe


# -- papers ------------------------------------------------------------------------------


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace (line breaks included) into one space."""
    return " ".join(text.split())


def hash_id(abstract: str) -> str:
    """The id of an abstract without an arXiv id: stable under whitespace changes."""
    # surrogatepass: a lone surrogate (JSON can write one) must not crash hashing; the
    # record is made safe right after (to_safe_paper), and its id made again.
    digest = hashlib.sha1(normalise_space(abstract).encode("utf-8", "surrogatepass")).hexdigest()
    return "h-" + digest[:12]


def make_paper(abstract: str, *, source: Path | str, position: int, **meta: object) -> Paper:
    """A Paper whose id is its arXiv id when known, else the hash of its abstract."""
    arxiv_id = meta.get("arxiv_id")
    if meta.get("date") is None and isinstance(arxiv_id, str):
        meta["date"] = date_from_arxiv_id(arxiv_id)
    if meta.get("code_url") is None:
        meta["code_url"] = find_code_url(abstract)
    paper_id = arxiv_id if isinstance(arxiv_id, str) else hash_id(abstract)
    return Paper(id=paper_id, abstract=abstract, source=str(source), position=position, **meta)  # type: ignore[arg-type]


def drop_duplicates(records: Iterator[Paper | Skipped | Notice]) -> Iterator[Paper | Skipped | Notice]:
    """Pass records through, turning a second Paper with an id already seen into a Skipped."""
    seen: dict[str, tuple[str, int]] = {}
    for record in records:
        if isinstance(record, Paper):
            first = seen.get(record.id)
            if first is not None:
                where = first[0] if first[0] != record.source else "this file"
                yield Skipped(
                    record.source, None,
                    f"record {record.position + 1} repeats paper {record.id} "
                    f"(record {first[1] + 1} of {where}); skipped",
                )
                continue
            seen[record.id] = (record.source, record.position)
        yield record


# -- arXiv ids -----------------------------------------------------------------------------

# New-style ids: YYMM.NNNN until 2014, YYMM.NNNNN from 2015; old-style archive/YYMMNNN.
_NEW_ID = r"(?P<yymm>\d{2}(?:0[1-9]|1[0-2]))\.(?P<num>\d{4,5})(?:v\d+)?"
_OLD_ID = r"[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?"
ARXIV_ID = re.compile(rf"(?:{_NEW_ID}|{_OLD_ID})")
_ARXIV_ID_FULL = re.compile(rf"(?:arXiv:)?({_NEW_ID}|{_OLD_ID})", re.IGNORECASE)


def parse_arxiv_id(text: str) -> str | None:
    """The canonical arXiv id (no version) if `text` is exactly an arXiv id, else None."""
    match = _ARXIV_ID_FULL.fullmatch(text.strip())
    if not match:
        return None
    yymm, num = match.group("yymm"), match.group("num")
    if yymm is not None and len(num) != (5 if int(yymm) >= 1501 else 4):
        return None
    return re.sub(r"v\d+$", "", match.group(1))


def date_from_arxiv_id(arxiv_id: str) -> str | None:
    """YYYY-MM of first submission, which every arXiv id encodes."""
    match = re.search(r"(\d{2})(\d{2})[.\d]", arxiv_id.split("/")[-1])
    if not match:
        return None
    yy, mm = int(match.group(1)), int(match.group(2))
    if not 1 <= mm <= 12:
        return None
    year = 1900 + yy if yy >= 91 else 2000 + yy  # arXiv started in August 1991
    return f"{year:04d}-{mm:02d}"


# -- dates ---------------------------------------------------------------------------------

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
# "Apr 19, 2021", "May 28", "Oct 11, 2024 3" (a trailing count is the page's upvotes,
# never a year: the listing always writes the year after a comma).
LISTING_DATE = re.compile(
    r"(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(?P<day>\d{1,2})"
    r"(?:,\s*(?P<year>\d{4}))?(?:\s+(?P<count>\d+))?",
    re.IGNORECASE,
)


def parse_listing_date(line: str) -> tuple[bool, str | None]:
    """(is the line a date, ISO date or None when the year is not given)."""
    match = LISTING_DATE.fullmatch(line.strip())
    if not match:
        return False, None
    month = MONTHS[match.group("month")[:3].lower()]
    day = int(match.group("day"))
    if not 1 <= day <= 31:
        return False, None
    if match.group("year") is None:
        return True, None  # "May 28": the year is not on the page, so no date is claimed
    return True, f"{int(match.group('year')):04d}-{month:02d}-{day:02d}"


_RFC_DATE = re.compile(r"(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_any_date(value: object) -> str | None:
    """ISO date from "2023-05-24", "2023-05", "2023", "Mon, 2 Apr 2007 19:18:42 GMT", "Apr 2, 2007"."""
    if isinstance(value, int) and 1000 <= value <= 9999:
        return f"{value:04d}"
    if not isinstance(value, str):
        return None
    text = value.strip()
    iso = _ISO_DATE.match(text)
    if iso and (len(text) == iso.end() or not text[iso.end()].isdigit()):
        year, month, day = iso.groups()
        if month and not 1 <= int(month) <= 12:
            return None
        return "-".join(part for part in (year, month, day) if part)
    rfc = _RFC_DATE.search(text)
    if rfc and rfc.group(2)[:3].lower() in MONTHS:
        month = MONTHS[rfc.group(2)[:3].lower()]
        return f"{rfc.group(3)}-{month:02d}-{int(rfc.group(1)):02d}"
    is_date, iso_date = parse_listing_date(text)
    return iso_date if is_date else None


# -- code links ----------------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>\"'{}\\]+")
_CODE_HOSTS = re.compile(
    r"^https?://(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org|codeberg\.org|gitee\.com"
    r"|huggingface\.co|sourceforge\.net|[\w-]+\.github\.io)(?:/|$)",
    re.IGNORECASE,
)
_CODE_WORDS = re.compile(
    r"\b(?:code|codes|source|implementation|implementations|repository|repo|software"
    r"|toolkit|library|github|gitlab)\b",
    re.IGNORECASE,
)


def clean_url(url: str) -> str:
    """Trim the punctuation a sentence glues to a URL ("... at https://x.y/z.")."""
    url = url.rstrip(".,;:!?'\"")
    while url.endswith((")", "]")) and url.count("(") < url.count(")") + (url[-1] == "]"):
        url = url[:-1].rstrip(".,;:!?")
    return url


def find_code_url(text: str | None) -> str | None:
    """The first link to code: on a code host, or introduced by words such as "Code:"."""
    if not text:
        return None
    for match in _URL.finditer(text):
        url = clean_url(match.group())
        if _CODE_HOSTS.match(url):
            return url
        clause = re.split(r"[.!?]\s", text[max(0, match.start() - 120) : match.start()])[-1]
        if _CODE_WORDS.search(clause):
            return url
    return None


def split_code_phrase(line: str) -> tuple[str | None, str]:
    """A comment line's code link, and what the line says besides it (the venue part)."""
    url = find_code_url(line)
    if url is None:
        return None, line.strip()
    rest = line.replace(url, " ")
    rest = re.sub(
        r"(?i)\b(?:the\s+)?(?:source\s+)?(?:code|codes|implementation|project page)\b"
        r"(?:\s+(?:is|are|will be|has been|have been))?(?:\s+(?:made\s+)?(?:publicly\s+)?"
        r"(?:available|released|open[- ]sourced))?(?:\s+(?:at|on|in|from|here))?\s*:?",
        " ", rest,
    )
    rest = re.sub(r"\\url\{\s*\}|\(\s*\)|\[\s*\]", " ", rest)
    return url, normalise_space(rest).strip(" .;,:-")


# A comment segment that names where the paper appeared ("Accepted by MICCAI23", "EMNLP
# 2023 Main Conference"); "12 pages, 3 figures" names none and stays a comment only.
_VENUE_CUE = re.compile(
    r"(?i:\b(?:accepted|to appear|appears? in|appeared in|published|proceedings|conference|workshop|"
    r"symposium|journal|transactions)\b)"
    r"|\b[A-Z][A-Za-z-]*[A-Z][A-Za-z-]*\s?'?(?:19|20)?\d{2}\b"
)
_NOT_VENUE = re.compile(r"(?i)\b\d+\s*(?:pages?|figures?|figs?\.?|tables?)\b|\bappendix\b|\bsupplementary\b")


def venue_from_comment(comment: str | None) -> str | None:
    """The part of a free-text comment that names a venue, or None ("12 pages" is none)."""
    if not comment:
        return None
    segments = [seg.strip(" .") for seg in re.split(r"[;,]\s*", comment)]
    venues = [seg for seg in segments if seg and _VENUE_CUE.search(seg) and not _NOT_VENUE.search(seg)]
    return "; ".join(venues) or None
