"""Reader for "Abstract:"-prefixed text: each abstract starts at the marker `Abstract:`.

Several abstracts can share a line ("...diagnosis.Abstract:Cardiovascular disease..."),
and an abstract can run over several lines (hard line breaks are joined with a space).
An optional `Title:` line names the abstract that follows it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pipeline.ingest.common import Input, Pieces, make_paper, normalise_space, read_lines
from pipeline.records import Paper, Skipped

MARKER = re.compile(r"Abstract:[ \t]*")
_TITLE = re.compile(r"^\s*Title:\s*(?P<title>.*\S)\s*$")


def read_abstract_text(path: Path | Input) -> Iterator[Paper | Skipped]:
    """Stream the abstracts of an "Abstract:"-prefixed text file, in file order."""
    source = str(path)
    position = 0
    parts = Pieces()  # pieces of the open abstract, one per source line
    start_line = 0
    title: str | None = None  # the title of the open abstract
    next_title: str | None = None

    def close() -> Iterator[Paper | Skipped]:
        nonlocal position, parts, title
        if not parts:
            return
        abstract = " ".join(p.strip() for p in parts if p.strip())
        if abstract:
            yield make_paper(abstract, source=source, position=position, title=title)
            position += 1
        else:
            yield Skipped(source, start_line, "\"Abstract:\" with no text after it; skipped")
        parts, title = Pieces(), None

    for item in read_lines(path):
        if isinstance(item, Skipped):
            yield item
            continue
        number, line = item
        # "Title: T" names the next abstract, which may start on the same line.
        marker = MARKER.search(line)
        if (found := _TITLE.match(line[: marker.start()] if marker else line)) is not None:
            yield from close()
            next_title = normalise_space(found.group("title"))
            if marker is None:
                continue
            line = line[marker.start() :]
        pieces = MARKER.split(line)
        head, starts = pieces[0], pieces[1:]
        if head.strip():
            if parts:
                parts.append(head)  # a hard line break inside the open abstract
            else:
                yield Skipped(source, number, "text before the first \"Abstract:\"; skipped")
        for piece in starts:
            yield from close()
            parts, start_line, title, next_title = Pieces([piece]), number, next_title, None
    yield from close()
