"""The "Abstract:"-prefixed text reader, on seeds 000 and 001 and on hand-made edge cases."""

from __future__ import annotations

from pathlib import Path

from pipeline.ingest import detect_format, read_papers
from pipeline.ingest.abstract_text import read_abstract_text
from pipeline.records import Paper, Skipped


def _papers(path: Path) -> list[Paper]:
    return [r for r in read_papers(path) if isinstance(r, Paper)]


def test_abstract_text_seeds_detected_and_read(seed_files: list[Path]) -> None:
    for path, expected in zip(seed_files[:2], (5, 10)):
        assert detect_format(path) == "abstract-text", path.name
        records = list(read_abstract_text(path))
        assert [r for r in records if isinstance(r, Skipped)] == []
        assert len(records) == expected, path.name
        raw = path.read_text(encoding="utf-8")
        for paper in records:
            # No marker survives inside an abstract, and each one is text of the file.
            assert "Abstract:" not in paper.abstract
            assert paper.abstract.split(". ")[0] in raw
            assert paper.title is None and paper.arxiv_id is None


def test_abstract_text_several_abstracts_share_a_line(write_input) -> None:
    path = write_input("a.txt", "Abstract: First one. It works.Abstract:Second on the same line.\n"
                                "Abstract: Third\n")
    papers = _papers(path)
    assert [p.abstract for p in papers] == ["First one. It works.", "Second on the same line.", "Third"]
    assert [p.position for p in papers] == [0, 1, 2]


def test_abstract_text_hard_line_breaks_are_joined(write_input) -> None:
    path = write_input("a.txt", "Abstract: We propose\r\n  QuickNet for\r\nGPUs.\r\nAbstract: Next.\r\n")
    assert [p.abstract for p in _papers(path)] == ["We propose QuickNet for GPUs.", "Next."]


def test_abstract_text_title_line_names_the_next_abstract(write_input) -> None:
    path = write_input("a.txt", "Title:  QuickNet:   fast nets\nAbstract: We propose QuickNet.\nAbstract: Untitled.\n"
                                "Title: SlowNet Abstract: We propose SlowNet.\n")
    papers = _papers(path)
    assert [(p.title, p.abstract) for p in papers] == [
        ("QuickNet: fast nets", "We propose QuickNet."), (None, "Untitled."), ("SlowNet", "We propose SlowNet.")]


def test_abstract_text_problems_are_skipped_with_their_line(write_input) -> None:
    path = write_input("a.txt", b"Abstract: Good one.\nAbstract:\nAbstract: Bad \xff byte.\nAbstract: Also good.\n")
    records = list(read_papers(path))
    assert [r.abstract for r in records if isinstance(r, Paper)] == ["Good one.", "Also good."]
    skipped = sorted(str(r) for r in records if isinstance(r, Skipped))
    assert skipped == [f"{path}:2: \"Abstract:\" with no text after it; skipped",
                       f"{path}:3: invalid UTF-8 (byte 0xff at column 15); line skipped"]


def test_abstract_text_text_before_the_first_marker_is_reported(write_input) -> None:
    path = write_input("a.txt", "\ufeffAbstract: With a byte order mark.\n")
    assert [p.abstract for p in _papers(path)] == ["With a byte order mark."]
    path = write_input("b.txt", "stray words\nAbstract: one.\n")
    records = list(read_papers(path, format="abstract-text"))
    assert [str(r) for r in records if isinstance(r, Skipped)] == [
        f"{path}:1: text before the first \"Abstract:\"; skipped"]
    assert [r.abstract for r in records if isinstance(r, Paper)] == ["one."]


def test_abstract_text_repeated_abstract_is_skipped_as_duplicate(write_input) -> None:
    path = write_input("a.txt", "Abstract: Same text.\nAbstract: Same   text.\n")
    records = list(read_papers(path))
    assert len([r for r in records if isinstance(r, Paper)]) == 1
    (dup,) = [r for r in records if isinstance(r, Skipped)]
    assert "repeats paper" in dup.reason
