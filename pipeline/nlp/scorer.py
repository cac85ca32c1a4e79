"""Component `effikg_scorer`: the trained model weighs every candidate; the likely ones
become claims.

The model is plain JSON (written by `effikg train`, pipeline/train.py): gradient-boosted
trees (`"kind": "trees"`: per tree the arrays of a scikit-learn tree, evaluated here with
numpy) or a logistic regression (`"kind": "linear"`: one weight a feature). A claim's
`confidence` is the model's probability; candidates below `threshold` are dropped.
The model that ships is pipeline/nlp/model/scorer.json; `model = DIR` in config.cfg or
`effikg build --model DIR` reads DIR/scorer.json instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from itertools import chain
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from pipeline.errors import EffikgError

MODEL_FILE = "scorer.json"


class ScorerModel:
    """A trained scorer read from its JSON form."""

    def __init__(self, data: dict):
        self.data = data
        self.kind = data["kind"]
        self.features: list[str] = data["features"]
        self.index = {f: i for i, f in enumerate(self.features)}
        self._layouts: dict[tuple[str, ...], tuple[list[int], list[int]]] = {}
        if self.kind == "trees":
            self.init = float(data["init"])
            self.rate = float(data["learning_rate"])
            self.trees = [{k: np.asarray(v) for k, v in t.items()} for t in data["trees"]]
            self._stack()
        elif self.kind == "linear":
            self.weights = np.asarray(data["weights"], dtype=float)
            self.bias = float(data["bias"])
        else:
            raise EffikgError(f"scorer model: unknown kind {self.kind!r}")

    def _stack(self) -> None:
        """All trees as (trees x nodes) arrays, leaves pointing at themselves, so that one
        step moves every row down every tree at once."""
        width = max(len(t["feature"]) for t in self.trees)
        n = len(self.trees)
        self.t_feature = np.zeros((n, width), dtype=int)
        self.t_threshold = np.zeros((n, width))
        self.t_left = np.tile(np.arange(width), (n, 1))
        self.t_right = self.t_left.copy()
        self.t_value = np.zeros((n, width))
        for i, t in enumerate(self.trees):
            k = len(t["feature"])
            inner = t["left"] >= 0
            self.t_feature[i, :k] = np.where(inner, t["feature"], 0)
            self.t_threshold[i, :k] = t["threshold"]
            self.t_left[i, :k] = np.where(inner, t["left"], np.arange(k))
            self.t_right[i, :k] = np.where(inner, t["right"], np.arange(k))
            self.t_value[i, :k] = t["value"]
        self.depth = max(_depth(t) for t in self.trees)

    def matrix(self, rows: list[dict[str, float]]) -> np.ndarray:
        """Feature dicts as a matrix in the model's column order (unknown names ignored)."""
        x = np.zeros((len(rows), len(self.features)))
        # Rows with the same names in the same order (nearly all of them) are one block.
        layouts: dict[tuple[str, ...], list[int]] = {}
        for r, row in enumerate(rows):
            layouts.setdefault(tuple(row), []).append(r)
        for names, members in layouts.items():
            positions, columns = self._columns(names)
            if not columns:
                continue
            values = np.fromiter(chain.from_iterable(rows[r].values() for r in members), dtype=float,
                                 count=len(members) * len(names)).reshape(len(members), len(names))
            x[np.ix_(members, columns)] = values[:, positions]
        return x

    def _columns(self, names: tuple[str, ...]) -> tuple[list[int], list[int]]:
        """(positions in `names` of the model's features, their columns), once a layout."""
        known = self._layouts.get(names)
        if known is None:
            pairs = [(k, self.index[n]) for k, n in enumerate(names) if n in self.index]
            known = self._layouts[names] = ([k for k, _ in pairs], [j for _, j in pairs])
        return known

    def effects(self, row: dict[str, float]) -> dict[str, float]:
        """What each of a candidate's features does to its score: the probability with the
        features as they are, less the probability with that one feature set to 0, for every
        non-zero feature the model knows, largest effect first. For a flag 0 is its absence;
        for a number (a distance, a length) it is only another value. Not additive (trees
        combine features), but exact for each: it is the model itself, asked again."""
        names = [n for n, v in row.items() if v and n in self.index]
        full = self.matrix([row])
        x = np.repeat(full, len(names) + 1, axis=0)
        for k, name in enumerate(names, start=1):
            x[k, self.index[name]] = 0.0
        p = self.predict(x)
        effects = {name: float(p[0] - p[k]) for k, name in enumerate(names, start=1)}
        return dict(sorted(effects.items(), key=lambda kv: (-abs(kv[1]), kv[0])))

    def predict(self, x: np.ndarray) -> np.ndarray:
        """P(claim is right) for each row of x."""
        if len(x) == 0:
            return np.zeros(0)
        if self.kind == "linear":
            raw = x @ self.weights + self.bias
        else:
            # Nodes as flat indices into the raveled (trees x nodes) arrays: tree t's node k is
            # t * width + k (one gather a step instead of a two-axis fancy index).
            width = self.t_feature.shape[1]
            base = np.arange(len(self.trees)) * width
            node = np.broadcast_to(base, (len(x), len(self.trees)))
            feature, threshold = self.t_feature.ravel(), self.t_threshold.ravel()
            left, right = (self.t_left + base[:, None]).ravel(), (self.t_right + base[:, None]).ravel()
            for _ in range(self.depth):
                go_left = np.take_along_axis(x, feature[node], axis=1) <= threshold[node]
                node = np.where(go_left, left[node], right[node])
            raw = self.init + self.rate * self.t_value.ravel()[node].sum(axis=1)
        return 1.0 / (1.0 + np.exp(-raw))


def _depth(tree: dict) -> int:
    """Edges from the root to the deepest leaf."""
    depth, frontier = 0, [0]
    while True:
        frontier = [c for n in frontier if tree["left"][n] >= 0 for c in (tree["left"][n], tree["right"][n])]
        if not frontier:
            return depth
        depth += 1


def model_file(model: str | Path | None) -> Path:
    """The scorer file of a model folder (or the file itself); None: the shipped default."""
    if not model:
        return Path(str(resources.files("pipeline.nlp").joinpath("model", MODEL_FILE)))
    path = Path(model)
    return path / MODEL_FILE if path.is_dir() else path


@lru_cache(maxsize=8)
def load_model(path: Path) -> ScorerModel:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return ScorerModel(data)
    except OSError as err:
        raise EffikgError(f"{path}: cannot read the scorer model ({err.strerror})") from None
    except (ValueError, KeyError, TypeError) as err:
        raise EffikgError(f"{path}: not a scorer model ({err})") from None


# What a sentence before the method is introduced, naming no method, never states: it
# may frame the hardware the work is for (the guide counts that as a target), but not
# what the method improves or beats ("Tiny deep learning on MCUs is challenging due to
# the limited memory size" is no evidence that MCUNetV2 improves Memory).
_NOT_FROM_BACKGROUND = ("improves", "outperforms")


def from_background(candidate) -> bool:
    """An improves or outperforms candidate from a sentence before the proposal whose
    subject is only implied: never a claim, whatever its score."""
    features = candidate.features
    return candidate.claim.relation in _NOT_FROM_BACKGROUND and bool(
        features.get("sent_before_proposal") and features.get("subj_implied"))


def decide(candidates: list, scores, threshold: float) -> list:
    """The claims among scored candidates: those at or above the threshold, one a
    (relation, subject, object, sentence, figure); a claim without a figure gives way to
    one with a figure for the same ends in the same sentence; no improves or outperforms
    claim comes from a background sentence (`from_background`). Confidence = probability."""
    best: dict[tuple, tuple[float, object]] = {}
    explicit = _figures_with_a_metric(candidates, scores, threshold)
    for c, s in zip(candidates, scores):
        if s < threshold:
            continue
        if from_background(c) or (c.features.get("metric_default") and _figure_key(c.claim) in explicit):
            continue
        claim = c.claim
        key = (claim.relation, claim.subject.key, claim.object.key, claim.sent_start,
               claim.figure.value if claim.figure else None)
        if key not in best or s > best[key][0]:
            best[key] = (float(s), claim)
    figured = {k[:4] for k in best if k[4] is not None}
    return [replace(claim, confidence=round(s, 3)) for k, (s, claim) in best.items()
            if k[4] is not None or k[:4] not in figured]


def _figure_key(claim) -> tuple | None:
    """An improves claim's figure, as written in its sentence."""
    fig = claim.figure
    return None if fig is None or claim.relation != "improves" else (claim.sent_start, fig.text, fig.value)


def _figures_with_a_metric(candidates: list, scores, threshold: float) -> set[tuple]:
    """The figures some kept improves claim binds to a metric phrase: one figure, one
    metric ("4.77x smaller area, 9.84x lower power": 9.84x is no Speed figure as well)."""
    return {key for c, s in zip(candidates, scores)
            if s >= threshold and not c.features.get("metric_default") and (key := _figure_key(c.claim)) is not None}


class Scorer:
    def __init__(self, model: ScorerModel, threshold: float):
        self.model = model
        self.threshold = threshold

    def __call__(self, doc: Doc) -> Doc:
        candidates = doc._.candidates or []
        self._settle(doc, candidates, self.model.predict(self.model.matrix([c.features for c in candidates])))
        return doc

    def _settle(self, doc: Doc, candidates: list, scores) -> None:
        """A Doc's scores and the claims they decide."""
        doc._.scores = [float(s) for s in scores]
        doc._.claims = decide(candidates, scores, self.threshold)

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """The candidates of a whole batch of Docs scored at once: one matrix, one walk
        down the trees (each row is scored alone, so the scores are those of __call__)."""
        if self.model.kind != "trees":  # a matrix product's rounding may depend on its shape
            yield from map(self, docs)
            return
        for batch in minibatch(docs, size=batch_size):
            per_doc = [doc._.candidates or [] for doc in batch]
            scores = self.model.predict(self.model.matrix([c.features for cs in per_doc for c in cs]))
            at = 0
            for doc, candidates in zip(batch, per_doc):
                self._settle(doc, candidates, scores[at:at + len(candidates)])
                at += len(candidates)
            yield from batch


@Language.factory("effikg_scorer", assigns=["doc._.claims", "doc._.scores"], requires=["doc._.candidates"],
                  default_config={"model": "", "threshold": 0.45})
def make_scorer(nlp: Language, name: str, model: str, threshold: float) -> Scorer:
    for ext in ("claims", "scores"):
        if not Doc.has_extension(ext):
            Doc.set_extension(ext, default=None)
    return Scorer(load_model(model_file(model)), threshold)
