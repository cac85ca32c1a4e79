"""The RDF files of the built graph: Turtle, N-Triples, JSON-LD with a @context, OWL (RDF/XML).

All four are written from one list of sorted N-Triples lines (pipeline.export.ntriples),
so they say the same thing and are byte-identical for the same graph whatever the order
its triples were added in. rdflib's own serialisers are slow on large graphs; here
pyoxigraph (Rust) writes the Turtle and the RDF/XML from the parsed lines, and Python
groups them for JSON-LD (see benchmarks/bench_export.py for the figures).

A build rewrites JSON-LD and RDF/XML one block a subject (a node object, an element):
a subject whose lines are those of the earlier build's is that build's bytes for it
(_BlockReuse), so a rebuild with a few new abstracts makes only the blocks that changed.
"""

from __future__ import annotations

import hashlib
import heapq
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache, partial
from itertools import groupby
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
import rdflib
from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from pipeline.errors import ExportError
from pipeline.export.ntriples import ontology_lines, parse_lines, to_ntriples
from pipeline.export.source import GraphLike, Source, StoreSource, as_source
from pipeline.files import write_atomic, write_atomic_streams
from pipeline.graph import read_ontology  # parsed once, shared with graph assembly
from pipeline.terms import BIBO, EKG, PREFIXES, to_curie

# Every export names the prefixes in one order, whatever the order of the shared table,
# so that the files stay byte-identical.
_PREFIXES: dict[str, str] = dict(sorted(PREFIXES.items()))
_EKG = str(EKG)

# Terms of other vocabularies the built graph uses, for the JSON-LD @context:
# name -> (IRI, coercion) where coercion is "@id" (values are IRIs), a datatype, or None.
_EXTRA_TERMS: dict[str, tuple[str, str | None]] = {
    "label": (str(RDFS.label), None),
    "comment": (str(RDFS.comment), None),
    "seeAlso": (str(RDFS.seeAlso), "@id"),
    "altLabel": (str(SKOS.altLabel), None),
    "prefLabel": (str(SKOS.prefLabel), None),
    "inScheme": (str(SKOS.inScheme), "@id"),
    "title": (str(DCTERMS.title), None),
    "identifier": (str(DCTERMS.identifier), None),
    "abstract": (str(DCTERMS.abstract), None),
    "date": (str(DCTERMS.date), None),
    "doi": (str(BIBO.doi), None),
    "wasDerivedFrom": (str(PROV.wasDerivedFrom), "@id"),
}

_RDF_TYPE = str(RDF.type)
_XSD_STRING = str(XSD.string)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --------------------------------------------------------------------------- JSON-LD


@lru_cache(maxsize=1 << 16)  # predicates, classes and shared objects repeat on every node
def _compact(iri: str) -> str:
    curie = to_curie(iri)
    # "p://x" would be read as an absolute IRI with scheme p, not a compact IRI.
    return iri if curie is None or curie.partition(":")[2].startswith("//") else curie


@lru_cache(maxsize=1)
def _terms() -> dict[str, tuple[str, str | None]]:
    """Context terms: every property of the ontology by its local name, plus _EXTRA_TERMS."""
    onto = read_ontology()
    terms: dict[str, tuple[str, str | None]] = dict(_EXTRA_TERMS)
    for prop in sorted(set(onto.subjects(RDF.type, OWL.ObjectProperty))):
        if isinstance(prop, URIRef) and prop.startswith(_EKG):
            terms[prop[len(_EKG) :]] = (str(prop), "@id")
    for prop in sorted(set(onto.subjects(RDF.type, OWL.DatatypeProperty))):
        if isinstance(prop, URIRef) and prop.startswith(_EKG):
            ranges = [r for r in onto.objects(prop, RDFS.range) if isinstance(r, URIRef)]
            coerce = str(ranges[0]) if len(ranges) == 1 and ranges[0] != XSD.string else None
            terms[prop[len(_EKG) :]] = (str(prop), coerce)
    return terms


def jsonld_context() -> dict[str, object]:
    """The @context of effikg.jsonld: the prefixes and one term per ontology property."""
    context: dict[str, object] = dict(_PREFIXES)
    for name, (iri, coerce) in sorted(_terms().items()):
        if coerce is None:
            context[name] = _compact(iri)
        else:
            context[name] = {"@id": _compact(iri), "@type": coerce if coerce == "@id" else _compact(coerce)}
    return context


def _node_ref(term: ox.NamedNode | ox.BlankNode) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else _compact(term.value)


def _literal_object(term: ox.Literal) -> dict[str, str]:
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value != _XSD_STRING:
        return {"@value": term.value, "@type": _compact(term.datatype.value)}
    return {"@value": term.value}


def _jsonld_value(obj: ox.Term, coerce: str | None) -> object | None:
    """The compact form of obj under a term with this coercion, None if it does not fit."""
    if isinstance(obj, ox.Literal):
        if coerce is None:
            form = _literal_object(obj)
            return form["@value"] if len(form) == 1 else form
        if coerce != "@id" and not obj.language and obj.datatype.value == coerce:
            return obj.value
        return None
    if coerce == "@id":
        return _node_ref(obj)  # type: ignore[arg-type]
    return None


@lru_cache(maxsize=1)  # made once: a build asks for one subject's node at a time (_BlockReuse)
def _term_tables() -> tuple[dict[str, str], dict[str, str | None]]:
    """Each context term's name and coercion, by the IRI it stands for."""
    return ({iri: name for name, (iri, _) in _terms().items()},
            {iri: coerce for _, (iri, coerce) in _terms().items()})


def _jsonld_nodes(triples: Iterable[ox.Triple]) -> Iterator[dict[str, object]]:
    """One node object per subject; triples arrive sorted, so subjects come in runs."""
    by_iri, coercion = _term_tables()
    node: dict[str, object] | None = None
    subject = None
    for t in triples:
        if t.subject != subject:
            if node is not None:
                yield _types_first(node)
            subject = t.subject
            node = {"@id": _node_ref(t.subject)}  # type: ignore[arg-type]
        assert node is not None
        pred = t.predicate.value
        if pred == _RDF_TYPE and not isinstance(t.object, ox.Literal):
            key, value = "@type", _node_ref(t.object)  # type: ignore[arg-type]
        else:
            key, value = by_iri.get(pred, ""), None
            if key:
                value = _jsonld_value(t.object, coercion[pred])
            if value is None:  # no term, or the value does not fit the term's coercion
                key = _compact(pred)
                value = (
                    _literal_object(t.object)
                    if isinstance(t.object, ox.Literal)
                    else {"@id": _node_ref(t.object)}  # type: ignore[arg-type]
                )
        if key in node:
            existing = node[key]
            node[key] = (existing if isinstance(existing, list) else [existing]) + [value]
        else:
            node[key] = value
    if node is not None:
        yield _types_first(node)


def _types_first(node: dict[str, object]) -> dict[str, object]:
    head = {k: node[k] for k in ("@id", "@type") if k in node}
    return head | {k: v for k, v in node.items() if k not in head}


def _indented(value: object, newline: str = "\n") -> str:
    """`json.dumps(value, ensure_ascii=False, indent=1)` with each line break followed by
    `newline`, for the strings, dicts and lists a node object holds, in one pass (the
    standard library's indenting encoder is pure Python and a node is only a few levels
    deep); anything else goes to json.dumps."""
    if isinstance(value, str):
        return _encode_string(value)
    inner = newline + " "
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{" + inner + ("," + inner).join(
            f"{_encode_string(k)}: {_indented(v, inner)}" for k, v in value.items()) + newline + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[" + inner + ("," + inner).join(_indented(v, inner) for v in value) + newline + "]"
    return json.dumps(value, ensure_ascii=False, indent=1).replace("\n", newline)


_encode_string = json.encoder.encode_basestring  # the C encoder, as json.dumps(ensure_ascii=False) uses


def write_jsonld(triples: Iterable[ox.Triple], out: BinaryIO) -> None:
    """Sorted triples as one JSON-LD document, {"@context": ..., "@graph": [...]}, written
    node by node: the bytes `json.dumps(document, indent=1)` would give, never the
    document in memory."""
    _JSONLD.write(out, (_jsonld_node(node) for node in _jsonld_nodes(triples)))


def _jsonld_node(node: dict[str, object]) -> bytes:
    return _indented(node, "\n  ").encode("utf-8")


def _jsonld_block(lines: list[str]) -> bytes:
    """One subject's lines as its node object."""
    return _jsonld_node(next(_jsonld_nodes(parse_lines(lines))))


@lru_cache(maxsize=1)
def _jsonld_head() -> bytes:
    context = json.dumps(jsonld_context(), ensure_ascii=False, indent=1).replace("\n", "\n ")
    return f'{{\n "@context": {context},\n "@graph": ['.encode("utf-8")


def to_jsonld(lines: list[str], triples: list[ox.Triple] | None = None) -> bytes:
    """Sorted N-Triples lines as one JSON-LD document: {"@context": ..., "@graph": [...]}.

    `triples` are the lines already parsed (_parse_lines), when the caller has them.
    """
    buffer = io.BytesIO()
    write_jsonld(parse_lines(lines) if triples is None else triples, buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- OWL (RDF/XML)


def _merge_sorted(a: Iterable[tuple[str, ox.Triple]], b: Iterable[tuple[str, ox.Triple]]) -> Iterator[ox.Triple]:
    """The triples of two sorted (line, triple) streams in line order, each distinct line once."""
    last = None
    for line, triple in heapq.merge(a, b, key=lambda pair: pair[0]):
        if line != last:
            last = line
            yield triple


@lru_cache(maxsize=1)
def _ontology_triples() -> list[ox.Triple]:
    return parse_lines(ontology_lines())


def check_xml_text(lines: Iterable[str]) -> Iterator[str]:
    """The lines, each checked as it passes: ExportError on the first one holding a
    character XML 1.0 cannot carry (write_owl checks what it writes this way, in the one
    pass it makes over the lines)."""
    search = _XML_INVALID.search
    for line in lines:
        if search(line):
            raise ExportError(
                f"a literal holds a character XML 1.0 cannot carry: {line[:120].strip()}"
            )
        yield line


class _CarriageReturns:
    """A binary writer that writes a raw CR as the character reference &#13;: XML parsers
    turn a raw CR into LF; a reference survives. Literals are written as element text (IRIs
    hold no CR), where the reference is valid."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out

    def write(self, data: bytes) -> int:
        self.out.write(bytes(data).replace(b"\r", b"&#13;"))
        return len(data)

    def flush(self) -> None:
        self.out.flush()


def write_owl(lines: Iterable[str], triples: Iterable[ox.Triple], out: BinaryIO) -> None:
    """Ontology and data merged as RDF/XML, so Protégé shows classes with their individuals;
    `triples` are `lines` parsed, both streamed. A line XML 1.0 cannot carry raises
    ExportError as it is met (check_xml_text): write into a file that is dropped on failure
    (pipeline.files.write_atomic_streams)."""
    merged = _merge_sorted(zip(check_xml_text(lines), triples), zip(ontology_lines(), _ontology_triples()))
    _write_rdf_xml(merged, out)


def _write_rdf_xml(triples: Iterable[ox.Triple], out: BinaryIO) -> None:
    """RDF/XML as every OWL file and block is written (a block reused must be the bytes a
    whole-file write would give)."""
    ox.serialize(triples, _CarriageReturns(out), format=ox.RdfFormat.RDF_XML, prefixes=_PREFIXES)


def _owl_lines(lines: Iterable[str]) -> Iterator[str]:
    """The data's lines merged with the ontology's: sorted, distinct."""
    return (line for line, _ in groupby(heapq.merge(lines, ontology_lines())))


def _owl_serialize(triples: Iterable[ox.Triple]) -> bytes:
    buffer = io.BytesIO()
    _write_rdf_xml(triples, buffer)
    return buffer.getvalue()


_OWL_TAIL = b"</rdf:RDF>"


@lru_cache(maxsize=1)
def _owl_head() -> bytes:
    return _owl_serialize([])[: -len(_OWL_TAIL)]


def _owl_block(lines: list[str]) -> bytes:
    """One subject's description: pyoxigraph writes a document as the head, each
    subject's element in turn, and the tail (the same bytes as one whole serialisation).
    Checked for XML 1.0 here: a block reused is of lines checked when it was made."""
    return _owl_serialize(parse_lines(list(check_xml_text(lines))))[len(_owl_head()) : -len(_OWL_TAIL)]


def to_owl(lines: list[str], triples: list[ox.Triple] | None = None) -> bytes:
    """Ontology and data merged as RDF/XML, so Protégé shows classes with their individuals.

    `triples` are the lines already parsed, when the caller has them: parsing a million
    lines into Python objects costs more than writing them.
    """
    buffer = io.BytesIO()
    write_owl(lines, parse_lines(lines) if triples is None else triples, buffer)  # checks the lines as it goes
    return buffer.getvalue()


# --------------------------------------------------------------------------- Turtle

# Instance IRIs (res:claim/2404.11912/1) hold slashes, which a Turtle local name can only
# carry escaped (res:claim\/2404.11912\/1); written in full they stay readable.
_TURTLE_PREFIXES = {p: ns for p, ns in _PREFIXES.items() if p != "res"}


def write_turtle(triples: Iterable[ox.Triple], out: BinaryIO) -> None:
    """Sorted triples as Turtle, one block a subject, streamed by pyoxigraph.

    rdflib's Turtle serialiser sorts and groups in Python and takes minutes on a
    million-triple graph (rdflib #2135; see benchmarks/bench_export.py); the lines come
    sorted, so pyoxigraph's streaming writer already sees each subject's triples together.
    """
    ox.serialize(triples, out, format=ox.RdfFormat.TURTLE, prefixes=_TURTLE_PREFIXES)


def to_turtle(lines: list[str], triples: list[ox.Triple] | None = None) -> bytes:
    """Sorted N-Triples lines as Turtle (write_turtle), as bytes."""
    buffer = io.BytesIO()
    write_turtle(parse_lines(lines) if triples is None else triples, buffer)
    return buffer.getvalue()


def save_turtle(graph: rdflib.Graph, path: Path | str) -> Path:
    """Write the graph as Turtle to path (atomically); byte-identical for the same triples."""
    source = as_source(graph)
    return write_atomic_streams({Path(path): lambda out: write_turtle(source.iter_triples(), out)})[0]


# --------------------------------------------------------------------------- blocks an earlier build wrote


class _Blocks:
    """A file written as one block a subject (a JSON-LD node object, an RDF/XML element),
    between a head and a tail, blocks joined by `separator`."""

    def __init__(self, head: Callable[[], bytes], separator: bytes, tails: tuple[bytes, bytes]) -> None:
        self.head, self.separator, self.tails = head, separator, tails  # tails: (no block, some)

    def write(self, out: BinaryIO, blocks: Iterable[bytes]) -> None:
        out.write(self.head())
        count = 0
        for count, block in enumerate(blocks, 1):
            out.write(self.separator[count == 1:])
            out.write(block)
        out.write(self.tails[count > 0])


# JSON-LD: each node after "\n  ", a comma before every node but the first.
_JSONLD = _Blocks(_jsonld_head, b",\n  ", (b"]\n}\n", b"\n ]\n}\n"))
_OWL = _Blocks(_owl_head, b"", (_OWL_TAIL, _OWL_TAIL))

# In the build's store folder (pipeline.outdir.STORE_DIR, the build's, not in its manifest):
# for effikg.jsonld and effikg.owl, the file's sha256 and each subject's block in it:
# subject -> [hash of the subject's lines, start, end].
BLOCKS_SUFFIX = ".blocks.json"


@lru_cache(maxsize=1)
def _writing_version() -> str:
    """A hash of everything a block is written with besides its lines: this module, the
    prefixes, the JSON-LD terms, the ontology (merged into the OWL file), pyoxigraph."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(json.dumps([_PREFIXES, sorted(_terms().items())]).encode("utf-8"))
    digest.update(to_ntriples(ontology_lines()) + ox.__version__.encode("utf-8"))
    return digest.hexdigest()


def _lines_key(lines: list[str]) -> str:
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()[:32]


class _BlockReuse:
    """Blocks written once: a subject whose lines hash as they did in the earlier build
    (`source.previous`, set by the build) is that build's bytes for it, read back from its
    file once the file's sha256 is what that build recorded; any other subject's block is
    made. The index of this file's blocks goes into the store folder. Only for a build's
    graph up to StoreSource.MEMORY_TRIPLES (the index is held: it grows with the subjects)."""

    def __init__(self, source: Source, path: Path) -> None:
        from pipeline.outdir import STORE_DIR

        store = path.parent / STORE_DIR
        small = isinstance(source, StoreSource) and source.in_memory
        self.index = store / (path.name + BLOCKS_SUFFIX) if small and store.is_dir() else None
        self.old: dict[str, list] = {}
        self.earlier = b""
        previous = getattr(source, "previous", None)
        if self.index is not None and previous is not None:
            try:
                found = json.loads((previous / STORE_DIR / self.index.name).read_text(encoding="utf-8"))
                earlier = (previous / path.name).read_bytes()
                if found["version"] == _writing_version() and hashlib.sha256(earlier).hexdigest() == found["sha256"]:
                    self.old, self.earlier = dict(found["blocks"]), earlier
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                self.old, self.earlier = {}, b""

    def write(self, out: BinaryIO, layout: _Blocks, lines: Iterable[str], make: Callable[[list[str]], bytes]) -> None:
        """The file of these sorted lines, one block a subject (`make` turns a subject's
        lines into its block), each taken from the earlier file when it can be."""
        assert self.index is not None
        counted = _Counted(out)
        blocks: dict[str, list] = {}

        def made() -> Iterator[bytes]:
            for subject, group in groupby(lines, _subject):
                group = list(group)
                key = _lines_key(group)
                old = self.old.get(subject)
                block = self.earlier[old[1]:old[2]] if old is not None and old[0] == key else make(group)
                start = counted.position + len(layout.separator[not blocks:])
                blocks[subject] = [key, start, start + len(block)]
                yield block

        layout.write(counted, made())  # type: ignore[arg-type]
        record = {"version": _writing_version(), "sha256": counted.digest.hexdigest(), "blocks": blocks}
        write_atomic(self.index, json.dumps(record, ensure_ascii=False).encode("utf-8"))  # no indent: the C encoder


class _Counted:
    """A writer that counts the bytes through it (where each block lands) and hashes them."""

    def __init__(self, out: BinaryIO) -> None:
        self.out, self.position, self.digest = out, 0, hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.out.write(data)
        self.digest.update(data)
        self.position += len(data)


def _subject(line: str) -> str:
    return line[: line.index(" ")]


# --------------------------------------------------------------------------- the exporters


def _ntriples(source: Source, path: Path, out: BinaryIO) -> None:
    for line in source.iter_lines():
        out.write(line.encode("utf-8"))


def _jsonld(source: Source, path: Path, out: BinaryIO) -> None:
    reuse = _BlockReuse(source, path)
    if reuse.index is None:
        write_jsonld(source.iter_triples(), out)
    else:
        reuse.write(out, _JSONLD, source.iter_lines(), _jsonld_block)


def _owl(source: Source, path: Path, out: BinaryIO) -> None:
    reuse = _BlockReuse(source, path)
    if reuse.index is None:
        write_owl(source.iter_lines(), source.iter_triples(), out)
    else:
        reuse.write(out, _OWL, _owl_lines(source.iter_lines()), _owl_block)


# Each writer gets the file's final path: the JSON-LD and OWL writers reuse the blocks of
# the earlier build's file (_BlockReuse).
_FILES: dict[str, Callable[[Source, Path, BinaryIO], None]] = {
    "effikg.ttl": lambda source, path, out: write_turtle(source.iter_triples(), out),
    "effikg.nt": _ntriples,
    "effikg.jsonld": _jsonld,
    "effikg.owl": _owl,
}


def _save(graph: GraphLike, out_dir: Path, names: Iterable[str]) -> list[Path]:
    """Write the named files, each streamed from the graph's sorted lines; nothing is
    written if any of them fails (the OWL file's check for what XML 1.0 cannot carry
    runs as it is written, in its own pass over the lines)."""
    source = as_source(graph)
    names = list(names)
    writers = {Path(out_dir) / name: partial(_FILES[name], source, Path(out_dir) / name) for name in names}
    return write_atomic_streams(writers)


def save_ttl(graph: GraphLike, out_dir: Path) -> list[Path]:
    """Write out_dir/effikg.ttl, the graph every other command reads."""
    return _save(graph, out_dir, ["effikg.ttl"])


def save_nt(graph: GraphLike, out_dir: Path) -> list[Path]:
    """Write out_dir/effikg.nt: one triple a line, sorted."""
    return _save(graph, out_dir, ["effikg.nt"])


def save_jsonld(graph: GraphLike, out_dir: Path) -> list[Path]:
    """Write out_dir/effikg.jsonld, its @context mapping to the ontology."""
    return _save(graph, out_dir, ["effikg.jsonld"])


def save_owl(graph: GraphLike, out_dir: Path) -> list[Path]:
    """Write out_dir/effikg.owl: the ontology and the data as one RDF/XML file, for Protégé."""
    return _save(graph, out_dir, ["effikg.owl"])


def save_rdf(graph: GraphLike, out_dir: Path, *, turtle: bool = False) -> list[Path]:
    """Write effikg.nt, effikg.jsonld and effikg.owl (and effikg.ttl with turtle=True) into
    out_dir from one pass over the graph; nothing is written if any of them fails."""
    return _save(graph, out_dir, [*(["effikg.ttl"] if turtle else []), "effikg.nt", "effikg.jsonld", "effikg.owl"])
