"""MLP.to_torch() and MLP.from_torch(): the same network in PyTorch (float64) gives backward()'s gradients to 1e-12."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch
from hypothesis import given

from autodiff import Value, define_op
from nn import MLP
from nn.layerform import case_data, scalar_loss
from nn.torch_bridge import shared_bias_linear, torch_gradients

from .mlp_strategies import FEW, MLPCase, close, mlp_cases


def torch_loss(out: torch.Tensor, targets, loss: str) -> torch.Tensor:
    """The layer form's convention in torch: the loss of all N·m predictions (cross_entropy: a mean over N)."""
    F = torch.nn.functional
    if loss == "cross_entropy":
        return F.cross_entropy(out, torch.tensor(targets))
    T = torch.tensor(targets, dtype=torch.float64)
    if loss == "mse":
        return F.mse_loss(out, T)
    if loss == "bce":
        return F.binary_cross_entropy(out, T)
    return 0.5 * ((out - T) ** 2).sum()


def compare(model: MLP, X, T, loss: str, root: Value) -> None:
    module = model.to_torch()
    assert all(p.dtype == torch.float64 for p in module.parameters())
    out = module(torch.tensor(X, dtype=torch.float64))
    value = torch_loss(out, T, loss)
    value.backward()
    model.zero_grad()
    root.backward()
    assert close(float(value.detach()), root.data)
    ours = {name: p.grad for name, p in model.named_parameters()}
    theirs = torch_gradients(model, module)
    assert set(theirs) == set(ours)
    for name, g in ours.items():
        assert close(theirs[name], g), (name, theirs[name], g)
    assert sum(p.numel() for p in module.parameters()) == len(ours)  # a shared bias stays one parameter


@pytest.mark.parametrize("seed, variant", [("000", None), ("000", "per_unit_hidden_bias"), ("001", None), ("002", None),
                                           ("003", None), ("003", "batch_sum"), ("004", None)])
def test_the_five_documents_in_torch_give_backwards_gradients(seed, variant):
    model, X, T, loss, root_of = case_data(seed, variant)
    compare(model, X, T, loss, root_of())


@FEW
@given(mlp_cases())
def test_random_mlps_in_torch_give_backwards_gradients(case: MLPCase):
    compare(case.model, case.inputs, case.targets, case.loss,
            scalar_loss(case.model, case.inputs, case.targets, case.loss))


@FEW
@given(mlp_cases())
def test_from_torch_of_to_torch_is_the_same_network(case: MLPCase):
    back = MLP.from_torch(case.model.to_torch())
    assert list(back.state_dict().values()) == list(case.model.state_dict().values())
    assert [lay.describe() for lay in back.layers] == [lay.describe() for lay in case.model.layers]
    for x in case.inputs:
        assert [v.data for v in back.outputs(x)] == [v.data for v in case.model.outputs(x)]


def test_from_torch_reads_a_plain_sequential():
    torch.manual_seed(0)
    seq = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2, bias=False),
                              torch.nn.ReLU(), torch.nn.Linear(2, 1)).double()
    model = MLP.from_torch(seq)
    assert repr(model) == "MLP(3 -> 4 tanh (with bias) -> 2 relu (no bias) -> 1 linear (with bias))"
    x = [0.3, -1.2, 0.7]
    expected = seq(torch.tensor([x], dtype=torch.float64))[0].tolist()
    assert abs(model.output(x).data - expected[0]) <= 1e-15


@pytest.mark.parametrize("module, message", [
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Softmax(dim=1)), "module 1 is Softmax"),
    (lambda: torch.nn.Sequential(torch.nn.Conv1d(1, 1, 1)), "module 0 is Conv1d; expected a Linear layer"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(2, 1)), "module 1 takes 2 inputs"),
    (lambda: torch.nn.Linear(2, 1), "expected a torch.nn.Sequential"),
    (lambda: torch.nn.Sequential(), "the Sequential is empty"),
])
def test_from_torch_refuses_anything_else_clearly(module, message):
    with pytest.raises((ValueError, TypeError), match="MLP.from_torch") as info:
        MLP.from_torch(module())
    assert message in str(info.value)


def test_a_shared_bias_is_one_torch_parameter():
    model, *_ = case_data("000")
    module = model.to_torch()
    assert isinstance(module[0], shared_bias_linear()) and module[0].bias.shape == ()
    assert float(module[0].bias.detach()) == 0.1 and "one shared bias" in repr(module)


def test_an_activation_torch_cannot_build_is_refused():
    cube = define_op("cube_torch", lambda x: x ** 3, lambda x, out: (3 * x ** 2,))
    with pytest.raises(ValueError, match="to_torch: layer 1's activation 'cube_torch' has no torch module"):
        MLP(2, [1], activation=cube).to_torch()


def test_import_autodiff_and_nn_does_not_import_torch():
    code = ("import sys, json, autodiff, nn, nn.layerform, nn.layerform_text, nn.numpy_code, nn.torch_bridge\n"
            "print(json.dumps(sorted(m for m in sys.modules if m == 'torch' or m.startswith('torch.'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
