"""define_op: a user's operation, from one forward and one derivative rule, works wherever a built-in does."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff import Operation, Value, animate, define_op, draw, explain, grad, gradcheck, ops
from autodiff.animation import frames
from nn import MLP


def _softplus_float(x: float) -> float:
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


softplus = define_op("softplus", _softplus_float, lambda x, out: (ops.sigmoid(x),), replace=True)
cube = define_op("cube", lambda x: x**3, lambda x, out: (3 * x**2,), symbol="³", replace=True)


def test_the_node_the_value_and_backward():
    x = Value(0.8, name="x")
    y = softplus(x)
    assert isinstance(softplus, Operation) and y.op is softplus.op and y.op.name == "softplus"
    assert y.parents == (x,) and y.data == math.log1p(math.exp(0.8))
    (y * y).backward()
    assert x.grad == pytest.approx(2 * y.data * (1 / (1 + math.exp(-0.8))), rel=1e-15)
    assert softplus(2.0).data == _softplus_float(2.0)  # a plain number becomes a constant leaf


def test_second_and_third_order_through_the_same_rule():
    x = Value(0.3)
    d1 = grad(softplus(x), x, create_graph=True)
    d2 = grad(d1, x, create_graph=True)
    s = 1 / (1 + math.exp(-0.3))
    assert d1.data == pytest.approx(s, rel=1e-15) and d2.data == pytest.approx(s * (1 - s), rel=1e-14)
    assert grad(d2, x) == pytest.approx(s * (1 - s) * (1 - 2 * s), rel=1e-13)
    c = Value(1.5)
    dc = grad(grad(cube(c), c, create_graph=True), c)
    assert dc == pytest.approx(6 * 1.5, rel=1e-15)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.floats(-4, 4), st.floats(-2, 2))
def test_gradcheck_at_first_and_second_order(a, b):
    f = lambda x, w: softplus(x * w) * cube(x) + w  # noqa: E731
    assert gradcheck(f, [a, b], eps=1e-5, atol=1e-5, rtol=1e-5, second_order=True)


def test_drawing_shows_its_symbol_and_edge_formula():
    x = Value(0.5, name="x")
    y = cube(softplus(x))
    y.name = "y"
    source = draw(y, edge_symbols=True).source
    assert "<softplus>" in source and "<³>" in source  # the symbol in each operation's node
    assert "σ(x)" in source and "3q₁²" in source  # each edge's rule, printed from the one rule
    assert "<I>q₁</I>" in source  # softplus(x), unnamed, is drawn with the label the derivations use


def test_explain_prints_the_rule_in_text_and_latex():
    x = Value(0.5, name="x")
    y = softplus(x) * x
    y.name = "y"
    e = explain(y, x)
    assert e.value == pytest.approx(grad(y, x), rel=1e-15)
    assert "where q₁ = softplus(x)" in e.text() and "σ(x)" in e.text()  # the unnamed node, by its automatic name
    assert r"q_{1} = \operatorname{softplus}\left(x\right)" in e.latex()


def test_animation_frames_and_page(tmp_path):
    x = Value(-0.25, name="x")
    y = softplus(x)
    y.name = "y"
    steps = frames(y)
    assert len(steps) == 2 and steps[1].formula.text() == "σ(x)"
    assert "softplus node 'y'" in steps[1].caption
    page = animate(y, tmp_path / "page.html")
    assert "softplus" in page.read_text()


def test_an_mlp_with_it_as_activation_trains_saves_and_loads(tmp_path):
    m = MLP(2, [3, 1], activations=[softplus, "linear"], seed=1)
    assert repr(m) == "MLP(2 -> 3 softplus -> 1 linear, with bias)"
    out = m([0.5, -1.0])
    hidden = out.parents[3:6]  # the output's dot node: 3 weights, the 3 hidden activations, its bias
    assert [h.op.name for h in hidden] == ["softplus"] * 3 and all(h.parents[0].op.name == "dot" for h in hidden)
    out.backward()
    m.save(tmp_path / "m.json")
    other = MLP(2, [3, 1], activations=["softplus", "linear"], seed=2)  # by name, once defined
    other.load(tmp_path / "m.json")
    assert other.state_dict() == m.state_dict() and other([0.5, -1.0]).data == out.data
    assert list(m.clusters(out)) == ["neuron L1.N1", "neuron L1.N2", "neuron L1.N3", "neuron L2.N1"]


# --- errors --------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, message", [
    (dict(name="exp"), ValueError, "'exp' is the name of a built-in operation or function"),
    (dict(name="sigma"), ValueError, "'sigma' is the name of a built-in"),
    (dict(name="sin"), ValueError, "'sin' is the name of a built-in"),
    (dict(name="softplus"), ValueError, "an operation 'softplus' is already defined \\(pass replace=True"),
    (dict(name="two words"), ValueError, "name must be an identifier"),
    (dict(name=""), ValueError, "name must be an identifier"),
    (dict(name="lambda"), ValueError, "name must be an identifier"),
    (dict(derivative=lambda x, out: (1.0, 2.0)), ValueError, "the derivative rule returned 2 derivatives for an operation of 1 input"),
    (dict(derivative=lambda x, out: ()), ValueError, "returned 0 derivatives"),
    (dict(derivative=lambda x, out: out), ValueError, "must return a tuple \\(d out/d x,\\), got Sym"),
    (dict(derivative=lambda x, out: (math.exp(x),)), TypeError, "must work on symbols as well as floats.*ops.exp.*raised TypeError"),
    (dict(derivative=lambda x, out: ("1",)), TypeError, "returned str '1', not a number or an expression"),
    (dict(derivative=lambda x: (1.0,)), TypeError, "the derivative rule takes 1 arguments; it must be derivative\\(x, out\\)"),
    (dict(forward=lambda x, y, z: x), TypeError, "the forward rule takes 3 arguments; an operation has one or two inputs"),
    (dict(forward=lambda x, y: x), TypeError, "the derivative rule takes 2 arguments; it must be derivative\\(a, b, out\\)"),
    (dict(forward=lambda a, b: a, derivative=lambda a, b, out: (1.0,)), ValueError, "returned 1 derivatives for an operation of 2 inputs"),
    (dict(arity=3), ValueError, "arity must be 1 or 2, got 3"),
    (dict(forward=3.0), TypeError, "the forward rule must be callable, got float"),
    (dict(symbol=""), ValueError, "symbol must be a non-empty str"),
])
def test_bad_definitions_are_refused_with_a_clear_error(kwargs, error, message):
    arguments = dict(name="mine", forward=lambda x: 2 * x, derivative=lambda x, out: (2.0,))
    arguments.update(kwargs)
    with pytest.raises(error, match=message):
        define_op(arguments.pop("name"), **arguments)
    assert "mine" not in ops.USER_OPS


def test_bad_calls_and_bad_forward_results():
    with pytest.raises(TypeError, match="softplus: expected a Value or a real number, got str 'a'"):
        softplus("a")  # type: ignore[arg-type]
    bad = define_op("badforward", lambda x: "oops", lambda x, out: (1.0,), replace=True)  # type: ignore[arg-type,return-value]
    with pytest.raises(TypeError, match="badforward: the forward rule's result: expected a real number"):
        bad(1.0)
    half = define_op("halfbad", lambda x: x, lambda x, out: (x,) if not isinstance(x, float) else ("x",), replace=True)
    with pytest.raises(TypeError, match="halfbad: the derivative rule's result: expected a real number"):
        half(1.0)


def test_redefining_with_new_rules_uses_the_new_rules_everywhere():
    # Ops compare by name: cached facts about the first definition must not answer for the second
    from autodiff.expression import build_expression

    define_op("scaled", lambda x: 2 * x, lambda x, out: (2.0,), replace=True)
    assert build_expression("scaled(a)", {"a": 1.0}).data == 2.0
    again = define_op("scaled", lambda x: 3 * x, lambda x, out: (3.0,), replace=True)
    a = Value(1.0)
    y = again(a)
    y.backward()
    assert (y.data, a.grad) == (3.0, 3.0)
    built = build_expression("scaled(a)", {"a": 1.0})
    built.backward()
    assert built.data == 3.0 and built.local_grads == (3.0,)


def test_redefining_with_replace_makes_a_new_operation():
    first = define_op("twice", lambda x: 2 * x, lambda x, out: (2.0,), replace=True)
    again = define_op("twice", lambda x: 2 * x + 0.0, lambda x, out: (2.0,), replace=True)
    assert first.op is not again.op and ops.USER_OPS["twice"] is again
    assert again(Value(1.5)).data == 3.0 and repr(again) == "<operation 'twice' (twice), made with define_op>"


def test_the_readme_example_runs_as_written():
    import re
    import subprocess
    import sys
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Your own operations (`define_op`)")[1].split("\n## ")[0]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert code.count("define_op(") == 1 and "gradcheck" in code and "draw(" in code and "explain(" in code
    code += "\nsource = draw(y, edge_symbols=True).source\nassert '<softplus>' in source and 'σ(x)<BR/>= 0.6225' in source\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)  # a fresh registry
    assert result.returncode == 0, result.stderr
    assert "where q₁ = softplus(x)" in result.stdout and "= x·σ(x)" in result.stdout
    assert "= 1.28530664978103" in result.stdout


# --- formulas: the checker and the expression builder know the new functions and define_op's ----

def test_check_formula_reads_a_defined_operation_by_name():
    from autodiff import check_formula

    x = Value(0.5, name="x")
    y = softplus(x) * x
    y.name = "y"
    assert check_formula(y, "x", "softplus(x) + x*σ(x)").ok
    verdict = check_formula(y, "x", "softplus(x) + σ(x)")
    assert not verdict.ok and "WRONG" in str(verdict)


def test_check_formula_reads_sin_cos_sqrt_and_abs():
    from autodiff import check_formula

    x = Value(0.7, name="x")
    y = x.sin() * x.cos() + x.sqrt() + abs(x)
    y.name = "y"
    assert check_formula(y, "x", "cos(x)*cos(x) - sin(x)*sin(x) + 1/(2*sqrt(x)) + abs(x)/x").ok


def test_the_expression_builder_makes_nodes_of_the_new_functions_and_of_define_op():
    from autodiff.expression import build_expression

    out = build_expression("softplus(a) + sin(a)*cos(b) + sqrt(b) + abs(a - b)", {"a": -0.5, "b": 2.0})
    ops_used = {n.op.name for n in __import__("autodiff").topological_order(out) if n.op is not None}
    assert {"softplus", "sin", "cos", "sqrt", "abs"} <= ops_used
    expected = _softplus_float(-0.5) + math.sin(-0.5) * math.cos(2.0) + math.sqrt(2.0) + 2.5
    assert out.data == pytest.approx(expected, rel=1e-15)


def test_a_graph_with_a_defined_operation_pickles_by_name():
    import pickle

    x = Value(0.25, name="x")
    y = softplus(x) * x.sin()
    copy = pickle.loads(pickle.dumps(y))
    assert copy.data == y.data and copy.parents[0].op == softplus.op
    copy.backward()
    y.backward()
    assert [p.grad for p in copy.parents] == [p.grad for p in y.parents]
    with pytest.raises(KeyError, match="no operation named 'nosuchop' \\(an operation of define_op must be defined first\\)"):
        ops.find("nosuchop")


# --- two inputs --------------------------------------------------------------------------------

def _logaddexp_float(a: float, b: float) -> float:
    m = max(a, b)
    return m + math.log(math.exp(a - m) + math.exp(b - m))


# ln(e^a + e^b): its derivatives are e^(a − out) and e^(b − out), the softmax weights of a and b
logaddexp = define_op("logaddexp", _logaddexp_float, lambda a, b, out: (ops.exp(a - out), ops.exp(b - out)),
                      symbol="⊕", replace=True)


def test_a_two_input_operation_backward_grad_and_gradcheck():
    from autodiff import BinaryOperation

    a, b = Value(0.3, name="a"), Value(-1.2, name="b")
    y = logaddexp(a, b)
    assert isinstance(logaddexp, BinaryOperation) and y.op.arity == 2 and y.parents == (a, b)
    y.backward()
    wa, wb = math.exp(0.3) / (math.exp(0.3) + math.exp(-1.2)), math.exp(-1.2) / (math.exp(0.3) + math.exp(-1.2))
    assert a.grad == pytest.approx(wa, rel=1e-15) and b.grad == pytest.approx(wb, rel=1e-15)
    daa = grad(grad(logaddexp(a, b), a, create_graph=True), a)
    assert daa == pytest.approx(wa * (1 - wa), rel=1e-13)  # the softmax weight's own slope
    assert logaddexp(2.0, a).data == _logaddexp_float(2.0, 0.3) and logaddexp(a, 2).parents[1].data == 2.0
    assert gradcheck(lambda p, q: logaddexp(p * q, q) * p, [0.7, -0.4], second_order=True, eps=1e-5, atol=1e-6)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(st.floats(-3, 3), st.floats(-3, 3))
def test_a_two_input_operation_passes_gradcheck_at_both_orders(p, q):
    f = lambda x, y: logaddexp(softplus(x), x * y) + cube(y)  # noqa: E731
    assert gradcheck(f, [p, q], eps=1e-5, atol=1e-5, rtol=1e-5, second_order=True)


def test_a_two_input_operation_is_drawn_explained_animated_and_pickled(tmp_path):
    import pickle

    a, b = Value(0.3, name="a"), Value(-1.2, name="b")
    y = logaddexp(a, b)
    y.name = "y"
    source = draw(y, edge_symbols=True).source
    assert "<⊕>" in source and "exp(a − y)" in source and "exp(b − y)" in source
    z = logaddexp(a, b) * a
    z.name = "z"
    text = explain(z, b).text()
    assert "exp(b − q₁)" in text and "where q₁ = logaddexp(a, b)" in text
    assert explain(z, b).value == pytest.approx(grad(z, b), rel=1e-15)
    assert r"\operatorname{logaddexp}\left(a, b\right)" in explain(z, b).latex()
    steps = frames(y)
    assert [s.formula.text() for s in steps[1:]] == ["exp(a − y)", "exp(b − y)"]
    animate(y, tmp_path / "page.html")
    copy = pickle.loads(pickle.dumps(y))
    assert copy.op == logaddexp.op and copy.data == y.data


def test_a_formula_calls_a_two_input_operation_with_a_comma():
    from autodiff import check_formula
    from autodiff.expression import build_expression
    from autodiff.formula import FormulaError

    a, b = Value(0.3, name="a"), Value(-1.2, name="b")
    y = logaddexp(a, b) * a
    verdict = check_formula(y, "a", "exp(a - logaddexp(a, b))*a + logaddexp(a, b)")
    assert verdict.ok, verdict.text()
    assert not check_formula(y, "a", "exp(a - logaddexp(a, b))*a").ok
    with pytest.raises(FormulaError, match=r"logaddexp takes 2 input\(s\), got 1") as info:
        check_formula(y, "a", "logaddexp(a) + a")
    assert info.value.position == 0
    with pytest.raises(FormulaError, match=r"tanh takes 1 input\(s\), got 2"):
        check_formula(y, "a", "tanh(a, b)")
    built = build_expression("logaddexp(a, b) * a", {"a": 0.3, "b": -1.2})
    assert built.data == y.data
    built.backward()
    assert built.parents[0].op == logaddexp.op


def test_a_two_input_operation_is_not_an_activation():
    for bad in (logaddexp, "logaddexp"):
        with pytest.raises(ValueError, match="activation must be one of sigmoid, tanh, relu, linear or an operation of one input"):
            MLP(2, [1], activations=[bad])  # type: ignore[list-item]
