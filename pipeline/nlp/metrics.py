"""Component `effikg_metrics`: metric phrases and stated figures, on doc._.metrics / doc._.figures.

Metric phrases come from the gazetteer (phrase -> one of the eight canonical metrics);
figures from pipeline.nlp.figures, aligned to tokens.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.nlp.figures import find_figures
from pipeline.normalize import plural_forms
from pipeline.records import Figure
from pipeline.vocab import Vocab, word_class

# "compute requirements", "memory demands": a noun of how much is needed or used, after a
# metric phrase, is part of that phrase (pipeline/vocab/words.jsonl measure_heads).
MEASURE_HEADS = word_class("measure_heads")


@dataclass(frozen=True)
class MetricMention:
    start: int  # token offsets
    end: int
    text: str
    metric: str  # canonical metric label


@dataclass(frozen=True)
class FigureMention:
    start: int  # token offsets (expanded to whole tokens)
    end: int
    figure: Figure
    metric: str | None  # the metric its unit implies ("tokens/s" -> Throughput)


def _counted(phrase: str) -> bool:
    """A metric phrase whose plural is matched too: not one ending in a mass noun in -y
    ("latency", "accuracy", "energy"), an acronym ("TTFT") or a hyphenated word."""
    last = phrase.rsplit(" ", 1)[-1]
    return last.isalpha() and not last.lower().endswith("y") and not last.isupper()


class MetricRecognizer:
    def __init__(self, nlp: Language, name: str, vocab: Vocab) -> None:
        self.name = name
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        by_metric: dict[str, list[str]] = {}
        for phrase, metric in vocab.metric_phrases.items():
            by_metric.setdefault(metric, []).append(phrase)
        for metric, phrases in sorted(by_metric.items()):
            forms = sorted({f for p in phrases for f in (plural_forms(p) if _counted(p) else [p])})
            self.matcher.add(metric, [nlp.make_doc(f) for f in forms])

    def __call__(self, doc: Doc) -> Doc:
        spans = filter_spans([Span(doc, s, e, label=m) for m, s, e in self.matcher(doc)])
        spans = _with_measure_heads(doc, [s for s in spans if not _acronym_in_a_name(doc, s)])
        doc._.metrics = [MetricMention(start=s.start, end=s.end, text=s.text, metric=s.label_) for s in spans]
        figures: list[FigureMention] = []
        for hit in find_figures(doc_text(doc)):
            span = doc.char_span(hit.start, hit.end, alignment_mode="expand")
            if span is not None:
                figures.append(FigureMention(start=span.start, end=span.end, figure=hit.figure, metric=hit.metric))
        doc._.figures = figures
        doc.spans["metric"] = [Span(doc, m.start, m.end, label=m.metric) for m in doc._.metrics]
        doc.spans["figure"] = [Span(doc, f.start, f.end, label=f.metric or "Figure") for f in figures]
        return doc


def _acronym_in_a_name(doc: Doc, span: Span) -> bool:
    """A metric acronym hyphenated to a capitalised word or a code is part of a name, not
    the metric: "Block-AP" is a training phase, not Average Precision (but "FLOP-to-
    parameter" and "AP-50" keep theirs: a lower-case word, a number)."""
    if sum(c.isupper() for c in span.text) < 2:
        return False
    before, after = span.start - 2, span.end + 1
    glued_before = (before >= 0 and doc[before + 1].text == "-" and not doc[before].whitespace_
                    and not doc[before + 1].whitespace_ and _name_part(doc[before].text))
    glued_after = (after < len(doc) and doc[after - 1].text == "-" and not doc[span.end - 1].whitespace_
                   and not doc[after - 1].whitespace_ and _name_part(doc[after].text))
    return glued_before or glued_after


def _name_part(text: str) -> bool:
    """A word that can be part of a coined name: two characters or more with a letter,
    capitalised or a code ("Block", "Net", "E2E"; not "50" of "AP-50", nor "aware")."""
    return len(text) >= 2 and any(c.isalpha() for c in text) and (text[0].isupper() or text[0].isdigit())


def _with_measure_heads(doc: Doc, spans: list[Span]) -> list[Span]:
    """Each metric phrase extended over a measure head it modifies ("compute requirements");
    a head that is a phrase of its own ("memory access" + "cost") joins the first phrase,
    which names the metric."""
    out: list[Span] = []
    k = 0
    while k < len(spans):
        s = spans[k]
        nxt = spans[k + 1] if k + 1 < len(spans) and spans[k + 1].start == s.end else None
        if (s.end < len(doc) and doc[s.end].lower_ in MEASURE_HEADS and doc[s.end - 1].head.i == s.end
                and (nxt is None or len(nxt) == 1)):
            out.append(Span(doc, s.start, s.end + 1, label=s.label))
            k += 2 if nxt is not None else 1
        else:
            out.append(s)
            k += 1
    return out


def doc_text(doc: Doc) -> str:
    """`doc.text`: the text prepared_docs (pipeline/nlp/extract.py) made the Doc from when
    it is kept and fits the tokens, else rebuilt from them."""
    text = doc._.source_text if Doc.has_extension("source_text") else None
    if isinstance(text, str) and len(doc) and len(text) == doc[-1].idx + len(doc[-1].text_with_ws):
        return text
    return doc.text


def register_extensions() -> None:
    for name in ("metrics", "figures"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


@Language.factory(
    "effikg_metrics", assigns=["doc._.metrics", "doc._.figures"],
    default_config={"vocab": {"@misc": "effikg.vocab.v1"}},
)
def make_metrics(nlp: Language, name: str, vocab: Vocab) -> MetricRecognizer:
    register_extensions()
    return MetricRecognizer(nlp, name, vocab)
