"""Component effikg_methods: the paper's own methods from syntax and layout, not from a list."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # the real spaCy model

# (abstract, title, expected proposed names in order, expected aliases of the first)
PROPOSALS = [
    pytest.param("We propose TriForce, a hierarchical speculative decoding system that scales to long sequences.",
                 None, ["TriForce"], [], id="we-propose-X"),
    pytest.param("In this paper, we introduce MARCA, a Mamba accelerator with a reconfigurable architecture.",
                 None, ["MARCA"], [], id="we-introduce-X-appos"),
    pytest.param("We present a novel scheduler called Sarathi-Serve to tackle this tradeoff.",
                 None, ["Sarathi-Serve"], [], id="called-X"),
    pytest.param("To address this, we propose STEP (SuperToken and Early-Pruning), a hybrid token-reduction framework.",
                 None, ["STEP"], [], id="words-a-name-stands-for-in-parentheses"),
    pytest.param("We propose Speech to Text Adapter (S2TA), a method. S2TA is fast.", None, ["S2TA"],
                 ["Speech to Text Adapter"], id="digit-for-a-word-in-an-acronym"),
    pytest.param("In this paper we describe a new mobile architecture, MobileNetV2. MobileNetV2 is 2x faster than "
                 "MobileNetV1.", "MobileNetV2: Inverted Residuals and Linear Bottlenecks", ["MobileNetV2"], [],
                 id="the-paper-that-introduces-a-known-model"),
    pytest.param("We propose TinyX running on the Jetson (TX2). TinyX is fast.", None, ["TinyX"], [],
                 id="coined-name-keeps-its-name-before-an-unrelated-acronym"),
    pytest.param("We propose SparseX for mobile GPUs (SMG). SparseX is fast.", None, ["SparseX"], [],
                 id="coined-name-keeps-its-name-before-a-described-acronym"),
    pytest.param("In this paper, we propose an in-memory computing accelerator (IMCA) for CNNs. IMCA is 2x faster.",
                 None, ["IMCA"], [], id="own-design-named-by-the-acronym-of-a-class-phrase"),
    pytest.param("In this paper, we propose RE-NPU for LLM-NPU systems.", None, ["RE-NPU"], [],
                 id="coined-prefix-of-a-device-word"),
    pytest.param("We present llm.npu, the first LLM inference system with NPU offloading. llm.npu is fast.",
                 None, ["llm.npu"], [], id="lower-case-dotted-name"),
    pytest.param("Here, we present the systematic adaptation and extensive evaluation of UltraSeg, an ultra-lightweight "
                 "architecture originally developed for polyp segmentation.", None, ["UltraSeg"], [],
                 id="name-the-object-phrase-is-about-described-after-of"),
    pytest.param("We first characterize GCNs on Intel Xeon CPU. We design a GCN accelerator, HyGCN, using a hybrid "
                 "architecture.", None, ["HyGCN"], [], id="field-acronym-before-the-name"),
    pytest.param("This paper proposes an end-to-end system P/D-Serve for CPU/GPU clusters. P/D-Serve beats I/O-bound "
                 "systems.", None, ["P/D-Serve"], [], id="slash-between-capitals-inside-a-name"),
    pytest.param("EfficientViT features a hybrid architecture. We propose an FPGA-based accelerator, FlexAcc, for "
                 "EfficientViT. FlexAcc is fast.", "An FPGA-Based Reconfigurable Accelerator for Convolution-Transformer "
                 "Hybrid EfficientViT", ["FlexAcc"], [], id="title-name-after-for-ends-a-longer-phrase"),
    pytest.param("DeepSeek-V3.2-Exp introduces sparse attention that reduces latency. We propose ESS, an offload-centric "
                 "design. ESS frees GPU memory.", "ESS: An Offload-Centric Architecture for DeepSeek-V3.2-Exp",
                 ["ESS"], [], id="title-name-after-for-is-what-the-design-is-for"),
    pytest.param("We propose an approach, named as Quokka, that reduces latency.", None, ["Quokka"], [],
                 id="named-as-X"),
    pytest.param("We propose a fold and merge (F&M) scheme for photonic chips. The F&M scheme saves energy.", None,
                 ["F&M"], ["fold and merge"], id="acronym-with-an-ampersand-for-and"),
    pytest.param("We introduce Fast, Robust, and Tiny Attention (FRTA), a new kernel for long prompts.", None,
                 ["FRTA"], ["Fast, Robust, and Tiny Attention"], id="acronym-of-a-comma-list-of-title-words"),
    pytest.param("We propose a novel RISC-V vector core ZetaCore for keyword spotting on wearables.", None,
                 ["ZetaCore"], [], id="a-name-modifying-the-head-name"),
    pytest.param("In this work, Sparse Head and Token attention (SHTA) is introduced, a framework that prunes heads.",
                 None, ["SHTA"], ["Sparse Head and Token attention"], id="acronym-expansion-ending-in-a-lower-case-noun"),
    pytest.param("We build a chip. A tiled softmax engine (TSE) is further proposed to cut latency.", None,
                 ["TSE"], [], id="passive-proposal-with-a-sequence-adverb"),
    pytest.param("We present DEEP, a compiler for sparse models. DEEP cuts latency by 2x.", None, ["DEEP"], [],
                 id="a-listed-word-written-in-capitals-is-coined"),
    pytest.param("We revisit the design of vision models. The proposed networks, TinyFormerX, reach 80% accuracy.",
                 None, ["TinyFormerX"], [], id="the-proposed-head-X"),
    pytest.param("Video analytics wastes idle GPU cycles. We design a scheduler that fills them. Our system "
                 "raises accuracy by 9%.", "Kestrel: Opportunistic Enhancement for Edge Video Analytics",
                 ["Kestrel"], [], id="one-word-title-name-the-abstract-never-writes"),
    pytest.param("Our approach builds on a discrete bottleneck. We dub the resulting system SwiftKV.",
                 None, ["SwiftKV"], [], id="dub-the-resulting-system-X"),
    pytest.param("The resultant models, denoted as MobileLLM-LS, improve accuracy by 0.7%.",
                 None, ["MobileLLM-LS"], [], id="resulting-denoted-as-X"),
    pytest.param("FlexGen is a high-throughput generation engine for running LLMs with limited GPU memory. "
                 "FlexGen can be configured under various hardware resource constraints.",
                 None, ["FlexGen"], [], id="X-is-a"),
    pytest.param("We develop a novel solution, Zero Redundancy Optimizer (ZeRO), to optimize memory.",
                 None, ["ZeRO"], ["Zero Redundancy Optimizer"], id="acronym-in-parentheses"),
    pytest.param("Furthermore, we propose a new architecture, named Pseudo-3D Residual Net (P3D ResNet), that "
                 "exploits all the variants of blocks.", None, ["P3D ResNet"], ["Pseudo-3D Residual Net"],
                 id="short-name-in-parentheses"),
    pytest.param("Next, Hector intermediate representation (IR) and its code generator are proposed to address "
                 "memory-intensive challenges.", None, ["Hector"], [], id="passive-subject"),
    pytest.param("To mitigate this, the SSDTrain offloading framework is designed and implemented.",
                 None, ["SSDTrain"], [], id="passive-caps-run-coinage"),
    pytest.param("Our supervised compression approach uses a teacher model and a student model with a stochastic "
                 "bottleneck (Entropic Student). It achieves lower latency.", None, ["Entropic Student"], [],
                 id="our-approach-(Name)"),
    pytest.param("We develop a new self-attention model family, HaloNets, which reach high accuracy. HaloNet models "
                 "outperform much larger models.", None, ["HaloNet"], ["HaloNets"], id="plural-family-singular"),
    pytest.param("In this paper we study cued speech. We build the first Mandarin CS corpus comprising annotated "
                 "videos from five speakers.", None, [], [], id="dataset-head-not-a-method"),
    pytest.param("Post-hoc Concept Bottleneck Models (PCBMs) turn any model into a concept model. PCBMs are "
                 "accurate.", None, ["PCBM"], ["PCBMs"], id="acronym-plural-singular"),
    pytest.param("We propose NeuPIMs, a heterogeneous acceleration system. NeuPIMs achieves 3x the throughput of "
                 "GPU-only systems.", None, ["NeuPIMs"], [], id="name-ending-in-s-kept"),
    pytest.param("Building on this, we introduce lambda-ECLIPSE. Our method needs 34M parameters.",
                 None, ["λ-ECLIPSE"], [], id="latex-greek-name"),
    pytest.param("We propose a HyperZ{cdotZ{cdot}W} operator that connects slow and fast networks.",
                 None, ["HyperZ·Z·W"], [], id="latex-cdot-name"),
    pytest.param("We present MiniCPM-V. The latest MiniCPM-Llama3-V 2.5 outperforms Claude 3 and Gemini Pro.",
                 None, ["MiniCPM-V"], [], id="name-ends-sentence"),
    pytest.param("We present MiniCPM-V, a series of efficient MLLMs. The latest MiniCPM-Llama3-V 2.5 has strong "
                 "performance, outperforming Gemini Pro.", None, ["MiniCPM-V", "MiniCPM-Llama3-V 2.5"], [],
                 id="family-member-as-subject"),
    pytest.param("This paper proposes a novel Ghost module to generate more feature maps from cheap operations.",
                 None, ["Ghost module"], ["Ghost"], id="plain-name-keeps-its-head"),
    pytest.param("For segmentation, we propose a new efficient segmentation decoder Lite Reduced Atrous Spatial "
                 "Pyramid Pooling (LR-ASPP).", None, ["LR-ASPP"], ["Lite Reduced Atrous Spatial Pyramid Pooling"],
                 id="multi-token-acronym"),
    pytest.param("Two techniques, namely the MAC-folding and boosted-clipping schemes, are proposed to improve "
                 "accuracy.", None, ["MAC-folding", "boosted-clipping"], [], id="namely-list-passive"),
    pytest.param("This leads us to propose a simple fast compound scaling strategy. The proposed fast compound "
                 "scaling results in fewer activations.", None, ["fast compound scaling"], [],
                 id="unnamed-then-the-proposed-X"),
    # Layout: the title.
    pytest.param("Our system reaches a 2.31x speedup. TriForce also scales to long contexts.",
                 "TriForce: Lossless Acceleration of Long Sequence Generation", ["TriForce"], [], id="title-X:"),
    pytest.param("In this work we introduce a family of efficient sparse kernels for ARM processors.",
                 "Fast Sparse ConvNets", ["Fast Sparse ConvNets"], [], id="title-is-the-name"),
    pytest.param("Sharing key and value heads across layers is cheap. Cross-Layer Attention reduces the KV cache "
                 "size by 2x.", "Reducing Transformer Key-Value Cache Size with Cross-Layer Attention",
                 ["Cross-Layer Attention"], [], id="title-with-X"),
    pytest.param("MobileNetV3 is tuned to mobile phone CPUs. We create two new models: MobileNetV3-Large and "
                 "MobileNetV3-Small.", "Searching for MobileNetV3", ["MobileNetV3"],
                 ["MobileNetV3-Large", "MobileNetV3-Small"], id="title-name-over-size-variants"),
    pytest.param("We scale it up to obtain a family of models, called EfficientNets. Our EfficientNet-B7 achieves 84.3% "
                 "top-1 accuracy.", "EfficientNet: Rethinking Model Scaling", ["EfficientNet"],
                 ["EfficientNets", "EfficientNet-B7"], id="title-X:-over-size-variant"),
    pytest.param("DeepSeek-V3, trained on 2,048 NVIDIA H800 GPUs, shows how co-design helps. This paper presents "
                 "an analysis of the DeepSeek-V3 architecture.", "Insights into DeepSeek-V3: Scaling Challenges",
                 ["DeepSeek-V3"], [], id="title-coined-subject"),
    pytest.param("We present two simple techniques: gradient checkpointing and layer fusion. Together they cut memory.",
                 None, ["gradient checkpointing", "layer fusion"], [], id="N-techniques-colon-list"),
    pytest.param("We introduce \"layer dropping\", a schedule that skips layers during training.", None,
                 ["layer dropping"], [], id="quoted-lower-case-technique"),
    pytest.param("We propose the use of block pruning, which removes whole blocks of weights.", None,
                 ["block pruning"], [], id="propose-the-use-of-X"),
    pytest.param("Weight streaming keeps one layer on chip at a time. It reduces memory by 3x.",
                 "Weight Streaming: Training Beyond Device Memory", ["Weight streaming"], [],
                 id="title-technique-before-colon"),
    pytest.param("Serving many adapters is hard. We realize this idea in FooServe, built on three parts. "
                 "Experiments show that FooServe cuts latency by 2x.", None, ["FooServe"], [],
                 id="coined-subject-without-other-cue"),
]

NOT_PROPOSED = [
    pytest.param("We propose a binarized convolutional neural network for edge devices.", None,
                 id="descriptive-phrase"),
    pytest.param("Concept Bottleneck Models (CBMs) are interpretable. We propose a method to train CBMs faster.",
                 None, id="background-concept"),
    pytest.param("We implement our method in PyTorch and evaluate it on ImageNet-1K and CIFAR-10.", None,
                 id="software-and-datasets"),
    pytest.param("We propose to evaluate on ImageNet-1K, CIFAR-100 and COCO with a new training recipe.", None,
                 id="dataset-named-like-a-method"),
    pytest.param("We present a study of federated learning (FL) on ImageNet.", None, id="field-acronym"),
    pytest.param("Two techniques are common: pruning and quantization. Both reduce memory.", None,
                 id="technique-list-without-authors"),
    pytest.param("GenAI is growing fast. GenAI needs a lot of compute.", None, id="field-word-used-twice"),
    pytest.param("Job completion time (JCT) matters for clusters. We measure JCT on traces.", None,
                 id="concept-acronym-used-twice"),
    pytest.param("We propose a novel architecture of explainable classification with Concept Bottleneck "
                 "Models (CBMs).", None, id="acronym-after-preposition"),
    pytest.param("Large language models are costly to serve. GPUs are scarce.", "Attention Is All You Need",
                 id="title-sentence-not-a-name"),
    pytest.param("Code and models are available at https://github.com/acme/FooNet-3M.", None, id="url"),
    pytest.param("We release our code at huggingface.co and github.io for everyone.", None, id="web-domains"),
    pytest.param("Real-time detection is hard. We deploy YOLOv8 on a Jetson Nano and reach 30 FPS. YOLOv8 runs 2x "
                 "faster than before.", "YOLOv8: Real-Time Detection on the Jetson Nano", id="title-names-a-known-model-it-uses"),
    pytest.param("We present a characterization of vLLM, a popular LLM serving system, on edge GPUs.", None,
                 id="a-study-of-an-existing-system"),

    pytest.param("Additionally, we also implement ResNet-50 model to provide performance comparisons.", None,
                 id="known-model-implemented"),
    pytest.param("We have implemented BERT and GPT2 on an AMD Alveo U280 FPGA.", None, id="known-model-written-unhyphenated"),
    pytest.param("We address this by designing a Tensorflow/Keras based library for streaming models.", None,
                 id="library-written-in-another-case"),
    pytest.param("We benchmark YOLOv8 and SSD MobileNet V1 on a Raspberry Pi 5. SSD MobileNet V1 is the fastest. "
                 "SSD MobileNet V1 runs at 30 FPS.", None, id="benchmark-of-known-models"),
    pytest.param("A multi-strategy optimization hardware accelerator for YOLOv2 is designed and deployed.", None,
                 id="known-model-accelerated-passive"),
    pytest.param("This paper introduces a novel DDR5/LPDDR5 architecture with a compute-efficient CU.", None,
                 id="memory-standards-and-parts"),
    pytest.param("We see a 60% advantage in runtime while introducing ROM overheads of 5%.", None,
                 id="memory-part-with-a-cost-head"),
    pytest.param("We propose to save $2M a month. $2M is a lot, and $2M matters.", None, id="money"),
    pytest.param("This work proposes a packing-prefetch scheduling architecture with monolithic 3D (M3D) "
                 "back-end-of-line (BEOL) compatible embedded memories.", None, id="concept-acronym-inside-a-phrase"),
    pytest.param("This study evaluates five SLMs, Llama 3.2, Phi-3 Mini, TinyLlama and Gemma 2, on a Raspberry Pi 5. "
                 "TinyLlama is well-suited for low-power settings. TinyLlama uses the least energy.", None,
                 id="known-model-written-as-a-coinage"),
    pytest.param("We study W4A8 and W2A4KV4 settings. W4A8 is fast. W4A8 is accurate.", None,
                 id="precision-settings"),
    pytest.param("ANN-to-SNN conversion is popular. We study ANN-to-SNN methods with DVFS. ANN-to-SNN is lossy.", None,
                 id="field-terms-joined-by-a-word"),
    pytest.param("We examine three FP8 formats (E5M2, E4M3 and E3M4). E4M3 suits NLP models, while E3M4 is better "
                 "than E4M3 for vision. E4M3 is robust.", None, id="number-formats"),
    pytest.param("We study dynamic sparse training for vision models and show it reduces FLOPs.",
                 "Dynamic Sparse Training", id="descriptive-title"),
    pytest.param("We study the cost of edge video analytics and show where it goes.",
                 "Beyond Accuracy: Where the Cost of Edge Video Analytics Goes", id="one-word-title-head-no-name"),
    pytest.param("We propose combining memory saving techniques with traditional U-Net architectures.", None,
                 id="name-in-adjunct-phrase"),
    pytest.param("We condense the retrieved documents into a compact cache that the model reasons over.",
                 "Beyond RAG: Task-Aware Compression for Long Prompts", id="title-head-opened-by-a-function-word"),
    pytest.param("In this paper, we compare the schedulers that have been proposed (Orca, Sarathi, Splitwise) on one "
                 "testbed.", None, id="perfect-passive-tells-of-earlier-work"),
    pytest.param("This paper presents a human activity recognition (HAR) system implemented on a low-power "
                 "smartwatch.", None, id="the-acronym-of-a-task"),
    pytest.param("We design the accelerator using Vitis HLS on an Alveo U50 card.", None, id="a-vendor-tool"),
    pytest.param("The Tetra framework was recently proposed for building FPGA accelerators.", None,
                 id="recently-proposed-is-earlier-work"),
    pytest.param("The novel non-volatile memory (NVM) based designs show great promise for inference.", None,
                 id="a-memory-technology"),
    pytest.param("We implement the whole pipeline on an ASIC using GlobalFoundries (GF) 22 nm technology.", None,
                 id="the-acronym-of-a-company"),
    pytest.param("Our accelerator reaches a 2x higher efficiency in terms of EDP than prior FPGA designs.", None,
                 id="in-terms-of-is-no-naming-verb"),
    pytest.param("Our accelerator reaches 76% higher performance in terms of GOPS and GOPS/DSP.", None,
                 id="a-unit-is-no-name"),
    pytest.param("We propose a new method for pruning. The proposed method reduces latency.", None,
                 id="the-proposed-method-is-no-name"),
    pytest.param("We propose a ``See Large, Focus Small'' strategy for lightweight network design.", None,
                 id="quoted-slogan"),
    pytest.param("A popular method called LoRA is widely used for fine-tuning.", None, id="called-without-authors"),
    pytest.param("For the validation, we implement our prototype using the Arduino Nano 33 BLE Sense board.", None,
                 id="participle-with-its-object-is-no-technique"),
    pytest.param("Hybrid parallelism combining tensor parallelism (TP) and pipeline parallelism (PP) is common. "
                 "We further design the PP schedule to minimize PP bubbles.", None, id="acronym-of-a-concept-after-verb"),
    pytest.param("Large Language Models (LLMs) are costly. Research on Vector Quantization (VQ) for LLMs is active. "
                 "We formulate the LLM VQ problem with second-order optimization.", None,
                 id="acronyms-defined-before-the-proposal"),
]


@pytest.mark.parametrize("text,title,names,aliases", PROPOSALS)
def test_methods_proposed(parse, text: str, title: str | None, names: list[str], aliases: list[str]) -> None:
    proposed = parse(text, title)._.proposed
    assert [p.name for p in proposed] == names
    for alias in aliases:
        assert alias in proposed[0].aliases


@pytest.mark.parametrize("text,title", NOT_PROPOSED)
def test_methods_not_proposed(parse, text: str, title: str | None) -> None:
    assert [p.name for p in parse(text, title)._.proposed] == []


def test_methods_whole_model_comes_before_its_parts(parse) -> None:
    doc = parse("To get context-varying weights, we propose a HyperZ-ZW operator that connects kernels. Based on this "
                "design, we present a novel Terminator architecture. Our model needs fewer parameters.")
    assert [p.name for p in doc._.proposed] == ["Terminator architecture", "HyperZ-ZW"]
    assert [(c.subject.label, c.relation) for c in doc._.rule_claims] == [("Terminator", "improves")]


def test_methods_parts_named_in_what_the_method_is_made_of(parse) -> None:
    # A part verb with the proposed method as subject: the names it introduces there are parts.
    doc = parse("We present LiteServe, a serving engine. LiteServe comprises two stages: a token scheduler "
                "(TokSched) and an adaptive cache manager (AC-Mgr).")
    assert [(p.name, p.part) for p in doc._.proposed] == [("LiteServe", False), ("TokSched", True),
                                                          ("AC-Mgr", True)]
    # A name already met before the sentence is an existing technique the method uses, not a part.
    doc = parse("FlashAttention is widely used. We present LiteServe, a serving engine. LiteServe integrates "
                "FlashAttention (FA) kernels.")
    assert [p.name for p in doc._.proposed] == ["LiteServe"]
    # A coined name an apposition describes is a part; one the sentence only uses is not.
    doc = parse("We present LiteServe, a serving engine. LiteServe comprises HeadPrune, a head pruning method, "
                "and TokDrop, a token dropping scheme.")
    assert [(p.name, p.part) for p in doc._.proposed] == [("LiteServe", False), ("HeadPrune", True),
                                                          ("TokDrop", True)]
    doc = parse("We present LiteServe, a serving engine. LiteServe integrates FlashAttention, which is fast.")
    assert [p.name for p in doc._.proposed] == ["LiteServe"]
    # A method the authors do not name is made of the named parts in its object phrase, not
    # of the concepts a clause inside it mentions.
    doc = parse("This paper introduces a fine-tuning approach. Our method features a stochastic gradient sketching "
                "(SGS) technique, which runs in parallel.")
    assert [(p.name, p.part) for p in doc._.proposed] == [("SGS", True)]
    # ... and so is the unnamed design a proposal verb introduces, by a participle of a part verb.
    doc = parse("This paper proposes a low-power speech recognition accelerator featuring a folded systolic array "
                "(FSA) architecture.")
    assert [(p.name, p.part) for p in doc._.proposed] == [("FSA", True)]
    doc = parse("Prior speech recognition accelerators featuring a folded systolic array (FSA) architecture waste energy.")
    assert doc._.proposed == []
    doc = parse("Our design incorporates systolic arrays and units that support the operations in "
                "multi-head self-attention (MSA) layers.")
    assert doc._.proposed == []


def test_methods_proposal_sentence_just_before_the_name_counts(parse) -> None:
    doc = parse("Self-attention is slow. We propose two extensions to self-attention that reduce latency by 2x. We "
                "leverage these improvements to develop a new model family, HaloNets, which reach high accuracy.")
    [halo] = doc._.proposed
    assert halo.name == "HaloNets" and halo.sent_start == list(doc.sents)[1].start
    assert ("HaloNets", "improves", "Speed") in {(c.subject.label, c.relation, c.object.label) for c in doc._.rule_claims}


def test_methods_title_name_is_the_main_method(parse) -> None:
    doc = parse("We propose a novel method named PRepBN to replace LayerNorm. We also evaluated our method for "
                "language modeling and obtain lower latency.", "SLAB: Efficient Transformers with Simplified Attention")
    assert [p.name for p in doc._.proposed] == ["SLAB", "PRepBN"]


def test_methods_title_name_over_backbone_variant(parse) -> None:
    doc = parse("We propose a novel method named PRepBN. For example, our SLAB-Swin obtains 83.6% top-1 accuracy.",
                "SLAB: Efficient Transformers with Simplified Attention")
    slab = doc._.proposed[0]
    assert (slab.name, slab.aliases) == ("SLAB", ["SLAB-Swin"])
    assert {c.subject.label for c in doc._.rule_claims} == {"SLAB"}


def test_methods_composed_name_belongs_to_its_head(parse) -> None:
    doc = parse("MobileNetV3 is tuned to phones. We create MobileNetV3-Large and MobileNetV3-Small. We propose a "
                "new segmentation decoder Lite "
                "Reduced Atrous Spatial Pyramid Pooling (LR-ASPP). MobileNetV3-Large LR-ASPP is 30% faster than "
                "MobileNetV2 R-ASPP.", "Searching for MobileNetV3")
    proposed = {p.name: p for p in doc._.proposed}
    assert set(proposed) == {"MobileNetV3", "LR-ASPP"}
    assert "MobileNetV3-Large LR-ASPP" in proposed["LR-ASPP"].aliases


def test_methods_names_exclude_hardware_and_figures(parse) -> None:
    doc = parse("We propose TriForce. It reaches 2.31x on an NVIDIA A100 GPU and a Jetson Nano.")
    assert [n.text for n in doc._.names] == ["TriForce"]


def test_methods_sentence_initial_name_written_mid_sentence_elsewhere(parse) -> None:
    # A sentence-initial word is capitalised anyway; the pair seen mid-sentence makes it a name.
    doc = parse("We propose Lite Transformer. Lite Transformer reduces the latency. Some Transformer models are slow.")
    assert [n.text for n in doc._.names] == ["Lite Transformer", "Lite Transformer", "Transformer"]
    # Words apart (a comma, a sentence break) are no pair.
    doc = parse("We compare with Lite, Transformer and others. Lite Transformer reduces latency.")
    assert [n.text for n in doc._.names] == ["Lite", "Transformer", "Transformer"]


def test_methods_names_exclude_model_sizes_written_as_adjectives(parse) -> None:
    # "a 3B-parameter model", "a 16-layer network": a size, not a name.
    doc = parse("Our 600M-parameter ParetoQ model outperforms the previous 3B-parameter model and a 16-layer network.")
    assert [n.text for n in doc._.names] == ["ParetoQ"]


def test_methods_names_leave_out_whose_work_it_is(parse) -> None:
    doc = parse("It runs 2.1x faster than the SotA Foo-NN library and beats prior BarAttention kernels.")
    assert [n.text for n in doc._.names] == ["Foo-NN", "BarAttention"]


def test_methods_lowercase_libraries_are_names_but_never_proposed(parse) -> None:
    doc = parse("We present PowerInfer. It outperforms llama.cpp by up to 11.69x and beats cuBLAS.")
    assert [n.text for n in doc._.names] == ["PowerInfer", "llama.cpp", "cuBLAS"]
    assert [p.name for p in doc._.proposed] == ["PowerInfer"]


def test_methods_acronyms_defined_in_parentheses(parse) -> None:
    doc = parse("We use Low-Rank Adaptation (LoRA) and a Zero Redundancy Optimizer (ZeRO) with (x) terms.")
    assert doc._.acronyms == {"LoRA": "Low-Rank Adaptation", "ZeRO": "Zero Redundancy Optimizer"}
    # The window is counted in words: hyphenated words are several tokens each.
    doc = parse("This article proposes a scalable RRAM-based in-memory floating-point computation architecture (RIME) "
                "that uses minority logic.")
    assert doc._.acronyms == {"RIME": "RRAM-based in-memory floating-point computation architecture"}
    # A digit in an acronym counts a letter ("two H"): the letters alone spell the phrase.
    doc = parse("We introduce Heavy Hitter Oracle (H₂O), a KV cache eviction policy. H₂O is fast.")
    assert doc._.acronyms == {"H₂O": "Heavy Hitter Oracle"} and [p.name for p in doc._.proposed] == ["H₂O"]
    # A suffix the phrase does not spell ("-Net"), and a quoted phrase: its quote is no part of it.
    doc = parse("We name this “Communication-Aware Architecture for Tensor-parallelism” (CAAT-Net). We train "
                "CAAT-Net models.")
    assert doc._.acronyms == {"CAAT-Net": "Communication-Aware Architecture for Tensor-parallelism"}
    [proposed] = doc._.proposed
    assert proposed.name == "CAAT-Net" and "Communication-Aware Architecture for Tensor-parallelism" in proposed.aliases


@pytest.mark.parametrize(
    "text",
    [
        "We present TriForce. It achieves up to 2.31x speedup on an A100 GPU.",
        "We present TriForce. Our method achieves up to 2.31x speedup on an A100 GPU.",
        "We present TriForce. With it, we achieve up to 2.31x speedup on an A100 GPU.",
    ],
    ids=["it", "our-method", "we"],
)
def test_methods_references_resolve_to_the_proposed_method(parse, text: str) -> None:
    claims = parse(text)._.rule_claims
    targets = {(c.subject.label, c.object.label) for c in claims if c.relation == "targets"}
    assert targets == {("TriForce", "NVIDIA A100 GPU")}
    assert all(c.subject.label == "TriForce" for c in claims)


def test_methods_title_name_work_begins_where_the_authors_first_speak(parse) -> None:
    # The abstract names the title's method only at its end; the authors' own work starts
    # with "In this work, we": the gain stated there is the method's, not background.
    doc = parse("Diffusion models are costly. In this work, we uncover the potential of block pruning. By removing "
                "blocks, we achieve a 30% reduction in model size. Our BK-SDMs deliver competitive results.",
                "BK-SDM: A Lightweight Version of Stable Diffusion")
    [proposed] = doc._.proposed
    assert proposed.name == "BK-SDM" and proposed.sent_start == [t.i for t in doc if t.text == "In"][0]
    assert ("improves", "Model size", "30%") in {
        (c.relation, c.object.label, c.figure.text if c.figure else None) for c in doc._.rule_claims}


def test_methods_a_background_passive_is_not_where_the_title_method_begins(parse) -> None:
    doc = parse("Pruning methods have been proposed to shrink diffusion models. They achieve a 20% reduction in model "
                "size. In this work, we uncover block pruning. Our BK-SDMs are small.",
                "BK-SDM: A Lightweight Version of Stable Diffusion")
    assert not [c for c in doc._.rule_claims if c.figure is not None and c.figure.text == "20%"]


def test_methods_a_background_we_is_not_where_the_title_method_begins(parse) -> None:
    doc = parse("Recently, we have witnessed rapid growth of diffusion models. Prior pruning achieves a 20% reduction "
                "in model size. In this work, we uncover block pruning. Our BK-SDMs are small.",
                "BK-SDM: A Lightweight Version of Stable Diffusion")
    [proposed] = doc._.proposed
    assert proposed.sent_start == [t.i for t in doc if t.text == "In"][0]
    assert not [c for c in doc._.rule_claims if c.figure is not None and c.figure.text == "20%"]


def test_methods_a_slash_between_acronyms_separates_them(parse) -> None:
    doc = parse("Hybrid TP/PP and DP/TP/PP schedules are common; A/B tests too.")
    names = [n.text for n in doc._.names]
    assert "TP/PP" not in names and "DP/TP/PP" not in names and "A/B" in names
    assert doc._.proposed == []  # nor is a piece of a slashed pair what the abstract is about


def test_methods_dotted_words_that_are_no_names(parse) -> None:
    names = [n.text for n in parse("It runs fast.the accuracy stays, and model.py and tsinghua.edu.cn hold the code "
                                   "of llm.npu.")._.names]
    assert names == ["llm.npu"]
