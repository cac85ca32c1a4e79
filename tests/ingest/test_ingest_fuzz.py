"""Every reader, fed random bytes, random JSON and random text with control characters:
no exception escapes but a one-line InputError for the whole file, every record comes out
as a Paper (safe to write) or a Skipped, and every message prints on one line."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.ingest import FORMATS, InputError, read_papers
from pipeline.ingest import common
from pipeline.records import Notice, Paper, Skipped

READ_FORMATS = [None, *(f for f in FORMATS if f != "txt-folder")]  # None: detected
# Text that goes where no text should: C0 and C1 controls, noncharacters, line and
# paragraph separators, a byte-order mark, bidi overrides, lone surrogates (JSON only).
NASTY = st.sampled_from(list("\x00\x01\x07\x08\x0b\x0c\x1b\x1c\x1f\x7f\x85\x9b\u2028\u2029\ufeff\ufffe\uffff\u202e"))
TEXT = st.lists(st.one_of(st.text(max_size=30), NASTY, st.sampled_from(
    ["Abstract:", "Title:", "arXiv:2301.00001", " - doi: 10.1/x", "• 3 authors", "·", "Apr 2, 2023", ",", "\t",
     "\n", "\n\n", '"', "We propose FastNet on an A100 GPU, 2.3× faster than vLLM."]
)), max_size=40).map("".join)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
KEYS = st.sampled_from(["title", "abstract", "summary", "doi", "date", "year", "authors", "authors_parsed", "id",
                        "arxiv_id", "url", "comments", "journal-ref", "versions", "categories", "code", "n_authors"])
RECORD = st.dictionaries(KEYS, JSON_VALUE, max_size=8)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read_all(data: bytes, suffix: str, fmt: str | None) -> list[Paper | Skipped | Notice] | None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(data)
        try:
            return list(read_papers(path, format=fmt))
        except InputError as err:
            assert str(err).startswith(str(path)) and str(err).isprintable(), str(err)
            return None


def _check_records(records: list[Paper | Skipped | Notice] | None) -> None:
    for record in records or []:
        assert isinstance(record, (Paper, Skipped, Notice)), record
        if isinstance(record, Paper):
            assert record.abstract.strip() and len(record.abstract) <= common.MAX_ABSTRACT_CHARS
            for text in (record.abstract, record.title or "", record.venue or "", record.doi or "", record.source):
                assert not common._UNWRITABLE.search(text), repr(text)
                text.encode("utf-8")
        else:
            assert str(record).isprintable(), repr(str(record))
            assert "reading stopped" not in str(record), str(record)  # no reader broke down


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from([".txt", ".jsonl", ".csv", ""]), st.sampled_from(READ_FORMATS))
def test_ingest_fuzz_random_bytes(data: bytes, suffix: str, fmt: str | None) -> None:
    _check_records(_read_all(data, suffix, fmt))


@FUZZ
@given(TEXT, st.sampled_from([".txt", ".csv", ""]), st.sampled_from(READ_FORMATS))
def test_ingest_fuzz_random_text_with_controls(text: str, suffix: str, fmt: str | None) -> None:
    _check_records(_read_all(text.encode("utf-8", "surrogatepass"), suffix, fmt))


@FUZZ
@given(st.lists(st.one_of(RECORD, JSON_VALUE), min_size=1, max_size=12), st.sampled_from([None, "jsonl", "arxiv-jsonl"]))
def test_ingest_fuzz_random_json_lines_each_built_or_skipped(values: list[object], fmt: str | None) -> None:
    lines = [json.dumps(v) for v in values]  # ensure_ascii: controls and surrogates as \\u escapes
    records = _read_all(("\n".join(lines) + "\n").encode("utf-8"), ".jsonl", fmt)
    _check_records(records)
    assert records is not None
    papers = [r for r in records if isinstance(r, Paper)]
    skipped = [r for r in records if isinstance(r, Skipped)]
    assert len(papers) + len(skipped) == len(lines), "a line was neither read nor reported"
