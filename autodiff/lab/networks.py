"""The lab's small networks: the page's network form checked, and the network built from it.

``network_graph`` makes the lab's graph of an ``nn.MLP`` with a loss from the form; the graph
keeps ``build_network`` as its way to change a value: the network is built again from the form
with the named leaves' values (parameters, inputs, targets), so every rule applied while building
(``bce_loss``'s guard near 0 and 1) holds as when it was first built.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..engine import Value
from ..i18n import N_, translate
from .graphs import LabError, LabGraph, finite_number, lab_graph

NETWORK_LIMITS = {"inputs": 6, "layers": 4, "width": 8, "samples": 4}
LOSSES = ("mse", "half_sse", "bce")
ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear")


def _number(x: object, what: str) -> float:
    return finite_number(x, f"network: {what}")


def network_graph(spec: object) -> LabGraph:
    """A small ``nn.MLP`` with a loss, from the page's network form.

    ``{"inputs": [[x1, x2], ...] (one list per sample), "targets": [[t], ...], "sizes": [3, 1],
    "activations": ["sigmoid", "sigmoid"], "bias": "on" | "off" | "shared", "loss": "mse" |
    "half_sse" | "bce", "seed": 0}``. Bounded: a few inputs, layers, units and samples. A change
    of value builds it again from this spec (``build_network``), never by replaying its operations.
    """
    checked = _network_spec(spec)
    loss, model = build_network(checked)
    sizes = checked["sizes"]
    layers = " → ".join(str(n) for n in [len(checked["inputs"][0]), *sizes])
    graph = lab_graph(loss, N_("Network {layers} ({activations}), {loss} loss"), model,
                      title_values={"layers": str(layers), "activations": ", ".join(checked["activations"]),
                                    "loss": str(checked["loss"])})
    graph.rebuild = lambda values: build_network(checked, values)
    return graph


def build_network(spec: object, values: Mapping[str, float] | None = None) -> tuple[Value, Any]:
    """The network's loss and its model, built from ``spec`` with the named leaves of ``values`` set.

    Parameters start from the seed; a value given by name (``"L1.N1.w1"``, ``"x1_2"``, ``"t_1"``)
    replaces the leaf's before anything is computed from it, so the loss and every rule applied
    while building (``bce_loss``'s guard) are exactly those of a network built with that value.
    """
    from nn import MLP, bce_loss, half_sse_loss, mse_loss

    checked = _network_spec(spec)
    given = dict(values or {})
    sizes, activations, bias = checked["sizes"], checked["activations"], checked["bias"]
    xs, ts = checked["inputs"], checked["targets"]
    bias_arg: Any = {"on": True, "off": False}.get(bias) if bias != "shared" else [
        Value(0.0, f"b{k}") for k in range(1, len(sizes) + 1)]
    try:
        model = MLP(len(xs[0]), sizes, activations=activations, bias=bias_arg, seed=checked["seed"])
    except (ValueError, TypeError) as error:
        raise LabError(f"network: {error}") from None
    for p in model.parameters():
        if p.name in given:
            p.data = given[p.name]
    predictions: list[Value] = []
    target_values: list[Value] = []
    for k, (sample, row) in enumerate(zip(xs, ts), start=1):
        suffix = f"_{k}" if len(xs) > 1 else ""
        names = [f"x{i}{suffix}" for i in range(1, len(sample) + 1)]
        out = model([Value(given.get(name, x), name) for name, x in zip(names, sample)])
        predictions += out if isinstance(out, list) else [out]
        target_names = [f"t{j}{suffix}" if len(row) > 1 else f"t{suffix}" for j in range(1, len(row) + 1)]
        target_values += [Value(given.get(name, t), name) for name, t in zip(target_names, row)]
    loss_fn = {"mse": mse_loss, "half_sse": half_sse_loss, "bce": bce_loss}[checked["loss"]]
    loss = loss_fn(predictions, target_values)
    loss.name = "Loss"
    return loss, model


def _network_spec(spec: object) -> dict[str, Any]:
    """The network form checked and completed with its defaults (a 400 that says what is wrong)."""
    if not isinstance(spec, dict):
        raise LabError(f"network must be an object, got {type(spec).__name__}")
    unknown = set(spec) - {"inputs", "targets", "sizes", "activations", "bias", "loss", "seed"}
    if unknown:
        raise LabError(f"network: unknown fields {sorted(unknown)}")
    samples, targets = spec.get("inputs"), spec.get("targets")
    sizes = spec.get("sizes", [2, 1])
    lim = NETWORK_LIMITS
    if not isinstance(samples, list) or not samples or not all(isinstance(s, list) and s for s in samples):
        raise LabError(translate("network: inputs must be a non-empty list of samples, each a non-empty list of numbers"))
    if len(samples) > lim["samples"]:
        raise LabError(translate("network: at most {limit} samples, got {count}", limit=lim["samples"], count=len(samples)),
                       413)
    nin = len(samples[0])
    if nin > lim["inputs"] or any(len(s) != nin for s in samples):
        raise LabError(translate("network: every sample needs the same number of inputs, at most {limit}",
                                 limit=lim["inputs"]))
    if not isinstance(sizes, list) or not sizes or len(sizes) > lim["layers"] or not all(
            isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= lim["width"] for n in sizes):
        raise LabError(translate("network: sizes must be 1 to {layers} layer sizes, each 1 to {width}",
                                 layers=lim["layers"], width=lim["width"]))
    if not isinstance(targets, list) or len(targets) != len(samples) or not all(
            isinstance(t, list) and len(t) == sizes[-1] for t in targets):
        raise LabError(translate("network: targets must hold one list of {count} numbers per sample", count=sizes[-1]))
    activations = spec.get("activations", ["sigmoid"] * len(sizes))
    if not isinstance(activations, list) or any(a not in ACTIVATIONS for a in activations):
        raise LabError(translate("network: activations must list one of {names} per layer",
                                 names=", ".join(ACTIVATIONS)), field="activations")
    if len(activations) != len(sizes):
        raise LabError(translate("network: {layers} layers but {count} activations: give one activation per "
                                 "layer", layers=len(sizes), count=len(activations)), field="activations")
    bias = spec.get("bias", "on")
    if bias not in ("on", "off", "shared"):
        raise LabError(translate("network: bias must be 'on', 'off' or 'shared'"))
    loss_name = spec.get("loss", "mse")
    if loss_name not in LOSSES:
        raise LabError(translate("network: loss must be one of {names}", names=", ".join(LOSSES)))
    seed = spec.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**31:
        raise LabError(translate("network: seed must be a whole number from 0 to {limit}", limit=2**31 - 1))
    xs = [[_number(x, "an input") for x in s] for s in samples]
    ts = [[_number(t, "a target") for t in row] for row in targets]
    if loss_name == "bce" and any(not 0 <= t <= 1 for row in ts for t in row):
        raise LabError(translate("network: binary cross-entropy needs targets between 0 and 1"))
    return {"inputs": xs, "targets": ts, "sizes": list(sizes), "activations": list(activations), "bias": bias,
            "loss": loss_name, "seed": seed}
