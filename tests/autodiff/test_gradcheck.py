"""gradcheck itself, and gradcheck applied to random expression DAGs built from every operation,
at first and second order."""

from __future__ import annotations

import math
from typing import Callable

import pytest
from hypothesis import assume, find, given, settings

from autodiff import GradcheckError, Value, grad, gradcheck, ops

from .strategies import ALL_OPS, checkable_cases, expressions, is_checkable

# --- tolerances, per operation mix ------------------------------------------------------------
#
# A central difference with step h has two errors: truncation ~ h²·|f′′′|/6, and rounding
# ~ 1e-16·|f|/h (each evaluation of f is a few ulp off). The DAGs keep every node within +-30
# (strategies.MAX_MAGNITUDE), so |f| is at most a few hundred and slopes stay moderate.
# The worst errors quoted are |analytic - numeric| / (1 + |numeric|), measured over more than
# ten thousand random DAGs per mix while choosing these numbers.
#
# First order, h = 1e-6 (truncation ~1e-13·|f′′′|, rounding ~1e-10·|f|): worst seen 1e-8 for
#   every mix, so atol = rtol = 1e-6 leaves a factor 100 against flakiness, while a rule off
#   by 0.1% is still caught (test_the_dag_tolerances_catch_a_rule_off_by_a_tenth_of_a_percent).
# Second order differences the *first derivatives*, which are sums of many rounded products,
#   so rounding is larger; h = 1e-5 balances it against truncation (with h = 1e-4 truncation
#   dominated: worst 3e-6). The same call re-checks first order at h = 1e-5 (error ~1e-10).
#   - polynomial (+ − × and negation, numbers on either side, dot): smooth, low degree,
#     worst seen 2e-9, so 1e-7.
#   - rational (÷ and negative powers, of x² + 0.5): 1/(x² + 0.5)ⁿ has large higher
#     derivatives, worst seen 4e-7, so 1e-5.
#   - transcendental (exp log tanh sigmoid, Value exponents, 2**x): worst seen 1e-7, so 1e-6.
#   - every operation, relu included (relu inputs stay >= 0.05 from the kink, far beyond
#     h times the slopes in these graphs): it contains the rational mix, so 1e-5.
# A wrong rule is off by O(1) (a sign, a factor, a missing term), far above all of these.
FIRST = dict(eps=1e-6, atol=1e-6, rtol=1e-6)
MIXES = {
    "polynomial": (("add", "sub", "mul", "neg", "radd", "rsub", "rmul", "dot"), dict(eps=1e-5, atol=1e-7, rtol=1e-7)),
    "rational": (("add", "sub", "mul", "div", "rdiv", "pow", "neg"), dict(eps=1e-5, atol=1e-5, rtol=1e-5)),
    "transcendental": (
        ("add", "mul", "exp", "log", "tanh", "sigmoid", "powv", "rpow"),
        dict(eps=1e-5, atol=1e-6, rtol=1e-6),
    ),
    "all": (ALL_OPS, dict(eps=1e-5, atol=1e-5, rtol=1e-5)),
}
SECOND_ALL = MIXES["all"][1]


def _check_dag(case, second: dict) -> None:
    expr, point = case
    assert gradcheck(expr, point, **FIRST) is True
    assert gradcheck(expr, point, second_order=True, **second) is True


@settings(max_examples=40, deadline=None)
@given(checkable_cases(MIXES["polynomial"][0]))
def test_random_polynomial_dags_pass_gradcheck_at_first_and_second_order(case):
    _check_dag(case, MIXES["polynomial"][1])


@settings(max_examples=40, deadline=None)
@given(checkable_cases(MIXES["rational"][0]))
def test_random_rational_dags_pass_gradcheck_at_first_and_second_order(case):
    _check_dag(case, MIXES["rational"][1])


@settings(max_examples=40, deadline=None)
@given(checkable_cases(MIXES["transcendental"][0]))
def test_random_transcendental_dags_pass_gradcheck_at_first_and_second_order(case):
    _check_dag(case, MIXES["transcendental"][1])


@settings(max_examples=100, deadline=None)
@given(checkable_cases(ALL_OPS))
def test_random_dags_of_every_operation_pass_gradcheck_at_first_and_second_order(case):
    _check_dag(case, SECOND_ALL)


@pytest.mark.parametrize("op", ALL_OPS)
def test_each_operation_inside_random_dags_passes_gradcheck(op):
    # DAGs made of this one operation and `mul` (which makes diamonds and nonlinearity),
    # so every operation is certainly exercised at first and second order.
    @settings(max_examples=12, deadline=None)
    @given(checkable_cases((op, "mul"), max_steps=6))
    def check(case):
        assume(op in case[0].ops)
        _check_dag(case, SECOND_ALL)

    check()


def test_the_strategy_makes_diamonds_from_many_operations():
    # Not a property of the engine but of the test data: reused nodes and mixed operations occur.
    expr = find(expressions(), lambda e: e.has_diamond() and len(e.ops) >= 4)
    assert expr.has_diamond() and len(expr.steps) >= 4
    relu_dag = find(checkable_cases(), lambda case: "relu" in case[0].ops and case[0].has_diamond())
    assert is_checkable(*relu_dag)


# --- the tolerances above are not loose enough to hide a bug ------------------------------

def off_by(fraction: float, op: Callable[[Value], Value], order: int) -> Callable[[Value], Value]:
    """op with its first (order=1) or second (order=2) derivative wrong by `fraction`, value unchanged.

    The extra term is 0 at every point (x - x.data is 0), so finite differences do not see it,
    but its derivative is not: exactly what a wrong derivative rule in the table looks like.
    """

    def wrong(x: Value) -> Value:
        y = op(x)
        t = Value(x.data)
        if order == 1:
            d = grad(op(t), t)
            return y + (x - x.data) * (fraction * d)
        d2 = grad(grad(op(t), t, create_graph=True), t)
        return y + (x - x.data) ** 2 * (0.5 * fraction * d2)

    return wrong


SINGLE_OPS = {
    "sigmoid": (lambda x: x.sigmoid(), 0.7),
    "tanh": (lambda x: x.tanh(), 0.4),
    "exp": (lambda x: x.exp(), 1.3),
    "log": (lambda x: x.log(), 0.8),
    "pow -2": (lambda x: x**-2, 1.1),
    "pow 3": (lambda x: x**3, 1.2),
    "div": (lambda x: 1 / x, 0.9),
    "powv": (lambda x: x**x, 1.4),
    "rpow": (lambda x: 2**x, 0.6),
    "relu-mul": (lambda x: x.relu() * x, 0.5),
}


@pytest.mark.parametrize("name", SINGLE_OPS)
def test_the_dag_tolerances_catch_a_rule_off_by_a_tenth_of_a_percent(name):
    op, x = SINGLE_OPS[name]
    assert gradcheck(op, [x], **FIRST) and gradcheck(op, [x], second_order=True, **SECOND_ALL)
    with pytest.raises(GradcheckError, match="first derivatives"):
        gradcheck(off_by(1e-3, op, 1), [x], **FIRST)
    with pytest.raises(GradcheckError, match="second derivatives"):
        gradcheck(off_by(1e-3, op, 2), [x], second_order=True, **SECOND_ALL)


# --- gradcheck's own behaviour ----------------------------------------------------------------

def test_gradcheck_returns_true_for_correct_gradients():
    assert gradcheck(lambda x, y: (x * y).tanh() + y.exp() / x, [0.5, -0.3]) is True
    assert gradcheck(lambda x, y: (x * y).sigmoid() * x.log(), [Value(1.5), 0.2], second_order=True) is True
    assert gradcheck(lambda x: x, [1.0], second_order=True) is True  # first derivative is a constant
    assert gradcheck(lambda x, y: x * 2.0, [1.0, 2.0], second_order=True) is True  # y unused


def test_gradcheck_does_not_touch_the_inputs():
    x = Value(0.3, name="x")
    x.grad = 7.0
    gradcheck(lambda v: v.exp() * v, [x], second_order=True)
    assert x.data == 0.3 and x.grad == 7.0 and x.is_leaf


def test_a_wrong_derivative_is_reported_per_input_with_analytic_numeric_and_difference():
    x, y = Value(0.7, name="x"), Value(-0.2, name="y")

    def f(a: Value, b: Value) -> Value:
        # sigmoid(a)·b, but with a sigmoid whose derivative rule is wrong by +0.1
        s = a.sigmoid() + 0.1 * (a - a.data)
        return s * b

    with pytest.raises(GradcheckError) as caught:
        gradcheck(f, [x, y])
    assert isinstance(caught.value, AssertionError)
    message = str(caught.value)
    lines = message.splitlines()
    assert "first derivatives" in lines[0]
    assert all(word in lines[1] for word in ("input", "analytic", "numeric", "difference"))
    s = 1 / (1 + math.exp(-0.7))
    analytic_x, numeric_x = (s * (1 - s) + 0.1) * -0.2, s * (1 - s) * -0.2
    row_x = next(line for line in lines if line.split()[0] == "x")
    row_y = next(line for line in lines if line.split()[0] == "y")
    numbers_x = [float(v) for v in row_x.split()[1:4]]
    assert numbers_x == pytest.approx([analytic_x, numeric_x, analytic_x - numeric_x], rel=1e-6, abs=1e-9)
    assert "mismatch" in row_x and "mismatch" not in row_y  # y's derivative is right
    assert float(row_y.split()[1]) == pytest.approx(s, rel=1e-12)


def test_unnamed_inputs_are_labelled_by_position():
    with pytest.raises(GradcheckError, match=r"inputs\[1\].*mismatch"):
        gradcheck(lambda a, b: a * b + 0.5 * (b - b.data), [1.0, 2.0])


def test_a_wrong_second_derivative_is_detected():
    # x³ whose second derivative is off by 1 (first derivative correct at every point)
    def f(x: Value) -> Value:
        return x**3 + 0.5 * (x - x.data) ** 2

    assert gradcheck(f, [1.3]) is True  # first order cannot see it
    with pytest.raises(GradcheckError, match=r"second derivatives") as caught:
        gradcheck(f, [Value(1.3, name="x")], second_order=True)
    assert "d/dx d/dx" in str(caught.value) and "mismatch" in str(caught.value)


def test_a_wrong_mixed_second_derivative_is_detected():
    def f(x: Value, y: Value) -> Value:
        return x * y.exp() + (x - x.data) * (y - y.data)  # d²/dxdy off by 1

    with pytest.raises(GradcheckError, match="second derivatives"):
        gradcheck(f, [0.5, 0.2], second_order=True)


def test_a_sigmoid_whose_rule_is_one_percent_wrong_is_caught(monkeypatch):
    # Replace Value.sigmoid by one with the right values and a 1% wrong derivative, as a bug would.
    right = Value.sigmoid
    monkeypatch.setattr(Value, "sigmoid", lambda self: off_by(0.01, right, 1)(self))
    assert Value(0.3).sigmoid().data == right(Value(0.3)).data
    with pytest.raises(GradcheckError, match="first derivatives"):
        gradcheck(lambda x: x.sigmoid() * x, [0.3])
    monkeypatch.setattr(Value, "sigmoid", lambda self: off_by(0.01, right, 2)(self))
    assert gradcheck(lambda x: x.sigmoid() * x, [0.3]) is True
    with pytest.raises(GradcheckError, match="second derivatives"):
        gradcheck(lambda x: x.sigmoid() * x, [0.3], second_order=True)


def test_the_engine_takes_every_rule_from_the_one_table():
    x, y = Value(0.7), Value(1.3)
    made = {
        "add": x + y, "sub": x - y, "mul": x * y, "div": x / y, "neg": -x, "powv": x**y,
        "exp": x.exp(), "log": x.log(), "tanh": x.tanh(), "sigmoid": x.sigmoid(), "relu": x.relu(),
    }
    for name, node in made.items():
        op = ops.OPS[name]
        assert node.op is op
        assert node.data == op.forward(*(p.data for p in node.parents))
        assert node.local_grads == tuple(op.derivative(*(p.data for p in node.parents), node.data))
    cube = x**3
    assert cube.op is ops.power(3.0) and cube.local_grads == ops.power(3.0).derivative(0.7, cube.data)


@pytest.mark.parametrize(
    "f, inputs, kwargs, error, words",
    [
        (3.0, [1.0], {}, TypeError, "callable"),
        (lambda x: 2.0, [1.0], {}, TypeError, "return a Value"),
        (lambda x: x, [1.0], {"eps": 0.0}, ValueError, "eps"),
        (lambda x: x, [1.0], {"eps": -1e-6}, ValueError, "eps"),
        (lambda x: x, [1.0], {"eps": math.nan}, ValueError, "eps"),
        (lambda x: x, [1.0], {"eps": math.inf}, ValueError, "eps"),
        (lambda x: x, ["1.0"], {}, TypeError, "str"),
        (lambda x: x, [True], {}, TypeError, "bool"),
    ],
)
def test_gradcheck_rejects_bad_arguments_clearly(f, inputs, kwargs, error, words):
    with pytest.raises(error, match=words):
        gradcheck(f, inputs, **kwargs)


def test_a_nan_gradient_is_a_mismatch_not_a_pass():
    # |x| as sqrt(x²) at 0: the chain rule gives inf·0 = nan, the finite difference gives 0.
    with pytest.raises(GradcheckError, match="nan"):
        gradcheck(lambda x: (x * x) ** 0.5, [0.0])
