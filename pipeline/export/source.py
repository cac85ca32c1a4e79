"""What one export run reads: the built graph, and the views of it several exporters share.

Every exporter takes a GraphSource (or a plain rdflib Graph, wrapped on the way in). The
views are made on first use and kept for the run, so writing Turtle, N-Triples, JSON-LD
and OWL costs one pass over the graph and one parse, and GraphML and the explorer share
one networkx graph.
"""

from __future__ import annotations

from functools import cached_property

import networkx as nx
import pyoxigraph as ox
import rdflib

from pipeline.export.ntriples import parse_lines, to_ntriples_lines
from pipeline.graph import to_networkx


class GraphSource:
    """The built graph, with its sorted N-Triples lines, their parse and its networkx view."""

    def __init__(self, graph: rdflib.Graph) -> None:
        self.graph = graph

    @cached_property
    def lines(self) -> list[str]:
        return to_ntriples_lines(self.graph)

    @cached_property
    def triples(self) -> list[ox.Triple]:
        """The lines parsed by pyoxigraph: parsing a million lines costs more than writing them."""
        return parse_lines(self.lines)

    @cached_property
    def networkx(self) -> nx.MultiDiGraph:
        return to_networkx(self.graph)


GraphLike = rdflib.Graph | GraphSource


def as_source(graph: GraphLike) -> GraphSource:
    """`graph` as a GraphSource (itself when it is one already)."""
    return graph if isinstance(graph, GraphSource) else GraphSource(graph)
