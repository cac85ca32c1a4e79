"""Reader for BibTeX with `abstract` fields: what Zotero, Mendeley, JabRef and Google
Scholar export.

Entries are parsed one at a time with bibtexparser (2.x): the file is read line by line
and cut into entries at each `@type{` that opens a line, so a file of any size streams and
a broken entry costs only itself (a Skipped naming its line). An entry without an abstract
is skipped with its key; `@string`, `@preamble` and `@comment` blocks are passed over.
Protective braces are dropped ({GPU}s -> GPUs); LaTeX in the abstract is left for the
text clean-up, as for every format.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import bibtexparser

from pipeline.ingest.common import Input, make_paper, normalise_space, parse_arxiv_id, read_lines
from pipeline.records import Paper, Skipped

# bibtexparser logs each block it cannot parse; the reader reports it as a Skipped, once.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

ENTRY_START = re.compile(r"^\s*@\s*([A-Za-z]+)\s*[{(]")
_SKIP_TYPES = frozenset({"string", "preamble", "comment"})
_VENUE_FIELDS = ("journal", "booktitle", "venue", "publisher")
_ARXIV_NOTE = re.compile(r"arXiv[:\s]+(\d{4}\.\d{4,5}|[a-z-]+/\d{7})", re.IGNORECASE)
MAX_ENTRY_LINES = 2_000  # an entry longer than this is a brace that never closes


def _blocks(path: Path | Input) -> Iterator[tuple[int, list[str]] | Skipped]:
    """(first line number, lines) of each entry; text before the first entry is ignored."""
    start, lines = 0, []
    for item in read_lines(path):
        if isinstance(item, Skipped):
            yield item
            continue
        number, line = item
        if ENTRY_START.match(line) or len(lines) >= MAX_ENTRY_LINES:
            if lines:
                yield start, lines
            start, lines = number, []
        if start:
            lines.append(line)
    if lines:
        yield start, lines


def _plain(value: str) -> str:
    """A field value without protective braces and with white space collapsed."""
    return normalise_space(re.sub(r"(?<!\\)[{}]", "", value))


def author_names(value: str) -> tuple[str, ...]:
    """BibTeX "Last, First and First Last and others" -> ("First Last", "First Last")."""
    names = []
    for part in re.split(r"\s+and\s+", _plain(value)):
        if not part or part.lower() == "others":
            continue
        if "," in part:
            last, _, first = part.partition(",")
            part = f"{first.strip()} {last.strip()}".strip()
        names.append(part)
    return tuple(names)


def _arxiv_id(fields: dict[str, str]) -> str | None:
    if fields.get("archiveprefix", "").lower() == "arxiv" and fields.get("eprint"):
        return parse_arxiv_id(fields["eprint"])
    for key in ("journal", "note", "url", "eprint"):
        if (found := _ARXIV_NOTE.search(fields.get(key, ""))) is not None:
            return parse_arxiv_id(found.group(1))
    return None


def paper_from_entry(fields: dict[str, str], source: str, position: int) -> Paper:
    """A Paper from one entry's fields (lower-case keys, values as written)."""
    year = fields.get("year", "").strip()
    date = year if re.fullmatch(r"\d{4}", year) else None
    doi = _plain(fields.get("doi", "")) or None
    venue = next((_plain(fields[k]) for k in _VENUE_FIELDS if fields.get(k)), None)
    arxiv_id = _arxiv_id(fields)
    if venue and arxiv_id and venue.lower().startswith("arxiv"):
        venue = None  # "arXiv preprint arXiv:2404.11912" is where it was posted, not a venue
    authors = author_names(fields.get("author", ""))
    keywords = tuple(k.strip() for k in re.split(r"[;,]", _plain(fields.get("keywords", ""))) if k.strip())
    return make_paper(
        _plain(fields["abstract"]), source=source, position=position,
        title=_plain(fields.get("title", "")) or None, arxiv_id=arxiv_id, doi=doi, venue=venue,
        date=date, authors=authors, n_authors=len(authors) or None, categories=keywords,
        comment=_plain(fields.get("note", "")) or None, code_url=None,
    )


def read_bibtex(path: Path | Input) -> Iterator[Paper | Skipped]:
    """Stream a Paper for each entry with an abstract."""
    source, position = str(path), 0
    for block in _blocks(path):
        if isinstance(block, Skipped):
            yield block
            continue
        number, lines = block
        entry_type = ENTRY_START.match(lines[0]).group(1).lower()  # type: ignore[union-attr]
        if entry_type in _SKIP_TYPES:
            continue
        library = bibtexparser.parse_string("\n".join(lines))
        if not library.entries:
            yield Skipped(source, number, f"@{entry_type} entry is not valid BibTeX (unbalanced braces?); skipped")
            continue
        entry = library.entries[0]
        fields = {f.key.lower(): str(f.value) for f in entry.fields}
        if not _plain(fields.get("abstract", "")):
            yield Skipped(source, number, f"entry {entry.key} has no abstract field; skipped")
            continue
        yield paper_from_entry(fields, source, position)
        position += 1
