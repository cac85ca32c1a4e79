"""The HTML explorer: offline pages, escaped text, deterministic output, and in a real browser
(headless Debian Chromium through Playwright) the drawn counts, search, filters and no traffic.

The graph under test comes from hand-built extraction records passed through the real
`pipeline.graph.to_rdf`, so the explorer is tested independently of the extractor; one test
also opens the explorer of the bundled-corpus build.
"""

from __future__ import annotations

import math
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import rdflib

from pipeline.export.html import paper_subgraph, save_html
from pipeline.graph import to_networkx, to_rdf
from pipeline.records import Claim, Entity, Extraction, Figure, Paper

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
XSS_TITLE = 'Fast <script>window.__xss = "title"</script> <b>inference</b> & "quotes"'
XSS_SENTENCE = 'MARCA is 11.66x faster than <img src=x onerror="window.__xss=\'evidence\'"> Intel Xeon 8358P CPU.'


# ---- hand-built records ------------------------------------------------------------------------


def _method(label: str) -> Entity:
    return Entity("Method", label, re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-"))


def _hardware(label: str, kind: str | None) -> Entity:
    return Entity("Hardware", label, re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-"), kind)


def _metric(label: str) -> Entity:
    return Entity("Metric", label, re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-"))


def _claim(paper: Paper, subject: Entity, relation: str, obj: Entity, sentence: str, *,
           subject_text: str | None = None, object_text: str | None = None,
           figure: str | None = None, confidence: float = 0.9) -> Claim:
    start = paper.abstract.index(sentence)
    return Claim(
        paper_id=paper.id, subject=subject, relation=relation, object=obj,  # type: ignore[arg-type]
        subject_text=subject_text or subject.label, object_text=object_text or obj.label,
        sentence=sentence, start=start, end=start + len(sentence), confidence=confidence,
        figure=Figure(text=figure) if figure else None,
    )


def make_extractions() -> list[Extraction]:
    """Five papers: TriForce, a title and evidence full of HTML, a shared triple, a survey."""
    triforce, a100, rtx = _method("TriForce"), _hardware("NVIDIA A100 GPU", "GPU"), _hardware("RTX 4090", "GPU")
    deepspeed = _method("DeepSpeed-Zero-Inference")
    marca, xeon, fpga = _method("MARCA"), _hardware("Intel Xeon 8358P CPU", "CPU"), _hardware("FPGA", "FPGA")
    vattention, vllm = _method("vAttention"), _method("vLLM")
    speed, energy, throughput = _metric("Speed"), _metric("Energy"), _metric("Throughput")

    s1 = "TriForce achieves up to 2.31x speedup for Llama2-7B-128K on an A100 GPU."
    s2 = "On two RTX 4090 GPUs it is 7.78x faster than DeepSpeed-Zero-Inference."
    p1 = Paper(id="2404.11912", arxiv_id="2404.11912", title="TriForce: Lossless Acceleration of Long "
               "Sequence Generation with Hierarchical Speculative Decoding",
               abstract=f"We introduce TriForce, a hierarchical speculative decoding system. {s1} {s2}")
    s3 = XSS_SENTENCE
    s4 = "MARCA runs on an FPGA and cuts energy by 2.6x."
    p2 = Paper(id="h-0123456789", title=XSS_TITLE, abstract=f"We propose MARCA. {s3} {s4}")
    s5 = "vAttention generates tokens up to 1.97x faster than vLLM on A100 GPUs."
    s6 = "vLLM improves throughput by 2-4x."
    p3 = Paper(id="2405.04437", arxiv_id="2405.04437", title="vAttention: Dynamic Memory Management",
               abstract=f"We present vAttention. {s5} {s6}")
    s7 = "vLLM improves the throughput of popular LLMs by 2-4x on A100 GPUs."
    p4 = Paper(id="2309.06180", arxiv_id="2309.06180", title="Efficient Memory Management for LLM Serving "
               "with PagedAttention", abstract=f"We build vLLM. {s7}")
    p5 = Paper(id="cs/0501001", arxiv_id="cs/0501001", title="A survey of efficient inference",
               abstract="This survey reviews efficient inference on edge devices.")
    return [
        Extraction(paper=p1, methods=(triforce,), claims=(
            _claim(p1, triforce, "targets", a100, s1, object_text="A100 GPU", figure="2.31x"),
            _claim(p1, triforce, "improves", speed, s1, figure="up to 2.31x"),
            _claim(p1, triforce, "targets", rtx, s2, object_text="RTX 4090 GPUs"),
            _claim(p1, triforce, "outperforms", deepspeed, s2, figure="7.78x", confidence=0.6),
        ), surface_forms=((a100.key, "A100"), (a100.key, "A100 GPU"))),
        Extraction(paper=p2, methods=(marca,), claims=(
            _claim(p2, marca, "outperforms", xeon, s3, figure="11.66x"),
            _claim(p2, marca, "targets", fpga, s4),
            _claim(p2, marca, "improves", energy, s4, figure="2.6x"),
        )),
        Extraction(paper=p3, methods=(vattention,), claims=(
            _claim(p3, vattention, "outperforms", vllm, s5, figure="1.97x"),
            _claim(p3, vattention, "targets", a100, s5, object_text="A100 GPUs"),
            _claim(p3, vllm, "improves", throughput, s6, figure="2-4x", confidence=0.7),
        )),
        Extraction(paper=p4, methods=(vllm,), claims=(
            _claim(p4, vllm, "improves", throughput, s7, figure="2-4x"),
            _claim(p4, vllm, "targets", a100, s7, object_text="A100 GPUs"),
        )),
        Extraction(paper=p5),
    ]


# ---- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def html_graph() -> rdflib.Graph:
    return to_rdf(make_extractions())


@pytest.fixture(scope="module")
def html_nx(html_graph: rdflib.Graph) -> nx.MultiDiGraph:
    return to_networkx(html_graph)


@pytest.fixture(scope="module")
def html_site(html_graph: rdflib.Graph, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("explorer")
    return out, save_html(html_graph, out)


def _paper_iri(nxg: nx.MultiDiGraph, arxiv_or_title: str) -> str:
    return next(n for n, d in nxg.nodes(data=True) if d["type"] == "Paper" and arxiv_or_title in d["label"])


def _methodless(nxg: nx.MultiDiGraph) -> set[str]:
    """Papers that propose no method: hidden on the overview by default."""
    return {n for n, d in nxg.nodes(data=True) if d["type"] == "Paper"
            and not any(r == "proposes" for _, _, r in nxg.out_edges(n, data="relation"))}


# ---- files: offline, escaped, deterministic ------------------------------------------------------

EXTERNAL_REF = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def test_html_writes_index_paper_pages_and_local_assets(html_site, html_nx) -> None:
    out, written = html_site
    names = {p.relative_to(out).as_posix() for p in written}
    papers = [n for n, d in html_nx.nodes(data=True) if d["type"] == "Paper"]
    assert {"index.html", "explorer/vis-network.min.js", "explorer/explorer.js", "explorer/explorer.css",
            "papers/nodes.js"} <= names
    assert len([n for n in names if n.startswith("papers/") and n.endswith(".html")]) == len(papers) == 5
    assert written == sorted(written) and all(p.is_file() for p in written)
    # the old-style arXiv id keeps its page name safe
    assert any(re.fullmatch(r"papers/cs_0501001-[0-9a-f]{8}\.html", n) for n in names)


def test_html_pages_reference_nothing_off_the_machine(html_site) -> None:
    out, written = html_site
    for page in (p for p in written if p.suffix == ".html"):
        text = page.read_text(encoding="utf-8")
        assert not EXTERNAL_REF.search(text), f"{page} loads something remote"
        for ref in re.findall(r"""<(?:script|link)[^>]+(?:src|href)="([^"]+)\"""", text):
            if ref.startswith("data:"):
                continue
            assert (page.parent / ref).is_file(), f"{page}: {ref} is not a local file"


def test_html_escapes_markup_in_titles_and_evidence(html_site) -> None:
    out, written = html_site
    text = "\n".join(p.read_text(encoding="utf-8") for p in written if p.suffix == ".html")
    assert "<script>window.__xss" not in text and "<img src=x" not in text and "<b>inference" not in text
    # the title is still there, as text
    assert "Fast &lt;script&gt;window.__xss" in text or "Fast \\u003cscript\\u003ewindow.__xss" in text


def test_html_same_graph_gives_byte_identical_files(html_site, tmp_path: Path) -> None:
    out, written = html_site
    again = save_html(to_rdf(make_extractions()), tmp_path)
    assert [p.relative_to(tmp_path) for p in again] == [p.relative_to(out) for p in written]
    for a, b in zip(written, again):
        assert a.read_bytes() == b.read_bytes(), f"{a.name} differs between two runs"


def test_html_rerun_removes_pages_of_papers_gone(html_graph, tmp_path: Path) -> None:
    save_html(html_graph, tmp_path)
    smaller = to_rdf(make_extractions()[:2])
    written = save_html(smaller, tmp_path)
    assert sorted((tmp_path / "papers").glob("*.html")) == sorted(
        p for p in written if p.parent.name == "papers" and p.suffix == ".html")
    assert len(list((tmp_path / "papers").glob("*.html"))) == 2


# ---- in the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class OpenedPage:
    """A page opened from disk with every non-local request aborted and recorded."""

    def __init__(self, browser: Any, path: Path, fragment: str = "") -> None:
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.page.goto(path.resolve().as_uri() + fragment)
        self.page.wait_for_function("window.effikg && window.effikg.stabilized", timeout=60_000)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def counts(self) -> dict[str, int]:
        return self.page.evaluate(
            "() => ({nodes: network.body.data.nodes.length, edges: network.body.data.edges.length,"
            " drawnNodes: effikg.counts().nodes, drawnEdges: effikg.counts().edges})"
            .replace("network.", "effikg.network.")
        )

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    pages: list[OpenedPage] = []

    def _open(path: Path, fragment: str = "") -> OpenedPage:
        pages.append(OpenedPage(browser, path, fragment))
        return pages[-1]

    yield _open
    for p in pages:
        p.close()


@pytest.mark.slow
def test_html_index_draws_every_node_and_edge_offline(html_site, html_nx, open_page, tmp_path: Path) -> None:
    out, _ = html_site
    opened = open_page(out / "index.html")
    n, e = html_nx.number_of_nodes(), html_nx.number_of_edges()
    # the survey proposes no method: it has no edge, and the overview leaves it out
    hidden = _methodless(html_nx)
    assert [html_nx.nodes[p]["label"] for p in hidden] == ["A survey of efficient inference"]
    shown = n - len(hidden)
    assert opened.counts() == {"nodes": shown, "edges": e, "drawnNodes": shown, "drawnEdges": e}
    assert "1 paper proposing no method hidden" in opened.page.locator("#counts").inner_text()
    opened.page.uncheck("#hide-methodless")
    assert opened.counts() == {"nodes": n, "edges": e, "drawnNodes": n, "drawnEdges": e}
    assert opened.blocked == [] and opened.errors == []
    shot = tmp_path / "index.png"
    opened.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000


@pytest.mark.slow
def test_html_paper_page_draws_its_subgraph(html_site, html_nx, open_page) -> None:
    out, _ = html_site
    paper = _paper_iri(html_nx, "TriForce")
    sub = paper_subgraph(html_nx, paper)
    # TriForce's node, what it proposes, its four claims' edges and their ends
    assert (sub.number_of_nodes(), sub.number_of_edges()) == (6, 5)
    opened = open_page(out / "papers" / "2404.11912.html")
    counts = opened.counts()
    assert (counts["drawnNodes"], counts["drawnEdges"]) == (sub.number_of_nodes(), sub.number_of_edges())
    assert opened.page.locator("h1").inner_text().startswith("TriForce: Lossless Acceleration")
    assert opened.blocked == [] and opened.errors == []


@pytest.mark.slow
def test_html_paper_page_sizes_nodes_by_their_degree_in_the_whole_graph(html_site, html_nx, open_page,
                                                                       tmp_path: Path) -> None:
    # The page reads each node's degree in the whole graph and its aliases from
    # papers/nodes.js (so that it stays the same file while other papers change); without
    # it, its own degrees and no aliases.
    out, _ = html_site
    sub = paper_subgraph(html_nx, _paper_iri(html_nx, "TriForce"))
    busier = [n for n in sub if html_nx.degree(n) > sub.degree(n)]
    assert busier  # nodes with more links than the page draws
    opened = open_page(out / "papers" / "2404.11912.html")
    shown = {n["id"]: n for n in opened.page.evaluate("() => effikg.nodes.get()")}
    assert {n: (shown[n]["degree"], shown[n]["size"], shown[n]["aliases"]) for n in sub} == {
        n: (html_nx.degree(n), round(10 + 5 * math.sqrt(html_nx.degree(n)), 2), html_nx.nodes[n]["aliases"])
        for n in sub}
    assert any(shown[n]["aliases"] for n in sub)
    ranked = sorted(sub, key=lambda n: (-html_nx.degree(n), n))
    assert sorted(shown, key=lambda n: shown[n]["rank"]) == ranked
    assert opened.blocked == [] and opened.errors == []
    alone = tmp_path / "alone"
    shutil.copytree(out, alone)
    (alone / "papers" / "nodes.js").unlink()
    opened = open_page(alone / "papers" / "2404.11912.html")
    alone_node = opened.page.evaluate(f"() => effikg.nodes.get({busier[0]!r})")
    assert (alone_node["degree"], alone_node["aliases"]) == (sub.degree(busier[0]), [])


@pytest.mark.slow
def test_html_search_focuses_triforce(html_site, html_nx, open_page) -> None:
    out, _ = html_site
    opened = open_page(out / "index.html")
    page = opened.page
    page.fill("#search", "triforce")
    page.press("#search", "Enter")
    selected = page.evaluate("() => effikg.network.getSelectedNodes()")
    assert [html_nx.nodes[s]["label"] for s in selected] == ["TriForce"]
    assert page.evaluate("() => effikg.focused") == selected[0]
    assert page.locator("#details h3").inner_text() == "TriForce"
    # the details list every link of the node, and a click on one walks to it
    (triforce,) = selected
    links = page.locator("#details .links li").all_inner_texts()
    assert len(links) == html_nx.degree(triforce)
    targets = sorted(html_nx.nodes[v]["label"] for _, v, r in html_nx.out_edges(triforce, data="relation") if r == "targets")
    assert [t[len("targets "):] for t in links if t.startswith("targets ")] == targets
    assert "outperforms DeepSpeed-Zero-Inference" in links and any(t.startswith("proposed by TriForce:") for t in links)
    page.click("#details .links a:text-is('NVIDIA A100 GPU')")
    assert html_nx.nodes[page.evaluate("() => effikg.focused")]["label"] == "NVIDIA A100 GPU"
    assert page.locator("#details h3").inner_text() == "NVIDIA A100 GPU"
    # an alias finds its node too
    page.fill("#search", "A100 GPU")
    page.press("#search", "Enter")
    focused = page.evaluate("() => effikg.focused")
    assert html_nx.nodes[focused]["label"] == "NVIDIA A100 GPU"
    assert opened.errors == [] and opened.blocked == []


@pytest.mark.slow
def test_html_filters_hide_relations_classes_and_weak_edges(html_site, html_nx, open_page) -> None:
    out, _ = html_site
    opened = open_page(out / "index.html")
    page = opened.page
    edges = list(html_nx.edges(data=True))

    page.uncheck("#relation-legend input[data-relation=outperforms]")
    kept = [d for _, _, d in edges if d["relation"] != "outperforms"]
    assert opened.counts()["drawnEdges"] == len(kept)
    page.check("#relation-legend input[data-relation=outperforms]")

    page.uncheck("#class-legend input[data-cls=Metric]")
    metrics = {n for n, d in html_nx.nodes(data=True) if d["type"] == "Metric"}
    counts = opened.counts()
    assert counts["drawnEdges"] == len([1 for u, v, _ in edges if u not in metrics and v not in metrics])
    assert counts["drawnNodes"] == html_nx.number_of_nodes() - len(metrics) - len(_methodless(html_nx))
    page.check("#class-legend input[data-cls=Metric]")

    page.evaluate("() => { const s = document.querySelector('#min-support'); s.value = '2';"
                  " s.dispatchEvent(new Event('input')); }")
    strong = [(u, v) for u, v, d in edges if d["support"] >= 2]
    assert len(strong) == 1  # vLLM improves Throughput, stated by two papers
    assert opened.counts() == {**opened.counts(), "drawnEdges": 1}
    # nodes left without edges are hidden, except those that never had any (papers that propose
    # no method, which are hidden anyway)
    isolated = [n for n in html_nx if html_nx.degree(n) == 0 and n not in _methodless(html_nx)]
    assert opened.counts()["drawnNodes"] == 2 + len(isolated)

    page.evaluate("() => { const s = document.querySelector('#min-support'); s.value = '1';"
                  " s.dispatchEvent(new Event('input')); }")
    page.evaluate("() => { const s = document.querySelector('#min-confidence'); s.value = '0.8';"
                  " s.dispatchEvent(new Event('input')); }")
    confident = [d for _, _, d in edges if d["confidence"] is None or d["confidence"] >= 0.8]
    assert 0 < len(confident) < len(edges)
    assert opened.counts()["drawnEdges"] == len(confident)
    assert opened.errors == []


@pytest.mark.slow
def test_html_top_n_shows_only_the_best_connected_nodes(html_graph, html_nx, tmp_path: Path, open_page) -> None:
    save_html(html_graph, tmp_path, top_n=3)
    opened = open_page(tmp_path / "index.html")
    top3 = sorted(html_nx, key=lambda n: (-html_nx.degree(n), n))[:3]
    drawn = opened.page.evaluate("() => effikg.network.body.nodeIndices.slice().sort()")
    assert drawn == sorted(top3)
    opened.page.fill("#top-n", "0")
    opened.page.dispatch_event("#top-n", "change")
    assert opened.counts()["drawnNodes"] == html_nx.number_of_nodes() - len(_methodless(html_nx))
    opened.page.wait_for_function("window.effikg.stabilized", timeout=60_000)
    assert opened.errors == []


@pytest.mark.slow
def test_html_markup_in_the_graph_stays_text_in_the_browser(html_site, html_nx, open_page) -> None:
    out, written = html_site
    xss_page = next(p for p in written if p.parent.name == "papers" and "h-0123456789" in p.name)
    opened = open_page(xss_page)
    page = opened.page
    assert page.locator("h1").inner_text() == " ".join(XSS_TITLE.split())
    edge = page.evaluate("() => effikg.edges.get({filter: e => e.relation === 'outperforms'})[0].id")
    page.evaluate(f"() => effikg.network.selectEdges(['{edge}'])")
    page.evaluate(f"() => effikg.network.body.emitter.emit('click', {{nodes: [], edges: ['{edge}']}})")
    assert XSS_SENTENCE in page.locator("#details").inner_text()
    assert page.locator("#details img").count() == 0 and page.locator("#details script").count() == 0
    assert page.evaluate("() => window.__xss") is None
    assert opened.blocked == [] and opened.errors == []


@pytest.mark.slow
def test_html_bundled_corpus_explorer(built_graph_dir: Path, built_graph: rdflib.Graph, open_page) -> None:
    from pipeline.export.html import CLUSTER_MIN_NODES

    nxg = to_networkx(built_graph)
    opened = open_page(built_graph_dir / "index.html")
    page = opened.page
    n, e = nxg.number_of_nodes(), nxg.number_of_edges()
    shown = n - len(_methodless(nxg))
    assert _methodless(nxg) and n > CLUSTER_MIN_NODES
    # a readable overview: papers proposing no method left out, the rest folded by community
    counts = opened.counts()
    assert (counts["nodes"], counts["edges"]) == (shown, e)
    clusters = page.evaluate("() => effikg.clusters()")
    assert len(clusters) >= 5 and counts["drawnNodes"] < shown / 2
    page.select_option("#cluster-by", "none")
    assert opened.counts() == {"nodes": shown, "edges": e, "drawnNodes": shown, "drawnEdges": e}
    page.wait_for_function("window.effikg.stabilized", timeout=60_000)
    page.select_option("#cluster-by", "community")
    assert page.evaluate("() => effikg.clusters()") == clusters
    # the search reaches into a cluster: it opens, and the node is selected
    page.fill("#search", "TriForce")
    page.press("#search", "Enter")
    focused = page.evaluate("() => effikg.focused")
    assert focused and nxg.nodes[focused]["label"] == "TriForce"
    assert page.evaluate("() => effikg.network.getSelectedNodes()") == [focused]
    assert len(page.evaluate("() => effikg.clusters()")) == len(clusters) - 1
    linked = open_page(built_graph_dir / "index.html", "#node=TriForce")
    assert nxg.nodes[linked.page.evaluate("() => effikg.focused")]["label"] == "TriForce"
    assert opened.blocked == [] and opened.errors == [] and linked.errors == []


# A point of the edge `id` that no node covers (the layout may put a node over its middle):
# the first of several fractions along it outside every node's box, its label included.
_FREE_POINT_ON_EDGE = (
    "(() => { const n = effikg.network, e = n.body.edges[id];"
    " const boxes = Object.values(n.body.nodes).map(k => k.shape.boundingBox);"
    " const covered = p => boxes.some(b => p.x >= b.left - 4 && p.x <= b.right + 4 && p.y >= b.top - 4 && p.y <= b.bottom + 4);"
    " for (const t of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]) { const p = e.edgeType.getPoint(t);"
    " if (!covered(p)) return p; }"
    " return e.edgeType.getPoint(0.5); })()"
)


def _hover(page: Any, point_js: str, arg: str) -> str:
    """Move the real mouse over a point of the canvas; return the tooltip vis-network shows."""
    page.mouse.move(2, 2)
    page.wait_for_timeout(200)
    xy = page.evaluate(
        "([id]) => { const c = effikg.network.canvasToDOM(" + point_js + ");"
        " const r = document.getElementById('graph').getBoundingClientRect();"
        " return [c.x + r.left, c.y + r.top]; }", [arg],
    )
    page.mouse.move(*xy)
    tooltip = page.locator(".vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5_000)
    return tooltip.inner_text()


@pytest.mark.slow
def test_html_tooltips_show_aliases_evidence_figure_and_arxiv_link(html_site, html_nx, open_page) -> None:
    out, _ = html_site
    opened = open_page(out / "index.html")
    page = opened.page
    node = lambda label: page.evaluate(f"() => effikg.nodes.get({{filter: n => n.label === {label!r}}})[0].id")

    a100_id = node("NVIDIA A100 GPU")
    a100 = _hover(page, "effikg.network.getPosition(id)", a100_id)
    assert a100.splitlines()[:2] == ["NVIDIA A100 GPU", f"GPU \u00b7 degree {html_nx.degree(a100_id)}"]
    assert "Also written: A100, A100 GPU" in a100

    edge = page.evaluate(
        "() => effikg.edges.get({filter: e => e.relation === 'targets' &&"
        " effikg.nodes.get(e.from).label === 'TriForce' && effikg.nodes.get(e.to).label === 'NVIDIA A100 GPU'})[0].id"
    )
    tip = _hover(page, _FREE_POINT_ON_EDGE, edge)
    assert tip.splitlines()[0] == "TriForce targets NVIDIA A100 GPU"
    assert "TriForce achieves up to 2.31x speedup for Llama2-7B-128K on an A100 GPU." in tip
    assert "Figure: 2.31x" in tip
    assert "Paper: TriForce: Lossless Acceleration of Long Sequence Generation" in tip
    assert page.locator(".vis-tooltip a").get_attribute("href") == "https://arxiv.org/abs/2404.11912"
    assert "arXiv:2404.11912" in tip
    assert opened.errors == [] and opened.blocked == []


@pytest.mark.slow
def test_html_physics_stops_once_the_layout_settles(html_site, open_page) -> None:
    opened = open_page(html_site[0] / "index.html")
    page = opened.page
    assert page.evaluate("() => effikg.network.physics.physicsEnabled") is False
    assert page.evaluate("() => effikg.cutShort") is False
    before = page.evaluate("() => JSON.stringify(effikg.network.getPositions())")
    page.wait_for_timeout(500)
    assert page.evaluate("() => JSON.stringify(effikg.network.getPositions())") == before  # nothing moves
    assert page.locator("#layout-status").inner_text().startswith("Layout settled in ")
    assert opened.errors == []


@pytest.mark.slow
def test_html_layout_time_limit_freezes_a_slow_layout(html_graph, html_nx, tmp_path: Path, monkeypatch, open_page) -> None:
    import pipeline.export.html as html_module

    monkeypatch.setattr(html_module, "LAYOUT_BUDGET_MS", 1)  # every layout is "too slow"
    save_html(html_graph, tmp_path)
    opened = open_page(tmp_path / "index.html")
    page = opened.page
    assert page.evaluate("() => effikg.cutShort") is True
    assert page.evaluate("() => effikg.network.physics.physicsEnabled") is False
    assert "time limit" in page.locator("#layout-status").inner_text()
    assert opened.counts()["drawnNodes"] == html_nx.number_of_nodes() - len(_methodless(html_nx))
    assert opened.errors == [] and opened.blocked == []


def check_paper_pages(browser: Any, site: Path, graph: rdflib.Graph, papers: list[str]) -> None:
    """Open each paper's page from disk: it draws exactly its sub-graph, asks for nothing remote."""
    from pipeline.export.html import edges_by_paper, read_paper_info

    nxg = to_networkx(graph)
    by_paper = edges_by_paper(nxg)
    slugs = {iri: info.slug for iri, info in read_paper_info(graph).items()}
    for paper in papers:
        opened = OpenedPage(browser, site / "papers" / f"{slugs[paper]}.html")
        try:
            sub = paper_subgraph(nxg, paper, by_paper.get(paper, []))
            n, e = sub.number_of_nodes(), sub.number_of_edges()
            assert opened.counts() == {"nodes": n, "edges": e, "drawnNodes": n, "drawnEdges": e}, paper
            assert opened.blocked == [] and opened.errors == [], paper
        finally:
            opened.close()


@pytest.mark.slow
def test_html_every_paper_page_opens_offline(html_site, html_graph, html_nx, browser) -> None:
    papers = sorted(n for n, d in html_nx.nodes(data=True) if d["type"] == "Paper")
    assert len(papers) == 5
    check_paper_pages(browser, html_site[0], html_graph, papers)


@pytest.mark.slow
def test_html_bundled_corpus_busiest_paper_pages(built_graph_dir: Path, built_graph: rdflib.Graph, browser) -> None:
    # The five papers with the most edges (a page takes ~0.5 s to open: all 86 would be slow).
    from pipeline.export.html import edges_by_paper

    busiest = sorted(edges_by_paper(to_networkx(built_graph)).items(), key=lambda kv: (-len(kv[1]), kv[0]))[:5]
    check_paper_pages(browser, built_graph_dir, built_graph, [paper for paper, _ in busiest])


# ---- the overview: clusters, figures on edges, the legend of codes, links to a node -------------


def test_html_communities_are_seeded_and_cover_every_node(html_nx) -> None:
    from pipeline.export.html import communities

    first = communities(html_nx)
    assert first == communities(html_nx.copy()) and set(first) == set(html_nx)
    triforce = next(n for n, d in html_nx.nodes(data=True) if d["label"] == "TriForce")
    deepspeed = next(n for n, d in html_nx.nodes(data=True) if d["label"] == "DeepSpeed-Zero-Inference")
    assert first[triforce] == first[deepspeed]  # only TriForce links DeepSpeed


def test_html_edge_labels_carry_their_figure() -> None:
    from pipeline.export.html import edge_label

    assert edge_label("targets", []) == "targets"
    assert edge_label("improves", ["up to 2.31x"]) == "improves up to 2.31x"
    assert edge_label("improves", ["2.31x", "7.78x", "4.86x"]) == "improves 2.31x +2"


@pytest.mark.slow
def test_html_large_graph_opens_clustered_and_a_click_opens_a_cluster(
    html_graph, html_nx, tmp_path: Path, monkeypatch, open_page,
) -> None:
    import pipeline.export.html as html_module

    monkeypatch.setattr(html_module, "CLUSTER_MIN_NODES", 5)  # this small graph counts as large
    save_html(html_graph, tmp_path)
    opened = open_page(tmp_path / "index.html")
    page = opened.page
    shown = set(html_nx) - _methodless(html_nx)
    community = html_module.communities(html_nx)
    groups: dict[int, list[str]] = {}
    for n in sorted(shown):
        groups.setdefault(community[n], []).append(n)
    # communities of three or more fold (a paper and its method alone do not)
    expected = sorted(f"cluster:community:{c}" for c, members in groups.items() if len(members) >= 3)
    assert expected and page.evaluate("() => effikg.clusters()") == expected
    apart = sum(len(members) for members in groups.values() if len(members) < 3)
    assert opened.counts()["drawnNodes"] == len(expected) + apart
    assert page.locator("#cluster-by").input_value() == "community"
    # a click on a cluster opens it: its members are drawn in its place
    first = expected[0]
    page.evaluate(f"() => effikg.network.body.emitter.emit('click', {{nodes: ['{first}'], edges: []}})")
    assert first not in page.evaluate("() => effikg.clusters()")
    drawn = set(page.evaluate("() => effikg.network.body.nodeIndices"))
    assert set(groups[int(first.rsplit(":", 1)[1])]) <= drawn
    page.wait_for_function("window.effikg.stabilized", timeout=60_000)
    # by hardware kind: the two GPUs fold into one node, the single CPU and FPGA stay apart
    page.select_option("#cluster-by", "kind")
    assert page.evaluate("() => effikg.clusters()") == ["cluster:kind:GPU"]
    label = page.evaluate("() => effikg.network.body.nodes['cluster:kind:GPU'].options.label")
    assert label == "GPU (2)"
    page.select_option("#cluster-by", "none")
    assert page.evaluate("() => effikg.clusters()") == [] and opened.counts()["drawnNodes"] == len(shown)
    # the fragment picks the grouping
    by_kind = open_page(tmp_path / "index.html", "#cluster=kind")
    assert by_kind.page.evaluate("() => effikg.clusters()") == ["cluster:kind:GPU"]
    assert by_kind.page.locator("#cluster-by").input_value() == "kind"
    assert open_page(tmp_path / "index.html", "#cluster=none").page.evaluate("() => effikg.clusters()") == []
    # a small graph opens flat
    monkeypatch.setattr(html_module, "CLUSTER_MIN_NODES", 1000)
    save_html(html_graph, tmp_path / "small")
    flat = open_page(tmp_path / "small" / "index.html")
    assert flat.page.evaluate("() => effikg.clusters()") == []
    assert opened.errors == [] and flat.errors == [] and opened.blocked == []


@pytest.mark.slow
def test_html_edges_show_their_figure_in_label_and_hover(html_site, open_page) -> None:
    opened = open_page(html_site[0] / "index.html")
    page = opened.page
    labels = page.evaluate(
        "() => effikg.edges.get({filter: e => effikg.nodes.get(e.from).label === 'TriForce'}).map(e => e.label).sort()"
    )
    assert labels == ["improves up to 2.31x", "outperforms 7.78x", "targets", "targets 2.31x"]
    edge = page.evaluate(
        "() => effikg.edges.get({filter: e => e.relation === 'outperforms' &&"
        " effikg.nodes.get(e.from).label === 'TriForce'})[0].id"
    )
    tip = _hover(page, _FREE_POINT_ON_EDGE, edge)
    assert "Figures: 7.78x" in tip
    assert opened.errors == []


@pytest.mark.slow
def test_html_legend_explains_every_visual_code(html_site, html_nx, open_page) -> None:
    opened = open_page(html_site[0] / "index.html")
    page = opened.page
    codes = page.locator("#code-legend li").evaluate_all("els => els.map(e => e.dataset.code)")
    assert codes == ["size", "dashed", "arrow", "label", "width", "cluster"]
    text = page.locator("#code-legend").inner_text()
    assert "Dashed border: also a baseline" in text and "Thicker edge: stated by more papers" in text
    # the dashed border is drawn on exactly the nodes the legend says: a method someone proposes
    # and hardware, each also outperformed (a method only beaten is the Baseline class instead)
    dashed = page.evaluate("() => effikg.nodes.get({filter: n => (n.shapeProperties || {}).borderDashes})"
                           ".map(n => n.label).sort()")
    assert dashed == ["Intel Xeon 8358P CPU", "vLLM"]
    # every class drawn has its legend row
    drawn_classes = set(page.evaluate("() => effikg.nodes.get().map(n => n.cls)"))
    legend_classes = set(page.locator("#class-legend input").evaluate_all("els => els.map(e => e.dataset.cls)"))
    assert drawn_classes == legend_classes
    assert opened.errors == []


@pytest.mark.slow
def test_html_support_slider_only_when_some_triple_has_more_support(html_site, tmp_path: Path, open_page) -> None:
    assert open_page(html_site[0] / "index.html").page.locator("#min-support").count() == 1
    save_html(to_rdf(make_extractions()[:3]), tmp_path)  # no triple is stated by two papers
    opened = open_page(tmp_path / "index.html")
    assert opened.page.locator("#min-support").count() == 0
    assert "width" not in opened.page.locator("#code-legend li").evaluate_all("els => els.map(e => e.dataset.code)")
    assert opened.errors == []


@pytest.mark.slow
def test_html_links_to_a_node_and_to_a_search(html_site, html_nx, open_page) -> None:
    index = html_site[0] / "index.html"
    opened = open_page(index, "#node=TriForce")
    page = opened.page
    selected = page.evaluate("() => effikg.network.getSelectedNodes()")
    assert [html_nx.nodes[s]["label"] for s in selected] == ["TriForce"]
    assert page.evaluate("() => effikg.focused") == selected[0]
    assert page.locator("#details h3").inner_text() == "TriForce"
    # an alias, URL-encoded, works too; so does a later change of the fragment
    page.evaluate("() => { window.location.hash = 'node=A100%20GPU'; }")
    page.wait_for_function("effikg.focused && effikg.nodes.get(effikg.focused).label === 'NVIDIA A100 GPU'")
    searched = open_page(index, "#search=vAtt")
    assert searched.page.input_value("#search") == "vAtt"
    assert searched.page.locator("#search-results li").all_inner_texts() == ["vAttention Method"]
    assert opened.errors == [] and searched.errors == [] and opened.blocked == []
