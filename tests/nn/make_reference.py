"""Compute the PyTorch reference numbers that tests/nn/test_nn_softmax_optim.py reads. Run ONCE.

    .venv/bin/pip install torch==2.13.0        # only for this script; torch is not a test dependency
    .venv/bin/python tests/nn/make_reference.py

It writes tests/nn/data/torch_reference.json: float64 results of ``torch.softmax``,
``F.cross_entropy`` (values and gradients with respect to the logits) and of
``torch.optim.SGD`` / ``Adam`` / ``AdamW`` run for several steps on a small fixed loss of three
parameters. The tests rebuild the same computations with the engine and compare to 1e-12.
Numbers are written with ``repr`` precision (JSON keeps every float exactly).
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
OUT = Path(__file__).resolve().parent / "data" / "torch_reference.json"

# --- softmax and cross-entropy ---------------------------------------------------------------

SINGLE_CASES = [  # (logits, target index)
    ([1.0, 2.0, -1.0], 0),
    ([0.1, -0.3, 2.5, 0.0, 1.7], 4),
    ([1000.0, -1000.0, 0.0], 1),
    ([-1000.0, -1000.0], 0),
    ([1000.0, 999.0, 1000.0], 2),
    ([3.0], 0),
    ([-2.5, 7.25, 0.125, -0.5], 1),
]
BATCH_CASE = ([[1.0, 2.0, -1.0], [0.5, 0.5, 0.5], [-3.0, 4.0, 1.5]], [0, 2, 1])
SOFTMAX_WEIGHTS_SEED = 0  # softmax's gradient is checked through sum_i w_i * softmax_i


def softmax_case(logits: list[float], target: int) -> dict:
    x = torch.tensor(logits, requires_grad=True)
    p = torch.softmax(x, dim=0)
    weights = torch.linspace(-1.0, 1.5, len(logits))
    (p * weights).sum().backward()
    softmax_grad = x.grad.tolist()
    y = torch.tensor(logits, requires_grad=True)
    loss = F.cross_entropy(y.unsqueeze(0), torch.tensor([target]))
    loss.backward()
    return {
        "logits": logits, "target": target,
        "softmax": p.tolist(), "weights": weights.tolist(), "weighted_softmax_grad": softmax_grad,
        "cross_entropy": loss.item(), "cross_entropy_grad": y.grad.tolist(),
    }


def batch_case(rows: list[list[float]], targets: list[int]) -> dict:
    x = torch.tensor(rows, requires_grad=True)
    loss = F.cross_entropy(x, torch.tensor(targets))  # reduction='mean'
    loss.backward()
    return {"logits": rows, "targets": targets, "cross_entropy": loss.item(), "cross_entropy_grad": x.grad.tolist()}


# --- optimizers --------------------------------------------------------------------------------

INITIAL = [0.5, -1.25, 0.8]
STEPS = 6


def loss_of(p0, p1, p2):  # written with operations both engines have: the tests build the same
    return (p0 * p1 - 1) ** 2 + 0.5 * p2**4 + (0.3 * p0).exp() - p2 * p1


OPTIMIZERS = [  # (name, keyword arguments), the same names and arguments as nn.optim
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True}),
    ("SGD", {"lr": 0.1, "weight_decay": 0.05}),
    ("SGD", {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.1, "nesterov": True}),
    ("Adam", {"lr": 0.05}),
    ("Adam", {"lr": 0.1, "betas": [0.5, 0.9], "eps": 1e-6}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.2}),
    ("AdamW", {"lr": 0.05}),
    ("AdamW", {"lr": 0.1, "betas": [0.8, 0.99], "weight_decay": 0.5}),
]


def optimizer_case(name: str, kwargs: dict) -> dict:
    params = [torch.tensor(v, requires_grad=True) for v in INITIAL]
    torch_kwargs = {k: tuple(v) if k == "betas" else v for k, v in kwargs.items()}
    opt = getattr(torch.optim, name)(params, foreach=False, **torch_kwargs)
    trajectory = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss_of(*params).backward()
        opt.step()
        trajectory.append([p.item() for p in params])
    return {"optimizer": name, "kwargs": kwargs, "initial": INITIAL, "after_each_step": trajectory}


def main() -> None:
    data = {
        "made_by": f"tests/nn/make_reference.py with torch {torch.__version__}, float64",
        "softmax_cross_entropy": [softmax_case(l, t) for l, t in SINGLE_CASES],
        "cross_entropy_batch": batch_case(*BATCH_CASE),
        "optimizer_loss": "(p0*p1 - 1)**2 + 0.5*p2**4 + exp(0.3*p0) - p2*p1",
        "optimizers": [optimizer_case(n, k) for n, k in OPTIMIZERS],
    }
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
