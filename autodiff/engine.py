"""The engine: a scalar ``Value`` that records how it was made, and ``backward()``.

Every operation comes from the table in ``ops.py``; this file only wires the table to
Python's operators. A node keeps at most two parents (every operation is unary or binary)
and the local derivative along each edge, computed once when the node is made.
"""

from __future__ import annotations

import numbers
from contextlib import contextmanager
from itertools import count
from operator import attrgetter
from typing import Iterable, Iterator, Sequence, Union

from . import ops
from .ops import Op

Number = Union[int, float]

_recording = True  # False inside `with no_grad():`
_creation_counter = count()  # every node is numbered when it is made
_creation_order = attrgetter("_order")


def _as_real(x: object, where: str) -> float:
    """``x`` as a float, or a TypeError naming what was passed instead."""
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return float(x)
    raise TypeError(f"{where}: expected a real number (int, float or NumPy real scalar), got {type(x).__name__} {x!r}")


def _is_real(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


class Value:
    """A scalar in a computation graph: its value, its gradient, and the operation that made it.

    ``Value(2.0, name="x")`` makes a leaf. Arithmetic (``+ - * / **``, unary ``-``) and the
    methods ``exp log tanh sigmoid relu`` make new nodes that remember their parents.
    ``==`` and ``hash`` are by identity, so Values can be dict keys and set members.
    """

    __slots__ = ("data", "grad", "name", "op", "_a", "_b", "_da", "_db", "_order")

    def __init__(self, data: Number, name: str | None = None) -> None:
        if name is not None and not isinstance(name, str):
            raise TypeError(f"Value: name must be a str or None, got {type(name).__name__} {name!r}")
        self.data: float = _as_real(data, "Value")
        self.grad: float = 0.0
        self.name: str | None = name
        self.op: Op | None = None  # None for a leaf
        self._a: Value | None = None  # first parent
        self._b: Value | None = None  # second parent (binary operations only)
        self._da: float = 0.0  # d(self)/d(first parent)
        self._db: float = 0.0  # d(self)/d(second parent)
        self._order: int = next(_creation_counter)

    # --- reading the graph -------------------------------------------------------------
    @property
    def parents(self) -> tuple[Value, ...]:
        """The inputs of the operation that made this node, in order (``a + a`` has two)."""
        if self._a is None:
            return ()
        return (self._a,) if self._b is None else (self._a, self._b)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d(self)/d(parent) for each parent, in the order of ``parents``."""
        if self._a is None:
            return ()
        return (self._da,) if self._b is None else (self._da, self._db)

    @property
    def is_leaf(self) -> bool:
        """True for a node no recorded operation made (inputs, parameters, constants)."""
        return self._a is None

    def __repr__(self) -> str:
        label = f", name={self.name!r}" if self.name is not None else ""
        made_by = f", op={self.op.name!r}" if self.op is not None else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label}{made_by})"

    # --- arithmetic: each method applies one operation from the table -------------------
    def __add__(self, other: Value | Number) -> Value:
        return _apply2(ops.ADD, self, other)

    def __radd__(self, other: Number) -> Value:
        return _apply2(ops.ADD, other, self)

    def __sub__(self, other: Value | Number) -> Value:
        return _apply2(ops.SUB, self, other)

    def __rsub__(self, other: Number) -> Value:
        return _apply2(ops.SUB, other, self)

    def __mul__(self, other: Value | Number) -> Value:
        return _apply2(ops.MUL, self, other)

    def __rmul__(self, other: Number) -> Value:
        return _apply2(ops.MUL, other, self)

    def __truediv__(self, other: Value | Number) -> Value:
        return _apply2(ops.DIV, self, other)

    def __rtruediv__(self, other: Number) -> Value:
        return _apply2(ops.DIV, other, self)

    def __pow__(self, exponent: Value | Number) -> Value:
        if isinstance(exponent, Value):
            return _apply2(ops.POW_VALUE, self, exponent)
        if not _is_real(exponent):
            return NotImplemented
        return _apply1(ops.power(float(exponent)), self)

    def __rpow__(self, base: Number) -> Value:
        return _apply2(ops.POW_VALUE, base, self)

    def __neg__(self) -> Value:
        return _apply1(ops.NEG, self)

    def exp(self) -> Value:
        return _apply1(ops.EXP, self)

    def log(self) -> Value:
        return _apply1(ops.LOG, self)

    def tanh(self) -> Value:
        return _apply1(ops.TANH, self)

    def sigmoid(self) -> Value:
        return _apply1(ops.SIGMOID, self)

    def relu(self) -> Value:
        return _apply1(ops.RELU, self)

    def step(self) -> Value:
        """The unit step [data > 0] as a constant: relu's derivative, through which no gradient flows."""
        return Value(1.0 if self.data > 0 else 0.0)

    # --- gradients -----------------------------------------------------------------------
    def backward(self) -> None:
        """Set ``node.grad = d(self)/d(node)`` for every node this Value depends on.

        Leaves *accumulate* (``+=``) across calls, as in PyTorch: call ``zero_grad()`` between
        passes you do not want summed. Every other node is reset first, so its ``grad``
        always describes the latest pass. Runs in reverse topological order, without recursion.
        """
        order = topological_order(self)
        for node in order:
            if node._a is not None:
                node.grad = 0.0
        self.grad += 1.0
        for node in order:  # every node comes before its parents, so its grad is complete
            a = node._a
            if a is not None:
                g = node.grad
                a.grad += node._da * g
                b = node._b
                if b is not None:
                    b.grad += node._db * g

    def zero_grad(self) -> None:
        """Set ``grad`` to 0 on this node and every node it depends on."""
        for node in topological_order(self):
            node.grad = 0.0


def _constant(x: Number) -> Value:
    return Value(x)


def _leaf(data: float) -> Value:
    node = Value.__new__(Value)
    node.data, node.grad, node.name, node.op = data, 0.0, None, None
    node._a = node._b = None
    node._da = node._db = 0.0
    node._order = next(_creation_counter)
    return node


def _apply1(op: Op, x: Value) -> Value:
    data = op.forward(x.data)
    if not _recording:
        return _leaf(data)
    node = _leaf(data)
    node.op, node._a = op, x
    (node._da,) = op.derivative(x.data, data)
    return node


def _apply2(op: Op, a: Value | Number, b: Value | Number) -> Value:
    if not isinstance(a, Value):
        if not _is_real(a):
            return NotImplemented
        a = _constant(a)
    if not isinstance(b, Value):
        if not _is_real(b):
            return NotImplemented
        b = _constant(b)
    data = op.forward(a.data, b.data)
    node = _leaf(data)
    if _recording:
        node.op, node._a, node._b = op, a, b
        node._da, node._db = op.derivative(a.data, b.data, data)
    return node


def topological_order(root: Value) -> list[Value]:
    """``root`` and every node it depends on, each node before all of its parents.

    No recursion, so graphs of any depth work: collect the ancestors with an explicit
    stack, then sort by creation number (a node is always made after its parents).
    """
    if not isinstance(root, Value):
        raise TypeError(f"topological_order: expected a Value, got {type(root).__name__}")
    seen = {root}
    stack = [root]
    while stack:
        node = stack.pop()
        a = node._a
        if a is not None:
            if a not in seen:
                seen.add(a)
                stack.append(a)
            b = node._b
            if b is not None and b not in seen:
                seen.add(b)
                stack.append(b)
    return sorted(seen, key=_creation_order, reverse=True)


def zero_grad(values: Iterable[Value]) -> None:
    """Set ``grad`` to 0 on each of the given Values (for example a model's parameters)."""
    for value in values:
        value.grad = 0.0


@contextmanager
def no_grad() -> Iterator[None]:
    """Within this block operations are computed but not recorded (results are leaves).

    Use it for parameter updates and evaluation. It is one process-wide switch (not per thread).
    """
    global _recording
    previous, _recording = _recording, False
    try:
        yield
    finally:
        _recording = previous


def is_recording() -> bool:
    """False inside ``no_grad()``."""
    return _recording


def grad(
    output: Value,
    inputs: Value | Sequence[Value],
    create_graph: bool = False,
) -> float | Value | list:
    """d(output)/d(input) for each input, leaving every ``.grad`` untouched.

    ``inputs`` may be one Value (one result is returned) or a sequence (a list is returned).
    An input the output does not depend on gets 0. With ``create_graph=True`` the results
    are Values built from the operations' derivative rules, so they can be differentiated
    again (higher-order derivatives); otherwise they are floats.
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad: output must be a Value, got {type(output).__name__}")
    single = isinstance(inputs, Value)
    wanted = [inputs] if single else list(inputs)  # type: ignore[list-item]
    for i, x in enumerate(wanted):
        if not isinstance(x, Value):
            raise TypeError(f"grad: inputs[{i}] must be a Value, got {type(x).__name__}")

    one, zero = (Value(1.0), Value(0.0)) if create_graph else (1.0, 0.0)
    grads: dict[Value, float | Value] = {output: one}
    for node in topological_order(output):
        upstream = grads.get(node)
        if upstream is None or node.op is None:
            continue
        parents = node.parents
        if create_graph:
            local = node.op.derivative(*parents, node)  # the same rule, applied to Values
        else:
            local = node.local_grads
        for parent, d in zip(parents, local):
            contribution = d * upstream
            grads[parent] = grads[parent] + contribution if parent in grads else contribution
    results = [grads.get(x, zero) for x in wanted]
    return results[0] if single else results
