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
from spacy.attrs import DEP, IS_ALPHA, LEMMA, LOWER, ORTH, POS, TAG
from spacy.matcher import Matcher
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.parts_of_speech import NAMES as POS_NAMES
from spacy.strings import get_string_id
from spacy.tokens import Doc

from pipeline.errors import EffikgError
from pipeline.nlp.columns import columns


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
        self.columns: dict[str, list[int]] = {}
        if attributes:  # one to_array for all the tested attributes, not one each
            values = doc.to_array([_ATTRS[name] for name in attributes]).reshape(len(doc), len(attributes))
            self.columns = dict(zip(attributes, values.T.tolist()))
        tree = columns(doc)
        self.heads, self.children = tree.heads, tree.children

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
# Values (or token value tuples) a mask cache keeps before it starts again.
CACHE_LIMIT = 200_000


class DependencyPatterns:
    """The dependency constructions, matched by walking the parse: the operators they use
    (>, <, >>) and token tests (LOWER, LEMMA, TAG, POS, DEP, TEXT; IN, REGEX). Gives the same
    matches as spaCy's DependencyMatcher (tests/nlp/test_patterns.py compares them on the
    corpus) at a fraction of its per-pattern cost: the Doc's attributes are read once into
    columns, and every node of every row is one bit of a mask. Which nodes an attribute's
    value lets pass is worked out once a value (and kept), so a token's mask, the nodes it
    may be, is one AND a tested attribute; a row starts only from the tokens whose mask
    holds its first node."""

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
        # Bit b of a mask: node tests[b]; a row's nodes as (position of the node its
        # operator starts from, operator, bit) after its first node's bit.
        self.node_tests: list[tuple] = []
        self.rows: list[tuple[Construction, int, tuple[tuple[int, str, int], ...]]] = []
        for c, nodes, _ in self.compiled:
            position = {node[2]: k for k, node in enumerate(nodes)}
            bits = []
            for _, _, _, tests in nodes:
                bits.append(1 << len(self.node_tests))
                self.node_tests.append(tests)
            steps = tuple((position[left], op, bit) for (left, op, _, _), bit in zip(nodes[1:], bits[1:]))
            self.rows.append((c, bits[0], steps))
        self.first_row = {first: row for row, (_, first, _) in enumerate(self.rows)}
        self.first_bits = sum(self.first_row)
        self.masks: dict[str, dict[int, int]] = {name: {} for name in self.attributes}
        self.token_masks: dict[tuple[int, ...], int] = {}  # a token's values -> its mask

    def _value_mask(self, name: str, value: int, strings) -> int:
        """The nodes whose tests of attribute `name` all pass on `value` (a node that does
        not test it passes)."""
        text = None
        mask = 0
        for b, tests in enumerate(self.node_tests):
            for attr, values, rx in tests:
                if attr != name:
                    continue
                if rx is None:
                    if value not in values:
                        break
                else:
                    if text is None:
                        text = POS_NAMES.get(value, "") if name == "POS" else strings[value]
                    if not rx.search(text):
                        break
            else:
                mask |= 1 << b
        cache = self.masks[name]
        if len(cache) >= CACHE_LIMIT:
            cache.clear()
        cache[value] = mask
        return mask

    def _token_masks(self, parse: _Parse, n: int) -> list[int]:
        """Each token's mask: the AND of its tested attributes' value masks (kept by the
        token's values together, which repeat across tokens and Docs)."""
        full = (1 << len(self.node_tests)) - 1
        caches = [self.masks[name] for name in self.attributes]
        tokens = self.token_masks
        if len(tokens) >= CACHE_LIMIT:
            tokens.clear()
        out = []
        for values in zip(*(parse.columns[name] for name in self.attributes)):
            mask = tokens.get(values)
            if mask is None:
                mask = full
                for name, cache, value in zip(self.attributes, caches, values):
                    value_mask = cache.get(value)
                    if value_mask is None:
                        value_mask = self._value_mask(name, value, parse.strings)
                    mask &= value_mask
                tokens[values] = mask
            out.append(mask)
        return out

    def __call__(self, doc: Doc) -> list[tuple[Construction, list[int]]]:
        if not len(doc):
            return []
        parse = _Parse(doc, self.attributes)
        masks = self._token_masks(parse, len(doc))
        starts: list[list[int]] = [[] for _ in self.rows]
        first_row = self.first_row
        for i, mask in enumerate(masks):
            mask &= self.first_bits
            while mask:
                low = mask & -mask
                starts[first_row[low]].append(i)
                mask ^= low
        out = []
        related, children = parse.related, parse.children
        for (c, _, steps), row_starts in zip(self.rows, starts):
            if len(steps) == 1:  # two nodes: no recursion
                ((_, op, bit),) = steps
                for i in row_starts:
                    for j in children[i] if op == ">" else related(op, i):  # most rows: a child
                        if masks[j] & bit:
                            out.append((c, [i, j]))
            else:
                for i in row_starts:
                    out.extend((c, ids) for ids in self._extend(parse, masks, steps, [i]))
        return out

    def _extend(self, parse: _Parse, masks: list[int], steps, bound: list[int]):
        k = len(bound) - 1
        if k == len(steps):
            yield bound
            return
        left, op, bit = steps[k]
        for j in parse.related(op, bound[left]):
            if masks[j] & bit:
                yield from self._extend(parse, masks, steps, [*bound, j])


# Token attributes a token row may test that TokenWindows can read (values, IN, REGEX;
# IS_ALPHA as a flag). A row testing anything else is matched on the whole Doc.
_TOKEN_ATTRS = {"LOWER": LOWER, "LEMMA": LEMMA, "ORTH": ORTH, "TEXT": ORTH, "IS_ALPHA": IS_ALPHA}


def _token_test(spec: dict):
    """A token row's spec as a test on (orth, lower, lemma, is_alpha) strings, or None when
    it tests something TokenWindows does not read."""
    tests = []
    for name, want in spec.items():
        if name == "OP":
            continue
        if name not in _TOKEN_ATTRS:
            return None
        if name == "IS_ALPHA":
            if not isinstance(want, bool):
                return None
            tests.append(("IS_ALPHA", frozenset([want]), None))
        elif isinstance(want, str):
            tests.append(("ORTH" if name == "TEXT" else name, frozenset([want]), None))
        elif isinstance(want, dict) and set(want) == {"IN"}:
            tests.append(("ORTH" if name == "TEXT" else name, frozenset(want["IN"]), None))
        elif isinstance(want, dict) and set(want) == {"REGEX"}:
            tests.append(("ORTH" if name == "TEXT" else name, None, re.compile(want["REGEX"])))
        else:
            return None
    return tuple(tests)


class TokenWindows:
    """Where in a Doc the token rows can match, so that spaCy's Matcher runs only there.

    Each row has an anchor, a spec it must match once (no OP; a regex one first); every
    token of a match before the anchor's token passes one of the specs before the anchor,
    every token after it one of the specs after. A match therefore lies inside the window
    from an anchor token out over the tokens passing those specs, and the Matcher run on
    the windows (merged where they touch) finds what it finds on the whole Doc."""

    def __init__(self, constructions: tuple[Construction, ...]):
        self.specs: list[tuple] = []  # bit b: specs[b]
        self.rows: list[tuple[int, int, int]] = []  # (anchor bit, bits before, bits after)
        self.whole = False
        for c in constructions:
            tests = [_token_test(spec) for spec in c.pattern]
            required = [k for k, spec in enumerate(c.pattern) if "OP" not in spec]
            if any(t is None for t in tests) or not required:
                self.whole = True
                continue
            anchor = next((k for k in required if any(rx is not None for _, _, rx in tests[k])), required[0])
            bits = []
            for t in tests:
                bits.append(1 << len(self.specs))
                self.specs.append(t)
            self.rows.append((bits[anchor], sum(bits[:anchor]), sum(bits[anchor + 1:])))
        self.anchors = sum(anchor for anchor, _, _ in self.rows)
        self.cache: dict[tuple[int, int, int, int], int] = {}

    def _mask(self, key: tuple[int, int, int, int], strings) -> int:
        orth, lower, lemma, alpha = key
        values = {"ORTH": strings[orth], "LOWER": strings[lower], "LEMMA": strings[lemma], "IS_ALPHA": bool(alpha)}
        mask = 0
        for b, tests in enumerate(self.specs):
            if all(values[name] in allowed if rx is None else rx.search(values[name]) for name, allowed, rx in tests):
                mask |= 1 << b
        if len(self.cache) >= CACHE_LIMIT:
            self.cache.clear()
        self.cache[key] = mask
        return mask

    def __call__(self, doc: Doc) -> list[tuple[int, int]]:
        """The (start, end) token windows, sorted and apart."""
        n = len(doc)
        if self.whole:
            return [(0, n)] if n else []
        strings = doc.vocab.strings
        cache = self.cache
        masks = []
        for key in map(tuple, doc.to_array([ORTH, LOWER, LEMMA, IS_ALPHA]).reshape(n, 4).tolist()):
            mask = cache.get(key)
            masks.append(self._mask(key, strings) if mask is None else mask)
        windows = []
        anchors = self.anchors
        for p, token_mask in enumerate(masks):
            if not token_mask & anchors:
                continue
            for anchor, before, after in self.rows:
                if token_mask & anchor:
                    a = p
                    while a > 0 and masks[a - 1] & before:
                        a -= 1
                    b = p + 1
                    while b < n and masks[b] & after:
                        b += 1
                    windows.append((a, b))
        merged: list[tuple[int, int]] = []
        for a, b in sorted(windows):
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        return merged


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
        self.windows = TokenWindows(tuple(c for c in constructions if c.matcher == "token"))

    def token_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """What the token Matcher finds on the Doc, found by running it on the windows
        the token rows can match in (TokenWindows)."""
        out = []
        for a, b in self.windows(doc):
            out.extend((match_id, a + start, a + end) for match_id, start, end in self.tokens(doc[a:b]))
        return out

    def matches(self, doc: Doc) -> list[tuple[Construction, list[tuple[str, int]]]]:
        """Every match as (construction, [(role, token index), ...]), in a stable order."""
        out = [(c, _role_tokens(c, ids)) for c, ids in self.dependency(doc)]
        for match_id, start, end in (self.token_matches(doc) if self.has_tokens else ()):
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
