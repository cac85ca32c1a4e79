"""Fixtures shared across the test tree. Expensive ones are session-scoped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def seed_gold() -> list[dict]:
    with open(DATA / "gold-seeds.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


@pytest.fixture(scope="session")
def extra_gold() -> list[dict]:
    with open(DATA / "gold-extra.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


@pytest.fixture(scope="session")
def nlp():
    """The real pipeline (pinned en_core_web_sm + effikg components), loaded once."""
    from pipeline.nlp import make_nlp

    return make_nlp()


@pytest.fixture(scope="session")
def built_graph_dir(tmp_path_factory) -> Path:
    """A fresh build of the bundled corpus, made once for the whole session."""
    from pipeline.build import run_build

    out = tmp_path_factory.mktemp("build")
    run_build([], out)
    return out


@pytest.fixture(scope="session")
def built_graph(built_graph_dir):
    import rdflib

    g = rdflib.Graph()
    g.parse(built_graph_dir / "effikg.ttl", format="turtle")
    return g
