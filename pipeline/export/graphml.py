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
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import networkx as nx

from pipeline.export.source import GraphLike, Source, as_source
from pipeline.files import write_atomic_streams
from pipeline.graph import networkx_edges, networkx_node, node_types


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
        out.add_node(node, **_scalar_node(node, attrs))
    edges = sorted(view.edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1]))
    for u, v, key, attrs in edges:
        out.add_edge(u, v, key=key, **_scalar_edge(attrs))
    return out


_NS = ('xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
       'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
       'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"')
_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    return (_text(value).replace('"', "&quot;").replace("\r", "&#13;").replace("\n", "&#10;")
            .replace("\t", "&#09;"))


class _GraphMLWriter:
    """GraphML written element by element, byte for byte what networkx's writer
    (nx.write_graphml, prettyprint) makes of the same graph: the body goes to a spool
    file while the keys are gathered, then the keys, then the body."""

    def __init__(self) -> None:
        self.keys: dict[tuple[str, str, str], str] = {}  # (name, type, scope) -> id
        self.body = tempfile.TemporaryFile()

    def _data(self, scope: str, attrs: dict[str, str | int | float | bool]) -> str:
        lines = []
        for name, value in attrs.items():
            key = (name, _TYPES[type(value)], scope)
            ident = self.keys.setdefault(key, f"d{len(self.keys)}")
            text = _text(str(value))
            lines.append(f'      <data key="{ident}">{text}</data>\n' if text else f'      <data key="{ident}" />\n')
        return "".join(lines)

    def node(self, node: str, attrs: dict) -> None:
        data = self._data("node", attrs)
        self.body.write((f'    <node id="{_attr(node)}">\n{data}    </node>\n' if data
                         else f'    <node id="{_attr(node)}" />\n').encode("utf-8"))

    def edge(self, u: str, v: str, key: str, attrs: dict) -> None:
        data = self._data("edge", attrs)
        head = f'    <edge source="{_attr(u)}" target="{_attr(v)}" id="{_attr(key)}"'
        self.body.write((f"{head}>\n{data}    </edge>\n" if data else f"{head} />\n").encode("utf-8"))

    def write(self, out: BinaryIO) -> None:
        out.write(f"<?xml version='1.0' encoding='utf-8'?>\n<graphml {_NS}>\n".encode("utf-8"))
        for (name, kind, scope), ident in reversed(self.keys.items()):
            out.write(f'  <key id="{ident}" for="{scope}" attr.name="{_attr(name)}" attr.type="{kind}" />\n'
                      .encode("utf-8"))
        self.body.seek(0)
        if self.body.read(1):
            out.write(b'  <graph edgedefault="directed">\n')
            self.body.seek(0)
            shutil.copyfileobj(self.body, out)
            out.write(b"  </graph>\n</graphml>\n")
        else:
            out.write(b'  <graph edgedefault="directed" />\n</graphml>\n')
        self.body.close()


def _scalar_node(node: str, attrs: dict) -> dict[str, str | bool]:
    return {"label": str(attrs.get("label", node)), "type": str(attrs.get("type", "")),
            "aliases": "; ".join(attrs.get("aliases", [])), "baseline": bool(attrs.get("baseline", False))}


def write_graphml(graph: GraphLike, out: BinaryIO) -> None:
    """The GraphML document, node by node and edge by edge, sorted, so the bytes are stable:
    from the source's networkx view when the graph is in memory (the explorer draws the
    same view: it is made once), else streamed from the store (pipeline.graph.networkx_edges,
    never the whole view)."""
    source = as_source(graph)
    writer = _GraphMLWriter()
    for node, attrs in _nodes(source):
        writer.node(node, _scalar_node(node, attrs))
    for u, v, key, attrs in _edges(source):
        writer.edge(u, v, key, _scalar_edge(attrs))
    writer.write(out)


def _nodes(source: Source) -> Iterator[tuple[str, dict]]:
    """The networkx view's nodes with their attributes, sorted by IRI."""
    if source.in_memory:
        yield from sorted(source.networkx.nodes(data=True), key=lambda n: n[0])
        return
    view = source.view
    nodes = node_types(view)  # type: ignore[arg-type]
    for iri in sorted(nodes):
        yield str(iri), networkx_node(view, iri, nodes[iri])  # type: ignore[arg-type]


def _edges(source: Source) -> Iterator[tuple[str, str, str, dict]]:
    """The networkx view's edges with their attributes, sorted by (source, relation, target)."""
    if source.in_memory:
        yield from sorted(source.networkx.edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1]))
        return
    view = source.view
    yield from networkx_edges(view, node_types(view))  # type: ignore[arg-type]


def to_graphml(graph: GraphLike) -> bytes:
    """The GraphML document as bytes (write_graphml)."""
    buf = io.BytesIO()
    write_graphml(graph, buf)
    return buf.getvalue()


def save_graphml(graph: GraphLike, out_dir: Path) -> list[Path]:
    """Write out_dir/effikg.graphml, streamed; return its path."""
    return write_atomic_streams({Path(out_dir) / "effikg.graphml": lambda out: write_graphml(graph, out)})
