"""The command line in Korean: --lang before the subcommand (or AUTODIFF_LANG) for the help, the
explanations, the verdicts and the tools; the same numbers as in English."""

from __future__ import annotations

import io
import sys

import pytest

from autodiff.cli import main

from .korean import decimals, english_prose, hangul

EXPR = ["tanh(x1*w1 + x2*w2 + b)", "--values", "x1=2,w1=-3,x2=0,w2=1,b=6.8813735870195432", "--name", "o"]


def run(capsys, argv):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_explain_and_check_in_korean_have_the_english_numbers(capsys):
    _, english, _ = run(capsys, ["explain", *EXPR, "--wrt", "w1"])
    code, korean, _ = run(capsys, ["--lang", "ko", "explain", *EXPR, "--wrt", "w1"])
    assert code == 0 and decimals(korean) == decimals(english)
    code, english, _ = run(capsys, ["check", *EXPR, "--wrt", "w1", "--formula", "x1"])
    assert code == 3 and english.startswith("WRONG:")
    code, korean, _ = run(capsys, ["--lang=ko", "check", *EXPR, "--wrt", "w1", "--formula", "x1"])
    assert code == 3 and korean.startswith("오답:") and decimals(korean) == decimals(english)


def test_the_environment_chooses_the_language_too(capsys, monkeypatch):
    monkeypatch.setenv("AUTODIFF_LANG", "ko")
    code, out, _ = run(capsys, ["check", *EXPR, "--wrt", "w1", "--formula", "x1*(1-o^2)"])
    assert code == 0 and out.startswith("정답:")
    code, out, _ = run(capsys, ["--lang", "en", "check", *EXPR, "--wrt", "w1", "--formula", "x1*(1-o^2)"])
    assert code == 0 and out.startswith("OK:")


def test_the_help_in_korean(capsys):
    with pytest.raises(SystemExit):
        main(["--lang", "ko", "check", "--help"])
    text = capsys.readouterr().out
    assert "손으로 유도한 식" in text and "미분하는 기준 노드" in text
    with pytest.raises(SystemExit):
        main(["--lang", "ko", "--help"])
    top = capsys.readouterr().out
    assert "--lang LANG" in top and "설명, 판정, 도움말의 언어" in top and hangul(top) > 50


def test_an_unknown_language_is_a_usage_error(capsys):
    code, _, err = run(capsys, ["--lang", "xx", "check", *EXPR, "--wrt", "w1", "--formula", "x1"])
    assert code == 2 and "'xx'" in err and "en, ko" in err


def test_the_practice_tool_in_korean(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("0.5\n"))
    code, out, _ = run(capsys, ["--lang", "ko", "practice", "--case", "004", "--count", "1"])
    assert code == 0 and out.startswith("연습: 004: 편향 없는") and "최종 점수: 1문제에 답해 0문제를 맞혔다 (전체 1문제)." in out


def test_the_lab_opens_in_the_language_asked_for():
    import subprocess

    for argv, expected in ((["-m", "autodiff", "--lang", "ko", "lab"], "&lang=ko"), (["-m", "autodiff.lab"], None)):
        with subprocess.Popen([sys.executable, *argv, "--no-browser"], stdout=subprocess.PIPE, text=True,
                              env={**__import__("os").environ, "AUTODIFF_LANG": "en"}) as lab:
            try:
                url = lab.stdout.readline().strip()  # type: ignore[union-attr]
            finally:
                lab.terminate()
        assert url.startswith("http://127.0.0.1:")
        assert (expected in url) if expected else "lang=" not in url


KOREAN_ERRORS = [  # (command line, exit code, a Korean phrase of the message)
    (["explain", "x*w", "--values", "x=2 w=-3", "--wrt", "x"], 1, "값은 쉼표로 구분하세요. 예: 'x=2,w=-3'"),
    (["explain", "x*w", "--values", "x=2", "--values", "w=3", "--wrt", "x"], 2, "--values 옵션이 두 번 있다"),
    (["explain", "x", "+", "b", "--values", "x=2", "--wrt", "x"], 2, '따옴표로 감싸세요. 예: "x + b"'),
    (["explain", "x*w", "--values", "x=2,w=3", "--wrt", "z"], 1, "식에 이름이 'z'인 노드가 없다"),
    (["explain", "log(x)", "--values", "x=0", "--wrt", "x"], 1, "log(0)의 값은 실수가 아니다"),
    (["explain", "x/w", "--values", "x=1,w=0", "--wrt", "x"], 1, "1/0: 0으로 나눌 수 없다"),
    (["explain", "x*w", "--values", "x=2,w=1e999", "--wrt", "x"], 1, "'1e999': float로 나타내기에 너무 크다"),
    (["explain", "x*w", "--values", "x=2,2w=1", "--wrt", "x"], 1, "숫자나 '.'으로 시작해서 수로 읽힌다"),
    (["explain", "x*w", "--values", "x=2,w=3", "--name", "x", "--wrt", "x"], 1, "--name으로 다른 이름을 고르세요"),
    (["draw", "x*w", "--values", "x=2,w=3", "-o", "g.xyz"], 1, "알 수 없는 파일 형식 '.xyz'"),
    (["check", "x*w", "--values", "x=2,w=3", "--wrt", "x", "--formula", "w*"], 1, "나온 것은 식의 끝이다"),
]


@pytest.mark.parametrize("argv, code, phrase", KOREAN_ERRORS)
def test_command_line_errors_in_korean_have_no_english_sentence(capsys, argv, code, phrase):
    got, out, err = -1, "", ""
    try:
        got, out, err = run(capsys, ["--lang", "ko", *argv])
    except SystemExit as exited:  # argparse's usage errors
        got, err = int(exited.code), capsys.readouterr().err
    assert got == code and phrase in err, err
    assert english_prose(err) == [] and hangul(err) > 5


def test_draw_refuses_a_missing_folder_but_render_save_and_the_demo_create_theirs(capsys, tmp_path):
    from autodiff import Value, render

    missing = tmp_path / "typo" / "deeper" / "g.dot"
    code, _, err = run(capsys, ["--lang", "ko", "draw", "x*w", "--values", "x=2,w=3", "-o", str(missing)])
    assert code == 1 and "그런 폴더가 없다" in err and not (tmp_path / "typo").exists()
    code, out, _ = run(capsys, ["draw", "x*w", "--values", "x=2,w=3", "-o", str(tmp_path / "g.dot")])
    assert code == 0 and (tmp_path / "g.dot").exists()
    x = Value(2.0, name="x")
    assert render.save(x * x, missing).exists()  # the Python API keeps creating folders
    from autodiff.cli import DRAW_SUFFIXES

    for suffix in DRAW_SUFFIXES:  # the command line's list is render.save's: .dot and .gv need no Graphviz
        if suffix in (".dot", ".gv"):
            assert render.save(x * x, tmp_path / f"s{suffix}").exists()
    with pytest.raises(ValueError, match="unknown file type"):
        render.save(x * x, tmp_path / "s.xyz")


def test_a_shell_split_expression_gets_the_hint_in_english_too(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--lang", "en", "explain", "x", "+", "b", "--values", "x=2", "--wrt", "x"])
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert 'unrecognized arguments: + b; an expression with spaces must be in quotes, as in "x + b"' in err
