"""The shape of the package: imports run one way, top to bottom, with no cycles; no module
reads a library's private attributes; no function is longer than a screen.

Everything here reads the source with ast (function-level imports included), so the
checks see the code as written, not what happens to be imported at test time.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PIPELINE = Path(__file__).resolve().parent.parent / "pipeline"

# Top to bottom. A module may import any layer below its own, and its own layer as long
# as that makes no cycle; never a layer above. A name stands for itself and everything
# under it (pipeline.export = every exporter); the longest name that fits wins.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("pipeline.cli",),
    ("pipeline.build", "pipeline.query", "pipeline.serve", "pipeline.report", "pipeline.evaluate",
     "pipeline.train", "pipeline.explain",
     "pipeline.validate", "pipeline.ontology_build",
     "pipeline.query_workers",  # serve's worker processes; they load the graph with pipeline.query
     "pipeline.query_match",  # query parameters matched against the graph's names
     "pipeline.parallel", "pipeline.cache",  # where the build's NLP runs; the extraction cache
     "pipeline.nlp_server",  # what the NLP workers' forkserver loads before it forks them
     "pipeline.store",  # papers assembled as they come into the on-disk store
     "pipeline.progress",  # the build's progress bar (where the reader is in its input)
     "pipeline.shape_check"),  # shapes.ttl as SPARQL checks (validate's fast path)
    ("pipeline.export",),
    ("pipeline.graph",),
    ("pipeline.resolve",),
    ("pipeline.nlp",),
    ("pipeline.ingest", "pipeline.text"),
    ("pipeline.records", "pipeline.terms", "pipeline.normalize", "pipeline.errors", "pipeline.files",
     "pipeline.vocab", "pipeline.corpus", "pipeline.ontology", "pipeline",
     "pipeline.config",  # the project file effikg.toml (reads TOML, builds a VocabExtra)
     "pipeline.outdir",  # the build folder: manifest, swap, journal (files and folders only)
     "pipeline.query_check"),  # SPARQL text checked before any engine sees it (text only)
)

# Imports that break the layering today, as (importer, imported) names of LAYERS. The
# list may only shrink: the test fails when an entry no longer happens.
KNOWN_VIOLATIONS: set[tuple[str, str]] = set()
# Import cycles that exist today, each as the set of modules on it; may only shrink.
KNOWN_CYCLES: set[frozenset[str]] = set()

MAX_FUNCTION_LINES = 60
# Modules not held to the limit (generated code only); empty: every function of pipeline/ is.
LENGTH_EXCLUDED: tuple[str, ...] = ()


# ---------------------------------------------------------------------- reading the source


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def read_modules(root: Path) -> dict[str, ast.Module]:
    """Every module of the package at root, by dotted name."""
    return {
        module_name(path, root): ast.parse(path.read_text(encoding="utf-8"), str(path))
        for path in sorted(root.rglob("*.py"))
    }


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: set[str]) -> Iterator[str]:
    """The modules an import statement names; `from x import y` names x.y when that is a
    module, else x."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:  # a relative import: from . import x, from ..graph import y
        package = module.split(".") if is_package else module.split(".")[:-1]
        base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
    for alias in node.names:
        yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base


def import_edges(modules: dict[str, ast.Module], root: Path) -> set[tuple[str, str]]:
    """(importer, imported) for every import of one module of the package by another."""
    known = set(modules)
    packages = {m for m in modules if (root.parent / m.replace(".", "/") / "__init__.py").is_file()}
    edges = set()
    for module, tree in modules.items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for name in _imported(node, module, module in packages, known):
                    if name in known and name != module:
                        edges.add((module, name))
    return edges


def layer_of(module: str, layers: tuple[tuple[str, ...], ...] = LAYERS) -> tuple[int, str]:
    """(depth, name) of the LAYERS entry a module belongs to; 0 is the top."""
    fits = [(len(name), depth, name) for depth, names in enumerate(layers) for name in names
            if module == name or module.startswith(name + ".")]
    if not fits:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS in tests/test_pipeline.py")
    _, depth, name = max(fits)
    return depth, name


def upward_imports(edges: set[tuple[str, str]], layers: tuple[tuple[str, ...], ...] = LAYERS) -> set[tuple[str, str]]:
    """(importer layer, imported layer) of every import of a layer above the importer's."""
    found = set()
    for importer, imported in edges:
        (low, low_name), (high, high_name) = layer_of(importer, layers), layer_of(imported, layers)
        if high < low:
            found.add((low_name, high_name))
    return found


def cycles(edges: set[tuple[str, str]]) -> set[frozenset[str]]:
    """The modules of each import cycle (strongly connected components of two or more)."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: set[frozenset[str]] = set()

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.add(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def private_attributes(modules: dict[str, ast.Module]) -> list[str]:
    """`x._name` on anything but self or cls, and getattr(x, "_name"), by module and line.

    spaCy's extension namespace (`doc._`) is public API and allowed."""
    found = []
    for module, tree in sorted(modules.items()):
        for node in ast.walk(tree):
            name = None
            if isinstance(node, ast.Attribute) and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                name = node.attr
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                  and node.func.id in ("getattr", "hasattr", "setattr") and len(node.args) > 1
                  and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)):
                name = node.args[1].value
            if name and name.startswith("_") and not name.startswith("__") and name != "_":
                found.append(f"{module}:{node.lineno} {name}")
    return found


def long_functions(modules: dict[str, ast.Module], limit: int, excluded: tuple[str, ...] = ()) -> list[str]:
    """Functions (methods too) longer than `limit` lines, from `def` to their last line."""
    found = []
    for module, tree in sorted(modules.items()):
        if any(module == e or module.startswith(e + ".") for e in excluded):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1  # type: ignore[operator]
                if lines > limit:
                    found.append(f"{module}:{node.lineno} {node.name} ({lines} lines)")
    return found


# ---------------------------------------------------------------------- the package


@pytest.fixture(scope="module")
def modules() -> dict[str, ast.Module]:
    return read_modules(PIPELINE)


@pytest.fixture(scope="module")
def edges(modules: dict[str, ast.Module]) -> set[tuple[str, str]]:
    return import_edges(modules, PIPELINE)


def test_pipeline_every_module_has_a_layer(modules: dict[str, ast.Module]) -> None:
    for module in modules:
        layer_of(module)


def test_pipeline_imports_run_one_way_top_to_bottom(edges: set[tuple[str, str]]) -> None:
    assert upward_imports(edges) - KNOWN_VIOLATIONS == set()


def test_pipeline_known_violations_still_exist(edges: set[tuple[str, str]]) -> None:
    """Fixed at last? Then delete the entry: the list only shrinks."""
    assert KNOWN_VIOLATIONS - upward_imports(edges) == set()


def test_pipeline_imports_make_no_cycle(edges: set[tuple[str, str]]) -> None:
    assert cycles(edges) - KNOWN_CYCLES == set()
    assert KNOWN_CYCLES - cycles(edges) == set(), "a known cycle is gone: delete it from KNOWN_CYCLES"


def test_pipeline_reads_no_private_attribute_of_a_library(modules: dict[str, ast.Module]) -> None:
    assert private_attributes(modules) == []


def test_pipeline_no_function_is_over_60_lines(modules: dict[str, ast.Module]) -> None:
    assert long_functions(modules, MAX_FUNCTION_LINES, LENGTH_EXCLUDED) == []


# ---------------------------------------------------------------------- the checks themselves


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "pkg"


def test_pipeline_checks_catch_an_upward_import_a_cycle_and_a_private_attribute(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "__init__.py": "",
        "top.py": "import pkg.low\n",
        "low.py": "def f():\n    from pkg import top\n    return top\n",  # function-level, upward
        "mid/__init__.py": "from .a import x\n",
        "mid/a.py": "from pkg.mid import b\nx = 1\n",
        "mid/b.py": "from . import a\n",  # relative, closes a cycle a -> b -> a
        "store.py": "def g(s):\n    return s._Memory__contextTriples, getattr(s, '_why'), s.__dict__\n",
    })
    layers = (("pkg.top",), ("pkg.mid",), ("pkg.low", "pkg.store", "pkg"))
    modules = read_modules(root)
    edges = import_edges(modules, root)
    assert ("pkg.low", "pkg.top") in edges and ("pkg.mid.b", "pkg.mid.a") in edges
    assert upward_imports(edges, layers) == {("pkg.low", "pkg.top")}
    assert cycles(edges) == {frozenset({"pkg.mid.a", "pkg.mid.b"}), frozenset({"pkg.low", "pkg.top"})}
    assert [f.split(" ")[1] for f in private_attributes(modules)] == ["_Memory__contextTriples", "_why"]


def test_pipeline_length_check_counts_from_def_to_the_last_line(tmp_path: Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(59))
    root = _write(tmp_path, {"__init__.py": "", "a.py": f"def ok():\n{body}\n\ndef long():\n{body}    x = 0\n",
                             "skip/__init__.py": f"def long():\n{body}    x = 0\n"})
    modules = read_modules(root)
    assert long_functions(modules, 60) == ["pkg.a:63 long (61 lines)", "pkg.skip:1 long (61 lines)"]
    assert long_functions(modules, 60, ("pkg.skip",)) == ["pkg.a:63 long (61 lines)"]
