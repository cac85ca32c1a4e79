"""pipeline.nlp.entities (and the word normalisation it uses): surface forms -> one entity
with a stable slug; distinct things stay distinct."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.nlp.entities import to_hardware_entity, to_method_entity, to_metric_entity
from pipeline.normalize import canonical_method_label, match_key
from pipeline.records import CANONICAL_METRICS
from pipeline.terms import method_key, slugify
from pipeline.vocab import HardwareEntry, load_vocab


@pytest.mark.parametrize(
    "forms",
    [("SARATHI", "Sarathi", "sarathi"), ("Sarathi-Serve", "Sarathi Serve", "SARATHI-SERVE"),
     ("λ-ECLIPSE", "lambda-ECLIPSE"), ("SqueezeNet", "SqueezeNet architecture", "SqueezeNet model"),
     ("LLM-FP4", "LLM FP4"), ("ML.ENERGY Benchmark", "The ML.ENERGY Benchmark", "the ML.ENERGY benchmark")],
)
def test_entities_method_forms_merge(forms: tuple[str, ...]) -> None:
    assert len({to_method_entity(f).key for f in forms}) == 1
    assert not canonical_method_label(forms[-1]).lower().startswith("the ")
    assert len({match_key(canonical_method_label(f)) for f in forms}) == 1


@pytest.mark.parametrize("plural,singular", [("HaloNets", "HaloNet"), ("PCBMs", "PCBM"), ("MobileDets", "MobileDet")])
def test_entities_coined_plural_is_the_same_method(plural: str, singular: str) -> None:
    assert to_method_entity(plural).key == to_method_entity(singular).key
    assert to_method_entity(plural).label == plural  # the paper's spelling stays the label


@pytest.mark.parametrize(
    "a,b", [("MCUNet", "MCUNetV2"), ("vLLM", "PagedAttention"), ("GhostNet", "GhostNetV2"), ("VTrans", "Fast-VTrans"),
            ("FlashAttention", "FlashAttention-2"), ("ConvNeXt", "InceptionNeXt"), ("ACS", "AC"), ("Petals", "Petal")],
)
def test_entities_distinct_methods_stay_distinct(a: str, b: str) -> None:
    assert to_method_entity(a).key != to_method_entity(b).key
    assert match_key(a) != match_key(b)


def test_entities_method_label_keeps_the_papers_spelling() -> None:
    entity = to_method_entity("  SARATHI ")
    assert (entity.type, entity.label, entity.key) == ("Method", "SARATHI", "sarathi")
    assert to_method_entity("λ-ECLIPSE").key == "lambda-eclipse"
    assert to_method_entity("HyperZ·Z·W").label == "HyperZ·Z·W"


def test_entities_hardware_family_label_and_distinct_models() -> None:
    family = HardwareEntry(type="family", label="NVIDIA RTX {model} GPU", kind="GPU")
    a6000 = to_hardware_entity(family, "A6000")
    r4090 = to_hardware_entity(family, " 4090 ")
    assert (a6000.label, a6000.key, a6000.kind) == ("NVIDIA RTX A6000 GPU", "nvidia-rtx-a6000-gpu", "GPU")
    assert r4090.key == "nvidia-rtx-4090-gpu"


def test_entities_hardware_labels_are_unique_in_the_gazetteer() -> None:
    labels = [e.label for e in load_vocab().hardware]
    keys = [slugify(label) for label in labels]
    assert len(set(keys)) == len(keys), [k for k in keys if keys.count(k) > 1]


def test_entities_metrics_are_the_eight_canonical_ones() -> None:
    assert [to_metric_entity(m).key for m in CANONICAL_METRICS] == [
        "speed", "throughput", "memory", "energy", "accuracy", "model-size", "computation", "cost"]
    with pytest.raises(ValueError, match="not a canonical metric"):
        to_metric_entity("Latency")


@given(st.text(max_size=40))
def test_entities_method_key_is_an_iri_safe_slug(text: str) -> None:
    key = method_key(text)
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", key)
    assert method_key(text) == key
