"""Component effikg_metrics: metric phrases mapped to the eight canonical metrics, figures on tokens."""

from __future__ import annotations

import pytest

from pipeline.records import CANONICAL_METRICS
from pipeline.vocab import load_vocab, read_jsonl


def test_metrics_gazetteer_covers_every_canonical_metric() -> None:
    rows = read_jsonl("metrics.jsonl")
    assert sorted(r["metric"] for r in rows) == sorted(CANONICAL_METRICS)
    phrases = load_vocab().metric_phrases
    # The guide's phrase table, each mapped to its metric.
    for phrase, metric in [("speedup", "Speed"), ("latency", "Speed"), ("s/token", "Speed"),
                           ("tokens/s", "Throughput"), ("FPS", "Throughput"), ("peak memory", "Memory"),
                           ("KV cache size", "Memory"), ("DRAM access", "Memory"), ("energy efficiency", "Energy"),
                           ("tokens/J", "Energy"), ("carbon footprint", "Energy"), ("top-1", "Accuracy"),
                           ("perplexity", "Accuracy"), ("FID", "Accuracy"), ("parameters", "Model size"),
                           ("compression ratio", "Model size"), ("FLOPs", "Computation"), ("MACs", "Computation"),
                           ("GPU hours", "Computation"), ("hardware cost", "Cost"), ("number of GPUs", "Cost")]:
        assert phrases[phrase.lower()] == metric, phrase


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It cuts memory footprints and inference latency.", [("memory footprints", "Memory"),
                                                              ("inference latency", "Speed")]),
        ("Higher throughput and lower energy consumption.", [("throughput", "Throughput"),
                                                             ("energy consumption", "Energy")]),
        ("It improves top-1 accuracy with fewer FLOPs.", [("top-1 accuracy", "Accuracy"), ("FLOPs", "Computation")]),
        # Money per unit of work is a Cost ("performance per dollar"), not the word "performance".
        ("It doubles performance per dollar and gives 36% cost savings.", [("performance per dollar", "Cost"),
                                                                           ("cost savings", "Cost")]),
        # A noun of how much is needed or used, after a metric phrase, is part of it.
        ("It cuts compute requirements and energy demands.", [("compute requirements", "Computation"),
                                                              ("energy demands", "Energy")]),
        # A cost of a metric's quantity is that metric; data movement is memory traffic.
        ("It lowers the memory access cost and data movement.", [("memory access cost", "Memory"),
                                                                 ("data movement", "Memory")]),
        # Not a noun that says something else of the metric ("a memory bottleneck").
        ("Decoding hits a memory bottleneck.", [("memory", "Memory")]),
        # Glued to another word by a hyphen, a metric stays one (unless it is inside a name
        # the paper proposes: test_metrics_none_inside_a_proposed_name).
        ("It takes 8 A100-GPU hours and less INT4-KV cache size at lower C4-PPL and COCO-AP.",
         [("GPU hours", "Computation"), ("KV cache size", "Memory"), ("PPL", "Accuracy"), ("AP", "Accuracy")]),
        ("Low-FLOPs models reach High-FPS video and better MS-SSIM.",
         [("FLOPs", "Computation"), ("FPS", "Throughput"), ("SSIM", "Accuracy")]),
    ],
)
def test_metrics_phrases_longest_match_and_plural(nlp, text: str, expected: list[tuple[str, str]]) -> None:
    doc = nlp(text)
    assert [(m.text, m.metric) for m in doc._.metrics] == expected


@pytest.mark.slow
def test_metrics_none_inside_a_proposed_name(nlp) -> None:
    # "Block-AP" is a phase of the proposed EfficientQAT: its "AP" is no Average Precision.
    doc = nlp("We propose EfficientQAT. EfficientQAT involves two phases: Block-wise training of all parameters "
              "(Block-AP) and end-to-end training of quantization parameters (E2E-QP). "
              "Block-AP reduces memory by 40%, and the AP of the model stays high.")
    assert "Block-AP" in {s.text for s in doc.spans["method"]}
    kept = [("parameters", "Model size"), ("parameters", "Model size"), ("memory", "Memory"), ("AP", "Accuracy")]
    assert [(m.text, m.metric) for m in doc._.metrics] == kept
    assert [(s.text, s.label_) for s in doc.spans["metric"]] == kept


@pytest.mark.slow
def test_metrics_figures_aligned_to_whole_tokens(nlp) -> None:
    doc = nlp("TriForce achieves up to 2.31× on an A100 and 0.108s/token on two RTX 4090 GPUs.")
    figures = doc._.figures
    assert [f.figure.text for f in figures] == ["up to 2.31×", "0.108s/token"]
    for f in figures:
        span = doc[f.start:f.end]
        assert f.figure.text.split()[-1] in span.text
    assert figures[1].metric == "Speed"


@pytest.mark.slow
def test_metrics_no_figure_in_counts_and_years(nlp) -> None:
    doc = nlp("In 2023, 12 teams trained 3 models on 8 GPUs for the 2nd round.")
    assert doc._.figures == []
