"""ontology/effikg.ttl: the contract's terms, labels and comments, metadata, reuse."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from pipeline.graph import hardware_kinds, metric_local_name, read_ontology
from pipeline.records import CANONICAL_METRICS
from pipeline.terms import EKG

ONTOLOGY = URIRef("https://w3id.org/effikg/ontology")

CONTRACT_CLASSES = (
    "Paper", "Method", "Hardware", "GPU", "CPU", "FPGA", "ASIC", "NPU", "Microcontroller",
    "EdgeDevice", "MobileDevice", "InMemoryComputing", "Metric", "Baseline", "Claim", "Assertion",
)
CONTRACT_OBJECT_PROPERTIES = (
    "targets", "improves", "outperforms", "proposes", "method", "metric", "hardware", "baseline",
    "supports", "assertionSubject", "assertionObject",
)
CONTRACT_DATA_PROPERTIES = (
    "relation", "supportCount", "value", "unit", "figureText", "direction", "evidence",
    "evidenceStart", "evidenceEnd", "confidence", "arxivId", "venue", "codeRepository",
    "authorCount", "sourceFile", "sourcePosition",
)
# Terms from other vocabularies the built graph uses, and the OWL type each needs.
REUSED = {
    "http://purl.org/dc/terms/title": OWL.AnnotationProperty,
    "http://purl.org/dc/terms/abstract": OWL.AnnotationProperty,
    "http://purl.org/dc/terms/identifier": OWL.AnnotationProperty,
    "http://purl.org/dc/terms/date": OWL.AnnotationProperty,
    "http://purl.org/ontology/bibo/doi": OWL.AnnotationProperty,
    "http://www.w3.org/2004/02/skos/core#altLabel": OWL.AnnotationProperty,
    "http://www.w3.org/2004/02/skos/core#prefLabel": OWL.AnnotationProperty,
    "http://www.w3.org/2004/02/skos/core#inScheme": OWL.ObjectProperty,
    "http://www.w3.org/2004/02/skos/core#Concept": OWL.Class,
    "http://www.w3.org/ns/prov#wasDerivedFrom": OWL.ObjectProperty,
    "http://www.w3.org/ns/prov#Entity": OWL.Class,
}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return read_ontology()


def _english(graph: Graph, term: URIRef, prop: URIRef) -> list[Literal]:
    return [o for o in graph.objects(term, prop) if isinstance(o, Literal) and o.language == "en"]


@pytest.mark.parametrize("name", CONTRACT_CLASSES)
def test_ontology_contract_class_exists(onto: Graph, name: str) -> None:
    assert (EKG[name], RDF.type, OWL.Class) in onto


@pytest.mark.parametrize("name", CONTRACT_OBJECT_PROPERTIES)
def test_ontology_contract_object_property_exists(onto: Graph, name: str) -> None:
    assert (EKG[name], RDF.type, OWL.ObjectProperty) in onto


@pytest.mark.parametrize("name", CONTRACT_DATA_PROPERTIES)
def test_ontology_contract_data_property_exists(onto: Graph, name: str) -> None:
    assert (EKG[name], RDF.type, OWL.DatatypeProperty) in onto


def test_ontology_every_term_has_one_english_label_and_a_comment(onto: Graph) -> None:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    terms = {s for k in kinds for s in onto.subjects(RDF.type, k) if isinstance(s, URIRef)}
    terms |= {s for s in onto.subjects(RDF.type, OWL.NamedIndividual) if isinstance(s, URIRef)}
    assert len(terms) > 50
    # The metric concepts' rdfs:label is plain (as in the data); their skos:prefLabel is @en.
    def label(t: URIRef) -> URIRef:
        return SKOS.prefLabel if (t, RDF.type, EKG.Metric) in onto else RDFS.label

    missing = sorted(str(t) for t in terms
                     if len(_english(onto, t, label(t))) != 1 or not _english(onto, t, RDFS.comment))
    assert not missing, f"terms without one rdfs:label@en and an rdfs:comment@en: {missing}"


def test_ontology_own_terms_have_a_seed_example(onto: Graph) -> None:
    own = {s for s in onto.subjects(RDFS.label, None) if isinstance(s, URIRef) and str(s).startswith(str(EKG))}
    missing = sorted(str(t) for t in own if t != EKG.Metrics and not _english(onto, t, SKOS.example))
    assert not missing, f"ekg: terms without a skos:example: {missing}"


def test_ontology_header_has_version_licence_and_creator(onto: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTOLOGY, OWL.versionInfo) == Literal("0.1.0")
    assert onto.value(ONTOLOGY, OWL.versionIRI) == URIRef("https://w3id.org/effikg/ontology/0.1.0")
    assert onto.value(ONTOLOGY, DCTERMS.license) == URIRef("https://spdx.org/licenses/CC-BY-4.0")
    assert onto.value(ONTOLOGY, DCTERMS.creator) is not None
    assert _english(onto, ONTOLOGY, DCTERMS.title) and _english(onto, ONTOLOGY, RDFS.comment)


@pytest.mark.parametrize("iri,owl_type", sorted(REUSED.items()))
def test_ontology_reused_terms_are_declared(onto: Graph, iri: str, owl_type: URIRef) -> None:
    assert (URIRef(iri), RDF.type, owl_type) in onto


def test_ontology_metrics_are_a_skos_scheme_of_eight(onto: Graph) -> None:
    scheme = EKG.Metrics
    assert (scheme, RDF.type, SKOS.ConceptScheme) in onto
    tops = set(onto.objects(scheme, SKOS.hasTopConcept))
    assert tops == {EKG[metric_local_name(m)] for m in CANONICAL_METRICS}
    for metric in CANONICAL_METRICS:
        iri = EKG[metric_local_name(metric)]
        assert (iri, RDF.type, EKG.Metric) in onto
        assert (iri, SKOS.inScheme, scheme) in onto
        assert onto.value(iri, SKOS.prefLabel) == Literal(metric, lang="en")
        # A plain literal, like every label of the built graph: ?x rdfs:label "Speed" finds it.
        assert onto.value(iri, RDFS.label) == Literal(metric)
        assert _english(onto, iri, SKOS.definition)
    assert (EKG.Metric, RDFS.subClassOf, SKOS.Concept) in onto


def test_ontology_provenance_reuses_prov_o(onto: Graph) -> None:
    prov_entity = URIRef("http://www.w3.org/ns/prov#Entity")
    assert (EKG.Claim, RDFS.subClassOf, prov_entity) in onto
    assert (EKG.Paper, RDFS.subClassOf, prov_entity) in onto
    assert (EKG.Paper, RDFS.subClassOf, URIRef("http://purl.org/ontology/bibo/AcademicArticle")) in onto


def test_ontology_baseline_is_defined_by_outperforms(onto: Graph) -> None:
    definition = onto.value(EKG.Baseline, OWL.equivalentClass)
    assert definition is not None
    inverse = onto.value(definition, OWL.onProperty)
    assert onto.value(inverse, OWL.inverseOf) == EKG.outperforms
    assert onto.value(definition, OWL.someValuesFrom) == EKG.Method


def test_ontology_hardware_taxonomy(onto: Graph) -> None:
    kinds = hardware_kinds()
    assert set(kinds) >= {"GPU", "CPU", "FPGA", "ASIC", "NPU", "Microcontroller", "EdgeDevice",
                          "MobileDevice", "InMemoryComputing"}
    assert kinds["NPU"] == (EKG.ASIC, EKG.Hardware, EKG.NPU)
    assert kinds["MobileDevice"] == (EKG.EdgeDevice, EKG.Hardware, EKG.MobileDevice)
    assert kinds["GPU"] == (EKG.GPU, EKG.Hardware)
