"""Inputs a hostile (or unlucky) user feeds: every bad record costs only itself, every
input is read once, and no line, however long, is held whole."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import pytest

from pipeline.ingest import InputError, read_papers
from pipeline.ingest import common
from pipeline.records import Notice, Paper, Skipped

GOOD = "We propose QuickKV, a KV cache method for LLM serving on NVIDIA H100 GPUs."
GOOD_2 = "We present SlimNet, which cuts the latency of a Jetson Nano by 35%."


def _json_line(abstract_json: str) -> bytes:
    """A JSON Lines record whose abstract is the given JSON string *source* (escapes kept)."""
    return b'{"title": "T", "abstract": ' + abstract_json.encode("utf-8") + b"}\n"


def _good_lines() -> tuple[bytes, bytes]:
    return (json.dumps({"abstract": GOOD}) + "\n").encode(), (json.dumps({"abstract": GOOD_2}) + "\n").encode()


# (file name, the bad record as bytes): each of these aborted the whole build before.
HOSTILE: list[tuple[str, bytes]] = [
    ("form-feed.txt", b"Abstract: We run\x0con an A100 GPU.\n"),
    ("bel.txt", b"Abstract: We run\x07 on an A100 GPU.\n"),
    ("esc.txt", b"Abstract: We run \x1b[31mred\x1b[0m on an A100 GPU.\n"),
    ("nul.jsonl", _json_line('"We run\\u0000 on an A100 GPU."')),
    ("soh.jsonl", _json_line('"We run\\u0001 on an A100 GPU."')),
    ("fffe.jsonl", _json_line('"We run\\ufffe on an A100 GPU."')),
    ("surrogate.jsonl", _json_line('"We run \\ud800 on an A100 GPU."')),
    ("nested.jsonl", b"[" * 100_000 + b"]" * 100_000 + b"\n"),
    ("megabyte.jsonl", _json_line(json.dumps("We run on GPUs. " + "word " * 220_000))),
]


def _with_good_around(name: str, bad: bytes) -> bytes:
    if name.endswith(".jsonl"):
        first, last = _good_lines()
        return first + bad + last
    return f"Abstract: {GOOD}\n".encode() + bad + f"Abstract: {GOOD_2}\n".encode()


@pytest.mark.parametrize("name,bad", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_common_hostile_record_costs_only_itself(write_input, name: str, bad: bytes) -> None:
    path = write_input(name, _with_good_around(name, bad))
    records = list(read_papers(path))
    papers = [r for r in records if isinstance(r, Paper)]
    reports = [r for r in records if not isinstance(r, Paper)]
    assert papers[0].abstract == GOOD and papers[-1].abstract == GOOD_2
    assert len(papers) in (2, 3)  # the bad record is built (made safe) or reported
    assert len(papers) == 3 or any(isinstance(r, Skipped) for r in reports)
    for paper in papers:
        assert not common._UNWRITABLE.search(paper.abstract)
        assert "\x0c" not in paper.abstract and len(paper.abstract) <= common.MAX_ABSTRACT_CHARS
        paper.abstract.encode("utf-8")  # no lone surrogate left
    for report in reports:
        line = str(report)
        assert line.isprintable() and line.startswith(str(path)), line


def test_common_control_characters_are_escaped_in_reports(write_input) -> None:
    path = write_input("esc.txt", b"Abstract: We run \x1b[31mred\x1b[0m on an A100 GPU.\n")
    notice, paper = list(read_papers(path))
    assert isinstance(notice, Notice) and isinstance(paper, Paper)
    assert str(notice) == f"{path}: record 1: removed 2 character(s) no output can carry (\\x1b)"
    assert paper.abstract == "We run [31mred[0m on an A100 GPU."


def test_common_form_feed_is_a_space_not_a_removal(write_input) -> None:
    path = write_input("ff.txt", b"Abstract: We run\x0con an A100 GPU.\n")
    (paper,) = list(read_papers(path))
    assert paper.abstract == "We run on an A100 GPU."


def test_common_long_abstract_is_cut_with_a_notice(write_input) -> None:
    path = write_input("long.jsonl", _json_line(json.dumps(GOOD + " more" * 300_000)))
    notice, paper = list(read_papers(path))
    assert isinstance(notice, Notice) and "abstract cut to its first" in notice.message
    assert paper.abstract.startswith(GOOD)
    assert common.MAX_ABSTRACT_CHARS - 1000 <= len(paper.abstract) <= common.MAX_ABSTRACT_CHARS
    assert paper.id == common.hash_id(paper.abstract)  # the id names the abstract kept


def test_common_line_longer_than_the_limit_is_cut_or_skipped_in_bounded_memory(write_input) -> None:
    huge = b"word " * (6 * common.MAX_LINE_BYTES // 5)  # one 50 MB line, 6 x the line limit
    text = write_input("huge.txt", b"Abstract: We run on GPUs. " + huge + b"\nAbstract: " + GOOD.encode() + b"\n")
    jsonl = write_input("huge.jsonl", b'{"abstract": "' + huge + b'"}\n' + _good_lines()[0])
    tracemalloc.start()
    try:
        text_records = list(read_papers(text))
        json_records = list(read_papers(jsonl))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # A few copies of the line limit at most (bytes, decoded text), never the line itself.
    assert peak < 4 * common.MAX_LINE_BYTES < len(huge), f"peak {peak:,} bytes for a {len(huge):,}-byte line"
    cut, first, second = text_records
    assert isinstance(cut, Notice) and len(first.abstract) <= common.MAX_ABSTRACT_CHARS
    assert second.abstract == GOOD
    skipped, good = json_records
    assert isinstance(skipped, Skipped) and skipped.line == 1 and "longer than" in skipped.reason
    assert good.abstract == GOOD


def test_common_invalid_doi_and_author_count_are_dropped(write_input) -> None:
    path = write_input("meta.jsonl", json.dumps({"abstract": GOOD, "doi": "not a doi", "n_authors": 10**30}) + "\n")
    notice, paper = list(read_papers(path))
    assert paper.doi is None and paper.n_authors is None
    assert "is not a DOI" in notice.message and "author count" in notice.message


# -- inputs read once ------------------------------------------------------------------------


def _records(n: int) -> bytes:
    return "".join(json.dumps({"title": f"T{i}", "abstract": f"{GOOD} Variant {i}."}) + "\n" for i in range(n)).encode()


def test_common_fifo_is_read_once_with_every_record(tmp_path: Path) -> None:
    fifo = tmp_path / "in.jsonl"
    os.mkfifo(fifo)
    data = _records(1500)

    def write() -> None:
        time.sleep(0.3)  # the reader opens first and waits for its writer
        with open(fifo, "wb") as f:
            f.write(data)

    writer = threading.Thread(target=write)
    writer.start()
    papers = [r for r in read_papers(fifo) if isinstance(r, Paper)]
    writer.join()
    assert len(papers) == 1500
    assert papers[-1].title == "T1499"


def test_common_process_substitution_reads_every_record(tmp_path: Path) -> None:
    src = tmp_path / "big.jsonl"
    src.write_bytes(_records(1500))
    count = (
        "import sys; from pipeline.ingest import read_papers; from pipeline.records import Paper; "
        "print(sum(isinstance(r, Paper) for r in read_papers(sys.argv[1])))"
    )
    result = subprocess.run(
        ["bash", "-c", f'"$0" -c "$1" <(cat "$2")', sys.executable, count, str(src)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1500"


def test_common_stdin_dash_is_read_once(tmp_path: Path) -> None:
    count = (
        "from pipeline.ingest import read_papers; from pipeline.records import Paper; "
        "print(sum(isinstance(r, Paper) for r in read_papers('-')))"
    )
    result = subprocess.run([sys.executable, "-c", count], input=_records(1500), capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == b"1500"


def test_common_fifo_without_writer_is_given_up_not_waited_on(tmp_path: Path, monkeypatch) -> None:
    fifo = tmp_path / "stale.jsonl"
    os.mkfifo(fifo)
    monkeypatch.setattr(common, "FIFO_WAIT_SECONDS", 0.5)
    errors: list[Exception] = []

    def read() -> None:
        try:
            list(read_papers(fifo))
        except InputError as err:
            errors.append(err)

    reader = threading.Thread(target=read, daemon=True)  # a hang must fail the test, not stall it
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "reading a FIFO nobody writes to hung"
    assert len(errors) == 1 and "no program opened for writing within 0.5 s" in str(errors[0])


def test_common_fifo_writer_that_is_slow_to_write_is_waited_for(tmp_path: Path, monkeypatch) -> None:
    fifo = tmp_path / "slow.jsonl"
    os.mkfifo(fifo)
    monkeypatch.setattr(common, "FIFO_WAIT_SECONDS", 0.5)

    def write() -> None:
        with open(fifo, "wb") as f:  # opened at once, written to only later
            time.sleep(1.5)
            f.write(_records(3))

    writer = threading.Thread(target=write)
    writer.start()
    papers = [r for r in read_papers(fifo) if isinstance(r, Paper)]
    writer.join()
    assert len(papers) == 3
