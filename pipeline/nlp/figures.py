"""Figures as stated for results: "up to 2.31×", "45% lower", "3.76 KB", "1.3-2.4x".

A regular expression over the sentence text (figures are glued in ways the tokenizer
splits unpredictably: "2.35x-3.47x", "1,142x", "0.108s/token"); each hit is parsed into a
records.Figure with a normalised unit and the metric its unit implies, if any.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pipeline.records import Figure
from pipeline.vocab import word_class

# "1,142x" is a thousand separator; "1,4x" a decimal comma; "77. 7%" a decimal point that
# scraping split from its digits (read as written: 77.7, not 7).
_NUM = r"(?:\b\d{1,2}\.\s\d{1,2}(?=\s?[%x×])|\d+(?:,\d{1,2}(?=\s?[%x×])|(?:,\d{3})*(?:\.\d+)?))"
# Longest units first so "tokens/s" wins over "tokens" and "ms" over "s".
_UNITS: list[tuple[str, str, str | None]] = [
    # (regex, normalised unit, implied metric)
    (r"tokens?\s?/\s?s(?:ec)?|tokens? per second|tok/s", "tokens/s", "Throughput"),
    (r"tokens?\s?/\s?J|tokens? per joule", "tokens/J", "Energy"),
    (r"s\s?/\s?token|seconds? per token", "s/token", "Speed"),
    (r"ms\s?/\s?token", "ms/token", "Speed"),
    (r"(?:images?|imgs?|frames?|samples?|sequences?|queries|requests?|inferences?)\s?/\s?s(?:ec)?"
     r"|(?:[a-z]+ )?(?:images?|frames?|samples?|sequences?|queries|requests?|classifications|inferences|predictions)"
     r" per second", "items/s", "Throughput"),
    (r"FPS|fps|frames per second", "FPS", "Throughput"),
    (r"TFLOPs\s?/\s?s|TFLOPS", "TFLOPs/s", "Throughput"),
    (r"TOPS\s?/\s?W|GOPS\s?/\s?W|TOPS/mm2", "TOPS/W", "Energy"),
    (r"[GMT]FLOPs|FLOPs|[GMT]MACs|MACs|GOPs|BOPs", "FLOPs", "Computation"),
    (r"GPU[- ]hours?|GPU[- ]days?", "GPU hours", "Computation"),
    (r"[MBK]\s?param(?:eter)?s|(?:million|billion) param(?:eter)?s", "parameters", "Model size"),
    (r"-?bits?(?: per weight)?", "bit", "Model size"),
    (r"[KMGT]i?B", "B", None),
    (r"mW|kW|W|watts?", "W", "Energy"),
    (r"mJ|µJ|μJ|nJ|pJ|J|joules?", "J", "Energy"),
    (r"ms|µs|μs|us|ns|milliseconds?|microseconds?|seconds?|sec|s|minutes?|hours?", "s", "Speed"),
    (r"%|percent|pp\b|percentage points?", "%", None),
    (r"[x×X](?![a-zA-Z0-9])|times(?!\s+(?:more|fewer|less|larger|smaller)\s+(?:data|samples))", "x", None),
    (r"points?|mAP|AP|BLEU|PSNR|dB|FID|mIoU", "points", "Accuracy"),
    (r"perplexity", "points", "Accuracy"),
]
# A unit ends where the word ends: "1 shot" and "128 samples" are not seconds.
_UNIT_RE = "(?:" + "|".join(f"(?:{u[0]})" for u in _UNITS) + r")(?![A-Za-z])"
# "12.3 million images per second": a scale word between the number and the unit.
_SCALE = r"(?:\s?(?P<scale>thousand|million|billion))?"
_QUALIFIER = (
    r"up to|upto|over|more than|nearly|almost|about|around|approximately|roughly|by|at least|"
    r"on average|an average of|average|as much as|as high as|as low as|as little as|only|less than|under"
)
# Symbols stick to the number: "~2360x", ">90%", "<0.1 perplexity".
_SYMBOL = r"<|>|~|≈|≥|≤"
FIGURE_RE = re.compile(
    rf"(?:(?P<qual>(?:{_QUALIFIER})\s+|(?:{_SYMBOL})\s?))?"
    rf"(?<![\w.×/-])(?P<lo>{_NUM})\s?(?:(?:{_UNIT_RE})\s?)?(?:-|–|—|~|to)\s?(?P<hi>{_NUM})\s?(?P<unit>{_UNIT_RE})"
    rf"|(?:(?P<qual2>(?:{_QUALIFIER})\s+|(?:{_SYMBOL})\s?))?(?<![\w.×/-])(?P<one>{_NUM}){_SCALE}\s?(?P<unit2>{_UNIT_RE})",
)
# Where a FIGURE_RE match can start: its number starts at a digit the look-behind allows;
# before it may stand a symbol (with one optional space) or a qualifier and whitespace.
# Trying FIGURE_RE only there finds what FIGURE_RE.finditer finds (no match starts
# anywhere else), without the engine trying the qualifier alternatives at every character.
_NUMBER_START = re.compile(r"(?<![\w.×/-])\d")
_QUALIFIERS = tuple(_QUALIFIER.split("|"))
_SYMBOLS = frozenset(_SYMBOL.split("|"))


def _starts(text: str) -> list[int]:
    """Every position at which a FIGURE_RE match could start, sorted."""
    out: set[int] = set()
    for m in _NUMBER_START.finditer(text):
        d = m.start()
        out.add(d)
        if d and text[d - 1] in _SYMBOLS:
            out.add(d - 1)
        elif d > 1 and text[d - 1].isspace():  # str.isspace is what \s matches
            if text[d - 2] in _SYMBOLS:
                out.add(d - 2)
            w = d - 1
            while w > 0 and text[w - 1].isspace():
                w -= 1
            out.update(w - len(q) for q in _QUALIFIERS if text.endswith(q, 0, w))
    return sorted(out)


def figure_matches(text: str) -> list[re.Match]:
    """FIGURE_RE's matches in `text`, as `FIGURE_RE.finditer(text)` gives them."""
    out: list[re.Match] = []
    pos = 0
    for p in _starts(text):
        if p >= pos:
            m = FIGURE_RE.match(text, p)
            if m is not None:
                out.append(m)
                pos = m.end()
    return out


# Word classes (pipeline/vocab/words.jsonl) for conditions inside the functions below.
_CASED_UNITS = word_class("cased_unit_norms")
_UNIT_COMPILED = [(re.compile(rf"^(?:{rx})$", re.IGNORECASE if norm not in _CASED_UNITS else 0), norm, metric)
                  for rx, norm, metric in _UNITS]

_DECREASE = re.compile(
    r"\b(reduc\w*|lower\w*|less|fewer|decreas\w*|sav(?:e|es|ing|ings)|cut\w*|smaller|shrink\w*|"
    r"compress\w*|drop\w*|minimi\w*|eliminat\w*|shorter|cheaper)\b", re.IGNORECASE)
_INCREASE = re.compile(
    r"\b(faster|speed-?ups?|higher|increas\w*|improv\w*|boost\w*|more|gains?|accelerat\w*|"
    r"better|outperform\w*|throughput|superior|surpass\w*)\b", re.IGNORECASE)


@dataclass(frozen=True)
class FigureHit:
    """A figure found in a text: character span (relative to the text) and its parse."""

    start: int
    end: int
    figure: Figure
    metric: str | None  # the canonical metric its unit implies, if any


_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}


def _number(text: str) -> float:
    text = text.replace(" ", "")
    if re.fullmatch(r"\d+,\d{1,2}", text):
        return float(text.replace(",", "."))
    return float(text.replace(",", ""))


def normalise_unit(raw: str) -> tuple[str, str | None]:
    """The normalised unit and the metric it implies ("2.3 MB" -> ("MB", None))."""
    raw = raw.strip()
    for rx, norm, metric in _UNIT_COMPILED:
        if rx.match(raw):
            if norm == "B":
                return raw.replace("i", "").upper().replace(" ", ""), None
            if norm == "W":
                return ("mW" if raw.startswith("m") else "kW" if raw.startswith("k") else "W"), metric
            if norm == "s":
                low = raw.lower()
                if low.startswith(("ms", "milli")):
                    return "ms", metric
                if low.startswith(("µs", "μs", "us", "micro")):
                    return "μs", metric
                if low.startswith("ns"):
                    return "ns", metric
                if low.startswith("min"):
                    return "min", metric
                if low.startswith("hour"):
                    return "h", metric
                return "s", metric
            return norm, metric
    return raw, None


# Ratios written in words: "four times as fast", "twice as fast", "an order of magnitude".
_WORD_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
                 "twenty": 20, "hundred": 100, "thousand": 1000}
WORD_RATIO_RE = re.compile(
    rf"(?:\b(?P<qual>{_QUALIFIER})\s+)?\b(?:(?P<word>{'|'.join(_WORD_NUMBERS)})\s+times|(?P<twice>twice))\b"
    r"(?!\s+(?:more|fewer|less|larger|smaller)\s+(?:data|samples|examples|tokens))",
    re.IGNORECASE,
)


def _word_ratios(text: str) -> list[FigureHit]:
    hits: list[FigureHit] = []
    for m in WORD_RATIO_RE.finditer(text):
        value = 2.0 if m.group("twice") else float(_WORD_NUMBERS[m.group("word").lower()])
        qual = m.group("qual").lower() if m.group("qual") and m.group("qual").lower() not in {"by", "only"} else None
        start = m.start("qual") if qual else m.start("word") if m.group("word") else m.start("twice")
        window = text[max(0, start - 40): m.end() + 40]
        direction = "decrease" if _DECREASE.search(window) and not _INCREASE.search(text[m.end(): m.end() + 40]) else (
            "increase" if _INCREASE.search(window) else None)
        figure = Figure(text=text[start:m.end()], value=value, unit="x", direction=direction, qualifier=qual)
        hits.append(FigureHit(start=start, end=m.end(), figure=figure, metric=None))
    return hits


def nearest_direction(text: str, start: int, end: int, reach: int = 40) -> str | None:
    """The change word nearest the figure within `reach` characters says its direction:
    "reduces memory by 4x" decrease, "2.1x faster" increase (a word after the figure wins a tie)."""
    best: tuple[int, int, str] | None = None
    for pattern, direction in ((_DECREASE, "decrease"), (_INCREASE, "increase")):
        for m in pattern.finditer(text, max(0, start - reach), min(len(text), end + reach)):
            after = m.start() >= end
            distance = m.start() - end if after else start - m.end()
            if distance < 0:
                continue
            rank = (distance, 0 if after else 1, direction)
            if best is None or rank < best:
                best = rank
    return best[2] if best else None


def find_figures(text: str) -> list[FigureHit]:
    """Every number-with-unit in `text`, parsed; plain numbers (years, counts) are skipped."""
    hits: list[FigureHit] = _word_ratios(text) if "times" in text or "twice" in text else []
    for m in figure_matches(text):
        qual = m.group("qual") or m.group("qual2")
        raw_unit = m.group("unit") or m.group("unit2")
        value_text = m.group("hi") or m.group("one")
        unit, metric = normalise_unit(raw_unit)
        start = m.start("lo") if m.group("lo") else m.start("one")
        end = m.end()
        # "1x1 convolution", "240x240": a multiplication sign between numbers is a shape.
        if unit == "x" and re.match(r"\s?\d", text[end:end + 2]):
            continue
        qual = qual.strip() if qual else None
        if qual and qual.lower() in {"by", "only"}:
            qual_text = None
        else:
            qual_text = qual.lower() if qual else None
        if qual_text:
            start = m.start("qual") if m.group("qual") else m.start("qual2")
        direction = nearest_direction(text, start, end)
        value = _number(value_text) * _SCALES.get((m.group("scale") or "").lower(), 1)
        figure = Figure(
            text=text[start:end].strip(), value=value, unit=unit,
            direction=direction, qualifier=qual_text,
        )
        hits.append(FigureHit(start=start, end=end, figure=figure, metric=metric))
    return sorted(hits, key=lambda h: h.start)


# Metrics whose improvement is a smaller number (less memory, energy, size, computation,
# cost); a gain in the others is a larger one (accuracy, throughput, speed as speedup).
_SMALLER_IS_BETTER = word_class("lower_is_better_metrics")
_TIME_WORDS = re.compile(r"latenc|time|delay|runtime|duration|ttft|tpot", re.IGNORECASE)


def with_direction(figure: Figure, metric: str | None, phrase: str = "") -> Figure:
    """The figure with its direction set: as the text states it ("reduces ... by 4x"), else
    as improving its metric goes (memory down, throughput up; "latency" down, "speedup" up)."""
    if figure.direction is not None:
        return figure
    energy_used = metric == "Energy" and "efficien" not in phrase.lower() and "/" not in (figure.unit or "")
    if metric in _SMALLER_IS_BETTER or energy_used or (
            metric == "Speed" and _TIME_WORDS.search(phrase) and figure.unit != "x"):
        return replace(figure, direction="decrease")
    return replace(figure, direction="increase")
