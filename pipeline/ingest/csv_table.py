"""Reader for CSV (or tab-separated) tables with a header row naming `title` and `abstract`.

Rows stream through the csv module one at a time; a quoted field may span lines. A row
without an abstract is reported as a `Skipped` with the line it starts on.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import InputError, RecordProblem
from pipeline.ingest.common import read_lines
from pipeline.ingest.jsonl import ABSTRACT_KEYS, paper_from_record
from pipeline.records import Paper, Skipped

# Abstracts are long; the default 128 KiB field limit is kept as a guard against a
# broken quote swallowing the rest of the file into one field.


def header_delimiter(header: str) -> str | None:
    """"," or "\\t" when the header line names an abstract column, else None."""
    for delimiter in (",", "\t", ";"):
        names = {name.strip().lower() for name in next(csv.reader([header], delimiter=delimiter))}
        if names & set(ABSTRACT_KEYS):
            return delimiter
    return None


def read_csv(path: Path) -> Iterator[Paper | Skipped]:
    """Stream Papers from a CSV or TSV file whose header names an `abstract` column."""
    source = str(path)
    skipped: list[Skipped] = []
    line_numbers: list[int] = []

    def lines() -> Iterator[str]:
        # Feed csv decoded lines, remembering numbers; bad UTF-8 lines are set aside.
        for item in read_lines(path):
            if isinstance(item, Skipped):
                skipped.append(item)
                continue
            line_numbers.append(item[0])
            yield item[1] + "\n"

    stream = lines()
    header_line = next((line for line in stream if line.strip()), None)
    yield from _drain(skipped)
    if header_line is None:
        raise InputError(path, "no header row")
    delimiter = header_delimiter(header_line)
    if delimiter is None:
        raise InputError(path, "the header row names no \"abstract\" column")
    header = [name.strip() for name in next(csv.reader([header_line], delimiter=delimiter))]
    keys = [name.lower() if name.lower() in {"title", *ABSTRACT_KEYS} else name for name in header]
    position = 0
    reader = csv.reader(stream, delimiter=delimiter)
    while True:
        first = len(line_numbers)
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            yield from _drain(skipped)
            yield Skipped(source, line_numbers[-1] if line_numbers else None, f"unreadable CSV row ({err}); skipped")
            continue
        yield from _drain(skipped)
        number = line_numbers[first] if first < len(line_numbers) else None
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(keys):
            yield Skipped(source, number, f"row has {len(row)} cells but the header names {len(keys)}; skipped")
            continue
        record = dict(zip(keys, row + [""] * (len(keys) - len(row))))
        try:
            paper = paper_from_record(record, source, position)
        except RecordProblem as problem:
            yield Skipped(source, number, f"{problem}; row skipped")
            continue
        position += 1
        yield paper
    yield from _drain(skipped)


def _drain(skipped: list[Skipped]) -> Iterator[Skipped]:
    while skipped:
        yield skipped.pop(0)
