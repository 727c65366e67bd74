"""dot: w1*x1 + ... + wn*xn + b as one node with many parents."""

from __future__ import annotations

import math
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff import OPS, Value, backward_order, dot, grad, gradcheck, no_grad, topological_order

from .strategies import moderate_floats


def chain(ws, xs, b):
    """The same sum with the binary operations, added in the same order."""
    z = ws[0] * xs[0]
    for w, x in zip(ws[1:], xs[1:]):
        z = z + w * x
    return z if b is None else z + b


weighted_sums = st.integers(1, 8).flatmap(
    lambda n: st.tuples(
        st.lists(moderate_floats(), min_size=n, max_size=n),
        st.lists(moderate_floats(), min_size=n, max_size=n),
        st.none() | moderate_floats(),
    )
)


@settings(max_examples=200, deadline=None)
@given(weighted_sums)
def test_value_and_every_gradient_equal_those_of_the_mul_add_chain_exactly(case):
    w, x, b = case
    leaves = [[Value(v) for v in w], [Value(v) for v in x], None if b is None else Value(b)]
    z = dot(*leaves)
    twins = [[Value(v) for v in w], [Value(v) for v in x], None if b is None else Value(b)]
    z2 = chain(*twins)
    assert z.data == z2.data  # added left to right, like the chain
    (z * z).backward()
    (z2 * z2).backward()
    flat = [*leaves[0], *leaves[1], *([leaves[2]] if b is not None else [])]
    flat2 = [*twins[0], *twins[1], *([twins[2]] if b is not None else [])]
    assert [v.grad for v in flat] == [v.grad for v in flat2]


def test_parents_are_weights_inputs_bias_with_the_hand_derivatives():
    w1, w2, x1, x2, b = Value(0.5), Value(-2.0), Value(3.0), Value(4.0), Value(0.25)
    z = dot([w1, w2], [x1, x2], b)
    assert z.op is OPS["dot"] and z.data == 0.5 * 3.0 - 2.0 * 4.0 + 0.25
    assert z.parents == (w1, w2, x1, x2, b)
    assert z.local_grads == (3.0, 4.0, 0.5, -2.0, 1.0)  # dz/dw_k = x_k, dz/dx_k = w_k, dz/db = 1
    z.backward()
    assert (w1.grad, w2.grad, x1.grad, x2.grad, b.grad) == (3.0, 4.0, 0.5, -2.0, 1.0)
    assert dot([w1], [x1]).parents == (w1, x1)  # no bias: no bias parent


def test_a_node_used_several_times_gets_every_contribution():
    w, x = Value(1.5), Value(-2.0)
    z = dot([w, w], [x, w], w)  # w*x + w*w + w
    z.backward()
    assert w.grad == x.data + 2 * w.data + 1 and x.grad == w.data
    assert grad(z, w) == w.grad


def test_numbers_become_constant_leaves_and_anything_else_is_refused():
    w = Value(2.0)
    z = dot([w, 3], [0.5, w], 1.0)  # ints, floats
    assert z.data == 2.0 * 0.5 + 3 * 2.0 + 1.0 and z.parents[3] is w
    assert [p.is_leaf for p in z.parents] == [True] * 5 and z.parents[0] is w
    with pytest.raises(TypeError, match=r"dot: expected a Value or a real number, got str 'x'"):
        dot([w], ["x"])
    with pytest.raises(TypeError, match=r"dot: expected a Value or a real number, got bool True"):
        dot([w], [w], True)
    with pytest.raises(ValueError, match=r"dot: needs as many inputs as weights, at least one; got 2 weights and 1 inputs"):
        dot([w, w], [w])
    with pytest.raises(ValueError, match=r"got 0 weights and 0 inputs"):
        dot([], [])
    with pytest.raises(TypeError, match=r"dot: weights must be a sequence of Values or numbers, got Value"):
        dot(w, [w])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"dot: inputs must be a sequence of Values or numbers, got float 2.0"):
        dot([w], 2.0)  # type: ignore[arg-type]
    assert dot((v for v in [w]), range(3, 4)).data == 6.0  # any iterable


def test_under_no_grad_the_result_is_a_leaf():
    w, x = Value(2.0), Value(3.0)
    with no_grad():
        z = dot([w], [x], 1.0)
    assert z.data == 7.0 and z.is_leaf and z.parents == () and z.local_grads == ()


def test_second_derivatives_through_dot():
    w, x = Value(1.5), Value(0.5)
    y = dot([w, w], [w, x]).sigmoid()  # sigmoid(w² + w·x)
    d = grad(y, w, create_graph=True)
    s = y.data
    assert math.isclose(d.data, s * (1 - s) * (2 * w.data + x.data), rel_tol=1e-15)
    d2 = grad(d, w)
    u = 2 * w.data + x.data
    assert math.isclose(d2, s * (1 - s) * (1 - 2 * s) * u * u + 2 * s * (1 - s), rel_tol=1e-13)
    assert gradcheck(lambda a, b: dot([a, b, a], [b, a, 0.5], b).tanh(), [0.3, -0.7], second_order=True)


def test_a_deep_graph_of_dots_works_without_recursion(depth: int):
    assert sys.getrecursionlimit() < depth  # the default limit: a recursive walk would fail
    x = Value(1.0)
    w = Value(1.0)
    z = x
    for _ in range(depth // 2):
        z = dot([w, z], [z, w])  # 2·w·z: each dot uses the previous one twice
        z = z * 0.5
    order = backward_order(z)
    assert len(order) == depth and order[0] is z and order[-1].parents[1] is x
    z.backward()
    assert z.data == 1.0 and x.grad == 1.0 and w.grad == depth / 2  # z = w**(depth/2) * x
    assert len(topological_order(z)) == depth + 2 + depth // 2  # with x, w and each * 0.5 node's constant
