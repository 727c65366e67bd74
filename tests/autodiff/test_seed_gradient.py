"""backward(gradient=g) and grad(..., grad_output=g): the pass starts from d(self) = g, as in PyTorch."""

import math

import pytest
from hypothesis import given, settings

from autodiff import Value, grad

from .strategies import checkable_cases


def _graph():
    x, y = Value(1.5, "x"), Value(-0.5, "y")
    return x, y, (x * y + x.exp()) * y


def test_backward_with_a_gradient_scales_every_gradient_by_it():
    x, y, out = _graph()
    out.backward()
    plain = (x.grad, y.grad)
    x.grad = y.grad = 0.0
    out.backward(gradient=-2.5)
    assert (x.grad, y.grad) == (-2.5 * plain[0], -2.5 * plain[1])
    assert out.grad == -2.5
    # by hand: out = (xy + e^x)·y, d/dx = (y + e^x)·y
    assert abs(plain[0] - (-0.5 + math.exp(1.5)) * -0.5) < 1e-15


def test_the_seed_is_the_gradient_of_a_later_loss_so_two_halves_make_the_whole():
    # loss = 3·out²: backward from out with seed d(loss)/d(out) = 6·out gives what loss.backward() gives
    x, y, out = _graph()
    (3 * out**2).backward()
    whole = (x.grad, y.grad)
    x2, y2, out2 = _graph()
    out2.backward(6 * out2.data)
    assert x2.grad == pytest.approx(whole[0], rel=1e-15) and y2.grad == pytest.approx(whole[1], rel=1e-15)


def test_backward_of_a_leaf_with_a_gradient_and_a_value_as_the_gradient():
    a = Value(2.0)
    a.backward(0.25)
    a.backward(Value(0.5))
    assert a.grad == 0.75


@pytest.mark.parametrize("bad", ["1", None, True, [1.0]])
def test_a_gradient_that_is_not_a_number_is_a_clear_error(bad):
    x, y, out = _graph()
    with pytest.raises(TypeError, match="backward: gradient: expected a real number"):
        out.backward(bad)
    assert x.grad == 0.0 and y.grad == 0.0
    with pytest.raises(TypeError, match="grad: grad_output: expected a real number"):
        grad(out, x, grad_output=bad)


def test_grad_output_seeds_grad_at_first_and_second_order():
    x, y, out = _graph()
    gx, gy = grad(out, [x, y])
    assert grad(out, [x, y], grad_output=4.0) == [4 * gx, 4 * gy]
    d = grad(out, x, create_graph=True, grad_output=4.0)
    assert isinstance(d, Value) and d.data == 4 * gx
    # by hand: out = x·y² + y·e^x, d out/dx = y² + y·e^x, d²out/dxdy = 2y + e^x
    assert grad(d, y) == pytest.approx(4 * (2 * -0.5 + math.exp(1.5)), rel=1e-15)


def test_a_value_seed_under_create_graph_is_part_of_the_graph():
    x, y, out = _graph()
    g = Value(3.0, "g")
    d = grad(out, x, create_graph=True, grad_output=g)
    assert grad(d, g) == pytest.approx(grad(out, x), rel=1e-15)  # d(g·∂out/∂x)/dg = ∂out/∂x


@settings(max_examples=40, deadline=None, derandomize=True)
@given(checkable_cases())
def test_a_seeded_pass_is_the_plain_pass_times_the_seed_on_random_graphs(case):
    expr, point = case
    inputs = [Value(p) for p in point]
    out = expr(*inputs)
    plain = grad(out, inputs)
    seeded = grad(out, inputs, grad_output=-1.75)
    assert seeded == pytest.approx([-1.75 * g for g in plain], rel=1e-12, abs=1e-300)
    out.backward(-1.75)
    assert [x.grad for x in inputs] == pytest.approx(seeded, rel=1e-12, abs=1e-300)
