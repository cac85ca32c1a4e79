"""The features of a candidate claim: named, pure functions of a `View`.

Each function reads only the Doc and the token spans of one candidate (its sentence,
subject, object and figure) and returns {feature name: value}; `FEATURES` lists them all.
The scorer (pipeline/nlp/scorer.py) learns from the gold what each is worth, so a
feature states evidence ("the object is under 'on'", "a keeping word is next to the
metric"), never a verdict. The checks of the rule reader (platform position, setting,
keeping quality, change cue, purpose clause, authors speaking) are features here too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span

from pipeline.nlp import relations as rules
from pipeline.nlp.columns import columns
from pipeline.records import CANONICAL_METRICS, RELATIONS
from pipeline.vocab import word_class

HARDWARE_KINDS = ("ASIC", "CPU", "EdgeDevice", "FPGA", "GPU", "InMemoryComputing", "Microcontroller", "MobileDevice",
                  "NPU")
OBJECT_DEPS = ("amod", "appos", "compound", "conj", "dobj", "nmod", "nsubj", "nsubjpass", "pobj")
# The normalised units of pipeline/nlp/figures.py a figure feature names (others: "other").
FIGURE_UNITS = ("%", "B", "FLOPs", "bit", "parameters", "points", "s", "x")
# A sentence that hopes or looks ahead ("we hope it will inspire ...") reports no result.
HEDGE_LEMMAS = word_class("hedge_lemmas")
# Where the counts of paper_features stop: beyond it, more is no more evidence.
PAPER_COUNT_CAP = 10
WINDOW = 4  # tokens either side of the object read for keeping / loss / change words
# The one-hot features' names, made once rather than as f-strings for every candidate.
_RELATION_KEYS = tuple((f"rel={r}", r) for r in RELATIONS)
_OBJECT_DEP_KEYS = tuple((f"obj_dep={d}", d) for d in OBJECT_DEPS)
_HW_POSITION_KEYS = tuple((f"hw_position={w}", w) for w in ("platform", "subject", "other"))
_FIGURE_UNIT_KEYS = tuple((f"fig_unit={u}", u) for u in FIGURE_UNITS)
_METRIC_KEYS = tuple((f"metric={m}", m) for m in CANONICAL_METRICS)
_KIND_KEYS = tuple((f"kind={k}", k) for k in HARDWARE_KINDS)


@dataclass(frozen=True)
class View:
    """What a feature may read: the Doc and the candidate's spans (token offsets)."""

    doc: Doc
    relation: str
    sent: Span
    obj: Span
    subject: Span | None = None  # None when the subject is implied ("we", "our method", the main method)
    figure: Span | None = None
    figure_unit: str | None = None  # the figure's normalised unit ("x", "%", "bit", "B", ...)
    metric: str | None = None  # improves: the canonical metric
    hardware_kind: str | None = None  # the object's kind, when it is hardware
    object_is_hardware: bool = False
    default_metric: bool = False  # the metric is the default of a bare "N×" / "N%" figure
    sent_index: int = 0  # the sentence's position in the abstract
    proposal_sent: int = 0  # the sentence that proposes the method (0 when unknown)
    n_sents: int = 1
    rule: float = 0.0  # the rule reader's confidence in the same claim in this sentence (0: not proposed)
    rule_same_figure: bool = False  # ... and the rule bound the same figure to it
    rule_other: float = 0.0  # its confidence in a claim of another relation on the same object ("beats" the GPU)
    hw_modifier: bool = False  # hardware used as a modifier ("GPU memory")
    obj_known_model: bool = False  # a model others accelerate ("Llama2-7B"), from the vocab
    obj_software: bool = False  # a library ("PyTorch"), from the vocab
    obj_technique_class: bool = False  # a lower-case technique class ("magnitude pruning")
    subj_main: bool = True  # the subject is the paper's main proposed method
    subj_rank: int = 1  # how the method was found: 0 named, 1 object of a proposal verb, 2 weaker cue
    subj_part: bool = False  # introduced as a part of the main method
    n_proposed: int = 1


def relation(v: View) -> dict[str, float]:
    return {key: float(v.relation == r) for key, r in _RELATION_KEYS}


def rule_evidence(v: View) -> dict[str, float]:
    """The rule reader, as one voice among the features."""
    return {"rule": v.rule, "rule_any": float(v.rule > 0), "rule_same_figure": float(v.rule_same_figure),
            "rule_other_relation": v.rule_other}


def position(v: View) -> dict[str, float]:
    """Where the sentence stands: before the proposal (background), at it, after it."""
    rel = v.sent_index - v.proposal_sent
    return {"sent_before_proposal": float(rel < 0), "sent_is_proposal": float(rel == 0),
            "sent_offset": float(max(-3, min(rel, 6))), "sent_is_last": float(v.sent_index == v.n_sents - 1),
            "sent_is_first": float(v.sent_index == 0)}


def _path_length(a, b) -> int:
    """Edges between two tokens in the parse tree."""
    c = columns(a.doc)
    depth = {t: d for d, t in enumerate(c.up(a.i))}
    for d, t in enumerate(c.up(b.i)):
        if t in depth:
            return d + depth[t]
    return 20


def subject(v: View) -> dict[str, float]:
    """How the subject is named and how far the object is from it."""
    root = v.obj.root
    if v.subject is None:
        return {"subj_implied": 1.0, "subj_tok_dist": 30.0, "subj_tree_dist": float(min(_path_length(root, v.sent.root), 20)),
                "subj_before_object": 0.0, "subj_is_nsubj": 0.0}
    s_root = v.subject.root
    return {"subj_implied": 0.0, "subj_tok_dist": float(min(abs(v.obj.start - v.subject.start), 30)),
            "subj_tree_dist": float(min(_path_length(root, s_root), 20)),
            "subj_before_object": float(v.subject.start < v.obj.start),
            "subj_is_nsubj": float(s_root.dep_ in {"nsubj", "nsubjpass"})}


def subject_method(v: View) -> dict[str, float]:
    """What the method finder knew about the subject."""
    return {"subj_main": float(v.subj_main), "subj_rank": float(v.subj_rank), "subj_part": float(v.subj_part),
            "n_proposed": float(min(v.n_proposed, 5))}


def object_vocab(v: View) -> dict[str, float]:
    """What the gazetteers say of the object."""
    return {"hw_modifier": float(v.hw_modifier), "obj_technique_class": float(v.obj_technique_class),
            "obj_known_model": float(v.obj_known_model),
            "obj_software": float(v.obj_software)}


def object_syntax(v: View) -> dict[str, float]:
    """The object's place in the parse: its dependency, its depth, the word it hangs off."""
    c = columns(v.doc)
    root = v.obj.root.i
    dep, head = c.dep[root], c.heads[root]
    out = {key: float(dep == d) for key, d in _OBJECT_DEP_KEYS}
    out["obj_depth"] = float(min(c.depth(root), 10))
    out["obj_in_parens"] = float(v.obj.start > v.sent.start and c.lower[v.obj.start - 1] == "(")
    out["obj_head_is_verb"] = float(c.pos[head] in {"VERB", "AUX"})
    out["obj_modifier"] = float(dep in {"compound", "amod", "nmod"} and head != root)
    out["obj_rel_pos"] = (v.obj.start - v.sent.start) / max(1, len(v.sent))
    return out


def constructions(v: View) -> dict[str, float]:
    """Which constructions of patterns/*.jsonl hold the object or the figure."""
    out = dict(_pattern_names()[0])  # every feature 0.0, in label order; the hit ones set below
    _hit_constructions(v, out)
    return out


@lru_cache(maxsize=1)
def _pattern_names() -> tuple[dict[str, float], dict[str, dict[str, str]]]:
    """({feature: 0.0} for every label, in label order; role -> {"role:label" hit, as
    doc._.pattern_hits holds it: its feature}): named once, not once a candidate."""
    from pipeline.nlp.patterns import labels

    names: dict[str, dict[str, str]] = {"object": {}, "figure": {}}
    zeros = {}
    for label in labels():
        names["object"][f"object:{label}"] = f"pat={label}"
        names["figure"][f"figure:{label}"] = f"figpat={label}"
        zeros[f"pat={label}"] = zeros[f"figpat={label}"] = 0.0
    return zeros, names


def rule_checks(v: View) -> dict[str, float]:
    """The rule reader's checks, as evidence: keeping quality, a change cue, a purpose
    clause, the hardware's position, a setting figure, the authors speaking."""
    doc, sent, obj = v.doc, v.sent, v.obj
    out = {"blocked": float(rules.blocked(doc, obj.start, obj.end, sent)),
           "change_cue": float(rules.has_cue(doc, obj.start, obj.end, sent)),
           "purpose_clause": float(rules.in_purpose_clause(obj.root)),
           "speaks_of_own": _sentence_cues(sent)["speaks_of_own"]}
    position = rules.hardware_position(doc, obj) if v.object_is_hardware else None
    for key, where in _HW_POSITION_KEYS:
        out[key] = float(position == where)
    if v.figure is not None:
        out["figure_blocked"] = float(rules.blocked(doc, v.figure.start, v.figure.end, sent))
    return out


def figure(v: View) -> dict[str, float]:
    """The figure bound to an improves candidate: there, how near, how it reads."""
    units = {key: float(v.figure is not None and v.figure_unit == u) for key, u in _FIGURE_UNIT_KEYS}
    units["fig_unit=other"] = float(v.figure is not None and v.figure_unit not in FIGURE_UNITS)
    if v.figure is None:
        return {"has_figure": 0.0, "fig_dist": 30.0, "fig_after_object": 0.0, **units}
    f = v.figure
    dist = f.start - v.obj.end if f.start >= v.obj.end else v.obj.start - f.end
    return {"has_figure": 1.0, "fig_dist": float(min(max(dist, 0), 30)), "fig_after_object": float(f.start >= v.obj.end),
            **units}


@lru_cache(maxsize=256)
def _sentence_cues(sent: Span) -> dict[str, float]:
    """What a sentence says whatever the candidate: read once a sentence, not once a
    candidate (a sentence has a dozen). Spans hash by their Doc and offsets."""
    c = columns(sent.doc)
    lowers, lemmas = c.lower[sent.start:sent.end], c.lemma[sent.start:sent.end]
    return {"sent_beat_verb": float(not rules.BEAT_VERBS.isdisjoint(lemmas)),
            "sent_compare_prep": float(not rules.COMPARE_PREPS.isdisjoint(lowers)),
            "sent_respectively": float("respectively" in lowers),
            "sent_negation": float("neg" in c.dep[sent.start:sent.end]),
            "sent_hedge": float(not HEDGE_LEMMAS.isdisjoint(lemmas)),
            "sent_len": float(min(len(sent), 80)),
            "speaks_of_own": float(rules.speaks_of_own(sent))}


def words_near(v: View) -> dict[str, float]:
    """Cue words around the object within its sentence."""
    lo, hi = max(v.sent.start, v.obj.start - WINDOW), min(v.sent.end, v.obj.end + WINDOW)
    near = columns(v.doc).lower[lo:hi]
    out = {"near_keep": float(not rules.BLOCK_BEFORE.isdisjoint(near)),
           "near_loss": float(not rules.BLOCK_AFTER.isdisjoint(near)),
           "near_change": float(not (rules.CHANGE_WORDS.isdisjoint(near) and rules.CHANGE_LEMMAS.isdisjoint(near)))}
    out.update((k, v) for k, v in _sentence_cues(v.sent).items() if k.startswith("sent_"))
    return out


def object_kind(v: View) -> dict[str, float]:
    """What the object is: which metric, which kind of hardware, a product or a class."""
    out = {key: float(v.metric == m) for key, m in _METRIC_KEYS}
    kinds = v.hardware_kind.split("+") if v.hardware_kind else ()
    out.update({key: float(k in kinds) for key, k in _KIND_KEYS})
    out["obj_is_hardware"] = float(v.object_is_hardware)
    # The object's tokens, not its text (a Span's .text joins new Token objects): no
    # whitespace is a digit, and the text starts with the first token's.
    words = columns(v.doc).text[v.obj.start:v.obj.end]
    out["obj_has_digit"] = float(any(c.isdigit() for w in words for c in w))
    out["obj_capitalised"] = float(bool(words) and words[0][:1].isupper())
    out["metric_default"] = float(v.default_metric)
    out["obj_len"] = float(min(len(v.obj), 6))
    return out


FEATURES: dict[str, Callable[[View], dict[str, float]]] = {
    f.__name__: f for f in (relation, rule_evidence, position, subject, subject_method, object_vocab, object_syntax,
                            constructions, rule_checks, figure, words_near, object_kind)
}


def paper_features(claims: list, rows: list[dict[str, float]]) -> list[dict[str, float]]:
    """What the whole abstract says of each candidate: how many distinct objects the
    abstract offers for its relation and the order its object first comes in among them
    (an abstract with ten candidate metrics states fewer of them as results than one with
    two, and leads with its main one); of its triple, in how many sentences it is
    proposed and the rule reader's best confidence anywhere. `claims[i]` is the DocClaim
    of `rows[i]`, sentence by sentence as the candidates were made (within a sentence by
    the kind of object, not in text order); the rows are extended in place (each is its
    candidate's own dict: copying ~150 features a candidate was a tenth of the component)."""
    first_seen: dict[str, dict[str, int]] = {}  # relation -> object key -> its order among the candidates
    for c in claims:
        order = first_seen.setdefault(c.relation, {})
        order.setdefault(c.object.key, len(order))
    for c, row in zip(claims, rows):
        order = first_seen[c.relation]
        row["paper_rel_objects"] = float(min(len(order), PAPER_COUNT_CAP))
        row["paper_obj_order"] = float(min(order[c.object.key], PAPER_COUNT_CAP))
    by_triple: dict[tuple, list[int]] = {}
    for i, c in enumerate(claims):
        by_triple.setdefault((c.relation, c.subject.key, c.object.key), []).append(i)
    for members in by_triple.values():
        sents = {claims[i].sent_start for i in members}
        rule_max = max(rows[i].get("rule", 0.0) for i in members)
        for i in members:
            rows[i].update({"paper_triple_sents": float(min(len(sents), 5)), "paper_rule_max": rule_max,
                           "paper_triple_candidates": float(min(len(members), 8))})
    return rows


def _hit_constructions(v: View, out: dict[str, float]) -> None:
    """constructions(v) written into `out`, which already holds its zeros."""
    hits = v.doc._.pattern_hits
    if not hits:
        return
    names = _pattern_names()[1]
    for role, span in (("object", v.obj), ("figure", v.figure)):
        if span is None:
            continue
        role_names = names[role]
        for i in range(span.start, span.end):
            for hit in hits.get(i, ()):
                if hit in role_names:
                    out[role_names[hit]] = 1.0


def featurize(v: View) -> dict[str, float]:
    """Every feature of one candidate: FEATURES' dicts merged in order (the same names,
    values and order), the ~100 construction zeros copied once rather than twice."""
    out: dict[str, float] = {}
    for fn in FEATURES.values():
        if fn is constructions:
            out.update(_pattern_names()[0])
            _hit_constructions(v, out)
        else:
            out.update(fn(v))
    return out
