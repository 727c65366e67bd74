"""PyTorch and back: an MLP as an equivalent float64 ``torch.nn.Sequential``, and a Sequential as an MLP.

PyTorch is optional (``pip install autodiff-teach[torch]``) and imported only inside these
functions, never by ``import nn``. ``to_torch(model)`` gives ``Sequential(Linear, activation,
Linear, activation, ...)`` with the same weights in float64: torch's ``Linear.weight`` is
fan-out × fan-in, the transpose of the layer form's W, so ``weight[j][k]`` is unit j's weight k.
A layer whose units share one bias gets a ``SharedBiasLinear``, whose ``bias`` is one scalar
parameter (so its gradient sums over the units, as ``backward()``'s does); a layer without
biases gets ``Linear(..., bias=False)``. Activations map to ``Sigmoid``, ``Tanh``, ``ReLU`` and
``Identity``; an operation made with ``define_op`` has no torch module and is refused.

``read_torch(module)`` reads a module made by ``to_torch`` or any ``Sequential`` of ``Linear``
(or ``SharedBiasLinear``) layers, each followed by at most one of Sigmoid, Tanh, ReLU, Identity,
into what ``MLP.from_torch`` needs. ``torch_gradients`` reads torch's ``.grad`` back by our
parameter names. This module does not import ``nn.module``: it reads a model by its attributes.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Protocol, Sequence

from autodiff import Value

__all__ = ["to_torch", "read_torch", "torch_gradients", "TorchSpec", "shared_bias_linear"]

TORCH_ACTIVATIONS = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU", "linear": "Identity"}


class _NeuronLike(Protocol):
    @property
    def w(self) -> Sequence[Value]: ...
    @property
    def b(self) -> Value | None: ...
    @property
    def activation(self) -> str: ...


class _LayerLike(Protocol):
    @property
    def units(self) -> Sequence[_NeuronLike]: ...


class _ModelLike(Protocol):
    @property
    def nin(self) -> int: ...
    @property
    def layers(self) -> Sequence[_LayerLike]: ...


TorchSpec = tuple[int, list[int], list[str], list[str], list[list[list[float]]], list[list[float] | float | None]]
"""(inputs, sizes, activations, bias kinds 'on'/'off'/'shared', weights as W[k][j], biases) of a network."""


def _torch(where: str) -> Any:
    try:
        import torch
    except ImportError:
        raise ImportError(f"{where} needs PyTorch, which is not installed: pip install 'autodiff-teach[torch]' "
                          "(or pip install torch)") from None
    return torch


@lru_cache(maxsize=1)
def shared_bias_linear() -> Any:
    """The class ``SharedBiasLinear``: ``x @ weight.T + bias`` with one scalar ``bias`` for every output."""
    torch = _torch("shared_bias_linear")
    module: Any = torch.nn.Module

    class SharedBiasLinear(module):  # type: ignore[misc]  # (torch is not followed by mypy: Any)
        """A Linear layer whose outputs all add the same one bias (a bias shared by a layer's units)."""

        def __init__(self, in_features: int, out_features: int) -> None:
            super().__init__()
            self.in_features, self.out_features = in_features, out_features
            self.weight = torch.nn.Parameter(torch.zeros(out_features, in_features, dtype=torch.float64))
            self.bias = torch.nn.Parameter(torch.zeros((), dtype=torch.float64))

        def forward(self, x: Any) -> Any:
            return x @ self.weight.T + self.bias

        def extra_repr(self) -> str:
            return f"in_features={self.in_features}, out_features={self.out_features}, one shared bias"

    return SharedBiasLinear


def _bias_kind(units: Sequence[_NeuronLike], where: str) -> str:
    biases = [n.b for n in units]
    if all(b is None for b in biases):
        return "off"
    if len(units) > 1 and len({id(b) for b in biases}) == 1:
        return "shared"
    if all(b is not None for b in biases) and len({id(b) for b in biases}) == len(biases):
        return "on"
    raise ValueError(f"{where}: a layer mixes biases (some units with, some without, or partly shared); torch's Linear "
                     "has one kind per layer")


def to_torch(model: _ModelLike) -> Any:
    """An equivalent float64 ``torch.nn.Sequential`` with the same weights (module docstring)."""
    where = "to_torch"
    torch = _torch(where)
    modules: list[Any] = []
    shared: dict[int, Any] = {}  # one torch Parameter per shared bias Value, even across layers
    fan_in = model.nin
    with torch.no_grad():
        for i, layer in enumerate(model.layers, start=1):
            units = layer.units
            activation = units[0].activation
            if any(n.activation != activation for n in units) or activation not in TORCH_ACTIVATIONS:
                raise ValueError(f"{where}: layer {i}'s activation {activation!r} has no torch module here (the ones "
                                 f"that do: {', '.join(TORCH_ACTIVATIONS)}; one per layer)")
            kind = _bias_kind(units, where)
            weight = torch.tensor([[w.data for w in n.w] for n in units], dtype=torch.float64)
            if kind == "shared":
                linear = shared_bias_linear()(fan_in, len(units))
                b = units[0].b
                assert b is not None
                if id(b) in shared:
                    linear.bias = shared[id(b)]
                else:
                    linear.bias.fill_(b.data)
                    shared[id(b)] = linear.bias
            else:
                linear = torch.nn.Linear(fan_in, len(units), bias=kind == "on", dtype=torch.float64)
                if kind == "on":
                    linear.bias.copy_(torch.tensor([n.b.data for n in units if n.b is not None], dtype=torch.float64))
            linear.weight.copy_(weight)
            modules += [linear, getattr(torch.nn, TORCH_ACTIVATIONS[activation])()]
            fan_in = len(units)
    return torch.nn.Sequential(*modules)


def read_torch(module: Any) -> TorchSpec:
    """What ``MLP.from_torch`` builds from: a ``Sequential`` of Linear layers and activations (module docstring)."""
    where = "MLP.from_torch"
    torch = _torch(where)
    if not isinstance(module, torch.nn.Sequential):
        raise TypeError(f"{where}: expected a torch.nn.Sequential (such as to_torch makes), got {type(module).__name__}")
    names = {v: k for k, v in TORCH_ACTIVATIONS.items()}
    children = list(module)
    if not children:
        raise ValueError(f"{where}: the Sequential is empty")
    nin = 0
    sizes: list[int] = []
    activations: list[str] = []
    kinds: list[str] = []
    weights: list[list[list[float]]] = []
    biases: list[list[float] | float | None] = []
    k = 0
    while k < len(children):
        child = children[k]
        shared = type(child).__name__ == "SharedBiasLinear" and getattr(child.bias, "dim", lambda: 1)() == 0
        if not (isinstance(child, torch.nn.Linear) or shared):
            raise ValueError(f"{where}: module {k} is {type(child).__name__}; expected a Linear layer there (a "
                             f"Sequential of Linear layers, each followed by one of {', '.join(names)})")
        out_features, in_features = child.weight.shape
        if sizes and in_features != sizes[-1]:
            raise ValueError(f"{where}: module {k} takes {in_features} inputs but the layer before gives {sizes[-1]}")
        nin = nin or int(in_features)
        sizes.append(int(out_features))
        w = child.weight.detach().to(torch.float64).tolist()
        weights.append([[float(w[j][i]) for j in range(out_features)] for i in range(in_features)])  # W = weightᵀ
        if shared:
            kinds.append("shared")
            biases.append(float(child.bias.detach()))
        elif child.bias is None:
            kinds.append("off")
            biases.append(None)
        else:
            kinds.append("on")
            biases.append([float(x) for x in child.bias.detach().to(torch.float64).tolist()])
        activation = "linear"
        if k + 1 < len(children) and type(children[k + 1]).__name__ in names:
            activation = names[type(children[k + 1]).__name__]
            k += 1
        elif k + 1 < len(children) and not isinstance(children[k + 1], torch.nn.Linear) \
                and type(children[k + 1]).__name__ != "SharedBiasLinear":
            raise ValueError(f"{where}: module {k + 1} is {type(children[k + 1]).__name__}; after a Linear layer "
                             f"expected one of {', '.join(names)} (or the next Linear)")
        activations.append(activation)
        k += 1
    return nin, sizes, activations, kinds, weights, biases


def torch_gradients(model: _ModelLike, module: Any) -> dict[str, float]:
    """torch's ``.grad`` of ``to_torch(model)``'s parameters, by ``model``'s parameter names."""
    linears = [m for m in module if hasattr(m, "weight")]
    if len(linears) != len(model.layers):
        raise ValueError(f"torch_gradients: the module has {len(linears)} linear layers, the model {len(model.layers)}")
    out: dict[str, float] = {}
    for layer, linear in zip(model.layers, linears):
        if linear.weight.grad is None:
            raise ValueError("torch_gradients: no gradients yet; call backward() on a loss of the module first")
        wg = linear.weight.grad.tolist()
        bias_grad = None if linear.bias is None or linear.bias.grad is None else linear.bias.grad.tolist()
        for j, n in enumerate(layer.units):
            for k, w in enumerate(n.w):
                out[str(w.name)] = float(wg[j][k])
            if n.b is not None and bias_grad is not None:
                out[str(n.b.name)] = float(bias_grad if isinstance(bias_grad, float) else bias_grad[j])
    return out
