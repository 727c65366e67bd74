"""Small dense matrices as lists of rows of floats, without numpy (the base install has none).

Only what the layer form needs: shapes, the transpose, the matrix product (each entry one
correctly rounded sum, ``math.fsum``), elementwise products and maps, and column sums. A matrix
is ``list[list[float]]``, rows first, as numpy prints it; every function returns a new one and
none recurses. A shape that does not fit is a ``ValueError`` naming the operation and both shapes.
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

Matrix = list[list[float]]


def shape(m: Sequence[Sequence[float]]) -> tuple[int, int]:
    """(rows, columns); a matrix with no rows is (0, 0)."""
    return (len(m), len(m[0]) if m else 0)


def shape_text(m: Sequence[Sequence[float]]) -> str:
    """``(2, 3)``, as numpy writes a shape."""
    rows, cols = shape(m)
    return f"({rows}, {cols})"


def transpose(m: Sequence[Sequence[float]]) -> Matrix:
    """Rows become columns: ``transpose(m)[j][i] == m[i][j]``."""
    rows, cols = shape(m)
    return [[float(m[i][j]) for i in range(rows)] for j in range(cols)]


def matmul(a: Sequence[Sequence[float]], b: Sequence[Sequence[float]], where: str = "matmul") -> Matrix:
    """The matrix product ``a @ b``: entry [i][j] is Σ_k a[i][k]·b[k][j], summed with ``math.fsum``."""
    (n, k), (k2, m) = shape(a), shape(b)
    if k != k2:
        raise ValueError(f"{where}: cannot multiply a {shape_text(a)} matrix by a {shape_text(b)} matrix "
                         f"(the first has {k} columns, the second {k2} rows)")
    columns = transpose(b)
    return [[math.fsum(x * y for x, y in zip(row, col)) for col in columns] for row in a]


def elementwise(a: Sequence[Sequence[float]], b: Sequence[Sequence[float]],
                rule: Callable[[float, float], float], where: str = "elementwise") -> Matrix:
    """``rule(a[i][j], b[i][j])`` for every entry; the shapes must be equal."""
    if shape(a) != shape(b):
        raise ValueError(f"{where}: the shapes {shape_text(a)} and {shape_text(b)} differ")
    return [[rule(x, y) for x, y in zip(ra, rb)] for ra, rb in zip(a, b)]


def hadamard(a: Sequence[Sequence[float]], b: Sequence[Sequence[float]], where: str = "hadamard") -> Matrix:
    """The elementwise product ``a ⊙ b`` (numpy's ``a * b``)."""
    return elementwise(a, b, lambda x, y: x * y, where)


def apply(m: Sequence[Sequence[float]], f: Callable[[float], float]) -> Matrix:
    """``f`` on every entry."""
    return [[f(x) for x in row] for row in m]


def column_sums(m: Sequence[Sequence[float]]) -> list[float]:
    """The sum of each column (numpy's ``m.sum(axis=0)``): a bias gradient sums δ over the samples."""
    return [math.fsum(col) for col in transpose(m)]


def total(m: Sequence[Sequence[float]]) -> float:
    """The sum of every entry (numpy's ``m.sum()``): the gradient of one bias shared by a whole layer."""
    return math.fsum(x for row in m for x in row)


def add_row(m: Sequence[Sequence[float]], row: Sequence[float], where: str = "add_row") -> Matrix:
    """``m + row``: the row added to every row of ``m`` (numpy's broadcasting of a bias)."""
    if len(row) != shape(m)[1]:
        raise ValueError(f"{where}: cannot add a row of {len(row)} to a {shape_text(m)} matrix")
    return [[x + b for x, b in zip(r, row)] for r in m]


def copy(m: Sequence[Sequence[float]]) -> Matrix:
    """A copy with every entry a float."""
    return [[float(x) for x in row] for row in m]
