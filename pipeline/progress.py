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
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from pipeline.normalize import counted
from pipeline.records import Extraction, Paper

DESCRIPTION = "effikg build"


class Progress:
    """Wrap the papers read (`read`) and the extractions done (`done`) of one build."""

    REDRAW_SECONDS = 0.5  # the count, rate and clock redrawn this often, moved or not

    def __init__(self, show: bool, total: int | None = None, inputs: Sequence[Path | str] = ()) -> None:
        self.show = show
        self.total = total
        self._offset: dict[str, int] = {}  # each input file's start among the bytes of them all
        self._bytes = 0
        # In reading order, until done: (paper id, bytes read before the chunk its record came
        # in, after it, its place among that chunk's papers, the chunk's paper count so far:
        # one list shared by them, gone with them).
        self._marks: deque[tuple[str, int, int, int, list[int]]] = deque()
        self.position = 0  # input bytes up to the last extraction done
        if show and total is None:
            from pipeline.ingest import input_sizes

            for name, size in (input_sizes(inputs) or {}).items():
                self._offset[name], self._bytes = self._bytes, self._bytes + size

    def read(self, papers: Iterable[Paper]) -> Iterator[Paper]:
        if not self._bytes:  # no bar, or one by the count: nothing to place
            yield from papers
            return
        from pipeline.ingest import reading

        start = end = 0
        chunk = [0]
        for paper in papers:
            where = reading()  # None when no file is open: the paper keeps the last place
            if where is not None and where[0] in self._offset:
                now = min(self._bytes, self._offset[where[0]] + where[1])
                if now != end:  # a new chunk read: it starts where the last one ended
                    start, end, chunk = end, now, [0]
            self._marks.append((paper.id, start, end, chunk[0], chunk))  # every paper: none skipped
            chunk[0] += 1
            yield paper

    def _mark(self, paper_id: str) -> int | None:
        """Where in the input bytes a paper done stands: between the ends of the chunk before
        its record's and of its own, by its place among that chunk's papers (the reader takes
        64 kB at a time, and all the papers of a chunk would otherwise share its end). Papers
        read before it that never came back (failed, skipped) are dropped on the way."""
        while self._marks:
            found, start, end, place, chunk = self._marks.popleft()
            if found == paper_id:
                return start + (end - start) * (place + 1) // max(1, chunk[0])
        return None

    def done(self, extractions: Iterable[Extraction]) -> Iterator[Extraction]:
        if not self.show:
            yield from extractions
            return
        from tqdm import tqdm

        # By the input bytes, else by the count of --limit papers; a pipe's, with no end known, has no bar.
        total = self._bytes or self.total
        shape = "{percentage:3.0f}%|{bar}| [{elapsed}<{remaining}{postfix}]" if total else "[{elapsed}{postfix}]"
        bar = tqdm(total=total, desc=DESCRIPTION, file=sys.stderr, smoothing=0.1, dynamic_ncols=True,
                   bar_format="{desc}: " + shape)
        start = drawn = time.monotonic()
        count = 0
        try:
            for extraction in extractions:
                count += 1
                now = time.monotonic()
                bar.set_postfix_str(_done_text(count, now - start), refresh=False)
                step = self._step(extraction.paper.id) if self._bytes else 1
                if step:
                    bar.update(step)
                elif now - drawn >= self.REDRAW_SECONDS:
                    bar.refresh()
                    drawn = now
                yield extraction
            if self._bytes:
                bar.update(self._bytes - self.position)
                self.position = self._bytes
        finally:
            bar.close()

    def _step(self, paper_id: str) -> int:
        """The bytes the bar moves on for a paper done (0 when it stands where the bar is)."""
        mark = self._mark(paper_id)
        if mark is None or mark <= self.position:
            return 0
        step, self.position = mark - self.position, mark
        return step


def _done_text(count: int, seconds: float) -> str:
    return f"{counted(count, 'abstract', grouped=True)}, {count / max(seconds, 1e-9):.1f} abstracts/s"
