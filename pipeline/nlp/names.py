"""Name-like word groups: the candidates for method names, decided by form, not by a list.

A paper names its contribution with a coined word or acronym (TriForce, vAttention, MARCA,
LLM-FP4, MCUNetV2) or a run of capitalised words (Block Transformer, Zero Redundancy
Optimizer); descriptive phrases ("a two-stage network") are not names. Field acronyms,
datasets and hardware are excluded through the gazetteers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from spacy.attrs import LIKE_URL, SENT_START, SPACY
from spacy.tokens import Doc, Token

from pipeline.nlp.columns import columns
from pipeline.vocab import Vocab, word_class

_EDGE_PUNCT = set("()[]{},;:.'\"“”‘’/!?—–$€£")  # em and en dashes: "TriForce— a system"; currency: "$2M" is money
_COINED = [
    re.compile(r"[a-z][A-Z]"),  # TriForce, vAttention, DeepSpeed
    re.compile(r"^[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*(?:-[A-Za-z0-9]+)*s?$"),  # MARCA, HAQ, LLM-FP4
    re.compile(r"(?=.*[A-Z])(?:[A-Za-z][0-9]|[0-9][A-Za-z])"),  # MCUNetV2, P3D, GPT-4V
    re.compile(r"^[A-Z]{2,}[a-z]"),  # SSDTrain, KVQuant, LLMLingua
    re.compile(r"^[A-Z][a-z]+-[A-Z]|^[A-Z][a-z]?-[a-z]|^[A-Z]-[A-Z]"),  # Sarathi-Serve, Flash-LLM, Re-ttention
    re.compile(r"^[a-zα-ω]+-?[A-Z]"),  # vLLM, λ-ECLIPSE, lambda-ECLIPSE
    re.compile(r"^(?=(?:.*[a-z]){3})[a-z][a-z-]*\d[a-z0-9-]*$"),  # hls4ml, wa-hls4ml
    # llm.npu, bitnet.cpp: words joined by a dot, ending as code and system names do (not
    # "fast.the", "model.py", "tsinghua.edu.cn")
    _DOTTED := re.compile(r"^[a-z]{2,}(?:\.[a-z]{2,})*\.(?:cpp|npu|gpu|cu|js|rs|jl|c)$"),
]
# Compound adjectives built on an acronym ("LLM-based", "GPU-friendly") or a size are not names.
_ADJECTIVAL = re.compile(
    r"-(?:based|aware|like|specific|level|wise|free|friendly|efficient|oriented|driven|centric|style|scale|only|"
    r"bit|bits|time|sized|size|agnostic|intensive|bound|heavy|grade|class|enabled|powered|guided|generated|related|"
    r"dependent|independent|optimized|optimised|tuned|compatible|ready|native|accelerated|constrained|side|end|"
    r"shot|trained|enhanced|assisted)$"
    r"|\d[KMBT]?-(?:parameter|parameters|params?|layers?|steps?)$",  # a size: "3B-parameter", "16-layer", "4-step"
    re.IGNORECASE,
)
_FUNCTION_WORDS = word_class("name_function_words")
# Word classes (pipeline/vocab/words.jsonl) for conditions inside the functions below.
_TRAILING_MARKS = word_class("name_trailing_marks")
# "SotA PULP-NN", "prior FlashAttention": a word saying whose work it is, not part of the name.
_OTHERS_MARKS = word_class("others_determiners")
# Words that join two field terms into a compound of them: "ANN-to-SNN", "CPU-and-GPU".
_JOINING_WORDS = word_class("term_joining_words")


@dataclass(frozen=True)
class NameMention:
    start: int  # token offsets
    end: int
    text: str
    coined: bool  # a coined word or acronym, not only capitalised words


_CAPITAL_SLASH = re.compile(r"(?<![A-Za-z0-9])([A-Z])/(?=[A-Z](?![A-Za-z0-9]))")  # P/D, not CPU/GPU
_CAPITAL_AMPERSAND = re.compile(r"(?<=[A-Z])&(?=[A-Z])")  # "R&B" for "reuse and blend"
_PLUS_SUFFIX = re.compile(r"(?<=[A-Za-z0-9]{2})\+{1,2}$")


@lru_cache(maxsize=65536)
def is_coined(text: str) -> bool:
    """True for coined words and acronyms (TriForce, MARCA, LLM-FP4, MCUNetV2, vLLM)."""
    if len(text) < 2 or not any(c.isalpha() for c in text) or _ADJECTIVAL.search(text):
        return False
    text = unicodedata.normalize("NFKC", text)  # "S³" is written for "S3"
    text = _CAPITAL_SLASH.sub(r"\1", text)  # "P/D-Serve" is coined as "PD-Serve" is
    text = _CAPITAL_AMPERSAND.sub("", text)  # an acronym with "&" for "and" as one without
    text = _PLUS_SUFFIX.sub("", text)  # "MLRU++" is coined as "MLRU" is: the plus marks a new version
    return any(rx.search(text) for rx in _COINED)


# A version or size after a name: "Claude 3", "MiniCPM-Llama3-V 2.5", "FireFly v2", "BitNet
# b1.58" (one lower-case letter before the number), not "2.5x", "7B".
_VERSION = re.compile(r"^[a-z]?\d{1,2}(?:\.\d{1,3})?$")
# A precision setting: "W4A8", "W2A4KV4", "W4A16g128", never a name.
_PRECISION = re.compile(r"^W\d{1,2}A\d{1,2}(?:KV\d{1,2})?(?:g\d+)?$")
_NUMBERISH = re.compile(r"^\d[\d.,]*[A-Za-z]{0,2}(?:/\d[\d.,]*[A-Za-z]{0,2})*\.?$")  # "256K", "7B", "125M/350M": sizes


def is_stop_word(text: str, stop: frozenset[str], exact: frozenset[str] = frozenset()) -> bool:
    """`text` is in a stop list: as written, or lower-cased unless it is a mixed-case
    coinage ("CoDe" is a name although "code" is a word)."""
    if text in exact or _NUMBERISH.match(text) or _PRECISION.match(text):
        return True
    if text.lower() not in stop:
        # "ANN-to-SNN": field words joined by a word are no name either (but "LLM-FP4" is one).
        parts = text.split("-")
        return len(parts) > 2 and all(p in exact or p.lower() in _JOINING_WORDS for p in parts) and any(
            p.lower() in _JOINING_WORDS for p in parts)
    if text.isupper() and len(text) >= 4 and text not in exact and (text.capitalize() in exact or text.lower() in exact):
        return False  # "NEURAL": a word the list holds as a word ("Neural"), written in capitals, is coined
    return text.islower() or text.isupper() or text.istitle() or text[:-1].isupper()


def _groups(texts: list[str], spaced: list[bool]) -> list[tuple[int, int]]:
    """Runs of tokens written without spaces between them, edge punctuation stripped."""
    groups: list[tuple[int, int]] = []
    i = 0
    n = len(texts)
    while i < n:
        j = i
        while j < n - 1 and not spaced[j] and (
            (texts[j + 1] not in _EDGE_PUNCT and texts[j] not in _EDGE_PUNCT) or _slash_joined(texts, spaced, j)
        ):
            j += 1
        s, e = i, j + 1
        while s < e and (texts[s] in _EDGE_PUNCT or texts[s] == "-"):
            s += 1
        while e > s and (texts[e - 1] in _EDGE_PUNCT or texts[e - 1].lower() in _TRAILING_MARKS):
            e -= 1
        if s < e:
            groups.append((s, e))
        i = j + 1
    return groups


def _slash_joined(texts: list[str], spaced: list[bool], j: int) -> bool:
    """Tokens j and j + 1 are one word across a slash between capital letters: "P/D-Serve",
    "I/O" (a slash between words, "CPU/GPU", still separates them)."""
    def short_capital(k: int) -> bool:
        return 0 <= k < len(texts) and len(texts[k]) == 1 and texts[k].isalpha() and texts[k].isupper()

    if texts[j + 1] == "/":
        return short_capital(j) and not spaced[j + 1] and short_capital(j + 2)
    return texts[j] == "/" and short_capital(j - 1) and short_capital(j + 1)


def _capitalised(text: str) -> bool:
    return text[:1].isupper()


@dataclass(frozen=True)
class _Groups:
    """A doc's token attributes, read once (indexing a Doc builds a Token object each
    time), and its runs of tokens written without spaces between them."""

    texts: list[str]
    spaced: list[bool]
    starts: list[bool]
    groups: list[tuple[int, int]]
    gtext: list[str]  # each group's text: no spaces inside a group
    urls: list[bool]  # each token's like_url

    @classmethod
    def of(cls, doc: Doc) -> _Groups:
        # One to_array call instead of three walks that each build every Token; the texts
        # are the Doc's columns (decoded once a Doc, with the strings seen before).
        array = doc.to_array([SPACY, SENT_START, LIKE_URL]).reshape(len(doc), 3)
        texts = columns(doc).text
        spaced = (array[:, 0] != 0).tolist()
        groups = _groups(texts, spaced)
        return cls(texts, spaced, (array[:, 1].astype("int64") == 1).tolist(), groups,
                   ["".join(texts[a:b]) for a, b in groups], (array[:, 2] != 0).tolist())


def find_names(doc: Doc, vocab: Vocab, blocked: set[int]) -> list[NameMention]:
    """Every name-like mention in doc; tokens in `blocked` (hardware, figures) never count."""
    stop = _stop_words(vocab)
    g = _Groups.of(doc)
    mid_sentence = {t for (a, _), t in zip(g.groups, g.gtext) if not g.starts[a] and _capitalised(t)}
    # Word pairs written capitalised mid-sentence: "... propose Lite Transformer" makes a
    # sentence-initial "Lite Transformer reduces ..." that name too.
    mid_pairs = {(g.gtext[i], g.gtext[i + 1]) for i in range(len(g.groups) - 1)
                 if not g.starts[g.groups[i][0]] and _joined(g, i) and _capitalised(g.gtext[i])
                 and _capitalised(g.gtext[i + 1])}
    names: list[NameMention] = []
    k = 0
    while k < len(g.groups):
        s, e = g.groups[k]
        text = g.gtext[k]
        if not blocked.isdisjoint(range(s, e)):
            k += 1
            continue
        if text in vocab.software and not _capitalised(text):
            # "llama.cpp", "cuBLAS": lower-case libraries are still names (beaten, never proposed).
            names.append(NameMention(start=s, end=e, text=text, coined=True))
            k += 1
            continue
        # spaCy takes "llm.npu" for a web address too.
        if (g.urls[s] and not _DOTTED.match(text)) or (not _capitalised(text) and not is_coined(text)):
            k += 1
            continue
        run, m = _run_from(g, k, blocked)
        # A sentence-initial word is capitalised anyway: it counts only when coined or
        # written capitalised elsewhere in the abstract too ("Eyeriss is ... Eyeriss").
        while run and g.starts[g.groups[run[0]][0]] and not is_coined(g.gtext[run[0]]) and not (
            len(run) == 1 and g.gtext[run[0]] in mid_sentence
            or len(run) > 1 and (g.gtext[run[0]], g.gtext[run[1]]) in mid_pairs
        ):
            run = run[1:]
        while len(run) > 1 and g.gtext[run[0]].lower() in _OTHERS_MARKS:
            run = run[1:]
        name = _run_name(doc, g, run, stop, vocab) if run else None
        if name is not None:
            names.append(name)
        k = m if m > k + 1 else k + 1
    return names


def _joined(g: _Groups, i: int) -> bool:
    """Whether groups i and i + 1 are next to each other in one sentence, one space apart
    and no punctuation between: what a run (_run_from) and a mid-sentence pair join over."""
    pe, ns = g.groups[i][1], g.groups[i + 1][0]
    return ns == pe and g.spaced[pe - 1] and not g.starts[ns] and g.texts[pe - 1][-1:] not in {".", ",", ";", ":"}


def _run_from(g: _Groups, k: int, blocked: set[int]) -> tuple[list[int], int]:
    """Group k extended over the capitalised groups that follow it, single spaces apart:
    the run's groups and the group after it."""
    run = [k]
    m = k + 1
    while m < len(g.groups):
        ns, ne = g.groups[m]
        if not _joined(g, m - 1) or any(t in blocked for t in range(ns, ne)):
            break
        nxt = g.gtext[m]
        if nxt.lower() in _FUNCTION_WORDS:
            break
        if not (_capitalised(nxt) or is_coined(nxt) or _VERSION.match(nxt)) or (
            _NUMBERISH.match(nxt) and not _VERSION.match(nxt)
        ):
            break
        run.append(m)
        m += 1
    return run, m


def _run_name(doc: Doc, g: _Groups, run: list[int], stop: frozenset[str], vocab: Vocab) -> NameMention | None:
    """The name a run of groups spells, or None (a stop word, an adjective, no content)."""
    rs, re_ = g.groups[run[0]][0], g.groups[run[-1]][1]
    parts = [g.gtext[i] for i in run]
    coined = any(is_coined(p) for p in parts)
    content = [p for p in parts if not is_stop_word(p, stop, vocab.stop_exact) and not p.isdigit()]
    full = " ".join(parts)
    if is_stop_word(full, stop, vocab.stop_exact) or _ADJECTIVAL.search(full):
        ok = False
    elif coined or len(run) >= 2:
        ok = bool(content)
    else:
        ok = bool(content) and doc[rs].pos_ == "PROPN"
    return NameMention(start=rs, end=re_, text=full, coined=coined) if ok else None


_STOP: dict[int, tuple[Vocab, frozenset[str]]] = {}


def _stop_words(vocab: Vocab) -> frozenset[str]:
    """not_a_name | datasets, built once per Vocab (it is immutable)."""
    cached = _STOP.get(id(vocab))
    if cached is None or cached[0] is not vocab:
        cached = _STOP[id(vocab)] = (vocab, vocab.not_a_name | vocab.datasets)
    return cached[1]


def acronym_end(doc: Doc, i: int) -> int:
    """End of the acronym starting at token i: it runs up to the closing parenthesis
    without spaces ("LR-ASPP" is three tokens)."""
    j = i + 1
    while j < len(doc) and doc[j].text != ")" and not doc[j - 1].whitespace_:
        j += 1
    return j


def singular_acronym(text: str) -> str:
    """"LLMs" and "LLM", "SBCs" and "SBC" are one acronym."""
    return text[:-1] if len(text) > 2 and text.endswith("s") and text[-2].isupper() else text


def find_acronyms(doc: Doc) -> dict[int, tuple[int, int]]:
    """Acronyms defined in parentheses: token index of the acronym (its first token) ->
    (start, end) of its expansion ("Zero Redundancy Optimizer (ZeRO)", "Lite Reduced Atrous
    Spatial Pyramid Pooling (LR-ASPP)"), by the Schwartz-Hearst letter walk."""
    found: dict[int, tuple[int, int]] = {}
    for i, text in enumerate(columns(doc).text):  # a Token only for a "("
        if text != "(" or i + 2 >= len(doc):
            continue
        tok = doc[i]
        end = acronym_end(doc, tok.i + 1)
        if end >= len(doc) or doc[end].text != ")" or end - tok.i - 1 > 3:
            continue
        text = doc[tok.i + 1 : end].text
        letters = [c.lower() for c in text if c.isalnum()]
        if not (2 <= len(letters) <= 10) or not any(c.isupper() for c in text):
            continue
        start = _expansion_start(doc, tok.i, letters)
        counted = _counted_letters(letters)
        if start is None and counted != letters and 2 <= len(counted) <= 10:
            # "Heavy Hitter Oracle (H₂O)": a digit after a letter counts it ("two H").
            start = _expansion_start(doc, tok.i, counted)
        alpha = [c for c in letters if c.isalpha()]
        if start is None and 2 <= len(alpha) < len(letters):
            # "Speech to Text Adapter (S2TA)", "Learning to Optimize (L2O)": a digit for a word.
            start = _expansion_start(doc, tok.i, alpha)
        head = text.split("-")[0]
        if start is None and "-" in text and len(head) >= 2 and head.isupper():
            # "Communication-Aware Architecture for Tensor-parallelism (CAAT-Net)": the
            # letters of the part before the hyphen spell the phrase, the suffix does not.
            start = _expansion_start(doc, tok.i, [c.lower() for c in head])
        if start is not None:
            # A closing quote before the parenthesis ends the quoted phrase, not the name.
            found[tok.i + 1] = (start, tok.i - 1 if tok.i - 1 > start and doc[tok.i - 1].text in {'"', "”", "’"} else tok.i)
    return found


def _counted_letters(letters: list[str]) -> list[str]:
    """Letters with a digit 2-3 after a letter read as that many of it ("h₂o" -> h, h, o);
    unchanged when a digit stands anywhere else."""
    out: list[str] = []
    for k, c in enumerate(letters):
        digit = unicodedata.normalize("NFKC", c)
        if digit in {"2", "3"} and k > 0 and letters[k - 1].isalpha():
            out.extend(letters[k - 1] * (int(digit) - 1))
        elif c.isalpha():
            out.append(c)
        else:
            return letters
    return out


def _expansion_start(doc: Doc, paren: int, letters: list[str]) -> int | None:
    sent_start = columns(doc).sent_start[paren]
    # The window counts words, not tokens: "RRAM-based in-memory floating-point" is three
    # words and nine tokens.
    want, lo = min(len(letters) + 5, 2 * len(letters)) + 2, paren
    while lo > sent_start and want > 0:
        lo -= 1
        if lo == sent_start or doc[lo - 1].whitespace_:
            want -= 1
    text_tokens: list[Token] = list(doc[lo:paren])
    words = "".join(t.text.lower() + " " for t in text_tokens)
    li = len(letters) - 1
    ci = len(words) - 1
    while li >= 0:
        c = letters[li]
        while ci >= 0 and (words[ci] != c or (li == 0 and ci > 0 and words[ci - 1].isalnum())):
            ci -= 1
        if ci < 0:
            return None
        li -= 1
        ci -= 1
    # ci + 1 is where the expansion starts within `words`: map back to a token.
    offset = 0
    for t in text_tokens:
        if offset + len(t.text) + 1 > ci + 1:
            if t.is_punct:
                return None
            return t.i
        offset += len(t.text) + 1
    return None
