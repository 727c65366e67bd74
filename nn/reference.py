"""The five hand-derived reference networks (seeds 000..004), rebuilt from Neurons.

``build(seed, variant=None)`` returns a ``ReferenceCase``: the network (an ``MLP`` whose
parameters bear the document's names, loaded with the golden instance), and ``loss()``,
which builds the forward graph on the golden inputs with every node named as the document
names it. All gradients come from ``loss().backward()``; nothing here knows a derivative.

Weight-name conventions differ between the documents (docs/documents.md describes each), so each builder
maps the default names (``L1.N1.w1`` ...) to the document's own explicitly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from autodiff.i18n import N_, lookup, translate, translate_plural
from autodiff import Value, no_grad
from autodiff.display import markdown_escape, markdown_table, one_line

from .losses import bce_loss, half_sse_loss, mse_loss
from .module import MLP

GOLDEN_PATH = Path(__file__).with_name("data") / "golden.json"

SEED_IDS = (
    "000_da5174cd507e8033",
    "001_d4f3e13d59810b13",
    "002_cc8e1b83e131b83e",
    "003_e8a3b582595e2a5f",
    "004_7a1848ad1d480971",
)
VARIANTS = {
    "000": ("per_unit_hidden_bias", "half_squared_error_loss"),
    "003": ("batch_sum",),
}


@lru_cache(maxsize=1)
def _golden_text() -> str:
    return GOLDEN_PATH.read_text(encoding="utf-8")


def load_golden() -> dict[str, Any]:
    """A fresh copy of golden.json (all seeds)."""
    golden: dict[str, Any] = json.loads(_golden_text())
    return golden


def full_id(seed: str) -> str:
    """'004' or '004_7a1848ad1d480971' -> '004_7a1848ad1d480971'."""
    if not isinstance(seed, str):
        raise TypeError(f"reference: seed must be a str such as '004', got {type(seed).__name__} {seed!r}")
    for sid in SEED_IDS:
        if seed in (sid, sid[:3]):
            return sid
    raise ValueError(f"reference: unknown seed {seed!r}; expected one of {', '.join(s[:3] for s in SEED_IDS)}")


@dataclass
class ReferenceCase:
    """One document's network on its golden instance.

    ``model``: the network; ``loss()``: a fresh forward graph, returning the named loss
    Value; ``golden``: the seed's dict from golden.json; ``expected_loss`` and
    ``expected_gradients`` (parameter name -> number) for this variant; ``expected_forward()``:
    node name -> golden forward value.
    """

    seed: str
    variant: str | None
    title: str
    model: MLP
    golden: dict[str, Any]
    expected_loss: float
    expected_gradients: dict[str, float]
    _forward: Callable[[], Value] = field(repr=False)
    _forward_names: dict[str, Any] = field(default_factory=dict, repr=False)

    def loss(self) -> Value:
        """Build the forward graph on the golden instance and return the loss Value."""
        return self._forward()

    def __repr__(self) -> str:
        variant = f", variant {self.variant!r}" if self.variant else ""
        return one_line(f"ReferenceCase({self.seed[:3]!r}{variant}: {self.model!r}, "
                        f"{len(self.model.parameters())} parameters)")

    def _repr_markdown_(self) -> str:
        """Jupyter: the document, its network, loss and parameter count, and a table of the gradients.

        In the learner's language (``autodiff.i18n``: an enclosing ``using_language``, else
        ``AUTODIFF_LANG``, else the locale); the numbers are the same in every language.
        """
        with no_grad():
            loss = self.loss()
        grads = dict(self.model.named_parameters())
        before_backward = all(p.grad == 0 for p in grads.values())

        def agree(name: str, grad: float) -> str:
            if before_backward or name not in self.expected_gradients:
                return ""
            return "✓" if abs(grad - self.expected_gradients[name]) <= 1e-12 else "✗"

        rows = [[name, p.grad, self.expected_gradients.get(name, ""), agree(name, p.grad)] for name, p in grads.items()]
        title = markdown_escape(lookup(self.title))
        heading = (translate("**{title}** (variant `{variant}`)", title=title, variant=self.variant) if self.variant
                   else f"**{title}**")
        lines = [
            heading,
            "",
            translate_plural("network `{model}`, loss {loss} = {value}, {count} parameter",
                             "network `{model}`, loss {loss} = {value}, {count} parameters", len(grads),
                             model=repr(self.model), loss=markdown_escape(loss.name or "loss"), value=repr(loss.data)),
            "",
        ]
        if before_backward:
            lines += [translate("*No backward pass yet: every gradient is 0. Run `case.loss().backward()`.*"), ""]
        lines.append(markdown_table([translate("parameter"), translate("gradient (backward)"), "golden.json",
                                     translate("agree")], rows))
        return "\n".join(lines)

    def expected_forward(self) -> dict[str, float]:
        """Node name -> golden forward value (empty for the 003 batch, which golden.json has none for)."""
        out: dict[str, float] = {}
        for key, names in self._forward_names.items():
            _flatten_into(out, names, self.golden["forward"][key])
        return out


def _flatten_into(out: dict[str, float], names: Any, values: Any) -> None:
    stack = [(names, values)]
    while stack:
        n, v = stack.pop()
        if isinstance(n, str):
            out[n] = v
        else:
            stack.extend(reversed(list(zip(n, v))))  # keep the document's order


def _unit(layer: int, unit: int, label: str, weights: list[str], bias: str | None, z: str, a: str) -> dict[str, str]:
    """Default names of unit (layer, unit) -> the document's names."""
    p = f"L{layer}.N{unit}"
    names = {p: label, f"{p}.z": z, f"{p}.a": a}
    names.update({f"{p}.w{k}": w for k, w in enumerate(weights, start=1)})
    if bias is not None:
        names[f"{p}.b"] = bias
    return names


def _merge(*units: dict[str, str]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for u in units:
        merged.update(u)
    return merged


def _with_golden(model: MLP, values: dict[str, float]) -> MLP:
    model.load_state_dict(values)
    return model


# --- 000: shared hidden bias, BCE -------------------------------------------------------------

def _build_000(sid: str, g: dict[str, Any], variant: str | None) -> ReferenceCase:
    per_unit = variant == "per_unit_hidden_bias"
    hidden = [
        _unit(1, j, f"h{j}", [f"W_{j}", f"W_{j + 3}"], f"b_1_h{j}" if per_unit else None, f"net h{j}", f"Out h{j}")
        for j in (1, 2, 3)
    ]
    output = _unit(2, 1, "o1", ["W_20", "W_21", "W_22"], "b_2", "net o1", "y")
    shared = Value(0.0, name="b_1")
    model = MLP(2, [3, 1], bias=[True if per_unit else shared, True], names=_merge(*hidden, output))
    params = dict(g["parameters"])
    if per_unit:
        b1 = params.pop("b_1")
        params.update({f"b_1_h{j}": b1 for j in (1, 2, 3)})
    _with_golden(model, params)
    half = variant == "half_squared_error_loss"
    inputs, target = g["inputs"], g["targets"]["t"]

    def forward() -> Value:
        a1, a2, t = Value(inputs["a_1"], "a1"), Value(inputs["a_2"], "a2"), Value(target, "t")
        y = model([a1, a2])
        loss = half_sse_loss(y, t) if half else bce_loss(y, t)
        loss.name = "Loss"
        return loss

    if half:
        expected_loss = g["variants"][variant]["loss_value"]
        grads = dict(g["variants"][variant]["gradients"])
    else:
        expected_loss = g["loss"]["value"]
        grads = dict(g["gradients"])
        if per_unit:
            del grads["b_1"]
            grads.update(g["variants"][variant]["gradients"])
    title = {
        None: N_("000: 2-3-1 sigmoid net, one hidden bias b_1 shared by h1, h2, h3, binary cross-entropy"),
        "per_unit_hidden_bias": N_("000 (variant): a separate hidden bias per unit, b_1_h1, b_1_h2, b_1_h3"),
        "half_squared_error_loss": N_("000 (variant): the same net with Loss = ½(y − t)²"),
    }[variant]
    names = {"net_h": ["net h1", "net h2", "net h3"], "out_h": ["Out h1", "Out h2", "Out h3"],
             "net_o1": "net o1", "y": "y"}
    return ReferenceCase(sid, variant, title, model, g, expected_loss, grads, forward, names)


# --- 001: 1-2-2-1, linear output, MSE over 3 samples ---------------------------------------------

def _build_001(sid: str, g: dict[str, Any], variant: str | None) -> ReferenceCase:
    # w^L_ij goes FROM unit i of layer L-1 TO unit j of layer L, so unit j's k-th weight is wL_kj.
    units = [_unit(1, j, f"h1_{j}", [f"w1_1{j}"], f"b1_{j}", f"l1_{j}", f"h1_{j}") for j in (1, 2)]
    units += [_unit(2, j, f"h2_{j}", [f"w2_1{j}", f"w2_2{j}"], f"b2_{j}", f"l2_{j}", f"h2_{j}") for j in (1, 2)]
    units.append(_unit(3, 1, "yhat", ["w3_11", "w3_21"], "b3_1", "l3_1", "yhat"))
    model = MLP(1, [2, 2, 1], activations=["sigmoid", "sigmoid", "linear"], names=_merge(*units))
    _with_golden(model, g["parameters"])
    xs, ys = g["inputs"]["x"], g["targets"]["y"]

    def forward() -> Value:
        preds, targets = [], []
        for k, (x, y) in enumerate(zip(xs, ys), start=1):
            preds.append(model.output([Value(x, f"x[{k}]")], suffix=f"[{k}]"))
            targets.append(Value(y, f"y[{k}]"))
        loss = mse_loss(preds, targets)
        loss.name = "L"
        return loss

    ks = range(1, len(xs) + 1)
    names = {
        "l1": [[f"l1_{j}[{k}]" for j in (1, 2)] for k in ks],
        "h1": [[f"h1_{j}[{k}]" for j in (1, 2)] for k in ks],
        "l2": [[f"l2_{j}[{k}]" for j in (1, 2)] for k in ks],
        "h2": [[f"h2_{j}[{k}]" for j in (1, 2)] for k in ks],
        "yhat": [f"yhat[{k}]" for k in ks],
    }
    title = N_("001: 1-2-2-1 net (sigmoid, sigmoid, linear output), MSE over 3 samples, one SGD step")
    return ReferenceCase(sid, variant, title, model, g, g["loss"]["value"], dict(g["gradients"]), forward, names)


# --- 002: Mazur's 2-2-2 ---------------------------------------------------------------------------

def _build_002(sid: str, g: dict[str, Any], variant: str | None) -> ReferenceCase:
    # w^(l)_ij goes TO unit i of layer l FROM unit j of layer l-1: unit i's k-th weight is wl_ik.
    units = [_unit(1, i, f"a2_{i}", [f"w2_{i}1", f"w2_{i}2"], f"b2_{i}", f"z2_{i}", f"a2_{i}") for i in (1, 2)]
    units += [_unit(2, i, f"a3_{i}", [f"w3_{i}1", f"w3_{i}2"], f"b3_{i}", f"z3_{i}", f"a3_{i}") for i in (1, 2)]
    model = MLP(2, [2, 2], names=_merge(*units))
    _with_golden(model, g["parameters"])
    x, t = g["inputs"]["x"], g["targets"]["t"]

    def forward() -> Value:
        outputs = model([Value(x[0], "a1_1"), Value(x[1], "a1_2")])
        loss = half_sse_loss(outputs, [Value(t[0], "t1"), Value(t[1], "t2")])
        loss.name = "E"
        return loss

    names = {"z2": ["z2_1", "z2_2"], "A2": ["a2_1", "a2_2"], "z3": ["z3_1", "z3_2"], "A3": ["a3_1", "a3_2"]}
    title = N_("002: Mazur's 2-2-2 sigmoid net, E = ½·Σ(t_i − a3_i)²")
    return ReferenceCase(sid, variant, title, model, g, g["loss"]["value"], dict(g["gradients"]), forward, names)


# --- 003: 2-3-2-1, no biases, linear output --------------------------------------------------------

def _build_003(sid: str, g: dict[str, Any], variant: str | None) -> ReferenceCase:
    units = [_unit(1, i, f"a1_{i}", [f"w1_{i}1", f"w1_{i}2"], None, f"z1_{i}", f"a1_{i}") for i in (1, 2, 3)]
    units += [_unit(2, i, f"a2_{i}", [f"w2_{i}{j}" for j in (1, 2, 3)], None, f"z2_{i}", f"a2_{i}") for i in (1, 2)]
    units.append(_unit(3, 1, "pred", ["w3_11", "w3_12"], None, "z3_1", "pred"))
    model = MLP(2, [3, 2, 1], activations=["sigmoid", "sigmoid", "linear"], bias=False, names=_merge(*units))
    _with_golden(model, g["parameters"])
    if variant == "batch_sum":
        batch = g["variants"]["batch_sum"]
        samples, trues = batch["inputs"], batch["targets"]

        def forward_batch() -> Value:
            preds, targets = [], []
            for k, (x, y) in enumerate(zip(samples, trues), start=1):
                preds.append(model.output([Value(x[0], f"x_0[{k}]"), Value(x[1], f"x_1[{k}]")], suffix=f"[{k}]"))
                targets.append(Value(y, f"true[{k}]"))
            loss = half_sse_loss(preds, targets)  # ½·Σ_k: the sum over samples that Xᵀ·δ computes
            loss.name = "loss"
            return loss

        title = N_("003 (variant): the same net on a 3-sample batch, loss = Σ_k (pred_k − true_k)²/2")
        return ReferenceCase(sid, variant, title, model, g, batch["loss_value"], dict(batch["gradients"]), forward_batch)

    x, target = g["inputs"]["x"], g["targets"]["true"]

    def forward() -> Value:
        pred = model([Value(x[0], "x_0"), Value(x[1], "x_1")])
        loss = half_sse_loss(pred, Value(target, "true"))
        loss.name = "loss"
        return loss

    names = {"z1": ["z1_1", "z1_2", "z1_3"], "a1": ["a1_1", "a1_2", "a1_3"],
             "z2": ["z2_1", "z2_2"], "a2": ["a2_1", "a2_2"], "pred": "pred"}
    title = N_("003: 2-3-2-1 net without biases (sigmoid, sigmoid, linear output), loss = (pred − true)²/2")
    return ReferenceCase(sid, variant, title, model, g, g["loss"]["value"], dict(g["gradients"]), forward, names)


# --- 004: 2-2-1, no biases ---------------------------------------------------------------------------

def _build_004(sid: str, g: dict[str, Any], variant: str | None) -> ReferenceCase:
    # w_ij goes TO neuron i FROM source j; neurons 1, 2 are hidden and 3 is the output.
    units = [_unit(1, i, f"A{i}", [f"w{i}1", f"w{i}2"], None, f"z{i}", f"A{i}") for i in (1, 2)]
    units.append(_unit(2, 1, "A3", ["w31", "w32"], None, "z3", "A3"))
    model = MLP(2, [2, 1], bias=False, names=_merge(*units))
    _with_golden(model, g["parameters"])
    inputs, target = g["inputs"], g["targets"]["y_t"]

    def forward() -> Value:
        a3 = model([Value(inputs["x1"], "x1"), Value(inputs["x2"], "x2")])
        loss = half_sse_loss(a3, Value(target, "y_t"))
        loss.name = "E"
        return loss

    names = {k: k for k in ("z1", "z2", "A1", "A2", "z3", "A3")}
    title = N_("004: 2-2-1 sigmoid net without biases, E = ½(A3 − y_t)²")
    return ReferenceCase(sid, variant, title, model, g, g["loss"]["value"], dict(g["gradients"]), forward, names)


_BUILDERS = {"000": _build_000, "001": _build_001, "002": _build_002, "003": _build_003, "004": _build_004}


def build(seed: str, variant: str | None = None) -> ReferenceCase:
    """The reference case for ``seed`` ('000'..'004' or a full id), optionally a variant.

    Variants: '000' 'per_unit_hidden_bias' and 'half_squared_error_loss'; '003' 'batch_sum'.
    """
    sid = full_id(seed)
    allowed = VARIANTS.get(sid[:3], ())
    if variant is not None and variant not in allowed:
        choices = ", ".join(map(repr, allowed)) or "none"
        raise ValueError(f"reference: seed {sid[:3]} has no variant {variant!r}; its variants: {choices}")
    return _BUILDERS[sid[:3]](sid, load_golden()[sid], variant)
