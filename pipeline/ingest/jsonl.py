"""Reader for generic JSON Lines: one object a line with at least an `abstract` field.

Lines are decoded and parsed one at a time, so a file of any size streams. A line that
is not JSON, not an object, or has no abstract is reported as a `Skipped` and reading
goes on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from pipeline.errors import RecordProblem
from pipeline.ingest.common import (
    Input,
    describe_error,
    find_code_url,
    make_paper,
    normalise_space,
    parse_any_date,
    parse_arxiv_id,
    read_lines,
    split_code_phrase,
    venue_from_comment,
)
from pipeline.records import Paper, Skipped

# What a record can call each field, in order of preference.
ABSTRACT_KEYS = ("abstract", "summary")
TITLE_KEYS = ("title",)
ARXIV_KEYS = ("arxiv_id", "arxiv", "arxivId", "arXiv")
VENUE_KEYS = ("venue", "journal-ref", "journal_ref", "journal", "booktitle")
DATE_KEYS = ("date", "published", "publication_date", "update_date", "year")
CODE_KEYS = ("code_url", "code", "repository", "github")
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+?)(?:\.pdf)?/?$", re.IGNORECASE)
_DOI_URL = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)

ToPaper = Callable[[Mapping[str, object], str, int], "Paper | str"]


def text_field(record: Mapping[str, object], keys: tuple[str, ...]) -> str | None:
    """The first non-empty text value among `keys`, whitespace-normalised."""
    for key in keys:
        value = record.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip():
            return normalise_space(value)
    return None


def abstract_field(record: Mapping[str, object]) -> str:
    """The abstract with hard line breaks joined; RecordProblem when there is none."""
    for key in ABSTRACT_KEYS:
        if key in record:
            value = record[key]
            if not isinstance(value, str):
                raise RecordProblem(f"\"{key}\" is not text")
            # Snapshot abstracts wrap lines and indent them; a line break is a space.
            abstract = re.sub(r"[ \t]*(?:\r\n|\r|\n)[ \t]*", " ", value).strip()
            if not abstract:
                raise RecordProblem(f"\"{key}\" is empty")
            return abstract
    raise RecordProblem("no \"abstract\" field")


def author_names(record: Mapping[str, object]) -> tuple[str, ...]:
    """The authors' names in order: from `authors_parsed` ([last, first, suffix]), a list of
    names (or of {"name": ...} objects), or an "A, B and C" string."""
    parsed = record.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = [_parsed_name(row) for row in parsed]
        if all(names):
            return tuple(names)  # type: ignore[arg-type]
    value = record.get("authors")
    if isinstance(value, list):
        names = [_listed_name(item) for item in value]
        return tuple(n for n in names if n)
    if isinstance(value, str) and value.strip():
        return tuple(n.strip() for n in _NAME_SEPARATORS.split(normalise_space(value)) if n.strip())
    return ()


_NAME_SEPARATORS = re.compile(r",\s*(?:and\s+)?|\s+and\s+|;\s*")


def _parsed_name(row: object) -> str | None:
    if not isinstance(row, list) or not row or not all(isinstance(p, str) for p in row):
        return None
    last, first, suffix = (list(row) + ["", ""])[:3]
    return normalise_space(" ".join(p for p in (first, last, suffix) if p.strip())) or None


def _listed_name(item: object) -> str | None:
    if isinstance(item, dict):
        item = item.get("name") or item.get("display_name")
    return normalise_space(item) if isinstance(item, str) and item.strip() else None


def count_authors(record: Mapping[str, object]) -> int | None:
    for key in ("authors_parsed", "authors"):
        value = record.get(key)
        if isinstance(value, list) and value:
            return len(value)
        if isinstance(value, str) and value.strip():
            names = re.split(r",\s*(?:and\s+)?|\s+and\s+|;\s*", normalise_space(value))
            return len([n for n in names if n.strip()]) or None
    for key in ("n_authors", "num_authors"):
        value = record.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
    return None


def categories_field(record: Mapping[str, object]) -> tuple[str, ...]:
    value = record.get("categories")
    if isinstance(value, str):
        return tuple(value.split())
    if isinstance(value, list):
        return tuple(normalise_space(v) for v in value if isinstance(v, str) and v.strip())
    return ()


def doi_field(record: Mapping[str, object]) -> str | None:
    doi = text_field(record, ("doi", "DOI"))
    return _DOI_URL.sub("", doi).split()[0] if doi else None


def generic_arxiv_id(record: Mapping[str, object]) -> str | None:
    for key in ARXIV_KEYS + ("id",):
        value = text_field(record, (key,))
        if value and (arxiv_id := parse_arxiv_id(value)):
            return arxiv_id
    url = text_field(record, ("url", "link"))
    if url and (found := _ARXIV_URL.search(url)):
        return parse_arxiv_id(found.group(1))
    return None


def paper_from_record(record: Mapping[str, object], source: str, position: int) -> Paper:
    """A Paper from a record with `title` and `abstract` (and optional metadata) fields."""
    abstract = abstract_field(record)
    comments = text_field(record, ("comments",))
    comment_url, comment_rest = split_code_phrase(comments) if comments else (None, "")
    code_url = text_field(record, CODE_KEYS) or comment_url
    date = None
    for key in DATE_KEYS:
        if (date := parse_any_date(record.get(key))) is not None:
            break
    return make_paper(
        abstract, source=source, position=position,
        title=text_field(record, TITLE_KEYS), arxiv_id=generic_arxiv_id(record),
        doi=doi_field(record), venue=text_field(record, VENUE_KEYS) or venue_from_comment(comment_rest),
        comment=comment_rest or None,
        date=date, n_authors=count_authors(record), authors=author_names(record),
        code_url=code_url or find_code_url(abstract), categories=categories_field(record),
    )


def read_json_lines(path: Path | Input, to_paper: ToPaper) -> Iterator[Paper | Skipped]:
    """Stream Papers from a JSON Lines file, one line at a time, through `to_paper`."""
    source = str(path)
    position = 0
    for item in read_lines(path, cut_long=False):
        if isinstance(item, Skipped):
            yield item
            continue
        number, line = item
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            yield Skipped(source, number, f"not valid JSON ({err.msg} at column {err.colno}); line skipped")
            continue
        except RecursionError:
            yield Skipped(source, number, "JSON nested too deeply to be a paper record; line skipped")
            continue
        if not isinstance(record, dict):
            yield Skipped(source, number, f"a JSON {type(record).__name__}, not an object; line skipped")
            continue
        try:
            paper = to_paper(record, source, position)
        except RecordProblem as problem:
            yield Skipped(source, number, f"{problem}; line skipped")
            continue
        except Exception as err:  # noqa: BLE001 - the per-record boundary: one line, never a crash
            yield Skipped(source, number, f"cannot read this record ({describe_error(err)}); line skipped")
            continue
        position += 1
        yield paper  # type: ignore[misc]


def read_jsonl(path: Path | Input) -> Iterator[Paper | Skipped]:
    """Generic JSON Lines with `title` and `abstract` fields."""
    return read_json_lines(path, paper_from_record)
