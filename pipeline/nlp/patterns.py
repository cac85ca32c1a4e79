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
from spacy.attrs import DEP, HEAD, LEMMA, LOWER, ORTH, POS, TAG
from spacy.matcher import Matcher
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.parts_of_speech import NAMES as POS_NAMES
from spacy.strings import get_string_id
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


# Token attributes a dependency node may test, as spaCy's DependencyMatcher names them,
# with the attribute ids Doc.to_array reads them by (TEXT is ORTH).
_ATTRS = {"LOWER": LOWER, "LEMMA": LEMMA, "TAG": TAG, "POS": POS, "DEP": DEP, "TEXT": ORTH, "ORTH": ORTH}


def _value_id(name: str, value: str) -> int:
    """The id Doc.to_array gives a value: the universal POS tag's enum, else its string hash."""
    return POS_IDS.get(value, -1) if name == "POS" else get_string_id(value)


def _tests(attrs: dict) -> tuple:
    """One node's RIGHT_ATTRS (values, {"IN": [...]}, {"REGEX": ...}) as (attribute,
    allowed value ids or None, regex or None) tests on the Doc's attribute columns."""
    tests = []
    for name, want in attrs.items():
        if name not in _ATTRS:
            raise KeyError(f"attribute {name} not supported")
        name = "ORTH" if name == "TEXT" else name
        if isinstance(want, dict) and "IN" in want:
            tests.append((name, frozenset(_value_id(name, w) for w in want["IN"]), None))
        elif isinstance(want, dict) and "REGEX" in want:
            tests.append((name, None, re.compile(want["REGEX"])))
        else:
            tests.append((name, frozenset([_value_id(name, want)]), None))
    return tuple(tests)


class _Parse:
    """A Doc read once through Doc.to_array: each attribute a column of value ids, each
    token's head and children (a string is looked up only for a regex test)."""

    def __init__(self, doc: Doc, attributes: tuple[str, ...]):
        self.strings = doc.vocab.strings
        n = len(doc)
        array = doc.to_array([HEAD, *(_ATTRS[name] for name in attributes)]).reshape(n, len(attributes) + 1)
        self.columns = {name: array[:, k + 1].tolist() for k, name in enumerate(attributes)}
        self.heads = [i + off for i, off in enumerate(array[:, 0].astype("int64").tolist())]
        self.children: list[list[int]] = [[] for _ in range(n)]
        for i, h in enumerate(self.heads):
            if h != i:
                self.children[h].append(i)

    def passes(self, tests: tuple, i: int) -> bool:
        for name, values, rx in tests:
            value = self.columns[name][i]
            if rx is None:
                if value not in values:
                    return False
            elif not rx.search(POS_NAMES.get(value, "") if name == "POS" else self.strings[value]):
                return False
        return True

    def related(self, op: str, i: int) -> list[int]:
        if op == ">":
            return self.children[i]
        if op == "<":
            return [self.heads[i]] if self.heads[i] != i else []
        out, stack = [], list(self.children[i])  # ">>": every descendant
        while stack:
            j = stack.pop()
            out.append(j)
            stack.extend(self.children[j])
        return out


def _anchor(tests: tuple) -> tuple[str, tuple[int, ...]] | None:
    """(attribute, value ids) a first node can only match, from its most selective exact
    test (a word before a tag); None when it tests only by regex."""
    for name in ("LOWER", "LEMMA", "ORTH", "TAG", "POS", "DEP"):
        for attr, values, rx in tests:
            if attr == name and rx is None:
                return name, tuple(sorted(values))
    return None


_OPERATORS = (">", "<", ">>")


class DependencyPatterns:
    """The dependency constructions, matched by walking the parse: the operators they use
    (>, <, >>) and token tests (LOWER, LEMMA, TAG, POS, DEP, TEXT; IN, REGEX). Gives the same
    matches as spaCy's DependencyMatcher (tests/nlp/test_patterns.py compares them on the
    corpus) at a fraction of its per-pattern cost: the Doc's attributes are read once into
    columns, and each row starts only from the tokens its first node's value indexes."""

    def __init__(self, constructions: tuple[Construction, ...]):
        self.compiled = []
        for c in constructions:
            try:
                nodes = [(n.get("LEFT_ID"), n.get("REL_OP"), n["RIGHT_ID"], _tests(n.get("RIGHT_ATTRS", {})))
                         for n in c.pattern]
            except KeyError as err:
                raise EffikgError(f"construction {c.id}: {err}") from None
            unknown = {op for _, op, _, _ in nodes[1:]} - set(_OPERATORS)
            if unknown:
                raise EffikgError(f"construction {c.id}: operator(s) {sorted(unknown)} not supported")
            self.compiled.append((c, nodes, _anchor(nodes[0][3])))
        # Only the attributes some row tests are read.
        self.attributes = tuple(sorted({name for _, nodes, _ in self.compiled for *_, tests in nodes
                                        for name, _, _ in tests}))
        # attribute -> value id -> the rows whose first node that value anchors: one pass
        # over each anchor attribute's column finds every row's starting tokens.
        self.anchor_table: dict[str, dict[int, list[int]]] = {}
        for row, (_, _, anchor) in enumerate(self.compiled):
            if anchor is not None:
                for value in anchor[1]:
                    self.anchor_table.setdefault(anchor[0], {}).setdefault(value, []).append(row)

    def __call__(self, doc: Doc) -> list[tuple[Construction, list[int]]]:
        if not len(doc):
            return []
        parse = _Parse(doc, self.attributes)
        starts: list[list[int]] = [[] for _ in self.compiled]
        for name, table in self.anchor_table.items():
            for i, value in enumerate(parse.columns[name]):
                for row in table.get(value, ()):
                    starts[row].append(i)
        out = []
        for (c, nodes, anchor), row_starts in zip(self.compiled, starts):
            for i in (range(len(doc)) if anchor is None else row_starts):
                if parse.passes(nodes[0][3], i):
                    out.extend((c, ids) for ids in self._extend(parse, nodes, 1, {nodes[0][2]: i}))
        return out

    def _extend(self, parse: _Parse, nodes, k: int, bound: dict):
        if k == len(nodes):
            yield [bound[n[2]] for n in nodes]
            return
        left, op, right, tests = nodes[k]
        for j in parse.related(op, bound[left]):
            if parse.passes(tests, j):
                yield from self._extend(parse, nodes, k + 1, {**bound, right: j})


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


@lru_cache(maxsize=1)
def labels() -> tuple[str, ...]:
    """Every construction label, sorted: the names of the pattern features."""
    return tuple(sorted({c.label for c in load_constructions()}))


@Language.factory("effikg_patterns", assigns=["doc._.pattern_hits"])
def make_patterns(nlp: Language, name: str) -> PatternMatcher:
    if not Doc.has_extension("pattern_hits"):
        Doc.set_extension("pattern_hits", default=None)
    return PatternMatcher(nlp, load_constructions())
