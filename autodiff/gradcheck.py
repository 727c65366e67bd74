"""gradcheck: compare the engine's gradients with central finite differences."""

from __future__ import annotations

from typing import Callable, Sequence, Union

from .engine import Value, grad, no_grad
from .reals import as_real as _as_real

Number = Union[int, float]


class GradcheckError(AssertionError):
    """Raised by ``gradcheck`` when an analytic gradient disagrees with the numeric one."""


def _report(title: str, rows: list[tuple[str, float, float, bool]]) -> str:
    lines = [title, f"  {'input':<16} {'analytic':>22} {'numeric':>22} {'difference':>12}"]
    for label, analytic, numeric, ok in rows:
        mark = "" if ok else "   <-- mismatch"
        lines.append(f"  {label:<16} {analytic:>22.15g} {numeric:>22.15g} {analytic - numeric:>12.3g}{mark}")
    return "\n".join(lines)


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[Value | Number],
    *,
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-5,
    second_order: bool = False,
) -> bool:
    """Check ``f``'s gradients at ``inputs`` against central finite differences.

    ``f`` takes one Value per input and returns a Value. The check runs on fresh copies of
    the inputs (their ``grad`` is not touched). An analytic gradient ``a`` passes when
    ``|a - n| <= atol + rtol * |n|`` for the numeric ``n = (f(x+eps) - f(x-eps)) / (2 eps)``.
    With ``second_order=True`` every second derivative (from ``grad(..., create_graph=True)``)
    is checked too, against central differences of the first derivatives.

    Returns True, or raises ``GradcheckError`` with a table: per input, the analytic
    gradient, the numeric one and their difference.
    """
    if not callable(f):
        raise TypeError(f"gradcheck: f must be callable, got {type(f).__name__}")
    if not 0 < eps < float("inf"):  # (also rejects nan, which every comparison fails)
        raise ValueError(f"gradcheck: eps must be a positive finite number, got {eps!r}")
    points = [_as_real(x.data if isinstance(x, Value) else x, f"gradcheck: inputs[{i}]") for i, x in enumerate(inputs)]
    labels = [
        (x.name if isinstance(x, Value) and x.name else f"inputs[{i}]") for i, x in enumerate(inputs)
    ]

    def call(xs: list[Value]) -> Value:
        out = f(*xs)
        if not isinstance(out, Value):
            raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
        return out

    def first_derivatives(at: list[float]) -> list[float]:
        xs = [Value(x) for x in at]
        return grad(call(xs), xs)  # type: ignore[return-value]

    def value_at(at: list[float]) -> float:
        with no_grad():
            return call([Value(x) for x in at]).data

    def shifted(at: list[float], i: int, delta: float) -> list[float]:
        moved = list(at)
        moved[i] += delta
        return moved

    def compare(title: str, analytic: list[float], numeric: list[float], names: list[str]) -> None:
        rows = []
        for label, a, n in zip(names, analytic, numeric):
            rows.append((label, a, n, abs(a - n) <= atol + rtol * abs(n)))
        if not all(ok for *_, ok in rows):
            raise GradcheckError(_report(title, rows))

    analytic = first_derivatives(points)
    numeric = [
        (value_at(shifted(points, i, eps)) - value_at(shifted(points, i, -eps))) / (2 * eps)
        for i in range(len(points))
    ]
    compare("gradcheck: first derivatives disagree with finite differences", analytic, numeric, labels)

    if second_order:
        xs = [Value(x) for x in points]
        firsts = grad(call(xs), xs, create_graph=True)
        # Column j of the numeric Hessian: central differences of the whole gradient along input j.
        columns = [
            [(up - down) / (2 * eps) for up, down in zip(first_derivatives(shifted(points, j, eps)),
                                                         first_derivatives(shifted(points, j, -eps)))]
            for j in range(len(points))
        ]
        for i, d_i in enumerate(firsts):  # type: ignore[arg-type]
            hessian_row = grad(d_i, xs) if isinstance(d_i, Value) else [0.0] * len(xs)
            numeric_row = [column[i] for column in columns]
            names = [f"d/d{labels[i]} d/d{labels[j]}" for j in range(len(points))]
            compare(
                f"gradcheck: second derivatives of d/d{labels[i]} disagree with finite differences",
                hessian_row,  # type: ignore[arg-type]
                numeric_row,
                names,
            )
    return True
