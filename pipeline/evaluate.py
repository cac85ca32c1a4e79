"""Precision / recall / F1 of extractions against a gold file, by the annotation guide's rules.

A gold line belongs to the extraction whose abstract contains its "key". A predicted
triple matches a gold triple when the relation is equal and both ends match the gold label
or one of its aliases after lower-casing and removing spaces, hyphens and punctuation
(pipeline.normalize.match_key); metrics match by canonical metric. Matching is one-to-one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import EvalError, InputError
from pipeline.files import write_atomic
from pipeline.records import RELATIONS, Claim, Extraction
from pipeline.normalize import match_key


if TYPE_CHECKING:  # spaCy is imported only when extraction runs
    from spacy.language import Language


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass(frozen=True)
class Triple:
    """One triple of an error list, as labels (and the gold figure or evidence)."""

    key: str  # the gold line's key (identifies the abstract)
    relation: str
    subject: str
    object: str
    value: str | None = None
    evidence: str | None = None


@dataclass
class EvalResult:
    per_relation: dict[str, Scores]
    micro: Scores
    figures_held: int  # gold improves-triples with a figure whose figure the extraction holds
    figures_total: int  # gold improves-triples that state a figure
    papers: int  # gold lines scored
    figures_matched: int = 0  # ... of those, the ones the extraction has (held counts among these)
    unmatched_gold: list[str] = field(default_factory=list)  # gold keys found in no input abstract
    misses: list[Triple] = field(default_factory=list)
    spurious: list[Triple] = field(default_factory=list)

    @property
    def figure_coverage(self) -> float:
        return self.figures_held / self.figures_total if self.figures_total else 0.0

    @property
    def figure_precision(self) -> float:
        """Figures held of the triples found: how often a found claim carries the right figure."""
        return self.figures_held / self.figures_matched if self.figures_matched else 0.0

    def to_dict(self) -> dict:
        return {
            "papers": self.papers,
            "micro": self.micro.to_dict(),
            "per_relation": {r: s.to_dict() for r, s in self.per_relation.items()},
            "figures": {"held": self.figures_held, "total": self.figures_total, "matched": self.figures_matched,
                        "coverage": round(self.figure_coverage, 4),
                        "held_of_matched": round(self.figure_precision, 4)},
            "unmatched_gold": self.unmatched_gold,
            "misses": [asdict(t) for t in self.misses],
            "spurious": [asdict(t) for t in self.spurious],
        }


def read_gold(path: Path) -> list[dict]:
    """The gold lines of a JSONL gold file; a bad line is reported with its number."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise EvalError(f"{path}: cannot read the gold file ({err.strerror})") from None
    gold = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise EvalError(f"{path}:{number}: not valid JSON ({err.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("key"), str) or not isinstance(row.get("triples", []), list):
            raise EvalError(f"{path}:{number}: a gold line needs a string 'key' and a list 'triples'")
        gold.append(row)
    return gold


_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def _numbers(text: str) -> set[float]:
    return {float(n.replace(",", "")) for n in _NUMBER.findall(text or "")}


def _forms(label: str, aliases: Iterable[str]) -> set[str]:
    return {match_key(label)} | {match_key(a) for a in aliases if a}


@dataclass
class _Predicted:
    relation: str
    subject: set[str]
    object: set[str]
    label: tuple[str, str]
    claims: list[Claim]


def _predicted(extraction: Extraction) -> list[_Predicted]:
    by_key: dict[str, set[str]] = {}
    for key, text in extraction.surface_forms:
        by_key.setdefault(key, set()).add(match_key(text))
    out: dict[tuple[str, str, str], _Predicted] = {}
    for c in extraction.claims:
        k = (c.relation, c.subject.key, c.object.key)
        if k not in out:
            subj = {match_key(c.subject.label), match_key(c.subject_text)} | by_key.get(c.subject.key, set())
            if c.object.type == "Metric":
                obj = {match_key(c.object.label)}
            else:
                obj = {match_key(c.object.label), match_key(c.object_text)} | by_key.get(c.object.key, set())
            out[k] = _Predicted(c.relation, subj, obj, (c.subject.label, c.object.label), [])
        out[k].claims.append(c)
    return list(out.values())


def gold_forms(triple: dict) -> tuple[set[str], set[str]]:
    """The match keys a predicted subject and object may have to match a gold triple."""
    s_forms = _forms(triple["s"], triple.get("s_aliases", []))
    o_forms = {match_key(triple["o"])} if triple["p"] == "improves" else _forms(triple["o"], triple.get("aliases", []))
    return s_forms, o_forms


def evaluate(gold_path: Path, extractions: Iterable[Extraction]) -> EvalResult:
    """Score `extractions` against the gold file at gold_path."""
    return score(read_gold(gold_path), extractions, source=str(gold_path))


def score(gold: list[dict], extractions: Iterable[Extraction], source: str = "the gold") -> EvalResult:
    """Score `extractions` against gold lines (as read_gold returns them); `source` names
    where the lines came from, for the error when none matches an input. Each extraction is
    first settled as the build settles it (`resolve.resolve_paper`: typo merges), so what is
    scored is what `effikg build` writes."""
    from pipeline.resolve import resolve_paper

    found: dict[int, Extraction] = {}
    for extraction in map(resolve_paper, extractions):
        for i, row in enumerate(gold):
            if i not in found and row["key"] in extraction.paper.abstract:
                found[i] = extraction
                break
    counts = {r: [0, 0, 0] for r in RELATIONS}
    held = total = matched = 0
    misses: list[Triple] = []
    spurious: list[Triple] = []
    unmatched: list[str] = []
    for i, row in enumerate(gold):
        extraction = found.get(i)
        if extraction is None:
            unmatched.append(row["key"])
        preds = _predicted(extraction) if extraction is not None else []
        used: set[int] = set()
        for t in row.get("triples", []):
            rel = t["p"]
            s_forms, o_forms = gold_forms(t)
            match = next((j for j, p in enumerate(preds) if j not in used and p.relation == rel
                          and p.subject & s_forms and p.object & o_forms), None)
            value = t.get("value")
            if rel == "improves" and value:
                total += 1
            if match is None:
                counts.setdefault(rel, [0, 0, 0])[2] += 1
                misses.append(Triple(row["key"], rel, t["s"], t["o"], value))
                continue
            used.add(match)
            counts.setdefault(rel, [0, 0, 0])[0] += 1
            if rel == "improves" and value:
                matched += 1
                wanted = _numbers(value)
                if any(c.figure is not None and (_numbers(c.figure.text) | {c.figure.value}) & wanted
                       for c in preds[match].claims):
                    held += 1
        for j, p in enumerate(preds):
            if j not in used:
                counts.setdefault(p.relation, [0, 0, 0])[1] += 1
                c = p.claims[0]
                spurious.append(Triple(row["key"], p.relation, p.label[0], p.label[1],
                                       c.figure.text if c.figure else None, c.sentence))
    if gold and len(unmatched) == len(gold):
        raise EvalError(f"{source}: none of its {len(gold)} gold line(s) matches an input abstract, "
                        "so there is nothing to score (are these the inputs the gold was made from?)")
    per_relation = {r: Scores(*counts[r]) for r in counts}
    micro = Scores(*(sum(v[k] for v in counts.values()) for k in range(3)))
    return EvalResult(per_relation=per_relation, micro=micro, figures_held=held, figures_total=total,
                      figures_matched=matched,
                      papers=len(gold) - len(unmatched), unmatched_gold=unmatched, misses=misses, spurious=spurious)


def run_eval(
    gold_path: Path, inputs: Sequence[Path] = (), *, min_confidence: float = 0.0, nlp: Language | None = None,
    model: Path | None = None,
) -> EvalResult:
    """Read `inputs` (the bundled corpus when empty), extract (with `nlp`, else the shared
    pipeline), and score against the gold."""
    from pipeline.corpus import bundled_corpus
    from pipeline.nlp import extract

    read_gold(gold_path)  # fail fast on a bad gold file, before loading the model
    papers = read_corpus(list(inputs) or bundled_corpus())
    return evaluate(gold_path, extract(papers, nlp=nlp, min_confidence=min_confidence, model=model))


def read_corpus(paths: Sequence[Path]) -> list[Paper]:
    """Every Paper of the corpus files or folders a gold file is scored on; an input that
    cannot be read is an EvalError (skipped records only drop out)."""
    from pipeline.ingest import read_papers
    from pipeline.records import Paper

    papers: list[Paper] = []
    for path in paths:
        try:
            papers.extend(r for r in read_papers(Path(path)) if isinstance(r, Paper))
        except InputError as err:
            raise EvalError(str(err)) from None
    return papers


def to_text(result: EvalResult, *, misses: bool = False) -> str:
    """The figures as a small table (and the error lists when asked)."""
    lines = [f"{'relation':<12} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    rows = [(r, result.per_relation[r]) for r in result.per_relation] + [("micro", result.micro)]
    for name, s in rows:
        lines.append(f"{name:<12} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.tp:5d} {s.fp:5d} {s.fn:5d}")
    lines.append(f"figures held for improves: {result.figures_held}/{result.figures_total} "
                 f"({result.figure_coverage:.1%}; {result.figures_held}/{result.figures_matched} of the triples found, "
                 f"{result.figure_precision:.1%}); {result.papers} abstracts scored")
    if result.unmatched_gold:
        lines.append(f"warning: {len(result.unmatched_gold)} gold line(s) match no input abstract")
    if misses:
        lines.append("")
        lines.append(f"missed ({len(result.misses)}):")
        for t in result.misses:
            fig = f" [{t.value}]" if t.value else ""
            lines.append(f"  - {t.key[:40]!r}: {t.subject} {t.relation} {t.object}{fig}")
        lines.append(f"spurious ({len(result.spurious)}):")
        for t in result.spurious:
            fig = f" [{t.value}]" if t.value else ""
            lines.append(f"  + {t.key[:40]!r}: {t.subject} {t.relation} {t.object}{fig}")
    return "\n".join(lines)


def save_json(result: EvalResult, path: Path) -> None:
    """Write the figures as JSON, atomically (a reader never sees half a file)."""
    text = json.dumps(result.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomic(path, text.encode("utf-8"))
