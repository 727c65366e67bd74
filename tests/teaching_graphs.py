"""The small graphs public teaching material works by hand, built as a learner builds them, with the
numbers that material publishes (the tests compare the engine, the explainer and the grader with them).

- micrograd's lecture graph: a = 2, b = −3, c = 10, e = a·b, d = e + c, f = −2, L = d·f;
- CS231n's circuit (x + y)·z at x = −2, y = 5, z = −4, with q = x + y;
- Deep Learning from Scratch's apple graph: 100 per apple, 2 apples, tax 1.1.
"""

from __future__ import annotations

from autodiff import Value

MICROGRAD_GRADS = {"a": 6.0, "b": -4.0, "c": -2.0, "e": -2.0, "d": -2.0, "f": 4.0}
CS231N_GRADS = {"x": -4.0, "y": -4.0, "z": 3.0, "q": -4.0}
APPLE_GRADS = {"apple": 2.2, "count": 110.0, "tax": 200.0}


def named(value: Value, name: str) -> Value:
    value.name = name
    return value


def micrograd_lecture() -> Value:
    a, b, c, f = Value(2.0, name="a"), Value(-3.0, name="b"), Value(10.0, name="c"), Value(-2.0, name="f")
    e = named(a * b, "e")
    d = named(e + c, "d")
    return named(d * f, "L")


def cs231n() -> Value:
    x, y, z = Value(-2.0, name="x"), Value(5.0, name="y"), Value(-4.0, name="z")
    q = named(x + y, "q")
    return named(q * z, "f")


def apple() -> Value:
    price, count, tax = Value(100.0, name="apple"), Value(2.0, name="count"), Value(1.1, name="tax")
    total_apple = named(price * count, "price")
    return named(total_apple * tax, "total")
