"""Component `effikg_methods`: name mentions and the paper's proposed methods.

Results: doc._.names (name-like mentions), doc._.acronyms (acronym -> expansion),
doc._.proposed (the paper's own methods, main one first). A method is proposed when the
syntax or layout says so, never because a list knows its name:

- syntax: "we propose / introduce / present X", "X is proposed" (the passive subject),
  "called / named / dubbed / denoted as X" (and the list that follows), "X, a ... that",
  "X is a ...", an acronym defined inside such a phrase ("Zero Redundancy Optimizer
  (ZeRO)"), "our X", "our <method noun> ... (Name)", "the proposed X" for an unnamed proposal;
- layout: a title "X: ...", a title that is a name alone, "... with / using X" in the title
  when the abstract names X, the title's coined name over its size variants.

Names used in background sentences before the proposal, field concepts spelled out in
lower case, datasets, software and well-known models are not proposals. The main method
(first) is the title's, else a whole model before its parts; "our method", "it" and "we"
are resolved to it by the relations component.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from pipeline.nlp.columns import columns
from pipeline.nlp.metrics import outside_names
from pipeline.nlp.names import (NameMention, acronym_end, find_acronyms, find_names, is_coined, is_stop_word,
                                singular_acronym)
from pipeline.normalize import match_key
from pipeline.vocab import Vocab, word_class

PROPOSE_VERBS = word_class("propose_verbs")
_IRREGULAR = {"build": ["built"], "dub": ["dubbed", "dubs", "dubbing"], "coin": ["coined"]}
VERB_FORMS = frozenset(
    f for v in PROPOSE_VERBS for f in (
        v, v + "s", (v[:-1] if v.endswith("e") else v) + "ed", (v[:-1] if v.endswith("e") else v) + "ing",
        *_IRREGULAR.get(v, []),
    )
)
# "we put forward X": a verb and its particle, each form written out in the data.
PHRASAL_VERBS = word_class("propose_phrasal_verbs")
PHRASAL_FIRST_WORDS = frozenset(v.split()[0] for v in PHRASAL_VERBS)
NAMING_WORDS = word_class("naming_words")
AUTHOR_NOUNS = word_class("author_nouns")
# Title words that introduce the method a title names ("... with Sarathi-Serve").
TITLE_PREPOSITIONS = word_class("title_prepositions")
# Words a title made of a name alone never holds ("Attention Is All You Need").
_TITLE_NOT_NAME = word_class("title_function_words")
# Title words before what the method is for or runs on ("... for DeepSeek-V3.2-Exp").
TITLE_TARGET_WORDS = word_class("title_target_words")
# Nouns saying the authors made what follows "of": "the adaptation of UltraSeg, ...".
OWN_WORK_NOUNS = word_class("own_work_nouns")
# "this work", "our paper": the authors' own (not "the study of ...").
OWN_DETERMINERS = word_class("own_determiners")
_TITLE_WITH = re.compile(
    r"\b(?i:" + "|".join(sorted(TITLE_PREPOSITIONS)) + r")\s+((?:[A-Z0-9][\w.·-]*(?:\s+|$)){1,5})"
)
# A size variant of a named model ("MobileNetV3-Large", "InceptionNeXt-T", "Llama-7B"),
# as opposed to a new member named for what it adds ("MobileLLM-LS").
_SIZE_SUFFIX = r"[-\s](?i:large|small|tiny|base|huge|mini|nano|medium|x{0,2}l|xs|[smbtlh]\d{0,2}|\d+(?:\.\d+)?[bmk]?)"
# Words that mark a naming phrase as the authors' own ("The resulting models, denoted as X").
OWN_MARKERS = word_class("own_markers")
# Head nouns of a method introduced as a part of a larger model.
PART_HEADS = word_class("part_heads")
# Head nouns that make the name before them a dataset, never a proposed method.
DATASET_HEADS = word_class("dataset_heads")
PART_VERBS = word_class("part_verbs")
# Where the object phrase of a proposal verb ends.
OBJECT_STOPS = word_class("object_stops")
LEAD_WORDS = word_class("lead_words")
# Words that call a thing new: "X, a novel strategy", "a new ... algorithm (LKD)".
NEW_MARKERS = word_class("new_markers")
# Modifiers that make a phrase other people's (or earlier) work: "our baseline", "prior".
OTHERS_DETERMINERS = word_class("others_determiners")
# Word classes (pipeline/vocab/words.jsonl) for conditions inside the functions below.
AUTHOR_DETERMINERS = word_class("author_determiners")
BE_FINITE_FORMS = word_class("be_finite_forms")
BE_FORMS = word_class("be_forms")
SEQUENCE_ADVERBS = word_class("sequence_adverbs")
FIRST_PERSON_WORDS = word_class("first_person_words")
LIST_JOINERS = word_class("list_joiners")
NAME_CLOSERS = word_class("name_closers")
QUOTES = frozenset({'"', "“", "'", "‘"})
# Heads that make a lower-case phrase the authors propose a technique name ("we propose
# movement pruning").
TECHNIQUE_NOUNS = word_class("technique_nouns")


@dataclass
class Proposal:
    """One proposed method: canonical text, aliases, where and how it was found."""

    name: str
    aliases: list[str] = field(default_factory=list)
    rank: int = 1  # 0 = explicitly named, 1 = object of a proposal verb, 2 = weaker layout cue
    token: int = -1  # first mention in the doc, -1 when only in the title
    sent_start: int = -1  # token offset of the sentence that proposes it
    cue: str = ""
    part: bool = False  # introduced as a part ("a HyperZ·Z·W operator"), not a whole model

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
        if tok.lower_ in AUTHOR_NOUNS and tok.i > sent.start and tok.nbor(-1).lower_ in AUTHOR_DETERMINERS:
            return True
    return verb.i > sent.start and verb.tag_ == "VBN" and _after_be(verb, BE_FORMS)


# Prepositions that attach a tool or a setting, not the thing proposed ("we propose
# combining techniques with traditional U-Net architectures"); "of" may still lead to it
# ("a family of models, X").
_ADJUNCT_PREPOSITIONS = word_class("adjunct_prepositions")


def _inside_quotes(doc: Doc, start: int, i: int) -> bool:
    """Token i sits inside a quotation opened after `start` ("a “See Large, Focus Small”
    strategy": the comma is the slogan's, not an apposition)."""
    depth = 0
    for t in doc[start:i]:
        if t.text in {"“", '"'} and depth == 0:
            depth = 1
        elif t.text in {"”", '"'} and depth == 1:
            depth = 0
    return depth == 1


def _in_adjunct(tok: Token, verb: Token) -> bool:
    """True when `tok` hangs from `verb` through an adjunct preposition phrase."""
    steps = 0
    while tok.i != verb.i and tok.head.i != tok.i and steps < 12:
        if tok.dep_ == "pobj" and tok.head.lower_ in _ADJUNCT_PREPOSITIONS:
            return True
        tok = tok.head
        steps += 1
    return False


class _Candidates:
    """The proposals a paper's cues make, each name as the paper goes on to use it: `add`
    records one mention (its acronym or the shorter coined name in parentheses after it
    becomes the name, the longer forms aliases; a stop word or a software name is none)."""

    def __init__(self, doc: Doc, vocab: Vocab, by_token: dict[int, NameMention],
                 acronyms: dict[int, tuple[int, int]], title_head: str = "") -> None:
        self.doc, self.vocab, self.by_token, self.acronyms = doc, vocab, by_token, acronyms
        self.title_head = title_head  # match key of the name before the title's colon, if any
        self.acr = {i: doc[i:acronym_end(doc, i)].text for i in acronyms}
        self.out: list[Proposal] = []

    def add(self, mention_start: int, mention_end: int, rank: int, cue: str, sent: Span,
            extra: list[str] | None = None, part: bool = False) -> None:
        doc, acronyms, acr = self.doc, self.acronyms, self.acr
        text = doc[mention_start:mention_end].text
        aliases: list[str] = [a for a in extra or () if a != text]
        bare = self.by_token.get(mention_start)
        if bare is not None and bare.start == mention_start and bare.end < mention_end:
            aliases.append(bare.text)  # "Ghost module" is also written "Ghost"
        text = self._named_as(mention_start, mention_end, text, aliases)
        if _never_own(text, self.vocab, self.title_head):
            return
        expansions = [doc[s:e].text for i, (s, e) in acronyms.items() if acr[i] == text]
        if any(_never_own(x, self.vocab, self.title_head) or x.lower() in self.vocab.tasks for x in expansions):
            return  # "GlobalFoundries (GF)": the short name of what is never a method is none either
        aliases.extend(expansions)
        head = doc[mention_end].lower_ if mention_end < len(doc) else ""
        if head in DATASET_HEADS:  # "we build the first Mandarin CS corpus": a dataset
            return
        part = part or not PART_HEADS.isdisjoint({head, doc[mention_end - 1].lower_})
        self.out.append(Proposal(name=text, aliases=aliases, rank=rank, token=mention_start,
                                 sent_start=sent.start, cue=cue, part=part))

    def _named_as(self, mention_start: int, mention_end: int, text: str, aliases: list[str]) -> str:
        """The name a mention goes by: an acronym defined right after it (the expansion
        then an alias), else a shorter coined name in parentheses right after it."""
        doc = self.doc
        for i, (s, e) in self.acronyms.items():
            # The mention may end before the expansion does, within one phrase: "Communication-
            # Aware Architecture" of "Communication-Aware Architecture for Tensor-parallelism (CAAT-Net)".
            if s <= mention_start and mention_end <= e and is_coined(self.acr[i]) and (
                    e - mention_end <= 2 or _title_case_rest(doc[mention_end:e])):
                aliases.extend([text, doc[s:e].text])
                return self.acr[i]
        # "Pseudo-3D Residual Net (P3D ResNet)": a shorter coined name in parentheses
        # right after is the name the paper goes on to use.
        inner = self.by_token.get(mention_end + 1) if mention_end + 1 < len(doc) else None
        if (inner is not None and doc[mention_end].text == "(" and inner.start == mention_end + 1
                and inner.end < len(doc) and doc[inner.end].text == ")" and inner.coined
                and len(inner.text) < len(text)):
            aliases.append(text)
            return inner.text
        return text


class MethodFinder:
    def __init__(self, nlp: Language, name: str, vocab: Vocab, title_names: bool) -> None:
        self.name = name
        self.vocab = vocab
        self.title_names = title_names

    def __call__(self, doc: Doc) -> Doc:
        names, acronyms = self._mentions(doc)
        by_token = {t: n for n in names for t in range(n.start, n.end)}
        title = getattr(doc._, "title", None) if self.title_names else None
        head = re.split(r"\s?:\s", title, maxsplit=1) if title else []
        found = _Candidates(doc, self.vocab, by_token, acronyms, match_key(head[0]) if len(head) == 2 else "")
        lowers = columns(doc).lower  # each token's lower_, read once
        for sent in doc.sents:
            self._sentence(doc, sent, names, by_token, acronyms, found.add, lowers)
        self._parts(doc, names, by_token, acronyms, found)
        candidates = found.out
        if title:
            self._from_title(doc, title, head, names, candidates)
        self._family_members(doc, names, candidates)
        self._rank(doc, names, candidates, acronyms)
        proposed = self._proposed(doc, names, candidates)
        doc._.proposed = proposed
        keys = {k for p in proposed for k in p.keys}
        doc.spans["method"] = [Span(doc, n.start, n.end, label="Method") for n in names if match_key(n.text) in keys]
        outside_names(doc, list(doc.spans["method"]))
        return doc

    def _mentions(self, doc: Doc) -> tuple[list[NameMention], dict[int, tuple[int, int]]]:
        """The names (outside hardware and figures) and acronyms of a doc, also set on it."""
        blocked: set[int] = set()
        for m in doc._.hardware or ():
            blocked.update(range(m.start, m.end))
        for f in doc._.figures or ():
            blocked.update(range(f.start, f.end))
        names = find_names(doc, self.vocab, blocked)
        acronyms = find_acronyms(doc)
        doc._.names = names
        doc.spans["name"] = [Span(doc, n.start, n.end, label="Coined" if n.coined else "Name") for n in names]
        acr = {i: doc[i:acronym_end(doc, i)].text for i in acronyms}
        doc._.acronyms = {acr[i]: doc[s:e].text for i, (s, e) in acronyms.items()}
        return names, acronyms

    def _sentence(self, doc: Doc, sent: Span, names: list[NameMention], by_token, acronyms, add,
                  lowers: list[str]) -> None:
        """The cues of one sentence: a naming word, a proposal verb, "our X", a description
        (`lowers`: every token's lower_; a Token is made only for a cue word)."""
        for i in range(sent.start, sent.end):
            low = lowers[i]
            # "called / named / dubbed X", "we call it X": the next name is the paper's.
            if low in NAMING_WORDS or (low == "as" and i > 0 and lowers[i - 1] == "denoted"):
                self._named(doc, doc[i], sent, by_token, acronyms, add)
            elif (verb := _proposal_verb(doc, i, sent, lowers)) is not None:
                self._from_verb(doc, verb, sent, by_token, acronyms, add)
                self._lowercase_technique(doc, verb, sent, add)
            # "our X" where X is a coined name: the authors' own method ("the proposed X" too).
            elif (low == "our" or (low == "proposed" and i > sent.start and lowers[i - 1] == "the")) and i + 1 < sent.end:
                self._after_our(doc, doc[i], sent, by_token, acronyms, add)
        for n in names:
            if sent.start + 2 <= n.start < sent.end and self._described_as_new(doc, n, sent):
                add(n.start, n.end, 1, "describes-new", sent)
        for i, (start, _) in acronyms.items():
            # "a novel affordable layer-by-layer knowledge distillation algorithm (LKD)"
            n = by_token.get(i)
            if n is not None and n.start == i and sent.start <= i < sent.end and _called_new(doc, start, sent):
                add(n.start, n.end, 1, "acronym-new", sent)
        # "X, a novel ... that" / "X is a ... framework": a name introduced by description.
        first = next((n for n in names if sent.start <= n.start < sent.start + 2), None)
        if first is not None and first.end + 2 < sent.end and not self._is_concept(doc, first, acronyms):
            words = [t.lower_ for t in doc[first.end: first.end + 3]]
            if (words[0] == "," and words[1] in {"a", "an"}) or (words[0] in {"is", "are"} and words[1] in {"a", "an"}):
                add(first.start, first.end, 2, "describes", sent)

    @staticmethod
    def _described_as_new(doc: Doc, n: NameMention, sent: Span) -> bool:
        """"... employs Dynamic SplitFuse, a novel composition strategy": a name the
        apposition after it calls new."""
        k = n.end
        return k + 2 < sent.end and _appositive(doc, k, sent.end) and doc[k + 2].lower_ in NEW_MARKERS

    def _parts(self, doc: Doc, names: list[NameMention], by_token, acronyms, found: _Candidates) -> None:
        """"EfficientQAT involves two phases: ... (Block-AP) and ... (E2E-QP)": a proposed
        method that is the subject of a part verb is made of the names its object introduces
        (first met in that sentence: an acronym or a coined name in parentheses, a name
        with a part head, or a coined name an apposition describes), each a method of its
        own (the guide: a named part of a system)."""
        own = {loose_key(c.name) for c in found.out if c.rank < 2}
        first_seen = _first_seen(doc, names)
        cols = columns(doc)  # read once a Doc: a Token only for a part verb
        for i, lemma in enumerate(cols.lemma):
            if cols.pos[i] != "VERB" or lemma not in PART_VERBS:
                continue
            tok = doc[i]
            subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
            if subj is None and tok.dep_ == "acl":  # "an accelerator featuring a ... (HSA) architecture"
                subj = tok.head
            owner = by_token.get(subj.i) if subj is not None else None
            if subj is None or not self._own_subject(subj, owner, own, lowers=cols.lower):
                continue
            unnamed = owner is None
            sent = tok.sent
            for j in range(tok.i + 1, tok.right_edge.i + 1):
                n = by_token.get(j)
                if n is None or n.start != j:
                    continue
                if unnamed and not _in_object(doc[n.end - 1], tok):
                    continue  # "Our design incorporates units that support ... (MSA) module"
                # "FlashAttention (FA)": the short name of a technique met before is that technique.
                before = by_token.get(j - 2) if j >= 2 and doc[j - 1].text == "(" else None
                if any(first_seen.get(loose_key(m.text), sent.start) < sent.start for m in (n, before) if m):
                    continue
                headed = n.end < len(doc) and doc[n.end].lower_ in PART_HEADS
                # "(E2E-QP)" after its description: a coined short name the letter walk misses.
                bracketed = n.coined and doc[j - 1].text == "(" and n.end < len(doc) and doc[n.end].text == ")"
                # "comprises HeadPrune, a head pruning method, and ...": a coined name the
                # sentence describes. (Not any coined name after a colon: "two techniques:
                # ... with the compute-I/O pipeline" names no part.)
                described = n.coined and _appositive(doc, n.end, sent.end)
                if j in acronyms or bracketed or self._defines_acronym(doc, n, acronyms) or headed or described:
                    found.add(n.start, n.end, 1, f"part:{tok.lemma_.lower()}", sent, part=True)

    def _own_subject(self, subj: Token, owner: NameMention | None, own: set[str], lowers: list[str]) -> bool:
        """The subject of a part verb (`owner`: the name it is, if any) is the authors'
        method: a proposed one by name, or one they do not name ("Our method features a ...
        (P-RGE) technique", "This paper proposes an accelerator featuring a ... (HSA)
        architecture": then its named parts are the paper's methods, as the guide has it)."""
        if owner is not None:
            return loose_key(owner.text) in own
        if subj.lower_ not in self.vocab.generic_heads:
            return False
        proposed = subj.dep_ == "dobj" and _proposal_verb(subj.doc, subj.head.i, subj.sent, lowers) is not None
        return proposed or any(c.lower_ in OWN_MARKERS for c in subj.children)

    def _named(self, doc: Doc, tok: Token, sent: Span, by_token, acronyms, add) -> None:
        """The name a naming word introduces, when the authors speak: "called X", "we call
        it X", "we dub the resulting system X", "namely A and B"."""
        low = tok.lower_
        if not (_has_author_cue(sent, tok) or any(t.lower_ in OWN_MARKERS for t in doc[sent.start:tok.i])
                or any(_is_passive_proposal(t, sent) for t in sent)):
            return
        for j in range(tok.i + 1, min(tok.i + 6, sent.end)):
            n = by_token.get(j)
            if n is not None:
                add(n.start, self._with_head(doc, n), 0, f"named:{low}", sent)
                # "namely the MAC-folding and boosted-clipping schemes": the list
                # goes on with names or hyphenated coinages.
                for a, b in _listed_after(doc, n.end, sent.end, by_token):
                    add(a, b, 0, f"named:{low}", sent)
                break
            if j == tok.i + 1 and low != "namely":
                # "a dataflow, called row stationary (RS)", "what we call codebook features"
                # (a lower-case phrase named so is a name when it ends in a
                # technique noun or gets an acronym: not "which we call energy bloat")
                phrase = _lowercase_phrase(doc, j, sent.end)
                if phrase is not None and phrase[1] - phrase[0] >= 2 and _ends_name(doc, phrase[1]) and (
                    _is_technique(doc[phrase[1] - 1]) or phrase[1] + 1 in acronyms
                ):
                    add(phrase[0], phrase[1], 0, f"named-lower:{low}", sent)
                    break
            if doc[j].is_punct and doc[j].text not in {'"', "“", "'", ":", "‘"}:
                break
            if not doc[j].is_punct and doc[j].pos_ not in {"DET", "ADJ", "NOUN", "PRON", "VERB"} and not (
                doc[j].lower_ == "as" and (doc[j - 1].pos_ == "PRON" or j == tok.i + 1)  # "term it as X", "named as X"
            ):
                break

    def _after_our(self, doc: Doc, our: Token, sent: Span, by_token, acronyms, add) -> None:
        """"our X" with X a coined name (an adjective or noun may come between); else a
        name in parentheses after "our ...": the authors' own method."""
        for j in range(our.i + 1, min(our.i + 3, sent.end)):
            n = by_token.get(j)
            if n is not None and n.coined and n.start == j:
                add(n.start, n.end, 1, "our", sent)
                return
            if doc[j].pos_ not in {"ADJ", "NOUN", "PROPN"}:
                if doc[j].text == ",":
                    self._our_apposition(doc, our, sent, by_token, add)
                return
        if not self._our_apposition(doc, our, sent, by_token, add):
            self._our_parenthesised(doc, our, sent, by_token, acronyms, add)

    def _our_apposition(self, doc: Doc, our: Token, sent: Span, by_token, add) -> bool:
        """"Our approach, FooNet, ...", "our proposed serving system, FooServe": a name in
        apposition to "our" and a generic head noun (a few modifiers may come between)."""
        j = our.i + 1
        while j < min(sent.end, our.i + 6) and doc[j].pos_ in {"ADJ", "NOUN", "PROPN", "VERB"}:
            j += 1
        if j == our.i + 1 or j + 1 >= sent.end or doc[j].text != "," or doc[j - 1].lower_ not in self.vocab.generic_heads:
            return False
        if any(t.lower_ in OTHERS_DETERMINERS for t in doc[our.i + 1:j]):
            return False  # "our baseline, LLaMA", "our previous work, X": not this paper's method
        n = by_token.get(j + 1)
        if n is None or n.start != j + 1 or not (n.coined or doc[j + 1].pos_ == "PROPN"):
            return False
        add(n.start, n.end, 1, "our-appos", sent)
        return True

    def _rank(self, doc: Doc, names: list[NameMention], candidates: list[Proposal], acronyms) -> None:
        """Background names ranked down; the weaker evidence added when nothing strong is."""
        # A name already used in an earlier, background sentence is an existing concept the
        # paper builds on ("Concept Bottleneck Models (CBMs) are ..."), not its contribution.
        first_seen = _first_seen(doc, names)
        for c in candidates:
            if c.cue.startswith(("verb", "our", "named", "passive")) and first_seen.get(loose_key(c.name), c.sent_start) < c.sent_start:
                c.rank += 2
        if not any(c.rank < 2 and not c.cue.startswith("verb-lower") for c in candidates):
            self._by_frequency(doc, names, candidates, acronyms)
        if not any(c.rank < 2 for c in candidates):
            self._the_proposed_phrase(doc, candidates)

    def _proposed(self, doc: Doc, names: list[NameMention], candidates: list[Proposal]) -> list[Proposal]:
        """The paper's proposed methods: the candidates merged, named ones first."""
        # Lower-case technique names are the paper's too, but never hide a named method
        # (nor make the weaker cues give way): they join after the named ones.
        techniques = [c for c in candidates if c.cue.startswith("verb-lower")]
        proposed = self._merge([c for c in candidates if c not in techniques], names)
        for t in self._merge(techniques, names) if techniques else ():
            if not any(t.keys & p.keys for p in proposed):
                proposed.append(t)
        # "We propose two extensions that improve speed. We leverage these improvements to
        # develop HaloNets": the authors' proposal sentence just before the one that names the
        # method already speaks of it.
        if proposed and proposed[0].sent_start > 0:
            before = doc[proposed[0].sent_start - 1].sent
            if any(t.lower_ in VERB_FORMS and t.lower_ not in NAMING_WORDS and _has_author_cue(before, t) for t in before):
                proposed[0].sent_start = before.start
        return proposed

    def _from_verb(self, doc: Doc, verb: Token, sent: Span, by_token, acronyms, add) -> None:
        """Names in the object phrase of a proposal verb: right after it ("we propose
        TriForce"), in apposition (", MARCA"), or an acronym defined inside it."""
        stop = min(sent.end, verb.i + 30)
        for j in range(verb.i + 1, stop):
            if doc[j].lower_ in OBJECT_STOPS or (doc[j].lower_ in VERB_FORMS and j > verb.i + 1 and doc[j - 1].lower_ in {"and", "we"}):
                stop = j
                break
        if _after_be(verb) and verb.i > sent.start:
            self._passive(doc, verb, sent, by_token, acronyms, add)
            return
        j = verb.i + 1
        while j < stop and (doc[j].lower_ in LEAD_WORDS or _joins_lead_words(doc, j, stop)
                            or (doc[j].pos_ == "ADJ" and doc[j].lower_ not in {"large"})):
            j += 1
        seen_first = False
        earlier = self._defined_before(doc, acronyms, sent.start)
        for k in range(verb.i + 1, stop):
            n = by_token.get(k)
            if n is None or n.start != k:
                continue
            prev = doc[k - 1].text if k > 0 else ""
            if k == j and not seen_first and _modifies_a_later_name(doc, n, by_token):
                pass  # "a novel RISC-V ISA core MPIC": the name the phrase is headed by is the method
            elif k == j and not seen_first and (self._is_concept(doc, n, acronyms) or _only_acronyms(n.text, earlier)):
                # "we design the PP schedule" after "pipeline parallelism (PP)", "formulate the
                # LLM VQ problem": terms the abstract defined before, not a new name.
                seen_first = True
            elif k == j and not seen_first:
                add(n.start, self._with_head(doc, n), 1, f"verb:{verb.lower_}", sent)
                seen_first = True
            elif ((prev in {",", "--", "—", "–", ":"} and not _inside_quotes(doc, verb.i, k)) or (
                # "a solution, Zero Redundancy Optimizer (ZeRO)", not "a method ... with
                # Concept Bottleneck Models (CBMs)": a name after a preposition is a tool.
                prev == "(" and k in acronyms and acronyms[k][0] > verb.i + 1
                and doc[acronyms[k][0] - 1].pos_ != "ADP"
            )) and not self._modifying_concept(doc, n, acronyms):
                add(n.start, n.end, 1, f"verb-appos:{verb.lower_}", sent)
            elif prev == "of" and not seen_first and _appositive(doc, n.end, sent.end) and any(
                    t.lower_ in OWN_WORK_NOUNS for t in doc[verb.i + 1:k]):
                # "we present the adaptation and evaluation of UltraSeg, an ultra-lightweight
                # architecture": the name the authors made, described right after it (not "a
                # characterization of vLLM, a popular serving system").
                add(n.start, n.end, 1, f"verb-of:{verb.lower_}", sent)
                seen_first = True
            elif prev == "and" and seen_first and not _in_parentheses(doc, verb.i, k):
                # (not "STEP (SuperToken and Early-Pruning)": the words a name stands for)
                add(n.start, n.end, 1, f"verb-conj:{verb.lower_}", sent)
            elif (n.coined or self._defines_acronym(doc, n, acronyms) or (
                # "an inference engine Nunchaku": a proper name right after a generic head
                doc[k].pos_ == "PROPN" and doc[k - 1].lower_ in self.vocab.generic_heads
            )) and not seen_first and doc[k - 1].pos_ != "ADP" \
                    and not _in_adjunct(doc[k], verb) and (
                k - verb.i <= 10 or doc[k - 1].lower_ in self.vocab.generic_heads
            ):
                # "the linear-complexity multiplication L-Mul algorithm", "a scheduler Sarathi-Serve"
                add(n.start, n.end, 1, f"verb-inner:{verb.lower_}", sent)
                seen_first = True

    def _passive(self, doc: Doc, verb: Token, sent: Span, by_token, acronyms, add) -> None:
        """Passive "X is proposed": the name is the clause's subject, before the verb."""
        # The parse gives the subject phrase ("Hector intermediate representation (IR)
        # and its code generator are proposed"); a spelled-out field concept is skipped.
        subj = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        if subj is not None:
            for j in range(subj.left_edge.i, subj.right_edge.i + 1):
                n = by_token.get(j)
                if n is not None and n.start == j and not self._is_concept(doc, n, acronyms) and (
                    n.coined or doc[j].pos_ == "PROPN"
                ):
                    add(n.start, n.end, 1, f"passive:{verb.lower_}", sent)
                    return
        for j in range(verb.i - 2, max(sent.start, verb.i - 8) - 1, -1):
            n = by_token.get(j)
            if n is not None and n.coined:
                add(n.start, n.end, 1, f"passive:{verb.lower_}", sent)
                return

    def _lowercase_technique(self, doc: Doc, verb: Token, sent: Span, add) -> None:
        """"We propose movement pruning, a ...", "we propose the progressive shrinking
        algorithm": a lower-case phrase right after the proposal verb (no "a": "a new
        pruning method" describes, it does not name) that ends in a technique noun. A generic
        head ("algorithm") stays out of the name and in an alias; a phrase already used
        before this sentence is background, not the paper's."""
        j = verb.i + 1
        if _after_be(verb) or j >= sent.end or doc[j].lower_ in {"a", "an"}:
            return
        while j < sent.end and (doc[j].lower_ in LEAD_WORDS or _joins_lead_words(doc, j, sent.end)) and not doc[j].like_num:
            j += 1
        if j < sent.end and doc[j].like_num:  # "two sparse convolution algorithms" describes a class ...
            # ... whose members may follow a colon: "two novel techniques: sequence
            # parallelism and selective activation recomputation".
            for start, end in self._listed_after_colon(doc, j, sent):
                self._add_technique(doc, start, end, verb, sent, add)
            return
        if j < sent.end and doc[j].text in QUOTES:  # we introduce "deep compression"
            j += 1
        phrase = _lowercase_phrase(doc, j, sent.end)
        if phrase is not None:
            self._add_technique(doc, *phrase, verb, sent, add)

    def _listed_after_colon(self, doc: Doc, i: int, sent: Span) -> list[tuple[int, int]]:
        """The lower-case phrases listed after "N <modifiers> <generic head>:", e.g. "two
        simple techniques: A and B"; [] when token i does not open such a class phrase."""
        k = i + 1
        while k < sent.end and doc[k].text != ":" and doc[k].pos_ in {"ADJ", "ADV", "CCONJ", "NOUN"} and k - i <= 6:
            k += 1
        if k >= sent.end or doc[k].text != ":" or doc[k - 1].lower_ not in self.vocab.generic_heads:
            return []
        out, j = [], k + 1
        while j < sent.end:
            phrase = _lowercase_phrase(doc, j, sent.end)
            if phrase is None:
                break
            out.append(phrase)
            j = phrase[1]
            while j < sent.end and doc[j].lower_ in LIST_JOINERS:
                j += 1
        return out

    def _add_technique(self, doc: Doc, start: int, end: int, verb: Token, sent: Span, add) -> None:
        """The phrase doc[start:end] as a proposed technique when it ends in a technique
        noun (a generic head after it kept as an alias) and is not used before this sentence."""
        name_end = end
        while name_end > start and doc[name_end - 1].lower_ in self.vocab.generic_heads:
            name_end -= 1
        last = doc[name_end - 1] if name_end > start else None
        if last is None or not _ends_name(doc, end) or len([t for t in doc[start:name_end] if t.is_alpha]) < 2:
            return
        if not _is_technique(last):
            return
        text = doc[start:name_end].text.lower()
        if text in doc[:sent.start].text.lower():
            return
        add(start, name_end, 1, f"verb-lower:{verb.lower_}", sent, extra=[doc[start:end].text], part=True)

    def _the_proposed_phrase(self, doc: Doc, out: list[Proposal]) -> None:
        """No name at all, but "This leads us to propose a simple fast compound scaling
        strategy ... the proposed fast compound scaling results in ...": a phrase the
        authors propose and then refer back to as "the proposed X" is what they call it."""
        lowered = doc.text.lower()
        if "proposed" not in lowered:  # no token's lower_ is "proposed"
            return
        lowers = columns(doc).lower
        for i in range(1, len(doc)):
            if lowers[i] != "proposed" or lowers[i - 1] not in {"the", "our"}:
                continue
            tok = doc[i]
            words: list[Token] = []
            for t in doc[tok.i + 1 : tok.i + 5]:
                if not t.text.islower() or t.pos_ not in {"ADJ", "NOUN", "VERB", "PROPN"} or t.lower_ in self.vocab.generic_heads:
                    break
                words.append(t)
            for n in range(len(words), 1, -1):  # longest phrase the authors introduced earlier
                if words[n - 1].pos_ not in {"NOUN", "PROPN"} and not words[n - 1].lower_.endswith("ing"):
                    continue
                phrase = doc[words[0].i : words[n - 1].i + 1].text
                first = lowered.find(phrase.lower())
                intro = doc.char_span(first, first + len(phrase), alignment_mode="expand") if first >= 0 else None
                if intro is None or intro.start >= words[0].i:
                    continue
                sent = intro.sent
                if any(t.lower_ in VERB_FORMS and t.i < intro.start for t in sent) and any(
                    t.lower_ in FIRST_PERSON_WORDS for t in sent
                ):
                    out.append(Proposal(name=phrase, rank=2, token=intro.start, sent_start=sent.start,
                                        cue="the-proposed"))
                    return

    def _is_variant(self, name: str, other: str) -> bool:
        """"MobileNetV3-Large", "EfficientNet-B7" (a size) and "SLAB-Swin" (the method on a
        known backbone) are variants of the method; "MobileLLM-LS" is a new member."""
        if re.fullmatch(re.escape(name) + _SIZE_SUFFIX, other):
            return True
        m = re.fullmatch(re.escape(name) + r"[-\s](\S+)", other)
        return bool(m and m.group(1).lower() in self.vocab.object_models)

    def _family_members(self, doc: Doc, names: list[NameMention], out: list[Proposal]) -> None:
        """"We present MiniCPM-V. ... the latest MiniCPM-Llama3-V 2.5 outperforms ...": a
        coined name that shares a coined part with a proposed one and is the subject of its
        own sentence is a new member of the paper's family. Names built from a known one
        ("MobileNetV3-Large LR-ASPP") are compositions, not members."""
        strong = [c for c in out if c.rank <= 1]
        starts = [c.sent_start for c in strong if c.sent_start >= 0]
        if not strong or not starts:
            return
        parts = {p for c in strong for p in _coined_parts(c.name)}
        known = {k for c in out for k in (loose_key(c.name), *(loose_key(a) for a in c.aliases))}
        sent_start = columns(doc).sent_start
        for n in names:
            key = loose_key(n.text)
            if (not n.coined or key in known or sent_start[n.start] < min(starts)
                    or any(len(k) >= 4 and k in key for k in known) or not _coined_parts(n.text) & parts
                    or not any(t.dep_ in {"nsubj", "nsubjpass"} for t in doc[n.start:n.end])):
                continue
            if is_stop_word(n.text, self.vocab.not_a_name | self.vocab.datasets | self.vocab.object_models,
                            self.vocab.stop_exact):
                continue
            out.append(Proposal(name=n.text, rank=1, token=n.start, sent_start=sent_start[n.start], cue="family"))
            known.add(key)

    def _with_head(self, doc: Doc, n: NameMention) -> int:
        """End of the name with its lowercase head noun: "Lookahead decoding", "DFC
        attention", and "Ghost module" (a plain word needs its head, a coinage does not)."""
        nxt = doc[n.end] if n.end < len(doc) else None
        if nxt is None or nxt.pos_ != "NOUN" or not nxt.text.islower():
            return n.end
        if nxt.lower_ in self.vocab.generic_heads and (n.coined or n.end - n.start > 1):
            return n.end
        closes = n.end + 1 >= len(doc) or doc[n.end + 1].is_punct or doc[n.end + 1].lower_ in NAME_CLOSERS
        return n.end + 1 if closes or nxt.dep_ in {"dobj", "appos", "pobj", "conj", "oprd"} else n.end

    @staticmethod
    def _defined_before(doc: Doc, acronyms, start: int) -> frozenset[str]:
        """The acronyms defined before token `start`."""
        return frozenset(singular_acronym(doc[i:acronym_end(doc, i)].text) for i in acronyms if i < start)

    @staticmethod
    def _defines_acronym(doc: Doc, n: NameMention, acronyms) -> bool:
        """"Lite Reduced Atrous Spatial Pyramid Pooling (LR-ASPP)": a name spelled out with
        its coined acronym counts as a coinage."""
        i = n.end + 1
        return n.end < len(doc) and doc[n.end].text == "(" and i in acronyms and acronyms[i][0] <= n.start

    def _our_parenthesised(self, doc: Doc, our: Token, sent: Span, by_token, acronyms, add) -> None:
        """"Our supervised compression approach uses ... (Entropic Student)": a name set in
        parentheses in a sentence about "our <method noun>" names that method."""
        head = our.head
        if head.lower_ not in self.vocab.generic_heads or head.i - our.i > 4:
            return
        for j in range(our.i + 1, sent.end - 1):
            n = by_token.get(j)
            if (n is not None and n.start == j and doc[j - 1].text == "(" and n.end < len(doc)
                    and doc[n.end].text == ")" and j not in acronyms and (n.coined or n.end - n.start >= 2)):
                add(n.start, n.end, 1, "our-paren", sent)
                return

    def _from_title(self, doc: Doc, title: str, head: list[str], names: list[NameMention],
                    out: list[Proposal]) -> None:
        """Layout evidence from the title: "X: ..." names the method; so does a title that is
        a name alone ("Fast Sparse ConvNets") and a name the title introduces with "with /
        using / via" ("... with Cross-Layer Attention") when the abstract uses it too."""
        by_key: dict[str, NameMention] = {}
        for n in names:
            by_key.setdefault(loose_key(n.text), n)
        self._title_head(doc, title, head, by_key, out)
        self._title_words(doc, title, loose_key(head[0]) if len(head) == 2 else None, by_key, out)
        self._title_with(doc, title, by_key, out)

    def _title_named(self, cand: str, head: bool = False) -> bool:
        """Whether a stretch of the title reads as a name (capitalised or coined words, no
        stop word, dataset, software or object model; the name before the colon may be a
        well-known model: "TinyLlama: An Open-Source Small Language Model" introduces it)."""
        stop = self.vocab.not_a_name | self.vocab.datasets
        words = cand.split()
        return bool(words) and all(w[:1].isupper() or is_coined(w) or w[:1].isdigit() for w in words) and not (
            is_stop_word(cand, stop, self.vocab.stop_exact) or cand in self.vocab.software
            or (cand.lower() in self.vocab.object_models and not head)
        )

    def _title_head(self, doc: Doc, title: str, head: list[str], by_key: dict[str, NameMention],
                    out: list[Proposal]) -> None:
        """"X: ..." names the method X; a title that is a coined name alone names it too."""
        words = title.split()
        if len(head) == 2:
            cand = head[0].strip()
            words = cand.split()
            known = cand.lower() in self.vocab.object_models  # only when the abstract introduces it
            if known and not any(match_key(c.name) == match_key(cand) for c in out):
                return
            # One word before the colon is a name even when the abstract never writes it
            # ("Turbo: Opportunistic Enhancement for ..."); a phrase must be coined or met again.
            # "Beyond RAG: ...", "Towards Q8BERT: ...": a function word opens no name.
            if 1 <= len(words) <= 4 and words[0].lower() not in _TITLE_NOT_NAME and self._title_named(cand, head=True) and (
                cand.isalpha() or any(is_coined(w) for w in words) or re.search(rf"\b{re.escape(cand)}\b", doc.text)
            ):
                _title_candidate(doc, by_key, out, cand, "title", 0, 1)
            elif 2 <= len(words) <= 4 and self._title_named(cand) and (
                    words[-1].lower() in TECHNIQUE_NOUNS or words[-1].endswith("ing")):
                # "Movement Pruning: ...", where the abstract writes "movement pruning".
                self._title_technique(doc, cand, out)
        elif 2 <= len(words) <= 5 and self._title_named(title) and not any(w.lower() in _TITLE_NOT_NAME for w in words) and any(
            is_coined(w.strip("?!.")) for w in words
        ):  # "Fast Sparse ConvNets", not a descriptive "Dynamic Sparse Training"
            _title_candidate(doc, by_key, out, title.strip("?!. "), "title-whole", 2, 2)

    def _title_words(self, doc: Doc, title: str, head_key: str | None, by_key: dict[str, NameMention],
                     out: list[Proposal]) -> None:
        """A coined word of the title the abstract uses (or its variants) is the method."""
        # "Searching for MobileNetV3" where the abstract creates "MobileNetV3-Large" and
        # "MobileNetV3-Small": the title's coined name is the method, the variants its forms.
        words = title.split()
        for at, word in enumerate(w.strip(",.:;?!()\"'") for w in words):
            key = loose_key(word)
            if key != head_key and _after_head_for(words, at, self.vocab.generic_heads):
                # "... Architecture for DeepSeek-V3.2-Exp", "... Accelerator for Convolution-
                # Transformer Hybrid EfficientViT": what the design is for, not the method (a
                # verb before "for" leaves it the method: "Searching for MobileNetV3").
                continue
            # The name before the title's colon counts even when the abstract only uses its
            # variants ("SLAB: ..." and "our SLAB-Swin").
            if not (is_coined(word) and self._title_named(word) and (key in by_key or key == head_key)):
                continue
            variants = [c for c in out if c.rank <= 1 and self._is_variant(word, c.name)]
            n = by_key.get(key)
            if variants:
                first = min(variants, key=lambda v: v.token)
                out.append(Proposal(
                    name=n.text if n is not None else word, aliases=[v.name for v in variants],
                    rank=min(v.rank for v in variants), token=n.start if n is not None else first.token,
                    sent_start=columns(doc).sent_start[n.start] if n is not None else first.sent_start,
                    cue="title" if key == head_key else "title-family",
                ))
                for v in variants:
                    out.remove(v)
            elif n is None:
                continue
            elif any(loose_key(c.name) == key for c in out) or (
                n.start - columns(doc).sent_start[n.start] <= 1 and any(t.dep_ in {"nsubj", "nsubjpass"} for t in doc[n.start:n.end])
            ):
                # "Insights into DeepSeek-V3: ...", where the abstract opens with "DeepSeek-V3,
                # trained on ..., demonstrates": the title's coined name, the subject of the
                # abstract's sentences, is what the paper is about from its first mention on.
                out.append(Proposal(name=n.text, rank=1, token=n.start, sent_start=columns(doc).sent_start[n.start],
                                    cue="title-word"))

    def _title_with(self, doc: Doc, title: str, by_key: dict[str, NameMention], out: list[Proposal]) -> None:
        """"... with Cross-Layer Attention", "... Using Dual Complementary CNNs": the
        capitalised run after the preposition, when the abstract names it (or its tail)."""
        for m in _TITLE_WITH.finditer(title):
            run = m.group(1).split()
            for k in range(max(1, len(run) - 1)):  # the whole run first, then its tails
                cand = " ".join(run[k:])
                n = by_key.get(loose_key(cand))
                if n is not None and self._title_named(cand) and (len(run) - k >= 2 or is_coined(cand)):
                    full = " ".join(run)
                    out.append(Proposal(name=full if k else n.text, aliases=[n.text] if k else [], rank=1,
                                        token=n.start, sent_start=columns(doc).sent_start[n.start], cue="title-with"))
                    break

    @staticmethod
    def _title_technique(doc: Doc, cand: str, out: list[Proposal]) -> None:
        """A technique named before the title's colon, proposed when the abstract uses it
        (in any case): its first mention there is where the paper introduces it."""
        found = re.search(rf"\b{re.escape(cand)}\b", doc.text, flags=re.IGNORECASE)
        span = doc.char_span(found.start(), found.end(), alignment_mode="expand") if found else None
        if span is None:
            return
        out.append(Proposal(name=span.text, aliases=[cand] if span.text != cand else [], rank=1,
                            token=span.start, sent_start=span.sent.start, cue="title-technique"))

    def _is_concept(self, doc: Doc, name: NameMention, acronyms) -> bool:
        """An acronym spelled out in lower case ("federated learning (FL)") names a field
        concept, not a method."""
        for i, (s, e) in acronyms.items():
            if name.start == i or (s <= name.start < e):
                return doc[s:e].text.islower()
        return False

    def _modifying_concept(self, doc: Doc, name: NameMention, acronyms) -> bool:
        """A spelled-out concept's acronym inside a longer phrase: "monolithic 3D back-end-of-line
        (BEOL) compatible memories" (not "a ... point learning machine (DEPLM), that ...")."""
        nxt = doc[name.end + 1] if name.end + 1 < len(doc) and doc[name.end].text == ")" else None
        return nxt is not None and nxt.pos_ in {"ADJ", "NOUN", "PROPN"} and self._is_concept(doc, name, acronyms)

    def _may_be_own(self, doc: Doc, name: NameMention, acronyms) -> bool:
        """Not a spelled-out field concept, a dataset, a well-known model or a library."""
        return not (self._is_concept(doc, name, acronyms) or _never_own(name.text, self.vocab))

    def _by_frequency(self, doc: Doc, names: list[NameMention], out: list[Proposal], acronyms) -> None:
        """No proposal cue: a coined name that is the subject of the first sentence or of
        several sentences is what the abstract is about ("Eyeriss is an accelerator ...")."""
        counts: dict[str, list[NameMention]] = {}
        for n in names:
            # (not "PP" of "TP/PP": a piece of a slashed pair of terms)
            if n.coined and not (n.start > 0 and doc[n.start - 1].text == "/") and not (
                    n.end < len(doc) and doc[n.end].text == "/"):
                counts.setdefault(match_key(n.text), []).append(n)
        best: tuple[int, int, NameMention] | None = None
        first_sent = next(iter(doc.sents), None)
        for key, ms in counts.items():
            if not self._may_be_own(doc, ms[0], acronyms):  # "TinyLlama is well-suited ...": a known model
                continue
            subj = [m for m in ms if any(t.dep_ in {"nsubj", "nsubjpass"} for t in doc[m.start:m.end])]
            in_first = bool(first_sent is not None and subj and subj[0].start < first_sent.end)
            # With no other cue at all, a coined name used twice and once as a subject
            # ("We realize this idea in TetriInfer ... TetriInfer improves ...").
            alone = not out and len(ms) >= 2 and bool(subj)
            if (in_first and len(ms) >= 2) or (len(subj) >= 2 and len(ms) >= 3) or alone:
                score = (len(ms) + (3 if in_first else 0), -ms[0].start, ms[0])
                if best is None or score[:2] > best[:2]:
                    best = score
        if best is not None:
            m = best[2]
            out.append(Proposal(name=m.text, rank=2, token=m.start, sent_start=columns(doc).sent_start[m.start], cue="subject"))

    def _merge(self, candidates: list[Proposal], names: list[NameMention]) -> list[Proposal]:
        """One Proposal per method key, best rank first, then first mention."""
        merged: dict[str, Proposal] = {}
        order: list[str] = []
        # The main method (first) is the one the title names, else a whole model before its
        # parts: "our model" in an abstract proposing "a HyperZ·Z·W operator" and then "a
        # Terminator architecture" is the architecture.
        for c in sorted(candidates, key=lambda c: (c.cue != "title", c.rank, c.part,
                                                    c.sent_start if c.sent_start >= 0 else 10**9,
                                                    c.token if c.token >= 0 else 10**9)):
            key = match_key(c.name)
            same = next((k for k in order if key in merged[k].keys or merged[k].keys & c.keys
                         or (c.token >= 0 and merged[k].token == c.token)), None)
            if same is None:
                merged[key] = Proposal(name=c.name, aliases=list(dict.fromkeys(c.aliases)), rank=c.rank,
                                       token=c.token, sent_start=c.sent_start, cue=c.cue, part=c.part)
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
        # A name demoted for being background (rank 3+) is an existing concept, not the
        # paper's: "Concept Bottleneck Models (CBMs) are ... We propose a method to train CBMs".
        result = [p for p in result if p.rank <= max(min(best, 2), 1)]
        seen = {n.text for n in names}
        for p in result:
            _singularise(p, seen)
        # "MobileNetV3-Large LR-ASPP": a name made of one proposed method's form followed by
        # another's is the last one (the head), applied to the first.
        forms = {k: p for p in result for k in p.keys}
        for n in names:
            head, _, tail = n.text.rpartition(" ")
            p = forms.get(match_key(tail)) if head else None
            if p is not None and match_key(head) in forms and forms[match_key(head)] is not p and n.text not in p.aliases:
                p.aliases.append(n.text)
        return result


def _never_own(text: str, vocab: Vocab, title_head: str = "") -> bool:
    """A stop word, a dataset, or a well-known model or library however written ("we also
    implement ResNet-50", "TinyLlama is well-suited ..."): never the paper's own method,
    unless the title names it before its colon ("MobileNetV2: Inverted Residuals ...": the
    paper that introduces the model)."""
    stop, known = _never_own_sets(vocab)
    if is_stop_word(text, stop, vocab.stop_exact):
        return not (title_head and match_key(text) == title_head and text.lower() in vocab.object_models)
    # A well-known model or a library however written ("GPT2" is GPT-2, "Tensorflow" TensorFlow).
    return match_key(text) in known and not (title_head and match_key(text) == title_head)


_NEVER_OWN: dict[int, tuple[Vocab, frozenset[str], frozenset[str]]] = {}


def _never_own_sets(vocab: Vocab) -> tuple[frozenset[str], frozenset[str]]:
    """The stop words (not_a_name, datasets, object models) and the match keys of the known
    models and libraries, made once a Vocab (it is immutable)."""
    cached = _NEVER_OWN.get(id(vocab))
    if cached is None or cached[0] is not vocab:
        stop = vocab.not_a_name | vocab.datasets | vocab.object_models
        keys = frozenset(match_key(w) for w in (*vocab.object_models, *vocab.software))
        cached = _NEVER_OWN[id(vocab)] = (vocab, stop, keys)
    return cached[1], cached[2]


def _modifies_a_later_name(doc: Doc, n: NameMention, by_token: dict[int, NameMention]) -> bool:
    """Name `n` is a compound modifier in a phrase headed by another name after it: "a
    RISC-V ISA core MPIC", where the parse hangs "RISC-V ISA" off "core" and that off "MPIC"."""
    for tok in doc[n.start:n.end]:
        if n.start <= tok.head.i < n.end:
            continue
        while tok.dep_ == "compound" and tok.head.i != tok.i:
            tok = tok.head
            later = by_token.get(tok.i)
            if later is not None and later.start >= n.end:
                return True
        return False
    return False


def _in_object(tok: Token, verb: Token) -> bool:
    """Token `tok` is in the verb's own object phrase: its path up to the verb passes no
    clause of its own and no preposition but the verb's ("consists of")."""
    while tok.i != verb.i:
        head = tok.head
        if head.i == tok.i or tok.dep_ in {"relcl", "acl", "advcl", "ccomp", "xcomp"} or (
                tok.dep_ == "prep" and head.i != verb.i):
            return False
        tok = head
    return True


def _after_head_for(words: list[str], at: int, generic_heads: frozenset[str]) -> bool:
    """Title word `at` ends the phrase after "<generic head> for / on": only capitalised
    words between."""
    k = at - 1
    while k >= 1 and words[k].lower() not in TITLE_TARGET_WORDS and words[k][:1].isupper():
        k -= 1
    return k >= 1 and words[k].lower() in TITLE_TARGET_WORDS and words[k - 1].lower().strip(",:") in generic_heads


def _title_candidate(doc: Doc, by_key: dict[str, NameMention], out: list[Proposal], cand: str, cue: str,
                     rank_found: int, rank_absent: int) -> None:
    """A proposal the title makes: ranked higher when the abstract names it too. Its work
    begins where the abstract first names it, or earlier where the authors first speak of
    their own work ("In this work, we ... we achieve 30% ... our BK-SDMs ...")."""
    where = by_key.get(loose_key(cand))
    sent_start = -1
    if where is not None:
        sent_start = columns(doc).sent_start[where.start]
        authors = _authors_begin(doc)
        if authors is not None:
            sent_start = min(sent_start, authors)
    out.append(Proposal(
        name=where.text if where is not None and cue != "title" else cand,
        rank=rank_found if where else rank_absent, token=where.start if where else -1,
        sent_start=sent_start, cue=cue,
    ))


def _authors_begin(doc: Doc) -> int | None:
    """The start of the first sentence in which the authors present their own work ("In this
    work, we ...", "We propose ..."), or None; not "Recently, we have witnessed ..."."""
    cols = columns(doc)
    for sent in doc.sents:
        authors = False  # "we" / "our" / "this work" met in the sentence so far
        for i in range(sent.start, sent.end):
            low = cols.lower[i]
            if low in AUTHOR_NOUNS and i > sent.start and cols.lower[i - 1] in OWN_DETERMINERS:
                return sent.start
            authors = authors or low in FIRST_PERSON_WORDS
            if authors and _proposal_verb(doc, i, sent, cols.lower) is not None:
                return sent.start  # not the passive "methods have been proposed"
    return None


def _proposal_verb(doc: Doc, i: int, sent: Span, lowers: list[str]) -> Token | None:
    """The token that closes a proposal verb at token i when the authors speak: the verb
    itself ("we propose X"), or its particle ("we put forward X"), after which the object
    phrase starts; else None."""
    low = lowers[i]
    if low in VERB_FORMS:
        end = i
    elif low in PHRASAL_FIRST_WORDS and i + 1 < sent.end and f"{low} {lowers[i + 1]}" in PHRASAL_VERBS:
        end = i + 1
    else:
        return None
    tok = doc[i]
    if tok.dep_ == "pobj":  # "in terms of GOPS": a noun, not the verb "term"
        return None
    # "the frameworks that have been proposed", "methods have been introduced": the
    # perfect passive tells of earlier work.
    if tok.tag_ == "VBN" and any(c.dep_ == "auxpass" and c.lower_ == "been" for c in tok.children):
        return None
    return doc[end] if _has_author_cue(sent, tok) else None


def _joins_lead_words(doc: Doc, j: int, stop: int) -> bool:
    """An "and" between two lead words ("the design and implementation of X"), not one
    between two modifiers of a description ("efficient and accurate architectures")."""
    return doc[j].lower_ == "and" and j + 1 < stop and doc[j + 1].lower_ in LEAD_WORDS


def _is_passive_proposal(tok: Token, sent: Span) -> bool:
    """"... are proposed", "is introduced": the authors' proposal in the passive."""
    return tok.lower_ in VERB_FORMS and tok.tag_ == "VBN" and tok.i > sent.start and _after_be(tok)


def _after_be(verb: Token, forms: frozenset[str] = BE_FINITE_FORMS) -> bool:
    """A form of "be" (`forms`) before the verb, up to two sequence adverbs between: "is
    proposed", "is further proposed", "are also introduced"."""
    k = verb.i - 1
    while k > 0 and verb.i - k <= 2 and verb.doc[k].lower_ in SEQUENCE_ADVERBS:  # not "was recently proposed"
        k -= 1
    return k >= 0 and verb.doc[k].lower_ in forms


def _listed_after(doc: Doc, i: int, stop: int, by_token: dict[int, NameMention]) -> list[tuple[int, int]]:
    """Spans of the items that continue a list after token i: ", Y and Z" where each item is
    a name or a lowercase hyphenated coinage ("boosted-clipping")."""
    out: list[tuple[int, int]] = []
    while i + 1 < stop and doc[i].lower_ in LIST_JOINERS:
        j = i + 1 if doc[i].lower_ != "," or doc[i + 1].lower_ not in {"and", "or"} else i + 2
        n = by_token.get(j)
        if n is not None and n.start == j:
            out.append((n.start, n.end))
            i = n.end
            continue
        k = j
        while k + 1 < stop and not doc[k].whitespace_ and doc[k + 1].text not in {",", ".", ";", ")"}:
            k += 1
        word = doc[j:k + 1].text
        if "-" not in word or not re.fullmatch(r"[a-z]+(?:-[a-z]+)+", word):
            break
        out.append((j, k + 1))
        i = k + 1
    return out


def _lowercase_phrase(doc: Doc, i: int, stop: int) -> tuple[int, int] | None:
    """The lower-case noun phrase from token i ("iteration-level scheduling", "row
    stationary"): adjectives and nouns, hyphen-joined words; it never opens on a verb
    ("combining ... techniques")."""
    if i >= stop or not doc[i].is_lower or not (doc[i].pos_ in {"ADJ", "NOUN"} or _is_participle(doc[i])):
        return None
    k = i
    while k < stop:
        t = doc[k]
        if t.text == "-" and k > i and not doc[k - 1].whitespace_ and not t.whitespace_ and k + 1 < stop:
            k += 1
            continue
        if not (t.is_lower and t.is_alpha and t.pos_ in {"ADJ", "NOUN", "VERB", "PROPN"}) or t.lower_ in OBJECT_STOPS:
            break
        k += 1
    return (i, k) if k > i and doc[k - 1].text != "-" else None


def _called_new(doc: Doc, start: int, sent: Span, reach: int = 6) -> bool:
    """A new-marker ("novel", "new") among the few words that lead the phrase at `start`,
    back to the punctuation or preposition before it ("(2) a novel layer-by-layer ...
    algorithm (LKD)"; not "a novel architecture ... with Concept Bottleneck Models (CBMs)")."""
    for k in range(start, max(sent.start, start - reach) - 1, -1):
        if doc[k].lower_ in NEW_MARKERS:
            return True
        hyphenated = 0 < k < len(doc) - 1 and doc[k - 1].text == "-" and doc[k + 1].text == "-"
        if (doc[k].is_punct and doc[k].text != "-") or (doc[k].pos_ == "ADP" and not hyphenated):
            return False
    return False


def _is_participle(tok: Token) -> bool:
    """A past participle the tagger may read as a verb: "decoupled distillation",
    "structured pruning" (not "combining ... techniques")."""
    return tok.pos_ == "VERB" and tok.tag_ in {"VBN", "VBD"} and tok.lower_.endswith("ed")


def _only_acronyms(name: str, acronyms: frozenset[str]) -> bool:
    """Every word of the name is one of the acronyms."""
    return bool(acronyms) and all(singular_acronym(w) in acronyms for w in name.split())


def _is_technique(tok: Token) -> bool:
    """The last word of a lower-case technique name: a technique noun or a noun in -ing
    ("pruning", "parallelism", "shrinking"); a participle with an object of its own opens a
    clause instead ("our prototype using the Arduino board")."""
    if tok.lower_ in TECHNIQUE_NOUNS:
        return True
    return tok.lower_.endswith("ing") and (tok.pos_ == "NOUN" or (
        tok.pos_ == "VERB" and not any(c.dep_ in {"dobj", "obj"} for c in tok.children)))


def _ends_name(doc: Doc, k: int) -> bool:
    """Token k may follow a name: the sentence's end, punctuation or a function word, not
    a capitalised word or a number that would continue the phrase."""
    if k >= len(doc):
        return True
    t = doc[k]
    return t.is_punct or (t.is_lower and t.pos_ in {"ADP", "SCONJ", "CCONJ", "PRON", "PART", "AUX", "DET", "VERB"})


def _title_case_rest(rest: Span) -> bool:
    """The rest of an expansion after a name mention continues a title-case name: "for
    Tensor-parallelism" (not "running on the Jetson", "for mobile GPUs": a description)."""
    # List commas stay inside: "General, Practical, and Lightning Quantization (GPLQ)"; so
    # does a lower-case head noun at the end: "Low Rank Query and Key attention (LRQK)".
    words = [w for w in (w.strip(",") for w in rest.text.split()) if w]
    last_noun = bool(words) and words[-1] == rest[-1].text and rest[-1].pos_ == "NOUN"
    return bool(words) and any(w[:1].isupper() for w in words) and all(
        w[:1].isupper() or (w.islower() and (rest.doc.vocab[w].is_stop or (last_noun and k == len(words) - 1)))
        for k, w in enumerate(words))


def _in_parentheses(doc: Doc, start: int, i: int) -> bool:
    """Token i stands inside a parenthesis opened after token `start`."""
    depth = 0
    for t in doc[start:i]:
        depth += (t.text == "(") - (t.text == ")")
    return depth > 0


def _appositive(doc: Doc, end: int, sent_end: int) -> bool:
    """A name followed by an indefinite apposition: "HeadPrune, a head pruning method"."""
    return end + 1 < sent_end and doc[end].text == "," and doc[end + 1].lower_ in {"a", "an"}


def _first_seen(doc: Doc, names: list[NameMention]) -> dict[str, int]:
    """loose key of each name -> start token of the sentence it first appears in."""
    first: dict[str, int] = {}
    sent_start = columns(doc).sent_start
    for n in names:
        first.setdefault(loose_key(n.text), sent_start[n.start])
    return first


def _coined_parts(text: str) -> set[str]:
    """The coined pieces of a name ("MiniCPM-Llama3-V 2.5" -> {"MiniCPM", "Llama3"})."""
    return {p for p in re.split(r"[-\s]", text) if len(p) >= 4 and is_coined(p)}


def _singularise(p: Proposal, seen: set[str]) -> None:
    """"HaloNets" -> "HaloNet", "PCBMs" -> "PCBM": a coined name in the plural is labelled
    by its singular (an all-capitals acronym's plural always; any other name's only when
    the abstract uses both: "NeuPIMs" alone is a name that ends in s), so that the family
    and its members are one method; the plural stays an alias."""
    name = p.name
    if len(name) < 4 or not name.endswith("s") or name.endswith("ss") or " " in name:
        return
    singular = name[:-1]
    if not is_coined(singular):
        return
    if singular.isupper() or singular in seen:
        p.aliases = [name] + [a for a in p.aliases if a != singular]
        p.name = singular


def register_extensions() -> None:
    for name in ("names", "acronyms", "proposed", "title"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


@Language.factory(
    "effikg_methods", assigns=["doc._.names", "doc._.acronyms", "doc._.proposed", "doc._.metrics"],
    requires=["doc._.hardware", "doc._.figures", "doc._.metrics"],
    default_config={"vocab": {"@misc": "effikg.vocab.v1"}, "title_names": True},
)
def make_methods(nlp: Language, name: str, vocab: Vocab, title_names: bool) -> MethodFinder:
    register_extensions()
    return MethodFinder(nlp, name, vocab, title_names)
