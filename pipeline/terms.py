"""The one home of effikg's names: namespaces, the prefix table, and how a name becomes an IRI slug.

- `EKG`: the ontology's terms (ontology/effikg.ttl), a closed `DefinedNamespace`: a typo
  such as `EKG.suports` raises instead of quietly minting a new IRI. A test checks this
  class against the ontology file both ways, so the two cannot drift apart.
- `RES`: instance data (`res:method/{slug}`, `res:paper/{id}`, ...), open by nature.
- `PREFIXES`: the one prefix table of every export, query, report and of the ontology
  build, in the order the ontology's RDF/XML declares them.
- `slugify`: the one way a name becomes the slug of an IRI; `method_key`, a method name's
  slug (case- and plural-insensitive).

Bottom layer: every stage may import this module; it imports no stage.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, VANN, XSD, DefinedNamespace, Namespace

from pipeline.normalize import canonical_method_label, singular_coined, spell_greek

ONTOLOGY_IRI = URIRef("https://w3id.org/effikg/ontology")
RES = Namespace("https://w3id.org/effikg/resource/")
# Nodes of ontology/shapes.ttl (its graph-wide checks report their focus as SHAPES["graph"]).
SHAPES = Namespace("https://w3id.org/effikg/shapes#")


class EKG(DefinedNamespace):
    """The effikg ontology (ontology/effikg.ttl): every class, property and metric concept."""

    _NS = Namespace("https://w3id.org/effikg/ontology#")
    _fail = True

    # Classes
    Paper: URIRef
    Method: URIRef
    Hardware: URIRef
    GPU: URIRef
    CPU: URIRef
    FPGA: URIRef
    ASIC: URIRef
    NPU: URIRef
    Microcontroller: URIRef
    EdgeDevice: URIRef
    MobileDevice: URIRef
    InMemoryComputing: URIRef
    Metric: URIRef
    Claim: URIRef
    Assertion: URIRef
    Baseline: URIRef
    Build: URIRef

    # Object properties: the direct relations, then a claim's and an assertion's links
    proposes: URIRef
    targets: URIRef
    improves: URIRef
    outperforms: URIRef
    method: URIRef
    metric: URIRef
    hardware: URIRef
    baseline: URIRef
    supports: URIRef
    assertionSubject: URIRef
    assertionObject: URIRef

    # Data properties of claims and assertions
    relation: URIRef
    supportCount: URIRef
    value: URIRef
    unit: URIRef
    figureText: URIRef
    direction: URIRef
    qualifier: URIRef
    evidence: URIRef
    evidenceStart: URIRef
    evidenceEnd: URIRef
    confidence: URIRef

    # Data properties of papers
    arxivId: URIRef
    venue: URIRef
    codeRepository: URIRef
    authorCount: URIRef
    authorList: URIRef
    sourceFile: URIRef
    sourcePosition: URIRef

    # Data properties of the build
    effikgVersion: URIRef
    buildInput: URIRef
    buildOption: URIRef
    vocabularyHash: URIRef
    vocabularyAddition: URIRef

    # The metrics concept scheme and its eight concepts
    Metrics: URIRef
    Speed: URIRef
    Throughput: URIRef
    Memory: URIRef
    Energy: URIRef
    Accuracy: URIRef
    ModelSize: URIRef
    Computation: URIRef
    Cost: URIRef


class BIBO(DefinedNamespace):
    """The one term of the Bibliographic Ontology the graph uses."""

    _NS = Namespace("http://purl.org/ontology/bibo/")
    _fail = True

    doi: URIRef


def _as_attributes(namespace: type[DefinedNamespace]) -> None:
    """Each declared term made a plain class attribute: rdflib answers `EKG.x` through its
    metaclass's __getattr__ on every access (half a microsecond; a build of 1,000 abstracts
    reads terms a few hundred thousand times). An undeclared name still raises."""
    for name in namespace.__annotations__:
        setattr(namespace, name, namespace[name])


_as_attributes(EKG)
_as_attributes(BIBO)


PREFIXES: dict[str, str] = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "ekg": str(EKG),
    "res": str(RES),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "bibo": str(BIBO),
    "vann": str(VANN),
}

SLUG_MAX = 80


def slugify(name: str) -> str:
    """The IRI slug of a name: "NVIDIA A100 GPU" -> "nvidia-a100-gpu".

    Readable and stable: accents folded to ASCII, Greek letters spelled out ("λ-ECLIPSE"
    -> "lambda-eclipse"), "+" and "&" spelled out (SmoothQuant+ must not collide with
    SmoothQuant), cut at a word boundary past SLUG_MAX characters; a name with no ASCII
    letter or digit left gets a short hash of itself instead.
    """
    text = spell_greek(unicodedata.normalize("NFKD", name), " ")
    text = text.replace("+", " plus ").replace("&", " and ")
    ascii_text = text.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > SLUG_MAX:
        slug = slug[:SLUG_MAX].rsplit("-", 1)[0]
    return slug or "h-" + hashlib.sha1(name.strip().encode("utf-8")).hexdigest()[:10]


def method_key(text: str) -> str:
    """Case- and plural-insensitive slug of a method name: "SARATHI" and "Sarathi" ->
    "sarathi"; "HaloNets" and "HaloNet" -> "halonet"; "MCUNet" and "MCUNetV2" stay apart."""
    return slugify(singular_coined(canonical_method_label(text)))


def to_curie(iri: str) -> str | None:
    """`prefix:local` for an IRI under one of PREFIXES (the longest namespace wins), else None."""
    found = [(len(ns), prefix) for prefix, ns in PREFIXES.items() if iri.startswith(ns) and len(iri) > len(ns)]
    if not found:
        return None
    size, prefix = max(found)
    return f"{prefix}:{iri[size:]}"
