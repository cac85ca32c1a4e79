"""effikg.owl loads in the OWL API (the library Protégé is built on) with its classes and
individuals, no OWL 2 DL violation and no triple left unmapped."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

# The ontology tests' checker (tests/ontology/CheckOwl2Dl.java), compiled here on its own.
JAVA_SOURCE = Path(__file__).resolve().parents[1] / "ontology" / "CheckOwl2Dl.java"
JAVA_DIR = Path("/usr/share/java")
_NOISY_JARS = ("slf4j-jcl", "slf4j-jdk14", "slf4j-log4j12", "slf4j-simple", "maven3-slf4j")


def _classpath() -> str:
    jars = [
        str(p) for p in sorted(JAVA_DIR.glob("*.jar"))
        if not any(p.name.startswith(n) for n in _NOISY_JARS)
        and not p.stem.rsplit("-", 1)[-1][:1].isdigit()
    ]
    if not any("owlapi" in j for j in jars):
        pytest.fail("the OWL API is missing: apt-get install libowlapi-java (see DEVELOPERS.md)")
    return ":".join(jars)


@pytest.mark.slow
def test_rdf_owl_loads_in_the_owl_api(sample_export_dir: Path, built_graph_dir: Path, tmp_path: Path) -> None:
    for tool in ("java", "javac"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not on PATH: install a JDK (Java 17)")
    classpath = _classpath()
    compiled = subprocess.run(["javac", "-cp", classpath, "-d", str(tmp_path), str(JAVA_SOURCE)],
                              capture_output=True, text=True, timeout=300)
    assert compiled.returncode == 0, compiled.stderr
    files = [sample_export_dir / "effikg.owl", built_graph_dir / "effikg.owl"]
    run = subprocess.run(["java", "-cp", f"{tmp_path}:{classpath}", "CheckOwl2Dl", *map(str, files)],
                         capture_output=True, text=True, timeout=300)
    report = run.stdout + run.stderr
    assert run.returncode == 0, report
    for path in files:
        line = next(l for l in report.splitlines() if l.startswith(f"{path}: format RDF/XML"))
        classes, individuals = (int(x) for x in re.search(r"(\d+) classes, (\d+) individuals", line).groups())
        assert classes >= 15 and individuals > 10, line
        assert line.endswith("0 OWL 2 DL violations, 0 unparsed triples"), line
