"""The scorer's JSON model: the same probabilities as the scikit-learn model it was written
from, deterministic files, decisions by threshold, and clean errors for a bad model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pipeline.errors import EffikgError
from pipeline.nlp.scorer import ScorerModel, decide, load_model, model_file
from pipeline.records import Entity, Figure
from pipeline.nlp.relations import DocClaim


def _data(seed=0, n=300):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    y = (x[:, 0] + 0.5 * x[:, 1] - x[:, 2] * x[:, 3] + rng.normal(scale=0.3, size=n) > 0).astype(int)
    return x, y


def test_scorer_trees_match_scikit_learn() -> None:
    from sklearn.ensemble import GradientBoostingClassifier

    from pipeline import train

    x, y = _data()
    clf = GradientBoostingClassifier(random_state=0, **train.TREES).fit(x, y)
    model = ScorerModel(train.trees_model(clf, ["a", "b", "c", "d"], y))
    assert np.allclose(model.predict(x), clf.predict_proba(x)[:, 1], atol=1e-5)


def test_scorer_linear_model_is_a_logistic_function() -> None:
    model = ScorerModel({"kind": "linear", "features": ["a", "b"], "weights": [2.0, -1.0], "bias": 0.5})
    x = model.matrix([{"a": 1.0, "b": 1.0}, {"b": 3.0, "unknown": 9.0}])
    assert np.allclose(model.predict(x), 1 / (1 + np.exp(-np.array([1.5, -2.5]))))


def test_scorer_effects_are_the_score_less_the_score_without_each_feature() -> None:
    model = ScorerModel({"kind": "linear", "features": ["a", "b", "c"], "weights": [2.0, -1.0, 0.5], "bias": 0.0})
    p = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    effects = model.effects({"a": 1.0, "b": 1.0, "c": 0.0, "unknown": 5.0})
    # Only the non-zero features the model knows, the largest effect first.
    assert list(effects) == ["a", "b"]
    assert effects["a"] == pytest.approx(p(1.0) - p(-1.0)) and effects["b"] == pytest.approx(p(1.0) - p(2.0))


def test_scorer_effects_of_trees_agree_with_predict() -> None:
    from sklearn.ensemble import GradientBoostingClassifier

    from pipeline import train

    x, y = _data()
    clf = GradientBoostingClassifier(random_state=0, **train.TREES).fit(x, y)
    model = ScorerModel(train.trees_model(clf, ["a", "b", "c", "d"], y))
    row = dict(zip("abcd", x[0].tolist()))
    without_b = np.array([[row["a"], 0.0, row["c"], row["d"]]])
    assert model.effects(row)["b"] == pytest.approx(float(model.predict(x[:1])[0] - model.predict(without_b)[0]))
    assert set(model.effects(row)) == set("abcd")


def test_scorer_model_file_defaults_to_the_shipped_model() -> None:
    path = model_file(None)
    assert path.name == "scorer.json" and path.parent.name == "model"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["kind"] in ("trees", "linear") and data["features"] == sorted(data["features"])


def test_scorer_bad_model_is_one_clear_error(tmp_path) -> None:
    with pytest.raises(EffikgError, match="cannot read the scorer model"):
        load_model(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"kind": "forest"}')
    with pytest.raises(EffikgError, match="not a scorer model"):
        load_model(bad)


class _C:  # a candidate as decide() reads it
    def __init__(self, claim, **features):
        self.claim = claim
        self.features = features


def _claim(obj="Speed", figure=None, sent=0):
    method = Entity("Method", "TriForce", "triforce")
    metric = Entity("Metric", obj, obj.lower())
    return DocClaim("improves", method, "TriForce", metric, obj, sent, 10, 0.0,
                    figure=Figure(figure, float(figure.rstrip("x"))) if figure else None)


def _targets(sent=0):
    return DocClaim("targets", Entity("Method", "TriForce", "triforce"), "TriForce",
                    Entity("Hardware", "edge device", "edge-device"), "edge devices", sent, 10, 0.0)


def test_scorer_decide_keeps_the_likely_one_per_claim_and_prefers_a_figure() -> None:
    cands = [_C(_claim()), _C(_claim(figure="2.31x")), _C(_claim(figure="2.31x")), _C(_claim("Memory")),
             _C(_claim(sent=20))]
    claims = decide(cands, [0.9, 0.7, 0.8, 0.3, 0.6], threshold=0.5)
    assert [(c.object.label, c.figure.text if c.figure else None, c.sent_start, c.confidence) for c in claims] == [
        ("Speed", "2.31x", 0, 0.8), ("Speed", None, 20, 0.6)]


def test_scorer_decide_takes_no_improvement_from_a_background_sentence() -> None:
    # Before the proposal, naming no method: "Tiny deep learning on MCUs is challenging due to
    # the limited memory size" states nothing the method improves or beats, whatever the
    # score; it may frame the hardware the work is for (the guide: a target).
    background = {"sent_before_proposal": 1.0, "subj_implied": 1.0}
    cands = [_C(_claim("Memory"), **background), _C(_claim("Speed", sent=20), sent_before_proposal=1.0),
             _C(_claim("Energy", sent=40), subj_implied=1.0), _C(_targets(), **background)]
    claims = decide(cands, [0.99, 0.9, 0.9, 0.9], threshold=0.5)
    assert [(c.relation, c.object.label) for c in claims] == [("improves", "Speed"), ("improves", "Energy"),
                                                              ("targets", "edge device")]


def test_scorer_decide_gives_a_figure_one_metric() -> None:
    # "9.84x lower power": the figure a metric phrase binds is no Speed figure by default as
    # well; a bare figure no phrase binds keeps its default, and a figure bound only below
    # the threshold does not count.
    cands = [_C(_claim("Energy", figure="9.84x")), _C(_claim("Speed", figure="9.84x"), metric_default=1.0),
             _C(_claim("Speed", figure="3.1x"), metric_default=1.0),
             _C(_claim("Memory", figure="2.0x")), _C(_claim("Speed", figure="2.0x"), metric_default=1.0)]
    claims = decide(cands, [0.9, 0.95, 0.9, 0.3, 0.9], threshold=0.5)
    assert [(c.object.label, c.figure.text) for c in claims] == [("Energy", "9.84x"), ("Speed", "3.1x"),
                                                                 ("Speed", "2.0x")]


# The shipped scorer's training sets, in the order DEVELOPERS.md's retrain command gives them
# (the digest, like the trees' subsampling, follows the order of the candidates).
TRAINING_PAIRS = (("tests/data/gold-seeds.jsonl", "pipeline/corpus"),
                  ("tests/data/gold-extra.jsonl", "tests/data/extra-arxiv.jsonl"),
                  ("tests/data/gold-dev2.jsonl", "tests/data/dev2-arxiv.jsonl"))


@pytest.mark.slow
def test_scorer_shipped_model_is_trained_on_the_candidates_the_extractor_makes() -> None:
    """A change to the extraction moves the candidates (their features or their number) of
    the 235 gold abstracts; the shipped scorer must then be retrained on them, or it scores
    candidates unlike those it learned from (as happened once, unnoticed)."""
    from pipeline.train import collect, training_digest

    root = Path(__file__).resolve().parents[2]
    pairs = [(root / gold, [root / corpus]) for gold, corpus in TRAINING_PAIRS]
    shipped = json.loads(model_file(None).read_text(encoding="utf-8"))["trained_on"]
    command = "effikg train " + " ".join(f"{g}={c}" for g, c in TRAINING_PAIRS) + " --out pipeline/nlp/model"
    assert shipped.get("digest") == training_digest(collect(pairs)), (
        f"the extractor's candidates are not those the shipped scorer was trained on: retrain it with `{command}` "
        "(DEVELOPERS.md)")
