"""A chain of 10^5 nodes (10^6 under the `slow` marker) at Python's default recursion limit: backward, grad, zero_grad,
topological_order and freeing the graph all work without recursion."""

from __future__ import annotations

import sys

import pytest

from autodiff import Value, grad, no_grad, topological_order

DEFAULT_RECURSION_LIMIT = 1000  # CPython's default; the engine must never need to raise it


@pytest.fixture(scope="module")
def chain(depth: int):
    """v_0 = x, v_k = v_(k-1) + x: `depth` nodes deep, and x is a parent of every one."""
    assert sys.getrecursionlimit() == DEFAULT_RECURSION_LIMIT
    x = Value(0.5, name="x")
    v = x
    for _ in range(depth - 1):
        v = v + x
    yield x, v, depth
    assert sys.getrecursionlimit() == DEFAULT_RECURSION_LIMIT


def test_backward_through_a_deep_chain(chain):
    x, v, depth = chain
    assert v.data == 0.5 * depth
    v.backward()
    assert x.grad == float(depth)
    assert v.parents[0].grad == 1.0  # the node below the top
    assert sys.getrecursionlimit() == DEFAULT_RECURSION_LIMIT


def test_grad_through_a_deep_chain(chain):
    x, v, depth = chain
    before = x.grad
    assert grad(v, x) == float(depth)
    assert x.grad == before  # grad() leaves .grad alone
    assert sys.getrecursionlimit() == DEFAULT_RECURSION_LIMIT


def test_zero_grad_and_order_of_a_deep_chain(chain):
    x, v, depth = chain
    v.backward()
    v.zero_grad()
    assert x.grad == 0.0 and v.grad == 0.0 and v.parents[0].grad == 0.0
    order = topological_order(v)
    assert len(order) == depth and order[0] is v and order[-1] is x
    assert sys.getrecursionlimit() == DEFAULT_RECURSION_LIMIT


def test_a_deep_unary_chain_is_built_differentiated_and_freed(depth: int):
    # Only unary nodes this time: a pure chain, each node with a single parent.
    x = Value(1.5)
    v = x
    for _ in range(depth):
        v = -v
    assert v.data == 1.5
    v.backward()
    assert x.grad == 1.0
    with no_grad():
        assert (v * 2).is_leaf
    del v  # freeing that many nested nodes must not overflow the C stack either
    assert x.grad == 1.0 and sys.getrecursionlimit() == DEFAULT_RECURSION_LIMIT
