"""skos:altLabel holds only surface forms that name the entity (issue 11.6)."""

from __future__ import annotations

import pytest

from pipeline.nlp.extract import names_entity
from pipeline.records import Entity


def _metric(label: str) -> Entity:
    return Entity("Metric", label, label.lower())


def _hardware(label: str, kind: str) -> Entity:
    return Entity("Hardware", label, "k", kind)


@pytest.mark.parametrize("text", ["outperforms", "superiority", "performance gains", "better"])
def test_surface_forms_trigger_words_are_no_metric_names(text) -> None:
    assert not names_entity(_metric("Accuracy"), text)


def test_surface_forms_metric_phrases_name_their_metric() -> None:
    assert names_entity(_metric("Speed"), "latency") and names_entity(_metric("Accuracy"), "accuracy")
    assert not names_entity(_metric("Memory"), "latency")


@pytest.mark.parametrize(("label", "kind", "text"), [
    ("Arm GPU", "GPU", "GPU"),
    ("Qualcomm Hexagon DSP", "NPU", "DSP"),
    ("NVIDIA Jetson Nano", "EdgeDevice", "Jetson"),
    ("Arm Cortex-A78", "CPU", "ARM"),
])
def test_surface_forms_a_generic_word_is_no_alias_of_a_product(label, kind, text) -> None:
    assert not names_entity(_hardware(label, kind), text)


def test_surface_forms_real_names_stay() -> None:
    assert names_entity(_hardware("NVIDIA A100 GPU", "GPU"), "A100")
    assert names_entity(_hardware("NVIDIA Jetson Nano", "EdgeDevice"), "Jetson Nano")
    assert names_entity(_hardware("Qualcomm Hexagon DSP", "NPU"), "Hexagon")
    assert names_entity(_hardware("GPU", "GPU"), "GPUs")
    assert names_entity(Entity("Method", "TriForce", "triforce"), "Tri-Force")


@pytest.mark.slow
def test_surface_forms_edge_server_is_not_an_edge_device(nlp) -> None:
    doc = nlp("We propose SplitNet. SplitNet offloads layers to an edge server.")
    assert "edge device" not in {h.entity.label for h in doc._.hardware}
