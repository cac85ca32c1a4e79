"""Every construction of pipeline/nlp/patterns/*.jsonl matches its own example sentence."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from pipeline.nlp.patterns import PatternMatcher, labels, load_constructions

CONSTRUCTIONS = load_constructions()


@pytest.mark.slow
@pytest.mark.parametrize("construction", CONSTRUCTIONS, ids=[c.id for c in CONSTRUCTIONS])
def test_patterns_construction_matches_its_example(nlp, construction) -> None:
    matcher = PatternMatcher(nlp, (construction,))
    doc = nlp(construction.example)
    found = [{role: doc[i].text for role, i in roles} for _, roles in matcher.matches(doc)]
    assert dict(construction.expect) in found, f"{construction.id}: {construction.example!r} gave {found}"


def test_patterns_rows_are_complete_and_unique() -> None:
    ids = [c.id for c in CONSTRUCTIONS]
    assert len(ids) == len(set(ids)) and ids == sorted(ids)
    for c in CONSTRUCTIONS:
        assert c.matcher in ("dependency", "token"), c.id
        assert c.example and c.expect and dict(c.expect).keys() <= dict(c.roles).keys(), c.id
        if c.matcher == "dependency":
            nodes = {node["RIGHT_ID"] for node in c.pattern}
            assert set(dict(c.roles).values()) <= nodes, c.id
    assert "platform" in labels() and "compare" in labels() and "keep" in labels()


def test_patterns_files_are_one_json_object_a_line() -> None:
    folder = resources.files("pipeline.nlp").joinpath("patterns")
    for entry in folder.iterdir():
        if entry.name.endswith(".jsonl"):
            for line in entry.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                assert {"id", "label", "matcher", "pattern", "roles", "example", "expect"} <= row.keys()
