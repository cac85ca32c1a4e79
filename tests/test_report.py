"""write_report: tables that agree with the graph, plots, determinism and clean errors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib import RDF, RDFS, Literal

from pipeline.cli import main
from pipeline.records import Claim, Entity, Extraction, Figure, Paper
from pipeline.report import ReportError, plot_dir_for, read_stores, to_tables, write_report
from pipeline.terms import EKG

PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# --------------------------------------------------------------------------- a small graph

TRIFORCE = Entity("Method", "TriForce", "triforce")
VATTENTION = Entity("Method", "vAttention", "vattention")
VLLM = Entity("Method", "vLLM", "vllm")
A100 = Entity("Hardware", "NVIDIA A100 GPU", "nvidia-a100-gpu", kind="GPU")
RTX4090 = Entity("Hardware", "NVIDIA RTX 4090 GPU", "nvidia-rtx-4090-gpu", kind="GPU")
SPEED = Entity("Metric", "Speed", "speed")
MEMORY = Entity("Metric", "Memory", "memory")

S1 = "TriForce achieves up to 2.31x speedup on an A100 GPU and runs on an RTX 4090."
S4 = "TriForce also runs on the A100 GPU."
S2 = "vAttention generates tokens up to 1.97x faster than vLLM on an A100 and uses 40% less memory."


def _claim(paper: Paper, sentence: str, subject: Entity, relation: str, obj: Entity,
           figure: Figure | None = None, **context: Entity) -> Claim:
    start = paper.abstract.index(sentence)
    return Claim(paper.id, subject, relation, obj, subject.label, obj.label, sentence,  # type: ignore[arg-type]
                 start, start + len(sentence), 0.9, figure, **context)


def _extractions() -> list[Extraction]:
    p1 = Paper("2404.11912", "We introduce TriForce. " + S1, title="TriForce", arxiv_id="2404.11912")
    p2 = Paper("2405.04437", "We present vAttention. " + S2, title="vAttention", arxiv_id="2405.04437")
    p3 = Paper("h-survey", "A survey of efficient inference on edge devices.")
    p4 = Paper("2406.00001", "We port TriForce. " + S4)
    x231 = Figure("2.31x", 2.31, "x", "increase", "up to")
    x197 = Figure("1.97x", 1.97, "x", "increase", "up to")
    pc40 = Figure("40%", 40.0, "%", "decrease")
    return [
        Extraction(p1, (TRIFORCE,), (
            _claim(p1, S1, TRIFORCE, "targets", A100),
            _claim(p1, S1, TRIFORCE, "targets", RTX4090),
            _claim(p1, S1, TRIFORCE, "improves", SPEED, x231, hardware=A100),
        )),
        Extraction(p2, (VATTENTION,), (
            _claim(p2, S2, VATTENTION, "targets", A100),
            _claim(p2, S2, VATTENTION, "improves", SPEED, x197, hardware=A100, baseline=VLLM),
            _claim(p2, S2, VATTENTION, "outperforms", VLLM, x197, hardware=A100, metric=SPEED),
            _claim(p2, S2, VATTENTION, "improves", MEMORY, pc40),
        )),
        Extraction(p3),
        # A second paper stating TriForce targets the A100: that assertion has support 2.
        Extraction(p4, (), (_claim(p4, S4, TRIFORCE, "targets", A100),)),
    ]


@pytest.fixture(scope="module")
def small_graph_path(tmp_path_factory) -> Path:
    from pipeline.graph import to_rdf

    path = tmp_path_factory.mktemp("small") / "effikg.ttl"
    to_rdf(_extractions()).serialize(path, format="turtle")
    return path


def _rows(table) -> dict[str, tuple]:
    return {row[0]: row[1:] for row in table.rows}


def test_report_small_graph_tables(small_graph_path: Path) -> None:
    tables = to_tables(read_stores(small_graph_path))
    corpus = _rows(tables["corpus"])
    assert corpus["Papers"] == (4,)
    assert corpus["Papers that name a method of their own"] == (2,)
    assert corpus["Papers without a named method"] == (2,)
    assert corpus["Papers with at least one claim"] == (3,)
    assert corpus["Claims"] == (8,)
    assert corpus["Claims with a figure"] == (4,)
    relations = _rows(tables["relations"])
    # relation: triples, claims, methods, objects, stated by 2+ papers
    assert relations["ekg:targets"] == (3, 4, 2, 2, 1)
    assert relations["ekg:improves"] == (3, 3, 2, 2, 0)
    assert relations["ekg:outperforms"] == (1, 1, 1, 1, 0)
    assert [r[:4] for r in tables["hardware"].rows] == [
        ("NVIDIA A100 GPU", "GPU", 2, 3), ("NVIDIA RTX 4090 GPU", "GPU", 1, 1),
    ]
    # metric: methods, claims, papers
    assert tables["metrics"].rows == (("Speed", 2, 2, 2), ("Memory", 1, 1, 1))
    assert tables["baselines"].rows == (("vLLM", "Method", 1, 1),)
    # The 1.97x sentence gave two claims (improves Speed, outperforms vLLM): one row.
    speedups = tables["speedups"].rows
    assert [(r[0], r[1]) for r in speedups] == [("2.31x", "TriForce"), ("1.97x", "vAttention")]
    assert speedups[1][2:4] == ("NVIDIA A100 GPU", "vLLM")
    assert [r[:3] for r in tables["speedup_per_hardware"].rows] == [("NVIDIA A100 GPU", "2.31x", "TriForce")]


def test_report_top_limits_rows(small_graph_path: Path) -> None:
    tables = to_tables(read_stores(small_graph_path), top=1)
    assert len(tables["hardware"].rows) == 1
    assert tables["hardware"].rows[0][0] == "NVIDIA A100 GPU"
    assert len(tables["speedups"].rows) == 1


def test_report_writes_markdown_and_plots(small_graph_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "graphs" / "report.md"
    written = write_report(small_graph_path, out)
    pngs = sorted(plot_dir_for(out).glob("*.png"))
    assert written == sorted([out, *pngs])
    assert len(pngs) == 4
    text = out.read_text(encoding="utf-8")
    assert "| Papers | 4 |" in text
    assert "| NVIDIA A100 GPU | GPU | 2 | 3 |" in text
    for png in pngs:
        data = png.read_bytes()
        assert data.startswith(PNG_SIGNATURE)
        assert b"matplotlib" not in data.lower()  # no version stamp to break determinism
        assert f"]({out.stem}/{png.name})" in text  # linked relative to the report


def test_report_is_deterministic(small_graph_path: Path, tmp_path: Path) -> None:
    first = write_report(small_graph_path, tmp_path / "a" / "report.md")
    second = write_report(small_graph_path, tmp_path / "b" / "report.md")
    assert [p.relative_to(tmp_path / "a") for p in first] == [
        p.relative_to(tmp_path / "b") for p in second
    ]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), f"{a.name} differs between two runs"


def test_report_bad_input_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "effikg.ttl"
    bad.write_text("@prefix ekg: <https://w3id.org/effikg/ontology#> .\nekg:x ekg:y\n",
                   encoding="utf-8")
    out = tmp_path / "out" / "report.md"
    no_papers = tmp_path / "other.ttl"
    no_papers.write_text("<https://example.org/a> <https://example.org/b> 1 .\n", encoding="utf-8")
    for path in (bad, tmp_path / "missing.ttl", no_papers):
        with pytest.raises(ReportError) as err:
            write_report(path, out)
        message = str(err.value)
        assert "\n" not in message and str(path) in message
    assert not out.exists() and not plot_dir_for(out).exists()


def test_report_out_needs_a_suffix(small_graph_path: Path, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="suffix"):
        write_report(small_graph_path, tmp_path / "report")
    assert not (tmp_path / "report").exists()


def test_report_cli_errors_cleanly(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", str(tmp_path / "missing.ttl"),
                                       "--out", str(tmp_path / "r.md")])
    assert result.exit_code != 0
    assert "missing.ttl" in result.output and "Traceback" not in result.output


# --------------------------------------------------------------------------- the built corpus


@pytest.mark.slow
def test_report_built_graph_counts_equal_the_graph(built_graph_dir: Path, built_graph) -> None:
    """Every count in the report, recomputed here with the triple API instead of SPARQL."""
    g = built_graph
    tables = to_tables(read_stores(built_graph_dir / "effikg.ttl"), top=10)
    papers = set(g.subjects(RDF.type, EKG.Paper))
    claims = set(g.subjects(RDF.type, EKG.Claim))
    corpus = _rows(tables["corpus"])
    assert corpus["Papers"] == (len(papers),)
    assert corpus["Papers that name a method of their own"] == (
        len({p for p in papers if (p, EKG.proposes, None) in g}),)
    assert corpus["Claims"] == (len(claims),)
    assert corpus["Triples"] == (len(g),)

    for row in tables["relations"].rows:
        prop = EKG[str(row[0]).removeprefix("ekg:")]
        pairs = set(g.subject_objects(prop))
        stated = {c for c in claims if (c, EKG.relation, Literal(prop.fragment)) in g}
        assert row[1:5] == (len(pairs), len(stated), len({s for s, _ in pairs}),
                            len({o for _, o in pairs}))

    by_label = {str(label): node for node, label in g.subject_objects(RDFS.label)}
    hardware = tables["hardware"].rows
    assert hardware, "the bundled corpus targets some hardware"
    targeted = {h: len(set(g.subjects(EKG.targets, h))) for h in set(g.objects(None, EKG.targets))}
    assert hardware[0][2] == max(targeted.values())
    for label, _kind, methods, _papers in hardware:
        assert methods == targeted[by_label[label]]
    beaten = {b: len(set(g.subjects(EKG.outperforms, b))) for b in set(g.objects(None, EKG.outperforms))}
    for label, _is_a, methods, _papers in tables["baselines"].rows:
        assert methods == beaten[by_label[label]]
    improved = {m: len(set(g.subjects(EKG.improves, m))) for m in set(g.objects(None, EKG.improves))}
    for label, methods, *_ in tables["metrics"].rows:
        assert methods == improved[by_label[label]]

    speedups = [Decimal(str(g.value(c, EKG.value))) for c in claims
                if g.value(c, EKG.unit) == Literal("x") and g.value(c, EKG.value) is not None
                and set(g.objects(c, EKG.metric)) <= {EKG.Speed}]
    if speedups:
        assert Decimal(tables["speedups"].rows[0][0].removesuffix("x")) == max(speedups)


@pytest.mark.slow
def test_report_cli_on_built_graph(built_graph_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    result = CliRunner().invoke(main, ["report", str(built_graph_dir / "effikg.ttl"),
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("# effikg report\n")
    assert len(list(plot_dir_for(out).glob("*.png"))) == 4
