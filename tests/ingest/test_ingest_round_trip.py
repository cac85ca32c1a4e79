"""Property tests: whatever titles and abstracts a JSONL or CSV writer produces read back intact."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.ingest import read_papers
from pipeline.ingest.common import normalise_space, to_safe_text
from pipeline.records import Paper, Skipped

# Any text a person writes, with line breaks and tabs; other control characters are left
# out because a file thick with them is rightly refused as binary.
_TEXT = st.text(st.characters(exclude_categories=["Cs", "Cc"]) | st.sampled_from("\n\r\t "), max_size=80)
_ABSTRACT = _TEXT.filter(lambda t: t.strip())
_RECORDS = st.lists(st.tuples(_TEXT, _ABSTRACT), min_size=1, max_size=5)


def _read(name: str, data: bytes, format: str) -> list[Paper | Skipped]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return list(read_papers(path, format=format))


def _expected(text: str) -> str:
    """What the reader keeps of a text: unwritable characters (noncharacters such as
    U+FDD0, C1 controls) taken out, whitespace normalised."""
    return normalise_space(to_safe_text(text)[0])


def _unique(records: list[tuple[str, str]], abstract_of) -> list[tuple[str, str]]:
    """Records after duplicate removal (a repeated abstract is the same paper)."""
    seen: set[str] = set()
    kept = []
    for title, abstract in records:
        key = normalise_space(abstract_of(abstract))
        if key not in seen:
            seen.add(key)
            kept.append((title, abstract))
    return kept


@settings(max_examples=50, deadline=None)
@given(_RECORDS)
@example([("", "\ufdd0"), ("T\ufdd0", "kept \ufdd0 text")])  # a noncharacter: taken out, a record of only that skipped
def test_ingest_round_trip_jsonl(records: list[tuple[str, str]]) -> None:
    data = "".join(json.dumps({"title": t, "abstract": a}) + "\n" for t, a in records).encode("utf-8")
    papers = [r for r in _read("r.jsonl", data, "jsonl") if isinstance(r, Paper)]
    kept = [(t, a) for t, a in _unique(records, _expected) if _expected(a)]
    # Intact up to whitespace, with every line break joined.
    assert [(p.title, normalise_space(p.abstract)) for p in papers] == [
        (_expected(t) or None, _expected(a)) for t, a in kept]
    assert not any("\n" in p.abstract or "\r" in p.abstract or p.abstract != p.abstract.strip() for p in papers)


@settings(max_examples=50, deadline=None)
@given(_RECORDS)
def test_ingest_round_trip_csv(records: list[tuple[str, str]]) -> None:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["title", "abstract"])
    writer.writerows(records)
    records_read = _read("r.csv", out.getvalue().encode("utf-8"), "csv")
    papers = [r for r in records_read if isinstance(r, Paper)]
    kept = [(t, a) for t, a in _unique(records, _expected) if _expected(a)]
    # Intact up to whitespace, with every line break joined.
    assert [(p.title, normalise_space(p.abstract)) for p in papers] == [
        (_expected(t) or None, _expected(a)) for t, a in kept]
    assert not any("\n" in p.abstract or "\r" in p.abstract or p.abstract != p.abstract.strip() for p in papers)
