"""Extraction shards: the build's Extraction records streamed to disk, pickled.

The NLP's output goes to numbered shard files (`extractions-00000.pickle`, one pickle a
record, a new file every SHARD_RECORDS records) instead of a list in memory; graph assembly
is then a second pass that reads them back one record at a time (pipeline.graph.assemble).
Shards are the build's own scratch files, written and read by the same code in the same
process: pickle, not the cache's JSON, as it writes six times faster, reads faster and
is smaller (a build reads every record twice).
"""

from __future__ import annotations

import pickle
import typing
from collections.abc import Iterator
from pathlib import Path

from pipeline.records import Extraction

SHARD_RECORDS = 10_000
_PATTERN = "extractions-*.pickle"


class ShardWriter:
    """Writes Extraction records into `folder`, SHARD_RECORDS a file."""

    def __init__(self, folder: Path, per_shard: int = SHARD_RECORDS) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.per_shard = per_shard
        self.count = 0
        self._file: typing.BinaryIO | None = None

    def write(self, extraction: Extraction) -> None:
        if self.count % self.per_shard == 0:
            self._close()
            name = self.folder / f"extractions-{self.count // self.per_shard:05d}.pickle"
            self._file = open(name, "wb")
        assert self._file is not None
        pickle.dump(extraction, self._file, protocol=pickle.HIGHEST_PROTOCOL)
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
        with open(shard, "rb") as f:
            while True:
                try:
                    yield typing.cast(Extraction, pickle.load(f))
                except EOFError:
                    break
