"""The operation table: every operation's forward rule and local derivatives, defined once.

Each derivative rule is written with plain arithmetic, so the same function works on
three kinds of argument:

* floats: the numbers ``backward()`` multiplies along each edge;
* ``Value`` nodes: derivatives that are themselves differentiable (``grad(..., create_graph=True)``);
* ``Sym`` expressions: the formula a teacher writes, used by the renderer and the explainer.

A rule receives the operation's inputs followed by its output, and returns one local
derivative per input: d(output)/d(input).
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from functools import lru_cache, reduce
from typing import Any, Callable

from .symbolic import Sym, use_forward_rule


@dataclass(frozen=True, eq=False)
class Op:
    """One operation: how to compute it on floats and what its local derivatives are."""

    name: str  # short identifier, e.g. "mul"
    symbol: str  # what a drawing writes in the operation's node, e.g. "×"
    arity: int | None  # 1 or 2; None for ``dot``, which takes any number of inputs
    forward: Callable[..., float]  # floats in, float out; raises on a domain error
    derivative: Callable[..., tuple[Any, ...]]  # (*inputs, output) -> one local derivative per input
    exponent: float | None = None  # only for `pow`: the constant power
    zero_to_negative: str = "raise"  # only for `pow`: "raise", or "inf" in derivative rules (see raise_to)

    def __repr__(self) -> str:
        return f"Op({self.name!r})"

    def _key(self) -> tuple[str, float | None, str]:
        return (self.name, self.exponent, self.zero_to_negative)

    def __eq__(self, other: object) -> bool:
        """Operations are equal when they are the same operation (by name, and exponent for ``pow``)."""
        return isinstance(other, Op) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled by name, since its rules are functions pickle cannot copy (see ``find``)."""
        if self.exponent is not None:
            return (power, (self.exponent, self.zero_to_negative))
        return (find, (self.name,))

    def apply(self, *operands: Any) -> Any:
        """This operation on operands that do their own arithmetic (``Sym``, ``Value``).

        For symbols it is the expression the operation makes, e.g. ``(A3 − y_t)`` for a
        ``sub`` node: how drawings and explanations write an unnamed node.
        """
        if self.exponent is not None:
            n = self.exponent
            return operands[0] ** (int(n) if n.is_integer() else n)
        if self.name in _OPERATORS:
            return _OPERATORS[self.name](*operands)
        if self.name in USER_OPS:  # made with define_op: a call of its name (on Values, the operation itself)
            if any(isinstance(x, Sym) for x in operands):
                first, *more = map(Sym.lift, operands)
                return first.call(self.name, *more)
            return USER_OPS[self.name](*operands)
        return getattr(operands[0], self.name)()  # exp, log, tanh, sigmoid, relu, ...: methods of the same name


# --- helpers that let one derivative rule serve floats, Values and symbols -------------

def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float))


def log(x: Any) -> Any:
    """Natural log of a float, a Value or a symbol."""
    return math.log(x) if _is_number(x) else x.log()


def raise_to(x: Any, exponent: float) -> Any:
    """x ** power for a float, a Value or a symbol; 0 to a negative power is +inf (an infinite slope).

    A derivative rule, unlike the operator ``**``, must not raise there: ``backward()`` gets inf
    from it on floats, and ``grad(create_graph=True)`` the same inf on Values.
    """
    if _is_number(x):
        return _power_or_inf(x, exponent)
    if isinstance(x, Sym) or not _is_number(exponent):  # (a Value exponent needs a positive base anyway)
        return x**exponent
    return x.apply(power(exponent, zero_to_negative="inf"))  # a Value


def over_square(a: Any, b: Any) -> Any:
    """a / b² for a float, a Value or a symbol, written a / b / b except in formulas: for |b| < 1e-162,
    b² underflows to 0 and a / b² would raise ZeroDivisionError although the slope is finite or inf."""
    if isinstance(b, Sym):
        return a / b**2
    return a / b / b


def step(x: Any) -> Any:
    """The unit step [x > 0]: relu's derivative. Its own derivative is 0 wherever it exists.

    1 at NaN, as PyTorch's relu passes a NaN input's gradient on: the NaN is not hidden."""
    if _is_number(x):
        return 0.0 if x <= 0 else 1.0
    return x.step()


def sign(x: Any) -> Any:
    """The sign of x (−1, 0 or 1; 0 at 0): abs's derivative. Its own derivative is 0 wherever it exists.

    NaN at NaN, as PyTorch's: a NaN input's gradient stays NaN, not hidden as 0."""
    if _is_number(x):
        return 1.0 if x > 0 else -1.0 if x < 0 else 0.0 if x == 0 else math.nan
    return x.sign()


def over(a: Any, b: Any) -> Any:
    """a / b for a float, a Value or a symbol. At b = 0 it is ±inf (an infinite slope), not the
    division's error, on floats (for ``backward()``) and on Values (for ``grad(create_graph=True)``)."""
    if isinstance(b, Sym):
        return a / b
    if _is_number(b):
        if b == 0:
            return math.copysign(math.inf, a) if a else math.nan
        return a / b
    return a * raise_to(b, -1)  # a Value


def sin(x: Any) -> Any:
    """sin of a float, a Value or a symbol."""
    return math.sin(x) if _is_number(x) else x.sin()


def cos(x: Any) -> Any:
    """cos of a float, a Value or a symbol."""
    return math.cos(x) if _is_number(x) else x.cos()


def exp(x: Any) -> Any:
    """e ** x of a float, a Value or a symbol (inf when it overflows, as in PyTorch)."""
    return _exp(x) if _is_number(x) else x.exp()


def sqrt(x: Any) -> Any:
    """The square root of a float, a Value or a symbol (a negative float is a ValueError)."""
    return _sqrt(x) if _is_number(x) else x.sqrt()


def tanh(x: Any) -> Any:
    """tanh of a float, a Value or a symbol."""
    return math.tanh(x) if _is_number(x) else x.tanh()


def sigmoid(x: Any) -> Any:
    """The logistic function 1/(1 + e^−x) of a float, a Value or a symbol (finite for every float)."""
    return _sigmoid(x) if _is_number(x) else x.sigmoid()


# --- forward rules on floats, with the domain errors a learner should see ---------------

def _div(a: float, b: float) -> float:
    if b == 0:
        raise ZeroDivisionError(f"div: cannot divide {a!r} by zero")
    return a / b


def _log(x: float) -> float:
    if x <= 0:
        raise ValueError(f"log: input must be positive, got {x!r}")
    return math.log(x)


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:  # like PyTorch: overflow is inf, not an exception
        return math.inf


def _sqrt(x: float) -> float:
    if x < 0:
        raise ValueError(f"sqrt: input must be non-negative, got {x!r}")
    return math.sqrt(x)


def _sin(x: float) -> float:
    if math.isinf(x):
        raise ValueError(f"sin: input must be finite, got {x!r}")
    return math.sin(x)


def _cos(x: float) -> float:
    if math.isinf(x):
        raise ValueError(f"cos: input must be finite, got {x!r}")
    return math.cos(x)


def _sigmoid(x: float) -> float:
    # Two algebraically equal forms, each used where its exp() cannot overflow.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _power(base: float, exponent: float, op_name: str = "pow") -> float:
    if base == 0 and exponent < 0:
        raise ZeroDivisionError(f"{op_name}: 0.0 cannot be raised to the negative power {exponent!r}")
    if base < 0 and not float(exponent).is_integer():  # (is_integer: no OverflowError for inf)
        raise ValueError(
            f"{op_name}: negative base {base!r} to the non-integer power {exponent!r} is not a real number"
        )
    try:
        result: float = base**exponent  # (typeshed types float ** float as Any)
        return result
    except OverflowError:
        odd = exponent == int(exponent) and int(exponent) % 2 == 1
        return -math.inf if base < 0 and odd else math.inf


def _power_or_inf(base: float, exponent: float) -> float:
    return math.inf if base == 0 and exponent < 0 else _power(base, exponent)


def _relu(x: float) -> float:
    return 0.0 if x <= 0 else x  # (a NaN input stays NaN, as in PyTorch: it must not vanish from the loss)


def _dot(*operands: Any) -> Any:
    """w1*x1 + ... + wn*xn (+ b), added left to right. The operands are the n weights, then the
    n inputs, then the bias if there is one. Plain arithmetic, so it works on symbols too."""
    n = len(operands) // 2
    total = reduce(operator.add, map(operator.mul, operands[:n], operands[n : 2 * n]))
    return total + operands[-1] if len(operands) % 2 else total


def _dot_derivative(*args: Any) -> tuple[Any, ...]:
    """d/d(w_k) = x_k, d/d(x_k) = w_k and d/d(b) = 1 (the last argument, the output, is not needed)."""
    n = (len(args) - 1) // 2
    weights, inputs = args[:n], args[n : 2 * n]
    return (*inputs, *weights, 1.0) if len(args) % 2 == 0 else (*inputs, *weights)


def _power_of_values(base: float, exponent: float) -> float:
    # With a Value exponent, d/d(exponent) = output * ln(base) needs a positive base.
    if base <= 0:
        raise ValueError(
            f"pow: base {base!r} must be positive when the exponent is a Value "
            f"(its derivative with respect to the exponent is output * ln(base)); "
            f"use a plain number as the exponent"
        )
    return _power(base, exponent)


# --- the table ----------------------------------------------------------------------------
# (operator.add is a + b, and so on: the same rule as a lambda, called faster.)

ADD = Op("add", "+", 2, operator.add, lambda a, b, out: (1.0, 1.0))
SUB = Op("sub", "−", 2, operator.sub, lambda a, b, out: (1.0, -1.0))
MUL = Op("mul", "×", 2, operator.mul, lambda a, b, out: (b, a))
DIV = Op("div", "÷", 2, _div, lambda a, b, out: (1 / b, over_square(-a, b)))
NEG = Op("neg", "−", 1, operator.neg, lambda x, out: (-1.0,))
POW_VALUE = Op("powv", "^", 2, _power_of_values, lambda a, b, out: (b * raise_to(a, b - 1), out * log(a)))
EXP = Op("exp", "exp", 1, _exp, lambda x, out: (out,))
LOG = Op("log", "log", 1, _log, lambda x, out: (1 / x,))
TANH = Op("tanh", "tanh", 1, math.tanh, lambda x, out: (1 - out**2,))
SIGMOID = Op("sigmoid", "σ", 1, _sigmoid, lambda x, out: (out * (1 - out),))
RELU = Op("relu", "relu", 1, _relu, lambda x, out: (step(x),))
DOT = Op("dot", "Σ", None, _dot, _dot_derivative)  # a neuron's pre-activation as one node; see dotnode.dot
SIN = Op("sin", "sin", 1, _sin, lambda x, out: (cos(x),))
COS = Op("cos", "cos", 1, _cos, lambda x, out: (-sin(x),))
SQRT = Op("sqrt", "√", 1, _sqrt, lambda x, out: (over(1, 2 * out),))  # 1/(2√x): inf at 0, as in PyTorch
# |x| has a kink at 0. Its derivative there is taken as sign(0) = 0, as PyTorch does: 0 lies
# between the slopes −1 and +1 on either side (a subgradient), and it is the one choice that
# leaves a parameter sitting exactly at the minimum of |x| where it is.
ABS = Op("abs", "|·|", 1, abs, lambda x, out: (sign(x),))


@lru_cache(maxsize=256)
def power(exponent: float, zero_to_negative: str = "raise") -> Op:
    """The operation x ** exponent for a constant exponent (one Op per exponent).

    ``zero_to_negative="inf"`` makes 0 to a negative power inf instead of an error: the form the
    derivative rules use on Values (see ``raise_to``); the operator ``**`` keeps the error.
    """
    n = int(exponent) if float(exponent).is_integer() else exponent
    if zero_to_negative not in ("raise", "inf"):
        raise ValueError(f"power: zero_to_negative must be 'raise' or 'inf', got {zero_to_negative!r}")
    forward = _power if zero_to_negative == "raise" else _power_or_inf
    return Op(
        "pow",
        f"^{n}",
        1,
        lambda x: forward(x, exponent),
        lambda x, out: (n * raise_to(x, n - 1) if n else 0.0,),  # x**0 is constant: slope 0, even at x = 0
        exponent=float(exponent),
        zero_to_negative=zero_to_negative,
    )


_OPERATORS: dict[str, Callable[..., Any]] = {  # for Op.apply
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv,
    "neg": operator.neg, "powv": operator.pow, "dot": _dot,
}

USER_OPS: dict[str, Any] = {}
"""The operations made with ``autodiff.define_op``, by name (``autodiff.custom.Operation`` or ``BinaryOperation``)."""

OPS: dict[str, Op] = {
    op.name: op
    for op in (ADD, SUB, MUL, DIV, NEG, POW_VALUE, EXP, LOG, TANH, SIGMOID, RELU, DOT, SIN, COS, SQRT, ABS)
}
"""Every fixed operation by name; ``power(n)`` makes the constant-exponent ones."""


def find(name: str) -> Op:
    """The operation called ``name``: a fixed one (``OPS[name]``) or one made with ``define_op``
    (``USER_OPS``), else a KeyError listing the known names."""
    if name in OPS:
        return OPS[name]
    if name in USER_OPS:
        user_op: Op = USER_OPS[name].op
        return user_op
    known = ", ".join(sorted([*OPS, *USER_OPS]))
    raise KeyError(f"no operation named {name!r} (an operation of define_op must be defined first); known: {known}")


# A formula is evaluated with the same forward rules (``Sym.evaluate``): one rule per operation.
for _op in (ADD, SUB, MUL, DIV, EXP, LOG, TANH, SIGMOID, RELU, SIN, COS, SQRT, ABS):
    use_forward_rule(_op.name, _op.forward)
use_forward_rule("pow", _power)
use_forward_rule("step", step)
use_forward_rule("sign", sign)
