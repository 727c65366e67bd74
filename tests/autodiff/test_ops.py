"""Every operation, one place: values and local derivatives worked out by hand (first and second order),
kinks, extreme inputs and overflow to inf, and domain errors that name the operation and leave nothing
half-done. (Random graphs of every operation: strategies.py feeds test_gradcheck.py and the rest.)

Hand-worked inputs are chosen so that the expected numbers are exact in binary floating point
(halves, quarters, small integers); where a transcendental function is involved the expected
number is written as its formula and compared to 1 ulp-ish (rel 1e-15).
"""

from __future__ import annotations

import gc
import math

import numpy as np
import pytest
from hypothesis import given, settings

from autodiff import OPS, Sym, Value, explain, grad, gradcheck, power, topological_order

from .strategies import finite_floats

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


# --- sin, cos, sqrt and abs -----------------------------------------------------------------


def d1_d2(f, x):
    v = Value(x)
    first = grad(f(v), v, create_graph=True)
    return first.data, grad(first, v)


@pytest.mark.parametrize("x", [-2.0, -0.3, 0.0, 0.9, 2.5])
def test_sin_and_cos_by_hand(x):
    v = Value(x)
    y = v.sin()
    y.backward()
    assert y.data == math.sin(x) and v.grad == math.cos(x)
    assert d1_d2(lambda t: t.sin(), x) == (math.cos(x), -math.sin(x))
    assert d1_d2(lambda t: t.cos(), x) == (-math.sin(x), -math.cos(x))


def test_sin_squared_plus_cos_squared_has_zero_gradient():
    x = Value(0.7)
    one = x.sin() ** 2 + x.cos() ** 2
    one.backward()
    assert abs(one.data - 1) < 1e-15 and abs(x.grad) < 1e-15  # 2 sin cos − 2 cos sin


@pytest.mark.parametrize("x", [0.25, 1.0, 4.0, 9.5])
def test_sqrt_by_hand(x):
    v = Value(x)
    y = v.sqrt()
    y.backward()
    assert y.data == math.sqrt(x) and v.grad == pytest.approx(0.5 / math.sqrt(x), rel=1e-15)
    first, second = d1_d2(lambda t: t.sqrt(), x)
    assert first == pytest.approx(0.5 * x**-0.5, rel=1e-15) and second == pytest.approx(-0.25 * x**-1.5, rel=1e-14)
    assert gradcheck(lambda t: t.sqrt(), [x]) and gradcheck(lambda t: t.sqrt(), [x], second_order=True, eps=1e-5)


def test_sqrt_at_zero_has_an_infinite_slope_and_a_negative_input_is_a_domain_error():
    z = Value(0.0)
    z.sqrt().backward()
    assert z.grad == math.inf  # as PyTorch: d√x/dx = 1/(2√x) = inf at 0
    assert grad(Value(0.0).sqrt(), [Value(0.0)]) == [0.0]
    z2 = Value(0.0)
    assert grad(z2.sqrt(), z2, create_graph=True).data == math.inf  # the same inf, not a division error
    with pytest.raises(ValueError, match="sqrt: input must be non-negative, got -1.0"):
        Value(-1.0).sqrt()


@pytest.mark.parametrize("x, slope", [(-2.5, -1.0), (-1e-300, -1.0), (0.0, 0.0), (3.0, 1.0)])
def test_abs_by_hand_with_the_kink_at_zero(x, slope):
    v = Value(x)
    y = abs(v)
    y.backward()
    assert y.data == abs(x) and y.op is OPS["abs"]
    assert v.grad == slope  # sign(x); 0 at the kink, as PyTorch
    assert d1_d2(lambda t: t.abs(), x) == (slope, 0.0)


def test_a_nan_input_to_abs_keeps_a_nan_gradient_as_pytorch():
    v = Value(math.nan)
    abs(v).backward()
    assert math.isnan(v.grad)


def test_abs_leaves_a_parameter_at_its_minimum_where_it_is():
    w = Value(0.0)
    abs(w).backward()
    w.data -= 0.1 * w.grad
    assert w.data == 0.0


def test_infinite_inputs_to_sin_and_cos_are_domain_errors():
    for method in ("sin", "cos"):
        with pytest.raises(ValueError, match=f"{method}: input must be finite, got inf"):
            getattr(Value(math.inf), method)()


def test_the_rules_print_as_a_teacher_writes_them():
    x, out = Sym.var("x"), Sym.var("s")
    printed = {name: OPS[name].derivative(x, out)[0] for name in ("sin", "cos", "sqrt", "abs")}
    assert {k: v.text() for k, v in printed.items()} == {"sin": "cos(x)", "cos": "−sin(x)", "sqrt": "1/(2s)", "abs": "sign(x)"}
    assert {k: v.latex() for k, v in printed.items()} == {
        "sin": r"\cos\left(x\right)", "cos": r"-\sin\left(x\right)", "sqrt": r"\frac{1}{2 s}",
        "abs": r"\operatorname{sign}\left(x\right)",
    }
    assert (x.sqrt().text(), x.sqrt().latex()) == ("√(x)", r"\sqrt{x}")
    assert (abs(x - 1).text(), abs(x - 1).latex()) == ("|x − 1|", r"\left|x - 1\right|")
    env = {"x": -0.4, "s": 2.0}
    assert [printed[k].evaluate(env) for k in ("sin", "cos", "sqrt", "abs")] == [math.cos(-0.4), -math.sin(-0.4), 0.25, -1.0]


def test_sqrt_reads_better_than_a_half_power_in_an_explanation():
    x = Value(2.0, name="x")
    r = x.sqrt()
    r.name = "r"
    assert explain(r, x).text().splitlines()[1].strip() == "= 1/(2r)"
    h = x**0.5
    h.name = "r"
    assert explain(h, x).text().splitlines()[1].strip() == "= 1/2·x^(-0.5)"


# --- numerics: sigmoid and tanh at every finite input; overflow to inf, not exceptions -------
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


# --- domain errors: the message names the operation and the offending value -----------------

DOMAIN_ERRORS = [
    # (description, what to run on fresh leaves a=value, b=other, exception, words the message must contain)
    ("log of zero", lambda a, b: a.log(), 0.0, None, ValueError, ["log", "0.0"]),
    ("log of a negative", lambda a, b: a.log(), -2.5, None, ValueError, ["log", "-2.5"]),
    ("divide by a zero Value", lambda a, b: b / a, 0.0, 3.0, ZeroDivisionError, ["div", "3.0", "zero"]),
    ("divide by the number zero", lambda a, b: b / 0, 0.0, 3.0, ZeroDivisionError, ["div", "3.0", "zero"]),
    ("number divided by a zero Value", lambda a, b: 7 / a, 0.0, None, ZeroDivisionError, ["div", "7.0", "zero"]),
    ("negative base, fractional power", lambda a, b: a**0.5, -4.0, None, ValueError, ["pow", "-4.0", "0.5"]),
    ("negative base, Value power", lambda a, b: a**b, -4.0, 2.0, ValueError, ["pow", "-4.0"]),
    ("zero base, Value power", lambda a, b: a**b, 0.0, 2.0, ValueError, ["pow", "0.0"]),
    ("negative number to a Value power", lambda a, b: (-2) ** a, 2.0, None, ValueError, ["pow", "-2.0"]),
    ("zero to a negative power", lambda a, b: a**-1, 0.0, None, ZeroDivisionError, ["pow", "0.0", "-1"]),
    ("zero to a negative fractional power", lambda a, b: a**-0.5, 0.0, None, ZeroDivisionError, ["pow", "0.0", "-0.5"]),
]


@pytest.mark.parametrize(
    "make, a_data, b_data, error, words", [case[1:] for case in DOMAIN_ERRORS], ids=[case[0] for case in DOMAIN_ERRORS]
)
def test_domain_errors_name_the_operation_and_value_and_leave_nothing_half_done(make, a_data, b_data, error, words):
    # An existing graph with gradients in it: the failed operation must not change it.
    a = Value(a_data, name="a")
    b = Value(2.0 if b_data is None else b_data, name="b")
    y = a * b + a
    y.backward()
    before = [(n, n.data, n.grad, n.parents, n.local_grads) for n in topological_order(y)]
    children_before = _value_referrers(a) | _value_referrers(b)

    with pytest.raises(error) as caught:
        make(a, b)
    message = str(caught.value)
    for word in words:
        assert word in message, (word, message)

    assert [(n, n.data, n.grad, n.parents, n.local_grads) for n in topological_order(y)] == before
    del caught  # the traceback would keep the failing frames alive
    gc.collect()
    assert _value_referrers(a) | _value_referrers(b) == children_before  # no new node points at a or b


def _value_referrers(v: Value) -> set[int]:
    return {id(r) for r in gc.get_referrers(v) if isinstance(r, Value)}


def test_the_error_comes_from_the_forward_computation_not_later():
    # No node is made at all, so nothing has to be undone.
    x = Value(-1.0)
    with pytest.raises(ValueError):
        x.log()
    assert x.grad == 0.0 and x.is_leaf


def test_no_raw_overflow_errors_escape():
    # These are large but not errors: they are infinite results (covered in test_numerics too).
    assert Value(1e4).exp().data == math.inf
    assert (Value(10.0) ** 400).data == math.inf
    assert (Value(2.0) ** math.inf).data == math.inf
    assert (Value(0.5) ** math.inf).data == 0.0
    with pytest.raises(ValueError, match="pow"):
        Value(-2.0) ** math.inf  # (-2)^inf has no real limit


def test_an_integer_too_large_for_a_float_is_refused_with_the_operation_named():
    with pytest.raises(OverflowError, match=r"^Value: int 1000000000.* is too large for a float"):
        Value(10**400)
    x = Value(2.0)
    with pytest.raises(OverflowError, match="too large for a float"):
        x * 10**400
    assert x.grad == 0.0 and x.data == 2.0
