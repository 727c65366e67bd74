"""explain() and check_formula(): derivations, output formats, path limit, delta form, verdicts."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff import Value, dot
from autodiff.checking import check_formula
from autodiff.explanation import TooManyPathsError, explain
from autodiff.formula import FormulaError, parse_formula
from autodiff.labels import label_of
from autodiff.roles import mark_built
from tests.autodiff.strategies import checkable_cases

# --- hand-built graphs (independent of nn) -------------------------------------------------------

GOLDEN_004 = {"w11": 0.0009290711608096595, "w12": 0.0023890401277962678, "w21": 0.0028600757724454536,
              "w22": 0.007354480557716881, "w31": 0.027674034938717864, "w32": 0.027001636991007407}
GOLDEN_000 = {"W_1": -0.03820920831357194, "W_20": -0.2983869540954128, "b_1": -0.09064978889061868,
              "b_2": -0.47054125068077224}


def graph_004():
    x1, x2, y_t = Value(0.35, "x1"), Value(0.9, "x2"), Value(0.5, "y_t")
    w = {n: Value(v, n) for n, v in dict(w11=0.1, w12=0.8, w21=0.4, w22=0.6, w31=0.3, w32=0.9).items()}
    z1 = dot([w["w11"], w["w12"]], [x1, x2])  # one node per neuron, as the documents write z1
    z2 = dot([w["w21"], w["w22"]], [x1, x2])
    z1.name, z2.name = "z1", "z2"
    A1, A2 = z1.sigmoid(), z2.sigmoid()
    A1.name, A2.name = "A1", "A2"
    z3 = dot([w["w31"], w["w32"]], [A1, A2])
    z3.name = "z3"
    A3 = z3.sigmoid()
    A3.name = "A3"
    E = 0.5 * (A3 - y_t) ** 2
    E.name = "E"
    mark_built([E], [A3, y_t], loss=True)  # as nn's losses do: the loss is one step, ∂E/∂A3
    return E, w


def graph_000():
    a1, a2, t = Value(0.5, "a1"), Value(1.0, "a2"), Value(1.0, "t")
    W = {n: Value(v, n) for n, v in zip(["W_1", "W_2", "W_3", "W_4", "W_5", "W_6", "W_20", "W_21", "W_22"],
                                        [0.1, -0.2, 0.3, 0.4, 0.5, -0.6, 0.7, -0.8, 0.9])}
    b1, b2 = Value(0.1, "b_1"), Value(-0.2, "b_2")
    outs = []
    for j in (1, 2, 3):
        net = dot([W[f"W_{j}"], W[f"W_{j + 3}"]], [a1, a2], b1)
        net.name = f"net h{j}"
        out = net.sigmoid()
        out.name = f"Out h{j}"
        outs.append(out)
    net_o = dot([W["W_20"], W["W_21"], W["W_22"]], outs, b2)
    net_o.name = "net o1"
    y = net_o.sigmoid()
    y.name = "y"
    loss = -(t * y.log() + (1 - t) * (1 - y).log())
    loss.name = "Loss"
    mark_built([loss], [y, t], loss=True)
    return loss, {**W, "b_1": b1, "b_2": b2}


def values_of(root):
    from autodiff import topological_order
    return {n.name: n.data for n in topological_order(root) if n.name is not None}


# --- the path form --------------------------------------------------------------------------------

def test_004_path_form_reads_like_the_document():
    E, w = graph_004()
    e = explain(E, w["w11"])
    lines = e.text().splitlines()
    assert lines[0] == "∂E/∂w11 = ∂E/∂A3 · ∂A3/∂z3 · ∂z3/∂A1 · ∂A1/∂z1 · ∂z1/∂w11"
    assert lines[1].strip() == "= (A3 − y_t)·A3(1 − A3)·w31·A1(1 − A1)·x1"
    assert lines[-1].strip().startswith("= 0.00092907116")
    assert e.path_count == 1 and len(e.paths) == 1
    E.backward()
    assert e.value == w["w11"].grad
    assert e.value == pytest.approx(GOLDEN_004["w11"], rel=1e-14)
    assert [f.chain() for f in e.paths[0].factors][0] == "∂E/∂A3"


def test_node_may_be_given_by_name_and_no_grad_is_changed():
    E, w = graph_004()
    e = explain(E, "w32")
    assert w["w32"].grad == 0.0  # explain does not run backward
    assert e.value == pytest.approx(GOLDEN_004["w32"], rel=1e-14)
    with pytest.raises(ValueError, match="no node named 'nope'"):
        explain(E, "nope")


@pytest.mark.parametrize("builder", [graph_004, graph_000])
def test_every_symbolic_factor_evaluates_to_its_number(builder):
    root, params = builder()
    vals = values_of(root)
    for p in params.values():
        e = explain(root, p)
        for path in e.paths:
            for f in path.factors:
                assert f.symbol.evaluate(vals) == pytest.approx(f.value, rel=1e-12, abs=1e-15)
            assert path.value == pytest.approx(math.prod(f.value for f in path.factors), rel=1e-15)


def test_000_shared_bias_has_three_paths_and_loss_factor_is_folded():
    loss, p = graph_000()
    e = explain(loss, p["b_1"])
    assert e.path_count == 3
    assert [path.route() for path in e.paths] == [
        f"Loss → y → net o1 → Out h{j} → net h{j} → b_1" for j in (1, 2, 3)]
    assert e.paths[0].value == pytest.approx(-0.07641841662714388, rel=1e-13)
    assert e.path_sum == pytest.approx(GOLDEN_000["b_1"], rel=1e-13)
    assert e.value == pytest.approx(GOLDEN_000["b_1"], rel=1e-14)
    # the unnamed pieces of the BCE loss fold into one factor: ∂Loss/∂y
    assert e.paths[0].factors[0].symbol.text() in ("(1 − t)/(1 − y) − t/y", "−t/y + (1 − t)/(1 − y)")
    assert "path 3" in e.text() and e.text().rstrip().endswith("−0.0906497888906187")


def test_numbers_fold_half_times_two():
    E, w = graph_004()
    factor = explain(E, w["w31"]).paths[0].factors[0]
    assert factor.symbol.text() == "A3 − y_t"  # ½·2(A3 − y_t)·1 folded


# --- output formats -------------------------------------------------------------------------------

def test_markdown_and_latex():
    E, w = graph_004()
    e = explain(E, w["w11"])
    md = e.markdown()
    assert "| path | chain rule | symbolic | numeric | value |" in md
    assert "`(A3 − y_t)·A3(1 − A3)·w31·A1(1 − A1)·x1`" in md
    tex = e.latex()
    assert tex.startswith("\\begin{aligned}") and tex.endswith("\\end{aligned}")
    assert r"\frac{\partial E}{\partial w_{11}}" in tex
    assert r"\left(A_{3} - y_{t}\right) \cdot A_{3} \left(1 - A_{3}\right) \cdot w_{31}" in tex


def test_latex_names_with_spaces_and_delta_markdown():
    loss, p = graph_000()
    e = explain(loss, p["b_1"])
    assert r"\text{net}\,h_{1}" in e.latex() and r"\text{Out}\,h_{1}" in e.latex()
    d = explain(loss, p["b_1"], form="delta")
    assert "| δ | chain rule | symbolic | numeric | value |" in d.markdown()
    assert r"\delta_{\text{net}\,h_{1}}" in d.latex()
    assert str(d) == d.text()


# --- the path limit and the delta form ----------------------------------------------------------

def doubling_graph(k):
    """k diamonds in a row: v → (a = 2v, b = 3v) → a + b, so 2**k paths and d(out)/dx = 5**k."""
    x = Value(1.5, "x")
    v = x
    for i in range(k):
        a, b = 2 * v, 3 * v
        a.name, b.name = f"a{i}", f"b{i}"
        v = a + b
        v.name = f"v{i}"
    return v, x


def test_path_limit_refuses_and_points_to_delta():
    out, x = doubling_graph(7)  # 2**7 = 128 paths
    with pytest.raises(TooManyPathsError, match=r"128 paths.*max_paths=64.*form='delta'"):
        explain(out, x)
    assert explain(out, x, max_paths=200).path_count == 128
    d = explain(out, x, form="delta")
    out.backward()
    assert d.value == x.grad == 5.0**7
    assert d.deltas[-1].value == 5.0**7
    assert len(d.text().splitlines()) == 1 + 3 * 7  # three δ per diamond: short although paths multiply
    with pytest.raises(ValueError, match="max_paths"):
        explain(out, x, max_paths=0)
    with pytest.raises(ValueError, match="form"):
        explain(out, x, form="tree")


def test_delta_form_lines_004():
    E, w = graph_004()
    text = explain(E, w["w11"], form="delta").text().splitlines()
    assert text[1] == "δ(A3) = ∂E/∂A3 = A3 − y_t = 0.190283"
    assert text[2].startswith("δ(z3) = δ(A3)·∂A3/∂z3 = δ(A3)·A3(1 − A3) = ")
    assert text[-1].startswith("∂E/∂w11 = δ(z1)·∂z1/∂w11 = δ(z1)·x1 = ")


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_delta_form_agrees_with_backward_on_every_reference_parameter(seed):
    from nn.reference import build
    case = build(seed)
    loss = case.loss()
    loss.backward()
    for name, p in case.model.named_parameters():
        d = explain(loss, p, form="delta")
        assert d.value == p.grad
        assert d.deltas[-1].value == pytest.approx(p.grad, rel=1e-12, abs=1e-15)
        assert d.value == pytest.approx(case.expected_gradients[name], rel=1e-12, abs=1e-15)
        if d.path_count <= 64:
            assert explain(loss, p).path_sum == pytest.approx(p.grad, rel=1e-12, abs=1e-15)


def test_unrelated_node_has_zero_gradient():
    E, w = graph_004()
    stray = Value(2.0, "stray")
    e = explain(E, stray)
    assert e.value == 0.0 and e.path_count == 0 and "does not depend" in e.text()
    assert explain(E, E).value == 1.0


# --- the formula checker --------------------------------------------------------------------------

def test_right_formula_is_ok():
    E, w = graph_004()
    v = check_formula(E, w["w11"], "(A3 - y_t)*A3*(1-A3)*w31*A1*(1-A1)*x1")
    assert v.ok and bool(v)
    assert v.formula_value == pytest.approx(v.gradient, rel=1e-12)
    assert len(v.matched_paths) == 1 and not v.missing_paths
    # implicit multiplication, Unicode operators, ^ and **, σ
    assert check_formula(E, "w11", "(A3 − y_t)·A3(1 − A3)×w31 A1(1-A1) x1").ok
    assert check_formula(E, "w31", "(A3 - y_t) * σ(z3)*(1-sigma(z3)) * A1").ok
    assert check_formula(E, "A3", "2*(1/2)*(A3 - y_t)^1").ok
    assert check_formula(E, "z3", "((A3-y_t)**2/(A3-y_t)) * A3(1-A3)").ok
    half = check_formula(E, "z3", "((A3-y_t)**2/2/(A3-y_t)) * A3(1-A3)")
    assert not half.ok and "extra factor 0.5" in half.explanation


def test_missing_path_of_the_shared_bias():
    loss, p = graph_000()
    v = check_formula(loss, p["b_1"], "(y-t)*W_20*sigmoid(net h1)*(1-sigmoid(net h1))")
    assert not v.ok
    assert v.formula_value == pytest.approx(-0.07641841662714388, rel=1e-13)
    assert [q.index for q in v.matched_paths] == [1]
    assert [q.index for q in v.missing_paths] == [2, 3]
    assert "misses path 2 (Loss → y → net o1 → Out h2 → net h2 → b_1)" in v.explanation


def test_wrong_factor_document_000_formula_4():
    loss, p = graph_000()
    v = check_formula(loss, p["b_1"], "(y-t)*net h1*sigmoid(net h1)*W_20")
    assert v.formula_value == pytest.approx(-0.11487897732673394, rel=1e-13)  # golden document_formula_checks
    assert not v.ok
    assert [q.index for q in v.matched_paths] == [1] and len(v.missing_paths) == 2
    (off,) = v.off_factors
    assert off.formula_text == "net h1·σ(net h1)"
    assert off.path_symbolic == "Out h1(1 − Out h1)"
    assert "∂Out h1/∂net h1" in v.explanation


def test_sign_slip_and_wrong_last_factor_document_000_formula_2():
    loss, p = graph_000()
    v = check_formula(loss, "W_1", "(-y-t)/(y(1-y)) * y(1-y) * W_20 * sigmoid(net h1)*(1-sigmoid(net h1)) * δ_1",
                      aliases={"δ_1": "net h1"})
    assert not v.ok
    assert [o.formula_text for o in v.off_factors] == ["(−y − t)", "δ_1"]
    assert v.off_factors[1].path_symbolic == "a1"
    assert "δ(net o1)" in v.off_factors[0].note


def test_mislabelled_formula_names_the_right_parameter():
    loss, p = graph_000()
    v = check_formula(loss, "b_1", "(y-t)/((1-y)*y)*(1-y)*y*1")
    assert not v.ok and "b_2" in v.same_as


def test_delta_references_and_unrelated_names():
    E, w = graph_004()
    assert check_formula(E, "w11", "δ(z1)*x1").ok
    assert check_formula(E, "A1", "delta(z3) * w31").ok
    v = check_formula(E, "w11", "δ(z2)*x1")
    assert not v.ok and v.unrelated_names == ("δ(z2)",)


@pytest.mark.parametrize("formula, token, position", [
    ("__import__('os')", "__import__", 0),
    ("x1; y", ";", 2),
    ("x1 + q", "q", 5),
    ("x1 + ", "", 5),
    ("(x1", "", 3),
    ("x1)", ")", 2),
    ("w11 @ x1", "@", 4),
    ("A3.__class__", ".", 2),
    ("exp x1", "x1", 4),
    ("δ(2)", "2", 2),
    ("", "", 0),
])
def test_refused_input_names_token_and_position(formula, token, position):
    E, w = graph_004()
    with pytest.raises(FormulaError) as caught:
        check_formula(E, "w11", formula)
    assert caught.value.token == token
    assert caught.value.position == position
    assert f"position {position + 1}" in str(caught.value)  # the message counts from 1, the field from 0


def test_parser_names_with_spaces_longest_match_and_aliases():
    s = parse_formula("net h1 * sigmoid(net h1) + neth2", ["net h1", "net h2", "net h"], {"neth2": "net h2"})
    assert s.names() == {"net h1", "net h2"}
    assert parse_formula("2x1", ["x1", "x"]).evaluate({"x1": 3.0}) == 6.0
    assert parse_formula("-x^2", ["x"]).evaluate({"x": 3.0}) == -9.0
    assert parse_formula("2^-1", []).evaluate({}) == 0.5
    with pytest.raises(FormulaError, match="unknown name 'x1y'"):
        parse_formula("x1y", ["x1", "y"])
    with pytest.raises(FormulaError, match="nests too deeply"):
        parse_formula("(" * 300 + "1" + ")" * 300, [])
    with pytest.raises(FormulaError, match="cannot be evaluated"):
        E, w = graph_004()
        check_formula(E, "w11", "x1/(A1-A1)")
    with pytest.raises(ValueError, match="alias"):
        check_formula(E, "w11", "x1", aliases={"q": "nothing"})


def test_parallel_edges_between_named_nodes_are_one_step():
    x = Value(3.0, "x")
    y = x * x  # two edges x → y: one step of the derivation, ∂y/∂x = x + x
    y.name = "y"
    e = explain(y, x)
    assert e.path_count == 1 and e.value == 6.0
    assert e.paths[0].factors[0].symbol.text() in ("2x", "x + x")


# --- the property: explain(...).value is backward's gradient, on random DAGs ------------------------

@settings(max_examples=80, deadline=None)
@given(checkable_cases(max_steps=10), st.randoms(use_true_random=False))
def test_explain_equals_backward_on_random_dags(case, rnd: random.Random):
    expr, point = case
    xs = [Value(v, f"x{i}") for i, v in enumerate(point)]
    nodes, _ = expr.nodes(xs)
    for i, n in enumerate(nodes[len(xs):]):
        if rnd.random() < 0.5:
            n.name = f"n{i}"
    out = None
    for i in expr.sinks():
        out = nodes[i] if out is None else out + nodes[i]
    out.backward()
    for x in xs:
        d = explain(out, x, form="delta")
        # The delta form adds the same terms in its own order, so where the gradient is a
        # cancellation (e.g. exactly 0 from backward, -7e-165 here) only the rounding scale,
        # Σ|path products|, bounds the difference.
        tolerance = 1e-12 * max(d.bound, 1e-300)
        assert abs(d.value - x.grad) <= max(tolerance, 1e-12 * abs(x.grad))
        if d.path_count:
            assert abs(d.deltas[-1].value - x.grad) <= tolerance
        if d.path_count <= 64:
            p = explain(out, x)
            assert p.value == pytest.approx(x.grad, rel=1e-12, abs=1e-300)
            assert abs(p.path_sum - x.grad) <= tolerance
            labels = label_of(out)  # the formulas write every node by its one label (a name, or q₁)
            vals = {labels(n): n.data for n in labels.order if labels(n) is not None}
            for path in p.paths:
                for f in path.factors:
                    assert math.isclose(f.symbol.evaluate(vals), f.value, rel_tol=1e-9, abs_tol=1e-9)


def test_top_level_names():
    import autodiff
    E, w = graph_004()
    assert autodiff.explain(E, "w11").value == pytest.approx(GOLDEN_004["w11"], rel=1e-14)
    assert autodiff.check_formula(E, "w32", "(A3-y_t)A3(1-A3)A2").ok


@pytest.mark.parametrize("named", [False, True])
def test_deep_chains_are_explained_without_recursion(named):
    # 3000 tanh steps: unnamed nodes are too deep to write out and are summarised; named ones
    # give a path of 6000 factors. Either way every format renders and the value is backward's.
    x = Value(0.5, "x")
    y = x
    for i in range(3000):
        y = (y * 1.0001).tanh()
        if named:
            y.name = f"t{i}"
    y.name = "y"
    y.backward()
    for form in ("delta", "paths"):
        e = explain(y, x, form=form)
        assert e.value == x.grad
        assert "∂y/∂x" in e.text() and e.latex() and e.markdown()
        assert not e.definitions  # 3000 automatic names on the way: no "where q₁ = …" list of them
