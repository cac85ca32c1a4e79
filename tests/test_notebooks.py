"""The notebooks run, top to bottom, against the committed graphs/ folder, and are stored stripped."""

from __future__ import annotations

from pathlib import Path

import re
import sys
import tomllib
from importlib.metadata import packages_distributions

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
CELL_TIMEOUT = 120  # seconds a single cell may take (HermiT, the community search)


def test_notebooks_are_present() -> None:
    assert [p.name for p in PATHS] == [
        "01_sparql.ipynb", "02_networkx.ipynb", "03_neo4j_protege.ipynb",
    ]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebooks_stored_stripped(path: Path) -> None:
    """Outputs are produced by running, not stored: a stale output cannot pass for a result."""
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {i} has stored outputs"
            assert cell.execution_count is None, f"{path.name} cell {i} has an execution count"


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebooks_execute(path: Path) -> None:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    graph = NOTEBOOKS.parent / "graphs" / "effikg.ttl"
    assert graph.is_file(), f"{graph} is missing: the notebooks read the committed build (effikg build)"
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=CELL_TIMEOUT, kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},  # cwd = notebooks/, as in Jupyter
    )
    try:
        client.execute()
    except CellExecutionError as err:
        pytest.fail(f"{path.name} failed:\n{err}")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count is not None for c in code)
    errors = [o for c in code for o in c.outputs if o.get("output_type") == "error"]
    assert not errors, f"{path.name}: {errors[0]}"


def _requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def test_notebooks_extra_installs_every_import() -> None:
    """`pip install -e '.[notebooks]'` (the README's one command) covers what the notebooks import."""
    project = tomllib.loads((NOTEBOOKS.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    provided = _requirement_names(project["dependencies"]) | _requirement_names(
        project["optional-dependencies"]["notebooks"])
    assert {"jupyterlab", "ipykernel", "pandas"} <= provided
    owners = packages_distributions()
    missing = set()
    for path in PATHS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            for module in re.findall(r"^\s*(?:import|from)\s+([A-Za-z_]\w*)", cell.source, re.MULTILINE):
                if module in sys.stdlib_module_names or module == "pipeline":
                    continue
                names = {d.lower().replace("_", "-") for d in owners.get(module, [module])}
                if not names & provided and not (module == "IPython" and "ipykernel" in provided):
                    missing.add(f"{path.name}: {module}")
    assert not missing, f"imports the notebooks extra does not install: {sorted(missing)}"
    readme = (NOTEBOOKS.parent / "README.md").read_text(encoding="utf-8")
    assert "pip install -e '.[notebooks]'" in readme and "jupyter lab notebooks/" in readme
