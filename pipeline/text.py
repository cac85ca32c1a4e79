"""Clean an abstract for NLP: LaTeX math and macros to Unicode, footnotes out, spaces even.

    clean("up to 2.31$\\times$ on an A100") -> CleanText(text="up to 2.31× on an A100", ...)

Every character of the cleaned text remembers the span of the original it came from,
so a span found in the cleaned text (an evidence sentence, a figure) can always be
located in the abstract as written: `CleanText.to_original(start, end)`.

Scope: the LaTeX that abstracts actually carry (inline math, symbols, Greek, accents,
font commands, `\\unicode`, `\\url`, footnotes, citations), not a TeX engine. Unknown
commands lose their backslash and keep their argument. A `$` that opens no math is
dropped, unless it reads as currency ("$5 million").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# -- tables --------------------------------------------------------------------------------

_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "omicron": "ο", "pi": "π", "varpi": "ϖ",
    "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ",
    "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
    "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
# Commands that stand for one symbol, in text and in math.
SYMBOLS: dict[str, str] = {
    **_GREEK,
    "times": "×", "texttimes": "×", "cdot": "·", "cdotp": "·", "div": "÷", "pm": "±", "mp": "∓",
    "sim": "~", "thicksim": "~", "textasciitilde": "~", "approx": "≈", "thickapprox": "≈", "simeq": "≃", "cong": "≅", "equiv": "≡",
    "leq": "≤", "le": "≤", "leqslant": "≤", "geq": "≥", "ge": "≥", "geqslant": "≥",
    "neq": "≠", "ne": "≠", "ll": "≪", "gg": "≫", "lesssim": "≲", "gtrsim": "≳", "propto": "∝",
    "infty": "∞", "rightarrow": "→", "to": "→", "longrightarrow": "⟶", "leftarrow": "←",
    "gets": "←", "Rightarrow": "⇒", "Leftarrow": "⇐", "leftrightarrow": "↔", "uparrow": "↑",
    "downarrow": "↓", "mapsto": "↦", "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆",
    "cup": "∪", "cap": "∩", "forall": "∀", "exists": "∃", "partial": "∂", "nabla": "∇",
    "sum": "∑", "prod": "∏", "int": "∫", "circ": "∘", "degree": "°", "textdegree": "°",
    "ldots": "…", "dots": "…", "cdots": "⋯", "textellipsis": "…", "ell": "ℓ", "star": "⋆",
    "ast": "∗", "bullet": "•", "textbullet": "•", "mid": "|", "vert": "|", "textbar": "|",
    "Vert": "‖", "langle": "⟨", "rangle": "⟩", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈",
    "rceil": "⌉", "prime": "′", "checkmark": "✓", "textless": "<", "textgreater": ">",
    "lt": "<", "gt": ">", "textendash": "–", "textemdash": "—", "textmu": "μ", "micro": "μ",
    "copyright": "©", "textregistered": "®", "texttrademark": "™", "euro": "€",
    "pounds": "£", "S": "§", "P": "¶", "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ",
    "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ",
    "log": "log", "ln": "ln", "lg": "lg", "exp": "exp", "max": "max", "min": "min",
    "argmax": "argmax", "argmin": "argmin", "arg": "arg", "sin": "sin", "cos": "cos",
    "tan": "tan", "lim": "lim", "sup": "sup", "inf": "inf", "det": "det", "dim": "dim",
    "LaTeX": "LaTeX", "TeX": "TeX", "quad": " ", "qquad": " ", "newline": " ", "par": " ",
    "linebreak": " ", "space": " ", "enspace": " ", "thinspace": " ",
    "textquoteleft": "‘", "textquoteright": "’", "textquotedblleft": "“", "textquotedblright": "”",
}
# Footnote marks: dropped wherever they stand ("Model$^\\dagger$", "cuer\\footnote{...}").
FOOTNOTE_MARKS = frozenset("*†‡§¶")
_MARK_COMMANDS = frozenset({"dagger", "ddagger", "footnotemark", "textdagger", "textdaggerdbl"})
# Commands whose one argument is kept as text (fonts, boxes, decorations).
KEEP_ARGUMENT = frozenset(
    """textbf textit textsl emph texttt textsc textrm textsf textup textnormal textmd
    mathrm mathbf mathit mathsf mathtt mathcal mathbb mathfrak mathscr mathnormal boldsymbol
    bm pmb text mbox hbox fbox operatorname underline overline widetilde widehat tilde hat
    bar vec dot ddot check breve acute grave uline textcolor_arg""".split()
)
# Commands dropped together with their argument (notes, citations, references, spacing).
DROP_ARGUMENT = frozenset(
    """footnote footnotetext thanks cite citep citet citealp citeauthor citeyear nocite ref
    eqref autoref cref Cref label vspace hspace index""".split()
)
# Declarations and sizing that print nothing.
DROP = frozenset(
    """em bf it rm tt sc sf sl bfseries itshape mdseries normalfont upshape small footnotesize
    scriptsize tiny large Large LARGE huge Huge normalsize displaystyle textstyle
    scriptstyle left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr middle noindent
    protect xspace relax nobreak smallskip medskip bigskip centering limits nolimits
    allowbreak""".split()
)
# Accent commands and the combining character each puts on its argument.
ACCENTS = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306", "H": "\u030b", "k": "\u0328",
    "r": "\u030a", "d": "\u0323", "b": "\u0331",
}
# Control symbols: a backslash and one non-letter.
CONTROL_SYMBOLS = {
    "%": "%", "&": "&", "#": "#", "_": "_", "$": "$", "{": "{", "}": "}", " ": " ",
    ",": " ", ";": " ", ":": " ", ">": " ", "!": "", "\\": " ", "-": "", "@": "", "/": "",
    "|": "‖", "\n": " ", "\t": " ",
}
_SUPERSCRIPTS = dict(zip("0123456789+-=()nix", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱˣ"))
_SUPERSCRIPTS.update({"−": "⁻", "T": "ᵀ", "k": "ᵏ", "a": "ᵃ", "b": "ᵇ", "c": "ᶜ", "d": "ᵈ",
                      "e": "ᵉ", "m": "ᵐ", "o": "ᵒ", "p": "ᵖ", "t": "ᵗ", "∘": "°", "°": "°"})
_SUBSCRIPTS = dict(zip("0123456789+-=()aeoxhklmnpstij", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼ"))
_SUBSCRIPTS.update({"−": "₋", "r": "ᵣ", "u": "ᵤ", "v": "ᵥ"})
LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_DROP_SPACE_BEFORE = ".,;:)!?"

_Piece = tuple[str, int, int]  # one cleaned character and the original span it stands for


@dataclass(frozen=True)
class CleanText:
    """Cleaned text and, for each of its characters, the original span it came from."""

    text: str
    original: str
    starts: tuple[int, ...] = field(repr=False)
    ends: tuple[int, ...] = field(repr=False)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The span of `original` that cleaned text[start:end] was made from."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span ({start}, {end}) is outside the cleaned text (length {len(self.text)})")
        if start < end:
            return self.starts[start], self.ends[end - 1]
        if start < len(self.text):
            return self.starts[start], self.starts[start]
        point = self.ends[-1] if self.text else 0
        return point, point

    def to_clean(self, start: int, end: int) -> tuple[int, int]:
        """The smallest cleaned span whose characters come from inside original[start:end]."""
        if not 0 <= start <= end <= len(self.original):
            raise ValueError(f"span ({start}, {end}) is outside the original (length {len(self.original)})")
        first = next((i for i, s in enumerate(self.starts) if s >= start), len(self.text))
        last = first
        while last < len(self.text) and self.ends[last] <= end:
            last += 1
        return first, max(first, last)


def clean(text: str) -> CleanText:
    """`text` with LaTeX turned into Unicode, footnotes dropped and whitespace normalised."""
    if not _TEXT_SPECIAL.search(text) and not _may_be_stripped(text):
        return _plain(text)  # nothing to rewrite: only the spaces change
    pieces = _Scanner(text).run()
    return _normalise_space(text, _repair_stripped_latex(pieces))


_SPACE_RUN = re.compile(r"\s+")  # \s is str.isspace(), character for character
_ODD_SPACE = re.compile(r"[^\S ]|  ")  # whitespace other than one " "


def _plain(text: str) -> CleanText:
    """What _normalise_space makes of text that the scanner and the repairs leave as it is
    (one piece a character): each whitespace run one space spanning the run, none at the
    ends; computed a run at a time instead of a character at a time."""
    first = len(text) - len(text.lstrip())
    last = len(text.rstrip())
    if not _ODD_SPACE.search(text, first, last):  # every run one " ": nothing moves
        return CleanText(text[first:last], text, tuple(range(first, last)), tuple(range(first + 1, last + 1)))
    starts: list[int] = []
    ends: list[int] = []
    pos = first
    for m in _SPACE_RUN.finditer(text, first, last):
        a, b = m.span()
        starts.extend(range(pos, a + 1))
        ends.extend(range(pos + 1, a + 1))
        ends.append(b)
        pos = b
    starts.extend(range(pos, last))
    ends.extend(range(pos + 1, last + 1))
    return CleanText(_SPACE_RUN.sub(" ", text[first:last]), text, tuple(starts), tuple(ends))


# LaTeX whose backslash a scraper already removed ("7.93times", "HyperZ{cdotZ{cdot}W}",
# "lambda-ECLIPSE", "sim 80%"), TeX dashes ("--", "---") and quotes (``...''): only where
# the glued form can be nothing else, so ordinary words ("25 times", "simple", "anecdote")
# stay as they are.
_GREEK_NAMES = "|".join(sorted((g for g in _GREEK if g.islower() and not g.startswith("var")), key=len, reverse=True))
_STRIPPED = re.compile(
    r"(?P<times>(?<=\d)times\b)"
    r"|(?P<cdot>(?<![a-z])\{?cdot\}?(?![a-z])|(?<=[A-Z])cdot(?=[A-Z]))"
    rf"|(?P<greek>\b(?:{_GREEK_NAMES})(?=-[A-Z0-9]))"
    r"|(?P<sim>(?<![A-Za-z])sim ?(?=\d))"
    r"|(?P<lquote>``(?=\S))|(?P<rquote>(?<=\S)''(?!'))"
    r"|(?P<emdash>(?<=\S)---(?=\S))"
    r"|(?P<endash>(?<=\S)--(?=\S))"
)
# What every alternative of _STRIPPED needs, found by substring search or a regex that
# starts with a literal (_STRIPPED's lookbehinds make it try every position: a third of a
# millisecond an abstract).
_STRIPPED_LITERALS = ("cdot", "``", "''", "--")
_TIMES_HINT = re.compile(r"times\b")
_DIGIT = re.compile(r"\d")
_SIM_HINT = re.compile(r"sim ?\d")
_GREEK_HINT = re.compile(r"-[A-Z0-9]")
_GREEK_TUPLE = tuple(_GREEK_NAMES.split("|"))


def _may_be_stripped(text: str) -> bool:
    """False when _STRIPPED cannot match `text` (True: it may)."""
    if any(w in text for w in _STRIPPED_LITERALS):
        return True
    if "times" in text and any(m.start() > 0 and _DIGIT.match(text, m.start() - 1)
                               for m in _TIMES_HINT.finditer(text)):
        return True
    if "sim" in text and _SIM_HINT.search(text) is not None:
        return True
    # A Greek name right before "-X" ("lambda-ECLIPSE").
    return any(text.endswith(_GREEK_TUPLE, 0, m.start()) for m in _GREEK_HINT.finditer(text))


_UNBALANCED_CLOSE = re.compile(r"(?<=[\w·])\}(?=[\s.,;:)]|$)")


def _repair_stripped_latex(pieces: list[_Piece]) -> list[_Piece]:
    text = "".join(c for c, _, _ in pieces)
    if not _may_be_stripped(text) or not _STRIPPED.search(text):
        return pieces
    out: list[_Piece] = []
    last = 0
    for m in _STRIPPED.finditer(text):
        kind = m.lastgroup
        char = {"times": "×", "cdot": "·", "sim": "~", "emdash": "—", "endash": "–", "lquote": "“", "rquote": "”"}.get(
            kind or "")
        if kind == "greek":
            char = SYMBOLS[m.group()]
        out.extend(pieces[last : m.start()])
        out.append((char or "", pieces[m.start()][1], pieces[m.end() - 1][2]))
        last = m.end()
    out.extend(pieces[last:])
    # A "}" left over from a group whose "{" was eaten above ("HyperZ·Z·W}"): drop it.
    text = "".join(c for c, _, _ in out)
    drop = {m.start() for m in _UNBALANCED_CLOSE.finditer(text)
            if "{" not in text[text.rfind(" ", 0, m.start()) + 1 : m.start()]}
    return [p for i, p in enumerate(out) if i not in drop]


def _normalise_space(original: str, pieces: list[_Piece]) -> CleanText:
    """Each whitespace run becomes one space spanning the run; no space at either end."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for char, start, end in pieces:
        if char.isspace():
            if chars and chars[-1] == " ":
                ends[-1] = max(ends[-1], end)
                continue
            char = " "
        chars.append(char)
        starts.append(start)
        ends.append(end)
    while chars and chars[-1] == " ":
        chars.pop(), starts.pop(), ends.pop()
    skip = 0
    while skip < len(chars) and chars[skip] == " ":
        skip += 1
    # Spans stay monotonic even where one original character yields several (ligatures).
    return CleanText("".join(chars[skip:]), original, tuple(starts[skip:]), tuple(ends[skip:]))


# -- the scanner -----------------------------------------------------------------------------


# The characters scan() treats specially (in text, and in math mode besides): every other
# character is emitted unchanged.
_TEXT_SPECIAL = re.compile("[" + re.escape("\\${†‡" + "".join(LIGATURES) + "".join(INVISIBLE)) + "]")
_MATH_SPECIAL = re.compile("[" + re.escape("\\${†‡^_~&" + "".join(LIGATURES) + "".join(INVISIBLE)) + "]")


class _Scanner:
    """A single left-to-right pass over the original that emits (char, start, end) pieces."""

    def __init__(self, source: str) -> None:
        self.src = source
        self.out: list[_Piece] = []

    def run(self) -> list[_Piece]:
        self.scan(0, len(self.src), math=False)
        return self.out

    # Emitting ------------------------------------------------------------------------------

    def emit(self, text: str, start: int, end: int) -> None:
        for char in text:
            self.out.append((char, start, end))

    def render(self, start: int, end: int, math: bool) -> list[_Piece]:
        """The pieces src[start:end] cleans to, without emitting them."""
        saved, self.out = self.out, []
        self.scan(start, end, math)
        rendered, self.out = self.out, saved
        return rendered

    def drop_space_before_punctuation(self, next_pos: int, end: int) -> None:
        """After dropping a citation or note, "method \\cite{x}." reads "method."."""
        if next_pos < end and self.src[next_pos] in _DROP_SPACE_BEFORE:
            while self.out and self.out[-1][0].isspace():
                self.out.pop()

    # Structure -------------------------------------------------------------------------------

    def matching_brace(self, open_pos: int, end: int) -> int | None:
        """Index of the `}` closing the `{` at open_pos, or None."""
        depth = 0
        i = open_pos
        while i < end:
            char = self.src[i]
            if char == "\\":
                i += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    return i
            i += 1
        return None

    def argument(self, pos: int, end: int) -> tuple[int, int, int] | None:
        """(content start, content end, next position) of the argument at pos."""
        i = pos
        while i < end and self.src[i] in " \t":
            i += 1
        if i >= end:
            return None
        if self.src[i] == "{":
            close = self.matching_brace(i, end)
            if close is None:
                return None
            return i + 1, close, close + 1
        if self.src[i] == "\\":
            j = self.control_end(i, end)
            return i, j, j
        if self.src[i] in "}$^_":
            return None
        return i, i + 1, i + 1

    def control_end(self, pos: int, end: int) -> int:
        """End of the control sequence starting with the backslash at pos."""
        j = pos + 1
        if j < end and self.src[j].isascii() and self.src[j].isalpha():
            while j < end and self.src[j].isascii() and self.src[j].isalpha():
                j += 1
            return j
        return min(j + 1, end)

    # Scanning --------------------------------------------------------------------------------

    def scan(self, pos: int, end: int, math: bool) -> None:
        src = self.src
        special = _MATH_SPECIAL if math else _TEXT_SPECIAL
        i = pos
        while i < end:
            # A run of ordinary characters is emitted as it is, in one step.
            found = special.search(src, i, end)
            plain_end = found.start() if found else end
            if plain_end > i:
                self.out.extend((c, k, k + 1) for k, c in enumerate(src[i:plain_end], i))
                i = plain_end
                continue
            char = src[i]
            if char == "\\":
                i = self.command(i, end, math)
            elif char == "$":
                i = self.dollar(i, end, math)
            elif char == "{":
                i = self.group(i, end, math)
            elif math and char in "^_":
                i = self.script(i, end)
            elif math and char in "~&":
                self.emit(" ", i, i + 1)
                i += 1
            elif char in LIGATURES:
                self.emit(LIGATURES[char], i, i + 1)
                i += 1
            elif char in INVISIBLE or char in "†‡":
                i += 1
            else:
                self.emit(char, i, i + 1)
                i += 1

    def group(self, pos: int, end: int, math: bool) -> int:
        """Braces group LaTeX ("{\\mu}m", math "{x}"); braces in plain prose are kept."""
        close = self.matching_brace(pos, end)
        inner = self.src[pos + 1 : close].lstrip() if close is not None else ""
        if close is None or not (math or inner.startswith("\\")):
            self.emit("{", pos, pos + 1)
            return pos + 1
        self.scan(pos + 1, close, math)
        return close + 1

    def dollar(self, pos: int, end: int, math: bool) -> int:
        src = self.src
        if math:  # a `$` inside math ends nothing here: the caller found the closing one
            return pos + 1
        display = src.startswith("$$", pos)
        delimiter = "$$" if display else "$"
        body = pos + len(delimiter)
        close = self.closing_dollar(body, end, delimiter)
        if close is not None:
            content = src[body:close]
            after = src[close + len(delimiter) : close + len(delimiter) + 1]
            if display or _is_math(content, after):
                pieces = self.render(body, close, math=True)
                # Edge spaces inside $...$ are not text ("$\\times $" is just ×).
                while pieces and pieces[0][0].isspace():
                    pieces.pop(0)
                while pieces and pieces[-1][0].isspace():
                    pieces.pop()
                self.out.extend(_widen(pieces, pos, close + len(delimiter)))
                return close + len(delimiter)
        if body < end and src[body].isdigit():
            self.emit("$", pos, pos + 1)  # currency: "$5 million"
        return body  # a stray `$` is dropped

    def closing_dollar(self, pos: int, end: int, delimiter: str) -> int | None:
        i = pos
        while i < end:
            if self.src[i] == "\\":
                i += 2
                continue
            if self.src.startswith(delimiter, i):
                return i
            if self.src.startswith("\n\n", i):
                return None  # math never spans paragraphs
            i += 1
        return None

    def script(self, pos: int, end: int) -> int:
        """Math ^ or _: Unicode super/subscripts when they exist, else ^x or ^(xy)."""
        marker = self.src[pos]
        arg = self.argument(pos + 1, end)
        if arg is None:
            self.emit(marker, pos, pos + 1)
            return pos + 1
        start, stop, nxt = arg
        pieces = [p for p in self.render(start, stop, math=True) if not p[0].isspace()]
        if marker == "^" and (not pieces or all(c in FOOTNOTE_MARKS for c, _, _ in pieces)):
            return nxt  # a footnote mark ("$^{*}$", "$^\\dagger$") or nothing at all
        table = _SUPERSCRIPTS if marker == "^" else _SUBSCRIPTS
        if all(c in table for c, _, _ in pieces):
            self.out.extend((table[c], s, e) for c, s, e in pieces)
        else:
            self.emit(marker, pos, pos + 1)
            if len(pieces) > 1:
                # The parentheses stand for the braces, or for the edges of a bare argument.
                self.emit("(", pos, start)
                self.out.extend(pieces)
                self.emit(")", *((stop, nxt) if nxt > stop else (pieces[-1][1], nxt)))
            else:
                self.out.extend(pieces)
        return nxt

    def command(self, pos: int, end: int, math: bool) -> int:
        """A control sequence at pos; returns where scanning goes on. The order of the
        tests matters: an accent before a symbol, a symbol before an unknown command."""
        stop = self.control_end(pos, end)
        name = self.src[pos + 1 : stop]
        if name == "":
            return stop  # a lone backslash at the end
        if name in ACCENTS and (len(name) == 1 and not name.isalpha() or self._takes_accent(stop, end)):
            return self.accent(pos, stop, end, name)
        if not (name[0].isascii() and name[0].isalpha()):
            return self.control_symbol(pos, stop, end, name)
        if name in _MARK_COMMANDS:
            return stop
        if name in SYMBOLS:
            self.emit(SYMBOLS[name], pos, stop)
            return stop + 2 if self.src.startswith("{}", stop) and stop + 2 <= end else stop
        if name == "unicode":
            return self.unicode(pos, stop, end)
        if name in ("url", "path", "nolinkurl"):
            return self.verbatim(stop, end)
        if name == "href":
            return self.href(stop, end, math)
        if name in ("frac", "dfrac", "tfrac", "nicefrac"):
            return self.fraction(pos, stop, end, math)
        if name == "sqrt":
            return self.root(pos, stop, end)
        if name in ("textsuperscript", "textsubscript"):
            return self.text_script(pos, stop, end, name)
        if name in DROP_ARGUMENT:
            return self.drop_argument(stop, end)
        if name in DROP:
            return stop
        if name in KEEP_ARGUMENT or name == "textcolor":
            return self.keep_argument(stop, end, math, name)
        return self.unknown_command(pos, stop, end, math, name)

    def control_symbol(self, pos: int, stop: int, end: int, name: str) -> int:
        """A backslash and one non-letter: \\%, \\(, \\) ..."""
        if name in CONTROL_SYMBOLS:
            self.emit(CONTROL_SYMBOLS[name], pos, stop)
        elif name in "([":
            return self.bracket_math(pos, stop, end, ")" if name == "(" else "]")
        elif name in ")]":
            pass  # a closing delimiter without its opening one
        else:
            return pos + 1  # drop the backslash; the character is read as usual
        return stop

    def verbatim(self, stop: int, end: int) -> int:
        """\\url{...}: the argument as written, since URLs hold _ % ~ #."""
        arg = self.argument(stop, end)
        if arg is None:
            return stop
        for k in range(arg[0], arg[1]):
            if self.src[k] not in "\\$":
                self.emit(self.src[k], k, k + 1)
        return arg[2]

    def href(self, stop: int, end: int, math: bool) -> int:
        """\\href{url}{text}: the text."""
        first = self.argument(stop, end)
        second = self.argument(first[2], end) if first else None
        if first and second:
            self.scan(second[0], second[1], math)
            return second[2]
        return stop

    def text_script(self, pos: int, stop: int, end: int, name: str) -> int:
        """\\textsuperscript{x} and \\textsubscript{x}: as math ^ and _ would be."""
        arg = self.argument(stop, end)
        if arg is None:
            return stop
        table = _SUPERSCRIPTS if name == "textsuperscript" else _SUBSCRIPTS
        pieces = [p for p in self.render(arg[0], arg[1], math=True) if not p[0].isspace()]
        if pieces and all(c in FOOTNOTE_MARKS for c, _, _ in pieces):
            return arg[2]
        if all(c in table for c, _, _ in pieces):
            self.out.extend((table[c], s, e) for c, s, e in pieces)
        else:
            self.emit("^" if name == "textsuperscript" else "_", pos, stop)
            self.out.extend(pieces)
        return arg[2]

    def drop_argument(self, stop: int, end: int) -> int:
        """A citation, note or reference: dropped with its argument (and an optional one)."""
        src = self.src
        nxt = stop
        if src.startswith("[", nxt):  # an optional argument: \cite[p.~3]{key}
            close = src.find("]", nxt, end)
            nxt = close + 1 if close != -1 else nxt
        arg = self.argument(nxt, end)
        if arg is not None and arg[2] == arg[1] + 1 and src[arg[0] - 1] == "{":
            nxt = arg[2]
        self.drop_space_before_punctuation(nxt, end)
        return nxt

    def keep_argument(self, stop: int, end: int, math: bool, name: str) -> int:
        """A font or box command: its argument as text."""
        nxt = stop
        if name == "textcolor":  # \textcolor{red}{text}: the first argument is a colour
            first = self.argument(stop, end)
            nxt = first[2] if first else stop
        arg = self.argument(nxt, end)
        if arg is None:
            return nxt
        self.scan(arg[0], arg[1], math)
        return arg[2]

    def unknown_command(self, pos: int, stop: int, end: int, math: bool, name: str) -> int:
        """An unknown command: its braced argument as text, else its name as a word."""
        if stop < end and self.src[stop] == "{":
            arg = self.argument(stop, end)
            if arg is not None:
                self.scan(arg[0], arg[1], math)
                return arg[2]
        self.emit(name, pos + 1, stop)
        return stop

    def bracket_math(self, pos: int, stop: int, end: int, closer: str) -> int:
        """\\( ... \\) and \\[ ... \\] are math like $ ... $."""
        close = self.src.find("\\" + closer, stop, end)
        if close == -1:
            return stop
        pieces = self.render(stop, close, math=True)
        while pieces and pieces[0][0].isspace():
            pieces.pop(0)
        while pieces and pieces[-1][0].isspace():
            pieces.pop()
        self.out.extend(_widen(pieces, pos, close + 2))
        return close + 2

    def _takes_accent(self, stop: int, end: int) -> bool:
        """A letter accent (\\c, \\v, \\u, ...) needs an argument: `\\c{c}`, `\\v s`."""
        return stop < end and (self.src[stop] == "{" or self.src[stop] == " ")

    def accent(self, pos: int, stop: int, end: int, name: str) -> int:
        arg = self.argument(stop, end)
        if arg is None:
            return stop
        pieces = self.render(arg[0], arg[1], math=False)
        if not pieces:
            return arg[2]
        base = {"ı": "i", "ȷ": "j"}.get(pieces[0][0], pieces[0][0])  # \"{\i} is ï
        composed = unicodedata.normalize("NFC", base + ACCENTS[name])
        # The accented letter stands for everything from the backslash to the letter.
        self.emit(composed, pos, pieces[0][2])
        self.out.extend(pieces[1:])
        return arg[2]

    def unicode(self, pos: int, stop: int, end: int) -> int:
        """\\unicode{x2014} or \\unicode{8212} -> the character itself."""
        arg = self.argument(stop, end)
        if arg is None:
            return stop
        code = re.fullmatch(r'(?:x|u\+|")([0-9a-f]{1,6})|(\d{1,7})', self.src[arg[0] : arg[1]].strip().lower())
        if code is None:
            return arg[2]
        value = int(code.group(1), 16) if code.group(1) else int(code.group(2))
        char = chr(value) if value <= 0x10FFFF else ""
        if char and not unicodedata.category(char).startswith(("C", "Z")):
            self.emit(char, pos, arg[2])
        return arg[2]

    def fraction(self, pos: int, stop: int, end: int, math: bool) -> int:
        top = self.argument(stop, end)
        bottom = self.argument(top[2], end) if top else None
        if not (top and bottom):
            return stop
        numerator = self.render(top[0], top[1], math=True)
        denominator = self.render(bottom[0], bottom[1], math=True)
        self.out.extend(_parenthesise(numerator, (pos, top[0]), (top[1], top[2])))
        self.emit("/", top[1], max(bottom[0], top[1] + 1))
        self.out.extend(_parenthesise(denominator, (top[2], bottom[0]), (bottom[1], bottom[2])))
        return bottom[2]

    def root(self, pos: int, stop: int, end: int) -> int:
        arg = self.argument(stop, end)
        if arg is None:
            self.emit("√", pos, stop)
            return stop
        self.emit("√", pos, stop)
        self.out.extend(_parenthesise(self.render(arg[0], arg[1], math=True), (stop, arg[0]), (arg[1], arg[2])))
        return arg[2]


def _widen(pieces: list[_Piece], start: int, end: int) -> list[_Piece]:
    """Let the first and last piece of a math span cover its delimiters ("$\\times$")."""
    if not pieces:
        return pieces
    pieces = list(pieces)
    char, _, first_end = pieces[0]
    pieces[0] = (char, start, first_end)
    char, last_start, _ = pieces[-1]
    pieces[-1] = (char, last_start if len(pieces) > 1 else start, end)
    return pieces


def _parenthesise(pieces: list[_Piece], opening: tuple[int, int], closing: tuple[int, int]) -> list[_Piece]:
    """`a+b` -> `(a+b)` so that a/b stays unambiguous; single tokens stay bare.

    The parentheses stand for the braces (or command) around the argument.
    """
    text = "".join(c for c, _, _ in pieces).strip()
    if re.fullmatch(r"[\w.]*", text):
        return pieces
    if opening[0] >= opening[1]:  # a bare argument has no braces to stand for
        opening = pieces[0][1:]
    if closing[0] >= closing[1]:
        closing = pieces[-1][1:]
    return [("(", *opening), *pieces, (")", *closing)]


def _is_math(content: str, after: str) -> bool:
    """Whether `$content$` is math rather than two dollar signs of prose or currency.

    Math without a macro is never directly followed by a digit ("$2$-bit" is, "$5$5" is
    not): that keeps currency signs, each followed by its amount, from pairing up on a
    second pass.
    """
    if not content.strip() or len(content) > 300:
        return False
    if re.search(r"\\[A-Za-z]", content):
        return True  # a macro is math even when a digit follows: "$\\sim$2x"
    if after.isdigit():
        return False
    if re.search(r"[\\^_{}]", content):
        return True
    # "$5 and $10": an amount of money, with words, between two dollar signs.
    return not (content[0].isdigit() and re.search(r"\s", content))
