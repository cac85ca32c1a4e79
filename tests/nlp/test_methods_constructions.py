"""Component effikg_methods: name shapes and constructions found on unseen abstracts
(shared/extraction-errors.md, "methods not found"): version and size tokens, non-ASCII
forms, a name glued to punctuation, lower-case technique names, named parts."""

from __future__ import annotations

import pytest

from pipeline.normalize import match_key

pytestmark = pytest.mark.slow  # the real spaCy model

# (abstract, expected proposed names in order)
PROPOSALS = [
    pytest.param("We present FireFly v2, an FPGA accelerator for spiking neural networks.",
                 ["FireFly v2"], id="version-token"),
    pytest.param("We introduce BitNet b1.58 2B4T, the first open-source native 1-bit LLM.",
                 ["BitNet b1.58 2B4T"], id="version-and-size-tokens"),
    pytest.param("We propose TriForce— a hierarchical speculative decoding system for long sequences.",
                 ["TriForce"], id="em-dash-glued-to-name"),
    pytest.param("We propose movement pruning, a simple first-order weight pruning method.",
                 ["movement pruning"], id="lower-case-technique"),
    pytest.param("We present ORCA, a serving system. We propose iteration-level scheduling, a new scheduling "
                 "mechanism.", ["ORCA", "iteration-level scheduling"], id="lower-case-technique-after-named"),
    pytest.param("Therefore we propose the progressive shrinking algorithm, which trains one network.",
                 ["progressive shrinking"], id="lower-case-technique-generic-head-dropped"),
    pytest.param("Eyeriss uses a proposed processing dataflow, called row stationary (RS), on a spatial array.",
                 ["RS"], id="called-lower-case-with-acronym"),
    pytest.param("We put forward BarKV, a cache compression method.", ["BarKV"], id="phrasal-verb"),
    pytest.param("In this paper, we propose MLRU++, a lightweight segmentation network.", ["MLRU++"],
                 id="acronym-with-plus-suffix"),
    pytest.param("This paper sets forth BarKV, which compresses the KV cache.", ["BarKV"], id="phrasal-verb-inflected"),
    pytest.param("Our approach, BarKV, compresses the KV cache.", ["BarKV"], id="our-generic-head-apposition"),
    pytest.param("Our proposed compression scheme, BarKV, quantizes keys.", ["BarKV"],
                 id="our-modified-head-apposition"),
    pytest.param("We present the design and implementation of BarKV, a KV cache manager.", ["BarKV"],
                 id="design-and-implementation-of"),
    pytest.param("Our runtime relies on QuuxCache, a new cache layout for long prompts.", ["QuuxCache"],
                 id="name-described-as-new"),
    pytest.param("Motivated by this, we propose decoupled distillation.", ["decoupled distillation"],
                 id="lower-case-technique-opens-on-a-participle"),
    pytest.param("To address this, we build an inference engine Quux that fuses the kernels.", ["Quux"],
                 id="proper-name-after-a-generic-head"),
    pytest.param("We extend Timeloop with layout assessment and term it as Quuxloop.", ["Quuxloop"],
                 id="term-it-as"),
    pytest.param("It has three parts: (1) a quantization scheme; (2) a novel layer-by-layer knowledge distillation "
                 "algorithm (LKD); (3) an inference backend.", ["LKD"], id="acronym-of-a-new-phrase"),
]

NOT_PROPOSED = [
    pytest.param("We propose a new pruning method for transformers.", id="a-descriptive-technique"),
    pytest.param("We also present two sparse convolution algorithms for long sequences.", id="numbered-class"),
    pytest.param("Structured pruning is common. We propose structured pruning for transformers.",
                 id="technique-already-in-background"),
    pytest.param("A large part of it can be removed, which we call energy bloat.", id="called-a-problem"),
    pytest.param("Compared to our baseline, LLaMA-2 runs slower on phones.", id="our-baseline-apposition"),
    pytest.param("Our previous work, BarKV, compressed the cache.", id="our-previous-work-apposition"),
    pytest.param("Our results, however, show that vLLM scales poorly.", id="our-results-not-a-head"),
    pytest.param("We put the model on an FPGA and measure its power.", id="put-without-particle"),
    pytest.param("We study ways of creating efficient and accurate deep learning architectures.",
                 id="and-between-modifiers-is-no-lead"),
    pytest.param("Prior systems such as vLLM rely on PagedAttention, a memory manager for KV caches.",
                 id="described-but-not-as-new"),
    pytest.param("We compare against GPTQ, a popular quantization method.", id="described-as-popular"),
    pytest.param("We combine distillation with pruning for mobile devices.", id="one-word-technique"),
]


@pytest.mark.parametrize("text", NOT_PROPOSED)
def test_methods_constructions_not_proposed(parse, text: str) -> None:
    assert [p.name for p in parse(text)._.proposed] == []


def test_methods_constructions_generic_head_is_an_alias(parse) -> None:
    [p] = parse("We devised block fusion algorithms to implement a residual block in one kernel.")._.proposed
    assert p.name == "block fusion" and "block fusion algorithms" in p.aliases and p.part
    [rs] = parse("Eyeriss uses a proposed processing dataflow, called row stationary (RS), on a spatial array.")._.proposed
    assert "row stationary" in rs.aliases


@pytest.mark.parametrize("text,names", PROPOSALS)
def test_methods_constructions_proposed(parse, text: str, names: list[str]) -> None:
    assert [p.name for p in parse(text)._.proposed] == names


def test_methods_constructions_superscript_matches_its_digit(parse) -> None:
    [s3] = parse("We propose S³, a system that increases serving throughput.")._.proposed
    assert match_key("S3") in s3.keys


def test_normalize_match_key_folds_compatibility_forms() -> None:
    assert match_key("S³") == match_key("S3") == "s3"
    assert match_key("λ-ECLIPSE") == "lambdaeclipse"
