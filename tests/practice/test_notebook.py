"""The notebooks' exercises (autodiff.practice.notebook), graded in-process on the same definitions the
notebooks use: a right and a wrong answer to each, the mistake each is about recognised, the hint,
and what a cell shows (Markdown) in English and Korean.
"""

from __future__ import annotations

import math
import re

import pytest

from autodiff import Value
from autodiff.formatting import final_number
from autodiff.i18n import lookup
from autodiff.practice import MISTAKES
from autodiff.practice.catalogue import Context, candidates_in
from autodiff.practice.notebook import EXERCISES, check, check_own, chain_graph, two_point_fit
from autodiff.practice.exercises import _local_target, _step_target

KEYS = sorted(EXERCISES)


def sig(x: float, digits: int = 6) -> str:
    """``x`` to ``digits`` significant digits, as a learner types it."""
    return f"{x:.{digits - 1}e}" if x != 0 and (abs(x) < 1e-3 or abs(x) >= 1e4) else f"{x:.{digits}g}"


def mistake_values(key: str) -> dict[str, list[float]]:
    """The numbers a learner making each catalogue mistake gets on this exercise (from the catalogue)."""
    ex = EXERCISES[key].exercise()
    if ex.kind == "gradient":
        found = candidates_in(Context(ex.root, ex.nodes[0]))
    elif ex.kind == "local":
        found = _local_target(*ex.nodes).candidates()
    else:
        found = _step_target(ex.root, *ex.nodes).candidates()
    out: dict[str, list[float]] = {}
    for c in found:
        out.setdefault(c.mistake, []).append(c.value)
    return out


def test_every_notebook_has_at_least_three_exercises_and_together_they_cover_the_catalogue() -> None:
    per_notebook: dict[str, int] = {}
    for key in KEYS:
        per_notebook[key[:2]] = per_notebook.get(key[:2], 0) + 1
    assert sorted(per_notebook) == [f"{n:02d}" for n in range(1, 9)]
    assert min(per_notebook.values()) >= 3
    covered = {m for e in EXERCISES.values() for m in e.watch_for}
    assert covered == set(MISTAKES)


@pytest.mark.parametrize("key", KEYS)
def test_the_right_answer_is_right(key: str) -> None:
    spec = EXERCISES[key]
    expected = spec.exercise().questions()[0].expected
    feedback = check(key, sig(expected))
    assert feedback.correct and feedback.status == "correct", feedback.text()
    assert feedback.markdown().startswith("✓ **Exercise")
    assert "<details>" not in feedback.markdown()  # nothing to unfold
    assert check(key, expected).correct  # a Python number works too


@pytest.mark.parametrize("key", KEYS)
def test_each_mistake_an_exercise_is_about_is_recognised(key: str) -> None:
    spec = EXERCISES[key]
    values = mistake_values(key)
    expected = spec.exercise().questions()[0].expected
    for mistake in spec.watch_for:
        assert mistake in values, (key, mistake)
        # The first way of making it whose number differs from the right one at 4 digits.
        wrong = next(v for v in values[mistake] if float(sig(v, 4)) != float(sig(expected, 4)))
        feedback = check(key, sig(wrong, 6))
        assert not feedback.correct and feedback.status == "mistake", (key, mistake, feedback.text())
        assert mistake in feedback.grade.mistakes, (key, mistake, feedback.grade.mistakes)  # type: ignore[union-attr]
        shown = feedback.markdown()
        assert shown.startswith("✗ **Exercise") and lookup(MISTAKES[feedback.grade.mistakes[0]]) in shown  # type: ignore[union-attr]
        # The worked answer is folded away and ends in the right value.
        assert "<details><summary>The worked answer</summary>" in shown
        assert final_number(expected) in shown.split("<details>")[1]


# --- answers a learner types, worked by hand (independent of the catalogue) ---------------------------

HAND = [
    # (exercise, answer, right?, the mistake named)
    ("01.1", "6", True, None),                       # δ(e)·∂e/∂a = (−2)·(−3)
    ("01.1", "-3", False, "upstream_dropped"),       # ∂e/∂a = b alone
    ("01.2", "2*a + 1", True, None),                 # dz/da = 2a + 1
    ("01.2", "4", False, "missed_path"),             # the path through u alone: 2a
    ("01.2", "2*a", False, "missed_path"),
    ("01.3", "27", True, None),                      # 3x² at x = 3
    ("01.3", "54", False, "not_zeroed"),             # backward() twice: 27 + 27
    ("01.3", "72", False, "stale_intermediate"),     # micrograd after two passes
    ("02.1", "a*(1 - a)", True, None),
    ("02.1", "sigmoid(z)", False, "sigma_instead_of_derivative"),
    ("02.1", "z*sigmoid(z)", False, "z_times_sigma"),
    ("02.2", "(a - t)*a*(1 - a)*x1", True, None),
    ("02.2", "(a - t)*a*(1 - a)*z", False, "wrong_input_factor"),
    ("02.3", "(a - t)*a*(1 - a)", True, None),
    ("02.3", "(t - a)*a*(1 - a)", False, "sign_flipped"),
    ("03.1", "(y - t)*Out h1", True, None),
    ("03.2", "(y-t)*W_20*Out h1*(1-Out h1)", False, "missed_path"),  # document 000's ④: the h1 path alone
    ("03.2", "(y-t)*(W_20*Out h1*(1-Out h1) + W_21*Out h2*(1-Out h2) + W_22*Out h3*(1-Out h3))", True, None),
    ("03.3", "Out h1*(1 - Out h1)", True, None),
    ("03.3", "net h1*sigmoid(net h1)", False, "z_times_sigma"),  # ④'s σ′ as written
    ("04.1", "6.975", False, "rounded_intermediates"),  # document 001's number from two-digit activations
    ("04.1", "6.96998", True, None),
    ("05.1", "(a3_2 - t2)*a3_2*(1 - a3_2)*a2_1", False, "swapped_weight_index"),  # w3_21's gradient
    ("05.1", "(a3_1 - t1)*a3_1*(1 - a3_1)*a2_2", True, None),
    ("06.1", "δ(z1_1)*w2_11 + δ(z1_2)*w2_21", False, "neighbour_factor"),  # line 34: z¹ written for z²
    ("06.1", "δ(z2_1)*w2_11 + δ(z2_2)*w2_21", True, None),
    ("07.3", "(A3 - y_t)*A3*(1 - A3)*A1", True, None),
    ("07.3", "(y_t - A3)*A3*(1 - A3)*A1", False, "sign_flipped"),
    ("08.1", "-10.2", False, "loss_factor_dropped"),       # the mean's 1/2 dropped: twice −5.1
    ("08.1", "(y1 - t1)*x1 + (y2 - t2)*x2", True, None),
    ("08.2", "y1 - t1 + y2 - t2", True, None),
    ("08.2", "(y2 - t2)", False, "missed_path"),     # one sample only
    ("08.3", "-0.790", True, None),                 # after one step: b = 0.09, ∂L/∂b = (1.01 + 0.09 − 1) + (2.02 + 0.09 − 3)
    ("08.3", "-1.58", False, "not_zeroed"),
]


@pytest.mark.parametrize("key,answer,right,mistake", HAND, ids=[f"{k}:{a}" for k, a, _, _ in HAND])
def test_answers_worked_by_hand(key: str, answer: str, right: bool, mistake: str | None) -> None:
    feedback = check(key, answer)
    assert feedback.correct == right, feedback.text()
    if mistake is not None:
        assert mistake in feedback.grade.mistakes, feedback.text()  # type: ignore[union-attr]


def test_the_hand_numbers_are_the_graphs() -> None:
    L = chain_graph()
    L.backward()
    by_name = {n.name: n for n in (L.parents[0], L.parents[1])}
    assert by_name["f"].grad == 4.0  # ∂L/∂f = d = a·b + c = 4
    fit = two_point_fit()
    fit.backward()
    # L = ((w·1 + b − 1)² + (w·2 + b − 3)²)/2 at w = 0.5, b = −0.2: ∂L/∂w = (−0.7)·1 + (−2.2)·2 = −5.1
    w = next(n for n in _leaves(fit) if n.name == "w")
    b = next(n for n in _leaves(fit) if n.name == "b")
    assert math.isclose(w.grad, -5.1, rel_tol=1e-12) and math.isclose(b.grad, -2.9, rel_tol=1e-12)


def _leaves(root: Value) -> list[Value]:
    out, stack, seen = [], [root], {root}
    while stack:
        n = stack.pop()
        if n.op is None:
            out.append(n)
        for p in n.parents:
            if p not in seen:
                seen.add(p)
                stack.append(p)
    return out


# --- what a cell shows -------------------------------------------------------------------------------

@pytest.mark.parametrize("key", KEYS)
def test_an_unanswered_exercise_shows_its_question_and_raises_nothing(key: str) -> None:
    feedback = check(key, None)
    assert feedback.status == "unanswered" and not feedback.correct and feedback.grade is None
    shown = feedback._repr_markdown_()
    assert shown.startswith(f"**Exercise {EXERCISES[key].number}: type your answer.** ")
    assert EXERCISES[key].prompt() in shown and "Replace `None`" in shown
    assert "Hint" not in shown
    assert repr(feedback) == f"Feedback(Exercise {EXERCISES[key].number}: unanswered)"


def test_a_hint_on_request_comes_from_the_grader() -> None:
    # Unanswered: the description of the mistake the exercise is about.
    assert f"**Hint:** watch for this common mistake: {MISTAKES['missed_path']}." in check("01.2", None, hint=True).markdown()
    # A number that made a mistake: that mistake's description.
    assert MISTAKES["not_zeroed"] in check("01.3", "54", hint=True).markdown()
    # A formula that misses a path: the first path it missed.
    shown = check("03.2", "(y-t)*W_20*Out h1*(1-Out h1)", hint=True).markdown()
    assert re.search(r"\*\*Hint:\*\* the sum also needs path \d: Loss → ", shown)
    # No hint after a right answer, none unless asked.
    assert check("01.2", "5", hint=True).hint is None
    assert check("01.2", "4").hint is None


def test_wrong_unreadable_and_coarse_answers() -> None:
    wrong = check("01.2", "5.55")
    assert wrong.status == "wrong" and "fits none of the common mistakes" in wrong.markdown()
    coarse = check("01.2", "7")
    assert "Type at least 3 significant digits" in coarse.markdown()
    unreadable = check("01.2", "2*")
    assert unreadable.status == "unreadable" and "I cannot read this answer" in unreadable.markdown()
    assert "<details>" not in unreadable.markdown()
    with pytest.raises(KeyError, match="no notebook exercise '09.1'"):
        check("09.1", 1.0)


def test_your_own_expression() -> None:
    x, y = Value(1.5, name="x"), Value(-0.5, name="y")
    u = x * y
    u.name = "u"
    v = x.exp()
    v.name = "v"
    q = u + v
    q.name = "q"
    assert check_own(q, "x", None).status == "unanswered"
    assert "Your own expression: type your answer." in check_own(q, x, None).markdown()
    assert check_own(q, "x", "y + exp(x)").correct  # ∂q/∂x = y + eˣ
    assert check_own(q, "x", -0.5 + math.exp(1.5)).correct
    missed = check_own(q, "x", "exp(x)", hint=True)
    assert "missed_path" in missed.grade.mistakes  # type: ignore[union-attr]
    assert "the sum also needs path" in missed.markdown()
    assert "q reaches x along 2 paths: the gradient is the sum" in check_own(q, "x", None, hint=True).markdown()
    assert x.grad == 0.0  # nothing changed on the learner's graph


def test_in_korean() -> None:
    unanswered = check("01.2", None, lang="ko").markdown()
    assert unanswered.startswith("**연습 2: 답을 입력하세요.** ") and "∂z/∂a" in unanswered
    wrong = check("01.1", "-3", lang="ko", hint=True).markdown()
    assert wrong.startswith("✗ **연습 1: 아직 틀렸다.**") and lookup(MISTAKES["upstream_dropped"], "ko") in wrong
    assert "<summary>풀이 보기</summary>" in wrong
    assert check("01.1", "6", lang="ko").markdown().startswith("✓ **연습 1.** ")
    for key in KEYS:  # the same numbers in both languages
        en, ko = check(key, None).markdown(), check(key, None, lang="ko").markdown()
        assert re.findall(r"\d+(?:\.\d+)?", ko) == re.findall(r"\d+(?:\.\d+)?", en), key


@pytest.mark.parametrize("key", KEYS)
def test_a_hint_before_answering_names_the_mistake_the_exercise_is_about(key: str) -> None:
    shown = check(key, None, hint=True).markdown()
    assert f"**Hint:** watch for this common mistake: {MISTAKES[EXERCISES[key].watch_for[0]]}." in shown
    ko = check(key, None, hint=True, lang="ko").markdown()
    assert f"**힌트:** 이 흔한 실수를 조심하세요: {lookup(MISTAKES[EXERCISES[key].watch_for[0]], 'ko')}." in ko
