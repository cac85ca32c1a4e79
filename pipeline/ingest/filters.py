"""What a build reads of its inputs: filters before the NLP, and one paper however often met.

`PaperFilter` keeps a paper by its categories (`--category cs.LG,cs.AR`, any of them;
`cs.*` matches a whole archive), its date (`--since` / `--until`, inclusive; a paper
dated only "2023-05" is in any range that touches May 2023; an undated one is left out
once a range is asked for), a regular expression on title or abstract (`--match`), and
stops after `--limit` papers. `Dedup` says whether a paper was met before: the same arXiv
id (any version), the same DOI, or the same title once normalised (case, accents, Greek
letters, punctuation), from one file or from two formats.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase

from pipeline.normalize import match_key
from pipeline.records import Paper

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# A normalised title shorter than this ("Introduction", "Editorial") names no one paper.
MIN_TITLE_KEY = 20


def parse_date(text: str) -> str:
    """A --since / --until value as YYYY[-MM[-DD]]; ValueError says what is wrong."""
    text = text.strip()
    if not _DATE.match(text):
        raise ValueError(f"{text!r} is not a date like 2023-01-31, 2023-01 or 2023")
    return text


def explain_bad_date(text: str) -> str | None:
    """Why `text` is no --since / --until date, or None (for the CLI's usage errors)."""
    return None if _DATE.match(text.strip()) else f"{text!r} is not a date like 2023-01-31, 2023-01 or 2023"


def explain_bad_pattern(pattern: str) -> str | None:
    """Why `pattern` is no --match regular expression, or None."""
    try:
        re.compile(pattern)
    except re.error as err:
        return f"not a regular expression: {err}"
    return None


@dataclass(frozen=True)
class PaperFilter:
    """Which papers a build reads; the default keeps every one."""

    categories: tuple[str, ...] = ()  # any of them; fnmatch patterns ("cs.*")
    since: str | None = None  # YYYY[-MM[-DD]], inclusive
    until: str | None = None
    match: str | None = None  # a regular expression, searched in title and abstract
    limit: int | None = None  # stop after this many papers

    def __post_init__(self) -> None:
        for date in (self.since, self.until):
            if date is not None:
                parse_date(date)
        if self.match is not None:
            re.compile(self.match)  # re.error on a bad pattern, before anything is read

    @property
    def active(self) -> bool:
        return bool(self.categories or self.since or self.until or self.match)

    def keep(self, paper: Paper) -> bool:
        if self.categories and not any(fnmatchcase(c, pattern) for c in paper.categories for pattern in self.categories):
            return False
        if (self.since or self.until) and not self._in_range(paper.date):
            return False
        if self.match is not None:
            pattern = _compiled(self.match)
            if not (pattern.search(paper.abstract) or (paper.title and pattern.search(paper.title))):
                return False
        return True

    def _in_range(self, date: str | None) -> bool:
        if not date or not _DATE.match(date[:10]):
            return False
        first, last = _span(date[:10])
        return (self.since is None or last >= _span(self.since)[0]) and (
            self.until is None or first <= _span(self.until)[1])


def _span(date: str) -> tuple[str, str]:
    """The first and last day a YYYY[-MM[-DD]] date may mean, as comparable strings."""
    parts = date.split("-")
    first = "-".join(parts + ["01"] * (3 - len(parts)))
    last = "-".join(parts + ["12", "31"][len(parts) - 1:])
    return first, last


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    if pattern not in _PATTERNS:
        _PATTERNS[pattern] = re.compile(pattern)
    return _PATTERNS[pattern]


def paper_keys(paper: Paper) -> list[str]:
    """What makes two records one paper: its arXiv id, its DOI, its normalised title."""
    keys = []
    if paper.arxiv_id:
        keys.append("arxiv:" + re.sub(r"v\d+$", "", paper.arxiv_id.strip().lower()))
    if paper.doi:
        keys.append("doi:" + paper.doi.strip().lower())
    title = match_key(paper.title) if paper.title else ""
    if len(title) >= MIN_TITLE_KEY:
        keys.append("title:" + title)
    keys.append("id:" + paper.id)
    return keys


class Dedup:
    """Remembers the papers met so far (8 bytes of hash a key, so a few million fit)."""

    def __init__(self) -> None:
        self._seen: dict[bytes, tuple[str, str]] = {}  # key hash -> (id, source) of the first paper

    def first_seen(self, paper: Paper) -> tuple[str, str] | None:
        """(id, source) of the paper this one repeats, or None; then it counts as met."""
        hashes = [hashlib.blake2b(k.encode("utf-8"), digest_size=8).digest() for k in paper_keys(paper)]
        for h in hashes:
            if h in self._seen:
                return self._seen[h]
        where = (paper.id, paper.source)
        for h in hashes:
            self._seen[h] = where
        return None
