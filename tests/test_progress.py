"""pipeline.progress: the build's bar follows the extractions done, placed by the input bytes read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.ingest import read_papers
from pipeline.progress import Progress
from pipeline.records import Extraction, Paper
from tests.ingest.test_ingest_reading_position import write_records


def _percentages(err: str) -> list[int]:
    return [int(p) for p in re.findall(r"effikg build:\s+(\d+)%", err)]


@pytest.mark.parametrize("name", ["many.jsonl", "many.jsonl.gz"])
def test_progress_moves_with_the_extractions_done_not_the_papers_read(tmp_path: Path, capsys, name: str) -> None:
    """Every paper read first (as the reader runs ahead of the NLP): the bar has not moved;
    then the extractions come back, the position climbs with them, by the file's bytes on
    disk, and ends at 100% with the count and the rate."""
    src = write_records(tmp_path / name, 600)
    size = src.stat().st_size
    bar = Progress(True, None, [src])
    papers = list(bar.read(p for p in read_papers(src) if isinstance(p, Paper)))
    assert len(papers) == 600 and bar.position == 0
    seen, half = [], 0
    for extraction in bar.done(Extraction(p) for p in papers):
        seen.append(extraction.paper.id)
        if len(seen) == 300:
            half = bar.position
    assert seen == [p.id for p in papers]
    assert size * 0.3 < half < size * 0.75  # placed by the bytes read up to the 300th, not jumped to an end
    end = capsys.readouterr().err
    assert bar.position == size and _percentages(end)[-1] == 100
    assert re.search(r"<00:00, 600 abstracts, [\d.]+ abstracts/s\]", end)


def test_progress_within_one_read_chunk_goes_paper_by_paper(tmp_path: Path) -> None:
    """A file smaller than one read of the reader: every paper shares its one position, yet
    the bar climbs with each one done instead of jumping to its end at the first."""
    src = write_records(tmp_path / "small.jsonl", 20)
    assert src.stat().st_size < 64 * 1024
    bar = Progress(True, None, [src])
    papers = list(bar.read(p for p in read_papers(src) if isinstance(p, Paper)))
    positions = [bar.position for _ in bar.done(Extraction(p) for p in papers)]
    assert positions == sorted(positions) and len(set(positions)) == 20 and positions[9] < src.stat().st_size * 0.6


def test_progress_skips_papers_that_never_come_back(tmp_path: Path) -> None:
    src = write_records(tmp_path / "some.jsonl", 300)
    bar = Progress(True, None, [src])
    papers = list(bar.read(p for p in read_papers(src) if isinstance(p, Paper)))
    positions = [bar.position for _ in bar.done(Extraction(p) for p in papers[::3])]  # two in three failed
    assert positions == sorted(positions) and len(set(positions)) > 50 and bar.position == src.stat().st_size


def test_progress_counts_for_a_limit_or_a_pipe_and_is_silent_when_off(tmp_path: Path, capsys) -> None:
    src = write_records(tmp_path / "few.jsonl", 3)
    papers = [p for p in read_papers(src) if isinstance(p, Paper)]
    limited = Progress(True, 3, [src])
    assert [e.paper for e in limited.done(Extraction(p) for p in limited.read(papers))] == papers
    assert re.search(r"effikg build: 100%\|.*\| \[\d\d:\d\d<00:00, 3 abstracts, [\d.]+ abstracts/s\]", capsys.readouterr().err)
    piped = Progress(True, None, ["-"])
    list(piped.done(Extraction(p) for p in piped.read(papers[:1])))
    assert re.search(r"effikg build: \[\d\d:\d\d, 1 abstract, [\d.]+ abstracts/s\]", capsys.readouterr().err)
    off = Progress(False, None, [src])
    list(off.done(Extraction(p) for p in off.read(papers)))
    assert capsys.readouterr().err == ""


def test_progress_places_the_papers_of_several_files_after_the_files_before(tmp_path: Path) -> None:
    """Two inputs: the second file's papers stand after the whole first file, and climb
    through the second."""
    first, second = write_records(tmp_path / "a.jsonl", 1), write_records(tmp_path / "b.jsonl", 200, seed=1)
    bar = Progress(True, None, [first, second])
    papers = list(bar.read(p for f in (first, second) for p in read_papers(f) if isinstance(p, Paper)))
    positions = [bar.position for _ in bar.done(Extraction(p) for p in papers)]
    total = first.stat().st_size + second.stat().st_size
    assert len(papers) == 201 and positions == sorted(positions) and positions[100] > first.stat().st_size
    assert len(set(positions)) > 100 and bar.position == total
