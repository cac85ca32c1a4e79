"""Reader for OpenAlex works: JSON Lines from its snapshot, or one work a line saved from
its API (`/works` results).

OpenAlex ships no abstract text, only `abstract_inverted_index` (word -> positions); the
abstract is rebuilt from it in position order. The title is `display_name` (or `title`),
the venue the primary location's source, authors the `authorships` in order, subjects
the `concepts` / `topics` names, the DOI from its URL form, the arXiv id from a location
on arxiv.org.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from pipeline.errors import RecordProblem
from pipeline.ingest.common import Input, make_paper, normalise_space, parse_any_date, parse_arxiv_id
from pipeline.ingest.jsonl import doi_field, read_json_lines, text_field
from pipeline.records import Paper, Skipped

# Keys only an OpenAlex work has; detection looks for them.
OPENALEX_KEYS = frozenset({"abstract_inverted_index", "authorships", "primary_location"})
MAX_POSITIONS = 50_000  # an index claiming more words than any abstract has is not one
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+?)(?:v\d+)?(?:\.pdf)?$", re.IGNORECASE)


def rebuild_abstract(index: object) -> str:
    """The abstract from an inverted index {"word": [positions]}; RecordProblem if unusable."""
    if not isinstance(index, Mapping) or not index:
        raise RecordProblem("no \"abstract_inverted_index\" (OpenAlex has no abstract for this work)")
    words: dict[int, str] = {}
    for word, positions in index.items():
        if not isinstance(positions, list) or not all(isinstance(p, int) and not isinstance(p, bool) for p in positions):
            raise RecordProblem(f"\"abstract_inverted_index\" entry {str(word)[:40]!r} is not a list of positions")
        for p in positions:
            if not 0 <= p < MAX_POSITIONS:
                raise RecordProblem(f"\"abstract_inverted_index\" position {p} is out of range")
            words[p] = str(word)
    return normalise_space(" ".join(words[p] for p in sorted(words)))


def _names(items: object, *path: str) -> tuple[str, ...]:
    out = []
    for item in items if isinstance(items, list) else []:
        for key in path:
            item = item.get(key) if isinstance(item, Mapping) else None
        if isinstance(item, str) and item.strip():
            out.append(normalise_space(item))
    return tuple(dict.fromkeys(out))


def _venue(record: Mapping[str, object]) -> str | None:
    location = record.get("primary_location")
    source = location.get("source") if isinstance(location, Mapping) else None
    return text_field(source, ("display_name",)) if isinstance(source, Mapping) else None


def _arxiv_id(record: Mapping[str, object]) -> str | None:
    for location in record.get("locations") or [record.get("primary_location")]:  # type: ignore[union-attr]
        if isinstance(location, Mapping):
            for key in ("landing_page_url", "pdf_url"):
                url = location.get(key)
                if isinstance(url, str) and (found := _ARXIV_URL.search(url)):
                    return parse_arxiv_id(found.group(1))
    return None


def paper_from_openalex(record: Mapping[str, object], source: str, position: int) -> Paper:
    abstract = rebuild_abstract(record.get("abstract_inverted_index"))
    authors = _names(record.get("authorships"), "author", "display_name")
    subjects = _names(record.get("topics"), "display_name") or _names(record.get("concepts"), "display_name")
    return make_paper(
        abstract, source=source, position=position,
        title=text_field(record, ("display_name", "title")), arxiv_id=_arxiv_id(record),
        doi=doi_field(record), venue=_venue(record),
        date=parse_any_date(record.get("publication_date")) or parse_any_date(record.get("publication_year")),
        authors=authors, n_authors=len(authors) or None, categories=subjects,
    )


def read_openalex(path: Path | Input) -> Iterator[Paper | Skipped]:
    """Stream Papers from OpenAlex works, one JSON object a line."""
    return read_json_lines(path, paper_from_openalex)
