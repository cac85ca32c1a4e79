"""Component `effikg_methods`: name mentions and the paper's proposed methods.

Results: doc._.names (name-like mentions), doc._.acronyms (acronym -> expansion),
doc._.proposed (the paper's own methods, main one first). A method is proposed when the
syntax or layout says so: "we propose / introduce / present X", "called / named / dubbed
X", "X, a ... that", an acronym defined inside such a phrase, "our X", a title "X: ...".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from pipeline.nlp.names import NameMention, find_acronyms, find_names, is_coined, is_stop_word
from pipeline.resolve import match_key
from pipeline.vocab import Vocab

PROPOSE_VERBS = frozenset({
    "propose", "introduce", "present", "develop", "design", "devise", "build", "create", "contribute",
    "release", "implement", "offer", "unveil", "describe", "establish", "construct", "formulate", "call",
    "name", "term", "dub", "coin", "denote", "open-source", "publish",
})
_IRREGULAR = {"build": ["built"], "dub": ["dubbed", "dubs", "dubbing"], "coin": ["coined"]}
VERB_FORMS = frozenset(
    f for v in PROPOSE_VERBS for f in (
        v, v + "s", (v[:-1] if v.endswith("e") else v) + "ed", (v[:-1] if v.endswith("e") else v) + "ing",
        *_IRREGULAR.get(v, []),
    )
)
NAMING_WORDS = frozenset({"called", "named", "termed", "dubbed", "coined", "namely", "denoted", "call", "term", "name", "dub"})
AUTHOR_NOUNS = frozenset({"paper", "work", "study", "article", "letter", "thesis", "chapter", "report"})
# Where the object phrase of a proposal verb ends.
OBJECT_STOPS = frozenset({"that", "which", "who", "where", "whose", ";", "by", "while", "whereas", "because"})
LEAD_WORDS = frozenset({"a", "an", "the", "novel", "new", "our", "simple", "two", "three", "first", "efficient"})


@dataclass
class Proposal:
    """One proposed method: canonical text, aliases, where and how it was found."""

    name: str
    aliases: list[str] = field(default_factory=list)
    rank: int = 1  # 0 = explicitly named, 1 = object of a proposal verb, 2 = weaker layout cue
    token: int = -1  # first mention in the doc, -1 when only in the title
    sent_start: int = -1  # token offset of the sentence that proposes it
    cue: str = ""

    @property
    def keys(self) -> set[str]:
        return {match_key(self.name)} | {match_key(a) for a in self.aliases}


def loose_key(text: str) -> str:
    """match_key without a plural "s": "MicroNets" and "MicroNet" compare equal."""
    key = match_key(text)
    return key[:-1] if key.endswith("s") and len(key) > 3 else key


def _has_author_cue(sent: Span, verb: Token) -> bool:
    """True when the clause is the authors speaking: "we ...", "this paper ...", "our ...",
    or a passive "X is proposed"."""
    for tok in sent:
        if tok.i > verb.i + 1:
            break
        if tok.lower_ in {"we", "our"}:
            return True
        if tok.lower_ in AUTHOR_NOUNS and tok.i > sent.start and tok.nbor(-1).lower_ in {"this", "the", "our"}:
            return True
    prev = verb.nbor(-1) if verb.i > sent.start else None
    return bool(prev is not None and prev.lower_ in {"is", "are", "was", "were", "been", "be"} and verb.tag_ == "VBN")


class MethodFinder:
    def __init__(self, nlp: Language, name: str, vocab: Vocab, title_names: bool) -> None:
        self.name = name
        self.vocab = vocab
        self.title_names = title_names

    def _name_at(self, names_by_token: dict[int, NameMention], i: int) -> NameMention | None:
        return names_by_token.get(i)

    def __call__(self, doc: Doc) -> Doc:
        blocked: set[int] = set()
        for m in doc._.hardware or ():
            blocked.update(range(m.start, m.end))
        for f in doc._.figures or ():
            blocked.update(range(f.start, f.end))
        names = find_names(doc, self.vocab, blocked)
        by_token = {t: n for n in names for t in range(n.start, n.end)}
        acronyms = find_acronyms(doc)
        doc._.names = names
        doc._.acronyms = {doc[i].text: doc[s:e].text for i, (s, e) in acronyms.items()}
        expansions = {s: i for i, (s, e) in acronyms.items()}  # expansion start -> acronym index

        candidates: list[Proposal] = []

        def add(mention_start: int, mention_end: int, rank: int, cue: str, sent: Span) -> None:
            text = doc[mention_start:mention_end].text
            aliases: list[str] = []
            # An acronym defined right after the name becomes the label; the expansion an alias.
            for i, (s, e) in acronyms.items():
                if s <= mention_start and mention_end <= e and e - mention_end <= 2 and is_coined(doc[i].text):
                    aliases.extend([text, doc[s:e].text])
                    text = doc[i].text
                    break
            stop = self.vocab.not_a_name | self.vocab.datasets | self.vocab.object_models
            if is_stop_word(text, stop, self.vocab.stop_exact) or text in self.vocab.software:
                return
            for i, (s, e) in acronyms.items():
                if doc[i].text == text:
                    aliases.append(doc[s:e].text)
            candidates.append(Proposal(name=text, aliases=aliases, rank=rank, token=mention_start,
                                       sent_start=sent.start, cue=cue))

        for sent in doc.sents:
            for tok in sent:
                low = tok.lower_
                # "called / named / dubbed X", "we call it X": the next name is the paper's.
                if low in NAMING_WORDS or (low == "as" and tok.i > 0 and doc[tok.i - 1].lower_ == "denoted"):
                    if not _has_author_cue(sent, tok):
                        continue
                    for j in range(tok.i + 1, min(tok.i + 4, sent.end)):
                        n = by_token.get(j)
                        if n is not None:
                            add(n.start, n.end, 0, f"named:{low}", sent)
                            break
                        if doc[j].is_punct and doc[j].text not in {'"', "“", "'", ":", "‘"}:
                            break
                elif low in VERB_FORMS and _has_author_cue(sent, tok):
                    self._from_verb(doc, tok, sent, by_token, acronyms, add)
                # "our X" where X is a coined name: the authors' own method.
                elif low == "our" and tok.i + 1 < sent.end:
                    for j in range(tok.i + 1, min(tok.i + 3, sent.end)):
                        n = by_token.get(j)
                        if n is not None and n.coined and n.start == j:
                            add(n.start, n.end, 1, "our", sent)
                            break
                        if doc[j].pos_ not in {"ADJ", "NOUN", "PROPN"}:
                            break
            # "X, a novel ... that" / "X is a ... framework": a name introduced by description.
            first = next((n for n in names if sent.start <= n.start < sent.start + 2), None)
            if first is not None and first.end + 2 < sent.end and not self._is_concept(doc, first, acronyms):
                words = [t.lower_ for t in doc[first.end: first.end + 3]]
                if (words[0] == "," and words[1] in {"a", "an"}) or (words[0] in {"is", "are"} and words[1] in {"a", "an"}):
                    add(first.start, first.end, 2, "describes", sent)

        title = getattr(doc._, "title", None)
        if self.title_names and title:
            head = re.split(r":\s", title, maxsplit=1)
            if len(head) == 2 and 1 <= len(head[0].split()) <= 4:
                cand = head[0].strip()
                words = cand.split()
                named = all(w[:1].isupper() or is_coined(w) or w[:1].isdigit() for w in words) and not is_stop_word(
                    cand, self.vocab.not_a_name | self.vocab.datasets, self.vocab.stop_exact
                )
                if named and (any(is_coined(w) for w in words) or re.search(rf"\b{re.escape(cand)}\b", doc.text)):
                    key = loose_key(cand)
                    where = next((n for n in names if loose_key(n.text) == key), None)
                    candidates.append(Proposal(
                        name=cand, rank=0 if where else 1, token=where.start if where else -1,
                        sent_start=doc[where.start].sent.start if where else -1, cue="title",
                    ))

        # A name already used in an earlier, background sentence is an existing concept the
        # paper builds on ("Concept Bottleneck Models (CBMs) are ..."), not its contribution.
        first_seen: dict[str, int] = {}
        for n in names:
            first_seen.setdefault(loose_key(n.text), doc[n.start].sent.start)
        for c in candidates:
            if c.cue.startswith(("verb", "our", "named", "passive")) and first_seen.get(loose_key(c.name), c.sent_start) < c.sent_start:
                c.rank += 2
        if not any(c.rank < 2 for c in candidates):
            self._by_frequency(doc, names, candidates)
        doc._.proposed = self._merge(candidates, names)
        return doc

    def _from_verb(self, doc: Doc, verb: Token, sent: Span, by_token, acronyms, add) -> None:
        """Names in the object phrase of a proposal verb: right after it ("we propose
        TriForce"), in apposition (", MARCA"), or an acronym defined inside it."""
        stop = min(sent.end, verb.i + 30)
        for j in range(verb.i + 1, stop):
            if doc[j].lower_ in OBJECT_STOPS or (doc[j].lower_ in VERB_FORMS and j > verb.i + 1 and doc[j - 1].lower_ in {"and", "we"}):
                stop = j
                break
        if verb.nbor(-1).lower_ in {"is", "are", "was", "were"} and verb.i > sent.start:
            # Passive "X is proposed": the name is the clause's subject, before the verb.
            for j in range(verb.i - 2, max(sent.start, verb.i - 8) - 1, -1):
                n = by_token.get(j)
                if n is not None and n.coined:
                    add(n.start, n.end, 1, f"passive:{verb.lower_}", sent)
                    return
            return
        j = verb.i + 1
        while j < stop and (doc[j].lower_ in LEAD_WORDS or (doc[j].pos_ == "ADJ" and doc[j].lower_ not in {"large"})):
            j += 1
        seen_first = False
        for k in range(verb.i + 1, stop):
            n = by_token.get(k)
            if n is None or n.start != k:
                continue
            prev = doc[k - 1].text if k > 0 else ""
            if k == j and not seen_first:
                end = n.end
                nxt = doc[end] if end < len(doc) else None
                # "Lookahead decoding", "DFC attention": a name plus its lowercase head noun.
                if (nxt is not None and nxt.pos_ == "NOUN" and nxt.text.islower()
                        and nxt.lower_ not in self.vocab.generic_heads and nxt.dep_ in {"dobj", "appos", "pobj", "conj"}):
                    end += 1
                add(n.start, end, 1, f"verb:{verb.lower_}", sent)
                seen_first = True
            elif prev in {",", "--", "—", "–", ":"} or (prev == "(" and k in acronyms):
                add(n.start, n.end, 1, f"verb-appos:{verb.lower_}", sent)
            elif prev == "and" and seen_first:
                add(n.start, n.end, 1, f"verb-conj:{verb.lower_}", sent)
            elif n.coined and not seen_first and doc[k - 1].pos_ != "ADP" and (
                k - verb.i <= 10 or doc[k - 1].lower_ in self.vocab.generic_heads
            ):
                # "the linear-complexity multiplication L-Mul algorithm", "a scheduler Sarathi-Serve"
                add(n.start, n.end, 1, f"verb-inner:{verb.lower_}", sent)
                seen_first = True

    def _is_concept(self, doc: Doc, name: NameMention, acronyms) -> bool:
        """An acronym spelled out in lower case ("federated learning (FL)") names a field
        concept, not a method."""
        for i, (s, e) in acronyms.items():
            if name.start == i or (s <= name.start < e):
                return doc[s:e].text.islower()
        return False

    def _by_frequency(self, doc: Doc, names: list[NameMention], out: list[Proposal]) -> None:
        """No proposal cue: a coined name that is the subject of the first sentence or of
        several sentences is what the abstract is about ("Eyeriss is an accelerator ...")."""
        counts: dict[str, list[NameMention]] = {}
        for n in names:
            if n.coined:
                counts.setdefault(match_key(n.text), []).append(n)
        best: tuple[int, int, NameMention] | None = None
        first_sent = next(iter(doc.sents), None)
        for key, ms in counts.items():
            subj = [m for m in ms if any(t.dep_ in {"nsubj", "nsubjpass"} for t in doc[m.start:m.end])]
            in_first = bool(first_sent is not None and subj and subj[0].start < first_sent.end)
            if (in_first and len(ms) >= 2) or (len(subj) >= 2 and len(ms) >= 3):
                score = (len(ms) + (3 if in_first else 0), -ms[0].start, ms[0])
                if best is None or score[:2] > best[:2]:
                    best = score
        if best is not None:
            m = best[2]
            out.append(Proposal(name=m.text, rank=2, token=m.start, sent_start=doc[m.start].sent.start, cue="subject"))

    def _merge(self, candidates: list[Proposal], names: list[NameMention]) -> list[Proposal]:
        """One Proposal per method key, best rank first, then first mention."""
        merged: dict[str, Proposal] = {}
        order: list[str] = []
        for c in sorted(candidates, key=lambda c: (c.rank, c.cue != "title", c.sent_start if c.sent_start >= 0 else 10**9,
                                                    c.token if c.token >= 0 else 10**9)):
            key = match_key(c.name)
            same = next((k for k in order if key in merged[k].keys or merged[k].keys & c.keys), None)
            if same is None:
                merged[key] = Proposal(name=c.name, aliases=list(dict.fromkeys(c.aliases)), rank=c.rank,
                                       token=c.token, sent_start=c.sent_start, cue=c.cue)
                order.append(key)
            else:
                p = merged[same]
                for a in [c.name, *c.aliases]:
                    if match_key(a) != match_key(p.name) and a not in p.aliases:
                        p.aliases.append(a)
                if p.token < 0 <= c.token:
                    p.token, p.sent_start = c.token, c.sent_start
                elif c.sent_start >= 0 and (p.sent_start < 0 or c.sent_start < p.sent_start):
                    p.sent_start = c.sent_start
        # Weak (rank 2) candidates only count when nothing stronger was found.
        result = [merged[k] for k in order]
        best = min((p.rank for p in result), default=0)
        result = [p for p in result if p.rank <= max(best, 1)]
        return result


def register_extensions() -> None:
    for name in ("names", "acronyms", "proposed", "title"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


@Language.factory(
    "effikg_methods", assigns=["doc._.names", "doc._.acronyms", "doc._.proposed"],
    requires=["doc._.hardware", "doc._.figures"],
    default_config={"vocab": {"@misc": "effikg.vocab.v1"}, "title_names": True},
)
def make_methods(nlp: Language, name: str, vocab: Vocab, title_names: bool) -> MethodFinder:
    register_extensions()
    return MethodFinder(nlp, name, vocab, title_names)
