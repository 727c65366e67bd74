"""AUTODIFF_LANG=ko runs of the demo's scripts print Korean verdicts with the same numbers as the
English runs (every decimal number of both outputs compared), and the documents' own headings."""

from __future__ import annotations

import pytest

from .korean import decimals, english_prose, hangul, python
from .korean import run_example as run

SCRIPTS = ["explain_reference.py", "seed_000_shared_bias.py", "seed_001_three_samples.py", "seed_002_mazur.py",
           "seed_003_no_bias.py", "seed_004_textbook.py", "practice_documents.py"]


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_korean_run_has_every_number_of_the_english_run(script):
    english, korean = run(script, "en"), run(script, "ko")
    assert decimals(korean) == decimals(english)
    assert hangul(korean) > 50 and hangul(english) == 0


def test_the_checks_in_korean_give_the_same_verdicts_next_to_the_documents_headings():
    english, korean = run("explain_reference.py", "en", "--checks"), run("explain_reference.py", "ko", "--checks")
    assert english.count("OK:") == korean.count("정답:") > 10
    assert english.count("WRONG:") == korean.count("오답:") > 10
    assert "문서 ③ b_1 미분하기: 원문 그대로" in korean
    assert "제목은 b_1이지만 이 연쇄는 출력층 편향 b_2의 미분이다" in korean
    assert "b_1의 미분이라고 적었지만, 실은 b_2 또는 net o1의 미분이 아닌가?" in korean
    assert "문서 ② W_1 미분하기: 연쇄, 원문 그대로" in korean
    assert korean.rstrip().endswith("모두에서 검사기의 판정이 기대한 판정과 같다. 맞는 식은 받아들이고 틀린 식은 모두 잡아낸다.")
    assert "SEEDS" not in korean and "SEEDS" not in english


def test_document_000_in_korean():
    korean = run("seed_000_shared_bias.py", "ko")
    assert "000: 2-3-1 시그모이드 신경망, h1, h2, h3이 함께 쓰는 은닉층 편향 b_1 하나" in korean
    assert "공유 편향 b_1과 문서의 식 ④ (④ b_1 미분하기)" in korean
    assert "(제목 ③ “b_1 미분하기”도 잘못 붙었다: 그 연쇄는 출력층 편향 b_2의 미분이다.)" in korean
    assert "④ b_1 미분하기: 원문 그대로" in korean and "✓ 같음" in korean


def test_the_whole_demo_in_korean_has_the_english_numbers_and_no_english_sentence(demo_run):
    def demo(lang: str) -> str:  # --lang chooses, over AUTODIFF_LANG=en (the session's runs, tests/conftest.py)
        run = demo_run(lang)
        assert run.returncode == 0, run.stderr
        assert "Glyph" not in run.stderr and "missing from font" not in run.stderr, run.stderr
        return run.stdout.replace(str(run.out), "OUT")

    english, korean = demo("en"), demo("ko")
    assert decimals(korean) == decimals(english)
    assert hangul(korean) > 2000 and hangul(english) == 0
    assert len(korean.splitlines()) > 500
    # What stays English in Korean: code (model reprs, node names, formulas) and quotations ('…', “…”).
    assert english_prose(korean) == []
    assert len(english_prose(english)) > 100  # (the check does see English)
    # each model described in words under its repr
    assert "입력 2개 → 은닉층: 시그모이드 유닛 3개 (층이 함께 쓰는 편향 b_1 하나) → 출력층: 시그모이드 유닛 1개" in korean
    assert "2 inputs → hidden layer: 3 sigmoid units (one bias b_1 shared by the layer) → output layer" in english
    assert korean.count("       입력 ") == english.count("       2 inputs") + english.count("       1 input ") == 5
    svg = demo_run("ko").out / "graph_000.svg"
    assert "뉴런 h1" in svg.read_text(encoding="utf-8") and "neuron h1" in (demo_run("en").out / "graph_000.svg").read_text(
        encoding="utf-8")


def test_a_drawings_neuron_boxes_are_labelled_in_its_language():
    from autodiff import render
    from nn.reference import build

    case = build("000")
    loss = case.loss()
    loss.backward()
    korean, english = render.draw(loss, model=case.model, lang="ko").source, render.draw(loss, model=case.model).source
    assert "label=<뉴런 h1>" in korean and "neuron" not in korean
    assert "label=<neuron h1>" in english
    assert render.draw(loss, clusters={"my box": [loss]}, lang="ko").source.count("my box") == 1  # yours as given
