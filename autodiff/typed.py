"""A number as the learner typed it: its value and its precision, and the rounding rule.

``read_number('−0.130')`` reads plain decimal text; ``typed_constant(sym, text)`` reads a
formula without names the same way, whatever its written form: ``(−0.0906)``, ``−(0.0906)``,
``−9.06×10^-2``, ``−906/10000`` all carry the precision of ``−0.0906`` (4 decimals, 3
significant digits); any other constant (``1/3``, ``2·3``) is exact. ``fits(typed, value)``
is the one rounding rule the grader and the checker share: ``value`` rounded to the digits
typed is the number typed, and zero never agrees with a value that is not zero.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .symbolic import Sym

__all__ = ["Typed", "read_number", "typed_from_float", "typed_constant", "fits", "EXACT_DECIMALS", "MIN_DIGITS"]

_NUMBER = re.compile(r"^[+-]?(\d+)?(?:\.(\d*))?(?:[eE]([+-]?\d+))?$")
_LITERAL = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
MIN_DIGITS = 3
"""A number needs at least this many significant digits to count as right (fewer can hide a mistake)."""
EXACT_DECIMALS = 400
"""The decimals of a number given exactly (a fraction such as 1/3): only an equal value fits it."""


@dataclass(frozen=True)
class Typed:
    """A number as typed: its value, how many decimals it has, how many significant digits."""

    value: float
    decimals: int
    digits: int


def read_number(text: str) -> Typed | None:
    """``'−0.130'`` -> Typed(-0.13, decimals=3, digits=2); None if ``text`` is not a plain number."""
    t = text.strip().replace("−", "-").replace("\u2212", "-").replace(" ", "")
    m = _NUMBER.match(t)
    if m is None or (m.group(1) is None and not m.group(2)):
        return None
    whole, frac, exp = m.group(1) or "", m.group(2) or "", int(m.group(3) or 0)
    try:
        value = float(Decimal(t))
    except (InvalidOperation, ValueError):
        return None
    significant = (whole + frac).lstrip("0")
    return Typed(value, len(frac) - exp, max(len(significant), 1 if value == 0 else 0))


def typed_from_float(x: float) -> Typed:
    """A Python number as if typed with its shortest repr (``0.23`` -> 2 decimals)."""
    typed = read_number(repr(float(x)))
    assert typed is not None
    return typed


def _power_of_ten(sym: Sym, scale: dict[int, int]) -> int | None:
    """k when ``sym`` is written 10^k (k a whole number, maybe negative) or as the literal 10…0."""
    if id(sym) in scale:
        return scale[id(sym)]
    if sym.kind == "num":
        x = sym._float()
        k = round(math.log10(x)) if x > 0 and math.isfinite(x) else None
        return k if k is not None and k >= 1 and 10.0 ** k == x else None
    return None


def typed_constant(sym: Sym, text: str) -> Typed | None:
    """The precision of a formula without names, read from how its numbers are written in ``text``.

    A literal has the precision it is written with; a sign, parentheses, a factor 10^k (×10^-2,
    ·10**3) or a division by 10^k (/10000) shift it; anything else makes the number exact. The
    value is the formula's own (``sym.evaluate``). None when the formula uses a name or has no
    real value.
    """
    if sym.names():
        return None
    try:
        value = sym.evaluate({})
    except (ValueError, ArithmeticError):
        return None
    if not math.isfinite(value):
        return Typed(value, EXACT_DECIMALS, 17)
    typed: dict[int, Typed | None] = {}  # None: exact (no precision read from the writing)
    scale: dict[int, int] = {}  # 10^k written as a power
    for s in sym.nodes():
        kind, args = s.kind, s.args
        found: Typed | None = None
        if kind == "num":
            m = _LITERAL.match(text, s.position) if s.position is not None else None
            found = read_number(m.group(0)) if m is not None else None
        elif kind == "neg":
            inner = typed[id(args[0])]
            found = None if inner is None else Typed(-inner.value, inner.decimals, inner.digits)
            if args[0].kind == "num" and id(args[0]) in scale:
                scale[id(s)] = -scale[id(args[0])]
        elif kind == "pow" and args[0].kind == "num" and args[0]._float() == 10.0:
            exponent = args[1]
            k = -exponent.args[0]._float() if exponent.kind == "neg" and exponent.args[0].kind == "num" else (
                exponent._float() if exponent.kind == "num" else None)
            if k is not None and k == int(k) and abs(k) <= 400:
                scale[id(s)] = int(k)
        elif kind == "mul":
            for x, y in (args, args[::-1]):
                k = _power_of_ten(y, scale)
                if k is not None and typed.get(id(x)) is not None:
                    t = typed[id(x)]
                    assert t is not None
                    found = Typed(t.value * 10.0 ** k if abs(k) < 300 else math.nan, t.decimals - k, t.digits)
                    break
        elif kind == "div":
            k = _power_of_ten(args[1], scale)
            t = typed.get(id(args[0]))
            if k is not None and t is not None:
                found = Typed(math.nan, t.decimals + k, t.digits)
        typed[id(s)] = found
    top = typed.get(id(sym))
    if top is None:
        return Typed(value, EXACT_DECIMALS, 17)
    return Typed(value, top.decimals, top.digits)


def fits(answer: Typed, value: float) -> bool:
    """``value`` rounded to the answer's decimals is the answer (or they agree to 1e-12).

    Zero typed never fits a value that is not zero: ``0`` is no rounding of 0.3.
    """
    if math.isclose(answer.value, value, rel_tol=1e-12, abs_tol=1e-300):
        return True
    if answer.value == 0 or not math.isfinite(value):
        return False
    decimals = min(max(answer.decimals, -300), 330)
    half = 0.5 * 10.0 ** (-decimals)
    return abs(answer.value - value) <= half * (1 + 1e-9)
