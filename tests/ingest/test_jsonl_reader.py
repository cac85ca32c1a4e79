"""The generic JSON Lines reader: fields by name, bad lines reported, the file streamed."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

from pipeline.ingest import detect_format, read_papers
from pipeline.records import Paper, Skipped


def _jsonl(*objects: object) -> str:
    return "".join((o if isinstance(o, str) else json.dumps(o)) + "\n" for o in objects)


def test_jsonl_fields_and_their_aliases(write_input) -> None:
    path = write_input("g.jsonl", _jsonl(
        {"title": " QuickNet:\n fast ", "abstract": "We propose\n   QuickNet on GPUs.", "doi": "https://doi.org/10.1/x",
         "url": "https://arxiv.org/abs/2301.00001v3", "venue": "ICML 2023", "date": "2023-05-24",
         "authors": ["A", "B", "C"], "code": "https://github.com/a/quicknet"},
        {"summary": "We propose SlowNet.", "arxiv_id": "arXiv:2302.00002", "year": 2021,
         "authors": "A. One, B. Two and C. Three", "comments": "NeurIPS 2021. Code: https://github.com/b/slow"},
    ))
    assert detect_format(path) == "jsonl"
    a, b = read_papers(path)
    assert (a.id, a.title, a.abstract, a.doi, a.arxiv_id, a.venue, a.date, a.n_authors, a.code_url) == (
        "2301.00001", "QuickNet: fast", "We propose QuickNet on GPUs.", "10.1/x", "2301.00001", "ICML 2023",
        "2023-05-24", 3, "https://github.com/a/quicknet")
    assert (b.abstract, b.arxiv_id, b.date, b.n_authors, b.venue, b.code_url, b.position) == (
        "We propose SlowNet.", "2302.00002", "2021", 3, "NeurIPS 2021", "https://github.com/b/slow", 1)


def test_jsonl_bad_lines_are_skipped_and_good_ones_kept(write_input) -> None:
    path = write_input("g.jsonl", _jsonl(
        {"title": "ok", "abstract": "We propose A."}, "{not json", "[1, 2]",
        {"title": "no abstract"}, {"abstract": 5}, {"abstract": "   "}, "", {"abstract": "We propose B."},
    ).encode("utf-8") + b'{"abstract": "\xff"}\n' + _jsonl({"abstract": "We propose C."}).encode("utf-8"))
    records = list(read_papers(path))
    papers = [p for p in records if isinstance(p, Paper)]
    assert [(p.abstract, p.position) for p in papers] == [("We propose A.", 0), ("We propose B.", 1), ("We propose C.", 2)]
    skipped = [(s.line, s.reason) for s in records if isinstance(s, Skipped)]
    assert skipped == [
        (2, "not valid JSON (Expecting property name enclosed in double quotes at column 2); line skipped"),
        (3, "a JSON list, not an object; line skipped"),
        (4, 'no "abstract" field; line skipped'),
        (5, '"abstract" is not text; line skipped'),
        (6, '"abstract" is empty; line skipped'),
        (9, "invalid UTF-8 (byte 0xff at column 15); line skipped"),
    ]
    assert all(str(s).startswith(f"{path}:") for s in records if isinstance(s, Skipped))


def test_jsonl_is_streamed_not_loaded_whole(tmp_path: Path) -> None:
    """Reading a 4 MB file one record at a time never holds more than a fraction of it."""
    path = tmp_path / "big.jsonl"
    filler = "We propose StreamNet, which reads one line at a time. " * 30
    with open(path, "w", encoding="utf-8") as f:
        for i in range(2_500):
            f.write(json.dumps({"title": f"Paper {i}", "abstract": f"{i}: {filler}"}) + "\n")
    size = path.stat().st_size
    assert size > 4_000_000
    tracemalloc.start()
    try:
        count = 0
        for record in read_papers(path):
            assert isinstance(record, Paper)
            count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 2_500
    assert peak < size / 4, f"peak {peak} bytes while reading a {size}-byte file"
