"""Your own operations: ``define_op`` declares one from its forward rule and its derivative rule.

The rules are written once, the way the table in ``ops.py`` writes the built-ins: the forward
rule on floats, the derivative rule ``(x, out) -> (d out/d x,)`` (for two inputs
``(a, b, out) -> (d out/d a, d out/d b)``) with plain arithmetic and the
functions of ``autodiff.ops`` (``ops.exp``, ``ops.sigmoid``, ``ops.sin`` ...), which work on
floats, Values and symbols alike. So the one derivative rule gives the numbers ``backward()``
multiplies, differentiable derivatives for ``grad(..., create_graph=True)``, and the formula that
``draw``, ``explain`` and ``animate`` print. The operation is registered by name, so formulas given
to ``check_formula`` may call it, and ``nn`` neurons may use it as their activation.

    softplus = define_op("softplus", lambda x: max(x, 0.0) + math.log1p(math.exp(-abs(x))),
                         lambda x, out: (ops.sigmoid(x),))
    y = softplus(Value(0.5))            # a node whose op is named "softplus"

``define_op`` returns an ``Operation`` (one input) or a ``BinaryOperation`` (two): a typed
function of Values (or numbers) to a Value; the ``Value`` class itself is not changed. This module fills the registry ``ops.USER_OPS``,
which ``Op.apply``, ``ops.find`` (pickling), the formula reader and the expression builder read.
"""

from __future__ import annotations

import inspect
import keyword
import re
from typing import Any, Callable, overload

from . import ops, symbolic
from .engine import Value, apply, as_real, is_real
from .formula import DELTA_NAMES, FUNCTIONS
from .ops import Op
from .symbolic import Sym

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_RESERVED = {"pow", "step", "sign", "delta", "call"}  # names the engine, Sym or the formula reader already use


class Operation:
    """A one-input operation made by ``define_op``: ``op(x)`` makes its node from a Value or a number."""

    __slots__ = ("op",)

    def __init__(self, op: Op) -> None:
        self.op = op

    @property
    def name(self) -> str:
        return self.op.name

    def __call__(self, x: Value | float) -> Value:
        return apply(self.op, (_operand(x, self.op.name),))

    def __repr__(self) -> str:
        return f"<operation {self.op.name!r} ({self.op.symbol}), made with define_op>"


class BinaryOperation:
    """A two-input operation made by ``define_op``: ``op(a, b)`` makes its node from Values or numbers."""

    __slots__ = ("op",)

    def __init__(self, op: Op) -> None:
        self.op = op

    @property
    def name(self) -> str:
        return self.op.name

    def __call__(self, a: Value | float, b: Value | float) -> Value:
        return apply(self.op, (_operand(a, self.op.name), _operand(b, self.op.name)))

    def __repr__(self) -> str:
        return f"<operation {self.op.name!r} ({self.op.symbol}) of two inputs, made with define_op>"


def _operand(x: object, where: str) -> Value:
    if isinstance(x, Value):
        return x
    if not is_real(x):
        raise TypeError(f"{where}: expected a Value or a real number, got {type(x).__name__} {x!r}")
    return Value(x)  # type: ignore[arg-type]


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


@overload
def define_op(
    name: str, forward: Callable[[float], float], derivative: Callable[[Any, Any], tuple[Any, ...]], *,
    symbol: str | None = None, replace: bool = False, arity: int | None = None,
) -> Operation: ...
@overload
def define_op(
    name: str, forward: Callable[[float, float], float], derivative: Callable[[Any, Any, Any], tuple[Any, ...]], *,
    symbol: str | None = None, replace: bool = False, arity: int | None = None,
) -> BinaryOperation: ...


def define_op(
    name: str,
    forward: Callable[..., float],
    derivative: Callable[..., tuple[Any, ...]],
    *,
    symbol: str | None = None,
    replace: bool = False,
    arity: int | None = None,
) -> Operation | BinaryOperation:
    """Declare an operation of one or two inputs from its forward and derivative rules; returns it.

    ``forward(x)`` (or ``forward(a, b)``) computes the value on floats (raise ``ValueError``
    naming the operation for inputs outside its domain). ``derivative(x, out)`` (or
    ``derivative(a, b, out)``) returns a tuple with one local derivative per input, d(out)/d(input),
    written with arithmetic and ``autodiff.ops`` functions, so that it runs on floats, Values
    and symbols. The number of inputs is read from ``forward``'s parameters (or give ``arity``).
    ``symbol`` is what a drawing writes in the operation's node (the name by default). ``name``
    must be a new identifier: a built-in's name is refused, and so is a name already defined
    unless ``replace=True`` (for re-running a notebook cell).

    The rule is tried on symbols at once, so a rule that returns the wrong number of
    derivatives, or calls something that only works on floats (``math.exp``), is refused here.
    Formulas (``check_formula``) can call the one-input operations by name.
    """
    where = f"define_op({name!r})"
    if not isinstance(name, str) or not _NAME.match(name) or keyword.iskeyword(name):
        raise ValueError(f"define_op: name must be an identifier such as 'softplus' (letters, digits, _), got {name!r}")
    if name in _builtin_names():
        raise ValueError(f"{where}: {name!r} is the name of a built-in operation or function; choose another name")
    if name in ops.USER_OPS and not replace:
        raise ValueError(f"{where}: an operation {name!r} is already defined (pass replace=True to redefine it)")
    if not callable(forward):
        raise TypeError(f"{where}: the forward rule must be callable, got {type(forward).__name__} {forward!r}")
    if not callable(derivative):
        raise TypeError(f"{where}: the derivative rule must be callable, got {type(derivative).__name__} {derivative!r}")
    if arity is not None and arity not in (1, 2):
        raise ValueError(f"{where}: arity must be 1 or 2, got {arity!r}")
    n = arity or _positional_count(forward) or 1
    if n not in (1, 2):
        raise TypeError(f"{where}: the forward rule takes {n} arguments; an operation has one or two inputs")
    inputs = "x" if n == 1 else "a, b"
    count = _positional_count(derivative)
    if count is not None and count != n + 1:
        raise TypeError(f"{where}: the derivative rule takes {count} arguments; it must be derivative({inputs}, out)")
    if symbol is not None and (not isinstance(symbol, str) or not symbol):
        raise ValueError(f"{where}: symbol must be a non-empty str, got {symbol!r}")
    _try_on_symbols(derivative, n, where)

    def checked_forward(*xs: float) -> float:
        result = forward(*xs)
        return result if type(result) is float else as_real(result, f"{name}: the forward rule's result")

    def checked_derivative(*args: Any) -> tuple[Any, ...]:
        result = derivative(*args)
        if not isinstance(result, (tuple, list)) or len(result) != n:
            raise ValueError(f"{name}: the derivative rule must return a tuple of {n} derivative(s), got {result!r}")
        if isinstance(args[0], float):  # on floats: the numbers backward() multiplies
            return tuple(as_real(d, f"{name}: the derivative rule's result") for d in result)
        return tuple(result)

    op = Op(name, symbol or name, n, checked_forward, checked_derivative)
    operation = Operation(op) if n == 1 else BinaryOperation(op)
    symbolic.define_function(name, checked_forward)
    ops.USER_OPS[name] = operation
    return operation


def _try_on_symbols(derivative: Callable[..., Any], n: int, where: str) -> None:
    inputs = [Sym.var("x")] if n == 1 else [Sym.var("a"), Sym.var("b")]
    try:
        result = derivative(*inputs, Sym.var("out"))
    except Exception as e:
        raise TypeError(
            f"{where}: the derivative rule must work on symbols as well as floats, using arithmetic and the "
            f"functions of autodiff.ops (ops.exp, ops.log, ops.sigmoid, ops.sin, ...) rather than math's; "
            f"on symbols it raised {type(e).__name__}: {e}"
        ) from None
    if not isinstance(result, (tuple, list)):
        wanted = "(d out/d x,)" if n == 1 else "(d out/d a, d out/d b)"
        raise ValueError(f"{where}: the derivative rule must return a tuple {wanted}, got {type(result).__name__} {result!r}")
    if len(result) != n:
        raise ValueError(
            f"{where}: the derivative rule returned {len(result)} derivatives for an operation of {n} input{'s' * (n > 1)}"
        )
    for d in result:
        try:
            Sym.lift(d)
        except TypeError:
            raise TypeError(f"{where}: the derivative rule returned {type(d).__name__} {d!r}, not a number or an expression") from None
