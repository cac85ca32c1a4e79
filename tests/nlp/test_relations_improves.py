"""effikg_relations: "improves" claims, with and without a figure, on hand-written abstracts."""

from __future__ import annotations

import pytest


def _improves(nlp, text: str) -> dict[str, str | None]:
    """metric label -> figure text (None when the claim states no figure)."""
    out: dict[str, str | None] = {}
    for c in nlp(text)._.rule_claims:
        if c.relation == "improves":
            fig = c.figure.text if c.figure else None
            out[c.object.label] = out.get(c.object.label) or fig
    return out


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The verb's object names the metric; "accelerates" is itself a speed change.
        ("We propose ZetaNet, a sparse attention kernel. ZetaNet reduces memory usage by 45% and accelerates "
         "decoding by 2.6x on an NVIDIA A100 GPU.", {"Memory": "45%", "Speed": "2.6x"}),
        # A metric phrase right after the figure is its own, even when the parser conjoins the figures.
        ("We propose MuNet. Compared with CPU implementations, MuNet achieves 463x speedup and 9761x energy "
         "efficiency.", {"Speed": "463x", "Energy": "9761x"}),
        # A change noun takes its metric as a complement.
        ("We present RhoServe. RhoServe yields a 36.9x throughput improvement at the same level of latency.",
         {"Throughput": "36.9x"}),
        ("We present RhoServe. Experiments show an energy reduction of up to 85.8% on real traces.",
         {"Energy": "up to 85.8%"}),
        # "respectively" pairs figures with the metrics before them, in order.
        ("We introduce SigmaLM. Our method decreases power consumption and latency respectively by up to 49% "
         "and 89%.", {"Energy": "up to 49%", "Speed": "89%"}),
        # Comparatives after a figure.
        ("We propose NuNet. NuNet is 4.6% more accurate while running 2x faster.", {"Accuracy": "4.6%", "Speed": "2x"}),
        ("We propose XiServe. XiServe can serve 4.48x more requests than before.", {"Throughput": "4.48x"}),
        # A compression verb's figure is a size, also when the parser hangs "by 8x" on the object.
        ("We propose ZetaNet. ZetaNet compresses the model by 8x.", {"Model size": "8x"}),
        # "performance" with an N× figure is speed; so is beating a baseline by N×.
        ("We propose FlashX, a sparse kernel. FlashX outperforms Sputnik by an average of 2.9x on GPUs.",
         {"Speed": "an average of 2.9x"}),
        ("We propose PiCore. PiCore improves the performance by ~2360x.", {"Speed": "~2360x"}),
        # A margin over a baseline with no metric named: the configured default (Accuracy for %).
        ("We propose ZetaNet. ZetaNet outperforms the baseline by 5.3%.", {"Accuracy": "5.3%"}),
        # A list of figures takes the metric named after its last one.
        ("We propose SpAt. SpAt achieves 1.6x, 3.0x and 347x speedup, and 4059x energy savings over A3.",
         {"Speed": "1.6x", "Energy": "4059x"}),
        # "exceeding 40x" is a figure, not a beaten baseline.
        ("We propose TeBLEU. TeBLEU provides speedups of over 13x on consumer GPUs and exceeding 40x on "
         "data-center GPUs.", {"Speed": "over 13x"}),
        # What the method is proposed for counts.
        ("We propose MacFold. Two techniques are proposed to further improve the computation accuracy.",
         {"Accuracy": None}),
        # "They" right after a sentence about the method is the method.
        ("We propose LaBoX, a concept bottleneck. LaBoX scales to large datasets. They are 11.7% more accurate "
         "than linear probes.", {"Accuracy": "11.7%"}),
        # "N× the <metric> of" names its metric.
        ("We propose ThNet. ThNet achieves 2x the throughput of vLLM.", {"Throughput": "2x"}),
        # A figure reached through "up to ... and up to ..." still belongs to the verb's object.
        ("We propose SaServe. Our evaluation shows that SaServe improves serving throughput within desired latency "
         "SLOs by up to 2.6x on a single A100 GPU and up to 6.9x for Falcon-180B on 8 A100 GPUs over Orca.",
         {"Throughput": "up to 2.6x"}),
        # "accelerates compression by 25x" is a speed-up, wherever the parser hangs "by".
        ("We propose VaNet. Our VaNet accelerates compression by up to 25 times.", {"Speed": "up to 25 times"}),
        # "the same quality" does not block a figure in the next clause.
        ("We propose KiQuant. KiQuant lets models maintain almost the same quality while using 2.6× less peak "
         "memory usage.", {"Memory": "2.6×"}),
        # A result the parser made the object of "than" still counts.
        ("We propose IncNeXt. For instance, IncNeXt achieves 1.6x higher training throughputs than ConvNeX-T, as "
         "well as attains 0.2% top-1 accuracy improvement on ImageNet-1K.", {"Throughput": "1.6x", "Accuracy": "0.2%"}),
        # "accelerates <throughput>" is a throughput claim, not also a speed one.
        ("We propose SaRa. SaRa improves decode throughput by up to 10x, and accelerates end-to-end throughput by "
         "up to 1.33x.", {"Throughput": "up to 10x"}),
        # A compute budget said to be small is a result; a plain one ("takes 300 GPU hours") is not.
        ("We propose TiViT. Training takes 300 GPU hours. TiViT is trained on a mere 74 GPU hours.",
         {"Computation": "74 GPU hours"}),
        # A share taken away is a gain: "removes 50% of the parameters".
        ("We present PruneLM. PruneLM removes 50% of the parameters of LLaMA-7B while keeping 95% of its "
         "zero-shot accuracy.", {"Model size": "50%"}),
        # "N times as fast as X", with N in words.
        ("We propose ConvFirst. Our ConvFirst model ran approximately four times as fast as ConvNeXt.",
         {"Speed": "approximately four times"}),
        # Elliptical coordination: each figure takes the metric written right before its "by".
        ("We introduce HyAttn. The proposed method is deployed on Jetson AGX Orin, where latency is reduced by 41% "
         "and energy by 35%.", {"Speed": "41%", "Energy": "35%"}),
        # An absolute time is a latency result when the work is done "in" it.
        ("We propose FaSAM. FaSAM processes an image in 40 ms on an RTX 3060.", {"Speed": "40 ms"}),
        # A size in bytes with no metric named is memory.
        ("We propose KwsNet. KwsNet needs only 3.76 KB of SRAM on a Cortex-M4 microcontroller.",
         {"Memory": "3.76 KB"}),
        # A compression verb with no metric named compresses size.
        ("We propose Q8X. We show how to compress BERT by 4× with minimal accuracy loss.", {"Model size": "4×"}),
        # A loss word after "without" / "no" is the loss's absence: the figure before it stands.
        ("We propose RhoSpec. RhoSpec speeds up decoding by 2.4x without loss of quality.", {"Speed": "2.4x"}),
        ("We propose RhoSpec. RhoSpec cuts energy use by 31% with no drop in accuracy.", {"Energy": "31%"}),
        # The figure of a reduction "in" a metric phrase with its measure noun.
        ("We propose Moonshine. Moonshine demonstrates a 5x reduction in compute requirements.",
         {"Computation": "5x"}),
        # A bit-width that describes the method's own model or scheme is its size result.
        ("We propose QuaRot. Our 4-bit quantized LLaMa2-70B model loses at most 0.47 perplexity.",
         {"Model size": "4-bit"}),
        ("We propose SVDQuant, a new 4-bit quantization paradigm.", {"Model size": "4-bit"}),
        # ... unless that technique is the paper's own method.
        ("We propose movement pruning. In experiments, movement pruning reduces the model size by 97%.",
         {"Model size": "97%"}),
        ("We propose weight pruning. Experiments show that pruning reduces latency by 30%.", {"Speed": "30%"}),
        # Quantised *to* a bit-width is a size result; compressing the KV cache is a memory gain.
        ("We propose TauKV, which compresses the KV cache down to 2-bit.", {"Model size": "2-bit", "Memory": None}),
    ],
)
def test_relations_improves_figure_bound_to_metric(nlp, text: str, expected: dict[str, str]) -> None:
    assert _improves(nlp, text) == expected


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "metrics"),
    [
        ("We present KappaQuant. It achieves state-of-the-art accuracy on ImageNet and reduces the memory "
         "footprint of the model.", {"Accuracy", "Memory"}),
        ("We propose LambdaNet. Our approach delivers higher throughput and lower latency.", {"Throughput", "Speed"}),
        ("We propose TeBLEU. TeBLEU introduces a memory-efficient counting mechanism.", {"Memory"}),
        # General quality words mean accuracy in this literature.
        ("We propose LsNet. Experiments show that LsNet achieves superior performance over lightweight networks.",
         {"Accuracy"}),
        ("We propose WaNet. WaNet significantly outperforms the established baseline of magnitude pruning.",
         {"Accuracy"}),
        ("We propose ProxNet. We address the high memory consumption issue of differentiable NAS.", {"Memory"}),
        # A participle before the noun tells the quantity's trend; the verb says what the method does.
        ("We propose SnapNet. Our approach significantly reduces the growing computational overhead.",
         {"Computation"}),
        # What the method enables is its claim.
        ("We propose PcNet. A key benefit of PcNet is that it enables users to quickly update the model to "
         "improve generalization.", {"Accuracy"}),
    ],
)
def test_relations_improves_without_figure(nlp, text: str, metrics: set[str]) -> None:
    found = _improves(nlp, text)
    assert set(found) == metrics
    assert all(v is None for v in found.values())


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        # Keeping quality is not improving it.
        "We propose OmegaServe. OmegaServe maintains accuracy with negligible accuracy loss.",
        # Background: the sentence is not about the method.
        "We propose OmegaServe. However, existing systems suffer from increased memory footprint and higher latency.",
        # A bit-width used as a setting, a run time in hours, a device's memory, a model's scale.
        "We propose TauKV. TauKV is evaluated with 4-bit quantized baselines.",
        "We propose TauKV. TauKV is tested on a 4-bit quantized ResNet-18.",
        # A bit-width of a model the method only runs or takes is a setting, not its size result.
        "We propose FooNet. FooNet runs a 4-bit Llama model on a phone.",
        "We propose FooNet. FooNet supports 4-bit weights.",
        "We introduce RhoNet. Training RhoNet took about 5 hours on one machine.",
        # ... and stays one when the next clause, after a comma, has a change word of its own.
        "We introduce RhoNet. RhoNet yields a model on one GPU in 41 hours, with less than 3 points accuracy degradation.",
        "We propose FlexOff. FlexOff runs OPT-175B on a single 16GB GPU.",
        "We propose MobiLM. MobiLM comes at the scale of 1.4B and 2.7B parameters.",
        # Sizes of figures that are not seconds or results at all.
        "We propose LaNet. LaNet is accurate at 1 shot and calibrated on 128 samples.",
        # A share of something is not a gain; an absolute time with no metric is a setting.
        "We propose ReNet. ReNet requires as few as 3.1% of the tokens.",
        "We propose IvNet. Training took about 5 hours, and segmentation of a volume about 2-3 seconds.",
        # A bare technique class as the subject is the technique in general, not the method.
        "We present EdgeProfiler, a profiling framework. The profiling reveals that 4-bit quantization reduces "
        "model memory usage by approximately 60-70%.",
        # Growth of a lower-is-better quantity is no gain.
        "We propose ZeNet. This represents an 8x increase in model size.",
        # More of a lower-is-better quantity; a metric phrase that only describes a part or a platform.
        "We propose ZeroX. Our ZeroX allows increasing the model size that can be trained.",
        "We propose TeNet. Our TeNet runs on libraries for low-power CPUs and uses low-latency communication fabrics.",
        # "performance" of a system, or with an N× figure, is speed, not accuracy.
        "We propose DiServe. DiServe improves the performance of LLM serving.",
        # "N× the number of X" is a multiplier of a count, not a gain; "the power of X" is not watts.
        "We propose UnNet. We train models with up to 2x the number of channels.",
        "We propose PsNet. Structural diversity could improve the power of neural networks.",
        # "designed to facilitate X while reducing Y": still what it is for.
        "We propose FpNet. FpNet is a network designed to facilitate feature sharing while reducing computational "
        "resources.",
        # What something is for, outside the proposal, is not a result.
        "We propose IncNet. We anticipate IncNet can serve as a baseline for future design to reduce carbon footprint.",
    ],
)
def test_relations_improves_not_claimed(nlp, text: str) -> None:
    assert _improves(nlp, text) == {}


@pytest.mark.slow
def test_relations_improves_figure_goes_to_the_method_named_before_it(nlp) -> None:
    text = ("We propose VTrans. We further propose Fast-VTrans and Faster-VTrans. Fast-VTrans uses 3% of the data, "
            "and Faster-VTrans accelerates compression by up to 25 times.")
    found = {(c.subject.label, c.object.label, c.figure.text if c.figure else None)
             for c in nlp(text)._.rule_claims if c.relation == "improves"}
    # No speed claim from the "Faster" inside a name, no size claim from "accelerates compression".
    assert found == {("Faster-VTrans", "Speed", "up to 25 times")}
