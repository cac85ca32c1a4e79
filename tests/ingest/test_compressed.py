"""Compressed inputs (gzip, bzip2, zstd) stream through every reader as their text would."""

from __future__ import annotations

import bz2
import gzip
from pathlib import Path

import pytest

from pipeline.ingest import InputError, read_papers
from pipeline.records import Paper

zstandard = pytest.importorskip("zstandard")

COMPRESS = {
    ".gz": gzip.compress,
    ".bz2": bz2.compress,
    ".zst": lambda data: zstandard.ZstdCompressor().compress(data),
}


def _papers(path: Path) -> list[tuple]:
    return [(p.id, p.title, p.abstract, p.categories) for p in read_papers(path) if isinstance(p, Paper)]


@pytest.mark.parametrize("suffix", sorted(COMPRESS))
def test_compressed_snapshot_reads_as_its_text(data_dir: Path, tmp_path: Path, suffix: str) -> None:
    plain = data_dir / "extra-arxiv.jsonl"
    packed = tmp_path / f"snapshot.jsonl{suffix}"
    packed.write_bytes(COMPRESS[suffix](plain.read_bytes()))
    expected = _papers(plain)
    assert expected and _papers(packed) == expected


def test_compressed_files_in_a_folder_are_read(data_dir: Path, tmp_path: Path) -> None:
    text = (data_dir / "extra-arxiv.jsonl").read_bytes()
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(text))
    assert len(_papers(tmp_path)) == len(_papers(data_dir / "extra-arxiv.jsonl"))


def test_compressed_damaged_stream_is_one_line_naming_the_file(data_dir: Path, tmp_path: Path) -> None:
    text = (data_dir / "extra-arxiv.jsonl").read_bytes() * 4
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(gzip.compress(text)[: len(gzip.compress(text)) // 2])
    with pytest.raises(InputError) as caught:
        list(read_papers(cut))
    assert str(caught.value).startswith(f"{cut}: is a damaged gzip file (")
    assert "\n" not in str(caught.value)
