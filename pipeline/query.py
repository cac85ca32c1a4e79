"""Named SPARQL queries (ontology/queries/*.rq) and ad-hoc ones, run over the built graph.

A named query is a plain SPARQL file whose leading comment says what it answers and
declares its parameters with a default:

    # Which methods target a given hardware?
    # param: hardware = "NVIDIA A100 GPU"

In the body a parameter is the variable `$hardware` (SPARQL reads `$x` as `?x`, so the file
stays valid SPARQL for any tool). Before running, each `$name` is replaced by the value as
a SPARQL term of the default's kind: a string literal, a number or an <IRI>.

Queries run on the data *and* the ontology (as in effikg.owl), so class labels and the
sub-class hierarchy (GPU ⊑ Hardware) are there to query. The engine is Oxigraph, the
same one `effikg serve` answers with.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef

from pipeline.errors import QueryError
from pipeline.normalize import counted
from pipeline.export.ntriples import ontology_lines, to_ntriples, to_ntriples_lines, to_rdflib
from pipeline.terms import PREFIXES

FORMATS = ("table", "csv", "json")
_PARAM_LINE = re.compile(r"#\s*param:\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+?)\s*$")
_MATCH_LINE = re.compile(r"#\s*match:\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\S+)\s*$")
_ERROR_AT = re.compile(r"error at (\d+):(\d+)")
_PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_IRI = re.compile(r"<([^<>\"{}|^`\\\s]*)>")
_QUERY_START = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE|PREFIX|BASE)\b", re.IGNORECASE)
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_TABLE_CELL = 60  # the table view cuts long cells (sentences); csv and json keep them whole


@dataclass(frozen=True)
class Param:
    name: str
    default: str  # as written in the declaration: "text", 3, <iri>
    match: str | None = None  # what the value names (pipeline.query_match.MATCHABLE), if declared

    @property
    def kind(self) -> str:
        if _STRING.fullmatch(self.default):
            return "string"
        if _NUMBER.fullmatch(self.default):
            return "number"
        if _IRI.fullmatch(self.default):
            return "iri"
        raise QueryError(f"parameter {self.name}: default {self.default} is not a string, number or <IRI>")

    @property
    def default_value(self) -> str:
        """The default as a user would type it on the command line."""
        if self.kind == "string":
            return json.loads(self.default)
        if self.kind == "iri":
            return self.default[1:-1]
        return self.default


@dataclass(frozen=True)
class NamedQuery:
    name: str  # the file name without .rq
    description: str  # the leading comment, parameter lines excepted
    params: tuple[Param, ...]
    text: str  # the SPARQL as written, $params unbound
    source: str = ""  # where it was read from

    def to_sparql(self, values: Mapping[str, str] | None = None) -> str:
        """The query with every $param replaced by its value (or its default)."""
        values = dict(values or {})
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            takes = ", ".join(known) or "no parameters"
            raise QueryError(f"query {self.name} has no parameter {', '.join(unknown)}; it takes {takes}")
        terms = {
            name: to_term(p.kind, values[name], name) if name in values else p.default
            for name, p in known.items()
        }
        return _PARAM_USE.sub(lambda m: terms.get(m.group(1), m.group(0)), self.text)


def to_term(kind: str, value: str, name: str) -> str:
    """A parameter value as a SPARQL term of the given kind."""
    if kind == "string":
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'
    if kind == "number":
        if not _NUMBER.fullmatch(value.strip()):
            raise QueryError(f"parameter {name} must be a number, not {value!r}")
        return value.strip()
    iri = value.strip()
    iri = iri[1:-1] if iri.startswith("<") and iri.endswith(">") else iri
    if not _IRI.fullmatch(f"<{iri}>"):
        raise QueryError(f"parameter {name} must be an IRI, not {value!r}")
    return f"<{iri}>"


def _guess_kind(value: str) -> str:
    if _IRI.fullmatch(value.strip()):
        return "iri"
    return "number" if _NUMBER.fullmatch(value.strip()) else "string"


def read_query(text: str, name: str, source: str = "") -> NamedQuery:
    """A query from its text: the leading comment block is its description and parameters."""
    description: list[str] = []
    params: list[Param] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _PARAM_LINE.match(stripped)
        if match:
            param = Param(match.group(1), match.group(2))
            param.kind  # noqa: B018 - validates the default now, with the file's name
            params.append(param)
        elif (matches := _MATCH_LINE.match(stripped)) is not None:
            params = _with_match(params, matches.group(1), matches.group(2), source or name)
        else:
            description.append(stripped.lstrip("#").strip())
    declared = {p.name for p in params}
    used = set(_PARAM_USE.findall(text))
    if used - declared and source:
        raise QueryError(f"{source}: ${', $'.join(sorted(used - declared))} used but not declared as # param:")
    if declared - used:
        raise QueryError(f"{source or name}: parameter {', '.join(sorted(declared - used))} declared but never used")
    return NamedQuery(name, " ".join(description), tuple(params), text, source)


def _with_match(params: list[Param], name: str, match: str, where: str) -> list[Param]:
    """`# match: name = CLASS` after `# param: name = ...`: the parameter names a CLASS."""
    from pipeline.query_match import MATCHABLE

    if match not in MATCHABLE:
        raise QueryError(f"{where}: # match: {name} = {match}: use one of {', '.join(MATCHABLE)}")
    if name not in {p.name for p in params}:
        raise QueryError(f"{where}: # match: {name} comes before (or without) its # param: line")
    return [Param(p.name, p.default, match) if p.name == name else p for p in params]


def list_queries() -> list[NamedQuery]:
    """The named queries installed with the package (ontology/queries/*.rq), by name."""
    folder = resources.files("pipeline.ontology").joinpath("queries")
    found = [
        read_query(entry.read_text(encoding="utf-8"), entry.name[: -len(".rq")], f"queries/{entry.name}")
        for entry in folder.iterdir()
        if entry.name.endswith(".rq")
    ]
    return sorted(found, key=lambda q: q.name)


def _is_file(spec: str) -> bool:
    try:
        return "\n" not in spec and Path(spec).is_file()
    except OSError:  # a long SPARQL text is no file name
        return False


def find_query(name_or_file_or_text: str) -> NamedQuery:
    """A named query, a .rq file, or SPARQL text (in that order of precedence)."""
    spec = name_or_file_or_text
    named = {q.name: q for q in list_queries()}
    if spec in named:
        return named[spec]
    if spec.endswith(".rq") or _is_file(spec):
        path = Path(spec)
        if not path.is_file():
            raise QueryError(f"{spec}: no such query file")
        try:
            return read_query(path.read_text(encoding="utf-8"), path.stem, str(path))
        except UnicodeDecodeError:
            raise QueryError(f"{spec}: not a UTF-8 text file") from None
    if _QUERY_START.search(spec):
        return NamedQuery("query", "", (), spec)
    from pipeline.query_match import did_you_mean

    raise QueryError(f"unknown query {spec!r}.{did_you_mean(spec, named)} Run `effikg query --list` "
                     "for the named ones, or pass a .rq file or SPARQL text")


def with_prefixes(sparql: str) -> str:
    """Declare the effikg prefixes a query uses but does not declare itself."""
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([A-Za-z][\w.-]*)?:", sparql, re.IGNORECASE)}
    missing = [
        f"PREFIX {prefix}: <{ns}>\n"
        for prefix, ns in sorted(PREFIXES.items())
        if prefix not in declared and re.search(rf"(?<![\w<\"']){re.escape(prefix)}:", sparql)
    ]
    return "".join(missing) + sparql


def to_bound_sparql(query: NamedQuery, params: Mapping[str, str] | None = None) -> str:
    """The SPARQL text to send anywhere: prefixes declared, parameters bound."""
    params = dict(params or {})
    if query.params or not params:
        text = query.to_sparql(params)
    else:  # ad-hoc text or an undeclared file: $name gets a term of the value's own kind
        missing = sorted(set(params) - set(_PARAM_USE.findall(query.text)))
        if missing:
            raise QueryError(f"the query uses no ${', $'.join(missing)}")
        text = _PARAM_USE.sub(
            lambda m: to_term(_guess_kind(params[m.group(1)]), params[m.group(1)], m.group(1))
            if m.group(1) in params else m.group(0),
            query.text,
        )
    return with_prefixes(text)


# --------------------------------------------------------------------------- results


Term = URIRef | Literal | BNode


@dataclass(frozen=True)
class QueryResult:
    """Rows of a SELECT (or the triples of a CONSTRUCT, or an ASK's answer)."""

    vars: tuple[str, ...]
    rows: tuple[tuple[Term | None, ...], ...] = ()
    boolean: bool | None = None  # ASK queries only
    sparql: str = field(default="", compare=False)

    def records(self) -> list[dict[str, str | None]]:
        """Rows as dicts of plain strings (IRIs, lexical forms), unbound as None."""
        return [{v: (None if t is None else str(t)) for v, t in zip(self.vars, row)} for row in self.rows]

    def to_json(self) -> str:
        """W3C SPARQL 1.1 Query Results JSON, what an endpoint returns."""
        if self.boolean is not None:
            doc: dict = {"head": {}, "boolean": self.boolean}
        else:
            doc = {
                "head": {"vars": list(self.vars)},
                "results": {"bindings": [
                    {v: _json_term(t) for v, t in zip(self.vars, row) if t is not None} for row in self.rows
                ]},
            }
        return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"

    def to_csv(self) -> str:
        """W3C SPARQL 1.1 Query Results CSV: plain values, unbound as an empty cell."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        if self.boolean is not None:
            writer.writerow(["boolean"])
            writer.writerow(["true" if self.boolean else "false"])
        else:
            writer.writerow(self.vars)
            for row in self.rows:
                writer.writerow(["" if t is None else _plain(t) for t in row])
        return buf.getvalue()

    def to_table(self) -> str:
        """An aligned text table for a terminal; long cells are cut with an ellipsis."""
        if self.boolean is not None:
            return ("yes" if self.boolean else "no") + "\n"
        cells = [[_cut(_plain(t)) if t is not None else "" for t in row] for row in self.rows]
        widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(self.vars)]
        lines = ["  ".join(v.ljust(w) for v, w in zip(self.vars, widths)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
        lines.append(f"({counted(len(self.rows), 'row')})")
        return "\n".join(lines) + "\n"

    def render(self, format: str = "table") -> str:
        if format not in FORMATS:
            raise QueryError(f"unknown format {format!r}; choose one of: {', '.join(FORMATS)}")
        return {"table": self.to_table, "csv": self.to_csv, "json": self.to_json}[format]()


def _plain(term: Term) -> str:
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _TABLE_CELL else text[: _TABLE_CELL - 1] + "…"


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and str(term.datatype) != _XSD_STRING:
        out["datatype"] = str(term.datatype)
    return out


# --------------------------------------------------------------------------- running


def load_store(graph_or_path: rdflib.Graph | Path | str) -> ox.Store:
    """An Oxigraph store holding the graph and the ontology.

    For a graph file that `effikg build` wrote, and that is unchanged since, that is the
    build's own on-disk store (DIR/.effikg-store, pipeline.store), opened read-only: no
    parse, and nothing of the graph in memory; so it is for the store folder itself.
    Otherwise the file (or an rdflib Graph) is loaded into an in-memory store. Oxigraph
    (Rust) answers the named queries in milliseconds where rdflib's evaluator takes
    seconds, and the same engine serves `effikg serve`.
    """
    from pipeline.store import open_store, open_store_folder

    if isinstance(graph_or_path, rdflib.Graph):
        store = ox.Store()
        store.load(input=to_ntriples(to_ntriples_lines(graph_or_path)), format=ox.RdfFormat.N_TRIPLES)
    else:
        path = Path(graph_or_path)
        if path.is_dir() and (on_disk := open_store_folder(path)) is not None:
            return on_disk
        if not path.is_file():
            raise QueryError(f"{path}: no such graph file (run `effikg build` first)")
        if (on_disk := open_store(path)) is not None:
            return on_disk
        store = ox.Store()  # in memory: made only when the graph file is parsed
        fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower()) or ox.RdfFormat.TURTLE
        try:
            store.load(path=str(path), format=fmt)
        except (SyntaxError, ValueError, OSError) as err:
            raise QueryError(f"{path}: not readable as {fmt.name}: {_first_line(err)}") from None
    store.load(input=_ontology_nt(), format=ox.RdfFormat.N_TRIPLES)
    return store


@lru_cache(maxsize=1)
def _ontology_nt() -> bytes:
    return to_ntriples(ontology_lines())


def _first_line(err: BaseException, limit: int = 240) -> str:
    text = str(err).strip()
    line = text.splitlines()[0] if text else type(err).__name__
    return line if len(line) <= limit else line[: limit - 1] + "…"


def run_sparql(store: ox.Store, sparql: str, source: str = "query") -> QueryResult:
    """Run SPARQL text (prefixes declared, parameters bound) on a store.

    The text is checked first (pipeline.query_check): a query nested past the engine's
    stack would otherwise kill the process, and SERVICE would fetch from other servers.
    """
    from pipeline.query_check import check_query

    if (reason := check_query(sparql)) is not None:
        raise QueryError(f"{source}: {reason}")
    try:
        result = store.query(sparql)
    except SyntaxError as err:
        raise QueryError(f"{source}: {_first_line(err)}{_show_position(sparql, str(err))}") from None
    except (ValueError, OSError) as err:
        raise QueryError(f"{source}: {_first_line(err)}") from None
    if isinstance(result, ox.QueryBoolean):
        return QueryResult((), (), bool(result), sparql)
    if isinstance(result, ox.QueryTriples):
        rows = sorted(tuple(to_rdflib(x) for x in (t.subject, t.predicate, t.object)) for t in result)
        return QueryResult(("subject", "predicate", "object"), tuple(rows), None, sparql)  # type: ignore[arg-type]
    names = tuple(v.value for v in result.variables)
    rows = tuple(tuple(to_rdflib(solution[name]) for name in names) for solution in result)
    return QueryResult(names, rows, None, sparql)


def _show_position(sparql: str, message: str) -> str:
    """The query line a syntax error points at, and a caret under its column."""
    found = _ERROR_AT.search(message)
    lines = sparql.split("\n")
    if found is None or not 1 <= int(found.group(1)) <= len(lines):
        return ""
    number, column = int(found.group(1)), int(found.group(2))
    # Oxigraph counts columns from 1 on the first line, and from the line break before it
    # on the others (so one more there).
    offset = max(column - (1 if number == 1 else 2), 0)
    line = lines[number - 1].replace("\t", " ")
    return f"\n  line {number}: {line}\n  {' ' * (len(f'line {number}: ') + offset)}^"


def match_params(store: ox.Store, query: NamedQuery, params: Mapping[str, str] | None) -> dict[str, str]:
    """Each value of a `# match:` parameter replaced by what it names in the store."""
    from pipeline.query_match import resolve_value

    declared = {p.name: p for p in query.params}
    out = dict(params or {})
    for name, value in out.items():
        param = declared.get(name)
        if param is not None and param.match is not None:
            out[name] = resolve_value(store, param.match, name, value)
    return out


def run_query(
    graph_or_path: rdflib.Graph | ox.Store | Path | str,
    name_or_file_or_text: str,
    params: Mapping[str, str] | None = None,
) -> QueryResult:
    """Run a named query, a .rq file or SPARQL text on a graph, a graph file or a store."""
    query = find_query(name_or_file_or_text)
    to_bound_sparql(query, params)  # an unknown parameter fails before the graph is loaded
    store = graph_or_path if isinstance(graph_or_path, ox.Store) else load_store(graph_or_path)
    sparql = to_bound_sparql(query, match_params(store, query, params))
    return run_sparql(store, sparql, query.source or query.name)


def describe_queries(queries: Sequence[NamedQuery] | None = None) -> str:
    """The text of `effikg query --list`: each name, what it answers, its parameters."""
    out = []
    for q in queries if queries is not None else list_queries():
        params = "".join(f" [--param {p.name}={p.default_value}]" for p in q.params)
        out.append(f"{q.name}{params}\n    {q.description}\n")
    return "".join(out)


def describe_query(name: str) -> str:
    """The text of `effikg query --list NAME`: that query, what its parameters match, its SPARQL."""
    query = find_query(name)
    if not query.source.startswith("queries/"):
        named = [q.name for q in list_queries()]
        from pipeline.query_match import did_you_mean

        raise QueryError(f"no named query {name!r}.{did_you_mean(name, named)} Run `effikg query --list`")
    lines = [describe_queries([query]).rstrip("\n")]
    for p in query.params:
        what = {None: "", "hardware-kind": "; checked against the ontology's hardware classes"}.get(
            p.match, f"; matched against the names and aliases of {p.match}")
        lines.append(f"    --param {p.name} (default {p.default_value}{what})")
    return "\n".join(lines) + "\n\n" + query.text.rstrip("\n") + "\n"
