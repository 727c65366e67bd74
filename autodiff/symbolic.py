"""Tiny symbolic expressions, so that one derivative rule can also *print* itself.

``Sym`` supports the same arithmetic and methods as ``Value``. Calling an operation's
derivative rule with ``Sym`` arguments therefore yields the formula a teacher writes:

>>> from autodiff.ops import SIGMOID
>>> x, out = Sym.var("z1"), Sym.var("A1")
>>> SIGMOID.derivative(x, out)[0].text()
'A1(1 − A1)'

Expressions are simplified only in the obvious ways (0 and 1, numbers folded); they can
be printed as plain text or LaTeX and evaluated on numbers.

The term algebra on ``Sym`` (sums of coefficient·product terms, renaming, writing products) is
in ``terms.py``.
"""

from __future__ import annotations

import math
import operator
from typing import Callable, Mapping, Union

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


def _leads_with_minus(s: Sym) -> bool:
    """Whether ``s`` is written starting with its own minus sign (a negation, or a product or
    quotient whose first factor is one): a minus in front of it then needs parentheses."""
    while s.kind in ("mul", "div"):
        s = s.args[0]
    return s.kind == "neg"


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
        if _leads_with_minus(args[0]):  # −(−1/c²), never "−−1/c²"
            opened: list[str | Sym] = [r"\left(", args[0], r"\right)"] if latex else ["(", args[0], ")"]
            return ["-" if latex else "−", *opened]
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
