"""The command line in Korean: --lang before the subcommand (or AUTODIFF_LANG) for the help, the
explanations, the verdicts and the tools; the same numbers as in English."""

from __future__ import annotations

import io
import sys

import pytest

from autodiff.cli import main

from .korean import decimals, hangul

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
    assert code == 0 and out.startswith("연습: 004: 편향 없는") and "최종 점수: 답한 1문제 중 0문제 정답" in out


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
