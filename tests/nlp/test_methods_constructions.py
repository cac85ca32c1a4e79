"""Component effikg_methods: name shapes and constructions found on unseen abstracts
(shared/extraction-errors.md, "methods not found"): version and size tokens, non-ASCII
forms, a name glued to punctuation, lower-case technique names, named parts."""

from __future__ import annotations

import pytest

from pipeline.normalize import match_key

pytestmark = pytest.mark.slow  # the real spaCy model

# (abstract, expected proposed names in order)
PROPOSALS = [
    pytest.param("We present FireFly v2, an FPGA accelerator for spiking neural networks.",
                 ["FireFly v2"], id="version-token"),
    pytest.param("We introduce BitNet b1.58 2B4T, the first open-source native 1-bit LLM.",
                 ["BitNet b1.58 2B4T"], id="version-and-size-tokens"),
    pytest.param("We propose TriForce— a hierarchical speculative decoding system for long sequences.",
                 ["TriForce"], id="em-dash-glued-to-name"),
]


@pytest.mark.parametrize("text,names", PROPOSALS)
def test_methods_constructions_proposed(parse, text: str, names: list[str]) -> None:
    assert [p.name for p in parse(text)._.proposed] == names


def test_methods_constructions_superscript_matches_its_digit(parse) -> None:
    [s3] = parse("We propose S³, a system that increases serving throughput.")._.proposed
    assert match_key("S3") in s3.keys


def test_normalize_match_key_folds_compatibility_forms() -> None:
    assert match_key("S³") == match_key("S3") == "s3"
    assert match_key("λ-ECLIPSE") == "lambdaeclipse"
