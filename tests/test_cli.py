"""The command line, driven as a user drives it: ``python -m autodiff ...`` in a subprocess."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

import autodiff
from autodiff import Value, check_formula, draw, explain, topological_order
from autodiff.cli import TOOLS
from autodiff.expression import build_expression, parse_values
from autodiff.render import format_number
from tests.conftest import DemoRun

REPO = Path(__file__).resolve().parents[1]
COMMANDS = ("demo", "draw", "explain", "check")


def run(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "autodiff", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def test_help_lists_every_command(tmp_path: Path) -> None:
    result = run("--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: autodiff ")
    for command in COMMANDS:
        assert re.search(rf"^\s+{command}\s+\S", result.stdout, re.M), command


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_its_own_help(command: str, tmp_path: Path) -> None:
    result = run(command, "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: autodiff {command} ")
    if command != "demo":
        assert "--values" in result.stdout and "EXPR" in result.stdout


def test_version_is_the_package_version(tmp_path: Path) -> None:
    result = run("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"autodiff {autodiff.__version__}"


@pytest.mark.parametrize("args, message", [
    ((), "the following arguments are required: COMMAND"),
    (("frobnicate",), "invalid choice: 'frobnicate'"),
    (("demo", "--colour"), "unrecognized arguments: --colour"),
    (("explain", "x*w", "--wrt", "w"), "the following arguments are required: --values"),
    (("check", "x*w", "--values", "x=1,w=2", "--wrt", "w"), "the following arguments are required: --formula"),
    (("explain", "x*w", "--values", "x=1,w=2", "--wrt", "w", "--form", "tree"), "invalid choice: 'tree'"),
])
def test_usage_errors_exit_2_with_argparse_message(args: tuple[str, ...], message: str, tmp_path: Path) -> None:
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_tool_subcommands_appear_exactly_when_their_module_exists(tmp_path: Path) -> None:
    # The lab and practice modules plug in as subcommands by existing (autodiff.cli.TOOLS).
    listed = run("--help", cwd=tmp_path).stdout
    for command, (package, _, _) in TOOLS.items():
        present = importlib.util.find_spec(package) is not None
        assert bool(re.search(rf"^\s+{command}\s+\S", listed, re.M)) == present, command


def test_the_demo_runs_and_writes_its_pictures_and_pages(demo_run: Callable[[str], DemoRun]) -> None:
    # The packaged demo (no checkout needed), run once per test session (tests/conftest.py); its text is a golden.
    run = demo_run("en")
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("The checker's verdict is the expected one on each of the") == 2
    for name in ("graph_000.svg", "graph_004.png", "graph_000_b_1_paths.svg", "animation_000.html"):
        assert (run.out / name).stat().st_size > 1000, name


def test_examples_demo_py_is_the_same_demo_into_examples_out(monkeypatch: pytest.MonkeyPatch) -> None:
    # examples/demo.py runs nn.course.demo.run, as `autodiff demo` does, into examples/out (not run again here).
    import nn.course.demo

    calls: list[tuple[Path, str]] = []
    monkeypatch.setattr(nn.course.demo, "run", lambda out, shown: calls.append((out, shown)))
    spec = importlib.util.spec_from_file_location("examples_demo", REPO / "examples" / "demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main()
    assert calls == [(REPO / "examples" / "out", "examples/out")]


def test_a_users_nn_py_that_shadows_the_package_is_named(tmp_path: Path) -> None:
    # `python -m` puts the current folder first on sys.path, so a learner's own nn.py wins over ours.
    (tmp_path / "nn.py").write_text("x = 1\n")
    result = run("demo", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 1
    assert str(tmp_path / "nn.py") in result.stderr
    assert "shadows" in result.stderr and "Rename" in result.stderr
    assert result.stdout == "" and not (tmp_path / "out").exists()


# --- expressions: draw, explain, check --------------------------------------------------------------

NEURON = "tanh(x1*w1 + x2*w2 + b)"
NEURON_VALUES = "x1=2,w1=-3,x2=0,w2=1,b=6.8813735870195432"


def built(text: str, values: str, name: str = "f") -> Value:
    """The graph the command line builds, made here in the test's own process."""
    root = build_expression(text, parse_values(values))
    root.name = name
    root.backward()
    return root


def node(root: Value, name: str) -> Value:
    return next(n for n in topological_order(root) if n.name == name)


@pytest.mark.parametrize("style", ["text", "markdown", "latex"])
def test_explain_prints_the_derivation_backward_agrees_with(style: str, tmp_path: Path) -> None:
    result = run("explain", NEURON, "--values", NEURON_VALUES, "--wrt", "w1", "--format", style, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    root = built(NEURON, NEURON_VALUES)
    explanation = explain(root, node(root, "w1"))
    assert explanation.value == node(root, "w1").grad
    assert result.stdout == getattr(explanation, style)() + "\n"


def test_explain_in_delta_form_with_another_name(tmp_path: Path) -> None:
    result = run("explain", "a*b + a", "--values", "a=3,b=4", "--wrt", "a", "--form", "delta", "--name", "y",
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    root = built("a*b + a", "a=3,b=4", name="y")
    assert result.stdout == explain(root, node(root, "a"), form="delta").text() + "\n"
    assert "∂y/∂a" in result.stdout


@pytest.mark.parametrize("formula", ["(1 - f^2)*x1", "(1 - f)*x1", "x1"])
def test_check_prints_the_verdict_and_exits_0_when_right_3_when_wrong(formula: str, tmp_path: Path) -> None:
    result = run("check", NEURON, "--values", NEURON_VALUES, "--wrt", "w1", "--formula", formula, cwd=tmp_path)
    root = built(NEURON, NEURON_VALUES)
    verdict = check_formula(root, node(root, "w1"), formula)
    assert result.stdout == verdict.text() + "\n"
    assert result.returncode == (0 if verdict.ok else 3)
    assert verdict.ok == (formula == "(1 - f^2)*x1")


def test_draw_writes_the_drawing_of_the_graph_after_backward(tmp_path: Path) -> None:
    for name in ("graph.dot", "graph.svg"):
        result = run("draw", NEURON, "--values", NEURON_VALUES, "-o", name, "--highlight", "x1", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == name
    root = built(NEURON, NEURON_VALUES)
    expected = draw(root, edge_symbols=True, highlight=node(root, "x1")).source
    assert (tmp_path / "graph.dot").read_text(encoding="utf-8") == expected
    svg = (tmp_path / "graph.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and f"grad {format_number(node(root, 'w1').grad)}" in svg


@pytest.mark.parametrize("args, message", [
    (("explain", "x*w +", "--values", "x=2,w=1", "--wrt", "w"), "at position 6"),  # counted from 1
    (("explain", "x*w", "--values", "x=2,w", "--wrt", "w"), "expected name=number"),
    (("explain", "x*y", "--values", "x=2", "--wrt", "x"), "no value given for y"),
    (("explain", "x*y", "--values", "x=2,y=3,z=1", "--wrt", "x"), "a value is given for 'z', which the expression"),
    (("explain", "q = x + y; f = q * z", "--values", "x=2,y=3,z=1", "--wrt", "x", "--name", "g"), "would rename it"),
    (("explain", "x*w", "--values", "x=2,w\u200b=1", "--wrt", "x"), "invisible character U+200B"),
    (("explain", "x*w", "--values", "x=2,w=1", "--wrt", "q"), "no node named 'q'; its names are f, w, x"),
    (("explain", "log(x)", "--values", "x=-1", "--wrt", "x"), "log"),
    (("explain", "x*f", "--values", "x=2,f=1", "--wrt", "x"), "also a leaf's or a step's; choose another with --name"),
    (("check", "x*w", "--values", "x=2,w=1", "--wrt", "w", "--formula", "x+("), "at position 4"),
    (("draw", "x*w", "--values", "x=2,w=1", "-o", "g.txt"), "unknown file type '.txt'"),
    (("draw", "x*w", "--values", "x=2,w=1", "-o", "no/such/folder/../../../g.svg/x.svg"), "there is no folder"),
])
def test_bad_input_exits_1_with_the_message_on_stderr(args: tuple[str, ...], message: str, tmp_path: Path) -> None:
    (tmp_path / "g.svg").write_text("a file where a folder is needed")
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith(f"autodiff {args[0]}: ") and message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", sorted(TOOLS))
def test_a_tool_subcommand_hands_its_arguments_to_the_tool(command: str, tmp_path: Path) -> None:
    # `autodiff lab ...` is `python -m autodiff.lab ...`: the tool's own parser reads --help and errors.
    package, module, _ = TOOLS[command]
    assert importlib.util.find_spec(package) is not None  # both tools are part of this version
    result = run(command, "--help", cwd=tmp_path)
    direct = subprocess.run([sys.executable, "-m", package, "--help"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == direct.returncode == 0
    assert result.stdout == direct.stdout and result.stdout.startswith(f"usage: python -m {package}")
    bad = run(command, "--no-such-option", cwd=tmp_path)
    assert bad.returncode == 2 and "unrecognized arguments: --no-such-option" in bad.stderr


def test_demo_without_graphviz_says_how_to_install_it_before_doing_anything(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    result = subprocess.run([sys.executable, "-m", "autodiff", "demo", "--out", str(tmp_path / "out")], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60, env={**os.environ, "PATH": str(empty)})
    assert result.returncode == 1 and result.stdout == ""
    assert "Graphviz's `dot` program, which was not found" in result.stderr and "apt-get install graphviz" in result.stderr
    assert not (tmp_path / "out").exists()
