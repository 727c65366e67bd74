"""How every renderer writes numbers and node names: the one number formatter, and names as LaTeX.

``format_number(x, style=...)`` has one named style per place a number is shown:

* ``"drawing"`` (graph pictures and animation captions): ``digits`` significant digits
  (default 4), never ``-0``; ``nan`` and ``inf`` as Python writes them.
* ``"symbolic"`` (numbers inside a ``Sym`` formula): whole numbers without ``.0`` (``2``),
  otherwise ``digits`` significant digits (default 6); ``inf``, ``-inf``, ``nan`` as such.
* ``"derivation"`` (the explainer's and the checker's numbers): ``digits`` significant digits
  (default 6) with a Unicode minus ``−`` in text and ``-`` in LaTeX.

In every style −0 prints as 0.

``number_in_product`` and ``final_number`` are the derivation style as a factor of a
product (negative numbers in parentheses) and as a final result (15 digits).

``latex_name(name)`` writes a node name as LaTeX (``w11`` → ``w_{11}``). This module imports
nothing from the package, so every other module may use it.
"""

from __future__ import annotations

import math
from typing import Literal

__all__ = ["Style", "STYLES", "format_number", "number_in_product", "final_number", "latex_name", "latex_escape"]

Style = Literal["drawing", "symbolic", "derivation"]
STYLES: tuple[Style, ...] = ("drawing", "symbolic", "derivation")
_DEFAULT_DIGITS = {"drawing": 4, "symbolic": 6, "derivation": 6}


def format_number(x: float, style: Style = "derivation", digits: int | None = None, latex: bool = False) -> str:
    """``x`` written in one of the named styles (see the module docstring); ``latex`` only changes ``derivation``."""
    if style not in _DEFAULT_DIGITS:
        raise ValueError(f"format_number: style must be one of {', '.join(map(repr, STYLES))}, got {style!r}")
    if digits is None:
        digits = _DEFAULT_DIGITS[style]
    if x == 0:
        x = 0.0  # −0 prints as 0 in every style
    if style == "drawing":
        if math.isnan(x) or math.isinf(x):
            return str(x)
        text = f"{x:.{digits}g}"
        return "0" if text in ("-0", "0") else text
    if style == "symbolic":
        if math.isfinite(x) and x == int(x) and abs(x) < 1e15:
            return str(int(x))
        return f"{x:.{digits}g}"
    text = f"{x:.{digits}g}"
    return text if latex else text.replace("-", "−")


def number_in_product(x: float, latex: bool = False) -> str:
    """A derivation number as one factor of a product: negative numbers in parentheses."""
    text = format_number(x, latex=latex)
    if x < 0:
        return rf"\left({text}\right)" if latex else f"({text})"
    return text


def final_number(x: float, latex: bool = False) -> str:
    """A derivation's final result: 15 significant digits."""
    return format_number(x, digits=15, latex=latex)


# --- names as LaTeX ----------------------------------------------------------------------------

def latex_escape(text: str) -> str:
    """``text`` with LaTeX's special characters escaped, for text mode or ``\\mathrm``."""
    out = []
    for c in text:
        if c in "#$%&_{}":
            out.append("\\" + c)
        elif c in "\\^~":
            out.append(r"\textbackslash{}" if c == "\\" else rf"\{c}{{}}")
        else:
            out.append(c)
    return "".join(out)


_SUBSCRIPT_DIGITS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def _latex_word(word: str) -> str:
    suffix = ""
    plain = word.translate(_SUBSCRIPT_DIGITS)
    if plain != word and word[-1] != plain[-1]:  # an automatic name: q₁ → q_{1}
        i = len(word)
        while i > 0 and word[i - 1] != plain[i - 1]:
            i -= 1
        word = word[:i] + "_" + plain[i:]
    if word.endswith("]") and "[" in word:  # per-sample tag, e.g. h1_1[2]
        cut = word.index("[")
        word, suffix = word[:cut], "^{(" + latex_escape(word[cut + 1:-1]) + ")}"
    if word == "yhat":
        return r"\hat{y}" + suffix
    base, sep, sub = word.partition("_")
    if not sep:  # letters then digits: A3 -> A_{3}
        i = len(word)
        while i > 0 and word[i - 1].isdigit():
            i -= 1
        base, sub = word[:i], word[i:]
    if base.isalpha() and base.isascii():
        head = base if len(base) == 1 else rf"\mathrm{{{base}}}"
    elif base and all(c.isalnum() for c in base) and base.isascii():
        head = rf"\mathrm{{{base}}}"
    else:
        return rf"\mathrm{{{latex_escape(word)}}}" + suffix
    if sub:
        head += "_{" + latex_escape(sub.replace("_", ",")) + "}"
    return head + suffix


def latex_name(name: str) -> str:
    """A node name as LaTeX: ``w11`` → ``w_{11}``, ``net h1`` → ``\\text{net}\\,h_{1}``."""
    words = name.split()
    if not words:
        return r"\mathrm{?}"
    head = "".join(rf"\text{{{latex_escape(w)}}}\," for w in words[:-1])
    return head + _latex_word(words[-1])
