"""Component `effikg_hardware`: hardware mentions from the gazetteer, on doc._.hardware.

Device classes are matched as phrases; named products and product families through
token patterns built from the gazetteer rows (optional vendor, series, model, trailing
noun), so "A100", "A100 GPU", "NVIDIA A100", "Tesla A100" and "A100 GPUs" are one thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.records import Entity
from pipeline.resolve import to_hardware_entity
from pipeline.vocab import HardwareEntry, Vocab

# A hardware word used as a unit or a resource, not as a platform: "74 GPU hours".
UNIT_NOUNS = frozenset({"hour", "hours", "day", "days", "hr", "hrs", "year", "years", "minute", "minutes"})


@dataclass(frozen=True)
class HardwareMention:
    start: int  # token offsets in the Doc
    end: int
    text: str
    entity: Entity
    modifier: bool  # used as a modifier of another noun ("GPU memory", "CPU-GPU")


def _plural(phrase: str) -> list[str]:
    words = phrase.split(" ")
    last = words[-1]
    if last.lower().endswith(("s", "x")) or not last[-1:].isalpha():
        return [phrase]
    return [phrase, " ".join(words[:-1] + [last + "s"])]


def _lower_tokens(nlp: Language, text: str) -> list[dict]:
    return [{"LOWER": t.lower_} for t in nlp.make_doc(text)]


def _noun_variants(nlp: Language, nouns: tuple[str, ...]) -> list[list[dict]]:
    out: list[list[dict]] = []
    for noun in nouns:
        for form in _plural(noun):
            out.append(_lower_tokens(nlp, form))
    return out


def _opt(words: tuple[str, ...]) -> list[dict]:
    return [{"LOWER": {"IN": [w.lower() for w in words]}, "OP": "?"}] if words else []


def _req(words: tuple[str, ...]) -> list[dict]:
    return [{"LOWER": {"IN": [w.lower() for w in words]}}]


class HardwareRecognizer:
    """Finds hardware mentions; longest match wins, products over device classes."""

    def __init__(self, nlp: Language, name: str, vocab: Vocab) -> None:
        self.name = name
        self.entries: list[HardwareEntry] = list(vocab.hardware)
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.patterns = Matcher(nlp.vocab)
        self.model_res: dict[int, re.Pattern[str]] = {}
        for i, entry in enumerate(self.entries):
            key = f"hw{i}"
            if entry.type == "class":
                docs = [nlp.make_doc(f) for form in entry.forms for f in _plural(form)]
                self.phrases.add(key, docs)
                continue
            nouns = _noun_variants(nlp, entry.nouns)
            vendor, series = _opt(entry.vendor), _opt(entry.series)
            patterns: list[list[dict]] = []
            if entry.type == "product":
                for model in entry.names:
                    core = _lower_tokens(nlp, model)
                    if entry.require_context or entry.noun_required:
                        # Ambiguous short names ("T4", "M1") only with a vendor or a noun.
                        if entry.vendor and not entry.noun_required:
                            patterns.append(_req(entry.vendor) + series + core)
                        for noun in nouns:
                            patterns.append(vendor + series + core + noun)
                    else:
                        patterns.append(vendor + series + core)
                        for noun in nouns:
                            patterns.append(vendor + series + core + noun)
            else:  # family: family word + a model token matching the regex
                self.model_res[nlp.vocab.strings.add(key)] = re.compile(entry.model or "^$")
                model = [{"ORTH": "-", "OP": "?"}, {"TEXT": {"REGEX": entry.model}}]
                core = _req(entry.family) + model
                patterns.append(vendor + series + core)
                for noun in nouns:
                    patterns.append(vendor + series + core + noun)
                if entry.bare_model:
                    # "NVIDIA 4090 GPU": the family word left out, vendor or noun required.
                    bare = [{"TEXT": {"REGEX": entry.bare_model}}]
                    patterns.append(_req(entry.vendor) + bare)
                    for noun in nouns:
                        patterns.append(vendor + bare + noun)
            self.patterns.add(key, patterns, greedy="LONGEST")

    def _entity(self, span: Span, key: str) -> Entity:
        entry = self.entries[int(key[2:])]
        model = None
        if entry.type == "family":
            family = {f.lower() for f in entry.family}
            rx = re.compile(entry.model or "^$")
            bare = re.compile(entry.bare_model) if entry.bare_model else None
            tokens = list(span)
            for j, tok in enumerate(tokens):
                after_family = j > 0 and (tokens[j - 1].lower_ in family or tokens[j - 1].text == "-")
                if (after_family and rx.match(tok.text)) or (bare and bare.match(tok.text)):
                    model = tok.text.lstrip("-")
                    break
        return to_hardware_entity(entry, model)

    def __call__(self, doc: Doc) -> Doc:
        found: list[tuple[Span, str]] = []
        for match_id, start, end in self.phrases(doc):
            found.append((Span(doc, start, end), doc.vocab.strings[match_id]))
        for match_id, start, end in self.patterns(doc):
            found.append((Span(doc, start, end), doc.vocab.strings[match_id]))
        by_span = {}
        for span, key in found:
            # Named products beat classes on the same tokens.
            prev = by_span.get((span.start, span.end))
            if prev is None or self.entries[int(prev[2:])].type == "class":
                by_span[(span.start, span.end)] = key
        spans = filter_spans([Span(doc, s, e, label=k) for (s, e), k in by_span.items()])
        mentions: list[HardwareMention] = []
        for span in spans:
            nxt = doc[span.end] if span.end < len(doc) else None
            if nxt is not None and nxt.lower_ in UNIT_NOUNS:
                continue  # "74 GPU hours": a unit of compute, not a platform
            modifier = bool(
                nxt is not None and span.root.dep_ in {"compound", "nmod", "amod"}
                and nxt.pos_ in {"NOUN", "PROPN"} and span.root.head.i >= span.end
            )
            mentions.append(HardwareMention(
                start=span.start, end=span.end, text=span.text,
                entity=self._entity(span, span.label_), modifier=modifier,
            ))
        doc._.hardware = mentions
        return doc


def register_extensions() -> None:
    if not Doc.has_extension("hardware"):
        Doc.set_extension("hardware", default=None)


@Language.factory(
    "effikg_hardware", assigns=["doc._.hardware"],
    default_config={"vocab": {"@misc": "effikg.vocab.v1"}},
)
def make_hardware(nlp: Language, name: str, vocab: Vocab) -> HardwareRecognizer:
    register_extensions()
    return HardwareRecognizer(nlp, name, vocab)
