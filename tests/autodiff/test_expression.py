"""build_expression and parse_values: formula text plus leaf values -> a graph of Values."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autodiff import Value, topological_order
from autodiff.expression import MAX_LEAVES, build_expression, parse_values
from autodiff.formula import MAX_FORMULA_LENGTH, FormulaError, parse_formula
from tests.autodiff.strategies import FORMULA_NAMES, formula_texts


def leaves_of(root: Value) -> dict[str, Value]:
    return {n.name: n for n in topological_order(root) if n.is_leaf and n.name is not None}


def test_a_neuron_matches_the_same_graph_built_by_hand():
    values = {"x1": 0.5, "w1": -1.5, "x2": 2.0, "w2": 0.25, "b": 0.1}
    built = build_expression("tanh(x1*w1 + x2*w2 + b)", values)
    x1, w1, x2, w2, b = (Value(v, name=k) for k, v in values.items())
    by_hand = (x1 * w1 + x2 * w2 + b).tanh()
    assert built.data == by_hand.data == math.tanh(0.5 * -1.5 + 2.0 * 0.25 + 0.1)
    assert built.op is not None and built.op.name == "tanh"
    built.backward()
    by_hand.backward()
    leaves = leaves_of(built)
    assert sorted(leaves) == sorted(values)
    for name, node in zip(values, (x1, w1, x2, w2, b)):
        assert leaves[name].grad == node.grad


def test_a_name_used_twice_is_one_leaf():
    y = build_expression("a + a", {"a": 3.0})
    assert y.data == 6.0
    assert y.parents[0] is y.parents[1]
    y.backward()
    assert y.parents[0].grad == 2.0


def test_names_with_spaces_and_numbers_as_unnamed_constants():
    y = build_expression("2·net h1 − σ(net h1)", {"net h1": 0.5})
    assert y.data == 2 * 0.5 - 1 / (1 + math.exp(-0.5))
    leaves = [n for n in topological_order(y) if n.is_leaf]
    assert sorted((n.name, n.data) for n in leaves if n.name) == [("net h1", 0.5)]
    assert [n.data for n in leaves if n.name is None] == [2.0]


def test_powers_with_constant_and_named_exponents():
    y = build_expression("x^2 + x^-1 + 2^x + x^y", {"x": 2.0, "y": 3.0})
    assert y.data == 4 + 0.5 + 4 + 8
    ops = sorted(n.op.name for n in topological_order(y) if n.op is not None)
    assert ops.count("pow") == 2 and ops.count("powv") == 2  # x^2 and x^-1 constant; 2^x and x^y with a Value
    y.backward()
    assert leaves_of(y)["y"].grad == pytest.approx(8 * math.log(2), rel=1e-12)


def test_unicode_operators_and_implicit_multiplication():
    assert build_expression("A3(1 − A3)", {"A3": 0.25}).data == 0.25 * 0.75
    assert build_expression("6 ÷ x × 2", {"x": 3.0}).data == 4.0
    assert build_expression("ln(exp(x)) + relu(-x)", {"x": 1.5}).data == 1.5


@pytest.mark.parametrize("text, where, words", [
    ("δ(a)", 0, "gradient"),
    ("a + delta(a)", 4, "gradient"),
    ("a + b", 4, "no value given for b"),
    ("a +", 3, "expected a number"),
    ("a + __import__('os')", 4, "no value given for __import__"),
])
def test_text_it_cannot_read_is_a_formula_error_with_the_position(text, where, words):
    with pytest.raises(FormulaError) as info:
        build_expression(text, {"a": 1.0})
    assert info.value.position == where
    assert words in str(info.value)


@pytest.mark.parametrize("text, words, position", [("log(a - a)", "log", 0), ("a / (a - 1)", "division by zero", 2),
                                                   ("(-a)^0.5", "real", 4), ("a^(1/0)", "division by zero", 1)])
def test_a_step_that_cannot_be_computed_is_a_formula_error_naming_it(text, words, position):
    with pytest.raises(FormulaError) as info:
        build_expression(text, {"a": 1.0})
    assert "cannot be computed" in str(info.value) and words in str(info.value)
    assert info.value.position == position


@pytest.mark.parametrize("values, error, words", [
    ({"": 1.0}, ValueError, "empty"),
    ({" a": 1.0}, ValueError, "spaces"),
    ({"a+b": 1.0}, ValueError, "'+'"),
    ({"1a": 1.0}, ValueError, "digit"),
    ({"exp": 1.0}, ValueError, "function"),
    ({"δ": 1.0}, ValueError, "function"),
    ({"a": "1"}, TypeError, "real number"),
    ({"a": True}, TypeError, "real number"),
    ({3: 1.0}, TypeError, "str"),
    ({f"v{i}": 1.0 for i in range(MAX_LEAVES + 1)}, ValueError, "more than"),
])
def test_bad_values_are_refused_by_name(values, error, words):
    with pytest.raises(error) as info:
        build_expression("1", values)
    assert "build_expression" in str(info.value) and words in str(info.value)


def test_bad_arguments_and_length_cap():
    with pytest.raises(TypeError):
        build_expression(3, {})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        build_expression("1", [("a", 1.0)])  # type: ignore[arg-type]
    with pytest.raises(FormulaError, match="longer than"):
        build_expression("+".join(["a"] * (MAX_FORMULA_LENGTH // 2 + 1)), {"a": 1.0})


def test_a_long_formula_builds_without_recursion():
    text = "+".join(["a"] * 900)  # 1799 characters: a chain 899 nodes deep
    y = build_expression(text, {"a": 1.0})
    assert y.data == 900.0
    y.backward()
    assert y.parents[1].grad == 900.0


# --- parse_values -----------------------------------------------------------------------------

def test_parse_values_reads_entries():
    assert parse_values("x1=2, w1=-3.5") == {"x1": 2.0, "w1": -3.5}
    assert parse_values(" net h1 = 0.3 ;\nb=−1e-2,, y_t=.5\n") == {"net h1": 0.3, "b": -0.01, "y_t": 0.5}
    assert parse_values("") == {}


@pytest.mark.parametrize("text, entry, position, words", [
    ("x1=2, w1=abc", "2 'w1=abc'", 6, "'abc' is not a number"),
    ("x1=2,  w1", "2 'w1'", 7, "expected name=number"),
    ("a=1, a=2", "2 'a=2'", 5, "given twice"),
    ("a=", "1 'a='", 0, "the number is missing"),
    ("=3", "1 '=3'", 0, "empty"),
    ("a=1e999", "1 'a=1e999'", 0, "too large"),
    ("a=nan", "1 'a=nan'", 0, "not a number"),
    ("a=²", "1 'a=²'", 0, "not a number"),
    ("a=١", "1 'a=١'", 0, "not a number"),
    ("a=1=2", "1 'a=1=2'", 0, "not a number"),
    ("a b+c=1", "1 'a b+c=1'", 0, "'+'"),
])
def test_parse_values_names_the_bad_entry_and_its_position(text, entry, position, words):
    with pytest.raises(ValueError) as info:
        parse_values(text)
    message = str(info.value)
    assert message.startswith(f"parse_values: entry {entry} at position {position + 1}: ")  # counted from 1
    assert words in message and info.value.position == position  # the field counts from 0


def test_parse_values_refuses_non_text_and_huge_text():
    with pytest.raises(TypeError):
        parse_values(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="longer than"):
        parse_values("a=1," * 10_000)


@given(st.dictionaries(st.sampled_from(FORMULA_NAMES), st.floats(-3, 3, allow_nan=False), min_size=len(FORMULA_NAMES)))
def test_parse_values_round_trips_what_repr_writes(values):
    text = ", ".join(f"{k}={v!r}" for k, v in values.items())
    assert parse_values(text) == values


# --- the builder agrees with the formula reader's own evaluation ------------------------------

@given(formula_texts(name_exponents=False), st.lists(st.floats(-3, 3, allow_nan=False), min_size=5, max_size=5))
def test_building_then_evaluating_equals_evaluating_the_parsed_formula(text, numbers):
    values = dict(zip(FORMULA_NAMES, numbers))
    try:
        parsed = parse_formula(text, values)
        expected = parsed.evaluate(values)
    except (ArithmeticError, ValueError):
        expected = None
    assume(isinstance(expected, float) and math.isfinite(expected))
    used = {name: x for name, x in values.items() if name in parsed.names()}  # a value nothing uses is an error
    built = build_expression(text, used)
    assert built.data == expected
