"""The lab's Matrices tab: the layer (matrix) form of the graph shown, and typed matrix formulas judged.

Nothing here knows HTTP (``server.py`` does) and nothing here computes a gradient or judges a
formula (``nn.layerform`` and ``nn.matrix_check`` do): this module finds the network behind a
``LabGraph`` (a document's, or the page's small network) with the graph's current values, and
turns its ``LayerForm`` and the checker's ``MatrixVerdict`` into JSON.

* ``matrices_payload``: ``{"graph", "seed", "loss", "loss_value", "agrees", "layers": [{"index",
  "activation", "matrices": [{"key", "name", "rows": [[{"value", "text", "param", "node"}]]}]}],
  "targets", "names"}``; a gradient entry (``dW``, ``db``) carries its parameter's name,
  its node id in the graph and its terms (δ · activation, one per sample);
* ``matrix_check_payload``: ``{"ok", "target", "formula", "text", "diagnoses", "value", "expected",
  "error"}``; a formula the reader cannot read is an answer too (``error`` with its position).

A graph that is not a network (an expression, a classic example) has no layer form: a 422 that
says so. The matrices use the graph's current parameter values (after edits and descent steps);
a document's inputs and targets are its own, and ``agrees`` says whether the layer form's loss is
the graph's (it is not after an input or a target of a document was edited).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from ..formula import FormulaError
from ..i18n import translate
from ..render import format_number
from .api import number
from .graphs import LabError, LabGraph
from .networks import _network_spec, build_network

MAX_MATRIX_FORMULA_LENGTH = 200
"""Characters of a typed matrix formula the tab judges (its diagnosis re-evaluates the formula once per
operator, so the work grows with the square of its length)."""

MATRIX_TOLERANCE = 1e-12
"""Relative difference between the layer form's loss and the graph's within which they are one number."""


def _values(graph: LabGraph) -> dict[str, float]:
    """The graph's named leaves and their current values."""
    return {n.name: n.data for n in graph.order if n.op is None and n.name is not None}


def _network(graph: LabGraph) -> tuple[Any, list[list[float]], list[list[float]], str, str | None]:
    """(model, X, T, loss name, document seed or None) behind ``graph``, with its current parameter values."""
    from nn.layerform import case_data
    from nn.reference import SEED_IDS

    source = graph.source or {}
    values = _values(graph)
    case = source.get("case")
    if isinstance(case, str) and case in {sid[:3] for sid in SEED_IDS}:
        model, X, T, loss, _ = case_data(case)
        for name, p in model.named_parameters():
            if name in values:
                p.data = values[name]
        return model, X, T, loss, case
    if "network" in source:
        spec = _network_spec(source["network"])
        _, model = build_network(spec, values)
        many = len(spec["inputs"]) > 1
        X, T = [], []
        for k, (sample, row) in enumerate(zip(spec["inputs"], spec["targets"]), start=1):
            suffix = f"_{k}" if many else ""
            X.append([values.get(f"x{i}{suffix}", x) for i, x in enumerate(sample, start=1)])
            T.append([values.get((f"t{j}" if len(row) > 1 else "t") + suffix, t) for j, t in enumerate(row, start=1)])
        return model, X, T, spec["loss"], None
    raise LabError(translate("The Matrices tab needs a network: open one of the five documents or build a small "
                             "network."), 422, offer="network")


def _form(graph: LabGraph) -> Any:
    from nn.layerform import layer_form

    model, X, T, loss, seed = _network(graph)
    try:
        return layer_form(model, X, T, loss, seed=seed)
    except (ValueError, ArithmeticError) as error:
        raise LabError(str(error), 422) from None


def _cell(x: float, **extra: Any) -> dict[str, Any]:
    return {"value": number(x), "text": format_number(x), **extra}


def _plain(m: Sequence[Sequence[float]]) -> list[list[dict[str, Any]]]:
    return [[_cell(x) for x in row] for row in m]


def _node_ids(graph: LabGraph) -> dict[str, str]:
    return {n.name: graph.ids[n] for n in graph.order if n.op is None and n.name is not None}


def _terms(form: Any, theirs: dict[str, str], layer: int, row: int | None, col: int) -> list[dict[str, Any]]:
    """δ^l[n][col] · A^{l−1}[n][row] (1 for a bias) for each sample n, in the document's names: the entry is their sum."""
    delta = form.layer(layer).delta
    before = form.activation_before(layer)
    prev = "X" if layer == 1 else f"A{layer - 1}"
    prev, d = theirs.get(prev, prev), theirs.get(f"δ{layer}", f"δ{layer}")
    out = []
    for n in range(form.samples):
        a = 1.0 if row is None else before[n][row]
        out.append({"sample": n, "delta": number(delta[n][col]), "delta_label": f"{d}[{n}][{col}]",
                    "activation": number(a), "activation_label": "1" if row is None else f"{prev}[{n}][{row}]",
                    "text": f"{format_number(delta[n][col])} · {format_number(a)}"})
    return out


def _names(seed: str | None) -> dict[str, str]:
    from nn.layerform_text import DOCUMENT_NAMES

    return DOCUMENT_NAMES.get(seed or "", {})


def _gradient_name(theirs: dict[str, str], ours: str) -> str:
    """The document's name of ``dW1`` / ``db1`` (``dW2`` for 002), else ours."""
    base = theirs.get(ours[1:])
    return theirs.get(ours, "d" + base if base is not None and base.isidentifier() else ours)


def matrices_payload(graph: LabGraph) -> dict[str, Any]:
    """The layer form of the graph's network, every matrix with its numbers (module docstring)."""
    from nn.matrix_check import matrix_names

    form = _form(graph)
    theirs = _names(form.seed)
    nodes = _node_ids(graph)
    layers = []
    for lm in form.layers:
        l = lm.index
        dW_name, db_name = _gradient_name(theirs, f"dW{l}"), _gradient_name(theirs, f"db{l}")
        dW = [[_cell(x, param=lm.W_names[k][j], node=nodes.get(lm.W_names[k][j]), entry=f"{dW_name}[{k}][{j}]",
                     terms=_terms(form, theirs, l, k, j))
               for j, x in enumerate(row)] for k, row in enumerate(lm.dW)]
        matrices = [
            {"key": f"W{l}", "name": theirs.get(f"W{l}", f"W{l}"), "rows": _plain(lm.W)},
            {"key": f"Z{l}", "name": theirs.get(f"Z{l}", f"Z{l}"), "rows": _plain(lm.Z)},
            {"key": f"A{l}", "name": theirs.get(f"A{l}", f"A{l}"), "rows": _plain(lm.A)},
            {"key": f"δ{l}", "name": theirs.get(f"δ{l}", f"δ{l}"), "rows": _plain(lm.delta)},
            {"key": f"dW{l}", "name": dW_name, "rows": dW},
        ]
        if lm.db is not None:
            db = [[_cell(x, param=lm.b_names[j], node=nodes.get(lm.b_names[j] or ""), entry=f"{db_name}[{j}]",
                         terms=_terms(form, theirs, l, None, j)) for j, x in enumerate(lm.db)]]
            matrices.append({"key": f"db{l}", "name": db_name, "rows": db,
                             "shared": lm.bias == "shared"})
        layers.append({"index": l, "activation": lm.activation, "bias": lm.bias, "matrices": matrices})
    names, targets = matrix_names(form)
    loss = graph.root.data
    agrees = abs(form.loss_value - loss) <= MATRIX_TOLERANCE * max(1.0, abs(loss))
    return {
        "graph": graph.gid, "seed": form.seed, "loss": form.loss, "loss_value": number(form.loss_value),
        "factor": form.factor_text, "samples": form.samples, "agrees": agrees,
        "inputs": {"key": "X", "name": theirs.get("X", "X"), "rows": _plain(form.X)}, "layers": layers,
        "targets": [m["name"] for layer in layers for m in layer["matrices"]
                    if m["key"][0] in "δd" and m["name"] in targets and targets[m["name"]] == m["key"]],
        "names": sorted(names),
    }


def _matrix(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float):
        return number(value)
    return [[number(x) for x in row] for row in value]


def matrix_check_payload(graph: LabGraph, target: object, formula: object) -> dict[str, Any]:
    """The checker's verdict on a typed matrix formula for ``target`` (``dW2``, 002's ``loss_3``, ...)."""
    from nn.matrix_check import check_matrix_formula, matrix_names

    if not isinstance(target, str):
        raise LabError(f"target must be the name of a matrix such as 'dW1' or 'δ2', got {target!r}", field="target")
    if not isinstance(formula, str):
        raise LabError(f"formula must be a string, got {type(formula).__name__}", field="formula")
    if len(formula) > MAX_MATRIX_FORMULA_LENGTH:
        raise LabError(f"the matrix formula is {len(formula)} characters long; the Matrices tab reads at most "
                       f"{MAX_MATRIX_FORMULA_LENGTH}", 413, field="formula")
    form = _form(graph)
    _, targets = matrix_names(form)
    if target not in targets:
        raise LabError(f"no matrix named {target!r} to check; the targets are {', '.join(targets)}", field="target")
    base: dict[str, Any] = {"graph": graph.gid, "target": target, "formula": formula, "ok": False, "text": "",
                            "diagnoses": [], "value": None, "expected": None, "error": None}
    if not formula.strip():
        return {**base, "error": {"message": translate("type a formula"), "position": 0, "token": None}}
    try:
        verdict = check_matrix_formula(form, target, formula)
    except FormulaError as error:
        return {**base, "text": str(error),
                "error": {"message": error.reason, "position": error.position, "token": error.token}}
    except (ArithmeticError, ValueError) as error:  # a number past a float's range, a function outside its domain
        message = translate("the formula cannot be evaluated on these numbers: {reason}", reason=str(error))
        return {**base, "text": message, "error": {"message": message, "position": None, "token": None}}
    value = verdict.value
    finite = value is None or all(math.isfinite(x) for row in ([[value]] if isinstance(value, float) else value)
                                  for x in row)
    return {**base, "ok": verdict.ok, "text": verdict.text(), "diagnoses": list(verdict.diagnoses),
            "value": _matrix(value), "expected": _matrix(verdict.expected), "finite": finite}


__all__ = ["matrices_payload", "matrix_check_payload", "MAX_MATRIX_FORMULA_LENGTH"]
