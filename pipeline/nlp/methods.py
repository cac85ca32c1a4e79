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

from pipeline.nlp.names import NameMention, find_acronyms, find_names, is_coined
from pipeline.resolve import match_key
from pipeline.vocab import Vocab

PROPOSE_VERBS = frozenset({
    "propose", "introduce", "present", "develop", "design", "devise", "build", "create", "contribute",
    "release", "implement", "offer", "unveil", "describe", "establish", "construct", "formulate",
    "call", "name", "term", "dub", "coin", "denote", "yield", "put", "explore", "leverage", "adopt",
})
# Verbs that announce a contribution strongly enough on their own; the others need "we".
NAMING_WORDS = frozenset({"called", "named", "termed", "dubbed", "coined", "namely", "denoted", "call", "term", "name", "dub"})
AUTHOR_NOUNS = frozenset({"paper", "work", "study", "article", "letter", "thesis", "chapter", "report", "we"})


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


def _has_author_subject(verb: Token) -> bool:
    """True when `verb` (or a verb it hangs off) has "we" / "this paper" as subject, or is passive."""
    tok: Token | None = verb
    for _ in range(4):
        if tok is None:
            break
        for child in tok.children:
            if child.dep_ in {"nsubj", "nsubjpass"} and (
                child.lower_ == "we" or child.lemma_.lower() in AUTHOR_NOUNS
            ):
                return True
            if child.dep_ == "auxpass":
                return True
        if tok.dep_ in {"ROOT"}:
            break
        tok = tok.head
    return False


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
            if mention_end + 2 < len(doc) and doc[mention_end].text == "(" and doc[mention_end + 2].text == ")":
                acr = doc[mention_end + 1].text
                if mention_end + 1 in acronyms and is_coined(acr):
                    aliases.append(text)
                    text = acr
            for i, (s, e) in acronyms.items():
                if doc[i].text == text:
                    aliases.append(doc[s:e].text)
            candidates.append(Proposal(name=text, aliases=aliases, rank=rank, token=mention_start,
                                       sent_start=sent.start, cue=cue))

        for sent in doc.sents:
            for tok in sent:
                low = tok.lower_
                # "called / named / dubbed X", "we call it X": the next name is the paper's.
                if low in NAMING_WORDS or (low in {"as"} and tok.i > 0 and doc[tok.i - 1].lower_ == "denoted"):
                    for j in range(tok.i + 1, min(tok.i + 4, sent.end)):
                        n = by_token.get(j)
                        if n is not None:
                            if low in {"call", "term", "name", "dub"} and not _has_author_subject(tok):
                                break
                            add(n.start, n.end, 0, f"named:{low}", sent)
                            break
                        if doc[j].is_punct and doc[j].text not in {'"', "“", "'", ":"}:
                            break
                if tok.pos_ in {"VERB", "AUX"} and tok.lemma_.lower() in PROPOSE_VERBS and _has_author_subject(tok):
                    self._from_verb(doc, tok, sent, by_token, expansions, acronyms, add)
                # "our X" where X is a name: the authors' own method.
                if low == "our" and tok.i + 1 < sent.end:
                    for j in range(tok.i + 1, min(tok.i + 3, sent.end)):
                        n = by_token.get(j)
                        if n is not None and n.coined:
                            add(n.start, n.end, 1, "our", sent)
                            break
                        if doc[j].pos_ not in {"ADJ", "NOUN", "PROPN"}:
                            break
            # "X, a novel ... that" / "X is a ... framework": a name introduced by description.
            first = next((n for n in names if sent.start <= n.start < sent.start + 2), None)
            if first is not None and first.coined and first.end + 2 < sent.end:
                nxt = doc[first.end: first.end + 3]
                words = [t.lower_ for t in nxt]
                if (words[0] == "," and words[1] in {"a", "an"}) or (words[0] in {"is", "are"} and words[1] in {"a", "an"}):
                    add(first.start, first.end, 2, "describes", sent)
                elif words[0] == "(" and nxt[1].i in acronyms:
                    add(first.start, first.end, 2, "describes", sent)

        title = getattr(doc._, "title", None)
        if self.title_names and title:
            head = re.split(r":\s", title, maxsplit=1)
            if len(head) == 2 and 1 <= len(head[0].split()) <= 4:
                cand = head[0].strip()
                if is_coined(cand) or any(is_coined(w) for w in cand.split()):
                    key = match_key(cand)
                    where = next((n for n in names if match_key(n.text) == key), None)
                    candidates.append(Proposal(
                        name=cand, rank=0 if where else 1, token=where.start if where else -1,
                        sent_start=doc[where.start].sent.start if where else -1, cue="title",
                    ))

        if not candidates:
            self._by_frequency(doc, names, candidates)
        doc._.proposed = self._merge(candidates, names)
        return doc

    def _from_verb(self, doc, verb, sent, by_token, expansions, acronyms, add) -> None:
        subtree = {t.i for t in verb.subtree}
        # Objects of the verb: dobj, passive subject, attributes; follow appositions.
        objects = [c for c in verb.children if c.dep_ in {"dobj", "nsubjpass", "attr", "oprd", "pobj", "dative"}]
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ in {"as"}:
                objects.extend(g for g in c.children if g.dep_ == "pobj")
        found = False
        for obj in objects:
            for tok in obj.subtree:
                if tok.i not in subtree:
                    continue
                n = by_token.get(tok.i)
                if n is None:
                    continue
                head_ok = tok.i == obj.i or tok.dep_ in {"appos"} or (
                    tok.head.i == obj.i and tok.dep_ in {"compound", "nmod"} and n.coined
                    and doc[obj.i].lower_ in self.vocab.generic_heads
                )
                in_parens = tok.i in acronyms
                if tok.dep_ == "appos" or head_ok or in_parens:
                    if n.coined or tok.dep_ == "appos" or tok.i == obj.i or len(n.text.split()) >= 2:
                        add(n.start, n.end, 1, f"verb:{verb.lemma_}", sent)
                        found = True
            if found:
                break
        if not found:
            # "We propose a high-precision ... macro, MAC-folding ...": a coined name right
            # after the verb's object phrase, or an acronym defined inside it.
            for i in sorted(subtree):
                if i <= verb.i:
                    continue
                if i in acronyms and doc[i].head.i in subtree:
                    add(i, i + 1, 1, f"verb-acronym:{verb.lemma_}", sent)
                    return

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
        for c in sorted(candidates, key=lambda c: (c.rank, c.token if c.token >= 0 else 10**9)):
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
        if any(p.rank < 2 for p in result):
            result = [p for p in result if p.rank < 2]
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
