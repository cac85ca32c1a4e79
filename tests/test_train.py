"""effikg train / eval --cv: labels from the gold, folds by abstract, deterministic models,
and the commands end to end on a small slice of the seed gold (real model, real corpus)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import train
from pipeline.cli import main
from pipeline.nlp import default_threshold

DATA = Path(__file__).parent / "data"
CORPUS = Path(__file__).resolve().parent.parent / "pipeline" / "corpus"


@pytest.fixture(scope="module")
def two_sets(tmp_path_factory) -> list[tuple[Path, list[Path]]]:
    """Two gold files of 8 seed abstracts each, over the bundled corpus."""
    rows = [line for line in (DATA / "gold-seeds.jsonl").read_text(encoding="utf-8").splitlines() if line][:16]
    folder = tmp_path_factory.mktemp("gold")
    pairs = []
    for name, part in (("gold-a.jsonl", rows[:8]), ("gold-b.jsonl", rows[8:])):
        (folder / name).write_text("\n".join(part) + "\n", encoding="utf-8")
        pairs.append((folder / name, [CORPUS]))
    return pairs


@pytest.fixture(scope="module")
def samples(two_sets):
    return train.collect(two_sets)


def test_train_folds_are_by_abstract_and_seeded() -> None:
    items = list(range(23))
    folds = train.folds(items, 5, seed=3)
    assert sorted(i for f in folds for i in f) == items and len(folds) == 5
    assert folds == train.folds(items, 5, seed=3) != train.folds(items, 5, seed=4)


@pytest.mark.slow
def test_train_labels_follow_the_gold(samples) -> None:
    assert {s.set_name for s in samples} == {"a", "b"} and len(samples) == 16
    for s in samples:
        assert len(s.labels) == len(s.doc_result.candidates)
    right = [c.claim for s in samples for c, lab in zip(s.doc_result.candidates, s.labels) if lab]
    assert right and {c.relation for c in right} == {"targets", "improves", "outperforms"}
    # A candidate is right only when its abstract's gold has that relation between those ends.
    first = samples[0]
    gold = {(t["p"], t["o"]) for t in first.gold["triples"]}
    for c, lab in zip(first.doc_result.candidates, first.labels):
        if lab and c.claim.relation == "improves":
            assert (c.claim.relation, c.claim.object.label) in gold


@pytest.mark.slow
def test_train_model_is_deterministic_and_plain_json(samples, tmp_path) -> None:
    a = train.write_model(train.fit(samples), tmp_path / "a").read_bytes()
    b = train.write_model(train.fit(samples), tmp_path / "b").read_bytes()
    assert a == b
    model = json.loads(a)
    assert model["kind"] == "trees" and model["trained_on"]["abstracts"] == {"a": 8, "b": 8}
    linear = train.fit(samples, kind="linear")
    assert linear["kind"] == "linear" and len(linear["weights"]) == len(linear["features"])


@pytest.mark.slow
def test_train_cross_validation_scores_every_abstract_once(samples) -> None:
    pooled, per_fold = train.cross_validate(samples, k=4, seed=0)
    assert len(per_fold) == 4 and sum(r.papers for r in per_fold) == pooled.papers == 16
    assert 0.0 < pooled.micro.f1 <= 1.0
    assert set(train.leave_one_set_out(samples)) == {"a", "b"}
    text = train.cv_text(samples, 4)
    assert "4-fold cross-validation" in text and "leave one set out" in text and "micro" in text


@pytest.mark.slow
def test_train_repeated_cross_validation_reports_the_mean_and_spread_over_seeds(samples) -> None:
    text = train.cv_text(samples, 4, seed=3, repeats=2)
    line = next(x for x in text.splitlines() if x.startswith("repeated with seeds 3..4 (2 runs)"))
    th = default_threshold()
    f1 = [train.cross_validate(samples, 4, s, "trees", th)[0].micro.f1 for s in (3, 4)]
    mean, sd = sum(f1) / 2, abs(f1[0] - f1[1]) / 2
    assert f"F1 {mean:.4f} ±{sd:.4f} (min {min(f1):.4f}, max {max(f1):.4f})" in line
    assert "repeated with" not in train.cv_text(samples, 4, seed=3)


@pytest.mark.slow
def test_train_and_eval_commands(two_sets, tmp_path) -> None:
    args = [f"{g}={','.join(map(str, c))}" for g, c in two_sets]
    out = tmp_path / "model"
    result = CliRunner().invoke(main, ["train", *args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "scorer.json").is_file() and "16 abstracts" in result.output
    result = CliRunner().invoke(main, ["eval", str(two_sets[0][0]), "--model", str(out)])
    assert result.exit_code == 0, result.output
    assert "micro" in result.output and "8 abstracts scored" in result.output
    result = CliRunner().invoke(main, ["eval", "--cv", "3", *args])
    assert result.exit_code == 0, result.output
    assert "3-fold cross-validation" in result.output and "leave one set out" in result.output
    result = CliRunner().invoke(main, ["eval", str(two_sets[0][0]), "--repeats", "2"])
    assert result.exit_code == 2 and "--repeats N needs --cv K" in result.output


def test_train_bad_pair_and_bad_model_are_one_line(tmp_path) -> None:
    result = CliRunner().invoke(main, ["train", "gold.jsonl", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "is not GOLD=CORPUS" in result.output
    result = CliRunner().invoke(main, ["build", "--model", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "cannot read the scorer model" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "o").exists()
