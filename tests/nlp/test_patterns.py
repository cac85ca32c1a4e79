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


@pytest.mark.slow
def test_patterns_walk_matches_what_spacy_dependency_matcher_finds(nlp) -> None:
    from spacy.matcher import DependencyMatcher

    from pipeline.corpus import bundled_corpus
    from pipeline.ingest import read_papers
    from pipeline.nlp.patterns import DependencyPatterns
    from pipeline.records import Paper
    from pipeline.text import clean

    rows = tuple(c for c in CONSTRUCTIONS if c.matcher == "dependency")
    spacy_matcher = DependencyMatcher(nlp.vocab)
    for c in rows:
        spacy_matcher.add(c.id, [list(c.pattern)])
    ours = DependencyPatterns(rows)
    texts = [clean(p.abstract).text for path in bundled_corpus() for p in read_papers(path) if isinstance(p, Paper)]
    for doc in nlp.pipe(texts[:30]):
        theirs = sorted((doc.vocab.strings[m], tuple(ids)) for m, ids in spacy_matcher(doc))
        assert sorted((c.id, tuple(ids)) for c, ids in ours(doc)) == theirs


@pytest.mark.slow
def test_patterns_token_windows_find_what_the_matcher_finds_on_the_whole_doc(nlp) -> None:
    from pipeline.corpus import bundled_corpus
    from pipeline.ingest import read_papers
    from pipeline.nlp.patterns import PatternMatcher
    from pipeline.records import Paper
    from pipeline.text import clean

    matcher = PatternMatcher(nlp, CONSTRUCTIONS)
    texts = [clean(p.abstract).text for path in bundled_corpus() for p in read_papers(path) if isinstance(p, Paper)]
    texts += ["", "5", "improves latency by up to 3x", "a 10% subset of 4-bit weights, 72% of peak FLOPs"]
    for doc in nlp.pipe(texts):
        assert sorted(matcher.token_matches(doc)) == sorted(matcher.tokens(doc))
