"""Train an MLP to sort 2-D points into 3 classes with softmax cross-entropy and Adam.

    .venv/bin/python examples/train_3class.py
    AUTODIFF_LANG=ko .venv/bin/python examples/train_3class.py     # in Korean, the same numbers

The data are three interleaved arms of a small spiral, generated in code from a fixed seed, so
every run prints the same numbers. The network's last layer is linear: its three outputs are
the logits, ``nn.cross_entropy`` turns them into the loss (mean over the points) and
``nn.softmax`` into class probabilities. Every gradient comes from ``loss.backward()``.
"""

import math
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from autodiff import gc_paused  # noqa: E402
from autodiff.i18n import resolve_language, translate  # noqa: E402
from nn import MLP, Adam, cross_entropy, softmax  # noqa: E402

CLASSES = 3


def spiral_data(per_class: int = 20, noise: float = 0.08, seed: int = 0) -> tuple[list[list[float]], list[int]]:
    """``per_class`` points on each of three spiral arms, 120° apart, with Gaussian noise."""
    rng = random.Random(seed)
    xs, ys = [], []
    for label in range(CLASSES):
        for i in range(per_class):
            r = 0.15 + 0.85 * i / per_class
            angle = 2 * math.pi * label / CLASSES + 2.5 * r
            xs.append([r * math.cos(angle) + rng.gauss(0, noise), r * math.sin(angle) + rng.gauss(0, noise)])
            ys.append(label)
    return xs, ys


def predict(model: MLP, x: list[float]) -> int:
    logits = model.outputs(x)
    return max(range(CLASSES), key=lambda k: logits[k].data)


def accuracy(model: MLP, xs: list[list[float]], ys: list[int]) -> float:
    return sum(predict(model, x) == y for x, y in zip(xs, ys)) / len(ys)


def train(epochs: int = 120, report_every: int = 20, lr: float = 0.05,
          lang: str | None = None) -> list[tuple[int, float, float]]:
    """Full-batch Adam from a fixed seed; prints (in ``lang``) and returns ``(epoch, loss, accuracy)`` at each report."""
    language = resolve_language(lang)
    xs, ys = spiral_data()
    model = MLP(2, [16, CLASSES], activations=["tanh", "linear"], seed=0)
    opt = Adam(model.parameters(), lr=lr)
    print(translate("{classes} classes, {points} points, {model}, {parameters} parameters, {optimizer}", language,
                    classes=CLASSES, points=len(xs), model=repr(model), parameters=len(model.parameters()),
                    optimizer=repr(opt)))
    history = []
    for epoch in range(1, epochs + 1):
        with gc_paused():  # one step; our graphs have no cycles for the collector to find
            loss = cross_entropy([model.outputs(x) for x in xs], ys)
            opt.zero_grad()
            loss.backward()
            opt.step()
        if epoch == 1 or epoch % report_every == 0 or epoch == epochs:
            acc = accuracy(model, xs, ys)
            history.append((epoch, loss.data, acc))
            print(translate("  epoch {epoch}  cross-entropy {loss}  accuracy {accuracy}", language,
                            epoch=f"{epoch:4d}", loss=f"{loss.data:.5f}", accuracy=f"{acc:6.1%}"))
    probs = [round(p.data, 3) for p in softmax(model.outputs(xs[0]))]
    print(translate("point {point} (class {label}): probabilities {probabilities}", language,
                    point=xs[0], label=ys[0], probabilities=probs))
    print(translate("final accuracy: {accuracy}", language, accuracy=f"{history[-1][2]:.1%}"))
    return history


if __name__ == "__main__":
    train()
