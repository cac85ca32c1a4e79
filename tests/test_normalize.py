"""pipeline.normalize: Greek letters spelled out, and the annotation guide's matching key."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.normalize import GREEK_NAMES, match_key, plural_forms, spell_greek


@given(st.text(alphabet=st.characters(codec="ascii"), max_size=30))
def test_normalize_match_key_ignores_case_space_and_punctuation(text: str) -> None:
    assert match_key(text) == match_key(text.upper()) == match_key(text.lower())
    assert match_key(text) == match_key(re.sub(r"[\s\-_.,;:]", "", text))


@pytest.mark.parametrize("a,b", [("λ-ECLIPSE", "lambda-ECLIPSE"), ("Λ-ECLIPSE", "Lambda ECLIPSE"), ("μNAS", "muNAS")])
def test_normalize_match_key_spells_greek_letters(a: str, b: str) -> None:
    assert match_key(a) == match_key(b)


def test_normalize_spell_greek_keeps_everything_else() -> None:
    assert spell_greek("λ-ECLIPSE") == "lambda-ECLIPSE"
    assert spell_greek("αβ", " ") == " alpha  beta "
    assert spell_greek("TriForce 2.31× ±") == "TriForce 2.31× ±"
    assert all(name.isascii() and name.isalpha() for name in GREEK_NAMES.values())


@pytest.mark.parametrize("phrase,forms", [
    ("memory footprint", ["memory footprint", "memory footprints"]),
    ("edge device", ["edge device", "edge devices"]),
    ("GPU", ["GPU", "GPUs"]),
    ("FLOPs", ["FLOPs"]),
    ("matrix", ["matrix"]),
    ("NVIDIA A100", ["NVIDIA A100"]),
    ("smartwatch", ["smartwatch", "smartwatches"]),
    ("flash", ["flash", "flashes"]),
    ("systolic array", ["systolic array", "systolic arrays"]),
    ("memory", ["memory", "memories"]),
    ("SoC", ["SoC", "SoCs"]),
])
def test_normalize_plural_forms_of_a_gazetteer_phrase(phrase: str, forms: list[str]) -> None:
    assert plural_forms(phrase) == forms


def test_normalize_counted_says_one_in_the_singular() -> None:
    from pipeline.normalize import counted

    assert [counted(n, "row") for n in (0, 1, 2, 1234)] == ["0 rows", "1 row", "2 rows", "1234 rows"]
    assert counted(1234, "abstract", grouped=True) == "1,234 abstracts"
