"""run_build: streams inputs, writes everything or nothing, and says what it skipped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib

from pipeline.build import BuildError, run_build
from pipeline.errors import ExportError


ABSTRACT = (
    "We present QuickKV, a KV cache compression method for LLM serving on NVIDIA H100 GPUs. "
    "QuickKV reduces KV cache memory by 4.2x and improves throughput by 35% over vLLM."
)
from pipeline.terms import EKG


@pytest.mark.slow
def test_build_writes_every_export(built_graph_dir: Path) -> None:
    from pipeline.export import EXPORTERS

    names = {p.name + ("/" if p.is_dir() else "") for p in built_graph_dir.iterdir()}
    declared = {f for e in EXPORTERS.values() for f in e.files}
    assert declared == names
    assert {"effikg.ttl", "effikg.nt", "effikg.jsonld", "effikg.owl", "effikg.graphml", "neo4j/",
            "index.html"} <= names  # what README.md promises


@pytest.mark.slow
def test_build_failed_export_leaves_previous_output_untouched(tmp_path: Path) -> None:
    # A vertical tab is fine in Turtle, N-Triples and JSON-LD but not in XML 1.0: the OWL
    # export fails after the others have been written to the scratch folder.
    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps({"title": "QuickKV", "abstract": ABSTRACT + " Tab\u000bhere."}) + "\n",
                   encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "effikg.ttl").write_text("previous build\n", encoding="utf-8")

    with pytest.raises(ExportError, match="XML 1.0"):
        run_build([src], out)
    assert [p.name for p in out.iterdir()] == ["effikg.ttl"]
    assert (out / "effikg.ttl").read_text(encoding="utf-8") == "previous build\n"
    assert not list(tmp_path.glob(".effikg-build-*"))


@pytest.mark.slow
def test_build_writes_the_named_exports_and_always_turtle(tmp_path: Path) -> None:
    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps({"title": "QuickKV", "abstract": ABSTRACT}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    (out / "neo4j").mkdir(parents=True)
    (out / "neo4j" / "README.md").write_text("an earlier build\n", encoding="utf-8")
    summary = run_build([src], out, exports=["nt", "graphml"])
    assert summary.exports == ["ttl", "nt", "graphml"]
    assert sorted(p.name for p in out.iterdir()) == ["effikg.graphml", "effikg.nt", "effikg.ttl", "neo4j"]
    assert (out / "neo4j" / "README.md").read_text(encoding="utf-8") == "an earlier build\n"  # not ours to touch
    assert summary.files == [out / "effikg.graphml", out / "effikg.nt", out / "effikg.ttl"]


def test_build_unknown_export_fails_before_reading_anything(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown export 'pdf'; choose from: ttl, nt"):
        run_build([tmp_path / "missing.jsonl"], tmp_path / "out", exports=["pdf"])
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_build_summary_counts_papers_and_claims(tmp_path: Path) -> None:
    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps({"title": "QuickKV", "abstract": ABSTRACT}) + "\n", encoding="utf-8")
    summary = run_build([src], tmp_path / "out")
    assert summary.papers == 1
    assert summary.papers_with_methods == 1
    assert summary.claims_by_relation["improves"] >= 1
    g = rdflib.Graph().parse(tmp_path / "out" / "effikg.ttl", format="turtle")
    assert (None, EKG.proposes, None) in g


def test_build_nothing_readable_raises(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="no abstract could be read"):
        run_build([tmp_path / "missing.jsonl"], tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_build_unwritable_out_is_a_build_error(tmp_path: Path) -> None:
    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps({"title": "QuickKV", "abstract": ABSTRACT}) + "\n", encoding="utf-8")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"a-file.*: cannot write the build"):
        run_build([src], blocker / "out")
    assert blocker.read_text(encoding="utf-8") == "not a folder\n"


def test_build_nothing_readable_lists_each_problem_on_its_own_line(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n[1]\n", encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        run_build([tmp_path / "missing.csv", tmp_path / "empty.txt", bad], tmp_path / "out")
    lines = str(caught.value).splitlines()
    assert lines[0] == "no abstract could be read:"
    assert [line.strip() for line in lines[1:]] == [
        f"{tmp_path / 'missing.csv'}: no such file or folder",
        f"{tmp_path / 'empty.txt'}: empty file",
        f"{bad}:1: not valid JSON (Expecting property name enclosed in double quotes at column 2); line skipped",
        f"{bad}:2: a JSON list, not an object; line skipped",
    ]
    assert not (tmp_path / "out").exists()


def test_build_readable_file_without_records_is_named(tmp_path: Path) -> None:
    header_only = tmp_path / "header.csv"
    header_only.write_text("title,abstract\n", encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        run_build([header_only], tmp_path / "out")
    assert str(caught.value) == f"no abstract could be read: {header_only}: no abstract found in it"


@pytest.mark.slow
def test_build_outputs_are_readable_by_others(tmp_path: Path) -> None:
    """Files get the mode a plain open() gives (0o666 less the umask), not mkstemp's 0o600."""
    import os
    import stat

    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps({"title": "QuickKV", "abstract": ABSTRACT}) + "\n", encoding="utf-8")
    old = os.umask(0o022)
    try:
        run_build([src], tmp_path / "out")
    finally:
        os.umask(old)
    files = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert files
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in files} == {p.name: 0o644 for p in files}


def test_build_read_inputs_skips_a_paper_repeated_in_another_input(tmp_path: Path) -> None:
    from pipeline.build import BuildSummary, read_inputs

    first, second = tmp_path / "a.jsonl", tmp_path / "b.txt"
    first.write_text(json.dumps({"title": "QuickKV", "abstract": ABSTRACT}) + "\n", encoding="utf-8")
    second.write_text(f"Abstract: {ABSTRACT}\nAbstract: Another abstract.\n", encoding="utf-8")
    summary = BuildSummary()
    papers = list(read_inputs([first, second], summary))
    assert [(p.source, p.position) for p in papers] == [(str(first), 0), (str(second), 1)]
    assert summary.papers == 2
    assert [str(s) for s in summary.skipped] == [
        f"{second}: record 1 repeats paper {papers[0].id} (read from {first}); skipped"]
