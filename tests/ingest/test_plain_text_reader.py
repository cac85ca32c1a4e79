"""A folder of .txt files, one abstract each (with an optional title line)."""

from __future__ import annotations

import pytest

from pipeline.ingest import InputError, detect_format, read_papers
from pipeline.records import Paper, Skipped


def test_plain_text_folder_one_abstract_a_file(write_input, tmp_path) -> None:
    write_input("abs/b.txt", "QuickNet: Fast Nets\n\nWe propose QuickNet.\nIt runs on GPUs.\n")
    write_input("abs/a.txt", "We propose SlowNet. It is slow.\n\nA second paragraph.\n")
    write_input("abs/c.txt", b"\x00\x01\x02 binary")
    write_input("abs/notes.pdf", b"%PDF-1.4")
    write_input("abs/.hidden.txt", "Hidden files are passed over silently.")
    (tmp_path / "abs" / "sub").mkdir()
    folder = tmp_path / "abs"
    assert detect_format(folder) == "txt-folder"
    records = list(read_papers(folder))
    papers = [r for r in records if isinstance(r, Paper)]
    assert [(p.title, p.abstract, p.position, p.source) for p in papers] == [
        (None, "We propose SlowNet. It is slow. A second paragraph.", 0, str(folder / "a.txt")),
        ("QuickNet: Fast Nets", "We propose QuickNet. It runs on GPUs.", 0, str(folder / "b.txt")),
    ]
    assert sorted(str(s) for s in records if isinstance(s, Skipped)) == [
        f"{folder / 'c.txt'}: is a binary file, not text; file skipped",
        f"{folder / 'notes.pdf'}: not a supported input file; passed over",
        f"{folder / 'sub'}: a folder (folders are not read recursively); passed over",
    ]


def test_plain_text_sentence_first_line_is_not_a_title(write_input) -> None:
    path = write_input("one.txt", "We propose QuickNet.\n\nIt runs on GPUs.\n")
    assert detect_format(path) == "plain-text"
    (paper,) = read_papers(path)
    assert paper.title is None and paper.abstract == "We propose QuickNet. It runs on GPUs."


def test_plain_text_folder_without_inputs_is_an_input_error(tmp_path) -> None:
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    with pytest.raises(InputError, match="holds no .txt, .jsonl or .csv files"):
        list(read_papers(tmp_path))
