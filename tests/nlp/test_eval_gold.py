"""`effikg eval` on the seed gold: the extractor must keep the figures the issue asks for.

Issue 4 point 6 sets the targets: micro precision >= 0.85, recall >= 0.80, F1 >= 0.75 for
each relation and >= 80% of the stated improves-figures held. The extractor meets them; the
test holds it there (the misses are listed by `effikg eval GOLD --misses`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.evaluate import EvalResult, evaluate, read_gold, run_eval, to_text
from pipeline.errors import EvalError
from pipeline.records import RELATIONS, Extraction, Paper

DATA = Path(__file__).resolve().parent.parent / "data"
SEED_GOLD = DATA / "gold-seeds.jsonl"

TARGET = {"precision": 0.85, "recall": 0.80, "relation_f1": 0.75, "figures": 0.80}


@pytest.fixture(scope="module")
def seed_result(nlp) -> EvalResult:
    """One extraction of the bundled corpus (the session's pipeline), scored against the seed gold."""
    return run_eval(SEED_GOLD, nlp=nlp)


@pytest.mark.slow
def test_eval_gold_scores_every_seed_abstract(seed_result: EvalResult) -> None:
    assert seed_result.unmatched_gold == []
    assert seed_result.papers == len(read_gold(SEED_GOLD))


@pytest.mark.slow
def test_eval_gold_micro_precision_and_recall(seed_result: EvalResult) -> None:
    micro = seed_result.micro
    assert micro.precision >= TARGET["precision"], f"micro P {micro.precision:.3f}"
    assert micro.recall >= TARGET["recall"], f"micro R {micro.recall:.3f}"


@pytest.mark.slow
@pytest.mark.parametrize("relation", RELATIONS)
def test_eval_gold_relation_f1(seed_result: EvalResult, relation: str) -> None:
    f1 = seed_result.per_relation[relation].f1
    assert f1 >= TARGET["relation_f1"], f"{relation} F1 {f1:.3f}"


@pytest.mark.slow
def test_eval_gold_figures_held(seed_result: EvalResult) -> None:
    assert seed_result.figures_total > 0
    assert seed_result.figure_coverage >= TARGET["figures"], (
        f"{seed_result.figures_held}/{seed_result.figures_total} figures held"
    )


def test_eval_gold_counts_follow_the_matching_rules(tmp_path: Path) -> None:
    """Scoring itself (no model): aliases, case/punctuation-insensitive names, metrics by
    canonical label, one-to-one matching, figures held by their number."""
    from pipeline.records import Claim, Entity, Extraction, Figure, Paper
    from pipeline.nlp.entities import to_hardware_entity, to_method_entity, to_metric_entity
    from pipeline.vocab import HardwareEntry

    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({
        "key": "We introduce TriForce", "methods": ["TriForce"], "triples": [
            {"s": "TriForce", "p": "targets", "o": "NVIDIA A100 GPU", "aliases": ["A100"]},
            {"s": "TriForce", "p": "improves", "o": "Speed", "value": "2.31x"},
            {"s": "TriForce", "p": "outperforms", "o": "DeepSpeed-Zero-Inference"},
            {"s": "TriForce", "p": "improves", "o": "Memory", "value": "3 GB"},
            {"s": "TriForce", "p": "improves", "o": "Energy", "value": "45%"},
        ]}) + "\n", encoding="utf-8")
    paper = Paper(id="p1", abstract="We introduce TriForce. It reaches 2.31x on an A100.")
    tri = to_method_entity("Triforce")
    a100 = to_hardware_entity(HardwareEntry(type="product", label="NVIDIA A100 GPU", kind="GPU"))

    def claim(relation: str, obj: Entity, text: str, figure: Figure | None = None) -> Claim:
        return Claim(paper_id="p1", subject=tri, relation=relation, object=obj, subject_text="TriForce",
                     object_text=text, sentence="s", start=0, end=1, figure=figure)

    claims = (
        claim("targets", a100, "A100"),
        claim("improves", to_metric_entity("Speed"), "faster", Figure(text="2.31×", value=2.31, unit="x")),
        claim("improves", to_metric_entity("Memory"), "memory"),
        claim("outperforms", to_method_entity("vLLM"), "vLLM"),
    )
    result = evaluate(gold, [Extraction(paper=paper, methods=(tri,), claims=claims)])
    assert (result.per_relation["targets"].tp, result.per_relation["targets"].fp) == (1, 0)
    assert [getattr(result.per_relation["improves"], k) for k in ("tp", "fp", "fn")] == [2, 0, 1]
    assert (result.per_relation["outperforms"].tp, result.per_relation["outperforms"].fn) == (0, 1)
    # Three gold figures: Speed's held, Memory's triple found without its figure, Energy's missed.
    assert (result.figures_held, result.figures_matched, result.figures_total) == (1, 2, 3)
    assert "figures held for improves: 1/3 (33.3%; 1/2 of the triples found, 50.0%)" in to_text(result)
    assert (result.micro.tp, result.micro.fp, result.micro.fn) == (3, 1, 2)
    assert [(t.relation, t.object) for t in result.misses] == [("outperforms", "DeepSpeed-Zero-Inference"),
                                                              ("improves", "Energy")]
    assert sorted(t.object for t in result.spurious) == ["vLLM"]


@pytest.mark.slow
def test_eval_gold_cli_misses_and_json(tmp_path: Path) -> None:
    """`effikg eval GOLD INPUT --misses --json F` on two abstracts of the extra set."""
    lines = (DATA / "extra-arxiv.jsonl").read_text(encoding="utf-8").splitlines()[:2]
    gold_lines = (DATA / "gold-extra.jsonl").read_text(encoding="utf-8").splitlines()[:2]
    inputs = tmp_path / "two.jsonl"
    inputs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(gold_lines) + "\n", encoding="utf-8")
    out = tmp_path / "figures" / "eval.json"
    result = CliRunner().invoke(main, ["eval", str(gold), str(inputs), "--misses", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "micro" in result.output and "missed (" in result.output and "spurious (" in result.output
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["papers"] == 2
    assert set(figures["per_relation"]) == set(RELATIONS)
    micro = figures["micro"]
    assert micro["tp"] + micro["fn"] == sum(len(json.loads(g)["triples"]) for g in gold_lines)
    assert len(figures["misses"]) == micro["fn"] and len(figures["spurious"]) == micro["fp"]
    for t in figures["misses"]:
        assert f"- {t['key'][:40]!r}: {t['subject']} {t['relation']} {t['object']}" in result.output


@pytest.mark.slow
def test_eval_gold_cli_min_confidence_trades_recall_for_precision(tmp_path: Path) -> None:
    """A confidence floor scores the triples a build with the same --min-confidence keeps."""
    gold = DATA / "gold-extra.jsonl"
    inputs = DATA / "extra-arxiv.jsonl"
    figures = {}
    for floor in ("0", "0.8"):
        out = tmp_path / f"eval-{floor}.json"
        result = CliRunner().invoke(main, ["eval", str(gold), str(inputs), "--min-confidence", floor, "--json", str(out)])
        assert result.exit_code == 0, result.output
        figures[floor] = json.loads(out.read_text(encoding="utf-8"))["micro"]
    assert figures["0.8"]["tp"] + figures["0.8"]["fp"] < figures["0"]["tp"] + figures["0"]["fp"]
    assert figures["0.8"]["fp"] <= figures["0"]["fp"] and figures["0.8"]["tp"] <= figures["0"]["tp"]


def test_eval_gold_cli_bad_gold_is_one_clean_line(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"key": "x", "triples": []}\nnot json\n', encoding="utf-8")
    out = tmp_path / "eval.json"
    result = CliRunner().invoke(main, ["eval", str(gold), "--json", str(out)])
    assert result.exit_code != 0
    assert f"{gold}:2" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_eval_gold_scoring_nothing_is_an_error(tmp_path: Path) -> None:
    """A gold file none of whose keys is in the inputs: an error, not a table of zeros."""
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"key": "no abstract says this", "triples": []}\n', encoding="utf-8")
    extraction = Extraction(paper=Paper(id="p1", abstract="Something else entirely."))
    with pytest.raises(EvalError, match="none of its 1 gold line\\(s\\) matches an input abstract"):
        evaluate(gold, [extraction])


@pytest.mark.slow
def test_eval_gold_cli_scoring_nothing_exits_1(tmp_path: Path) -> None:
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"title": "X", "abstract": "We propose FooNet, 2x faster on A100 GPUs."}) + "\n",
                     encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(DATA / "gold-extra.jsonl"), str(other)])
    assert result.exit_code == 1 and "nothing to score" in result.output and "0.000" not in result.output
