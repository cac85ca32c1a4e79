"""Component `effikg_patterns`: the constructions of pipeline/nlp/patterns/*.jsonl, matched.

Each row is one construction held as data: a spaCy `DependencyMatcher` pattern (over the
parse) or a `Matcher` pattern (over tokens), a `label` naming the construction ("platform",
"compare", "keep", "share_of", ...), `roles` naming which matched token plays which part
("object": the candidate's hardware, metric or baseline; "figure": its number), and an
`example` sentence with what each role must match there (tests/nlp/test_patterns.py runs
every row on its example). A new phrasing is a new row, never a new `if`.

The component only records where each construction fired: `doc._.pattern_hits` maps a
token index to the set of "role:label" strings it plays. The features of a candidate
(pipeline/nlp/features.py) read them; the trained scorer decides what they are worth.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from pipeline.errors import EffikgError


@dataclass(frozen=True)
class Construction:
    id: str
    label: str
    matcher: str  # "dependency" | "token"
    pattern: tuple
    roles: tuple[tuple[str, str | int], ...]  # role -> node RIGHT_ID (dependency) or token index
    example: str
    expect: tuple[tuple[str, str], ...]  # role -> the text its token has in the example


@lru_cache(maxsize=1)
def load_constructions() -> tuple[Construction, ...]:
    """Every row of the shipped pattern files, in file then line order."""
    out: list[Construction] = []
    folder = resources.files("pipeline.nlp").joinpath("patterns")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".jsonl"):
            continue
        for number, line in enumerate(entry.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                out.append(Construction(
                    id=row["id"], label=row["label"], matcher=row["matcher"], pattern=tuple(row["pattern"]),
                    roles=tuple(sorted(row["roles"].items())), example=row["example"],
                    expect=tuple(sorted(row["expect"].items())),
                ))
            except (ValueError, KeyError, TypeError, AttributeError) as err:
                raise EffikgError(f"{entry.name}:{number}: not a construction row ({err})") from None
    return tuple(out)


def _role_tokens(c: Construction, token_ids: list[int]) -> list[tuple[str, int]]:
    """(role, token index) for one match: dependency matches list one token a node; token
    matches span start..end, and a role names a position in that span (negative from the end)."""
    if c.matcher == "dependency":
        node_index = {node["RIGHT_ID"]: i for i, node in enumerate(c.pattern)}
        return [(role, token_ids[node_index[node]]) for role, node in c.roles]
    return [(role, token_ids[int(position)]) for role, position in c.roles]


# Token attributes a dependency node may test, as spaCy's DependencyMatcher names them.
_ATTRS = {"LOWER": lambda t: t.lower_, "LEMMA": lambda t: t.lemma_, "TAG": lambda t: t.tag_, "POS": lambda t: t.pos_,
          "DEP": lambda t: t.dep_, "TEXT": lambda t: t.text, "ORTH": lambda t: t.text}


def _predicate(attrs: dict):
    """A token test for one node's RIGHT_ATTRS (values, {"IN": [...]}, {"REGEX": ...})."""
    tests = []
    for name, want in attrs.items():
        get = _ATTRS[name]
        if isinstance(want, dict) and "IN" in want:
            tests.append((get, frozenset(want["IN"]), None))
        elif isinstance(want, dict) and "REGEX" in want:
            tests.append((get, None, re.compile(want["REGEX"])))
        else:
            tests.append((get, frozenset([want]), None))
    return lambda t: all((rx.search(get(t)) if rx else get(t) in values) for get, values, rx in tests)


def _anchor(attrs: dict) -> list[tuple[str, str]] | None:
    """The (attribute, word) keys a first node can only match, when it tests LOWER or LEMMA."""
    for name in ("LOWER", "LEMMA"):
        want = attrs.get(name)
        if isinstance(want, str):
            return [(name, want)]
        if isinstance(want, dict) and "IN" in want:
            return [(name, w) for w in want["IN"]]
    return None


_RELATED = {">": lambda t: t.children, "<": lambda t: [t.head] if t.head.i != t.i else [],
            ">>": lambda t: (d for d in t.subtree if d.i != t.i)}


class DependencyPatterns:
    """The dependency constructions, matched by walking the parse: the operators they use
    (>, <, >>) and token tests (LOWER, LEMMA, TAG, POS, DEP, TEXT; IN, REGEX). Gives the same
    matches as spaCy's DependencyMatcher (tests/nlp/test_patterns.py compares them on the
    corpus) at a fraction of its per-pattern cost."""

    def __init__(self, constructions: tuple[Construction, ...]):
        self.compiled = []
        for c in constructions:
            nodes = [(n.get("LEFT_ID"), n.get("REL_OP"), n["RIGHT_ID"], _predicate(n.get("RIGHT_ATTRS", {})))
                     for n in c.pattern]
            unknown = {op for _, op, _, _ in nodes[1:]} - set(_RELATED)
            if unknown:
                raise EffikgError(f"construction {c.id}: operator(s) {sorted(unknown)} not supported")
            self.compiled.append((c, nodes))
        self.anchors = [_anchor(c.pattern[0].get("RIGHT_ATTRS", {})) for c, _ in self.compiled]

    def __call__(self, doc: Doc) -> list[tuple[Construction, list[int]]]:
        by_word: dict[tuple[str, str], list] = {}
        for tok in doc:  # the anchor of most rows is a word: look it up instead of testing every token
            by_word.setdefault(("LOWER", tok.lower_), []).append(tok)
            by_word.setdefault(("LEMMA", tok.lemma_), []).append(tok)
        out = []
        for (c, nodes), anchor in zip(self.compiled, self.anchors):
            first = nodes[0][3]
            tokens = doc if anchor is None else sorted(
                {t.i: t for key in anchor for t in by_word.get(key, ())}.values(), key=lambda t: t.i)
            for tok in tokens:
                if first(tok):
                    out.extend((c, ids) for ids in self._extend(nodes, 1, {nodes[0][2]: tok}))
        return out

    def _extend(self, nodes, k: int, bound: dict):
        if k == len(nodes):
            yield [bound[n[2]].i for n in nodes]
            return
        left, op, right, test = nodes[k]
        for cand in _RELATED[op](bound[left]):
            if test(cand):
                yield from self._extend(nodes, k + 1, {**bound, right: cand})


class PatternMatcher:
    """Runs every construction on a Doc: the dependency rows by DependencyPatterns, the
    token rows by one spaCy Matcher."""

    def __init__(self, nlp: Language, constructions: tuple[Construction, ...]):
        self.constructions = {c.id: c for c in constructions}
        self.tokens = Matcher(nlp.vocab)
        for c in constructions:
            if c.matcher == "token":
                self.tokens.add(c.id, [list(c.pattern)])
            elif c.matcher != "dependency":
                raise EffikgError(f"construction {c.id}: matcher must be 'dependency' or 'token', not {c.matcher!r}")
        self.dependency = DependencyPatterns(tuple(c for c in constructions if c.matcher == "dependency"))
        self.has_tokens = any(c.matcher == "token" for c in constructions)

    def matches(self, doc: Doc) -> list[tuple[Construction, list[tuple[str, int]]]]:
        """Every match as (construction, [(role, token index), ...]), in a stable order."""
        out = [(c, _role_tokens(c, ids)) for c, ids in self.dependency(doc)]
        for match_id, start, end in (self.tokens(doc) if self.has_tokens else ()):
            c = self.constructions[doc.vocab.strings[match_id]]
            out.append((c, _role_tokens(c, list(range(start, end)))))
        out.sort(key=lambda m: (m[0].id, m[1]))
        return out

    def __call__(self, doc: Doc) -> Doc:
        hits: dict[int, set[str]] = {}
        for c, roles in self.matches(doc):
            for role, i in roles:
                hits.setdefault(i, set()).add(f"{role}:{c.label}")
        doc._.pattern_hits = hits
        return doc


def labels() -> tuple[str, ...]:
    """Every construction label, sorted: the names of the pattern features."""
    return tuple(sorted({c.label for c in load_constructions()}))


@Language.factory("effikg_patterns", assigns=["doc._.pattern_hits"])
def make_patterns(nlp: Language, name: str) -> PatternMatcher:
    if not Doc.has_extension("pattern_hits"):
        Doc.set_extension("pattern_hits", default=None)
    return PatternMatcher(nlp, load_constructions())
