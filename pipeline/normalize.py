"""Word normalisation every stage shares: Greek letters spelled out, the matching key, a
method name's canonical form (no generic head noun, a coined plural made singular), and
text made safe to print.

Bottom layer (it imports nothing of effikg), so that resolve, nlp, evaluate and the IRI
slugs of pipeline.terms all spell "λ-ECLIPSE" the same way, and so that pipeline.errors
and pipeline.records can print what they quote without a raw control character.
"""

from __future__ import annotations

import re
import unicodedata

# Each Greek letter (both cases, the variant forms, the micro sign) -> its name in Latin
# letters, as a paper written without Unicode spells it ("lambda-ECLIPSE").
_GREEK_LETTERS = (
    ("αΑ", "alpha"), ("βΒϐ", "beta"), ("γΓ", "gamma"), ("δΔ", "delta"), ("εΕϵ", "epsilon"),
    ("ζΖ", "zeta"), ("ηΗ", "eta"), ("θΘϑ", "theta"), ("ιΙ", "iota"), ("κΚϰ", "kappa"),
    ("λΛ", "lambda"), ("μΜµ", "mu"), ("νΝ", "nu"), ("ξΞ", "xi"), ("οΟ", "omicron"),
    ("πΠϖ", "pi"), ("ρΡϱ", "rho"), ("σςΣ", "sigma"), ("τΤ", "tau"), ("υΥϒ", "upsilon"),
    ("φΦϕ", "phi"), ("χΧ", "chi"), ("ψΨ", "psi"), ("ωΩ", "omega"),
)
GREEK_NAMES: dict[str, str] = {char: name for chars, name in _GREEK_LETTERS for char in chars}
_GREEK = re.compile("[" + "".join(GREEK_NAMES) + "]")
_NOT_A_WORD_CHARACTER = re.compile(r"[\W_]+")


def spell_greek(text: str, separator: str = "") -> str:
    """Greek letters as their names: "λ-ECLIPSE" -> "lambda-ECLIPSE" ("αβ" with separator
    " " -> " alpha  beta ")."""
    return _GREEK.sub(lambda m: f"{separator}{GREEK_NAMES[m.group()]}{separator}", text)


def match_key(text: str) -> str:
    """The annotation guide's matching form: lower-case, no spaces, hyphens or punctuation,
    Greek letters spelled out ("λ-ECLIPSE" and "Lambda ECLIPSE" -> "lambdaeclipse"), and
    compatibility forms folded (NFKC: "S³" -> "s3", a full-width "Ｘ" -> "x", "ﬁ" -> "fi")."""
    return _NOT_A_WORD_CHARACTER.sub("", spell_greek(unicodedata.normalize("NFKC", text)).lower())


# A generic head noun after a method's name ("the FlexGen system"): not part of the name.
_TRAILING_HEADS = re.compile(
    r"\s+(?:method|approach|framework|system|model|models|technique|algorithm|architecture|"
    r"network|networks|scheme|strategy|engine|library|compiler|accelerator|module|design)$",
    re.IGNORECASE,
)


def canonical_method_label(text: str) -> str:
    """A method name as it should be labelled: whitespace normalised, no leading "the", no
    generic head."""
    text = re.sub(r"\s+", " ", text).strip(" ,.;:'\"()[]")
    text = re.sub(r"^the (?=\S)", "", text, flags=re.IGNORECASE)  # a title's "The ML.ENERGY Benchmark: ..."
    stripped = _TRAILING_HEADS.sub("", text)
    return stripped if stripped else text


# A coined name in the plural: CamelCase or an acronym with a lower-case "s" ("HaloNets",
# "PCBMs"), not a word that ends in s ("Petals") nor an acronym ending in S ("ACS").
_CODED_PLURAL = re.compile(r"^(?=\S*(?:[a-z][A-Z]|[A-Z]{2}))\S{3,}[^s\s]s$")


def singular_coined(name: str) -> str:
    """A coined name in the plural made singular ("HaloNets" -> "HaloNet"); any other
    name as it is ("Petals", "ACS")."""
    return name[:-1] if _CODED_PLURAL.match(name) else name


def plural_forms(phrase: str) -> list[str]:
    """The phrase and its regular English plural: "memory footprint" -> + "memory
    footprints", "GPU" -> + "GPUs", "smartwatch" -> + "smartwatches", "memory" -> +
    "memories"; none for a last word ending in s or x ("FLOPs", "matrix"), in a digit
    ("A100"), or written in capitals ("SoC" and "NPU" take an s, "PCH" no es)."""
    last = phrase.rpartition(" ")[2]
    if not last[-1:].isalpha() or last.lower().endswith(("s", "x")):
        return [phrase]
    if last.islower() and last.endswith(("ch", "sh")):
        return [phrase, phrase + "es"]
    if last.islower() and len(last) > 2 and last[-1] == "y" and last[-2] not in "aeiou":
        return [phrase, phrase[:-1] + "ies"]
    return [phrase, phrase + "s"]


def counted(n: int, noun: str, grouped: bool = False) -> str:
    """A count with its noun in the singular or plural: "1 abstract", "2 abstracts"
    (`grouped`: "1,000 abstracts")."""
    number = f"{n:,}" if grouped else str(n)
    return f"{number} {noun}" if n == 1 else f"{number} {noun}s"


def printable(text: str) -> str:
    """`text` safe to print on one terminal line: control and format characters escaped.

    A file name or a quoted record may carry ESC sequences, bidi overrides or line
    breaks; printed raw they would rewrite the user's terminal or forge report lines.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
