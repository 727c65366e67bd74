"""The engine core: a scalar ``Value`` that records how it was made, and ``backward()``.

Read it top to bottom: the ``Value`` class with its operators (each made once from one entry of
the table in ``ops.py``), ``backward`` and ``grad``. Helpers a first reading may skip live beside
it: ``gradmode.py`` (``no_grad``: whether operations are recorded), ``traversal.py`` (the orders
in which a graph is walked), ``dotnode.py`` (``dot``, the one operation with any number of
inputs, and the node class that holds them), ``collector.py`` (``gc_paused``) and ``reals.py``
(which numbers a Value takes).

A node made by a one- or two-input operation keeps its parents in ``_a`` and ``_b`` and the
local derivative along each edge in ``_da`` and ``_db``, computed once when the node is made.
A leaf has ``op`` None and no parents.
"""

from __future__ import annotations

from contextlib import nullcontext
from functools import lru_cache
from itertools import count
from typing import Callable, Iterable, Literal, Sequence, overload

from . import ops
from .gradmode import enable_grad, is_recording, no_grad, open_blocks, recording_off
from .ops import Op
from .reals import as_real, is_real
from .traversal import backward_order, topological_order

__all__ = ["Value", "grad", "no_grad", "enable_grad", "is_recording", "zero_grad",
           "backward_order", "topological_order", "is_real", "as_real", "gc_paused"]  # (the last four: re-exported)


# --- the node ----------------------------------------------------------------------------------

_numbering = count()  # a node is numbered when it is made, so it comes after its parents
_new_object = object.__new__


def _node(data: float, op: Op | None, a: Value | None, b: Value | None, da: float, db: float) -> Value:
    """A new node (a leaf when ``op`` is None) without the checks of ``Value()``: the operators' fast path."""
    node = _new_object(Value)
    node.data = data
    node.grad = 0.0
    node.name = None
    node.op = op
    node._a = a
    node._b = b
    node._da = da
    node._db = db
    node._order = next(_numbering)
    return node


def _lift(x: object) -> Value | None:
    """A constant leaf for a real number, None for anything else (the operator returns NotImplemented)."""
    if type(x) is float:
        return _node(x, None, None, None, 0.0, 0.0)
    return Value(x) if is_real(x) else None  # type: ignore[arg-type]


BinaryMethod = Callable[["Value", "Value | float"], "Value"]
ReflectedMethod = Callable[["Value", float], "Value"]
UnaryMethod = Callable[["Value"], "Value"]


def _binary(op: Op) -> tuple[BinaryMethod, ReflectedMethod]:
    """The methods for ``a <op> b`` and the reflected ``number <op> a``, made once per operation.

    An operation costs one call of the method plus the table's forward and derivative rules:
    the new node records its parents and the local derivative along each edge, unless
    ``no_grad()`` is on.
    """
    forward, derivative, constant = op.forward, op.derivative, ops.constant_derivatives(op)
    blocks, off = open_blocks, recording_off  # (see gradmode: read the ContextVar only while a block is open)

    def method(self: Value, other: Value | float) -> Value:
        if not isinstance(other, Value):
            lifted = _lift(other)
            if lifted is None:
                return NotImplemented  # type: ignore[no-any-return]
            other = lifted
        x, y = self.data, other.data
        data = forward(x, y)
        if blocks[0] and off.get():
            return _node(data, None, None, None, 0.0, 0.0)
        da, db = constant or derivative(x, y, data)
        return _node(data, op, self, other, da, db)

    def reflected(self: Value, other: float) -> Value:
        lifted = _lift(other)
        if lifted is None:
            return NotImplemented  # type: ignore[no-any-return]
        return method(lifted, self)

    method.__doc__ = reflected.__doc__ = f"The operation {op.name!r} ({op.symbol}) from the table in ops.py."
    return method, reflected


def _unary(op: Op) -> UnaryMethod:
    """The method ``x.method()`` for a one-input operation, made once (see ``_binary``)."""
    forward, derivative, constant = op.forward, op.derivative, ops.constant_derivatives(op)
    blocks, off = open_blocks, recording_off

    def method(self: Value) -> Value:
        x = self.data
        data = forward(x)
        if blocks[0] and off.get():
            return _node(data, None, None, None, 0.0, 0.0)
        (da,) = constant or derivative(x, data)
        return _node(data, op, self, None, da, 0.0)

    method.__doc__ = f"The operation {op.name!r} ({op.symbol}) from the table in ops.py."
    return method


class Value:
    """A scalar in a computation graph: its value, its gradient, and the operation that made it.

    ``Value(2.0, name="x")`` makes a leaf. Arithmetic (``+ - * / **``, unary ``-``) and the
    methods ``exp log tanh sigmoid relu sin cos sqrt abs`` (and ``abs(x)``) make new nodes that
    remember their parents.
    ``==`` and ``hash`` are by identity, so Values can be dict keys and set members.
    """

    __slots__ = ("data", "grad", "name", "op", "_a", "_b", "_da", "_db", "_order", "_role")
    data: float
    grad: float
    name: str | None  # its label in drawings, explanations and formulas
    op: Op | None  # the operation that made this node; None for a leaf
    _a: Value | None  # first parent (None for a leaf, and for a node of many inputs: see dotnode.py)
    _b: Value | None  # second parent (two-input operations only)
    _da: float  # d(self)/d(first parent)
    _db: float  # d(self)/d(second parent)
    _order: int  # when it was made: after its parents
    _role: str  # set only on nodes a loss or softmax built inside itself (see roles.py); unset otherwise

    def __init__(self, data: float, name: str | None = None) -> None:
        self.data = as_real(data, "Value")
        self.grad = 0.0
        if name is not None and not isinstance(name, str):
            raise TypeError(f"Value: name must be a str or None, got {type(name).__name__} {name!r}")
        if name == "":
            raise ValueError("Value: name must not be empty; use None for an unnamed node")
        self.name = name
        self.op = None
        self._a = self._b = None
        self._da = self._db = 0.0
        self._order = next(_numbering)

    @property
    def parents(self) -> tuple[Value, ...]:
        """The inputs of the operation that made this node, in order (``a + a`` has two)."""
        a, b = self._a, self._b
        if a is None:
            return ()
        return (a,) if b is None else (a, b)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d(self)/d(parent) for each parent, in the order of ``parents``."""
        if self._a is None:
            return ()
        return (self._da,) if self._b is None else (self._da, self._db)

    @property
    def is_leaf(self) -> bool:
        """True for a node no recorded operation made (inputs, parameters, constants)."""
        return self.op is None

    def __repr__(self) -> str:  # one line, and short even for a long name
        name = self.name if self.name is None or len(self.name) <= 60 else self.name[:59] + "…"
        label = f", name={name!r}" if name is not None else ""
        made_by = f", op={self.op.name!r}" if self.op is not None else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label}{made_by})"

    # --- arithmetic: each method is made once from one operation of the table (see _binary)
    __add__, __radd__ = _binary(ops.ADD)
    __sub__, __rsub__ = _binary(ops.SUB)
    __mul__, __rmul__ = _binary(ops.MUL)
    __truediv__, __rtruediv__ = _binary(ops.DIV)
    __neg__ = _unary(ops.NEG)
    exp = _unary(ops.EXP)
    log = _unary(ops.LOG)
    tanh = _unary(ops.TANH)
    sigmoid = _unary(ops.SIGMOID)
    relu = _unary(ops.RELU)
    sin = _unary(ops.SIN)
    cos = _unary(ops.COS)
    sqrt = _unary(ops.SQRT)
    abs = _unary(ops.ABS)  # derivative sign(x): 0 at the kink x = 0, as in PyTorch (see ops.ABS)
    __abs__ = abs

    def __pow__(self, exponent: Value | float) -> Value:
        if isinstance(exponent, Value):
            return _pow_value(self, exponent)
        if not is_real(exponent):
            return NotImplemented
        return _power_method(as_real(exponent, "pow"))(self)

    def __rpow__(self, base: float) -> Value:
        return _rpow_value(self, base)

    def apply(self, op: Op) -> Value:
        """This Value through a one-input operation of the table: ``x.apply(ops.TANH)`` is ``x.tanh()``."""
        return _unary_method(op)(self)

    def step(self) -> Value:
        """The unit step [data > 0] as a constant: relu's derivative, through which no gradient flows."""
        return Value(0.0 if self.data <= 0 else 1.0)

    def sign(self) -> Value:
        """The sign of data (−1, 0 or 1) as a constant: abs's derivative, through which no gradient flows."""
        return Value(ops.sign(self.data))

    # --- gradients -----------------------------------------------------------------------
    def backward(self, gradient: Value | float = 1.0) -> None:
        """Set ``node.grad = gradient · d(self)/d(node)`` for every node this Value depends on.

        ``gradient`` is the seed d(loss)/d(self), 1 by default; another number starts the pass
        from it, as PyTorch's ``backward(gradient)`` does (a Value gives its ``data``).
        Leaves *accumulate* (``+=``) across calls, as in PyTorch: call ``zero_grad()`` between
        passes you do not want summed. Every other node is reset first, so its ``grad``
        always describes the latest pass. Runs in reverse topological order, without recursion,
        so graphs of any depth work.
        """
        seed = gradient.data if isinstance(gradient, Value) else as_real(gradient, "backward: gradient")
        order = backward_order(self)
        for node in order:
            node.grad = 0.0
        self.grad += seed
        for node in order:  # each node before its parents, so its grad is complete
            g = node.grad
            a = node._a
            if a is None:  # a node of many inputs (dot) keeps them elsewhere: see dotnode.py
                for parent, local in zip(node._inputs, node._locals):  # type: ignore[attr-defined]  # (ManyInputValue)
                    parent.grad += local * g
                continue
            a.grad += node._da * g
            b = node._b
            if b is not None:
                b.grad += node._db * g

    def zero_grad(self) -> None:
        """Set ``grad`` to 0 on this node and every node it depends on."""
        for node in topological_order(self):
            node.grad = 0.0


_pow_value, _rpow_value = _binary(ops.POW_VALUE)

for _attribute, _method in list(vars(Value).items()):  # name the methods made by _binary and _unary, so that
    if getattr(_method, "__qualname__", "").startswith(("_binary.", "_unary.")):  # tracebacks and pickle find them
        _method.__name__, _method.__qualname__ = _attribute, f"Value.{_attribute}"


_unary_method = lru_cache(maxsize=256)(_unary)


@lru_cache(maxsize=256)
def _power_method(exponent: float) -> UnaryMethod:
    return _unary_method(ops.power(exponent))


def zero_grad(values: Iterable[Value]) -> None:
    """Set ``grad`` to 0 on each of the given Values (for example a model's parameters)."""
    for value in values:
        value.grad = 0.0


@overload
def grad(output: Value, inputs: Value, create_graph: Literal[False] = ...,
         grad_output: Value | float = ...) -> float: ...
@overload
def grad(output: Value, inputs: Value, create_graph: Literal[True], grad_output: Value | float = ...) -> Value: ...
@overload
def grad(output: Value, inputs: Sequence[Value], create_graph: Literal[False] = ...,
         grad_output: Value | float = ...) -> list[float]: ...
@overload
def grad(output: Value, inputs: Sequence[Value], create_graph: Literal[True],
         grad_output: Value | float = ...) -> list[Value]: ...


def grad(
    output: Value, inputs: Value | Sequence[Value], create_graph: bool = False, grad_output: Value | float = 1.0
) -> float | Value | list[float] | list[Value]:
    """d(output)/d(input) for each input, times ``grad_output``, leaving every ``.grad`` untouched.

    ``inputs`` may be one Value (one result is returned) or a sequence (a list is returned).
    An input the output does not depend on gets 0. With ``create_graph=True`` the results
    are Values built from the operations' derivative rules, so they can be differentiated
    again (higher-order derivatives); otherwise they are floats. ``grad_output`` is the seed
    d(loss)/d(output), 1 by default, as in ``backward(gradient)``; with ``create_graph=True``
    a Value seed is part of the graph, so the results can be differentiated with respect to it.
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad: output must be a Value, got {type(output).__name__}")
    single = isinstance(inputs, Value)
    if not single and not isinstance(inputs, (list, tuple, Sequence)):
        raise TypeError(f"grad: inputs must be a Value or a sequence of Values, got {type(inputs).__name__}")
    wanted: list[Value] = [inputs] if isinstance(inputs, Value) else list(inputs)
    for i, x in enumerate(wanted):
        if not isinstance(x, Value):
            raise TypeError(f"grad: inputs[{i}] must be a Value, got {type(x).__name__}")

    seed: float | Value
    if isinstance(grad_output, Value):
        seed = grad_output if create_graph else grad_output.data
    else:
        seed = as_real(grad_output, "grad: grad_output")
        seed = Value(seed) if create_graph else seed
    zero = Value(0.0) if create_graph else 0.0
    grads: dict[Value, float | Value] = {output: seed}
    with enable_grad() if create_graph else nullcontext():  # the results' own graph is recorded, even in no_grad
        for node in backward_order(output):  # backward()'s order: the same sums
            upstream = grads.get(node)
            if upstream is None:
                continue
            parents = node.parents
            if create_graph:
                local = node.op.derivative(*parents, node)  # type: ignore[union-attr]  # the same rule, on Values
            else:
                local = node.local_grads
            for parent, d in zip(parents, local):
                contribution = d * upstream
                grads[parent] = grads[parent] + contribution if parent in grads else contribution
    results = [grads.get(x, zero) for x in wanted]
    return results[0] if single else results  # type: ignore[return-value]


from .collector import gc_paused  # noqa: E402,F401  (kept importable from here, where it was before)
