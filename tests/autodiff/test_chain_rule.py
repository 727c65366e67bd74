"""The one walk of the chain rule (``chain_rule``) and the one way a node is made (``apply``)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings

from autodiff import Value, backward_order, dot, grad, no_grad, ops
from autodiff.engine import apply, chain_rule, derivatives_as_values

from .strategies import checkable_cases


def _sums(root: Value, local_grads=None) -> dict[Value, float]:
    """d(root)/d(node) for every node, summed along chain_rule's walk as backward() does."""
    grads: dict[Value, float] = {root: 1.0}
    for node, parents, locals_ in chain_rule(backward_order(root), local_grads):
        for parent, local in zip(parents, locals_):
            grads[parent] = grads.get(parent, 0.0) + local * grads[node]
    return grads


def test_a_node_keeps_its_parents_and_local_derivatives_as_plain_tuples():
    a, b = Value(3.0, "a"), Value(-2.0, "b")
    c = a * b
    assert (c.op, c.parents, c.local_grads) == (ops.MUL, (a, b), (-2.0, 3.0))
    assert type(c.parents) is tuple and type(c.local_grads) is tuple
    assert (a.op, a.parents, a.local_grads) == (None, (), ())
    z = dot([a, b], [2.0, 0.5], 1.0)  # dot is an ordinary node: weights, inputs, bias
    assert z.op is ops.DOT and len(z.parents) == 5 and z.local_grads == (2.0, 0.5, 3.0, -2.0, 1.0)
    assert type(z) is Value and z.data == 3.0 * 2.0 + -2.0 * 0.5 + 1.0


def test_the_walk_yields_each_operation_node_in_backward_order_with_its_edges():
    # micrograd's README example, by hand: a = -4, b = 2; c = a + b; d = a*b + b**3 ...
    a, b = Value(-4.0, "a"), Value(2.0, "b")
    c = a + b
    d = a * b + b**3
    e = c * d
    order = backward_order(e)
    steps = list(chain_rule(order))
    assert [node for node, _, _ in steps] == order
    assert all(parents == node.parents and locals_ == node.local_grads for node, parents, locals_ in steps)
    assert steps[0][0] is e and steps[0][2] == (d.data, c.data)  # d(c*d)/dc = d = 0, d/dd = c = -2


def test_summing_along_the_walk_gives_backward_s_gradients_exactly():
    # micrograd's README graph: it prints a.grad 138.8338 and b.grad 645.5773 (micrograd 0.1.0 itself
    # gives the digits below)
    a, b = Value(-4.0), Value(2.0)
    c = a + b
    d = a * b + b**3
    c = c + (c + 1)  # (micrograd's c += c + 1, and so on)
    c = c + (1 + c + (-a))
    d = d + (d * 2 + (b + a).relu())
    d = d + (3 * d + (b - a).relu())
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    sums = _sums(g)
    assert (sums[a], sums[b]) == (a.grad, b.grad)
    assert abs(a.grad - 138.83381924198252) < 1e-12 and abs(b.grad - 645.5772594752186) < 1e-12


def test_the_walk_takes_other_local_derivatives_without_touching_the_graph():
    x = Value(0.5, "x")
    y = (x * x).sigmoid()
    doubled = _sums(y, lambda node: tuple(2 * d for d in node.local_grads))
    assert doubled[x] == 4 * _sums(y)[x]  # two edges on every path from y to x
    assert x.grad == 0.0 and y.grad == 0.0


def test_the_walk_on_values_is_grad_with_create_graph():
    x = Value(0.7, "x")
    y = x.tanh() * x
    grads: dict[Value, Value] = {y: Value(1.0)}
    for node, parents, locals_ in chain_rule(backward_order(y), derivatives_as_values):
        for parent, local in zip(parents, locals_):
            contribution = local * grads[node]
            grads[parent] = grads[parent] + contribution if parent in grads else contribution
    first = grad(y, x, create_graph=True)
    t = math.tanh(0.7)
    assert grads[x].data == first.data and abs(first.data - (t + 0.7 * (1 - t * t))) < 1e-15
    assert grad(grads[x], x) == grad(first, x)  # both differentiable, to the same second derivative


@settings(max_examples=40, deadline=None)
@given(checkable_cases())
def test_summing_along_the_walk_is_backward_on_random_graphs(case):
    expr, point = case
    xs = [Value(p) for p in point]
    out = expr(*xs)
    sums = _sums(out)
    out.backward()
    assert [sums.get(x, 0.0) for x in xs] == [x.grad for x in xs]  # same order, same sums: bit for bit


def test_apply_makes_a_node_from_a_row_of_the_table_and_a_leaf_in_no_grad():
    x, y = Value(2.0), Value(0.5)
    node = apply(ops.POW_VALUE, (x, y))
    assert node.data == 2.0**0.5 and node.parents == (x, y)
    assert node.local_grads == (0.5 * 2.0**-0.5, node.data * math.log(2.0))
    assert x.apply(ops.POW_VALUE, y).local_grads == node.local_grads
    with no_grad():
        leaf = apply(ops.TANH, (x,))
    assert leaf.is_leaf and leaf.parents == () and leaf.data == math.tanh(2.0)


def test_an_error_in_the_forward_rule_makes_no_node():
    with pytest.raises(ValueError, match="log: input must be positive, got -1.0"):
        apply(ops.LOG, (Value(-1.0),))
