"""skos:altLabel holds only surface forms that name the entity (issue 11.6)."""

from __future__ import annotations

import pytest

from pipeline.vocab import names_entity
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


@pytest.mark.parametrize(("metric", "text"), [("Speed", "faster"), ("Speed", "accelerates"), ("Cost", "cheaper"),
                                              ("Energy", "energy-efficient"), ("Accuracy", "more accurate")])
def test_surface_forms_cue_phrases_find_a_metric_but_do_not_name_it(metric, text) -> None:
    # metrics.jsonl lists them among the phrases (they find the metric) and as cues.
    assert not names_entity(_metric(metric), text)


@pytest.mark.parametrize(("label", "kind", "text"), [
    ("Arm GPU", "GPU", "GPU"),
    ("Qualcomm Hexagon DSP", "NPU", "DSP"),
    ("NVIDIA Jetson Nano", "EdgeDevice", "Jetson"),
    ("Arm Cortex-A78", "CPU", "ARM"),
    ("Arm CPU", "CPU", "ARM"),  # a class, and "Arm" one of its finder forms: still no name of it
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


@pytest.mark.slow
def test_surface_forms_the_graph_takes_no_alias_from_a_claims_cue_text() -> None:
    # The claims' own texts are "faster" (Speed) and "GPU" (Arm GPU, from "Arm CPU and
    # GPU"): the cue stays on the claim (ekg:evidence), the entity gets no such altLabel.
    from rdflib import URIRef
    from rdflib.namespace import SKOS

    from pipeline.graph import iri_for, to_rdf
    from pipeline.nlp import extract
    from pipeline.records import Paper

    text = "We propose ZorbNet, a compact network. ZorbNet runs faster on Arm CPU and GPU."
    [ex] = list(extract([Paper(id="x", abstract=text, title="")]))
    texts = {(c.object.label, c.object_text) for c in ex.claims}
    assert ("Arm GPU", "GPU") in texts and ("Speed", "faster") in texts
    graph = to_rdf([ex])
    alt = {e: {str(o) for o in graph.objects(URIRef(iri_for(e)), SKOS.altLabel)}
           for e in {c.object for c in ex.claims}}
    assert all("GPU" not in v for e, v in alt.items() if e.label == "Arm GPU")
    assert all("faster" not in v for e, v in alt.items() if e.label == "Speed")
