"""run_build: streams inputs, writes everything or nothing, and says what it skipped."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import DCTERMS

from pipeline.build import BuildError, run_build
from pipeline.errors import ExportError, InputsFailedError


ABSTRACT = (
    "We present QuickKV, a KV cache compression method for LLM serving on NVIDIA H100 GPUs. "
    "QuickKV reduces KV cache memory by 4.2x and improves throughput by 35% over vLLM."
)
from pipeline.terms import EKG


@pytest.mark.slow
def test_build_writes_every_export(built_graph_dir: Path) -> None:
    from pipeline.export import EXPORTERS

    from pipeline.outdir import MANIFEST, STORE_DIR

    names = {p.name + ("/" if p.is_dir() else "") for p in built_graph_dir.iterdir()}
    declared = {f for e in EXPORTERS.values() for f in e.files}
    assert declared | {MANIFEST, STORE_DIR + "/"} == names
    assert {"effikg.ttl", "effikg.nt", "effikg.jsonld", "effikg.owl", "effikg.graphml", "neo4j/",
            "index.html"} <= names  # what README.md promises


@pytest.mark.slow
@pytest.mark.parametrize("failure,error,message", [
    (OSError("disk full"), BuildError, r"cannot write the build \(disk full\); the output folder is left as it was"),
    (ExportError("cannot write 'Tab\x0bhere' in XML 1.0"), ExportError, r"in XML 1\.0; the output folder is left as it was"),
], ids=["disk-full", "export-error"])
def test_build_failed_export_leaves_previous_output_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: Exception, error: type[Exception], message: str,
) -> None:
    # The OWL export fails after the Turtle, N-Triples and JSON-LD are in the scratch folder.
    # (A record with a character XML 1.0 cannot carry never gets this far: the build skips it.)
    def failing_owl(graph: rdflib.Graph, scratch: Path) -> list[Path]:
        (scratch / "effikg.owl").write_text("half", encoding="utf-8")
        raise failure

    monkeypatch.setattr("pipeline.export.rdf.save_owl", failing_owl)
    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps({"title": "QuickKV", "abstract": ABSTRACT}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "effikg.ttl").write_text("previous build\n", encoding="utf-8")

    with pytest.raises(error, match=message):
        run_build([src], out, force=True)
    assert [p.name for p in out.iterdir()] == ["effikg.ttl"]
    assert (out / "effikg.ttl").read_text(encoding="utf-8") == "previous build\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_build_writes_the_named_exports_and_always_turtle(tmp_path: Path) -> None:
    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps({"title": "QuickKV", "abstract": ABSTRACT}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    (out / "neo4j").mkdir(parents=True)
    (out / "neo4j" / "README.md").write_text("not from effikg\n", encoding="utf-8")
    summary = run_build([src], out, exports=["nt", "graphml"], force=True)  # no build in it yet: --force
    assert summary.exports == ["ttl", "nt", "graphml"]
    assert sorted(p.name for p in out.iterdir()) == [
        ".effikg-manifest.json", ".effikg-store", "effikg.graphml", "effikg.nt", "effikg.ttl", "neo4j"]
    assert (out / "neo4j" / "README.md").read_text(encoding="utf-8") == "not from effikg\n"  # not ours to touch
    assert summary.files == [out / "effikg.graphml", out / "effikg.nt", out / "effikg.ttl"]


@pytest.mark.slow
def test_build_export_keeps_the_earlier_files_of_the_exports_it_leaves_out(tmp_path: Path) -> None:
    from pipeline.outdir import MANIFEST, read_owned

    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps({"title": "QuickKV", "abstract": ABSTRACT}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    run_build([src], out, exports=["nt", "graphml"])
    graphml = (out / "effikg.graphml").stat().st_ino
    (out / "effikg.nt").write_text("edited by hand\n", encoding="utf-8")
    summary = run_build([src], out, exports=["jsonld"])
    assert summary.files == [out / "effikg.jsonld", out / "effikg.ttl"]
    assert (out / "effikg.graphml").stat().st_ino == graphml  # left as it was, still the build's
    assert set(read_owned(out)) == {"effikg.ttl", "effikg.jsonld", "effikg.graphml"}
    assert (out / "effikg.nt").read_text(encoding="utf-8") == "edited by hand\n"  # changed: the user's now
    assert sorted(p.name for p in out.iterdir()) == [
        MANIFEST, ".effikg-store", "effikg.graphml", "effikg.jsonld", "effikg.nt", "effikg.ttl"]
    run_build([src], out)  # everything: the user's edited effikg.nt is named as an output
    assert set(read_owned(out)) >= {"effikg.nt", "effikg.graphml", "index.html"}
    assert (out / "effikg.nt").read_text(encoding="utf-8") != "edited by hand\n"


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
    with pytest.raises(InputsFailedError, match="no abstract could be read") as caught:
        run_build([tmp_path / "missing.jsonl"], tmp_path / "out", keep_going=True)
    assert caught.value.exit_code == 2
    assert not (tmp_path / "out").exists()


def test_build_missing_input_fails_before_reading(tmp_path: Path) -> None:
    with pytest.raises(InputsFailedError, match="missing.jsonl: no such file or folder; nothing was written"):
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
        run_build([tmp_path / "missing.csv", tmp_path / "empty.txt", bad], tmp_path / "out", keep_going=True)
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


# -- one record never takes the build down ---------------------------------------------------

RAPPER = shutil.which("rapper")


def _check_outputs_parse(out: Path) -> rdflib.Graph:
    graph = rdflib.Graph().parse(out / "effikg.ttl", format="turtle")
    assert len(rdflib.Graph().parse(out / "effikg.owl", format="xml")) > len(graph)
    rdflib.Graph().parse(out / "effikg.jsonld", format="json-ld")
    if RAPPER is None:
        pytest.skip("rapper (Debian raptor2-utils) is not installed: the independent parser check did not run")
    for name, syntax in (("effikg.ttl", "turtle"), ("effikg.nt", "ntriples"), ("effikg.owl", "rdfxml")):
        proc = subprocess.run([RAPPER, "-q", "-i", syntax, "-c", str(out / name)], capture_output=True)
        assert proc.returncode == 0, f"rapper rejected {name}: {proc.stderr.decode()[-300:]}"
    return graph


@pytest.mark.slow
def test_build_hostile_records_cost_only_themselves(tmp_path: Path) -> None:
    """Each of these took the whole build down, every good record with it."""
    from click.testing import CliRunner

    from pipeline.cli import main

    text = tmp_path / "hostile.txt"
    text.write_bytes(
        f"Abstract: {ABSTRACT}\n".encode()
        + b"Abstract: We run Fast\x0cNet on an A100 GPU.\n"
        + b"Abstract: We run Bel\x07Net on an A100 GPU.\n"
        + b"Abstract: We run \x1b[31mEscNet\x1b[0m on an A100 GPU.\n"
        + b"Abstract: We run " + b"word " * 10_000_000 + b"\n"  # one 50 MB line
    )
    jsonl = tmp_path / "hostile.jsonl"
    lines = [json.dumps({"title": "Good", "abstract": "We present SlimNet, which cuts the latency of a Jetson Nano by 35%."})]
    lines += ['{"abstract": "We run NulNet\\u0000 on GPUs."}', '{"abstract": "We run SohNet\\u0001 on GPUs."}',
              '{"abstract": "We run NonNet\\ufffe on GPUs."}', '{"abstract": "We run SurNet \\ud800 on GPUs."}',
              "[" * 100_000 + "]" * 100_000, json.dumps({"abstract": "We run BigNet on GPUs. " + "word " * 220_000})]
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(text), str(jsonl), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    reports = [line for line in result.output.splitlines() if line.startswith(("skipped:", "warning:"))]
    assert all(line.isprintable() for line in reports), reports
    assert any("nested too deeply" in line for line in reports)
    assert sum("abstract cut to its first" in line for line in reports) == 2
    graph = _check_outputs_parse(out)
    abstracts = {str(o) for o in graph.objects(None, DCTERMS.abstract)}
    assert ABSTRACT in abstracts
    assert any("SlimNet" in a for a in abstracts)
    assert len(abstracts) == 11  # every record but the nested JSON
    assert all(len(a) <= 20_000 for a in abstracts)


@pytest.mark.slow
def test_build_extract_each_skips_a_paper_the_model_rejects() -> None:
    """A hand-made Paper (no reader cut it) over spaCy's 1,000,000 characters: E088."""
    from pipeline.build import BuildSummary, extract_each
    from pipeline.records import Paper

    good = Paper(id="good", abstract=ABSTRACT, source="hand.jsonl", position=0)
    huge = Paper(id="huge", abstract="word " * 250_000, source="hand.jsonl", position=1)
    bel = Paper(id="bel", abstract="We run Bel\x07Net on an A100 GPU.", source="hand.jsonl", position=2)
    summary = BuildSummary(papers=3)
    extractions = list(extract_each([good, huge, bel], summary))
    assert [e.paper.id for e in extractions] == ["good"]
    assert summary.papers == 1
    reasons = [str(s) for s in summary.skipped]
    assert reasons[0].startswith("hand.jsonl: record 2: extraction failed (ValueError: [E088]")
    assert reasons[1] == "hand.jsonl: record 3: holds a character no output can carry ('\\x07'); skipped"


@pytest.mark.slow
@pytest.mark.parametrize("failure", [ExportError("cannot write it"), KeyboardInterrupt()], ids=["export-error", "interrupted"])
def test_build_that_fails_late_leaves_no_new_folder_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException,
) -> None:
    """Stopped after reading (an export fails, Ctrl-C): the new --out and its new parents
    are gone; a cache the build began under --out is kept, and nothing else."""
    from pipeline.build import ExtractOptions

    def failing_owl(graph: rdflib.Graph, scratch: Path) -> list[Path]:
        raise failure

    monkeypatch.setattr("pipeline.export.rdf.save_owl", failing_owl)
    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps({"title": "QuickKV", "abstract": ABSTRACT}) + "\n", encoding="utf-8")
    with pytest.raises(type(failure)):
        run_build([src], tmp_path / "new" / "deeper" / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.jsonl"]
    out = tmp_path / "other" / "out"
    with pytest.raises(type(failure)):
        run_build([src], out, extract=ExtractOptions(cache=out / ".effikg-cache"))
    assert [p.relative_to(tmp_path).as_posix() for p in sorted(tmp_path.rglob("*")) if p.is_file()] == [
        "one.jsonl", "other/out/.effikg-cache/extractions.sqlite"]


@pytest.mark.slow
def test_build_disk_full_while_assembling_keeps_the_cache_it_began(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk as the papers are assembled (during the NLP, not after it) is no bad
    input: the build fails with one line, the output folder is gone, the NLP's cache stays."""
    import errno

    from pipeline.build import ExtractOptions

    def disk_full(self, extraction) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "out" / "run-1.nt"))

    monkeypatch.setattr("pipeline.store.StoreAssembly.add", disk_full)
    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps({"title": "QuickKV", "abstract": ABSTRACT}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(BuildError, match="No space left on device"):
        run_build([src], out, extract=ExtractOptions(cache=out / ".effikg-cache"))
    assert [p.relative_to(tmp_path).as_posix() for p in sorted(tmp_path.rglob("*")) if p.is_file()] == [
        "one.jsonl", "out/.effikg-cache/extractions.sqlite"]


def test_build_bad_input_leaves_no_new_folder_behind(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    with pytest.raises(BuildError, match="no abstract could be read"):
        run_build([bad], tmp_path / "new" / "deeper" / "out", keep_going=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl"]
