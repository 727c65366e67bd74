"""Every catalogue mistake made on purpose, on fixed and random graphs, is recognised as itself;
a right answer is never diagnosed as a mistake.

Each wrong answer here is produced the way a learner (or a buggy engine) produces it, by code in
this file: a micrograd-style backward with ``=`` or without zeroing, the real engine's
``backward()`` twice, a network rebuilt with a sigmoid whose slope is wrong, a loss rebuilt
without its constant, ... never by the catalogue's own re-run of the chain rule.
"""

from __future__ import annotations

import math
from typing import Callable

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from autodiff import Value, backward_order, topological_order
from autodiff.practice import MISTAKES, grade
from autodiff.practice.catalogue import differs
from autodiff.practice.random_networks import NetworkSpec, build_network
from nn import module
from nn.reference import build

from .strategies import network_specs

FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def typed(x: float, digits: int = 6) -> str:
    """The number as a learner types it."""
    return f"{x:#.{digits}g}"


def named(root: Value, name: str) -> Value:
    (node,) = [n for n in topological_order(root) if n.name == name]
    return node


def toy_backward(root: Value, *, assign: bool = False, passes: int = 1) -> dict[Value, float]:
    """micrograd's algorithm on our graph: root.grad = 1, then each node adds (or, with
    ``assign``, writes) local × its grad into its parents; nothing is ever zeroed."""
    grads: dict[Value, float] = {}
    for _ in range(passes):
        grads[root] = 1.0
        for n in backward_order(root):
            for p, d in zip(n.parents, n.local_grads):
                grads[p] = d * grads.get(n, 0.0) + (0.0 if assign else grads.get(p, 0.0))
    return grads


def cube() -> tuple[Value, Value]:
    x = Value(3.0, name="x")
    y = x * x * x
    y.name = "y"
    return y, x


# --- fixed graphs --------------------------------------------------------------------------------

def test_catalogue_lists_every_required_id_with_a_description():
    required = {"missed_path", "not_zeroed", "stale_intermediate", "sigma_instead_of_derivative", "z_times_sigma",
                "derivative_at_activation", "sign_flipped", "loss_factor_dropped", "swapped_weight_index",
                "neighbour_factor", "rounded_intermediates"}
    assert required <= set(MISTAKES)
    assert all(isinstance(d, str) and len(d) > 10 for d in MISTAKES.values())


def test_x_cubed_twice_72_is_micrograds_stale_gradients_and_54_is_two_passes():
    y, x = cube()
    assert toy_backward(y, passes=2)[x] == 72.0
    g = grade(y, x, "72")
    assert (g.correct, g.mistakes, g.expected) == (False, ("stale_intermediate",), 27.0)
    y.backward()
    y.backward()  # the engine: leaves accumulate over the two passes
    assert x.grad == 54.0
    assert grade(y, "x", x.grad).mistakes == ("not_zeroed",)
    assert grade(y, "x", "27.0").correct


def test_equals_instead_of_plus_equals_on_the_shared_bias_of_000():
    loss = build("000").loss()
    b1 = named(loss, "b_1")
    answer = toy_backward(loss, assign=True)[b1]
    g = grade(loss, b1, typed(answer))
    assert "missed_path" in g.mistakes and not g.correct
    assert "+=" in g.text() and "3 paths" in g.text()


def test_same_number_from_two_mistakes_names_both():
    w = Value(0.5, name="w")
    x = Value(2.0, name="x")
    y = w * x
    y.name = "y"
    loss = 0.5 * (y - 0.0) ** 2
    loss.name = "L"
    # dL/dw = y·x = 2. Two passes: 4. Dropping the ½: 4 as well. Both mistakes give 4.
    g = grade(loss, w, "4.000")
    assert set(g.mistakes) == {"not_zeroed", "loss_factor_dropped"}
    assert "2 different mistakes" in g.text()


def sigmoid_network(act: Callable[[Value], Value]) -> Value:
    """Document 004's network, written out with ``act`` as the sigmoid (same names)."""
    x1, x2, yt = Value(0.35, "x1"), Value(0.9, "x2"), Value(0.5, "y_t")
    w = {k: Value(v, k) for k, v in {"w11": 0.1, "w12": 0.8, "w21": 0.4, "w22": 0.6, "w31": 0.3, "w32": 0.9}.items()}
    z1 = x1 * w["w11"] + x2 * w["w12"]
    z1.name = "z1"
    a1 = act(z1)
    a1.name = "A1"
    z2 = x1 * w["w21"] + x2 * w["w22"]
    z2.name = "z2"
    a2 = act(z2)
    a2.name = "A2"
    z3 = a1 * w["w31"] + a2 * w["w32"]
    z3.name = "z3"
    a3 = act(z3)
    a3.name = "A3"
    e = 0.5 * (a3 - yt) ** 2
    e.name = "E"
    return e


def with_slope(slope: Callable[[float, float], float]) -> Callable[[Value], Value]:
    """A sigmoid with the right value but the slope ``slope(z, σ(z))``: σ(z0) + slope·(z − z0)."""
    def act(z: Value) -> Value:
        z0 = z.data
        s = 1 / (1 + math.exp(-z0))
        return s + slope(z0, s) * (z - z0)
    return act


SLOPES = {
    "sigma_instead_of_derivative": lambda z, s: s,
    "z_times_sigma": lambda z, s: z * s,
    "derivative_at_activation": lambda z, s: (1 / (1 + math.exp(-s))) * (1 - 1 / (1 + math.exp(-s))),
}


@pytest.mark.parametrize("mistake", sorted(SLOPES))
@pytest.mark.parametrize("param", ["w11", "w22", "w31"])
def test_a_sigmoid_with_the_wrong_slope_everywhere_is_recognised(mistake, param):
    wrong = sigmoid_network(with_slope(SLOPES[mistake]))
    wrong.backward()
    answer = named(wrong, param).grad
    right = sigmoid_network(lambda z: z.sigmoid())
    g = grade(right, param, typed(answer))
    assert mistake in g.mistakes, g.text()
    assert g.expected == pytest.approx(build("004").expected_gradients[param], abs=1e-12)


def test_the_loss_rebuilt_without_its_constants_on_001():
    case = build("001")
    loss = case.loss()
    # the learner forgets the mean's 1/3: Σ (ŷ − y)² instead of (1/3)·Σ
    preds = [named(loss, f"yhat[{k}]") for k in (1, 2, 3)]
    targets = [named(loss, f"y[{k}]") for k in (1, 2, 3)]
    summed = sum(((p - t) ** 2 for p, t in zip(preds, targets)), Value(0.0))
    summed.backward()
    w = named(loss, "w3_11")
    assert grade(loss, w, typed(w.grad)).mistakes == ("loss_factor_dropped",)
    # and forgets the 2 of the square as well: (1/3)·Σ (ŷ − y)·… i.e. the gradient × 3/2
    g = grade(loss, "w3_11", typed(case.expected_gradients["w3_11"] * 1.5))
    assert g.mistakes == ("loss_factor_dropped",)


def test_rounded_intermediates_on_001_and_only_when_they_fit_better():
    loss = build("001").loss()
    # the learner's hand computation: (2/3)·Σ_k round(ŷ_k − y_k, 2)·round(h2_1[k], 2)
    hand = 2 / 3 * sum(round(named(loss, f"yhat[{k}]").data - named(loss, f"y[{k}]").data, 2)
                       * round(named(loss, f"h2_1[{k}]").data, 2) for k in (1, 2, 3))
    g = grade(loss, "w3_11", f"{hand:.4f}")
    assert g.mistakes == ("rounded_intermediates",)
    assert grade(loss, "w3_11", "6.970").correct  # the exact value to 4 digits
    assert grade(loss, "w3_11", "6.97").mistakes == ()


# --- random networks -----------------------------------------------------------------------------

def hidden_nodes(root: Value) -> list[Value]:
    return [n for n in topological_order(root) if n.name is not None and n.op is not None and n is not root]


def params_of(root: Value) -> list[Value]:
    return [n for n in topological_order(root) if n.name is not None and n.op is None
            and not n.name.startswith(("x", "t"))]


def distinct(answer: float, expected: float) -> bool:
    """Told apart as the catalogue tells them apart (``differs``: a gradient within 1e-15 of 0 is 0)."""
    return float(typed(answer)) != float(typed(expected)) and math.isfinite(answer) and differs(answer, expected)


@FEW
@given(network_specs(), st.data())
def test_a_right_answer_is_never_a_mistake(spec: NetworkSpec, data):
    net = build_network(spec)
    net.root.backward()
    node = data.draw(st.sampled_from(params_of(net.root) + hidden_nodes(net.root)))
    digits = data.draw(st.integers(3, 12))
    g = grade(net.root, node, f"{node.grad:#.{digits}g}")
    assert g.correct and g.mistakes == () and g.status == "correct", g.text()
    assert grade(net.root, node, node.grad).correct


@FEW
@given(network_specs(), st.data())
def test_missed_path_not_zeroed_sign_on_random_networks(spec: NetworkSpec, data):
    net = build_network(spec)
    root = net.root
    node = data.draw(st.sampled_from(params_of(root)))
    root.backward()
    right = node.grad
    assume(abs(right) > 1e-6)
    root.backward()  # no zero_grad: the leaf holds two passes
    assert "not_zeroed" in grade(root, node, typed(node.grad)).mistakes
    assert "sign_flipped" in grade(root, node, typed(-right)).mistakes
    stale = toy_backward(root, passes=2)[node]
    if distinct(stale, right):
        assert "stale_intermediate" in grade(root, node, typed(stale)).mistakes
    last = toy_backward(root, assign=True)[node]
    if distinct(last, right):
        assert "missed_path" in grade(root, node, typed(last)).mistakes


@FEW
@given(network_specs(), st.data())
def test_the_wrong_sigmoid_slope_on_random_networks(spec: NetworkSpec, data):
    mistake = data.draw(st.sampled_from(sorted(SLOPES)))
    right = build_network(spec)
    node = data.draw(st.sampled_from(params_of(right.root)))
    original = module._ACTIVATION_METHODS["sigmoid"]
    try:  # the learner's sigmoid: the right value, the wrong slope
        module._ACTIVATION_METHODS["sigmoid"] = with_slope(SLOPES[mistake])
        wrong = build_network(spec)
    finally:
        module._ACTIVATION_METHODS["sigmoid"] = original
    wrong.root.backward()
    answer = named(wrong.root, node.name).grad
    right.root.backward()
    assume(distinct(answer, node.grad))
    assert mistake in grade(right.root, node, typed(answer)).mistakes


@FEW
@given(network_specs(loss=st.sampled_from(("half_sse", "mse"))), st.data())
def test_a_dropped_loss_constant_on_random_networks(spec: NetworkSpec, data):
    net = build_network(spec)
    node = data.draw(st.sampled_from(params_of(net.root)))
    preds = [n for n in topological_order(net.root) if n.name is not None and n.name.startswith("yhat")]
    targets = [n for n in topological_order(net.root) if n.name is not None and n.name.startswith("t")]
    # the loss as Σ (yhat − t)², without its ½ or 1/n
    careless = sum(((p - t) ** 2 for p, t in zip(sorted(preds, key=lambda v: v.name), sorted(targets, key=lambda v: v.name))),
                   Value(0.0))
    careless.backward()
    answer = node.grad
    careless.zero_grad()
    net.root.backward()
    right = node.grad
    assume(distinct(answer, right))
    assert "loss_factor_dropped" in grade(net.root, node, typed(answer)).mistakes


@FEW
@given(network_specs(), st.data())
def test_a_swapped_weight_on_random_networks(spec: NetworkSpec, data):
    net = build_network(spec)
    root = net.root
    root.backward()
    weights = [n for n in params_of(root) if n.name.startswith("w")]
    pairs = [(w, v) for w in weights for v in weights if w.name[-2] != w.name[-1]
             and v.name == w.name[:-2] + w.name[-1] + w.name[-2]]
    assume(pairs)
    w, v = data.draw(st.sampled_from(pairs))
    assume(distinct(v.grad, w.grad))
    assert "swapped_weight_index" in grade(root, w, typed(v.grad)).mistakes


@FEW
@given(network_specs(), st.data())
def test_the_wrong_input_factor_on_random_networks(spec: NetworkSpec, data):
    net = build_network(spec)
    root = net.root
    root.backward()
    w = data.draw(st.sampled_from([n for n in params_of(root) if n.name.startswith("w")]))
    # ∂z/∂w written as z itself (document 000's "net h1" for a1): δ(z)·z for each use of w
    zs = [n for n in topological_order(root) if n.op is not None and n.op.name == "dot" and w in n.parents]
    answer = sum(z.grad * z.data for z in zs)
    assume(distinct(answer, w.grad))
    assert "wrong_input_factor" in grade(root, w, typed(answer)).mistakes


def test_a_swapped_weight_and_the_wrong_input_factor_on_004():
    loss = build("004").loss()
    loss.backward()
    w12, w21, z1 = named(loss, "w12"), named(loss, "w21"), named(loss, "z1")
    assert grade(loss, w12, typed(w21.grad)).mistakes == ("swapped_weight_index",)
    assert "wrong_input_factor" in grade(loss, w12, typed(z1.grad * z1.data)).mistakes  # z1 for x2


@FEW
@given(network_specs(hidden=st.just((2, 2)), bias=st.sampled_from(("per unit", "none")), samples=st.just(1)),
       st.sampled_from((1, 2)))
def test_a_neighbours_delta_on_random_two_layer_networks(spec: NetworkSpec, j: int):
    """003's slip: dL/da1_j = Σ_i δ(z2_i)·w2_ij written with δ(z1_1) for δ(z2_1)."""
    net = build_network(spec)
    root = net.root
    root.backward()
    a = named(root, f"a1_{j}")
    answer = named(root, "z1_1").grad * named(root, f"w2_1{j}").data + named(root, "z2_2").grad * named(root, f"w2_2{j}").data
    assume(distinct(answer, a.grad))
    assert "neighbour_factor" in grade(root, a, typed(answer)).mistakes


@FEW
@given(network_specs(output=st.just("linear"), loss=st.just("half_sse"), samples=st.just(1)), st.data())
def test_rounded_intermediates_on_random_networks(spec: NetworkSpec, data):
    net = build_network(spec)
    root = net.root
    root.backward()
    depth = len(spec.hidden) + 1  # the output weights w{depth}_1j multiply a{depth-1}_j
    units = [n for n in topological_order(root) if n.name is not None and n.name.startswith(f"w{depth}_1")]
    w = data.draw(st.sampled_from(units))
    a = named(root, f"a{depth - 1}_{w.name[-1]}")
    yhat, t = named(root, "yhat"), named(root, "t")
    answer = round(yhat.data - t.data, 2) * round(a.data, 2)  # the hand computation, to 2 decimals
    assume(distinct(answer, w.grad) and abs(answer - w.grad) > 1e-4)
    g = grade(root, w, f"{answer:.6f}")
    assert "rounded_intermediates" in g.mistakes


@FEW
@given(network_specs(), st.data())
def test_a_neighbours_gradient_is_the_derivation_of_another_node(spec: NetworkSpec, data):
    net = build_network(spec)
    root = net.root
    root.backward()
    hidden = hidden_nodes(root)
    node = data.draw(st.sampled_from(hidden))
    def one_digit_apart(a: str, b: str) -> bool:  # a different neuron or layer, the same sample
        diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        return len(a) == len(b) and len(diff) == 1 and a[diff[0]].isdigit() and "[" not in a[:diff[0]]

    others = [n for n in hidden if n is not node and n.op == node.op and one_digit_apart(n.name, node.name)]
    assume(others)
    other = data.draw(st.sampled_from(others))
    assume(distinct(other.grad, node.grad))
    assert "wrong_node" in grade(root, node, typed(other.grad)).mistakes


@FEW
@given(network_specs(), st.data())
def test_a_right_formula_is_never_a_mistake(spec: NetworkSpec, data):
    """∂L/∂w = Σ over the dot nodes using w of δ(z)·(the input w multiplies), written in node names."""
    net = build_network(spec)
    root = net.root
    w = data.draw(st.sampled_from(params_of(root)))
    terms = []
    for z in topological_order(root):
        if z.op is None or z.op.name != "dot":
            continue
        k = len(z.parents) // 2
        for i, p in enumerate(z.parents):
            if p is w:
                factor = "" if i >= 2 * k else "*" + z.parents[k + i].name  # a bias: ∂z/∂b = 1
                terms.append(f"δ({z.name}){factor}")
    g = grade(root, w, " + ".join(terms))
    assert g.correct and g.mistakes == () and g.kind == "formula", g.text()
