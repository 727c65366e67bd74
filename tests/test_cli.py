"""The command line, driven as a user drives it: ``python -m autodiff ...`` in a subprocess."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

import autodiff
from autodiff.cli import TOOLS

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
    for command, (module, _) in TOOLS.items():
        present = importlib.util.find_spec(module) is not None
        assert bool(re.search(rf"^\s+{command}\s+\S", listed, re.M)) == present, command


def test_demo_prints_what_examples_demo_prints(tmp_path: Path) -> None:
    # One demo, two ways in: the packaged one (no checkout needed) and the example script.
    out = tmp_path / "pictures"
    cli = run("demo", "--out", str(out), cwd=tmp_path, timeout=300)
    assert cli.returncode == 0, cli.stderr
    script = subprocess.run([sys.executable, str(REPO / "examples" / "demo.py")], capture_output=True, text=True,
                            timeout=300)
    assert script.returncode == 0, script.stderr
    examples_out = str(REPO / "examples" / "out")

    def normalised(text: str, folder: str, shown: str) -> list[str]:
        # Only the output folder differs; the banners' '#' rules follow the title's length.
        lines = text.replace(folder, "OUT").replace(f"({shown}/", "(OUT/").splitlines()
        return [line for line in lines if set(line) != {"#"}]

    assert normalised(cli.stdout, str(out), str(out)) == normalised(script.stdout, examples_out, "examples/out")
    assert cli.stdout.count("checker and SEEDS.md agree on every document formula: True") == 2
    for name in ("graph_000.svg", "graph_004.png", "graph_000_b_1_paths.svg", "animation_000.html"):
        assert (out / name).stat().st_size > 1000, name


def test_a_users_nn_py_that_shadows_the_package_is_named(tmp_path: Path) -> None:
    # `python -m` puts the current folder first on sys.path, so a learner's own nn.py wins over ours.
    (tmp_path / "nn.py").write_text("x = 1\n")
    result = run("demo", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 1
    assert str(tmp_path / "nn.py") in result.stderr
    assert "shadows" in result.stderr and "Rename" in result.stderr
    assert result.stdout == "" and not (tmp_path / "out").exists()
