"""Neurons, layers and multilayer perceptrons built from ``autodiff.Value``.

A neuron computes ``z = w1*x1 + w2*x2 + ... + b`` as one node of the engine's ``dot``
operation, whose edges carry the local derivatives a hand derivation writes (dz/dw_k = x_k,
dz/dx_k = w_k, dz/db = 1), and then ``a = activation(z)``. Every gradient of a network comes
from ``loss.backward()``; nothing here knows a derivative.

Default names (parameters and graph nodes), for layer i and unit j counted from 1:

* parameters ``L{i}.N{j}.w{k}`` (weight from input k) and ``L{i}.N{j}.b``;
* nodes ``L{i}.N{j}.z`` (pre-activation) and ``L{i}.N{j}.a`` (activation; a linear
  neuron has only its ``z`` node).

``MLP(..., names={...})`` replaces any of these default names with your own. Calling a
model with ``suffix='[2]'`` appends the suffix to the node names it makes (one graph that
holds several samples stays readable: ``L1.N1.a[2]``).

Initialisation: weights uniform in ±sqrt(3/nin) (variance 1/nin) from ``random.Random(seed)``,
never the global random state; biases 0.

Parameter order, used by ``parameters()``, ``named_parameters()`` and ``state_dict()``:
layer by layer, unit by unit, each unit's weights in input order and then its bias. A bias
shared by several neurons is listed once, where it first appears.

Only the models live here: a model's file (``save``, ``load``) is ``nn.saving``'s, its parts
for a drawing (``clusters``) ``nn.clusters``'s, and the argument checks ``nn.checks``'s.
"""

from __future__ import annotations

import math
import os
import random
from collections import Counter
from typing import Any, Callable, Mapping, Sequence, Union, cast

from autodiff import Operation, Value, dot, topological_order, zero_grad
from autodiff.ops import USER_OPS

from . import saving
from .checks import brief, check_name, check_sequence, make_rng
from .clusters import neuron_clusters

Number = Union[int, float]
Input = Union[Value, Number]

ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear")
_ACTIVATION_METHODS = {"sigmoid": Value.sigmoid, "tanh": Value.tanh, "relu": Value.relu, "linear": None}


def _check_activation(activation: object, where: str) -> str:
    """The activation's name: a built-in one, or an operation made with ``autodiff.define_op``."""
    if isinstance(activation, Operation):
        return activation.name
    defined = isinstance(activation, str) and isinstance(USER_OPS.get(activation), Operation)  # of one input
    if activation not in ACTIVATIONS and not defined:
        raise ValueError(
            f"{where}: activation must be one of {', '.join(ACTIVATIONS)} or an operation of one input made "
            f"with autodiff.define_op; got {brief(activation)}"
        )
    return str(activation)


def _activation_method(name: str) -> Callable[[Value], Value] | None:
    """How a neuron applies its activation: a method of Value, a defined operation, or None (linear)."""
    if name in _ACTIVATION_METHODS:
        return _ACTIVATION_METHODS[name]
    operation: Operation = USER_OPS[name]
    return operation


class Module:
    """Base class: parameters, gradients, state (get, set, save, load) and graph clusters.

    Subclasses implement ``neurons()``; everything else follows from it.
    """

    def neurons(self) -> list["Neuron"]:
        """The neurons of this module, in parameter order."""
        raise NotImplementedError

    def named_parameters(self) -> list[tuple[str, Value]]:
        """``(name, parameter)`` pairs in the documented order, each parameter once."""
        return _named_parameters(self.neurons())

    def parameters(self) -> list[Value]:
        """Every parameter once (a shared bias too), in the documented order."""
        return [p for _, p in self.named_parameters()]

    def _named_state(self, where: str) -> dict[str, Value]:
        """``named_parameters()`` as a dict, refusing what a saved file could not tell apart."""
        pairs = self.named_parameters()
        unnamed = [i for i, (name, _) in enumerate(pairs) if not isinstance(name, str) or not name]
        if unnamed:
            raise ValueError(f"{where}: parameter(s) number {', '.join(map(str, unnamed))} have no name")
        _refuse_duplicates(pairs, where)
        return dict(pairs)

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0."""
        zero_grad(self.parameters())

    # --- state: name -> number ------------------------------------------------------------
    def state_dict(self) -> dict[str, float]:
        """Every parameter's value by name, in parameter order."""
        return {name: p.data for name, p in self._named_state("state_dict").items()}

    def load_state_dict(self, state: Mapping[str, object], *, where: str = "load_state_dict") -> None:
        """Set parameters from a mapping ``name -> number``.

        The mapping must name every parameter exactly once, with a finite real number. It is
        checked completely (``saving.checked_state``) before anything changes, so on any error
        the model is untouched.
        """
        params = self._named_state(where)
        numbers = saving.checked_state(params, state, where)
        for name, p in params.items():
            p.data = numbers[name]

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the parameters to ``path`` as JSON, atomically (see ``nn.saving.save``)."""
        saving.save(self, path)

    def load(self, path: str | os.PathLike[str], *, max_bytes: int = saving.MAX_LOAD_BYTES) -> None:
        """Read parameters saved by ``save``; on any error the model is left exactly as it was.

        Only a regular file of at most ``max_bytes`` bytes (64 MiB by default) is read, so a
        device such as ``/dev/zero`` or a huge file is refused instead of filling memory
        (see ``nn.saving.load``).
        """
        saving.load(self, path, max_bytes=max_bytes)

    # --- graph clusters ----------------------------------------------------------------------
    def clusters(self, root: Value) -> dict[str, list[Value]]:
        """For drawing: ``"neuron <label>"`` -> the nodes of that neuron's part of ``root``'s graph.

        A neuron's part is its own parameters, its pre-activation (the ``dot`` node) and its
        activation. A neuron called several times (one call per sample, told apart by the
        suffix of the call) gives one cluster per call: ``"neuron h1_1[2]"``. A node that would
        be in several clusters (000's shared ``b_1``; a parameter used once per sample) belongs
        to none of them (``nn.clusters``).
        """
        return neuron_clusters(self.neurons(), root)

    def __call__(self, x: Sequence[Input], suffix: str = "") -> Any:
        raise NotImplementedError


class Neuron(Module):
    """One unit: ``a = activation(w1*x1 + ... + w_n*x_n + b)``.

    ``bias``: ``True`` (its own bias, initially 0), ``False`` (no bias parameter at all), or a
    ``Value`` that several neurons share (one parameter; its gradient sums over every path).
    ``weight_names``, ``bias_name``, ``z_name`` and ``a_name`` default to ``{name}.w1``...,
    ``{name}.b``, ``{name}.z`` and ``{name}.a``. A linear neuron's output is its ``z`` node,
    named ``a_name`` when one is given and ``z_name`` otherwise.
    ``activation`` is one of ``ACTIVATIONS`` or an operation made with ``autodiff.define_op``
    (the operation, or its name once defined). Weights start uniform in ±sqrt(3/nin) from ``seed``.
    """

    def __init__(
        self,
        nin: int,
        activation: str | Operation = "sigmoid",
        bias: bool | Value = True,
        *,
        name: str = "N",
        weight_names: Sequence[str] | None = None,
        bias_name: str | None = None,
        z_name: str | None = None,
        a_name: str | None = None,
        seed: int | random.Random | None = 0,
    ) -> None:
        if not isinstance(nin, int) or isinstance(nin, bool) or nin < 1:
            raise ValueError(f"Neuron: nin must be a positive int, got {nin!r}")
        self.nin = nin
        self.activation = _check_activation(activation, "Neuron")
        self.name = check_name(name, "name", "Neuron")
        where = f"Neuron {name!r}"
        if weight_names is None:
            weight_names = [f"{name}.w{k}" for k in range(1, nin + 1)]
        elif isinstance(weight_names, str) or len(weight_names) != nin:
            given = "a str" if isinstance(weight_names, str) else f"{len(weight_names)} weight names"
            raise ValueError(f"{where}: {given} given for {nin} inputs (give a list of {nin} names)")
        for k, wname in enumerate(weight_names, start=1):
            check_name(wname, f"weight name {k}", where)
        for what, given_name in (("bias_name", bias_name), ("z_name", z_name), ("a_name", a_name)):
            if given_name is not None:
                check_name(given_name, what, where)
        rng = make_rng(seed, "Neuron")
        limit = math.sqrt(3.0 / nin)
        self.w: list[Value] = [Value(rng.uniform(-limit, limit), name=n) for n in weight_names]
        self.shares_bias = isinstance(bias, Value)
        if isinstance(bias, Value):
            if bias.name is None:
                bias.name = bias_name or f"{name}.b"
            self.b: Value | None = bias
        elif bias is True:
            self.b = Value(0.0, name=bias_name or f"{name}.b")
        elif bias is False:
            self.b = None
        else:
            raise TypeError(f"Neuron {name!r}: bias must be True, False or a Value, got {type(bias).__name__} {bias!r}")
        self.z_name = z_name or f"{name}.z"
        self.a_name = a_name or f"{name}.a"
        linear = self.activation == "linear"
        self.output_name = (a_name or self.z_name) if linear else self.a_name
        if linear:
            self.z_name = self.output_name
        self._act = _activation_method(self.activation)
        _refuse_duplicates(self.named_parameters(), where)

    def neurons(self) -> list["Neuron"]:
        return [self]

    def bias_mode(self) -> str:
        """``"with bias"``, ``"no bias"`` or ``"shared bias <name>"``: how ``repr`` describes the bias."""
        if self.b is None:
            return "no bias"
        return f"shared bias {self.b.name}" if self.shares_bias else "with bias"

    def _own_and_shared(self) -> list[Value]:
        return self.w if self.b is None else [*self.w, self.b]

    def __call__(self, x: Sequence[Input], suffix: str = "") -> Value:
        """The activation Value for inputs ``x`` (Values or numbers); ``suffix`` tags the node names."""
        if type(x) is not list and type(x) is not tuple:  # (the check costs: it runs per neuron and sample)
            check_sequence(x, "inputs", f"Neuron {self.name!r}")
        if len(x) != self.nin:
            raise ValueError(f"Neuron {self.name!r}: expected {self.nin} inputs, got {len(x)}")
        z = dot(self.w, x, self.b)
        if self._act is None:
            z.name = self.z_name + suffix if suffix else self.z_name
            return z
        a = self._act(z)
        if suffix:
            z.name, a.name = self.z_name + suffix, self.a_name + suffix
        else:
            z.name, a.name = self.z_name, self.a_name
        return a

    def __repr__(self) -> str:
        return f"Neuron({self.nin} -> {self.activation}, {self.bias_mode()}, name={self.name!r})"


class Layer(Module):
    """A list of neurons that all see the same inputs; calling it returns the list of their
    activations, also when there is one neuron (``Layer(nin, 1)`` returns a one-item list)."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | Operation = "sigmoid",
        bias: bool | Value = True,
        *,
        name: str = "L1",
        seed: int | random.Random | None = 0,
    ) -> None:
        if not isinstance(nout, int) or isinstance(nout, bool) or nout < 1:
            raise ValueError(f"Layer: nout must be a positive int, got {nout!r}")
        rng = make_rng(seed, "Layer")
        check_name(name, "name", "Layer")
        self.units = [
            Neuron(nin, activation, bias, name=f"{name}.N{j}", seed=rng) for j in range(1, nout + 1)
        ]
        self.name = name
        _refuse_duplicates(self.named_parameters(), f"Layer {name!r}")

    @classmethod
    def of(cls, neurons: Sequence[Neuron], name: str = "L") -> "Layer":
        """A layer made of the given neurons (same number of inputs), e.g. with the document's names."""
        units = list(neurons)
        if not units or not all(isinstance(n, Neuron) for n in units):
            raise TypeError("Layer.of: expected a non-empty list of Neurons")
        if len({n.nin for n in units}) != 1:
            raise ValueError(f"Layer.of: neurons have different numbers of inputs {[n.nin for n in units]}")
        layer = cls.__new__(cls)
        layer.units, layer.name = units, check_name(name, "name", "Layer.of")
        _refuse_duplicates(layer.named_parameters(), "Layer.of")
        return layer

    @property
    def nin(self) -> int:
        return self.units[0].nin

    def neurons(self) -> list[Neuron]:
        return list(self.units)

    def __call__(self, x: Sequence[Input], suffix: str = "") -> list[Value]:
        """The list of the neurons' activations (one item for a one-neuron layer)."""
        if type(x) is not list and type(x) is not tuple:
            check_sequence(x, "inputs", f"Layer {self.name!r}")
        return [n(x, suffix) for n in self.units]

    def bias_mode(self) -> str:
        """The neurons' bias mode (``Neuron.bias_mode``) if they share one, else ``"mixed biases"``."""
        modes = {n.bias_mode() for n in self.units}
        if len(modes) == 1 and (not self.units[0].shares_bias or len({id(n.b) for n in self.units}) == 1):
            return modes.pop()
        return "mixed biases"

    def describe(self) -> str:
        """``"3 sigmoid"``: the number of neurons and their activation(s)."""
        acts = {n.activation for n in self.units}
        return f"{len(self.units)} {'/'.join(sorted(acts))}"

    def __repr__(self) -> str:
        return f"Layer({self.nin} -> {self.describe()}, {self.bias_mode()})"


class MLP(Module):
    """A multilayer perceptron: ``MLP(2, [3, 1])`` is 2 inputs, 3 hidden units, 1 output.

    ``activation`` applies to every layer unless ``activations`` gives one per layer (so a
    linear output is ``activations=['sigmoid', 'linear']``; one string there, like
    ``activations='relu'``, means that activation in every layer). ``bias`` is True, False, a
    shared Value, or a list with one of those per layer. Weights are drawn from
    ``random.Random(seed)`` (module docstring); biases start at 0. ``names`` maps default names (module
    docstring) to your own: parameters, node names and neuron labels (``'L1.N1'``).

    Calling it returns the list of output Values, or the single Value if there is one output
    (unlike ``Layer``, which always returns a list).
    """

    def __init__(
        self,
        nin: int,
        sizes: Sequence[int],
        activation: str | Operation = "sigmoid",
        *,
        activations: str | Operation | Sequence[str | Operation] | None = None,
        bias: bool | Value | Sequence[bool | Value] = True,
        seed: int | random.Random | None = 0,
        names: Mapping[str, str] | None = None,
    ) -> None:
        if not isinstance(nin, int) or isinstance(nin, bool) or nin < 1:
            raise ValueError(f"MLP: nin must be a positive int, got {nin!r}")
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
            hint = f" (for one layer of {sizes}, write [{sizes}])" if isinstance(sizes, int) else ""
            raise TypeError(
                f"MLP: sizes must be a list of layer sizes such as [3, 1], got {type(sizes).__name__} {brief(sizes)}{hint}"
            )
        sizes = list(sizes)
        if not sizes or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in sizes):
            raise ValueError(f"MLP: sizes must be a non-empty list of positive ints, got {sizes!r}")
        if activations is None or isinstance(activations, (str, Operation)):
            activations = [activation if activations is None else activations] * len(sizes)
        elif len(activations) != len(sizes):
            raise ValueError(f"MLP: {len(activations)} activations given for {len(sizes)} layers")
        for act in activations:
            _check_activation(act, "MLP")
        biases = list(bias) if isinstance(bias, (list, tuple)) else [bias] * len(sizes)
        if len(biases) != len(sizes):
            raise ValueError(f"MLP: {len(biases)} biases given for {len(sizes)} layers")
        if names is not None and not isinstance(names, Mapping):
            raise TypeError(f"MLP: names must be a mapping of default names to your own, got {type(names).__name__}")
        names = dict(names or {})
        for default, own in names.items():
            check_name(own, f"the name given for {default!r}", "MLP")
        used: set[str] = set()

        def rename(default: str) -> str:
            if default in names:
                used.add(default)
                return names[default]
            return default

        rng = make_rng(seed, "MLP")
        layers: list[list[Neuron]] = []
        fan_in = nin
        for i, (size, act, b) in enumerate(zip(sizes, activations, cast(list[Union[bool, Value]], biases)), start=1):
            units = []
            for j in range(1, size + 1):
                p = f"L{i}.N{j}"
                units.append(
                    Neuron(
                        fan_in, act, b,
                        name=rename(p),
                        weight_names=[rename(f"{p}.w{k}") for k in range(1, fan_in + 1)],
                        bias_name=rename(f"{p}.b"),
                        z_name=rename(f"{p}.z"),
                        a_name=rename(f"{p}.a") if act != "linear" or f"{p}.a" in names else None,
                        seed=rng,
                    )
                )
            layers.append(units)
            fan_in = size
        unused = sorted(set(names) - used, key=str)
        if unused:
            raise ValueError(f"MLP: names given for unknown default name(s) {', '.join(map(repr, unused))}")
        _refuse_duplicates(_named_parameters([n for units in layers for n in units]), "MLP")
        self.layers = [Layer.of(units, name=f"L{i}") for i, units in enumerate(layers, start=1)]
        self.nin = nin

    def neurons(self) -> list[Neuron]:
        return [n for layer in self.layers for n in layer.units]

    def __call__(self, x: Sequence[Input], suffix: str = "") -> Value | list[Value]:
        """The output Value of a single-output network, else the list of outputs (as micrograd does).

        A type checker cannot tell which from the sizes, so typed code calls ``output`` (one
        output: a ``Value``) or ``outputs`` (always a ``list[Value]``) instead.
        """
        out = self.outputs(x, suffix)
        return out[0] if len(out) == 1 else out

    def output(self, x: Sequence[Input], suffix: str = "") -> Value:
        """The one output of a single-output network; a ``ValueError`` (before any work) if it has several."""
        n_out = len(self.layers[-1].units)
        if n_out != 1:
            raise ValueError(f"MLP.output: this network has {n_out} outputs; use outputs(x) for the list")
        return self.outputs(x, suffix)[0]

    def outputs(self, x: Sequence[Input], suffix: str = "") -> list[Value]:
        """Every output Value, as a list, also for a single output."""
        check_sequence(x, "inputs", "MLP")
        if len(x) != self.nin:
            raise ValueError(f"MLP: expected {self.nin} inputs, got {len(x)}")
        inputs: Sequence[Input] = x
        for layer in self.layers:
            inputs = out = layer(inputs, suffix)
        return out

    def to_torch(self) -> Any:
        """An equivalent float64 ``torch.nn.Sequential`` with the same weights (needs PyTorch; ``nn.torch_bridge``)."""
        from .torch_bridge import to_torch

        return to_torch(self)

    @classmethod
    def from_torch(cls, module: Any) -> "MLP":
        """An MLP from a module made by ``to_torch`` or a ``Sequential`` of Linear and sigmoid/tanh/relu/identity."""
        from .torch_bridge import read_torch

        nin, sizes, activations, kinds, weights, biases = read_torch(module)
        bias: list[bool | Value] = [Value(0.0, f"L{i}.b") if kind == "shared" else kind == "on"
                                    for i, kind in enumerate(kinds, start=1)]
        model = cls(nin, sizes, activations=activations, bias=bias)
        for layer, W, b in zip(model.layers, weights, biases):
            for j, n in enumerate(layer.units):
                for k, w in enumerate(n.w):
                    w.data = W[k][j]
                if n.b is not None and b is not None:
                    n.b.data = b if isinstance(b, float) else b[j]
        return model

    def __repr__(self) -> str:
        """``MLP(2 -> 3 sigmoid -> 1 sigmoid, with bias)``: one bias mode at the end when every
        layer has the same, else each layer's in brackets (``3 sigmoid (shared bias b_1)``)."""
        modes = [layer.bias_mode() for layer in self.layers]
        if len(set(modes)) == 1:
            layers = [layer.describe() for layer in self.layers]
            return f"MLP({' -> '.join([str(self.nin), *layers])}, {modes[0]})"
        layers = [f"{layer.describe()} ({mode})" for layer, mode in zip(self.layers, modes)]
        return f"MLP({' -> '.join([str(self.nin), *layers])})"


def _named_parameters(neurons: Sequence["Neuron"]) -> list[tuple[str, Value]]:
    seen: set[int] = set()
    pairs = []
    for neuron in neurons:
        for p in neuron._own_and_shared():
            if id(p) not in seen:
                seen.add(id(p))
                pairs.append((p.name, p))
    return pairs  # type: ignore[return-value]  # (a name is None only if the user cleared it)


def _refuse_duplicates(pairs: Sequence[tuple[str | None, Value]], where: str) -> None:
    """Two different parameters with one name could not be told apart in a saved file."""
    count = Counter(name for name, _ in pairs)  # each parameter once already: a shared Value is one
    twice = [name for name, c in count.items() if c > 1]
    if twice:
        raise ValueError(f"{where}: several different parameters are named {', '.join(map(repr, twice))}")


def named_nodes(root: Value) -> dict[str, Value]:
    """Every named node of ``root``'s graph by name (for reading forward values)."""
    return {n.name: n for n in topological_order(root) if n.name is not None}
