"""A Doc's token attributes as plain lists, read once a Doc.

`doc[i]` makes a new Token object at every call; the candidate features and the rule
reader's checks read a few attributes of dozens of tokens for each of a sentence's
candidates, so they read these lists instead (one `Doc.to_array`, then list indexing).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from spacy.attrs import DEP, HEAD, LEMMA, LOWER, ORTH, POS, SENT_START
from spacy.parts_of_speech import NAMES as POS_NAMES
from spacy.tokens import Doc


@dataclass(frozen=True)
class Columns:
    """Token i's attributes at index i: what `doc[i].text`, `.lower_`, `.lemma_.lower()`,
    `.dep_`, `.pos_`, `.head.i`, `[c.i for c in .children]` and `.sent.start` give."""

    text: list[str]
    lower: list[str]
    lemma: list[str]  # lower-cased
    dep: list[str]
    pos: list[str]
    heads: list[int]
    children: list[list[int] | tuple[()]]  # () for a leaf (read-only)
    sent_start: list[int]  # a Token's .sent builds its sentence (~10 µs); this is a list read

    def depth(self, i: int) -> int:
        """How many ancestors token i has (`len(list(doc[i].ancestors))`)."""
        return len(self.up(i)) - 1

    def up(self, i: int) -> list[int]:
        """Token i and its ancestors, nearest first."""
        out = [i]
        while self.heads[i] != i and len(out) <= len(self.heads):
            i = self.heads[i]
            out.append(i)
        return out


# Value hash -> its string, and its lower-cased string: the StringStore decodes a new str
# at every lookup, and a Doc's few hundred tokens repeat a few thousand values across Docs.
_STRING: dict[int, str] = {}
_LOWER: dict[int, str] = {}
CACHE_LIMIT = 200_000  # values kept before the caches start again


def _strings(doc: Doc, ids: list[int], cache: dict[int, str], lower: bool) -> list[str]:
    missing = set(ids).difference(cache)
    if missing:
        if len(cache) + len(missing) > CACHE_LIMIT:
            cache.clear()
            missing = set(ids)
        strings = doc.vocab.strings
        cache.update((h, strings[h].lower() if lower else strings[h]) for h in missing)
    return list(map(cache.__getitem__, ids))


# Part-of-speech id -> its name (POS_NAMES.get(id, "")), as a list.
_POS = [POS_NAMES.get(p, "") for p in range(max(POS_NAMES) + 1)]


# A Doc's attributes do not change once the parser and lemmatizer have run; the last few
# Docs are kept (a candidate's features and the rule reader read the same Doc).
@lru_cache(maxsize=8)
def columns(doc: Doc) -> Columns:
    n = len(doc)
    # One to_array call (uint64: the signed head offsets and sentence flags cast back).
    array = doc.to_array([ORTH, LOWER, LEMMA, DEP, POS, HEAD, SENT_START]).reshape(n, 7).T
    text, lower, lemma, dep, pos = array[:5].tolist()
    index = np.arange(n, dtype="int64")
    heads = (index + array[5].astype("int64")).tolist()
    # As Span.sent: back to the nearest token flagged 1, else token 0.
    flags = array[6].astype("int64")
    sent_start = np.maximum.accumulate(np.where(flags == 1, index, 0)).tolist() if n else []
    # A leaf's children are one shared empty tuple: most tokens are leaves, and a few
    # hundred new lists a Doc cost more than the rest of the columns.
    children: list = [()] * n
    for i, h in enumerate(heads):
        if h != i:
            if children[h]:
                children[h].append(i)
            else:
                children[h] = [i]
    top = len(_POS)
    return Columns(text=_strings(doc, text, _STRING, False), lower=_strings(doc, lower, _STRING, False),
                   lemma=_strings(doc, lemma, _LOWER, True), dep=_strings(doc, dep, _STRING, False),
                   pos=[_POS[p] if p < top else POS_NAMES.get(p, "") for p in pos], heads=heads,
                   children=children, sent_start=sent_start)
