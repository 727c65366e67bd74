"""Random small networks for practice, made from a seed: their form (``NetworkSpec``), the practice
names of their parameters and nodes (w1_12, z1_1, a1_1, yhat, L) and the graph built from a form.

``from_seed`` in ``exercises`` asks its questions on ``random_network(seed)``; the lab and the tests
build a given form with ``build_network``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Sequence

from ..engine import Value
from ..traversal import topological_order
from .catalogue import num
from .messages import say


def value_lines(root: Value) -> list[str]:
    """``name = value`` for every named node of the graph, inputs first."""
    return [f"{n.name} = {num(n.data)}" for n in reversed(topological_order(root)) if n.name is not None]


@dataclass(frozen=True)
class NetworkSpec:
    """What a small practice network is made of. ``params``: parameter name -> value (every
    parameter of the model); ``inputs``: one list of input values per sample; ``targets``: one
    target per sample."""

    nin: int
    hidden: tuple[int, ...]
    output: str  # 'sigmoid' or 'linear'
    bias: str  # 'per unit', 'shared' (one per hidden layer) or 'none' (the output keeps its bias)
    loss: str  # 'half_sse', 'mse' (mean over the samples) or 'bce'
    params: dict[str, float]
    inputs: tuple[tuple[float, ...], ...]
    targets: tuple[float, ...]


@dataclass(frozen=True)
class RandomNetwork:
    """A small network: the loss Value, the model and a description to print."""

    root: Value
    model: Any
    description: list[str]


BIAS_KINDS = ("per unit", "shared", "none")
LOSSES = ("half_sse", "mse", "bce")


def network_names(nin: int, sizes: Sequence[int], bias: str) -> dict[str, str]:
    """The nn default names -> the practice names: w{l}_{i}{j} goes TO unit i of layer l FROM
    unit j (as in documents 002-004); z{l}_{i}, a{l}_{i}; the output is yhat."""
    names: dict[str, str] = {}
    fan_in = nin
    for l, size in enumerate(sizes, start=1):
        last = l == len(sizes)
        for i in range(1, size + 1):
            p = f"L{l}.N{i}"
            names[p] = "output" if last else f"h{l}_{i}"
            for j in range(1, fan_in + 1):
                names[f"{p}.w{j}"] = f"w{l}_{i}{j}"
            if bias == "per unit" or last:
                names[f"{p}.b"] = f"b{l}_{i}"
            names[f"{p}.z"] = f"z{l}_{i}"
            names[f"{p}.a"] = "yhat" if last else f"a{l}_{i}"
        fan_in = size
    return names


def _model(nin: int, hidden: Sequence[int], output: str, bias: str) -> Any:
    from nn import MLP
    sizes = [*hidden, 1]
    biases: list[bool | Value] = []
    for l in range(1, len(sizes) + 1):
        if l == len(sizes):
            biases.append(True)
        elif bias == "shared":
            biases.append(Value(0.0, name=f"b{l}"))
        else:
            biases.append(bias == "per unit")
    return MLP(nin, sizes, activations=["sigmoid"] * len(hidden) + [output], bias=biases,
               names=network_names(nin, sizes, bias))


def build_network(spec: NetworkSpec) -> RandomNetwork:
    """The network and loss of ``spec``, every node named (see ``network_names``)."""
    from nn.losses import bce_loss, half_sse_loss, mse_loss
    if spec.bias not in BIAS_KINDS or spec.loss not in LOSSES or spec.output not in ("sigmoid", "linear"):
        raise ValueError(f"build_network: unknown bias, loss or output in {spec!r}")
    if spec.loss == "bce" and spec.output != "sigmoid":
        raise ValueError("build_network: cross-entropy needs a sigmoid output")
    model = _model(spec.nin, spec.hidden, spec.output, spec.bias)
    model.load_state_dict(spec.params)
    samples = len(spec.inputs)
    preds, targets = [], []
    for k, (x, t) in enumerate(zip(spec.inputs, spec.targets), start=1):
        tag = f"[{k}]" if samples > 1 else ""
        preds.append(model([Value(v, f"x{j}{tag}") for j, v in enumerate(x, start=1)], suffix=tag))
        targets.append(Value(t, f"t{tag}"))
    if spec.loss == "half_sse":
        loss = half_sse_loss(preds, targets)
        written = say("net.loss.half_sse.one" if samples == 1 else "net.loss.half_sse.many")
    elif spec.loss == "mse":
        loss = mse_loss(preds, targets)
        written = say("net.loss.mse", n=samples)
    else:
        loss = bce_loss(preds, targets)
        written = say("net.loss.bce")
    loss.name = "L"
    description = [say("net.description", model=repr(model), biases=say(f"net.bias.{spec.bias}")), written]
    return RandomNetwork(loss, model, description + value_lines(loss))


def random_spec(seed: int) -> NetworkSpec:
    """A small network drawn from ``seed``: layer sizes, output activation, biases and loss, with
    every value one decimal long so that it can be worked by hand."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"random_network: seed must be an int, got {type(seed).__name__} {seed!r}")
    rng = random.Random(seed)
    nin = rng.choice((1, 2))
    hidden = rng.choice(((2,), (3,), (2, 2)))
    output = rng.choice(("sigmoid", "linear"))
    bias = rng.choice(BIAS_KINDS)
    loss = rng.choice(LOSSES if output == "sigmoid" else LOSSES[:2])
    samples = 2 if loss == "mse" else 1

    def tenth(lo: int, hi: int) -> float:
        while True:
            k = rng.randint(lo, hi)
            if k:
                return k / 10

    names = [name for name, _ in _model(nin, hidden, output, bias).named_parameters()]
    params = {name: tenth(-9, 9) for name in names}
    inputs = tuple(tuple(tenth(-10, 20) for _ in range(nin)) for _ in range(samples))
    targets = tuple(float(rng.choice((0, 1))) if output == "sigmoid" else tenth(-10, 10) for _ in range(samples))
    return NetworkSpec(nin, hidden, output, bias, loss, params, inputs, targets)


def random_network(seed: int) -> RandomNetwork:
    """The network of ``random_spec(seed)``."""
    return build_network(random_spec(seed))
