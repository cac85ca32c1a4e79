"""Reader for Semantic Scholar paper records: the Graph API's paper objects saved one a
line, or the `papers` / `abstracts` datasets (JSON Lines).

Fields: `paperId` (API) or `corpusid` (datasets), `title`, `abstract`, `authors`
[{"name"}], `venue` / `journal.name`, `publicationDate` / `year`, `externalIds`
(`ArXiv`, `DOI`; lower-case keys in the datasets), `fieldsOfStudy` / `s2FieldsOfStudy`.
A record whose abstract is null (common: Semantic Scholar withholds many) is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from pipeline.errors import RecordProblem
from pipeline.ingest.common import Input, make_paper, parse_any_date, parse_arxiv_id
from pipeline.ingest.jsonl import abstract_field, read_json_lines, text_field
from pipeline.records import Paper, Skipped

# Keys only a Semantic Scholar record has; detection looks for them.
S2_KEYS = frozenset({"paperId", "corpusId", "corpusid", "externalIds", "externalids", "s2FieldsOfStudy"})


def _external(record: Mapping[str, object], key: str) -> str | None:
    ids = record.get("externalIds") or record.get("externalids")
    if not isinstance(ids, Mapping):
        return None
    value = ids.get(key) if key in ids else ids.get(key.lower())
    return str(value).strip() if isinstance(value, (str, int)) and str(value).strip() else None


def _fields_of_study(record: Mapping[str, object]) -> tuple[str, ...]:
    found: list[str] = []
    plain = record.get("fieldsOfStudy")
    if isinstance(plain, list):
        found += [f for f in plain if isinstance(f, str)]
    for item in record.get("s2FieldsOfStudy") or record.get("s2fieldsofstudy") or []:  # type: ignore[union-attr]
        if isinstance(item, Mapping) and isinstance(item.get("category"), str):
            found.append(item["category"])
    return tuple(dict.fromkeys(f.strip() for f in found if f.strip()))


def paper_from_s2(record: Mapping[str, object], source: str, position: int) -> Paper:
    if record.get("abstract", "") is None:
        raise RecordProblem("\"abstract\" is null (Semantic Scholar withholds this one)")
    abstract = abstract_field(record)
    authors = tuple(a["name"].strip() for a in record.get("authors") or []  # type: ignore[union-attr]
                    if isinstance(a, Mapping) and isinstance(a.get("name"), str) and a["name"].strip())
    journal = record.get("journal")
    venue = text_field(record, ("venue",)) or (text_field(journal, ("name",)) if isinstance(journal, Mapping) else None)
    arxiv = _external(record, "ArXiv")
    return make_paper(
        abstract, source=source, position=position, title=text_field(record, ("title",)),
        arxiv_id=parse_arxiv_id(arxiv) if arxiv else None, doi=_external(record, "DOI"), venue=venue,
        date=parse_any_date(record.get("publicationDate") or record.get("publicationdate"))
        or parse_any_date(record.get("year")),
        authors=authors, n_authors=len(authors) or None, categories=_fields_of_study(record),
    )


def read_semantic_scholar(path: Path | Input) -> Iterator[Paper | Skipped]:
    """Stream Papers from Semantic Scholar paper records, one JSON object a line."""
    return read_json_lines(path, paper_from_s2)
