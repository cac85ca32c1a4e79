"""The project file (effikg.toml / --config): build options and the user's vocabulary,
applied on top of the shipped gazetteers and recorded on the graph's res:build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib import RDFS, Literal

from pipeline.cli import main
from pipeline.config import find_project, read_project
from pipeline.errors import InputError
from pipeline.graph import BUILD_IRI
from pipeline.records import Claim, Extraction, Paper
from pipeline.nlp.entities import to_method_entity, to_metric_entity
from pipeline.resolve import apply_vocab_extra
from pipeline.terms import EKG, RES
from pipeline.vocab import VocabExtra, load_vocab, vocabulary_hash

ABSTRACT = ("We propose DN-CBM, which runs 3x faster on a Cerebras WSE-3 than on an NVIDIA A100 GPU. "
            "Discover-then-Name outperforms ImageNet by 5% in accuracy.")
PROJECT = """
[build]
inputs = ["a.jsonl"]
out = "out"
exports = ["ttl"]

[vocab]
never_methods = ["ImageNet"]
merges = { "DN-CBM" = "Discover-then-Name" }
hardware_kinds = { "Tensor Core" = "GPU" }
[[vocab.hardware]]
label = "Cerebras WSE-3"
kind = "ASIC"
aliases = ["WSE-3"]
"""


def _project(tmp_path: Path) -> Path:
    (tmp_path / "a.jsonl").write_text(json.dumps({"title": "DN-CBM", "abstract": ABSTRACT}) + "\n", encoding="utf-8")
    path = tmp_path / "effikg.toml"
    path.write_text(PROJECT, encoding="utf-8")
    return path


def test_config_reads_options_and_vocabulary(tmp_path: Path) -> None:
    project = read_project(_project(tmp_path))
    assert project.build == {"inputs": [tmp_path / "a.jsonl"], "out": tmp_path / "out", "exports": ["ttl"]}
    assert project.vocab == VocabExtra(
        hardware=(("Cerebras WSE-3", "ASIC", ("WSE-3",)),), hardware_kinds=(("Tensor Core", "GPU"),),
        never_methods=("ImageNet",), merges=(("DN-CBM", "Discover-then-Name"),))
    assert find_project(None, cwd=tmp_path) == project  # ./effikg.toml is read by default
    assert find_project(None, cwd=tmp_path / "a.jsonl").path is None  # none there: no project


@pytest.mark.parametrize("text,problem", [
    ("[build]\nmin_confidance = 0.5\n", "[build] has no option 'min_confidance'; options: inputs, out"),
    ("[build\n", "is not a TOML project file"),
    ("[vocab]\nhardware_kinds = { X = \"TPU\" }\n", "hardware_kinds: 'X' has an unknown kind"),
    ("[vocab]\nhardware_kinds = { X = \"GPU+TPU\" }\n", "hardware_kinds: 'X' has an unknown kind"),
    ("[other]\n", "unknown table [other]"),
])
def test_config_bad_project_file_is_one_line_naming_it(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "effikg.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_project(path)
    assert str(err.value).startswith(f"{path}: ") and problem in str(err.value) and "\n" not in str(err.value)


def test_config_vocab_overlay_goes_on_top_of_the_shipped_gazetteers() -> None:
    extra = VocabExtra(hardware=(("Cerebras WSE-3", "ASIC", ("WSE-3",)),), hardware_kinds=(("Tensor Core", "ASIC"),))
    vocab = load_vocab(extra)
    assert vocab.hardware[0].label == "Cerebras WSE-3" and vocab.hardware[0].forms == ("Cerebras WSE-3", "WSE-3")
    assert len(vocab.hardware) == len(load_vocab().hardware) + 1
    assert {e.kind for e in vocab.hardware if e.label == "Tensor Core"} == {"ASIC"}
    assert {e.kind for e in load_vocab().hardware if e.label == "Tensor Core"} == {"GPU"}  # shipped one unchanged
    assert load_vocab(extra) is vocab and load_vocab(VocabExtra()) is load_vocab()
    assert vocabulary_hash(extra) != vocabulary_hash() == vocabulary_hash(VocabExtra())


def test_config_never_methods_and_merges_after_extraction() -> None:
    dn, dtn, imagenet = (to_method_entity(n) for n in ("DN-CBM", "Discover-then-Name", "ImageNet"))
    speed = to_metric_entity("Speed")
    paper = Paper(id="p", abstract=ABSTRACT)
    claims = (Claim("p", dn, "improves", speed, "DN-CBM", "faster", ABSTRACT, 0, 10),
              Claim("p", dtn, "outperforms", imagenet, "Discover-then-Name", "ImageNet", ABSTRACT, 11, 20))
    extraction = Extraction(paper, (dn, imagenet), claims, (("dn-cbm", "DN-CBM"), ("imagenet", "ImageNet")))
    extra = VocabExtra(never_methods=("imagenet",), merges=(("DN CBM", "Discover-then-Name"),))
    fixed = apply_vocab_extra(extraction, extra)
    assert fixed.methods == (dtn,)
    assert [(c.subject.label, c.relation, c.object.label) for c in fixed.claims] == [("Discover-then-Name", "improves", "Speed")]
    assert ("discover-then-name", "DN-CBM") in fixed.surface_forms
    assert apply_vocab_extra(extraction, None) is extraction


@pytest.mark.slow
def test_config_build_applies_and_records_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    g = rdflib.Graph().parse(tmp_path / "out" / "effikg.ttl")
    method = RES["method/discover-then-name"]
    assert (method, RDFS.label, Literal("Discover-then-Name")) in g
    assert (method, rdflib.SKOS.altLabel, Literal("DN-CBM")) in g
    assert (RES["hardware/cerebras-wse-3"], rdflib.RDF.type, EKG.ASIC) in g
    assert not any("imagenet" in str(s).lower() for s in g.subjects(rdflib.RDF.type, EKG.Method))
    assert g.value(BUILD_IRI, EKG.effikgVersion) == Literal(__import__("pipeline").__version__)
    assert set(g.objects(BUILD_IRI, EKG.buildInput)) == {Literal("a.jsonl")}
    assert Literal("exports=ttl") in set(g.objects(BUILD_IRI, EKG.buildOption))
    assert g.value(BUILD_IRI, EKG.vocabularyHash) == Literal(vocabulary_hash(read_project(tmp_path / "effikg.toml").vocab))
    assert Literal("merge DN-CBM = Discover-then-Name") in set(g.objects(BUILD_IRI, EKG.vocabularyAddition))
    # --config FILE and options on the command line: the command line wins.
    again = CliRunner().invoke(main, ["build", "--config", "effikg.toml", "--out", str(tmp_path / "o2")])
    assert again.exit_code == 0, again.output
    assert (tmp_path / "o2" / "effikg.ttl").read_bytes() == (tmp_path / "out" / "effikg.ttl").read_bytes()


@pytest.mark.slow
def test_config_nlp_is_cached_per_overlay() -> None:
    from pipeline.nlp import shared_nlp

    extra = VocabExtra(hardware=(("Cerebras WSE-3", "ASIC", ("WSE-3",)),))
    assert shared_nlp(extra) is shared_nlp(VocabExtra(hardware=(("Cerebras WSE-3", "ASIC", ("WSE-3",)),)))
    assert shared_nlp(extra) is not shared_nlp() and shared_nlp(None) is shared_nlp(VocabExtra())
