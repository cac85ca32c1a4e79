"""Component effikg_hardware: gazetteer hardware mentions, one canonical entity per thing."""

from __future__ import annotations

import pytest

from pipeline.vocab import load_vocab

pytestmark = pytest.mark.slow  # the real spaCy model


def _mentions(parse, text: str) -> list[tuple[str, str, str | None]]:
    return [(m.text, m.entity.label, m.entity.kind) for m in parse(text)._.hardware]


@pytest.mark.parametrize(
    "text", ["It runs on an A100.", "It runs on an A100 GPU.", "It runs on NVIDIA A100.", "It runs on a Tesla A100.",
             "It runs on 8 A100 GPUs.", "It runs on NVIDIA Tesla A100 GPUs.", "It runs on an A100-80GB."],
)
def test_hardware_surface_forms_merge(parse, text: str) -> None:
    [mention] = parse(text)._.hardware
    assert (mention.entity.label, mention.entity.key, mention.entity.kind) == ("NVIDIA A100 GPU", "nvidia-a100-gpu", "GPU")


def test_hardware_distinct_products_stay_distinct(parse) -> None:
    found = _mentions(parse, "We compare an A100, an RTX A6000, an A6000 GPU, an H100, a V100 and an RTX 4090.")
    labels = [label for _, label, _ in found]
    assert labels == ["NVIDIA A100 GPU", "NVIDIA RTX A6000 GPU", "NVIDIA RTX A6000 GPU", "NVIDIA H100 GPU",
                      "NVIDIA V100 GPU", "NVIDIA RTX 4090 GPU"]


@pytest.mark.parametrize(
    "text",
    ["on a GTX 1080 Ti and a GTX 1080Ti", "on an NVIDIA GeForce GTX 1080 Ti GPU and a GTX 1080Ti"],
)
def test_hardware_editions_merge(parse, text: str) -> None:
    assert {label for _, label, _ in _mentions(parse, text)} == {"NVIDIA GTX 1080 Ti GPU"}


@pytest.mark.parametrize(
    "text",
    ["a ZCU104 board and a ZCU102 board", "a Cortex-M4 and a Cortex-M7", "K80 and K40 GPUs", "a GTX 1080 and a GTX 1080 Ti",
     "TPU v5e and TPU v5p chips", "an Ascend 910 and an Ascend 910B", "Jetson Orin Nano and Jetson AGX Orin"],
)
def test_hardware_sibling_products_stay_distinct(parse, text: str) -> None:
    labels = [label for _, label, _ in _mentions(parse, text)]
    assert len(labels) == 2 and labels[0] != labels[1], labels


@pytest.mark.parametrize(
    "text,label,kind",
    [
        ("on an NVIDIA 4090 GPU", "NVIDIA RTX 4090 GPU", "GPU"),
        ("on a GeForce RTX 3090", "NVIDIA RTX 3090 GPU", "GPU"),
        ("on a TITAN Xp GPU", "NVIDIA TITAN Xp GPU", "GPU"),
        ("on H800 GPUs", "NVIDIA H800 GPU", "GPU"),
        ("on AMD MI300X GPUs", "AMD Instinct MI300X GPU", "GPU"),
        ("on a Jetson Nano board", "NVIDIA Jetson Nano", "GPU+EdgeDevice"),
        ("on Jetson AGX Orin", "NVIDIA Jetson AGX Orin", "GPU+EdgeDevice"),
        ("on a Jetson Orin GPU", "NVIDIA Jetson Orin GPU", "GPU+EdgeDevice"),
        ("on an Intel Xeon 8358P CPU", "Intel Xeon 8358P CPU", "CPU"),
        ("on 4 Xeon Gold 6248 CPUs", "Intel Xeon Gold 6248 CPU", "CPU"),
        ("on an Intel Core i9-13900K CPU", "Intel Core i9-13900K CPU", "CPU"),
        ("on AMD EPYC 7763 processors", "AMD EPYC 7763 CPU", "CPU"),
        ("on an Apple M1 chip", "Apple M1", "CPU"),
        ("with a Snapdragon 835", "Qualcomm Snapdragon 835", "MobileDevice"),
        ("on a Snapdragon 8 Gen 2", "Qualcomm Snapdragon 8 Gen 2", "MobileDevice"),
        ("on TPU v4 pods", "Google TPU v4", "ASIC"),
        ("on an Arm Cortex-M4 MCU", "Arm Cortex-M4 microcontroller", "Microcontroller"),
        ("on Cortex-M class devices", "Arm Cortex-M microcontroller", "Microcontroller"),
        ("on Cortex-A76 cores", "Arm Cortex-A76", "CPU"),
        ("on STM32F746 boards", "STM32F746 microcontroller", "Microcontroller"),
        ("on 8 A100s", "NVIDIA A100 GPU", "GPU"),
        ("on Graphcore IPUs", "Graphcore IPU", "ASIC"),
        ("on AMD Radeon RX 7900 XTX", "AMD Radeon RX 7900 XTX GPU", "GPU"),
        ("on a Raspberry Pi 4", "Raspberry Pi 4", "EdgeDevice"),
        ("on a Xilinx ZCU102 FPGA", "Xilinx ZCU102 FPGA", "FPGA"),
        ("on a Versal VCK190 board", "AMD Xilinx Versal", "FPGA"),
        ("on an iPhone 12", "iPhone 12", "MobileDevice"),
        ("on an Ascend 910B NPU", "Huawei Ascend 910B NPU", "NPU"),
        ("on a GAP8 MCU", "GreenWaves GAP8", "Microcontroller"),
        ("on GPUs", "GPU", "GPU"),
        ("on multi-core CPUs", "CPU", "CPU"),
        ("on NPUs", "NPU", "NPU"),
        ("on microcontrollers", "microcontroller", "Microcontroller"),
        ("on edge devices", "edge device", "EdgeDevice"),
        ("on mobile devices", "mobile device", "MobileDevice"),
        ("on wearable devices", "wearable device", "EdgeDevice"),
        ("in hearing aids", "wearable device", "EdgeDevice"),
        ("on AR glasses", "wearable device", "EdgeDevice"),
        ("on wireless sensor nodes", "IoT device", "EdgeDevice"),
        ("on an analog AI accelerator", "in-memory computing", "InMemoryComputing"),
        ("with in-memory computing", "in-memory computing", "InMemoryComputing"),
        ("an SRAM-based CIM macro", "SRAM compute-in-memory macro", "InMemoryComputing"),
        ("on resistive memory", "resistive memory", "InMemoryComputing"),
        ("on FPGAs", "FPGA", "FPGA"),
    ],
)
def test_hardware_gazetteer_covers(parse, text: str, label: str, kind: str) -> None:
    found = _mentions(parse, text)
    assert found and found[0][1:] == (label, kind), found


@pytest.mark.parametrize(
    "text",
    ["It took 74 GPU hours to train.", "the M1 result is better", "a T4 baseline", "MCUNet and MCUNetV2 differ",
     "We evaluate on ImageNet and COCO.", "The design needs 40% fewer DSP slices.",
     "It reduces the DSP consumption by half."],
    ids=["gpu-hours-is-a-unit", "bare-M1", "bare-T4", "method-names", "datasets", "fpga-dsp-slices",
         "fpga-dsp-consumption"],
)
def test_hardware_not_a_platform(parse, text: str) -> None:
    assert parse(text)._.hardware == []


def test_hardware_a_dsp_as_a_platform_is_still_one(parse) -> None:
    """Only the nouns of an FPGA's resources after "DSP" make it one; a DSP run on stays."""
    found = [h.entity.label for h in parse("The model runs on a mobile DSP with low latency.")._.hardware]
    assert "DSP" in found


def test_hardware_a_product_in_a_unit_of_compute_is_kept_as_a_modifier(parse) -> None:
    """"32 A100 GPU hours": compute measured on that product ("74 GPU hours" names no platform)."""
    found = [(h.entity.label, h.modifier) for h in parse("It takes only 32 A100 GPU hours to train.")._.hardware]
    assert found == [("NVIDIA A100 GPU", True)]


def test_hardware_read_with_the_mention_before(parse) -> None:
    found = _mentions(parse, "We estimate numbers for an Arm mobile-Neural Processing Unit (NPU). It is faster on "
                             "Arm CPU and GPU.")
    assert [label for _, label, _ in found] == ["Arm mobile NPU", "Arm mobile NPU", "Arm CPU", "Arm GPU"]
    found = _mentions(parse, "TVM targets FPGA-based generic deep learning accelerators and ASIC accelerators.")
    assert [label for _, label, _ in found] == ["FPGA", "FPGA", "ASIC"]
    # No "Intel GPU" class: the vendor does not carry over.
    assert [label for _, label, _ in _mentions(parse, "It is faster on Intel CPUs and GPUs.")] == ["Intel CPU", "GPU"]


def test_hardware_an_acronym_of_a_hardware_phrase_names_that_hardware(parse) -> None:
    # Defined for the whole phrase, the acronym is the same hardware where it is defined and
    # where it is used again, singular or plural, and no method name.
    doc = parse("Single-board computers (SBCs) offer a platform. We benchmark 25 LLMs on three SBCs and one SBC.")
    assert [(m.text, m.entity.label) for m in doc._.hardware][1:] == [
        ("SBCs", "embedded device"), ("SBCs", "embedded device"), ("SBC", "embedded device")]
    assert doc._.proposed == []
    doc = parse("We present Modified U-Net on Intel Movidius Neural Compute Stick 2 (NCS-2). It runs on the NCS-2.")
    assert [m.text for m in doc._.hardware if m.entity.label == "Intel Neural Compute Stick 2"][-2:] == ["NCS-2", "NCS-2"]
    assert [p.name for p in doc._.proposed] == ["Modified U-Net"]
    # Introduced by the authors under a class phrase, it is their design; by others, it is the class.
    doc = parse("In this paper, we propose an in-memory computing accelerator (IMCA) for CNNs. IMCA is fast.")
    assert [p.name for p in doc._.proposed] == ["IMCA"]
    doc = parse("Prior accelerators use a systolic array (SA). The SA is slow, so we propose TinyX.")
    assert [m.text for m in doc._.hardware] == ["systolic array", "SA", "SA"]
    # Hardware only at the head of the expansion: the acronym names the design.
    doc = parse("We propose Dual-side Sparse Tensor Core (DSTC), which is 2x faster than a Tensor Core.")
    assert [m.text for m in doc._.hardware] == ["Tensor Core", "Tensor Core"]
    assert [p.name for p in doc._.proposed] == ["DSTC"]
    # A whole word only: the acronym's letters inside another word are not it.
    doc = parse("A systolic array (SA) is fast. The USA and SAS are not.")
    assert [m.text for m in doc._.hardware] == ["systolic array", "SA"]


def test_hardware_a_model_glued_to_its_family_word(parse) -> None:
    found = _mentions(parse, "It runs on an iPhone12, on RTX3090 GPUs, a GTX1080Ti and a Snapdragon888.")
    assert [(text, label) for text, label, _ in found] == [
        ("iPhone12", "iPhone 12"), ("RTX3090 GPUs", "NVIDIA RTX 3090 GPU"), ("GTX1080Ti", "NVIDIA GTX 1080 Ti GPU"),
        ("Snapdragon888", "Qualcomm Snapdragon 888")]
    # An edition after the glued model is part of it.
    found = _mentions(parse, "We use an RTX3090 Ti and a GTX1080 Ti.")
    assert [(text, label) for text, label, _ in found] == [("RTX3090 Ti", "NVIDIA RTX 3090 Ti GPU"),
                                                            ("GTX1080 Ti", "NVIDIA GTX 1080 Ti GPU")]
    # What follows the family word must be one of its models.
    assert _mentions(parse, "The RTX2 and iPhone1234 are not products; GTXs neither.") == []


def test_hardware_a_product_name_written_with_hyphens_or_spaces(parse) -> None:
    found = _mentions(parse, "It runs on a Stratix-V FPGA, a Virtex 7 board, a Jetson-Nano and a DGX-spark.")
    assert [(text, label) for text, label, _ in found] == [
        ("Stratix-V FPGA", "Intel Stratix V FPGA"), ("Virtex 7 board", "Xilinx Virtex-7 FPGA"),
        ("Jetson-Nano", "NVIDIA Jetson Nano"), ("DGX-spark", "NVIDIA DGX Spark")]


def test_hardware_two_vendor_words_before_a_product(parse) -> None:
    assert _mentions(parse, "It runs on an AMD Xilinx U55C card.") == [
        ("AMD Xilinx U55C card", "Xilinx Alveo U55C FPGA", "FPGA")]


def test_hardware_an_architecture_name_before_a_product_is_part_of_it(parse) -> None:
    # "Pascal" before "Titan X" names the card's generation, not a second device (nor a
    # name that could be beaten).
    assert _mentions(parse, "It is 3x faster than Pascal Titan X GPU implementations.") == [
        ("Pascal Titan X GPU", "NVIDIA TITAN X GPU", "GPU")]
    assert _mentions(parse, "We run it on Ampere A100 GPUs.") == [("Ampere A100 GPUs", "NVIDIA A100 GPU", "GPU")]


def test_hardware_a_cpu_model_number_after_a_space(parse) -> None:
    # "Core i7 5930k" is the same processor as "Core i7-5930K", not a bare "Core i7".
    found = _mentions(parse, "It is 43x faster than Core i7 5930k CPU and an Intel Core i7-5930K.")
    assert [label for _, label, _ in found] == ["Intel Core i7 5930k CPU", "Intel Core i7-5930K CPU"]


def test_hardware_an_ambiguous_model_number_among_its_named_siblings(parse) -> None:
    # "A40" alone needs a vendor or a noun, unless the abstract names a sibling outright;
    # a word-like name ("Ada") never counts that way.
    found = _mentions(parse, "The kernel gains 2.1x on A40, and 1.3x on an A100.")
    assert [label for _, label, _ in found] == ["NVIDIA A40 GPU", "NVIDIA A100 GPU"]
    assert [label for _, label, _ in _mentions(parse, "The kernel gains 2.1x on A40.")] == []
    assert [label for _, label, _ in _mentions(parse, "We write it in Ada and run it on an A100.")] == [
        "NVIDIA A100 GPU"]


def test_hardware_word_hyphenated_to_a_coined_prefix_ends_a_name(parse) -> None:
    doc = parse("In this paper, we propose CD-PIM to address these challenges. CD-PIM runs on PIM devices.")
    assert [m.text for m in doc._.hardware] == ["PIM devices"]
    assert [p.name for p in doc._.proposed] == ["CD-PIM"]
    # A prefix that is a word, a vendor or another device keeps the hardware.
    found = _mentions(parse, "Multi-GPU training on CPU-GPU systems, NVIDIA-GPU clusters and LLM-NPU chips.")
    assert [text for text, _, _ in found] == ["GPU", "CPU", "GPU", "GPU", "NPU chips"]


def test_hardware_list_items_share_the_head_noun(parse) -> None:
    found = _mentions(parse, "The app runs on Android, iOS, and Jetson devices.")
    assert [label for _, label, _ in found][:2] == ["Android device", "iOS device"]
    assert [label for _, label, _ in _mentions(parse, "We target mobile and edge devices.")] == ["mobile device",
                                                                                               "edge device"]
    # An item that with the head names no device class stays out: "cloud devices" is none.
    assert [label for _, label, _ in _mentions(parse, "It serves cloud and edge devices.")] == ["edge device"]


def test_hardware_later_general_mention_is_the_one_specific_device(parse) -> None:
    found = _mentions(parse, "It runs on the Qualcomm Hexagon DSP. On the DSP it is fast. An SRAM-based CIM macro "
                             "improves CIM accuracy.")
    assert [label for _, label, _ in found] == ["Qualcomm Hexagon DSP", "Qualcomm Hexagon DSP",
                                                "SRAM compute-in-memory macro", "SRAM compute-in-memory macro"]
    # Two specific GPUs before it: "GPUs" stays the general class.
    found = _mentions(parse, "It is 13x faster on a T4 GPU and 40x faster on an A100 GPU; GPUs are common.")
    assert [label for _, label, _ in found] == ["NVIDIA T4 GPU", "NVIDIA A100 GPU", "GPU"]
    # A bare "T4" needs context ("a T4 baseline" is not hardware); the series name is one.
    found = _mentions(parse, "We measure latency on a Tesla T4 and a Tesla P4.")
    assert [(text, label) for text, label, _ in found] == [("Tesla T4", "NVIDIA T4 GPU"), ("Tesla P4", "NVIDIA P4 GPU")]


def test_hardware_modifier_use_is_flagged(parse) -> None:
    [gpu] = parse("It reduces GPU memory by half.")._.hardware
    assert gpu.modifier
    [a100] = parse("It runs on an A100 GPU.")._.hardware
    assert not a100.modifier


def test_hardware_background_mention_is_no_target(parse) -> None:
    doc = parse("GPUs are costly. We propose TriForce, which reduces latency by 2x.")
    assert [c for c in doc._.rule_claims if c.relation == "targets"] == []


def test_hardware_gazetteer_is_broad() -> None:
    entries = load_vocab().hardware
    vendors = {v for e in entries for v in e.vendor}
    assert {"NVIDIA", "AMD", "Intel", "Apple", "Qualcomm", "Google", "Arm"} <= vendors
    kinds = {e.kind for e in entries}
    assert {"GPU", "CPU", "FPGA", "ASIC", "NPU", "Microcontroller", "EdgeDevice", "MobileDevice",
            "InMemoryComputing"} <= kinds
    assert len(entries) >= 120


@pytest.mark.parametrize(
    "text,label,kind",
    [
        ("attention on Hopper GPUs", "NVIDIA Hopper GPU", "GPU"),
        ("on the NVIDIA Ampere architecture", "NVIDIA Ampere GPU", "GPU"),
        ("on an RTX 4090 Laptop GPU", "NVIDIA RTX 4090 Laptop GPU", "GPU"),
        ("on the 16GB laptop 4090 GPU", "NVIDIA RTX 4090 Laptop GPU", "GPU"),
        ("over an NVIDIA RTX 2080-Ti", "NVIDIA RTX 2080 Ti GPU", "GPU"),
        ("inside a CMOS image sensor", "image sensor", "EdgeDevice"),
        ("the 16nm SNAP test chip", "ASIC", "ASIC"),
        ("on a Jetson NX", "NVIDIA Jetson Xavier NX", "GPU+EdgeDevice"),
        ("built with silicon photonics", "photonic hardware", "ASIC"),
        ("with micro-ring resonators", "photonic hardware", "ASIC"),
        ("on RISC-V platforms", "RISC-V processor", "CPU"),
        ("on an Nvidia Jetson Tegra X2 mobile GPU", "NVIDIA Jetson TX2", "GPU+EdgeDevice"),
        ("on a laptop RTX 3060", "NVIDIA RTX 3060 Laptop GPU", "GPU"),
        ("on a Quadro P6000", "NVIDIA Quadro P6000 GPU", "GPU"),
        ("on the Jetson Orin Nano Super", "NVIDIA Jetson Orin Nano Super", "GPU+EdgeDevice"),
        ("on an NVIDIA Grace CPU", "NVIDIA Grace CPU", "CPU"),
        ("on AMD Instinct MI355X GPUs", "AMD Instinct MI355X GPU", "GPU"),
        ("on a Radeon Pro W7900", "AMD Radeon Pro W7900 GPU", "GPU"),
        ("on a Ryzen Threadripper 3990X", "AMD Ryzen Threadripper 3990X CPU", "CPU"),
        ("on an AMD KV260", "AMD Kria KV260", "FPGA"),
        ("on an Ultra96-V2 board", "Avnet Ultra96 board", "FPGA"),
        ("on an Artix-7 FPGA", "Xilinx Artix-7 FPGA", "FPGA"),
        ("on Sapphire Rapids CPUs", "Intel Sapphire Rapids CPU", "CPU"),
        ("on an Intel Core Ultra 7 155H", "Intel Core Ultra 7 155H CPU", "CPU"),
        ("on AWS Graviton3 instances", "AWS Graviton3 CPU", "CPU"),
        ("on an Arm Mali-G76 GPU", "Arm Mali-G76 GPU", "GPU"),
        ("on Neoverse N1 cores", "Arm Neoverse N1 CPU", "CPU"),
        ("on a Snapdragon 8 Gen 3", "Qualcomm Snapdragon 8 Gen 3", "MobileDevice"),
        ("on a Dimensity 9300", "MediaTek Dimensity 9300", "MobileDevice"),
        ("on an Exynos 2200", "Samsung Exynos 2200", "MobileDevice"),
        ("on a Galaxy S23 Ultra", "Samsung Galaxy S23 Ultra", "MobileDevice"),
        ("on a Pixel 7 Pro", "Google Pixel 7 Pro", "MobileDevice"),
        ("on an iPhone 15 Pro", "iPhone 15 Pro", "MobileDevice"),
        ("on Google Tensor G3", "Google Tensor G3", "MobileDevice"),
        ("on Kirin 9000 chips", "Huawei Kirin 9000", "MobileDevice"),
        ("on TPU v6e chips", "Google TPU v6e", "ASIC"),
        ("on a STM32L476RG", "STM32L476 microcontroller", "Microcontroller"),
        ("on STM32U5 MCUs", "STM32U5 microcontroller", "Microcontroller"),
        ("on the GAP9 SoC", "GreenWaves GAP9", "Microcontroller"),
        ("on an ESP32-C3", "ESP32-C3 microcontroller", "Microcontroller"),
        ("on the MAX78000", "Analog Devices MAX78000", "Microcontroller"),
        ("on a Raspberry Pi Zero 2 W", "Raspberry Pi Zero 2 W", "EdgeDevice"),
        ("on UPMEM PIM systems", "UPMEM PIM", "InMemoryComputing"),
        ("on Android devices", "Android device", "MobileDevice"),
        ("on iOS devices", "iOS device", "MobileDevice"),
        ("on mobile SoCs", "mobile SoC", "MobileDevice"),
        ("full System-on-Chip designs", "SoC", "EdgeDevice"),
        ("on end-user devices", "end-user device", "EdgeDevice"),
        ("on memory-constrained devices", "resource-constrained device", "EdgeDevice"),
        ("on AIoT devices", "IoT device", "EdgeDevice"),
        ("on PCs", "PC", "CPU"),
        ("on a laptop", "laptop", "CPU"),
        ("on integrated GPUs", "integrated GPU", "GPU"),
        ("on RISC-V processors", "RISC-V processor", "CPU"),
        ("on Apple silicon", "Apple silicon", "CPU"),
        ("on systolic arrays", "systolic array", "ASIC"),
        ("on neuromorphic systems", "neuromorphic hardware", "ASIC"),
        ("on photonic accelerators", "photonic hardware", "ASIC"),
        ("on RRAM crossbar arrays", "resistive memory", "InMemoryComputing"),
    ],
)
def test_hardware_gazetteer_covers_more(parse, text: str, label: str, kind: str) -> None:
    found = _mentions(parse, text)
    assert found and found[0][1:] == (label, kind), found


@pytest.mark.parametrize(
    "text",
    ["It passes the Turing test.", "The pixel values are normalised.", "A galaxy of methods exists.",
     "PC-DARTS searches cells.", "Each tensor is split."],
    ids=["turing-test", "pixel", "galaxy", "method-name", "tensor"],
)
def test_hardware_new_rows_not_a_platform(parse, text: str) -> None:
    assert parse(text)._.hardware == [], [m.text for m in parse(text)._.hardware]


def test_hardware_new_siblings_stay_distinct(parse) -> None:
    for text in ["RTX 4090 Laptop GPU and an RTX 4090 GPU", "Graviton2 and Graviton3 instances", "a MAX78000 and a MAX78002",
                 "Jetson Orin Nano and Jetson Orin Nano Super", "Hopper GPUs and Ampere GPUs"]:
        labels = [label for _, label, _ in _mentions(parse, text)]
        assert len(labels) == 2 and labels[0] != labels[1], (text, labels)
