"""The practice module in Korean: the same grades and numbers as in English, Korean diagnoses, a
Korean terminal session (--lang ko) and Korean worksheets."""

from __future__ import annotations

import io

import pytest

from autodiff.practice import grade
from autodiff.practice.cli import main
from autodiff.practice.exercises import from_case
from autodiff.practice.worksheet import latex, markdown
from nn.reference import build

from ..practice.test_documents import WRONG
from .korean import decimals, english_prose, hangul


@pytest.fixture(scope="module")
def losses():
    return {seed: build(seed).loss() for seed in ("000", "001", "002", "003", "004")}


@pytest.mark.parametrize("seed, node, answer, says, expected", WRONG)
def test_every_document_mistake_gets_the_same_diagnosis_in_korean(losses, seed, node, answer, says, expected):
    english = grade(losses[seed], node, answer, lang="en")
    korean = grade(losses[seed], node, answer, lang="ko")
    assert korean.mistakes == english.mistakes and korean.correct is english.correct is False
    assert korean.expected == english.expected
    assert decimals(korean.text()) == decimals(english.text())
    assert hangul(korean.text()) > 10 and korean.text() != english.text()
    assert grade(losses[seed], node, answer).text() == english.text()  # the suite is pinned to English


def test_the_h1_path_alone_in_korean_names_the_missed_paths(losses):
    text = grade(losses["000"], "b_1", "-0.07641841662714388", lang="ko").text()
    assert "경로 1" in text and "하나만 따랐다" in text and "−0.0906497888906187" in text.replace("-", "−")


def test_a_formula_on_one_path_lists_the_missed_paths_in_korean(losses):
    formula = "(y-t)*W_20*sigmoid(net h1)*(1-sigmoid(net h1))"
    korean = grade(losses["000"], "b_1", formula, lang="ko").text()
    english = grade(losses["000"], "b_1", formula, lang="en").text()
    assert "missed paths: path 2" not in english and "misses path 2 (Loss → y → net o1 → Out h2" in english
    assert "빠진 경로: 경로 2 (Loss → y → net o1 → Out h2 → net h2 → b_1), 경로 3 (" in korean
    assert "path" not in korean


def test_a_right_answer_and_an_unreadable_one_in_korean(losses):
    right = grade(losses["004"], "w31", "0.0276740", lang="ko")
    assert right.correct and right.text().startswith("정답:")
    unreadable = grade(losses["004"], "w31", "hello world", lang="ko")
    assert unreadable.status == "unreadable" and "수로도 식으로도 읽을 수 없다" in unreadable.text()


def test_the_terminal_session_in_korean():
    out = io.StringIO()
    assert main(["--case", "004", "--count", "2", "--lang", "ko"], io.StringIO("0.5\nhello\n"), out) == 0
    text = out.getvalue()
    assert text.startswith("연습: 004: 편향 없는 2-2-1 시그모이드 신경망") or text.startswith("연습: 004")
    assert "답> " in text and "문제 1 / 2:" in text and "입력이 끝났다" in text and "최종 점수:" in text
    assert "읽을 수 없는 답은 세지 않는다" in text


def test_an_unknown_language_on_the_command_line_is_a_clear_error(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--case", "004", "--lang", "xx"], io.StringIO(""), io.StringIO())
    assert stop.value.code == 2
    assert "'xx'" in capsys.readouterr().err


def test_worksheets_in_korean_have_the_english_numbers():
    es = from_case("000", seed=3)
    english, korean = markdown(es, lang="en"), markdown(es, lang="ko")
    assert "# 역전파 연습:" in korean and "## 답" in korean and hangul(korean) > 100
    assert decimals(korean) == decimals(english)
    korean_tex = latex(es, lang="ko")
    assert "역전파 연습" in korean_tex and r"\usepackage{kotex}" in korean_tex and hangul(korean_tex) > 100
    assert decimals(korean_tex) == decimals(latex(es, lang="en")) and "kotex" not in latex(es, lang="en")


def test_a_whole_korean_session_has_no_english_sentence_and_counts_its_questions():
    """Every kind, a fill-in exercise with two hidden gradients: questions 1..5 of 5, a table-speaking prompt."""
    es = from_case("004")
    count = len(es.questions())
    assert count > len(es.exercises)  # (a fill-in exercise asks more than one question)
    for lang in ("ko", "en"):
        out = io.StringIO()
        assert main(["--case", "004", "--lang", lang], io.StringIO("0.5\n" * count), out) == 0
        text = out.getvalue()
        headers = [line for line in text.splitlines() if line.startswith(("문제 ", "Question "))]
        assert len(headers) == count and headers[-1].endswith(f"{count} / {count}:" if lang == "ko"
                                                               else f"{count} of {count}:")
        if lang == "ko":
            assert english_prose(text) == [] and f"(전체 {count}문제)." in text
            assert "표는 backward()가 진행 중인 E의 계산 그래프의 노드들이다" in text and "그림은" not in text
        else:
            assert f"({count} questions)." in text and "The table lists the nodes of E's graph" in text
    one = io.StringIO()
    main(["--case", "004", "--count", "1", "--kinds", "gradient", "--lang", "en"], io.StringIO("0.5\n"), one)
    assert one.getvalue().rstrip().endswith("(1 question).")


@pytest.mark.parametrize("argv, message", [
    (["--count", "1001"], "--count는 1부터 1000까지이다. 받은 값: 1001"),
    (["--count", "0"], "--count는 1부터 1000까지이다. 받은 값: 0"),
])
def test_count_is_at_most_1000(capsys, argv, message):
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--lang", "ko"], io.StringIO(""), io.StringIO())
    assert stop.value.code == 2 and message in capsys.readouterr().err


def test_a_worksheet_that_cannot_be_written_is_a_message_not_a_traceback(capsys, tmp_path):
    out = io.StringIO()
    assert main(["--worksheet", str(tmp_path / "missing" / "sheet.md"), "--lang", "ko"], io.StringIO(""), out) == 1
    err = capsys.readouterr().err
    assert "그런 폴더가 없다" in err and "Traceback" not in err and not (tmp_path / "missing").exists()
    (tmp_path / "sheet.md").mkdir()  # a folder where the file should go
    assert main(["--worksheet", str(tmp_path / "sheet.md"), "--lang", "ko"], io.StringIO(""), out) == 1
    assert "파일에 쓸 수 없다" in capsys.readouterr().err
    assert main(["--worksheet", str(tmp_path / "ok.tex")], io.StringIO(""), out) == 0
    assert "The table lists the nodes" in (tmp_path / "ok.tex").read_text(encoding="utf-8")
