"""pipeline.nlp.figures: numbers as stated for results, parsed without the model."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.nlp.figures import FIGURE_RE, figure_matches, find_figures, normalise_unit


def _one(text: str):
    hits = find_figures(text)
    assert len(hits) == 1, [h.figure.text for h in hits]
    return hits[0]


@pytest.mark.parametrize(
    ("text", "figure_text", "value", "unit", "metric"),
    [
        ("achieving up to 2.31× on an A100", "up to 2.31×", 2.31, "x", None),
        ("reduces memory by 45%", "45%", 45.0, "%", None),
        ("a model of 3.76 KB", "3.76 KB", 3.76, "KB", None),
        ("speedups of 1.3-2.4x over dense", "1.3-2.4x", 2.4, "x", None),
        ("throughput of 2.35x-3.47x", "2.35x-3.47x", 3.47, "x", None),
        ("TriForce achieves 0.108s/token", "0.108s/token", 0.108, "s/token", "Speed"),
        ("decodes 160 tokens/s", "160 tokens/s", 160.0, "tokens/s", "Throughput"),
        ("in 74 GPU hours", "74 GPU hours", 74.0, "GPU hours", "Computation"),
        ("only 4.5 GFLOPs", "4.5 GFLOPs", 4.5, "FLOPs", "Computation"),
        ("with 3.8M parameters", "3.8M parameters", 3.8, "parameters", "Model size"),
        ("consumes 278 mW", "278 mW", 278.0, "mW", "Energy"),
        ("a latency of 0.31 μs", "0.31 μs", 0.31, "μs", "Speed"),
        ("by 1,142x fewer", "1,142x", 1142.0, "x", None),
        ("improves 3.7 mAP", "3.7 mAP", 3.7, "points", "Accuracy"),
    ],
)
def test_figures_value_unit_and_metric(text: str, figure_text: str, value: float, unit: str, metric: str | None) -> None:
    hit = _one(text)
    assert (hit.figure.text, hit.figure.value, hit.figure.unit, hit.metric) == (figure_text, value, unit, metric)
    assert text[hit.start:hit.end] == figure_text


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [("by up to 2x", "up to"), ("upto 25 times faster", "upto"), ("~2360x better", "~"), (">90% accuracy", ">"),
     ("<0.1 perplexity degradation", "<"), ("on average 3.2x", "on average"), ("reduces it by 45%", None)],
)
def test_figures_qualifier(text: str, qualifier: str | None) -> None:
    assert _one(text).figure.qualifier == qualifier


@pytest.mark.parametrize(
    "text",
    [
        "accurate at 1 shot and with more data",  # "1 s" is not a second
        "more than 10^19 sub-networks",
        "calibrated on 128 samples",
        "in 2023, 12 teams",  # bare numbers are counts and years
        "a 1x1 convolution and 240x240 inputs",  # shapes, not ratios
        "trained on 3 times more data",
    ],
)
def test_figures_not_a_figure(text: str) -> None:
    assert find_figures(text) == []


def test_figures_scale_word_multiplies_the_value() -> None:
    hit = _one("FINN reaches 12.3 million image classifications per second")
    assert hit.figure.value == pytest.approx(12.3e6)
    assert (hit.figure.unit, hit.metric) == ("items/s", "Throughput")


def test_figures_direction_from_the_words_around() -> None:
    assert _one("a 45% reduction in latency").figure.direction == "decrease"
    assert _one("2.1x higher throughput").figure.direction == "increase"


@pytest.mark.parametrize(("raw", "unit"), [("GiB", "GB"), ("ms", "ms"), ("hours", "h"), ("kW", "kW"), ("×", "x")])
def test_figures_normalise_unit(raw: str, unit: str) -> None:
    assert normalise_unit(raw)[0] == unit


@given(st.floats(min_value=0.01, max_value=9999, allow_nan=False).map(lambda v: round(v, 2)),
       st.sampled_from(["x", "×", "%", " ms", " tokens/s"]))
def test_figures_any_number_with_a_unit_round_trips(value: float, unit: str) -> None:
    text = f"it reaches {value:g}{unit} on the task"
    hit = _one(text)
    assert hit.figure.value == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "figure_text", "value"),
    [("ran approximately four times as fast as X", "approximately four times", 4.0),
     ("it is twice as fast", "twice", 2.0), ("by up to ten times", "up to ten times", 10.0)],
)
def test_figures_ratios_in_words(text: str, figure_text: str, value: float) -> None:
    hit = _one(text)
    assert (hit.figure.text, hit.figure.value, hit.figure.unit) == (figure_text, value, "x")


def test_figures_word_ratio_of_data_is_not_a_figure() -> None:
    assert find_figures("trained on three times more data") == []


def test_figures_in_text_order() -> None:
    assert [h.figure.text for h in find_figures("four times faster and 2.5x smaller")] == ["four times", "2.5x"]


def _spans(matches):
    return [(m.span(), m.groupdict()) for m in matches]


_PIECES = list("0123456789 .,%x×X~<>≈≥≤-–—/\u00a0\t\n") + [
    "up to", "upto", "over", "more than", "about", "by", "on average", "an average of", "average",
    "as much as", "only", "less than", "under", "to", "ms", "s", "MB", "tokens/s", "fps", "bit",
    "times", "percent", " million", "a", "w", "\u0663", "\uff12"]


@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_figures_figure_matches_equal_finditer_on_generated_text(text):
    assert _spans(figure_matches(text)) == _spans(FIGURE_RE.finditer(text))


def test_figures_figure_matches_equal_finditer_on_the_bundled_abstracts():
    from pipeline.corpus import bundled_corpus
    from pipeline.ingest import read_papers
    from pipeline.records import Paper
    from pipeline.text import clean

    papers = [p for path in bundled_corpus() for p in read_papers(path) if isinstance(p, Paper)]
    assert papers
    for paper in papers:
        for text in (paper.abstract, clean(paper.abstract).text):
            assert _spans(figure_matches(text)) == _spans(FIGURE_RE.finditer(text))
