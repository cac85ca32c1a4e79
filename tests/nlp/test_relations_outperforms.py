"""effikg_relations: "outperforms" claims (Method -> Method or Hardware) on hand-written abstracts."""

from __future__ import annotations

import pytest


def _outperforms(nlp, text: str) -> dict[str, tuple[str | None, str | None]]:
    """baseline as written -> (figure text, metric label) of its claim."""
    out: dict[str, tuple[str | None, str | None]] = {}
    for c in nlp(text)._.rule_claims:
        if c.relation == "outperforms":
            out[c.object_text] = (c.figure.text if c.figure else None, c.metric.label if c.metric else None)
    return out


@pytest.mark.slow
def test_relations_outperforms_conjoined_baselines_and_hardware(nlp) -> None:
    text = ("We present FlashDec. FlashDec generates tokens up to 1.97x faster than vLLM and Orca, and achieves "
            "3.1x speedup over TITAN Xp GPU.")
    # Each baseline keeps the margin of its own comparison, not the nearest number.
    assert _outperforms(nlp, text) == {
        "vLLM": ("up to 1.97x", "Speed"),
        "Orca": ("up to 1.97x", "Speed"),
        "TITAN Xp GPU": ("3.1x", "Speed"),
    }


@pytest.mark.slow
def test_relations_outperforms_margin_after_the_baseline(nlp) -> None:
    found = _outperforms(nlp, "We propose MuNet. MuNet outperforms ResNet-50 by 1.2% top-1 accuracy.")
    assert found == {"ResNet-50": ("1.2%", "Accuracy")}


@pytest.mark.slow
def test_relations_outperforms_each_baseline_with_its_own_margin(nlp) -> None:
    # "beat A by N and B by M": the parser hangs B off the first margin; B keeps its own.
    text = ("We propose SpinX. SpinX narrows the accuracy gap to merely 2.9 points on the LLaMA-2 7B model, "
            "surpassing LLM-QAT by 19.1 points and SmoothQuant by 25.0 points.")
    found = {k: v[0] for k, v in _outperforms(nlp, text).items()}
    assert found == {"LLM-QAT": "19.1 points", "SmoothQuant": "25.0 points"}


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "We propose RespNet. RespNet is 2.1x and 3.4x faster than BarNet and BazNet, respectively.",
        "We propose RespNet. Compared to BarNet and BazNet, RespNet achieves 2.1x and 3.4x speedup, respectively.",
        "We propose RespNet. RespNet is faster, outperforming BarNet and BazNet by 2.1x and 3.4x, "
        "respectively.",
    ],
)
def test_relations_outperforms_respective_margins(nlp, text: str) -> None:
    # "respectively": the figures go to the baselines in order, not the nearest one to all.
    assert {k: v[0] for k, v in _outperforms(nlp, text).items()} == {"BarNet": "2.1x", "BazNet": "3.4x"}


@pytest.mark.slow
def test_relations_outperforms_respective_margins_in_sentence_order(nlp) -> None:
    # A product and a method: paired by where they stand, not by what kind they are.
    text = "We propose RespNet. RespNet is 2.1x and 3.4x faster than the A100 GPU and BazNet, respectively."
    assert {k: v[0] for k, v in _outperforms(nlp, text).items()} == {"A100 GPU": "2.1x", "BazNet": "3.4x"}


@pytest.mark.slow
def test_relations_outperforms_respectively_of_another_clause_gives_no_margins(nlp) -> None:
    text = ("We propose RespNet. RespNet reduces memory and latency by 30% and 40%, respectively, and outperforms "
            "BarNet and BazNet.")
    assert _outperforms(nlp, text) == {"BarNet": (None, None), "BazNet": (None, None)}


@pytest.mark.slow
def test_relations_outperforms_compared_to_hardware(nlp) -> None:
    text = "We propose MARCO, an accelerator. MARCO achieves 463x speedup compared to Intel Xeon 8358P CPU implementations."
    assert _outperforms(nlp, text) == {"Intel Xeon 8358P CPU": ("463x", "Speed")}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "baseline"),
    [
        ("We propose PipeFlow. PipeFlow trains models up to 5.3x faster than commonly used intra-batch "
         "parallelism techniques.", "intra-batch parallelism"),
        ("We propose IotaNet. IotaNet is 3x faster than early-exiting frameworks.", "early-exiting framework"),
        ("We propose LiteT. Under constrained resources, LiteT outperforms transformer on WMT'14 by 1.2 BLEU.",
         "transformer"),
        ("We propose KappaMul. Compared to 8-bit floating point multiplications, our method achieves higher "
         "precision.", "8-bit floating point multiplication"),
        # A bare participle is part of the technique's name; "commonly used" is not.
        ("We propose LoongServe. LoongServe improves throughput by 3.85x compared to the chunked prefill.",
         "chunked prefill"),
        # "the baseline of X" is X.
        ("We propose WaNet. WaNet significantly outperforms the established baseline of magnitude pruning.",
         "magnitude pruning"),
        # ... also where the parser reads "pruning" as a participle of its own.
        ("We propose WaNet. WaNet significantly outperforms the established baseline of magnitude pruning and "
         "performs competitively against recent method involving intensive weight update.", "magnitude pruning"),
    ],
)
def test_relations_outperforms_described_baseline(nlp, text: str, baseline: str) -> None:
    found = _outperforms(nlp, text)
    assert list(found) == [baseline]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        # A participle with an object of its own is no part of a technique name.
        "We propose WaNet. WaNet outperforms the model pruning the same number of weights.",
        # Unnamed baselines are not entities.
        "We propose ZetaNet. ZetaNet outperforms the baseline by 5.3% and is 2x faster than prior work.",
        "We propose ZetaNet. ZetaNet surpasses state-of-the-art methods and existing approaches.",
        "We propose ThetaNet. ThetaNet outperforms the original model and their dense equivalents.",
        # A comparison the method does not win.
        "We propose ZipX. ZipX reduces memory by 50% with a minimal accuracy reduction of only 0.2% over LongVA.",
        "We propose ZeRO-X. ZeRO-X trains models larger than Megatron.",
        # "improves ... on" a platform is not "improves on" a baseline; datasets are not beaten.
        "We propose EtaNet. EtaNet improves accuracy by 2% on a single A100 GPU.",
        "We propose EtaNet. EtaNet achieves 2% higher accuracy than the baseline on ImageNet.",
        # "over" that spans rather than compares.
        "We propose MoDet. We investigate this design over a broad range of mobile accelerators.",
        "We propose IvNet. We report experiments over the data set of the MICCAI 2018 Challenge.",
        # A comparison in a clause about something else.
        "We propose KappaMul. Multiplying floats requires more energy compared to integer addition operations.",
    ],
)
def test_relations_outperforms_not_claimed(nlp, text: str) -> None:
    assert _outperforms(nlp, text) == {}


@pytest.mark.slow
def test_relations_outperforms_margin_right_before_the_phrase(nlp) -> None:
    text = "We propose SpAt. SpAt achieves 1.6x, 3.0x and 347x speedup, and 4059x energy savings over A3."
    assert _outperforms(nlp, text) == {"A3": ("4059x", "Energy")}


@pytest.mark.slow
def test_relations_outperforms_they_after_the_method(nlp) -> None:
    text = ("We propose LaBoX, a concept bottleneck. LaBoX scales to large datasets. They are 11.7% more accurate "
            "than linear probes.")
    assert _outperforms(nlp, text) == {"linear probe": ("11.7%", "Accuracy")}


@pytest.mark.slow
def test_relations_outperforms_they_about_others(nlp) -> None:
    text = "We propose LaBoX. Prior systems are popular. They are 2x faster than vLLM."
    assert _outperforms(nlp, text) == {}


@pytest.mark.slow
def test_relations_outperforms_dataset_named_like_a_method(nlp) -> None:
    found = _outperforms(nlp, "We propose MuNet. MuNet outperforms ResNet-50 on ImageNet-C and COCO-LT.")
    assert list(found) == ["ResNet-50"]


@pytest.mark.slow
def test_relations_outperforms_verb_tagged_as_noun(nlp) -> None:
    # The tagger reads "outperforms" after "mantissa" as a noun; the name after it is still beaten.
    found = _outperforms(nlp, "We propose ZNet. ZNet with 3-bit mantissa outperforms Float8-E5M2.")
    assert list(found) == ["Float8-E5M2"]


@pytest.mark.slow
def test_relations_outperforms_two_comparisons_each_with_its_margin(nlp) -> None:
    text = ("We introduce DraftTree. DraftTree is 2.8x faster than autoregressive decoding and 1.4x faster than "
            "Medusa on a single A100, while preserving output quality.")
    assert _outperforms(nlp, text) == {"autoregressive decoding": ("2.8x", "Speed"), "Medusa": ("1.4x", "Speed")}


@pytest.mark.slow
def test_relations_outperforms_sentence_opening_with_versus(nlp) -> None:
    doc = nlp("We propose GemServe. Versus TGI, it cuts time-to-first-token by 60%.")
    claims = {(c.relation, c.object.label) for c in doc._.rule_claims}
    assert {("outperforms", "TGI"), ("improves", "Speed")} <= claims


@pytest.mark.slow
@pytest.mark.parametrize("marker", [":", " such as", ", namely,"])
def test_relations_outperforms_baselines_listed_after_their_class(nlp, marker: str) -> None:
    # The names after "engines: ..." are the baselines, as after "such as".
    text = f"We present RhoLLM. RhoLLM achieves 4.4x speedup over other mobile inference engines{marker} MLC and MNN."
    assert {"MLC", "MNN"} <= set(_outperforms(nlp, text))


@pytest.mark.slow
def test_relations_outperforms_platform_in_parentheses_qualifies_its_baseline(nlp) -> None:
    # "(ARM)" says which platform CMSIS-NN runs on: neither a baseline nor the method's target.
    text = ("We propose TileNet. TileNet has 4.8x lower latency than the libraries CMSIS-NN (ARM) and "
            "PULP-NN (RISC-V).")
    doc = nlp(text)
    assert set(_outperforms(nlp, text)) == {"CMSIS-NN", "PULP-NN"}
    assert [c.object_text for c in doc._.rule_claims if c.relation == "targets"] == []


@pytest.mark.slow
def test_relations_outperforms_model_named_as_what_a_baseline_runs(nlp) -> None:
    # The Transformer is the model the baseline accelerators run, not a baseline itself.
    text = ("We propose ViTCoD. ViTCoD achieves speedups of up to 235.3x and 6.8x over general computing "
            "platforms CPUs, GPUs, and prior-art Transformer accelerators.")
    assert "Transformer" not in _outperforms(nlp, text) and "CPUs" in _outperforms(nlp, text)
    # "existing BERT accelerators" names no baseline; "Transformer accelerators" is one, described.
    assert _outperforms(nlp, "We propose ViTCoD. ViTCoD is 3x faster than existing BERT accelerators.") == {}
    assert list(_outperforms(nlp, "We propose ViTCoD. ViTCoD is 3x faster than Transformer accelerators.")) == [
        "Transformer accelerator"]
    assert "Transformer" in _outperforms(nlp, "We propose ViTCoD. ViTCoD is 2x faster than the Transformer.")


@pytest.mark.slow
def test_relations_outperforms_hardware_a_baseline_is_based_on_is_not_beaten(nlp) -> None:
    text = ("We propose TLite. Compared with CPU-based FastLLM and GPU-based MLC-LLM, TLite attains over 10x speedup. "
            "Compared to the existing FPGA-based accelerators, TLite is 1.3x faster than NPE and 44x faster than the "
            "CPU implementation.")
    assert set(_outperforms(nlp, text)) == {"FastLLM", "MLC-LLM", "NPE", "FPGA", "CPU"}
    assert set(_outperforms(nlp, "We propose TLite. TLite is 3x faster than CPU-based and GPU-based FastLLM.")) == {
        "FastLLM"}
    # No name after "-based": the hardware is what is beaten.
    assert "GPU" in _outperforms(nlp, "We propose TLite. TLite is 3x faster than the GPU-based implementation.")


@pytest.mark.slow
def test_relations_outperforms_names_in_brackets_inside_a_clause_of_the_baseline(nlp) -> None:
    # The parser hangs "(QuuxServe, ...)" off "paging", inside the clause "employing ... paging":
    # the bracketed names are still the systems compared.
    text = ("We present ZapKV. ZapKV achieves 3.5x higher throughput compared to existing systems employing "
            "block-based paging (QuuxServe, FooLM, BarInfer).")
    found = _outperforms(nlp, text)
    assert {"QuuxServe", "FooLM", "BarInfer"} <= set(found)
    assert found["QuuxServe"][0] == "3.5x"


@pytest.mark.slow
@pytest.mark.parametrize("text, not_beaten", [
    pytest.param("We present ZapKV. ZapKV is 3.5x faster compared to models trained with knowledge "
                 "distillation (KD).", "KD", id="acronym-of-the-words-before"),
    pytest.param("We present ZapKV. ZapKV is 3.5x faster compared to implementations running on GPUs (A100).",
                 "A100", id="under-a-setting"),
    pytest.param("We present ZapKV. ZapKV is 3.5x faster than QuuxServe, which uses block tables (BlockTab).",
                 "BlockTab", id="inside-a-relative-clause"),
])
def test_relations_outperforms_bracketed_names_that_are_not_the_systems_compared(nlp, text: str,
                                                                                 not_beaten: str) -> None:
    assert not_beaten not in _outperforms(nlp, text)


@pytest.mark.slow
def test_relations_outperforms_no_medical_benchmark_dataset(nlp) -> None:
    # Datasets are never baselines (pipeline/vocab/terms.jsonl), the medical benchmarks too.
    text = ("We propose ZapSeg. ZapSeg achieves better performance compared to competing methods on "
            "segmentation benchmarks including Synapse, BTCV and ACDC.")
    assert not {"Synapse", "BTCV", "ACDC"} & set(_outperforms(nlp, text))
