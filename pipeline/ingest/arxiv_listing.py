"""Reader for arXiv listing text, where ids are glued to the NEXT abstract.

The listing puts each paper's `arXiv:ID` (optionally ` - doi: DOI`) at the start of the
line that holds the following abstract, with no space: the id and DOI belong to the
abstract ABOVE. Short lines between an abstract and that id line are the paper's
comments ("EMNLP 2023 Main Conference", "Code: URL"). The last line may hold only an id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.ingest.common import (
    Input,
    Pieces,
    make_paper,
    parse_arxiv_id,
    read_lines,
    split_code_phrase,
    venue_from_comment,
)
from pipeline.records import Paper, Skipped

ID_LINE = re.compile(r"^\s*arXiv:\s*", re.IGNORECASE)
_NEW_STYLE = re.compile(r"(\d{2})(0[1-9]|1[0-2])\.")
_OLD_STYLE = re.compile(r"[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}")
_VERSION = re.compile(r"v\d+")
_DOI_SEP = re.compile(r"\s*-\s*doi:\s*", re.IGNORECASE)
_DOI_START = re.compile(r"10\.\d{4,9}/")
# The abstract's first word glued after the DOI: a capitalised word with a lower-case
# letter ("Atrial", "In", "LLMs"), which DOI segments ("JBHI.2019", "arXiv.2301") are not.
_FIRST_WORD = re.compile(r"[A-Z][A-Za-z]*[a-z][A-Za-z'-]*[,;:]?")
_COMMENT_CUES = re.compile(
    r"(?i)\b(?:accepted|submitted|to appear|published|conference|workshop|journal|proceedings"
    r"|pages|figures|tables|code|github|camera[- ]ready|preprint|version)\b|https?://"
)

_COMMENT_START = re.compile(
    r"(?i)(?:accepted|submitted|to appear|published|camera[- ]ready|code\b|the code|our code|project page"
    r"|\d+\s+pages|https?://)"
)
_ENDS_WITH_URL = re.compile(r"https?://\S+$")


@dataclass
class _Open:
    """The abstract being read: its text lines, the comment lines after it."""

    line: int
    parts: Pieces
    comments: Pieces = field(default_factory=Pieces)


def split_id_line(line: str) -> tuple[str | None, str | None, str]:
    """("2308.14066", "10.1109/JBHI.2019.2922986", "Atrial Fibrillation ...") from an id line."""
    rest = ID_LINE.sub("", line, count=1)
    arxiv_id: str | None = None
    if (new := _NEW_STYLE.match(rest)) is not None:
        # The number has 4 digits before 2015 and 5 after, so a glued digit is not eaten.
        width = 5 if int(new.group(1) + new.group(2)) >= 1501 else 4
        end = new.end() + width
        digits = rest[new.end() : end]
        if len(digits) == width and digits.isdigit():
            arxiv_id = rest[:end]
            rest = rest[end:]
    elif (old := _OLD_STYLE.match(rest)) is not None:
        arxiv_id, rest = old.group(), rest[old.end() :]
    if arxiv_id is None:
        return None, None, line
    if (version := _VERSION.match(rest)) is not None and not rest[version.end() :][:1].isdigit():
        rest = rest[version.end() :]
    doi = None
    if (sep := _DOI_SEP.match(rest)) is not None and _DOI_START.match(rest, sep.end()):
        doi, rest = _split_glued_doi(rest[sep.end() :])
    return parse_arxiv_id(arxiv_id), doi, rest


def _split_glued_doi(text: str) -> tuple[str, str]:
    token = text.split(maxsplit=1)[0] if text.strip() else ""
    prefix = _DOI_START.match(token)
    start = prefix.end() + 1 if prefix else 1
    for i in range(start, len(token)):
        if token[i].isupper() and token[i - 1].isalnum() and _FIRST_WORD.fullmatch(token[i:]):
            return token[:i], text[i:]
    return token.rstrip(".,;"), text[len(token) :]


def _continues(previous: str, line: str) -> bool:
    """Whether `line` carries on an abstract cut by a hard line break after `previous`.

    An abstract ends like a sentence (or with a link); until it does, the next line is
    more of it, however short, unless it opens like a comment ("Accepted by ...").
    """
    text = previous.rstrip()
    if text.endswith((".", "!", "?", ".)", '."')) or _ENDS_WITH_URL.search(text):
        return False
    return _COMMENT_START.match(line.strip()) is None


def _is_comment(line: str) -> bool:
    """A short line after an abstract is a comment, not a new abstract."""
    text = line.strip()
    return len(text) < 250 or (len(text) < 500 and _COMMENT_CUES.search(text) is not None)


def read_arxiv_listing(path: Path | Input) -> Iterator[Paper | Skipped]:
    """Stream the abstracts of an arXiv listing, each with the id and DOI found below it."""
    source = str(path)
    position = 0
    current: _Open | None = None

    def close(arxiv_id: str | None = None, doi: str | None = None) -> Iterator[Paper]:
        nonlocal position, current
        if current is None:
            return
        code_url, rests = None, []
        for comment in current.comments:
            url, rest = split_code_phrase(comment)
            code_url = code_url or url
            if rest:
                rests.append(rest)
        venues = [v for v in map(venue_from_comment, rests) if v]
        abstract = " ".join(p.strip() for p in current.parts if p.strip())
        yield make_paper(
            abstract, source=source, position=position, arxiv_id=arxiv_id, doi=doi,
            venue="; ".join(venues) or None, comment="; ".join(rests) or None, code_url=code_url,
        )
        position += 1
        current = None

    for item in read_lines(path):
        if isinstance(item, Skipped):
            yield item
            continue
        number, line = item
        if not line.strip():
            continue
        if ID_LINE.match(line):
            arxiv_id, doi, rest = split_id_line(line)
            if arxiv_id is None:
                yield Skipped(source, number, f"malformed arXiv id in {line.strip()[:40]!r}; line skipped")
                continue
            if current is None:
                yield Skipped(source, number, f"arXiv:{arxiv_id} has no abstract above it; id ignored")
            yield from close(arxiv_id, doi)
            if rest.strip():
                current = _Open(number, Pieces([rest]))
        elif current is None:
            current = _Open(number, Pieces([line]))
        elif not current.comments and _continues(current.parts[-1], line):
            current.parts.append(line)  # a hard line break inside the abstract
        elif _is_comment(line):
            current.comments.append(line.strip())
        else:
            yield from close()  # two abstracts in a row: the first one had no id
            current = _Open(number, Pieces([line]))
    yield from close()
