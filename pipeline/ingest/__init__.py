"""Read abstracts from every supported input into `Paper` records.

    read_papers(path, format=None) -> Iterator[Paper | Skipped | Notice]

`path` is a file, a folder, a FIFO (or process substitution) or `-` for standard input.
Each input is opened once: the format is detected from the first bytes of that one stream
(the extension only breaks ties) unless forced with one of `FORMATS`. Records stream: no
reader holds a whole input, or a whole line, in memory. A whole-file problem (missing,
empty, binary, not UTF-8, a format that cannot be read) raises `InputError` with one line
naming the file; a bad record (a line that is not JSON, a row without an abstract, a line
of invalid UTF-8, JSON nested past reason) is yielded as a `Skipped` and reading goes on.
Every Paper comes out safe to write: control characters out, the abstract cut to
`MAX_ABSTRACT_CHARS`; a `Notice` before it says what was changed.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from pipeline.errors import InputError
from pipeline.ingest.abstract_text import read_abstract_text
from pipeline.ingest.arxiv_jsonl import SNAPSHOT_KEYS, read_arxiv_jsonl
from pipeline.ingest.arxiv_listing import read_arxiv_listing
from pipeline.ingest.bibtex import ENTRY_START, read_bibtex
from pipeline.ingest.common import (
    COMPRESSED_SUFFIXES,
    MAX_ABSTRACT_CHARS,
    SNIFF_BYTES,
    STDIN,
    Input,
    drop_duplicates,
    open_input,
    reading,
    to_safe_records,
)
from pipeline.ingest.csv_table import header_delimiter, read_csv
from pipeline.ingest.jsonl import read_jsonl
from pipeline.ingest.openalex import OPENALEX_KEYS, read_openalex
from pipeline.ingest.paper_listing import AUTHORS, SEPARATOR, is_chrome, read_paper_listing
from pipeline.ingest.plain_text import read_plain_text
from pipeline.ingest.semantic_scholar import S2_KEYS, read_semantic_scholar
from pipeline.records import Notice, Paper, Skipped

__all__ = ["FORMATS", "DESCRIPTIONS", "MAX_ABSTRACT_CHARS", "STDIN", "InputError", "detect_format", "input_sizes",
           "read_papers", "reading"]

Reader = Callable[[Path | Input], Iterator[Paper | Skipped]]

READERS: dict[str, Reader] = {
    "abstract-text": read_abstract_text,
    "arxiv-listing": read_arxiv_listing,
    "paper-listing": read_paper_listing,
    "arxiv-jsonl": read_arxiv_jsonl,
    "openalex": read_openalex,
    "semantic-scholar": read_semantic_scholar,
    "bibtex": read_bibtex,
    "jsonl": read_jsonl,
    "csv": read_csv,
    "plain-text": read_plain_text,
}
DESCRIPTIONS: dict[str, str] = {
    "abstract-text": 'text where each abstract starts with "Abstract:" (several may share a line)',
    "arxiv-listing": "arXiv listing text: arXiv:ID [- doi: DOI] glued to the next abstract",
    "paper-listing": "a saved paper-listing page: title, abstract, • N authors · date",
    "arxiv-jsonl": "the arXiv metadata snapshot, JSON Lines",
    "openalex": "OpenAlex works, JSON Lines (snapshot or API results); abstracts rebuilt from abstract_inverted_index",
    "semantic-scholar": "Semantic Scholar paper records, JSON Lines (Graph API papers or the papers/abstracts datasets)",
    "bibtex": "BibTeX with abstract fields (Zotero, Mendeley, JabRef, Google Scholar exports)",
    "jsonl": "JSON Lines with title and abstract fields",
    "csv": "CSV or TSV with a header row naming title and abstract columns",
    "plain-text": "a text file holding one abstract (optionally a title line first)",
    "txt-folder": "a folder: every file in it, in name order, each in its own format",
}
FORMATS: tuple[str, ...] = tuple(DESCRIPTIONS)

# Files a folder holds that are read; anything else in it is reported and passed over.
FOLDER_SUFFIXES = frozenset({".txt", ".text", ".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".bib"})
_ARXIV_LINE = re.compile(r"^\s*arXiv:\s*(?:\d{4}\.\d{4}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})", re.IGNORECASE)
_LEADING_MARK = re.compile(r"^\s*(?:Abstract|Title):")
_TITLE_MAX = 300


def detect_format(path: Path | str) -> str:
    """The name in FORMATS that reads `path`, judged from its content.

    A FIFO or standard input is consumed by this: read it with read_papers instead.
    """
    if str(path) != STDIN and Path(path).is_dir():
        return "txt-folder"
    with open_input(path) as source:
        return _detect(source)


def _detect(source: Input) -> str:
    path, head = Path(source.name), source.head
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    # Lines as the readers see them: split at \n only (splitlines would also split at form
    # feeds and U+2028, which the readers keep inside a line).
    lines = [line.rstrip("\r") for line in text.split("\n")]
    if len(head) >= SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the sample may end mid-line
    nonblank = [line for line in lines if line.strip()]
    if not nonblank:
        return "plain-text"  # white space and controls only: the reader reports it
    first = nonblank[0].strip()
    suffix = source.suffix

    if first.startswith("{") or suffix in (".jsonl", ".ndjson"):
        objects = [obj for obj in map(_json_object, nonblank[:50]) if obj is not None]
        if objects:
            return _json_lines_format(set().union(*objects))
        if suffix in (".jsonl", ".ndjson"):
            return "jsonl"  # not one good line: each bad one is reported by the reader
    if suffix == ".bib" or any(ENTRY_START.match(line) for line in nonblank[:200]):
        return "bibtex"
    if suffix == ".json" or first.startswith("[{"):
        raise InputError(path, "is a JSON document, not JSON Lines (one object a line)")
    if first.startswith("<") and re.match(r"<(?:!doctype|html|\?xml)", first, re.IGNORECASE):
        raise InputError(path, "is HTML or XML; save the page as plain text first")
    delimiter = header_delimiter(first)
    if suffix in (".csv", ".tsv") or (delimiter and len(first.split(delimiter)) > 1):
        return "csv"
    if _LEADING_MARK.match(first):
        return "abstract-text"
    if any(_ARXIV_LINE.match(line) for line in nonblank):
        return "arxiv-listing"
    if any(is_chrome(line) or AUTHORS.match(line) or SEPARATOR.match(line) for line in nonblank):
        return "paper-listing"
    if _alternates_titles_and_abstracts(lines):
        return "paper-listing"
    return "plain-text"


def _json_lines_format(keys: set[str]) -> str:
    """Which JSON Lines reader the keys of the first records call for."""
    if keys & OPENALEX_KEYS:
        return "openalex"
    if keys & S2_KEYS:
        return "semantic-scholar"
    return "arxiv-jsonl" if keys & SNAPSHOT_KEYS else "jsonl"


def _json_object(line: str) -> dict | None:
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _alternates_titles_and_abstracts(lines: list[str]) -> bool:
    """Two or more (title line, longer paragraph) pairs and nothing else: a listing page."""
    paragraphs = [p.strip() for p in "\n".join(lines).split("\n\n") if p.strip()]
    if len(paragraphs) < 4 or len(paragraphs) % 2:
        return False
    for title, abstract in zip(paragraphs[::2], paragraphs[1::2]):
        if "\n" in title or len(title) > _TITLE_MAX or title.endswith(".") or len(abstract) <= len(title):
            return False
    return True


def read_papers(path: Path | str, format: str | None = None) -> Iterator[Paper | Skipped | Notice]:
    """Stream a Paper for each abstract in `path` (a file, a folder, a FIFO or `-`),
    Skipped for bad records, a Notice before a Paper that was changed to be safe.

    Raises InputError for a problem with the whole input. A second record with the id
    of an earlier one (the same arXiv id, or the same abstract text) is a Skipped.
    """
    if format is not None and format not in FORMATS:
        raise InputError(path, f"unknown format {format!r}; choose one of: {', '.join(FORMATS)}")
    if str(path) != STDIN and Path(path).is_dir():
        yield from drop_duplicates(_read_folder(Path(path), format))
        return
    if format == "txt-folder":
        raise InputError(path, "is not a folder (--format txt-folder reads a folder)")
    yield from drop_duplicates(_read_file(path, format))


def _read_file(path: Path | str, format: str | None) -> Iterator[Paper | Skipped | Notice]:
    with open_input(path) as source:
        name = format if format not in (None, "txt-folder") else _detect(source)
        yield from to_safe_records(READERS[name](source), source.name)


def _text_suffix(path: Path) -> str:
    """".jsonl" for x.jsonl and for x.jsonl.gz / .bz2 / .zst (read decompressed)."""
    if path.suffix.lower() in COMPRESSED_SUFFIXES:
        path = path.with_suffix("")
    return path.suffix.lower()


def input_sizes(paths: Sequence[Path | str]) -> dict[str, int] | None:
    """The bytes on disk of each file that reading `paths` opens, by the name it is read
    under, in reading order (a folder's readable files in name order); None when one is a
    pipe or standard input, whose size is not known."""
    sizes: dict[str, int] = {}
    for path in paths:
        if str(path) == STDIN:
            return None
        try:
            status = os.stat(path)
            if stat.S_ISDIR(status.st_mode):
                for entry in _folder_files(Path(path))[1]:
                    sizes[str(entry)] = entry.stat().st_size
            elif stat.S_ISREG(status.st_mode):
                sizes[str(Path(path))] = status.st_size  # the name the reader opens it under
            else:
                return None  # a FIFO
        except OSError:
            continue  # unreadable: the build says so; it adds nothing to read
    return sizes


def _folder_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """(every entry but hidden ones, the files of them that are read), in name order; OSError
    when the folder cannot be listed."""
    entries = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    return entries, [p for p in entries if p.is_file() and _text_suffix(p) in FOLDER_SUFFIXES]


def _read_folder(folder: Path, format: str | None) -> Iterator[Paper | Skipped]:
    """Every file of the folder in name order; a bad file is a Skipped, not the end."""
    try:
        entries, inputs = _folder_files(folder)
    except OSError as err:
        raise InputError(folder, f"cannot be listed ({err.strerror or err})") from None
    if not inputs:
        raise InputError(folder, "holds no .txt, .jsonl or .csv files")
    for entry in entries:
        if entry not in inputs:
            kind = "a folder (folders are not read recursively)" if entry.is_dir() else "not a supported input file"
            yield Skipped(str(entry), None, f"{kind}; passed over")
            continue
        try:
            yield from _read_file(entry, format)
        except InputError as err:
            yield Skipped(err.path, None, f"{err.problem}; file skipped")
