"""Make docs/explorer.png, the README's picture of the explorer, from a built graph.

    python docs/screenshot.py [GRAPH.ttl] [OUT.png]      (defaults: graphs/effikg.ttl, docs/explorer.png)

The explorer is written afresh from the graph into a temporary folder (so the picture shows
the current explorer code), opened from disk in headless Debian Chromium with every
non-local request refused, TriForce searched for, and the edge to its baseline hovered so
that the tooltip (evidence sentence, figure, paper) is in the picture.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import rdflib

from pipeline.export.html import save_html

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1600, "height": 950}
REPO = Path(__file__).resolve().parent.parent


def save_screenshot(graph_path: Path, out: Path, node: str = "TriForce", relation: str = "outperforms") -> None:
    from playwright.sync_api import sync_playwright

    graph = rdflib.Graph().parse(graph_path, format="turtle")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        site = Path(tmp)
        save_html(graph, site)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True)
        page = browser.new_context(viewport=VIEWPORT).new_page()
        remote: list[str] = []
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
                   else (remote.append(r.request.url), r.abort()))
        page.goto((site / "index.html").as_uri())
        page.wait_for_function("window.effikg && window.effikg.stabilized", timeout=300_000)
        page.fill("#search", node)
        page.press("#search", "Enter")
        page.wait_for_timeout(800)  # the focus animation
        page.evaluate("() => effikg.network.moveTo({scale: 1.0, position: effikg.network.getPosition(effikg.focused)})")
        page.wait_for_timeout(500)
        edge = page.evaluate(
            "([rel]) => (effikg.edges.get({filter: e => e.relation === rel && e.from === effikg.focused})[0] || {}).id",
            [relation],
        )
        if edge:  # hover the middle of the edge's curve: vis-network shows its tooltip
            x, y = page.evaluate(
                "([id]) => { const c = effikg.network.canvasToDOM(effikg.network.body.edges[id].edgeType.getPoint(0.5));"
                " const r = document.getElementById('graph').getBoundingClientRect(); return [c.x + r.left, c.y + r.top]; }",
                [edge],
            )
            page.mouse.move(x, y)
            page.wait_for_timeout(800)
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))
        browser.close()
    if remote:
        raise SystemExit(f"the explorer asked for remote resources: {remote}")


def main(argv: list[str]) -> int:
    graph = Path(argv[0]) if argv else REPO / "graphs" / "effikg.ttl"
    out = Path(argv[1]) if len(argv) > 1 else REPO / "docs" / "explorer.png"
    if not graph.is_file():
        print(f"{graph}: no such graph file (run `effikg build` first)", file=sys.stderr)
        return 1
    save_screenshot(graph, out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
