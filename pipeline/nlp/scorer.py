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
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.errors import EffikgError

MODEL_FILE = "scorer.json"


class ScorerModel:
    """A trained scorer read from its JSON form."""

    def __init__(self, data: dict):
        self.data = data
        self.kind = data["kind"]
        self.features: list[str] = data["features"]
        self.index = {f: i for i, f in enumerate(self.features)}
        if self.kind == "trees":
            self.init = float(data["init"])
            self.rate = float(data["learning_rate"])
            self.trees = [{k: np.asarray(v) for k, v in t.items()} for t in data["trees"]]
        elif self.kind == "linear":
            self.weights = np.asarray(data["weights"], dtype=float)
            self.bias = float(data["bias"])
        else:
            raise EffikgError(f"scorer model: unknown kind {self.kind!r}")

    def matrix(self, rows: list[dict[str, float]]) -> np.ndarray:
        """Feature dicts as a matrix in the model's column order (unknown names ignored)."""
        x = np.zeros((len(rows), len(self.features)))
        for r, row in enumerate(rows):
            for name, value in row.items():
                j = self.index.get(name)
                if j is not None:
                    x[r, j] = value
        return x

    def predict(self, x: np.ndarray) -> np.ndarray:
        """P(claim is right) for each row of x."""
        if len(x) == 0:
            return np.zeros(0)
        if self.kind == "linear":
            raw = x @ self.weights + self.bias
        else:
            raw = np.full(len(x), self.init)
            rows = np.arange(len(x))
            for t in self.trees:
                node = np.zeros(len(x), dtype=int)
                while True:
                    inner = t["left"][node] >= 0
                    if not inner.any():
                        break
                    go_left = x[rows, np.where(inner, t["feature"][node], 0)] <= t["threshold"][node]
                    node = np.where(inner, np.where(go_left, t["left"][node], t["right"][node]), node)
                raw += self.rate * t["value"][node]
        return 1.0 / (1.0 + np.exp(-raw))


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


def decide(candidates: list, scores, threshold: float) -> list:
    """The claims among scored candidates: those at or above the threshold, one a
    (relation, subject, object, sentence, figure); a claim without a figure gives way to
    one with a figure for the same ends in the same sentence. Confidence = probability."""
    best: dict[tuple, tuple[float, object]] = {}
    for c, s in zip(candidates, scores):
        if s < threshold:
            continue
        claim = c.claim
        key = (claim.relation, claim.subject.key, claim.object.key, claim.sent_start,
               claim.figure.value if claim.figure else None)
        if key not in best or s > best[key][0]:
            best[key] = (float(s), claim)
    figured = {k[:4] for k in best if k[4] is not None}
    return [replace(claim, confidence=round(s, 3)) for k, (s, claim) in best.items()
            if k[4] is not None or k[:4] not in figured]


class Scorer:
    def __init__(self, model: ScorerModel, threshold: float):
        self.model = model
        self.threshold = threshold

    def __call__(self, doc: Doc) -> Doc:
        candidates = doc._.candidates or []
        scores = self.model.predict(self.model.matrix([c.features for c in candidates]))
        doc._.scores = [float(s) for s in scores]
        doc._.claims = decide(candidates, scores, self.threshold)
        return doc


@Language.factory("effikg_scorer", assigns=["doc._.claims", "doc._.scores"], requires=["doc._.candidates"],
                  default_config={"model": "", "threshold": 0.5})
def make_scorer(nlp: Language, name: str, model: str, threshold: float) -> Scorer:
    for ext in ("claims", "scores"):
        if not Doc.has_extension(ext):
            Doc.set_extension(ext, default=None)
    return Scorer(load_model(model_file(model)), threshold)
