"""The formula reader and the checker under hostile input: no hang, no recursion, a verdict or a FormulaError.

Every check here runs under a hang guard (``within``): a limit at least 100 times the time the
check should take, so it never flakes; speed targets themselves live in the benchmarks.
"""

from __future__ import annotations

import math
import signal
from contextlib import contextmanager
from itertools import cycle, islice
from typing import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff import Sym, Value, check_formula, explain, topological_order
from autodiff.checking import Verdict
from autodiff.formatting import latex_name
from autodiff.formula import FormulaError, parse_formula
from autodiff.formula import MAX_FORMULA_LENGTH
from autodiff.roles import mark_built
from autodiff.terms import flatten, rename
from nn.reference import build
from tests.autodiff.strategies import formula_texts

GUARD_SECONDS = 20.0  # every check below should take well under 0.2 s


class Hang(Exception):
    pass


@contextmanager
def within(seconds: float = GUARD_SECONDS) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block runs longer than ``seconds``."""
    def alarm(signum, frame):
        raise Hang(f"still running after {seconds} s")
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def loss_004() -> Value:
    return build("004").loss()


NAMES_004 = ("A1", "A2", "A3", "w11", "w12", "w21", "w22", "w31", "w32", "x1", "x2", "y_t", "z1", "z2", "z3")


def small_graph() -> tuple[Value, Value]:
    x1, w1 = Value(0.5, name="x1"), Value(-0.3, name="w1")
    y = x1 * w1 + x1
    y.name = "y"
    return y, x1


# --- item 2: an empty name never makes the checker loop -------------------------------------------

def test_a_node_named_empty_is_refused_by_the_checker():
    y, x1 = small_graph()
    e = Value(1.0)
    e.name = ""  # (the engine refuses Value(name=""); a name set afterwards still reaches the checker)
    root = y * e
    with within(), pytest.raises(ValueError, match="empty name"):
        check_formula(root, x1, "x1*(w1 + 1)")


def test_an_empty_alias_is_refused():
    y, x1 = small_graph()
    with within(), pytest.raises(ValueError, match="empty"):
        check_formula(y, x1, "(w1 + 1)", aliases={"": "x1"})


def test_parse_formula_refuses_an_empty_name():
    with within(), pytest.raises(ValueError, match="empty"):
        parse_formula("(a)", ["", "a"])


# --- item 3: the work is bounded, not only the length ---------------------------------------------

def test_a_chain_of_powers_is_read_and_printed_in_linear_time():
    y, x1 = small_graph()
    with within():
        verdict = check_formula(y, x1, "^".join(["1"] * 40))
    assert isinstance(verdict, Verdict) and verdict.formula_value == 1.0 and not verdict.ok
    with within():  # printing each exponent twice took 2^90 steps here
        text = parse_formula("^".join(["x1"] * 90), ["x1"]).text()
    assert text.count("x1") == 90 and text.count("^") == 89


def test_a_product_of_sums_is_not_multiplied_out_past_a_budget():
    formula = "*".join(["(x1*w31+x1*A1)"] * 13)
    E = loss_004()
    values = {n.name: n.data for n in topological_order(E) if n.name}
    with within():
        verdict = check_formula(E, "w11", formula)
    assert not verdict.ok
    assert verdict.formula_value == pytest.approx((values["x1"] * values["w31"] + values["x1"] * values["A1"]) ** 13,
                                                  rel=1e-12)
    assert "too large to match term by term" in verdict.text()


def test_three_hundred_plain_factors_are_checked_quickly():
    formula = "*".join(islice(cycle(NAMES_004), 300))
    E = loss_004()
    with within():
        verdict = check_formula(E, "w11", formula)
    assert isinstance(verdict, Verdict) and not verdict.ok


def test_a_formula_at_the_length_cap_of_many_terms_is_checked():
    term = "A3*(1-A3)*w31*x1"
    formula = "+".join([term] * (MAX_FORMULA_LENGTH // (len(term) + 1)))
    E = loss_004()
    with within():
        verdict = check_formula(E, "w11", formula)
    assert isinstance(verdict, Verdict) and not verdict.ok


# --- item 4: inf and nan ------------------------------------------------------------------------

@pytest.mark.parametrize("constant", [math.inf, -math.inf, math.nan])
def test_an_unnamed_infinite_or_nan_constant_is_explained_and_checked(constant):
    x = Value(2.0, name="x")
    y = x * constant
    y.name = "y"
    with within():
        explanation = explain(y, x)
        verdict = check_formula(y, x, "x")
    for text in (explanation.text(), explanation.latex(), explanation.markdown(), explain(y, x, form="delta").text()):
        assert ("nan" if math.isnan(constant) else "inf") in text
    assert explanation.value == constant or (math.isnan(constant) and math.isnan(explanation.value))
    assert not verdict.ok and verdict.formula_value == 2.0


@pytest.mark.parametrize("formula, value", [("σ(1e999)", 1.0), ("x1^1e999", 0.0), ("1e999", math.inf),
                                            ("-1e999 + x1", -math.inf)])
def test_huge_numbers_in_a_formula_give_a_verdict(formula, value):
    y, x1 = small_graph()
    with within():
        verdict = check_formula(y, x1, formula)
    assert isinstance(verdict, Verdict) and verdict.formula_value == value and not verdict.ok


# --- item 5: nothing recurses on user-sized input -----------------------------------------------

def test_a_step_of_512_symbolic_terms_is_explained():
    z = Value(0.5, name="z")
    y = z
    for k in range(9):
        c, d = Value(1.0 + k / 10, name=f"c{k}"), Value(0.5 - k / 20, name=f"d{k}")
        y = y * c + y * d
    y.name = "y"
    mark_built([y], [z, *(n for n in topological_order(y) if n.is_leaf)])  # one step, as a library function's
    y.backward()
    with within():
        for form in ("paths", "delta"):
            e = explain(y, z, form=form)
            assert e.value == z.grad
            assert e.text() and e.latex() and e.markdown()
        verdict = check_formula(y, z, "c0 + d0")
    assert not verdict.ok


def test_sym_methods_are_iterative_on_a_deep_expression():
    x = Sym.var("x")
    deep = x
    for k in range(5000):
        deep = Sym("add" if k % 2 else "mul", (deep, Sym.var(f"v{k % 7}")))
    env = {"x": 0.5, **{f"v{k}": 1.0 for k in range(7)}}
    with within():
        assert deep.names() == {"x", *(f"v{k}" for k in range(7))}
        assert math.isfinite(deep.evaluate(env))
        assert deep.text().count("v") == 5000
        assert deep.latex().count("v") == 5000
        assert rename(deep, str.upper).names() == {"X", *(f"V{k}" for k in range(7))}
        assert len(flatten(deep)) == 1  # a sum at the top: one factor (sums are never split)
    chain = x
    for _ in range(5000):
        chain = Sym("mul", (chain, x))
    with within():
        assert flatten(chain) == [(1.0, (x,) * 5001)] or len(flatten(chain)[0][1]) == 5001


# --- item 6: every formula gets a verdict or a FormulaError with a position ---------------------

@pytest.mark.parametrize("formula, position", [
    ("(x1-1)^0.5", 6),  # a negative base to a fractional power: no real value
    ("①", 0),
    ("1..2", 2),
    ("1.2.3", 3),
    ("log(x1-x1)", 0),
    ("1/(x1-x1)", 1),
    ("(0*x1)^-1", 6),
])
def test_bad_formulas_are_formula_errors_with_a_position(formula, position):
    y, x1 = small_graph()
    with within(), pytest.raises(FormulaError) as info:
        check_formula(y, x1, formula)
    assert info.value.position == position, str(info.value)


@pytest.mark.parametrize("formula", ["1/(0*1e999)", "+".join(["x1"] * 501), "-".join(["w1"] * 650),
                                     "*".join(["x1"] * 650), "(" * 40 + "x1" + ")" * 40])
def test_odd_but_readable_formulas_get_a_verdict(formula):
    y, x1 = small_graph()
    with within():
        verdict = check_formula(y, x1, formula)
    assert isinstance(verdict, Verdict)


def test_superscripts_are_powers_as_the_tools_print_them_and_a_lone_one_says_how_to_write_it():
    y, x1 = small_graph()
    assert check_formula(y, x1, "x1²").formula_value == x1.data ** 2  # explain prints x², so the checker reads it
    with pytest.raises(FormulaError, match=r"x\^2"):
        check_formula(y, x1, "²")


# --- item 14: LaTeX names keep their characters once ---------------------------------------------

@pytest.mark.parametrize("name, latex, wrong", [
    ("θ1", r"\mathrm{θ1}", "θ11"),
    ("Δw12", r"\mathrm{Δw12}", "Δw1212"),
    ("σ_out", r"\mathrm{σ\_out}", r"\_out\_out"),
    ("1", r"\mathrm{1}", "11"),
])
def test_latex_names_outside_ascii_are_not_doubled(name, latex, wrong):
    assert latex_name(name) == latex
    a = Value(0.3, name=name)
    E = a * a
    E.name = "E"
    text = explain(E, a).latex()
    assert latex in text and wrong not in text


# --- item 22 (part): a node outside the graph is named as such -----------------------------------

def test_an_unnamed_node_outside_the_graph_is_not_labelled_by_its_value():
    E = loss_004()
    outside = Value(1.0)
    for text in (explain(E, outside).text(), check_formula(E, outside, "0").text()):
        assert "∂E/∂1" not in text and "outside" in text


# --- fuzz: a Verdict or a FormulaError, never anything else --------------------------------------

_ALPHABET = st.sampled_from(list("x1w2A3_ ()+-*/^.e0123456789σδ,·×÷−²①")
                            + ["A1", "w11", "y_t", "sigma", "exp(", "log(", "δ(", "**", "1e999", "\x00", "é"])


def assert_verdict_or_formula_error(root: Value, node: str, formula: str) -> None:
    with within():
        try:
            result = check_formula(root, node, formula)
        except FormulaError as error:
            assert error.position is None or 0 <= error.position <= len(formula)
            return
    assert isinstance(result, Verdict)
    assert isinstance(result.formula_value, float)


FUZZ_ROOT = loss_004()  # the checker reads a graph and changes nothing, so the examples can share one


@given(st.one_of(st.text(max_size=60), st.lists(_ALPHABET, max_size=120).map("".join)))
def test_fuzz_random_strings(formula):
    assert_verdict_or_formula_error(FUZZ_ROOT, "w11", formula)


@given(formula_texts(names=NAMES_004, max_length=MAX_FORMULA_LENGTH, max_steps=600))
def test_fuzz_grammar_built_formulas_up_to_the_length_cap(formula):
    assert_verdict_or_formula_error(FUZZ_ROOT, "w11", formula)


# --- item 21 (the checker's part): arguments are checked up front ---------------------------------

@pytest.mark.parametrize("kwargs, error, words", [
    ({"rel_tol": "x"}, TypeError, "rel_tol"),
    ({"rel_tol": True}, TypeError, "rel_tol"),
    ({"rel_tol": math.nan}, ValueError, "rel_tol"),
    ({"rel_tol": -1e-9}, ValueError, "rel_tol"),
    ({"rel_tol": math.inf}, ValueError, "rel_tol"),
    ({"max_paths": 0}, ValueError, "max_paths"),
    ({"max_paths": 2.5}, TypeError, "max_paths"),
    ({"max_paths": True}, TypeError, "max_paths"),
])
def test_check_formula_validates_its_options(kwargs, error, words):
    y, x1 = small_graph()
    with pytest.raises(error, match=words) as info:
        check_formula(y, x1, "w1 + 1", **kwargs)
    assert "check_formula" in str(info.value)
