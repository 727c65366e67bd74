"""Loss functions and softmax, built only from engine operations so their gradients come from ``backward()``.

``mse_loss``, ``half_sse_loss`` and ``bce_loss`` take predictions and targets: one Value (or
number) each, or two equally long sequences (one entry per sample or per output). Targets may
be named Values such as ``t``. ``softmax`` and ``cross_entropy`` take a list of logits (raw
scores, one per class). Every loss returns a Value, also when given plain numbers.

Each function marks the nodes it builds inside itself (``autodiff.roles.mark_built``): a
derivation then writes a loss as one step, ∂Loss/∂y, as the documents do, and calls its output a
loss; softmax's probabilities are one step from the logits.
"""

from __future__ import annotations

import math
from typing import Sequence, Union

from autodiff import Value, is_real
from autodiff.roles import mark_built

from .checks import brief, check_sequence

Number = Union[int, float]
Operand = Union[Value, Number]


def _operand(v: object, kind: str, where: str) -> Value:
    """``v`` as a Value (a number becomes a constant leaf); a clear error unless it is finite."""
    if isinstance(v, Value):
        if not math.isfinite(v.data):
            raise ValueError(f"{where}: {kind} must be finite, but it is a Value holding {v.data!r} ({v!r})")
        return v
    if not is_real(v):
        raise TypeError(f"{where}: {kind} must be a real number or a Value, got {type(v).__name__} {brief(v)}")
    if not math.isfinite(v):  # type: ignore[arg-type]
        raise ValueError(f"{where}: {kind} must be finite, got {v!r}")
    return Value(v)  # type: ignore[arg-type]


def _pairs(
    predictions: Operand | Sequence[Operand], targets: Operand | Sequence[Operand], where: str
) -> tuple[list[Value], list[Value]]:
    single = isinstance(predictions, Value) or is_real(predictions)
    preds = [predictions] if single else list(predictions)  # type: ignore[arg-type]
    if single != (isinstance(targets, Value) or is_real(targets)):
        raise ValueError(f"{where}: give one prediction and one target, or two sequences")
    targs = [targets] if single else list(targets)  # type: ignore[arg-type]
    if not preds:
        raise ValueError(f"{where}: no predictions given")
    if len(preds) != len(targs):
        raise ValueError(f"{where}: {len(preds)} predictions but {len(targs)} targets")
    return (
        [_operand(v, f"prediction {i}", where) for i, v in enumerate(preds)],
        [_operand(v, f"target {i}", where) for i, v in enumerate(targs)],
    )


def _sum(terms: Sequence[Value]) -> Value:
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


def _mean(terms: Sequence[Value]) -> Value:
    total = _sum(terms)
    return total / len(terms) if len(terms) > 1 else total


def mse_loss(predictions: Operand | Sequence[Operand], targets: Operand | Sequence[Operand]) -> Value:
    """Mean squared error: ``(1/n)·Σ (p − t)²`` over the n samples."""
    preds, targs = _pairs(predictions, targets, "mse_loss")
    return _marked_loss(_mean([(p - t) ** 2 for p, t in zip(preds, targs)]), preds + targs)


def _marked_loss(loss: Value, inputs: Sequence[Value]) -> Value:
    """``loss``, with the nodes built between ``inputs`` and it marked as the loss's own (one step)."""
    mark_built([loss], inputs, loss=True)
    return loss


def half_sse_loss(predictions: Operand | Sequence[Operand], targets: Operand | Sequence[Operand]) -> Value:
    """Half the sum of squared errors: ``½·Σ (p − t)²`` (its derivative is simply p − t)."""
    preds, targs = _pairs(predictions, targets, "half_sse_loss")
    return _marked_loss(0.5 * _sum([(p - t) ** 2 for p, t in zip(preds, targs)]), preds + targs)


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
    if not (is_real(eps) and 0 < eps < 0.5):
        raise ValueError(f"bce_loss: eps must be a number in (0, 0.5), got {eps!r}")
    terms = []
    for i, (p, t) in enumerate(zip(preds, targs)):
        for kind, v in (("prediction", p), ("target", t)):
            if not 0.0 <= v.data <= 1.0:
                raise ValueError(f"bce_loss: {kind} {i} must be a probability in [0, 1], got {v.data!r}")
        terms.append(-(t * _safe_log(p, eps) + (1 - t) * _safe_log(1 - p, eps)))
    return _marked_loss(_mean(terms), preds + targs)


# --- softmax and cross-entropy over class scores ---------------------------------------------

def _logits(logits: object, where: str) -> list[Value]:
    values = [_operand(v, f"logit {i}", where) for i, v in enumerate(check_sequence(logits, "logits", where))]
    if not values:
        raise ValueError(f"{where}: no logits given (one per class is needed)")
    return values


def _shifted_exps(values: Sequence[Value]) -> list[Value]:
    """``exp(l_i − m)`` with m the largest logit: none overflows, and the largest is exactly 1.

    m is a plain number, a constant shift: it cancels in softmax and cross-entropy, so the
    values and the gradients are those of the unshifted formulas.
    """
    m = max(v.data for v in values)
    return [(v - m).exp() for v in values]


def softmax(logits: Sequence[Operand]) -> list[Value]:
    """Class probabilities ``exp(l_i) / Σ_j exp(l_j)``, computed stably (the largest logit subtracted).

    Returns one Value per logit; they are positive and sum to 1 (up to rounding).
    """
    values = _logits(logits, "softmax")
    exps = _shifted_exps(values)
    total = _sum(exps)
    probabilities = [e / total for e in exps]
    mark_built(probabilities, values)
    return probabilities


def _target_index(target: object, n: int, where: str) -> int:
    if not isinstance(target, int) or isinstance(target, bool):
        raise TypeError(f"{where}: target_index must be an int class index, got {type(target).__name__} {brief(target)}")
    if not 0 <= target < n:
        raise ValueError(f"{where}: target_index {target} is out of range for {n} classes (0 to {n - 1})")
    return target


def _one_cross_entropy(logits: object, target: object, where: str) -> Value:
    values = _logits(logits, where)
    t = _target_index(target, len(values), where)
    m = max(v.data for v in values)
    # −ln softmax_t = ln Σ_j exp(l_j − m) − (l_t − m): the sum is at least 1, so its log is safe.
    return _sum(_shifted_exps(values)).log() - (values[t] - m)


def cross_entropy(logits: Sequence[Operand] | Sequence[Sequence[Operand]], target_index: int | Sequence[int]) -> Value:
    """``−ln softmax(logits)[target_index]``, as PyTorch's ``F.cross_entropy`` (classes counted from 0).

    Computed as ``ln Σ exp(l_j − m) − (l_t − m)`` with m the largest logit (log-sum-exp), so
    it is finite for logits of any size; its gradient is ``softmax(logits) − onehot(target)``.
    A batch, a list of logit lists with a list of target indices, gives the mean over the
    samples (PyTorch's default ``reduction='mean'``).
    """
    where = "cross_entropy"
    if isinstance(target_index, (list, tuple)):
        if isinstance(logits, (str, bytes)) or not isinstance(logits, (list, tuple)):
            raise TypeError(f"{where}: with a list of target indices, logits must be a list of logit lists")
        if len(logits) != len(target_index):
            raise ValueError(f"{where}: {len(logits)} samples of logits but {len(target_index)} target indices")
        if not logits:
            raise ValueError(f"{where}: no samples given")
        loss = _mean([_one_cross_entropy(row, t, f"{where} (sample {i})")
                      for i, (row, t) in enumerate(zip(logits, target_index))])
        rows: list[object] = list(logits)
    else:
        loss = _one_cross_entropy(logits, target_index, where)
        rows = [logits]
    inputs = [v for row in rows if isinstance(row, (list, tuple)) for v in row if isinstance(v, Value)]
    return _marked_loss(loss, inputs)
