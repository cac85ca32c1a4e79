"""Train and measure the candidate scorer on gold files (`effikg train`, `effikg eval --cv`).

Each abstract of a gold set is run through the pipeline up to the candidates once; a
candidate is labelled right when a gold triple of its abstract matches it by the
annotation guide's rules (pipeline/evaluate.py). The scorer is fitted with scikit-learn
and written as plain JSON (pipeline/nlp/scorer.py reads it), byte for byte the same for
the same data. Cross-validation folds by abstract; leave-one-set-out trains on all sets
but one and scores that one.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.errors import EvalError
from pipeline.evaluate import EvalResult, Scores, gold_forms, read_corpus, read_gold, score
from pipeline.normalize import match_key
from pipeline.records import RELATIONS, Extraction, Paper

# Stochastic gradient boosting: each tree sees 80% of the candidates and each split half
# the features, which held up better on abstracts not trained on (5-fold CV over 8 seeds
# 0.8060 against 0.8026 for every candidate and feature; higher on each left-out set).
TREES = {"n_estimators": 200, "max_depth": 3, "learning_rate": 0.08, "min_samples_leaf": 5,
         "subsample": 0.8, "max_features": 0.5}


@dataclass
class Sample:
    """One gold abstract with its candidates, ready to label, fit and decide on."""

    set_name: str
    paper: Paper
    gold: dict
    doc_result: object  # pipeline.nlp.extract.DocResult
    labels: list[int]


def read_sets(pairs: Sequence[tuple[Path, Sequence[Path]]]) -> list[tuple[str, list[dict], list[Paper]]]:
    """(set name, gold rows, papers) for each GOLD=CORPUS pair."""
    return [(Path(gold_path).stem.removeprefix("gold-"), read_gold(gold_path), read_corpus(corpus))
            for gold_path, corpus in pairs]


def collect(pairs: Sequence[tuple[Path, Sequence[Path]]], nlp=None) -> list[Sample]:
    """Every gold abstract found in its corpus, run up to the candidates and labelled."""
    from pipeline.nlp import make_nlp
    from pipeline.nlp.extract import doc_results

    nlp = nlp or make_nlp(scorer=False)
    samples: list[Sample] = []
    for set_name, rows, papers in read_sets(pairs):
        matched = [(p, next((r for r in rows if r["key"] in p.abstract), None)) for p in papers]
        matched = [(p, r) for p, r in matched if r is not None]
        if not matched:
            raise EvalError(f"{set_name}: no abstract of the corpus matches a gold line")
        for (paper, row), result in zip(matched, doc_results(nlp, [p for p, _ in matched])):
            samples.append(Sample(set_name, paper, row, result, label(result, row)))
    return samples


def label(result, row: dict) -> list[int]:
    """1 for each candidate some gold triple of the abstract matches, else 0."""
    gold = [(t["p"], *gold_forms(t)) for t in row.get("triples", [])]
    forms = result.forms()
    out = []
    for c in result.candidates:
        claim = c.claim
        subj = {match_key(claim.subject.label), match_key(claim.subject_text)} | forms.get(claim.subject.key, set())
        obj = {match_key(claim.object.label)}
        if claim.object.type != "Metric":
            obj |= {match_key(claim.object_text)} | forms.get(claim.object.key, set())
        out.append(int(any(rel == claim.relation and subj & s and obj & o for rel, s, o in gold)))
    return out


def _matrix(samples: Sequence[Sample]) -> tuple[list[str], np.ndarray, np.ndarray]:
    rows = [c.features for s in samples for c in s.doc_result.candidates]
    names = sorted({k for r in rows for k in r})
    index = {n: i for i, n in enumerate(names)}
    x = np.zeros((len(rows), len(names)))
    for i, r in enumerate(rows):
        for k, v in r.items():
            x[i, index[k]] = v
    y = np.asarray([lab for s in samples for lab in s.labels])
    return names, x, y


def fit(samples: Sequence[Sample], *, kind: str = "trees", seed: int = 0, threshold: float = 0.4) -> dict:
    """The scorer fitted on the samples, as the JSON-ready dict scorer.ScorerModel reads."""
    names, x, y = _matrix(samples)
    if len(set(y.tolist())) < 2:
        raise EvalError("training needs candidates both right and wrong; the gold matches none or all")
    if kind == "linear":
        model = _fit_linear(names, x, y, seed, threshold)
    else:
        from sklearn.ensemble import GradientBoostingClassifier

        clf = GradientBoostingClassifier(random_state=seed, **TREES).fit(x, y)
        model = trees_model(clf, names, y)
        model.update(threshold=threshold)
    model["trained_on"] = dict(_summary(samples), digest=matrix_digest(names, x, y))
    return model


def matrix_digest(names: list[str], x: np.ndarray, y: np.ndarray) -> str:
    """The sha256 of what a scorer is fitted on (feature names, values, labels): the shipped
    scorer records it, so that a test can tell when the extractor's candidates have moved
    on from those it was trained on (it is then to be retrained, DEVELOPERS.md)."""
    digest = hashlib.sha256(json.dumps([names, list(x.shape)]).encode("utf-8"))  # framed: names, then the shape
    digest.update(np.ascontiguousarray(x, dtype="<f8").tobytes())
    digest.update(np.ascontiguousarray(y, dtype="<i8").tobytes())
    return digest.hexdigest()


def training_digest(samples: Sequence[Sample]) -> str:
    """matrix_digest of the samples, as `fit` computes it."""
    return matrix_digest(*_matrix(samples))


def trees_model(clf, names: list[str], y: np.ndarray) -> dict:
    """A fitted GradientBoostingClassifier as plain data: per tree its node arrays; the
    start value is the log-odds of the prior, as scikit-learn's default init gives."""
    prior = float(y.mean())
    trees = []
    for est in clf.estimators_[:, 0]:
        t = est.tree_
        trees.append({"feature": t.feature.tolist(), "threshold": [round(v, 6) for v in t.threshold.tolist()],
                      "left": t.children_left.tolist(), "right": t.children_right.tolist(),
                      "value": [round(v, 8) for v in t.value[:, 0, 0].tolist()]})
    importance = {n: round(float(v), 5) for n, v in zip(names, clf.feature_importances_) if v > 0}
    return {"kind": "trees", "features": names, "init": round(float(np.log(prior / (1 - prior))), 8),
            "learning_rate": clf.learning_rate, "trees": trees,
            "importance": dict(sorted(importance.items(), key=lambda kv: (-kv[1], kv[0])))}


def _fit_linear(names: list[str], x: np.ndarray, y: np.ndarray, seed: int, threshold: float) -> dict:
    from sklearn.linear_model import LogisticRegression

    scale = np.maximum(np.abs(x).max(axis=0), 1e-9)
    clf = LogisticRegression(C=1.0, max_iter=2000, random_state=seed).fit(x / scale, y)
    weights = (clf.coef_[0] / scale).tolist()
    return {"kind": "linear", "features": names, "weights": [round(w, 8) for w in weights],
            "bias": round(float(clf.intercept_[0]), 8), "threshold": threshold,
            "importance": {n: round(w * s, 5) for n, w, s in zip(names, weights, scale.tolist()) if w}}


def _summary(samples: Sequence[Sample]) -> dict:
    sets: dict[str, int] = {}
    for s in samples:
        sets[s.set_name] = sets.get(s.set_name, 0) + 1
    return {"abstracts": sets, "candidates": sum(len(s.labels) for s in samples),
            "right": sum(sum(s.labels) for s in samples)}


def decide(samples: Sequence[Sample], model: dict, threshold: float | None = None) -> list[Extraction]:
    """The extractions the model keeps for each sample (the build's decision, replayed)."""
    from pipeline.nlp.scorer import ScorerModel

    scorer = ScorerModel(model)
    th = model.get("threshold", 0.4) if threshold is None else threshold
    out = []
    for s in samples:
        cands = s.doc_result.candidates
        p = scorer.predict(scorer.matrix([c.features for c in cands]))
        out.append(s.doc_result.extraction(p, th))
    return out


def score_samples(samples: Sequence[Sample], extractions: Sequence[Extraction]) -> EvalResult:
    return score([s.gold for s in samples], extractions)


def folds(samples: Sequence[Sample], k: int, seed: int) -> list[list[int]]:
    """k folds of sample indices, by abstract, shuffled with the seed."""
    order = list(range(len(samples)))
    random.Random(seed).shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]


def cross_validate(samples: Sequence[Sample], k: int = 5, seed: int = 0, kind: str = "trees",
                   threshold: float = 0.4) -> tuple[EvalResult, list[EvalResult]]:
    """(pooled result over the held-out folds, one result a fold)."""
    if k < 2 or k > len(samples):
        raise EvalError(f"--cv needs 2 <= K <= {len(samples)} abstracts, not {k}")
    per_fold: list[EvalResult] = []
    held: list[Sample] = []
    decided: list[Extraction] = []
    for fold in folds(samples, k, seed):
        test = [samples[i] for i in fold]
        chosen = set(fold)
        train = [s for i, s in enumerate(samples) if i not in chosen]
        model = fit(train, kind=kind, seed=seed, threshold=threshold)
        ex = decide(test, model)
        per_fold.append(score_samples(test, ex))
        held.extend(test)
        decided.extend(ex)
    return score_samples(held, decided), per_fold


def leave_one_set_out(samples: Sequence[Sample], seed: int = 0, kind: str = "trees",
                      threshold: float = 0.4) -> dict[str, EvalResult]:
    """Train on every set but one, score that one; one result a held-out set."""
    out = {}
    names = sorted({s.set_name for s in samples})
    if len(names) < 2:
        return out
    for name in names:
        train = [s for s in samples if s.set_name != name]
        test = [s for s in samples if s.set_name == name]
        out[name] = score_samples(test, decide(test, fit(train, kind=kind, seed=seed, threshold=threshold)))
    return out


def spread(results: Sequence[EvalResult]) -> dict[str, tuple[float, float]]:
    """(mean, standard deviation) of F1 across folds, per relation and micro."""
    out = {}
    for rel in [*RELATIONS, "micro"]:
        f1 = [(r.micro if rel == "micro" else r.per_relation.get(rel, Scores(0, 0, 0))).f1 for r in results]
        out[rel] = (float(np.mean(f1)), float(np.std(f1)))
    return out


def write_model(model: dict, out: Path) -> Path:
    """DIR/scorer.json, deterministic (sorted keys, fixed rounding)."""
    from pipeline.files import write_atomic
    from pipeline.nlp.scorer import MODEL_FILE

    out.mkdir(parents=True, exist_ok=True)
    path = out / MODEL_FILE
    write_atomic(path, (json.dumps(model, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8"))
    return path


def _row(name: str, r: EvalResult, f1_spread: tuple[float, float] | None = None) -> str:
    s = r.micro
    spread_text = f"  ±{f1_spread[1]:.3f}" if f1_spread else ""
    per = "  ".join(f"{rel} {r.per_relation[rel].f1:.3f}" for rel in RELATIONS if rel in r.per_relation)
    return (f"{name:<16} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}{spread_text}  figures "
            f"{r.figures_held}/{r.figures_total} ({r.figures_held}/{r.figures_matched} found)  | {per}")


def _repeats_text(results: Sequence[EvalResult], seeds: Sequence[int]) -> list[str]:
    f1 = np.asarray([r.micro.f1 for r in results])
    per = "  ".join(f"{rel} {np.mean([r.per_relation[rel].f1 for r in results if rel in r.per_relation]):.3f}"
                    for rel in RELATIONS)
    return ["", f"repeated with seeds {seeds[0]}..{seeds[-1]} ({len(seeds)} runs): micro "
                f"P {np.mean([r.micro.precision for r in results]):.3f} R {np.mean([r.micro.recall for r in results]):.3f} "
                f"F1 {f1.mean():.4f} ±{f1.std():.4f} (min {f1.min():.4f}, max {f1.max():.4f})  | {per}",
            f"standard error of that mean ±{f1.std() / np.sqrt(len(f1)):.4f}: two such means closer than about "
            f"twice it are the same figure"]


def cv_text(samples: Sequence[Sample], k: int, *, seed: int = 0, kind: str = "trees",
            threshold: float | None = None, repeats: int = 1) -> str:
    """The report of `effikg eval --cv K`: pooled held-out figures with the spread across
    folds, per relation and micro, then the leave-one-set-out table; with repeats > 1 also
    the mean and spread of micro F1 over that many seeds (seed, seed + 1, ...)."""
    from pipeline.nlp import default_threshold

    th = default_threshold() if threshold is None else threshold
    seeds = list(range(seed, seed + max(1, repeats)))
    runs = [cross_validate(samples, k, s, kind, th) for s in seeds]
    pooled, per_fold = runs[0]
    sp = spread(per_fold)
    lines = [f"{k}-fold cross-validation by abstract (seed {seed}, {kind}, threshold {th}): "
             f"{len(samples)} abstracts, each scored by a model not trained on it",
             f"{'relation':<16} {'P':>6} {'R':>6} {'F1':>6}  (± F1 standard deviation across folds)"]
    for rel in RELATIONS:
        s = pooled.per_relation.get(rel, Scores(0, 0, 0))
        lines.append(f"{rel:<16} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}  ±{sp[rel][1]:.3f}")
    lines.append(_row("micro", pooled, sp["micro"]))
    if len(seeds) > 1:
        lines += _repeats_text([r for r, _ in runs], seeds)
    loso = leave_one_set_out(samples, seed, kind, th)
    if loso:
        lines += ["", "leave one set out (train on the others, score this one):",
                  f"{'held-out set':<16} {'P':>6} {'R':>6} {'F1':>6}"]
        lines += [_row(name, r) for name, r in loso.items()]
    return "\n".join(lines)
