"""One test per operation against numbers worked out by hand: the data, the local
derivative(s) stored on the node, and the gradients after ``backward()``.

Inputs are chosen so that the hand-worked numbers are exact in binary floating point
(halves, quarters, small integers); where a transcendental function is involved the
expected number is written as its formula and compared to 1 ulp-ish (rel 1e-15).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from autodiff import OPS, Value, power

EXACT_ENOUGH = dict(rel=1e-15, abs=1e-300)  # for results of one libm call


def backward_grads(out: Value, *leaves: Value) -> list[float]:
    out.backward()
    return [leaf.grad for leaf in leaves]


# --- the table itself ---------------------------------------------------------------------

def test_the_table_holds_every_fixed_operation_once():
    assert set(OPS) == {"add", "sub", "mul", "div", "neg", "powv", "exp", "log", "tanh", "sigmoid", "relu", "dot",
                        "sin", "cos", "sqrt", "abs"}
    assert all(op.name == name for name, op in OPS.items())
    assert {name for name, op in OPS.items() if op.arity == 2} == {"add", "sub", "mul", "div", "powv"}
    assert {name for name, op in OPS.items() if op.arity is None} == {"dot"}  # any number of inputs


def test_power_makes_one_op_per_exponent_and_records_it():
    assert power(2) is power(2)
    assert power(2).name == "pow" and power(2).exponent == 2.0 and power(2).arity == 1
    assert power(-1.5).exponent == -1.5


# --- binary arithmetic -----------------------------------------------------------------------

def test_add():
    x, y = Value(2.0), Value(-3.5)
    z = x + y
    assert z.data == -1.5 and z.op.name == "add"
    assert z.parents == (x, y) and z.local_grads == (1.0, 1.0)
    assert backward_grads(z, x, y) == [1.0, 1.0]


def test_add_with_a_number_on_either_side():
    x = Value(2.0)
    for z, const_index in ((x + 5, 1), (5 + x, 0)):
        assert z.data == 7.0 and z.op.name == "add" and z.local_grads == (1.0, 1.0)
        const = z.parents[const_index]
        assert const.is_leaf and const.data == 5.0 and type(const.data) is float
        assert z.parents[1 - const_index] is x


def test_sub():
    x, y = Value(2.0), Value(-3.5)
    z = x - y
    assert z.data == 5.5 and z.op.name == "sub"
    assert z.parents == (x, y) and z.local_grads == (1.0, -1.0)
    assert backward_grads(z, x, y) == [1.0, -1.0]
    assert (x - 5).data == -3.0 and (x - 5).local_grads == (1.0, -1.0)
    w = Value(2.0)
    r = 5 - w
    assert r.data == 3.0 and r.parents[1] is w and r.local_grads == (1.0, -1.0)
    assert backward_grads(r, w) == [-1.0]


def test_mul():
    x, y = Value(3.0), Value(-4.0)
    z = x * y
    assert z.data == -12.0 and z.op.name == "mul"
    assert z.local_grads == (-4.0, 3.0)  # d(xy)/dx = y, d(xy)/dy = x
    assert backward_grads(z, x, y) == [-4.0, 3.0]
    assert (2.5 * x).data == 7.5 and (2.5 * x).local_grads == (3.0, 2.5)
    assert backward_grads(x * 2.5, x) == [2.5 + (-4.0)]  # accumulates onto the -4 from before


def test_div():
    x, y = Value(3.0), Value(4.0)
    z = x / y
    assert z.data == 0.75 and z.op.name == "div"
    assert z.local_grads == (0.25, -0.1875)  # 1/y and -x/y² = -3/16
    assert backward_grads(z, x, y) == [0.25, -0.1875]
    r = 3 / y
    assert r.data == 0.75 and r.local_grads == (0.25, -0.1875)
    assert (x / 2).data == 1.5 and (x / 2).local_grads == (0.5, -0.75)


def test_div_by_a_tiny_number_has_a_finite_or_infinite_slope_but_no_error():
    # b² underflows to 0 for |b| < 1e-162; the slope -a/b² must not become a division by zero.
    z = Value(1.0) / Value(1e-200)
    assert z.data == 1e200
    assert z.local_grads == (1e200, -math.inf)
    assert (Value(0.0) / Value(1e-200)).local_grads == (1e200, 0.0)
    assert (Value(1e-300) / Value(1e-200)).local_grads[1] == pytest.approx(-1e100, rel=1e-15)


def test_neg():
    x = Value(2.5)
    z = -x
    assert z.data == -2.5 and z.op.name == "neg" and z.parents == (x,) and z.local_grads == (-1.0,)
    assert backward_grads(z, x) == [-1.0]
    assert (-(-x)).data == 2.5


# --- powers -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "base, n, value, slope",
    [
        (3.0, 2, 9.0, 6.0),  # 2x
        (3.0, 3, 27.0, 27.0),  # 3x²
        (-2.0, 3, -8.0, 12.0),
        (2.0, -1, 0.5, -0.25),  # -x⁻²
        (2.0, -2, 0.25, -0.25),  # -2x⁻³
        (-2.0, -3, -0.125, -0.1875),  # -3x⁻⁴
        (4.0, 0.5, 2.0, 0.25),  # 0.5 x^-0.5
        (4.0, -0.5, 0.5, -0.0625),  # -0.5 x^-1.5
        (4.0, 1.5, 8.0, 3.0),  # 1.5 x^0.5
        (5.0, 1, 5.0, 1.0),
        (5.0, 0, 1.0, 0.0),
        (0.0, 0, 1.0, 0.0),  # x**0 is the constant 1: slope 0 at 0 too
        (0.0, 2, 0.0, 0.0),
    ],
)
def test_pow_by_a_constant(base, n, value, slope):
    x = Value(base)
    z = x**n
    assert z.data == value and z.op.name == "pow" and z.op.exponent == float(n)
    assert z.parents == (x,) and z.local_grads == (slope,)
    assert backward_grads(z, x) == [slope]


def test_pow_accepts_numpy_exponents_and_records_a_float_exponent():
    z = Value(3.0) ** np.int64(2)
    assert z.data == 9.0 and z.op.exponent == 2.0 and type(z.op.exponent) is float


def test_pow_with_a_value_exponent():
    x, y = Value(2.0), Value(3.0)
    z = x**y
    assert z.data == 8.0 and z.op.name == "powv" and z.parents == (x, y)
    dx, dy = z.local_grads
    assert dx == 12.0  # y x^(y-1) = 3·4
    assert dy == pytest.approx(8.0 * math.log(2.0), **EXACT_ENOUGH)  # x^y ln x
    assert backward_grads(z, x, y) == [dx, dy]


def test_number_to_a_value_power():
    y = Value(3.0)
    z = 2**y
    assert z.data == 8.0 and z.op.name == "powv"
    base, exponent = z.parents
    assert exponent is y and base.is_leaf and base.data == 2.0
    assert z.local_grads[1] == pytest.approx(8.0 * math.log(2.0), **EXACT_ENOUGH)
    assert backward_grads(z, y) == [z.local_grads[1]]
    assert (0.5**y).data == 0.125


# --- functions ---------------------------------------------------------------------------------

def test_exp():
    x = Value(0.0)
    z = x.exp()
    assert z.data == 1.0 and z.op.name == "exp" and z.local_grads == (1.0,)
    assert backward_grads(z, x) == [1.0]
    w = Value(1.0).exp()
    assert w.data == pytest.approx(math.e, **EXACT_ENOUGH) and w.local_grads == (w.data,)
    assert Value(-2.0).exp().data == pytest.approx(math.exp(-2.0), **EXACT_ENOUGH)


def test_log():
    x = Value(2.0)
    z = x.log()
    assert z.data == pytest.approx(math.log(2.0), **EXACT_ENOUGH) and z.op.name == "log"
    assert z.local_grads == (0.5,)  # 1/x
    assert backward_grads(z, x) == [0.5]
    assert Value(1.0).log().data == 0.0
    assert Value(0.25).log().local_grads == (4.0,)


def test_tanh():
    z = Value(0.0).tanh()
    assert z.data == 0.0 and z.op.name == "tanh" and z.local_grads == (1.0,)
    x = Value(0.5)
    t = x.tanh()
    assert t.data == pytest.approx(math.tanh(0.5), **EXACT_ENOUGH)
    assert t.local_grads[0] == pytest.approx(1 - math.tanh(0.5) ** 2, **EXACT_ENOUGH)  # 1 - tanh²
    assert backward_grads(t, x) == [t.local_grads[0]]
    assert Value(-0.5).tanh().data == -t.data


def test_sigmoid():
    x = Value(0.0)
    z = x.sigmoid()
    assert z.data == 0.5 and z.op.name == "sigmoid" and z.local_grads == (0.25,)  # σ(1 - σ)
    assert backward_grads(z, x) == [0.25]
    s = Value(2.0).sigmoid()
    expected = 1 / (1 + math.exp(-2.0))
    assert s.data == pytest.approx(expected, **EXACT_ENOUGH)
    assert s.local_grads[0] == pytest.approx(expected * (1 - expected), rel=1e-14)
    assert Value(-2.0).sigmoid().data == pytest.approx(1 - expected, rel=1e-14)


@pytest.mark.parametrize("data, value, slope", [(2.5, 2.5, 1.0), (-2.5, 0.0, 0.0), (0.0, 0.0, 0.0), (1e-300, 1e-300, 1.0)])
def test_relu(data, value, slope):
    x = Value(data)
    z = x.relu()
    assert z.data == value and z.op.name == "relu" and z.local_grads == (slope,)
    assert backward_grads(z, x) == [slope]


def test_step_is_a_constant_with_no_parents():
    for data, expected in ((2.0, 1.0), (-2.0, 0.0), (0.0, 0.0)):
        s = Value(data).step()
        assert s.data == expected and s.is_leaf and s.parents == () and s.op is None


# --- a small expression, worked by hand ---------------------------------------------------

def test_a_worked_example_through_several_operations():
    # L = (x*y + 2)**2 / z at x=1, y=2, z=4: u = xy + 2 = 4, L = 16/4 = 4
    # dL/du = 2u/z = 2, dL/dx = 2y = 4, dL/dy = 2x = 2, dL/dz = -u²/z² = -1
    x, y, z = Value(1.0), Value(2.0), Value(4.0)
    u = x * y + 2
    L = u**2 / z
    assert L.data == 4.0
    L.backward()
    assert (x.grad, y.grad, z.grad, u.grad, L.grad) == (4.0, 2.0, -1.0, 2.0, 1.0)


def test_value_reads_like_a_leaf_and_prints_its_parts():
    x = Value(2, name="x")
    assert x.data == 2.0 and type(x.data) is float and x.grad == 0.0 and x.name == "x"
    assert x.is_leaf and x.op is None and x.parents == () and x.local_grads == ()
    assert repr(x) == "Value(data=2.0, grad=0.0, name='x')"
    assert repr(x * 3) == "Value(data=6.0, grad=0.0, op='mul')"
    assert hash(x) == hash(x) and x == x and x != Value(2.0)  # identity, so usable as dict keys
