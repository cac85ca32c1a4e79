"""Fixtures for the NLP tests: hand-written abstracts run through the session pipeline."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from spacy.tokens import Doc

from pipeline.text import clean


@pytest.fixture(scope="session")
def parse(nlp) -> Callable[..., Doc]:
    """parse(abstract, title=None) -> the processed Doc, as extract() builds it (text
    cleaned first, the title set on doc._.title before the components run)."""

    def run(text: str, title: str | None = None) -> Doc:
        doc = nlp.make_doc(clean(text).text)
        doc._.title = title
        for _, component in nlp.pipeline:
            doc = component(doc)
        return doc

    return run
