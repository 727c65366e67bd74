"""``dot``: ``w1*x1 + ... + wn*xn + b`` as one node, and the node class that holds many inputs.

Every other operation has one or two inputs, kept in the plain fields ``_a`` and ``_b`` of a
``Value``. A ``dot`` node is a ``ManyInputValue``: its parents and local derivatives are two
tuples of its own (``_inputs``, ``_locals``), and its ``_a`` is None. ``backward()`` and the
traversals read them through ``parents`` and ``local_grads``.
"""

from __future__ import annotations

from itertools import repeat
from typing import Iterable, Sequence

from . import ops
from .engine import Value, _lift, _node, _numbering
from .gradmode import is_recording, open_blocks
from .ops import Op


class ManyInputValue(Value):
    """A node made by an operation with any number of inputs (``dot``)."""

    __slots__ = ("_inputs", "_locals")
    _inputs: tuple[Value, ...]
    _locals: tuple[float, ...]

    @property
    def parents(self) -> tuple[Value, ...]:
        return self._inputs

    @property
    def local_grads(self) -> tuple[float, ...]:
        return self._locals


def many_input_node(data: float, op: Op, inputs: tuple[Value, ...], local_grads: tuple[float, ...]) -> ManyInputValue:
    """A new node of ``op`` with these inputs and local derivatives (the fields of engine._node, plus two)."""
    node = object.__new__(ManyInputValue)
    node.data, node.grad, node.name, node.op = data, 0.0, None, op
    node._a = node._b = None
    node._da = node._db = 0.0
    node._order = next(_numbering)
    node._inputs, node._locals = inputs, local_grads
    return node


def dot(
    weights: Sequence[Value | float] | Iterable[Value | float],
    inputs: Sequence[Value | float] | Iterable[Value | float],
    bias: Value | float | None = None,
) -> Value:
    """``w1*x1 + w2*x2 + ... + wn*xn + bias`` (without ``bias`` if None) as one node, op ``dot``.

    A neuron's pre-activation, the way a hand derivation treats it: one node whose edge
    from w_k carries d/d(w_k) = x_k, from x_k carries w_k, and from the bias 1. The value is
    the same as the chain of ``*`` and ``+`` (added left to right), but the graph has one
    node instead of 2n, so a network builds and trains several times faster.
    Its parents are the weights, then the inputs, then the bias. Numbers become constant leaves.
    """
    ws, xs = _as_sequence(weights, "weights"), _as_sequence(inputs, "inputs")
    n = len(ws)
    if n == 0 or len(xs) != n:
        raise ValueError(
            f"dot: needs as many inputs as weights, at least one; got {n} weights and {len(xs)} inputs"
        )
    given = (*ws, *xs) if bias is None else (*ws, *xs, bias)
    if all(map(isinstance, given, repeat(Value))):
        operands: tuple[Value, ...] = given  # type: ignore[assignment]
    else:
        operands = tuple(x if isinstance(x, Value) else _lift_operand(x) for x in given)
    numbers = [x.data for x in operands]
    data = ops.DOT.forward(*numbers)
    if open_blocks[0] and not is_recording():
        return _node(data, None, None, None, 0.0, 0.0)
    return many_input_node(data, ops.DOT, operands, ops.DOT.derivative(*numbers, data))


def _as_sequence(items: object, what: str) -> Sequence[Value | float]:
    if isinstance(items, (list, tuple)):
        return items
    if isinstance(items, Value) or not isinstance(items, Iterable):
        raise TypeError(f"dot: {what} must be a sequence of Values or numbers, got {type(items).__name__} {items!r}")
    return list(items)


def _lift_operand(x: object) -> Value:
    lifted = _lift(x)
    if lifted is None:
        raise TypeError(f"dot: expected a Value or a real number, got {type(x).__name__} {x!r}")
    return lifted
