"""extract(papers) -> Extraction per Paper, streaming through nlp.pipe.

Text is cleaned (LaTeX, Unicode) before the model sees it; every claim's sentence and
span are mapped back to the ORIGINAL Paper.abstract through the clean-up's offset map.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.entities import to_method_entity
from pipeline.normalize import match_key
from pipeline.records import Claim, Entity, Extraction, Paper
from pipeline.text import CleanText, clean
from pipeline.vocab import names_entity

_PLURAL = re.compile(r"[A-Za-z]{2,}[^s]s$")


# The cleaned text a Doc was made from: what `doc.text` gives, without rebuilding it from
# the tokens (~0.1 ms a Doc); pipeline/nlp/metrics.py reads it.
if not Doc.has_extension("source_text"):
    Doc.set_extension("source_text", default=None)


def prepared_docs(nlp: Language, papers: Iterable[Paper]) -> Iterator[tuple[Doc, tuple[Paper, CleanText]]]:
    for paper in papers:
        cleaned = clean(paper.abstract)
        doc = nlp.make_doc(cleaned.text)
        doc._.title = paper.title
        doc._.source_text = cleaned.text
        yield doc, (paper, cleaned)


@dataclass
class DocResult:
    """What the pipeline up to the candidates found in one paper: enough to decide its
    claims again with another scorer or threshold, without the Doc (train.py replays it)."""

    paper: Paper
    cleaned: CleanText
    proposed: list
    candidates: list

    def forms(self) -> dict[str, set[str]]:
        """Match keys of every name of each proposed method, by entity key."""
        out: dict[str, set[str]] = {}
        for p in self.proposed:
            out.setdefault(to_method_entity(p.name).key, set()).update(p.keys)
        return out

    def extraction(self, scores, threshold: float, min_confidence: float = 0.0) -> Extraction:
        from pipeline.nlp.scorer import decide

        claims = decide(self.candidates, scores, threshold)
        return build_extraction(self.paper, self.cleaned, self.proposed, claims, min_confidence)


def doc_results(nlp: Language, papers: Iterable[Paper], batch_size: int = 64) -> Iterator[DocResult]:
    """One DocResult a paper, in order (nlp may stop at the candidates: make_nlp(scorer=False))."""
    for doc, (paper, cleaned) in nlp.pipe(prepared_docs(nlp, papers), as_tuples=True, batch_size=batch_size):
        yield DocResult(paper, cleaned, list(doc._.proposed or []), list(doc._.candidates or []))


def to_extraction(doc: Doc, paper: Paper, cleaned: CleanText, min_confidence: float = 0.0) -> Extraction:
    """The Extraction of one processed Doc, spans mapped to the original abstract."""
    return build_extraction(paper, cleaned, doc._.proposed or [], doc._.claims or [], min_confidence)


def build_extraction(paper: Paper, cleaned: CleanText, proposed: list, doc_claims: list,
                     min_confidence: float = 0.0) -> Extraction:
    """The Extraction of a paper's proposed methods and accepted claims."""
    methods = tuple(dict.fromkeys(to_method_entity(p.name) for p in proposed))
    forms: dict[tuple[str, str], None] = {}
    for p in proposed:
        entity = to_method_entity(p.name)
        forms[(entity.key, p.name)] = None
        for alias in p.aliases:
            forms[(entity.key, alias)] = None
    claims: list[Claim] = []
    seen: set[tuple] = set()
    for c in doc_claims:
        if c.confidence < min_confidence:
            continue
        start, end = cleaned.to_original(c.sent_start, c.sent_end)
        dedup = (c.relation, c.subject.key, c.object.key, start, c.figure)
        if dedup in seen:
            continue
        seen.add(dedup)
        claims.append(Claim(
            paper_id=paper.id, subject=c.subject, relation=c.relation, object=c.object,
            subject_text=c.subject_text, object_text=c.object_text,
            sentence=paper.abstract[start:end], start=start, end=end, confidence=c.confidence,
            figure=c.figure, hardware=c.hardware, baseline=c.baseline, metric=c.metric,
        ))
        forms[(c.subject.key, c.subject_text)] = None
        if names_entity(c.object, c.object_text):
            forms[(c.object.key, c.object_text)] = None
        if c.object.type == "Hardware" and _PLURAL.search(c.object_text) and names_entity(c.object, c.object_text[:-1]):
            # "mobile phone CPUs" names the same thing as "mobile phone CPU": keep both forms.
            forms[(c.object.key, c.object_text[:-1])] = None
    surface = tuple(sorted((k, t) for k, t in forms if t and match_key(t)))
    return Extraction(paper=paper, methods=methods, claims=tuple(claims), surface_forms=surface)


def extract(
    papers: Iterable[Paper], *, nlp: Language | None = None, min_confidence: float = 0.0, batch_size: int = 64,
    model: str | Path | None = None,
) -> Iterator[Extraction]:
    """One Extraction per Paper, in input order, streaming (`model`: a scorer folder
    written by `effikg train` instead of the shipped one; ignored when `nlp` is given)."""
    if nlp is None:
        from pipeline.nlp.loading import shared_nlp

        nlp = shared_nlp(model=model)
    for doc, (paper, cleaned) in nlp.pipe(prepared_docs(nlp, papers), as_tuples=True, batch_size=batch_size):
        yield to_extraction(doc, paper, cleaned, min_confidence)


__all__ = ["extract", "to_extraction", "Entity"]
