"""Fixtures for the ontology checks: the OWL API checker (Java) and sample graphs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph

from pipeline.graph import read_ontology, to_rdf

JAVA_SOURCE = Path(__file__).with_name("CheckOwl2Dl.java")
JAVA_DIR = Path("/usr/share/java")
# Logging back-ends that would fight over SLF4J; slf4j-nop stays so the output is quiet.
_NOISY_JARS = ("slf4j-jcl", "slf4j-jdk14", "slf4j-log4j12", "slf4j-simple", "maven3-slf4j")


def owlapi_classpath() -> str:
    """libowlapi-java and its dependency jars, as Debian installs them (unversioned links)."""
    if not list(JAVA_DIR.glob("owlapi-distribution*.jar")):
        pytest.fail("the OWL API is missing: apt-get install libowlapi-java (see DEVELOPERS.md)")
    jars = [
        str(p) for p in sorted(JAVA_DIR.glob("*.jar"))
        if not any(p.name.startswith(n) for n in _NOISY_JARS)
        and not p.stem.rsplit("-", 1)[-1][:1].isdigit()  # skip the versioned duplicates
    ]
    return ":".join(jars)


class OwlApiChecker:
    """Runs CheckOwl2Dl.java on ontology documents; returns (exit code, report)."""

    def __init__(self, classes: Path, classpath: str) -> None:
        self.classpath = f"{classes}:{classpath}"

    def check(self, *paths: Path) -> tuple[int, str]:
        run = subprocess.run(
            ["java", "-cp", self.classpath, "CheckOwl2Dl", *map(str, paths)],
            capture_output=True, text=True, timeout=300,
        )
        return run.returncode, run.stdout + run.stderr


@pytest.fixture(scope="session")
def owlapi(tmp_path_factory) -> OwlApiChecker:
    """CheckOwl2Dl.java compiled once per session against the OWL API."""
    for tool in ("java", "javac"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not on PATH: install a JDK (Java 17)")
    classes = tmp_path_factory.mktemp("owlapi")
    classpath = owlapi_classpath()
    compiled = subprocess.run(
        ["javac", "-cp", classpath, "-d", str(classes), str(JAVA_SOURCE)],
        capture_output=True, text=True, timeout=300,
    )
    assert compiled.returncode == 0, compiled.stderr
    return OwlApiChecker(classes, classpath)


@pytest.fixture(scope="session")
def sample_graph() -> Graph:
    """A graph assembled by to_rdf from hand-made records (see tests/test_graph.py)."""
    from test_graph import all_extractions

    return to_rdf(all_extractions())


def merged(*graphs: Graph) -> Graph:
    """The ontology plus instance data, as one graph (what Protégé shows when both are open)."""
    out = Graph()
    for prefix, ns in read_ontology().namespaces():
        out.bind(prefix, ns)
    out += read_ontology()
    for g in graphs:
        out += g
    return out


def require_extractor() -> None:
    """Skip a test that needs the real build while pipeline.nlp.extract is not there yet."""
    try:
        from pipeline.nlp import extract  # noqa: F401
    except ImportError as err:
        pytest.skip(f"the extractor is not available yet: {err}")
