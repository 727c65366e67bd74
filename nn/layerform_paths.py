"""One matrix entry linked to its scalar derivation: the δ entries and activations it multiplies, and the paths.

``link_entry(form, root, name)`` takes a parameter's gradient entry in the layer form (for a
weight, ∂L/∂W^l[k][j] = Σ_n (A^{l−1})ᵀ[k][n]·δ^l[n][j]: one term per sample n, the activation
of unit k times the δ of unit j) and the scalar graph ``root`` of the same loss, and lists:

* the terms of that sum (sample, δ entry, activation entry, their product);
* the paths that ``autodiff.explain`` lists from the loss to the parameter, grouped by the
  pre-activation node (unit j in sample n) each path passes last: each group's sum is one
  term of the matrix sum, δ^l[n][j] times the activation (1 for a bias), and all of them
  together are the entry.

A bias shared by a layer has one term per sample and unit. When there are more than
``max_paths`` paths, only their number is given (the delta form's). Words are the renderer's.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from autodiff import Value
from autodiff.explanation import TooManyPathsError, explain

from .layerform import Entry, LayerForm

__all__ = ["Term", "PathGroup", "EntryLink", "link_entry", "sample_of"]

_SUFFIX = re.compile(r"^(.*)\[(\d+)\]$")


@dataclass(frozen=True)
class Term:
    """One term of the matrix sum: δ^l[sample][unit] · activation (A^{l−1}[sample][row], or 1 for a bias)."""

    entry: Entry
    sample: int
    unit: int
    delta: float
    activation: float
    activation_label: str  # "A1[0][2]", "X[1][0]" or "1"

    @property
    def value(self) -> float:
        return self.delta * self.activation

    def delta_label(self) -> str:
        return f"δ{self.entry.layer}[{self.sample}][{self.unit}]"


@dataclass(frozen=True)
class PathGroup:
    """The paths through one pre-activation node (unit ``unit`` in sample ``sample``) and their sum."""

    node: str
    sample: int
    unit: int
    count: int
    total: float


@dataclass(frozen=True)
class EntryLink:
    """A parameter's matrix entry and its scalar derivation (module docstring)."""

    name: str
    entries: tuple[Entry, ...]
    value: float  # the entry (or, for a shared bias, the sum of its entries)
    terms: tuple[Term, ...]
    path_count: int
    path_sum: float | None  # None when the paths were too many to list
    groups: tuple[PathGroup, ...]
    scalar_gradient: float  # the same derivative from the scalar graph (explain's value)
    loss_name: str = "L"  # the scalar graph's name for the loss (002's E, 000's Loss)


def sample_of(label: str) -> tuple[str, int]:
    """``"z2_1[3]"`` -> (``"z2_1"``, 2): a node's base name and its sample (from 0; no suffix: 0)."""
    match = _SUFFIX.match(label)
    if match is None:
        return label, 0
    return match.group(1), int(match.group(2)) - 1


def _terms(form: LayerForm, entries: tuple[Entry, ...]) -> list[Term]:
    terms = []
    for e in entries:
        layer = form.layer(e.layer)
        before = form.activation_before(e.layer)
        symbol = "X" if e.layer == 1 else f"A{e.layer - 1}"
        for n in range(form.samples):
            if e.kind == "W":
                terms.append(Term(e, n, e.col, layer.delta[n][e.col], before[n][e.row], f"{symbol}[{n}][{e.row}]"))
            else:
                terms.append(Term(e, n, e.col, layer.delta[n][e.col], 1.0, "1"))
    return terms


def link_entry(form: LayerForm, root: Value, name: str, max_paths: int = 256) -> EntryLink:
    """Parameter ``name``'s entry in ``form`` beside ``explain(root, name)`` (module docstring)."""
    if name not in form.entries:
        raise ValueError(f"link_entry: no parameter named {name!r}; the parameters are {', '.join(form.entries)}")
    entries = form.entries[name]
    terms = _terms(form, entries)
    try:
        explanation = explain(root, name, form="paths", max_paths=max_paths)
    except TooManyPathsError:
        explanation = explain(root, name, form="delta")
    groups: list[PathGroup] = []
    if explanation.paths is not None:
        by_node: dict[str, list[float]] = {}
        for path in explanation.paths:
            upper = path.factors[-1].upper_label if path.factors else name
            by_node.setdefault(upper, []).append(path.value)
        for node, values in by_node.items():
            base, sample = sample_of(node)
            unit = next((j for e in entries for j, z in enumerate(form.layer(e.layer).z_names) if z == base), -1)
            groups.append(PathGroup(node, sample, unit, len(values), math.fsum(values)))
    return EntryLink(name, entries, form.gradients[name], tuple(terms), explanation.path_count, explanation.path_sum,
                     tuple(groups), explanation.value, explanation.root_label)
