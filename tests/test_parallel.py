"""pipeline.parallel: the NLP in worker processes or on a Dask cluster writes what one
process writes, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.build import ExtractOptions, run_build
from pipeline.parallel import Failed, _in_order, default_jobs, extract_batch
from test_cache import _files


def test_parallel_default_jobs_is_the_cores_we_may_use() -> None:
    import os

    assert default_jobs() == len(os.sched_getaffinity(0))


def test_parallel_in_order_keeps_submission_order() -> None:
    from concurrent.futures import ThreadPoolExecutor
    import time

    def slow_first(batch):
        time.sleep(0.05 if batch[0] == 0 else 0)
        return [n * 10 for n in batch]

    with ThreadPoolExecutor(4) as pool:
        out = list(_in_order([[0], [], [1], [2, 3]], lambda b: pool.submit(slow_first, b), window=3))
    assert out == [[0], [], [10], [20, 30]]


@pytest.mark.slow
def test_parallel_failing_paper_costs_only_itself() -> None:
    from dataclasses import replace

    from test_graph import all_extractions

    good = all_extractions()[0].paper
    bad = replace(good, id="bad", abstract=None)  # type: ignore[arg-type]  # what the extractor cannot take
    outcomes = extract_batch([good, bad, good])
    assert [type(o).__name__ for o in outcomes] == ["Extraction", "Failed", "Extraction"]
    assert isinstance(outcomes[1], Failed) and "extraction failed" in outcomes[1].problem


@pytest.mark.slow
def test_cache_parallel_build_is_byte_identical(tmp_path: Path) -> None:
    from pipeline.corpus import bundled_corpus

    inputs = bundled_corpus()[:2]
    run_build(inputs, tmp_path / "one")
    run_build(inputs, tmp_path / "two", extract=ExtractOptions(jobs=2))
    assert _files(tmp_path / "one") == _files(tmp_path / "two")
