"""Whole builds of random input (JSON records with random fields, text with control
characters) beside good abstracts: no exception escapes, every record is built or
reported skipped, and the outputs still parse (rdflib, rapper) and load (FalkorDB)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.build import BuildError, run_build
from pipeline.errors import InputError, InputsFailedError
from pipeline.ingest.common import check_head
from pipeline.terms import EKG

RAPPER = shutil.which("rapper")
GOOD = [
    "We propose FastKV, which cuts the KV cache memory of LLM serving on an NVIDIA A100 GPU by 40% over vLLM.",
    "TinyNet runs on an STM32 microcontroller and is 2.1× faster than MCUNet with 3% higher accuracy.",
]
NASTY = st.sampled_from(list("\x00\x01\x07\x0b\x0c\x1b\x1f\x7f\x85\x9b\u2028\u2029\ufeff\ufffe\uffff\u202e\ud800"))
WORDS = st.sampled_from(["We propose", "FastNet", "on an", "A100 GPU", "Jetson Nano", "2.3×", "faster than", "vLLM",
                         "reduces latency by", "35%", "FPGA", ".", ",", "“", "$\\times$", "\\cite{x}", " "])
TEXT = st.lists(st.one_of(WORDS, NASTY, st.text(max_size=12)), min_size=1, max_size=30).map(" ".join)
VALUE = st.one_of(st.none(), st.integers(), st.floats(), TEXT, st.lists(TEXT, max_size=3))
RECORD = st.fixed_dictionaries(
    {"abstract": st.one_of(TEXT, VALUE)},
    optional={"title": VALUE, "doi": VALUE, "date": VALUE, "authors": VALUE, "arxiv_id": VALUE,
              "comments": VALUE, "categories": VALUE, "n_authors": VALUE, "code": VALUE},
)


def _check_with_rapper(out: Path) -> None:
    if RAPPER is None:
        pytest.skip("rapper (Debian raptor2-utils) is not installed: the independent parser check did not run")
    for name, syntax in (("effikg.ttl", "turtle"), ("effikg.nt", "ntriples"), ("effikg.owl", "rdfxml")):
        proc = subprocess.run([RAPPER, "-q", "-i", syntax, "-c", str(out / name)], capture_output=True)
        assert proc.returncode == 0, f"rapper rejected {name}: {proc.stderr.decode()[-300:]}"


def _load_cypher(server: tuple[str, int], script: Path, name: str) -> None:
    from falkordb import FalkorDB

    from pipeline.export.neo4j import read_cypher_statements

    graph = FalkorDB(host=server[0], port=server[1]).select_graph(name)
    for statement in read_cypher_statements(script.read_text(encoding="utf-8")):
        graph.query(statement)
    graph.delete()


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(records=st.lists(RECORD, min_size=1, max_size=6), text=TEXT)
def test_build_fuzz_random_records_are_built_or_skipped(falkordb_server, records: list[dict], text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        jsonl = root / "random.jsonl"
        lines = [json.dumps({"title": "Good", "abstract": GOOD[0]}), *map(json.dumps, records)]
        jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
        plain = root / "random.txt"
        plain.write_bytes(f"Abstract: {GOOD[1]}\nAbstract: {text}\n".encode("utf-8", "surrogatepass"))
        try:
            check_head(str(plain), plain.read_bytes())
        except InputError:  # a NUL or many control characters: the reader calls it binary
            with pytest.raises(InputsFailedError, match="is a binary file"):  # exit 2, nothing written
                run_build([jsonl, plain], root / "out")
            assert not (root / "out").exists()
            return
        try:
            summary = run_build([jsonl, plain], root / "out")
        except BuildError as err:  # the graph as a whole: a clear line, never a crash
            pytest.fail(f"the build failed: {err}")
        from_jsonl = [s for s in summary.skipped if s.source == str(jsonl)]
        graph = rdflib.Graph().parse(root / "out" / "effikg.ttl", format="turtle")
        papers = set(graph.subjects(rdflib.RDF.type, EKG.Paper))
        in_jsonl = {p for p in papers if str(graph.value(p, EKG.sourceFile)) == jsonl.name}
        assert len(in_jsonl) + len(from_jsonl) == len(lines), "a record was neither built nor reported"
        assert len(papers) == summary.papers
        rdflib.Graph().parse(root / "out" / "effikg.nt", format="nt")
        rdflib.Graph().parse(root / "out" / "effikg.jsonld", format="json-ld")
        rdflib.Graph().parse(root / "out" / "effikg.owl", format="xml")
        _check_with_rapper(root / "out")
        _load_cypher(falkordb_server, root / "out" / "neo4j" / "effikg.cypher", f"fuzz-{abs(hash(tmp))}")
