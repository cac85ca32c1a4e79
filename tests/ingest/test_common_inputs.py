"""Whole-file checks (one clear line naming the file) and the shared id, date and link helpers."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest import InputError, read_papers
from pipeline.ingest.common import date_from_arxiv_id, find_code_url, hash_id, parse_any_date, parse_arxiv_id

BAD_FILES: list[tuple[str, bytes | None, str]] = [
    ("missing.txt", None, "no such file or folder"),
    ("empty.jsonl", b"", "empty file"),
    ("blank.txt", b"  \n\n\t\n", "empty file (only whitespace)"),
    ("binary.jsonl", bytes(range(256)) * 8, "is a binary file, not text"),
    ("utf16.txt", "Abstract: We propose A.".encode("utf-16"), "is UTF-16 text; save it as UTF-8"),
    ("packed.jsonl.gz", gzip.compress(bytes(range(256)) * 8), "is a binary file, not text"),
    ("latin1.txt", "Abstract: caf\xe9 na\xefve.\n".encode("latin-1") * 3,
     "is not UTF-8 text (invalid byte 0xe9 at column 14)"),
    ("doc.json", b'[{"title": "T", "abstract": "A"}]', "is a JSON document, not JSON Lines (one object a line)"),
    ("page.txt", b"<!DOCTYPE html><html><body>hi</body></html>", "is HTML or XML; save the page as plain text first"),
]


@pytest.mark.parametrize("name,content,problem", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_common_bad_file_is_one_line_naming_it(tmp_path: Path, name: str, content: bytes | None, problem: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        list(read_papers(path))
    assert str(caught.value) == f"{path}: {problem}"
    assert "\n" not in str(caught.value)


def test_common_mostly_good_file_keeps_its_good_lines(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes(b"Abstract: Good one.\nAbstract: caf\xe9.\nAbstract: Good two.\n")
    records = list(read_papers(path))
    assert [r.abstract for r in records if hasattr(r, "abstract")] == ["Good one.", "Good two."]


@settings(deadline=None)  # a shared 2-core machine: the first example can take 300 ms
@given(st.text(min_size=1).filter(lambda t: t.split()), st.lists(st.sampled_from([" ", "\n", "\t", "  \n "]), min_size=1))
def test_common_hash_id_ignores_whitespace(text: str, spaces: list[str]) -> None:
    words = text.split()
    respaced = "".join(w + spaces[i % len(spaces)] for i, w in enumerate(words))
    assert hash_id(respaced) == hash_id(" ".join(words))
    assert hash_id(text).startswith("h-") and len(hash_id(text)) == 14


@given(st.integers(7, 30), st.integers(1, 12), st.integers(0, 99999), st.integers(0, 9))
def test_common_parse_arxiv_id_new_style(yy: int, mm: int, number: int, version: int) -> None:
    width = 5 if yy * 100 + mm >= 1501 else 4
    arxiv_id = f"{yy:02d}{mm:02d}.{number % 10 ** width:0{width}d}"
    suffix = f"v{version}" if version else ""
    assert parse_arxiv_id(f"arXiv:{arxiv_id}{suffix}") == arxiv_id
    assert parse_arxiv_id(f"  {arxiv_id}{suffix} ") == arxiv_id
    assert date_from_arxiv_id(arxiv_id) == f"20{yy:02d}-{mm:02d}"


@pytest.mark.parametrize("text", ["2301.123", "2301.123456", "1312.12345", "2313.00001", "hello", "10.1/x"])
def test_common_parse_arxiv_id_rejects(text: str) -> None:
    assert parse_arxiv_id(text) is None


@pytest.mark.parametrize(
    "value,iso",
    [("2023-05-24", "2023-05-24"), ("2023-05", "2023-05"), (2021, "2021"), ("Mon, 2 Apr 2007 19:18:42 GMT", "2007-04-02"),
     ("Apr 2, 2007", "2007-04-02"), ("2023-13", None), ("soon", None), (None, None)],
)
def test_common_parse_any_date(value: object, iso: str | None) -> None:
    assert parse_any_date(value) == iso


@pytest.mark.parametrize(
    "text,url",
    [
        ("Code is available at https://github.com/a/b.", "https://github.com/a/b"),
        ("See (https://gitlab.com/a/b).", "https://gitlab.com/a/b"),
        ("Our code: https://example.org/tool", "https://example.org/tool"),
        ("Results at https://example.org/leaderboard are shown.", None),
        ("no link here", None),
    ],
)
def test_common_find_code_url(text: str, url: str | None) -> None:
    assert find_code_url(text) == url
