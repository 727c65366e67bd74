"""Bad arguments: what Value, grad, gradcheck and draw accept, and the messages that say what was wrong.

(An operation's domain errors are in test_ops.py, with the operation.)"""

from __future__ import annotations

import gc
import math
import operator
import re
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from autodiff import Value, grad, topological_order


# --- what Value accepts ---------------------------------------------------------------------

@pytest.mark.parametrize(
    "bad, type_name",
    [
        ("3.0", "str"),
        (None, "NoneType"),
        (1 + 2j, "complex"),
        (True, "bool"),
        (False, "bool"),
        ([1.0], "list"),
        ((1.0,), "tuple"),
        (Decimal("1.5"), "Decimal"),
        (np.complex128(1.0), "complex128"),
        (np.bool_(True), "bool"),  # 'bool' in NumPy 2, 'bool_' in NumPy 1: both contain "bool"
        (np.array([1.0]), "ndarray"),
    ],
)
def test_value_rejects_anything_but_a_real_number_naming_its_type(bad, type_name):
    with pytest.raises(TypeError, match=type_name):
        Value(bad)


def test_value_of_a_value_is_an_error_not_a_copy():
    with pytest.raises(TypeError, match="Value"):
        Value(Value(1.0))


@pytest.mark.parametrize(
    "good, expected",
    [
        (np.float64(0.25), 0.25),
        (np.float32(0.5), 0.5),
        (np.float32(0.1), float(np.float32(0.1))),
        (np.int64(-3), -3.0),
        (np.int8(7), 7.0),
        (np.uint16(9), 9.0),
        (3, 3.0),
        (Fraction(1, 4), 0.25),
        (-0.0, -0.0),
        (math.inf, math.inf),
    ],
)
def test_value_accepts_real_scalars_and_stores_a_python_float(good, expected):
    v = Value(good)
    assert type(v.data) is float and v.data == expected
    assert type(v.grad) is float


def test_numpy_scalars_work_as_operands_and_results_are_python_floats():
    x = Value(2.0)
    for y in (x + np.float64(1.0), x * np.int64(3), x / np.float32(0.5), x ** np.int64(2), x - np.float64(1.0)):
        assert isinstance(y, Value) and type(y.data) is float
        assert all(type(p.data) is float for p in y.parents)


@pytest.mark.parametrize("bad", [1, b"x", ["x"]])
def test_name_must_be_a_string(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(1.0, name=bad)
    assert Value(1.0, name="w1").name == "w1" and Value(1.0).name is None


@pytest.mark.parametrize("op", [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow])
@pytest.mark.parametrize("other", ["2", None, [1.0], 1j, True])
def test_unsupported_operand_types_raise_type_error(op, other):
    x = Value(2.0)
    with pytest.raises(TypeError):
        op(x, other)
    with pytest.raises(TypeError):
        op(other, x)


def test_grad_rejects_non_values():
    x = Value(1.0)
    with pytest.raises(TypeError, match="float"):
        grad(1.0, x)
    with pytest.raises(TypeError, match=r"inputs\[1\].*float"):
        grad(x * 2, [x, 2.0])


# --- arguments checked up front, with messages that say what was wrong -------------------------

def test_an_empty_name_is_refused():
    with pytest.raises(ValueError, match="name must not be empty"):
        Value(1.0, name="")


def test_grad_of_none_inputs_names_what_it_wanted():
    with pytest.raises(TypeError, match="grad: inputs must be a Value or a sequence of Values, got NoneType"):
        grad(Value(1.0) * 2.0, None)  # type: ignore[call-overload]


def test_a_power_too_large_for_a_float_names_pow():
    with pytest.raises(OverflowError, match="pow: int .* is too large for a float"):
        Value(2.0) ** 10**400


@pytest.mark.parametrize(
    "options, error, message",
    [
        ({"eps": "a"}, TypeError, "gradcheck: eps must be a real number, got str 'a'"),
        ({"atol": float("nan")}, ValueError, "gradcheck: atol must be a non-negative finite number, got nan"),
        ({"rtol": -1.0}, ValueError, "gradcheck: rtol must be a non-negative finite number, got -1.0"),
        ({"eps": 0.0}, ValueError, "gradcheck: eps must be a positive finite number, got 0.0"),
        ({"second_order": "yes"}, TypeError, "gradcheck: second_order must be True or False, got 'yes'"),
    ],
)
def test_gradcheck_checks_its_options(options, error, message):
    from autodiff import gradcheck

    with pytest.raises(error, match=re.escape(message)):
        gradcheck(lambda x: x * x, [1.0], **options)


def test_gradcheck_says_when_its_own_probe_left_the_domain():
    from autodiff import gradcheck

    with pytest.raises(ValueError) as info:
        gradcheck(lambda x: x.log(), [Value(1e-7, name="x")])
    message = str(info.value)
    assert "finite-difference probe x = 1e-07 − eps" in message and "a point you did not pass" in message
    assert "pass a smaller eps" in message and "log: input must be positive" in message
    assert gradcheck(lambda x: x.log(), [1e-7], eps=1e-9, rtol=1e-3)


@pytest.mark.parametrize(
    "options, error, message",
    [
        ({"max_nodes": "a"}, ValueError, "draw: max_nodes must be a positive int or None (no limit), got 'a'"),
        ({"max_nodes": -1}, ValueError, "draw: max_nodes must be a positive int or None (no limit), got -1"),
        ({"clusters": ["a"]}, TypeError, "draw: clusters must map a label to its nodes, got list"),
    ],
)
def test_draw_checks_its_options(options, error, message):
    from autodiff import draw

    with pytest.raises(error, match=re.escape(message)):
        draw(Value(1.0) * 2.0, **options)


def test_a_name_too_long_to_draw_is_a_clear_error_and_graphviz_failures_say_what_dot_said():
    from autodiff import draw
    from autodiff.render import MAX_NAME_LENGTH, RenderError

    long = Value(1.0, name="x" * 17_000)
    with pytest.raises(ValueError, match=f"draw: a node's name is 17000 characters long .* up to {MAX_NAME_LENGTH}"):
        draw(long * 2.0)
    worst = Value(1.0, name='"' * MAX_NAME_LENGTH)  # escaping makes each character six
    top = (worst * 2.0).sigmoid()
    top.name = "&" * MAX_NAME_LENGTH
    assert b"<svg" in draw(top, highlight=worst, edge_symbols=True).pipe(format="svg")
    broken = draw(Value(1.0) * 2.0)
    broken.body.append("  v0 -> {")  # DOT that dot cannot read
    with pytest.raises(RenderError, match="Graphviz's dot failed .*syntax error"):
        broken.pipe(format="svg")


def test_the_repr_of_a_value_with_a_long_name_stays_short_and_on_one_line():
    v = Value(1.5, name="w" * 500 + "\n")
    text = repr(v * 2.0) + repr(v)
    assert len(repr(v)) < 120 and "\n" not in text and "…" in repr(v)
    assert repr(Value(2.0, name="x")) == "Value(data=2.0, grad=0.0, name='x')"
