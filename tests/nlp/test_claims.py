"""Claims that are right, not only triples (issue 11.5): each figure bound to its own item,
numbers read as written, shares and settings not gains, a direction on every figure."""

from __future__ import annotations

import pytest

from pipeline.nlp.figures import find_figures, with_direction


def _claims(nlp, text):
    return {(c.relation, c.object.label, c.figure.text if c.figure else None) for c in nlp(text)._.claims}


@pytest.mark.slow
def test_claims_respectively_binds_each_baseline_its_own_margin(nlp) -> None:
    found = _claims(nlp, "We propose SpAt. SpAt outperforms FlashAttention, xFormers and PyTorch by 1.4x, 3.2x and "
                         "1193x, respectively.")
    outperforms = {(o, f) for r, o, f in found if r == "outperforms"}
    assert outperforms == {("FlashAttention", "1.4x"), ("xFormers", "3.2x"), ("PyTorch", "1193x")}


@pytest.mark.slow
def test_claims_a_lower_case_library_is_a_baseline(nlp) -> None:
    found = _claims(nlp, "We propose SageAttention. The OPS (operations per second) of our approach outperforms "
                         "FlashAttention2 and xformers by about 2.1 times and 2.7 times, respectively.")
    assert {(o, f) for r, o, f in found if r == "outperforms"} == {("FlashAttention2", "about 2.1 times"),
                                                                     ("xformers", "2.7 times")}


@pytest.mark.slow
def test_claims_respectively_binds_each_metric_its_own_figure(nlp) -> None:
    found = _claims(nlp, "We propose SpAt. SpAt reduces latency, memory and energy by 1.4x, 3.2x and 45%, "
                         "respectively.")
    assert {(o, f) for r, o, f in found if r == "improves"} == {("Speed", "1.4x"), ("Memory", "3.2x"),
                                                                  ("Energy", "45%")}


@pytest.mark.slow
def test_claims_a_figure_before_a_comparative_is_that_metrics_only(parse) -> None:
    # "2.4x faster" is a Speed figure: the accuracy phrase of the sentence does not take it.
    doc = parse("We propose ZapNet. ZapNet achieves state-of-the-art accuracy and runs 2.4x faster than BarNet.")
    figures = {(c.claim.object.label, c.claim.figure.text if c.claim.figure else None)
               for c in doc._.candidates if c.claim.relation == "improves"}
    assert ("Speed", "2.4x") in figures
    assert ("Accuracy", "2.4x") not in figures


def test_claims_numbers_are_read_as_written() -> None:
    assert [(h.figure.text, h.figure.value) for h in find_figures("an accuracy of 77. 7% on ImageNet")] == [
        ("77. 7%", 77.7)]
    assert [(h.figure.text, h.figure.value) for h in find_figures("a 1,4x speedup")] == [("1,4x", 1.4)]
    assert [h.figure.value for h in find_figures("1,142x faster")] == [1142.0]
    assert [h.figure.value for h in find_figures("In 2023. 5x faster")] == [5.0]  # a year ends a sentence


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    "We propose LoRAX. We fine-tune LoRAX on a 10% subset of the data.",
    "We propose LoRAX. LoRAX reaches 72% of peak FLOPs on an A100 GPU.",
    "We propose LoRAX. Attention accounts for 60% of the execution time in LoRAX.",
    "We propose LoRAX. LoRAX reduces pipeline bubbles to 2 per iteration.",
])
def test_claims_shares_utilisation_and_counts_are_no_gain(nlp, text) -> None:
    assert not [c for c in nlp(text)._.claims if c.relation == "improves"]


@pytest.mark.slow
@pytest.mark.parametrize("text,setting", [
    ("We propose BLASST. BLASST gives a 1.62x speedup for prefill at 74.7% sparsity on GPUs.", "74.7%"),
    ("We propose DELTA4. At 50% sparsity, DELTA4 achieves a 1.5x memory reduction.", "50%"),
    ("We propose H2O. H2O with 20% heavy hitters improves the throughput by up to 29x.", "20%"),
])
def test_claims_a_figure_the_result_is_measured_at_is_no_gain(nlp, text, setting) -> None:
    figures = {c.figure.text for c in nlp(text)._.claims if c.figure is not None}
    assert figures and setting not in figures


@pytest.mark.slow
def test_claims_every_figure_has_a_direction(nlp) -> None:
    doc = nlp("We propose LoRAX. LoRAX reduces memory by 4x, runs 2.1x faster than vLLM and cuts energy by 30%. "
              "Its accuracy improves by 1.2%.")
    figures = [c.figure for c in doc._.claims if c.figure is not None]
    assert len(figures) >= 4 and all(f.direction in ("increase", "decrease") for f in figures)
    by_figure = {c.figure.text: c.figure.direction for c in doc._.claims if c.figure}
    assert by_figure == {"4x": "decrease", "2.1x": "increase", "30%": "decrease", "1.2%": "increase"}

    # The margin of a comparison the rule reader reads ("performs 4.86x than X") too.
    doc = nlp("We propose TriForce, a speculative decoding system. Additionally, TriForce performs 4.86x than "
              "DeepSpeed-Zero-Inference on a single RTX 4090 GPU.")
    margins = [c.figure for c in doc._.claims if c.relation == "outperforms" and c.figure]
    assert margins and all(f.direction == "increase" for f in margins)


def test_claims_direction_from_the_metric_when_the_text_says_none() -> None:
    bare = find_figures("45%")[0].figure
    assert bare.direction is None
    assert with_direction(bare, "Memory").direction == "decrease"
    assert with_direction(bare, "Throughput").direction == "increase"
    assert with_direction(bare, "Speed", "latency").direction == "decrease"
    assert with_direction(bare, "Energy", "energy efficiency").direction == "increase"
    assert with_direction(find_figures("reduces latency by 4x")[0].figure, "Speed").direction == "decrease"


def _candidate_subjects(parse, text):
    return {(c.claim.relation, c.claim.subject.label, c.claim.object_text, c.features.get("subj_co", 0.0))
            for c in parse(text)._.candidates}


@pytest.mark.slow
def test_candidates_an_implied_subject_is_offered_to_each_co_proposed_method(parse) -> None:
    """"our method" with two named contributions and no umbrella: the claim may be either's."""
    found = _candidate_subjects(parse, "We present two techniques: TileFuse and SliceCache. "
                                       "Our method reduces memory by 5x on an A100 GPU.")
    memory = {(s, co) for r, s, o, co in found if r == "improves" and o == "memory"}
    assert memory == {("TileFuse", 0.0), ("SliceCache", 1.0)}


@pytest.mark.slow
def test_candidates_a_named_subject_is_not_offered_to_the_others(parse) -> None:
    found = _candidate_subjects(parse, "We present two techniques: TileFuse and SliceCache. "
                                       "SliceCache reduces memory by 5x.")
    assert {s for r, s, o, co in found if r == "improves" and o == "memory"} == {"SliceCache"}


@pytest.mark.slow
@pytest.mark.parametrize("company", ["Xilinx", "OpenAI", "SotA", "SoTAs"])
def test_candidates_companies_and_sota_are_never_baselines(parse, company) -> None:
    found = _candidate_subjects(parse, f"We propose TileFuse. TileFuse is 2x faster than {company} and FlashDecode.")
    baselines = {o for r, s, o, co in found if r == "outperforms"}
    assert "FlashDecode" in baselines and company not in baselines


@pytest.mark.slow
def test_candidates_the_acronym_of_a_task_is_never_a_baseline(parse) -> None:
    # "super-resolution (SR)" names what the methods are for, not one of them.
    found = _candidate_subjects(parse, "We propose TileSR for image super-resolution (SR) on phones. TileSR is 2x "
                                       "faster than SR and FlashDecode.")
    baselines = {o for r, s, o, co in found if r == "outperforms"}
    assert "FlashDecode" in baselines and "SR" not in baselines


@pytest.mark.slow
def test_candidates_the_singular_of_a_plural_own_name_is_the_method(parse) -> None:
    """"we propose Latent Consistency Models (LCMs) ... a 4-step LCM takes": LCM is the method, not a rival."""
    found = _candidate_subjects(parse, "We propose Latent Consistency Models (LCMs) for images. "
                                       "A 4-step LCM takes only 32 A100 GPU hours for training.")
    assert not {o for r, s, o, co in found if r == "outperforms" and o == "LCM"}
    assert "targets" in {r for r, s, o, co in found if o == "A100 GPU"}


@pytest.mark.slow
def test_candidates_a_kv_cache_bit_width_may_be_a_memory_figure(parse) -> None:
    """The guide: a bit-width of the KV cache is Memory, of the weights Model size."""
    def metrics(text):
        return {c.claim.object.label for c in parse(text)._.candidates
                if c.claim.relation == "improves" and c.claim.figure is not None and c.claim.figure.unit == "bit"}
    assert metrics("We propose KVSqueeze. KVSqueeze quantizes the KV cache to 2 bits.") == {"Model size", "Memory"}
    assert metrics("We propose WSqueeze. WSqueeze quantizes the weights to 2 bits.") == {"Model size"}


@pytest.mark.slow
def test_candidates_a_lower_case_technique_class_beaten_is_a_baseline_candidate(parse) -> None:
    found = _candidate_subjects(parse, "We propose MoveNet. MoveNet is more accurate than magnitude pruning "
                                       "and chunked prefill at 3% of the weights.")
    baselines = {o for r, s, o, co in found if r == "outperforms"}
    assert {"magnitude pruning", "chunked prefill"} <= baselines


@pytest.mark.slow
def test_candidates_technique_words_outside_a_comparison_are_no_baseline(parse) -> None:
    found = _candidate_subjects(parse, "We propose MoveNet. MoveNet uses magnitude pruning during training.")
    assert not {o for r, s, o, co in found if r == "outperforms" and "pruning" in o}


@pytest.mark.slow
def test_candidates_hardware_the_rule_reader_beats_carries_that_as_evidence(parse) -> None:
    doc = parse("We propose PRIMEX. PRIMEX is 30x faster than a state-of-the-art NPU design.")
    [target] = [c for c in doc._.candidates if c.claim.relation == "targets" and c.claim.object.kind == "NPU"]
    assert target.features["rule_other_relation"] > 0
    [ran] = [c for c in parse("We propose PRIMEX. PRIMEX runs on an NPU.")._.candidates if c.claim.relation == "targets"]
    assert ran.features["rule_other_relation"] == 0
