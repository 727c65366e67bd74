"""sin, cos, sqrt and abs: hand-worked values and derivatives (first and second order), kinks and domains."""

import math

import pytest

from autodiff import OPS, Sym, Value, explain, grad, gradcheck


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
