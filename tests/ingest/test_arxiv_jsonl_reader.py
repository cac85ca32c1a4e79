"""The arXiv metadata snapshot reader: wrapped, indented fields joined; metadata mapped."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.ingest import detect_format, read_papers
from pipeline.records import Paper, Skipped

RECORD = {
    "id": "2310.16836", "submitter": "Shih-yang Liu",
    "authors": "Shih-yang Liu, Zechun Liu, Xijie Huang, Pingcheng Dong, Kwang-Ting Cheng",
    "title": "LLM-FP4: 4-Bit Floating-Point Quantized Transformers",
    "comments": "EMNLP 2023 Main Conference. Code: https://github.com/nbasyl/LLM-FP4",
    "journal-ref": None, "doi": None, "categories": "cs.CL cs.AI cs.AR",
    "abstract": "  We propose LLM-FP4 for quantizing both weights and activations in large\n"
                "language models (LLMs) down to 4-bit floating-point values, in a post-training\nmanner.\n",
    "versions": [{"version": "v1", "created": "Wed, 25 Oct 2023 17:59:32 GMT"}],
    "update_date": "2023-10-26",
    "authors_parsed": [["Liu", "Shih-yang", ""], ["Liu", "Zechun", ""], ["Huang", "Xijie", ""],
                       ["Dong", "Pingcheng", ""], ["Cheng", "Kwang-Ting", ""]],
}


def test_arxiv_jsonl_snapshot_record(write_input) -> None:
    path = write_input("snap.jsonl", json.dumps(RECORD) + "\n")
    assert detect_format(path) == "arxiv-jsonl"
    (paper,) = read_papers(path)
    assert paper == Paper(
        id="2310.16836",
        abstract="We propose LLM-FP4 for quantizing both weights and activations in large language models "
                 "(LLMs) down to 4-bit floating-point values, in a post-training manner.",
        title="LLM-FP4: 4-Bit Floating-Point Quantized Transformers", arxiv_id="2310.16836", doi=None,
        venue="EMNLP 2023 Main Conference", date="2023-10-25", n_authors=5,
        code_url="https://github.com/nbasyl/LLM-FP4", categories=("cs.CL", "cs.AI", "cs.AR"),
        source=str(path), position=0,
        authors=("Shih-yang Liu", "Zechun Liu", "Xijie Huang", "Pingcheng Dong", "Kwang-Ting Cheng"),
        comment="EMNLP 2023 Main Conference",
    )


def test_arxiv_jsonl_comments_are_a_comment_journal_ref_the_venue(write_input) -> None:
    """ "12 pages, 5 figures" is no venue; journal-ref is; categories and authors kept."""
    path = write_input("snap.jsonl", "\n".join([
        json.dumps(dict(RECORD, comments="12 pages, 5 figures")),
        json.dumps(dict(RECORD, id="2401.00002", abstract="Second.", comments="12 pages; accepted at ICML 2024")),
        json.dumps(dict(RECORD, id="2401.00003", abstract="Third.", comments="9 pages",
                        **{"journal-ref": "Proc. MLSys 6 (2024) 1-14"})),
    ]) + "\n")
    a, b, c = read_papers(path)
    assert (a.venue, a.comment) == (None, "12 pages, 5 figures")
    assert (b.venue, b.comment) == ("accepted at ICML 2024", "12 pages; accepted at ICML 2024")
    assert (c.venue, c.comment) == ("Proc. MLSys 6 (2024) 1-14", "9 pages")
    assert a.categories == ("cs.CL", "cs.AI", "cs.AR") and a.authors[0] == "Shih-yang Liu"


def test_arxiv_jsonl_journal_ref_doi_and_local_ids(write_input) -> None:
    path = write_input("snap.jsonl", "\n".join([
        json.dumps(dict(RECORD, id="cs/0501001v2", doi="10.1145/1234.5678", **{"journal-ref": "MLSys 2024"},
                        abstract="Old-style id.", versions=[], update_date="2005-01-03")),
        json.dumps(dict(RECORD, id="x01", abstract="A record made by hand.", versions=None)),
        json.dumps(dict(RECORD, abstract=None)),
    ]) + "\n")
    records = list(read_papers(path))
    a, b = [r for r in records if isinstance(r, Paper)]
    assert (a.id, a.arxiv_id, a.doi, a.venue, a.date) == ("cs/0501001", "cs/0501001", "10.1145/1234.5678",
                                                          "MLSys 2024", "2005-01-03")
    assert b.arxiv_id is None and b.id.startswith("h-") and b.date == "2023-10-26"  # the update date
    (skipped,) = [r for r in records if isinstance(r, Skipped)]
    assert (skipped.line, skipped.reason) == (3, '"abstract" is not text; line skipped')


def test_arxiv_jsonl_extra_corpus_metadata(data_dir: Path) -> None:
    papers = [r for r in read_papers(data_dir / "extra-arxiv.jsonl") if isinstance(r, Paper)]
    with open(data_dir / "extra-arxiv.jsonl", encoding="utf-8") as f:
        raw = [json.loads(line) for line in f]
    assert len(papers) == len(raw) == 44
    for paper, record in zip(papers, raw):
        assert "\n" not in paper.abstract and paper.abstract == paper.abstract.strip()
        assert paper.abstract.split()[:5] == record["abstract"].split()[:5]
        assert paper.categories == tuple(record["categories"].split())
