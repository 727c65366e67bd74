"""Sym: each operation's derivative rule printed as text and LaTeX, and evaluated back to the
same numbers as the float rule (which shows that the printed formula *is* the rule used)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff import OPS, Sym, Value, power

from .strategies import op_arguments

X, OUT = Sym.var("x"), Sym.var("out")
DOT_NAMES = ("w1", "w2", "x1", "x2", "b")
A, B = Sym.var("a"), Sym.var("b")


def rule(op, *inputs):
    """The local derivatives of op, symbolically, with the output called `out`."""
    return op.derivative(*inputs, OUT)


def text_and_latex(d):
    return (d.text(), d.latex()) if isinstance(d, Sym) else d


# What a teacher writes for each rule: d(out)/d(input), as (text, LaTeX); plain numbers stay numbers.
EXPECTED = {
    "add": [1.0, 1.0],
    "sub": [1.0, -1.0],
    "mul": [("b", "b"), ("a", "a")],
    "div": [("1/b", r"\frac{1}{b}"), ("−a/b²", r"\frac{-a}{b^{2}}")],
    "neg": [-1.0],
    "powv": [("b·a^(b − 1)", r"b \cdot a^{b - 1}"), ("out·log(a)", r"out \cdot \ln\left(a\right)")],
    "exp": [("out", "out")],
    "log": [("1/x", r"\frac{1}{x}")],
    "tanh": [("1 − out²", "1 - out^{2}")],
    "sigmoid": [("out(1 − out)", r"out \left(1 - out\right)")],
    "relu": [("step(x)", r"\mathbb{1}\left(x\right)")],
    "dot": [("x1", "x1"), ("x2", "x2"), ("w1", "w1"), ("w2", "w2"), 1.0],  # inputs w1 w2 x1 x2 b
}


@pytest.mark.parametrize("name", EXPECTED)
def test_each_rule_prints_as_text_and_latex(name):
    op = OPS[name]
    inputs = tuple(map(Sym.var, DOT_NAMES)) if op.arity is None else (A, B) if op.arity == 2 else (X,)
    assert [text_and_latex(d) for d in rule(op, *inputs)] == EXPECTED[name]


def test_sigmoid_rule_with_a_layer_name_reads_as_in_a_textbook():
    assert OPS["sigmoid"].derivative(Sym.var("z1"), Sym.var("A1"))[0].text() == "A1(1 − A1)"


@pytest.mark.parametrize(
    "n, text, latex",
    [
        (2, "2x", "2 x"),
        (3, "3x²", "3 x^{2}"),
        (10, "10x⁹", "10 x^{9}"),
        (-1, "−x⁻²", "-x^{-2}"),
        (0.5, "0.5x^(-0.5)", "0.5 x^{-0.5}"),
        (1.5, "1.5x^0.5", "1.5 x^{0.5}"),
    ],
)
def test_pow_rule_prints_as_text_and_latex(n, text, latex):
    (d,) = rule(power(n), X)
    assert (d.text(), d.latex()) == (text, latex)


def test_pow_rule_for_trivial_exponents_is_a_plain_number():
    (d1,) = rule(power(1), X)
    assert (d1.text() if isinstance(d1, Sym) else d1) in ("1", 1, 1.0)
    (d0,) = rule(power(0), X)
    assert (d0.text() if isinstance(d0, Sym) else d0) in ("0", 0, 0.0)


# --- the symbolic rule evaluates to the float rule --------------------------------------------

def all_rules():
    names = list(OPS)
    return st.one_of(
        st.sampled_from(names).map(lambda n: (n, OPS[n])),
        st.sampled_from([2, 3, -1, -2, 0.5, 1.5, -0.5]).map(lambda e: ("pow", power(e))),
    )


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_symbolic_rule_evaluates_to_the_float_rule(data):
    name, op = data.draw(all_rules())
    if name == "pow":
        exponent = op.exponent
        args = data.draw(op_arguments("log" if exponent != int(exponent) or exponent < 0 else "neg"))
    else:
        args = data.draw(op_arguments(name))
    out = op.forward(*args)
    numeric = op.derivative(*args, out)
    names = [f"in{i}" for i in range(len(args))] if op.arity is None else ["a", "b"] if op.arity == 2 else ["x"]
    symbolic = op.derivative(*(Sym.var(n) for n in names), OUT)
    env = dict(zip(names, args), out=out)
    assert len(numeric) == len(symbolic) == len(args) == (op.arity or len(args))
    for sym, num in zip(symbolic, numeric):
        value = sym.evaluate(env) if isinstance(sym, Sym) else sym
        # the same arithmetic, possibly grouped differently: a few roundings apart
        assert value == pytest.approx(num, rel=1e-13, abs=1e-300)
        if isinstance(sym, Sym):
            assert sym.names() <= set(env)


def test_the_same_rule_on_values_is_differentiable():
    # The rule run on Values builds a graph: its value is the float rule's number.
    x = Value(0.7)
    out = x.sigmoid()
    (d,) = OPS["sigmoid"].derivative(x, out)
    assert isinstance(d, Value) and d.data == out.local_grads[0]


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_dot_applied_to_symbols_writes_the_weighted_sum_and_evaluates_to_forward(data):
    args = data.draw(op_arguments("dot"))
    names = [f"v{i}" for i in range(len(args))]
    expr = OPS["dot"].apply(*map(Sym.var, names))
    n = len(args) // 2  # n weights, n inputs, maybe a bias
    pairs = " + ".join(f"v{k}·v{n + k}" for k in range(n))
    assert expr.text() == (pairs + f" + v{len(args) - 1}" if len(args) % 2 else pairs)
    assert expr.evaluate(dict(zip(names, args))) == pytest.approx(OPS["dot"].forward(*args), rel=1e-13, abs=1e-12)


# --- Sym itself -----------------------------------------------------------------------------------

def test_simplification_of_zeros_ones_and_numbers():
    assert (X * 1).text() == "x" and (1 * X).text() == "x"
    assert (X + 0).text() == "x" and (0 + X).text() == "x" and (X - 0).text() == "x"
    assert (X * 0).text() == "0" and (0 * X).text() == "0"
    assert (X**1).text() == "x" and (X**0).text() == "1" and (X / 1).text() == "x"
    assert (Sym.num(2) * 3).text() == "6" and (X * -1).text() == "−x" and (-(-X)).text() == "x"
    assert (X * 2).text() == "2x"  # numbers first
    assert (0 - X).text() == "−x" and (X + -Y()).text() == "x − y"


def Y() -> Sym:
    return Sym.var("y")


def test_parentheses_follow_precedence():
    x, y, z = X, Y(), Sym.var("z")
    assert ((x + y) * z).text() == "(x + y)·z"
    assert (x * (y + z)).text() == "x(y + z)"
    assert (x - (y - z)).text() == "x − (y − z)"
    assert ((x - y) - z).text() == "x − y − z"
    assert (x / (y * z)).text() == "x/(y·z)"
    assert ((x + y) ** 2).text() == "(x + y)²"
    assert ((x + y) ** 2).latex() == r"\left(x + y\right)^{2}"
    assert (x / (y + z)).latex() == r"\frac{x}{y + z}"
    assert (-(x + y)).text() == "−(x + y)"
    assert x.sigmoid().tanh().text() == "tanh(σ(x))"
    assert x.exp().log().latex() == r"\ln\left(\exp\left(x\right)\right)"


def test_evaluate_names_and_errors():
    e = (X * Y() + Sym.num(0.5)).exp() / X.sigmoid()
    assert e.names() == {"x", "y"}
    x, y = 0.3, -1.2
    assert e.evaluate({"x": x, "y": y}) == pytest.approx(math.exp(x * y + 0.5) * (1 + math.exp(-x)), rel=1e-14)
    with pytest.raises(KeyError, match="y"):
        e.evaluate({"x": 1.0})
    with pytest.raises(TypeError, match="str"):
        X + "y"
    with pytest.raises(TypeError, match="bool"):
        X * True
    assert str(X**2) == "x²" and repr(X**2) == "Sym('x²')"


def test_signs_are_pulled_in_front_of_products():
    x, a, b = Sym.var("x"), Sym.var("a"), Sym.var("b")
    assert (2 * (-x)).text() == "−2x"  # never "2−x", which reads as a subtraction
    assert (2 * (-x) + 3).text() == "−2x + 3"
    assert ((-a) * b).text() == "−a·b"
    assert (-3 * x).text() == "−3x"
    assert (-(a + b)).text() == "−(a + b)"
    assert (-(x**2)).text() == "−x²"
    for e in (2 * (-x) + 3, (-a) * b - x, -3 * x / (a - b)):
        env = {"x": 1.5, "a": -0.25, "b": 2.0}
        assert e.evaluate(env) == pytest.approx(eval(e.text().replace("−", "-").replace("·", "*")
                                                     .replace("²", "**2").replace("2x", "2*x")
                                                     .replace("3x", "3*x"), {}, env), rel=1e-15)


# --- issue 12: evaluation by the op table's rules, numbers that are not finite ------------------

def test_evaluate_names_the_step_that_has_no_real_value():
    from autodiff.symbolic import EvaluationError

    x = Sym.var("x")
    for expr, env, words in [(x.log(), {"x": 0.0}, r"log\(0.0\) is not defined"), (1 / x, {"x": 0.0}, "division by zero"),
                             (x ** Sym.num(0.5), {"x": -1.0}, "not a real number")]:
        with pytest.raises(EvaluationError, match=words) as info:
            expr.evaluate(env)
        assert info.value.node is expr  # the step that has no value


def test_numbers_without_a_real_fold_stay_symbolic():
    folded = Sym.num(-1) ** 0.5  # (−1)^0.5 has no real value: no complex number inside a Sym
    assert folded.kind == "pow" and folded.text() == "(-1)^0.5"
    assert (Sym.num(1) / 0).kind == "div"


@pytest.mark.parametrize("x, text", [(math.inf, "inf"), (-math.inf, "-inf"), (math.nan, "nan")])
def test_infinite_and_nan_numbers_print(x, text):
    from autodiff.symbolic import format_number
    from autodiff.terms import terms_sym

    assert format_number(x) == text
    assert Sym.num(x).text() == text
    assert terms_sym([(x, (Sym.var("a"),))]).text() == {"inf": "inf·a", "-inf": "−inf·a", "nan": "nan·a"}[text]


def test_evaluate_uses_the_op_table_s_forward_rules_so_overflow_is_inf_as_in_the_engine():
    from autodiff import Value

    x = Sym.var("x")
    assert x.exp().evaluate({"x": 800.0}) == math.inf == Value(800.0).exp().data
    assert (x ** Sym.num(400)).evaluate({"x": 10.0}) == math.inf == (Value(10.0) ** 400).data
    assert (x ** Sym.num(401)).evaluate({"x": -10.0}) == -math.inf == (Value(-10.0) ** 401).data
