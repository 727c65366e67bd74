"""gradcheck: compare the engine's gradients with central finite differences."""

from __future__ import annotations

from typing import Callable, Sequence, TypeVar, Union

import math

from .engine import Value, as_real as _as_real, enable_grad, grad, is_real, no_grad

Number = Union[int, float]
_T = TypeVar("_T")


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
    for label, number, least in (("eps", eps, "a positive"), ("atol", atol, "a non-negative"),
                                 ("rtol", rtol, "a non-negative")):
        if not is_real(number):
            raise TypeError(f"gradcheck: {label} must be a real number, got {type(number).__name__} {number!r}")
        if not math.isfinite(number) or number < 0 or (label == "eps" and number == 0):
            raise ValueError(f"gradcheck: {label} must be {least} finite number, got {number!r}")
    if not isinstance(second_order, bool):
        raise TypeError(f"gradcheck: second_order must be True or False, got {second_order!r}")
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
        with enable_grad():  # also inside the caller's no_grad(): f's graph must be recorded
            return grad(call(xs), xs)

    def value_at(at: list[float]) -> float:
        with no_grad():
            return call([Value(x) for x in at]).data

    def probed(compute: Callable[[list[float]], _T], at: list[float], i: int, delta: float) -> _T:
        """``compute`` at a finite-difference probe; an error there is said to be the probe's."""
        try:
            return compute(shifted(at, i, delta))
        except (ArithmeticError, ValueError) as error:
            sign = "+" if delta > 0 else "−"
            raise ValueError(
                f"gradcheck: f fails at the finite-difference probe {labels[i]} = {at[i]!r} {sign} eps = "
                f"{at[i] + delta!r}, a point you did not pass ({error}); the input is within eps={eps!r} of "
                f"the edge of f's domain: pass a smaller eps"
            ) from error

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
        (probed(value_at, points, i, eps) - probed(value_at, points, i, -eps)) / (2 * eps)
        for i in range(len(points))
    ]
    compare("gradcheck: first derivatives disagree with finite differences", analytic, numeric, labels)

    if second_order:
        xs = [Value(x) for x in points]
        with enable_grad():
            firsts = grad(call(xs), xs, create_graph=True)
        # Column j of the numeric Hessian: central differences of the whole gradient along input j.
        columns = [
            [(up - down) / (2 * eps) for up, down in zip(probed(first_derivatives, points, j, eps),
                                                         probed(first_derivatives, points, j, -eps))]
            for j in range(len(points))
        ]
        for i, d_i in enumerate(firsts):
            hessian_row = grad(d_i, xs) if isinstance(d_i, Value) else [0.0] * len(xs)
            numeric_row = [column[i] for column in columns]
            names = [f"d/d{labels[i]} d/d{labels[j]}" for j in range(len(points))]
            compare(
                f"gradcheck: second derivatives of d/d{labels[i]} disagree with finite differences",
                hessian_row,
                numeric_row,
                names,
            )
    return True
