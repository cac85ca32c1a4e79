"""Reader for the arXiv metadata snapshot (JSON Lines, one paper a line).

Fields: `id`, `title`, `abstract`, `authors`, `authors_parsed`, `doi`, `comments`,
`journal-ref`, `categories`, `versions`, `update_date`. Titles and abstracts carry hard
line breaks and leading spaces, which are joined here. `journal-ref` is the venue;
`comments` ("12 pages, 5 figures") is a comment, never the venue; `categories` are kept
as subjects and `authors_parsed` as the names in order.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from pipeline.ingest.common import (
    Input,
    make_paper,
    parse_any_date,
    parse_arxiv_id,
    split_code_phrase,
    venue_from_comment,
)
from pipeline.ingest.jsonl import (
    abstract_field,
    author_names,
    categories_field,
    count_authors,
    doi_field,
    read_json_lines,
    text_field,
)
from pipeline.records import Paper, Skipped

# Keys only the snapshot has; detection looks for them.
SNAPSHOT_KEYS = frozenset({"journal-ref", "authors_parsed", "update_date", "submitter", "versions"})


def first_version_date(record: Mapping[str, object]) -> str | None:
    """The date of v1 (first submission), else the last update."""
    versions = record.get("versions")
    if isinstance(versions, list) and versions and isinstance(versions[0], dict):
        if (date := parse_any_date(versions[0].get("created"))) is not None:
            return date
    return parse_any_date(record.get("update_date"))


def paper_from_arxiv_record(record: Mapping[str, object], source: str, position: int) -> Paper:
    abstract = abstract_field(record)
    raw_id = record.get("id")
    # Records built by hand may carry a local id ("x01"): not an arXiv id, so not used.
    arxiv_id = parse_arxiv_id(raw_id) if isinstance(raw_id, str) else None
    comments = text_field(record, ("comments",))
    code_url, rest = split_code_phrase(comments) if comments else (None, "")
    return make_paper(
        abstract, source=source, position=position,
        title=text_field(record, ("title",)), arxiv_id=arxiv_id, doi=doi_field(record),
        venue=text_field(record, ("journal-ref",)) or venue_from_comment(rest), comment=rest or None,
        date=first_version_date(record), n_authors=count_authors(record), authors=author_names(record),
        code_url=code_url, categories=categories_field(record),
    )


def read_arxiv_jsonl(path: Path | Input) -> Iterator[Paper | Skipped]:
    """Stream Papers from an arXiv metadata snapshot file."""
    return read_json_lines(path, paper_from_arxiv_record)
