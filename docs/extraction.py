"""Write docs/extraction.md and docs/extraction-pr.png: the scorer measured honestly.

    python docs/extraction.py [--seeds 0,1,2] [--folds 5]

Runs the 235 development abstracts (seeds, extra, dev2) up to the candidates once, then:
K-fold cross-validation by abstract for each seed (every abstract scored by a model not
trained on it), the leave-one-set-out table, the precision-recall curve of the held-out
probabilities, and the shipped model's learned feature importances. Nothing here is a fit
on the training data except the importance table, which says so.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np

from pipeline import train
from pipeline.nlp import default_threshold
from pipeline.nlp.scorer import ScorerModel, model_file
from pipeline.records import RELATIONS

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
PAIRS = [(DATA / "gold-seeds.jsonl", [ROOT / "pipeline" / "corpus"]),
         (DATA / "gold-extra.jsonl", [DATA / "extra-arxiv.jsonl"]),
         (DATA / "gold-dev2.jsonl", [DATA / "dev2-arxiv.jsonl"])]
# The rule extractor before v2 (pipeline/nlp/relations.py deciding alone), measured with
# `effikg eval` on each set at the start of the redesign; dev2 was never tuned on.
BEFORE = {"seeds": (0.890, 0.840, 0.864), "extra": (0.930, 0.839, 0.882), "dev2": (0.762, 0.575, 0.656)}


def held_out_probabilities(samples, k: int, seed: int):
    """[(sample, probabilities of its candidates)] with each fold scored by a model fitted
    on the other folds."""
    out = []
    for fold in train.folds(samples, k, seed):
        chosen = set(fold)
        model = ScorerModel(train.fit([s for i, s in enumerate(samples) if i not in chosen], seed=seed))
        for i in fold:
            s = samples[i]
            out.append((s, model.predict(model.matrix([c.features for c in s.doc_result.candidates]))))
    return out


def pr_curve(scored, thresholds):
    rows = []
    for th in thresholds:
        r = train.score_samples([s for s, _ in scored], [s.doc_result.extraction(p, th) for s, p in scored])
        rows.append((th, r.micro.precision, r.micro.recall, r.micro.f1))
    return rows


def plot(rows, path: Path, threshold: float) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 4), dpi=100)
    ax.plot([r[2] for r in rows], [r[1] for r in rows], marker="o", markersize=3)
    for th, p, rec, _ in rows:
        if abs(th - threshold) < 1e-9:
            ax.annotate(f"threshold {th:g}", (rec, p), textcoords="offset points", xytext=(8, 4))
            ax.plot([rec], [p], "ro")
    ax.set_xlabel("recall (held-out folds)")
    ax.set_ylabel("precision (held-out folds)")
    ax.set_title("effikg scorer, 5-fold cross-validation")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def cv_table(samples, seeds, k, th) -> tuple[list[str], list]:
    lines = ["| seed | P | R | F1 | targets F1 | improves F1 | outperforms F1 | figures held: of the gold figures (of the triples found) | F1 ± across folds |",
             "|---|---|---|---|---|---|---|---|---|"]
    pooled_all = []
    for seed in seeds:
        pooled, per_fold = train.cross_validate(samples, k, seed, "trees", th)
        sp = train.spread(per_fold)
        pooled_all.append(pooled)
        rel = " | ".join(f"{pooled.per_relation[r].f1:.3f}" for r in RELATIONS)
        lines.append(f"| {seed} | {pooled.micro.precision:.3f} | {pooled.micro.recall:.3f} | {pooled.micro.f1:.3f} | "
                     f"{rel} | {pooled.figures_held}/{pooled.figures_total} ({pooled.figures_held}/{pooled.figures_matched} found) | "
                     f"±{sp['micro'][1]:.3f} |")
    mean = np.mean([[r.micro.precision, r.micro.recall, r.micro.f1] for r in pooled_all], axis=0)
    lines.append(f"| mean | {mean[0]:.3f} | {mean[1]:.3f} | {mean[2]:.3f} | | | | | |")
    return lines, pooled_all


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    th = default_threshold()
    samples = train.collect(PAIRS)
    cv_lines, _ = cv_table(samples, seeds, args.folds, th)
    loso = train.leave_one_set_out(samples, 0, "trees", th)
    scored = held_out_probabilities(samples, args.folds, seeds[0])
    rows = pr_curve(scored, [round(t, 2) for t in np.arange(0.1, 0.95, 0.05)])
    plot(rows, ROOT / "docs" / "extraction-pr.png", th)
    shipped = json.loads(model_file(None).read_text(encoding="utf-8"))
    write(samples, cv_lines, loso, rows, shipped, th, args.folds)
    refresh_ontology_example()


def refresh_ontology_example() -> None:
    """The example claim in ontology/README.md carries the confidence the shipped scorer
    gives it in graphs/ (tests/test_docs.py checks the example against the build), so a
    retrained scorer updates it here rather than failing that test."""
    readme = ROOT / "ontology" / "README.md"
    text = readme.read_text(encoding="utf-8")
    claim = re.search(r"^res:(claim/\S+) a ekg:Claim", text, re.MULTILINE).group(1)
    found = re.search(rf"<https://w3id.org/effikg/resource/{re.escape(claim)}> <https://w3id.org/effikg/ontology#confidence> "
                      r'"([\d.]+)"', (ROOT / "graphs" / "effikg.nt").read_text(encoding="utf-8"))
    if found is None:
        raise SystemExit(f"graphs/effikg.nt has no confidence for the ontology README's example {claim}: rebuild graphs/")
    readme.write_text(re.sub(r"(ekg:confidence )[\d.]+( ;)", rf"\g<1>{found.group(1)}\g<2>", text, count=1),
                      encoding="utf-8")


def importance_rows(shipped: dict, top: int = 40) -> list[str]:
    """The model's features by learned importance, largest first (the JSON keeps them sorted by name)."""
    ranked = sorted(shipped.get("importance", {}).items(), key=lambda kv: (-kv[1], kv[0]))
    return [f"| `{name}` | {w:.4f} |" for name, w in ranked[:top]]


def write(samples, cv_lines, loso, rows, shipped, th, k) -> None:
    n_cands = sum(len(s.labels) for s in samples)
    out = ["# Extraction: candidates, features, a trained scorer", "",
           "Written by `python docs/extraction.py` (do not edit by hand). Every figure below except the",
           "last table is measured on abstracts the scorer was not trained on.", "",
           "How it works: the rules propose candidate claims with high recall (pipeline/nlp/candidates.py:",
           "every hardware, metric phrase, figure and named thing of a sentence, paired with the paper's",
           "method); each candidate gets named features (pipeline/nlp/features.py: the constructions of",
           "pipeline/nlp/patterns/*.jsonl that hold its object or figure, its place in the parse, the",
           "rule reader's checks and verdict, what the whole abstract says of the triple); a",
           "gradient-boosted tree model trained on the gold (pipeline/train.py, shipped as",
           f"pipeline/nlp/model/scorer.json) gives each a probability; those at or above {th} become",
           "claims, with that probability as their confidence (pipeline/nlp/scorer.py `decide`: one claim a",
           "triple and sentence, and no improves or outperforms claim from a background sentence before",
           "the method is introduced that names no method).", "",
           f"{len(samples)} development abstracts, {n_cands} candidates. Retrain and re-measure with",
           "`effikg train GOLD=CORPUS ... --out DIR` and `effikg eval --cv 5 GOLD=CORPUS ...`.", "",
           f"## {k}-fold cross-validation by abstract (threshold {th})", "", *cv_lines, "",
           "## Leave one set out (train on the other two sets, score this one)", "",
           "| held-out set | P | R | F1 | figures held: of the gold figures (of the triples found) | before v2 (rules alone): P / R / F1 |", "|---|---|---|---|---|---|"]
    for name, r in loso.items():
        b = BEFORE.get(name)
        before = f"{b[0]:.3f} / {b[1]:.3f} / {b[2]:.3f}" + (" (tuned on it)" if name != "dev2" else " (unseen)")
        out.append(f"| {name} | {r.micro.precision:.3f} | {r.micro.recall:.3f} | {r.micro.f1:.3f} | "
                   f"{r.figures_held}/{r.figures_total} ({r.figures_held}/{r.figures_matched} found) | {before} |")
    out += ["", "## Precision and recall along the threshold (held-out folds, seed 0)", "",
            "![precision-recall curve](extraction-pr.png)", "", "| threshold | P | R | F1 |", "|---|---|---|---|"]
    out += [f"| {t:g} | {p:.3f} | {r:.3f} | {f:.3f} |" for t, p, r, f in rows]
    out += ["", "`--min-confidence` on `effikg build` / `eval` moves along this curve above the threshold.", "",
            "## Features and their learned weight (the shipped model; importance = share of the trees' gain)", "",
            "| feature | importance |", "|---|---|"]
    out += importance_rows(shipped)
    out += ["", f"{len(shipped['features'])} features in all; the rest weigh less than the last row.", ""]
    (ROOT / "docs" / "extraction.md").write_text("\n".join(out), encoding="utf-8")


if __name__ == "__main__":
    main()
