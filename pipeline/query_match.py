"""Query parameters matched the way a person means them.

A named query declares what a parameter names with a `# match:` line:

    # param: hardware = "NVIDIA A100 GPU"
    # match: hardware = ekg:Hardware

Before binding, the value the user typed is looked up among the labels and aliases of
that class in the graph (and the ontology), after normalising as the annotation guide's
scorer does (`normalize.match_key`: case, spaces, hyphens and punctuation) and, failing
that, without vendor or series words and trailing device nouns ("a100" and "Tesla A100
GPUs" both find "NVIDIA A100 GPU"). Metrics also accept every phrase of the metric
gazetteer ("FLOPs" is Computation, "perplexity" Accuracy). `hardware-kind` names an
ontology class under ekg:Hardware. The value bound is the thing's canonical label (or
the class's local name); a value that matches nothing, or several things, is a
QueryError that says what would match.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from pipeline.errors import QueryError
from pipeline.normalize import match_key, spell_greek
from pipeline.terms import EKG

KIND = "hardware-kind"
# What a `# match:` line may name: a class of the graph, or the kinds of hardware.
MATCHABLE = ("ekg:Hardware", "ekg:Method", "ekg:Metric", "ekg:Baseline", KIND)
_DEVICE_NOUNS = frozenset({
    "gpu", "gpus", "cpu", "cpus", "processor", "processors", "chip", "chips", "board", "boards",
    "device", "devices", "accelerator", "accelerators", "soc", "socs", "card", "cards", "fpga", "fpgas",
})
_SHOWN = 30  # valid values listed in an error at most
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"


@dataclass(frozen=True)
class Candidate:
    """One thing a value may name: the value to bind and every name it goes by."""

    value: str  # what the query is bound to: the canonical label, or a class's local name
    names: tuple[str, ...]


@lru_cache(maxsize=1)
def _vendor_words() -> frozenset[str]:
    """Vendor and series words of the hardware gazetteer ("nvidia", "geforce", "xeon")."""
    from pipeline.vocab import load_vocab

    words: set[str] = set()
    for entry in load_vocab().hardware:
        for phrase in entry.vendor + entry.series + entry.family:
            words.update(_words(phrase))
    return frozenset(words)


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", spell_greek(text).lower())


def loose_key(text: str) -> str:
    """match_key without vendor and series words and without a trailing device noun."""
    words = _words(text)
    core = [w for w in words if w not in _vendor_words()] or words
    while len(core) > 1 and core[-1] in _DEVICE_NOUNS:
        core.pop()
    return "".join(core)


def _select(store: ox.Store, sparql: str) -> list[tuple[str, ...]]:
    result = store.query(sparql)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [tuple(s[n].value for n in names) for s in result]  # type: ignore[union-attr]


def candidates(store: ox.Store, match: str) -> list[Candidate]:
    """Every thing of the class `match` names in the store, with its names."""
    if match == KIND:
        rows = _select(store, f"""SELECT ?k ?name WHERE {{
            ?k <{_RDFS}subClassOf>* <{EKG.Hardware}> ; <{_RDFS}label> ?name .
            FILTER(STRSTARTS(STR(?k), "{EKG}")) }}""")
        return _group((k.split("#")[-1], name) for k, name in rows)  # the local name is a name too
    cls = EKG[match.split(":", 1)[1]]
    rows = _select(store, f"""SELECT ?label ?name WHERE {{
        ?x a <{cls}> ; <{_RDFS}label> ?label .
        {{ ?x <{_RDFS}label> ?name }} UNION {{ ?x <{_SKOS}altLabel> ?name }} }}""")
    pairs = list(rows)
    if match == "ekg:Metric":
        from pipeline.vocab import load_vocab

        pairs += [(metric, phrase) for phrase, metric in load_vocab().metric_phrases.items()]
    return _group(pairs)  # type: ignore[arg-type]


def _group(pairs: Iterable[tuple[str, str]]) -> list[Candidate]:
    names: dict[str, set[str]] = {}
    for value, name in pairs:
        names.setdefault(value, {value}).add(name)
    return [Candidate(v, tuple(sorted(n))) for v, n in sorted(names.items())]


def resolve_value(store: ox.Store, match: str, name: str, value: str) -> str:
    """The value to bind for what the user typed; QueryError listing what would match."""
    found = candidates(store, match)
    for key in (match_key, loose_key):
        wanted = key(value)
        hits = sorted({c.value for c in found if wanted and any(key(n) == wanted for n in c.names)})
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise QueryError(f"parameter {name}: {value!r} matches {len(hits)} things: {', '.join(hits)}; "
                             "give one of them")
    raise QueryError(_no_match(store, match, name, value, found))


def _no_match(store: ox.Store, match: str, name: str, value: str, found: list[Candidate]) -> str:
    what = "kind of hardware" if match == KIND else match.split(":", 1)[1].lower()
    text = f"parameter {name}: no {what} {value!r}"
    if match == KIND:
        hardware = [c for c in candidates(store, "ekg:Hardware")
                    if any(loose_key(n) == loose_key(value) for n in c.names)]
        if hardware:
            text += (f" ({hardware[0].value} is a hardware, not a kind: try "
                     f"`effikg query methods-targeting-hardware --param hardware={value}`)")
    keys = {match_key(n): c.value for c in found for n in c.names}
    close = list(dict.fromkeys(keys[k] for k in difflib.get_close_matches(match_key(value), keys, n=3, cutoff=0.6)))
    if close:
        text += f"; did you mean {' or '.join(close)}?"
    values = [c.value for c in found]
    shown = ", ".join(values[:_SHOWN]) + (f" and {len(values) - _SHOWN} more" if len(values) > _SHOWN else "")
    return text + (f" Valid: {shown}" if values else f" (this graph has no {what})")


def did_you_mean(word: str, names: Iterable[str]) -> str:
    """" Did you mean X?" for the closest of `names`, or ""."""
    close = difflib.get_close_matches(word, list(names), n=1, cutoff=0.6)
    return f" Did you mean {close[0]}?" if close else ""
