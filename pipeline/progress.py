"""The build's progress bar on stderr: the abstracts extracted, abstracts/s and the time left.

The bar moves as extractions come back, not as papers are read: the reader runs ahead of
the NLP by the batches in flight (hundreds of abstracts under --jobs N), so a bar of the
papers read would reach its end long before the build. Its time left comes from the count
under --limit, else from the bytes of the input files (pipeline.ingest.reading: where in its
file each paper was read), so it holds for a file of any size without counting its
records first; a pipe or standard input shows the count and the rate only.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from pipeline.records import Extraction, Paper

DESCRIPTION = "effikg build"


class Progress:
    """Wrap the papers read (`read`) and the extractions done (`done`) of one build."""

    def __init__(self, show: bool, total: int | None = None, inputs: Sequence[Path | str] = ()) -> None:
        self.show = show
        self.total = total
        self.inputs = list(inputs)
        self._offset: dict[str, int] = {}  # each input file's start among the bytes of them all
        self._bytes = 0
        self._marks: dict[str, int] = {}  # paper id -> input bytes read up to it, until it is done
        self.position = 0  # input bytes read up to the last extraction done
        if show and total is None:
            from pipeline.ingest import input_sizes

            for name, size in (input_sizes(self.inputs) or {}).items():
                self._offset[name], self._bytes = self._bytes, self._bytes + size

    def read(self, papers: Iterable[Paper]) -> Iterator[Paper]:
        if not self.show:
            yield from papers
            return
        from pipeline.ingest import reading

        for paper in papers:
            where = reading() if self._bytes else None
            if where is not None and where[0] in self._offset:
                self._marks[paper.id] = min(self._bytes, self._offset[where[0]] + where[1])
            yield paper

    def done(self, extractions: Iterable[Extraction]) -> Iterator[Extraction]:
        if not self.show:
            yield from extractions
            return
        from tqdm import tqdm

        if not self._bytes:
            yield from tqdm(extractions, desc=DESCRIPTION, unit=" abstracts", total=self.total, file=sys.stderr,
                            smoothing=0.1, dynamic_ncols=True)
            return
        bar = tqdm(total=self._bytes, desc=DESCRIPTION, file=sys.stderr, smoothing=0.1, dynamic_ncols=True,
                   bar_format="{desc}: {percentage:3.0f}%|{bar}| [{elapsed}<{remaining}{postfix}]")
        start, count = time.monotonic(), 0
        try:
            for extraction in extractions:
                count += 1
                mark = self._marks.pop(extraction.paper.id, None)
                if mark is not None and mark > self.position:
                    bar.update(mark - self.position)
                    self.position = mark
                rate = count / max(time.monotonic() - start, 1e-9)
                noun = "abstract" if count == 1 else "abstracts"
                bar.set_postfix_str(f"{count:,} {noun}, {rate:.1f} abstracts/s", refresh=False)
                yield extraction
            bar.update(self._bytes - self.position)
            self.position = self._bytes
        finally:
            bar.close()
