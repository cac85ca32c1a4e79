"""BibTeX, OpenAlex and Semantic Scholar readers, on samples shaped like the real exports
(tests/data/sources: a Zotero Better-BibTeX export, OpenAlex works as the API and snapshot
give them, Semantic Scholar Graph API papers and a record of its datasets)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.ingest import detect_format, read_papers
from pipeline.ingest.openalex import rebuild_abstract
from pipeline.records import Paper, Skipped

SOURCES = Path(__file__).resolve().parent.parent / "data" / "sources"


def _read(name: str) -> tuple[list[Paper], list[Skipped]]:
    records = list(read_papers(SOURCES / name))
    return [r for r in records if isinstance(r, Paper)], [r for r in records if isinstance(r, Skipped)]


@pytest.mark.parametrize("name,format", [
    ("zotero.bib", "bibtex"), ("openalex-works.jsonl", "openalex"), ("semantic-scholar.jsonl", "semantic-scholar"),
])
def test_sources_detected_from_content(name: str, format: str, tmp_path: Path) -> None:
    assert detect_format(SOURCES / name) == format
    renamed = tmp_path / "export.txt"  # the extension is not what tells them apart
    renamed.write_bytes((SOURCES / name).read_bytes())
    assert detect_format(renamed) == format


def test_sources_bibtex_zotero_export() -> None:
    (triforce, vllm), skipped = _read("zotero.bib")
    assert triforce.title == ("TriForce: Lossless Acceleration of Long Sequence Generation with "
                              "Hierarchical Speculative Decoding")
    assert triforce.id == triforce.arxiv_id == "2404.11912" and triforce.doi == "10.48550/arXiv.2404.11912"
    assert triforce.authors == ("Hanshi Sun", "Zhuoming Chen", "Xinyu Yang", "Yuandong Tian", "Beidi Chen")
    assert "We introduce TriForce, a hierarchical" in triforce.abstract and "{" not in triforce.abstract
    assert "2.31$\\times$ on an A100 GPU" in triforce.abstract  # LaTeX is left for the text clean-up
    assert triforce.date == "2024" and triforce.categories[0] == "Computer Science - Computation and Language"
    assert vllm.venue == "Proceedings of the 29th Symposium on Operating Systems Principles"
    assert vllm.authors[0] == "Woosuk Kwon" and vllm.n_authors == 9 and vllm.doi == "10.1145/3600006.3613165"
    assert [(s.line, s.reason) for s in skipped] == [
        (32, "entry no_abstract_2020 has no abstract field; skipped"),
        (39, "@article entry is not valid BibTeX (unbalanced braces?); skipped"),
    ]


def test_sources_openalex_abstract_rebuilt_from_inverted_index() -> None:
    (work,), skipped = _read("openalex-works.jsonl")
    raw = json.loads((SOURCES / "openalex-works.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert work.abstract.startswith("With large language models (LLMs) widely deployed")
    assert work.abstract.endswith("TriForce achieves up to 2.31× on an A100 GPU.")
    assert len(work.abstract.split()) == sum(len(p) for p in raw["abstract_inverted_index"].values())
    assert (work.arxiv_id, work.doi, work.date) == ("2404.11912", "10.48550/arxiv.2404.11912", "2024-04-18")
    assert work.authors == ("Hanshi Sun", "Zhuoming Chen", "Beidi Chen")
    assert work.venue == "arXiv (Cornell University)"
    assert work.categories == ("Natural Language Processing Techniques",)
    assert [s.line for s in skipped] == [2] and "no \"abstract_inverted_index\"" in skipped[0].reason


def test_sources_openalex_rebuild_keeps_repeated_words_in_place() -> None:
    assert rebuild_abstract({"the": [0, 2], "cat": [1], "mat": [3]}) == "the cat the mat"


def test_sources_semantic_scholar_api_and_dataset_records() -> None:
    (api, dataset), skipped = _read("semantic-scholar.jsonl")
    assert (api.arxiv_id, api.doi, api.date, api.venue) == (
        "2404.11912", "10.48550/arXiv.2404.11912", "2024-04-18", "Conference on Language Modeling")
    assert api.authors == ("Hanshi Sun", "Zhuoming Chen", "Beidi Chen")
    assert api.categories == ("Computer Science", "Engineering")
    assert (dataset.doi, dataset.date, dataset.arxiv_id) == ("10.1145/3600006.3613165", "2023-09-12", None)
    assert [s.line for s in skipped] == [2] and "Semantic Scholar withholds" in skipped[0].reason


def test_sources_formats_lists_the_new_readers() -> None:
    result = CliRunner().invoke(main, ["formats"])
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.output.splitlines()]
    assert {"bibtex", "openalex", "semantic-scholar"} <= set(names)


@pytest.mark.slow
def test_sources_build_from_all_three(tmp_path: Path) -> None:
    """The same paper from three sources is one paper (its arXiv id); the build names TriForce."""
    import rdflib

    from pipeline.build import run_build
    from pipeline.terms import EKG

    summary = run_build([SOURCES / n for n in ("zotero.bib", "openalex-works.jsonl", "semantic-scholar.jsonl")],
                        tmp_path / "out")
    # TriForce once (its arXiv id); vLLM from BibTeX and from the dataset record once too:
    # no arXiv id in one of them, but the same normalised title (issue 12.1).
    assert summary.papers == 2
    g = rdflib.Graph().parse(tmp_path / "out" / "effikg.ttl")
    labels = {str(g.value(m, rdflib.RDFS.label)) for m in g.subjects(rdflib.RDF.type, EKG.Method)}
    assert "TriForce" in labels
