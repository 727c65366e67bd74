"""Every path, also through unnamed nodes; one label per node; named steps; values read as a learner types them.

Cases from public teaching material, with numbers computed here independently (by hand, in the
comments): micrograd's lecture graph, CS231n's (x+y)*z, the apple graph of Deep Learning from
Scratch, and a two-sigmoid quotient whose inputs reach the output along 3 and 2 paths. Then
property tests on random graphs with unnamed intermediates and shared nodes.
"""

from __future__ import annotations

import copy
import math
import pickle

import pytest
from hypothesis import given, settings

import nn
from autodiff import Value, check_formula, explain, topological_order
from autodiff.animation import frames
from autodiff.copying import copy_graph
from autodiff.expression import UnusedValueError, build_expression, parse_values
from autodiff.formula import FormulaError
from autodiff.labels import label_of
from autodiff.paths import count_paths
from autodiff.render import draw, edge_formula, graph_symbols
from autodiff.roles import INNER, LOSS, is_inner, is_loss, role
from tests.autodiff.strategies import checkable_cases, partly_named_graphs
from tests.teaching_graphs import MICROGRAD_GRADS, micrograd_lecture as micrograd_by_hand


def by_name(root: Value) -> dict[str, Value]:
    return {n.name: n for n in topological_order(root) if n.name is not None}


# --- micrograd's lecture graph: a=2, b=−3, c=10, e=a·b, d=e+c, f=−2, L=d·f ---------------------------
# L = (a·b + c)·f = (−6 + 10)·(−2) = −8; ∂L/∂d = f = −2, ∂L/∂f = d = 4, ∂L/∂e = ∂L/∂c = −2,
# ∂L/∂a = −2·b = 6, ∂L/∂b = −2·a = −4.
MICROGRAD_STEPS = "e = a*b\nd = e + c\nL = d*f"


@pytest.mark.parametrize("make", [micrograd_by_hand, lambda: build_expression(MICROGRAD_STEPS, parse_values(
    "a=2, b=-3, c=10, f=-2"))], ids=["by hand", "typed with named steps"])
def test_micrograd_lecture_graph(make) -> None:
    L = make()
    assert L.name == "L" and L.data == -8.0
    L.backward()
    nodes = by_name(L)
    for name, grad in MICROGRAD_GRADS.items():
        assert nodes[name].grad == grad
        e = explain(L, name)
        assert e.value == grad and e.path_count == 1
    assert explain(L, "a").text().splitlines()[0] == "∂L/∂a = ∂L/∂d · ∂d/∂e · ∂e/∂a"
    assert check_formula(L, "a", "f*b").ok and check_formula(L, "a", "δ(e)·b").ok
    wrong = check_formula(L, "a", "b")  # the local derivative alone: the upstream gradient forgotten
    assert not wrong.ok and wrong.formula_value == -3.0 and "∂L/∂a = 6" in wrong.text()


# --- CS231n: f = (x + y)·z at x=−2, y=5, z=−4: q = 3, f = −12, ∂f/∂x = ∂f/∂y = z = −4, ∂f/∂z = q = 3 ---

def test_cs231n_typed_expression_runs_through_the_unnamed_sum() -> None:
    f = build_expression("(x + y) * z", {"x": -2.0, "y": 5.0, "z": -4.0}, name="f")
    f.backward()
    nodes = by_name(f)
    assert [nodes[k].grad for k in "xyz"] == [-4.0, -4.0, 3.0]
    text = explain(f, "x").text()
    assert text == ("∂f/∂x = ∂f/∂q₁ · ∂q₁/∂x\n"
                    "      = z\n"
                    "      = (−4)\n"
                    "      = −4\n"
                    "where q₁ = x + y")
    assert check_formula(f, "x", "z").ok
    assert check_formula(f, "q₁", "z").ok and check_formula(f, "q_1", "z").ok and check_formula(f, "q1", "z").ok
    assert check_formula(f, "z", "q1").ok and check_formula(f, "z", "q_{1}").ok and check_formula(f, "z", "x + y").ok
    wrong = check_formula(f, "x", "1")  # ∂q/∂x alone
    assert not wrong.ok and "−4" in wrong.text()


def test_cs231n_with_the_lecture_s_named_step() -> None:
    f = build_expression("q = x + y; f = q * z", {"x": -2.0, "y": 5.0, "z": -4.0})
    assert f.name == "f" and f.data == -12.0
    f.backward()
    assert explain(f, "q").value == -4.0 and explain(f, "z").value == 3.0
    assert explain(f, "x").text().splitlines()[0] == "∂f/∂x = ∂f/∂q · ∂q/∂x"
    assert label_of(f)(f.parents[0]) == "q"


# --- Deep Learning from Scratch's apple graph: price = apple·count·tax ------------------------------
# apple 100, count 2, tax 1.1: ∂/∂apple = count·tax = 2.2, ∂/∂count = apple·tax = 110, ∂/∂tax = apple·count = 200.

def test_apple_graph_of_deep_learning_from_scratch() -> None:
    price = build_expression("apple * count * tax", {"apple": 100.0, "count": 2.0, "tax": 1.1}, name="price")
    price.backward()
    nodes = by_name(price)
    assert nodes["apple"].grad == pytest.approx(2.2, rel=1e-15)
    assert nodes["count"].grad == pytest.approx(110.0, rel=1e-15)
    assert nodes["tax"].grad == 200.0
    assert explain(price, "apple").text().splitlines()[0] == "∂price/∂apple = ∂price/∂q₁ · ∂q₁/∂apple"
    assert check_formula(price, "apple", "tax*count").ok
    forgot_tax = check_formula(price, "apple", "count")  # a student's slip: exactly 2, the tax forgotten
    assert not forgot_tax.ok and forgot_tax.formula_value == 2.0
    assert "path 1" in forgot_tax.text() and "tax" in forgot_tax.text()


# --- (x + σ(y)) / (σ(x) + (x + y)²): x reaches the output along 3 paths, y along 2 -----------------------

QUOTIENT = "(x + sigma(y)) / (sigma(x) + (x+y)^2)"


def test_paths_are_counted_exactly_in_every_form() -> None:
    f = build_expression(QUOTIENT, {"x": 1.0, "y": 2.0}, name="f")
    f.backward()
    nodes = by_name(f)
    for name, paths in (("x", 3), ("y", 2)):
        assert count_paths(f, nodes[name]) == paths
        for form in ("paths", "delta"):
            e = explain(f, name, form=form)
            assert e.path_count == paths
            assert abs(e.value - nodes[name].grad) <= 1e-15 * abs(nodes[name].grad)
            assert f"({paths} paths in all)" in e.text() if form == "delta" else f"{paths} paths from f" in e.text()
            assert f"({paths} paths)" in e.markdown()
    assert explain(f, "x", form="delta").text(lang="ko") != explain(f, "x", form="delta").text(lang="en")


# --- a loss's inner nodes stay one step; the learner's own do not ----------------------------------------

def test_a_loss_is_one_step_and_the_same_formula_by_hand_is_every_step() -> None:
    def network() -> tuple[Value, Value, Value]:
        w, x, t = Value(0.5, "w"), Value(2.0, "x"), Value(1.0, "t")
        y = (w * x).sigmoid()
        y.name = "y"
        return y, w, t

    y, w, t = network()
    loss = nn.bce_loss(y, t)
    loss.name = "Loss"
    by_nn = explain(loss, "w")
    assert by_nn.paths is not None and by_nn.paths[0].chain() == "∂Loss/∂y · ∂y/∂q₁ · ∂q₁/∂w"
    assert is_loss(loss) and role(loss) == LOSS
    inner = [n for n in topological_order(loss) if is_inner(n)]
    assert inner and all(role(n) == INNER and n.name is None for n in inner)
    assert all(label_of(loss)(n) is None for n in inner)

    y, w, t = network()
    by_hand = -(t * y.log() + (1 - t) * (1 - y).log())
    by_hand.name = "Loss"
    hand = explain(by_hand, "w")
    assert hand.value == by_nn.value and hand.path_count == 2  # through t·log(y) and through (1 − t)·log(1 − y)
    assert not any(is_inner(n) or is_loss(n) for n in topological_order(by_hand))


@pytest.mark.parametrize("loss_of", [
    lambda p, t: nn.mse_loss([p, p * 2], [t, t]),
    lambda p, t: nn.half_sse_loss(p, t),
    lambda p, t: nn.cross_entropy([p, t], 1),
    lambda p, t: nn.cross_entropy([[p, t], [t, p]], [0, 1]),
], ids=["mse", "half_sse", "cross_entropy", "cross_entropy batch"])
def test_every_loss_marks_what_it_builds_and_copies_keep_the_marks(loss_of) -> None:
    p, t = Value(0.3, "p"), Value(0.8, "t")
    loss = loss_of(p, t)
    assert is_loss(loss)
    assert not is_inner(p) and not is_inner(t)
    marked = {n for n in topological_order(loss) if role(n) is not None}
    def roles(root: Value) -> list[tuple[str, str | None]]:
        return sorted((n.op.name if n.op else "leaf", role(n) or "") for n in topological_order(root))

    for copied in (copy_graph(loss)[0], pickle.loads(pickle.dumps(loss)), copy.deepcopy(loss)):
        assert roles(copied) == roles(loss) and is_loss(copied)
    assert len(marked) > 1


def test_softmax_probabilities_are_one_step_from_the_logits() -> None:
    a, b = Value(1.0, "a"), Value(2.0, "b")
    p0, p1 = nn.softmax([a, b])
    p0.name = "p0"
    assert not is_inner(p0) and not is_loss(p0)
    e = explain(p0, "a")
    assert e.path_count == 1 and e.paths is not None and e.paths[0].chain() == "∂p0/∂a"
    assert e.value == pytest.approx(p0.data * (1 - p0.data), rel=1e-12)


def test_document_000_keeps_its_three_paths_for_b_1() -> None:
    from nn.reference import build

    loss = build("000").loss()
    e = explain(loss, "b_1")
    assert e.path_count == 3 and e.value == pytest.approx(-0.09064978889061868, rel=1e-14)
    assert [p.route() for p in e.paths or ()][0] == "Loss → y → net o1 → Out h1 → net h1 → b_1"


# --- labels: one per node, unique, stable, the same everywhere -------------------------------------------

def test_labels_skip_names_in_use_and_are_stable_in_copies() -> None:
    x, q1 = Value(1.0, "x"), Value(2.0, "q_2")  # q_2 is taken in one of its spellings: q₂ is skipped
    root = (x * q1) + x.exp() * 3.0
    labels = label_of(root)
    automatic = sorted(labels.automatic().values())
    assert automatic == ["q₁", "q₃", "q₄", "q₅"]
    copied, mapping = copy_graph(root)
    again = label_of(copied)
    assert all(again(mapping[n]) == labels(n) for n in topological_order(root))
    assert labels.spellings()["q_3"] == labels.spellings()["q3"] == labels.spellings()["q_{3}"] == "q₃"


def test_the_drawing_the_animation_and_the_verdict_use_the_same_label() -> None:
    x, y = Value(3.0, "x"), Value(2.0, "y")
    f = x * y + x
    f.name = "f"
    f.backward()
    q = f.parents[0]
    assert label_of(f)(q) == "q₁"
    assert "<I>q₁</I>" in draw(f).source
    assert edge_formula(f, 0, graph_symbols(f)) is not None
    assert any("'q₁'" in frame.caption for frame in frames(f))
    verdict = check_formula(f, "x", "y")  # one of the two paths
    assert not verdict.ok and "f → q₁ → x" in verdict.text() and "misses path 1 (f → x)" in verdict.text()
    assert explain(f, "x").path_count == 2 and explain(f, "q₁").value == 1.0


# --- values ----------------------------------------------------------------------------------------------

def test_a_missing_value_and_an_unused_value() -> None:
    with pytest.raises(FormulaError, match="no value given for y") as missing:
        build_expression("x*y", {"x": 1.0})
    assert missing.value.position == 2 and "at position 3" in str(missing.value)
    with pytest.raises(UnusedValueError, match="'z'") as unused:
        build_expression("x*y", {"x": 1.0, "y": 2.0, "z": 3.0})
    assert unused.value.field == "values" and unused.value.names == ("z",)
    with pytest.raises(FormulaError, match="no value given for neth1.*did you mean 'net h1'"):
        build_expression("neth1 * 2", {"net h1": 1.0})


def test_names_are_folded_one_token_at_a_time_and_invisible_characters_refused() -> None:
    f = build_expression("ｘ * 2 + x", {"x": 1.5})  # the full-width ｘ is x
    assert len([n for n in topological_order(f) if n.name == "x"]) == 1 and f.data == 4.5
    assert parse_values("ｗ1 = 2") == {"w1": 2.0}
    squared = build_expression("x²", {"x": 3.0})  # x squared: folding the whole text would have read a name x2
    assert squared.data == 9.0 and squared.op is not None and squared.op.name == "pow"
    for hidden in ("\u200b", "\u202e", "\x07"):
        with pytest.raises(ValueError, match=f"U\\+{ord(hidden):04X}"):
            build_expression("x", {f"x{hidden}": 1.0})
        with pytest.raises(ValueError, match="invisible"):
            parse_values(f"x{hidden}=1")
    with pytest.raises(ValueError, match="print the same"):
        build_expression("x", {"x": 1.0, "ｘ": 2.0})


@pytest.mark.parametrize("text, message, position", [
    ("q = x + y; q * z; f = q", "only the last line", 11),
    ("q = x + y; f = z * 2", "the step q is not used", 0),
    ("x = y + z; f = x", "given a value and also defined", 0),
    ("q = y + z; q = q * 2", "defined twice", 11),
    ("q = y; f = q * z", "only repeats a node", 0),
    ("= y + z", "needs a name", 0),
])
def test_named_steps_that_cannot_be_built(text: str, message: str, position: int) -> None:
    values = {"x": 0.5, "y": 1.0, "z": 2.0}
    values = {k: v for k, v in values.items() if k in text}
    with pytest.raises(FormulaError, match=message) as info:
        build_expression(text, values)
    assert info.value.position == position


# --- the property: on random graphs, every path through every node the learner made ------------------------

def distinct_paths(root: Value, node: Value) -> int:
    """Paths from root to node through distinct parents (a + a is one step, ∂/∂a = 2, as a derivation writes it)."""
    counts = {root: 1}
    for n in topological_order(root):
        for p in set(n.parents):
            counts[p] = counts.get(p, 0) + counts.get(n, 0)
    return counts.get(node, 0)


@settings(max_examples=60, deadline=None)
@given(partly_named_graphs(max_steps=8))
def test_paths_run_through_every_node_on_random_graphs(graph: tuple[Value, list[Value]]) -> None:
    out, xs = graph
    labels = label_of(out)
    shown = [labels(n) for n in topological_order(out) if labels(n) is not None]
    assert len(shown) == len(set(shown))  # unique
    assert all(labels(n) is not None for n in topological_order(out) if n.op is not None)
    for x in xs:
        raw = distinct_paths(out, x)
        for form in ("paths", "delta"):
            if form == "paths" and raw > 64:
                continue
            e = explain(out, x, form=form)
            assert e.path_count == raw
            assert e.value == x.grad or math.isclose(e.value, x.grad, rel_tol=1e-12, abs_tol=1e-300)
