"""Fixtures for the reader tests: the bundled corpus read once for the session."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.build import bundled_corpus
from pipeline.ingest import read_papers
from pipeline.records import Paper, Skipped

INGEST_DATA = Path(__file__).resolve().parent.parent / "data" / "ingest"


@pytest.fixture(scope="session")
def ingest_data() -> Path:
    return INGEST_DATA


@pytest.fixture(scope="session")
def seed_files() -> list[Path]:
    return bundled_corpus()


@pytest.fixture(scope="session")
def seed_records(seed_files: list[Path]) -> list[Paper | Skipped]:
    return [record for path in seed_files for record in read_papers(path)]


@pytest.fixture(scope="session")
def seed_papers(seed_records: list[Paper | Skipped]) -> list[Paper]:
    return [r for r in seed_records if isinstance(r, Paper)]
