"""Extraction shards: the build's Extraction records streamed to disk as JSON Lines.

The NLP's output goes to numbered shard files (`extractions-00000.jsonl`, one record a
line, a new file every SHARD_RECORDS records) instead of a list in memory; graph assembly
is then a second pass that reads them back one record at a time (pipeline.graph.assemble).
Records are written with the extraction cache's encoding (pipeline.cache: dataclasses as
JSON, read back by their type hints), the paper included.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Iterator
from pathlib import Path

from pipeline.cache import from_jsonable, to_jsonable
from pipeline.records import Extraction

SHARD_RECORDS = 10_000
_PATTERN = "extractions-*.jsonl"


class ShardWriter:
    """Writes Extraction records into `folder`, SHARD_RECORDS a file."""

    def __init__(self, folder: Path, per_shard: int = SHARD_RECORDS) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.per_shard = per_shard
        self.count = 0
        self._file: typing.TextIO | None = None

    def write(self, extraction: Extraction) -> None:
        if self.count % self.per_shard == 0:
            self._close()
            name = self.folder / f"extractions-{self.count // self.per_shard:05d}.jsonl"
            self._file = open(name, "w", encoding="utf-8", newline="\n")
        assert self._file is not None
        self._file.write(json.dumps(to_jsonable(extraction), ensure_ascii=False) + "\n")
        self.count += 1

    def _close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def close(self) -> None:
        self._close()

    def __enter__(self) -> ShardWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_shards(folder: Path) -> Iterator[Extraction]:
    """The records of every shard in `folder`, in the order they were written."""
    for shard in sorted(Path(folder).glob(_PATTERN)):
        with open(shard, encoding="utf-8") as f:
            for line in f:
                yield typing.cast(Extraction, from_jsonable(Extraction, json.loads(line)))
