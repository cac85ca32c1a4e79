"""The word classes of pipeline/vocab/words.jsonl: the one place the spaCy components'
closed word lists (beat verbs, change words, keeping-quality words, generic heads, ...)
live, and no component keeps a word list of its own as a set literal."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from spacy.glossary import GLOSSARY

from pipeline.vocab import word_class, word_classes

ROOT = Path(__file__).resolve().parents[2]
PIPELINE = ROOT / "pipeline"
WORDS = PIPELINE / "vocab" / "words.jsonl"
# The modules whose word lists belong in words.jsonl.
SCANNED = sorted((PIPELINE / "nlp").glob("*.py")) + [PIPELINE / "normalize.py", PIPELINE / "resolve.py"]

# Set literals of 3+ quoted words a module may keep, as (file name, sorted members) ->
# the reason. Empty today; an entry needs a reason a reviewer accepts.
EXEMPT: dict[tuple[str, tuple[str, ...]], str] = {}


def _rows() -> list[dict]:
    return [json.loads(line) for line in WORDS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_rows_are_well_formed_and_sorted_by_class():
    rows = _rows()
    names = [r["class"] for r in rows]
    assert names == sorted(names), "rows must be sorted by class name"
    assert len(names) == len(set(names)), "a class is defined twice"
    for r in rows:
        assert set(r) <= {"class", "doc", "cased", "words"}, r["class"]
        assert re.fullmatch(r"[a-z][a-z0-9_]*", r["class"]), r["class"]
        assert r["doc"].strip(), f"{r['class']}: no doc"
        assert len(r["words"]) >= 3, f"{r['class']}: a class of fewer than three words belongs in the code"


def test_words_are_sorted_unique_and_lower_case_unless_cased():
    for r in _rows():
        words = r["words"]
        assert words == sorted(words), f"{r['class']}: words not sorted"
        assert len(words) == len(set(words)), f"{r['class']}: duplicate words"
        assert all(w and w == w.strip() for w in words), f"{r['class']}: empty or padded word"
        if not r.get("cased"):
            assert all(w == w.lower() for w in words), f"{r['class']}: not lower-case (mark it \"cased\")"
        else:
            assert any(w != w.lower() for w in words), f"{r['class']}: marked cased but all lower-case"


def test_every_class_is_used_by_some_module():
    source = "\n".join(p.read_text(encoding="utf-8") for p in PIPELINE.rglob("*.py"))
    unused = [name for name in word_classes() if not re.search(rf'word_class\(\s*"{name}"\s*\)', source)]
    assert not unused, f"classes no module reads: {unused}"


def test_every_constant_read_from_a_class_is_used():
    """A class read into a module constant that nothing uses is dead data (it was once:
    part_verbs, read into methods.PART_VERBS and never looked at)."""
    sources = {p: p.read_text(encoding="utf-8") for p in PIPELINE.rglob("*.py")}
    unused = []
    for path, text in sources.items():
        for node in ast.parse(text).body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                    and "word_class(" in ast.unparse(node.value)):
                name = node.targets[0].id
                uses = sum(len(re.findall(rf"\b{name}\b", s)) for s in sources.values())
                if uses < 2:
                    unused.append(f"{path.relative_to(ROOT)}: {name}")
    assert not unused, f"word-class constants nothing reads: {unused}"


def test_word_class_reads_the_file_once():
    assert word_class("beat_verbs") is word_class("beat_verbs")
    assert isinstance(word_class("beat_verbs"), frozenset)
    assert "outperform" in word_class("beat_verbs")


def test_unknown_class_is_a_clear_error():
    with pytest.raises(KeyError, match=r"no word class 'beat_verb' in pipeline/vocab/words\.jsonl"):
        word_class("beat_verb")


def _is_label_set(members: list[str]) -> bool:
    """spaCy's tag, POS and dependency labels ({"pobj", "pcomp", "dobj"}) are the parser's
    scheme, not English words."""
    return all(m in GLOSSARY for m in members)


def _word_sets(path: Path):
    """(line, sorted members) of each set literal or "...".split() list of 3+ quoted
    strings of which at least one holds a letter (punctuation sets are no word class)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Set):
            members = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split"
              and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str)):
            members = node.func.value.value.split()
        else:
            continue
        if len(members) >= 3 and any(c.isalpha() for m in members for c in m) and not _is_label_set(members):
            yield node.lineno, tuple(sorted(members))


def test_no_word_set_literals_remain_in_the_components():
    found = [f"{p.relative_to(ROOT)}:{line}: {members}" for p in SCANNED for line, members in _word_sets(p)
             if (p.name, members) not in EXEMPT]
    assert not found, "word lists belong in pipeline/vocab/words.jsonl (word_class):\n" + "\n".join(found)


def test_exemptions_still_happen():
    present = {(p.name, members) for p in SCANNED for _, members in _word_sets(p)}
    assert set(EXEMPT) <= present, "an exemption no longer happens: remove it"
