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
        spans = _with_measure_heads(doc, filter_spans([Span(doc, s, e, label=m) for m, s, e in self.matcher(doc)]))
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


def outside_names(doc: Doc, names: list[Span]) -> None:
    """Drop the metric mentions inside a longer name of the paper's own methods: "AP" of
    "Block-AP", a phase of EfficientQAT, is not Average Precision (the methods component
    calls this once it knows the names; a dataset's "COCO-AP" stays a metric)."""
    def inside(m: MetricMention) -> bool:
        return any(s.start <= m.start and m.end <= s.end and len(s) > m.end - m.start for s in names)

    if names and any(inside(m) for m in doc._.metrics or ()):
        doc._.metrics = [m for m in doc._.metrics if not inside(m)]
        doc.spans["metric"] = [Span(doc, m.start, m.end, label=m.metric) for m in doc._.metrics]


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
