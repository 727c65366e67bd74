"""Hypothesis strategies for random MLPs with inputs, targets and a loss (the layer form's tests).

``mlp_cases()`` draws an ``MLPCase``: 1 to 4 inputs, 1 to 3 layers of 1 to 4 units, an activation
per layer (sigmoid, tanh, relu, linear), biases on, off or shared (one Value per layer), 1 to 4
samples and a loss (mse, half_sse, bce on a sigmoid output, cross_entropy on logits), with
weights, biases, inputs and targets drawn in moderate ranges. ``close`` is the tolerance every
comparison with ``backward()`` uses: relative 1e-12, absolute 1e-15 near 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from autodiff import Value
from nn import MLP

ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear")
LOSSES = ("mse", "half_sse", "bce", "cross_entropy")
FEW = settings(max_examples=max(10, settings.default.max_examples // 3))
"""A third of the profile's examples (16 under the CI profile): each example builds several graphs."""


def close(a: float, b: float, rel: float = 1e-12, abs_: float = 1e-15) -> bool:
    return abs(a - b) <= rel * abs(b) + abs_


@dataclass
class MLPCase:
    model: MLP
    inputs: list[list[float]]
    targets: Any
    loss: str
    bias: str

    def __repr__(self) -> str:
        return (f"MLPCase({self.model!r}, bias={self.bias}, loss={self.loss}, inputs={self.inputs}, "
                f"targets={self.targets}, state={self.model.state_dict()})")


moderate = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 6))


@st.composite
def mlp_cases(draw: st.DrawFn, max_inputs: int = 4, max_layers: int = 3, max_width: int = 4,
              losses: tuple[str, ...] = LOSSES) -> MLPCase:
    nin = draw(st.integers(1, max_inputs))
    sizes = draw(st.lists(st.integers(1, max_width), min_size=1, max_size=max_layers))
    loss = draw(st.sampled_from(losses))
    if loss == "cross_entropy" and sizes[-1] == 1:
        sizes[-1] = 2
    activations = draw(st.lists(st.sampled_from(ACTIVATIONS), min_size=len(sizes), max_size=len(sizes)))
    if loss == "bce":
        activations[-1] = "sigmoid"
    bias = draw(st.sampled_from(("on", "off", "shared")))
    bias_arg: Any = {"on": True, "off": False}.get(bias)
    if bias == "shared":
        bias_arg = [Value(0.0, f"b{k}") for k in range(1, len(sizes) + 1)]
    model = MLP(nin, sizes, activations=activations, bias=bias_arg, seed=draw(st.integers(0, 1000)))
    model.load_state_dict({name: draw(moderate) for name, _ in model.named_parameters()})
    n = draw(st.integers(1, 4))
    inputs = [[draw(moderate) for _ in range(nin)] for _ in range(n)]
    m = sizes[-1]
    if loss == "cross_entropy":
        targets: Any = [draw(st.integers(0, m - 1)) for _ in range(n)]
    elif loss == "bce":
        targets = [[draw(st.floats(0.0, 1.0)) for _ in range(m)] for _ in range(n)]
    else:
        targets = [[draw(moderate) for _ in range(m)] for _ in range(n)]
    return MLPCase(model, inputs, targets, loss, bias)
