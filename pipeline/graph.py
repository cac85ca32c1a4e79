"""Graph assembly: resolved extraction records -> an rdflib Graph under the effikg ontology.

The shape of what `to_rdf` produces is the contract of DEVELOPERS.md ("The built graph"):
one node per canonical entity with a stable slug IRI, one `rdfs:label` each, a
`skos:altLabel` for every other surface form, the direct triples, one `ekg:Claim` per
stated result with its provenance, and one `ekg:Assertion` per direct triple carrying how
many papers state it. No blank nodes, so the same input always gives the same graph, and
`pipeline.export.rdf.save_turtle` writes it byte for byte the same. Which label, kind and
aliases an entity has is `pipeline.resolve`'s decision; assembly only writes it out.

Literals: instance text (names, titles, sentences) is a plain `xsd:string` as written,
because the ontology gives those properties an `xsd:string` range and OWL 2 keeps
`rdf:langString` apart from it. The metric concepts, which the ontology defines, have a
plain rdfs:label too (so `?x rdfs:label "Speed"` finds them) and keep its English
skos:prefLabel.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import networkx as nx
from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from pipeline.records import CANONICAL_METRICS, RELATIONS, Claim, Entity, Extraction, Paper
from pipeline.resolve import Resolution, resolve
from pipeline.terms import BIBO, EKG, PREFIXES, RES, slugify
from pipeline.vocab import names_entity

# Node classes that become networkx nodes, most general first.
NODE_CLASSES: tuple[URIRef, ...] = (EKG.Paper, EKG.Method, EKG.Hardware, EKG.Metric)
RELATION_PROPERTIES: dict[str, URIRef] = {rel: EKG[rel] for rel in RELATIONS}

_LABEL_MAX = 200  # an untitled paper's first sentence, as its label, is cut past this
# A surface form that starts like an anaphor ("our method", "the proposed model", "we")
# and has no capital or digit is a reference, not a name: it must not become an alias.
_ANAPHOR_START = {"we", "our", "the", "this", "these", "it", "its", "their", "they", "a", "an"}


def paper_iri(paper_id: str) -> URIRef:
    """`res:paper/{id}`; old-style arXiv ids (cs/0501001) keep their slash percent-encoded."""
    return RES["paper/" + quote(paper_id, safe="-._~")]


def metric_local_name(label: str) -> str:
    """The ontology's local name of a canonical metric: "Model size" -> "ModelSize"."""
    return "".join(word[:1].upper() + word[1:] for word in label.split())


_METRIC_BY_SLUG: dict[str, str] = {slugify(m): metric_local_name(m) for m in CANONICAL_METRICS}


def iri_for(entity: Entity) -> URIRef:
    """The node IRI of a canonical entity; metrics are the ontology's own concepts."""
    if entity.type == "Method":
        return RES["method/" + entity.key]
    if entity.type == "Hardware":
        return RES["hardware/" + entity.key]
    if entity.type == "Metric":
        local = _METRIC_BY_SLUG.get(slugify(entity.label)) or _METRIC_BY_SLUG.get(entity.key)
        if local is None:
            raise ValueError(
                f"unknown metric {entity.label!r}: use one of {', '.join(CANONICAL_METRICS)}"
            )
        return EKG[local]
    raise ValueError(f"unknown entity type {entity.type!r} for {entity.label!r}")


def claim_id(claim: Claim) -> str:
    """12 hex digits of what the claim states: relation, method, object, context, figure and
    evidence span. Derived from content, so a claim keeps its IRI when others are added."""
    def key(e: Entity | None) -> list[str]:
        return [e.type, e.key] if e is not None else []

    fig = claim.figure
    content = [claim.relation, key(claim.subject), key(claim.object), key(claim.hardware),
               key(claim.baseline), key(claim.metric), claim.start, claim.end,
               [fig.text, repr(fig.value), fig.unit, fig.direction, fig.qualifier] if fig else []]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()[:12]


def claim_iri(paper_id: str, local: str) -> URIRef:
    """`res:claim/{paper id}/{claim_id}`."""
    return RES[f"claim/{quote(paper_id, safe='-._~')}/{local}"]


def assertion_iri(subject: Entity, relation: str, obj: Entity) -> URIRef:
    """`res:assertion/{method key}/{relation}/{object type}/{object key}`."""
    # A metric's key is the slug of its canonical label, however the record spelt it.
    object_key = slugify(metric_label(obj)) if obj.type == "Metric" else obj.key
    return RES[f"assertion/{subject.key}/{relation}/{obj.type.lower()}/{object_key}"]


def metric_label(metric: Entity) -> str:
    """The canonical label of a metric entity ("model size" -> "Model size")."""
    local = str(iri_for(metric)).split("#")[-1]
    return next(m for m in CANONICAL_METRICS if metric_local_name(m) == local)


@lru_cache(maxsize=1)
def read_ontology() -> Graph:
    """The ontology (ontology/effikg.ttl, installed as pipeline.ontology), parsed once."""
    graph = Graph()
    source = resources.files("pipeline.ontology") / "effikg.ttl"
    graph.parse(data=source.read_text(encoding="utf-8"), format="turtle")
    return graph


@lru_cache(maxsize=1)
def hardware_kinds() -> dict[str, tuple[URIRef, ...]]:
    """Each Hardware sub-class name -> itself and its super-classes up to ekg:Hardware."""
    onto = read_ontology()
    kinds: dict[str, tuple[URIRef, ...]] = {}
    for cls in onto.transitive_subjects(RDFS.subClassOf, EKG.Hardware):
        if not isinstance(cls, URIRef) or not str(cls).startswith(str(EKG)):
            continue
        chain = [c for c in onto.transitive_objects(cls, RDFS.subClassOf) if isinstance(c, URIRef)]
        kinds[str(cls)[len(str(EKG)):]] = tuple(sorted(c for c in chain if str(c).startswith(str(EKG))))
    return kinds


def hardware_types(entity: Entity) -> tuple[URIRef, ...]:
    """ekg:Hardware plus the entity's kind and the kind's super-classes, materialised."""
    if entity.kind is None:
        return (EKG.Hardware,)
    types: set[URIRef] = set()
    for kind in entity.kind.split("+"):  # "GPU+EdgeDevice": both classes and their ancestors
        chain = hardware_kinds().get(kind)
        if chain is None:
            known = ", ".join(sorted(k for k in hardware_kinds() if k != "Hardware"))
            raise ValueError(f"hardware {entity.label!r} has unknown kind {entity.kind!r}; use one of {known}")
        types.update(chain)
    return tuple(sorted(types))


def _is_reference(text: str) -> bool:
    words = text.split()
    return (
        bool(words)
        and words[0].lower() in _ANAPHOR_START
        and not any(ch.isupper() or ch.isdigit() for ch in text)
    )


# Literals are immutable and the same figures recur (offsets, confidences, positions):
# each is made once (rdflib's Literal() is the costliest call of assembly). Bounded.
@lru_cache(maxsize=1 << 14)
def _decimal(value: float) -> Literal:
    # repr gives the shortest round-tripping form, so 2.31 stays 2.31 (not 2.3099999...).
    return Literal(Decimal(repr(float(value))), datatype=XSD.decimal)


@lru_cache(maxsize=1 << 14)
def _count(value: int) -> Literal:
    return Literal(int(value), datatype=XSD.nonNegativeInteger)


_DATE_TYPES = (
    (re.compile(r"\d{4}-\d{2}-\d{2}"), XSD.date),
    (re.compile(r"\d{4}-\d{2}"), XSD.gYearMonth),
    (re.compile(r"\d{4}"), XSD.gYear),
)


def date_literal(date: str) -> Literal | None:
    """An ISO date as the narrowest XSD type it fills; None for anything else."""
    for pattern, datatype in _DATE_TYPES:
        if pattern.fullmatch(date.strip()):
            return Literal(date.strip(), datatype=datatype)
    return None


def paper_label(paper: Paper, methods: Sequence[str] = ()) -> str:
    """The title, else "Paper proposing X" (its methods' names), else its first sentence,
    else arXiv:{id}."""
    if paper.title and paper.title.strip():
        return " ".join(paper.title.split())
    names = list(dict.fromkeys(methods))
    if names:
        shown = names if len(names) <= 3 else names[:3]
        joined = ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else shown[0]
        return f"Paper proposing {joined}" + (" and others" if len(names) > 3 else "")
    sentence = first_sentence(paper.abstract)
    if sentence:
        return sentence
    return f"arXiv:{paper.arxiv_id}" if paper.arxiv_id else f"paper {paper.id}"


# A sentence ends at . ! or ? before white space and a capital, digit or opening bracket,
# not after a one-letter initial or a common abbreviation ("e.g.", "et al.").
_SENTENCE_END = re.compile(r"(?<!\b[A-Za-z])(?<!\be\.g)(?<!\bi\.e)(?<!\bal)(?<!\bvs)[.!?](?=\s+[A-Z0-9(\[])")


def first_sentence(text: str) -> str:
    """The first sentence of `text`, whole unless it runs past _LABEL_MAX characters (then
    cut at a word boundary, with an ellipsis)."""
    text = " ".join(text.split())
    found = _SENTENCE_END.search(text)
    sentence = text[: found.end()] if found else text
    if len(sentence) > _LABEL_MAX:
        sentence = sentence[:_LABEL_MAX].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return sentence


@dataclass
class _Node:
    """One entity IRI: the first entity met with it (whose name the corpus settles) and the
    forms seen of it."""

    entity: Entity
    forms: set[str]


def _claim_sort_key(claim: Claim) -> tuple:
    def key(e: Entity | None) -> tuple[str, str]:
        return (e.type, e.key) if e is not None else ("", "")

    fig = claim.figure
    return (
        claim.start,
        claim.end,
        RELATIONS.index(claim.relation),
        key(claim.subject),
        key(claim.object),
        (fig.text, repr(fig.value), fig.unit or "", fig.direction or "", fig.qualifier or "") if fig else (),
        key(claim.hardware),
        key(claim.baseline),
        key(claim.metric),
        claim.confidence,
        claim.sentence,
    )


Triple = tuple[URIRef, URIRef, URIRef | Literal]
# A claim's object, by its relation.
_ROLE = {"targets": EKG.hardware, "improves": EKG.metric, "outperforms": EKG.baseline}


class Assembler:
    """Each paper's triples go to `add` as its extraction is read (`extraction`): they do
    not depend on the rest of the corpus, so a build hands each paper over as the NLP
    finishes it. What spans papers (the entities, with the names the corpus's `Resolution`
    settles, baselines, support counts) is gathered and written by `finish`. Papers must
    come one extraction an id (`resolve.pick_extractions`)."""

    def __init__(self, add: Callable[[URIRef, URIRef, URIRef | Literal], None]) -> None:
        self.add = add
        self.nodes: dict[URIRef, _Node] = {}
        self.baselines: set[URIRef] = set()
        self.assertion_support: Counter[URIRef] = Counter()  # distinct papers a direct triple
        self.assertion_ends: dict[URIRef, tuple[Entity, str, Entity]] = {}
        # Figures of the extraction being added: "2.31×" is a quantity, never an alias.
        self.figure_texts: set[str] = set()
        self.paper_assertions: set[tuple[URIRef, str]] = set()  # of the extraction being added

    def entity(self, entity: Entity, form: str | None = None) -> URIRef:
        iri = iri_for(entity)
        node = self.nodes.get(iri)
        if node is None:
            node = self.nodes[iri] = _Node(entity, set())
        elif node.entity.type != entity.type:
            raise ValueError(f"{iri} is both a {node.entity.type} and a {entity.type}")
        if form is not None:
            self.form(iri, entity, form)
        return iri

    def form(self, iri: URIRef, entity: Entity, form: str) -> None:
        text = " ".join(form.split())
        if text and text not in self.figure_texts and not (entity.type == "Method" and _is_reference(text)):
            self.nodes[iri].forms.add(text)

    def paper(self, paper: Paper, methods: Sequence[str] = ()) -> URIRef:
        iri = paper_iri(paper.id)
        add = self.add
        add(iri, RDF.type, EKG.Paper)
        add(iri, RDFS.label, Literal(paper_label(paper, methods)))
        self.paper_metadata(iri, paper)
        add(iri, DCTERMS.identifier, Literal(paper.id))
        add(iri, DCTERMS.abstract, Literal(paper.abstract))
        if paper.title and paper.title.strip():
            add(iri, DCTERMS.title, Literal(" ".join(paper.title.split())))
        if paper.arxiv_id:
            add(iri, EKG.arxivId, Literal(paper.arxiv_id))
            add(iri, RDFS.seeAlso, URIRef("https://arxiv.org/abs/" + quote(paper.arxiv_id, safe="/.-_~")))
        if paper.doi:
            add(iri, BIBO.doi, Literal(paper.doi))

        if paper.date and (date := date_literal(paper.date)) is not None:
            add(iri, DCTERMS.date, date)
        if paper.n_authors is not None and paper.n_authors >= 0:
            add(iri, EKG.authorCount, _count(paper.n_authors))
        if paper.code_url:
            add(iri, EKG.codeRepository, Literal(paper.code_url, datatype=XSD.anyURI))
        if paper.source:
            # The file name only: an absolute path would differ between checkouts and
            # break byte-identical builds of the same corpus.
            add(iri, EKG.sourceFile, Literal(Path(paper.source).name))
        add(iri, EKG.sourcePosition, _count(paper.position))
        return iri

    def paper_metadata(self, iri: URIRef, paper: Paper) -> None:
        """Venue, comment, subjects (arXiv categories) and authors, in their order."""
        add = self.add
        if paper.venue:
            add(iri, EKG.venue, Literal(paper.venue))
        if paper.comment:
            add(iri, RDFS.comment, Literal(paper.comment))
        for category in paper.categories:
            add(iri, DCTERMS.subject, Literal(category))
        for name in paper.authors:
            add(iri, DCTERMS.creator, Literal(name))
        if paper.authors:
            add(iri, EKG.authorList, Literal("; ".join(paper.authors)))

    def claim(self, claim: Claim, paper: URIRef, local: str) -> None:
        iri = claim_iri(claim.paper_id, local)
        subject = self.entity(claim.subject, claim.subject_text)
        # The object's text is one of its names only when it names it: it may be the
        # claim's cue ("faster" for Speed, "GPU" of "Arm CPU and GPU" for Arm GPU).
        obj = self.entity(claim.object, claim.object_text if names_entity(claim.object, claim.object_text) else None)
        rel = RELATION_PROPERTIES[claim.relation]
        add = self.add
        add(subject, rel, obj)
        if claim.relation == "outperforms":
            self.baselines.add(obj)

        assertion = assertion_iri(claim.subject, claim.relation, claim.object)
        self.paper_assertions.add((assertion, claim.paper_id))
        self.assertion_ends[assertion] = (claim.subject, claim.relation, claim.object)

        add(iri, RDF.type, EKG.Claim)
        add(iri, EKG.relation, Literal(claim.relation))
        add(iri, EKG.method, subject)
        add(iri, _ROLE[claim.relation], obj)
        for context, prop in ((claim.hardware, EKG.hardware), (claim.baseline, EKG.baseline), (claim.metric, EKG.metric)):
            if context is not None:
                add(iri, prop, self.entity(context))
        fig = claim.figure
        label = f"{claim.subject.label} {claim.relation} {claim.object.label}"
        if fig is not None:
            label += f" ({fig.text})"
            add(iri, EKG.figureText, Literal(fig.text))
            if fig.value is not None:
                add(iri, EKG.value, _decimal(fig.value))
            if fig.unit:
                add(iri, EKG.unit, Literal(fig.unit))
            if fig.direction:
                add(iri, EKG.direction, Literal(fig.direction))
            if fig.qualifier:
                add(iri, EKG.qualifier, Literal(fig.qualifier))
        add(iri, RDFS.label, Literal(label))
        add(iri, EKG.evidence, Literal(claim.sentence))
        add(iri, EKG.evidenceStart, _count(claim.start))
        add(iri, EKG.evidenceEnd, _count(claim.end))
        add(iri, EKG.confidence, _decimal(claim.confidence))
        add(iri, PROV.wasDerivedFrom, paper)
        add(iri, EKG.supports, assertion)

    def extraction(self, extraction: Extraction) -> None:
        paper = self.paper(extraction.paper, [m.label for m in extraction.methods])
        self.figure_texts = {" ".join(c.figure.text.split()) for c in extraction.claims if c.figure}
        by_key: dict[str, list[Entity]] = defaultdict(list)
        for method in extraction.methods:
            self.add(paper, EKG.proposes, self.entity(method))
            by_key[method.key].append(method)
        claims = sorted(set(extraction.claims), key=_claim_sort_key)
        taken: Counter[str] = Counter()
        self.paper_assertions = set()
        for claim in claims:
            local = claim_id(claim)
            taken[local] += 1  # the same statement twice (another confidence): -2, -3, ...
            self.claim(claim, paper, local if taken[local] == 1 else f"{local}-{taken[local]}")
            for e in (claim.subject, claim.object, claim.hardware, claim.baseline, claim.metric):
                if e is not None:
                    by_key[e.key].append(e)
        for key, text in extraction.surface_forms:
            for entity in set(by_key.get(key, ())):
                self.form(iri_for(entity), entity, text)
        self.assertion_support.update(assertion for assertion, _ in self.paper_assertions)

    def finish(self, resolution: Resolution) -> None:
        """The triples of what spans papers: entities (named as `resolution` settles them),
        baselines, assertions."""
        add = self.add
        metric_labels = _metric_labels()
        for iri, node in self.nodes.items():
            if node.entity.type == "Metric":
                label = metric_labels[iri]
                add(iri, RDF.type, EKG.Metric)
                add(iri, RDF.type, SKOS.Concept)
                add(iri, RDFS.label, Literal(str(label)))  # plain, like every other label
                add(iri, SKOS.prefLabel, Literal(str(label), lang="en"))  # as the ontology has it
                add(iri, SKOS.inScheme, EKG.Metrics)
                label_text = str(label)
            else:
                canonical = resolution.canonical(node.entity)
                label_text = canonical.label
                add(iri, RDFS.label, Literal(label_text))
                if node.entity.type == "Method":
                    add(iri, RDF.type, EKG.Method)
                else:
                    for cls in hardware_types(Entity("Hardware", label_text, "", canonical.kind)):
                        add(iri, RDF.type, cls)
                node.forms.update(canonical.aliases)
            for form in node.forms:
                if form != label_text:
                    add(iri, SKOS.altLabel, Literal(form))
        for iri in self.baselines:
            add(iri, RDF.type, EKG.Baseline)
        for assertion, papers in self.assertion_support.items():
            subject, relation, obj = self.assertion_ends[assertion]
            add(assertion, RDF.type, EKG.Assertion)
            add(assertion, RDFS.label, Literal(f"{_label(subject, resolution)} {relation} {_label(obj, resolution)}"))
            add(assertion, EKG.assertionSubject, iri_for(subject))
            add(assertion, EKG.relation, Literal(relation))
            add(assertion, EKG.assertionObject, iri_for(obj))
            add(assertion, EKG.supportCount, _count(papers))


def _label(entity: Entity, resolution: Resolution) -> str:
    if entity.type == "Metric":
        return str(_metric_labels()[iri_for(entity)])
    return resolution.canonical(entity).label


@lru_cache(maxsize=1)
def _metric_labels() -> dict[URIRef, Literal]:
    onto = read_ontology()
    labels: dict[URIRef, Literal] = {}
    for metric in CANONICAL_METRICS:
        iri = EKG[metric_local_name(metric)]
        found = [o for o in onto.objects(iri, RDFS.label) if isinstance(o, Literal)]
        if len(found) != 1:
            raise RuntimeError(f"ontology/effikg.ttl: {iri} needs exactly one rdfs:label")
        labels[iri] = found[0]
    return labels


def new_graph() -> Graph:
    """An empty graph with the effikg prefixes bound (and no others)."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


@dataclass(frozen=True)
class BuildInfo:
    """What a build was made from, recorded on `res:build` (nothing time- or machine-bound)."""

    version: str
    inputs: tuple[str, ...] = ()  # file names
    options: tuple[tuple[str, str], ...] = ()  # (name, value)
    vocabulary_hash: str = ""
    vocabulary: tuple[str, ...] = ()  # the additions, one line each


BUILD_IRI = RES["build"]


def add_build(assembler: Assembler, info: BuildInfo) -> None:
    """What the build was made from, on `res:build`."""
    add = assembler.add
    add(BUILD_IRI, RDF.type, EKG.Build)
    add(BUILD_IRI, RDFS.label, Literal(f"effikg {info.version} build"))
    add(BUILD_IRI, EKG.effikgVersion, Literal(info.version))
    for name in info.inputs:
        add(BUILD_IRI, EKG.buildInput, Literal(name))
    for key, value in info.options:
        add(BUILD_IRI, EKG.buildOption, Literal(f"{key}={value}"))
    if info.vocabulary_hash:
        add(BUILD_IRI, EKG.vocabularyHash, Literal(info.vocabulary_hash))
    for line in info.vocabulary:
        add(BUILD_IRI, EKG.vocabularyAddition, Literal(line))


def assemble(extractions: Iterable[Extraction], resolution: Resolution,
             add: Callable[[URIRef, URIRef, URIRef | Literal], None], *, build: BuildInfo | None = None) -> None:
    """The triples of the knowledge graph, each handed to `add` as it is made (a triple
    may come more than once; the order is not sorted): a paper's as its extraction is
    read, then what spans papers (`Assembler`; a build feeds one paper at a time as the NLP
    hands it over: pipeline.store.StoreAssembly). `extractions` must hold one extraction a
    paper id (a build's do: pipeline.ingest.filters.Dedup), each settled by
    `resolve.resolve_paper`; `resolution` names their entities (its own `extractions` are
    not read)."""
    assembler = Assembler(add)
    for extraction in extractions:
        assembler.extraction(extraction)
    if build is not None:
        add_build(assembler, build)
    assembler.finish(resolution)


def to_rdf(extractions: Resolution | Iterable[Extraction], *, build: BuildInfo | None = None) -> Graph:
    """Assemble the knowledge graph (instance data only; the ontology is separate) of a
    resolved corpus (`pipeline.resolve`; extraction records are resolved first), with
    what the build was made from on `res:build` when `build` is given; in memory (the
    build itself streams: `assemble`)."""
    resolution = extractions if isinstance(extractions, Resolution) else resolve(extractions)
    triples: set[Triple] = set()
    assemble(resolution.extractions, resolution, lambda s, p, o: triples.add((s, p, o)), build=build)
    graph = new_graph()
    # Insertion in sorted order keeps every later iteration (and serialisation) stable.
    for triple in sorted(triples):
        graph.add(triple)
    return graph


def _local(iri: URIRef) -> str:
    return str(iri).split("#")[-1]


def _most_specific(types: set[URIRef]) -> URIRef:
    """The class among `types` that no other of them specialises (GPU over Hardware)."""
    kinds = hardware_kinds()
    candidates = [t for t in types if _local(t) in kinds] if EKG.Hardware in types else []
    if not candidates:
        return next(c for c in NODE_CLASSES if c in types)
    # A class's chain lists it and its ancestors: the deepest one has the longest chain.
    return max(candidates, key=lambda t: (len(kinds[_local(t)]), str(t)))


def _assertions_by_triple(graph: Graph) -> dict[tuple[URIRef, str, URIRef], URIRef]:
    """The ekg:Assertion of each direct triple (subject, relation, object)."""
    found: dict[tuple[URIRef, str, URIRef], URIRef] = {}
    for assertion in graph.subjects(RDF.type, EKG.Assertion):
        s = graph.value(assertion, EKG.assertionSubject)
        rel = _value(graph, assertion, EKG.relation)
        o = graph.value(assertion, EKG.assertionObject)
        if s is not None and rel is not None and o is not None:
            found[(s, rel, o)] = assertion
    return found


def _value(graph: Graph, s: URIRef, p: URIRef) -> str | None:
    o = graph.value(s, p)
    return None if o is None else str(o)


def objects_by_predicate(graph: Graph, s: URIRef, predicates: Sequence[URIRef]) -> dict[URIRef, list]:
    """s's objects under each of `predicates`, read in one pass over s's triples (one
    store lookup instead of one a predicate: the exporters read every claim and paper)."""
    found: dict[URIRef, list] = {p: [] for p in predicates}
    for p, o in graph.predicate_objects(s):
        if p in found:
            found[p].append(o)
    return found


def least(values: Iterable) -> str | None:
    """The first of `values` in sorted order, as text: the same one whatever order the store keeps."""
    return min((str(v) for v in values), default=None)


_CLAIM_READS = (PROV.wasDerivedFrom, EKG.evidence, EKG.figureText, EKG.confidence)


def _claim_attrs(claim: URIRef, values: dict[URIRef, list]) -> dict[str, str | None]:
    return {
        "claim": str(claim),
        "paper": least(values[PROV.wasDerivedFrom]),
        "evidence": least(values[EKG.evidence]),
        "figure": least(values[EKG.figureText]),
    }


def relation_edge_attrs(graph: Graph, relation: str, assertion: URIRef | None, claims: list[URIRef]) -> dict:
    """A direct triple's edge: its support and what the claims behind it say."""
    read = [(c, objects_by_predicate(graph, c, _CLAIM_READS)) for c in claims]
    stated = [_claim_attrs(c, values) for c, values in read]
    papers = sorted({str(p) for _, values in read for p in values[PROV.wasDerivedFrom]})
    support = graph.value(assertion, EKG.supportCount) if assertion is not None else None
    confidences = [float(v) for _, values in read for v in values[EKG.confidence]]
    return {
        "relation": relation,
        "support": int(support) if support is not None else len(papers),
        "figures": [c["figure"] for c in stated if c["figure"] is not None],
        "evidence": [c["evidence"] for c in stated if c["evidence"] is not None],
        "papers": papers,
        "confidence": max(confidences) if confidences else None,
        "claims": stated,
    }


def _node_types(graph: Graph) -> dict[URIRef, set[URIRef]]:
    """Every paper, method, hardware and metric, with all its types."""
    nodes: dict[URIRef, set[URIRef]] = defaultdict(set)
    for cls in NODE_CLASSES:
        for s in graph.subjects(RDF.type, cls):
            if isinstance(s, URIRef):
                nodes[s].update(o for o in graph.objects(s, RDF.type) if isinstance(o, URIRef))
    return nodes


def node_types(graph: Graph) -> dict[URIRef, set[URIRef]]:
    """Every node of the networkx view (papers, methods, hardware, metrics), with all its
    types: what the view holds of each node until it is written (nodes of the same types
    share one frozenset: a corpus holds many papers)."""
    shared: dict[frozenset[URIRef], frozenset[URIRef]] = {}
    return {iri: shared.setdefault(frozenset(types), frozenset(types))  # type: ignore[misc]
            for iri, types in _node_types(graph).items()}


def networkx_node(graph: Graph, iri: URIRef, types: set[URIRef]) -> dict:
    """The attributes of one node of the networkx view."""
    return {
        "label": _value(graph, iri, RDFS.label) or str(iri),
        "type": _local(_most_specific(types)),
        "aliases": sorted(str(a) for a in graph.objects(iri, SKOS.altLabel)),
        "baseline": EKG.Baseline in types,
    }


def networkx_edges(graph: Graph, nodes: dict[URIRef, set[URIRef]], max_claims: int | None = None,
                   ) -> Iterator[tuple[str, str, str, dict]]:
    """The edges of the networkx view, sorted by (source, relation, target), each edge's
    attributes made as it is yielded: only the edges' ends are held, never their claims.
    `max_claims` keeps an edge's first claims only (its support still counts them all)."""
    assertion_of = _assertions_by_triple(graph)
    ends: list[tuple[str, str, str, URIRef | None]] = []
    for rel, prop in RELATION_PROPERTIES.items():
        for s, o in graph.subject_objects(prop):
            if s in nodes and o in nodes:
                ends.append((str(s), rel, str(o), assertion_of.get((s, rel, o))))
    for paper, method in graph.subject_objects(EKG.proposes):
        if paper in nodes and method in nodes:
            ends.append((str(paper), "proposes", str(method), None))
    for u, rel, v, assertion in sorted(ends, key=lambda e: e[:3]):
        if rel == "proposes":
            yield u, v, rel, {"relation": "proposes", "support": 1, "figures": [], "evidence": [],
                              "papers": [u], "confidence": 1.0, "claims": []}
        else:
            claims = sorted(graph.subjects(EKG.supports, assertion)) if assertion is not None else []
            yield u, v, rel, relation_edge_attrs(graph, rel, assertion, claims[:max_claims])


def to_networkx(graph: Graph, nodes: dict[URIRef, set[URIRef]] | None = None) -> nx.MultiDiGraph:
    """The graph as a networkx MultiDiGraph: entity and paper nodes, relation edges.

    Nodes are keyed by IRI (str). Edges carry the support of their direct triple and the
    figures, sentences and papers of the claims behind it, and per claim (`claims`) its
    IRI, paper, sentence and figure; `proposes` edges come from the papers.
    """
    g = nx.MultiDiGraph()
    nodes = node_types(graph) if nodes is None else nodes  # (the caller's, when it has them)
    for iri in sorted(nodes):
        g.add_node(str(iri), **networkx_node(graph, iri, nodes[iri]))
    for u, v, key, attrs in networkx_edges(graph, nodes):
        g.add_edge(u, v, key=key, **attrs)
    return g
