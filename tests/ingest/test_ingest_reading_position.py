"""pipeline.ingest.reading and input_sizes: where reading has got to in the files a build reads
(what the progress bar places the abstracts done by)."""

from __future__ import annotations

import bz2
import gzip
import json
import random
from pathlib import Path

import pytest

from pipeline.ingest import input_sizes, read_papers, reading
from pipeline.records import Paper

zstandard = pytest.importorskip("zstandard")
COMPRESS = {"": lambda data: data, ".gz": gzip.compress, ".bz2": bz2.compress,
            ".zst": lambda data: zstandard.ZstdCompressor().compress(data)}


def write_records(path: Path, n: int, seed: int = 0) -> Path:
    """n JSON Lines records of made-up words (random letters: they do not compress away)."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    lines = [json.dumps({"id": f"p{i}", "title": f"FooNet {i}", "abstract": "We propose FooNet. " + " ".join(
        "".join(rng.choice(letters) for _ in range(5)) for _ in range(150))}) for i in range(n)]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(COMPRESS["".join(s for s in path.suffixes[-1:] if s in COMPRESS)](data))
    return path


@pytest.mark.parametrize("suffix", ["", ".gz", ".bz2", ".zst"])
def test_ingest_reading_climbs_through_the_file_on_disk(tmp_path: Path, suffix: str) -> None:
    """Plain or compressed, the position is in the bytes of the file on disk: it climbs as
    the papers come, never past the file's size; nothing is open once reading is done.
    (bzip2 decompresses by blocks of 900 kB of text: its position moves a block at a time.)"""
    path = write_records(tmp_path / f"many.jsonl{suffix}", 2000 if suffix else 600)
    size = path.stat().st_size
    assert size > 512 * 1024  # several of the reader's (or decompressor's) reads
    positions = []
    for paper in read_papers(path):
        assert isinstance(paper, Paper)
        name, position = reading()
        assert name == str(path) and 0 < position <= size
        positions.append(position)
    assert positions == sorted(positions) and positions[-1] == size
    assert len(set(positions)) >= (2 if suffix == ".bz2" else 4)
    assert reading() is None


def test_ingest_input_sizes_are_the_files_read_under_their_names(tmp_path: Path) -> None:
    """The files reading the inputs opens, in reading order (a folder's readable files by name),
    keyed by the very name reading() reports for each; None when an input is a pipe."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    write_records(folder / "b.jsonl", 2)
    write_records(folder / "a.jsonl.gz", 1)
    (folder / "notes.pdf").write_bytes(b"%PDF")  # not read, so not counted
    (folder / ".hidden.jsonl").write_text("{}\n")
    single = write_records(tmp_path / "one.jsonl", 1)
    sizes = input_sizes([single, folder])
    assert list(sizes) == [str(single), str(folder / "a.jsonl.gz"), str(folder / "b.jsonl")]
    assert sizes[str(folder / "a.jsonl.gz")] == (folder / "a.jsonl.gz").stat().st_size
    seen = {where[0] for source in (single, folder) for _ in read_papers(source) if (where := reading())}
    assert seen <= set(sizes) and str(folder / "b.jsonl") in seen
    assert input_sizes([single, "-"]) is None
    assert list(input_sizes([f"{tmp_path}//one.jsonl"])) == [str(single)]  # as the reader names it
