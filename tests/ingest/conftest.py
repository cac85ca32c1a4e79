"""Fixtures for the reader tests: the bundled corpus read once, and hand-made inputs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.corpus import bundled_corpus
from pipeline.ingest import read_papers
from pipeline.records import Paper, Skipped

WriteInput = Callable[[str, "str | bytes"], Path]


@pytest.fixture(scope="session")
def seed_files() -> list[Path]:
    return bundled_corpus()


@pytest.fixture(scope="session")
def seed_records(seed_files: list[Path]) -> list[Paper | Skipped]:
    return [record for path in seed_files for record in read_papers(path)]


@pytest.fixture(scope="session")
def seed_papers(seed_records: list[Paper | Skipped]) -> list[Paper]:
    return [r for r in seed_records if isinstance(r, Paper)]


@pytest.fixture
def write_input(tmp_path: Path) -> WriteInput:
    """Write a small hand-made input file (text as UTF-8, bytes as they are); return its path."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write

