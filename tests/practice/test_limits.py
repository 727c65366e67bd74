"""Issue 22, section 4: bounded work. The longest answers are graded without recursion and in
bounded time; exercises on the lab's largest network are made from one reading of the graph.

No timing is asserted: a hang guard (``signal.alarm``, about 100 times the bound) only stops a
run that never ends. The times themselves are measured by ``benchmarks/bench_grading.py``.
The shortcuts (``Facts``: neighbours from an index, every path count in one pass; ``Plan``:
shared re-runs, one gradient without a re-run) are checked against the direct computations.
"""

from __future__ import annotations

import importlib.util
import math
import signal
import sys
from contextlib import contextmanager
from itertools import combinations
from pathlib import Path
from typing import Iterator

import pytest
from hypothesis import given, settings, strategies as st

from autodiff import Value, check_formula
from autodiff.paths import NamedGraph
from autodiff.practice.catalogue import Context, Facts, are_neighbours, candidates, candidates_in
from autodiff.practice.chain import Plan, gradients
from autodiff.practice.exercises import make_exercises
from autodiff.practice.random_networks import build_network
from autodiff.practice.grading import STATUSES, grade
from autodiff.traversal import topological_order
from tests.autodiff.strategies import expressions, input_values
from tests.practice.strategies import network_specs
from tests.teaching_graphs import micrograd_lecture

_BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_grading.py"
_spec = importlib.util.spec_from_file_location("bench_grading", _BENCH)
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


@contextmanager
def hang_guard(seconds: int) -> Iterator[None]:
    """Fail (never hang) when the block runs longer than ``seconds``: a guard, not a timing."""
    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")
    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def shallow_stack(spare: int = 120) -> Iterator[None]:
    """Allow only ``spare`` more frames than the caller has: recursion on a 1,000-step answer fails."""
    depth = 0
    frame = sys._getframe()
    while frame is not None:
        depth += 1
        frame = frame.f_back  # type: ignore[assignment]
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + spare)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


LONG = bench.long_answers()


@pytest.mark.parametrize("title", sorted(LONG))
def test_the_longest_answers_are_graded_without_recursion(title):
    root = micrograd_lecture()
    answer = LONG[title]
    assert len(answer) <= bench.LIMIT
    # The formula reader descends once per parenthesis, at most 100 deep whatever the length
    # (formula.py): that much stack is allowed, nothing that grows with the answer.
    nesting = 90 if "nested" in title else 3
    with hang_guard(50), shallow_stack(120 + 6 * nesting):
        result = grade(root, "a", answer, lang="en")
        text = result.text()
    assert result.status in STATUSES and result.status != "correct"
    assert not result.correct and text
    assert result.expected == 6.0  # micrograd's lecture: dL/da = 6


@pytest.mark.parametrize("title", ["sum of 1000 names", "sum of 500 products", "product of sums", "deltas"])
def test_the_longest_formulas_are_checked_without_recursion(title):
    root = micrograd_lecture()
    with hang_guard(50), shallow_stack():
        verdict = check_formula(root, "a", LONG[title])
    assert not verdict.ok and verdict.gradient == 6.0


def test_a_long_sum_of_the_right_product_is_that_many_times_the_gradient():
    root = micrograd_lecture()
    answer = LONG["sum of 500 products"]
    terms = answer.count("b*f")
    assert terms == 500
    with hang_guard(50), shallow_stack():
        result = grade(root, "a", answer, lang="en")
    assert result.value == pytest.approx(6.0 * terms, rel=1e-12)
    assert result.status in ("mistake", "wrong")


def test_exercises_on_the_largest_lab_network_are_made():
    graph = bench.largest_lab_network()
    assert len(graph.order) == 477
    params = [graph.order[k] for k in graph.params]
    with hang_guard(200):
        made = make_exercises(graph.root, seed=0, params=params)
    assert made and all(e.nodes for e in made)
    (first,) = [e for e in made if e.kind == "gradient"]
    assert "missed_path" in first.tests or len(first.tests) >= 3


# --- the shortcuts equal the direct computations ---------------------------------------------------

def _graph(expr, xs):
    leaves = [Value(x, name=f"x{i}") for i, x in enumerate(xs)]
    root = expr(*leaves)
    nodes, _ = expr.nodes(leaves)
    for k, n in enumerate(nodes[len(leaves):]):  # name every other step: named and unnamed nodes mixed
        if k % 2 == 0 and n is not root:
            n.name = f"v{k}"
    root.name = "out"
    return root


@st.composite
def graphs(draw):
    expr = draw(expressions(max_inputs=3, max_steps=9))
    xs = draw(input_values(expr.n_inputs, bound=1.5))
    return _graph(expr, xs)


@settings(max_examples=30, deadline=None)
@given(graphs())
def test_path_counts_in_one_pass_equal_the_derivations_counts(root):
    facts = Facts(root)
    order = topological_order(root)
    for node in order:
        if node is root:
            continue
        view = NamedGraph(root, node, order)
        nodes = view.on_the_way()
        expected = view.count_paths(nodes).get(node, 0) if nodes else 0
        got = facts.path_count(node)
        if got is not None:  # None: a node the derivation shows only when asked about
            assert got == expected, node
        assert Context(root, node, facts).path_count() == expected


@settings(max_examples=10, deadline=None)
@given(network_specs())
def test_every_candidate_is_the_same_with_a_shared_reading(spec):
    root = build_network(spec).root
    facts = Facts(root)
    for node in [n for n in topological_order(root) if n.name is not None and n is not root][:12]:
        shared = candidates_in(Context(root, node, facts))
        alone = candidates(root, node)
        assert [(c.mistake, c.value, c.key, c.params, c.fix_params) for c in shared] == \
               [(c.mistake, c.value, c.key, c.params, c.fix_params) for c in alone]


names = st.builds(lambda base, digits, tag: base + digits + tag, st.sampled_from(["w", "z", "h1_", "a2_", "w2_"]),
                  st.text("0123", min_size=0, max_size=3), st.sampled_from(["", "[1]", "[2]"]))


@settings(max_examples=100, deadline=None)
@given(st.lists(names, min_size=1, max_size=25, unique=True))
def test_the_neighbour_index_finds_exactly_the_confusable_names(chosen):
    nodes = [Value(float(i), name=name) for i, name in enumerate(chosen)]
    root = nodes[0]
    for n in nodes[1:]:
        root = root + n
    root.name = "out"
    facts = Facts(root)
    for n in nodes:
        expected = [m for m in nodes if are_neighbours(n.name, m.name) and m.op == n.op]
        assert sorted(m.name for m in facts.neighbours(n)) == sorted(m.name for m in expected)


@settings(max_examples=30, deadline=None)
@given(network_specs())
def test_a_gradient_with_its_own_edges_changed_equals_the_re_run(spec):
    root = build_network(spec).root
    plan = Plan(root)
    for node in topological_order(root):
        uses = [(n, k) for n in plan.order for k, p in enumerate(n.parents) if p is node]
        if not uses:
            continue
        local = {edge: 0.5 + i for i, edge in enumerate(uses[::2])}
        assert plan.gradient_with_edges(node, local) == gradients(root, local=local)[node]
    again = gradients(root, plan=plan, passes=2)
    assert again is gradients(root, plan=plan, passes=2)  # the re-run is made once
    assert again == gradients(root, passes=2)
    with pytest.raises(ValueError, match="another graph"):
        gradients(Value(1.0) * 2, plan=plan)


def test_micrograd_lecture_numbers_through_the_shared_reading():
    root = micrograd_lecture()
    facts = Facts(root)
    expected = {"a": 6.0, "b": -4.0, "c": -2.0, "e": -2.0, "d": -2.0, "f": 4.0}
    for name, value in expected.items():
        ctx = Context(root, facts.by_name[name][0], facts)
        assert ctx.expected == value
        assert ctx.path_count() == 1
    assert not math.isnan(sum(expected.values()))
    assert all(not are_neighbours(a, b) for a, b in combinations(expected, 2))


def test_path_counts_in_one_pass_on_the_documents_losses():
    from nn.reference import build  # a loss folds its inner nodes into one step: 000's b_1 keeps its 3 paths
    for case in ("000", "001", "002", "003", "004"):
        root = build(case).loss()
        facts = Facts(root)
        order = topological_order(root)
        for node in order:
            got = facts.path_count(node)
            if node is root or got is None:
                continue
            view = NamedGraph(root, node, order)
            nodes = view.on_the_way()
            assert got == (view.count_paths(nodes).get(node, 0) if nodes else 0), (case, node.name)
    b1 = Facts(build("000").loss())
    assert b1.path_count(b1.by_name["b_1"][0]) == 3
