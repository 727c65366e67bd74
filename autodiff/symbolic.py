"""Tiny symbolic expressions, so that one derivative rule can also *print* itself.

``Sym`` supports the same arithmetic and methods as ``Value``. Calling an operation's
derivative rule with ``Sym`` arguments therefore yields the formula a teacher writes:

>>> from autodiff.ops import SIGMOID
>>> x, out = Sym.var("z1"), Sym.var("A1")
>>> SIGMOID.derivative(x, out)[0].text()
'A1(1 − A1)'

Expressions are simplified only in the obvious ways (0 and 1, numbers folded); they can
be printed as plain text or LaTeX and evaluated on numbers.

The module also owns the term algebra on ``Sym`` the explainer uses (the end of this file):
an expression as a sum of coefficient·product terms (``Term``, ``flatten``, ``times_terms``,
``plus_terms``, ``terms_sym``), renaming its variables (``rename``) and writing products of
factors (``product_text``).
"""

from __future__ import annotations

import math
import operator
from fractions import Fraction
from typing import Callable, Iterable, Mapping, Union

from .formatting import format_number as _format, latex_name

Number = Union[int, float]
Operand = Union["Sym", int, float]

# Binding strength, loosest first; used to decide where parentheses are needed.
_PRECEDENCE = {"add": 1, "sub": 1, "mul": 2, "div": 2, "neg": 3, "pow": 4, "num": 5, "var": 5, "call": 5}
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_TEXT_CALLS = {"sigmoid": "σ", "step": "step", "sqrt": "√"}
_LATEX_CALLS = {"sigmoid": r"\sigma", "exp": r"\exp", "log": r"\ln", "tanh": r"\tanh",
                "relu": r"\operatorname{relu}", "step": r"\mathbb{1}", "sin": r"\sin", "cos": r"\cos",
                "sign": r"\operatorname{sign}"}


def format_number(x: float, digits: int = 6) -> str:
    """Short decimal form: 2 not 2.0, 0.5, 1e-04 only when it must (the ``symbolic`` style of ``formatting``)."""
    return _format(x, "symbolic", digits)


class Sym:
    """A symbolic expression: a number, a named variable, or an operation on expressions."""

    __slots__ = ("kind", "args", "value", "position")

    def __init__(self, kind: str, args: tuple[Sym, ...] = (), value: object = None, position: int | None = None):
        self.kind = kind  # "num", "var", "add", "sub", "mul", "div", "neg", "pow" or "call"
        self.args = args  # operand expressions
        self.value = value  # the number (num), the name (var) or the function name (call)
        self.position = position  # where a parsed formula wrote it (its operator or first character)

    # --- construction -------------------------------------------------------------------
    @staticmethod
    def var(name: str) -> "Sym":
        return Sym("var", value=name)

    @staticmethod
    def num(x: Number) -> "Sym":
        return Sym("num", value=float(x))

    @staticmethod
    def lift(x: Operand) -> "Sym":
        if isinstance(x, Sym):
            return x
        if isinstance(x, (int, float)) and not isinstance(x, bool):
            return Sym.num(x)
        raise TypeError(f"Sym: cannot use {type(x).__name__} {x!r} in an expression")

    def _number(self) -> float | None:
        return self._float() if self.kind == "num" else None

    @staticmethod
    def binary(kind: str, a: Operand, b: Operand) -> "Sym":
        """Build ``a <kind> b``, folding numbers and dropping 0s and 1s where it is safe."""
        a, b = Sym.lift(a), Sym.lift(b)
        x, y = a._number(), b._number()
        if x is not None and y is not None:
            try:
                return Sym.num(_step(kind, None, [x, y]))
            except ValueError:  # 1/0, (−1)^0.5: no number to fold to; keep the expression
                pass
        if kind == "add":
            if x == 0:
                return b
            if y == 0:
                return a
            if b.kind == "neg":
                return Sym.binary("sub", a, b.args[0])
        elif kind == "sub":
            if y == 0:
                return a
            if x == 0:
                return -b
        elif kind == "mul":
            if x == 0 or y == 0:
                return Sym.num(0)
            if x == 1:
                return b
            if y == 1:
                return a
            if x == -1:
                return -b
            if y == -1:
                return -a
            if y is not None:  # numbers first: 2x, not x·2
                return Sym.binary("mul", b, a)
            if x is not None and x < 0:  # −2x, not (−2)x
                return -Sym.binary("mul", -x, b)
            if a.kind == "neg":  # signs in front: 2·(−x) is −2x, never "2−x"
                return -Sym.binary("mul", a.args[0], b)
            if b.kind == "neg":
                return -Sym.binary("mul", a, b.args[0])
        elif kind == "div":
            if y == 1:
                return a
        elif kind == "pow":
            if y == 1:
                return a
            if y == 0:
                return Sym.num(1)
        return Sym(kind, (a, b))

    def call(self, function: str, *more: "Sym") -> "Sym":
        """``function(self, *more)``: a function of one input, or of several (define_op's)."""
        return Sym("call", (self, *more), function)

    # --- the same surface as Value, so derivative rules run on symbols ----------------
    def __add__(self, other: Operand) -> "Sym":
        return Sym.binary("add", self, other)

    def __radd__(self, other: Operand) -> "Sym":
        return Sym.binary("add", other, self)

    def __sub__(self, other: Operand) -> "Sym":
        return Sym.binary("sub", self, other)

    def __rsub__(self, other: Operand) -> "Sym":
        return Sym.binary("sub", other, self)

    def __mul__(self, other: Operand) -> "Sym":
        return Sym.binary("mul", self, other)

    def __rmul__(self, other: Operand) -> "Sym":
        return Sym.binary("mul", other, self)

    def __truediv__(self, other: Operand) -> "Sym":
        return Sym.binary("div", self, other)

    def __rtruediv__(self, other: Operand) -> "Sym":
        return Sym.binary("div", other, self)

    def __pow__(self, other: Operand) -> "Sym":
        return Sym.binary("pow", self, other)

    def __rpow__(self, other: Operand) -> "Sym":
        return Sym.binary("pow", other, self)

    def __neg__(self) -> "Sym":
        if self.kind == "num":
            return Sym.num(-self._float())
        if self.kind == "neg":
            return self.args[0]
        return Sym("neg", (self,))

    def exp(self) -> "Sym":
        return self.call("exp")

    def log(self) -> "Sym":
        return self.call("log")

    def tanh(self) -> "Sym":
        return self.call("tanh")

    def sigmoid(self) -> "Sym":
        return self.call("sigmoid")

    def relu(self) -> "Sym":
        return self.call("relu")

    def step(self) -> "Sym":
        return self.call("step")

    def sin(self) -> "Sym":
        return self.call("sin")

    def cos(self) -> "Sym":
        return self.call("cos")

    def sqrt(self) -> "Sym":
        return self.call("sqrt")

    def abs(self) -> "Sym":
        return self.call("abs")

    __abs__ = abs

    def sign(self) -> "Sym":
        return self.call("sign")

    # --- reading (every method walks with an explicit stack: expressions may be deep) ---------
    def nodes(self) -> list[Sym]:
        """Every distinct sub-expression (by identity), each after its operands; ``self`` last."""
        order: list[Sym] = []
        done: set[int] = set()
        stack: list[tuple[Sym, bool]] = [(self, False)]
        while stack:
            s, ready = stack.pop()
            if id(s) in done:
                continue
            if ready or not s.args:
                done.add(id(s))
                order.append(s)
                continue
            stack.append((s, True))
            stack.extend((a, False) for a in reversed(s.args) if id(a) not in done)
        return order

    def names(self) -> set[str]:
        """The variable names the expression uses."""
        return {str(s.value) for s in self.nodes() if s.kind == "var"}

    def evaluate(self, values: Mapping[str, float]) -> float:
        """The expression's value, given a number for each variable name.

        A step without a real float value (``1/0``, ``log(0)``, ``(−1)^0.5``, ``exp(1000)``)
        raises ``EvaluationError`` naming that step (``.node``); a missing name is a ``KeyError``.
        """
        results: dict[int, float] = {}
        for s in self.nodes():
            kind = s.kind
            if kind == "num":
                results[id(s)] = s._float()
                continue
            if kind == "var":
                if s.value not in values:
                    raise KeyError(f"no value for the name {s.value!r}")
                results[id(s)] = float(values[str(s.value)])
                continue
            try:
                results[id(s)] = _step(kind, s.value, [results[id(a)] for a in s.args])
            except ValueError as error:
                raise EvaluationError(str(error), s) from None
        return results[id(self)]

    def text(self) -> str:
        """Plain text with Unicode math: ``A1(1 − A1)``, ``x²``, ``σ(z)``."""
        return self._render(latex=False)

    def latex(self) -> str:
        r"""LaTeX: ``A1 \left(1 - A1\right)``, ``x^{2}``, ``\sigma\left(z\right)``."""
        return self._render(latex=True)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"Sym({self.text()!r})"

    def _float(self) -> float:
        assert isinstance(self.value, float), self.value
        return self.value

    def _render(self, latex: bool) -> str:
        """Render in time linear in the output: each node's parts once, then one walk that joins them."""
        if not self.args:
            return format_number(self._float()) if self.kind == "num" else str(self.value)
        parts: dict[int, list[str | Sym]] = {}
        opens: dict[int, bool] = {}  # whether a node's rendering starts with a parenthesis
        for s in self.nodes():
            own = _parts(s, latex, opens)
            parts[id(s)] = own
            first = own[0]
            opens[id(s)] = opens[id(first)] if isinstance(first, Sym) else first.startswith(("(", r"\left("))
        out: list[str] = []
        stack = [iter(parts[id(self)])]
        while stack:
            for item in stack[-1]:
                if isinstance(item, str):
                    out.append(item)
                else:
                    stack.append(iter(parts[id(item)]))
                    break
            else:
                stack.pop()
        return "".join(out)


class EvaluationError(ValueError):
    """A step of ``Sym.evaluate`` that has no real value; ``node`` is that step's expression."""

    def __init__(self, message: str, node: Sym):
        super().__init__(message)
        self.node = node


def _wrapped(child: Sym, latex: bool, min_precedence: int) -> list[str | Sym]:
    """``child`` as an operand: in parentheses when it binds more loosely than its place needs."""
    if _PRECEDENCE[child.kind] < min_precedence or (child.kind == "num" and child._float() < 0 and min_precedence > 1):
        return [r"\left(", child, r"\right)"] if latex else ["(", child, ")"]
    return [child]


def _parts(s: Sym, latex: bool, opens: Mapping[int, bool]) -> list[str | Sym]:
    """One node's rendering as text pieces and operand references (expanded by ``Sym._render``)."""
    kind, args = s.kind, s.args
    if kind == "num":
        return [format_number(s._float())]
    if kind == "var":
        return [str(s.value)]
    if kind == "call":
        name = str(s.value)
        inner: list[str | Sym] = [args[0]]
        for more in args[1:]:  # a two-input operation made with define_op: f(a, b)
            inner += [", ", more]
        if name == "abs":
            return [r"\left|", *inner, r"\right|"] if latex else ["|", *inner, "|"]
        if name == "sqrt" and latex:
            return [r"\sqrt{", *inner, "}"]
        if latex:
            return [rf"{_LATEX_CALLS.get(name, name)}\left(", *inner, r"\right)"]
        return [f"{_TEXT_CALLS.get(name, name)}(", *inner, ")"]
    if kind == "neg":
        return ["-" if latex else "−", *_wrapped(args[0], latex, _PRECEDENCE["mul"])]  # −2x, −(a + b)
    a, b = args
    if kind == "add":
        return [*_wrapped(a, latex, 1), " + ", *_wrapped(b, latex, 1)]
    if kind == "sub":
        return [*_wrapped(a, latex, 1), " - " if latex else " − ", *_wrapped(b, latex, 2)]
    if kind == "mul":
        left, right = _wrapped(a, latex, 2), _wrapped(b, latex, 2)
        right_opens = len(right) > 1 or opens[id(b)]
        if a.kind == "num" and not math.isfinite(a._float()):  # inf·x, never "infx"
            return [*left, r" \cdot " if latex else "·", *right]
        if (right_opens and a.kind != "num" or a.kind == "num" and b.kind != "num") and not _starts_with_digit(b):
            return [*left, " " if latex else "", *right]
        return [*left, r" \cdot " if latex else "·", *right]
    if kind == "div":
        if latex:
            return [r"\frac{", a, "}{", b, "}"]
        return [*_wrapped(a, latex, 2), "/", *_wrapped(b, latex, 3)]
    # pow
    base = _wrapped(a, latex, 5)
    if latex:
        return [*base, "^{", b, "}"]
    if b.kind == "num":
        exponent = format_number(b._float())
        if exponent.lstrip("-").isdigit():
            return [*base, exponent.translate(_SUPERSCRIPTS)]
    return [*base, "^", *_wrapped(b, latex, 5)]


def _starts_with_digit(s: Sym) -> bool:
    """Whether ``s`` is written starting with a number (``1/x²``): after a number it needs a ``·`` (2·1/x², not 21/x²)."""
    while s.kind in ("div", "pow", "mul") and _PRECEDENCE[s.args[0].kind] >= _PRECEDENCE[s.kind]:
        s = s.args[0]
    return s.kind == "num" and s._float() >= 0


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


_FUNCTIONS: dict[str, Callable[..., float]] = {
    "exp": math.exp,
    "log": math.log,
    "tanh": math.tanh,
    "sigmoid": _sigmoid,
    "relu": lambda x: 0.0 if x <= 0 else x,  # NaN stays NaN, as in ops
    "step": lambda x: 0.0 if x <= 0 else 1.0,
    "sin": math.sin,
    "cos": math.cos,
    "sqrt": math.sqrt,
    "abs": abs,
    "sign": lambda x: 1.0 if x > 0 else -1.0 if x < 0 else 0.0 if x == 0 else math.nan,
}


def define_function(name: str, on_float: Callable[..., float]) -> None:
    """Let ``Sym.call(name)`` evaluate with ``on_float`` and print as ``name(x)`` (LaTeX
    ``\\operatorname{name}``): the hook ``autodiff.define_op`` uses for a user's operation."""
    _FUNCTIONS[name] = on_float
    _LATEX_CALLS[name] = rf"\operatorname{{{name}}}"
def use_forward_rule(name: str, rule: Callable[..., float]) -> None:
    """Evaluate the arithmetic ``name`` (add, sub, mul, div, pow) or the function ``name`` with ``rule``.

    ``ops`` hands every operation's one forward rule over here when it is imported, so that a
    formula is evaluated exactly as the engine computes (``exp(800)`` is inf in both)."""
    if name in _FOLD:
        _FOLD[name] = rule
    else:
        _FUNCTIONS[name] = rule


_FOLD: dict[str, Callable[[float, float], float]] = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv, "pow": operator.pow,
}


def _step(kind: str, function: object, args: list[float]) -> float:
    """One step of an evaluation on floats; a step without a real float value raises ``ValueError``."""
    shown = f"{function}({', '.join(map(repr, args))})" if kind == "call" else f"{args[0]!r} {kind} {args[-1]!r}"
    try:
        if kind == "neg":
            result: object = -args[0]
        elif kind == "call":
            result = _FUNCTIONS[str(function)](*args)
        else:
            result = _FOLD[kind](args[0], args[1])
    except ZeroDivisionError:
        raise ValueError(f"{shown}: division by zero") from None
    except OverflowError:
        raise ValueError(f"{shown} is too large for a float") from None
    except ValueError as error:
        what = "is not a real number" if "not a real number" in str(error) else "is not defined"
        raise ValueError(f"{shown} {what}") from None
    if not isinstance(result, float):  # a negative number to a fractional power is complex
        raise ValueError(f"{shown} is not a real number")
    return result


# --- term algebra: expressions as sums of coefficient·product terms ---------------------------
#
# The explainer writes each chain-rule step as a sum of products with the numbers multiplied
# out (½·2 → 1): ``flatten`` splits an expression into such terms, ``times_terms`` and
# ``plus_terms`` combine them (merging equal products), and ``terms_sym`` turns terms back
# into one ``Sym``. ``product_text`` writes a product of factors the way a derivation does.

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
