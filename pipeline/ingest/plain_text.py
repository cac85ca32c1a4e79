"""Reader for a text file that holds one abstract (the files of a `.txt` folder).

Line breaks inside the abstract are joined. When the file opens with a short one-line
paragraph that does not end like a sentence, followed by more text, that line is the
title ("My Title\\n\\nWe propose ...").
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.ingest.common import HOLD_CHARS, Input, make_paper, normalise_space, read_lines
from pipeline.records import Paper, Skipped

_TITLE_MAX = 300


def read_plain_text(path: Path | Input) -> Iterator[Paper | Skipped]:
    """The whole file as one abstract (streamed in, then joined: one record a file)."""
    paragraphs: list[list[str]] = [[]]
    held = 0  # characters kept; past HOLD_CHARS the abstract is cut anyway, so lines are not kept
    for item in read_lines(path):
        if isinstance(item, Skipped):
            yield item
            continue
        line = item[1].strip()
        if line:
            if held <= HOLD_CHARS:
                paragraphs[-1].append(line[: HOLD_CHARS + 1 - held])
            held += len(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        yield Skipped(str(path), None, "no text left after the invalid lines; skipped")
        return
    title = None
    first = paragraphs[0]
    if (
        len(paragraphs) > 1
        and len(first) == 1
        and len(first[0]) <= _TITLE_MAX
        and not first[0].endswith((".", "!", ":", ";", ","))
    ):
        title = normalise_space(first[0])
        paragraphs = paragraphs[1:]
    abstract = " ".join(" ".join(p) for p in paragraphs)
    yield make_paper(abstract, source=path, position=0, title=title)
