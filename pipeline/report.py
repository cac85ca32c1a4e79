"""`effikg report`: a Markdown summary of a built graph, with top-N tables and PNG plots.

Reads only the built graph (never re-runs extraction). Every number in the report comes
from a SPARQL query over that graph, so the report and `effikg query` cannot disagree.
The output is deterministic: rows sorted by count then label, no timestamps or absolute
paths in the Markdown, PNGs written without the Software/date metadata matplotlib adds.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import rdflib
from rdflib import RDF, RDFS, Literal, URIRef

from pipeline.records import RELATIONS

EKG = rdflib.Namespace("https://w3id.org/effikg/ontology#")
RES = "https://w3id.org/effikg/resource/"

PREFIXES = """
PREFIX ekg: <https://w3id.org/effikg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""

# Classes whose name says nothing about a hardware's kind.
_GENERIC_HARDWARE = {EKG.Hardware, EKG.Baseline}
# Metrics whose "x" figures are speedups (a "4x less memory" is not).
SPEEDUP_METRICS = (EKG.Speed, EKG.Throughput)
# Matplotlib stamps its version into PNG text chunks unless told not to.
_PNG_METADATA: dict[str, str | None] = {"Software": None}


class ReportError(Exception):
    """The graph could not be read or is not an effikg build; one line, names the file."""


@dataclass(frozen=True)
class Table:
    """One Markdown table: a title, column names and rows of cells."""

    key: str  # stable name, used by tests and for plot file names
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | int, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class Plot:
    """One horizontal bar chart drawn from a table's label and count columns."""

    name: str  # file name without suffix
    title: str
    xlabel: str
    bars: tuple[tuple[str, int], ...]  # (label, value), drawn top to bottom


def read_graph(path: Path) -> rdflib.Graph:
    """Parse a built graph; a missing or unreadable file is a ReportError naming it."""
    path = Path(path)
    if not path.is_file():
        raise ReportError(f"{path}: no such file (run `effikg build` first)")
    fmt = rdflib.util.guess_format(str(path)) or "turtle"
    graph = rdflib.Graph()
    try:
        graph.parse(path, format=fmt)
    except Exception as err:  # rdflib raises many parser-specific types
        # Parser messages span lines; the report's error must stay on one.
        detail = " ".join(str(err).split())[:200] or type(err).__name__
        raise ReportError(f"{path}: cannot parse as {fmt}: {detail}") from None
    if (None, RDF.type, EKG.Paper) not in graph:
        raise ReportError(f"{path}: no ekg:Paper in this graph; is it an effikg build?")
    return graph


def _select(graph: rdflib.Graph, query: str) -> list[tuple]:
    return [tuple(row) for row in graph.query(PREFIXES + query)]


def _count(graph: rdflib.Graph, query: str) -> int:
    (row,) = _select(graph, query)
    return int(row[0])


def _label(graph: rdflib.Graph, node: rdflib.term.Node) -> str:
    """The rdfs:label (the smallest when several, for determinism), else the IRI's tail."""
    labels = sorted(str(o) for o in graph.objects(node, RDFS.label))
    if labels:
        return labels[0]
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _short(graph: rdflib.Graph, iri: URIRef) -> str:
    """A prefixed name (ekg:Method) for class and predicate tables."""
    try:
        prefix, _, name = graph.namespace_manager.compute_qname(iri, generate=False)
    except (KeyError, ValueError):
        return f"<{iri}>"
    return f"{prefix}:{name}" if prefix else name


def _decimal(value: Literal | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _number(value: Decimal) -> str:
    """2.310 -> "2.31", 40 -> "40": plain notation, no exponent."""
    text = format(value.normalize(), "f")
    return text


def _ranked(rows: Iterable[tuple], top: int | None) -> tuple[tuple, ...]:
    """Sort by the count columns (descending) then the label; keep the first `top`."""
    ordered = sorted(rows, key=lambda r: (*(-c for c in r[1:] if isinstance(c, int)), r[0]))
    return tuple(ordered[:top] if top is not None else ordered)


# --------------------------------------------------------------------------- tables


def to_corpus_table(graph: rdflib.Graph) -> Table:
    """Papers, with and without methods, claims, entities and triples."""
    papers = _count(graph, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a ekg:Paper }")
    with_methods = _count(
        graph, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a ekg:Paper ; ekg:proposes ?m }"
    )
    with_claims = _count(
        graph,
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?c a ekg:Claim ; prov:wasDerivedFrom ?p }",
    )
    claims = _count(graph, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a ekg:Claim }")
    with_figure = _count(
        graph, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a ekg:Claim ; ekg:value ?v }"
    )
    proposed = _count(
        graph, "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?p a ekg:Paper ; ekg:proposes ?m }"
    )
    rows: list[tuple[str, int]] = [
        ("Papers", papers),
        ("Papers that name a method of their own", with_methods),
        ("Papers without a named method", papers - with_methods),
        ("Papers with at least one claim", with_claims),
        ("Claims", claims),
        ("Claims with a figure", with_figure),
        ("Methods proposed by a paper", proposed),
    ]
    for cls, name in ((EKG.Method, "Methods"), (EKG.Hardware, "Hardware"),
                      (EKG.Baseline, "Baselines (outperformed by some method)")):
        rows.append((name, _count(
            graph, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a <{cls}> }}"
        )))
    rows.append(("Metrics improved by some method", _count(
        graph, "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?m ekg:improves ?x }"
    )))
    rows.append(("Triples", len(graph)))
    return Table("corpus", "Corpus", ("", "count"), tuple(rows))


def to_class_table(graph: rdflib.Graph) -> Table:
    """Instances per ontology class (a node counts once in each class it is typed with)."""
    found = _select(graph, f"""
        SELECT ?cls (COUNT(DISTINCT ?x) AS ?n) WHERE {{
            ?x a ?cls . FILTER(STRSTARTS(STR(?cls), "{EKG}"))
        }} GROUP BY ?cls""")
    rows = _ranked(((_short(graph, cls), int(n)) for cls, n in found), None)
    return Table("classes", "Instances per class", ("class", "instances"), rows)


def to_relation_table(graph: rdflib.Graph) -> Table:
    """For each direct relation: triples, claims that state it, subjects and objects."""
    rows = []
    for relation in RELATIONS:
        prop = EKG[relation]
        triples, subjects, objects = _select(graph, f"""
            SELECT (COUNT(*) AS ?t) (COUNT(DISTINCT ?s) AS ?ns) (COUNT(DISTINCT ?o) AS ?no)
            WHERE {{ ?s <{prop}> ?o }}""")[0]
        claims = _count(graph, f"""
            SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a ekg:Claim ; ekg:relation "{relation}" }}""")
        multi = _count(graph, f"""
            SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{
                ?a a ekg:Assertion ; ekg:relation "{relation}" ; ekg:supportCount ?k .
                FILTER(?k >= 2) }}""")
        rows.append((f"ekg:{relation}", int(triples), claims, int(subjects), int(objects), multi))
    return Table(
        "relations", "Direct relations",
        ("relation", "triples", "claims", "methods", "objects", "stated by 2+ papers"),
        tuple(rows),
    )


def to_predicate_table(graph: rdflib.Graph) -> Table:
    """Triples per predicate, over the whole graph."""
    found = _select(graph, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")
    rows = _ranked(((_short(graph, p), int(n)) for p, n in found), None)
    return Table("predicates", "Triples per predicate", ("predicate", "triples"), rows)


def _hardware_kind(graph: rdflib.Graph, node: rdflib.term.Node) -> str:
    """The most specific kind(s) of a hardware: MobileDevice, not also EdgeDevice."""
    from pipeline.graph import hardware_kinds

    chains = hardware_kinds()  # kind name -> itself and its super-classes
    kinds = {
        cls for cls in graph.objects(node, RDF.type)
        if str(cls).startswith(str(EKG)) and cls not in _GENERIC_HARDWARE
    }
    ancestors = {
        a for k in kinds for a in chains.get(str(k)[len(str(EKG)):], ()) if a != k
    }
    return ", ".join(sorted(str(k)[len(str(EKG)):] for k in kinds - ancestors))


def to_hardware_table(graph: rdflib.Graph, top: int | None = 10) -> Table:
    """The hardware most targeted: distinct methods, then distinct papers, that target it."""
    found = _select(graph, """
        SELECT ?h (COUNT(DISTINCT ?m) AS ?methods) (COUNT(DISTINCT ?p) AS ?papers) WHERE {
            ?m ekg:targets ?h .
            OPTIONAL { ?c ekg:relation "targets" ; ekg:method ?m ; ekg:hardware ?h ;
                          prov:wasDerivedFrom ?p }
        } GROUP BY ?h""")
    ranked = _ranked(((_label(graph, h), int(m), int(p), h) for h, m, p in found), top)
    rows = tuple((label, _hardware_kind(graph, h), m, p) for label, m, p, h in ranked)
    return Table(
        "hardware", "Hardware most targeted", ("hardware", "kind", "methods", "papers"), rows,
        note="methods: distinct methods that target it; papers: distinct papers stating it.",
    )


def to_metric_table(graph: rdflib.Graph, top: int | None = 10) -> Table:
    """The metrics most improved: distinct methods, then claims, then claims with a figure."""
    found = _select(graph, """
        SELECT ?x (COUNT(DISTINCT ?m) AS ?methods) (COUNT(DISTINCT ?c) AS ?claims)
               (COUNT(DISTINCT ?f) AS ?figures) WHERE {
            ?m ekg:improves ?x .
            OPTIONAL { ?c ekg:relation "improves" ; ekg:method ?m ; ekg:metric ?x .
                       OPTIONAL { ?c ekg:value ?v . BIND(?c AS ?f) } }
        } GROUP BY ?x""")
    rows = _ranked(((_label(graph, x), int(m), int(c), int(f)) for x, m, c, f in found), top)
    return Table(
        "metrics", "Metrics most improved",
        ("metric", "methods", "claims", "claims with a figure"), rows,
    )


def to_baseline_table(graph: rdflib.Graph, top: int | None = 10) -> Table:
    """The baselines most beaten: distinct methods that outperform each, then papers."""
    found = _select(graph, """
        SELECT ?b (COUNT(DISTINCT ?m) AS ?methods) (COUNT(DISTINCT ?p) AS ?papers) WHERE {
            ?m ekg:outperforms ?b .
            OPTIONAL { ?c ekg:relation "outperforms" ; ekg:method ?m ; ekg:baseline ?b ;
                          prov:wasDerivedFrom ?p }
        } GROUP BY ?b""")
    ranked = _ranked(((_label(graph, b), int(m), int(p), b) for b, m, p in found), top)
    rows = tuple(
        (label, "Hardware" if (b, RDF.type, EKG.Hardware) in graph else "Method", m, p)
        for label, m, p, b in ranked
    )
    return Table(
        "baselines", "Baselines most beaten", ("baseline", "is a", "beaten by methods", "papers"),
        rows,
    )


def to_speedup_table(graph: rdflib.Graph, top: int | None = 10) -> Table:
    """The largest "x" figures on Speed or Throughput, one row per stated result.

    One sentence often yields several claims with the same figure (improves Speed, and
    outperforms vLLM); they are merged into one row so a result is not counted twice.
    """
    metrics = " ".join(f"<{m}>" for m in SPEEDUP_METRICS)
    found = _select(graph, f"""
        SELECT ?c ?m ?v ?text ?p ?x ?h ?b WHERE {{
            ?c a ekg:Claim ; ekg:method ?m ; ekg:value ?v ; ekg:unit "x" ; ekg:metric ?x ;
               prov:wasDerivedFrom ?p .
            VALUES ?x {{ {metrics} }}
            OPTIONAL {{ ?c ekg:figureText ?text }}
            OPTIONAL {{ ?c ekg:hardware ?h }}
            OPTIONAL {{ ?c ekg:baseline ?b }}
        }}""")
    merged: dict[tuple, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for _c, m, v, text, p, x, h, b in found:
        value = _decimal(v)
        if value is None:
            continue
        key = (value, _label(graph, m), str(text or _number(value) + "x"), _label(graph, p))
        merged[key]["metric"].add(_label(graph, x))
        if h is not None:
            merged[key]["hardware"].add(_label(graph, h))
        if b is not None:
            merged[key]["baseline"].add(_label(graph, b))
    ordered = sorted(merged.items(), key=lambda kv: (-kv[0][0], kv[0][1], kv[0][3], kv[0][2]))
    rows = tuple(
        (_number(value) + "x", method, ", ".join(sorted(parts["metric"])),
         ", ".join(sorted(parts["hardware"])), ", ".join(sorted(parts["baseline"])), text, paper)
        for (value, method, text, paper), parts in ordered[: top if top is not None else None]
    )
    return Table(
        "speedups", "Best reported speedups",
        ("speedup", "method", "metric", "hardware", "baseline", "as written", "paper"), rows,
        note="Figures in x on Speed or Throughput, largest first; one row per stated result.",
    )


def to_tables(graph: rdflib.Graph, top: int = 10) -> dict[str, Table]:
    """Every table of the report, by key, in the order the report shows them."""
    tables = [
        to_corpus_table(graph),
        to_relation_table(graph),
        to_class_table(graph),
        to_hardware_table(graph, top),
        to_metric_table(graph, top),
        to_baseline_table(graph, top),
        to_speedup_table(graph, top),
        to_predicate_table(graph),
    ]
    return {t.key: t for t in tables}


# --------------------------------------------------------------------------- plots


def to_plots(tables: dict[str, Table]) -> list[Plot]:
    """The charts: most-targeted hardware, metrics improved, most-beaten baselines, claims."""
    return [
        Plot("hardware_most_targeted", "Hardware most targeted", "methods that target it",
             tuple((str(r[0]), int(r[2])) for r in tables["hardware"].rows)),
        Plot("metrics_improved", "Metrics improved", "methods that improve it",
             tuple((str(r[0]), int(r[1])) for r in tables["metrics"].rows)),
        Plot("baselines_most_beaten", "Baselines most beaten", "methods that outperform it",
             tuple((str(r[0]), int(r[2])) for r in tables["baselines"].rows)),
        Plot("claims_per_relation", "Claims per relation", "claims",
             tuple((str(r[0]).removeprefix("ekg:"), int(r[2])) for r in tables["relations"].rows)),
    ]


def save_plot(plot: Plot, path: Path) -> None:
    """Draw one bar chart to a PNG with no run-dependent metadata."""
    # The object API (not pyplot) keeps no global figure state between calls.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    height = 1.2 + 0.35 * max(len(plot.bars), 1)
    fig = Figure(figsize=(7.0, height), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    if plot.bars:
        labels = [label if len(label) <= 40 else label[:39] + "…" for label, _ in plot.bars]
        values = [value for _, value in plot.bars]
        positions = list(range(len(values)))
        ax.barh(positions, values, color="#3a6ea5")
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()  # largest first, as in the table
        ax.xaxis.get_major_locator().set_params(integer=True)
    else:
        ax.text(0.5, 0.5, "no data in this graph", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_yticks([])
    ax.set_title(plot.title)
    ax.set_xlabel(plot.xlabel)
    fig.tight_layout()
    fig.savefig(path, format="png", metadata=_PNG_METADATA)


# --------------------------------------------------------------------------- markdown


def _cell(value: str | int) -> str:
    text = " ".join(str(value).split())  # evidence may hold newlines
    return text.replace("|", "\\|") or " "


def to_markdown_table(table: Table) -> str:
    lines = [
        "| " + " | ".join(_cell(c) for c in table.columns) + " |",
        "|" + "|".join("---:" if isinstance(table.rows[0][i], int) else "---"
                       for i in range(len(table.columns))) + "|"
        if table.rows else "|" + "|".join("---" for _ in table.columns) + "|",
    ]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    if not table.rows:
        lines.append("| " + " | ".join(["(none)"] + [" "] * (len(table.columns) - 1)) + " |")
    return "\n".join(lines)


def to_markdown(
    tables: dict[str, Table], plots: Sequence[tuple[Plot, str]], graph_name: str, top: int
) -> str:
    """The report as Markdown; `plots` pairs each plot with its path relative to the report."""
    images = {plot.name: (plot.title, rel) for plot, rel in plots}

    def section(key: str, level: str = "##", image: str | None = None) -> list[str]:
        table = tables[key]
        out = [f"{level} {table.title}", ""]
        if table.note:
            out += [table.note, ""]
        out += [to_markdown_table(table), ""]
        if image is not None:
            title, rel = images[image]
            out += [f"![{title}]({rel})", ""]
        return out

    lines = [
        "# effikg report",
        "",
        f"Statistics of `{graph_name}`, written by `effikg report`. Top-{top} tables rank by "
        "distinct methods, then papers, then name.",
        "",
    ]
    lines += section("corpus")
    lines += section("relations", image="claims_per_relation")
    lines += section("classes")
    lines += section("hardware", image="hardware_most_targeted")
    lines += section("metrics", image="metrics_improved")
    lines += section("baselines", image="baselines_most_beaten")
    lines += section("speedups")
    lines += section("predicates")
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------- writing


def plot_dir_for(out_path: Path) -> Path:
    """graphs/report.md -> graphs/report/ (the folder its PNGs go in)."""
    return out_path.with_suffix("")


def write_report(graph_path: Path, out_path: Path, *, top: int = 10) -> list[Path]:
    """Write the Markdown report and its PNG plots; return the files written, sorted.

    Everything is rendered into a scratch folder first and moved into place file by file,
    so a failure never leaves a half-written report.
    """
    graph_path, out_path = Path(graph_path), Path(out_path)
    if top < 1:
        raise ReportError(f"top must be at least 1, not {top}")
    graph = read_graph(graph_path)
    tables = to_tables(graph, top)
    plots = to_plots(tables)
    plot_dir = plot_dir_for(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    rel_dir = plot_dir.name
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix=".effikg-report-", dir=out_path.parent) as tmp:
        scratch = Path(tmp)
        staged: list[tuple[Path, Path]] = []
        for plot in plots:
            staged_png = scratch / f"{plot.name}.png"
            save_plot(plot, staged_png)
            staged.append((staged_png, plot_dir / staged_png.name))
        markdown = to_markdown(
            tables, [(p, f"{rel_dir}/{p.name}.png") for p in plots], graph_path.name, top
        )
        staged_md = scratch / "report.md"
        staged_md.write_text(markdown, encoding="utf-8", newline="\n")
        staged.append((staged_md, out_path))
        plot_dir.mkdir(parents=True, exist_ok=True)
        for src, dest in staged:
            os.replace(src, dest)
            written.append(dest)
    return sorted(written)
