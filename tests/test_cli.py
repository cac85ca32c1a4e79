"""The CLI is a thin layer: every command documented, errors as one clean line."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
import rdflib
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.terms import EKG


def _commands() -> list[tuple[str, click.Command]]:
    return sorted(main.commands.items())


@pytest.mark.parametrize("name,command", _commands())
def test_cli_every_command_has_help(name: str, command: click.Command) -> None:
    assert (command.help or "").strip(), f"`effikg {name}` has no help text"
    for param in command.params:
        if isinstance(param, click.Option):
            assert (param.help or "").strip(), f"`effikg {name} {param.opts[0]}` has no help"
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output


def test_cli_build_contract_commands_exist() -> None:
    assert "build" in main.commands


@pytest.mark.slow
def test_cli_build_bundled_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No INPUT and no --out, from a folder that is not the checkout: the installed
    # bundled corpus is built into ./graphs.
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "graphs"
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    assert "Read 86 abstracts" in result.output
    g = rdflib.Graph().parse(out / "effikg.ttl", format="turtle")
    papers = set(g.subjects(rdflib.RDF.type, EKG.Paper))
    assert len(papers) == 86
    assert "\r" not in result.output  # no progress bar outside a terminal


def _write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = {
    "title": "TinyServe: serving on microcontrollers",
    "abstract": "We propose TinyServe, a runtime that runs transformers on an STM32 "
    "microcontroller and reduces peak memory by 45% compared to TFLite Micro.",
}


@pytest.mark.slow
def test_cli_build_reports_bad_records_and_keeps_good_ones(tmp_path: Path) -> None:
    src = _write_jsonl(
        tmp_path / "mixed.jsonl",
        [json.dumps(GOOD), "{not json", json.dumps({"title": "no abstract here"})],
    )
    with open(src, "ab") as f:
        f.write(b'{"title": "caf\xe9", "abstract": "Latin-1, not UTF-8."}\n')
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Read 1 abstract from 1 input; skipped 3 records and 0 inputs." in result.output
    skipped = [line for line in result.output.splitlines() if line.startswith("skipped:")]
    assert [line.split(": ", 2)[1] for line in skipped] == [f"{src}:2", f"{src}:3", f"{src}:4"]
    assert "invalid UTF-8 (byte 0xe9" in skipped[2]
    assert "Traceback" not in result.output
    g = rdflib.Graph().parse(out / "effikg.ttl", format="turtle")
    assert len(set(g.subjects(rdflib.RDF.type, EKG.Paper))) == 1


@pytest.mark.slow
def test_cli_build_missing_file_beside_good_one(tmp_path: Path) -> None:
    good = _write_jsonl(tmp_path / "good.jsonl", [json.dumps(GOOD)])
    missing = tmp_path / "nope.jsonl"
    result = CliRunner().invoke(
        main, ["build", str(missing), str(good), "--out", str(tmp_path / "o"), "--keep-going"])
    assert result.exit_code == 0, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "nope.jsonl" in errors[0]


def test_cli_build_missing_input_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    """Without --keep-going a named input that does not exist stops the build at once."""
    good = _write_jsonl(tmp_path / "good.jsonl", [json.dumps(GOOD)])
    missing = tmp_path / "nope.jsonl"
    result = CliRunner().invoke(main, ["build", str(good), str(missing), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == (
        f"Error: cannot read the input: {missing}: no such file or folder; nothing was written "
        "(--keep-going builds the inputs that can be read)"
    )
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_cli_build_unreadable_input_exits_2_after_reading(tmp_path: Path) -> None:
    """An input that exists but is empty is found only when read: still exit 2, nothing written."""
    good = _write_jsonl(tmp_path / "good.jsonl", [json.dumps(GOOD)])
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, ["build", str(good), str(empty), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert f"{empty}: empty file" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    "name,content",
    [
        ("empty.jsonl", b""),
        ("binary.jsonl", bytes(range(256)) * 4),
        ("latin1.txt", "Abstract: caf\xe9 na\xefve r\xe9sum\xe9 ".encode("latin-1") * 20),
    ],
)
def test_cli_build_nothing_readable_fails_cleanly(tmp_path: Path, name: str, content: bytes) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(bad), "--out", str(out)])
    assert result.exit_code == 2, result.output  # an input that cannot be read at all
    assert "Traceback" not in result.output
    assert name in result.output
    assert not out.exists() or not any(out.iterdir())
    assert not list(tmp_path.glob(".effikg-build-*"))


def test_cli_build_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--format", "docx", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown format" in result.output


def test_cli_formats_lists_readers() -> None:
    from pipeline.ingest import FORMATS

    result = CliRunner().invoke(main, ["formats"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == list(FORMATS)
    assert all(len(line.split()) > 3 for line in lines)  # each name says what it reads


@pytest.mark.slow
def test_cli_build_format_forces_a_reader(tmp_path: Path) -> None:
    # By its content this file is one "Abstract:" record; read as an arXiv listing, the
    # id line below the abstract is its arXiv id.
    src = tmp_path / "listing.txt"
    src.write_text(f"Abstract: {GOOD['abstract']}\narXiv:2301.00001\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(src), "--format", "arxiv-listing", "--out", str(out)])
    assert result.exit_code == 0, result.output
    g = rdflib.Graph().parse(out / "effikg.ttl", format="turtle")
    assert set(g.objects(None, EKG.arxivId)) == {rdflib.Literal("2301.00001")}


@pytest.mark.slow
def test_cli_build_unwritable_out_fails_cleanly(tmp_path: Path) -> None:
    good = _write_jsonl(tmp_path / "good.jsonl", [json.dumps(GOOD)])
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(good), "--out", str(blocker / "out")])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    (error,) = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert "a-file" in error and "cannot write the build" in error


def _effikg_script() -> str:
    # The script pip installed beside this interpreter (a venv's bin/ need not be on PATH).
    beside = Path(sys.executable).parent / "effikg"
    exe = str(beside) if beside.is_file() else shutil.which("effikg")
    assert exe is not None, "the effikg console script is not installed (pip install -e .)"
    return exe


def test_cli_console_script_runs_from_any_folder(tmp_path: Path) -> None:
    run = subprocess.run([_effikg_script(), "formats"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "abstract-text" in run.stdout.split()


def _run_on_a_terminal(args: list[str], env: dict[str, str], cwd: Path) -> str:
    """Run a command with stdout and stderr on a pseudo-terminal; return what it printed."""
    import fcntl
    import os
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    run = subprocess.Popen(args, stdin=follower, stdout=follower, stderr=follower, env=env, cwd=cwd)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closes when the command exits
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert run.wait(timeout=600) == 0, b"".join(chunks).decode("utf-8", "replace")
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.slow
def test_cli_build_progress_bar_on_a_terminal_only_outside_ci(tmp_path: Path) -> None:
    src = _write_jsonl(tmp_path / "one.jsonl", [json.dumps(GOOD)])
    args = [_effikg_script(), "build", str(src), "--out", str(tmp_path / "out")]
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    shown = _run_on_a_terminal(args, env, tmp_path)
    # The file's bytes give the share done and the time left; the count and the rate beside them.
    assert re.search(r"effikg build: 100%\|.*\| \[\d\d:\d\d<00:00, 1 abstract, [\d.]+ abstracts/s\]", shown)
    quiet = _run_on_a_terminal(args, dict(env, CI="true"), tmp_path)
    assert "effikg build:" not in quiet and "Read 1 abstract " in quiet


@pytest.mark.slow
def test_cli_build_reads_standard_input(tmp_path: Path) -> None:
    """`cat abstracts.jsonl | effikg build - --out DIR`: every record, read once."""
    lines = [json.dumps({**GOOD, "title": f"{GOOD['title']} {i}", "abstract": f"{GOOD['abstract']} Variant {i}."})
             for i in range(3)]
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-c", "from pipeline.cli import main; main()", "build", "-", "--out", str(out)],
        input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "Read 3 abstracts from 1 input; skipped 0 records and 0 inputs." in result.stdout
    g = rdflib.Graph().parse(out / "effikg.ttl", format="turtle")
    assert len(set(g.subjects(rdflib.RDF.type, EKG.Paper))) == 3


def test_cli_group_turns_any_effikg_error_into_one_line() -> None:
    from pipeline.cli import EffikgGroup
    from pipeline.errors import EffikgError

    class NewStageError(EffikgError):
        pass

    group = EffikgGroup()

    @group.command()
    def fail() -> None:
        """Fail with a stage error no command catches."""
        raise NewStageError("graphs/x.ttl: cannot do it\n  second line")

    @group.command()
    def crash() -> None:
        """Fail with a bug."""
        raise KeyError("bug")

    result = CliRunner().invoke(group, ["fail"])
    assert result.exit_code == 1
    assert result.output == "Error: graphs/x.ttl: cannot do it\n  second line\n"
    assert isinstance(CliRunner().invoke(group, ["crash"]).exception, KeyError)  # bugs are not hidden


def test_cli_catches_library_errors_in_one_place_only() -> None:
    import ast
    import inspect

    import pipeline.cli

    tries = [node for node in ast.walk(ast.parse(inspect.getsource(pipeline.cli))) if isinstance(node, ast.Try)]
    assert len(tries) == 1, "catch EffikgError in EffikgGroup.invoke, not in each command"


def test_cli_query_on_a_missing_graph_is_one_clean_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["query", "--graph", str(tmp_path / "none.ttl"), "papers-with-code"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert "none.ttl: no such graph file" in result.output


def test_cli_build_unknown_export_is_a_usage_error_naming_the_valid_ones(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--export", "ttl,pdf", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "unknown export 'pdf'; choose from: ttl, nt, jsonld, owl, graphml, neo4j, html" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_cli_build_export_writes_only_what_is_named(tmp_path: Path) -> None:
    good = _write_jsonl(tmp_path / "good.jsonl", [json.dumps(GOOD)])
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(good), "--export", "jsonld", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [".effikg-cache", ".effikg-manifest.json", ".effikg-store",
                                                     "effikg.jsonld", "effikg.ttl"]
    assert result.output.splitlines()[-1] == f"Wrote 2 files to {out}/."


def test_cli_explain_shows_mentions_candidates_and_which_became_claims(tmp_path: Path) -> None:
    text = ("Tiny deep learning on microcontrollers is challenging due to the limited memory size. We propose "
            "ZorbNet, a memory-efficient inference scheme. ZorbNet reduces peak memory by 4x on microcontrollers.")
    page = tmp_path / "mentions.html"
    result = CliRunner().invoke(main, ["explain", text, "--html", str(page)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "proposed: ZorbNet" in out and "4x" in out.split("candidates")[0]  # the figure is a mention
    rows = [line for line in out.splitlines() if " ZorbNet " in line and "(" in line]
    # The stated gain became a claim; the problem statement before the method is scored,
    # but marked as what it is: no evidence of an improvement.
    assert any(r.startswith(" + ") and "improves Memory [4x]" in r and "sentence at 143" in r for r in rows)
    # Its figure-less twin in the same sentence gave way to it.
    assert any(r.startswith(" = ") and "improves Memory  (" in r and "sentence at 143" in r for r in rows)
    background = [r for r in rows if "improves Memory" in r and "sentence at 0" in r]
    assert background and all(not r.startswith(" + ") for r in background)
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "ZorbNet" in html and "microcontrollers" in html
    # Under each candidate, its features with what each did to its score, the largest first.
    lines = out.splitlines()
    features = lines[lines.index(next(r for r in rows if r.startswith(" + "))) + 1]
    effects = [float(e) for e in re.findall(r"=\S+ \(([+-]\d\.\d{3}|0)\)", features)]
    assert 0 < len(effects) <= 6 and [abs(e) for e in effects] == sorted((abs(e) for e in effects), reverse=True)


def test_cli_explain_all_features_shows_every_feature() -> None:
    from pipeline.nlp import shared_nlp

    text = "We propose ZorbNet, a memory-efficient inference scheme. ZorbNet reduces peak memory by 4x on microcontrollers."
    short, full = (CliRunner().invoke(main, ["explain", text, *flag]) for flag in ([], ["--all-features"]))
    assert short.exit_code == 0 and full.exit_code == 0, short.output + full.output
    # The best-scored candidate: six features, or every non-zero one the scorer knows.
    nlp = shared_nlp()
    doc = nlp(text)
    best = max(zip(doc._.candidates, doc._.scores), key=lambda cs: cs[1])[0]
    known = len(nlp.get_pipe("effikg_scorer").model.effects(best.features))
    first = lambda out: next(line for line in out.output.splitlines() if line.startswith("          "))  # noqa: E731
    assert known > 6 and first(short).count(" (") == 6 and first(full).count(" (") == known
