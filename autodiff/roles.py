"""Which nodes a library function built inside itself: the marks a loss or ``softmax`` leaves on its nodes.

A derivation runs through every operation node the learner made, but a loss (``nn.mse_loss``,
``nn.bce_loss``, ``nn.cross_entropy``, ...) or ``nn.softmax`` is one step, as the documents write
it: ∂Loss/∂y is one factor, not a walk through the loss's own subtractions, squares and sums.
The function marks the nodes it built when it builds them (never guessed from names or shapes):

* ``mark_built(outputs, inputs, loss=...)``: every node between ``inputs`` and ``outputs``
  (both excluded) is ``INNER``; each output of a loss is ``LOSS`` (it stays a step of its own).
* ``role(v)``: ``INNER``, ``LOSS`` or None (a node the learner made).
* ``is_inner(v)``, ``is_loss(v)``; ``carry_role(source, copy)`` for code that copies graphs.

The mark lives in the engine's ``_role`` slot, which is unset on every other node (no cost when
nodes are made). Copies (``copy_graph``, pickling, the lab's re-evaluation) carry it over.
"""

from __future__ import annotations

from typing import Iterable

from .engine import Value

__all__ = ["INNER", "LOSS", "mark_built", "role", "is_inner", "is_loss", "carry_role"]

INNER = "inner"
"""A node a loss or softmax built inside itself: folded into that function's one step."""
LOSS = "loss"
"""The output of a loss: a derivation calls it a loss."""


def role(v: Value) -> str | None:
    """``INNER``, ``LOSS``, or None for a node the learner made."""
    found: str | None = getattr(v, "_role", None)
    return found


def is_inner(v: Value) -> bool:
    """Whether a loss or softmax built ``v`` inside itself (a derivation folds it into that step)."""
    return getattr(v, "_role", None) == INNER


def is_loss(v: Value) -> bool:
    """Whether ``v`` is the output of a loss."""
    return getattr(v, "_role", None) == LOSS


def carry_role(source: Value, copy: Value) -> None:
    """Give ``copy`` the mark ``source`` has, if any (for code that copies a graph node by node)."""
    found = getattr(source, "_role", None)
    if found is not None:
        copy._role = found


def mark_built(outputs: Iterable[Value], inputs: Iterable[Value], loss: bool = False) -> None:
    """Mark the nodes a function built between ``inputs`` and ``outputs`` as ``INNER``.

    Walks back from each output, stopping at the inputs (and at leaves): every node reached
    that is neither an input nor an output is inner. With ``loss=True`` each output is marked
    ``LOSS``; otherwise the outputs stay unmarked (softmax's probabilities are the learner's to
    use). An output that is itself an input is left as it is. No recursion.
    """
    stop = {id(v) for v in inputs}
    outs = [v for v in outputs if id(v) not in stop]
    seen = {id(v) for v in outs}
    stack = list(outs)
    while stack:
        for parent in stack.pop().parents:
            if id(parent) in stop or id(parent) in seen:
                continue
            seen.add(id(parent))
            if parent.op is not None:
                parent._role = INNER
                stack.append(parent)
    if loss:
        for v in outs:
            v._role = LOSS

