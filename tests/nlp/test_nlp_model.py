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
