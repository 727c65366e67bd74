"""Which numbers the engine takes: ints, floats and NumPy real scalars, never bools or strings."""

from __future__ import annotations

import numbers


def is_real(x: object) -> bool:
    """True for a number the engine takes: an int, a float or a NumPy real scalar (never a bool)."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def as_real(x: object, where: str) -> float:
    """``x`` as a float, or a TypeError (OverflowError for a huge int) naming ``where`` and ``x``."""
    if type(x) is float:
        return x
    if is_real(x):
        try:
            return float(x)  # type: ignore[arg-type]
        except OverflowError:
            raise OverflowError(f"{where}: {type(x).__name__} {x!r:.40} is too large for a float") from None
    raise TypeError(f"{where}: expected a real number (int, float or NumPy real scalar), got {type(x).__name__} {x!r}")
