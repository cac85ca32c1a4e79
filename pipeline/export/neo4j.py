"""Neo4j export: CSVs for `neo4j-admin database import`, a Cypher script, and a README.

The mapping from RDF is in pipeline.export.property_graph. The Cypher script only uses
what Neo4j 5 and FalkorDB (another openCypher engine, which the tests run it on) both
accept: UNWIND over literal lists of maps (FalkorDB has no `:param`), `SET x = map`,
unnamed `CREATE INDEX FOR (n:Label) ON (n.iri)`, and one statement a line group ending
in `;`, which is how cypher-shell splits a file.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path

from pipeline.errors import ExportError
from pipeline.export.property_graph import PropertyGraphStream, Value
from pipeline.export.source import GraphLike, as_source
from pipeline.files import new_file_mode

BATCH = 500  # rows a statement: big enough to be fast, small enough for any server's limits
ARRAY_DELIMITERS = ";|^~"
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


# --------------------------------------------------------------------------- Cypher


def _cypher_string(text: str) -> str:
    # Five replaces, not str.translate: a table lookup a character is six times slower on
    # the sentences and IRIs every row holds.
    return '"' + (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
                  .replace("\t", "\\t")) + '"'


def _cypher_value(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ExportError(f"cannot write {value} as a Cypher number")
        return repr(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(_cypher_value(v) for v in value) + "]"
    return _cypher_string(value)


def _cypher_key(key: str) -> str:
    return key if _IDENT.match(key) else "`" + key.replace("`", "``") + "`"


def _cypher_map(pairs: Iterable[tuple[str, Value]]) -> str:
    return "{" + ", ".join(f"{_cypher_key(k)}: {_cypher_value(v)}" for k, v in pairs) + "}"


def _labels(labels: Sequence[str]) -> str:
    return "".join(":" + _cypher_key(label) for label in labels)


def read_cypher_statements(script: str) -> list[str]:
    """Split a script written by save_neo4j (effikg.cypher) into statements, as cypher-shell does.

    Strings never hold a raw newline (they are escaped; other control characters are kept
    as they are, since FalkorDB reads no \\u escapes), so a statement ends at a line that
    ends with ';'; `//` comment lines are dropped.
    """
    statements: list[str] = []
    current: list[str] = []
    for line in script.split("\n"):
        if not current and (not line.strip() or line.lstrip().startswith("//")):
            continue
        current.append(line)
        if line.endswith(";"):
            statements.append("\n".join(current)[:-1])
            current = []
    if current:
        statements.append("\n".join(current))
    return statements


# --------------------------------------------------------------------------- CSV


def _csv_cell(value: Value | None, is_array: bool, delimiter: str) -> str:
    if value is None:
        return ""
    items = value if isinstance(value, tuple) else (value,)
    text = [("true" if x else "false") if isinstance(x, bool) else str(x) for x in items]
    return delimiter.join(text) if is_array else text[0]


def _header(name: str, base: str, is_array: bool) -> str:
    return name if base == "string" and not is_array else f"{name}:{base}{'[]' if is_array else ''}"


# --------------------------------------------------------------------------- README


_README = """# effikg in Neo4j

Two ways to load the same graph: pick one.

## 1. Bulk import into an empty database (fastest)

Copy the CSV files of this folder into the `import/` folder of your Neo4j 5 home, stop the
database, then from the Neo4j home run:

```sh
bin/neo4j-admin database import full neo4j --overwrite-destination \\
    --multiline-fields=true --array-delimiter="{delimiter}" \\
    {nodes_args} \\
    {rels_args}
```

The database name (`neo4j`) comes right after `full`: since Neo4j 5.19 a name after the
`--nodes` / `--relationships` lists is read as one more file.

Node ids are the IRIs of the RDF graph (`iri:ID`, stored as the property `iri`).
List properties (`altLabel`, ...) are joined with `{delimiter}`; text cells may span lines.

## 2. Cypher over a running database

```sh
cypher-shell -a neo4j://localhost:7687 -u neo4j -p PASSWORD -f effikg.cypher
```

The script creates an index on `iri` for each label, then the nodes and relationships with
`UNWIND` over literal lists rather than `:param` (FalkorDB, the other openCypher engine
the tests run this script on, has no `:param`). Run it once, on an empty database.

## From RDF to a property graph

- Nodes: every paper, method, hardware and metric, labelled by its effikg classes
  (`Method`, `Baseline`, `Hardware`, `GPU`, ...), with its literal values as properties
  keyed by local name (`label`, `altLabel`, `title`, `arxivId`, ...) and `iri`.
- `PROPOSES`: paper to method.
- `TARGETS`, `IMPROVES`, `OUTPERFORMS`: one relationship **per claim** from the method to the
  hardware / metric / baseline, carrying what the claim says: `figure` (as written),
  `value`, `unit`, `direction`, `evidence` (the sentence), `evidenceStart`, `evidenceEnd`,
  `confidence`, `paper` (the paper's IRI), `claim` (the claim's IRI), `support` (how many
  papers state that method-relation-object triple) and any context `hardware`, `metric` or
  `baseline` the sentence states (IRIs). So a triple stated by three claims is three
  parallel relationships; count distinct end points for the direct triples:
  `MATCH (m:Method)-[:TARGETS]->(h) RETURN m.label, collect(DISTINCT h.label)`.
- Claims and assertions are not nodes: what they hold is on the relationships.

| label | nodes |
|---|---|
{counts}

| type | relationships |
|---|---|
{rel_counts}
"""


# --------------------------------------------------------------------------- entry point


class _Columns:
    """A group's columns, gathered row by row: each property's neo4j-admin type (boolean,
    long, double, else string) and whether it is an array."""

    def __init__(self) -> None:
        self.seen: dict[str, list[bool]] = {}  # key -> [any array, any value, all bool, all int, all number]

    def add(self, props: Iterable[tuple[str, Value]]) -> None:
        for key, value in props:
            state = self.seen.setdefault(key, [False, False, True, True, True])
            state[0] |= isinstance(value, tuple)
            for x in value if isinstance(value, tuple) else (value,):
                state[1] = True
                state[2] &= isinstance(x, bool)
                state[3] &= isinstance(x, int) and not isinstance(x, bool)
                state[4] &= isinstance(x, (int, float)) and not isinstance(x, bool)

    def columns(self) -> list[tuple[str, str, bool]]:
        out = []
        for key in sorted(self.seen):
            is_array, any_value, all_bool, all_int, all_num = self.seen[key]
            base = ("boolean" if all_bool else "long" if all_int else "double" if all_num else "string") if any_value \
                else "string"
            out.append((key, base, is_array))
        return out


class _Plan:
    """The first pass over the property graph: counts, columns, the array delimiter, each
    node's primary label; what the writing pass needs to know before its first line."""

    def __init__(self, stream: PropertyGraphStream) -> None:
        self.labels: Counter[str] = Counter()
        self.types: Counter[str] = Counter()
        self.node_columns: dict[str, _Columns] = defaultdict(_Columns)
        self.edge_columns: dict[str, _Columns] = defaultdict(_Columns)
        self.primary: dict[str, str] = {}
        used: set[str] = set()
        for node in stream.nodes():
            self.labels.update(node.labels)
            self.primary[node.id] = node.label
            self.node_columns[node.label].add(node.properties)
            used.update(_delimiters_in(node.properties))
        for edge in stream.edges():
            self.types[edge.type] += 1
            self.edge_columns[edge.type].add(edge.properties)
            used.update(_delimiters_in(edge.properties))
        free = [d for d in ARRAY_DELIMITERS if d not in used]
        if not free:
            raise ExportError(f"every array delimiter {ARRAY_DELIMITERS!r} occurs in some list value")
        self.delimiter = free[0]
        self.node_files = {label: f"nodes_{label.lower()}.csv" for label in sorted(self.node_columns)}
        self.rel_files = {t: f"relationships_{t.lower()}.csv" for t in sorted(self.edge_columns)}


def _delimiters_in(props: Iterable[tuple[str, Value]]) -> set[str]:
    return {d for _, v in props if isinstance(v, tuple) for x in v for d in ARRAY_DELIMITERS if d in str(x)}


class _Spool:
    """Text files written side by side in `folder`, each through a temp file, renamed into
    place by commit() (or all removed by discard())."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.files: dict[str, tuple[Path, io.TextIOWrapper]] = {}

    def open(self, name: str) -> io.TextIOWrapper:
        if name not in self.files:
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.folder)
            os.fchmod(fd, new_file_mode())
            self.files[name] = (Path(tmp), open(fd, "w", encoding="utf-8", newline=""))
        return self.files[name][1]

    def read(self, name: str) -> Iterator[str]:
        """The lines of a spooled file (closed first), to copy into another."""
        path, f = self.files.pop(name)
        f.close()
        try:
            with open(path, encoding="utf-8", newline="\n") as lines:
                yield from (line.rstrip("\n") for line in lines)
        finally:
            path.unlink()

    def commit(self) -> list[Path]:
        done = []
        for name, (tmp, f) in sorted(self.files.items()):
            f.flush()
            os.fsync(f.fileno())
            f.close()
            os.replace(tmp, self.folder / name)
            done.append(self.folder / name)
        self.files = {}
        return done

    def discard(self) -> None:
        for tmp, f in self.files.values():
            f.close()
            tmp.unlink(missing_ok=True)


def _write_csvs(stream: PropertyGraphStream, plan: _Plan, spool: _Spool) -> None:
    """The node and relationship CSVs and the Cypher rows (spooled by group), in one pass."""
    d = plan.delimiter
    node_cols = {label: cols.columns() for label, cols in plan.node_columns.items()}
    edge_cols = {t: cols.columns() for t, cols in plan.edge_columns.items()}
    writers = {}
    for label, name in plan.node_files.items():
        writers[name] = csv.writer(spool.open(name), lineterminator="\n")
        writers[name].writerow(["iri:ID", ":LABEL"] + [_header(k, b, a) for k, b, a in node_cols[label]])
    for t, name in plan.rel_files.items():
        writers[name] = csv.writer(spool.open(name), lineterminator="\n")
        writers[name].writerow([":START_ID", ":END_ID", ":TYPE"] + [_header(k, b, a) for k, b, a in edge_cols[t]])
    for node in stream.nodes():
        p = dict(node.properties)
        writers[plan.node_files[node.label]].writerow(
            [node.id, d.join(node.labels)] + [_csv_cell(p.get(k), a, d) for k, _, a in node_cols[node.label]])
        spool.open(".nodes " + " ".join(node.labels)).write(_cypher_map([("iri", node.id), *node.properties]) + "\n")
    for edge in stream.edges():
        p = dict(edge.properties)
        writers[plan.rel_files[edge.type]].writerow(
            [edge.start, edge.end, edge.type] + [_csv_cell(p.get(k), a, d) for k, _, a in edge_cols[edge.type]])
        shape = (edge.type, plan.primary[edge.start], plan.primary[edge.end])
        spool.open(".edges " + " ".join(shape)).write("{start: %s, end: %s, props: %s}\n" % (
            _cypher_string(edge.start), _cypher_string(edge.end), _cypher_map(edge.properties)))


def _write_cypher(plan: _Plan, spool: _Spool) -> None:
    """effikg.cypher from the spooled rows: an index on `iri` a primary label, then UNWIND
    statements of BATCH rows, nodes by label set, relationships by (type, start, end label)."""
    out = spool.open("effikg.cypher")
    out.write("// effikg knowledge graph: run on an empty database with\n"
              "//   cypher-shell -u neo4j -p PASSWORD -f effikg.cypher\n"
              f"// {len(plan.primary)} nodes, {sum(plan.types.values())} relationships; see README.md for the mapping.\n")
    for label in sorted(set(plan.primary.values())):
        out.write(f"CREATE INDEX FOR (n{_labels([label])}) ON (n.iri);\n")
    groups = sorted(tuple(n.split(" ")[1:]) for n in spool.files if n.startswith(".nodes "))
    for labels in groups:
        for statement in _unwind_rows(spool.read(".nodes " + " ".join(labels)), f"CREATE (n{_labels(labels)}) SET n = row"):
            out.write(statement)
    shapes = sorted(tuple(n.split(" ")[1:]) for n in spool.files if n.startswith(".edges "))
    for rel_type, start, end in shapes:
        tail = (
            f"MATCH (a{_labels([start])} {{iri: row.start}})\n"
            f"MATCH (b{_labels([end])} {{iri: row.end}})\n"
            f"CREATE (a)-[r{_labels([rel_type])}]->(b) SET r = row.props"
        )
        for statement in _unwind_rows(spool.read(f".edges {rel_type} {start} {end}"), tail):
            out.write(statement)


def _unwind_rows(rows: Iterable[str], tail: str) -> Iterator[str]:
    """One UNWIND statement a BATCH of rows, streamed."""
    rows = iter(rows)
    while batch := list(islice(rows, BATCH)):
        yield "UNWIND [\n" + ",\n".join(batch) + "\n] AS row\n" + tail + ";\n"


def save_neo4j(graph: GraphLike, out_dir: Path) -> list[Path]:
    """Write out_dir/neo4j/: node and relationship CSVs (one a primary label, one a
    relationship type), effikg.cypher and README.md. The graph is read once, into the
    property graph's spool (pipeline.export.property_graph.PropertyGraphStream); two passes
    over that spool plan the columns, then write."""
    spool = _Spool(Path(out_dir) / "neo4j")
    try:
        with PropertyGraphStream(as_source(graph).view, work=spool.folder) as stream:  # type: ignore[arg-type]
            plan = _Plan(stream)
            _write_csvs(stream, plan, spool)
        _write_cypher(plan, spool)
        spool.open("README.md").write(_readme(plan))
        return spool.commit()
    except BaseException:
        spool.discard()
        raise


def _readme(plan: _Plan) -> str:
    nodes_args = " \\\n    ".join(f"--nodes=import/{f}" for f in sorted(plan.node_files.values()))
    rels_args = " \\\n    ".join(f"--relationships=import/{f}" for f in sorted(plan.rel_files.values()))
    counts = "\n".join(f"| `:{k}` | {v} |" for k, v in sorted(plan.labels.items()))
    rel_counts = "\n".join(f"| `:{k}` | {v} |" for k, v in sorted(plan.types.items()))
    return _README.format(delimiter=plan.delimiter, nodes_args=nodes_args, rels_args=rels_args, counts=counts,
                          rel_counts=rel_counts)


__all__ = ["save_neo4j", "read_cypher_statements"]
