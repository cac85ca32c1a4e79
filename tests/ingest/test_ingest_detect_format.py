"""Format detection from content, `format=` forcing a reader, and the abstract-text round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.ingest import FORMATS, InputError, detect_format, read_papers
from pipeline.records import Paper

SAMPLES: list[tuple[str, str, str]] = [
    ("a.txt", "Abstract: We propose A.\n", "abstract-text"),
    ("b.txt", "We propose A.\narXiv:2301.00001\n", "arxiv-listing"),
    ("c.txt", "Title\n\nWe propose A, an abstract longer than the title.\n\n• 2 authors\n·\nJan 2, 2020\n", "paper-listing"),
    ("d.data", json.dumps({"id": "2301.00001", "abstract": "x", "update_date": "2023-01-02"}) + "\n", "arxiv-jsonl"),
    ("e.data", json.dumps({"title": "T", "abstract": "x"}) + "\n", "jsonl"),
    ("f.data", "title,abstract\nT,x\n", "csv"),
    ("g.data", "We propose A. It is one abstract.\n", "plain-text"),
]


@pytest.mark.parametrize("name,content,expected", SAMPLES, ids=[s[2] for s in SAMPLES])
def test_ingest_detect_format_from_content(tmp_path: Path, name: str, content: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert detect_format(path) == expected
    assert any(isinstance(r, Paper) for r in read_papers(path))


def test_ingest_format_forces_a_reader(tmp_path: Path) -> None:
    path = tmp_path / "listing.txt"
    path.write_text("Abstract: We propose A.\narXiv:2301.00001\n", encoding="utf-8")
    (detected,) = read_papers(path)
    assert detected.abstract == "We propose A. arXiv:2301.00001"  # an "Abstract:" file, by content
    (forced,) = read_papers(path, format="arxiv-listing")
    assert (forced.abstract, forced.arxiv_id) == ("Abstract: We propose A.", "2301.00001")
    (whole,) = read_papers(path, format="plain-text")
    assert whole.abstract == "Abstract: We propose A. arXiv:2301.00001"


def test_ingest_unknown_or_misapplied_format(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Abstract: x\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"unknown format 'docx'; choose one of: abstract-text, "):
        list(read_papers(path, format="docx"))
    with pytest.raises(InputError, match=r"a\.txt: is not a folder"):
        list(read_papers(path, format="txt-folder"))
    assert set(FORMATS) >= {"abstract-text", "arxiv-listing", "paper-listing", "arxiv-jsonl", "jsonl", "csv", "txt-folder"}


_WORD = st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=8)
_ABSTRACT = st.lists(_WORD, min_size=1, max_size=12).map(" ".join).filter(lambda t: "Abstract" not in t)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(abstracts=st.lists(_ABSTRACT, min_size=1, max_size=6), breaks=st.lists(st.booleans(), min_size=6, max_size=6))
def test_ingest_abstract_text_round_trip(tmp_path: Path, abstracts: list[str], breaks: list[bool]) -> None:
    """Abstracts written with "Abstract:" markers, some sharing a line, some wrapped, read back in order."""
    text = ""
    for abstract, newline in zip(abstracts, breaks):
        words = abstract.split()
        body = " ".join(words[: len(words) // 2]) + ("\n" if newline else " ") + " ".join(words[len(words) // 2:])
        text += ("\n" if newline else "") + "Abstract: " + body.strip()
    path = tmp_path / "round.txt"
    path.write_text(text.lstrip("\n") + "\n", encoding="utf-8")
    papers = [r for r in read_papers(path, format="abstract-text") if isinstance(r, Paper)]
    unique = list(dict.fromkeys(abstracts))  # a repeated abstract is skipped as a duplicate
    assert [p.abstract for p in papers] == unique
