"""Component `effikg_attribute_ruler`: the pinned model's attribute rules, applied without
spaCy's `Matcher`.

en_core_web_sm's `attribute_ruler` maps each fine-grained tag to its POS and morphology
and holds ~180 exceptions ("that" as a relative pronoun, "something" as a pronoun, lemmas
of contractions). Its `Matcher` run was about a quarter of the stock pipes' time on
effikg's abstracts (9 ms of 38 ms an abstract), for rules that test one or two tokens'
TAG, LOWER, DEP or IS_SPACE by equality. This component reads the same rules from the
stock component and applies them with dictionary lookups, in the stock order (a later
rule wins, every test on the values before any rule ran), so every token's attributes
are what the stock component sets; tests/nlp/test_attributes.py compares the two token
by token. A model whose rules test anything else keeps the stock component (`compile`).
"""

from __future__ import annotations

import re

from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

# The token attributes a rule may test, in the order of the Doc.to_array columns read.
_COLUMNS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
CACHE_LIMIT = 100_000  # token value tuples kept before the cache starts again

# A token's tests: (column, kind, what) with kind "in" / "not_in" (value ids) or "regex"
# (a compiled pattern searched in the value's string), as spaCy's Matcher reads them.
Spec = tuple[tuple[int, str, object], ...]


def _spec(token: dict) -> Spec | None:
    """A token pattern as column tests, or None when it uses what this cannot read
    (an operator, another attribute, another predicate)."""
    tests = []
    for name, want in token.items():
        if name not in _COLUMNS:
            return None
        column = _COLUMNS[name]
        if isinstance(want, dict):
            if len(want) != 1:
                return None
            ((kind, values),) = want.items()
            kind = {"IN": "in", "NOT_IN": "not_in", "REGEX": "regex"}.get(kind)
            if kind is None or (kind == "regex") != isinstance(values, str):
                return None
            if kind == "regex":
                if name == "IS_SPACE":
                    return None
                tests.append((column, kind, re.compile(values)))
                continue
        else:
            kind, values = "in", [want]
        if name == "IS_SPACE":
            if not all(isinstance(v, bool) for v in values):
                return None
            allowed = frozenset(int(v) for v in values)
        else:
            if not all(isinstance(v, str) for v in values):
                return None
            allowed = frozenset(get_string_id(v) for v in values)
        tests.append((column, kind, allowed))
    return tuple(tests)


def _passes(spec: Spec, values: tuple, strings) -> bool:
    for column, kind, what in spec:
        value = values[column]
        if kind == "in":
            if value not in what:
                return False
        elif kind == "not_in":
            if value in what:
                return False
        elif not what.search(strings[value]):
            return False
    return True


def _readable_patterns(ruler: AttributeRuler) -> list[tuple[int, Spec, tuple[Spec, ...]]] | None:
    """(rule id, first token's tests, the other tokens' tests) for every pattern of the
    stock component, in rule order; None when one of them tests what this cannot read."""
    patterns = []
    for rule, row in enumerate(ruler.patterns):
        for pattern in row["patterns"]:
            specs = [_spec(token) for token in pattern]
            if not specs or any(s is None for s in specs):
                return None
            patterns.append((rule, specs[0], tuple(specs[1:])))
    return patterns


class AttributeRules:
    """The rules of a stock AttributeRuler, applied by lookups (see the module doc)."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.attrs: list[dict] = []  # rule id -> its normalised attributes (the stock ones)
        self.indices: list[int] = []  # rule id -> the matched token it sets
        self.patterns: list[tuple[int, Spec, tuple[Spec, ...]]] = []  # (rule id, first token, the rest)
        self._first: dict[tuple, list[tuple[int, tuple[Spec, ...]]]] = {}

    def compile(self, ruler: AttributeRuler) -> bool:
        """Take the stock component's rules; False (nothing taken) when one of them tests
        what this component cannot read."""
        patterns = _readable_patterns(ruler)
        if patterns is None:
            return False
        self.load_rules(ruler, patterns)
        return True

    def load_rules(self, ruler: AttributeRuler, patterns: list[tuple[int, Spec, tuple[Spec, ...]]]) -> None:
        """Hold `ruler`'s attributes and indices with its patterns as _readable_patterns read them."""
        self.attrs, self.indices = list(ruler.attrs), list(ruler.indices)
        self.patterns = patterns
        self._first = {}

    def _starting(self, values: tuple, strings) -> list[tuple[int, tuple[Spec, ...]]]:
        """The patterns whose first token passes on a token with these values, in rule order."""
        found = self._first.get(values)
        if found is None:
            if len(self._first) >= CACHE_LIMIT:
                self._first.clear()
            found = self._first[values] = [(rule, rest) for rule, first, rest in self.patterns
                                           if _passes(first, values, strings)]
        return found

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if not n:
            return doc
        rows = list(map(tuple, doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()))
        strings = doc.vocab.strings
        matches = []
        for i, values in enumerate(rows):
            for rule, rest in self._starting(values, strings):
                end = i + 1 + len(rest)
                if end <= n and all(_passes(spec, rows[i + 1 + k], strings) for k, spec in enumerate(rest)):
                    matches.append((rule, i, end))
        # As the stock component: by rule, so that a later rule wins; each match sets the
        # token its rule's index names, from the values tested before any was set.
        matches.sort()
        for rule, start, end in matches:
            index = self.indices[rule]
            target = start + index if index >= 0 else end + index
            if not start <= target < end:
                raise ValueError(f"attribute rule {rule}: index {index} is outside its match")
            set_token_attrs(doc[target], self.attrs[rule])
        return doc


@Language.factory("effikg_attribute_ruler")
def make_attribute_rules(nlp: Language, name: str) -> AttributeRules:
    return AttributeRules(nlp, name)


def use_attribute_rules(nlp: Language, name: str = "attribute_ruler") -> bool:
    """Put AttributeRules in place of the stock component `name`, with its rules; False
    (the stock one kept) when the model has no such component or a rule it cannot read."""
    if name not in nlp.pipe_names or not isinstance(nlp.get_pipe(name), AttributeRuler):
        return False
    stock = nlp.get_pipe(name)
    patterns = _readable_patterns(stock)  # read once: before the stock component is replaced
    if patterns is None:
        return False
    nlp.replace_pipe(name, "effikg_attribute_ruler").load_rules(stock, patterns)
    return True


__all__ = ["AttributeRules", "use_attribute_rules"]
