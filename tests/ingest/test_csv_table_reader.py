"""The CSV / TSV reader: header names the columns, quoted fields span lines, bad rows skipped."""

from __future__ import annotations

import pytest

from pipeline.ingest import InputError, detect_format, read_papers
from pipeline.records import Paper, Skipped


def test_csv_quoted_multiline_field_and_line_numbers(write_input) -> None:
    path = write_input("t.csv", (
        "Title,Abstract,DOI,arxiv_id\n"
        '"QuickNet, fast","We propose QuickNet,\nwhich runs on GPUs.",10.1/abc,2301.00001\n'
        "Empty,,,\n"
        "SlowNet,We propose SlowNet.,,\n"
        "Too,many,cells,here,really\n"
    ))
    assert detect_format(path) == "csv"
    records = list(read_papers(path))
    a, b = [r for r in records if isinstance(r, Paper)]
    assert (a.title, a.abstract, a.doi, a.arxiv_id, a.position) == (
        "QuickNet, fast", "We propose QuickNet, which runs on GPUs.", "10.1/abc", "2301.00001", 0)
    assert (b.title, b.abstract, b.position) == ("SlowNet", "We propose SlowNet.", 1)
    assert [(s.line, s.reason) for s in records if isinstance(s, Skipped)] == [
        (4, '"abstract" is empty; row skipped'),
        (6, "row has 5 cells but the header names 4; skipped"),
    ]


def test_csv_tab_separated_without_suffix(write_input) -> None:
    path = write_input("table.txt", "title\tabstract\nQuickNet\tWe propose QuickNet.\n")
    assert detect_format(path) == "csv"
    assert [(p.title, p.abstract) for p in read_papers(path)] == [("QuickNet", "We propose QuickNet.")]


def test_csv_without_abstract_column_is_an_input_error(write_input) -> None:
    path = write_input("t.csv", "name,text\nA,B\n")
    with pytest.raises(InputError, match=r"t\.csv: the header row names no \"abstract\" column"):
        list(read_papers(path))
