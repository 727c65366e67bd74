"""The generated numpy script runs on its own and prints backward()'s gradients to 1e-12."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings

from autodiff import define_op
from nn import MLP
from nn.layerform import case_data, layer_form, scalar_loss
from nn.numpy_code import to_numpy_code

from .mlp_strategies import MLPCase, close, mlp_cases


def run_script(code: str, tmp_path) -> dict[str, float]:
    path = tmp_path / "layer_form.py"
    path.write_text(code, encoding="utf-8")
    result = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120,
                            cwd=tmp_path)  # (not the repository: the script needs numpy only)
    assert result.returncode == 0, result.stderr
    printed = {}
    for line in result.stdout.splitlines():
        name, value = line.rsplit(" ", 1)
        printed[name.strip("'")] = float(value)
    return printed


def check(model: MLP, X, T, loss: str, root, tmp_path) -> None:
    printed = run_script(to_numpy_code(layer_form(model, X, T, loss)), tmp_path)
    model.zero_grad()
    root.backward()
    assert close(printed.pop("loss"), root.data)
    grads = {name: p.grad for name, p in model.named_parameters()}
    assert set(printed) == set(grads)
    for name, g in grads.items():
        assert close(printed[name], g), (name, printed[name], g)


@pytest.mark.parametrize("seed, variant", [("000", None), ("001", None), ("002", None), ("003", "batch_sum"),
                                           ("004", None)])
def test_the_documents_numpy_scripts_print_backwards_gradients(seed, variant, tmp_path):
    model, X, T, loss, root_of = case_data(seed, variant)
    check(model, X, T, loss, root_of(), tmp_path)


@settings(max_examples=max(5, settings.default.max_examples // 6))  # (a subprocess per example)
@given(case=mlp_cases())
def test_random_mlps_numpy_scripts_print_backwards_gradients(case: MLPCase, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("numpy")
    check(case.model, case.inputs, case.targets, case.loss,
          scalar_loss(case.model, case.inputs, case.targets, case.loss), tmp)


def test_the_script_states_the_layout_and_the_transpose():
    model, X, T, loss, _ = case_data("002")
    code = to_numpy_code(layer_form(model, X, T, loss))
    assert "fan-in × fan-out" in code and "dW1 = X.T @ delta1" in code and "delta1 = (delta2 @ W2.T)" in code
    assert "print('w2_12', repr(float(dW1[1, 0])))" in code  # w_ij stored at [j][i]
    assert "import numpy as np" in code and "eval(" not in code


def test_an_activation_numpy_cannot_spell_is_refused():
    softsign = define_op("softsign_np", lambda x: x / (1 + abs(x)), lambda x, out: (1 / (1 + abs(x)) ** 2,))
    model = MLP(1, [1], activation=softsign)
    with pytest.raises(ValueError, match="to_numpy_code: layer 1's activation 'softsign_np' has no numpy spelling"):
        to_numpy_code(layer_form(model, [[0.5]], [[1.0]], "mse"))
