"""pipeline.resolve: a paper's names settled (a coined name's typo merged with it), then one
label, kind and alias set an entity across the corpus; to_rdf writes what it settles."""

from __future__ import annotations

import pytest
from rdflib import RDFS, SKOS, Literal

from pipeline.graph import to_rdf
from pipeline.nlp.entities import to_hardware_entity, to_method_entity, to_metric_entity
from pipeline.records import Claim, Entity, Extraction, Paper
from pipeline.resolve import is_typo_of, merge_typos, resolve, resolve_corpus
from pipeline.terms import RES
from pipeline.vocab import HardwareEntry

ABSTRACT = ("With this new Inception depthwise convolution, we build a series of networks, namely "
            "IncepitonNeXt, which enjoy high throughputs. InceptionNeXt-T achieves 1.6x higher training "
            "throughputs than ConvNeXt-T. We anticipate InceptionNeXt can serve as an economical baseline.")
SPEED, THROUGHPUT = to_metric_entity("Speed"), to_metric_entity("Throughput")


def claim(paper: Paper, subject: Entity, text: str, obj: Entity = THROUGHPUT, start: int = 0) -> Claim:
    return Claim(paper.id, subject, "improves", obj, text, "throughputs", paper.abstract, start, start + 10)


@pytest.mark.parametrize("a, b", [
    ("IncepitonNeXt", "InceptionNeXt"),  # two neighbours swapped
    ("FlashAtention", "FlashAttention"),  # a letter dropped
    ("SmoothQuant", "SmoothQaunt"),
    ("FlashAttention", "FlashAtension"),  # two edits
])
def test_resolve_typo_of_a_coined_name(a: str, b: str) -> None:
    assert is_typo_of(a, b) and is_typo_of(b, a)


@pytest.mark.parametrize("a, b", [
    ("MCUNet", "MCUNetV2"),  # a version, not a typo
    ("ResNet18", "ResNet50"),  # digits differ
    ("DeepSpeed", "DeepSpeech"),  # the ending differs
    ("MobileNet", "MobileViT"),  # capitals differ
    ("InceptionNeXt", "InceptionNext"),  # case only: the same key already
    ("SqueezeNet", "squeezenet"),
    ("Sarathi", "Saraths"),  # not a coined name (no capital inside)
    ("LoRAs", "LoRA"),  # shorter than six
    ("ConvNeXt", "ConvNeX-T"),  # a hyphen: not one coined word
    ("InceptionNeXt", "InceptionNeXt"),
])
def test_resolve_distinct_coined_names_are_not_typos(a: str, b: str) -> None:
    assert not is_typo_of(a, b)


def test_resolve_typo_merges_into_the_more_frequent_spelling() -> None:
    paper = Paper(id="p", abstract=ABSTRACT, title="InceptionNeXt: When Inception Meets ConvNeXt")
    typo, name = to_method_entity("IncepitonNeXt"), to_method_entity("InceptionNeXt")
    extraction = Extraction(
        paper, (typo,), (claim(paper, typo, "IncepitonNeXt"), claim(paper, name, "InceptionNeXt-T", start=20)),
        (("incepitonnext", "IncepitonNeXt"), ("inceptionnext", "InceptionNeXt-T")),
    )
    merged = merge_typos(extraction)
    assert merged.methods == (name,)
    assert [c.subject for c in merged.claims] == [name, name]
    assert merged.claims[0].subject_text == "IncepitonNeXt"  # as written
    assert set(merged.surface_forms) == {("inceptionnext", "IncepitonNeXt"), ("inceptionnext", "InceptionNeXt-T")}
    assert merge_typos(merged) == merged

    graph = to_rdf([extraction])
    method = RES["method/inceptionnext"]
    assert set(graph.objects(method, RDFS.label)) == {Literal("InceptionNeXt")}
    assert Literal("IncepitonNeXt") in set(graph.objects(method, SKOS.altLabel))
    assert (RES["method/incepitonnext"], None, None) not in graph


def test_resolve_eval_scores_what_the_build_writes() -> None:
    """The typo's claim scores as the method's (one triple, no spurious IncepitonNeXt)."""
    from pipeline.evaluate import score

    paper = Paper(id="p", abstract=ABSTRACT, title="InceptionNeXt: When Inception Meets ConvNeXt")
    typo, name = to_method_entity("IncepitonNeXt"), to_method_entity("InceptionNeXt")
    extraction = Extraction(paper, (typo,), (claim(paper, typo, "IncepitonNeXt"),
                                             claim(paper, name, "InceptionNeXt-T", start=20)))
    gold = [{"key": "we build a series of networks", "methods": ["InceptionNeXt"],
             "triples": [{"s": "InceptionNeXt", "p": "improves", "o": "Throughput"}]}]
    result = score(gold, [extraction])
    assert (result.micro.tp, result.micro.fp, result.micro.fn) == (1, 0, 0)


def test_resolve_typo_tie_merges_nothing() -> None:
    paper = Paper(id="p", abstract="We propose FlashAtention. We compare it with FlashAttention.")
    a, b = to_method_entity("FlashAtention"), to_method_entity("FlashAttention")
    extraction = Extraction(paper, (a,), (claim(paper, a, "FlashAtention", SPEED), claim(paper, b, "FlashAttention")))
    assert merge_typos(extraction) is extraction


def test_resolve_typos_in_different_papers_stay_apart() -> None:
    papers = [Paper(id="p1", abstract="IncepitonNeXt is fast."), Paper(id="p2", abstract="InceptionNeXt is fast.")]
    forms = ("IncepitonNeXt", "InceptionNeXt")
    resolution = resolve(Extraction(p, (to_method_entity(f),)) for p, f in zip(papers, forms))
    assert set(resolution.entities) == {("Method", "incepitonnext"), ("Method", "inceptionnext")}


def test_resolve_corpus_label_is_the_most_frequent_then_alphabetical() -> None:
    a100 = HardwareEntry(type="product", label="NVIDIA A100 GPU", kind="GPU")
    papers = [Paper(id=f"p{i}", abstract="HaloNets are fast.") for i in range(3)]
    spellings = ["HaloNets", "HaloNet", "HaloNet"]
    extractions = [Extraction(p, (to_method_entity(s),), (claim(p, to_method_entity(s), s, to_hardware_entity(a100)),))
                   for p, s in zip(papers, spellings)]
    resolution = resolve_corpus(reversed(extractions))
    assert [e.paper.id for e in resolution.extractions] == ["p0", "p1", "p2"]
    halonet = resolution.canonical(to_method_entity("HaloNet"))
    assert (halonet.label, halonet.aliases) == ("HaloNet", ("HaloNets",))
    assert resolution.canonical(to_hardware_entity(a100)).kind == "GPU"
    tie = resolve_corpus(extractions[:2]).canonical(to_method_entity("HaloNet"))
    assert (tie.label, tie.aliases) == ("HaloNet", ("HaloNets",))  # 1:1, the alphabetically first


def test_resolve_corpus_keeps_one_extraction_a_paper_id() -> None:
    first, second = Paper(id="p", abstract="A.", source="a.txt"), Paper(id="p", abstract="B.", source="b.txt")
    resolution = resolve_corpus([Extraction(second), Extraction(first)])
    assert [e.paper for e in resolution.extractions] == [first]
