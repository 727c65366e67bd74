"""``dot``: a neuron's pre-activation ``w1*x1 + ... + wn*xn + b`` as one node, with its input checks.

A ``dot`` node is an ordinary node (``engine.apply`` of ``ops.DOT``) whose parents are the
weights, the inputs and the bias; only its number of inputs is not fixed.
"""

from __future__ import annotations

from itertools import repeat
from typing import Iterable, Sequence

from . import ops
from .engine import Value, apply, is_real


def dot(
    weights: Sequence[Value | float] | Iterable[Value | float],
    inputs: Sequence[Value | float] | Iterable[Value | float],
    bias: Value | float | None = None,
) -> Value:
    """``w1*x1 + ... + wn*xn + bias`` (without ``bias`` if None) as one node, op ``dot``.

    A neuron's pre-activation, the way a hand derivation treats it: one node whose edge
    from w_k carries d/d(w_k) = x_k, from x_k carries w_k, and from the bias 1. The value is
    the same as the chain of ``*`` and ``+`` (added left to right), but the graph has one
    node instead of 2n, so a network builds and trains several times faster.
    Its parents are the weights, then the inputs, then the bias. Numbers become constant leaves.
    """
    ws, xs = _as_sequence(weights, "weights"), _as_sequence(inputs, "inputs")
    if not ws or len(xs) != len(ws):
        raise ValueError(
            f"dot: needs as many inputs as weights, at least one; got {len(ws)} weights and {len(xs)} inputs"
        )
    operands = (*ws, *xs) if bias is None else (*ws, *xs, bias)
    if not all(map(isinstance, operands, repeat(Value))):  # (a check in C: it runs per neuron and sample)
        operands = tuple(map(_as_value, operands))
    return apply(ops.DOT, operands)  # type: ignore[arg-type]


def _as_sequence(items: object, what: str) -> Sequence[Value | float]:
    if isinstance(items, (list, tuple)):
        return items
    if isinstance(items, Value) or not isinstance(items, Iterable):
        raise TypeError(f"dot: {what} must be a sequence of Values or numbers, got {type(items).__name__} {items!r}")
    return list(items)


def _as_value(x: object) -> Value:
    if isinstance(x, Value):
        return x
    if not is_real(x):
        raise TypeError(f"dot: expected a Value or a real number, got {type(x).__name__} {x!r}")
    return Value(x)  # type: ignore[arg-type]
