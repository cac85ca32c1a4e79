"""Component `effikg_hardware`: hardware mentions from the gazetteer, on doc._.hardware.

Device classes are matched as phrases; named products and product families through
token patterns built from the gazetteer rows (optional vendor, series, model, trailing
noun), so "A100", "A100 GPU", "NVIDIA A100", "Tesla A100" and "A100 GPUs" are one thing,
while sibling products ("A100" / "A6000", "ZCU102" / "ZCU104") have rows of their own.
Within one abstract a mention is read with the ones before it: "(NPU)" after a product is
that product, "Arm CPU and GPU" is an Arm GPU, a later "the DSP" or "the Jetson" is the one
specific device named earlier. "74 GPU hours" is a unit, not a platform.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.normalize import plural_forms
from pipeline.records import Entity
from pipeline.nlp.columns import columns
from pipeline.nlp.entities import to_hardware_entity
from pipeline.nlp.names import acronym_end, find_acronyms, is_coined, singular_acronym
from pipeline.vocab import HardwareEntry, Vocab, word_class

_EDITION = re.compile(r"(?<=\d)(Ti|Super|SUPER)$")
# A hardware word used as a unit or a resource, not as a platform: "74 GPU hours".
UNIT_NOUNS = word_class("resource_unit_nouns")
# Word classes (pipeline/vocab/words.jsonl) for conditions inside the functions below.
CARD_EDITIONS = word_class("card_editions")
LIST_JOINERS = word_class("list_joiners")
# Words right before a phrase that introduce it as something new: "a", "our", "novel".
INTRODUCING_WORDS = word_class("introducing_words")
# The authors speaking before it: "we propose an ... accelerator (IMCA)", "this paper presents".
FIRST_PERSON_WORDS = word_class("first_person_words")
AUTHOR_NOUNS = word_class("author_nouns")


@dataclass(frozen=True)
class HardwareMention:
    start: int  # token offsets in the Doc
    end: int
    text: str
    entity: Entity
    modifier: bool  # used as a modifier of another noun ("GPU memory", "CPU-GPU")


class HardwareRecognizer:
    """Finds hardware mentions; longest match wins, products over device classes.

    One PhraseMatcher finds device-class phrases, product names and family words; a
    product match is then widened in Python over an optional vendor and series on the
    left and an optional noun on the right ("NVIDIA Tesla A100 GPUs"). This keeps the
    cost at one phrase-matcher pass (a token Matcher with optional tokens was ~100x
    slower on the same gazetteer).
    """

    def __init__(self, nlp: Language, name: str, vocab: Vocab) -> None:
        self.name = name
        self.entries: list[HardwareEntry] = list(vocab.hardware)
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.nouns: dict[int, list[tuple[str, ...]]] = {}
        # Lower-cased words before a name that count as its noun, and the kind words that
        # may then follow it ("laptop 4090 GPU"), for the rows that have any.
        self.pre_nouns: dict[int, tuple[frozenset[str], frozenset[str]]] = {
            i: (frozenset(w.lower() for w in e.pre_nouns), frozenset(k.lower() for k in e.kind.split("+")))
            for i, e in enumerate(self.entries) if e.pre_nouns}
        self.model_res: dict[int, re.Pattern[str]] = {}
        # One-word family names, lower-cased, for a model written glued on ("iPhone12", "RTX3090").
        self.glued: dict[str, list[int]] = {}
        self.bare: list[tuple[int, re.Pattern[str]]] = []
        # Vendor words and "vendor + class" phrases, for "Arm CPU and GPU" -> Arm GPU.
        self.vendors = frozenset(v.lower() for e in self.entries for v in e.vendor)
        self.class_forms = {f.lower(): i for i, e in enumerate(self.entries) if e.type == "class" for f in e.forms}
        # The words of the class phrases ("CPU" in "CPU-GPU"), and the field acronyms ("LLM-NPU").
        self.class_words = frozenset(w for f in self.class_forms for w in re.split(r"[\s-]+", f) if w)
        self.not_a_name = vocab.not_a_name
        # A vendor's architecture names (the rows whose nouns hold "architecture"), lower-cased,
        # with the vendors they belong to: "Pascal Titan X", "Ampere A100" name one product.
        self.architectures: dict[str, frozenset[str]] = {}
        for e in self.entries:
            if e.type == "product" and "architecture" in e.nouns:
                for n in e.names:
                    self.architectures[n.lower()] = frozenset(v.lower() for v in e.vendor)
        for i, entry in enumerate(self.entries):
            if entry.type == "class":
                self.phrases.add(f"hw{i}", [nlp.make_doc(f) for form in entry.forms for f in plural_forms(form)])
                continue
            forms = [tuple(t.lower_ for t in nlp.make_doc(f)) for noun in entry.nouns for f in plural_forms(noun)]
            self.nouns[i] = sorted(set(forms), key=len, reverse=True)
            if entry.type == "product":
                # "8 A100s", "Graphcore IPUs": a model name in the plural.
                spelt = [v for n in entry.names for v in hyphen_variants(n)]
                names = [*spelt, *(n + "s" for n in spelt if n[-1:].isdigit() or n[-1:].isupper())]
                self.phrases.add(f"hw{i}", [nlp.make_doc(n) for n in names])
            else:
                self.phrases.add(f"fam{i}", [nlp.make_doc(f) for f in entry.family])
                self.model_res[i] = re.compile(entry.model or "^$")
                for f in entry.family:
                    if " " not in f:
                        self.glued.setdefault(f.lower(), []).append(i)
                if entry.bare_model:
                    self.bare.append((i, re.compile(entry.bare_model)))

    def _widen(self, doc: Doc, i: int, start: int, end: int) -> tuple[int, int, bool] | None:
        """Grow a product match over vendor / series / noun; None when context is required
        but absent."""
        entry = self.entries[i]
        vendors = {v.lower() for v in entry.vendor}
        series = {v.lower() for v in entry.series}
        context = False
        if start > 0 and doc[start - 1].lower_ in series:  # "Tesla T4": the series names the line
            start -= 1
            context = True
        if start > 0 and vendors & self.architectures.get(doc[start - 1].lower_, frozenset()):
            start -= 1  # "Pascal Titan X": the vendor's architecture names the card's generation
            context = True
        if start > 0 and doc[start - 1].lower_ in vendors:
            start -= 1
            context = True
            if start > 0 and doc[start - 1].lower_ in vendors:  # "AMD Xilinx U55C"
                start -= 1
        has_noun = False
        pre_nouns, kind_words = self.pre_nouns.get(i, (frozenset(), frozenset()))
        if start > 0 and doc[start - 1].lower_ in pre_nouns:  # "the laptop 4090 GPU"
            start -= 1
            has_noun = context = True
            if end < len(doc) and doc[end].lower_ in kind_words:
                end += 1
        for noun in self.nouns.get(i, ()):
            if tuple(t.lower_ for t in doc[end:end + len(noun)]) == noun:
                end += len(noun)
                has_noun = context = True
                break
        if entry.noun_required and not has_noun:
            return None
        if entry.require_context and not context:
            return None
        return start, end, context

    def _candidates(self, doc: Doc) -> list[tuple[int, int, int, str | None]]:
        """(start, end, entry index, model) for every gazetteer hit."""
        out: list[tuple[int, int, int, str | None]] = []
        bare: list[tuple[int, int, int]] = []  # ambiguous short names met without a vendor or noun
        for match_id, start, end in self.phrases(doc):
            key = doc.vocab.strings[match_id]
            if key.startswith("hw"):
                i = int(key[2:])
                if self.entries[i].type == "class":
                    out.append((start, end, i, None))
                else:
                    widened = self._widen(doc, i, start, end)
                    if widened:
                        out.append((widened[0], widened[1], i, None))
                    elif self.entries[i].require_context and not self.entries[i].noun_required and any(
                            c.isdigit() for c in doc[start:end].text):  # a model number, not a word ("Ada")
                        bare.append((start, end, i))
            else:  # family word: the model follows, maybe after a hyphen, in up to 4 tokens
                i = int(key[3:])
                j = end + 1 if end < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ else end
                for k in range(min(len(doc), j + 4), j, -1):  # longest model first ("8 Gen 2")
                    model = doc[j:k].text
                    if self.model_res[i].match(model):
                        # "GTX 1080 Ti" and "GTX 1080Ti" are one card, "1080" another.
                        model, k = _with_edition(doc, model, k, hyphenated=True)
                        widened = self._widen(doc, i, start, k)
                        if widened:
                            out.append((widened[0], widened[1], i, model))
                        break
        out.extend(self._glued_models(doc))
        out.extend(self._among_siblings(bare, out))
        digits = [(tok.i, tok.text) for tok in doc if tok.is_digit] if self.bare else []  # read once, not once a row
        for i, rx in self.bare:  # "NVIDIA 4090 GPU": the family word left out
            for t, text in digits:
                if rx.match(text):
                    widened = self._widen(doc, i, t, t + 1)
                    if widened and widened[2]:
                        out.append((widened[0], widened[1], i, text))
        return out

    def _among_siblings(self, bare: list[tuple[int, int, int]],
                        found: list[tuple[int, int, int, str | None]]) -> list[tuple[int, int, int, str | None]]:
        """An ambiguous model number ("A40") is the product when the abstract names a sibling
        of it outright, a product of the same vendor and kind ("... on A40, while A100 ...")."""
        named = {(self.entries[i].vendor, self.entries[i].kind) for _, _, i, _ in found if self.entries[i].type != "class"}
        return [(s, e, i, None) for s, e, i in bare if (self.entries[i].vendor, self.entries[i].kind) in named]

    def _inside_a_name(self, doc: Doc, span: Span) -> bool:
        """A hardware word hyphenated to a coined prefix is the end of a name: "CD-PIM" is
        a design ("Multi-GPU", "NVIDIA-GPU", "CPU-GPU" and a field acronym's "LLM-NPU" stay
        hardware: a vendor, a class word or a word never a name before it)."""
        if span.start < 2 or doc[span.start - 1].text != "-" or doc[span.start - 2].whitespace_ \
                or doc[span.start - 1].whitespace_:
            return False
        prefix = doc[span.start - 2].text
        return (len(prefix) >= 2 and (prefix.isupper() or is_coined(prefix)) and prefix.lower() not in self.vendors
                and prefix.lower() not in self.class_words and prefix.lower() not in self.not_a_name)

    def _glued_models(self, doc: Doc) -> list[tuple[int, int, int, str | None]]:
        """A family word with its model glued on, one token: "iPhone12", "RTX3090", "GTX1080Ti"."""
        out: list[tuple[int, int, int, str | None]] = []
        sizes = sorted({len(f) for f in self.glued}, reverse=True)
        for t, text in enumerate(columns(doc).text):
            if not any(c.isdigit() for c in text):
                continue
            low = text.lower()
            for size in sizes:
                rows = self.glued.get(low[:size]) if len(text) > size else None
                model = text[size:]
                for i in rows or ():
                    if (model[0].isdigit() or model[0].isupper()) and self.model_res[i].match(model):
                        model, end = _with_edition(doc, model, t + 1)  # "RTX3090 Ti"
                        widened = self._widen(doc, i, t, end)
                        if widened:
                            out.append((widened[0], widened[1], i, model))
                if rows:
                    break
        return out

    def _in_context(self, doc: Doc, prev: HardwareMention, span: Span, entity: Entity) -> Entity:
        """A device class read with the mention just before it: "Arm mobile-Neural Processing
        Unit (NPU)" is that NPU, and in "Arm CPU and GPU" the vendor applies to both."""
        between = doc[prev.end:span.start]
        if between.text == "(" and span.end < len(doc) and doc[span.end].text == ")":
            return prev.entity
        # "an FPGA-based (generic deep learning) accelerator" is that FPGA.
        if 2 <= len(between) <= 4 and between[0].text == "-" and between[1].lower_ == "based" and entity.kind == "ASIC" \
                and not any(t.is_punct for t in between[2:]):
            return prev.entity
        if len(between) == 1 and between[0].lower_ in LIST_JOINERS and prev.end - prev.start >= 2:
            vendor = doc[prev.start].lower_
            if vendor in self.vendors:
                row = self.class_forms.get(f"{vendor} {span.text.lower()}")
                if row is None and span.text.endswith("s"):
                    row = self.class_forms.get(f"{vendor} {span.text[:-1].lower()}")
                if row is not None:
                    return to_hardware_entity(self.entries[row])
        return entity

    def _shared_head(self, doc: Doc, mentions: list[HardwareMention]) -> list[HardwareMention]:
        """"Android, iOS and Nvidia Jetson devices": list items before a mention share its
        head noun, so each item is the device class "<item> <head>" when the gazetteer has it
        (the mirror of "Arm CPU and GPU", where the vendor is shared)."""
        taken = {i for m in mentions for i in range(m.start, m.end)}
        out: list[HardwareMention] = []
        for m in mentions:
            head = doc[m.end - 1].lower_
            if m.end - m.start < 2 or not head.endswith("s"):
                continue
            j = m.start - 1
            while j >= 1 and doc[j].lower_ in LIST_JOINERS:
                while j >= 1 and doc[j - 1].lower_ in LIST_JOINERS:  # "A, B, and C"
                    j -= 1
                item = doc[j - 1]
                row = self.class_forms.get(f"{item.lower_} {head}", self.class_forms.get(f"{item.lower_} {head[:-1]}"))
                if row is None or item.i in taken:
                    break
                out.append(HardwareMention(start=item.i, end=item.i + 1, text=item.text,
                                           entity=to_hardware_entity(self.entries[row]), modifier=False))
                j -= 2
        return out

    def __call__(self, doc: Doc) -> Doc:
        best: dict[tuple[int, int], tuple[int, str | None]] = {}
        for start, end, i, model in self._candidates(doc):
            prev = best.get((start, end))
            # Named products beat device classes on the same tokens.
            if prev is None or self.entries[prev[0]].type == "class":
                best[(start, end)] = (i, model)
        spans = [s for s in filter_spans([Span(doc, s, e) for s, e in best]) if not self._inside_a_name(doc, s)]
        mentions: list[HardwareMention] = []
        products: list[bool] = []
        for span in spans:
            i, model = best[(span.start, span.end)]
            nxt = doc[span.end] if span.end < len(doc) else None
            unit = nxt is not None and nxt.lower_ in UNIT_NOUNS
            if unit and self.entries[i].type == "class":
                continue  # "74 GPU hours": a unit of compute, not a platform
            if nxt is not None and nxt.lower_ in self.entries[i].resource_nouns:
                continue  # "DSP slices": a resource of an FPGA, not a platform
            # "32 A100 GPU hours": the product the compute was measured on, as a modifier.
            modifier = unit or bool(
                nxt is not None and span.root.dep_ in {"compound", "nmod", "amod"}
                and nxt.pos_ in {"NOUN", "PROPN"} and span.root.head.i >= span.end
            )
            entity = to_hardware_entity(self.entries[i], model)
            if mentions and self.entries[i].type == "class":
                entity = self._in_context(doc, mentions[-1], span, entity)
            mentions.append(HardwareMention(
                start=span.start, end=span.end, text=span.text, entity=entity, modifier=modifier,
            ))
            products.append(self.entries[i].type != "class")
        # Device classes read off a shared head are not products.
        pairs = sorted([*zip(mentions, products), *((m, False) for m in self._shared_head(doc, mentions))],
                       key=lambda pair: pair[0].start)
        pairs = sorted([*pairs, *_acronym_mentions(doc, pairs)], key=lambda pair: pair[0].start)
        doc._.hardware = _resolve_short_forms([m for m, _ in pairs], [p for _, p in pairs])
        # As spaCy Spans too (displaCy, DocBin, Scorer): label = the kind, kb_id = the entity.
        doc.spans["hardware"] = [Span(doc, m.start, m.end, label=m.entity.kind or "Hardware", kb_id=m.entity.label)
                                 for m in doc._.hardware]
        return doc


def hyphen_variants(name: str) -> list[str]:
    """A product name as written with hyphens or spaces between its words: "Stratix V" is
    also "Stratix-V", "Virtex-7" also "Virtex 7" (each way for the whole name at once)."""
    variants = [name]
    for a, b in ((" ", "-"), ("-", " ")):
        if a in name and b not in name:
            variants.append(name.replace(a, b))
    return variants


def _with_edition(doc: Doc, model: str, k: int, hyphenated: bool = False) -> tuple[str, int]:
    """A model with its card edition, and the token after them: "1080Ti" and "1080 Ti" are
    "1080 Ti" (and, with `hyphenated`, "2080-Ti")."""
    model = _EDITION.sub(r" \1", model)
    if k < len(doc) and doc[k].text in CARD_EDITIONS and not model.endswith(doc[k].text):
        return f"{model} {doc[k].text}", k + 1
    if (hyphenated and k + 1 < len(doc) and doc[k].text == "-" and doc[k + 1].text in CARD_EDITIONS
            and not doc[k - 1].whitespace_ and not doc[k].whitespace_):
        return f"{model} {doc[k + 1].text}", k + 2
    return model, k


def _acronym_mentions(doc: Doc, pairs: list[tuple[HardwareMention, bool]]) -> list[tuple[HardwareMention, bool]]:
    """An acronym defined for a hardware phrase names that hardware, where it is defined and
    wherever it is used again ("Single-board computers (SBCs) ... three SBCs", "Intel Movidius
    Neural Compute Stick 2 (NCS-2)"): it is no method name. The mention must span the whole
    expansion: in "Dual-side Sparse Tensor Core (DSTC)" the hardware is only the head, and the
    acronym names the design."""
    taken = {i for m, _ in pairs for i in range(m.start, m.end)}
    defined: dict[str, tuple[HardwareMention, bool]] = {}
    sizes: set[int] = set()  # tokens an acronym takes ("NCS-2" is three)
    for i, (start, paren) in find_acronyms(doc).items():
        hit = next(((m, p) for m, p in pairs if m.end == paren and m.start <= start), None)
        end = acronym_end(doc, i)
        # "we propose an in-memory computing accelerator (IMCA) for CNNs": a design introduced
        # under a class phrase is the paper's own, named by its acronym (but "a Systolic
        # Array (SA) architecture" uses the acronym as the hardware word it stands for).
        introduced = hit is not None and start > 0 and doc[start - 1].lower_ in INTRODUCING_WORDS and not (
            end + 1 < len(doc) and doc[end].text == ")" and doc[end + 1].pos_ in {"NOUN", "PROPN"}) and any(
            t.lower_ in FIRST_PERSON_WORDS or t.lower_ in AUTHOR_NOUNS for t in doc[doc[start].sent.start:start])
        if hit is not None and i not in taken and not introduced:
            defined.setdefault(singular_acronym(doc[i:end].text), hit)
            sizes.add(end - i)
    out: list[tuple[HardwareMention, bool]] = []
    for i in range(len(doc) if defined else 0):
        # An acronym is a whole word: "SA" is not the tail of "USA".
        if i in taken or (i > 0 and not doc[i - 1].whitespace_ and not doc[i - 1].is_punct):
            continue
        for size in sorted(sizes, reverse=True):
            end = i + size
            hit = defined.get(singular_acronym(doc[i:end].text)) if end <= len(doc) and not doc[end - 1].is_punct else None
            if hit is not None and (end == len(doc) or doc[end - 1].whitespace_ or doc[end].is_punct):
                (m, product), nxt = hit, doc[end] if end < len(doc) else None
                modifier = bool(nxt is not None and nxt.pos_ in {"NOUN", "PROPN"}
                                and doc[end - 1].dep_ in {"compound", "nmod", "amod"})
                out.append((HardwareMention(start=i, end=end, text=doc[i:end].text, entity=m.entity,
                                            modifier=modifier), product))
                taken.update(range(i, end))
                break
    return out


def _resolve_short_forms(mentions: list[HardwareMention], products: list[bool]) -> list[HardwareMention]:
    """A later, more general mention of the one specific device the abstract named
    ("Hexagon DSP ... the DSP", "Jetson Nano board ... the Jetson") is that device; with two
    candidates ("T4 ... A100 ... GPUs") it stays general."""
    out: list[HardwareMention] = []
    for m, product in zip(mentions, products):
        suffix = " " + m.entity.label.lower()
        word = f" {m.text.lower()} "
        specific = {
            o.entity.key: o.entity for o in out
            if o.entity.key != m.entity.key and (
                o.entity.label.lower().endswith(suffix)
                or (product and word in f" {o.text.lower()} " and len(o.text) > len(m.text))
            )
        }
        if len(specific) == 1:
            m = HardwareMention(start=m.start, end=m.end, text=m.text, entity=next(iter(specific.values())),
                                modifier=m.modifier)
        out.append(m)
    return out


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
