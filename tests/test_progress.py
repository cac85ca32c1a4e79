"""pipeline.progress: the build's bar follows the extractions done, placed by the input bytes read."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pipeline.ingest import read_papers
from pipeline.progress import Progress
from pipeline.records import Extraction, Paper


def _records(path: Path, n: int) -> Path:
    text = "We propose FooNet, which runs 2x faster than BarNet on an NVIDIA A100 GPU. " * 12
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"p{i}", "title": f"FooNet {i}", "abstract": f"{text} Variant {i}."}) + "\n")
    return path


def _percentages(err: str) -> list[int]:
    return [int(p) for p in re.findall(r"effikg build:\s+(\d+)%", err)]


def test_progress_moves_with_the_extractions_done_not_the_papers_read(tmp_path: Path, capsys) -> None:
    """Every paper read first (as the reader runs ahead of the NLP): the bar has not moved;
    then the extractions come back and it climbs to 100%, with the count and the rate."""
    src = _records(tmp_path / "many.jsonl", 400)  # ~400 kB: several of the reader's 64 kB chunks
    bar = Progress(True, None, [src])
    papers = list(bar.read(p for p in read_papers(src) if isinstance(p, Paper)))
    assert len(papers) == 400 and _percentages(capsys.readouterr().err) == []
    size, seen, half = src.stat().st_size, [], 0
    for extraction in bar.done(Extraction(p) for p in papers):
        seen.append(extraction.paper.id)
        if len(seen) == 200:
            half = bar.position
    assert seen == [p.id for p in papers]
    assert size * 0.3 < half < size * 0.8  # placed by the bytes read up to the 200th, not jumped to an end
    end = capsys.readouterr().err
    assert bar.position == size and _percentages(end)[-1] == 100
    assert re.search(r"<00:00, 400 abstracts, [\d.]+ abstracts/s\]", end)


def test_progress_counts_for_a_limit_or_a_pipe_and_is_silent_when_off(tmp_path: Path, capsys) -> None:
    src = _records(tmp_path / "few.jsonl", 3)
    papers = [p for p in read_papers(src) if isinstance(p, Paper)]
    limited = Progress(True, 3, [src])
    assert [e.paper for e in limited.done(Extraction(p) for p in limited.read(papers))] == papers
    assert re.search(r"effikg build: 100%\|.*\| 3/3 ", capsys.readouterr().err)
    piped = Progress(True, None, ["-"])
    list(piped.done(Extraction(p) for p in piped.read(papers)))
    assert "effikg build: 3 abstracts" in capsys.readouterr().err
    off = Progress(False, None, [src])
    list(off.done(Extraction(p) for p in off.read(papers)))
    assert capsys.readouterr().err == ""


def test_progress_input_sizes_are_the_files_read_in_reading_order(tmp_path: Path) -> None:
    from pipeline.ingest import input_sizes

    folder = tmp_path / "corpus"
    folder.mkdir()
    _records(folder / "b.jsonl", 2)
    _records(folder / "a.jsonl", 1)
    (folder / "notes.pdf").write_bytes(b"%PDF")  # not read, so not counted
    (folder / ".hidden.jsonl").write_text("{}\n")
    single = _records(tmp_path / "one.jsonl", 1)
    sizes = input_sizes([single, folder])
    assert list(sizes) == [str(single), str(folder / "a.jsonl"), str(folder / "b.jsonl")]
    assert sizes[str(folder / "b.jsonl")] == (folder / "b.jsonl").stat().st_size
    assert input_sizes([single, "-"]) is None
