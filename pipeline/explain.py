"""`effikg explain`: why a triple is in the graph, or missing, for one abstract.

Prints the abstract's mentions (doc.spans: method, name, hardware, metric, figure), the
paper's proposed methods, every candidate with its score and the features that moved it
most (each with its effect: the score less the score with that feature set to 0), and which
candidates became claims; `--html` renders the mentions with displaCy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from pipeline.errors import EvalError, InputError
from pipeline.files import write_atomic
from pipeline.records import Paper

SPAN_KEYS = ("method", "name", "hardware", "metric", "figure")
TOP_FEATURES = 6


def text_paper(text: str) -> Paper:
    """A Paper of an abstract given on the command line."""
    if not text.strip():
        raise EvalError("the abstract to explain is empty")
    return Paper(id="explain", abstract=text, source="<text>")


def find_paper(paper_id: str, inputs: Sequence[Path] = ()) -> Paper:
    """The paper with this id (or arXiv id, or DOI) in the inputs (default: the bundled corpus)."""
    from pipeline.corpus import bundled_corpus
    from pipeline.ingest import read_papers

    for path in list(inputs) or bundled_corpus():
        try:
            for record in read_papers(Path(path)):
                if isinstance(record, Paper) and paper_id in (record.id, record.arxiv_id, record.doi):
                    return record
        except InputError as err:
            raise EvalError(str(err)) from None
    raise EvalError(f"no paper with id {paper_id!r} in {', '.join(map(str, inputs)) or 'the bundled corpus'}")


def explain_paper(paper: Paper, *, model: Path | None = None, html_path: Path | None = None,
                  all_features: bool = False) -> str:
    """The explanation as text (and the displaCy page written to html_path); each candidate
    with its TOP_FEATURES most effective features, or all of them."""
    from pipeline.nlp import shared_nlp
    from pipeline.nlp.extract import prepared_docs
    from pipeline.nlp.scorer import from_background

    nlp = shared_nlp(model=model)
    doc, _ = next(iter(nlp.pipe(prepared_docs(nlp, [paper]), as_tuples=True)))
    scorer = nlp.get_pipe("effikg_scorer")
    lines = [f"paper {paper.id}: {paper.title or paper.abstract[:70]}", "", "mentions:"]
    for key in SPAN_KEYS:
        spans = doc.spans[key] if key in doc.spans else []
        shown = ", ".join(f"{s.text} [{s.label_}]" for s in spans) or "-"
        lines.append(f"  {key:<9} {shown}")
    proposed = doc._.proposed or []
    lines.append("proposed: " + (", ".join(f"{p.name} (cue: {p.cue or 'layout'})" for p in proposed) or
                                 "none: no method named, so no claims"))
    lines += ["", f"candidates (threshold {scorer.threshold}; + became a claim; = at or above it, but the "
                  "same claim from another candidate, or with the figure, was kept; b: at or above it, but an "
                  "improvement or a win read from a background sentence, which states neither; "
                  "each feature's effect in parentheses: the score less the score with it set to 0):"]
    kept = {replace(claim, confidence=0.0) for claim in doc._.claims or []}
    for c, s in sorted(zip(doc._.candidates or [], doc._.scores or []), key=lambda cs: -cs[1]):
        claim = c.claim
        mark = (" " if s < scorer.threshold else "b" if from_background(c)
                else "+" if replace(claim, confidence=0.0) in kept else "=")
        figure = f" [{claim.figure.text}]" if claim.figure else ""
        lines.append(f" {mark} {s:.3f}  {claim.subject.label} {claim.relation} {claim.object.label}{figure}"
                     f"  ({claim.object_text!r}, sentence at {claim.sent_start})")
        effects = list(scorer.model.effects(c.features).items())
        shown = effects if all_features else effects[:TOP_FEATURES]
        lines.append("          " + ", ".join(f"{k}={c.features[k]:g} ({_signed(e)})" for k, e in shown))
    if html_path is not None:
        write_atomic(Path(html_path), render_html(doc).encode("utf-8"))
        lines.append(f"\nWrote the mentions to {html_path}.")
    return "\n".join(lines)


def _signed(effect: float) -> str:
    """An effect to three places, signed unless it rounds to nothing ("+0.231", "-0.004", "0")."""
    text = f"{effect:+.3f}"
    return "0" if float(text) == 0 else text


def render_html(doc) -> str:
    """The mentions of every span group drawn with displaCy's span style, one page."""
    from spacy import displacy

    parts = []
    for key in SPAN_KEYS:
        if key in doc.spans and len(doc.spans[key]):
            parts.append(f"<h2>{key}</h2>" + displacy.render(doc, style="span", options={"spans_key": key},
                                                              page=False))
    body = "\n".join(parts) or "<p>No mentions.</p>"
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>effikg explain</title></head><body>{body}</body></html>\n"
