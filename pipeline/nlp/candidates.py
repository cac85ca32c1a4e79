"""Component `effikg_candidates`: every claim a sentence could support, with its features.

Recall first: in every sentence of an abstract that proposes a method, each hardware
mention is a `targets` and an `outperforms` candidate, each named thing that is not the
paper's own method an `outperforms` candidate, each metric phrase and each figure an
`improves` candidate (a figure with no metric phrase gets its unit's metric, or the
default of a bare "N×" / "N%"). The rule reader's claims are candidates too, and its
confidence is one feature among the others. The scorer (pipeline/nlp/scorer.py) decides.

The subject of a candidate is the paper's own method named nearest before the object in
the sentence, else the first named after it, else the main proposed method (implied by
"we", "our method", "it").
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.nlp.columns import columns
from pipeline.nlp.figures import with_direction
from pipeline.nlp.features import View, featurize, paper_features, subject_method
from pipeline.nlp.methods import Proposal, loose_key
from pipeline.nlp.relations import FIGURE_ADJ_METRIC, DocClaim, hardware_position
from pipeline.normalize import match_key
from pipeline.records import Figure
from pipeline.nlp.entities import to_method_entity, to_metric_entity
from pipeline.vocab import Vocab, word_class

# Words that make a bit-width the KV cache's (pipeline/vocab/words.jsonl).
CACHE_WORDS = word_class("cache_words")
# What makes a sentence a comparison, and the technique nouns a baseline class may end in.
COMPARE_WORDS = word_class("compare_preps") | word_class("compare_markers")
BEAT_VERBS = word_class("beat_verbs")
TECHNIQUE_NOUNS = word_class("technique_nouns")
UNNAMED_MODIFIERS = word_class("unnamed_baseline_modifiers")
OTHERS_DETERMINERS = word_class("others_determiners")
FIGURE_REACH = 12  # tokens between a metric phrase and a figure that may be its own


@dataclass(frozen=True)
class Candidate:
    """One claim the sentence could support, before the scorer has weighed it."""

    claim: DocClaim  # what it becomes if accepted (confidence set by the scorer)
    features: dict[str, float]
    object_span: tuple[int, int]  # token offsets in the Doc
    subject_span: tuple[int, int] | None  # None when the subject is implied


class _Own:
    """The paper's own methods and how a name in the text maps to one of them."""

    def __init__(self, proposed: list[Proposal]):
        self.proposed = proposed
        self.by_key: dict[str, Proposal] = {}
        self.by_loose_key: dict[str, Proposal] = {}  # "LCM" is the "LCMs" the paper proposes
        for p in proposed:
            for k in p.keys:
                self.by_key.setdefault(k, p)
                self.by_loose_key.setdefault(loose_key(k), p)  # k is a match key: loose_key keeps it one
        self.entities = {id(p): to_method_entity(p.name) for p in proposed}
        self._of: dict[str, Proposal | None] = {}  # a name is looked up once a Doc

    def of(self, text: str) -> Proposal | None:
        if text not in self._of:
            self._of[text] = self._lookup(text)
        return self._of[text]

    def _lookup(self, text: str) -> Proposal | None:
        k = match_key(text)
        if k in self.by_key:
            return self.by_key[k]
        if (loose := loose_key(text)) in self.by_loose_key:
            return self.by_loose_key[loose]
        # Variants of the paper's own method ("InceptionNeXt-T").
        for key, p in self.by_key.items():
            if len(key) >= 3 and k.startswith(key) and len(k) - len(key) <= 6:
                return p
        return None


@dataclass
class _Here:
    """One sentence's mentions and rule claims, sorted out once a Doc (not read from the
    Doc's extensions again for every sentence)."""

    names: list
    hardware: list
    metrics: list
    figures: list
    rules: list[DocClaim]


def _by_sentence(doc: Doc, sents: list[Span]) -> list[_Here]:
    """Each sentence's _Here, in sentence order (a mention belongs to the sentence its
    first token is in)."""
    starts = [s.start for s in sents]
    out = [_Here([], [], [], [], []) for _ in sents]
    for field in ("names", "hardware", "metrics", "figures"):
        for m in getattr(doc._, field) or []:
            getattr(out[bisect_right(starts, m.start) - 1], field).append(m)
    k_of = {s.start_char: k for k, s in enumerate(sents)}
    for c in doc._.rule_claims or []:
        if c.sent_start in k_of:
            out[k_of[c.sent_start]].rules.append(c)
    return out


def _subject_for(i: int, own_in_sent: list[tuple[int, int, Proposal, str]], main: Proposal):
    """(proposal, text, span) of the subject for an object at token i."""
    before = [o for o in own_in_sent if o[1] <= i]
    after = [o for o in own_in_sent if o[0] > i]
    pick = max(before, key=lambda o: o[0]) if before else (min(after, key=lambda o: o[0]) if after else None)
    if pick is None:
        return main, main.name, None
    return pick[2], pick[3], (pick[0], pick[1])


class CandidateMaker:
    def __init__(self, nlp: Language, name: str, vocab: Vocab, default_x_metric: str, default_percent_metric: str):
        self.vocab = vocab
        self.default_x_metric = default_x_metric
        self.default_percent_metric = default_percent_metric

    def __call__(self, doc: Doc) -> Doc:
        doc._.candidates = self.candidates(doc)
        return doc

    def candidates(self, doc: Doc) -> list[Candidate]:
        proposed: list[Proposal] = doc._.proposed or []
        if not proposed:
            return []
        own = _Own(proposed)
        sents = list(doc.sents)
        starts = [p.sent_start for p in proposed if p.sent_start >= 0]
        proposal_sent = next((k for k, s in enumerate(sents) if starts and s.start <= min(starts) < s.end), 0)
        out: list[Candidate] = []
        for k, (sent, here) in enumerate(zip(sents, _by_sentence(doc, sents))):
            context = {"sent_index": k, "proposal_sent": proposal_sent, "n_sents": len(sents),
                       "n_proposed": len(proposed)}
            out.extend(self._sentence(doc, sent, own, context, here))
        paper_features([c.claim for c in out], [c.features for c in out])
        return out

    def _sentence(self, doc: Doc, sent: Span, own: _Own, context: dict, here: _Here) -> list[Candidate]:
        rules_here = here.rules
        own_in_sent = [(n.start, n.end, p, n.text) for n in here.names if (p := own.of(n.text)) is not None]
        main = own.proposed[0]
        sent_hw = next((h.entity for h in here.hardware if hardware_position(doc, h) == "platform"), None)
        made: dict[tuple, Candidate] = {}
        for rel, obj, obj_text, span, fig, extras in self._objects(doc, sent, own, here):
            p, subj_text, subj_span = _subject_for(span[0], own_in_sent, main)
            subject = own.entities[id(p)]
            figure = with_direction(fig[1], extras.get("metric"), obj_text) if fig else None
            same = [c for c in rules_here if (c.relation, c.subject.key, c.object.key)
                    == (rel, subject.key, obj.key)]
            rule = max((c.confidence for c in same), default=0.0)
            # The rule reader read the object under another relation: hardware it beats is no target.
            rule_other = max((c.confidence for c in rules_here if c.object.key == obj.key and c.relation != rel),
                             default=0.0)
            # What else the sentence states of the result: the rule reader's reading, else
            # the sentence's first platform for a gain.
            hardware = baseline = metric = None
            if same:
                hardware, baseline, metric = same[0].hardware, same[0].baseline, same[0].metric
            elif rel == "improves":
                hardware = sent_hw
            if rel == "outperforms" and figure is None and any(c.figure for c in same):
                # The margin of the rule reader's comparison clause ("outperforms X by 5.3%"),
                # with its direction set as every figure's is.
                margin = next(c for c in same if c.figure)
                figure = with_direction(margin.figure, margin.metric.label if margin.metric else None)
            claim = DocClaim(relation=rel, subject=subject, subject_text=subj_text, object=obj,
                             object_text=obj_text, sent_start=sent.start_char, sent_end=sent.end_char,
                             confidence=0.0, figure=figure, hardware=hardware, baseline=baseline, metric=metric)
            extras = {**extras, "rule_same_figure": any(_same_figure(c.figure, claim.figure) for c in same)}
            view = View(doc=doc, relation=rel, sent=sent, obj=doc[span[0]:span[1]],
                        subject=doc[subj_span[0]:subj_span[1]] if subj_span else None,
                        figure=doc[fig[0][0]:fig[0][1]] if fig else None, figure_unit=fig[1].unit if fig else None,
                        rule=rule, rule_other=rule_other, subj_main=p is main,
                        subj_rank=p.rank, subj_part=p.part, **context, **extras)
            key = (rel, claim.subject.key, obj.key, span, fig[0] if fig else None)
            if key not in made:
                made[key] = Candidate(claim, featurize(view), span, subj_span)
                if subj_span is None:
                    _co_subjects(made, made[key], view, p, own, rules_here, key)
        out = list(made.values())
        out.extend(self._rule_only(doc, sent, rules_here, out, context))
        return out

    def _objects(self, doc: Doc, sent: Span, own: _Own, here: _Here) -> list[tuple]:
        """What a sentence could claim: (relation, object entity, object text, object span,
        (figure span, Figure) or None, extras for the View), hardware, baselines, metrics."""
        proposals = []
        hardware_tokens = set()
        for h in here.hardware:
            hardware_tokens.update(range(h.start, h.end))
            extras = {"hardware_kind": h.entity.kind, "object_is_hardware": True, "hw_modifier": h.modifier}
            proposals.append(("targets", h.entity, h.text, (h.start, h.end), None, extras))
            proposals.append(("outperforms", h.entity, h.text, (h.start, h.end), None, extras))
        for n in here.names:
            low = n.text.lower()
            if own.of(n.text) is not None or n.start in hardware_tokens or self._never_baseline(doc, n.text):
                continue
            extras = {"obj_known_model": low in self.vocab.object_models, "obj_software": low in self.vocab.software}
            proposals.append(("outperforms", to_method_entity(n.text), n.text, (n.start, n.end), None, extras))
        if _compares(sent):
            # "outperforms magnitude pruning", "than chunked prefill": a technique class
            # named in lower case is a baseline too (the guide); the name finder sees only
            # capitalised names.
            for start, end in _technique_phrases(sent):
                text = doc[start:end].text
                if own.of(text) is None and not hardware_tokens & set(range(start, end)):
                    proposals.append(("outperforms", to_method_entity(text), text, (start, end), None,
                                      {"obj_technique_class": True}))
        # "beats A, B and C by 1.4x, 3.2x and 1193x, respectively": each baseline its own margin.
        bound = respectively(doc, sent, sorted({p[3] for p in proposals if p[0] == "outperforms"}), here.figures)
        proposals = [(r, o, t, span, bound.get(span), x) if r == "outperforms" else (r, o, t, span, f, x)
                     for r, o, t, span, f, x in proposals]
        proposals.extend(self._improves(doc, sent, here))
        return proposals

    def _never_baseline(self, doc: Doc, text: str) -> bool:
        """A dataset, a company, "SotA", a task's acronym ("super-resolution (SR)"): named
        like a method, never one that is beaten."""
        words, low = self.vocab.not_a_name, text.lower()
        return low in self.vocab.datasets or low in words or low.removesuffix("s") in words or (
            (doc._.acronyms or {}).get(text, "").lower() in self.vocab.tasks)

    def _improves(self, doc: Doc, sent: Span, here: _Here) -> list[tuple]:
        """improves candidates: each metric phrase (with the nearest figure it could own)
        and each figure (with its unit's metric, or the default of a bare N× / N%)."""
        metrics, figures = here.metrics, here.figures
        # "reduces latency, memory and energy by 1.4x, 3.2x and 45%, respectively".
        bound = respectively(doc, sent, sorted({(m.start, m.end) for m in metrics}), figures)
        taken = {fig[0] for fig in bound.values()}
        # "2.4-3.4x faster": the comparative after the figure names its metric; no other
        # metric phrase of the sentence takes that figure for its nearest.
        said = {(f.start, f.end): FIGURE_ADJ_METRIC[doc[f.end].lower_] for f in figures
                if f.end < sent.end and doc[f.end].lower_ in FIGURE_ADJ_METRIC}
        out = []
        for m in metrics:
            near = [f for f in figures if f.metric in (None, m.metric)
                    and said.get((f.start, f.end), m.metric) == m.metric
                    and min(abs(f.start - m.end), abs(m.start - f.end)) <= FIGURE_REACH]
            near.sort(key=lambda f: min(abs(f.start - m.end), abs(m.start - f.end)))
            choices = [None] + ([((near[0].start, near[0].end), near[0].figure)] if near else [])
            if bound:
                choices = [None] + ([bound[(m.start, m.end)]] if (m.start, m.end) in bound else [])
            for fig in choices:
                out.append(("improves", to_metric_entity(m.metric), m.text, (m.start, m.end), fig,
                            {"metric": m.metric}))
        for f in figures:
            if (f.start, f.end) in taken:
                continue  # bound to its metric phrase by "respectively"
            metric, default = f.metric, False
            if metric is None:
                metric = self.default_x_metric if f.figure.unit == "x" else (
                    self.default_percent_metric if f.figure.unit == "%" else None)
                default = True
            if metric is None:
                continue
            out.append(("improves", to_metric_entity(metric), f.figure.text, (f.start, f.end),
                        ((f.start, f.end), f.figure), {"metric": metric, "default_metric": default}))
            if f.figure.unit == "bit" and not CACHE_WORDS.isdisjoint(columns(doc).lower[sent.start:sent.end]):
                # The guide: a bit-width of the KV cache is a Memory figure, of the weights a
                # Model size one; a sentence naming the cache may mean either.
                out.append(("improves", to_metric_entity("Memory"), f.figure.text, (f.start, f.end),
                            ((f.start, f.end), f.figure), {"metric": "Memory", "default_metric": True}))
        return out

    def _rule_only(self, doc: Doc, sent: Span, rules_here: list[DocClaim], made: list[Candidate],
                   context: dict) -> list[Candidate]:
        """The rule reader's claims that no candidate above covers (described baselines,
        figures bound across the sentence), with the rule's own figure."""
        have = {_rule_key(c.claim) for c in made}
        out = []
        for rc in rules_here:
            if _rule_key(rc) in have or (rc.relation == "outperforms" and rc.object.type != "Hardware"
                                         and self._never_baseline(doc, rc.object_text)):
                continue
            have.add(_rule_key(rc))
            span = _find(doc, sent, rc.object_text)
            view = View(doc=doc, relation=rc.relation, sent=sent, obj=doc[span[0]:span[1]], rule=rc.confidence,
                        metric=rc.object.label if rc.object.type == "Metric" else None,
                        hardware_kind=rc.object.kind, object_is_hardware=rc.object.type == "Hardware",
                        rule_same_figure=True, **context)
            figure = with_direction(rc.figure, rc.object.label if rc.object.type == "Metric" else None,
                                    rc.object_text) if rc.figure else None
            out.append(Candidate(replace(rc, confidence=0.0, figure=figure), featurize(view), span, None))
        return out


def _co_subjects(made: dict, first: Candidate, view: View, subject: Proposal, own: _Own,
                 rules_here: list[DocClaim], key: tuple) -> None:
    """"our method", "we", "it": the claim may be each proposed method's when the paper
    names several with no umbrella (the guide); the scorer weighs each other method by how
    it was found. Only the subject's features differ from the first candidate's."""
    rel, _, obj_key, span, fig_span = key
    for other in own.proposed:
        if other is subject:
            continue
        alt = replace(first.claim, subject=own.entities[id(other)], subject_text=other.name)
        alt_key = (rel, alt.subject.key, obj_key, span, fig_span)
        if alt_key in made:
            continue
        alt_rule = max((c.confidence for c in rules_here
                        if (c.relation, c.subject.key, c.object.key) == (rel, alt.subject.key, obj_key)), default=0.0)
        features = {**first.features,
                    **subject_method(replace(view, subj_main=False, subj_rank=other.rank, subj_part=other.part)),
                    "rule": alt_rule, "rule_any": float(alt_rule > 0), "rule_same_figure": 0.0,
                    "subj_co": 1.0, "subj_co_same_sent": float(other.sent_start == subject.sent_start >= 0)}
        made[alt_key] = Candidate(alt, features, span, None)


def _compares(sent: Span) -> bool:
    """The sentence compares: a beat verb, "than / over / versus", "compared"."""
    c = columns(sent.doc)
    return not (COMPARE_WORDS.isdisjoint(c.lower[sent.start:sent.end])
                and BEAT_VERBS.isdisjoint(c.lemma[sent.start:sent.end]))


def _technique_phrases(sent: Span) -> list[tuple[int, int]]:
    """Lower-case noun phrases ending in a technique noun ("magnitude pruning", "chunked
    prefill", "activation recomputation"), without leading determiners or modifiers that
    leave them unnamed ("the existing pruning" is none)."""
    out = []
    for tok in sent:
        # The small model often tags "pruning" a verb: an -ing technique noun may be one.
        if (not tok.is_lower or tok.lower_ not in TECHNIQUE_NOUNS
                or not (tok.pos_ == "NOUN" or (tok.pos_ == "VERB" and tok.lower_.endswith("ing")))):
            continue
        if tok.head.i > tok.i and tok.dep_ in {"compound", "amod", "nmod"} and tok.head.pos_ == "NOUN":
            continue  # inside a longer phrase: "pruning methods"
        start = tok.i
        while start > sent.start:
            prev = tok.doc[start - 1]
            if prev.text == "-" or (prev.is_lower and prev.is_alpha and prev.pos_ in {"ADJ", "NOUN", "VERB"}
                                    and prev.lower_ not in UNNAMED_MODIFIERS and prev.lower_ not in OTHERS_DETERMINERS):
                start -= 1
            else:
                break
        if tok.doc[start].text == "-":
            start += 1
        out.append((start, tok.i + 1))
    return out


def respectively(doc: Doc, sent: Span, items: list[tuple[int, int]], figures: list) -> dict[tuple[int, int], tuple]:
    """{item span: (figure span, Figure)} when the sentence pairs a list of items with as
    many figures by "respectively" (the i-th item with the i-th figure); else {}.
    `figures`: the sentence's figure mentions."""
    if len(items) < 2 or "respectively" not in columns(doc).lower[sent.start:sent.end]:
        return {}
    figures = sorted(figures, key=lambda f: f.start)
    if len(figures) != len(items):
        return {}
    return {item: ((f.start, f.end), f.figure) for item, f in zip(items, figures)}


def _same_figure(a: Figure | None, b: Figure | None) -> bool:
    return a is not None and b is not None and a.value == b.value


def _rule_key(c: DocClaim) -> tuple:
    """A rule claim is covered by a candidate with the same ends (and, for improves, the
    same figure: a figure bound to another metric is another claim)."""
    figure = c.figure.value if c.figure and c.relation == "improves" else None
    return c.relation, c.subject.key, c.object.key, figure


def _find(doc: Doc, sent: Span, text: str) -> tuple[int, int]:
    """Token span of `text` in the sentence (its first token match), else the sentence root."""
    first = (text.split() or [""])[0].lower()
    for t in sent:
        if t.lower_ == first or (first and t.lower_.startswith(first[:4])):
            n = max(1, len(text.split()))
            return t.i, min(t.i + n, sent.end)
    return sent.root.i, sent.root.i + 1


@Language.factory(
    "effikg_candidates", assigns=["doc._.candidates"],
    requires=["doc._.proposed", "doc._.names", "doc._.hardware", "doc._.metrics", "doc._.figures",
              "doc._.rule_claims", "doc._.pattern_hits"],
    default_config={"vocab": {"@misc": "effikg.vocab.v1"}, "default_x_metric": "Speed",
                    "default_percent_metric": "Accuracy"},
)
def make_candidates(nlp: Language, name: str, vocab: Vocab, default_x_metric: str,
                    default_percent_metric: str) -> CandidateMaker:
    if not Doc.has_extension("candidates"):
        Doc.set_extension("candidates", default=None)
    return CandidateMaker(nlp, name, vocab, default_x_metric, default_percent_metric)


__all__ = ["Candidate", "CandidateMaker", "respectively"]
