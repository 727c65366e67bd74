"""The term algebra on ``Sym``: an expression as a sum of coefficient·product terms.

The explainer writes each chain-rule step as a sum of products with the numbers multiplied out
(½·2 → 1): ``flatten`` splits an expression into such terms, ``times_terms`` and ``plus_terms``
combine them (merging equal products), and ``terms_sym`` turns terms back into one ``Sym``.
``product_text`` writes a product of factors the way a derivation does; ``rename`` renames an
expression's variables. Nothing here recurses on the expression.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Callable, Iterable

from .formatting import latex_name
from .symbolic import Sym

Term = tuple[float, tuple[Sym, ...]]
"""(coefficient, factors): the product coefficient·factor₁·factor₂·…"""


def is_one(sym: Sym) -> bool:
    """Whether ``sym`` is the number 1."""
    return sym.kind == "num" and sym.value == 1


def rename(sym: Sym, new_name: Callable[[str], str]) -> Sym:
    """A copy of ``sym`` with its variable names mapped (no re-simplification)."""
    memo: dict[int, Sym] = {}
    stack = [(sym, False)]
    while stack:
        s, ready = stack.pop()
        if id(s) in memo:
            continue
        if s.kind == "var":
            memo[id(s)] = Sym("var", (), new_name(str(s.value)))
        elif not s.args:
            memo[id(s)] = s
        elif ready:
            memo[id(s)] = Sym(s.kind, tuple(memo[id(a)] for a in s.args), s.value)
        else:
            stack.append((s, True))
            stack.extend((a, False) for a in s.args)
    return memo[id(sym)]


def _latex_var(name: str) -> str:
    if name.startswith("δ(") and name.endswith(")"):
        return r"\delta_{" + latex_name(name[2:-1]) + "}"
    return latex_name(name)


def latex_with_names(sym: Sym) -> str:
    """``sym.latex()`` with every variable name written as LaTeX (``w11`` → ``w_{11}``, ``δ(z1)`` → ``\\delta_{z_{1}}``)."""
    return rename(sym, _latex_var).latex()


def _needs_parentheses(sym: Sym) -> bool:
    """Whether ``sym`` needs parentheses as a factor of a product: a sum, a difference or negative."""
    return sym.kind in ("add", "sub", "neg") or (sym.kind == "num" and sym._float() < 0)


def wrap_text(sym: Sym) -> str:
    """``sym.text()``, in parentheses when it is a sum, a difference or negative (a factor of a product)."""
    text = sym.text()
    if _needs_parentheses(sym):
        return f"({text})"
    return text


def wrap_latex(sym: Sym) -> str:
    """``latex_with_names(sym)``, in ``\\left( \\right)`` when it is a sum, a difference or negative."""
    text = latex_with_names(sym)
    if _needs_parentheses(sym):
        return rf"\left({text}\right)"
    return text


def product_text(syms: Iterable[Sym], latex: bool = False) -> str:
    """The product of ``syms`` as a derivation writes it: 1s dropped, ``·`` (or ``\\cdot``) between factors."""
    kept = [s for s in syms if not is_one(s)]
    if not kept:
        return "1"
    if latex:
        return r" \cdot ".join(wrap_latex(s) for s in kept)
    return "·".join(wrap_text(s) for s in kept)


def flatten(s: Sym) -> list[Term]:
    """``s`` as a sum of coefficient·product terms, splitting products (never sums)."""
    done: dict[int, list[Term]] = {}
    stack: list[tuple[Sym, bool]] = [(s, False)]
    while stack:
        sym, ready = stack.pop()
        if id(sym) in done:
            continue
        kind = sym.kind
        split = sym.args[:1] if kind in ("neg", "div") else sym.args if kind == "mul" else ()
        if split and not ready:
            stack.append((sym, True))
            stack.extend((a, False) for a in split)
            continue
        done[id(sym)] = _flat_step(sym, [done[id(a)] for a in split])
    return done[id(s)]


def _flat_step(s: Sym, split: list[list[Term]]) -> list[Term]:
    """``flatten`` of one node, given the flattened operands it splits."""
    kind = s.kind
    if kind == "num":
        return [(s._float(), ())]
    if kind == "neg":
        return [(-c, f) for c, f in split[0]]
    if kind == "mul":
        return times_terms(split[0], split[1])
    if kind == "div":
        a, b = s.args
        if b.kind == "num" and b._float() != 0:
            return [(c / b._float(), f) for c, f in split[0]]
        if a.kind == "num" and a._float() == 1:
            return [(1.0, (s,))]
        return times_terms(split[0], [(1.0, (Sym("div", (Sym.num(1), b)),))])
    return [(1.0, (s,))]


def merge_terms(terms: list[Term]) -> list[Term]:
    """``terms`` with equal products (the same factors in any order) added up; zero terms dropped."""
    if len(terms) < 2:  # nothing to merge (and no need to print the factors)
        return [(c, f) for c, f in terms if c != 0]
    coefficients: dict[tuple[str, ...], float] = {}
    factors: dict[tuple[str, ...], tuple[Sym, ...]] = {}
    for c, f in terms:
        key = tuple(sorted(x.text() for x in f))
        if key in coefficients:
            coefficients[key] += c
        else:
            coefficients[key], factors[key] = c, f
    return [(c, factors[key]) for key, c in coefficients.items() if c != 0]


def times_terms(a: list[Term], b: list[Term]) -> list[Term]:
    """The product of two sums of terms, multiplied out and merged."""
    return merge_terms([(ca * cb, fa + fb) for ca, fa in a for cb, fb in b])


def plus_terms(a: list[Term], b: list[Term]) -> list[Term]:
    """The sum of two sums of terms, merged."""
    return merge_terms(a + b)


def coefficient_sym(c: float) -> Sym:
    """A coefficient as a ``Sym``: a small fraction (``1/2``) when it is one, else the number."""
    if not math.isfinite(c):
        return Sym.num(c)
    frac = Fraction(c).limit_denominator(12)
    if frac.denominator > 1 and abs(float(frac) - c) <= 1e-12 * abs(c):
        return Sym("div", (Sym.num(frac.numerator), Sym.num(frac.denominator)))
    return Sym.num(c)


def term_sym(c: float, factors: tuple[Sym, ...]) -> Sym:
    """|c|·(product of factors) as one Sym; reciprocals 1/x go to one denominator."""
    top: Sym = Sym.num(1)
    bottom: Sym = Sym.num(1)
    for f in factors:
        if f.kind == "div" and is_one(f.args[0]):
            bottom = bottom * f.args[1]
        else:
            top = top * f
    body = top if is_one(bottom) else Sym("div", (top, bottom))
    c = abs(c)
    if c == 1:
        return body
    coef = coefficient_sym(c)
    if is_one(body):
        return coef
    if coef.kind == "num":
        return coef * body
    return Sym("mul", (coef, body))


def terms_sym(terms: list[Term]) -> Sym:
    """A sum of terms as one ``Sym`` (negative terms subtracted); ``0`` for no terms."""
    if not terms:
        return Sym.num(0)
    (c, f), rest = terms[0], terms[1:]
    out = -term_sym(c, f) if c < 0 else term_sym(c, f)
    for c, f in rest:
        out = Sym("sub" if c < 0 else "add", (out, term_sym(c, f)))
    return out
