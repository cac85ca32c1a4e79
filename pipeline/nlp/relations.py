"""Component `effikg_relations`: targets / improves / outperforms claims, on doc._.claims.

Read per sentence from the dependency parse, never from co-occurrence alone:

- outperforms: comparison constructions ("than X", "over X", "compared to / with X",
  "outperform X", "against X", "relative to X", lists and conjuncts) give baseline phrases;
  names and hardware in them are baselines, and a specific description ("magnitude
  pruning", "early-exiting frameworks") when no name is there. Unnamed baselines ("the
  baseline", "prior work", "existing methods"), losses ("a minimal accuracy drop over X")
  and spans ("over a range of X") are not. The margin is the figure of the comparison's
  own clause.
- improves: each figure is bound to one metric by its unit, the metric named right after
  it, the parse (the verb's object in "reduces memory by 45%", the change noun's
  complement in "a 45% reduction in latency"), "respectively", or a comparative after it;
  settings are dropped ("4-bit quantized", "took 5 hours", "a 16GB GPU", "3% of the
  data"). Without a figure, a change word must govern the metric phrase in a sentence
  about the method; keeping quality, purpose clauses and attributes are no claim.
- targets: hardware the method runs on or is built for, by its position in the parse
  (the object of on / for / to / across, of deploy / run); hardware a clause is about
  ("GPUs are costly") and beaten hardware are not targets.

The subject is the proposed method the sentence names (the one named right before a
figure when there are several), else the main proposed method ("our method", "we",
"it", and "they" right after a sentence about it). Sentences before the method is
proposed are background, except for the platform the work is framed for.

Confidence: targets 0.9 (platform position), 0.7 (elsewhere), 0.6 (framed before the
proposal), 0.5 (a modifier: "GPU memory"); improves 0.9 with a figure, 0.7 without, 0.6
from general quality words; outperforms 0.85 named, 0.8 hardware, 0.6 described; times
0.9 when the subject is resolved from "our method" / "it", and 0.85 when the paper's
method was found by a weak cue.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from pipeline.nlp.columns import columns
from pipeline.nlp.entities import to_method_entity, to_metric_entity
from pipeline.nlp.hardware import HardwareMention
from pipeline.nlp.methods import Proposal
from pipeline.nlp.metrics import FigureMention, MetricMention
from pipeline.nlp.names import NameMention
from pipeline.normalize import match_key
from pipeline.records import Entity, Figure, Relation
from pipeline.vocab import Vocab, word_class

# Inflected beat verbs, for when the tagger takes them for nouns ("X outperforms Y" -> NOUN).
BEAT_FORMS = word_class("beat_verb_inflections")
COMPARE_PREPS = word_class("compare_preps")
BEAT_VERBS = word_class("beat_verbs")
# Prepositions under a baseline that attach the setting, not another baseline.
SETTING_PREPS = word_class("setting_preps")
OTHERS_DETS = word_class("others_determiners")
GENERIC_SUBJECT_HEADS = word_class("generic_subject_heads")
BLOCK_BEFORE = word_class("keeping_quality_before")
BLOCK_AFTER = word_class("loss_words_after")
LOSS_NEGATORS = word_class("loss_negators")
INTRINSIC_GAINS = word_class("intrinsic_gains")
CHANGE_LEMMAS = word_class("change_lemmas")
CHANGE_WORDS = word_class("change_words")
HARD_BLOCK = word_class("keeping_quality_lemmas")
STRONG_POSITIVE = word_class("strong_positive_words")


@dataclass(frozen=True)
class DocClaim:
    """A claim found in a Doc; extract() turns it into a records.Claim with original offsets."""

    relation: Relation
    subject: Entity
    subject_text: str
    object: Entity
    object_text: str
    sent_start: int  # character offsets of the sentence in doc.text
    sent_end: int
    confidence: float
    figure: Figure | None = None
    hardware: Entity | None = None
    baseline: Entity | None = None
    metric: Entity | None = None


# "slower than X", "models larger than X": a comparison the method does not win.
LOSING_COMPARATIVES = word_class("losing_comparatives")
# Modifiers that leave a baseline unnamed: "the original model", "a dense baseline".
UNNAMED_MODIFIERS = word_class("unnamed_baseline_modifiers")
# Heads that never name a baseline: "the baseline", "a record", "the tradeoffs".
NOT_A_BASELINE_HEADS = word_class("not_a_baseline_heads")
# Heads whose of-object is the baseline: "the established baseline of magnitude pruning".
BASELINE_OF_HEADS = word_class("baseline_of_heads")
# Heads that say "a method", not which: "X techniques" is named by its X.
GENERIC_BASELINE_HEADS = word_class("generic_baseline_heads")
# Words that end a clause: a block word before them does not reach past.
CLAUSE_BREAKS = word_class("clause_breaks")
# Words with which "over" spans rather than compares.
SPANNING_WORDS = word_class("spanning_words")
# Prepositions that introduce examples of the phrase they hang off: "such as X", "including X".
EXAMPLE_PREPS = word_class("example_preps")
# Prepositions that introduce a platform: "on an A100", "for mobile devices", "to FPGAs".
PLATFORM_PREPS = word_class("platform_preps")
# Verbs whose object is a platform: "deploy to", "run on", "targets FPGAs".
DEPLOY_VERBS = word_class("deploy_verbs")
# Words by which the authors speak of their own work.
OWN_WORDS = word_class("own_words")
# "4-bit quantization reduces memory by 60%": a bare technique class as the subject is the
# technique in general, not the paper's method (unless it is the method's own name).
TECHNIQUE_NOUNS = word_class("technique_nouns")
# Words that make an absolute time a latency result.
TIME_METRIC_WORDS = word_class("time_metric_words")
# Nouns of growth: a gain only for metrics where more is better.
GROWTH_NOUNS = word_class("growth_nouns")
# Verbs whose purpose clause states what the method is for ("proposed to improve X").
PURPOSE_OF_PROPOSAL = word_class("purpose_of_proposal_verbs")
# General words for quality, and what makes them a claimed gain ("superior performance").
GENERIC_QUALITY = word_class("generic_quality_nouns")
QUALITY_CUES = word_class("quality_cues")
# What "performance" is of when it means speed: "execution performance", "performance of LLM serving".
SYSTEM_PERFORMANCE = word_class("system_performance_words")
# Nouns a metric phrase can modify and still be the claim: "addresses the memory consumption issue".
PROBLEM_NOUNS = word_class("problem_nouns")
GROWTH_VERBS = word_class("growth_verbs")
# Verbs that take away a share: "removes 50% of the parameters".
REMOVE_VERBS = word_class("remove_verbs")
# Verbs of compression: with no metric named, their figure is a size ("compress BERT by 4x").
COMPRESS_VERBS = word_class("compress_verbs")
# "X enables / allows ... to improve Y": what the method makes possible is its claim.
ENABLING_VERBS = word_class("enabling_verbs")
# Verbs that are themselves a change of speed: "accelerates X by 2.6x".
SPEED_VERBS = word_class("speed_verbs")
# Nouns that name quality in general; with an "N×" figure they mean speed.
GENERIC_PERFORMANCE = frozenset({"performance"})
# "serve 4.48x more requests": more of these per unit time is throughput.
THROUGHPUT_NOUNS = word_class("throughput_nouns")
# Nouns that state a change and take the metric as a complement: "reduction in latency".
CHANGE_NOUNS = word_class("change_nouns")
# Nouns after a memory size that make it a device's capacity, not a result: "a 16GB GPU".
DEVICE_MEMORY_NOUNS = word_class("device_memory_nouns")
# Words before a parameter count that make it a result ("with only 3.8M parameters").
SMALL_CUES = word_class("small_cues")
COMPARISON_LEMMAS = word_class("comparison_lemmas")
# Word classes (pipeline/vocab/words.jsonl) for conditions inside the functions below.
BASELINE_LIST_FILLERS = word_class("baseline_list_fillers")
BIT_COMPARISON_WORDS = word_class("bit_comparison_words")
BIT_METHOD_HEADS = word_class("bit_method_heads")
BIT_METHOD_VERBS = word_class("bit_method_verbs")
CHANGE_COMPLEMENT_PREPS = word_class("change_complement_preps")
COMPARE_COMPLEMENT_PREPS = word_class("compare_complement_preps")
COMPARE_LEMMAS = word_class("compare_lemmas")
COMPARE_MARKERS = word_class("compare_markers")
DECLINE_NOUNS = word_class("decline_nouns")
EXAMPLE_MARKERS = word_class("example_markers")
FIGURE_RUN_JOINERS = word_class("figure_run_joiners")
LIST_JOINERS = word_class("list_joiners")
GROWTH_COMPARATIVES = word_class("growth_comparatives")
LOWER_IS_BETTER_METRICS = word_class("lower_is_better_metrics")
MEMORY_UNITS = word_class("memory_units")
MORE_OR_FEWER = word_class("more_or_fewer")
SCALED_MEMORY_UNITS = word_class("scaled_memory_units")
SHARE_WORDS = word_class("share_words")
# Prepositions before "N% <noun>" that make the figure a setting: "at 50% sparsity".
SETTING_FIGURE_PREPS = word_class("setting_figure_prepositions")
SMALLER_COMPARATIVES = word_class("smaller_comparatives")
THAN_OR_VERSUS = word_class("than_or_versus")
THIS_WORK_HEADS = word_class("this_work_heads")
TIME_UNITS = word_class("time_units")
VERSUS_OR_UNLIKE_WORDS = word_class("versus_or_unlike_words")
VERSUS_WORDS = word_class("versus_words")
# "N times as <adjective> as X".
AS_ADJ_METRIC = {"fast": "Speed", "quick": "Speed", "small": "Model size", "accurate": "Accuracy", "cheap": "Cost",
                 "efficient": "Energy"}
FIGURE_ADJ_METRIC = {"faster": "Speed", "quicker": "Speed", "slower": "Speed", "smaller": "Model size",
                     "cheaper": "Cost", "accurate": "Accuracy"}


def _in_parens(doc: Doc, start: int, end: int) -> bool:
    return start > 0 and end < len(doc) and doc[start - 1].text == "(" and doc[end].text == ")"


@dataclass
class _Reading:
    """What one doc's claims are read against: its mentions and the paper's own methods."""

    doc: Doc
    proposed: list[Proposal]
    names: list[NameMention]
    names_by_tok: dict[int, NameMention]
    hardware: list[HardwareMention]
    metrics: list[MetricMention]
    figures: list[FigureMention]
    hw_tokens: set[int]
    key_to_prop: dict[str, Proposal]  # every match key of an own method -> its proposal
    own: set[str]
    entities: dict[int, Entity]  # id(proposal) -> its Method entity

    @classmethod
    def of(cls, doc: Doc, proposed: list[Proposal]) -> _Reading:
        names: list[NameMention] = doc._.names or []
        hardware: list[HardwareMention] = doc._.hardware or []
        key_to_prop: dict[str, Proposal] = {}
        for p in proposed:
            for k in p.keys:
                key_to_prop.setdefault(k, p)
        return cls(
            doc=doc, proposed=proposed, names=names, names_by_tok={t: n for n in names for t in range(n.start, n.end)},
            hardware=hardware, metrics=doc._.metrics or [], figures=doc._.figures or [],
            hw_tokens={t for h in hardware for t in range(h.start, h.end)}, key_to_prop=key_to_prop,
            own=set(key_to_prop), entities={id(p): to_method_entity(p.name) for p in proposed},
        )

    @property
    def main(self) -> Proposal:
        return self.proposed[0]

    @property
    def factor(self) -> float:
        """Claims of a paper whose method was found only by weak evidence count less."""
        return 0.85 if self.main.rank >= 2 else 1.0

    def proposal_of(self, text: str) -> Proposal | None:
        """The own method a name stands for, its variants included."""
        k = match_key(text)
        if k in self.key_to_prop:
            return self.key_to_prop[k]
        # Variants of the paper's own method ("InceptionNeXt-T", "SLAB-Swin").
        for key, p in self.key_to_prop.items():
            if len(key) >= 3 and k.startswith(key) and len(k) - len(key) <= 6 and not any(
                k == match_key(q.name) for q in self.proposed
            ):
                return p
        return None

    def first_sentence(self) -> int:
        """Where the paper's own work begins: the first sentence that proposes or names it."""
        starts = [p.sent_start for p in self.proposed if p.sent_start >= 0]
        mentioned = [n.start for n in self.names if self.proposal_of(n.text) is not None]
        return min(starts) if starts else (columns(self.doc).sent_start[min(mentioned)] if mentioned else 0)


@dataclass
class _Said:
    """Who one sentence speaks of, and how surely."""

    subj_prop: Proposal
    subject: Entity
    subj_text: str
    conf: float
    ours: bool  # the sentence speaks of the authors' work
    they_ours: bool  # "they" would be the method's (the sentence before was about it)
    own_tokens: set[int]
    owners: list[tuple[int, Entity, str]]  # own methods named in it: (token, entity, text)


class RelationReader:
    def __init__(self, nlp: Language, name: str, vocab: Vocab, default_x_metric: str,
                 default_percent_metric: str) -> None:
        self.name = name
        self.vocab = vocab
        self.default_x_metric = default_x_metric
        self.default_percent_metric = default_percent_metric

    # -- comparison constructions ------------------------------------------------------
    def _baseline_roots(self, sent: Span, named: set[int] = frozenset()) -> list[tuple[Token, Token]]:
        """(root of the baseline phrase, the comparison word that introduces it) for every
        comparison construction in the sentence."""
        roots: list[tuple[Token, Token]] = []
        col = columns(sent.doc)
        for i in range(sent.start, sent.end):
            low, lemma = col.lower[i], col.lemma[i]
            if not (low in COMPARE_PREPS or low == "as" or lemma in COMPARE_LEMMAS or low in {"compared", "comparing"}
                    or lemma in BEAT_VERBS or low in BEAT_FORMS or lemma in {"improve", "advance"}):
                continue  # a Token only for the words the branches below read
            t = sent.doc[i]
            if low in COMPARE_PREPS or (low == "as" and t.i - 2 >= sent.start and col.lower[i - 2] == "as"
                                        and col.pos[i - 1] in {"ADJ", "ADV"}):
                found = [c for c in t.children if c.dep_ in {"pobj", "pcomp", "dobj"}]
                if not found and t.dep_ == "mark" and t.head.i > t.i:
                    found = [t.head]  # "faster than vLLM" parsed with "than" as a marker
                if not found and t.i + 1 < sent.end and t.i + 1 in named and low in VERSUS_WORDS:
                    found = [sent.doc[t.i + 1]]  # "Versus TGI, ..." parsed as a compound name
                roots.extend((c, t) for c in found)
            elif lemma in COMPARE_LEMMAS or low in {"compared", "comparing"}:
                for p in t.children:
                    if p.dep_ == "prep" and p.lower_ in COMPARE_COMPLEMENT_PREPS:
                        roots.extend((c, t) for c in p.children if c.dep_ in {"pobj", "pcomp"})
            elif lemma in BEAT_VERBS or low in BEAT_FORMS:
                # The first object only: "outperform X ...: 36.9x throughput improvement"
                # parses the result as a second object.
                objects = [c for c in t.children if c.dep_ in {"dobj", "attr"}][:1]
                if not objects and t.i + 1 < sent.end and (t.i + 1 in named or sent.doc[t.i + 1].pos_ == "PROPN"):
                    objects = [sent.doc[t.i + 1]]  # "L-Mul ... outperforms float8_e5m2" parsed as a noun
                # "exceeding 40x": the figure exceeds, it is not beaten.
                roots.extend((c, t) for c in objects if not c.text[:1].isdigit())
            elif lemma in {"improve", "advance"}:
                for p in t.children:
                    # "improves on X" only right after the verb: "improves throughput ... on
                    # a single A100 GPU" names a platform, not a baseline.
                    if p.dep_ == "prep" and (p.lower_ in {"upon", "over"} or p.lower_ == "on" and p.i == t.i + 1):
                        roots.extend((c, p) for c in p.children if c.dep_ == "pobj")
        return roots

    @staticmethod
    def _not_a_win(marker: Token) -> bool:
        """The comparison states a loss or a mere difference, not a win: "a minimal accuracy
        reduction of 0.2% over X", "slower than X", "models larger than X"."""
        if marker.lower_ == "than" and marker.head.lower_ in LOSING_COMPARATIVES:
            return True
        tok = marker
        for _ in range(4):
            if tok.lower_ in BLOCK_AFTER:
                return True
            if tok.lower_ in DECLINE_NOUNS and any(
                c.lower_ in BLOCK_BEFORE for c in tok.children
            ):
                return True
            if tok.head.i == tok.i:
                break
            tok = tok.head
        return False

    @staticmethod
    def _not_a_comparison(marker: Token) -> bool:
        """"over" that spans rather than compares: "over a broad range of accelerators",
        "experiments over the data set of X", "over the years"."""
        if marker.lower_ not in {"over", "across"}:
            return False
        pobj = next((c for c in marker.children if c.dep_ == "pobj"), None)
        words = {marker.head.lemma_.lower(), pobj.lemma_.lower() if pobj is not None else ""}
        return bool(words & SPANNING_WORDS)

    @staticmethod
    def _clause_figure(marker: Token, clause_figs: list[FigureMention], near: Token | None = None) -> FigureMention | None:
        """The figure the comparison states: of its clause's figures (_clause_figures), the
        nearest to the comparison word (or, given `near`, the nearest after that token)."""
        best: tuple[int, FigureMention] | None = None
        for f in clause_figs:
            if near is not None and f.start < near.i:
                continue
            d = abs(f.start - (near or marker).i)
            if best is None or d < best[0]:
                best = (d, f)
        return best[1] if best else None

    @staticmethod
    def _clause_figures(marker: Token, group: set[int], figs: list[FigureMention]) -> list[FigureMention]:
        """The figures inside the phrase the comparison word belongs to ("1.97x faster than
        X", "3.8x improvement over X", "outperforms X by 5%"), outside the baselines."""
        compare = marker.lower_ in COMPARE_MARKERS
        gov = marker if marker.pos_ in {"VERB", "AUX"} and not compare else marker.head
        if marker.dep_ == "mark" and gov.head.i != gov.i:
            gov = gov.head  # "faster than vLLM" with "than" parsed as the baseline's marker
        if gov.pos_ not in {"VERB", "AUX"} and gov.head.pos_ in {"VERB", "AUX"} and gov.dep_ in {"acomp", "advmod", "prep"}:
            gov = gov.head  # "is 2x faster than X": the figure hangs off the verb
        lo, hi = gov.left_edge.i, gov.right_edge.i
        # Inside the phrase, or right before it ("4059x energy savings over X" when the
        # parser hangs the figure elsewhere).
        return [f for f in figs if (lo <= f.start <= hi or f.end == lo) and f.start not in group]

    def _described_baseline(self, root: Token, marker: Token) -> str | None:
        """A baseline named by a description rather than a coined name: "magnitude pruning",
        "linear probes", "intra-batch parallelism techniques" (-> "intra-batch parallelism"),
        "early-exiting frameworks" (-> "early-exiting framework"), "vanilla Transformer";
        unnamed ones give None: "the baseline", "prior work", "their dense equivalents"."""
        if root.tag_ == "VBN":  # "than commonly used X": the baseline is the participle's object
            root = next((c for c in root.children if c.dep_ in {"dobj", "nsubjpass"}), root)
        if root.lemma_.lower() in BASELINE_OF_HEADS:  # "the baseline of X": X
            of = next((c for c in root.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            root = next((c for c in of.children if c.dep_ == "pobj"), root) if of is not None else root
        if root.pos_ not in {"NOUN", "PROPN"} or root.lemma_.lower() in NOT_A_BASELINE_HEADS:
            return None
        if root.lower_ in self.vocab.datasets:
            return None
        if not self._is_comparison(marker):
            return None
        if any(c.dep_ == "poss" or c.lower_ in OTHERS_DETS | UNNAMED_MODIFIERS for c in root.children):
            return None
        # The modifiers: the run of words right before the head, inside its phrase, up to a
        # determiner, an adverb or a participle that an adverb modifies ("commonly used
        # intra-batch parallelism"); a bare participle names the technique ("the chunked prefill").
        doc = root.doc
        words: list[Token] = []
        i = root.i - 1
        while i >= 0 and doc[i].head.i >= doc[i].i and root.left_edge.i <= i:
            t = doc[i]
            if t.pos_ == "NUM" and doc[i + 1].text == "-":
                pass  # "8-bit floating point"
            elif t.pos_ in {"DET", "PRON", "ADV", "PUNCT", "ADP", "CCONJ", "NUM"} and t.text != "-" or (
                    t.tag_ == "VBN" and any(c.pos_ == "ADV" for c in t.children)):
                break
            words.insert(0, t)
            i -= 1
        while words and words[0].text == "-":
            words.pop(0)
        before = doc[root.left_edge.i:root.i].text.lower()
        if "state-of-the-art" in before or "state of the art" in before:
            return None
        if any(t.lower_ in OTHERS_DETS | UNNAMED_MODIFIERS for t in words):
            return None
        split = _split_technique(root)
        if split is not None:
            return doc[words[0].i if words else root.i:split.i + 1].text
        head = root.lemma_.lower()
        if not words:
            # A bare common noun is a description only when written as a name ("Transformer").
            named = root.text[:1].isupper() and not root.is_sent_start and root.lower_ not in self.vocab.not_a_name
            # ... or as the bare singular object of a beat verb: "outperforms transformer".
            beaten = (marker.lemma_.lower() in BEAT_VERBS and root.i == marker.i + 1 and root.tag_ == "NN"
                      and not any(c.dep_ == "det" for c in root.children))
            return root.text if (named or beaten) and head not in GENERIC_SUBJECT_HEADS | GENERIC_BASELINE_HEADS else None
        mods = doc[words[0].i:root.i].text
        if head in GENERIC_SUBJECT_HEADS | GENERIC_BASELINE_HEADS:
            if len(words) >= 2 and words[-2].text == "-" and words[-1].pos_ != "NOUN":
                return f"{mods} {head}"  # "early-exiting frameworks"
            if words[-1].pos_ in {"NOUN", "PROPN"}:
                return mods  # "intra-batch parallelism techniques": the technique is its modifier
            return None  # "efficient methods", "simple baselines"
        # The singular, as a name is written: "linear probes" -> "linear probe".
        return f"{mods} {root.lemma_ if root.tag_ == 'NNS' else root.text}"

    @staticmethod
    def _clause_is_ours(marker: Token, own_tokens: set[int], they_ours: bool = False) -> bool:
        """The clause holding the comparison has the method (or the authors) as its subject,
        or no subject at all; "multiplying floats requires more energy compared to X" does not."""
        tok = marker
        for _ in range(6):
            if tok.pos_ in {"VERB", "AUX"}:
                subjects = [c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass", "csubj"}]
                if subjects:
                    words = OWN_WORDS | {"it"} | ({"they"} if they_ours else set())
                    return any(t.i in own_tokens or t.lower_ in words for c in subjects for t in c.subtree)
            if tok.head.i == tok.i:
                break
            tok = tok.head
        return True

    @staticmethod
    def _is_comparison(marker: Token) -> bool:
        """The word states a comparison of results, not just a relation ("a distribution over
        the simplex", "verified against the LLM"): than, versus, outperform, compared to, or
        over / against / upon after a gain or a comparative."""
        low = marker.lower_
        if low in THAN_OR_VERSUS or marker.lemma_.lower() in BEAT_VERBS:
            return True
        if low in COMPARE_MARKERS:
            return True
        head = marker.head
        return bool(head.lemma_.lower() in CHANGE_LEMMAS or head.lower_ in CHANGE_NOUNS or head.tag_ in {"JJR", "RBR"})

    @staticmethod
    def _continue_list(sent: Span, comp: set[int], names_by_tok: dict[int, NameMention],
                       hw_tokens: set[int]) -> set[int]:
        """Extend a baseline phrase over a list the parser broke up: "over A3 accelerator,
        MNNFast accelerator, TITAN Xp GPU and Xeon CPU", "... such as VGGNet, ResNet"."""
        if not comp:
            return comp
        out = set(comp)
        doc = sent.doc
        i = max(comp) + 1
        while i < sent.end:
            tok = doc[i]
            if tok.lower_ in EXAMPLE_MARKERS and i + 1 < sent.end:
                i += 1
                continue
            if tok.text[:1].isdigit() and i not in names_by_tok and i not in hw_tokens:
                break  # "than X and 1.4x faster than Y": a figure starts the next comparison
            if tok.text in BASELINE_LIST_FILLERS or i in names_by_tok or i in hw_tokens or (
                tok.pos_ in {"NOUN", "PROPN"} and i - 1 in out
            ):
                if i in names_by_tok or i in hw_tokens or tok.pos_ in {"NOUN", "PROPN"}:
                    out.add(i)
                i += 1
                continue
            break
        return out

    def _baseline_tokens(self, root: Token) -> set[int]:
        """The baseline phrase under `root`, conjuncts included, settings ("on A100") left out."""
        out: set[int] = set()
        stack = [root]
        while stack:
            tok = stack.pop()
            out.add(tok.i)
            for child in tok.children:
                if child.dep_ == "prep" and child.lower_ in SETTING_PREPS:
                    # "architectures to date such as VGGNet": examples stay baselines.
                    stack.extend(t for t in child.subtree if t.dep_ == "prep" and t.lower_ in EXAMPLE_PREPS)
                    continue
                if child.dep_ in {"relcl", "acl", "advcl", "ccomp"}:
                    # A participle or a restrictive relative clause narrows the compared
                    # phrase ("systems that use ..."); ", which ..." only describes it.
                    left = child.left_edge.i
                    if child.dep_ == "acl" or (child.dep_ == "relcl" and left > 0 and tok.doc[left - 1].text != ","):
                        stack.extend(_bracketed_examples(child))
                    continue
                if child.dep_ == "conj" and child.pos_ not in {"NOUN", "PROPN", "NUM", "X"}:
                    continue  # "than X, as well as attains 0.2% ...", "than X and 1.4x faster than Y"
                stack.append(child)
        return out

    # -- sentence subject ---------------------------------------------------------------
    def _about_others(self, sent: Span, names_by_tok: dict[int, NameMention], own: set[str],
                      they_are_ours: bool = False) -> bool:
        """The sentence's subject is another method, "they", "existing methods", or a bare
        technique class, also as the subject of what the sentence reports ("the profiling
        reveals that 4-bit quantization reduces ...")."""
        root = sent.root
        for child in root.children:
            if child.dep_ not in {"nsubj", "nsubjpass"}:
                continue
            n = names_by_tok.get(child.i)
            if n is not None and n.start > sent.start and sent.doc[n.start - 1].lower_ in VERSUS_OR_UNLIKE_WORDS:
                continue  # "Versus TGI, it cuts ...": the parser made the baseline a subject
            if n is not None and match_key(n.text) not in own and not any(
                match_key(n.text).startswith(k) for k in own
            ):
                if not any(t.lower_ == "our" for t in child.subtree):
                    return True
            if child.lower_ == "they" and not they_are_ours:
                return True
            if child.lemma_.lower() in GENERIC_SUBJECT_HEADS:
                mods = {t.lower_ for t in child.children}
                if mods & OTHERS_DETS and "our" not in mods and "proposed" not in mods:
                    return True
        # The technique as the subject of the sentence or of what it reports ("reveals that ...").
        clauses = [root, *(c for c in root.children if c.dep_ == "ccomp")]
        return any(child.dep_ in {"nsubj", "nsubjpass"} and child.lower_ in TECHNIQUE_NOUNS and child.pos_ == "NOUN"
                   and self._bare_technique(child, own) for clause in clauses for child in clause.children)

    @staticmethod
    def _bare_technique(head: Token, own: set[str]) -> bool:
        """A technique class written with no article or owner ("4-bit quantization",
        "weight pruning") that is not the paper's own method."""
        phrase = head.doc[head.left_edge.i:head.i + 1]
        if any(t.pos_ in {"DET", "PRON"} or t.lower_ in OWN_WORDS for t in phrase):
            return False
        key = match_key(phrase.text)
        # "weight pruning ... pruning reduces latency": the method's name, shortened, is still it.
        return not any(key == k or key.startswith(k) or k.startswith(key) or k.endswith(key) for k in own)

    def __call__(self, doc: Doc) -> Doc:
        doc._.rule_claims = self._read(doc)
        return doc

    def _read(self, doc: Doc) -> list[DocClaim]:
        proposed: list[Proposal] = doc._.proposed or []
        if not proposed:
            return []
        r = _Reading.of(doc, proposed)
        first = r.first_sentence()
        claims: list[DocClaim] = []
        prev_ours = False
        for sent in doc.sents:
            if sent.start < first:
                # Before the method is proposed the abstract sets the scene; a platform the
                # work is framed for ("designed for mobile devices", "deploying to FPGAs")
                # is still its target, whatever else the sentence says is background.
                if not self._about_others(sent, r.names_by_tok, r.own):
                    claims.extend(self._framed_targets(doc, sent, r.hardware, r.hw_tokens, r.entities[id(r.main)],
                                                       r.main.name, r.factor))
                continue
            own_mentions = [n for n in r.names if sent.start <= n.start < sent.end and r.proposal_of(n.text) is not None]
            # "They" right after a sentence about the method is the method's outputs or
            # variants ("they are 11.7% more accurate"); otherwise it is someone else's.
            if not own_mentions and self._about_others(sent, r.names_by_tok, r.own, they_are_ours=prev_ours):
                prev_ours = False
                continue
            said = self._who_speaks(r, sent, own_mentions, prev_ours)
            prev_ours = said.ours
            claims.extend(self._sentence_claims(r, sent, said))
        return claims

    def _who_speaks(self, r: _Reading, sent: Span, own_mentions: list[NameMention], they_ours: bool) -> _Said:
        """The sentence's subject among the paper's own methods (else the main one, by
        coreference), and whether the sentence speaks of the authors' work."""
        doc = r.doc
        subj_prop, subj_text, coref = r.main, r.main.name, True
        if own_mentions:
            subj_mention = next(
                (n for n in own_mentions if any(t.dep_ in {"nsubj", "nsubjpass"} for t in doc[n.start:n.end])),
                own_mentions[0],
            )
            p = r.proposal_of(subj_mention.text)
            if p is not None:
                subj_prop, subj_text, coref = p, subj_mention.text, False
        # Own methods named in the sentence, for a figure stated right after one of them
        # ("Fast-VTrans using 3% of the data and Faster-VTrans, ..., 25x faster").
        owners = [(n.start, r.entities[id(r.proposal_of(n.text))], n.text) for n in own_mentions
                  if r.proposal_of(n.text) is not None]
        ours = bool(own_mentions) or self._speaks_of_own(sent) or they_ours and any(
            t.lower_ == "they" and t.dep_ in {"nsubj", "nsubjpass"} for t in sent)
        return _Said(
            subj_prop=subj_prop, subject=r.entities[id(subj_prop)], subj_text=subj_text,
            conf=r.factor * (1.0 if not coref else 0.9), ours=ours, they_ours=they_ours,
            own_tokens={t for n in own_mentions for t in range(n.start, n.end)}, owners=owners,
        )

    def _sentence_claims(self, r: _Reading, sent: Span, said: _Said) -> list[DocClaim]:
        """What one sentence about the paper's work claims: outperforms, targets, improves."""
        doc, names_by_tok = r.doc, r.names_by_tok
        groups = self._comparisons(r, sent)
        comp: set[int] = set().union(*(g for _, _, g, _ in groups)) if groups else set()
        sent_figs = [f for f in r.figures if sent.start <= f.start < sent.end]
        # Not inside a longer name: "Faster-VTrans" is no speed claim.
        sent_metrics = [m for m in r.metrics if sent.start <= m.start < sent.end and m.start not in comp
                        and not (m.start in names_by_tok and len(names_by_tok[m.start].text) > len(m.text))]
        sent_figs, fig_metric = self._bind_figures(doc, sent, sent_metrics, sent_figs, names_by_tok)
        claims, baseline_hw = self._outperforms(r, sent, said, groups, sent_figs, fig_metric)
        targets, sent_hw = self._targets(r, sent, said, baseline_hw)
        claims.extend(targets)
        # Improves: metric phrases with a figure or a change word, figures with implied metrics.
        claims.extend(self._improves(doc, sent, said.subject, said.subj_text, said.conf, sent_metrics, sent_figs,
                                     fig_metric, comp, sent_hw, said.ours, said.owners))
        return claims

    def _comparisons(self, r: _Reading, sent: Span) -> list[tuple[Token, Token, set[int], Token | None]]:
        """Baselines: one group of tokens for each comparison construction (root, marker)."""
        names_by_tok, hw_tokens = r.names_by_tok, r.hw_tokens
        groups: list[tuple[Token, Token, set[int], Token | None]] = []
        for root, marker in self._baseline_roots(sent, set(names_by_tok) | hw_tokens):
            tokens = self._baseline_tokens(root)
            if root.lower_ in CHANGE_NOUNS:
                # "than X, as well as attains 0.2% accuracy improvement": the parser made
                # the result the object; the baseline is only the name hanging off it.
                tokens = {t for c in root.children if c.dep_ in {"nmod", "compound", "poss"} and c.i < root.i
                          and any(g.i in names_by_tok or g.i in hw_tokens for g in c.subtree)
                          for t in self._baseline_tokens(c)}
            group = self._continue_list(sent, tokens, names_by_tok, hw_tokens)
            groups.append((root, marker, group, None))
            # "surpassing A by 19.1 points and B by 25.0 points": B, with its own margin.
            groups.extend((b, marker, self._baseline_tokens(b), b) for b in self._gapped_baselines(marker, names_by_tok)
                          if b.i not in group)
        return groups

    @staticmethod
    def _gapped_baselines(marker: Token, names_by_tok: dict[int, NameMention]) -> list[Token]:
        """"surpassing A by 19.1 points and B by 25.0 points": the parser hangs B off the
        first margin as its conjunct; a name there is beaten too."""
        if marker.lemma_.lower() not in BEAT_VERBS:
            return []
        return [c for prep in marker.children if prep.dep_ == "prep" and prep.lower_ == "by"
                for m in prep.children if m.dep_ == "pobj" for c in m.conjuncts
                if c.i > m.i and c.i in names_by_tok]

    def _outperforms(self, r: _Reading, sent: Span, said: _Said, groups: list[tuple[Token, Token, set[int], Token | None]],
                     sent_figs: list[FigureMention], fig_metric: dict[int, str]) -> tuple[list[DocClaim], set[int]]:
        """The baselines each comparison beats, and the hardware tokens that are baselines."""
        s0, s1 = sent.start_char, sent.end_char
        claims: list[DocClaim] = []
        seen_baselines: set[str] = {match_key(said.subj_prop.name)}
        baseline_hw: set[int] = set()
        for root, marker, group, near in groups:
            if self._not_a_win(marker):
                baseline_hw |= {h.start for h in r.hardware if h.start in group}
                continue
            if self._not_a_comparison(marker):
                continue
            clause_figs = self._clause_figures(marker, group, sent_figs)
            # A gapped baseline's margin is the figure nearest after it, not the first one.
            fig = self._clause_figure(marker, clause_figs, near=near)
            metric = to_metric_entity(fig_metric[id(fig)]) if fig is not None and id(fig) in fig_metric else None
            beaten = self._beaten(r, root, marker, group, said, baseline_hw)
            margins = self._respective_margins(r, sent, beaten, clause_figs, group)
            for entity, text, c in beaten:
                if margins:  # "2.1x and 3.4x faster than A and B, respectively": one each, in order
                    fig = margins[text]
                    metric = to_metric_entity(fig_metric[id(fig)]) if id(fig) in fig_metric else None
                key = match_key(text)
                if key in seen_baselines:
                    continue
                seen_baselines.add(key)
                claims.append(DocClaim(
                    relation="outperforms", subject=said.subject, subject_text=said.subj_text, object=entity,
                    object_text=text, sent_start=s0, sent_end=s1, confidence=round(c * said.conf, 3),
                    figure=fig.figure if fig else None, metric=metric,
                ))
        return claims, baseline_hw

    @staticmethod
    def _respective_margins(r: _Reading, sent: Span, beaten: list[tuple[Entity, str, float]],
                            figs: list[FigureMention], group: set[int]) -> dict[str, FigureMention]:
        """With "respectively" and as many figures in the comparison's phrase as baselines
        beaten (two or more), baseline text -> its figure, both in sentence order; else {}."""
        lower = columns(sent.doc).lower
        if len(beaten) < 2 or not figs or "respectively" not in lower[sent.start:sent.end]:
            return {}
        # "is 2.1x and 3.4x faster than A and B": a figure listed right before the phrase's
        # first one belongs to the list, wherever the parser hangs it.
        figs = sorted(figs, key=lambda f: f.start)
        for f in sorted(r.figures, key=lambda f: -f.start):
            if sent.start <= f.start and f.end <= figs[0].start and all(
                    w in FIGURE_RUN_JOINERS for w in lower[f.end:figs[0].start]):
                figs.insert(0, f)
        if len(figs) != len(beaten):
            return {}
        starts = {m.text: m.start for m in (*r.names, *r.hardware) if m.start in group}
        if any(text not in starts for _, text, _ in beaten):
            return {}  # a described baseline: no position to pair by
        ordered = sorted((text for _, text, _ in beaten), key=starts.__getitem__)
        return dict(zip(ordered, figs))

    def _beaten(self, r: _Reading, root: Token, marker: Token, group: set[int], said: _Said,
                baseline_hw: set[int]) -> list[tuple[Entity, str, float]]:
        """What one comparison's group names as beaten (entity, text, confidence): other
        methods, hardware (also added to baseline_hw), else a described baseline."""
        found: list[tuple[Entity, str, float]] = []
        # "CMSIS-NN (ARM) and PULP-NN (RISC-V)": what stands in parentheses right after a
        # baseline says which platform it is, it is not another baseline.
        ends = {m.end for m in (*r.names, *r.hardware) if m.start in group}
        doc = r.doc
        run_models: set[int] = set()  # tokens of models named as what a baseline runs
        for n in r.names:
            if n.start not in group or r.proposal_of(n.text) is said.subj_prop or _qualifies(doc, n, ends):
                continue
            if n.text.lower() in self.vocab.object_models and _modifies_a_noun(doc, n):
                run_models.update(range(n.start, n.end))  # "over Transformer accelerators": the accelerators
                continue
            if n.text.lower() in self.vocab.datasets:
                continue
            found.append((to_method_entity(n.text), n.text, 0.85))
        for h in r.hardware:
            if h.start in group:
                baseline_hw.add(h.start)  # a baseline's platform is not the method's target either
                if not _qualifies(doc, h, ends) and not _platform_of_another(doc, h, r.names_by_tok):
                    found.append((h.entity, h.text, 0.8))
        if not found and not any(t in r.names_by_tok and t not in run_models or t in r.hw_tokens for t in group):
            described = (self._described_baseline(root, marker)
                         if said.ours and self._clause_is_ours(marker, said.own_tokens, said.they_ours) else None)
            if described is not None and r.proposal_of(described) is None:
                found.append((to_method_entity(described), described, 0.6))
        return found

    def _targets(self, r: _Reading, sent: Span, said: _Said, baseline_hw: set[int]) -> tuple[list[DocClaim], Entity | None]:
        """Targets: hardware the sentence runs / measures on (not the beaten one); and the
        first such hardware, the context of the sentence's improves claims."""
        doc = r.doc
        claims: list[DocClaim] = []
        sent_hw = None
        for h in r.hardware:
            if not (sent.start <= h.start < sent.end) or h.start in baseline_hw:
                continue
            position = self._hardware_position(doc, h)
            if position == "subject" and not said.ours:
                continue  # "GPUs are costly": the hardware is what the sentence is about, as background
            if self._negated_or_example(doc, h, r.hw_tokens):
                continue
            c = 0.5 if h.modifier else (0.9 if position == "platform" else 0.7)
            sent_hw = sent_hw or h.entity
            claims.append(DocClaim(
                relation="targets", subject=said.subject, subject_text=said.subj_text, object=h.entity,
                object_text=h.text, sent_start=sent.start_char, sent_end=sent.end_char,
                confidence=round(c * said.conf, 3),
            ))
        return claims, sent_hw

    def _bind_figures(self, doc: Doc, sent: Span, sent_metrics: list[MetricMention],
                      sent_figs: list[FigureMention], names_by_tok: dict[int, NameMention],
                      ) -> tuple[list[FigureMention], dict[int, str]]:
        """The sentence's result figures (settings dropped) and the metric each is bound to."""
        # Bind each figure to one metric: its unit's, a comparative right after it
        # ("2x faster", "3x larger" = none), else the nearest unblocked phrase.
        usable = [m for m in sent_metrics if not self._blocked(doc, m.start, m.end, sent)]
        metric_at = {t: m for m in usable for t in range(m.start, m.end)}
        sent_figs = [f for f in sent_figs if not self._is_setting(doc, f, sent)]
        fig_metric: dict[int, str] = self._respectively(sent, sent_figs, usable)
        fig_metric.update(self._runs(doc, sent_figs, metric_at, fig_metric))
        for f in sent_figs:
            if id(f) in fig_metric:
                continue
            metric = self._figure_metric(doc, sent, f, usable, metric_at, names_by_tok)
            if metric is not None:
                fig_metric[id(f)] = metric
        return sent_figs, fig_metric

    def _figure_metric(self, doc: Doc, sent: Span, f: FigureMention, usable: list[MetricMention],
                       metric_at: dict[int, MetricMention], names_by_tok: dict[int, NameMention]) -> str | None:
        """The metric one figure is bound to, or None (a baseline's own figure, none named)."""
        if f.metric:
            return f.metric
        if f.start >= 2 and doc[f.start - 1].text == "(" and doc[f.start - 2].i in names_by_tok:
            return None  # "GhostNetV1 (74.5%)": the baseline's own figure
        # A metric phrase right after the figure is its own: "9761x energy efficiency".
        if f.end in metric_at:
            return metric_at[f.end].metric
        governed = self._governed_metric(doc, f, metric_at)
        if governed is not None:
            return governed or None  # "": governed by a word that names no metric
        nxt = doc[f.end] if f.end < sent.end else None
        if nxt is not None and nxt.lower_ == "as" and f.end + 1 < sent.end and doc[f.end + 1].lower_ in AS_ADJ_METRIC:
            return AS_ADJ_METRIC[doc[f.end + 1].lower_]  # "four times as fast as X"
        if nxt is not None and nxt.lower_ == "the" and f.figure.unit == "x":
            # "2x the throughput of X" names its metric; "2x the number of channels" none.
            after = next((m for m in usable if f.end < m.start <= f.end + 4), None)
            return after.metric if after is not None else None
        if nxt is not None and (nxt.tag_ in {"JJR", "RBR"} or nxt.lower_ in MORE_OR_FEWER):
            if nxt.lower_ in FIGURE_ADJ_METRIC:
                return FIGURE_ADJ_METRIC[nxt.lower_]
            if nxt.lower_ == "more" and f.end + 1 < sent.end and doc[f.end + 1].lower_ in THROUGHPUT_NOUNS:
                return "Throughput"
            after = next((m for m in usable if f.end <= m.start <= f.end + 3), None)
            return after.metric if after is not None else None
        return self._nearest_metric(sent, f, usable)

    def _nearest_metric(self, sent: Span, f: FigureMention, usable: list[MetricMention]) -> str | None:
        """The nearest metric phrase within 12 tokens, else the default of the figure's unit."""
        best = None
        for m in usable:
            if m.start >= f.end:
                d = m.start - f.end
            else:
                d = f.start - m.end + 1  # phrase before the figure: "accuracy of 75.3%"
            if f.figure.unit == "x" and m.metric == "Accuracy":
                d += 6  # "N×" is rarely an accuracy figure
            if best is None or d < best[0]:
                best = (d, m.metric)
        if best is not None and best[0] <= 12:
            return best[1]
        if f.figure.unit == "x":
            return self.default_x_metric
        if f.figure.unit in MEMORY_UNITS:
            return "Memory"  # "needs only 3.76 KB of SRAM"
        if f.figure.unit == "%" and any(t.lemma_.lower() in COMPARISON_LEMMAS for t in sent):
            # "outperforms X by 32.4%", "improvements ... by 5.3%": a relative gain
            # with no metric named is, in this literature, a quality figure.
            return self.default_percent_metric
        return None

    def _improves(self, doc: Doc, sent: Span, subject: Entity, subj_text: str, conf: float,
                  sent_metrics: list[MetricMention], sent_figs: list[FigureMention], fig_metric: dict[int, str],
                  comp: set[int], sent_hw: Entity | None, ours: bool,
                  owners: list[tuple[int, Entity, str]] = ()) -> list[DocClaim]:
        out: list[DocClaim] = []
        s0, s1 = sent.start_char, sent.end_char
        done: set[tuple[str, float | None]] = set()
        for f in sent_figs:
            metric = fig_metric.get(id(f))
            if metric is None or f.start in comp:
                continue
            if self._blocked(doc, f.start, f.end, sent):
                continue
            done.add((metric, f.figure.value))
            f_subject, f_text = self._subject_at(f.start, owners, subject, subj_text)
            out.append(DocClaim(
                relation="improves", subject=f_subject, subject_text=f_text, object=to_metric_entity(metric),
                object_text=f.figure.text, sent_start=s0, sent_end=s1, confidence=round(0.9 * conf, 3),
                figure=f.figure, hardware=sent_hw,
            ))
        with_fig = {m for m, _ in done}
        # A figure for another metric, or an N× margin, says which "performance" is meant.
        other_figures = any(f.figure.unit == "x" or fig_metric.get(id(f), "Accuracy") != "Accuracy" for f in sent_figs)
        metric_tokens = {t for m in sent_metrics for t in range(m.start, m.end)}
        for m in sent_metrics:
            if m.metric in with_fig:
                continue
            if not ours:
                continue  # a gain with no figure, in a sentence that is not about the method: background
            if self._blocked(doc, m.start, m.end, sent) or not self._has_cue(doc, m.start, m.end, sent):
                continue
            root = doc[m.start:m.end].root
            if self._in_purpose_clause(root) or self._is_attribute(root, m) or self._grows(root, m):
                continue
            if m.text.lower() == "power" and m.end < sent.end and doc[m.end].lower_ == "of":
                continue  # "the power of neural networks": capability, not watts
            if "performance" in m.text.lower() and other_figures:
                continue  # "state-of-the-art performance of 65.3 tokens/s": a figure says which
            if root.dep_ == "dobj" and root.head.lemma_.lower() in SPEED_VERBS and m.metric not in {"Speed",
                                                                                                 "Throughput"}:
                continue  # "accelerates compression": the gain is speed, not size
            if root.lemma_.lower() in SPEED_VERBS and any(
                c.dep_ == "dobj" and any(t.i in metric_tokens for t in c.subtree) for c in root.children
            ):
                continue  # "accelerates end-to-end throughput": the object's metric is the claim
            with_fig.add(m.metric)
            m_subject, m_text = self._subject_at(m.start, owners, subject, subj_text)
            out.append(DocClaim(
                relation="improves", subject=m_subject, subject_text=m_text, object=to_metric_entity(m.metric),
                object_text=m.text, sent_start=s0, sent_end=s1, confidence=round(0.7 * conf, 3), hardware=sent_hw,
            ))
        if ours and "Accuracy" not in with_fig and not other_figures:
            quality = self._general_quality(doc, sent, bool(sent_metrics))
            if quality is not None:
                out.append(DocClaim(
                    relation="improves", subject=subject, subject_text=subj_text,
                    object=to_metric_entity("Accuracy"), object_text=quality.text, sent_start=s0, sent_end=s1,
                    confidence=round(0.6 * conf, 3), hardware=sent_hw,
                ))
        return out

    def _general_quality(self, doc: Doc, sent: Span, names_metric: bool) -> Token | None:
        """Quality claimed in general words, which this literature means as accuracy:
        "superior performance", "state-of-the-art results", "higher precision", "the
        superiority of X over Y", or beating a baseline when no metric is named at all
        ("Wanda outperforms magnitude pruning")."""
        col = columns(doc)
        for i in range(sent.start, sent.end):
            low = col.lower[i]
            if low in GENERIC_QUALITY:
                t = doc[i]
                if self._blocked(doc, t.i, t.i + 1, sent):
                    continue
                mods = [c for c in t.children if c.dep_ in {"amod", "compound", "advmod", "nmod"}]
                of = [g for c in t.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.subtree]
                if any(c.lower_ in SYSTEM_PERFORMANCE for c in mods + of):
                    continue  # "execution performance", "the performance of LLM serving": speed
                cues = [c.lower_ for c in mods]
                if t.head.i != t.i and t.dep_ in {"dobj", "nsubjpass"}:
                    cues.append(t.head.lemma_.lower())
                before = doc[max(sent.start, t.i - 6):t.i].text.lower()
                if set(cues) & QUALITY_CUES or "state-of-the-art" in before and t.i - sent.start > 0:
                    return t
            elif low == "superiority" or not names_metric and col.lemma[i] in BEAT_VERBS and col.pos[i] == "VERB":
                return doc[i]
        return None

    @staticmethod
    def _hardware_position(doc: Doc, h: HardwareMention) -> str:
        """Where the parse puts a hardware mention: "platform" (the object of on / for / to /
        across, or of a deploy verb, lists and "such as" included), "subject" (what a clause
        is about: "GPUs are costly") or "other"."""
        c = columns(doc)
        i = doc[h.start:h.end].root.i
        for _ in range(6):
            dep, head = c.dep[i], c.heads[i]
            if head == i:
                return "other"
            if dep in {"nsubj", "nsubjpass", "csubj"}:
                return "subject"
            if dep == "pobj" and c.lower[head] in PLATFORM_PREPS:
                return "platform"
            if dep in {"dobj", "pobj"} and c.lemma[head] in DEPLOY_VERBS:
                return "platform"
            if dep in {"conj", "appos", "pobj", "prep", "amod", "compound", "nmod"} and c.pos[head] != "VERB" or (
                dep == "pobj" and c.lower[head] in EXAMPLE_PREPS
            ):
                i = head
                continue
            return "other"
        return "other"

    @staticmethod
    def _negated_or_example(doc: Doc, h: HardwareMention, hw_tokens: set[int]) -> bool:
        """"a GPU-less board" names hardware by its absence; "low-powered devices, including
        smartphones, drones" gives examples of a platform already named (the class counts)."""
        if h.end + 1 < len(doc) and doc[h.end].text == "-" and doc[h.end + 1].lower_ in {"less", "free"}:
            return True
        if any(c.isdigit() for c in h.text) or h.text[:1].isupper():
            return False  # a named product under a class is more specific: "GPUs such as the RTX 4090"
        tok = doc[h.start:h.end].root
        for _ in range(4):
            if tok.dep_ == "pobj" and tok.head.lower_ in EXAMPLE_PREPS:
                return tok.head.head.i in hw_tokens
            if tok.dep_ not in {"conj", "appos"} or tok.head.i == tok.i:
                return False
            tok = tok.head
        return False

    def _framed_targets(self, doc: Doc, sent: Span, hardware: list[HardwareMention], hw_tokens: set[int],
                        subject: Entity, subj_text: str, factor: float) -> list[DocClaim]:
        out: list[DocClaim] = []
        for h in hardware:
            if (sent.start <= h.start < sent.end and not h.modifier and self._hardware_position(doc, h) == "platform"
                    and not self._negated_or_example(doc, h, hw_tokens)):
                out.append(DocClaim(
                    relation="targets", subject=subject, subject_text=subj_text, object=h.entity,
                    object_text=h.text, sent_start=sent.start_char, sent_end=sent.end_char,
                    confidence=round(0.6 * factor, 3),
                ))
        return out

    @staticmethod
    def _subject_at(i: int, owners: list[tuple[int, Entity, str]], subject: Entity,
                    subj_text: str) -> tuple[Entity, str]:
        """The sentence's subject, unless another of the paper's methods is named between
        it and token i: then the figure is that method's."""
        if len({e.key for _, e, _ in owners}) < 2:
            return subject, subj_text
        before = [(start, e, text) for start, e, text in owners if start < i]
        if not before:
            return subject, subj_text
        _, entity, text = max(before, key=lambda o: o[0])
        return entity, text

    @staticmethod
    def _speaks_of_own(sent: Span) -> bool:
        """The sentence is the authors' or their method's: "we", "our", "the proposed", "it"
        or "this approach" as a subject; background sentences have none of these."""
        c = columns(sent.doc)
        for i in range(sent.start, sent.end):
            low = c.lower[i]
            if low in OWN_WORDS:
                return True
            if low in {"it", "its"} and c.dep[i] in {"nsubj", "nsubjpass", "poss"}:
                return True
            if low == "this" and c.lemma[c.heads[i]] in GENERIC_SUBJECT_HEADS | THIS_WORK_HEADS:
                return True
        return False

    @staticmethod
    def _is_setting(doc: Doc, f: FigureMention, sent: Span) -> bool:
        """A number that sets up the experiment rather than reports a result: a bit-width
        ("4-bit quantized ResNet", unless quantised *to* it or it describes the method's own
        model: "our 4-bit quantized model", "X, a new 4-bit quantization paradigm"), a run time in hours or days
        ("training took 5 hours"), a device's memory ("a 16GB GPU"), a model's scale
        ("models of up to 13B parameters")."""
        unit = f.figure.unit
        before = [t.lower_ for t in doc[max(sent.start, f.start - 3):f.start]]
        nxt = doc[f.end] if f.end < sent.end else None
        if unit == "bit":
            # "down to 4-bit", "to only 3 bits", "of up to 3-bit": what the model is compressed to.
            qual = (f.figure.qualifier or "").split()
            if any(w in before for w in BIT_COMPARISON_WORDS):
                return True
            return "to" not in before + qual and not _bits_describe_the_method(doc, f)
        if unit == "GPU hours":
            # A compute budget is a result when it is said to be small: "a mere 74 GPU hours".
            return not (set(before) & SMALL_CUES or any(t.lemma_.lower() in CHANGE_LEMMAS or t.lower_ in CHANGE_WORDS
                                                        for t in doc[max(sent.start, f.start - 4):min(sent.end, f.end + 2)]))
        if unit in {"h", "min"}:
            # The change word must be in the figure's clause: "in 41 hours, with less than 3
            # points accuracy degradation" is a training time and then another result.
            end = next((t.i for t in doc[f.end:min(sent.end, f.end + 4)] if t.lower_ in CLAUSE_BREAKS), min(sent.end, f.end + 4))
            window = doc[max(sent.start, f.start - 6):end]
            return not any(t.lemma_.lower() in CHANGE_LEMMAS or t.lower_ in CHANGE_WORDS for t in window)
        if unit in SCALED_MEMORY_UNITS and nxt is not None:
            return nxt.lower_ in DEVICE_MEMORY_NOUNS or nxt.pos_ == "PROPN"
        if unit == "%" and nxt is not None and before[-1:] and before[-1] in SETTING_FIGURE_PREPS:
            # "at 50% sparsity", "with 20% heavy hitters": the setting a result is measured at
            # (not "with 45% less memory", "with a 2.3% accuracy gain": a metric or a change).
            noun = next((t for t in doc[f.end:min(sent.end, f.end + 3)] if t.pos_ in {"NOUN", "PROPN"}), None)
            if noun is not None and all(t.pos_ == "ADJ" and t.lower_ not in SMALLER_COMPARATIVES
                                        for t in doc[f.end:noun.i]) and noun.lower_ not in CHANGE_NOUNS \
                    and not any(m.start <= t < m.end for m in doc._.metrics or () for t in range(f.end, noun.i + 1)):
                return True
        if unit == "%" and nxt is not None and nxt.lower_ in SHARE_WORDS and before[-1:] != ["of"]:
            # "only 3% of the data", "the 75% percentile": a share, not a gain, unless a
            # change verb takes it ("removes 50% of the parameters").
            return not any(t.lemma_.lower() in CHANGE_LEMMAS | REMOVE_VERBS for t in doc[max(sent.start, f.start - 3):f.start])
        if unit in TIME_UNITS:
            # An absolute time is a result when it names its metric or a change
            # ("0.31 μs latency", "2.4ms less"); "segmentation took about 2 seconds" is not.
            window = doc[max(sent.start, f.start - 3):min(sent.end, f.end + 2)]
            return not any(t.lower_ in TIME_METRIC_WORDS or t.lemma_.lower() in CHANGE_LEMMAS
                           or t.lower_ in CHANGE_WORDS for t in window)
        if unit == "parameters":
            after = doc[f.end].lower_ if f.end < sent.end else ""
            return not (set(before) & SMALL_CUES or after in SMALLER_COMPARATIVES)
        return False

    @staticmethod
    def _runs(doc: Doc, figs: list[FigureMention], metric_at: dict[int, MetricMention],
              bound: dict[int, str]) -> dict[int, str]:
        """"1.6x, 3.0x, 162x and 347x speedup": a list of figures takes the metric named
        right after its last one."""
        out: dict[int, str] = {}
        run: list[FigureMention] = []
        for f in figs:
            if run and not all(t.text in FIGURE_RUN_JOINERS for t in doc[run[-1].end:f.start]):
                run = []
            run.append(f)
            if len(run) > 1 and f.end in metric_at and f.metric is None:
                for g in run[:-1]:
                    if g.metric is None and id(g) not in bound:
                        out[id(g)] = metric_at[f.end].metric
        return out

    @staticmethod
    def _respectively(sent: Span, figs: list[FigureMention], usable: list[MetricMention]) -> dict[int, str]:
        """"reduce power and latency respectively by 54% and 44%": figures pair up with
        the metric phrases before them, in order."""
        if "respectively" not in columns(sent.doc).lower[sent.start:sent.end]:
            return {}
        free = [f for f in figs if f.metric is None]
        if len(free) < 2:
            return {}
        named = [m for m in usable if m.end <= free[0].start]
        if len(named) < 2:
            return {}
        return {id(f): m.metric for f, m in zip(free, named[-len(free):] if len(named) > len(free) else named)}

    def _governed_metric(self, doc: Doc, f: FigureMention, metric_at: dict[int, MetricMention]) -> str | None:
        """The metric the parse ties a figure to: "reduces memory usage by 45%" (the verb's
        object), "a speedup of 2x", "a 45% reduction in latency", "accelerates X by 2.6x";
        the empty string when the figure measures a loss ("a minimal accuracy drop of 0.2%")."""
        # Start from the number itself: "with up to 2x speedup" hangs off "speedup" by
        # "2x", while the span's root is "up".
        tok = next((t for t in reversed(doc[f.start:f.end]) if t.like_num or t.text[:1].isdigit()),
                   doc[f.start:f.end].root)
        via_conj = False
        for _ in range(6):
            if tok.lower_ in GENERIC_PERFORMANCE and f.figure.unit == "x":
                return self.default_x_metric  # "improves the performance by 2360x": a speed figure
            # Not across a conjunction: "an 8x increase in model size and 10x increase in
            # performance" parses the second increase as a conjunct of "size".
            if tok.i in metric_at and not (f.start <= tok.i < f.end) and not via_conj:
                found = metric_at[tok.i].metric
                if tok.dep_ == "dobj" and tok.head.lemma_.lower() in SPEED_VERBS and found != "Throughput":
                    return "Speed"  # "accelerates compression by 25x" (the parser hangs "by" on the noun)
                return found
            via_conj = tok.dep_ == "conj"
            head = tok.head
            if head.i == tok.i:
                break
            if tok.dep_ in {"pobj", "pcomp", "prep", "conj", "agent", "nummod", "quantmod", "compound", "npadvmod",
                            "appos", "dobj"} and head.pos_ in {"ADP", "ADV", "PART", "NOUN", "PROPN", "NUM", "VERB", "AUX", "SYM", "X"}:
                if head.pos_ in {"VERB", "AUX"}:
                    # The verb's object is the figure itself ("achieves 2x") or the verb acts
                    # on a metric ("reduces latency by 2x"), also when the parser hangs "by 8x"
                    # on the object ("compresses the model by 8x"); never climb on to another verb.
                    figure_itself = tok.dep_ == "dobj" and f.start <= tok.i < f.end
                    return None if figure_itself else self._verb_metric(head, tok, metric_at, f.figure.unit)
                if head.lower_ in BLOCK_AFTER or head.lower_ in CHANGE_NOUNS and any(
                    c.lower_ in BLOCK_BEFORE for c in head.children
                ):
                    return ""  # "a minimal accuracy reduction of 0.2%", "a loss of 0.5%": no gain
                if head.pos_ in {"NOUN", "PROPN"} and head.lower_ in CHANGE_NOUNS:
                    found = self._noun_metric(head, tok, metric_at, f.figure.unit)
                    if found is not None:
                        return found
                tok = head
                continue
            break
        return None

    def _verb_metric(self, verb: Token, branch: Token, metric_at: dict[int, MetricMention],
                     unit: str | None) -> str | None:
        """The metric a change verb acts on: in its object (or passive subject), else the
        verb's own sense ("accelerates ... by 2.6x"); a margin over a baseline with no
        metric named ("outperforms X by 5.3%") takes the configured default."""
        lemma = verb.lemma_.lower()
        prev = branch.i - 1
        if prev in metric_at and branch.lower_ in {"by", "of"} and lemma not in SPEED_VERBS:
            return metric_at[prev].metric  # "latency is reduced by 41% and energy by 35%"
        for child in verb.children:
            if child.i == branch.i or child.dep_ not in {"dobj", "nsubjpass", "xcomp", "attr"}:
                continue
            for t in child.subtree:
                if t.i in metric_at:
                    found = metric_at[t.i].metric
                    # "accelerating compression by 25x" is a speed-up of the compression.
                    if lemma in SPEED_VERBS and found != "Throughput":
                        return "Speed"
                    return found
        if lemma in SPEED_VERBS:
            return "Speed"
        if lemma in COMPRESS_VERBS:
            return "Model size"
        if lemma in BEAT_VERBS:
            return self.default_x_metric if unit == "x" else self.default_percent_metric if unit == "%" else None
        return None

    def _noun_metric(self, noun: Token, branch: Token, metric_at: dict[int, MetricMention],
                     unit: str | None) -> str | None:
        """"a 45% reduction in latency", "memory reduction of 3x", "energy savings of 2x";
        "" for a growth that is no gain ("an 8x increase in model size")."""
        for child in noun.children:
            if child.i == branch.i:
                continue
            found: MetricMention | None = None
            if child.dep_ == "prep" and child.lower_ in CHANGE_COMPLEMENT_PREPS:
                for t in child.subtree:
                    if t.i in metric_at:
                        found = metric_at[t.i]
                        break
                    if t.lower_ in GENERIC_PERFORMANCE and unit == "x":
                        return self.default_x_metric  # "10x increase in achievable performance"
            elif child.dep_ in {"compound", "amod", "nmod"} and child.i in metric_at:
                found = metric_at[child.i]
            if found is not None:
                if noun.lemma_.lower() in GROWTH_NOUNS and self._lower_is_better(found):
                    return ""
                return found.metric
        return None

    @staticmethod
    def _lower_is_better(m: MetricMention) -> bool:
        """Metrics that improve by going down, named as a quantity ("model size", "memory
        usage"), not as an efficiency ("memory efficiency")."""
        return m.metric in LOWER_IS_BETTER_METRICS and not any(
            w in m.text.lower() for w in ("efficien", "saving", "reduction"))

    @staticmethod
    def _is_attribute(root: Token, m: MetricMention) -> bool:
        """The metric phrase describes another thing: "a memory-efficient counting mechanism",
        "low-latency communication fabrics", "a low-power CPU"."""
        head = root.head
        return (root.dep_ in {"amod", "compound", "nmod"} and not (m.start <= head.i < m.end)
                and head.pos_ in {"NOUN", "PROPN"} and head.i >= m.end
                and head.lower_ not in CHANGE_NOUNS and head.lemma_.lower() not in CHANGE_LEMMAS | PROBLEM_NOUNS
                and not m.text.lower().endswith("efficient"))  # "a memory-efficient mechanism" is the claim

    def _grows(self, root: Token, m: MetricMention) -> bool:
        """More of a lower-is-better quantity is no gain: "increasing the model size". A
        present participle before the noun tells the quantity's trend, not what the method
        does to it: "reduces the growing computational overhead"."""
        if not self._lower_is_better(m):
            return False
        near = [root.head, *(c for c in root.children if not (c.dep_ == "amod" and c.tag_ == "VBG"))]
        return any(t.lemma_.lower() in GROWTH_VERBS or t.lower_ in GROWTH_COMPARATIVES for t in near)

    @staticmethod
    def _in_purpose_clause(tok: Token) -> bool:
        """The metric is what something is *for*, not what it achieved: "a top-k engine ...
        to reduce memory", "designed to facilitate ... while reducing computation"."""
        c = columns(tok.doc)
        i, verbs = tok.i, 0
        for _ in range(8):
            head = c.heads[i]
            if head == i:
                return False
            if c.pos[head] in {"VERB", "AUX"}:
                if c.dep[head] in {"xcomp", "advcl", "acl", "relcl"} and any(
                    c.dep[k] == "aux" and c.lower[k] == "to" for k in c.children[head]
                ):
                    # ... unless it is what the method is proposed for: "X is proposed to
                    # improve accuracy", "adds pipelining to improve throughput".
                    # "enables users to debug and update the model to improve generalization".
                    up = [c.heads[head], c.heads[c.heads[head]], c.heads[c.heads[c.heads[head]]]]
                    return c.lemma[up[0]] not in PURPOSE_OF_PROPOSAL and not any(
                        c.lemma[k] in ENABLING_VERBS for k in up)
                verbs += 1
                # "to facilitate X while reducing Y": one clause further up, not more.
                if verbs > 1 or c.dep[head] not in {"advcl", "conj"}:
                    return False
            i = head
        return False

    @staticmethod
    def _has_cue(doc: Doc, start: int, end: int, sent: Span) -> bool:
        """A change word governs the metric phrase in the parse: "reduces memory", "higher
        throughput", "reduction in latency", "faster inference", "10x speedup"."""
        c = columns(doc)
        span = doc[start:end]
        lowers = c.lower[start:end]
        if not INTRINSIC_GAINS.isdisjoint(lowers):
            return True
        # The gazetteer phrase may carry its own change word: "state-of-the-art accuracy",
        # "more accurate", "lower latency".
        if end - start > 1 and (span.text.lower().startswith("state-of-the-art")
                                or not CHANGE_WORDS.isdisjoint(lowers)):
            return True
        root = span.root.i
        related = [k for k in c.children[root] if c.dep[k] in {"amod", "advmod", "compound", "nmod", "acomp"}]
        while c.dep[root] == "conj" and c.heads[root] != root:  # "improve the speed, memory and accuracy"
            root = c.heads[root]
            related.extend(k for k in c.children[root] if c.dep[k] in {"amod", "advmod"})
        head = c.heads[root]
        if head != root:
            related.append(head)
            related.extend(k for k in c.children[head] if c.dep[k] in {"amod", "advmod", "acomp", "dobj", "attr"}
                           and k != root)
            if c.dep[head] in {"prep", "agent"} and c.heads[head] != head:
                related.append(c.heads[head])
                related.extend(k for k in c.children[c.heads[head]] if c.dep[k] in {"amod", "advmod"})
        for k in related:
            if start <= k < end:
                continue
            if c.lemma[k] in CHANGE_LEMMAS or c.lower[k] in CHANGE_WORDS:
                return True
        # Adjacent comparatives the parser attached elsewhere: "lower cost", "less memory",
        # "state-of-the-art accuracy".
        if start > sent.start and c.lower[start - 1] in CHANGE_WORDS:
            return True
        # The tokens' lower forms joined: the text before, lower-cased, without its spaces.
        if "".join(c.lower[max(sent.start, start - 7):start]).replace(" ", "").endswith("state-of-the-art"):
            return True
        return False

    @staticmethod
    def _blocked(doc: Doc, start: int, end: int, sent: Span) -> bool:
        """Keeping quality is not improving it: "maintains accuracy", "no accuracy loss"."""
        c = columns(doc)
        lo = max(sent.start, start - 4)
        # Not across a clause boundary: "maintain the same quality while using 2.6x less memory".
        for i in range(lo, start):
            if c.lower[i] in CLAUSE_BREAKS:
                lo = i + 1
        # "accuracy loss", "a 0.5% accuracy drop"; not "2.4x without loss".
        after = c.lower[end:min(sent.end, end + 2)]
        if any(w in BLOCK_AFTER and not (k and after[k - 1] in LOSS_NEGATORS) for k, w in enumerate(after)):
            return True
        if not HARD_BLOCK.isdisjoint(c.lemma[lo:start]):
            return True
        if not BLOCK_BEFORE.isdisjoint(c.lower[lo:start]):
            return STRONG_POSITIVE.isdisjoint(c.lower[lo:min(sent.end, end + 3)])
        return False


    # Public names of the checks the candidate features read.
    blocked = _blocked
    has_cue = _has_cue
    in_purpose_clause = _in_purpose_clause
    speaks_of_own = _speaks_of_own
    hardware_position = _hardware_position


def register_extensions() -> None:
    if not Doc.has_extension("rule_claims"):
        Doc.set_extension("rule_claims", default=None)


# The reader's checks, read by the candidate features (pipeline/nlp/features.py).
blocked = RelationReader.blocked
has_cue = RelationReader.has_cue
in_purpose_clause = RelationReader.in_purpose_clause
speaks_of_own = RelationReader.speaks_of_own
hardware_position = RelationReader.hardware_position


@Language.factory(
    "effikg_relations", assigns=["doc._.rule_claims"],
    requires=["doc._.proposed", "doc._.names", "doc._.hardware", "doc._.metrics", "doc._.figures"],
    default_config={"vocab": {"@misc": "effikg.vocab.v1"}, "default_x_metric": "Speed",
                    "default_percent_metric": "Accuracy"},
)
def make_relations(nlp: Language, name: str, vocab: Vocab, default_x_metric: str,
                   default_percent_metric: str) -> RelationReader:
    register_extensions()
    return RelationReader(nlp, name, vocab, default_x_metric, default_percent_metric)


def _platform_of_another(doc: Doc, h: HardwareMention, names_by_tok: dict) -> bool:
    """Hardware that only says what a named baseline runs on: "CPU-based FastLLM" beats
    FastLLM (not "the GPU-based implementation", "the CPU implementation", "state-of-the-art
    GPUs": those beat the hardware itself)."""
    k = h.end
    while k + 2 < len(doc) and doc[k].text == "-" and doc[k + 1].lower_ == "based":
        k += 2
        # "CPU-based and GPU-based FastLLM": past the other modifiers to the name.
        while k + 2 < len(doc) and doc[k].lower_ in LIST_JOINERS and doc[k + 2].text == "-":
            k += 2
    return k > h.end and k in names_by_tok


def _qualifies(doc: Doc, mention: NameMention | HardwareMention, ends: set[int]) -> bool:
    """Whether a mention stands alone in parentheses right after another one ending in `ends`."""
    start, end = mention.start, mention.end
    return (start >= 1 and start - 1 in ends and doc[start - 1].text == "(" and end < len(doc)
            and doc[end].text == ")")


def _split_technique(root: Token) -> Token | None:
    """The technique noun right after `root` that the parser read as a participle of its
    own ("the baseline of magnitude pruning": "magnitude" + "pruning"), else None."""
    doc = root.doc
    after = doc[root.i + 1] if root.i + 1 < len(doc) else None
    if (root.pos_ == "NOUN" and after is not None and after.pos_ == "VERB" and after.lower_ in TECHNIQUE_NOUNS
            and not any(after.children)  # "the model pruning the same weights": a participle with its object
            and root.lemma_.lower() not in GENERIC_SUBJECT_HEADS | GENERIC_BASELINE_HEADS):
        return after
    return None


def _bits_describe_the_method(doc: Doc, f: FigureMention) -> bool:
    """Whether a bit-width describes what the method itself is or makes: the noun it
    modifies (words.jsonl bit_method_heads) is "ours", stands in apposition to a name
    ("SVDQuant, a new 4-bit quantization paradigm"), or is the object of a verb that
    presents or makes it (bit_method_verbs: "we present a 1-bit quantization scheme",
    "obtains a 2-bit Llama model"); not "accelerates a 4-bit model"."""
    head = doc[f.end - 1]
    for _ in range(4):  # up through "bit", "-", "quantized" to the noun
        if head.pos_ in {"NOUN", "PROPN"} and head.lower_ not in {"bit", "bits"}:
            break
        if head.head.i == head.i:
            return False
        head = head.head
    else:
        return False
    if head.lemma_.lower() not in BIT_METHOD_HEADS:
        return False
    if any(c.lower_ == "our" for c in head.children):
        return True
    np = head.head if head.dep_ == "conj" else head
    return np.dep_ == "appos" or np.dep_ == "dobj" and np.head.lemma_.lower() in BIT_METHOD_VERBS


def _modifies_a_noun(doc: Doc, mention: NameMention) -> bool:
    """Whether a mention is a modifier of a noun after it: "Transformer accelerators"."""
    last = doc[mention.end - 1]
    return (last.dep_ in {"compound", "amod", "nmod"} and last.head.i >= mention.end
            and last.head.pos_ in {"NOUN", "PROPN"})


def _bracketed_examples(clause: Token) -> list[Token]:
    """Names in brackets inside a clause that narrows the compared phrase, the systems
    compared: "systems employing model-based batching (FlexGen, DeepSpeed)", where the
    parser hangs the list off the clause's object. Not an acronym of the words before it
    ("models trained with knowledge distillation (KD)") nor one under a setting ("running
    on GPUs (A100)")."""
    doc = clause.doc
    acronyms = doc._.acronyms or {}
    found = []
    for tok in clause.subtree:
        if tok.dep_ != "appos" or tok.i == 0 or doc[tok.i - 1].text != "(" or tok.text in acronyms:
            continue
        if any(a.dep_ == "prep" and a.lower_ in SETTING_PREPS for a in tok.ancestors if clause.is_ancestor(a)):
            continue
        found.append(tok)
    return found
