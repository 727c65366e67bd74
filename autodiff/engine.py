"""The engine: a scalar ``Value`` that records how it was made, and ``backward()``.

Every operation comes from the table in ``ops.py``; this file only wires the table to
Python's operators. A node keeps its parents and the local derivative along each edge,
computed once when the node is made: in two plain fields each for the one- and two-input
operations, and as two tuples for ``dot``, the one operation with any number of inputs.
"""

from __future__ import annotations

import gc
import numbers
from contextlib import contextmanager
from functools import lru_cache
from itertools import count, repeat
from operator import attrgetter
from typing import Callable, Iterable, Iterator, Sequence, Union

from . import ops
from .ops import Op
from .symbolic import Sym

Number = Union[int, float]

_recording = True  # False inside `with no_grad():`
_creation_counter = count()  # every node is numbered when it is made
_creation_order = attrgetter("_order")
_MANY = "many inputs"  # in `_b`: this node's parents are the tuple in `_a`, its local derivatives the tuple in `_da`


def _as_real(x: object, where: str) -> float:
    """``x`` as a float, or a TypeError naming what was passed instead."""
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        try:
            return float(x)
        except OverflowError:
            raise OverflowError(f"{where}: {type(x).__name__} {x!r:.40} is too large for a float") from None
    raise TypeError(f"{where}: expected a real number (int, float or NumPy real scalar), got {type(x).__name__} {x!r}")


def _is_real(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


_new_object = object.__new__


def _node(data: float, op: Op | None, a: Value | None, b: Value | None, da: float, db: float) -> Value:
    """A new node (a leaf when ``op`` is None); the operations' fast path around ``Value.__init__``."""
    node = _new_object(Value)
    node.data = data
    node.grad = 0.0
    node.name = None
    node.op = op
    node._a = a
    node._b = b
    node._da = da
    node._db = db
    node._order = next(_creation_counter)
    return node


def _lift(x: object) -> Value | None:
    """A constant leaf for a real number, None for anything else (the operator returns NotImplemented)."""
    if type(x) is float:
        return _node(x, None, None, None, 0.0, 0.0)
    return Value(x) if _is_real(x) else None


def _constant_derivatives(op: Op) -> tuple[float, ...]:
    """The local derivatives of an operation whose rule ignores its inputs (add, sub, neg), else ().

    Found by running the rule once on symbols: if every result is a plain number, nodes of this
    operation can share it instead of calling the rule each time.
    """
    inputs = [Sym.var(f"input{i}") for i in range(op.arity)]
    results = [Sym.lift(d) for d in op.derivative(*inputs, Sym.var("output"))]
    if all(d.kind == "num" for d in results):
        return tuple(float(d.value) for d in results)  # type: ignore[arg-type]
    return ()


def _binary(op: Op) -> tuple[Callable, Callable]:
    """The methods for ``a <op> b``: ``a.method(b)`` and the reflected ``b.reflected(a)`` (a is a number).

    Made once per operation, so an operation costs one call of the method plus the table's
    forward and derivative rules: the new node records its parents and the local derivative
    along each edge, unless ``no_grad()`` is on.
    """
    forward, derivative, constant = op.forward, op.derivative, _constant_derivatives(op)

    def method(self: Value, other: Value | Number) -> Value:
        if not isinstance(other, Value):
            other = _lift(other)
            if other is None:
                return NotImplemented
        x, y = self.data, other.data
        data = forward(x, y)
        if not _recording:
            return _node(data, None, None, None, 0.0, 0.0)
        da, db = constant or derivative(x, y, data)
        return _node(data, op, self, other, da, db)

    def reflected(self: Value, other: Number) -> Value:
        other = _lift(other)
        return NotImplemented if other is None else method(other, self)

    method.__doc__ = reflected.__doc__ = f"The operation {op.name!r} ({op.symbol}) from the table in ops.py."
    return method, reflected


def _unary(op: Op) -> Callable:
    """The method ``x.method()`` for a one-input operation, made once (see ``_binary``)."""
    forward, derivative, constant = op.forward, op.derivative, _constant_derivatives(op)

    def method(self: Value) -> Value:
        x = self.data
        data = forward(x)
        if not _recording:
            return _node(data, None, None, None, 0.0, 0.0)
        (da,) = constant or derivative(x, data)
        return _node(data, op, self, None, da, 0.0)

    method.__doc__ = f"The operation {op.name!r} ({op.symbol}) from the table in ops.py."
    return method


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
        if self._b is _MANY:
            return self._a
        if self._a is None:
            return ()
        return (self._a,) if self._b is None else (self._a, self._b)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d(self)/d(parent) for each parent, in the order of ``parents``."""
        if self._b is _MANY:
            return self._da
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

    def __pow__(self, exponent: Value | Number) -> Value:
        if isinstance(exponent, Value):
            return _pow_value(self, exponent)
        if not _is_real(exponent):
            return NotImplemented
        return _power_method(float(exponent))(self)

    def __rpow__(self, base: Number) -> Value:
        return _rpow_value(self, base)

    def step(self) -> Value:
        """The unit step [data > 0] as a constant: relu's derivative, through which no gradient flows."""
        return Value(1.0 if self.data > 0 else 0.0)

    # --- gradients -----------------------------------------------------------------------
    def backward(self) -> None:
        """Set ``node.grad = d(self)/d(node)`` for every node this Value depends on.

        Leaves *accumulate* (``+=``) across calls, as in PyTorch: call ``zero_grad()`` between
        passes you do not want summed. Every other node is reset first, so its ``grad``
        always describes the latest pass. Runs in reverse topological order, without recursion,
        so graphs of any depth work.
        """
        order = backward_order(self)
        for node in order:
            node.grad = 0.0
        self.grad += 1.0
        for node in order:  # each node before its parents, so its grad is complete
            g = node.grad
            b = node._b
            if b is _MANY:
                for parent, local in zip(node._a, node._da):
                    parent.grad += local * g
                continue
            node._a.grad += node._da * g
            if b is not None:
                b.grad += node._db * g

    def zero_grad(self) -> None:
        """Set ``grad`` to 0 on this node and every node it depends on."""
        for node in topological_order(self):
            node.grad = 0.0


_pow_value, _rpow_value = _binary(ops.POW_VALUE)


@lru_cache(maxsize=256)
def _power_method(exponent: float) -> Callable[[Value], Value]:
    return _unary(ops.power(exponent))


def backward_order(root: Value) -> list[Value]:
    """The operation nodes behind ``root`` in the order ``backward()`` visits them.

    ``root`` first, and every node before its parents, so each node's gradient is complete
    when it is passed on. Leaves are left out: they receive gradients but pass none on.
    ``grad()`` and the animation use this same order. A depth-first walk without recursion:
    ``path`` is the chain of nodes being explored, and a node is listed once each of its
    parents is a leaf or listed. (``topological_order`` lists every node, sorted by creation.)
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward_order: expected a Value, got {type(root).__name__}")
    if root._a is None:
        return []
    seen = {root}
    path = [root]
    order = []
    unexplored: dict[Value, Iterator[Value]] = {}  # a dot node's parents not looked at yet
    while path:
        node = path[-1]
        if node._b is _MANY:
            parents = unexplored.get(node) or unexplored.setdefault(node, iter(node._a))
            for p in parents:
                if p._a is not None and p not in seen:
                    seen.add(p)
                    path.append(p)
                    break
            else:
                order.append(path.pop())
            continue
        a = node._a
        if a._a is not None and a not in seen:
            seen.add(a)
            path.append(a)
            continue
        b = node._b
        if b is not None and b._a is not None and b not in seen:
            seen.add(b)
            path.append(b)
            continue
        order.append(path.pop())  # all its parents are listed: each node after its parents
    order.reverse()
    return order


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
        for parent in stack.pop().parents:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return sorted(seen, key=_creation_order, reverse=True)


def dot(
    weights: Sequence[Value | Number], inputs: Sequence[Value | Number], bias: Value | Number | None = None
) -> Value:
    """``w1*x1 + w2*x2 + ... + wn*xn + bias`` (without ``bias`` if None) as one node, op ``dot``.

    A neuron's pre-activation, the way a hand derivation treats it: one node whose edge
    from w_k carries d/d(w_k) = x_k, from x_k carries w_k, and from the bias 1. The value is
    the same as the chain of ``*`` and ``+`` (added left to right), but the graph has one
    node instead of 2n, so a network builds and trains several times faster.
    Its parents are the weights, then the inputs, then the bias. Numbers become constant leaves.
    """
    weights, inputs = _as_sequence(weights, "weights"), _as_sequence(inputs, "inputs")
    n = len(weights)
    if n == 0 or len(inputs) != n:
        raise ValueError(
            f"dot: needs as many inputs as weights, at least one; got {n} weights and {len(inputs)} inputs"
        )
    operands = (*weights, *inputs) if bias is None else (*weights, *inputs, bias)
    if not all(map(isinstance, operands, repeat(Value))):
        operands = tuple(x if isinstance(x, Value) else _lift_operand(x, "dot") for x in operands)
    numbers = [x.data for x in operands]
    data = ops.DOT.forward(*numbers)
    if not _recording:
        return _node(data, None, None, None, 0.0, 0.0)
    return _node(data, ops.DOT, operands, _MANY, ops.DOT.derivative(*numbers, data), 0.0)


def _as_sequence(items: object, what: str) -> Sequence:
    if isinstance(items, (list, tuple)):
        return items
    if isinstance(items, Value) or not isinstance(items, Iterable):
        raise TypeError(f"dot: {what} must be a sequence of Values or numbers, got {type(items).__name__} {items!r}")
    return list(items)


def _lift_operand(x: object, where: str) -> Value:
    lifted = _lift(x)
    if lifted is None:
        raise TypeError(f"{where}: expected a Value or a real number, got {type(x).__name__} {x!r}")
    return lifted


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


@contextmanager
def gc_paused() -> Iterator[None]:
    """Within this block Python's cyclic garbage collector is off; afterwards it is on again if it was.

    Wrap one training step in it (forward, ``backward()``, update) when the step makes tens
    of thousands of nodes (a graph of binary operations: 10-40% faster in the benchmark; an
    ``nn.MLP``, with one ``dot`` node per neuron, gains about 10%). Why: every node is an
    object the collector tracks, so with the collector on Python keeps pausing to scan the
    whole graph, looking for reference cycles that are not there. The engine makes no cycles (a
    node refers only to its parents), so ordinary reference counting frees each graph as
    soon as it is dropped, with or without the collector.

    On leaving, even by an exception:

    * the objects made in the block are handed to the collector's oldest generation
      (``gc.freeze()`` then ``gc.unfreeze()``, two list splices) instead of being scanned as
      new objects at the next allocation, which would trace the whole graph once more;
      this is skipped if your program has frozen objects of its own (``gc.get_freeze_count()``);
    * the collector is switched back on only if it was on when the block was entered, so
      ``gc.isenabled()`` and the thresholds are the same before and after, and blocks nest.

    The one visible difference: a reference cycle that *your own* code creates inside the
    block is reclaimed at a later full collection rather than a young one. Like ``no_grad``
    and ``gc.disable`` this is one process-wide switch. It also works as a decorator.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


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
    for node in backward_order(output):  # backward()'s order: the same sums
        upstream = grads.get(node)
        if upstream is None:
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
