"""The layer (matrix) form of an MLP's gradients: A^l, Z^l, δ^l, ∂L/∂W^l and ∂L/∂b^l, without numpy.

The layout is the documents' code's: **rows are samples** and **W^l is fan-in × fan-out**, so
W^l[k][j] is the weight from unit k of layer l−1 (input k for l = 1) to unit j of layer l::

    A^0 = X (N × n_0)
    Z^l = A^{l−1}·W^l + b^l          (b^l is a row, added to every sample's row)
    A^l = f_l(Z^l)                   (elementwise; A^L is the prediction)
    δ^L = ∂L/∂A^L ⊙ f_L′(Z^L)
    δ^l = (δ^{l+1}·(W^{l+1})ᵀ) ⊙ f_l′(Z^l)
    ∂L/∂W^l = (A^{l−1})ᵀ·δ^l         (the transpose sums over the samples)
    ∂L/∂b^l = the column sums of δ^l (a bias shared by the whole layer: the sum of every entry)

The loss is applied to the N·m predictions as one list, sample by sample (``mse_loss`` and
``bce_loss`` average over all N·m entries, ``half_sse_loss`` sums them), or, for
``cross_entropy``, to the N rows of logits with one class index per sample (a mean over N).
``∂L/∂A^L`` is taken from the loss function itself (its graph on the predictions, through
``backward()``), and every f′ from the op table, so nothing here writes a derivative; only the
matrix products are computed here. ``scalar_loss`` builds the same loss as one scalar graph, whose
``backward()`` gives the same gradients entry by entry (the tests check it to 1e-12).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence, Union

from autodiff import Value, enable_grad, is_real, ops

from . import matrix as mx
from .losses import bce_loss, cross_entropy, half_sse_loss, mse_loss
from .matrix import Matrix
from .module import MLP, Neuron
from .reference import build

__all__ = ["LayerForm", "LayerMatrices", "Entry", "LOSSES", "layer_form", "case_layer_form", "case_data",
           "scalar_loss", "loss_name"]

LOSSES: dict[str, Callable[..., Value]] = {
    "mse": mse_loss, "half_sse": half_sse_loss, "bce": bce_loss, "cross_entropy": cross_entropy,
}
"""The losses the layer form knows, by short name (``mse_loss`` is ``"mse"``, and so on)."""

LossArg = Union[str, Callable[..., Value]]
Targets = Union[Sequence[Sequence[float]], Sequence[int]]


@dataclass(frozen=True)
class Entry:
    """Where a parameter sits in the matrices: ``("W", l, row, col)`` is W^l[row][col], ``("b", l, 0, col)`` b^l[col]."""

    kind: str
    layer: int
    row: int
    col: int

    def label(self) -> str:
        """``W2[0][1]`` or ``b2[1]``: numpy's indices (from 0), layers from 1."""
        if self.kind == "W":
            return f"W{self.layer}[{self.row}][{self.col}]"
        return f"b{self.layer}[{self.col}]"

    def gradient_label(self) -> str:
        """``dW2[0][1]`` or ``db2[1]``: the entry of the gradient matrix."""
        return "d" + self.label()


@dataclass(frozen=True)
class LayerMatrices:
    """One layer l: its parameters, forward matrices, deltas and gradients (rows are samples)."""

    index: int
    activation: str
    W: Matrix  # fan-in × fan-out
    W_names: list[list[str]]  # the parameter name at each entry of W
    bias: str  # "per unit", "none", "shared" or "mixed"
    b: list[float] | None  # each unit's bias (a shared one repeated); None without biases
    b_names: list[str | None]
    Z: Matrix
    A: Matrix
    fprime: Matrix  # f′(Z) from the op table; all 1 for a linear layer
    delta: Matrix  # ∂L/∂Z^l
    dW: Matrix  # (A^{l−1})ᵀ·δ^l
    db: list[float] | None  # the column sums of δ^l
    unit_names: list[str]
    z_names: list[str]
    a_names: list[str]

    @property
    def fan_in(self) -> int:
        return len(self.W)

    @property
    def fan_out(self) -> int:
        return len(self.W[0])


@dataclass(frozen=True)
class LayerForm:
    """An MLP's gradients in the layer form, for given inputs, targets and loss (module docstring).

    ``gradients`` maps every parameter's name to its gradient read off the matrices (a shared
    bias: the sum of all its entries); ``entries`` maps it to where it sits. ``factor`` is the
    loss's own number in front of (A^L − T): 2/(N·m) for ``mse``, 1 for ``half_sse``, 1/(N·m) for
    ``bce``, 1/N for ``cross_entropy``; ``factor_text`` writes it as a fraction.
    """

    model: str
    X: Matrix
    T: Matrix | list[int]
    loss: str
    loss_value: float
    factor: float
    factor_text: str
    output_gradient: Matrix  # ∂L/∂A^L
    layers: tuple[LayerMatrices, ...]
    gradients: dict[str, float]
    entries: dict[str, tuple[Entry, ...]]
    seed: str | None = None
    variant: str | None = None

    @property
    def samples(self) -> int:
        return len(self.X)

    def layer(self, index: int) -> LayerMatrices:
        """Layer ``index``, counted from 1 as in W^1."""
        if not 1 <= index <= len(self.layers):
            raise ValueError(f"LayerForm.layer: layer {index} does not exist; the layers are 1 to {len(self.layers)}")
        return self.layers[index - 1]

    def activation_before(self, index: int) -> Matrix:
        """A^{index−1}: the input X for layer 1."""
        return self.X if index == 1 else self.layers[index - 2].A


def loss_name(loss: LossArg) -> str:
    """The short name of a loss given as a name or as the function (``nn.mse_loss`` -> ``"mse"``)."""
    if isinstance(loss, str):
        if loss in LOSSES:
            return loss
        long = {f"{k}_loss": k for k in LOSSES}
        if loss in long:
            return long[loss]
    else:
        for name, fn in LOSSES.items():
            if loss is fn:
                return name
    raise ValueError(f"layer_form: the loss must be one of {', '.join(LOSSES)} (or nn.mse_loss, nn.half_sse_loss, "
                     f"nn.bce_loss, nn.cross_entropy), got {loss!r}")


def _rows(x: object, what: str, width: int | None) -> Matrix:
    if isinstance(x, (str, bytes)) or not isinstance(x, Sequence) or not x:
        raise ValueError(f"layer_form: {what} must be a non-empty list of samples (one list of numbers per sample), "
                         f"got {x!r}")
    rows: Matrix = []
    for n, row in enumerate(x):
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
            raise ValueError(f"layer_form: {what} sample {n} must be a list of numbers, got {row!r}")
        if width is not None and len(row) != width:
            raise ValueError(f"layer_form: {what} sample {n} has {len(row)} numbers; the network needs {width}")
        for v in row:
            if not is_real(v) or not math.isfinite(float(v)):
                raise ValueError(f"layer_form: {what} sample {n} holds {v!r}, not a finite real number")
        rows.append([float(v) for v in row])
    return rows


def _targets(targets: object, loss: str, samples: int, outputs: int) -> Matrix | list[int]:
    if loss == "cross_entropy":
        if isinstance(targets, (str, bytes)) or not isinstance(targets, Sequence) or len(targets) != samples:
            raise ValueError(f"layer_form: cross_entropy needs one class index per sample ({samples}), got {targets!r}")
        for t in targets:
            if isinstance(t, bool) or not isinstance(t, int) or not 0 <= t < outputs:
                raise ValueError(f"layer_form: class index {t!r} is not an int from 0 to {outputs - 1}")
        return [int(t) for t in targets]
    rows = _rows(targets, "targets", outputs)
    if len(rows) != samples:
        raise ValueError(f"layer_form: {len(rows)} target rows for {samples} samples")
    return rows


def _loss_on(predictions: list[list[Value]], targets: Matrix | list[int], loss: str) -> Value:
    """The loss of predictions (rows of Values) by the module's convention (module docstring)."""
    if loss == "cross_entropy":
        return cross_entropy(predictions, list(targets))  # type: ignore[arg-type]
    flat = [p for row in predictions for p in row]
    flat_targets = [t for row in targets for t in row]  # type: ignore[union-attr]
    return LOSSES[loss](flat, flat_targets)


def _factor(loss: str, samples: int, outputs: int) -> tuple[float, str]:
    entries = samples * outputs
    if loss == "mse":
        return 2 / entries, "2" if entries == 1 else f"2/{entries}"
    if loss == "half_sse":
        return 1.0, "1"
    if loss == "bce":
        return 1 / entries, "1" if entries == 1 else f"1/{entries}"
    return 1 / samples, "1" if samples == 1 else f"1/{samples}"


def _bias_mode(units: Sequence[Neuron]) -> str:
    biases = [n.b for n in units]
    if all(b is None for b in biases):
        return "none"
    if any(b is None for b in biases):
        return "mixed"
    if len({id(b) for b in biases}) == 1 and (len(units) > 1 or units[0].shares_bias):
        return "shared"
    if len({id(b) for b in biases}) == len(biases) and not any(n.shares_bias for n in units):
        return "per unit"
    return "mixed"


def _derivative(activation: str) -> Callable[[float, float], float] | None:
    """f′ as the op table writes it, called with (z, f(z)); None for a linear layer."""
    if activation == "linear":
        return None
    op = ops.find(activation)

    def rule(z: float, a: float) -> float:
        return float(op.derivative(z, a)[0])
    return rule


def layer_form(model: MLP, inputs: Sequence[Sequence[float]], targets: Targets, loss: LossArg = "mse", *,
               seed: str | None = None, variant: str | None = None) -> LayerForm:
    """The layer form of ``model`` on ``inputs`` (one row per sample) with ``targets`` and ``loss``.

    ``targets``: one row of m numbers per sample, or for ``cross_entropy`` one class index per
    sample. ``loss``: ``"mse"``, ``"half_sse"``, ``"bce"``, ``"cross_entropy"`` or the function.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"layer_form: expected an nn.MLP, got {type(model).__name__}")
    name = loss_name(loss)
    X = _rows(inputs, "inputs", model.nin)
    outputs = len(model.layers[-1].units)
    T = _targets(targets, name, len(X), outputs)
    # forward, with the engine's own forward rules (ops.DOT adds as the dot node does)
    forward: list[tuple[Matrix, Matrix, Matrix]] = []  # (Z, A, f′) per layer
    previous = X
    for layer in model.layers:
        Z = [[ops.DOT.forward(*[w.data for w in n.w], *row, *([] if n.b is None else [n.b.data]))
              for n in layer.units] for row in previous]
        activation = layer.units[0].activation
        if any(n.activation != activation for n in layer.units):
            raise ValueError(f"layer_form: layer {layer.name!r} mixes activations "
                             f"{sorted({n.activation for n in layer.units})}; the layer form needs one per layer")
        rule = _derivative(activation)
        if rule is None:
            A, F = mx.copy(Z), [[1.0] * len(r) for r in Z]
        else:
            op = ops.find(activation)
            A = mx.apply(Z, lambda z: float(op.forward(z)))
            F = mx.elementwise(Z, A, rule)
        forward.append((Z, A, F))
        previous = A
    # ∂L/∂A^L from the loss function itself: its graph on the predictions, through backward()
    with enable_grad():  # (also inside a caller's no_grad block)
        leaves = [[Value(a) for a in row] for row in forward[-1][1]]
        try:
            root = _loss_on(leaves, T, name)
        except (ValueError, TypeError) as error:
            raise ValueError(f"layer_form: {error}") from None
        root.backward()
    G = [[v.grad for v in row] for row in leaves]
    # backward, layer by layer (a loop, not recursion)
    deltas: list[Matrix] = [[] for _ in model.layers]
    deltas[-1] = mx.hadamard(G, forward[-1][2])
    for i in range(len(model.layers) - 2, -1, -1):
        W_next = [[n.w[k].data for n in model.layers[i + 1].units] for k in range(model.layers[i + 1].nin)]
        deltas[i] = mx.hadamard(mx.matmul(deltas[i + 1], mx.transpose(W_next), "δ·Wᵀ"), forward[i][2])
    layers: list[LayerMatrices] = []
    before = X
    for i, layer in enumerate(model.layers):
        units = layer.units
        Z, A, F = forward[i]
        mode = _bias_mode(units)
        layers.append(LayerMatrices(
            index=i + 1, activation=units[0].activation,
            W=[[n.w[k].data for n in units] for k in range(layer.nin)],
            W_names=[[str(n.w[k].name) for n in units] for k in range(layer.nin)],
            bias=mode,
            b=None if mode == "none" else [0.0 if n.b is None else n.b.data for n in units],
            b_names=[None if n.b is None else n.b.name for n in units],
            Z=Z, A=A, fprime=F, delta=deltas[i],
            dW=mx.matmul(mx.transpose(before), deltas[i], "Aᵀ·δ"),
            db=None if mode == "none" else mx.column_sums(deltas[i]),
            unit_names=[n.name for n in units], z_names=[n.z_name for n in units],
            a_names=[n.output_name for n in units],
        ))
        before = A
    gradients, entries = _parameter_gradients(model, layers)
    factor, factor_text = _factor(name, len(X), outputs)
    return LayerForm(repr(model), X, T, name, root.data, factor, factor_text, G, tuple(layers), gradients, entries,
                     seed, variant)


def _parameter_gradients(model: MLP, layers: Sequence[LayerMatrices]) -> tuple[dict[str, float],
                                                                                 dict[str, tuple[Entry, ...]]]:
    """Each parameter's gradient: the sum over every entry where it sits (a shared bias: a whole row)."""
    where: dict[int, list[Entry]] = {}
    for lm, layer in zip(layers, model.layers):
        for j, n in enumerate(layer.units):
            for k, w in enumerate(n.w):
                where.setdefault(id(w), []).append(Entry("W", lm.index, k, j))
            if n.b is not None:
                where.setdefault(id(n.b), []).append(Entry("b", lm.index, 0, j))
    gradients: dict[str, float] = {}
    entries: dict[str, tuple[Entry, ...]] = {}
    for pname, p in model.named_parameters():
        found = tuple(where[id(p)])
        entries[pname] = found
        terms = []
        for e in found:
            lm = layers[e.layer - 1]
            terms.append(lm.dW[e.row][e.col] if e.kind == "W" else lm.db[e.col])  # type: ignore[index]
        gradients[pname] = math.fsum(terms)
    return gradients, entries


def scalar_loss(model: MLP, inputs: Sequence[Sequence[float]], targets: Targets, loss: LossArg = "mse") -> Value:
    """The same loss as one scalar graph (inputs ``x1``.., targets ``t``/``t1``.., per-sample suffix ``[n]``)."""
    name = loss_name(loss)
    X = _rows(inputs, "inputs", model.nin)
    outputs = len(model.layers[-1].units)
    T = _targets(targets, name, len(X), outputs)
    predictions, target_rows = [], []
    for n, row in enumerate(X, start=1):
        suffix = f"[{n}]" if len(X) > 1 else ""
        predictions.append(model.outputs([Value(x, f"x{k}{suffix}") for k, x in enumerate(row, start=1)], suffix))
        if name != "cross_entropy":
            t_row = T[n - 1]
            target_rows.append([Value(t, (f"t{j}" if outputs > 1 else "t") + suffix)
                                for j, t in enumerate(t_row, start=1)])  # type: ignore[arg-type]
    root = _loss_on(predictions, T if name == "cross_entropy" else target_rows, name)  # type: ignore[arg-type]
    root.name = "L"
    return root


# --- the five documents -------------------------------------------------------------------------

def case_data(seed: str, variant: str | None = None) -> tuple[MLP, Matrix, Matrix, str, Callable[[], Value]]:
    """A reference document's (model, X, T, loss name, its own scalar loss graph builder) on its golden instance."""
    case = build(seed, variant)
    g: dict[str, Any] = case.golden
    short = case.seed[:3]
    if short == "000":
        X, T = [[g["inputs"]["a_1"], g["inputs"]["a_2"]]], [[g["targets"]["t"]]]
        loss = "half_sse" if variant == "half_squared_error_loss" else "bce"
    elif short == "001":
        X, T, loss = [[x] for x in g["inputs"]["x"]], [[y] for y in g["targets"]["y"]], "mse"
    elif short == "002":
        X, T, loss = [list(g["inputs"]["x"])], [list(g["targets"]["t"])], "half_sse"
    elif short == "003" and variant == "batch_sum":
        batch = g["variants"]["batch_sum"]
        X, T, loss = [list(r) for r in batch["inputs"]], [[y] for y in batch["targets"]], "half_sse"
    elif short == "003":
        X, T, loss = [list(g["inputs"]["x"])], [[g["targets"]["true"]]], "half_sse"
    else:
        X, T, loss = [[g["inputs"]["x1"], g["inputs"]["x2"]]], [[g["targets"]["y_t"]]], "half_sse"
    return case.model, X, T, loss, case.loss


def case_layer_form(seed: str, variant: str | None = None) -> LayerForm:
    """The layer form of reference document ``seed`` ('000'..'004'), optionally a variant, on its golden instance."""
    model, X, T, loss, _ = case_data(seed, variant)
    return layer_form(model, X, T, loss, seed=seed[:3], variant=variant)
