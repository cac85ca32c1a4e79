"""effikg_attribute_ruler (pipeline/nlp/attributes.py): the model's attribute rules applied
by lookups set exactly what spaCy's AttributeRuler sets."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from pipeline.nlp.attributes import AttributeRules, use_attribute_rules


def _blank_with_rules(patterns: list[dict]):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add_patterns(patterns)
    return nlp, ruler


def _doc(nlp, words, tags, deps=None) -> Doc:
    return Doc(nlp.vocab, words=words, tags=tags, deps=deps or ["dep"] * len(words))


def _attrs(doc: Doc) -> list[tuple]:
    return [(t.tag_, t.pos_, str(t.morph), t.lemma_) for t in doc]


RULES = [
    {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Sing"}},
    {"patterns": [[{"TAG": "NN", "LOWER": "something"}]], "attrs": {"POS": "PRON"}},  # later wins
    {"patterns": [[{"LOWER": "ca"}, {"LOWER": "n't"}]], "attrs": {"LEMMA": "can"}},  # two tokens, first set
    {"patterns": [[{"LOWER": "ca"}, {"LOWER": "n't"}]], "attrs": {"LEMMA": "not"}, "index": -1},  # from the end
    {"patterns": [[{"TAG": {"NOT_IN": ["NN", ""]}, "DEP": {"IN": ["aux"]}}]], "attrs": {"POS": "AUX"}},
    {"patterns": [[{"LOWER": {"REGEX": "^n'?t$"}}]], "attrs": {"POS": "PART"}},
]


@pytest.mark.parametrize(("words", "tags", "deps"), [
    (["Something", "big", "ca", "n't", "wait"], ["NN", "JJ", "MD", "RB", "VB"], ["nsubj", "amod", "aux", "neg", "ROOT"]),
    (["the", "cat", "can", "nt", "ca"], ["DT", "NN", "MD", "RB", "MD"], ["det", "nsubj", "aux", "neg", "aux"]),
    (["ca", "n't"], ["NN", "RB"], ["aux", "neg"]),
])
def test_attribute_rules_set_what_the_stock_ruler_sets(words, tags, deps) -> None:
    nlp, stock = _blank_with_rules(RULES)
    fast = AttributeRules(nlp, "attribute_ruler")
    assert fast.compile(stock)
    assert _attrs(fast(_doc(nlp, words, tags, deps))) == _attrs(stock(_doc(nlp, words, tags, deps)))


def test_attribute_rules_later_rule_wins_and_tests_see_values_before_any_rule() -> None:
    nlp, stock = _blank_with_rules(RULES)
    fast = AttributeRules(nlp, "attribute_ruler")
    fast.compile(stock)
    doc = fast(_doc(nlp, ["Something", "ca", "n't"], ["NN", "MD", "RB"], ["nsubj", "aux", "neg"]))
    assert [t.pos_ for t in doc] == ["PRON", "AUX", "PART"]
    assert [t.lemma_ for t in doc][1:] == ["can", "not"]


def test_attribute_rules_keep_the_stock_ruler_for_what_they_cannot_read() -> None:
    nlp, stock = _blank_with_rules([{"patterns": [[{"TAG": "NN", "OP": "+"}]], "attrs": {"POS": "NOUN"}}])
    assert not AttributeRules(nlp, "attribute_ruler").compile(stock)
    assert not use_attribute_rules(nlp)
    assert nlp.get_pipe("attribute_ruler") is stock


def _abstracts() -> list[str]:
    """The cleaned texts of the bundled corpus and the two development sets."""
    from pathlib import Path

    from pipeline.corpus import bundled_corpus
    from pipeline.ingest import read_papers
    from pipeline.records import Paper
    from pipeline.text import clean

    data = Path(__file__).resolve().parent.parent / "data"
    paths = [*bundled_corpus(), data / "extra-arxiv.jsonl", data / "dev2-arxiv.jsonl"]
    return [clean(p.abstract).text for path in paths for p in read_papers(path) if isinstance(p, Paper)]


@pytest.mark.slow
def test_attribute_rules_match_the_pinned_models_ruler_token_by_token() -> None:
    from pipeline.nlp import model_path

    stock = spacy.load(model_path(), exclude=["ner"])
    fast = spacy.load(model_path(), exclude=["ner"])
    assert use_attribute_rules(fast)
    assert isinstance(fast.get_pipe("attribute_ruler"), AttributeRules)
    texts = _abstracts()[::3] + ["I can't do it, won't you? Somethin' is off.  \n\n It's 3x faster; y'all see.", ""]

    def rows(doc: Doc) -> list[tuple]:
        return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i) for t in doc]

    for a, b in zip(stock.pipe(texts), fast.pipe(texts)):
        assert rows(a) == rows(b)
