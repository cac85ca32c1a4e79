"""pipeline.ingest.filters and the build's reading: filters before the NLP, one paper
however often it is met (arXiv id, DOI, normalised title; across files and formats)."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.build import BuildSummary, read_inputs
from pipeline.cli import main
from pipeline.ingest.filters import Dedup, PaperFilter, parse_date
from pipeline.records import Paper

ABSTRACT = "We propose QuickKV, a cache that speeds up decoding by 2.1x on an NVIDIA A100 GPU."


def _paper(**fields) -> Paper:
    return Paper(**{"id": "2301.00001", "abstract": ABSTRACT, **fields})


@pytest.mark.parametrize("keep,fields", [
    (True, {"categories": ("cs.LG", "stat.ML")}),
    (True, {"categories": ("cs.AR",)}),
    (False, {"categories": ("cs.CL",)}),
    (False, {"categories": ()}),
])
def test_filters_category_any_of(keep: bool, fields: dict) -> None:
    assert PaperFilter(categories=("cs.LG", "cs.AR")).keep(_paper(**fields)) is keep


def test_filters_category_pattern_takes_an_archive() -> None:
    assert PaperFilter(categories=("cs.*",)).keep(_paper(categories=("cs.DC",)))
    assert not PaperFilter(categories=("cs.*",)).keep(_paper(categories=("physics.comp-ph",)))


@pytest.mark.parametrize("date,keep", [
    ("2023-03-01", True), ("2023-01", True), ("2023", True), ("2022-12-31", False),
    ("2024-07-01", False), ("2024-06-30", True), (None, False),
])
def test_filters_since_until_inclusive_and_partial_dates(date: str | None, keep: bool) -> None:
    f = PaperFilter(since="2023-01-15", until="2024-06")
    assert f.keep(_paper(date=date)) is keep


def test_filters_match_title_or_abstract() -> None:
    f = PaperFilter(match=r"(?i)\bkv cache\b|quickkv")
    assert f.keep(_paper())
    assert f.keep(_paper(abstract="Nothing here.", title="A QuickKV study"))
    assert not f.keep(_paper(abstract="Nothing here.", title="Other"))


def test_filters_bad_values_fail_before_reading() -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_date("March 2023")
    with pytest.raises(re.error):
        PaperFilter(match="(")


@pytest.mark.parametrize("other", [
    {"id": "2301.00001", "arxiv_id": "2301.00001v2"},
    {"id": "h-1", "doi": "10.1234/ABC"},
    {"id": "h-2", "title": "QuickKV:  Fast KV-Cache Decoding!"},
])
def test_filters_dedup_same_id_doi_or_title(other: dict) -> None:
    dedup = Dedup()
    first = _paper(arxiv_id="2301.00001", doi="10.1234/abc", title="QuickKV: fast KV cache decoding", source="a")
    assert dedup.first_seen(first) is None
    assert dedup.first_seen(_paper(**{"abstract": "Other text.", **other})) == ("2301.00001", "a")
    assert dedup.first_seen(_paper(id="h-3", title="Short")) is None  # a short title names no one paper


def test_filters_read_inputs_one_paper_across_formats_and_compression(tmp_path: Path) -> None:
    snapshot = {"id": "2301.00001", "title": "QuickKV: Fast KV Cache Decoding", "abstract": ABSTRACT,
                "categories": "cs.LG", "update_date": "2023-01-05", "versions": [], "doi": "10.1/x"}
    listing = {"title": "QuickKV: fast KV-cache decoding", "abstract": ABSTRACT + " Extended.", "doi": "10.1/X"}
    a, b = tmp_path / "snap.jsonl.gz", tmp_path / "other.jsonl"
    a.write_bytes(gzip.compress((json.dumps(snapshot) + "\n").encode()))
    b.write_text(json.dumps(listing) + "\n", encoding="utf-8")
    summary = BuildSummary()
    papers = list(read_inputs([a, b], summary))
    assert [p.id for p in papers] == ["2301.00001"]
    assert [str(s) for s in summary.skipped] == [f"{b}: record 1 repeats paper 2301.00001 (read from {a}); skipped"]


def test_filters_read_inputs_limit_and_filtered_count(data_dir: Path) -> None:
    summary = BuildSummary()
    papers = list(read_inputs([data_dir / "extra-arxiv.jsonl"], summary, filter=PaperFilter(categories=("cs.AR",), limit=3)))
    assert len(papers) == 3 and all("cs.AR" in p.categories for p in papers)
    assert summary.papers == 3 and summary.filtered > 0


def test_filters_cli_bad_date_and_pattern_are_usage_errors(tmp_path: Path) -> None:
    for args, where in ((["--since", "last week"], "--since"), (["--match", "(["], "--match")):
        result = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "out"), *args])
        assert result.exit_code == 2 and where in result.output
        assert not (tmp_path / "out").exists()


def test_filters_cli_nothing_passes_is_one_clear_error(data_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(data_dir / "extra-arxiv.jsonl"), "--category", "q-bio.XX",
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "no abstract passed the filters" in result.output
    assert not (tmp_path / "out").exists()
