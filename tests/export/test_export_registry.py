"""pipeline.export: exporters registered by name; every one writes what it declares."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import rdflib

from pipeline.errors import ExportError
from pipeline.export import ALWAYS, EXPORTERS, Exporter, save_exports, select_exporters


def _written(out: Path) -> set[str]:
    return {p.name + ("/" if p.is_dir() else "") for p in out.iterdir()}


@pytest.mark.parametrize("exporter", EXPORTERS.values(), ids=list(EXPORTERS))
def test_export_registry_each_exporter_writes_the_files_it_declares(
    exporter: Exporter, sample_graph: rdflib.Graph, tmp_path: Path,
) -> None:
    written = exporter.save(sample_graph, tmp_path)
    assert written and all(p.is_file() and tmp_path in p.parents for p in written)
    assert _written(tmp_path) == set(exporter.files)
    assert exporter.description and exporter.name.isidentifier()


def test_export_registry_all_at_once_writes_what_each_writes_alone(sample_graph: rdflib.Graph, tmp_path: Path) -> None:
    together = tmp_path / "together"
    written = save_exports(sample_graph, together)
    for exporter in EXPORTERS.values():
        alone = tmp_path / exporter.name
        for path in exporter.save(sample_graph, alone):
            assert (together / path.relative_to(alone)).read_bytes() == path.read_bytes(), path
    assert sorted(written) == sorted(p for p in together.rglob("*") if p.is_file())


def test_export_registry_turtle_is_always_written() -> None:
    assert [e.name for e in select_exporters(["html"])] == ["ttl", "html"]
    assert [e.name for e in select_exporters(["owl", "nt"])] == ["ttl", "nt", "owl"]  # registry order
    assert [e.name for e in select_exporters()] == list(EXPORTERS)
    assert ALWAYS == ("ttl",) and EXPORTERS["ttl"].files == ("effikg.ttl",)


@pytest.mark.parametrize("names,message", [
    (["ttl", "pdf"], "unknown export 'pdf'; choose from: ttl, nt, jsonld, owl, graphml, neo4j, html"),
    ([], "name at least one export; choose from: ttl, nt"),
])
def test_export_registry_unknown_name_lists_the_valid_ones(names: list[str], message: str) -> None:
    with pytest.raises(ExportError, match=message):
        select_exporters(names)


def test_export_registry_reading_it_imports_no_exporter() -> None:
    """The CLI reads the registry for its help text: that must not load pyvis and the rest."""
    code = ("import sys, pipeline.export; "
            "print(sorted(m for m in sys.modules if m.startswith('pipeline.export.') or m == 'pyvis'))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert run.stdout.strip() == "[]"


def test_export_shares_are_balanced_by_cost_and_in_registry_order() -> None:
    from pipeline.export import share_exporters

    exporters = select_exporters()
    assert share_exporters(exporters, 1) == [exporters]
    shares = share_exporters(exporters, 2, beside=1.0)
    assert sorted(e.name for share in shares for e in share) == sorted(EXPORTERS)  # each one once
    order = list(EXPORTERS)
    assert all([order.index(e.name) for e in share] == sorted(order.index(e.name) for e in share) for share in shares)
    costs = [sum(e.cost for e in share) for share in shares]
    costs[0] += 1.0
    assert abs(costs[0] - costs[1]) <= max(e.cost for e in exporters)  # greedy: within one exporter's cost
    assert "html" in {e.name for e in shares[1]}  # the costliest goes to the share with nothing else to do
