"""Two classic toy problems for an MLP, XOR and two moons: the data, made in code from a fixed seed,
a full-batch training loop that prints its progress, and plots of the loss curve and of the decision
boundary (matplotlib, the optional extra ``plot``: imported only when a plot is made).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from autodiff import gc_paused, no_grad

from .losses import bce_loss
from .module import MLP
from .optim import SGD

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "xor_data", "moons_data", "accuracy", "Run", "fit", "train", "main", "PROBLEMS",
    "loss_figure", "boundary_figure", "decision_boundary", "save_plots",
]

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
    return sum((model.output(x).data > 0.5) == (y > 0.5) for x, y in zip(xs, ys)) / len(ys)


@dataclass
class Run:
    """One training run: the model after training, its data, and the loss after each epoch."""

    problem: str
    model: MLP
    xs: list[list[float]]
    ys: list[float]
    losses: list[float] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return accuracy(self.model, self.xs, self.ys)

    def __repr__(self) -> str:
        final = f", final loss {self.losses[-1]:.4g}" if self.losses else ""
        return f"Run({self.problem}: {len(self.xs)} points, {self.model!r}, {len(self.losses)} epochs{final})"


def fit(problem: str = "xor", quiet: bool = False, epochs: int | None = None) -> Run:
    """Train from a fixed seed (``epochs`` overrides the problem's default); print progress; return the run."""
    if problem == "xor":
        xs, ys = xor_data()
        model, default_epochs, lr = MLP(2, [4, 1], activations=["tanh", "sigmoid"], seed=0), 300, 0.5
    elif problem == "moons":
        xs, ys = moons_data()
        model, default_epochs, lr = MLP(2, [8, 8, 1], activations=["tanh", "tanh", "sigmoid"], seed=1), 200, 0.3
    else:
        raise ValueError(f"train_toy: unknown problem {problem!r}; choose 'xor' or 'moons'")
    epochs = default_epochs if epochs is None else epochs
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"train_toy: epochs must be a positive integer, got {epochs!r}")
    run = Run(problem, model, xs, ys)
    opt = SGD(model.parameters(), lr=lr, momentum=0.9)
    print(f"{problem}: {len(xs)} points, {model!r}, {len(model.parameters())} parameters,"
          f" full-batch SGD (lr {lr}, momentum 0.9), binary cross-entropy")
    every = max(1, epochs // 10)
    for epoch in range(1, epochs + 1):
        with gc_paused():  # one step; the collector has no cycles to find in our graphs (see README)
            loss = bce_loss([model.output(x) for x in xs], ys)
            opt.zero_grad()
            loss.backward()
            opt.step()
        run.losses.append(loss.data)
        if not quiet and (epoch % every == 0 or epoch == 1):
            acc = accuracy(model, xs, ys)
            print(f"  epoch {epoch:4d}  loss {loss.data:.5f}  accuracy [{bar(acc)}] {acc:6.1%}")
    print(f"final accuracy on {problem}: {run.accuracy:.1%}")
    return run


def train(problem: str = "xor", quiet: bool = False) -> float:
    """Train from a fixed seed; print progress; return the final accuracy."""
    return fit(problem, quiet).accuracy


# --- plots (matplotlib: the optional extra `plot`) -------------------------------------------------

def _figure() -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("plotting needs matplotlib: pip install 'autodiff-teach[plot]' (or pip install matplotlib)") from None
    return Figure(figsize=(6.4, 4.0), dpi=100, layout="constrained")


def loss_figure(runs: Sequence[Run]) -> Figure:
    """The training loss per epoch of each run, on a log scale."""
    figure = _figure()
    axes = figure.add_subplot()
    for run in runs:
        axes.plot(range(1, len(run.losses) + 1), run.losses, label=f"{run.problem} ({run.model!r})")
    axes.set_yscale("log")
    axes.set_xlabel("epoch")
    axes.set_ylabel("binary cross-entropy (full batch)")
    axes.set_title("Training loss")
    axes.legend(fontsize="small")
    axes.grid(True, alpha=0.3)
    return figure


def decision_boundary(run: Run, resolution: int = 60) -> tuple[list[float], list[float], list[list[float]]]:
    """The model's output on a ``resolution`` × ``resolution`` grid around the data: (xs, ys, outputs by row)."""
    px = [p[0] for p in run.xs]
    py = [p[1] for p in run.xs]
    pad = 0.5
    x0, x1, y0, y1 = min(px) - pad, max(px) + pad, min(py) - pad, max(py) + pad
    gx = [x0 + (x1 - x0) * i / (resolution - 1) for i in range(resolution)]
    gy = [y0 + (y1 - y0) * j / (resolution - 1) for j in range(resolution)]
    with no_grad():
        out = [[run.model.output([x, y]).data for x in gx] for y in gy]
    return gx, gy, out


def boundary_figure(run: Run, resolution: int = 60) -> Figure:
    """The data coloured by label over the model's output, with its 0.5 contour: the decision boundary."""
    gx, gy, out = decision_boundary(run, resolution)
    figure = _figure()
    axes = figure.add_subplot()
    shading = axes.contourf(gx, gy, out, levels=20, cmap="RdBu_r", vmin=0.0, vmax=1.0, alpha=0.7)
    axes.contour(gx, gy, out, levels=[0.5], colors="black", linewidths=1.5)
    for label, marker in ((0.0, "o"), (1.0, "s")):
        points = [p for p, y in zip(run.xs, run.ys) if y == label]
        axes.scatter([p[0] for p in points], [p[1] for p in points], marker=marker, edgecolors="black",
                     c="white" if label == 0.0 else "black", s=30, label=f"label {label:g}")
    figure.colorbar(shading, ax=axes, label="model output")
    axes.set_title(f"{run.problem}: decision boundary (output = 0.5), accuracy {run.accuracy:.0%}")
    axes.legend(loc="upper right", fontsize="small")
    return figure


def save_plots(runs: Sequence[Run], folder: Path) -> list[Path]:
    """Write toy_loss.png (every run's loss) and <problem>_boundary.png for the moons run; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "toy_loss.png"]
    loss_figure(runs).savefig(written[0])
    for run in runs:
        if run.problem == "moons":
            written.append(folder / "moons_boundary.png")
            boundary_figure(run).savefig(written[-1])
    return written


def main(problems: Sequence[str] = ("xor",), plots: Path | None = None) -> list[Run]:
    """Train on each problem in turn; with ``plots``, save the loss curve and the decision boundary there."""
    runs = [fit(problem) for problem in problems]
    if plots is not None:
        try:
            paths = save_plots(runs, plots)
        except ImportError as error:
            print(f"(no plots: {error})")
        else:
            print("plots: " + ", ".join(str(p) for p in paths))
    return runs
