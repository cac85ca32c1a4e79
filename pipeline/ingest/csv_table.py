"""Reader for CSV (or tab-separated) tables with a header row naming `title` and `abstract`.

Rows stream through the csv module one at a time; a quoted field may span lines. A row
without an abstract is reported as a `Skipped` with the line it starts on.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import InputError, RecordProblem
from pipeline.ingest.common import Input, describe_error, read_lines
from pipeline.ingest.jsonl import ABSTRACT_KEYS, paper_from_record
from pipeline.records import Paper, Skipped

# Abstracts are long; the default 128 KiB field limit is kept as a guard against a
# broken quote swallowing the rest of the file into one field.


def header_delimiter(header: str) -> str | None:
    """"," or "\\t" when the header line names an abstract column, else None."""
    for delimiter in (",", "\t", ";"):
        names = {name.strip().lower() for name in _header_cells(header, delimiter)}
        if names & set(ABSTRACT_KEYS):
            return delimiter
    return None


def _header_cells(header: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([header], delimiter=delimiter), [])
    except csv.Error:  # a lone carriage return, say: no header at all
        return []


def read_csv(path: Path | Input) -> Iterator[Paper | Skipped]:
    """Stream Papers from a CSV or TSV file whose header names an `abstract` column."""
    source = str(path)
    skipped: list[Skipped] = []
    # Lines fed to csv so far, and the numbers of the first and the last line of the row
    # being read (a quoted field may span lines); no list of every line number is kept.
    fed = {"count": 0, "row_start": 0, "first": 0, "last": 0}

    def lines() -> Iterator[str]:
        # Feed csv decoded lines, remembering numbers; bad UTF-8 lines are set aside.
        for item in read_lines(path, cut_long=False):
            if isinstance(item, Skipped):
                skipped.append(item)
                continue
            if fed["count"] == fed["row_start"]:
                fed["first"] = item[0]
            fed["count"] += 1
            fed["last"] = item[0]
            yield item[1] + "\n"

    stream = lines()
    header_line = next((line for line in stream if line.strip()), None)
    yield from _drain(skipped)
    if header_line is None:
        raise InputError(path, "no header row")
    delimiter = header_delimiter(header_line)
    if delimiter is None:
        raise InputError(path, "the header row names no \"abstract\" column")
    header = [name.strip() for name in _header_cells(header_line, delimiter)]
    keys = [name.lower() if name.lower() in {"title", *ABSTRACT_KEYS} else name for name in header]
    position = 0
    reader = csv.reader(stream, delimiter=delimiter)
    while True:
        fed["row_start"], fed["first"] = fed["count"], 0
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            yield from _drain(skipped)
            yield Skipped(source, fed["last"] or None, f"unreadable CSV row ({err}); skipped")
            continue
        yield from _drain(skipped)
        result = _row_record(row, keys, source, fed["first"] or None, position)
        if isinstance(result, Paper):
            position += 1
        if result is not None:
            yield result
    yield from _drain(skipped)


def _row_record(row: list[str], keys: list[str], source: str, number: int | None, position: int) -> Paper | Skipped | None:
    """The Paper of one row, a Skipped saying why not, or None for a blank row."""
    if not any(cell.strip() for cell in row):
        return None
    if len(row) > len(keys):
        return Skipped(source, number, f"row has {len(row)} cells but the header names {len(keys)}; skipped")
    record = dict(zip(keys, row + [""] * (len(keys) - len(row))))
    try:
        return paper_from_record(record, source, position)
    except RecordProblem as problem:
        return Skipped(source, number, f"{problem}; row skipped")
    except Exception as err:  # noqa: BLE001 - the per-record boundary: one line, never a crash
        return Skipped(source, number, f"cannot read this row ({describe_error(err)}); row skipped")


def _drain(skipped: list[Skipped]) -> Iterator[Skipped]:
    while skipped:
        yield skipped.pop(0)
