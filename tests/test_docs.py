"""Docs that match the code: what the README says docs/benchmarks.md holds, it holds."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import SKOS

from pipeline.terms import EKG, PREFIXES

REPO = Path(__file__).resolve().parent.parent


def test_docs_benchmarks_the_readme_cites_have_figures() -> None:
    """Every script the README says has figures in docs/benchmarks.md has its section there,
    with a table of figures, and every script cited exists."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    benchmarks = (REPO / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    sentence = re.search(r"Speed figures are in \[docs/benchmarks\.md\].*?\);", readme, re.DOTALL)
    assert sentence, "the README no longer says where the speed figures are"
    cited = re.findall(r"python (benchmarks/\w+\.py)", sentence.group())
    assert cited
    for script in cited:
        assert (REPO / script).is_file(), script
        section = re.search(rf"^## [^\n]*`python {re.escape(script)}`\n(.*?)(?=^## |\Z)", benchmarks,
                            re.MULTILINE | re.DOTALL)
        assert section, f"docs/benchmarks.md has no section for {script}, which the README says it has"
        assert re.search(r"^\|.*\d.*\|$", section.group(1), re.MULTILINE), f"{script}: no figures in its section"


# ---- every command the READMEs show, run against a fresh build in a temp folder --------------

DOCS = ("README.md", "ontology/README.md")  # in this order: the ontology's commands read the build

# Commands shown but not run, each with why: those starting so, and those exactly so. A command
# that is neither run nor listed here fails the test, so a new one in the docs gets a decision.
SKIPPED = {
    "scripts/install.sh": "installs into .venv (and may apt-get): it made the environment this test runs in",
    "scripts/test.sh": "runs the whole test suite, this test included",
    ".venv/bin/pip install": "installs packages from the index; tests/test_notebooks.py checks that extra",
    ".venv/bin/jupyter lab": "a notebook server that runs until stopped",
    "effikg serve": "a SPARQL server that runs until stopped (tests/test_serve.py drives it)",
    "python -m pytest": "the test suite runs these tests itself",
    "effikg build arxiv-metadata-oai-snapshot.json.zst": "needs arXiv's metadata snapshot (about 4 GB), which is not shipped;"
    " tests/ingest/test_filters.py and test_compressed.py run its options on small files",
}
SKIPPED_EXACT = {
    "python -m pipeline.ontology_build": "rewrites ontology/effikg.owl and ontology/README.md in the source tree;"
    " the `--check` line, which runs, fails whenever this one would change them",
    "effikg eval": "prose naming the command; it needs a gold file the docs do not ship"
    " (tests/nlp/test_eval_gold.py runs it on the bundled gold)",
    "effikg query": "prose naming the command; alone it asks for a query (`effikg query --list` is run)",
}
PLACEHOLDER = re.compile(r"\b[A-Z][A-Z_.]+\b|\[|\||\.\.\.")


def shown_commands(doc: str) -> list[str]:
    """The shell commands of a doc in order: each line of its ```sh blocks (split at `&&`,
    comments dropped), then its inline `effikg ...` spans that hold no placeholder."""
    text = (REPO / doc).read_text(encoding="utf-8")
    commands: list[str] = []
    for block in re.findall(r"^ *```sh\n(.*?)^ *```", text, re.MULTILINE | re.DOTALL):
        block = re.sub(r"\\\n\s*", " ", block)  # a line continued with a backslash is one command
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            commands += [part.strip() for part in line.split(" && ") if part.strip()]
    for span in re.findall(r"`((?:\.venv/bin/)?effikg [^`]+)`", text):
        if not PLACEHOLDER.search(span):
            commands.append(span)
    unique: list[str] = []
    for command in commands:
        if command.removeprefix(".venv/bin/") not in [c.removeprefix(".venv/bin/") for c in unique]:
            unique.append(command)
    return unique


def skip_reason(command: str) -> str | None:
    bare = command.removeprefix(".venv/bin/") if command.startswith(".venv/bin/effikg") else command
    if bare in SKIPPED_EXACT:
        return SKIPPED_EXACT[bare]
    return next((why for prefix, why in SKIPPED.items() if command == prefix or command.startswith(prefix + " ")), None)


def to_argv(command: str, tmp: Path) -> list[str]:
    """The command as run here: the venv's effikg and python, /tmp paths under tmp."""
    import shlex
    import sys

    argv = [part.replace("/tmp/", f"{tmp}/") for part in shlex.split(command)]
    head = argv[0].removeprefix(".venv/bin/")
    if head == "effikg":
        return [str(Path(sys.executable).parent / "effikg"), *argv[1:]]
    if head in ("python", "python3"):
        return [sys.executable, *argv[1:]]
    raise AssertionError(f"{command!r}: neither run here nor in SKIPPED")


@pytest.fixture(scope="module")
def docs_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, subprocess.CompletedProcess]]:
    """Every command the docs show, run in order in a fresh folder (the first builds graphs/)."""
    tmp = tmp_path_factory.mktemp("docs")
    ran: dict[str, subprocess.CompletedProcess] = {}
    for doc in DOCS:
        for command in shown_commands(doc):
            same = [c for c in ran if c.removeprefix(".venv/bin/") == command.removeprefix(".venv/bin/")]
            if skip_reason(command) is None and not same:
                ran[command] = subprocess.run(to_argv(command, tmp), cwd=tmp, capture_output=True, text=True,
                                              timeout=600, stdin=subprocess.DEVNULL)
    return tmp, ran


def test_docs_commands_are_found_and_each_run_or_skipped_with_a_reason() -> None:
    readme, ontology = shown_commands("README.md"), shown_commands("ontology/README.md")
    assert readme[:2] == ["scripts/install.sh", ".venv/bin/effikg build"]
    assert "effikg validate graphs/effikg.ttl" in ontology
    assert "python -m pipeline.ontology_build --check" in ontology
    assert skip_reason("python -m pipeline.ontology_build") and not skip_reason("python -m pipeline.ontology_build --check")
    for command in readme + ontology:
        assert skip_reason(command) or to_argv(command, Path("/x"))


@pytest.mark.slow
def test_docs_every_command_shown_runs(docs_run) -> None:
    tmp, ran = docs_run
    assert ran, "no command was run"
    for command, result in ran.items():
        assert result.returncode == 0, f"{command!r} exits {result.returncode}:\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr, command
    assert (tmp / "graphs" / "effikg.ttl").is_file() and (tmp / "graphs" / "index.html").is_file()
    assert (tmp / "effikg-full.owl").is_file()  # the --merge line, its /tmp path moved under tmp
    assert "methods-targeting-hardware" in ran[".venv/bin/effikg query --list"].stdout
    # the Quickstart's count of the bundled corpus is what the build reads
    (count,) = re.findall(r"bundled corpus \((\d+) abstracts\)", (REPO / "README.md").read_text(encoding="utf-8"))
    assert f"Read {count} abstracts" in ran[".venv/bin/effikg build"].stdout


@pytest.mark.slow
def test_docs_ontology_sparql_example_answers_on_the_build(docs_run) -> None:
    """The SPARQL the ontology README gives for Protégé, run with `effikg query` on the build."""
    import json
    import sys

    tmp, _ran = docs_run
    text = ONTOLOGY_README.read_text(encoding="utf-8")
    (sparql,) = re.findall(r"^ *```sparql\n(.*?)^ *```", text, re.MULTILINE | re.DOTALL)
    result = subprocess.run([str(Path(sys.executable).parent / "effikg"), "query", sparql, "--format", "json"],
                            cwd=tmp, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    rows = {(b["method"]["value"], b["hardware"]["value"]) for b in json.loads(result.stdout)["results"]["bindings"]}
    assert ("TriForce", "NVIDIA A100 GPU") in rows and ("Flash-LLM", "Tensor Core") in rows


# ---- what ontology/README.md cites agrees with that build ---------------------------------------

RES = "https://w3id.org/effikg/resource/"
ONTOLOGY_README = REPO / "ontology" / "README.md"


@pytest.fixture(scope="module")
def docs_graph(docs_run) -> rdflib.Graph:
    return rdflib.Graph().parse(docs_run[0] / "graphs" / "effikg.ttl", format="turtle")


def _example_turtle() -> rdflib.Graph:
    """The README's example, its abbreviated res: IRIs written out, as a graph."""
    text = ONTOLOGY_README.read_text(encoding="utf-8")
    block = re.search(r"```turtle\n(.*?)```", text, re.DOTALL).group(1)
    block = re.sub(r"\bres:([\w./-]+?)(?=[\s;,.]*(?:\s|$))", lambda m: f"<{RES}{m.group(1)}>", block)
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    return rdflib.Graph().parse(data=prefixes + block, format="turtle")


def _same(a: rdflib.term.Node, b: rdflib.term.Node) -> bool:
    if isinstance(a, rdflib.Literal) and isinstance(b, rdflib.Literal):
        return a.toPython() == b.toPython() if a.datatype or b.datatype else str(a) == str(b)
    return a == b


@pytest.mark.slow
def test_docs_ontology_example_is_in_the_built_graph(docs_graph) -> None:
    example = _example_turtle()
    assert len(example) > 20
    for s, p, o in sorted(example):
        found = list(docs_graph.objects(s, p))
        assert any(_same(o, f) for f in found), f"ontology/README.md example: {s} {p} {o!r}; the build has {found}"


@pytest.mark.slow
def test_docs_ontology_readme_iris_exist(docs_graph) -> None:
    text = ONTOLOGY_README.read_text(encoding="utf-8")
    cited = {m.rstrip(".,;") for m in re.findall(r"\bres:([\w/.-]+)", text) if "..." not in m}
    subjects = {str(s) for s in docs_graph.subjects()}
    # The example claim of TriForce's paper (its local name is a content hash) and the build.
    assert "build" in cited and any(c.startswith("claim/h-3dc9e615cc83/") for c in cited)
    assert sorted(c for c in cited if RES + c not in subjects) == []


def _items(example: str) -> list[tuple[str, list[str]]]:
    """"A (targeted by X), B, C (X, Y)." -> [("A", ["targeted by X"]), ("B", []), ("C", ["X", "Y"])]."""
    items = []
    for name, inner in re.findall(r"\s*([^,(]+?)\s*(?:\(([^)]*)\))?\s*(?:,|\.?$)", example.strip().rstrip(".")):
        if name:
            items.append((name, [part.strip() for part in inner.split(",")] if inner else []))
    return items


def test_docs_class_example_items_parse() -> None:
    assert _items("A (targeted by X), B, C (X, Y).") == [("A", ["targeted by X"]), ("B", []), ("C", ["X", "Y"])]


@pytest.mark.slow
def test_docs_ontology_class_table_agrees_with_the_build(docs_graph) -> None:
    """Each example of a hardware kind, Method or Baseline in the class table names a node of
    that class; what its brackets say (an alias, "targeted by M", "outperformed by M", or the
    methods that target it) holds in the build."""
    text = ONTOLOGY_README.read_text(encoding="utf-8")
    rows = re.findall(r"^\| `ekg:(\w+)` \|[^|]*\|[^|]*\|[^|]*\| ([^|]*) \|$", text, re.MULTILINE)
    from pipeline.graph import read_ontology

    kinds = read_ontology().transitive_subjects(rdflib.RDFS.subClassOf, EKG.Hardware)
    hardware_kinds = {str(c).rsplit("#", 1)[1] for c in kinds}
    assert {"Hardware", "ASIC", "NPU", "GPU", "MobileDevice"} <= hardware_kinds
    label = lambda n: str(docs_graph.value(n, rdflib.RDFS.label))
    by_label = {label(n): n for n in docs_graph.subjects(rdflib.RDFS.label, None)}
    checked = 0
    for cls, example in rows:
        if cls not in hardware_kinds | {"Method", "Baseline"}:
            continue
        for name, notes in _items(example):
            node = by_label.get(name)
            assert node is not None and (node, rdflib.RDF.type, EKG[cls]) in docs_graph, \
                f"ekg:{cls} example {name!r}: the build has no {cls} labelled so"
            targeted_by = {label(m) for m in docs_graph.subjects(EKG.targets, node)}
            outperformed_by = {label(m) for m in docs_graph.subjects(EKG.outperforms, node)}
            aliases = {str(a) for a in docs_graph.objects(node, SKOS.altLabel)}
            for note in notes:
                ok = (note.removeprefix("targeted by ") in targeted_by
                      or note.removeprefix("outperformed by ") in outperformed_by and note.startswith("outperformed by ")
                      or note in aliases)
                assert ok, f"ekg:{cls} example {name} ({note}): not so in the build"
            checked += 1
    assert checked >= 25
