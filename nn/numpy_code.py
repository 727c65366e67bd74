"""A runnable numpy script for one network's layer form: the forward pass, the backward pass, every gradient.

``to_numpy_code(form)`` takes a ``LayerForm`` (``nn.layerform``) and writes a self-contained
Python script (it needs only numpy) holding the network's weights, the inputs and targets, the
forward pass ``Z = A @ W + b``, the loss, the backward pass in the matrix form (``delta``,
``A.T @ delta``, the bias sums) and one ``print`` per parameter: its scalar name and its
gradient, ``repr`` of a float, so a reader (or a test) can compare them with ``backward()``.
Numbers are written with ``repr``, so the script starts from exactly the same floats.

The activations numpy can spell are sigmoid, tanh, relu and linear; an operation made with
``define_op`` is refused with a clear error. The script is text: nothing here imports numpy.
"""

from __future__ import annotations

from .layerform import LayerForm, LayerMatrices

__all__ = ["to_numpy_code", "NUMPY_ACTIVATIONS"]

NUMPY_ACTIVATIONS: dict[str, tuple[str, str]] = {
    # activation: (A from Z, f′ from Z and A), in numpy
    "sigmoid": ("1 / (1 + np.exp(-{Z}))", "{A} * (1 - {A})"),
    "tanh": ("np.tanh({Z})", "1 - {A} ** 2"),
    "relu": ("np.maximum({Z}, 0.0)", "({Z} > 0) * 1.0"),
    "linear": ("{Z}", ""),
}

_LOSS_CODE = {
    "mse": ("L = np.mean((A - T) ** 2)", "dA = 2 / T.size * (A - T)"),
    "half_sse": ("L = 0.5 * np.sum((A - T) ** 2)", "dA = A - T"),
    "bce": ("L = -np.mean(T * np.log(A) + (1 - T) * np.log(1 - A))", "dA = (A - T) / (A * (1 - A)) / T.size"),
    "cross_entropy": ("shifted = A - A.max(axis=1, keepdims=True)\n"
                      "P = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)   # softmax, row by row\n"
                      "L = np.mean(np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(len(T)), T])",
                      "onehot = np.eye(A.shape[1])[T]\ndA = (P - onehot) / len(T)"),
}


def _array(m: object) -> str:
    return f"np.array({m!r})"


def _layer_code(layer: LayerMatrices, previous: str) -> list[str]:
    l = layer.index
    if layer.activation not in NUMPY_ACTIVATIONS:
        raise ValueError(f"to_numpy_code: layer {l}'s activation {layer.activation!r} has no numpy spelling here "
                         f"(numpy's are {', '.join(NUMPY_ACTIVATIONS)})")
    lines = [f"W{l} = {_array(layer.W)}   # {layer.fan_in} × {layer.fan_out}: fan-in × fan-out"]
    bias = ""
    if layer.bias == "shared":
        lines.append(f"b{l} = {layer.b[0]!r}   # one bias shared by the layer's {layer.fan_out} units")  # type: ignore[index]
        bias = f" + b{l}"
    elif layer.bias != "none":
        lines.append(f"b{l} = {_array(layer.b)}   # one bias per unit")
        bias = f" + b{l}"
    forward = NUMPY_ACTIVATIONS[layer.activation][0].format(Z=f"Z{l}")
    lines += [f"Z{l} = {previous} @ W{l}{bias}", f"A{l} = {forward}"]
    return lines


def to_numpy_code(form: LayerForm) -> str:
    """The numpy script for ``form`` (module docstring)."""
    if form.layers[0].bias == "mixed" or any(layer.bias == "mixed" for layer in form.layers):
        raise ValueError("to_numpy_code: a layer mixes kinds of bias; the script writes one kind per layer")
    last = len(form.layers)
    lines = [
        f'"""{form.model}: the forward and backward passes in the layer form, with numpy.',
        "",
        "Rows are samples; W_l is fan-in × fan-out (W_l[k, j]: from unit k of layer l-1 to unit j of layer l).",
        f"Loss: {form.loss}. Written by autodiff-teach (nn.numpy_code.to_numpy_code).",
        '"""',
        "import numpy as np",
        "",
        f"X = {_array(form.X)}   # {form.samples} sample(s), one per row",
        f"T = {_array(form.T)}   # the targets" + (" (class indices)" if form.loss == "cross_entropy" else ""),
        "",
        "# forward",
    ]
    previous = "X"
    for layer in form.layers:
        lines += _layer_code(layer, previous)
        previous = f"A{layer.index}"
    loss_line, grad_line = _LOSS_CODE[form.loss]
    lines += ["", f"A = A{last}", loss_line, f"print('loss', repr(float(L)))", "", "# backward",
              "# dL/dA of the output layer (the loss's own factor in front)", grad_line]
    for layer in reversed(form.layers):
        l = layer.index
        upstream = "dA" if l == last else f"delta{l + 1} @ W{l + 1}.T"
        fprime = NUMPY_ACTIVATIONS[layer.activation][1].format(Z=f"Z{l}", A=f"A{l}")
        lines.append(f"delta{l} = ({upstream}) * ({fprime})" if fprime else f"delta{l} = {upstream}")
        lines.append(f"dW{l} = {'X' if l == 1 else f'A{l - 1}'}.T @ delta{l}   # the transpose sums over the samples")
        if layer.bias == "shared":
            lines.append(f"db{l} = delta{l}.sum()   # a shared bias: every entry, all samples and units")
        elif layer.bias == "per unit":
            lines.append(f"db{l} = delta{l}.sum(axis=0)   # each unit's bias: summed over the samples")
    lines += ["", "# every parameter by its scalar name"]
    for name, entries in form.entries.items():
        terms = []
        for e in entries:
            if e.kind == "W":
                terms.append(f"dW{e.layer}[{e.row}, {e.col}]")
            elif form.layer(e.layer).bias == "shared":
                terms.append(f"db{e.layer}")
            else:
                terms.append(f"db{e.layer}[{e.col}]")
        unique = list(dict.fromkeys(terms))  # a shared bias sits in every unit of its layer: counted once
        lines.append(f"print({name!r}, repr(float({' + '.join(unique)})))")
    return "\n".join(lines) + "\n"
