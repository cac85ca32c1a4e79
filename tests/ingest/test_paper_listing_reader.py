"""The paper-listing page reader, on seeds 003 and 004 and on hand-made pages."""

from __future__ import annotations

from pathlib import Path

from pipeline.ingest import detect_format, read_papers
from pipeline.ingest.paper_listing import CHROME
from pipeline.records import Paper, Skipped


def test_paper_listing_seeds_titles_and_no_chrome(seed_files: list[Path]) -> None:
    for path, expected in zip(seed_files[3:], (52, 9)):
        assert detect_format(path) == "paper-listing", path.name
        records = list(read_papers(path))
        assert [r for r in records if isinstance(r, Skipped)] == []
        assert len(records) == expected
        lines = {line.strip() for line in path.read_text(encoding="utf-8").splitlines()}
        for paper in records:
            assert paper.title and paper.title in lines  # a title is one whole line of the page
            assert paper.title not in paper.abstract[:len(paper.title)]
            assert paper.title.lower() not in CHROME and "authors" not in paper.abstract[-20:]
            assert len(paper.abstract) > len(paper.title)


def test_paper_listing_metadata_block(write_input) -> None:
    path = write_input("page.txt", (
        "new\n\nSubscribe\n\nDaily Papers\n\nDec 11\n\n"
        "QuickNet: Fast Nets\n\n"
        "We propose QuickNet, which is long enough to be an abstract and longer than its title.\n\n"
        "  • 6 authors\n·\nApr 19, 2021\n\n"
        "SlowNet\n\n"
        "We propose SlowNet, a second abstract that is longer than its title.\n\n"
        "  • 1 author\n·\nMay 28 2\n\n"
        "OrgNet\n\n"
        "We propose OrgNet, published by an organisation rather than authors.\n\n"
        "deepseek-ai DeepSeek\n·\nOct 11, 2024 3\n\n"
        "NoMeta\n\n"
        "We propose NoMeta, a paper without any metadata block at all here.\n"
    ))
    papers = list(read_papers(path))
    assert [(p.title, p.n_authors, p.date) for p in papers] == [
        ("QuickNet: Fast Nets", 6, "2021-04-19"),
        ("SlowNet", 1, None),  # "May 28 2": no year on the page, 2 upvotes
        ("OrgNet", None, "2024-10-11"),
        ("NoMeta", None, None),
    ]
    assert [p.position for p in papers] == [0, 1, 2, 3]
    assert papers[0].abstract.startswith("We propose QuickNet")


def test_paper_listing_wrapped_abstract_and_title_without_abstract(write_input) -> None:
    path = write_input("page.txt", (
        "First Title\n\nAn abstract paragraph\nwrapped over two lines, longer than the title.\n\n"
        "• 2 authors\n·\nJan 2, 2020\n\n"
        "Orphan Title\n\n• 3 authors\n·\nJan 3, 2020\n"
    ))
    records = list(read_papers(path))
    (paper,) = [r for r in records if isinstance(r, Paper)]
    assert paper.abstract == "An abstract paragraph wrapped over two lines, longer than the title."
    (skipped,) = [r for r in records if isinstance(r, Skipped)]
    assert skipped.line == 10 and "'Orphan Title' has no abstract" in skipped.reason


def test_paper_listing_detected_without_metadata_lines(write_input) -> None:
    # Only (title, abstract) pairs: detected by the alternation, not by "• N authors".
    page = "".join(f"Title {i}\n\nAbstract number {i} is a longer paragraph than its title.\n\n" for i in range(3))
    path = write_input("page.txt", page)
    assert detect_format(path) == "paper-listing"
    assert [p.title for p in read_papers(path)] == ["Title 0", "Title 1", "Title 2"]
