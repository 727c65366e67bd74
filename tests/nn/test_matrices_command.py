"""`autodiff matrices`: the layer form on the command line, for a document or a typed network, in English and Korean."""

from __future__ import annotations

import subprocess
import sys

import pytest

from autodiff.cli import main
from nn.layerform import case_layer_form


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("seed", ["000", "002"])
def test_a_documents_matrices_print_every_gradient(capsys, seed):
    code, out, _ = run(capsys, "matrices", "--case", seed)
    assert code == 0 and "rows are samples" in out
    for value in case_layer_form(seed).gradients.values():
        assert repr(value) in out


def test_a_typed_network_and_one_entry(capsys):
    code, out, _ = run(capsys, "matrices", "--sizes", "3,2", "--inputs", "0.5,1,2; 1,0,-1", "--targets", "1; 0",
                       "--activations", "tanh,linear", "--bias", "shared", "--loss", "cross_entropy", "--entry", "b1")
    assert code == 0 and "∂L/∂b1 = sum(δ1)" in out and "12 paths" in out


def test_markdown_latex_and_numpy_formats(capsys):
    assert "| parameter |" in run(capsys, "matrices", "--case", "004", "--format", "markdown")[1]
    assert r"\begin{align*}" in run(capsys, "matrices", "--case", "004", "--format", "latex")[1]
    code, script, _ = run(capsys, "matrices", "--case", "004", "--format", "numpy")
    assert code == 0 and script.startswith('"""') and "import numpy as np" in script
    done = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True, timeout=120)
    assert "w11 0.0009290711608096" in done.stdout


@pytest.mark.parametrize("argv, message", [
    (["matrices"], "give --case SEED, or a typed network"),
    (["matrices", "--sizes", "2,1", "--inputs", "1,2"], "give --case SEED, or a typed network"),
    (["matrices", "--case", "009"], "unknown seed '009'"),
    (["matrices", "--sizes", "2,1", "--inputs", "1,x", "--targets", "1"], "is not a list of numbers"),
    (["matrices", "--case", "002", "--entry", "w9"], "no parameter named 'w9'"),
])
def test_bad_input_exits_1_with_a_message(capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 1 and message in err and err.startswith("autodiff matrices: ")


def test_korean(capsys):
    code, out, _ = run(capsys, "--lang", "ko", "matrices", "--case", "002")
    assert code == 0 and "행" in out and repr(case_layer_form("002").gradients["w2_12"]) in out


@pytest.mark.parametrize("argv, code, words", [
    (["--case", "002", "--check", "loss_2", "--formula", "loss_3 @ W3.T * A2 * (1 - A2)"], 0, "right:"),
    (["--case", "002", "--check", "dW3", "--formula", "A2 · loss_3"], 3, "A2 needs a transpose"),
    (["--case", "003", "--check", "dW_1", "--formula", "Xᵀ·δ"], 3, "goes through Z1 and its δ1"),
    (["--case", "003", "--check", "dW_2", "--shape", "100,1"], 3, "one neuron's incoming weights"),
    (["--case", "003", "--check", "dW_3", "--shape", "50,1"], 0, "right: (50, 1) is dW_3"),
])
def test_check_a_matrix_formula_or_shape(capsys, argv, code, words):
    got, out, _ = run(capsys, "matrices", *argv)
    assert got == code and words in out


@pytest.mark.parametrize("argv, message", [
    (["--case", "002", "--check", "dW3"], "--check needs --formula or --shape"),
    (["--case", "002", "--check", "dW3", "--formula", "A2ᵀ @ (loss_3"], "expected ')'"),
    (["--case", "003", "--check", "dW_2", "--shape", "100"], "--shape must be ROWS,COLS"),
])
def test_a_check_that_cannot_be_read_exits_1(capsys, argv, message):
    got, _, err = run(capsys, "matrices", *argv)
    assert got == 1 and message in err
