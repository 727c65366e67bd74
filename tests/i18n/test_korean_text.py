"""The explanations and the checker's verdicts in Korean: the same numbers as in English, Korean words."""

from __future__ import annotations

import re

import pytest

from autodiff import check_formula, explain
from autodiff.i18n import LanguageError
from nn.reference import build

from .korean import ROOT, decimals, hangul

CASES = ("000", "001", "002", "003", "004")


@pytest.fixture(scope="module")
def losses():
    out = {}
    for seed in CASES:
        case = build(seed)
        loss = case.loss()
        loss.backward()
        out[seed] = (case, loss)
    return out


@pytest.mark.parametrize("seed", CASES)
@pytest.mark.parametrize("form", ["paths", "delta"])
def test_every_explanation_in_korean_has_the_numbers_of_the_english_one(losses, seed, form):
    case, loss = losses[seed]
    for name, _ in case.model.named_parameters():
        if form == "paths" and explain(loss, name, form="delta").path_count > 64:
            continue  # the path form refuses these; the delta form covers them
        e = explain(loss, name, form=form)
        for render in ("text", "markdown", "latex"):
            english, korean = getattr(e, render)(lang="en"), getattr(e, render)(lang="ko")
            assert decimals(korean) == decimals(english), (seed, name, render)
            assert getattr(e, render)() == english  # the suite is pinned to English
        if e.path_count > 1:
            assert hangul(e.text(lang="ko")) > 0 and hangul(e.markdown(lang="ko")) > 0


def test_the_language_given_to_explain_is_the_default_of_its_renderings(losses):
    _, loss = losses["000"]
    e = explain(loss, "b_1", lang="ko")
    assert e.text() == e.text(lang="ko") == str(e)
    assert "경로 1: Loss → y → net o1 → Out h1 → net h1 → b_1" in e.text()
    assert "기울기는 경로들의 합이다" in e.text()
    assert e.text(lang="en").startswith("∂Loss/∂b_1: 3 paths from Loss to b_1; the gradient is their sum.")
    assert r"\text{경로 1}" in e.latex()


def test_explain_and_check_formula_refuse_an_unknown_language(losses):
    _, loss = losses["000"]
    with pytest.raises(LanguageError, match="'de'"):
        explain(loss, "b_1", lang="de")
    with pytest.raises(LanguageError, match="'de'"):
        check_formula(loss, "b_1", "y-t", lang="de")


def test_a_delta_form_in_korean_keeps_every_line_of_the_english_one(losses):
    _, loss = losses["003"]
    e = explain(loss, "w1_11", form="delta")
    english, korean = e.text(lang="en").splitlines(), e.text(lang="ko").splitlines()
    assert english[1:] == korean[1:]  # the δ lines are formulas and numbers only
    assert korean[0].startswith("∂loss/∂w1_11의 델타(δ) 형식: δ(v) = ∂loss/∂v.")


# Document 000's formulas (docs/documents.md): ④ as written, ④ with the right σ' (one of three paths), ③ (b_2's
# chain under b_1's heading), and ④ corrected.
FORMULAS_000 = [
    ("b_1", "(y-t)*net h1*sigmoid(net h1)*W_20", False),
    ("b_1", "(y-t)*W_20*sigmoid(net h1)*(1-sigmoid(net h1))", False),
    ("b_1", "(y-t)/((1-y)*y) * (1-y)*y * 1", False),
    ("b_1", "(y-t)*(W_20*Out h1*(1-Out h1) + W_21*Out h2*(1-Out h2) + W_22*Out h3*(1-Out h3))", True),
    ("W_20", "Out h1*(-y-t)", False),
    ("W_20", "(y-t)*Out h1", True),
]


@pytest.mark.parametrize("node, formula, ok", FORMULAS_000)
def test_the_checkers_verdict_in_korean_has_the_english_numbers_and_the_same_diagnosis(losses, node, formula, ok):
    _, loss = losses["000"]
    english = check_formula(loss, node, formula, lang="en")
    korean = check_formula(loss, node, formula, lang="ko")
    assert english.ok is korean.ok is ok
    assert korean.text().startswith("정답:" if ok else "오답:")
    assert decimals(korean.text()) == decimals(english.text())
    assert [p.index for p in korean.missing_paths] == [p.index for p in english.missing_paths]
    assert english.text().count("misses") == korean.text().count("빠진 경로:")
    assert check_formula(loss, node, formula).text() == english.text()  # the suite is pinned to English


def test_the_korean_verdict_on_formula_4_names_the_two_missed_paths(losses):
    _, loss = losses["000"]
    text = check_formula(loss, "b_1", "(y-t)*W_20*sigmoid(net h1)*(1-sigmoid(net h1))", lang="ko").text()
    assert "b_1에서 Loss까지 경로가 3개 있다. 식의 항은 1개이고, 이 항이 반영한 경로는 1개뿐이다:" in text
    assert "빠진 경로: 경로 2 (Loss → y → net o1 → Out h2 → net h2 → b_1) = 0.0884632" in text
    assert "빠진 경로: 경로 3 (Loss → y → net o1 → Out h3 → net h3 → b_1) = −0.102695" in text
    assert "각 항은 자기 경로와 정확히 같다. 빠진 경로를 더하면 된다." in text


def test_the_korean_verdict_on_heading_3_says_it_is_b_2s_chain(losses):
    _, loss = losses["000"]
    text = check_formula(loss, "b_1", "(y-t)/((1-y)*y) * (1-y)*y * 1", lang="ko").text()
    assert "b_1의 미분이라고 적었지만, 실은 b_2 또는 net o1의 미분이 아닌가?" in text


def test_the_environment_chooses_korean_when_no_lang_is_given(losses, monkeypatch):
    _, loss = losses["004"]
    monkeypatch.setenv("AUTODIFF_LANG", "ko")
    assert check_formula(loss, "w31", "(A3 - y_t)(A3(1 - A3))(A1)").text().startswith("정답:")
    assert check_formula(loss, "w31", "(A3 - y_t)(A3(1 - A3))(A1)", lang="en").text().startswith("OK:")


def test_a_drawings_title_lines_in_korean(losses):
    from autodiff import render

    case, loss = losses["000"]
    b1 = case.model.named_parameters()
    b1 = dict(b1)["b_1"]
    korean = render.draw(loss, highlight=b1, lang="ko").source
    english = render.draw(loss, highlight=b1).source
    count = re.search(r"(\d+) paths from 'Loss' back to 'b_1', which is used 3 times: dLoss/db_1 sums one term per path",
                      english).group(1)
    assert (f"'Loss'에서 'b_1'까지 거꾸로 가는 경로가 {count}개 있다. 이 노드는 3번 쓰이므로 "
            "dLoss/db_1에서는 경로마다 항이 하나씩 더해진다") in korean
    fresh = build("004").loss()  # no backward() yet
    assert "아직 역전파 전이라 모든 기울기(grad)가 0이다" in render.draw(fresh, lang="ko").source
    assert "no backward pass yet" in render.draw(fresh).source
    with pytest.raises(LanguageError):
        render.draw(fresh, lang="xx")


@pytest.mark.parametrize("formula, korean", [
    ("(y-t)*(W_20", "와야 할 것은 ')'인데 나온 것은 식의 끝이다 (12번째 글자):"),  # counted from 1, as people count
    ("foo*2", "알 수 없는 이름 'foo': 이 그래프의 노드도, 별칭도, 함수도 아니다 (1번째 글자):"),
    ("", "식이 비어 있다"),
])
def test_a_formula_that_cannot_be_read_is_explained_in_korean_at_the_same_position(losses, formula, korean):
    """The Korean message names the character the English one names (formula.py numbers it for every language)."""
    from autodiff.formula import FormulaError
    from autodiff.i18n import using_language

    _, loss = losses["000"]
    with pytest.raises(FormulaError) as english:
        check_formula(loss, "b_1", formula)
    with using_language("ko"), pytest.raises(FormulaError) as caught:
        check_formula(loss, "b_1", formula)
    assert korean in str(caught.value)
    assert caught.value.position == english.value.position
    assert hangul(str(english.value)) == 0
    named = re.search(r"\((\d+)번째 글자\)", str(caught.value))
    if named:  # 'N번째 글자' is the N-th character: the caret stands under it, in both languages
        caret = str(caught.value).splitlines()[-1]
        assert caret == str(english.value).splitlines()[-1] and caret.index("^") - 4 == int(named.group(1)) - 1


def test_positions_in_korean_count_from_1(capsys):
    """'N번째 글자' is the N-th character: the command line's --values and the lab's formula box count from 1."""
    from autodiff.cli import main

    assert main(["--lang", "ko", "explain", "x*w", "--values", "x=2 w=-3", "--wrt", "x"]) == 1
    assert "1번째 항목 'x=2 w=-3' (1번째 글자)" in capsys.readouterr().err
    assert main(["--lang", "ko", "explain", "x*w", "--values", "x=2, w", "--wrt", "x"]) == 1
    err = capsys.readouterr().err
    assert "2번째 항목 'w' (6번째 글자)" in err and "x=2, w"[6 - 1] == "w"
    static = ROOT / "autodiff" / "lab" / "static"
    assert 'tr("^ position {position}", { position: data.position + 1 })' in (static / "lab.js").read_text(encoding="utf-8")
    assert "position: c.error.position + 1 }" in (static / "check.js").read_text(encoding="utf-8")
