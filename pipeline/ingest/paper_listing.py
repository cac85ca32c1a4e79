"""Reader for paper-listing pages saved as text (a daily-papers page, for instance).

Paragraphs are separated by blank lines. Each paper is a title paragraph, an abstract
paragraph and, optionally, a metadata paragraph: "• N authors" (or an organisation
line), "·", a date such as "Apr 19, 2021" and an upvote count ("Oct 11, 2024 3").
Page chrome ("Subscribe", "Daily Papers", the day header "Dec 11", ...) is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.ingest.common import Input, Pieces, make_paper, normalise_space, parse_listing_date, read_lines
from pipeline.records import Paper, Skipped

# The fixed text of the page around the papers, compared case-insensitively.
CHROME = frozenset(
    {
        "new",
        "get trending papers in your email inbox!",
        "subscribe",
        "daily papers",
        "trending papers",
        "byak and the research community",
        "submit",
        "submit a paper",
        "previous",
        "next",
    }
)
AUTHORS = re.compile(r"^\s*[•·*-]?\s*(?P<n>\d+)\s+authors?\s*$", re.IGNORECASE)
SEPARATOR = re.compile(r"^\s*[·•]\s*$")
_TITLE_MAX = 300


@dataclass
class _Paragraph:
    line: int  # 1-based number of its first line
    lines: list[str]

    @property
    def text(self) -> str:
        return " ".join(line.strip() for line in self.lines)


def _paragraphs(path: Path | Input) -> Iterator[_Paragraph | Skipped]:
    lines = Pieces()
    start = 0
    for item in read_lines(path):
        if isinstance(item, Skipped):
            yield item
            continue
        number, line = item
        if line.strip():
            if not lines:
                start = number
            lines.append(line)
        elif lines:
            yield _Paragraph(start, lines)
            lines = Pieces()
    if lines:
        yield _Paragraph(start, lines)


def is_chrome(line: str) -> bool:
    return normalise_space(line).lower() in CHROME


def is_meta_line(line: str) -> bool:
    return bool(SEPARATOR.match(line) or AUTHORS.match(line) or parse_listing_date(line)[0])


def _is_meta(paragraph: _Paragraph) -> bool:
    return any(SEPARATOR.match(line) or AUTHORS.match(line) for line in paragraph.lines) or all(
        parse_listing_date(line)[0] for line in paragraph.lines
    )


def _read_meta(paragraph: _Paragraph) -> tuple[int | None, str | None]:
    n_authors, date = None, None
    for line in paragraph.lines:
        if (authors := AUTHORS.match(line)) is not None:
            n_authors = int(authors.group("n"))
        else:
            is_date, iso = parse_listing_date(line)
            if is_date:
                date = iso
        # Anything else ("deepseek-ai DeepSeek") names the submitting organisation.
    return n_authors, date


def read_paper_listing(path: Path | Input) -> Iterator[Paper | Skipped]:
    """Stream the papers of a listing page: title, abstract, authors count, date."""
    source = str(path)
    position = 0
    title: _Paragraph | None = None
    abstract: _Paragraph | None = None

    def close(n_authors: int | None = None, date: str | None = None) -> Iterator[Paper | Skipped]:
        nonlocal position, title, abstract
        if abstract is not None:
            yield make_paper(
                abstract.text, source=source, position=position,
                title=normalise_space(title.text) if title else None,
                n_authors=n_authors, date=date,
            )
            position += 1
        elif title is not None:
            yield Skipped(source, title.line, f"title {title.text[:60]!r} has no abstract; skipped")
        title = abstract = None

    for paragraph in _paragraphs(path):
        if isinstance(paragraph, Skipped):
            yield paragraph
            continue
        if all(is_chrome(line) for line in paragraph.lines):
            continue
        if _is_meta(paragraph):
            if title is None and abstract is None:
                continue  # a day header such as "Dec 11", above the first paper
            yield from close(*_read_meta(paragraph))
        elif abstract is not None:
            yield from close()  # a paper without a metadata block
            title = paragraph
        elif title is not None:
            abstract = paragraph
        elif len(paragraph.lines) == 1 and len(paragraph.text) <= _TITLE_MAX:
            title = paragraph
        else:
            abstract = paragraph  # too long for a title: an abstract without one
    yield from close()
