"""grad(): first derivatives without touching .grad, and higher derivatives with create_graph=True,
against closed forms and finite differences."""

from __future__ import annotations

import math
from typing import Callable

import pytest
from hypothesis import given, settings

from autodiff import Value, grad, no_grad, topological_order

from .strategies import moderate_floats, positive_floats


def derivative(f: Callable[[Value], Value], x: float, order: int) -> float:
    """The order-th derivative of f at x, by applying grad(create_graph=True) repeatedly."""
    v = Value(x)
    y = f(v)
    for _ in range(order):
        y = grad(y, v, create_graph=True)
        assert isinstance(y, Value)
    return y.data


def central_difference(g: Callable[[float], float], x: float, h: float) -> float:
    return (g(x + h) - g(x - h)) / (2 * h)


def sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# f, first derivative, second derivative (closed forms), domain of test points
CLOSED_FORMS = {
    "sigmoid": (lambda v: v.sigmoid(), lambda x: sig(x) * (1 - sig(x)), lambda x: sig(x) * (1 - sig(x)) * (1 - 2 * sig(x))),
    "tanh": (lambda v: v.tanh(), lambda x: 1 - math.tanh(x) ** 2, lambda x: -2 * math.tanh(x) * (1 - math.tanh(x) ** 2)),
    "exp": (lambda v: v.exp(), math.exp, math.exp),
    "log": (lambda v: v.log(), lambda x: 1 / x, lambda x: -1 / x**2),
    "cube": (lambda v: v**3, lambda x: 3 * x**2, lambda x: 6 * x),
    "cube by mul": (lambda v: v * v * v, lambda x: 3 * x**2, lambda x: 6 * x),
    "reciprocal": (lambda v: 1 / v, lambda x: -1 / x**2, lambda x: 2 / x**3),
    "x to the x": (lambda v: v**v, lambda x: x**x * (math.log(x) + 1), lambda x: x**x * ((math.log(x) + 1) ** 2 + 1 / x)),
    "2 to the x": (lambda v: 2**v, lambda x: 2**x * math.log(2), lambda x: 2**x * math.log(2) ** 2),
    "sqrt": (lambda v: v**0.5, lambda x: 0.5 * x**-0.5, lambda x: -0.25 * x**-1.5),
    "relu": (lambda v: v.relu(), lambda x: float(x > 0), lambda x: 0.0),
}
POSITIVE_ONLY = {"log", "reciprocal", "x to the x", "sqrt"}
POINTS = [-2.5, -0.7, 0.3, 1.0, 2.2]


@pytest.mark.parametrize("name", CLOSED_FORMS)
def test_first_and_second_derivatives_match_closed_forms(name):
    f, d1, d2 = CLOSED_FORMS[name]
    for x in POINTS:
        x = abs(x) if name in POSITIVE_ONLY else x
        # the same formula evaluated a different way: a few roundings apart
        assert derivative(f, x, 1) == pytest.approx(d1(x), rel=1e-13, abs=1e-15)
        assert derivative(f, x, 2) == pytest.approx(d2(x), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("name", CLOSED_FORMS)
def test_second_derivatives_match_finite_differences_of_the_first(name):
    f, _, _ = CLOSED_FORMS[name]
    for x in POINTS:
        x = abs(x) if name in POSITIVE_ONLY else x
        # h = 1e-5: truncation ~ h²·f''''/6 ≈ 1e-10·|f''''|, rounding ~ 1e-16·|f'|/h ≈ 1e-11·|f'|;
        # the functions here have |f'|, |f''''| below ~100 at these points, so 1e-7 has headroom
        numeric = central_difference(lambda t: derivative(f, t, 1), x, 1e-5)
        assert derivative(f, x, 2) == pytest.approx(numeric, rel=1e-7, abs=1e-8)


def test_third_derivatives():
    for x in (-1.5, 0.5, 2.0):
        assert derivative(lambda v: v**4, x, 3) == pytest.approx(24 * x, rel=1e-14)
        assert derivative(lambda v: v * v * v * v, x, 3) == pytest.approx(24 * x, rel=1e-14)
        assert derivative(lambda v: v.exp(), x, 3) == pytest.approx(math.exp(x), rel=1e-14)
        t = math.tanh(x)
        assert derivative(lambda v: v.tanh(), x, 3) == pytest.approx(-2 * (1 - t * t) * (1 - 3 * t * t), rel=1e-12)
        assert derivative(lambda v: v**3, x, 3) == 6.0
        assert derivative(lambda v: v**3, x, 4) == 0.0
    assert derivative(lambda v: v.log(), 2.0, 3) == pytest.approx(2 / 8, rel=1e-15)  # 2/x³


@settings(max_examples=40, deadline=None)
@given(moderate_floats(3.0), positive_floats(0.3, 3.0))
def test_mixed_second_derivatives_are_symmetric_and_match_closed_forms(a, b):
    # f(x, y) = x·y² + exp(x)/y: f_xy = 2y - exp(x)/y², f_yy = 2x + 2exp(x)/y³
    x, y = Value(a), Value(b)
    f = x * y**2 + x.exp() / y
    fx, fy = grad(f, [x, y], create_graph=True)
    fxx, fxy = grad(fx, [x, y])
    fyx, fyy = grad(fy, [x, y])
    assert fxy == pytest.approx(fyx, rel=1e-12, abs=1e-12)
    assert fxy == pytest.approx(2 * b - math.exp(a) / b**2, rel=1e-12, abs=1e-12)
    assert fyy == pytest.approx(2 * a + 2 * math.exp(a) / b**3, rel=1e-12, abs=1e-12)
    assert fxx == pytest.approx(math.exp(a) / b, rel=1e-12)


# --- a 2-2-1 sigmoid network, built by hand ---------------------------------------------------

WEIGHTS = {"w11": 0.4, "w12": -0.6, "b1": 0.1, "w21": 0.7, "w22": 0.2, "b2": -0.3, "v1": 1.1, "v2": -0.8, "c": 0.25}
SAMPLES = [((0.5, -1.0), 1.0), ((-0.3, 0.8), 0.0), ((1.2, 0.4), 1.0)]


def network_loss(p: dict[str, Value | float]) -> Value | float:
    """Mean squared error of a 2-2-1 sigmoid net over SAMPLES."""
    total = 0.0
    for (x1, x2), target in SAMPLES:
        h1 = (p["w11"] * x1 + p["w12"] * x2 + p["b1"]).sigmoid()
        h2 = (p["w21"] * x1 + p["w22"] * x2 + p["b2"]).sigmoid()
        out = (p["v1"] * h1 + p["v2"] * h2 + p["c"]).sigmoid()
        total = total + (out - target) ** 2
    return total / len(SAMPLES)


def loss_at(**changes: float) -> float:
    with no_grad():
        return network_loss({k: Value(changes.get(k, w)) for k, w in WEIGHTS.items()}).data


def first_derivative_at(name: str, wrt: str, shift: float = 0.0) -> float:
    params = {k: Value(w + (shift if k == wrt else 0.0)) for k, w in WEIGHTS.items()}
    return grad(network_loss(params), params[name])


@pytest.mark.parametrize("name", ["w11", "w22", "v1", "c"])
def test_second_derivative_of_a_network_loss_with_respect_to_a_weight(name):
    params = {k: Value(w, name=k) for k, w in WEIGHTS.items()}
    loss = network_loss(params)
    d1 = grad(loss, params[name], create_graph=True)
    d2 = grad(d1, params[name])
    h = 1e-5
    # first derivative against central differences of the loss (h=1e-5: error ~1e-11)
    w = WEIGHTS[name]
    numeric1 = (loss_at(**{name: w + h}) - loss_at(**{name: w - h})) / (2 * h)
    assert d1.data == pytest.approx(numeric1, rel=1e-7, abs=1e-9)
    # second derivative against central differences of the exact first derivative (error ~1e-10)
    numeric2 = (first_derivative_at(name, name, h) - first_derivative_at(name, name, -h)) / (2 * h)
    assert d2 == pytest.approx(numeric2, rel=1e-6, abs=1e-8)
    # and against the second difference of the loss itself (h=1e-4: rounding ~1e-16/h² = 1e-8)
    H = 1e-4
    numeric2b = (loss_at(**{name: w + H}) - 2 * loss_at() + loss_at(**{name: w - H})) / H**2
    assert d2 == pytest.approx(numeric2b, rel=1e-4, abs=1e-6)
    # a mixed derivative with respect to a second weight, checked the same way
    other = "v2" if name != "v2" else "v1"
    mixed = grad(d1, params[other])
    numeric_mixed = (first_derivative_at(name, other, h) - first_derivative_at(name, other, -h)) / (2 * h)
    assert mixed == pytest.approx(numeric_mixed, rel=1e-6, abs=1e-8)


def test_create_graph_results_are_values_with_the_same_numbers():
    params = {k: Value(w) for k, w in WEIGHTS.items()}
    loss = network_loss(params)
    plain = grad(loss, list(params.values()))
    graphed = grad(loss, list(params.values()), create_graph=True)
    assert all(isinstance(g, Value) for g in graphed)
    assert [g.data for g in graphed] == pytest.approx(plain, rel=1e-15, abs=1e-300)


# --- what grad leaves alone and what it returns ---------------------------------------------

def test_grad_leaves_every_grad_untouched():
    x, y = Value(2.0), Value(-1.0)
    out = (x * y).tanh() + x.exp()
    out.backward()
    before = [(n, n.grad) for n in topological_order(out)]
    grad(out, [x, y])
    d = grad(out, x, create_graph=True)
    grad(d, [x, y])
    assert [(n, n.grad) for n in topological_order(out)] == before


def test_inputs_the_output_does_not_depend_on_get_zero():
    x, unused = Value(2.0), Value(5.0)
    out = x * x
    assert grad(out, [x, unused]) == [4.0, 0.0]
    gx, gu = grad(out, [x, unused], create_graph=True)
    assert isinstance(gu, Value) and gu.data == 0.0
    assert gx.data == 4.0
    # the second derivative of something linear is 0 even though its first derivative is a constant
    assert grad(grad(3 * x, x, create_graph=True), x) == 0.0


def test_grad_returns_one_result_for_one_input_and_a_list_for_a_sequence():
    x = Value(3.0)
    y = x * x
    assert grad(y, x) == 6.0
    assert grad(y, [x]) == [6.0]
    assert grad(y, (x,)) == [6.0]
    assert grad(y, []) == []
    assert grad(y, y) == 1.0  # d(y)/d(y)


def test_grad_with_respect_to_an_intermediate_node():
    x = Value(2.0)
    h = x * 3
    y = h * h
    assert grad(y, [h, x]) == [12.0, 36.0]
