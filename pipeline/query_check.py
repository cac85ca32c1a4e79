"""Checks a SPARQL query passes before any engine parses it: size, nesting, no SERVICE.

pyoxigraph parses and evaluates by recursion on the thread's stack: about 2,200 nested
`{}`, 5,000 nested `()`, 1,000 nested function calls, 10,000 `!` or 10,000 `&&` in a
row, or 20,000 FILTERs, overflow it and kill the whole process (a segfault, not an
exception). So `effikg query` and `effikg serve` refuse such a query here, with a reason,
first. The limits sit far below those figures (measured with pyoxigraph 0.5.13) and far
above any query a person writes:

- MAX_QUERY_CHARS characters,
- MAX_TOKENS tokens (names, numbers, variables, operators, brackets; a string is one),
- MAX_NESTING levels of brackets of any kind, counted on the raw text (brackets inside
  strings count too, which errs on the safe side); a run of `!` or unary `-` nests too.

SERVICE (a federated query) is refused: answering it would make the engine fetch from any
server the query names. The query is read with SPARQL's token rules (strings, IRIs,
comments, and whether a `<` opens an IRI or compares) so that a string or a comment
holding the word is no SERVICE; pyoxigraph reads a keyword glued to another word
(`trueSERVICE`), so any bare word holding it is refused. `effikg serve` also runs queries
in processes that cannot open a network connection at all (pipeline.query_workers).
"""

from __future__ import annotations

import re

MAX_QUERY_CHARS = 64 * 1024
MAX_TOKENS = 5_000
MAX_NESTING = 64

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>(?:"{3}(?:[^"\\]|\\.|"(?!""))*"{3}|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*)?)
  | (?P<open>[({\[])
  | (?P<close>[)}\]])
  | (?P<word>[?$]\w+|[\w\-.:%\\]+)  # a variable's name is letters and digits only
  | (?P<op>&&|\|\||!=|<=|>=|\^\^|.)
    """,
    re.VERBOSE | re.DOTALL,
)
# An IRIREF (SPARQL 1.1): no space, quote, brace, bar, caret, backquote or angle bracket.
_IRI = re.compile(r"<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>")
_UNARY = frozenset({"!", "-", "+"})
_OPEN_EXPRESSION = frozenset({"FILTER", "BIND", "HAVING", "BY", "ASC", "DESC", "SELECT", "IN"})
_NUMBER_START = re.compile(r"[+-]?\.?\d")


def check_query(sparql: str) -> str | None:
    """Why the query is refused (one line), or None when it may go to the engine."""
    if len(sparql) > MAX_QUERY_CHARS:
        return f"the query is {len(sparql):,} characters long; the limit is {MAX_QUERY_CHARS:,}"
    if _raw_nesting(sparql) > MAX_NESTING:
        return f"the query nests brackets over {MAX_NESTING} deep; the limit is {MAX_NESTING}"
    return _check_tokens(sparql)


def _raw_nesting(sparql: str) -> int:
    depth = deepest = 0
    for ch in sparql:
        if ch in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")}]":
            depth = max(0, depth - 1)
    return deepest


Token = tuple[str, str]  # (kind, text): kind is a _TOKEN group name or "iri"
_NOTHING: Token = ("", "")


def _check_tokens(sparql: str) -> str | None:
    # "top" (outside any bracket), "pattern" ({ }, [ ], collections, paths) or "expression"
    contexts = ["top"]
    tokens, unary_run, before, previous = 0, 0, _NOTHING, _NOTHING
    position = 0
    while position < len(sparql):
        token: Token
        iri = _IRI.match(sparql, position) if sparql[position] == "<" else None
        if iri is not None and not _is_comparison(contexts[-1], previous):
            token, position = ("iri", iri.group()), iri.end()
        else:
            match = _TOKEN.match(sparql, position)
            assert match is not None  # the last alternative takes any one character
            token, position = (match.lastgroup or "op", match.group()), match.end()
        kind, text = token
        if kind in ("space", "comment"):
            continue
        tokens += 1
        if tokens > MAX_TOKENS:
            return f"the query has over {MAX_TOKENS:,} tokens; the limit is {MAX_TOKENS:,}"
        if kind == "word" and _holds_service(text):
            return "SERVICE (a federated query) is not allowed: effikg fetches nothing from other servers"
        if kind == "open":
            contexts.append(_opened(text, contexts[-1], previous, before))
        elif kind == "close" and len(contexts) > 1:
            contexts.pop()
        unary_run = unary_run + 1 if kind == "op" and text in _UNARY and not _ends_operand(previous) else 0
        if unary_run > MAX_NESTING:
            return f"the query chains over {MAX_NESTING} unary operators; the limit is {MAX_NESTING}"
        before, previous = previous, token
    return None


def _holds_service(word: str) -> bool:
    """A bare word holding SERVICE (pyoxigraph splits `trueSERVICE`, `SERVICESILENT`);
    a variable, or the local part of a prefixed name, is only a name."""
    if word[0] in "?$":
        return False
    return "SERVICE" in word.split(":", 1)[0].upper()


def _ends_operand(token: Token) -> bool:
    """Whether the token ends a term, so that a `<` after it compares (`?x < 3`)."""
    kind, text = token
    if kind in ("iri", "string") or (kind == "close" and text in ")]"):
        return True
    if kind != "word":
        return False
    return text[0] in "?$" or ":" in text or bool(_NUMBER_START.match(text)) or text.upper() in ("TRUE", "FALSE")


def _is_comparison(context: str, previous: Token) -> bool:
    """A `<` is a comparison only inside an expression, right after a term."""
    return context == "expression" and _ends_operand(previous)


def _opened(bracket: str, context: str, previous: Token, before: Token) -> str:
    """The context a bracket opens: braces and square brackets hold patterns; a parenthesis
    holds an expression outside patterns, after FILTER / BIND, or after a function name
    that follows FILTER; anywhere else in a pattern it is a collection or a path."""
    if bracket != "(":
        return "pattern"
    if context in ("top", "expression") or previous[1].upper() in _OPEN_EXPRESSION:
        return "expression"
    if before[1].upper() == "FILTER" and previous[0] in ("iri", "word"):
        return "expression"  # FILTER regex(...), FILTER ex:fn(...)
    return "pattern"
