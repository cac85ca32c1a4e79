"""pipeline.query: the named queries answer what they say on the bundled corpus; parameters,
files, ad-hoc SPARQL and the three output formats work; errors are one clear line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.plugins.sparql import prepareQuery

from pipeline.cli import main
from pipeline.graph import to_rdf
from pipeline.query import (
    QueryError,
    find_query,
    list_queries,
    load_store,
    read_query,
    run_query,
    to_bound_sparql,
)
from pipeline.records import Claim, Entity, Extraction, Figure, Paper
from pipeline.terms import EKG, RES

PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")

# --------------------------------------------------------------------------- a small graph

QUICK = Entity("Method", "QuickKV", "quickkv")
SLOW = Entity("Method", "SlowKV", "slowkv")
H100 = Entity("Hardware", "NVIDIA H100 GPU", "nvidia-h100-gpu", "GPU")
XEON = Entity("Hardware", "Intel Xeon CPU", "intel-xeon-cpu", "CPU")
MEMORY = Entity("Metric", "Memory", "memory")
SPEED = Entity("Metric", "Speed", "speed")
SENTENCE = 'QuickKV cuts KV cache memory by 4.2x on H100 GPUs and runs 3x faster than "SlowKV".'


def small_graph() -> rdflib.Graph:
    paper = Paper(id="2501.00001", abstract="We present QuickKV. " + SENTENCE, title="QuickKV",
                  arxiv_id="2501.00001", code_url="https://example.org/quickkv")
    start = paper.abstract.index(SENTENCE)
    span = (start, start + len(SENTENCE))
    claims = (
        Claim(paper.id, QUICK, "targets", H100, "QuickKV", "H100 GPUs", SENTENCE, *span, 0.9),
        Claim(paper.id, QUICK, "improves", MEMORY, "QuickKV", "KV cache memory", SENTENCE, *span, 0.8,
              Figure("4.2x", 4.2, "x", "decrease"), hardware=H100),
        Claim(paper.id, QUICK, "improves", SPEED, "QuickKV", "faster", SENTENCE, *span, 0.8,
              Figure("3x", 3.0, "x", "increase"), hardware=H100, baseline=SLOW),
        Claim(paper.id, QUICK, "outperforms", SLOW, "QuickKV", "SlowKV", SENTENCE, *span, 0.8,
              Figure("3x", 3.0, "x", "increase")),
    )
    return to_rdf([Extraction(paper, (QUICK,), claims, (("nvidia-h100-gpu", "H100"),))])


@pytest.fixture(scope="module")
def small() -> rdflib.Graph:
    return small_graph()


# --------------------------------------------------------------------------- the catalogue


def test_query_catalogue_has_at_least_ten_documented_queries() -> None:
    queries = list_queries()
    assert len(queries) >= 10
    for q in queries:
        assert len(q.description) > 30, f"{q.name}: say what it answers"
        assert q.description.endswith((".", "?", ")")), q.name
        for p in q.params:
            assert p.default_value, f"{q.name}: parameter {p.name} needs a default"


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_query_named_query_is_standard_sparql(query) -> None:
    # rdflib's parser is independent of the Oxigraph engine that runs it.
    prepareQuery(to_bound_sparql(query))
    assert "$" not in to_bound_sparql(query)


def test_query_parameter_declarations_must_match_uses() -> None:
    with pytest.raises(QueryError, match="declared but never used"):
        read_query('# x\n# param: a = "1"\nSELECT * WHERE { ?s ?p ?o }', "q", "q.rq")
    with pytest.raises(QueryError, match=r"\$b used but not declared"):
        read_query("# x\nSELECT * WHERE { ?s ?p $b }", "q", "q.rq")
    with pytest.raises(QueryError, match="not a string, number or <IRI>"):
        read_query("# x\n# param: a = oops\nSELECT * WHERE { ?s ?p $a }", "q", "q.rq")


# --------------------------------------------------------------------------- mechanics


def test_query_parameter_matches_aliases_case_insensitively(small) -> None:
    by_name = run_query(small, "methods-targeting-hardware", {"hardware": "NVIDIA H100 GPU"})
    by_alias = run_query(small, "methods-targeting-hardware", {"hardware": "h100"})
    assert by_name.records() == by_alias.records() == [
        {"method": "QuickKV", "hardware": "NVIDIA H100 GPU", "papers": "1"}
    ]
    with pytest.raises(QueryError, match="no hardware 'TPU'.* Valid: NVIDIA H100 GPU"):
        run_query(small, "methods-targeting-hardware", {"hardware": "TPU"})


def test_query_parameter_values_are_escaped_not_injected(small) -> None:
    from pipeline.query import read_query, run_sparql, with_prefixes

    attack = 'x" } UNION { ?m ?p ?o'
    query = read_query('# param: method = "x"\nSELECT ?m WHERE { ?m rdfs:label $method }', "q")
    assert run_sparql(load_store(small), with_prefixes(query.to_sparql({"method": attack}))).rows == ()
    with pytest.raises(QueryError, match="no method 'x\" } UNION"):  # a matched parameter: no such name
        run_query(small, "claims-about-method", {"method": attack})


def test_query_unknown_parameter_is_an_error(small) -> None:
    with pytest.raises(QueryError, match="has no parameter colour; it takes hardware"):
        run_query(small, "methods-targeting-hardware", {"colour": "red"})


def test_query_file_and_text(small, tmp_path: Path) -> None:
    rq = tmp_path / "speed.rq"
    rq.write_text('# Figures of a method\n# param: m = "QuickKV"\n'
                  "SELECT ?f WHERE { ?c ekg:method/rdfs:label $m ; ekg:figureText ?f } ORDER BY ?f\n",
                  encoding="utf-8")
    assert [r["f"] for r in run_query(small, str(rq)).records()] == ["3x", "3x", "4.2x"]
    text = run_query(small, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a ekg:Claim }")
    assert text.records() == [{"n": "4"}]
    assert run_query(small, "ASK { ?m ekg:outperforms ?b }").boolean is True
    construct = run_query(small, "CONSTRUCT { ?m ekg:targets ?h } WHERE { ?m ekg:targets ?h }")
    assert construct.vars == ("subject", "predicate", "object") and len(construct.rows) == 1


def test_query_sees_the_ontology_hierarchy(small) -> None:
    rows = run_query(small, "methods-by-hardware-kind", {"kind": "hardware"}).records()
    assert rows == [{"method": "QuickKV", "hardware": "NVIDIA H100 GPU"}]
    assert run_query(small, "methods-by-hardware-kind", {"kind": "CPU"}).rows == ()


def test_query_formats(small) -> None:
    result = run_query(small, "figures-for-metric", {"metric": "memory"})
    records = result.records()
    assert records == [{"method": "QuickKV", "figure": "4.2x", "value": "4.2", "unit": "x",
                        "hardware": "NVIDIA H100 GPU", "paper": "QuickKV"}]
    parsed = list(csv.DictReader(io.StringIO(result.to_csv())))
    assert parsed == records
    doc = json.loads(result.to_json())
    assert doc["head"]["vars"] == list(result.vars)
    value = doc["results"]["bindings"][0]["value"]
    assert value == {"type": "literal", "value": "4.2", "datatype": "http://www.w3.org/2001/XMLSchema#decimal"}
    table = result.to_table().splitlines()
    assert table[0].split() == list(result.vars) and table[-1] == "(1 row)"


@pytest.mark.parametrize("spec,message", [
    ("no-such-query", "unknown query 'no-such-query'"),
    ("missing.rq", "missing.rq: no such query file"),
])
def test_query_errors_are_one_line(small, spec: str, message: str) -> None:
    with pytest.raises(QueryError) as err:
        run_query(small, spec)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_query_syntax_error_shows_the_line_and_a_caret(small) -> None:
    with pytest.raises(QueryError) as err:
        run_query(small, "SELECT ?x\nWHERE { ?x ?p }")
    message, line, caret = str(err.value).split("\n")
    assert message == "query: error at 2:16: expected one of LATERAL, SERVICE, [_]"
    assert line == "  line 2: WHERE { ?x ?p }"
    assert caret.index("^") == line.index("}")


def test_query_mistyped_name_gets_did_you_mean(small) -> None:
    with pytest.raises(QueryError, match="unknown query 'methods-targetting-hardware'. "
                                         "Did you mean methods-targeting-hardware?"):
        run_query(small, "methods-targetting-hardware")


def test_query_list_name_shows_that_query() -> None:
    result = CliRunner().invoke(main, ["query", "--list", "figures-for-metric"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("figures-for-metric [--param metric=Memory]\n")
    assert "matched against the names and aliases of ekg:Metric" in result.output
    assert "SELECT DISTINCT ?method ?figure" in result.output and "best-speedup" not in result.output
    wrong = CliRunner().invoke(main, ["query", "--list", "figures-for-metrik"])
    assert wrong.exit_code == 1 and "Did you mean figures-for-metric?" in wrong.output


def test_query_bad_graph_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "effikg.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(QueryError, match=r"effikg.ttl: not readable as Turtle: .*line 1"):
        load_store(bad)
    with pytest.raises(QueryError, match="no such graph file"):
        load_store(tmp_path / "absent.ttl")


def test_query_rdflib_and_oxigraph_agree_on_every_named_query(small) -> None:
    """Each .rq is portable: rdflib's evaluator gives the same rows as Oxigraph."""
    from pipeline.graph import read_ontology

    both = small + read_ontology()
    for q in list_queries():
        ours = run_query(small, q.name)
        theirs = both.query(to_bound_sparql(q))
        as_text = sorted((tuple(_number(v) for v in r.values()) for r in ours.records()), key=repr)
        expected = sorted((tuple(_number(None if t is None else str(t)) for t in row) for row in theirs), key=repr)
        assert as_text == expected, q.name


def _number(text: str | None) -> str | float | None:
    try:
        return float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return text


# --------------------------------------------------------------------------- the bundled corpus


@pytest.fixture(scope="module")
def corpus(built_graph_dir: Path):
    return load_store(built_graph_dir / "effikg.ttl")


def labels_of(graph: rdflib.Graph, node) -> set[str]:
    return {str(x) for x in graph.objects(node, RDFS.label)} | {str(x) for x in graph.objects(node, SKOS.altLabel)}


def descending(values: list[str]) -> bool:
    numbers = [float(v) for v in values]
    return numbers == sorted(numbers, reverse=True)


@pytest.mark.slow
def test_query_corpus_methods_targeting_hardware(corpus) -> None:
    rows = run_query(corpus, "methods-targeting-hardware").records()
    assert "TriForce" in {r["method"] for r in rows}
    assert {r["hardware"] for r in rows} == {"NVIDIA A100 GPU"}
    assert all(int(r["papers"]) >= 1 for r in rows)


def label_of(graph: rdflib.Graph, node) -> str:
    return str(graph.value(node, RDFS.label))


def beaten_by(graph: rdflib.Graph) -> dict:
    """baseline node -> the methods that outperform it, from the direct triples."""
    out: dict = {}
    for m, b in graph.subject_objects(EKG.outperforms):
        out.setdefault(b, set()).add(m)
    return out


@pytest.mark.slow
def test_query_corpus_methods_outperforming_baseline(corpus, built_graph: rdflib.Graph) -> None:
    rows = run_query(corpus, "methods-outperforming-baseline").records()
    # The answer recomputed from the direct triples: whoever outperforms a node named
    # (by label or alias) "FlashAttention", the query's default.
    expected = {
        label_of(built_graph, m)
        for b, methods in beaten_by(built_graph).items()
        if "flashattention" in {x.lower() for x in labels_of(built_graph, b)}
        for m in methods
    }
    assert expected, "nothing outperforms FlashAttention in this build"
    assert {r["method"] for r in rows} == expected
    assert {r["baseline"] for r in rows} == {"FlashAttention"}


@pytest.mark.slow
def test_query_corpus_best_speedup_per_hardware(corpus, built_graph: rdflib.Graph) -> None:
    rows = run_query(corpus, "best-speedup-per-hardware").records()
    assert any("GPU" in r["hardware"] and float(r["best"]) > 1 for r in rows)
    assert descending([r["best"] for r in rows])
    # The best of each hardware, recomputed here from the claims themselves.
    best: dict[str, float] = {}
    for c in built_graph.subjects(RDF.type, EKG.Claim):
        value, unit = built_graph.value(c, EKG.value), built_graph.value(c, EKG.unit)
        metrics = set(built_graph.objects(c, EKG.metric))
        if value is None or str(unit) != "x" or metrics - {EKG.Speed}:
            continue
        for h in built_graph.objects(c, EKG.hardware):
            label = str(built_graph.value(h, RDFS.label))
            best[label] = max(best.get(label, float("-inf")), float(value))
    assert {r["hardware"]: float(r["best"]) for r in rows} == best


@pytest.mark.slow
def test_query_corpus_metrics_most_improved(corpus, built_graph: rdflib.Graph) -> None:
    rows = run_query(corpus, "metrics-most-improved").records()
    canonical = {"Speed", "Throughput", "Memory", "Energy", "Accuracy", "Model size", "Computation", "Cost"}
    assert {r["metric"] for r in rows} <= canonical
    improvers: dict[str, set] = {}
    for m, x in built_graph.subject_objects(EKG.improves):
        improvers.setdefault(label_of(built_graph, x), set()).add(m)
    assert {r["metric"]: int(r["methods"]) for r in rows} == {k: len(v) for k, v in improvers.items()}
    assert "Speed" in {r["metric"] for r in rows[:3]}  # the field's first concern
    assert descending([r["methods"] for r in rows])


@pytest.mark.slow
def test_query_corpus_hardware_most_targeted(corpus, built_graph: rdflib.Graph) -> None:
    rows = run_query(corpus, "hardware-most-targeted").records()
    targeting: dict[str, set] = {}
    for m, h in built_graph.subject_objects(EKG.targets):
        targeting.setdefault(label_of(built_graph, h), set()).add(m)
    assert {r["hardware"]: int(r["methods"]) for r in rows} == {k: len(v) for k, v in targeting.items()}
    assert "GPU" in {r["hardware"] for r in rows[:3]}
    a100 = [r for r in rows if r["hardware"] == "NVIDIA A100 GPU"]
    assert a100 and a100[0]["kind"] == "GPU" and int(a100[0]["methods"]) >= 2
    assert len({r["hardware"] for r in rows}) == len(rows)  # one kind each: the most specific
    assert descending([r["methods"] for r in rows])


@pytest.mark.slow
def test_query_corpus_baselines_most_beaten(corpus, built_graph: rdflib.Graph) -> None:
    rows = run_query(corpus, "baselines-most-beaten").records()
    expected = {
        (label_of(built_graph, b), "Hardware" if (b, RDF.type, EKG.Hardware) in built_graph else "Method"): len(ms)
        for b, ms in beaten_by(built_graph).items()
    }
    assert {(r["baseline"], r["type"]): int(r["beatenBy"]) for r in rows} == expected
    assert descending([r["beatenBy"] for r in rows])
    flash = [r for r in rows if r["baseline"] == "FlashAttention"]
    assert flash and flash[0]["type"] == "Method"


@pytest.mark.slow
def test_query_corpus_methods_improving_two_metrics(corpus, built_graph: rdflib.Graph) -> None:
    rows = run_query(corpus, "methods-improving-two-metrics").records()
    expected = {
        str(built_graph.value(m, RDFS.label))
        for m in set(built_graph.subjects(EKG.improves, EKG.Speed)) & set(built_graph.subjects(EKG.improves, EKG.Accuracy))
    }
    assert expected, "no method improves both Speed and Accuracy in this build"
    assert {r["method"] for r in rows} == expected
    swapped = run_query(corpus, "methods-improving-two-metrics", {"first": "accuracy", "second": "speed"})
    assert {r["method"] for r in swapped.records()} == expected


@pytest.mark.slow
def test_query_corpus_claims_about_method(corpus, built_graph: rdflib.Graph) -> None:
    rows = run_query(corpus, "claims-about-method").records()
    assert {"relation": "targets", "object": "NVIDIA A100 GPU"}.items() <= next(
        r for r in rows if r["relation"] == "targets" and r["object"] == "NVIDIA A100 GPU").items()
    assert any(r["relation"] == "improves" and r["object"] == "Speed" and "2.31" in (r["figure"] or "") for r in rows)
    abstracts = [str(a) for a in built_graph.objects(None, URIRef("http://purl.org/dc/terms/abstract"))]
    assert all(any(r["evidence"] in a for a in abstracts) for r in rows)


@pytest.mark.slow
def test_query_corpus_papers_with_code(corpus, built_graph: rdflib.Graph) -> None:
    rows = run_query(corpus, "papers-with-code").records()
    assert rows
    assert {r["code"] for r in rows} == {str(c) for c in built_graph.objects(None, EKG.codeRepository)}


@pytest.mark.slow
def test_query_corpus_methods_by_hardware_kind(corpus, built_graph: rdflib.Graph) -> None:
    rows = run_query(corpus, "methods-by-hardware-kind").records()
    assert "TriForce" in {r["method"] for r in rows}
    gpus = {str(built_graph.value(h, RDFS.label)) for h in built_graph.subjects(RDF.type, EKG.GPU)}
    assert {r["hardware"] for r in rows} <= gpus
    cpus = run_query(corpus, "methods-by-hardware-kind", {"kind": "cpu"}).records()
    assert not {r["hardware"] for r in cpus} & gpus


@pytest.mark.slow
def test_query_corpus_figures_for_metric(corpus, built_graph: rdflib.Graph) -> None:
    rows = run_query(corpus, "figures-for-metric").records()
    assert rows and all(r["figure"] for r in rows)
    expected = {
        (str(built_graph.value(built_graph.value(c, EKG.method), RDFS.label)), str(built_graph.value(c, EKG.figureText)))
        for c in built_graph.subjects(EKG.metric, EKG.Memory)
        if (c, EKG.relation, Literal("improves")) in built_graph and built_graph.value(c, EKG.figureText) is not None
    }
    assert {(r["method"], r["figure"]) for r in rows} == expected


@pytest.mark.slow
@pytest.mark.parametrize("typed,label", [
    ("a100", "NVIDIA A100 GPU"), ("RTX 4090", "NVIDIA RTX 4090 GPU"), ("rtx-4090 gpus", "NVIDIA RTX 4090 GPU"),
    ("Tesla A100 GPU", "NVIDIA A100 GPU"), ("nvidia a100", "NVIDIA A100 GPU"),
])
def test_query_corpus_hardware_matched_as_a_person_means_it(corpus, typed: str, label: str) -> None:
    rows = run_query(corpus, "methods-targeting-hardware", {"hardware": typed}).records()
    assert rows and {r["hardware"] for r in rows} == {label}


def test_query_corpus_a100_and_rtx_4090_find_their_methods(corpus, built_graph: rdflib.Graph) -> None:
    a100 = RES["hardware/nvidia-a100-gpu"]
    in_graph = {str(built_graph.value(m, RDFS.label)) for m in built_graph.subjects(EKG.targets, a100)}
    rows = run_query(corpus, "methods-targeting-hardware", {"hardware": "a100"}).records()
    # "a100" means the A100 and no other hardware; its methods are those the graph has target it,
    # among them the five the seed gold names.
    assert {r["hardware"] for r in rows} == {"NVIDIA A100 GPU"}
    assert {r["method"] for r in rows} == in_graph >= {"FlashAttention-2", "SARATHI", "Sarathi-Serve", "TensorBLEU",
                                                        "TriForce"}
    assert {r["method"] for r in run_query(corpus, "methods-targeting-hardware", {"hardware": "RTX 4090"}).records()} \
        >= {"TriForce"}


@pytest.mark.parametrize("kind,message", [
    ("GUP", "no kind of hardware 'GUP'; did you mean GPU?"),
    ("TPU", "TPU is a hardware, not a kind: try `effikg query methods-targeting-hardware --param hardware=TPU`"),
])
def test_query_corpus_unknown_kind_is_an_error_with_the_closest(corpus, kind: str, message: str) -> None:
    with pytest.raises(QueryError) as err:
        run_query(corpus, "methods-by-hardware-kind", {"kind": kind})
    assert message in str(err.value)
    assert "Valid: ASIC, CPU, EdgeDevice, FPGA, GPU, Hardware, InMemoryComputing, Microcontroller" in str(err.value)


def test_query_corpus_kind_by_class_name_or_label(corpus) -> None:
    by_name = run_query(corpus, "methods-by-hardware-kind", {"kind": "fpga"}).records()
    assert by_name and by_name == run_query(corpus, "methods-by-hardware-kind", {"kind": "FPGA"}).records()


@pytest.mark.parametrize("phrase,metric", [("FLOPs", "Computation"), ("perplexity", "Accuracy"),
                                           ("latency", "Speed"), ("model size", "Model size")])
def test_query_corpus_any_metric_phrase_is_accepted(corpus, phrase: str, metric: str) -> None:
    rows = run_query(corpus, "figures-for-metric", {"metric": phrase}).records()
    assert rows == run_query(corpus, "figures-for-metric", {"metric": metric}).records()
    assert rows, phrase


def test_query_corpus_metric_labels_are_plain_literals(corpus) -> None:
    rows = run_query(corpus, 'SELECT ?x WHERE { ?x rdfs:label "Speed" }').records()
    assert rows == [{"x": str(EKG.Speed)}]


def test_query_corpus_triples_by_support(corpus) -> None:
    rows = run_query(corpus, "triples-by-support").records()
    assert {"method": "TriForce", "relation": "targets", "object": "NVIDIA A100 GPU"}.items() <= next(
        r for r in rows if r["method"] == "TriForce" and r["object"] == "NVIDIA A100 GPU").items()
    assert {r["relation"] for r in rows} == {"targets"}
    assert descending([r["support"] for r in rows])


def test_query_every_named_query_has_a_corpus_test() -> None:
    tested = {name[len("test_query_corpus_"):].replace("_", "-") for name in globals() if name.startswith("test_query_corpus_")}
    assert {q.name for q in list_queries()} <= tested


# --------------------------------------------------------------------------- the command


def test_query_cli_list_names_every_query() -> None:
    result = CliRunner().invoke(main, ["query", "--list"])
    assert result.exit_code == 0, result.output
    for q in list_queries():
        assert q.name in result.output
    assert "--param hardware=NVIDIA A100 GPU" in result.output


def test_query_cli_runs_with_params_and_formats(small, tmp_path: Path) -> None:
    from pipeline.export.rdf import save_turtle

    graph = save_turtle(small, tmp_path / "effikg.ttl")
    args = ["query", "methods-targeting-hardware", "--param", "hardware=H100", "--graph", str(graph)]
    as_json = CliRunner().invoke(main, args + ["--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    assert as_json.output == run_query(graph, "methods-targeting-hardware", {"hardware": "H100"}).to_json()
    as_csv = CliRunner().invoke(main, args + ["--format", "csv"])
    assert as_csv.output.splitlines() == ["method,hardware,papers", "QuickKV,NVIDIA H100 GPU,1"]


@pytest.mark.parametrize("args,message", [
    (["nope"], "unknown query 'nope'"),
    (["methods-targeting-hardware", "--param", "hardware"], "is not KEY=VALUE"),
    (["methods-targeting-hardware", "--param", "gpu=x"], "has no parameter gpu"),
    ([], "give a query NAME"),
])
def test_query_cli_errors(small, tmp_path: Path, args: list[str], message: str) -> None:
    from pipeline.export.rdf import save_turtle

    graph = save_turtle(small, tmp_path / "effikg.ttl")
    result = CliRunner().invoke(main, ["query", *args, "--graph", str(graph)])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_query_cli_missing_graph(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["query", "papers-with-code", "--graph", str(tmp_path / "none.ttl")])
    assert result.exit_code == 1 and "no such graph file" in result.output


def test_query_find_prefers_names_then_files_then_text(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "papers-with-code").write_text("not a query", encoding="utf-8")
    assert find_query("papers-with-code").source == "queries/papers-with-code.rq"
    assert find_query("SELECT * WHERE { ?s ?p ?o }").name == "query"


@pytest.mark.parametrize("query,reason", [
    ("SELECT * WHERE " + "{" * 2200 + "?s ?p ?o" + "}" * 2200,
     "the query nests brackets over 64 deep; the limit is 64"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
     "SERVICE (a federated query) is not allowed: effikg fetches nothing from other servers"),
], ids=["2200 braces", "SERVICE"])
def test_query_cli_refuses_what_would_crash_or_fetch(small, tmp_path: Path, query: str, reason: str) -> None:
    """In a process of its own: before the check, the nested query killed it (a segfault)."""
    import subprocess
    import sys

    from pipeline.export.rdf import save_turtle

    graph = save_turtle(small, tmp_path / "effikg.ttl")
    result = subprocess.run(
        [sys.executable, "-c", "from pipeline.cli import main; main()", "query", query, "--graph", str(graph)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1, (result.returncode, result.stderr[-300:])
    assert result.stderr.strip().splitlines() == [f"Error: query: {reason}"]
