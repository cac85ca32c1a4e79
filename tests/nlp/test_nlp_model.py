"""pipeline.nlp.make_nlp: the model components effikg never reads are not loaded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import pipeline
from pipeline.nlp import EXCLUDED_COMPONENTS

# What reading the output of spaCy's `ner` looks like, in code or in a pattern file.
NER_READS = re.compile(r"\.ents\b|\bent_type|\bent_iob|ENT_TYPE|ENT_IOB|\bent_kb_id")


def test_nlp_model_nothing_reads_excluded_ner() -> None:
    assert "ner" in EXCLUDED_COMPONENTS
    root = Path(pipeline.__file__).parent
    sources = [p for p in root.rglob("*") if p.suffix in {".py", ".jsonl", ".json", ".cfg"}
               and "corpus" not in p.parts]
    readers = [f"{p.relative_to(root)}:{n}" for p in sources
               for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if NER_READS.search(line)]
    assert readers == [], "effikg reads the output of an excluded component; drop it from EXCLUDED_COMPONENTS"


@pytest.mark.slow
def test_nlp_model_excluded_components_not_in_pipeline() -> None:
    from pipeline.nlp import make_nlp

    nlp = make_nlp()
    assert not set(EXCLUDED_COMPONENTS) & set(nlp.component_names)
    assert {"tagger", "parser", "lemmatizer", "effikg_relations"} <= set(nlp.pipe_names)


def test_nlp_model_tokenizer_keeps_the_models_special_cases_and_splits_glued_sentences(nlp) -> None:
    import spacy

    from pipeline.nlp.loading import model_path

    plain = spacy.load(model_path(), exclude=list(EXCLUDED_COMPONENTS))
    assert nlp.tokenizer.rules == plain.tokenizer.rules and len(plain.tokenizer.rules) > 1000
    words = [t.text for t in nlp.make_doc("We don't use it.We propose MARCA.We run GPT-4V. (FFT)–which 1.3–2.4×")]
    assert words[:5] == ["We", "do", "n't", "use", "it"] and words[5:7] == [".", "We"]
    assert words[8:11] == ["MARCA", ".", "We"] and words[12:14] == ["GPT-4V", "."]
    assert words[-4:] == ["FFT)", "–", "which", "1.3–2.4×"]  # a dash between words splits, a range stays


def test_nlp_model_tokenizer_loaded_once_tokenizes_as_the_stock_route(nlp) -> None:
    """make_nlp reads the model's tokenizer file itself (spacy.load makes an empty one),
    effikg's affixes put in before its special cases are added: every setting, token and
    norm as spaCy's own loading with the affixes set afterwards, on the bundled abstracts
    and every name and form of the gazetteers."""
    import json

    import spacy

    from pipeline.corpus import bundled_corpus
    from pipeline.ingest import read_papers
    from pipeline.nlp.loading import EMPTY_TOKENIZER, effikg_affixes, model_path
    from pipeline.records import Paper

    assert nlp.config["nlp"]["tokenizer"] == {"@tokenizers": EMPTY_TOKENIZER}
    components = spacy.util.load_config(model_path() / "config.cfg")["nlp"]["pipeline"]
    stock = spacy.load(model_path(), exclude=list(components)).tokenizer  # the tokenizer alone
    infixes, suffixes = effikg_affixes(nlp)
    stock.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
    stock.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
    ours = nlp.tokenizer

    def settings(tok) -> list:
        found = [tok.prefix_search, tok.suffix_search, tok.infix_finditer, tok.token_match, tok.url_match]
        return [f.__self__.pattern if f is not None else None for f in found] + [tok.faster_heuristics]

    assert settings(ours) == settings(stock) and ours.rules == stock.rules
    abstracts = [p.abstract for f in bundled_corpus() for p in read_papers(f) if isinstance(p, Paper)]
    names = [name for path in sorted((Path(pipeline.__file__).parent / "vocab").glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
             for key, value in json.loads(line).items() if key in {"label", "forms", "names", "family"}
             for name in (value if isinstance(value, list) else [value]) if isinstance(name, str)]
    assert len(abstracts) >= 80 and len(names) > 800
    for text in abstracts + names:
        assert [(t.text_with_ws, t.norm_) for t in ours(text)] == [(t.text_with_ws, t.norm_) for t in stock(text)], text[:80]
