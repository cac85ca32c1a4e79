"""Acceptance: every seed abstract and every extra arXiv record, checked against the gold."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest import read_papers
from pipeline.records import Paper, Skipped


def _match(gold: list[dict], papers: list[Paper]) -> list[int]:
    """For each gold line, the index of the one paper whose abstract holds its key."""
    indices = []
    for line in gold:
        hits = [i for i, p in enumerate(papers) if line["key"] in p.abstract]
        assert len(hits) == 1, f"key {line['key']!r} found in {len(hits)} abstracts"
        indices.append(hits[0])
    return indices


def test_ingest_seeds_read_all_86_without_skips(seed_records: list[Paper | Skipped]) -> None:
    assert [r for r in seed_records if isinstance(r, Skipped)] == []
    assert len(seed_records) == 86


def test_ingest_seeds_match_gold_in_file_order(seed_gold: list[dict], seed_papers: list[Paper]) -> None:
    indices = _match(seed_gold, seed_papers)
    assert indices == list(range(len(seed_papers))), "gold order differs from file order"
    for line, i in zip(seed_gold, indices):
        paper = seed_papers[i]
        assert (paper.title, paper.arxiv_id, paper.doi) == (line["title"], line["arxiv"], line["doi"]), line["key"]


def test_ingest_seeds_ids_are_arxiv_or_hash(seed_papers: list[Paper]) -> None:
    for paper in seed_papers:
        if paper.arxiv_id:
            assert paper.id == paper.arxiv_id
        else:
            assert paper.id.startswith("h-") and len(paper.id) == 14
    assert len({p.id for p in seed_papers}) == len(seed_papers)


def test_ingest_seeds_positions_and_sources(seed_files: list[Path], seed_papers: list[Paper]) -> None:
    for path in seed_files:
        positions = [p.position for p in seed_papers if p.source == str(path)]
        assert positions == list(range(len(positions))) and positions, path.name


def test_ingest_seeds_llm_fp4_id_and_venue(seed_papers: list[Paper]) -> None:
    (paper,) = [p for p in seed_papers if "We propose LLM-FP4" in p.abstract]
    assert paper.arxiv_id == "2310.16836"
    assert paper.venue == "EMNLP 2023 Main Conference"
    assert paper.code_url == "https://github.com/nbasyl/LLM-FP4"
    assert paper.date == "2023-10"


def test_ingest_extra_arxiv_matches_gold(data_dir: Path, extra_gold: list[dict]) -> None:
    records = list(read_papers(data_dir / "extra-arxiv.jsonl"))
    assert [r for r in records if isinstance(r, Skipped)] == []
    papers = [r for r in records if isinstance(r, Paper)]
    assert len(papers) == 44
    indices = _match(extra_gold, papers)
    assert indices == list(range(44))
    for line, i in zip(extra_gold, indices):
        paper = papers[i]
        assert (paper.title, paper.arxiv_id, paper.doi) == (line["title"], line["arxiv"], line["doi"]), line["key"]


@pytest.mark.parametrize(
    "key,title,date,n_authors",
    [
        ("We propose combining memory saving techniques", "Memory Efficient 3D U-Net with Reversible "
         "Mobile Inverted Bottlenecks for Brain Tumor Segmentation", "2021-04-19", 6),
        ("Diffusion Transformers (DiT) have become", None, None, 5),  # "May 28 2": no year
        ("The efficiency of large vision-language models", None, "2024-10-11", 7),  # "Oct 11, 2024 3"
        ("Modern natural language processing models", None, None, None),  # organisation line
        ("We rethink test-time scaling laws", None, None, None),  # no metadata block
        ("Historically, the pursuit of efficient inference", "Fast Sparse ConvNets", "2019-11-21", 4),
    ],
)
def test_ingest_seeds_listing_metadata(
    seed_papers: list[Paper], key: str, title: str | None, date: str | None, n_authors: int | None
) -> None:
    (paper,) = [p for p in seed_papers if key in p.abstract]
    if title is not None:
        assert paper.title == title
    assert (paper.date, paper.n_authors) == (date, n_authors)
