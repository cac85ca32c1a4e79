"""`effikg report`: a Markdown summary of a built graph, with top-N tables and PNG plots.

Reads only the built graph (never re-runs extraction). The top-N tables are the named
queries `effikg query` runs (ontology/queries/*.rq), so the report and the query command
cannot disagree; the corpus statistics are counted by SPARQL over the data alone (without
the ontology that the named queries see). Both run on Oxigraph, through pipeline.query.
The output is deterministic: rows sorted by count then label, no timestamps or absolute
paths in the Markdown, PNGs written without the Software metadata matplotlib adds.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef

from pipeline.errors import QueryError, ReportError
from pipeline.query import load_store, run_query, run_sparql, with_prefixes
from pipeline.records import RELATIONS
from pipeline.terms import EKG, to_curie

# Matplotlib stamps its version into PNG text chunks unless told not to.
_PNG_METADATA: dict[str, str | None] = {"Software": None}


@dataclass(frozen=True)
class Table:
    """One Markdown table: a title, column names and rows of cells."""

    key: str  # stable name, used by tests and to place the table's plot
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


@dataclass(frozen=True)
class Stores:
    """The built graph loaded twice: the data alone (for counting) and data + ontology."""

    data: ox.Store
    full: ox.Store  # what the named queries expect (class labels, sub-class hierarchy)


def read_stores(path: Path) -> Stores:
    """Load a built graph; a missing, unreadable or non-effikg file is a ReportError."""
    path = Path(path)
    try:
        full = load_store(path)  # checks the file exists and parses, with a one-line error
    except QueryError as err:
        raise ReportError(str(err)) from None
    data = ox.Store()
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower()) or ox.RdfFormat.TURTLE
    data.load(path=str(path), format=fmt)
    if not data.query(with_prefixes("ASK { ?p a ekg:Paper }")):
        raise ReportError(f"{path}: no ekg:Paper in this graph; is it an effikg build?")
    return Stores(data, full)


def _select(store: ox.Store, query: str) -> list[tuple]:
    return list(run_sparql(store, with_prefixes(query), "report").rows)


def _count(store: ox.Store, query: str) -> int:
    (row,) = _select(store, query)
    return int(row[0])


def _int(term: Literal | None) -> int:
    return 0 if term is None else int(str(term))


def _short(iri: URIRef) -> str:
    """A prefixed name (ekg:Method) for the class and predicate tables."""
    return to_curie(str(iri)) or f"<{iri}>"


def _decimal(value: Literal | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _number(value: Decimal) -> str:
    """2.310 -> "2.31", 40 -> "40": plain notation, no exponent."""
    return format(value.normalize(), "f")


def _named(stores: Stores, name: str, top: int | None) -> list[tuple]:
    """The rows of a named query, in its own order, cut to `top`."""
    rows = list(run_query(stores.full, name).rows)
    return rows[:top] if top is not None else rows


# --------------------------------------------------------------------------- tables


def to_corpus_table(stores: Stores) -> Table:
    """Papers, with and without methods, claims, entities and triples."""
    data = stores.data
    papers = _count(data, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a ekg:Paper }")
    with_methods = _count(
        data, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a ekg:Paper ; ekg:proposes ?m }"
    )
    with_claims = _count(
        data,
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?c a ekg:Claim ; prov:wasDerivedFrom ?p }",
    )
    claims = _count(data, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a ekg:Claim }")
    with_figure = _count(
        data, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a ekg:Claim ; ekg:value ?v }"
    )
    proposed = _count(
        data, "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?p a ekg:Paper ; ekg:proposes ?m }"
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
    for cls, name in (("Method", "Methods"), ("Hardware", "Hardware"),
                      ("Baseline", "Baselines (outperformed by some method)")):
        rows.append((name, _count(
            data, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a ekg:{cls} }}"
        )))
    rows.append(("Metrics improved by some method", _count(
        data, "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?m ekg:improves ?x }"
    )))
    rows.append(("Triples", len(data)))
    return Table("corpus", "Corpus", ("", "count"), tuple(rows))


def _by_count(rows: list[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(rows, key=lambda r: (-r[1], r[0])))


def to_class_table(stores: Stores) -> Table:
    """Instances per effikg class in the data (a node counts once in each of its classes)."""
    found = _select(stores.data, f"""
        SELECT ?cls (COUNT(DISTINCT ?x) AS ?n) WHERE {{
            ?x a ?cls . FILTER(STRSTARTS(STR(?cls), "{str(EKG)}"))
        }} GROUP BY ?cls""")
    rows = _by_count([(_short(cls), _int(n)) for cls, n in found])
    return Table("classes", "Instances per class", ("class", "instances"), rows)


def to_relation_table(stores: Stores) -> Table:
    """For each direct relation: triples, claims that state it, subjects and objects."""
    rows = []
    for relation in RELATIONS:
        triples, subjects, objects = _select(stores.data, f"""
            SELECT (COUNT(*) AS ?t) (COUNT(DISTINCT ?s) AS ?ns) (COUNT(DISTINCT ?o) AS ?no)
            WHERE {{ ?s ekg:{relation} ?o }}""")[0]
        claims = _count(stores.data, f"""
            SELECT (COUNT(DISTINCT ?c) AS ?n)
            WHERE {{ ?c a ekg:Claim ; ekg:relation "{relation}" }}""")
        multi = _count(stores.data, f"""
            SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{
                ?a a ekg:Assertion ; ekg:relation "{relation}" ; ekg:supportCount ?k .
                FILTER(?k >= 2) }}""")
        rows.append((f"ekg:{relation}", _int(triples), claims, _int(subjects), _int(objects),
                     multi))
    return Table(
        "relations", "Direct relations",
        ("relation", "triples", "claims", "methods", "objects", "stated by 2+ papers"),
        tuple(rows),
    )


def to_predicate_table(stores: Stores) -> Table:
    """Triples per predicate, over the data."""
    found = _select(stores.data, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")
    rows = _by_count([(_short(p), _int(n)) for p, n in found])
    return Table("predicates", "Triples per predicate", ("predicate", "triples"), rows)


def to_hardware_table(stores: Stores, top: int | None = 10) -> Table:
    """The hardware most targeted (named query hardware-most-targeted)."""
    rows = tuple(
        (str(h), str(kind), _int(methods), _int(papers))
        for h, kind, methods, papers in _named(stores, "hardware-most-targeted", top)
    )
    return Table(
        "hardware", "Hardware most targeted", ("hardware", "kind", "methods", "papers"), rows,
        note="Distinct methods that target it, and the papers that say so "
        "(`effikg query hardware-most-targeted`).",
    )


def to_metric_table(stores: Stores, top: int | None = 10) -> Table:
    """The metrics most improved (named query metrics-most-improved)."""
    rows = tuple(
        (str(x), _int(methods), _int(claims), _int(papers))
        for x, methods, claims, papers in _named(stores, "metrics-most-improved", top)
    )
    return Table(
        "metrics", "Metrics most improved", ("metric", "methods", "claims", "papers"), rows,
        note="Distinct methods that improve it, its claims and their papers "
        "(`effikg query metrics-most-improved`).",
    )


def to_baseline_table(stores: Stores, top: int | None = 10) -> Table:
    """The baselines most beaten (named query baselines-most-beaten)."""
    rows = tuple(
        (str(b), str(kind), _int(methods), _int(papers))
        for b, kind, methods, papers in _named(stores, "baselines-most-beaten", top)
    )
    return Table(
        "baselines", "Baselines most beaten", ("baseline", "is a", "beaten by methods", "papers"),
        rows,
        note="Distinct methods that outperform it, and the papers that say so "
        "(`effikg query baselines-most-beaten`).",
    )


def to_speedup_per_hardware_table(stores: Stores, top: int | None = 10) -> Table:
    """The best speedup on each hardware (named query best-speedup-per-hardware)."""
    rows = tuple(
        (str(h), _number(_decimal(best) or Decimal(0)) + "x", str(method), str(figure),
         str(paper))
        for h, best, method, figure, paper in _named(stores, "best-speedup-per-hardware", top)
    )
    return Table(
        "speedup_per_hardware", "Best speedup per hardware",
        ("hardware", "best", "method", "as written", "paper"), rows,
        note="The largest speedup a claim states on each hardware "
        "(`effikg query best-speedup-per-hardware`).",
    )


def to_speedup_table(stores: Stores, top: int | None = 10) -> Table:
    """The largest speedups overall, one row per stated result.

    A speedup is what best-speedup-per-hardware calls one: a figure in "x" about Speed or
    about no metric. One sentence often yields several claims with the same figure
    (improves Speed, and outperforms vLLM); they are merged into one row so a result is
    not listed twice.
    """
    found = _select(stores.data, """
        SELECT ?c ?method ?v ?text ?paper ?hardware ?baseline WHERE {
            ?c a ekg:Claim ; ekg:method ?m ; ekg:value ?v ; ekg:unit "x" ;
               prov:wasDerivedFrom ?p .
            FILTER NOT EXISTS { ?c ekg:metric ?other . FILTER (?other != ekg:Speed) }
            ?m rdfs:label ?method .
            ?p rdfs:label ?paper .
            OPTIONAL { ?c ekg:figureText ?text }
            OPTIONAL { ?c ekg:hardware/rdfs:label ?hardware }
            OPTIONAL { ?c ekg:baseline/rdfs:label ?baseline }
        }""")
    merged: dict[tuple, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for _c, method, v, text, paper, hardware, baseline in found:
        value = _decimal(v)
        if value is None:
            continue
        key = (value, str(method), str(text or _number(value) + "x"), str(paper))
        merged[key]["hardware"].update([str(hardware)] if hardware is not None else [])
        merged[key]["baseline"].update([str(baseline)] if baseline is not None else [])
    ordered = sorted(merged.items(), key=lambda kv: (-kv[0][0], kv[0][1], kv[0][3], kv[0][2]))
    rows = tuple(
        (_number(value) + "x", method, ", ".join(sorted(parts["hardware"])),
         ", ".join(sorted(parts["baseline"])), text, paper)
        for (value, method, text, paper), parts in ordered[: top if top is not None else None]
    )
    return Table(
        "speedups", "Best reported speedups",
        ("speedup", "method", "hardware", "baseline", "as written", "paper"), rows,
        note="Figures in x about Speed (or no metric), largest first; one row per stated result.",
    )


def to_tables(stores: Stores, top: int = 10) -> dict[str, Table]:
    """Every table of the report, by key, in the order the report shows them."""
    tables = [
        to_corpus_table(stores),
        to_relation_table(stores),
        to_class_table(stores),
        to_hardware_table(stores, top),
        to_metric_table(stores, top),
        to_baseline_table(stores, top),
        to_speedup_table(stores, top),
        to_speedup_per_hardware_table(stores, top),
        to_predicate_table(stores),
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
        f"Statistics of `{graph_name}`, written by `effikg report`. The top-N tables show "
        f"their first {top} rows; ties are broken by name.",
        "",
    ]
    lines += section("corpus")
    lines += section("relations", image="claims_per_relation")
    lines += section("classes")
    lines += section("hardware", image="hardware_most_targeted")
    lines += section("metrics", image="metrics_improved")
    lines += section("baselines", image="baselines_most_beaten")
    lines += section("speedups")
    lines += section("speedup_per_hardware")
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
    if not out_path.suffix:  # its plots go in the folder of the same name without suffix
        raise ReportError(f"{out_path}: name the report file with a suffix, e.g. report.md")
    tables = to_tables(read_stores(graph_path), top)
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
