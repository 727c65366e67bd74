"""Numerics: sigmoid and tanh at every finite input, overflow to inf instead of exceptions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings

from autodiff import Value, grad

from .strategies import finite_floats

EXTREMES = [1000.0, -1000.0, 746.0, -746.0, 1e308, -1e308, 1.7976931348623157e308, -1.7976931348623157e308]
GRID = [x / 8 for x in range(-400, 401)] + [-745.0, -700.0, -40.0, 40.0, 700.0, 1e-300, -1e-300, 5e-324]


def reference_sigmoid(x: float) -> float:
    """1 / (1 + e^-x), written in the form whose exp cannot overflow."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    return math.exp(x) / (1.0 + math.exp(x))


def test_sigmoid_and_tanh_at_the_extremes():
    for x in EXTREMES:
        s, t = Value(x).sigmoid(), Value(x).tanh()
        assert s.data == (1.0 if x > 0 else 0.0)
        assert t.data == (1.0 if x > 0 else -1.0)
        assert s.local_grads == (0.0,) and t.local_grads == (0.0,)
    # just before sigmoid underflows to 0 its value is subnormal, and still right
    s = Value(-710.0).sigmoid()
    assert s.data == math.exp(-710.0) > 0.0 and s.local_grads == (s.data,)
    assert Value(710.0).sigmoid().data == 1.0


@pytest.mark.parametrize("x", GRID)
def test_sigmoid_and_tanh_match_math_on_a_grid(x):
    v = Value(x)
    s, t = v.sigmoid(), v.tanh()
    # one libm exp and one division apart: within a few ulp
    assert s.data == pytest.approx(reference_sigmoid(x), rel=4e-16, abs=0)
    assert t.data == math.tanh(x)
    assert 0.0 <= s.data <= 1.0 and -1.0 <= t.data <= 1.0
    assert s.local_grads[0] == pytest.approx(s.data * (1 - s.data), rel=1e-15, abs=0)
    assert t.local_grads[0] == pytest.approx(1 - t.data**2, rel=1e-15, abs=0)
    assert 0.0 <= s.local_grads[0] <= 0.25 and 0.0 <= t.local_grads[0] <= 1.0


@settings(max_examples=300, deadline=None)
@given(finite_floats())
def test_sigmoid_and_tanh_have_finite_values_and_gradients_for_every_finite_input(x):
    for method in ("sigmoid", "tanh"):
        v = Value(x)
        y = getattr(v, method)()
        y.backward()
        assert math.isfinite(y.data) and math.isfinite(v.grad)
        w = Value(x)
        (d,) = grad(getattr(w, method)(), [w], create_graph=True)
        assert math.isfinite(d.data) and math.isfinite(grad(d, w))
    assert Value(x).sigmoid().data == pytest.approx(reference_sigmoid(x), rel=4e-16, abs=0)
    assert Value(x).tanh().data == math.tanh(x)


def test_sigmoid_is_symmetric_up_to_rounding():
    for x in (0.5, 1.0, 3.0, 20.0, 40.0):
        assert Value(x).sigmoid().data + Value(-x).sigmoid().data == pytest.approx(1.0, abs=4.5e-16)  # 2 ulp


def test_exp_that_overflows_is_inf():
    for x in (709.8, 710.0, 1000.0, 1e308):
        y = Value(x).exp()
        assert y.data == math.inf and y.local_grads == (math.inf,)
    assert Value(709.0).exp().data == math.exp(709.0)
    assert Value(-1e308).exp().data == 0.0


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda: Value(10.0) ** 400, math.inf),
        (lambda: Value(-10.0) ** 400, math.inf),
        (lambda: Value(-10.0) ** 401, -math.inf),
        (lambda: Value(1e200) ** 2, math.inf),
        (lambda: Value(-1e200) ** 3, -math.inf),
        (lambda: Value(1e-200) ** -2, math.inf),
        (lambda: Value(-1e-200) ** -3, -math.inf),
        (lambda: 2 ** Value(5000.0), math.inf),
        (lambda: Value(2.0) ** Value(5000.0), math.inf),
        (lambda: Value(0.5) ** Value(-5000.0), math.inf),
        (lambda: 2 ** Value(-5000.0), 0.0),
    ],
)
def test_pow_that_overflows_is_signed_inf(make, expected):
    assert make().data == expected


def test_overflowing_slopes_are_inf_not_errors():
    # d(x³)/dx = 3x² overflows; d(x⁻¹)/dx = -x⁻² overflows
    assert (Value(1e200) ** 3).local_grads == (math.inf,)
    assert (Value(1e-200) ** -1).local_grads == (-math.inf,)
    z = Value(2.0) ** Value(1030.0)
    assert z.local_grads == (math.inf, math.inf)


# --- derivative rules evaluated on Values give inf where backward() does (as PyTorch) -----------

def test_second_order_grad_of_a_square_root_at_zero_is_infinite_not_an_error():
    x = Value(0.0)
    y = x**0.5
    assert grad(y, x) == math.inf
    first = grad(y, x, create_graph=True)
    assert first.data == math.inf
    assert grad(first, x) == -math.inf  # PyTorch: d²/dx² √x at 0 = -inf


def test_create_graph_of_a_division_by_a_tiny_number_overflows_to_inf_like_backward():
    a, b = Value(1.0), Value(1e-200)
    assert grad(a / b, b) == -math.inf
    assert grad(a / b, b, create_graph=True).data == -math.inf


def test_the_operator_keeps_its_documented_error_at_zero_to_a_negative_power():
    import pytest

    with pytest.raises(ZeroDivisionError, match="pow: 0.0 cannot be raised to the negative power -1.0"):
        Value(0.0) ** -1


def test_relu_of_nan_is_nan_and_passes_its_gradient_on_as_pytorch_does():
    x = Value(float("nan"))
    y = x.relu()
    assert math.isnan(y.data)
    y.backward()
    assert x.grad == 1.0  # torch.relu(nan).backward() gives grad 1: the NaN stays visible in the loss
    assert Value(-1.0).relu().data == 0.0 and Value(0.0).relu().local_grads == (0.0,)
