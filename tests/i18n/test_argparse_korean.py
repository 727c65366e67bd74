"""argparse's own words in Korean (autodiff.argparsing) on every command line of the project, with
exit code 2 for bad usage; in English, exactly what a plain argparse.ArgumentParser writes."""

from __future__ import annotations

import argparse
import ast
import contextlib
import inspect
import io
import re
import string

import pytest

from autodiff.argparsing import ERROR_TEMPLATES, ArgumentParser, HelpFormatter, help_language, translate_error
from autodiff.cli import main as cli_main
from autodiff.i18n import LanguageError, using_language
from autodiff.lab.__main__ import main as lab_main
from autodiff.practice.cli import main as practice_main

from .korean import hangul

ENGLISH = ("usage:", "options", "positional arguments", "show this help", "show program's version", "error:")
EXPR = ["tanh(x1*w1 + b)", "--values", "x1=2,w1=-3,b=1"]
MAINS = {"cli": cli_main, "lab": lab_main, "practice": practice_main}


def run(capsys, tool: str, argv: list[str]) -> tuple[int, str, str]:
    """Exit code, standard output and standard error of one command line (argparse exits itself)."""
    with pytest.raises(SystemExit) as exited:
        MAINS[tool](argv)
    out = capsys.readouterr()
    return int(exited.value.code or 0), out.out, out.err


def assert_korean_help(text: str, positionals: bool) -> None:
    left = [word for word in ENGLISH if word in text]
    assert not left, f"English argparse words left: {left}\n{text}"
    assert text.startswith("사용법: ") and "\n옵션:\n" in text
    assert ("\n위치 인자:\n" in text) == positionals
    assert "-h, --help" in text and "이 도움말을 보여 주고 끝낸다" in text


@pytest.mark.parametrize(("tool", "argv", "positionals"), [
    ("cli", ["--lang", "ko", "--help"], True),
    ("cli", ["--lang", "ko", "demo", "--help"], False),
    ("cli", ["--lang", "ko", "draw", "--help"], True),
    ("cli", ["--lang", "ko", "explain", "--help"], True),
    ("cli", ["--lang", "ko", "check", "--help"], True),
    ("cli", ["--lang", "ko", "lab", "--help"], False),
    ("cli", ["--lang", "ko", "practice", "--help"], False),
    ("lab", ["--lang", "ko", "--help"], False),
    ("lab", ["--help", "--lang=ko"], False),
    ("practice", ["--help", "--lang", "ko"], False),
])
def test_the_korean_help_has_no_english_argparse_word_left(capsys, tool, argv, positionals):
    code, out, err = run(capsys, tool, argv)
    assert code == 0 and err == ""
    assert_korean_help(out, positionals)
    assert hangul(out) > 20


def test_the_version_option_is_described_in_korean(capsys):
    _, out, _ = run(capsys, "cli", ["--lang", "ko", "--help"])
    assert "--version    프로그램의 버전을 보여 주고 끝낸다" in out


def test_the_lab_and_practice_describe_their_options_in_korean(capsys):
    _, lab, _ = run(capsys, "lab", ["--lang", "ko", "--help"])
    lab = " ".join(lab.split())  # (help wraps at the terminal's width)
    assert "브라우저에서 여는 역전파 실험실." in lab and "URL만 출력하고 브라우저는 열지 않는다" in lab
    assert "열 그래프: 문서의 신경망 000 ... 004, 또는 예제 neuron, twice, diamond" in lab
    _, practice, _ = run(capsys, "practice", ["--lang", "ko", "--help"])
    practice = " ".join(practice.split())
    assert "역전파 연습" in practice and "문제와 진단의 언어 (en, ko;" in practice


def test_the_environment_chooses_the_help_language_too(capsys, monkeypatch):
    monkeypatch.setenv("AUTODIFF_LANG", "ko")
    for tool in MAINS:
        _, out, _ = run(capsys, tool, ["--help"])
        assert_korean_help(out, tool == "cli")
    _, out, _ = run(capsys, "practice", ["--lang", "en", "--help"])
    assert out.startswith("usage: python -m autodiff.practice") and "show this help message and exit" in out


KOREAN_ERRORS = [
    ("cli", ["check", *EXPR], "autodiff check: 오류: 다음 인자가 꼭 있어야 한다: --wrt, --formula"),
    ("cli", ["explain", *EXPR, "--wrt", "w1", "--form", "sideways"],
     "autodiff explain: 오류: 인자 --form: 잘못된 선택: 'sideways' (고를 수 있는 값: 'paths', 'delta')"),
    ("cli", ["frobnicate"], "autodiff: 오류: 인자 COMMAND: 잘못된 선택: 'frobnicate' (고를 수 있는 값: 'demo', 'draw',"),
    ("cli", ["explain", *EXPR, "--wrt", "w1", "--shout", "loudly"], "autodiff: 오류: 알 수 없는 인자: --shout loudly"),
    ("cli", ["explain", *EXPR, "--wrt"], "autodiff explain: 오류: 인자 --wrt: 값이 하나 필요하다"),
    ("cli", [], "autodiff: 오류: 다음 인자가 꼭 있어야 한다: COMMAND"),
    ("lab", ["--port", "eighty"], "python -m autodiff.lab: 오류: 인자 --port: 잘못된 int 값: 'eighty'"),
    ("lab", ["--case", "999"], "python -m autodiff.lab: 오류: 그런 그래프가 없다: '999'. 고를 수 있는 그래프: 000, 001,"),
    ("lab", ["--no-browser=yes"], "python -m autodiff.lab: 오류: 인자 --no-browser: 이 옵션은 값을 받지 않는다: 'yes'"),
    ("practice", ["--case", "007"],
     "python -m autodiff.practice: 오류: 인자 --case: 잘못된 선택: '007' (고를 수 있는 값: '000', '001', '002', '003', '004')"),
    ("practice", ["--case", "000", "--seed", "3"], "python -m autodiff.practice: 오류: 인자 --seed: 함께 쓸 수 없는 인자: --case"),
    ("practice", ["--kinds", "guessing"], "python -m autodiff.practice: 오류: --kinds: 알 수 없는 문제 종류: guessing."),
    ("practice", ["--count", "0"], "python -m autodiff.practice: 오류: --count는 1부터 1000까지이다. 받은 값: 0"),
    ("practice", ["--worksheet", "sheet.txt"], "python -m autodiff.practice: 오류: --worksheet: 파일 이름은 .md 또는 .tex로 끝나야 한다. 받은 이름: 'sheet.txt'"),
]


@pytest.mark.parametrize(("tool", "argv", "expected"), KOREAN_ERRORS)
def test_usage_errors_in_korean_name_the_offending_value_and_exit_2(capsys, tool, argv, expected):
    lang = ["--lang", "ko"]
    code, out, err = run(capsys, tool, [*lang, *argv] if tool == "cli" else [*argv, *lang])
    assert code == 2 and out == ""
    assert err.startswith("사용법: ") and expected in err, err
    assert not [word for word in ENGLISH if word in err], err


def test_the_same_errors_in_english_are_argparses(capsys):
    code, _, err = run(capsys, "cli", ["explain", *EXPR, "--wrt", "w1", "--form", "sideways"])
    assert code == 2 and err.startswith("usage: autodiff explain [-h]")
    assert err.endswith("autodiff explain: error: argument --form: invalid choice: 'sideways' "
                        "(choose from 'paths', 'delta')\n")
    code, _, err = run(capsys, "practice", ["--case", "000", "--seed", "3"])
    assert code == 2 and err.endswith("error: argument --seed: not allowed with argument --case\n")


# --- in English, exactly argparse ------------------------------------------------------------------

def sample(cls: type[argparse.ArgumentParser], **options: object) -> argparse.ArgumentParser:
    """The same parser built with ``cls``: positionals, choices, a required option, a group, subcommands."""
    parser = cls(prog="sample", description="A sample.", epilog="The end.", **options)
    parser.add_argument("--version", action="version", version="%(prog)s 1.0")
    parser.add_argument("source", help="where from")
    parser.add_argument("--mode", choices=("fast", "slow"), default="fast", help="how (default: %(default)s)")
    parser.add_argument("--pair", nargs=2, type=float, metavar=("X", "Y"))
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--redraw", action="store_true")
    either = parser.add_mutually_exclusive_group()
    either.add_argument("--red", action="store_true")
    either.add_argument("--blue", action="store_true")
    group = parser.add_argument_group("extras", "More to choose.")
    group.add_argument("--extra", nargs="+")
    commands = parser.add_subparsers(dest="command", title="commands", description="What to do.")
    go = commands.add_parser("go", help="go somewhere")
    go.add_argument("where", choices=("up", "down"))
    go.add_argument("--speed", type=int, default=1)
    return parser


BAD = [[], ["src"], ["src", "--size", "x"], ["src", "--size", "1", "--mode", "medium"],
       ["src", "--size", "1", "--pair", "1"], ["src", "--size", "1", "--red", "--blue"],
       ["src", "--size", "1", "--quiet=1"], ["src", "--size", "1", "--extra"], ["src", "--size", "1", "--nope", "x"],
       ["src", "--size", "1", "go"], ["src", "--size", "1", "go", "sideways"], ["src", "--size", "1", "go", "up", "--speed", "fast"],
       ["src", "--size", "1", "stop"], ["--si", "1", "src", "--re"], ["src", "--size", "1", "go", "up", "more"]]


def outcome(parser: argparse.ArgumentParser, argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), pytest.raises(SystemExit) as exited:
        parser.parse_args(argv)
    return int(exited.value.code or 0), out.getvalue(), err.getvalue()


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["src", "--size", "1", "go", "--help"], *BAD])
def test_in_english_the_output_is_argparses_character_for_character(argv, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    ours, plain = outcome(sample(ArgumentParser, lang="en"), argv), outcome(sample(argparse.ArgumentParser), argv)
    assert ours == plain
    assert ours[0] == (0 if "--help" in argv or "--version" in argv else 2)


def test_the_sample_parser_in_korean_keeps_every_value_of_the_english_errors(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    for argv in BAD:
        code, out, err = outcome(sample(ArgumentParser, lang="ko"), argv)
        english = outcome(sample(argparse.ArgumentParser), argv)[2]
        assert code == 2 and out == "" and "오류: " in err and "error:" not in err and "usage:" not in err
        quoted = re.findall(r"'[^']*'", english.splitlines()[-1])
        assert all(value in err for value in quoted), (english, err)
    _, help_text, _ = outcome(sample(ArgumentParser, lang="ko"), ["--help"])
    assert_korean_help(help_text, positionals=True)
    assert "commands:\n" in help_text and "extras:\n" in help_text  # the parser's own titles stay as given


def test_a_formatter_class_of_the_callers_keeps_its_behaviour_and_gets_the_translations():
    parser = ArgumentParser(prog="p", lang="ko", description="line one\n  kept as written",
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    text = parser.format_help()
    assert "line one\n  kept as written" in text and text.startswith("사용법: p [-h]")


def test_subparsers_speak_their_parents_language_even_made_elsewhere():
    parent = ArgumentParser(prog="p", lang="ko")
    with using_language("en"):
        child = parent.add_subparsers(dest="c").add_parser("go")
    assert isinstance(child, ArgumentParser) and child.lang == "ko"
    assert child.format_usage().startswith("사용법: p go")
    with pytest.raises(LanguageError, match="'xx'"):
        ArgumentParser(prog="p", lang="xx")


# --- the error templates -----------------------------------------------------------------------------

def filled(template: str) -> tuple[str, dict[str, str]]:
    values = {name: f"'{name}-{k}'" for k, (_, name, _, _) in enumerate(string.Formatter().parse(template)) if name}
    return template.format(**values), values


@pytest.mark.parametrize("template", ERROR_TEMPLATES)
def test_every_known_message_is_translated_with_its_values(template):
    english, values = filled(template)
    korean = translate_error(english, "ko")
    assert hangul(korean) > 0 and all(v in korean for v in values.values()), korean
    wrapped = translate_error(f"argument --opt: {english}", "ko")
    assert wrapped == f"인자 --opt: {korean}"
    assert translate_error(english, "en") == english


def test_an_unknown_message_passes_through_unchanged():
    assert translate_error("the moon is full", "ko") == "the moon is full"
    assert translate_error("argument --phase: the moon is full", "ko") == "인자 --phase: the moon is full"


def test_the_templates_are_argparses_own():
    """Each template, with its fields as %-conversions, is one of the string literals of Python's argparse."""
    literals = {node.value for node in ast.walk(ast.parse(inspect.getsource(argparse)))
                if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    help_words = ["usage: ", "positional arguments", "options", "show this help message and exit",
                  "show program's version number and exit", "{prog}: error: {message}\n",
                  "argument {argument}: {message}"]
    for template in [*ERROR_TEMPLATES, *help_words]:
        pattern = "".join(re.escape(literal) + (r"%(\(\w+\))?[rsd]" if name else "")
                          for literal, name, _, _ in string.Formatter().parse(template))
        assert any(re.fullmatch(pattern, text) for text in literals), template


def test_help_language_reads_lang_from_the_command_line(monkeypatch):
    monkeypatch.setenv("AUTODIFF_LANG", "en")
    assert help_language(["--case", "000", "--lang", "ko"]) == "ko"
    assert help_language(["--lang=ko_KR.UTF-8"]) == "ko"
    assert help_language(["--lang", "ko", "--lang", "en"]) == "en"
    assert help_language(["--", "--lang", "ko"]) == "en"
    assert help_language(["--lang", "xx"]) == "en"  # the parser reports it
    monkeypatch.setenv("AUTODIFF_LANG", "ko")
    assert help_language([]) == "ko"
    monkeypatch.setenv("AUTODIFF_LANG", "xx")
    assert help_language([]) == "en"


def test_python_310s_title_for_the_options_is_translated_too():
    formatter = HelpFormatter("p")
    with using_language("ko"):
        formatter.start_section("optional arguments")
        formatter.add_text("--x")
        formatter.end_section()
        assert formatter.format_help() == "옵션:\n  --x\n"


HELPS = [(tool, argv) for tool, argv, _ in [
    ("cli", [], 0), ("cli", ["demo"], 0), ("cli", ["draw"], 0), ("cli", ["explain"], 0), ("cli", ["check"], 0),
    ("lab", [], 0), ("practice", [], 0)]]


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize(("tool", "argv"), HELPS)
def test_every_help_line_fits_80_columns_counting_hangul_as_two(capsys, monkeypatch, lang, tool, argv):
    from autodiff.argparsing import display_width

    monkeypatch.setenv("COLUMNS", "80")
    _, out, _ = run(capsys, tool, ["--lang", lang, *argv, "--help"] if tool == "cli" else [*argv, "--help", "--lang", lang])
    widths = [display_width(line) for line in out.splitlines()]
    assert max(widths) <= 80, out
    assert max(widths) > 60  # (the help did fill its lines)
    if lang == "ko":
        assert hangul(out) > 20
        from .korean import english_prose

        left = english_prose(out)  # (the lab's example graphs are named in code: neuron, twice, diamond)
        assert left == [] or (tool == "lab" and all("neuron, twice" in line for line in left)), left


def test_display_width_counts_wide_characters_twice_and_wrap_fills_by_it():
    from autodiff.argparsing import display_width, wrap

    assert display_width("abc") == 3 and display_width("기울기") == 6 and display_width("x=기울기!") == 9
    lines = wrap("경로가 3개 있다. 기울기는 경로들의 합이다.", 12)
    assert lines == ["경로가 3개", "있다.", "기울기는", "경로들의", "합이다."]
    assert all(display_width(line) <= 12 for line in lines)
    assert wrap("가나다라마바사", 6) == ["가나다", "라마바", "사"]  # a word wider than the line is cut
    assert wrap("", 10) == []


def test_english_help_wraps_exactly_as_argparse_wraps_it(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    text = "a long sentence of plain words " * 6
    ours, plain = ArgumentParser(prog="p", description=text, lang="en"), argparse.ArgumentParser(prog="p", description=text)
    ours.add_argument("--x", help=text)
    plain.add_argument("--x", help=text)
    assert ours.format_help() == plain.format_help()
