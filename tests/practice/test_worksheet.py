"""Worksheets: a fixed seed gives the stored golden files (reviewed by hand once), and every
answer on them is what backward() computes."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from autodiff.practice import worksheet
from autodiff.practice.exercises import from_case, from_seed

GOLDEN = Path(__file__).with_name("golden")
SEED = 14  # 1 -> 2 -> 2 -> 1 sigmoid net, shared biases, cross-entropy: the shared bias has 4 paths


def test_markdown_worksheet_matches_the_golden_file():
    assert worksheet.markdown(from_seed(SEED)) == (GOLDEN / f"worksheet_seed{SEED}.md").read_text(encoding="utf-8")


def test_latex_worksheet_matches_the_golden_file():
    assert worksheet.latex(from_seed(SEED)) == (GOLDEN / f"worksheet_seed{SEED}.tex").read_text(encoding="utf-8")


def expected_from_backward(es):
    """Each question's right answer, from the engine: backward() once, then read .grad."""
    es.root.backward()
    out = []
    for _, q in es.questions():
        e = q.exercise
        if e.kind in ("gradient", "fill"):
            out.append(q.node.grad)
        else:
            u, v = e.nodes
            local = sum(d for p, d in zip(u.parents, u.local_grads) if p is v)
            out.append(local if e.kind == "local" else u.grad * local)
    return out


@pytest.mark.parametrize("make", [lambda: from_seed(SEED), lambda: from_seed(7), lambda: from_case("000"),
                                  lambda: from_case("001")])
def test_the_answers_are_backwards_and_stand_after_the_page_break(make):
    es = make()
    md, tex = worksheet.markdown(es), worksheet.latex(es)
    exercises_md, answers_md = md.split(worksheet.PAGE_BREAK_MARKDOWN)
    answers_tex = tex.split(r"\newpage")[1]
    for (_, q), right in zip(es.questions(), expected_from_backward(es)):
        assert math.isclose(q.expected, right, rel_tol=1e-12, abs_tol=1e-15)
        shown = f"{q.expected:.6g}".replace("-", "−")
        assert shown in answers_md
        assert f"{q.expected:.6g}".replace("-", "$-$") in answers_tex
        if q.exercise.kind == "gradient":  # the exercises page does not give the answer away
            assert shown not in exercises_md


def test_same_seed_same_worksheet_and_other_seeds_differ():
    assert worksheet.markdown(from_seed(3)) == worksheet.markdown(from_seed(3))
    assert worksheet.latex(from_case("004", seed=1)) == worksheet.latex(from_case("004", seed=1))
    assert worksheet.markdown(from_seed(3)) != worksheet.markdown(from_seed(4))


def test_latex_is_plain_ascii_with_the_answers_on_a_new_page():
    for es in (from_seed(SEED), from_case("000"), from_case("003")):
        tex = worksheet.latex(es)
        assert tex.isascii()
        assert tex.startswith(r"\documentclass") and tex.rstrip().endswith(r"\end{document}")
        assert tex.count(r"\newpage") == 1 and tex.index(r"\newpage") < tex.index("Answers")


def test_a_fill_exercise_shows_grad_question_marks_for_the_hidden_nodes():
    es = from_seed(SEED)
    (fill,) = [e for e in es.exercises if e.kind == "fill"]
    dot = fill.figure()
    assert dot.count("grad ?") >= len(fill.nodes)
    for n in fill.nodes:
        assert fill.shown()[n] is None
    shown = [n for n, g in fill.shown().items() if g is not None]
    assert es.root in shown and shown  # the pass has started at the loss
