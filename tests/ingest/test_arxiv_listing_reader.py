"""The arXiv listing reader: ids glued to the NEXT abstract belong to the one above."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest import detect_format, read_papers
from pipeline.ingest.arxiv_listing import split_id_line
from pipeline.records import Paper, Skipped


def _records(path: Path) -> list[Paper | Skipped]:
    return list(read_papers(path))


def test_arxiv_listing_seed_every_abstract_gets_the_id_below_it(seed_files: list[Path]) -> None:
    path = seed_files[2]
    assert detect_format(path) == "arxiv-listing"
    records = _records(path)
    assert [r for r in records if isinstance(r, Skipped)] == []
    papers = [r for r in records if isinstance(r, Paper)]
    assert len(papers) == 10 and all(p.arxiv_id for p in papers)
    lines = path.read_text(encoding="utf-8").splitlines()
    # The file's last line holds only the id of the last abstract.
    assert lines[-1].strip() == f"arXiv:{papers[-1].arxiv_id}"
    for paper in papers:
        assert not paper.abstract.startswith("arXiv:") and f"arXiv:{paper.arxiv_id}" not in paper.abstract
        assert paper.id == paper.arxiv_id and paper.date is not None


def test_arxiv_listing_glued_id_doi_comments_and_code(write_input) -> None:
    path = write_input("l.txt", (
        "We propose A. It is good.\n"
        "Accepted by MICCAI23\n"
        "arXiv:2301.00001 - doi: 10.1109/JBHI.2019.2922986Atrial fibrillation is common. We do B.\n"
        "EMNLP 2023 Main Conference\n"
        "Code is available at https://github.com/x/y.\n"
        "arXiv:2302.00002v2\n"
    ))
    a, b = _records(path)
    assert (a.abstract, a.arxiv_id, a.doi, a.venue, a.code_url, a.date) == (
        "We propose A. It is good.", "2301.00001", "10.1109/JBHI.2019.2922986", "Accepted by MICCAI23", None, "2023-01")
    assert (b.abstract, b.arxiv_id, b.doi, b.venue, b.code_url) == (
        "Atrial fibrillation is common. We do B.", "2302.00002", None, "EMNLP 2023 Main Conference",
        "https://github.com/x/y")
    assert (a.position, b.position) == (0, 1)


def test_arxiv_listing_old_style_and_four_digit_ids(write_input) -> None:
    path = write_input("l.txt", "We propose A.\narXiv:cs/0501001We do B.\narXiv:1401.1234\n")
    a, b = _records(path)
    assert (a.arxiv_id, a.date, b.arxiv_id, b.date) == ("cs/0501001", "2005-01", "1401.1234", "2014-01")


def test_arxiv_listing_abstract_without_id_and_orphan_id(write_input) -> None:
    path = write_input("l.txt", (
        "arXiv:2301.00001\n"  # nothing above it
        "First abstract, with a line\nbreak inside. It ends here.\n"
        "Second abstract is long enough to not be a comment. " + "It keeps going. " * 16 + "\n"
        "arXiv:2301.99x\n"
    ))
    records = _records(path)
    papers = [r for r in records if isinstance(r, Paper)]
    assert [p.abstract[:15] for p in papers] == ["First abstract,", "Second abstract"]
    assert papers[0].abstract == "First abstract, with a line break inside. It ends here."
    assert [p.arxiv_id for p in papers] == [None, None]
    reasons = [(r.line, r.reason) for r in records if isinstance(r, Skipped)]
    assert reasons[0] == (1, "arXiv:2301.00001 has no abstract above it; id ignored")
    assert reasons[1][0] == 5 and reasons[1][1].startswith("malformed arXiv id")


@pytest.mark.parametrize(
    "line,expected",
    [
        ("arXiv:2308.14066Atrial", ("2308.14066", None, "Atrial")),
        ("arXiv:2308.14066v3 In this", ("2308.14066", None, " In this")),
        ("arXiv:2308.14066 - doi: 10.1109/JBHI.2019.2922986In this", ("2308.14066", "10.1109/JBHI.2019.2922986", "In this")),
        ("arXiv:2308.14066 - doi: 10.48550/arXiv.2301.1LLMs are", ("2308.14066", "10.48550/arXiv.2301.1", "LLMs are")),
        ("arXiv:1312.1234567 rest", ("1312.1234", None, "567 rest")),  # 4 digits before 2015
        ("arXiv:hep-th/9901001", ("hep-th/9901001", None, "")),
        ("arXiv:nonsense", (None, None, "arXiv:nonsense")),
    ],
)
def test_arxiv_listing_split_id_line(line: str, expected: tuple) -> None:
    assert split_id_line(line) == expected


def test_arxiv_listing_comment_after_an_abstract_that_ends_without_a_full_stop(write_input) -> None:
    path = write_input("l.txt", (
        "We propose A. Code is at https://github.com/a/a\n"
        "Accepted by MICCAI23\n"
        "arXiv:2301.00001We propose B, whose abstract is cut\n"
        "by a line break, and whose last words carry no full stop\n"
        "12 pages, 3 figures\n"
        "arXiv:2301.00002\n"
    ))
    a, b = read_papers(path)
    assert (a.abstract, a.venue, a.code_url) == (
        "We propose A. Code is at https://github.com/a/a", "Accepted by MICCAI23", "https://github.com/a/a")
    assert (b.abstract, b.venue, b.comment) == (
        "We propose B, whose abstract is cut by a line break, and whose last words carry no full stop",
        None, "12 pages, 3 figures")  # a page count is a comment, never the venue
