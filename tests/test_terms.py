"""pipeline.terms: the one home of namespaces, prefixes and IRI slugs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Graph, URIRef

from pipeline.terms import EKG, PREFIXES, RES, SLUG_MAX, slugify, to_curie

REPO = Path(__file__).resolve().parent.parent
PIPELINE = REPO / "pipeline"
NAMESPACE_ROOT = "https://w3id.org/effikg/"


def _ontology_terms() -> set[str]:
    """Every ekg: IRI ontology/effikg.ttl mentions, as subject, predicate or object."""
    onto = Graph().parse(REPO / "ontology" / "effikg.ttl", format="turtle")
    ns = str(EKG)
    return {str(t) for triple in onto for t in triple if isinstance(t, URIRef) and str(t).startswith(ns)}


def test_terms_ekg_lists_every_term_of_the_ontology_and_no_other() -> None:
    declared = {str(t) for t in dir(EKG)}
    in_file = _ontology_terms()
    assert in_file - declared == set(), "terms of effikg.ttl missing from pipeline.terms.EKG"
    assert declared - in_file == set(), "pipeline.terms.EKG names terms effikg.ttl does not define"


def test_terms_ekg_is_closed() -> None:
    assert EKG.supports == URIRef(str(EKG) + "supports")
    with pytest.raises(AttributeError, match="suports"):
        EKG.suports  # noqa: B018 - the typo must raise
    with pytest.raises(AttributeError):
        EKG["Latency"]


def test_terms_prefixes_cover_every_namespace_the_ontology_declares() -> None:
    text = (REPO / "ontology" / "effikg.ttl").read_text(encoding="utf-8")
    declared = dict(re.findall(r"^@prefix (\w+): <([^>]+)> \.$", text, re.MULTILINE))
    assert declared and all(PREFIXES.get(prefix) == ns for prefix, ns in declared.items())
    assert PREFIXES["ekg"] == str(EKG) and PREFIXES["res"] == str(RES)
    assert len(set(PREFIXES.values())) == len(PREFIXES)


def _namespace_literals(root: Path) -> list[str]:
    """file:line of every effikg namespace IRI written out under root, outside terms.py
    and the RDF and SPARQL data files (.ttl, .rq)."""
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        if path.name == "terms.py" or path.suffix in (".ttl", ".rq"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path.relative_to(root)}:{n}" for n, line in enumerate(text.splitlines(), 1) if NAMESPACE_ROOT in line]
    return found


def test_terms_namespace_literal_lives_in_terms_only() -> None:
    """Every other module names effikg's namespaces through pipeline.terms, never by IRI."""
    assert _namespace_literals(PIPELINE) == []


def test_terms_namespace_check_finds_a_second_literal(tmp_path: Path) -> None:
    (tmp_path / "terms.py").write_text(f'EKG = "{NAMESPACE_ROOT}ontology#"\n', encoding="utf-8")
    (tmp_path / "queries.rq").write_text(f"PREFIX ekg: <{NAMESPACE_ROOT}ontology#>\n", encoding="utf-8")
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "html.py").write_text(f'\n\nRES = "{NAMESPACE_ROOT}resource/"\n', encoding="utf-8")
    assert _namespace_literals(tmp_path) == ["export/html.py:3"]


@pytest.mark.parametrize(
    "name,slug",
    [
        ("NVIDIA A100 GPU", "nvidia-a100-gpu"),
        ("LLM-FP4", "llm-fp4"),
        ("  Model size ", "model-size"),
        ("SmoothQuant+", "smoothquant-plus"),
        ("Señorita-café", "senorita-cafe"),
        ("λ-ECLIPSE", "lambda-eclipse"),
        ("lambda-ECLIPSE", "lambda-eclipse"),
        ("αβ-Net", "alpha-beta-net"),
        ("Θ-Attention", "theta-attention"),
        ("µ-Serve", "mu-serve"),  # the micro sign is the Greek letter mu
        ("R&D Engine", "r-and-d-engine"),
        ("HyperZ·Z·W", "hyperzzw"),  # a dot inside a word joins it
    ],
)
def test_terms_slugify_is_readable(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_terms_slugify_keeps_distinct_names_apart() -> None:
    assert slugify("SmoothQuant+") != slugify("SmoothQuant")
    assert slugify("A&B") != slugify("A B")
    assert slugify("量子") != slugify("光子")


def test_terms_slugify_hashes_a_name_without_ascii_and_caps_long_ones() -> None:
    assert slugify("量子") == slugify("量子") and re.fullmatch(r"h-[0-9a-f]{10}", slugify("量子"))
    assert slugify("") == slugify("  ") and slugify("").startswith("h-")
    long = slugify("word " * 100)
    assert len(long) <= SLUG_MAX and long.endswith("word") and "--" not in long


@given(st.text(max_size=120))
def test_terms_slug_is_iri_safe_and_stable(text: str) -> None:
    slug = slugify(text)
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug)
    assert len(slug) <= SLUG_MAX
    assert slugify(slug) == slug


def test_terms_to_curie_takes_the_longest_namespace() -> None:
    assert to_curie(str(EKG.Method)) == "ekg:Method"
    assert to_curie(str(RES) + "method/triforce") == "res:method/triforce"
    assert to_curie("http://example.org/x") is None
    assert to_curie(str(EKG)) is None  # a namespace alone has no local name
