"""Answers graded for what they are (issue 22, section 2), on the graphs a teacher uses.

micrograd's lecture graph (a=2, b=−3, c=10, e=a·b, d=e+c, f=−2, L=d·f: grads a 6, b −4, c −2,
e −2, d −2, f 4), CS231n's (x+y)·z at (−2, 5, −4) (−4, −4, 3) and Deep Learning from Scratch's
apple graph (apple 100, count 2, tax 1.1: ∂/∂apple 2.2, ∂/∂tax 200, ∂/∂count 110), with the
answers a student gives: the number in another form, a rounded number, a forgotten factor, the
gradient from above alone, a flipped sign, δ of the question itself. Property tests on random
graphs: every written form of a number gets the rule of its plain form; the right formula with its
sign flipped is one sign mistake.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

from autodiff import Value, check_formula
from autodiff.formula import parse_formula
from autodiff.practice.exercises import Exercise
from autodiff.practice.random_networks import build_network
from autodiff.practice.grading import grade
from autodiff.traversal import topological_order
from autodiff.typed import EXACT_DECIMALS, Typed, fits, read_number, typed_constant
from nn.reference import build
from tests.practice.strategies import network_specs


def micrograd() -> Value:
    a, b, c, f = Value(2.0, name="a"), Value(-3.0, name="b"), Value(10.0, name="c"), Value(-2.0, name="f")
    e = a * b
    e.name = "e"
    d = e + c
    d.name = "d"
    loss = d * f
    loss.name = "L"
    return loss


def cs231n() -> Value:
    x, y, z = Value(-2.0, name="x"), Value(5.0, name="y"), Value(-4.0, name="z")
    q = x + y
    q.name = "q"
    f = q * z
    f.name = "f"
    return f


def apple() -> Value:
    price, count, tax = Value(100.0, name="apple"), Value(2.0, name="count"), Value(1.1, name="tax")
    total_apple = price * count
    total_apple.name = "price"
    total = total_apple * tax
    total.name = "total"
    return total


def test_the_lecture_numbers():
    for make, expected in ((micrograd, {"a": 6, "b": -4, "c": -2, "e": -2, "d": -2, "f": 4}),
                           (cs231n, {"x": -4, "y": -4, "z": 3}),
                           (apple, {"apple": 2.2, "count": 110, "tax": 200})):
        for name, value in expected.items():
            assert grade(make(), name, repr(float(value)), lang="en").correct
            assert grade(make(), name, repr(float(value)), lang="en").expected == pytest.approx(value, rel=1e-12)


# --- a number is a number in any form -----------------------------------------------------------

@pytest.mark.parametrize("text", ["-0.0906", "(-0.0906)", "-(0.0906)", "−(0.0906)", "-9.06×10^-2", "-9.06*10**-2",
                                  "-906/10000", "-9.06e-2", "−9.06·10^−2"])
def test_every_form_of_a_number_carries_its_digits(text):
    typed = read_number(text) or typed_constant(parse_formula(text, []), text)
    assert typed is not None
    assert typed.value == pytest.approx(-0.0906, rel=1e-12) and (typed.decimals, typed.digits) == (4, 3)


def test_document_000s_rounded_bias_gradient_is_right_in_every_form():
    loss = build("000").loss()
    for text in ("-0.0906", "(-0.0906)", "-(0.0906)", "-9.06×10^-2", "-906/10000"):
        result = grade(loss, "b_1", text, lang="en")
        assert result.correct and result.status == "correct", text
        verdict = check_formula(loss, "b_1", text, lang="en")
        assert verdict.ok and verdict.constant and not verdict.missing_paths and not verdict.off_factors, text
        assert "missed" not in verdict.text() and "path" not in verdict.text()


def test_a_fraction_that_is_not_a_power_of_ten_is_exact():
    typed = typed_constant(parse_formula("1/3", []), "1/3")
    assert typed == Typed(1 / 3, EXACT_DECIMALS, 17)
    assert not fits(typed, 0.3333) and fits(typed, 1 / 3)


def test_zero_never_agrees_with_a_gradient_that_is_not_zero():
    root = apple()
    for text in ("0", "0.0", "-0", "0e400", "0e-400"):
        result = grade(root, "apple", text, lang="en")
        assert result.status != "imprecise" and not result.correct, text
        assert "agrees" not in result.text()
    assert not fits(read_number("0"), 0.3) and fits(read_number("0"), 0.0)  # type: ignore[arg-type]


def test_huge_exponents_are_read_not_overflowed():
    assert read_number("0e400") == Typed(0.0, -400, 1)
    result = grade(micrograd(), "a", "0e400", lang="en")
    assert result.status == "wrong" and result.value == 0.0
    assert grade(micrograd(), "a", "6e-400", lang="en").status in ("wrong", "mistake")
    assert grade(micrograd(), "a", "1e400", lang="en").status == "unreadable"  # not a finite number


# --- an exact classic mistake beats the rounding excuse -------------------------------------------

def test_the_forgotten_factor_is_named_not_excused_by_rounding():
    # ∂total/∂apple = count·tax = 2.2; forgetting δ(price) = tax gives exactly count = 2.
    result = grade(apple(), "apple", "2", lang="en")
    assert result.mistakes == ("upstream_dropped",) and "agrees" not in result.text()
    assert "∂price/∂apple" in result.text()
    # a rounding no mistake explains is still only "imprecise"
    assert grade(apple(), "count", "1.1e2", lang="en").status == "correct"
    assert grade(apple(), "tax", "2e2", lang="en").status == "correct"  # exactly 200
    assert grade(build("000").loss(), "b_1", "-0.091", lang="en").status == "imprecise"  # −0.09065 to 2 digits


def test_half_a_step_is_recognised_in_numbers_and_formulas_alike():
    for answer in ("-2", "f", "δ(e)", "f*1"):  # the gradient from above alone: δ(e) = −2 without ∂e/∂a = b
        result = grade(micrograd(), "a", answer, lang="en")
        assert result.mistakes == ("wrong_node",), answer
        assert "δ(e)" in result.text() and "∂e/∂a = −3" in result.text(), answer
    for answer in ("-3", "b"):  # the local derivative ∂e/∂a = b alone
        result = grade(micrograd(), "a", answer, lang="en")
        assert result.mistakes == ("upstream_dropped",), answer
    for answer in ("1", "1.00"):  # CS231n: ∂q/∂x = 1 alone, without δ(q) = z
        assert grade(cs231n(), "x", answer, lang="en").mistakes == ("upstream_dropped",)
    assert grade(cs231n(), "x", "-4", lang="en").correct


# --- δ has one meaning ----------------------------------------------------------------------------

def test_restating_the_question_earns_nothing_and_says_why():
    result = grade(micrograd(), "a", "δ(a)", lang="en")
    assert not result.correct and result.status == "wrong" and not result.mistakes
    assert "restates the question" in result.text()
    verdict = check_formula(micrograd(), "a", "δ(a)", lang="en")
    assert not verdict.ok and verdict.restates == ("δ(a)",) and "NOT A DERIVATION" in verdict.text()
    assert check_formula(micrograd(), "a", "δ(e)*b", lang="en").ok  # δ of another node is a derivation
    ko = grade(micrograd(), "a", "δ(a)", lang="ko").text()
    assert "점수가 없다" in ko


def test_in_a_local_exercise_delta_is_the_loss_gradient():
    loss = build("000").loss()
    nodes = {n.name: n for n in topological_order(loss) if n.name}
    local = Exercise("local", loss, (nodes["Out h1"], nodes["net h1"]))
    assert not local.grade("δ(net h1)").correct  # ∂Loss/∂net h1, not the local derivative
    assert local.grade("Out h1*(1-Out h1)").correct
    assert local.grade("sigmoid(net h1)").mistakes == ("sigma_instead_of_derivative",)


def test_a_next_step_formula_is_graded_and_a_fill_exercise_hides_its_gradients():
    loss = build("000").loss()
    nodes = {n.name: n for n in topological_order(loss) if n.name}
    step = Exercise("next_step", loss, (nodes["Out h1"], nodes["net h1"]))
    right = step.grade("δ(Out h1)*Out h1*(1-Out h1)")
    assert right.correct and right.kind == "formula"
    assert step.grade("Out h1*(1-Out h1)").mistakes == ("upstream_dropped",)
    assert step.grade("δ(Out h1)").mistakes == ("wrong_node",)
    assert "earns nothing" in step.grade("δ(net h1)").text()
    fill = Exercise("fill", loss, (nodes["net h1"], nodes["Out h1"]))
    first = fill.questions()[0]
    restated = first.grade("δ(Out h1)*Out h1*(1-Out h1)")
    assert not restated.correct and "asks you to find" in restated.text()


# --- a mistake is named only if the answer contains it ---------------------------------------------

def test_a_flipped_sign_is_one_sign_mistake_written_cleanly():
    result = grade(micrograd(), "a", "-b*f", lang="en")
    assert result.mistakes == ("sign_flipped",) and "−b·f should read b·f" in result.text()
    assert "−−" not in result.text() and "loss" not in result.text()  # L here is no nn loss
    assert grade(micrograd(), "a", "-6", lang="en").text().startswith("The sign is flipped: your answer is −∂L/∂a.")
    x, y = Value(3.0, name="x"), Value(2.0, name="y")
    root = x * y + x
    root.name = "out"
    for answer in ("-y-1", "-(y+1)", "-1-y"):
        graded = grade(root, "x", answer, lang="en")
        assert graded.mistakes == ("sign_flipped",), answer
        verdict = check_formula(root, "x", answer, lang="en")
        assert "sign is flipped" in verdict.text() and not verdict.missing_paths, answer


def test_off_factors_name_their_edges():
    verdict = check_formula(micrograd(), "a", "f", lang="en")  # ∂e/∂a = b left out
    assert verdict.off_edges == ((1, (("e", "a"),)),)
    verdict = check_formula(apple(), "apple", "count", lang="en")  # δ(price) = tax left out
    assert verdict.off_edges == ((1, (("total", "price"),)),)
    data = grade(apple(), "apple", "count", lang="en").as_dict()
    assert data["off_edges"] == [{"path": 1, "edges": [["total", "price"]]}]


def test_words_fit_the_graph():
    text = grade(cs231n(), "x", "4", lang="en").text()  # f is no loss
    assert "sign is flipped" in text and "loss" not in text
    doc = grade(build("004").loss(), "w11", "-0.0", lang="en")
    assert doc.status in ("wrong", "mistake")


def test_infinity_is_judged_by_the_paths():
    x = Value(800.0, name="x")
    root = x.exp()  # d exp(x)/dx = exp(800) = inf
    root.name = "r"
    for right in ("exp(x)", "r"):
        verdict = check_formula(root, "x", right, lang="en")
        assert verdict.gradient == math.inf and verdict.ok, right
    for wrong in ("x*exp(x)", "2*r"):  # inf as well, but not the path's factor
        assert not check_formula(root, "x", wrong, lang="en").ok, wrong
    y = Value(700.0, name="y")
    twice = y.exp() * y.exp()  # two paths, each inf
    twice.name = "s"
    assert check_formula(twice, "y", "exp(y)*exp(y) + exp(y)*exp(y)", lang="en").ok
    missed = check_formula(twice, "y", "exp(y)*exp(y)", lang="en")
    assert not missed.ok and len(missed.missing_paths) == 1


# --- properties on random networks ------------------------------------------------------------------

@settings(max_examples=15, deadline=None)
@given(network_specs(), st.sampled_from(["({v})", "-(-{v})", "{m}×10^{k}", "{n}/{d}"]))
def test_a_number_in_another_form_gets_the_plain_forms_grade(spec, form):
    root = build_network(spec).root
    node = next(n for n in reversed(topological_order(root)) if n.name and n.name.startswith("w"))
    result = grade(root, node, "0")
    expected = result.expected
    plain = f"{expected:.4e}"
    mantissa, exponent = plain.split("e")
    digits = mantissa.replace("-", "").replace(".", "")
    text = form.format(v=plain, m=mantissa, k=int(exponent),
                       n=("-" if expected < 0 else "") + digits, d=f"1{'0' * (4 - int(exponent))}") \
        if int(exponent) <= 4 else f"({plain})"
    a, b = grade(root, node, plain), grade(root, node, text)
    assert (a.status, a.mistakes) == (b.status, b.mistakes), text
    assert a.correct


@settings(max_examples=15, deadline=None)
@given(network_specs())
def test_the_right_formula_with_its_sign_flipped_is_one_sign_mistake(spec):
    root = build_network(spec).root
    for node in [n for n in topological_order(root) if n.name and n.name.startswith("b")][:2]:
        verdict = check_formula(root, node, "0")
        if verdict.gradient == 0:
            continue
        paths = check_formula(root, node, "1").paths or ()
        if not paths or len(paths) > 4:
            continue
        formula = " + ".join("(" + p.symbolic().replace("·", "*").replace("−", "-") + ")" for p in paths)
        if not check_formula(root, node, formula).ok:
            continue  # a formula the notation cannot write back (another helper's round trip)
        flipped = grade(root, node, f"-({formula})", lang="en")
        assert flipped.mistakes == ("sign_flipped",), formula


def test_a_dropped_constant_is_a_dropped_factor_not_a_missed_path():
    w, x, t, lam = Value(0.5, name="w"), Value(2.0, name="x"), Value(3.0, name="t"), Value(0.1, name="lam")
    loss = (w * x - t) ** 2 + lam * w ** 2  # a regulariser λ·w²
    loss.name = "L"
    verdict = check_formula(loss, "w", "2*(w*x-t)*x + 2*w", lang="en")
    assert not verdict.missing_paths and len(verdict.off_factors) == 1
    assert "lacks" in verdict.off_factors[0].text() and "lam" in verdict.off_factors[0].text()
    assert not verdict.unrelated_names  # t is inside q₂ = w·x − t
    result = grade(loss, "w", "2*(w*x-t)*x + 2*w", lang="en")
    assert result.mistakes == ("loss_factor_dropped",) and "lam" in result.text()
    b = Value(0.3, name="b")
    wave = (3 * b).sin()
    wave.name = "s"
    inner = grade(wave, "b", "cos(3*b)", lang="en")  # the inner 3 of sin(3b) left out
    assert inner.mistakes and "missed_path" not in inner.mistakes and "∂q₁/∂b = 3" in inner.text()
    assert check_formula(wave, "b", "cos(3*b)", lang="en").off_edges == ((1, (("q₁", "b"),)),)


def test_a_factor_equal_to_one_does_not_move_the_blame():
    w, x, u, v = Value(0.5, name="w"), Value(1.0, name="x"), Value(-1.0, name="u"), Value(1.0, name="v")
    p = w * x
    p.name = "p"
    q = p * u
    q.name = "q"
    r = q * v
    r.name = "r"
    verdict = check_formula(r, "w", "v*v*x", lang="en")  # u (−1) written as v (1): the blame is on ∂q/∂p
    assert verdict.off_edges == ((1, (("q", "p"),)),) and "sign is flipped" not in verdict.text()
    assert check_formula(r, "w", "v*u*x", lang="en").ok
