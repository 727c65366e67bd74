"""The notation learners write, and the tools print, is read: primes, e^x, step and sign, fractions, LaTeX,
a "did you mean" for unknown names, positions counted from 1, the engine's forward rules; and the round trip:
every formula the explainer and the drawing print is read back by the checker with the same value."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings

from autodiff import Value, check_formula, explain, topological_order
from autodiff.expression import build_expression
from autodiff.formatting import format_number, latex_name
from autodiff.formula import FormulaError, UnknownNameError, parse_formula, suggest
from autodiff.labels import label_of
from autodiff.render import graph_symbols, edge_formula
from tests.autodiff.strategies import checkable_cases, partly_named_graphs


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


@pytest.mark.parametrize("written", ["σ'(z)", "σ′(z)", "sigmoid'(z)", "sigma'(z)", r"\sigma'(z)"])
def test_a_prime_is_the_operation_s_own_derivative(written: str) -> None:
    s = parse_formula(written, ["z"])
    assert s.text() == "σ(z)(1 − σ(z))"
    assert s.evaluate({"z": 0.3}) == pytest.approx(sigmoid(0.3) * (1 - sigmoid(0.3)), rel=1e-15)


@pytest.mark.parametrize("written, text, at, value", [
    ("relu'(z)", "step(z)", 0.3, 1.0),
    ("relu'(z)", "step(z)", -0.3, 0.0),
    ("tanh'(z)", "1 − tanh(z)²", 0.5, 1 - math.tanh(0.5) ** 2),
    ("exp'(z)", "exp(z)", 1.0, math.e),
    ("log'(z)", "1/z", 4.0, 0.25),
    ("abs'(z)", "sign(z)", -2.0, -1.0),
])
def test_other_primes(written: str, text: str, at: float, value: float) -> None:
    s = parse_formula(written, ["z"])
    assert s.text() == text and s.evaluate({"z": at}) == pytest.approx(value, rel=1e-15)


def test_a_relu_neuron_s_derivative_as_explain_prints_it_is_read_back() -> None:
    w, x = Value(0.5, "w"), Value(2.0, "x")
    z = w * x
    z.name = "z"
    y = z.relu()
    y.name = "y"
    y.backward()
    printed = explain(y, "w").paths[0].symbolic()  # type: ignore[index]
    assert printed == "step(z)·x"
    for answer in (printed, "relu'(z)·x", "step(z)*x", "sign(z)*x"):
        assert check_formula(y, "w", answer).ok, answer


def test_e_to_a_power_is_exp_unless_a_node_is_named_e() -> None:
    x = Value(0.7, "x")
    y = x.exp()
    y.name = "y"
    y.backward()
    verdict = check_formula(y, "x", "e^x")
    assert verdict.ok and "read as exp" in verdict.text()
    e = Value(3.0, "e")
    f = e * x
    f.name = "f"
    f.backward()
    verdict = check_formula(f, "x", "e^1")
    assert verdict.ok and "node e to a power" in verdict.text()
    notes: list[str] = []
    assert parse_formula("2e", [], notes=notes).evaluate({}) == 2 * math.e and "Euler" in notes[0]


@pytest.mark.parametrize("written, value", [("½x", 1.5), ("x·¾", 2.25), ("2½", 2.5), ("⅓ + x", 1 / 3 + 3)])
def test_vulgar_fractions(written: str, value: float) -> None:
    assert parse_formula(written, ["x"]).evaluate({"x": 3.0}) == pytest.approx(value, rel=1e-15)


def test_latex_names_and_commands() -> None:
    assert parse_formula(r"W_{20} \cdot \sigma(net h1)", ["W_20", "net h1"]).text() == "W_20·σ(net h1)"
    assert parse_formula(r"\left(a + b\right) \times c", list("abc")).text() == "(a + b)·c"
    assert parse_formula("e^{x}", ["x"]).text() == "exp(x)"
    with pytest.raises(FormulaError, match="write a/b"):
        parse_formula(r"\frac{a}{b}", ["a", "b"])


@pytest.mark.parametrize("typed, names, meant", [
    ("neth1", ["net h1", "x"], "net h1"),
    ("W20", ["W_20", "W_21"], "W_20"),
    ("Sigmoid(x)", ["x"], "sigmoid"),
    ("net h_1 + x", ["net h1", "x"], "net h1"),
    ("tahn(x)", ["x"], "tanh"),
])
def test_an_unknown_name_gets_a_did_you_mean(typed: str, names: list[str], meant: str) -> None:
    with pytest.raises(UnknownNameError) as info:
        parse_formula(typed, names)
    assert f"did you mean {meant!r}" in str(info.value)
    assert info.value.position == 0
    if typed.startswith("net h_1"):
        assert info.value.token == "net h_1"  # the whole name is blamed, not 'net'
    assert suggest("zzz", names) is None


def test_positions_in_messages_count_from_1_and_the_field_from_0() -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula("x + (", ["x"])
    assert info.value.position == 5 and "at position 6:" in str(info.value)
    assert str(info.value).splitlines()[-1] == "    " + " " * 5 + "^"


def test_the_checker_evaluates_with_the_engine_s_forward_rules() -> None:
    x = Value(800.0, "x")
    y = x.exp()  # inf in the engine, as in PyTorch
    y.name = "y"
    w = Value(2.0, "w")
    f = y * w
    f.name = "f"
    f.backward()
    assert y.data == math.inf and w.grad == math.inf
    verdict = check_formula(f, "w", "exp(x)")  # the right formula was refused before
    assert verdict.ok and verdict.formula_value == math.inf


def test_minus_zero_prints_as_zero() -> None:
    for style in ("drawing", "symbolic", "derivation"):
        assert format_number(-0.0, style) == "0"  # type: ignore[arg-type]
    x = Value(0.0, "x")
    f = x * -1.0
    f.name = "f"
    f.backward()
    assert "−0" not in explain(f, "x").text() and "-0 " not in check_formula(f, "x", "0*x").text()


def test_superscript_powers_as_the_tools_print_them() -> None:
    assert parse_formula("x² + (x + 1)³ − q₁⁻¹", ["x", "q₁"]).evaluate({"x": 2.0, "q₁": 4.0}) == 4 + 27 - 0.25
    with pytest.raises(FormulaError, match="write a power with"):
        parse_formula("²x", ["x"])


def test_an_automatic_name_in_latex() -> None:
    assert latex_name("q₁₂") == "q_{12}" and latex_name("q₁") == "q_{1}"


# --- the round trip ---------------------------------------------------------------------------------------

def _agrees(got: float, want: float, scale: float) -> bool:
    return got == want or math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12 * max(scale, 1e-300))


@settings(max_examples=30, deadline=None)
@given(partly_named_graphs(max_steps=6))
def test_every_formula_the_tools_print_is_read_back_with_the_same_value(graph: tuple[Value, list[Value]]) -> None:
    out, xs = graph
    labels = label_of(out)
    for x in xs:
        e = explain(out, x, form="delta")
        if not e.path_count:
            continue
        target = e.deltas[-1]
        printed = e._delta_parts(target, False)[2]  # the delta form's formula, δ(v) included
        assert _agrees(check_formula(out, x, printed).formula_value, x.grad, e.bound), printed
        if e.path_count > 8:
            continue
        p = explain(out, x)
        for path in (p.paths or ())[:4]:
            text = path.symbolic()
            assert _agrees(check_formula(out, x, text).formula_value, path.value, abs(path.value)), text
        total = " + ".join(f"({path.symbolic()})" for path in p.paths or ())
        assert check_formula(out, x, total).ok, total
    symbols = graph_symbols(out, labels)  # the drawing's edge formulas
    for n in topological_order(out):
        for i, local in enumerate(n.local_grads):
            formula = edge_formula(n, i, symbols)
            if formula is None or not math.isfinite(local):
                continue
            value = check_formula(out, xs[0], formula.text()).formula_value
            assert _agrees(value, local, abs(local)), formula.text()


def test_a_formula_typed_with_named_steps_round_trips() -> None:
    f = build_expression("q = x + y\nf = q * z", {"x": -2.0, "y": 5.0, "z": -4.0})
    f.backward()
    for node in ("x", "y", "z", "q"):
        e = explain(f, node)
        for path in e.paths or ():
            assert check_formula(f, node, path.symbolic()).ok


@settings(max_examples=20, deadline=None)
@given(checkable_cases(max_steps=6))
def test_every_path_formula_the_grader_prints_is_read_back_with_the_same_value(case) -> None:
    # The grader shows the worked derivation under its verdict; each path's formula (the line after the path's
    # chain ∂…/∂… · …) is read back by the checker and gives that path's product.
    from autodiff.practice import grade

    expr, point = case
    xs = [Value(v, f"x{i}") for i, v in enumerate(point)]
    out = expr(*xs)
    out.name = "f"
    out.backward()
    for x in xs:
        paths = explain(out, x).paths or ()
        if not paths or len(paths) > 8:
            continue
        lines = [line.strip() for line in grade(out, x, "123456789").derivation.splitlines()]
        if "(delta) form" in lines[0]:
            continue  # past 4 paths the grader shows the delta form, whose formulas the test above reads back
        for path in paths:
            at = next((k for k, line in enumerate(lines) if line == path.chain() or line.endswith(" = " + path.chain())), None)
            assert at is not None, (path.chain(), lines)
            assert lines[at + 1].startswith("= "), lines
            printed = lines[at + 1][2:]
            assert _agrees(check_formula(out, x, printed).formula_value, path.value, abs(path.value)), printed
