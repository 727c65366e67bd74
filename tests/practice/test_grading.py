"""The grading contract: numbers and their digits, formulas, unreadable answers, bad arguments;
and the exercises: kinds, determinism, and that each tested mistake is told apart."""

from __future__ import annotations

import pytest

from autodiff import Value
from autodiff.practice import MISTAKES, Grade, grade
from autodiff.practice.catalogue import are_neighbours, candidates, swapped_index
from autodiff.practice.exercises import KINDS, from_case, from_graph, from_seed, make_exercises
from autodiff.practice.random_networks import random_network
from autodiff.typed import fits, read_number
from nn.reference import build


@pytest.fixture(scope="module")
def loss004():
    return build("004").loss()


@pytest.mark.parametrize("text, value, decimals, digits", [
    ("0.23", 0.23, 2, 2), ("−0.130", -0.13, 3, 3), ("6.975", 6.975, 3, 4), ("1.5e-3", 0.0015, 4, 2),
    ("-2.50E+2", -250.0, 0, 3), ("72", 72.0, 0, 2), (".5", 0.5, 1, 1), ("+3.", 3.0, 0, 1), ("0", 0.0, 0, 1),
])
def test_reading_a_typed_number(text, value, decimals, digits):
    t = read_number(text)
    assert t is not None and (t.value, t.decimals, t.digits) == (value, decimals, digits)


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "1e", "--1", "0x10", "1,5", "e5", "."])
def test_not_a_number(text):
    assert read_number(text) is None


def test_a_number_fits_when_it_is_the_value_rounded_to_its_digits():
    assert fits(read_number("0.0929"), 0.09290711608)
    assert fits(read_number("0.000929"), 0.00092907116)
    assert not fits(read_number("0.000928"), 0.00092907116)
    assert fits(read_number("0.125"), 0.1245) and fits(read_number("0.125"), 0.1255)  # half-way either way


def test_the_grade_object(loss004):
    g = grade(loss004, "w11", "0.000929")
    assert isinstance(g, Grade) and g.correct and g.mistakes == () and g.status == "correct"
    assert g.expected == pytest.approx(0.0009290711608096595, abs=1e-15)
    assert g.text().startswith("Right:")
    import json
    data = json.loads(json.dumps(grade(loss004, "w31", "(A3 - y_t)*A3*A1").as_dict()))
    assert data["mistakes"] == ["sigma_instead_of_derivative"] and data["correct"] is False
    assert data["text"].startswith("You wrote σ(z3)") and data["diagnoses"][0]["mistake"] == data["mistakes"][0]
    node = [p for p in build("004").model.parameters()]  # a Value of another graph
    with pytest.raises(ValueError, match="not in the graph"):
        grade(loss004, node[0], 0.1)


def test_digits_decide(loss004):
    assert grade(loss004, "w11", "0.00093").status == "imprecise"  # two digits: right, but too coarse
    assert grade(loss004, "w11", "0.0009291").correct
    assert grade(loss004, "w11", "0.0009290").correct is False  # 4 digits: 0.00092907 rounds to 0.0009291
    assert grade(loss004, "w11", 0.0009290711608096595).correct  # a float as computed


def test_unreadable_answers_say_why(loss004):
    for answer, words in (("", "empty"), ("w11 +", "expected"), ("foo*2", "unknown name 'foo'"), ("inf", "unknown name 'inf'"), ("1e400", "not a finite number"),
                          ("x" * 5000, "longer than")):
        g = grade(loss004, "w11", answer)
        assert g.status == "unreadable" and not g.correct and g.mistakes == ()
        assert words in g.text()
    assert grade(loss004, "w11", float("nan")).status == "unreadable"
    assert grade(loss004, "w11", 10**400).status == "unreadable"


def test_bad_arguments_raise_clear_errors(loss004):
    with pytest.raises(TypeError, match="answer must be"):
        grade(loss004, "w11", [0.1])
    with pytest.raises(TypeError, match="answer must be"):
        grade(loss004, "w11", True)
    with pytest.raises(ValueError, match="no node named 'w99'"):
        grade(loss004, "w99", "0.1")
    with pytest.raises(TypeError, match="root must be a Value"):
        grade(0.5, "w11", "0.1")
    with pytest.raises(TypeError, match="node must be a Value or a node name"):
        grade(loss004, 3, "0.1")


def test_a_formula_answer(loss004):
    assert grade(loss004, "w31", "(A3 - y_t)*A3*(1 - A3)*A1").correct
    g = grade(loss004, "w31", "(A3 - y_t)*A3*A1")
    assert g.mistakes == ("sigma_instead_of_derivative",) and g.kind == "formula"
    g = grade(loss004, "w12", "(A3 - y_t)*A3*(1-A3)*w31*A1*(1-A1)*x1")
    assert g.mistakes == ("wrong_node",)  # that is w11's derivation
    g = grade(loss004, "w12", "(A3 - y_t)*A3*(1-A3)*w21*A1*(1-A1)*x2")
    assert g.mistakes == ("neighbour_factor",)  # w21 (a neighbouring weight) where the path has w31
    g = grade(loss004, "w31", "(y_t - A3)*A3*(1 - A3)*A1")
    assert g.mistakes == ("sign_flipped",)
    g = grade(loss004, "w11", "2*(A3 - y_t)*A3*(1-A3)*w31*A1*(1-A1)*x1")
    # the ½ dropped, so the 2 of the square stays: twice the gradient, which two passes also give
    assert g.mistakes == ("not_zeroed", "loss_factor_dropped")


def test_formula_and_number_texts_name_the_mistake_then_the_right_step(loss004):
    g = grade(loss004, "w31", "(A3 - y_t)*A3*A1")
    lines = g.text().splitlines()
    assert lines[0].startswith("You wrote σ(z3) for its derivative σ′(z3) at A3.")
    assert "σ′(z3) = A3(1 − A3) = 0.213" in lines[1]
    assert "0.0276740349" in lines[1]


def test_neighbour_names_and_swapped_indices():
    assert are_neighbours("z1_1", "z2_1") and are_neighbours("w2_12", "w2_21") and are_neighbours("h1_1[2]", "h1_2[2]")
    assert not are_neighbours("h1_1[1]", "h1_1[2]") and not are_neighbours("a1", "b1") and not are_neighbours("x", "x")
    assert swapped_index("w2_12") == "w2_21" and swapped_index("w12") == "w21" and swapped_index("w1_11") is None


def test_every_candidate_is_different_from_the_right_value_and_from_the_catalogue():
    loss = build("000").loss()
    found = candidates(loss, [n for n in __import__("autodiff").topological_order(loss) if n.name == "b_1"][0])
    assert {c.mistake for c in found} <= set(MISTAKES)
    assert all(abs(c.value - -0.09064978889061868) > 1e-12 for c in found)
    assert {"missed_path", "sign_flipped", "z_times_sigma"} <= {c.mistake for c in found}


# --- exercises -----------------------------------------------------------------------------------

def test_every_kind_on_every_document_and_grading_a_right_answer():
    for case in ("000", "001", "002", "003", "004"):
        es = from_case(case)
        assert [e.kind for e in es.exercises] == list(KINDS)
        es.root.backward()
        for _, q in es.questions():
            g = q.grade(f"{q.expected:.7g}")
            assert g.correct, (case, q.prompt, g.text())


def test_each_mistake_an_exercise_tests_is_told_apart_from_the_right_answer():
    """The numbers of the mistakes an exercise claims to test, typed to 4 digits, are named as them."""
    for seed in range(6):
        for e in from_seed(seed).exercises:
            if e.kind != "gradient":
                continue
            (node,) = e.nodes
            assert e.tests
            wanted = {c.mistake: c for c in candidates(e.root, node) if c.mistake in e.tests}
            for mistake, c in wanted.items():
                if mistake == "rounded_intermediates":
                    continue  # its number is only named when it fits better than the right one
                g = grade(e.root, node, f"{c.value:#.4g}")
                assert not g.correct and mistake in g.mistakes, (seed, mistake, g.text())


def test_a_gradient_exercise_prefers_a_node_with_several_paths():
    for case in ("000", "001", "002", "003"):
        (e,) = [x for x in from_case(case).exercises if x.kind == "gradient"]
        assert "missed_path" in e.tests, case


def local_formula(u, v):
    """∂u/∂v written in node names, from the derivation's own factors for the edge."""
    from autodiff.paths import read_graph
    graph = read_graph(u, v)
    (path,) = graph.paths()
    return "*".join(f"({f.symbol.text()})" for f in path.factors)


def test_next_step_and_local_exercises_recognise_their_own_mistakes():
    es = from_case("004", kinds=["next_step", "local"])
    es.root.backward()
    step, local = es.exercises
    u, v = step.nodes
    d = sum(x for p, x in zip(u.parents, u.local_grads) if p is v)
    assert step.grade(f"{u.grad * d:.6g}").correct
    assert step.grade(f"{d:.6g}").mistakes == ("upstream_dropped",)
    assert step.grade(f"{-u.grad * d:.6g}").mistakes == ("sign_flipped",)
    # A formula is read and graded as the number it gives (issue 22): δ(u)·∂u/∂v written out is right,
    # δ(u) alone forgets the local derivative, and δ(v) restates the question (the answer is part of it).
    local_text = local_formula(u, v)
    assert step.grade(f"δ({u.name})*{local_text}").correct
    alone = step.grade(f"δ({u.name})")
    assert alone.mistakes == ("wrong_node",) and alone.kind == "formula" and f"δ({u.name})" in alone.text()
    restated = step.grade(f"δ({v.name})")
    assert restated.status == "wrong" and not restated.mistakes and "earns nothing" in restated.text()
    a, z = local.nodes
    assert local.grade(f"{a.data:.6g}").mistakes == ("sigma_instead_of_derivative",)
    assert local.grade(f"{a.local_grads[0]:.6g}").correct
    assert local.grade(f"{a.name}*(1-{a.name})").correct


def test_exercises_are_deterministic_and_come_from_any_graph():
    def names(es):
        return [(e.kind, [n.name for n in e.nodes]) for e in es.exercises]
    assert names(from_seed(11)) == names(from_seed(11))
    assert random_network(3).description == random_network(3).description
    x, w = Value(1.5, name="x"), Value(-0.5, name="w")
    z = x * w
    z.name = "z"
    h = z.sigmoid()
    h.name = "h"
    y = h * h + w
    y.name = "y"
    es = from_graph(y, seed=2, count=6)
    assert len(es.exercises) == 6 and es.exercises[0].kind == "gradient"
    y.backward()
    for _, q in es.questions():
        assert q.grade(f"{q.expected:.8g}").correct


def test_make_exercises_refuses_bad_arguments():
    y = Value(1.0, name="a") * Value(2.0, name="b")
    with pytest.raises(ValueError, match="kinds"):
        make_exercises(y, kinds=["essay"])
    with pytest.raises(ValueError, match="count"):
        make_exercises(y, count=0)
    with pytest.raises(TypeError, match="seed"):
        make_exercises(y, seed="7")
    with pytest.raises(TypeError, match="seed"):
        random_network(1.5)


def test_a_graph_too_large_to_work_by_hand_is_refused_clearly():
    x = Value(0.5, name="x")
    y = x
    for _ in range(6000):
        y = y * 1.0001
    y.name = "y"
    with pytest.raises(ValueError, match="MAX_NODES"):
        grade(y, x, "1.0")
