"""GraphML export, for Gephi, Cytoscape, yEd and networkx.

Built from the networkx view of the graph (pipeline.graph.to_networkx, shared with the
explorer through the run's GraphSource): papers, methods, hardware and metrics are nodes
(attributes `label`, `type`, `aliases`, `baseline`); each direct triple and each
`proposes` link is one edge (attributes `relation`, `figure`, `support`, `evidence`,
`papers`, `confidence`). GraphML holds only scalars, so lists are joined into text:
figures with "; ", evidence sentences one a line, paper IRIs with spaces.
"""

from __future__ import annotations

import io
from pathlib import Path

import networkx as nx

from pipeline.export.source import GraphLike, as_source
from pipeline.files import write_atomic


def _scalar_edge(attrs: dict) -> dict[str, str | int | float]:
    out: dict[str, str | int | float] = {
        "relation": attrs["relation"],
        "figure": "; ".join(attrs.get("figures", [])),
        "support": int(attrs.get("support", 0)),
        "evidence": "\n".join(attrs.get("evidence", [])),
        "papers": " ".join(attrs.get("papers", [])),
    }
    if attrs.get("confidence") is not None:
        out["confidence"] = float(attrs["confidence"])
    return out


def to_graphml_graph(graph: GraphLike) -> nx.MultiDiGraph:
    """The networkx view of the graph with every attribute a GraphML scalar."""
    view = as_source(graph).networkx
    out = nx.MultiDiGraph()
    for node, attrs in sorted(view.nodes(data=True)):
        out.add_node(
            node,
            label=str(attrs.get("label", node)),
            type=str(attrs.get("type", "")),
            aliases="; ".join(attrs.get("aliases", [])),
            baseline=bool(attrs.get("baseline", False)),
        )
    edges = sorted(view.edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1]))
    for u, v, key, attrs in edges:
        out.add_edge(u, v, key=key, **_scalar_edge(attrs))
    return out


def to_graphml(graph: GraphLike) -> bytes:
    """The GraphML document; node and edge order are sorted, so the bytes are stable."""
    buf = io.BytesIO()
    nx.write_graphml(to_graphml_graph(graph), buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()


def save_graphml(graph: GraphLike, out_dir: Path) -> list[Path]:
    """Write out_dir/effikg.graphml; return its path."""
    return [write_atomic(Path(out_dir) / "effikg.graphml", to_graphml(graph))]
