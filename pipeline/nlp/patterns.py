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
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.language import Language
from spacy.matcher import DependencyMatcher, Matcher
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


class PatternMatcher:
    """Runs every construction on a Doc; one DependencyMatcher and one Matcher for all rows."""

    def __init__(self, nlp: Language, constructions: tuple[Construction, ...]):
        self.constructions = {c.id: c for c in constructions}
        self.dependency = DependencyMatcher(nlp.vocab)
        self.tokens = Matcher(nlp.vocab)
        for c in constructions:
            if c.matcher == "dependency":
                self.dependency.add(c.id, [list(c.pattern)])
            elif c.matcher == "token":
                self.tokens.add(c.id, [list(c.pattern)])
            else:
                raise EffikgError(f"construction {c.id}: matcher must be 'dependency' or 'token', not {c.matcher!r}")

    def matches(self, doc: Doc) -> list[tuple[Construction, list[tuple[str, int]]]]:
        """Every match as (construction, [(role, token index), ...]), in a stable order."""
        out = []
        for match_id, token_ids in self.dependency(doc):
            c = self.constructions[doc.vocab.strings[match_id]]
            out.append((c, _role_tokens(c, token_ids)))
        for match_id, start, end in self.tokens(doc):
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
