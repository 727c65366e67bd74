"""Your own operations: ``define_op`` declares one from its forward rule and its derivative rule.

The rules are written once, the way the table in ``ops.py`` writes the built-ins: the forward
rule on floats, the derivative rule ``(x, out) -> (d out/d x,)`` with plain arithmetic and the
functions of ``autodiff.ops`` (``ops.exp``, ``ops.sigmoid``, ``ops.sin`` ...), which work on
floats, Values and symbols alike. So the one derivative rule gives the numbers ``backward()``
multiplies, differentiable derivatives for ``grad(..., create_graph=True)``, and the formula that
``draw``, ``explain`` and ``animate`` print. The operation is registered by name, so formulas given
to ``check_formula`` may call it, and ``nn`` neurons may use it as their activation.

    softplus = define_op("softplus", lambda x: max(x, 0.0) + math.log1p(math.exp(-abs(x))),
                         lambda x, out: (ops.sigmoid(x),))
    y = softplus(Value(0.5))            # a node whose op is named "softplus"

``define_op`` returns an ``Operation``: a typed function of one Value (or number) to a Value;
the ``Value`` class itself is not changed. This module fills the registry ``ops.USER_OPS``,
which ``Op.apply``, ``ops.find`` (pickling), the formula reader and the expression builder read.
"""

from __future__ import annotations

import inspect
import keyword
import re
from typing import Any, Callable

from . import ops, symbolic
from .engine import Value, _unary, _unary_method
from .formula import DELTA_NAMES, FUNCTIONS
from .ops import Op
from .reals import as_real, is_real
from .symbolic import Sym

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_RESERVED = {"pow", "step", "sign", "delta", "call"}  # names the engine, Sym or the formula reader already use


class Operation:
    """A one-input operation made by ``define_op``: ``op(x)`` makes its node from a Value or a number."""

    __slots__ = ("op", "_method")

    def __init__(self, op: Op) -> None:
        self.op = op
        self._method = _unary(op)  # the same fast path as the built-in methods (Value.exp, ...)

    @property
    def name(self) -> str:
        return self.op.name

    def __call__(self, x: Value | float) -> Value:
        if not isinstance(x, Value):
            if not is_real(x):
                raise TypeError(f"{self.op.name}: expected a Value or a real number, got {type(x).__name__} {x!r}")
            x = Value(x)
        return self._method(x)

    def __repr__(self) -> str:
        return f"<operation {self.op.name!r} ({self.op.symbol}), made with define_op>"


def _builtin_names() -> set[str]:
    return set(ops.OPS) | set(FUNCTIONS) | set(DELTA_NAMES) | _RESERVED


def _positional_count(rule: Callable[..., Any]) -> int | None:
    try:
        parameters = inspect.signature(rule).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature: trust it
        return None
    if any(p.kind is p.VAR_POSITIONAL for p in parameters):
        return None
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty for p in parameters)


def define_op(
    name: str,
    forward: Callable[[float], float],
    derivative: Callable[[Any, Any], tuple[Any, ...]],
    *,
    symbol: str | None = None,
    replace: bool = False,
) -> Operation:
    """Declare a one-input operation from its forward and derivative rules; returns the operation.

    ``forward(x)`` computes the value on a float (raise ``ValueError`` naming the operation for
    inputs outside its domain). ``derivative(x, out)`` returns a tuple with the one local
    derivative d(out)/d(x), written with arithmetic and ``autodiff.ops`` functions, so that it
    runs on floats, Values and symbols. ``symbol`` is what a drawing writes in the operation's
    node (the name by default). ``name`` must be a new identifier: a built-in's name is refused,
    and so is a name already defined unless ``replace=True`` (for re-running a notebook cell).

    The rule is tried on symbols at once, so a rule that returns the wrong number of
    derivatives, or calls something that only works on floats (``math.exp``), is refused here.
    """
    where = f"define_op({name!r})"
    if not isinstance(name, str) or not _NAME.match(name) or keyword.iskeyword(name):
        raise ValueError(f"define_op: name must be an identifier such as 'softplus' (letters, digits, _), got {name!r}")
    if name in _builtin_names():
        raise ValueError(f"{where}: {name!r} is the name of a built-in operation or function; choose another name")
    if name in ops.USER_OPS and not replace:
        raise ValueError(f"{where}: an operation {name!r} is already defined (pass replace=True to redefine it)")
    for rule_name, rule, wanted in (("forward", forward, 1), ("derivative", derivative, 2)):
        if not callable(rule):
            raise TypeError(f"{where}: the {rule_name} rule must be callable, got {type(rule).__name__} {rule!r}")
        count = _positional_count(rule)
        if count is not None and count != wanted:
            signature = "forward(x)" if wanted == 1 else "derivative(x, out)"
            raise TypeError(f"{where}: the {rule_name} rule takes {count} arguments; it must be {signature}")
    if symbol is not None and (not isinstance(symbol, str) or not symbol):
        raise ValueError(f"{where}: symbol must be a non-empty str, got {symbol!r}")
    _try_on_symbols(derivative, where)

    def checked_forward(x: float) -> float:
        result = forward(x)
        return result if type(result) is float else as_real(result, f"{name}: the forward rule's result")

    def checked_derivative(x: Any, out: Any) -> tuple[Any, ...]:
        result = derivative(x, out)
        if not isinstance(result, (tuple, list)) or len(result) != 1:
            raise ValueError(f"{name}: the derivative rule must return a tuple of one derivative, got {result!r}")
        if isinstance(x, float):  # on floats: the number backward() multiplies
            return (as_real(result[0], f"{name}: the derivative rule's result"),)
        return tuple(result)

    op = Op(name, symbol or name, 1, checked_forward, checked_derivative)
    if name in ops.USER_OPS:
        # Ops compare by name, so caches keyed by the old one would answer for the new one.
        ops.constant_derivatives.cache_clear()
        _unary_method.cache_clear()
    operation = Operation(op)
    symbolic.define_function(name, checked_forward)
    ops.USER_OPS[name] = operation
    return operation


def _try_on_symbols(derivative: Callable[..., Any], where: str) -> None:
    x, out = Sym.var("x"), Sym.var("out")
    try:
        result = derivative(x, out)
    except Exception as e:
        raise TypeError(
            f"{where}: the derivative rule must work on symbols as well as floats, using arithmetic and the "
            f"functions of autodiff.ops (ops.exp, ops.log, ops.sigmoid, ops.sin, ...) rather than math's; "
            f"on symbols it raised {type(e).__name__}: {e}"
        ) from None
    if not isinstance(result, (tuple, list)):
        raise ValueError(f"{where}: the derivative rule must return a tuple (d out/d x,), got {type(result).__name__} {result!r}")
    if len(result) != 1:
        raise ValueError(f"{where}: the derivative rule returned {len(result)} derivatives for an operation of 1 input")
    try:
        Sym.lift(result[0])
    except TypeError:
        raise TypeError(f"{where}: the derivative rule returned {type(result[0]).__name__} {result[0]!r}, not a number or an expression") from None
