"""Two classic toy problems for an MLP, XOR and two moons: the data, made in code from a fixed seed,
a full-batch training loop that prints its progress, and plots of the loss curve and of the decision
boundary (matplotlib, the optional extra ``plot``: imported only when a plot is made).

What is printed and drawn is in the learner's language (``lang=``, else ``autodiff.i18n``'s
default), every line a whole catalogue template whose numbers are formatted here, so that every
language prints the same numbers. A plot is labelled in Korean only when matplotlib can find a
font with Hangul (``hangul_font``, e.g. Debian's fonts-noto-cjk); without one it keeps its
English labels rather than draw empty boxes.
"""

from __future__ import annotations

import functools
import math
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from autodiff import gc_paused, no_grad
from autodiff.i18n import SOURCE_LANGUAGE, resolve_language, translate, using_language
from nn import MLP, SGD, bce_loss

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

__all__ = [
    "xor_data", "moons_data", "accuracy", "Run", "fit", "train", "main", "PROBLEMS",
    "loss_figure", "boundary_figure", "decision_boundary", "save_plots", "hangul_font",
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


def fit(problem: str = "xor", quiet: bool = False, epochs: int | None = None, lang: str | None = None) -> Run:
    """Train from a fixed seed (``epochs`` overrides the problem's default); print progress in ``lang``; return the run."""
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
    language = resolve_language(lang)
    run = Run(problem, model, xs, ys)
    momentum = 0.9
    opt = SGD(model.parameters(), lr=lr, momentum=momentum)
    print(translate("{problem}: {points} points, {model}, {parameters} parameters, full-batch SGD "
                    "(lr {lr}, momentum {momentum}), binary cross-entropy", language, problem=problem,
                    points=len(xs), model=repr(model), parameters=len(model.parameters()), lr=lr, momentum=momentum))
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
            print(translate("  epoch {epoch}  loss {loss}  accuracy [{bar}] {accuracy}", language,
                            epoch=f"{epoch:4d}", loss=f"{loss.data:.5f}", bar=bar(acc), accuracy=f"{acc:6.1%}"))
    print(translate("final accuracy on {problem}: {accuracy}", language, problem=problem, accuracy=f"{run.accuracy:.1%}"))
    return run


def train(problem: str = "xor", quiet: bool = False, lang: str | None = None) -> float:
    """Train from a fixed seed; print progress in ``lang``; return the final accuracy."""
    return fit(problem, quiet, lang=lang).accuracy


# --- plots (matplotlib: the optional extra `plot`) -------------------------------------------------

_HANGUL_FAMILIES = ("Noto Sans CJK KR", "Noto Sans KR", "Source Han Sans KR", "NanumGothic", "Apple SD Gothic Neo",
                    "AppleGothic", "Malgun Gothic", "Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans CJK TC")
_HANGUL_PROBE = "가각한글힣"  # first and last syllables, and the words of a label


@functools.lru_cache(maxsize=1)
def hangul_font() -> Path | None:
    """A font file with Hangul that matplotlib can draw with, or None (found once per process).

    First the families matplotlib's font list knows (Korean ones first), then the system's font
    files whose names suggest CJK or Korean: matplotlib keeps its font list from its first run,
    so a font installed afterwards is missing from that list. A file counts only when its
    character map has every syllable of a probe.
    """
    from matplotlib import font_manager, ft2font

    def has_hangul(path: str) -> bool:
        try:
            charmap = ft2font.FT2Font(path).get_charmap()
        except (OSError, RuntimeError, ValueError):
            return False
        return all(ord(ch) in charmap for ch in _HANGUL_PROBE)

    listed = {entry.name: entry.fname for entry in font_manager.fontManager.ttflist}
    candidates = [listed[family] for family in _HANGUL_FAMILIES if family in listed]
    hints = ("cjk", "kr", "korean", "hangul", "nanum", "malgun", "gothic")

    def order(path: str) -> tuple[bool, bool, str]:  # sans-serif before serif, regular before bold
        name = Path(path).name.lower()
        return "sans" not in name, "bold" in name, name

    files: list[str] = font_manager.findSystemFonts()
    candidates += sorted((path for path in files if any(h in Path(path).name.lower() for h in hints)), key=order)
    for path in candidates:
        if has_hangul(path):
            return Path(path)
    return None


def _plot_language(lang: str | None) -> tuple[str, Path | None]:
    """The language to label a plot in and the font file to label it with (None: matplotlib's default).

    Korean needs a font with Hangul; without one the plot is labelled in English.
    """
    language = resolve_language(lang)
    if language != "ko":
        return language, None
    font = hangul_font()
    return (language, font) if font is not None else (SOURCE_LANGUAGE, None)


def _font(path: Path | None, size: str | None = None) -> FontProperties | None:
    if path is None:
        return None
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=path, size=size)


def _figure(lang: str | None) -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(translate("plotting needs matplotlib: pip install 'autodiff-teach[plot]' "
                                    "(or pip install matplotlib)", lang)) from None
    return Figure(figsize=(6.4, 4.0), dpi=100, layout="constrained")


def loss_figure(runs: Sequence[Run], lang: str | None = None) -> Figure:
    """The training loss per epoch of each run, on a log scale, labelled in ``lang`` (see ``_plot_language``)."""
    figure = _figure(lang)
    language, path = _plot_language(lang)
    font = _font(path)
    axes = figure.add_subplot()
    for run in runs:
        axes.plot(range(1, len(run.losses) + 1), run.losses, label=f"{run.problem} ({run.model!r})")
    axes.set_yscale("log")
    axes.set_xlabel(translate("epoch", language), fontproperties=font)
    axes.set_ylabel(translate("binary cross-entropy (full batch)", language), fontproperties=font)
    axes.set_title(translate("Training loss", language), fontproperties=_font(path, "large"))
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


def boundary_figure(run: Run, resolution: int = 60, lang: str | None = None) -> Figure:
    """The data coloured by label over the model's output, with its 0.5 contour: the decision boundary.

    Labelled in ``lang`` (see ``_plot_language``)."""
    figure = _figure(lang)
    language, path = _plot_language(lang)
    font = _font(path)
    gx, gy, out = decision_boundary(run, resolution)
    axes = figure.add_subplot()
    shading = axes.contourf(gx, gy, out, levels=20, cmap="RdBu_r", vmin=0.0, vmax=1.0, alpha=0.7)
    axes.contour(gx, gy, out, levels=[0.5], colors="black", linewidths=1.5)
    for label, marker in ((0.0, "o"), (1.0, "s")):
        points = [p for p, y in zip(run.xs, run.ys) if y == label]
        axes.scatter([p[0] for p in points], [p[1] for p in points], marker=marker, edgecolors="black",
                     c="white" if label == 0.0 else "black", s=30,
                     label=translate("label {label}", language, label=f"{label:g}"))
    colorbar = figure.colorbar(shading, ax=axes)
    colorbar.set_label(translate("model output", language), fontproperties=font)
    axes.set_title(translate("{problem}: decision boundary (output = 0.5), accuracy {accuracy}", language,
                             problem=run.problem, accuracy=f"{run.accuracy:.0%}"), fontproperties=_font(path, "large"))
    axes.legend(loc="upper right", fontsize="small", prop=_font(path, "small"))
    return figure


def save_plots(runs: Sequence[Run], folder: Path, lang: str | None = None) -> list[Path]:
    """Write toy_loss.png (every run's loss) and <problem>_boundary.png for the moons run; return the paths."""
    language = resolve_language(lang)
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "toy_loss.png"]
    loss_figure(runs, language).savefig(written[0])
    for run in runs:
        if run.problem == "moons":
            written.append(folder / "moons_boundary.png")
            boundary_figure(run, lang=language).savefig(written[-1])
    return written


def main(problems: Sequence[str] = ("xor",), plots: Path | None = None, lang: str | None = None) -> list[Run]:
    """Train on each problem in turn, printing in ``lang``; with ``plots``, save the loss curve and the decision boundary there."""
    with using_language(lang):  # every line below, and the plots, in one language
        runs = [fit(problem) for problem in problems]
        if plots is not None:
            try:
                paths = save_plots(runs, plots)
            except ImportError as error:
                print(translate("(no plots: {error})", error=error))
            else:
                print(translate("plots: {paths}", paths=", ".join(str(p) for p in paths)))
    return runs
