"""Loss functions, built only from engine operations so their gradients come from ``backward()``.

Each takes predictions and targets: one Value (or number) each, or two equally long
sequences (one entry per sample or per output). Targets may be named Values such as ``t``.
"""

from __future__ import annotations

import math
from typing import Sequence, Union

from autodiff import Value

from .module import _is_real

Number = Union[int, float]
Operand = Union[Value, Number]


def _pairs(predictions: Operand | Sequence[Operand], targets: Operand | Sequence[Operand], where: str):
    single = isinstance(predictions, Value) or _is_real(predictions)
    preds = [predictions] if single else list(predictions)  # type: ignore[arg-type]
    if single != (isinstance(targets, Value) or _is_real(targets)):
        raise ValueError(f"{where}: give one prediction and one target, or two sequences")
    targs = [targets] if single else list(targets)  # type: ignore[arg-type]
    if not preds:
        raise ValueError(f"{where}: no predictions given")
    if len(preds) != len(targs):
        raise ValueError(f"{where}: {len(preds)} predictions but {len(targs)} targets")
    for kind, items in (("prediction", preds), ("target", targs)):
        for i, v in enumerate(items):
            number = v.data if isinstance(v, Value) else v
            if not _is_real(number) or not math.isfinite(number):
                raise ValueError(f"{where}: {kind} {i} must be a finite real number or Value, got {v!r}")
    return preds, targs


def _sum(terms: list[Value]) -> Value:
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


def mse_loss(predictions: Operand | Sequence[Operand], targets: Operand | Sequence[Operand]) -> Value:
    """Mean squared error: ``(1/n)·Σ (p − t)²`` over the n samples."""
    preds, targs = _pairs(predictions, targets, "mse_loss")
    total = _sum([(p - t) ** 2 for p, t in zip(preds, targs)])
    return total / len(preds) if len(preds) > 1 else total


def half_sse_loss(predictions: Operand | Sequence[Operand], targets: Operand | Sequence[Operand]) -> Value:
    """Half the sum of squared errors: ``½·Σ (p − t)²`` (its derivative is simply p − t)."""
    preds, targs = _pairs(predictions, targets, "half_sse_loss")
    return 0.5 * _sum([(p - t) ** 2 for p, t in zip(preds, targs)])


def _safe_log(x: Value, eps: float) -> Value:
    # Exact ln(x) wherever x >= eps. Below eps, shift x by a constant so the log reads ln(eps):
    # the value stays finite and the gradient 1/eps still points the right way.
    if x.data >= eps:
        return x.log()
    return (x + (eps - x.data)).log()


def bce_loss(
    predictions: Operand | Sequence[Operand],
    targets: Operand | Sequence[Operand],
    eps: float = 1e-12,
) -> Value:
    """Binary cross-entropy on probabilities, mean over samples: ``−[t·ln p + (1 − t)·ln(1 − p)]``.

    Predictions and targets must lie in [0, 1]. It is exact for ``eps <= p <= 1 − eps``;
    closer to 0 or 1 each log is taken at ``eps`` instead, so the loss stays finite.
    """
    preds, targs = _pairs(predictions, targets, "bce_loss")
    if not (_is_real(eps) and 0 < eps < 0.5):
        raise ValueError(f"bce_loss: eps must be a number in (0, 0.5), got {eps!r}")
    terms = []
    for i, (p, t) in enumerate(zip(preds, targs)):
        for kind, v in (("prediction", p), ("target", t)):
            number = v.data if isinstance(v, Value) else v
            if not 0.0 <= number <= 1.0:
                raise ValueError(f"bce_loss: {kind} {i} must be a probability in [0, 1], got {number!r}")
        if not isinstance(p, Value):
            p = Value(p)
        terms.append(-(t * _safe_log(p, eps) + (1 - t) * _safe_log(1 - p, eps)))
    total = _sum(terms)
    return total / len(terms) if len(terms) > 1 else total
