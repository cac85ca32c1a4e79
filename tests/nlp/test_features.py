"""Candidate features: pure functions of a View, each checked on a hand-built Doc (no model)."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from pipeline.nlp import features as F
from pipeline.nlp.patterns import labels

# "TriForce achieves 2.31x speedup on an A100 GPU ." parsed by hand.
WORDS = ["TriForce", "achieves", "2.31x", "speedup", "on", "an", "A100", "GPU", "."]
HEADS = [1, 1, 3, 1, 1, 7, 7, 4, 1]
DEPS = ["nsubj", "ROOT", "nummod", "dobj", "prep", "det", "compound", "pobj", "punct"]
VOCAB = spacy.blank("en").vocab  # lexical attributes (lower_, like_num) without any model
POS = ["PROPN", "VERB", "NUM", "NOUN", "ADP", "DET", "PROPN", "NOUN", "PUNCT"]


def _doc(words=WORDS, heads=HEADS, deps=DEPS, pos=POS, hits=None) -> Doc:
    if not Doc.has_extension("pattern_hits"):
        Doc.set_extension("pattern_hits", default=None)
    doc = Doc(VOCAB, words=words, heads=heads, deps=deps, pos=pos, sent_starts=[True] + [False] * (len(words) - 1))
    doc._.pattern_hits = hits or {}
    return doc


def _view(doc, relation="targets", obj=(6, 8), subject=(0, 1), **kw) -> F.View:
    return F.View(doc=doc, relation=relation, sent=doc[0:len(doc)], obj=doc[obj[0]:obj[1]],
                  subject=doc[subject[0]:subject[1]] if subject else None, **kw)


def test_features_relation_is_one_hot() -> None:
    assert F.relation(_view(_doc(), "improves")) == {"rel=targets": 0.0, "rel=improves": 1.0, "rel=outperforms": 0.0}


def test_features_rule_evidence_is_the_rule_confidence() -> None:
    assert F.rule_evidence(_view(_doc(), rule=0.9)) == {"rule": 0.9, "rule_any": 1.0, "rule_same_figure": 0.0,
                                                        "rule_other_relation": 0.0}
    assert F.rule_evidence(_view(_doc()))["rule_any"] == 0.0
    # The rule reader beat this GPU: as evidence against it being the target.
    assert F.rule_evidence(_view(_doc(), rule_other=0.8))["rule_other_relation"] == 0.8


def test_features_position_before_at_and_after_the_proposal() -> None:
    assert F.position(_view(_doc(), sent_index=0, proposal_sent=2))["sent_before_proposal"] == 1.0
    at = F.position(_view(_doc(), sent_index=2, proposal_sent=2, n_sents=3))
    assert at["sent_is_proposal"] == 1.0 and at["sent_is_last"] == 1.0 and at["sent_offset"] == 0.0
    assert F.position(_view(_doc(), sent_index=12, proposal_sent=1))["sent_offset"] == 6.0  # clipped


def test_features_subject_distance_in_tokens_and_in_the_tree() -> None:
    named = F.subject(_view(_doc()))
    # GPU -> on -> achieves <- TriForce: three edges; six tokens from TriForce to A100.
    assert named["subj_tree_dist"] == 3.0 and named["subj_tok_dist"] == 6.0
    assert named["subj_before_object"] == 1.0 and named["subj_is_nsubj"] == 1.0
    implied = F.subject(_view(_doc(), subject=None))
    assert implied["subj_implied"] == 1.0 and implied["subj_tree_dist"] == 2.0  # GPU to the root


def test_features_object_syntax() -> None:
    syntax = F.object_syntax(_view(_doc()))
    assert syntax["obj_dep=pobj"] == 1.0 and syntax["obj_dep=dobj"] == 0.0
    assert syntax["obj_depth"] == 2.0 and syntax["obj_head_is_verb"] == 0.0 and syntax["obj_in_parens"] == 0.0
    assert F.object_syntax(_view(_doc(), obj=(3, 4)))["obj_head_is_verb"] == 1.0  # "speedup" hangs off "achieves"


def test_features_constructions_read_the_pattern_hits_on_object_and_figure() -> None:
    doc = _doc(hits={7: {"object:platform"}, 2: {"figure:up_to"}})
    out = F.constructions(_view(doc, figure=doc[2:3]))
    assert out["pat=platform"] == 1.0 and out["figpat=up_to"] == 1.0
    assert out["pat=compare"] == 0.0 and out["figpat=platform"] == 0.0
    assert {k.split("=", 1)[1] for k in out} == set(labels())


def test_features_rule_checks_platform_position_and_keeping_quality() -> None:
    checks = F.rule_checks(_view(_doc(), object_is_hardware=True))
    assert checks["hw_position=platform"] == 1.0 and checks["hw_position=subject"] == 0.0
    words = ["It", "maintains", "accuracy", "."]
    doc = _doc(words, [1, 1, 1, 1], ["nsubj", "ROOT", "dobj", "punct"], ["PRON", "VERB", "NOUN", "PUNCT"])
    doc[1].lemma_ = "maintain"
    kept = F.rule_checks(_view(doc, "improves", obj=(2, 3), subject=None))
    assert kept["blocked"] == 1.0 and kept["hw_position=platform"] == 0.0


def test_features_figure_distance_and_unit() -> None:
    doc = _doc()
    with_figure = F.figure(_view(doc, "improves", obj=(3, 4), figure=doc[2:3], figure_unit="x"))
    assert {k: v for k, v in with_figure.items() if v} == {"has_figure": 1.0, "fig_unit=x": 1.0}
    assert with_figure["fig_dist"] == 0.0 and with_figure["fig_after_object"] == 0.0
    # "4-bit": a bit width is its own evidence (of model size), as is a unit the list does not name.
    assert F.figure(_view(doc, "improves", obj=(3, 4), figure=doc[2:3], figure_unit="bit"))["fig_unit=bit"] == 1.0
    assert F.figure(_view(doc, "improves", obj=(3, 4), figure=doc[2:3], figure_unit="tokens/s"))["fig_unit=other"] == 1.0
    without = F.figure(_view(doc, "improves", obj=(3, 4)))
    assert without["has_figure"] == 0.0 and not any(v for k, v in without.items() if k.startswith("fig_unit"))


def test_features_words_near_the_object() -> None:
    words = ["X", "has", "no", "accuracy", "loss", "."]
    doc = _doc(words, [1, 1, 4, 4, 1, 1], ["nsubj", "ROOT", "det", "compound", "dobj", "punct"],
               ["PROPN", "VERB", "DET", "NOUN", "NOUN", "PUNCT"])
    near = F.words_near(_view(doc, "improves", obj=(3, 4), subject=(0, 1)))
    assert near["near_keep"] == 1.0 and near["near_loss"] == 1.0 and near["sent_len"] == 6.0


def test_features_a_hedged_sentence_is_marked() -> None:
    words = ["We", "hope", "X", "will", "reduce", "memory", "."]
    doc = Doc(VOCAB, words=words, heads=[1, 1, 4, 4, 1, 4, 1],
              deps=["nsubj", "ROOT", "nsubj", "aux", "ccomp", "dobj", "punct"],
              pos=["PRON", "VERB", "PROPN", "AUX", "VERB", "NOUN", "PUNCT"],
              lemmas=["we", "hope", "X", "will", "reduce", "memory", "."], sent_starts=[True] + [False] * 6)
    assert F.words_near(_view(doc, "improves", obj=(5, 6), subject=(2, 3)))["sent_hedge"] == 1.0
    # The hand-built result sentence has no lemmas at all: nothing hedges it.
    assert F.words_near(_view(_doc(), "improves", obj=(3, 4)))["sent_hedge"] == 0.0


def test_features_object_kind() -> None:
    kind = F.object_kind(_view(_doc(), hardware_kind="EdgeDevice+GPU", object_is_hardware=True))
    assert kind["kind=GPU"] == 1.0 and kind["kind=EdgeDevice"] == 1.0 and kind["kind=CPU"] == 0.0
    assert kind["obj_has_digit"] == 1.0 and kind["metric=Speed"] == 0.0
    assert F.object_kind(_view(_doc(), "improves", obj=(3, 4), metric="Speed"))["metric=Speed"] == 1.0


@pytest.mark.parametrize("name", sorted(F.FEATURES))
def test_features_every_feature_returns_numbers(name) -> None:
    out = F.FEATURES[name](_view(_doc(), figure=_doc()[2:3]))
    assert out and all(isinstance(v, float) for v in out.values()), name


def test_features_featurize_has_unique_names() -> None:
    names = [k for fn in F.FEATURES.values() for k in fn(_view(_doc()))]
    assert len(names) == len(set(names))
    assert F.featurize(_view(_doc())).keys() == set(names)


def _claim(relation: str, obj: str, sent_start: int, kind: str = "Metric"):
    from pipeline.nlp.relations import DocClaim
    from pipeline.records import Entity

    method = Entity("Method", "TriForce", "triforce")
    return DocClaim(relation, method, "TriForce", Entity(kind, obj, obj.lower()), obj, sent_start, sent_start + 10, 0.0)


def test_features_paper_features_count_a_relations_objects_and_their_order_of_first_mention() -> None:
    claims = [_claim("improves", "Speed", 0), _claim("improves", "Memory", 0), _claim("targets", "GPU", 0, "Hardware"),
              _claim("improves", "Speed", 20), _claim("improves", "Energy", 40)]
    rows = F.paper_features(claims, [{"rule": 0.0} for _ in claims])
    assert [r["paper_rel_objects"] for r in rows] == [3.0, 3.0, 1.0, 3.0, 3.0]
    assert [r["paper_obj_order"] for r in rows] == [0.0, 1.0, 0.0, 0.0, 2.0]
    # The triple's own counts: Speed is proposed in two sentences.
    assert rows[0]["paper_triple_sents"] == rows[3]["paper_triple_sents"] == 2.0
    assert rows[1]["paper_triple_sents"] == 1.0


def test_features_paper_features_stop_counting_at_the_cap() -> None:
    claims = [_claim("improves", f"M{i}", 0) for i in range(F.PAPER_COUNT_CAP + 5)]
    rows = F.paper_features(claims, [{} for _ in claims])
    assert rows[-1]["paper_rel_objects"] == rows[-1]["paper_obj_order"] == float(F.PAPER_COUNT_CAP)
