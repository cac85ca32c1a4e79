"""Fixtures of the export tests: a small graph made by the real assembler from hand-built
records (fast, no model). The FalkorDB server is in tests/conftest.py (the build tests load
Cypher too)."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from pipeline.graph import to_rdf
from pipeline.records import Claim, Entity, Extraction, Figure, Paper

TRIFORCE = Entity("Method", "TriForce", "triforce")
DEEPSPEED = Entity("Method", "DeepSpeed-Zero-Inference", "deepspeed-zero-inference")
MARCA = Entity("Method", "MARCA", "marca")
VATTN = Entity("Method", "vAttention", "vattention")
VLLM = Entity("Method", "vLLM", "vllm")
A100 = Entity("Hardware", "NVIDIA A100 GPU", "nvidia-a100-gpu", "GPU")
RTX = Entity("Hardware", "NVIDIA RTX 4090 GPU", "nvidia-rtx-4090-gpu", "GPU")
XEON = Entity("Hardware", "Intel Xeon 8358P CPU", "intel-xeon-8358p-cpu", "CPU")
SPEED = Entity("Metric", "Speed", "speed")
ACCURACY = Entity("Metric", "Accuracy", "accuracy")
THROUGHPUT = Entity("Metric", "Throughput", "throughput")

S1 = "TriForce achieves up to 2.31× on an A100 GPU."
S2 = 'TriForce performs 4.86× than DeepSpeed-Zero-Inference on a "single" RTX 4090 GPU.'
ABSTRACT_1 = "We introduce TriForce;\nit is fast. " + S1 + " " + S2
S3 = "MARCA achieves 463.22× speedup compared to Intel Xeon 8358P CPU, with 2% higher accuracy."
ABSTRACT_2 = "We propose MARCA. " + S3
S4 = "vAttention generates tokens up to 1.97× faster than vLLM."
ABSTRACT_3 = "We present vAttention \\ a memory manager. " + S4


def _span(abstract: str, sentence: str) -> tuple[int, int]:
    start = abstract.index(sentence)
    return start, start + len(sentence)


def sample_extractions() -> list[Extraction]:
    """Three papers covering every relation, figures, context, aliases and awkward text."""
    p1 = Paper(
        id="2404.11912", abstract=ABSTRACT_1, title="TriForce: Lossless Acceleration",
        arxiv_id="2404.11912", doi="10.1234/x", venue="COLM 2024", date="2024-04-18",
        n_authors=6, code_url="https://github.com/Infini-AI-Lab/TriForce", source="corpus/000.txt",
    )
    s1, s2 = _span(ABSTRACT_1, S1), _span(ABSTRACT_1, S2)
    fig = Figure("up to 2.31×", 2.31, "x", "increase", "up to")
    e1 = Extraction(p1, (TRIFORCE,), (
        Claim(p1.id, TRIFORCE, "outperforms", DEEPSPEED, "TriForce", "DeepSpeed-Zero-Inference",
              S2, *s2, 0.8, Figure("4.86×", 4.86, "x"), hardware=RTX),
        Claim(p1.id, TRIFORCE, "targets", A100, "TriForce", "A100 GPU", S1, *s1, 0.9, fig),
        Claim(p1.id, TRIFORCE, "improves", SPEED, "TriForce", "speedups", S1, *s1, 0.75, fig, hardware=A100),
        Claim(p1.id, TRIFORCE, "targets", RTX, "TriForce", "RTX 4090 GPU", S2, *s2, 0.6),
    ), (("nvidia-a100-gpu", "A100"), ("triforce", "Tri-Force; v2|beta")))
    p2 = Paper(id="h-1ba9a9a645", abstract=ABSTRACT_2, date="2024-09", source="corpus/003.txt", position=3)
    s3 = _span(ABSTRACT_2, S3)
    e2 = Extraction(p2, (MARCA,), (
        Claim(p2.id, MARCA, "outperforms", XEON, "MARCA", "Intel Xeon 8358P CPU", S3, *s3, 0.95,
              Figure("463.22×", 463.22, "x", "increase")),
        Claim(p2.id, MARCA, "improves", SPEED, "MARCA", "speedup", S3, *s3, 0.95,
              Figure("463.22×", 463.22, "x", "increase"), baseline=XEON),
        Claim(p2.id, MARCA, "improves", ACCURACY, "MARCA", "accuracy", S3, *s3, 0.7,
              Figure("2%", 2.0, "%", "increase")),
        Claim(p2.id, MARCA, "targets", A100, "MARCA", "A100", S3, *s3, 0.5),
    ))
    p3 = Paper(id="2405.04437", abstract=ABSTRACT_3, arxiv_id="2405.04437", n_authors=0,
               source="extra.jsonl", position=7)
    s4 = _span(ABSTRACT_3, S4)
    e3 = Extraction(p3, (VATTN,), (
        Claim(p3.id, VATTN, "outperforms", VLLM, "vAttention", "vLLM", S4, *s4, 0.9,
              Figure("up to 1.97×", 1.97, "x", "increase", "up to")),
        Claim(p3.id, VATTN, "improves", THROUGHPUT, "vAttention", "tokens", S4, *s4, 0.9,
              Figure("up to 1.97×", 1.97, "x", "increase", "up to"), baseline=VLLM),
        Claim(p3.id, TRIFORCE, "targets", A100, "TriForce", "A100", S4, *s4, 0.4),
    ))
    return [e1, e2, e3]


@pytest.fixture(scope="session")
def sample_graph() -> rdflib.Graph:
    return to_rdf(sample_extractions())


@pytest.fixture(scope="session")
def sample_export_dir(sample_graph: rdflib.Graph, tmp_path_factory) -> Path:
    from pipeline.export import save_exports

    out = tmp_path_factory.mktemp("sample-export")
    save_exports(sample_graph, out, ["nt", "jsonld", "owl", "graphml", "neo4j"])
    return out
