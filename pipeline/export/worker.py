"""What an export worker process runs (pipeline.parallel.SharedExports, `effikg build
--jobs N`): its share of the exporters, reading the build's graph from the same files the
build process reads, its sorted lines and its on-disk store, the store opened read-only
since the build process holds it open too. Up to StoreSource.MEMORY_TRIPLES a worker reads
the lines alone: the build starts it before it fills the store (pipeline.store.fill_store),
so the store must not be opened then."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from pipeline.export import EXPORTERS, run_exporters
from pipeline.export.source import StoreSource


class ReadOnlyStoreSource(StoreSource):
    """A build's StoreSource with its on-disk store (read past MEMORY_TRIPLES) opened read-only."""

    @cached_property
    def store(self) -> ox.Store:  # type: ignore[override]
        if self.in_memory:  # the build may be filling it at this moment
            raise RuntimeError(f"{self.store_path}: an export worker opened the store of a graph it reads from its lines")
        return ox.Store.read_only(str(self.store_path))

    def release(self) -> None:
        self.__dict__.pop("store", None)  # closed, as StoreSource.release closes its own
        super().release()


def save_store_exports(lines: Path, store: Path, size: int, previous: Path | None, out_dir: Path,
                       names: list[str]) -> dict[str, list[Path]]:
    """The named exporters (only those) of the graph in `lines` and `store` (`size`
    triples), written into out_dir; `previous` as StoreSource.previous. Each one's files."""
    source = ReadOnlyStoreSource(lines, store, size)
    source.previous = previous
    try:
        return run_exporters(source, Path(out_dir), [EXPORTERS[name] for name in names])
    finally:
        source.release()
