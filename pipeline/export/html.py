"""The interactive HTML explorer: `index.html` for the whole graph, one page a paper.

The nodes and edges, and the claims behind each edge, come from the networkx view of the
graph (`pipeline.graph.to_networkx`) and are laid out through pyvis, but the page comes
from our own template: pyvis's template loads Bootstrap and tom-select from CDNs even
with `cdn_resources="in_line"` (pyvis #228/#229), and the explorer must open from disk with
no network. So the page links only local files written next to it:

    out_dir/index.html                the whole corpus
    out_dir/papers/{paper}.html       one paper: its node, what it proposes, every edge it supports
    out_dir/explorer/vis-network.min.js   copied from the installed pyvis package
    out_dir/explorer/explorer.js, explorer.css

The graph itself is inlined as JSON in each page. Every edge of the MultiDiGraph becomes
one drawn edge (no collapsing), so the drawn counts equal the networkx counts. Output is
deterministic: nodes and edges sorted, the layout seeded, no timestamps.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import math
import os
import pickle
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO

import jinja2
import networkx as nx
import rdflib
from markupsafe import Markup
from pyvis.network import Network
from rdflib import RDF, RDFS, SKOS, URIRef
from rdflib.namespace import DCTERMS, PROV

from pipeline.errors import HtmlExportError
from pipeline.export.source import GraphLike, Source, as_source
from pipeline.files import write_atomic
from pipeline.graph import NODE_CLASSES as GRAPH_NODE_CLASSES
from pipeline.graph import RELATION_PROPERTIES, least, networkx_edges, networkx_node, node_types, objects_by_predicate
from pipeline.graph import relation_edge_attrs
from pipeline.terms import EKG, RES

# Pages of graphs larger than this show only the top nodes by degree until the reader asks
# for more: vis-network's layout slows sharply past a few thousand nodes (pyvis #204).
DEFAULT_TOP_N = 1000
# Past this many nodes the explorer is the large one (save_large_html): the index holds only
# the top nodes, each paper page only its own claims, and the graph is never drawn (or held) whole.
LARGE_GRAPH_NODES = 2000
# What an edge of the large explorer's index lists of its claims: its first ones (its
# support counts them all); each paper's page lists that paper's own.
LARGE_EDGE_CLAIMS = 20
RELEASE_PAGES = 2000
LAYOUT_SEED = 20231
# The layout runs at most this long before physics is switched off where it stands: on a
# slow machine a 2,000-node page would otherwise keep the reader waiting for minutes.
LAYOUT_BUDGET_MS = 15_000
ASSETS_DIR = "explorer"
PAPERS_DIR = "papers"
# In PAPERS_DIR: what the paper pages show of each node that other papers change: its
# degree in the whole graph (its size and rank) and its aliases.
NODE_TABLE = "nodes.js"
VIS_JS = "vis-network.min.js"
PAPER_LABEL_CHARS = 32
# Pages with more nodes than this open clustered (by community), one cluster node per group
# that a click opens: the bundled corpus (about 240 nodes) is a hairball drawn flat.
CLUSTER_MIN_NODES = 120
CLUSTER_MODES: dict[str, str] = {"community": "community", "kind": "hardware kind", "none": "none (every node)"}


@dataclass(frozen=True)
class NodeClass:
    """How one class of node is drawn and named in the legend."""

    name: str
    label: str
    shape: str
    color: str


# Fixed order: the legend lists classes in this order. Hardware kinds share a family of
# shapes (triangles, diamonds for chips, hexagon for in-memory) and differ by colour.
NODE_CLASSES: tuple[NodeClass, ...] = (
    NodeClass("Paper", "Paper", "square", "#6b6b6b"),
    NodeClass("Method", "Method", "dot", "#1f77b4"),
    NodeClass("Baseline", "Baseline (a method only beaten here)", "dot", "#9ecae1"),
    NodeClass("GPU", "GPU", "triangle", "#2ca02c"),
    NodeClass("CPU", "CPU", "triangle", "#98df8a"),
    NodeClass("FPGA", "FPGA", "diamond", "#ff7f0e"),
    NodeClass("ASIC", "ASIC or accelerator", "diamond", "#d62728"),
    NodeClass("NPU", "NPU or TPU", "diamond", "#e377c2"),
    NodeClass("Microcontroller", "Microcontroller", "triangleDown", "#8c564b"),
    NodeClass("EdgeDevice", "Edge device", "triangleDown", "#bcbd22"),
    NodeClass("MobileDevice", "Mobile device", "triangleDown", "#17becf"),
    NodeClass("InMemoryComputing", "In-memory computing", "hexagon", "#9467bd"),
    NodeClass("Hardware", "Hardware (other)", "triangle", "#a0a0a0"),
    NodeClass("Metric", "Metric", "star", "#f2b701"),
)
CLASS_BY_NAME: dict[str, NodeClass] = {c.name: c for c in NODE_CLASSES}

HARDWARE_CLASSES: tuple[str, ...] = (
    "GPU", "CPU", "FPGA", "ASIC", "NPU", "Microcontroller", "EdgeDevice", "MobileDevice", "InMemoryComputing",
    "Hardware",
)

RELATION_COLORS: dict[str, str] = {
    "proposes": "#8c8c8c",
    "targets": "#2ca02c",
    "improves": "#e6a100",
    "outperforms": "#d62728",
}


@dataclass(frozen=True)
class PaperInfo:
    iri: str
    slug: str  # file name of its page, without .html
    label: str
    title: str | None
    arxiv: str | None
    url: str | None  # the arXiv abstract page
    date: str | None
    venue: str | None
    code: str | None


# ---- reading what the pages show from the RDF graph -------------------------------------------


def paper_slug(paper_id: str) -> str:
    """A safe file name for a paper's page; ids with other characters get a hash suffix."""
    slug = re.sub(r"[^A-Za-z0-9._-]", "_", paper_id).strip("._") or "paper"
    if slug != paper_id:
        slug += "-" + hashlib.sha1(paper_id.encode("utf-8")).hexdigest()[:8]
    return slug


def read_paper_info(graph: rdflib.Graph) -> dict[str, PaperInfo]:
    """Every ekg:Paper with what its tooltip, details and page show, keyed by IRI."""
    papers: dict[str, PaperInfo] = {}
    for iri in sorted(s for s in graph.subjects(RDF.type, EKG.Paper) if isinstance(s, URIRef)):
        papers[str(iri)] = paper_info(graph, iri)
    return papers


def paper_info(graph: rdflib.Graph, iri: URIRef) -> PaperInfo:
    """What one paper's tooltip, details and page show."""
    values = objects_by_predicate(graph, iri, _PAPER_READS)
    paper_id = least(values[DCTERMS.identifier]) or str(iri).rsplit("/", 1)[-1]
    see_also = sorted(str(o) for o in values[RDFS.seeAlso] if "arxiv.org/" in str(o))
    title = least(values[DCTERMS.title])
    return PaperInfo(
        iri=str(iri),
        slug=paper_slug(paper_id),
        label=least(values[RDFS.label]) or title or paper_id,
        title=title,
        arxiv=least(values[EKG.arxivId]),
        url=see_also[0] if see_also else None,
        date=least(values[DCTERMS.date]),
        venue=least(values[EKG.venue]),
        code=least(values[EKG.codeRepository]),
    )


_PAPER_READS = (DCTERMS.identifier, RDFS.seeAlso, DCTERMS.title, RDFS.label, EKG.arxivId, DCTERMS.date, EKG.venue,
                EKG.codeRepository)


# ---- from networkx to the page's data --------------------------------------------------------


def node_class(attrs: dict[str, Any], proposed: bool) -> str:
    """The legend class of a node: its type, or Baseline for a method nobody here proposes."""
    kind = str(attrs.get("type") or "Hardware")
    if kind == "Method" and attrs.get("baseline") and not proposed:
        return "Baseline"
    return kind if kind in CLASS_BY_NAME else "Hardware"


def _short(text: str, limit: int = PAPER_LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _sorted_edges(g: nx.MultiDiGraph) -> list[tuple[str, str, Any, dict[str, Any]]]:
    return sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2])))


def vis_options(n_nodes: int) -> dict[str, Any]:
    """vis-network options: seeded layout, physics only until the layout settles."""
    return {
        "autoResize": True,
        "layout": {"randomSeed": LAYOUT_SEED, "improvedLayout": n_nodes <= 150},
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -60, "centralGravity": 0.01, "springLength": 110,
                "springConstant": 0.06, "damping": 0.5, "avoidOverlap": 0.2,
                # Coarser Barnes-Hut cells on large graphs: a third less time a step.
                "theta": 0.5 if n_nodes <= 500 else 0.9,
            },
            # The corpus page's layout looks the same after 600 iterations as after 1000,
            # in under half the time (9.8 s -> 3.7 s in headless Chromium here).
            "minVelocity": 2.0,
            "stabilization": {
                "enabled": True, "iterations": 600 if n_nodes <= 500 else 400,
                "updateInterval": 25, "fit": True,
            },
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": n_nodes > 500},
        "nodes": {"font": {"size": 14, "face": "sans-serif"}, "borderWidth": 1},
        "edges": {
            "font": {"size": 10, "align": "middle", "face": "sans-serif", "strokeWidth": 3},
            # "dynamic" curves add a physics node per edge: 5x slower to settle (234 nodes:
            # 45 s -> 8 s in headless Chromium); "continuous" curves cost nothing to lay out.
            "smooth": {"enabled": True, "type": "continuous"},
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
        },
    }


def _node_label(iri: str, attrs: dict[str, Any], papers: dict[str, PaperInfo]) -> str:
    """A paper is drawn as its arXiv id (or a short title); anything else as its label."""
    info = papers.get(iri)
    if info is None:
        return str(attrs.get("label") or iri)
    return f"arXiv:{info.arxiv}" if info.arxiv else _short(info.title or info.label)


def communities(g: nx.MultiDiGraph) -> dict[str, int]:
    """Each node's community (Louvain, seeded; numbered by size, then first IRI).

    The undirected simple graph is built in sorted order, so the same graph always gives
    the same communities; a node without edges is a community of its own.
    """
    simple = nx.Graph()
    simple.add_nodes_from(sorted(g.nodes))
    simple.add_edges_from(sorted({tuple(sorted((u, v))) for u, v in g.edges() if u != v}))
    groups = nx.community.louvain_communities(simple, seed=LAYOUT_SEED) if simple.number_of_edges() else []
    covered = {n for group in groups for n in group}
    groups = [set(group) for group in groups] + [{n} for n in sorted(simple) if n not in covered]
    ordered = sorted(groups, key=lambda group: (-len(group), min(group)))
    return {n: i for i, group in enumerate(ordered) for n in group}


def _add_nodes(net: Any, g: nx.MultiDiGraph, papers: dict[str, PaperInfo], degrees: dict[str, int]) -> Counter[str]:
    """Every node of g on the pyvis network, in IRI order; returns the count per legend class."""
    proposed = {v for _, v, d in g.edges(data=True) if d.get("relation") == "proposes"}
    proposers = {u for u, _, d in g.edges(data=True) if d.get("relation") == "proposes"}
    community = communities(g)
    rank = {n: i for i, n in enumerate(sorted(g.nodes, key=lambda n: (-degrees.get(n, 0), n)))}
    class_counts: Counter[str] = Counter()
    for iri in sorted(g.nodes):
        attrs = g.nodes[iri]
        cls = node_class(attrs, iri in proposed)
        style = CLASS_BY_NAME[cls]
        class_counts[cls] += 1
        degree = degrees.get(iri, 0)
        net.add_node(
            iri, label=_node_label(iri, attrs, papers), shape=style.shape, color=style.color,
            size=round(10 + 5 * math.sqrt(degree), 2),
            cls=cls, aliases=[str(a) for a in attrs.get("aliases") or []],
            degree=degree, rank=rank[iri], baseline=bool(attrs.get("baseline")),
            paper=iri if iri in papers else None, iri=iri, community=community[iri],
            # A paper that proposes no method has no edge at all: hidden unless asked for.
            noMethod=iri in papers and iri not in proposers,
            # Baselines that are also methods or hardware get a dashed border.
            shapeProperties={"borderDashes": [4, 3]} if attrs.get("baseline") and cls != "Baseline" else {},
        )
    return class_counts


def _edge_claims(u: str, relation: str, attrs: dict[str, Any]) -> list[dict[str, str | None]]:
    """What an edge's details list: each claim's sentence, figure and paper."""
    if relation == "proposes":
        return [{"evidence": None, "figure": None, "paper": u}]
    return [{"evidence": c["evidence"], "figure": c["figure"], "paper": c["paper"]} for c in attrs.get("claims") or []]


def edge_label(relation: str, figures: list[str]) -> str:
    """What an edge reads: its relation and its first figure as stated ("improves up to
    2.31×"), with how many other figures its claims state ("+2")."""
    if not figures:
        return relation
    more = f" +{len(figures) - 1}" if len(figures) > 1 else ""
    return f"{relation} {figures[0]}{more}"


def _add_edges(net: Any, g: nx.MultiDiGraph) -> tuple[Counter[str], int, set[str]]:
    """Every edge of g on the pyvis network; returns the count per relation, the largest
    support and the papers the edges cite."""
    relation_counts: Counter[str] = Counter()
    max_support = 1
    cited: set[str] = set()
    for i, (u, v, key, attrs) in enumerate(_sorted_edges(g)):
        relation = str(attrs.get("relation") or key)
        relation_counts[relation] += 1
        support = int(attrs.get("support") or 1)
        max_support = max(max_support, support)
        confidence = attrs.get("confidence")
        claims = _edge_claims(u, relation, attrs)
        cited.update(c["paper"] for c in claims if c["paper"])
        figures = list(dict.fromkeys(c["figure"] for c in claims if c["figure"]))
        net.add_edge(
            u, v, id=f"e{i}", label=edge_label(relation, figures), relation=relation, figures=figures,
            color=RELATION_COLORS.get(relation, "#444444"),
            width=round(1 + math.log2(support), 2), support=support,
            confidence=None if confidence is None else round(float(confidence), 4),
            claims=claims,
        )
    return relation_counts, max_support, cited


def _page_papers(papers: dict[str, PaperInfo], shown: set[str], paper_href: str) -> dict[str, dict[str, str | None]]:
    """The details of every paper a page draws or cites, by IRI."""
    return {
        iri: {
            "label": info.label, "title": info.title, "arxiv": info.arxiv, "url": info.url,
            "date": info.date, "venue": info.venue, "code": info.code,
            "page": paper_href.format(slug=info.slug),
        }
        for iri in sorted(shown) if (info := papers.get(iri)) is not None
    }


def _legend(class_counts: Counter[str], relation_counts: Counter[str]) -> dict[str, list[dict[str, Any]]]:
    """The classes and relations a page shows, in legend order, with their counts."""
    relations = [r for r in RELATION_COLORS if relation_counts[r]]
    relations += sorted(r for r in relation_counts if r not in RELATION_COLORS)
    return {
        "classes": [
            {"name": c.name, "label": c.label, "shape": c.shape, "color": c.color, "count": class_counts[c.name]}
            for c in NODE_CLASSES if class_counts[c.name]
        ],
        "relations": [
            {"name": r, "color": RELATION_COLORS.get(r, "#444444"), "count": relation_counts[r]} for r in relations
        ],
    }


def visual_codes(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], max_support: int) -> list[dict[str, str]]:
    """The legend's "how to read" rows: every visual code the page draws besides the class
    shapes and relation colours, each only when the page uses it."""
    codes = [("size", "Larger node: more links (its degree in the whole graph)", bool(nodes))]
    codes.append(("dashed", "Dashed border: also a baseline (something here outperforms it)",
                  any(n.get("shapeProperties") for n in nodes)))
    codes.append(("arrow", "Arrow: from the paper or method to what it proposes, targets, improves or outperforms",
                  bool(edges)))
    codes.append(("label", "Edge label: the relation and the figure its claims state (+N: more figures)",
                  any(e.get("figures") for e in edges)))
    codes.append(("width", "Thicker edge: stated by more papers (support)", max_support > 1))
    codes.append(("cluster", "Grey ellipse: a cluster (a community or a hardware kind) with its node count;"
                  " click it to open", len(nodes) > 1))
    return [{"code": code, "label": label} for code, label, used in codes if used]


def to_page_data(
    g: nx.MultiDiGraph,
    papers: dict[str, PaperInfo],
    *,
    top_n: int,
    paper_href: str,
    overview: bool = False,
) -> dict[str, Any]:
    """Everything one page draws, built through a pyvis Network, as a JSON-able dict, its
    nodes sized by their degree in g (a paper page's by the whole graph's, in the browser:
    _paper_page).

    `paper_href` is the relative path from this page to a paper page, with `{slug}`; an
    `overview` (the corpus page) hides papers that propose no method until asked.
    """
    degrees = {n: int(d) for n, d in g.degree()}
    net = Network(directed=True)
    class_counts = _add_nodes(net, g, papers, degrees)
    relation_counts, max_support, cited = _add_edges(net, g)
    nodes, edges = net.nodes, net.edges  # (get_network_data would also format the options as JSON, unused)
    n_nodes = g.number_of_nodes()
    return {
        **_legend(class_counts, relation_counts),
        "codes": visual_codes(nodes, edges, max_support),
        "clusterBy": "community" if n_nodes > CLUSTER_MIN_NODES else "none",
        "hideMethodless": overview,
        "hardwareClasses": [c for c in HARDWARE_CLASSES if class_counts[c]],
        "nodes": nodes,
        "edges": edges,
        "papers": _page_papers(papers, cited | set(g.nodes), paper_href),
        "maxSupport": max_support,
        "topN": top_n if 0 < top_n < n_nodes else 0,
        "layoutBudgetMs": LAYOUT_BUDGET_MS,
        "options": vis_options(n_nodes if top_n <= 0 else min(top_n, n_nodes)),
    }


Edge = tuple[str, str, Any, dict[str, Any]]


def edges_by_paper(g: nx.MultiDiGraph) -> dict[str, list[Edge]]:
    """Each paper's edges, in sorted order: those it proposes and those its claims state."""
    by_paper: dict[str, list[Edge]] = {}
    for edge in _sorted_edges(g):
        u, _v, _key, attrs = edge
        papers = set(attrs.get("papers") or [])
        if attrs.get("relation") == "proposes":
            papers.add(u)
        for paper in sorted(papers):
            by_paper.setdefault(paper, []).append(edge)
    return by_paper


def paper_subgraph(g: nx.MultiDiGraph, paper: str, edges: list[Edge] | None = None) -> nx.MultiDiGraph:
    """The paper's view: its node, what it proposes, and every edge one of its claims states.

    `edges` is the paper's entry of `edges_by_paper(g)`, when the caller has it.
    """
    if edges is None:
        edges = edges_by_paper(g).get(paper, [])
    sub = nx.MultiDiGraph()
    if paper in g:
        sub.add_node(paper, **g.nodes[paper])
    for u, v, key, attrs in edges:
        for n in (u, v):
            if n not in sub:
                sub.add_node(n, **g.nodes[n])
        sub.add_edge(u, v, key=key, **attrs)
    return sub


# ---- writing --------------------------------------------------------------------------------


def to_json_script(data: dict[str, Any]) -> str:
    """JSON safe inside <script>: no "<", ">" or "&" can end the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (
        text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    source = resources.files("pipeline.export.assets").joinpath("explorer.html").read_text(encoding="utf-8")
    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    return env.from_string(source)


def render_page(
    data: dict[str, Any], *, title: str, heading: str, subheading: str | None, assets: str,
    home: str | None, paper_pages: list[dict[str, str]], node_table: str | None = None,
) -> str:
    """One explorer page; every text goes through Jinja's escaping or the escaped JSON.
    `node_table`: the address of the node table (node_table_script) a paper page reads."""
    return _template().render(
        title=title, heading=heading, subheading=subheading, assets=assets, home=home, node_table=node_table,
        show_support=data["maxSupport"] > 1, overview=data["hideMethodless"],
        cluster_modes=CLUSTER_MODES, cluster_by=data["clusterBy"],
        paper_pages=paper_pages, data_json=Markup(to_json_script(data)),
    )


def read_assets() -> dict[str, bytes]:
    """The files every page links: vis-network from pyvis, our script and stylesheet."""
    import pyvis

    vis = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / VIS_JS
    if not vis.is_file():
        raise HtmlExportError(f"{vis}: vis-network is missing from the installed pyvis (need pyvis 0.3.2)")
    ours = resources.files("pipeline.export.assets")
    return {
        VIS_JS: vis.read_bytes(),
        "explorer.js": ours.joinpath("explorer.js").read_bytes(),
        "explorer.css": ours.joinpath("explorer.css").read_bytes(),
    }


def _paper_title(info: PaperInfo) -> str:
    return info.title or info.label


def _index_page(g: nx.MultiDiGraph, papers: dict[str, PaperInfo], pages: list[PaperInfo], top_n: int,
                of: str = "") -> str:
    """index.html: the whole graph (or, `of` saying of what, its top), and a list of the paper pages."""
    data = to_page_data(g, papers, top_n=top_n, paper_href=f"{PAPERS_DIR}/{{slug}}.html" if pages else "",
                        overview=True)
    n_papers = sum(1 for n in g if n in papers)
    return render_page(
        data,
        title="effikg explorer",
        heading="effikg explorer",
        subheading=f"{n_papers} papers, {g.number_of_nodes()} nodes, {g.number_of_edges()} edges{of}",
        assets=ASSETS_DIR,
        home=None,
        paper_pages=[
            {"href": f"{PAPERS_DIR}/{p.slug}.html",
             "label": _short(_paper_title(p), 90) + (f" (arXiv:{p.arxiv})" if p.arxiv else "")}
            for p in pages
        ],
    )


def _paper_page(sub: nx.MultiDiGraph, info: PaperInfo, papers: dict[str, PaperInfo], top_n: int) -> str:
    """papers/{slug}.html: one paper's subgraph, its nodes sized as on the corpus page, by
    their degree in the whole graph, and their aliases, both read from papers/nodes.js
    (NODE_TABLE): the page itself holds nothing of the rest of the corpus but its own
    edges' claims, so a rebuild that changes only other papers reuses it. Without the
    table, a page sizes its nodes by their degree in its own subgraph, with no aliases."""
    data = to_page_data(sub, papers, top_n=top_n, paper_href="{slug}.html")
    for node in data["nodes"]:
        node["aliases"] = []
    data["nodeTable"] = True
    title = _paper_title(info)
    return render_page(
        data,
        title=f"{_short(title, 80)} - effikg explorer",
        heading=title,
        subheading=(f"arXiv:{info.arxiv} \u00b7 " if info.arxiv else "")
        + f"{sub.number_of_nodes()} nodes, {sub.number_of_edges()} edges",
        assets=f"../{ASSETS_DIR}",
        home="../index.html",
        paper_pages=[],
        node_table=NODE_TABLE,
    )


def node_table_script(degrees: Mapping[str, int], aliases: Mapping[str, list[str]], papers: Container[str]) -> bytes:
    """papers/nodes.js: each node's degree in the whole graph and its aliases (those it
    has), for the paper pages (a script, not JSON to fetch: a page opened from a file may
    load scripts only). A paper's node and a node with no link are left out: their every
    edge is on their own page, whose figures for them are the same. The instance namespace
    is written once, as the table's prefix."""
    prefix = str(RES)

    def key(node: str) -> str:
        return node[len(prefix):] if node.startswith(prefix) else node

    kept = sorted(n for n, d in degrees.items() if d and n not in papers)
    table = {"prefix": prefix, "degrees": {key(n): int(degrees[n]) for n in kept},
             "aliases": {key(n): list(aliases[n]) for n in kept if aliases.get(n)}}
    return f"window.effikgNodes = {to_json_script(table)};\n".encode("utf-8")


# ---- paper pages an earlier build drew from the same inputs, reused ---------------------------

# In the build's store folder (pipeline.outdir.STORE_DIR, the build's but not in its manifest):
# each paper page's slug -> [sha256 of what it is drawn from, sha256 of the page].
PAGES_INDEX = "explorer-pages.json"


@lru_cache(maxsize=1)
def _drawing_version() -> str:
    """A hash of everything a page is drawn with besides its data: this module, the
    template and assets, effikg's, pyvis's and networkx's versions (Louvain's communities)."""
    import pyvis

    from pipeline import __version__

    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(resources.files("pipeline.export.assets").joinpath("explorer.html").read_bytes())
    for name, content in sorted(read_assets().items()):
        digest.update(name.encode() + b"\0" + content)
    digest.update(f"{__version__} {pyvis.__version__} {nx.__version__}".encode())
    return digest.hexdigest()


def _page_inputs(sub: nx.MultiDiGraph, info: PaperInfo, papers: dict[str, PaperInfo], top_n: int) -> str:
    """sha256 of everything _paper_page reads: the subgraph as built (nodes and edges in
    order, with their attributes but the aliases), the paper, the details of every paper
    it may show and top_n (not the nodes' degrees in the whole graph nor their aliases: the
    page reads those from NODE_TABLE)."""
    edges = list(sub.edges(keys=True, data=True))
    named = set(sub.nodes) | {c.get("paper") for *_, a in edges for c in a.get("claims") or []}
    nodes = [(n, {k: v for k, v in attrs.items() if k != "aliases"}) for n, attrs in sub.nodes(data=True)]
    data = [nodes, edges, _fingerprint(info),
            sorted((iri, _fingerprint(papers[iri])) for iri in named if iri in papers), top_n]
    return hashlib.sha256(_stable_bytes(data)).hexdigest()


def _stable_bytes(data: object) -> bytes:
    """Plain data (lists, dicts, tuples, text, numbers) as bytes that are the same for the
    same data built in the same order: a pickle without its memo, which would otherwise
    depend on which equal strings happen to be one object. Four times faster than JSON
    with sorted keys, and a key only: a difference costs a page drawn again, nothing else."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo: the bytes depend on the values alone
    pickler.dump(data)
    return buffer.getvalue()


@lru_cache(maxsize=1 << 14)
def _fingerprint(info: PaperInfo) -> str:
    """A paper's details as one short text (a page may show hundreds of papers' details)."""
    return hashlib.sha256(json.dumps(dataclasses.astuple(info), ensure_ascii=False).encode("utf-8")).hexdigest()


class _PageReuse:
    """Paper pages drawn once: a page whose inputs (_page_inputs) are those of the earlier
    build's page of the same slug is that page's bytes, read back from the earlier build
    (`source.previous`, set by the build) when they are still what it wrote; any other
    page is drawn. The index of this build's pages goes into its store folder."""

    def __init__(self, source: Source, out_dir: Path) -> None:
        from pipeline.outdir import STORE_DIR

        self.previous: Path | None = getattr(source, "previous", None)
        self.index = out_dir / STORE_DIR / PAGES_INDEX if (out_dir / STORE_DIR).is_dir() else None
        self.old: dict[str, list[str]] = {}
        self.new: dict[str, list[str]] = {}
        if self.previous is not None and self.index is not None:
            try:
                found = json.loads((self.previous / STORE_DIR / PAGES_INDEX).read_text(encoding="utf-8"))
                if found.get("version") == _drawing_version():
                    self.old = dict(found["pages"])
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                self.old = {}

    def write(self, folder: Path, slug: str, inputs: Callable[[], str], draw: Callable[[], bytes]) -> Path:
        """folder/{slug}.html: the earlier build's page, hard-linked (its file is replaced
        with its build, never written to: a link costs no copy), or drawn."""
        path = folder / f"{slug}.html"
        key = inputs() if self.index is not None else ""
        old = self.old.get(slug)
        if old is not None and old[0] == key and self.previous is not None:
            earlier = self.previous / PAPERS_DIR / f"{slug}.html"
            try:
                if hashlib.sha256(earlier.read_bytes()).hexdigest() == old[1]:
                    folder.mkdir(parents=True, exist_ok=True)
                    os.link(earlier, path)
                    self.new[slug] = old
                    return path
            except OSError:  # gone, or another filesystem: drawn
                pass
        data = draw()
        if self.index is not None:
            self.new[slug] = [key, hashlib.sha256(data).hexdigest()]
        return write_atomic(path, data)

    def save(self) -> None:
        if self.index is not None:
            text = json.dumps({"version": _drawing_version(), "pages": dict(sorted(self.new.items()))}, indent=0)
            write_atomic(self.index, text.encode("utf-8") + b"\n")


def save_html(
    graph: GraphLike, out_dir: Path, *, top_n: int = DEFAULT_TOP_N, paper_pages: bool = True,
) -> list[Path]:
    """Write the explorer for `graph` into out_dir: index.html, papers/*.html, explorer/*.

    `top_n` caps how many nodes (by degree) a page shows at first; 0 shows all. A graph
    of more than LARGE_GRAPH_NODES nodes gets the large explorer (save_large_html): its
    index holds only the top_n nodes. Returns the paths written, sorted.
    """
    source = as_source(graph)
    out_dir = Path(out_dir)
    nodes = node_types(source.view)  # type: ignore[arg-type]
    if len(nodes) > LARGE_GRAPH_NODES:
        return save_large_html(source, nodes, out_dir, top_n=top_n or DEFAULT_TOP_N, paper_pages=paper_pages)
    del nodes
    g = source.networkx  # (kept by the source for the next exporter: GraphML draws the same view)
    papers = read_paper_info(source.view)  # type: ignore[arg-type]
    written = [write_atomic(out_dir / ASSETS_DIR / name, content) for name, content in sorted(read_assets().items())]
    pages = sorted(
        (p for p in papers.values() if p.iri in g), key=lambda p: (_paper_title(p).lower(), p.iri)
    ) if paper_pages else []
    written.append(write_atomic(out_dir / "index.html", _index_page(g, papers, pages, top_n).encode("utf-8")))

    paper_edges = edges_by_paper(g) if pages else {}
    reuse = _PageReuse(source, out_dir)
    for info in pages:
        sub = paper_subgraph(g, info.iri, paper_edges.get(info.iri, []))
        written.append(reuse.write(out_dir / PAPERS_DIR, info.slug, lambda: _page_inputs(sub, info, papers, top_n),
                                   lambda: _paper_page(sub, info, papers, top_n).encode("utf-8")))
    reuse.save()
    if pages:
        table = node_table_script(dict(g.degree()), {n: a.get("aliases") or [] for n, a in g.nodes(data=True)}, papers)
        written.append(write_atomic(out_dir / PAPERS_DIR / NODE_TABLE, table))
    _remove_stale(out_dir / PAPERS_DIR, {f"{info.slug}.html" for info in pages})
    return sorted(written)


# ---- the large explorer: the top of the graph, and one page a paper, read from the store -----


def node_degrees(view: rdflib.Graph, nodes: dict[URIRef, set[URIRef]]) -> Counter[str]:
    """Each node's degree in the networkx view (its relation and proposes edges), counted
    without making the view."""
    degrees: Counter[str] = Counter({str(n): 0 for n in nodes})
    for prop in (*RELATION_PROPERTIES.values(), EKG.proposes):
        for s, o in view.subject_objects(prop):
            if s in nodes and o in nodes:
                degrees[str(s)] += 1
                degrees[str(o)] += 1
    return degrees


def top_subgraph(view: rdflib.Graph, nodes: dict[URIRef, set[URIRef]], keep: set[str]) -> nx.MultiDiGraph:
    """The networkx view of only the nodes in `keep` and the edges between them, each edge
    with its first LARGE_EDGE_CLAIMS claims (and its whole support)."""
    kept = {iri: types for iri, types in nodes.items() if str(iri) in keep}
    g = nx.MultiDiGraph()
    for iri in sorted(kept):
        g.add_node(str(iri), **networkx_node(view, iri, kept[iri]))
    for u, v, key, attrs in networkx_edges(view, kept, max_claims=LARGE_EDGE_CLAIMS):
        g.add_edge(u, v, key=key, **attrs)
    return g


def own_subgraph(view: rdflib.Graph, paper: URIRef, types_of: Callable[[URIRef], set[URIRef]]) -> nx.MultiDiGraph:
    """A paper's view in the large explorer: its node, what it proposes, and each edge its
    claims state, carrying this paper's claims (and the edge's support in the corpus)."""
    ends: dict[tuple[str, str, str], tuple[URIRef, list[URIRef]]] = {}
    for claim in sorted(view.subjects(PROV.wasDerivedFrom, paper)):
        assertion = view.value(claim, EKG.supports)
        s, rel, o = (view.value(assertion, p) for p in (EKG.assertionSubject, EKG.relation, EKG.assertionObject))
        if s is not None and rel is not None and o is not None:
            ends.setdefault((str(s), str(rel), str(o)), (assertion, []))[1].append(claim)
    edges = [(str(paper), "proposes", str(m)) for m in view.objects(paper, EKG.proposes)]
    g = nx.MultiDiGraph()
    for u, rel, v in sorted({*ends, *edges}):
        for n in (u, v):
            if n not in g and (types := types_of(URIRef(n))) & set(GRAPH_NODE_CLASSES):
                g.add_node(n, **networkx_node(view, URIRef(n), types))
        if u not in g or v not in g:
            continue
        if rel == "proposes":
            g.add_edge(u, v, key=rel, relation=rel, support=1, figures=[], evidence=[], papers=[u],
                       confidence=1.0, claims=[])
        else:
            assertion, claims = ends[(u, rel, v)]
            g.add_edge(u, v, key=rel, **relation_edge_attrs(view, rel, assertion, claims))
    if str(paper) not in g:
        g.add_node(str(paper), **networkx_node(view, paper, types_of(paper)))
    return g


def save_large_html(source: Source, nodes: dict[URIRef, set[URIRef]], out_dir: Path, *, top_n: int,
                    paper_pages: bool = True) -> list[Path]:
    """The explorer of a large graph, never drawing it whole: index.html holds the top_n
    nodes by degree and the edges between them; papers/{slug}.html one paper each, with its
    own claims; papers/index.html lists every paper page. Nothing holds more than one page
    (nor the whole networkx view GraphML may have left with the source)."""
    source.drop_networkx()
    view = source.view
    degrees = node_degrees(view, nodes)
    ranked = sorted(degrees, key=lambda n: (-degrees[n], n))[:top_n]
    g = top_subgraph(view, nodes, set(ranked))
    # Every paper's details read once: spooled to a file, the listing holds (title, IRI, where).
    spool = tempfile.TemporaryFile()  # a few hundred bytes a paper
    cited, shown = _cited(g), {}
    listing = []
    for iri, types in nodes.items():
        if EKG.Paper in types:
            info = paper_info(view, iri)
            if info.iri in cited:
                shown[info.iri] = info
            listing.append((_paper_title(info).lower(), info.iri, spool.tell()))
            pickle.dump(info, spool, protocol=pickle.HIGHEST_PROTOCOL)
    listing.sort()
    written = [write_atomic(out_dir / ASSETS_DIR / name, content) for name, content in sorted(read_assets().items())]
    pages = [shown[iri] for _, iri, _ in listing if iri in g] if paper_pages else []
    index = _index_page(g, shown, pages, top_n, of=f": the {len(ranked)} most connected of {len(nodes)} nodes "
                        f"({len(listing)} papers; every paper's page: {PAPERS_DIR}/index.html)")
    written.append(write_atomic(out_dir / "index.html", index.encode("utf-8")))
    del g, shown, index, view  # nothing may hold the store while _paper_pages releases it
    with spool:
        if paper_pages:
            written += _paper_pages(source, nodes, [(iri, at) for _, iri, at in listing], spool, out_dir, top_n,
                                    degrees)
    _remove_stale(out_dir / PAPERS_DIR, {p.name for p in written if p.parent.name == PAPERS_DIR})
    return sorted(written)


def _paper_pages(source: Source, nodes: dict[URIRef, set[URIRef]], papers: list[tuple[str, int]],
                 infos: BinaryIO, out_dir: Path, top_n: int, degrees: Counter[str]) -> list[Path]:
    """papers/{slug}.html for each paper (its IRI, and where its PaperInfo is pickled in
    `infos`), one at a time, and papers/index.html listing them. The source is released
    every RELEASE_PAGES pages: a store's read caches grow as it is read."""
    written = []
    reuse = _PageReuse(source, out_dir)
    with tempfile.TemporaryFile("w+", encoding="utf-8") as rows:  # the list, a line a paper
        for done, (iri, at) in enumerate(papers):
            if done % RELEASE_PAGES == RELEASE_PAGES - 1:
                view = None  # nothing may hold the store while it is closed
                source.release()
            view = source.view  # (released: the store is opened again)
            infos.seek(at)
            info = pickle.load(infos)
            sub = own_subgraph(view, URIRef(iri), lambda n: nodes.get(n) or set())
            written.append(reuse.write(out_dir / PAPERS_DIR, info.slug,
                                       lambda: _page_inputs(sub, info, {info.iri: info}, top_n),
                                       lambda: _paper_page(sub, info, {info.iri: info}, top_n).encode("utf-8")))
            rows.write(f'<li><a href="{escape(info.slug)}.html">{escape(_short(_paper_title(info), 120))}</a>'
                       + (f" (arXiv:{escape(info.arxiv)})" if info.arxiv else "") + "</li>\n")
        rows.seek(0)
        written.append(write_atomic(out_dir / PAPERS_DIR / "index.html", _paper_list(len(papers), rows.read())))
    reuse.save()
    aliases: dict[str, list[str]] = {}
    for node, alias in source.view.subject_objects(SKOS.altLabel):
        if str(node) in degrees:
            aliases.setdefault(str(node), []).append(str(alias))
    in_papers = {str(n) for n, types in nodes.items() if EKG.Paper in types}
    written.append(write_atomic(out_dir / PAPERS_DIR / NODE_TABLE,
                                node_table_script(degrees, {n: sorted(a) for n, a in aliases.items()}, in_papers)))
    return written


def _cited(g: nx.MultiDiGraph) -> set[str]:
    """The papers a page draws or its edges cite."""
    cited = {n for n, attrs in g.nodes(data=True) if attrs.get("type") == "Paper"}
    for u, _, attrs in g.edges(data=True):
        cited.update(attrs.get("papers") or [])
    return cited


def _paper_list(count: int, rows: str) -> bytes:
    """papers/index.html of the large explorer: every paper page, by title, as a plain list."""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Papers - effikg explorer</title>\n'
            f'<link rel="stylesheet" href="../{ASSETS_DIR}/explorer.css">\n</head>\n<body>\n'
            f'<header><h1>Papers</h1><p class="sub">{count} papers</p>'
            f'<nav><a id="home-link" href="../index.html">&larr; whole corpus</a></nav></header>\n'
            f"<ol>\n{rows}</ol>\n</body>\n</html>\n").encode("utf-8")


def _remove_stale(folder: Path, kept: Iterable[str]) -> None:
    """Drop paper pages of an earlier run whose paper is gone (only our own *.html)."""
    if not folder.is_dir():
        return
    keep = set(kept)
    for page in folder.glob("*.html"):
        if page.name not in keep:
            page.unlink()
