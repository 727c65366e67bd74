"""Two classic toy problems for an MLP, XOR and two moons: the data, made in code from a fixed seed,
and a full-batch training loop that prints its progress and returns the final accuracy.
"""

from __future__ import annotations

import math
import random
from typing import Sequence

from autodiff import gc_paused

from .losses import bce_loss
from .module import MLP
from .optim import SGD

__all__ = ["xor_data", "moons_data", "accuracy", "train", "main", "PROBLEMS"]

PROBLEMS = ("xor", "moons")

def xor_data() -> tuple[list[list[float]], list[float]]:
    return [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 1.0, 1.0, 0.0]


def moons_data(n: int = 60, noise: float = 0.1, seed: int = 0) -> tuple[list[list[float]], list[float]]:
    """Two interleaved half circles: label 0 on the upper moon, 1 on the lower one."""
    rng = random.Random(seed)
    xs, ys = [], []
    for i in range(n):
        label = i % 2
        angle = math.pi * rng.random()
        if label == 0:
            x, y = math.cos(angle), math.sin(angle)
        else:
            x, y = 1 - math.cos(angle), 0.5 - math.sin(angle)
        xs.append([x + rng.gauss(0, noise), y + rng.gauss(0, noise)])
        ys.append(float(label))
    return xs, ys


def bar(fraction: float, width: int = 30) -> str:
    filled = round(fraction * width)
    return "#" * filled + "." * (width - filled)


def accuracy(model: MLP, xs: Sequence[Sequence[float]], ys: Sequence[float]) -> float:
    """The fraction of points whose output is on the same side of 0.5 as the label."""
    return sum((model(x).data > 0.5) == (y > 0.5) for x, y in zip(xs, ys)) / len(ys)


def train(problem: str = "xor", quiet: bool = False) -> float:
    """Train from a fixed seed; print progress; return the final accuracy."""
    if problem == "xor":
        xs, ys = xor_data()
        model, epochs, lr = MLP(2, [4, 1], activations=["tanh", "sigmoid"], seed=0), 300, 0.5
    elif problem == "moons":
        xs, ys = moons_data()
        model, epochs, lr = MLP(2, [8, 8, 1], activations=["tanh", "tanh", "sigmoid"], seed=1), 200, 0.3
    else:
        raise ValueError(f"train_toy: unknown problem {problem!r}; choose 'xor' or 'moons'")
    opt = SGD(model.parameters(), lr=lr, momentum=0.9)
    print(f"{problem}: {len(xs)} points, {model!r}, {len(model.parameters())} parameters,"
          f" full-batch SGD (lr {lr}, momentum 0.9), binary cross-entropy")
    every = max(1, epochs // 10)
    for epoch in range(1, epochs + 1):
        with gc_paused():  # one step; the collector has no cycles to find in our graphs (see README)
            loss = bce_loss([model(x) for x in xs], ys)
            opt.zero_grad()
            loss.backward()
            opt.step()
        if not quiet and (epoch % every == 0 or epoch == 1):
            acc = accuracy(model, xs, ys)
            print(f"  epoch {epoch:4d}  loss {loss.data:.5f}  accuracy [{bar(acc)}] {acc:6.1%}")
    final = accuracy(model, xs, ys)
    print(f"final accuracy on {problem}: {final:.1%}")
    return final


def main(problems: Sequence[str] = ("xor",)) -> None:
    """Train on each problem in turn."""
    for problem in problems:
        train(problem)

