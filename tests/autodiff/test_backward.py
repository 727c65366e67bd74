"""backward(): diamonds, repeated passes, accumulation, zero_grad, topological order,
and the property that backward agrees with grad() on random DAGs."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings

from autodiff import Value, backward_order, grad, topological_order, zero_grad

from .strategies import checkable_cases


# --- diamonds and repeated passes -----------------------------------------------------------

def test_a_plus_a_keeps_two_parent_edges():
    a = Value(3.0)
    b = a + a
    assert b.parents == (a, a) and b.local_grads == (1.0, 1.0)
    b.backward()
    assert a.grad == 2.0


def test_a_node_reached_by_several_paths_gets_the_sum():
    a = Value(1.5)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad == 4.0 and b.grad == 2.0 and c.grad == 1.0


def test_a_square_via_mul_counts_both_factors():
    a = Value(-3.0)
    (a * a).backward()
    assert a.grad == -6.0


def test_diamond_through_different_operations():
    # x feeds u = x² and v = 3x; y = u·v = 3x³, dy/dx = 9x² = 36 at x = 2
    x = Value(2.0)
    u, v = x**2, 3 * x
    y = u * v
    y.backward()
    assert y.data == 24.0 and x.grad == 36.0
    assert u.grad == v.data and v.grad == u.data


def test_repeated_backward_accumulates_on_leaves_only():
    x = Value(3.0)
    y = x * x * x
    y.backward()
    assert x.grad == 27.0
    y.backward()
    assert x.grad == 54.0  # micrograd gives 72: it keeps the intermediate x*x's grad too
    inner = y.parents[0]
    assert inner.op.name == "mul" and inner.grad == 3.0  # x * (x*x)... the inner node holds its latest pass only
    assert y.grad == 1.0


def test_intermediate_nodes_describe_the_latest_pass_of_whichever_output():
    x = Value(2.0)
    h = x * x  # shared
    y1, y2 = h * 3, h.exp()
    y1.backward()
    assert h.grad == 3.0 and x.grad == 12.0
    y2.backward()
    assert h.grad == pytest.approx(math.exp(4.0), rel=1e-15)
    assert x.grad == pytest.approx(12.0 + 4 * math.exp(4.0), rel=1e-15)  # leaves keep summing


def test_backward_of_a_leaf_sets_its_own_grad():
    x = Value(5.0)
    x.backward()
    assert x.grad == 1.0
    x.backward()
    assert x.grad == 2.0


def test_constants_created_for_plain_numbers_are_separate_leaves():
    x = Value(2.0)
    y = x * 3 + 3
    y.backward()
    mul, three_add = y.parents
    three_mul = mul.parents[1]
    assert three_add is not three_mul and three_mul.grad == 2.0 and three_add.grad == 1.0


# --- zero_grad --------------------------------------------------------------------------------

def test_zero_grad_method_clears_the_whole_graph():
    x, w = Value(2.0), Value(-1.0)
    h = (x * w).tanh()
    y = h * h + x
    y.backward()
    nodes = topological_order(y)
    assert any(n.grad != 0 for n in nodes)
    unrelated = Value(1.0)
    unrelated.grad = 7.0
    y.zero_grad()
    assert all(n.grad == 0.0 for n in nodes)
    assert unrelated.grad == 7.0
    y.backward()
    assert x.grad == pytest.approx(1 + 2 * h.data * (1 - h.data**2) * w.data, rel=1e-15)


def test_zero_grad_function_clears_exactly_the_listed_values():
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    (a * b * c).backward()
    zero_grad([a, b])
    assert (a.grad, b.grad, c.grad) == (0.0, 0.0, 2.0)
    zero_grad(v for v in [c])  # any iterable
    assert c.grad == 0.0
    zero_grad([])


# --- topological order --------------------------------------------------------------------------

def test_topological_order_lists_each_node_once_before_its_parents():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c + c.exp()
    order = topological_order(e)
    assert order[0] is e and len(order) == len({id(n) for n in order})
    position = {n: i for i, n in enumerate(order)}
    assert {a, b, c, d}.issubset(position)
    for node in order:
        for parent in node.parents:
            assert position[parent] > position[node]


def test_topological_order_of_a_leaf_and_of_a_non_value():
    x = Value(1.0)
    assert topological_order(x) == [x]
    with pytest.raises(TypeError, match="float"):
        topological_order(1.0)


# --- properties on random DAGs -----------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(checkable_cases())
def test_backward_agrees_with_grad_for_every_input(case):
    expr, point = case
    xs = [Value(p) for p in point]
    out = expr(*xs)
    expected = grad(out, xs)
    # grad() must not touch .grad; backward() must then fill it with the same numbers
    assert all(x.grad == 0.0 for x in xs)
    out.backward()
    # the same chain-rule products and sums; only the order of summation may differ, so a
    # few ulp of the largest term (1e-13 relative is ~500 ulp: no real bug hides in that)
    assert [x.grad for x in xs] == pytest.approx(expected, rel=1e-13, abs=1e-13)
    # an input used twice in the list is one leaf: its grad is its total derivative
    assert grad(out, [xs[0], xs[0]]) == [expected[0], expected[0]]


@settings(max_examples=60, deadline=None)
@given(checkable_cases())
def test_a_graph_built_twice_gives_identical_results(case):
    expr, point = case
    runs = []
    for _ in range(2):
        xs = [Value(p) for p in point]
        out = expr(*xs)
        out.backward()
        order = topological_order(out)
        runs.append(
            (
                out.data,
                [x.grad for x in xs],
                [(n.op.name if n.op else None, n.data, n.grad, n.local_grads) for n in order],
            )
        )
    assert runs[0] == runs[1]


def test_backward_order_lists_each_operation_once_before_its_parents():
    x, w = Value(0.3, name="x"), Value(-1.2, name="w")
    h = (x * w).sigmoid()
    y = h * h + h.exp() * x  # h is used three times
    order = backward_order(y)
    assert order[0] is y
    assert len(order) == len(set(order)) == sum(1 for n in topological_order(y) if not n.is_leaf)
    position = {node: k for k, node in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert parent.is_leaf or position[parent] > position[node]
    assert backward_order(x) == []
    with pytest.raises(TypeError, match="backward_order"):
        backward_order(1.0)
